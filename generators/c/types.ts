/**
 * C types for WIT types: the typedefs of the header, their `*_free`
 * functions, and the handle types and intrinsics of resources.
 *
 * Names follow wit-bindgen's C generator: a named type is
 * `<owner>_<name>_t`, the owner being the interface identifier (with
 * `exports_` when it is defined for an exported interface) or the world; an
 * anonymous type is named after its structure (`list_string`,
 * `option_u32`, `tuple2_u8_string`, `result_void_string`, `own_r`) under the
 * world when it only holds primitives and strings, under the interface
 * otherwise.
 *
 * The same WIT type gets different C types when its interface is both
 * imported and exported, so names live in a map per phase: imports first,
 * then (keeping the imported types that exported interfaces refer to) the
 * exports.
 */
import { CRefusal } from "./refusal.js";
import type { Resolve } from "../../ir/resolve.js";
import type { InterfaceId, Type, TypeDef, TypeId, WorldId, WorldKey } from "../../ir/types.js";
import type { ResourceSide } from "../../ir/abi/instructions.js";
import { AbiLayout, discriminantSize, flagsSize } from "../../ir/abi/layout.js";
import { cIdent, docComment, interfaceIdentifier, shouty, snake } from "./naming.js";

/** Where types are being defined: an interface (imported or exported) or the world itself. */
export interface TypeContext {
  key: WorldKey | undefined;
  iface: InterfaceId | undefined;
  inImport: boolean;
  /** The core module the guest imports this interface's functions from (imports only). */
  module: string | undefined;
}

export interface ResourceInfo {
  side: ResourceSide;
  own: string;
  borrow: string;
  /** The C name of the `[resource-drop]` import. */
  dropImport: string;
}

const primitives: Record<string, string> = {
  bool: "bool",
  char: "uint32_t",
  u8: "uint8_t",
  s8: "int8_t",
  u16: "uint16_t",
  s16: "int16_t",
  u32: "uint32_t",
  s32: "int32_t",
  u64: "uint64_t",
  s64: "int64_t",
  f32: "float",
  f64: "double",
};

const intRepr = { 1: "uint8_t", 2: "uint16_t", 4: "uint32_t" } as const;

/** The types of a world's C bindings and the header and helper code defining them. */
export class CTypes {
  readonly layout: AbiLayout;
  /** The world's name in snake case: the prefix of world-level names. */
  readonly world: string;
  needsString = false;
  /** Whether the world uses `error-context` values (their C type and helpers are defined with the async helpers). */
  needsErrorContext = false;
  /** C names of types in the current phase. */
  private names = new Map<TypeId, string>();
  /** C type names already defined, across phases. */
  private defined = new Set<string>();
  /** `*_free` functions by the C name of the type they free. */
  private dtors = new Map<string, string>();
  private resources = new Map<TypeId, ResourceInfo>();

  /** Typedefs, in definition order. */
  hDefs: string[] = [];
  /** Declarations of helper functions (`*_free`, resource intrinsics). */
  hHelpers: string[] = [];
  /** Definitions of helper functions. */
  cHelpers: string[] = [];

  constructor(
    readonly resolve: Resolve,
    readonly worldId: WorldId,
    worldName: string,
    readonly encoding: "utf8" | "utf16" | "compact-utf16",
    /** C prefixes replacing interface identifiers, by the interface's world name (`ns:pkg/iface`). */
    readonly renames: ReadonlyMap<string, string> = new Map(),
    /** Exports drop the borrows they receive (`--autodrop-borrows yes`): no `_drop_borrow` helper. */
    readonly autodropBorrows = false,
    /**
     * Option parameters as `T *maybe_x`, option and result returns as a bool
     * and out-pointers (wit-bindgen's signature flattening; off with
     * `--no-sig-flattening`).
     */
    readonly sigFlattening = true,
  ) {
    this.layout = new AbiLayout(resolve);
    this.world = snake(worldName);
  }

  get charType(): string {
    return this.encoding === "utf16" ? "uint16_t" : "uint8_t";
  }

  /** The C type of a use of `t`. */
  name(t: Type): string {
    if (typeof t === "string") {
      if (t === "string") {
        this.needsString = true;
        return `${this.world}_string_t`;
      }
      if (t === "error-context") {
        this.needsErrorContext = true;
        return `${this.world}_error_context_t`;
      }
      const p = primitives[t];
      if (p === undefined) throw new Error(`no C type for \`${t}\``);
      return p;
    }
    const name = this.names.get(t);
    if (name === undefined)
      throw new Error(`C type of type ${t} (${this.resolve.types[t].name ?? "anonymous"}) not defined yet`);
    return name;
  }

  resource(id: TypeId): ResourceInfo {
    const info = this.resources.get(this.layout.resourceOf(id));
    if (info === undefined) throw new Error(`resource ${this.resolve.types[id].name} has no C handle types`);
    return info;
  }

  /** Whether a value of `t` may hold a borrow of an imported resource (one this glue would have to drop). */
  holdsImportedBorrow(t: Type, seen = new Set<TypeId>()): boolean {
    if (typeof t === "string" || seen.has(t)) return false;
    seen.add(t);
    const kind = this.resolve.types[t]!.kind;
    const any = (ts: (Type | undefined)[]): boolean =>
      ts.some((x) => x !== undefined && this.holdsImportedBorrow(x, seen));
    switch (kind.kind) {
      case "handle":
        return kind.handle === "borrow" && this.resource(kind.resource).side === "imported";
      case "type":
      case "option":
      case "list":
        return any([kind.type]);
      case "record":
        return any(kind.fields.map((f) => f.type));
      case "tuple":
        return any(kind.types);
      case "variant":
        return any(kind.cases.map((c) => c.type));
      case "result":
        return any([kind.ok, kind.err]);
      case "map":
        return any([kind.key, kind.value]);
      default:
        return false;
    }
  }

  /** The `*_free` call for a value of `t` at `expr` (a pointer), or "" when it owns nothing. */
  freeCall(t: Type, expr: string): string {
    if (t === "string") return `${this.world}_string_free(${expr});\n`;
    if (typeof t === "string") return "";
    const dtor = this.dtors.get(this.name(t));
    return dtor === undefined ? "" : `${dtor}(${expr});\n`;
  }

  /**
   * Starts the export phase: only the imported types that exported
   * interfaces refer to keep their C names; every other type is named anew
   * for the exports.
   */
  startExports(): void {
    const keep = importedTypesUsedByExports(this.resolve, this.worldId);
    for (const id of [...this.names.keys()]) if (!keep.has(id)) this.names.delete(id);
    for (const id of [...this.resources.keys()]) if (!keep.has(id)) this.resources.delete(id);
  }

  /** Defines every type of `ids` (in order, dependencies first) not yet named. */
  defineLive(ctx: TypeContext, ids: TypeId[]): void {
    for (const id of ids) {
      if (this.names.has(id)) continue;
      const def = this.resolve.types[id];
      if (def.name !== undefined) {
        const name = `${this.ownerNamespace(ctx, id)}_${snake(def.name)}_t`;
        this.names.set(id, name);
        if (this.defined.has(name) && def.kind.kind !== "resource") continue;
        this.defineNamed(ctx, id, def);
      } else {
        const encoded = this.encodedName(id);
        const name = this.isPrimitiveComposite(id)
          ? `${this.world}_${encoded}_t`
          : `${this.ownerNamespace(ctx, id)}_${encoded}_t`;
        this.names.set(id, name);
        if (this.defined.has(name)) continue;
        this.defined.add(name);
        if (def.kind.kind === "handle" && this.layout.resourceOf(def.kind.resource) === def.kind.resource) continue;
        this.defineAnonymous(id, def);
      }
      this.defineDtor(id);
    }
  }

  private ownerNamespace(ctx: TypeContext, id: TypeId): string {
    const owner = this.resolve.types[id].owner;
    if (owner.kind === "world") return this.world;
    if (owner.kind === "interface" && owner.id !== ctx.iface) {
      // A type of another interface not named yet: name it as that interface's import.
      for (const { key, item } of this.resolve.worlds[this.worldId].imports.values()) {
        if (item.kind === "interface" && item.id === owner.id)
          return interfaceIdentifier(this.resolve, key, false, this.renames);
      }
    }
    if (ctx.key === undefined) return this.world;
    return interfaceIdentifier(this.resolve, ctx.key, !ctx.inImport, this.renames);
  }

  /** The structural part of a type's C name (`list_string`, `option_u32`, a named type's snake name). */
  encodedName(t: Type): string {
    if (typeof t === "string") return t === "char" ? "char32" : t === "error-context" ? "error_context" : t;
    const def = this.resolve.types[t];
    if (def.name !== undefined) return snake(def.name);
    const k = def.kind;
    const opt = (x: Type | undefined) => (x === undefined ? "void" : this.encodedName(x));
    switch (k.kind) {
      case "type":
        return this.encodedName(k.type);
      case "tuple":
        return `tuple${k.types.length}${k.types.map((x) => `_${this.encodedName(x)}`).join("")}`;
      case "option":
        return `option_${this.encodedName(k.type)}`;
      case "result":
        return `result_${opt(k.ok)}_${opt(k.err)}`;
      case "list":
        return `list_${this.encodedName(k.type)}`;
      case "fixed-length-list":
        return `list_${this.encodedName(k.type)}_${k.size}`;
      case "map":
        return `map_${this.encodedName(k.key)}_${this.encodedName(k.value)}`;
      case "future":
        return `future_${opt(k.type)}`;
      case "stream":
        return `stream_${opt(k.type)}`;
      case "handle":
        return `${k.handle}_${this.encodedName(k.resource)}`;
      default:
        throw new Error(`anonymous ${k.kind} type`);
    }
  }

  /** Anonymous types made only of primitives and strings are shared world-wide. */
  private isPrimitiveComposite(t: Type): boolean {
    if (typeof t === "string") return true;
    const def = this.resolve.types[t];
    if (def.name !== undefined) return false;
    const k = def.kind;
    switch (k.kind) {
      case "list":
      case "option":
      case "type":
      case "fixed-length-list":
        return this.isPrimitiveComposite(k.type);
      case "tuple":
        return k.types.every((x) => this.isPrimitiveComposite(x));
      case "map":
        return this.isPrimitiveComposite(k.key) && this.isPrimitiveComposite(k.value);
      default:
        return false;
    }
  }

  private typedefStruct(name: string, body: string, anonymous: boolean): string {
    return `typedef struct ${anonymous ? "" : `${name} `}{\n${body}} ${name};\n`;
  }

  private variantBody(tag: string, members: [string, Type][]): string {
    let body = tag;
    if (members.length > 0) {
      body += "union {\n";
      for (const [member, t] of members) body += `${this.name(t)} ${member};\n`;
      body += "} val;\n";
    }
    return body;
  }

  private structBody(id: TypeId, def: TypeDef, named: boolean): string {
    const k = def.kind;
    switch (k.kind) {
      case "record":
        return k.fields
          .map((f) => `${named ? docComment(f.docs.contents) : ""}${this.name(f.type)} ${cIdent(f.name)};\n`)
          .join("");
      case "tuple":
        return k.types.map((t, i) => `${this.name(t)} f${i};\n`).join("");
      case "option":
        return `bool is_some;\n${this.name(k.type)} val;\n`;
      case "result": {
        const members: [string, Type][] = [];
        if (k.ok !== undefined) members.push(["ok", k.ok]);
        if (k.err !== undefined) members.push(["err", k.err]);
        return this.variantBody("bool is_err;\n", members);
      }
      case "list":
        return `${this.name(k.type)} *ptr;\nsize_t len;\n`;
      case "map":
        return `${this.mapEntryName(id)} *ptr;\nsize_t len;\n`;
      case "fixed-length-list":
        return `${this.name(k.type)} val[${k.size}];\n`;
      default:
        throw new Error(`no struct for ${k.kind}`);
    }
  }

  mapEntryName(id: TypeId): string {
    return `${this.name(id).replace(/_t$/, "")}_entry_t`;
  }

  private mapEntryTypedef(id: TypeId, key: Type, value: Type): string {
    return `typedef struct {\n${this.name(key)} key;\n${this.name(value)} value;\n} ${this.mapEntryName(id)};\n`;
  }

  private defineNamed(ctx: TypeContext, id: TypeId, def: TypeDef): void {
    const name = this.name(id);
    this.defined.add(name);
    const docs = docComment(def.docs.contents);
    const k = def.kind;
    const ns = shouty(this.ownerNamespace(ctx, id));
    const constants = (
      labels: { name: string; docs: { contents: string | undefined } }[],
      value: (i: number) => string,
    ) =>
      labels.length === 0
        ? ""
        : "\n" +
          labels
            .map(
              (l, i) =>
                `${docComment(l.docs.contents)}#define ${ns}_${shouty(def.name!)}_${shouty(l.name)} ${value(i)}\n`,
            )
            .join("");
    switch (k.kind) {
      case "record":
      case "tuple":
      case "option":
      case "result":
      case "list":
      case "fixed-length-list":
        this.hDefs.push(`\n${docs}${this.typedefStruct(name, this.structBody(id, def, true), false)}`);
        return;
      case "map":
        this.hDefs.push(
          `\n${docs}${this.mapEntryTypedef(id, k.key, k.value)}${this.typedefStruct(name, this.structBody(id, def, true), false)}`,
        );
        return;
      case "resource":
        this.defineResource(ctx, id, def.name!);
        return;
      case "flags":
        this.hDefs.push(
          `\n${docs}typedef ${intRepr[cFlagsSize(k.flags.length, name)]} ${name};\n${constants(k.flags, (i) => `(1 << ${i})`)}`,
        );
        return;
      case "enum":
        this.hDefs.push(
          `\n${docs}typedef ${intRepr[discriminantSize(k.cases.length)]} ${name};\n${constants(k.cases, (i) => String(i))}`,
        );
        return;
      case "variant": {
        const members: [string, Type][] = [];
        for (const c of k.cases) if (c.type !== undefined) members.push([cIdent(c.name), c.type]);
        const body = this.variantBody(`${intRepr[discriminantSize(k.cases.length)]} tag;\n`, members);
        this.hDefs.push(`\n${docs}${this.typedefStruct(name, body, false)}${constants(k.cases, (i) => String(i))}`);
        return;
      }
      case "type": {
        const target = this.layout.dealias(id);
        if (typeof target === "number" && this.resolve.types[target].kind.kind === "resource") return;
        this.hDefs.push(`\n${docs}typedef ${this.name(k.type)} ${name};\n`);
        return;
      }
      case "handle": {
        const info = this.resource(k.resource);
        this.hDefs.push(`\n${docs}typedef ${k.handle === "own" ? info.own : info.borrow} ${name};\n`);
        return;
      }
      case "future":
      case "stream":
        this.hDefs.push(`\n${docs}typedef uint32_t ${name};\n`);
        return;
      case "unknown":
        throw new Error(`type ${def.name} is not resolved`);
    }
  }

  private defineAnonymous(id: TypeId, def: TypeDef): void {
    const name = this.name(id);
    const k = def.kind;
    switch (k.kind) {
      case "handle": {
        const info = this.resource(k.resource);
        this.hDefs.push(`\ntypedef ${k.handle === "own" ? info.own : info.borrow} ${name};\n`);
        return;
      }
      case "future":
      case "stream":
        this.hDefs.push(`\ntypedef uint32_t ${name};\n`);
        return;
      case "map":
        this.hDefs.push(
          `\n${this.mapEntryTypedef(id, k.key, k.value)}${this.typedefStruct(name, this.structBody(id, def, false), true)}`,
        );
        return;
      default:
        this.hDefs.push(`\n${this.typedefStruct(name, this.structBody(id, def, false), true)}`);
    }
  }

  private defineDtor(id: TypeId): void {
    const name = this.name(id);
    if (this.dtors.has(name)) return;
    const k = this.resolve.types[id].kind;
    let body = "";
    switch (k.kind) {
      case "type":
        body = this.freeCall(k.type, "ptr");
        break;
      case "record":
        body = k.fields.map((f) => this.freeCall(f.type, `&ptr->${cIdent(f.name)}`)).join("");
        break;
      case "tuple":
        body = k.types.map((t, i) => this.freeCall(t, `&ptr->f${i}`)).join("");
        break;
      case "fixed-length-list": {
        const inner = this.freeCall(k.type, "&ptr->val[i]");
        if (inner !== "") body = `for (size_t i = 0; i < ${k.size}; i++) {\n${inner}}\n`;
        break;
      }
      case "list":
        body =
          `size_t list_len = ptr->len;\nif (list_len > 0) {\n${this.name(k.type)} *list_ptr = ptr->ptr;\n` +
          `for (size_t i = 0; i < list_len; i++) {\n${this.freeCall(k.type, "&list_ptr[i]")}}\nfree(list_ptr);\n}\n`;
        break;
      case "map":
        body =
          `size_t map_len = ptr->len;\nif (map_len > 0) {\n${this.mapEntryName(id)} *map_ptr = ptr->ptr;\n` +
          `for (size_t i = 0; i < map_len; i++) {\n${this.freeCall(k.key, "&map_ptr[i].key")}` +
          `${this.freeCall(k.value, "&map_ptr[i].value")}}\nfree(map_ptr);\n}\n`;
        break;
      case "variant":
        body = "switch ((int32_t) ptr->tag) {\n";
        k.cases.forEach((c, i) => {
          if (c.type === undefined) return;
          const free = this.freeCall(c.type, `&ptr->val.${cIdent(c.name)}`);
          if (free !== "") body += `case ${i}: {\n${free}break;\n}\n`;
        });
        body += "}\n";
        break;
      case "option":
        body = `if (ptr->is_some) {\n${this.freeCall(k.type, "&ptr->val")}}\n`;
        break;
      case "result":
        body = "if (!ptr->is_err) {\n";
        if (k.ok !== undefined) body += this.freeCall(k.ok, "&ptr->val.ok");
        if (k.err !== undefined) body += `} else {\n${this.freeCall(k.err, "&ptr->val.err")}`;
        body += "}\n";
        break;
      default:
        break;
    }
    if (body === "") return;
    const prefix = name.replace(/_t$/, "");
    this.hHelpers.push(`\nvoid ${prefix}_free(${name} *ptr);\n`);
    this.cHelpers.push(`\nvoid ${prefix}_free(${name} *ptr) {\n${body}}\n`);
    this.dtors.set(name, `${prefix}_free`);
  }

  private defineResource(ctx: TypeContext, id: TypeId, wit: string): void {
    const ns = this.ownerNamespace(ctx, id);
    const s = snake(wit);
    const own = `${ns}_own_${s}_t`;
    const borrow = `${ns}_borrow_${s}_t`;
    const dropImport = `__wasm_import_${ns}_${s}_drop`;
    const imported = ctx.inImport;
    const keyName = ctx.key === undefined ? undefined : this.resolve.nameWorldKey(ctx.key);
    const module = imported ? (ctx.module ?? "$root") : `[export]${keyName}`;
    this.hHelpers.push(`\nextern void ${ns}_${s}_drop_own(${own} handle);\n`);
    this.cHelpers.push(
      `\n__attribute__((__import_module__("${module}"), __import_name__("[resource-drop]${wit}")))\n` +
        `extern void ${dropImport}(int32_t handle);\n\n` +
        `void ${ns}_${s}_drop_own(${own} handle) {\n${dropImport}(handle.__handle);\n}\n`,
    );
    this.hDefs.push(`\ntypedef struct ${own} {\nint32_t __handle;\n} ${own};\n`);
    if (imported) {
      this.hDefs.push(`\ntypedef struct ${borrow} {\nint32_t __handle;\n} ${borrow};\n`);
      if (!this.autodropBorrows) {
        this.hHelpers.push(`\nextern void ${ns}_${s}_drop_borrow(${borrow} handle);\n`);
        this.cHelpers.push(`\nvoid ${ns}_${s}_drop_borrow(${borrow} handle) {\n${dropImport}(handle.__handle);\n}\n`);
      }
      this.hHelpers.push(`\nextern ${borrow} ${ns}_borrow_${s}(${own} handle);\n`);
      this.cHelpers.push(`\n${borrow} ${ns}_borrow_${s}(${own} arg) {\nreturn (${borrow}) { arg.__handle };\n}\n`);
    } else {
      const rep = this.name(id);
      this.hDefs.push(`\ntypedef struct ${rep} ${rep};\n`);
      this.hDefs.push(`\ntypedef ${rep}* ${borrow};\n`);
      this.hHelpers.push(
        `\nextern ${own} ${ns}_${s}_new(${rep} *rep);\n` +
          `extern ${rep}* ${ns}_${s}_rep(${own} handle);\n` +
          `void ${ns}_${s}_destructor(${rep} *rep);\n`,
      );
      this.cHelpers.push(
        `\n__attribute__((__import_module__("[export]${keyName}"), __import_name__("[resource-new]${wit}")))\n` +
          `extern int32_t __wasm_import_${ns}_${s}_new(int32_t);\n\n` +
          `__attribute__((__import_module__("[export]${keyName}"), __import_name__("[resource-rep]${wit}")))\n` +
          `extern int32_t __wasm_import_${ns}_${s}_rep(int32_t);\n\n` +
          `${own} ${ns}_${s}_new(${rep} *rep) {\nreturn (${own}) { __wasm_import_${ns}_${s}_new((int32_t) (uintptr_t) rep) };\n}\n\n` +
          `${rep}* ${ns}_${s}_rep(${own} handle) {\nreturn (${rep}*) (uintptr_t) __wasm_import_${ns}_${s}_rep(handle.__handle);\n}\n\n` +
          `__attribute__((__export_name__("${keyName}#[dtor]${wit}")))\n` +
          `void __wasm_export_${ns}_${s}_dtor(${rep}* arg) {\n${ns}_${s}_destructor(arg);\n}\n`,
      );
    }
    this.resources.set(id, { side: imported ? "imported" : "exported", own, borrow, dropImport });
  }
}

/** The types a set of interfaces and functions refers to, dependencies first (wit-parser's `LiveTypes`). */
export class LiveTypes {
  private set = new Set<TypeId>();
  readonly order: TypeId[] = [];

  constructor(private readonly resolve: Resolve) {}

  addInterface(id: InterfaceId): void {
    const iface = this.resolve.interfaces[id];
    for (const t of iface.types.values()) this.addTypeId(t);
    for (const f of iface.functions.values()) this.addFunction(f);
  }

  addFunction(f: { params: { type: Type }[]; result: Type | undefined }): void {
    for (const p of f.params) this.addType(p.type);
    if (f.result !== undefined) this.addType(f.result);
  }

  addType(t: Type): void {
    if (typeof t === "number") this.addTypeId(t);
  }

  addTypeId(id: TypeId): void {
    if (this.set.has(id)) return;
    const k = this.resolve.types[id].kind;
    switch (k.kind) {
      case "record":
        k.fields.forEach((f) => this.addType(f.type));
        break;
      case "tuple":
        k.types.forEach((t) => this.addType(t));
        break;
      case "variant":
        k.cases.forEach((c) => c.type !== undefined && this.addType(c.type));
        break;
      case "option":
      case "list":
      case "fixed-length-list":
      case "type":
        this.addType(k.type);
        break;
      case "result":
        if (k.ok !== undefined) this.addType(k.ok);
        if (k.err !== undefined) this.addType(k.err);
        break;
      case "map":
        this.addType(k.key);
        this.addType(k.value);
        break;
      case "handle":
        this.addTypeId(k.resource);
        break;
      case "future":
      case "stream":
        if (k.type !== undefined) this.addType(k.type);
        break;
      default:
        break;
    }
    if (this.set.has(id)) return;
    this.set.add(id);
    this.order.push(id);
  }

  has(id: TypeId): boolean {
    return this.set.has(id);
  }
}

/**
 * The types of imported interfaces that exported interfaces refer to, with
 * everything they refer to: these keep their imported C names in exports.
 */
export function importedTypesUsedByExports(resolve: Resolve, world: WorldId): Set<TypeId> {
  const exported = new Set<InterfaceId>();
  const live = new LiveTypes(resolve);
  for (const { item } of resolve.worlds[world].exports.values()) {
    if (item.kind === "interface") {
      exported.add(item.id);
      live.addInterface(item.id);
    }
  }
  const used = new Set<InterfaceId>();
  for (const id of live.order) {
    const owner = resolve.types[id].owner;
    if (owner.kind === "interface" && !exported.has(owner.id)) used.add(owner.id);
  }
  const importLive = new LiveTypes(resolve);
  for (const id of used) importLive.addInterface(id);
  return new Set(importLive.order);
}

/** The width of flags with `count` labels; the component model allows 1 to 32. */
function cFlagsSize(count: number, name: string): 1 | 2 | 4 {
  if (count === 0 || count > 32)
    throw new CRefusal(`flags \`${name}\` has ${count} labels, and the component model allows 1 to 32`);
  return flagsSize(count);
}
