/**
 * Component wrapper benchmark: our encoder (`encoding/`) against wasm-tools'
 * `component new` (compiled to wasm inside `@bytecodealliance/jco-transpile`),
 * on the same core modules and worlds, in the same run.
 *
 * Inputs:
 * - small worlds: the guest of the host benchmark (bench/guests/bench.wat)
 *   and the `calls` guest of the end-to-end tests (test/guests/values/);
 * - the WASI 0.2.6 `wasi:http/proxy` world (from the corpus, with its deps):
 *   a core module generated here that exports every function of the world's
 *   exports with its canonical core signature (bodies `unreachable`), plus
 *   `memory` and `cabi_realloc`, and imports a handful of the world's
 *   imported functions; and the same module importing every imported
 *   function.
 *
 * Phases per input:
 * - `component new`: ours is `encodeComponent` on the core module without
 *   metadata, with the resolved world given; jco's is `componentNew` on the
 *   module `componentEmbed` made (it reads the world back from the section);
 * - `component new from the section`: both read the world back from the
 *   module's `component-type` section (ours: `componentNew`, decoder included);
 * - `embed`: ours is `embedMetadata` with the resolved world given; jco's is
 *   `componentEmbed`, which parses the WIT text too;
 * - `from WIT`: ours loads the WIT, embeds the metadata
 *   (`embedMetadata`), strips it again and encodes the component; jco's is
 *   `componentEmbed` (which parses the same WIT, given as one text) then
 *   `componentNew`.
 *
 * The table shows the mean time per operation after warm-up (tinybench),
 * the ratio jco / ours (above 1: ours is faster), and the sizes of the
 * components (or embedded modules), as they are and without the name and
 * producers sections (jco writes a name section; we do not).
 * Nothing here asserts on timings; a component of ours that does not
 * validate, or whose WIT differs from jco's, is reported.
 *
 * Usage: npm run bench:component [-- <corpus-dir>] [--time <ms per task, default 1000>]
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { Bench } from "tinybench";
import { loadWitPath, loadWitText, renderDiagnostics, worldAbi, type LoadResult } from "../index.js";
import type { Resolve } from "../ir/resolve.js";
import type { WorldId } from "../ir/types.js";
import { componentNew, embedMetadata, encodeComponent, stripComponentTypeSections } from "../encoding/index.js";
import { readHeader, readSections } from "../encoding/reader.js";
import { coreSignature } from "../encoding/validate.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

type WasmTools = typeof import("@bytecodealliance/jco-transpile/wasm-tools");

interface Input {
  name: string;
  /** WIT text for jco (one text: deps as nested package blocks). */
  witText: string;
  /** The world's specifier (for both). */
  world: string;
  /** How we load the WIT in the `from WIT` phase. */
  load(): LoadResult;
  /** The core module, without metadata. */
  core: Uint8Array;
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function loaded(r: LoadResult): { resolve: Resolve; world: WorldId } {
  if (!r.ok) throw new Error(renderDiagnostics(r.diagnostics));
  if (r.world === undefined) throw new Error("no world selected");
  return { resolve: r.resolve, world: r.world };
}

const TOOL_SECTIONS = new Set(["producers", "name", "component-name"]);

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** A component without its name and producers sections (nested modules and components too): what sizes compare. */
function withoutNames(bytes: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [bytes.subarray(0, 8)];
  const component = readHeader(bytes) === "component";
  for (const s of readSections(bytes)) {
    if (s.id === 0 && TOOL_SECTIONS.has(s.name!)) continue;
    if (component && (s.id === 1 || s.id === 4)) {
      const inner = withoutNames(bytes.subarray(s.start, s.end));
      parts.push(new Uint8Array([s.id, ...leb(inner.length)]), inner);
    } else parts.push(bytes.subarray(s.offset, s.end));
  }
  return Buffer.concat(parts);
}

// ------------------------------------------------------------------ inputs

async function smallInput(tools: WasmTools, name: string, wat: string, wit: string, world: string): Promise<Input> {
  const witText = fs.readFileSync(wit, "utf8");
  return {
    name,
    witText,
    world,
    load: () => loadWitText(witText, { world, fileName: path.basename(wit) }),
    core: await tools.parse(fs.readFileSync(wat, "utf8")),
  };
}

const headerRe = /^\s*((?:\/\/[^\n]*\n|\s)*)package\s+([^;{\s]+)\s*;/;

function witFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".wit"))
    .sort()
    .map((f) => path.join(dir, f));
}

/** The files of one package as a `package name { ... }` block. */
function asNestedBlock(files: string[]): string {
  let name: string | undefined;
  const bodies = files.map((f) => {
    const text = fs.readFileSync(f, "utf8");
    const m = headerRe.exec(text);
    if (!m) return text;
    name = m[2];
    return text.slice(m[0].length);
  });
  if (!name) throw new Error(`no package header in ${files.join(", ")}`);
  return `package ${name} {\n${bodies.join("\n")}\n}\n`;
}

/**
 * A core module for `world`: every exported function with its canonical core
 * signature (body `unreachable`), `memory`, `cabi_realloc`, and the imported
 * functions `pick` selects.
 */
function proxyGuestWat(resolve: Resolve, world: WorldId, pick: (n: number, total: number) => boolean): string {
  const abi = worldAbi(resolve, world);
  const sig = (t: { params: string[]; results: string[] }) =>
    `${t.params.length ? ` (param ${t.params.join(" ")})` : ""}${t.results.length ? ` (result ${t.results.join(" ")})` : ""}`;
  const lines: string[] = ["(module"];
  abi.imports.forEach((imp, n) => {
    if (!pick(n, abi.imports.length)) return;
    const t = coreSignature(resolve, imp.func, "lower");
    lines.push(`  (import ${JSON.stringify(imp.module)} ${JSON.stringify(imp.field)} (func${sig(t)}))`);
  });
  lines.push(`  (memory (export "memory") 1)`);
  lines.push(`  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) unreachable)`);
  for (const e of abi.exports) {
    const t = coreSignature(resolve, e.func, "lift");
    lines.push(`  (func (export ${JSON.stringify(e.exportName)})${sig(t)} unreachable)`);
  }
  lines.push(")");
  return lines.join("\n");
}

async function proxyInputs(tools: WasmTools, corpus: string): Promise<Input[]> {
  const dir = path.join(corpus, "wasi", "0.2.6");
  if (!fs.existsSync(dir)) {
    console.log(`(no WASI 0.2.6 at ${dir}: the wasi:http/proxy rows are skipped; pass the corpus directory)`);
    return [];
  }
  const world = "wasi:http/proxy@0.2.6";
  const deps = fs
    .readdirSync(path.join(dir, "deps"))
    .sort()
    .map((d) => path.join(dir, "deps", d));
  const witText = [
    witFiles(dir)
      .map((f) => fs.readFileSync(f, "utf8"))
      .join("\n"),
    ...deps.map((d) => asNestedBlock(witFiles(d))),
  ].join("\n");
  const load = () => loadWitPath(dir, { world });
  const { resolve, world: id } = loaded(load());
  const handful = 12;
  const abi = worldAbi(resolve, id);
  // A handful spread over the world's interfaces (every k-th imported function).
  const step = Math.max(1, Math.floor(abi.imports.length / handful));
  const some = proxyGuestWat(resolve, id, (n) => n % step === 0 && n / step < handful);
  const all = proxyGuestWat(resolve, id, () => true);
  return [
    {
      name: `wasi:http/proxy@0.2.6, ${handful} of ${abi.imports.length} imports`,
      witText,
      world,
      load,
      core: await tools.parse(some),
    },
    {
      name: `wasi:http/proxy@0.2.6, all ${abi.imports.length} imports`,
      witText,
      world,
      load,
      core: await tools.parse(all),
    },
  ];
}

// -------------------------------------------------------------------- main

async function main(): Promise<void> {
  const time = Number(option("--time") ?? 1000);
  const corpus =
    process.argv.slice(2).find((a, i, all) => !a.startsWith("--") && all[i - 1] !== "--time") ??
    process.env.WITX_BINDGEN_CORPUS ??
    path.resolve(root, "..", "shared", "corpus");
  const tools = await import("@bytecodealliance/jco-transpile/wasm-tools");

  const inputs: Input[] = [
    await smallInput(
      tools,
      "bench guest (bench/guests)",
      path.join(root, "bench", "guests", "bench.wat"),
      path.join(root, "bench", "guests", "bench.wit"),
      "bench",
    ),
    await smallInput(
      tools,
      "calls guest (test/guests/values)",
      path.join(root, "test", "guests", "values", "calls.wat"),
      path.join(root, "test", "guests", "values", "calls.wit"),
      "calls",
    ),
    ...(await proxyInputs(tools, corpus)),
  ];

  const rows: string[][] = [];
  const notes: string[] = [];
  for (const input of inputs) {
    const bindings = loaded(input.load());
    const embedded = await tools.componentEmbed({ binary: input.core, witSource: input.witText, world: input.world });

    // Not timed: both components, checked.
    const ours = encodeComponent(input.core, bindings);
    const theirs = await tools.componentNew(embedded);
    try {
      const [a, b] = [await tools.componentWit(ours), await tools.componentWit(theirs)];
      if (a !== b) notes.push(`${input.name}: our component's WIT differs from jco's`);
    } catch (e) {
      notes.push(`${input.name}: our component does not validate: ${(e as Error).message.split("\n")[0]}`);
    }

    const ourEmbedded = embedMetadata(input.core, bindings.resolve, bindings.world);
    const bench = new Bench({ time, warmupTime: Math.max(100, time / 3) });
    bench.add("ours: component new", () => {
      encodeComponent(input.core, bindings);
    });
    bench.add("jco: component new", async () => {
      await tools.componentNew(embedded);
    });
    bench.add("ours: component new from the section", () => {
      componentNew(ourEmbedded);
    });
    bench.add("jco: component new from the section", async () => {
      await tools.componentNew(embedded);
    });
    bench.add("ours: embed", () => {
      embedMetadata(input.core, bindings.resolve, bindings.world);
    });
    bench.add("jco: embed", async () => {
      await tools.componentEmbed({ binary: input.core, witSource: input.witText, world: input.world });
    });
    bench.add("ours: load WIT", () => {
      loaded(input.load());
    });
    bench.add("ours: from WIT", () => {
      const b = loaded(input.load());
      const withMetadata = embedMetadata(input.core, b.resolve, b.world);
      encodeComponent(stripComponentTypeSections(withMetadata), b);
    });
    bench.add("jco: from WIT", async () => {
      const e = await tools.componentEmbed({ binary: input.core, witSource: input.witText, world: input.world });
      await tools.componentNew(e);
    });
    await bench.run();
    const mean = (name: string): number => {
      const task = bench.tasks.find((t) => t.name === name);
      const result = task?.result as { latency?: { mean: number } } | undefined;
      if (result?.latency === undefined) throw new Error(`${name}: no result`);
      return result.latency.mean;
    };
    const ms = (x: number) => (x < 1 ? x.toFixed(3) : x.toFixed(2));
    const sizes = {
      "component new": [ours, theirs],
      "component new from the section": [ours, theirs],
      embed: [ourEmbedded, embedded],
      "from WIT": [ours, theirs],
    };
    const label = {
      "component new": "component new (ours: world given; jco: reads the section)",
      "component new from the section": "component new, both reading the world from the section",
      embed: "embed (ours: world given; jco: parses the WIT)",
      "from WIT": `from WIT: load + embed + new (our WIT loading alone: ${ms(mean("ours: load WIT"))} ms)`,
    };
    for (const phase of ["component new", "component new from the section", "embed", "from WIT"] as const) {
      const o = mean(`ours: ${phase}`);
      const j = mean(`jco: ${phase}`);
      const [a, b] = sizes[phase];
      rows.push([
        input.name,
        label[phase],
        ms(o),
        ms(j),
        `${(j / o).toFixed(1)}×`,
        `${a!.length} / ${b!.length}`,
        phase === "embed" ? "-" : `${withoutNames(a!).length} / ${withoutNames(b!).length}`,
      ]);
    }
    console.error(`${input.name}: done`);
  }

  rows.push(...(await adapterRows(tools, time, notes)));

  console.log();
  console.log(
    `Component wrapper, mean ms per operation after warm-up (node ${process.version}, ${os.cpus()[0]?.model ?? "unknown CPU"}; ${time} ms per task).`,
  );
  console.log(`jco: wasm-tools in @bytecodealliance/jco-transpile (componentEmbed, componentNew).`);
  console.log();
  console.log(
    `| input | phase | ours (ms) | jco (ms) | jco / ours | size, ours / jco (bytes) | without name and producers sections |`,
  );
  console.log(`|---|---|---:|---:|---:|---:|---:|`);
  for (const r of rows) console.log(`| ${r.join(" | ")} |`);
  console.log();
  if (notes.length) console.log(`Notes:\n  ${notes.join("\n  ")}`);
  else console.log("Every component of ours validates and has the same WIT as jco's.");
}

/** A guest that links a libc: it imports what a wasi-libc program using printf, getenv and files imports. */
const LIBC_GUEST_WAT = `(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_seek" (func (param i32 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_fdstat_get" (func (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_dir_name" (func (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open" (func (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
  (memory (export "memory") 2)
  (global $heap (mut i32) (i32.const 4096))
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $p i32)
    global.get $heap local.set $p
    global.get $heap local.get 3 i32.add global.set $heap
    local.get $p)
  (func (export "_initialize"))
  (func (export "run") (result i32) i32.const 1 i32.const 0 i32.const 0 i32.const 0 call $fd_write))`;

/** The preview1 reactor adapter that jco's npm package ships. */
function reactorAdapter(): Uint8Array | undefined {
  const dir = path.join(root, "node_modules", "@bytecodealliance", "jco", "lib");
  const file = path.join(dir, "wasi_snapshot_preview1.reactor.wasm");
  return fs.existsSync(file) ? new Uint8Array(fs.readFileSync(file)) : undefined;
}

/** `component new --adapt` of a libc guest with the preview1 reactor adapter: ours against jco's. */
async function adapterRows(tools: WasmTools, time: number, notes: string[]): Promise<string[][]> {
  const adapter = reactorAdapter();
  if (!adapter) {
    notes.push("the preview1 reactor adapter (@bytecodealliance/jco) is not installed: no adapter row");
    return [];
  }
  const wit = "package bench:libc;\n\nworld libc {\n  export run: func() -> u32;\n}\n";
  const core = await tools.parse(LIBC_GUEST_WAT);
  const embedded = await tools.componentEmbed({ binary: core, witSource: wit, world: "libc" });
  const ours = componentNew(embedded, undefined, { adapters: [{ name: "wasi_snapshot_preview1", wasm: adapter }] });
  const theirs = await tools.componentNew(embedded, [["wasi_snapshot_preview1", adapter]]);
  try {
    const [a, b] = [await tools.componentWit(ours), await tools.componentWit(theirs)];
    if (a !== b) notes.push("libc guest + reactor adapter: our component's WIT differs from jco's");
  } catch (e) {
    notes.push(`libc guest + reactor adapter: our component does not validate: ${(e as Error).message.split("\n")[0]}`);
  }
  const bench = new Bench({ time, warmupTime: Math.max(100, time / 3) });
  bench.add("ours", () => {
    componentNew(embedded, undefined, { adapters: [{ name: "wasi_snapshot_preview1", wasm: adapter }] });
  });
  bench.add("jco", async () => {
    await tools.componentNew(embedded, [["wasi_snapshot_preview1", adapter]]);
  });
  await bench.run();
  const mean = (name: string): number => {
    const result = bench.tasks.find((t) => t.name === name)?.result as { latency?: { mean: number } } | undefined;
    if (result?.latency === undefined) throw new Error(`${name}: no result`);
    return result.latency.mean;
  };
  const [o, j] = [mean("ours"), mean("jco")];
  const ms = (x: number) => (x < 1 ? x.toFixed(3) : x.toFixed(2));
  const size = (a: Uint8Array, b: Uint8Array) =>
    `${a.length} / ${b.length} (${((a.length / b.length - 1) * 100).toFixed(1)}%)`;
  console.error("libc guest + reactor adapter: done");
  return [
    [
      "libc guest (11 preview1 imports)",
      "component new --adapt wasi_snapshot_preview1=reactor, world from the section",
      ms(o),
      ms(j),
      `${(j / o).toFixed(1)}×`,
      size(ours, theirs),
      size(withoutNames(ours), withoutNames(theirs)),
    ],
  ];
}

await main();
