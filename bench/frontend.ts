/**
 * Front-end benchmark: parse + resolve of real WASI packages, in process
 * (after warm-up) and as a whole `witx-bindgen json` process, next to the
 * reference (wit-parser compiled to wasm inside jco, given the same packages
 * as one WIT text) measured in the same run.
 *
 * A last table checks that the cost stays linear in the input: a synthetic
 * package at 1x, 10x and 100x the size of the proxy world's text, in time
 * per interface, with the part of it spent in garbage collection. Each
 * round of it loads the same number of interfaces at every size and keeps
 * every result until the round ends, as a caller keeps what it loaded; the
 * time with each result dropped at once is shown beside it (a small
 * package's representation then dies in V8's young generation, which a
 * large one's cannot). It is measured in a process of its own, for both
 * implementations.
 *
 * Usage: npm run bench:frontend -- <corpus-dir>
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PerformanceObserver, type PerformanceEntry } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { Bench } from "tinybench";
import { loadWitPath, loadWitText } from "../index.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const cli = path.join(root, "dist", "cli", "launch.cjs");

interface Case {
  name: string;
  /** Input for witx-bindgen: a directory with `deps/`. */
  dir: string;
  world: string;
  /** The same packages as one WIT text (nested package blocks) for the reference. */
  source: string;
}

const headerRe = /^\s*((?:\/\/[^\n]*\n|\s)*)package\s+([^;{\s]+)\s*;/;

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

function witFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".wit"))
    .sort()
    .map((f) => path.join(dir, f));
}

function wasi026(corpus: string): Case {
  const dir = path.join(corpus, "wasi", "0.2.6");
  const deps = fs
    .readdirSync(path.join(dir, "deps"))
    .sort()
    .map((d) => path.join(dir, "deps", d));
  const source = [
    witFiles(dir)
      .map((f) => fs.readFileSync(f, "utf8"))
      .join("\n"),
    ...deps.map((d) => asNestedBlock(witFiles(d))),
  ].join("\n");
  return { name: "WASI 0.2.6 wasi:http/proxy", dir, world: "wasi:http/proxy@0.2.6", source };
}

function wasi030(corpus: string, tmp: string): Case {
  const base = path.join(corpus, "wasi", "0.3.0");
  const packages = fs.readdirSync(base).sort();
  const dir = path.join(tmp, "wasi-0.3.0");
  fs.mkdirSync(path.join(dir, "deps"), { recursive: true });
  for (const f of witFiles(path.join(base, "http", "wit"))) fs.copyFileSync(f, path.join(dir, path.basename(f)));
  for (const p of packages.filter((p) => p !== "http")) {
    fs.cpSync(path.join(base, p, "wit"), path.join(dir, "deps", p), { recursive: true });
  }
  const main = witFiles(path.join(base, "http", "wit")).map((f) => fs.readFileSync(f, "utf8"));
  const mainHeader = headerRe.exec(main[0]) ?? headerRe.exec(main[1]);
  const mainBodies = main.map((t) => t.replace(headerRe, ""));
  const source = [
    `package ${mainHeader![2]};\n${mainBodies.join("\n")}`,
    ...packages.filter((p) => p !== "http").map((p) => asNestedBlock(witFiles(path.join(base, p, "wit")))),
  ].join("\n");
  return { name: "WASI 0.3.0, all packages", dir, world: "wasi:http/service@0.3.0", source };
}

/**
 * A package of `n` interfaces, each with a record, a variant, a resource and
 * a function, gated and documented like WASI's, each using a type of the
 * previous one, and a world importing them all.
 */
function syntheticPackage(n: number): string {
  const parts = ["package bench:scaling@1.0.0;\n"];
  for (let i = 0; i < n; i++) {
    parts.push(`/// Interface number ${i}.\n@since(version = 1.0.0)\ninterface i${i} {\n`);
    if (i > 0) parts.push(`  use i${i - 1}.{r${i - 1}};\n`);
    parts.push(
      `  /// A record.\n  record r${i} { a: u32, b: string, c: list<option<u8>> }\n` +
        `  variant v${i} { x(u32), y, z(result<string, r${i}>) }\n` +
        `  resource h${i} { constructor(x: u32); get: func() -> r${i}; }\n` +
        `  fn${i}: func(a: r${i}, b: borrow<h${i}>) -> result<v${i}, string>;\n}\n`,
    );
  }
  parts.push("world w {\n");
  for (let i = 0; i < n; i++) parts.push(`  import i${i};\n`);
  parts.push("}\n");
  return parts.join("");
}

/** The garbage-collection pauses that begin within the given intervals, in ms. */
function pausesWithin(pauses: PerformanceEntry[], intervals: [number, number][]): number {
  let total = 0;
  for (const e of pauses) {
    for (const [from, to] of intervals) if (e.startTime >= from && e.startTime < to) total += e.duration;
  }
  return total;
}

/** Watches garbage collection until `stop` is called, which gives the pauses seen (after a turn of the event loop, when the last ones are heard of). */
function watchPauses(): () => Promise<PerformanceEntry[]> {
  const pauses: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => pauses.push(...list.getEntries()));
  observer.observe({ entryTypes: ["gc"] });
  return async () => {
    await new Promise((resolve) => setTimeout(resolve, 10));
    observer.disconnect();
    return pauses;
  };
}

/** Mean time of `f` over about `budget` ms, after a warm-up, and the mean time of garbage collection within it. */
async function meanTime(f: () => unknown, budget: number): Promise<{ ms: number; gc: number }> {
  const warm = performance.now();
  do await f();
  while (performance.now() - warm < budget / 4);
  const stop = watchPauses();
  let runs = 0;
  const t0 = performance.now();
  do {
    await f();
    runs++;
  } while (performance.now() - t0 < budget);
  const t1 = performance.now();
  const gc = pausesWithin(await stop(), [[t0, t1]]);
  return { ms: (t1 - t0) / runs, gc: gc / runs };
}

/**
 * Mean time of `f`, run in rounds of `perRound` calls whose results are all
 * kept until the round ends, as a caller keeps what it loaded; over about
 * `budget` ms (at least one round) after a round of warm-up. Also the mean
 * time of garbage collection within the rounds, per call.
 */
async function meanTimeKept(f: () => unknown, perRound: number, budget: number): Promise<{ ms: number; gc: number }> {
  const round = async () => {
    const kept: unknown[] = [];
    for (let i = 0; i < perRound; i++) kept.push(await f());
    return kept.length;
  };
  await round();
  const stop = watchPauses();
  const intervals: [number, number][] = [];
  let runs = 0;
  let ms = 0;
  const begin = performance.now();
  do {
    const t0 = performance.now();
    runs += await round();
    const t1 = performance.now();
    ms += t1 - t0;
    intervals.push([t0, t1]);
  } while (performance.now() - begin < budget);
  const gc = pausesWithin(await stop(), intervals);
  return { ms: ms / runs, gc: gc / runs };
}

type Reference = typeof import("@bytecodealliance/jco-transpile/wasm-tools");

/**
 * The synthetic package at 1x, 10x and 100x the size of `proxy` (the proxy
 * world's text): the number of interfaces is scaled from a small package's
 * size per interface. The reference, if there is one, parses the same text.
 *
 * Linearity is judged with every result kept: each round loads 100x the
 * proxy world's worth of interfaces (100 packages of 1x, 10 of 10x, one of
 * 100x) and keeps all it loaded until the round ends. Dropping each result
 * at once instead favours the small package: its representation then dies
 * in V8's young generation before a collection copies it, which a larger
 * load's cannot; that figure is shown too.
 */
async function scalingTable(proxy: Case, ref: Reference | undefined): Promise<string[]> {
  const out = [
    "| synthetic package | size | per interface, results kept | of which garbage collection | against 1x | reference per interface | against 1x | per interface, each result dropped at once | of which garbage collection |",
    "|---|---|---|---|---|---|---|---|---|",
  ];
  const perInterface = syntheticPackage(100).length / 100;
  let first: { ours: number; theirs: number | undefined } | undefined;
  for (const times of [1, 10, 100]) {
    const n = Math.round((times * proxy.source.length) / perInterface);
    const text = syntheticPackage(n);
    // Checked in a function of its own, so that the result is not kept alive
    // (with the heap it takes) while the timed runs go on.
    checkLoads(() => loadWitText(text, { world: "w" }), "synthetic package");
    const perRound = 100 / times;
    const kept = await meanTimeKept(() => loadWitText(text, { world: "w" }), perRound, 3000);
    const theirs = ref
      ? (await meanTimeKept(() => ref.componentWitMetadataForWorld({ tag: "source", val: text }, "w"), perRound, 3000))
          .ms / n
      : undefined;
    const dropped = await meanTime(() => loadWitText(text, { world: "w" }), 1500);
    const ours = kept.ms / n;
    first ??= { ours, theirs };
    const us = (t: number | undefined) => (t === undefined ? "-" : `${(t * 1000).toFixed(1)} µs`);
    const against = (t: number | undefined, base: number | undefined) =>
      t === undefined || base === undefined ? "-" : `${(t / base).toFixed(2)}x`;
    out.push(
      `| ${times}x the proxy world: ${n} interfaces | ${(text.length / 1024).toFixed(0)} KB | ${us(ours)} | ${us(kept.gc / n)} | ${against(ours, first.ours)} | ${us(theirs)} | ${against(theirs, first.theirs)} | ${us(dropped.ms / n)} | ${us(dropped.gc / n)} |`,
    );
  }
  return out;
}

function checkLoads(load: () => ReturnType<typeof loadWitText>, what: string): void {
  const result = load();
  if (!result.ok) throw new Error(`${what}: ${result.diagnostics[0].rendered}`);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timeProcess(args: string[], runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { encoding: "utf8", maxBuffer: 1 << 28 });
    times.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`${args.join(" ")} failed: ${r.stderr}`);
  }
  return median(times);
}

async function main(): Promise<void> {
  const corpus = process.argv.slice(2).find((a) => !a.startsWith("--")) ?? path.join(root, "..", "shared", "corpus");
  if (!fs.existsSync(path.join(corpus, "wasi"))) {
    console.error(`error: no WASI packages under ${corpus}\nusage: npm run bench:frontend -- <corpus-dir>`);
    process.exit(2);
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "witx-bench-"));
  try {
    const cases = [wasi026(corpus), wasi030(corpus, tmp)];
    let reference: typeof import("@bytecodealliance/jco-transpile/wasm-tools") | undefined;
    try {
      reference = await import("@bytecodealliance/jco-transpile/wasm-tools");
    } catch {
      console.log("(reference @bytecodealliance/jco-transpile not installed: reference columns skipped)");
    }

    const rows: string[][] = [];
    for (const c of cases) {
      checkLoads(() => loadWitPath(c.dir, { world: c.world }), c.name);
      const ref = reference;
      if (ref) await ref.componentWitMetadataForWorld({ tag: "source", val: c.source }, c.world);
      const withTasks = (bench: Bench): Bench => {
        bench.add("witx-bindgen", () => {
          loadWitPath(c.dir, { world: c.world });
        });
        bench.add("witx-bindgen (one text)", () => {
          loadWitText(c.source, { world: c.world });
        });
        if (ref) {
          bench.add("reference", async () => {
            await ref.componentWitMetadataForWorld({ tag: "source", val: c.source }, c.world);
          });
        }
        return bench;
      };
      // A first round warms every task up, so that the task measured first
      // does not pay alone for the heap's growth and the engine's tiers.
      await withTasks(new Bench({ time: 500, warmupTime: 100 })).run();
      const bench = withTasks(new Bench({ time: 1500, warmupTime: 500 }));
      await bench.run();
      const mean = (name: string) => {
        const task = bench.tasks.find((t) => t.name === name);
        const result = task?.result as { latency?: { mean: number }; mean?: number } | undefined;
        return result?.latency?.mean ?? result?.mean;
      };
      const ours = mean("witx-bindgen")!;
      const oursText = mean("witx-bindgen (one text)")!;
      const theirs = reference ? mean("reference") : undefined;

      const runs = 15;
      const oursProc = timeProcess([cli, "json", c.dir, "--world", c.world], runs);
      let theirsProc: number | undefined;
      if (reference) {
        const srcFile = path.join(tmp, `${rows.length}.wit`);
        fs.writeFileSync(srcFile, c.source);
        const script =
          `import { componentWitMetadataForWorld } from "@bytecodealliance/jco-transpile/wasm-tools";` +
          `import { readFileSync } from "node:fs";` +
          `await componentWitMetadataForWorld({ tag: "source", val: readFileSync(${JSON.stringify(srcFile)}, "utf8") }, ${JSON.stringify(c.world)});`;
        const scriptFile = path.join(root, `.bench-reference-${process.pid}.mjs`);
        fs.writeFileSync(scriptFile, script);
        try {
          theirsProc = timeProcess([scriptFile], runs);
        } finally {
          fs.rmSync(scriptFile, { force: true });
        }
      }
      const fmt = (x: number | undefined) => (x === undefined ? "-" : `${x.toFixed(2)} ms`);
      const ratio = (a: number, b: number | undefined) => (b === undefined ? "-" : `${(b / a).toFixed(2)}x`);
      rows.push([
        c.name,
        "in process, from the files (mean after warm-up)",
        fmt(ours),
        fmt(theirs),
        ratio(ours, theirs),
      ]);
      rows.push([
        c.name,
        "in process, same single text as the reference",
        fmt(oursText),
        fmt(theirs),
        ratio(oursText, theirs),
      ]);
      rows.push([
        c.name,
        `whole process (median of ${runs})`,
        fmt(oursProc),
        fmt(theirsProc),
        ratio(oursProc, theirsProc),
      ]);
    }
    console.log("| input | measure | witx-bindgen | reference (wit-parser in jco) | speed-up |");
    console.log("|---|---|---|---|---|");
    for (const r of rows) console.log(`| ${r.join(" | ")} |`);
    console.log();
    // The scaling table runs in a process of its own: this one has been idle
    // through the whole-process timings above, and V8's memory reducer, run
    // when a process goes idle, drops the allocation sites' pretenuring
    // decisions, which would then decide the larger rows' figures.
    const scaling = spawnSync(process.execPath, [fileURLToPath(import.meta.url), corpus, "--scaling"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    });
    if (scaling.status !== 0) throw new Error("the scaling table's process failed");
    process.stdout.write(scaling.stdout);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** The scaling table alone (the process `main` starts for it). */
async function scalingMain(): Promise<void> {
  const corpus = process.argv.slice(2).find((a) => !a.startsWith("--"))!;
  let reference: Reference | undefined;
  try {
    reference = await import("@bytecodealliance/jco-transpile/wasm-tools");
  } catch {
    reference = undefined;
  }
  for (const line of await scalingTable(wasi026(corpus), reference)) console.log(line);
}

await (process.argv.includes("--scaling") ? scalingMain() : main());
