/**
 * Prints the decoded model as WIT text, one package per text, for the
 * front-end to resolve: types by name in the scope that owns them, types of
 * other interfaces through `use`, resource functions inside their resource.
 */
import { isKeyword } from "../../parser/index.js";
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

function id(name: string): string {
  return isKeyword(name) ? `%${name}` : name;
}

/** An interface id with each name escaped: `ns:pkg/name@version`. */
function idPath(key: string): string {
  const p = parseInterfaceId(key);
  if (!p) return key;
  return `${id(p.namespace)}:${id(p.pkg)}/${id(p.name)}${p.version ? "@" + p.version : ""}`;
}

function quote(s: string): string {
  return JSON.stringify(s);
}

type ResourceFunc =
  | { kind: "constructor"; resource: string }
  | { kind: "method" | "static"; resource: string; name: string; async: boolean }
  | { kind: "freestanding"; name: string; async: boolean };

/** What a function's name says (`[method]r.m`, and the older `[async method]r.m` forms). */
function parseFuncName(name: string): ResourceFunc {
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

export class WitPrinter {
  constructor(
    private readonly packages: Map<string, MPackage>,
    private readonly interfaces: Map<string, MInterface>,
  ) {}

  /** The WIT text of one package. */
  package(pkg: MPackage): string {
    const key = `${pkg.namespace}:${pkg.name}${pkg.version ? "@" + pkg.version : ""}`;
    let out = `package ${id(pkg.namespace)}:${id(pkg.name)}${pkg.version ? "@" + pkg.version : ""};\n`;
    for (const [name, iface] of pkg.interfaces) {
      out += `\ninterface ${id(name)} {\n${this.interfaceBody(iface, key, "  ")}}\n`;
    }
    for (const [name, world] of pkg.worlds) {
      out += `\nworld ${id(name)} {\n${this.worldBody(world, key)}}\n`;
    }
    return out;
  }

  private ref(ref: NamedRef, scope: string): string {
    if (ref.owner !== scope) {
      throw new DecodeError(`type \`${ref.name}\` of \`${ref.owner}\` is used where it is not in scope`);
    }
    return id(ref.name);
  }

  private type(t: WType, scope: string): string {
    switch (t.kind) {
      case "primitive":
        return t.name;
      case "ref":
        return this.ref(t.ref, scope);
      case "own":
      case "borrow":
        return `${t.kind}<${this.ref(t.resource, scope)}>`;
      case "list":
      case "option":
        return `${t.kind}<${this.type(t.type, scope)}>`;
      case "fixed-length-list":
        return `list<${this.type(t.type, scope)}, ${t.size}>`;
      case "map":
        return `map<${this.type(t.key, scope)}, ${this.type(t.value, scope)}>`;
      case "tuple":
        return `tuple<${t.types.map((x) => this.type(x, scope)).join(", ")}>`;
      case "result":
        if (!t.ok && !t.err) return "result";
        if (!t.err) return `result<${this.type(t.ok!, scope)}>`;
        return `result<${t.ok ? this.type(t.ok, scope) : "_"}, ${this.type(t.err, scope)}>`;
      case "future":
      case "stream":
        return t.type ? `${t.kind}<${this.type(t.type, scope)}>` : t.kind;
    }
  }

  /** `use` path of the interface owning `owner`'s types, seen from package `fromPkg`. */
  private usePath(owner: string, fromPkg: string): string {
    const iface = this.interfaces.get(owner);
    if (!iface || iface.name === undefined) {
      throw new DecodeError(`a type of \`${owner}\` is used, but only types of named interfaces can be used`);
    }
    return iface.pkg === fromPkg ? id(iface.name) : idPath(owner);
  }

  private attrs(externalId: string | undefined, indent: string): string {
    return externalId === undefined ? "" : `${indent}@external-id(${quote(externalId)})\n`;
  }

  private funcSig(f: MFunc, scope: string, skipSelf: boolean): string {
    const params = (skipSelf ? f.params.slice(1) : f.params).map((p) => `${id(p.name)}: ${this.type(p.type, scope)}`);
    const result = f.result ? ` -> ${this.type(f.result, scope)}` : "";
    return `(${params.join(", ")})${result}`;
  }

  /** Type definitions that are not aliases into other owners (those become `use`s). */
  private typeDef(name: string, d: MTypeDef, scope: string, indent: string, resourceBody: string | undefined): string {
    const head = this.attrs(d.externalId, indent) + indent;
    switch (d.kind) {
      case "resource":
        return resourceBody
          ? `${head}resource ${id(name)} {\n${resourceBody}${indent}}\n`
          : `${head}resource ${id(name)};\n`;
      case "alias":
        return `${head}type ${id(name)} = ${this.ref(d.target, scope)};\n`;
      case "record":
        return `${head}record ${id(name)} {\n${d.fields.map((f) => `${indent}  ${id(f.name)}: ${this.type(f.type, scope)},\n`).join("")}${indent}}\n`;
      case "variant":
        return `${head}variant ${id(name)} {\n${d.cases
          .map((c) => `${indent}  ${id(c.name)}${c.type ? `(${this.type(c.type, scope)})` : ""},\n`)
          .join("")}${indent}}\n`;
      case "enum":
        return `${head}enum ${id(name)} {\n${d.names.map((n) => `${indent}  ${id(n)},\n`).join("")}${indent}}\n`;
      case "flags":
        return `${head}flags ${id(name)} {\n${d.names.map((n) => `${indent}  ${id(n)},\n`).join("")}${indent}}\n`;
      case "type":
        return `${head}type ${id(name)} = ${this.type(d.type, scope)};\n`;
    }
  }

  /** A resource function, printed inside its resource block. */
  private resourceFunc(f: MFunc, parsed: ResourceFunc, scope: string, indent: string): string {
    const head = this.attrs(f.externalId, indent) + indent;
    if (parsed.kind === "constructor") {
      const r = f.result;
      const ownsIt = (t: WType | undefined) =>
        t?.kind === "own" && t.resource.owner === scope && t.resource.name === parsed.resource;
      let result = "";
      if (ownsIt(r)) result = "";
      else if (r?.kind === "result" && ownsIt(r.ok)) {
        result = ` -> result<${id(parsed.resource)}${r.err ? `, ${this.type(r.err, scope)}` : ""}>`;
      } else throw new DecodeError(`constructor \`${f.name}\` does not return its resource`);
      const params = f.params.map((p) => `${id(p.name)}: ${this.type(p.type, scope)}`);
      return `${head}constructor(${params.join(", ")})${result};\n`;
    }
    if (parsed.kind === "freestanding") throw new Error("unreachable");
    const async = parsed.async || f.async ? "async " : "";
    if (parsed.kind === "static")
      return `${head}${id(parsed.name)}: static ${async}func${this.funcSig(f, scope, false)};\n`;
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
    return `${head}${id(parsed.name)}: ${async}func${this.funcSig(f, scope, true)};\n`;
  }

  private freeFunc(f: MFunc, parsed: ResourceFunc & { kind: "freestanding" }, scope: string): string {
    const async = parsed.async || f.async ? "async " : "";
    return `${async}func${this.funcSig(f, scope, false)};\n`;
  }

  /**
   * The items of an interface (or of a world's types): `use`s, types with
   * their resource functions, then the other functions.
   */
  private scopeItems(scope: string, pkg: string, types: [string, MTypeDef][], funcs: MFunc[], indent: string): string {
    const resourceFuncs = new Map<string, string>();
    const free: string[] = [];
    const resources = new Set(types.filter(([, d]) => d.kind === "resource").map(([n]) => n));
    for (const f of funcs) {
      const parsed = parseFuncName(f.name);
      if (parsed.kind === "freestanding") {
        free.push(`${this.attrs(f.externalId, indent)}${indent}${id(parsed.name)}: ${this.freeFunc(f, parsed, scope)}`);
        continue;
      }
      if (!resources.has(parsed.resource)) {
        throw new DecodeError(
          `function \`${f.name}\` belongs to \`${parsed.resource}\`, which is not a resource defined here`,
        );
      }
      const text = this.resourceFunc(f, parsed, scope, indent + "  ");
      resourceFuncs.set(parsed.resource, (resourceFuncs.get(parsed.resource) ?? "") + text);
    }
    let out = "";
    const uses = new Map<string, string[]>();
    for (const [name, d] of types) {
      if (d.kind !== "alias" || d.target.owner === scope) continue;
      const path = this.usePath(d.target.owner, pkg);
      const list = uses.get(path) ?? [];
      list.push(d.target.name === name ? id(name) : `${id(d.target.name)} as ${id(name)}`);
      uses.set(path, list);
    }
    for (const [path, names] of uses) out += `${indent}use ${path}.{${names.join(", ")}};\n`;
    for (const [name, d] of types) {
      if (d.kind === "alias" && d.target.owner !== scope) continue;
      out += this.typeDef(name, d, scope, indent, resourceFuncs.get(name));
    }
    out += free.join("");
    return out;
  }

  private interfaceBody(iface: MInterface, pkg: string, indent: string): string {
    return this.scopeItems(iface.key, pkg, [...iface.types], [...iface.funcs.values()], indent);
  }

  private worldBody(world: MWorld, pkg: string): string {
    const indent = "  ";
    const types: [string, MTypeDef][] = [];
    const resourceFuncs: MFunc[] = [];
    let out = "";
    const item = (dir: "import" | "export", it: MItem) => {
      switch (it.kind) {
        case "interface": {
          const iface = this.interfaces.get(it.id);
          const path = iface && iface.pkg === pkg ? id(iface.name!) : idPath(it.id);
          out += `${this.attrs(it.externalId, indent)}${indent}${dir} ${path};\n`;
          break;
        }
        case "implements": {
          const iface = this.interfaces.get(it.id);
          const path = iface && iface.pkg === pkg ? id(iface.name!) : idPath(it.id);
          out += `${this.attrs(it.externalId, indent)}${indent}${dir} ${id(it.name)}: ${path};\n`;
          break;
        }
        case "inline":
          out += `${this.attrs(it.externalId, indent)}${indent}${dir} ${id(it.name)}: interface {\n${this.interfaceBody(it.iface, pkg, indent + "  ")}${indent}}\n`;
          break;
        case "func": {
          const parsed = parseFuncName(it.func.name);
          if (parsed.kind !== "freestanding") {
            if (dir === "export")
              throw new DecodeError(`resource function \`${it.name}\` cannot be exported from a world`);
            resourceFuncs.push(it.func);
            break;
          }
          out += `${this.attrs(it.func.externalId, indent)}${indent}${dir} ${id(parsed.name)}: ${this.freeFunc(it.func, parsed, world.key)}`;
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
    const typeText = this.scopeItems(world.key, pkg, types, resourceFuncs, indent);
    return typeText + out;
  }
}
