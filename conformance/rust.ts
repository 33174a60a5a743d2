/**
 * The Rust guest suites: every world of the corpus' guest sets is generated
 * and type-checked (`--emit=metadata`, all lints, `-D warnings`) by Debian's
 * rustc 1.63 for wasm32-unknown-unknown and wasm32-wasi, by the current
 * rustc for the host in editions 2021 and 2024, and checked unchanged by
 * rustfmt. rustc 1.63 checks the `--boxed-async-exports` form (it has no
 * `async fn` in traits; worlds without async exports are the same either
 * way). Worlds the generator refuses are listed apart.
 *
 * A further suite generates every world with wit-bindgen's options that change
 * the bindings' shape (`OPTION_PASSES`) and type-checks each with the current
 * rustc (edition 2021); a pass whose output is the default one's counts as
 * the default's check.
 *
 * Compilers: `WITX_BINDGEN_WASM_RUSTC` (default `/usr/bin/rustc`) and
 * `WITX_BINDGEN_HOST_RUSTC` (default `rustc`); `rustfmt` from PATH.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { generateRust, type RustOptions, UnsupportedRustWorldError } from "../generators/rust/index.js";
import type { GuestWorld, SuiteResult } from "./worlds.js";

interface Check {
  suite: number;
  label: string;
  command: string;
  args: string[];
}

/** Option sets each world is also generated and type-checked with. */
const OPTION_PASSES: { label: string; options: RustOptions; noStd?: boolean }[] = [
  { label: "--ownership borrowing", options: { ownership: "borrowing" } },
  { label: "--ownership borrowing-duplicate-if-necessary", options: { ownership: "borrowing-duplicate-if-necessary" } },
  { label: "--generate-all", options: { generateAll: true } },
  { label: "--merge-structurally-equal-types", options: { mergeStructurallyEqualTypes: true } },
  { label: "--std-feature in a #![no_std] crate", options: { stdFeature: true }, noStd: true },
];

function run(command: string, args: string[]): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", (e) => resolve({ status: -1, output: String(e) }));
    child.on("close", (status) => resolve({ status, output }));
  });
}

/** The first error of a compiler's output, with its location. */
function firstError(output: string): string {
  const lines = output.split("\n");
  const diff = lines.findIndex((l) => /^Diff in/.test(l));
  if (diff >= 0) {
    const line = (lines[diff].match(/:(\d+):?$/) ?? [])[1];
    const changed = lines.slice(diff + 1).find((l) => /^[-+]/.test(l.replace(/\x1b\[[0-9;]*m|\x1b\(B/g, "")));
    const text = changed?.replace(/\x1b\[[0-9;]*m|\x1b\(B/g, "").trim() ?? "";
    return `rustfmt would change line ${line}: ${text.slice(0, 100)}`;
  }
  const i = lines.findIndex((l) => /^error/.test(l));
  if (i < 0) return lines.find((l) => l.trim() !== "")?.trim() ?? "failed";
  const at = lines.slice(i + 1, i + 4).find((l) => /-->/.test(l));
  const where = at ? ` (${path.basename(at.replace(/.*-->\s*/, ""))})` : "";
  return `${lines[i].trim()}${where}`;
}

function available(command: string, args: string[]): boolean {
  const r = spawnSync(command, args, { encoding: "utf8" });
  return !r.error && r.status === 0;
}

export async function rustGuestSuites(worlds: GuestWorld[], verbose: boolean): Promise<SuiteResult[]> {
  const wasmRustc = process.env.WITX_BINDGEN_WASM_RUSTC ?? "/usr/bin/rustc";
  const hostRustc = process.env.WITX_BINDGEN_HOST_RUSTC ?? "rustc";
  const suites: SuiteResult[] = [
    { name: "Rust guest: generated", passed: 0, total: 0, failures: [] },
    {
      name: "Rust guest: compiles with rustc 1.63 (wasm32-unknown-unknown, wasm32-wasi; -D warnings)",
      passed: 0,
      total: 0,
      failures: [],
    },
    {
      name: "Rust guest: compiles with the current rustc (editions 2021 and 2024; -D warnings)",
      passed: 0,
      total: 0,
      failures: [],
    },
    { name: "Rust guest: rustfmt --check leaves it unchanged", passed: 0, total: 0, failures: [] },
    { name: "Rust guest: unsupported", passed: 0, total: 0, failures: [], uncounted: true },
    {
      name: `Rust guest: with ${OPTION_PASSES.map((p) => p.label).join(", ")}, compiles with the current rustc (-D warnings)`,
      passed: 0,
      total: 0,
      failures: [],
    },
  ];
  const tools = [
    available(wasmRustc, ["--print", "target-libdir", "--target", "wasm32-wasi"])
      ? undefined
      : `${wasmRustc} with wasm32 targets`,
    available(hostRustc, ["--version"]) ? undefined : hostRustc,
    available("rustfmt", ["--version"]) ? undefined : "rustfmt",
  ];
  const tmp = fs.mkdtempSync(path.join(fs.realpathSync(process.env.TMPDIR ?? os.tmpdir()), "witx-rust-guest-"));
  process.on("exit", () => fs.rmSync(tmp, { recursive: true, force: true }));
  const checks: Check[] = [];
  const sameAsDefault: string[] = [];
  const failed = new Map<number, Set<string>>([
    [1, new Set()],
    [2, new Set()],
    [3, new Set()],
    [5, new Set()],
  ]);
  let n = 0;
  for (const w of worlds) {
    let files2021, files2024, filesBoxed;
    try {
      files2021 = generateRust(w.resolve, w.world);
      files2024 = generateRust(w.resolve, w.world, { edition: 2024 });
      // rustc 1.63 has no `async fn` in traits: async exports are checked in their boxed form.
      filesBoxed = generateRust(w.resolve, w.world, { boxedAsyncExports: true });
    } catch (e) {
      if (e instanceof UnsupportedRustWorldError) {
        suites[4].total++;
        suites[4].failures.push(`${w.label}: ${e.message.replace(/^.*not support this world: /, "")}`);
        continue;
      }
      suites[0].total++;
      suites[0].failures.push(`${w.label}: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`);
      continue;
    }
    suites[0].total++;
    suites[0].passed++;
    const dir = path.join(tmp, String(n++));
    fs.mkdirSync(dir);
    const f2021 = path.join(dir, "bindings.rs");
    const f2024 = path.join(dir, "bindings2024.rs");
    fs.writeFileSync(f2021, files2021[0].contents);
    fs.writeFileSync(f2024, files2024[0].contents);
    const fBoxed = path.join(dir, "bindings_boxed.rs");
    fs.writeFileSync(fBoxed, filesBoxed[0].contents);
    for (const s of [1, 2, 3]) suites[s].total++;
    const common = ["--crate-type", "rlib", "--emit=metadata", "-D", "warnings", "--out-dir", dir];
    for (const target of ["wasm32-unknown-unknown", "wasm32-wasi"])
      checks.push({
        suite: 1,
        label: `${w.label} [${target}]`,
        command: wasmRustc,
        args: [
          "--edition",
          "2021",
          "--target",
          target,
          ...common,
          "--crate-name",
          `w_${target.replace(/-/g, "_")}`,
          fBoxed,
        ],
      });
    checks.push({
      suite: 2,
      label: `${w.label} [2021]`,
      command: hostRustc,
      args: ["--edition", "2021", ...common, "--crate-name", "host2021", f2021],
    });
    checks.push({
      suite: 2,
      label: `${w.label} [2024]`,
      command: hostRustc,
      args: ["--edition", "2024", ...common, "--crate-name", "host2024", f2024],
    });
    suites[5].total++;
    OPTION_PASSES.forEach((pass, i) => {
      let contents: string;
      try {
        contents = generateRust(w.resolve, w.world, pass.options)[0].contents;
      } catch (e) {
        if (!failed.get(5)!.has(w.label))
          suites[5].failures.push(`${w.label} [${pass.label}]: ${e instanceof Error ? e.message.split("\n")[0] : e}`);
        failed.get(5)!.add(w.label);
        return;
      }
      if (contents === files2021[0].contents) {
        // The same bindings as the default: its check (edition 2021, current rustc) stands for this one.
        sameAsDefault.push(`${w.label} [${pass.label}]`);
        return;
      }
      let file = path.join(dir, `bindings_pass${i}.rs`);
      fs.writeFileSync(file, contents);
      if (pass.noStd) {
        const bindings = file;
        file = path.join(dir, `nostd_pass${i}.rs`);
        fs.writeFileSync(file, `#![no_std]\nextern crate alloc;\ninclude!(${JSON.stringify(bindings)});\n`);
      }
      checks.push({
        suite: 5,
        label: `${w.label} [${pass.label}]`,
        command: hostRustc,
        args: ["--edition", "2021", ...common, "--crate-name", `pass${i}`, file],
      });
    });
    checks.push({
      suite: 3,
      label: `${w.label} [2021]`,
      command: "rustfmt",
      args: ["--edition", "2021", "--check", f2021],
    });
    checks.push({
      suite: 3,
      label: `${w.label} [2024]`,
      command: "rustfmt",
      args: ["--edition", "2024", "--check", f2024],
    });
  }
  const world = (label: string) => label.replace(/ \[[^\]]*\]$/, "");
  const missing = (suite: number) => tools[suite === 5 ? 1 : suite - 1];
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(4, os.cpus().length)) }, async () => {
    while (next < checks.length) {
      const check = checks[next++];
      const tool = missing(check.suite);
      if (tool) {
        if (!failed.get(check.suite)!.has(world(check.label)))
          suites[check.suite].failures.push(`${world(check.label)}: not checked: ${tool} is not available`);
        failed.get(check.suite)!.add(world(check.label));
        continue;
      }
      const { status, output } = await run(check.command, check.args);
      if (status === 0) continue;
      if (!failed.get(check.suite)!.has(world(check.label)) || verbose)
        suites[check.suite].failures.push(`${check.label}: ${verbose ? output : firstError(output)}`);
      failed.get(check.suite)!.add(world(check.label));
    }
  });
  await Promise.all(workers);
  for (const label of sameAsDefault) {
    if (!failed.get(2)!.has(world(label)) || failed.get(5)!.has(world(label))) continue;
    suites[5].failures.push(`${label}: the default bindings, which fail to compile`);
    failed.get(5)!.add(world(label));
  }
  for (const s of [1, 2, 3, 5]) {
    suites[s].passed = suites[s].total - failed.get(s)!.size;
    suites[s].failures.sort();
  }
  return suites;
}
