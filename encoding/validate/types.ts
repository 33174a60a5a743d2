/**
 * Type-level rules of component validation: resolving type entries, the
 * well-formedness of defined types, subtyping of value, function, instance,
 * component and core module types (with wasm-tools' messages), substitution
 * of resources (instantiation, fresh resources of imported instances), the
 * "external visibility" of types in imports and exports, and the flattening
 * of function types for the canonical ABI.
 */
import type { Entry, Extern, ValType } from "../decode/binary.js";
import type { CoreModuleSig } from "./core.js";
import { coreExternMismatch } from "./core.js";
import { isKebab } from "./names.js";

/** A type error: the reason, as wasm-tools words it. */
export class TypeError_ extends Error {}

function fail(reason: string): never {
  throw new TypeError_(reason);
}

/** Bindings of the placeholder entries the reader creates for aliased instance type exports. */
export const bindings = new WeakMap<Entry, Entry>();

/** Follows `eq` links and placeholder bindings to the entry defining a type. */
export function resolve(e: Entry): Entry {
  for (let i = 0; i < 10000; i++) {
    const b = bindings.get(e);
    if (b) {
      e = b;
      continue;
    }
    if (e.kind !== "eq") return e;
    e = e.target;
  }
  return e;
}

/** One step: the entry an `eq` link or placeholder names. */
function step(e: Entry): Entry | undefined {
  const b = bindings.get(e);
  if (b) return b;
  if (e.kind === "eq") return e.target;
  return undefined;
}

type Norm = { prim: string } | { entry: Entry };

function norm(v: ValType): Norm {
  if (typeof v === "string") return { prim: v };
  const e = resolve(v);
  if (e.kind === "defined" && e.def.kind === "primitive") return { prim: e.def.type };
  return { entry: e };
}

function desc(n: Norm): string {
  if ("prim" in n) return n.prim;
  const e = n.entry;
  if (e.kind === "defined") return e.def.kind;
  if (e.kind === "resource") return "resource";
  return `${e.kind} type`;
}

/** The mapping of expected-side resources to actual ones while checking a subtype. */
export type ResourceMap = Map<Entry, Entry>;

function sameResource(a: Entry, b: Entry, map: ResourceMap): boolean {
  const ra = resolve(a);
  const rb = resolve(b);
  // Parameters are contravariant: the mapped (expected-side) resource may be on either side.
  return ra === rb || map.get(rb) === ra || map.get(ra) === rb;
}

/** Checks that value type `a` is a subtype of `b` (in the component model: equal up to resources). */
export function valSub(a: ValType, b: ValType, map: ResourceMap, depth = 0): void {
  if (a === b) return;
  const na = norm(a);
  const nb = norm(b);
  if ("prim" in nb) {
    if ("prim" in na) {
      if (na.prim !== nb.prim) fail(`expected primitive \`${nb.prim}\` found primitive \`${na.prim}\``);
      return;
    }
    fail(`expected ${nb.prim}, found ${desc(na)}`);
  }
  if ("prim" in na) fail(`expected ${desc(nb)}, found ${na.prim}`);
  definedSub(na.entry, nb.entry, map, depth);
}

export function definedSub(ea: Entry, eb: Entry, map: ResourceMap, depth = 0): void {
  if (ea === eb) return;
  if (depth > 100) return;
  if (eb.kind === "resource" || ea.kind === "resource") {
    if (eb.kind !== "resource") fail("expected defined type, found resource");
    if (ea.kind !== "resource") fail("expected resource, found defined type");
    if (!sameResource(ea, eb, map)) fail("resource types are not the same");
    return;
  }
  if (ea.kind !== "defined" || eb.kind !== "defined") {
    if (ea.kind !== eb.kind) fail(`expected ${eb.kind}, found ${ea.kind}`);
    return;
  }
  const a = ea.def;
  const b = eb.def;
  if (a.kind !== b.kind) {
    if ((a.kind === "own" || a.kind === "borrow") && (b.kind === "own" || b.kind === "borrow")) {
      fail(`expected ${b.kind}, found ${a.kind}`);
    }
    fail(`expected ${b.kind}, found ${a.kind}`);
  }
  const d = depth + 1;
  switch (b.kind) {
    case "primitive":
      if (b.type !== (a as typeof b).type)
        fail(`expected primitive \`${b.type}\` found primitive \`${(a as typeof b).type}\``);
      return;
    case "record": {
      const ar = a as typeof b;
      if (ar.fields.length !== b.fields.length) fail(`expected ${b.fields.length} fields, found ${ar.fields.length}`);
      b.fields.forEach((f, i) => {
        const g = ar.fields[i]!;
        if (f.name.toLowerCase() !== g.name.toLowerCase())
          fail(`expected field name \`${f.name}\`, found \`${g.name}\``);
        wrap(`type mismatch in record field \`${f.name}\``, () => valSub(g.type, f.type, map, d));
      });
      return;
    }
    case "variant": {
      const av = a as typeof b;
      if (av.cases.length !== b.cases.length) fail(`expected ${b.cases.length} cases, found ${av.cases.length}`);
      b.cases.forEach((c, i) => {
        const x = av.cases[i]!;
        if (c.name.toLowerCase() !== x.name.toLowerCase())
          fail(`expected case named \`${c.name}\`, found \`${x.name}\``);
        if (c.type === undefined && x.type !== undefined) fail(`expected case \`${c.name}\` to have no type`);
        if (c.type !== undefined && x.type === undefined)
          fail(`expected case \`${c.name}\` to have a type, found none`);
        if (c.type !== undefined && x.type !== undefined) {
          const ct = c.type;
          const xt = x.type;
          wrap(`type mismatch in variant case \`${c.name}\``, () => valSub(xt, ct, map, d));
        }
      });
      return;
    }
    case "tuple": {
      const at = a as typeof b;
      if (at.types.length !== b.types.length) fail(`expected ${b.types.length} types, found ${at.types.length}`);
      b.types.forEach((t, i) => wrap(`type mismatch in tuple field ${i}`, () => valSub(at.types[i]!, t, map, d)));
      return;
    }
    case "flags":
    case "enum": {
      const an = (a as typeof b).names;
      if (an.length !== b.names.length || an.some((n, i) => n.toLowerCase() !== b.names[i]!.toLowerCase())) {
        fail(`mismatch in ${b.kind} elements`);
      }
      return;
    }
    case "list":
    case "option":
      wrap(`type mismatch in ${b.kind} element`, () => valSub((a as typeof b).type, b.type, map, d));
      return;
    case "fixed-length-list": {
      const af = a as typeof b;
      if (af.size !== b.size) fail(`expected fixed-length list of ${b.size} elements, found ${af.size}`);
      valSub(af.type, b.type, map, d);
      return;
    }
    case "map": {
      const am = a as typeof b;
      valSub(am.key, b.key, map, d);
      valSub(am.value, b.value, map, d);
      return;
    }
    case "result": {
      const ar = a as typeof b;
      for (const k of ["ok", "err"] as const) {
        const x = ar[k];
        const y = b[k];
        if (y === undefined && x !== undefined) fail(`expected ${k} type to not be present`);
        if (y !== undefined && x === undefined) fail(`expected ${k} type, but found none`);
        if (x !== undefined && y !== undefined) wrap(`type mismatch in ${k} variant`, () => valSub(x, y, map, d));
      }
      return;
    }
    case "own":
    case "borrow":
      if (!sameResource((a as typeof b).resource, b.resource, map)) fail("resource types are not the same");
      return;
    case "future":
    case "stream": {
      const x = (a as typeof b).type;
      const y = b.type;
      if ((x === undefined) !== (y === undefined)) fail(`type mismatch in ${b.kind} payload`);
      if (x !== undefined && y !== undefined) valSub(x, y, map, d);
      return;
    }
  }
}

function wrap(context: string, f: () => void): void {
  try {
    f();
  } catch (e) {
    if (e instanceof TypeError_) throw new TypeError_(`${context}: ${e.message}`);
    throw e;
  }
}

export type FuncEntry = Entry & { kind: "func" };
export type InstanceEntry = Entry & { kind: "instance" };
export type ComponentEntry = Entry & { kind: "component" };

export function funcSub(a: FuncEntry, b: FuncEntry, map: ResourceMap): void {
  if (a.async !== b.async)
    fail(`expected ${b.async ? "async" : "sync"} function, found ${a.async ? "async" : "sync"} function`);
  if (a.params.length !== b.params.length) fail(`expected ${b.params.length} parameters, found ${a.params.length}`);
  b.params.forEach((p, i) => {
    const q = a.params[i]!;
    if (p.name.toLowerCase() !== q.name.toLowerCase())
      fail(`expected parameter named \`${p.name}\`, found \`${q.name}\``);
    wrap(`type mismatch in function parameter \`${p.name}\``, () => valSub(p.type, q.type, map));
  });
  if (b.result === undefined && a.result !== undefined) fail("expected no result, found one");
  if (b.result !== undefined && a.result === undefined) fail("expected a result, found none");
  if (a.result !== undefined && b.result !== undefined) {
    const x = a.result;
    const y = b.result;
    wrap("type mismatch with result type", () => valSub(x, y, map));
  }
}

/** An extern type at the component level. */
export interface ExternType {
  sort: "func" | "type" | "instance" | "component" | "core module" | "module" | "value";
  entry: Entry;
  module?: CoreModuleSig;
}

export function sortName(s: string): string {
  return s === "module" ? "core module" : s;
}

/** Core module signatures of `core module` externs in types (keyed by the extern). */
export const externModules = new WeakMap<object, CoreModuleSig>();

export function externSub(a: ExternType, b: ExternType, map: ResourceMap): void {
  const sa = sortName(a.sort);
  const sb = sortName(b.sort);
  if (sa !== sb) fail(`expected ${sb}, found ${sa}`);
  switch (sb) {
    case "func": {
      const fa = resolve(a.entry);
      const fb = resolve(b.entry);
      if (fa.kind === "func" && fb.kind === "func") funcSub(fa, fb, map);
      return;
    }
    case "type": {
      // A `(sub resource)` declaration on the expected side binds to the actual type.
      if (b.entry.kind === "resource" && b.entry.rep === undefined && !map.has(b.entry)) {
        const ra = resolve(a.entry);
        if (ra.kind !== "resource") fail("expected resource, found defined type");
        map.set(b.entry, ra);
        return;
      }
      definedSub(resolve(a.entry), resolve(b.entry), map);
      return;
    }
    case "instance": {
      const ia = resolve(a.entry);
      const ib = resolve(b.entry);
      if (ia.kind === "instance" && ib.kind === "instance") instanceSub(ia, ib, map);
      return;
    }
    case "component": {
      const ca = resolve(a.entry);
      const cb = resolve(b.entry);
      if (ca.kind === "component" && cb.kind === "component") componentSub(ca, cb, map);
      return;
    }
    case "core module":
      if (a.module && b.module) moduleSub(a.module, b.module);
      return;
  }
}

function externOf(x: Extern): ExternType {
  return { sort: x.sort, entry: x.entry, module: externModules.get(x) };
}

export function instanceSub(a: InstanceEntry, b: InstanceEntry, map: ResourceMap): void {
  if (a === b) return;
  for (const e of b.exports) {
    const x = a.exports.find((y) => y.name === e.name);
    if (!x) fail(`missing expected export \`${e.name}\``);
    wrap(`type mismatch in instance export \`${e.name}\``, () => externSub(externOf(x), externOf(e), map));
  }
}

export function componentSub(a: ComponentEntry, b: ComponentEntry, map: ResourceMap): void {
  if (a === b) return;
  // Imports are contravariant: what `a` imports, `b` must provide.
  const inner: ResourceMap = new Map(map);
  for (const i of a.imports) {
    const j = b.imports.find((y) => y.name === i.name);
    if (!j) fail(`missing expected import \`${i.name}\``);
    // Resources `a` imports bind to `b`'s.
    if (i.sort === "type" && i.entry.kind === "resource") {
      inner.set(i.entry, resolve(j.entry));
      continue;
    }
    wrap(`type mismatch in import \`${i.name}\``, () => externSub(externOf(j), externOf(i), inner));
  }
  for (const e of b.exports) {
    const x = a.exports.find((y) => y.name === e.name);
    if (!x) fail(`missing expected export \`${e.name}\``);
    wrap(`type mismatch in export \`${e.name}\``, () => externSub(externOf(x), externOf(e), inner));
  }
}

export function moduleSub(a: CoreModuleSig, b: CoreModuleSig): void {
  for (const i of a.imports) {
    const j = b.imports.find((y) => y.module === i.module && y.name === i.name);
    if (!j) fail(`missing expected import \`${i.module}::${i.name}\``);
    const m = coreExternMismatch(j.type, i.type);
    if (m) fail(`type mismatch in import \`${i.module}::${i.name}\`: ${m}`);
  }
  for (const [name, t] of b.exports) {
    const x = a.exports.get(name);
    if (!x) fail(`missing expected export \`${name}\``);
    const m = coreExternMismatch(x, t);
    if (m) fail(`type mismatch in export \`${name}\`: ${m}`);
  }
}

// ---------------------------------------------------------------------------
// Substitution

/** Rebuilds `e` with `map` applied to the resources (and other entries) it names. */
export function subst(e: Entry, map: Map<Entry, Entry>, memo = new Map<Entry, Entry>()): Entry {
  const m = map.get(e);
  if (m) return m;
  const done = memo.get(e);
  if (done) return done;
  memo.set(e, e); // cycles cannot occur, but guard anyway
  const sv = (v: ValType): ValType => (typeof v === "string" ? v : subst(v, map, memo));
  const so = (v: ValType | undefined): ValType | undefined => (v === undefined ? undefined : sv(v));
  let out: Entry = e;
  const b = bindings.get(e);
  if (b) {
    const t = subst(b, map, memo);
    out = t === b ? e : { kind: "eq", target: t };
  } else
    switch (e.kind) {
      case "eq": {
        const t = subst(e.target, map, memo);
        out = t === e.target ? e : { kind: "eq", target: t };
        break;
      }
      case "defined": {
        const d = e.def;
        let nd: typeof d = d;
        switch (d.kind) {
          case "record":
            nd = { ...d, fields: d.fields.map((f) => ({ name: f.name, type: sv(f.type) })) };
            break;
          case "variant":
            nd = { ...d, cases: d.cases.map((c) => ({ name: c.name, type: so(c.type) })) };
            break;
          case "tuple":
            nd = { ...d, types: d.types.map(sv) };
            break;
          case "list":
          case "option":
          case "fixed-length-list":
            nd = { ...d, type: sv(d.type) };
            break;
          case "map":
            nd = { ...d, key: sv(d.key), value: sv(d.value) };
            break;
          case "result":
            nd = { ...d, ok: so(d.ok), err: so(d.err) };
            break;
          case "own":
          case "borrow":
            nd = { ...d, resource: subst(d.resource, map, memo) };
            break;
          case "future":
          case "stream":
            nd = { ...d, type: so(d.type) };
            break;
        }
        out = changed(d, nd) ? { kind: "defined", def: nd } : e;
        break;
      }
      case "func": {
        const params = e.params.map((p) => ({ name: p.name, type: sv(p.type) }));
        const result = so(e.result);
        out =
          result !== e.result || params.some((p, i) => p.type !== e.params[i]!.type)
            ? { kind: "func", async: e.async, params, result }
            : e;
        break;
      }
      case "instance": {
        const exports = e.exports.map((x) => substExtern(x, map, memo));
        out = exports.some((x, i) => x !== e.exports[i]) ? { kind: "instance", exports } : e;
        break;
      }
      case "component": {
        const imports = e.imports.map((x) => substExtern(x, map, memo));
        const exports = e.exports.map((x) => substExtern(x, map, memo));
        out =
          imports.some((x, i) => x !== e.imports[i]) || exports.some((x, i) => x !== e.exports[i])
            ? { kind: "component", imports, exports }
            : e;
        break;
      }
    }
  memo.set(e, out);
  return out;
}

function changed(a: object, b: object): boolean {
  if (a === b) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  for (const k of Object.keys(y)) {
    const u = x[k];
    const v = y[k];
    if (Array.isArray(u) && Array.isArray(v)) {
      if (u.length !== v.length) return true;
      for (let i = 0; i < u.length; i++) {
        const p = u[i];
        const q = v[i];
        if (p === q) continue;
        if (typeof p === "object" && p && typeof q === "object" && q && !("kind" in p)) {
          if (changed(p, q)) return true;
        } else return true;
      }
    } else if (u !== v) return true;
  }
  return false;
}

function substExtern(x: Extern, map: Map<Entry, Entry>, memo: Map<Entry, Entry>): Extern {
  const entry = subst(x.entry, map, memo);
  if (entry === x.entry) return x;
  const out: Extern = { ...x, entry };
  const m = externModules.get(x);
  if (m) externModules.set(out, m);
  return out;
}

/** Resources an instance type declares fresh (`(export "r" (type (sub resource)))`), recursively. */
export function freshenInstance(inst: InstanceEntry, extra?: Set<Entry>): InstanceEntry {
  const map = new Map<Entry, Entry>();
  for (const x of inst.exports) {
    if (x.sort === "type" && x.entry.kind === "resource" && (x.entry.rep === undefined || extra?.has(x.entry))) {
      map.set(x.entry, { kind: "resource" });
    }
  }
  if (extra) for (const r of extra) if (!map.has(r)) map.set(r, { kind: "resource" });
  const memo = new Map<Entry, Entry>();
  const exports = inst.exports.map((x) => {
    if (x.sort === "instance") {
      const sub = subst(x.entry, map, memo);
      const r = resolve(sub);
      if (r.kind === "instance") {
        const f = freshenInstance(r);
        return f === x.entry ? x : copyExtern(x, f);
      }
      return sub === x.entry ? x : copyExtern(x, sub);
    }
    return substExtern(x, map, memo);
  });
  if (map.size === 0 && exports.every((x, i) => x === inst.exports[i])) return inst;
  return { kind: "instance", exports };
}

function copyExtern(x: Extern, entry: Entry): Extern {
  const out: Extern = { ...x, entry };
  const m = externModules.get(x);
  if (m) externModules.set(out, m);
  return out;
}

// ---------------------------------------------------------------------------
// Well-formedness of defined types

const checked = new WeakSet<Entry>();

function labels(what: string, prev: string, names: string[]): void {
  const seen = new Map<string, string>();
  for (const n of names) {
    if (n === "") fail(`${what} name cannot be empty`);
    if (!isKebab(n)) fail(`${what} name \`${n}\` is not in kebab case`);
    const k = n.toLowerCase();
    const p = seen.get(k);
    if (p !== undefined) fail(`${what} name \`${n}\` conflicts with previous ${prev} name \`${p}\``);
    seen.set(k, n);
  }
}

/** Checks a type definition entry (and the type entries it contains, once each). */
export function checkEntry(e: Entry): void {
  if (checked.has(e)) return;
  checked.add(e);
  switch (e.kind) {
    case "defined": {
      const d = e.def;
      switch (d.kind) {
        case "record":
          if (d.fields.length === 0) fail("record type must have at least one field");
          labels(
            "record field",
            "field",
            d.fields.map((f) => f.name),
          );
          break;
        case "variant":
          if (d.cases.length === 0) fail("variant type must have at least one case");
          if (d.cases.length > 0xffffffff) fail("variant type cannot be represented");
          labels(
            "variant case",
            "case",
            d.cases.map((c) => c.name),
          );
          break;
        case "tuple":
          if (d.types.length === 0) fail("tuple type must have at least one type");
          break;
        case "flags":
          if (d.names.length === 0) fail("flags must have at least one entry");
          if (d.names.length > 32) fail("cannot have more than 32 flags");
          labels("flag", "flag", d.names);
          break;
        case "enum":
          if (d.names.length === 0) fail("enum type must have at least one variant");
          labels("enum tag", "tag", d.names);
          break;
        case "fixed-length-list":
          if (d.size === 0) fail("Fixed size lists must have more than zero elements");
          break;
        case "map": {
          const k = norm(d.key);
          if (!("prim" in k) || k.prim === "f32" || k.prim === "f64" || k.prim === "error-context") {
            fail("map key type must be a primitive type other than float or error-context");
          }
          break;
        }
      }
      return;
    }
    case "func": {
      labels(
        "function parameter",
        "parameter",
        e.params.map((p) => p.name),
      );
      if (e.result !== undefined && containsBorrow(e.result)) fail("function result cannot contain a `borrow` type");
      return;
    }
    case "instance":
      for (const x of e.exports) checkEntry(x.entry);
      return;
    case "component":
      for (const x of e.imports) checkEntry(x.entry);
      for (const x of e.exports) checkEntry(x.entry);
      return;
  }
}

export function containsBorrow(v: ValType, depth = 0): boolean {
  if (typeof v === "string" || depth > 100) return false;
  const e = resolve(v);
  if (e.kind !== "defined") return false;
  const d = e.def;
  const c = (t: ValType | undefined) => t !== undefined && containsBorrow(t, depth + 1);
  switch (d.kind) {
    case "borrow":
      return true;
    case "record":
      return d.fields.some((f) => c(f.type));
    case "variant":
      return d.cases.some((x) => c(x.type));
    case "tuple":
      return d.types.some(c);
    case "list":
    case "option":
    case "fixed-length-list":
      return c(d.type);
    case "map":
      return c(d.key) || c(d.value);
    case "result":
      return c(d.ok) || c(d.err);
    default:
      return false;
  }
}

// ---------------------------------------------------------------------------
// External visibility ("named" types)

/** Whether every nominal type `v` reaches is in `named` (wasm-tools' `type_named_valtype`). */
export function namedVal(v: ValType, named: Set<Entry>, depth = 0): boolean {
  if (typeof v === "string" || depth > 100) return true;
  let e: Entry | undefined = v;
  while (e) {
    if (named.has(e)) return true;
    const n = step(e);
    if (!n) break;
    e = n;
  }
  e = e ?? v;
  if (e.kind === "resource") return false;
  if (e.kind !== "defined") return true;
  return namedDefined(e, named, depth, true);
}

function namedDefined(e: Entry & { kind: "defined" }, named: Set<Entry>, depth: number, nominal: boolean): boolean {
  const d = e.def;
  const c = (t: ValType | undefined) => t === undefined || namedVal(t, named, depth + 1);
  switch (d.kind) {
    case "primitive":
      return true;
    case "flags":
    case "enum":
      return !nominal;
    case "record":
      return !nominal && d.fields.every((f) => c(f.type));
    case "variant":
      return !nominal && d.cases.every((x) => c(x.type));
    case "tuple":
      return d.types.every(c);
    case "list":
    case "option":
    case "fixed-length-list":
      return c(d.type);
    case "map":
      return c(d.key) && c(d.value);
    case "result":
      return c(d.ok) && c(d.err);
    case "own":
    case "borrow":
      return resourceNamed(d.resource, named);
    case "future":
    case "stream":
      return c(d.type);
  }
}

function resourceNamed(r: Entry, named: Set<Entry>): boolean {
  let e: Entry | undefined = r;
  while (e) {
    if (named.has(e)) return true;
    e = step(e);
  }
  return false;
}

/** The contents of a type being named by an import or export must themselves be named. */
export function namedTypeContents(t: Entry, named: Set<Entry>): boolean {
  const e = resolve(t);
  switch (e.kind) {
    case "defined":
      return namedDefined(e, named, 0, false);
    case "func":
      return namedFunc(e, named);
    default:
      return true;
  }
}

export function namedFunc(f: FuncEntry, named: Set<Entry>): boolean {
  return f.params.every((p) => namedVal(p.type, named)) && (f.result === undefined || namedVal(f.result, named));
}

// ---------------------------------------------------------------------------
// Flattening (CanonicalABI.md, "Flattening")

export const MAX_FLAT_PARAMS = 16;
export const MAX_FLAT_RESULTS = 1;
export const MAX_FLAT_ASYNC_PARAMS = 4;

function join(a: string, b: string): string {
  if (a === b) return a;
  if ((a === "i32" && b === "f32") || (a === "f32" && b === "i32")) return "i32";
  return "i64";
}

/** The flat core types of a value type (`flatten_type`), up to `limit` + 1 of them. */
export function flatten(v: ValType, out: string[], limit: number): void {
  if (out.length > limit) return;
  const n = norm(v);
  if ("prim" in n) {
    switch (n.prim) {
      case "s64":
      case "u64":
        out.push("i64");
        return;
      case "f32":
        out.push("f32");
        return;
      case "f64":
        out.push("f64");
        return;
      case "string":
        out.push("i32", "i32");
        return;
      default:
        out.push("i32");
        return;
    }
  }
  const e = n.entry;
  if (e.kind !== "defined") {
    out.push("i32");
    return;
  }
  const d = e.def;
  switch (d.kind) {
    case "list":
    case "map":
      out.push("i32", "i32");
      return;
    case "fixed-length-list":
      for (let i = 0; i < d.size && out.length <= limit; i++) flatten(d.type, out, limit);
      return;
    case "record":
      for (const f of d.fields) flatten(f.type, out, limit);
      return;
    case "tuple":
      for (const t of d.types) flatten(t, out, limit);
      return;
    case "flags":
      out.push("i32");
      return;
    case "enum":
    case "own":
    case "borrow":
    case "future":
    case "stream":
      out.push("i32");
      return;
    case "variant":
    case "option":
    case "result": {
      const cases: (ValType | undefined)[] =
        d.kind === "variant" ? d.cases.map((c) => c.type) : d.kind === "option" ? [undefined, d.type] : [d.ok, d.err];
      const flat: string[] = [];
      for (const c of cases) {
        if (c === undefined) continue;
        const f: string[] = [];
        flatten(c, f, limit);
        f.forEach((t, i) => {
          flat[i] = i < flat.length ? join(flat[i]!, t) : t;
        });
      }
      out.push("i32", ...flat);
      return;
    }
    case "primitive":
      out.push("i32");
      return;
  }
}

/** Whether a value type contains a string or a list (needs memory to pass). */
export function containsPtr(v: ValType, depth = 0): boolean {
  const n = norm(v);
  if ("prim" in n) return n.prim === "string";
  const e = n.entry;
  if (e.kind !== "defined" || depth > 100) return false;
  const d = e.def;
  const c = (t: ValType | undefined) => t !== undefined && containsPtr(t, depth + 1);
  switch (d.kind) {
    case "list":
    case "map":
      return true;
    case "record":
      return d.fields.some((f) => c(f.type));
    case "variant":
      return d.cases.some((x) => c(x.type));
    case "tuple":
      return d.types.some(c);
    case "option":
    case "fixed-length-list":
      return c(d.type);
    case "result":
      return c(d.ok) || c(d.err);
    default:
      return false;
  }
}

/** Whether `v` names a `char` payload of a stream (not allowed). */
export function isChar(v: ValType | undefined): boolean {
  if (v === undefined) return false;
  const n = norm(v);
  return "prim" in n && n.prim === "char";
}

/** Maximum flat value size check (the `max-value-size` rule is not implemented). */
export { norm };
