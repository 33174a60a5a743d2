//! Bindings generated with `--ownership borrowing`: the types only imports'
//! parameters use borrow deeply (`Tag<'a>`, `Query<'a>`), so the guest
//! passes literals and slices without building owned values; `entry`, also
//! an import's result, stays owned and is passed as `&Entry`.

mod bindings;
mod counting;

use bindings::test::rust_ownership::store::{self, Bucket, Entry, Limits, Query, Tag};

struct Component;

bindings::export!(Component with_types_in bindings);

fn describe(found: Vec<Entry>) -> String {
    let parts: Vec<String> = found.iter().map(|e| format!("{}[{}]", e.name, e.labels.join(","))).collect();
    parts.join(" ")
}

impl bindings::Guest for Component {
    fn run() -> Vec<String> {
        let mut lines = Vec::new();
        let owned = Entry { name: String::from("a"), labels: vec![String::from("x"), String::from("y")] };
        store::put(&owned);
        let key = String::from("color");
        store::put_tags(&[Tag { key: &key, values: &["red", "blue"] }, Tag { key: "size", values: &[] }]);
        let by_tags = [Tag { key: "color", values: &["red"] }];
        lines.push(describe(store::find(Query::ByTags(&by_tags), Limits { max: 5 })));
        lines.push(describe(store::find(Query::ByName("a"), Limits { max: 1 })));
        lines.push(describe(store::find(Query::All, Limits { max: 0 })));
        let n = store::count(&["p", "q"], &[("r", 1), ("s", 2)], Some("t"));
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
