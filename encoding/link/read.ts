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
