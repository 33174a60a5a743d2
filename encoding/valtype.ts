/**
 * WIT types to component-model type definitions.
 *
 * One walk serves every place that defines types (a world's component type,
 * an interface's instance type, the root of a component, the nested
 * component that re-types an exported interface). What differs between them
 * is the `TypeSink`: where definitions go, and what naming a type means there
 * (an export in an instance type, an import of a component, nothing at the
 * root). Types owned by another interface are never redefined: the sink
 * aliases them from wherever that interface is reachable.
 *
 * Anonymous types with the same structure share one definition, and so do
 * function types with the same signature, as wit-component writes them; this
 * keeps our encoding of a world byte-for-byte equal to wasm-tools'.
 */
import type { Resolve } from "../ir/resolve.js";
import type { Function, InterfaceId, Type, TypeDefKind, TypeId } from "../ir/types.js";
import type { ExternName, TypeDef, ValType } from "./builder.js";

/** Which definitions already exist in a type index space. */
export class TypeMaps {
  idToIndex = new Map<TypeId, number>();
  defToIndex = new Map<string, number>();
  funcTypes = new Map<string, number>();

  clone(): TypeMaps {
    const m = new TypeMaps();
    m.idToIndex = new Map(this.idToIndex);
    m.defToIndex = new Map(this.defToIndex);
    m.funcTypes = new Map(this.funcTypes);
    return m;
  }
}

/** Where type definitions are written, and what naming a type does there. */
export interface TypeSink {
  /** The interface whose types are being defined (types of other interfaces are imported). */
  readonly currentInterface: InterfaceId | undefined;
  maps: TypeMaps;
  defineType(t: TypeDef): number;
  /** Names the type at `index`; returns the index of the named type, or undefined to keep `index`. */
  exportType(index: number, name: ExternName): number | undefined;
  /** Introduces a resource type by name and returns its index. */
  exportResource(name: ExternName): number;
  /** The index of `id`, a type owned by interface `owner`, brought into this index space. */
  importType(owner: InterfaceId, id: TypeId): number;
}

export function externName(name: string, externalId: string | undefined): ExternName {
  return externalId === undefined ? { name } : { name, externalId };
}

/**
 * The structural key of an anonymous type's kind (its JSON), computed once
 * per kind object: a resolved type is not changed after it is added.
 */
const kindKeys = new WeakMap<TypeDefKind, string>();
export function kindKey(kind: TypeDefKind): string {
  let key = kindKeys.get(kind);
  if (key === undefined) {
    key = JSON.stringify(kind);
    kindKeys.set(kind, key);
  }
  return key;
}

/**
 * The key under which functions share a type: async or not, each
 * parameter's name and type, the result. Names are identifiers and types
 * are ids or primitive names, so NUL separates them unambiguously.
 */
function funcTypeKey(func: Function): string {
  let key = isAsync(func) ? "a" : "s";
  for (const p of func.params) key += `\0${p.name}\0${p.type}`;
  return `${key}\0\0${func.result ?? ""}`;
}

function lookup(resolve: Resolve, maps: TypeMaps, id: TypeId): number | undefined {
  const index = maps.idToIndex.get(id);
  if (index !== undefined) return index;
  const def = resolve.types[id];
  if (def.name === undefined) return maps.defToIndex.get(kindKey(def.kind));
  return undefined;
}

function remember(resolve: Resolve, maps: TypeMaps, id: TypeId, index: number): void {
  maps.idToIndex.set(id, index);
  const def = resolve.types[id];
  if (def.name === undefined) maps.defToIndex.set(kindKey(def.kind), index);
}

function isAsync(func: Function): boolean {
  return func.kind.kind.startsWith("async-");
}

/** The type index of `func`'s component function type in `sink`. */
export function encodeFuncType(resolve: Resolve, sink: TypeSink, func: Function): number {
  const key = funcTypeKey(func);
  const existing = sink.maps.funcTypes.get(key);
  if (existing !== undefined) return existing;
  const params = func.params.map((p): [string, ValType] => [p.name, encodeValType(resolve, sink, p.type)]);
  const result = func.result === undefined ? undefined : encodeValType(resolve, sink, func.result);
  const index = sink.defineType({ kind: "func", async: isAsync(func), params, result });
  sink.maps.funcTypes.set(key, index);
  return index;
}

function encodeOptional(resolve: Resolve, sink: TypeSink, t: Type | undefined): ValType | undefined {
  return t === undefined ? undefined : encodeValType(resolve, sink, t);
}

function asIndex(t: ValType): number {
  if (typeof t !== "number") throw new Error("a resource must be an indexed type");
  return t;
}

/** The value type of `t` in `sink`, defining (or importing) what is missing. */
export function encodeValType(resolve: Resolve, sink: TypeSink, t: Type): ValType {
  if (typeof t === "string") return t;
  const known = lookup(resolve, sink.maps, t);
  if (known !== undefined) return known;
  const def = resolve.types[t];
  if (def.owner.kind === "interface" && def.owner.id !== sink.currentInterface) {
    const index = sink.importType(def.owner.id, t);
    remember(resolve, sink.maps, t, index);
    return index;
  }
  const kind = def.kind;
  let encoded: ValType;
  const define = (d: TypeDef) => sink.defineType(d);
  switch (kind.kind) {
    case "record":
      encoded = define({
        kind: "record",
        fields: kind.fields.map((f): [string, ValType] => [f.name, encodeValType(resolve, sink, f.type)]),
      });
      break;
    case "tuple":
      encoded = define({ kind: "tuple", types: kind.types.map((x) => encodeValType(resolve, sink, x)) });
      break;
    case "flags":
      encoded = define({ kind: "flags", names: kind.flags.map((f) => f.name) });
      break;
    case "variant":
      encoded = define({
        kind: "variant",
        cases: kind.cases.map((c): [string, ValType | undefined] => [c.name, encodeOptional(resolve, sink, c.type)]),
      });
      break;
    case "option": {
      const inner = encodeValType(resolve, sink, kind.type);
      encoded = define({ kind: "option", type: inner });
      break;
    }
    case "result": {
      const ok = encodeOptional(resolve, sink, kind.ok);
      const err = encodeOptional(resolve, sink, kind.err);
      encoded = define({ kind: "result", ok, err });
      break;
    }
    case "enum":
      encoded = define({ kind: "enum", names: kind.cases.map((c) => c.name) });
      break;
    case "list": {
      const element = encodeValType(resolve, sink, kind.type);
      encoded = define({ kind: "list", element });
      break;
    }
    case "fixed-length-list": {
      const element = encodeValType(resolve, sink, kind.type);
      encoded = define({ kind: "list", element, length: kind.size });
      break;
    }
    case "map": {
      const key = encodeValType(resolve, sink, kind.key);
      const value = encodeValType(resolve, sink, kind.value);
      encoded = define({ kind: "map", key, value });
      break;
    }
    case "type":
      encoded = encodeValType(resolve, sink, kind.type);
      break;
    case "future": {
      const inner = encodeOptional(resolve, sink, kind.type);
      encoded = define({ kind: "future", type: inner });
      break;
    }
    case "stream": {
      const inner = encodeOptional(resolve, sink, kind.type);
      encoded = define({ kind: "stream", type: inner });
      break;
    }
    case "resource": {
      const index = sink.exportResource(externName(def.name!, def.externalId));
      sink.maps.idToIndex.set(t, index);
      return index;
    }
    case "handle": {
      const resource = asIndex(encodeValType(resolve, sink, kind.resource));
      encoded = define({ kind: kind.handle, resource });
      break;
    }
    case "unknown":
      throw new Error(`type ${def.name ?? t} is unresolved`);
  }
  if (def.name !== undefined) {
    let index: number;
    if (typeof encoded === "number") index = encoded;
    else index = sink.defineType({ kind: "primitive", type: encoded });
    encoded = sink.exportType(index, externName(def.name, def.externalId)) ?? index;
  }
  if (typeof encoded === "number") remember(resolve, sink.maps, t, encoded);
  return encoded;
}
