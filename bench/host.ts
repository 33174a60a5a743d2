/**
 * Host benchmark: the same calls into one guest core module
 * (bench/guests/bench.wat, world `bench` of bench/guests/bench.wit), in one
 * run, through three glues:
 *
 * - ours: the host module `witx-bindgen ts --js` generates for the world;
 * - hand-written: the minimal correct glue a careful engineer writes by hand
 *   for the same core module (`handWritten` in glue-ops.ts);
 * - jco: the component made of the same core module (`component embed` +
 *   `component new`), transpiled by `@bytecodealliance/jco` (or, when that
 *   is not installed, by `@bytecodealliance/jco-transpile`; the output says
 *   which) with `instantiation: "async"` and otherwise default options.
 *
 * The three are first checked to give the same (and the expected) result for
 * every operation; then each operation is timed. A sample is the mean time
 * per call of a batch of calls (the batch size is chosen per operation so a
 * hand-written batch takes about 0.25 ms, and is the same for the three). The
 * three take turns batch by batch, so the ratios compare calls measured
 * moments apart; the table shows the median of the samples, in ns per call,
 * and the median of the per-round ratios. Nothing here asserts on timings.
 *
 * Usage: npm run bench:host [-- --time <ms per task, default 1500>] [--only <text in the operation's name>]
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { generateTypeScript, loadWitPath, renderDiagnostics } from "../index.js";
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
  timeOperations,
  world,
  writeFiles,
  type Guest,
  type Host,
  type Jco,
} from "./glue-ops.js";

/** The target: every operation of ours within this factor of hand-written. */
const TARGET = 1.2;

// -------------------------------------------------------------------- ours

async function ours(module: WebAssembly.Module, host: Host, tmp: string): Promise<Guest> {
  const loaded = loadWitPath(path.join(guestDir, "bench.wit"), { world });
  if (!loaded.ok) throw new Error(renderDiagnostics(loaded.diagnostics));
  const files = await generateTypeScript(loaded.resolve, loaded.world!, { js: true });
  const js = files.find((f) => f.path.endsWith(".js"))!;
  const file = path.join(tmp, "ours", js.path);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, js.contents);
  const mod = (await import(pathToFileURL(file).href)) as {
    instantiate(source: WebAssembly.Module, imports: unknown): Promise<Guest>;
  };
  return mod.instantiate(module, { "bench:host/host": host });
}

export async function jcoGlue(jco: Jco, core: Uint8Array, wit: string, host: Host, tmp: string): Promise<Guest> {
  const { componentEmbed, componentNew } = await import("@bytecodealliance/jco-transpile/wasm-tools");
  const embedded = await componentEmbed({ binary: core, witSource: wit, world });
  const component = await componentNew(embedded);
  const files = await jco.transpile(component);
  const dir = path.join(tmp, "jco");
  writeFiles(dir, files);
  const mod = (await import(pathToFileURL(path.join(dir, "guest.js")).href)) as {
    instantiate(
      getCoreModule: (name: string) => Promise<WebAssembly.Module>,
      imports: Record<string, unknown>,
    ): Promise<Guest>;
  };
  const getCoreModule = (name: string) => {
    const bytes = files[name];
    if (bytes === undefined) throw new Error(`jco asked for an unknown core module ${name}`);
    return WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  };
  return mod.instantiate(getCoreModule, { "bench:host/host": host });
}

// -------------------------------------------------------------------- main

async function main(): Promise<void> {
  const time = Number(option("--time") ?? 1500);
  const only = option("--only");
  const { parse } = await import("@bytecodealliance/jco-transpile/wasm-tools");
  const wit = fs.readFileSync(path.join(guestDir, "bench.wit"), "utf8");
  const core = await parse(fs.readFileSync(path.join(guestDir, "bench.wat"), "utf8"));
  const module = await WebAssembly.compile(core as Uint8Array<ArrayBuffer>);
  const jco = await loadJco();

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "witx-bench-host-"));
  const hosts = [makeHost(), makeHost(), makeHost()];
  let glues;
  try {
    glues = [
      { name: "ours", guest: await ours(module, hosts[0]!, tmp), host: hosts[0]! },
      { name: "hand-written", guest: await handWritten(module, hosts[1]!), host: hosts[1]! },
      { name: "jco", guest: await jcoGlue(jco, core, wit, hosts[2]!, tmp), host: hosts[2]!, peer: true },
    ];
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const ops = operations().filter((op) => only === undefined || op.name.includes(only));
  const { rows } = await timeOperations(glues, ops, "hand-written", time);

  printGlueTable(
    rows,
    [
      `Host glue, ns per call (median of per-batch means; ${describeMachine(time)}).`,
      `jco column: ${jco.label} (instantiation: "async", other options default).`,
    ],
    TARGET,
  );
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) await main();
