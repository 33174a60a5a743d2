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
 *
 * With `returnCallRef` (wit-component's `shim_return_call_ref`), there is no
 * table: each trampoline tail-calls (`return_call_ref`) the function held in
 * its own mutable global `g<i>`, which starts as a stub that traps, and the
 * fixup module's start function stores the real functions in the globals.
 */
import type { CoreFuncType, CoreValType } from "./core-module.js";
import { ByteWriter } from "./writer.js";

const VALTYPE: Record<string, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c };

/** A core function type (`0x60 params results`), of numeric value types. */
export function writeFuncType(w: ByteWriter, t: CoreFuncType): void {
  const vt = (w: ByteWriter, v: CoreValType) => {
    const code = VALTYPE[v];
    if (code === undefined) throw new Error(`unsupported core value type ${v} in a trampoline`);
    w.byte(code);
  };
  w.byte(0x60).vec(t.params, vt).vec(t.results, vt);
}

/** Core function types, each defined once, in first-use order. */
export class TypeTable {
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
export const TLS_BASE_GET = "$get-tls-base";
export const TLS_BASE_SET = "$set-tls-base";

export function shimModule(
  signatures: CoreFuncType[],
  memory?: MemoryLimits,
  options: { returnCallRef?: boolean; tlsBase?: "i32" | "i64" } = {},
): Uint8Array {
  const tls = options.tlsBase;
  const types = new TypeTable();
  const funcTypes = signatures.map((s) => types.of(s));
  const n = signatures.length;
  const byRef = options.returnCallRef === true && n > 0;
  // Function index space: with `byRef`, one trapping stub per signature, each
  // defined before the first trampoline that needs it (as wit-component does).
  const funcs: { type: number; stub: boolean }[] = [];
  const stubs = new Map<number, number>();
  const trampolines: number[] = [];
  funcTypes.forEach((t) => {
    if (byRef && !stubs.has(t)) {
      stubs.set(t, funcs.length);
      funcs.push({ type: t, stub: true });
    }
    trampolines.push(funcs.length);
    funcs.push({ type: t, stub: false });
  });
  // With `tlsBase`: a mutable global holding the TLS base, and its accessors.
  const tlsGet = tls && { index: funcs.length, type: types.of({ params: [], results: [tls] }) };
  const tlsSet = tls && { index: funcs.length + 1, type: types.of({ params: [tls], results: [] }) };
  const funcTypeList = [...funcs.map((f) => f.type), ...(tls ? [tlsGet!.type, tlsSet!.type] : [])];
  const out = new ByteWriter().raw(HEADER);
  out.section(1, types.section());
  out.section(
    3,
    new ByteWriter().vec(funcTypeList, (w, t) => w.u32(t)),
  );
  if (n > 0 && !byRef) out.section(4, new ByteWriter().u32(1).byte(0x70).byte(0x01).u32(n).u32(n));
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
  const tlsGlobal = byRef ? n : 0;
  if (byRef || tls) {
    // (global (mut (ref $t)) (ref.func $stub)) per trampoline; the TLS base global.
    const globals = new ByteWriter().u32((byRef ? n : 0) + (tls ? 1 : 0));
    if (byRef) {
      for (const t of funcTypes) {
        globals.byte(0x64).sleb(t).byte(0x01);
        globals.byte(0xd2).u32(stubs.get(t)!).byte(0x0b);
      }
    }
    if (tls)
      globals
        .byte(tls === "i32" ? 0x7f : 0x7e)
        .byte(0x01)
        .byte(tls === "i32" ? 0x41 : 0x42)
        .byte(0x00)
        .byte(0x0b);
    out.section(6, globals);
  }
  const exportCount = n + (n > 0 ? 1 : 0) * (byRef ? n : 1) + (memory ? 1 : 0) + (tls ? 2 : 0);
  const exports = new ByteWriter().u32(exportCount);
  signatures.forEach((_, i) => {
    exports.name(String(i)).byte(0x00).u32(trampolines[i]!);
    if (byRef) exports.name(`g${i}`).byte(0x03).u32(i);
  });
  if (n > 0 && !byRef) exports.name(SHIM_TABLE).byte(0x01).u32(0);
  if (memory) exports.name(SHIM_MEMORY).byte(0x02).u32(0);
  if (tls) {
    exports.name(TLS_BASE_GET).byte(0x00).u32(tlsGet!.index);
    exports.name(TLS_BASE_SET).byte(0x00).u32(tlsSet!.index);
  }
  out.section(7, exports);
  const code = new ByteWriter().u32(funcTypeList.length);
  let slot = 0;
  for (const f of funcs) {
    const body = new ByteWriter().u32(0);
    if (f.stub) body.byte(0x00);
    else {
      const i = slot++;
      signatures[i]!.params.forEach((_, p) => body.byte(0x20).u32(p));
      if (byRef) body.byte(0x23).u32(i).byte(0x15).u32(funcTypes[i]!);
      else body.byte(0x41).sleb(i).byte(0x11).u32(funcTypes[i]!).u32(0);
    }
    body.byte(0x0b);
    code.sized(body);
  }
  if (tls) {
    code.sized(new ByteWriter().u32(0).byte(0x23).u32(tlsGlobal).byte(0x0b));
    code.sized(new ByteWriter().u32(0).byte(0x20).u32(0).byte(0x24).u32(tlsGlobal).byte(0x0b));
  }
  if (funcTypeList.length > 0) out.section(10, code);
  out.custom("name", new ByteWriter().byte(0x00).sized(new ByteWriter().name("wit-component:shim")).finish());
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
