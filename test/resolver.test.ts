/**
 * Unit tests of name resolution and validation (the port of wit-parser's
 * `ast/resolve.rs` and `resolve/mod.rs`), through the public API.
 *
 * Expected error messages and locations are wit-parser's; where a test shows
 * that we differ, it is kept as `it.fails` with a note (none at present).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import {
  loadWitPath,
  loadWitText,
  renderDiagnostics,
  resolveToJson,
  type Diagnostic,
  type Function,
  type Interface,
  type InterfaceId,
  type LoadOptions,
  type LoadResult,
  type Resolve,
  type Type,
  type TypeDef,
  type TypeDefKind,
  type TypeId,
  type World,
} from "../index.js";

const FILE = "test.wit";

type Loaded = Extract<LoadResult, { ok: true }>;

function load(text: string, opts: LoadOptions = {}): LoadResult {
  return loadWitText(text, { fileName: FILE, ...opts });
}

function ok(text: string, opts: LoadOptions = {}): Loaded {
  const r = load(text, opts);
  if (!r.ok) throw new Error(`unexpected failure:\n${renderDiagnostics(r.diagnostics)}`);
  return r;
}

function fail(text: string, opts: LoadOptions = {}): Diagnostic {
  const r = load(text, opts);
  if (r.ok) throw new Error("expected the input to be rejected");
  return r.diagnostics[0];
}

/** 1-based line and column of the `nth` occurrence of `needle` in `text` (ASCII text only). */
function at(text: string, needle: string, nth = 0): { line: number; column: number } {
  let idx = -1;
  for (let i = 0; i <= nth; i++) {
    idx = text.indexOf(needle, idx + 1);
    if (idx === -1) throw new Error(`\`${needle}\` (#${nth}) not found in test input`);
  }
  const before = text.slice(0, idx);
  return { line: before.split("\n").length, column: idx - before.lastIndexOf("\n") };
}

/**
 * Checks wit-parser's message and that the error points at the `nth`
 * occurrence of `needle` (when given).
 */
function expectError(
  text: string,
  message: string,
  needle?: string | [string, number],
  opts: LoadOptions = {},
): Diagnostic {
  const d = fail(text, opts);
  expect(d.message).toBe(message);
  if (needle !== undefined) {
    const [n, nth] = typeof needle === "string" ? [needle, 0] : needle;
    expect(d.location).toEqual({ path: FILE, ...at(text, n, nth) });
  }
  return d;
}

function iface(r: Loaded, name: string, pkg = r.package): Interface & { id: InterfaceId } {
  const id = r.resolve.packages[pkg].interfaces.get(name);
  if (id === undefined) throw new Error(`no interface ${name}`);
  return { ...r.resolve.interfaces[id], id };
}

function world(r: Loaded, name: string, pkg = r.package): World & { id: number } {
  const id = r.resolve.packages[pkg].worlds.get(name);
  if (id === undefined) throw new Error(`no world ${name}`);
  return { ...r.resolve.worlds[id], id };
}

function typeIn(r: Loaded, i: Interface, name: string): TypeDef & { id: TypeId } {
  const id = i.types.get(name);
  if (id === undefined) throw new Error(`no type ${name}`);
  return { ...r.resolve.types[id], id };
}

function func(i: Interface, name: string): Function {
  const f = i.functions.get(name);
  if (!f) throw new Error(`no function ${name}; have ${[...i.functions.keys()].join(", ")}`);
  return f;
}

function def(r: Loaded, t: Type | undefined): TypeDef {
  if (typeof t !== "number") throw new Error(`expected a type id, got ${String(t)}`);
  return r.resolve.types[t];
}

function importNames(r: Loaded, w: World): string[] {
  return [...w.imports.values()].map((e) => r.resolve.nameWorldKey(e.key));
}

function exportNames(r: Loaded, w: World): string[] {
  return [...w.exports.values()].map((e) => r.resolve.nameWorldKey(e.key));
}

function packageId(r: Loaded, name: string): number {
  const id = r.resolve.packageNames.get(name);
  if (id === undefined) throw new Error(`no package ${name}`);
  return id;
}

/** The fields of a plain `major.minor.patch` version, as the IR stores them. */
function v(version: string): { major: string; minor: string; patch: string } {
  const [major, minor, patch] = version.split(".");
  return { major, minor, patch };
}

/** The type ids a type definition refers to directly. */
function referencedTypes(kind: TypeDefKind): TypeId[] {
  const all: (Type | undefined)[] = [];
  switch (kind.kind) {
    case "record":
      all.push(...kind.fields.map((f) => f.type));
      break;
    case "handle":
      all.push(kind.resource);
      break;
    case "tuple":
      all.push(...kind.types);
      break;
    case "variant":
      all.push(...kind.cases.map((c) => c.type));
      break;
    case "option":
    case "list":
    case "fixed-length-list":
    case "future":
    case "stream":
    case "type":
      all.push(kind.type);
      break;
    case "result":
      all.push(kind.ok, kind.err);
      break;
    case "map":
      all.push(kind.key, kind.value);
      break;
  }
  return all.filter((t): t is TypeId => typeof t === "number");
}

function expectTopologicalTypes(resolve: Resolve): void {
  resolve.types.forEach((t, id) => {
    for (const dep of referencedTypes(t.kind)) expect(dep, `type ${id} (${t.name}) refers to ${dep}`).toBeLessThan(id);
  });
}

/** Creates a temporary directory tree, runs `f` on it and removes it. */
function withDir<T>(files: Record<string, string>, f: (dir: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "witx-resolver-"));
  try {
    for (const [name, contents] of Object.entries(files)) {
      const p = path.join(dir, name);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, contents);
    }
    return f(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function okPath(dir: string, opts: LoadOptions = {}): Loaded {
  const r = loadWitPath(dir, opts);
  if (!r.ok) throw new Error(`unexpected failure:\n${renderDiagnostics(r.diagnostics)}`);
  return r;
}

function failPath(dir: string, opts: LoadOptions = {}): Diagnostic {
  const r = loadWitPath(dir, opts);
  if (r.ok) throw new Error("expected the input to be rejected");
  return r.diagnostics[0];
}

// ---------------------------------------------------------------------------

describe("type definitions", () => {
  const kinds = `package t:kinds;

interface all {
  record r { a: u32, b: string }
  flags f { x, y }
  variant v { none, some(u32) }
  enum e { a, b }
  resource res;
  type t = tuple<u32, string>;
  type o = option<u32>;
  type rs = result<u32, string>;
  type l = list<u8>;
  type fl = list<u8, 4>;
  type m = map<string, u32>;
  type fu = future<u32>;
  type st = stream<u8>;
  type ow = own<res>;
  type bo = borrow<res>;
  type al = r;
  type prim = u64;
  type ec = error-context;
  type fu0 = future;
  type st0 = stream;
  type r0 = result;
  type r1 = result<_, string>;
  type r2 = result<u32>;
}
`;

  it("resolves every kind of type definition", () => {
    const r = ok(kinds);
    const i = iface(r, "all");
    const kind = (n: string) => typeIn(r, i, n).kind;
    expect(kind("r")).toMatchObject({
      kind: "record",
      fields: [
        { name: "a", type: "u32" },
        { name: "b", type: "string" },
      ],
    });
    expect(kind("f")).toMatchObject({ kind: "flags", flags: [{ name: "x" }, { name: "y" }] });
    expect(kind("v")).toMatchObject({
      kind: "variant",
      cases: [
        { name: "none", type: undefined },
        { name: "some", type: "u32" },
      ],
    });
    expect(kind("e")).toMatchObject({ kind: "enum", cases: [{ name: "a" }, { name: "b" }] });
    expect(kind("res")).toEqual({ kind: "resource" });
    expect(kind("t")).toEqual({ kind: "tuple", types: ["u32", "string"] });
    expect(kind("o")).toEqual({ kind: "option", type: "u32" });
    expect(kind("rs")).toEqual({ kind: "result", ok: "u32", err: "string" });
    expect(kind("l")).toEqual({ kind: "list", type: "u8" });
    expect(kind("fl")).toEqual({ kind: "fixed-length-list", type: "u8", size: 4 });
    expect(kind("m")).toEqual({ kind: "map", key: "string", value: "u32" });
    expect(kind("fu")).toEqual({ kind: "future", type: "u32" });
    expect(kind("st")).toEqual({ kind: "stream", type: "u8" });
    const res = typeIn(r, i, "res").id;
    expect(kind("ow")).toEqual({ kind: "handle", handle: "own", resource: res });
    expect(kind("bo")).toEqual({ kind: "handle", handle: "borrow", resource: res });
    expect(kind("al")).toEqual({ kind: "type", type: typeIn(r, i, "r").id });
    expect(kind("prim")).toEqual({ kind: "type", type: "u64" });
    expect(kind("ec")).toEqual({ kind: "type", type: "error-context" });
    expect(kind("fu0")).toEqual({ kind: "future", type: undefined });
    expect(kind("st0")).toEqual({ kind: "stream", type: undefined });
    expect(kind("r0")).toEqual({ kind: "result", ok: undefined, err: undefined });
    expect(kind("r1")).toEqual({ kind: "result", ok: undefined, err: "string" });
    expect(kind("r2")).toEqual({ kind: "result", ok: "u32", err: undefined });
  });

  it("gives named types their name, owner and package", () => {
    const r = ok(kinds);
    const i = iface(r, "all");
    for (const [name, id] of i.types) {
      expect(r.resolve.types[id].name).toBe(name);
      expect(r.resolve.types[id].owner).toEqual({ kind: "interface", id: i.id });
    }
    expect(i.package).toBe(r.package);
    expect(r.resolve.packages[r.package].name).toMatchObject({ namespace: "t", name: "kinds", version: undefined });
  });

  it("de-duplicates structurally equal anonymous types across a package", () => {
    const r = ok(`package a:b;
interface i {
  type named = list<u32>;
  f: func(x: list<u32>, y: option<list<u32>>) -> option<list<u32>>;
  g: func(x: tuple<u32, string>) -> tuple<u32, string>;
  h: func(x: result<u32, string>, y: result<u32, string>, z: result<u32>);
}
interface j {
  k: func() -> list<u32>;
}
`);
    const i = iface(r, "i");
    const f = func(i, "f");
    const g = func(i, "g");
    const h = func(i, "h");
    expect(def(r, f.params[0].type)).toMatchObject({
      name: undefined,
      owner: { kind: "none" },
      kind: { kind: "list", type: "u32" },
    });
    expect(f.params[1].type).toBe(f.result);
    expect(def(r, f.result)).toMatchObject({ kind: { kind: "option", type: f.params[0].type } });
    expect(g.params[0].type).toBe(g.result);
    expect(h.params[0].type).toBe(h.params[1].type);
    expect(h.params[2].type).not.toBe(h.params[0].type);
    expect(func(iface(r, "j"), "k").result).toBe(f.params[0].type);
    // The named `type named = list<u32>` is a separate definition.
    expect(typeIn(r, i, "named").id).not.toBe(f.params[0].type);
    const anonLists = r.resolve.types.filter(
      (t) => t.name === undefined && t.kind.kind === "list" && t.kind.type === "u32",
    );
    expect(anonLists).toHaveLength(1);
  });

  it("orders types topologically: a type only refers to earlier ones", () => {
    const r = ok(`package a:b;
interface i {
  record outer { inner: middle, leaves: list<leaf> }
  type middle = option<leaf>;
  variant leaf { a(tuple<u8, string>), b }
  type z = u32;
  type y = u32;
}
`);
    expectTopologicalTypes(r.resolve);
    const i = iface(r, "i");
    // Dependencies first; otherwise source order.
    expect([...i.types.keys()]).toEqual(["leaf", "middle", "outer", "z", "y"]);
    const ids = ["leaf", "middle", "outer"].map((n) => typeIn(r, i, n).id);
    expect(ids[0]).toBeLessThan(ids[1]);
    expect(ids[1]).toBeLessThan(ids[2]);
  });

  it("orders interfaces so that used interfaces come first", () => {
    const r = ok(`package a:b;
interface c { use b.{t}; }
interface b { use a.{t}; }
interface a { type t = u32; }
`);
    expect(r.resolve.interfaces.map((i) => i.name)).toEqual(["a", "b", "c"]);
    expectTopologicalTypes(r.resolve);
  });

  it("resolves functions, their parameters and results", () => {
    const r = ok(`package a:b;
interface i {
  record point { x: s32, y: s32 }
  none: func();
  two: func(a: u32, b: point) -> string;
  tup: func() -> tuple<u32, u32>;
  later: async func(p: point) -> option<point>;
}
`);
    const i = iface(r, "i");
    expect([...i.functions.keys()]).toEqual(["none", "two", "tup", "later"]);
    expect(func(i, "none")).toMatchObject({
      name: "none",
      kind: { kind: "freestanding" },
      params: [],
      result: undefined,
    });
    const two = func(i, "two");
    expect(two.params.map((p) => [p.name, p.type])).toEqual([
      ["a", "u32"],
      ["b", typeIn(r, i, "point").id],
    ]);
    expect(two.result).toBe("string");
    expect(def(r, func(i, "tup").result).kind).toEqual({ kind: "tuple", types: ["u32", "u32"] });
    const later = func(i, "later");
    expect(later.kind).toEqual({ kind: "async-freestanding" });
    expect(def(r, later.result).kind).toEqual({ kind: "option", type: typeIn(r, i, "point").id });
  });

  it("keeps documentation comments", () => {
    const r = ok(`package a:b;
/// The interface.
interface i {
  /// A type.
  /// Second line.
  type t = u32;
  /** A function. */
  f: func();
}
`);
    const i = iface(r, "i");
    expect(i.docs.contents).toBe("The interface.");
    expect(typeIn(r, i, "t").docs.contents).toBe("A type.\nSecond line.");
    expect(func(i, "f").docs.contents).toBe("A function.");
  });

  it("resolves types defined in a world", () => {
    const r = ok(`package a:b;
world w {
  import f: func(x: r) -> e;
  record r { a: u32 }
  enum e { one, two }
}
`);
    const w = world(r, "w");
    expect(importNames(r, w)).toEqual(["r", "e", "f"]);
    const rEntry = w.imports.get("n:r")!;
    expect(rEntry.item.kind).toBe("type");
    const rId = (rEntry.item as { id: TypeId }).id;
    expect(r.resolve.types[rId]).toMatchObject({
      name: "r",
      owner: { kind: "world", id: w.id },
      kind: { kind: "record" },
    });
    const f = (w.imports.get("n:f")!.item as { func: Function }).func;
    expect(f.params[0].type).toBe(rId);
  });
});

// ---------------------------------------------------------------------------

describe("use", () => {
  it("brings a type of another interface in the same file into scope", () => {
    const r = ok(`package a:b;
interface types { type t = u32; }
interface api {
  use types.{t};
  f: func(x: t);
}
`);
    const types = iface(r, "types");
    const api = iface(r, "api");
    const used = typeIn(r, api, "t");
    expect(used.kind).toEqual({ kind: "type", type: typeIn(r, types, "t").id });
    expect(used.owner).toEqual({ kind: "interface", id: api.id });
    expect(func(api, "f").params[0].type).toBe(used.id);
  });

  it("renames with `as`", () => {
    const r = ok(`package a:b;
interface types { type t = u32; record pt { x: u32 } }
interface api {
  use types.{t as count, pt};
  f: func(x: count) -> pt;
}
`);
    const api = iface(r, "api");
    expect([...api.types.keys()]).toEqual(["count", "pt"]);
    expect(typeIn(r, api, "count")).toMatchObject({
      name: "count",
      kind: { kind: "type", type: typeIn(r, iface(r, "types"), "t").id },
    });
    expect(api.types.has("t")).toBe(false);
  });

  it("follows chains of uses through several interfaces", () => {
    const r = ok(`package a:b;
interface c { use b.{t as t3}; }
interface b { use a.{t}; }
interface a { type t = u32; }
`);
    const t3 = typeIn(r, iface(r, "c"), "t3");
    const tb = def(r, (t3.kind as { type: Type }).type);
    expect(tb).toMatchObject({ name: "t", owner: { kind: "interface", id: iface(r, "b").id } });
    expect(def(r, (tb.kind as { type: Type }).type)).toMatchObject({ name: "t", kind: { kind: "type", type: "u32" } });
  });

  it("resolves a top-level `use ... as` alias of a local interface", () => {
    const r = ok(`package a:b;
use types as alias;
interface types { type t = u32; }
interface api { use alias.{t}; }
world w { import alias; }
`);
    const types = iface(r, "types");
    expect(typeIn(r, iface(r, "api"), "t").kind).toEqual({ kind: "type", type: typeIn(r, types, "t").id });
    // An alias names the interface itself, not a new one.
    expect(r.resolve.interfaces.filter((i) => i.name !== undefined)).toHaveLength(2);
    expect(importNames(r, world(r, "w"))).toEqual(["a:b/types"]);
  });

  it("resolves a top-level `use` of another package's interface", () => {
    const r = ok(`package a:main;
package a:dep { interface types { type t = u32; } }
use a:dep/types as dt;
interface api { use dt.{t}; }
`);
    const dep = packageId(r, "a:dep");
    expect(typeIn(r, iface(r, "api"), "t").kind).toEqual({
      kind: "type",
      type: typeIn(r, iface(r, "types", dep), "t").id,
    });
  });

  it("uses types across the files of a directory package", () => {
    withDir(
      {
        "a.wit": "package x:y;\ninterface a { type t = u32; }\n",
        "b.wit": "interface b {\n  use a.{t};\n  f: func() -> t;\n}\n",
      },
      (dir) => {
        const r = okPath(dir);
        expect(r.resolve.packages[r.package].name).toMatchObject({ namespace: "x", name: "y" });
        expect(typeIn(r, iface(r, "b"), "t").kind).toEqual({ kind: "type", type: typeIn(r, iface(r, "a"), "t").id });
      },
    );
  });

  it("uses types from a package in deps/", () => {
    withDir(
      {
        "root.wit": "package x:main;\ninterface i {\n  use dep:types/t.{x as dx};\n  f: func() -> dx;\n}\n",
        "deps/dep/t.wit": "package dep:types;\ninterface t { type x = u32; }\n",
      },
      (dir) => {
        const r = okPath(dir);
        const dep = packageId(r, "dep:types");
        expect(dep).toBeLessThan(r.package);
        const dx = typeIn(r, iface(r, "i"), "dx");
        expect(dx.kind).toEqual({ kind: "type", type: typeIn(r, iface(r, "t", dep), "x").id });
        expectTopologicalTypes(r.resolve);
      },
    );
  });

  it("uses types from a versioned single-file dependency", () => {
    withDir(
      {
        "root.wit":
          "package x:main;\ninterface i {\n  use dep:types/t@1.2.0.{x};\n}\nworld w { import dep:types/t@1.2.0; }\n",
        "deps/types.wit": "package dep:types@1.2.0;\ninterface t { type x = u32; }\n",
      },
      (dir) => {
        const r = okPath(dir);
        const dep = packageId(r, "dep:types@1.2.0");
        expect(r.resolve.packages[dep].name.version).toMatchObject(v("1.2.0"));
        expect(importNames(r, world(r, "w"))).toEqual(["dep:types/t@1.2.0"]);
      },
    );
  });

  it("does not share a file's top-level `use` with other files", () => {
    withDir(
      {
        "bar.wit": "use bar as bar-renamed;\n",
        "foo.wit": "package foo:foo;\n\nuse bar-renamed;\n\ninterface bar {}\n",
      },
      (dir) => {
        const d = failPath(dir);
        // wit-parser: tests/ui/parse-fail/no-access-to-sibling-use
        expect(d.message).toBe("interface or world `bar-renamed` does not exist");
        expect(d.location).toEqual({ path: path.join(dir, "foo.wit"), line: 3, column: 5 });
        expect(d.contexts).toEqual([
          `failed to resolve directory while parsing WIT for path [${dir}]`,
          `failed to parse package: ${dir}`,
        ]);
      },
    );
  });

  it("lets a `use` listed after a type of the same name replace it, as wit-parser does", () => {
    // wit-parser's `resolve_types` records the `use` over the definition
    // without complaint when the definition comes first.
    const r = ok(`package a:b;
interface i { type t = u32; }
interface j {
  type t = string;
  use i.{t};
}
`);
    expect(typeIn(r, iface(r, "j"), "t").kind).toEqual({ kind: "type", type: typeIn(r, iface(r, "i"), "t").id });
  });
});

// ---------------------------------------------------------------------------

describe("use errors", () => {
  it("rejects a use of a missing interface or name, of a function and from a world", () => {
    const src = "package foo:foo;\n\ninterface bar {}\n\ninterface foo {\n  use bar.{x};\n}\n";
    expectError(src, "name `x` does not exist", "x}");
    expectError(
      "package foo:foo;\n\ninterface bar { x: func(); }\n\ninterface foo {\n  use bar.{x};\n}\n",
      "cannot import function `x`",
      "x}",
    );
    expectError(
      "package foo:foo;\n\nworld foo {}\n\ninterface bar {\n  use foo.{i32};\n}\n",
      "name `foo` is defined as a world, not an interface",
      "foo.{",
    );
    const missingIface = "package foo:foo;\n\ninterface foo {\n  use bar.{x};\n}\n";
    expectError(missingIface, "interface or world `bar` does not exist", "bar");
  });

  it("rejects a used name defined twice, by a use, a type or a function", () => {
    const src = "package foo:foo;\ninterface foo { type x = u32; }\ninterface bar {\n  use foo.{x, x};\n}\n";
    expectError(src, "name `x` is defined more than once", ["x", 2]);
    expectError(
      "package foo:foo;\ninterface foo { type x = u32; }\ninterface bar {\n  use foo.{x};\n  type x = s64;\n}\n",
      "name `x` is defined more than once",
      "x = s64",
    );
    expectError(
      "package foo:foo;\ninterface foo { type x = u32; }\ninterface bar {\n  use foo.{x};\n  x: func();\n}\n",
      "name `x` is defined more than once",
      "x: func",
    );
  });

  it("rejects interfaces that use themselves or each other", () => {
    const src = "package foo:foo;\n\ninterface foo {\n  use foo.{x};\n  type x = u32;\n}\n";
    // The span is the definition of the interface, as in wit-parser's use-cycle1.
    expectError(src, "interface or world `foo` depends on itself", "foo {");
    const mutual = `package foo:foo;

interface foo {
  use bar.{y};
  type x = u32;
}

interface bar {
  use foo.{x};
  type y = u32;
}
`;
    expectError(mutual, "interface or world `bar` depends on itself", "bar {");
  });

  it("rejects a top-level use of a missing interface or clashing with an interface", () => {
    const src = "package foo:foo;\n\nuse bar as foo;\n";
    expectError(src, "interface or world `bar` does not exist", "bar");
    const clash = "package foo:foo;\n\nuse foo as bar;\n\ninterface foo {}\n\ninterface bar {}\n";
    expectError(clash, "duplicate name `bar` in this file", "bar {}");
  });

  it("rejects a use of a missing interface or type of another package", () => {
    const src = `package foo:root;
package foo:bar { interface baz {} }
interface i {
  use foo:bar/nonexistent.{};
}
`;
    expectError(src, "interface 'nonexistent' not found in package 'foo:bar'", "nonexistent");
    const missingType = `package foo:root;
package foo:bar { interface baz {} }
interface i {
  use foo:bar/baz.{a-name};
}
`;
    expectError(missingType, "type `a-name` not defined in interface", "a-name");
  });

  it("rejects a use of an unknown package, listing the known ones", () => {
    const src = `package foo:foo;

world foo {
  import some:dependency/iface;
}
`;
    const d = expectError(src, "package 'some:dependency' not found. known packages:\n    foo:foo", "some:dependency");
    expect(d.rendered).toBe(
      "package 'some:dependency' not found. known packages:\n    foo:foo\n" +
        "     --> test.wit:4:10\n" +
        "      |\n" +
        "    4 |   import some:dependency/iface;\n" +
        "      |          ^--------------",
    );
  });

  it("points an unknown package at its first use, visiting a world's imports before its exports", () => {
    const src = "package a:b;\nworld w {\n  export x:y/i;\n  import x:y/j;\n}\n";
    expectError(src, "package 'x:y' not found. known packages:\n    a:b", "x:y/j");
  });

  it("rejects a use of a package version that is not there, listing the versions that are", () => {
    withDir(
      {
        "root.wit": "package x:main;\ninterface i {\n  use dep:types/t@2.0.0.{x};\n}\n",
        "deps/dep/t.wit": "package dep:types@1.0.0;\ninterface t { type x = u32; }\n",
      },
      (dir) => {
        const d = failPath(dir);
        expect(d.message).toBe("package 'dep:types@2.0.0' not found. known packages:\n    dep:types@1.0.0\n    x:main");
        expect(d.location).toEqual({ path: path.join(dir, "root.wit"), line: 3, column: 7 });
      },
    );
  });

  it("rejects a handle to a foreign type that is not a resource", () => {
    withDir(
      {
        "foo.wit": "package foo:bar;\n\ninterface foo {\n  use some:dep/foo.{r};\n\n  type t = own<r>;\n}\n",
        "deps/foo/foo.wit": "package some:dep;\n\ninterface foo {\n  type r = u32;\n}\n",
      },
      (dir) => {
        const d = failPath(dir);
        expect(d.message).toBe("type used in a handle must be a resource");
        expect(d.location).toEqual({ path: path.join(dir, "foo.wit"), line: 6, column: 16 });
        expect(d.contexts).toEqual([`failed to resolve directory while parsing WIT for path [${dir}]`]);
      },
    );
  });
});

// ---------------------------------------------------------------------------

describe("resources", () => {
  const src = `package a:b;
interface i {
  resource r {
    constructor(x: u32);
    get: func() -> u32;
    set: func(v: u32);
    make: static func() -> r;
  }
  take: func(a: r, b: own<r>, c: borrow<r>);
  type alias = r;
}
`;

  it("names constructors, methods and statics and gives methods a `self` borrow", () => {
    const r = ok(src);
    const i = iface(r, "i");
    const res = typeIn(r, i, "r").id;
    expect([...i.functions.keys()]).toEqual([
      "[constructor]r",
      "[method]r.get",
      "[method]r.set",
      "[static]r.make",
      "take",
    ]);
    expect(func(i, "[constructor]r").kind).toEqual({ kind: "constructor", resource: res });
    expect(func(i, "[method]r.get").kind).toEqual({ kind: "method", resource: res });
    expect(func(i, "[static]r.make").kind).toEqual({ kind: "static", resource: res });
    const get = func(i, "[method]r.get");
    expect(get.params.map((p) => p.name)).toEqual(["self"]);
    expect(def(r, get.params[0].type).kind).toEqual({ kind: "handle", handle: "borrow", resource: res });
    const set = func(i, "[method]r.set");
    expect(set.params.map((p) => p.name)).toEqual(["self", "v"]);
    expect(set.params[0].type).toBe(get.params[0].type);
    expect(func(i, "[static]r.make").params).toEqual([]);
  });

  it("returns `own<r>` from constructors and turns bare resource references into `own<r>`", () => {
    const r = ok(src);
    const i = iface(r, "i");
    const res = typeIn(r, i, "r").id;
    const ctor = func(i, "[constructor]r");
    expect(ctor.params.map((p) => [p.name, p.type])).toEqual([["x", "u32"]]);
    const own = ctor.result;
    expect(def(r, own)).toMatchObject({ name: undefined, kind: { kind: "handle", handle: "own", resource: res } });
    expect(func(i, "[static]r.make").result).toBe(own);
    const take = func(i, "take");
    expect(take.params[0].type).toBe(own);
    expect(take.params[1].type).toBe(own);
    expect(take.params[2].type).toBe(func(i, "[method]r.get").params[0].type);
    // Only one anonymous `own<r>` exists.
    expect(r.resolve.types.filter((t) => t.kind.kind === "handle" && t.kind.handle === "own")).toHaveLength(1);
    // An alias of a resource still refers to the resource itself.
    expect(typeIn(r, i, "alias").kind).toEqual({ kind: "type", type: res });
  });

  it("accepts a fallible constructor returning `result<r, e>`", () => {
    const r = ok(`package a:b;
interface i {
  resource r { constructor() -> result<r, string>; }
}
`);
    const i = iface(r, "i");
    const result = def(r, func(i, "[constructor]r").result);
    expect(result.kind).toMatchObject({ kind: "result", err: "string" });
    const ok_ = def(r, (result.kind as { ok: Type }).ok);
    expect(ok_.kind).toEqual({ kind: "handle", handle: "own", resource: typeIn(r, i, "r").id });
  });

  it("puts resources of a world and their functions in the world's imports", () => {
    const r = ok(`package a:b;
world w {
  import f: func(x: r);
  resource r {
    constructor();
    m: func();
  }
}
`);
    const w = world(r, "w");
    expect(importNames(r, w)).toEqual(["r", "f", "[constructor]r", "[method]r.m"]);
    const rId = (w.imports.get("n:r")!.item as { id: TypeId }).id;
    const m = (w.imports.get("n:[method]r.m")!.item as { func: Function }).func;
    expect(m.kind).toEqual({ kind: "method", resource: rId });
  });

  it("gives async methods and statics their async kinds", () => {
    const r = ok(
      "package a:b;\ninterface i {\n  resource r {\n    m: async func();\n    s: static async func();\n  }\n}\n",
    );
    const i = iface(r, "i");
    const res = typeIn(r, i, "r").id;
    expect(func(i, "[method]r.m").kind).toEqual({ kind: "async-method", resource: res });
    expect(func(i, "[method]r.m").params.map((p) => p.name)).toEqual(["self"]);
    expect(func(i, "[static]r.s").kind).toEqual({ kind: "async-static", resource: res });
  });

  it("turns a reference to a resource of another package into `own<...>` of the local alias", () => {
    const r = ok(`package a:main;
package a:dep { interface i { resource r; } }
interface j {
  use a:dep/i.{r};
  f: func(x: r, y: borrow<r>);
}
`);
    const j = iface(r, "j");
    const alias = typeIn(r, j, "r");
    expect(def(r, (alias.kind as { type: Type }).type).kind).toEqual({ kind: "resource" });
    const f = func(j, "f");
    expect(def(r, f.params[0].type).kind).toEqual({ kind: "handle", handle: "own", resource: alias.id });
    expect(def(r, f.params[1].type).kind).toEqual({ kind: "handle", handle: "borrow", resource: alias.id });
  });

  it("rejects handles to types that are not resources or do not exist", () => {
    const src = "package foo:foo;\n\ninterface foo {\n  record foo { x: u32 }\n  type t = own<foo>;\n}\n";
    expectError(src, "type `foo` used in a handle must be a resource", "foo>");
    expectError(
      "package foo:foo;\n\ninterface foo {\n  type t = u32;\n  type b = borrow<t>;\n}\n",
      "type `t` used in a handle must be a resource",
      "t>",
    );
    expectError(
      "package foo:foo;\n\ninterface foo {\n  type t = borrow<foo>;\n}\n",
      "type `foo` does not exist",
      "foo>",
    );
  });

  it("rejects duplicate constructors and duplicate method names", () => {
    const src = "package foo:foo;\ninterface foo {\n  resource a {\n    constructor();\n    constructor();\n  }\n}\n";
    expectError(src, "duplicate constructors", ["constructor", 1]);
    expectError(
      "package foo:foo;\ninterface foo {\n  resource r {\n    a: func();\n    a: static func();\n  }\n}\n",
      "duplicate function name `a`",
      "a: static",
    );
  });

  it("rejects constructor results other than `result<r, _>`", () => {
    const src = "package foo:foo;\ninterface foo {\n  resource r {\n    constructor() -> u32;\n  }\n}\n";
    expectError(src, "if a constructor return type is declared it must be a `result`", "u32");
    const src2 = "package foo:foo;\ninterface foo {\n  resource r {\n    constructor() -> result<_, string>;\n  }\n}\n";
    expectError(src2, "the `ok` type must be the resource being constructed", "result<");
    const src3 =
      "package foo:foo;\ninterface foo {\n  resource b;\n  resource r {\n    constructor() -> result<b, string>;\n  }\n}\n";
    expectError(src3, "the `ok` type must be the resource being constructed", "b, string");
  });
});

// ---------------------------------------------------------------------------

describe("borrow in results", () => {
  it("rejects functions returning a borrow, also in worlds", () => {
    const src = "package foo:foo;\n\ninterface foo {\n  resource y;\n  x: func() -> borrow<y>;\n}\n";
    expectError(src, "function `x` returns a type which contains a `borrow<T>` which is not supported", "x:");
    expectError(
      "package foo:foo;\n\nworld foo {\n  resource y;\n  export x: func() -> borrow<y>;\n}\n",
      "function `x` returns a type which contains a `borrow<T>` which is not supported",
      "x:",
    );
  });

  it("rejects returned borrows in methods, tuples and behind aliases", () => {
    const src = "package foo:foo;\n\ninterface foo {\n  resource y {\n    x: func() -> borrow<y>;\n  }\n}\n";
    expectError(src, "function `[method]y.x` returns a type which contains a `borrow<T>` which is not supported", "x:");
    const src2 = "package foo:foo;\n\ninterface foo {\n  resource y;\n  x: func() -> tuple<borrow<y>>;\n}\n";
    expectError(src2, "function `x` returns a type which contains a `borrow<T>` which is not supported", "x:");
    const src3 = `package foo:foo;

interface foo {
  resource y;
  type y1 = borrow<y>;
  record y2 { a: y1 }
  x: func() -> y2;
}
`;
    expectError(src3, "function `x` returns a type which contains a `borrow<T>` which is not supported", "x:");
  });

  it("accepts borrows in parameters", () => {
    ok("package foo:foo;\ninterface foo {\n  resource y;\n  x: func(a: borrow<y>, b: list<borrow<y>>);\n}\n");
  });
});

// ---------------------------------------------------------------------------

describe("undefined names and cycles", () => {
  it("rejects an undefined type in a type definition or a record field", () => {
    const src = "package foo:foo;\n\ninterface foo {\n  type foo = bar;\n}\n";
    const d = expectError(src, "type `bar` does not exist", "bar");
    expect(d.rendered).toBe(
      "type `bar` does not exist\n     --> test.wit:4:14\n      |\n    4 |   type foo = bar;\n      |              ^--",
    );
    expectError(
      "package foo:foo;\ninterface foo {\n  record r { a: u32, b: missing }\n}\n",
      "type `missing` does not exist",
      "missing",
    );
  });

  it("rejects an undefined type in a function, with `name` instead of `type`", () => {
    const src = "package foo:foo;\n\ninterface foo {\n  x: func(param: nonexistent);\n}\n";
    expectError(src, "name `nonexistent` does not exist", "nonexistent");
    const src2 = "package foo:foo;\n\ninterface foo {\n  x: func() -> nonexistent;\n}\n";
    expectError(src2, "name `nonexistent` does not exist", "nonexistent");
    const src3 = "package foo:foo;\nworld foo {\n  import foo: func(a: b);\n}\n";
    expectError(src3, "name `b` does not exist", "b)");
  });

  it("rejects a function used as a type (and types cannot see functions, defined later)", () => {
    const src = "package foo:foo;\n\ninterface foo {\n  x: func();\n  y: func() -> x;\n}\n";
    expectError(src, "cannot use function `x` as a type", "x;");
    const typeSeesFunc = "package foo:foo;\n\ninterface foo {\n  x: func();\n\n  record foo {\n    a: x\n  }\n}\n";
    expectError(typeSeesFunc, "type `x` does not exist", "x\n");
  });

  it("explains the renamed float types", () => {
    const src = "package foo:foo;\ninterface foo {\n  type t1 = float32;\n}\n";
    expectError(
      src,
      "type `float32` does not exist\nthe `float32` type has been renamed to `f32` and is no longer accepted, but the `WIT_REQUIRE_F32_F64=0` environment variable can be used to temporarily disable this error",
      "float32",
    );
  });

  it("rejects types that depend on themselves, directly or through aliases, options, records and lists", () => {
    const src = "package foo:foo;\n\ninterface foo {\n  type foo = foo;\n}\n";
    expectError(src, "type `foo` depends on itself", ["foo;", 1]);
    for (const second of [
      "type bar = foo;",
      "type bar = option<foo>;",
      "record bar { x: foo }",
      "type bar = list<foo>;",
    ]) {
      const cycle = `package foo:foo;\n\ninterface foo {\n  type foo = bar;\n  ${second}\n}\n`;
      // wit-parser: cycle2 .. cycle5, all pointing at `bar` in `type foo = bar`.
      expectError(cycle, "type `bar` depends on itself", "bar;");
    }
  });

  it("rejects imports of unknown interfaces and of worlds, labelled or not", () => {
    const src = "package foo:foo;\n\nworld foo {\n  import bar;\n}\n";
    expectError(src, "interface or world `bar` does not exist", "bar");
    expectError(
      "package foo:foo;\n\nworld foo {}\n\nworld bar {\n  import foo;\n}\n",
      "name `foo` is defined as a world, not an interface",
      ["foo;", 1],
    );
    const labelled = "package foo:foo;\ninterface store {}\nworld test {\n  import primary: nonexistent;\n}\n";
    expectError(labelled, "interface or world `nonexistent` does not exist", "nonexistent");
    const labelledWorld = "package foo:foo;\nworld test {\n  import primary: test;\n}\n";
    expectError(labelledWorld, "name `test` is defined as a world, not an interface", ["test", 1]);
  });
});

// ---------------------------------------------------------------------------

describe("duplicate names", () => {
  it("rejects duplicate types and functions in an interface", () => {
    const src = "package foo:foo;\n\ninterface foo {\n  type foo = s32;\n  type foo = s32;\n}\n";
    expectError(src, "name `foo` is defined more than once", ["foo = s32", 1]);
    expectError(
      "package foo:foo;\n\ninterface foo {\n  foo: func();\n  foo: func();\n}\n",
      "name `foo` is defined more than once",
      ["foo: func", 1],
    );
    expectError(
      "package foo:foo;\ninterface foo {\n  type x = u32;\n  x: func();\n}\n",
      "name `x` is defined more than once",
      "x: func",
    );
  });

  it("rejects duplicate parameters, including a method's `self`", () => {
    const src = "package foo:foo;\n\ninterface foo {\n  foo: func(foo: u32, foo: u64);\n}\n";
    expectError(src, "param `foo` is defined more than once", "foo: u64");
    expectError(
      "package foo:foo;\ninterface foo {\n  resource r {\n    m: func(self: u32);\n  }\n}\n",
      "param `self` is defined more than once",
      "self",
    );
  });

  it("rejects duplicate interfaces and worlds in a file", () => {
    const src = "package foo:foo;\n\ninterface foo {}\n\ninterface foo {}\n";
    expectError(src, "duplicate item named `foo`", ["foo", 3]);
    expectError("package foo:foo;\ninterface foo {}\nworld foo {}\n", "duplicate item named `foo`", ["foo {}", 1]);
  });

  it("rejects duplicate interfaces across the files of a package", () => {
    withDir(
      {
        "foo.wit": "package foo:foo;\n\ninterface foo {}\n",
        "foo2.wit": "package foo:foo;\n\ninterface foo {}\n",
      },
      (dir) => {
        const d = failPath(dir);
        expect(d.message).toBe("duplicate item named `foo`");
        expect(d.location).toEqual({ path: path.join(dir, "foo2.wit"), line: 3, column: 11 });
        expect(d.rendered.split("\n")[0]).toBe(
          `failed to resolve directory while parsing WIT for path [${dir}]: failed to parse package: ${dir}: duplicate item named \`foo\``,
        );
      },
    );
  });

  it("rejects empty variants and enums", () => {
    expectError("package foo:foo;\ninterface foo {\n  variant t {}\n}\n", "empty variant", "t {}");
    expectError("package foo:foo;\ninterface foo {\n  enum t {}\n}\n", "empty enum", "t {}");
  });
});

// ---------------------------------------------------------------------------
// Uniqueness rules that wit-parser leaves to the component validator: the
// resolver reports them at the second name, in the validator's words.

describe("names unique within their scope", () => {
  const lineCol = (d: Diagnostic) => d.location && `${d.location.line}:${d.location.column}`;

  it("rejects a repeated record field", () => {
    const d = expectError(
      "package foo:foo;\ninterface i {\n  record r {\n    a: u32,\n    b: u32,\n    a: string,\n  }\n}\n",
      "record field name `a` conflicts with previous field name `a`",
    );
    expect(lineCol(d)).toBe("6:5");
  });

  it("rejects a repeated variant case", () => {
    const d = expectError(
      "package foo:foo;\ninterface i {\n  variant v { a(u32), b, a }\n}\n",
      "variant case name `a` conflicts with previous case name `a`",
    );
    expect(lineCol(d)).toBe("3:26");
  });

  it("rejects a repeated flag", () => {
    const d = expectError(
      "package foo:foo;\ninterface i {\n  flags f { read, write, read }\n}\n",
      "flag name `read` conflicts with previous flag name `read`",
    );
    expect(lineCol(d)).toBe("3:26");
  });

  it("rejects a repeated enum case", () => {
    const d = expectError(
      "package foo:foo;\ninterface i {\n  enum e { x, y, x }\n}\n",
      "enum tag name `x` conflicts with previous tag name `x`",
    );
    expect(lineCol(d)).toBe("3:18");
  });

  it("compares case-insensitively, as kebab-case names are", () => {
    const d = expectError(
      "package foo:foo;\ninterface i {\n  record r { url: string, URL: string }\n}\n",
      "record field name `URL` conflicts with previous field name `url`",
    );
    expect(lineCol(d)).toBe("3:27");
  });

  it("rejects parameters equal but for case; an exact repeat keeps wit-parser's message", () => {
    const d = expectError(
      "package foo:foo;\ninterface i {\n  f: func(id: u32, ID: u32);\n}\n",
      "function parameter name `ID` conflicts with previous parameter name `id`",
    );
    expect(lineCol(d)).toBe("3:20");
    const exact = expectError(
      "package foo:foo;\ninterface i {\n  f: func(id: u32, id: u32);\n}\n",
      "param `id` is defined more than once",
    );
    expect(lineCol(exact)).toBe("3:20");
  });

  it("rejects interface items, resource methods and package items equal but for case", () => {
    const kebab = " (kebab-case identifiers are case-insensitive)";
    let d = expectError(
      "package foo:foo;\ninterface i {\n  type t = u32;\n  T: func();\n}\n",
      "name `T` conflicts with previous name `t`" + kebab,
    );
    expect(lineCol(d)).toBe("4:3");
    d = expectError(
      "package foo:foo;\ninterface i {\n  resource r {\n    get: func();\n    GET: static func();\n  }\n}\n",
      "name `GET` conflicts with previous name `get`" + kebab,
    );
    expect(lineCol(d)).toBe("5:5");
    d = expectError(
      "package foo:foo;\ninterface i {}\nworld I {}\n",
      "name `I` conflicts with previous name `i`" + kebab,
    );
    expect(lineCol(d)).toBe("3:7");
  });

  it("still accepts distinct names, and one name in separate scopes", () => {
    ok(
      "package foo:foo;\ninterface i {\n  record r { a: u32, b: u32 }\n  variant v { a, b(r) }\n" +
        "  flags f { a, b }\n  enum e { a, b }\n  a: func(a: u32, b: u32);\n}\ninterface a {}\n",
    );
  });
});

// ---------------------------------------------------------------------------

describe("map key types", () => {
  it("accepts every primitive key type wit-parser allows", () => {
    const keys = ["bool", "u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64", "char", "string"];
    const r = ok(
      `package a:b;\ninterface i {\n${keys.map((k, n) => `  type m${n} = map<${k}, u32>;`).join("\n")}\n}\n`,
    );
    const i = iface(r, "i");
    keys.forEach((k, n) => expect(typeIn(r, i, `m${n}`).kind).toEqual({ kind: "map", key: k, value: "u32" }));
  });

  const message = "invalid map key type: map keys must be bool, u8, u16, u32, u64, s8, s16, s32, s64, char, or string";

  it("rejects tuple, float and named key types (even aliases of valid keys)", () => {
    const src = "package foo:foo;\n\ninterface foo {\n  type invalid = map<tuple<u32, string>, u32>;\n}\n";
    expectError(src, message, "map<");
    expectError("package foo:foo;\ninterface foo {\n  type m = map<f64, u32>;\n}\n", message, "map<");
    expectError("package foo:foo;\ninterface foo {\n  type k = u32;\n  type m = map<k, u32>;\n}\n", message, "map<");
    expectError("package foo:foo;\ninterface foo {\n  f: func(a: map<f32, u8>);\n}\n", message, "map<");
  });
});

// ---------------------------------------------------------------------------

describe("worlds", () => {
  it("imports and exports interfaces, functions, inline interfaces and labelled paths", () => {
    const r = ok(`package a:b;
interface store { get: func() -> option<string>; }
interface log { write: func(msg: string); }
world w {
  import store;
  import primary: store;
  import now: func() -> u64;
  import inline: interface {
    ping: func();
  }
  export log;
  export run: func();
  export handler: interface {
    handle: func(x: u32);
  }
}
`);
    const w = world(r, "w");
    expect(importNames(r, w)).toEqual(["a:b/store", "primary", "inline", "now"]);
    expect(exportNames(r, w)).toEqual(["run", "a:b/log", "handler"]);
    const store = iface(r, "store").id;
    expect(w.imports.get(`i:${store}`)!.key).toEqual({ kind: "interface", id: store });
    expect(w.imports.get("n:primary")!.item).toMatchObject({ kind: "interface", id: store });
    const inline = w.imports.get("n:inline")!.item as { kind: "interface"; id: InterfaceId };
    expect(r.resolve.interfaces[inline.id]).toMatchObject({ name: undefined, package: r.package });
    expect([...r.resolve.interfaces[inline.id].functions.keys()]).toEqual(["ping"]);
    expect(w.imports.get("n:now")!.item).toMatchObject({ kind: "function", func: { name: "now", result: "u64" } });
    expect(w.package).toBe(r.package);
  });

  it("adds the interfaces an export needs as implicit imports", () => {
    const r = ok(`package a:b;
interface types { type t = u32; }
interface api {
  use types.{t};
  f: func() -> t;
}
world w { export api; }
`);
    const w = world(r, "w");
    expect(importNames(r, w)).toEqual(["a:b/types"]);
    expect(exportNames(r, w)).toEqual(["a:b/api"]);
  });

  it("lists the dependencies of an import before it, transitively", () => {
    const r = ok(`package a:b;
interface a { type t = u32; }
interface b { use a.{t}; }
interface c { use b.{t}; }
world w { import c; }
`);
    expect(importNames(r, world(r, "w"))).toEqual(["a:b/a", "a:b/b", "a:b/c"]);
  });

  it("lists the interfaces an inline interface uses before it", () => {
    const r = ok(`package a:b;
interface types { type t = u32; }
world w {
  import x: interface { use types.{t}; }
  export y: interface { use types.{t}; }
}
`);
    const w = world(r, "w");
    expect(importNames(r, w)).toEqual(["a:b/types", "x"]);
    expect(exportNames(r, w)).toEqual(["y"]);
  });

  it("orders imports: interfaces, then types, then functions", () => {
    const r = ok(`package a:b;
interface types { type t = u32; }
interface api { use types.{t}; }
world w {
  import f: func();
  type mine = u32;
  use types.{t};
  import api;
  resource res { m: func(); }
  import g: func(x: res);
}
`);
    expect(importNames(r, world(r, "w"))).toEqual([
      "a:b/types",
      "a:b/api",
      "t",
      "mine",
      "res",
      "f",
      "g",
      "[method]res.m",
    ]);
  });

  it("lets an export use an exported interface rather than an import", () => {
    const r = ok(`package a:b;
interface types { type t = u32; }
interface api { use types.{t}; }
world w {
  export types;
  export api;
}
`);
    const w = world(r, "w");
    expect(importNames(r, w)).toEqual([]);
    expect(exportNames(r, w)).toEqual(["a:b/types", "a:b/api"]);
  });

  it("orders exported interfaces after the exported interfaces they use", () => {
    const r = ok(`package a:b;
interface types { type t = u32; }
interface api { use types.{t}; }
world w {
  export api;
  export types;
}
`);
    expect(exportNames(r, world(r, "w"))).toEqual(["a:b/types", "a:b/api"]);
  });

  it("rejects importing an interface twice through a top-level alias", () => {
    const src = "package a:b;\ninterface i {}\nuse i as j;\nworld w {\n  import i;\n  import j;\n}\n";
    expectError(src, "interface cannot be imported more than once", ["j;", 1]);
  });

  it("rejects an export that would need an interface both imported and exported", () => {
    const src = `package foo:foo;
interface i1 {
  type t = u32;
}
interface i2 {
  use i1.{t};
}
interface i3 {
  use i2.{t};
}

world test {
  import i1: interface {}

  export i1;
  export i3;
}
`;
    expectError(src, "interface `foo:foo/i3` transitively depends on an interface in incompatible ways", "test");
  });

  it("names an inline export in the incompatible-dependencies error", () => {
    const src = `package foo:foo;

interface foo {
  type t = u32;
}

interface bar {
  use foo.{t};
}

world baz {
  export foo;
  import bar;
  export anon: interface {
    use foo.{t};
    use bar.{t as t2};
  }
}
`;
    expectError(src, "interface `anon` transitively depends on an interface in incompatible ways", "baz");
  });

  it("rejects importing or exporting an interface twice", () => {
    const src = "package foo:foo;\n\ninterface foo {}\n\nworld bar {\n  import foo;\n  import foo;\n}\n";
    expectError(src, "interface cannot be imported more than once", ["foo", 4]);
    const src2 = "package foo:foo;\n\ninterface foo {}\n\nworld bar {\n  export foo;\n  export foo;\n}\n";
    expectError(src2, "interface cannot be exported more than once", ["foo", 4]);
  });

  it("rejects imports and exports with clashing names", () => {
    expectError(
      "package foo:foo;\nworld a {\n  import foo: func();\n  import foo: func();\n}\n",
      "import `foo` conflicts with prior func of same name",
      ["foo", 3],
    );
    expectError(
      "package foo:foo;\n\nworld a {\n  export foo: interface {}\n  export foo: interface {}\n}\n",
      "export `foo` conflicts with prior interface of same name",
      ["foo", 3],
    );
    expectError(
      "package foo:foo;\nworld a {\n  import x: func();\n  import x: interface {}\n}\n",
      "import `x` conflicts with prior func of same name",
      ["x", 1],
    );
    expectError(
      "package foo:foo;\ninterface store {}\nworld a {\n  import primary: store;\n  import primary: store;\n}\n",
      "import `primary` conflicts with prior interface of same name",
      ["primary", 1],
    );
  });

  it("rejects an import with the name of a world type", () => {
    const src = "package foo:foo;\nworld a {\n  type a = u32;\n  import a: func();\n}\n";
    expectError(src, "import `a` conflicts with prior type of same name", "a: func");
  });

  it("allows an import and an export with the same name", () => {
    const r = ok("package foo:foo;\nworld a {\n  import x: func();\n  export x: func();\n}\n");
    const w = world(r, "a");
    expect(importNames(r, w)).toEqual(["x"]);
    expect(exportNames(r, w)).toEqual(["x"]);
  });

  it("rejects names that differ only by case", () => {
    const src = `package poc:demo;

world example {
  import get-data: func() -> string;
  export get-user: func() -> string;
  export GET-USER: func() -> string;
}
`;
    const d = fail(src);
    expect(d.message).toBe(
      "export `GET-USER` in world `example` conflicts with export `get-user` (kebab-case identifiers are case-insensitive)",
    );
    // wit-parser has no span for this error.
    expect(d.location).toBeUndefined();
    expect(d.rendered).toBe(d.message);
  });
});

// ---------------------------------------------------------------------------

describe("include", () => {
  it("merges the included world's imports and exports", () => {
    const r = ok(`package a:b;
interface i {}
interface e {}
world base {
  import i;
  import x: func();
  export e;
  export y: func();
}
world top {
  include base;
  import z: func();
}
`);
    const top = world(r, "top");
    expect(importNames(r, top)).toEqual(["a:b/i", "z", "x"]);
    expect(exportNames(r, top)).toEqual(["y", "a:b/e"]);
    expect(top.includes).toEqual([]);
  });

  it("renames included items with `with { a as b }`", () => {
    const r = ok(`package a:b;
world base {
  import a: func();
  import b: interface { f: func(); }
  export c: func();
  resource r { m: func(); }
}
world top {
  include base with { a as a2, b as b2, c as c2, r as r2 }
}
`);
    const top = world(r, "top");
    expect(importNames(r, top)).toEqual(["b2", "r2", "a2", "[method]r2.m"]);
    expect(exportNames(r, top)).toEqual(["c2"]);
    const a2 = top.imports.get("n:a2")!.item as { func: Function };
    expect(a2.func.name).toBe("a2");
    const m = (top.imports.get("n:[method]r2.m")!.item as { func: Function }).func;
    expect(m.name).toBe("[method]r2.m");
    // The included world's resource is copied into the including world.
    const r2 = (top.imports.get("n:r2")!.item as { id: TypeId }).id;
    expect(r.resolve.types[r2]).toMatchObject({
      name: "r2",
      owner: { kind: "world", id: top.id },
      kind: { kind: "resource" },
    });
    expect(m.kind).toEqual({ kind: "method", resource: r2 });
    // The inline interface is copied too.
    const base = world(r, "base");
    const b2 = top.imports.get("n:b2")!.item as { id: InterfaceId };
    const b = base.imports.get("n:b")!.item as { id: InterfaceId };
    expect(b2.id).not.toBe(b.id);
    expect(r.resolve.interfaces[b2.id]).toMatchObject({ name: undefined, cloneOf: b.id, package: r.package });
    // The original world is unchanged.
    expect(importNames(r, base)).toEqual(["b", "r", "a", "[method]r.m"]);
  });

  it("copies world-owned types into the including world", () => {
    const r = ok(`package a:b;
interface i { type t = u32; }
world a {
  use i.{t};
  import f: func(x: list<t>);
}
world b {
  include a;
}
`);
    const a = world(r, "a");
    const b = world(r, "b");
    expect(importNames(r, b)).toEqual(["a:b/i", "t", "f"]);
    const ta = (a.imports.get("n:t")!.item as { id: TypeId }).id;
    const tb = (b.imports.get("n:t")!.item as { id: TypeId }).id;
    expect(tb).not.toBe(ta);
    expect(r.resolve.types[tb]).toMatchObject({ name: "t", owner: { kind: "world", id: b.id } });
    // The copy still refers to the interface's type, not to world `a`'s alias.
    expect(r.resolve.types[tb].kind).toEqual(r.resolve.types[ta].kind);
    const fb = (b.imports.get("n:f")!.item as { func: Function }).func;
    expect(def(r, fb.params[0].type).kind).toEqual({ kind: "list", type: tb });
    expectTopologicalTypes(r.resolve);
  });

  it("includes transitively", () => {
    const r = ok(`package a:b;
world a { import x: func(); }
world b { include a; import y: func(); }
world c { include b; export z: func(); }
`);
    const c = world(r, "c");
    expect(importNames(r, c)).toEqual(["y", "x"]);
    expect(exportNames(r, c)).toEqual(["z"]);
  });

  // wit-parser formats the stabilities with `{:?}`, which prints a
  // `semver::Version` as `Version { major: 1, minor: 0, patch: 0 }`
  // (src/resolve/error.rs, StabilityMismatch; resolve/mod.rs update_stability).
  it("rejects an include that changes an interface's stability, printing it as wit-parser does", () => {
    const src = `package a:b@1.0.0;
interface i {}
world a {
  @since(version = 1.0.0)
  import i;
}
world b {
  @unstable(feature = x)
  import i;
  include a;
}
`;
    const d = fail(src, { features: ["x"] });
    expect(d.message).toBe(
      "mismatch in stability from 'Stable { since: Version { major: 1, minor: 0, patch: 0 }, deprecated: None }' " +
        `to 'Unstable { feature: "x", deprecated: None }'`,
    );
  });

  it("includes a world from another package", () => {
    const r = ok(`package a:main;
package a:dep {
  interface i {}
  world w { import i; import f: func(); }
}
world top { include a:dep/w; }
`);
    expect(importNames(r, world(r, "top"))).toEqual(["a:dep/i", "f"]);
  });

  it("rejects an include `with` a name that is not there or is an interface id", () => {
    const src =
      "package foo:foo;\n\nworld foo { import b: func(); }\nworld bar {\n    include foo with { b1 as b2 }\n}\n";
    expectError(src, "no import or export kebab-name `b1`. Note that an ID does not support renaming", ["foo", 3]);
    const byId =
      "package foo:foo;\n\ninterface foo {}\n\nworld a {\n    import foo;\n}\n\nworld b {\n    include a with { foo as foo2 }\n}\n";
    expectError(byId, "no import or export kebab-name `foo`. Note that an ID does not support renaming", "a with");
  });

  it("rejects an include that shadows an existing item", () => {
    const src =
      "package foo:foo;\n\nworld foo { import a: func(); }\nworld bar { import a: func(); }\nworld baz {\n    include foo;\n    include bar;\n}\n";
    expectError(src, "import of `a` shadows previously imported items", ["bar", 1]);
  });

  it("rejects include cycles", () => {
    const src = "package foo:foo;\n\nworld a {\n  include b;\n}\n\nworld b {\n  include a;\n}\n";
    expectError(src, "interface or world `b` depends on itself", "b {");
    const src2 = "package foo:foo;\n\nworld foo {\n  include foo;\n}\n";
    expectError(src2, "interface or world `foo` depends on itself", "foo {");
  });

  it("rejects including an interface or a missing world", () => {
    expectError(
      "package foo:foo;\ninterface bar {}\nworld w {\n  include bar;\n}\n",
      "name `bar` is defined as an interface, not a world",
      ["bar", 1],
    );
    expectError(
      "package foo:foo;\n\nworld foo {\n  include non-existence;\n}\n",
      "interface or world `non-existence` does not exist",
      "non-existence",
    );
    expectError(
      "package foo:root;\npackage foo:bar { world w {} }\nworld foo {\n  include foo:bar/bar;\n}\n",
      "world 'bar' not found in package 'foo:bar'",
      ["bar", 2],
    );
  });
});

// ---------------------------------------------------------------------------

describe("packages", () => {
  it("resolves nested package blocks that refer to each other", () => {
    const r = ok(`package a:root;
package a:dep {
  interface types { type t = u32; }
}
package a:user {
  interface api {
    use a:dep/types.{t};
    f: func() -> t;
  }
}
world w { import a:user/api; }
`);
    const dep = packageId(r, "a:dep");
    const user = packageId(r, "a:user");
    expect(dep).toBeLessThan(user);
    expect(user).toBeLessThan(r.package);
    expect(r.resolve.packages[r.package].name.name).toBe("root");
    expect(importNames(r, world(r, "w"))).toEqual(["a:dep/types", "a:user/api"]);
    expect(typeIn(r, iface(r, "api", user), "t").kind).toEqual({
      kind: "type",
      type: typeIn(r, iface(r, "types", dep), "t").id,
    });
    expect(r.world).toBe(world(r, "w").id);
  });

  it("keeps several versions of one package apart", () => {
    const r = ok(`package a:root;
package a:dep@1.0.0 { interface i { type t = u32; } }
package a:dep@2.0.0 { interface i { type t = string; } }
interface api {
  use a:dep/i@1.0.0.{t as one};
  use a:dep/i@2.0.0.{t as two};
}
world w {
  import a:dep/i@1.0.0;
  import a:dep/i@2.0.0;
}
`);
    const v1 = packageId(r, "a:dep@1.0.0");
    const v2 = packageId(r, "a:dep@2.0.0");
    const api = iface(r, "api");
    expect(typeIn(r, api, "one").kind).toEqual({ kind: "type", type: typeIn(r, iface(r, "i", v1), "t").id });
    expect(typeIn(r, api, "two").kind).toEqual({ kind: "type", type: typeIn(r, iface(r, "i", v2), "t").id });
    expect(importNames(r, world(r, "w"))).toEqual(["a:dep/i@1.0.0", "a:dep/i@2.0.0"]);
  });

  it("accepts pre-release and build versions", () => {
    const r = ok(`package a:root;
package a:dep@1.0.0-rc.1+build.5 { interface i {} }
world w { import a:dep/i@1.0.0-rc.1+build.5; }
`);
    expect(importNames(r, world(r, "w"))).toEqual(["a:dep/i@1.0.0-rc.1+build.5"]);
  });

  it("rejects packages that depend on each other", () => {
    const src = `package foo:root;
package foo:bar {
  interface i {
    use foo:qux/i.{};
  }
}

package foo:qux {
  interface i {
    use foo:bar/i.{};
  }
}`;
    expectError(src, "package `foo:qux` creates a dependency cycle", "foo:qux/i");
  });

  it("rejects a package defined twice, listing both locations", () => {
    const src = "package foo:root;\n\npackage foo:name {}\n\npackage foo:name {}";
    const d = expectError(src, "package `foo:name` is defined in two different locations", ["foo:name", 1]);
    expect(d.rendered).toBe(
      "package `foo:name` is defined in two different locations:\n  * test.wit:5:9\n  * test.wit:3:9",
    );
  });

  it("rejects a file without a package header, even with nested packages", () => {
    const d = fail("interface foo {}\n");
    expect(d.message).toBe("no `package` header was found in any WIT file for this package");
    expect(d.location).toBeUndefined();
    expect(d.rendered).toBe(d.message);
    const nested = fail("package foo:name {\n  interface i1 { type a = u32; }\n}\n");
    expect(nested.message).toBe("no `package` header was found in any WIT file for this package");
  });

  it("rejects files of one directory naming different packages", () => {
    withDir({ "a.wit": "package foo:a;\n", "b.wit": "package foo:b;\n" }, (dir) => {
      const d = failPath(dir);
      expect(d.message).toBe("package identifier `foo:b` does not match previous package name of `foo:a`");
      expect(d.location).toEqual({ path: path.join(dir, "b.wit"), line: 1, column: 9 });
      expect(d.contexts).toEqual([
        `failed to resolve directory while parsing WIT for path [${dir}]`,
        `failed to parse package: ${dir}`,
      ]);
    });
  });

  it("takes package docs from one file and rejects them in more than one", () => {
    withDir(
      {
        "a.wit": "/// Multiple package docs, A\npackage foo:foo;\n",
        "b.wit": "/// Multiple package docs, B\npackage foo:foo;\n",
      },
      (dir) => {
        const d = failPath(dir);
        expect(d.message).toBe("found doc comments on multiple 'package' items");
        expect(d.location).toEqual({ path: path.join(dir, "b.wit"), line: 1, column: 1 });
      },
    );
    withDir(
      {
        "a.wit": "package foo:foo;\ninterface a {}\n",
        "b.wit": "/// The package.\npackage foo:foo;\n",
      },
      (dir) => {
        const withDocs = okPath(dir);
        expect(withDocs.resolve.packages[withDocs.package].docs.contents).toBe("The package.");
      },
    );
  });

  it("rejects the same package defined in two deps", () => {
    withDir(
      {
        "root.wit": "package foo:root;\n",
        "deps/dep1/types.wit": "package foo:shared;\n",
        "deps/dep2/types.wit": "package foo:shared;\n",
      },
      (dir) => {
        const d = failPath(dir);
        expect(d.message).toBe("package `foo:shared` is defined in two different locations");
        expect(d.rendered).toBe(
          `failed to resolve directory while parsing WIT for path [${dir}]: package \`foo:shared\` is defined in two different locations:\n` +
            `  * ${path.join(dir, "deps/dep2/types.wit")}:1:9\n` +
            `  * ${path.join(dir, "deps/dep1/types.wit")}:1:9`,
        );
      },
    );
  });

  it("reports an unknown interface of a dependency with the directory context only", () => {
    withDir(
      {
        "root.wit": "package foo:foo;\ninterface i {\n  use foo:bar/baz.{};\n}\n",
        "deps/bar/bar.wit": "package foo:bar;\ninterface other {}\n",
      },
      (dir) => {
        const d = failPath(dir);
        expect(d.message).toBe("interface 'baz' not found in package 'foo:bar'");
        expect(d.location).toEqual({ path: path.join(dir, "root.wit"), line: 3, column: 15 });
        expect(d.contexts).toEqual([`failed to resolve directory while parsing WIT for path [${dir}]`]);
      },
    );
  });

  it("reports errors in a dependency with wit-parser's context chain", () => {
    withDir(
      {
        "root.wit": "package x:main;\ninterface i { use d:d/t.{x}; }\n",
        "deps/dep/t.wit": "package d:d;\ninterface t {\n  type x = missing;\n}\n",
      },
      (dir) => {
        const d = failPath(dir);
        expect(d.message).toBe("type `missing` does not exist");
        expect(d.location).toEqual({ path: path.join(dir, "deps/dep/t.wit"), line: 3, column: 12 });
        expect(d.contexts).toEqual([
          `failed to resolve directory while parsing WIT for path [${dir}]`,
          `failed to parse dependency directory: ${path.join(dir, "deps")}`,
          `failed to parse package: ${path.join(dir, "deps/dep")}`,
        ]);
        // A single file has no contexts.
        const single = failPath(path.join(dir, "deps/dep/t.wit"));
        expect(single.contexts).toEqual([]);
        expect(single.message).toBe("type `missing` does not exist");
      },
    );
  });
});

// ---------------------------------------------------------------------------

describe("feature gates", () => {
  const gated = `package a:b;

interface i {
  @unstable(feature = fancy)
  type t = u32;
  @unstable(feature = fancy)
  f: func(x: t);
  g: func();
  @unstable(feature = other)
  resource r {
    @unstable(feature = other)
    constructor();
  }
}

@unstable(feature = fancy)
interface extra {}

world w {
  import i;
  @unstable(feature = fancy)
  import extra;
  @unstable(feature = fancy)
  export run: func();
}
`;

  it("drops @unstable items whose feature is not enabled", () => {
    const r = ok(gated);
    const i = iface(r, "i");
    expect([...i.types.keys()]).toEqual([]);
    expect([...i.functions.keys()]).toEqual(["g"]);
    expect(r.resolve.packages[r.package].interfaces.has("extra")).toBe(false);
    const w = world(r, "w");
    expect(importNames(r, w)).toEqual(["a:b/i"]);
    expect(exportNames(r, w)).toEqual([]);
  });

  it("keeps @unstable items whose feature is enabled", () => {
    const r = ok(gated, { features: ["fancy"] });
    const i = iface(r, "i");
    expect([...i.types.keys()]).toEqual(["t"]);
    expect([...i.functions.keys()]).toEqual(["f", "g"]);
    expect(typeIn(r, i, "t").stability).toEqual({ kind: "unstable", feature: "fancy", deprecated: undefined });
    const w = world(r, "w");
    expect(importNames(r, w)).toEqual(["a:b/i", "a:b/extra"]);
    expect(exportNames(r, w)).toEqual(["run"]);
  });

  it("keeps every @unstable item with allFeatures", () => {
    const r = ok(gated, { allFeatures: true });
    expect([...iface(r, "i").types.keys()]).toEqual(["t", "r"]);
    expect([...iface(r, "i").functions.keys()]).toEqual(["f", "g", "[constructor]r"]);
  });

  it("gates `use` statements and the foreign interfaces they name", () => {
    const src = `package wasmtime:test;

interface types {
  @unstable(feature = inactive)
  use wasi:dep2/stable@0.2.3.{unstable-resource};
}

package wasi:dep2@0.2.3 {
  interface stable {
    @unstable(feature = inactive)
    resource unstable-resource;
  }
}
`;
    expect([...iface(ok(src), "types").types.keys()]).toEqual([]);
    const r = ok(src, { features: ["inactive"] });
    expect([...iface(r, "types").types.keys()]).toEqual(["unstable-resource"]);
  });

  it("rejects a reference to a gated type from an ungated type or record field", () => {
    const src =
      "package a:b;\n\ninterface foo {\n  @unstable(feature = not-active)\n  type gated = u32;\n\n  type foo = gated;\n}\n";
    expectError(
      src,
      "found a reference to a type which is excluded due to its feature not being activated",
      "foo = gated",
    );
    ok(src, { features: ["not-active"] });
    const fieldSrc = `package a:b;

interface foo {
  @unstable(feature = inactive)
  type gated = u32;

  record r {
    field-a: u32,
    field-b: gated,
    field-c: string,
  }
}
`;
    expectError(
      fieldSrc,
      "found a reference to a type which is excluded due to its feature not being activated",
      "field-b",
    );
  });

  it("rejects an ungated type in a gated interface", () => {
    const src = "package a:b;\n\n@unstable(feature = not-active)\ninterface a {\n  type a = u32;\n}\n";
    expectError(
      src,
      "found a reference to a interface which is excluded due to its feature not being activated; this type is not gated by a feature but its interface is",
      "a = u32",
    );
  });

  it("rejects an ungated constructor of a gated resource", () => {
    const src =
      "package a:b;\n\ninterface a {\n  @unstable(feature = inactive)\n  resource a {\n    constructor();\n  }\n}\n";
    expectError(
      src,
      "found a reference to a type which is excluded due to its feature not being activated",
      "constructor",
    );
  });

  it("rejects an ungated include of a gated world or import of a gated interface", () => {
    const src = "package a:b;\n\n@unstable(feature = not-active)\nworld a {}\n\nworld b {\n  include a;\n}\n";
    expectError(src, "found a reference to a world which is excluded due to its feature not being activated", "a;");
    const gatedIface = "package a:b;\n@unstable(feature = inactive)\ninterface g {}\nworld w {\n  import g;\n}\n";
    expectError(
      gatedIface,
      "found a reference to a interface which is excluded due to its feature not being activated",
      "g;",
    );
  });

  it("rejects an ungated function whose anonymous type mentions a gated type", () => {
    const src = `package a:b;
interface i {
  @unstable(feature = x)
  type gated = u32;
  @unstable(feature = x)
  f: func(a: option<gated>);
  g: func(a: list<gated>);
}
`;
    expectError(src, "found a reference to a type which is excluded due to its feature not being activated", "g:");
    const r = ok(src, { features: ["x"] });
    expect([...iface(r, "i").functions.keys()]).toEqual(["f", "g"]);
  });

  it("gates an anonymous type by the first gated definition that creates it, as wit-parser does", () => {
    // The `list<u32>` made for the gated record inherits its gate and is
    // shared with the ungated function (types are resolved before functions).
    const src =
      "package a:b;\ninterface i {\n  f: func(a: list<u32>);\n  @unstable(feature = x)\n  record r { a: list<u32> }\n}\n";
    expectError(src, "found a reference to a type which is excluded due to its feature not being activated", "f:");
  });

  it("rejects a gated type of a world when its feature is off, as wit-parser does", () => {
    const src = "package a:b;\nworld w {\n  @unstable(feature = x)\n  type t = u32;\n  import f: func();\n}\n";
    expectError(src, "found a reference to a type which is excluded due to its feature not being activated", "t =");
    const r = ok(src, { features: ["x"] });
    expect(importNames(r, world(r, "w"))).toEqual(["t", "f"]);
  });

  it("records @since and @deprecated on a versioned package", () => {
    const r = ok(
      `package a:b@1.2.0;

@since(version = 1.0.0)
interface i {
  @since(version = 1.1.0)
  @deprecated(version = 1.2.0)
  f: func();
  @unstable(feature = x)
  @deprecated(version = 1.0.0)
  g: func();
}
`,
      { features: ["x"] },
    );
    const i = iface(r, "i");
    expect(i.stability).toEqual({ kind: "stable", since: expect.objectContaining(v("1.0.0")), deprecated: undefined });
    expect(func(i, "f").stability).toMatchObject({ kind: "stable", since: v("1.1.0"), deprecated: v("1.2.0") });
    expect(func(i, "g").stability).toMatchObject({ kind: "unstable", feature: "x", deprecated: v("1.0.0") });
  });

  it("rejects @since in a package without a version", () => {
    const src = "package a:b;\n\n@since(version = 1.0.0)\ninterface foo {}\n";
    expectError(
      src,
      "package [a:b] contains a feature gate with a version specifier, so it must have a version",
      "foo",
    );
  });

  it("rejects @since with a version the package has not reached", () => {
    const msg =
      "feature gate cannot reference unreleased version 0.2.0 of package [test:invalid@0.1.0] (current version 0.1.0)";
    expectError("package test:invalid@0.1.0;\n\n@since(version = 0.2.0)\ninterface foo {}\n", msg, "foo");
    expectError(
      "package test:invalid@0.1.0;\n\ninterface foo {\n  @since(version = 0.2.0)\n  type t = u32;\n}\n",
      msg,
      "t =",
    );
    expectError(
      "package test:invalid@0.1.0;\n\nworld w {\n  @since(version = 0.2.0)\n  import x: func();\n}\n",
      msg,
      "x:",
    );
    expectError("package test:invalid@0.1.0;\n\n@since(version = 0.2.0)\nworld w {}\n", msg, "w {");
    expectError(
      "package test:invalid@0.1.0;\n\nworld a {}\nworld b {\n  @since(version = 0.2.0)\n  include a;\n}\n",
      msg,
      "a;",
    );
  });

  it("checks @since on a foreign use against the using package", () => {
    const dep = "package a:dep@1.0.0 { interface i { type t = u32; } }\n";
    const unversioned = `package a:root;\n${dep}interface j {\n  @since(version = 1.0.0)\n  use a:dep/i@1.0.0.{t};\n}\n`;
    expectError(
      unversioned,
      "package [a:root] contains a feature gate with a version specifier, so it must have a version",
      "i@1.0.0.{",
    );
    const old = `package a:root@1.0.0;\n${dep}interface j {\n  @since(version = 2.0.0)\n  use a:dep/i@1.0.0.{t};\n}\n`;
    expectError(
      old,
      "feature gate cannot reference unreleased version 2.0.0 of package [a:root@1.0.0] (current version 1.0.0)",
      "i@1.0.0.{",
    );
  });

  it("checks @since in a nested package against that package's version", () => {
    const r = ok("package a:root;\npackage a:dep@1.0.0 {\n  @since(version = 1.0.0)\n  interface i {}\n}\n");
    expect(iface(r, "i", packageId(r, "a:dep@1.0.0")).stability).toMatchObject({ kind: "stable", since: v("1.0.0") });
  });

  it("rejects conflicting or repeated gate attributes", () => {
    const src = "package a:b@1.0.0;\n\n@since(version = 1.0.0)\n@unstable(feature = x)\ninterface foo {}\n";
    expectError(src, "cannot specify both @since and @unstable", "since");
    expectError(
      "package a:b@1.0.0;\n\ninterface foo {\n  @deprecated(version = 1.0.0)\n  f: func();\n}\n",
      "cannot specify both @deprecated without @since or @unstable",
      "deprecated",
    );
    expectError(
      "package a:b@1.0.0;\n\n@since(version = 1.0.0)\n@since(version = 1.0.0)\ninterface foo {}\n",
      "cannot specify @since twice",
      ["since", 1],
    );
  });

  it("rejects attributes on a top-level use", () => {
    const src = "package a:b;\ninterface i {}\n@unstable(feature = x)\nuse i as j;\n";
    expectError(src, "attributes not allowed on top-level use", "use i");
  });
});

// ---------------------------------------------------------------------------

describe("world selection", () => {
  const two = "package a:b;\nworld one {}\nworld two {}\n";

  it("selects the only world of the package, or none when there are several", () => {
    const r = ok("package a:b;\nworld only {}\n");
    expect(r.world).toBe(world(r, "only").id);
    expect(ok(two).world).toBeUndefined();
    expect(ok("package a:b;\ninterface i {}\n").world).toBeUndefined();
  });

  it("selects a world by name and by `ns:pkg/world`", () => {
    const r = ok(two, { world: "two" });
    expect(r.world).toBe(world(r, "two").id);
    const r2 = ok(two, { world: "a:b/one" });
    expect(r2.world).toBe(world(r2, "one").id);
  });

  it("selects a world of another package by id, with or without its version", () => {
    const src = "package a:root;\npackage a:dep@1.0.0 { world dw {} }\nworld w {}\n";
    const r = ok(src, { world: "a:dep/dw@1.0.0" });
    expect(r.resolve.worlds[r.world!].name).toBe("dw");
    const r2 = ok(src, { world: "a:dep/dw" });
    expect(r2.resolve.worlds[r2.world!].name).toBe("dw");
  });

  it("reports unknown worlds and packages and ambiguous versions", () => {
    const d = fail(two, { world: "three" });
    expect(d.message).toBe("World `three` not found in package `a:b`");
    expect(d.location).toBeUndefined();
    expect(fail(two, { world: "x:y/one" }).message).toBe("unknown package `x:y`");
    const versions = "package a:root;\npackage a:dep@1.0.0 { world w {} }\npackage a:dep@2.0.0 { world w {} }\n";
    expect(fail(versions, { world: "a:dep/w" }).message).toBe(
      "package name `a:dep` is available at both versions 1.0.0 and 2.0.0 but which is not specified",
    );
  });

  it("reports an unparsable world specifier", () => {
    const d = fail(two, { world: "a:b/" });
    expect(renderDiagnostics([d])).toContain("failed to parse world specifier `a:b/`");
  });

  // wit-parser parses the specifier with the WIT tokenizer
  // (`parse_use_path` in wit-parser's src/ast.rs, called from
  // `Resolve::select_world` in resolve/mod.rs), so identifiers must be valid
  // kebab-case, keywords need `%`, nothing may follow the path and a version
  // must be full semver. `Resolve.selectWorld` (ir/resolve.ts) matches a
  // permissive regex instead and reports "World `...` not found" or
  // "unknown package `...`".
  it("rejects world specifiers that are not WIT use paths as unparsable", () => {
    for (const spec of ["my_world", "one two", "interface", "a:b/one@1.0"]) {
      const d = fail(two, { world: spec });
      expect([...d.contexts, d.message].join(": ")).toContain(`failed to parse world specifier \`${spec}\``);
    }
  });

  it("accepts a `%`-escaped world name", () => {
    const r = ok("package a:b;\nworld %interface {}\nworld other {}\n", { world: "%interface" });
    expect(r.resolve.worlds[r.world!].name).toBe("interface");
  });
});

// ---------------------------------------------------------------------------

describe("resolveToJson", () => {
  it("encodes a small package as wit-parser's Resolve JSON", () => {
    const r = ok(`package a:b@0.1.0;

/// Some types.
interface types {
  record point { x: s32, y: s32 }
  f: func(p: point) -> list<point>;
}

world w {
  export types;
  import g: func();
}
`);
    expect(resolveToJson(r.resolve)).toEqual({
      worlds: [
        {
          name: "w",
          imports: {
            g: { function: { name: "g", kind: "freestanding", params: [] } },
          },
          exports: {
            "interface-0": { interface: { id: 0 } },
          },
          package: 0,
        },
      ],
      interfaces: [
        {
          name: "types",
          types: { point: 0 },
          functions: {
            f: {
              name: "f",
              kind: "freestanding",
              params: [{ name: "p", type: 0 }],
              result: 1,
            },
          },
          docs: { contents: "Some types." },
          package: 0,
        },
      ],
      types: [
        {
          name: "point",
          kind: {
            record: {
              fields: [
                { name: "x", type: "s32" },
                { name: "y", type: "s32" },
              ],
            },
          },
          owner: { interface: 0 },
        },
        { name: null, kind: { list: 0 }, owner: null },
      ],
      packages: [
        {
          name: "a:b@0.1.0",
          interfaces: { types: 0 },
          worlds: { w: 0 },
        },
      ],
    });
  });

  it("encodes handles, resources and world-owned types", () => {
    const json = resolveToJson(
      ok(`package a:b;
world w {
  resource r { m: func() -> r; }
}
`).resolve,
    ) as { types: unknown[]; worlds: { imports: Record<string, unknown> }[] };
    expect(json.types).toEqual([
      { name: "r", kind: "resource", owner: { world: 0 } },
      { name: null, kind: { handle: { borrow: 0 } }, owner: null },
      { name: null, kind: { handle: { own: 0 } }, owner: null },
    ]);
    expect(Object.keys(json.worlds[0].imports)).toEqual(["r", "[method]r.m"]);
    expect(json.worlds[0].imports["[method]r.m"]).toEqual({
      function: {
        name: "[method]r.m",
        kind: { method: 0 },
        params: [{ name: "self", type: 1 }],
        result: 2,
      },
    });
  });
});
