/**
 * Rules on imports and exports: extern names checked against the types they
 * name (`[constructor]`, `[method]`, `[static]`, `implements`, version
 * suffixes), strong uniqueness inside component and instance types, external
 * visibility of types, and which resources outer aliases may carry.
 */
import { forEachDefinedChild, type Entry, type Extern, type NameAttrs, type ValType } from "../decode/binary.js";
import { ComponentValidationError } from "../validate-component.js";
import { NameError, nameKey, parseName, versionError, type ParsedName } from "./names.js";
import {
  bindings,
  namedFunc,
  namedTypeContents,
  resolve,
  type ComponentEntry,
  type ExternType,
  type FuncEntry,
  type InstanceEntry,
} from "./types.js";

function fail(reason: string, offset: number): never {
  throw new ComponentValidationError(reason, offset);
}

/** Names of resources in one import or export context, for `[method]r.m` and friends. */
export class NameContext {
  readonly resourceNames = new Map<Entry, string>();
  readonly allNames = new Set<string>();
  readonly keys = new Map<string, string>();
  readonly strings = new Set<string>();

  register(name: string, resource: Entry): void {
    this.resourceNames.set(resource, name);
    this.allNames.add(name);
  }
}

export function abiList(types: string[]): string {
  return `[${types.map((t) => t.toUpperCase()).join(", ")}]`;
}

export function externSort(s: string): Extern["sort"] {
  return (s === "core module" ? "module" : s) as Extern["sort"];
}

export function descOf(t: ExternType): string {
  return t.sort === "core module" || t.sort === "module" ? "module" : t.sort;
}

/** Whether a type reaches a resource it does not declare itself (outer aliases may not carry them). */
export function refersToResources(t: Entry): boolean {
  const declared = new Set<Entry>();
  const seen = new Set<Entry>();
  let found = false;
  const visitVal = (v: ValType | undefined): void => {
    if (v === undefined || typeof v === "string" || found) return;
    visit(v);
  };
  const visitExterns = (xs: Extern[]): void => {
    for (const x of xs) if (x.sort === "type" && x.entry.kind === "resource") declared.add(x.entry);
    for (const x of xs) visit(x.entry);
  };
  const visit = (e: Entry): void => {
    if (found || seen.has(e)) return;
    seen.add(e);
    const b = bindings.get(e);
    if (b) return visit(b);
    switch (e.kind) {
      case "eq":
        return visit(e.target);
      case "resource":
        if (!declared.has(e)) found = true;
        return;
      case "defined":
        return forEachDefinedChild(e.def, visitVal, visit);
      case "func":
        e.params.forEach((p) => visitVal(p.type));
        return visitVal(e.result);
      case "instance":
        return visitExterns(e.exports);
      case "component":
        visitExterns(e.imports);
        return visitExterns(e.exports);
      default:
        return;
    }
  };
  // Resources declared by component types and instance types are their own.
  visit(t);
  return found;
}

export function collectResources(fresh: Entry, old: Entry, into: Set<Entry>): void {
  if (fresh.kind !== "instance" || old.kind !== "instance") return;
  fresh.exports.forEach((x, i) => {
    const o = old.exports[i];
    if (!o || x.entry === o.entry) return;
    if (x.sort === "type" && x.entry.kind === "resource") into.add(x.entry);
    if (x.sort === "instance") collectResources(resolve(x.entry), resolve(o.entry), into);
  });
}

/** Validates one extern name with its attributes and type; returns the parsed name. */
export function checkExternName(
  name: string,
  attrs: NameAttrs,
  t: ExternType,
  kind: "import" | "export",
  cx: NameContext,
  offset: number,
): ParsedName {
  let parsed: ParsedName;
  try {
    parsed = parseName(name);
  } catch (e) {
    if (e instanceof NameError) fail(`${kind} name \`${name}\` is not a valid extern name: ${e.message}`, offset);
    throw e;
  }
  if (kind === "export" && (parsed.kind === "dependency" || parsed.kind === "url" || parsed.kind === "hash")) {
    fail(`name \`${name}\` is not a valid export name`, offset);
  }
  if (attrs.implements !== undefined) {
    if (parsed.kind !== "label") fail(`name \`${name}\` is not valid with \`implements\``, offset);
    if (t.sort !== "instance") fail("only instances can have an `implements`", offset);
    let impl: ParsedName;
    try {
      impl = parseName(attrs.implements);
    } catch (e) {
      if (e instanceof NameError) fail(`\`${attrs.implements}\` is not a valid name: ${e.message}`, offset);
      throw e;
    }
    if (impl.kind !== "interface") fail(`name \`${attrs.implements}\` must be an interface`, offset);
  }
  if (attrs.versionSuffix !== undefined && t.sort !== "instance") {
    fail("only instances can have an `versionsuffix`", offset);
  }
  const invalid = (reason: string): never => fail(`${kind} name \`${name}\` is not valid: ${reason}`, offset);
  const func = (): FuncEntry => {
    const f = resolve(t.entry);
    if (t.sort !== "func" || f.kind !== "func") invalid("item is not a func");
    return f as FuncEntry;
  };
  const resourceName = (r: Entry, expected: string): void => {
    const n = cx.resourceNames.get(r);
    if (n === undefined) invalid("resource used in function does not have a name in this context");
    if (n !== expected) invalid(`function does not match expected resource name \`${n}\``);
  };
  const handle = (v: ValType | undefined, kind: "own" | "borrow"): Entry | undefined => {
    if (v === undefined || typeof v === "string") return undefined;
    let e: Entry = v;
    // Follow eq links only to reach the handle definition, keeping the resource alias as written.
    e = resolve(e);
    if (e.kind === "defined" && e.def.kind === kind) return e.def.resource;
    return undefined;
  };
  switch (parsed.kind) {
    case "interface": {
      const err = versionError(parsed, attrs.versionSuffix);
      if (err) fail(err, offset);
      break;
    }
    case "constructor": {
      const f = func();
      if (f.async) invalid("constructor function cannot be async");
      if (f.result === undefined) invalid("function should return one value");
      let r = handle(f.result, "own");
      if (!r && typeof f.result !== "string") {
        const e = resolve(f.result as Entry);
        if (e.kind === "defined" && e.def.kind === "result" && e.def.ok !== undefined) r = handle(e.def.ok, "own");
      }
      if (!r) invalid("function should return `(own $T)` or `(result (own $T))`");
      resourceName(r!, parsed.resource);
      break;
    }
    case "method": {
      const f = func();
      if (f.params.length === 0) invalid("function should have at least one argument");
      const p = f.params[0]!;
      if (p.name !== "self") invalid("function should have a first argument called `self`");
      const r = handle(p.type, "borrow");
      if (!r) invalid("function should take a first argument of `(borrow $T)`");
      resourceName(r!, parsed.resource);
      break;
    }
    case "static":
      func();
      if (!cx.allNames.has(parsed.resource)) invalid("static resource name is not known in this context");
      break;
  }
  return parsed;
}

/** Name rules inside a component or instance type's declarations. */
export function checkTypeNames(e: ComponentEntry | InstanceEntry, offset: number): void {
  const check = (xs: Extern[], kind: "import" | "export") => {
    const keys = new Map<string, string>();
    const cx = new NameContext();
    const strings = new Set<string>();
    for (const x of xs) {
      const t: ExternType = { sort: x.sort, entry: x.entry };
      const parsed = checkExternName(x.name, x.attrs, t, kind, cx, offset);
      const key = nameKey(parsed);
      const prev = keys.get(key);
      if (prev !== undefined) fail(`${kind} name \`${x.name}\` conflicts with previous name \`${prev}\``, offset);
      keys.set(key, x.name);
      if (strings.has(x.name)) fail(`${kind} name \`${x.name}\` conflicts with previous name \`${x.name}\``, offset);
      strings.add(x.name);
      if (x.sort === "type" && resolve(x.entry).kind === "resource") cx.register(x.name, x.entry);
      const inner = resolve(x.entry);
      if (
        (x.sort === "instance" || x.sort === "component") &&
        (inner.kind === "instance" || inner.kind === "component")
      ) {
        checkTypeNames(inner, offset);
      }
    }
  };
  if (e.kind === "component") check(e.imports, "import");
  check(e.exports, "export");
  if (e.kind === "component") {
    const importNamed = new Set<Entry>();
    const exportNamed = new Set<Entry>();
    for (const x of e.imports) {
      if (!registerNamed({ sort: x.sort, entry: x.entry }, "import", importNamed, exportNamed)) {
        fail(`${descOf(x)} not valid to be used as import`, offset);
      }
    }
    for (const x of e.exports) {
      if (!registerNamed({ sort: x.sort, entry: x.entry }, "export", importNamed, exportNamed)) {
        fail(`${descOf(x)} not valid to be used as export`, offset);
      }
    }
  }
}

/** External visibility: what an import or export names must itself be named; registers new names. */
export function registerNamed(
  t: ExternType,
  kind: "import" | "export",
  importNamed: Set<Entry>,
  exportNamed: Set<Entry>,
): boolean {
  const set = kind === "import" ? importNamed : exportNamed;
  switch (t.sort) {
    case "type": {
      if (!namedTypeContents(t.entry, set)) return false;
      exportNamed.add(t.entry);
      if (kind === "import") importNamed.add(t.entry);
      return true;
    }
    case "func": {
      const f = resolve(t.entry);
      return f.kind !== "func" || namedFunc(f, set);
    }
    case "instance": {
      const inst = resolve(t.entry);
      if (inst.kind !== "instance") return true;
      return inst.exports.every((x) => registerNamed({ sort: x.sort, entry: x.entry }, kind, importNamed, exportNamed));
    }
    default:
      return true;
  }
}
