/**
 * Rust types for WIT types, and the type definitions of an interface or a
 * world, as wit-bindgen renders them in each of its ownership modes.
 *
 * - Results and export parameters are owned (`String`, `Vec<T>`).
 * - `owning` (the default): type definitions are owned too, and an import's
 *   parameters borrow their top level only: `&str`, `&[T]`, `&Record` for
 *   records holding lists, `Option<&str>`; below that, owned.
 * - `borrowing`: a type used only by imports' parameters is defined deeply
 *   borrowing (`Record<'a>` with `&'a str` fields), and the parameters pass
 *   it by value. A type also used in an owned position stays owned and is
 *   borrowed at its top.
 * - `borrowing-duplicate-if-necessary`: a type holding lists that is used
 *   both ways is defined twice, `RecordParam<'a>` (borrowing) and
 *   `RecordResult` (owned).
 * - `borrow<r>` is `&R` for an imported resource and `RBorrow<'_>` for one the
 *   world exports; types holding borrows take a lifetime parameter.
 *
 * Which positions a type is used in (`Usage`) is computed over every world of
 * the resolve, as wit-bindgen does.
 */
import type { AbiLayout } from "../../ir/abi/layout.js";
import type { Resolve } from "../../ir/resolve.js";
import { typeDefParts, type Function, type InterfaceId, type Type, type TypeDef, type TypeId } from "../../ir/types.js";
import { camelCase, docLines, rustIdent, shoutyCase, typeName } from "./naming.js";
import type { RustSource } from "./source.js";

/** What a type holds, transitively. */
export interface TypeInfo {
  hasList: boolean;
  hasOwnHandle: boolean;
  hasBorrowHandle: boolean;
  hasHandle: boolean;
  /** Used as the error of a function's `result`. */
  error: boolean;
}

/**
 * How one layer asks to be rendered: owned; deeply borrowed (`borrowing`
 * mode's import parameters); or borrowed at the top with owned layers below
 * (`owning` mode's import parameters).
 */
type Style = "owned" | "borrowed" | "top";

/** wit-bindgen's `ownership` option. */
export type Ownership = "owning" | "borrowing" | "borrowing-duplicate-if-necessary";

/** The positions a named type is used in, transitively, by any world's functions. */
interface Usage {
  /** In an import's parameters. */
  borrowed: boolean;
  /** In an export's parameters or any function's result. */
  owned: boolean;
}

/** How one layer of a type is rendered (wit-bindgen's `TypeMode`). */
export interface TypeMode {
  lifetime: string | undefined;
  listsBorrowed: boolean;
  style: Style;
}

export const OWNED: TypeMode = { lifetime: undefined, listsBorrowed: false, style: "owned" };

/** Where the code being generated sits, for relative paths. */
export interface ModuleContext {
  /** Module path from the root of the generated file. */
  path: string[];
  /** The interface whose module this is, if any. */
  iface: InterfaceId | undefined;
  /** Whether this module is an exported interface's. */
  exported: boolean;
  /** An exported interface whose types are named by its export's copy (from outside its module). */
  exportedCopy?: InterfaceId;
}

/**
 * Attributes added to generated types (wit-bindgen's
 * `additional_derive_attributes`, `additional_derive_ignore`,
 * `additional_type_attributes`, `additional_member_attributes`).
 */
export interface TypeAttributes {
  /** Derives added to records, variants and enums. */
  derives: string[];
  /** Types (by WIT name) that do not get them. */
  deriveIgnore: ReadonlySet<string>;
  /** `[selector, attribute]`: the selector is a type's full WIT name (`ns:pkg/iface/t`, `world/t`). */
  types: [string, string][];
  /** `[selector, attribute]`: the selector is a type's full WIT name, `.`, and a field's or case's name. */
  members: [string, string][];
}

export class RustTypes {
  private readonly infos = new Map<TypeId, TypeInfo>();
  /** Strings are their UTF-8 bytes: `&[u8]` borrowed, `Vec<u8>` owned (`--raw-strings`). */
  rawStrings = false;
  /** `impl std::error::Error` is behind `#[cfg(feature = "std")]` (`--std-feature`). */
  stdFeature = false;
  /**
   * `--merge-structurally-equal-types`: each type to the first type of its
   * group of equal ones, which the others are aliases of.
   */
  private equal: Map<TypeId, TypeId> | undefined;
  /** wit-bindgen's `ownership` (`--ownership`). */
  ownership: Ownership = "owning";
  private usage: Map<TypeId, Usage> | undefined;
  /** `--with`: types found elsewhere, by the name the root module's `use` gives them. */
  remappedTypes = new Map<TypeId, string>();
  /** Where flags' `bitflags!` macro is (`--bitflags-path`), or `undefined` for structs of their own. */
  bitflagsPath: string | undefined = undefined;
  /** The path of the type of WIT maps (`--map-type`), or `undefined` for `_rt::Map` (a `BTreeMap`). */
  mapPath: string | undefined = undefined;

  /** The type of WIT maps: `--map-type`'s path, or `_rt::Map`. It needs `new`, `insert`, `len` and `iter`/`into_iter`. */
  mapType(): string {
    return this.mapPath ?? this.rtItem("Map");
  }
  /** The attributes to add, and the selectors that matched a type. */
  attributes: TypeAttributes = { derives: [], deriveIgnore: new Set(), types: [], members: [] };
  readonly usedSelectors = new Set<string>();
  context: ModuleContext = { path: [], iface: undefined, exported: false };
  /** The module path of each exported interface (the export's own copy of its types). */
  readonly exportPaths = new Map<InterfaceId, string[]>();
  /** The `_rt` helpers the generated code refers to. */
  readonly rtUsed = new Set<string>();

  constructor(
    readonly resolve: Resolve,
    readonly layout: AbiLayout,
    /** The module path of each interface the world names (imports win over exports). */
    private readonly interfacePaths: Map<InterfaceId, { path: string[]; exported: boolean }>,
    functions: Function[],
  ) {
    for (const f of functions) {
      if (f.result === undefined) continue;
      const r = this.layout.dealias(f.result);
      if (typeof r !== "number") continue;
      const kind = resolve.types[r].kind;
      if (kind.kind === "result" && typeof kind.err === "number") {
        const err = this.layout.dealias(kind.err);
        if (typeof err === "number") this.info(err).error = true;
      }
    }
  }

  info(id: TypeId): TypeInfo {
    let info = this.infos.get(id);
    if (info) return info;
    info = { hasList: false, hasOwnHandle: false, hasBorrowHandle: false, hasHandle: false, error: false };
    this.infos.set(id, info);
    const merge = (t: Type | undefined) => {
      if (t === undefined) return;
      if (t === "string") {
        info!.hasList = true;
        return;
      }
      if (t === "error-context") {
        info!.hasHandle = true;
        info!.hasOwnHandle = true;
        return;
      }
      if (typeof t !== "number") return;
      const other = this.info(t);
      info!.hasList ||= other.hasList;
      info!.hasOwnHandle ||= other.hasOwnHandle;
      info!.hasBorrowHandle ||= other.hasBorrowHandle;
      info!.hasHandle ||= other.hasHandle;
    };
    const kind = this.resolve.types[id].kind;
    switch (kind.kind) {
      case "record":
        kind.fields.forEach((f) => merge(f.type));
        break;
      case "tuple":
        kind.types.forEach(merge);
        break;
      case "variant":
        kind.cases.forEach((c) => merge(c.type));
        break;
      case "option":
      case "type":
        merge(kind.type);
        break;
      case "result":
        merge(kind.ok);
        merge(kind.err);
        break;
      case "list":
        merge(kind.type);
        info.hasList = true;
        break;
      case "map":
        merge(kind.key);
        merge(kind.value);
        info.hasList = true;
        break;
      case "fixed-length-list":
        merge(kind.type);
        break;
      case "handle":
        info.hasHandle = true;
        if (kind.handle === "own") info.hasOwnHandle = true;
        else info.hasBorrowHandle = true;
        break;
      case "resource":
        info.hasHandle = true;
        break;
      case "future":
      case "stream":
        info.hasHandle = true;
        info.hasOwnHandle = true;
        break;
      default:
        break;
    }
    return info;
  }

  isCopy(id: TypeId): boolean {
    const info = this.info(id);
    return !info.hasList && !info.hasHandle;
  }

  isClone(id: TypeId): boolean {
    return !this.info(id).hasHandle;
  }

  modeFor(t: Type, style: Style, lifetime: string): TypeMode {
    if (typeof t === "number") return this.modeForId(t, style, lifetime);
    if (t === "string" && style !== "owned") return { lifetime, listsBorrowed: true, style };
    return OWNED;
  }

  private modeForId(id: TypeId, style: Style, lifetime: string): TypeMode {
    const info = this.info(id);
    let lt: string | undefined;
    if (info.hasBorrowHandle) lt = lifetime;
    else if (style === "owned") lt = undefined;
    else if (info.hasOwnHandle || !info.hasList) lt = undefined;
    else if (!this.usageOf(id).owned || this.usesTwoNames(id)) lt = lifetime;
    else if (this.ownership === "owning") lt = lifetime;
    // Borrowing asked of a type that must stay owned: borrow its top only.
    else return { lifetime, listsBorrowed: true, style: "top" };
    return {
      lifetime: lt,
      listsBorrowed: lt !== undefined && style !== "owned",
      style: info.hasOwnHandle ? "owned" : style,
    };
  }

  private filterMode(t: Type, mode: TypeMode): TypeMode {
    return mode.lifetime === undefined ? OWNED : this.modeFor(t, nextStyle(mode.style), mode.lifetime);
  }

  private filterModePreserveTop(t: Type, mode: TypeMode): TypeMode {
    return mode.style === "top" ? mode : this.filterMode(t, mode);
  }

  /** Where named type `id` is used (with the types equal to it, when merged); anonymous types are used nowhere by name. */
  private usageOf(id: TypeId): Usage {
    if (this.usage === undefined) {
      this.usage = analyzeUsage(this.resolve);
      if (this.equal !== undefined) {
        const merged = new Map<TypeId, Usage>();
        for (const [member, rep] of this.equal) {
          const u = this.usage.get(member);
          if (u === undefined) continue;
          const m = merged.get(rep) ?? { borrowed: false, owned: false };
          merged.set(rep, { borrowed: m.borrowed || u.borrowed, owned: m.owned || u.owned });
        }
        for (const [member, rep] of this.equal) if (merged.has(rep)) this.usage.set(member, merged.get(rep)!);
      }
    }
    return this.usage.get(id) ?? { borrowed: false, owned: false };
  }

  /**
   * Generates each type equal to an earlier one as its alias
   * (`--merge-structurally-equal-types`); `equal` maps each type to the
   * first of its group. An error type makes its whole group error types.
   */
  mergeEqualTypes(equal: Map<TypeId, TypeId>): void {
    this.equal = equal;
    this.usage = undefined;
    for (const [member, rep] of equal) if (this.info(member).error) this.info(rep).error = true;
  }

  /** Whether `id` is defined twice, `<Name>Param` and `<Name>Result` (`borrowing-duplicate-if-necessary`). */
  usesTwoNames(id: TypeId): boolean {
    if (this.ownership !== "borrowing-duplicate-if-necessary") return false;
    const usage = this.usageOf(id);
    const info = this.info(id);
    return usage.borrowed && usage.owned && info.hasList && !info.hasOwnHandle;
  }

  /** The Rust name of named type `id` where it is owned (`owned`) or an import's borrowed parameter. */
  nameOf(id: TypeId, owned: boolean): string {
    const name = typeName(this.resolve.types[id].name!);
    if (!this.usesTwoNames(id)) return name;
    return owned ? `${name}Result` : `${name}Param`;
  }

  /**
   * The names and modes `id` is defined with: one, or two when it
   * `usesTwoNames` (wit-bindgen's `modes_of`).
   */
  private modesOf(id: TypeId): [string, TypeMode][] {
    const owned = this.modeForId(id, "owned", "'a");
    const borrowed = this.modeForId(id, "borrowed", "'a");
    if (this.usesTwoNames(id))
      return [
        [this.nameOf(id, true), owned],
        [this.nameOf(id, false), borrowed],
      ];
    if (sameMode(owned, borrowed) || this.usageOf(id).owned || this.ownership === "owning")
      return [[this.nameOf(id, true), owned]];
    return [[this.nameOf(id, false), borrowed]];
  }

  /**
   * How an import's parameters name each named type they hold: a set of
   * `owned` flags per type (dealiased), following the modes the parameters'
   * types print with. A type holding an `own` handle is owned throughout, so
   * a type with two names can be met as its `Result` inside one and as its
   * `Param` elsewhere.
   */
  paramTypeNames(params: Type[]): Map<TypeId, Set<boolean>> {
    const names = new Map<TypeId, Set<boolean>>();
    const seen = new Set<string>();
    const walk = (t: Type, mode: TypeMode): void => {
      if (typeof t !== "number") return;
      const target = this.layout.dealias(t);
      if (target === "string" || typeof target !== "number") return;
      const kind = this.resolve.types[target].kind;
      if ((kind.kind === "list" || kind.kind === "map") && mode.lifetime !== undefined) {
        walkKind(kind, mode);
        return;
      }
      const def = this.resolve.types[t];
      if (def.name === undefined) {
        walkKind(def.kind, mode);
        return;
      }
      if (mode.style === "top" && mode.lifetime !== undefined) mode = this.modeForId(t, "owned", mode.lifetime);
      const owned = mode.style === "owned";
      if (typeof target === "number" && this.resolve.types[target].name !== undefined) {
        let set = names.get(target);
        if (set === undefined) names.set(target, (set = new Set()));
        set.add(owned);
      }
      const key = `${t}:${owned}`;
      if (seen.has(key)) return;
      seen.add(key);
      const name = this.nameOf(t, owned);
      const defined = this.modesOf(t).find(([n]) => n === name) ?? this.modesOf(t)[0];
      walkKind(def.kind, defined[1]);
    };
    const walkKind = (kind: TypeDef["kind"], mode: TypeMode): void => {
      switch (kind.kind) {
        case "type":
          walk(kind.type, mode);
          break;
        case "record":
          kind.fields.forEach((f) => walk(f.type, this.filterMode(f.type, mode)));
          break;
        case "variant":
          kind.cases.forEach((c) => c.type !== undefined && walk(c.type, this.filterMode(c.type, mode)));
          break;
        case "tuple":
          kind.types.forEach((t) => walk(t, this.filterModePreserveTop(t, mode)));
          break;
        case "option":
          walk(kind.type, this.filterModePreserveTop(kind.type, mode));
          break;
        case "result":
          for (const t of [kind.ok, kind.err]) if (t !== undefined) walk(t, this.filterModePreserveTop(t, mode));
          break;
        case "list":
          walk(kind.type, this.filterMode(kind.type, mode));
          break;
        case "map":
          walk(kind.key, this.filterMode(kind.key, mode));
          walk(kind.value, this.filterMode(kind.value, mode));
          break;
        case "fixed-length-list":
          walk(kind.type, OWNED);
          break;
        default:
          break;
      }
    };
    for (const t of params) walk(t, this.modeFor(t, this.paramStyle, "'_"));
    return names;
  }

  /** The style an import's parameters ask for. */
  private get paramStyle(): Style {
    return this.ownership === "owning" ? "top" : "borrowed";
  }

  /** The Rust type of an import's parameter. */
  importParam(t: Type): string {
    return this.print(t, this.modeFor(t, this.paramStyle, "'_"));
  }

  /** The Rust type of an export's parameter or of any result. */
  owned(t: Type): string {
    return this.print(t, this.modeFor(t, "owned", "'_"));
  }

  /** Whether an import parameter of type `t` is passed by value though borrowing was asked (`own` handles inside). */
  importParamByValue(t: Type): boolean {
    return this.modeFor(t, this.paramStyle, "'_").style !== this.paramStyle;
  }

  print(t: Type, mode: TypeMode): string {
    if (typeof t === "number") {
      const target = this.layout.dealias(t);
      if (target === "string" && mode.lifetime !== undefined) return borrowedStr(mode.lifetime, this.rawStrings);
      if (typeof target === "number") {
        const kind = this.resolve.types[target].kind;
        if (kind.kind === "list" && mode.lifetime !== undefined) return this.printList(kind.type, mode);
        if (kind.kind === "map" && mode.lifetime !== undefined) return this.printMap(kind.key, kind.value, mode);
      }
      return this.printId(t, mode);
    }
    switch (t) {
      case "bool":
      case "u8":
      case "u16":
      case "u32":
      case "u64":
      case "f32":
      case "f64":
      case "char":
        return t;
      case "s8":
        return "i8";
      case "s16":
        return "i16";
      case "s32":
        return "i32";
      case "s64":
        return "i64";
      case "string":
        if (mode.lifetime !== undefined) return borrowedStr(mode.lifetime, this.rawStrings);
        return this.rawStrings ? `${this.rtItem("Vec")}<u8>` : this.rtItem("String");
      case "error-context":
        return `${this.rtItem("async_support")}::ErrorContext`;
      default:
        throw new Error(`no Rust type for \`${t}\``);
    }
  }

  private printId(id: TypeId, mode: TypeMode): string {
    const def = this.resolve.types[id];
    if (def.name !== undefined) {
      let prefix = "";
      if (mode.style === "top" && mode.lifetime !== undefined) {
        prefix = mode.lifetime === "'_" ? "&" : `&${mode.lifetime} `;
        mode = this.modeForId(id, "owned", mode.lifetime);
      }
      return prefix + this.typePath(id, this.nameOf(id, mode.style === "owned")) + generics(mode.lifetime);
    }
    return this.printKind(def.kind, mode);
  }

  /** The structure of a type definition, as an anonymous type of that kind prints. */
  private printKind(kind: TypeDef["kind"], mode: TypeMode): string {
    switch (kind.kind) {
      case "type":
        return this.print(kind.type, mode);
      case "handle": {
        if (kind.handle === "own") return this.print(kind.resource, mode);
        const lt = mode.lifetime ?? "'_";
        const resource = this.layout.resourceOf(kind.resource);
        if (this.resourceExported(resource)) {
          return `${this.typePath(resource, `${typeName(this.resolve.types[resource].name!)}Borrow`)}<${lt}>`;
        }
        return (lt === "'_" ? "&" : `&${lt} `) + this.print(kind.resource, this.filterMode(kind.resource, mode));
      }
      case "tuple": {
        const items = kind.types.map((t) => this.print(t, this.filterModePreserveTop(t, mode)));
        return items.length === 1 ? `(${items[0]},)` : `(${items.join(", ")})`;
      }
      case "option":
        return `::core::option::Option<${this.print(kind.type, this.filterModePreserveTop(kind.type, mode))}>`;
      case "result": {
        const part = (t: Type | undefined) =>
          t === undefined ? "()" : this.print(t, this.filterModePreserveTop(t, mode));
        return `::core::result::Result<${part(kind.ok)}, ${part(kind.err)}>`;
      }
      case "list":
        return this.printList(kind.type, mode);
      case "map":
        return this.printMap(kind.key, kind.value, mode);
      case "fixed-length-list":
        return `[${this.print(kind.type, OWNED)}; ${kind.size}]`;
      case "future":
      case "stream":
        return `${this.rtItem("async_support")}::${kind.kind === "future" ? "Future" : "Stream"}Reader<${this.payload(kind.type)}>`;
      default:
        throw new Error(`no Rust type for an anonymous ${kind.kind}`);
    }
  }

  private printList(element: Type, mode: TypeMode): string {
    const inner = this.print(element, this.filterMode(element, mode));
    if (!mode.listsBorrowed) return `${this.rtItem("Vec")}<${inner}>`;
    const lt = mode.lifetime!;
    return lt === "'_" ? `&[${inner}]` : `&${lt} [${inner}]`;
  }

  private printMap(key: Type, value: Type, mode: TypeMode): string {
    const map = `${this.mapType()}<${this.print(key, this.filterMode(key, mode))}, ${this.print(value, this.filterMode(value, mode))}>`;
    if (!mode.listsBorrowed) return map;
    const lt = mode.lifetime!;
    return (lt === "'_" ? "&" : `&${lt} `) + map;
  }

  /** Whether resource `id` is implemented by this guest as seen from the current module. */
  resourceExported(id: TypeId): boolean {
    const owner = this.resolve.types[id].owner;
    if (owner.kind !== "interface") return false;
    if (owner.id === this.context.iface) return this.context.exported;
    if (owner.id === this.context.exportedCopy || this.exportedDependency(owner.id)) return true;
    return this.interfacePaths.get(owner.id)?.exported ?? false;
  }

  /**
   * Whether `id` is an interface the world exports, used from the module of
   * another exported interface: there its types are the export's, even when
   * the world imports the interface too (wit-parser's nominal type ids give
   * an export's dependencies on other exports the exports' types).
   */
  private exportedDependency(id: InterfaceId): boolean {
    return this.context.exported && this.context.iface !== undefined && this.exportPaths.has(id);
  }

  /** Whether a type reaches a resource of an exported interface (so its exported copy differs from the imported). */
  private reachesExportedResource(t: Type | undefined, seen = new Set<TypeId>()): boolean {
    if (typeof t !== "number" || seen.has(t)) return false;
    seen.add(t);
    const def = this.resolve.types[t];
    if (def.kind.kind === "resource") return def.owner.kind === "interface" && this.exportPaths.has(def.owner.id);
    return typeDefParts(def.kind).some((u) => this.reachesExportedResource(u, seen));
  }

  /**
   * With equal types merged, a type of an exported interface the world also
   * imports is its imported copy when it reaches no exported resource (the
   * two are structurally equal, and wit-bindgen keeps the first, the
   * import's): the path of that copy, or undefined.
   */
  private importedCopy(id: TypeId, rustName: string): string | undefined {
    if (!this.context.exported || !this.sharesImportedCopy(id)) return undefined;
    const owner = this.resolve.types[id].owner;
    if (owner.kind !== "interface" || owner.id !== this.context.iface) return undefined;
    return [...this.context.path.map(() => "super"), ...this.interfacePaths.get(owner.id)!.path, rustName].join("::");
  }

  /**
   * With equal types merged, whether the exported copy of `id` (a type of an
   * interface the world imports and exports) is its imported copy.
   */
  sharesImportedCopy(id: TypeId): boolean {
    if (this.equal === undefined) return false;
    const def = this.resolve.types[id];
    if (def.owner.kind !== "interface" || def.kind.kind === "resource") return false;
    const imported = this.interfacePaths.get(def.owner.id);
    return (
      imported !== undefined &&
      !imported.exported &&
      this.exportPaths.has(def.owner.id) &&
      !this.reachesExportedResource(id)
    );
  }

  /** The path of a named type (or of `name` beside it) from the current module. */
  typePath(id: TypeId, name: string): string {
    const owner = this.resolve.types[id].owner;
    const remapped = this.remappedTypes.get(id);
    if (remapped !== undefined) return [...this.context.path.map(() => "super"), remapped].join("::");
    if (owner.kind === "interface") {
      if (owner.id === this.context.iface) return name;
      const exportPath =
        owner.id === this.context.exportedCopy || this.exportedDependency(owner.id)
          ? this.exportPaths.get(owner.id)
          : undefined;
      if (exportPath) return [...this.context.path.map(() => "super"), ...exportPath, name].join("::");
      const target = this.interfacePaths.get(owner.id);
      if (target === undefined) throw new Error(`interface of type ${name} is not in the world`);
      return [...this.context.path.map(() => "super"), ...target.path, name].join("::");
    }
    return [...this.context.path.map(() => "super"), name].join("::");
  }

  /** The Rust type of a future's or stream's values (`()` for none). */
  payload(t: Type | undefined): string {
    return t === undefined ? "()" : this.print(t, OWNED);
  }

  /** The path of an item of the file's root module from the current module. */
  rootPath(name: string): string {
    return [...this.context.path.map(() => "super"), name].join("::");
  }

  /** The path of `_rt::<item>` from the current module; the helper is then emitted. */
  rtItem(item: string): string {
    this.rtUsed.add(item);
    return `_rt::${item}`;
  }

  /** The selected attributes of a type (`member` undefined) or of one of its fields or cases. */
  private selected(id: TypeId, member?: string): string[] {
    const full = fullWitTypeName(this.resolve, id);
    const out: string[] = [];
    const entries = member === undefined ? this.attributes.types : this.attributes.members;
    const want = member === undefined ? full : `${full}.${member}`;
    for (const [sel, attr] of entries)
      if (sel === want) {
        this.usedSelectors.add(sel);
        if (!out.includes(attr)) out.push(attr);
      }
    return out;
  }

  /** `#[derive(...)]` of `base` and the additional derives (unless the type is ignored), in order, as wit-bindgen sorts them. */
  private deriveLine(name: string, base: string[]): string[] {
    const all = new Set(base);
    if (!this.attributes.deriveIgnore.has(name)) for (const d of this.attributes.derives) all.add(d);
    return all.size === 0 ? [] : [`#[derive(${[...all].sort().join(", ")})]`];
  }

  /** Emits the definition of named type `id` (`name` is its WIT name). */
  define(out: RustSource, id: TypeId, name: string): void {
    const rep = this.equal?.get(id);
    for (const [rustName, mode] of this.modesOf(id)) {
      const importedCopy = rep === undefined || rep === id ? this.importedCopy(id, rustName) : undefined;
      if (importedCopy !== undefined) {
        out.line(...docLines(this.resolve.types[id].docs.contents));
        out.assign(`pub type ${rustName}${generics(mode.lifetime)}`, `${importedCopy}${generics(mode.lifetime)}`);
      } else if (rep === undefined || rep === id) this.defineAs(out, id, name, rustName, mode);
      else {
        out.line(...docLines(this.resolve.types[id].docs.contents));
        out.assign(`pub type ${rustName}${generics(mode.lifetime)}`, this.print(rep, mode));
      }
    }
  }

  /** Emits one definition of named type `id`, called `rustName`, its layers rendered in `mode`. */
  private defineAs(out: RustSource, id: TypeId, name: string, rustName: string, mode: TypeMode): void {
    const def = this.resolve.types[id];
    const docs = docLines(def.docs.contents);
    const kind = def.kind;
    const params = generics(mode.lifetime);
    const info = this.info(id);
    switch (kind.kind) {
      case "record": {
        out.line(...docs);
        if (this.isCopy(id))
          out.line("#[repr(C)]", ...mergeDerives(this.deriveLine(name, ["Clone", "Copy"]), this.selected(id)));
        else out.line(...mergeDerives(this.deriveLine(name, this.isClone(id) ? ["Clone"] : []), this.selected(id)));
        if (kind.fields.length === 0) out.line(`pub struct ${rustName}${params} {}`);
        else {
          out.open(`pub struct ${rustName}${params} {`);
          for (const f of kind.fields) {
            out.line(...docLines(f.docs.contents));
            out.line(...this.selected(id, f.name));
            out.line(`pub ${rustIdent(f.name)}: ${this.print(f.type, this.filterMode(f.type, mode))},`);
          }
          out.close();
        }
        out.open(`impl${params} ::core::fmt::Debug for ${rustName}${params} {`);
        out.open("fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {");
        const chain = [`f.debug_struct("${rustName}")`];
        for (const f of kind.fields) chain.push(`.field("${f.name}", &self.${rustIdent(f.name)})`);
        chain.push(".finish()");
        out.chain(chain);
        out.close();
        out.close();
        if (info.error) this.errorImpls(out, rustName, params);
        return;
      }
      case "variant": {
        out.line(...docs);
        out.line(
          ...mergeDerives(
            this.deriveLine(name, this.isCopy(id) ? ["Clone", "Copy"] : this.isClone(id) ? ["Clone"] : []),
            this.selected(id),
          ),
        );
        out.open(`pub enum ${rustName}${params} {`);
        for (const c of kind.cases) {
          out.line(...docLines(c.docs.contents));
          out.line(...this.selected(id, c.name));
          const payload = c.type === undefined ? "" : `(${this.print(c.type, this.filterMode(c.type, mode))})`;
          out.line(`${camelCase(c.name)}${payload},`);
        }
        out.close();
        out.open(`impl${params} ::core::fmt::Debug for ${rustName}${params} {`);
        out.open("fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {");
        out.open("match self {");
        for (const c of kind.cases) {
          const arm = `${rustName}::${camelCase(c.name)}`;
          if (c.type === undefined) {
            out.arm(arm, ["f", `.debug_tuple("${arm}")`, ".finish()"]);
          } else {
            out.arm(`${arm}(e)`, ["f", `.debug_tuple("${arm}")`, ".field(e)", ".finish()"]);
          }
        }
        out.close();
        out.close();
        out.close();
        if (info.error) this.errorImpls(out, rustName, params);
        return;
      }
      case "enum": {
        const repr = kind.cases.length <= 256 ? "u8" : kind.cases.length <= 65536 ? "u16" : "u32";
        out.line(...docs);
        out.line(
          `#[repr(${repr})]`,
          ...mergeDerives(
            this.deriveLine(name, ["Clone", "Copy", "Eq", "Ord", "PartialEq", "PartialOrd"]),
            this.selected(id),
          ),
        );
        out.open(`pub enum ${rustName} {`);
        for (const c of kind.cases) {
          out.line(...docLines(c.docs.contents));
          out.line(...this.selected(id, c.name));
          out.line(`${camelCase(c.name)},`);
        }
        out.close();
        if (info.error) {
          out.open(`impl ${rustName} {`);
          for (const [fn, text] of [
            ["name", (c: { name: string }) => c.name],
            ["message", (c: { docs: { contents: string | undefined } }) => (c.docs.contents ?? "").trim()],
          ] as const) {
            out.open(`pub fn ${fn}(&self) -> &'static str {`);
            out.open("match self {");
            for (const c of kind.cases)
              out.line(`${rustName}::${camelCase(c.name)} => ${JSON.stringify(text(c as never))},`);
            out.close();
            out.close();
          }
          out.close();
          out.open(`impl ::core::fmt::Debug for ${rustName} {`);
          out.open("fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {");
          out.chain([
            `f.debug_struct("${rustName}")`,
            `.field("code", &(*self as i32))`,
            `.field("name", &self.name())`,
            `.field("message", &self.message())`,
            ".finish()",
          ]);
          out.close();
          out.close();
          out.open(`impl ::core::fmt::Display for ${rustName} {`);
          out.open("fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {");
          out.line(`write!(f, "{} (error {})", self.name(), *self as i32)`);
          out.close();
          out.close();
          out.line(...this.stdCfg(), `impl ::std::error::Error for ${rustName} {}`);
        } else {
          out.open(`impl ::core::fmt::Debug for ${rustName} {`);
          out.open("fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {");
          out.open("match self {");
          for (const c of kind.cases) {
            const arm = `${rustName}::${camelCase(c.name)}`;
            out.arm(arm, ["f", `.debug_tuple("${arm}")`, ".finish()"]);
          }
          out.close();
          out.close();
          out.close();
        }
        out.open(`impl ${rustName} {`);
        out.line("#[doc(hidden)]");
        out.line("#[allow(unsafe_op_in_unsafe_fn)]");
        out.open(`pub unsafe fn _lift(val: ${repr}) -> ${rustName} {`);
        out.open("if !cfg!(debug_assertions) {");
        out.line("return ::core::mem::transmute(val);");
        out.close();
        out.open("match val {");
        kind.cases.forEach((c, i) => out.line(`${i} => ${rustName}::${camelCase(c.name)},`));
        out.line('_ => panic!("invalid enum discriminant"),');
        out.close();
        out.close();
        out.close();
        return;
      }
      case "flags":
        this.defineFlags(out, rustName, kind.flags, docs);
        return;
      case "resource":
        // Emitted by the world generator, which knows the side and the module.
        return;
      case "type": {
        out.line(...docs);
        const target = kind.type;
        out.assign(`pub type ${rustName}${params}`, this.print(target, mode));
        if (typeof target === "number") {
          const resource = this.layout.dealias(target);
          if (
            typeof resource === "number" &&
            this.resolve.types[resource].kind.kind === "resource" &&
            this.resourceExported(resource)
          ) {
            const borrow = this.typePath(resource, `${typeName(this.resolve.types[resource].name!)}Borrow`);
            out.assign(`pub type ${rustName}Borrow<'a>`, `${borrow}<'a>`);
          }
        }
        return;
      }
      default: {
        out.line(...docs);
        out.assign(`pub type ${rustName}${params}`, this.printKind(kind, mode));
        return;
      }
    }
  }

  private stdCfg(): string[] {
    return this.stdFeature ? ['#[cfg(feature = "std")]'] : [];
  }

  private errorImpls(out: RustSource, name: string, params: string): void {
    out.open(`impl${params} ::core::fmt::Display for ${name}${params} {`);
    out.open("fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {");
    out.line('write!(f, "{:?}", self)');
    out.close();
    out.close();
    out.line(...this.stdCfg(), `impl${params} ::std::error::Error for ${name}${params} {}`);
  }

  private defineFlags(
    out: RustSource,
    name: string,
    flags: { name: string; docs: { contents: string | undefined } }[],
    docs: string[],
  ): void {
    const repr = flags.length <= 8 ? "u8" : flags.length <= 16 ? "u16" : "u32";
    if (this.bitflagsPath !== undefined) {
      // wit-bindgen's `bitflags!` invocation, for the macro at `--bitflags-path`.
      out.open(`${this.bitflagsPath}::bitflags! {`);
      out.line(...docs);
      out.line("#[derive(PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Clone, Copy)]");
      out.open(`pub struct ${name}: ${repr} {`);
      flags.forEach((f, i) => {
        out.line(...docLines(f.docs.contents));
        out.line(`const ${shoutyCase(f.name)} = 1 << ${i};`);
      });
      out.close();
      out.close();
      return;
    }
    const all = flags.length === 32 ? "u32::MAX" : `${(2 ** flags.length - 1).toString()}`;
    out.line(...docs);
    out.line("#[derive(PartialEq, Eq, PartialOrd, Ord, Hash, Clone, Copy)]");
    out.open(`pub struct ${name} {`);
    out.line(`bits: ${repr},`);
    out.close();
    out.open(`impl ${name} {`);
    flags.forEach((f, i) => {
      out.line(...docLines(f.docs.contents));
      out.line(`pub const ${shoutyCase(f.name)}: Self = Self { bits: 1 << ${i} };`);
    });
    out.line("/// No flags set.");
    out.open("pub const fn empty() -> Self {");
    out.line("Self { bits: 0 }");
    out.close();
    out.line("/// Every flag set.");
    out.open("pub const fn all() -> Self {");
    out.line(`Self { bits: ${all} }`);
    out.close();
    out.line("/// The bits of the set flags.");
    out.open(`pub const fn bits(&self) -> ${repr} {`);
    out.line("self.bits");
    out.close();
    out.line("/// The flags of `bits`, unknown bits included.");
    out.open(`pub const fn from_bits_retain(bits: ${repr}) -> Self {`);
    out.line("Self { bits }");
    out.close();
    out.line("/// The flags of `bits`, or `None` when an unknown bit is set.");
    out.open(`pub const fn from_bits(bits: ${repr}) -> Option<Self> {`);
    out.open("if bits & !Self::all().bits == 0 {");
    out.line("Some(Self { bits })");
    out.mid("} else {");
    out.line("None");
    out.close();
    out.close();
    out.line("/// The flags of `bits`, unknown bits dropped.");
    out.open(`pub const fn from_bits_truncate(bits: ${repr}) -> Self {`);
    out.line("Self::from_bits_retain(bits & Self::all().bits)");
    out.close();
    out.open("pub const fn is_empty(&self) -> bool {");
    out.line("self.bits == 0");
    out.close();
    out.open("pub const fn is_all(&self) -> bool {");
    out.line("self.bits == Self::all().bits");
    out.close();
    out.open("pub const fn contains(&self, other: Self) -> bool {");
    out.line("self.bits & other.bits == other.bits");
    out.close();
    out.open("pub const fn intersects(&self, other: Self) -> bool {");
    out.line("self.bits & other.bits != 0");
    out.close();
    out.open("pub fn insert(&mut self, other: Self) {");
    out.line("self.bits |= other.bits;");
    out.close();
    out.open("pub fn remove(&mut self, other: Self) {");
    out.line("self.bits &= !other.bits;");
    out.close();
    out.open("pub fn toggle(&mut self, other: Self) {");
    out.line("self.bits ^= other.bits;");
    out.close();
    out.open("pub fn set(&mut self, other: Self, value: bool) {");
    out.open("if value {");
    out.line("self.insert(other);");
    out.mid("} else {");
    out.line("self.remove(other);");
    out.close();
    out.close();
    out.close();
    for (const [trait, op, expr] of [
      ["BitOr", "bitor", "self.bits | other.bits"],
      ["BitAnd", "bitand", "self.bits & other.bits"],
      ["BitXor", "bitxor", "self.bits ^ other.bits"],
      ["Sub", "sub", "self.bits & !other.bits"],
    ]) {
      out.open(`impl ::core::ops::${trait} for ${name} {`);
      out.line("type Output = Self;");
      out.open(`fn ${op}(self, other: Self) -> Self {`);
      out.line(`Self::from_bits_retain(${expr})`);
      out.close();
      out.close();
      out.open(`impl ::core::ops::${trait}Assign for ${name} {`);
      out.open(`fn ${op}_assign(&mut self, other: Self) {`);
      out.line(`self.bits = ${expr};`);
      out.close();
      out.close();
    }
    out.open(`impl ::core::ops::Not for ${name} {`);
    out.line("type Output = Self;");
    out.open("fn not(self) -> Self {");
    out.line("Self::from_bits_retain(!self.bits & Self::all().bits)");
    out.close();
    out.close();
    out.open(`impl ::core::fmt::Debug for ${name} {`);
    out.open("fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {");
    out.line(`f.write_str("${name}(")?;`);
    out.line("let mut first = true;");
    out.list(
      "let names = ",
      flags.map((fl) => `(Self::${shoutyCase(fl.name)}, "${shoutyCase(fl.name)}")`),
      ";",
      "array",
      "[",
      "]",
    );
    out.open("for (flag, name) in names {");
    out.open("if self.contains(flag) {");
    out.open("if !first {");
    out.line('f.write_str(" | ")?;');
    out.close();
    out.line("first = false;");
    out.line("f.write_str(name)?;");
    out.close();
    out.close();
    out.line('f.write_str(")")');
    out.close();
    out.close();
  }
}

/** A borrowed string: `&str`, or, with `--raw-strings`, its UTF-8 bytes as `&[u8]`. */
function borrowedStr(lifetime: string, raw: boolean): string {
  const ty = raw ? "[u8]" : "str";
  return lifetime === "'_" ? `&${ty}` : `&${lifetime} ${ty}`;
}

function generics(lifetime: string | undefined): string {
  return lifetime === undefined ? "" : `<${lifetime}>`;
}

/** `derive` then `attrs`, with adjacent `#[derive(...)]` attributes merged into one, as rustfmt merges them. */
function mergeDerives(derive: string[], attrs: string[]): string[] {
  const out: string[] = [];
  for (const line of [...derive, ...attrs]) {
    const list = /^#\[derive\((.*)\)\]$/.exec(line)?.[1];
    const prev = out.length === 0 ? undefined : /^#\[derive\((.*)\)\]$/.exec(out[out.length - 1]!)?.[1];
    if (list !== undefined && prev !== undefined) out[out.length - 1] = `#[derive(${prev}, ${list})]`;
    else out.push(line);
  }
  return out;
}

/** A type's full WIT name, as `--with` and the attribute selectors name it: `ns:pkg/iface@v/t`, or `world/t`. */
export function fullWitTypeName(resolve: Resolve, id: TypeId): string {
  const def = resolve.types[id];
  const owner =
    def.owner.kind === "interface"
      ? resolve.idOf(def.owner.id)
      : def.owner.kind === "world"
        ? resolve.worlds[def.owner.id].name
        : undefined;
  return owner === undefined ? def.name! : `${owner}/${def.name!}`;
}

function nextStyle(style: Style): Style {
  return style === "top" ? "owned" : style;
}

function sameMode(a: TypeMode, b: TypeMode): boolean {
  return a.lifetime === b.lifetime && a.listsBorrowed === b.listsBorrowed && a.style === b.style;
}

/**
 * The positions each named type is used in by the functions of every world
 * in `resolve` (wit-bindgen's `Types::analyze`): the types an import's
 * parameters reach are `borrowed`; those an export's parameters or any
 * result reach are `owned`.
 */
function analyzeUsage(resolve: Resolve): Map<TypeId, Usage> {
  const usage = new Map<TypeId, Usage>();
  // The named types each type reaches (itself included), found once per type: WIT types are not recursive.
  const reached = new Map<TypeId, TypeId[]>();
  const reach = (t: TypeId): TypeId[] => {
    let named = reached.get(t);
    if (named !== undefined) return named;
    const set = new Set<TypeId>();
    for (const part of typeDefParts(resolve.types[t].kind))
      if (typeof part === "number") for (const u of reach(part)) set.add(u);
    if (resolve.types[t].name !== undefined) set.add(t);
    reached.set(t, (named = [...set]));
    return named;
  };
  const mark = (types: (Type | undefined)[], position: keyof Usage) => {
    for (const t of types) {
      if (typeof t !== "number") continue;
      for (const u of reach(t)) {
        let entry = usage.get(u);
        if (entry === undefined) usage.set(u, (entry = { borrowed: false, owned: false }));
        entry[position] = true;
      }
    }
  };
  const func = (f: Function, imported: boolean) => {
    mark(
      f.params.map((p) => p.type),
      imported ? "borrowed" : "owned",
    );
    mark([f.result], "owned");
  };
  for (const world of resolve.worlds)
    for (const [items, imported] of [
      [world.imports, true],
      [world.exports, false],
    ] as const)
      for (const { item } of items.values()) {
        if (item.kind === "function") func(item.func, imported);
        else if (item.kind === "interface")
          for (const f of resolve.interfaces[item.id].functions.values()) func(f, imported);
      }
  return usage;
}
