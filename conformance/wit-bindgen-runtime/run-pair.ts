/**
 * A worker thread that runs one runner × test pair with no composition: our
 * host of the test's world over the test's core module, then our host of the
 * runner's world over the runner's core module with the test instance's
 * exports as its imports (the JavaScript values are the same both ways),
 * then the runner's `run`. The driver terminates the worker on timeout, so
 * a guest that loops does not hang the run.
 *
 * Core modules that import `wasi_snapshot_preview1` (C against wasi-libc)
 * get a small sandboxed preview1: stdout and stderr are collected (and
 * reported with a failure: a failed `assert` prints there), no environment,
 * no arguments, no files; other calls answer ENOSYS.
 */
import { parentPort, workerData } from "node:worker_threads";
import * as fs from "node:fs";
import { pathToFileURL } from "node:url";

export interface PairJob {
  runnerHost: string;
  runnerWasm: string;
  testHost: string;
  testWasm: string;
}

export interface PairResult {
  ok: boolean;
  error?: string;
  /** What the guests wrote to stdout/stderr. */
  output: string;
}

interface HostModule {
  instantiate(source: WebAssembly.Module, imports: unknown, options?: unknown): Promise<Record<string, any>>;
}

let output = "";
const ESUCCESS = 0;
const EBADF = 8;
const ENOSYS = 52;

/** preview1 functions over the memory `memory()` gives once the instance exists. */
function preview1(module: WebAssembly.Module, memory: () => WebAssembly.Memory): Record<string, Function> {
  const view = () => new DataView(memory().buffer);
  const known: Record<string, Function> = {
    fd_write(fd: number, iovs: number, count: number, written: number) {
      if (fd !== 1 && fd !== 2) return EBADF;
      let n = 0;
      for (let i = 0; i < count; i++) {
        const ptr = view().getUint32(iovs + 8 * i, true);
        const len = view().getUint32(iovs + 8 * i + 4, true);
        output += new TextDecoder().decode(new Uint8Array(memory().buffer, ptr, len));
        n += len;
      }
      view().setUint32(written, n, true);
      return ESUCCESS;
    },
    fd_fdstat_get(fd: number, stat: number) {
      if (fd > 2) return EBADF;
      new Uint8Array(memory().buffer, stat, 24).fill(0);
      view().setUint8(stat, 2); // character device
      return ESUCCESS;
    },
    fd_close: () => EBADF,
    fd_seek: () => EBADF,
    fd_prestat_get: () => EBADF,
    fd_prestat_dir_name: () => EBADF,
    environ_sizes_get(count: number, size: number) {
      view().setUint32(count, 0, true);
      view().setUint32(size, 0, true);
      return ESUCCESS;
    },
    environ_get: () => ESUCCESS,
    args_sizes_get(count: number, size: number) {
      view().setUint32(count, 0, true);
      view().setUint32(size, 0, true);
      return ESUCCESS;
    },
    args_get: () => ESUCCESS,
    random_get(ptr: number, len: number) {
      crypto.getRandomValues(new Uint8Array(memory().buffer, ptr, len));
      return ESUCCESS;
    },
    clock_time_get(_id: number, _precision: bigint, time: number) {
      view().setBigUint64(time, process.hrtime.bigint(), true);
      return ESUCCESS;
    },
    sched_yield: () => ESUCCESS,
    proc_exit(code: number) {
      throw new Error(`the guest called proc_exit(${code})`);
    },
  };
  const out: Record<string, Function> = {};
  for (const i of WebAssembly.Module.imports(module))
    if (i.module === "wasi_snapshot_preview1") out[i.name] = known[i.name] ?? (() => ENOSYS);
  return out;
}

/** Instantiates `wasm` in the host module at `hostFile`, with `imports`, giving it preview1 when it imports it. */
async function instantiate(hostFile: string, wasm: string, imports: unknown): Promise<Record<string, any>> {
  const host = (await import(pathToFileURL(hostFile).href)) as HostModule;
  const module = await WebAssembly.compile(fs.readFileSync(wasm));
  if (!WebAssembly.Module.imports(module).some((i) => i.module === "wasi_snapshot_preview1"))
    return host.instantiate(module, imports);
  // The host hands core imports no handle on the instance: its memory is caught from WebAssembly.instantiate.
  let instance: WebAssembly.Instance | undefined;
  const memory = () => instance!.exports.memory as WebAssembly.Memory;
  const original = WebAssembly.instantiate;
  WebAssembly.instantiate = (async (...args: unknown[]) => {
    const result = await (original as (...a: unknown[]) => Promise<unknown>)(...args);
    instance =
      result instanceof WebAssembly.Instance ? result : (result as { instance: WebAssembly.Instance }).instance;
    return result;
  }) as typeof WebAssembly.instantiate;
  try {
    return await host.instantiate(module, imports, {
      coreImports: { wasi_snapshot_preview1: preview1(module, memory) },
    });
  } finally {
    WebAssembly.instantiate = original;
  }
}

function describe(e: unknown, stage: string): string {
  const err = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return `${stage}: ${err.split("\n")[0]}`;
}

async function main(job: PairJob): Promise<PairResult> {
  let stage = "instantiating the test";
  try {
    const test = await instantiate(job.testHost, job.testWasm, {});
    stage = "instantiating the runner";
    const runner = await instantiate(job.runnerHost, job.runnerWasm, test);
    stage = "run";
    if (typeof runner.run !== "function") return { ok: false, error: "the runner has no run export", output };
    await runner.run();
    return { ok: true, output };
  } catch (e) {
    return { ok: false, error: describe(e, stage), output };
  }
}

if (parentPort) {
  process.on("unhandledRejection", (e) => {
    parentPort!.postMessage({ ok: false, error: describe(e, "unhandled rejection"), output } satisfies PairResult);
  });
  main(workerData as PairJob).then((r) => parentPort!.postMessage(r));
}
