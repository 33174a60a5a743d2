/**
 * Builds the C guests of test/guests/c/: generates the bindings of a world
 * with `generateC`, compiles them with clang 19 (the bindings under the
 * strict warning set) and links a reactor core module.
 *
 * The guests link with `-nostdlib` and the small runtime of
 * test/guests/c/runtime.c (a counting allocator and a few string
 * functions), so that the core module imports nothing but its world: our
 * TypeScript host and jco's `componentNew` then need no WASI adapter.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { loadWitText, renderDiagnostics } from "../../../index.js";
import { generateC, type COptions } from "../../../generators/c/index.js";
import { tempDir } from "../../helpers/host.js";
import { transpileComponent } from "../../helpers/jco.js";
import { wasmClang } from "../../helpers/toolchains.js";

export const guestsDir = path.dirname(fileURLToPath(import.meta.url));

export const STRICT_FLAGS = [
  "--target=wasm32-wasi",
  "-std=c11",
  "-Wall",
  "-Wextra",
  "-Werror",
  "-Wc++-compat",
  "-Wno-unused-parameter",
];

export function clang(args: string[], cwd: string): void {
  const run = spawnSync(wasmClang().command, args, { cwd, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`clang ${args.join(" ")} failed:\n${run.stderr}${run.stdout}`);
}

/**
 * Generates the bindings of `world` in `wit` and compiles them and `sources`
 * (in test/guests/c/) with the strict warning set, in a temporary directory.
 */
export function compileGuest(
  wit: string,
  world: string,
  sources: string[],
  options: COptions = {},
): { dir: string; objects: string[] } {
  const loaded = loadWitText(wit, { world, fileName: `${world}.wit` });
  if (!loaded.ok) throw new Error(renderDiagnostics(loaded.diagnostics));
  const dir = tempDir();
  const files = generateC(loaded.resolve, loaded.world!, options);
  for (const f of files) fs.writeFileSync(path.join(dir, f.path), f.contents);
  const bindings = files.find((f) => f.path.endsWith(".c"))!.path;
  clang([...STRICT_FLAGS, "-O1", "-c", bindings, "-o", "bindings.o"], dir);
  const objects = ["bindings.o"];
  sources.forEach((s, i) => {
    clang([...STRICT_FLAGS, "-O1", "-I", dir, "-c", path.join(guestsDir, s), "-o", `guest${i}.o`], dir);
    objects.push(`guest${i}.o`);
  });
  return { dir, objects };
}

/** Generates the bindings of `world` in `wit` and builds `sources` (in test/guests/c/) against them. */
export function buildGuest(
  wit: string,
  world: string,
  sources: string[],
  options: COptions = {},
  linkArgs: string[] = [],
): Uint8Array {
  const { dir, objects } = compileGuest(wit, world, sources, options);
  clang(
    ["--target=wasm32-wasi", "-O1", "-fno-builtin", "-c", path.join(guestsDir, "runtime.c"), "-o", "runtime.o"],
    dir,
  );
  objects.push("runtime.o");
  clang(
    [
      "--target=wasm32-wasi",
      "-mexec-model=reactor",
      "-nostdlib",
      "-Wl,--no-entry",
      ...linkArgs,
      "-o",
      "guest.wasm",
      ...objects,
    ],
    dir,
  );
  return new Uint8Array(fs.readFileSync(path.join(dir, "guest.wasm")));
}

/**
 * Wraps `core` with jco's `componentNew` alone (no `componentEmbed`: the
 * component type comes from the section the generated `.c` embeds),
 * transpiles it with jco and returns its `instantiate`.
 */
export async function jcoFromEmbedded(
  core: Uint8Array,
): Promise<{ component: Uint8Array; instantiate(imports: Record<string, unknown>): Promise<Record<string, any>> }> {
  const { componentNew } = await import("@bytecodealliance/jco-transpile/wasm-tools");
  const component = await componentNew(core);
  return { component, ...(await transpileComponent(component)) };
}

/** Typed arrays as plain arrays, so that results compare across hosts. */
export function plain(v: unknown): unknown {
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<unknown>);
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === "object" && !(v instanceof Error)) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  }
  return v;
}
