/**
 * Conformance harness: runs witx-bindgen's front-end over an external corpus
 * and prints counts per suite. Usage: `npm run conformance -- <corpus-dir>`.
 *
 * Suites:
 * - wit-parser-ui: each success case's JSON must deep-equal its `.wit.json`;
 *   each `parse-fail` case must be rejected, and the first line of our
 *   rendering is compared with the `.wit.result` file;
 * - resolution of every package in wit-bindgen-codegen, wit-bindgen-runtime
 *   and wasi (every world selected).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { isDeepStrictEqual } from "node:util";
import { loadWitPath, renderDiagnostics, resolveToJson } from "../index.js";
import { isKeyword, versionToString } from "../parser/index.js";

interface SuiteResult {
  name: string;
  passed: number;
  total: number;
  failures: string[];
}

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

function findPackages(dir: string): string[] {
  const out: string[] = [];
  for (const name of fs.readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (fs.statSync(p).isDirectory()) {
      if (name === "deps") continue;
      const hasWit = fs.readdirSync(p).some((n) => n.endsWith(".wit"));
      if (hasWit) out.push(p);
      else out.push(...findPackages(p));
    } else if (name.endsWith(".wit")) out.push(p);
  }
  return out;
}

/**
 * wit-bindgen's runtime tests: each case's `test.wit`, or the case directory
 * when it has a `deps/` folder.
 */
function runtimeCases(dir: string): string[] {
  const out: string[] = [];
  for (const name of fs.readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (!fs.statSync(p).isDirectory() || name === "deps") continue;
    if (fs.existsSync(path.join(p, "deps"))) out.push(p);
    else if (fs.existsSync(path.join(p, "test.wit"))) out.push(path.join(p, "test.wit"));
    else out.push(...runtimeCases(p));
  }
  return out;
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
    const worlds = result.resolve.packages.flatMap((p) => [...p.worlds.values()]);
    let allWorlds = true;
    for (const w of worlds) {
      const world = result.resolve.worlds[w];
      const pkg = result.resolve.packages[world.package!].name;
      const esc = (n: string) => (isKeyword(n) ? `%${n}` : n);
      const version = pkg.version ? `@${versionToString(pkg.version)}` : "";
      const id = `${esc(pkg.namespace)}:${esc(pkg.name)}/${esc(world.name)}${version}`;
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

function wasi030Packages(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .sort()
    .map((n) => path.join(dir, n, "wit"))
    .filter((p) => fs.existsSync(p));
}

function main(): void {
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
  results.push(
    resolvesAll("wasi 0.3.0: packages resolve", path.join(corpus, "wasi", "0.3.0"), wasi030ResolveInputs(corpus)),
  );

  let passed = 0;
  let failed = 0;
  for (const r of results) {
    console.log(`${r.name}: ${r.passed}/${r.total}`);
    for (const f of r.failures) console.log(`    ${f}`);
    passed += r.passed;
    failed += r.total - r.passed;
  }
  console.log(`conformance: ${passed} passed, ${failed} failed`);
}

/**
 * The WASI 0.3.0 packages refer to each other: each is loaded from a
 * temporary directory whose `deps/` links the others.
 */
function wasi030ResolveInputs(corpus: string): string[] {
  const root = path.join(corpus, "wasi", "0.3.0");
  const packages = wasi030Packages(root);
  const tmp = fs.mkdtempSync(path.join(fs.realpathSync(process.env.TMPDIR ?? "/tmp"), "witx-wasi030-"));
  process.on("exit", () => fs.rmSync(tmp, { recursive: true, force: true }));
  return packages.map((pkg) => {
    const name = path.basename(path.dirname(pkg));
    const dir = path.join(tmp, name);
    fs.mkdirSync(path.join(dir, "deps"), { recursive: true });
    for (const f of fs.readdirSync(pkg)) fs.symlinkSync(path.resolve(pkg, f), path.join(dir, f));
    for (const other of packages) {
      if (other !== pkg)
        fs.symlinkSync(path.resolve(other), path.join(dir, "deps", path.basename(path.dirname(other))));
    }
    return dir;
  });
}

main();
