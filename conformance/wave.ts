/**
 * wasm-wave's UI tests (`wasm-wave/ui/` in the corpus) run against our WAVE
 * library, as wasm-wave's `tests/ui.rs` runs them: `ui.wit` declares the
 * functions; each `X.waves` holds calls separated by `;\n`, whose leading
 * `//` comment lines are copied to the output; each call is parsed, its
 * function found by name (`f`, `iface.f`, `ns:pkg/iface.f`, and that with
 * `@version`), its arguments typed by the parameters, and the output line
 * is `f(name: value, ...)` with the values printed back, or the error as
 * wasm-wave prints it. `accept-*` files must accept every call, `reject-*`
 * files refuse every one.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { loadWitPath, renderDiagnostics, type Function, type Resolve } from "../index.js";
import { rustDebugString, WaveError } from "../ir/wave/error.js";
import { printWaveCall, UntypedWaveCall } from "../ir/wave/index.js";
import type { SuiteResult } from "./worlds.js";

export interface WaveUiCall {
  file: string;
  input: string;
  /** Our output for the call (its copied comment lines included). */
  actual: string;
  /** The `.out` file's lines for the call. */
  expected: string;
  accepted: boolean;
  mustAccept: boolean;
}

/** The functions of every interface of `resolve`, under each name the UI tests may call them by. */
export function waveFunctionNames(resolve: Resolve): Map<string, Function> {
  const byName = new Map<string, Function>();
  for (const iface of resolve.interfaces) {
    for (const [name, func] of iface.functions) {
      byName.set(name, func);
      if (iface.name === undefined) continue;
      byName.set(`${iface.name}.${name}`, func);
      if (iface.package === undefined) continue;
      const pkg = resolve.packages[iface.package].name;
      const qualified = `${pkg.namespace}:${pkg.name}/${iface.name}.${name}`;
      byName.set(qualified, func);
      if (pkg.version) {
        const v = pkg.version;
        let version = `${v.major}.${v.minor}.${v.patch}`;
        if (v.pre.length) version += `-${v.pre.join(".")}`;
        if (v.build.length) version += `+${v.build.join(".")}`;
        byName.set(`${qualified}@${version}`, func);
      }
    }
  }
  return byName;
}

/** Splits a `.waves` file into calls, as wasm-wave's harness does. */
export function splitWaves(text: string): string[] {
  return text.trimEnd().replace(/;+$/, "").split(";\n");
}

/** Runs one call: the output line (or error) wasm-wave's harness prints for it. */
export function runWaveCall(
  input: string,
  functions: Map<string, Function>,
  resolve: Resolve,
): { line: string; accepted: boolean } {
  try {
    const call = UntypedWaveCall.parse(input);
    const func = functions.get(call.name);
    if (!func) return { line: `unknown test func ${rustDebugString(call.name)}`, accepted: false };
    const args = call.args(func, resolve);
    return { line: printWaveCall(call.name, args, func, resolve, { names: true }), accepted: true };
  } catch (e) {
    if (e instanceof WaveError) return { line: e.waveText, accepted: false };
    throw e;
  }
}

/** Every call of every `.waves` file in `dir` (a copy of wasm-wave's `tests/ui`). */
export function runWaveUi(dir: string): WaveUiCall[] {
  const loaded = loadWitPath(path.join(dir, "ui.wit"));
  if (!loaded.ok) throw new Error(`ui.wit: ${renderDiagnostics(loaded.diagnostics)}`);
  const functions = waveFunctionNames(loaded.resolve);
  const calls: WaveUiCall[] = [];
  for (const file of fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".waves"))
    .sort()) {
    const waves = fs.readFileSync(path.join(dir, file), "utf8");
    const outFile = path.join(dir, file.replace(/\.waves$/, ".out"));
    const expectedLines = fs.existsSync(outFile) ? fs.readFileSync(outFile, "utf8").split("\n") : [];
    let line = 0;
    for (let input of splitWaves(waves)) {
      const out: string[] = [];
      while (input.startsWith("//")) {
        const nl = input.indexOf("\n");
        if (nl < 0) break;
        out.push(input.slice(0, nl));
        input = input.slice(nl + 1);
      }
      const result = runWaveCall(input, functions, loaded.resolve);
      out.push(result.line);
      calls.push({
        file,
        input,
        actual: out.join("\n"),
        expected: expectedLines.slice(line, line + out.length).join("\n"),
        accepted: result.accepted,
        mustAccept: file.startsWith("accept-"),
      });
      line += out.length;
    }
  }
  return calls;
}

/** The conformance suites: outcome (accepted or refused) and output (printed values and errors) per call. */
export function waveSuites(corpus: string, verbose: boolean): SuiteResult[] {
  const dir = path.join(corpus, "wasm-wave", "ui");
  if (!fs.existsSync(dir)) return [];
  const calls = runWaveUi(dir);
  const outcome: SuiteResult = {
    name: "wasm-wave ui: accepted or refused as expected",
    passed: 0,
    total: 0,
    failures: [],
  };
  const output: SuiteResult = { name: "wasm-wave ui", passed: 0, total: 0, failures: [] };
  for (const c of calls) {
    const label = `${c.file}: ${c.input.replace(/\n/g, "\\n").slice(0, 60)}`;
    outcome.total++;
    if (c.accepted === c.mustAccept) outcome.passed++;
    else outcome.failures.push(`${label}: ${c.accepted ? "accepted" : `refused (${c.actual})`}`);
    output.total++;
    if (c.actual === c.expected) output.passed++;
    else {
      const detail = verbose ? `\n      ours:     ${c.actual}\n      expected: ${c.expected}` : ` (ours: ${c.actual})`;
      output.failures.push(`${label}${detail}`);
    }
  }
  return [output, outcome];
}
