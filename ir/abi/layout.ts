/**
 * The canonical ABI's memory layout and flattening, as CanonicalABI.md
 * defines them (`despecialize`, `alignment`, `elem_size`, `flatten_type`,
 * `discriminant_type`, `join`), for 32-bit memories.
 *
 * Every generator asks this module, never re-deriving a size or a core
 * signature on its own. Results are memoised per type id.
 */
import type { Resolve } from "../resolve.js";
import type { Type, TypeId } from "../types.js";
import type { PrimitiveName } from "../../parser/ast.js";

/** A core WebAssembly value type that a component-level value flattens to. */
export type CoreType = "i32" | "i64" | "f32" | "f64";

/** The `string-encoding` canonical option. */
export type StringEncoding = "utf8" | "utf16" | "latin1+utf16";

/** At most this many core parameters are passed flat; more are spilled to memory. */
export const MAX_FLAT_PARAMS = 16;
/** At most this many core results are returned flat; more go through a return area. */
export const MAX_FLAT_RESULTS = 1;
/** How many flat parameters an `async`-lowered import takes before they are passed through one pointer. */
export const MAX_FLAT_ASYNC_PARAMS = 4;
/** The bytes of a pointer (and of a length) in a 32-bit memory. */
export const POINTER_SIZE = 4;
/** The high bit that marks a `latin1+utf16` string's length as UTF-16 code units. */
export const UTF16_TAG = 0x8000_0000;
/** The spec's bound on the byte length of a lifted string or list. */
export const MAX_STRING_BYTE_LENGTH = (1 << 28) - 1;
export const MAX_LIST_BYTE_LENGTH = (1 << 28) - 1;

/**
 * A type after `despecialize` and with aliases followed: the handful of
 * shapes that layout, flattening and the lift/lower walk distinguish.
 *
 * - `tuple`, `enum`, `option` and `result` keep their own shape here, because
 *   emitters represent them differently, but their layout is that of the
 *   record or variant the spec turns them into (see `layoutView`).
 * - `map<k, v>` is `list<tuple<k, v>>`.
 */
export type AbiShape =
  | { kind: "primitive"; name: Exclude<PrimitiveName, "string" | "error-context"> }
  | { kind: "string" }
  | { kind: "error-context" }
  | { kind: "list"; element: Type; id: TypeId }
  | { kind: "map"; key: Type; value: Type; id: TypeId }
  | { kind: "fixed-list"; element: Type; length: number; id: TypeId }
  | { kind: "record"; fields: Type[]; id: TypeId }
  | { kind: "tuple"; types: Type[]; id: TypeId }
  | { kind: "flags"; count: number; id: TypeId }
  | { kind: "enum"; count: number; id: TypeId }
  | { kind: "variant"; cases: (Type | undefined)[]; id: TypeId }
  | { kind: "option"; payload: Type; id: TypeId }
  | { kind: "result"; ok: Type | undefined; err: Type | undefined; id: TypeId }
  | { kind: "own" | "borrow"; resource: TypeId; id: TypeId }
  | { kind: "future" | "stream"; payload: Type | undefined; id: TypeId };

/** Byte offsets of a record's (or tuple's, or spilled parameter list's) fields. */
export interface RecordLayout {
  offsets: number[];
  size: number;
  align: number;
}

/** Where a variant's discriminant and payload live in memory. */
export interface VariantLayout {
  /** 1, 2 or 4 bytes (`discriminant_type`). */
  discriminantSize: 1 | 2 | 4;
  /** Offset of the payload of every case (`max_case_alignment` after the discriminant). */
  payloadOffset: number;
  size: number;
  align: number;
}

/** `discriminant_type(cases)` as a byte width. */
export function discriminantSize(caseCount: number): 1 | 2 | 4 {
  if (caseCount <= 0 || caseCount > 0xffff_ffff)
    throw new RangeError(`a variant needs 1 to 2^32-1 cases, not ${caseCount}`);
  if (caseCount <= 256) return 1;
  if (caseCount <= 65536) return 2;
  return 4;
}

/** `elem_size_flags` and `alignment_flags`: flags fit in 1, 2 or 4 bytes (at most 32 labels). */
export function flagsSize(count: number): 1 | 2 | 4 {
  if (count <= 0 || count > 32) throw new RangeError(`flags need 1 to 32 labels, not ${count}`);
  if (count <= 8) return 1;
  if (count <= 16) return 2;
  return 4;
}

export function alignTo(offset: number, align: number): number {
  return Math.ceil(offset / align) * align;
}

/** `join(a, b)`: the core type that can carry both, for the flat payload slots of a variant. */
export function joinCoreTypes(a: CoreType, b: CoreType): CoreType {
  if (a === b) return a;
  if ((a === "i32" && b === "f32") || (a === "f32" && b === "i32")) return "i32";
  return "i64";
}

const primitiveSize: Record<string, number> = {
  bool: 1,
  u8: 1,
  s8: 1,
  u16: 2,
  s16: 2,
  u32: 4,
  s32: 4,
  u64: 8,
  s64: 8,
  f32: 4,
  f64: 8,
  char: 4,
};

const primitiveFlat: Record<string, CoreType> = {
  bool: "i32",
  u8: "i32",
  s8: "i32",
  u16: "i32",
  s16: "i32",
  u32: "i32",
  s32: "i32",
  u64: "i64",
  s64: "i64",
  f32: "f32",
  f64: "f64",
  char: "i32",
};

/**
 * Layout and flattening of the types of one `Resolve`.
 */
export class AbiLayout {
  private readonly sizes = new Map<TypeId, { size: number; align: number }>();
  private readonly flats = new Map<TypeId, CoreType[]>();

  constructor(readonly resolve: Resolve) {}

  /** Follows aliases (`type a = b`, and `use`d types) to the type that defines the shape. */
  dealias(t: Type): Type {
    while (typeof t === "number") {
      const kind = this.resolve.types[t].kind;
      if (kind.kind !== "type") break;
      t = kind.type;
    }
    return t;
  }

  /** The shape of a type, aliases followed. */
  shape(t: Type): AbiShape {
    t = this.dealias(t);
    if (typeof t === "string") {
      if (t === "string") return { kind: "string" };
      if (t === "error-context") return { kind: "error-context" };
      return { kind: "primitive", name: t };
    }
    const id = t;
    const kind = this.resolve.types[id].kind;
    switch (kind.kind) {
      case "record":
        return { kind: "record", fields: kind.fields.map((f) => f.type), id };
      case "tuple":
        return { kind: "tuple", types: kind.types, id };
      case "flags":
        return { kind: "flags", count: kind.flags.length, id };
      case "enum":
        return { kind: "enum", count: kind.cases.length, id };
      case "variant":
        return { kind: "variant", cases: kind.cases.map((c) => c.type), id };
      case "option":
        return { kind: "option", payload: kind.type, id };
      case "result":
        return { kind: "result", ok: kind.ok, err: kind.err, id };
      case "list":
        return { kind: "list", element: kind.type, id };
      case "map":
        return { kind: "map", key: kind.key, value: kind.value, id };
      case "fixed-length-list":
        return { kind: "fixed-list", element: kind.type, length: kind.size, id };
      case "handle":
        return { kind: kind.handle, resource: this.resourceOf(kind.resource), id };
      case "future":
      case "stream":
        return { kind: kind.kind, payload: kind.type, id };
      case "resource":
        throw new Error(`resource type ${this.resolve.types[id].name} used as a value type`);
      case "type":
      case "unknown":
        throw new Error(`type ${id} has no ABI shape (${kind.kind})`);
    }
  }

  /** The resource a handle names, through aliases of the resource (`use i.{r}` makes one). */
  resourceOf(id: TypeId): TypeId {
    for (;;) {
      const kind = this.resolve.types[id].kind;
      if (kind.kind === "type" && typeof kind.type === "number") id = kind.type;
      else return id;
    }
  }

  /**
   * The payload types of a variant-like shape in case order, as the spec's
   * despecialised variant sees them (`option` is `none | some(T)`, `result` is
   * `ok(T) | error(E)`, an enum's cases have none).
   */
  variantCases(shape: AbiShape): (Type | undefined)[] {
    switch (shape.kind) {
      case "variant":
        return shape.cases;
      case "option":
        return [undefined, shape.payload];
      case "result":
        return [shape.ok, shape.err];
      case "enum":
        return new Array<undefined>(shape.count).fill(undefined);
      default:
        throw new Error(`${shape.kind} is not a variant`);
    }
  }

  /** The field types of a record-like shape (records and tuples). */
  recordFields(shape: AbiShape): Type[] {
    if (shape.kind === "record") return shape.fields;
    if (shape.kind === "tuple") return shape.types;
    if (shape.kind === "map") throw new Error("a map is a list, not a record");
    throw new Error(`${shape.kind} is not a record`);
  }

  /** The element type of a map's list: `tuple<k, v>`, laid out as a record of two fields. */
  mapEntryFields(shape: { key: Type; value: Type }): Type[] {
    return [shape.key, shape.value];
  }

  size(t: Type): number {
    return this.sizeAlign(t).size;
  }

  align(t: Type): number {
    return this.sizeAlign(t).align;
  }

  /** `elem_size` and `alignment` together. */
  sizeAlign(t: Type): { size: number; align: number } {
    t = this.dealias(t);
    if (typeof t === "string") {
      if (t === "string") return { size: 2 * POINTER_SIZE, align: POINTER_SIZE };
      if (t === "error-context") return { size: 4, align: 4 };
      const size = primitiveSize[t];
      return { size, align: size };
    }
    let cached = this.sizes.get(t);
    if (!cached) {
      cached = this.computeSizeAlign(this.shape(t));
      this.sizes.set(t, cached);
    }
    return cached;
  }

  private computeSizeAlign(shape: AbiShape): { size: number; align: number } {
    switch (shape.kind) {
      case "list":
      case "map":
        return { size: 2 * POINTER_SIZE, align: POINTER_SIZE };
      case "fixed-list": {
        const e = this.sizeAlign(shape.element);
        return { size: e.size * shape.length, align: e.align };
      }
      case "record":
      case "tuple": {
        const { size, align } = this.recordLayout(this.recordFields(shape));
        return { size, align };
      }
      case "flags": {
        const size = flagsSize(shape.count);
        return { size, align: size };
      }
      case "enum":
      case "variant":
      case "option":
      case "result": {
        const { size, align } = this.variantLayout(this.variantCases(shape));
        return { size, align };
      }
      case "own":
      case "borrow":
      case "future":
      case "stream":
      case "error-context":
        return { size: 4, align: 4 };
      case "primitive":
      case "string":
        return this.sizeAlign(shape.kind === "string" ? "string" : shape.name);
    }
  }

  /**
   * Field offsets, size and alignment of a record of `types` (`elem_size_record`).
   * Spilled parameter lists and return areas are laid out as this tuple too.
   * An empty list has size 0 (only function parameter lists can be empty).
   */
  recordLayout(types: Type[]): RecordLayout {
    let offset = 0;
    let align = 1;
    const offsets: number[] = [];
    for (const t of types) {
      const f = this.sizeAlign(t);
      offset = alignTo(offset, f.align);
      offsets.push(offset);
      offset += f.size;
      align = Math.max(align, f.align);
    }
    return { offsets, size: alignTo(offset, align), align };
  }

  /** Discriminant size, payload offset, size and alignment of a variant with these case payloads. */
  variantLayout(cases: (Type | undefined)[]): VariantLayout {
    const discriminant = discriminantSize(cases.length);
    let caseAlign = 1;
    let caseSize = 0;
    for (const c of cases) {
      if (c === undefined) continue;
      const p = this.sizeAlign(c);
      caseAlign = Math.max(caseAlign, p.align);
      caseSize = Math.max(caseSize, p.size);
    }
    const payloadOffset = alignTo(discriminant, caseAlign);
    const align = Math.max(discriminant, caseAlign);
    return { discriminantSize: discriminant, payloadOffset, size: alignTo(payloadOffset + caseSize, align), align };
  }

  /** `flatten_type`: the core types a value of `t` becomes when passed flat. */
  flat(t: Type): CoreType[] {
    t = this.dealias(t);
    if (typeof t === "string") {
      if (t === "string") return ["i32", "i32"];
      if (t === "error-context") return ["i32"];
      return [primitiveFlat[t]];
    }
    let cached = this.flats.get(t);
    if (!cached) {
      cached = this.computeFlat(this.shape(t));
      this.flats.set(t, cached);
    }
    return cached;
  }

  private computeFlat(shape: AbiShape): CoreType[] {
    switch (shape.kind) {
      case "list":
      case "map":
        return ["i32", "i32"];
      case "fixed-list": {
        const e = this.flat(shape.element);
        const out: CoreType[] = [];
        for (let i = 0; i < shape.length; i++) out.push(...e);
        return out;
      }
      case "record":
      case "tuple":
        return this.flatten(this.recordFields(shape));
      case "flags":
      case "enum":
      case "own":
      case "borrow":
      case "future":
      case "stream":
      case "error-context":
        return ["i32"];
      case "variant":
      case "option":
      case "result":
        return ["i32", ...this.variantPayloadFlat(this.variantCases(shape))];
      case "primitive":
        return [primitiveFlat[shape.name]];
      case "string":
        return ["i32", "i32"];
    }
  }

  /** The joined flat payload slots of a variant (`flatten_variant` without the discriminant). */
  variantPayloadFlat(cases: (Type | undefined)[]): CoreType[] {
    const flat: CoreType[] = [];
    for (const c of cases) {
      if (c === undefined) continue;
      this.flat(c).forEach((ft, i) => {
        flat[i] = i < flat.length ? joinCoreTypes(flat[i], ft) : ft;
      });
    }
    return flat;
  }

  /** `flatten_types`. */
  flatten(types: Type[]): CoreType[] {
    const out: CoreType[] = [];
    for (const t of types) for (const ft of this.flat(t)) out.push(ft);
    return out;
  }

  /** Whether a value of `t` owns memory once lowered (strings and lists, anywhere inside). */
  needsMemory(t: Type): boolean {
    const shape = this.shape(t);
    switch (shape.kind) {
      case "string":
      case "list":
      case "map":
        return true;
      case "fixed-list":
        return this.needsMemory(shape.element);
      case "record":
      case "tuple":
        return this.recordFields(shape).some((f) => this.needsMemory(f));
      case "variant":
      case "option":
      case "result":
        return this.variantCases(shape).some((c) => c !== undefined && this.needsMemory(c));
      default:
        return false;
    }
  }

  /**
   * Whether a value of `t` in linear memory can be copied byte for byte from
   * one component's memory to another's with the same result as lifting it
   * and lowering it again: integers and floats (the lowering may give any NaN,
   * so a NaN's bits may pass as they are), and records, tuples and
   * fixed-length lists of those with no padding (lowering never writes
   * padding, so copying it could show the callee bytes the spec would not).
   * Not `bool`, `char`, enums, flags or variants: lifting validates or
   * normalises them.
   */
  bitCopyable(t: Type): boolean {
    const shape = this.shape(t);
    switch (shape.kind) {
      case "primitive":
        return shape.name !== "bool" && shape.name !== "char";
      case "fixed-list":
        return this.bitCopyable(shape.element);
      case "record":
      case "tuple": {
        const fields = this.recordFields(shape);
        if (!fields.every((f) => this.bitCopyable(f))) return false;
        return this.recordLayout(fields).size === fields.reduce<number>((n, f) => n + this.size(f), 0);
      }
      default:
        return false;
    }
  }

  /** Whether `t` contains a `borrow` handle anywhere (`contains_borrow`). */
  containsBorrow(t: Type): boolean {
    return this.contains(t, (s) => s.kind === "borrow");
  }

  /** Whether `t` contains any handle, future or stream anywhere. */
  contains(t: Type, predicate: (shape: AbiShape) => boolean): boolean {
    const shape = this.shape(t);
    if (predicate(shape)) return true;
    switch (shape.kind) {
      case "list":
      case "fixed-list":
        return this.contains(shape.element, predicate);
      case "map":
        return this.contains(shape.key, predicate) || this.contains(shape.value, predicate);
      case "record":
      case "tuple":
        return this.recordFields(shape).some((f) => this.contains(f, predicate));
      case "variant":
      case "option":
      case "result":
        return this.variantCases(shape).some((c) => c !== undefined && this.contains(c, predicate));
      case "future":
      case "stream":
        return shape.payload !== undefined && this.contains(shape.payload, predicate);
      default:
        return false;
    }
  }
}

/** Core signature of a function as `flatten_functype` gives it for the synchronous ABI. */
export interface CoreSignature {
  params: CoreType[];
  results: CoreType[];
  /** The parameters did not fit in `MAX_FLAT_PARAMS` and are passed through one pointer. */
  paramsSpilled: boolean;
  /**
   * The results did not fit in `MAX_FLAT_RESULTS`: a lifted function returns a
   * pointer to them; a lowered one takes a pointer to write them to as its
   * last parameter.
   */
  resultsSpilled: boolean;
}

/**
 * `flatten_functype` for the synchronous ABI. `context` is `lift` for a
 * function the core module exports (the component lifts it), `lower` for one
 * it imports.
 */
export function flattenFunctionType(
  layout: AbiLayout,
  params: Type[],
  result: Type | undefined,
  context: "lift" | "lower",
): CoreSignature {
  let flatParams = layout.flatten(params);
  let flatResults = result === undefined ? [] : layout.flat(result);
  const paramsSpilled = flatParams.length > MAX_FLAT_PARAMS;
  if (paramsSpilled) flatParams = ["i32"];
  const resultsSpilled = flatResults.length > MAX_FLAT_RESULTS;
  if (resultsSpilled) {
    if (context === "lift") flatResults = ["i32"];
    else {
      flatParams = [...flatParams, "i32"];
      flatResults = [];
    }
  }
  return { params: flatParams, results: flatResults, paramsSpilled, resultsSpilled };
}

/**
 * The core signature of an `async` function, as `canon lift async` (with a
 * callback) and `canon lower async` give it.
 *
 * - Lowered (a guest calling an import): up to `MAX_FLAT_ASYNC_PARAMS` flat
 *   parameters, else one pointer to them; then, when the function has a
 *   result, one more pointer to the area the callee writes it to. The one
 *   core result is the subtask's packed status (`SubtaskStatus`).
 * - Lifted (a guest implementing an export): up to `MAX_FLAT_PARAMS` flat
 *   parameters, else one pointer; the one core result is the callback code
 *   (`CallbackCode`). The function's own result goes to `task.return`.
 *
 * `resultsSpilled` is set when a lowered function has a result area.
 */
export function flattenAsyncFunctionType(
  layout: AbiLayout,
  params: Type[],
  result: Type | undefined,
  context: "lift" | "lower",
): CoreSignature {
  let flatParams = layout.flatten(params);
  const paramsSpilled = flatParams.length > (context === "lift" ? MAX_FLAT_PARAMS : MAX_FLAT_ASYNC_PARAMS);
  if (paramsSpilled) flatParams = ["i32"];
  const resultsSpilled = context === "lower" && result !== undefined;
  if (resultsSpilled) flatParams = [...flatParams, "i32"];
  return { params: flatParams, results: ["i32"], paramsSpilled, resultsSpilled };
}
