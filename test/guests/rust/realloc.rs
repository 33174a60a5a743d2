//! Bindings generated with `noRealloc`: the crate provides `cabi_realloc`
//! itself (here counting its calls) and the bindings use it.

mod bindings;
mod counting;

use bindings::exports::test::rust_realloc::echo::Guest as Echo;
use std::alloc::{self, Layout};
use std::sync::atomic::{AtomicU32, Ordering};

struct Component;

bindings::export!(Component with_types_in bindings);

static REALLOC_CALLS: AtomicU32 = AtomicU32::new(0);

/// The canonical ABI's allocator, which the host calls to pass the guest strings and lists.
#[no_mangle]
pub unsafe extern "C" fn cabi_realloc(old_ptr: *mut u8, old_len: usize, align: usize, new_len: usize) -> *mut u8 {
    REALLOC_CALLS.fetch_add(1, Ordering::SeqCst);
    if new_len == 0 {
        return align as *mut u8;
    }
    let ptr = if old_len == 0 {
        alloc::alloc(Layout::from_size_align_unchecked(new_len, align))
    } else {
        alloc::realloc(old_ptr, Layout::from_size_align_unchecked(old_len, align), new_len)
    };
    if ptr.is_null() {
        alloc::handle_alloc_error(Layout::from_size_align_unchecked(new_len, align));
    }
    ptr
}

impl bindings::Guest for Component {
    fn live_allocations() -> i32 {
        counting::live()
    }
}

impl Echo for Component {
    fn echo(s: String) -> String {
        s
    }

    fn echo_list(xs: Vec<String>) -> Vec<String> {
        xs
    }

    fn realloc_calls() -> u32 {
        REALLOC_CALLS.load(Ordering::SeqCst)
    }
}
