/**
 * Shared-everything dynamic linking (`encoding/link/`):
 *
 * - the metadata reader and symbol resolution on small hand-written
 *   libraries;
 * - linked programs run with the JavaScript API (main module, libraries with
 *   their arguments, init module): relocations, `GOT.mem`/`GOT.func`,
 *   constructors, cycles through the main module's trampolines, stubs, and
 *   `dlopen`/`dlsym` through the built-in `libdl.so`;
 * - every case of wit-component's corpus that links libraries (`link*`,
 *   `error-link-*`, `realloc-task-hook-*`, ...): the error cases fail with
 *   wit-component's message; the others give a main and an init module that
 *   validate, libraries in the order `component.wat` instantiates them, a
 *   main module with the exports and global values of wit-component's, the
 *   same instantiation arguments from the main module and other libraries,
 *   and an init module doing what wit-component's fixup module does for
 *   linking (start function, table and memory initialization). The built-in
 *   libdl is our own: its data size and imports differ from wit-component's.
 *
 * The corpus is read from `WITX_BINDGEN_CORPUS` (default `../shared/corpus`
 * next to the repository); without it those tests are skipped.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { loadWitPath, loadWitText, renderDiagnostics } from "../index.js";
import { embedMetadata } from "../encoding/metadata.js";
import { ComponentEncodingError } from "../encoding/validate.js";
import { link, readMetadata, type LinkItem, type LinkResult } from "../encoding/link/index.js";
import { libdlModule } from "../encoding/link/libdl.js";
import { readDylinkInfo } from "../encoding/link/metadata.js";
import {
  coreModuleText,
  exportedGlobals,
  exportNames,
  instantiated,
  libraryArguments,
  summarizeInit,
  type InitSummary,
} from "./link-wat.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const corpus = process.env.WITX_BINDGEN_CORPUS ?? path.resolve(here, "..", "..", "shared", "corpus");
const componentsDir = path.join(corpus, "wit-component", "components");
const hasCorpus = fs.existsSync(componentsDir);

type WasmTools = typeof import("@bytecodealliance/jco-transpile/wasm-tools");
let tools: WasmTools;
beforeAll(async () => {
  tools = await import("@bytecodealliance/jco-transpile/wasm-tools");
});

async function wat(text: string): Promise<Uint8Array> {
  return new Uint8Array(await tools.parse(text));
}

/** `core` with a `component-type` section for a world of `wit` (so that it has component exports). */
function withWorld(core: Uint8Array, wit: string): Uint8Array {
  const loaded = loadWitText(wit, { fileName: "test.wit" });
  if (!loaded.ok) throw new Error(renderDiagnostics(loaded.diagnostics));
  return embedMetadata(core, loaded.resolve, loaded.world!);
}

const EXPORTS_RUN = "package test:t;\nworld w { export run: func() -> s32; }";

// ---------------------------------------------------------------- running a linked program

type Exports = WebAssembly.Exports;

/**
 * Instantiates a link result as the component encoder would: the main
 * module, each library with its arguments (anything else from `host`), and
 * the init module. Imports of the main module from libraries are called
 * lazily.
 */
function instantiate(result: LinkResult, host: Record<string, Record<string, unknown>> = {}) {
  const instances = new Map<string, Exports>();
  const mainModule = new WebAssembly.Module(result.main);
  const mainImports: Record<string, Record<string, unknown>> = {};
  for (const imp of WebAssembly.Module.imports(mainModule)) {
    const from = host[imp.module]?.[imp.name];
    const value = from ?? ((...args: unknown[]) => (instances.get(imp.module)![imp.name] as Function)(...args));
    (mainImports[imp.module] ??= {})[imp.name] = value;
  }
  const main = new WebAssembly.Instance(mainModule, mainImports as WebAssembly.Imports).exports;
  const item = (it: LinkItem) => {
    const source = it.from === "main" ? main : instances.get(it.from.library);
    const value = source?.[it.name];
    if (value === undefined) throw new Error(`no export ${it.name} for ${it.alias}`);
    return value;
  };
  const imports = (module: WebAssembly.Module, args: { module: string; items: LinkItem[] }[]) => {
    const out: Record<string, Record<string, unknown>> = {};
    for (const a of args) for (const it of a.items) (out[a.module] ??= {})[it.alias] = item(it);
    for (const imp of WebAssembly.Module.imports(module)) {
      if (out[imp.module]?.[imp.name] !== undefined) continue;
      const value = host[imp.module]?.[imp.name];
      if (value === undefined) throw new Error(`unsatisfied import ${imp.module}::${imp.name}`);
      (out[imp.module] ??= {})[imp.name] = value;
    }
    return out as WebAssembly.Imports;
  };
  for (const lib of result.libraries) {
    const module = new WebAssembly.Module(lib.wasm);
    instances.set(lib.name, new WebAssembly.Instance(module, imports(module, lib.args)).exports);
  }
  if (result.init) {
    const module = new WebAssembly.Module(result.init.wasm);
    new WebAssembly.Instance(module, imports(module, result.init.imports));
  }
  return { main, instances };
}

function cString(memory: WebAssembly.Memory, address: number): string {
  const bytes = new Uint8Array(memory.buffer);
  let end = address;
  while (bytes[end] !== 0) end++;
  return new TextDecoder().decode(bytes.subarray(address, end));
}

// ---------------------------------------------------------------- libraries

/** A tiny C library: a bump allocator from `__heap_base`, `strlen`, `memcmp`. */
const LIBC = `(module
  (@dylink.0 (mem-info (memory 0 2)))
  (import "env" "memory" (memory 1))
  (import "GOT.mem" "__heap_base" (global $heap_base (mut i32)))
  (global $next (mut i32) (i32.const 0))
  (func $init (global.set $next (global.get $heap_base)))
  (start $init)
  (func (export "malloc") (param $n i32) (result i32) (local $p i32)
    (local.set $p (global.get $next))
    (global.set $next (i32.add (local.get $p) (local.get $n)))
    (local.get $p))
  (func (export "strlen") (param $s i32) (result i32) (local $p i32)
    (local.set $p (local.get $s))
    (block $done (loop $l
      (br_if $done (i32.eqz (i32.load8_u (local.get $p))))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $l)))
    (i32.sub (local.get $p) (local.get $s)))
  (func (export "memcmp") (param $a i32) (param $b i32) (param $n i32) (result i32) (local $d i32)
    (block $done (loop $l
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $d (i32.sub (i32.load8_u (local.get $a)) (i32.load8_u (local.get $b))))
      (if (local.get $d) (then (return (local.get $d))))
      (local.set $a (i32.add (local.get $a) (i32.const 1)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $l)))
    (i32.const 0))
)`;

/**
 * `app` (reached from its component export `run`) and `util` depend on each
 * other: `app` calls `util.twice`, `util` calls `app.base`. `app` also takes
 * the address of `util.twice` (`GOT.func`) and of `util.table` (`GOT.mem`),
 * has a data relocation and a constructor.
 */
const APP = `(module
  (@dylink.0 (mem-info (memory 8 2)) (needed "libc" "util"))
  (import "env" "memory" (memory 1))
  (import "env" "__indirect_function_table" (table 0 funcref))
  (import "env" "__memory_base" (global $mb i32))
  (import "env" "__table_base" (global $tb i32))
  (import "env" "__stack_pointer" (global $sp (mut i32)))
  (import "env" "malloc" (func $malloc (param i32) (result i32)))
  (import "env" "twice" (func $twice (param i32) (result i32)))
  (import "GOT.func" "twice" (global $twice_addr (mut i32)))
  (import "GOT.mem" "table" (global $table (mut i32)))
  (type $i2i (func (param i32) (result i32)))
  (func (export "base") (result i32) (i32.const 20))
  ;; data: [0] = address of util's table (relocated), [4] = set by the constructor
  (data (global.get $mb) "\\00\\00\\00\\00\\00\\00\\00\\00")
  (func (export "__wasm_apply_data_relocs")
    (i32.store (global.get $mb) (global.get $table)))
  (func (export "__wasm_call_ctors")
    (i32.store offset=4 (global.get $mb) (i32.const 1000)))
  (func (export "run") (result i32)
    ;; 1000 (ctor) + twice(1) = 2 * 20 + 1 = 41 via env, 41 via the table,
    ;; util.table[1] = 7 through the relocated pointer
    (i32.add
      (i32.add (i32.load offset=4 (global.get $mb)) (call $twice (i32.const 1)))
      (i32.add
        (call_indirect (type $i2i) (i32.const 1) (global.get $twice_addr))
        (i32.load offset=4 (i32.load (global.get $mb))))))
  (func (export "stack") (result i32) (global.get $sp))
  (func (export "alloc") (result i32) (call $malloc (i32.const 16)))
)`;

const UTIL = `(module
  (@dylink.0 (mem-info (memory 8 2)) (needed "app"))
  (import "env" "memory" (memory 1))
  (import "env" "__memory_base" (global $mb i32))
  (import "env" "base" (func $base (result i32)))
  (data (global.get $mb) "\\05\\00\\00\\00\\07\\00\\00\\00")
  (global (export "table") i32 (i32.const 0))
  (func (export "twice") (param i32) (result i32)
    (i32.add (i32.mul (call $base) (i32.const 2)) (local.get 0)))
)`;

describe("readMetadata", () => {
  it("reads dylink.0 and sorts imports and exports into their roles", async () => {
    const bytes = await wat(`(module
      (@dylink.0
        (mem-info (memory 24 3) (table 2 1))
        (needed "libc.so" "libm.so")
        (export-info "f" binding-weak)
        (import-info "env" "g" binding-weak))
      (import "env" "memory" (memory 1))
      (import "env" "__indirect_function_table" (table 0 funcref))
      (import "env" "__memory_base" (global i32))
      (import "env" "__table_base" (global i32))
      (import "env" "__stack_pointer" (global (mut i32)))
      (import "env" "__wasm_get_tls_base" (func (result i32)))
      (import "env" "h" (func (param i64) (result f32)))
      (import "env" "g" (func (param i32)))
      (import "env" "exn" (tag (param i32)))
      (import "GOT.mem" "zeta" (global (mut i32)))
      (import "GOT.mem" "alpha" (global (mut i32)))
      (import "GOT.mem" "__heap_base" (global (mut i32)))
      (import "GOT.func" "g" (global (mut i32)))
      (import "wasi:cli/env@0.2.0" "get" (func (param i32)))
      (import "adapter" "fd_write" (func (param i32 i32) (result i32)))
      (import "$root" "[thread-new-indirect-v0]" (func (param i32 i32) (result i32)))
      (global (export "data") i32 (i32.const 4))
      (tag (export "t") (param f64))
      (func (export "f") (param i32) (result i32) local.get 0)
      (func (export "__wasm_call_ctors"))
      (func (export "__wasm_apply_data_relocs"))
      (global (export "__wasm_library_tls_info") i32 (i32.const 0)))`);
    const m = readMetadata("lib", false, bytes, new Set(["adapter"]));
    expect(m.memInfo).toEqual({ memorySize: 24, memoryAlignment: 3, tableSize: 2, tableAlignment: 1 });
    expect(m.neededLibs).toEqual(["libc.so", "libm.so"]);
    expect(m.envImports).toEqual([
      { name: "g", fn: { params: ["I32"], results: [] }, flags: 1 },
      { name: "h", fn: { params: ["I64"], results: ["F32"] }, flags: 0 },
    ]);
    expect(m.memoryAddressImports).toEqual(["alpha", "zeta"]);
    expect(m.tableAddressImports).toEqual(["g"]);
    expect(m.tagImports).toEqual([{ name: "exn", fn: { params: ["I32"], results: [] } }]);
    expect(m.imports).toEqual([
      {
        module: "adapter",
        name: "fd_write",
        ty: { kind: "function", fn: { params: ["I32", "I32"], results: ["I32"] } },
        flags: 0,
      },
    ]);
    expect(m.exports.map((e) => [e.name, e.ty.kind, e.flags])).toEqual([
      ["data", "global", 0],
      ["f", "function", 1],
      ["t", "tag", 0],
    ]);
    expect(m).toMatchObject({
      needsStackPointer: true,
      needsHeapBase: true,
      needsHeapEnd: false,
      needsGetTlsBase: true,
      needsSetTlsBase: false,
      usesThreadNewIndirect: true,
      hasCtors: true,
      hasDataRelocs: true,
      hasInitialize: false,
      hasLibraryTlsInfo: true,
      hasComponentExports: false,
    });
  });

  it("defaults mem-info to nothing with 2-byte alignment", async () => {
    expect(readDylinkInfo(await wat("(module)")).memInfo).toEqual({
      memorySize: 0,
      memoryAlignment: 1,
      tableSize: 0,
      tableAlignment: 1,
    });
  });

  it("sees component exports in the component-type section", async () => {
    const core = withWorld(await wat(`(module (func (export "run") (result i32) i32.const 0))`), EXPORTS_RUN);
    expect(readMetadata("x", false, core).hasComponentExports).toBe(true);
  });

  it("refuses what the conventions do not allow", async () => {
    const unknown = await wat(`(module (@custom "dylink.0" "\\09\\00"))`);
    expect(() => readMetadata("bad", false, unknown)).toThrow(
      "failed to extract linking metadata from bad: unrecognized `dylink.0` subsection: 9",
    );
    const badGot = await wat(`(module (import "GOT.mem" "x" (global i64)))`);
    expect(() => readMetadata("bad", false, badGot)).toThrow(/unexpected type for GOT.mem:x/);
    const memExport = await wat(`(module (memory (export "m") 1))`);
    expect(() => readMetadata("bad", false, memExport)).toThrow("unsupported export kind for m: Memory");
  });
});

describe("link: resolution", () => {
  const user = `(module (@dylink.0) (import "env" "f" (func (result i32))) (func (export "run") (result i32) i32.const 0))`;
  const provider = (n: number) => `(module (@dylink.0) (func (export "f") (result i32) i32.const ${n}))`;

  it("takes a symbol from the first library exporting it and drops unreachable libraries", async () => {
    const result = link([
      { name: "user", wasm: withWorld(await wat(user), EXPORTS_RUN), dlOpenable: false },
      { name: "a", wasm: await wat(provider(1)), dlOpenable: false },
      { name: "b", wasm: await wat(provider(2)), dlOpenable: false },
    ]);
    expect(result.libraries.map((l) => l.name)).toEqual(["a", "user"]);
    expect(result.libraries[1]!.args).toEqual([
      { module: "env", items: [{ alias: "f", sort: "func", from: { library: "a" }, name: "f" }] },
    ]);
  });

  it("reports missing libraries and unresolved symbols", async () => {
    const needs = `(module (@dylink.0 (needed "x" "y")) (func (export "run") (result i32) i32.const 0))`;
    const needsWasm = await wat(needs);
    expect(() => link([{ name: "u", wasm: needsWasm, dlOpenable: false }])).toThrow(
      new ComponentEncodingError("missing libraries:\n\tu needs x, y"),
    );
    const lone = withWorld(await wat(user), EXPORTS_RUN);
    expect(() => link([{ name: "user", wasm: lone, dlOpenable: false }])).toThrow(
      "unresolved symbol(s):\n\tuser needs f (function [] -> [I32])",
    );
  });

  it("stubs missing functions when asked, and weak ones always", async () => {
    const lone = withWorld(await wat(user), EXPORTS_RUN);
    const stubbed = link([{ name: "user", wasm: lone, dlOpenable: false }], { stubMissingFunctions: true });
    expect(stubbed.libraries.map((l) => l.name)).toEqual(["wit-component:stubs", "user"]);

    const weak = `(module
      (@dylink.0 (import-info "env" "maybe" binding-weak))
      (import "env" "maybe" (func $maybe (result i32)))
      (import "GOT.func" "maybe" (global $maybe_addr (mut i32)))
      (func (export "run") (result i32) (global.get $maybe_addr))
      (func (export "call") (result i32) (call $maybe)))`;
    const result = link([{ name: "user", wasm: withWorld(await wat(weak), EXPORTS_RUN), dlOpenable: false }]);
    const { instances } = instantiate(result);
    const exports = instances.get("user")!;
    // A weak undefined function has the null address; calling it traps.
    expect((exports.run as () => number)()).toBe(0);
    expect(() => (exports.call as () => number)()).toThrow(WebAssembly.RuntimeError);
  });

  it("orders a cycle with the dependency that does not close it first", async () => {
    const result = link([
      { name: "app", wasm: withWorld(await wat(APP), EXPORTS_RUN), dlOpenable: false },
      { name: "libc", wasm: await wat(LIBC), dlOpenable: false },
      { name: "util", wasm: await wat(UTIL), dlOpenable: false },
    ]);
    expect(result.libraries.map((l) => l.name)).toEqual(["libc", "app", "util"]);
    // `app` is instantiated before `util`: it calls `twice` through the main module's trampoline.
    const env = result.libraries[1]!.args.find((a) => a.module === "env")!.items;
    expect(env.find((i) => i.alias === "twice")).toEqual({ alias: "twice", sort: "func", from: "main", name: "twice" });
    expect(env.find((i) => i.alias === "malloc")!.from).toEqual({ library: "libc" });
  });
});

describe("link: running linked programs", () => {
  it("relocates data, fills GOT entries and the table, and runs constructors", async () => {
    const result = link([
      { name: "app", wasm: withWorld(await wat(APP), EXPORTS_RUN), dlOpenable: false },
      { name: "libc", wasm: await wat(LIBC), dlOpenable: false },
      { name: "util", wasm: await wat(UTIL), dlOpenable: false },
    ]);
    expect(WebAssembly.validate(result.main)).toBe(true);
    const { main, instances } = instantiate(result);
    const app = instances.get("app")!;
    expect((app.run as () => number)()).toBe(1000 + 41 + 41 + 7);
    expect((app.stack as () => number)()).toBe(1 << 20);
    const heapBase = (main.__heap_base as WebAssembly.Global).value as number;
    expect(heapBase % 16).toBe(0);
    expect((app.alloc as () => number)()).toBe(heapBase);
    expect((main.memory as WebAssembly.Memory).buffer.byteLength).toBeGreaterThanOrEqual(heapBase);
  });

  it("resolves libraries and symbols at run time with the built-in libdl", async () => {
    const plugin = `(module
      (@dylink.0 (mem-info (memory 4 2)))
      (import "env" "memory" (memory 1))
      (import "env" "__memory_base" (global $mb i32))
      (data (global.get $mb) "\\2a\\00\\00\\00")
      (global (export "value") i32 (i32.const 0))
      (func (export "answer") (result i32) (i32.const 42))
      (func (export "other") (result i32) (i32.const 7)))`;
    const host = `(module
      (@dylink.0 (mem-info (memory 32 2)))
      (import "env" "memory" (memory 1))
      (import "env" "__indirect_function_table" (table 0 funcref))
      (import "env" "__memory_base" (global $mb i32))
      (import "env" "dlopen" (func $dlopen (param i32 i32) (result i32)))
      (import "env" "dlsym" (func $dlsym (param i32 i32) (result i32)))
      (import "env" "dlclose" (func $dlclose (param i32) (result i32)))
      (import "env" "dlerror" (func $dlerror (result i32)))
      (type $v2i (func (result i32)))
      ;; "plugin\\0" at 0, "answer\\0" at 8, "value\\0" at 16, "nope\\0" at 24
      (data (global.get $mb) "plugin\\00\\00answer\\00\\00value\\00\\00\\00nope\\00")
      (func (export "run") (result i32) (local $h i32)
        (local.set $h (call $dlopen (global.get $mb) (i32.const 2)))
        (i32.add
          (call_indirect (type $v2i) (call $dlsym (local.get $h) (i32.add (global.get $mb) (i32.const 8))))
          (i32.load (call $dlsym (local.get $h) (i32.add (global.get $mb) (i32.const 16))))))
      (func (export "missing_library") (result i32) (call $dlopen (i32.add (global.get $mb) (i32.const 24)) (i32.const 0)))
      (func (export "missing_symbol") (result i32)
        (call $dlsym (call $dlopen (global.get $mb) (i32.const 0)) (i32.add (global.get $mb) (i32.const 24))))
      (func (export "bad_flags") (result i32) (call $dlopen (global.get $mb) (i32.const 8)))
      (func (export "close") (param i32) (result i32) (call $dlclose (local.get 0)))
      (func (export "error") (result i32) (call $dlerror)))`;
    const result = link(
      [
        { name: "host", wasm: withWorld(await wat(host), EXPORTS_RUN), dlOpenable: false },
        { name: "libc", wasm: await wat(LIBC), dlOpenable: false },
        { name: "plugin", wasm: await wat(plugin), dlOpenable: true },
      ],
      { useBuiltInLibdl: true },
    );
    expect(result.libraries.map((l) => l.name)).toEqual(["libc", "libdl.so", "host", "plugin"]);
    const { main, instances } = instantiate(result);
    const memory = main.memory as WebAssembly.Memory;
    const h = instances.get("host")! as Record<string, (...args: number[]) => number>;
    expect(h.run!()).toBe(42 + 42);
    const error = () => {
      const p = h.error!();
      return p === 0 ? null : cString(memory, p);
    };
    expect(error()).toBe(null);
    expect(h.missing_library!()).toBe(0);
    expect(error()).toBe("library not found");
    expect(error()).toBe(null);
    expect(h.missing_symbol!()).toBe(0);
    expect(error()).toBe("symbol not found");
    expect(h.bad_flags!()).toBe(0);
    expect(error()).toBe("dlopen flags not yet supported");
    expect(h.close!(12345)).toBe(-1);
    expect(error()).toBe("invalid library handle");
  });

  it("builds a libdl that validates and declares its needs", () => {
    const bytes = libdlModule();
    expect(WebAssembly.validate(bytes)).toBe(true);
    const m = readMetadata("libdl.so", false, bytes);
    expect(m.envImports.map((i) => i.name)).toEqual(["memcmp", "strlen"]);
    expect(m.needsLibdlLibraries).toBe(true);
    expect(m.exports.map((e) => e.name)).toEqual(["dlclose", "dlerror", "dlopen", "dlsym"]);
  });
});

// ---------------------------------------------------------------- the corpus

interface CorpusCase {
  name: string;
  dir: string;
  libs: { file: string; name: string; dlOpenable: boolean }[];
  adapters: string[];
  config: { stubMissingFunctions: boolean; useBuiltInLibdl: boolean };
}

function corpusCases(): CorpusCase[] {
  if (!hasCorpus) return [];
  const out: CorpusCase[] = [];
  for (const name of fs.readdirSync(componentsDir).sort()) {
    const dir = path.join(componentsDir, name);
    if (fs.existsSync(path.join(dir, "module.wat"))) continue;
    const files = fs.readdirSync(dir).sort();
    const wats = files.filter((f) => /^(dlopen-)?lib-.*\.wat$/.test(f));
    if (wats.length === 0) continue;
    const config = { stubMissingFunctions: false, useBuiltInLibdl: false };
    const moduleName = (text: string) => {
      for (const line of text.split("\n").map((l) => l.trim())) {
        if (line !== "" && !line.startsWith(";;")) break;
        if (line.startsWith(";; module name: ")) return line.slice(";; module name: ".length);
      }
      return undefined;
    };
    const libs = wats.map((file) => {
      const text = fs.readFileSync(path.join(dir, file), "utf8");
      for (const line of text.split("\n").map((l) => l.trim())) {
        if (line !== "" && !line.startsWith(";;")) break;
        const m = /^;;!\s*([a-z-]+)\s*=\s*(true|false)/.exec(line);
        if (m?.[1] === "stub-missing-functions") config.stubMissingFunctions = m[2] === "true";
        if (m?.[1] === "use-built-in-libdl") config.useBuiltInLibdl = m[2] === "true";
      }
      const dlOpenable = file.startsWith("dlopen-");
      const stem = file.slice(0, -".wat".length);
      return {
        file,
        name: moduleName(text) ?? stem.slice(dlOpenable ? "dlopen-lib-".length : "lib-".length),
        dlOpenable,
      };
    });
    const adapters = files
      .filter((f) => /^adapt-.*\.wat$/.test(f))
      .map((f) => moduleName(fs.readFileSync(path.join(dir, f), "utf8")) ?? f.slice("adapt-".length, -".wat".length));
    out.push({ name, dir, libs, adapters, config });
  }
  return out;
}

async function corpusInputs(c: CorpusCase) {
  const out = [];
  for (const lib of c.libs) {
    let wasm = await wat(fs.readFileSync(path.join(c.dir, lib.file), "utf8"));
    const stem = lib.file.slice(0, -".wat".length);
    const loaded = loadWitPath(c.dir, { world: stem, allFeatures: true });
    if (!loaded.ok) throw new Error(`${c.name}: ${renderDiagnostics(loaded.diagnostics)}`);
    wasm = embedMetadata(wasm, loaded.resolve, loaded.world!);
    out.push({ name: lib.name, wasm, dlOpenable: lib.dlOpenable });
  }
  return out;
}

const show = (x: unknown) => JSON.stringify(x);
const source = (it: LinkItem) => (it.from === "main" ? "main" : it.from.library);

describe.skipIf(!hasCorpus)("link: wit-component's linking cases", () => {
  const cases = corpusCases();

  it("links every case as wit-component does", async () => {
    const tally = { errors: 0, successes: 0, mainGlobalsEqual: 0, argumentsEqual: 0, initEqual: 0 };
    const failures: string[] = [];
    for (const c of cases) {
      const inputs = await corpusInputs(c);
      const options = { ...c.config, adapterNames: new Set(c.adapters) };
      const errorFile = path.join(c.dir, "error.txt");
      if (fs.existsSync(errorFile)) {
        const expected = fs.readFileSync(errorFile, "utf8").trim();
        let message: string | undefined;
        try {
          link(inputs, options);
        } catch (e) {
          if (!(e instanceof ComponentEncodingError)) throw e;
          message = e.message;
        }
        if (message === undefined) failures.push(`${c.name}: linked, expected ${expected.split("\n")[0]}`);
        else if (message.split("\n")[0] !== expected.split("\n")[0] || message !== expected) {
          failures.push(`${c.name}: ${JSON.stringify(message)} instead of ${JSON.stringify(expected)}`);
        } else tally.errors++;
        continue;
      }
      let result: LinkResult;
      try {
        result = link(inputs, options);
      } catch (e) {
        failures.push(`${c.name}: ${(e as Error).message}`);
        continue;
      }
      const componentWat = fs.readFileSync(path.join(c.dir, "component.wat"), "utf8");
      const problems: string[] = [];
      if (!WebAssembly.validate(result.main)) problems.push("main module does not validate");
      if (result.init && !WebAssembly.validate(result.init.wasm)) problems.push("init module does not validate");
      for (const lib of result.libraries) {
        if (!WebAssembly.validate(lib.wasm)) problems.push(`library ${lib.name} does not validate`);
      }
      const names = new Set([...inputs.map((i) => i.name), "libdl.so", "wit-component:stubs"]);
      const expectedOrder = instantiated(componentWat).filter((n) => names.has(n));
      const order = result.libraries.map((l) => l.name);
      if (JSON.stringify(order) !== JSON.stringify(expectedOrder)) {
        problems.push(`order ${order.join(", ")} instead of ${expectedOrder.join(", ")}`);
      }
      const theirMain = coreModuleText(componentWat, "main")!;
      const ourMain = await tools.print(result.main);
      const theirs = exportNames(theirMain).sort();
      const ours = exportNames(ourMain).sort();
      if (JSON.stringify(ours) !== JSON.stringify(theirs)) {
        problems.push(`main exports [${ours.join(", ")}] instead of [${theirs.join(", ")}]`);
      }
      // Our libdl's data is smaller than wit-component's: the heap starts elsewhere.
      const heap = (name: string) => c.config.useBuiltInLibdl && (name === "__heap_base" || name === "__heap_end");
      const globals = (text: string) => [...exportedGlobals(text)].filter(([name]) => !heap(name));
      if (JSON.stringify(globals(ourMain)) === JSON.stringify(globals(theirMain))) tally.mainGlobalsEqual++;
      else problems.push(`main globals ${show(globals(ourMain))} instead of ${show(globals(theirMain))}`);

      const theirArgs = libraryArguments(componentWat, names);
      const before = problems.length;
      for (const lib of result.libraries) {
        const ours = new Map(
          lib.args.map((a) => [
            a.module,
            a.items.map((it) => `${it.alias}:${it.sort} <- ${source(it)}.${it.name}`).sort(),
          ]),
        );
        const theirs: Map<string, string[]> = theirArgs.get(lib.name) ?? new Map();
        if (lib.name === "libdl.so" && c.config.useBuiltInLibdl) {
          // Our libdl imports less than wit-component's; what it imports, it gets from the same place.
          const extra = [...ours].flatMap(([m, items]) => items.filter((i) => !theirs.get(m)?.includes(i)));
          if (extra.length > 0) problems.push(`arguments of libdl.so: ${show(extra)} not given by wit-component`);
        } else if (show([...ours].sort()) !== show([...theirs].sort())) {
          problems.push(`arguments of ${lib.name}: ${show([...ours])} instead of ${show([...theirs])}`);
        }
      }

      if (problems.length === before) tally.argumentsEqual++;

      const fixup = coreModuleText(componentWat, "wit-component-fixup");
      const theirInit: InitSummary = fixup ? summarizeInit(fixup) : { start: [], elems: [], data: [] };
      const ourInit: InitSummary = result.init
        ? summarizeInit(await tools.print(result.init.wasm))
        : { start: [], elems: [], data: [] };
      // We leave out the empty `dlopen` table when nothing reads it.
      theirInit.data = theirInit.data.filter(
        (d) =>
          !/^\d+: "\\00\\00\\00\\00.{12}"$/.test(d) || ourInit.data.some((o) => o.split(":")[0] === d.split(":")[0]),
      );
      // wit-component's libdl has an `_initialize`; ours has nothing to initialize.
      theirInit.start = theirInit.start.filter((i) => i !== "call libdl.so::_initialize");
      if (show(ourInit) === show(theirInit)) tally.initEqual++;
      else problems.push(`init ${show(ourInit)} instead of ${show(theirInit)}`);
      if (problems.length > 0) failures.push(`${c.name}: ${problems.join("; ")}`);
      else tally.successes++;
    }
    console.log(
      `linking corpus: ${cases.length} cases; ${tally.successes} linked like wit-component ` +
        `(main globals equal in ${tally.mainGlobalsEqual}, instantiation arguments in ${tally.argumentsEqual}, ` +
        `init and fixup in ${tally.initEqual}), ` +
        `${tally.errors} refused with its message`,
    );
    expect(failures).toEqual([]);
    expect(cases.length).toBeGreaterThan(25);
  }, 120_000);
});
