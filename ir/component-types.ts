/**
 * Component types as IR types: the bridge that lets the one canonical-ABI
 * walker (and every emitter over it) serve whole components.
 *
 * A component's function types are linked entries of the binary reader,
 * read in a `TypeEnv` that says which runtime resource each resource entry
 * stands for. Here they become `TypeDef`s of a private `Resolve`: anonymous
 * records, variants, enums and flags are allowed (a component need not name
 * them), and each runtime resource of the plan becomes one `resource`
 * TypeDef, so handles of the same resource share a TypeId whichever
 * component instance mentions them.
 */
import type { Entry, ValType } from "../encoding/decode/binary.js";
import type { Plan, TypeEnv, TypeValue } from "../encoding/plan.js";
import { Resolve } from "./resolve.js";
import {
  noDocs,
  unknownSpan,
  unknownStability,
  type Function,
  type Type,
  type TypeDef,
  type TypeDefKind,
  type TypeId,
} from "./types.js";

export class ComponentTypes {
  readonly resolve = new Resolve();
  /** Plan resource id → its TypeDef. */
  private readonly resourceTypes = new Map<number, TypeId>();
  /** TypeDef → plan resource id. */
  readonly resourceOfType = new Map<TypeId, number>();
  private readonly memo = new Map<TypeEnv, Map<Entry, Type>>();

  constructor(readonly plan: Plan) {}

  /** The TypeDef of a plan resource. */
  resource(id: number): TypeId {
    let t = this.resourceTypes.get(id);
    if (t === undefined) {
      t = this.add(this.plan.resources[id]!.name, { kind: "resource" });
      this.resourceTypes.set(id, t);
      this.resourceOfType.set(t, id);
    }
    return t;
  }

  private add(name: string | undefined, kind: TypeDefKind): TypeId {
    const def: TypeDef = {
      name,
      kind,
      owner: { kind: "none" },
      docs: noDocs(),
      stability: unknownStability,
      span: unknownSpan,
      externalId: undefined,
    };
    this.resolve.types.push(def);
    return this.resolve.types.length - 1;
  }

  /** The IR function of a component function type. `name` is its export name (for `[method]` and the like). */
  func(tv: TypeValue, name: string): Function {
    const { entry, env } = tv.env.resolve(tv.entry);
    if (entry.kind !== "func") throw new Error("not a function type");
    return {
      name,
      // Whether the type is async; how the ABI sees the function depends on its canonical options.
      kind: { kind: entry.async ? "async-freestanding" : "freestanding" },
      params: entry.params.map((p) => ({ name: p.name, type: this.valType(p.type, env), span: unknownSpan })),
      result: entry.result === undefined ? undefined : this.valType(entry.result, env),
      docs: noDocs(),
      stability: unknownStability,
      span: unknownSpan,
      externalId: undefined,
    };
  }

  /** The resource a type index entry names (following aliases), or undefined. */
  resourceId(tv: TypeValue): number | undefined {
    const r = tv.env.resolve(tv.entry);
    return r.env.resource(r.entry);
  }

  valType(v: ValType, env: TypeEnv): Type {
    if (typeof v === "string") return v;
    let byEnv = this.memo.get(env);
    if (!byEnv) {
      byEnv = new Map();
      this.memo.set(env, byEnv);
    }
    const hit = byEnv.get(v);
    if (hit !== undefined) return hit;
    const t = this.convert(v, env);
    byEnv.set(v, t);
    return t;
  }

  private convert(v: Entry, env0: TypeEnv): Type {
    const { entry, env } = env0.resolve(v);
    const resource = env.resource(entry);
    if (resource !== undefined) return this.resource(resource);
    if (entry.kind !== "defined") throw new Error(`not a value type (${entry.kind})`);
    const d = entry.def;
    const vt = (x: ValType) => this.valType(x, env);
    const field = (name: string, type: Type) => ({ name, type, docs: noDocs(), span: unknownSpan });
    switch (d.kind) {
      case "primitive":
        return d.type;
      case "record":
        return this.add(undefined, { kind: "record", fields: d.fields.map((f) => field(f.name, vt(f.type))) });
      case "variant":
        return this.add(undefined, {
          kind: "variant",
          cases: d.cases.map((c) => ({
            name: c.name,
            type: c.type === undefined ? undefined : vt(c.type),
            docs: noDocs(),
            span: unknownSpan,
          })),
        });
      case "enum":
        return this.add(undefined, {
          kind: "enum",
          cases: d.names.map((n) => ({ name: n, docs: noDocs(), span: unknownSpan })),
        });
      case "flags":
        return this.add(undefined, {
          kind: "flags",
          flags: d.names.map((n) => ({ name: n, docs: noDocs(), span: unknownSpan })),
        });
      case "list":
        return this.add(undefined, { kind: "list", type: vt(d.type) });
      case "fixed-length-list":
        return this.add(undefined, { kind: "fixed-length-list", type: vt(d.type), size: d.size });
      case "map":
        return this.add(undefined, { kind: "map", key: vt(d.key), value: vt(d.value) });
      case "tuple":
        return this.add(undefined, { kind: "tuple", types: d.types.map(vt) });
      case "option":
        return this.add(undefined, { kind: "option", type: vt(d.type) });
      case "result":
        return this.add(undefined, {
          kind: "result",
          ok: d.ok === undefined ? undefined : vt(d.ok),
          err: d.err === undefined ? undefined : vt(d.err),
        });
      case "own":
      case "borrow": {
        const r = env.resolve(d.resource);
        const id = r.env.resource(r.entry);
        if (id === undefined) throw new Error(`\`${d.kind}\` of a type that is not a resource`);
        return this.add(undefined, { kind: "handle", handle: d.kind, resource: this.resource(id) });
      }
      case "future":
      case "stream":
        return this.add(undefined, { kind: d.kind, type: d.type === undefined ? undefined : vt(d.type) });
    }
  }
}
