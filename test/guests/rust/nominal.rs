//! Bindings generated with `--merge-structurally-equal-types` for a world
//! that imports and exports one interface: the exported copy's `Kind` is the
//! imported `Kind` (no resource in it), its `Holder` is its own (it holds the
//! guest's counter), and `user`, exported beside it, uses the exported copy.

mod bindings;

use std::cell::Cell;

use bindings::exports::test::rust_nominal::shared::{self, Counter, GuestCounter, Holder, Kind};
use bindings::exports::test::rust_nominal::user::{self, Kind2};
use bindings::test::rust_nominal::shared as host;

struct Component;

bindings::export!(Component with_types_in bindings);

struct MyCounter {
    value: Cell<u32>,
}

impl GuestCounter for MyCounter {
    fn new(start: u32) -> Self {
        MyCounter { value: Cell::new(start) }
    }

    fn get(&self) -> u32 {
        let v = self.value.get();
        self.value.set(v + 1);
        v
    }
}

impl shared::Guest for Component {
    type Counter = MyCounter;

    fn flip(k: Kind) -> Kind {
        // The host's `Kind` is this one: passed on as it is.
        let k: host::Kind = k;
        host::flip(k)
    }

    fn make(start: u32) -> Holder {
        Holder { c: Counter::new(MyCounter::new(start)) }
    }
}

impl user::Guest for Component {
    fn relay(k: Kind2) -> Kind {
        host::flip(k)
    }

    fn wrap(start: u32) -> Holder {
        <Component as shared::Guest>::make(start * 10)
    }
}
