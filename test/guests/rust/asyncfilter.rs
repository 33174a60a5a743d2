//! Bindings generated with `--async=-all`: the world's async functions are
//! bound with the synchronous ABI, so the guest calls and implements them as
//! plain functions.

mod bindings;
mod counting;

use bindings::test::rust_async_filter::backend;

struct Component;

bindings::export!(Component with_types_in bindings);

impl bindings::Guest for Component {
    fn greet(name: String) -> String {
        format!("hello {}", backend::fetch(&name))
    }

    fn live_allocations() -> i32 {
        counting::live()
    }
}
