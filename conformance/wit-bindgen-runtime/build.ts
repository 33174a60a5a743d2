/**
 * One component of a runtime case, built: our bindings generated for its
 * world (with `generateRust`/`generateC` and the options of its `//@ args`),
 * the source compiled to a core module, and our TypeScript host of the same
 * world written beside it as JavaScript.
 *
 * - Rust: Debian's rustc 1.63 (`WITX_BINDGEN_WASM_RUSTC`, default
 *   `/usr/bin/rustc`) builds the wasm32-unknown-unknown cdylib that runs; the
 *   current rustc (`WITX_BINDGEN_HOST_RUSTC`, default `rustc`) type-checks the
 *   same crate for the host (`--emit=metadata`), so that what the bindings
 *   lack is told apart from what the old compiler lacks. The sources do
 *   `include!(env!("BINDINGS"))`.
 * - C: clang 19 (`WITX_BINDGEN_CLANG`, default `clang-19`) for wasm32-wasi
 *   against wasi-libc, a reactor, with wit-bindgen's warning flags. Our `.c`
 *   embeds the component type: there is no `_component_type.o`.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import {
  generateC,
  generateRust,
  generateTypeScript,
  loadWitPath,
  renderDiagnostics,
  UnsupportedCWorldError,
  UnsupportedRustWorldError,
  UnsupportedWorldError,
} from "../../index.js";
import type { Case, Component } from "./cases.js";
import { generatorOptions, hostStringEncoding, UnsupportedArgument, type GeneratorOptions } from "./options.js";

export const tools = {
  wasmRustc: process.env.WITX_BINDGEN_WASM_RUSTC ?? "/usr/bin/rustc",
  hostRustc: process.env.WITX_BINDGEN_HOST_RUSTC ?? "rustc",
  clang: process.env.WITX_BINDGEN_CLANG ?? "clang-19",
};

/** A step's outcome: `undefined` when not attempted. */
export interface Step {
  ok: boolean;
  /** For failures: a short category (see `categorize` in the driver) and the first error. */
  category?: string;
  error?: string;
  /**
   * Rust, when the source needs a crate we do not provide: the first of the
   * other errors, which may come from our bindings.
   */
  also?: string;
  /** The whole output, for `--verbose`. */
  output?: string;
}

export interface Built {
  component: Component;
  dir: string;
  generated: Step;
  /** Rust: rustc 1.63 to wasm32-unknown-unknown. C: clang. */
  compiled?: Step;
  /** Rust only: the current rustc's type-check for the host. */
  checked?: Step;
  /** The core module. */
  wasm?: string;
  /** Our TypeScript host of the component's world, as an ES module. */
  host?: string;
  hostError?: string;
}

function run(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", (e) => resolve({ status: -1, output: String(e) }));
    child.on("close", (status) => resolve({ status, output }));
  });
}

/** rustc's first error (the first matching `prefer`, when one does), with its location (file name only). */
export function firstRustError(output: string, prefer?: RegExp): string {
  const lines = output.split("\n");
  const errors = lines.map((l, i) => (/^error/.test(l) ? i : -1)).filter((i) => i >= 0);
  if (errors.length === 0) return lines.find((l) => l.trim() !== "")?.trim() ?? "failed";
  const i = (prefer && errors.find((j) => prefer.test(lines[j]))) ?? errors[0];
  const at = lines.slice(i + 1, i + 4).find((l) => /-->/.test(l));
  return `${lines[i].trim()}${at ? ` (${path.basename(at.replace(/.*-->\s*/, ""))})` : ""}`;
}

/** clang's (or wasm-ld's) first error line, without directories. */
export function firstCError(output: string): string {
  const lines = output.split("\n");
  const line = lines.find((l) => /error:/.test(l)) ?? lines.find((l) => l.trim() !== "") ?? "failed";
  return line.replace(/\S*\/([^/\s]+:\d+:\d+:)/, "$1").trim();
}

/** The first error that is not about an unresolved crate (nor the crate's items or macros, nor a cascade of `aborting`). */
function otherRustError(output: string): string | undefined {
  const blocks = output.split(/\n(?=error)/).filter((b) => /^error/.test(b));
  const other = blocks.find(
    (b) => !CRATE_ERROR.test(b) && !/wit_bindgen|futures|aborting due to|could not compile/.test(b.split("\n")[0]),
  );
  return other ? firstRustError(other) : undefined;
}

/** An unresolved crate in rustc's messages (the wording differs between 1.63 and current rustc). */
const CRATE_ERROR =
  /(?:undeclared crate or module|unresolved import|cannot find module or crate|unlinked crate|could not find `\w+` in) `(wit_bindgen|futures)`|cannot find macro `\w+` in (?:crate|module) `(?:wit_bindgen|futures)`/;

/**
 * Failures that come from the source's use of crates we do not provide
 * (wit-bindgen's runtime crate, whose `generate!` macro some sources call,
 * and `futures`), rather than from our bindings.
 */
function crateCategory(output: string, source: string): string | undefined {
  const crates = new Set<string>();
  for (const line of output.split("\n")) {
    const m = new RegExp(CRATE_ERROR.source).exec(line);
    if (m) crates.add(m[1] ?? (/futures/.test(line) ? "futures" : "wit_bindgen"));
  }
  if (crates.size === 0) return undefined;
  if (/wit_bindgen::generate!/.test(source)) return "source calls wit_bindgen::generate!";
  return `source needs crate ${[...crates].sort().join(" + ")}`;
}

const crateName = (file: string) => path.basename(file, path.extname(file)).replace(/[^A-Za-z0-9_]/g, "_");

function generate(
  c: Case,
  comp: Component,
  dir: string,
): { step: Step; options?: GeneratorOptions; files?: { path: string; contents: string }[] } {
  let options: GeneratorOptions;
  try {
    options = generatorOptions(comp.language, comp.args);
  } catch (e) {
    if (e instanceof UnsupportedArgument) return { step: { ok: false, category: "missing option", error: e.message } };
    throw e;
  }
  const loaded = loadWitPath(c.witPath, { ...options.load, world: comp.world });
  if (!loaded.ok)
    return { step: { ok: false, category: "WIT load", error: renderDiagnostics(loaded.diagnostics).split("\n")[0] } };
  try {
    const files =
      comp.language === "rust"
        ? generateRust(loaded.resolve, loaded.world!, options.rust)
        : generateC(loaded.resolve, loaded.world!, options.c);
    // The Rust file is written as `bindings.rs`, so that rustc's locations tell it from the source (`runner.rs`).
    for (const f of files)
      fs.writeFileSync(path.join(dir, comp.language === "rust" ? "bindings.rs" : f.path), f.contents);
    return { step: { ok: true }, options, files: files as { path: string; contents: string }[] };
  } catch (e) {
    if (e instanceof UnsupportedRustWorldError || e instanceof UnsupportedCWorldError)
      return { step: { ok: false, category: "generator refuses world", error: e.message.split("\n")[0] } };
    const message = e instanceof Error ? e.message.split("\n")[0] : String(e);
    return { step: { ok: false, category: "generator error", error: message } };
  }
}

async function compileRust(comp: Component, dir: string, bindings: string, built: Built): Promise<void> {
  const env = { BINDINGS: path.join(dir, bindings), CARGO_MANIFEST_DIR: path.dirname(comp.path) };
  const name = crateName(comp.file);
  const wasm = path.join(dir, `${name}.wasm`);
  const [old, current] = await Promise.all([
    run(
      tools.wasmRustc,
      [
        "--edition",
        "2021",
        "--target",
        "wasm32-unknown-unknown",
        "--crate-type",
        "cdylib",
        "--crate-name",
        name,
      ].concat(comp.flags, ["-o", wasm, comp.path]),
      dir,
      env,
    ),
    run(
      tools.hostRustc,
      ["--edition", "2021", "--crate-type", "rlib", "--emit=metadata", "--crate-name", name].concat(comp.flags, [
        "-o",
        path.join(dir, `lib${name}.rmeta`),
        comp.path,
      ]),
      dir,
      env,
    ),
  ]);
  const source = fs.readFileSync(comp.path, "utf8");
  const currentCategory = current.status === 0 ? undefined : (crateCategory(current.output, source) ?? "bindings");
  built.checked =
    current.status === 0
      ? { ok: true }
      : {
          ok: false,
          category: currentCategory,
          error: firstRustError(current.output, currentCategory === "bindings" ? undefined : CRATE_ERROR),
          also: currentCategory === "bindings" ? undefined : otherRustError(current.output),
          output: current.output,
        };
  if (old.status === 0) {
    built.compiled = { ok: true };
    built.wasm = wasm;
  } else {
    // What only the old compiler refuses is its limit; what the current one refuses too is told by the current one.
    built.compiled = {
      ok: false,
      category: current.status === 0 ? "old compiler only" : `current rustc too: ${currentCategory}`,
      error: firstRustError(old.output),
      output: old.output,
    };
  }
}

async function compileC(comp: Component, dir: string, source: string, built: Built): Promise<void> {
  const warn = ["-Wall", "-Wextra", "-Werror", "-Wno-unused-parameter"];
  const bindings = await run(
    tools.clang,
    ["--target=wasm32-wasi", source, "-I", dir, ...warn, "-c", "-o", "bindings.o", ...comp.flags],
    dir,
  );
  if (bindings.status !== 0) {
    built.compiled = {
      ok: false,
      category: "bindings (C)",
      error: firstCError(bindings.output),
      output: bindings.output,
    };
    return;
  }
  const wasm = path.join(dir, `${crateName(comp.file)}.wasm`);
  const link = await run(
    tools.clang,
    ["--target=wasm32-wasi", comp.path, "bindings.o", "-I", dir, ...warn, "-Wc++-compat", "-g", "-o", wasm].concat(
      comp.flags,
      comp.ldflags,
      ["-mexec-model=reactor"],
    ),
    dir,
  );
  if (link.status === 0) {
    built.compiled = { ok: true };
    built.wasm = wasm;
    return;
  }
  const linking = /wasm-ld|undefined symbol/.test(link.output) && !/error: .*\.c:\d+/.test(link.output);
  built.compiled = {
    ok: false,
    category: linking ? "link (C)" : "source vs bindings (C)",
    error: firstCError(link.output),
    output: link.output,
  };
}

const hostCache = new Map<string, string>();

/** Our TypeScript host of the component's world, transpiled to JavaScript, written to `dir/host.mjs`. */
async function writeHost(
  c: Case,
  comp: Component,
  options: GeneratorOptions,
  dir: string,
  built: Built,
): Promise<void> {
  const stringEncoding = hostStringEncoding(comp.language, options);
  const key = JSON.stringify([c.witPath, comp.world, stringEncoding, options.load]);
  let js = hostCache.get(key);
  if (js === undefined) {
    const loaded = loadWitPath(c.witPath, { ...options.load, world: comp.world });
    if (!loaded.ok) {
      built.hostError = renderDiagnostics(loaded.diagnostics).split("\n")[0];
      return;
    }
    try {
      const [file] = await generateTypeScript(loaded.resolve, loaded.world!, { stringEncoding });
      js = ts.transpileModule(file.contents as string, {
        compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
      }).outputText;
    } catch (e) {
      const kind =
        e instanceof UnsupportedWorldError ? "the TypeScript host refuses the world" : "host generation failed";
      built.hostError = `${kind}: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`;
      return;
    }
    hostCache.set(key, js);
  }
  built.host = path.join(dir, "host.mjs");
  fs.writeFileSync(built.host, js);
}

/** Generates, compiles and prepares the host of one component, in `dir` (created). */
export async function buildComponent(c: Case, comp: Component, dir: string): Promise<Built> {
  fs.mkdirSync(dir, { recursive: true });
  const gen = generate(c, comp, dir);
  const built: Built = { component: comp, dir, generated: gen.step };
  if (!gen.step.ok) return built;
  const main = gen.files!.find((f) => f.path.endsWith(comp.language === "rust" ? ".rs" : ".c"))!;
  if (comp.language === "rust") await compileRust(comp, dir, "bindings.rs", built);
  else await compileC(comp, dir, main.path, built);
  if (built.compiled?.ok) await writeHost(c, comp, gen.options!, dir, built);
  return built;
}
