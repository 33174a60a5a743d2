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
import { AbiLayout } from "../ir/abi/layout.js";
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
import { readCoreModule, type CoreFuncType } from "./core-module.js";
import { LiveTypes } from "./live.js";
import { mergeImportsBasedOnSemver } from "./semver-merge.js";
import type { ComponentStringEncoding } from "./metadata-types.js";
import { producersSection } from "./metadata.js";
export { stripComponentTypeSections } from "./metadata.js";
import { fixupModule, SHIM_MEMORY, SHIM_TABLE, shimModule } from "./shim.js";
import {
  asyncCoreSignature,
  ComponentEncodingError,
  coreSignature,
  fitModule,
  taskReturnSignature,
  type ExportedFunc,
  type ImportUse,
  type ModuleFit,
} from "./validate.js";
import { encodeFuncType, encodeValType, externName, TypeMaps, type TypeSink } from "./valtype.js";
import { ByteWriter } from "./writer.js";

export { ComponentEncodingError } from "./validate.js";

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

/** The canonical options a lowering (import) or lifting (export) of `func` needs, as wit-component decides them. */
function requiredOptions(
  resolve: Resolve,
  func: Function,
  direction: "import" | "export",
  async = false,
): Requirements {
  const layout = new AbiLayout(resolve);
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
  const layout = new AbiLayout(resolve);
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

/** Encoding state shared by every part of one component. */
class ComponentEncoder {
  readonly c = new ComponentBuilder();
  rootMaps = new TypeMaps();
  readonly instances = new Map<InterfaceId, number>();
  private readonly importedFuncs = new Map<string, number>();
  private memoryIndex: number | undefined;
  private mainInstance = 0;
  private readonly coreAliases = new Map<string, number>();
  private readonly exportsUsed = new Map<InterfaceId, Set<InterfaceId>>();
  private readonly liveTypeImports = new Map<InterfaceId, TypeId[]>();

  constructor(
    private readonly b: WorldBindings,
    private readonly world: World,
    private readonly module: Uint8Array,
    private readonly fit: ModuleFit,
  ) {}

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
    for (const use of this.fit.imports) {
      if (use.kind === "func") live.addFunc(use.func);
      else if (use.kind === "task-return") {
        if (use.func.result !== undefined) live.addType(use.func.result);
      } else if (use.kind === "builtin") {
        const t = use.builtin.futureOrStream?.type;
        if (t !== undefined) live.addTypeId(t);
      } else live.addTypeId(use.resource);
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
    for (const use of this.fit.imports) if (use.kind === "func" && use.iface === iface) out.add(use.func.name);
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

  private resourceIndex(id: TypeId): number {
    const def = this.resolve.types[id];
    if (def.owner.kind === "interface") {
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
  private importMaker(use: ImportUse): { sig: CoreFuncType; deferred: boolean; make: () => number } | undefined {
    const resolve = this.resolve;
    const fit = this.fit;
    const memoryFirst = fit.importedMemory !== undefined;
    const deferredIf = (r: { memory: boolean; realloc: boolean }) =>
      (r.memory || r.realloc) && (!memoryFirst || r.realloc);
    switch (use.kind) {
      case "func": {
        const r = requiredOptions(resolve, use.func, "import", use.async === true);
        const encoding = this.encodingOf(this.b.importEncodings, use.key, use.func);
        const sig = use.async
          ? asyncCoreSignature(resolve, use.func, "lower", false)
          : coreSignature(resolve, use.func, "lower");
        return {
          sig,
          deferred: deferredIf(r),
          make: () => {
            const options = this.options(r, fit.importRealloc, encoding, use.func);
            if (use.async) options.async = true;
            return this.c.lower(this.importedFunc(use.func, use.key, use.iface), options);
          },
        };
      }
      case "task-return": {
        const func = use.func;
        const r = taskReturnRequirements(resolve, func);
        const encoding = this.encodingOf(this.b.exportEncodings, use.key, func);
        const iface = use.key.kind === "interface" ? use.key.id : this.exportedInterfaceOf(use.key);
        return {
          sig: taskReturnSignature(resolve, func),
          deferred: deferredIf(r),
          make: () => {
            const result =
              func.result === undefined
                ? undefined
                : encodeValType(resolve, this.rootSink(iface, iface === undefined), func.result);
            return this.c.taskReturn(result, this.options(r, undefined, encoding, func));
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
              this.indirectTable ??= this.c.aliasCoreExport(this.mainInstance, "__indirect_function_table", "table");
              this.startFuncType ??= this.c.defineCoreFuncType(["i32"], []);
              return this.c.canon((w) => b.write(w, this.indirectTable, undefined, this.startFuncType));
            },
          };
        return {
          sig: b.sig,
          deferred: deferredIf(b),
          make: () => {
            const memory = b.memory ? this.requireMemory(b.name) : undefined;
            const realloc = b.realloc ? this.coreExport(this.requireRealloc(fit.importRealloc, b.name)) : undefined;
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
    const { fit, resolve } = this;
    const mainModule = this.c.coreModule(this.module);

    // What needs a trampoline: functions that need the module's memory or realloc, and destructors.
    const makers = fit.imports.map((use) => this.importMaker(use));
    const slotOf = new Map<number, number>();
    const deferred: { slot: number; make: () => number; sig: CoreFuncType }[] = [];
    makers.forEach((m, n) => {
      if (!m?.deferred) return;
      slotOf.set(n, deferred.length);
      deferred.push({ slot: deferred.length, make: m.make, sig: m.sig });
    });
    const memoryFirst = fit.importedMemory !== undefined;
    const exportedResourceList: TypeId[] = [];
    for (const { item } of this.world.exports.values()) {
      if (item.kind !== "interface") continue;
      for (const id of resolve.interfaces[item.id].types.values()) {
        if (resolve.types[id].kind.kind === "resource") exportedResourceList.push(id);
      }
    }
    const dtorSlots = new Map<TypeId, number>();
    for (const id of exportedResourceList) {
      if (fit.dtors.has(id)) dtorSlots.set(id, deferred.length + dtorSlots.size);
    }
    const signatures = [
      ...deferred.map((d) => d.sig),
      ...[...dtorSlots.keys()].map((): CoreFuncType => ({ params: ["i32"], results: [] })),
    ];
    let shimInstance: number | undefined;
    if (signatures.length > 0 || memoryFirst) {
      const shim = this.c.coreModule(shimModule(signatures, fit.importedMemory?.limits));
      shimInstance = this.c.instantiateCore(shim, []);
      if (memoryFirst) this.memoryIndex = this.c.aliasCoreExport(shimInstance, SHIM_MEMORY, "memory");
    }
    const needsFixup = signatures.length > 0 || fit.initialize !== undefined;
    const fixup = needsFixup ? this.c.coreModule(fixupModule(signatures, fit.initialize !== undefined)) : undefined;

    for (const id of exportedResourceList) {
      const slot = dtorSlots.get(id);
      const dtor = slot === undefined ? undefined : this.c.aliasCoreExport(shimInstance!, String(slot), "func");
      const index = this.c.defineType({ kind: "resource", rep: "i32", dtor });
      this.rootMaps.idToIndex.set(id, index);
      this.exportedResources.add(id);
    }

    const byModule = new Map<string, CoreExport[]>();
    fit.imports.forEach((use, n) => {
      let index: number;
      const slot = slotOf.get(n);
      if (slot !== undefined) index = this.c.aliasCoreExport(shimInstance!, String(slot), "func");
      else if (makers[n]) index = makers[n]!.make();
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
      } else throw new Error(`unhandled import ${use.module}::${use.name}`);
      let list = byModule.get(use.module);
      if (!list) byModule.set(use.module, (list = []));
      list.push({ name: use.name, sort: "func", index });
    });
    if (fit.importedMemory) {
      const { module, name } = fit.importedMemory;
      let list = byModule.get(module);
      if (!list) byModule.set(module, (list = []));
      list.push({ name, sort: "memory", index: this.memoryIndex! });
    }
    const args: [string, number][] = [];
    for (const [module, exports] of byModule) args.push([module, this.c.coreInstanceFromExports(exports)]);
    this.mainInstance = this.c.instantiateCore(mainModule, args);

    if (fit.memory !== undefined) this.memoryIndex = this.c.aliasCoreExport(this.mainInstance, fit.memory, "memory");

    if (needsFixup) {
      const fixupExports: CoreExport[] = [];
      for (const d of deferred) fixupExports.push({ name: String(d.slot), sort: "func", index: d.make() });
      for (const [id, slot] of dtorSlots) {
        fixupExports.push({ name: String(slot), sort: "func", index: this.coreExport(fit.dtors.get(id)!) });
      }
      if (signatures.length > 0) {
        fixupExports.push({
          name: SHIM_TABLE,
          sort: "table",
          index: this.c.aliasCoreExport(shimInstance!, SHIM_TABLE, "table"),
        });
      }
      if (fit.initialize !== undefined) {
        fixupExports.push({ name: "_initialize", sort: "func", index: this.coreExport(fit.initialize) });
      }
      const inst = this.c.coreInstanceFromExports(fixupExports);
      this.c.instantiateCore(fixup!, [["", inst]]);
    }
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

  private coreExport(name: string): number {
    let index = this.coreAliases.get(name);
    if (index === undefined) {
      index = this.c.aliasCoreExport(this.mainInstance, name, "func");
      this.coreAliases.set(name, index);
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
    r: Requirements,
    realloc: string | undefined,
    encoding: ComponentStringEncoding,
    func: Function,
  ): CanonOptions {
    const o: CanonOptions = {};
    if (r.memory) o.memory = this.requireMemory(`function ${func.name}`);
    if (r.realloc) o.realloc = this.coreExport(this.requireRealloc(realloc, `function ${func.name}`));
    if (r.stringEncoding) o.stringEncoding = encoding;
    return o;
  }

  private lift(e: ExportedFunc, type: number): number {
    const r = requiredOptions(this.resolve, e.func, "export", e.async !== undefined);
    if (e.async) {
      const t = taskReturnRequirements(this.resolve, e.func);
      r.memory ||= t.memory;
      r.stringEncoding ||= t.stringEncoding;
    }
    const options = this.options(
      r,
      this.fit.exportRealloc,
      this.encodingOf(this.b.exportEncodings, e.key, e.func),
      e.func,
    );
    if (e.postReturn !== undefined) options.postReturn = this.coreExport(e.postReturn);
    if (e.async) {
      options.async = true;
      if (e.async.callback !== undefined) options.callback = this.coreExport(e.async.callback);
    }
    return this.c.lift(this.coreExport(e.coreName), type, options);
  }

  private encodeExports(): void {
    const byKey = new Map<string, ExportedFunc[]>();
    for (const e of this.fit.exports) {
      const k = this.resolve.nameWorldKey(e.key);
      let list = byKey.get(k);
      if (!list) byKey.set(k, (list = []));
      list.push(e);
    }
    for (const { key, item } of this.world.exports.values()) {
      const name = this.resolve.nameWorldKey(key);
      if (item.kind === "function") {
        const e = byKey.get(name)![0]!;
        const type = encodeFuncType(this.resolve, this.rootSink(undefined, true), item.func);
        const index = this.lift(e, type);
        this.c.export(externName(name, item.func.externalId), "func", index);
      } else if (item.kind === "interface") {
        const exportName: ExternName = externName(name, item.externalId);
        if (key.kind === "name" && this.resolve.interfaces[item.id].name !== undefined) {
          exportName.implements = this.resolve.idOf(item.id);
        }
        this.encodeInterfaceExport(exportName, item.id, byKey.get(name) ?? []);
      }
    }
  }

  private encodeInterfaceExport(exportName: ExternName, iface: InterfaceId, funcs: ExportedFunc[]): void {
    const resolve = this.resolve;
    const i = resolve.interfaces[iface];
    const args: [string, "func" | "type", number][] = [];
    const root = this.rootSink(iface, false);
    for (const e of funcs) {
      const type = encodeFuncType(resolve, root, e.func);
      args.push([importFuncName(e.func), "func", this.lift(e, type)]);
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
      if (def.name === undefined) this.rootMaps.defToIndex.delete(JSON.stringify(def.kind));
    }
  }
}

/**
 * Wraps `core` (a core module without `component-type` sections) into a
 * component for `bindings`. Throws `ComponentEncodingError` when the module
 * does not fit the world.
 */
export function encodeComponent(core: Uint8Array, bindings: WorldBindings): Uint8Array {
  const info = readCoreModule(core);
  const wasi = info.imports.find((i) => i.module === "wasi_snapshot_preview1");
  if (wasi) {
    throw new ComponentEncodingError(
      `module imports \`wasi_snapshot_preview1::${wasi.name}\`: adapting WASI preview 1 modules (\`--adapt\`) is not supported yet`,
    );
  }
  const { world, renamed } = mergeImportsBasedOnSemver(bindings.resolve, bindings.world);
  const fit = fitModule(bindings.resolve, world, info, renamed);
  return new ComponentEncoder(bindings, world, core, fit).encode();
}
