/**
 * Matches a core module against the world it claims to implement: every core
 * import must be something the world provides (an imported function, a
 * resource intrinsic), every exported function of the world must be a core
 * export, and every signature must be the canonical ABI's. A module that does
 * not fit is refused with the import or export and what was expected.
 */
import { futuresAndStreams } from "../ir/abi/async.js";
import { AbiLayout, flattenFunctionType } from "../ir/abi/layout.js";
import { parseVersion, versionCompatTrack } from "../parser/semver.js";
import type { Resolve } from "../ir/resolve.js";
import type { Function, InterfaceId, Type, TypeId, World, WorldKey } from "../ir/types.js";
import { contextBuiltin, futureStreamBuiltin, rootBuiltin, type Builtin } from "./builtins.js";
import {
  signatureString,
  type CoreExternKind,
  type CoreFuncType,
  type CoreImport,
  type CoreModuleInfo,
} from "./core-module.js";

export class ComponentEncodingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ComponentEncodingError";
  }
}

/** What one core import of the module is. */
export type ImportUse =
  | {
      kind: "func";
      module: string;
      name: string;
      func: Function;
      key: WorldKey;
      iface: InterfaceId | undefined;
      /** Lowered with the async ABI (`[async-lower]`). */
      async?: boolean;
    }
  /** `[task-return]f` of an exported async function. */
  | { kind: "task-return"; module: string; name: string; func: Function; key: WorldKey }
  | { kind: "builtin"; module: string; name: string; builtin: Builtin }
  | { kind: "resource-drop"; module: string; name: string; resource: TypeId }
  /** A function the main module imports from an adapter (`--adapt NAME=…`), by the adapter's export name. */
  | { kind: "adapter-export"; module: string; name: string; export: string; sig: CoreFuncType }
  /** An adapter's import of the main module's memory (`env.memory`). */
  | { kind: "main-memory"; module: string; name: string }
  /**
   * `env::__wasm_{get,set}_tls_base`, which wasm-ld's threaded output
   * imports: context slot 1 when the component uses threads, else a global
   * of the shim module.
   */
  | { kind: "tls-base"; module: string; name: string; set: boolean; type: "i32" | "i64" }
  /** An adapter's import of one of the main module's exports (`__main_module__`). */
  | { kind: "main-export"; module: string; name: string; sort: CoreExternKind }
  /** A linked library's import that the linker satisfies. */
  | { kind: "linked"; module: string; name: string; item: LinkedImport }
  | {
      kind: "exported-resource";
      op: "new" | "rep" | "drop";
      module: string;
      name: string;
      resource: TypeId;
    };

export interface ExportedFunc {
  func: Function;
  key: WorldKey;
  iface: InterfaceId | undefined;
  coreName: string;
  postReturn: string | undefined;
  /** Async exports: lifted with `async`, and with this callback unless stackful. */
  async?: { callback: string | undefined };
}

export interface ModuleFit {
  imports: ImportUse[];
  /** World exports in world order, each function with its core export. */
  exports: ExportedFunc[];
  dtors: Map<TypeId, string>;
  memory: string | undefined;
  /** The realloc used when lowering imports and when lifting exports. */
  importRealloc: string | undefined;
  exportRealloc: string | undefined;
  initialize: string | undefined;
  /** A memory the module imports (instead of exporting one). */
  importedMemory: { module: string; name: string; limits: NonNullable<CoreImport["memory"]> } | undefined;
  /** `cabi_realloc` (the general-purpose realloc). */
  realloc: string | undefined;
  /** The realloc an adapter imports from this module: `cabi_realloc_adapter`, else `cabi_realloc`. */
  adapterRealloc: string | undefined;
  /** `__wasm_task_hook`: called around every entry into the module (wit-component's task hooks). */
  taskHook: string | undefined;
  /** Every core export the world gives a meaning to (functions, post-returns, reallocs, memory…). */
  classified: Set<string>;
}

/** Who a module is among the modules of one component: the main module and its adapters. */
export interface FitRole {
  /** The adapters' import module names: the main module's imports from them are adapter exports. */
  adapters?: ReadonlySet<string>;
  /** This module is an adapter: it may import the main module's memory and exports. */
  adapter?: boolean;
  /** The world exports (by name) this module implements; all of them when absent. */
  exports?: ReadonlySet<string>;
  /** Renamed duplicate imports (`module\0renamed` → original name), from `dedupeImports`. */
  originals?: ReadonlyMap<string, string>;
  /**
   * A linked library (`witx-bindgen link`): its imports from these modules
   * are given by the linker, by module and field; the others are its world's.
   */
  linked?: ReadonlyMap<string, ReadonlyMap<string, LinkedImport>>;
}

/** An import of a linked library that an export of another core instance satisfies. */
export interface LinkedImport {
  sort: CoreExternKind;
  /** The main module's instance, or a library instantiated before. */
  from: "main" | { library: string };
  name: string;
}

const I32_TO_NONE: CoreFuncType = { params: ["i32"], results: [] };
const I32_TO_I32: CoreFuncType = { params: ["i32"], results: ["i32"] };
const REALLOC: CoreFuncType = { params: ["i32", "i32", "i32", "i32"], results: ["i32"] };
const THUNK: CoreFuncType = { params: [], results: [] };
/** Names of the async ABI's canonical built-ins and async lowerings, which the wrapper does not support yet. */
const ASYNC_INTRINSIC =
  /^\[(async-lower|task-return|task-cancel|context-get|context-set|waitable|subtask|stream-|future-|error-context|backpressure|thread|cancel|yield)/;

function checkSignature(what: string, expected: CoreFuncType, found: CoreFuncType | undefined): void {
  if (!found) throw new ComponentEncodingError(`${what} is not a function`);
  if (signatureString(expected) !== signatureString(found)) {
    throw new ComponentEncodingError(
      `type mismatch for ${what}: expected \`${signatureString(expected)}\` but found \`${signatureString(found)}\``,
    );
  }
}

/**
 * One layout per resolve, so that the flattenings of its types are computed
 * once for all the signatures checked (a resolve's types do not change once
 * added).
 */
const layouts = new WeakMap<Resolve, AbiLayout>();
export function layoutOf(resolve: Resolve): AbiLayout {
  let layout = layouts.get(resolve);
  if (!layout) layouts.set(resolve, (layout = new AbiLayout(resolve)));
  return layout;
}

/** `flatten_functype` for the async ABI: a lifted export returns a callback code (or nothing when stackful); a lowered import takes a result pointer and returns a status. */
export function asyncCoreSignature(
  resolve: Resolve,
  func: Function,
  context: "lift" | "lower",
  callback: boolean,
): CoreFuncType {
  let params = layoutOf(resolve).flatten(func.params.map((p) => p.type));
  if (context === "lift") {
    if (params.length > 16) params = ["i32"];
    return { params, results: callback ? ["i32"] : [] };
  }
  if (params.length > 4) params = ["i32"];
  if (func.result !== undefined) params = [...params, "i32"];
  return { params, results: ["i32"] };
}

/** The core signature of `[task-return]f`: the flattened result, or a pointer to it. */
export function taskReturnSignature(resolve: Resolve, func: Function): CoreFuncType {
  const flat = func.result === undefined ? [] : layoutOf(resolve).flat(func.result);
  return { params: flat.length > 16 ? ["i32"] : [...flat], results: [] };
}

export function coreSignature(resolve: Resolve, func: Function, context: "lift" | "lower"): CoreFuncType {
  const sig = flattenFunctionType(
    layoutOf(resolve),
    func.params.map((p) => p.type),
    func.result,
    context,
  );
  // Copies: the layout keeps the flattenings it returns.
  return { params: [...sig.params], results: [...sig.results] };
}

function resourceNamed(resolve: Resolve, types: Map<string, TypeId>, name: string): TypeId | undefined {
  const id = types.get(name);
  return id !== undefined && resolve.types[id].kind.kind === "resource" ? id : undefined;
}

/** Checks `module` against `worldId`; throws `ComponentEncodingError` when it does not fit. */
export function fitModule(
  resolve: Resolve,
  world: World,
  module: CoreModuleInfo,
  renamed: Map<string, string> = new Map(),
  role: FitRole = {},
): ModuleFit {
  const importedInterfaces = new Map<string, { key: WorldKey; id: InterfaceId }>();
  const rootFuncs = new Map<string, { key: WorldKey; func: Function }>();
  const rootTypes = new Map<string, TypeId>();
  for (const { key, item } of world.imports.values()) {
    const name = resolve.nameWorldKey(key);
    if (item.kind === "interface") importedInterfaces.set(name, { key, id: item.id });
    else if (item.kind === "function") rootFuncs.set(name, { key, func: item.func });
    else rootTypes.set(resolve.types[item.id].name!, item.id);
  }
  // wit-component's `module_to_interface`: an exact name, else an interface of a semver-compatible version.
  const compatibleImports = new Map<string, { key: WorldKey; id: InterfaceId }>();
  for (const entry of importedInterfaces.values()) {
    if (entry.key.kind !== "interface") continue;
    const i = resolve.interfaces[entry.id];
    const track = resolve.canonicalizedIdOfName(i.package!, i.name!);
    if (!compatibleImports.has(track)) compatibleImports.set(track, entry);
  }
  const importedInterface = (module: string) => {
    const exact = importedInterfaces.get(renamed.get(module) ?? module);
    if (exact) return exact;
    const m = /^([^:/@]+:[^/@]+)\/([^@]+)@(.+)$/.exec(module);
    if (!m) return undefined;
    let track: string;
    try {
      track = `${m[1]}/${m[2]}@${versionCompatTrack(parseVersion(m[3]!))}`;
    } catch {
      return undefined;
    }
    return compatibleImports.get(track);
  };
  const exportedInterfaces = new Map<string, { key: WorldKey; id: InterfaceId }>();
  const rootExportFuncs = new Map<string, { key: WorldKey; func: Function }>();
  for (const { key, item } of world.exports.values()) {
    if (item.kind === "interface") exportedInterfaces.set(resolve.nameWorldKey(key), { key, id: item.id });
    else if (item.kind === "function") rootExportFuncs.set(item.func.name, { key, func: item.func });
  }

  const imports: ImportUse[] = [];
  let importedMemory: ModuleFit["importedMemory"];
  for (const renamedImport of module.imports) {
    // A duplicate import, renamed by `dedupeImports`, is matched by the name it had.
    const before = imports.length;
    const originalName = role.originals?.get(`${renamedImport.module}\0${renamedImport.name}`);
    const original = originalName === undefined ? renamedImport : { ...renamedImport, name: originalName };
    classify(original);
    if (originalName !== undefined && imports.length > before) imports[before]!.name = renamedImport.name;
  }
  function classify(original: CoreImport): void {
    const imp = { ...original, ...legacyImportName(resolve, world, original.module, original.name) };
    const where = `failed to resolve import \`${imp.module}::${imp.name}\``;
    const fail = (msg: string): never => {
      throw new ComponentEncodingError(`module was not valid: ${where}: ${msg}`);
    };
    if (role.adapter && original.module === "env" && original.name === "memory" && original.kind === "memory") {
      imports.push({ kind: "main-memory", module: original.module, name: original.name });
      return;
    }
    // The linker's items; an import it does not list (`env::__wasm_get_stack_pointer`) is classified as usual.
    const item = role.linked?.get(original.module)?.get(original.name);
    if (item) {
      imports.push({ kind: "linked", module: original.module, name: original.name, item });
      return;
    }
    if (role.adapter && original.module === "__main_module__") {
      imports.push({ kind: "main-export", module: original.module, name: original.name, sort: original.kind });
      return;
    }
    if (imp.kind === "memory" && !importedMemory && !rootFuncs.has(imp.module) && !importedInterfaces.has(imp.module)) {
      importedMemory = { module: original.module, name: original.name, limits: imp.memory! };
      return;
    }
    if (imp.kind !== "func") fail("module is only allowed to import functions");
    const sig = imp.type!;
    if (role.adapters?.has(original.module)) {
      imports.push({
        kind: "adapter-export",
        module: original.module,
        name: original.name,
        export: original.name,
        sig,
      });
      return;
    }
    if (original.module === "env") {
      // The stack pointer and TLS base symbols of wasm-ld's threaded output.
      const m = /^__wasm_(get|set)_(stack_pointer|tls_base)$/.exec(original.name);
      const get = m?.[1] === "get";
      const type = get ? sig.results[0] : sig.params[0];
      if (m && (type === "i32" || type === "i64")) {
        const shape = get ? { params: [], results: [type] } : { params: [type], results: [] };
        if (signatureString(shape) !== signatureString(sig)) {
          fail(`type mismatch for function \`${original.name}\`: expected \`${signatureString(shape)}\``);
        }
        if (m[2] === "stack_pointer") {
          const builtin = contextBuiltin(get, 0, type);
          imports.push({ kind: "builtin", module: original.module, name: original.name, builtin });
        } else {
          imports.push({ kind: "tls-base", module: original.module, name: original.name, set: !get, type });
        }
        return;
      }
    }
    const expect = (what: string, expected: CoreFuncType) => {
      try {
        checkSignature(what, expected, sig);
      } catch (e) {
        fail((e as Error).message);
      }
    };
    const taskReturn = /^\[task-return\](.*)$/.exec(imp.name);
    if (imp.module.startsWith("[export]") && taskReturn) {
      const scope = imp.module.slice(8);
      const iface = exportedInterfaces.get(scope);
      const ifaceFunc = iface && resolve.interfaces[iface.id].functions.get(taskReturn[1]!);
      const func =
        scope === "$root"
          ? rootExportFuncs.get(taskReturn[1]!)
          : iface && ifaceFunc
            ? { key: iface.key, func: ifaceFunc }
            : undefined;
      if (!func || !func.func.kind.kind.startsWith("async"))
        fail(`no async export \`${taskReturn[1]}\` to return from`);
      expect(`function \`${imp.name}\``, taskReturnSignature(resolve, func!.func));
      imports.push({
        kind: "task-return",
        module: original.module,
        name: original.name,
        func: func!.func,
        key: func!.key,
      });
      return;
    }
    if (imp.module.startsWith("[export]") && imp.name === "[task-cancel]") {
      expect(`function \`${imp.name}\``, THUNK);
      const builtin: Builtin = {
        name: "task.cancel",
        sig: THUNK,
        memory: false,
        realloc: false,
        write: (w) => w.byte(0x05),
      };
      imports.push({ kind: "builtin", module: original.module, name: original.name, builtin });
      return;
    }
    if (imp.module === "$root") {
      const builtin = rootBuiltin(imp.name);
      if (builtin) {
        expect(`function \`${imp.name}\``, builtin.sig);
        imports.push({ kind: "builtin", module: original.module, name: original.name, builtin });
        return;
      }
    }
    const payload =
      /^(\[async-lower\])?\[(future|stream)-(new|read|write|cancel-read|cancel-write|drop-readable|drop-writable)-(\d+)\](.*)$/.exec(
        imp.name,
      );
    if (payload) {
      const [, asyncLowered, kind, op, nth, funcName] = payload;
      if (asyncLowered && !["read", "write", "cancel-read", "cancel-write"].includes(op!))
        fail(`\`${kind}.${op}\` has no async form`);
      const scope = imp.module.startsWith("[export]") ? imp.module.slice(8) : imp.module;
      const exporting = imp.module.startsWith("[export]");
      let func: Function | undefined;
      if (scope === "$root") func = (exporting ? rootExportFuncs : rootFuncs).get(funcName!)?.func;
      else {
        const iface = exporting ? exportedInterfaces.get(scope) : importedInterface(scope);
        func = iface && resolve.interfaces[iface.id].functions.get(funcName!);
      }
      if (!func) fail(`no function \`${funcName}\` for \`${imp.name}\``);
      const found = futuresAndStreams(resolve, func!);
      const type = found[Number(nth)];
      if (type === undefined || resolve.types[type].kind.kind !== kind) {
        fail(`function \`${funcName}\` has no ${kind} number ${nth}`);
      }
      const payloadType = (resolve.types[type!].kind as { type: Type | undefined }).type;
      const layout = layoutOf(resolve);
      const contents =
        payloadType === undefined
          ? { lists: false, strings: false }
          : {
              lists: layout.contains(payloadType, (x) => x.kind === "list" || x.kind === "map"),
              strings: layout.contains(payloadType, (x) => x.kind === "string"),
            };
      const builtin = futureStreamBuiltin(
        kind as "future" | "stream",
        op!,
        type,
        contents,
        asyncLowered !== undefined,
      )!;
      expect(`function \`${imp.name}\``, builtin.sig);
      imports.push({ kind: "builtin", module: original.module, name: original.name, builtin });
      return;
    }
    const asyncLower = /^\[async-lower\](.*)$/.exec(imp.name);
    if (asyncLower) {
      const rootTarget = rootFuncs.get(asyncLower[1]!);
      const target: { key: WorldKey; func: Function; iface: InterfaceId | undefined } | undefined =
        imp.module === "$root"
          ? rootTarget && { ...rootTarget, iface: undefined }
          : (() => {
              const iface = importedInterface(imp.module);
              const func = iface && resolve.interfaces[iface.id].functions.get(asyncLower[1]!);
              return func && iface ? { key: iface.key, func, iface: iface.id } : undefined;
            })();
      if (!target) fail(`no imported function \`${asyncLower[1]}\` to lower`);
      expect(`function \`${imp.name}\``, asyncCoreSignature(resolve, target!.func, "lower", false));
      imports.push({
        kind: "func",
        module: original.module,
        name: original.name,
        func: target!.func,
        key: target!.key,
        iface: target!.iface,
        async: true,
      });
      return;
    }
    if (ASYNC_INTRINSIC.test(imp.name) || imp.module === "[export]$root") {
      fail(`the async ABI intrinsic \`${imp.name}\` is not supported yet`);
    }
    if (imp.module === "$root") {
      const f = rootFuncs.get(imp.name);
      if (f) {
        expect(`function \`${imp.name}\``, coreSignature(resolve, f.func, "lower"));
        imports.push({
          kind: "func",
          module: original.module,
          name: original.name,
          func: f.func,
          key: f.key,
          iface: undefined,
        });
        return;
      }
      const drop = /^\[resource-drop\](.*)$/.exec(imp.name);
      const resource = drop ? resourceNamed(resolve, rootTypes, drop[1]!) : undefined;
      if (resource !== undefined) {
        expect(`function \`${imp.name}\``, I32_TO_NONE);
        imports.push({ kind: "resource-drop", module: original.module, name: original.name, resource });
        return;
      }
      fail(`no top-level imported function \`${imp.name}\` specified`);
    }
    const exported = imp.module.startsWith("[export]") ? exportedInterfaces.get(imp.module.slice(8)) : undefined;
    if (exported) {
      const m = /^\[resource-(new|rep|drop)\](.*)$/.exec(imp.name);
      const resource = m ? resourceNamed(resolve, resolve.interfaces[exported.id].types, m[2]!) : undefined;
      if (!m || resource === undefined) fail(`unknown function \`${imp.name}\``);
      const op = m![1] as "new" | "rep" | "drop";
      expect(`function \`${imp.name}\``, op === "drop" ? I32_TO_NONE : I32_TO_I32);
      imports.push({
        kind: "exported-resource",
        op,
        module: original.module,
        name: original.name,
        resource: resource!,
      });
      return;
    }
    const iface = importedInterface(imp.module);
    if (!iface) {
      if (imp.module.startsWith("[export]"))
        fail(`module requires an export interface named \`${imp.module.slice(8)}\``);
      fail(`module requires an import interface named \`${imp.module}\``);
    }
    const i = resolve.interfaces[iface!.id];
    const func = i.functions.get(imp.name);
    if (func) {
      const what = `function \`${imp.name}\``;
      try {
        checkSignature(what, coreSignature(resolve, func, "lower"), sig);
      } catch (e) {
        fail(`failed to validate import interface \`${imp.module}\`: ${(e as Error).message}`);
      }
      imports.push({
        kind: "func",
        module: original.module,
        name: original.name,
        func,
        key: iface!.key,
        iface: iface!.id,
      });
      return;
    }
    const drop = /^\[resource-drop\](.*)$/.exec(imp.name);
    const resource = drop ? resourceNamed(resolve, i.types, drop[1]!) : undefined;
    if (resource !== undefined) {
      expect(`function \`${imp.name}\``, I32_TO_NONE);
      imports.push({ kind: "resource-drop", module: original.module, name: original.name, resource });
      return;
    }
    fail(`import interface \`${imp.module}\` is missing function \`${imp.name}\` that is required by the module`);
  }

  const coreExports = new Map(module.exports.map((e) => [legacyExportName(resolve, world, e.name), e]));
  const funcExport = (name: string) => {
    const e = coreExports.get(name);
    return e && e.kind === "func" ? e : undefined;
  };
  const exportFit = (what: string, name: string, expected: CoreFuncType) => {
    const e = funcExport(name);
    if (!e) return undefined;
    try {
      checkSignature(what, expected, e.type);
    } catch (err) {
      throw new ComponentEncodingError(
        `module was not valid: failed to classify export \`${name}\`: ${(err as Error).message}`,
      );
    }
    return e.name;
  };
  const exports: ExportedFunc[] = [];
  const dtors = new Map<TypeId, string>();
  const addFunc = (
    func: Function,
    key: WorldKey,
    iface: InterfaceId | undefined,
    coreName: string,
    missing: string,
  ) => {
    if (func.kind.kind.startsWith("async")) {
      const stackful = funcExport(`[async-lift-stackful]${coreName}`);
      const lifted = stackful ?? funcExport(`[async-lift]${coreName}`);
      if (!lifted) throw new ComponentEncodingError(`module was not valid: ${missing}`);
      let callback: string | undefined;
      if (!stackful) {
        callback = exportFit(`function \`[callback][async-lift]${coreName}\``, `[callback][async-lift]${coreName}`, {
          params: ["i32", "i32", "i32"],
          results: ["i32"],
        });
        if (!callback) {
          throw new ComponentEncodingError(`module was not valid: missing callback for \`[async-lift]${coreName}\``);
        }
      }
      const sig = asyncCoreSignature(resolve, func, "lift", callback !== undefined);
      try {
        checkSignature(`function \`${func.name}\``, sig, lifted.type);
      } catch (err) {
        throw new ComponentEncodingError(
          `module was not valid: failed to classify export \`${lifted.name}\`: ${(err as Error).message}`,
        );
      }
      exports.push({ func, key, iface, coreName: lifted.name, postReturn: undefined, async: { callback } });
      return;
    }
    const e = funcExport(coreName);
    if (!e) throw new ComponentEncodingError(`module was not valid: ${missing}`);
    const sig = coreSignature(resolve, func, "lift");
    try {
      checkSignature(`function \`${func.name}\``, sig, e.type);
    } catch (err) {
      const scope = iface === undefined ? func.name : resolve.nameWorldKey(key);
      throw new ComponentEncodingError(
        `module was not valid: failed to classify export \`${coreName}\`: failed to validate export for \`${scope}\`: ${(err as Error).message}`,
      );
    }
    const postReturn = exportFit(`function \`cabi_post_${coreName}\``, `cabi_post_${coreName}`, {
      params: sig.results,
      results: [],
    });
    exports.push({ func, key, iface, coreName: e.name, postReturn });
  };
  for (const { key, item } of world.exports.values()) {
    if (role.exports && !role.exports.has(resolve.nameWorldKey(key))) continue;
    if (item.kind === "function") {
      addFunc(item.func, key, undefined, item.func.name, `failed to find export of function \`${item.func.name}\``);
    } else if (item.kind === "interface") {
      const name = resolve.nameWorldKey(key);
      const i = resolve.interfaces[item.id];
      for (const func of i.functions.values()) {
        addFunc(
          func,
          key,
          item.id,
          `${name}#${func.name}`,
          `failed to find export of interface \`${name}\` function \`${func.name}\``,
        );
      }
      for (const [tname, id] of i.types) {
        if (resolve.types[id].kind.kind !== "resource") continue;
        const dtor = exportFit(`function \`${name}#[dtor]${tname}\``, `${name}#[dtor]${tname}`, I32_TO_NONE);
        if (dtor) dtors.set(id, dtor);
      }
    }
  }
  const memories = module.exports.filter((e) => e.kind === "memory");
  if (memories.length > 1)
    throw new ComponentEncodingError("cannot componentize module that exports multiple memories");
  const memory = memories[0]?.name;
  if (memory !== undefined && importedMemory)
    throw new ComponentEncodingError("module both imports and exports a memory");
  // `thread.new-indirect` uses the main module's table.
  if (
    !role.adapter &&
    !role.linked &&
    imports.some((i) => i.kind === "builtin" && i.builtin.indirectTable) &&
    !module.exports.some((e) => e.kind === "table" && e.name === "__indirect_function_table")
  )
    throw new ComponentEncodingError(
      "module was not valid: `[thread-new-indirect-v0]` needs the module to export its function table as `__indirect_function_table`",
    );
  const realloc = exportFit("function `cabi_realloc`", "cabi_realloc", REALLOC);
  const importRealloc = exportFit("function `cabi_import_realloc`", "cabi_import_realloc", REALLOC) ?? realloc;
  const exportRealloc = exportFit("function `cabi_export_realloc`", "cabi_export_realloc", REALLOC) ?? realloc;
  const initialize = exportFit("function `_initialize`", "_initialize", THUNK);
  const adapterRealloc = exportFit("function `cabi_realloc_adapter`", "cabi_realloc_adapter", REALLOC) ?? realloc;
  const taskHook = exportFit("function `__wasm_task_hook`", "__wasm_task_hook", I32_TO_NONE);
  const classified = new Set<string>();
  for (const e of exports) {
    classified.add(e.coreName);
    if (e.postReturn !== undefined) classified.add(e.postReturn);
    if (e.async?.callback !== undefined) classified.add(e.async.callback);
  }
  for (const name of dtors.values()) classified.add(name);
  for (const name of [memory, realloc, importRealloc, exportRealloc, initialize, adapterRealloc, taskHook]) {
    if (name !== undefined) classified.add(name);
  }
  for (const e of module.exports) {
    if (e.kind === "table" && e.name === "__indirect_function_table") classified.add(e.name);
    if (e.kind === "func" && e.name === "canonical_abi_realloc") classified.add(e.name);
  }
  return {
    imports,
    exports,
    dtors,
    memory,
    importRealloc,
    exportRealloc,
    initialize,
    importedMemory,
    realloc,
    adapterRealloc,
    taskHook,
    classified,
  };
}

/**
 * The standard `cm32p2` names (BuildTargets.md) in the legacy scheme: import
 * modules `cm32p2` (the world), `cm32p2|<interface>` and
 * `cm32p2|_ex_<interface>` (intrinsics of exported resources), fields
 * `<resource>_drop`/`_new`/`_rep`; exports `cm32p2||<func>`,
 * `cm32p2|<interface>|<func>`, `..._post`, `<resource>_dtor`,
 * `cm32p2_memory`, `cm32p2_realloc`, `cm32p2_initialize`. An interface is
 * named as the world names it, or by its id with the version's
 * semver-compatible track (`ns:pkg/i@0.2`).
 */
const CM32 = "cm32p2";

function worldName(resolve: Resolve, world: World, name: string): string {
  for (const { key } of [...world.imports.values(), ...world.exports.values()]) {
    const full = resolve.nameWorldKey(key);
    if (full === name) return full;
    if (key.kind === "interface") {
      const i = resolve.interfaces[key.id];
      if (resolve.canonicalizedIdOfName(i.package!, i.name!) === name) return full;
    }
  }
  return name;
}

function legacyField(name: string, ops: string[]): string {
  const m = /^(.*)_([a-z]+)$/.exec(name);
  if (m && ops.includes(m[2]!)) return `[resource-${m[2]}]${m[1]}`;
  return name;
}

export function legacyImportName(
  resolve: Resolve,
  world: World,
  module: string,
  name: string,
): { module: string; name: string } {
  if (module === CM32) return { module: "$root", name: legacyField(name, ["drop"]) };
  if (!module.startsWith(`${CM32}|`)) return { module, name };
  const rest = module.slice(CM32.length + 1);
  if (rest.startsWith("_ex_")) {
    return {
      module: `[export]${worldName(resolve, world, rest.slice(4))}`,
      name: legacyField(name, ["new", "rep", "drop"]),
    };
  }
  return { module: worldName(resolve, world, rest), name: legacyField(name, ["drop"]) };
}

export function legacyExportName(resolve: Resolve, world: World, name: string): string {
  if (name === `${CM32}_memory`) return "memory";
  if (name === `${CM32}_realloc`) return "cabi_realloc";
  if (name === `${CM32}_initialize`) return "_initialize";
  if (!name.startsWith(`${CM32}|`)) return name;
  const bar = name.indexOf("|", CM32.length + 1);
  if (bar < 0) return name;
  const iface = name.slice(CM32.length + 1, bar);
  let item = name.slice(bar + 1);
  const post = item.endsWith("_post");
  if (post) item = item.slice(0, -5);
  const dtor = /^(.*)_dtor$/.exec(item);
  const prefix = iface === "" ? "" : `${worldName(resolve, world, iface)}#`;
  if (dtor && iface !== "") return `${prefix}[dtor]${dtor[1]}`;
  return post ? `cabi_post_${prefix}${item}` : `${prefix}${item}`;
}
