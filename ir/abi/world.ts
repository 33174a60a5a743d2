/**
 * The core-wasm names of a world: what a guest core module imports and
 * exports for each item, in the legacy naming scheme that
 * `wasm-tools component new` accepts and wit-bindgen's guests use.
 *
 * - An imported function of interface `ns:pkg/iface@1.0.0` is the core
 *   import `"ns:pkg/iface@1.0.0" "f"` (resource functions: `[constructor]r`,
 *   `[method]r.m`, `[static]r.s`); a world-level import is from `$root`; an
 *   imported resource's handles are dropped with `[resource-drop]r`.
 * - An exported function is the core export `ns:pkg/iface@1.0.0#f` (world
 *   level: `f`), with an optional `cabi_post_<that name>`.
 * - An exported resource's intrinsics are imported from
 *   `[export]ns:pkg/iface@1.0.0`: `[resource-new]r`, `[resource-rep]r`,
 *   `[resource-drop]r`; its destructor is exported as
 *   `ns:pkg/iface@1.0.0#[dtor]r`.
 * - An `async` import's field is `[async-lower]f`. An `async` export is
 *   `[async-lift]ns:pkg/iface@1.0.0#f` with the callback
 *   `[callback][async-lift]ns:pkg/iface@1.0.0#f`, and hands its result to
 *   `[task-return]f` imported from `[export]ns:pkg/iface@1.0.0` (world
 *   level: `[export]$root`).
 * - The built-ins of a function's futures and streams are imported from the
 *   function's module (`[export]` before it for an export); see `async.ts`.
 * - `memory`, `cabi_realloc` and `_initialize` are exported by name.
 * Inline interfaces (`import foo: interface { ... }`) use their plain name.
 */
import type { Resolve } from "../resolve.js";
import type { Function, InterfaceId, TypeId, WorldId, WorldKey } from "../types.js";
import type { ResourceSide } from "./instructions.js";

export const ROOT_MODULE = "$root";
export const MEMORY_EXPORT = "memory";
export const REALLOC_EXPORT = "cabi_realloc";
export const INITIALIZE_EXPORT = "_initialize";

export interface ImportedFunctionAbi {
  func: Function;
  /** The interface, or `undefined` for a world-level function. */
  iface: InterfaceId | undefined;
  /** The world's name for the interface (`ns:pkg/iface@v` or a plain name); `undefined` at world level. */
  interfaceName: string | undefined;
  module: string;
  /** The core import: `f`, or `[async-lower]f` for an `async` function. */
  field: string;
  /** The core import of the function lowered synchronously: `f` (an `async` function may be imported so too). */
  syncField: string;
  async: boolean;
  /** The module of the function's future and stream built-ins. */
  builtinsModule: string;
}

export interface ExportedFunctionAbi {
  func: Function;
  iface: InterfaceId | undefined;
  interfaceName: string | undefined;
  /** The core export that implements the function. */
  exportName: string;
  /** The optional core export run after the results are read (synchronous functions only). */
  postReturnName: string;
  async: boolean;
  /** `async` functions: the callback export, and the `task.return` import that takes the result. */
  callbackName: string;
  /** The core export of the function lifted `async` with no callback (stackful), which a module may export instead. */
  stackfulName: string;
  /** The core export of the function lifted synchronously (an `async` function may be exported so too). */
  syncName: string;
  taskReturnModule: string;
  taskReturnField: string;
  /** The module of the function's future and stream built-ins. */
  builtinsModule: string;
}

export interface ResourceAbi {
  resource: TypeId;
  name: string;
  iface: InterfaceId | undefined;
  interfaceName: string | undefined;
  side: ResourceSide;
  /** Module and field of the `[resource-drop]` the guest imports. */
  dropModule: string;
  dropField: string;
  /** Exported resources: the `[resource-new]` and `[resource-rep]` imports, and the destructor export. */
  newField: string | undefined;
  repField: string | undefined;
  dtorExport: string | undefined;
}

export interface InterfaceAbi {
  key: WorldKey;
  id: InterfaceId;
  name: string;
  direction: "import" | "export";
}

export interface WorldAbi {
  world: WorldId;
  interfaces: InterfaceAbi[];
  imports: ImportedFunctionAbi[];
  exports: ExportedFunctionAbi[];
  resources: ResourceAbi[];
  /** Which side implements each resource, by resource type id. */
  resourceSide: Map<TypeId, ResourceSide>;
}

function resourcesOf(resolve: Resolve, iface: InterfaceId): { id: TypeId; name: string }[] {
  const out: { id: TypeId; name: string }[] = [];
  for (const [name, id] of resolve.interfaces[iface].types) {
    if (resolve.types[id].kind.kind === "resource") out.push({ id, name });
  }
  return out;
}

/** Every core import and export a guest of `world` may have. */
export function worldAbi(resolve: Resolve, worldId: WorldId): WorldAbi {
  const world = resolve.worlds[worldId];
  const abi: WorldAbi = {
    world: worldId,
    interfaces: [],
    imports: [],
    exports: [],
    resources: [],
    resourceSide: new Map(),
  };
  for (const { key, item } of world.imports.values()) {
    if (item.kind === "function") {
      abi.imports.push(importedFunction(item.func, undefined, undefined, ROOT_MODULE));
    } else if (item.kind === "type") {
      const def = resolve.types[item.id];
      if (def.kind.kind === "resource") {
        abi.resources.push(importedResource(item.id, def.name!, undefined, undefined, ROOT_MODULE));
        abi.resourceSide.set(item.id, "imported");
      }
    } else {
      const name = resolve.nameWorldKey(key);
      abi.interfaces.push({ key, id: item.id, name, direction: "import" });
      for (const r of resourcesOf(resolve, item.id)) {
        abi.resources.push(importedResource(r.id, r.name, item.id, name, name));
        abi.resourceSide.set(r.id, "imported");
      }
      for (const func of resolve.interfaces[item.id].functions.values()) {
        abi.imports.push(importedFunction(func, item.id, name, name));
      }
    }
  }
  for (const { key, item } of world.exports.values()) {
    if (item.kind === "function") {
      abi.exports.push(exportedFunction(item.func, undefined, undefined));
    } else if (item.kind === "interface") {
      const name = resolve.nameWorldKey(key);
      abi.interfaces.push({ key, id: item.id, name, direction: "export" });
      for (const r of resourcesOf(resolve, item.id)) {
        abi.resources.push({
          resource: r.id,
          name: r.name,
          iface: item.id,
          interfaceName: name,
          side: "exported",
          dropModule: `[export]${name}`,
          dropField: `[resource-drop]${r.name}`,
          newField: `[resource-new]${r.name}`,
          repField: `[resource-rep]${r.name}`,
          dtorExport: `${name}#[dtor]${r.name}`,
        });
        abi.resourceSide.set(r.id, "exported");
      }
      for (const func of resolve.interfaces[item.id].functions.values()) {
        abi.exports.push(exportedFunction(func, item.id, name));
      }
    }
  }
  return abi;
}

function importedResource(
  resource: TypeId,
  name: string,
  iface: InterfaceId | undefined,
  interfaceName: string | undefined,
  module: string,
): ResourceAbi {
  return {
    resource,
    name,
    iface,
    interfaceName,
    side: "imported",
    dropModule: module,
    dropField: `[resource-drop]${name}`,
    newField: undefined,
    repField: undefined,
    dtorExport: undefined,
  };
}

function importedFunction(
  func: Function,
  iface: InterfaceId | undefined,
  interfaceName: string | undefined,
  module: string,
): ImportedFunctionAbi {
  const async = func.kind.kind.startsWith("async");
  return {
    func,
    iface,
    interfaceName,
    module,
    field: async ? `[async-lower]${func.name}` : func.name,
    syncField: func.name,
    async,
    builtinsModule: module,
  };
}

function exportedFunction(
  func: Function,
  iface: InterfaceId | undefined,
  interfaceName: string | undefined,
): ExportedFunctionAbi {
  const async = func.kind.kind.startsWith("async");
  const base = interfaceName === undefined ? func.name : `${interfaceName}#${func.name}`;
  const module = `[export]${interfaceName ?? ROOT_MODULE}`;
  return {
    func,
    iface,
    interfaceName,
    exportName: async ? `[async-lift]${base}` : base,
    postReturnName: `cabi_post_${base}`,
    async,
    callbackName: `[callback][async-lift]${base}`,
    stackfulName: `[async-lift-stackful]${base}`,
    syncName: base,
    taskReturnModule: module,
    taskReturnField: `[task-return]${func.name}`,
    builtinsModule: module,
  };
}
