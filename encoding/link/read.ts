/**
 * Reading the parts of a core module's binary that linking looks at: import
 * types (with what the conventions check: table element type and maximum,
 * global type and mutability, tag attribute), global types, and constant
 * expressions (skipped).
 */
import { readCoreValType } from "../core-types.js";
import type { Reader } from "../reader.js";

/** An import's type, as much of it as the linker checks. */
export type RawType =
  | { sort: "func"; type: number }
  | { sort: "table"; ref: string; max: boolean }
  | { sort: "memory" }
  | { sort: "global"; ty: string; mutable: boolean; shared: boolean }
  | { sort: "tag"; attribute: number; type: number };

/** An import type as wit-component shows it in messages. */
export function showRaw(t: RawType): string {
  switch (t.sort) {
    case "func":
      return `Func(${t.type})`;
    case "table":
      return `Table(${t.ref}${t.max ? ", with maximum" : ""})`;
    case "memory":
      return "Memory";
    case "global":
      return `Global(${t.mutable ? "mut " : ""}${t.ty})`;
    case "tag":
      return `Tag(${t.type})`;
  }
}

export function globalType(r: Reader): { ty: string; mutable: boolean; shared: boolean } {
  const ty = readCoreValType(r);
  const flags = r.u8();
  return { ty, mutable: (flags & 1) !== 0, shared: (flags & 2) !== 0 };
}

function readLimits(r: Reader): { max: boolean } {
  const flags = r.u8();
  const wide = (flags & 0x04) !== 0;
  const int = () => (wide ? r.u64() : r.u32());
  int();
  if (flags & 0x01) int();
  if (flags & 0x08) r.u32();
  return { max: (flags & 0x01) !== 0 };
}

export function readImportType(r: Reader): RawType {
  const at = r.pos;
  const code = r.u8();
  switch (code) {
    case 0:
      return { sort: "func", type: r.u32() };
    case 1: {
      const ref = readCoreValType(r);
      return { sort: "table", ref, ...readLimits(r) };
    }
    case 2:
      readLimits(r);
      return { sort: "memory" };
    case 3:
      return { sort: "global", ...globalType(r) };
    case 4:
      return { sort: "tag", attribute: r.u8(), type: r.u32() };
    default:
      return r.fail(`unknown import kind 0x${code.toString(16)}`, at);
  }
}

/** Skips a constant expression up to and including its `end`. */
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
