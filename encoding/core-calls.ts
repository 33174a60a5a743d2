/**
 * Which functions of a core module may run code outside the module.
 *
 * A function "may call out" when it is imported, when it makes an indirect
 * call (`call_indirect`, `call_ref` and their `return_call` forms: the callee
 * may be anything a table or reference holds), or when it calls, directly and
 * transitively, a function that may. Everything else runs to completion (or
 * traps) inside the module, so no host code and no other instance can run
 * while it does.
 *
 * The transpiled-component host uses this to drop the reentrance bookkeeping
 * (the canonical ABI's `may_enter`) around calls that cannot reenter. The
 * answer is conservative: an instruction this scanner does not know, or a body
 * it cannot read, makes every function of the module "may call out". Code is
 * scanned, not validated (the engine validates it).
 */
import { readCoreValType } from "./core-types.js";
import { readSections, Reader } from "./reader.js";

/** The indices of the functions of `bytes` that may call out; `undefined` when every function may. */
export function functionsCallingOut(bytes: Uint8Array): Set<number> | undefined {
  let imported = 0;
  try {
    const sections = readSections(bytes);
    const callees: number[][] = [];
    const calling = new Set<number>();
    for (const s of sections) {
      const r = new Reader(bytes, s.start, s.end);
      if (s.id === 2) {
        const n = r.u32();
        for (let i = 0; i < n; i++) {
          r.name();
          r.name();
          const kind = r.u8();
          if (kind === 0x00) {
            r.u32();
            calling.add(imported++);
          } else if (!skipImportDesc(r, kind)) return undefined;
        }
      } else if (s.id === 10) {
        const n = r.u32();
        for (let i = 0; i < n; i++) {
          const size = r.u32();
          const body = r.sub(size);
          const out: number[] = [];
          const index = imported + i;
          if (!scanBody(body, out)) calling.add(index);
          callees[index] = out;
        }
      }
    }
    // Propagate "may call out" from callees to callers until nothing changes.
    const callers = new Map<number, number[]>();
    for (let f = 0; f < callees.length; f++)
      for (const c of callees[f] ?? []) {
        const list = callers.get(c);
        if (list === undefined) callers.set(c, [f]);
        else list.push(f);
      }
    const work = [...calling];
    while (work.length > 0) {
      const f = work.pop()!;
      for (const caller of callers.get(f) ?? [])
        if (!calling.has(caller)) {
          calling.add(caller);
          work.push(caller);
        }
    }
    return calling;
  } catch {
    return undefined;
  }
}

/** The names of the function exports of `bytes` that cannot call out. */
export function exportsStayingInside(
  bytes: Uint8Array,
  exports: { name: string; kind: string; index: number }[],
): Set<string> {
  const calling = functionsCallingOut(bytes);
  const out = new Set<string>();
  if (calling === undefined) return out;
  for (const e of exports) if (e.kind === "func" && !calling.has(e.index)) out.add(e.name);
  return out;
}

function skipLimits(r: Reader): void {
  const flags = r.u8();
  r.u64();
  if (flags & 1) r.u64();
  if (flags & 8) r.u32();
}

function skipImportDesc(r: Reader, kind: number): boolean {
  switch (kind) {
    case 0x01: // table
      readCoreValType(r);
      skipLimits(r);
      return true;
    case 0x02: // memory
      skipLimits(r);
      return true;
    case 0x03: // global
      readCoreValType(r);
      r.u8();
      return true;
    case 0x04: // tag
      r.u8();
      r.u32();
      return true;
    default:
      return false;
  }
}

/** Skips a LEB128 number of any width. */
function leb(r: Reader): void {
  while (r.u8() & 0x80);
}

function memarg(r: Reader): void {
  const align = r.u32();
  if (align & 0x40) leb(r);
  leb(r);
}

/**
 * Reads one function body, pushing the indices of the functions it calls
 * directly onto `callees`. False when it makes an indirect call or holds an
 * instruction this scanner does not know.
 */
function scanBody(r: Reader, callees: number[]): boolean {
  const groups = r.u32();
  for (let i = 0; i < groups; i++) {
    r.u32();
    readCoreValType(r);
  }
  while (!r.done) {
    const op = r.u8();
    if (op >= 0x45 && op <= 0xc4) continue; // numeric instructions
    switch (op) {
      case 0x00: // unreachable
      case 0x01: // nop
      case 0x05: // else
      case 0x0a: // throw_ref
      case 0x0b: // end
      case 0x0f: // return
      case 0x19: // catch_all
      case 0x1a: // drop
      case 0x1b: // select
      case 0xd1: // ref.is_null
      case 0xd3: // ref.eq
      case 0xd4: // ref.as_non_null
        break;
      case 0x02: // block
      case 0x03: // loop
      case 0x04: // if
      case 0x06: // try
        leb(r);
        break;
      case 0x07: // catch
      case 0x08: // throw
      case 0x09: // rethrow
      case 0x0c: // br
      case 0x0d: // br_if
      case 0x18: // delegate
      case 0x20: // local.get
      case 0x21: // local.set
      case 0x22: // local.tee
      case 0x23: // global.get
      case 0x24: // global.set
      case 0x25: // table.get
      case 0x26: // table.set
      case 0x3f: // memory.size
      case 0x40: // memory.grow
      case 0x41: // i32.const
      case 0x42: // i64.const
      case 0xd0: // ref.null
      case 0xd2: // ref.func
      case 0xd5: // br_on_null
      case 0xd6: // br_on_non_null
        leb(r);
        break;
      case 0x0e: {
        // br_table
        const n = r.u32();
        for (let i = 0; i <= n; i++) leb(r);
        break;
      }
      case 0x10: // call
      case 0x12: // return_call
        callees.push(r.u32());
        break;
      case 0x11: // call_indirect
      case 0x13: // return_call_indirect
      case 0x14: // call_ref
      case 0x15: // return_call_ref
        return false;
      case 0x1c: {
        // select t*
        const n = r.u32();
        for (let i = 0; i < n; i++) readCoreValType(r);
        break;
      }
      case 0x1f: {
        // try_table
        leb(r);
        const n = r.u32();
        for (let i = 0; i < n; i++) {
          const kind = r.u8();
          if (kind <= 1) leb(r);
          leb(r);
        }
        break;
      }
      case 0x43:
        r.take(4);
        break;
      case 0x44:
        r.take(8);
        break;
      case 0xfb:
        if (!gc(r)) return false;
        break;
      case 0xfc:
        if (!misc(r)) return false;
        break;
      case 0xfd:
        if (!simd(r)) return false;
        break;
      case 0xfe:
        if (!atomic(r)) return false;
        break;
      default:
        if (op >= 0x28 && op <= 0x3e) {
          memarg(r);
          break;
        }
        return false;
    }
  }
  return true;
}

/** The 0xFB prefix (GC). */
function gc(r: Reader): boolean {
  const op = r.u32();
  if (op >= 26 && op <= 30) return true; // conversions and i31
  switch (op) {
    case 0: // struct.new
    case 1: // struct.new_default
    case 6: // array.new
    case 7: // array.new_default
    case 11: // array.get
    case 12:
    case 13:
    case 14: // array.set
    case 16: // array.fill
    case 20: // ref.test
    case 21:
    case 22: // ref.cast
    case 23:
      leb(r);
      return true;
    case 15: // array.len
      return true;
    case 2: // struct.get
    case 3:
    case 4:
    case 5: // struct.set
    case 8: // array.new_fixed
    case 9: // array.new_data
    case 10: // array.new_elem
    case 17: // array.copy
    case 18: // array.init_data
    case 19: // array.init_elem
      leb(r);
      leb(r);
      return true;
    case 24: // br_on_cast
    case 25: // br_on_cast_fail
      r.u8();
      leb(r);
      leb(r);
      leb(r);
      return true;
    default:
      return false;
  }
}

/** The 0xFC prefix (saturating truncation, bulk memory, tables). */
function misc(r: Reader): boolean {
  const op = r.u32();
  if (op <= 7) return true;
  switch (op) {
    case 9: // data.drop
    case 11: // memory.fill
    case 13: // elem.drop
    case 15: // table.grow
    case 16: // table.size
    case 17: // table.fill
      leb(r);
      return true;
    case 8: // memory.init
    case 10: // memory.copy
    case 12: // table.init
    case 14: // table.copy
      leb(r);
      leb(r);
      return true;
    default:
      return false;
  }
}

/** The 0xFD prefix (SIMD, relaxed SIMD). */
function simd(r: Reader): boolean {
  const op = r.u32();
  if (op <= 11 || op === 92 || op === 93) {
    memarg(r);
    return true;
  }
  if (op === 12 || op === 13) {
    r.take(16);
    return true;
  }
  if (op >= 21 && op <= 34) {
    r.u8();
    return true;
  }
  if (op >= 84 && op <= 91) {
    memarg(r);
    r.u8();
    return true;
  }
  return op <= 0x113;
}

/** The 0xFE prefix (threads). */
function atomic(r: Reader): boolean {
  const op = r.u32();
  if (op === 3) {
    r.u8();
    return true;
  }
  if (op <= 2 || (op >= 0x10 && op <= 0x4e)) {
    memarg(r);
    return true;
  }
  return false;
}
