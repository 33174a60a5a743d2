/**
 * The reference toolchain for differential tests: turns a guest core module
 * into a component (`wasm-tools component embed` + `component new`) and
 * transpiles it with jco into a JS module with an `instantiate` function.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { tempDir } from "./host.js";

export interface JcoOptions {
  /** The world the core module implements. */
  world: string;
  stringEncoding?: "utf8" | "utf16";
}

/** The transpiled component: instantiate it with an import object keyed by interface name. */
export interface JcoComponent {
  instantiate(imports: Record<string, unknown>): Promise<Record<string, any>>;
  /** The component's bytes. */
  component: Uint8Array;
}

/** Makes a component of `core` for the world of `wit` (given as text: file-based WIT loading is broken in this jco build). */
export async function componentize(core: Uint8Array, wit: string, options: JcoOptions): Promise<Uint8Array> {
  const { componentEmbed, componentNew } = await import("@bytecodealliance/jco-transpile/wasm-tools");
  const embedded = await componentEmbed({
    binary: core,
    witSource: wit,
    world: options.world,
    stringEncoding: options.stringEncoding,
  });
  return componentNew(embedded);
}

/** Componentizes `core`, transpiles it with jco and imports the result. */
export async function loadJco(core: Uint8Array, wit: string, options: JcoOptions): Promise<JcoComponent> {
  const component = await componentize(core, wit, options);
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
  const mod = (await import(pathToFileURL(path.join(dir, "guest.js")).href)) as {
    instantiate(
      getCoreModule: (name: string) => Promise<WebAssembly.Module>,
      imports: Record<string, unknown>,
    ): Promise<Record<string, any>>;
  };
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
