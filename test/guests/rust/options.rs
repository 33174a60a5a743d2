//! Bindings generated with wit-bindgen's options: the export macro renamed
//! (`--export-macro-name export_options`), made public (`--pub-export-macro`)
//! and finding the bindings in `crate::bindings`
//! (`--default-bindings-module`); `skipped` left out (`--skip`), so the guest
//! exports it by hand; strings as bytes (`--raw-strings`);
//! `PartialEq` derived on the generated types
//! (`--additional-derive-attributes`) and `Default` on `point`
//! (`--additional-type-attributes`).

mod bindings;
mod counting;

use bindings::exports::test::rust_options::shapes::{self, Color, Point, Shape};
use bindings::test::rust_options::host;

struct Component;

bindings::export_options!(Component);

impl bindings::Guest for Component {
    fn greet(name: Vec<u8>) -> Vec<u8> {
        // With `--raw-strings`, strings are their UTF-8 bytes: `&[u8]` borrowed, `Vec<u8>` owned.
        host::log(&name);
        [&b"hi "[..], &name].concat()
    }

    fn live_allocations() -> i32 {
        counting::live()
    }
}

impl shapes::Guest for Component {
    fn same(a: Shape, b: Shape) -> bool {
        a == b
    }

    fn color_of(s: Shape) -> Color {
        match s {
            Shape::Dot(p) if p == Point::default() => Color::Red,
            Shape::Dot(_) => Color::Red,
            Shape::Line(_) => Color::Green,
        }
    }
}

/// `skipped`, which the bindings do not export.
#[export_name = "skipped"]
pub extern "C" fn skipped() -> u32 {
    7
}
