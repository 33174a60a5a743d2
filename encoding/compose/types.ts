/**
 * The type re-encoder: writes types read from other components (the linked
 * `Entry` graph of `decode/binary.ts`, as the validator typed them) into a
 * component being built, at its top level or inside the instance and
 * component types it declares.
 *
 * Identity is kept, not just structure. Every space (the component, and each
 * type declaration being written) remembers, by `Entry` object, which of its
 * type indices stands for which entry; an entry met again is reused, and an
 * entry known to an enclosing space is brought in with `alias outer`. The
 * type exports of imported instances are offered to later types
 * (`provide`): a type one import exports and a later import uses (a resource
 * above all, but also a record an interface `use`s) is aliased from that
 * instance, as wit-component writes worlds, never defined again. Two
 * resources are the same type exactly when they are the same entry.
 */
import { Declarations, type ComponentBuilder, type ExternName, type TypeDef, type ValType } from "../builder.js";
import type { Entry, Extern, NameAttrs, ValType as EntryValType } from "../decode/binary.js";
import { bindings, resolve } from "../validate/types.js";
import { ComposeError } from "./errors.js";

/** One step along an `eq` link or an alias placeholder (as the validator bound it). */
export function step(e: Entry): Entry | undefined {
  const b = bindings.get(e);
  if (b) return b;
  return e.kind === "eq" ? e.target : undefined;
}

/** The name with the attributes the writer can express (`implements`, `external-id`). */
export function externName(name: string, attrs: NameAttrs | undefined): ExternName {
  const out: ExternName = { name };
  if (attrs?.implements !== undefined) out.implements = attrs.implements;
  if (attrs?.externalId !== undefined) out.externalId = attrs.externalId;
  return out;
}

/** An index space of types: the component's, or that of a type declaration inside it. */
interface Space {
  readonly parent: Space | undefined;
  /** Which type index stands for which entry. */
  readonly memo: Map<Entry, number>;
  define(t: TypeDef): number;
  /** `(alias outer count index (type))`; only inside declarations. */
  aliasOuter(count: number, index: number): number;
}

/** The sort of an extern, as an import or export declaration gives it. */
export interface TypedExtern {
  sort: Extern["sort"];
  entry: Entry;
}

/** Writes decoded types into `builder`, sharing what is shared. */
export class TypeEncoder {
  private readonly root: Space;
  /** Type exports of imported instances that later types may alias. */
  private readonly available = new Map<Entry, { instance: number; name: string }>();
  private readonly funcTypes = new Map<Space, Map<string, number>>();

  constructor(private readonly builder: ComponentBuilder) {
    this.root = {
      parent: undefined,
      memo: new Map(),
      define: (t) => builder.defineType(t),
      aliasOuter: () => {
        throw new Error("no outer alias at the top level");
      },
    };
  }

  /**
   * Declares an import of the component with the type `x` re-encoded, and
   * returns its index in its sort. An imported instance's type exports
   * become available to the types of later imports.
   */
  import(name: ExternName, x: TypedExtern): number {
    const b = this.builder;
    switch (x.sort) {
      case "instance": {
        const inst = resolve(x.entry);
        if (inst.kind !== "instance") throw new Error("an instance import without an instance type");
        const index = b.import(name, { sort: "instance", type: this.instanceType(inst, this.root) });
        this.provide(index, inst);
        return index;
      }
      case "func":
        return b.import(name, { sort: "func", type: this.funcType(x.entry, this.root) });
      case "type": {
        const index =
          x.entry.kind === "resource"
            ? b.import(name, { sort: "type", subResource: true })
            : b.import(name, { sort: "type", eq: this.typeIndex(step(x.entry)!, this.root) });
        this.root.memo.set(x.entry, index);
        return index;
      }
      case "component": {
        const c = resolve(x.entry);
        if (c.kind !== "component") throw new Error("a component import without a component type");
        return b.import(name, { sort: "component", type: this.componentType(c, this.root) });
      }
      case "module":
        throw new ComposeError(`import \`${name.name}\` is a core module: core module imports are not supported`);
    }
  }

  /** Makes the type exports of instance `index`, of type `inst`, available to later types. */
  provide(index: number, inst: Entry & { kind: "instance" }): void {
    for (const x of inst.exports) {
      if (x.sort === "type" && !this.available.has(x.entry))
        this.available.set(x.entry, { instance: index, name: x.name });
    }
  }

  /** The value type of `v` in the component's top-level space. */
  valType(v: EntryValType): ValType {
    return this.val(v, this.root);
  }

  /** The index of a type defined for `e` at the top level (a function, instance or component type too). */
  topLevelType(e: Entry): number {
    const r = resolve(e);
    if (r.kind === "func") return this.funcType(e, this.root);
    if (r.kind === "instance") return this.instanceType(r, this.root);
    if (r.kind === "component") return this.componentType(r, this.root);
    return this.typeIndex(e, this.root);
  }

  // ---------------------------------------------------------------------------

  /** Where `e` (or what it aliases) already has an index, brought into `space`. */
  private find(e: Entry, space: Space): number | undefined {
    for (let x: Entry | undefined = e; x; x = step(x)) {
      let depth = 0;
      for (let s: Space | undefined = space; s; s = s.parent, depth++) {
        let index = s.memo.get(x);
        if (index === undefined && s === this.root) index = this.fromAvailable(x);
        if (index === undefined) continue;
        if (depth > 0) index = space.aliasOuter(depth, index);
        space.memo.set(x, index);
        if (x !== e) space.memo.set(e, index);
        return index;
      }
    }
    return undefined;
  }

  private fromAvailable(e: Entry): number | undefined {
    const a = this.available.get(e);
    if (!a) return undefined;
    const index = this.builder.aliasExport(a.instance, a.name, "type");
    this.root.memo.set(e, index);
    return index;
  }

  private val(v: EntryValType, space: Space): ValType {
    if (typeof v === "string") return v;
    const known = this.find(v, space);
    if (known !== undefined) return known;
    const r = resolve(v);
    if (r.kind === "defined" && r.def.kind === "primitive") return r.def.type;
    return this.typeIndex(v, space);
  }

  /** A type index for `e` in `space` (a primitive gets a definition of its own). */
  private typeIndex(e: Entry, space: Space): number {
    const known = this.find(e, space);
    if (known !== undefined) return known;
    const r = resolve(e);
    let index: number;
    switch (r.kind) {
      case "defined":
        index = this.defined(r, space);
        break;
      case "func":
        return this.funcType(e, space);
      case "instance":
        index = this.instanceType(r, space);
        break;
      case "component":
        index = this.componentType(r, space);
        break;
      case "resource":
        throw new ComposeError("a resource type is used where it is not in scope");
      default:
        throw new Error(`cannot encode a ${r.kind} type`);
    }
    space.memo.set(e, index);
    space.memo.set(r, index);
    return index;
  }

  private resourceIndex(e: Entry, space: Space): number {
    const index = this.find(e, space);
    if (index === undefined) throw new ComposeError("a resource type is used where it is not in scope");
    return index;
  }

  private defined(e: Entry & { kind: "defined" }, space: Space): number {
    const d = e.def;
    const val = (v: EntryValType) => this.val(v, space);
    const opt = (v: EntryValType | undefined) => (v === undefined ? undefined : val(v));
    switch (d.kind) {
      case "primitive":
        return space.define({ kind: "primitive", type: d.type });
      case "record":
        return space.define({ kind: "record", fields: d.fields.map((f): [string, ValType] => [f.name, val(f.type)]) });
      case "variant":
        return space.define({
          kind: "variant",
          cases: d.cases.map((c): [string, ValType | undefined] => [c.name, opt(c.type)]),
        });
      case "list":
        return space.define({ kind: "list", element: val(d.type) });
      case "fixed-length-list":
        return space.define({ kind: "list", element: val(d.type), length: d.size });
      case "map":
        return space.define({ kind: "map", key: val(d.key), value: val(d.value) });
      case "tuple":
        return space.define({ kind: "tuple", types: d.types.map(val) });
      case "flags":
        return space.define({ kind: "flags", names: d.names });
      case "enum":
        return space.define({ kind: "enum", names: d.names });
      case "option":
        return space.define({ kind: "option", type: val(d.type) });
      case "result":
        return space.define({ kind: "result", ok: opt(d.ok), err: opt(d.err) });
      case "own":
      case "borrow":
        return space.define({ kind: d.kind, resource: this.resourceIndex(d.resource, space) });
      case "future":
      case "stream":
        return space.define({ kind: d.kind, type: opt(d.type) });
    }
  }

  private funcType(e: Entry, space: Space): number {
    const known = this.find(e, space);
    if (known !== undefined) return known;
    const f = resolve(e);
    if (f.kind !== "func") throw new Error("not a function type");
    const params = f.params.map((p): [string, ValType] => [p.name, this.val(p.type, space)]);
    const result = f.result === undefined ? undefined : this.val(f.result, space);
    // Functions of one signature share a definition, as wit-component writes them.
    let bySig = this.funcTypes.get(space);
    if (!bySig) this.funcTypes.set(space, (bySig = new Map()));
    const key = JSON.stringify([f.async, params, result ?? null]);
    let index = bySig.get(key);
    if (index === undefined) {
      index = space.define({ kind: "func", async: f.async, params, result });
      bySig.set(key, index);
    }
    space.memo.set(e, index);
    return index;
  }

  private declSpace(decls: Declarations, parent: Space): Space {
    return {
      parent,
      memo: new Map(),
      define: (t) => decls.defineType(t),
      aliasOuter: (count, index) => decls.aliasOuterType(count, index),
    };
  }

  private instanceType(inst: Entry & { kind: "instance" }, parent: Space): number {
    const decls = new Declarations("instance");
    const space = this.declSpace(decls, parent);
    for (const x of inst.exports) this.declare(decls, space, "export", x);
    return parent.define({ kind: "instance", decls });
  }

  private componentType(c: Entry & { kind: "component" }, parent: Space): number {
    const decls = new Declarations("component");
    const space = this.declSpace(decls, parent);
    for (const x of c.imports) this.declare(decls, space, "import", x);
    for (const x of c.exports) this.declare(decls, space, "export", x);
    return parent.define({ kind: "component", decls });
  }

  /** One import or export declaration of an instance or component type. */
  private declare(decls: Declarations, space: Space, kind: "import" | "export", x: Extern): void {
    const name = externName(x.name, x.attrs);
    const add = (t: Parameters<Declarations["export"]>[1]) =>
      kind === "import" ? decls.import(name, t) : decls.export(name, t);
    switch (x.sort) {
      case "type": {
        const index =
          x.entry.kind === "resource"
            ? add({ sort: "type", subResource: true })
            : add({ sort: "type", eq: this.typeIndex(step(x.entry)!, space) });
        space.memo.set(x.entry, index!);
        return;
      }
      case "func":
        add({ sort: "func", type: this.funcType(x.entry, space) });
        return;
      case "instance": {
        const inst = resolve(x.entry);
        if (inst.kind !== "instance") throw new Error("an instance declaration without an instance type");
        add({ sort: "instance", type: this.instanceType(inst, space) });
        return;
      }
      case "component": {
        const c = resolve(x.entry);
        if (c.kind !== "component") throw new Error("a component declaration without a component type");
        add({ sort: "component", type: this.componentType(c, space) });
        return;
      }
      case "module":
        throw new ComposeError(`\`${x.name}\` is a core module: core module types are not supported`);
    }
  }
}
