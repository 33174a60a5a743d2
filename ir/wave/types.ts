/**
 * The IR types as WAVE sees them: aliases followed, the JS shape of each
 * (the TypeScript host's value mapping), and WIT text for messages.
 */
import type { Resolve } from "../resolve.js";
import type { Type, TypeDefKind } from "../types.js";

/** A type with aliases followed: a primitive name, or a type definition's kind and id. */
export type Shape = { kind: "primitive"; name: string } | { kind: "def"; id: number; def: TypeDefKind };

/** Follows `type a = b` aliases (and `use`d types) to the type that defines the shape. */
export function shapeOf(t: Type, resolve: Resolve): Shape {
  while (typeof t === "number") {
    const def = resolve.types[t].kind;
    if (def.kind !== "type") return { kind: "def", id: t, def };
    t = def.type;
  }
  return { kind: "primitive", name: t };
}

/** Element types whose lists are typed arrays in JS. */
export const typedArrayOf: Record<string, (new (values: never[]) => ArrayLike<unknown>) | undefined> = {
  u8: Uint8Array,
  s8: Int8Array,
  u16: Uint16Array,
  s16: Int16Array,
  u32: Uint32Array,
  s32: Int32Array,
  u64: BigUint64Array,
  s64: BigInt64Array,
  f32: Float32Array,
  f64: Float64Array,
};

/** The typed-array constructor for a list of `element`, if the list is one. */
export function listArrayType(element: Type, resolve: Resolve) {
  const s = shapeOf(element, resolve);
  return s.kind === "primitive" ? typedArrayOf[s.name] : undefined;
}

/** Whether an option of `payload` is represented tagged (`{ tag: "some", val }`): its payload is an option. */
export function isTaggedOption(payload: Type, resolve: Resolve): boolean {
  const s = shapeOf(payload, resolve);
  return s.kind === "def" && s.def.kind === "option";
}

/** The type as WIT writes it: a named type by its name, others structurally. */
export function witTypeText(t: Type, resolve: Resolve): string {
  if (typeof t === "string") return t;
  const def = resolve.types[t];
  if (def.name !== undefined) return def.name;
  const k = def.kind;
  const text = (x: Type) => witTypeText(x, resolve);
  switch (k.kind) {
    case "type":
      return text(k.type);
    case "list":
      return `list<${text(k.type)}>`;
    case "fixed-length-list":
      return `list<${text(k.type)}, ${k.size}>`;
    case "map":
      return `map<${text(k.key)}, ${text(k.value)}>`;
    case "option":
      return `option<${text(k.type)}>`;
    case "result":
      if (k.ok === undefined && k.err === undefined) return "result";
      if (k.err === undefined) return `result<${text(k.ok!)}>`;
      return `result<${k.ok === undefined ? "_" : text(k.ok)}, ${text(k.err)}>`;
    case "tuple":
      return `tuple<${k.types.map(text).join(", ")}>`;
    case "handle":
      return k.handle === "own" ? text(k.resource) : `borrow<${text(k.resource)}>`;
    case "future":
      return k.type === undefined ? "future" : `future<${text(k.type)}>`;
    case "stream":
      return k.type === undefined ? "stream" : `stream<${text(k.type)}>`;
    default:
      return k.kind;
  }
}
