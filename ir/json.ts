/**
 * Serialisation of a `Resolve` in wit-parser's JSON format (the `Resolve`
 * serde encoding used by the `.wit.json` files of wit-parser's tests), so that
 * other tools can read our IR.
 */
import { versionToString } from "../parser/semver.js";
import type { Resolve } from "./resolve.js";
import type { Docs, Function, Stability, Type, TypeDef, TypeDefKind, WorldItem, WorldItems } from "./types.js";
import { packageNameKey } from "./unresolved.js";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function ty(t: Type | undefined): Json {
  return t === undefined ? null : t;
}

function withOptional(
  obj: { [key: string]: Json },
  docs: Docs,
  stability: Stability,
  externalId?: string,
): { [key: string]: Json } {
  if (docs.contents !== undefined) obj.docs = { contents: docs.contents };
  if (stability.kind !== "unknown") obj.stability = stabilityJson(stability);
  if (externalId !== undefined) obj.external_id = externalId;
  return obj;
}

function stabilityJson(s: Stability): Json {
  if (s.kind === "unknown") return "unknown";
  const body: { [key: string]: Json } =
    s.kind === "stable" ? { since: versionToString(s.since) } : { feature: s.feature };
  if (s.deprecated) body.deprecated = versionToString(s.deprecated);
  return { [s.kind]: body };
}

function docsOnly(obj: { [key: string]: Json }, docs: Docs): { [key: string]: Json } {
  if (docs.contents !== undefined) obj.docs = { contents: docs.contents };
  return obj;
}

function kindJson(k: TypeDefKind): Json {
  switch (k.kind) {
    case "record":
      return { record: { fields: k.fields.map((f) => docsOnly({ name: f.name, type: ty(f.type) }, f.docs)) } };
    case "resource":
      return "resource";
    case "unknown":
      return "unknown";
    case "handle":
      return { handle: { [k.handle]: k.resource } };
    case "flags":
      return { flags: { flags: k.flags.map((f) => docsOnly({ name: f.name }, f.docs)) } };
    case "tuple":
      return { tuple: { types: k.types.map(ty) } };
    case "variant":
      return { variant: { cases: k.cases.map((c) => docsOnly({ name: c.name, type: ty(c.type) }, c.docs)) } };
    case "enum":
      return { enum: { cases: k.cases.map((c) => docsOnly({ name: c.name }, c.docs)) } };
    case "option":
    case "list":
    case "type":
      return { [k.kind]: ty(k.type) };
    case "future":
    case "stream":
      return { [k.kind]: ty(k.type) };
    case "result":
      return { result: { ok: ty(k.ok), err: ty(k.err) } };
    case "map":
      return { map: [ty(k.key), ty(k.value)] };
    case "fixed-length-list":
      return { "fixed-length-list": [ty(k.type), k.size] };
  }
}

function typeJson(t: TypeDef): Json {
  const owner: Json = t.owner.kind === "none" ? null : { [t.owner.kind]: t.owner.id };
  return withOptional({ name: t.name ?? null, kind: kindJson(t.kind), owner }, t.docs, t.stability, t.externalId);
}

function functionJson(f: Function): Json {
  const kind: Json = "resource" in f.kind ? { [f.kind.kind]: f.kind.resource } : f.kind.kind;
  const obj: { [key: string]: Json } = {
    name: f.name,
    kind,
    params: f.params.map((p): Json => (p.name === "" ? { type: ty(p.type) } : { name: p.name, type: ty(p.type) })),
  };
  if (f.result !== undefined) obj.result = ty(f.result);
  return withOptional(obj, f.docs, f.stability, f.externalId);
}

function worldItemJson(item: WorldItem): Json {
  switch (item.kind) {
    case "interface": {
      const body: { [key: string]: Json } = { id: item.id };
      if (item.stability.kind !== "unknown") body.stability = stabilityJson(item.stability);
      if (item.externalId !== undefined) body.external_id = item.externalId;
      if (item.docs.contents !== undefined) body.docs = { contents: item.docs.contents };
      return { interface: body };
    }
    case "function":
      return { function: functionJson(item.func) };
    case "type":
      return { type: item.id };
  }
}

function worldItemsJson(items: WorldItems): Json {
  const out: { [key: string]: Json } = {};
  for (const { key, item } of items.values()) {
    out[key.kind === "name" ? key.name : `interface-${key.id}`] = worldItemJson(item);
  }
  return out;
}

function mapJson<V>(m: Map<string, V>, f: (v: V) => Json): Json {
  const out: { [key: string]: Json } = {};
  for (const [k, v] of m) out[k] = f(v);
  return out;
}

/** The resolved packages as a JSON value in wit-parser's `Resolve` format. */
export function resolveToJson(resolve: Resolve): Json {
  return {
    worlds: resolve.worlds.map((w) =>
      withOptional(
        {
          name: w.name,
          imports: worldItemsJson(w.imports),
          exports: worldItemsJson(w.exports),
          package: w.package ?? null,
        },
        w.docs,
        w.stability,
      ),
    ),
    interfaces: resolve.interfaces.map((i) => {
      const obj = withOptional(
        {
          name: i.name ?? null,
          types: mapJson(i.types, (id) => id),
          functions: mapJson(i.functions, functionJson),
        },
        i.docs,
        i.stability,
      );
      obj.package = i.package ?? null;
      if (i.cloneOf !== undefined) obj.clone_of = i.cloneOf;
      return obj;
    }),
    types: resolve.types.map(typeJson),
    packages: resolve.packages.map((p) =>
      docsOnlyAfterName(p.name, p.docs, {
        interfaces: mapJson(p.interfaces, (id) => id),
        worlds: mapJson(p.worlds, (id) => id),
      }),
    ),
  };
}

function docsOnlyAfterName(
  name: Parameters<typeof packageNameKey>[0],
  docs: Docs,
  rest: { [key: string]: Json },
): Json {
  const obj: { [key: string]: Json } = { name: packageNameKey(name) };
  if (docs.contents !== undefined) obj.docs = { contents: docs.contents };
  return { ...obj, ...rest };
}

/** `resolveToJson` pretty-printed with two-space indentation, like `serde_json::to_string_pretty`. */
export function resolveToJsonString(resolve: Resolve): string {
  return JSON.stringify(resolveToJson(resolve), null, 2);
}
