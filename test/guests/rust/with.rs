//! Two bindings in one crate: `shared_bindings` (world `shared-world`)
//! generates the `shared` interface; `bindings` (world `with-guest`) is
//! generated with `--with test:rust-with/shared=crate::shared_bindings::test::rust_with::shared`,
//! so it uses those types and functions instead of generating its own.

mod bindings;
mod counting;
mod shared_bindings;

use bindings::exports::api::Guest as Api;
use shared_bindings::test::rust_with::shared::{self, Counter, Point};

struct Component;

impl Api for Component {
    fn twice(p: Point) -> Point {
        shared::nudge(shared::nudge(p))
    }

    fn bumps(start: u32, n: u32) -> u32 {
        let counter = Counter::new(start);
        let mut last = start;
        for _ in 0..n {
            last = counter.bump();
        }
        last
    }

    fn bump_given(c: &Counter) -> u32 {
        c.bump()
    }
}

impl bindings::Guest for Component {
    fn live_allocations() -> i32 {
        counting::live()
    }
}

bindings::export!(Component with_types_in bindings);
