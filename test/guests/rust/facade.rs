//! Guest code as wit-bindgen's users write it: the bindings included at the
//! crate root, and the runtime named through `wit_bindgen::` (the generated
//! file's facade, with no crate). Async exports are boxed (`BoxFuture`):
//! Debian's rustc 1.63 has no `async fn` in traits.

include!("bindings.rs");

mod counting;

use std::cell::Cell;
use std::rc::Rc;
use wit_bindgen::{FutureReader, FutureWriteCancel, StreamReader, StreamResult};

struct Component;

export!(Component);

impl Guest for Component {
    fn tally(words: Vec<String>) -> wit_bindgen::rt::Map<String, u32> {
        let mut counts = wit_bindgen::rt::Map::new();
        for w in words {
            *counts.entry(w).or_insert(0) += 1;
        }
        counts
    }

    fn measure_all(keys: Vec<String>) -> u32 {
        wit_bindgen::block_on(async move {
            let mut total = 0;
            for k in keys {
                total += test::rust_facade::backend::measure(k).await;
            }
            total
        })
    }

    fn sum(mut values: StreamReader<u32>) -> async_support::BoxFuture<u64> {
        Box::pin(async move {
            let mut total = 0u64;
            loop {
                let (result, chunk) = values.read(Vec::with_capacity(2)).await;
                total += chunk.iter().map(|v| u64::from(*v)).sum::<u64>();
                match result {
                    StreamResult::Complete(_) => continue,
                    StreamResult::Dropped | StreamResult::Cancelled => break,
                }
            }
            total
        })
    }

    fn count(n: u32) -> async_support::BoxFuture<u32> {
        Box::pin(async move {
            wit_bindgen::backpressure_inc();
            let counted = Rc::new(Cell::new(0));
            let c = counted.clone();
            wit_bindgen::spawn_local(async move {
                for _ in 0..n {
                    c.set(c.get() + 1);
                    wit_bindgen::yield_async().await;
                }
            });
            while counted.get() < n {
                wit_bindgen::yield_async().await;
            }
            let value = counted.get();
            wit_bindgen::backpressure_dec();
            value
        })
    }

    fn later(x: u32) -> async_support::BoxFuture<FutureReader<u32>> {
        Box::pin(async move {
            let (writer, reader) = wit_future::new(|| 0);
            let mut write = Box::pin(writer.write(x));
            let writer = match write.as_mut().cancel() {
                FutureWriteCancel::Cancelled(value, writer) => {
                    assert_eq!(value, x);
                    writer
                }
                FutureWriteCancel::AlreadySent | FutureWriteCancel::Dropped(_) => unreachable!(),
            };
            drop(write);
            wit_bindgen::spawn_local(async move {
                writer.write(x * 2).await.unwrap();
            });
            reader
        })
    }

    fn evens(n: u32) -> async_support::BoxFuture<StreamReader<u32>> {
        Box::pin(async move {
            let (mut tx, rx) = wit_stream::new();
            wit_bindgen::spawn_local(async move {
                let (mut result, mut rest) = tx.write((0..n).map(|i| i * 2).collect()).await;
                while rest.remaining() > 0 {
                    assert!(matches!(result, StreamResult::Complete(_)));
                    let (r, b) = tx.write_buf(rest).await;
                    result = r;
                    rest = b;
                }
                assert!(rest.into_vec().is_empty());
            });
            rx
        })
    }

    fn live_allocations() -> i32 {
        counting::live()
    }
}
