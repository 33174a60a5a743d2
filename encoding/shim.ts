/**
 * The two small core modules that break the cycle between a guest module and
 * the functions it imports.
 *
 * A lowered import that needs the guest's memory or `cabi_realloc` (and an
 * exported resource's destructor) can only be made once the guest is
 * instantiated, but the guest needs its imports to be instantiated. So the
 * guest is given trampolines from the *shim* module instead: each calls
 * through a table slot. Once the guest exists, the real functions are made
 * and the *fixup* module, whose only job is an active element segment, writes
 * them into the table. The fixup module's start function also runs the
 * guest's `_initialize`, if it has one, once everything is in place.
 */
import type { CoreFuncType, CoreValType } from "./core-module.js";
import { ByteWriter } from "./writer.js";

const VALTYPE: Record<string, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c };

function writeFuncType(w: ByteWriter, t: CoreFuncType): void {
  const vt = (w: ByteWriter, v: CoreValType) => {
    const code = VALTYPE[v];
    if (code === undefined) throw new Error(`unsupported core value type ${v} in a trampoline`);
    w.byte(code);
  };
  w.byte(0x60).vec(t.params, vt).vec(t.results, vt);
}

class TypeTable {
  readonly list: CoreFuncType[] = [];
  private readonly index = new Map<string, number>();
  of(t: CoreFuncType): number {
    const key = `${t.params.join(",")}>${t.results.join(",")}`;
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.list.length;
      this.list.push(t);
      this.index.set(key, i);
    }
    return i;
  }
  section(): ByteWriter {
    return new ByteWriter().vec(this.list, writeFuncType);
  }
}

export const SHIM_TABLE = "$imports";
const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/** The shim module: a table of `signatures.length` slots and, for slot i, an export "i" that calls it. */
export interface MemoryLimits {
  min: bigint;
  max: bigint | undefined;
  shared: boolean;
  memory64: boolean;
  pageSizeLog2?: number;
}

export const SHIM_MEMORY = "$memory";

/**
 * The shim module: a table of `signatures.length` slots and, for slot i, an
 * export "i" that calls it. With `memory`, it also defines the memory the
 * guest imports (exported as "$memory"), so that lowerings can use it before
 * the guest exists.
 */
export function shimModule(signatures: CoreFuncType[], memory?: MemoryLimits): Uint8Array {
  const types = new TypeTable();
  const funcTypes = signatures.map((s) => types.of(s));
  const n = signatures.length;
  const out = new ByteWriter().raw(HEADER);
  out.section(1, types.section());
  out.section(
    3,
    new ByteWriter().vec(funcTypes, (w, t) => w.u32(t)),
  );
  if (n > 0) out.section(4, new ByteWriter().u32(1).byte(0x70).byte(0x01).u32(n).u32(n));
  if (memory) {
    const m = new ByteWriter().u32(1);
    const flags =
      (memory.max !== undefined ? 1 : 0) |
      (memory.shared ? 2 : 0) |
      (memory.memory64 ? 4 : 0) |
      (memory.pageSizeLog2 !== undefined ? 8 : 0);
    m.byte(flags);
    writeLimit(m, memory.min, memory.memory64);
    if (memory.max !== undefined) writeLimit(m, memory.max, memory.memory64);
    if (memory.pageSizeLog2 !== undefined) m.u32(memory.pageSizeLog2);
    out.section(5, m);
  }
  const exports = new ByteWriter().u32(n + (n > 0 ? 1 : 0) + (memory ? 1 : 0));
  signatures.forEach((_, i) => exports.name(String(i)).byte(0x00).u32(i));
  if (n > 0) exports.name(SHIM_TABLE).byte(0x01).u32(0);
  if (memory) exports.name(SHIM_MEMORY).byte(0x02).u32(0);
  out.section(7, exports);
  const code = new ByteWriter().u32(n);
  signatures.forEach((s, i) => {
    const body = new ByteWriter().u32(0);
    s.params.forEach((_, p) => body.byte(0x20).u32(p));
    body.byte(0x41).sleb(i);
    body.byte(0x11).u32(funcTypes[i]).u32(0);
    body.byte(0x0b);
    code.sized(body);
  });
  if (n > 0) out.section(10, code);
  out.custom("name", new ByteWriter().byte(0x00).sized(new ByteWriter().name("wit-component:shim")).finish());
  return out.finish();
}

/**
 * The fixup module: imports the shim's table and the real functions (all from
 * module ""), and fills the table; `initialize` (imported as "" "_initialize")
 * becomes the start function.
 */
export function fixupModule(signatures: CoreFuncType[], initialize: boolean): Uint8Array {
  const types = new TypeTable();
  const funcTypes = signatures.map((s) => types.of(s));
  const initType = initialize ? types.of({ params: [], results: [] }) : 0;
  const n = signatures.length;
  const out = new ByteWriter().raw(HEADER);
  out.section(1, types.section());
  const imports = new ByteWriter().u32(n + (n > 0 ? 1 : 0) + (initialize ? 1 : 0));
  signatures.forEach((_, i) => imports.name("").name(String(i)).byte(0x00).u32(funcTypes[i]));
  if (initialize) imports.name("").name("_initialize").byte(0x00).u32(initType);
  if (n > 0) imports.name("").name(SHIM_TABLE).byte(0x01).byte(0x70).byte(0x01).u32(n).u32(n);
  out.section(2, imports);
  if (initialize) out.section(8, new ByteWriter().u32(n));
  if (n > 0) {
    const elem = new ByteWriter().u32(1).u32(0).byte(0x41).sleb(0).byte(0x0b);
    elem.u32(n);
    for (let i = 0; i < n; i++) elem.u32(i);
    out.section(9, elem);
  }
  out.custom("name", new ByteWriter().byte(0x00).sized(new ByteWriter().name("wit-component:fixups")).finish());
  return out.finish();
}

function writeLimit(w: ByteWriter, v: bigint, memory64: boolean): void {
  if (!memory64) {
    w.u32(Number(v));
    return;
  }
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) b |= 0x80;
    w.byte(b);
  } while (v !== 0n);
}
