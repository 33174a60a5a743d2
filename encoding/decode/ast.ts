/**
 * The decoded model as the front-end's syntax tree, one package file per
 * package: what the parser would make of the WIT the model stands for
 * (types by name in the scope that owns them, types of other interfaces
 * through `use`, resource functions inside their resource), built directly,
 * so that decoding a binary skips printing and parsing WIT text. The
 * front-end's resolver then turns it into the IR, elaborating worlds as it
 * does for any WIT. Every node has the same empty span, at `at`.
 */
import type * as A from "../../parser/ast.js";
import { parseVersion } from "../../parser/semver.js";
import { DecodeError } from "./binary.js";
import {
  parseInterfaceId,
  type MFunc,
  type MInterface,
  type MItem,
  type MPackage,
  type MTypeDef,
  type MWorld,
  type NamedRef,
  type WType,
} from "./model.js";

/** What a function's name says about the resource it belongs to, if any. */
export type ResourceFunc =
  | { kind: "constructor"; resource: string }
  | { kind: "method" | "static"; resource: string; name: string; async: boolean }
  | { kind: "freestanding"; name: string; async: boolean };

/** What a function's name says (`[method]r.m`, and the older `[async method]r.m` forms). */
export function parseFuncName(name: string): ResourceFunc {
  const m = /^\[(constructor|method|static|async|async method|async static)\](.*)$/.exec(name);
  if (!m) return { kind: "freestanding", name, async: false };
  const [, tag, rest] = m as unknown as [string, string, string];
  if (tag === "constructor") return { kind: "constructor", resource: rest };
  if (tag === "async") return { kind: "freestanding", name: rest, async: true };
  const dot = rest.indexOf(".");
  if (dot <= 0) throw new DecodeError(`invalid function name \`${name}\``);
  return {
    kind: tag.endsWith("method") ? "method" : "static",
    resource: rest.slice(0, dot),
    name: rest.slice(dot + 1),
    async: tag.startsWith("async"),
  };
}

/** The docs of every node: none (shared, and frozen so that nothing changes them). */
const NO_DOCS: A.Docs = Object.freeze({ comments: Object.freeze([]) as unknown as string[], span: undefined });

export class AstBuilder {
  /** The one span of every node (shared, and frozen so that nothing moves it). */
  private readonly at: A.Span;

  constructor(
    private readonly interfaces: Map<string, MInterface>,
    /** The offset every span points at. */
    at: number,
  ) {
    this.at = Object.freeze({ start: at, end: at });
  }

  private span(): A.Span {
    return this.at;
  }

  private id(name: string): A.Ident {
    return { name, start: this.at.start, end: this.at.end };
  }

  private noDocs(): A.Docs {
    return NO_DOCS;
  }

  private packageName(namespace: string, name: string, version: string | undefined): A.PackageName {
    return {
      docs: this.noDocs(),
      span: this.span(),
      namespace: this.id(namespace),
      name: this.id(name),
      extraNames: [],
      extraPath: [],
      version: version === undefined ? undefined : { span: this.span(), version: parseVersion(version) },
    };
  }

  /** The syntax tree of one package. */
  package(pkg: MPackage): A.PackageFile {
    const key = `${pkg.namespace}:${pkg.name}${pkg.version ? "@" + pkg.version : ""}`;
    const items: A.AstItem[] = [];
    for (const [name, iface] of pkg.interfaces) {
      items.push({
        kind: "interface",
        value: {
          span: this.span(),
          docs: this.noDocs(),
          attributes: [],
          name: this.id(name),
          items: this.interfaceItems(iface, key),
        },
      });
    }
    for (const [name, world] of pkg.worlds) {
      items.push({
        kind: "world",
        value: {
          span: this.span(),
          docs: this.noDocs(),
          attributes: [],
          name: this.id(name),
          items: this.worldItems(world, key),
        },
      });
    }
    return { packageId: this.packageName(pkg.namespace, pkg.name, pkg.version), items, span: this.span() };
  }

  private ref(ref: NamedRef, scope: string): A.Ident {
    if (ref.owner !== scope) {
      throw new DecodeError(`type \`${ref.name}\` of \`${ref.owner}\` is used where it is not in scope`);
    }
    return this.id(ref.name);
  }

  private type(t: WType, scope: string): A.AstType {
    const span = this.span();
    switch (t.kind) {
      case "primitive":
        return { kind: "primitive", name: t.name as A.PrimitiveName, span };
      case "ref": {
        const id = this.ref(t.ref, scope);
        return { kind: "name", id, span };
      }
      case "own":
      case "borrow":
        return { kind: "handle", handle: t.kind, resource: this.ref(t.resource, scope), span };
      case "list":
        return { kind: "list", element: this.type(t.type, scope), span };
      case "option":
        return { kind: "option", type: this.type(t.type, scope), span };
      case "fixed-length-list":
        return { kind: "fixed-length-list", element: this.type(t.type, scope), size: t.size, span };
      case "map":
        return { kind: "map", key: this.type(t.key, scope), value: this.type(t.value, scope), span };
      case "tuple":
        return { kind: "tuple", types: t.types.map((x) => this.type(x, scope)), span };
      case "result":
        return {
          kind: "result",
          ok: t.ok ? this.type(t.ok, scope) : undefined,
          err: t.err ? this.type(t.err, scope) : undefined,
          span,
        };
      case "future":
      case "stream":
        return { kind: t.kind, type: t.type ? this.type(t.type, scope) : undefined, span };
    }
  }

  /** The `use` path of the interface owning `owner`'s types, seen from package `fromPkg`. */
  private usePath(owner: string, fromPkg: string): A.UsePath {
    const iface = this.interfaces.get(owner);
    if (!iface || iface.name === undefined) {
      throw new DecodeError(`a type of \`${owner}\` is used, but only types of named interfaces can be used`);
    }
    return iface.pkg === fromPkg ? { kind: "id", id: this.id(iface.name) } : this.packagePath(owner);
  }

  /** `ns:pkg/name@version` as a path. */
  private packagePath(key: string): A.UsePath {
    const p = parseInterfaceId(key);
    if (!p) throw new DecodeError(`\`${key}\` is not an interface id`);
    return { kind: "package", package: this.packageName(p.namespace, p.pkg, p.version), name: this.id(p.name) };
  }

  private attrs(externalId: string | undefined): A.Attribute[] {
    return externalId === undefined ? [] : [{ kind: "external-id", span: this.span(), id: externalId }];
  }

  private func(f: MFunc, scope: string, skipSelf: boolean, async: boolean): A.Func {
    return {
      span: this.span(),
      async,
      params: (skipSelf ? f.params.slice(1) : f.params).map((p) => ({
        span: this.span(),
        name: this.id(p.name),
        type: this.type(p.type, scope),
      })),
      result: f.result ? this.type(f.result, scope) : undefined,
    };
  }

  private namedFunc(name: string, f: MFunc, func: A.Func): A.NamedFunc {
    return { span: this.span(), docs: this.noDocs(), attributes: this.attrs(f.externalId), name: this.id(name), func };
  }

  /** Type definitions that are not aliases into other owners (those become `use`s). */
  private typeDef(name: string, d: MTypeDef, scope: string, funcs: A.ResourceFunc[] | undefined): A.TypeDef {
    const span = this.span();
    const def = (type: A.AstType): A.TypeDef => ({
      span: this.span(),
      docs: this.noDocs(),
      attributes: this.attrs(d.externalId),
      name: this.id(name),
      type,
    });
    const item = (n: string) => ({ span: this.span(), docs: this.noDocs(), name: this.id(n) });
    switch (d.kind) {
      case "resource":
        return def({ kind: "resource", funcs: funcs ?? [], span });
      case "alias": {
        const id = this.ref(d.target, scope);
        return def({ kind: "name", id, span });
      }
      case "record":
        return def({
          kind: "record",
          fields: d.fields.map((f) => ({ ...item(f.name), type: this.type(f.type, scope) })),
          span,
        });
      case "variant":
        return def({
          kind: "variant",
          cases: d.cases.map((c) => ({ ...item(c.name), type: c.type ? this.type(c.type, scope) : undefined })),
          span,
        });
      case "enum":
        return def({ kind: "enum", cases: d.names.map(item), span });
      case "flags":
        return def({ kind: "flags", flags: d.names.map(item), span });
      case "type":
        return def(this.type(d.type, scope));
    }
  }

  /** A resource function, for its resource's body. */
  private resourceFunc(f: MFunc, parsed: ResourceFunc, scope: string): A.ResourceFunc {
    if (parsed.kind === "constructor") {
      const r = f.result;
      const ownsIt = (t: WType | undefined) =>
        t?.kind === "own" && t.resource.owner === scope && t.resource.name === parsed.resource;
      let result: A.AstType | undefined;
      if (ownsIt(r)) result = undefined;
      else if (r?.kind === "result" && ownsIt(r.ok)) {
        result = {
          kind: "result",
          ok: { kind: "name", id: this.id(parsed.resource), span: this.span() },
          err: r.err ? this.type(r.err, scope) : undefined,
          span: this.span(),
        };
      } else throw new DecodeError(`constructor \`${f.name}\` does not return its resource`);
      const func: A.Func = { ...this.func({ ...f, result: undefined }, scope, false, false), result };
      return { span: this.span(), kind: "constructor", func: this.namedFunc("constructor", f, func) };
    }
    if (parsed.kind === "freestanding") throw new Error("unreachable");
    const async = parsed.async || f.async;
    if (parsed.kind === "static") {
      return {
        span: this.span(),
        kind: "static",
        func: this.namedFunc(parsed.name, f, this.func(f, scope, false, async)),
      };
    }
    const self = f.params[0];
    if (
      !self ||
      self.name !== "self" ||
      self.type.kind !== "borrow" ||
      self.type.resource.owner !== scope ||
      self.type.resource.name !== parsed.resource
    ) {
      throw new DecodeError(`method \`${f.name}\` does not take \`self: borrow<${parsed.resource}>\` first`);
    }
    return {
      span: this.span(),
      kind: "method",
      func: this.namedFunc(parsed.name, f, this.func(f, scope, true, async)),
    };
  }

  /**
   * The items of an interface (or of a world's types): `use`s, types with
   * their resource functions, then the other functions.
   */
  private scopeItems(scope: string, pkg: string, types: [string, MTypeDef][], funcs: MFunc[]): A.InterfaceItem[] {
    const resourceFuncs = new Map<string, A.ResourceFunc[]>();
    const free: A.InterfaceItem[] = [];
    const resources = new Set(types.filter(([, d]) => d.kind === "resource").map(([n]) => n));
    for (const f of funcs) {
      const parsed = parseFuncName(f.name);
      if (parsed.kind === "freestanding") {
        const func = this.func(f, scope, false, parsed.async || f.async);
        free.push({ kind: "func", value: this.namedFunc(parsed.name, f, func) });
        continue;
      }
      if (!resources.has(parsed.resource)) {
        throw new DecodeError(
          `function \`${f.name}\` belongs to \`${parsed.resource}\`, which is not a resource defined here`,
        );
      }
      let list = resourceFuncs.get(parsed.resource);
      if (!list) resourceFuncs.set(parsed.resource, (list = []));
      list.push(this.resourceFunc(f, parsed, scope));
    }
    const out: A.InterfaceItem[] = [];
    const uses = new Map<string, { from: A.UsePath; names: A.Use["names"] }>();
    for (const [name, d] of types) {
      if (d.kind !== "alias" || d.target.owner === scope) continue;
      let use = uses.get(d.target.owner);
      if (!use) uses.set(d.target.owner, (use = { from: this.usePath(d.target.owner, pkg), names: [] }));
      use.names.push({
        span: this.span(),
        name: this.id(d.target.name),
        as: d.target.name === name ? undefined : this.id(name),
      });
    }
    for (const { from, names } of uses.values()) {
      out.push({ kind: "use", value: { span: this.span(), attributes: [], from, names } });
    }
    for (const [name, d] of types) {
      if (d.kind === "alias" && d.target.owner !== scope) continue;
      out.push({ kind: "typedef", value: this.typeDef(name, d, scope, resourceFuncs.get(name)) });
    }
    out.push(...free);
    return out;
  }

  private interfaceItems(iface: MInterface, pkg: string): A.InterfaceItem[] {
    return this.scopeItems(iface.key, pkg, [...iface.types], [...iface.funcs.values()]);
  }

  private worldItems(world: MWorld, pkg: string): A.WorldItem[] {
    const types: [string, MTypeDef][] = [];
    const resourceFuncs: MFunc[] = [];
    const out: A.WorldItem[] = [];
    const path = (ifaceId: string): A.UsePath => {
      const iface = this.interfaces.get(ifaceId);
      return iface && iface.pkg === pkg ? { kind: "id", id: this.id(iface.name!) } : this.packagePath(ifaceId);
    };
    const item = (dir: "import" | "export", it: MItem) => {
      const entry = (extern: A.ExternKind, externalId: string | undefined) =>
        out.push({ kind: dir, span: this.span(), docs: this.noDocs(), attributes: this.attrs(externalId), extern });
      switch (it.kind) {
        case "interface":
          entry({ kind: "path", path: path(it.id) }, it.externalId);
          break;
        case "implements":
          entry({ kind: "named-path", name: this.id(it.name), path: path(it.id) }, it.externalId);
          break;
        case "inline":
          entry(
            { kind: "interface", name: this.id(it.name), items: this.interfaceItems(it.iface, pkg) },
            it.externalId,
          );
          break;
        case "func": {
          const parsed = parseFuncName(it.func.name);
          if (parsed.kind !== "freestanding") {
            if (dir === "export")
              throw new DecodeError(`resource function \`${it.name}\` cannot be exported from a world`);
            resourceFuncs.push(it.func);
            break;
          }
          const func = this.func(it.func, world.key, false, parsed.async || it.func.async);
          entry({ kind: "func", name: this.id(parsed.name), func }, it.func.externalId);
          break;
        }
        case "type":
          if (dir === "export") throw new DecodeError(`type \`${it.name}\` cannot be exported from a world`);
          types.push([it.name, it.def]);
          break;
      }
    };
    for (const it of world.imports.values()) item("import", it);
    for (const it of world.exports.values()) item("export", it);
    // Only resource functions are passed, so the scope has `use`s and types alone.
    const scope = this.scopeItems(world.key, pkg, types, resourceFuncs).filter(
      (x): x is A.WorldItem & A.InterfaceItem => x.kind !== "func",
    );
    return [...scope, ...out];
  }
}
