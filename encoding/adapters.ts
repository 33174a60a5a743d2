/**
 * The core modules of a component besides its main module, as the
 * component wrapper takes them: adapters (`--adapt NAME=adapter.wasm`),
 * reduced and matched to the world as wit-component does, and the libraries
 * of `witx-bindgen link`.
 */
import type { Resolve } from "../ir/resolve.js";
import type { World } from "../ir/types.js";
import { gcAdapter } from "./adapter-gc.js";
import { readCoreModule, signatureString, type CoreFuncType, type CoreModuleInfo } from "./core-module.js";
import type { ComponentStringEncoding } from "./metadata-types.js";
import { ComponentEncodingError, fitModule, type LinkedImport, type ModuleFit } from "./validate.js";

/** One core module of the component: the main module, or an adapter (`--adapt NAME=…`). */
export interface EncodedModule {
  /** The adapter's import module name; `undefined` for the main module. */
  name: string | undefined;
  bytes: Uint8Array;
  fit: ModuleFit;
  /** String encodings of the module's own bindings (the component's defaults when absent). */
  importEncodings?: Map<string, ComponentStringEncoding>;
  exportEncodings?: Map<string, ComponentStringEncoding>;
  /** The world exports (by name) this module implements. */
  exports: ReadonlySet<string>;
  /** A linked library (not an adapter): its main-module realloc fallback applies. */
  library?: boolean;
}

/** An adapter module for the component wrapper (`--adapt NAME=adapter.wasm`), with its own world decoded. */
export interface AdapterModule {
  /** The core import module name it implements (`wasi_snapshot_preview1`), or a WIT interface name. */
  name: string;
  /** The adapter without `component-type` sections. */
  wasm: Uint8Array;
  /** The names of the world exports the adapter's own world has (`wasi:cli/run@0.2.6`). */
  exports: readonly string[];
  importEncodings?: Map<string, ComponentStringEncoding>;
  exportEncodings?: Map<string, ComponentStringEncoding>;
}

/** A library of `witx-bindgen link`, with the imports the linker gives it. */
export interface LibraryModule extends AdapterModule {
  /** By import module and field: the exports of other instances that satisfy them. */
  args: ReadonlyMap<string, ReadonlyMap<string, LinkedImport>>;
}

/** The linker's last module: instantiated after everything else, with exports of the other instances. */
export interface InitModule {
  wasm: Uint8Array;
  imports: readonly { module: string; items: readonly (LinkedImport & { alias: string })[] }[];
}

export interface EncodeOptions {
  /** Adapters, whose worlds are already merged into the bindings' world. */
  adapters?: readonly AdapterModule[];
  /** Linked libraries, in instantiation order, after the adapters (`witx-bindgen link`). */
  libraries?: readonly LibraryModule[];
  /** The linker's init module. */
  init?: InitModule;
  /** The world exports the main module implements (all those no adapter exports, when absent). */
  mainExports?: readonly string[];
  /**
   * Adapters get `cabi_realloc` and their stack from `memory.grow` instead
   * of the main module's realloc (wit-component's `realloc_via_memory_grow`).
   */
  reallocViaMemoryGrow?: boolean;
  /**
   * Trampolines tail-call functions held in globals (`return_call_ref`)
   * instead of calling through a table (wit-component's `shim_return_call_ref`).
   */
  returnCallRef?: boolean;
}

/** Runs `f`, prefixing a `ComponentEncodingError`'s message with `context`. */
export function inContext<T>(context: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ComponentEncodingError) throw new ComponentEncodingError(`${context}: ${e.message}`);
    throw e;
  }
}

/**
 * wit-component's adapter processing: an adapter nothing needs is dropped;
 * the others are garbage-collected down to the functions the main module
 * imports from them and the exports their world gives a meaning to, and
 * matched against the world again once minimized.
 */
export function fitAdapters(
  resolve: Resolve,
  world: World,
  renamed: Map<string, string>,
  mainFit: ModuleFit,
  adapters: readonly AdapterModule[],
  reallocViaMemoryGrow: boolean,
): EncodedModule[] {
  const out: EncodedModule[] = [];
  for (const adapter of adapters) {
    const requiredByImport = new Map<string, CoreFuncType>();
    for (const use of mainFit.imports) {
      if (use.kind === "adapter-export" && use.module === adapter.name) requiredByImport.set(use.export, use.sig);
    }
    const exports = new Set(adapter.exports);
    const exportsFunctions = [...world.exports.values()].some(({ key, item }) => {
      if (!exports.has(resolve.nameWorldKey(key))) return false;
      if (item.kind === "function") return true;
      return item.kind === "interface" && resolve.interfaces[item.id].functions.size > 0;
    });
    if (requiredByImport.size === 0 && !exportsFunctions) continue;
    const role = { adapter: true, exports };
    const check = (fit: ModuleFit, info: CoreModuleInfo) => {
      for (const [name, sig] of requiredByImport) {
        const e = info.exports.find((x) => x.name === name && x.kind === "func");
        if (!e) throw new ComponentEncodingError(`adapter module did not export \`${name}\``);
        if (signatureString(e.type!) !== signatureString(sig)) {
          throw new ComponentEncodingError(
            `type mismatch for function \`${name}\`: expected \`${signatureString(sig)}\` but found \`${signatureString(e.type!)}\``,
          );
        }
      }
      return fit;
    };
    const before = inContext(`failed to validate the imports of the adapter module \`${adapter.name}\``, () => {
      const info = readCoreModule(adapter.wasm);
      return check(fitModule(resolve, world, info, renamed, role), info);
    });
    const required = new Set([...requiredByImport.keys(), ...before.classified]);
    const minimized = inContext("failed to reduce input adapter module to its minimal size", () =>
      // As wit-component, the adapter's function bodies are not validated here.
      gcAdapter(adapter.wasm, required, reallocViaMemoryGrow ? undefined : mainFit.adapterRealloc, {
        validate: false,
      }),
    );
    const fit = inContext(`failed to validate the imports of the minimized adapter module \`${adapter.name}\``, () => {
      const info = readCoreModule(minimized);
      return check(fitModule(resolve, world, info, renamed, role), info);
    });
    out.push({
      name: adapter.name,
      bytes: minimized,
      fit,
      exports,
      importEncodings: adapter.importEncodings,
      exportEncodings: adapter.exportEncodings,
    });
  }
  return out;
}
