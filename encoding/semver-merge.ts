/**
 * wit-component merges a world's imports of semver-compatible versions of one
 * interface (`a:b/c@0.1.0` and `a:b/c@0.1.1`) into the newest one: the
 * component imports only `a:b/c@0.1.1`, and the module's imports of either
 * version are satisfied by it. Interfaces and world types that `use` types
 * of a replaced version are retargeted to the same-named types of the newer
 * one, and the imports are elaborated again so that the newer version comes
 * before its users, as wit-parser's `merge_world_imports_based_on_semver`
 * does. The caller's Resolve is left untouched: when something is
 * retargeted, the result holds a copy whose changed types are new objects.
 */
import type { Resolve } from "../ir/resolve.js";
import type { InterfaceId, TypeId, World, WorldId, WorldItems } from "../ir/types.js";
import { compareVersions } from "../parser/semver.js";
import { ComponentEncodingError } from "./validate.js";

export interface MergedWorld {
  /** The Resolve the world lives in: the one given, or a copy when `use`s were retargeted. */
  resolve: Resolve;
  world: World;
  /** Import names that were merged away, to the name of the import that replaces them. */
  renamed: Map<string, string>;
}

export function mergeImportsBasedOnSemver(resolve: Resolve, worldId: WorldId): MergedWorld {
  const world = resolve.worlds[worldId];
  const latest = new Map<string, InterfaceId>();
  const replaced = new Set<InterfaceId>();
  for (const { key } of world.imports.values()) {
    if (key.kind !== "interface") continue;
    const iface = resolve.interfaces[key.id];
    const pkg = resolve.packages[iface.package!].name;
    if (!pkg.version || pkg.version.pre.length > 0) continue;
    const track = resolve.canonicalizedIdOfName(iface.package!, iface.name!);
    const prev = latest.get(track);
    if (prev === undefined) {
      latest.set(track, key.id);
      continue;
    }
    const prevVersion = resolve.packages[resolve.interfaces[prev].package!].name.version!;
    const order = compareVersions(pkg.version, prevVersion);
    if (order > 0) {
      replaced.add(prev);
      latest.set(track, key.id);
    } else if (order < 0) replaced.add(key.id);
  }
  if (replaced.size === 0) return { resolve, world, renamed: new Map() };

  const renamed = new Map<string, string>();
  for (const old of replaced) {
    const iface = resolve.interfaces[old];
    const by = latest.get(resolve.canonicalizedIdOfName(iface.package!, iface.name!))!;
    const newer = resolve.interfaces[by];
    const compatible =
      [...iface.functions.keys()].every((f) => newer.functions.has(f)) &&
      [...iface.types.keys()].every((t) => newer.types.has(t));
    if (!compatible) {
      throw new ComponentEncodingError(
        `failed to upgrade \`${resolve.idOf(old)}\` to \`${resolve.idOf(by)}\`, was this semver-compatible update not semver compatible?`,
      );
    }
    renamed.set(resolve.idOf(old)!, resolve.idOf(by)!);
  }
  const imports: WorldItems = new Map();
  for (const [k, entry] of world.imports) {
    if (entry.item.kind === "interface" && replaced.has(entry.item.id)) continue;
    imports.set(k, entry);
  }

  // Retarget `use`s of the replaced versions (a copy-on-write of the types).
  const replacement = (old: InterfaceId) => {
    const iface = resolve.interfaces[old];
    return latest.get(resolve.canonicalizedIdOfName(iface.package!, iface.name!))!;
  };
  let types: Resolve["types"] | undefined;
  const retarget = (ty: TypeId) => {
    const dep = resolve.typeInterfaceDep(ty);
    if (dep === undefined || !replaced.has(dep)) return;
    const def = resolve.types[ty];
    if (def.kind.kind !== "type" || typeof def.kind.type !== "number") return;
    const name = resolve.types[def.kind.type].name!;
    const target = resolve.interfaces[replacement(dep)].types.get(name);
    if (target === undefined) {
      throw new ComponentEncodingError(
        `failed to upgrade \`${resolve.idOf(dep)}\` to \`${resolve.idOf(replacement(dep))}\`: it has no type \`${name}\``,
      );
    }
    types ??= [...resolve.types];
    types[ty] = { ...def, kind: { kind: "type", type: target } };
  };
  for (const { item } of [...imports.values(), ...world.exports.values()]) {
    if (item.kind === "interface") for (const ty of resolve.interfaces[item.id].types.values()) retarget(ty);
    else if (item.kind === "type") retarget(item.id);
  }
  if (types === undefined) return { resolve, world: { ...world, imports }, renamed };

  const copy: Resolve = Object.assign(Object.create(Object.getPrototypeOf(resolve) as object) as Resolve, resolve, {
    types,
    worlds: [...resolve.worlds],
  });
  copy.worlds[worldId] = { ...world, imports };
  copy.elaborateWorld(worldId, world.span);
  return { resolve: copy, world: copy.worlds[worldId], renamed };
}
