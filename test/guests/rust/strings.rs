//! Strings: owned strings into the exports, borrowed ones into the imports,
//! strings in options, tuples and lists, and the empty string.

include!("bindings.rs");
mod counting;

use exports::test::rust_strings::strings::Guest as Strings;
use test::rust_strings::host;

struct Component;

export!(Component);

impl Guest for Component {
    fn live_allocations() -> i32 {
        counting::live()
    }

    fn shout(s: String) -> String {
        s.to_uppercase() + "!"
    }
}

impl Strings for Component {
    fn greet(name: String) -> String {
        format!("Hello, {name}!")
    }

    fn reverse(s: String) -> String {
        s.chars().rev().collect()
    }

    fn concat(a: String, b: String) -> String {
        let mut out = a;
        out.push_str(&b);
        out
    }

    fn empty() -> String {
        String::new()
    }

    fn lengths(s: String) -> (u32, u32) {
        (s.len() as u32, s.chars().count() as u32)
    }

    fn maybe_upper(s: Option<String>) -> Option<String> {
        s.map(|s| s.to_uppercase())
    }

    fn words(s: String) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    fn through_host(s: String, id: u32) -> String {
        let decorated = host::decorate(&s);
        let chars = host::count_chars(&decorated);
        let parts = vec![s.clone(), decorated.clone(), String::new()];
        host::say(&parts);
        let name = host::maybe_name(id).unwrap_or_else(|| "nobody".to_string());
        format!("{decorated}/{chars}/{name}")
    }

    fn leak(s: String) {
        std::mem::forget(s);
    }
}
