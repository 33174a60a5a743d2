//! Bindings generated with `--bitflags-path crate::my_bitflags`: the flags are
//! made by the `bitflags!` macro found there, which the crate takes from the
//! file's `wit_bindgen::rt::bitflags`, as wit-bindgen's users take it from
//! wit-bindgen's.

include!("bindings.rs");

mod counting;

pub(crate) use wit_bindgen::rt::bitflags as my_bitflags;

use test::rust_flagpath::t;

struct Component;

export!(Component);

impl Guest for Component {
    fn check(p: Perms) -> Perms {
        let mut all = t::widen(p) | t::granted();
        assert!(all.contains(Perms::WRITE));
        all.remove(Perms::EXEC);
        assert_eq!(Perms::from_bits(all.bits()), Some(all));
        all
    }

    fn live_allocations() -> i32 {
        counting::live()
    }
}
