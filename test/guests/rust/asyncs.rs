//! Async exports and imports, a stream and a future, against bindings
//! generated with `--boxed-async-exports` (Debian's rustc 1.63 has no
//! `async fn` in traits).

mod bindings;
mod counting;

use bindings::async_support::{self, BoxFuture, FutureReader, StreamReader};
use bindings::exports::test::rust_async::api::Guest as Api;
use bindings::test::rust_async::backend;

struct Component;

impl bindings::Guest for Component {
    fn live_allocations() -> i32 {
        counting::live()
    }
}

impl Api for Component {
    fn greet(name: String) -> BoxFuture<String> {
        Box::pin(async move {
            let fetched = backend::fetch(name.clone()).await;
            let joined = backend::join(fetched, name, u32::from(b'/')).await;
            format!("hello {joined}")
        })
    }

    fn sum(mut values: StreamReader<u32>) -> BoxFuture<u64> {
        Box::pin(async move {
            let mut total = 0u64;
            while let Some(v) = values.next().await {
                total += u64::from(v);
            }
            total
        })
    }

    fn later(x: u32) -> BoxFuture<FutureReader<u32>> {
        Box::pin(async move {
            let (writer, reader) = bindings::wit_future::new(|| 0);
            async_support::spawn(async move {
                writer.write(x * 2).await.unwrap();
            });
            reader
        })
    }

    fn plain(x: u32) -> u32 {
        x + 1
    }
}

bindings::export!(Component with_types_in bindings);
