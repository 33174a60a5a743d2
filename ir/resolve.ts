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
import { compareVersions, versionCompatTrack, versionToString, type Version } from "../parser/semver.js";
import { WitError } from "./errors.js";
import { SourceMap } from "./source-map.js";
import {
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

function stabilityEquals(a: Stability, b: Stability): boolean {
  // Different kinds never print the same; the same object always does.
  if (a.kind !== b.kind) return false;
  return a === b || JSON.stringify(a) === JSON.stringify(b);
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

  /**
   * Adds `main` and `deps`, dependencies first, and returns the id of
   * `main.main`. All packages must have been parsed into `this.sourceMap`.
   */
  pushGroups(main: UnresolvedGroup, deps: UnresolvedGroup[]): PackageId {
    const all = [...main.nested, main.main, ...deps.flatMap((d) => [...d.nested, d.main])];
    const byName = new Map<string, UnresolvedPackage>();
    for (const pkg of all) {
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
    }
    const sorted = [...byName.values()].sort((a, b) => comparePackageNames(a.name, b.name));
    const order: UnresolvedPackage[] = [];
    const placed = new Set<string>();
    const visiting = new Set<string>();
    const visit = (pkg: UnresolvedPackage) => {
      if (placed.has(packageNameKey(pkg.name))) return;
      let i = 0;
      for (const [depKey] of pkg.foreignDeps) {
        const span = pkg.foreignDepSpans[i++];
        if (visiting.has(depKey)) throw new WitError(`package \`${depKey}\` creates a dependency cycle`, span);
        visiting.add(depKey);
        const dep = byName.get(depKey);
        if (dep) visit(dep);
        visiting.delete(depKey);
      }
      placed.add(packageNameKey(pkg.name));
      order.push(pkg);
    };
    for (const pkg of sorted) visit(pkg);

    let mainId: PackageId | undefined;
    for (const pkg of order) {
      const id = new Remap().append(this, pkg);
      if (pkg === main.main) mainId = id;
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
      const parsed = parseUsePath(world);
      if ("error" in parsed) throw new WitError(`failed to parse world specifier \`${world}\`: ${parsed.error}`);
      const path = parsed.path;
      if (mainPackages.length === 0) throw new WitError("No main packages defined");
      let pkg: PackageId;
      let worldName: string;
      if (path.kind === "id") {
        if (mainPackages.length > 1) throw new WitError(this.multipleMainMessage());
        pkg = mainPackages[0];
        worldName = path.id.name;
      } else {
        worldName = path.name.name;
        const ns = path.package.namespace.name;
        const name = path.package.name.name;
        const version = path.package.version?.version;
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
    const sortKey = (item: WorldItem): number => {
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
    };
    const newImports: WorldItems = new Map();
    const sortedImports = stableSortBy([...world.imports.values()], (e) => sortKey(e.item));
    for (const { key, item } of sortedImports) {
      switch (item.kind) {
        case "interface":
          this.elaborateImport(newImports, key, item.id, item.stability, item.docs, item.externalId);
          break;
        case "function":
          newImports.set(worldKeyString(key), { key, item });
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
          newImports.set(worldKeyString(key), { key, item });
          break;
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

    world.imports = new Map(stableSortBy([...newImports.entries()], ([, e]) => sortKey(e.item)));
    world.exports = newExports;
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
    type Frame = {
      key: WorldKey;
      id: InterfaceId;
      docs: typeof docs;
      externalId: string | undefined;
      deps: InterfaceId[];
      next: number;
    };
    if (imports.has(worldKeyString(key))) return;
    const stack: Frame[] = [{ key, id, docs, externalId, deps: this.interfaceDirectDeps(id), next: 0 }];
    while (stack.length) {
      const top = stack[stack.length - 1];
      if (top.next < top.deps.length) {
        const dep = top.deps[top.next++];
        const depKey: WorldKey = { kind: "interface", id: dep };
        if (!imports.has(worldKeyString(depKey))) {
          stack.push({
            key: depKey,
            id: dep,
            docs: noDocs(),
            externalId: undefined,
            deps: this.interfaceDirectDeps(dep),
            next: 0,
          });
        }
        continue;
      }
      stack.pop();
      const k = worldKeyString(top.key);
      if (imports.has(k)) continue;
      imports.set(k, {
        key: top.key,
        item: {
          kind: "interface",
          id: top.id,
          stability,
          docs: top.docs,
          span: unknownSpan,
          externalId: top.externalId,
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
      for (const dep of this.interfaceDirectDeps(item.id)) {
        const depKey: WorldKey = { kind: "interface", id: dep };
        const depItem = {
          kind: "interface" as const,
          id: dep,
          stability: item.stability,
          docs: noDocs(),
          span: unknownSpan,
          externalId: item.externalId,
        };
        if (!add(depKey, depItem, addExport && exportInterfaces.has(worldKeyString(depKey)))) return false;
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

function isResourceFunction(f: Function): boolean {
  return f.kind.kind !== "freestanding" && f.kind.kind !== "async-freestanding";
}

function ownerEquals(a: TypeOwner, b: TypeOwner): boolean {
  return a.kind === b.kind && (a.kind === "none" || a.id === (b as { id: number }).id);
}

function stableSortBy<T>(items: T[], key: (x: T) => number): T[] {
  return items
    .map((x, i) => [x, key(x), i] as const)
    .sort((a, b) => a[1] - b[1] || a[2] - b[2])
    .map(([x]) => x);
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
  /** `typeHasBorrow` of every type id below its length. */
  private hasBorrow: boolean[] = [];

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

  private forType<T>(what: string, span: Span, f: () => T): T {
    try {
      return f();
    } catch (e) {
      if (e instanceof WitError) {
        throw new WitError(`${e.message}; this type is not gated by a feature but its ${what} is`, span);
      }
      throw e;
    }
  }

  /** Moves `pkg`'s items into `resolve` (the package is consumed: its items are reused, not copied). */
  append(resolve: Resolve, pkg: UnresolvedPackage): PackageId {
    const pkgId = resolve.packages.length;
    resolve.packages.push({ name: pkg.name, docs: pkg.docs, interfaces: new Map(), worlds: new Map() });
    resolve.packageNames.set(packageNameKey(pkg.name), pkgId);
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

    for (let i = foreignTypes; i < this.types.length; i++) {
      const id = this.types[i];
      if (id === undefined) continue;
      const ty = resolve.types[id];
      if (ty.owner.kind === "interface") {
        const owner = ty.owner.id;
        // The common case without a closure; `forType` words the error otherwise.
        const mapped = this.interfaces[owner];
        ty.owner = {
          kind: "interface",
          id:
            owner < this.interfaces.length && mapped !== undefined
              ? mapped
              : this.forType("interface", ty.span, () => this.mapInterface(owner, ty.span)),
        };
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

    for (let i = foreignTypes; i < this.types.length; i++) {
      const id = this.types[i];
      if (id === undefined) continue;
      const ty = resolve.types[id];
      if (ty.owner.kind === "world") {
        const owner = ty.owner.id;
        const mapped = this.worlds[owner];
        ty.owner = {
          kind: "world",
          id:
            owner < this.worlds.length && mapped !== undefined
              ? mapped
              : this.forType("world", ty.span, () => this.mapWorld(owner, ty.span)),
        };
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
    type Target = { pkgName: PackageName; name: string; span: Span; stabilities: Stability[] };
    const ifaceTargets = new Map<InterfaceId, Target>();
    const worldTargets = new Map<WorldId, Target>();
    let i = 0;
    for (const { name: pkgName, items } of pkg.foreignDeps.values()) {
      const span = pkg.foreignDepSpans[i++];
      for (const [name, dep] of items) {
        const target = { pkgName, name, span, stabilities: dep.stabilities };
        if (dep.item.kind === "interface") ifaceTargets.set(dep.item.id, target);
        else worldTargets.set(dep.item.id, target);
      }
    }

    const findPackage = (t: Target): PackageId => {
      const id = resolve.packageNames.get(packageNameKey(t.pkgName));
      if (id !== undefined) return id;
      const known = [...resolve.packageNames.keys()];
      throw new WitError(
        known.length
          ? `package '${packageNameKey(t.pkgName)}' not found. known packages:${known.map((k) => `\n    ${k}`).join("")}`
          : `package '${packageNameKey(t.pkgName)}' not found`,
        t.span,
      );
    };
    const enabled = (t: Target, span: Span) => t.stabilities.some((s) => resolve.includeStability(s, pkgId, span));

    // Foreign interfaces and worlds come first in their arenas: map each to
    // the item of the dependency package, or to nothing when gated off.
    const connect = (
      what: "interface" | "world",
      items: { span: Span }[],
      targets: Map<number, Target>,
      map: (number | undefined)[],
    ) => {
      for (let id = 0; id < items.length; id++) {
        const t = targets.get(id);
        if (!t) break;
        const depPkg = resolve.packages[findPackage(t)];
        const span = items[id].span;
        if (!enabled(t, span)) {
          map.push(undefined);
          continue;
        }
        const found = (what === "interface" ? depPkg.interfaces : depPkg.worlds).get(t.name);
        if (found === undefined) {
          throw new WitError(`${what} '${t.name}' not found in package '${packageNameKey(depPkg.name)}'`, span);
        }
        map.push(found);
      }
    };
    connect("interface", pkg.interfaces, ifaceTargets, this.interfaces);
    connect("world", pkg.worlds, worldTargets, this.worlds);
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

  private updateTypeDef(resolve: Resolve, ty: TypeDef, span: Span): void {
    const k = ty.kind;
    switch (k.kind) {
      case "handle":
        k.resource = this.mapType(k.resource, span);
        break;
      case "record":
        for (const f of k.fields) f.type = this.updateTy(resolve, f.type, f.span);
        break;
      case "tuple":
        k.types = k.types.map((t) => this.updateTy(resolve, t, span));
        break;
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
        name: undefined,
        owner: { kind: "none" },
        kind: { kind: "handle", handle: "own", resource: id },
        docs: noDocs(),
        stability: unknownStability,
        span: unknownSpan,
        externalId: undefined,
      });
      own = resolve.types.length - 1;
      this.ownHandles.set(id, own);
    }
    return own;
  }

  private updateInterface(resolve: Resolve, iface: Interface): void {
    // Deleting the entry being visited, or re-setting it, is safe while iterating a Map.
    for (const [name, ty] of iface.types) {
      const mapped = this.types[ty];
      if (mapped === undefined) iface.types.delete(name);
      else iface.types.set(name, mapped);
    }
    const pkg = iface.package!;
    for (const func of iface.functions.values()) {
      if (!resolve.includeStability(func.stability, pkg, func.span)) continue;
      this.updateFunction(resolve, func, func.span);
    }
    for (const [name, func] of iface.functions) {
      if (!resolve.includeStability(func.stability, pkg, func.span)) iface.functions.delete(name);
    }
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
    const newKey: WorldKey =
      key.kind === "interface" ? { kind: "interface", id: this.mapInterface(key.id, span) } : key;
    if (item.kind === "interface") item.id = this.mapInterface(item.id, span);
    else if (item.kind === "function") this.updateFunction(resolve, item.func, span);
    (isImport ? world.imports : world.exports).set(worldKeyString(newKey), { key: newKey, item });
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
        if (key.kind === "name") unmatched = unmatched.filter((n) => renameIncluded(key.name, n) === undefined);
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
          const newItem = structuredClone(item);
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
            prev = { key, item: structuredClone(item) };
            into.set(k, prev);
          }
          const from = item as WorldItem & { kind: "interface" };
          const target = prev.item as WorldItem & { kind: "interface" };
          if (isExternal && from.stability.kind === "stable") {
            target.stability = unknownStability;
          } else if (from.stability.kind !== "unknown" && !stabilityEquals(from.stability, target.stability)) {
            if (target.stability.kind === "unknown") target.stability = structuredClone(from.stability);
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
    const known = this.hasBorrow;
    const has = (t: Type | undefined) => typeof t === "number" && known[t];
    for (let id = known.length; id <= ty; id++) {
      const k = resolve.types[id].kind;
      switch (k.kind) {
        case "type":
        case "list":
        case "fixed-length-list":
        case "option":
        case "future":
        case "stream":
          known.push(has(k.type));
          break;
        case "variant":
          known.push(k.cases.some((c) => has(c.type)));
          break;
        case "handle":
          known.push(k.handle === "borrow");
          break;
        case "record":
          known.push(k.fields.some((f) => has(f.type)));
          break;
        case "tuple":
          known.push(k.types.some(has));
          break;
        case "map":
          known.push(has(k.key) || has(k.value));
          break;
        case "result":
          known.push(has(k.ok) || has(k.err));
          break;
        default:
          known.push(false);
      }
    }
    return known[ty];
  }
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
      const copy = structuredClone(this.resolve.types[id]);
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
    const copy = structuredClone(this.resolve.interfaces[oldId]);
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
