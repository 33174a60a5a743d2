//! A Rust command on wasm32-wasi's standard library: `main` reads its
//! arguments and the environment, counts the words of the files named on its
//! command line in a `HashMap` (whose seed comes from WASI's random source),
//! prints them with `println!`, reports on stderr with `eprintln!`, and ends
//! by returning or with `std::process::exit`:
//!   --exit=N  exit(N) at once
//!   anything else is a file whose words to count.
//! `main` returns an error when a file could not be read.

use std::collections::HashMap;
use std::env;
use std::fs;
use std::process;

fn main() -> Result<(), String> {
    let args: Vec<String> = env::args().collect();
    let user = env::var("ADAPT_USER").unwrap_or_else(|_| String::from("(unset)"));
    println!("{} argument(s), user {}", args.len(), user);
    let mut counts: HashMap<String, usize> = HashMap::new();
    let mut failed = Vec::new();
    for arg in &args[1..] {
        if let Some(code) = arg.strip_prefix("--exit=") {
            eprintln!("exiting with {}", code);
            process::exit(code.parse().unwrap_or(101));
        }
        match fs::read_to_string(arg) {
            Ok(text) => {
                for word in text.split_whitespace() {
                    *counts.entry(word.to_lowercase()).or_insert(0) += 1;
                }
            }
            Err(e) => {
                eprintln!("{}: {}", arg, e);
                failed.push(arg.clone());
            }
        }
    }
    let mut words: Vec<(&String, &usize)> = counts.iter().collect();
    words.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    for (word, count) in words {
        println!("{:>3} {}", count, word);
    }
    eprintln!("{} distinct word(s)", counts.len());
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("cannot read {}", failed.join(", ")))
    }
}
