/**
 * Builders for component binaries (Binary.md): the declarations of component
 * and instance types, and whole components with their index spaces.
 *
 * Every `define*`/`import`/`export`/`alias` method returns the index the new
 * item gets in its index space, so callers never count by hand. Consecutive
 * items of the same section kind share one section, as wasm-tools writes them.
 */
import {
  ByteWriter,
  ComponentSection,
  CoreSort,
  CoreValType,
  PrimitiveValType,
  Sort,
  type CoreSortName,
  type SortName,
} from "./writer.js";

/** A value type: a primitive by WIT name, or the index of a defined type. */
export type ValType = string | number;

/** An import or export name, with the optional attributes of Binary.md's `nameattributes`. */
export interface ExternName {
  name: string;
  implements?: string;
  externalId?: string;
}

/** How an import, export or instance-type declaration is typed. */
export type ExternType =
  | { sort: "module"; coreType: number }
  | { sort: "func"; type: number }
  | { sort: "type"; eq: number }
  | { sort: "type"; subResource: true }
  | { sort: "component"; type: number }
  | { sort: "instance"; type: number };

export function writeValType(w: ByteWriter, t: ValType): void {
  if (typeof t === "number") w.sleb(t);
  else {
    const code = PrimitiveValType[t];
    if (code === undefined) throw new Error(`not a primitive value type: ${t}`);
    w.byte(code);
  }
}

function writeOptional(w: ByteWriter, t: ValType | undefined): void {
  if (t === undefined) w.byte(0x00);
  else {
    w.byte(0x01);
    writeValType(w, t);
  }
}

export function writeExternName(w: ByteWriter, n: ExternName | string): void {
  const name = typeof n === "string" ? { name: n } : n;
  if (name.implements === undefined && name.externalId === undefined) {
    w.byte(0x00).name(name.name);
    return;
  }
  w.byte(0x02).name(name.name);
  const attrs: ((w: ByteWriter) => void)[] = [];
  if (name.implements !== undefined) attrs.push((w) => w.byte(0x00).name(name.implements!));
  if (name.externalId !== undefined) attrs.push((w) => w.byte(0x02).name(name.externalId!));
  w.vec(attrs, (w, a) => a(w));
}

export function writeExternType(w: ByteWriter, t: ExternType): void {
  switch (t.sort) {
    case "module":
      w.byte(0x00).byte(0x11).u32(t.coreType);
      break;
    case "func":
      w.byte(0x01).u32(t.type);
      break;
    case "type":
      w.byte(0x03);
      if ("eq" in t) w.byte(0x00).u32(t.eq);
      else w.byte(0x01);
      break;
    case "component":
      w.byte(0x04).u32(t.type);
      break;
    case "instance":
      w.byte(0x05).u32(t.type);
      break;
  }
}

/** The body of a defined value type, function type or resource type. */
export type TypeDef =
  | { kind: "primitive"; type: string }
  | { kind: "record"; fields: [string, ValType][] }
  | { kind: "variant"; cases: [string, ValType | undefined][] }
  | { kind: "list"; element: ValType; length?: number }
  | { kind: "map"; key: ValType; value: ValType }
  | { kind: "tuple"; types: ValType[] }
  | { kind: "flags"; names: string[] }
  | { kind: "enum"; names: string[] }
  | { kind: "option"; type: ValType }
  | { kind: "result"; ok: ValType | undefined; err: ValType | undefined }
  | { kind: "own"; resource: number }
  | { kind: "borrow"; resource: number }
  | { kind: "future"; type: ValType | undefined }
  | { kind: "stream"; type: ValType | undefined }
  | { kind: "func"; async: boolean; params: [string, ValType][]; result: ValType | undefined }
  | { kind: "resource"; rep: "i32"; dtor: number | undefined }
  | { kind: "component"; decls: Declarations }
  | { kind: "instance"; decls: Declarations };

export function writeTypeDef(w: ByteWriter, t: TypeDef): void {
  switch (t.kind) {
    case "primitive":
      writeValType(w, t.type);
      break;
    case "record":
      w.byte(0x72).vec(t.fields, (w, [n, ty]) => {
        w.name(n);
        writeValType(w, ty);
      });
      break;
    case "variant":
      w.byte(0x71).vec(t.cases, (w, [n, ty]) => {
        w.name(n);
        writeOptional(w, ty);
        w.byte(0x00);
      });
      break;
    case "list":
      if (t.length === undefined) {
        w.byte(0x70);
        writeValType(w, t.element);
      } else {
        w.byte(0x67);
        writeValType(w, t.element);
        w.u32(t.length);
      }
      break;
    case "map":
      w.byte(0x63);
      writeValType(w, t.key);
      writeValType(w, t.value);
      break;
    case "tuple":
      w.byte(0x6f).vec(t.types, writeValType);
      break;
    case "flags":
      w.byte(0x6e).vec(t.names, (w, n) => w.name(n));
      break;
    case "enum":
      w.byte(0x6d).vec(t.names, (w, n) => w.name(n));
      break;
    case "option":
      w.byte(0x6b);
      writeValType(w, t.type);
      break;
    case "result":
      w.byte(0x6a);
      writeOptional(w, t.ok);
      writeOptional(w, t.err);
      break;
    case "own":
      w.byte(0x69).u32(t.resource);
      break;
    case "borrow":
      w.byte(0x68).u32(t.resource);
      break;
    case "stream":
      w.byte(0x66);
      writeOptional(w, t.type);
      break;
    case "future":
      w.byte(0x65);
      writeOptional(w, t.type);
      break;
    case "func":
      w.byte(t.async ? 0x43 : 0x40).vec(t.params, (w, [n, ty]) => {
        w.name(n);
        writeValType(w, ty);
      });
      if (t.result === undefined) w.byte(0x01).byte(0x00);
      else {
        w.byte(0x00);
        writeValType(w, t.result);
      }
      break;
    case "resource":
      w.byte(0x3f).byte(0x7f);
      if (t.dtor === undefined) w.byte(0x00);
      else w.byte(0x01).u32(t.dtor);
      break;
    case "component":
      w.byte(0x41).u32(t.decls.count).append(t.decls.bytes);
      break;
    case "instance":
      w.byte(0x42).u32(t.decls.count).append(t.decls.bytes);
      break;
  }
}

/**
 * The declarations of a component type (`kind` "component") or an instance
 * type ("instance"), with their type and instance index spaces.
 */
export class Declarations {
  readonly bytes = new ByteWriter();
  count = 0;
  typeCount = 0;
  instanceCount = 0;

  constructor(readonly kind: "component" | "instance") {}

  private decl(code: number): ByteWriter {
    this.count++;
    return this.bytes.byte(code);
  }

  defineType(t: TypeDef): number {
    writeTypeDef(this.decl(0x01), t);
    return this.typeCount++;
  }

  /** `(alias outer count index (type))`. */
  aliasOuterType(count: number, index: number): number {
    this.decl(0x02).byte(Sort.type).byte(0x02).u32(count).u32(index);
    return this.typeCount++;
  }

  /** `(alias export instance name (type))`. */
  aliasExportType(instance: number, name: string): number {
    this.decl(0x02).byte(Sort.type).byte(0x00).u32(instance).name(name);
    return this.typeCount++;
  }

  import(name: ExternName | string, type: ExternType): number | undefined {
    if (this.kind !== "component") throw new Error("instance types have no imports");
    const w = this.decl(0x03);
    writeExternName(w, name);
    writeExternType(w, type);
    return this.added(type);
  }

  export(name: ExternName | string, type: ExternType): number | undefined {
    const w = this.decl(0x04);
    writeExternName(w, name);
    writeExternType(w, type);
    return this.added(type);
  }

  private added(type: ExternType): number | undefined {
    if (type.sort === "type") return this.typeCount++;
    if (type.sort === "instance") return this.instanceCount++;
    return undefined;
  }
}

type SectionKind = (typeof ComponentSection)[keyof typeof ComponentSection];

/** Options of `canon lift`/`canon lower`. */
export interface CanonOptions {
  stringEncoding?: "utf8" | "utf16" | "compact-utf16";
  memory?: number;
  realloc?: number;
  postReturn?: number;
  async?: boolean;
  callback?: number;
}

function writeCanonOptions(w: ByteWriter, o: CanonOptions): void {
  const opts: ((w: ByteWriter) => void)[] = [];
  if (o.memory !== undefined) opts.push((w) => w.byte(0x03).u32(o.memory!));
  if (o.realloc !== undefined) opts.push((w) => w.byte(0x04).u32(o.realloc!));
  if (o.stringEncoding !== undefined) {
    const code = o.stringEncoding === "utf8" ? 0 : o.stringEncoding === "utf16" ? 1 : 2;
    opts.push((w) => w.byte(code));
  }
  if (o.async) opts.push((w) => w.byte(0x06));
  if (o.postReturn !== undefined) opts.push((w) => w.byte(0x05).u32(o.postReturn!));
  if (o.callback !== undefined) opts.push((w) => w.byte(0x07).u32(o.callback!));
  w.vec(opts, (w, f) => f(w));
}

/** An item exported by an inline core instance. */
export interface CoreExport {
  name: string;
  sort: CoreSortName;
  index: number;
}

/** A whole component: its sections and its index spaces. */
export class ComponentBuilder {
  /** The component's bytes: its header, then the sections flushed so far. */
  private readonly out = new ByteWriter(1024).raw([0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00]);
  private current: { kind: SectionKind; count: number; body: ByteWriter } | undefined;

  types = 0;
  funcs = 0;
  instances = 0;
  components = 0;
  coreModules = 0;
  coreInstances = 0;
  coreFuncs = 0;
  coreMemories = 0;
  coreTables = 0;
  coreGlobals = 0;
  coreTags = 0;
  coreTypes = 0;

  private item(kind: SectionKind): ByteWriter {
    if (this.current?.kind !== kind) {
      this.flush();
      this.current = { kind, count: 0, body: new ByteWriter() };
    }
    this.current!.count++;
    return this.current!.body;
  }

  private flush(): void {
    if (!this.current) return;
    this.out.vecSection(this.current.kind, this.current.count, this.current.body);
    this.current = undefined;
  }

  private single(kind: SectionKind, payload: Uint8Array): void {
    this.flush();
    this.out.section(kind, payload);
  }

  defineType(t: TypeDef): number {
    writeTypeDef(this.item(ComponentSection.type), t);
    return this.types++;
  }

  import(name: ExternName | string, type: ExternType): number {
    const w = this.item(ComponentSection.import);
    writeExternName(w, name);
    writeExternType(w, type);
    return this.bump(type.sort);
  }

  export(name: ExternName | string, sort: SortName, index: number, ascribed?: ExternType): number {
    const w = this.item(ComponentSection.export);
    writeExternName(w, name);
    w.byte(Sort[sort]).u32(index);
    if (ascribed) {
      w.byte(0x01);
      writeExternType(w, ascribed);
    } else w.byte(0x00);
    return this.bump(sort);
  }

  private bump(sort: SortName | "module"): number {
    switch (sort) {
      case "func":
        return this.funcs++;
      case "type":
        return this.types++;
      case "instance":
        return this.instances++;
      case "component":
        return this.components++;
      case "module":
        return this.coreModules++;
      case "value":
        throw new Error("values are not supported");
    }
  }

  coreModule(bytes: Uint8Array): number {
    this.single(ComponentSection.coreModule, bytes);
    return this.coreModules++;
  }

  component(bytes: Uint8Array): number {
    this.single(ComponentSection.component, bytes);
    return this.components++;
  }

  /** `(core instance (instantiate module (with name (instance i))*))`. */
  instantiateCore(module: number, args: [string, number][]): number {
    const w = this.item(ComponentSection.coreInstance);
    w.byte(0x00)
      .u32(module)
      .vec(args, (w, [n, i]) => w.name(n).byte(CoreSort.instance).u32(i));
    return this.coreInstances++;
  }

  /** `(core instance (export name (sort index))*)`. */
  coreInstanceFromExports(exports: CoreExport[]): number {
    const w = this.item(ComponentSection.coreInstance);
    w.byte(0x01).vec(exports, (w, e) => w.name(e.name).byte(CoreSort[e.sort]).u32(e.index));
    return this.coreInstances++;
  }

  /** `(instance (instantiate component (with name (sort index))*))`. */
  instantiate(component: number, args: [string, SortName, number][]): number {
    const w = this.item(ComponentSection.instance);
    w.byte(0x00)
      .u32(component)
      .vec(args, (w, [n, sort, i]) => w.name(n).byte(Sort[sort]).u32(i));
    return this.instances++;
  }

  /** A core function type in the component's core type section: `(core type (func (param …) (result …)))`. */
  defineCoreFuncType(params: ("i32" | "i64" | "f32" | "f64")[], results: ("i32" | "i64" | "f32" | "f64")[]): number {
    this.item(ComponentSection.coreType)
      .byte(0x60)
      .vec(params, (w, t) => w.byte(CoreValType[t]))
      .vec(results, (w, t) => w.byte(CoreValType[t]));
    return this.coreTypes++;
  }

  /** `(alias core export instance name (core sort))`. */
  aliasCoreExport(instance: number, name: string, sort: CoreSortName): number {
    this.item(ComponentSection.alias).byte(Sort.core).byte(CoreSort[sort]).byte(0x01).u32(instance).name(name);
    switch (sort) {
      case "func":
        return this.coreFuncs++;
      case "memory":
        return this.coreMemories++;
      case "table":
        return this.coreTables++;
      case "global":
        return this.coreGlobals++;
      case "tag":
        return this.coreTags++;
      default:
        throw new Error(`unsupported core alias sort ${sort}`);
    }
  }

  /** `(alias export instance name (sort))`. */
  aliasExport(instance: number, name: string, sort: SortName): number {
    this.item(ComponentSection.alias).byte(Sort[sort]).byte(0x00).u32(instance).name(name);
    return this.bump(sort);
  }

  lift(coreFunc: number, type: number, options: CanonOptions): number {
    const w = this.item(ComponentSection.canon).byte(0x00).byte(0x00).u32(coreFunc);
    writeCanonOptions(w, options);
    w.u32(type);
    return this.funcs++;
  }

  lower(func: number, options: CanonOptions): number {
    const w = this.item(ComponentSection.canon).byte(0x01).byte(0x00).u32(func);
    writeCanonOptions(w, options);
    return this.coreFuncs++;
  }

  /** `(canon task.return (result t)? opts (core func))`. */
  taskReturn(result: ValType | undefined, options: CanonOptions): number {
    const w = this.item(ComponentSection.canon).byte(0x09);
    if (result === undefined) w.byte(0x01).byte(0x00);
    else {
      w.byte(0x00);
      writeValType(w, result);
    }
    writeCanonOptions(w, options);
    return this.coreFuncs++;
  }

  /** Any other canonical built-in (a core function), written by `write`. */
  canon(write: (w: ByteWriter) => void): number {
    write(this.item(ComponentSection.canon));
    return this.coreFuncs++;
  }

  resourceNew(type: number): number {
    this.item(ComponentSection.canon).byte(0x02).u32(type);
    return this.coreFuncs++;
  }

  resourceDrop(type: number): number {
    this.item(ComponentSection.canon).byte(0x03).u32(type);
    return this.coreFuncs++;
  }

  resourceRep(type: number): number {
    this.item(ComponentSection.canon).byte(0x04).u32(type);
    return this.coreFuncs++;
  }

  custom(name: string, data: Uint8Array): void {
    this.flush();
    this.out.custom(name, data);
  }

  finish(): Uint8Array {
    this.flush();
    return this.out.finish();
  }
}
