/**
 * Generation benchmark:
 * - the time to generate the TypeScript host, the Rust guest bindings and
 *   the C guest bindings of the WASI 0.2.6 `wasi:http/proxy` world (from the
 *   corpus) in process, after a warm-up, with the TypeScript output's raw
 *   and gzipped size;
 * - the whole `witx-bindgen ts` and `witx-bindgen json` processes on that
 *   world, beside `node -e 0` measured in the same run (the floor);
 * - the scale table: a synthetic world of N functions
 *   `fnN: func(a: string, b: p, c: list<p>) -> result<p, string>` with
 *   `record p { x: u32, y: string, z: list<u8> }`, for each generator as a
 *   whole process: wall time, peak resident memory, output size.
 *
 * Each time is given as wall time and as CPU time (user and system): on a
 * shared machine the CPU time is the steadier of the two. Nothing here
 * asserts on timings.
 *
 * Usage: npm run bench:generate [-- <corpus-dir>] [--sizes 100,1000,3000] [--runs <process runs, default 5>]
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import * as zlib from "node:zlib";
import { generateC, generateRust, generateTypeScript, loadWitPath, renderDiagnostics } from "../index.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const cli = path.join(root, "dist", "cli", "launch.cjs");
const args = process.argv.slice(2);
const valueOf = (flag: string): string | undefined => {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
};
const corpus =
  args.find((a, i) => !a.startsWith("--") && (i === 0 || !args[i - 1].startsWith("--"))) ??
  path.join(root, "..", "shared", "corpus");
const sizes = (valueOf("--sizes") ?? "100,1000,3000").split(",").map(Number);
const runs = Number(valueOf("--runs") ?? 5);
const proxyWit = path.join(corpus, "wasi", "0.2.6");
const proxyWorld = "wasi:http/proxy@0.2.6";
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "witx-bench-generate-"));

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

interface Timing {
  /** Wall time (ms). */
  ms: number;
  /** CPU time of this process, user and system (ms): the figure a busy machine disturbs least. */
  cpuMs: number;
}

/** The median wall and CPU time of `fn` over at least 1 s of runs (and at least 5), after 3 warm-up runs. */
async function timeInProcess(fn: () => unknown): Promise<Timing> {
  // Warm-up as bench:frontend's (tinybench's warm-up time): long enough for
  // the engine's optimising tier, not only a few runs.
  const warm = performance.now();
  for (let i = 0; i < 3 || performance.now() - warm < 500; i++) await fn();
  const times: number[] = [];
  const cpu: number[] = [];
  const start = performance.now();
  while (times.length < 5 || performance.now() - start < 1000) {
    const t = performance.now();
    const c = process.cpuUsage();
    await fn();
    const used = process.cpuUsage(c);
    times.push(performance.now() - t);
    cpu.push((used.user + used.system) / 1000);
  }
  return { ms: median(times), cpuMs: median(cpu) };
}

async function proxyInProcess(): Promise<void> {
  const loaded = loadWitPath(proxyWit, { world: proxyWorld });
  if (!loaded.ok) throw new Error(renderDiagnostics(loaded.diagnostics));
  const { resolve } = loaded;
  const world = loaded.world!;
  const ts = (await generateTypeScript(resolve, world))[0].contents;
  console.log(`generation of ${proxyWorld} in process (median after warm-up):`);
  console.log("| generator | wall (ms) | CPU (ms) | output (bytes) |");
  console.log("|---|---:|---:|---:|");
  const row = (name: string, t: Timing, bytes: number): void =>
    console.log(`| ${name} | ${t.ms.toFixed(2)} | ${t.cpuMs.toFixed(2)} | ${bytes} |`);
  row("ts", await timeInProcess(() => generateTypeScript(resolve, world)), ts.length);
  const size = (files: { contents: string }[]): number => files.reduce((n, f) => n + f.contents.length, 0);
  row("rust", await timeInProcess(() => generateRust(resolve, world)), size(generateRust(resolve, world)));
  try {
    const c = generateC(resolve, world);
    row("c", await timeInProcess(() => generateC(resolve, world)), size(c));
  } catch (e) {
    console.log(`| c | (${(e as Error).message}) | | |`);
  }
  console.log(
    `TypeScript output: ${Buffer.byteLength(ts)} bytes raw, ${zlib.gzipSync(ts).length} bytes gzipped (level 6)\n`,
  );
}

interface ProcessRun {
  ms: number;
  /** User and system CPU time of the child (ms). */
  cpuMs: number;
  maxRssKb: number;
}

/**
 * Runs `node <args>` once; the wall time is measured here, the peak
 * resident memory by the child itself (`process.resourceUsage().maxRSS`,
 * reported on stderr at exit through a preloaded CommonJS module).
 */
function runNode(nodeArgs: string[]): ProcessRun {
  const start = performance.now();
  const r = spawnSync(process.execPath, ["--require", rssReporter, ...nodeArgs], {
    encoding: "utf8",
    maxBuffer: 1 << 30,
  });
  const ms = performance.now() - start;
  if (r.status !== 0) throw new Error(`node ${nodeArgs.join(" ")} failed:\n${r.stderr}`);
  const match = /witx-bench-maxrss=(\d+) cpu=(\d+)/.exec(r.stderr);
  return { ms, cpuMs: match ? Number(match[2]) / 1000 : NaN, maxRssKb: match ? Number(match[1]) : NaN };
}
// CommonJS, preloaded with --require: an ES module (--import) would start
// Node.js's ES module loader in every process measured, which the CLI does not.
const rssReporter = path.join(scratch, "report-rss.cjs");
fs.writeFileSync(
  rssReporter,
  "const u = () => process.resourceUsage();\n" +
    'process.on("exit", () => process.stderr.write(`witx-bench-maxrss=${u().maxRSS} cpu=${u().userCPUTime + u().systemCPUTime}\\n`));\n',
);

function processes(): void {
  const out = path.join(scratch, "proxy");
  const commands: [string, string[]][] = [
    ["node -e 0", ["-e", "0"]],
    ["witx-bindgen json", [cli, "json", proxyWit, "--world", proxyWorld]],
    ["witx-bindgen ts", [cli, "ts", proxyWit, "--world", proxyWorld, "--out-dir", out]],
  ];
  const results = new Map<string, ProcessRun[]>();
  // Interleaved, so that the machine's load falls on every command alike.
  for (let i = 0; i < runs; i++)
    for (const [name, a] of commands) results.set(name, [...(results.get(name) ?? []), runNode(a)]);
  const floor = median(results.get("node -e 0")!.map((r) => r.ms));
  console.log(`whole processes on ${proxyWorld} (median of ${runs}):`);
  const cpuFloor = median(results.get("node -e 0")!.map((r) => r.cpuMs));
  console.log("| command | wall (ms) | over `node -e 0` (ms) | CPU (ms) | CPU over `node -e 0` (ms) | peak RSS (MB) |");
  console.log("|---|---:|---:|---:|---:|---:|");
  for (const [name, rs] of results) {
    const ms = median(rs.map((r) => r.ms));
    const cpu = median(rs.map((r) => r.cpuMs));
    const rss = Math.max(...rs.map((r) => r.maxRssKb)) / 1024;
    console.log(
      `| ${name} | ${ms.toFixed(0)} | ${(ms - floor).toFixed(0)} | ${cpu.toFixed(0)} | ${(cpu - cpuFloor).toFixed(0)} | ${rss.toFixed(0)} |`,
    );
  }
  console.log();
}

/** The synthetic world of `n` functions. */
function scaleWit(n: number): string {
  const fns: string[] = [];
  for (let i = 0; i < n; i++) fns.push(`  fn${i}: func(a: string, b: p, c: list<p>) -> result<p, string>;`);
  return [
    "package bench:scale;",
    "",
    "interface api {",
    "  record p { x: u32, y: string, z: list<u8> }",
    ...fns,
    "}",
    "",
    "world scale {",
    "  import api;",
    "}",
    "",
  ].join("\n");
}

function scale(): void {
  console.log("scale: `n` functions `func(a: string, b: p, c: list<p>) -> result<p, string>`, whole process:");
  console.log("| functions | generator | wall (ms) | CPU (ms) | peak RSS (MB) | output (bytes) | bytes per function |");
  console.log("|---:|---|---:|---:|---:|---:|---:|");
  for (const n of sizes) {
    const wit = path.join(scratch, `scale-${n}.wit`);
    fs.writeFileSync(wit, scaleWit(n));
    for (const generator of ["ts", "rust", "c"]) {
      const out = path.join(scratch, `scale-${n}-${generator}`);
      fs.rmSync(out, { recursive: true, force: true });
      const r = runNode([cli, generator, wit, "--out-dir", out]);
      const bytes = fs.readdirSync(out).reduce((sum, f) => sum + fs.statSync(path.join(out, f)).size, 0);
      console.log(
        `| ${n} | ${generator} | ${r.ms.toFixed(0)} | ${r.cpuMs.toFixed(0)} | ${(r.maxRssKb / 1024).toFixed(0)} | ${bytes} | ${(bytes / n).toFixed(0)} |`,
      );
    }
  }
  console.log();
}

if (!fs.existsSync(proxyWit)) {
  console.log(`generation: proxy world skipped (no corpus at ${corpus})`);
} else {
  await proxyInProcess();
  processes();
}
scale();
fs.rmSync(scratch, { recursive: true, force: true });
