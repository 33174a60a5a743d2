//! Numbers: every scalar type both ways, a tuple of extremes, wrapping
//! arithmetic, functions with more than 16 parameters, and imports (in an
//! interface and at the world level) the guest calls with scalars.

mod bindings;
mod counting;

use bindings::exports::test::rust_numbers::numbers::Guest as Numbers;
use bindings::test::rust_numbers::host;

struct Component;

bindings::export!(Component with_types_in bindings);

impl bindings::Guest for Component {
    fn add_offset(x: i32) -> i32 {
        x.wrapping_add(bindings::offset())
    }

    fn live_allocations() -> i32 {
        counting::live()
    }
}

impl Numbers for Component {
    fn roundtrip_u8(a: u8) -> u8 {
        a
    }
    fn roundtrip_s8(a: i8) -> i8 {
        a
    }
    fn roundtrip_u16(a: u16) -> u16 {
        a
    }
    fn roundtrip_s16(a: i16) -> i16 {
        a
    }
    fn roundtrip_u32(a: u32) -> u32 {
        a
    }
    fn roundtrip_s32(a: i32) -> i32 {
        a
    }
    fn roundtrip_u64(a: u64) -> u64 {
        a
    }
    fn roundtrip_s64(a: i64) -> i64 {
        a
    }
    fn roundtrip_f32(a: f32) -> f32 {
        a
    }
    fn roundtrip_f64(a: f64) -> f64 {
        a
    }
    fn roundtrip_char(a: char) -> char {
        a
    }
    fn roundtrip_bool(a: bool) -> bool {
        a
    }

    fn sum_all(a: u8, b: i8, c: u16, d: i16, e: u32, f: i32, g: u64, h: i64, i: f32, j: f64) -> f64 {
        a as f64 + b as f64 + c as f64 + d as f64 + e as f64 + f as f64 + g as f64 + h as f64 + i as f64 + j
    }

    fn extremes() -> (u8, i8, u16, i16, u32, i32, u64, i64) {
        (u8::MAX, i8::MIN, u16::MAX, i16::MIN, u32::MAX, i32::MIN, u64::MAX, i64::MIN)
    }

    fn wrapping(a: u8, b: i16, c: u32, d: i64) -> (u8, i16, u32, i64) {
        (a.wrapping_add(1), b.wrapping_sub(1), c.wrapping_mul(2), d.wrapping_neg())
    }

    fn many_arguments(
        a1: u64,
        a2: u64,
        a3: u64,
        a4: u64,
        a5: u64,
        a6: u64,
        a7: u64,
        a8: u64,
        a9: u64,
        a10: u64,
        a11: u64,
        a12: u64,
        a13: u64,
        a14: u64,
        a15: u64,
        a16: u64,
        a17: u64,
        a18: u64,
    ) -> u64 {
        // Weigh each argument by its position so that a swap shows.
        let args = [a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16, a17, a18];
        args.iter()
            .enumerate()
            .fold(0u64, |acc, (i, a)| acc.wrapping_add((i as u64 + 1).wrapping_mul(*a)))
    }

    fn many_mixed(
        a1: u8,
        a2: i8,
        a3: u16,
        a4: i16,
        a5: u32,
        a6: i32,
        a7: u64,
        a8: i64,
        a9: f32,
        a10: f64,
        a11: char,
        a12: bool,
        a13: u32,
        a14: u32,
        a15: u32,
        a16: u32,
        a17: String,
        a18: f64,
        a19: char,
        a20: bool,
    ) -> String {
        format!(
            "{a1} {a2} {a3} {a4} {a5} {a6} {a7} {a8} {a9} {a10} {a11} {a12} {a13} {a14} {a15} {a16} {a17} {a18} {a19} {a20}"
        )
    }

    fn call_host(a: f64, b: i64, c: u8, d: char) -> (f64, char) {
        (host::mul_add(a, b, c), host::next_char(d))
    }

    fn call_many_host(x: u64) -> u64 {
        host::many_host(1, -2, 3, -4, 5, -6, 7, -8, 9.5, 10.5, 'k', true, 13, 14, 15, 16, 17, x)
    }
}
