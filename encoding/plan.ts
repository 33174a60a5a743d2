/**
 * The flattening pass: turns a component's nesting, instances and aliases
 * into a linear plan, as wasmtime-environ's inliner does. Everything a
 * component does when it is instantiated is decided here, ahead of time:
 *
 * - which core modules are instantiated, in which order, and what each of
 *   their imports is bound to (`steps`);
 * - the canonical functions: `lifts` (a core function seen as a component
 *   function) and `lowerings` (a component function seen as a core
 *   function), with their options resolved to concrete core definitions;
 * - the runtime component instances (`instances`), each with its own handle
 *   table and its own may-leave and may-enter flags, and the resource types
 *   (`resources`) they define;
 * - what the component imports from its host and exports to it.
 *
 * The plan is plain data: tests print it, and the TypeScript emitter turns
 * it into straight-line JavaScript with no interpretation at run time.
 *
 * Types stay the linked `Entry` objects of the reader, each paired with the
 * environment (`TypeEnv`) that says which runtime resource its resource
 * entries stand for: a component defined once but instantiated twice has
 * one set of entries and two sets of resources.
 */
import type { CoreModuleInfo } from "./core-module.js";
import {
  peelEntry,
  type CanonOptions,
  type ComponentAst,
  type CoreSort,
  type Entry,
  type Export,
  type Import,
  type Sort,
  type SortIndex,
  type ValType,
  type StringEncodingOption,
} from "./decode/component.js";

/** A plan that cannot be made: the component is not representable, or is invalid in a way the validator missed. */
export class PlanError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = "PlanError";
  }
}

/** Which runtime resource each resource entry stands for, by lexical scope. */
export class TypeEnv {
  readonly resources = new Map<Entry, number>();
  readonly bindings = new Map<Entry, TypeValue>();
  constructor(readonly parent: TypeEnv | undefined) {}

  binding(e: Entry): TypeValue | undefined {
    for (let env: TypeEnv | undefined = this; env; env = env.parent) {
      const b = env.bindings.get(e);
      if (b) return b;
    }
    return undefined;
  }

  resource(e: Entry): number | undefined {
    for (let env: TypeEnv | undefined = this; env; env = env.parent) {
      const r = env.resources.get(e);
      if (r !== undefined) return r;
    }
    return undefined;
  }

  /** Follows bindings and `eq` links to the entry that defines the type, and the environment to read it in. */
  resolve(entry: Entry): TypeValue {
    let e = entry;
    let env: TypeEnv = this;
    for (let guard = 0; guard < 10_000; guard++) {
      if (env.resource(e) !== undefined) return { entry: e, env };
      const b = env.binding(e);
      if (b) {
        e = b.entry;
        env = b.env;
        continue;
      }
      if (e.kind === "eq") {
        e = e.target;
        continue;
      }
      return { entry: e, env };
    }
    throw new Error("type alias cycle");
  }
}

/** A type and the environment its resource entries are read in. */
export interface TypeValue {
  entry: Entry;
  env: TypeEnv;
}

/** A core definition at run time. */
export type CoreRef =
  | { kind: "export"; instance: number; name: string; sort: CoreSort }
  | { kind: "lowered"; lowering: number }
  | { kind: "resource"; op: "new" | "drop" | "rep"; resource: number; instance: number }
  /**
   * A built-in of the asynchronous ABI or of threads. Those that make sense
   * in a synchronous call (`context.get`/`set`, `backpressure.inc`/`dec`) run;
   * the others trap, after the spec's may-leave check.
   */
  | {
      kind: "builtin";
      name: string;
      instance: number;
      /** The slot of `context.get`/`set`. */
      index?: number;
      /** The `async` (or `cancellable`) flag of the built-ins that have one. */
      async?: boolean;
      /** The future or stream type of a channel built-in. */
      type?: TypeValue;
      /** The result type of `task.return`; `null` when it has none. */
      result?: { type: ValType; env: TypeEnv } | null;
      /** The canonical options of `task.return`, the copies and `error-context`. */
      options?: ResolvedOptions;
      /** The memory of `waitable-set.wait`/`poll`. */
      memory?: CoreRef;
      /** The function table of `thread.new-indirect`. */
      table?: CoreRef;
    };

export interface PlanResource {
  id: number;
  /** The name it was declared under, for messages and classes. */
  name: string;
  /** The defining component instance, or `undefined` for a resource the host provides. */
  instance: number | undefined;
  /** The destructor, for a resource a component defines. */
  dtor?: CoreRef;
  /** For a host resource: the import path that names it (`["ns:pkg/iface", "r"]`). */
  hostPath?: string[];
}

export interface PlanInstance {
  id: number;
  /** Where it sits: `root`, or the path of instance names down to it. */
  label: string;
  parent: number | undefined;
}

export interface ResolvedOptions {
  encoding: StringEncodingOption;
  memory?: CoreRef;
  realloc?: CoreRef;
  postReturn?: CoreRef;
}

export interface PlanLift {
  id: number;
  instance: number;
  core: CoreRef;
  type: TypeValue;
  options: ResolvedOptions;
  /** The export or internal name, for messages. */
  label: string;
  /** Whether `label` is an export name. */
  exported?: boolean;
  /** `canon lift async`: the task returns through `task.return`. */
  async?: boolean;
  /** The callback of an async lift (absent: a stackful async lift). */
  callback?: CoreRef;
}

/** A function as a value: lifted from a core function, or provided by the host. */
export type FuncValue = { kind: "lifted"; lift: number } | { kind: "host"; path: string[]; type: TypeValue };

export interface PlanLowering {
  id: number;
  instance: number;
  callee: FuncValue;
  options: ResolvedOptions;
  /** `canon lower async`: the call returns at once, with a subtask when it has not finished. */
  async?: boolean;
}

export type PlanStep =
  | {
      kind: "instantiate";
      /** The runtime core instance created. */
      id: number;
      module: number;
      /** Owning component instance (for messages). */
      instance: number;
      imports: { module: string; name: string; ref: CoreRef }[];
    }
  /** The point where a canonical function is defined: its options can be bound from here on. */
  | { kind: "lift"; lift: number }
  | { kind: "lower"; lowering: number };

export type PlanExport =
  | { kind: "func"; name: string; func: FuncValue }
  | { kind: "instance"; name: string; exports: PlanExport[] }
  | { kind: "type"; name: string; type: TypeValue };

export interface PlanImport {
  name: string;
  sort: Sort;
  type: TypeValue;
}

export interface Plan {
  /** Distinct core modules, in order of first instantiation. */
  modules: { bytes: Uint8Array; info: CoreModuleInfo }[];
  instances: PlanInstance[];
  resources: PlanResource[];
  lifts: PlanLift[];
  lowerings: PlanLowering[];
  steps: PlanStep[];
  coreInstances: number;
  imports: PlanImport[];
  exports: PlanExport[];
}

type ModuleValue = { kind: "module"; module: number };
type CoreInstanceValue =
  { kind: "real"; id: number; module: number } | { kind: "synthetic"; exports: Map<string, CoreRef> };
type InstanceValue =
  { kind: "exports"; exports: Map<string, Value> } | { kind: "host"; path: string[]; type: TypeValue };
type ComponentValue = { kind: "component"; ast: ComponentAst; env: Env };
type Value =
  | { sort: "func"; func: FuncValue }
  | { sort: "instance"; instance: InstanceValue }
  | { sort: "component"; component: ComponentValue }
  | { sort: "type"; type: TypeValue }
  | { sort: "core module"; module: ModuleValue };

/** The index spaces of one runtime component instance. */
interface Env {
  ast: ComponentAst;
  parent: Env | undefined;
  instance: number;
  types: TypeEnv;
  modules: ModuleValue[];
  coreInstances: CoreInstanceValue[];
  coreFuncs: CoreRef[];
  coreTables: CoreRef[];
  coreMemories: CoreRef[];
  coreGlobals: CoreRef[];
  coreTags: CoreRef[];
  funcs: FuncValue[];
  instances: InstanceValue[];
  components: ComponentValue[];
  typeValues: TypeValue[];
  exports: Map<string, Value>;
}

/**
 * The first value of the asynchronous ABI (`future`, `stream`,
 * `error-context`) a function type carries, if any.
 */
export function asyncValueIn(tv: TypeValue): string | undefined {
  const seen = new Set<Entry>();
  const visit = (v: ValType | undefined, env: TypeEnv): string | undefined => {
    if (v === undefined) return undefined;
    if (typeof v === "string") return v === "error-context" ? "error-context" : undefined;
    const r = env.resolve(v);
    const e = r.entry;
    if (seen.has(e)) return undefined;
    seen.add(e);
    if (e.kind === "func") {
      for (const p of e.params) {
        const found = visit(p.type, r.env);
        if (found) return found;
      }
      return visit(e.result, r.env);
    }
    if (e.kind !== "defined") return undefined;
    const d = e.def;
    switch (d.kind) {
      case "future":
      case "stream":
        return d.kind;
      case "primitive":
        return d.type === "error-context" ? "error-context" : undefined;
      case "record":
        return d.fields.map((f) => visit(f.type, r.env)).find((x) => x);
      case "variant":
        return d.cases.map((c) => visit(c.type, r.env)).find((x) => x);
      case "tuple":
        return d.types.map((t) => visit(t, r.env)).find((x) => x);
      case "list":
      case "fixed-length-list":
      case "option":
        return visit(d.type, r.env);
      case "map":
        return visit(d.key, r.env) ?? visit(d.value, r.env);
      case "result":
        return visit(d.ok, r.env) ?? visit(d.err, r.env);
      default:
        return undefined;
    }
  };
  return visit(tv.entry, tv.env);
}

/** Makes the plan of `root`. The component must have been validated. */
export function planComponent(root: ComponentAst): Plan {
  return new Planner().run(root);
}

class Planner {
  private readonly plan: Plan = {
    modules: [],
    instances: [],
    resources: [],
    lifts: [],
    lowerings: [],
    steps: [],
    coreInstances: 0,
    imports: [],
    exports: [],
  };
  private readonly moduleIds = new Map<Uint8Array, number>();

  run(root: ComponentAst): Plan {
    const env = this.newEnv(root, undefined, "root", undefined);
    for (const imp of root.imports) this.plan.imports.push(this.hostImport(env, imp));
    this.evaluate(env, new Map());
    this.plan.exports = this.exportTree(env.exports);
    this.labelExports(this.plan.exports, undefined);
    return this.plan;
  }

  private newEnv(ast: ComponentAst, parent: Env | undefined, label: string, parentInstance: number | undefined): Env {
    const id = this.plan.instances.length;
    this.plan.instances.push({ id, label, parent: parentInstance });
    return {
      ast,
      parent,
      instance: id,
      types: new TypeEnv(parent?.types),
      modules: [],
      coreInstances: [],
      coreFuncs: [],
      coreTables: [],
      coreMemories: [],
      coreGlobals: [],
      coreTags: [],
      funcs: [],
      instances: [],
      components: [],
      typeValues: [],
      exports: new Map(),
    };
  }

  // ------------------------------------------------------------------ imports

  /** Registers the resources a host import declares and returns its description. */
  private hostImport(env: Env, imp: Import): PlanImport {
    if (imp.sort === "core module" || imp.sort === "component") {
      throw new PlanError(
        `import \`${imp.name}\` is a ${imp.sort}: a component that imports a ${imp.sort} cannot be given its imports from JavaScript`,
        imp.offset,
      );
    }
    if (imp.sort === "value")
      throw new PlanError(`import \`${imp.name}\` is a value, which JavaScript hosts cannot provide`, imp.offset);
    this.registerHostResources(env.types, imp.entry, [imp.name]);
    return { name: imp.name, sort: imp.sort, type: { entry: imp.entry, env: env.types } };
  }

  private registerHostResources(types: TypeEnv, entry: Entry, path: string[]): void {
    if (entry.kind === "resource") {
      if (types.resources.has(entry)) return;
      const id = this.plan.resources.length;
      this.plan.resources.push({ id, name: path[path.length - 1]!, instance: undefined, hostPath: path });
      types.resources.set(entry, id);
      return;
    }
    if (entry.kind === "instance") {
      for (const e of entry.exports) {
        if (e.sort === "type" || e.sort === "instance") this.registerHostResources(types, e.entry, [...path, e.name]);
      }
    }
  }

  private importValue(env: Env, imp: Import, args: Map<string, Value> | undefined): Value {
    if (args === undefined) {
      // The root: the host provides it.
      const type = { entry: imp.entry, env: env.types };
      switch (imp.sort) {
        case "func":
          return { sort: "func", func: { kind: "host", path: [imp.name], type } };
        case "instance":
          return { sort: "instance", instance: { kind: "host", path: [imp.name], type } };
        case "type":
          return { sort: "type", type };
        default:
          throw new PlanError(`import \`${imp.name}\` cannot be provided by JavaScript`, imp.offset);
      }
    }
    const arg = args.get(imp.name);
    if (arg === undefined) throw new PlanError(`missing instantiation argument \`${imp.name}\``, imp.offset);
    if (arg.sort !== imp.sort) {
      throw new PlanError(
        `instantiation argument \`${imp.name}\` is a ${arg.sort}, expected a ${imp.sort}`,
        imp.offset,
      );
    }
    if (imp.sort === "type" && arg.sort === "type") env.types.bindings.set(imp.entry, arg.type);
    if (imp.sort === "instance" && arg.sort === "instance")
      this.bindInstanceTypes(env.types, imp.entry, arg.instance, imp.offset);
    return arg;
  }

  /** Binds the type exports an instance import declares to the types the argument instance exports. */
  private bindInstanceTypes(types: TypeEnv, declared: Entry, actual: InstanceValue, offset: number): void {
    if (declared.kind !== "instance") return;
    for (const e of declared.exports) {
      if (e.sort !== "type" && e.sort !== "instance") continue;
      const v = this.instanceExport(actual, e.name, offset);
      if (e.sort === "type" && v.sort === "type") types.bindings.set(e.entry, v.type);
      if (e.sort === "instance" && v.sort === "instance") this.bindInstanceTypes(types, e.entry, v.instance, offset);
    }
  }

  // ------------------------------------------------------------ evaluation

  private evaluate(env: Env, args: Map<string, Value> | undefined): void {
    const ast = env.ast;
    for (const d of ast.order) {
      switch (d.sort) {
        case "import": {
          const imp = ast.imports[d.index]!;
          const v = this.importValue(env, imp, env.instance === 0 ? undefined : args);
          this.pushValue(env, v, imp.offset);
          break;
        }
        case "core module": {
          const def = ast.modules[d.index]!.def;
          if (def.kind !== "export" && def.kind !== "import") env.modules.push(this.moduleDef(env, d.index));
          break;
        }
        case "core instance":
          env.coreInstances.push(this.coreInstanceDef(env, d.index));
          break;
        case "core func":
        case "core table":
        case "core memory":
        case "core global":
        case "core tag":
          this.coreItemDef(env, d.sort, d.index);
          break;
        case "core type":
          break;
        case "func":
          this.funcDef(env, d.index);
          break;
        case "type":
          this.typeDef(env, d.index);
          break;
        case "component":
          this.componentDef(env, d.index);
          break;
        case "instance":
          this.instanceDef(env, d.index);
          break;
        case "export":
          this.exportDef(env, ast.exports[d.index]!);
          break;
        case "start":
          throw new PlanError(
            "start functions (value definitions) cannot be run by a JavaScript host",
            ast.starts[d.index]!.offset,
          );
        case "value":
          throw new PlanError("value definitions cannot be run by a JavaScript host", ast.values[d.index]!.offset);
      }
    }
  }

  private pushValue(env: Env, v: Value, offset: number): void {
    switch (v.sort) {
      case "func":
        env.funcs.push(v.func);
        return;
      case "instance":
        env.instances.push(v.instance);
        return;
      case "component":
        env.components.push(v.component);
        return;
      case "type": {
        // The type index item is already in the AST: bind its entry to the value.
        const item = env.ast.types[env.typeValues.length];
        if (item && item.entry !== v.type.entry) env.types.bindings.set(item.entry, v.type);
        env.typeValues.push(v.type);
        return;
      }
      case "core module":
        env.modules.push(v.module);
        return;
    }
    throw new PlanError("unexpected value", offset);
  }

  private outerEnv(env: Env, count: number, offset: number): Env {
    let e: Env | undefined = env;
    for (let i = 0; i < count && e; i++) e = e.parent;
    if (!e) throw new PlanError(`invalid outer alias count of ${count}`, offset);
    return e;
  }

  private moduleDef(env: Env, index: number): ModuleValue {
    const item = env.ast.modules[index]!;
    const def = item.def;
    switch (def.kind) {
      case "defined": {
        let id = this.moduleIds.get(def.bytes);
        if (id === undefined) {
          id = this.plan.modules.length;
          this.plan.modules.push({ bytes: def.bytes, info: def.info() });
          this.moduleIds.set(def.bytes, id);
        }
        return { kind: "module", module: id };
      }
      case "outer": {
        const outer = this.outerEnv(env, def.count, item.offset);
        const m = outer.modules[def.index];
        if (!m) throw new PlanError(`module index out of bounds: ${def.index}`, item.offset);
        return m;
      }
      case "alias": {
        const v = this.instanceExport(this.instance(env, def.instance, item.offset), def.name, item.offset);
        if (v.sort !== "core module") throw new PlanError(`export \`${def.name}\` is not a core module`, item.offset);
        return v.module;
      }
      case "export":
        throw new PlanError("internal: module export replayed", item.offset);
      case "import":
        throw new PlanError(`core module import \`${def.import.name}\` cannot be provided by JavaScript`, item.offset);
    }
  }

  private coreInstanceDef(env: Env, index: number): CoreInstanceValue {
    const item = env.ast.coreInstances[index]!;
    const def = item.def;
    if (def.kind === "exports") {
      const exports = new Map<string, CoreRef>();
      for (const e of def.exports) exports.set(e.name, this.coreRef(env, `core ${e.sort}` as Sort, e.index, e.offset));
      return { kind: "synthetic", exports };
    }
    if (def.kind === "alias") throw new PlanError("core instances cannot be aliased", item.offset);
    const module = env.modules[def.module];
    if (!module) throw new PlanError(`module index out of bounds: ${def.module}`, item.offset);
    const args = new Map<string, CoreInstanceValue>();
    for (const a of def.args) {
      const inst = env.coreInstances[a.instance];
      if (!inst) throw new PlanError(`core instance index out of bounds: ${a.instance}`, a.offset);
      args.set(a.name, inst);
    }
    const info = this.plan.modules[module.module]!.info;
    const imports: { module: string; name: string; ref: CoreRef }[] = [];
    for (const imp of info.imports) {
      const arg = args.get(imp.module);
      if (!arg) throw new PlanError(`module instantiation argument \`${imp.module}\` is missing`, item.offset);
      const ref = this.coreInstanceExport(arg, imp.name, item.offset);
      if (ref === undefined) {
        throw new PlanError(
          `module instantiation argument \`${imp.module}\` does not export an item named \`${imp.name}\``,
          item.offset,
        );
      }
      imports.push({ module: imp.module, name: imp.name, ref });
    }
    const id = this.plan.coreInstances++;
    this.plan.steps.push({ kind: "instantiate", id, module: module.module, instance: env.instance, imports });
    return { kind: "real", id, module: module.module };
  }

  private coreInstanceExport(inst: CoreInstanceValue, name: string, offset: number): CoreRef | undefined {
    if (inst.kind === "synthetic") return inst.exports.get(name);
    const info = this.plan.modules[inst.module]!.info;
    const e = info.exports.find((x) => x.name === name);
    if (!e) return undefined;
    if (e.kind !== "func" && e.kind !== "table" && e.kind !== "memory" && e.kind !== "global" && e.kind !== "tag") {
      throw new PlanError(`unexpected export kind of \`${name}\``, offset);
    }
    return { kind: "export", instance: inst.id, name, sort: e.kind };
  }

  private coreRef(env: Env, sort: Sort, index: number, offset: number): CoreRef {
    const space =
      sort === "core func"
        ? env.coreFuncs
        : sort === "core table"
          ? env.coreTables
          : sort === "core memory"
            ? env.coreMemories
            : sort === "core global"
              ? env.coreGlobals
              : sort === "core tag"
                ? env.coreTags
                : undefined;
    if (!space) throw new PlanError(`a core instance cannot export a ${sort}`, offset);
    const ref = space[index];
    if (!ref) throw new PlanError(`${sort} index out of bounds: ${index}`, offset);
    return ref;
  }

  private coreItemDef(
    env: Env,
    sort: "core func" | "core table" | "core memory" | "core global" | "core tag",
    index: number,
  ): void {
    const space = {
      "core func": env.ast.coreFuncs,
      "core table": env.ast.coreTables,
      "core memory": env.ast.coreMemories,
      "core global": env.ast.coreGlobals,
      "core tag": env.ast.coreTags,
    }[sort];
    const out = {
      "core func": env.coreFuncs,
      "core table": env.coreTables,
      "core memory": env.coreMemories,
      "core global": env.coreGlobals,
      "core tag": env.coreTags,
    }[sort];
    const item = space[index]!;
    const def = item.def;
    if (def.kind === "alias") {
      const inst = env.coreInstances[def.instance];
      if (!inst) throw new PlanError(`core instance index out of bounds: ${def.instance}`, item.offset);
      const ref = this.coreInstanceExport(inst, def.name, item.offset);
      if (!ref) throw new PlanError(`core instance ${def.instance} has no export named \`${def.name}\``, item.offset);
      out.push(ref);
      return;
    }
    if (def.kind === "outer") throw new PlanError(`outer aliases of ${sort} are not valid`, item.offset);
    const canon = def.canon;
    switch (canon.kind) {
      case "lower": {
        const callee = env.funcs[canon.func];
        if (!callee) throw new PlanError(`function index out of bounds: ${canon.func}`, item.offset);
        const id = this.plan.lowerings.length;
        this.plan.lowerings.push({
          id,
          instance: env.instance,
          callee,
          options: this.options(env, canon.options, item.offset),
          ...(canon.options.async ? { async: true } : {}),
        });
        this.plan.steps.push({ kind: "lower", lowering: id });
        out.push({ kind: "lowered", lowering: id });
        return;
      }
      case "resource.new":
      case "resource.drop":
      case "resource.rep": {
        const t = env.typeValues[canon.type];
        if (!t) throw new PlanError(`type index out of bounds: ${canon.type}`, item.offset);
        const resolved = t.env.resolve(t.entry);
        const resource = resolved.env.resource(resolved.entry);
        if (resource === undefined) throw new PlanError("not a resource type", item.offset);
        out.push({
          kind: "resource",
          op: canon.kind.slice("resource.".length) as "new" | "drop" | "rep",
          resource,
          instance: env.instance,
        });
        return;
      }
      case "builtin": {
        const ref: CoreRef & { kind: "builtin" } = { kind: "builtin", name: canon.name, instance: env.instance };
        if (canon.index !== undefined) ref.index = canon.index;
        if (canon.async || canon.options?.async) ref.async = true;
        if (canon.type !== undefined) {
          const t = env.typeValues[canon.type];
          if (!t) throw new PlanError(`type index out of bounds: ${canon.type}`, item.offset);
          ref.type = t;
        }
        if (canon.name === "task.return")
          ref.result = canon.result === undefined ? null : { type: canon.result, env: env.types };
        if (canon.options) ref.options = this.options(env, canon.options, item.offset);
        if (canon.memory !== undefined) ref.memory = this.coreRef(env, "core memory", canon.memory, item.offset);
        if (canon.table !== undefined) ref.table = this.coreRef(env, "core table", canon.table, item.offset);
        out.push(ref);
        return;
      }
    }
  }

  private options(env: Env, o: CanonOptions, offset: number): ResolvedOptions {
    const out: ResolvedOptions = { encoding: o.encoding ?? "utf8" };
    if (o.memory !== undefined) out.memory = this.coreRef(env, "core memory", o.memory, offset);
    if (o.realloc !== undefined) out.realloc = this.coreRef(env, "core func", o.realloc, offset);
    if (o.postReturn !== undefined) out.postReturn = this.coreRef(env, "core func", o.postReturn, offset);
    return out;
  }

  private funcDef(env: Env, index: number): void {
    const item = env.ast.funcs[index]!;
    const def = item.def;
    switch (def.kind) {
      case "import":
        return; // pushed by the import definition
      case "export":
        return; // pushed by the export definition
      case "alias": {
        const v = this.instanceExport(this.instance(env, def.instance, item.offset), def.name, item.offset);
        if (v.sort !== "func") throw new PlanError(`export \`${def.name}\` is not a function`, item.offset);
        env.funcs.push(v.func);
        return;
      }
      case "lift": {
        const core = env.coreFuncs[def.core];
        if (!core) throw new PlanError(`core function index out of bounds: ${def.core}`, item.offset);
        const type = env.typeValues[def.type];
        if (!type) throw new PlanError(`type index out of bounds: ${def.type}`, item.offset);
        const id = this.plan.lifts.length;
        const lift: PlanLift = {
          id,
          instance: env.instance,
          core,
          type,
          options: this.options(env, def.options, item.offset),
          label: `${this.plan.instances[env.instance]!.label}: func ${index}`,
        };
        if (def.options.async) {
          lift.async = true;
          if (def.options.callback !== undefined)
            lift.callback = this.coreRef(env, "core func", def.options.callback, item.offset);
        }
        this.plan.lifts.push(lift);
        this.plan.steps.push({ kind: "lift", lift: id });
        env.funcs.push({ kind: "lifted", lift: id });
        return;
      }
    }
  }

  private typeDef(env: Env, index: number): void {
    const item = env.ast.types[index]!;
    const def = item.def;
    switch (def.kind) {
      case "import":
      case "export":
        return; // pushed by the import or export definition
      case "defined": {
        if (item.entry.kind === "resource") {
          const id = this.plan.resources.length;
          const dtor = item.entry.dtor === undefined ? undefined : env.coreFuncs[item.entry.dtor];
          this.plan.resources.push({
            id,
            name: `resource ${index}`,
            instance: env.instance,
            ...(dtor ? { dtor } : {}),
          });
          env.types.resources.set(item.entry, id);
        }
        env.typeValues.push({ entry: item.entry, env: env.types });
        return;
      }
      case "outer": {
        const outer = this.outerEnv(env, def.count, item.offset);
        const t = outer.typeValues[def.index];
        if (!t) throw new PlanError(`type index out of bounds: ${def.index}`, item.offset);
        env.typeValues.push(t);
        return;
      }
      case "alias": {
        const v = this.instanceExport(this.instance(env, def.instance, item.offset), def.name, item.offset);
        if (v.sort !== "type") throw new PlanError(`export \`${def.name}\` is not a type`, item.offset);
        env.types.bindings.set(item.entry, v.type);
        env.typeValues.push(v.type);
        return;
      }
    }
  }

  private componentDef(env: Env, index: number): void {
    const item = env.ast.components[index]!;
    const def = item.def;
    switch (def.kind) {
      case "defined":
        env.components.push({ kind: "component", ast: def.component, env });
        return;
      case "outer": {
        const outer = this.outerEnv(env, def.count, item.offset);
        const c = outer.components[def.index];
        if (!c) throw new PlanError(`component index out of bounds: ${def.index}`, item.offset);
        env.components.push(c);
        return;
      }
      case "alias": {
        const v = this.instanceExport(this.instance(env, def.instance, item.offset), def.name, item.offset);
        if (v.sort !== "component") throw new PlanError(`export \`${def.name}\` is not a component`, item.offset);
        env.components.push(v.component);
        return;
      }
      case "import":
      case "export":
        return;
    }
  }

  private instance(env: Env, index: number, offset: number): InstanceValue {
    const inst = env.instances[index];
    if (!inst) throw new PlanError(`instance index out of bounds: ${index}`, offset);
    return inst;
  }

  private instanceExport(inst: InstanceValue, name: string, offset: number): Value {
    if (inst.kind === "exports") {
      const v = inst.exports.get(name);
      if (!v) throw new PlanError(`instance has no export named \`${name}\``, offset);
      return v;
    }
    const t = inst.type.env.resolve(inst.type.entry);
    const it = peelEntry(t.entry);
    if (it.kind !== "instance") throw new PlanError("not an instance type", offset);
    const e = it.exports.find((x) => x.name === name);
    if (!e) throw new PlanError(`instance has no export named \`${name}\``, offset);
    const type = { entry: e.entry, env: t.env };
    const path = [...inst.path, name];
    switch (e.sort) {
      case "func":
        return { sort: "func", func: { kind: "host", path, type } };
      case "instance":
        return { sort: "instance", instance: { kind: "host", path, type } };
      case "type":
        return { sort: "type", type };
      default:
        throw new PlanError(`export \`${name}\` is a ${e.sort}, which JavaScript cannot provide`, offset);
    }
  }

  private value(env: Env, target: SortIndex): Value {
    const at = target.offset;
    switch (target.sort) {
      case "func": {
        const f = env.funcs[target.index];
        if (!f) throw new PlanError(`function index out of bounds: ${target.index}`, at);
        return { sort: "func", func: f };
      }
      case "instance":
        return { sort: "instance", instance: this.instance(env, target.index, at) };
      case "component": {
        const c = env.components[target.index];
        if (!c) throw new PlanError(`component index out of bounds: ${target.index}`, at);
        return { sort: "component", component: c };
      }
      case "type": {
        const t = env.typeValues[target.index];
        if (!t) throw new PlanError(`type index out of bounds: ${target.index}`, at);
        return { sort: "type", type: t };
      }
      case "core module": {
        const m = env.modules[target.index];
        if (!m) throw new PlanError(`module index out of bounds: ${target.index}`, at);
        return { sort: "core module", module: m };
      }
      default:
        throw new PlanError(`a ${target.sort} cannot be passed or exported here`, at);
    }
  }

  private instanceDef(env: Env, index: number): void {
    const item = env.ast.instances[index]!;
    const def = item.def;
    switch (def.kind) {
      case "import":
      case "export":
        return;
      case "alias": {
        const v = this.instanceExport(this.instance(env, def.instance, item.offset), def.name, item.offset);
        if (v.sort !== "instance") throw new PlanError(`export \`${def.name}\` is not an instance`, item.offset);
        env.instances.push(v.instance);
        return;
      }
      case "exports": {
        const exports = new Map<string, Value>();
        for (const e of def.exports) exports.set(e.name, this.value(env, e.target));
        env.instances.push({ kind: "exports", exports });
        return;
      }
      case "instantiate": {
        const c = env.components[def.component];
        if (!c) throw new PlanError(`component index out of bounds: ${def.component}`, item.offset);
        const args = new Map<string, Value>();
        for (const a of def.args) args.set(a.name, this.value(env, a.target));
        const label = `${this.plan.instances[env.instance]!.label}/instance ${index}`;
        const inner = this.newEnv(c.ast, c.env, label, env.instance);
        this.evaluate(inner, args);
        env.instances.push({ kind: "exports", exports: inner.exports });
        return;
      }
    }
  }

  private exportDef(env: Env, exp: Export): void {
    const v = this.value(env, exp.target);
    env.exports.set(exp.name, v);
    // The export's new index aliases what it exports.
    if (v.sort === "type") {
      const item = env.ast.types[env.typeValues.length];
      if (item && item.entry !== v.type.entry) env.types.bindings.set(item.entry, v.type);
      env.typeValues.push(v.type);
      this.nameResource(v.type, exp.name);
    } else this.pushValue(env, v, exp.offset);
  }

  /** A resource takes the name of its first export. */
  private nameResource(t: TypeValue, name: string): void {
    const r = t.env.resolve(t.entry);
    const id = r.env.resource(r.entry);
    if (id === undefined) return;
    const res = this.plan.resources[id]!;
    if (res.instance !== undefined && res.name.startsWith("resource ")) res.name = name;
  }

  private exportTree(exports: Map<string, Value>): PlanExport[] {
    const out: PlanExport[] = [];
    for (const [name, v] of exports) {
      switch (v.sort) {
        case "func":
          out.push({ kind: "func", name, func: v.func });
          break;
        case "instance":
          if (v.instance.kind === "exports")
            out.push({ kind: "instance", name, exports: this.exportTree(v.instance.exports) });
          else out.push({ kind: "instance", name, exports: this.hostInstanceTree(v.instance) });
          break;
        case "type":
          out.push({ kind: "type", name, type: v.type });
          break;
        default:
          throw new PlanError(`export \`${name}\` is a ${v.sort}, which JavaScript cannot receive`, 0);
      }
    }
    return out;
  }

  /** Lifted functions take the name they are exported under (`iface#f`, or `f`), for messages. */
  private labelExports(exports: PlanExport[], prefix: string | undefined): void {
    for (const e of exports) {
      if (e.kind === "func" && e.func.kind === "lifted") {
        const l = this.plan.lifts[e.func.lift]!;
        if (!l.exported) {
          l.label = prefix === undefined ? e.name : `${prefix}#${e.name}`;
          l.exported = true;
        }
      } else if (e.kind === "instance")
        this.labelExports(e.exports, prefix === undefined ? e.name : `${prefix}/${e.name}`);
    }
  }

  /** A host instance re-exported: its functions and types, by path. */
  private hostInstanceTree(inst: InstanceValue & { kind: "host" }): PlanExport[] {
    const t = inst.type.env.resolve(inst.type.entry);
    const it = peelEntry(t.entry);
    if (it.kind !== "instance") return [];
    const exports = new Map<string, Value>();
    for (const e of it.exports) exports.set(e.name, this.instanceExport(inst, e.name, 0));
    return this.exportTree(exports);
  }
}
