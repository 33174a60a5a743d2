/**
 * The reference toolchain for differential tests: turns a guest core module
 * into a component (`wasm-tools component embed` + `component new`) and
 * transpiles it with jco into a JS module with an `instantiate` function.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { loadWitText, renderDiagnostics, type Resolve, type WorldId } from "../../index.js";
import { encodeComponent, type ComponentStringEncoding } from "../../encoding/index.js";
import { tempDir } from "./host.js";

export interface JcoOptions {
  /** The world the core module implements. */
  world: string;
  stringEncoding?: "utf8" | "utf16" | "compact-utf16";
  /**
   * Who wraps the core module into a component: the reference toolchain
   * (`component embed` + `component new`, the default) or our encoder
   * (`encodeComponent`).
   */
  wrapper?: "jco" | "ours";
}

/** The transpiled component: instantiate it with an import object keyed by interface name. */
export interface JcoComponent {
  instantiate(imports: Record<string, unknown>): Promise<Record<string, any>>;
  /** The component's bytes. */
  component: Uint8Array;
}

/** Makes a component of `core` for the world of `wit` (given as text: file-based WIT loading is broken in this jco build). */
export async function componentize(core: Uint8Array, wit: string, options: JcoOptions): Promise<Uint8Array> {
  if (options.wrapper === "ours") return ourComponent(core, wit, options);
  const { componentEmbed, componentNew } = await import("@bytecodealliance/jco-transpile/wasm-tools");
  const embedded = await componentEmbed({
    binary: core,
    witSource: wit,
    world: options.world,
    stringEncoding: options.stringEncoding,
  });
  return componentNew(embedded);
}

/**
 * The string encoding of every function of `world` (imports and exports), keyed as
 * `encodeComponent` takes them: `<world key>/<function>`, the world key being the
 * interface's `ns:pkg/iface` without version, or the plain name.
 */
export function stringEncodings(
  resolve: Resolve,
  world: WorldId,
  encoding: ComponentStringEncoding,
): { importEncodings: Map<string, ComponentStringEncoding>; exportEncodings: Map<string, ComponentStringEncoding> } {
  const w = resolve.worlds[world];
  const keyed = (items: typeof w.imports) => {
    const out = new Map<string, ComponentStringEncoding>();
    for (const { key, item } of items.values()) {
      let k: string;
      if (key.kind === "name") k = key.name;
      else {
        const p = resolve.packages[resolve.interfaces[key.id].package!].name;
        k = `${p.namespace}:${p.name}/${resolve.interfaces[key.id].name}`;
      }
      if (item.kind === "function") out.set(`${k}/${item.func.name}`, encoding);
      else if (item.kind === "interface") {
        for (const f of resolve.interfaces[item.id].functions.keys()) out.set(`${k}/${f}`, encoding);
      }
    }
    return out;
  };
  return { importEncodings: keyed(w.imports), exportEncodings: keyed(w.exports) };
}

/** Makes a component of `core` for the world of `wit` with our encoder (`encodeComponent`). */
export function ourComponent(
  core: Uint8Array,
  wit: string,
  options: { world: string; stringEncoding?: ComponentStringEncoding | "utf8" | "utf16" },
): Uint8Array {
  const loaded = loadWitText(wit, { world: options.world, fileName: "guest.wit" });
  if (!loaded.ok) throw new Error(renderDiagnostics(loaded.diagnostics));
  const world = loaded.world!;
  const encodings = stringEncodings(loaded.resolve, world, options.stringEncoding ?? "utf8");
  return encodeComponent(core, { resolve: loaded.resolve, world, ...encodings });
}

/** A component transpiled by jco: `instantiate` takes the import object keyed by interface name. */
export interface TranspiledComponent {
  instantiate(imports: Record<string, unknown>): Promise<Record<string, any>>;
}

/** jco's transpiled glue of `component`, written to a temporary directory and imported, with its core modules. */
async function transpileFiles(component: Uint8Array): Promise<{
  files: Record<string, Uint8Array>;
  mod: {
    instantiate(
      getCoreModule: (name: string) => Promise<WebAssembly.Module>,
      imports: Record<string, unknown>,
    ): Promise<Record<string, any>>;
  };
}> {
  // `transpile` takes a file path; `transpileBytes` is the same with the component's bytes.
  const { transpileBytes } = await import("@bytecodealliance/jco-transpile");
  const { files } = await transpileBytes(component, {
    name: "guest",
    instantiation: "async",
    // Throw `ComponentError` (with `payload`) for a direct `result` error, as the generated host does.
    noComponentErrorWrapping: false,
    emitTypescriptDeclarations: false,
  });
  const dir = tempDir();
  for (const [name, bytes] of Object.entries(files)) {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, bytes);
  }
  const mod = await import(pathToFileURL(path.join(dir, "guest.js")).href);
  return { files: files as Record<string, Uint8Array>, mod };
}

/** Transpiles `component` with jco and imports the result. */
export async function transpileComponent(component: Uint8Array): Promise<TranspiledComponent> {
  const { files, mod } = await transpileFiles(component);
  const getCoreModule = (name: string) => WebAssembly.compile(files[name] as BufferSource);
  return { instantiate: (imports) => mod.instantiate(getCoreModule, imports) };
}

/** Componentizes `core`, transpiles it with jco and imports the result. */
export async function loadJco(core: Uint8Array, wit: string, options: JcoOptions): Promise<JcoComponent> {
  const component = await componentize(core, wit, options);
  const { files, mod } = await transpileFiles(component);
  const modules = new Map<string, Promise<WebAssembly.Module>>();
  const getCoreModule = (name: string) => {
    let m = modules.get(name);
    if (m === undefined) {
      const bytes = files[name];
      if (bytes === undefined) throw new Error(`jco asked for an unknown core module ${name}`);
      m = WebAssembly.compile(bytes as BufferSource);
      modules.set(name, m);
    }
    return m;
  };
  // jco keys a versioned interface's imports without the version (`ns:pkg/iface`, not `ns:pkg/iface@1.0.0`).
  const unversioned = (imports: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(imports).map(([k, v]) => [k.replace(/^([^@]+\/[^@]+)@.*$/, "$1"), v]));
  return { component, instantiate: (imports) => mod.instantiate(getCoreModule, unversioned(imports)) };
}
