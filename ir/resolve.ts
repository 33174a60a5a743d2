/**
 * `Resolve`: the set of resolved packages, and the algorithms that build it
 * from unresolved packages, following wit-parser:
 *
 * - `pushGroups` orders a main package, its nested packages and its
 *   dependencies topologically and adds them one by one;
 * - adding a package (`Remap.append`) connects its foreign references to
 *   packages already present, drops items whose feature gate is off, turns
 *   references to resources into `own` handles, processes `include`s and
 *   elaborates every world.
 */
import { parseUsePath } from "../parser/index.js";
import { keywordTokens } from "../parser/tokens.js";
import { compareVersions, versionCompatTrack, versionsEqual, versionToString, type Version } from "../parser/semver.js";
import { WitError } from "./errors.js";
import { SourceMap } from "./source-map.js";
import {
  NO_OWNER,
  noDocs,
  unknownSpan,
  unknownStability,
  worldKeyString,
  type Function,
  type Interface,
  type InterfaceId,
  type Package,
  type PackageId,
  type PackageName,
  type Span,
  type Stability,
  type Type,
  type TypeDef,
  type TypeDefKind,
  type TypeId,
  type TypeOwner,
  type World,
  type WorldEntry,
  type WorldId,
  type WorldItem,
  type WorldItems,
  type WorldKey,
} from "./types.js";
import { packageNameKey, type UnresolvedPackage } from "./unresolved.js";

/** A main package with the packages nested in its files. */
export interface UnresolvedGroup {
  main: UnresolvedPackage;
  nested: UnresolvedPackage[];
}

function comparePackageNames(a: PackageName, b: PackageName): number {
  if (a.namespace !== b.namespace) return a.namespace < b.namespace ? -1 : 1;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  if (!a.version || !b.version) return (a.version ? 1 : 0) - (b.version ? 1 : 0);
  return compareVersions(a.version, b.version);
}

/** A world specifier: a plain name, or `ns:name/world` with an optional version. */
interface WorldSpec {
  world: string;
  ns?: string;
  name?: string;
  version?: Version;
}

const ID = "[a-z][a-z0-9]*(?:-[a-z][a-z0-9]*)*";
const NUM = "(0|[1-9][0-9]{0,8})";
/** The usual spelling of a world specifier, which the parser need not be asked about (keywords aside). */
const SIMPLE_WORLD = new RegExp(`^(${ID})(?::(${ID})/(${ID})(?:@${NUM}\\.${NUM}\\.${NUM})?)?$`);
const keywords = new Set(keywordTokens.map((t) => t.PATTERN as string));

function worldSpec(world: string): WorldSpec {
  const m = SIMPLE_WORLD.exec(world);
  if (m !== null && !keywords.has(m[1])) {
    if (m[2] === undefined) return { world: m[1] };
    if (!keywords.has(m[2]) && !keywords.has(m[3])) {
      const version = m[4] === undefined ? undefined : { major: m[4], minor: m[5], patch: m[6], pre: [], build: [] };
      return { world: m[3], ns: m[1], name: m[2], version };
    }
  }
  const parsed = parseUsePath(world);
  if ("error" in parsed) throw new WitError(`failed to parse world specifier \`${world}\`: ${parsed.error}`);
  const path = parsed.path;
  if (path.kind === "id") return { world: path.id.name };
  return {
    world: path.name.name,
    ns: path.package.namespace.name,
    name: path.package.name.name,
    version: path.package.version?.version,
  };
}

function addByName(
  byName: Map<string, UnresolvedPackage>,
  keys: Map<UnresolvedPackage, string>,
  list: UnresolvedPackage[],
  pkg: UnresolvedPackage,
): void {
  const key = packageNameKey(pkg.name);
  const prev = byName.get(key);
  if (prev) {
    throw new WitError(
      `package \`${key}\` is defined in two different locations`,
      pkg.packageNameSpan,
      (sources) =>
        `package \`${key}\` is defined in two different locations:\n  * ${sources.renderLocation(pkg.packageNameSpan)}\n  * ${sources.renderLocation(prev.packageNameSpan)}`,
    );
  }
  byName.set(key, pkg);
  keys.set(pkg, key);
  list.push(pkg);
}

/** Places `pkg` in `order` after the packages it depends on (depth-first). */
function visitPackage(
  pkg: UnresolvedPackage,
  byName: Map<string, UnresolvedPackage>,
  placed: Set<UnresolvedPackage>,
  visiting: Set<string>,
  order: UnresolvedPackage[],
): void {
  if (placed.has(pkg)) return;
  let i = 0;
  for (const depKey of pkg.foreignDeps.keys()) {
    const span = pkg.foreignDepSpans[i++];
    if (visiting.has(depKey)) throw new WitError(`package \`${depKey}\` creates a dependency cycle`, span);
    visiting.add(depKey);
    const dep = byName.get(depKey);
    if (dep) visitPackage(dep, byName, placed, visiting, order);
    visiting.delete(depKey);
  }
  placed.add(pkg);
  order.push(pkg);
}

function stabilityEquals(a: Stability, b: Stability): boolean {
  if (a === b) return true;
  switch (a.kind) {
    case "unknown":
      return b.kind === "unknown";
    case "unstable":
      return b.kind === "unstable" && a.feature === b.feature && versionsEqual(a.deprecated, b.deprecated);
    case "stable":
      return b.kind === "stable" && versionsEqual(a.since, b.since) && versionsEqual(a.deprecated, b.deprecated);
  }
}

/**
 * A deep copy of plain data, as `structuredClone` makes of the IR (objects
 * with their properties in order, arrays, maps) without its serialisation;
 * anything else is left to `structuredClone`. Objects met twice are copied
 * twice, which the IR cannot tell: it replaces its parts, never changes them.
 */
function clonePlain<T>(x: T): T {
  if (typeof x !== "object" || x === null) return x;
  // Copy first (in order, primitives and all), then replace the parts that are objects.
  if (Array.isArray(x)) {
    const out: unknown[] = x.slice();
    for (let i = 0; i < out.length; i++) {
      const v = out[i];
      if (typeof v === "object" && v !== null) out[i] = clonePlain(v);
    }
    return out as T;
  }
  if (x instanceof Map) {
    const out = new Map();
    x.forEach((v, k) => out.set(clonePlain(k), clonePlain(v)));
    return out as T;
  }
  const proto = Object.getPrototypeOf(x);
  if (proto !== Object.prototype && proto !== null) return structuredClone(x);
  const out: Record<string, unknown> = { ...(x as Record<string, unknown>) };
  for (const k of Object.keys(out)) {
    const v = out[k];
    if (typeof v === "object" && v !== null) out[k] = clonePlain(v);
  }
  return out as T;
}

/** A version as Rust's `{:?}` prints a `semver::Version`. */
function versionDebug(v: Version): string {
  let s = `Version { major: ${v.major}, minor: ${v.minor}, patch: ${v.patch}`;
  if (v.pre.length) s += `, pre: Prerelease("${v.pre.join(".")}")`;
  if (v.build.length) s += `, build: BuildMetadata("${v.build.join(".")}")`;
  return s + " }";
}

/** A stability as Rust's `{:?}` prints wit-parser's `Stability`. */
function stabilityDebug(s: Stability): string {
  const opt = (x: Version | undefined) => (x ? `Some(${versionDebug(x)})` : "None");
  switch (s.kind) {
    case "unknown":
      return "Unknown";
    case "unstable":
      return `Unstable { feature: "${s.feature}", deprecated: ${opt(s.deprecated)} }`;
    case "stable":
      return `Stable { since: ${versionDebug(s.since)}, deprecated: ${opt(s.deprecated)} }`;
  }
}

function renameIncluded(original: string, include: { name: string; as: string }): string | undefined {
  if (original === include.name) return include.as;
  const close = original.indexOf("]");
  if (close === -1) return undefined;
  const kind = original.slice(0, close);
  const rest = original.slice(close + 1);
  const dot = rest.indexOf(".");
  if (dot !== -1 && rest.slice(0, dot) === include.name) return `${kind}]${include.as}.${rest.slice(dot + 1)}`;
  if (rest === include.name) return `${kind}]${include.as}`;
  return undefined;
}

export class Resolve {
  worlds: World[] = [];
  interfaces: Interface[] = [];
  types: TypeDef[] = [];
  packages: Package[] = [];
  packageNames = new Map<string, PackageId>();
  /** Features enabled for `@unstable` items. */
  features = new Set<string>();
  allFeatures = false;
  readonly sourceMap = new SourceMap();
  /** Answers remembered while `pushGroups` runs (only then are the arenas known not to change). */
  memo: PushMemo | undefined;

  /**
   * Adds `main` and `deps`, dependencies first, and returns the id of
   * `main.main`. All packages must have been parsed into `this.sourceMap`.
   */
  pushGroups(main: UnresolvedGroup, deps: UnresolvedGroup[]): PackageId {
    const byName = new Map<string, UnresolvedPackage>();
    const keys = new Map<UnresolvedPackage, string>();
    const list: UnresolvedPackage[] = [];
    for (const pkg of main.nested) addByName(byName, keys, list, pkg);
    addByName(byName, keys, list, main.main);
    for (const d of deps) {
      for (const pkg of d.nested) addByName(byName, keys, list, pkg);
      addByName(byName, keys, list, d.main);
    }
    list.sort((a, b) => comparePackageNames(a.name, b.name));
    const order: UnresolvedPackage[] = [];
    const placed = new Set<UnresolvedPackage>();
    const visiting = new Set<string>();
    for (const pkg of list) visitPackage(pkg, byName, placed, visiting, order);

    let mainId: PackageId | undefined;
    // Arenas only grow while packages are added, so a call within another may keep its answers.
    const outer = this.memo;
    this.memo ??= { hasBorrow: new Uint8Array(64), hasBorrowLen: 0, deps: [] };
    try {
      for (const pkg of order) {
        const id = new Remap().append(this, pkg, keys.get(pkg)!);
        if (pkg === main.main) mainId = id;
      }
    } finally {
      this.memo = outer;
    }
    return mainId!;
  }

  /** Whether an item with this stability is kept; checks `@since` against the package version. */
  includeStability(stability: Stability, pkgId: PackageId, span: Span): boolean {
    switch (stability.kind) {
      case "unknown":
        return true;
      case "stable": {
        const pkg = this.packages[pkgId];
        if (!pkg) return true;
        const version = pkg.name.version;
        if (!version) {
          throw new WitError(
            `package [${packageNameKey(pkg.name)}] contains a feature gate with a version specifier, so it must have a version`,
            span,
          );
        }
        if (compareVersions(stability.since, version) > 0) {
          throw new WitError(
            `feature gate cannot reference unreleased version ${versionToString(stability.since)} of package [${packageNameKey(pkg.name)}] (current version ${versionToString(version)})`,
            span,
          );
        }
        return true;
      }
      case "unstable":
        return this.allFeatures || this.features.has(stability.feature);
    }
  }

  /** The interface a type alias refers into, when it is not the alias's own owner. */
  typeInterfaceDep(id: TypeId): InterfaceId | undefined {
    const ty = this.types[id];
    if (ty.kind.kind !== "type" || typeof ty.kind.type !== "number") return undefined;
    const other = this.types[ty.kind.type];
    if (ownerEquals(ty.owner, other.owner)) return undefined;
    if (other.owner.kind !== "interface") throw new Error("type dependency on a non-interface");
    return other.owner.id;
  }

  /** Interfaces whose types `id` uses (may repeat). */
  interfaceDirectDeps(id: InterfaceId): InterfaceId[] {
    const out: InterfaceId[] = [];
    for (const t of this.interfaces[id].types.values()) {
      const dep = this.typeInterfaceDep(t);
      if (dep !== undefined) out.push(dep);
    }
    return out;
  }

  /** `ns:pkg/name@version` of a named interface. */
  idOf(iface: InterfaceId): string | undefined {
    const i = this.interfaces[iface];
    if (i.name === undefined) return undefined;
    return this.idOfName(i.package!, i.name);
  }

  idOfName(pkg: PackageId, name: string): string {
    const p = this.packages[pkg].name;
    return `${p.namespace}:${p.name}/${name}${p.version ? "@" + versionToString(p.version) : ""}`;
  }

  /** Like `idOfName` but with the version reduced to its semver-compatible track. */
  canonicalizedIdOfName(pkg: PackageId, name: string): string {
    const p = this.packages[pkg].name;
    return `${p.namespace}:${p.name}/${name}${p.version ? "@" + versionCompatTrack(p.version) : ""}`;
  }

  nameWorldKey(key: WorldKey): string {
    return key.kind === "name" ? key.name : this.idOf(key.id)!;
  }

  /**
   * Picks a world: by name in the single main package, by `ns:pkg/world` id,
   * or the only world of the single main package.
   */
  selectWorld(mainPackages: PackageId[], world: string | undefined): WorldId {
    if (world !== undefined) {
      const spec = worldSpec(world);
      if (mainPackages.length === 0) throw new WitError("No main packages defined");
      let pkg: PackageId;
      const worldName = spec.world;
      if (spec.ns === undefined) {
        if (mainPackages.length > 1) throw new WitError(this.multipleMainMessage());
        pkg = mainPackages[0];
      } else {
        const ns = spec.ns;
        const name = spec.name!;
        const version = spec.version;
        const wanted = `${ns}:${name}${version ? "@" + versionToString(version) : ""}`;
        const exact = this.packageNames.get(wanted);
        if (exact !== undefined) pkg = exact;
        else {
          const candidates = version
            ? []
            : this.packages
                .map((p, i) => [p, i] as const)
                .filter(([p]) => p.name.namespace === ns && p.name.name === name && p.name.version);
          if (candidates.length > 1) {
            throw new WitError(
              `package name \`${wanted}\` is available at both versions ${versionToString(candidates[0][0].name.version!)} and ${versionToString(candidates[1][0].name.version!)} but which is not specified`,
            );
          }
          if (candidates.length === 0) throw new WitError(`unknown package \`${wanted}\``);
          pkg = candidates[0][1];
        }
      }
      const id = this.packages[pkg].worlds.get(worldName);
      if (id === undefined) {
        throw new WitError(
          `World \`${worldName}\` not found in package \`${packageNameKey(this.packages[pkg].name)}\``,
        );
      }
      return id;
    }
    if (mainPackages.length === 0) throw new WitError("No main packages defined");
    if (mainPackages.length > 1) throw new WitError(this.multipleMainMessage());
    const pkg = this.packages[mainPackages[0]];
    if (pkg.worlds.size === 0)
      throw new WitError(`The main package \`${packageNameKey(pkg.name)}\` contains no worlds`);
    if (pkg.worlds.size === 1) return [...pkg.worlds.values()][0];
    throw new WitError(
      `There are multiple worlds in \`${packageNameKey(pkg.name)}\`; one must be explicitly chosen:` +
        [...pkg.worlds.values()].map((w) => `\n  ${this.idOfName(mainPackages[0], this.worlds[w].name)}`).join(""),
    );
  }

  private multipleMainMessage(): string {
    return (
      "There are multiple main packages; a world must be explicitly chosen:" +
      this.worlds.map((w) => `\n  ${this.idOfName(w.package!, w.name)}`).join("")
    );
  }

  /**
   * Lists every interface the world's imports and exports need, in
   * dependency order, and checks that no export needs an interface that is
   * also implicitly imported.
   */
  elaborateWorld(worldId: WorldId, span: Span): void {
    const world = this.worlds[worldId];
    const imports = world.imports;
    // The imports stably sorted by `sortKey` (0 to 4): one pass per key present.
    let present = 0;
    for (const entry of imports.values()) present |= 1 << this.sortKey(entry.item);
    const newImports: WorldItems = new Map();
    for (let pass = 0; pass < 5; pass++) {
      if (!(present & (1 << pass))) continue;
      for (const entry of imports.values()) {
        const item = entry.item;
        if (this.sortKey(item) !== pass) continue;
        switch (item.kind) {
          case "interface":
            this.elaborateImport(newImports, entry.key, item.id, item.stability, item.docs, item.externalId);
            break;
          case "function":
            newImports.set(worldKeyString(entry.key), { key: entry.key, item });
            break;
          case "type": {
            const dep = this.typeInterfaceDep(item.id);
            if (dep !== undefined) {
              this.elaborateImport(
                newImports,
                { kind: "interface", id: dep },
                dep,
                this.types[item.id].stability,
                noDocs(),
                undefined,
              );
            }
            newImports.set(worldKeyString(entry.key), { key: entry.key, item });
            break;
          }
        }
      }
    }

    const newExports: WorldItems = new Map();
    const exportInterfaces: WorldItems = new Map();
    for (const [k, entry] of world.exports) {
      if (entry.item.kind === "interface") exportInterfaces.set(k, entry);
      else newExports.set(k, entry);
    }
    this.elaborateExports(exportInterfaces, newImports, newExports, span);

    // Exports may have added interfaces after other kinds of items: sort again if so.
    let sorted = true;
    let last = 0;
    for (const entry of newImports.values()) {
      const k = this.sortKey(entry.item);
      if (k < last) {
        sorted = false;
        break;
      }
      last = k;
    }
    if (sorted) world.imports = newImports;
    else {
      const out: WorldItems = new Map();
      for (let pass = 0; pass < 5; pass++) {
        for (const [k, entry] of newImports) if (this.sortKey(entry.item) === pass) out.set(k, entry);
      }
      world.imports = out;
    }
    world.exports = newExports;
  }

  /** Where an import goes in an elaborated world: interfaces, types from interfaces, other types, functions, resource functions. */
  private sortKey(item: WorldItem): number {
    switch (item.kind) {
      case "interface":
        return 0;
      case "type": {
        const ty = this.types[item.id];
        if (ty.kind.kind === "type" && typeof ty.kind.type === "number") {
          if (!ownerEquals(this.types[ty.kind.type].owner, ty.owner)) return 1;
        }
        return 2;
      }
      case "function":
        return isResourceFunction(item.func) ? 4 : 3;
    }
  }

  /** `interfaceDirectDeps`, remembered while `pushGroups` runs. */
  private directDeps(id: InterfaceId): InterfaceId[] {
    const memo = this.memo;
    if (memo === undefined) return this.interfaceDirectDeps(id);
    return (memo.deps[id] ??= this.interfaceDirectDeps(id));
  }

  /** Adds an interface import after the interfaces it depends on (transitively, without recursion). */
  private elaborateImport(
    imports: WorldItems,
    key: WorldKey,
    id: InterfaceId,
    stability: Stability,
    docs: { contents: string | undefined },
    externalId: string | undefined,
  ): void {
    if (imports.has(worldKeyString(key))) return;
    // Depth first: for each interface on the stack, its dependencies and the index of the next one.
    const ids = [id];
    const depsOf = [this.directDeps(id)];
    const next = [0];
    while (ids.length) {
      const top = ids.length - 1;
      const deps = depsOf[top];
      if (next[top] < deps.length) {
        const dep = deps[next[top]++];
        if (!imports.has(interfaceKeyString(dep))) {
          ids.push(dep);
          depsOf.push(this.directDeps(dep));
          next.push(0);
        }
        continue;
      }
      const cur = ids.pop()!;
      depsOf.pop();
      next.pop();
      // The bottom of the stack is the import itself; the others are its dependencies.
      const k = top === 0 ? worldKeyString(key) : interfaceKeyString(cur);
      if (imports.has(k)) continue;
      imports.set(k, {
        key: top === 0 ? key : { kind: "interface", id: cur },
        item: {
          kind: "interface",
          id: cur,
          stability,
          docs: top === 0 ? docs : noDocs(),
          span: unknownSpan,
          externalId: top === 0 ? externalId : undefined,
        },
      });
    }
  }

  private elaborateExports(exportInterfaces: WorldItems, imports: WorldItems, exports: WorldItems, span: Span): void {
    const requiredImports = new Set<InterfaceId>();
    const add = (key: WorldKey, item: WorldItem & { kind: "interface" }, addExport: boolean): boolean => {
      const k = worldKeyString(key);
      if (exports.has(k)) return addExport;
      if (!addExport && requiredImports.has(item.id)) return true;
      for (const dep of this.directDeps(item.id)) {
        const depKey: WorldKey = { kind: "interface", id: dep };
        const depItem = {
          kind: "interface" as const,
          id: dep,
          stability: item.stability,
          docs: noDocs(),
          span: unknownSpan,
          externalId: item.externalId,
        };
        if (!add(depKey, depItem, addExport && exportInterfaces.has(interfaceKeyString(dep)))) return false;
      }
      if (addExport) {
        if (requiredImports.has(item.id)) return false;
        exports.set(k, { key, item });
      } else {
        requiredImports.add(item.id);
        if (!imports.has(k)) imports.set(k, { key, item });
      }
      return true;
    };
    for (const { key, item } of exportInterfaces.values()) {
      const name = this.nameWorldKey(key);
      if (!add(key, item as WorldItem & { kind: "interface" }, true)) {
        throw new WitError(`interface \`${name}\` transitively depends on an interface in incompatible ways`, span);
      }
    }
  }
}

/** A foreign interface or world: its package (an index in `foreignDeps`), name and gates. */
interface ForeignTarget {
  pkgIndex: number;
  name: string;
  stabilities: Stability[];
}

/** What `pushGroups` remembers: `typeHasBorrow` by type id, below `hasBorrowLen`; direct interface dependencies. */
interface PushMemo {
  hasBorrow: Uint8Array;
  hasBorrowLen: number;
  deps: (InterfaceId[] | undefined)[];
}

const interfaceKeys: string[] = [];

/** `worldKeyString` of an interface key, without making the key or, once made, the string. */
function interfaceKeyString(id: InterfaceId): string {
  return (interfaceKeys[id] ??= worldKeyString({ kind: "interface", id }));
}

function isResourceFunction(f: Function): boolean {
  return f.kind.kind !== "freestanding" && f.kind.kind !== "async-freestanding";
}

function ownerEquals(a: TypeOwner, b: TypeOwner): boolean {
  return a.kind === b.kind && (a.kind === "none" || a.id === (b as { id: number }).id);
}

function functionResource(f: Function): TypeId | undefined {
  return "resource" in f.kind ? f.kind.resource : undefined;
}

/**
 * Maps the ids of one unresolved package to ids in a `Resolve` while adding
 * it. `undefined` entries are items dropped by a feature gate.
 */
class Remap {
  types: (TypeId | undefined)[] = [];
  interfaces: (InterfaceId | undefined)[] = [];
  worlds: (WorldId | undefined)[] = [];
  private ownHandles = new Map<TypeId, TypeId>();

  private apply(map: (number | undefined)[], id: number, desc: string, span: Span): number {
    if (id >= map.length) throw new Error(`request to remap a ${desc} that has not yet been registered`);
    const mapped = map[id];
    if (mapped === undefined) {
      throw new WitError(
        `found a reference to a ${desc} which is excluded due to its feature not being activated`,
        span,
      );
    }
    return mapped;
  }

  mapType(id: TypeId, span: Span): TypeId {
    return this.apply(this.types, id, "type", span);
  }

  mapInterface(id: InterfaceId, span: Span): InterfaceId {
    return this.apply(this.interfaces, id, "interface", span);
  }

  mapWorld(id: WorldId, span: Span): WorldId {
    return this.apply(this.worlds, id, "world", span);
  }

  /** The new id of a type's owner; an owner gated off is an error about the type. */
  private mapOwner(what: "interface" | "world", id: number, span: Span): number {
    const map = what === "interface" ? this.interfaces : this.worlds;
    const mapped = map[id];
    if (id < map.length && mapped !== undefined) return mapped;
    try {
      return this.apply(map, id, what, span);
    } catch (e) {
      if (e instanceof WitError) {
        throw new WitError(`${e.message}; this type is not gated by a feature but its ${what} is`, span);
      }
      throw e;
    }
  }

  /** Moves `pkg`'s items into `resolve` (the package is consumed: its items are reused, not copied). */
  append(resolve: Resolve, pkg: UnresolvedPackage, key: string): PackageId {
    const pkgId = resolve.packages.length;
    resolve.packages.push({ name: pkg.name, docs: pkg.docs, interfaces: new Map(), worlds: new Map() });
    resolve.packageNames.set(key, pkgId);
    this.processForeignDeps(resolve, pkgId, pkg);

    const foreignTypes = this.types.length;
    const foreignInterfaces = this.interfaces.length;
    const foreignWorlds = this.worlds.length;

    for (let id = foreignTypes; id < pkg.types.length; id++) {
      const ty = pkg.types[id];
      if (!resolve.includeStability(ty.stability, pkgId, ty.span)) {
        this.types.push(undefined);
        continue;
      }
      this.updateTypeDef(resolve, ty, ty.span);
      resolve.types.push(ty);
      let newId = resolve.types.length - 1;
      if (ty.name === undefined && ty.owner.kind === "none" && ty.kind.kind === "handle" && ty.kind.handle === "own") {
        const existing = this.ownHandles.get(ty.kind.resource);
        if (existing !== undefined) newId = existing;
        else this.ownHandles.set(ty.kind.resource, newId);
      }
      this.types.push(newId);
    }

    for (let id = foreignInterfaces; id < pkg.interfaces.length; id++) {
      const iface = pkg.interfaces[id];
      if (!resolve.includeStability(iface.stability, pkgId, iface.span)) {
        this.interfaces.push(undefined);
        continue;
      }
      iface.package = pkgId;
      this.updateInterface(resolve, iface);
      resolve.interfaces.push(iface);
      this.interfaces.push(resolve.interfaces.length - 1);
    }

    // Types of one interface share their new owner (owners are replaced, never changed).
    const owners: TypeOwner[] = [];
    for (let i = foreignTypes; i < this.types.length; i++) {
      const id = this.types[i];
      if (id === undefined) continue;
      const ty = resolve.types[id];
      if (ty.owner.kind === "interface") {
        const newId = this.mapOwner("interface", ty.owner.id, ty.span);
        ty.owner = owners[newId] ??= { kind: "interface", id: newId };
      }
    }

    for (let id = foreignWorlds; id < pkg.worlds.length; id++) {
      const world = pkg.worlds[id];
      if (!resolve.includeStability(world.stability, pkgId, world.span)) {
        this.worlds.push(undefined);
        continue;
      }
      this.updateWorld(world, resolve, pkgId);
      resolve.worlds.push(world);
      this.worlds.push(resolve.worlds.length - 1);
    }

    const worldOwners: TypeOwner[] = [];
    for (let i = foreignTypes; i < this.types.length; i++) {
      const id = this.types[i];
      if (id === undefined) continue;
      const ty = resolve.types[id];
      if (ty.owner.kind === "world") {
        const newId = this.mapOwner("world", ty.owner.id, ty.span);
        ty.owner = worldOwners[newId] ??= { kind: "world", id: newId };
      }
    }

    for (let i = foreignWorlds; i < this.worlds.length; i++) {
      const id = this.worlds[i];
      if (id === undefined) continue;
      this.processWorldIncludes(id, resolve, pkgId);
      resolve.elaborateWorld(id, resolve.worlds[id].span);
    }

    for (let i = foreignInterfaces; i < this.interfaces.length; i++) {
      const id = this.interfaces[i];
      if (id === undefined) continue;
      const iface = resolve.interfaces[id];
      iface.package = pkgId;
      if (iface.name !== undefined) resolve.packages[pkgId].interfaces.set(iface.name, id);
    }
    for (let i = foreignWorlds; i < this.worlds.length; i++) {
      const id = this.worlds[i];
      if (id === undefined) continue;
      const world = resolve.worlds[id];
      world.package = pkgId;
      resolve.packages[pkgId].worlds.set(world.name, id);
    }
    return pkgId;
  }

  private processForeignDeps(resolve: Resolve, pkgId: PackageId, pkg: UnresolvedPackage): void {
    // Foreign interfaces and worlds by id, with the index of their package in `foreignDeps`.
    const keys: string[] = [];
    const ifaceTargets: ForeignTarget[] = [];
    const worldTargets: ForeignTarget[] = [];
    pkg.foreignDeps.forEach(({ items }, key) => {
      const pkgIndex = keys.length;
      keys.push(key);
      items.forEach((dep, name) => {
        const target = { pkgIndex, name, stabilities: dep.stabilities };
        if (dep.item.kind === "interface") ifaceTargets[dep.item.id] = target;
        else worldTargets[dep.item.id] = target;
      });
    });
    this.connect(resolve, pkgId, pkg, keys, "interface", pkg.interfaces, ifaceTargets, this.interfaces);
    this.connect(resolve, pkgId, pkg, keys, "world", pkg.worlds, worldTargets, this.worlds);
    for (let id = 0; id < pkg.types.length; id++) {
      const ty = pkg.types[id];
      if (ty.kind.kind !== "unknown") break;
      if (!resolve.includeStability(ty.stability, pkgId, ty.span)) {
        this.types.push(undefined);
        continue;
      }
      const iface = this.mapInterface((ty.owner as { id: number }).id, unknownSpan);
      const found = resolve.interfaces[iface].types.get(ty.name!);
      if (found === undefined) {
        throw new WitError(`type \`${ty.name}\` not defined in interface`, pkg.unknownTypeSpans[id]);
      }
      this.types.push(found);
    }
    for (const [id, span] of pkg.requiredResourceTypes) {
      let cur: TypeId;
      try {
        cur = this.mapType(id, span);
      } catch {
        continue;
      }
      for (;;) {
        const kind = resolve.types[cur].kind;
        if (kind.kind === "type" && typeof kind.type === "number") cur = kind.type;
        else if (kind.kind === "resource") break;
        else throw new WitError("type used in a handle must be a resource", span);
      }
    }
  }

  /**
   * Foreign interfaces and worlds come first in their arenas: maps each to
   * the item of the dependency package, or to nothing when gated off.
   */
  private connect(
    resolve: Resolve,
    pkgId: PackageId,
    pkg: UnresolvedPackage,
    keys: string[],
    what: "interface" | "world",
    items: { span: Span }[],
    targets: ForeignTarget[],
    map: (number | undefined)[],
  ): void {
    for (let id = 0; id < items.length; id++) {
      const t = targets[id];
      if (!t) break;
      const key = keys[t.pkgIndex];
      const depId = resolve.packageNames.get(key);
      if (depId === undefined) {
        const known = [...resolve.packageNames.keys()];
        throw new WitError(
          known.length
            ? `package '${key}' not found. known packages:${known.map((k) => `\n    ${k}`).join("")}`
            : `package '${key}' not found`,
          pkg.foreignDepSpans[t.pkgIndex],
        );
      }
      const depPkg = resolve.packages[depId];
      const span = items[id].span;
      let enabled = false;
      for (const s of t.stabilities) {
        if (resolve.includeStability(s, pkgId, span)) {
          enabled = true;
          break;
        }
      }
      if (!enabled) {
        map.push(undefined);
        continue;
      }
      const found = (what === "interface" ? depPkg.interfaces : depPkg.worlds).get(t.name);
      if (found === undefined) {
        throw new WitError(`${what} '${t.name}' not found in package '${packageNameKey(depPkg.name)}'`, span);
      }
      map.push(found);
    }
  }

  private updateTypeDef(resolve: Resolve, ty: TypeDef, span: Span): void {
    const k = ty.kind;
    switch (k.kind) {
      case "handle":
        k.resource = this.mapType(k.resource, span);
        break;
      case "record":
        for (const f of k.fields) f.type = this.updateTy(resolve, f.type, f.span);
        break;
      case "tuple": {
        // A loop, not `map`: a closure here would cost every call a context.
        const types: Type[] = [];
        for (const t of k.types) types.push(this.updateTy(resolve, t, span));
        k.types = types;
        break;
      }
      case "variant":
        for (const c of k.cases) if (c.type !== undefined) c.type = this.updateTy(resolve, c.type, span);
        break;
      case "option":
      case "list":
      case "fixed-length-list":
        k.type = this.updateTy(resolve, k.type, span);
        break;
      case "future":
      case "stream":
        if (k.type !== undefined) k.type = this.updateTy(resolve, k.type, span);
        break;
      case "map":
        k.key = this.updateTy(resolve, k.key, span);
        k.value = this.updateTy(resolve, k.value, span);
        break;
      case "result":
        if (k.ok !== undefined) k.ok = this.updateTy(resolve, k.ok, span);
        if (k.err !== undefined) k.err = this.updateTy(resolve, k.err, span);
        break;
      case "type":
        // An alias of a resource stays usable both as a resource and a handle.
        if (typeof k.type === "number") k.type = this.mapType(k.type, span);
        break;
      case "unknown":
        throw new Error("unknown type in package body");
    }
  }

  /** Maps a type use; a bare reference to a resource becomes `own<resource>`. */
  private updateTy(resolve: Resolve, ty: Type, span: Span): Type {
    if (typeof ty !== "number") return ty;
    const id = this.mapType(ty, span);
    let cur = id;
    for (;;) {
      const kind = resolve.types[cur].kind;
      if (kind.kind === "type" && typeof kind.type === "number") cur = kind.type;
      else if (kind.kind === "resource") break;
      else return id;
    }
    let own = this.ownHandles.get(id);
    if (own === undefined) {
      resolve.types.push({
        docs: noDocs(),
        stability: unknownStability,
        kind: { kind: "handle", handle: "own", resource: id },
        name: undefined,
        owner: NO_OWNER,
        span: unknownSpan,
        externalId: undefined,
      });
      own = resolve.types.length - 1;
      this.ownHandles.set(id, own);
    }
    return own;
  }

  private updateInterface(resolve: Resolve, iface: Interface): void {
    // `forEach` rather than `for...of` makes no `[key, value]` array per entry.
    // Deleting the entry being visited, or re-setting it, is safe while iterating a Map.
    const map = this.types;
    iface.types.forEach((ty, name, types) => {
      const mapped = map[ty];
      if (mapped === undefined) types.delete(name);
      else types.set(name, mapped);
    });
    const pkg = iface.package!;
    iface.functions.forEach((func, name, functions) => {
      if (resolve.includeStability(func.stability, pkg, func.span)) this.updateFunction(resolve, func, func.span);
      else functions.delete(name);
    });
  }

  private updateFunction(resolve: Resolve, func: Function, span: Span): void {
    if ("resource" in func.kind) func.kind.resource = this.mapType(func.kind.resource, span);
    for (const p of func.params) p.type = this.updateTy(resolve, p.type, span);
    if (func.result !== undefined) {
      func.result = this.updateTy(resolve, func.result, span);
      if (this.typeHasBorrow(resolve, func.result)) {
        throw new WitError(
          `function \`${func.name}\` returns a type which contains a \`borrow<T>\` which is not supported`,
          span,
        );
      }
    }
  }

  private updateWorld(world: World, resolve: Resolve, pkgId: PackageId): void {
    const imports = world.imports;
    const exports = world.exports;
    world.imports = new Map();
    world.exports = new Map();
    for (const entry of imports.values()) this.updateWorldEntry(world, entry, true, resolve, pkgId);
    for (const entry of exports.values()) this.updateWorldEntry(world, entry, false, resolve, pkgId);
  }

  private updateWorldEntry(
    world: World,
    { key, item }: WorldEntry,
    isImport: boolean,
    resolve: Resolve,
    pkgId: PackageId,
  ): void {
    const span = item.kind === "function" ? item.func.span : item.span;
    if (item.kind === "type") item.id = this.mapType(item.id, span);
    const stability =
      item.kind === "interface"
        ? item.stability
        : item.kind === "function"
          ? item.func.stability
          : resolve.types[item.id].stability;
    if (!resolve.includeStability(stability, pkgId, span)) return;
    let newKey = key;
    let k: string;
    if (key.kind === "interface") {
      const id = this.mapInterface(key.id, span);
      newKey = { kind: "interface", id };
      k = interfaceKeyString(id);
    } else k = worldKeyString(key);
    if (item.kind === "interface") item.id = this.mapInterface(item.id, span);
    else if (item.kind === "function") this.updateFunction(resolve, item.func, span);
    (isImport ? world.imports : world.exports).set(k, { key: newKey, item });
  }

  private processWorldIncludes(id: WorldId, resolve: Resolve, pkgId: PackageId): void {
    const world = resolve.worlds[id];
    const includes = world.includes;
    world.includes = [];
    for (const inc of includes) {
      if (!resolve.includeStability(inc.stability, pkgId, inc.span)) continue;
      this.resolveInclude(id, inc.id, inc.names, inc.span, pkgId, resolve);
    }
    for (const [items, what] of [
      [world.imports, "import"],
      [world.exports, "export"],
    ] as const) {
      const seen = new Map<string, string>();
      for (const { key } of items.values()) {
        if (key.kind !== "name") continue;
        const lower = key.name.toLowerCase();
        const existing = seen.get(lower);
        if (existing !== undefined && existing !== key.name) {
          throw new WitError(
            `${what} \`${key.name}\` in world \`${world.name}\` conflicts with ${what} \`${existing}\` (kebab-case identifiers are case-insensitive)`,
          );
        }
        seen.set(lower, key.name);
      }
    }
  }

  private resolveInclude(
    id: WorldId,
    includeOrig: WorldId,
    names: { name: string; as: string }[],
    span: Span,
    pkgId: PackageId,
    resolve: Resolve,
  ): void {
    const world = resolve.worlds[id];
    const includeId = this.mapWorld(includeOrig, span);
    const included = resolve.worlds[includeId];
    const isExternal = world.package !== included.package;
    let unmatched = [...names];
    for (const items of [included.imports, included.exports]) {
      for (const { key } of items.values()) {
        if (key.kind === "name" && unmatched.length)
          unmatched = unmatched.filter((n) => renameIncluded(key.name, n) === undefined);
      }
    }
    if (unmatched.length) {
      throw new WitError(
        `no import or export kebab-name \`${unmatched[0].name}\`. Note that an ID does not support renaming`,
        span,
      );
    }
    const cloner = new Cloner(resolve, { kind: "world", id: includeId }, { kind: "world", id }, pkgId);
    const copy = (entries: WorldEntry[], into: WorldItems, what: string) => {
      for (const { key, item } of entries) {
        if (key.kind === "name") {
          let n = key.name;
          for (const x of names) {
            const renamed = renameIncluded(key.name, x);
            if (renamed !== undefined) {
              n = renamed;
              break;
            }
          }
          const newItem = clonePlain(item);
          const newKey: WorldKey = { kind: "name", name: n };
          cloner.worldItem(newKey, newItem);
          if (newItem.kind === "function") newItem.func.name = n;
          else if (newItem.kind === "type") resolve.types[newItem.id].name = n;
          const k = worldKeyString(newKey);
          if (into.has(k)) throw new WitError(`${what} of \`${n}\` shadows previously ${what}ed items`, span);
          into.set(k, { key: newKey, item: newItem });
        } else {
          const k = worldKeyString(key);
          let prev = into.get(k);
          if (!prev) {
            prev = { key, item: clonePlain(item) };
            into.set(k, prev);
          }
          const from = item as WorldItem & { kind: "interface" };
          const target = prev.item as WorldItem & { kind: "interface" };
          if (isExternal && from.stability.kind === "stable") {
            target.stability = unknownStability;
          } else if (from.stability.kind !== "unknown" && !stabilityEquals(from.stability, target.stability)) {
            if (target.stability.kind === "unknown") target.stability = clonePlain(from.stability);
            else {
              throw new WitError(
                `mismatch in stability from '${stabilityDebug(from.stability)}' to '${stabilityDebug(target.stability)}'`,
                from.span,
              );
            }
          }
        }
      }
    };
    copy([...included.imports.values()], world.imports, "import");
    copy([...included.exports.values()], world.exports, "export");
  }

  /**
   * Whether a type contains a `borrow` handle. A type only refers to types
   * with smaller ids, so the answers are computed in id order, each from its
   * direct parts, without recursion however deep the nesting.
   */
  private typeHasBorrow(resolve: Resolve, ty: Type): boolean {
    if (typeof ty !== "number") return false;
    const memo = resolve.memo!;
    let known = memo.hasBorrow;
    if (ty >= memo.hasBorrowLen) {
      if (ty >= known.length) {
        const grown = new Uint8Array(Math.max(2 * known.length, ty + 1));
        grown.set(known);
        known = memo.hasBorrow = grown;
      }
      for (let id = memo.hasBorrowLen; id <= ty; id++) known[id] = kindHasBorrow(resolve.types[id].kind, known) ? 1 : 0;
      memo.hasBorrowLen = ty + 1;
    }
    return known[ty] === 1;
  }
}

/** Whether a type of this kind has a `borrow` handle, given the answers for its parts. */
function kindHasBorrow(k: TypeDefKind, known: Uint8Array): boolean {
  switch (k.kind) {
    case "type":
    case "list":
    case "fixed-length-list":
    case "option":
    case "future":
    case "stream":
      return partHasBorrow(k.type, known);
    case "variant":
      for (const c of k.cases) if (partHasBorrow(c.type, known)) return true;
      return false;
    case "handle":
      return k.handle === "borrow";
    case "record":
      for (const f of k.fields) if (partHasBorrow(f.type, known)) return true;
      return false;
    case "tuple":
      for (const t of k.types) if (partHasBorrow(t, known)) return true;
      return false;
    case "map":
      return partHasBorrow(k.key, known) || partHasBorrow(k.value, known);
    case "result":
      return partHasBorrow(k.ok, known) || partHasBorrow(k.err, known);
    default:
      return false;
  }
}

function partHasBorrow(t: Type | undefined, known: Uint8Array): boolean {
  return typeof t === "number" && known[t] === 1;
}

/**
 * Copies the types (and inline interfaces) a world item refers to when the
 * item moves to another world by `include`, so each world owns its own.
 */
class Cloner {
  private readonly typeMap = new Map<TypeId, TypeId>();

  constructor(
    private readonly resolve: Resolve,
    private readonly prevOwner: TypeOwner,
    private readonly newOwner: TypeOwner,
    private readonly newPackage: PackageId | undefined,
    typeMap?: Map<TypeId, TypeId>,
  ) {
    if (typeMap) this.typeMap = typeMap;
  }

  worldItem(key: WorldKey, item: WorldItem): void {
    if (key.kind !== "name") return;
    if (item.kind === "type") item.id = this.typeId(item.id);
    else if (item.kind === "function") this.func(item.func);
    else if (this.resolve.interfaces[item.id].name === undefined) item.id = this.interface(item.id);
  }

  private typeId(id: TypeId): TypeId {
    let mapped = this.typeMap.get(id);
    if (mapped === undefined) {
      const copy = clonePlain(this.resolve.types[id]);
      this.typeDef(copy);
      this.resolve.types.push(copy);
      mapped = this.resolve.types.length - 1;
      this.typeMap.set(id, mapped);
    }
    return mapped;
  }

  private ty(t: Type): Type {
    return typeof t === "number" ? this.typeId(t) : t;
  }

  private typeDef(def: TypeDef): void {
    if (def.owner.kind !== "none") def.owner = this.newOwner;
    const k = def.kind;
    switch (k.kind) {
      case "type":
        if (typeof k.type === "number") {
          if (ownerEquals(this.resolve.types[k.type].owner, this.prevOwner)) k.type = this.typeId(k.type);
          else if (this.typeMap.has(k.type)) k.type = this.typeMap.get(k.type)!;
        }
        break;
      case "handle":
        k.resource = this.typeId(k.resource);
        break;
      case "option":
      case "list":
      case "fixed-length-list":
        k.type = this.ty(k.type);
        break;
      case "map":
        k.key = this.ty(k.key);
        k.value = this.ty(k.value);
        break;
      case "tuple":
        k.types = k.types.map((t) => this.ty(t));
        break;
      case "record":
        for (const f of k.fields) f.type = this.ty(f.type);
        break;
      case "variant":
        for (const c of k.cases) if (c.type !== undefined) c.type = this.ty(c.type);
        break;
      case "result":
        if (k.ok !== undefined) k.ok = this.ty(k.ok);
        if (k.err !== undefined) k.err = this.ty(k.err);
        break;
      case "future":
      case "stream":
        if (k.type !== undefined) k.type = this.ty(k.type);
        break;
    }
  }

  private func(f: Function): void {
    const r = functionResource(f);
    if (r !== undefined) (f.kind as { resource: TypeId }).resource = this.typeId(r);
    for (const p of f.params) p.type = this.ty(p.type);
    if (f.result !== undefined) f.result = this.ty(f.result);
  }

  private interface(oldId: InterfaceId): InterfaceId {
    const copy = clonePlain(this.resolve.interfaces[oldId]);
    const nextId = this.resolve.interfaces.length;
    const inner = new Cloner(
      this.resolve,
      { kind: "interface", id: oldId },
      { kind: "interface", id: nextId },
      this.newPackage,
      this.typeMap,
    );
    for (const [name, t] of copy.types) copy.types.set(name, inner.typeId(t));
    for (const f of copy.functions.values()) inner.func(f);
    copy.package = this.newPackage;
    copy.cloneOf = oldId;
    this.resolve.interfaces.push(copy);
    return nextId;
  }
}
