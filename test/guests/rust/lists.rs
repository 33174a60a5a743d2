//! Lists: of every scalar type, of strings, of tuples, nested, empty; lists
//! the guest passes to the host and gets back from it.

mod bindings;
mod counting;

use bindings::exports::test::rust_lists::lists::Guest as Lists;
use bindings::test::rust_lists::host;

struct Component;

bindings::export!(Component with_types_in bindings);

impl bindings::Guest for Component {
    fn live_allocations() -> i32 {
        counting::live()
    }
}

impl Lists for Component {
    fn reverse_bytes(mut b: Vec<u8>) -> Vec<u8> {
        b.reverse();
        b
    }

    fn negate_s64(xs: Vec<i64>) -> Vec<i64> {
        xs.into_iter().map(i64::wrapping_neg).collect()
    }

    fn halve_f32(xs: Vec<f32>) -> Vec<f32> {
        xs.iter().map(|x| x / 2.0).collect()
    }

    fn square_f64(xs: Vec<f64>) -> Vec<f64> {
        xs.iter().map(|x| x * x).collect()
    }

    fn invert(xs: Vec<bool>) -> Vec<bool> {
        xs.iter().map(|x| !x).collect()
    }

    fn next_chars(xs: Vec<char>) -> Vec<char> {
        xs.iter()
            .map(|c| char::from_u32(*c as u32 + 1).unwrap_or(*c))
            .collect()
    }

    fn flatten(xs: Vec<Vec<u32>>) -> Vec<u32> {
        xs.into_iter().flatten().collect()
    }

    fn triangle(n: u32) -> Vec<Vec<u16>> {
        (0..n).map(|i| (0..=i as u16).collect()).collect()
    }

    fn shout(xs: Vec<String>) -> Vec<String> {
        xs.iter().map(|s| format!("{}!", s.to_uppercase())).collect()
    }

    fn swap_pairs(xs: Vec<(String, u32)>) -> Vec<(u32, String)> {
        xs.into_iter().map(|(s, n)| (n, s)).collect()
    }

    fn lengths(xs: Vec<Vec<String>>) -> Vec<u32> {
        xs.iter()
            .map(|l| l.iter().map(|s| s.len() as u32).sum())
            .collect()
    }

    fn empty() -> Vec<String> {
        Vec::new()
    }

    fn through_host(xs: Vec<u32>, words: Vec<String>, bytes: Vec<u8>) -> (u64, Vec<i32>, String, Vec<Vec<u8>>) {
        let signed: Vec<i32> = xs.iter().map(|x| *x as i32 - 2).collect();
        (
            host::sum(&xs),
            host::sorted(&signed),
            host::join(&words, ", "),
            host::chunks(&bytes, 2),
        )
    }
}
