/**
 * Resolution within one package: the ASTs of a package's files become an
 * `UnresolvedPackage` whose names are all bound, except the references to
 * other packages, which stay as placeholders (`foreignDeps`, interfaces and
 * worlds allocated first, types of kind `unknown`) until `Resolve.push`
 * connects them. Validation and error messages follow wit-parser.
 */
import type * as A from "../parser/ast.js";
import { versionToString } from "../parser/semver.js";
import { WitError } from "./errors.js";
import * as wellformed from "./wellformed.js";
import { toposort } from "./toposort.js";
import {
  noDocs,
  unknownStability,
  type Docs,
  type Function,
  type FunctionKind,
  type Interface,
  type InterfaceId,
  type PackageName,
  type Param,
  type Span,
  type Stability,
  type Type,
  type TypeDef,
  type TypeDefKind,
  type TypeId,
  type TypeOwner,
  type World,
  type WorldId,
  type WorldItem,
  type WorldKey,
  worldKeyString,
} from "./types.js";

export type AstItemRef = { kind: "interface"; id: InterfaceId } | { kind: "world"; id: WorldId };

export interface ForeignDep {
  item: AstItemRef;
  stabilities: Stability[];
}

export interface UnresolvedPackage {
  name: PackageName;
  docs: Docs;
  /** Foreign worlds first, then this package's worlds in dependency order. */
  worlds: World[];
  /** Foreign interfaces first, then this package's interfaces in dependency order. */
  interfaces: Interface[];
  /** Types of kind `unknown` (imported from other packages) first, then in topological order. */
  types: TypeDef[];
  foreignDeps: Map<string, { name: PackageName; items: Map<string, ForeignDep> }>;
  packageNameSpan: Span;
  unknownTypeSpans: Span[];
  foreignDepSpans: Span[];
  requiredResourceTypes: [TypeId, Span][];
}

export function packageNameKey(name: PackageName): string {
  return `${name.namespace}:${name.name}${name.version ? "@" + versionToString(name.version) : ""}`;
}

export function packageNameToString(name: PackageName): string {
  return packageNameKey(name);
}

/** Converts an AST package name, refusing the 🪺 nested-namespace form. */
export function astPackageName(p: A.PackageName): PackageName {
  const extra = p.extraNames[0] ?? p.extraPath[0];
  if (extra) {
    throw new WitError("nested namespaces and package paths (🪺) are not supported by the resolver", extra.span);
  }
  return { namespace: p.namespace.name, name: p.name.name, version: p.version?.version };
}

type TypeOrItem = { kind: "type"; id: TypeId } | { kind: "item"; what: string };
type Lookup = Map<string, { item: TypeOrItem; span: Span }>;

type PathVisitor = (
  owner: A.Ident | undefined,
  attributes: A.Attribute[],
  path: A.UsePath,
  names: A.Use["names"] | undefined,
  kind: "world" | "interface" | "unknown",
) => void;

/** Visits every path in a file in wit-parser's order (world imports before exports). */
function forEachPath(items: A.AstItem[], f: PathVisitor): void {
  for (const item of items) {
    switch (item.kind) {
      case "world": {
        const world = item.value;
        const imports: [A.ExternKind, A.Attribute[]][] = [];
        const exports: [A.ExternKind, A.Attribute[]][] = [];
        for (const wi of world.items) {
          if (wi.kind === "use") f(undefined, wi.value.attributes, wi.value.from, wi.value.names, "interface");
          else if (wi.kind === "include") f(world.name, wi.value.attributes, wi.value.from, undefined, "world");
          else if (wi.kind === "import") imports.push([wi.extern, wi.attributes]);
          else if (wi.kind === "export") exports.push([wi.extern, wi.attributes]);
        }
        for (const [kind, attrs] of [...imports, ...exports]) {
          if (kind.kind === "interface") {
            for (const ii of kind.items) {
              if (ii.kind === "use") f(undefined, ii.value.attributes, ii.value.from, ii.value.names, "interface");
            }
          } else if (kind.kind === "path" || kind.kind === "named-path") {
            f(undefined, attrs, kind.path, undefined, "interface");
          }
        }
        break;
      }
      case "interface":
        for (const ii of item.value.items) {
          if (ii.kind === "use") f(item.value.name, ii.value.attributes, ii.value.from, ii.value.names, "interface");
        }
        break;
      case "use":
        f(undefined, item.value.attributes, item.value.item, undefined, "unknown");
        break;
      case "package":
        forEachPath(item.value.items, f);
        break;
    }
  }
}

function usePathName(p: A.UsePath): A.Ident {
  return p.kind === "id" ? p.id : p.name;
}

function externSpan(k: A.ExternKind): Span {
  switch (k.kind) {
    case "interface":
    case "func":
    case "named-path":
      return k.name.span;
    case "path":
      return k.path.kind === "id" ? k.path.id.span : k.path.name.span;
  }
}

/** Turns the comments before an item into its documentation, as wit-parser does. */
export function docsFromComments(docs: A.Docs): Docs {
  const comments = docs.comments;
  if (comments.length === 0) return noDocs();
  // Each comment's text without its markers and trailing whitespace.
  const lines: string[] = new Array<string>(comments.length);
  let minIndent = Infinity;
  for (let i = 0; i < comments.length; i++) {
    const c = comments[i];
    let body: string;
    if (c.startsWith("/**")) body = c.slice(3, c.endsWith("*/") ? -2 : undefined);
    else {
      let slashes = 0;
      while (c.charCodeAt(slashes) === 0x2f) slashes++;
      body = c.slice(slashes);
    }
    const line = body.trimEnd();
    lines[i] = line;
    if (line === "") continue;
    let indent = 0;
    for (;;) {
      const ch = line.charCodeAt(indent);
      // \t \n \v \f \r and space
      if (ch === 0x20 || (ch >= 0x09 && ch <= 0x0d)) indent++;
      else break;
    }
    if (indent < minIndent) minIndent = indent;
  }
  if (minIndent === Infinity) minIndent = 0;
  const prefix = minIndent > 0 ? " ".repeat(minIndent) : "";
  let contents = "";
  for (let l of lines) {
    if (minIndent > 0 && l.startsWith(prefix)) l = l.slice(minIndent);
    if (l === "") contents += "\n";
    else if (!l.includes("\n")) contents += l + "\n";
    else for (const part of l.split(/\r?\n/)) contents += part + "\n";
  }
  let end = contents.length;
  while (end > 0 && contents.charCodeAt(end - 1) === 0x0a) end--;
  return { contents: contents.slice(0, end) };
}

function typeKey(t: Type | undefined): string {
  return t === undefined ? "_" : typeof t === "number" ? `#${t}` : t;
}

/**
 * The key under which an anonymous type is interned, so that structurally
 * equal ones share an id (`typeKey` names the types it refers to). The
 * resolver and the decoder (which builds unresolved packages from binaries)
 * intern with the same keys. An alias and an owned handle are not interned:
 * they stand for their target.
 */
export function anonTypeKey(k: TypeDefKind): string {
  switch (k.kind) {
    case "handle":
      return `${k.handle}(${k.resource})`;
    case "variant":
      return `variant(${k.cases.map((c) => `${c.name}:${typeKey(c.type)}`).join(",")})`;
    case "record":
      return `record(${k.fields.map((f) => `${f.name}:${typeKey(f.type)}`).join(",")})`;
    case "flags":
      return `flags(${k.flags.map((f) => f.name).join(",")})`;
    case "enum":
      return `enum(${k.cases.map((c) => c.name).join(",")})`;
    case "tuple":
      return `tuple(${k.types.map(typeKey).join(",")})`;
    case "list":
    case "option":
    case "future":
    case "stream":
      return `${k.kind}(${typeKey(k.type)})`;
    case "fixed-length-list":
      return `fixed(${typeKey(k.type)},${k.size})`;
    case "map":
      return `map(${typeKey(k.key)},${typeKey(k.value)})`;
    case "result":
      return `result(${typeKey(k.ok)},${typeKey(k.err)})`;
    default:
      throw new Error(`unexpected anonymous ${k.kind}`);
  }
}

/** Resolves the files of one package (pushed in path order) into an `UnresolvedPackage`. */
export class PackageResolver {
  private packageName: { name: PackageName; span: Span } | undefined;
  private packageDocs: Docs = noDocs();
  private declLists: A.AstItem[][] = [];

  private types: TypeDef[] = [];
  private interfaces: Interface[] = [];
  private worlds: World[] = [];
  private anonTypes = new Map<string, TypeId>();
  private curAst = 0;
  private astItems: Map<string, AstItemRef>[] = [];
  private packageItems = new Map<string, AstItemRef>();
  private interfaceTypes: Lookup[] = [];
  private foreignDeps = new Map<string, { name: PackageName; items: Map<string, ForeignDep> }>();
  private foreignInterfaces = new Set<InterfaceId>();
  private typeLookup: Lookup = new Map();
  private unknownTypeSpans: Span[] = [];
  private foreignDepSpans: Span[] = [];
  private requiredResourceTypes: [TypeId, Span][] = [];

  push(file: A.PackageFile): void {
    if (file.packageId) {
      const cur = astPackageName(file.packageId);
      if (this.packageName && packageNameKey(cur) !== packageNameKey(this.packageName.name)) {
        throw new WitError(
          `package identifier \`${packageNameKey(cur)}\` does not match previous package name of \`${packageNameKey(this.packageName.name)}\``,
          file.packageId.span,
        );
      }
      this.packageName = { name: cur, span: file.packageId.span };
      const docs = docsFromComments(file.packageId.docs);
      if (docs.contents !== undefined) {
        if (this.packageDocs.contents !== undefined) {
          throw new WitError("found doc comments on multiple 'package' items", file.packageId.docs.span);
        }
        this.packageDocs = docs;
      }
    }
    for (const item of file.items) {
      if (item.kind === "package") {
        throw new WitError("nested packages must be placed at the top-level", item.value.packageId!.span);
      }
    }
    this.declLists.push(file.items);
  }

  resolve(): UnresolvedPackage {
    if (!this.packageName) {
      throw new WitError("no `package` header was found in any WIT file for this package");
    }
    const declLists = this.declLists;
    this.populateForeignDeps(declLists);
    const [ifaceOrder, worldOrder] = this.populateAstItems(declLists);
    this.populateForeignTypes(declLists);

    const ifaceAst = new Map<InterfaceId, [A.Interface, number]>();
    const worldAst = new Map<WorldId, [A.World, number]>();
    declLists.forEach((items, i) => {
      for (const item of items) {
        if (item.kind === "interface") ifaceAst.set(this.astItems[i].get(item.value.name.name)!.id, [item.value, i]);
        else if (item.kind === "world") worldAst.set(this.astItems[i].get(item.value.name.name)!.id, [item.value, i]);
      }
    });
    for (const id of ifaceOrder) {
      const [iface, i] = ifaceAst.get(id)!;
      this.curAst = i;
      this.resolveInterface(id, iface.items, iface.docs, iface.attributes);
    }
    for (const id of worldOrder) {
      const [world, i] = worldAst.get(id)!;
      this.curAst = i;
      this.resolveWorld(id, world);
    }
    return {
      name: this.packageName.name,
      docs: this.packageDocs,
      worlds: this.worlds,
      interfaces: this.interfaces,
      types: this.types,
      foreignDeps: this.foreignDeps,
      packageNameSpan: this.packageName.span,
      unknownTypeSpans: this.unknownTypeSpans,
      foreignDepSpans: this.foreignDepSpans,
      requiredResourceTypes: this.requiredResourceTypes,
    };
  }

  private populateForeignDeps(declLists: A.AstItem[][]): void {
    for (const items of declLists) {
      forEachPath(items, (_owner, attrs, path, _names, kind) => {
        if (path.kind !== "package") return;
        const stability = this.stability(attrs);
        const pkgName = astPackageName(path.package);
        const key = packageNameKey(pkgName);
        let deps = this.foreignDeps.get(key);
        if (!deps) {
          this.foreignDepSpans.push(path.package.span);
          deps = { name: pkgName, items: new Map() };
          this.foreignDeps.set(key, deps);
        }
        let dep = deps.items.get(path.name.name);
        if (!dep) {
          const item: AstItemRef =
            kind === "world"
              ? { kind: "world", id: this.allocWorld(path.name.span) }
              : { kind: "interface", id: this.allocInterface(path.name.span) };
          dep = { item, stabilities: [] };
          deps.items.set(path.name.name, dep);
        }
        dep.stabilities.push(stability);
        if (dep.item.kind === "interface") this.foreignInterfaces.add(dep.item.id);
      });
    }
  }

  private allocInterface(span: Span): InterfaceId {
    this.interfaceTypes.push(new Map());
    this.interfaces.push({
      name: undefined,
      types: new Map(),
      docs: noDocs(),
      stability: unknownStability,
      functions: new Map(),
      package: undefined,
      span,
      cloneOf: undefined,
    });
    return this.interfaces.length - 1;
  }

  private allocWorld(span: Span): WorldId {
    this.worlds.push({
      name: "",
      docs: noDocs(),
      exports: new Map(),
      imports: new Map(),
      package: undefined,
      includes: [],
      stability: unknownStability,
      span,
    });
    return this.worlds.length - 1;
  }

  private populateAstItems(declLists: A.AstItem[][]): [InterfaceId[], WorldId[]] {
    const packageItems = new Map<string, Span>();
    const names = new Map<string, A.AstItem>();
    const order = new Map<string, A.Ident[]>();
    for (const items of declLists) {
      for (const item of items) {
        if (item.kind !== "interface" && item.kind !== "world") continue;
        const name = item.value.name;
        if (packageItems.has(name.name)) throw new WitError(`duplicate item named \`${name.name}\``, name.span);
        packageItems.set(name.name, name.span);
        order.set(name.name, []);
        names.set(name.name, item);
      }
    }
    wellformed.requireUniqueNames(
      [...packageItems].map(([name, span]) => ({ name, span })),
      wellformed.caseInsensitiveConflict,
    );

    for (const items of declLists) {
      const ns = new Map<string, A.Ident | "foreign">();
      for (const item of items) {
        let name: A.Ident;
        let src: A.Ident | "foreign";
        if (item.kind === "use") {
          name = item.value.as ?? usePathName(item.value.item);
          src = item.value.item.kind === "id" ? item.value.item.id : "foreign";
        } else if (item.kind === "interface" || item.kind === "world") {
          name = item.value.name;
          src = item.value.name;
        } else continue;
        if (ns.has(name.name)) throw new WitError(`duplicate name \`${name.name}\` in this file`, name.span);
        ns.set(name.name, src);
      }
      forEachPath(items, (owner, _attrs, path) => {
        if (!owner || path.kind !== "id") return;
        const used = path.id;
        const local = ns.get(used.name);
        if (local === "foreign") return;
        if (local) order.get(owner.name)!.push(local);
        else if (packageItems.has(used.name)) order.get(owner.name)!.push(used);
        else throw new WitError(`interface or world \`${used.name}\` does not exist`, used.span);
      });
    }

    const sorted = toposort("interface or world", order);
    const ids = new Map<string, AstItemRef>();
    const ifaceOrder: InterfaceId[] = [];
    const worldOrder: WorldId[] = [];
    for (const name of sorted) {
      const item = names.get(name)!;
      if (item.kind === "interface") {
        const id = this.allocInterface(packageItems.get(name)!);
        this.interfaces[id].name = name;
        ids.set(name, { kind: "interface", id });
        ifaceOrder.push(id);
      } else {
        const id = this.allocWorld(packageItems.get(name)!);
        this.worlds[id].name = name;
        ids.set(name, { kind: "world", id });
        worldOrder.push(id);
      }
    }
    for (const items of declLists) {
      const map = new Map<string, AstItemRef>();
      for (const item of items) {
        if (item.kind === "use") {
          const u = item.value;
          if (u.attributes.length) throw new WitError("attributes not allowed on top-level use", u.span);
          const name = u.as ?? usePathName(u.item);
          let ref: AstItemRef;
          if (u.item.kind === "id") {
            const found = ids.get(u.item.id.name);
            if (!found) throw new WitError(`interface or world \`${u.item.id.name}\` does not exist`, u.item.id.span);
            ref = found;
          } else {
            ref = this.foreignDeps
              .get(packageNameKey(astPackageName(u.item.package)))!
              .items.get(u.item.name.name)!.item;
          }
          map.set(name.name, ref);
        } else if (item.kind === "interface" || item.kind === "world") {
          const ref = ids.get(item.value.name.name)!;
          map.set(item.value.name.name, ref);
          this.packageItems.set(item.value.name.name, ref);
        }
      }
      this.astItems.push(map);
    }
    return [ifaceOrder, worldOrder];
  }

  private populateForeignTypes(declLists: A.AstItem[][]): void {
    declLists.forEach((items, i) => {
      this.curAst = i;
      forEachPath(items, (_owner, attrs, path, names) => {
        if (!names) return;
        const stability = this.stability(attrs);
        const externalId = this.externalId(attrs);
        const [item, name, span] = this.resolveAstItemPath(path);
        const iface = this.ifaceFromItem(item, name, span);
        if (!this.foreignInterfaces.has(iface)) return;
        const lookup = this.interfaceTypes[iface];
        for (const n of names) {
          if (lookup.has(n.name.name)) continue;
          this.types.push({
            docs: noDocs(),
            stability,
            kind: { kind: "unknown" },
            name: n.name.name,
            owner: { kind: "interface", id: iface },
            span: n.name.span,
            externalId,
          });
          const id = this.types.length - 1;
          this.unknownTypeSpans.push(n.name.span);
          lookup.set(n.name.name, { item: { kind: "type", id }, span: n.name.span });
          this.interfaces[iface].types.set(n.name.name, id);
        }
      });
    });
  }

  private resolveWorld(worldId: WorldId, world: A.World): void {
    const w = this.worlds[worldId];
    w.docs = docsFromComments(world.docs);
    w.stability = this.stability(world.attributes);
    const typeItems: ({ kind: "use"; value: A.Use } | { kind: "def"; value: A.TypeDef })[] = [];
    for (const item of world.items) {
      if (item.kind === "use") typeItems.push({ kind: "use", value: item.value });
      else if (item.kind === "typedef") typeItems.push({ kind: "def", value: item.value });
    }
    this.resolveTypes({ kind: "world", id: worldId }, typeItems);
    for (const item of world.items) {
      if (item.kind === "include") this.resolveInclude(worldId, item.value);
    }
    for (const [name, { item, span }] of this.typeLookup) {
      const key = worldKeyString({ kind: "name", name });
      if (w.imports.has(key)) throw new WitError(`import \`${name}\` conflicts with prior import of same name`, span);
      w.imports.set(key, {
        key: { kind: "name", name },
        item: { kind: "type", id: (item as { id: TypeId }).id, span },
      });
    }

    const imported = new Set<InterfaceId>();
    const exported = new Set<InterfaceId>();
    for (const item of world.items) {
      if (item.kind === "typedef" && item.value.type.kind === "resource") {
        for (const f of item.value.type.funcs) {
          const func = this.resolveResourceFunc(f, item.value.name);
          w.imports.set(worldKeyString({ kind: "name", name: func.name }), {
            key: { kind: "name", name: func.name },
            item: { kind: "function", func },
          });
        }
        continue;
      }
      if (item.kind !== "import" && item.kind !== "export") continue;
      const desc = item.kind;
      const worldItem = this.resolveWorldItem(item.docs, item.attributes, item.extern);
      const kind = item.extern;
      let key: WorldKey;
      if (kind.kind === "interface" || kind.kind === "named-path") key = { kind: "name", name: kind.name.name };
      else if (kind.kind === "func") key = { kind: "name", name: (worldItem as { func: Function }).func.name };
      else {
        const [ref, name, span] = this.resolveAstItemPath(kind.path);
        key = { kind: "interface", id: this.ifaceFromItem(ref, name, span) };
      }
      if (key.kind === "interface") {
        const seen = desc === "import" ? imported : exported;
        if (seen.has(key.id)) throw new WitError(`interface cannot be ${desc}ed more than once`, externSpan(kind));
        seen.add(key.id);
      }
      const dst = desc === "import" ? w.imports : w.exports;
      const k = worldKeyString(key);
      const prev = dst.get(k);
      dst.set(k, { key, item: worldItem });
      if (prev) {
        const what = prev.item.kind === "interface" ? "interface" : prev.item.kind === "function" ? "func" : "type";
        const name = (key as { name: string }).name;
        throw new WitError(`${desc} \`${name}\` conflicts with prior ${what} of same name`, externSpan(kind));
      }
    }
    this.typeLookup = new Map();
  }

  private resolveWorldItem(docs: A.Docs, attrs: A.Attribute[], kind: A.ExternKind): WorldItem {
    switch (kind.kind) {
      case "interface": {
        const prev = this.typeLookup;
        this.typeLookup = new Map();
        const id = this.allocInterface(kind.name.span);
        this.resolveInterface(id, kind.items, docs, attrs);
        this.typeLookup = prev;
        return {
          kind: "interface",
          id,
          stability: this.interfaces[id].stability,
          docs: noDocs(),
          span: kind.name.span,
          externalId: this.externalId(attrs),
        };
      }
      case "path":
      case "named-path": {
        const stability = this.stability(attrs);
        const externalId = this.externalId(attrs);
        const d = docsFromComments(docs);
        const [ref, name, span] = this.resolveAstItemPath(kind.path);
        const id = this.ifaceFromItem(ref, name, span);
        return {
          kind: "interface",
          id,
          stability,
          externalId,
          docs: d,
          span: kind.kind === "path" ? span : kind.name.span,
        };
      }
      case "func": {
        const func = this.resolveFunction(docs, attrs, kind.name.name, kind.name.span, kind.func, {
          kind: kind.func.async ? "async-freestanding" : "freestanding",
        });
        return { kind: "function", func };
      }
    }
  }

  private resolveInterface(id: InterfaceId, items: A.InterfaceItem[], docs: A.Docs, attrs: A.Attribute[]): void {
    const iface = this.interfaces[id];
    iface.docs = docsFromComments(docs);
    iface.stability = this.stability(attrs);
    const typeItems: ({ kind: "use"; value: A.Use } | { kind: "def"; value: A.TypeDef })[] = [];
    for (const item of items) {
      if (item.kind === "use") typeItems.push({ kind: "use", value: item.value });
      else if (item.kind === "typedef") typeItems.push({ kind: "def", value: item.value });
    }
    this.resolveTypes({ kind: "interface", id }, typeItems);
    for (const [name, { item }] of this.typeLookup) iface.types.set(name, (item as { id: TypeId }).id);

    const funcs: Function[] = [];
    for (const item of items) {
      if (item.kind === "func") {
        const f = item.value;
        this.defineName(f.name, { kind: "item", what: "function" });
        funcs.push(
          this.resolveFunction(f.docs, f.attributes, f.name.name, f.name.span, f.func, {
            kind: f.func.async ? "async-freestanding" : "freestanding",
          }),
        );
      } else if (item.kind === "typedef" && item.value.type.kind === "resource") {
        for (const rf of item.value.type.funcs) funcs.push(this.resolveResourceFunc(rf, item.value.name));
      }
    }
    for (const f of funcs) iface.functions.set(f.name, f);
    wellformed.requireUniqueNames(
      [...this.typeLookup].map(([name, { span }]) => ({ name, span })),
      wellformed.caseInsensitiveConflict,
    );
    this.interfaceTypes[id] = this.typeLookup;
    this.typeLookup = new Map();
  }

  private resolveTypes(
    owner: TypeOwner,
    items: ({ kind: "use"; value: A.Use } | { kind: "def"; value: A.TypeDef })[],
  ): void {
    for (const item of items) if (item.kind === "use") this.resolveUse(owner, item.value);
    const deps = new Map<string, A.Ident[]>();
    const defs = new Map<string, A.TypeDef | undefined>();
    for (const item of items) {
      if (item.kind === "def") {
        const t = item.value;
        if (defs.has(t.name.name)) throw new WitError(`name \`${t.name.name}\` is defined more than once`, t.name.span);
        defs.set(t.name.name, t);
        const d: A.Ident[] = [];
        collectDeps(t.type, d);
        deps.set(t.name.name, d);
      } else {
        for (const n of item.value.names) {
          const name = n.as ?? n.name;
          deps.set(name.name, []);
          defs.set(name.name, undefined);
        }
      }
    }
    let order: string[];
    try {
      order = toposort("type", deps);
    } catch (e) {
      if (e instanceof WitError) {
        const renamed = /^type `(float32|float64)` does not exist$/.exec(e.message);
        if (renamed) {
          const now = renamed[1] === "float32" ? "f32" : "f64";
          throw new WitError(
            `${e.message}\nthe \`${renamed[1]}\` type has been renamed to \`${now}\` and is no longer accepted, but the \`WIT_REQUIRE_F32_F64=0\` environment variable can be used to temporarily disable this error`,
            e.span,
          );
        }
      }
      throw e;
    }
    for (const name of order) {
      const def = defs.get(name);
      defs.delete(name);
      if (!def) continue;
      const docs = docsFromComments(def.docs);
      const stability = this.stability(def.attributes);
      const externalId = this.externalId(def.attributes);
      const kind = this.resolveTypeDef(def.type, stability);
      this.types.push({ docs, stability, kind, name: def.name.name, owner, span: def.name.span, externalId });
      this.defineName(def.name, { kind: "type", id: this.types.length - 1 });
    }
  }

  private resolveUse(owner: TypeOwner, u: A.Use): void {
    const [ref, name, span] = this.resolveAstItemPath(u.from);
    const from = this.ifaceFromItem(ref, name, span);
    const stability = this.stability(u.attributes);
    const externalId = this.externalId(u.attributes);
    for (const n of u.names) {
      const found = this.interfaceTypes[from].get(n.name.name);
      if (!found) throw new WitError(`name \`${n.name.name}\` does not exist`, n.name.span);
      if (found.item.kind === "item") {
        throw new WitError(`cannot import ${found.item.what} \`${n.name.name}\``, n.name.span);
      }
      const local = n.as ?? n.name;
      this.types.push({
        docs: noDocs(),
        stability,
        kind: { kind: "type", type: found.item.id },
        name: local.name,
        owner,
        span: n.name.span,
        externalId,
      });
      this.defineName(local, { kind: "type", id: this.types.length - 1 });
    }
  }

  private resolveInclude(worldId: WorldId, inc: A.Include): void {
    const stability = this.stability(inc.attributes);
    const [ref, name, span] = this.resolveAstItemPath(inc.from);
    if (ref.kind !== "world") throw new WitError(`name \`${name}\` is defined as an interface, not a world`, span);
    this.worlds[worldId].includes.push({
      stability,
      id: ref.id,
      names: inc.names.map((n) => ({ name: n.name.name, as: n.as.name })),
      span,
    });
  }

  private resolveResourceFunc(rf: A.ResourceFunc, resource: A.Ident): Function {
    const found = this.typeLookup.get(resource.name);
    if (!found || found.item.kind !== "type") throw new Error("type lookup for resource failed");
    const resourceId = found.item.id;
    const f = rf.func;
    let name: string;
    let kind: FunctionKind;
    switch (rf.kind) {
      case "method":
        name = `[method]${resource.name}.${f.name.name}`;
        kind = { kind: f.func.async ? "async-method" : "method", resource: resourceId };
        break;
      case "static":
        name = `[static]${resource.name}.${f.name.name}`;
        kind = { kind: f.func.async ? "async-static" : "static", resource: resourceId };
        break;
      case "constructor":
        name = `[constructor]${resource.name}`;
        kind = { kind: "constructor", resource: resourceId };
        break;
    }
    return this.resolveFunction(f.docs, f.attributes, name, f.name.span, f.func, kind);
  }

  private resolveFunction(
    docs: A.Docs,
    attrs: A.Attribute[],
    name: string,
    nameSpan: Span,
    func: A.Func,
    kind: FunctionKind,
  ): Function {
    const d = docsFromComments(docs);
    const stability = this.stability(attrs);
    const externalId = this.externalId(attrs);
    const params = this.resolveParams(func.params, kind, func.span);
    const result = this.resolveResult(func.result, kind);
    return { docs: d, stability, name, kind, params, result, span: nameSpan, externalId };
  }

  private resolveAstItemPath(path: A.UsePath): [AstItemRef, string, Span] {
    if (path.kind === "id") {
      const item = this.astItems[this.curAst].get(path.id.name) ?? this.packageItems.get(path.id.name);
      if (!item) throw new WitError(`interface or world \`${path.id.name}\` does not exist`, path.id.span);
      return [item, path.id.name, path.id.span];
    }
    const dep = this.foreignDeps.get(packageNameKey(astPackageName(path.package)))!.items.get(path.name.name)!;
    return [dep.item, path.name.name, path.name.span];
  }

  private ifaceFromItem(item: AstItemRef, name: string, span: Span): InterfaceId {
    if (item.kind === "world") throw new WitError(`name \`${name}\` is defined as a world, not an interface`, span);
    return item.id;
  }

  private defineName(name: A.Ident, item: TypeOrItem): void {
    if (this.typeLookup.has(name.name))
      throw new WitError(`name \`${name.name}\` is defined more than once`, name.span);
    this.typeLookup.set(name.name, { item, span: name.span });
  }

  private resolveTypeDef(ty: A.AstType, stability: Stability): TypeDefKind {
    switch (ty.kind) {
      case "primitive":
        return { kind: "type", type: ty.name };
      case "name":
        return { kind: "type", type: this.resolveTypeName(ty.id) };
      case "list":
        return { kind: "list", type: this.resolveType(ty.element, stability) };
      case "map": {
        const key = this.resolveType(ty.key, stability);
        const value = this.resolveType(ty.value, stability);
        if (typeof key === "number" || key === "f32" || key === "f64" || key === "error-context") {
          throw new WitError(
            "invalid map key type: map keys must be bool, u8, u16, u32, u64, s8, s16, s32, s64, char, or string",
            ty.span,
          );
        }
        return { kind: "map", key, value };
      }
      case "fixed-length-list":
        return { kind: "fixed-length-list", type: this.resolveType(ty.element, stability), size: ty.size };
      case "handle":
        return { kind: "handle", handle: ty.handle, resource: this.validateResource(ty.resource) };
      case "resource": {
        let ctors = 0;
        const names = new Set<string>();
        for (const f of ty.funcs) {
          if (f.kind === "constructor") {
            if (++ctors > 1) throw new WitError("duplicate constructors", f.func.name.span);
          } else {
            if (names.has(f.func.name.name)) {
              throw new WitError(`duplicate function name \`${f.func.name.name}\``, f.func.name.span);
            }
            names.add(f.func.name.name);
          }
        }
        wellformed.requireUniqueNames(
          ty.funcs.filter((f) => f.kind !== "constructor").map((f) => f.func.name),
          wellformed.caseInsensitiveConflict,
        );
        return { kind: "resource" };
      }
      case "record":
        wellformed.requireUniqueNames(
          ty.fields.map((f) => f.name),
          wellformed.recordFieldConflict,
        );
        return {
          kind: "record",
          fields: ty.fields.map((f) => ({
            docs: docsFromComments(f.docs),
            name: f.name.name,
            type: this.resolveType(f.type, stability),
            span: f.name.span,
          })),
        };
      case "flags":
        wellformed.requireUniqueNames(
          ty.flags.map((f) => f.name),
          wellformed.flagConflict,
        );
        return {
          kind: "flags",
          flags: ty.flags.map((f) => ({ docs: docsFromComments(f.docs), name: f.name.name, span: f.name.span })),
        };
      case "tuple":
        return { kind: "tuple", types: ty.types.map((t) => this.resolveType(t, stability)) };
      case "variant":
        if (ty.cases.length === 0) throw new WitError("empty variant", ty.span);
        wellformed.requireUniqueNames(
          ty.cases.map((c) => c.name),
          wellformed.variantCaseConflict,
        );
        return {
          kind: "variant",
          cases: ty.cases.map((c) => ({
            docs: docsFromComments(c.docs),
            name: c.name.name,
            type: c.type ? this.resolveType(c.type, stability) : undefined,
            span: c.name.span,
          })),
        };
      case "enum":
        if (ty.cases.length === 0) throw new WitError("empty enum", ty.span);
        wellformed.requireUniqueNames(
          ty.cases.map((c) => c.name),
          wellformed.enumCaseConflict,
        );
        return {
          kind: "enum",
          cases: ty.cases.map((c) => ({ docs: docsFromComments(c.docs), name: c.name.name, span: c.name.span })),
        };
      case "option":
        return { kind: "option", type: this.resolveType(ty.type, stability) };
      case "result":
        return {
          kind: "result",
          ok: ty.ok ? this.resolveType(ty.ok, stability) : undefined,
          err: ty.err ? this.resolveType(ty.err, stability) : undefined,
        };
      case "future":
      case "stream":
        return { kind: ty.kind, type: ty.type ? this.resolveType(ty.type, stability) : undefined };
    }
  }

  private resolveTypeName(name: A.Ident): TypeId {
    const found = this.typeLookup.get(name.name);
    if (!found) throw new WitError(`name \`${name.name}\` does not exist`, name.span);
    if (found.item.kind === "item")
      throw new WitError(`cannot use ${found.item.what} \`${name.name}\` as a type`, name.span);
    return found.item.id;
  }

  private validateResource(name: A.Ident): TypeId {
    const id = this.resolveTypeName(name);
    let cur = id;
    for (;;) {
      const kind = this.types[cur].kind;
      if (kind.kind === "resource") return id;
      if (kind.kind === "type" && typeof kind.type === "number") cur = kind.type;
      else if (kind.kind === "unknown") {
        this.requiredResourceTypes.push([cur, name.span]);
        return id;
      } else throw new WitError(`type \`${name.name}\` used in a handle must be a resource`, name.span);
    }
  }

  /** An anonymous type inherits the stability of the first gated type it mentions. */
  private findStability(kind: TypeDefKind, stability: Stability): Stability {
    if (stability.kind !== "unknown") return stability;
    const inType = (t: Type | undefined): Stability | undefined => {
      if (typeof t !== "number") return undefined;
      const s = this.types[t].stability;
      return s.kind === "unknown" ? undefined : s;
    };
    let found: Stability | undefined;
    switch (kind.kind) {
      case "type":
      case "list":
      case "fixed-length-list":
      case "option":
      case "future":
      case "stream":
        found = inType(kind.type);
        break;
      case "handle":
        found = inType(kind.resource);
        break;
      case "tuple":
        for (const t of kind.types) if ((found = inType(t))) break;
        break;
      case "map":
        found = inType(kind.key) ?? inType(kind.value);
        break;
      case "result":
        found = inType(kind.ok) ?? inType(kind.err);
        break;
    }
    return found ?? unknownStability;
  }

  private resolveType(ty: A.AstType, stability: Stability): Type {
    // What `anonTypeDef` would make of a primitive or a named type, without building its definition.
    if (ty.kind === "primitive") return ty.name;
    if (ty.kind === "name") return this.resolveTypeName(ty.id);
    const kind = this.resolveTypeDef(ty, stability);
    return this.anonTypeDef(kind, () => ({
      kind,
      name: undefined,
      docs: noDocs(),
      stability: this.findStability(kind, stability),
      owner: { kind: "none" },
      span: ty.span,
      externalId: undefined,
    }));
  }

  /**
   * Interns an anonymous type of kind `k` so that structurally equal ones
   * share an id; `make` builds its definition when it is the first.
   */
  private anonTypeDef(k: TypeDefKind, make: () => TypeDef): Type {
    if (k.kind === "type") return k.type;
    if (k.kind === "handle" && k.handle === "own") return k.resource;
    const key = anonTypeKey(k);
    let id = this.anonTypes.get(key);
    if (id === undefined) {
      this.types.push(make());
      id = this.types.length - 1;
      this.anonTypes.set(key, id);
    }
    return id;
  }

  stability(attrs: A.Attribute[]): Stability {
    let since: (A.Attribute & { kind: "since" }) | undefined;
    let deprecated: (A.Attribute & { kind: "deprecated" }) | undefined;
    let unstable: (A.Attribute & { kind: "unstable" }) | undefined;
    for (const a of attrs) {
      if (a.kind === "since") {
        if (since) throw new WitError("cannot specify @since twice", a.span);
        since = a;
      } else if (a.kind === "deprecated") {
        if (deprecated) throw new WitError("cannot specify @deprecated twice", a.span);
        deprecated = a;
      } else if (a.kind === "unstable") {
        if (unstable) throw new WitError("cannot specify @unstable twice", a.span);
        unstable = a;
      }
    }
    if (since && unstable) throw new WitError("cannot specify both @since and @unstable", since.span);
    if (since) return { kind: "stable", since: since.version, deprecated: deprecated?.version };
    if (unstable) return { kind: "unstable", feature: unstable.feature.name, deprecated: deprecated?.version };
    if (deprecated) {
      throw new WitError("cannot specify both @deprecated without @since or @unstable", deprecated.span);
    }
    return unknownStability;
  }

  private externalId(attrs: A.Attribute[]): string | undefined {
    let id: string | undefined;
    for (const a of attrs) {
      if (a.kind !== "external-id") continue;
      if (id !== undefined) throw new WitError("cannot specify @external-id twice", a.span);
      id = a.id;
    }
    return id;
  }

  private resolveParams(params: A.Func["params"], kind: FunctionKind, span: Span): Param[] {
    const out: Param[] = [];
    if (kind.kind === "method" || kind.kind === "async-method") {
      const handle: TypeDefKind = { kind: "handle", handle: "borrow", resource: kind.resource };
      const shared = this.anonTypeDef(handle, () => ({
        docs: noDocs(),
        stability: this.findStability(handle, unknownStability),
        kind: handle,
        name: undefined,
        owner: { kind: "none" },
        span,
        externalId: undefined,
      }));
      out.push({ name: "self", type: shared, span });
    }
    for (const p of params) {
      if (out.some((q) => q.name === p.name.name)) {
        throw new WitError(`param \`${p.name.name}\` is defined more than once`, p.name.span);
      }
      out.push({ name: p.name.name, type: this.resolveType(p.type, unknownStability), span: p.name.span });
    }
    // One parameter (or none) cannot conflict.
    if (out.length > 1) wellformed.requireUniqueNames(out, wellformed.paramConflict);
    return out;
  }

  private resolveResult(result: A.AstType | undefined, kind: FunctionKind): Type | undefined {
    if (kind.kind !== "constructor") return result ? this.resolveType(result, unknownStability) : undefined;
    if (!result) return kind.resource;
    const resolved = this.resolveType(result, unknownStability);
    const def = typeof resolved === "number" ? this.types[resolved].kind : undefined;
    if (!def || def.kind !== "result") {
      throw new WitError("if a constructor return type is declared it must be a `result`", result.span);
    }
    if (def.ok !== kind.resource) {
      const span = result.kind === "result" && result.ok ? result.ok.span : result.span;
      throw new WitError("the `ok` type must be the resource being constructed", span);
    }
    return resolved;
  }
}

function collectDeps(ty: A.AstType, deps: A.Ident[]): void {
  switch (ty.kind) {
    case "name":
      deps.push(ty.id);
      break;
    case "handle":
      deps.push(ty.resource);
      break;
    case "record":
      for (const f of ty.fields) collectDeps(f.type, deps);
      break;
    case "tuple":
      for (const t of ty.types) collectDeps(t, deps);
      break;
    case "variant":
      for (const c of ty.cases) if (c.type) collectDeps(c.type, deps);
      break;
    case "option":
      collectDeps(ty.type, deps);
      break;
    case "list":
    case "fixed-length-list":
      collectDeps(ty.element, deps);
      break;
    case "map":
      collectDeps(ty.key, deps);
      collectDeps(ty.value, deps);
      break;
    case "result":
      if (ty.ok) collectDeps(ty.ok, deps);
      if (ty.err) collectDeps(ty.err, deps);
      break;
    case "future":
    case "stream":
      if (ty.type) collectDeps(ty.type, deps);
      break;
  }
}
