/**
 * `witx-bindgen run --invoke` as a whole process: the time from spawning
 * `witx-bindgen run --invoke 'noop()' noop.wasm` to its exit, for a
 * component whose one export does nothing, against `node -e 0` (Node.js
 * starting and exiting) measured in the same run, both as medians.
 *
 * The first run of a component also generates its host's JavaScript and
 * caches it (in a temporary cache directory here); the runs timed are the
 * ones after it, as a user meets them from the second run on. The first
 * run's time is printed as well.
 *
 * Nothing here asserts on timings. Usage:
 * npm run bench:run [-- --runs <N, default 21>]
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { median, option, timeProcess } from "./processes.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const cli = path.join(root, "dist", "cli", "launch.cjs");

/** A component exporting `noop: func()`, written as text and assembled by the reference wasm-tools. */
const NOOP_WAT = `(component
  (core module $m (func (export "noop")))
  (core instance $i (instantiate $m))
  (func (export "noop") (canon lift (core func $i "noop"))))`;

async function main(): Promise<void> {
  const runs = option("runs", 21);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "witx-bindgen-bench-run-"));
  const tools = (await import("@bytecodealliance/jco-transpile/wasm-tools")) as unknown as {
    parse(wat: string): Promise<Uint8Array>;
  };
  const component = path.join(dir, "noop.wasm");
  fs.writeFileSync(component, await tools.parse(NOOP_WAT));
  const env = { ...process.env, NO_COLOR: "1", WITX_BINDGEN_CACHE_DIR: path.join(dir, "cache") };
  const runArgs = [cli, "run", "--invoke", "noop()", component];

  const first = timeProcess(process.execPath, runArgs, env);
  const node: number[] = [];
  const run: number[] = [];
  // Interleaved, so that both see the same machine load.
  for (let i = 0; i < runs; i++) {
    node.push(timeProcess(process.execPath, ["-e", "0"], env));
    run.push(timeProcess(process.execPath, runArgs, env));
  }
  fs.rmSync(dir, { recursive: true, force: true });
  const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
  console.log(`witx-bindgen run --invoke 'noop()' (median of ${runs}, host cached): ${fmt(median(run))}`);
  console.log(`node -e 0 (median of ${runs}):                               ${fmt(median(node))}`);
  console.log(`difference:                                                 ${fmt(median(run) - median(node))}`);
  console.log(`first run of the component (generates and caches its host): ${fmt(first)}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
