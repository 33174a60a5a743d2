/**
 * Transpiled-component benchmark, in one run:
 *
 * 1. Glue: the operations of `bench:host` (bench/glue-ops.ts) on the guest
 *    bench/guests/bench.wat made a component (`component embed` +
 *    `component new`), through our transpile (`witx-bindgen ts <component>`),
 *    through the hand-written glue on the bare core module, and through jco's
 *    transpile of the same component. Target: every operation of ours within
 *    1.2× of hand-written.
 * 2. Instantiation and size: for that small component and for one with the
 *    WASI preview1 reactor adapter (bench/guests/wasi.wat), the time of
 *    `instantiate` with the core modules already compiled (so compilation,
 *    the same for both, is left out), and the size of the generated
 *    JavaScript, raw and gzipped, ours against jco's. Target: ours smaller
 *    and faster to instantiate.
 *
 * Nothing here asserts on timings. Usage:
 * npm run bench:component-host [-- --time <ms per task, default 1000>] [--only <text>]
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { gzipSync } from "node:zlib";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Bench } from "tinybench";
import { generateComponentHost } from "../generators/ts/component/index.js";
import {
  describeMachine,
  formatNs,
  guestDir,
  handWritten,
  loadJco,
  makeHost,
  operations,
  option,
  printGlueTable,
  root,
  timeOperations,
  writeFiles,
  type Guest,
  type Jco,
} from "./glue-ops.js";

const TARGET = 1.2;

interface Loaded {
  /** The generated JavaScript (the main file). */
  js: string;
  instantiate(imports: unknown): Promise<any>;
}

/** Our transpile of `component`, loaded with its core modules compiled beforehand. */
async function ours(component: Uint8Array, dir: string): Promise<Loaded> {
  const files = await generateComponentHost(component, { name: "guest", js: true });
  writeFiles(dir, Object.fromEntries(files.map((f) => [f.path, f.contents])));
  const modules = new Map<string, WebAssembly.Module>();
  for (const f of files)
    if (typeof f.contents !== "string")
      modules.set(f.path, await WebAssembly.compile(f.contents as Uint8Array<ArrayBuffer>));
  const mod = (await import(pathToFileURL(path.join(dir, "guest.js")).href)) as {
    instantiate(imports: unknown, options: { getCoreModule(name: string): WebAssembly.Module }): Promise<any>;
  };
  return {
    js: files.find((f) => f.path === "guest.js")!.contents as string,
    instantiate: (imports) => mod.instantiate(imports, { getCoreModule: (name) => modules.get(name)! }),
  };
}

/** jco's transpile of `component`, loaded with its core modules compiled beforehand. */
async function jcoLoad(jco: Jco, component: Uint8Array, dir: string): Promise<Loaded> {
  const files = await jco.transpile(component);
  writeFiles(dir, files);
  const modules = new Map<string, WebAssembly.Module>();
  for (const [name, bytes] of Object.entries(files))
    if (name.endsWith(".wasm")) modules.set(name, await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>));
  const mod = (await import(pathToFileURL(path.join(dir, "guest.js")).href)) as {
    instantiate(getCoreModule: (name: string) => WebAssembly.Module, imports: unknown): Promise<any>;
  };
  // jco keys versioned interfaces without their version.
  const unversioned = (imports: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(imports).map(([k, v]) => [k.replace(/^([^@]+\/[^@]+)@.*$/, "$1"), v]));
  return {
    js: new TextDecoder().decode(files["guest.js"]!),
    instantiate: (imports) =>
      mod.instantiate((name) => modules.get(name)!, unversioned(imports as Record<string, unknown>)),
  };
}

/** jco's preview2 shim as an import object (what a WASI component imports). */
async function wasiImports(): Promise<Record<string, unknown>> {
  const require = createRequire(path.join(root, "package.json"));
  const shim = require.resolve("@bytecodealliance/preview2-shim/instantiation");
  const { WASIShim } = (await import(pathToFileURL(shim).href)) as {
    WASIShim: new (config: unknown) => { getImportObject(): Record<string, unknown> };
  };
  return new WASIShim({
    sandbox: { preopens: {}, env: { A: "1", B: "2" }, args: ["g"], enableNetwork: false },
  }).getImportObject();
}

function preview1Adapter(): Uint8Array {
  // jco's `exports` do not list the adapters: they are found from the package root.
  const file = path.join(
    root,
    "node_modules",
    "@bytecodealliance",
    "jco",
    "lib",
    "wasi_snapshot_preview1.reactor.wasm",
  );
  return new Uint8Array(fs.readFileSync(file));
}

async function main(): Promise<void> {
  const time = Number(option("--time") ?? 1000);
  const only = option("--only");
  const { parse, componentEmbed, componentNew } = await import("@bytecodealliance/jco-transpile/wasm-tools");
  const jco = await loadJco();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "witx-bench-component-host-"));
  try {
    // The components.
    const benchCore = await parse(fs.readFileSync(path.join(guestDir, "bench.wat"), "utf8"));
    const benchComponent = await componentNew(
      await componentEmbed({
        binary: benchCore,
        witSource: fs.readFileSync(path.join(guestDir, "bench.wit"), "utf8"),
        world: "bench",
      }),
    );
    const wasiCore = await parse(fs.readFileSync(path.join(guestDir, "wasi.wat"), "utf8"));
    const wasiComponent = await componentNew(
      await componentEmbed({
        binary: wasiCore,
        witSource: fs.readFileSync(path.join(guestDir, "wasi.wit"), "utf8"),
        world: "wasi-bench",
      }),
      [["wasi_snapshot_preview1", preview1Adapter()]],
    );

    // 1. Glue.
    const hosts = [makeHost(), makeHost(), makeHost()];
    const oursBench = await ours(benchComponent, path.join(tmp, "ours-bench"));
    const jcoBench = await jcoLoad(jco, benchComponent, path.join(tmp, "jco-bench"));
    const module = await WebAssembly.compile(benchCore as Uint8Array<ArrayBuffer>);
    const glues = [
      { name: "ours", guest: (await oursBench.instantiate({ "bench:host/host": hosts[0] })) as Guest, host: hosts[0]! },
      { name: "hand-written", guest: await handWritten(module, hosts[1]!), host: hosts[1]! },
      {
        name: "jco",
        guest: (await jcoBench.instantiate({ "bench:host/host": hosts[2] })) as Guest,
        host: hosts[2]!,
        peer: true,
      },
    ];
    const ops = operations().filter((op) => only === undefined || op.name.includes(only));
    const { rows } = await timeOperations(glues, ops, "hand-written", time);

    // 2. Instantiation and size.
    const oursWasi = await ours(wasiComponent, path.join(tmp, "ours-wasi"));
    const jcoWasi = await jcoLoad(jco, wasiComponent, path.join(tmp, "jco-wasi"));
    const wasi = await wasiImports();
    const cases = [
      { name: "small (bench)", ours: oursBench, jco: jcoBench, imports: () => ({ "bench:host/host": makeHost() }) },
      { name: "preview1 adapter (wasi)", ours: oursWasi, jco: jcoWasi, imports: () => wasi },
    ];
    // The WASI guest works through both.
    const a = await oursWasi.instantiate(wasi);
    const b = await jcoWasi.instantiate(wasi);
    if (a.envCount() !== 2 || b.envCount() !== 2)
      throw new Error(`env-count: ours ${a.envCount()}, jco ${b.envCount()}`);
    const inst = new Bench({ time, warmupTime: Math.max(100, time / 3) });
    for (const c of cases) {
      inst.add(`ours ${c.name}`, async () => void (await c.ours.instantiate(c.imports())));
      inst.add(`jco ${c.name}`, async () => void (await c.jco.instantiate(c.imports())));
    }
    await inst.run();
    const mean = (name: string) => {
      const r = inst.tasks.find((t) => t.name === name)?.result as { latency?: { p50: number } } | undefined;
      return r?.latency === undefined ? undefined : r.latency.p50 * 1000;
    };

    printGlueTable(
      rows,
      [
        `Component host glue, ns per call (median of per-batch means; ${describeMachine(time)}).`,
        `ours: witx-bindgen ts <component>; jco column: ${jco.label} (instantiation: "async").`,
      ],
      TARGET,
    );
    console.log();
    console.log(
      `Instantiation (µs, median, core modules compiled beforehand) and generated JavaScript (bytes, raw / gzip):`,
    );
    console.log();
    console.log(`| component | ours µs | jco µs | jco/ours | ours JS | jco JS |`);
    console.log(`|---|---:|---:|---:|---:|---:|`);
    for (const c of cases) {
      const [o, j] = [mean(`ours ${c.name}`), mean(`jco ${c.name}`)];
      const size = (js: string) => `${Buffer.byteLength(js)} / ${gzipSync(js).length}`;
      console.log(
        `| ${c.name} | ${o?.toFixed(1) ?? "-"} | ${j?.toFixed(1) ?? "-"} | ${o && j ? `${(j / o).toFixed(1)}×` : "-"} | ${size(c.ours.js)} | ${size(c.jco.js)} |`,
      );
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
