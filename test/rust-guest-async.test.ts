/**
 * The Rust guest's asynchronous ABI, end to end: a guest with async exports
 * that call async imports, read a stream and write a future (through
 * `spawn`), compiled to wasm32 by Debian's rustc 1.63 against bindings made
 * with `boxedAsyncExports`.
 *
 * - jco's `componentNew` and ours (from the embedded section alone) accept
 *   the module: the async names, signatures and built-ins are right.
 * - The module runs in the async test host (`helpers/async-host.ts`): jco's
 *   transpiled async components need JSPI, which this Node lacks. After each
 *   call the guest holds no allocation and no handle.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { componentNew } from "../encoding/index.js";
import { AsyncHost, type AsyncImport } from "./helpers/async-host.js";
import { loadHost } from "./helpers/host.js";
import { buildRustGuest, rustScenario, wasmUnknownRustc } from "./helpers/rust.js";
import { skipReason } from "./helpers/toolchains.js";

const reason = skipReason(wasmUnknownRustc());
const scenario = rustScenario("asyncs");
const API = "test:rust-async/api";

const backend: Record<string, AsyncImport> = {
  fetch: {
    lift: ([ptr, len], host) => [host.readString(ptr, len)],
    run: async (key) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return `fetched(${key as string})`;
    },
    lower: (value, area, host) => {
      const [ptr, len] = host.writeString(value as string);
      host.memory.setUint32(area, ptr, true);
      host.memory.setUint32(area + 4, len, true);
    },
  },
  join: {
    // Five flat parameters: more than an async call passes flat, so they come through one pointer.
    lift: ([args], host) => {
      const m = host.memory;
      const a = host.readString(m.getUint32(args, true), m.getUint32(args + 4, true));
      const b = host.readString(m.getUint32(args + 8, true), m.getUint32(args + 12, true));
      return [a, b, m.getUint32(args + 16, true)];
    },
    now: (a, b, sep) => `${a as string}${String.fromCharCode(sep as number)}${b as string}`,
    lower: (value, area, host) => {
      const [ptr, len] = host.writeString(value as string);
      host.memory.setUint32(area, ptr, true);
      host.memory.setUint32(area + 4, len, true);
    },
  },
};

const taskReturns = {
  greet: ([ptr, len]: number[], host: AsyncHost) => host.readString(ptr, len),
  sum: ([total]: number[]) => total,
  later: ([handle]: number[]) => handle,
};

describe.skipIf(reason !== undefined)(`Rust guest, async ABI${reason ? ` (skipped: ${reason})` : ""}`, () => {
  let core: Uint8Array;
  let host: AsyncHost;

  beforeAll(async () => {
    core = await buildRustGuest(scenario, { boxedAsyncExports: true });
    host = await AsyncHost.instantiate(core, { "test:rust-async/backend": backend }, taskReturns);
  }, 120_000);

  const clean = () => {
    expect(host.exports["live-allocations"](), "allocations left").toBe(0);
    expect(host.handles, "handles left in the guest's table").toBe(0);
  };

  it("jco's componentNew and ours (given no WIT) make components of it with the same WIT", async () => {
    const tools = await import("@bytecodealliance/jco-transpile/wasm-tools");
    const theirs = await tools.componentNew(core);
    const ourWit = await tools.componentWit(componentNew(core));
    expect(ourWit).toEqual(await tools.componentWit(theirs));
    expect(ourWit).toContain("export test:rust-async/api;");
  });

  it("greet: an async export awaits a subtask and an import that returns at once", async () => {
    const [ptr, len] = host.writeString("bob");
    const call = host.callAsync(`[async-lift]${API}#greet`, [ptr, len]);
    expect(await call.result).toBe("hello fetched(bob)/bob");
    await call.done;
    clean();
  });

  it("sum: reads a stream the host writes in pieces, waiting when it is empty", async () => {
    const stream = host.newStream();
    host.waitsForHost = true;
    const call = host.callAsync(`[async-lift]${API}#sum`, [stream.handle]);
    stream.write([1, 2, 3]);
    await new Promise((resolve) => setTimeout(resolve, 1));
    stream.write([4000000000]);
    await new Promise((resolve) => setTimeout(resolve, 1));
    stream.close();
    host.waitsForHost = false;
    expect(await call.result).toBe(4000000006n);
    await call.done;
    clean();
  });

  it("later: returns a future that a spawned task writes once the host reads it", async () => {
    host.waitsForHost = true;
    const call = host.callAsync(`[async-lift]${API}#later`, [21]);
    const handle = (await call.result) as number;
    expect(host.readFuture(handle)).toBe(42);
    host.waitsForHost = false;
    await call.done;
    clean();
  });

  it("plain: a synchronous export beside async ones", () => {
    expect(host.exports[`${API}#plain`](41)).toBe(42);
    clean();
  });
});

describe.skipIf(reason !== undefined)("Rust guest, async ABI, in our TypeScript host (no JSPI)", () => {
  let guest: any;

  beforeAll(async () => {
    const core = await buildRustGuest(scenario, { boxedAsyncExports: true });
    const host = await loadHost(scenario.wit, { world: "asyncs-guest" });
    guest = await host.instantiate(core, {
      "test:rust-async/backend": {
        fetch: async (key: string) => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          return `fetched(${key})`;
        },
        join: (a: string, b: string, sep: number) => `${a}${String.fromCharCode(sep)}${b}`,
      },
    });
  }, 120_000);

  const clean = () => expect(guest.liveAllocations(), "allocations left").toBe(0);

  it("greet awaits a subtask and an import that returns at once", async () => {
    expect(await guest.api.greet("bob")).toBe("hello fetched(bob)/bob");
    clean();
  });

  it("sum reads a stream<u32> the host writes slowly", async () => {
    async function* values() {
      for (const v of [1, 2, 3, 4000000000]) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        yield v;
      }
    }
    expect(await guest.api.sum(values())).toBe(4000000006n);
    clean();
  });

  it("later returns a future that a spawned task writes", async () => {
    expect(await guest.api.later(21)).toBe(42);
    clean();
  });

  it("plain: a synchronous export beside async ones", () => {
    expect(guest.api.plain(41)).toBe(42);
    clean();
  });
});
