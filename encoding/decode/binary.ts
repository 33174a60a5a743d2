/**
 * The binary layer of the decoder: reads the type definitions of a component
 * (Binary.md, "Type Definitions" and "Import and Export Definitions") into
 * linked `Entry` objects.
 *
 * Index spaces are resolved while reading: an `alias outer` or an
 * `alias export` yields the very object it names, so object identity is type
 * identity. An export or import of a type (`(type (eq i))`, `(sub resource)`)
 * creates a new entry, as the spec's "new type index" does; `eq` entries keep
 * a link to what they alias.
 *
 * Only what WIT encodings use is accepted: component, instance, function,
 * resource and value types. Core types, values and the sections of actual
 * components are reported as errors.
 */
import type { PrimitiveName } from "../../parser/ast.js";
import { BinaryError, Reader } from "../reader.js";

export class DecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DecodeError";
  }
}

/** A value type: a primitive, or an entry of the type index space. */
export type ValType = PrimitiveName | Entry;

export type Defined =
  | { kind: "primitive"; type: PrimitiveName }
  | { kind: "record"; fields: { name: string; type: ValType }[] }
  | { kind: "variant"; cases: { name: string; type: ValType | undefined }[] }
  | { kind: "list"; type: ValType }
  | { kind: "fixed-length-list"; type: ValType; size: number }
  | { kind: "map"; key: ValType; value: ValType }
  | { kind: "tuple"; types: ValType[] }
  | { kind: "flags"; names: string[] }
  | { kind: "enum"; names: string[] }
  | { kind: "option"; type: ValType }
  | { kind: "result"; ok: ValType | undefined; err: ValType | undefined }
  | { kind: "own" | "borrow"; resource: Entry }
  | { kind: "future" | "stream"; type: ValType | undefined };

/**
 * Visits what a defined type holds directly: its value types (`val`, given
 * `undefined` for an absent payload) and the resource of a handle (`entry`).
 */
export function forEachDefinedChild(
  d: Defined,
  val: (v: ValType | undefined) => void,
  entry: (e: Entry) => void,
): void {
  switch (d.kind) {
    case "record":
      return d.fields.forEach((f) => val(f.type));
    case "variant":
      return d.cases.forEach((c) => val(c.type));
    case "tuple":
      return d.types.forEach(val);
    case "list":
    case "option":
    case "fixed-length-list":
      return val(d.type);
    case "map":
      val(d.key);
      return val(d.value);
    case "result":
      val(d.ok);
      return val(d.err);
    case "own":
    case "borrow":
      return entry(d.resource);
    case "future":
    case "stream":
      return val(d.type);
    default:
      return;
  }
}

export interface NameAttrs {
  implements?: string;
  versionSuffix?: string;
  externalId?: string;
}

/** An import or export declaration of a component or instance type. */
export interface Extern {
  name: string;
  attrs: NameAttrs;
  sort: "func" | "type" | "instance" | "component" | "module";
  /**
   * `func`: the function type; `instance`/`component`: the instance or
   * component type; `type`: the new entry the declaration creates.
   */
  entry: Entry;
}

export type Entry =
  | { kind: "defined"; def: Defined }
  | { kind: "func"; async: boolean; params: { name: string; type: ValType }[]; result: ValType | undefined }
  | { kind: "component"; imports: Extern[]; exports: Extern[] }
  | { kind: "instance"; exports: Extern[] }
  /** A fresh abstract resource type (`(sub resource)`), or a resource type definition. */
  | { kind: "resource"; rep?: "i32"; dtor?: number }
  /** A type created by `(eq i)` in an import or export: an alias of `target`. */
  | { kind: "eq"; target: Entry }
  /** A core type (only skipped over). */
  | { kind: "core" };

const primitives: Record<number, PrimitiveName> = {
  0x7f: "bool",
  0x7e: "s8",
  0x7d: "u8",
  0x7c: "s16",
  0x7b: "u16",
  0x7a: "s32",
  0x79: "u32",
  0x78: "s64",
  0x77: "u64",
  0x76: "f32",
  0x75: "f64",
  0x74: "char",
  0x73: "string",
  0x64: "error-context",
};

/** The index spaces of one scope (a component, a component type or an instance type). */
export class Scope {
  types: Entry[] = [];
  coreTypes: Entry[] = [];
  /** Instance types of the instances in the instance index space. */
  instances: Entry[] = [];
  funcs = 0;
  components = 0;
  modules = 0;

  constructor(readonly outer: Scope | undefined) {}

  type(r: Reader, index: number, offset: number): Entry {
    const t = this.types[index];
    if (t === undefined) r.fail(`type index ${index} out of bounds`, offset);
    return t;
  }
}

/** Reads component-model types out of a binary. */
export class TypeReader {
  constructor(readonly r: Reader) {}

  /** `nameattributes`: a name, with the attributes of the `0x02` form. */
  nameAttrs(): { name: string; attrs: NameAttrs } {
    const r = this.r;
    const start = r.pos;
    const form = r.u8();
    if (form !== 0x00 && form !== 0x01 && form !== 0x02) r.fail(`invalid name form 0x${form.toString(16)}`, start);
    const name = r.name();
    const attrs: NameAttrs = {};
    if (form === 0x02) {
      const n = r.u32();
      for (let i = 0; i < n; i++) {
        const at = r.pos;
        const kind = r.u8();
        const key =
          kind === 0x00 ? "implements" : kind === 0x01 ? "versionSuffix" : kind === 0x02 ? "externalId" : undefined;
        if (key !== undefined && attrs[key] !== undefined) {
          r.fail(`duplicate '${["implements", "versionsuffix", "external-id"][kind]}' option in name`, at);
        }
        if (kind === 0x00) attrs.implements = r.name();
        else if (kind === 0x01) attrs.versionSuffix = r.name();
        else if (kind === 0x02) attrs.externalId = r.name();
        else r.fail(`invalid name attribute 0x${kind.toString(16)}`, at);
      }
    }
    return { name, attrs };
  }

  valType(scope: Scope): ValType {
    const r = this.r;
    const start = r.pos;
    const v = r.s33();
    if (v < 0) {
      const prim = primitives[v + 0x80];
      if (prim === undefined) r.fail(`invalid value type 0x${(v + 0x80).toString(16)}`, start);
      return prim;
    }
    const t = scope.type(r, v, start);
    if (t.kind === "func" || t.kind === "component" || t.kind === "instance" || t.kind === "core") {
      r.fail(`type index ${v} is not a value type`, start);
    }
    return t;
  }

  private optional<T>(f: () => T): T | undefined {
    const r = this.r;
    const at = r.pos;
    const b = r.u8();
    if (b === 0x00) return undefined;
    if (b === 0x01) return f();
    return r.fail(`invalid optional-value flag 0x${b.toString(16)}`, at);
  }

  private resourceRef(scope: Scope): Entry {
    const r = this.r;
    const at = r.pos;
    const t = scope.type(r, r.u32(), at);
    let base: Entry = t;
    while (base.kind === "eq") base = base.target;
    if (base.kind !== "resource") r.fail("handle type does not refer to a resource", at);
    return t;
  }

  /** `deftype` (the first byte is already known not to be a core type). */
  defType(scope: Scope): Entry {
    const r = this.r;
    const start = r.pos;
    const b = r.peek();
    switch (b) {
      case 0x40:
      case 0x43: {
        r.u8();
        const params = r.vec(() => ({ name: r.name(), type: this.valType(scope) }));
        const at = r.pos;
        const tag = r.u8();
        let result: ValType | undefined;
        if (tag === 0x00) result = this.valType(scope);
        else if (tag === 0x01) {
          if (r.u32() !== 0) r.fail("named function results are not supported", at);
        } else r.fail(`invalid function result list 0x${tag.toString(16)}`, at);
        return { kind: "func", async: b === 0x43, params, result };
      }
      case 0x41:
        r.u8();
        return this.componentType(scope);
      case 0x42:
        r.u8();
        return this.instanceType(scope);
      case 0x3f: {
        r.u8();
        const repAt = r.pos;
        if (r.u8() !== 0x7f) r.fail("resources can only be represented by `i32`", repAt);
        const dtor = this.optional(() => r.u32());
        return dtor === undefined ? { kind: "resource", rep: "i32" } : { kind: "resource", rep: "i32", dtor };
      }
    }
    r.u8();
    const prim = primitives[b];
    if (prim !== undefined) return { kind: "defined", def: { kind: "primitive", type: prim } };
    const def = ((): Defined => {
      switch (b) {
        case 0x72:
          return { kind: "record", fields: r.vec(() => ({ name: r.name(), type: this.valType(scope) })) };
        case 0x71:
          return {
            kind: "variant",
            cases: r.vec(() => {
              const name = r.name();
              const type = this.optional(() => this.valType(scope));
              const at = r.pos;
              if (r.u8() !== 0x00) r.fail("variant case refinements are not supported", at);
              return { name, type };
            }),
          };
        case 0x70:
          return { kind: "list", type: this.valType(scope) };
        case 0x67: {
          const type = this.valType(scope);
          return { kind: "fixed-length-list", type, size: r.u32() };
        }
        case 0x63: {
          const key = this.valType(scope);
          return { kind: "map", key, value: this.valType(scope) };
        }
        case 0x6f:
          return { kind: "tuple", types: r.vec(() => this.valType(scope)) };
        case 0x6e:
          return { kind: "flags", names: r.vec(() => r.name()) };
        case 0x6d:
          return { kind: "enum", names: r.vec(() => r.name()) };
        case 0x6b:
          return { kind: "option", type: this.valType(scope) };
        case 0x6a: {
          const ok = this.optional(() => this.valType(scope));
          return { kind: "result", ok, err: this.optional(() => this.valType(scope)) };
        }
        case 0x69:
          return { kind: "own", resource: this.resourceRef(scope) };
        case 0x68:
          return { kind: "borrow", resource: this.resourceRef(scope) };
        case 0x66:
          return { kind: "stream", type: this.optional(() => this.valType(scope)) };
        case 0x65:
          return { kind: "future", type: this.optional(() => this.valType(scope)) };
        default:
          return r.fail(`invalid type definition 0x${b.toString(16)}`, start);
      }
    })();
    return { kind: "defined", def };
  }

  /** `externtype`: what an import or export declares; pushes onto the scope's index spaces. */
  externType(scope: Scope): { sort: Extern["sort"]; entry: Entry } {
    const r = this.r;
    const at = r.pos;
    const kind = r.u8();
    switch (kind) {
      case 0x00: {
        if (r.u8() !== 0x11) r.fail("invalid core extern type", at);
        r.u32();
        scope.modules++;
        return { sort: "module", entry: { kind: "core" } };
      }
      case 0x01: {
        const i = r.u32();
        const entry = scope.type(r, i, at);
        if (entry.kind !== "func") r.fail(`type index ${i} is not a function type`, at);
        scope.funcs++;
        return { sort: "func", entry };
      }
      case 0x02:
        return r.fail("value imports and exports are not supported", at);
      case 0x03: {
        const bound = r.u8();
        let entry: Entry;
        if (bound === 0x00) {
          const target = scope.type(r, r.u32(), at);
          if (target.kind === "func" || target.kind === "component" || target.kind === "instance") {
            r.fail("only value and resource types can be imported or exported as types", at);
          }
          entry = { kind: "eq", target };
        } else if (bound === 0x01) entry = { kind: "resource" };
        else return r.fail(`invalid type bound 0x${bound.toString(16)}`, at);
        scope.types.push(entry);
        return { sort: "type", entry };
      }
      case 0x04: {
        const i = r.u32();
        const entry = scope.type(r, i, at);
        if (entry.kind !== "component") r.fail(`type index ${i} is not a component type`, at);
        scope.components++;
        return { sort: "component", entry };
      }
      case 0x05: {
        const i = r.u32();
        const entry = scope.type(r, i, at);
        if (entry.kind !== "instance") r.fail(`type index ${i} is not an instance type`, at);
        scope.instances.push(entry);
        return { sort: "instance", entry };
      }
      default:
        return r.fail(`invalid extern type 0x${kind.toString(16)}`, at);
    }
  }

  /** `alias` inside a type: `export` from an instance of the scope, or `outer`. */
  alias(scope: Scope): void {
    const r = this.r;
    const at = r.pos;
    const sort = r.u8();
    if (sort === 0x00) {
      // core sort
      const coreSort = r.u8();
      const target = r.u8();
      if (target !== 0x02 || coreSort !== 0x10) r.fail("unsupported core alias in a type", at);
      const up = r.u32();
      const idx = r.u32();
      const s = outerScope(r, scope, up, at);
      const t = s.coreTypes[idx];
      if (t === undefined) r.fail(`core type index ${idx} out of bounds`, at);
      scope.coreTypes.push(t);
      return;
    }
    const target = r.u8();
    if (target === 0x00) {
      const i = r.u32();
      const name = r.name();
      const inst = scope.instances[i];
      if (inst === undefined || inst.kind !== "instance") return r.fail(`instance index ${i} out of bounds`, at);
      const exp = inst.exports.find((e) => e.name === name);
      if (!exp) return r.fail(`instance ${i} has no export named \`${name}\``, at);
      if (sort === 0x03) {
        if (exp.sort !== "type") r.fail(`export \`${name}\` is not a type`, at);
        scope.types.push(exp.entry);
      } else if (sort === 0x05) {
        if (exp.sort !== "instance") r.fail(`export \`${name}\` is not an instance`, at);
        scope.instances.push(exp.entry);
      } else r.fail("aliases in types may only refer to types or instances", at);
      return;
    }
    if (target === 0x02) {
      const up = r.u32();
      const idx = r.u32();
      if (sort !== 0x03) r.fail("outer aliases of sorts other than types are not supported", at);
      const s = outerScope(r, scope, up, at);
      scope.types.push(s.type(r, idx, at));
      return;
    }
    r.fail(`unsupported alias kind 0x${target.toString(16)}`, at);
  }

  /** A core type in a declaration list: only module types are valid; they are skipped. */
  coreType(scope: Scope): void {
    const r = this.r;
    const at = r.pos;
    const b = r.u8();
    if (b === 0x60) {
      // A core function type: skipped.
      const valType = () => {
        const v = r.u8();
        if (v === 0x63 || v === 0x64) r.s33();
      };
      r.vec(valType);
      r.vec(valType);
      scope.coreTypes.push({ kind: "core" });
      return;
    }
    if (b !== 0x50) r.fail("core types other than module types are not supported", at);
    // A module type's declarations: imports, types, aliases, exports.
    const n = r.u32();
    for (let i = 0; i < n; i++) {
      const d = r.u8();
      if (d === 0x00) {
        r.name();
        r.name();
        this.coreExternType();
      } else if (d === 0x03) {
        r.name();
        this.coreExternType();
      } else if (d === 0x01) {
        skipCoreDefType(r);
      } else if (d === 0x02) {
        const sort = r.u8();
        const kind = r.u8();
        if (sort !== 0x10 || kind !== 0x01) r.fail("invalid alias in a core module type", at);
        r.u32();
        r.u32();
      } else r.fail("unsupported declaration in a core module type", at);
    }
    scope.coreTypes.push({ kind: "core" });
  }

  private coreExternType(): void {
    const r = this.r;
    const at = r.pos;
    const k = r.u8();
    switch (k) {
      case 0x00: // func typeidx
        r.u32();
        return;
      case 0x01: // table: reftype limits
        r.u8();
        this.limits();
        return;
      case 0x02: // memory
        this.limits();
        return;
      case 0x03: // global valtype mut
        r.u8();
        r.u8();
        return;
      default:
        r.fail("unsupported core extern type", at);
    }
  }

  private limits(): void {
    const r = this.r;
    const flags = r.u8();
    r.u64();
    if (flags & 1) r.u64();
  }

  componentType(outer: Scope): Entry {
    const r = this.r;
    const scope = new Scope(outer);
    const entry: Entry & { kind: "component" } = { kind: "component", imports: [], exports: [] };
    const n = r.u32();
    for (let i = 0; i < n; i++) {
      const at = r.pos;
      const tag = r.u8();
      if (tag === 0x03) {
        const { name, attrs } = this.nameAttrs();
        const { sort, entry: e } = this.externType(scope);
        entry.imports.push({ name, attrs, sort, entry: e });
      } else this.instanceDecl(scope, tag, at, entry.exports);
    }
    return entry;
  }

  instanceType(outer: Scope): Entry {
    const r = this.r;
    const scope = new Scope(outer);
    const entry: Entry & { kind: "instance" } = { kind: "instance", exports: [] };
    const n = r.u32();
    for (let i = 0; i < n; i++) {
      const at = r.pos;
      this.instanceDecl(scope, r.u8(), at, entry.exports);
    }
    return entry;
  }

  private instanceDecl(scope: Scope, tag: number, at: number, exports: Extern[]): void {
    const r = this.r;
    switch (tag) {
      case 0x00:
        this.coreType(scope);
        return;
      case 0x01: {
        const t = this.defType(scope);
        if (t.kind === "resource") r.fail("resources can only be defined within a concrete component", at);
        scope.types.push(t);
        return;
      }
      case 0x02:
        this.alias(scope);
        return;
      case 0x04: {
        const { name, attrs } = this.nameAttrs();
        const { sort, entry } = this.externType(scope);
        if (exports.some((e) => e.name === name)) r.fail(`duplicate export name \`${name}\``, at);
        exports.push({ name, attrs, sort, entry });
        return;
      }
      default:
        r.fail(`invalid type declaration 0x${tag.toString(16)}`, at);
    }
  }
}

/** Skips a `core:type` inside a module type: a function, struct or array type, possibly in a rec group. */
function skipCoreDefType(r: Reader): void {
  const valType = () => {
    const b = r.u8();
    if (b === 0x64 || b === 0x63) r.s33();
  };
  const storage = () => {
    const b = r.peek();
    if (b === 0x78 || b === 0x77) r.u8();
    else valType();
  };
  const comp = () => {
    const at = r.pos;
    const form = r.u8();
    if (form === 0x60) {
      r.vec(valType);
      r.vec(valType);
    } else if (form === 0x5f) {
      r.vec(() => {
        storage();
        r.u8();
      });
    } else if (form === 0x5e) {
      storage();
      r.u8();
    } else r.fail(`invalid core type form 0x${form.toString(16)}`, at);
  };
  const sub = () => {
    const b = r.peek();
    if (b === 0x50 || b === 0x4f) {
      r.u8();
      r.vec(() => r.u32());
    }
    comp();
  };
  if (r.peek() === 0x4e) {
    r.u8();
    r.vec(sub);
  } else if (r.peek() === 0x00) {
    r.u8();
    sub();
  } else sub();
}

function outerScope(r: Reader, scope: Scope, up: number, at: number): Scope {
  let s: Scope | undefined = scope;
  for (let i = 0; i < up && s; i++) s = s.outer;
  if (!s) return r.fail(`outer alias count ${up} goes beyond the outermost scope`, at);
  return s;
}

/** A component's custom sections and type exports: all a WIT encoding has. */
export interface ComponentTypes {
  /** Type exports of the component, in order: name and the exported type (not peeled). */
  exports: Extern[];
  custom: Map<string, Uint8Array>;
  /** Names of the custom sections that occur more than once (`custom` has the last). */
  repeatedCustom: Set<string>;
}

/**
 * Reads a component that holds types only (a WIT package, or the payload of a
 * `component-type` section). `what` names the input in error messages.
 */
export function readTypeComponent(bytes: Uint8Array, what: string): ComponentTypes {
  try {
    return readTypeComponentInner(bytes);
  } catch (e) {
    if (e instanceof BinaryError) throw new DecodeError(`${what}: ${e.message}`);
    if (e instanceof DecodeError) throw new DecodeError(`${what}: ${e.message}`);
    throw e;
  }
}

const sectionNames: Record<number, string> = {
  1: "core module",
  2: "core instance",
  3: "core type",
  4: "component",
  5: "instance",
  6: "alias",
  8: "canonical function",
  9: "start",
  10: "import",
  12: "value",
};

function readTypeComponentInner(bytes: Uint8Array): ComponentTypes {
  const r = new Reader(bytes);
  const magic = [0x00, 0x61, 0x73, 0x6d];
  for (const b of magic) if (r.u8() !== b) r.fail("not a WebAssembly binary (bad magic number)", 0);
  const v = [r.u8(), r.u8(), r.u8(), r.u8()];
  if (v[2] !== 1 || v[3] !== 0) r.fail("not a component (a core module was found)", 4);
  if (v[0] !== 0x0d || v[1] !== 0) r.fail(`unsupported component binary version 0x${v[0]!.toString(16)}`, 4);
  const scope = new Scope(undefined);
  const types = new TypeReader(r);
  const exports: Extern[] = [];
  const custom = new Map<string, Uint8Array>();
  const repeatedCustom = new Set<string>();
  while (!r.done) {
    const sectionStart = r.pos;
    const id = r.u8();
    const size = r.u32();
    const body = r.sub(size);
    const inner = new TypeReader(body);
    if (id === 0) {
      const name = body.name();
      if (custom.has(name)) repeatedCustom.add(name);
      custom.set(name, body.take(body.end - body.pos));
      continue;
    }
    if (id === 7) {
      const n = body.u32();
      for (let i = 0; i < n; i++) {
        scope.types.push(inner.defType(scope));
      }
    } else if (id === 11) {
      const n = body.u32();
      for (let i = 0; i < n; i++) {
        const at = body.pos;
        const { name, attrs } = inner.nameAttrs();
        const sortAt = body.pos;
        const sort = body.u8();
        if (sort !== 0x03) {
          body.fail(`export \`${name}\` is not a type: found an actual component instead of a WIT encoding`, sortAt);
        }
        const idx = body.u32();
        let target = scope.type(body, idx, at);
        const ascribed = body.u8();
        if (ascribed === 0x01) {
          const { sort: s, entry } = inner.externType(new Scope(scope));
          if (s !== "type") body.fail(`export \`${name}\` is ascribed a type that is not a type`, at);
          target = entry.kind === "eq" ? entry.target : target;
        } else if (ascribed !== 0x00) body.fail("invalid export type ascription flag", at);
        const entry: Entry = { kind: "eq", target };
        scope.types.push(entry);
        exports.push({ name, attrs, sort: "type", entry });
      }
    } else {
      const what = sectionNames[id];
      r.fail(
        what
          ? `unexpected ${what} section: found an actual component instead of an encoded WIT package`
          : `unknown section id ${id}`,
        sectionStart,
      );
    }
    if (!body.done) body.fail("section has trailing bytes");
  }
  return { exports, custom, repeatedCustom };
}
