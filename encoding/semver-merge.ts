/**
 * wit-component merges a world's imports of semver-compatible versions of one
 * interface (`a:b/c@0.1.0` and `a:b/c@0.1.1`) into the newest one: the
 * component imports only `a:b/c@0.1.1`, and the module's imports of either
 * version are satisfied by it. This is that merge, as a view of the world
 * that leaves the Resolve untouched.
 */
import type { Resolve } from "../ir/resolve.js";
import type { InterfaceId, World, WorldId, WorldItems } from "../ir/types.js";
import { compareVersions } from "../parser/semver.js";
import { ComponentEncodingError } from "./validate.js";

export interface MergedWorld {
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
  if (replaced.size === 0) return { world, renamed: new Map() };

  const renamed = new Map<string, string>();
  for (const old of replaced) {
    const iface = resolve.interfaces[old];
    const by = latest.get(resolve.canonicalizedIdOfName(iface.package!, iface.name!))!;
    const newer = resolve.interfaces[by];
    const compatible =
      [...iface.functions.keys()].every((f) => newer.functions.has(f)) &&
      [...iface.types.keys()].every((t) => newer.types.has(t));
    const dependents = [...world.imports.values(), ...world.exports.values()].some(
      ({ item }) =>
        item.kind === "interface" && !replaced.has(item.id) && resolve.interfaceDirectDeps(item.id).includes(old),
    );
    if (!compatible || dependents) {
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
  return { world: { ...world, imports }, renamed };
}
