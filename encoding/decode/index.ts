/**
 * Decoding WIT encoded as component-model binaries back into the IR:
 *
 * - `decodeWitPackage`: a WIT package encoded as a component (what
 *   `wasm-tools component wit --wasm` writes), with the docs and stability
 *   of its `package-docs` section;
 * - `decodeComponentTypeSections`: the `component-type*` custom sections
 *   that bindings generators leave in core modules, merged as wit-component's
 *   `Bindgen::merge` does.
 *
 * The component types are read into linked entries (binary.ts), turned into
 * a structural model of packages, interfaces and worlds (model.ts), turned
 * straight into the front-end's unresolved packages (direct.ts; the syntax
 * tree the parser would make of their WIT, ast.ts, is the reference path and
 * words the errors of malformed models), and added to the `Resolve` by
 * `Resolve.pushGroups`, which connects packages and elaborates the worlds as
 * it does for any WIT.
 */
import { PackageResolver, type UnresolvedPackage } from "../../ir/unresolved.js";
import { Resolve, type UnresolvedGroup } from "../../ir/resolve.js";
import type { PackageId } from "../../ir/types.js";
import { splitComponentTypeSections } from "../metadata.js";
import { BinaryError, readHeader, Reader } from "../reader.js";
import {
  ENCODING_SECTION,
  METADATA_VERSION,
  stringEncodingFromByte,
  type Bindgen,
  type ComponentStringEncoding,
} from "../metadata-types.js";
import { decodePackageDocs, injectPackageDocs, PACKAGE_DOCS_SECTION, type PackageDocs } from "../package-docs.js";
import { DecodeError, readTypeComponent, type Entry, type Extern } from "./binary.js";
import {
  MergedModel,
  ModelBuilder,
  packageKey,
  parseInterfaceId,
  worldOwnerKey,
  type MInterface,
  type MItem,
  type MPackage,
  type MWorld,
} from "./model.js";
import { AstBuilder } from "./ast.js";
import { unresolvedFromModel } from "./direct.js";

export { DecodeError } from "./binary.js";

function peel(e: Entry): Entry {
  while (e.kind === "eq") e = e.target;
  return e;
}

function withSuffix(ext: Extern): string {
  return ext.attrs.versionSuffix ? ext.name + ext.attrs.versionSuffix : ext.name;
}

/**
 * Decodes a WIT package component into the model; returns the main package's
 * key and the contents of its `package-docs` section, if any.
 */
function packageModel(
  bytes: Uint8Array,
  what: string,
): { builder: ModelBuilder; main: string; docs: PackageDocs | undefined } {
  const comp = readTypeComponent(bytes, what);
  let docs: PackageDocs | undefined;
  const docsSection = comp.custom.get(PACKAGE_DOCS_SECTION);
  if (comp.repeatedCustom.has(PACKAGE_DOCS_SECTION)) {
    throw new DecodeError(`${what}: multiple ${JSON.stringify(PACKAGE_DOCS_SECTION)} sections`);
  }
  if (docsSection !== undefined) {
    try {
      docs = decodePackageDocs(docsSection);
    } catch (e) {
      if (e instanceof DecodeError) throw new DecodeError(`${what}: ${e.message}`);
      throw e;
    }
  }
  const builder = new ModelBuilder();
  if (comp.exports.length === 0) throw new DecodeError(`${what}: no exported component type found`);
  const first = parseInterfaceId(comp.exports[0]!.name);
  if (first && first.name === "wit") {
    throw new DecodeError(`${what}: the version 1 encoding of WIT packages (\`ns:pkg/wit\`) is not supported`);
  }
  let main: string | undefined;
  for (const exp of comp.exports) {
    try {
      const ty = peel(exp.entry);
      if (ty.kind !== "component") throw new DecodeError("not a component type (this is not an encoded WIT package)");
      if (ty.exports.length !== 1) {
        throw new DecodeError(`expected a single export, but found ${ty.exports.length} instead`);
      }
      const inner = ty.exports[0]!;
      let key: string;
      if (inner.sort === "component") {
        if (ty.imports.length) throw new DecodeError("a world's component type has imports");
        key = builder.world(withSuffix(inner), {}, inner.entry).pkg;
      } else if (inner.sort === "instance") {
        for (const imp of ty.imports) {
          if (imp.sort !== "instance") throw new DecodeError(`import \`${imp.name}\` is not an instance`);
          builder.fillInterface(builder.interfaceById(withSuffix(imp)), imp.entry);
        }
        const iface = builder.interfaceById(withSuffix(inner));
        builder.fillInterface(iface, inner.entry);
        key = iface.pkg;
      } else throw new DecodeError(`\`${inner.name}\` is neither a world nor an interface`);
      if (main !== undefined && main !== key) throw new DecodeError("item defined with mismatched package name");
      main = key;
    } catch (e) {
      if (e instanceof DecodeError) throw new DecodeError(`${what}: export \`${exp.name}\`: ${e.message}`);
      throw e;
    }
  }
  return { builder, main: main!, docs };
}

/** Whether `pkg` (already in `resolve`) has every item the model describes. */
function coveredBy(resolve: Resolve, id: PackageId, pkg: MPackage): boolean {
  const existing = resolve.packages[id]!;
  for (const [name, iface] of pkg.interfaces) {
    const found = existing.interfaces.get(name);
    if (found === undefined) return false;
    const have = resolve.interfaces[found]!;
    for (const t of iface.types.keys()) if (!have.types.has(t)) return false;
    for (const f of iface.funcs.keys()) if (!have.functions.has(f)) return false;
  }
  for (const name of pkg.worlds.keys()) if (!existing.worlds.has(name)) return false;
  return true;
}

/**
 * How `pushModel` adds decoded packages to a `Resolve`. `direct` (the
 * default) builds each package's `UnresolvedPackage` straight from the model
 * (direct.ts); `ast` builds the syntax tree the parser would make and runs
 * the front-end's resolver on it, the reference the direct path is tested
 * against. Both give the same `Resolve`; a model the direct path refuses
 * (malformed) goes through the syntax tree, which words the error.
 */
export const decodeSettings: { path: "direct" | "ast" } = { path: "direct" };

/** How many `pushModel` calls took each path (for tests). */
export const decodeStats = { direct: 0, ast: 0 };

/**
 * Adds the model's packages to `resolve` (those not there yet); returns the
 * id of package `main`.
 */
function pushModel(
  resolve: Resolve,
  packages: Map<string, MPackage>,
  interfaces: Map<string, MInterface>,
  main: string,
  fileName: string,
): PackageId {
  const fresh: [string, MPackage][] = [];
  let at: number | undefined;
  for (const [key, pkg] of packages) {
    const existing = resolve.packageNames.get(key);
    if (existing !== undefined) {
      if (!coveredBy(resolve, existing, pkg)) {
        throw new DecodeError(`${fileName}: package \`${key}\` is already present with different contents`);
      }
      continue;
    }
    // Spans point at the start of an empty source named after the binary.
    at ??= resolve.sourceMap.push(fileName, "");
    fresh.push([key, pkg]);
  }
  if (at !== undefined) {
    const span = Object.freeze({ start: at, end: at });
    let unresolved: UnresolvedPackage[] | undefined;
    if (decodeSettings.path === "direct") {
      try {
        unresolved = fresh.map(([key, pkg]) => unresolvedFromModel(pkg, key, interfaces, span));
      } catch {
        unresolved = undefined;
      }
    }
    if (unresolved) decodeStats.direct++;
    else {
      decodeStats.ast++;
      const builder = new AstBuilder(interfaces, at);
      const files = fresh.map(([, pkg]) => builder.package(pkg));
      try {
        unresolved = files.map((file) => {
          const r = new PackageResolver();
          r.push(file);
          return r.resolve();
        });
      } catch (e) {
        if (e instanceof Error) {
          throw new DecodeError(`${fileName}: the decoded WIT does not resolve: ${e.message}`);
        }
        throw e;
      }
    }
    try {
      const groups: UnresolvedGroup[] = unresolved.map((main) => ({ main, nested: [] }));
      resolve.pushGroups(groups[0]!, groups.slice(1));
    } catch (e) {
      if (e instanceof Error) {
        throw new DecodeError(`${fileName}: the decoded WIT does not resolve: ${e.message}`);
      }
      throw e;
    }
  }
  const id = resolve.packageNames.get(main);
  if (id === undefined) throw new DecodeError(`${fileName}: package \`${main}\` was not added`);
  return id;
}

/**
 * Decodes a WIT package encoded as a component and adds it, with the parts of
 * the foreign packages it refers to, to `resolve`. Packages already present
 * are reused when they have every item the encoding mentions.
 */
export function decodeWitPackage(resolve: Resolve, bytes: Uint8Array, fileName: string): PackageId {
  const { builder, main, docs } = packageModel(bytes, fileName);
  const isNew = !resolve.packageNames.has(main);
  const id = pushModel(resolve, builder.packages, builder.interfaces, main, fileName);
  // The docs and stability go on the package as resolved (as wit-parser
  // injects them after decoding), not into the printed WIT: an `@unstable`
  // item printed as such would be left out by the resolver. A package that
  // was already present keeps its own.
  if (docs && isNew) {
    try {
      injectPackageDocs(resolve, id, docs);
    } catch (e) {
      if (e instanceof DecodeError) throw new DecodeError(`${fileName}: ${PACKAGE_DOCS_SECTION}: ${e.message}`);
      throw e;
    }
  }
  return id;
}

// ---------------------------------------------------------------------------
// component-type custom sections

interface SectionBindgen {
  builder: ModelBuilder;
  world: MWorld;
  encoding: ComponentStringEncoding;
}

/** The world of a current-format payload: a component exporting one component type. */
function worldOfPayload(payload: Uint8Array, what: string): SectionBindgen {
  const comp = readTypeComponent(payload, what);
  const data = comp.custom.get(ENCODING_SECTION);
  if (data === undefined) throw new DecodeError(`${what}: missing custom section of name \`${ENCODING_SECTION}\``);
  if (data.length === 0) throw new DecodeError(`${what}: custom section \`${ENCODING_SECTION}\` in unknown format`);
  if (data[0] !== METADATA_VERSION || data.length !== 2) {
    throw new DecodeError(
      `${what}: custom section \`${ENCODING_SECTION}\` uses format ${data[0]} but only ${METADATA_VERSION} is supported`,
    );
  }
  const encoding = stringEncodingFromByte(data[1]!);
  if (!encoding) throw new DecodeError(`${what}: invalid string encoding 0x${data[1]!.toString(16)}`);
  if (comp.exports.length !== 1) throw new DecodeError(`${what}: expected one export in component`);
  const ty = peel(comp.exports[0]!.entry);
  if (ty.kind !== "component") throw new DecodeError(`${what}: expected an exported component type`);
  if (ty.imports.length !== 0 || ty.exports.length !== 1 || ty.exports[0]!.sort !== "component") {
    throw new DecodeError(`${what}: expected a component type that exports a single world`);
  }
  const builder = new ModelBuilder();
  const inner = ty.exports[0]!;
  try {
    const world = builder.world(withSuffix(inner), {}, inner.entry);
    return { builder, world, encoding };
  } catch (e) {
    if (e instanceof DecodeError) throw new DecodeError(`${what}: ${e.message}`);
    throw e;
  }
}

/** The historical 0x03 payload: version, encoding, world name, then a WIT package. */
function worldOfV3Payload(payload: Uint8Array, what: string): SectionBindgen {
  const r = new Reader(payload);
  r.u8();
  const byte = r.u8();
  const encoding = stringEncodingFromByte(byte);
  if (!encoding) throw new DecodeError(`${what}: invalid string encoding 0x${byte.toString(16)}`);
  const worldName = r.name();
  const { builder, main } = packageModel(payload.subarray(r.pos), what);
  const parsed = parseInterfaceId(worldName);
  const pkgKey = parsed ? packageKey(parsed.namespace, parsed.pkg, parsed.version) : main;
  const world = builder.packages.get(pkgKey)?.worlds.get(parsed ? parsed.name : worldName);
  if (!world) throw new DecodeError(`${what}: world \`${worldName}\` not found in the encoded package`);
  return { builder, world, encoding };
}

/** wit-component's `EncodingMap` keys: `<item name>/<function>`, interface names without version. */
function encodingKeys(builder: ModelBuilder, items: Map<string, MItem>): string[] {
  const out: string[] = [];
  for (const item of items.values()) {
    switch (item.kind) {
      case "func":
        out.push(`${item.name}/${item.func.name}`);
        break;
      case "inline":
        for (const f of item.iface.funcs.keys()) out.push(`${item.name}/${f}`);
        break;
      case "implements":
        for (const f of builder.interfaces.get(item.id)!.funcs.keys()) out.push(`${item.name}/${f}`);
        break;
      case "interface": {
        const iface = builder.interfaces.get(item.id)!;
        const p = parseInterfaceId(item.id)!;
        for (const f of iface.funcs.keys()) out.push(`${p.namespace}:${p.pkg}/${p.name}/${f}`);
        break;
      }
      case "type":
        break;
    }
  }
  return out;
}

function mergeEncodings(
  into: Map<string, ComponentStringEncoding>,
  keys: string[],
  encoding: ComponentStringEncoding,
  what: string,
): void {
  for (const k of keys) {
    const prev = into.get(k);
    if (prev !== undefined && prev !== encoding) {
      throw new DecodeError(`${what}: conflicting string encodings specified for \`${k}\``);
    }
    into.set(k, encoding);
  }
}

/**
 * Reads the `component-type*` custom sections of a core module and merges
 * the worlds they describe into one `root:root/root` world, as wit-component
 * does. `module` is the core module without those sections. Returns
 * `undefined` when there is no such section.
 */
export function decodeComponentTypeSections(core: Uint8Array): { bindgen: Bindgen; module: Uint8Array } | undefined {
  const decoded = decodeModulesComponentTypes([core]);
  if (!decoded) return undefined;
  return { bindgen: decoded.bindgen, module: decoded.modules[0]!.module };
}

/** What one module of `decodeModulesComponentTypes` contributed. */
export interface ModuleBindings {
  /** The module without its `component-type*` sections. */
  module: Uint8Array;
  /** The names (`Resolve.nameWorldKey`) of the exports its own world has, in its order. */
  exports: string[];
  importEncodings: Map<string, ComponentStringEncoding>;
  exportEncodings: Map<string, ComponentStringEncoding>;
}

/**
 * The `component-type*` sections of several modules (a main module, then its
 * adapters) merged into one `root:root/root` world, in that order, as
 * wit-component's `ComponentEncoder` merges an adapter's metadata into the
 * main module's. Each module keeps its own string encodings and the list of
 * exports its world has. `undefined` when no module has such a section,
 * unless `allowNone` (then the world is empty).
 */
export function decodeModulesComponentTypes(
  cores: Uint8Array[],
  options: { allowNone?: boolean } = {},
): { bindgen: Bindgen; modules: ModuleBindings[] } | undefined {
  const merged = new MergedModel();
  const root = new ModelBuilder();
  const rootPkg = root.package("root", "root", undefined);
  const rootWorld: MWorld = {
    key: worldOwnerKey("root:root", "root"),
    name: "root",
    pkg: "root:root",
    imports: new Map(),
    exports: new Map(),
  };
  rootPkg.worlds.set("root", rootWorld);
  merged.add(root);
  const modules: ModuleBindings[] = [];
  let any = false;
  cores.forEach((core, n) => {
    const which = n === 0 ? "core module" : "adapter module";
    let kind: string;
    try {
      kind = readHeader(core);
    } catch (e) {
      if (e instanceof BinaryError) throw new DecodeError(`${which}: ${e.message}`);
      throw e;
    }
    if (kind !== "module") throw new DecodeError("decoding a component is not supported (expected a core module)");
    let split: ReturnType<typeof splitComponentTypeSections>;
    try {
      split = splitComponentTypeSections(core);
    } catch (e) {
      if (e instanceof BinaryError) throw new DecodeError(`${which}: ${e.message}`);
      throw e;
    }
    const own: ModuleBindings = {
      module: split.module,
      exports: [],
      importEncodings: new Map(),
      exportEncodings: new Map(),
    };
    modules.push(own);
    for (const { name, payload } of split.sections) {
      any = true;
      const what = `custom section \`${name}\``;
      let decoded: SectionBindgen;
      try {
        decoded = payload[0] === 0x03 ? worldOfV3Payload(payload, what) : worldOfPayload(payload, what);
      } catch (e) {
        if (e instanceof BinaryError) throw new DecodeError(`${what}: ${e.message}`);
        throw e;
      }
      const { builder, world, encoding } = decoded;
      mergeEncodings(own.importEncodings, encodingKeys(builder, world.imports), encoding, what);
      mergeEncodings(own.exportEncodings, encodingKeys(builder, world.exports), encoding, what);
      for (const item of world.exports.values()) {
        const name = item.kind === "interface" ? item.id : item.name;
        if (!own.exports.includes(name)) own.exports.push(name);
      }
      try {
        merged.add(builder);
        merged.mergeWorlds(merged.canonicalWorld(world), rootWorld);
      } catch (e) {
        if (e instanceof DecodeError) throw new DecodeError(`${what}: ${e.message}`);
        throw e;
      }
    }
  });
  if (!any && !options.allowNone) return undefined;

  const resolve = new Resolve();
  const pkg = pushModel(resolve, merged.packages, merged.interfaces, "root:root", "component-type");
  const worldId = resolve.packages[pkg]!.worlds.get("root")!;
  const main = modules[0]!;
  return {
    bindgen: { resolve, world: worldId, importEncodings: main.importEncodings, exportEncodings: main.exportEncodings },
    modules,
  };
}
