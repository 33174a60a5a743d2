/**
 * WIT worlds and packages as component types, the way wit-component encodes
 * them (so that wasm-tools decodes our bytes to the same WIT, and so that our
 * bytes equal its bytes):
 *
 * - a world is a component type: each imported or exported interface is an
 *   instance type (its types exported by name, then its functions, resource
 *   functions first), imported or exported under the interface's name; a
 *   world-level function is a function type; a world-level type is an
 *   imported type. A type of another interface is aliased from that
 *   interface's instance (`alias export`), and brought into an instance type
 *   with `alias outer 1`.
 * - a package is a component whose exports are types: one component type per
 *   interface (importing the interfaces it depends on, exporting itself) and
 *   one per world (wrapping the world's component type, exported by the
 *   world's `ns:pkg/world` id), followed by the `package-docs` custom
 *   section (package-docs.ts).
 */
import type { Resolve } from "../ir/resolve.js";
import type { InterfaceId, PackageId, TypeId, WorldId, WorldItem, WorldKey } from "../ir/types.js";
import { ComponentBuilder, Declarations, type ExternName, type ExternType, type TypeDef } from "./builder.js";
import { encodePackageDocs, extractPackageDocs, PACKAGE_DOCS_SECTION } from "./package-docs.js";
import { encodeFuncType, encodeValType, externName, TypeMaps, type TypeSink } from "./valtype.js";

/**
 * Encodes interfaces as instance types inside an outer component type,
 * tracking which outer instance each interface became and which of its types
 * were aliased out of it.
 */
class InterfaceEncoder implements TypeSink {
  readonly outer = new Declarations("component");
  private instanceType: Declarations | undefined;
  private savedMaps: TypeMaps | undefined;
  maps = new TypeMaps();
  readonly instanceOf = new Map<InterfaceId, number>();
  private readonly outerTypeOf = new Map<TypeId, number>();
  currentInterface: InterfaceId | undefined;
  /** World-level types are imported rather than exported. */
  importTypes = false;

  constructor(private readonly resolve: Resolve) {}

  private get target(): Declarations {
    return this.instanceType ?? this.outer;
  }

  defineType(t: TypeDef): number {
    return this.target.defineType(t);
  }

  exportType(index: number, name: ExternName): number | undefined {
    const ref: ExternType = { sort: "type", eq: index };
    if (!this.instanceType && this.importTypes) return this.outer.import(name, ref);
    return this.target.export(name, ref);
  }

  exportResource(name: ExternName): number {
    const ref: ExternType = { sort: "type", subResource: true };
    if (!this.instanceType && this.importTypes) return this.outer.import(name, ref)!;
    return this.target.export(name, ref)!;
  }

  importType(owner: InterfaceId, id: TypeId): number {
    let outerIndex = this.outerTypeOf.get(id);
    if (outerIndex === undefined) {
      const instance = this.instanceOf.get(owner);
      if (instance === undefined) throw new Error(`interface ${this.resolve.idOf(owner) ?? owner} is not available`);
      outerIndex = this.outer.aliasExportType(instance, this.resolve.types[id].name!);
      this.outerTypeOf.set(id, outerIndex);
    }
    if (this.instanceType) return this.instanceType.aliasOuterType(1, outerIndex);
    return outerIndex;
  }

  pushInstance(): void {
    this.savedMaps = this.maps;
    this.maps = new TypeMaps();
    this.instanceType = new Declarations("instance");
  }

  popInstance(): Declarations {
    this.maps = this.savedMaps!;
    this.savedMaps = undefined;
    const t = this.instanceType!;
    this.instanceType = undefined;
    return t;
  }

  /** Defines the instance type of `iface` in the outer type; returns its type index. */
  encodeInstance(iface: InterfaceId): number {
    this.currentInterface = iface;
    this.pushInstance();
    const i = this.resolve.interfaces[iface];
    const typeOrder: TypeId[] = [];
    for (const id of i.types.values()) {
      encodeValType(this.resolve, this, id);
      typeOrder.push(id);
    }
    const funcs = [...i.functions.values()];
    const rank = (f: (typeof funcs)[number]) =>
      "resource" in f.kind ? typeOrder.indexOf(f.kind.resource) : typeOrder.length;
    const sorted = funcs.map((f, n) => ({ f, n })).sort((a, b) => rank(a.f) - rank(b.f) || a.n - b.n);
    for (const { f } of sorted) {
      const type = encodeFuncType(this.resolve, this, f);
      this.instanceType!.export(externName(f.name, f.externalId), { sort: "func", type });
    }
    const decls = this.popInstance();
    return this.outer.defineType({ kind: "instance", decls });
  }
}

function worldItemName(resolve: Resolve, key: WorldKey, item: WorldItem): ExternName {
  const name = externName(resolve.nameWorldKey(key), item.kind === "interface" ? item.externalId : undefined);
  // `import b: ns:pkg/iface;` names a named interface by a plain name: the name says what it implements.
  if (key.kind === "name" && item.kind === "interface" && resolve.interfaces[item.id].name !== undefined) {
    name.implements = resolve.idOf(item.id);
  }
  return name;
}

/** A world as a component type's declarations. */
export function encodeWorld(resolve: Resolve, worldId: WorldId): Declarations {
  const enc = new InterfaceEncoder(resolve);
  const world = resolve.worlds[worldId];
  for (const { key, item } of world.imports.values()) {
    if (item.kind === "interface") {
      const type = enc.encodeInstance(item.id);
      const index = enc.outer.import(worldItemName(resolve, key, item), { sort: "instance", type })!;
      enc.instanceOf.set(item.id, index);
    } else if (item.kind === "function") {
      enc.currentInterface = undefined;
      const type = encodeFuncType(resolve, enc, item.func);
      enc.outer.import(externName(resolve.nameWorldKey(key), item.func.externalId), { sort: "func", type });
    } else {
      enc.currentInterface = undefined;
      enc.importTypes = true;
      encodeValType(resolve, enc, item.id);
      enc.importTypes = false;
    }
  }
  for (const { key, item } of world.exports.values()) {
    if (item.kind === "interface") {
      const type = enc.encodeInstance(item.id);
      const index = enc.outer.export(worldItemName(resolve, key, item), { sort: "instance", type })!;
      enc.instanceOf.set(item.id, index);
    } else if (item.kind === "function") {
      enc.currentInterface = undefined;
      const type = encodeFuncType(resolve, enc, item.func);
      enc.outer.export(externName(resolve.nameWorldKey(key), item.func.externalId), { sort: "func", type });
    }
  }
  return enc.outer;
}

/** Every interface `id` needs, dependencies first, then `id` itself. */
function liveInterfaces(resolve: Resolve, id: InterfaceId, out: InterfaceId[] = []): InterfaceId[] {
  if (out.includes(id)) return out;
  for (const dep of resolve.interfaceDirectDeps(id)) liveInterfaces(resolve, dep, out);
  out.push(id);
  return out;
}

/** An interface as a component type: its dependencies imported, itself exported. */
function encodeInterfaceComponent(resolve: Resolve, id: InterfaceId): Declarations {
  const enc = new InterfaceEncoder(resolve);
  for (const iface of liveInterfaces(resolve, id)) {
    const name = resolve.idOf(iface)!;
    if (iface === id) {
      const type = enc.encodeInstance(iface);
      enc.outer.export(name, { sort: "instance", type });
    } else {
      enc.currentInterface = iface;
      enc.pushInstance();
      for (const t of resolve.interfaces[iface].types.values()) encodeValType(resolve, enc, t);
      const decls = enc.popInstance();
      const type = enc.outer.defineType({ kind: "instance", decls });
      enc.instanceOf.set(iface, enc.outer.import(name, { sort: "instance", type })!);
    }
  }
  return enc.outer;
}

/**
 * A WIT package as a component (what `wasm-tools component wit --wasm`
 * writes): one exported component type per interface, then one per world,
 * then the `package-docs` custom section with the package's docs and
 * stability attributes (written even when there are none: `\x01{}`).
 */
export function encodeWitPackage(resolve: Resolve, pkgId: PackageId): Uint8Array {
  const pkg = resolve.packages[pkgId];
  const builder = new ComponentBuilder();
  for (const [name, id] of pkg.interfaces) {
    const decls = encodeInterfaceComponent(resolve, id);
    const type = builder.defineType({ kind: "component", decls });
    builder.export(name, "type", type);
  }
  for (const [name, id] of pkg.worlds) {
    const inner = encodeWorld(resolve, id);
    const wrapper = new Declarations("component");
    const t = wrapper.defineType({ kind: "component", decls: inner });
    wrapper.export(resolve.idOfName(pkgId, name), { sort: "component", type: t });
    const type = builder.defineType({ kind: "component", decls: wrapper });
    builder.export(name, "type", type);
  }
  builder.custom(PACKAGE_DOCS_SECTION, encodePackageDocs(extractPackageDocs(resolve, pkgId)));
  return builder.finish();
}
