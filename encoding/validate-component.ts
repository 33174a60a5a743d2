/**
 * The component validator: walks the model of `decode/component.ts` in
 * binary order, keeping the type of every index of every sort, and refuses
 * what wasm-tools' validator refuses, with the rule broken and the offset.
 * Core modules are validated by the JS engine (`WebAssembly.Module`), with
 * the features the engine lacks tolerated.
 *
 * The rules live in `validate/`: names (`names.ts`), types, subtyping and
 * the canonical ABI's flattening (`types.ts`), core extern types (`core.ts`).
 */
import type { CoreFuncType } from "./core-module.js";
import type {
  CanonOptions,
  ComponentAst,
  CoreCanon,
  CoreModuleType,
  Export,
  Import,
  Sort,
  SortIndex,
} from "./decode/component.js";
import type { Entry, Extern, NameAttrs } from "./decode/binary.js";
import {
  checkUniqueNames,
  coreExternMismatch,
  coreModuleError,
  coreModuleSig,
  funcTypeText,
  sig,
  type CoreExtern,
  type CoreModuleSig,
} from "./validate/core.js";
import { NameError, nameKey } from "./validate/names.js";
import {
  abiList,
  checkExternName,
  checkTypeNames,
  collectResources,
  descOf,
  externSort,
  NameContext,
  refersToResources,
  registerNamed,
} from "./validate/externs.js";
import {
  bindings,
  checkEntry,
  containsPtr,
  externModules,
  externSub,
  flatten,
  freshenInstance,
  isChar,
  MAX_FLAT_ASYNC_PARAMS,
  MAX_FLAT_PARAMS,
  MAX_FLAT_RESULTS,
  resolve,
  subst,
  TypeError_,
  type ComponentEntry,
  type ExternType,
  type FuncEntry,
  type InstanceEntry,
  type ResourceMap,
} from "./validate/types.js";

/** An invalid component: the rule broken and where. */
export class ComponentValidationError extends Error {
  constructor(
    readonly reason: string,
    readonly offset: number,
  ) {
    super(`${reason} (at offset 0x${offset.toString(16)})`);
    this.name = "ComponentValidationError";
  }
}

/** Validates a component read by `readComponent`; throws `ComponentValidationError`. */
export function validateComponent(ast: ComponentAst): void {
  new Validator(ast, undefined).run();
}

/**
 * Validates a component and returns its type: the extern types of its
 * imports (each imported instance with its own fresh resources, which later
 * imports name) and of its exports. Throws `ComponentValidationError`.
 */
export function componentTypeOf(ast: ComponentAst): ComponentEntry {
  return new Validator(ast, undefined).run();
}

type CoreInstance = Map<string, CoreExtern>;
type CoreTypeInfo = { kind: "func"; type: CoreFuncType | undefined } | { kind: "module"; sig: CoreModuleSig };

/** Module types whose declarations are not known (from instance and component types): anything goes. */
const openModules = new WeakSet<CoreModuleSig>();
const openInstances = new WeakSet<CoreInstance>();

function openModule(): CoreModuleSig {
  const m: CoreModuleSig = { imports: [], exports: new Map() };
  openModules.add(m);
  return m;
}

/** The resources a component type (or a defined component's type) creates on instantiation. */
const ownedResources = new WeakMap<Entry, Set<Entry>>();

function fail(reason: string, offset: number): never {
  throw new ComponentValidationError(reason, offset);
}

/** Runs `f`, turning type and name errors into validation errors at `offset`. */
function at<T>(offset: number, f: () => T, context?: string): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof TypeError_ || e instanceof NameError) {
      fail(context ? `${context}: ${e.message}` : e.message, offset);
    }
    throw e;
  }
}

function moduleSigOf(t: CoreModuleType, offset: number): CoreModuleSig {
  const ext = (kind: string, type?: CoreFuncType): CoreExtern =>
    kind === "func" || kind === "tag"
      ? ({ kind, type } as CoreExtern)
      : ({ kind, unknown: true } as unknown as CoreExtern);
  const exports = new Map<string, CoreExtern>();
  for (const e of t.exports) {
    if (exports.has(e.name)) fail(`export name \`${e.name}\` already defined`, offset);
    exports.set(e.name, ext(e.kind, e.type));
  }
  const sig: CoreModuleSig = {
    imports: t.imports.map((i) => ({ module: i.module, name: i.name, type: ext(i.kind, i.type) })),
    exports,
  };
  try {
    checkUniqueNames(sig);
  } catch (e) {
    fail(e instanceof Error ? e.message.replace(/ \(at offset 0x[0-9a-f]+\)$/, "") : String(e), offset);
  }
  return sig;
}

function sameSig(a: CoreFuncType | undefined, b: CoreFuncType | undefined): boolean {
  return !a || !b || sig(a) === sig(b);
}

function ft(params: string[], results: string[]): CoreFuncType {
  return { params, results } as CoreFuncType;
}

class Validator {
  readonly modules: CoreModuleSig[] = [];
  readonly coreInstances: CoreInstance[] = [];
  readonly coreFuncs: (CoreFuncType | undefined)[] = [];
  readonly coreTables: CoreExtern[] = [];
  readonly coreMemories: CoreExtern[] = [];
  readonly coreGlobals: CoreExtern[] = [];
  readonly coreTags: CoreExtern[] = [];
  readonly coreTypes: CoreTypeInfo[] = [];
  readonly funcs: FuncEntry[] = [];
  readonly types: Entry[] = [];
  readonly components: ComponentEntry[] = [];
  readonly instances: InstanceEntry[] = [];
  /** Types valid in imports (named by an import) and in exports (named by either). */
  readonly importNamed = new Set<Entry>();
  readonly exportNamed = new Set<Entry>();
  /** Resources defined by this component's type section. */
  readonly localResources = new Set<Entry>();
  /** Resources this component creates (local, and fresh ones of its instances). */
  readonly owned = new Set<Entry>();
  readonly importCx = new NameContext();
  readonly exportCx = new NameContext();
  /** Strong uniqueness of import names, and of export names. */
  readonly importKeys = new Map<string, string>();
  readonly exportKeys = new Map<string, string>();
  readonly importStrings = new Set<string>();
  readonly exportStrings = new Set<string>();
  readonly importExterns: Extern[] = [];
  readonly exportExterns: Extern[] = [];
  /** The type each import gets (after fresh resources), keyed by the import. */
  private readonly importTypes = new Map<Import, ExternType>();

  constructor(
    readonly ast: ComponentAst,
    readonly outer: Validator | undefined,
  ) {}

  run(): ComponentEntry {
    const ast = this.ast;
    for (const d of ast.order) {
      switch (d.sort) {
        case "core module":
          this.coreModule(d.index);
          break;
        case "core instance":
          this.coreInstance(d.index);
          break;
        case "core func":
        case "core table":
        case "core memory":
        case "core global":
        case "core tag":
          this.coreItem(d.sort, d.index);
          break;
        case "core type":
          this.coreType(d.index);
          break;
        case "func":
          this.func(d.index);
          break;
        case "type":
          this.type(d.index);
          break;
        case "component":
          this.component(d.index);
          break;
        case "instance":
          this.instance(d.index);
          break;
        case "value":
          fail("value definitions are not supported", ast.values[d.index]?.offset ?? ast.offset);
          break;
        case "start":
          fail("start functions are not supported", ast.starts[d.index]?.offset ?? ast.offset);
          break;
        case "import":
          this.import(ast.imports[d.index]!);
          break;
        case "export":
          this.export(ast.exports[d.index]!);
          break;
      }
    }
    const type: ComponentEntry = { kind: "component", imports: this.importExterns, exports: this.exportExterns };
    ownedResources.set(type, this.owned);
    return type;
  }

  // -------------------------------------------------------------------------
  // Index lookups

  private get<T>(space: T[], index: number, what: string, space2: string, offset: number): T {
    const t = space[index];
    if (t === undefined) fail(`unknown ${what} ${index}: ${space2} index out of bounds`, offset);
    return t;
  }

  coreFunc(i: number, offset: number): CoreFuncType | undefined {
    if (i >= this.coreFuncs.length) fail(`unknown core function ${i}: function index out of bounds`, offset);
    return this.coreFuncs[i];
  }

  private typeAt(i: number, offset: number): Entry {
    return this.get(this.types, i, "type", "type", offset);
  }

  private funcType(i: number, offset: number): FuncEntry {
    const t = resolve(this.typeAt(i, offset));
    if (t.kind !== "func") fail(`type index ${i} is not a function type`, offset);
    return t;
  }

  private coreInstanceExport(instance: number, name: string, kind: string, offset: number): CoreExtern {
    const inst = this.get(this.coreInstances, instance, "core instance", "instance", offset);
    if (openInstances.has(inst) && !inst.has(name))
      return { kind, type: undefined, unknown: true } as unknown as CoreExtern;
    const x = inst.get(name);
    if (!x) fail(`core instance ${instance} has no export named \`${name}\``, offset);
    if (x.kind !== kind) fail(`export \`${name}\` for core instance ${instance} is not a ${kind}`, offset);
    return x;
  }

  private instanceExport(instance: number, name: string, offset: number): Extern {
    const inst = this.get(this.instances, instance, "instance", "instance", offset);
    const x = inst.exports.find((e) => e.name === name);
    if (!x) fail(`instance ${instance} has no export named \`${name}\``, offset);
    return x;
  }

  private outerValidator(count: number, offset: number): Validator {
    let v: Validator | undefined = this;
    for (let i = 0; i < count && v; i++) v = v.outer;
    if (!v) fail(`invalid outer alias count of ${count}`, offset);
    return v;
  }

  /** The extern type of an item of the component-level sorts. */
  private itemType(t: SortIndex, offset: number): ExternType {
    switch (t.sort) {
      case "func":
        return { sort: "func", entry: this.get(this.funcs, t.index, "function", "function", offset) };
      case "type":
        return { sort: "type", entry: this.typeAt(t.index, offset) };
      case "instance":
        return { sort: "instance", entry: this.get(this.instances, t.index, "instance", "instance", offset) };
      case "component":
        return { sort: "component", entry: this.get(this.components, t.index, "component", "component", offset) };
      case "core module":
        return {
          sort: "core module",
          entry: { kind: "core" },
          module: this.get(this.modules, t.index, "module", "module", offset),
        };
      case "value":
        return fail(`unknown value ${t.index}: value index out of bounds`, offset);
      default:
        return fail(`\`${t.sort}\` is not a valid sort here`, offset);
    }
  }

  // -------------------------------------------------------------------------
  // Core definitions

  private coreModule(i: number): void {
    const item = this.ast.modules[i]!;
    const def = item.def;
    switch (def.kind) {
      case "defined": {
        const err = coreModuleError(def.bytes);
        if (err) fail(`invalid core module: ${err}`, item.offset);
        try {
          this.modules.push(coreModuleSig(def.bytes));
        } catch (e) {
          fail(`invalid core module: ${e instanceof Error ? e.message : String(e)}`, item.offset);
        }
        return;
      }
      case "import":
        this.modules.push(this.importTypes.get(def.import)?.module ?? openModule());
        return;
      case "alias": {
        const x = this.instanceExport(def.instance, def.name, item.offset);
        if (x.sort !== "module")
          fail(`export \`${def.name}\` for instance ${def.instance} is not a module`, item.offset);
        this.modules.push(externModules.get(x) ?? openModule());
        return;
      }
      case "outer": {
        const v = this.outerValidator(def.count, item.offset);
        this.modules.push(this.get(v.modules, def.index, "module", "module", item.offset));
        return;
      }
      case "export":
        this.modules.push(this.exportedItem(def.export).module ?? openModule());
        return;
    }
  }

  private coreInstance(i: number): void {
    const item = this.ast.coreInstances[i]!;
    const def = item.def;
    const out: CoreInstance = new Map();
    if (def.kind === "instantiate") {
      const m = this.modules[def.module];
      if (!m) fail(`unknown module ${def.module}: module index out of bounds`, item.offset);
      const args = new Map<string, CoreInstance>();
      for (const a of def.args) {
        if (args.has(a.name)) fail(`duplicate module instantiation argument named \`${a.name}\``, a.offset);
        args.set(a.name, this.get(this.coreInstances, a.instance, "core instance", "instance", a.offset));
      }
      for (const imp of m.imports) {
        const arg = args.get(imp.module);
        if (!arg) fail(`missing module instantiation argument named \`${imp.module}\``, item.offset);
        const x = arg.get(imp.name);
        if (!x && openInstances.has(arg)) continue;
        if (!x) {
          fail(
            `module instantiation argument \`${imp.module}\` does not export an item named \`${imp.name}\``,
            item.offset,
          );
        }
        const mismatch = coreExternMismatch(x, imp.type);
        if (mismatch) {
          fail(
            `type mismatch for export \`${imp.name}\` of module instantiation argument \`${imp.module}\`: ${mismatch}`,
            item.offset,
          );
        }
      }
      for (const [n, t] of m.exports) out.set(n, t);
      if (openModules.has(m)) openInstances.add(out);
    } else if (def.kind === "exports") {
      for (const e of def.exports) {
        if (out.has(e.name)) fail(`export name \`${e.name}\` already defined`, e.offset);
        out.set(e.name, this.coreSortItem(e.sort, e.index, e.offset));
      }
    } else {
      fail("core instance aliases are not valid", item.offset);
    }
    this.coreInstances.push(out);
  }

  private coreSortItem(sort: string, index: number, offset: number): CoreExtern {
    switch (sort) {
      case "func":
        return { kind: "func", type: this.coreFunc(index, offset) };
      case "table":
        return this.get(this.coreTables, index, "table", "table", offset);
      case "memory":
        return this.get(this.coreMemories, index, "memory", "memory", offset);
      case "global":
        return this.get(this.coreGlobals, index, "global", "global", offset);
      case "tag":
        return this.get(this.coreTags, index, "tag", "tag", offset);
      default:
        return fail(`core instances cannot export items of sort \`${sort}\``, offset);
    }
  }

  private coreItem(sort: Sort, i: number): void {
    const kind = sort.slice(5);
    const space = (
      {
        func: this.ast.coreFuncs,
        table: this.ast.coreTables,
        memory: this.ast.coreMemories,
        global: this.ast.coreGlobals,
        tag: this.ast.coreTags,
      } as const
    )[kind as "func"];
    const item = space[i]!;
    const def = item.def;
    if (def.kind === "alias") {
      const x = this.coreInstanceExport(def.instance, def.name, kind, item.offset);
      if (x.kind === "func") this.coreFuncs.push(x.type);
      else this.pushCore(kind, x);
      return;
    }
    if (def.kind === "outer") fail(`outer aliases of sort \`${sort}\` are not valid`, item.offset);
    // A canonical built-in: always a core function.
    this.coreFuncs.push(this.canon(def.canon, item.offset));
  }

  private pushCore(kind: string, x: CoreExtern): void {
    if (kind === "table") this.coreTables.push(x);
    else if (kind === "memory") this.coreMemories.push(x);
    else if (kind === "global") this.coreGlobals.push(x);
    else this.coreTags.push(x);
  }

  private coreType(i: number): void {
    const item = this.ast.coreTypes[i]!;
    const def = item.def;
    if (def.kind === "func") this.coreTypes.push({ kind: "func", type: def.type });
    else if (def.kind === "module") this.coreTypes.push({ kind: "module", sig: moduleSigOf(def.type, item.offset) });
    else {
      const v = this.outerValidator(def.count, item.offset);
      this.coreTypes.push(this.get(v.coreTypes, def.index, "core type", "type", item.offset));
    }
  }

  // -------------------------------------------------------------------------
  // Canonical definitions

  private options(o: CanonOptions, offset: number, lift: boolean): void {
    for (const r of o.repeated) {
      if (r === "string-encoding") fail("canonical encoding option conflicts with a previous encoding option", offset);
      fail(`canonical option \`${r}\` is specified more than once`, offset);
    }
    if (o.memory !== undefined) {
      const m = this.get(this.coreMemories, o.memory, "memory", "memory", offset);
      if ((m as { memory64?: boolean }).memory64) fail("64-bit memories are not supported", offset);
    }
    if (o.realloc !== undefined) {
      const t = this.coreFunc(o.realloc, offset);
      if (o.memory === undefined) fail("canonical option `realloc` requires `memory` to also be specified", offset);
      if (!sameSig(t, ft(["i32", "i32", "i32", "i32"], ["i32"]))) {
        fail("canonical option `realloc` uses a core function with an incorrect signature", offset);
      }
    }
    if (o.postReturn !== undefined) {
      this.coreFunc(o.postReturn, offset);
      if (!lift) fail("canonical option `post-return` cannot be specified for lowerings", offset);
    }
    if (o.callback !== undefined) {
      const t = this.coreFunc(o.callback, offset);
      if (!lift) fail("canonical option `callback` cannot be specified for lowerings", offset);
      if (!o.async) fail("cannot specify callback without async", offset);
      if (!sameSig(t, ft(["i32", "i32", "i32"], ["i32"])) && !sameSig(t, ft(["i32"], ["i32"]))) {
        fail("canonical option `callback` uses a core function with an incorrect signature", offset);
      }
    }
  }

  /** The core signature a function type lowers to (Abi::Lift or Abi::Lower), checking option requirements. */
  private lowerSig(f: FuncEntry, o: CanonOptions, lift: boolean, offset: number): CoreFuncType {
    const requireMemory = () => {
      if (o.memory === undefined) fail("canonical option `memory` is required", offset);
    };
    const requireRealloc = () => {
      requireMemory();
      if (o.realloc === undefined) fail("canonical option `realloc` is required", offset);
    };
    if (o.async && !f.async) fail("the `async` canonical option requires an async function type", offset);
    const maxParams = !lift && o.async ? MAX_FLAT_ASYNC_PARAMS : MAX_FLAT_PARAMS;
    let params: string[] = [];
    for (const p of f.params) {
      if (containsPtr(p.type)) {
        if (lift) requireRealloc();
        else requireMemory();
      }
    }
    for (const p of f.params) flatten(p.type, params, maxParams);
    if (params.length > maxParams) {
      params = ["i32"];
      requireMemory();
      if (lift) requireRealloc();
    }
    let results: string[] = [];
    if (f.result !== undefined && !lift && containsPtr(f.result)) requireRealloc();
    if (!o.async) {
      if (f.result !== undefined) {
        flatten(f.result, results, MAX_FLAT_RESULTS);
        if (results.length > MAX_FLAT_RESULTS) {
          results = [];
          requireMemory();
          if (lift) results.push("i32");
          else params.push("i32");
        }
      }
    } else if (!lift) {
      if (f.result !== undefined) {
        params.push("i32");
        requireMemory();
      }
      results.push("i32");
    } else {
      if (f.result !== undefined) {
        const flat: string[] = [];
        flatten(f.result, flat, MAX_FLAT_PARAMS);
        if (flat.length > MAX_FLAT_PARAMS || containsPtr(f.result)) requireMemory();
      }
      if (o.callback !== undefined) results.push("i32");
    }
    return ft(params, results);
  }

  private canon(c: CoreCanon, offset: number): CoreFuncType | undefined {
    switch (c.kind) {
      case "lower": {
        const f = this.get(this.funcs, c.func, "function", "function", offset);
        this.options(c.options, offset, false);
        return this.lowerSig(f, c.options, false, offset);
      }
      case "resource.new":
      case "resource.drop":
      case "resource.rep": {
        const t = resolve(this.typeAt(c.type, offset));
        if (t.kind !== "resource") fail(`type index ${c.type} is not a resource type`, offset);
        if (c.kind !== "resource.drop" && !this.localResources.has(t)) {
          fail(`type index ${c.type} is not a local resource`, offset);
        }
        if (c.kind === "resource.drop") return ft(["i32"], []);
        return ft(["i32"], ["i32"]);
      }
      case "builtin": {
        if (c.options) this.options(c.options, offset, false);
        if (c.memory !== undefined) this.get(this.coreMemories, c.memory, "memory", "memory", offset);
        if (c.type !== undefined) {
          const t = resolve(this.typeAt(c.type, offset));
          const name = c.name;
          if (name.startsWith("stream.") || name.startsWith("future.")) {
            const want = name.split(".")[0]!;
            if (t.kind !== "defined" || t.def.kind !== want) fail(`\`${name}\` requires a ${want} type`, offset);
          }
        }
        return undefined;
      }
    }
  }

  // -------------------------------------------------------------------------
  // Component-level definitions

  private func(i: number): void {
    const item = this.ast.funcs[i]!;
    const def = item.def;
    switch (def.kind) {
      case "import": {
        const t = resolve(this.importTypes.get(def.import)?.entry ?? def.import.entry);
        this.funcs.push(t as FuncEntry);
        return;
      }
      case "alias": {
        const x = this.instanceExport(def.instance, def.name, item.offset);
        if (x.sort !== "func") fail(`export \`${def.name}\` for instance ${def.instance} is not a func`, item.offset);
        this.funcs.push(resolve(x.entry) as FuncEntry);
        return;
      }
      case "lift": {
        const core = this.coreFunc(def.core, item.offset);
        const f = this.funcType(def.type, item.offset);
        this.options(def.options, item.offset, true);
        const lowered = this.lowerSig(f, def.options, true, item.offset);
        if (core) {
          if (lowered.params.join() !== core.params.join()) {
            fail(
              `lowered parameter types \`${abiList(lowered.params)}\` do not match parameter types \`${abiList(core.params)}\` of core function ${def.core}`,
              item.offset,
            );
          }
          if (lowered.results.join() !== core.results.join()) {
            fail(
              `lowered result types \`${abiList(lowered.results)}\` do not match result types \`${abiList(core.results)}\` of core function ${def.core}`,
              item.offset,
            );
          }
          if (def.options.postReturn !== undefined) {
            const pr = this.coreFuncs[def.options.postReturn];
            if (!sameSig(pr, ft(core.results, []))) {
              fail("canonical option `post-return` uses a core function with an incorrect signature", item.offset);
            }
          }
        }
        this.funcs.push(f);
        return;
      }
      case "export":
        this.funcs.push(resolve(this.exportedItem(def.export).entry) as FuncEntry);
        return;
    }
  }

  private type(i: number): void {
    const item = this.ast.types[i]!;
    const def = item.def;
    const offset = item.offset;
    switch (def.kind) {
      case "defined": {
        const e = item.entry;
        at(offset, () => checkEntry(e));
        this.checkDefinedType(e, offset);
        if (e.kind === "resource") {
          this.localResources.add(e);
          this.owned.add(e);
          if (e.dtor !== undefined) {
            const t = this.coreFunc(e.dtor, offset);
            if (!sameSig(t, ft(["i32"], []))) fail("wrong signature for a destructor", offset);
          }
        }
        this.types.push(e);
        return;
      }
      case "import":
        this.types.push(this.importTypes.get(def.import)?.entry ?? item.entry);
        return;
      case "alias": {
        const x = this.instanceExport(def.instance, def.name, offset);
        if (x.sort !== "type") fail(`export \`${def.name}\` for instance ${def.instance} is not a type`, offset);
        bindings.set(item.entry, x.entry);
        this.types.push(x.entry);
        return;
      }
      case "outer": {
        const v = this.outerValidator(def.count, offset);
        const t = this.get(v.types, def.index, "type", "type", offset);
        if (def.count > 0 && refersToResources(t)) {
          fail("canonical type alias transitively refers to resources not defined in the current component", offset);
        }
        this.types.push(t);
        return;
      }
      case "export":
        this.types.push(item.entry);
        return;
    }
  }

  /** Rules on type definitions beyond the shape of each: names in component and instance types. */
  private checkDefinedType(e: Entry, offset: number): void {
    if (e.kind === "defined" && (e.def.kind === "stream" || e.def.kind === "future") && isChar(e.def.type)) {
      if (e.def.kind === "stream") fail("`stream<char>` is not valid", offset);
    }
    if (e.kind === "component" || e.kind === "instance") checkTypeNames(e, offset);
  }

  private component(i: number): void {
    const item = this.ast.components[i]!;
    const def = item.def;
    switch (def.kind) {
      case "defined": {
        const inner = new Validator(def.component, this).run();
        this.components.push(inner);
        return;
      }
      case "import":
        this.components.push(resolve(def.import.entry) as ComponentEntry);
        return;
      case "alias": {
        const x = this.instanceExport(def.instance, def.name, item.offset);
        if (x.sort !== "component") {
          fail(`export \`${def.name}\` for instance ${def.instance} is not a component`, item.offset);
        }
        this.components.push(resolve(x.entry) as ComponentEntry);
        return;
      }
      case "outer": {
        const v = this.outerValidator(def.count, item.offset);
        this.components.push(this.get(v.components, def.index, "component", "component", item.offset));
        return;
      }
      case "export":
        this.components.push(resolve(this.exportedItem(def.export).entry) as ComponentEntry);
        return;
    }
  }

  private instance(i: number): void {
    const item = this.ast.instances[i]!;
    const def = item.def;
    const offset = item.offset;
    switch (def.kind) {
      case "import":
        this.instances.push(resolve(this.importTypes.get(def.import)?.entry ?? def.import.entry) as InstanceEntry);
        return;
      case "instantiate":
        this.instances.push(this.instantiate(def.component, def.args, offset));
        return;
      case "exports": {
        const exports: Extern[] = [];
        const cx = new NameContext();
        const names = new Map<string, string>();
        for (const e of def.exports) {
          const t = this.itemType(e.target, e.offset);
          const x: Extern = { name: e.name, attrs: e.attrs, sort: externSort(t.sort), entry: t.entry };
          if (t.module) externModules.set(x, t.module);
          this.checkName(e.name, e.attrs, t, "export", cx, names, undefined, e.offset);
          // The name is that of a new alias of the resource: functions of the
          // instance must not name the resource by its definition.
          if (t.sort === "type" && resolve(t.entry).kind === "resource")
            cx.register(e.name, { kind: "eq", target: t.entry });
          exports.push(x);
        }
        this.instances.push({ kind: "instance", exports });
        return;
      }
      case "alias": {
        const x = this.instanceExport(def.instance, def.name, offset);
        if (x.sort !== "instance")
          fail(`export \`${def.name}\` for instance ${def.instance} is not an instance`, offset);
        this.instances.push(resolve(x.entry) as InstanceEntry);
        return;
      }
      case "export":
        this.instances.push(resolve(this.exportedItem(def.export).entry) as InstanceEntry);
        return;
    }
  }

  private instantiate(
    component: number,
    args: { name: string; target: SortIndex; offset: number }[],
    offset: number,
  ): InstanceEntry {
    const c = this.components[component];
    if (!c) fail(`unknown component ${component}: component index out of bounds`, offset);
    const given = new Map<string, ExternType>();
    for (const a of args) {
      if (given.has(a.name))
        fail(`instantiation argument \`${a.name}\` conflicts with previous argument \`${a.name}\``, a.offset);
      given.set(a.name, this.itemType(a.target, a.offset));
    }
    const map: ResourceMap = new Map();
    for (const imp of c.imports) {
      const arg = given.get(imp.name);
      if (!arg) fail(`missing import named \`${imp.name}\``, offset);
      const expected: ExternType = {
        sort: imp.sort,
        entry: imp.sort === "type" && imp.entry.kind === "resource" ? imp.entry : subst(imp.entry, map),
        module: externModules.get(imp),
      };
      at(
        offset,
        () => externSub(arg, expected, map),
        `type mismatch for component instantiation argument \`${imp.name}\``,
      );
      if (imp.sort === "type" && !map.has(imp.entry)) map.set(imp.entry, arg.entry);
    }
    // Resources the component defines are fresh for each instance.
    const owned = ownedResources.get(c);
    const fresh = new Map<Entry, Entry>(map);
    for (const x of c.exports) {
      if (x.sort === "type" && x.entry.kind === "resource" && x.entry.rep === undefined && !fresh.has(x.entry)) {
        const r: Entry = { kind: "resource" };
        fresh.set(x.entry, r);
        this.owned.add(r);
      }
    }
    if (owned) {
      for (const r of owned) {
        if (!fresh.has(r)) {
          const n: Entry = { kind: "resource" };
          fresh.set(r, n);
          this.owned.add(n);
        }
      }
    }
    const memo = new Map<Entry, Entry>();
    const exports = c.exports.map((x) => {
      let entry = subst(x.entry, fresh, memo);
      if (x.sort === "instance") {
        const r = resolve(entry);
        if (r.kind === "instance") {
          const f = freshenInstance(r);
          if (f !== r) {
            collectResources(f, r, this.owned);
            entry = f;
          }
        }
      }
      const out: Extern = { ...x, entry };
      const m = externModules.get(x);
      if (m) externModules.set(out, m);
      return out;
    });
    return { kind: "instance", exports };
  }

  // -------------------------------------------------------------------------
  // Imports and exports

  private import(imp: Import): void {
    const offset = imp.offset;
    let t: ExternType = { sort: imp.sort as ExternType["sort"], entry: imp.entry };
    if (imp.sort === "core module") {
      const idx = (imp as Import & { coreTypeIndex?: number }).coreTypeIndex;
      if (idx !== undefined) {
        const ct = this.get(this.coreTypes, idx, "core type", "type", offset);
        if (ct.kind !== "module") fail(`core type index ${idx} is not a module type`, offset);
        t = { ...t, module: ct.sig };
      } else if (imp.moduleType) t = { ...t, module: moduleSigOf(imp.moduleType, offset) };
    } else if (imp.sort === "instance") {
      const r = resolve(imp.entry);
      if (r.kind === "instance") {
        const f = freshenInstance(r);
        t = { sort: "instance", entry: f };
      }
    }
    this.importTypes.set(imp, t);
    this.checkName(imp.name, imp.attrs, t, "import", this.importCx, this.importKeys, this.importStrings, offset);
    if (!this.registerNamed(t, "import")) fail(`${descOf(t)} not valid to be used as import`, offset);
    if (imp.sort === "type" && resolve(t.entry).kind === "resource") this.importCx.register(imp.name, t.entry);
    const x: Extern = { name: imp.name, attrs: imp.attrs, sort: externSort(t.sort), entry: t.entry };
    if (t.module) externModules.set(x, t.module);
    this.importExterns.push(x);
  }

  /** The type of what an export exports (the ascribed type when given, after checking it). */
  private readonly exportTypes = new Map<Export, ExternType>();

  private exportedItem(exp: Export): ExternType {
    return this.exportTypes.get(exp) ?? { sort: exp.target.sort as ExternType["sort"], entry: { kind: "core" } };
  }

  private export(exp: Export): void {
    const offset = exp.offset;
    const actual = this.itemType(exp.target, offset);
    let t = actual;
    if (exp.ascribed) {
      let module: CoreModuleSig | undefined;
      const idx = (exp.ascribed as { coreTypeIndex?: number }).coreTypeIndex;
      if (idx !== undefined) {
        const ct = this.coreTypes[idx];
        if (ct?.kind === "module") module = ct.sig;
      }
      const asc: ExternType = { sort: exp.ascribed.sort as ExternType["sort"], entry: exp.ascribed.entry, module };
      at(offset, () => externSub(actual, asc, new Map()), `type mismatch for export \`${exp.name}\``);
      if (asc.sort === "type") {
        // A `(sub resource)` ascription creates a new abstract type for the export.
        t = {
          sort: "type",
          entry: this.ast.types.find((x) => x.def.kind === "export" && x.def.export === exp)?.entry ?? asc.entry,
        };
      } else t = asc;
    } else if (t.sort === "type") {
      const item = this.ast.types.find((x) => x.def.kind === "export" && x.def.export === exp);
      if (item) t = { sort: "type", entry: item.entry };
    }
    this.exportTypes.set(exp, t);
    this.checkName(exp.name, exp.attrs, t, "export", this.exportCx, this.exportKeys, this.exportStrings, offset);
    if (!this.registerNamed(t, "export")) fail(`${descOf(t)} not valid to be used as export`, offset);
    if (t.sort === "type" && resolve(t.entry).kind === "resource") this.exportCx.register(exp.name, t.entry);
    const x: Extern = { name: exp.name, attrs: exp.attrs, sort: externSort(t.sort), entry: t.entry };
    if (t.module) externModules.set(x, t.module);
    this.exportExterns.push(x);
  }

  /** External visibility: what an import or export names must itself be named; registers new names. */
  private registerNamed(t: ExternType, kind: "import" | "export"): boolean {
    return registerNamed(t, kind, this.importNamed, this.exportNamed);
  }

  /** Name rules of one import or export. */
  private checkName(
    name: string,
    attrs: NameAttrs,
    t: ExternType,
    kind: "import" | "export",
    cx: NameContext,
    keys: Map<string, string>,
    strings: Set<string> | undefined,
    offset: number,
  ): void {
    const parsed = checkExternName(name, attrs, t, kind, cx, offset);
    const key = nameKey(parsed);
    const prev = keys.get(key);
    if (prev !== undefined) fail(`${kind} name \`${name}\` conflicts with previous name \`${prev}\``, offset);
    keys.set(key, name);
    if (strings) {
      if (strings.has(name)) fail(`${kind} name \`${name}\` conflicts with previous name \`${name}\``, offset);
      strings.add(name);
    }
  }
}

export { funcTypeText };
