//! Resources: an exported resource (constructor, methods, a static function
//! taking an `own` and a `borrow`, a method returning a new `own`, borrows
//! in a record and in a list, `own`s in and out of options) and an imported
//! one the guest borrows, creates, passes on, merges and drops.

mod bindings;
mod counting;

use bindings::exports::test::rust_resources::store::{Counter, CounterBorrow, Guest as Store, GuestCounter, Pair};
use bindings::test::rust_resources::host::{self, Logger};
use std::cell::Cell;
use std::sync::atomic::{AtomicU32, Ordering};

struct Component;

bindings::export!(Component with_types_in bindings);

static LIVE_COUNTERS: AtomicU32 = AtomicU32::new(0);

pub struct MyCounter {
    label: String,
    value: Cell<u32>,
}

impl MyCounter {
    fn make(label: String, start: u32) -> MyCounter {
        LIVE_COUNTERS.fetch_add(1, Ordering::SeqCst);
        MyCounter { label, value: Cell::new(start) }
    }
}

impl Drop for MyCounter {
    fn drop(&mut self) {
        LIVE_COUNTERS.fetch_sub(1, Ordering::SeqCst);
    }
}

impl GuestCounter for MyCounter {
    fn new(label: String, start: u32) -> Self {
        MyCounter::make(label, start)
    }

    fn increment(&self, by: u32) -> u32 {
        self.value.set(self.value.get() + by);
        self.value.get()
    }

    fn value(&self) -> u32 {
        self.value.get()
    }

    fn label(&self) -> String {
        self.label.clone()
    }

    fn merge(a: Counter, b: CounterBorrow<'_>) -> Counter {
        let a: MyCounter = a.into_inner();
        let b = b.get::<MyCounter>();
        let label = format!("{}+{}", a.label, b.label);
        Counter::new(MyCounter::make(label, a.value.get() + b.value.get()))
    }

    fn fork(&self, label: String) -> Counter {
        Counter::new(MyCounter::make(label, self.value.get()))
    }
}

impl bindings::Guest for Component {
    fn live_allocations() -> i32 {
        counting::live()
    }
}

impl Store for Component {
    type Counter = MyCounter;

    fn sum_pair(p: Pair<'_>) -> u32 {
        p.a.get::<MyCounter>().value() + p.b.get::<MyCounter>().value()
    }

    fn total(cs: Vec<CounterBorrow<'_>>) -> u32 {
        cs.iter().map(|c| c.get::<MyCounter>().value()).sum()
    }

    fn take(c: Counter) -> String {
        let c = c.get::<MyCounter>();
        format!("{}={}", c.label, c.value())
    }

    fn maybe_counter(start: Option<u32>) -> Option<Counter> {
        start.map(|s| Counter::new(MyCounter::make("maybe".to_string(), s)))
    }

    fn counters(labels: Vec<String>) -> Vec<Counter> {
        labels
            .into_iter()
            .enumerate()
            .map(|(i, label)| Counter::new(MyCounter::make(label, i as u32)))
            .collect()
    }

    fn live_counters() -> u32 {
        LIVE_COUNTERS.load(Ordering::SeqCst)
    }

    fn log_to(l: &Logger, msg: String) -> u32 {
        l.log(&msg);
        l.lines().len() as u32
    }

    fn new_logger(prefix: String) -> Logger {
        let l = Logger::new(&prefix);
        l.log("made by the guest");
        l
    }

    fn pass_logger(l: Logger, msg: String) -> Logger {
        l.log(&msg);
        l
    }

    fn merged_lines(a: Logger, b: &Logger) -> Vec<String> {
        let merged = Logger::merge(a, b);
        merged.log("merged");
        merged.lines()
    }

    fn scratch(n: u32) -> u32 {
        let mut lines = 0;
        for i in 0..n {
            let l = host::make_logger(&format!("scratch{i}"));
            l.log("x");
            lines += l.lines().len() as u32;
        }
        lines
    }

    fn fan_out(prefixes: Vec<String>) -> Vec<String> {
        let loggers = host::make_loggers(&prefixes);
        let mut lines = Vec::new();
        for (i, l) in loggers.iter().enumerate() {
            l.log(&i.to_string());
            lines.extend(l.lines());
        }
        lines
    }
}
