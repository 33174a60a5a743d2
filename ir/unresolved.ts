/**
 * Resolution within one package: the ASTs of a package's files become an
 * `UnresolvedPackage` whose names are all bound, except the references to
 * other packages, which stay as placeholders (`foreignDeps`, interfaces and
 * worlds allocated first, types of kind `unknown`) until `Resolve.push`
 * connects them. Validation and error messages follow wit-parser.
 */
import type * as A from "../parser/ast.js";
import { versionsEqual, versionToString, type Version } from "../parser/semver.js";
import { WitError } from "./errors.js";
import * as wellformed from "./wellformed.js";
import { toposort } from "./toposort.js";
import {
  NO_OWNER,
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
    throw new WitError("nested namespaces and package paths (🪺) are not supported by the resolver", extra);
  }
  return { namespace: p.namespace.name, name: p.name.name, version: p.version?.version };
}

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
        for (const wi of world.items) {
          if (wi.kind === "use") f(undefined, wi.value.attributes, wi.value.from, wi.value.names, "interface");
          else if (wi.kind === "include") f(world.name, wi.value.attributes, wi.value.from, undefined, "world");
        }
        for (const wi of world.items) if (wi.kind === "import") forEachExternPath(wi.extern, wi.attributes, f);
        for (const wi of world.items) if (wi.kind === "export") forEachExternPath(wi.extern, wi.attributes, f);
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

function forEachExternPath(kind: A.ExternKind, attrs: A.Attribute[], f: PathVisitor): void {
  if (kind.kind === "interface") {
    for (const ii of kind.items) {
      if (ii.kind === "use") f(undefined, ii.value.attributes, ii.value.from, ii.value.names, "interface");
    }
  } else if (kind.kind === "path" || kind.kind === "named-path") {
    f(undefined, attrs, kind.path, undefined, "interface");
  }
}

function usePathName(p: A.UsePath): A.Ident {
  return p.kind === "id" ? p.id : p.name;
}

/** Whether two package names of paths (the first already checked by `astPackageName`) name one package. */
function samePackageName(a: A.PackageName, b: A.PackageName): boolean {
  if (b.extraNames.length || b.extraPath.length) return false;
  if (a.namespace.name !== b.namespace.name || a.name.name !== b.name.name) return false;
  return versionsEqual(a.version?.version, b.version?.version);
}

/**
 * A copy of an identifier's offsets, for a span the IR keeps: identifiers
 * are their own spans in the AST, but the IR's spans hold offsets only.
 */
function spanOf(id: A.Ident): Span {
  return { start: id.start, end: id.end };
}

function externSpan(k: A.ExternKind): Span {
  switch (k.kind) {
    case "interface":
    case "func":
    case "named-path":
      return k.name;
    case "path":
      return k.path.kind === "id" ? k.path.id : k.path.name;
  }
}

/** Bounds of each comment's text in `docsFromComments`, reused from call to call. */
const docStarts: number[] = [];
const docEnds: number[] = [];

/** Turns the comments before an item into its documentation, as wit-parser does. */
export function docsFromComments(docs: A.Docs): Docs {
  const comments = docs.comments;
  const n = comments.length;
  if (n === 0) return noDocs();
  // Each comment's text without its markers and trailing whitespace, as bounds in the comment.
  let minIndent = Infinity;
  for (let i = 0; i < n; i++) {
    const c = comments[i];
    let start: number;
    let end = c.length;
    if (c.charCodeAt(0) === 0x2f && c.charCodeAt(1) === 0x2a && c.charCodeAt(2) === 0x2a) {
      start = 3;
      if (c.endsWith("*/")) end = Math.max(start, end - 2);
    } else {
      start = 0;
      while (c.charCodeAt(start) === 0x2f) start++;
    }
    // `trimEnd`, called only when a character other than ASCII may be whitespace.
    for (;;) {
      if (end === start) break;
      const ch = c.charCodeAt(end - 1);
      if (ch === 0x20 || (ch >= 0x09 && ch <= 0x0d)) end--;
      else {
        if (ch >= 0x80) end = start + c.slice(start, end).trimEnd().length;
        break;
      }
    }
    docStarts[i] = start;
    docEnds[i] = end;
    if (start === end) continue;
    let indent = 0;
    for (;;) {
      const ch = c.charCodeAt(start + indent);
      // \t \n \v \f \r and space
      if (ch === 0x20 || (ch >= 0x09 && ch <= 0x0d)) indent++;
      else break;
    }
    if (indent < minIndent) minIndent = indent;
  }
  if (minIndent === Infinity) minIndent = 0;
  // The lines joined by newlines (an empty line adds one), without trailing ones.
  let text = "";
  let owed = 0;
  for (let i = 0; i < n; i++) {
    const c = comments[i];
    let start = docStarts[i];
    const end = docEnds[i];
    if (start === end) {
      owed++;
      continue;
    }
    if (minIndent > 0 && hasSpaces(c, start, minIndent)) start += minIndent;
    const nl = c.indexOf("\n", start);
    if (nl < 0 || nl >= end) {
      text = withLine(text, owed, c, start, end);
      owed = 1;
      continue;
    }
    // A block comment of several lines: each line on its own, as split by /\r?\n/.
    let from = start;
    for (let at = nl; ; at = c.indexOf("\n", from)) {
      const last = at < 0 || at >= end;
      const to = last ? end : at > from && c.charCodeAt(at - 1) === 0x0d ? at - 1 : at;
      if (to === from) owed++;
      else {
        text = withLine(text, owed, c, from, to);
        owed = 1;
      }
      if (last) break;
      from = at + 1;
    }
  }
  return { contents: text };
}

function hasSpaces(s: string, start: number, count: number): boolean {
  for (let i = start; i < start + count; i++) if (s.charCodeAt(i) !== 0x20) return false;
  return true;
}

const NEWLINES = ["", "\n", "\n\n", "\n\n\n", "\n\n\n\n"];

/** `text`, then `owed` newlines, then `c`'s characters from `start` to `end`. */
function withLine(text: string, owed: number, c: string, start: number, end: number): string {
  return text + (owed < NEWLINES.length ? NEWLINES[owed] : "\n".repeat(owed)) + c.slice(start, end);
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

/** The scope outside interfaces and worlds, where nothing is defined (it stays empty). */
const NO_NAMES = new Map<string, TypeId>();

/**
 * Kinds without fields, shared and frozen like `NO_OWNER` (the IR replaces
 * a kind, never changes one without fields).
 */
const RESOURCE: TypeDefKind = Object.freeze({ kind: "resource" });
const FREESTANDING: FunctionKind = Object.freeze({ kind: "freestanding" });
const ASYNC_FREESTANDING: FunctionKind = Object.freeze({ kind: "async-freestanding" });

/** Kinds of anonymous types of one part, interned in a table each (`PackageResolver.internPart`). */
const enum Part {
  List,
  Option,
  Future,
  Stream,
  Borrow,
}

function partKind(part: Part, t: Type | undefined): TypeDefKind {
  switch (part) {
    case Part.List:
      return { kind: "list", type: t! };
    case Part.Option:
      return { kind: "option", type: t! };
    case Part.Future:
      return { kind: "future", type: t };
    case Part.Stream:
      return { kind: "stream", type: t };
    case Part.Borrow:
      return { kind: "handle", handle: "borrow", resource: t as TypeId };
  }
}

/** An interface or a world, as written. */
type Declared = { kind: "interface"; value: A.Interface } | { kind: "world"; value: A.World };

/** Resolves the files of one package (pushed in path order) into an `UnresolvedPackage`. */
export class PackageResolver {
  private packageName: { name: PackageName; span: Span } | undefined;
  private packageDocs: Docs = noDocs();
  private declLists: A.AstItem[][] = [];
  /** The `body` given with each file, if any. */
  private bodies: (((iface: A.Interface) => A.InterfaceItem[]) | undefined)[] = [];

  private types: TypeDef[] = [];
  private interfaces: Interface[] = [];
  private worlds: World[] = [];
  /** Anonymous types interned by `anonTypeKey`, or by their parts (`internPart`; results by `ok`, then `err`). */
  private anonTypes = new Map<string, TypeId>();
  /** The stability of `@since(version = v)` without `@deprecated`, by `v` (one object for the package). */
  private stableSince = new Map<Version, Stability>();
  private partTables: (Map<Type | undefined, TypeId> | undefined)[] = [];
  private resultTable: Map<Type | undefined, Map<Type | undefined, TypeId>> | undefined;
  private curAst = 0;
  /** The top-level `use`s of each file (`undefined` when it has none). */
  private fileUses: (Map<string, AstItemRef> | undefined)[] = [];
  private packageItems = new Map<string, AstItemRef>();
  private foreignDeps = new Map<string, { name: PackageName; items: Map<string, ForeignDep> }>();
  /** The packages named in foreign paths so far, with their entries (a package's paths find it without its key). */
  private knownForeign: { ast: A.PackageName; deps: { name: PackageName; items: Map<string, ForeignDep> } }[] = [];
  /** Interfaces with a smaller id are those of other packages. */
  private foreignInterfaceCount = 0;
  /**
   * The names of the scope being resolved: its types, its functions (an
   * interface's; `pendingFunc` is the one being resolved) and, in a world,
   * the world, which imports each type as it is defined.
   */
  private scopeTypes: Map<string, TypeId> = NO_NAMES;
  private scopeFuncs: Map<string, Function> | undefined;
  private pendingFunc: string | undefined;
  private scopeWorld: World | undefined;
  /** The names of the scope with case to fold (`wellformed.needsFold`), if any. */
  private scopeFolding: string[] | undefined;
  private unknownTypeSpans: Span[] = [];
  private foreignDepSpans: Span[] = [];
  private requiredResourceTypes: [TypeId, Span][] = [];

  /**
   * Adds a file. `body`, if given, gives the members of each of its
   * top-level interfaces when the interface is resolved (for a file whose
   * interface bodies were skipped by its parse: its interfaces' `items`
   * hold only their `use` members, which are all the ordering of the
   * package needs).
   */
  push(file: A.PackageFile, body?: (iface: A.Interface) => A.InterfaceItem[]): void {
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
    this.bodies.push(body);
  }

  resolve(): UnresolvedPackage {
    if (!this.packageName) {
      throw new WitError("no `package` header was found in any WIT file for this package");
    }
    const declLists = this.declLists;
    this.populateForeignDeps(declLists);
    const sorted = this.populateAstItems(declLists);
    this.populateForeignTypes(declLists);

    // Interfaces first, then worlds, each in dependency order.
    for (let i = 0; i < sorted.items.length; i++) {
      const item = sorted.items[i];
      if (item.kind !== "interface") continue;
      this.curAst = sorted.files[i];
      const body = this.bodies[this.curAst];
      const items = body ? body(item.value) : item.value.items;
      this.resolveInterface(sorted.ids[i], items, item.value.docs, item.value.attributes);
    }
    for (let i = 0; i < sorted.items.length; i++) {
      const item = sorted.items[i];
      if (item.kind !== "world") continue;
      this.curAst = sorted.files[i];
      this.resolveWorld(sorted.ids[i], item.value);
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
    const visit: PathVisitor = (_owner, attrs, path, _names, kind) => {
      if (path.kind !== "package") return;
      const stability = this.stability(attrs);
      const deps = this.foreignPackage(path.package, true);
      let dep = deps.items.get(path.name.name);
      if (!dep) {
        const item: AstItemRef =
          kind === "world"
            ? { kind: "world", id: this.allocWorld(spanOf(path.name)) }
            : { kind: "interface", id: this.allocInterface(spanOf(path.name)) };
        deps.items.set(path.name.name, { item, stabilities: [stability] });
      } else dep.stabilities.push(stability);
    };
    for (const items of declLists) forEachPath(items, visit);
    this.foreignInterfaceCount = this.interfaces.length;
  }

  /** The entry of `foreignDeps` for the package named in a path, added when `add` (by `populateForeignDeps`). */
  private foreignPackage(p: A.PackageName, add = false): { name: PackageName; items: Map<string, ForeignDep> } {
    for (const known of this.knownForeign) if (samePackageName(known.ast, p)) return known.deps;
    const name = astPackageName(p);
    const key = packageNameKey(name);
    let deps = this.foreignDeps.get(key);
    if (!deps) {
      if (!add) throw new Error(`foreign package ${key} not registered`);
      this.foreignDepSpans.push(p.span);
      deps = { name, items: new Map() };
      this.foreignDeps.set(key, deps);
    }
    this.knownForeign.push({ ast: p, deps });
    return deps;
  }

  private allocInterface(span: Span): InterfaceId {
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

  /** Allocates the package's interfaces and worlds in dependency order, returned with their files. */
  private populateAstItems(declLists: A.AstItem[][]): { items: Declared[]; files: number[]; ids: number[] } {
    // Index of each name in `declared`.
    const index = new Map<string, number>();
    const declared: Declared[] = [];
    const files: number[] = [];
    const order = new Map<string, A.Ident[]>();
    let fold = false;
    for (let i = 0; i < declLists.length; i++) {
      for (const item of declLists[i]) {
        if (item.kind !== "interface" && item.kind !== "world") continue;
        const name = item.value.name;
        if (index.has(name.name)) throw new WitError(`duplicate item named \`${name.name}\``, name);
        index.set(name.name, declared.length);
        declared.push(item);
        files.push(i);
        order.set(name.name, []);
        if (!fold && wellformed.needsFold(name.name)) fold = true;
      }
    }
    if (fold) {
      wellformed.requireUniqueNames(
        declared.map((d) => d.value.name),
        wellformed.caseInsensitiveConflict,
      );
    }

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
        if (ns.has(name.name)) throw new WitError(`duplicate name \`${name.name}\` in this file`, name);
        ns.set(name.name, src);
      }
      forEachPath(items, (owner, _attrs, path) => {
        if (!owner || path.kind !== "id") return;
        const used = path.id;
        const local = ns.get(used.name);
        if (local === "foreign") return;
        if (local) order.get(owner.name)!.push(local);
        else if (index.has(used.name)) order.get(owner.name)!.push(used);
        else throw new WitError(`interface or world \`${used.name}\` does not exist`, used);
      });
    }

    const sorted = toposort("interface or world", order);
    const items: Declared[] = [];
    const itemFiles: number[] = [];
    const ids: number[] = [];
    for (const name of sorted) {
      const at = index.get(name)!;
      const item = declared[at];
      let ref: AstItemRef;
      if (item.kind === "interface") {
        ref = { kind: "interface", id: this.allocInterface(spanOf(item.value.name)) };
        this.interfaces[ref.id].name = name;
      } else {
        ref = { kind: "world", id: this.allocWorld(spanOf(item.value.name)) };
        this.worlds[ref.id].name = name;
      }
      this.packageItems.set(name, ref);
      items.push(item);
      itemFiles.push(files[at]);
      ids.push(ref.id);
    }
    for (const fileItems of declLists) {
      let uses: Map<string, AstItemRef> | undefined;
      for (const item of fileItems) {
        if (item.kind !== "use") continue;
        const u = item.value;
        if (u.attributes.length) throw new WitError("attributes not allowed on top-level use", u.span);
        const name = u.as ?? usePathName(u.item);
        let ref: AstItemRef;
        if (u.item.kind === "id") {
          const found = this.packageItems.get(u.item.id.name);
          if (!found) throw new WitError(`interface or world \`${u.item.id.name}\` does not exist`, u.item.id);
          ref = found;
        } else {
          ref = this.foreignPackage(u.item.package).items.get(u.item.name.name)!.item;
        }
        (uses ??= new Map()).set(name.name, ref);
      }
      this.fileUses.push(uses);
    }
    return { items, files: itemFiles, ids };
  }

  private populateForeignTypes(declLists: A.AstItem[][]): void {
    const visit: PathVisitor = (_owner, attrs, path, names) => {
      if (!names) return;
      const stability = this.stability(attrs);
      const externalId = this.externalId(attrs);
      const id = this.ifaceFromItem(this.resolveAstItemPath(path), path);
      if (id >= this.foreignInterfaceCount) return;
      const types = this.interfaces[id].types;
      for (const n of names) {
        if (types.has(n.name.name)) continue;
        this.types.push({
          docs: noDocs(),
          stability,
          kind: { kind: "unknown" },
          name: n.name.name,
          owner: { kind: "interface", id },
          span: spanOf(n.name),
          externalId,
        });
        this.unknownTypeSpans.push(spanOf(n.name));
        types.set(n.name.name, this.types.length - 1);
      }
    };
    for (let i = 0; i < declLists.length; i++) {
      this.curAst = i;
      forEachPath(declLists[i], visit);
    }
  }

  private resolveWorld(worldId: WorldId, world: A.World): void {
    const w = this.worlds[worldId];
    w.docs = docsFromComments(world.docs);
    w.stability = this.stability(world.attributes);
    // The world's types are its first imports (`defineType`).
    this.scopeTypes = new Map();
    this.scopeFuncs = undefined;
    this.scopeWorld = w;
    this.resolveTypes({ kind: "world", id: worldId }, world.items);
    for (const item of world.items) {
      if (item.kind === "include") this.resolveInclude(worldId, item.value);
    }

    for (const item of world.items) {
      if (item.kind === "typedef" && item.value.type.kind === "resource") {
        for (const f of item.value.type.funcs) {
          const func = this.resolveResourceFunc(f, item.value.name);
          const key: WorldKey = { kind: "name", name: func.name };
          w.imports.set(worldKeyString(key), { key, item: { kind: "function", func } });
        }
        continue;
      }
      if (item.kind !== "import" && item.kind !== "export") continue;
      const desc = item.kind;
      const worldItem = this.resolveWorldItem(item.docs, item.attributes, item.extern);
      const kind = item.extern;
      let key: WorldKey;
      if (kind.kind === "interface" || kind.kind === "named-path") key = { kind: "name", name: kind.name.name };
      else if (worldItem.kind === "function") key = { kind: "name", name: worldItem.func.name };
      else key = { kind: "interface", id: worldItem.id };
      const dst = desc === "import" ? w.imports : w.exports;
      const k = worldKeyString(key);
      const prev = dst.get(k);
      // Interface keys are added only here: one already there was named by an earlier item.
      if (prev && key.kind === "interface") {
        throw new WitError(`interface cannot be ${desc}ed more than once`, externSpan(kind));
      }
      dst.set(k, { key, item: worldItem });
      if (prev) {
        const what = prev.item.kind === "interface" ? "interface" : prev.item.kind === "function" ? "func" : "type";
        const name = (key as { name: string }).name;
        throw new WitError(`${desc} \`${name}\` conflicts with prior ${what} of same name`, externSpan(kind));
      }
    }
    this.scopeWorld = undefined;
  }

  private resolveWorldItem(docs: A.Docs, attrs: A.Attribute[], kind: A.ExternKind): WorldItem {
    switch (kind.kind) {
      case "interface": {
        const id = this.allocInterface(spanOf(kind.name));
        this.resolveInterface(id, kind.items, docs, attrs);
        return {
          kind: "interface",
          id,
          stability: this.interfaces[id].stability,
          docs: noDocs(),
          span: spanOf(kind.name),
          externalId: this.externalId(attrs),
        };
      }
      case "path":
      case "named-path": {
        const stability = this.stability(attrs);
        const externalId = this.externalId(attrs);
        const d = docsFromComments(docs);
        const id = this.ifaceFromItem(this.resolveAstItemPath(kind.path), kind.path);
        return {
          kind: "interface",
          id,
          stability,
          externalId,
          docs: d,
          span: spanOf(kind.kind === "path" ? usePathName(kind.path) : kind.name),
        };
      }
      case "func": {
        const func = this.resolveFunction(
          docs,
          attrs,
          kind.name.name,
          spanOf(kind.name),
          kind.func,
          kind.func.async ? ASYNC_FREESTANDING : FREESTANDING,
        );
        return { kind: "function", func };
      }
    }
  }

  /** Resolves an interface in a scope of its own (a world's inline interface is resolved within the world's). */
  private resolveInterface(id: InterfaceId, items: A.InterfaceItem[], docs: A.Docs, attrs: A.Attribute[]): void {
    const iface = this.interfaces[id];
    iface.docs = docsFromComments(docs);
    iface.stability = this.stability(attrs);
    const outerTypes = this.scopeTypes;
    const outerFuncs = this.scopeFuncs;
    const outerWorld = this.scopeWorld;
    this.scopeTypes = iface.types;
    this.scopeFuncs = iface.functions;
    this.scopeWorld = undefined;

    this.scopeFolding = undefined;
    this.resolveTypes({ kind: "interface", id }, items);
    for (const item of items) {
      if (item.kind === "func") {
        const f = item.value;
        const name = f.name.name;
        if (iface.types.has(name) || iface.functions.has(name)) {
          throw new WitError(`name \`${name}\` is defined more than once`, f.name);
        }
        if (wellformed.needsFold(name)) (this.scopeFolding ??= []).push(name);
        this.pendingFunc = name;
        const func = this.resolveFunction(
          f.docs,
          f.attributes,
          name,
          spanOf(f.name),
          f.func,
          f.func.async ? ASYNC_FREESTANDING : FREESTANDING,
        );
        this.pendingFunc = undefined;
        iface.functions.set(name, func);
      } else if (item.kind === "typedef" && item.value.type.kind === "resource") {
        for (const rf of item.value.type.funcs) {
          const func = this.resolveResourceFunc(rf, item.value.name);
          iface.functions.set(func.name, func);
        }
      }
    }
    // The names are distinct: only case can make two of them conflict.
    const folding = this.scopeFolding;
    if (folding && wellformed.mayConflictInCase(folding, (n) => iface.types.has(n) || iface.functions.has(n))) {
      wellformed.requireUniqueNames(scopeNames(items, iface), wellformed.caseInsensitiveConflict);
    }

    this.scopeTypes = outerTypes;
    this.scopeFuncs = outerFuncs;
    this.scopeWorld = outerWorld;
  }

  /** Resolves the `use`s, then the type definitions in dependency order (wit-parser's order). */
  private resolveTypes(owner: TypeOwner, items: readonly (A.InterfaceItem | A.WorldItem)[]): void {
    let typed = false;
    for (const item of items) {
      if (item.kind === "use") {
        this.resolveUse(owner, item.value);
        typed = true;
      } else if (item.kind === "typedef") typed = true;
    }
    if (!typed) return;
    // Each name's rank, in the order first written, and the definition of each rank (none for a `use`).
    const ranks = new Map<string, number>();
    const defs: (A.TypeDef | undefined)[] = [];
    for (const item of items) {
      if (item.kind === "typedef") {
        const t = item.value;
        if (ranks.has(t.name.name)) throw new WitError(`name \`${t.name.name}\` is defined more than once`, t.name);
        ranks.set(t.name.name, defs.length);
        defs.push(t);
      } else if (item.kind === "use") {
        for (const n of item.value.names) {
          const name = (n.as ?? n.name).name;
          const rank = ranks.get(name);
          if (rank === undefined) {
            ranks.set(name, defs.length);
            defs.push(undefined);
          } else defs[rank] = undefined;
        }
      }
    }
    // Types written after their dependencies (the usual case) keep their order (see `toposort`).
    let inOrder = true;
    for (let rank = 0; rank < defs.length && inOrder; rank++) {
      const def = defs[rank];
      if (def && !depsRankedBefore(def.type, ranks, rank)) inOrder = false;
    }
    if (inOrder) {
      for (const def of defs) if (def) this.resolveNamedType(owner, def);
      return;
    }
    const deps = new Map<string, A.Ident[]>();
    for (const [name, rank] of ranks) {
      const d: A.Ident[] = [];
      const def = defs[rank];
      if (def) collectDeps(def.type, d);
      deps.set(name, d);
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
      const def = defs[ranks.get(name)!];
      if (def) this.resolveNamedType(owner, def);
    }
  }

  private resolveNamedType(owner: TypeOwner, def: A.TypeDef): void {
    const docs = docsFromComments(def.docs);
    const stability = this.stability(def.attributes);
    const externalId = this.externalId(def.attributes);
    const kind = this.resolveTypeDef(def.type, stability);
    this.types.push({ docs, stability, kind, name: def.name.name, owner, span: spanOf(def.name), externalId });
    this.defineType(def.name, this.types.length - 1);
  }

  private resolveUse(owner: TypeOwner, u: A.Use): void {
    const from = this.interfaces[this.ifaceFromItem(this.resolveAstItemPath(u.from), u.from)];
    const stability = this.stability(u.attributes);
    const externalId = this.externalId(u.attributes);
    for (const n of u.names) {
      const id = from.types.get(n.name.name);
      if (id === undefined) {
        if (from.functions.has(n.name.name)) throw new WitError(`cannot import function \`${n.name.name}\``, n.name);
        throw new WitError(`name \`${n.name.name}\` does not exist`, n.name);
      }
      const local = n.as ?? n.name;
      this.types.push({
        docs: noDocs(),
        stability,
        kind: { kind: "type", type: id },
        name: local.name,
        owner,
        span: spanOf(n.name),
        externalId,
      });
      this.defineType(local, this.types.length - 1);
    }
  }

  private resolveInclude(worldId: WorldId, inc: A.Include): void {
    const stability = this.stability(inc.attributes);
    const ref = this.resolveAstItemPath(inc.from);
    const name = usePathName(inc.from);
    if (ref.kind !== "world") {
      throw new WitError(`name \`${name.name}\` is defined as an interface, not a world`, name);
    }
    this.worlds[worldId].includes.push({
      stability,
      id: ref.id,
      names: inc.names.map((n) => ({ name: n.name.name, as: n.as.name })),
      span: spanOf(name),
    });
  }

  private resolveResourceFunc(rf: A.ResourceFunc, resource: A.Ident): Function {
    const resourceId = this.scopeTypes.get(resource.name);
    if (resourceId === undefined) throw new Error("type lookup for resource failed");
    const f = rf.func;
    let name: string;
    let kind: FunctionKind;
    switch (rf.kind) {
      case "method":
        name = ["[method]", resource.name, ".", f.name.name].join("");
        kind = { kind: f.func.async ? "async-method" : "method", resource: resourceId };
        break;
      case "static":
        name = ["[static]", resource.name, ".", f.name.name].join("");
        kind = { kind: f.func.async ? "async-static" : "static", resource: resourceId };
        break;
      case "constructor":
        name = ["[constructor]", resource.name].join("");
        kind = { kind: "constructor", resource: resourceId };
        break;
    }
    return this.resolveFunction(f.docs, f.attributes, name, spanOf(f.name), f.func, kind);
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

  private resolveAstItemPath(path: A.UsePath): AstItemRef {
    if (path.kind === "id") {
      const item = this.fileUses[this.curAst]?.get(path.id.name) ?? this.packageItems.get(path.id.name);
      if (!item) throw new WitError(`interface or world \`${path.id.name}\` does not exist`, path.id);
      return item;
    }
    return this.foreignPackage(path.package).items.get(path.name.name)!.item;
  }

  private ifaceFromItem(item: AstItemRef, path: A.UsePath): InterfaceId {
    if (item.kind === "world") {
      const name = usePathName(path);
      throw new WitError(`name \`${name.name}\` is defined as a world, not an interface`, name);
    }
    return item.id;
  }

  /** Adds a type to the scope (and, in a world, to its imports). */
  private defineType(name: A.Ident, id: TypeId): void {
    if (this.scopeTypes.has(name.name) || this.scopeFuncs?.has(name.name)) {
      throw new WitError(`name \`${name.name}\` is defined more than once`, name);
    }
    this.scopeTypes.set(name.name, id);
    if (wellformed.needsFold(name.name)) (this.scopeFolding ??= []).push(name.name);
    const world = this.scopeWorld;
    if (world) {
      const key: WorldKey = { kind: "name", name: name.name };
      world.imports.set(worldKeyString(key), { key, item: { kind: "type", id, span: spanOf(name) } });
    }
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
      case "resource":
        checkResourceFuncs(ty.funcs);
        return RESOURCE;
      case "record": {
        wellformed.requireUniqueIdents(ty.fields, wellformed.recordFieldConflict);
        return {
          kind: "record",
          fields: ty.fields.map((f) => ({
            docs: docsFromComments(f.docs),
            name: f.name.name,
            type: this.resolveType(f.type, stability),
            span: spanOf(f.name),
          })),
        };
      }
      case "flags": {
        wellformed.requireUniqueIdents(ty.flags, wellformed.flagConflict);
        return {
          kind: "flags",
          flags: ty.flags.map((f) => ({ docs: docsFromComments(f.docs), name: f.name.name, span: spanOf(f.name) })),
        };
      }
      case "tuple":
        return { kind: "tuple", types: ty.types.map((t) => this.resolveType(t, stability)) };
      case "variant": {
        if (ty.cases.length === 0) throw new WitError("empty variant", ty.span);
        wellformed.requireUniqueIdents(ty.cases, wellformed.variantCaseConflict);
        return {
          kind: "variant",
          cases: ty.cases.map((c) => ({
            docs: docsFromComments(c.docs),
            name: c.name.name,
            type: c.type ? this.resolveType(c.type, stability) : undefined,
            span: spanOf(c.name),
          })),
        };
      }
      case "enum": {
        if (ty.cases.length === 0) throw new WitError("empty enum", ty.span);
        wellformed.requireUniqueIdents(ty.cases, wellformed.enumCaseConflict);
        return {
          kind: "enum",
          cases: ty.cases.map((c) => ({ docs: docsFromComments(c.docs), name: c.name.name, span: spanOf(c.name) })),
        };
      }
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
    const id = this.scopeTypes.get(name.name);
    if (id !== undefined) return id;
    if (this.scopeFuncs?.has(name.name) || name.name === this.pendingFunc) {
      throw new WitError(`cannot use function \`${name.name}\` as a type`, name);
    }
    throw new WitError(`name \`${name.name}\` does not exist`, name);
  }

  private validateResource(name: A.Ident): TypeId {
    const id = this.resolveTypeName(name);
    let cur = id;
    for (;;) {
      const kind = this.types[cur].kind;
      if (kind.kind === "resource") return id;
      if (kind.kind === "type" && typeof kind.type === "number") cur = kind.type;
      else if (kind.kind === "unknown") {
        this.requiredResourceTypes.push([cur, spanOf(name)]);
        return id;
      } else throw new WitError(`type \`${name.name}\` used in a handle must be a resource`, name);
    }
  }

  /** An anonymous type inherits the stability of the first gated type it mentions. */
  private findStability(kind: TypeDefKind, stability: Stability): Stability {
    if (stability.kind !== "unknown") return stability;
    let found: Stability | undefined;
    switch (kind.kind) {
      case "type":
      case "list":
      case "fixed-length-list":
      case "option":
      case "future":
      case "stream":
        found = this.gatedStability(kind.type);
        break;
      case "handle":
        found = this.gatedStability(kind.resource);
        break;
      case "tuple":
        for (const t of kind.types) if ((found = this.gatedStability(t))) break;
        break;
      case "map":
        found = this.gatedStability(kind.key) ?? this.gatedStability(kind.value);
        break;
      case "result":
        found = this.gatedStability(kind.ok) ?? this.gatedStability(kind.err);
        break;
    }
    return found ?? unknownStability;
  }

  private gatedStability(t: Type | undefined): Stability | undefined {
    if (typeof t !== "number") return undefined;
    const s = this.types[t].stability;
    return s.kind === "unknown" ? undefined : s;
  }

  /** A type use: a primitive, a named type, or an anonymous type interned so that equal ones share an id. */
  private resolveType(ty: A.AstType, stability: Stability): Type {
    switch (ty.kind) {
      case "primitive":
        return ty.name;
      case "name":
        return this.resolveTypeName(ty.id);
      case "list":
        return this.internPart(Part.List, this.resolveType(ty.element, stability), stability, ty.span);
      case "option":
        return this.internPart(Part.Option, this.resolveType(ty.type, stability), stability, ty.span);
      case "future":
        return this.internPart(Part.Future, ty.type && this.resolveType(ty.type, stability), stability, ty.span);
      case "stream":
        return this.internPart(Part.Stream, ty.type && this.resolveType(ty.type, stability), stability, ty.span);
      case "handle": {
        // An owned handle stands for its resource.
        const resource = this.validateResource(ty.resource);
        return ty.handle === "own" ? resource : this.internPart(Part.Borrow, resource, stability, ty.span);
      }
      case "result": {
        const ok = ty.ok ? this.resolveType(ty.ok, stability) : undefined;
        const err = ty.err ? this.resolveType(ty.err, stability) : undefined;
        const table = (this.resultTable ??= new Map());
        let byErr = table.get(ok);
        if (!byErr) table.set(ok, (byErr = new Map()));
        let id = byErr.get(err);
        if (id === undefined) {
          id = this.pushAnon({ kind: "result", ok, err }, stability, ty.span);
          byErr.set(err, id);
        }
        return id;
      }
      default: {
        const kind = this.resolveTypeDef(ty, stability);
        const key = anonTypeKey(kind);
        let id = this.anonTypes.get(key);
        if (id === undefined) {
          id = this.pushAnon(kind, stability, ty.span);
          this.anonTypes.set(key, id);
        }
        return id;
      }
    }
  }

  /** The id of the anonymous type `part`<`t`>, added when it is the first. */
  private internPart(part: Part, t: Type | undefined, stability: Stability, span: Span): TypeId {
    const table = (this.partTables[part] ??= new Map());
    let id = table.get(t);
    if (id === undefined) {
      id = this.pushAnon(partKind(part, t), stability, span);
      table.set(t, id);
    }
    return id;
  }

  private pushAnon(kind: TypeDefKind, stability: Stability, span: Span): TypeId {
    this.types.push({
      docs: noDocs(),
      stability: this.findStability(kind, stability),
      kind,
      name: undefined,
      owner: NO_OWNER,
      span,
      externalId: undefined,
    });
    return this.types.length - 1;
  }

  stability(attrs: A.Attribute[]): Stability {
    if (attrs.length === 0) return unknownStability;
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
    if (since && !deprecated) {
      const stable = this.stableSince.get(since.version);
      if (stable) return stable;
      const s: Stability = { kind: "stable", since: since.version, deprecated: undefined };
      this.stableSince.set(since.version, s);
      return s;
    }
    if (since) return { kind: "stable", since: since.version, deprecated: deprecated?.version };
    if (unstable) return { kind: "unstable", feature: unstable.feature.name, deprecated: deprecated?.version };
    if (deprecated) {
      throw new WitError("cannot specify both @deprecated without @since or @unstable", deprecated.span);
    }
    return unknownStability;
  }

  private externalId(attrs: A.Attribute[]): string | undefined {
    if (attrs.length === 0) return undefined;
    let id: string | undefined;
    for (const a of attrs) {
      if (a.kind !== "external-id") continue;
      if (id !== undefined) throw new WitError("cannot specify @external-id twice", a.span);
      id = a.id;
    }
    return id;
  }

  private resolveParams(params: A.Func["params"], kind: FunctionKind, span: Span): Param[] {
    const method = kind.kind === "method" || kind.kind === "async-method";
    let n = 0;
    const out = new Array<Param>(params.length + (method ? 1 : 0));
    if (method)
      out[n++] = { name: "self", type: this.internPart(Part.Borrow, kind.resource, unknownStability, span), span };
    let fold = false;
    for (const p of params) {
      const name = p.name.name;
      for (let i = 0; i < n; i++) {
        if (out[i].name === name) throw new WitError(`param \`${name}\` is defined more than once`, p.name);
      }
      if (!fold && wellformed.needsFold(name)) fold = true;
      out[n++] = { name, type: this.resolveType(p.type, unknownStability), span: spanOf(p.name) };
    }
    // The names are distinct: only case can make two of them conflict.
    if (fold && out.length > 1) wellformed.requireUniqueNames(out, wellformed.paramConflict);
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

/** wit-parser's checks of a resource's functions: one constructor at most, names distinct (also without regard to case). */
function checkResourceFuncs(funcs: A.ResourceFunc[]): void {
  let ctors = 0;
  let fold = false;
  const seen = funcs.length > 16 ? new Set<string>() : undefined;
  for (let i = 0; i < funcs.length; i++) {
    const f = funcs[i];
    if (f.kind === "constructor") {
      if (++ctors > 1) throw new WitError("duplicate constructors", f.func.name);
      continue;
    }
    const name = f.func.name.name;
    let repeated = false;
    if (seen) {
      repeated = seen.has(name);
      seen.add(name);
    } else {
      for (let j = 0; j < i && !repeated; j++)
        repeated = funcs[j].kind !== "constructor" && funcs[j].func.name.name === name;
    }
    if (repeated) throw new WitError(`duplicate function name \`${name}\``, f.func.name);
    if (!fold && wellformed.needsFold(name)) fold = true;
  }
  // The names are distinct: only case can make two of them conflict.
  if (fold) {
    wellformed.requireUniqueNames(
      funcs.filter((f) => f.kind !== "constructor").map((f) => f.func.name),
      wellformed.caseInsensitiveConflict,
    );
  }
}

/** The names of an interface's scope (types, then functions) with the spans where they are defined. */
function scopeNames(items: A.InterfaceItem[], iface: Interface): A.Ident[] {
  const names: A.Ident[] = [];
  for (const name of iface.types.keys()) names.push(definedName(items, name));
  for (const item of items) if (item.kind === "func") names.push(item.value.name);
  return names;
}

/** The identifier that defines a type of an interface: a `use` comes first (it is resolved first). */
function definedName(items: A.InterfaceItem[], name: string): A.Ident {
  for (const item of items) {
    if (item.kind !== "use") continue;
    for (const n of item.value.names) if ((n.as ?? n.name).name === name) return n.as ?? n.name;
  }
  for (const item of items) if (item.kind === "typedef" && item.value.name.name === name) return item.value.name;
  throw new Error(`definedName: no definition of ${name}`);
}

/** Whether every name `ty` refers to has a rank below `rank`. */
function depsRankedBefore(ty: A.AstType, ranks: Map<string, number>, rank: number): boolean {
  switch (ty.kind) {
    case "name":
    case "handle": {
      const r = ranks.get(ty.kind === "name" ? ty.id.name : ty.resource.name);
      return r !== undefined && r < rank;
    }
    case "record":
      for (const f of ty.fields) if (!depsRankedBefore(f.type, ranks, rank)) return false;
      return true;
    case "tuple":
      for (const t of ty.types) if (!depsRankedBefore(t, ranks, rank)) return false;
      return true;
    case "variant":
      for (const c of ty.cases) if (c.type && !depsRankedBefore(c.type, ranks, rank)) return false;
      return true;
    case "option":
      return depsRankedBefore(ty.type, ranks, rank);
    case "list":
    case "fixed-length-list":
      return depsRankedBefore(ty.element, ranks, rank);
    case "map":
      return depsRankedBefore(ty.key, ranks, rank) && depsRankedBefore(ty.value, ranks, rank);
    case "result":
      return (!ty.ok || depsRankedBefore(ty.ok, ranks, rank)) && (!ty.err || depsRankedBefore(ty.err, ranks, rank));
    case "future":
    case "stream":
      return !ty.type || depsRankedBefore(ty.type, ranks, rank);
    default:
      return true;
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
