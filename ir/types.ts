/**
 * The resolved IR that every generator reads.
 *
 * The model is wit-parser's `Resolve`: flat arenas of packages, interfaces,
 * worlds and types, cross-referenced by numeric ids (indices into the
 * arenas). Ids are stable: the same input always yields the same ids, and they
 * are the numbers printed by `witx-bindgen json`.
 *
 * Invariants of a resolved IR:
 * - `types` is in topological order: a type only refers to types with a
 *   smaller id;
 * - every world is *elaborated*: its imports list every interface that an
 *   import or export needs (transitively), before the items that need it,
 *   and includes have been merged in;
 * - items disabled by feature gates are absent.
 */
import type { PrimitiveName, Span } from "../parser/ast.js";
import type { Version } from "../parser/semver.js";

export type { Span, Version };

export type TypeId = number;
export type InterfaceId = number;
export type WorldId = number;
export type PackageId = number;

/** Types with no definition of their own (the same names as in the AST). */
export type PrimitiveType = PrimitiveName;

/** A use of a type: a primitive, or the id of a `TypeDef`. */
export type Type = PrimitiveType | TypeId;

export interface Docs {
  /** The documentation text, comment markers and common indentation removed. */
  contents: string | undefined;
}

/** Feature-gate state of an item (`@since`, `@unstable`, `@deprecated`). */
export type Stability =
  | { kind: "unknown" }
  | { kind: "unstable"; feature: string; deprecated: Version | undefined }
  | { kind: "stable"; since: Version; deprecated: Version | undefined };

export interface PackageName {
  namespace: string;
  name: string;
  version: Version | undefined;
}

export type TypeOwner = { kind: "world"; id: WorldId } | { kind: "interface"; id: InterfaceId } | { kind: "none" };

/** The owner of every anonymous type: shared and frozen, since an owner is replaced, never changed. */
export const NO_OWNER: TypeOwner = Object.freeze({ kind: "none" });

export interface Field {
  name: string;
  type: Type;
  docs: Docs;
  span: Span;
}

export interface Flag {
  name: string;
  docs: Docs;
  span: Span;
}

export interface Case {
  name: string;
  type: Type | undefined;
  docs: Docs;
  span: Span;
}

export interface EnumCase {
  name: string;
  docs: Docs;
  span: Span;
}

export type TypeDefKind =
  | { kind: "record"; fields: Field[] }
  | { kind: "resource" }
  | { kind: "handle"; handle: "own" | "borrow"; resource: TypeId }
  | { kind: "flags"; flags: Flag[] }
  | { kind: "tuple"; types: Type[] }
  | { kind: "variant"; cases: Case[] }
  | { kind: "enum"; cases: EnumCase[] }
  | { kind: "option"; type: Type }
  | { kind: "result"; ok: Type | undefined; err: Type | undefined }
  | { kind: "list"; type: Type }
  | { kind: "map"; key: Type; value: Type }
  | { kind: "fixed-length-list"; type: Type; size: number }
  | { kind: "future"; type: Type | undefined }
  | { kind: "stream"; type: Type | undefined }
  /** An alias (`type a = b`) or a type brought in by `use`. */
  | { kind: "type"; type: Type }
  /** A type imported from a package not yet resolved (unresolved packages only). */
  | { kind: "unknown" };

export interface TypeDef {
  /** `undefined` for anonymous types such as `list<u8>`. */
  name: string | undefined;
  kind: TypeDefKind;
  owner: TypeOwner;
  docs: Docs;
  stability: Stability;
  span: Span;
  externalId: string | undefined;
}

export type FunctionKind =
  | { kind: "freestanding" }
  | { kind: "async-freestanding" }
  | { kind: "method"; resource: TypeId }
  | { kind: "async-method"; resource: TypeId }
  | { kind: "static"; resource: TypeId }
  | { kind: "async-static"; resource: TypeId }
  | { kind: "constructor"; resource: TypeId };

export interface Param {
  name: string;
  type: Type;
  span: Span;
}

export interface Function {
  /** The full name: `f`, `[constructor]r`, `[method]r.m`, `[static]r.s`. */
  name: string;
  kind: FunctionKind;
  params: Param[];
  result: Type | undefined;
  docs: Docs;
  stability: Stability;
  span: Span;
  externalId: string | undefined;
}

export interface Interface {
  /** `undefined` for an inline interface of a world (`import x: interface { ... }`). */
  name: string | undefined;
  types: Map<string, TypeId>;
  functions: Map<string, Function>;
  docs: Docs;
  stability: Stability;
  package: PackageId | undefined;
  span: Span;
  /** Set on a copy made when a world includes another world's inline interface. */
  cloneOf: InterfaceId | undefined;
}

/** How an import or export is named: by a plain name or by the interface it is. */
export type WorldKey = { kind: "name"; name: string } | { kind: "interface"; id: InterfaceId };

export type WorldItem =
  | {
      kind: "interface";
      id: InterfaceId;
      stability: Stability;
      externalId: string | undefined;
      docs: Docs;
      span: Span;
    }
  | { kind: "function"; func: Function }
  | { kind: "type"; id: TypeId; span: Span };

export interface WorldEntry {
  key: WorldKey;
  item: WorldItem;
}

/** An ordered map of world items keyed by `WorldKey` (insertion order is meaningful). */
export type WorldItems = Map<string, WorldEntry>;

export interface WorldInclude {
  stability: Stability;
  id: WorldId;
  names: { name: string; as: string }[];
  span: Span;
}

export interface World {
  name: string;
  imports: WorldItems;
  exports: WorldItems;
  package: PackageId | undefined;
  docs: Docs;
  stability: Stability;
  /** Pending `include`s; empty once resolved. */
  includes: WorldInclude[];
  span: Span;
}

export interface Package {
  name: PackageName;
  docs: Docs;
  interfaces: Map<string, InterfaceId>;
  worlds: Map<string, WorldId>;
}

export const unknownSpan: Span = { start: -1, end: -1 };

export function isKnownSpan(span: Span): boolean {
  return span.start >= 0;
}

export function worldKeyString(key: WorldKey): string {
  return key.kind === "name" ? `n:${key.name}` : `i:${key.id}`;
}

const NO_DOCS: Docs = Object.freeze({ contents: undefined });

/** No documentation: one shared, frozen object (docs are replaced, never changed). */
export function noDocs(): Docs {
  return NO_DOCS;
}

export const unknownStability: Stability = { kind: "unknown" };

/**
 * The types a type definition is made of, in order: fields, cases' payloads,
 * elements, `ok` then `err`, key then value, a handle's resource, an alias's
 * target. Kinds made of none (`flags`, `enum`, `resource`) give none.
 */
export function typeDefParts(kind: TypeDefKind): Type[] {
  const parts: (Type | undefined)[] = (() => {
    switch (kind.kind) {
      case "record":
        return kind.fields.map((f) => f.type);
      case "tuple":
        return kind.types;
      case "variant":
        return kind.cases.map((c) => c.type);
      case "option":
      case "type":
      case "list":
      case "fixed-length-list":
      case "future":
      case "stream":
        return [kind.type];
      case "result":
        return [kind.ok, kind.err];
      case "map":
        return [kind.key, kind.value];
      case "handle":
        return [kind.resource];
      default:
        return [];
    }
  })();
  return parts.filter((t): t is Type => t !== undefined);
}
