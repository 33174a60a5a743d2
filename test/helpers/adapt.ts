/**
 * Guests that link a libc (wasi-libc for C, wasm32-wasi's standard library
 * for Rust) and so import `wasi_snapshot_preview1`: their core modules
 * become components only with a preview1 adapter, which turns those imports
 * into WASI 0.2 ones (`wasi:cli/*`, `wasi:io/*`, `wasi:filesystem/*`, ...).
 *
 * Three steps, each replaceable:
 *  - build: the guests of test/guests/adapt/ (`buildCReactor`,
 *    `buildCCommand`, `buildRustCommand`, `buildRustReactor`);
 *  - wrap: a core module and its adapters into a component, by the
 *    reference toolchain (`wrapWithJco`) or by our `componentNew`
 *    (`wrapWithOurs`);
 *  - run: the component transpiled by the reference toolchain or by
 *    `generateComponentHost` (`RUNNERS`), given the preview2 shim's WASI
 *    (`preview2Imports`: preopens, environment, arguments) with stdout and
 *    stderr captured (`observe`) and `wasi:cli/exit` turned into an exception
 *    (`GuestExit`), so that a command's exit code is seen in-process.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { componentNew } from "../../encoding/index.js";
import { clang, compileGuest, guestsDir as cGuestsDir, STRICT_FLAGS } from "../guests/c/harness.js";
import { packageRoot } from "./c-libc.js";
import { loadComponentHost } from "./component-host.js";
import { tempDir } from "./host.js";
import { transpileComponent } from "./jco.js";
import { plain, rustBindings, type RustScenario } from "./rust.js";
import { wasmRustc, type Toolchain } from "./toolchains.js";

const require = createRequire(import.meta.url);

export const adaptGuestsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "guests", "adapt");

// ---------------------------------------------------------------------------------------------
// Adapters and wrapping

/** The name of the core module a preview1 guest imports, which its adapter implements. */
export const PREVIEW1 = "wasi_snapshot_preview1";

/** An adapter as `componentNew` takes it: the core module implementing the imports of module `name`. */
export interface Adapter {
  name: string;
  wasm: Uint8Array;
}

/**
 * The preview1 adapter shipped with jco: `reactor` (for a module with
 * exports, and `_initialize` if it has one) or `command` (for a module
 * exporting `_start`; the component exports `wasi:cli/run`).
 */
export function preview1Adapter(kind: "reactor" | "command"): Adapter {
  const file = path.join(packageRoot("@bytecodealliance/jco"), "lib", `wasi_snapshot_preview1.${kind}.wasm`);
  return { name: PREVIEW1, wasm: new Uint8Array(fs.readFileSync(file)) };
}

/** Makes a component of a core module and its adapters. */
export type Wrap = (core: Uint8Array, adapters: Adapter[]) => Promise<Uint8Array>;

/** The reference toolchain's `component new` with `--adapt <name>=<adapter>` for each adapter. */
export const wrapWithJco: Wrap = async (core, adapters) => {
  const { componentNew: jcoComponentNew } = await import("@bytecodealliance/jco-transpile/wasm-tools");
  return jcoComponentNew(
    core,
    adapters.map((a): [string, Uint8Array] => [a.name, a.wasm]),
  );
};

/**
 * Our `componentNew(core, undefined, { adapters })`: the world comes from
 * the module's `component-type` sections, when it has any (a command built
 * by a plain libc toolchain has none: its world is what the adapter
 * exports).
 */
export const wrapWithOurs: Wrap = async (core, adapters) => componentNew(core, undefined, { adapters });

/** The wrappers under test, by the name the test titles use (`vitest -t jco` runs the reference's alone). */
export const WRAPPERS = { jco: wrapWithJco, ours: wrapWithOurs } satisfies Record<string, Wrap>;
export type WrapperName = keyof typeof WRAPPERS;

/** The names a component imports and exports, as its WIT world lists them (`wasi:cli/stdout@0.2.12`, `greet`). */
export async function worldItems(component: Uint8Array): Promise<{ imports: string[]; exports: string[] }> {
  const { componentWit } = await import("@bytecodealliance/jco-transpile/wasm-tools");
  const wit = await componentWit(component);
  const imports: string[] = [];
  const exports: string[] = [];
  for (const line of wit.split("\n")) {
    const m = /^\s*(import|export) (\S+?)(;|: )/.exec(line);
    if (m) (m[1] === "import" ? imports : exports).push(m[2]);
  }
  return { imports, exports };
}

/** The WASI 0.2 interfaces an adapter imports (`wasi:cli/stdout@0.2.12`, ...). */
export function adapterWasiImports(adapter: Adapter): string[] {
  const module = new WebAssembly.Module(adapter.wasm as BufferSource);
  return [...new Set(WebAssembly.Module.imports(module).map((i) => i.module))].filter((m) => m.startsWith("wasi:"));
}

/** An interface name without its version. */
export const unversioned = (name: string) => name.replace(/@.*$/, "");

// ---------------------------------------------------------------------------------------------
// Running

/** Instantiates a component (its WASI imports keyed by interface, without versions) and returns its exports. */
export type Instantiate = (imports: Record<string, unknown>) => Promise<Record<string, any>>;

export interface Runner {
  /** For test titles (neither says which wrapper made the component). */
  title: string;
  load(component: Uint8Array): Promise<Instantiate>;
}

/**
 * The two transpilers a component runs through, each given the preview2
 * shim's import object as it is.
 */
export const RUNNERS = {
  reference: {
    title: "transpiled by the reference toolchain",
    async load(component) {
      const transpiled = await transpileComponent(component);
      return (imports) => transpiled.instantiate(imports);
    },
  },
  host: {
    title: "transpiled by generateComponentHost",
    async load(component) {
      const host = await loadComponentHost(component);
      return (imports) => host.instantiate(imports);
    },
  },
} satisfies Record<string, Runner>;
export type RunnerName = keyof typeof RUNNERS;

/** What the guest sees of its host. */
export interface WasiConfig {
  /** `argv`, the program name first. */
  args: string[];
  env: Record<string, string>;
  /** Guest path → host directory. */
  preopens: Record<string, string>;
}

/** Thrown by `wasi:cli/exit`: the guest exited with `code` (0 for `exit(ok)`, 1 for `exit(err)`). */
export class GuestExit extends Error {
  constructor(readonly code: number) {
    super(`the guest exited with status ${code}`);
  }
}

/**
 * The preview2 shim's WASI 0.2 (the copy jco-transpile uses) as an import
 * object keyed by interface, sandboxed to `config`: its preopens only, its
 * environment and arguments, no network. `wasi:cli/exit` throws `GuestExit`
 * instead of ending the process, as the shim's does.
 */
export async function preview2Imports(config: WasiConfig): Promise<Record<string, unknown>> {
  const transpileRequire = createRequire(require.resolve("@bytecodealliance/jco-transpile"));
  const shim = transpileRequire.resolve("@bytecodealliance/preview2-shim/instantiation");
  const { WASIShim } = (await import(pathToFileURL(shim).href)) as {
    WASIShim: new (config: unknown) => { getImportObject(): Record<string, unknown> };
  };
  const imports = new WASIShim({
    sandbox: { preopens: config.preopens, env: config.env, args: config.args, enableNetwork: false },
  }).getImportObject();
  imports["wasi:cli/exit"] = {
    exit(status: { tag: "ok" | "err" }): never {
      throw new GuestExit(status.tag === "ok" ? 0 : 1);
    },
    exitWithCode(code: number): never {
      throw new GuestExit(code);
    },
  };
  return imports;
}

/** What one call of a guest did: its outcome and what it wrote to stdout and stderr. */
export interface Observed<O> {
  outcome: O;
  stdout: string;
  stderr: string;
}

/**
 * Calls `fn` with stdout and stderr captured. In Node, the shim's
 * `wasi:cli/stdout` and `wasi:cli/stderr` streams write each chunk with
 * `process.stdout.write` / `process.stderr.write` (synchronously, from the
 * guest's call: `createCli`'s stdio options exist only in the shim's browser
 * build), so those two methods are replaced for the duration of the call.
 * Nothing else runs meanwhile: a component's exports are synchronous.
 */
export function observe<O>(fn: () => O): Observed<O> {
  const chunks = { stdout: [] as Uint8Array[], stderr: [] as Uint8Array[] };
  const streams = { stdout: process.stdout, stderr: process.stderr };
  const originals = { stdout: streams.stdout.write, stderr: streams.stderr.write };
  for (const name of ["stdout", "stderr"] as const) {
    streams[name].write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      chunks[name].push(typeof chunk === "string" ? new TextEncoder().encode(chunk) : new Uint8Array(chunk));
      const done = rest.find((r) => typeof r === "function") as (() => void) | undefined;
      done?.();
      return true;
    }) as typeof process.stdout.write;
  }
  let outcome: O;
  try {
    outcome = fn();
  } finally {
    streams.stdout.write = originals.stdout;
    streams.stderr.write = originals.stderr;
  }
  const text = (parts: Uint8Array[]) => new TextDecoder().decode(Buffer.concat(parts));
  return { outcome, stdout: text(chunks.stdout), stderr: text(chunks.stderr) };
}

/** How an export call ended: a value, a `result`'s error (a `ComponentError` payload), an exit or a trap. */
export type CallOutcome = { value: unknown } | { error: unknown } | { exit: number } | { trap: string };

/** Calls `fn` with stdio captured and classifies how it ended. */
export function callGuest(fn: () => unknown): Observed<CallOutcome> {
  return observe((): CallOutcome => {
    try {
      return { value: plain(fn()) };
    } catch (e) {
      if (e instanceof GuestExit) return { exit: e.code };
      if (e !== null && typeof e === "object" && "payload" in e) return { error: plain(e.payload) };
      return { trap: e instanceof Error ? e.message : String(e) };
    }
  });
}

/** How a command ended: its exit code, or a trap. */
export type CommandOutcome = { code: number } | { trap: string };

/**
 * Runs the `wasi:cli/run` export of a command's instance: returning `ok` is
 * status 0, returning `err` status 1, `wasi:cli/exit` its status.
 */
export function runCommand(exports: Record<string, any>): Observed<CommandOutcome> {
  const key = Object.keys(exports).find((k) => k === "run" || /^wasi:cli\/run(@|$)/.test(k));
  if (key === undefined) throw new Error(`no wasi:cli/run export among ${Object.keys(exports).join(", ")}`);
  const { outcome, stdout, stderr } = callGuest(() => exports[key].run());
  if ("value" in outcome) return { outcome: { code: 0 }, stdout, stderr };
  if ("error" in outcome) return { outcome: { code: 1 }, stdout, stderr };
  if ("exit" in outcome) return { outcome: { code: outcome.exit }, stdout, stderr };
  return { outcome, stdout, stderr };
}

// ---------------------------------------------------------------------------------------------
// Toolchains and builds

let rustProbe: Toolchain | undefined;

/**
 * `wasmRustc()` (Debian's rustc 1.63) able to link a wasm32-wasi command
 * with the standard library (rust-lld and the self-contained wasi-libc).
 */
export function wasiRustc(): Toolchain {
  if (rustProbe) return rustProbe;
  const rustc = wasmRustc();
  if (rustc.missing) return (rustProbe = rustc);
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, "probe.rs"), 'fn main() {\n    println!("{:?}", std::env::args().count());\n}\n');
  const run = spawnSync(rustc.command, ["--target", "wasm32-wasi", "-o", "probe.wasm", "probe.rs"], {
    cwd: dir,
    encoding: "utf8",
  });
  rustProbe = {
    command: rustc.command,
    missing:
      run.status === 0
        ? undefined
        : `rustc cannot link a wasm32-wasi command (${(run.stderr ?? "").trim().split("\n")[0]})`,
  };
  return rustProbe;
}

const read = (file: string) => new Uint8Array(fs.readFileSync(file));

/** A C file of test/guests/adapt/ as `compileGuest` (which takes paths under test/guests/c/) names it. */
const cSource = (name: string) => path.relative(cGuestsDir, path.join(adaptGuestsDir, name));

/**
 * The C reactor: bindings of the `adapt-reactor` world of reactor.wit made by
 * our C generator, reactor.c, linked against wasi-libc (`_initialize`, and
 * the exports of the world with `cabi_realloc`).
 */
export function buildCReactor(): Uint8Array {
  const wit = fs.readFileSync(path.join(adaptGuestsDir, "reactor.wit"), "utf8");
  const { dir, objects } = compileGuest(wit, "adapt-reactor", [cSource("reactor.c")]);
  clang(["--target=wasm32-wasi", "-mexec-model=reactor", "-O1", "-s", "-o", "guest.wasm", ...objects], dir);
  return read(path.join(dir, "guest.wasm"));
}

/** The C command: command.c linked against wasi-libc (`_start` calls `main`; no component-type section). */
export function buildCCommand(): Uint8Array {
  const dir = tempDir();
  clang([...STRICT_FLAGS, "-O1", "-s", "-o", "guest.wasm", path.join(adaptGuestsDir, "command.c")], dir);
  return read(path.join(dir, "guest.wasm"));
}

/** Runs rustc in `dir`; rejects with its diagnostics. */
function rustc(args: string[], dir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(wasiRustc().command, args, { cwd: dir });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("close", (status) =>
      status === 0 ? resolve() : reject(new Error(`rustc ${args.join(" ")} failed:\n${output}`)),
    );
  });
}

const RUSTC_WASI = ["--edition", "2021", "--target", "wasm32-wasi", "-O", "-D", "warnings", "-C", "strip=debuginfo"];

/** The Rust command: command.rs, a binary crate (`_start` calls `main`; no component-type section). */
export async function buildRustCommand(): Promise<Uint8Array> {
  const dir = tempDir();
  await rustc([...RUSTC_WASI, "-o", "guest.wasm", path.join(adaptGuestsDir, "command.rs")], dir);
  return read(path.join(dir, "guest.wasm"));
}

export const rustReactorScenario = (): RustScenario => ({
  name: "rust-reactor",
  wit: fs.readFileSync(path.join(adaptGuestsDir, "rust-reactor.wit"), "utf8"),
  world: "adapt-rust-reactor",
});

/**
 * The Rust reactor: rust_reactor.rs with the bindings of rust-reactor.wit
 * made by our Rust generator, a cdylib (the world's exports and
 * `cabi_realloc`; no `_initialize`).
 */
export async function buildRustReactor(): Promise<Uint8Array> {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, "bindings.rs"), rustBindings(rustReactorScenario()));
  fs.copyFileSync(path.join(adaptGuestsDir, "rust_reactor.rs"), path.join(dir, "guest.rs"));
  await rustc([...RUSTC_WASI, "--crate-type", "cdylib", "-o", "guest.wasm", "guest.rs"], dir);
  return read(path.join(dir, "guest.wasm"));
}
