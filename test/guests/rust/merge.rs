//! Bindings generated with `--merge-structurally-equal-types`: the exported
//! `mirror` interface's types are aliases of the imported `source`'s equal
//! ones, so values pass from one to the other as they are.

mod bindings;
mod counting;

use bindings::exports::test::rust_merge::mirror::{self, Color, Perms, Point, Position, Shape, Vector};
use bindings::test::rust_merge::source;

struct Component;

bindings::export!(Component with_types_in bindings);

impl bindings::Guest for Component {
    fn live_allocations() -> i32 {
        counting::live()
    }
}

impl mirror::Guest for Component {
    fn mirror_shape(n: u32) -> Shape {
        // `source::Shape` is `Shape`: no conversion.
        let shape: source::Shape = source::get_shape(n);
        shape
    }

    fn paint(c: Color, p: Perms) -> String {
        let c: source::Color = c;
        let p: source::Perms = p;
        source::paint(c, p)
    }

    fn moved(p: Position, by: Vector) -> Point {
        let p: source::Point = p;
        Point { x: p.x + by.dx, y: p.y + by.dy }
    }
}
