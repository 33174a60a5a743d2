/**
 * The Rust guest's asynchronous ABI, end to end: a guest with async exports
 * that call async imports, read a stream and write a future (through
 * `spawn`), compiled to wasm32 by Debian's rustc 1.63 against bindings made
 * with `boxedAsyncExports`.
 *
 * - jco's `componentNew` and ours (from the embedded section alone) accept
 *   the module: the async names, signatures and built-ins are right.
 * - The module runs, with no JSPI, in both of our hosts: the WIT host of the
 *   core module, and the transpiled component made of it. After each
 *   scenario the guest holds no allocation and no handle.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { componentNew } from "../encoding/index.js";
import { loadComponentHost } from "./helpers/component-host.js";
import { loadHost } from "./helpers/host.js";
import { buildRustGuest, rustScenario, wasmUnknownRustc } from "./helpers/rust.js";
import { skipReason } from "./helpers/toolchains.js";

const reason = skipReason(wasmUnknownRustc());
const scenario = rustScenario("asyncs");

describe.skipIf(reason !== undefined)(`Rust guest, async ABI${reason ? ` (skipped: ${reason})` : ""}`, () => {
  it("jco's componentNew and ours (given no WIT) make components of it with the same WIT", async () => {
    const core = await buildRustGuest(scenario, { boxedAsyncExports: true });
    const tools = await import("@bytecodealliance/jco-transpile/wasm-tools");
    const theirs = await tools.componentNew(core);
    const ourWit = await tools.componentWit(componentNew(core));
    expect(ourWit).toEqual(await tools.componentWit(theirs));
    expect(ourWit).toContain("export test:rust-async/api;");
  });
});

/** The product's two hosts: the WIT host of the core module, and the transpiled component made of it. */
const hosts = [
  {
    name: "the WIT host of the core module",
    load: async (core: Uint8Array, imports: unknown) => {
      const host = await loadHost(scenario.wit, { world: "asyncs-guest" });
      const guest = await host.instantiate(core, imports);
      return { guest, handles: () => host.liveHandles(guest) };
    },
  },
  {
    name: "the transpiled component",
    load: async (core: Uint8Array, imports: unknown) => {
      const host = await loadComponentHost(componentNew(core));
      const guest = await host.instantiate(imports);
      return { guest, handles: () => host.liveHandles(guest) };
    },
  },
];

describe.skipIf(reason !== undefined).each(hosts)("Rust guest, async ABI, in $name (no JSPI)", ({ load }) => {
  let guest: any;
  let handles: () => number;
  const aborted: string[] = [];

  beforeAll(async () => {
    const core = await buildRustGuest(scenario, { boxedAsyncExports: true });
    ({ guest, handles } = await load(core, {
      "test:rust-async/backend": {
        fetch: async (key: string, options?: { signal?: AbortSignal }) => {
          // "hang…" is answered only by the guest cancelling the call.
          if (key.startsWith("hang"))
            return new Promise<string>((_, reject) => {
              options!.signal!.addEventListener("abort", () => {
                aborted.push(key);
                reject(options!.signal!.reason);
              });
            });
          await new Promise((resolve) => setTimeout(resolve, 5));
          return `fetched(${key})`;
        },
        join: (a: string, b: string, sep: number) => `${a}${String.fromCharCode(sep)}${b}`,
      },
    }));
  }, 120_000);

  /** After a scenario: no allocation left in the guest, and no handle in its table (once its tasks have ended). */
  const clean = async () => {
    for (let i = 0; i < 50 && (guest.liveAllocations() !== 0 || handles() !== 0); i++)
      await new Promise((resolve) => setTimeout(resolve, 0));
    expect(guest.liveAllocations(), "allocations left").toBe(0);
    expect(handles(), "handles left").toBe(0);
  };
  it("greet awaits a subtask and an import that returns at once", async () => {
    expect(await guest.api.greet("bob")).toBe("hello fetched(bob)/bob");
    await clean();
  });

  it("sum reads a stream<u32> the host writes slowly", async () => {
    async function* values() {
      for (const v of [1, 2, 3, 4000000000]) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        yield v;
      }
    }
    expect(await guest.api.sum(values())).toBe(4000000006n);
    await clean();
  });

  it("later returns a future that a spawned task writes", async () => {
    expect(await guest.api.later(21)).toBe(42);
    await clean();
  });

  it("greet: several calls interleave", async () => {
    expect(await Promise.all(["a", "b", "c"].map((n) => guest.api.greet(n)))).toEqual([
      "hello fetched(a)/a",
      "hello fetched(b)/b",
      "hello fetched(c)/c",
    ]);
    await clean();
  });

  it("cancelling greet drops its future, which cancels the backend call in flight (its signal aborts)", async () => {
    aborted.length = 0;
    const controller = new AbortController();
    const call = guest.api.greet("hang on", { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    await expect(call).rejects.toThrow(/cancelled/);
    expect(aborted).toEqual(["hang on"]);
    await clean();
  });

  it("cancelling sum drops its future, which cancels the stream read in flight; the host's source stops", async () => {
    let pulls = 0;
    let cancelled = false;
    const source = new ReadableStream<number>({
      pull(controller) {
        if (pulls++ < 2) controller.enqueue(pulls);
        else return new Promise(() => {}); // no more values, ever
      },
      cancel() {
        cancelled = true;
      },
    });
    const controller = new AbortController();
    const call = guest.api.sum(source, { signal: controller.signal });
    for (let i = 0; i < 10 && pulls < 3; i++) await new Promise((resolve) => setTimeout(resolve, 1));
    expect(pulls).toBe(3);
    controller.abort();
    await expect(call).rejects.toThrow(/cancelled/);
    for (let i = 0; i < 5 && !cancelled; i++) await new Promise((resolve) => setTimeout(resolve, 1));
    expect(cancelled).toBe(true);
    await clean();
  });

  it("plain: a synchronous export beside async ones", async () => {
    expect(guest.api.plain(41)).toBe(42);
    await clean();
  });
});

describe.skipIf(reason !== undefined)("Rust guest written against the wit_bindgen facade", () => {
  it("wit_bindgen::rt::Map, block_on, StreamReader/StreamResult, spawn_local, yield_async, backpressure_inc/dec, FutureWriteCancel, AbiBuffer resolve with no crate", async () => {
    const facade = rustScenario("facade");
    const core = await buildRustGuest(facade, { boxedAsyncExports: true });
    const host = await loadHost(facade.wit, { world: facade.world });
    const guest = (await host.instantiate(core, {
      "test:rust-facade/backend": { measure: (key: string) => key.length },
    })) as any;
    expect(guest.tally(["a", "b", "a"])).toEqual(
      new Map([
        ["a", 2],
        ["b", 1],
      ]),
    );
    expect(guest.measureAll(["ab", "cde"])).toBe(5);
    async function* values() {
      for (const v of [1, 2, 3, 4, 5]) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        yield v;
      }
    }
    expect(await guest.sum(values())).toBe(15n);
    expect(await guest.count(3)).toBe(3);
    expect(await guest.later(21)).toBe(42);
    const evens: number[] = [];
    for await (const v of (await guest.evens(5)) as AsyncIterable<number>) evens.push(v);
    expect(evens).toEqual([0, 2, 4, 6, 8]);
    for (let i = 0; i < 50 && guest.liveAllocations() !== 0; i++) await new Promise((r) => setTimeout(r, 0));
    expect(guest.liveAllocations()).toBe(0);
  });
});
