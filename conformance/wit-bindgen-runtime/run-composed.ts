/**
 * A worker thread that runs one composition of a multi-component case: the
 * host our component host generator wrote for it (composed.ts), given
 * jco's preview2 shim for the WASI imports C components have (sandboxed:
 * no files, no network, no environment; stdout and stderr collected), then
 * the runner's `run`. The driver terminates the worker on timeout.
 */
import * as path from "node:path";
import { createRequire } from "node:module";
import { parentPort, workerData } from "node:worker_threads";
import { pathToFileURL } from "node:url";
import type { PairResult } from "./run-pair.js";

export interface ComposedJob {
  /** The generated host module (`composed.js`). */
  host: string;
  /** Whether the composition imports WASI (a component built against wasi-libc). */
  wasi: boolean;
}

interface ComponentHost {
  instantiate(imports: unknown): Promise<Record<string, unknown>>;
}

let output = "";

/** Collects what the guests write through the shim's stdout and stderr, which write to `process`'s. */
function collectOutput(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      output += typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk);
      (rest.find((r) => typeof r === "function") as (() => void) | undefined)?.();
      return true;
    }) as typeof stream.write;
  }
}

async function wasiImports(): Promise<Record<string, unknown>> {
  const require = createRequire(import.meta.url);
  const shim = require.resolve("@bytecodealliance/preview2-shim/instantiation");
  const { WASIShim } = (await import(pathToFileURL(shim).href)) as {
    WASIShim: new (config: unknown) => { getImportObject(): Record<string, unknown> };
  };
  const imports = new WASIShim({
    sandbox: { preopens: {}, env: {}, args: ["runner"], enableNetwork: false },
  }).getImportObject();
  imports["wasi:cli/exit"] = {
    exit(status: { tag: string }): never {
      throw new Error(`the guest exited with ${status.tag === "ok" ? 0 : 1}`);
    },
  };
  return imports;
}

function describe(e: unknown, stage: string): string {
  const err = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return `${stage}: ${err.split("\n")[0]}`;
}

async function main(job: ComposedJob): Promise<PairResult> {
  let stage = "loading the host";
  try {
    const host = (await import(pathToFileURL(path.resolve(job.host)).href)) as ComponentHost;
    stage = "instantiating the composition";
    const imports = job.wasi ? await wasiImports() : {};
    if (job.wasi) collectOutput();
    const exports = await host.instantiate(imports);
    stage = "run";
    const run = exports.run;
    if (typeof run !== "function") return { ok: false, error: "the composition has no run export", output };
    await run();
    return { ok: true, output };
  } catch (e) {
    return { ok: false, error: describe(e, stage), output };
  }
}

if (parentPort) {
  process.on("unhandledRejection", (e) => {
    parentPort!.postMessage({ ok: false, error: describe(e, "unhandled rejection"), output } satisfies PairResult);
  });
  main(workerData as ComposedJob).then((r) => parentPort!.postMessage(r));
}
