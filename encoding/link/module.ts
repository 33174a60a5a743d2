/**
 * A small builder for the core modules the linker synthesizes (the main
 * module, the init module, the stubs library and libdl): function types
 * interned, imports before definitions so that indices are final when they
 * are handed out, and function bodies written with `Code`.
 */
import { ByteWriter } from "../writer.js";

/** A core value type of the dynamic-linking conventions (no vectors or references). */
export type ValueType = "I32" | "I64" | "F32" | "F64";

export interface FunctionType {
  params: ValueType[];
  results: ValueType[];
}

export const VALTYPE_BYTE: Record<ValueType, number> = { I32: 0x7f, I64: 0x7e, F32: 0x7d, F64: 0x7c };

export type ExternSort = "func" | "table" | "memory" | "global" | "tag";
const SORT_BYTE: Record<ExternSort, number> = { func: 0, table: 1, memory: 2, global: 3, tag: 4 };

/** A function body's instructions, written as bytes. */
export class Code {
  readonly w = new ByteWriter();

  op(...bytes: number[]): this {
    for (const b of bytes) this.w.byte(b);
    return this;
  }
  unreachable(): this {
    return this.op(0x00);
  }
  block(): this {
    return this.op(0x02, 0x40);
  }
  loop(): this {
    return this.op(0x03, 0x40);
  }
  if_(): this {
    return this.op(0x04, 0x40);
  }
  /** `if` with an `i32` result. */
  ifI32(): this {
    return this.op(0x04, 0x7f);
  }
  else_(): this {
    return this.op(0x05);
  }
  end(): this {
    return this.op(0x0b);
  }
  br(depth: number): this {
    this.op(0x0c).w.u32(depth);
    return this;
  }
  brIf(depth: number): this {
    this.op(0x0d).w.u32(depth);
    return this;
  }
  return_(): this {
    return this.op(0x0f);
  }
  call(func: number): this {
    this.op(0x10).w.u32(func);
    return this;
  }
  callIndirect(type: number, table = 0): this {
    this.op(0x11).w.u32(type).u32(table);
    return this;
  }
  drop(): this {
    return this.op(0x1a);
  }
  select(): this {
    return this.op(0x1b);
  }
  localGet(i: number): this {
    this.op(0x20).w.u32(i);
    return this;
  }
  localSet(i: number): this {
    this.op(0x21).w.u32(i);
    return this;
  }
  localTee(i: number): this {
    this.op(0x22).w.u32(i);
    return this;
  }
  globalGet(i: number): this {
    this.op(0x23).w.u32(i);
    return this;
  }
  globalSet(i: number): this {
    this.op(0x24).w.u32(i);
    return this;
  }
  /** `i32.load` with natural alignment. */
  i32Load(offset = 0): this {
    this.op(0x28).w.u32(2).u32(offset);
    return this;
  }
  i32Store(offset = 0): this {
    this.op(0x36).w.u32(2).u32(offset);
    return this;
  }
  i32Const(v: number): this {
    this.op(0x41).w.sleb(v | 0);
    return this;
  }
  i32Eqz(): this {
    return this.op(0x45);
  }
  i32Eq(): this {
    return this.op(0x46);
  }
  i32Ne(): this {
    return this.op(0x47);
  }
  i32LtS(): this {
    return this.op(0x48);
  }
  i32LtU(): this {
    return this.op(0x49);
  }
  i32GtU(): this {
    return this.op(0x4b);
  }
  i32GeU(): this {
    return this.op(0x4f);
  }
  i32Add(): this {
    return this.op(0x6a);
  }
  i32Sub(): this {
    return this.op(0x6b);
  }
  i32Mul(): this {
    return this.op(0x6c);
  }
  i32RemU(): this {
    return this.op(0x70);
  }
  i32And(): this {
    return this.op(0x71);
  }
  i32Or(): this {
    return this.op(0x72);
  }
  i32ShrU(): this {
    return this.op(0x76);
  }
}

interface Import {
  module: string;
  name: string;
  desc: Uint8Array;
}

type OffsetExpr = { i32: number } | { global: number };

function constExpr(w: ByteWriter, e: OffsetExpr): void {
  if ("i32" in e) w.byte(0x41).sleb(e.i32 | 0);
  else w.byte(0x23).u32(e.global);
  w.byte(0x0b);
}

/** Builds one core module. Imports must all be added before anything is defined. */
export class ModuleBuilder {
  private types: FunctionType[] = [];
  private typeIndex = new Map<string, number>();
  private imports: Import[] = [];
  private counts: Record<ExternSort, number> = { func: 0, table: 0, memory: 0, global: 0, tag: 0 };
  private defined = false;
  private funcs: { type: number; locals: ValueType[]; body: Uint8Array }[] = [];
  private tables: number[] = [];
  private memories: number[] = [];
  private globals: { type: ValueType; mutable: boolean; init: OffsetExpr }[] = [];
  private exportList: { name: string; sort: ExternSort; index: number }[] = [];
  private exportNames = new Set<string>();
  private start: number | undefined;
  private elems: { offset: number; funcs: number[] }[] = [];
  private datas: { offset: OffsetExpr; bytes: Uint8Array }[] = [];
  private customs: { name: string; bytes: Uint8Array; first: boolean }[] = [];

  /** The index of a function type, interned. */
  type(params: readonly ValueType[], results: readonly ValueType[]): number {
    const key = `${params.join(",")}>${results.join(",")}`;
    let index = this.typeIndex.get(key);
    if (index === undefined) {
      index = this.types.length;
      this.types.push({ params: [...params], results: [...results] });
      this.typeIndex.set(key, index);
    }
    return index;
  }

  private addImport(module: string, name: string, sort: ExternSort, desc: ByteWriter): number {
    if (this.defined) throw new Error(`import ${module}::${name} added after a definition`);
    this.imports.push({ module, name, desc: desc.finish() });
    return this.counts[sort]++;
  }

  importFunc(module: string, name: string, type: number): number {
    return this.addImport(module, name, "func", new ByteWriter().byte(0x00).u32(type));
  }

  importGlobal(module: string, name: string, type: ValueType, mutable: boolean): number {
    return this.addImport(module, name, "global", new ByteWriter().byte(0x03).byte(VALTYPE_BYTE[type]).byte(+mutable));
  }

  importMemory(module: string, name: string, min: number): number {
    return this.addImport(module, name, "memory", new ByteWriter().byte(0x02).byte(0x00).u32(min));
  }

  importTable(module: string, name: string, min: number): number {
    return this.addImport(module, name, "table", new ByteWriter().byte(0x01).byte(0x70).byte(0x00).u32(min));
  }

  /** Defines a function; returns its index. */
  func(type: number, body: Code, locals: ValueType[] = []): number {
    this.defined = true;
    this.funcs.push({ type, locals, body: body.w.finish() });
    return this.counts.func + this.funcs.length - 1;
  }

  /** A funcref table without maximum. */
  table(min: number): number {
    this.defined = true;
    this.tables.push(min);
    return this.counts.table + this.tables.length - 1;
  }

  /** A 32-bit memory without maximum. */
  memory(minPages: number): number {
    this.defined = true;
    this.memories.push(minPages);
    return this.counts.memory + this.memories.length - 1;
  }

  global(type: ValueType, mutable: boolean, init: number): number {
    this.defined = true;
    this.globals.push({ type, mutable, init: { i32: init } });
    return this.counts.global + this.globals.length - 1;
  }

  export(name: string, sort: ExternSort, index: number): void {
    if (this.exportNames.has(name)) throw new Error(`duplicate export \`${name}\``);
    this.exportNames.add(name);
    this.exportList.push({ name, sort, index });
  }

  hasExport(name: string): boolean {
    return this.exportNames.has(name);
  }

  setStart(func: number): void {
    this.start = func;
  }

  /** An active element segment of table 0. */
  elem(offset: number, funcs: number[]): void {
    this.elems.push({ offset, funcs });
  }

  /** An active data segment of memory 0, at a constant address or at a global's value. */
  data(offset: OffsetExpr, bytes: Uint8Array): void {
    this.datas.push({ offset, bytes });
  }

  /** A custom section, at the end or (`first`, as `dylink.0` must be) before every other section. */
  custom(name: string, bytes: Uint8Array, first = false): void {
    this.customs.push({ name, bytes, first });
  }

  finish(): Uint8Array {
    const out = new ByteWriter().raw([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    const section = (id: number, fill: (w: ByteWriter) => void, nonEmpty: boolean) => {
      if (!nonEmpty) return;
      const w = new ByteWriter();
      fill(w);
      out.section(id, w);
    };
    for (const c of this.customs) if (c.first) out.custom(c.name, c.bytes);
    const valtypes = (w: ByteWriter, ts: ValueType[]) => w.vec(ts, (w, t) => w.byte(VALTYPE_BYTE[t]));
    section(
      1,
      (w) =>
        w.vec(this.types, (w, t) => {
          w.byte(0x60);
          valtypes(w, t.params);
          valtypes(w, t.results);
        }),
      this.types.length > 0,
    );
    section(
      2,
      (w) => w.vec(this.imports, (w, i) => w.name(i.module).name(i.name).raw(i.desc)),
      this.imports.length > 0,
    );
    section(3, (w) => w.vec(this.funcs, (w, f) => w.u32(f.type)), this.funcs.length > 0);
    section(4, (w) => w.vec(this.tables, (w, min) => w.byte(0x70).byte(0x00).u32(min)), this.tables.length > 0);
    section(5, (w) => w.vec(this.memories, (w, min) => w.byte(0x00).u32(min)), this.memories.length > 0);
    section(
      6,
      (w) =>
        w.vec(this.globals, (w, g) => {
          w.byte(VALTYPE_BYTE[g.type]).byte(+g.mutable);
          constExpr(w, g.init);
        }),
      this.globals.length > 0,
    );
    section(
      7,
      (w) => w.vec(this.exportList, (w, e) => w.name(e.name).byte(SORT_BYTE[e.sort]).u32(e.index)),
      this.exportList.length > 0,
    );
    section(8, (w) => w.u32(this.start!), this.start !== undefined);
    section(
      9,
      (w) =>
        w.vec(this.elems, (w, e) => {
          w.u32(0);
          constExpr(w, { i32: e.offset });
          w.vec(e.funcs, (w, f) => w.u32(f));
        }),
      this.elems.length > 0,
    );
    section(
      10,
      (w) =>
        w.vec(this.funcs, (w, f) => {
          const body = new ByteWriter();
          // Locals, run-length encoded by type.
          const runs: { type: ValueType; n: number }[] = [];
          for (const t of f.locals) {
            const last = runs[runs.length - 1];
            if (last && last.type === t) last.n++;
            else runs.push({ type: t, n: 1 });
          }
          body.vec(runs, (w, r) => w.u32(r.n).byte(VALTYPE_BYTE[r.type]));
          body.raw(f.body).byte(0x0b);
          w.sized(body);
        }),
      this.funcs.length > 0,
    );
    section(
      11,
      (w) =>
        w.vec(this.datas, (w, d) => {
          w.u32(0);
          constExpr(w, d.offset);
          w.u32(d.bytes.length).raw(d.bytes);
        }),
      this.datas.length > 0,
    );
    for (const c of this.customs) if (!c.first) out.custom(c.name, c.bytes);
    return out.finish();
  }
}
