//! A `#![no_std]` library with `alloc`, against bindings generated with
//! `--std-feature`: nothing in them needs `std` unless the crate's `std`
//! feature is on. A `std` cdylib links it (Debian's rustc 1.63 has no stable
//! `no_std` allocation error handler) and adds nothing but the allocator.

#![no_std]

extern crate alloc;

mod bindings;

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use bindings::test::rust_nostd::host;
use bindings::Failure;

struct Component;

bindings::export!(Component with_types_in bindings);

impl bindings::Guest for Component {
    fn greet(name: String) -> String {
        host::log(&name);
        format!("hello {name}")
    }

    fn total(xs: Vec<u32>) -> Result<u64, Failure> {
        if xs.is_empty() {
            return Err(Failure::Empty);
        }
        if let Some(big) = xs.iter().find(|x| **x > 1000) {
            return Err(Failure::TooBig(*big));
        }
        Ok(xs.iter().map(|x| u64::from(*x)).sum())
    }
}
