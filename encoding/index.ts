/**
 * Component encoding: the component-type metadata section, WIT packages as
 * binaries, and the component wrapper (`witx-bindgen embed` and
 * `witx-bindgen component`).
 */
export { embedMetadata, encodeMetadata, metadataSectionName } from "./metadata.js";
export { encodeWitPackage, encodeWorld } from "./world-type.js";
export {
  ComponentEncodingError,
  encodeComponent,
  stripComponentTypeSections,
  type AdapterModule,
  type EncodeOptions,
  type WorldBindings,
} from "./component.js";
export type { ComponentStringEncoding } from "./metadata-types.js";

import {
  ComponentEncodingError,
  encodeComponent,
  stripComponentTypeSections,
  type WorldBindings,
} from "./component.js";
import { decodeComponentTypeSections, decodeModulesComponentTypes, DecodeError } from "./decode/index.js";
import { embedMetadata } from "./metadata.js";
import { link, type LinkInput, type LinkOptions } from "./link/index.js";

/** Options of `componentNew` beyond the world. */
export interface ComponentNewOptions {
  /**
   * Adapter modules (`--adapt NAME=adapter.wasm`), each implementing the
   * core import module `name` of the main module (e.g. the WASI preview 1
   * adapters for `wasi_snapshot_preview1`) in terms of its own world, which
   * its `component-type` section describes and which joins the component's.
   */
  adapters?: { name: string; wasm: Uint8Array }[];
  /** Adapters allocate with `memory.grow` rather than the main module's `cabi_realloc`. */
  reallocViaMemoryGrow?: boolean;
  /** Trampolines tail-call through globals (`return_call_ref`) rather than a table. */
  returnCallRef?: boolean;
}

/**
 * `wasm-tools component new`: the component of a core module, for the world
 * its `component-type` sections describe, or for `bindings` when given (the
 * module's own sections are then ignored), with `options.adapters` merged in.
 */
export function componentNew(
  core: Uint8Array,
  bindings?: WorldBindings,
  options: ComponentNewOptions = {},
): Uint8Array {
  const adapters = options.adapters ?? [];
  const { reallocViaMemoryGrow, returnCallRef } = options;
  if (adapters.length === 0) {
    if (bindings)
      return encodeComponent(stripComponentTypeSections(core), bindings, { reallocViaMemoryGrow, returnCallRef });
    const decoded = decodeComponentTypeSections(core);
    if (!decoded) {
      throw new ComponentEncodingError("the module has no component-type custom section: give the world's bindings");
    }
    return encodeComponent(decoded.module, decoded.bindgen, { reallocViaMemoryGrow, returnCallRef });
  }
  const names = new Set<string>();
  for (const a of adapters) {
    if (names.has(a.name)) throw new ComponentEncodingError(`adapter \`${a.name}\` given twice`);
    names.add(a.name);
  }
  const main = bindings
    ? embedMetadata(stripComponentTypeSections(core), bindings.resolve, bindings.world, {
        stringEncoding: bindings.stringEncoding,
      })
    : core;
  const decoded = inAdapterContext(adapters, () => decodeModulesComponentTypes([main, ...adapters.map((a) => a.wasm)]));
  if (!decoded || !decoded.modules[0]!.module) {
    throw new ComponentEncodingError("the module has no component-type custom section: give the world's bindings");
  }
  const [own, ...rest] = decoded.modules;
  const world = bindings
    ? {
        ...decoded.bindgen,
        importEncodings: bindings.importEncodings ?? decoded.bindgen.importEncodings,
        exportEncodings: bindings.exportEncodings ?? decoded.bindgen.exportEncodings,
      }
    : decoded.bindgen;
  return encodeComponent(own!.module, world, {
    reallocViaMemoryGrow,
    returnCallRef,
    mainExports: own!.exports,
    adapters: rest.map((m, n) => ({
      name: adapters[n]!.name,
      wasm: m.module,
      exports: m.exports,
      importEncodings: m.importEncodings,
      exportEncodings: m.exportEncodings,
    })),
  });
}

/** Runs the metadata merge, naming the adapter whose world could not be merged. */
function inAdapterContext<T>(adapters: { name: string }[], f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof DecodeError && adapters.length > 0) {
      throw new ComponentEncodingError(
        `failed to merge WIT packages of adapter \`${adapters.map((a) => a.name).join("`, `")}\` into main packages: ${e.message}`,
      );
    }
    throw e;
  }
}

/** Options of `linkComponent`: the linker's, and the component wrapper's. */
export interface LinkComponentOptions extends LinkOptions, Omit<ComponentNewOptions, "adapters"> {
  adapters?: { name: string; wasm: Uint8Array }[];
}

/**
 * `wasm-tools component link`: shared-everything dynamic linking of
 * tool-conventions shared libraries (`dylink.0`) into one component. The
 * linker (`link/`) synthesizes the main module that owns the memory, the
 * table and the heap, orders the libraries and computes what each one
 * imports from the others; each library's `component-type` world joins the
 * component's, and its world exports are lifted from it.
 */
export function linkComponent(libraries: LinkInput[], options: LinkComponentOptions = {}): Uint8Array {
  const adapters = options.adapters ?? [];
  const linked = link(libraries, { ...options, adapterNames: new Set(adapters.map((a) => a.name)) });
  const modules = [linked.main, ...adapters.map((a) => a.wasm), ...linked.libraries.map((l) => l.wasm)];
  const decoded = inAdapterContext(adapters, () => decodeModulesComponentTypes(modules, { allowNone: true }))!;
  const [main, ...rest] = decoded.modules;
  const named = (m: (typeof rest)[number], name: string) => ({
    name,
    wasm: m.module,
    exports: m.exports,
    importEncodings: m.importEncodings,
    exportEncodings: m.exportEncodings,
  });
  return encodeComponent(main!.module, decoded.bindgen, {
    reallocViaMemoryGrow: options.reallocViaMemoryGrow,
    returnCallRef: options.returnCallRef,
    mainExports: [],
    adapters: adapters.map((a, n) => named(rest[n]!, a.name)),
    libraries: linked.libraries.map((l, n) => ({
      ...named(rest[adapters.length + n]!, l.name),
      args: new Map(
        l.args.map(({ module, items }) => [module, new Map(items.map((it) => [it.alias, it] as const))] as const),
      ),
    })),
    init: linked.init,
  });
}
