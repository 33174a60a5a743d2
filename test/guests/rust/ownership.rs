//! Bindings generated with the default `--ownership owning`: every type is
//! owned, and imports borrow their parameters' top level (`&Entry`,
//! `&[Tag]`, `&[String]`).

mod bindings;
mod counting;

use bindings::test::rust_ownership::store::{self, Bucket, Entry, Limits, Query, Tag};

struct Component;

bindings::export!(Component with_types_in bindings);

fn describe(found: Vec<Entry>) -> String {
    let parts: Vec<String> = found.iter().map(|e| format!("{}[{}]", e.name, e.labels.join(","))).collect();
    parts.join(" ")
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

impl bindings::Guest for Component {
    fn run() -> Vec<String> {
        let mut lines = Vec::new();
        let owned = Entry { name: String::from("a"), labels: strings(&["x", "y"]) };
        store::put(&owned);
        store::put_tags(&[
            Tag { key: String::from("color"), values: strings(&["red", "blue"]) },
            Tag { key: String::from("size"), values: Vec::new() },
        ]);
        let by_tags = Query::ByTags(vec![Tag { key: String::from("color"), values: strings(&["red"]) }]);
        lines.push(describe(store::find(&by_tags, Limits { max: 5 })));
        lines.push(describe(store::find(&Query::ByName(String::from("a")), Limits { max: 1 })));
        lines.push(describe(store::find(&Query::All, Limits { max: 0 })));
        let pairs = [(String::from("r"), 1), (String::from("s"), 2)];
        let n = store::count(&strings(&["p", "q"]), &pairs, Some("t"));
        lines.push(format!("count {n}"));
        let bucket = Bucket::new("b1");
        bucket.add(&owned);
        lines.push(bucket.names().join(","));
        let stashed = store::stash(Err(Entry { name: String::from("z"), labels: vec![String::from("l")] }));
        lines.push(format!("stash {} {}", stashed, store::stash(Ok(bucket))));
        lines
    }

    fn live_allocations() -> i32 {
        counting::live()
    }
}
