/**
 * The synthesized main module (the libraries' `env`): it owns the memory and
 * the function table, lays out the stack, each library's data and table
 * slots, the `dlopen`/`dlsym` tables and the TLS bookkeeping, and exports a
 * global for every address a library imports (`NAME:memory_base`,
 * `NAME:table_base`, `NAME:sym` for `GOT.mem`/`GOT.func`, `__heap_base`, ...)
 * and a `call_indirect` trampoline for every function in `envExports`.
 *
 * Memory layout: the stack (`[0, stackSize)`, growing down from
 * `__stack_pointer`), the `dlopen` tables, the TLS arrays, each library's
 * data (aligned as its `mem-info` asks), then the heap from `__heap_base`
 * (16-aligned) to `__heap_end` (the end of the initial memory).
 * Table layout: slot 0 is the null function; then the `dlopen`-able
 * functions, each library's slots, then the trampolines' targets.
 */
import { producersSection } from "../metadata.js";
import {
  ASYNCIFY_DATA,
  ASYNCIFY_STATE,
  BINDING_WEAK,
  CONTEXT_GET_1,
  GET_TLS_BASE,
  HEAP_BASE,
  HEAP_END,
  INDIRECT_FUNCTION_TABLE,
  INIT_STACK_POINTER,
  LIBDL_LIBRARIES,
  MEMORY,
  PROGRAM_TLS_INFO,
  ROOT,
  SET_TLS_BASE,
  STACK_HIGH,
  STACK_LOW,
  STACK_POINTER,
  START,
  symbolKey,
  type AdapterImport,
  type Metadata,
} from "./metadata.js";
import { Code, ModuleBuilder, type ExternSort, type FunctionType } from "./module.js";
import { CABI_REALLOC, STUB_LIBRARY_NAME, type EnvExport } from "./resolve.js";
import { ComponentEncodingError } from "../validate.js";

export const PAGE_SIZE = 65536;
/** LLVM's default stack size. */
export const DEFAULT_STACK_SIZE = 16 * PAGE_SIZE;
const HEAP_ALIGNMENT = 16;

export function align(a: number, b: number): number {
  return Math.ceil(a / b) * b;
}

const encoder = new TextEncoder();

class Bytes {
  private parts: number[] = [];
  get length(): number {
    return this.parts.length;
  }
  u32(v: number): void {
    this.parts.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
  }
  /** The bytes, then zeros up to a multiple of 4. */
  padded(bytes: Uint8Array): void {
    this.parts.push(...bytes);
    while (this.parts.length % 4 !== 0) this.parts.push(0);
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

/**
 * The `dlopen`/`dlsym` lookup tables, in linear memory at `memoryBase`:
 *
 *     struct name { u32 length; u8 *data; };
 *     struct symbol { struct name name; void *address; };
 *     struct library { struct name name; u32 count; struct symbol *symbols; };
 *     struct libraries { u32 count; struct library *libraries; };
 *
 * Names are not NUL-terminated; libraries and symbols are sorted by name
 * (bytewise) so that lookups can bisect. A function's address is its table
 * slot (from `tableBase`, filled by the init module); a global's address is
 * written at instantiation time by the init module (`globalAddresses`).
 */
export interface DlOpenables {
  tableBase: number;
  memoryBase: number;
  buffer: Uint8Array;
  /** Words of the buffer to fill with `exporter:memory_base + exporter.export`. */
  globalAddresses: { library: string; export: string; address: number }[];
  /** For each `dlopen`-able library (in list order), its functions in table order. */
  functions: { library: string; name: string; fn: FunctionType }[];
  /** Address of the `struct libraries`. */
  librariesAddress: number;
}

export function dlOpenables(tableBase: number, memoryBase: number, metadata: readonly Metadata[]): DlOpenables {
  const buf = new Bytes();
  const globalAddresses: DlOpenables["globalAddresses"] = [];
  const functions: DlOpenables["functions"] = [];
  const libraries: { name: Uint8Array; nameAddress: number; count: number; symbols: number }[] = [];
  for (const m of metadata) {
    if (!m.dlOpenable) continue;
    const name = encoder.encode(m.name);
    const nameAddress = memoryBase + buf.length;
    buf.padded(name);
    const symbols: { name: Uint8Array; nameAddress: number; global?: string; slot?: number }[] = [];
    for (const e of m.exports) {
      const bytes = encoder.encode(e.name);
      const addr = memoryBase + buf.length;
      buf.padded(bytes);
      if (e.ty.kind === "function") {
        symbols.push({ name: bytes, nameAddress: addr, slot: tableBase + functions.length });
        functions.push({ library: m.name, name: e.name, fn: e.ty.fn });
      } else if (e.ty.kind === "global") symbols.push({ name: bytes, nameAddress: addr, global: e.name });
    }
    symbols.sort((a, b) => compareBytes(a.name, b.name));
    const start = buf.length;
    for (const s of symbols) {
      buf.u32(s.name.length);
      buf.u32(s.nameAddress);
      if (s.global !== undefined)
        globalAddresses.push({ library: m.name, export: s.global, address: memoryBase + buf.length });
      buf.u32(s.slot ?? 0);
    }
    libraries.push({ name, nameAddress, count: symbols.length, symbols: memoryBase + start });
  }
  libraries.sort((a, b) => compareBytes(a.name, b.name));
  const start = buf.length;
  for (const l of libraries) {
    buf.u32(l.name.length);
    buf.u32(l.nameAddress);
    buf.u32(l.count);
    buf.u32(l.symbols);
  }
  const librariesAddress = memoryBase + buf.length;
  buf.u32(libraries.length);
  buf.u32(memoryBase + start);
  return { tableBase, memoryBase, buffer: buf.finish(), globalAddresses, functions, librariesAddress };
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/**
 * Thread-local storage bookkeeping:
 *
 *     struct { size_t num_libraries; void **library_info; void **main_thread_tls_base; }
 *       __wasm_program_tls_info;
 *
 * The `main_thread_tls_base` array (one slot per library with TLS, left
 * zero) comes first, then the `library_info` array (filled by the init
 * module), then the struct itself. Nothing is reserved when no library uses
 * TLS; the second half only when some library imports
 * `__wasm_program_tls_info`.
 */
export interface TlsLayout {
  mainThreadTlsBase: number;
  libraryInfo: number;
  programInfo: number;
  /** Per library (by index), its slot in the arrays, if it has TLS. */
  slots: (number | undefined)[];
  buffer: Uint8Array;
}

export function tlsLayout(metadata: readonly Metadata[], memoryOffset: { value: number }): TlsLayout {
  const needsTlsBase = metadata.some((m) => m.needsGetTlsBase || m.needsSetTlsBase);
  const needsProgramInfo = metadata.some((m) => m.needsProgramTlsInfo);
  const empty: TlsLayout = {
    mainThreadTlsBase: 0,
    libraryInfo: 0,
    programInfo: 0,
    slots: [],
    buffer: new Uint8Array(),
  };
  if (!needsTlsBase && !needsProgramInfo) return empty;
  const slots: (number | undefined)[] = metadata.map(() => undefined);
  let count = 0;
  metadata.forEach((m, i) => {
    if (m.hasLibraryTlsInfo) slots[i] = count++;
  });
  memoryOffset.value = align(memoryOffset.value, 4);
  const mainThreadTlsBase = memoryOffset.value;
  memoryOffset.value += count * 4;
  let libraryInfo = 0;
  let programInfo = 0;
  const buf = new Bytes();
  if (needsProgramInfo) {
    libraryInfo = memoryOffset.value;
    memoryOffset.value += count * 4;
    programInfo = memoryOffset.value;
    memoryOffset.value += 12;
    buf.u32(count);
    buf.u32(libraryInfo);
    buf.u32(mainThreadTlsBase);
  }
  return { mainThreadTlsBase, libraryInfo, programInfo, slots, buffer: buf.finish() };
}

export interface EnvModule {
  wasm: Uint8Array;
  dl: DlOpenables;
  tls: TlsLayout;
  /** First table slot of the trampolines' targets. */
  indirectionTableBase: number;
  /** Names of the main module's exports. */
  exports: Set<string>;
}

/** Exports `name` from the main module as `MODULE:NAME` for an adapter import. */
export function adapterImportExportName(i: { module: string; name: string }): string {
  return `${i.module}:${i.name}`;
}

export function makeEnvModule(
  metadata: readonly Metadata[],
  envExports: readonly EnvExport[],
  cabiReallocExporter: string | undefined,
  stackSize: number,
): EnvModule {
  const b = new ModuleBuilder();
  const exports: { name: string; sort: ExternSort; index: number }[] = [];
  const exportLater = (name: string, sort: ExternSort, index: number) => exports.push({ name, sort, index });

  // Imports: functions and globals of adapters the libraries use, and the libraries' `_start`.
  const reexports: { import: AdapterImport; sort: ExternSort; index: number }[] = [];
  const imported = new Set<string>();
  let wasiStart: number | undefined;
  for (const m of metadata) {
    for (const imp of m.imports) {
      const key = `${imp.module}\u0000${symbolKey(imp.name, imp.ty)}`;
      if (imported.has(key) || imp.ty.kind === "tag") continue;
      imported.add(key);
      if (imp.ty.kind === "function") {
        const index = b.importFunc(imp.module, imp.name, b.type(imp.ty.fn.params, imp.ty.fn.results));
        reexports.push({ import: imp, sort: "func", index });
      } else {
        const index = b.importGlobal(imp.module, imp.name, imp.ty.ty, imp.ty.mutable);
        reexports.push({ import: imp, sort: "global", index });
      }
    }
    if (m.hasWasiStart) {
      if (wasiStart !== undefined) throw new ComponentEncodingError(`multiple libraries export ${START}`);
      wasiStart = b.importFunc(m.name, START, b.type([], []));
    }
  }
  if (cabiReallocExporter !== undefined) {
    const index = b.importFunc(cabiReallocExporter, CABI_REALLOC, b.type(["I32", "I32", "I32", "I32"], ["I32"]));
    exportLater(CABI_REALLOC, "func", index);
  }
  // With threads, each thread's TLS base lives in `context.get 1`.
  const usesTlsBase = metadata.some((m) => m.needsGetTlsBase || m.needsSetTlsBase);
  const contextGet =
    usesTlsBase && metadata.some((m) => m.usesThreadNewIndirect)
      ? b.importFunc(ROOT, CONTEXT_GET_1, b.type([], ["I32"]))
      : undefined;

  const global = (name: string, value: number, mutable: boolean) => {
    exportLater(name, "global", b.global("I32", mutable, value));
  };

  const memoryOffset = { value: stackSize };
  // Slot 0 of the table is the null function pointer, as wasm-ld lays it out.
  let tableOffset = 1;
  const dl = dlOpenables(tableOffset, memoryOffset.value, metadata);
  if (metadata.some((m) => m.needsLibdlLibraries)) global(LIBDL_LIBRARIES, dl.librariesAddress, true);
  tableOffset += dl.functions.length;
  memoryOffset.value += dl.buffer.length;

  const tls = tlsLayout(metadata, memoryOffset);
  if (metadata.some((m) => m.needsProgramTlsInfo)) global(PROGRAM_TLS_INFO, tls.programInfo, true);
  if (metadata.some((m) => m.needsStackPointer)) global(STACK_POINTER, stackSize, true);
  if (metadata.some((m) => m.needsInitStackPointer)) global(INIT_STACK_POINTER, stackSize, false);
  if (metadata.some((m) => m.isAsyncified)) {
    global(ASYNCIFY_STATE, 0, true);
    global(ASYNCIFY_DATA, 0, true);
  }
  if (metadata.some((m) => m.needsStackHigh)) global(STACK_HIGH, stackSize, true);
  if (metadata.some((m) => m.needsStackLow)) global(STACK_LOW, 0, true);

  for (const m of metadata) {
    memoryOffset.value = align(memoryOffset.value, 2 ** m.memInfo.memoryAlignment);
    tableOffset = align(tableOffset, 2 ** m.memInfo.tableAlignment);
    global(`${m.name}:memory_base`, memoryOffset.value, false);
    global(`${m.name}:table_base`, tableOffset, false);
    memoryOffset.value += m.memInfo.memorySize;
    tableOffset += m.memInfo.tableSize;
    // Filled in by the init module.
    for (const name of m.memoryAddressImports) global(`${m.name}:${name}`, 0, true);
  }

  const slots = new Map<string, { slot: number; stub: boolean }>();
  envExports.forEach((e, i) => {
    if (!slots.has(e.name)) {
      slots.set(e.name, { slot: tableOffset + i, stub: metadata[e.exporter]!.name === STUB_LIBRARY_NAME });
    }
  });
  for (const m of metadata) {
    for (const name of m.tableAddressImports) {
      const { slot, stub } = slots.get(name)!;
      // A weak function left undefined (stubbed) has the null address, as a weak undefined symbol should.
      const weakUndefined = stub && m.envImports.some((i) => i.name === name && (i.flags & BINDING_WEAK) !== 0);
      global(`${m.name}:${name}`, weakUndefined ? 0 : slot, true);
    }
  }

  memoryOffset.value = align(memoryOffset.value, HEAP_ALIGNMENT);
  if (metadata.some((m) => m.needsHeapBase)) global(HEAP_BASE, memoryOffset.value, true);
  const heapEnd = align(memoryOffset.value, PAGE_SIZE);
  if (metadata.some((m) => m.needsHeapEnd)) global(HEAP_END, heapEnd, true);

  const indirectionTableBase = tableOffset;
  for (const e of envExports) {
    const type = b.type(e.fn.params, e.fn.results);
    const code = new Code();
    e.fn.params.forEach((_, i) => code.localGet(i));
    code.i32Const(tableOffset).callIndirect(type, 0);
    exportLater(e.name, "func", b.func(type, code));
    tableOffset++;
  }

  // `__wasm_{get,set}_tls_base` for each library importing them, over its slot of the TLS arrays.
  metadata.forEach((m, i) => {
    const slot = tls.slots[i];
    if (slot === undefined) {
      // A library without TLS of its own should never call these.
      if (m.needsGetTlsBase)
        exportLater(`${m.name}:${GET_TLS_BASE}`, "func", b.func(b.type([], ["I32"]), new Code().unreachable()));
      if (m.needsSetTlsBase)
        exportLater(`${m.name}:${SET_TLS_BASE}`, "func", b.func(b.type(["I32"], []), new Code().unreachable()));
      return;
    }
    const offset = slot * 4;
    if (m.needsGetTlsBase) {
      const code = new Code();
      if (contextGet !== undefined) code.call(contextGet);
      else code.i32Const(tls.mainThreadTlsBase);
      code.i32Load(offset);
      exportLater(`${m.name}:${GET_TLS_BASE}`, "func", b.func(b.type([], ["I32"]), code));
    }
    if (m.needsSetTlsBase) {
      const code = new Code();
      if (contextGet !== undefined) {
        // The main thread's context is zero until a base is set: write through to the main thread's array.
        code.call(contextGet).localTee(1).i32Eqz().if_();
        code.i32Const(tls.mainThreadTlsBase).localGet(0).i32Store(offset);
        code.else_().localGet(1).localGet(0).i32Store(offset).end();
      } else code.i32Const(tls.mainThreadTlsBase).localGet(0).i32Store(offset);
      const locals = contextGet !== undefined ? (["I32"] as const) : [];
      exportLater(`${m.name}:${SET_TLS_BASE}`, "func", b.func(b.type(["I32"], []), code, [...locals]));
    }
  });

  for (const r of reexports) exportLater(adapterImportExportName(r.import), r.sort, r.index);
  if (wasiStart !== undefined) exportLater(START, "func", wasiStart);

  exportLater(INDIRECT_FUNCTION_TABLE, "table", b.table(tableOffset));
  exportLater(MEMORY, "memory", b.memory(heapEnd / PAGE_SIZE));
  for (const e of exports) b.export(e.name, e.sort, e.index);
  b.custom("producers", producersSection());
  return {
    wasm: b.finish(),
    dl,
    tls,
    indirectionTableBase,
    exports: new Set(exports.map((e) => e.name)),
  };
}
