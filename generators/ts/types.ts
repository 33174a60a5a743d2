/**
 * TypeScript types for WIT types, and the namespaces that declare a world's
 * named types (one namespace per interface, one for the world's own types).
 */
import type { AbiLayout } from "../../ir/abi/layout.js";
import type { Resolve } from "../../ir/resolve.js";
import type { Function, InterfaceId, Type, TypeId, WorldId } from "../../ir/types.js";
import { camelCase, jsDoc, propertyKey, staticName, typeName, valueName } from "./naming.js";

export const typedArrays: Record<string, string> = {
  u8: "Uint8Array",
  s8: "Int8Array",
  u16: "Uint16Array",
  s16: "Int16Array",
  u32: "Uint32Array",
  s32: "Int32Array",
  u64: "BigUint64Array",
  s64: "BigInt64Array",
  f32: "Float32Array",
  f64: "Float64Array",
};

const primitives: Record<string, string> = {
  bool: "boolean",
  u8: "number",
  s8: "number",
  u16: "number",
  s16: "number",
  u32: "number",
  s32: "number",
  u64: "bigint",
  s64: "bigint",
  f32: "number",
  f64: "number",
  char: "string",
  string: "string",
  "error-context": "Error",
};

/** Where each interface's and the world's types are declared. */
export class TsNames {
  readonly namespaces = new Map<InterfaceId | "world", string>();

  constructor(
    readonly resolve: Resolve,
    readonly world: WorldId,
  ) {
    const taken = new Set<string>();
    const claim = (base: string) => {
      let name = base;
      for (let i = 2; taken.has(name); i++) name = `${base}${i}`;
      taken.add(name);
      return name;
    };
    const w = resolve.worlds[world];
    for (const items of [w.imports, w.exports]) {
      for (const { key, item } of items.values()) {
        if (item.kind !== "interface" || this.namespaces.has(item.id)) continue;
        let base: string;
        if (key.kind === "name") base = typeName(key.name);
        else {
          const iface = resolve.interfaces[item.id];
          const pkg = resolve.packages[iface.package!].name;
          base = typeName(`${pkg.namespace}-${pkg.name}-${iface.name}`);
        }
        this.namespaces.set(item.id, claim(base));
      }
    }
    this.namespaces.set("world", claim(`${typeName(w.name)}World`));
  }

  /** The qualified name of a named type. */
  qualified(id: TypeId): string {
    const def = this.resolve.types[id];
    const owner = def.owner;
    const ns = owner.kind === "interface" ? this.namespaces.get(owner.id) : this.namespaces.get("world");
    if (ns === undefined) throw new Error(`type ${def.name} belongs to an interface outside the world`);
    return `${ns}.${typeName(def.name!)}`;
  }
}

/** TypeScript type expressions for WIT types. */
export class TsTypes {
  constructor(
    readonly resolve: Resolve,
    readonly layout: AbiLayout,
    readonly names: TsNames,
    private readonly resourceSide: Map<TypeId, "imported" | "exported">,
  ) {}

  /**
   * The type of a value of `t` as JS code sees it. `toGuest`: a value JS
   * gives the guest (an export's parameter, an import's result), where a
   * stream may be any source (a web stream, an async iterable or an
   * iterable) and a future a promise-like or the value itself. A named type
   * is referred to by its name, which has the shape of a value JS receives.
   */
  expr(t: Type, toGuest = false): string {
    if (typeof t === "string") return primitives[t] ?? "never";
    const def = this.resolve.types[t];
    if (def.name !== undefined) {
      if (def.kind.kind === "resource") return this.names.qualified(t);
      return this.names.qualified(t);
    }
    return this.structural(t, toGuest);
  }

  /**
   * The type of a type definition, ignoring its name; `inner` writes the
   * types it is made of (by default as `expr` does).
   */
  structural(id: TypeId, toGuest = false, inner?: (t: Type) => string): string {
    const kind = this.resolve.types[id].kind;
    const expr = inner ?? ((t: Type) => this.expr(t, toGuest));
    switch (kind.kind) {
      case "type":
        return expr(kind.type);
      case "list": {
        const el = this.layout.dealias(kind.type);
        if (typeof el === "string" && typedArrays[el]) return typedArrays[el];
        return `Array<${expr(kind.type)}>`;
      }
      case "fixed-length-list":
        return `Array<${expr(kind.type)}>`;
      case "map":
        return `Map<${expr(kind.key)}, ${expr(kind.value)}>`;
      case "tuple":
        return `[${kind.types.map((x) => expr(x)).join(", ")}]`;
      case "option": {
        if (this.isTaggedOption(id)) return `{ tag: "none" } | { tag: "some"; val: ${expr(kind.type)} }`;
        return `${expr(kind.type)} | undefined`;
      }
      case "result":
        return `{ tag: "ok"; val: ${this.payload(kind.ok, expr)} } | { tag: "err"; val: ${this.payload(kind.err, expr)} }`;
      case "handle":
        return this.expr(kind.resource, toGuest);
      case "record":
        return `{ ${kind.fields.map((f) => `${this.fieldKey(f.name, f.type)}: ${expr(f.type)}`).join("; ")} }`;
      case "flags":
        return `{ ${kind.flags.map((f) => `${propertyKey(camelCase(f.name))}?: boolean`).join("; ")} }`;
      case "enum":
        return kind.cases.map((c) => JSON.stringify(c.name)).join(" | ");
      case "variant":
        return kind.cases
          .map((c) => `{ tag: ${JSON.stringify(c.name)}${c.type === undefined ? "" : `; val: ${expr(c.type)}`} }`)
          .join(" | ");
      case "resource":
        return "never";
      case "future": {
        // Given to the host as a promise; a promise-like or a plain value is accepted from it.
        const value = kind.type === undefined ? "void" : expr(kind.type);
        return toGuest ? `PromiseLike<${value}> | ${value}` : `Promise<${value}>`;
      }
      case "stream": {
        // Given to the host as a web stream (of byte chunks for `stream<u8>`); an iterable is accepted from it.
        const bytes = kind.type !== undefined && this.layout.dealias(kind.type) === "u8";
        const item = bytes ? "Uint8Array" : kind.type === undefined ? "void" : expr(kind.type);
        return toGuest
          ? `ReadableStream<${item}> | AsyncIterable<${item}> | Iterable<${item}>`
          : `ReadableStream<${item}>`;
      }
      default:
        return "never";
    }
  }

  /** A record field's key; a field of an (untagged) option type may be left out, as `none`. */
  private fieldKey(name: string, t: Type): string {
    const key = propertyKey(camelCase(name));
    const d = this.layout.dealias(t);
    const optional = typeof d === "number" && this.resolve.types[d].kind.kind === "option" && !this.isTaggedOption(d);
    return optional ? `${key}?` : key;
  }

  private payload(t: Type | undefined, expr: (t: Type) => string): string {
    return t === undefined ? "undefined" : expr(t);
  }

  /** An option whose payload is itself an option is represented tagged, as jco does. */
  isTaggedOption(id: TypeId): boolean {
    const kind = this.resolve.types[id].kind;
    if (kind.kind !== "option") return false;
    const inner = this.layout.dealias(kind.type);
    return typeof inner === "number" && this.resolve.types[inner].kind.kind === "option";
  }

  /** The type a function returns to JS: a direct `result<T, E>` becomes `T` (errors are thrown). */
  returnType(func: Function, toGuest = false): string {
    if (func.result === undefined) return "void";
    const r = this.directResult(func);
    if (r) return r.ok === undefined ? "void" : this.expr(r.ok, toGuest);
    return this.expr(func.result, toGuest);
  }

  /** The `result` a function returns directly, if it does. */
  directResult(func: Function): { ok: Type | undefined; err: Type | undefined } | undefined {
    if (func.result === undefined) return undefined;
    const t = this.layout.dealias(func.result);
    if (typeof t !== "number") return undefined;
    const kind = this.resolve.types[t].kind;
    return kind.kind === "result" ? { ok: kind.ok, err: kind.err } : undefined;
  }

  /**
   * A function's parameters and result as JavaScript sees them from `side`:
   * an export is called by JS, an import implemented by it. An async export
   * takes trailing options (its `AbortSignal`: aborting it cancels the task)
   * and returns a promise; an async import may answer at once or with a
   * promise, and sees the guest's cancellation through its signal.
   */
  signature(
    func: Function,
    side: "import" | "export",
    skipSelf = false,
  ): { params: string; result: string; options?: string } {
    const params = this.params(func, skipSelf, side === "export");
    const result = this.returnType(func, side === "import");
    if (!func.kind.kind.startsWith("async")) return { params, result };
    // The trailing options, named apart from the WIT parameters.
    let options = "options";
    while (func.params.some((p) => valueName(p.name) === options)) options += "_";
    const signal = side === "import" ? "signal: AbortSignal" : "signal?: AbortSignal";
    return {
      params: [params, `${options}?: { ${signal} }`].filter((p) => p !== "").join(", "),
      result: side === "import" ? `${result} | PromiseLike<${result}>` : this.promiseOf(func),
      options,
    };
  }

  /**
   * The promise an async export gives: of its return type, but of a future's
   * value when it returns a future (promises flatten).
   */
  promiseOf(func: Function): string {
    const result = this.returnType(func);
    const t = func.result === undefined ? undefined : this.layout.dealias(func.result);
    const future = typeof t === "number" && this.resolve.types[t].kind.kind === "future";
    return future && !this.directResult(func) ? result : `Promise<${result}>`;
  }

  /** Parameters as `name: Type` (the `self` of a method is left out). */
  params(func: Function, skipSelf: boolean, toGuest = false): string {
    const params = skipSelf ? func.params.slice(1) : func.params;
    return params.map((p) => `${valueName(p.name)}: ${this.expr(p.type, toGuest)}`).join(", ");
  }

  /** Declarations of the named types of one interface (or of the world). */
  declarations(types: Map<string, TypeId>, functionsByResource: Map<TypeId, Function[]>): string {
    let out = "";
    for (const [name, id] of types) {
      const def = this.resolve.types[id];
      const doc = jsDoc(def.docs.contents);
      const tsName = typeName(name);
      const kind = def.kind;
      if (kind.kind === "record") {
        out += `${doc}export interface ${tsName} {\n`;
        for (const f of kind.fields)
          out += `${jsDoc(f.docs.contents)}${this.fieldKey(f.name, f.type)}: ${this.expr(f.type)};\n`;
        out += "}\n";
      } else if (kind.kind === "flags") {
        out += `${doc}export interface ${tsName} {\n`;
        for (const f of kind.flags) out += `${jsDoc(f.docs.contents)}${propertyKey(camelCase(f.name))}?: boolean;\n`;
        out += "}\n";
      } else if (kind.kind === "resource") {
        out += this.resourceDeclaration(id, tsName, doc, functionsByResource.get(id) ?? []);
      } else if (kind.kind === "type" && typeof kind.type === "number" && this.isResource(kind.type)) {
        const target = this.names.qualified(this.layout.resourceOf(kind.type));
        out += `${doc}export type ${tsName} = ${target};\nexport type ${tsName}Class = ${target}Class;\n`;
      } else {
        out += `${doc}export type ${tsName} = ${this.structural(id)};\n`;
      }
    }
    return out;
  }

  isResource(id: TypeId): boolean {
    return this.resolve.types[this.layout.resourceOf(id)].kind.kind === "resource";
  }

  private resourceDeclaration(id: TypeId, tsName: string, doc: string, funcs: Function[]): string {
    let instance = `${doc}export interface ${tsName} {\n`;
    let statics = `/** The class of \`${tsName}\`: its constructor and static functions. */\nexport interface ${tsName}Class {\n`;
    const side = this.resourceSide.get(id) === "exported" ? "export" : "import";
    for (const f of funcs) {
      const fdoc = jsDoc(f.docs.contents);
      const kind = plainKind(f);
      if (kind === "constructor") {
        statics += `${fdoc}new (${this.params(f, false, side === "export")}): ${tsName};\n`;
      } else if (kind === "method") {
        const sig = this.signature(f, side, true);
        instance += `${fdoc}${propertyKey(camelCase(methodName(f.name)))}(${sig.params}): ${sig.result};\n`;
      } else if (kind === "static") {
        const sig = this.signature(f, side);
        statics += `${fdoc}${propertyKey(staticName(methodName(f.name)))}(${sig.params}): ${sig.result};\n`;
      }
    }
    instance +=
      this.resourceSide.get(id) === "exported"
        ? `/** Drops the handle; the guest's destructor runs. */\n[Symbol.dispose](): void;\n}\n`
        : `/** Called when the guest drops a handle it owns. */\n[Symbol.dispose]?(): void;\n}\n`;
    statics += "}\n";
    return instance + statics;
  }
}

/** What a function is, async or not: a freestanding function, a constructor, a method or a static function. */
export function plainKind(f: Function): "freestanding" | "constructor" | "method" | "static" {
  const k = f.kind.kind;
  return k === "async-freestanding"
    ? "freestanding"
    : k === "async-method"
      ? "method"
      : k === "async-static"
        ? "static"
        : k;
}

/** `[method]r.name` → `name`, `[static]r.name` → `name`. */
export function methodName(full: string): string {
  const dot = full.indexOf(".");
  return dot >= 0 ? full.slice(dot + 1) : full.replace(/^\[[a-z-]+\]/, "");
}

/** The resource functions of an interface (or world), grouped by resource. */
export function functionsByResource(functions: Iterable<Function>): Map<TypeId, Function[]> {
  const map = new Map<TypeId, Function[]>();
  for (const f of functions) {
    if ("resource" in f.kind) {
      const list = map.get(f.kind.resource) ?? [];
      list.push(f);
      map.set(f.kind.resource, list);
    }
  }
  return map;
}
