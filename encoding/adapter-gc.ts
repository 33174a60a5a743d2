/**
 * The garbage-collection pass over adapter modules that `component
 * --adapt NAME=adapter.wasm` runs before embedding an adapter, as
 * wit-component's `gc.rs` does it.
 *
 * An adapter (such as the WASI preview1 adapter) is a core module that
 * implements, on top of component-model imports, the functions a main module
 * imports from it. A main module uses only a few of them, so the adapter is
 * reduced to the exports that are required — those the main module imports
 * and those the adapter's own world needs — and to what those reach: its
 * functions, types, globals, tables and memories, and so its imports. That
 * matters beyond size: every import the reduced adapter keeps becomes an
 * import of the component.
 *
 * The pass:
 *
 * 1. parses the module, which may contain only types (function types, no
 *    GC), imports, functions, tables, memories, globals, exports, code and
 *    custom sections — any other section is refused, since an adapter cannot
 *    meaningfully have data or element segments or a start function;
 * 2. keeps the `required` exports, removing the others the way an
 *    `IndexMap::swap_remove` does (which decides the order of the exports
 *    left);
 * 3. computes liveness from those exports with a worklist, walking function
 *    bodies (with `core-code.ts`), global initializers, table element types
 *    and the value types of function types;
 * 4. re-encodes the live items with new indices, in gc.rs's order, every
 *    instruction canonically (as wasm-encoder re-encodes it), and adds what
 *    the adapter needs around the main module:
 *    - its import of `__main_module__` `cabi_realloc` (or
 *      `canonical_abi_realloc`) is renamed to the realloc the main module
 *      exports, or, when it exports none, replaced by a local function that
 *      allocates pages with `memory.grow` (`realloc_via_memory_grow`);
 *    - a mutable i32 global named `__stack_pointer` gets a stack: lazily
 *      allocated with the main module's realloc on entry to every exported
 *      function (an injected `allocate_stack`) when there also is an
 *      `allocation_state` global and a main realloc, else by a start
 *      function `allocate_stack` calling the realloc (or
 *      `realloc_via_memory_grow`);
 *    - a `name` section with the names of the live functions and globals
 *      (and of the functions added), and the `producers` section.
 *
 * Errors are `ComponentEncodingError`s with wit-component's messages. Where
 * gc.rs would panic (a `try_table`, a type mentioned only by a local
 * declaration or a block's result type) this pass throws, or marks the
 * type live, instead.
 */
import { readCoreLimits, type CoreLimits } from "./core-types.js";
import {
  EDIT_FUNC,
  EDIT_GLOBAL,
  EDIT_KINDS,
  EDIT_MEMORY,
  EDIT_TABLE,
  EDIT_TYPE,
  readValType,
  rewriteCompactBody,
  rewriteExpr,
  rewriteFunctionBody,
  scanBody,
  scanCompactBody,
  scanExpr,
  type CompactBody,
  type ScannedBody,
  valTypeIndex,
  writeU64,
  writeValType,
  type Immediate,
  type IndexKind,
  type ValType,
} from "./core-code.js";
import { BinaryError, readHeader, readSections, Reader } from "./reader.js";
import { ComponentEncodingError } from "./validate.js";
import { ByteWriter } from "./writer.js";

/** Options of `gcAdapter`. */
export interface GcAdapterOptions {
  /**
   * Check the input with the engine's `WebAssembly.validate` first (the
   * default). Turning it off lets through modules using proposals the engine
   * does not implement; the pass then trusts its input.
   */
  validate?: boolean;
}

/**
 * Reduces the adapter core module `wasm` to the exports `required` and what
 * they use, for a main module exporting the realloc `mainModuleRealloc`
 * (`undefined` when it exports none, or when allocating with `memory.grow`
 * is wanted). Returns the new module.
 */
export function gcAdapter(
  wasm: Uint8Array,
  required: Iterable<string>,
  mainModuleRealloc: string | undefined,
  options: GcAdapterOptions = {},
): Uint8Array {
  const names = new Set(required);
  if (names.size === 0) throw new ComponentEncodingError("an adapter must be reduced to at least one export");
  try {
    // A plain view (not a Node.js Buffer, whose views are slower to make).
    const bytes = new Uint8Array(wasm.buffer, wasm.byteOffset, wasm.byteLength);
    const module = parseAdapter(bytes, options.validate ?? true);
    // Make sure all the required names are exported, then remove the others.
    for (const name of names) {
      if (!module.exports.some((e) => e.name === name)) {
        throw new ComponentEncodingError(`adapter module does not have export \`${name}\``);
      }
    }
    const notRequired = module.exports.filter((e) => !names.has(e.name)).map((e) => e.name);
    for (const name of notRequired) swapRemove(module.exports, name);
    liveness(module);
    return encode(module, mainModuleRealloc);
  } catch (e) {
    if (e instanceof BinaryError) throw new ComponentEncodingError(e.message);
    throw e;
  }
}

/** `IndexMap::swap_remove`: the last export takes the place of the one removed. */
function swapRemove(exports: Export[], name: string): void {
  const i = exports.findIndex((e) => e.name === name);
  const last = exports.pop()!;
  if (i < exports.length) exports[i] = last;
}

// ------------------------------------------------------------------ model

/** Where a range of the input holds an item's definition. */
interface Range {
  start: number;
  end: number;
}

interface Import {
  module: string;
  name: string;
}

interface FuncType {
  params: ValType[];
  results: ValType[];
}

interface Func {
  type: number;
  /** Set for an imported function. */
  import?: Import;
  /** The body of a local function (locals and code, without its size). */
  body?: Range;
  /** Its immediates, once the liveness pass has decoded it (compactly, unless that failed). */
  scanned?: CompactBody | ScannedBody;
}

interface Table {
  import?: Import;
  element: ValType;
  limits: CoreLimits;
}

interface Memory {
  import?: Import;
  limits: CoreLimits;
}

interface Global {
  import?: Import;
  type: ValType;
  mutable: boolean;
  shared: boolean;
  /** The initializer of a local global (instructions and `end`). */
  init?: Range;
}

interface Export {
  name: string;
  /** 0 function, 1 table, 2 memory, 3 global, 4 tag. */
  kind: number;
  index: number;
}

interface Module {
  bytes: Uint8Array;
  types: FuncType[];
  funcs: Func[];
  tables: Table[];
  memories: Memory[];
  globals: Global[];
  exports: Export[];
  funcNames: Map<number, string>;
  globalNames: Map<number, string>;
  producers: Map<string, Map<string, string>> | undefined;
  live: Record<"types" | "funcs" | "tables" | "memories" | "globals", Set<number>>;
}

// ---------------------------------------------------------------- parsing

const fail = (message: string): never => {
  throw new ComponentEncodingError(message);
};

/** Parses (and, unless told otherwise, validates) the adapter. */
function parseAdapter(bytes: Uint8Array, validate: boolean): Module {
  if (readHeader(bytes) === "component") fail("adapter must be a core wasm module, not a component");
  if (validate && !WebAssembly.validate(bytes as BufferSource)) {
    let reason = "";
    try {
      new WebAssembly.Module(bytes as BufferSource);
    } catch (e) {
      reason = `: ${(e as Error).message}`;
    }
    fail(`adapter module is not a valid core wasm module${reason}`);
  }
  const m: Module = {
    bytes,
    types: [],
    funcs: [],
    tables: [],
    memories: [],
    globals: [],
    exports: [],
    funcNames: new Map(),
    globalNames: new Map(),
    producers: undefined,
    live: { types: new Set(), funcs: new Set(), tables: new Set(), memories: new Set(), globals: new Set() },
  };
  let nextCode = 0;
  for (const s of readSections(bytes)) {
    const r = new Reader(bytes, s.start, s.end);
    switch (s.id) {
      case 0:
        r.pos = s.dataStart!;
        if (s.name === "name") parseNames(m, r);
        else if (s.name === "producers") parseProducers(m, r);
        continue;
      case 1:
        r.vec(() => m.types.push(funcType(r)));
        break;
      case 2:
        r.vec(() => parseImport(m, r));
        break;
      case 3:
        nextCode = m.funcs.length;
        r.vec(() => m.funcs.push({ type: r.u32() }));
        break;
      case 4:
        r.vec(() => m.tables.push(tableDef(r)));
        break;
      case 5:
        r.vec(() => m.memories.push({ limits: readCoreLimits(r) }));
        break;
      case 6:
        r.vec(() => {
          const g = globalType(r);
          const start = r.pos;
          r.pos = scanExpr(bytes, start, s.end, () => {}, true);
          m.globals.push({ ...g, init: { start, end: r.pos } });
        });
        break;
      case 7:
        r.vec(() => m.exports.push({ name: r.name(), kind: r.u8(), index: r.u32() }));
        break;
      case 10:
        r.vec(() => {
          const size = r.u32();
          const func = m.funcs[nextCode++];
          if (!func) r.fail("more function bodies than functions");
          func.body = { start: r.pos, end: r.pos + size };
          r.take(size);
        });
        break;
      default:
        // Sections that can't appear in the specially-crafted adapter module.
        fail(`unsupported section \`${s.id}\` in adapter`);
    }
    if (!r.done) r.fail("section size mismatch: unexpected data at the end of the section");
  }
  if (m.funcs.some((f) => !f.import && !f.body)) fail("function and code section have inconsistent lengths");
  return m;
}

/**
 * A type: only a function type, alone (a recursion group of one type is
 * accepted), and final without supertypes, as wasmparser's
 * `into_iter_err_on_gc_types` reads them.
 */
function funcType(r: Reader): FuncType {
  const at = r.pos;
  const gc = (): never => fail(`gc proposal not supported (at offset 0x${at.toString(16)})`);
  if (r.peek() === 0x4e) {
    r.u8();
    if (r.u32() !== 1) gc();
  }
  if (r.peek() === 0x50) gc();
  if (r.peek() === 0x4f) {
    r.u8();
    if (r.u32() !== 0) gc();
  }
  const form = r.u8();
  if (form === 0x5d) fail(`stack switching proposal not supported (at offset 0x${at.toString(16)})`);
  if (form !== 0x60) gc();
  return { params: r.vec(() => readValType(r)), results: r.vec(() => readValType(r)) };
}

function tableType(r: Reader): { element: ValType; limits: CoreLimits } {
  return { element: readValType(r), limits: readCoreLimits(r) };
}

/** A table definition: a table type, or `0x40 0x00`, a table type and an initializer. */
function tableDef(r: Reader): Table {
  if (r.peek() !== 0x40) return tableType(r);
  r.u8();
  if (r.u8() !== 0) r.fail("invalid table encoding");
  const t = tableType(r);
  r.pos = scanExpr(r.bytes, r.pos, r.end, () => {}, true);
  return t;
}

function globalType(r: Reader): Omit<Global, "import" | "init"> {
  const type = readValType(r);
  const flags = r.u8();
  return { type, mutable: (flags & 1) !== 0, shared: (flags & 2) !== 0 };
}

function parseImport(m: Module, r: Reader): void {
  const imp = { module: r.name(), name: r.name() };
  const kind = r.u8();
  switch (kind) {
    case 0x00:
      m.funcs.push({ type: r.u32(), import: imp });
      return;
    case 0x01:
      m.tables.push({ ...tableType(r), import: imp });
      return;
    case 0x02:
      m.memories.push({ limits: readCoreLimits(r), import: imp });
      return;
    case 0x03:
      m.globals.push({ ...globalType(r), import: imp });
      return;
    case 0x04:
      fail("unsupported `tag` type");
      return;
    default:
      fail(`unsupported import kind 0x${kind.toString(16)}`);
  }
}

/**
 * The `name` section: the function (1) and global (7) names. A malformed
 * section stops the parse silently, keeping the names read so far, as
 * gc.rs ignores errors there.
 */
function parseNames(m: Module, r: Reader): void {
  try {
    while (!r.done) {
      const id = r.u8();
      const sub = r.sub(r.u32());
      if (id === 0) {
        sub.name();
        if (!sub.done) sub.fail("trailing data at the end of a name");
      } else if (id === 1 || id === 7) {
        const into = id === 1 ? m.funcNames : m.globalNames;
        const n = sub.u32();
        for (let i = 0; i < n; i++) into.set(sub.u32(), sub.name());
        if (!sub.done) sub.fail("unexpected data at the end of the section");
      }
    }
  } catch (e) {
    if (!(e instanceof BinaryError)) throw e;
  }
}

/** The `producers` section, kept unless malformed (wasm-metadata's reading: fields by name, later values winning). */
function parseProducers(m: Module, r: Reader): void {
  try {
    const fields = new Map<string, Map<string, string>>();
    const n = r.u32();
    for (let i = 0; i < n; i++) {
      const at = r.pos;
      const field = r.name();
      if (field !== "language" && field !== "sdk" && field !== "processed-by") {
        r.fail(`invalid producers field name: \`${field}\``, at);
      }
      const values = new Map<string, string>();
      const count = r.u32();
      for (let j = 0; j < count; j++) values.set(r.name(), r.name());
      fields.set(field, values);
    }
    if (!r.done) r.fail("unexpected data at the end of the section");
    m.producers = fields;
  } catch (e) {
    if (!(e instanceof BinaryError)) throw e;
  }
}

// --------------------------------------------------------------- liveness

/**
 * Marks everything the exports reach. Discovering a live item pushes it on
 * a worklist with the walk of its definition, so deep call graphs need no
 * recursion.
 */
function liveness(m: Module): void {
  const worklist: Array<() => void> = [];
  const mark = (space: keyof Module["live"], i: number, walk?: () => void) => {
    if (m.live[space].has(i)) return;
    m.live[space].add(i);
    if (walk) worklist.push(walk);
  };
  const ty = (i: number): void =>
    mark("types", i, () => {
      const t = m.types[i]!;
      for (const v of [...t.params, ...t.results]) valty(v);
    });
  const valty = (v: ValType) => {
    const i = valTypeIndex(v);
    if (i !== undefined) ty(i);
  };
  const immediates = (imms: Immediate[]) => {
    for (const imm of imms) {
      if (imm.kind) use(imm.kind, imm.value as number);
    }
  };
  // Data and element segments and tags can't exist in an adapter; locals and labels aren't items.
  const use = (kind: IndexKind, i: number) => {
    switch (kind) {
      case "type":
        return ty(i);
      case "func":
        return func(i);
      case "global":
        return global(i);
      case "table":
        return table(i);
      case "memory":
        return memory(i);
    }
  };
  const useCode = (code: number, i: number) => {
    switch (code) {
      case EDIT_TYPE:
        return ty(i);
      case EDIT_FUNC:
        return func(i);
      case EDIT_GLOBAL:
        return global(i);
      case EDIT_TABLE:
        return table(i);
      case EDIT_MEMORY:
        return memory(i);
    }
  };
  const func = (i: number): void =>
    mark("funcs", i, () => {
      const f = m.funcs[i]!;
      ty(f.type);
      if (!f.body) return;
      // Kept for the rewrite, which then need not decode the body again.
      const compact = scanCompactBody(m.bytes, f.body.start, f.body.end, useCode, REFUSED);
      if (compact) {
        immediates(compact.locals.immediates);
        f.scanned = compact;
        return;
      }
      // The compact scan only handles well-formed bodies: the general one says what is wrong.
      let scanned: ScannedBody;
      try {
        scanned = scanBody(m.bytes, f.body.start, f.body.end, REFUSED);
      } catch (e) {
        if (e instanceof BinaryError && e.message.startsWith(TRY_TABLE)) fail(TRY_TABLE);
        throw e;
      }
      immediates(scanned.body);
      immediates(scanned.locals.immediates);
      f.scanned = scanned;
    });
  const global = (i: number): void =>
    mark("globals", i, () => {
      const init = m.globals[i]!.init;
      if (init) scanExpr(m.bytes, init.start, init.end, (ins) => immediates(ins.immediates));
    });
  const table = (i: number): void => mark("tables", i, () => valty(m.tables[i]!.element));
  const memory = (i: number): void => mark("memories", i);

  for (const e of m.exports) {
    if (e.kind === 4) fail("unsupported exported tag");
    use((["func", "table", "memory", "global"] as const)[e.kind]!, e.index);
  }
  for (let walk = worklist.pop(); walk; walk = worklist.pop()) walk();
}

/** The live items of a space with their old indices, in index order. */
function live<T>(items: T[], set: Set<number>): Array<[number, T]> {
  return items.flatMap((item, i) => (set.has(i) ? [[i, item] as [number, T]] : []));
}

/** The live mutable i32 global named `name`, if there is one. */
function findMutI32Global(m: Module, name: string): number | undefined {
  const found = live(m.globals, m.live.globals)
    .filter(([i, g]) => g.mutable && g.type.kind === "num" && g.type.code === 0x7f && m.globalNames.get(i) === name)
    .map(([i]) => i);
  if (found.length > 1) fail(`found ${found.length} mutable i32 globals with name ${name}`);
  return found[0];
}

// --------------------------------------------------------------- encoding

/** Old index → new index in one index space. */
class Remap {
  private map = new Map<number, number>();
  /** The next index of the new index space. */
  next = 0;

  push(old: number): void {
    this.map.set(old, this.next++);
  }

  get(old: number): number {
    const v = this.map.get(old);
    if (v === undefined) return fail(`can't map ${old} to a new index`);
    return v;
  }
}

const PAGE_SIZE = 65536;
const I32 = 0x7f;

/** Instruction encodings used by the functions this pass adds. */
const ins = {
  i32Const: (w: ByteWriter, v: number) => w.byte(0x41).sleb(v),
  localGet: (w: ByteWriter, i: number) => w.byte(0x20).u32(i),
  globalGet: (w: ByteWriter, i: number) => w.byte(0x23).u32(i),
  globalSet: (w: ByteWriter, i: number) => w.byte(0x24).u32(i),
  call: (w: ByteWriter, i: number) => w.byte(0x10).u32(i),
  /** `if` (empty block type) `unreachable` `end`. */
  trapIf: (w: ByteWriter) => w.byte(0x04).byte(0x40).byte(0x00).byte(0x0b),
};

/**
 * `cabi_realloc` in terms of `memory.grow`: it only accepts new, page-sized
 * allocations (the stack), trapping otherwise or when the memory can't grow.
 */
function reallocViaMemoryGrow(): Uint8Array {
  const w = new ByteWriter();
  w.u32(1).u32(1).byte(I32); // one i32 local (4)
  // Assert `old_ptr` and `old_len` are zero and `new_len` is a page.
  for (const [value, param] of [
    [0, 0],
    [0, 1],
    [PAGE_SIZE, 3],
  ] as const) {
    ins.i32Const(w, value);
    ins.localGet(w, param);
    w.byte(0x47); // i32.ne
    ins.trapIf(w);
  }
  // Grow the memory by one page, trapping on failure (-1).
  ins.i32Const(w, 1);
  w.byte(0x40).u32(0); // memory.grow 0
  w.byte(0x22).u32(4); // local.tee 4
  ins.i32Const(w, -1);
  w.byte(0x46); // i32.eq
  ins.trapIf(w);
  ins.localGet(w, 4);
  ins.i32Const(w, 16);
  w.byte(0x74); // i32.shl
  return w.byte(0x0b).finish();
}

/**
 * `allocate_stack`: a page from `realloc` becomes the stack, `sp` pointing
 * at its end. With `allocationState` it runs once only: the global goes
 * from unallocated (0) to allocating (1) to allocated (2).
 */
function allocateStackViaRealloc(realloc: number, sp: number, allocationState: number | undefined): Uint8Array {
  const w = new ByteWriter();
  w.u32(0); // no locals
  if (allocationState !== undefined) {
    ins.globalGet(w, allocationState);
    ins.i32Const(w, 0);
    w.byte(0x46); // i32.eq
    w.byte(0x04).byte(0x40); // if
    ins.i32Const(w, 1);
    ins.globalSet(w, allocationState);
  }
  for (const v of [0, 0, 8, PAGE_SIZE]) ins.i32Const(w, v);
  ins.call(w, realloc);
  ins.i32Const(w, PAGE_SIZE);
  w.byte(0x6a); // i32.add
  ins.globalSet(w, sp);
  if (allocationState !== undefined) {
    ins.i32Const(w, 2);
    ins.globalSet(w, allocationState);
    w.byte(0x0b); // end (if)
  }
  return w.byte(0x0b).finish();
}

/** `limits` as wasm-encoder writes a memory or table type's. */
function writeLimits(w: ByteWriter, l: CoreLimits): void {
  const flags =
    (l.max !== undefined ? 1 : 0) | (l.shared ? 2 : 0) | (l.memory64 ? 4 : 0) | (l.pageSizeLog2 !== undefined ? 8 : 0);
  w.byte(flags);
  writeU64(w, l.min);
  if (l.max !== undefined) writeU64(w, l.max);
  if (l.pageSizeLog2 !== undefined) w.u32(l.pageSizeLog2);
}

/** The entries of a section being written, and their count. */
class Entries extends ByteWriter {
  count = 0;

  /** Where the next entry goes. */
  add(): this {
    this.count++;
    return this;
  }
}

/** Whether an import is the adapter's import of the main module's realloc. */
const isRealloc = (imp: Import) =>
  imp.module === "__main_module__" && (imp.name === "canonical_abi_realloc" || imp.name === "cabi_realloc");

/** Encodes the live part of `m` with the additions described above, section by section as gc.rs does. */
function encode(m: Module, mainModuleRealloc: string | undefined): Uint8Array {
  const map = {
    types: new Remap(),
    funcs: new Remap(),
    memories: new Remap(),
    globals: new Remap(),
    tables: new Remap(),
  };
  const spaces: Partial<Record<IndexKind, Remap>> = {
    type: map.types,
    func: map.funcs,
    global: map.globals,
    table: map.tables,
    memory: map.memories,
  };
  const remap = (kind: IndexKind, i: number): number => spaces[kind]?.get(i) ?? i;
  const remapCode = (code: number, i: number): number => spaces[EDIT_KINDS[code]!]!.get(i);
  const mapType = (i: number) => map.types.get(i);

  // Sections, each an entry count and the entries.
  const types = new Entries();
  const imports = new Entries();
  const funcs: number[] = [];
  const tables = new Entries();
  const memories = new Entries();
  const globals = new Entries();
  let codeSize = 64;
  for (const i of m.live.funcs) {
    const body = m.funcs[i]!.body;
    if (body) codeSize += body.end - body.start + 8;
  }
  const code = new Entries(codeSize);
  const importEntry = (imp: Import, name: string, desc: (w: ByteWriter) => void) =>
    desc(imports.add().name(imp.module).name(name));
  const funcTypeEntry = (params: ValType[], results: ValType[]) => {
    const w = types.add().byte(0x60);
    w.vec(params, (ww, t) => writeValType(ww, t, mapType));
    w.vec(results, (ww, t) => writeValType(ww, t, mapType));
    return types.count - 1;
  };
  const i32 = { kind: "num", code: I32 } as const;
  const addReallocType = () => funcTypeEntry([i32, i32, i32, i32], [i32]);
  const addEmptyType = () => funcTypeEntry([], []);
  const addCode = (body: Uint8Array) => code.add().u32(body.length).raw(body);

  // Keep track of the last empty function type to reuse for a start function.
  let emptyType: number | undefined;
  for (const [i, t] of live(m.types, m.live.types)) {
    map.types.push(i);
    funcTypeEntry(t.params, t.results);
    if (t.params.length === 0 && t.results.length === 0) emptyType = map.types.get(i);
  }

  let numMemories = 0;
  for (const [i, mem] of live(m.memories, m.live.memories)) {
    map.memories.push(i);
    if (mem.import) importEntry(mem.import, mem.import.name, (w) => writeLimits(w.byte(0x02), mem.limits));
    else writeLimits(memories.add(), mem.limits);
    numMemories++;
  }

  for (const [i, t] of live(m.tables, m.live.tables)) {
    map.tables.push(i);
    const tableType = (w: ByteWriter) => {
      writeValType(w, t.element, mapType);
      writeLimits(w, { ...t.limits, pageSizeLog2: undefined });
    };
    if (t.import) importEntry(t.import, t.import.name, (w) => tableType(w.byte(0x01)));
    else tableType(tables.add());
  }

  for (const [i, g] of live(m.globals, m.live.globals)) {
    map.globals.push(i);
    const globalType = (w: ByteWriter) => {
      writeValType(w, g.type, mapType);
      return w.byte((g.mutable ? 1 : 0) | (g.shared ? 2 : 0));
    };
    if (g.import) importEntry(g.import, g.import.name, (w) => globalType(w.byte(0x03)));
    else rewriteExpr(m.bytes, g.init!.start, g.init!.end, remap, globalType(globals.add()), CANON);
  }

  // Functions: first a new index for every function, then the bodies, so
  // that every index is known before instructions are rewritten. The
  // imported realloc is kept (renamed) only when the main module exports one.
  let reallocIndex: number | undefined;
  let numFuncImports = 0;
  const liveFuncs = live(m.funcs, m.live.funcs);
  const imported = liveFuncs.filter(([, f]) => f.import && (!isRealloc(f.import) || mainModuleRealloc !== undefined));
  const local = liveFuncs.filter(([, f]) => !f.import || (isRealloc(f.import) && mainModuleRealloc === undefined));

  for (const [i, f] of imported) {
    map.funcs.push(i);
    const ty = map.types.get(f.type);
    let name = f.import!.name;
    if (isRealloc(f.import!)) {
      // The main module exports a realloc, maybe under another name.
      reallocIndex = numFuncImports;
      name = mainModuleRealloc ?? name;
    }
    importEntry(f.import!, name, (w) => w.byte(0x00).u32(ty));
    numFuncImports++;
  }

  const sp = findMutI32Global(m, "__stack_pointer");
  const allocationState = findMutI32Global(m, "allocation_state");
  const funcNames: Array<[number, string]> = [];

  if (mainModuleRealloc !== undefined && sp !== undefined && reallocIndex === undefined) {
    // The adapter doesn't import the main module's realloc, but its stack
    // will be allocated with it: import it, in a reserved index.
    map.funcs.next++;
    reallocIndex = numFuncImports;
    const type = addReallocType();
    importEntry({ module: "__main_module__", name: mainModuleRealloc }, mainModuleRealloc, (w) =>
      w.byte(0x00).u32(type),
    );
    funcNames.push([numFuncImports, mainModuleRealloc]);
    numFuncImports++;
  }

  for (const [i, f] of local) {
    map.funcs.push(i);
    funcs.push(map.types.get(f.type));
    if (f.import) {
      // The imported realloc the main module doesn't export: defined here instead.
      reallocIndex = numFuncImports + funcs.length - 1;
      addCode(reallocViaMemoryGrow());
    }
  }

  // With a stack pointer, the main module's realloc and a global to
  // short-circuit reentrance, the stack is allocated lazily.
  let lazyStackInit: number | undefined;
  if (sp !== undefined && allocationState !== undefined && mainModuleRealloc !== undefined) {
    lazyStackInit = numFuncImports + funcs.length;
    map.funcs.next++;
    funcs.push(addEmptyType());
  }

  const exportedFuncs = new Set(m.exports.filter((e) => e.kind === 0).map((e) => e.index));
  const prologue = lazyStackInit !== undefined ? ins.call(new ByteWriter(8), lazyStackInit).finish() : undefined;
  const body = new ByteWriter(4096);
  for (const [i, f] of liveFuncs) {
    if (!f.body) continue;
    const before = exportedFuncs.has(i) ? prologue : undefined;
    const scanned = f.scanned!;
    body.length = 0;
    if ("edits" in scanned) rewriteCompactBody(m.bytes, f.body.start, f.body.end, scanned, remapCode, body, before);
    else rewriteFunctionBody(m.bytes, f.body.start, f.body.end, remap, body, { ...CANON, prologue: before, scanned });
    code.add().u32(body.length).append(body);
  }

  // Note: like gc.rs, the stack functions use the stack pointer's and the
  // allocation state's indices of the input (only the start function's
  // stack pointer is remapped).
  if (lazyStackInit !== undefined) addCode(allocateStackViaRealloc(reallocIndex!, sp!, allocationState));

  if (sp !== undefined && (reallocIndex === undefined || allocationState === undefined)) {
    // No realloc from the main module, or no way to short-circuit reentrance
    // into it: allocate the stack with `memory.grow`.
    reallocIndex = numFuncImports + funcs.length;
    funcs.push(addReallocType());
    addCode(reallocViaMemoryGrow());
  }

  // A start function initializes the stack pointer when there is one and a
  // memory, and no lazy allocation.
  let start: number | undefined;
  if (sp !== undefined && lazyStackInit === undefined && numMemories > 0) {
    if (numMemories !== 1) fail("adapter modules don't support multi-memory");
    start = numFuncImports + funcs.length;
    funcs.push(emptyType ?? addEmptyType());
    funcNames.push([start, "allocate_stack"]);
    addCode(allocateStackViaRealloc(reallocIndex!, map.globals.get(sp), allocationState));
  }

  // Sanity checks: no element segments means no use for tables; one memory at most, imported.
  if (m.live.tables.size !== 0) fail("tables should not be present in the final adapter module");
  if (m.live.memories.size > 1) fail("the adapter module should not use multi-memory");
  if (memories.count !== 0) fail("locally-defined memories are not allowed define a local memory");

  const out = new ByteWriter(code.length + 4096).raw([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
  const section = (id: number, entries: Entries) => {
    if (entries.count) out.vecSection(id, entries.count, entries);
  };
  const exportKinds = [map.funcs, map.tables, map.memories, map.globals];
  const funcSection = new Entries();
  for (const t of funcs) funcSection.add().u32(t);
  const exportSection = new Entries();
  for (const e of m.exports) exportSection.add().name(e.name).byte(e.kind).u32(exportKinds[e.kind]!.get(e.index));
  section(1, types);
  section(2, imports);
  section(3, funcSection);
  section(4, tables);
  section(5, memories);
  section(6, globals);
  section(7, exportSection);
  if (start !== undefined) out.section(8, new ByteWriter().u32(start));
  section(10, code);

  // A `name` section with the names of the input, for the live items.
  const globalNames: Array<[number, string]> = [];
  for (const [i] of liveFuncs) {
    const name = m.funcNames.get(i);
    if (name !== undefined) funcNames.push([map.funcs.get(i), name]);
  }
  for (const [i] of live(m.globals, m.live.globals)) {
    const name = m.globalNames.get(i);
    if (name !== undefined) globalNames.push([map.globals.get(i), name]);
  }
  if (reallocIndex !== undefined && (mainModuleRealloc === undefined || allocationState === undefined)) {
    funcNames.push([reallocIndex, "realloc_via_memory_grow"]);
  }
  if (lazyStackInit !== undefined) funcNames.push([lazyStackInit, "allocate_stack"]);
  const names = new ByteWriter();
  for (const [id, list] of [
    [0x01, funcNames],
    [0x07, globalNames],
  ] as const) {
    if (list.length === 0) continue;
    names.byte(id).sized(new ByteWriter().vec(list, (w, [i, n]) => w.u32(i).name(n)));
  }
  if (names.length) out.custom("name", names.finish());
  if (m.producers) {
    const p = new ByteWriter().vec([...m.producers], (w, [field, values]) =>
      w.name(field).vec([...values], (ww, [n, v]) => ww.name(n).name(v)),
    );
    out.custom("producers", p.finish());
  }
  return out.finish();
}

const TRY_TABLE = "`try_table` is not supported in adapter modules";
/** Instructions the GC refuses, as gc.rs does (it has no way to remap their catch clauses). */
const REFUSED = new Map([["try_table", TRY_TABLE]]);

/** Every instruction is re-encoded canonically, as wasm-encoder does when gc.rs re-encodes them. */
const CANON = { canonical: true } as const;
