/**
 * End-to-end edge cases of the TypeScript host: names that clash with JS,
 * the canonical ABI's `may_leave`, NaN canonicalisation, the exact
 * `cabi_realloc` protocol of UTF-8 lowering, and handle bookkeeping.
 */
import { describe, expect, it } from "vitest";
import { generateHostSource, loadHost, wat } from "./helpers/host.js";
import ts from "typescript";

const bump = `
  (global $next (mut i32) (i32.const 1024))
  (func $bump (param $align i32) (param $size i32) (result i32)
    (local $p i32)
    (local.set $p (i32.and (i32.add (global.get $next) (i32.sub (local.get $align) (i32.const 1)))
                           (i32.sub (i32.const 0) (local.get $align))))
    (global.set $next (i32.add (local.get $p) (local.get $size)))
    (local.get $p))`;

/** Type-checks generated TypeScript as strictly as the conformance harness does. */
function typeErrors(source: string): string[] {
  const host = ts.createCompilerHost({});
  const file = "host.ts";
  const original = host.getSourceFile;
  host.getSourceFile = (name, version) =>
    name === file ? ts.createSourceFile(file, source, version) : original.call(host, name, version);
  const program = ts.createProgram(
    [file],
    {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      lib: ["lib.es2022.d.ts", "lib.esnext.disposable.d.ts", "lib.dom.d.ts"],
      types: [],
      skipLibCheck: true,
    },
    host,
  );
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
}

describe("names that clash with JavaScript", () => {
  const wit = `package test:names;
interface api {
  resource blob {
    constructor();
    name: static func() -> u32;
    prototype: static func() -> u32;
    size: func() -> u32;
  }
  f: func(undefined: u32, nan: option<u32>) -> option<u32>;
}
world names {
  resource thing {
    constructor();
    size: func() -> u32;
  }
  import make: func() -> thing;
  export api;
  export then: func() -> u32;
}`;
  const guest = `(module
  (import "[export]test:names/api" "[resource-new]blob" (func $new (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "test:names/api#[constructor]blob") (result i32) (call $new (i32.const 8)))
  (func (export "test:names/api#[static]blob.name") (result i32) (i32.const 1))
  (func (export "test:names/api#[static]blob.prototype") (result i32) (i32.const 2))
  (func (export "test:names/api#[method]blob.size") (param i32) (result i32) (local.get 0))
  (func (export "test:names/api#f") (param i32 i32 i32) (result i32)
    (i32.store (i32.const 16) (local.get 1))
    (i32.store (i32.const 20) (local.get 2))
    (i32.const 16))
  (func (export "then") (result i32) (i32.const 3)))`;

  it("type-check", async () => {
    expect(typeErrors(await generateHostSource(wit))).toEqual([]);
  });

  it("work: a parameter named `undefined`, statics named `name` and `prototype`, a world export named `then`", async () => {
    const host = await loadHost(wit);
    const e = await host.instantiate(await wat(guest), { make: () => ({}) });
    expect(e.api.f(1, 5)).toBe(5);
    expect(e.api.f(1, undefined)).toBe(undefined);
    expect(e.api.Blob.name()).toBe(1);
    expect(e.api.Blob.prototype_()).toBe(2);
    expect(new e.api.Blob().size()).toBe(8);
    expect(e.then_()).toBe(3);
    expect(typeof e.then).toBe("undefined");
  });
});

describe("may_leave", () => {
  const wit = `package test:leave;
interface host { log: func(x: u32); }
interface api { get: func() -> string; }
world leave { import host; export api; }`;
  const guest = (post: string) => `(module
  (import "test:leave/host" "log" (func $log (param i32)))
  (memory (export "memory") 1)
  ${bump}
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (call $log (i32.const 1))
    (call $bump (local.get 2) (local.get 3)))
  (data (i32.const 64) "hi")
  (func (export "test:leave/api#get") (result i32)
    (i32.store (i32.const 16) (i32.const 64))
    (i32.store (i32.const 20) (i32.const 2))
    (i32.const 16))
  (func (export "cabi_post_test:leave/api#get") (param i32) ${post}))`;

  it("traps when cabi_post_* calls an import", async () => {
    const host = await loadHost(wit);
    const logged: number[] = [];
    const e = await host.instantiate(await wat(guest("(call $log (i32.const 2))")), {
      "test:leave/host": { log: (x: number) => logged.push(x) },
    });
    expect(() => e.api.get()).toThrow(/called out of cabi_realloc or a cabi_post_\* function/);
    expect(logged).toEqual([]);
    expect(() => e.api.get()).toThrow(/trapped earlier/);
  });

  it("lets a well-behaved post-return run", async () => {
    const host = await loadHost(wit);
    const e = await host.instantiate(await wat(guest("")), { "test:leave/host": { log: () => {} } });
    expect(e.api.get()).toBe("hi");
    expect(e.api.get()).toBe("hi");
  });
});

describe("lifting floats", () => {
  it("canonicalises NaN payloads", async () => {
    const host = await loadHost(`package test:nan;
interface api { get-f32: func() -> f32; get-f64: func() -> f64; }
world nan { export api; }`);
    const e = await host.instantiate(
      await wat(`(module
  (func (export "test:nan/api#get-f32") (result f32) (f32.reinterpret_i32 (i32.const 0x7fa00001)))
  (func (export "test:nan/api#get-f64") (result f64) (f64.reinterpret_i64 (i64.const 0x7ff4000000000001))))`),
      {},
    );
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, e.api.getF64());
    expect(view.getBigUint64(0).toString(16)).toBe("7ff8000000000000");
    view.setFloat32(0, e.api.getF32());
    expect(view.getUint32(0).toString(16)).toBe("7fc00000");
  });
});

describe("UTF-8 lowering", () => {
  it("calls cabi_realloc once, with the exact length, as for a UTF-8 source", async () => {
    const host = await loadHost(`package test:realloc;
interface api { take: func(s: string) -> u32; }
world realloc { export api; }`);
    const calls: number[][] = [];
    const e = await host.instantiate(
      await wat(`(module
  (import "witx-test" "record" (func $record (param i32 i32 i32 i32)))
  (memory (export "memory") 1)
  ${bump}
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $p i32)
    (call $record (local.get 0) (local.get 1) (local.get 2) (local.get 3))
    (local.set $p (call $bump (local.get 2) (local.get 3)))
    (if (local.get 1) (then (memory.copy (local.get $p) (local.get 0) (local.get 1))))
    (local.get $p))
  (func (export "test:realloc/api#take") (param i32 i32) (result i32) (local.get 1)))`),
      {},
      {
        coreImports: {
          "witx-test": { record: (...args: number[]) => calls.push(args.slice(1)) },
        },
      },
    );
    expect(e.api.take("aĀ")).toBe(3);
    // The spec's copy of a UTF-8 source (what wasmtime's host does): one allocation of the
    // exact length. Growing an allocation is what the WASI preview1 adapter's allocator refuses.
    expect(calls).toEqual([[0, 1, 3]]);
    calls.length = 0;
    expect(e.api.take("é".repeat(40))).toBe(80);
    expect(calls).toEqual([[0, 1, 80]]);
  });
});

describe("handle bookkeeping", () => {
  it("an argument error does not drop handles the guest already holds", async () => {
    const wit = `package test:keep;
interface host { resource thing { id: func() -> u32; } make: func(id: u32) -> thing; }
interface api {
  use host.{thing};
  keep: func();
  give: func(t: thing, n: u8);
  check: func() -> u32;
}
world keep { import host; export api; }`;
    const guest = `(module
  (import "test:keep/host" "make" (func $make (param i32) (result i32)))
  (import "test:keep/host" "[method]thing.id" (func $id (param i32) (result i32)))
  (global $kept (mut i32) (i32.const 0))
  (func (export "test:keep/api#keep") (global.set $kept (call $make (i32.const 7))))
  (func (export "test:keep/api#give") (param i32 i32))
  (func (export "test:keep/api#check") (result i32) (call $id (global.get $kept))))`;
    class Thing {
      constructor(readonly n: number) {}
      id() {
        return this.n;
      }
    }
    const host = await loadHost(wit);
    const e = await host.instantiate(await wat(guest), {
      "test:keep/host": { make: (n: number) => new Thing(n), Thing },
    });
    e.api.keep();
    expect(() => e.api.give(new Thing(9), 300)).toThrow(TypeError);
    expect(e.api.check()).toBe(7);
  });
});

describe("map lowering", () => {
  it("writes no more entries than it allocated, even if the Map grows meanwhile", async () => {
    const host = await loadHost(`package test:grow;
interface api { record point { x: u32 } count: func(m: map<u32, point>) -> u32; }
world grow { export api; }`);
    const e = await host.instantiate(
      await wat(`(module
  (memory (export "memory") 1)
  ${bump}
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (call $bump (local.get 2) (local.get 3)))
  (func (export "test:grow/api#count") (param i32 i32) (result i32) (local.get 1)))`),
      {},
    );
    const m = new Map<number, { x: number }>();
    m.set(1, {
      get x() {
        m.set(m.size + 1, { x: 0 });
        return 1;
      },
    });
    expect(e.api.count(m)).toBe(1);
  });
});
