/**
 * Core WebAssembly type encodings (the core spec's `valtype`, `comptype`,
 * `subtype` and `limits`), read once for every reader of core types: core
 * modules, the core types of components, and the validator.
 *
 * Value types are strings: `i32`, `i64`, `f32`, `f64`, `v128`, `funcref`,
 * `externref`, and reference types with their heap type (`ref null 3`,
 * `ref 0x70`) so that two of them compare equal only when they are.
 */
import type { Reader } from "./reader.js";
import type { CoreFuncType } from "./core-module.js";

/** A core value type, as a comparable string. */
export function readCoreValType(r: Reader): string {
  const at = r.pos;
  const b = r.u8();
  switch (b) {
    case 0x7f:
      return "i32";
    case 0x7e:
      return "i64";
    case 0x7d:
      return "f32";
    case 0x7c:
      return "f64";
    case 0x7b:
      return "v128";
    case 0x70:
      return "funcref";
    case 0x6f:
      return "externref";
    case 0x64:
    case 0x63:
      return `ref${b === 0x63 ? " null" : ""} ${r.s33()}`;
    default:
      if (b >= 0x69 && b <= 0x74) return `ref 0x${b.toString(16)}`;
      return r.fail(`unknown value type 0x${b.toString(16)}`, at);
  }
}

function storage(r: Reader): void {
  const b = r.peek();
  if (b === 0x78 || b === 0x77) r.u8();
  else readCoreValType(r);
}

/** `comptype`: a function type, or `undefined` for a struct or array type (skipped). */
export function readCoreCompType(r: Reader): CoreFuncType | undefined {
  const at = r.pos;
  const form = r.u8();
  if (form === 0x60) {
    return { params: r.vec(readCoreValType), results: r.vec(readCoreValType) } as CoreFuncType;
  }
  if (form === 0x5f) {
    r.vec((rr) => {
      storage(rr);
      rr.u8();
    });
    return undefined;
  }
  if (form === 0x5e) {
    storage(r);
    r.u8();
    return undefined;
  }
  return r.fail(`unknown type form 0x${form.toString(16)}`, at);
}

/** `subtype`: an optional `sub`/`sub final` prefix, then the composite type. */
export function readCoreSubType(r: Reader): CoreFuncType | undefined {
  const b = r.peek();
  if (b === 0x50 || b === 0x4f) {
    r.u8();
    r.vec((rr) => rr.u32());
  }
  return readCoreCompType(r);
}

export interface CoreLimits {
  min: bigint;
  max: bigint | undefined;
  shared: boolean;
  memory64: boolean;
  pageSizeLog2?: number;
}

/** `limits` of a table or memory, with the memory flags. */
export function readCoreLimits(r: Reader): CoreLimits {
  const flags = r.u8();
  const memory64 = (flags & 0x04) !== 0;
  const min = memory64 ? r.u64() : BigInt(r.u32());
  const max = flags & 0x01 ? (memory64 ? r.u64() : BigInt(r.u32())) : undefined;
  const pageSizeLog2 = flags & 0x08 ? r.u32() : undefined;
  return { min, max, shared: (flags & 0x02) !== 0, memory64, ...(pageSizeLog2 === undefined ? {} : { pageSizeLog2 }) };
}

/**
 * Skips a constant expression up to and including its `end`: the constant
 * instructions of the core spec, extended constants and the GC proposal's;
 * anything else is refused.
 */
export function skipConstExpr(r: Reader): void {
  for (;;) {
    const op = r.u8();
    switch (op) {
      case 0x0b:
        return;
      case 0x41:
        r.sleb(32);
        break;
      case 0x42:
        r.sleb(64);
        break;
      case 0x43:
        r.take(4);
        break;
      case 0x44:
        r.take(8);
        break;
      case 0x23:
      case 0xd2:
        r.u32();
        break;
      case 0xd0:
        r.s33();
        break;
      case 0x6a:
      case 0x6b:
      case 0x6c:
      case 0x7c:
      case 0x7d:
      case 0x7e:
        break;
      case 0xfd:
        if (r.u32() !== 12) r.fail("unsupported vector instruction in a constant expression");
        r.take(16);
        break;
      case 0xfb: {
        const sub = r.u32();
        // struct.new, struct.new_default, array.new, array.new_default: a type index.
        if (sub <= 1 || sub === 6 || sub === 7) r.u32();
        else if (sub === 8 || sub === 9 || sub === 10) {
          r.u32();
          r.u32();
        } else if (sub < 0x1a || sub > 0x1e) r.fail(`unsupported instruction 0xfb ${sub} in a constant expression`);
        break;
      }
      default:
        r.fail(`unsupported instruction 0x${op.toString(16)} in a constant expression`, r.pos - 1);
    }
  }
}
