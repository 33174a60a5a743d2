/**
 * Structurally equal types (wit-bindgen's `merge_structurally_equal_types`):
 * the types a world reaches, grouped by structure, so that each type but the
 * first of its group is generated as an alias of that first one.
 *
 * Two types are equal when they are the same kind with equal parts, cases and
 * fields named alike and in the same order; aliases (`type a = b`, `use`) are
 * looked through. Resources are equal only to themselves, so handles are
 * equal when they are the same kind of handle to the same resource.
 */
import type { Resolve } from "../../ir/resolve.js";
import { typeDefParts, type Type, type TypeId, type WorldId } from "../../ir/types.js";

/** Each type of the world to the first type of its group (itself when first). */
export function equalTypes(resolve: Resolve, world: WorldId): Map<TypeId, TypeId> {
  const live = liveTypes(resolve, world);
  const parent = new Map<TypeId, TypeId>();
  const find = (id: TypeId): TypeId => {
    let root = id;
    while (parent.has(root) && parent.get(root) !== root) root = parent.get(root)!;
    return root;
  };
  const typesEqual = (a: Type, b: Type): boolean => {
    if (typeof a === "number") return idEqualToType(a, b);
    if (typeof b === "number") return idEqualToType(b, a);
    return a === b;
  };
  const optionalEqual = (a: Type | undefined, b: Type | undefined): boolean =>
    a === undefined || b === undefined ? a === b : typesEqual(a, b);
  const idEqualToType = (a: TypeId, b: Type): boolean => {
    const kind = resolve.types[a].kind;
    if (kind.kind === "type") return typesEqual(kind.type, b);
    return typeof b === "number" && structurallyEqual(a, b);
  };
  const structurallyEqual = (a: TypeId, b: TypeId): boolean => {
    if (find(a) === find(b)) return true;
    const ka = resolve.types[a].kind;
    const kb = resolve.types[b].kind;
    if (ka.kind === "type") return idEqualToType(b, ka.type);
    if (kb.kind === "type") return idEqualToType(a, kb.type);
    switch (ka.kind) {
      case "record":
        return (
          kb.kind === "record" &&
          ka.fields.length === kb.fields.length &&
          ka.fields.every((f, i) => f.name === kb.fields[i].name && typesEqual(f.type, kb.fields[i].type))
        );
      case "variant":
        return (
          kb.kind === "variant" &&
          ka.cases.length === kb.cases.length &&
          ka.cases.every((c, i) => c.name === kb.cases[i].name && optionalEqual(c.type, kb.cases[i].type))
        );
      case "enum":
        return (
          kb.kind === "enum" &&
          ka.cases.length === kb.cases.length &&
          ka.cases.every((c, i) => c.name === kb.cases[i].name)
        );
      case "flags":
        return (
          kb.kind === "flags" &&
          ka.flags.length === kb.flags.length &&
          ka.flags.every((f, i) => f.name === kb.flags[i].name)
        );
      case "tuple":
        return (
          kb.kind === "tuple" &&
          ka.types.length === kb.types.length &&
          ka.types.every((t, i) => typesEqual(t, kb.types[i]))
        );
      case "list":
      case "option":
        return kb.kind === ka.kind && typesEqual(ka.type, kb.type);
      case "fixed-length-list":
        return kb.kind === "fixed-length-list" && ka.size === kb.size && typesEqual(ka.type, kb.type);
      case "result":
        return kb.kind === "result" && optionalEqual(ka.ok, kb.ok) && optionalEqual(ka.err, kb.err);
      case "map":
        return kb.kind === "map" && typesEqual(ka.key, kb.key) && typesEqual(ka.value, kb.value);
      case "future":
      case "stream":
        return kb.kind === ka.kind && optionalEqual(ka.type, kb.type);
      case "handle":
        return kb.kind === "handle" && ka.handle === kb.handle && structurallyEqual(ka.resource, kb.resource);
      case "resource":
        return a === b;
      default:
        return false;
    }
  };
  // In the order types are reached, each dependency first: a type joins the group of the first earlier one equal to it.
  live.forEach((id, i) => {
    for (const earlier of live.slice(0, i)) {
      if (find(id) === find(earlier)) continue;
      if (structurallyEqual(id, earlier)) {
        parent.set(find(id), find(earlier));
        break;
      }
    }
  });
  return new Map(live.map((id) => [id, find(id)]));
}

/** The types `world` reaches, each after the types it is made of (wit-parser's `LiveTypes`). */
function liveTypes(resolve: Resolve, worldId: WorldId): TypeId[] {
  const order: TypeId[] = [];
  const seen = new Set<TypeId>();
  const type = (t: Type | undefined): void => {
    if (typeof t !== "number" || seen.has(t)) return;
    seen.add(t);
    typeDefParts(resolve.types[t].kind).forEach(type);
    order.push(t);
  };
  const world = resolve.worlds[worldId];
  for (const items of [world.imports, world.exports])
    for (const { item } of items.values()) {
      if (item.kind === "type") type(item.id);
      else if (item.kind === "function") {
        item.func.params.forEach((p) => type(p.type));
        type(item.func.result);
      } else {
        const iface = resolve.interfaces[item.id];
        for (const id of iface.types.values()) type(id);
        for (const f of iface.functions.values()) {
          f.params.forEach((p) => type(p.type));
          type(f.result);
        }
      }
    }
  return order;
}
