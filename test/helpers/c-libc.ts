/**
 * C guests built against wasi-libc itself (no `-nostdlib`): their core
 * modules import `wasi_snapshot_preview1`, so jco's `componentNew` wraps them
 * with the preview1 reactor adapter shipped with jco, and the transpiled
 * component runs on jco's preview2 shim.
 *
 * The link wraps the allocator (`-Wl,--wrap=malloc,...`, see `WRAPPED_LIBC`):
 * the guest defines `__wrap_malloc` and friends to count live blocks, whoever
 * allocates them.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type { COptions } from "../../generators/c/index.js";
import { clang, compileGuest } from "../guests/c/harness.js";
import { tempDir } from "./host.js";
import { transpileComponent } from "./jco.js";
import { wasmClang, type Toolchain } from "./toolchains.js";

const require = createRequire(import.meta.url);

/**
 * The libc functions a libc guest's link wraps (the guest defines
 * `__wrap_<name>` and calls `__real_<name>`): the allocator, and getenv, which
 * allocates its copy of the environment on first use.
 */
export const WRAPPED_LIBC = ["malloc", "calloc", "realloc", "free", "getenv"];

let libcProbe: Toolchain | undefined;

/** clang 19 able to link a reactor against wasi-libc (Debian packages wasi-libc and libclang-rt-19-dev-wasm32). */
export function wasiLibc(): Toolchain {
  if (libcProbe) return libcProbe;
  const clangTool = wasmClang();
  if (clangTool.missing) return (libcProbe = clangTool);
  const dir = tempDir();
  fs.writeFileSync(
    path.join(dir, "probe.c"),
    '#include <stdio.h>\n#include <stdlib.h>\n__attribute__((export_name("f"))) int f(int x) {\n' +
      '  char buf[16]; char *p = malloc(4); free(p); return snprintf(buf, sizeof buf, "%d", x);\n}\n',
  );
  const run = spawnSync(
    clangTool.command,
    ["--target=wasm32-wasi", "-mexec-model=reactor", "-o", "probe.wasm", "probe.c"],
    { cwd: dir, encoding: "utf8" },
  );
  libcProbe = {
    command: clangTool.command,
    missing:
      run.status === 0 ? undefined : `clang-19 cannot link against wasi-libc (${(run.stderr ?? "").split("\n")[0]})`,
  };
  return libcProbe;
}

/**
 * Generates the bindings of `world` in `wit`, compiles them and `sources` (in
 * test/guests/c/) with the strict warning set, and links a reactor against
 * wasi-libc with the allocator wrapped.
 */
export function buildLibcGuest(wit: string, world: string, sources: string[], options: COptions = {}): Uint8Array {
  const { dir, objects } = compileGuest(wit, world, sources, options);
  clang(
    [
      "--target=wasm32-wasi",
      "-mexec-model=reactor",
      "-O1",
      `-Wl,${WRAPPED_LIBC.map((f) => `--wrap=${f}`).join(",")}`,
      "-o",
      "guest.wasm",
      ...objects,
    ],
    dir,
  );
  return new Uint8Array(fs.readFileSync(path.join(dir, "guest.wasm")));
}

/** The root directory of the installed package `name` (found from its main entry point). */
export function packageRoot(name: string, from: NodeJS.Require = require): string {
  let dir = path.dirname(from.resolve(name));
  for (;;) {
    const manifest = path.join(dir, "package.json");
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, "utf8")).name === name) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json of ${name} above ${from.resolve(name)}`);
    dir = parent;
  }
}

/** The `wasi_snapshot_preview1` reactor adapter shipped with jco (its `exports` do not list it: found from the package root). */
export function preview1ReactorAdapter(): Uint8Array {
  const file = path.join(packageRoot("@bytecodealliance/jco"), "lib", "wasi_snapshot_preview1.reactor.wasm");
  return new Uint8Array(fs.readFileSync(file));
}

/**
 * jco's preview2 shim (the copy jco-transpile depends on) as an import object
 * keyed by WASI interface, sandboxed: no filesystem, no network, exactly the
 * environment `env`.
 */
export async function wasiImports(env: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const transpileRequire = createRequire(require.resolve("@bytecodealliance/jco-transpile"));
  const shim = transpileRequire.resolve("@bytecodealliance/preview2-shim/instantiation");
  const { WASIShim } = (await import(pathToFileURL(shim).href)) as {
    WASIShim: new (config: unknown) => { getImportObject(): Record<string, unknown> };
  };
  return new WASIShim({ sandbox: { preopens: {}, env, args: ["guest"], enableNetwork: false } }).getImportObject();
}

/**
 * Wraps `core` with jco's `componentNew` and `adapters` (no `componentEmbed`:
 * the component type comes from the section the generated `.c` embeds),
 * transpiles it with jco (instantiation mode, so that the WASI imports come
 * from the caller) and returns its `instantiate`.
 */
export async function jcoWithAdapters(
  core: Uint8Array,
  adapters: Array<[string, Uint8Array]>,
): Promise<{ component: Uint8Array; instantiate(imports: Record<string, unknown>): Promise<Record<string, any>> }> {
  const { componentNew } = await import("@bytecodealliance/jco-transpile/wasm-tools");
  const component = await componentNew(core, adapters);
  return { component, ...(await transpileComponent(component)) };
}

/**
 * The few `wasi_snapshot_preview1` functions a libc guest that uses no files
 * imports, for running its core module directly in our TypeScript host (as
 * `options.coreImports`): the environment `env`, and the stdio functions
 * answering EBADF. `memory` gives the instance's memory once it exists.
 */
export function preview1Environment(
  env: Record<string, string>,
  memory: () => WebAssembly.Memory,
): Record<string, (...args: number[]) => number> {
  const ESUCCESS = 0;
  const EBADF = 8;
  const entries = Object.entries(env).map(([k, v]) => new TextEncoder().encode(`${k}=${v}\0`));
  const view = () => new DataView(memory().buffer);
  return {
    environ_sizes_get(countPtr, sizePtr) {
      view().setUint32(countPtr, entries.length, true);
      view().setUint32(
        sizePtr,
        entries.reduce((n, e) => n + e.length, 0),
        true,
      );
      return ESUCCESS;
    },
    environ_get(environPtr, bufPtr) {
      let at = bufPtr;
      entries.forEach((e, i) => {
        view().setUint32(environPtr + 4 * i, at, true);
        new Uint8Array(memory().buffer, at, e.length).set(e);
        at += e.length;
      });
      return ESUCCESS;
    },
    fd_write: () => EBADF,
    fd_seek: () => EBADF,
    fd_close: () => EBADF,
    proc_exit(code) {
      throw new Error(`the guest called proc_exit(${code})`);
    },
  };
}
