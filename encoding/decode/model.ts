/**
 * The structural WIT model the decoder builds from component types: packages
 * of interfaces and worlds whose types refer to each other by owner and name.
 * It is printed as WIT text (print.ts) and resolved by the front-end.
 *
 * Owners are strings: a named interface is its id (`ns:pkg/iface@1.0.0`), a
 * world is `world:<package>/<name>`, an inline interface of a world is
 * `<world owner>#<name>`.
 */
import type { PrimitiveName } from "../../parser/ast.js";
import { DecodeError, type Defined, type Entry, type Extern, type NameAttrs, type ValType } from "./binary.js";

export interface NamedRef {
  owner: string;
  name: string;
}

export type WType =
  | { kind: "primitive"; name: PrimitiveName }
  | { kind: "ref"; ref: NamedRef }
  | { kind: "list"; type: WType }
  | { kind: "fixed-length-list"; type: WType; size: number }
  | { kind: "map"; key: WType; value: WType }
  | { kind: "option"; type: WType }
  | { kind: "result"; ok: WType | undefined; err: WType | undefined }
  | { kind: "tuple"; types: WType[] }
  | { kind: "own" | "borrow"; resource: NamedRef }
  | { kind: "future" | "stream"; type: WType | undefined };

export type MTypeDef = (
  | { kind: "resource" }
  | { kind: "alias"; target: NamedRef }
  | { kind: "record"; fields: { name: string; type: WType }[] }
  | { kind: "variant"; cases: { name: string; type: WType | undefined }[] }
  | { kind: "enum"; names: string[] }
  | { kind: "flags"; names: string[] }
  | { kind: "type"; type: WType }
) & { externalId?: string };

export interface MFunc {
  name: string;
  async: boolean;
  params: { name: string; type: WType }[];
  result: WType | undefined;
  externalId?: string;
}

export interface MInterface {
  /** The owner key of the interface's types. */
  key: string;
  /** `undefined` for an inline interface of a world. */
  name: string | undefined;
  /** Package key (`ns:name@version`). */
  pkg: string;
  types: Map<string, MTypeDef>;
  funcs: Map<string, MFunc>;
}

export type MItem =
  | { kind: "interface"; id: string; externalId?: string }
  /** `import name: ns:pkg/iface;`: a named interface under a plain name. */
  | { kind: "implements"; name: string; id: string; externalId?: string }
  | { kind: "inline"; name: string; iface: MInterface; externalId?: string }
  | { kind: "func"; name: string; func: MFunc }
  | { kind: "type"; name: string; def: MTypeDef };

export interface MWorld {
  key: string;
  name: string;
  pkg: string;
  imports: Map<string, MItem>;
  exports: Map<string, MItem>;
}

export interface MPackage {
  namespace: string;
  name: string;
  version: string | undefined;
  interfaces: Map<string, MInterface>;
  worlds: Map<string, MWorld>;
}

export function packageKey(namespace: string, name: string, version: string | undefined): string {
  return `${namespace}:${name}${version ? "@" + version : ""}`;
}

export function worldOwnerKey(pkg: string, name: string): string {
  return `world:${pkg}/${name}`;
}

/** `ns:pkg/name@version` split up; undefined when `id` is not an interface id. */
export function parseInterfaceId(
  id: string,
): { namespace: string; pkg: string; name: string; version: string | undefined } | undefined {
  const m = /^([^:/@\s]+):([^:/@\s]+)\/([^:/@\s]+)(?:@(\S+))?$/.exec(id);
  if (!m) return undefined;
  return { namespace: m[1]!, pkg: m[2]!, name: m[3]!, version: m[4] };
}

/** The key of a world item (`i:<id>` for interfaces by id, `n:<name>` otherwise). */
export function itemKey(item: MItem): string {
  return item.kind === "interface" ? `i:${item.id}` : `n:${item.name}`;
}

function nameWithSuffix(name: string, attrs: NameAttrs): string {
  return attrs.versionSuffix ? name + attrs.versionSuffix : name;
}

/** Builds the model from decoded component types. */
export class ModelBuilder {
  readonly packages = new Map<string, MPackage>();
  readonly interfaces = new Map<string, MInterface>();
  /** Which named WIT type each type entry is (wit-parser's `type_map`). */
  private readonly named = new Map<Entry, NamedRef>();

  package(namespace: string, name: string, version: string | undefined): MPackage {
    const key = packageKey(namespace, name, version);
    let pkg = this.packages.get(key);
    if (!pkg) {
      pkg = { namespace, name, version, interfaces: new Map(), worlds: new Map() };
      this.packages.set(key, pkg);
    }
    return pkg;
  }

  /** The interface named by an id, created (empty) on first use. */
  interfaceById(id: string): MInterface {
    const parsed = parseInterfaceId(id);
    if (!parsed) throw new DecodeError(`\`${id}\` is not a valid interface id (expected \`ns:pkg/name[@version]\`)`);
    const key = `${parsed.namespace}:${parsed.pkg}/${parsed.name}${parsed.version ? "@" + parsed.version : ""}`;
    let iface = this.interfaces.get(key);
    if (!iface) {
      const pkg = this.package(parsed.namespace, parsed.pkg, parsed.version);
      iface = {
        key,
        name: parsed.name,
        pkg: packageKey(pkg.namespace, pkg.name, pkg.version),
        types: new Map(),
        funcs: new Map(),
      };
      pkg.interfaces.set(parsed.name, iface);
      this.interfaces.set(key, iface);
    }
    return iface;
  }

  /**
   * Adds what an instance type says about `iface`: its types and functions.
   * An interface seen several times (a foreign interface, or one both
   * defined and used) accumulates the union; the first definition of a name wins.
   */
  fillInterface(iface: MInterface, inst: Entry): void {
    if (inst.kind !== "instance") throw new DecodeError("expected an instance type");
    for (const exp of inst.exports) {
      try {
        if (exp.sort === "type") {
          const ref = { owner: iface.key, name: exp.name };
          if (iface.types.has(exp.name)) {
            if (!this.named.has(exp.entry)) this.named.set(exp.entry, ref);
            continue;
          }
          const def = this.typeDef(exp.entry, exp.attrs);
          iface.types.set(exp.name, def);
          if (!this.named.has(exp.entry)) this.named.set(exp.entry, ref);
        } else if (exp.sort === "func") {
          if (iface.funcs.has(exp.name)) continue;
          iface.funcs.set(exp.name, this.func(exp.name, exp.entry, exp.attrs));
        } else {
          throw new DecodeError(`instance type export \`${exp.name}\` is not a type or function`);
        }
      } catch (e) {
        if (e instanceof DecodeError) {
          throw new DecodeError(`in interface \`${iface.name ?? iface.key}\`, export \`${exp.name}\`: ${e.message}`);
        }
        throw e;
      }
    }
  }

  private findAlias(e: Entry): NamedRef | undefined {
    let cur: Entry | undefined = e;
    while (cur) {
      const found = this.named.get(cur);
      if (found) return found;
      cur = cur.kind === "eq" ? cur.target : undefined;
    }
    return undefined;
  }

  private peel(e: Entry): Entry {
    let cur = e;
    while (cur.kind === "eq") cur = cur.target;
    return cur;
  }

  /** The definition of a type that an import or export declaration names. */
  typeDef(entry: Entry, attrs: NameAttrs): MTypeDef {
    const ext = attrs.externalId !== undefined ? { externalId: attrs.externalId } : {};
    if (entry.kind === "resource") return { kind: "resource", ...ext };
    if (entry.kind !== "eq") throw new DecodeError("expected a type");
    const found = this.findAlias(entry.target);
    if (found) return { kind: "alias", target: found, ...ext };
    const base = this.peel(entry.target);
    if (base.kind === "resource") return { kind: "resource", ...ext };
    if (base.kind !== "defined") throw new DecodeError("expected a value or resource type");
    const d = base.def;
    switch (d.kind) {
      case "record":
        return { kind: "record", fields: d.fields.map((f) => ({ name: f.name, type: this.valType(f.type) })), ...ext };
      case "variant":
        return {
          kind: "variant",
          cases: d.cases.map((c) => ({ name: c.name, type: c.type === undefined ? undefined : this.valType(c.type) })),
          ...ext,
        };
      case "enum":
        return { kind: "enum", names: d.names, ...ext };
      case "flags":
        return { kind: "flags", names: d.names, ...ext };
      default:
        return { kind: "type", type: this.anonymous(d), ...ext };
    }
  }

  valType(v: ValType): WType {
    if (typeof v === "string") return { kind: "primitive", name: v };
    const found = this.findAlias(v);
    if (found) return { kind: "ref", ref: found };
    const base = this.peel(v);
    if (base.kind === "resource") throw new DecodeError("a resource type is used without a name");
    if (base.kind !== "defined") throw new DecodeError("expected a value type");
    const d = base.def;
    if (d.kind === "record" || d.kind === "variant" || d.kind === "enum" || d.kind === "flags") {
      throw new DecodeError(`unexpected unnamed type of kind '${d.kind}'`);
    }
    return this.anonymous(d);
  }

  private optional(v: ValType | undefined): WType | undefined {
    return v === undefined ? undefined : this.valType(v);
  }

  private anonymous(d: Defined): WType {
    switch (d.kind) {
      case "primitive":
        return { kind: "primitive", name: d.type };
      case "list":
      case "option":
        return { kind: d.kind, type: this.valType(d.type) };
      case "fixed-length-list":
        return { kind: d.kind, type: this.valType(d.type), size: d.size };
      case "map":
        return { kind: "map", key: this.valType(d.key), value: this.valType(d.value) };
      case "tuple":
        return { kind: "tuple", types: d.types.map((t) => this.valType(t)) };
      case "result":
        return { kind: "result", ok: this.optional(d.ok), err: this.optional(d.err) };
      case "future":
      case "stream":
        return { kind: d.kind, type: this.optional(d.type) };
      case "own":
      case "borrow": {
        const found = this.findAlias(d.resource);
        if (!found) throw new DecodeError(`\`${d.kind}\` of a resource that has no name`);
        return { kind: d.kind, resource: found };
      }
      default:
        throw new DecodeError(`unexpected unnamed type of kind '${d.kind}'`);
    }
  }

  func(name: string, entry: Entry, attrs: NameAttrs): MFunc {
    if (entry.kind !== "func") throw new DecodeError(`\`${name}\` is not a function`);
    const params = entry.params.map((p) => {
      try {
        return { name: p.name, type: this.valType(p.type) };
      } catch (e) {
        if (e instanceof DecodeError) throw new DecodeError(`parameter \`${p.name}\`: ${e.message}`);
        throw e;
      }
    });
    const result = entry.result === undefined ? undefined : this.valType(entry.result);
    const f: MFunc = { name, async: entry.async, params, result };
    if (attrs.externalId !== undefined) f.externalId = attrs.externalId;
    return f;
  }

  /** An instance import or export of a world: an interface by id, or an inline one. */
  private worldInstance(world: MWorld, ext: Extern): MItem {
    const ext_ = ext.attrs.externalId !== undefined ? { externalId: ext.attrs.externalId } : {};
    if (ext.attrs.implements !== undefined) {
      if (parseInterfaceId(ext.name)) {
        throw new DecodeError(`\`${ext.name}\` is an interface id but has an \`implements\` attribute`);
      }
      const iface = this.interfaceById(ext.attrs.implements);
      this.fillInterface(iface, ext.entry);
      return { kind: "implements", name: ext.name, id: iface.key, ...ext_ };
    }
    if (parseInterfaceId(ext.name)) {
      const iface = this.interfaceById(nameWithSuffix(ext.name, ext.attrs));
      this.fillInterface(iface, ext.entry);
      return { kind: "interface", id: iface.key, ...ext_ };
    }
    if (ext.name.includes(":") || ext.name.includes("/")) {
      throw new DecodeError(`\`${ext.name}\` is not a valid interface id or plain name`);
    }
    const iface: MInterface = {
      key: `${world.key}#${ext.name}`,
      name: undefined,
      pkg: world.pkg,
      types: new Map(),
      funcs: new Map(),
    };
    this.fillInterface(iface, ext.entry);
    return { kind: "inline", name: ext.name, iface, ...ext_ };
  }

  /** A world: the component type exported as `ns:pkg/world`. */
  world(id: string, attrs: NameAttrs, ty: Entry): MWorld {
    const parsed = parseInterfaceId(nameWithSuffix(id, attrs));
    if (!parsed) throw new DecodeError(`world name \`${id}\` is not of the form \`ns:pkg/world[@version]\``);
    if (ty.kind !== "component") throw new DecodeError(`\`${id}\` is not a component type`);
    const pkg = this.package(parsed.namespace, parsed.pkg, parsed.version);
    const pkgKey = packageKey(pkg.namespace, pkg.name, pkg.version);
    if (pkg.worlds.has(parsed.name)) throw new DecodeError(`world \`${id}\` is defined twice`);
    const world: MWorld = {
      key: worldOwnerKey(pkgKey, parsed.name),
      name: parsed.name,
      pkg: pkgKey,
      imports: new Map(),
      exports: new Map(),
    };
    const add = (map: Map<string, MItem>, item: MItem, what: string, name: string) => {
      const k = itemKey(item);
      if (map.has(k)) throw new DecodeError(`world ${what} \`${name}\` appears twice`);
      map.set(k, item);
    };
    for (const ext of ty.imports) {
      const context = (e: unknown) =>
        e instanceof DecodeError ? new DecodeError(`world \`${id}\`, import \`${ext.name}\`: ${e.message}`) : e;
      try {
        switch (ext.sort) {
          case "instance":
            add(world.imports, this.worldInstance(world, ext), "import", ext.name);
            break;
          case "type": {
            const def = this.typeDef(ext.entry, ext.attrs);
            add(world.imports, { kind: "type", name: ext.name, def }, "import", ext.name);
            if (!this.named.has(ext.entry)) this.named.set(ext.entry, { owner: world.key, name: ext.name });
            break;
          }
          case "func":
            add(
              world.imports,
              { kind: "func", name: ext.name, func: this.func(ext.name, ext.entry, ext.attrs) },
              "import",
              ext.name,
            );
            break;
          default:
            throw new DecodeError("not an instance, function or type");
        }
      } catch (e) {
        throw context(e);
      }
    }
    for (const ext of ty.exports) {
      try {
        switch (ext.sort) {
          case "instance":
            add(world.exports, this.worldInstance(world, ext), "export", ext.name);
            break;
          case "func":
            add(
              world.exports,
              { kind: "func", name: ext.name, func: this.func(ext.name, ext.entry, ext.attrs) },
              "export",
              ext.name,
            );
            break;
          case "type":
            // An exported type of a component: a type that the world's
            // exports refer to; WIT has no place for it.
            throw new DecodeError("worlds cannot export types");
          default:
            throw new DecodeError("not an instance or function");
        }
      } catch (e) {
        if (e instanceof DecodeError) throw new DecodeError(`world \`${id}\`, export \`${ext.name}\`: ${e.message}`);
        throw e;
      }
    }
    pkg.worlds.set(parsed.name, world);
    return world;
  }
}

// ---------------------------------------------------------------------------
// Structural helpers used by merging.

function mapRef(ref: NamedRef, f: (owner: string) => string): NamedRef {
  const owner = f(ref.owner);
  return owner === ref.owner ? ref : { owner, name: ref.name };
}

function mapType(t: WType, f: (owner: string) => string): WType {
  switch (t.kind) {
    case "primitive":
      return t;
    case "ref":
      return { kind: "ref", ref: mapRef(t.ref, f) };
    case "own":
    case "borrow":
      return { kind: t.kind, resource: mapRef(t.resource, f) };
    case "list":
    case "option":
      return { kind: t.kind, type: mapType(t.type, f) };
    case "fixed-length-list":
      return { kind: t.kind, type: mapType(t.type, f), size: t.size };
    case "map":
      return { kind: "map", key: mapType(t.key, f), value: mapType(t.value, f) };
    case "tuple":
      return { kind: "tuple", types: t.types.map((x) => mapType(x, f)) };
    case "result":
      return {
        kind: "result",
        ok: t.ok && mapType(t.ok, f),
        err: t.err && mapType(t.err, f),
      };
    case "future":
    case "stream":
      return { kind: t.kind, type: t.type && mapType(t.type, f) };
  }
}

function mapTypeDef(d: MTypeDef, f: (owner: string) => string): MTypeDef {
  const ext = d.externalId !== undefined ? { externalId: d.externalId } : {};
  switch (d.kind) {
    case "resource":
    case "enum":
    case "flags":
      return d;
    case "alias":
      return { kind: "alias", target: mapRef(d.target, f), ...ext };
    case "record":
      return { kind: "record", fields: d.fields.map((x) => ({ name: x.name, type: mapType(x.type, f) })), ...ext };
    case "variant":
      return {
        kind: "variant",
        cases: d.cases.map((c) => ({ name: c.name, type: c.type && mapType(c.type, f) })),
        ...ext,
      };
    case "type":
      return { kind: "type", type: mapType(d.type, f), ...ext };
  }
}

function mapFunc(fn: MFunc, f: (owner: string) => string): MFunc {
  return {
    ...fn,
    params: fn.params.map((p) => ({ name: p.name, type: mapType(p.type, f) })),
    result: fn.result && mapType(fn.result, f),
  };
}

/** Copies a world item into another world: references to the old world's types move along. */
function cloneItem(item: MItem, from: MWorld, into: MWorld): MItem {
  const f = (owner: string) =>
    owner === from.key ? into.key : owner.startsWith(from.key + "#") ? into.key + owner.slice(from.key.length) : owner;
  switch (item.kind) {
    case "interface":
    case "implements":
      return item;
    case "inline": {
      const iface: MInterface = {
        key: f(item.iface.key),
        name: undefined,
        pkg: into.pkg,
        types: new Map([...item.iface.types].map(([n, d]) => [n, mapTypeDef(d, f)])),
        funcs: new Map([...item.iface.funcs].map(([n, fn]) => [n, mapFunc(fn, f)])),
      };
      return { ...item, iface };
    }
    case "func":
      return { kind: "func", name: item.name, func: mapFunc(item.func, f) };
    case "type":
      return { kind: "type", name: item.name, def: mapTypeDef(item.def, f) };
  }
}

function checkFunctions(from: MFunc, into: MFunc): void {
  if (from.name !== into.name) throw new DecodeError(`different function names \`${from.name}\` and \`${into.name}\``);
  if (from.async !== into.async) throw new DecodeError(`function \`${from.name}\`: different function kinds`);
  if (from.params.length !== into.params.length) {
    throw new DecodeError(`function \`${from.name}\`: different number of function parameters`);
  }
  from.params.forEach((p, i) => {
    const q = into.params[i]!;
    if (p.name !== q.name) {
      throw new DecodeError(`function \`${from.name}\`: different function parameter names: ${p.name} != ${q.name}`);
    }
    if (
      (p.type.kind === "primitive" || q.type.kind === "primitive") &&
      JSON.stringify(p.type) !== JSON.stringify(q.type)
    ) {
      throw new DecodeError(`function \`${from.name}\`: different function parameter types for \`${p.name}\``);
    }
  });
  if ((from.result === undefined) !== (into.result === undefined)) {
    throw new DecodeError(`function \`${from.name}\`: different number of function results`);
  }
}

/** wit-parser's `MergeMap::build_interface`: the shared functions must agree. */
function checkInterfaces(from: MInterface, into: MInterface): void {
  for (const [name, f] of from.funcs) {
    const g = into.funcs.get(name);
    if (g) checkFunctions(f, g);
  }
}

/** Unions `from`'s interface into `into`'s: extra types and functions are added. */
function unionInterface(from: MInterface, into: MInterface): void {
  checkInterfaces(from, into);
  for (const [n, d] of from.types) if (!into.types.has(n)) into.types.set(n, d);
  for (const [n, f] of from.funcs) if (!into.funcs.has(n)) into.funcs.set(n, f);
}

/**
 * A set of decoded packages, merged as wit-parser's `Resolve::merge` does:
 * packages of the same name are unioned, interface by interface.
 */
export class MergedModel {
  readonly packages = new Map<string, MPackage>();
  readonly interfaces = new Map<string, MInterface>();

  add(other: ModelBuilder): void {
    for (const [key, pkg] of other.packages) {
      const into = this.packages.get(key);
      if (!into) {
        this.packages.set(key, pkg);
        for (const iface of pkg.interfaces.values()) this.interfaces.set(iface.key, iface);
        continue;
      }
      try {
        for (const [name, iface] of pkg.interfaces) {
          const target = into.interfaces.get(name);
          if (!target) {
            into.interfaces.set(name, iface);
            this.interfaces.set(iface.key, iface);
          } else {
            try {
              unionInterface(iface, target);
            } catch (e) {
              if (e instanceof DecodeError)
                throw new DecodeError(`failed to merge interface \`${name}\`: ${e.message}`);
              throw e;
            }
          }
        }
        for (const [name, world] of pkg.worlds) {
          const target = into.worlds.get(name);
          if (!target) {
            into.worlds.set(name, world);
            continue;
          }
          const same = (a: Map<string, MItem>, b: Map<string, MItem>) =>
            a.size === b.size && [...a.keys()].every((k) => b.has(k));
          if (!same(world.imports, target.imports) || !same(world.exports, target.exports)) {
            throw new DecodeError(`failed to merge world \`${name}\`: the worlds have different imports or exports`);
          }
        }
      } catch (e) {
        if (e instanceof DecodeError) {
          throw new DecodeError(`failed to merge package \`${key}\` into existing copy: ${e.message}`);
        }
        throw e;
      }
    }
  }

  /** The world as merged: the world of the same name already present, if any. */
  canonicalWorld(world: MWorld): MWorld {
    return this.packages.get(world.pkg)?.worlds.get(world.name) ?? world;
  }

  /** Interfaces whose types `iface` refers to (its `use`s). */
  private directDeps(ifaceKey: string): string[] {
    const iface = this.interfaces.get(ifaceKey);
    if (!iface) return [];
    const out = new Set<string>();
    for (const d of iface.types.values())
      if (d.kind === "alias" && d.target.owner !== ifaceKey) out.add(d.target.owner);
    return [...out];
  }

  private itemDeps(item: MItem): string[] {
    switch (item.kind) {
      case "interface":
      case "implements":
        return this.directDeps(item.id);
      case "inline": {
        const out = new Set<string>();
        for (const d of item.iface.types.values()) {
          if (d.kind === "alias" && d.target.owner !== item.iface.key) out.add(d.target.owner);
        }
        return [...out];
      }
      case "type":
        return item.def.kind === "alias" && !item.def.target.owner.startsWith("world:") ? [item.def.target.owner] : [];
      case "func":
        return [];
    }
  }

  private forEachDep(id: string, f: (id: string) => void, seen = new Set<string>()): void {
    if (seen.has(id)) return;
    seen.add(id);
    f(id);
    for (const d of this.directDeps(id)) this.forEachDep(d, f, seen);
  }

  private ensureNotExported(world: MWorld, id: string, seen = new Set<string>()): void {
    if (seen.has(id)) return;
    seen.add(id);
    if (world.exports.has(`i:${id}`)) {
      throw new DecodeError(
        `world exports \`${id}\` but it's also transitively used by an import which means that this is not valid`,
      );
    }
    for (const d of this.directDeps(id)) this.ensureNotExported(world, d, seen);
  }

  private mergeItem(from: MItem, into: MItem): void {
    if (
      (from.kind === "interface" && into.kind === "interface") ||
      (from.kind === "implements" && into.kind === "implements")
    ) {
      if (from.id !== into.id) throw new DecodeError("interfaces are not the same");
      return;
    }
    if (from.kind === "inline" && into.kind === "inline") {
      checkInterfaces(from.iface, into.iface);
      return;
    }
    if (from.kind === "func" && into.kind === "func") return checkFunctions(from.func, into.func);
    if (from.kind === "type" && into.kind === "type") return;
    throw new DecodeError("different kinds of items");
  }

  /** wit-parser's `Resolve::merge_worlds`: unions `from`'s imports and exports into `into`. */
  mergeWorlds(from: MWorld, into: MWorld): void {
    const name = (item: MItem) => (item.kind === "interface" ? item.id : item.name);
    const newImports: MItem[] = [];
    for (const [k, item] of from.imports) {
      const existing = into.imports.get(k);
      if (!existing) newImports.push(item);
      else {
        try {
          this.mergeItem(item, existing);
        } catch (e) {
          if (e instanceof DecodeError)
            throw new DecodeError(`failed to merge world import ${name(item)}: ${e.message}`);
          throw e;
        }
      }
    }
    const mustBeImported = new Map<string, string>();
    for (const [k, exp] of into.exports) {
      for (const dep of this.itemDeps(exp)) {
        if (into.exports.has(`i:${dep}`)) continue;
        this.forEachDep(dep, (id) => mustBeImported.set(id, k));
      }
    }
    const newExports: MItem[] = [];
    for (const [k, item] of from.exports) {
      const existing = into.exports.get(k);
      if (existing) {
        try {
          this.mergeItem(item, existing);
        } catch (e) {
          if (e instanceof DecodeError)
            throw new DecodeError(`failed to merge world export ${name(item)}: ${e.message}`);
          throw e;
        }
        continue;
      }
      try {
        for (const dep of this.itemDeps(item)) {
          if (into.exports.has(`i:${dep}`)) continue;
          this.ensureNotExported(into, dep);
        }
        if (item.kind === "interface") {
          const by = mustBeImported.get(item.id);
          if (by !== undefined) {
            throw new DecodeError(
              `export \`${by.slice(2)}\` depends on \`${item.id}\` previously as an import which will change meaning if \`${item.id}\` is added as an export`,
            );
          }
        }
      } catch (e) {
        if (e instanceof DecodeError) throw new DecodeError(`failed to add export \`${name(item)}\`: ${e.message}`);
        throw e;
      }
      newExports.push(item);
    }
    for (const item of newImports) into.imports.set(itemKey(item), cloneItem(item, from, into));
    for (const item of newExports) into.exports.set(itemKey(item), cloneItem(item, from, into));
  }
}
