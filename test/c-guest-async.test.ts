/**
 * The asynchronous ABI in the C guest bindings: test/guests/c/async.c
 * implements the world `async-guest` of test/guests/c/async.wit against the
 * API of wit-bindgen's C generator (async exports returning callback codes,
 * with `<name>_callback` and `<name>_return`; async imports returning the
 * subtask status; future and stream helpers; the world's waitable-set and
 * context helpers).
 *
 * The core module must be accepted by jco's `componentNew` (from the section
 * the `.c` embeds). jco's transpiled components run async functions with
 * JSPI (`WebAssembly.Suspending`, `WebAssembly.promising`). Where the
 * runtime has no JSPI, the futures and streams scenarios, which never
 * suspend the guest, run with a stand-in that calls straight through and
 * fails if a suspension is asked for; the async import scenario needs a
 * real suspension and only runs with JSPI.
 *
 * Every scenario also runs, with no JSPI, in both of our hosts: the WIT host
 * of the core module, and the transpiled component made of it. After each
 * scenario the guest holds no allocation and no handle.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadWitText, renderDiagnostics } from "../index.js";
import { generateC } from "../generators/c/index.js";
import { componentNew } from "../encoding/index.js";
import { loadComponentHost } from "./helpers/component-host.js";
import { loadHost, tempDir } from "./helpers/host.js";
import { skipReason, wasmClang } from "./helpers/toolchains.js";
import { buildGuest, guestsDir } from "./guests/c/harness.js";

const wit = fs.readFileSync(path.join(guestsDir, "async.wit"), "utf8");
const reason = skipReason(wasmClang());

function generate(options: Parameters<typeof generateC>[2] = {}): { h: string; c: string } {
  const loaded = loadWitText(wit, { world: "async-guest", fileName: "async.wit" });
  if (!loaded.ok) throw new Error(renderDiagnostics(loaded.diagnostics));
  const files = generateC(loaded.resolve, loaded.world!, options);
  return {
    h: files.find((f) => f.path === "async_guest.h")!.contents,
    c: files.find((f) => f.path === "async_guest.c")!.contents,
  };
}

describe("C guest: the async API", () => {
  const { h, c } = generate();

  it("declares async imports returning the subtask status, their parameters flat or in an args struct", () => {
    expect(h).toContain(
      "extern async_guest_subtask_status_t test_c_async_backend_fetch(async_guest_string_t key, async_guest_string_t *result);",
    );
    expect(h).toMatch(
      /typedef struct test_c_async_backend_note_args \{\s*async_guest_string_t key;\s*async_guest_string_t value;\s*uint32_t level;\s*\} test_c_async_backend_note_args_t;/,
    );
    expect(h).toContain(
      "extern async_guest_subtask_status_t test_c_async_backend_note(test_c_async_backend_note_args_t *args);",
    );
    expect(c).toContain('__import_module__("test:c-async/backend"), __import_name__("[async-lower]fetch")');
  });

  it("declares async exports with their callback and return functions", () => {
    expect(h).toContain("async_guest_callback_code_t exports_test_c_async_api_greet(async_guest_string_t *name);");
    expect(h).toContain(
      "async_guest_callback_code_t exports_test_c_async_api_greet_callback(async_guest_event_t *event);",
    );
    expect(h).toContain("void exports_test_c_async_api_greet_return(async_guest_string_t ret);");
    expect(h).toContain("void exports_test_c_async_api_countdown_return(exports_test_c_async_api_stream_u8_t ret);");
    expect(c).toContain('__export_name__("[async-lift]test:c-async/api#greet")');
    expect(c).toContain('__export_name__("[callback][async-lift]test:c-async/api#greet")');
    expect(c).toContain('__import_module__("[export]test:c-async/api"), __import_name__("[task-return]greet")');
  });

  it("declares the future and stream helpers and the world's async helpers", () => {
    for (const decl of [
      "exports_test_c_async_api_future_u32_t exports_test_c_async_api_future_u32_new(exports_test_c_async_api_future_u32_writer_t *writer);",
      "async_guest_waitable_status_t exports_test_c_async_api_future_u32_read(exports_test_c_async_api_future_u32_t reader, uint32_t *buf);",
      "async_guest_waitable_status_t exports_test_c_async_api_stream_u8_write(exports_test_c_async_api_stream_u8_writer_t writer, const uint8_t *buf, size_t amt);",
      "void exports_test_c_async_api_stream_u8_drop_readable(exports_test_c_async_api_stream_u8_t reader);",
      "void async_guest_waitable_set_wait(async_guest_waitable_set_t set, async_guest_event_t *event);",
      "void* async_guest_context_get_0(void);",
      "#define ASYNC_GUEST_CALLBACK_CODE_WAIT(set)",
      "#define ASYNC_GUEST_WAITABLE_STATUS_BLOCKED ((async_guest_waitable_status_t) -1)",
    ]) {
      expect(h).toContain(decl);
    }
    expect(c).toContain('__import_module__("[export]test:c-async/api"), __import_name__("[future-new-0]double")');
    expect(c).toContain(
      '__import_module__("[export]test:c-async/api"), __import_name__("[async-lower][stream-read-0]sum")',
    );
  });

  it("binds functions synchronously as the async filters say", () => {
    const sync = generate({ async: ["-all"] });
    expect(sync.h).toContain("void test_c_async_backend_fetch(async_guest_string_t *key, async_guest_string_t *ret);");
    expect(sync.h).toContain(
      "void exports_test_c_async_api_greet(async_guest_string_t *name, async_guest_string_t *ret);",
    );
    expect(sync.c).toContain('__import_name__("fetch")');
    expect(sync.c).toContain('__export_name__("test:c-async/api#greet")');
    expect(sync.c).not.toContain("[async-lower]fetch");
    expect(sync.c).not.toContain("[async-lift]");
    const mixed = generate({ async: ["-export:test:c-async/api#greet"] });
    expect(mixed.h).toContain(
      "void exports_test_c_async_api_greet(async_guest_string_t *name, async_guest_string_t *ret);",
    );
    expect(mixed.h).toContain("async_guest_subtask_status_t test_c_async_backend_fetch(");
    expect(() => generate({ async: ["-export:test:c-async/api#nothing"] })).toThrow(/names no function/);
  });
});

interface Transpiled {
  instantiate(
    getCoreModule: (name: string) => Promise<WebAssembly.Module>,
    imports: Record<string, unknown>,
  ): Promise<Record<string, any>>;
}

/** `WebAssembly.Suspending`/`promising` stand-ins that never suspend: a call that would suspend fails. */
function installJspiStandIn(): () => void {
  const wasm = WebAssembly as unknown as Record<string, unknown>;
  const saved = { Suspending: wasm.Suspending, promising: wasm.promising };
  wasm.Suspending = class {
    constructor(f: (...args: unknown[]) => unknown) {
      return (...args: unknown[]) => {
        const r = f(...args);
        if (r instanceof Promise) throw new Error("this call needs JSPI (a real WebAssembly.Suspending)");
        return r;
      };
    }
  };
  wasm.promising =
    (f: (...args: unknown[]) => unknown) =>
    async (...args: unknown[]) =>
      f(...args);
  return () => Object.assign(wasm, saved);
}

const hasJspi = typeof (WebAssembly as unknown as { Suspending?: unknown }).Suspending === "function";
const tick = () => new Promise((r) => setTimeout(r, 1));

/** The host's `backend`, as JavaScript functions (for jco's glue and ours): it logs each call. */
function backendImports(log: unknown[]) {
  return {
    "test:c-async/backend": {
      async fetch(key: string, options?: { signal?: AbortSignal }) {
        log.push(["fetch", key]);
        // "hang…" is answered only by the guest cancelling the call.
        if (key.startsWith("hang"))
          return new Promise<string>((_, reject) => {
            options!.signal!.addEventListener("abort", () => {
              log.push(["aborted", key]);
              reject(options!.signal!.reason);
            });
          });
        await tick();
        return key.toUpperCase();
      },
      async note(key: string, value: string, level: number) {
        log.push(["note", key, value, level]);
      },
    },
  };
}

describe.skipIf(reason)("C guest: async scenarios", () => {
  let core: Uint8Array;
  let component: Uint8Array;
  let root: Record<string, any>;
  const log: unknown[] = [];
  let restore = () => {};

  beforeAll(async () => {
    core = buildGuest(wit, "async-guest", ["async.c"]);
    const { componentNew } = await import("@bytecodealliance/jco-transpile/wasm-tools");
    component = await componentNew(core);
    const { transpileBytes } = await import("@bytecodealliance/jco-transpile");
    const { files } = await transpileBytes(component, {
      name: "guest",
      instantiation: "async",
      emitTypescriptDeclarations: false,
    });
    const dir = tempDir();
    for (const [name, bytes] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), bytes);
    }
    if (!hasJspi) restore = installJspiStandIn();
    const mod = (await import(pathToFileURL(path.join(dir, "guest.js")).href)) as Transpiled;
    root = await mod.instantiate((name) => WebAssembly.compile(files[name] as BufferSource), backendImports(log));
  }, 120_000);

  afterAll(() => restore());

  it("the core module imports the async built-ins under wit-bindgen's names", () => {
    const imports = WebAssembly.Module.imports(new WebAssembly.Module(core as BufferSource)).map(
      (i) => `${i.module} ${i.name}`,
    );
    expect(imports).toEqual(
      expect.arrayContaining([
        "test:c-async/backend [async-lower]fetch",
        "test:c-async/backend [async-lower]note",
        "[export]test:c-async/api [task-return]greet",
        "[export]test:c-async/api [future-new-0]double",
        "[export]test:c-async/api [async-lower][future-write-0]double",
        "[export]test:c-async/api [async-lower][stream-read-0]sum",
        "$root [waitable-set-new]",
        "$root [waitable-join]",
        "$root [context-set-0]",
      ]),
    );
    const exports = WebAssembly.Module.exports(new WebAssembly.Module(core as BufferSource)).map((e) => e.name);
    expect(exports).toEqual(
      expect.arrayContaining([
        "[async-lift]test:c-async/api#greet",
        "[callback][async-lift]test:c-async/api#greet",
        "[async-lift]test:c-async/api#countdown",
        "[callback][async-lift]test:c-async/api#countdown",
      ]),
    );
  });

  it("componentNew makes a component of it", async () => {
    const { componentWit } = await import("@bytecodealliance/jco-transpile/wasm-tools");
    const text = await componentWit(component);
    expect(text).toContain("import test:c-async/backend;");
    expect(text).toContain("export test:c-async/api;");
  });

  const api = () => root["test:c-async/api"];
  /** The guest's live allocations once its tasks are done (a task may run on after its result is taken). */
  async function liveWhenSettled(): Promise<number> {
    for (let i = 0; i < 100 && root.liveAllocations() !== 0; i++) await tick();
    return root.liveAllocations();
  }

  it("double reads a future the host resolves later", async () => {
    const value = new Promise<number>((r) => setTimeout(() => r(21), 5));
    expect(await api().double(value)).toBe(42);
    expect(await liveWhenSettled()).toBe(0);
  });

  it("sum reads a stream to its end, waiting for the host's writes", async () => {
    async function* bytes() {
      for (const b of [1, 2, 3, 250, 4, 5, 6, 7, 8, 9]) {
        await tick();
        yield b;
      }
    }
    expect(await api().sum(bytes())).toBe(295);
    expect(await liveWhenSettled()).toBe(0);
  });

  it("countdown returns a stream, then writes into it", async () => {
    const stream = await api().countdown(6);
    const out: number[] = [];
    for await (const chunk of stream)
      out.push(...(typeof chunk === "number" ? [chunk] : Array.from(chunk as Uint8Array)));
    expect(out).toEqual([6, 5, 4, 3, 2, 1]);
    expect(await liveWhenSettled()).toBe(0);
  });

  it("later returns a future, then writes into it", async () => {
    const future = await api().later(41);
    expect(await future).toBe(42);
    expect(await liveWhenSettled()).toBe(0);
  });

  it.skipIf(!hasJspi)("greet calls the async imports and returns a string (needs JSPI)", async () => {
    expect(await api().greet("wörld")).toBe("wörld: WÖRLD");
    expect(log).toEqual([
      ["fetch", "wörld"],
      ["note", "wörld", "WÖRLD", 6], // the level is the fetched string's length in UTF-8 bytes
    ]);
    expect(await liveWhenSettled()).toBe(0);
  });
});

/** The product's two hosts: the WIT host of the core module, and the transpiled component made of it. */
const hosts = [
  {
    name: "the WIT host of the core module",
    load: async (core: Uint8Array, imports: unknown) => {
      const host = await loadHost(wit, { world: "async-guest" });
      const guest = await host.instantiate(core, imports);
      return { guest, handles: () => host.liveHandles(guest), ComponentError: host.ComponentError };
    },
  },
  {
    name: "the transpiled component",
    load: async (core: Uint8Array, imports: unknown) => {
      const host = await loadComponentHost(componentNew(core));
      const guest = await host.instantiate(imports);
      return { guest, handles: () => host.liveHandles(guest), ComponentError: host.ComponentError };
    },
  },
];

describe.skipIf(reason).each(hosts)("C guest: async scenarios in $name (no JSPI)", ({ load }) => {
  let guest: any;
  let handles: () => number;
  let ComponentError: new (payload: unknown) => Error & { payload: unknown };
  const log: unknown[] = [];
  /** `fetch` answers at once when set: the call reports `RETURNED` with no subtask. */
  let fetchAtOnce = false;

  beforeAll(async () => {
    const core = buildGuest(wit, "async-guest", ["async.c"]);
    const imports = backendImports(log);
    const fetch = imports["test:c-async/backend"].fetch;
    imports["test:c-async/backend"].fetch = (key: string, options?: { signal?: AbortSignal }) => {
      if (!fetchAtOnce) return fetch(key, options);
      log.push(["fetch", key]);
      return key.toUpperCase() as unknown as Promise<string>;
    };
    ({ guest, handles, ComponentError } = await load(core, imports));
  }, 120_000);

  /** After a scenario: no allocation left in the guest, and no handle in its table (once its tasks have ended). */
  const clean = async () => {
    for (let i = 0; i < 50 && (guest.liveAllocations() !== 0 || handles() !== 0); i++) await tick();
    expect(guest.liveAllocations(), "allocations left").toBe(0);
    expect(handles(), "handles left").toBe(0);
  };

  it("greet awaits two async imports; several calls interleave", async () => {
    log.length = 0;
    expect(await guest.api.greet("wörld")).toBe("wörld: WÖRLD");
    expect(log).toEqual([
      ["fetch", "wörld"],
      ["note", "wörld", "WÖRLD", 6],
    ]);
    expect(await Promise.all(["a", "bé", "cde"].map((n) => guest.api.greet(n)))).toEqual([
      "a: A",
      "bé: BÉ",
      "cde: CDE",
    ]);
    await clean();
  });

  it("greet takes an import's result at once when the call returns without a subtask", async () => {
    log.length = 0;
    fetchAtOnce = true;
    try {
      expect(await guest.api.greet("bob")).toBe("bob: BOB");
    } finally {
      fetchAtOnce = false;
    }
    expect(log).toEqual([
      ["fetch", "bob"],
      ["note", "bob", "BOB", 3],
    ]);
    await clean();
  });

  it("double reads a future: a promise the host settles later, or a value", async () => {
    expect(await guest.api.double(new Promise((resolve) => setTimeout(() => resolve(21), 2)))).toBe(42);
    expect(await guest.api.double(50)).toBe(100);
    await clean();
  });

  it("sum reads a stream: an async generator the host feeds slowly, or an array of chunks", async () => {
    async function* chunks() {
      for (const chunk of [[1, 2, 3], [250], [4, 5, 6, 7, 8, 9]]) {
        await tick();
        yield new Uint8Array(chunk);
      }
    }
    expect(await guest.api.sum(chunks())).toBe(295);
    expect(await guest.api.sum([new Uint8Array([10, 20, 30, 40, 50, 60, 70])])).toBe(280);
    await clean();
  });

  it("sum reads a slow ReadableStream, a chunk a pull", async () => {
    let pulls = 0;
    const source = new ReadableStream<Uint8Array>({
      async pull(controller) {
        await new Promise((resolve) => setTimeout(resolve, 2));
        if (pulls++ === 4) controller.close();
        else controller.enqueue(new Uint8Array([pulls, 100]));
      },
    });
    expect(await guest.api.sum(source)).toBe(1 + 2 + 3 + 4 + 400);
    expect(pulls).toBe(5);
    await clean();
  });

  it("countdown returns a ReadableStream the guest writes as the host reads; the host may stop early", async () => {
    const bytes: number[] = [];
    for await (const chunk of (await guest.api.countdown(6)) as AsyncIterable<Uint8Array>) bytes.push(...chunk);
    expect(bytes).toEqual([6, 5, 4, 3, 2, 1]);
    const none: number[] = [];
    for await (const chunk of (await guest.api.countdown(0)) as AsyncIterable<Uint8Array>) none.push(...chunk);
    expect(none).toEqual([]);
    const reader = ((await guest.api.countdown(5)) as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(first.value!.length).toBeGreaterThan(0);
    await reader.cancel();
    await clean();
  });

  it("later returns a future the guest writes after returning", async () => {
    expect(await guest.api.later(41)).toBe(42);
    await clean();
  });

  it("cancelling greet: the guest cancels its backend call (whose signal aborts) and acknowledges", async () => {
    log.length = 0;
    const controller = new AbortController();
    const call = guest.api.greet("hang up", { signal: controller.signal });
    for (let i = 0; i < 3; i++) await tick();
    expect(log).toEqual([["fetch", "hang up"]]);
    controller.abort();
    await expect(call).rejects.toThrow(/cancelled/);
    expect(log).toEqual([
      ["fetch", "hang up"],
      ["aborted", "hang up"],
    ]);
    // Cancelled after it returned, a call is not affected.
    const done = new AbortController();
    expect(await guest.api.greet("x", { signal: done.signal })).toBe("x: X");
    done.abort();
    await clean();
  });

  it("cancelling drain: the guest cancels its stream read, stops reading and returns what it read", async () => {
    let pulls = 0;
    let cancelled = false;
    const source = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls++;
        if (pulls === 1) controller.enqueue(new Uint8Array([1, 2, 3]));
        else if (pulls === 2) controller.enqueue(new Uint8Array([4]));
        else return new Promise(() => {}); // no more bytes, ever
      },
      cancel() {
        cancelled = true;
      },
    });
    const controller = new AbortController();
    const call = guest.api.drain(source, { signal: controller.signal });
    for (let i = 0; i < 10 && pulls < 3; i++) await tick();
    expect(pulls).toBe(3);
    controller.abort();
    expect(await call).toBe(10);
    for (let i = 0; i < 5 && !cancelled; i++) await tick();
    expect(cancelled).toBe(true);
    await clean();
  });

  it("error contexts both ways: fail rejects with one as the error; describe reads an Error's message", async () => {
    const error = (await guest.api.fail("disk full").catch((e: unknown) => e)) as Error & { payload: Error };
    expect(error).toBeInstanceOf(ComponentError);
    expect(error.payload).toBeInstanceOf(Error);
    expect(error.payload.name).toBe("ErrorContext");
    expect(error.payload.message).toBe("disk full");
    expect(guest.api.describe(new TypeError("bad input"))).toBe("bad input");
    expect(guest.api.describe(error.payload)).toBe("disk full");
    await clean();
  });

  it("backpressure: while the guest says so, new calls wait to start", async () => {
    log.length = 0;
    guest.api.pause(true);
    const call = guest.api.greet("held");
    for (let i = 0; i < 5; i++) await tick();
    expect(log).toEqual([]);
    // A call waiting to start can be cancelled: it never starts.
    const controller = new AbortController();
    const cancelled = guest.api.greet("never", { signal: controller.signal });
    controller.abort();
    await expect(cancelled).rejects.toThrow(/cancelled/);
    guest.api.pause(false);
    expect(await call).toBe("held: HELD");
    expect(log[0]).toEqual(["fetch", "held"]);
    expect(log).not.toContainEqual(["fetch", "never"]);
    await clean();
  });
});
