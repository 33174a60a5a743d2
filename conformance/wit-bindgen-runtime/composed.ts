/**
 * The multi-component cases: every combination of a runner and one built
 * component of each dependency world (as wit-bindgen's runner pairs them),
 * each core module made a component by our `componentNew` (with jco's
 * preview1 reactor adapter when it imports `wasi_snapshot_preview1`, as C
 * against wasi-libc does), composed with our `plug` (compose.ts), and
 * transpiled by our component host generator, written beside the
 * components as `composed.js` for run-composed.ts.
 */
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { componentNew } from "../../encoding/index.js";
import { generateComponentHost } from "../../generators/ts/component/index.js";
import type { Case, Component } from "./cases.js";
import { compose, WiringError } from "./compose.js";
import { compose as composeGraph } from "../../encoding/compose/index.js";
import { wacGraph, WacError } from "./wac.js";

/** One composition of a multi-component case. */
export interface Combination {
  runner: Component;
  /** One component per dependency world, in the order of `//@ dependencies`. */
  deps: Component[];
}

/**
 * The runner × dependency combinations of a multi-component case, or why
 * there are none (a world with no Rust or C component).
 */
export function combinationsOf(c: Case): Combination[] | string {
  const runners = c.components.filter((x) => x.role === "runner");
  if (runners.length === 0) return `no Rust or C component of world ${c.runnerWorld}`;
  let partial: Component[][] = [[]];
  for (const world of c.testWorlds) {
    const choices = c.components.filter((x) => x.role === "test" && x.world === world);
    if (choices.length === 0) return `no Rust or C component of world ${world}`;
    partial = partial.flatMap((p) => choices.map((x) => [...p, x]));
  }
  return runners.flatMap((runner) => partial.map((deps) => ({ runner, deps })));
}

/** The stage a composition stopped at, with its error; or the transpiled host ready to run. */
export type Prepared =
  | { ok: true; host: string; wasi: boolean; warnings: string[] }
  | { ok: false; category: string; error: string; wiring?: boolean };

const require = createRequire(import.meta.url);
const PREVIEW1 = "wasi_snapshot_preview1";
let adapter: Uint8Array | undefined;

/** jco's preview1 reactor adapter (the `@bytecodealliance/jco` devDependency). */
function preview1Adapter(): Uint8Array {
  if (!adapter) {
    // The package exports no `package.json`: its root is the folder above its entry point that has one.
    let root = path.dirname(require.resolve("@bytecodealliance/jco"));
    while (!fs.existsSync(path.join(root, "package.json")) && path.dirname(root) !== root) root = path.dirname(root);
    adapter = new Uint8Array(fs.readFileSync(path.join(root, "lib", `${PREVIEW1}.reactor.wasm`)));
  }
  return adapter;
}

const message = (e: unknown) => (e instanceof Error ? e.message.split("\n")[0]! : String(e));

/**
 * Wraps, composes and transpiles one combination from the core modules in
 * `wasm`, in `dir` (created): as the case's `wac` script wires it when there
 * is one (wac.ts), else by names (compose.ts).
 */
export async function prepareComposition(
  combo: Combination,
  wasm: Map<Component, string>,
  dir: string,
  wac?: string,
): Promise<Prepared> {
  fs.mkdirSync(dir, { recursive: true });
  const parts: { name: string; bytes: Uint8Array }[] = [];
  let wasi = false;
  for (const comp of [combo.runner, ...combo.deps]) {
    const core = new Uint8Array(fs.readFileSync(wasm.get(comp)!));
    const usesPreview1 = WebAssembly.Module.imports(new WebAssembly.Module(core)).some((i) => i.module === PREVIEW1);
    wasi ||= usesPreview1;
    try {
      const adapters = usesPreview1 ? [{ name: PREVIEW1, wasm: preview1Adapter() }] : [];
      parts.push({ name: `${comp.world} (${comp.file})`, bytes: componentNew(core, undefined, { adapters }) });
    } catch (e) {
      return { ok: false, category: "component new", error: `${comp.file}: ${message(e)}` };
    }
  }
  let bytes: Uint8Array;
  let warnings: string[];
  if (wac !== undefined) {
    const byWorld = new Map([combo.runner, ...combo.deps].map((c, i) => [c.world, parts[i]!.bytes]));
    try {
      bytes = composeGraph(wacGraph(fs.readFileSync(wac, "utf8"), (world) => byWorld.get(world)));
      warnings = [];
    } catch (e) {
      if (e instanceof WacError) return { ok: false, category: "wac script", error: message(e), wiring: true };
      return { ok: false, category: "compose", error: message(e) };
    }
  } else {
    try {
      ({ bytes, warnings } = compose(parts[0]!, parts.slice(1)));
    } catch (e) {
      if (e instanceof WiringError) return { ok: false, category: "wiring by names", error: message(e), wiring: true };
      return { ok: false, category: "plug", error: message(e) };
    }
  }
  fs.writeFileSync(path.join(dir, "composed.wasm"), bytes);
  try {
    const files = await generateComponentHost(bytes, { name: "composed", js: true, format: false });
    for (const f of files) fs.writeFileSync(path.join(dir, f.path), f.contents);
  } catch (e) {
    return { ok: false, category: "component host", error: message(e) };
  }
  return { ok: true, host: path.join(dir, "composed.js"), wasi, warnings };
}
