/**
 * The C guest suite: every world of the guest corpus (`guestWorlds`) must
 * generate, and its `<world>.c` (which includes `<world>.h`) must compile
 * cleanly with clang 19 for wasm32-wasi under the strict warning set, the
 * worlds of the asynchronous ABI (async functions, futures, streams,
 * error-context) included. A world the generator refuses
 * (`UnsupportedCWorldError`) counts as a failure.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { generateC, UnsupportedCWorldError } from "../generators/c/index.js";
import type { GuestWorld, SuiteResult } from "./worlds.js";

/** The compiler command line the generated C must pass. */
export const C_FLAGS = [
  "--target=wasm32-wasi",
  "-std=c11",
  "-Wall",
  "-Wextra",
  "-Werror",
  "-Wc++-compat",
  "-Wno-unused-parameter",
  "-c",
];

function clangCommand(): string {
  return process.env.WITX_BINDGEN_CLANG ?? "clang-19";
}

function run(command: string, args: string[]): Promise<{ code: number | null; output: string; error?: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", (e) => resolve({ code: null, output, error: e.message }));
    child.on("close", (code) => resolve({ code, output }));
  });
}

/** The first error line of compiler output. */
function firstError(output: string): string {
  const lines = output.split("\n");
  return (lines.find((l) => /error:/.test(l)) ?? lines.find((l) => l.trim() !== "") ?? "").trim();
}

export async function cGuestSuites(worlds: GuestWorld[], verbose: boolean): Promise<SuiteResult[]> {
  const compiled: SuiteResult = { name: "C guest: generated and compiled", passed: 0, total: 0, failures: [] };
  const clang = clangCommand();
  const probe = await run(clang, ["--version"]);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "witx-c-conformance-"));
  try {
    const jobs: { label: string; file: string }[] = [];
    worlds.forEach((w, i) => {
      let files;
      try {
        files = generateC(w.resolve, w.world);
      } catch (e) {
        compiled.total++;
        const why =
          e instanceof UnsupportedCWorldError ? `refused: ${e.reason}` : `generation failed: ${(e as Error).message}`;
        compiled.failures.push(`${w.label}: ${why}`);
        return;
      }
      compiled.total++;
      const dir = path.join(root, String(i));
      fs.mkdirSync(dir);
      for (const f of files) fs.writeFileSync(path.join(dir, f.path), f.contents);
      const source = files.find((f) => f.path.endsWith(".c"))!;
      jobs.push({ label: w.label, file: path.join(dir, source.path) });
    });
    if (probe.code !== 0) {
      const reason = `${clang} is not available (${probe.error ?? firstError(probe.output)})`;
      for (const j of jobs) compiled.failures.push(`${j.label}: not compiled: ${reason}`);
      return [compiled];
    }
    const parallel = Math.max(1, Math.min(2, os.availableParallelism?.() ?? 2));
    let next = 0;
    const worker = async () => {
      while (next < jobs.length) {
        const job = jobs[next++];
        const result = await run(clang, [...C_FLAGS, job.file, "-o", `${job.file}.o`]);
        if (result.code === 0) compiled.passed++;
        else {
          const where = firstError(result.output).replace(`${path.dirname(job.file)}${path.sep}`, "");
          compiled.failures.push(`${job.label}: ${where}`);
          if (verbose) console.log(`${job.label}\n${result.output}`);
        }
      }
    };
    await Promise.all(Array.from({ length: parallel }, worker));
    compiled.failures.sort();
    return [compiled];
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
