/**
 * `witx-bindgen component`: wraps a guest core module into a component for
 * its world, as `wasm-tools component new` does.
 *
 * The layout of the result:
 * 1. the world's imports that the module uses (instance types holding only
 *    the used functions and the types they need; world-level types and
 *    functions), each imported;
 * 2. the core module, and the shim module whose trampolines stand in for
 *    imports that need the module's memory or `cabi_realloc`;
 * 3. resource types for exported resources, and the canonical built-ins the
 *    module imports (`canon lower`, `resource.new/rep/drop`), grouped into
 *    one core instance per import module; the module is instantiated with
 *    them;
 * 4. the real lowerings, written into the shim's table by the fixup module;
 * 5. the exports: each function lifted with its options; each exported
 *    interface re-typed through a small nested component (which names its
 *    types and threads its resources through), instantiated and exported.
 */
import type { Resolve } from "../ir/resolve.js";
import {
  worldKeyString,
  type Function,
  type InterfaceId,
  type Type,
  type TypeId,
  type World,
  type WorldId,
  type WorldKey,
} from "../ir/types.js";
import {
  ComponentBuilder,
  Declarations,
  type CanonOptions,
  type CoreExport,
  type ExternName,
  type TypeDef,
} from "./builder.js";
import { fitAdapters, inContext, type EncodedModule, type EncodeOptions } from "./adapters.js";
import { dedupeImports } from "./dedupe.js";
import { readCoreModule, type CoreFuncType } from "./core-module.js";
import { LiveTypes } from "./live.js";
import { mergeImportsBasedOnSemver } from "./semver-merge.js";
import type { ComponentStringEncoding } from "./metadata-types.js";
import { producersSection } from "./metadata.js";
export { stripComponentTypeSections } from "./metadata.js";
import { SHIM_MEMORY, SHIM_TABLE, shimModule, TLS_BASE_GET, TLS_BASE_SET } from "./shim.js";
import { fixupImports, fixupModule, needsFixup, TaskHook, type FixupSpec, type HookedFunc } from "./fixup.js";
import { contextBuiltin } from "./builtins.js";
import {
  asyncCoreSignature,
  ComponentEncodingError,
  coreSignature,
  fitModule,
  layoutOf,
  taskReturnSignature,
  type ExportedFunc,
  type ImportUse,
} from "./validate.js";
import { encodeFuncType, encodeValType, externName, kindKey, TypeMaps, type TypeSink } from "./valtype.js";

export { ComponentEncodingError } from "./validate.js";
export type { AdapterModule, EncodedModule, EncodeOptions, InitModule, LibraryModule } from "./adapters.js";

export interface WorldBindings {
  resolve: Resolve;
  world: WorldId;
  /** The string encoding of functions the maps below do not list (utf8 when absent). */
  stringEncoding?: ComponentStringEncoding;
  /** String encodings by `<world key>/<function>`. */
  importEncodings?: Map<string, ComponentStringEncoding>;
  exportEncodings?: Map<string, ComponentStringEncoding>;
}

interface Requirements {
  memory: boolean;
  realloc: boolean;
  stringEncoding: boolean;
}

/** `requiredOptions` of each function, by direction (a resolve's functions and types do not change once added). */
const requirementsCache = new WeakMap<Function, { resolve: Resolve; byKind: Map<string, Requirements> }>();

/** The canonical options a lowering (import) or lifting (export) of `func` needs, as wit-component decides them. */
function requiredOptions(
  resolve: Resolve,
  func: Function,
  direction: "import" | "export",
  async = false,
): Requirements {
  let cached = requirementsCache.get(func);
  if (cached?.resolve !== resolve) requirementsCache.set(func, (cached = { resolve, byKind: new Map() }));
  const kind = `${direction}${async ? "-async" : ""}`;
  let r = cached.byKind.get(kind);
  if (!r) cached.byKind.set(kind, (r = computeRequiredOptions(resolve, func, direction, async)));
  return { ...r };
}

function computeRequiredOptions(
  resolve: Resolve,
  func: Function,
  direction: "import" | "export",
  async: boolean,
): Requirements {
  const layout = layoutOf(resolve);
  const contents = (types: Type[]) => {
    let memory = false;
    let string = false;
    for (const t of types) {
      if (layout.contains(t, (s) => s.kind === "list" || s.kind === "map")) memory = true;
      if (layout.contains(t, (s) => s.kind === "string")) string = true;
    }
    return { memory, string };
  };
  const params = contents(func.params.map((p) => p.type));
  const results = contents(func.result === undefined ? [] : [func.result]);
  const r: Requirements = { memory: false, realloc: false, stringEncoding: false };
  const lower = (c: { memory: boolean; string: boolean }) => {
    if (c.memory || c.string) r.memory = r.realloc = true;
    if (c.string) r.stringEncoding = true;
  };
  const lift = (c: { memory: boolean; string: boolean }) => {
    if (c.memory || c.string) r.memory = true;
    if (c.string) r.stringEncoding = true;
  };
  const flatParams = layout.flatten(func.params.map((p) => p.type)).length;
  const flatResults = func.result === undefined ? 0 : layout.flat(func.result).length;
  const indirectParams = flatParams > (async && direction === "import" ? 4 : 16);
  const retptr = async ? direction === "import" && func.result !== undefined : flatResults > 1;
  if (direction === "import") {
    lift(params);
    lower(results);
    if (retptr || indirectParams) r.memory = true;
  } else {
    lower(params);
    lift(results);
    if (retptr || indirectParams) r.memory = true;
    if (indirectParams) r.realloc = true;
  }
  return r;
}

/** What `canon task.return` of an async export's result needs (it lifts the result from memory). */
function taskReturnRequirements(resolve: Resolve, func: Function): Requirements {
  const layout = layoutOf(resolve);
  const r: Requirements = { memory: false, realloc: false, stringEncoding: false };
  if (func.result !== undefined) {
    if (layout.contains(func.result, (x) => x.kind === "list" || x.kind === "map" || x.kind === "string"))
      r.memory = true;
    if (layout.contains(func.result, (x) => x.kind === "string")) r.stringEncoding = true;
    if (layout.flat(func.result).length > 16) r.memory = true;
  }
  return r;
}

function importFuncName(func: Function): string {
  if (func.kind.kind === "freestanding" || func.kind.kind === "async-freestanding") return `import-func-${func.name}`;
  return `import-${func.name.replace(/\[/g, "").replace(/[\]. ]/g, "-")}`;
}

/** A module being encoded, with its core instance once instantiated. */
interface Unit extends EncodedModule {
  instance: number;
  aliases: Map<string, number>;
}

/** Encoding state shared by every part of one component. */
class ComponentEncoder {
  readonly c = new ComponentBuilder();
  rootMaps = new TypeMaps();
  readonly instances = new Map<InterfaceId, number>();
  private readonly importedFuncs = new Map<string, number>();
  private memoryIndex: number | undefined;
  private readonly units: Unit[];
  private readonly exportsUsed = new Map<InterfaceId, Set<InterfaceId>>();
  private readonly liveTypeImports = new Map<InterfaceId, TypeId[]>();

  constructor(
    private readonly b: WorldBindings,
    private readonly world: World,
    modules: EncodedModule[],
    private readonly encodeOptions: EncodeOptions = {},
  ) {
    this.units = modules.map((m) => ({ ...m, instance: -1, aliases: new Map() }));
  }

  private get main(): Unit {
    return this.units[0]!;
  }

  private get resolve(): Resolve {
    return this.b.resolve;
  }

  private encodingOf(map: Map<string, ComponentStringEncoding> | undefined, key: WorldKey, func: Function) {
    return map?.get(`${this.encodingKey(key)}/${func.name}`) ?? this.b.stringEncoding ?? "utf8";
  }

  private encodingKey(key: WorldKey): string {
    if (key.kind === "name") return key.name;
    const i = this.resolve.interfaces[key.id];
    const p = this.resolve.packages[i.package!].name;
    return `${p.namespace}:${p.name}/${i.name}`;
  }

  /** A root sink: types defined at the component's top level. */
  private rootSink(iface: InterfaceId | undefined, importTypes: boolean): TypeSink {
    const self = this;
    return {
      currentInterface: iface,
      get maps() {
        return self.rootMaps;
      },
      set maps(m) {
        self.rootMaps = m;
      },
      defineType: (t) => this.c.defineType(t),
      exportType: (index, name) => {
        if (iface !== undefined) return undefined;
        if (importTypes) return this.c.import(name, { sort: "type", eq: index });
        return this.c.export(name, "type", index);
      },
      exportResource: (name) => {
        if (iface !== undefined || !importTypes) throw new Error("a resource cannot be defined here");
        return this.c.import(name, { sort: "type", subResource: true });
      },
      importType: (owner, id) => this.aliasInstanceType(owner, id),
    };
  }

  private aliasInstanceType(owner: InterfaceId, id: TypeId): number {
    const instance = this.instances.get(owner);
    if (instance === undefined) {
      throw new ComponentEncodingError(
        `interface \`${this.resolve.idOf(owner) ?? owner}\` is needed but not available`,
      );
    }
    return this.c.aliasExport(instance, this.resolve.types[id].name!, "type");
  }

  encode(): Uint8Array {
    this.computeExportsUsed();
    this.computeLiveTypes();
    this.encodeImports();
    this.encodeCore();
    this.encodeExports();
    this.c.custom("producers", producersSection());
    return this.c.finish();
  }

  private computeExportsUsed(): void {
    const exports = this.world.exports;
    for (const { item } of exports.values()) {
      if (item.kind !== "interface") continue;
      const set = new Set<InterfaceId>();
      for (const other of this.resolve.interfaceDirectDeps(item.id)) {
        if (!exports.has(worldKeyString({ kind: "interface", id: other }))) continue;
        if (!set.has(other)) {
          set.add(other);
          for (const x of this.exportsUsed.get(other) ?? []) set.add(x);
        }
      }
      this.exportsUsed.set(item.id, set);
    }
  }

  private computeLiveTypes(): void {
    const live = new LiveTypes(this.resolve);
    for (const { item } of this.world.imports.values()) if (item.kind === "type") live.addTypeId(item.id);
    for (const use of this.units.flatMap((u) => u.fit.imports)) {
      if (use.kind === "func") live.addFunc(use.func);
      else if (use.kind === "task-return") {
        if (use.func.result !== undefined) live.addType(use.func.result);
      } else if (use.kind === "builtin") {
        const t = use.builtin.futureOrStream?.type;
        if (t !== undefined) live.addTypeId(t);
      } else if (use.kind === "resource-drop" || use.kind === "exported-resource") live.addTypeId(use.resource);
    }
    for (const { item } of this.world.exports.values()) {
      if (item.kind !== "interface") {
        live.addWorldItem(item);
        continue;
      }
      const used = this.exportsUsed.get(item.id)!;
      const fromExport = new LiveTypes(this.resolve);
      fromExport.addWorldItem(item);
      for (const t of fromExport.set) {
        const owner = this.resolve.types[t].owner;
        if (owner.kind !== "interface") continue;
        if (owner.id !== item.id && !used.has(owner.id)) live.addTypeId(t);
      }
    }
    for (const t of live.set) {
      const owner = this.resolve.types[t].owner;
      if (owner.kind !== "interface") continue;
      let list = this.liveTypeImports.get(owner.id);
      if (!list) this.liveTypeImports.set(owner.id, (list = []));
      list.push(t);
    }
  }

  private usedFuncs(iface: InterfaceId | undefined): Set<string> {
    const out = new Set<string>();
    for (const unit of this.units) {
      for (const use of unit.fit.imports) if (use.kind === "func" && use.iface === iface) out.add(use.func.name);
    }
    return out;
  }

  private encodeImports(): void {
    for (const { key, item } of this.world.imports.values()) {
      if (item.kind !== "interface") continue;
      const used = this.usedFuncs(item.id);
      const iface = this.resolve.interfaces[item.id];
      const decls = new Declarations("instance");
      const sink: TypeSink = {
        currentInterface: item.id,
        maps: new TypeMaps(),
        defineType: (t) => decls.defineType(t),
        exportType: (index, name) => decls.export(name, { sort: "type", eq: index }),
        exportResource: (name) => decls.export(name, { sort: "type", subResource: true })!,
        importType: (owner, id) => decls.aliasOuterType(1, this.aliasInstanceType(owner, id)),
      };
      for (const t of this.liveTypeImports.get(item.id) ?? []) encodeValType(this.resolve, sink, t);
      for (const func of iface.functions.values()) {
        if (!used.has(func.name)) continue;
        const type = encodeFuncType(this.resolve, sink, func);
        decls.export(externName(func.name, func.externalId), { sort: "func", type });
      }
      if (decls.count === 0) continue;
      const type = this.c.defineType({ kind: "instance", decls });
      const name: ExternName = externName(this.resolve.nameWorldKey(key), item.externalId);
      if (key.kind === "name" && iface.name !== undefined) name.implements = this.resolve.idOf(item.id);
      this.instances.set(item.id, this.c.import(name, { sort: "instance", type }));
    }
    for (const { item } of this.world.imports.values()) {
      if (item.kind === "type") encodeValType(this.resolve, this.rootSink(undefined, true), item.id);
    }
    const usedRoot = this.usedFuncs(undefined);
    for (const { key, item } of this.world.imports.values()) {
      if (item.kind !== "function") continue;
      const name = this.resolve.nameWorldKey(key);
      if (!usedRoot.has(item.func.name)) continue;
      const type = encodeFuncType(this.resolve, this.rootSink(undefined, true), item.func);
      this.importedFuncs.set(name, this.c.import(externName(name, item.func.externalId), { sort: "func", type }));
    }
  }

  /** The resource a `[resource-drop]` import of an imported interface (or of `$root`) drops. */
  private resourceIndex(id: TypeId): number {
    const def = this.resolve.types[id];
    if (def.owner.kind === "interface") {
      // A world that imports and exports one interface has one type id for both resources: the drop is the import's.
      if (this.instances.has(def.owner.id)) return this.aliasInstanceType(def.owner.id, id);
      const exported = this.rootMaps.idToIndex.get(id);
      if (exported !== undefined && this.exportedResources.has(id)) return exported;
      return this.aliasInstanceType(def.owner.id, id);
    }
    const index = this.rootMaps.idToIndex.get(id);
    if (index === undefined) throw new Error(`resource ${def.name} was not imported`);
    return index;
  }

  private readonly exportedResources = new Set<TypeId>();

  /** How the core function for one import of the module is made, and whether it needs the module's memory or realloc. */
  private importMaker(
    unit: Unit,
    use: ImportUse,
  ): { sig: CoreFuncType; deferred: boolean; make: () => number } | undefined {
    const resolve = this.resolve;
    // Adapters are instantiated after the main module, whose memory they use.
    const memoryFirst = this.main.fit.importedMemory !== undefined || unit !== this.main;
    const deferredIf = (r: { memory: boolean; realloc: boolean }) =>
      (r.memory || r.realloc) && (!memoryFirst || r.realloc);
    switch (use.kind) {
      case "func": {
        const r = requiredOptions(resolve, use.func, "import", use.async === true);
        const encoding = this.encodingOf(unit.importEncodings ?? this.b.importEncodings, use.key, use.func);
        const sig = use.async
          ? asyncCoreSignature(resolve, use.func, "lower", false)
          : coreSignature(resolve, use.func, "lower");
        return {
          sig,
          deferred: deferredIf(r),
          make: () => {
            const options = this.options(unit, r, this.importRealloc(unit), encoding, use.func, "lower");
            if (use.async) options.async = true;
            return this.c.lower(this.importedFunc(use.func, use.key, use.iface), options);
          },
        };
      }
      case "task-return": {
        const func = use.func;
        const r = taskReturnRequirements(resolve, func);
        const encoding = this.encodingOf(unit.exportEncodings ?? this.b.exportEncodings, use.key, func);
        const iface = use.key.kind === "interface" ? use.key.id : this.exportedInterfaceOf(use.key);
        return {
          sig: taskReturnSignature(resolve, func),
          deferred: deferredIf(r),
          make: () => {
            const result =
              func.result === undefined
                ? undefined
                : encodeValType(resolve, this.rootSink(iface, iface === undefined), func.result);
            return this.c.taskReturn(result, this.options(unit, r, undefined, encoding, func, "lower"));
          },
        };
      }
      case "builtin": {
        const b = use.builtin;
        if (b.indirectTable)
          return {
            sig: b.sig,
            // The module's table exists only once it is instantiated.
            deferred: true,
            make: () => {
              this.indirectTable ??= this.aliasExportOf("main", "__indirect_function_table", "table");
              this.startFuncType ??= this.c.defineCoreFuncType(["i32"], []);
              return this.c.canon((w) => b.write(w, this.indirectTable, undefined, this.startFuncType));
            },
          };
        return {
          sig: b.sig,
          deferred: deferredIf(b),
          make: () => {
            const memory = b.memory ? this.requireMemory(b.name) : undefined;
            const realloc = b.realloc ? this.reallocFor(this.importRealloc(unit), b.name, "lower") : undefined;
            const fs = b.futureOrStream;
            let type: number | undefined;
            if (fs) {
              type =
                fs.type === undefined
                  ? this.unitType(fs.kind)
                  : (encodeValType(resolve, this.rootSink(undefined, true), fs.type) as number);
            }
            return this.c.canon((w) => b.write(w, memory, realloc, type, this.b.stringEncoding ?? "utf8"));
          },
        };
      }
      default:
        return undefined;
    }
  }

  /** The module's `__indirect_function_table` and the start functions' core type, for `thread.new-indirect`. */
  private indirectTable: number | undefined;
  private startFuncType: number | undefined;

  private readonly unitTypes = new Map<string, number>();

  /** `(type (future))` or `(type (stream))`, defined once. */
  private unitType(kind: "future" | "stream"): number {
    let index = this.unitTypes.get(kind);
    if (index === undefined) {
      index = this.c.defineType({ kind, type: undefined });
      this.unitTypes.set(kind, index);
    }
    return index;
  }

  private exportedInterfaceOf(key: WorldKey): InterfaceId | undefined {
    for (const { key: k, item } of this.world.exports.values()) {
      if (k.kind === "name" && key.kind === "name" && k.name === key.name && item.kind === "interface") return item.id;
    }
    return undefined;
  }

  private encodeCore(): void {
    const resolve = this.resolve;
    const main = this.main;
    const modules = this.units.map((u) => this.c.coreModule(u.bytes));

    // What needs a trampoline in the shim module, filled in by the fixup
    // module once everything is instantiated: lowerings that need a realloc
    // (or the memory) of a module not yet instantiated, the adapters'
    // functions the main module imports, and destructors.
    interface Slot {
      sig: CoreFuncType;
      make: () => number;
    }
    const slots: Slot[] = [];
    const slotOf = new Map<ImportUse, number>();
    const makers = new Map<ImportUse, () => number>();
    for (const unit of this.units) {
      for (const use of unit.fit.imports) {
        if (use.kind === "adapter-export") {
          const adapter = this.units.find((a) => a !== main && a.name === use.module)!;
          slotOf.set(use, slots.length);
          slots.push({ sig: use.sig, make: () => this.coreExport(adapter, use.export) });
          continue;
        }
        const m = this.importMaker(unit, use);
        if (!m) continue;
        if (m.deferred) {
          slotOf.set(use, slots.length);
          slots.push({ sig: m.sig, make: m.make });
        } else makers.set(use, m.make);
      }
    }
    const exportedResourceList: TypeId[] = [];
    for (const { item } of this.world.exports.values()) {
      if (item.kind !== "interface") continue;
      for (const id of resolve.interfaces[item.id].types.values()) {
        if (resolve.types[id].kind.kind === "resource") exportedResourceList.push(id);
      }
    }
    const dtorSlots = new Map<TypeId, number>();
    for (const id of exportedResourceList) {
      const unit = this.units.find((u) => u.fit.dtors.has(id));
      if (!unit) continue;
      dtorSlots.set(id, slots.length);
      slots.push({ sig: { params: ["i32"], results: [] }, make: () => this.coreExport(unit, unit.fit.dtors.get(id)!) });
    }
    const hooks = this.prepareTaskHooks(slots, [...dtorSlots.values()]);
    const signatures = slots.map((s) => s.sig);
    const returnCallRef = this.encodeOptions.returnCallRef === true;
    const memoryFirst = main.fit.importedMemory !== undefined;
    const tlsBase = this.tlsBaseInShim();
    let shimInstance: number | undefined;
    if (signatures.length > 0 || memoryFirst || tlsBase) {
      const shim = this.c.coreModule(
        shimModule(signatures, main.fit.importedMemory?.limits, { returnCallRef, tlsBase }),
      );
      shimInstance = this.c.instantiateCore(shim, []);
      this.shimInstanceIndex = shimInstance;
      if (memoryFirst) this.memoryIndex = this.c.aliasCoreExport(shimInstance, SHIM_MEMORY, "memory");
    }
    const fixupSpec: FixupSpec = {
      signatures,
      initialize: main.fit.initialize !== undefined,
      returnCallRef,
      hooked: hooks?.hooked,
      slotHooks: hooks?.slotHooks,
    };
    const fixup = needsFixup(fixupSpec) ? this.c.coreModule(fixupModule(fixupSpec)) : undefined;

    for (const id of exportedResourceList) {
      const slot = dtorSlots.get(id);
      const dtor = slot === undefined ? undefined : this.c.aliasCoreExport(shimInstance!, String(slot), "func");
      const index = this.c.defineType({ kind: "resource", rep: "i32", dtor });
      this.rootMaps.idToIndex.set(id, index);
      this.exportedResources.add(id);
    }

    this.units.forEach((unit, n) => {
      const byModule = new Map<string, CoreExport[]>();
      const add = (module: string, e: CoreExport) => {
        let list = byModule.get(module);
        if (!list) byModule.set(module, (list = []));
        list.push(e);
      };
      for (const use of unit.fit.imports) {
        let index: number;
        let sort: CoreExport["sort"] = "func";
        const slot = slotOf.get(use);
        const make = makers.get(use);
        if (slot !== undefined) index = this.c.aliasCoreExport(shimInstance!, String(slot), "func");
        else if (make) index = make();
        else if (use.kind === "resource-drop") {
          index = this.c.resourceDrop(this.resourceIndex(use.resource));
        } else if (use.kind === "exported-resource") {
          const type = this.rootMaps.idToIndex.get(use.resource)!;
          index =
            use.op === "new"
              ? this.c.resourceNew(type)
              : use.op === "rep"
                ? this.c.resourceRep(type)
                : this.c.resourceDrop(type);
        } else if (use.kind === "tls-base") {
          if (tlsBase) index = this.c.aliasCoreExport(shimInstance!, use.set ? TLS_BASE_SET : TLS_BASE_GET, "func");
          else index = this.c.canon((w) => contextBuiltin(!use.set, 1, use.type).write(w, undefined, undefined));
        } else if (use.kind === "main-memory") {
          index = this.requireMemory(`adapter \`${unit.name}\``);
          sort = "memory";
        } else if (use.kind === "linked") {
          sort = use.item.sort === "tag" ? "tag" : use.item.sort;
          index = this.aliasExportOf(use.item.from, use.item.name, use.item.sort);
        } else if (use.kind === "main-export") {
          if (use.sort === "tag") throw new ComponentEncodingError(`adapter \`${unit.name}\` imports a tag`);
          sort = use.sort;
          index = this.aliasExportOf("main", use.name, use.sort);
        } else throw new Error(`unhandled import ${use.module}::${use.name}`);
        add(use.module, { name: use.name, sort, index });
      }
      if (unit === main && main.fit.importedMemory) {
        const { module, name } = main.fit.importedMemory;
        add(module, { name, sort: "memory", index: this.memoryIndex! });
      }
      const args: [string, number][] = [];
      for (const [module, exports] of byModule) args.push([module, this.c.coreInstanceFromExports(exports)]);
      unit.instance = this.c.instantiateCore(modules[n]!, args);
      if (unit === main && main.fit.memory !== undefined) {
        this.memoryIndex = this.c.aliasCoreExport(main.instance, main.fit.memory, "memory");
      }
    });

    if (fixup !== undefined) {
      const made = slots.map((s) => s.make());
      const fixupExports: CoreExport[] = fixupImports(fixupSpec).map(({ name, sort }) => {
        let index: number;
        if (sort === "table") index = this.c.aliasCoreExport(shimInstance!, SHIM_TABLE, "table");
        else if (sort === "global") index = this.c.aliasCoreExport(shimInstance!, name, "global");
        else if (name === "_initialize") index = this.coreExport(main, main.fit.initialize!);
        else if (name === "__wasm_task_hook") index = this.coreExport(main, main.fit.taskHook!);
        else if (hooks?.wrapped.has(name)) {
          const { unit, core } = hooks.wrapped.get(name)!;
          index = this.coreExport(unit, core);
        } else index = made[Number(name)]!;
        return { name, sort, index };
      });
      const inst = this.c.coreInstanceFromExports(fixupExports);
      const instance = this.c.instantiateCore(fixup, [["", inst]]);
      if (hooks) this.hooks = { ...hooks, instance, aliases: new Map() };
    }

    const init = this.encodeOptions.init;
    if (init) {
      const module = this.c.coreModule(init.wasm);
      const args: [string, number][] = init.imports.map(({ module, items }) => [
        module,
        this.c.coreInstanceFromExports(
          items.map((it) => ({ name: it.alias, sort: it.sort, index: this.aliasExportOf(it.from, it.name, it.sort) })),
        ),
      ]);
      this.c.instantiateCore(module, args);
    }
  }

  /** The task hooks' wrappers, once the fixup module that defines them is instantiated. */
  private hooks:
    | {
        exported: Map<string, number>;
        instance: number;
        aliases: Map<number, number>;
      }
    | undefined;
  /** With task hooks, the trampoline slots of reallocs used when lowering, by `<module>:<export>`. */
  private readonly reallocSlots = new Map<string, number>();
  private shimInstanceIndex: number | undefined;
  private readonly shimAliases = new Map<number, number>();

  private unitKey(unit: Unit, core: string): string {
    return `m${this.units.indexOf(unit)}:${core}`;
  }

  /**
   * wit-component's task hooks, when the main module exports
   * `__wasm_task_hook`: a wrapper for each lifted export, post-return and
   * callback, each realloc used as an option, and each destructor. Reallocs
   * used by lowerings get trampoline slots (the wrappers exist only once the
   * fixup module does), filled with their wrappers.
   */
  private prepareTaskHooks(
    slots: { sig: CoreFuncType; make: () => number }[],
    dtorSlots: number[],
  ):
    | {
        hooked: HookedFunc[];
        slotHooks: Map<number, number>;
        wrapped: Map<string, { unit: Unit; core: string }>;
        exported: Map<string, number>;
      }
    | undefined {
    if (this.main.fit.taskHook === undefined) return undefined;
    const resolve = this.resolve;
    const hooked: HookedFunc[] = [];
    const wrapped = new Map<string, { unit: Unit; core: string }>();
    const exported = new Map<string, number>();
    const wrap = (unit: Unit, core: string, sig: CoreFuncType, start: number, end: number | "async") => {
      const name = this.unitKey(unit, core);
      if (exported.has(name)) return;
      wrapped.set(name, { unit, core });
      exported.set(name, hooked.length);
      hooked.push({ wraps: { name }, sig, start, end, exported: true });
    };
    const REALLOC: CoreFuncType = { params: ["i32", "i32", "i32", "i32"], results: ["i32"] };
    for (const unit of this.units) {
      for (const e of unit.fit.exports) {
        if (e.async) {
          const sig = asyncCoreSignature(resolve, e.func, "lift", e.async.callback !== undefined);
          wrap(
            unit,
            e.coreName,
            sig,
            TaskHook.AsyncStart,
            e.async.callback === undefined ? TaskHook.AsyncFinish : "async",
          );
          if (e.async.callback !== undefined) {
            wrap(
              unit,
              e.async.callback,
              { params: ["i32", "i32", "i32"], results: ["i32"] },
              TaskHook.AsyncResume,
              "async",
            );
          }
          continue;
        }
        const sig = coreSignature(resolve, e.func, "lift");
        wrap(unit, e.coreName, sig, TaskHook.SyncStart, TaskHook.SyncFinish);
        if (e.postReturn !== undefined) {
          wrap(
            unit,
            e.postReturn,
            { params: sig.results, results: [] },
            TaskHook.PostReturnStart,
            TaskHook.PostReturnFinish,
          );
        }
      }
    }
    for (const unit of this.units) {
      for (const name of new Set([unit.fit.realloc, unit.fit.importRealloc, unit.fit.exportRealloc])) {
        if (name !== undefined) wrap(unit, name, REALLOC, TaskHook.ReallocStart, TaskHook.ReallocFinish);
      }
    }
    const slotHooks = new Map<number, number>();
    for (const user of this.units) {
      const realloc = this.importRealloc(user);
      if (realloc === undefined || !this.lowersWithRealloc(user)) continue;
      const key = this.unitKey(realloc.unit, realloc.name);
      if (this.reallocSlots.has(key)) continue;
      this.reallocSlots.set(key, slots.length);
      slotHooks.set(slots.length, exported.get(key)!);
      slots.push({ sig: REALLOC, make: () => this.coreExport(realloc.unit, realloc.name) });
    }
    for (const slot of dtorSlots) {
      slotHooks.set(slot, hooked.length);
      hooked.push({
        wraps: { slot },
        sig: { params: ["i32"], results: [] },
        start: TaskHook.ResourceDtorStart,
        end: TaskHook.ResourceDtorFinish,
        exported: false,
      });
    }
    return { hooked, slotHooks, wrapped, exported };
  }

  /** Whether any lowering into `unit` (or built-in it imports) needs its realloc. */
  private lowersWithRealloc(unit: Unit): boolean {
    return unit.fit.imports.some((use) => {
      if (use.kind === "func") return requiredOptions(this.resolve, use.func, "import", use.async === true).realloc;
      return use.kind === "builtin" && use.builtin.realloc;
    });
  }

  /** The core function the component calls for `core` of `unit`: its task-hook wrapper, if any. */
  private entry(unit: Unit, core: string): number {
    const h = this.hooks;
    const i = h?.exported.get(this.unitKey(unit, core));
    if (h === undefined || i === undefined) return this.coreExport(unit, core);
    let index = h.aliases.get(i);
    if (index === undefined) {
      index = this.c.aliasCoreExport(h.instance, `hook${i}`, "func");
      h.aliases.set(i, index);
    }
    return index;
  }

  /**
   * The realloc that lowerings into `unit` use: its own; for a linked
   * library without one, the main module's (wit-component's `resolve_realloc`).
   */
  private importRealloc(unit: Unit): { unit: Unit; name: string } | undefined {
    if (unit.fit.importRealloc !== undefined) return { unit, name: unit.fit.importRealloc };
    if (unit.library && this.main.fit.realloc !== undefined) return { unit: this.main, name: this.main.fit.realloc };
    return undefined;
  }

  /** The realloc that lifts out of `unit` use: its own; for a linked library without one, the main module's. */
  private exportRealloc(unit: Unit): { unit: Unit; name: string } | undefined {
    if (unit.fit.exportRealloc !== undefined) return { unit, name: unit.fit.exportRealloc };
    if (unit.library && this.main.fit.realloc !== undefined) return { unit: this.main, name: this.main.fit.realloc };
    return undefined;
  }

  private reallocFor(realloc: { unit: Unit; name: string } | undefined, what: string, site: "lower" | "lift"): number {
    if (realloc === undefined) this.requireRealloc(undefined, what);
    return this.reallocIndex(realloc!.unit, realloc!.name, site);
  }

  /** An export of the main module's instance or of a linked library's. */
  private aliasExportOf(
    from: "main" | { library: string },
    name: string,
    sort: "func" | "table" | "memory" | "global" | "tag",
  ): number {
    const unit = from === "main" ? this.main : this.units.find((u) => u !== this.main && u.name === from.library);
    if (!unit)
      throw new ComponentEncodingError(
        `linked library \`${(from as { library: string }).library}\` is not instantiated yet`,
      );
    if (sort === "func") return this.coreExport(unit, name);
    const key = `${sort}:${name}`;
    let index = unit.aliases.get(key);
    if (index === undefined) {
      index = this.c.aliasCoreExport(unit.instance, name, sort);
      unit.aliases.set(key, index);
    }
    return index;
  }

  /** The `realloc` option for a lowering into `unit` or a lift out of it. */
  private reallocIndex(unit: Unit, name: string, site: "lower" | "lift"): number {
    if (this.main.fit.taskHook === undefined) return this.coreExport(unit, name);
    if (site === "lift") return this.entry(unit, name);
    const key = this.unitKey(unit, name);
    const slot = this.reallocSlots.get(key)!;
    let index = this.shimAliases.get(slot);
    if (index === undefined) {
      index = this.c.aliasCoreExport(this.shimInstanceIndex!, String(slot), "func");
      this.shimAliases.set(slot, index);
    }
    return index;
  }

  /**
   * The type of the TLS base global the shim module defines, when a module
   * imports `__wasm_{get,set}_tls_base` and the component does not use
   * threads (whose context slot 1 holds the TLS base otherwise), as
   * wit-component decides.
   */
  private tlsBaseInShim(): "i32" | "i64" | undefined {
    const uses = this.units.flatMap((u) => u.fit.imports);
    const threads = uses.some(
      (u) =>
        u.kind === "builtin" && (u.builtin.name === "thread.new-indirect" || /^\[context-(get|set)-1\]$/.test(u.name)),
    );
    if (threads) return undefined;
    let type: "i32" | "i64" | undefined;
    for (const u of uses) {
      if (u.kind !== "tls-base") continue;
      if (type !== undefined && type !== u.type) {
        throw new ComponentEncodingError(`conflicting TLS base pointer types \`${type}\` and \`${u.type}\``);
      }
      type = u.type;
    }
    return type;
  }

  private importedFunc(func: Function, key: WorldKey, iface: InterfaceId | undefined): number {
    if (iface === undefined) return this.importedFuncs.get(this.resolve.nameWorldKey(key))!;
    const cacheKey = `${iface}/${func.name}`;
    let index = this.importedFuncs.get(cacheKey);
    if (index === undefined) {
      index = this.c.aliasExport(this.instances.get(iface)!, func.name, "func");
      this.importedFuncs.set(cacheKey, index);
    }
    return index;
  }

  private coreExport(unit: Unit, name: string): number {
    let index = unit.aliases.get(name);
    if (index === undefined) {
      index = this.c.aliasCoreExport(unit.instance, name, "func");
      unit.aliases.set(name, index);
    }
    return index;
  }

  private requireMemory(what: string): number {
    if (this.memoryIndex === undefined) {
      throw new ComponentEncodingError(`module does not export a memory named \`memory\`, which \`${what}\` needs`);
    }
    return this.memoryIndex;
  }

  private requireRealloc(realloc: string | undefined, what: string): string {
    if (realloc === undefined) {
      throw new ComponentEncodingError(
        `module does not export a function named \`cabi_realloc\`, which \`${what}\` needs`,
      );
    }
    return realloc;
  }

  private options(
    unit: Unit,
    r: Requirements,
    realloc: { unit: Unit; name: string } | undefined,
    encoding: ComponentStringEncoding,
    func: Function,
    site: "lower" | "lift",
  ): CanonOptions {
    const o: CanonOptions = {};
    if (r.memory) o.memory = this.requireMemory(`function ${func.name}`);
    if (r.realloc) o.realloc = this.reallocFor(realloc, `function ${func.name}`, site);
    if (r.stringEncoding) o.stringEncoding = encoding;
    return o;
  }

  private lift(unit: Unit, e: ExportedFunc, type: number): number {
    const r = requiredOptions(this.resolve, e.func, "export", e.async !== undefined);
    if (e.async) {
      const t = taskReturnRequirements(this.resolve, e.func);
      r.memory ||= t.memory;
      r.stringEncoding ||= t.stringEncoding;
    }
    const options = this.options(
      unit,
      r,
      this.exportRealloc(unit),
      this.encodingOf(unit.exportEncodings ?? this.b.exportEncodings, e.key, e.func),
      e.func,
      "lift",
    );
    if (e.postReturn !== undefined) options.postReturn = this.entry(unit, e.postReturn);
    if (e.async) {
      options.async = true;
      if (e.async.callback !== undefined) options.callback = this.entry(unit, e.async.callback);
    }
    return this.c.lift(this.entry(unit, e.coreName), type, options);
  }

  /** The main module's exports, then each adapter's, as wit-component orders them. */
  private encodeExports(): void {
    for (const unit of this.units) {
      const byKey = new Map<string, ExportedFunc[]>();
      for (const e of unit.fit.exports) {
        const k = this.resolve.nameWorldKey(e.key);
        let list = byKey.get(k);
        if (!list) byKey.set(k, (list = []));
        list.push(e);
      }
      for (const { key, item } of this.world.exports.values()) {
        const name = this.resolve.nameWorldKey(key);
        if (!unit.exports.has(name)) continue;
        if (item.kind === "function") {
          const e = byKey.get(name)![0]!;
          const type = encodeFuncType(this.resolve, this.rootSink(undefined, true), item.func);
          const index = this.lift(unit, e, type);
          this.c.export(externName(name, item.func.externalId), "func", index);
        } else if (item.kind === "interface") {
          const exportName: ExternName = externName(name, item.externalId);
          if (key.kind === "name" && this.resolve.interfaces[item.id].name !== undefined) {
            exportName.implements = this.resolve.idOf(item.id);
          }
          this.encodeInterfaceExport(unit, exportName, item.id, byKey.get(name) ?? []);
        }
      }
    }
  }

  private encodeInterfaceExport(unit: Unit, exportName: ExternName, iface: InterfaceId, funcs: ExportedFunc[]): void {
    const resolve = this.resolve;
    const i = resolve.interfaces[iface];
    const args: [string, "func" | "type", number][] = [];
    const root = this.rootSink(iface, false);
    for (const e of funcs) {
      const type = encodeFuncType(resolve, root, e.func);
      args.push([importFuncName(e.func), "func", this.lift(unit, e, type)]);
    }

    const nested = new ComponentBuilder();
    const nestedImports = new Map<string, number>();
    let exportTypes = false;
    const uniqueImportName = (name: string) => {
      let n = `import-type-${name}`;
      let k = 0;
      while (nestedImports.has(n)) n = `${n}${k++}`;
      return n;
    };
    const sink: TypeSink & { currentInterface: InterfaceId | undefined } = {
      currentInterface: iface,
      maps: new TypeMaps(),
      defineType: (t: TypeDef) => nested.defineType(t),
      exportType: (index, name) => {
        if (exportTypes) return nested.export(name, "type", index);
        const n = uniqueImportName(name.name);
        const ret = nested.import(n, { sort: "type", eq: index });
        nestedImports.set(n, ret);
        return ret;
      },
      exportResource: (name) => {
        if (exportTypes) throw new Error("resources are already exported");
        const n = uniqueImportName(name.name);
        const ret = nested.import(n, { sort: "type", subResource: true });
        nestedImports.set(n, ret);
        return ret;
      },
      importType: () => {
        throw new Error("nested components define their own types");
      },
    };

    const toImport = new LiveTypes(resolve);
    toImport.addInterface(iface);
    const used = this.exportsUsed.get(iface)!;
    for (const t of toImport.set) {
      const owner = resolve.types[t].owner;
      if (owner.kind !== "interface" || owner.id === iface) continue;
      encodeValType(resolve, this.rootSink(iface, !used.has(owner.id)), t);
      sink.currentInterface = owner.id;
      encodeValType(resolve, sink, t);
    }
    sink.currentInterface = iface;
    const importedMaps = sink.maps.clone();

    const resources = new Map<TypeId, number>();
    for (const id of i.types.values()) {
      if (resolve.types[id].kind.kind !== "resource") continue;
      resources.set(id, encodeValType(resolve, sink, id) as number);
    }
    for (const e of funcs) {
      const type = encodeFuncType(resolve, sink, e.func);
      nested.import(importFuncName(e.func), { sort: "func", type });
    }

    const reverse = new Map<number, TypeId>();
    for (const [id, index] of sink.maps.idToIndex) reverse.set(index, id);
    for (const [name, index] of nestedImports) {
      const id = reverse.get(index)!;
      const outer = this.rootMaps.idToIndex.get(id);
      if (outer === undefined) throw new Error(`type ${resolve.types[id].name} has no index in the component`);
      args.push([name, "type", outer]);
    }

    sink.maps = importedMaps;
    exportTypes = true;
    sink.maps.funcTypes.clear();
    for (const id of i.types.values()) {
      const def = resolve.types[id];
      if (def.kind.kind === "resource") {
        const index = nested.export(externName(def.name!, def.externalId), "type", resources.get(id)!);
        sink.maps.idToIndex.set(id, index);
      } else {
        encodeValType(resolve, sink, id);
      }
    }
    funcs.forEach((e, n) => {
      const type = encodeFuncType(resolve, sink, e.func);
      nested.export(externName(e.func.name, e.func.externalId), "func", n, { sort: "func", type });
    });

    const component = this.c.component(nested.finish());
    const instance = this.c.instantiate(component, args);
    const index = this.c.export(exportName, "instance", instance);
    this.instances.set(iface, index);
    for (const id of i.types.values()) {
      this.rootMaps.idToIndex.delete(id);
      const def = resolve.types[id];
      if (def.name === undefined) this.rootMaps.defToIndex.delete(kindKey(def.kind));
    }
  }
}

/**
 * Wraps `core` (a core module without `component-type` sections) into a
 * component for `bindings`, with `options.adapters` (whose worlds must
 * already be merged into `bindings`). Throws `ComponentEncodingError` when a
 * module does not fit the world.
 */
export function encodeComponent(input: Uint8Array, bindings: WorldBindings, options: EncodeOptions = {}): Uint8Array {
  const { module: core, originals } = dedupeImports(input);
  const info = readCoreModule(core);
  const adapters = options.adapters ?? [];
  const libraries = options.libraries ?? [];
  const adapterNames = new Set([...adapters, ...libraries].map((a) => a.name));
  const wasi = info.imports.find((i) => i.module === "wasi_snapshot_preview1" && !adapterNames.has(i.module));
  if (wasi) {
    throw new ComponentEncodingError(
      `module imports \`wasi_snapshot_preview1::${wasi.name}\`: give the WASI preview 1 adapter (\`--adapt wasi_snapshot_preview1=<adapter.wasm>\`)`,
    );
  }
  const merged = mergeImportsBasedOnSemver(bindings.resolve, bindings.world);
  const { world, renamed, resolve } = merged;
  if (resolve !== bindings.resolve) bindings = { ...bindings, resolve };
  const adapterExports = new Set([...adapters, ...libraries].flatMap((a) => a.exports));
  const mainExports = new Set(
    options.mainExports ??
      [...world.exports.values()].map(({ key }) => resolve.nameWorldKey(key)).filter((n) => !adapterExports.has(n)),
  );
  const fit = fitModule(resolve, world, info, renamed, { adapters: adapterNames, exports: mainExports, originals });
  const modules: EncodedModule[] = [
    { name: undefined, bytes: core, fit, exports: mainExports },
    ...fitAdapters(resolve, world, renamed, fit, adapters, options.reallocViaMemoryGrow === true),
    ...libraries.map((lib): EncodedModule => {
      const exports = new Set(lib.exports);
      const libFit = inContext(`failed to validate library \`${lib.name}\``, () =>
        fitModule(resolve, world, readCoreModule(lib.wasm), renamed, { exports, linked: lib.args }),
      );
      return { ...lib, bytes: lib.wasm, fit: libFit, exports, library: true };
    }),
  ];
  return new ComponentEncoder(bindings, world, modules, options).encode();
}
