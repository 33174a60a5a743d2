//! Records, variants, enums, flags (of 8, 16 and 32 bits), options,
//! results and tuples, both ways; aggregates the guest passes to the host.

mod bindings;
mod counting;

use bindings::exports::test::rust_aggregates::aggregates::Guest as Aggregates;
use bindings::test::rust_aggregates::host;
use bindings::test::rust_aggregates::types::{Color, Error, Medium, Perms, Person, Point, Shape, Wide};

struct Component;

bindings::export!(Component with_types_in bindings);

impl bindings::Guest for Component {
    fn live_allocations() -> i32 {
        counting::live()
    }
}

fn shoelace(points: &[Point]) -> f64 {
    let n = points.len();
    let mut twice = 0i64;
    for i in 0..n {
        let (a, b) = (&points[i], &points[(i + 1) % n]);
        twice += a.x as i64 * b.y as i64 - b.x as i64 * a.y as i64;
    }
    (twice as f64 / 2.0).abs()
}

impl Aggregates for Component {
    fn move_point(p: Point, dx: i32, dy: i32) -> Point {
        Point { x: p.x + dx, y: p.y + dy }
    }

    fn birthday(p: Person) -> Person {
        let mut tags = p.tags;
        tags.push(format!("{}", p.age + 1));
        Person {
            name: p.name,
            age: p.age + 1,
            tags,
            home: p.home.map(|h| Point { x: h.y, y: h.x }),
        }
    }

    fn adults(ps: Vec<Person>) -> Vec<String> {
        ps.into_iter().filter(|p| p.age >= 18).map(|p| p.name).collect()
    }

    fn area(s: Shape) -> f64 {
        match s {
            Shape::Circle(r) => (r as f64) * (r as f64) * 3.0,
            Shape::Rect(p) => (p.x as f64 * p.y as f64).abs(),
            Shape::Polygon(points) => shoelace(&points),
            Shape::Nothing => 0.0,
        }
    }

    fn scale(s: Shape, k: i32) -> Shape {
        match s {
            Shape::Circle(r) => Shape::Circle(r * k as f32),
            Shape::Rect(p) => Shape::Rect(Point { x: p.x * k, y: p.y * k }),
            Shape::Polygon(points) => Shape::Polygon(
                points
                    .into_iter()
                    .map(|p| Point { x: p.x * k, y: p.y * k })
                    .collect(),
            ),
            Shape::Nothing => Shape::Nothing,
        }
    }

    fn next_color(c: Color) -> Color {
        match c {
            Color::Red => Color::Green,
            Color::Green => Color::Blue,
            Color::Blue => Color::Red,
        }
    }

    fn colors() -> Vec<Color> {
        vec![Color::Blue, Color::Red, Color::Green]
    }

    fn toggle(p: Perms) -> Perms {
        !p
    }

    fn perms_info(p: Perms) -> (bool, bool, bool, u8) {
        (p.contains(Perms::READ), p.contains(Perms::WRITE | Perms::EXEC), p.is_empty(), p.bits())
    }

    fn all_perms() -> Perms {
        let mut p = Perms::empty();
        p |= Perms::READ;
        p.insert(Perms::WRITE | Perms::EXEC);
        assert!(p == Perms::all());
        p
    }

    fn shift_medium(m: Medium) -> Medium {
        Medium::from_bits_truncate(m.bits() << 1)
    }

    fn invert_wide(w: Wide) -> Wide {
        let mut out = Wide::all() - w;
        out.set(Wide::W31, w.contains(Wide::W0));
        out
    }

    fn add_options(a: Option<u32>, b: Option<u32>) -> Option<u32> {
        Some(a? + b?)
    }

    fn nested_option(x: Option<Option<String>>) -> Option<Option<String>> {
        match x {
            None => Some(None),
            Some(None) => Some(Some("was none".to_string())),
            Some(Some(s)) if s.is_empty() => None,
            Some(Some(s)) => Some(Some(s.repeat(2))),
        }
    }

    fn checked_div(a: i32, b: i32) -> Result<i32, String> {
        a.checked_div(b).ok_or_else(|| format!("cannot divide {a} by {b}"))
    }

    fn lookup(name: String) -> Result<Person, Error> {
        match name.as_str() {
            "ferris" => Ok(Person {
                name,
                age: 9,
                tags: vec!["crab".to_string(), "rust".to_string()],
                home: Some(Point { x: -1, y: 2 }),
            }),
            "" => Err(Error::Invalid(0)),
            "root" => Err(Error::Denied),
            _ => Err(Error::NotFound(name)),
        }
    }

    fn validate(p: Perms) -> Result<(), Error> {
        if p.contains(Perms::EXEC) {
            Err(Error::Invalid(p.bits() as u32))
        } else {
            Ok(())
        }
    }

    fn flip(x: Result<String, Vec<u8>>) -> Result<Vec<u8>, String> {
        match x {
            Ok(s) => Ok(s.into_bytes()),
            Err(b) => Err(String::from_utf8_lossy(&b).into_owned()),
        }
    }

    fn results(n: u32) -> Vec<Result<u32, String>> {
        (0..n)
            .map(|i| if i % 2 == 0 { Ok(i) } else { Err(format!("odd {i}")) })
            .collect()
    }

    fn swap(t: (String, u32, bool)) -> (bool, u32, String) {
        (t.2, t.1, t.0)
    }

    fn through_host(p: Person, c: Color, s: Shape) -> (String, Option<Shape>, Result<u32, Error>) {
        let described = host::describe(&p);
        let picked = host::pick(c, &s);
        let checked = host::check(&p.name);
        (described, picked, checked)
    }

    fn older_via_host(ps: Vec<Person>, names: Option<Vec<String>>) -> Vec<Person> {
        host::older(&ps, names.as_deref())
    }
}
