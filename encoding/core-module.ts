/**
 * What a component wrapper needs to know about a core module: its function
 * types, imports and exports (by name, kind and signature) and its custom
 * sections. Code and data are not decoded.
 */
import { BinaryError, readSections, Reader, type RawSection } from "./reader.js";

export type CoreValType = "i32" | "i64" | "f32" | "f64" | "v128" | "funcref" | "externref" | "ref";

export interface CoreFuncType {
  params: CoreValType[];
  results: CoreValType[];
}

export type CoreExternKind = "func" | "table" | "memory" | "global" | "tag";

export interface CoreImport {
  module: string;
  name: string;
  kind: CoreExternKind;
  /** For functions: the signature. */
  type?: CoreFuncType;
  /** For memories: the limits and flags as written. */
  memory?: { min: bigint; max: bigint | undefined; shared: boolean; memory64: boolean; pageSizeLog2?: number };
}

export interface CoreExport {
  name: string;
  kind: CoreExternKind;
  index: number;
  type?: CoreFuncType;
}

export interface CoreModuleInfo {
  types: (CoreFuncType | undefined)[];
  imports: CoreImport[];
  exports: CoreExport[];
  /** Signature of every function, imported ones first. */
  funcs: CoreFuncType[];
  sections: RawSection[];
}

const KINDS: CoreExternKind[] = ["func", "table", "memory", "global", "tag"];

function valType(r: Reader): CoreValType {
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
      r.s33();
      return "ref";
    default:
      if (b >= 0x69 && b <= 0x74) return "ref";
      return r.fail(`unknown value type 0x${b.toString(16)}`, r.pos - 1);
  }
}

function compType(r: Reader): CoreFuncType | undefined {
  const form = r.u8();
  if (form === 0x60) return { params: r.vec(valType), results: r.vec(valType) };
  if (form === 0x5f) {
    r.vec((r) => {
      storageType(r);
      r.u8();
    });
    return undefined;
  }
  if (form === 0x5e) {
    storageType(r);
    r.u8();
    return undefined;
  }
  return r.fail(`unknown type form 0x${form.toString(16)}`, r.pos - 1);
}

function storageType(r: Reader): void {
  const b = r.peek();
  if (b === 0x78 || b === 0x77) r.u8();
  else valType(r);
}

function subType(r: Reader): CoreFuncType | undefined {
  const b = r.peek();
  if (b === 0x50 || b === 0x4f) {
    r.u8();
    r.vec((r) => r.u32());
  }
  return compType(r);
}

function limits(r: Reader): {
  min: bigint;
  max: bigint | undefined;
  shared: boolean;
  memory64: boolean;
  pageSizeLog2?: number;
} {
  const flags = r.u8();
  const memory64 = (flags & 0x04) !== 0;
  const min = memory64 ? r.u64() : BigInt(r.u32());
  const max = flags & 0x01 ? (memory64 ? r.u64() : BigInt(r.u32())) : undefined;
  const pageSizeLog2 = flags & 0x08 ? r.u32() : undefined;
  return { min, max, shared: (flags & 0x02) !== 0, memory64, pageSizeLog2 };
}

/** Reads the sections of a core module that describe its interface. */
export function readCoreModule(bytes: Uint8Array): CoreModuleInfo {
  const sections = readSections(bytes);
  const info: CoreModuleInfo = { types: [], imports: [], exports: [], funcs: [], sections };
  const funcType = (index: number, r: Reader): CoreFuncType => {
    const t = info.types[index];
    if (!t) return r.fail(`function type index ${index} is not a function type`);
    return t;
  };
  for (const s of sections) {
    const r = new Reader(bytes, s.start, s.end);
    switch (s.id) {
      case 1:
        r.vec((r) => {
          if (r.peek() === 0x4e) {
            r.u8();
            r.vec((r) => info.types.push(subType(r)));
          } else info.types.push(subType(r));
        });
        break;
      case 2:
        r.vec((r) => {
          const module = r.name();
          const name = r.name();
          const code = r.u8();
          const kind = KINDS[code];
          if (!kind) r.fail(`unknown import kind 0x${code.toString(16)}`, r.pos - 1);
          const imp: CoreImport = { module, name, kind };
          switch (kind) {
            case "func":
              imp.type = funcType(r.u32(), r);
              info.funcs.push(imp.type);
              break;
            case "table":
              valType(r);
              limits(r);
              break;
            case "memory":
              imp.memory = limits(r);
              break;
            case "global":
              valType(r);
              r.u8();
              break;
            case "tag":
              r.u8();
              r.u32();
              break;
          }
          info.imports.push(imp);
        });
        break;
      case 3:
        r.vec((r) => info.funcs.push(funcType(r.u32(), r)));
        break;
      case 7:
        r.vec((r) => {
          const name = r.name();
          const code = r.u8();
          const kind = KINDS[code];
          if (!kind) r.fail(`unknown export kind 0x${code.toString(16)}`, r.pos - 1);
          const index = r.u32();
          info.exports.push({ name, kind, index });
        });
        break;
    }
  }
  for (const e of info.exports) {
    if (e.kind !== "func") continue;
    const t = info.funcs[e.index];
    if (!t) throw new BinaryError(`export \`${e.name}\` refers to a missing function ${e.index}`, 0);
    e.type = t;
  }
  return info;
}

export function signatureString(t: CoreFuncType): string {
  return `[${t.params.join(" ")}] -> [${t.results.join(" ")}]`;
}

export function sameSignature(a: CoreFuncType, b: CoreFuncType): boolean {
  return signatureString(a) === signatureString(b);
}
