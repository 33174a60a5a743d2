/**
 * Builds the Rust guests of test/guests/rust/: generates the bindings of a
 * scenario's world with `generateRust`, writes them as `bindings.rs` next to
 * a copy of the guest (`<scenario>.rs`, which declares `mod bindings;`) and
 * the shared counting allocator (`counting.rs`), and compiles the crate with
 * rustc to a wasm32-unknown-unknown core module (no WASI imports: our
 * TypeScript host and jco's `componentNew` need no adapter).
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { generateRust, loadWitText, renderDiagnostics, type RustOptions } from "../../index.js";
import { tempDir } from "./host.js";
import { wasmRustc, type Toolchain } from "./toolchains.js";

/**
 * `wasmRustc()` (Debian's rustc 1.63, or `WITX_BINDGEN_WASM_RUSTC`), with the
 * wasm32-unknown-unknown standard library the guests build against.
 */
export function wasmUnknownRustc(): Toolchain {
  const rustc = wasmRustc();
  if (rustc.missing) return rustc;
  const run = spawnSync(rustc.command, ["--print", "target-libdir", "--target", "wasm32-unknown-unknown"], {
    encoding: "utf8",
  });
  const dir = run.status === 0 ? run.stdout.trim() : "";
  const found = dir !== "" && fs.existsSync(dir) && fs.readdirSync(dir).some((f) => f.startsWith("libstd"));
  return {
    command: rustc.command,
    missing: found
      ? undefined
      : "the wasm32-unknown-unknown standard library is missing (Debian package libstd-rust-dev-wasm32)",
  };
}

export const rustGuestsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "guests", "rust");

export interface RustScenario {
  name: string;
  /** The text of `<name>.wit`. */
  wit: string;
  /** The world the guest implements: `<name>-guest`. */
  world: string;
}

export function rustScenario(name: string): RustScenario {
  return { name, wit: fs.readFileSync(path.join(rustGuestsDir, `${name}.wit`), "utf8"), world: `${name}-guest` };
}

/** The generated bindings of a scenario's world. */
export function rustBindings(scenario: RustScenario, options: RustOptions = {}): string {
  const loaded = loadWitText(scenario.wit, { world: scenario.world, fileName: `${scenario.name}.wit` });
  if (!loaded.ok) throw new Error(renderDiagnostics(loaded.diagnostics));
  const [file] = generateRust(loaded.resolve, loaded.world!, options);
  return file.contents;
}

/** The rustc command line of a guest crate rooted at `guest.rs`. */
export const RUSTC_FLAGS = [
  "--edition",
  "2021",
  "--target",
  "wasm32-unknown-unknown",
  "--crate-type",
  "cdylib",
  "-O",
  "-D",
  "warnings",
  "-C",
  "strip=debuginfo",
  "-o",
  "guest.wasm",
  "guest.rs",
];

/** Generates the bindings of `scenario` and compiles its guest; rejects with rustc's diagnostics. */
export async function buildRustGuest(scenario: RustScenario, options: RustOptions = {}): Promise<Uint8Array> {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, "bindings.rs"), rustBindings(scenario, options));
  fs.copyFileSync(path.join(rustGuestsDir, `${scenario.name}.rs`), path.join(dir, "guest.rs"));
  fs.copyFileSync(path.join(rustGuestsDir, "counting.rs"), path.join(dir, "counting.rs"));
  const { status, output } = await new Promise<{ status: number | null; output: string }>((resolve, reject) => {
    const child = spawn(wasmUnknownRustc().command, RUSTC_FLAGS, { cwd: dir });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, output }));
  });
  if (status !== 0) {
    throw new Error(`rustc failed on the ${scenario.name} guest (${dir}):\n${output}`);
  }
  return new Uint8Array(fs.readFileSync(path.join(dir, "guest.wasm")));
}

export { transpileComponent, type TranspiledComponent } from "./jco.js";

/** Typed arrays as plain arrays, so that results compare across hosts. */
export function plain(v: unknown): unknown {
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<unknown>);
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === "object" && !(v instanceof Error)) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  }
  return v;
}

/** The names of the custom sections of a core module. */
export function customSectionNames(module: Uint8Array): string[] {
  const names: string[] = [];
  let at = 8;
  const leb = () => {
    let value = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = module[at++];
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return value;
  };
  while (at < module.length) {
    const id = module[at++];
    const size = leb();
    const end = at + size;
    if (id === 0) {
      const length = leb();
      names.push(new TextDecoder().decode(module.subarray(at, at + length)));
    }
    at = end;
  }
  return names;
}
