/**
 * The type declarations of a transpiled component, from its own type
 * information: an interface per resource (its methods, `[Symbol.dispose]`)
 * and per resource class (its constructor and static functions), and the
 * `ImportObject` and `Exports` interfaces, with the names the JavaScript API
 * uses (the WIT host's conventions).
 */
import type { Plan, PlanExport, TypeValue } from "../../../encoding/plan.js";
import { peelEntry } from "../../../encoding/decode/component.js";
import type { ComponentTypes } from "../../../ir/component-types.js";
import type { Function } from "../../../ir/types.js";
import {
  camelCase,
  propertyKey,
  staticName,
  stringLiteral,
  topLevelExportName,
  typeName,
  valueName,
} from "../naming.js";
import type { TsTypes } from "../types.js";

interface Members {
  ctor?: Function;
  methods: Map<string, Function>;
  statics: Map<string, Function>;
}

/** `[constructor]r`, `[method]r.m`, `[static]r.s`: the resource's short name and the member's. */
export function resourceMember(
  name: string,
): { kind: "ctor" | "method" | "static"; resource: string; member: string } | undefined {
  const ctor = /^\[constructor\](.+)$/.exec(name);
  if (ctor) return { kind: "ctor", resource: ctor[1]!, member: "" };
  const method = /^\[method\]([^.]+)\.(.+)$/.exec(name);
  if (method) return { kind: "method", resource: method[1]!, member: method[2]! };
  const stat = /^\[static\]([^.]+)\.(.+)$/.exec(name);
  if (stat) return { kind: "static", resource: stat[1]!, member: stat[2]! };
  return undefined;
}

export class ComponentDeclarations {
  /** Plan resource id → its TypeScript interface name. */
  private readonly names = new Map<number, string>();
  private readonly members = new Map<number, Members>();
  private ts!: TsTypes;

  constructor(
    readonly plan: Plan,
    readonly types: ComponentTypes,
  ) {
    const taken = new Set<string>([
      "ComponentError",
      "ImportObject",
      "Exports",
      "InstantiateOptions",
      "CoreModuleSource",
    ]);
    for (const r of this.plan.resources) {
      const base = typeName(r.name.replace(/^resource (\d+)$/, "resource-$1"));
      let name = base;
      for (let i = 2; taken.has(name) || taken.has(`${name}Class`); i++) name = `${base}${i}`;
      taken.add(name);
      this.names.set(r.id, name);
    }
  }

  /** Set once the TypeScript type expressions exist (they name resources through `resourceName`). */
  attach(ts: TsTypes): void {
    this.ts = ts;
  }

  resourceName(id: number): string {
    return this.names.get(id) ?? "unknown";
  }

  private membersOf(id: number): Members {
    let m = this.members.get(id);
    if (!m) {
      m = { methods: new Map(), statics: new Map() };
      this.members.set(id, m);
    }
    return m;
  }

  /** Records the functions of a set of named exports (an instance's) that belong to its resources. */
  private collect(funcs: { name: string; type: TypeValue }[], resources: Map<string, number>): Set<string> {
    const used = new Set<string>();
    for (const f of funcs) {
      const m = resourceMember(f.name);
      if (!m) continue;
      const id = resources.get(m.resource);
      if (id === undefined) continue;
      used.add(f.name);
      const func = this.types.func(f.type, f.name);
      const members = this.membersOf(id);
      if (m.kind === "ctor") members.ctor = func;
      else if (m.kind === "method") members.methods.set(m.member, func);
      else members.statics.set(m.member, func);
    }
    return used;
  }

  /**
   * A member's signature. An async function takes `options` (its
   * `AbortSignal`) and returns a promise; the host's implementation of an
   * imported one may return a promise or the value (`forImport`).
   */
  private signature(func: Function, name: string, skipSelf = false, forImport = false): string {
    const { params, result } = this.ts.signature(func, forImport ? "import" : "export", skipSelf);
    return `${propertyKey(name)}(${params}): ${result};`;
  }

  private classMembers(id: number): string[] {
    const m = this.membersOf(id);
    const out: string[] = [];
    if (m.ctor) out.push(`new (${this.ts.params(m.ctor, false)}): ${this.resourceName(id)};`);
    for (const [name, f] of m.statics) out.push(this.signature(f, staticName(name)));
    return out;
  }

  /** The resource interfaces and class interfaces, for every resource of the plan with a name. */
  resourceDeclarations(): string {
    const out: string[] = [];
    for (const r of this.plan.resources) {
      const name = this.resourceName(r.id);
      const m = this.membersOf(r.id);
      const methods = [...m.methods].map(([n, f]) => this.signature(f, camelCase(n), true));
      const owner = r.instance === undefined ? "the host" : "the component";
      out.push(
        `/** A \`${r.name}\` resource, implemented by ${owner}. */`,
        `export interface ${name} {`,
        ...methods,
        ...(r.instance === undefined
          ? []
          : ["/** Drops the handle: the component's destructor runs. */", "[Symbol.dispose](): void;"]),
        `}`,
        `/** The class of \`${r.name}\`: its constructor and static functions. */`,
        `export interface ${name}Class {`,
        ...this.classMembers(r.id),
        `}`,
        "",
      );
    }
    return out.join("\n");
  }

  /** The resources an instance type declares, by name. */
  private instanceResources(tv: TypeValue): {
    resources: Map<string, number>;
    funcs: { name: string; type: TypeValue }[];
  } {
    const r = tv.env.resolve(tv.entry);
    const it = peelEntry(r.entry);
    const resources = new Map<string, number>();
    const funcs: { name: string; type: TypeValue }[] = [];
    if (it.kind !== "instance") return { resources, funcs };
    for (const e of it.exports) {
      const type = { entry: e.entry, env: r.env };
      if (e.sort === "type") {
        const id = this.types.resourceId(type);
        if (id !== undefined) resources.set(e.name, id);
      } else if (e.sort === "func") funcs.push({ name: e.name, type });
    }
    return { resources, funcs };
  }

  /** `ImportObject`: what the host provides. */
  importObject(): string {
    const lines = [`/** What the host provides: the component's imports. */`, `export interface ImportObject {`];
    const rootResources = new Map<string, number>();
    for (const imp of this.plan.imports) {
      if (imp.sort !== "type") continue;
      const id = this.types.resourceId(imp.type);
      if (id !== undefined) rootResources.set(imp.name, id);
    }
    const rootFuncs = this.plan.imports.filter((i) => i.sort === "func").map((i) => ({ name: i.name, type: i.type }));
    const rootMembers = this.collect(rootFuncs, rootResources);
    for (const imp of this.plan.imports) {
      if (imp.sort === "func" && !rootMembers.has(imp.name)) {
        const func = this.types.func(imp.type, imp.name);
        lines.push(this.signature(func, topLevelExportName(imp.name), false, true));
      } else if (imp.sort === "type" && rootResources.has(imp.name)) {
        const id = rootResources.get(imp.name)!;
        if (this.classMembers(id).length)
          lines.push(`${propertyKey(typeName(imp.name))}: ${this.resourceName(id)}Class;`);
      } else if (imp.sort === "instance") {
        const { resources, funcs } = this.instanceResources(imp.type);
        const used = this.collect(funcs, resources);
        const members: string[] = [];
        for (const f of funcs) {
          if (used.has(f.name)) continue;
          members.push(this.signature(this.types.func(f.type, f.name), camelCase(f.name), false, true));
        }
        for (const [name, id] of resources) {
          if (this.classMembers(id).length)
            members.push(`${propertyKey(typeName(name))}: ${this.resourceName(id)}Class;`);
        }
        lines.push(`${stringLiteral(imp.name)}${members.length ? "" : "?"}: {`, ...members, `};`);
      }
    }
    lines.push("}");
    return lines.join("\n");
  }

  /** The members of an exports object (or exported instance), as declarations. */
  exportMembers(exports: PlanExport[], top: boolean): string[] {
    const resources = new Map<string, number>();
    for (const e of exports) {
      if (e.kind !== "type") continue;
      const id = this.types.resourceId(e.type);
      if (id !== undefined && this.plan.resources[id]!.instance !== undefined) resources.set(e.name, id);
    }
    const funcs: { name: string; type: TypeValue }[] = [];
    for (const e of exports) {
      if (e.kind !== "func") continue;
      const type = e.func.kind === "lifted" ? this.plan.lifts[e.func.lift]!.type : e.func.type;
      funcs.push({ name: e.name, type });
    }
    const used = this.collect(funcs, resources);
    const out: string[] = [];
    for (const [name, id] of resources) out.push(`${propertyKey(typeName(name))}: ${this.resourceName(id)}Class;`);
    for (const f of funcs) {
      if (used.has(f.name)) continue;
      out.push(this.signature(this.types.func(f.type, f.name), top ? topLevelExportName(f.name) : camelCase(f.name)));
    }
    for (const e of exports) {
      if (e.kind !== "instance") continue;
      out.push(`${stringLiteral(e.name)}: {`, ...this.exportMembers(e.exports, false), `};`);
    }
    return out;
  }
}
