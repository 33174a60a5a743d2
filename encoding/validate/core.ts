/**
 * Core-level pieces of component validation: the extern types of a core
 * module's imports and exports (function signatures, table, memory and global
 * types), and the matching rules of core instantiation (the core spec's
 * "import matching", with wasm-tools' messages).
 */
import { BinaryError, Reader, readSections } from "../reader.js";
import { readCoreLimits, readCoreSubType, readCoreValType, skipConstExpr } from "../core-types.js";
import type { CoreFuncType, CoreValType } from "../core-module.js";
import { signatureString } from "../core-module.js";

export interface Limits {
  min: bigint;
  max: bigint | undefined;
}

/** A core extern type; `undefined` parts are unknown (not checked). */
export type CoreExtern =
  | { kind: "func"; type: CoreFuncType | undefined }
  | { kind: "table"; elem: string; limits: Limits }
  | { kind: "memory"; limits: Limits; shared: boolean; memory64: boolean }
  | { kind: "global"; type: string; mutable: boolean }
  | { kind: "tag"; type: CoreFuncType | undefined };

/** A core module's type: its imports in order and its exports by name. */
export interface CoreModuleSig {
  imports: { module: string; name: string; type: CoreExtern }[];
  exports: Map<string, CoreExtern>;
}

const valType = readCoreValType;
const subType = readCoreSubType;

function limits(r: Reader): { limits: Limits; shared: boolean; memory64: boolean } {
  const l = readCoreLimits(r);
  return { limits: { min: l.min, max: l.max }, shared: l.shared, memory64: l.memory64 };
}

/** Reads a core extern type descriptor (`importdesc`), given the module's types. */
export function readCoreExtern(r: Reader, types: (CoreFuncType | undefined)[]): CoreExtern {
  const at = r.pos;
  const k = r.u8();
  switch (k) {
    case 0x00:
      return { kind: "func", type: types[r.u32()] };
    case 0x01: {
      const elem = valType(r);
      return { kind: "table", elem, limits: limits(r).limits };
    }
    case 0x02:
      return { kind: "memory", ...limits(r) };
    case 0x03: {
      const type = valType(r);
      return { kind: "global", type, mutable: (r.u8() & 1) === 1 };
    }
    case 0x04:
      r.u8();
      return { kind: "tag", type: types[r.u32()] };
    default:
      return r.fail(`unknown extern kind 0x${k.toString(16)}`, at);
  }
}

const sigCache = new WeakMap<Uint8Array, CoreModuleSig>();

/** The import and export types of a core module binary. */
export function coreModuleSig(bytes: Uint8Array): CoreModuleSig {
  const cached = sigCache.get(bytes);
  if (cached) return cached;
  const types: (CoreFuncType | undefined)[] = [];
  const sig: CoreModuleSig = { imports: [], exports: new Map() };
  const funcs: (CoreFuncType | undefined)[] = [];
  const tables: CoreExtern[] = [];
  const memories: CoreExtern[] = [];
  const globals: CoreExtern[] = [];
  const tags: CoreExtern[] = [];
  for (const s of readSections(bytes)) {
    const r = new Reader(bytes, s.start, s.end);
    switch (s.id) {
      case 1:
        r.vec((r) => {
          if (r.peek() === 0x4e) {
            r.u8();
            r.vec((r) => types.push(subType(r)));
          } else types.push(subType(r));
        });
        break;
      case 2:
        r.vec((r) => {
          const module = r.name();
          const name = r.name();
          const type = readCoreExtern(r, types);
          sig.imports.push({ module, name, type });
          if (type.kind === "func") funcs.push(type.type);
          else if (type.kind === "table") tables.push(type);
          else if (type.kind === "memory") memories.push(type);
          else if (type.kind === "global") globals.push(type);
          else tags.push(type);
        });
        break;
      case 3:
        for (let n = r.u32(); n > 0; n--) funcs.push(types[r.u32()]);
        break;
      case 4:
        r.vec((r) => {
          if (r.peek() === 0x40) {
            // table with an initializer expression: 0x40 0x00 tabletype expr
            r.u8();
            r.u8();
            const elem = valType(r);
            tables.push({ kind: "table", elem, limits: limits(r).limits });
            skipConstExpr(r);
          } else {
            const elem = valType(r);
            tables.push({ kind: "table", elem, limits: limits(r).limits });
          }
        });
        break;
      case 5:
        r.vec((r) => memories.push({ kind: "memory", ...limits(r) }));
        break;
      case 6:
        r.vec((r) => {
          const type = valType(r);
          const mutable = (r.u8() & 1) === 1;
          globals.push({ kind: "global", type, mutable });
          skipConstExpr(r);
        });
        break;
      case 13:
        r.vec((r) => {
          r.u8();
          tags.push({ kind: "tag", type: types[r.u32()] });
        });
        break;
      case 7:
        r.vec((r) => {
          const name = r.name();
          const k = r.u8();
          const i = r.u32();
          const space = k === 0 ? undefined : k === 1 ? tables : k === 2 ? memories : k === 3 ? globals : tags;
          const t: CoreExtern | undefined = space ? space[i] : { kind: "func", type: funcs[i] };
          if (sig.exports.has(name)) throw new BinaryError(`export name \`${name}\` already defined`, 0);
          if (t) sig.exports.set(name, t);
        });
        break;
    }
  }
  checkUniqueNames(sig);
  sigCache.set(bytes, sig);
  return sig;
}

/** Core modules in components may not import the same name twice. */
export function checkUniqueNames(sig: CoreModuleSig): void {
  const seen = new Set<string>();
  for (const i of sig.imports) {
    const key = `${i.module}\0${i.name}`;
    if (seen.has(key)) throw new BinaryError(`duplicate import name \`${i.module}:${i.name}\``, 0);
    seen.add(key);
  }
}

export function sig(t: CoreFuncType | undefined): string {
  return t ? signatureString(t) : "?";
}

export function funcTypeText(t: CoreFuncType): string {
  const p = t.params.length ? ` (param ${t.params.join(" ")})` : "";
  const r = t.results.length ? ` (result ${t.results.join(" ")})` : "";
  return `(func${p}${r})`;
}

function limitsMatch(actual: Limits, expected: Limits): boolean {
  if (actual.min < expected.min) return false;
  if (expected.max === undefined) return true;
  return actual.max !== undefined && actual.max <= expected.max;
}

/** Checks that `actual` can satisfy an import of type `expected`; returns the reason when not. */
export function coreExternMismatch(actual: CoreExtern, expected: CoreExtern): string | undefined {
  if (actual.kind !== expected.kind) return `expected ${expected.kind}, found ${actual.kind}`;
  // Module types only give the kinds of tables, memories and globals.
  if ("unknown" in actual || "unknown" in expected) return undefined;
  switch (expected.kind) {
    case "func":
    case "tag": {
      const a = (actual as { type: CoreFuncType | undefined }).type;
      const e = expected.type;
      if (a && e && sig(a) !== sig(e)) return `type mismatch: expected: ${funcTypeText(e)}, found: ${funcTypeText(a)}`;
      return undefined;
    }
    case "table": {
      const a = actual as CoreExtern & { kind: "table" };
      if (a.elem !== expected.elem) return `expected table element type ${expected.elem}, found ${a.elem}`;
      if (!limitsMatch(a.limits, expected.limits)) return "mismatch in table limits";
      return undefined;
    }
    case "memory": {
      const a = actual as CoreExtern & { kind: "memory" };
      if (a.shared !== expected.shared) return "mismatch in the shared flag for memories";
      if (a.memory64 !== expected.memory64) return "mismatch in index type used for memories";
      if (!limitsMatch(a.limits, expected.limits)) return "mismatch in memory limits";
      return undefined;
    }
    case "global": {
      const a = actual as CoreExtern & { kind: "global" };
      if (a.mutable !== expected.mutable) return "global types differ in mutability";
      if (a.type !== expected.type) return `expected global type ${expected.type}, found ${a.type}`;
      return undefined;
    }
  }
}

/** Validates a core module with the engine, tolerating features the engine lacks. */
export function coreModuleError(bytes: Uint8Array): string | undefined {
  try {
    new WebAssembly.Module(bytes as BufferSource);
    return undefined;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    // Features newer than the engine (multiple memories, exception references,
    // GC, wide arithmetic…) are not for the engine to judge: accept them.
    if (
      /invalid opcode|unknown opcode|at most one memory|exceeds internal limit|invalid (value|reference|heap) type|invalid type|unknown type|invalid form|unsupported|not enabled|local type|memory64|table64|shared|invalid memory limits flags|invalid table limits flags|expected .* got|invalid section code|unknown section/i.test(
        message,
      )
    ) {
      return undefined;
    }
    return message.replace(/^WebAssembly\.Module\(\): /, "");
  }
}

export { BinaryError };
export type { CoreFuncType, CoreValType };
