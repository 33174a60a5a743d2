//! The `adapt-rust-reactor` world on wasm32-wasi's standard library: stdout
//! and stderr through `println!`/`eprintln!`, a `HashMap` (seeded from WASI's
//! random source), the environment and files under a preopened directory.

mod bindings;

use std::collections::HashMap;
use std::io::Write;

struct Component;

bindings::export!(Component with_types_in bindings);

impl bindings::Guest for Component {
    fn word_counts(text: String) -> Vec<(String, u32)> {
        let mut counts: HashMap<String, u32> = HashMap::new();
        for word in text.split_whitespace() {
            *counts.entry(word.to_lowercase()).or_insert(0) += 1;
        }
        let mut words: Vec<(String, u32)> = counts.into_iter().collect();
        words.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        for (word, count) in &words {
            println!("{} {}", count, word);
        }
        // A reactor never exits: nothing else would flush stdout.
        std::io::stdout().flush().unwrap();
        words
    }

    fn env_var(name: String) -> Option<String> {
        std::env::var(name).ok()
    }

    fn read_file(path: String) -> Result<String, String> {
        std::fs::read_to_string(&path).map_err(|e| {
            eprintln!("cannot read {}: {}", path, e);
            e.to_string()
        })
    }
}
