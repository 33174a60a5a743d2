/**
 * The decoded model straight into the front-end's `UnresolvedPackage`, one
 * per package, without building a syntax tree (ast.ts) and without the WIT
 * name resolver (`PackageResolver`, ir/unresolved.ts).
 *
 * The result is, field for field and id for id, the package the resolver
 * makes of the syntax tree that `AstBuilder` builds of the same model: the
 * same allocation order of interfaces, worlds and types (foreign interfaces
 * first, local interfaces in dependency order, types of a scope `use`s first
 * then definitions in dependency order, anonymous types interned as they are
 * met), the same function order (resource functions before free ones), the
 * same names (`[async method]r.m` read back as `[method]r.m` of kind
 * `async-method`), the same spans (all at one offset) and the same absence
 * of docs and stability. `Resolve.pushGroups` then adds the packages exactly
 * as for the syntax-tree path. test/decode-direct.test.ts compares the two
 * paths on the corpus.
 *
 * The checks the syntax-tree path makes are made here too, but any model
 * this builder refuses (a throw of any kind) is handed back to the caller,
 * which decodes it through the syntax tree instead: that path words the
 * error. So malformed inputs keep their messages, and only well-formed ones
 * take this path.
 */
import type { Ident } from "../../parser/ast.js";
import { parseVersion, versionToString, type Version } from "../../parser/semver.js";
import { toposort } from "../../ir/toposort.js";
import * as wellformed from "../../ir/wellformed.js";
import { anonTypeKey, type ForeignDep, type UnresolvedPackage } from "../../ir/unresolved.js";
import {
  unknownStability,
  type Docs,
  worldKeyString,
  type Function,
  type FunctionKind,
  type Interface,
  type InterfaceId,
  type PackageName,
  type Param,
  type Span,
  type Type,
  type TypeDef,
  type TypeDefKind,
  type TypeId,
  type TypeOwner,
  type World,
  type WorldItem,
  type WorldKey,
} from "../../ir/types.js";
import { parseFuncName, type ResourceFunc } from "./ast.js";
import type { MFunc, MInterface, MItem, MPackage, MTypeDef, MWorld, NamedRef, WType } from "./model.js";
import { parseInterfaceId } from "./model.js";

/** Thrown where the syntax-tree path would refuse the model; the caller falls back to it. */
class Refused extends Error {}

/**
 * The docs of every item: none. One object, frozen: nothing changes docs in
 * place (package-docs.ts gives an item new docs), and a change would throw.
 */
const NO_DOCS: Docs = Object.freeze({ contents: undefined });

/** `parseFuncName`, without its pattern for the plain names of most functions. */
function funcName(name: string): ResourceFunc {
  return name.charCodeAt(0) === 0x5b ? parseFuncName(name) : { kind: "freestanding", name, async: false };
}

function refuse(why: string): never {
  throw new Refused(why);
}

type LookupEntry = { kind: "type"; id: TypeId } | { kind: "item" };

/** A `use` of a scope: the types it takes from one other interface, in order. */
interface Use {
  owner: string;
  names: { target: string; local: string }[];
}

/** A resource function of a scope, checked as the syntax-tree path checks it. */
interface ResourceFn {
  f: MFunc;
  parsed: Exclude<ResourceFunc, { kind: "freestanding" }>;
}

/** The version string as the resolver keys packages (`versionToString(parseVersion(v))`). */
const versionCache = new Map<string, { version: Version; text: string }>();
function version(v: string): { version: Version; text: string } {
  let found = versionCache.get(v);
  if (!found) {
    const parsed = parseVersion(v);
    found = { version: parsed, text: versionToString(parsed) };
    if (versionCache.size > 1000) versionCache.clear();
    versionCache.set(v, found);
  }
  return found;
}

/**
 * `toposort`'s order: when every item depends only on items before it (as
 * in a binary, where types refer to earlier ones), that is the items' own
 * order, found without sorting; otherwise `toposort` sorts (or reports).
 */
function sortByDeps(kind: string, deps: Map<string, Ident[]>): string[] {
  const placed = new Set<string>();
  for (const [name, edges] of deps) {
    for (const e of edges) if (!placed.has(e.name)) return toposort(kind, deps);
    placed.add(name);
  }
  return [...deps.keys()];
}

/** `requireUniqueNames`, without its map when there are few names and none conflict. */
function requireUnique(
  names: { name: string; span: Span }[],
  message: (name: string, previous: string) => string,
): void {
  if (names.length < 2) return;
  if (names.length > 8) return wellformed.requireUniqueNames(names, message);
  for (let i = 1; i < names.length; i++) {
    const a = names[i]!.name.toLowerCase();
    for (let j = 0; j < i; j++) {
      if (names[j]!.name.toLowerCase() === a) return wellformed.requireUniqueNames(names, message);
    }
  }
}

function collectDeps(t: WType, out: string[]): void {
  switch (t.kind) {
    case "primitive":
      return;
    case "ref":
      out.push(t.ref.name);
      return;
    case "own":
    case "borrow":
      out.push(t.resource.name);
      return;
    case "list":
    case "option":
    case "fixed-length-list":
      collectDeps(t.type, out);
      return;
    case "map":
      collectDeps(t.key, out);
      collectDeps(t.value, out);
      return;
    case "tuple":
      for (const x of t.types) collectDeps(x, out);
      return;
    case "result":
      if (t.ok) collectDeps(t.ok, out);
      if (t.err) collectDeps(t.err, out);
      return;
    case "future":
    case "stream":
      if (t.type) collectDeps(t.type, out);
      return;
  }
}

/**
 * Builds the unresolved package of `pkg` (key `key`), whose spans all point
 * at `at`. `interfaces` holds every interface of the model (by owner key),
 * for the `use`s into other packages. Throws when the syntax-tree path
 * would refuse the model; the caller then takes that path.
 */
export function unresolvedFromModel(
  pkg: MPackage,
  key: string,
  interfaces: Map<string, MInterface>,
  at: Span,
): UnresolvedPackage {
  return new PackageBuilder(pkg, key, interfaces, at).build();
}

class PackageBuilder {
  private readonly types: TypeDef[] = [];
  private readonly ifaces: Interface[] = [];
  private readonly worlds: World[] = [];
  private readonly anonTypes = new Map<string, TypeId>();
  /** The names each interface (by unresolved id) defines: its types and functions. */
  private readonly lookups: Map<string, LookupEntry>[] = [];
  private readonly foreignDeps = new Map<string, { name: PackageName; items: Map<string, ForeignDep> }>();
  private readonly foreignDepSpans: Span[] = [];
  /** Unresolved ids of foreign interfaces, by owner key. */
  private readonly foreignIds = new Map<string, InterfaceId>();
  /** Unresolved ids of this package's named interfaces, by name. */
  private readonly localIds = new Map<string, InterfaceId>();
  private readonly unknownTypeSpans: Span[] = [];
  private readonly requiredResourceTypes: [TypeId, Span][] = [];
  /** The `use`s of each scope (by owner key), computed once. */
  private readonly usesOf = new Map<string, Use[]>();
  /** The names of the scope being resolved. */
  private lookup = new Map<string, LookupEntry>();

  constructor(
    private readonly pkg: MPackage,
    private readonly key: string,
    private readonly interfaces: Map<string, MInterface>,
    private readonly at: Span,
  ) {}

  build(): UnresolvedPackage {
    const pkg = this.pkg;
    const name: PackageName = {
      namespace: pkg.namespace,
      name: pkg.name,
      version: pkg.version === undefined ? undefined : version(pkg.version).version,
    };
    if (pkg.version !== undefined && version(pkg.version).text !== pkg.version) refuse("unnormalized version");

    // Foreign dependencies, in the order the resolver visits paths.
    this.visitPaths((owner, withNames) => {
      if (this.isLocal(owner)) return;
      this.foreignInterface(owner);
      void withNames;
    });

    // This package's interfaces (in dependency order) and worlds.
    const items: Ident[] = [];
    for (const n of pkg.interfaces.keys()) items.push({ name: n, start: this.at.start, end: this.at.end });
    for (const n of pkg.worlds.keys()) items.push({ name: n, start: this.at.start, end: this.at.end });
    const seen = new Set<string>();
    for (const i of items) {
      if (seen.has(i.name)) refuse("duplicate item");
      seen.add(i.name);
    }
    wellformed.requireUniqueNames(items, wellformed.caseInsensitiveConflict);
    const order = new Map<string, Ident[]>();
    for (const [n, iface] of pkg.interfaces) {
      const deps: Ident[] = [];
      for (const use of this.uses(iface.key, iface.types)) {
        if (this.isLocal(use.owner))
          deps.push({ name: this.interfaces.get(use.owner)!.name!, start: this.at.start, end: this.at.end });
      }
      order.set(n, deps);
    }
    for (const n of pkg.worlds.keys()) order.set(n, []);
    const ifaceOrder: InterfaceId[] = [];
    const worldOrder: MWorld[] = [];
    for (const n of sortByDeps("interface or world", order)) {
      const iface = pkg.interfaces.get(n);
      if (iface) {
        const id = this.allocInterface();
        this.ifaces[id]!.name = n;
        this.localIds.set(n, id);
        ifaceOrder.push(id);
      } else {
        const world = pkg.worlds.get(n)!;
        const id = this.allocWorld();
        this.worlds[id]!.name = n;
        worldOrder.push(world);
      }
    }

    // Types taken from foreign interfaces.
    this.visitPaths((owner, withNames) => {
      if (!withNames) return;
      const iface = this.foreignIds.get(owner);
      if (iface === undefined) return;
      const lookup = this.lookups[iface]!;
      for (const n of withNames) {
        if (lookup.has(n.target)) continue;
        this.types.push({
          docs: NO_DOCS,
          stability: unknownStability,
          kind: { kind: "unknown" },
          name: n.target,
          owner: { kind: "interface", id: iface },
          span: this.at,
          externalId: undefined,
        });
        const id = this.types.length - 1;
        this.unknownTypeSpans.push(this.at);
        lookup.set(n.target, { kind: "type", id });
        this.ifaces[iface]!.types.set(n.target, id);
      }
    });

    for (const id of ifaceOrder) {
      const iface = pkg.interfaces.get(this.ifaces[id]!.name!)!;
      this.resolveInterface(id, iface);
    }
    worldOrder.forEach((world, id) => this.resolveWorld(id, world));

    return {
      name,
      docs: NO_DOCS,
      worlds: this.worlds,
      interfaces: this.ifaces,
      types: this.types,
      foreignDeps: this.foreignDeps,
      packageNameSpan: this.at,
      unknownTypeSpans: this.unknownTypeSpans,
      foreignDepSpans: this.foreignDepSpans,
      requiredResourceTypes: this.requiredResourceTypes,
    };
  }

  // -------------------------------------------------------------------------
  // Paths

  /** Whether `owner` is a named interface of this package (a `use` by id). */
  private isLocal(owner: string): boolean {
    const iface = this.interfaces.get(owner);
    return iface !== undefined && iface.pkg === this.key;
  }

  /**
   * The `use`s of a scope: the aliases of its types into other owners,
   * grouped by owner in order of first appearance.
   */
  private uses(scope: string, types: Iterable<[string, MTypeDef]>): Use[] {
    let out = this.usesOf.get(scope);
    if (out) return out;
    out = [];
    const byOwner = new Map<string, Use>();
    for (const [name, d] of types) {
      if (d.kind !== "alias" || d.target.owner === scope) continue;
      let use = byOwner.get(d.target.owner);
      if (!use) {
        const iface = this.interfaces.get(d.target.owner);
        if (!iface || iface.name === undefined) refuse("a type of an unnamed owner is used");
        use = { owner: d.target.owner, names: [] };
        byOwner.set(d.target.owner, use);
        out.push(use);
      }
      use.names.push({ target: d.target.name, local: name });
    }
    this.usesOf.set(scope, out);
    return out;
  }

  /** The type items of a world (its imported types), refusing exported ones. */
  private worldTypes(world: MWorld): [string, MTypeDef][] {
    const out: [string, MTypeDef][] = [];
    for (const it of world.imports.values()) if (it.kind === "type") out.push([it.name, it.def]);
    for (const it of world.exports.values()) if (it.kind === "type") refuse("a world exports a type");
    return out;
  }

  /**
   * Visits the paths of the package in the resolver's order: each
   * interface's `use`s; each world's `use`s, then its imports' and exports'
   * paths (an inline interface's `use`s, a named interface's id). `names`
   * is given for `use`s only.
   */
  private visitPaths(f: (owner: string, names: Use["names"] | undefined) => void): void {
    for (const iface of this.pkg.interfaces.values()) {
      for (const use of this.uses(iface.key, iface.types)) f(use.owner, use.names);
    }
    for (const world of this.pkg.worlds.values()) {
      for (const use of this.uses(world.key, this.worldTypes(world))) f(use.owner, use.names);
      for (const items of [world.imports, world.exports]) {
        for (const it of items.values()) {
          if (it.kind === "inline") {
            for (const use of this.uses(it.iface.key, it.iface.types)) f(use.owner, use.names);
          } else if (it.kind === "interface" || it.kind === "implements") {
            const iface = this.interfaces.get(it.id);
            if (iface && iface.pkg === this.key) {
              if (iface.name === undefined) refuse("an unnamed interface by id");
              continue;
            }
            f(it.id, undefined);
          }
        }
      }
    }
  }

  /** The unresolved id of a foreign interface, allocated on first use. */
  private foreignInterface(owner: string): InterfaceId {
    const found = this.foreignIds.get(owner);
    if (found !== undefined) return found;
    const p = parseInterfaceId(owner);
    if (!p) refuse("not an interface id");
    const v = p.version === undefined ? undefined : version(p.version);
    const pkgName: PackageName = { namespace: p.namespace, name: p.pkg, version: v?.version };
    const key = `${p.namespace}:${p.pkg}${v ? "@" + v.text : ""}`;
    let deps = this.foreignDeps.get(key);
    if (!deps) {
      this.foreignDepSpans.push(this.at);
      deps = { name: pkgName, items: new Map() };
      this.foreignDeps.set(key, deps);
    }
    let dep = deps.items.get(p.name);
    if (!dep) {
      dep = { item: { kind: "interface", id: this.allocInterface() }, stabilities: [unknownStability] };
      deps.items.set(p.name, dep);
    }
    this.foreignIds.set(owner, dep.item.id);
    return dep.item.id;
  }

  /** The unresolved id of the interface `owner` (local by name, or foreign). */
  private interfaceOf(owner: string): InterfaceId {
    if (this.isLocal(owner)) {
      const id = this.localIds.get(this.interfaces.get(owner)!.name!);
      if (id === undefined) refuse("unknown local interface");
      return id;
    }
    const id = this.foreignIds.get(owner);
    if (id === undefined) refuse("unknown foreign interface");
    return id;
  }

  private allocInterface(): InterfaceId {
    this.lookups.push(new Map());
    this.ifaces.push({
      name: undefined,
      types: new Map(),
      docs: NO_DOCS,
      stability: unknownStability,
      functions: new Map(),
      package: undefined,
      span: this.at,
      cloneOf: undefined,
    });
    return this.ifaces.length - 1;
  }

  private allocWorld(): number {
    this.worlds.push({
      name: "",
      docs: NO_DOCS,
      exports: new Map(),
      imports: new Map(),
      package: undefined,
      includes: [],
      stability: unknownStability,
      span: this.at,
    });
    return this.worlds.length - 1;
  }

  // -------------------------------------------------------------------------
  // Scopes

  private define(name: string, entry: LookupEntry): void {
    if (this.lookup.has(name)) refuse("defined twice");
    this.lookup.set(name, entry);
  }

  /**
   * The resource functions of a scope, grouped by resource, and its free
   * functions, checked as `AstBuilder.scopeItems` checks them.
   */
  private splitFuncs(
    scope: string,
    types: [string, MTypeDef][],
    funcs: Iterable<MFunc>,
  ): { byResource: Map<string, ResourceFn[]>; free: { f: MFunc; name: string; async: boolean }[] } {
    const byResource = new Map<string, ResourceFn[]>();
    const free: { f: MFunc; name: string; async: boolean }[] = [];
    let resources: Set<string> | undefined;
    for (const f of funcs) {
      const parsed = funcName(f.name);
      if (parsed.kind === "freestanding") {
        free.push({ f, name: parsed.name, async: parsed.async || f.async });
        continue;
      }
      resources ??= new Set(types.filter(([, d]) => d.kind === "resource").map(([n]) => n));
      if (!resources.has(parsed.resource)) refuse("function of a resource not defined here");
      if (parsed.kind === "constructor") {
        const r = f.result;
        const ownsIt = (t: WType | undefined) =>
          t?.kind === "own" && t.resource.owner === scope && t.resource.name === parsed.resource;
        if (!ownsIt(r) && !(r?.kind === "result" && ownsIt(r.ok))) refuse("constructor does not return its resource");
      } else if (parsed.kind === "method") {
        const self = f.params[0];
        if (
          !self ||
          self.name !== "self" ||
          self.type.kind !== "borrow" ||
          self.type.resource.owner !== scope ||
          self.type.resource.name !== parsed.resource
        ) {
          refuse("method without self");
        }
      }
      let list = byResource.get(parsed.resource);
      if (!list) byResource.set(parsed.resource, (list = []));
      list.push({ f, parsed });
    }
    return { byResource, free };
  }

  /** `PackageResolver.resolveTypes`: `use`s, then definitions in dependency order. */
  private resolveTypes(
    owner: TypeOwner,
    scope: string,
    types: [string, MTypeDef][],
    byResource: Map<string, ResourceFn[]>,
  ): void {
    const uses = this.uses(scope, types);
    for (const use of uses) {
      const from = this.interfaceOf(use.owner);
      const lookup = this.lookups[from]!;
      for (const n of use.names) {
        const found = lookup.get(n.target);
        if (!found || found.kind !== "type") refuse("used name does not exist");
        this.types.push({
          docs: NO_DOCS,
          stability: unknownStability,
          kind: { kind: "type", type: found.id },
          name: n.local,
          owner,
          span: this.at,
          externalId: undefined,
        });
        this.define(n.local, { kind: "type", id: this.types.length - 1 });
      }
    }
    // The definitions (not the `use`s), in the order the resolver adds
    // them: their own order when each refers only to names before it,
    // otherwise `toposort`'s over the uses' and definitions' names.
    const defs: [string, MTypeDef][] = [];
    const names = new Set<string>();
    for (const use of uses) for (const n of use.names) names.add(n.local);
    let ordered = true;
    const depsOf = (d: MTypeDef): string[] => {
      const out: string[] = [];
      switch (d.kind) {
        case "alias":
          out.push(d.target.name);
          break;
        case "record":
          for (const f of d.fields) collectDeps(f.type, out);
          break;
        case "variant":
          for (const c of d.cases) if (c.type) collectDeps(c.type, out);
          break;
        case "type":
          collectDeps(d.type, out);
          break;
      }
      return out;
    };
    for (const entry of types) {
      const [name, d] = entry;
      if (d.kind === "alias" && d.target.owner !== scope) continue;
      if (names.has(name)) refuse("defined twice");
      if (ordered) for (const dep of depsOf(d)) if (!names.has(dep)) ordered = false;
      names.add(name);
      defs.push(entry);
    }
    if (!ordered) {
      const deps = new Map<string, Ident[]>();
      for (const use of uses) for (const n of use.names) deps.set(n.local, []);
      for (const [name, d] of defs)
        deps.set(
          name,
          depsOf(d).map((n) => ({ name: n, start: this.at.start, end: this.at.end })),
        );
      const byName = new Map(defs);
      defs.length = 0;
      for (const name of toposort("type", deps)) {
        const d = byName.get(name);
        if (d) defs.push([name, d]);
      }
    }
    for (const [name, d] of defs) {
      const kind = this.typeDefKind(d, scope, byResource.get(name));
      this.types.push({
        docs: NO_DOCS,
        stability: unknownStability,
        kind,
        name,
        owner,
        span: this.at,
        externalId: d.externalId,
      });
      this.define(name, { kind: "type", id: this.types.length - 1 });
    }
  }

  private resolveInterface(id: InterfaceId, m: MInterface): void {
    const iface = this.ifaces[id]!;
    iface.docs = NO_DOCS;
    iface.stability = unknownStability;
    const types = [...m.types];
    const { byResource, free } = this.splitFuncs(m.key, types, m.funcs.values());
    this.resolveTypes({ kind: "interface", id }, m.key, types, byResource);
    for (const [name, entry] of this.lookup) iface.types.set(name, (entry as { id: TypeId }).id);
    const funcs: Function[] = [];
    for (const [name, d] of types) {
      if (d.kind !== "resource") continue;
      for (const rf of byResource.get(name) ?? []) funcs.push(this.resourceFunction(rf, name, m.key));
    }
    for (const { f, name, async } of free) {
      this.define(name, { kind: "item" });
      funcs.push(this.func(f, name, { kind: async ? "async-freestanding" : "freestanding" }, m.key, false));
    }
    for (const f of funcs) iface.functions.set(f.name, f);
    const names: { name: string; span: Span }[] = [];
    for (const n of this.lookup.keys()) names.push({ name: n, span: this.at });
    requireUnique(names, wellformed.caseInsensitiveConflict);
    this.lookups[id] = this.lookup;
    this.lookup = new Map();
  }

  private resolveWorld(id: number, m: MWorld): void {
    const w = this.worlds[id]!;
    w.docs = NO_DOCS;
    w.stability = unknownStability;
    const types = this.worldTypes(m);
    const resourceFuncs: MFunc[] = [];
    for (const it of m.imports.values()) {
      if (it.kind === "func" && funcName(it.func.name).kind !== "freestanding") resourceFuncs.push(it.func);
    }
    for (const it of m.exports.values()) {
      if (it.kind === "func" && funcName(it.func.name).kind !== "freestanding") refuse("exported resource func");
    }
    const { byResource } = this.splitFuncs(m.key, types, resourceFuncs);
    this.resolveTypes({ kind: "world", id }, m.key, types, byResource);
    for (const [name, entry] of this.lookup) {
      const key = worldKeyString({ kind: "name", name });
      if (w.imports.has(key)) refuse("conflicting import");
      w.imports.set(key, {
        key: { kind: "name", name },
        item: { kind: "type", id: (entry as { id: TypeId }).id, span: this.at },
      });
    }
    for (const [name, d] of types) {
      if (d.kind !== "resource") continue;
      for (const rf of byResource.get(name) ?? []) {
        const func = this.resourceFunction(rf, name, m.key);
        w.imports.set(worldKeyString({ kind: "name", name: func.name }), {
          key: { kind: "name", name: func.name },
          item: { kind: "function", func },
        });
      }
    }
    const imported = new Set<InterfaceId>();
    const exported = new Set<InterfaceId>();
    const add = (it: MItem, isImport: boolean) => {
      let item: WorldItem;
      let key: WorldKey;
      switch (it.kind) {
        case "type":
          return;
        case "func": {
          const parsed = funcName(it.func.name);
          if (parsed.kind !== "freestanding") return;
          const func = this.func(
            it.func,
            parsed.name,
            { kind: parsed.async || it.func.async ? "async-freestanding" : "freestanding" },
            m.key,
            false,
          );
          item = { kind: "function", func };
          key = { kind: "name", name: func.name };
          break;
        }
        case "inline": {
          const prev = this.lookup;
          this.lookup = new Map();
          const ifaceId = this.allocInterface();
          this.resolveInterface(ifaceId, it.iface);
          this.lookup = prev;
          item = {
            kind: "interface",
            id: ifaceId,
            stability: this.ifaces[ifaceId]!.stability,
            docs: NO_DOCS,
            span: this.at,
            externalId: it.externalId,
          };
          key = { kind: "name", name: it.name };
          break;
        }
        case "interface":
        case "implements": {
          const ifaceId = this.interfaceOf(it.id);
          item = {
            kind: "interface",
            id: ifaceId,
            stability: unknownStability,
            externalId: it.externalId,
            docs: NO_DOCS,
            span: this.at,
          };
          key = it.kind === "interface" ? { kind: "interface", id: ifaceId } : { kind: "name", name: it.name };
          break;
        }
      }
      if (key.kind === "interface") {
        const seen = isImport ? imported : exported;
        if (seen.has(key.id)) refuse("interface twice");
        seen.add(key.id);
      }
      const dst = isImport ? w.imports : w.exports;
      const k = worldKeyString(key);
      if (dst.has(k)) refuse("conflicting item");
      dst.set(k, { key, item });
    };
    for (const it of m.imports.values()) add(it, true);
    for (const it of m.exports.values()) add(it, false);
    this.lookup = new Map();
  }

  // -------------------------------------------------------------------------
  // Functions

  private resourceFunction(rf: ResourceFn, resource: string, scope: string): Function {
    const found = this.lookup.get(resource);
    if (!found || found.kind !== "type") refuse("resource lookup failed");
    const resourceId = found.id;
    const { f, parsed } = rf;
    switch (parsed.kind) {
      case "method": {
        const async = parsed.async || f.async;
        return this.func(
          f,
          `[method]${resource}.${parsed.name}`,
          { kind: async ? "async-method" : "method", resource: resourceId },
          scope,
          true,
        );
      }
      case "static": {
        const async = parsed.async || f.async;
        return this.func(
          f,
          `[static]${resource}.${parsed.name}`,
          { kind: async ? "async-static" : "static", resource: resourceId },
          scope,
          false,
        );
      }
      case "constructor":
        return this.func(f, `[constructor]${resource}`, { kind: "constructor", resource: resourceId }, scope, false);
    }
  }

  /** `PackageResolver.resolveFunction` of what `AstBuilder` makes of `f`. */
  private func(f: MFunc, name: string, kind: FunctionKind, scope: string, skipSelf: boolean): Function {
    const params: Param[] = [];
    if (kind.kind === "method" || kind.kind === "async-method") {
      const handle: TypeDefKind = { kind: "handle", handle: "borrow", resource: kind.resource };
      params.push({ name: "self", type: this.anon(handle), span: this.at });
    }
    for (let i = skipSelf ? 1 : 0; i < f.params.length; i++) {
      const p = f.params[i]!;
      for (const q of params) if (q.name === p.name) refuse("duplicate parameter");
      params.push({ name: p.name, type: this.type(p.type, scope), span: this.at });
    }
    requireUnique(params, wellformed.paramConflict);
    let result: Type | undefined;
    if (kind.kind !== "constructor") result = f.result === undefined ? undefined : this.type(f.result, scope);
    else if (f.result?.kind === "result") {
      // `result<r, e>`: its `ok` is the resource by name.
      const r = f.result;
      const err = r.err ? this.type(r.err, scope) : undefined;
      result = this.anon({ kind: "result", ok: kind.resource, err });
    } else result = kind.resource;
    return {
      docs: NO_DOCS,
      stability: unknownStability,
      name,
      kind,
      params,
      result,
      span: this.at,
      externalId: f.externalId,
    };
  }

  // -------------------------------------------------------------------------
  // Types

  private typeName(ref: NamedRef, scope: string): TypeId {
    if (ref.owner !== scope) refuse("type not in scope");
    const found = this.lookup.get(ref.name);
    if (!found || found.kind !== "type") refuse("type name does not exist");
    return found.id;
  }

  private validateResource(ref: NamedRef, scope: string): TypeId {
    const id = this.typeName(ref, scope);
    let cur = id;
    for (;;) {
      const kind = this.types[cur]!.kind;
      if (kind.kind === "resource") return id;
      if (kind.kind === "type" && typeof kind.type === "number") cur = kind.type;
      else if (kind.kind === "unknown") {
        this.requiredResourceTypes.push([cur, this.at]);
        return id;
      } else refuse("handle of a non-resource");
    }
  }

  private typeDefKind(d: MTypeDef, scope: string, funcs: ResourceFn[] | undefined): TypeDefKind {
    switch (d.kind) {
      case "resource": {
        let ctors = 0;
        const names: { name: string; span: Span }[] = [];
        const seen = new Set<string>();
        for (const { parsed } of funcs ?? []) {
          if (parsed.kind === "constructor") {
            if (++ctors > 1) refuse("duplicate constructors");
          } else {
            if (seen.has(parsed.name)) refuse("duplicate function name");
            seen.add(parsed.name);
            names.push({ name: parsed.name, span: this.at });
          }
        }
        requireUnique(names, wellformed.caseInsensitiveConflict);
        return { kind: "resource" };
      }
      case "alias":
        return { kind: "type", type: this.typeName(d.target, scope) };
      case "record":
        wellformed.requireUniqueNames(
          d.fields.map((f) => ({ name: f.name, span: this.at })),
          wellformed.recordFieldConflict,
        );
        return {
          kind: "record",
          fields: d.fields.map((f) => ({
            docs: NO_DOCS,
            name: f.name,
            type: this.type(f.type, scope),
            span: this.at,
          })),
        };
      case "variant":
        if (d.cases.length === 0) refuse("empty variant");
        wellformed.requireUniqueNames(
          d.cases.map((c) => ({ name: c.name, span: this.at })),
          wellformed.variantCaseConflict,
        );
        return {
          kind: "variant",
          cases: d.cases.map((c) => ({
            docs: NO_DOCS,
            name: c.name,
            type: c.type ? this.type(c.type, scope) : undefined,
            span: this.at,
          })),
        };
      case "enum":
        if (d.names.length === 0) refuse("empty enum");
        wellformed.requireUniqueNames(
          d.names.map((n) => ({ name: n, span: this.at })),
          wellformed.enumCaseConflict,
        );
        return { kind: "enum", cases: d.names.map((n) => ({ docs: NO_DOCS, name: n, span: this.at })) };
      case "flags":
        wellformed.requireUniqueNames(
          d.names.map((n) => ({ name: n, span: this.at })),
          wellformed.flagConflict,
        );
        return { kind: "flags", flags: d.names.map((n) => ({ docs: NO_DOCS, name: n, span: this.at })) };
      case "type":
        return this.kindOf(d.type, scope);
    }
  }

  /** `PackageResolver.resolveTypeDef` of the syntax tree of `t`. */
  private kindOf(t: WType, scope: string): TypeDefKind {
    switch (t.kind) {
      case "primitive":
        return { kind: "type", type: t.name };
      case "ref":
        return { kind: "type", type: this.typeName(t.ref, scope) };
      case "list":
        return { kind: "list", type: this.type(t.type, scope) };
      case "map": {
        const key = this.type(t.key, scope);
        const value = this.type(t.value, scope);
        if (typeof key === "number" || key === "f32" || key === "f64" || key === "error-context") {
          refuse("invalid map key");
        }
        return { kind: "map", key, value };
      }
      case "fixed-length-list":
        return { kind: "fixed-length-list", type: this.type(t.type, scope), size: t.size };
      case "own":
      case "borrow":
        return { kind: "handle", handle: t.kind, resource: this.validateResource(t.resource, scope) };
      case "tuple":
        return { kind: "tuple", types: t.types.map((x) => this.type(x, scope)) };
      case "option":
        return { kind: "option", type: this.type(t.type, scope) };
      case "result":
        return {
          kind: "result",
          ok: t.ok ? this.type(t.ok, scope) : undefined,
          err: t.err ? this.type(t.err, scope) : undefined,
        };
      case "future":
      case "stream":
        return { kind: t.kind, type: t.type ? this.type(t.type, scope) : undefined };
    }
  }

  /** `PackageResolver.resolveType`: the kind, interned when anonymous. */
  private type(t: WType, scope: string): Type {
    if (t.kind === "primitive") return t.name;
    return this.anon(this.kindOf(t, scope));
  }

  /** `PackageResolver.anonTypeDef`: structurally equal anonymous types share an id. */
  private anon(k: TypeDefKind): Type {
    if (k.kind === "type") return k.type;
    if (k.kind === "handle" && k.handle === "own") return k.resource;
    switch (k.kind) {
      case "handle":
      case "tuple":
      case "list":
      case "option":
      case "future":
      case "stream":
      case "fixed-length-list":
      case "map":
      case "result":
        break;
      default:
        refuse(`unexpected anonymous ${k.kind}`);
    }
    const key = anonTypeKey(k);
    let id = this.anonTypes.get(key);
    if (id === undefined) {
      this.types.push({
        kind: k,
        name: undefined,
        docs: NO_DOCS,
        stability: unknownStability,
        owner: { kind: "none" },
        span: this.at,
        externalId: undefined,
      });
      id = this.types.length - 1;
      this.anonTypes.set(key, id);
    }
    return id;
  }
}
