/**
 * `witx-bindgen plug` as a whole process, on two components of about 2 MB
 * each (half code: tens of thousands of functions, half data), against
 * `node -e 0` (Node.js starting and exiting) measured in the same run, both
 * as medians; and `plug()` in process.
 *
 * The socket imports `test:bench/math` and exports `run`; the plug exports
 * `test:bench/math`. Each core module carries the same shape of bulk, so
 * the time is that of reading, validating, composing and writing 4 MB.
 *
 * Nothing here asserts on timings. Usage:
 * npm run bench:plug [-- --runs <N, default 11>]
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { median, option, timeProcess } from "./processes.js";
import { plug } from "../encoding/compose/index.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const cli = path.join(root, "dist", "cli", "launch.cjs");

/** About 1 MB of functions and 1 MB of data, as core module fields. */
function bulk(seed: number): string {
  const funcs: string[] = [];
  for (let i = 0; i < 40_000; i++) {
    funcs.push(
      `(func $f${i} (param i32) (result i32) (i32.add (i32.mul (local.get 0) (i32.const ${(i * 7919 + seed) % 100_000})) (i32.const ${i})))`,
    );
  }
  let data = "";
  for (let i = 0; i < 1 << 20; i++) data += String.fromCharCode(97 + ((i * 31 + seed) % 26));
  return `${funcs.join("\n")}\n(data (i32.const 1024) "${data}")`;
}

const MATH = `(export "add" (func (param "a" u32) (param "b" u32) (result u32)))`;

const SOCKET = `(component
  (import "test:bench/math" (instance $math ${MATH}))
  (alias export $math "add" (func $add))
  (core func $add' (canon lower (func $add)))
  (core module $m
    (import "math" "add" (func $add (param i32 i32) (result i32)))
    (memory 32)
    ${bulk(1)}
    (func (export "run") (result i32) (call $add (i32.const 1) (i32.const 2))))
  (core instance $i (instantiate $m (with "math" (instance (export "add" (func $add'))))))
  (func (export "run") (result u32) (canon lift (core func $i "run"))))`;

const PLUG = `(component
  (core module $m
    (memory 32)
    ${bulk(2)}
    (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))
  (core instance $i (instantiate $m))
  (func $add (param "a" u32) (param "b" u32) (result u32) (canon lift (core func $i "add")))
  (instance $math (export "add" (func $add)))
  (export "test:bench/math" (instance $math)))`;

async function main(): Promise<void> {
  const runs = option("runs", 11);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "witx-bindgen-bench-plug-"));
  const tools = (await import("@bytecodealliance/jco-transpile/wasm-tools")) as unknown as {
    parse(wat: string): Promise<Uint8Array>;
  };
  const socket = await tools.parse(SOCKET);
  const plugged = await tools.parse(PLUG);
  const socketFile = path.join(dir, "socket.wasm");
  const plugFile = path.join(dir, "plug.wasm");
  fs.writeFileSync(socketFile, socket);
  fs.writeFileSync(plugFile, plugged);
  const out = path.join(dir, "out.wasm");
  const args = [cli, "plug", socketFile, "--plug", plugFile, "-o", out];
  const env = { ...process.env, NO_COLOR: "1" };

  timeProcess(process.execPath, args, env);
  const node: number[] = [];
  const whole: number[] = [];
  // Interleaved, so that both see the same machine load.
  for (let i = 0; i < runs; i++) {
    node.push(timeProcess(process.execPath, ["-e", "0"], env));
    whole.push(timeProcess(process.execPath, args, env));
  }
  const inProcess: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    plug(socket, [plugged]);
    inProcess.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  const size = fs.statSync(out).size;
  fs.rmSync(dir, { recursive: true, force: true });
  const mb = (n: number) => `${(n / 1e6).toFixed(2)} MB`;
  const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
  console.log(`inputs: socket ${mb(socket.length)}, plug ${mb(plugged.length)}; composition ${mb(size)}`);
  console.log(`witx-bindgen plug, whole process (median of ${runs}): ${fmt(median(whole))}`);
  console.log(`node -e 0 (median of ${runs}):                     ${fmt(median(node))}`);
  console.log(`difference:                                    ${fmt(median(whole) - median(node))}`);
  console.log(`plug() in process (median of ${runs}):        ${fmt(median(inProcess))}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
