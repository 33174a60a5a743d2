/**
 * The `package-docs` custom section: documentation comments and stability
 * attributes (`@since`, `@unstable`, `@deprecated`) of a WIT package encoded
 * as a component.
 *
 * The component model's binary format has no place for docs or stability, so
 * wit-component stores them next to the types, in a custom section of the
 * component that encodes the package (wit-parser's `PackageMetadata`). The
 * section is one version byte followed by compact JSON:
 *
 * - version 1 is what is written; version 0 (the original format, without
 *   stability, where a function's metadata was just its docs string or
 *   `null`) is still read;
 * - the JSON is serde's rendering of wit-parser's structs: maps keep the
 *   order of the package (declaration order), a field whose value is empty
 *   (no docs, unknown stability, an empty map) is left out, and an unknown
 *   field is an error;
 * - a stability is serde's externally tagged enum: `"unknown"`,
 *   `{"unstable":{"feature":"f"}}` or `{"stable":{"since":"1.0.0"}}`, either
 *   with `"deprecated":"<version>"` when deprecated.
 *
 * `extractPackageDocs` + `encodePackageDocs` write the section exactly as
 * wit-component does, so that our package encoding has wasm-tools' bytes;
 * `decodePackageDocs` + `injectPackageDocs` put the section back on a decoded
 * package, with wit-parser's checks (every name must match an item).
 */
import type { Resolve } from "../ir/resolve.js";
import type {
  Docs,
  Function,
  InterfaceId,
  PackageId,
  Stability,
  TypeId,
  WorldEntry,
  WorldId,
  WorldItem,
} from "../ir/types.js";
import { parseVersion, SemverError, versionToString, type Version } from "../parser/semver.js";
import { DecodeError } from "./decode/binary.js";

export const PACKAGE_DOCS_SECTION = "package-docs";

/** The version byte written (1 added stability and same-named imports and exports). */
export const PACKAGE_DOCS_VERSION = 1;

// ---------------------------------------------------------------------------
// The section's model. Maps are `Map`s so that their order is the order
// written (a plain object would move integer-like keys first).

interface TypeMeta {
  docs: string | undefined;
  stability: Stability;
  /** Docs of record fields, flags, variant and enum cases, by name. */
  items: Map<string, string>;
}

interface FuncMeta {
  docs: string | undefined;
  /** `undefined` for the v0 form (docs only): the stability is left as it is. */
  stability: Stability | undefined;
}

interface InterfaceMeta {
  docs: string | undefined;
  stability: Stability;
  funcs: Map<string, FuncMeta>;
  types: Map<string, TypeMeta>;
}

interface WorldMeta {
  docs: string | undefined;
  stability: Stability;
  /**
   * Inline interfaces imported by a plain name; also exported ones when no
   * import has their name (v0 had no separate export maps). JSON `interfaces`.
   */
  interfaces: Map<string, InterfaceMeta>;
  /** World-level types (always imports). */
  types: Map<string, TypeMeta>;
  /** Like `interfaces`, for functions. JSON `funcs`. */
  funcs: Map<string, FuncMeta>;
  /** Inline interfaces exported by a plain name. */
  interfaceExports: Map<string, InterfaceMeta>;
  /** Functions exported by the world. */
  funcExports: Map<string, FuncMeta>;
  /**
   * Stability and docs of imports and exports of named interfaces
   * (`import ns:pkg/iface;`, `import x: iface;`), keyed by the name of the
   * world key (`ns:pkg/iface@1.0.0`, or the plain name).
   */
  interfaceImportStability: Map<string, Stability>;
  interfaceExportStability: Map<string, Stability>;
  interfaceImportDocs: Map<string, string>;
  interfaceExportDocs: Map<string, string>;
}

export interface PackageDocs {
  docs: string | undefined;
  worlds: Map<string, WorldMeta>;
  interfaces: Map<string, InterfaceMeta>;
}

// ---------------------------------------------------------------------------
// Extracting from the IR (wit-parser's `PackageMetadata::extract`)

function typeMeta(resolve: Resolve, id: TypeId): TypeMeta {
  const t = resolve.types[id]!;
  const items = new Map<string, string>();
  const add = (list: { name: string; docs: Docs }[]) => {
    for (const item of list) if (item.docs.contents !== undefined) items.set(item.name, item.docs.contents);
  };
  switch (t.kind.kind) {
    case "record":
      add(t.kind.fields);
      break;
    case "flags":
      add(t.kind.flags);
      break;
    case "variant":
    case "enum":
      add(t.kind.cases);
      break;
  }
  return { docs: t.docs.contents, stability: t.stability, items };
}

const typeMetaEmpty = (m: TypeMeta) => m.docs === undefined && m.stability.kind === "unknown" && m.items.size === 0;

function funcMeta(f: Function): FuncMeta {
  return { docs: f.docs.contents, stability: f.stability };
}

const funcMetaEmpty = (m: FuncMeta) => m.docs === undefined && (m.stability ?? { kind: "unknown" }).kind === "unknown";

function interfaceMeta(resolve: Resolve, id: InterfaceId): InterfaceMeta {
  const i = resolve.interfaces[id]!;
  const funcs = new Map<string, FuncMeta>();
  for (const [name, f] of i.functions) {
    const m = funcMeta(f);
    if (!funcMetaEmpty(m)) funcs.set(name, m);
  }
  const types = new Map<string, TypeMeta>();
  for (const [name, t] of i.types) {
    const m = typeMeta(resolve, t);
    if (!typeMetaEmpty(m)) types.set(name, m);
  }
  return { docs: i.docs.contents, stability: i.stability, funcs, types };
}

const interfaceMetaEmpty = (m: InterfaceMeta) =>
  m.docs === undefined && m.stability.kind === "unknown" && m.funcs.size === 0 && m.types.size === 0;

function emptyWorldMeta(): WorldMeta {
  return {
    docs: undefined,
    stability: { kind: "unknown" },
    interfaces: new Map(),
    types: new Map(),
    funcs: new Map(),
    interfaceExports: new Map(),
    funcExports: new Map(),
    interfaceImportStability: new Map(),
    interfaceExportStability: new Map(),
    interfaceImportDocs: new Map(),
    interfaceExportDocs: new Map(),
  };
}

function worldMeta(resolve: Resolve, id: WorldId): WorldMeta {
  const w = resolve.worlds[id]!;
  const m = emptyWorldMeta();
  m.docs = w.docs.contents;
  m.stability = w.stability;
  const sides: [Iterable<WorldEntry>, boolean][] = [
    [w.imports.values(), true],
    [w.exports.values(), false],
  ];
  for (const [entries, isImport] of sides) {
    for (const { key, item } of entries) {
      // A named interface (by its id or by a plain name): only the item's
      // own stability and docs; the interface's are the package's business.
      if (item.kind === "interface" && (key.kind === "interface" || resolve.interfaces[item.id]!.name !== undefined)) {
        const name = resolve.nameWorldKey(key);
        if (item.stability.kind !== "unknown") {
          (isImport ? m.interfaceImportStability : m.interfaceExportStability).set(name, item.stability);
        }
        if (item.docs.contents !== undefined) {
          (isImport ? m.interfaceImportDocs : m.interfaceExportDocs).set(name, item.docs.contents);
        }
        continue;
      }
      if (key.kind !== "name") continue;
      if (item.kind === "interface") {
        const data = interfaceMeta(resolve, item.id);
        if (!interfaceMetaEmpty(data)) (isImport ? m.interfaces : m.interfaceExports).set(key.name, data);
      } else if (item.kind === "type") {
        const data = typeMeta(resolve, item.id);
        if (!typeMetaEmpty(data)) m.types.set(key.name, data);
      } else {
        const data = funcMeta(item.func);
        if (!funcMetaEmpty(data)) (isImport ? m.funcs : m.funcExports).set(key.name, data);
      }
    }
  }
  return m;
}

function worldMetaEmpty(m: WorldMeta): boolean {
  return (
    m.docs === undefined &&
    m.stability.kind === "unknown" &&
    [
      m.interfaces,
      m.types,
      m.funcs,
      m.interfaceExports,
      m.funcExports,
      m.interfaceImportStability,
      m.interfaceExportStability,
      m.interfaceImportDocs,
      m.interfaceExportDocs,
    ].every((map) => map.size === 0)
  );
}

/** The docs and stability of package `pkgId`, as wit-component collects them. */
export function extractPackageDocs(resolve: Resolve, pkgId: PackageId): PackageDocs {
  const pkg = resolve.packages[pkgId]!;
  const worlds = new Map<string, WorldMeta>();
  for (const [name, id] of pkg.worlds) {
    const m = worldMeta(resolve, id);
    if (!worldMetaEmpty(m)) worlds.set(name, m);
  }
  const interfaces = new Map<string, InterfaceMeta>();
  for (const [name, id] of pkg.interfaces) {
    const m = interfaceMeta(resolve, id);
    if (!interfaceMetaEmpty(m)) interfaces.set(name, m);
  }
  return { docs: pkg.docs.contents, worlds, interfaces };
}

// ---------------------------------------------------------------------------
// Writing the JSON (serde_json's compact form; `JSON.stringify` escapes
// strings as serde_json does)

/** `{"k":v,...}` of the fields whose text is not `undefined`, in order. */
function object(fields: [string, string | undefined][]): string {
  const parts = fields.filter(([, v]) => v !== undefined).map(([k, v]) => `${JSON.stringify(k)}:${v}`);
  return `{${parts.join(",")}}`;
}

/** A map, or `undefined` (left out) when empty. */
function map<T>(m: Map<string, T>, value: (v: T) => string): string | undefined {
  if (m.size === 0) return undefined;
  return object([...m].map(([k, v]) => [k, value(v)]));
}

const str = (s: string | undefined) => (s === undefined ? undefined : JSON.stringify(s));

function stabilityJson(s: Stability): string {
  const deprecated = s.kind === "unknown" ? undefined : str(s.deprecated && versionToString(s.deprecated));
  switch (s.kind) {
    case "unknown":
      return `"unknown"`;
    case "unstable":
      return object([
        [
          "unstable",
          object([
            ["feature", str(s.feature)],
            ["deprecated", deprecated],
          ]),
        ],
      ]);
    case "stable":
      return object([
        [
          "stable",
          object([
            ["since", str(versionToString(s.since))],
            ["deprecated", deprecated],
          ]),
        ],
      ]);
  }
}

/** A stability field: left out when unknown. */
const stabilityField = (s: Stability) => (s.kind === "unknown" ? undefined : stabilityJson(s));

function typeJson(m: TypeMeta): string {
  return object([
    ["docs", str(m.docs)],
    ["stability", stabilityField(m.stability)],
    ["items", map(m.items, JSON.stringify)],
  ]);
}

function funcJson(m: FuncMeta): string {
  // Always the v1 form (an object), never the v0 bare docs string.
  return object([
    ["docs", str(m.docs)],
    ["stability", m.stability && stabilityField(m.stability)],
  ]);
}

function interfaceJson(m: InterfaceMeta): string {
  return object([
    ["docs", str(m.docs)],
    ["stability", stabilityField(m.stability)],
    ["funcs", map(m.funcs, funcJson)],
    ["types", map(m.types, typeJson)],
  ]);
}

function worldJson(m: WorldMeta): string {
  return object([
    ["docs", str(m.docs)],
    ["stability", stabilityField(m.stability)],
    ["interfaces", map(m.interfaces, interfaceJson)],
    ["types", map(m.types, typeJson)],
    ["funcs", map(m.funcs, funcJson)],
    ["interface_exports", map(m.interfaceExports, interfaceJson)],
    ["func_exports", map(m.funcExports, funcJson)],
    ["interface_import_stability", map(m.interfaceImportStability, stabilityJson)],
    ["interface_export_stability", map(m.interfaceExportStability, stabilityJson)],
    ["interface_import_docs", map(m.interfaceImportDocs, JSON.stringify)],
    ["interface_export_docs", map(m.interfaceExportDocs, JSON.stringify)],
  ]);
}

/** The section's contents: the version byte, then the JSON. */
export function encodePackageDocs(docs: PackageDocs): Uint8Array {
  const json = object([
    ["docs", str(docs.docs)],
    ["worlds", map(docs.worlds, worldJson)],
    ["interfaces", map(docs.interfaces, interfaceJson)],
  ]);
  const body = new TextEncoder().encode(json);
  const out = new Uint8Array(body.length + 1);
  out[0] = PACKAGE_DOCS_VERSION;
  out.set(body, 1);
  return out;
}

// ---------------------------------------------------------------------------
// Reading the JSON, with serde's strictness (`deny_unknown_fields`)

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isObject(v: Json): v is { [k: string]: Json } {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function describe(v: Json): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a sequence";
  if (typeof v === "object") return "a map";
  if (typeof v === "string") return `string ${JSON.stringify(v)}`;
  return `${typeof v} \`${String(v)}\``;
}

/** The fields of a JSON object, after checking that it has no others. */
function fieldsOf(v: Json, what: string, allowed: string[]): Map<string, Json> {
  if (!isObject(v)) throw new DecodeError(`${what}: invalid type: ${describe(v)}, expected a map`);
  const out = new Map<string, Json>();
  for (const [k, x] of Object.entries(v)) {
    if (!allowed.includes(k)) {
      throw new DecodeError(
        `${what}: unknown field \`${k}\`, expected one of ${allowed.map((a) => `\`${a}\``).join(", ")}`,
      );
    }
    out.set(k, x);
  }
  return out;
}

function optString(v: Json | undefined, what: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw new DecodeError(`${what}: invalid type: ${describe(v)}, expected a string`);
  return v;
}

function mapOf<T>(v: Json | undefined, what: string, value: (x: Json, what: string) => T): Map<string, T> {
  const out = new Map<string, T>();
  if (v === undefined) return out;
  if (!isObject(v)) throw new DecodeError(`${what}: invalid type: ${describe(v)}, expected a map`);
  for (const [k, x] of Object.entries(v)) out.set(k, value(x, `${what}.${k}`));
  return out;
}

function version(v: Json | undefined, what: string): Version {
  if (typeof v !== "string") {
    throw new DecodeError(`${what}: ${v === undefined ? "missing version" : `invalid type: ${describe(v)}`}`);
  }
  try {
    return parseVersion(v);
  } catch (e) {
    if (e instanceof SemverError) throw new DecodeError(`${what}: invalid version ${JSON.stringify(v)}: ${e.message}`);
    throw e;
  }
}

function optVersion(v: Json | undefined, what: string): Version | undefined {
  return v === undefined || v === null ? undefined : version(v, what);
}

function stabilityOf(v: Json | undefined, what: string): Stability {
  if (v === undefined || v === "unknown") return { kind: "unknown" };
  if (isObject(v)) {
    const keys = Object.keys(v);
    // serde also reads a unit variant as a map to `null`.
    if (keys.length === 1 && keys[0] === "unknown" && v.unknown === null) return { kind: "unknown" };
    if (keys.length === 1 && (keys[0] === "unstable" || keys[0] === "stable")) {
      const body = v[keys[0]]!;
      if (!isObject(body)) throw new DecodeError(`${what}: invalid type: ${describe(body)}, expected a map`);
      const deprecated = optVersion(body.deprecated, `${what}.deprecated`);
      if (keys[0] === "stable") return { kind: "stable", since: version(body.since, `${what}.since`), deprecated };
      if (typeof body.feature !== "string") throw new DecodeError(`${what}: missing or invalid field \`feature\``);
      return { kind: "unstable", feature: body.feature, deprecated };
    }
  }
  throw new DecodeError(
    `${what}: expected \`"unknown"\`, \`{"stable":...}\` or \`{"unstable":...}\`, got ${describe(v)}`,
  );
}

function readType(v: Json, what: string): TypeMeta {
  const f = fieldsOf(v, what, ["docs", "stability", "items"]);
  return {
    docs: optString(f.get("docs"), `${what}.docs`),
    stability: stabilityOf(f.get("stability"), `${what}.stability`),
    items: mapOf(f.get("items"), `${what}.items`, (x, w) => optString(x, w) ?? badNull(w)),
  };
}

function badNull(what: string): never {
  throw new DecodeError(`${what}: invalid type: null, expected a string`);
}

function readFunc(v: Json, what: string): FuncMeta {
  // v0: just the docs, a string or `null`.
  if (v === null || typeof v === "string") return { docs: v ?? undefined, stability: undefined };
  if (!isObject(v)) {
    throw new DecodeError(`${what}: data did not match any variant of untagged enum FunctionMetadata`);
  }
  const f = fieldsOf(v, what, ["docs", "stability"]);
  return {
    docs: optString(f.get("docs"), `${what}.docs`),
    stability: stabilityOf(f.get("stability"), `${what}.stability`),
  };
}

function readInterface(v: Json, what: string): InterfaceMeta {
  const f = fieldsOf(v, what, ["docs", "stability", "funcs", "types"]);
  return {
    docs: optString(f.get("docs"), `${what}.docs`),
    stability: stabilityOf(f.get("stability"), `${what}.stability`),
    funcs: mapOf(f.get("funcs"), `${what}.funcs`, readFunc),
    types: mapOf(f.get("types"), `${what}.types`, readType),
  };
}

const worldFields = [
  "docs",
  "stability",
  "interfaces",
  "types",
  "funcs",
  "interface_exports",
  "func_exports",
  "interface_import_stability",
  "interface_export_stability",
  "interface_import_docs",
  "interface_export_docs",
];

function readWorld(v: Json, what: string): WorldMeta {
  const f = fieldsOf(v, what, worldFields);
  const strings = (k: string) => mapOf(f.get(k), `${what}.${k}`, (x, w) => optString(x, w) ?? badNull(w));
  return {
    docs: optString(f.get("docs"), `${what}.docs`),
    stability: stabilityOf(f.get("stability"), `${what}.stability`),
    interfaces: mapOf(f.get("interfaces"), `${what}.interfaces`, readInterface),
    types: mapOf(f.get("types"), `${what}.types`, readType),
    funcs: mapOf(f.get("funcs"), `${what}.funcs`, readFunc),
    interfaceExports: mapOf(f.get("interface_exports"), `${what}.interface_exports`, readInterface),
    funcExports: mapOf(f.get("func_exports"), `${what}.func_exports`, readFunc),
    interfaceImportStability: mapOf(
      f.get("interface_import_stability"),
      `${what}.interface_import_stability`,
      stabilityOf,
    ),
    interfaceExportStability: mapOf(
      f.get("interface_export_stability"),
      `${what}.interface_export_stability`,
      stabilityOf,
    ),
    interfaceImportDocs: strings("interface_import_docs"),
    interfaceExportDocs: strings("interface_export_docs"),
  };
}

/** Reads a `package-docs` section's contents (version 0 or 1). */
export function decodePackageDocs(data: Uint8Array): PackageDocs {
  const v = data[0];
  if (v !== 0 && v !== PACKAGE_DOCS_VERSION) {
    throw new DecodeError(
      `expected ${PACKAGE_DOCS_SECTION} version ${PACKAGE_DOCS_VERSION}, got ${v === undefined ? "none" : v}`,
    );
  }
  let json: Json;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(data.subarray(1))) as Json;
  } catch (e) {
    throw new DecodeError(`${PACKAGE_DOCS_SECTION}: invalid JSON: ${(e as Error).message}`);
  }
  const what = PACKAGE_DOCS_SECTION;
  const f = fieldsOf(json, what, ["docs", "worlds", "interfaces"]);
  return {
    docs: optString(f.get("docs"), `${what}: docs`),
    worlds: mapOf(f.get("worlds"), `${what}: worlds`, readWorld),
    interfaces: mapOf(f.get("interfaces"), `${what}: interfaces`, readInterface),
  };
}

// ---------------------------------------------------------------------------
// Injecting into the IR (wit-parser's `PackageMetadata::inject`)
//
// The names are all checked before anything changes: the edits are collected
// first and made only when every name matched.

type Edits = (() => void)[];

function injectType(resolve: Resolve, id: TypeId, m: TypeMeta, edits: Edits): void {
  const t = resolve.types[id]!;
  if (m.items.size) {
    let list: { name: string; docs: Docs }[];
    switch (t.kind.kind) {
      case "record":
        list = t.kind.fields;
        break;
      case "flags":
        list = t.kind.flags;
        break;
      case "variant":
      case "enum":
        list = t.kind.cases;
        break;
      default:
        throw new DecodeError(`got 'items' for unexpected type \`${t.name ?? "<anonymous>"}\` (a ${t.kind.kind})`);
    }
    const unused = new Set(m.items.keys());
    for (const item of list) {
      const docs = m.items.get(item.name);
      if (docs === undefined) continue;
      unused.delete(item.name);
      edits.push(() => (item.docs = { contents: docs }));
    }
    if (unused.size) {
      throw new DecodeError(
        `not all 'items' match type items of \`${t.name ?? "<anonymous>"}\`: no ${[...unused].map((n) => JSON.stringify(n)).join(", ")}`,
      );
    }
  }
  edits.push(() => {
    if (m.docs !== undefined) t.docs = { contents: m.docs };
    t.stability = m.stability;
  });
}

function injectFunc(f: Function, m: FuncMeta, edits: Edits): void {
  edits.push(() => {
    f.docs = { contents: m.docs };
    if (m.stability) f.stability = m.stability;
  });
}

function injectInterface(resolve: Resolve, id: InterfaceId, m: InterfaceMeta, edits: Edits): void {
  const i = resolve.interfaces[id]!;
  for (const [name, data] of m.types) {
    const t = i.types.get(name);
    if (t === undefined) throw new DecodeError(`missing type ${JSON.stringify(name)}`);
    injectType(resolve, t, data, edits);
  }
  for (const [name, data] of m.funcs) {
    const f = i.functions.get(name);
    if (!f) throw new DecodeError(`missing func ${JSON.stringify(name)}`);
    injectFunc(f, data, edits);
  }
  edits.push(() => {
    if (m.docs !== undefined) i.docs = { contents: m.docs };
    i.stability = m.stability;
  });
}

function injectWorld(resolve: Resolve, id: WorldId, m: WorldMeta, edits: Edits): void {
  const w = resolve.worlds[id]!;
  const byName = (items: Map<string, WorldEntry>, name: string): WorldItem | undefined => {
    for (const { key, item } of items.values()) if (key.kind === "name" && key.name === name) return item;
    return undefined;
  };
  /** An item named `name`: an import (unless `onlyExport`), else an export. */
  const lookup = (name: string, onlyExport: boolean) =>
    (onlyExport ? undefined : byName(w.imports, name)) ?? byName(w.exports, name);

  const inlineInterfaces: [Map<string, InterfaceMeta>, boolean][] = [
    [m.interfaces, false],
    [m.interfaceExports, true],
  ];
  for (const [entries, onlyExport] of inlineInterfaces) {
    for (const [name, data] of entries) {
      const item = lookup(name, onlyExport);
      if (item?.kind !== "interface") throw new DecodeError(`missing interface ${JSON.stringify(name)}`);
      edits.push(() => (item.stability = data.stability));
      injectInterface(resolve, item.id, data, edits);
    }
  }
  for (const [name, data] of m.types) {
    const item = byName(w.imports, name);
    if (item?.kind !== "type") throw new DecodeError(`missing type ${JSON.stringify(name)}`);
    injectType(resolve, item.id, data, edits);
  }
  // Named interfaces, by the name of their world key.
  const interfaceItem = (name: string, isImport: boolean) => {
    for (const { key, item } of (isImport ? w.imports : w.exports).values()) {
      if (item.kind === "interface" && resolve.nameWorldKey(key) === name) return item;
    }
    throw new DecodeError(`missing interface \`${name}\``);
  };
  const stabilities: [Map<string, Stability>, boolean][] = [
    [m.interfaceImportStability, true],
    [m.interfaceExportStability, false],
  ];
  for (const [entries, isImport] of stabilities) {
    for (const [name, stability] of entries) {
      const item = interfaceItem(name, isImport);
      edits.push(() => (item.stability = stability));
    }
  }
  const docs: [Map<string, string>, boolean][] = [
    [m.interfaceImportDocs, true],
    [m.interfaceExportDocs, false],
  ];
  for (const [entries, isImport] of docs) {
    for (const [name, contents] of entries) {
      const item = interfaceItem(name, isImport);
      edits.push(() => (item.docs = { contents }));
    }
  }
  const funcs: [Map<string, FuncMeta>, boolean][] = [
    [m.funcs, false],
    [m.funcExports, true],
  ];
  for (const [entries, onlyExport] of funcs) {
    for (const [name, data] of entries) {
      const item = lookup(name, onlyExport);
      if (item?.kind !== "function") throw new DecodeError(`missing func ${JSON.stringify(name)}`);
      injectFunc(item.func, data, edits);
    }
  }
  edits.push(() => {
    if (m.docs !== undefined) w.docs = { contents: m.docs };
    w.stability = m.stability;
  });
}

/**
 * Puts the docs and stability of `docs` on package `pkgId` and its items,
 * replacing what they had. Throws a `DecodeError` (and changes nothing) when
 * a name matches no item.
 */
export function injectPackageDocs(resolve: Resolve, pkgId: PackageId, docs: PackageDocs): void {
  const pkg = resolve.packages[pkgId]!;
  const edits: Edits = [];
  for (const [name, data] of docs.worlds) {
    const id = pkg.worlds.get(name);
    if (id === undefined) throw new DecodeError(`missing world ${JSON.stringify(name)}`);
    injectWorld(resolve, id, data, edits);
  }
  for (const [name, data] of docs.interfaces) {
    const id = pkg.interfaces.get(name);
    if (id === undefined) throw new DecodeError(`missing interface ${JSON.stringify(name)}`);
    injectInterface(resolve, id, data, edits);
  }
  for (const edit of edits) edit();
  if (docs.docs !== undefined) pkg.docs = { contents: docs.docs };
}
