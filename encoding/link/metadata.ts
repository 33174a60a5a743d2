/**
 * What the linker needs to know about a dynamic library (a module following
 * the tool conventions' DynamicLinking.md): its `dylink.0` section (memory
 * and table needs, needed libraries, symbol flags), and its imports and
 * exports sorted into the roles the conventions give them: `env` memory,
 * table and globals, functions and tags imported from other libraries through
 * `env`, data addresses through `GOT.mem`, function addresses through
 * `GOT.func`, the linker-provided symbols (`__heap_base`, `__stack_pointer`,
 * TLS intrinsics, ...), and the exported symbols.
 */
import { readCoreSubType } from "../core-types.js";
import type { CoreFuncType } from "../core-module.js";
import { decodeComponentTypeSections } from "../decode/index.js";
import { BinaryError, readSections, Reader } from "../reader.js";
import { skipConstExpr } from "../core-types.js";
import { globalType, readImportType, showRaw, type RawType } from "./read.js";
import { ComponentEncodingError } from "../validate.js";
import type { FunctionType, ValueType } from "./module.js";

export const ENV = "env";
export const GOT_MEM = "GOT.mem";
export const GOT_FUNC = "GOT.func";
export const MEMORY = "memory";
export const MEMORY_BASE = "__memory_base";
export const TABLE_BASE = "__table_base";
export const STACK_POINTER = "__stack_pointer";
export const INIT_STACK_POINTER = "__init_stack_pointer";
export const ASYNCIFY_DATA = "__asyncify_data";
export const ASYNCIFY_STATE = "__asyncify_state";
export const INDIRECT_FUNCTION_TABLE = "__indirect_function_table";
export const HEAP_BASE = "__heap_base";
export const HEAP_END = "__heap_end";
export const STACK_HIGH = "__stack_high";
export const STACK_LOW = "__stack_low";
export const APPLY_DATA_RELOCS = "__wasm_apply_data_relocs";
export const CALL_CTORS = "__wasm_call_ctors";
export const INITIALIZE = "_initialize";
export const START = "_start";
export const LIBDL_LIBRARIES = "__wasm_libdl_libraries";
export const TASK_HOOK = "__wasm_task_hook";
export const ROOT = "$root";
export const THREAD_NEW_INDIRECT = "[thread-new-indirect-v0]";
export const CONTEXT_GET_1 = "[context-get-1]";
export const GET_STACK_POINTER = "__wasm_get_stack_pointer";
export const SET_STACK_POINTER = "__wasm_set_stack_pointer";
export const GET_TLS_BASE = "__wasm_get_tls_base";
export const SET_TLS_BASE = "__wasm_set_tls_base";
export const PROGRAM_TLS_INFO = "__wasm_program_tls_info";
export const LIBRARY_TLS_INFO = "__wasm_library_tls_info";

/** `WASM_SYM_BINDING_WEAK` in `dylink.0` symbol flags. */
export const BINDING_WEAK = 0x1;

/** The type of an imported or exported symbol. */
export type SymbolType =
  | { kind: "function"; fn: FunctionType }
  | { kind: "global"; ty: ValueType; mutable: boolean; shared: boolean }
  | { kind: "tag"; fn: FunctionType };

export interface Symbol {
  name: string;
  ty: SymbolType;
  flags: number;
}

/** An import from an adapter module, which the main module imports once and re-exports as `module:name`. */
export interface AdapterImport extends Symbol {
  module: string;
}

export interface MemInfo {
  memorySize: number;
  /** log2 of the memory alignment. */
  memoryAlignment: number;
  tableSize: number;
  /** log2 of the table alignment. */
  tableAlignment: number;
}

/** Linking metadata of one library. Sets are sorted (by code point, then type) like wit-component's. */
export interface Metadata {
  name: string;
  dlOpenable: boolean;
  memInfo: MemInfo;
  neededLibs: string[];
  runtimePath: string[];
  hasDataRelocs: boolean;
  hasCtors: boolean;
  hasInitialize: boolean;
  hasWasiStart: boolean;
  needsLibdlLibraries: boolean;
  /** Its `component-type` world has exports. */
  hasComponentExports: boolean;
  isAsyncified: boolean;
  needsStackPointer: boolean;
  needsInitStackPointer: boolean;
  needsHeapBase: boolean;
  needsHeapEnd: boolean;
  needsStackHigh: boolean;
  needsStackLow: boolean;
  needsGetTlsBase: boolean;
  needsSetTlsBase: boolean;
  needsProgramTlsInfo: boolean;
  usesThreadNewIndirect: boolean;
  hasLibraryTlsInfo: boolean;
  /** Functions imported from `env` (from other libraries). */
  envImports: { name: string; fn: FunctionType; flags: number }[];
  /** Data addresses imported from `GOT.mem`. */
  memoryAddressImports: string[];
  /** Function addresses imported from `GOT.func`. */
  tableAddressImports: string[];
  tagImports: { name: string; fn: FunctionType }[];
  exports: Symbol[];
  /** Imports from adapter modules. */
  imports: AdapterImport[];
  /** Every import of the module, as written. */
  rawImports: { module: string; name: string; sort: "func" | "table" | "memory" | "global" | "tag" }[];
}

// ------------------------------------------------------------------ ordering and display

/** Compares strings by code point, which is the byte order of their UTF-8 encodings. */
export function compareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

const VALUE_ORDER: Record<ValueType, number> = { I32: 0, I64: 1, F32: 2, F64: 3 };

function compareLists(a: ValueType[], b: ValueType[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = VALUE_ORDER[a[i]!] - VALUE_ORDER[b[i]!];
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

export function compareFunctionTypes(a: FunctionType, b: FunctionType): number {
  return compareLists(a.params, b.params) || compareLists(a.results, b.results);
}

const KIND_ORDER = { function: 0, global: 1, tag: 2 } as const;

export function compareSymbolTypes(a: SymbolType, b: SymbolType): number {
  if (a.kind !== b.kind) return KIND_ORDER[a.kind] - KIND_ORDER[b.kind];
  if (a.kind === "global" && b.kind === "global") {
    return VALUE_ORDER[a.ty] - VALUE_ORDER[b.ty] || +a.mutable - +b.mutable || +a.shared - +b.shared;
  }
  return compareFunctionTypes((a as { fn: FunctionType }).fn, (b as { fn: FunctionType }).fn);
}

export function functionTypeKey(fn: FunctionType): string {
  return `${fn.params.join(",")}>${fn.results.join(",")}`;
}

/** A string equal for two symbol types exactly when they are equal. */
export function symbolTypeKey(ty: SymbolType): string {
  switch (ty.kind) {
    case "function":
      return `f:${functionTypeKey(ty.fn)}`;
    case "tag":
      return `t:${functionTypeKey(ty.fn)}`;
    case "global":
      return `g:${ty.ty}:${+ty.mutable}:${+ty.shared}`;
  }
}

/** A symbol's name and type as one map key. */
export function symbolKey(name: string, ty: SymbolType): string {
  return `${name}\u0000${symbolTypeKey(ty)}`;
}

function showFunctionType(fn: FunctionType): string {
  return `[${fn.params.join(", ")}] -> [${fn.results.join(", ")}]`;
}

/** `name (function [I32] -> [I32])`, as wit-component writes a symbol in messages. */
export function showSymbol(name: string, ty: SymbolType): string {
  switch (ty.kind) {
    case "function":
      return `${name} (function ${showFunctionType(ty.fn)})`;
    case "tag":
      return `${name} (tag ${showFunctionType(ty.fn)})`;
    case "global":
      return `${name} (global ${ty.mutable ? "mut " : ""}${ty.ty})`;
  }
}

// ------------------------------------------------------------------ dylink.0

interface Dylink0 {
  memInfo: MemInfo | undefined;
  needed: string[];
  runtimePath: string[];
  exportInfo: Map<string, number>;
  importInfo: Map<string, number>;
}

function importInfoKey(module: string, field: string): string {
  return `${module}\u0000${field}`;
}

/** Reads the subsections of a `dylink.0` custom section into `into`. */
export function readDylink0(r: Reader, into: Dylink0): void {
  while (!r.done) {
    const ty = r.u8();
    const size = r.u32();
    const s = r.sub(size);
    switch (ty) {
      case 1:
        into.memInfo = { memorySize: s.u32(), memoryAlignment: s.u32(), tableSize: s.u32(), tableAlignment: s.u32() };
        break;
      case 2:
        into.needed = s.vec((s) => s.name());
        break;
      case 3:
        s.vec((s) => into.exportInfo.set(s.name(), s.u32()));
        break;
      case 4:
        s.vec((s) => {
          const module = s.name();
          const field = s.name();
          into.importInfo.set(importInfoKey(module, field), s.u32());
        });
        break;
      case 5:
        into.runtimePath.push(...s.vec((s) => s.name()));
        break;
      default:
        throw new ComponentEncodingError(`unrecognized \`dylink.0\` subsection: ${ty}`);
    }
  }
}

/** The `dylink.0` contents of a module; memory and table needs default to none (with alignment 2). */
export function readDylinkInfo(wasm: Uint8Array): Dylink0 & { memInfo: MemInfo } {
  const info: Dylink0 = {
    memInfo: undefined,
    needed: [],
    runtimePath: [],
    exportInfo: new Map(),
    importInfo: new Map(),
  };
  for (const s of readSections(wasm)) {
    if (s.id === 0 && s.name === "dylink.0") readDylink0(new Reader(wasm, s.dataStart!, s.end), info);
  }
  return { ...info, memInfo: info.memInfo ?? { memorySize: 0, memoryAlignment: 1, tableSize: 0, tableAlignment: 1 } };
}

// ------------------------------------------------------------------ module structure

const SORTS = ["func", "table", "memory", "global", "tag"] as const;

function valueType(t: string): ValueType {
  switch (t) {
    case "i32":
      return "I32";
    case "i64":
      return "I64";
    case "f32":
      return "F32";
    case "f64":
      return "F64";
    default:
      throw new ComponentEncodingError(`${t === "v128" ? "V128" : t} not yet supported`);
  }
}

/**
 * The linking metadata of a library. Throws `ComponentEncodingError`
 * ("failed to extract linking metadata from NAME: ...") for a module the
 * conventions do not allow.
 */
export function readMetadata(
  name: string,
  dlOpenable: boolean,
  wasm: Uint8Array,
  adapterNames: ReadonlySet<string> = new Set(),
): Metadata {
  try {
    return readMetadataUnchecked(name, dlOpenable, wasm, adapterNames);
  } catch (e) {
    if (e instanceof ComponentEncodingError || e instanceof BinaryError || (e as Error)?.name === "DecodeError") {
      throw new ComponentEncodingError(`failed to extract linking metadata from ${name}: ${(e as Error).message}`);
    }
    throw e;
  }
}

function componentExports(wasm: Uint8Array, sections: ReturnType<typeof readSections>): boolean {
  if (!sections.some((s) => s.id === 0 && s.name!.startsWith("component-type"))) return false;
  const decoded = decodeComponentTypeSections(wasm);
  if (!decoded) return false;
  return decoded.bindgen.resolve.worlds[decoded.bindgen.world]!.exports.size > 0;
}

function readMetadataUnchecked(
  name: string,
  dlOpenable: boolean,
  wasm: Uint8Array,
  adapterNames: ReadonlySet<string>,
): Metadata {
  const sections = readSections(wasm);
  const dylink = readDylinkInfo(wasm);
  const m: Metadata = {
    name,
    dlOpenable,
    memInfo: dylink.memInfo,
    neededLibs: dylink.needed,
    runtimePath: dylink.runtimePath,
    hasDataRelocs: false,
    hasCtors: false,
    hasInitialize: false,
    hasWasiStart: false,
    needsLibdlLibraries: false,
    hasComponentExports: componentExports(wasm, sections),
    isAsyncified: false,
    needsStackPointer: false,
    needsInitStackPointer: false,
    needsHeapBase: false,
    needsHeapEnd: false,
    needsStackHigh: false,
    needsStackLow: false,
    needsGetTlsBase: false,
    needsSetTlsBase: false,
    needsProgramTlsInfo: false,
    usesThreadNewIndirect: false,
    hasLibraryTlsInfo: false,
    envImports: [],
    memoryAddressImports: [],
    tableAddressImports: [],
    tagImports: [],
    exports: [],
    imports: [],
    rawImports: [],
  };

  const types: (CoreFuncType | undefined)[] = [];
  const funcTypes: number[] = [];
  const globalTypes: { ty: string; mutable: boolean; shared: boolean }[] = [];
  const tagTypes: number[] = [];
  const fnType = (index: number): FunctionType => {
    const t = types[index];
    if (!t) throw new ComponentEncodingError(`type index ${index} is not a function type`);
    return { params: t.params.map(valueType), results: t.results.map(valueType) };
  };
  const importFlags = (module: string, field: string) => dylink.importInfo.get(importInfoKey(module, field)) ?? 0;
  const memAddrs = new Set<string>();
  const tableAddrs = new Set<string>();

  for (const s of sections) {
    const r = new Reader(wasm, s.start, s.end);
    switch (s.id) {
      case 1:
        r.vec((r) => {
          if (r.peek() === 0x4e) {
            r.u8();
            r.vec((r) => types.push(readCoreSubType(r)));
          } else types.push(readCoreSubType(r));
        });
        break;
      case 2:
        r.vec((r) => {
          const module = r.name();
          const field = r.name();
          const t = readImportType(r);
          if (t.sort === "func") funcTypes.push(t.type);
          else if (t.sort === "global") globalTypes.push(t);
          else if (t.sort === "tag") tagTypes.push(t.type);
          m.rawImports.push({ module, name: field, sort: t.sort });
          classifyImport(m, module, field, t, { fnType, importFlags, adapterNames, memAddrs, tableAddrs });
        });
        break;
      case 3:
        r.vec((r) => funcTypes.push(r.u32()));
        break;
      case 6:
        r.vec((r) => {
          globalTypes.push(globalType(r));
          skipConstExpr(r);
        });
        break;
      case 13:
        r.vec((r) => {
          r.u8();
          tagTypes.push(r.u32());
        });
        break;
      case 7:
        r.vec((r) => {
          const field = r.name();
          const kind = SORTS[r.u8()];
          const index = r.u32();
          switch (field) {
            case APPLY_DATA_RELOCS:
              m.hasDataRelocs = true;
              return;
            case CALL_CTORS:
              m.hasCtors = true;
              return;
            case INITIALIZE:
              m.hasInitialize = true;
              return;
            case START:
              m.hasWasiStart = true;
              return;
            case LIBRARY_TLS_INFO:
              m.hasLibraryTlsInfo = true;
              return;
          }
          let ty: SymbolType;
          if (kind === "func") {
            const t = funcTypes[index];
            if (t === undefined) throw new ComponentEncodingError(`export \`${field}\` refers to a missing function`);
            ty = { kind: "function", fn: fnType(t) };
          } else if (kind === "global") {
            const g = globalTypes[index];
            if (!g) throw new ComponentEncodingError(`export \`${field}\` refers to a missing global`);
            ty = { kind: "global", ty: valueType(g.ty), mutable: g.mutable, shared: g.shared };
          } else if (kind === "tag") {
            const t = tagTypes[index];
            if (t === undefined) throw new ComponentEncodingError(`export \`${field}\` refers to a missing tag`);
            ty = { kind: "tag", fn: fnType(t) };
          } else {
            const shown = kind ? kind[0]!.toUpperCase() + kind.slice(1) : "unknown";
            throw new ComponentEncodingError(`unsupported export kind for ${field}: ${shown}`);
          }
          m.exports.push({ name: field, ty, flags: dylink.exportInfo.get(field) ?? 0 });
        });
        break;
    }
  }

  m.memoryAddressImports = [...memAddrs].sort(compareStrings);
  m.tableAddressImports = [...tableAddrs].sort(compareStrings);
  m.envImports = dedupe(
    m.envImports,
    (a, b) => compareStrings(a.name, b.name) || compareFunctionTypes(a.fn, b.fn) || a.flags - b.flags,
  );
  m.tagImports = dedupe(m.tagImports, (a, b) => compareStrings(a.name, b.name) || compareFunctionTypes(a.fn, b.fn));
  m.exports = dedupe(m.exports, (a, b) => compareStrings(a.name, b.name) || compareSymbolTypes(a.ty, b.ty));
  m.imports = dedupe(
    m.imports,
    (a, b) =>
      compareStrings(a.module, b.module) ||
      compareStrings(a.name, b.name) ||
      compareSymbolTypes(a.ty, b.ty) ||
      a.flags - b.flags,
  );
  return m;
}

/** Sorted, without repeats (as a Rust `BTreeSet` holds them). */
function dedupe<T>(items: T[], cmp: (a: T, b: T) => number): T[] {
  const sorted = [...items].sort(cmp);
  return sorted.filter((x, i) => i === 0 || cmp(sorted[i - 1]!, x) !== 0);
}

interface ClassifyContext {
  fnType(index: number): FunctionType;
  importFlags(module: string, field: string): number;
  adapterNames: ReadonlySet<string>;
  memAddrs: Set<string>;
  tableAddrs: Set<string>;
}

function classifyImport(m: Metadata, module: string, field: string, t: RawType, cx: ClassifyContext): void {
  const typeError = (): never => {
    throw new ComponentEncodingError(`unexpected type for ${module}:${field}: ${showRaw(t)}`);
  };
  const isI32Global = t.sort === "global" && t.ty === "i32";
  if (module === ENV) {
    switch (field) {
      case MEMORY:
        if (t.sort !== "memory") typeError();
        return;
      case ASYNCIFY_DATA:
      case ASYNCIFY_STATE:
        m.isAsyncified = true;
        if (!isI32Global) typeError();
        return;
      case MEMORY_BASE:
      case TABLE_BASE:
      case STACK_POINTER:
      case INIT_STACK_POINTER:
        if (!isI32Global) typeError();
        if (field === STACK_POINTER) m.needsStackPointer = true;
        if (field === INIT_STACK_POINTER) m.needsInitStackPointer = true;
        return;
      case INDIRECT_FUNCTION_TABLE:
        if (t.sort !== "table" || t.max || t.ref !== "funcref") typeError();
        return;
      case GET_STACK_POINTER:
      case SET_STACK_POINTER:
      case GET_TLS_BASE:
      case SET_TLS_BASE:
        if (t.sort !== "func") typeError();
        if (field === GET_TLS_BASE) m.needsGetTlsBase = true;
        if (field === SET_TLS_BASE) m.needsSetTlsBase = true;
        return;
    }
    if (t.sort === "func") {
      m.envImports.push({ name: field, fn: cx.fnType(t.type), flags: cx.importFlags(ENV, field) });
    } else if (t.sort === "tag" && t.attribute === 0) {
      m.tagImports.push({ name: field, fn: cx.fnType(t.type) });
    } else typeError();
    return;
  }
  if (module === GOT_MEM) {
    if (!isI32Global) typeError();
    switch (field) {
      case HEAP_BASE:
        m.needsHeapBase = true;
        break;
      case HEAP_END:
        m.needsHeapEnd = true;
        break;
      case STACK_HIGH:
        m.needsStackHigh = true;
        break;
      case STACK_LOW:
        m.needsStackLow = true;
        break;
      case LIBDL_LIBRARIES:
        m.needsLibdlLibraries = true;
        break;
      case PROGRAM_TLS_INFO:
        m.needsProgramTlsInfo = true;
        break;
      default:
        cx.memAddrs.add(field);
    }
    return;
  }
  if (module === GOT_FUNC) {
    if (!isI32Global) typeError();
    cx.tableAddrs.add(field);
    return;
  }
  if (module === ROOT && field === THREAD_NEW_INDIRECT) {
    m.usesThreadNewIndirect = true;
    return;
  }
  if (cx.adapterNames.has(module)) {
    let ty: SymbolType;
    if (t.sort === "global") ty = { kind: "global", ty: valueType(t.ty), mutable: t.mutable, shared: t.shared };
    else if (t.sort === "func") ty = { kind: "function", fn: cx.fnType(t.type) };
    else throw new ComponentEncodingError(`unsupported import kind for ${module}.${field}: ${showRaw(t)}`);
    m.imports.push({ module, name: field, ty, flags: cx.importFlags(module, field) });
    return;
  }
  if (t.sort !== "func" && t.sort !== "global") typeError();
}
