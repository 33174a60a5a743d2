//! An exported resource whose representations live in a fixed arena instead
//! of the heap: the trait's `resource_into_raw_` and `resource_from_raw_`
//! are overridden, as wit-bindgen lets guests do.

mod bindings;
mod counting;

use bindings::exports::test::rust_arena::things::{Guest, GuestThing};

struct Component;

bindings::export!(Component with_types_in bindings);

impl bindings::Guest for Component {
    fn live_allocations() -> i32 {
        counting::live()
    }
}

struct MyThing {
    contents: u32,
}

const SLOTS: usize = 4;
static mut ARENA: [Option<MyThing>; SLOTS] = [None, None, None, None];
static mut USED: [bool; SLOTS] = [false; SLOTS];

impl Guest for Component {
    type Thing = MyThing;

    fn stored() -> u32 {
        unsafe { USED.iter().filter(|u| **u).count() as u32 }
    }
}

impl GuestThing for MyThing {
    fn new(v: u32) -> MyThing {
        MyThing { contents: v }
    }

    fn get(&self) -> u32 {
        self.contents
    }

    unsafe fn resource_into_raw_(val: Self::Rep) -> *mut Self::Rep {
        let slot = USED.iter().position(|u| !*u).expect("the arena is full");
        USED[slot] = true;
        ARENA[slot] = val;
        &mut ARENA[slot]
    }

    unsafe fn resource_from_raw_(handle: *mut Self::Rep) -> Self::Rep {
        let slot = (handle as usize - ARENA.as_ptr() as usize) / core::mem::size_of::<Self::Rep>();
        USED[slot] = false;
        (*handle).take()
    }
}
