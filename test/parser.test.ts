/**
 * Unit tests of the WIT parser (`parseWitFile`): the AST it builds for every
 * construct of WIT.md, the spans it records, and the syntax errors it reports.
 *
 * Expected error messages and positions are those of Rust's wit-parser
 * (wasm-tools `crates/wit-parser`, `ast.rs` and `ast/lex.rs`). Two kinds of
 * wit-parser errors have different spans:
 *  - errors built by `err_expected` ("expected a type, found ...", "expected
 *    an identifier or string, found ...", "unknown attribute ...", semver and
 *    nesting errors) cover the whole offending token;
 *  - lexer errors, including `Tokenizer::expect` ("expected ';', found ...")
 *    and identifier spelling errors, cover one character at their position.
 * The main error tests check the message and where the span starts (and the
 * whole span for the first kind); the widths of the second kind are checked
 * separately in "span widths of lexer-level errors".
 *
 * Where wit-parser behaves unexpectedly, the tests pin its behaviour.
 */
import { describe, expect, it } from "vitest";
import {
  parseWitFile,
  type AstItem,
  type AstType,
  type Interface,
  type InterfaceItem,
  type PackageFile,
  type Span,
  type TypeDef,
  type World,
  type WorldItem,
} from "../parser/index.js";

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/** Parses `src`, expecting no problems. */
function parse(src: string, base = 0): PackageFile {
  const { file, problems } = parseWitFile(src, base);
  expect(problems).toEqual([]);
  expect(file).toBeDefined();
  return file!;
}

/** The text a span covers (for `base = 0`). */
function text(src: string, span: Span | undefined): string {
  if (!span) throw new Error("missing span");
  return src.slice(span.start, span.end);
}

/** Offset of the `nth` occurrence of `needle` in `src`. */
function pos(src: string, needle: string, nth = 0): number {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = src.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`${JSON.stringify(needle)} not found in ${JSON.stringify(src)}`);
  }
  return at;
}

function asInterface(item: AstItem | undefined): Interface {
  if (item?.kind !== "interface") throw new Error(`expected an interface, got ${item?.kind}`);
  return item.value;
}

function asWorld(item: AstItem | undefined): World {
  if (item?.kind !== "world") throw new Error(`expected a world, got ${item?.kind}`);
  return item.value;
}

function asPackage(item: AstItem | undefined): PackageFile {
  if (item?.kind !== "package") throw new Error(`expected a nested package, got ${item?.kind}`);
  return item.value;
}

function asTypeDef(item: InterfaceItem | WorldItem | undefined): TypeDef {
  if (item?.kind !== "typedef") throw new Error(`expected a typedef, got ${item?.kind}`);
  return item.value;
}

/** Items of the only interface of `src`. */
function interfaceItems(src: string): InterfaceItem[] {
  return asInterface(parse(src).items[0]).items;
}

/** The AST of `ty` written as `type t = <ty>;` in an interface. */
function typeOf(ty: string): { src: string; type: AstType } {
  const src = `interface i { type t = ${ty}; }`;
  return { src, type: asTypeDef(interfaceItems(src)[0]).type };
}

/** A compact, span-free view of a type, for structural comparisons. */
function shape(t: AstType | undefined): unknown {
  if (!t) return undefined;
  switch (t.kind) {
    case "primitive":
      return t.name;
    case "name":
      return { name: t.id.name };
    case "list":
      return { list: shape(t.element) };
    case "fixed-length-list":
      return { list: shape(t.element), size: t.size };
    case "map":
      return { map: [shape(t.key), shape(t.value)] };
    case "handle":
      return { [t.handle]: t.resource.name };
    case "tuple":
      return { tuple: t.types.map(shape) };
    case "option":
      return { option: shape(t.type) };
    case "result":
      return { result: [shape(t.ok), shape(t.err)] };
    case "future":
      return { future: shape(t.type) };
    case "stream":
      return { stream: shape(t.type) };
    default:
      return { [t.kind]: true };
  }
}

/**
 * Checks the first problem reported for `src`: its message, where it starts,
 * and, when given, where it ends. The file must not be returned.
 */
function expectFirstProblem(src: string, message: string, start: number, end?: number): void {
  const { file, problems } = parseWitFile(src);
  expect(file).toBeUndefined();
  expect(problems.length).toBeGreaterThan(0);
  const [first] = problems;
  expect(first.message).toBe(message);
  expect(first.span.start).toBe(start);
  if (end !== undefined) expect(first.span.end).toBe(end);
}

/** An error that wit-parser reports on a whole token (`err_expected` and friends). */
function expectTokenError(src: string, message: string, token: string, nth = 0): void {
  const start = pos(src, token, nth);
  expectFirstProblem(src, message, start, start + token.length);
}

/** An error that wit-parser reports at the start of a token (lexer-level errors). */
function expectErrorAt(src: string, message: string, token: string, nth = 0): void {
  expectFirstProblem(src, message, pos(src, token, nth));
}

/** An error reported at the end of the input. */
function expectErrorAtEof(src: string, message: string): void {
  expectFirstProblem(src, message, src.length);
}

// ---------------------------------------------------------------------------
// Package declarations and top-level items
// ---------------------------------------------------------------------------

describe("package declarations", () => {
  it("parses an empty file", () => {
    const file = parse("");
    expect(file.packageId).toBeUndefined();
    expect(file.items).toEqual([]);
  });

  it("parses a file without a package header", () => {
    const file = parse("interface i {}\nworld w {}\n");
    expect(file.packageId).toBeUndefined();
    expect(file.items.map((i) => i.kind)).toEqual(["interface", "world"]);
  });

  it("parses `package ns:name;` with spans of each part", () => {
    const src = "package wasi:cli;\ninterface i {}\n";
    const id = parse(src).packageId!;
    expect(id.namespace.name).toBe("wasi");
    expect(id.name.name).toBe("cli");
    expect(id.version).toBeUndefined();
    expect(text(src, id.namespace)).toBe("wasi");
    expect(text(src, id.name)).toBe("cli");
    expect(text(src, id.span)).toBe("wasi:cli");
  });

  it("parses a package version; the package span includes it", () => {
    const src = "package wasi:cli@0.2.1;";
    const id = parse(src).packageId!;
    expect(id.version?.version).toEqual({ major: "0", minor: "2", patch: "1", pre: [], build: [] });
    expect(text(src, id.version?.span)).toBe("0.2.1");
    expect(text(src, id.span)).toBe("wasi:cli@0.2.1");
  });

  it("parses pre-release and build metadata in a version", () => {
    const src = "package a:b@1.0.0-alpha.1+build.2.3;";
    const id = parse(src).packageId!;
    expect(id.version?.version).toEqual({
      major: "1",
      minor: "0",
      patch: "0",
      pre: ["alpha", "1"],
      build: ["build", "2", "3"],
    });
    expect(text(src, id.version?.span)).toBe("1.0.0-alpha.1+build.2.3");
  });

  it("accepts hyphens inside pre-release identifiers", () => {
    expect(parse("package a:b@1.0.0-x-y;").packageId!.version?.version.pre).toEqual(["x-y"]);
    expect(parse("package a:b@1.0.0--;").packageId!.version?.version.pre).toEqual(["-"]);
  });

  it("accepts %-escaped package names", () => {
    const src = "package %package:%world@0.0.1;";
    const id = parse(src).packageId!;
    expect(id.namespace.name).toBe("package");
    expect(id.name.name).toBe("world");
    expect(text(src, id.namespace)).toBe("%package");
  });

  it("parses nested `package a:b { ... }` blocks", () => {
    const src = "package a:b {\n  interface i {}\n  world w {}\n}\npackage c:d@0.1.0 {}\n";
    const file = parse(src);
    expect(file.packageId).toBeUndefined();
    const [first, second] = file.items.map(asPackage);
    expect(text(src, first.packageId!.span)).toBe("a:b");
    expect(first.items.map((i) => i.kind)).toEqual(["interface", "world"]);
    expect(asInterface(first.items[0]).name.name).toBe("i");
    expect(text(src, second.packageId!.span)).toBe("c:d@0.1.0");
    expect(second.items).toEqual([]);
  });

  it("parses nested packages after a package header, and packages inside packages", () => {
    const src = "package a:b;\ninterface top {}\npackage c:d {\n  package e:f { world w {} }\n}\n";
    const file = parse(src);
    expect(text(src, file.packageId!.span)).toBe("a:b");
    expect(file.items.map((i) => i.kind)).toEqual(["interface", "package"]);
    const outer = asPackage(file.items[1]);
    const inner = asPackage(outer.items[0]);
    expect(text(src, inner.packageId!.span)).toBe("e:f");
    expect(asWorld(inner.items[0]).name.name).toBe("w");
  });

  it("accepts 100 levels of nested packages", () => {
    const src = "package a:b { ".repeat(100) + "}".repeat(100);
    let pkg = asPackage(parse(src).items[0]);
    for (let depth = 1; depth < 100; depth++) pkg = asPackage(pkg.items[0]);
    expect(pkg.items).toEqual([]);
  });

  it("parses top-level `use` with and without `as`", () => {
    const src = "package a:b;\nuse ns:pkg/iface as x;\nuse ns:pkg/other@1.0.0-rc.1;\nuse local;\n";
    const uses = parse(src).items.map((item) => {
      if (item.kind !== "use") throw new Error(item.kind);
      return item.value;
    });
    expect(uses).toHaveLength(3);

    const [withAs, versioned, local] = uses;
    expect(text(src, withAs.span)).toBe("use");
    if (withAs.item.kind !== "package") throw new Error("expected a package path");
    expect(withAs.item.package.namespace.name).toBe("ns");
    expect(withAs.item.package.name.name).toBe("pkg");
    expect(withAs.item.name.name).toBe("iface");
    expect(withAs.as?.name).toBe("x");
    expect(text(src, withAs.as)).toBe("x");

    if (versioned.item.kind !== "package") throw new Error("expected a package path");
    expect(text(src, versioned.item.package.version?.span)).toBe("1.0.0-rc.1");
    expect(versioned.as).toBeUndefined();

    expect(local.item).toMatchObject({ kind: "id", id: { name: "local" } });
  });
});

// ---------------------------------------------------------------------------
// Interfaces
// ---------------------------------------------------------------------------

describe("interfaces", () => {
  it("parses an empty interface and records its name span", () => {
    const src = "interface my-iface {}";
    const iface = asInterface(parse(src).items[0]);
    expect(iface.name.name).toBe("my-iface");
    expect(text(src, iface.name)).toBe("my-iface");
    expect(iface.items).toEqual([]);
  });

  it("parses functions with parameters, results and a trailing comma", () => {
    const src = "interface i {\n  f: func();\n  g: func(a: u32, b: string,) -> list<u8>;\n}";
    const [f, g] = interfaceItems(src);
    if (f.kind !== "func" || g.kind !== "func") throw new Error("expected functions");
    expect(f.value.name.name).toBe("f");
    expect(f.value.func.params).toEqual([]);
    expect(f.value.func.result).toBeUndefined();
    expect(f.value.func.async).toBe(false);
    expect(text(src, f.value.func.span)).toBe("func");

    expect(g.value.func.params.map((p) => [p.name.name, shape(p.type)])).toEqual([
      ["a", "u32"],
      ["b", "string"],
    ]);
    expect(text(src, g.value.func.params[1].name)).toBe("b");
    expect(shape(g.value.func.result)).toEqual({ list: "u8" });
  });

  it("parses `async func`; the function span is the `func` keyword", () => {
    const src = "interface i { f: async func(x: u32) -> string; }";
    const [f] = interfaceItems(src);
    if (f.kind !== "func") throw new Error("expected a function");
    expect(f.value.func.async).toBe(true);
    expect(f.value.func.span.start).toBe(pos(src, "func("));
    expect(text(src, f.value.func.span)).toBe("func");
  });

  it("parses `use` items with renames", () => {
    const src = "interface i { use other.{a, b as c}; }";
    const [u] = interfaceItems(src);
    if (u.kind !== "use") throw new Error("expected a use");
    expect(u.value.from).toMatchObject({ kind: "id", id: { name: "other" } });
    expect(u.value.names.map((n) => [n.name.name, n.as?.name])).toEqual([
      ["a", undefined],
      ["b", "c"],
    ]);
    expect(text(src, u.value.names[1].as)).toBe("c");
  });

  it("parses `use` from a versioned package path followed by `.{`", () => {
    const src = "interface i { use ns:pkg/iface@1.0.0.{x,}; use a.{}; }";
    const [u, empty] = interfaceItems(src);
    if (u.kind !== "use" || empty.kind !== "use") throw new Error("expected uses");
    if (u.value.from.kind !== "package") throw new Error("expected a package path");
    expect(text(src, u.value.from.package.span)).toBe("ns:pkg");
    expect(text(src, u.value.from.name)).toBe("iface");
    expect(text(src, u.value.from.package.version?.span)).toBe("1.0.0");
    expect(u.value.names.map((n) => n.name.name)).toEqual(["x"]);
    expect(empty.value.names).toEqual([]);
  });

  // wit-parser's version reader stops before a `.` that is not followed by an
  // identifier, integer or `-`, so `@1.0.0-rc.1.{x}` is version `1.0.0-rc.1`.
  it("parses `use` from a pre-release or build version followed by `.{`", () => {
    const src = "interface i { use ns:pkg/iface@1.0.0-rc.1.{x}; use ns:pkg/iface@1.0.0+b.5.{y}; }";
    const [a, b] = interfaceItems(src);
    if (a.kind !== "use" || b.kind !== "use" || a.value.from.kind !== "package" || b.value.from.kind !== "package") {
      throw new Error("expected package uses");
    }
    expect(text(src, a.value.from.package.version?.span)).toBe("1.0.0-rc.1");
    expect(text(src, b.value.from.package.version?.span)).toBe("1.0.0+b.5");
  });
});

// ---------------------------------------------------------------------------
// Worlds
// ---------------------------------------------------------------------------

describe("worlds", () => {
  function worldItems(body: string): { src: string; items: WorldItem[] } {
    const src = `package a:b;\nworld w {\n${body}\n}\n`;
    return { src, items: asWorld(parse(src).items[0]).items };
  }

  it("parses a world and records its name span", () => {
    const src = "world my-world {}";
    const world = asWorld(parse(src).items[0]);
    expect(text(src, world.name)).toBe("my-world");
    expect(world.items).toEqual([]);
  });

  it("imports and exports interfaces by path", () => {
    const { src, items } = worldItems("  import a;\n  import ns:pkg/iface;\n  export ns:pkg/iface@1.2.3;");
    expect(items.map((i) => i.kind)).toEqual(["import", "import", "export"]);
    const externs = items.map((i) => (i.kind === "import" || i.kind === "export" ? i.extern : undefined));
    expect(externs[0]).toMatchObject({ kind: "path", path: { kind: "id", id: { name: "a" } } });
    const qualified = externs[1];
    if (qualified?.kind !== "path" || qualified.path.kind !== "package") throw new Error("expected a package path");
    expect(qualified.path.package.namespace.name).toBe("ns");
    expect(qualified.path.package.name.name).toBe("pkg");
    expect(qualified.path.name.name).toBe("iface");
    expect(qualified.path.package.version).toBeUndefined();
    const versioned = externs[2];
    if (versioned?.kind !== "path" || versioned.path.kind !== "package") throw new Error("expected a package path");
    expect(versioned.path.package.version?.version).toMatchObject({ major: "1", minor: "2", patch: "3" });
    expect(text(src, versioned.path.package.version?.span)).toBe("1.2.3");
  });

  it("imports and exports named functions, including async ones", () => {
    const { src, items } = worldItems("  import f: func();\n  export g: async func(x: u32) -> string;");
    const [f, g] = items;
    if (f.kind !== "import" || f.extern.kind !== "func") throw new Error("expected an imported function");
    if (g.kind !== "export" || g.extern.kind !== "func") throw new Error("expected an exported function");
    expect(text(src, f.extern.name)).toBe("f");
    expect(f.extern.func.async).toBe(false);
    expect(g.extern.func.async).toBe(true);
    expect(g.extern.func.params.map((p) => p.name.name)).toEqual(["x"]);
    expect(shape(g.extern.func.result)).toBe("string");
  });

  it("exports an inline interface", () => {
    const { src, items } = worldItems("  export foo: interface {\n    h: func();\n    type t = u8;\n  }");
    const [e] = items;
    if (e.kind !== "export" || e.extern.kind !== "interface") throw new Error("expected an inline interface");
    expect(text(src, e.extern.name)).toBe("foo");
    expect(e.extern.items.map((i) => i.kind)).toEqual(["func", "typedef"]);
  });

  it("imports interfaces under a label (`label: path`)", () => {
    const { src, items } = worldItems(
      "  import primary: ns:pkg/store;\n  import backup: ns:pkg/store@1.0.0;\n  export local: store;",
    );
    const externs = items.map((i) => (i.kind === "import" || i.kind === "export" ? i.extern : undefined));
    for (const e of externs) expect(e?.kind).toBe("named-path");
    const [primary, backup, local] = externs;
    if (primary?.kind !== "named-path" || backup?.kind !== "named-path" || local?.kind !== "named-path") {
      throw new Error("expected named paths");
    }
    expect(text(src, primary.name)).toBe("primary");
    expect(primary.path).toMatchObject({ kind: "package", name: { name: "store" } });
    if (backup.path.kind !== "package") throw new Error("expected a package path");
    expect(text(src, backup.path.package.version?.span)).toBe("1.0.0");
    expect(local.path).toMatchObject({ kind: "id", id: { name: "store" } });
  });

  it("parses `include` with and without `with { a as b }`", () => {
    const { src, items } = worldItems(
      "  include p with { a as b, c as d, }\n  include ns:pkg/w2;\n  include q with {}",
    );
    const includes = items.map((i) => {
      if (i.kind !== "include") throw new Error(i.kind);
      return i.value;
    });
    expect(includes[0].from).toMatchObject({ kind: "id", id: { name: "p" } });
    expect(includes[0].names.map((n) => [n.name.name, n.as.name])).toEqual([
      ["a", "b"],
      ["c", "d"],
    ]);
    expect(text(src, includes[0].names[1].as)).toBe("d");
    expect(includes[1].from).toMatchObject({ kind: "package", name: { name: "w2" } });
    expect(includes[1].names).toEqual([]);
    expect(includes[2].names).toEqual([]);
  });

  it("parses `use` and type definitions inside a world", () => {
    const { items } = worldItems(
      "  use i.{t};\n  type t2 = u32;\n  record r { a: u8 }\n  variant v { x }\n  enum e { y }\n  flags f { z }\n  resource res;",
    );
    expect(items.map((i) => i.kind)).toEqual(["use", ...Array(6).fill("typedef")]);
    expect(items.slice(1).map((i) => asTypeDef(i).type.kind)).toEqual([
      "primitive",
      "record",
      "variant",
      "enum",
      "flags",
      "resource",
    ]);
  });
});

// ---------------------------------------------------------------------------
// Type definitions
// ---------------------------------------------------------------------------

describe("type definitions", () => {
  it("parses a type alias", () => {
    const src = "interface i { type my-type = u32; }";
    const def = asTypeDef(interfaceItems(src)[0]);
    expect(text(src, def.name)).toBe("my-type");
    expect(def.type).toMatchObject({ kind: "primitive", name: "u32" });
    expect(text(src, def.type.span)).toBe("u32");
  });

  it("parses a record; its span is the record's name", () => {
    const src = "interface i { record point { x: s32, y: option<s32>, } record empty {} }";
    const [point, empty] = interfaceItems(src).map(asTypeDef);
    if (point.type.kind !== "record" || empty.type.kind !== "record") throw new Error("expected records");
    expect(point.type.fields.map((f) => [f.name.name, shape(f.type)])).toEqual([
      ["x", "s32"],
      ["y", { option: "s32" }],
    ]);
    expect(text(src, point.type.fields[1].name)).toBe("y");
    expect(text(src, point.type.span)).toBe("point");
    expect(empty.type.fields).toEqual([]);
  });

  it("parses a variant with and without payloads", () => {
    const src = "interface i { variant v { none, some(u32), err(list<string>), } }";
    const def = asTypeDef(interfaceItems(src)[0]);
    if (def.type.kind !== "variant") throw new Error("expected a variant");
    expect(def.type.cases.map((c) => [c.name.name, shape(c.type)])).toEqual([
      ["none", undefined],
      ["some", "u32"],
      ["err", { list: "string" }],
    ]);
    expect(text(src, def.type.cases[2].name)).toBe("err");
    expect(text(src, def.type.span)).toBe("v");
  });

  it("parses enums and flags, with and without trailing commas", () => {
    const src = "interface i { enum color { red, green, } flags perms { read, write } enum e {} flags f {} }";
    const [color, perms, e, f] = interfaceItems(src).map(asTypeDef);
    if (color.type.kind !== "enum" || perms.type.kind !== "flags") throw new Error("expected enum and flags");
    expect(color.type.cases.map((c) => c.name.name)).toEqual(["red", "green"]);
    expect(text(src, color.type.cases[1].name)).toBe("green");
    expect(perms.type.flags.map((c) => c.name.name)).toEqual(["read", "write"]);
    expect(e.type).toMatchObject({ kind: "enum", cases: [] });
    expect(f.type).toMatchObject({ kind: "flags", flags: [] });
  });

  it("parses resources declared with `;` and with an empty body", () => {
    const src = "interface i { resource a; resource b {} }";
    const [a, b] = interfaceItems(src).map(asTypeDef);
    expect(a.type).toMatchObject({ kind: "resource", funcs: [] });
    expect(b.type).toMatchObject({ kind: "resource", funcs: [] });
    expect(text(src, a.type.span)).toBe("a");
  });

  it("parses resource constructors, methods, static and async functions", () => {
    const src = `interface i {
  resource r {
    constructor(a: u32, b: string,) -> result<r, e>;
    m: func(other: borrow<r>) -> own<r>;
    s: static func() -> r;
    am: async func();
    sa: static async func();
    @since(version = 0.1.0) g: func();
  }
}`;
    const def = asTypeDef(interfaceItems(src)[0]);
    if (def.type.kind !== "resource") throw new Error("expected a resource");
    const funcs = def.type.funcs;
    expect(funcs.map((f) => [f.kind, f.func.name.name, f.func.func.async])).toEqual([
      ["constructor", "constructor", false],
      ["method", "m", false],
      ["static", "s", false],
      ["method", "am", true],
      ["static", "sa", true],
      ["method", "g", false],
    ]);
    const ctor = funcs[0].func;
    expect(text(src, ctor.name)).toBe("constructor");
    expect(text(src, ctor.func.span)).toBe("constructor");
    expect(ctor.func.params.map((p) => p.name.name)).toEqual(["a", "b"]);
    expect(shape(ctor.func.result)).toEqual({ result: [{ name: "r" }, { name: "e" }] });
    expect(shape(funcs[1].func.func.params[0].type)).toEqual({ borrow: "r" });
    expect(shape(funcs[1].func.func.result)).toEqual({ own: "r" });
    expect(text(src, funcs[4].func.func.span)).toBe("func");
    expect(funcs[5].func.attributes).toMatchObject([{ kind: "since" }]);
  });

  it("parses a constructor without a result", () => {
    const def = asTypeDef(interfaceItems("interface i { resource r { constructor(); } }")[0]);
    if (def.type.kind !== "resource") throw new Error("expected a resource");
    expect(def.type.funcs[0].func.func).toMatchObject({ params: [], result: undefined, async: false });
  });
});

// ---------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------

describe("types", () => {
  it("parses every primitive type; the span is the keyword", () => {
    const primitives = [
      "bool",
      "u8",
      "u16",
      "u32",
      "u64",
      "s8",
      "s16",
      "s32",
      "s64",
      "f32",
      "f64",
      "char",
      "string",
      "error-context",
    ];
    for (const name of primitives) {
      const { src, type } = typeOf(name);
      expect(type).toMatchObject({ kind: "primitive", name });
      expect(text(src, type.span)).toBe(name);
    }
  });

  it("parses tuples, including empty ones and a trailing comma", () => {
    const { src, type } = typeOf("tuple<u32, string>");
    expect(shape(type)).toEqual({ tuple: ["u32", "string"] });
    expect(text(src, type.span)).toBe("tuple");
    expect(shape(typeOf("tuple<>").type)).toEqual({ tuple: [] });
    expect(shape(typeOf("tuple<u8,>").type)).toEqual({ tuple: ["u8"] });
  });

  it("parses `list<T>`; the span is the `list` keyword", () => {
    const { src, type } = typeOf("list<list<u8>>");
    expect(shape(type)).toEqual({ list: { list: "u8" } });
    expect(type.span.start).toBe(pos(src, "list<list"));
    expect(text(src, type.span)).toBe("list");
  });

  it("parses fixed-length lists `list<T, N>` up to u32::MAX", () => {
    const { src, type } = typeOf("list<u8, 4>");
    expect(type).toMatchObject({ kind: "fixed-length-list", size: 4 });
    expect(shape(type)).toEqual({ list: "u8", size: 4 });
    expect(text(src, type.span)).toBe("list");
    expect(typeOf("list<u8, 0>").type).toMatchObject({ size: 0 });
    expect(typeOf("list<u8, 007>").type).toMatchObject({ size: 7 });
    expect(typeOf("list<u8, 4294967295>").type).toMatchObject({ size: 4294967295 });
  });

  it("parses `option<T>`", () => {
    const { src, type } = typeOf("option<string>");
    expect(shape(type)).toEqual({ option: "string" });
    expect(text(src, type.span)).toBe("option");
  });

  it("parses the four forms of `result`", () => {
    expect(shape(typeOf("result").type)).toEqual({ result: [undefined, undefined] });
    expect(shape(typeOf("result<u32>").type)).toEqual({ result: ["u32", undefined] });
    expect(shape(typeOf("result<_, string>").type)).toEqual({ result: [undefined, "string"] });
    expect(shape(typeOf("result<u32, string>").type)).toEqual({ result: ["u32", "string"] });
    const { src, type } = typeOf("result<_, string>");
    expect(text(src, type.span)).toBe("result");
  });

  it("parses `map<K, V>`", () => {
    const { src, type } = typeOf("map<string, list<u8>>");
    expect(shape(type)).toEqual({ map: ["string", { list: "u8" }] });
    expect(text(src, type.span)).toBe("map");
  });

  it("parses `future`, `future<T>`, `stream` and `stream<T>`", () => {
    expect(shape(typeOf("future").type)).toEqual({ future: undefined });
    expect(shape(typeOf("future<u32>").type)).toEqual({ future: "u32" });
    expect(shape(typeOf("stream").type)).toEqual({ stream: undefined });
    expect(shape(typeOf("stream<future<u8>>").type)).toEqual({ stream: { future: "u8" } });
    const { src, type } = typeOf("stream<u8>");
    expect(text(src, type.span)).toBe("stream");
  });

  it("parses `own<r>` and `borrow<r>`; the span is the resource name", () => {
    const own = typeOf("own<%r>");
    expect(own.type).toMatchObject({ kind: "handle", handle: "own", resource: { name: "r" } });
    expect(text(own.src, own.type.span)).toBe("%r");
    const borrow = typeOf("borrow<res>");
    expect(borrow.type).toMatchObject({ kind: "handle", handle: "borrow", resource: { name: "res" } });
    expect(text(borrow.src, borrow.type.span)).toBe("res");
  });

  it("parses references to named types, %-escaped or not", () => {
    const named = typeOf("my-type");
    expect(named.type).toMatchObject({ kind: "name", id: { name: "my-type" } });
    expect(text(named.src, named.type.span)).toBe("my-type");
    const escaped = typeOf("%u32");
    expect(escaped.type).toMatchObject({ kind: "name", id: { name: "u32" } });
    expect(text(escaped.src, escaped.type.span)).toBe("%u32");
  });

  it("accepts types nested 99 levels deep", () => {
    const { type } = typeOf("list<".repeat(99) + "u32" + ">".repeat(99));
    let t: AstType = type;
    for (let i = 0; i < 99; i++) {
      if (t.kind !== "list") throw new Error(`level ${i} is ${t.kind}`);
      t = t.element;
    }
    expect(t).toMatchObject({ kind: "primitive", name: "u32" });
  });
});

// ---------------------------------------------------------------------------
// Gates and attributes
// ---------------------------------------------------------------------------

describe("gates and attributes", () => {
  it("parses `@since`, `@unstable` and `@deprecated` on an interface; spans name the attribute", () => {
    const src =
      "@since(version = 1.0.0-rc.1) @unstable(feature = fancy-thing) @deprecated(version = 2.0.0)\ninterface i {}";
    const iface = asInterface(parse(src).items[0]);
    const [since, unstable, deprecated] = iface.attributes;
    expect(since).toMatchObject({ kind: "since", version: { major: "1", pre: ["rc", "1"] } });
    expect(text(src, since.span)).toBe("since");
    expect(unstable).toMatchObject({ kind: "unstable", feature: { name: "fancy-thing" } });
    if (unstable.kind !== "unstable") throw new Error("expected @unstable");
    expect(text(src, unstable.feature)).toBe("fancy-thing");
    expect(text(src, unstable.span)).toBe("unstable");
    expect(deprecated).toMatchObject({ kind: "deprecated", version: { major: "2" } });
    expect(text(src, deprecated.span)).toBe("deprecated");
  });

  it('parses `@external-id("...")` with string escapes', () => {
    const src = '@external-id("abc\\u{41}\\n\\t\\"\\\\\\41") world w {}';
    const [attr] = asWorld(parse(src).items[0]).attributes;
    expect(attr).toEqual({ kind: "external-id", span: attr.span, id: 'abcA\n\t"\\A' });
    expect(text(src, attr.span)).toBe("external-id");
    expect(asWorld(parse('@external-id("") world w {}').items[0]).attributes).toMatchObject([{ id: "" }]);
  });

  it("parses gates on interface members", () => {
    const src = `interface i {
  @since(version = 1.0.0) type t = u32;
  @unstable(feature = f) f: func();
  @deprecated(version = 1.0.0) use a.{b};
  @since(version = 1.0.0) record r { x: u8 }
}`;
    const items = interfaceItems(src);
    expect(asTypeDef(items[0]).attributes).toMatchObject([{ kind: "since" }]);
    if (items[1].kind !== "func" || items[2].kind !== "use") throw new Error("expected a func and a use");
    expect(items[1].value.attributes).toMatchObject([{ kind: "unstable", feature: { name: "f" } }]);
    expect(items[2].value.attributes).toMatchObject([{ kind: "deprecated" }]);
    expect(asTypeDef(items[3]).attributes).toMatchObject([{ kind: "since" }]);
  });

  it("parses gates on world members and on worlds", () => {
    const src = `@unstable(feature = w) world w {
  @since(version = 1.0.0) import a;
  @unstable(feature = x) export f: func();
  @since(version = 1.0.0) include other;
  @since(version = 1.0.0) use a.{b};
}`;
    const world = asWorld(parse(src).items[0]);
    expect(world.attributes).toMatchObject([{ kind: "unstable" }]);
    const [imp, exp, inc, use] = world.items;
    if (imp.kind !== "import" || exp.kind !== "export" || inc.kind !== "include" || use.kind !== "use") {
      throw new Error("unexpected world items");
    }
    expect(imp.attributes).toMatchObject([{ kind: "since" }]);
    expect(exp.attributes).toMatchObject([{ kind: "unstable", feature: { name: "x" } }]);
    expect(inc.value.attributes).toMatchObject([{ kind: "since" }]);
    expect(use.value.attributes).toMatchObject([{ kind: "since" }]);
  });

  it("parses gates on top-level `use`", () => {
    const [item] = parse("@since(version = 1.0.0) use a:b/c;").items;
    if (item.kind !== "use") throw new Error("expected a use");
    expect(item.value.attributes).toMatchObject([{ kind: "since" }]);
  });
});

// ---------------------------------------------------------------------------
// Identifiers
// ---------------------------------------------------------------------------

describe("identifiers", () => {
  it("strips the `%` of escaped identifiers but keeps it in the span", () => {
    const src = "interface %interface { %type: func(%func: %u32); }";
    const iface = asInterface(parse(src).items[0]);
    expect(iface.name.name).toBe("interface");
    expect(text(src, iface.name)).toBe("%interface");
    const [f] = iface.items;
    if (f.kind !== "func") throw new Error("expected a function");
    expect(f.value.name.name).toBe("type");
    expect(f.value.func.params[0].name.name).toBe("func");
    expect(f.value.func.params[0].type).toMatchObject({ kind: "name", id: { name: "u32" } });
  });

  it("accepts all-lowercase and all-uppercase words, and digits after a dash", () => {
    for (const id of ["a", "a0", "a-1", "apple-pear", "APPLE", "is-XML", "A-b", "a0-000-3d4a-54FF"]) {
      expect(asInterface(parse(`interface ${id} {}`).items[0]).name.name).toBe(id);
    }
  });

  it("lets `%` escape keywords that cannot otherwise name items", () => {
    const items = interfaceItems("interface i { %constructor: func(); type %u32 = u32; type x = %u32; }");
    expect(items.map((i) => (i.kind === "func" ? i.value.name.name : asTypeDef(i).name.name))).toEqual([
      "constructor",
      "u32",
      "x",
    ]);
  });
});

// ---------------------------------------------------------------------------
// Comments and documentation
// ---------------------------------------------------------------------------

describe("comments and docs", () => {
  it("keeps every comment before an item, verbatim and in order", () => {
    const src =
      "package a:b; // after header\n// a\n\n/* b */\n/// c\n@since(version = 1.0.0)\n// dropped\ninterface i {}";
    const file = parse(src);
    expect(file.packageId!.docs.comments).toEqual([]);
    const iface = asInterface(file.items[0]);
    // The comment after `package a:b;` precedes `interface`; the one between
    // the attribute and the keyword is not documentation.
    expect(iface.docs.comments).toEqual(["// after header\n", "// a\n", "/* b */", "/// c\n"]);
    expect(iface.docs.span!.start).toBe(pos(src, "// after"));
    // The docs span ends after the last comment, without its trailing newline.
    expect(iface.docs.span!.end).toBe(pos(src, "/// c") + "/// c".length);
  });

  it("keeps doc comments of the package header and of nested packages", () => {
    const src = "/// the package\npackage a:b;\n/** nested */\npackage c:d {}";
    const file = parse(src);
    expect(file.packageId!.docs.comments).toEqual(["/// the package\n"]);
    expect(text(src, file.packageId!.docs.span)).toBe("/// the package");
    expect(asPackage(file.items[0]).packageId!.docs.comments).toEqual(["/** nested */"]);
  });

  it("keeps docs of members, fields, cases, flags and resource functions", () => {
    const src = `interface i {
  /// enum doc
  enum e {
    /// case x
    x,
    // case y
    y,
  }
  record r { /// field
    a: u32 }
  variant v { /** va */ a, /* vb */ b(u32) }
  flags f { /// fa
    a }
  resource res {
    /// ctor
    constructor();
    // method
    m: func();
  }
  /// func doc
  g: func();
  // trailing comments before '}' belong to nothing
}`;
    const items = interfaceItems(src);
    const [e, r, v, f, res] = items.slice(0, 5).map(asTypeDef);
    expect(e.docs.comments).toEqual(["/// enum doc\n"]);
    if (e.type.kind !== "enum" || r.type.kind !== "record" || v.type.kind !== "variant") throw new Error("kinds");
    if (f.type.kind !== "flags" || res.type.kind !== "resource") throw new Error("kinds");
    expect(e.type.cases.map((c) => c.docs.comments)).toEqual([["/// case x\n"], ["// case y\n"]]);
    expect(r.type.fields[0].docs.comments).toEqual(["/// field\n"]);
    expect(v.type.cases.map((c) => c.docs.comments)).toEqual([["/** va */"], ["/* vb */"]]);
    expect(f.type.flags[0].docs.comments).toEqual(["/// fa\n"]);
    expect(res.type.funcs.map((fn) => fn.func.docs.comments)).toEqual([["/// ctor\n"], ["// method\n"]]);
    const g = items[5];
    if (g.kind !== "func") throw new Error("expected a function");
    expect(g.value.docs.comments).toEqual(["/// func doc\n"]);
    expect(items).toHaveLength(6);
  });

  it("keeps docs of world items", () => {
    const src = "world w {\n  /// imp\n  import x: func();\n  // exp\n  export y;\n  /// ty\n  type t = u8;\n}";
    const [imp, exp, ty] = asWorld(parse(src).items[0]).items;
    if (imp.kind !== "import" || exp.kind !== "export") throw new Error("expected import and export");
    expect(imp.docs.comments).toEqual(["/// imp\n"]);
    expect(exp.docs.comments).toEqual(["// exp\n"]);
    expect(asTypeDef(ty).docs.comments).toEqual(["/// ty\n"]);
  });

  it("has empty docs where no comment precedes an item", () => {
    const iface = asInterface(parse("interface i { f: func(); }").items[0]);
    expect(iface.docs).toEqual({ comments: [], span: undefined });
  });

  it("skips nested block comments anywhere", () => {
    const src = "/* a /* b /* c */ */ d */ interface /* x /* y */ */ i { f /**/ : func(); } /* end /* */ */";
    const iface = asInterface(parse(src).items[0]);
    expect(iface.docs.comments).toEqual(["/* a /* b /* c */ */ d */"]);
    expect(text(src, iface.name)).toBe("i");
  });

  it("accepts a line comment at the end of the file without a newline", () => {
    expect(parse("interface i {} // the end").items).toHaveLength(1);
  });
});

// ---------------------------------------------------------------------------
// Line endings, BOM, source offsets
// ---------------------------------------------------------------------------

describe("line endings, BOM and offsets", () => {
  it("accepts CRLF line endings; spans and comments index the original text", () => {
    const src = "package a:b;\r\n// c\r\ninterface i {\r\n  f: func();\r\n}\r\n";
    const file = parse(src);
    const iface = asInterface(file.items[0]);
    expect(iface.docs.comments).toEqual(["// c\r\n"]);
    expect(text(src, iface.docs.span)).toBe("// c");
    expect(text(src, iface.name)).toBe("i");
    const [f] = iface.items;
    if (f.kind !== "func") throw new Error("expected a function");
    expect(text(src, f.value.name)).toBe("f");
  });

  it("accepts a byte order mark at the start; spans still index the original text", () => {
    const src = "\ufeffpackage a:b;\ninterface i {}";
    const file = parse(src);
    expect(text(src, file.packageId!.namespace)).toBe("a");
    expect(text(src, asInterface(file.items[0]).name)).toBe("i");
  });

  it("shifts every span by the `base` offset", () => {
    const src = "package a:b;\ninterface i { type t = u32; }";
    const base = 1000;
    const file = parse(src, base);
    expect(file.packageId!.namespace).toEqual({ name: "a", start: base + 8, end: base + 9 });
    const def = asTypeDef(asInterface(file.items[0]).items[0]);
    expect(def.type.span).toEqual({ start: base + pos(src, "u32"), end: base + pos(src, "u32") + 3 });

    const bad = "interface i { type t = ; }";
    expect(parseWitFile(bad, base).problems[0].span).toEqual({ start: base + 23, end: base + 24 });
    expect(parseWitFile("interface i {", base).problems[0].span).toEqual({ start: base + 13, end: base + 13 });
  });
});

// ---------------------------------------------------------------------------
// Syntax errors
// ---------------------------------------------------------------------------

describe("syntax errors", () => {
  describe("top level and packages", () => {
    it("rejects a stray identifier at the top level", () => {
      expectTokenError("foo", "expected `world`, `interface` or `use`, found an identifier", "foo");
      expectTokenError("package a:b;\n42", "expected `world`, `interface` or `use`, found an integer", "42");
      expectTokenError("interface i {} /", "expected `world`, `interface` or `use`, found `/`", "/");
    });

    it("rejects attributes with nothing after them", () => {
      expectErrorAtEof("interface i {} @since(version = 1.0.0)", "expected `world`, `interface` or `use`, found eof");
    });

    it("rejects a package name without a namespace", () => {
      expectErrorAt("package a;", "expected ':', found ';'", ";");
    });

    it("rejects a second `package ...;` header", () => {
      // wit-parser reads it as a nested package missing its `{`.
      expectErrorAt("package a:b; package c:d;", "expected '{', found ';'", ";", 1);
      expectErrorAt("package a:b@1.2.3 interface i {}", "expected '{', found keyword `interface`", "interface");
    });

    it("rejects an unclosed or malformed nested package", () => {
      expectErrorAtEof("package a:b { interface i {}", "expected `world`, `interface` or `use`, found eof");
      expectTokenError("package a:b { foo }", "expected `world`, `interface` or `use`, found an identifier", "foo");
    });

    it("rejects attributes on nested packages, at the `package` keyword", () => {
      expectTokenError(
        "@since(version = 1.0.0) package a:b {}",
        "cannot place attributes on nested packages",
        "package",
      );
    });

    it("rejects packages nested more than 100 deep, at the 101st `package`", () => {
      const src = "package a:b { ".repeat(101) + "}".repeat(101);
      expectFirstProblem(src, "package nesting too deep", 1400, 1407);
      expect(src.slice(1400, 1407)).toBe("package");
    });
  });

  describe("interface and world bodies", () => {
    it("rejects a token that cannot start an interface item", () => {
      expectTokenError("interface i { 42 }", "expected `type`, `resource` or `func`, found an integer", "42");
      expectTokenError(
        "interface i { import: func(); }",
        "expected `type`, `resource` or `func`, found keyword `import`",
        "import",
      );
      expectTokenError(
        "interface i { constructor: func(); }",
        "expected `type`, `resource` or `func`, found keyword `constructor`",
        "constructor",
      );
    });

    it("rejects an unclosed interface at eof", () => {
      expectFirstProblem("interface i {", "expected `type`, `resource` or `func`, found eof", 13, 13);
    });

    it("rejects a token that cannot start a world item", () => {
      expectTokenError(
        "world w { foo }",
        "expected `import`, `export`, `include`, `use`, or type definition, found an identifier",
        "foo",
      );
      expectErrorAtEof("world w {", "expected `import`, `export`, `include`, `use`, or type definition, found eof");
      expectTokenError(
        "world w { import foo: interface { } ; }",
        "expected `import`, `export`, `include`, `use`, or type definition, found ';'",
        ";",
      );
    });

    it("rejects malformed imports and exports", () => {
      expectTokenError("world w { import ; }", "expected an identifier or string, found ';'", ";");
      expectErrorAt("world w { import f: func() }", "expected ';', found '}'", "}");
      expectErrorAt("world w { export a:b/c@1.0.0 }", "expected ';', found '}'", "}");
      expectErrorAt("world w { import x: y }", "expected ';', found '}'", "}");
      expectTokenError("world w { import a:b/ }", "expected an identifier or string, found '}'", "}");
      expectErrorAt("world w { import a: async; }", "expected keyword `func`, found ';'", ";");
      expectErrorAt("world w { import a: interface; }", "expected '{', found ';'", ";");
    });

    it("rejects malformed includes", () => {
      expectErrorAt("world w { include foo }", "expected ';', found '}'", "}");
      expectErrorAt("world w { include foo with a }", "expected '{', found an identifier", "a }");
      expectErrorAt("world w { include foo with { a: b } }", "expected keyword `as`, found ':'", ":");
      expectErrorAt("world w { include foo with { a as b c as d } }", "expected '}', found an identifier", "c as");
    });

    it("rejects malformed `use` items", () => {
      expectErrorAt("interface i { use foo; }", "expected '.', found ';'", ";");
      expectErrorAt("interface i { use foo.{a b}; }", "expected '}', found an identifier", "b}");
      expectErrorAt("interface i { use foo.{a} }", "expected ';', found '}'", "}", 1);
      expectTokenError("interface i { use foo.{a as}; }", "expected an identifier or string, found '}'", "}");
      expectErrorAt("use foo.{a};", "expected ';', found '.'", ".");
      expectTokenError("use foo as;", "expected an identifier or string, found ';'", ";");
      expectErrorAtEof("use foo", "expected ';', found eof");
    });
  });

  describe("type definitions", () => {
    it("rejects a missing `;` after a type alias", () => {
      expectErrorAt("interface i { type x = u32 }", "expected ';', found '}'", "}");
      expectErrorAt("interface i { type t = a.b; }", "expected ';', found '.'", ".");
    });

    it("rejects a keyword as a type name", () => {
      expectTokenError(
        "interface i { type u32 = u32; }",
        "expected an identifier or string, found keyword `u32`",
        "u32",
      );
      expectTokenError(
        "interface i { type from = u32; }",
        "expected an identifier or string, found keyword `from`",
        "from",
      );
    });

    it("rejects malformed records", () => {
      expectErrorAt("interface i { record r { a u32 } }", "expected ':', found keyword `u32`", "u32");
      expectErrorAt("interface i { record r { a: u32 b: u32 } }", "expected '}', found an identifier", "b:");
      expectTokenError("interface i { record r { a: u32, , } }", "expected an identifier or string, found ','", ",", 1);
    });

    it("rejects malformed variants, enums and flags", () => {
      expectErrorAt("interface i { variant v { a(u32 } }", "expected ')', found '}'", "}");
      expectErrorAt("interface i { enum e { a b } }", "expected '}', found an identifier", "b }");
      expectTokenError("interface i { flags f { , } }", "expected an identifier or string, found ','", ",");
    });

    it("rejects malformed resources", () => {
      expectErrorAt("interface i { resource r }", "expected ';', found '}'", "}");
      expectTokenError(
        "interface i { resource r { 1 } }",
        "expected `constructor` or identifier, found an integer",
        "1",
      );
      expectErrorAtEof("interface i { resource r { x: func(); ", "expected `constructor` or identifier, found eof");
      expectErrorAt("interface i { resource r { constructor; } }", "expected '(', found ';'", ";");
      expectTokenError("interface i { resource r { constructor() -> ; } }", "expected a type, found ';'", ";");
      expectErrorAt(
        "interface i { resource r { x: async static func(); } }",
        "expected keyword `func`, found keyword `static`",
        "static",
      );
      expectErrorAt("interface i { resource r { s: static; } }", "expected keyword `func`, found ';'", ";");
      expectTokenError(
        "interface i {\n  resource z {\n    async x: func();\n  }\n}",
        "expected `constructor` or identifier, found keyword `async`",
        "async",
      );
    });
  });

  describe("types", () => {
    it("rejects a missing type", () => {
      expectTokenError("interface i { type x = ; }", "expected a type, found ';'", ";");
      expectTokenError("interface i { type t = future<>; }", "expected a type, found '>'", ">");
      expectTokenError("interface i { type t = tuple<u32, ,>; }", "expected a type, found ','", ",", 1);
    });

    it("rejects malformed tuples, options and maps", () => {
      expectErrorAt("interface i { type t = tuple<u32 u32>; }", "expected '>', found keyword `u32`", "u32", 1);
      expectErrorAt("interface i { type t = option u32; }", "expected '<', found keyword `u32`", "u32");
      expectErrorAt("interface i { type t = map<string>; }", "expected ',', found '>'", ">");
      expectErrorAt("interface i { type t = map<u32, u32,>; }", "expected '>', found ','", ",", 1);
    });

    it("rejects malformed results", () => {
      expectErrorAt("interface i { type t = result<_>; }", "expected ',', found '>'", ">");
      expectTokenError("interface i { type t = result<_, _>; }", "expected a type, found keyword `_`", "_", 1);
      expectErrorAt("interface i { type t = result<u32, string,>; }", "expected '>', found ','", ",", 1);
    });

    it("rejects a keyword inside `own<>` / `borrow<>`", () => {
      expectTokenError(
        "interface i { type t = own<u32>; }",
        "expected an identifier or string, found keyword `u32`",
        "u32",
      );
      expectTokenError(
        "package foo:bar;\n\ninterface foo {\n  type t = borrow<u32>;\n}\n",
        "expected an identifier or string, found keyword `u32`",
        "u32",
      );
    });

    it("rejects a fixed-length list size that is not an integer", () => {
      const ident = "interface i { type t = list<u32, x>; }";
      expectFirstProblem(ident, "expected fixed-length, found an identifier", pos(ident, "x>"), pos(ident, "x>") + 1);
      expectTokenError("interface i { type t = list<u8, -1>; }", "expected fixed-length, found `-`", "-");
      expectTokenError("interface foo {\n  type x = list<u32, >;\n}", "expected fixed-length, found '>'", ">");
      expectTokenError(
        "interface foo {\n  type z = list<u32,\n\n  type y = u32\n}",
        "expected fixed-length, found keyword `type`",
        "type",
        1,
      );
    });

    it("rejects a fixed-length list size above u32::MAX", () => {
      expectTokenError(
        "interface i { type t = list<u32, 4294967296>; }",
        "invalid list size: number too large to fit in target type",
        "4294967296",
      );
    });

    it("rejects an unclosed list", () => {
      expectErrorAt(
        "interface foo {\n  type x = list<u32\n\n  type y = u32\n}",
        "expected '>', found keyword `type`",
        "type",
        1,
      );
    });

    it("rejects types nested 100 deep, at the innermost type", () => {
      const src = "interface i { type t = " + "list<".repeat(100) + "u32" + ">".repeat(100) + "; }";
      expectTokenError(src, "type nesting too deep", "u32");
      const params = "interface i { f: func(a: " + "option<".repeat(100) + "u32" + ">".repeat(100) + "); }";
      expectTokenError(params, "type nesting too deep", "u32");
    });
  });

  describe("functions", () => {
    it("rejects malformed parameter lists", () => {
      expectErrorAt("interface i { f: func(a); }", "expected ':', found ')'", ")");
      expectErrorAt("interface i { f: func(a: u32 b: u32); }", "expected ')', found an identifier", "b:");
      expectTokenError("interface i { f: func(,); }", "expected an identifier or string, found ','", ",");
    });

    it("rejects named results", () => {
      expectTokenError("interface i { f: func() -> (a: u32); }", "expected a type, found '('", "(", 1);
      expectTokenError("interface i { f: func() -> ; }", "expected a type, found ';'", ";");
    });

    it("rejects a missing `;` after a function", () => {
      expectErrorAt("interface i { f: func() }", "expected ';', found '}'", "}");
    });

    it("rejects a missing or misspelt `func`", () => {
      expectErrorAt("interface i { f: async(); }", "expected keyword `func`, found '('", "(");
      expectErrorAt("interface i { f: fun(); }", "expected keyword `func`, found an identifier", "fun");
    });
  });

  describe("versions", () => {
    it("rejects a version with fewer than three parts", () => {
      expectErrorAt("package a:b@1.0;", "expected '.', found ';'", ";");
      expectErrorAt("@since(version = 1.0) interface i {}", "expected '.', found ')'", ")");
    });

    it("reports semver errors on the whole version", () => {
      expectTokenError("package a:b@01.0.0;", "invalid leading zero in major version number", "01.0.0");
      expectTokenError("package a:b@1.0.0-01;", "invalid leading zero in pre-release identifier", "1.0.0-01");
      expectTokenError("package a:b@1.0.0+b_c;", "unexpected character '_' after build metadata", "1.0.0+b_c");
      expectTokenError(
        "package a:b@18446744073709551616.0.0;",
        "value of major version number exceeds u64::MAX",
        "18446744073709551616.0.0",
      );
      expectTokenError(
        "@since(version = 01.0.0) interface i {}",
        "invalid leading zero in major version number",
        "01.0.0",
      );
    });
  });

  describe("attributes", () => {
    it("rejects unknown attributes, on the attribute's name", () => {
      expectTokenError("@foo interface i {}", "unknown attribute `foo`", "foo");
      expectTokenError("interface i { @gate(x = y) f: func(); }", "unknown attribute `gate`", "gate");
    });

    it("rejects the wrong key in `@since`, `@deprecated` and `@unstable`", () => {
      expectTokenError("@since(feature = x) interface i {}", "expected `version`, found `feature`", "feature");
      expectTokenError("@deprecated(since = 1.0.0) interface i {}", "expected `version`, found `since`", "since");
      expectTokenError("@unstable(version = 1.0.0) interface i {}", "expected `feature`, found `version`", "version");
    });

    it("rejects a missing `)`", () => {
      expectErrorAt("@since(version = 1.0.0 interface i {}", "expected ')', found keyword `interface`", "interface");
    });

    it("rejects a gate without its parenthesised argument", () => {
      expectErrorAt(
        "package a:b;\n\n@since\ninterface foo1 {}\n",
        "expected '(', found keyword `interface`",
        "interface",
      );
      expectErrorAt(
        "package a:b;\n\n@deprecated\ninterface foo {}\n",
        "expected '(', found keyword `interface`",
        "interface",
      );
      expectTokenError(
        "package a:b;\n\n@deprecated()\ninterface foo {}\n",
        "expected an identifier or string, found ')'",
        ")",
      );
      expectErrorAtEof("interface i {\n  @since", "expected '(', found eof");
      expectErrorAtEof("world w {\n  @unstable(", "expected an identifier or string, found eof");
    });

    it("rejects a gate argument of the wrong kind", () => {
      expectTokenError("@since(version = x) interface i {}", "expected an integer, found an identifier", "x");
      expectTokenError(
        "@unstable(feature = 1) interface i {}",
        "expected an identifier or string, found an integer",
        "1",
      );
      expectErrorAt("@external-id(abc) interface i {}", "expected a string literal, found an identifier", "abc");
    });
  });

  describe("identifiers", () => {
    it("rejects badly spelt identifiers, at the identifier", () => {
      const cases: [string, string][] = [
        ["Foo", "invalid character in identifier 'o'"],
        ["fOO", "invalid character in identifier 'O'"],
        ["a_b", "invalid character in identifier '_'"],
        ["_a", "invalid character in identifier '_'"],
        ["%Foo", "invalid character in identifier 'o'"],
        ["%_a", "invalid character in identifier '_'"],
        ["garçon", "invalid character in identifier 'ç'"],
        ["a-", "identifiers must have characters between '-'s"],
        ["a--b", "identifiers must have characters between '-'s"],
        ["%", "identifiers must have characters between '-'s"],
        ["%-a", "identifiers must have characters between '-'s"],
      ];
      for (const [id, message] of cases) expectErrorAt(`interface ${id} {}`, message, id);
    });

    it("reports identifier errors wherever an identifier is read", () => {
      expectErrorAt("interface i { type t = Bad; }", "invalid character in identifier 'a'", "Bad");
      expectErrorAt("world w { import Bad: func(); }", "invalid character in identifier 'a'", "Bad");
      expectErrorAt("@Foo interface i {}", "invalid character in identifier 'o'", "Foo");
      expectErrorAt("interface i { f: func() -> a->; }", "identifiers must have characters between '-'s", "a->");
    });

    it("rejects tokens that are not identifiers where one is needed", () => {
      expectTokenError("interface -a {}", "expected an identifier or string, found `-`", "-");
      expectTokenError("interface 1a {}", "expected an identifier or string, found an integer", "1");
      expectTokenError(
        "interface foo {\n  type option = u32;\n}",
        "expected an identifier or string, found keyword `option`",
        "option",
      );
    });
  });

  describe("lexical errors", () => {
    it("rejects characters that start no token", () => {
      expectFirstProblem("interface i {} $", "unexpected character '$'", 15, 16);
      expectFirstProblem("interface i { x: func(); }\u200b", "unexpected character '\\u{200b}'", 26, 27);
      expectFirstProblem("interface i {}\ufeff", "unexpected character '\\u{feff}'", 14, 15);
      expectFirstProblem("\ufeff\ufeffinterface i {}", "unexpected character '\\u{feff}'", 1, 2);
    });

    it("rejects a carriage return that is not part of CRLF", () => {
      expectFirstProblem("interface i {}\rx", "unexpected character '\\r'", 14, 15);
    });

    it("rejects an unterminated (nested) block comment, at its start", () => {
      expectFirstProblem("interface i {} /* unterminated /* */", "unterminated block comment", 15, 16);
    });

    it("rejects control codes", () => {
      expectFirstProblem("interface i {} \u000c", "Control code '\\u{c}'", 15, 16);
      expectFirstProblem("interface i { x: func(); }\u0085", "Control code '\\u{85}'", 26, 27);
    });

    it("rejects bidirectional override codepoints", () => {
      // The quoting of the codepoint follows Rust's Debug formatting of
      // `char::EscapeUnicode`, which differs between Rust versions; only the
      // start of the message is checked.
      const { problems } = parseWitFile("interface i {}\u202e");
      expect(problems[0].message).toMatch(/^Input contains bidirectional override codepoint /);
      expect(problems[0].span).toEqual({ start: 14, end: 15 });
    });

    it("rejects invalid escapes and characters in string literals", () => {
      expectFirstProblem('@external-id("a\\qb") interface i {}', "invalid string escape 'q'", 16, 17);
      expectFirstProblem('@external-id("a\\u{d800}") interface i {}', "invalid unicode value 0xd800", 16, 17);
      expectFirstProblem('@external-id("a\\u{110000}") interface i {}', "invalid unicode value 0x110000", 16, 17);
      expectFirstProblem('@external-id("a\\0g") interface i {}', "invalid hex digit 'g'", 17, 18);
      expectFirstProblem('@external-id("a\tb") interface i {}', "invalid string character '\\t'", 15, 16);
    });

    it("rejects an unterminated string literal at eof", () => {
      const src = '@external-id("abc';
      expectFirstProblem(src, "unexpected end of file", src.length);
    });
  });
});

// ---------------------------------------------------------------------------
// Several errors in one file
// ---------------------------------------------------------------------------

describe("multiple errors", () => {
  it("reports independent errors in separate items, sorted, the first as wit-parser does", () => {
    const src = "interface i { type x = ; }\ninterface j { type y = ; }\nworld w { foo }\n";
    const { file, problems } = parseWitFile(src);
    expect(file).toBeUndefined();
    expect(problems.length).toBeGreaterThanOrEqual(3);
    expect(problems[0]).toEqual({ message: "expected a type, found ';'", span: { start: 23, end: 24 } });
    const starts = problems.map((p) => p.span.start);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(problems.map((p) => p.message)).toContain("expected a type, found ';'");
    expect(problems.some((p) => p.span.start === pos(src, ";", 1))).toBe(true);
    expect(problems.some((p) => p.span.start === pos(src, "foo"))).toBe(true);
  });

  it("reports a lexical error together with a later syntax error", () => {
    const src = "interface i { type t = u32; } $ interface j { type u = ; }";
    const { problems } = parseWitFile(src);
    expect(problems[0]).toEqual({ message: "unexpected character '$'", span: { start: 30, end: 31 } });
    expect(
      problems.some((p) => p.message === "expected a type, found ';'" && p.span.start === pos(src, "= ;") + 2),
    ).toBe(true);
  });

  it("reports errors in different members of one interface", () => {
    const src = "interface i {\n  record r { a u32 }\n  f: func(x) -> u32;\n  type t = list<u8, 99999999999>;\n}";
    const { problems } = parseWitFile(src);
    expect(problems.length).toBeGreaterThan(1);
    expect(problems[0].message).toBe("expected ':', found keyword `u32`");
    expect(problems.some((p) => p.message === "invalid list size: number too large to fit in target type")).toBe(true);
  });

  it("reports semantic and syntax errors together", () => {
    // The malformed attribute abandons its item, so `Bad` is checked in an item of its own.
    const src = "@foo interface i {}\ninterface Bad {}\nworld w { import ; }";
    const { problems } = parseWitFile(src);
    expect(problems[0]).toEqual({ message: "unknown attribute `foo`", span: { start: 1, end: 4 } });
    expect(problems.some((p) => p.message === "invalid character in identifier 'a'")).toBe(true);
    expect(problems.some((p) => p.message === "expected an identifier or string, found ';'")).toBe(true);
  });

  describe("recovery resumes after the item that failed", () => {
    const messages = (src: string) => parseWitFile(src).problems.map((p) => [p.span.start, p.message]);

    it("a function named with a keyword is one error, not one per token of its line", () => {
      const src = "package a:b;\ninterface i {\n  f32: func(a: string, b: p) -> result<p, string>;\n  g: func();\n}\n";
      expect(messages(src)).toEqual([[pos(src, "f32"), "expected `type`, `resource` or `func`, found keyword `f32`"]]);
    });

    it("two independent bad items give two errors", () => {
      const src =
        "package a:b;\ninterface i {\n  f32: func(a: string, b: p) -> result<p, string>;\n  g: func();\n" +
        "  record r { a: u32 b: u32 }\n  h: func();\n}\n";
      expect(messages(src)).toEqual([
        [pos(src, "f32"), "expected `type`, `resource` or `func`, found keyword `f32`"],
        [pos(src, "b: u32"), "expected '}', found an identifier"],
      ]);
    });

    it("a missing `;` ends the item at the next line's item keyword", () => {
      const src = "interface i {\n  f: func()\n  record r { a: u32 b: u32 }\n}\n";
      expect(messages(src)).toEqual([
        [pos(src, "record"), "expected ';', found keyword `record`"],
        [pos(src, "b: u32"), "expected '}', found an identifier"],
      ]);
    });

    it("errors in separate interfaces, worlds and resources are each reported once", () => {
      const src =
        "interface i { type x = ; }\nworld w { import x: func() }\n" +
        "interface j { resource r { constructor(a) ; m: func(); } }\ninterface k { f: func() -> ; }\n";
      expect(messages(src)).toEqual([
        [pos(src, ";"), "expected a type, found ';'"],
        [pos(src, "}", 1), "expected ';', found '}'"],
        [pos(src, ") ;"), "expected ':', found ')'"],
        [pos(src, "-> ;") + 3, "expected a type, found ';'"],
      ]);
    });

    it("an error inside parentheses or angle brackets does not take the body's `}` with it", () => {
      const src = "interface i {\n  f: func(;\n  g: func(a: list<u8;\n}\ninterface j {\n  type t = ;\n}\n";
      expect(messages(src)).toEqual([
        [pos(src, ";"), "expected an identifier or string, found ';'"],
        [pos(src, ";", 1), "expected '>', found ';'"],
        [pos(src, "= ;") + 2, "expected a type, found ';'"],
      ]);
    });

    it("bodies left open at the end of the file are reported once", () => {
      const src = "package a:b {\n  interface i {\n    f: func();\n";
      expect(messages(src)).toEqual([[src.length, "expected `type`, `resource` or `func`, found eof"]]);
    });
  });

  it("never throws on truncated input, and keeps problems sorted and in range", () => {
    const full = `package a:b@1.0.0;
interface i {
  use x:y/z@1.0.0.{t as u};
  type t = result<list<u8, 4>, tuple<u32, string>>;
  record r { a: u32, b: option<borrow<res>>, }
  variant v { a, b(u32) }
  resource res { constructor(a: u32) -> result<res, string>; m: async func() -> stream<u8>; s: static func(); }
  @since(version = 1.0.0) f: func(a: map<string, u32>) -> future<u32>;
}
world w {
  import b: func();
  export c: interface { g: func(); }
  import l: x:y/z;
  include q with { a as b }
}
package c:d { interface j {} }
`;
    parse(full);
    for (let n = 0; n < full.length; n++) {
      const src = full.slice(0, n);
      const { file, problems } = parseWitFile(src);
      expect(file === undefined).toBe(problems.length > 0);
      for (let k = 1; k < problems.length; k++) {
        expect(problems[k].span.start).toBeGreaterThanOrEqual(problems[k - 1].span.start);
      }
      for (const p of problems) {
        expect(p.span.start).toBeGreaterThanOrEqual(0);
        expect(p.span.start).toBeLessThanOrEqual(src.length);
        expect(p.span.end).toBeGreaterThanOrEqual(p.span.start);
        expect(p.message).not.toMatch(/something else|more input/);
      }
    }
  });
});

// ---------------------------------------------------------------------------
// Span widths of lexer-level errors
// ---------------------------------------------------------------------------

describe("span widths of lexer-level errors", () => {
  it("an `expect` failure covers one character of the found token", () => {
    const src = "interface i { record r { a u32 } }";
    const at = pos(src, "u32");
    expectFirstProblem(src, "expected ':', found keyword `u32`", at, at + 1);
    const res = "interface i { resource r { x: async static func(); } }";
    expectFirstProblem(
      res,
      "expected keyword `func`, found keyword `static`",
      pos(res, "static"),
      pos(res, "static") + 1,
    );
  });

  it("one-character tokens and `err_expected` errors have the same span as wit-parser", () => {
    expectFirstProblem("interface i { type x = u32 }", "expected ';', found '}'", 27, 28);
    expectFirstProblem(
      "interface i { type u32 = u32; }",
      "expected an identifier or string, found keyword `u32`",
      19,
      22,
    );
    expectFirstProblem("interface i {", "expected `type`, `resource` or `func`, found eof", 13, 13);
  });

  // As in wit-parser: wit-parser reports identifier spelling errors as lexer errors, at
  // the identifier's first character with a one-character span
  // (`Span::new(pos, pos + 1)`); ours cover the whole identifier.
  it("an invalid identifier error covers its first character", () => {
    expectFirstProblem("interface Foo {}", "invalid character in identifier 'o'", 10, 11);
  });

  it("an identifier with an empty part: one character", () => {
    expectFirstProblem("interface a- {}", "identifiers must have characters between '-'s", 10, 11);
  });

  // As in wit-parser: `expect` failures at the end of the input are lexer errors too, so
  // their span is [len, len + 1); ours is empty.
  it("an `expect` failure at eof covers one character past the end", () => {
    expectFirstProblem("use foo", "expected ';', found eof", 7, 8);
  });

  // As in wit-parser: where the grammar chooses between alternatives (`include p;` vs
  // `include p with {...}`, `resource r;` vs `resource r {...}`, the string of
  // `@external-id`), a missing token is reported on the whole found token.
  it("`include foo bar`: expected ';' covers one character", () => {
    const src = "world w { include foo bar }";
    expectFirstProblem(src, "expected ';', found an identifier", pos(src, "bar"), pos(src, "bar") + 1);
  });

  it("`resource r constructor`: expected ';' covers one character", () => {
    const src = "interface i { resource r constructor }";
    const at = pos(src, "constructor");
    expectFirstProblem(src, "expected ';', found keyword `constructor`", at, at + 1);
  });

  it("`@external-id(abc)`: expected a string literal covers one character", () => {
    const src = "@external-id(abc) interface i {}";
    expectFirstProblem(src, "expected a string literal, found an identifier", 13, 14);
  });
});

// ---------------------------------------------------------------------------
// Known differences from wit-parser
// ---------------------------------------------------------------------------

describe("wit-parser corner cases", () => {
  // As in wit-parser: when an import/export matches none of its forms, the error is
  // reported at its first token instead of where wit-parser stops.
  it("`import a }`: expected ';'", () => {
    expectErrorAt("world w { import a }", "expected ';', found '}'", "}");
  });

  it("`import b: 42;`: error at `42`", () => {
    expectTokenError("world w { import b: 42; }", "expected an identifier or string, found an integer", "42");
  });

  it("`import b:` at eof: error at eof", () => {
    expectErrorAtEof("world w {\n  import b:", "expected an identifier or string, found eof");
  });

  // As in wit-parser: wit-parser checks the whole file for control codes, bidirectional
  // overrides and discouraged codepoints before reading any token, so that
  // is the error it reports even when a syntax error comes earlier.
  it("a control code is reported before an earlier syntax error", () => {
    const src = "interface i { type t = ; }\n\u000b";
    expectFirstProblem(src, "Control code '\\u{b}'", src.length - 1, src.length);
  });

  it("a bidirectional override is reported before an earlier syntax error", () => {
    const { problems } = parseWitFile("x\u202e");
    expect(problems[0].message).toMatch(/^Input contains bidirectional override codepoint /);
  });

  // As in wit-parser: wit-parser's version reader only extends the version over a token it
  // consumes, so `1.0.0-` followed by `;` is version 1.0.0.
  it("`@1.0.0-;` is version 1.0.0", () => {
    expect(parse("package a:b@1.0.0-;").packageId!.version?.version).toMatchObject({ pre: [], build: [] });
    expect(parse("package a:b@1.0.0+;").packageId!.version?.version).toMatchObject({ pre: [], build: [] });
  });

  it("`@1.0.0-a..b;` ends the version before `..`", () => {
    expectErrorAt("package a:b@1.0.0-a..b;", "expected '{', found '.'", "..");
  });

  // As in wit-parser: string escape errors that wit-parser words differently.
  it("`\\u` without `{` in a string: expected character '{'", () => {
    expectFirstProblem('@external-id("a\\u0041") interface i {}', "expected character '{'", 17, 18);
  });

  it("`\\u{41` without `}`: expected character '}'", () => {
    expectFirstProblem('@external-id("\\u{41") interface i {}', "expected character '}'", 19, 20);
  });

  it("`\\u{1_}`: trailing underscore in number", () => {
    expectFirstProblem('@external-id("\\u{1_}") interface i {}', "trailing underscore in number", 17, 18);
  });

  it("`\\u{fffffffffffffffffff}`: number is too big to fit in a u32", () => {
    expectFirstProblem(
      '@external-id("\\u{fffffffffffffffffff}") interface i {}',
      "number is too big to fit in a u32",
      25,
      26,
    );
  });

  it("`\\ff` (a lone byte 0xff) is invalid UTF-8", () => {
    expectFirstProblem(
      '@external-id("\\ff") interface i {}',
      "invalid UTF-8: invalid utf-8 sequence of 1 bytes from index 0",
      13,
      14,
    );
  });

  // Nested namespaces (🪺 in WIT.md) are not implemented by wit-parser, which
  // rejects them. Possibly a deliberate extension here.
  // WIT.md's nested namespaces (🪺) are read, and refused at the separator
  // with a message that says so (wit-parser reports a plain syntax error).
  it("`package a:b:c;` is refused as a nested namespace", () => {
    expectErrorAt("package a:b:c;", "nested namespaces and package paths (🪺) are not supported yet", ":", 1);
  });

  it("`use a:b:c/d.{x}` is refused as a nested namespace path", () => {
    expectErrorAt(
      "interface i { use a:b:c/d.{x}; }",
      "nested namespaces and package paths (🪺) are not supported yet",
      ":c/",
    );
  });
});

describe("spans of items and entries", () => {
  it("cover the whole text of items, members and list entries, attributes included", () => {
    const src = [
      "package a:b;",
      "interface i {",
      "  /// doc",
      "  @since(version = 1.0.0)",
      "  variant v { a(u32), b, c(list<u8>) }",
      "  f: func(x: u32, y: list<u8>) -> u32;",
      "  use j.{t as u, w};",
      "}",
      "world w { import i; include x with { a as b } }",
    ].join("\n");
    const file = parse(src);
    const text = (span: { start: number; end: number }) => src.slice(span.start, span.end);
    const iface = file.items[0];
    const world = file.items[1];
    if (iface.kind !== "interface" || world.kind !== "world") throw new Error("unexpected AST");
    expect(text(iface.value.span)).toBe(src.slice(src.indexOf("interface i"), src.indexOf("}\nworld") + 1));
    const [variant, func, use] = iface.value.items;
    if (variant.kind !== "typedef" || func.kind !== "func" || use.kind !== "use") throw new Error("unexpected AST");
    expect(text(variant.value.span)).toBe("@since(version = 1.0.0)\n  variant v { a(u32), b, c(list<u8>) }");
    if (variant.value.type.kind !== "variant") throw new Error("unexpected AST");
    expect(variant.value.type.cases.map((c) => text(c.span))).toEqual(["a(u32)", "b", "c(list<u8>)"]);
    expect(text(func.value.span)).toBe("f: func(x: u32, y: list<u8>) -> u32;");
    expect(func.value.func.params.map((p) => text(p.span))).toEqual(["x: u32", "y: list<u8>"]);
    expect(text(use.value.span)).toBe("use j.{t as u, w};");
    expect(use.value.names.map((n) => text(n.span))).toEqual(["t as u", "w"]);
    expect(text(world.value.span)).toBe("world w { import i; include x with { a as b } }");
    const [imp, inc] = world.value.items;
    if (imp.kind !== "import" || inc.kind !== "include") throw new Error("unexpected AST");
    expect(text(imp.span)).toBe("import i;");
    expect(text(inc.value.span)).toBe("include x with { a as b }");
    expect(inc.value.names.map((n) => text(n.span))).toEqual(["a as b"]);
  });
});

describe("large files (tokens made as the parser reaches them)", () => {
  /** An interface of about 150 tokens, documented, gated and with every kind of item. */
  const item = (i: number) =>
    `/// Interface ${i}.\n@since(version = 1.0.0)\ninterface i${i} {\n` +
    `  /// A record.\n  record r { a: u32, b: string, c: list<option<u8>> }\n` +
    `  variant v { x(u32), y, z(result<string, r>) }\n` +
    `  resource h { constructor(x: u32); get: func() -> r; }\n` +
    `  /** f */ f: func(a: r, b: borrow<h>) -> result<v, string>;\n}\n`;
  const header = "package a:b@1.0.0;\n";
  const items = Array.from({ length: 200 }, (_, i) => item(i));
  const big = header + items.join("");
  const offsetOf = (k: number) => header.length + items.slice(0, k).join("").length;

  it("gives each item the AST it has on its own, spans shifted by its offset", () => {
    const parsed = parseWitFile(big, 7);
    expect(parsed.problems).toEqual([]);
    expect(parsed.file!.items).toHaveLength(200);
    for (const k of [0, 1, 57, 130, 199]) {
      const alone = parseWitFile(items[k], 7 + offsetOf(k));
      expect(parsed.file!.items[k]).toEqual(alone.file!.items[0]);
    }
  });

  it("reports one error for one bad item far into the file, as for the item on its own", () => {
    for (const [k, bad] of [
      [150, item(150).replace("-> result<v, string>;", "-> result<v, string>")],
      [170, item(170).replace("x(u32), y", "x(u32) y")],
      [199, item(199).replace("b: string", "b string")],
    ] as const) {
      const text = header + items.slice(0, k).join("") + bad + items.slice(k + 1).join("");
      const alone = parseWitFile(bad, offsetOf(k));
      const parsed = parseWitFile(text);
      expect(alone.problems).toHaveLength(1);
      expect(parsed.problems).toEqual(alone.problems);
    }
  });
});
