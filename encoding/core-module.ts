/**
 * What a component wrapper needs to know about a core module: its function
 * types, imports and exports (by name, kind and signature) and its custom
 * sections. Code and data are not decoded.
 */
import { BinaryError, readSections, Reader, type RawSection } from "./reader.js";
import { readCoreLimits, readCoreSubType, readCoreValType, type CoreLimits } from "./core-types.js";

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

/** The coarse value type the wrapper compares signatures by (reference types as `ref`). */
function valType(r: Reader): CoreValType {
  const t = readCoreValType(r);
  return (t.startsWith("ref ") ? "ref" : t) as CoreValType;
}

function coarse(t: CoreFuncType | undefined): CoreFuncType | undefined {
  if (!t) return t;
  const c = (v: string) => (v.startsWith("ref ") ? "ref" : v) as CoreValType;
  return { params: t.params.map(c), results: t.results.map(c) };
}

function subType(r: Reader): CoreFuncType | undefined {
  return coarse(readCoreSubType(r));
}

function limits(r: Reader): CoreLimits {
  return readCoreLimits(r);
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
