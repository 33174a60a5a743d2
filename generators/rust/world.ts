/**
 * The Rust guest file of a world: module tree, type definitions, import
 * wrappers, export traits and shims, the `export!` macro, `cabi_realloc` and
 * the embedded `component-type` section.
 */
import { channelBuiltinField, futuresAndStreams, type ChannelOp } from "../../ir/abi/async.js";
import { AbiLayout, flattenAsyncFunctionType, flattenFunctionType } from "../../ir/abi/layout.js";
import { AbiWalker } from "../../ir/abi/walk.js";
import { worldAbi, type ExportedFunctionAbi, type ImportedFunctionAbi } from "../../ir/abi/world.js";
import type { Resolve } from "../../ir/resolve.js";
import type { Function, InterfaceId, Type, TypeId, WorldId, WorldKey } from "../../ir/types.js";
import { encodeMetadata, metadataSectionName } from "../../encoding/metadata.js";
import { RustGlue, type GlueTarget } from "./glue.js";
import { docLines, exportMacroName, interfaceModulePath, rustIdent, snakeCase, typeName } from "./naming.js";
import { AsyncFilter } from "../async-filter.js";
import { equalTypes } from "./equal-types.js";
import { runtimeModule } from "./runtime.js";
import { RustSource } from "./source.js";
import { fullWitTypeName, RustTypes, type Ownership, type TypeAttributes } from "./types.js";

export interface RustWorldOptions {
  edition2024: boolean;
  /** Async exports' trait methods return a boxed future instead of being `async fn` (for rustc before 1.75). */
  boxedAsyncExports: boolean;
  realloc: boolean;
  generator: string;
  /** Functions (by their WIT names) to generate nothing for. */
  skip?: ReadonlySet<string>;
  /** Prepended to every core export name. */
  exportPrefix?: string;
  /** The name of the `export!` macro. */
  exportMacroName?: string;
  /** The export macros are `#[macro_export]` and `pub`. */
  pubExportMacro?: boolean;
  /** The module `export!($ty)` finds the bindings in (default `self`). */
  defaultBindingsModule?: string;
  /** Appended to the `component-type` section's name. */
  typeSectionSuffix?: string;
  /** The exports do not run the static constructors on their first call. */
  disableRunCtorsOnceWorkaround?: boolean;
  /** Derives and attributes added to generated types. */
  attributes?: TypeAttributes;
  /** `Stub` implements every export with `unreachable!()`, and is exported. */
  stubs?: boolean;
  /** Borrowed string arguments are `&[u8]`. */
  rawStrings?: boolean;
  /** How imports' parameters and type definitions borrow (wit-bindgen's `ownership`). */
  ownership?: Ownership;
  /** Methods with no result return `&Self`. */
  methodChaining?: boolean;
  /**
   * `--with`: by interface key (`ns:pkg/iface@v`, or an inline interface's
   * name) or type key (`ns:pkg/iface/t`, `world/t`), the Rust path it is
   * found at, or `generate`.
   */
  with?: Record<string, string>;
  /** wit-bindgen's `--async` filters. */
  async?: string[];
  /** Each type structurally equal to an earlier one is an alias of it. */
  mergeStructurallyEqualTypes?: boolean;
  /** What needs `std` is behind `#[cfg(feature = "std")]`. */
  stdFeature?: boolean;
  /** Imported interfaces `with` does not name are generated. */
  generateAll?: boolean;
  /** The path of the type of WIT maps. */
  mapType?: string;
  /** The module whose `bitflags!` defines flags. */
  bitflagsPath?: string;
}

/** Options that do not fit the world (an unused selector), with wit-bindgen's message. */
export class RustOptionsError extends Error {}

/** Why the Rust generator cannot serve `world`, or `undefined`. */
export function unsupportedReason(resolve: Resolve, world: WorldId): string | undefined {
  void world;
  for (const def of resolve.types) {
    if (def.kind.kind === "flags" && def.kind.flags.length > 32)
      return `flags \`${def.name}\` has more than 32 labels (the component model allows 32)`;
  }
  return undefined;
}

/** `func` as declared `async` or not, for `--async` filters that bind it the other way. */
function withAsync(func: Function, async: boolean): Function {
  const base = baseKind(func);
  if (base === "constructor") return func;
  const kind = (async ? `async-${base}` : base) as Function["kind"]["kind"];
  return { ...func, kind: { ...func.kind, kind } as Function["kind"] };
}

/** The kind of a function with `async` set aside. */
function baseKind(func: Function): "freestanding" | "method" | "static" | "constructor" {
  const kind = func.kind.kind;
  return kind.startsWith("async-")
    ? (kind.slice(6) as "freestanding" | "method" | "static")
    : (kind as "freestanding" | "method" | "static" | "constructor");
}

interface ModuleNode {
  children: Map<string, ModuleNode>;
  body: RustSource;
  /** Interface modules carry lint allowances. */
  leaf: boolean;
}

const MODULE_ALLOWS = [
  "#[allow(dead_code, unused_imports, unused_unsafe)]",
  "#[allow(unsafe_op_in_unsafe_fn, clippy::all)]",
];

const SHIM_ALLOWS = "#[allow(dead_code, unused_unsafe, unsafe_op_in_unsafe_fn, clippy::all)]";

export function generateRustWorld(resolve: Resolve, worldId: WorldId, options: RustWorldOptions): string {
  return new RustWorld(resolve, worldId, options).generate();
}

class RustWorld {
  private readonly layout: AbiLayout;
  private readonly types!: RustTypes;
  private readonly abi;
  private readonly world;
  private readonly root: ModuleNode = { children: new Map(), body: new RustSource(), leaf: false };
  /** `(macro path from the root, module path)` of every export macro, in order. */
  private readonly exportMacros: { macro: string; module: string[] }[] = [];
  /** `--with`: the root module's `use` of each remapped interface and type, and the remapped interfaces. */
  private readonly withUses: string[] = [];
  private readonly remapped = new Set<InterfaceId>();
  private readonly worldSnake: string;

  constructor(
    private readonly resolve: Resolve,
    worldId: WorldId,
    private readonly options: RustWorldOptions,
  ) {
    this.layout = new AbiLayout(resolve);
    const abi = worldAbi(resolve, worldId);
    const skip = options.skip ?? new Set<string>();
    // Skipped functions: neither their import wrappers nor their exports (trait methods and core exports).
    const filter = new AsyncFilter(options.async ?? []);
    const filterName = (iface: string | undefined, func: Function) =>
      iface === undefined ? func.name : `${iface}#${func.name}`;
    this.abi = {
      ...abi,
      imports: abi.imports
        .filter((i) => !skip.has(i.func.name))
        .map((i) => {
          const async = filter.isAsync(filterName(i.interfaceName, i.func), i.func, true);
          if (async === i.async || i.func.kind.kind === "constructor") return i;
          return {
            ...i,
            func: withAsync(i.func, async),
            async,
            field: async ? `[async-lower]${i.func.name}` : i.func.name,
          };
        }),
      exports: abi.exports
        .filter((e) => !skip.has(e.func.name))
        .map((e) => {
          const async = filter.isAsync(filterName(e.interfaceName, e.func), e.func, false);
          if (async === e.async || e.func.kind.kind === "constructor") return e;
          const base = filterName(e.interfaceName, e.func);
          return { ...e, func: withAsync(e.func, async), async, exportName: async ? `[async-lift]${base}` : base };
        }),
    };
    const unusedFilters = filter.unused();
    if (unusedFilters.length > 0) throw new RustOptionsError(`unused async option: ${unusedFilters[0]}`);
    this.world = resolve.worlds[worldId];
    this.worldSnake = snakeCase(this.world.name);
    const paths = new Map<InterfaceId, { path: string[]; exported: boolean }>();
    // `--with`: imported interfaces and types found elsewhere, through a `use` of the root module.
    const withKeys = new Map(Object.entries(options.with ?? {}));
    const used = new Set<string>();
    const alias = (target: string): string => {
      const name = `__with_name${this.withUses.length}`;
      this.withUses.push(`use ${target} as ${name};`);
      return name;
    };
    for (const i of this.abi.interfaces) {
      const exported = i.direction === "export";
      if (paths.has(i.id) && exported) continue;
      const key = resolve.nameWorldKey(i.key);
      const target = exported ? undefined : withKeys.get(key);
      if (target !== undefined) used.add(key);
      // Imports of the world's own package are generated unless `with` says otherwise, as in wit-bindgen.
      const iface = resolve.interfaces[i.id];
      const local = iface.package === undefined || iface.package === resolve.worlds[worldId].package;
      if (!exported && !local && target === undefined && withKeys.size > 0 && options.generateAll !== true)
        throw new RustOptionsError(
          [
            `missing \`with\` mapping for the key \`${key}\``,
            "",
            "missing one of:",
            "* `generate_all` option (`--generate-all`)",
            `* \`with: { "${key}": path::to::bindings, }\` (\`--with ${key}=path::to::bindings\`)`,
            `* \`with: { "${key}": generate, }\` (\`--with ${key}=generate\`)`,
          ].join("\n"),
        );
      if (target !== undefined && target !== "generate") {
        this.remapped.add(i.id);
        paths.set(i.id, { path: [alias(target)], exported });
        continue;
      }
      paths.set(i.id, { path: interfaceModulePath(resolve, i.key, exported), exported });
    }
    const remappedTypes = new Map<TypeId, string>();
    const importedTypes: TypeId[] = [];
    for (const i of this.abi.interfaces)
      if (i.direction === "import" && !this.remapped.has(i.id))
        importedTypes.push(...resolve.interfaces[i.id].types.values());
    for (const { item } of this.world.imports.values()) if (item.kind === "type") importedTypes.push(item.id);
    for (const id of importedTypes) {
      const key = fullWitTypeName(resolve, id);
      const target = withKeys.get(key);
      if (target === undefined) continue;
      used.add(key);
      if (target !== "generate") remappedTypes.set(id, alias(target));
    }
    const unused = [...withKeys.keys()].filter((k) => !used.has(k)).sort();
    if (unused.length > 0)
      throw new RustOptionsError(
        `unused remappings provided via \`with\`: [${unused.map((k) => JSON.stringify(k)).join(", ")}]`,
      );
    const types = new RustTypes(resolve, this.layout, paths, [
      ...this.abi.imports.map((i) => i.func),
      ...this.abi.exports.map((e) => e.func),
    ]);
    for (const i of this.abi.interfaces)
      if (i.direction === "export") types.exportPaths.set(i.id, interfaceModulePath(resolve, i.key, true));
    if (options.attributes !== undefined) types.attributes = options.attributes;
    types.rawStrings = options.rawStrings === true;
    types.ownership = options.ownership ?? "owning";
    types.stdFeature = options.stdFeature === true;
    if (options.mergeStructurallyEqualTypes === true) types.mergeEqualTypes(equalTypes(resolve, worldId));
    types.remappedTypes = remappedTypes;
    types.mapPath = options.mapType;
    types.bitflagsPath = options.bitflagsPath;
    // The macro the bitflags path names (through `wit_bindgen::rt::bitflags`, say) is in the file.
    if (options.bitflagsPath !== undefined) types.rtUsed.add("bitflags");
    this.types = types;
  }

  /**
   * `wit_bindgen`: the paths of the wit-bindgen crate that guest code names
   * (`wit_bindgen::rt::Map`, `wit_bindgen::spawn_local`, …), so that code
   * written for wit-bindgen builds with no crate when this file is included
   * at the crate root. Only what the file has: nothing without maps or async.
   */
  private witBindgenFacade(out: RustSource): void {
    const map = this.types.rtUsed.has("Map");
    const async = this.types.rtUsed.has("async_support");
    const bitflags = this.types.rtUsed.has("bitflags");
    if ((!map && !async && !bitflags) || this.root.children.has("wit_bindgen")) return;
    out.blank();
    out.line(
      "/// The paths of the `wit-bindgen` crate that guest code names, for code written",
      "/// against its bindings: `wit_bindgen::rt::Map`, `wit_bindgen::block_on`, …",
      "#[allow(unused_imports)]",
    );
    out.open("pub mod wit_bindgen {");
    out.open("pub mod rt {");
    if (map) out.line("pub use super::super::_rt::Map;");
    if (async) out.line("pub use super::super::_rt::async_support;");
    if (bitflags) out.line("pub use super::super::_rt::bitflags;");
    out.close();
    // rustfmt sorts snake_case names before CamelCase ones in edition 2021, after them in 2024.
    const items = [
      "backpressure_dec",
      "backpressure_inc",
      "block_on",
      "spawn_local",
      "yield_async",
      "yield_blocking",
      "AbiBuffer",
      "ErrorContext",
      "FutureReader",
      "FutureWrite",
      "FutureWriteCancel",
      "FutureWriteError",
      "FutureWriter",
      "StreamRead",
      "StreamReader",
      "StreamResult",
      "StreamWrite",
      "StreamWriter",
    ];
    const ordered = this.options.edition2024
      ? [...items.filter((i) => /^[A-Z]/.test(i)), ...items.filter((i) => /^[a-z]/.test(i))]
      : items;
    if (async) for (const item of ordered) out.line(`pub use super::_rt::async_support::${item};`);
    out.close();
  }

  private module(path: string[]): ModuleNode {
    let node = this.root;
    for (const segment of path) {
      let child = node.children.get(segment);
      if (!child) {
        child = { children: new Map(), body: new RustSource(), leaf: false };
        node.children.set(segment, child);
      }
      node = child;
    }
    return node;
  }

  generate(): string {
    // World-level imports: types, then functions.
    this.types.context = { path: [], iface: undefined, exported: false };
    for (const use of this.withUses) this.root.body.line("#[allow(unused_imports)]", use);
    for (const { item } of this.world.imports.values()) {
      if (item.kind === "type" && !this.types.remappedTypes.has(item.id))
        this.defineType(this.root.body, item.id, this.resolve.types[item.id].name!, false);
    }
    const worldImports = this.abi.imports.filter((i) => i.iface === undefined);
    this.importFunctions(this.root.body, worldImports);
    for (const i of this.abi.interfaces) this.interfaceModule(i.key, i.id, i.direction === "export");
    const worldExports = this.abi.exports.filter((e) => e.iface === undefined);
    if (worldExports.length > 0) {
      this.types.context = { path: [], iface: undefined, exported: true };
      const macro = this.exports(this.root.body, undefined, worldExports);
      this.exportMacros.unshift({ macro, module: [] });
    }

    this.types.context = { path: [], iface: undefined, exported: false };
    const out = new RustSource();
    out.line(`// Generated by \`${this.options.generator}\`. DO NOT EDIT!`);
    out.line(
      `// Options: edition ${this.options.edition2024 ? "2024" : "2021"}${this.options.realloc ? "" : ", no-realloc"}${this.options.stdFeature ? ", std-feature" : ""}${this.options.mergeStructurallyEqualTypes ? ", merge-structurally-equal-types" : ""}`,
    );
    out.append(this.root.body);
    this.renderChildren(out, this.root);
    for (const kind of ["future", "stream"] as const) {
      const channels = this.channelModule(kind);
      if (channels.empty) continue;
      out.blank();
      out.append(channels);
    }
    this.types.context = { path: [], iface: undefined, exported: false };
    if (this.types.rtUsed.has("async_support")) {
      out.blank();
      out.line("/// The asynchronous runtime: futures, streams, `block_on`, `spawn` and `ErrorContext`.");
      out.line("pub use _rt::async_support;");
    }
    this.witBindgenFacade(out);
    const tail = new RustSource();
    this.exportMacro(tail);
    if (this.options.stubs) {
      tail.blank();
      tail.line("/// The implementation of every export that `--stubs` writes: each one is `unreachable!()`.");
      tail.line("#[derive(Debug)]");
      tail.line("pub struct Stub;");
      tail.blank();
      tail.line(`${this.options.exportMacroName ?? "export"}!(Stub);`);
    }
    if (this.options.realloc) {
      tail.blank();
      this.reallocExport(tail);
    }
    tail.blank();
    this.componentType(tail);
    out.blank();
    out.append(runtimeModule(this.types.rtUsed, this.options.edition2024, this.options.stdFeature === true));
    out.blank();
    out.append(tail);
    const unused = [...(this.options.attributes?.types ?? []), ...(this.options.attributes?.members ?? [])]
      .map(([sel]) => sel)
      .filter((sel) => !this.types.usedSelectors.has(sel));
    if (unused.length > 0)
      throw new RustOptionsError(
        `unused selectors provided via \`additional_type_attributes\` / \`additional_member_attributes\`: [${[
          ...new Set(unused),
        ]
          .sort()
          .map((sel) => JSON.stringify(sel))
          .join(", ")}]`,
      );
    return out.toString(this.options.edition2024);
  }

  private renderChildren(out: RustSource, node: ModuleNode): void {
    for (const [name, child] of node.children) {
      out.blank();
      if (node === this.root) out.line(...MODULE_ALLOWS);
      out.open(`pub mod ${name} {`);
      out.append(child.body);
      this.renderChildren(out, child);
      out.close();
    }
  }

  private unsafeAttr(attr: string): string {
    return this.options.edition2024 ? `#[unsafe(${attr})]` : `#[${attr}]`;
  }

  private interfaceModule(key: WorldKey, id: InterfaceId, exported: boolean): void {
    // An interface `--with` maps elsewhere is not generated here.
    if (!exported && this.remapped.has(id)) return;
    const path = interfaceModulePath(this.resolve, key, exported);
    const node = this.module(path);
    node.leaf = true;
    const out = node.body;
    const iface = this.resolve.interfaces[id];
    this.types.context = { path, iface: id, exported };
    out.line(...docLines(iface.docs.contents).map((l) => l.replace(/^\/\/\//, "//!")));
    out.line(`use ${[...path.map(() => "super"), "_rt"].join("::")};`);
    for (const [name, typeId] of iface.types)
      if (exported || !this.types.remappedTypes.has(typeId)) this.defineType(out, typeId, name, exported);
    if (!exported) {
      const name = this.resolve.nameWorldKey(key);
      this.importFunctions(
        out,
        this.abi.imports.filter((i) => i.iface === id && i.interfaceName === name),
      );
      return;
    }
    const funcs = this.abi.exports.filter((e) => e.iface === id && e.interfaceName === this.resolve.nameWorldKey(key));
    const macro = this.exports(out, key, funcs);
    this.exportMacros.push({ macro, module: path });
  }

  // ---- types ----

  private defineType(out: RustSource, id: TypeId, name: string, exported: boolean): void {
    out.blank();
    const kind = this.resolve.types[id].kind;
    if (kind.kind !== "resource") {
      this.types.define(out, id, name);
      return;
    }
    if (exported) this.exportedResource(out, id, name);
    else this.importedResource(out, id, name);
  }

  private resourceDropImport(module: string, name: string): RustSource {
    return this.intrinsicImport(module, `[resource-drop]${name}`, "drop", "_: i32", "");
  }

  private resourceModule(id: TypeId): string {
    const r = this.abi.resources.find((r) => r.resource === id);
    if (r) return this.types.context.exported ? `[export]${r.interfaceName}` : r.dropModule;
    return "$root";
  }

  private importedResource(out: RustSource, id: TypeId, name: string): void {
    const camel = typeName(name);
    const resource = this.types.rtItem("Resource");
    const wasmResource = this.types.rtItem("WasmResource");
    out.line(...docLines(this.resolve.types[id].docs.contents));
    out.line("#[derive(Debug)]", "#[repr(transparent)]");
    out.open(`pub struct ${camel} {`);
    out.line(`handle: ${resource}<${camel}>,`);
    out.close();
    out.open(`impl ${camel} {`);
    out.line("#[doc(hidden)]");
    out.line("#[allow(unsafe_op_in_unsafe_fn)]");
    out.open("pub unsafe fn from_handle(handle: u32) -> Self {");
    out.open("Self {");
    out.line(`handle: ${resource}::from_handle(handle),`);
    out.close();
    out.close();
    out.line("#[doc(hidden)]");
    out.open("pub fn take_handle(&self) -> u32 {");
    out.line(`${resource}::take_handle(&self.handle)`);
    out.close();
    out.line("#[doc(hidden)]");
    out.open("pub fn handle(&self) -> u32 {");
    out.line(`${resource}::handle(&self.handle)`);
    out.close();
    out.close();
    out.open(`unsafe impl ${wasmResource} for ${camel} {`);
    out.line("#[inline]");
    out.line("#[allow(unsafe_op_in_unsafe_fn)]");
    out.open("unsafe fn drop(handle: u32) {");
    out.append(this.resourceDropImport(this.resourceModule(id), name));
    out.line("drop(handle as i32);");
    out.close();
    out.close();
  }

  private exportedResource(out: RustSource, id: TypeId, name: string): void {
    const camel = typeName(name);
    const resource = this.types.rtItem("Resource");
    const wasmResource = this.types.rtItem("WasmResource");
    out.line(...docLines(this.resolve.types[id].docs.contents));
    out.line("#[derive(Debug)]", "#[repr(transparent)]");
    out.open(`pub struct ${camel} {`);
    out.line(`handle: ${resource}<${camel}>,`);
    out.close();
    out.line(`type _${camel}Rep<T> = Option<T>;`);
    out.open(`impl ${camel} {`);
    out.line("/// Creates a new resource from the specified representation.", "///");
    out.line("/// `val` is moved onto the heap and the component model gives it a handle.");
    out.open(`pub fn new<T: Guest${camel}>(val: T) -> Self {`);
    out.line("Self::type_guard::<T>();");
    out.open("unsafe {");
    out.line("let ptr = T::resource_into_raw_(Some(val));");
    out.line("Self::from_handle(T::_resource_new(ptr.cast()))");
    out.close();
    out.close();
    out.line("/// Gets access to the underlying `T` which represents this resource.");
    out.open(`pub fn get<T: Guest${camel}>(&self) -> &T {`);
    out.line("let ptr = unsafe { &*self.as_ptr::<T>() };");
    out.line("ptr.as_ref().unwrap()");
    out.close();
    out.line("/// Gets mutable access to the underlying `T` which represents this resource.");
    out.open(`pub fn get_mut<T: Guest${camel}>(&mut self) -> &mut T {`);
    out.line("let ptr = unsafe { &mut *self.as_ptr::<T>() };");
    out.line("ptr.as_mut().unwrap()");
    out.close();
    out.line("/// Consumes this resource and returns the underlying `T`.");
    out.open(`pub fn into_inner<T: Guest${camel}>(self) -> T {`);
    out.line("let ptr = unsafe { &mut *self.as_ptr::<T>() };");
    out.line("ptr.take().unwrap()");
    out.close();
    out.line("#[doc(hidden)]");
    out.line("#[allow(unsafe_op_in_unsafe_fn)]");
    out.open("pub unsafe fn from_handle(handle: u32) -> Self {");
    out.open("Self {");
    out.line(`handle: ${resource}::from_handle(handle),`);
    out.close();
    out.close();
    out.line("#[doc(hidden)]");
    out.open("pub fn take_handle(&self) -> u32 {");
    out.line(`${resource}::take_handle(&self.handle)`);
    out.close();
    out.line("#[doc(hidden)]");
    out.open("pub fn handle(&self) -> u32 {");
    out.line(`${resource}::handle(&self.handle)`);
    out.close();
    out.line("// Guards against implementing the resource with two different types.");
    out.line("#[doc(hidden)]");
    out.open("fn type_guard<T: 'static>() {");
    out.line("use core::any::TypeId;");
    out.line("static mut LAST_TYPE: Option<TypeId> = None;");
    out.open("unsafe {");
    out.line('assert!(!cfg!(target_feature = "atomics"));');
    out.line("let id = TypeId::of::<T>();");
    out.open("if let Some(ty) = LAST_TYPE {");
    out.line('assert!(ty == id, "cannot use two types with this resource type");');
    out.mid("} else {");
    out.line("LAST_TYPE = Some(id);");
    out.close();
    out.close();
    out.close();
    out.line("#[doc(hidden)]");
    out.line("#[allow(unsafe_op_in_unsafe_fn)]");
    out.open(`pub unsafe fn dtor<T: Guest${camel}>(handle: *mut u8) {`);
    out.line("Self::type_guard::<T>();");
    out.line("let _ = T::resource_from_raw_(handle.cast());");
    out.close();
    out.open(`fn as_ptr<T: Guest${camel}>(&self) -> *mut _${camel}Rep<T> {`);
    out.line(`${camel}::type_guard::<T>();`);
    out.line("T::_resource_rep(self.handle()).cast()");
    out.close();
    out.close();
    out.line(`/// A borrowed version of [\`${camel}\`] which represents a borrowed value with the lifetime \`'a\`.`);
    out.line("#[derive(Debug)]", "#[repr(transparent)]");
    out.open(`pub struct ${camel}Borrow<'a> {`);
    out.line("rep: *mut u8,");
    out.line(`_marker: ::core::marker::PhantomData<&'a ${camel}>,`);
    out.close();
    out.open(`impl<'a> ${camel}Borrow<'a> {`);
    out.line("#[doc(hidden)]");
    out.open("pub unsafe fn lift(rep: *const u8) -> Self {");
    out.open("Self {");
    out.line("rep: rep as *mut u8,");
    out.line("_marker: ::core::marker::PhantomData,");
    out.close();
    out.close();
    out.line("/// Gets access to the underlying `T` in this resource.");
    out.open(`pub fn get<T: Guest${camel}>(&self) -> &'a T {`);
    out.line("let ptr = unsafe { &mut *self.as_ptr::<T>() };");
    out.line("ptr.as_ref().unwrap()");
    out.close();
    out.line("// Mutable access is not allowed: the component model allows several borrows at once.");
    out.open(`fn as_ptr<T: 'static>(&self) -> *mut _${camel}Rep<T> {`);
    out.line(`${camel}::type_guard::<T>();`);
    out.line("self.rep.cast()");
    out.close();
    out.close();
    out.open(`unsafe impl ${wasmResource} for ${camel} {`);
    out.line("#[inline]");
    out.line("#[allow(unsafe_op_in_unsafe_fn)]");
    out.open("unsafe fn drop(handle: u32) {");
    out.append(this.resourceDropImport(this.resourceModule(id), name));
    out.line("drop(handle as i32);");
    out.close();
    out.close();
  }

  // ---- imports ----

  private importFunctions(out: RustSource, funcs: ImportedFunctionAbi[]): void {
    const byResource = new Map<TypeId | undefined, ImportedFunctionAbi[]>();
    for (const f of funcs) {
      const r = resourceOf(f.func);
      // A resource `--with` maps elsewhere has its methods there.
      if (r !== undefined && this.types.remappedTypes.has(r)) continue;
      const list = byResource.get(r);
      if (list) list.push(f);
      else byResource.set(r, [f]);
    }
    for (const f of byResource.get(undefined) ?? []) {
      out.blank();
      this.importFunction(out, f);
    }
    for (const [resource, list] of byResource) {
      if (resource === undefined) continue;
      out.blank();
      out.open(`impl ${typeName(this.resolve.types[resource].name!)} {`);
      list.forEach((f, i) => {
        if (i > 0) out.blank();
        this.importFunction(out, f);
      });
      out.close();
    }
  }

  private importFunction(out: RustSource, imp: ImportedFunctionAbi): void {
    const func = imp.func;
    const { params, args } = this.importParams(func, imp.async);
    const ret = this.returnType(func);
    const glue = new RustGlue(this.types, {
      kind: "import",
      func,
      args,
      module: imp.module,
      field: imp.field,
      borrowedParams: !imp.async,
      edition2024: this.options.edition2024,
    });
    this.walker(glue).walkFunction(func, "guest-import", "call", imp.field);
    out.line(...docLines(func.docs.contents));
    out.line("#[allow(unused_unsafe, clippy::all)]");
    out.list(`pub ${imp.async ? "async " : ""}fn ${this.functionName(func)}`, params, `${ret} {`, "params");
    out.shift(1);
    out.open("unsafe {");
    out.append(glue.finish());
    out.close();
    if (this.chains(func)) out.line("self");
    out.close();
  }

  /**
   * An import's parameters and the arguments its glue lowers. An async import
   * takes its parameters by value (the call may outlive the caller's
   * borrows) and the glue lends them on.
   */
  private importParams(func: Function, async: boolean): { params: string[]; args: string[] } {
    const params: string[] = [];
    const args: string[] = [];
    func.params.forEach((p, i) => {
      if (i === 0 && baseKind(func) === "method") {
        params.push("&self");
        args.push("self");
        return;
      }
      const name = rustIdent(p.name);
      if (async) {
        params.push(`${name}: ${this.types.owned(p.type)}`);
        args.push(`&${name}`);
      } else {
        params.push(`${name}: ${this.types.importParam(p.type)}`);
        args.push(this.types.importParamByValue(p.type) ? `&${name}` : name);
      }
    });
    return { params, args };
  }

  private functionName(func: Function): string {
    if (func.kind.kind === "constructor") return "new";
    const dot = func.name.indexOf(".");
    const item = baseKind(func) === "freestanding" ? func.name : func.name.slice(dot + 1);
    return rustIdent(item);
  }

  private returnType(func: Function, trait = false): string {
    if (func.kind.kind === "constructor") {
      const result = func.result === undefined ? undefined : this.layout.dealias(func.result);
      const def = typeof result === "number" ? this.resolve.types[result].kind : undefined;
      if (def?.kind === "result") {
        const err = def.err === undefined ? "()" : this.types.owned(def.err);
        return ` -> ::core::result::Result<Self, ${err}>${trait ? "\nwhere\n    Self: Sized" : ""}`;
      }
      return " -> Self";
    }
    if (this.chains(func)) return " -> &Self";
    return func.result === undefined ? "" : ` -> ${this.types.owned(func.result)}`;
  }

  /** With `--enable-method-chaining`: a method with no result returns `&Self` (imported and exported ones). */
  private chains(func: Function): boolean {
    return this.options.methodChaining === true && func.result === undefined && func.kind.kind === "method";
  }

  private walker(glue: RustGlue): AbiWalker<string> {
    return new AbiWalker(this.layout, glue, {
      encoding: "utf8",
      resourceSide: (r) => (this.types.resourceExported(r) ? "exported" : "imported"),
    });
  }

  // ---- exports ----

  /** Emits traits, shims and the export macro of an exported interface (or the world); returns the macro's name. */
  private exports(out: RustSource, key: WorldKey | undefined, funcs: ExportedFunctionAbi[]): string {
    const iface = key === undefined ? undefined : (this.types.context.iface as InterfaceId);
    const resources: TypeId[] = [];
    if (iface !== undefined) {
      for (const id of this.resolve.interfaces[iface].types.values())
        if (this.resolve.types[id].kind.kind === "resource") resources.push(id);
    }
    const traitMethods = new Map<TypeId | undefined, RustSource>([[undefined, new RustSource()]]);
    for (const r of resources) traitMethods.set(r, new RustSource());
    /** With `--stubs`: each trait's methods implemented with `unreachable!()`. */
    const stubMethods = new Map<TypeId | undefined, RustSource>([[undefined, new RustSource()]]);
    for (const r of resources) stubMethods.set(r, new RustSource());
    const macroBody = new RustSource();
    /** The traits (`undefined`: `Guest`) with `async fn` methods. */
    const asyncTraits = new Set<TypeId | undefined>();
    const macroName = exportMacroName(this.resolve, key, this.world.name);
    for (const exp of funcs) {
      const func = exp.func;
      const resource = resourceOf(func);
      const traitName = resource === undefined ? "Guest" : `Guest${typeName(this.resolve.types[resource].name!)}`;
      const shim = snakeCase(func.name.replace(/[^A-Za-z0-9]+/g, "-"));
      const signature = (exp.async ? flattenAsyncFunctionType : flattenFunctionType)(
        this.layout,
        func.params.map((p) => p.type),
        func.result,
        "lift",
      );
      const taskReturn = `_task_return_${shim}`;
      if (exp.async) this.taskReturnFunction(out, exp, taskReturn);
      const coreParams = signature.params.map((t, i) => `_a${i}: ${t}`);
      const coreArgs = signature.params.map((_, i) => `_a${i}`);
      const coreRet = signature.results.length === 0 ? "" : ` -> ${signature.results[0]}`;
      // The shim.
      const glue = new RustGlue(this.types, {
        kind: "export",
        func,
        args: coreArgs,
        callUser: (args) => this.callUser(func, args),
        taskReturn,
        edition2024: this.options.edition2024,
      });
      this.walker(glue).walkFunction(func, "guest-export", "implement", exp.exportName);
      out.blank();
      out.line("#[doc(hidden)]");
      out.line(SHIM_ALLOWS);
      out.list(`pub unsafe fn _export_${shim}_cabi<T_: ${traitName}>`, coreParams, `${coreRet} {`, "params");
      out.shift(1);
      if (!this.options.disableRunCtorsOnceWorkaround) {
        out.line('#[cfg(target_arch = "wasm32")]');
        out.line(`${this.types.rtItem("run_ctors_once")}();`);
      }
      out.append(glue.finish());
      out.close();
      // The post-return function.
      const post = new RustGlue(this.types, {
        kind: "post-return",
        func,
        args: ["_a0"],
        edition2024: this.options.edition2024,
      });
      const hasPost = !exp.async && this.walker(post).walkPostReturn(func);
      if (hasPost) {
        out.blank();
        out.line("#[doc(hidden)]");
        out.line(SHIM_ALLOWS);
        out.open(`pub unsafe fn __post_return_${shim}<T_: ${traitName}>(_a0: i32) {`);
        out.append(post.finish());
        out.close();
      }
      // The trait method.
      const methods = traitMethods.get(resource)!;
      methods.blank();
      methods.line(...docLines(func.docs.contents));
      let ret = this.returnType(func, true);
      let fn = "fn";
      if (exp.async && this.options.boxedAsyncExports) {
        const output = func.result === undefined ? "()" : this.types.owned(func.result);
        ret = ` -> ${this.types.rtItem("async_support")}::BoxFuture<${output}>`;
      } else if (exp.async) {
        fn = "async fn";
        asyncTraits.add(resource);
      }
      if (ret.includes("\n")) {
        const [first, ...rest] = ret.split("\n");
        methods.list(`${fn} ${this.functionName(func)}`, this.exportParams(func), first, "params");
        rest.forEach((l, i) => methods.line(i === rest.length - 1 ? `${l};` : l));
      } else methods.list(`${fn} ${this.functionName(func)}`, this.exportParams(func), `${ret};`, "params");
      if (this.options.stubs) {
        const stub = stubMethods.get(resource)!;
        stub.line("#[allow(unused_variables)]");
        if (ret.includes("\n")) {
          const [first, ...rest] = ret.split("\n");
          stub.list(`${fn} ${this.functionName(func)}`, this.exportParams(func), first, "params");
          rest.forEach((l, i) => stub.line(i === rest.length - 1 ? `${l} {` : l));
          stub.shift(1);
        } else stub.list(`${fn} ${this.functionName(func)}`, this.exportParams(func), `${ret} {`, "params");
        if (!ret.includes("\n")) stub.shift(1);
        stub.line("unreachable!()");
        stub.close();
      }
      // The macro's exports.
      const ty =
        resource === undefined
          ? "$ty"
          : `<$ty as $($path_to_types)*::Guest>::${typeName(this.resolve.types[resource].name!)}`;
      macroBody.line(this.unsafeAttr(`export_name = ${JSON.stringify(this.exportName(exp.exportName))}`));
      macroBody.list(`unsafe extern "C" fn _export_${shim}`, coreParams, `${coreRet} {`, "params");
      macroBody.shift(1);
      macroBody.list(`$($path_to_types)*::_export_${shim}_cabi::<${ty}>`, coreArgs, "", "call");
      macroBody.close();
      if (exp.async) {
        macroBody.line(this.unsafeAttr(`export_name = ${JSON.stringify(this.exportName(exp.callbackName))}`));
        macroBody.open(`unsafe extern "C" fn _callback_${shim}(event: i32, waitable: i32, payload: i32) -> i32 {`);
        macroBody.line(`$($path_to_types)*::__callback_${shim}(event, waitable, payload)`);
        macroBody.close();
      }
      if (hasPost) {
        macroBody.line(this.unsafeAttr(`export_name = ${JSON.stringify(this.exportName(exp.postReturnName))}`));
        macroBody.open(`unsafe extern "C" fn _post_return_${shim}(_a0: i32) {`);
        macroBody.line(`$($path_to_types)*::__post_return_${shim}::<${ty}>(_a0)`);
        macroBody.close();
      }
    }
    for (const r of resources) {
      const abi = this.abi.resources.find((x) => x.resource === r && x.side === "exported")!;
      const camel = typeName(this.resolve.types[r].name!);
      macroBody.line(this.unsafeAttr(`export_name = ${JSON.stringify(this.exportName(abi.dtorExport!))}`));
      macroBody.open(`unsafe extern "C" fn _dtor_${snakeCase(this.resolve.types[r].name!)}(rep: *mut u8) {`);
      macroBody.line(`$($path_to_types)*::${camel}::dtor::<<$ty as $($path_to_types)*::Guest>::${camel}>(rep)`);
      macroBody.close();
    }
    // The traits.
    out.blank();
    const guestMethods = traitMethods.get(undefined)!;
    if (resources.length === 0 && guestMethods.empty) out.line("pub trait Guest {}");
    else {
      if (asyncTraits.has(undefined)) out.line("#[allow(async_fn_in_trait)]");
      out.open("pub trait Guest {");
      for (const r of resources) {
        const camel = typeName(this.resolve.types[r].name!);
        out.line(`type ${camel}: Guest${camel};`);
      }
      out.append(guestMethods);
      out.close();
    }
    for (const r of resources) {
      const name = this.resolve.types[r].name!;
      const camel = typeName(name);
      const abi = this.abi.resources.find((x) => x.resource === r && x.side === "exported")!;
      out.blank();
      if (asyncTraits.has(r)) out.line("#[allow(async_fn_in_trait)]");
      out.open(`pub trait Guest${camel}: ${this.types.rtItem("ResourceRep")}<Rep = Option<Self>> {`);
      out.line("#[doc(hidden)]");
      out.line("unsafe fn _resource_new(val: *mut u8) -> u32");
      out.line("where");
      out.line("    Self: Sized,");
      out.open("{");
      out.append(this.intrinsicImport(abi.dropModule, abi.newField!, "new", "_: *mut u8", " -> u32"));
      out.line("new(val)");
      out.close();
      out.line("#[doc(hidden)]");
      out.line("fn _resource_rep(handle: u32) -> *mut u8");
      out.line("where");
      out.line("    Self: Sized,");
      out.open("{");
      out.append(this.intrinsicImport(abi.dropModule, abi.repField!, "rep", "_: u32", " -> *mut u8"));
      out.line("unsafe { rep(handle) }");
      out.close();
      const box = this.types.rtItem("Box");
      out.line(
        "/// Places the representation of a new resource where a pointer to it stays valid while the",
        "/// resource lives: by default on the heap. An override must override `resource_from_raw_` too.",
        "#[doc(hidden)]",
        "#[allow(unsafe_op_in_unsafe_fn)]",
      );
      out.open("unsafe fn resource_into_raw_(val: Self::Rep) -> *mut Self::Rep {");
      out.line(`${box}::into_raw(${box}::new(val))`);
      out.close();
      out.line(
        "/// Frees what `resource_into_raw_` gave, when the resource is dropped, and returns the representation.",
        "#[doc(hidden)]",
        "#[allow(unsafe_op_in_unsafe_fn)]",
      );
      out.open("unsafe fn resource_from_raw_(handle: *mut Self::Rep) -> Self::Rep {");
      out.line(`*${box}::from_raw(handle)`);
      out.close();
      out.append(traitMethods.get(r)!);
      out.close();
    }
    if (this.options.stubs) this.stubImpls(out, resources, stubMethods);
    // The macro.
    out.blank();
    out.line("#[doc(hidden)]");
    if (this.options.pubExportMacro) out.line("#[macro_export]");
    out.open(`macro_rules! ${macroName} {`);
    out.open("($ty:ident with_types_in $($path_to_types:tt)*) => {");
    if (macroBody.empty) out.line("const _: () = {};");
    else {
      out.open("const _: () = {");
      out.append(macroBody);
      out.close("};");
    }
    out.close("};");
    out.close();
    out.line("#[doc(hidden)]");
    out.line("#[allow(unused_imports)]");
    out.line(`${this.options.pubExportMacro ? "pub" : "pub(crate)"} use ${macroName};`);
    return macroName;
  }

  /**
   * `wit_future` (or `wit_stream`): the payload trait, one module per payload
   * type of the world's futures (or streams) with its built-ins and lowering,
   * and `new`. A payload's built-ins are those of the first function whose
   * signature carries it.
   */
  private channelModule(kind: "future" | "stream"): RustSource {
    const out = new RustSource();
    const camel = kind === "future" ? "Future" : "Stream";
    const seen = new Set<string>();
    const payloads: {
      payload: Type | undefined;
      exportedCopy: InterfaceId | undefined;
      module: string;
      field: (op: ChannelOp, lowered?: boolean) => string;
    }[] = [];
    const functions = [
      ...this.abi.imports.map((i) => ({ func: i.func, module: i.builtinsModule, exportedCopy: undefined })),
      ...this.abi.exports.map((e) => ({ func: e.func, module: e.builtinsModule, exportedCopy: e.iface })),
    ];
    for (const { func, module, exportedCopy } of functions) {
      futuresAndStreams(this.resolve, func).forEach((id, index) => {
        const def = this.resolve.types[id].kind;
        if (def.kind !== kind) return;
        const key = this.rustTypeKey(def.type, exportedCopy);
        if (seen.has(key)) return;
        seen.add(key);
        payloads.push({
          payload: def.type,
          exportedCopy,
          module,
          field: (op, lowered) => channelBuiltinField(kind, op, index, func.name, lowered),
        });
      });
    }
    if (payloads.length === 0) return out;
    const rt = (depth: number) => `use ${[...Array(depth).fill("super"), "_rt"].join("::")};`;
    const runtime = "_rt::async_support";
    out.open(`pub mod wit_${kind} {`);
    out.line("#![allow(dead_code, unused_variables, clippy::all)]");
    out.line(rt(1));
    out.line(`use _rt::async_support::{${camel}Reader, ${camel}Vtable, ${camel}Writer};`);
    out.blank();
    out.line("#[doc(hidden)]");
    out.open(`pub trait ${camel}Payload: Unpin + Sized + 'static {`);
    out.line(`const VTABLE: &'static ${camel}Vtable<Self>;`);
    out.close();
    payloads.forEach(({ payload, exportedCopy, module, field }, n) => {
      this.types.context = { path: [`wit_${kind}`, `vtable${n}`], iface: undefined, exported: false, exportedCopy };
      const name = this.types.payload(payload);
      const count = kind === "stream" ? ", _: usize" : "";
      const builtins: [string, string, string, string][] = [
        ["new", field("new"), "", " -> u64"],
        ["start_read", field("read", true), `_: u32, _: *mut u8${count}`, " -> u32"],
        ["start_write", field("write", true), `_: u32, _: *mut u8${count}`, " -> u32"],
        ["cancel_read", field("cancel-read"), "_: u32", " -> u32"],
        ["cancel_write", field("cancel-write"), "_: u32", " -> u32"],
        ["drop_readable", field("drop-readable"), "_: u32", ""],
        ["drop_writable", field("drop-writable"), "_: u32", ""],
      ];
      out.blank();
      out.line("#[doc(hidden)]");
      out.line("#[allow(unused_unsafe, unsafe_op_in_unsafe_fn)]");
      out.open(`pub mod vtable${n} {`);
      out.line(rt(2));
      out.line(`use _rt::async_support::${camel}Vtable;`);
      out.blank();
      out.assign("type Payload", name);
      out.line('#[cfg(target_arch = "wasm32")]');
      out.line(`#[link(wasm_import_module = ${JSON.stringify(module)})]`);
      out.open(this.options.edition2024 ? 'unsafe extern "C" {' : 'extern "C" {');
      for (const [fn, link, params, ret] of builtins) {
        out.line(`#[link_name = ${JSON.stringify(link)}]`);
        out.line(`fn ${fn}(${params})${ret};`);
      }
      out.close();
      for (const [fn, , params, ret] of builtins) {
        out.line('#[cfg(not(target_arch = "wasm32"))]');
        out.open(`unsafe extern "C" fn ${fn}(${params})${ret} {`);
        out.line("unreachable!()");
        out.close();
      }
      const glue = (args: string[], walk: (w: AbiWalker<string>) => boolean | void): RustSource => {
        const g = new RustGlue(this.types, {
          kind: "post-return",
          func: functions[0].func,
          args,
          edition2024: this.options.edition2024,
        });
        const emitted = walk(this.walker(g));
        return emitted === false ? new RustSource() : g.finish();
      };
      const body = (head: string, code: RustSource, unused: string) => {
        out.open(head);
        if (code.empty) out.line(`let _ = ${unused};`);
        else out.append(code);
        out.close();
      };
      const t = payload;
      body(
        "unsafe fn lift(ptr: *mut u8) -> Payload {",
        t === undefined ? new RustSource() : glue(["ptr"], (w) => w.walkPayloadLift(t)),
        "ptr",
      );
      body(
        "unsafe fn lower(value: Payload, ptr: *mut u8) {",
        t === undefined ? new RustSource() : glue(["value", "ptr"], (w) => w.walkPayloadLower(t)),
        "(value, ptr)",
      );
      body(
        "unsafe fn dealloc_lists(ptr: *mut u8) {",
        t === undefined ? new RustSource() : glue(["ptr"], (w) => w.walkDeallocate(t)),
        "ptr",
      );
      const { size, align } = t === undefined ? { size: 0, align: 1 } : this.layout.sizeAlign(t);
      // A constant (not a static), which the payload trait's constant can refer to on older compilers.
      out.open(`pub const VTABLE: ${camel}Vtable<Payload> = ${camel}Vtable {`);
      out.line(`layout: unsafe { ::core::alloc::Layout::from_size_align_unchecked(${size}, ${align}) },`);
      for (const f of ["lower", "lift", "dealloc_lists", ...builtins.map((b) => b[0])]) out.line(`${f},`);
      out.close("};");
      out.open(`impl super::${camel}Payload for Payload {`);
      out.line(`const VTABLE: &'static ${camel}Vtable<Self> = &VTABLE;`);
      out.close();
      out.close();
    });
    this.types.context = { path: [`wit_${kind}`], iface: undefined, exported: false };
    out.blank();
    out.line("#[doc(hidden)]");
    out.open(`pub fn vtable<T: ${camel}Payload>() -> &'static ${camel}Vtable<T> {`);
    out.line("T::VTABLE");
    out.close();
    out.blank();
    if (kind === "future") {
      out.line(
        "/// Creates a `future`: its writable and readable ends. Dropped unwritten, the writer sends `default()`.",
      );
      out.open(`pub fn new<T: FuturePayload>(default: fn() -> T) -> (FutureWriter<T>, FutureReader<T>) {`);
      out.line(`unsafe { ${runtime}::future_new::<T>(default, T::VTABLE) }`);
    } else {
      out.line("/// Creates a `stream`: its writable and readable ends.");
      out.open(`pub fn new<T: StreamPayload>() -> (StreamWriter<T>, StreamReader<T>) {`);
      out.line(`unsafe { ${runtime}::stream_new::<T>(T::VTABLE) }`);
    }
    out.close();
    out.close();
    this.types.rtUsed.add("async_support");
    return out;
  }

  /**
   * A key that is equal for two WIT types exactly when their Rust types are:
   * aliases and anonymous types are structural; records, variants, enums,
   * flags and resources are nominal, with an exported interface's own types
   * (`exportedCopy`) apart from the imported copy.
   */
  private rustTypeKey(t: Type | undefined, exportedCopy: InterfaceId | undefined): string {
    if (t === undefined) return "()";
    const target = this.layout.dealias(t);
    if (typeof target === "string") return target;
    const def = this.resolve.types[target];
    const nominal = (id: TypeId) => {
      const owner = this.resolve.types[id].owner;
      const ownCopy = owner.kind === "interface" && owner.id === exportedCopy && !this.types.sharesImportedCopy(id);
      return `#${id}${ownCopy ? "e" : ""}`;
    };
    const key = (u: Type | undefined) => this.rustTypeKey(u, exportedCopy);
    switch (def.kind.kind) {
      case "option":
      case "list":
      case "future":
      case "stream":
        return `${def.kind.kind}<${key(def.kind.type)}>`;
      case "fixed-length-list":
        return `[${key(def.kind.type)}; ${def.kind.size}]`;
      case "map":
        return `map<${key(def.kind.key)}, ${key(def.kind.value)}>`;
      case "result":
        return `result<${key(def.kind.ok)}, ${key(def.kind.err)}>`;
      case "tuple":
        return `(${def.kind.types.map(key).join(", ")})`;
      case "handle":
        return `${def.kind.handle}<${nominal(this.layout.resourceOf(def.kind.resource))}>`;
      default:
        return nominal(target);
    }
  }

  /**
   * The function that hands an async export's result to `task.return`, and
   * the callback the export macro exports beside the export.
   */
  private taskReturnFunction(out: RustSource, exp: ExportedFunctionAbi, name: string): void {
    const func = exp.func;
    const glue = new RustGlue(this.types, {
      kind: "import",
      func,
      args: ["&result"],
      module: exp.taskReturnModule,
      field: exp.taskReturnField,
      edition2024: this.options.edition2024,
    });
    this.walker(glue).walkTaskReturn(func, exp.taskReturnField);
    const shim = name.slice("_task_return_".length);
    out.blank();
    out.line("#[doc(hidden)]");
    out.line(SHIM_ALLOWS);
    out.list(
      `pub unsafe fn __callback_${shim}`,
      ["event: i32", "waitable: i32", "payload: i32"],
      " -> i32 {",
      "params",
    );
    out.shift(1);
    out.list(
      `${this.types.rtItem("async_support")}::callback`,
      ["event as u32", "waitable as u32", "payload as u32"],
      "",
      "call",
    );
    out.close();
    out.blank();
    out.line("#[doc(hidden)]");
    out.line(SHIM_ALLOWS);
    const param = func.result === undefined ? "" : `result: ${this.types.owned(func.result)}`;
    out.list(`pub fn ${name}`, param === "" ? [] : [param], " {", "params");
    out.shift(1);
    out.open("unsafe {");
    out.append(glue.finish());
    out.close();
    out.close();
  }

  private intrinsicImport(module: string, field: string, name: string, params: string, ret: string): RustSource {
    const out = new RustSource();
    out.line('#[cfg(target_arch = "wasm32")]');
    out.line(`#[link(wasm_import_module = ${JSON.stringify(module)})]`);
    out.open(this.options.edition2024 ? 'unsafe extern "C" {' : 'extern "C" {');
    out.line(`#[link_name = ${JSON.stringify(field)}]`);
    out.line(`fn ${name}(${params})${ret};`);
    out.close();
    out.line('#[cfg(not(target_arch = "wasm32"))]');
    out.open(`unsafe extern "C" fn ${name}(${params})${ret} {`);
    out.line("unreachable!()");
    out.close();
    return out;
  }

  private exportParams(func: Function): string[] {
    return func.params.map((p, i) => {
      if (i === 0 && baseKind(func) === "method") return "&self";
      return `${rustIdent(p.name)}: ${this.types.owned(p.type)}`;
    });
  }

  private callUser(func: Function, args: string[]): [string, string[], string] {
    const name = this.functionName(func);
    switch (baseKind(func)) {
      case "method":
        return [`T_::${name}`, [`${args[0]}.get()`, ...args.slice(1)], ""];
      case "constructor": {
        const id = resourceOf(func)!;
        const resource = this.types.typePath(id, typeName(this.resolve.types[id].name!));
        if (this.returnType(func).startsWith(" -> ::core::result::Result"))
          return ["T_::new", args, `.map(${resource}::new)`];
        return [`${resource}::new`, [`T_::new(${args.join(", ")})`], ""];
      }
      default:
        return [`T_::${name}`, args, ""];
    }
  }

  /** With `--stubs`: `Stub` implements the traits of these exports, every method `unreachable!()`. */
  private stubImpls(out: RustSource, resources: TypeId[], methods: Map<TypeId | undefined, RustSource>): void {
    const stub = this.types.rootPath("Stub");
    const guest = methods.get(undefined)!;
    if (!guest.empty || resources.length > 0) {
      out.blank();
      out.open(`impl Guest for ${stub} {`);
      for (const r of resources) out.line(`type ${typeName(this.resolve.types[r].name!)} = ${stub};`);
      out.append(guest);
      out.close();
    }
    for (const r of resources) {
      out.blank();
      out.open(`impl Guest${typeName(this.resolve.types[r].name!)} for ${stub} {`);
      out.append(methods.get(r)!);
      out.close();
    }
  }

  /** A core export's name, with `--export-prefix`. */
  private exportName(name: string): string {
    return `${this.options.exportPrefix ?? ""}${name}`;
  }

  private exportMacro(out: RustSource): void {
    const name = `__export_${this.worldSnake}_impl`;
    const exportMacro = this.options.exportMacroName ?? "export";
    const root = this.options.defaultBindingsModule ?? "self";
    out.line(`/// Exports \`$ty\`'s implementation of the world's exports: \`${exportMacro}!(MyType);\`.`);
    out.line("#[allow(unused_macros)]");
    out.line("#[doc(hidden)]");
    if (this.options.pubExportMacro) out.line("#[macro_export]");
    out.open(`macro_rules! ${name} {`);
    out.open("($ty:ident) => {");
    out.line(`${root}::${exportMacro}!($ty with_types_in ${root});`);
    out.close("};");
    out.open("($ty:ident with_types_in $($path_to_types_root:tt)*) => {");
    for (const { macro, module } of this.exportMacros) {
      const path = ["$($path_to_types_root)*", ...module].join("::");
      out.line(`$($path_to_types_root)*${module.length ? "::" + module.join("::") : ""}::${macro}!(`);
      out.line(`    $ty with_types_in ${path}`);
      out.line(");");
    }
    out.close("};");
    out.close();
    out.line("#[doc(inline)]");
    out.line("#[allow(unused_imports)]");
    out.line(`${this.options.pubExportMacro ? "pub" : "pub(crate)"} use ${name} as ${exportMacro};`);
  }

  private reallocExport(out: RustSource): void {
    const realloc = this.types.rtItem("cabi_realloc");
    out.line("/// The canonical ABI's allocator, which the other side uses to hand this module memory.");
    out.line('#[cfg(target_arch = "wasm32")]');
    out.line(this.unsafeAttr("no_mangle"));
    out.open('pub unsafe extern "C" fn cabi_realloc(');
    out.line("old_ptr: *mut u8,", "old_len: usize,", "align: usize,", "new_len: usize,");
    out.mid(") -> *mut u8 {");
    out.line(`${realloc}(old_ptr, old_len, align, new_len)`);
    out.close();
  }

  private componentType(out: RustSource): void {
    const bytes = encodeMetadata(this.resolve, this.abi.world, "utf8");
    const name = metadataSectionName(this.resolve, this.abi.world, { suffix: this.options.typeSectionSuffix });
    out.line("/// The world's component type, which `component new` reads to wrap this module.");
    out.line('#[cfg(target_arch = "wasm32")]');
    out.line(this.unsafeAttr(`link_section = ${JSON.stringify(name)}`));
    out.line("#[doc(hidden)]");
    out.line("#[used]");
    out.line(`pub static __WITX_BINDGEN_COMPONENT_TYPE: [u8; ${bytes.length}] = *b"${byteString(bytes)}";`);
  }
}

function resourceOf(func: Function): TypeId | undefined {
  return "resource" in func.kind ? func.kind.resource : undefined;
}

const BYTE_ESCAPES = Array.from({ length: 256 }, (_, b) =>
  b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, "0")}`,
);

function byteString(bytes: Uint8Array): string {
  const parts: string[] = new Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) parts[i] = BYTE_ESCAPES[bytes[i]];
  return parts.join("");
}
