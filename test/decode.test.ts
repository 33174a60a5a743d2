/**
 * Decoding WIT from component binaries, against the reference toolchain:
 * worlds embedded by jco's `component embed` (wit-component) must decode to
 * the world our front-end resolves from the same WIT text; WIT packages
 * encoded by wasm-tools must decode to the packages of their WIT.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  loadWitPath,
  loadWitText,
  renderDiagnostics,
  resolveToJson,
  type Resolve,
  type Type,
  type TypeDefKind,
  type TypeOwner,
  type WorldId,
  type WorldItems,
  type Function as WitFunction,
  type InterfaceId,
} from "../index.js";
import { decodeComponentTypeSections, decodeWitPackage, DecodeError } from "../encoding/decode/index.js";
import { Resolve as ResolveClass } from "../ir/resolve.js";

const corpus = path.resolve(__dirname, "../../shared/corpus");
const hasCorpus = fs.existsSync(corpus);

type Tools = typeof import("@bytecodealliance/jco-transpile/wasm-tools");
let toolsPromise: Promise<Tools> | undefined;
function tools(): Promise<Tools> {
  toolsPromise ??= import("@bytecodealliance/jco-transpile/wasm-tools");
  return toolsPromise;
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "witx-decode-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

// ---------------------------------------------------------------------------
// A normalized description of worlds and interfaces, independent of ids and
// of the order in which the front-end creates types.

type Desc = unknown;

class Describer {
  private readonly names = new Map<InterfaceId, string>();

  constructor(private readonly resolve: Resolve) {}

  /** Names inline interfaces by their world key. */
  nameInline(items: WorldItems, dir: string): void {
    for (const { key, item } of items.values()) {
      if (item.kind === "interface" && key.kind === "name") this.names.set(item.id, `${dir}:${key.name}`);
    }
  }

  private owner(o: TypeOwner): string {
    if (o.kind === "world") return "world";
    if (o.kind === "none") return "none";
    return this.names.get(o.id) ?? this.resolve.idOf(o.id) ?? "?";
  }

  type(t: Type | undefined): Desc {
    if (t === undefined) return null;
    if (typeof t === "string") return t;
    const def = this.resolve.types[t];
    if (def.name !== undefined) return `${this.owner(def.owner)}.${def.name}`;
    return this.kind(def.kind);
  }

  kind(k: TypeDefKind): Desc {
    switch (k.kind) {
      case "record":
        return { record: k.fields.map((f) => [f.name, this.type(f.type)]) };
      case "variant":
        return { variant: k.cases.map((c) => [c.name, this.type(c.type)]) };
      case "enum":
        return { enum: k.cases.map((c) => c.name) };
      case "flags":
        return { flags: k.flags.map((c) => c.name) };
      case "resource":
      case "unknown":
        return k.kind;
      case "handle":
        return `${k.handle}<${this.type(k.resource) as string}>`;
      case "tuple":
        return { tuple: k.types.map((t) => this.type(t)) };
      case "option":
      case "list":
        return { [k.kind]: this.type(k.type) };
      case "fixed-length-list":
        return { list: this.type(k.type), size: k.size };
      case "map":
        return { map: [this.type(k.key), this.type(k.value)] };
      case "result":
        return { result: [this.type(k.ok), this.type(k.err)] };
      case "future":
      case "stream":
        return { [k.kind]: this.type(k.type) };
      case "type":
        return { alias: this.type(k.type) };
    }
  }

  func(f: WitFunction): Desc {
    return {
      name: f.name,
      kind: f.kind.kind,
      params: f.params.map((p) => [p.name, this.type(p.type)]),
      result: this.type(f.result),
    };
  }

  iface(id: InterfaceId): Desc {
    const i = this.resolve.interfaces[id];
    const types = [...i.types].sort(([a], [b]) => (a < b ? -1 : 1));
    const funcs = [...i.functions].sort(([a], [b]) => (a < b ? -1 : 1));
    return {
      types: Object.fromEntries(types.map(([n, t]) => [n, this.kind(this.resolve.types[t].kind)])),
      functions: Object.fromEntries(funcs.map(([n, f]) => [n, this.func(f)])),
    };
  }

  items(items: WorldItems): Desc {
    const out: [string, Desc][] = [];
    for (const { key, item } of items.values()) {
      const k = key.kind === "name" ? key.name : this.resolve.idOf(key.id)!;
      if (item.kind === "interface") out.push([k, { interface: this.iface(item.id) }]);
      else if (item.kind === "function") out.push([k, { function: this.func(item.func) }]);
      else out.push([k, { type: this.kind(this.resolve.types[item.id].kind) }]);
    }
    out.sort(([a], [b]) => (a < b ? -1 : 1));
    return Object.fromEntries(out);
  }
}

function describeWorld(resolve: Resolve, id: WorldId): Desc {
  const w = resolve.worlds[id];
  const d = new Describer(resolve);
  d.nameInline(w.imports, "import");
  d.nameInline(w.exports, "export");
  return { imports: d.items(w.imports), exports: d.items(w.exports) };
}

/** Every named interface and world of a package (worlds elaborated). */
function describePackage(resolve: Resolve, pkg: number): Desc {
  const p = resolve.packages[pkg];
  const d = new Describer(resolve);
  return {
    interfaces: Object.fromEntries([...p.interfaces].sort().map(([n, id]) => [n, d.iface(id)])),
    worlds: Object.fromEntries([...p.worlds].sort().map(([n, id]) => [n, describeWorld(resolve, id)])),
  };
}

function loadText(wit: string, world?: string): { resolve: Resolve; world: WorldId; pkg: number } {
  const loaded = loadWitText(wit, world === undefined ? {} : { world });
  if (!loaded.ok) throw new Error(renderDiagnostics(loaded.diagnostics));
  return { resolve: loaded.resolve, world: loaded.world!, pkg: loaded.package };
}

let emptyCore: Uint8Array | undefined;
async function coreModule(): Promise<Uint8Array> {
  emptyCore ??= await (await tools()).parse('(module (func (export "f")))');
  return emptyCore;
}

async function embed(
  wit: string,
  world: string,
  opts: { binary?: Uint8Array; stringEncoding?: "utf8" | "utf16" | "compact-utf16" } = {},
) {
  const { componentEmbed } = await tools();
  return componentEmbed({
    binary: opts.binary ?? (await coreModule()),
    witSource: wit,
    world,
    stringEncoding: opts.stringEncoding,
  });
}

/** Embeds `world` of `wit`, decodes it, and compares with our front-end's world. */
async function roundTrip(wit: string, world: string): Promise<void> {
  const expected = loadText(wit, world);
  const bytes = await embed(wit, world);
  const decoded = decodeComponentTypeSections(bytes);
  expect(decoded).toBeDefined();
  const { bindgen } = decoded!;
  expect(bindgen.resolve.worlds[bindgen.world].name).toBe("root");
  expect(describeWorld(bindgen.resolve, bindgen.world)).toEqual(describeWorld(expected.resolve, expected.world));
}

// ---------------------------------------------------------------------------

const inlineCases: Record<string, string> = {
  primitives: `package t:prims;
world w {
  import f: func(a: bool, b: u8, c: u16, d: u32, e: u64, f: s8, g: s16, h: s32, i: s64, j: f32, k: f64, l: char, m: string) -> string;
  export g: func();
}`,
  aggregates: `package t:agg@1.2.3;
interface types {
  record point { x: s32, y: s32 }
  variant shape { circle(f64), square(point), none }
  enum color { red, green, blue }
  flags perms { read, write, exec }
  type ids = list<u64>;
  type pair = tuple<string, option<u8>>;
  type outcome = result<point, color>;
  type unit-result = result;
  type ok-only = result<u8>;
  type err-only = result<_, string>;
  type fixed = list<u8, 4>;
  type alias-of-point = point;
}
interface api {
  use types.{point, shape as figure, ids};
  draw: func(p: point, s: figure, i: ids) -> list<tuple<point, figure>>;
  maybe: func() -> option<option<ids>>;
}
world w { import api; export api2: interface { use types.{color}; paint: func(c: color); } }`,
  resources: `package t:res;
interface store {
  resource blob {
    constructor(init: list<u8>);
    size: func() -> u64;
    merge: static func(a: borrow<blob>, b: blob) -> blob;
  }
  resource maker { constructor() -> result<maker, string>; }
  type handle = own<blob>;
  take: func(b: blob, h: handle) -> borrow-blob;
  record borrow-blob { b: blob }
}
interface user { use store.{blob}; keep: func(b: blob) -> list<blob>; peek: func(b: borrow<blob>); }
world w { import user; export user; }`,
  async: `package t:asy;
interface io {
  resource conn { send: async func(data: stream<u8>) -> future<result<_, error-context>>; open: static async func() -> conn; }
  wait: async func(f: future) -> stream;
}
world w { import io; export run: async func() -> u32; }`,
  "world types and functions": `package t:wt@0.1.0;
interface defs { record r { a: u32 } type t = list<string>; }
world w {
  use defs.{r, t as strings};
  type local = tuple<r, strings>;
  record wrec { l: local }
  resource thing { constructor(x: u32); get: func() -> u32; make: static func() -> thing; }
  import f: func(x: wrec) -> thing;
  export g: func(r: r) -> strings;
  import inline: interface { use defs.{r}; h: func() -> r; }
}`,
  foreign: `package t:main;
world w {
  import t:dep/types@2.0.0;
  import t:dep/api@2.0.0;
  export t:other/iface;
}
package t:dep@2.0.0 {
  interface types { type id = u64; resource res; }
  interface api { use types.{id, res}; get: func(i: id) -> res; }
}
package t:other {
  interface iface { use t:dep/types@2.0.0.{id}; run: func(i: id); }
}`,
  keywords: `package t:kw;
interface %interface { record %record { %type: u32, %func: string } %use: func(%result: %record) -> %record; }
world w { import %interface; export %export: func(%static: u8); }`,
  maps: `package t:maps;
interface m { type dict = map<string, list<u32>>; get: func(d: dict, k: string) -> option<u32>; }
world w { import m; }`,
};

describe("decodeComponentTypeSections: inline worlds", () => {
  for (const [name, wit] of Object.entries(inlineCases)) {
    it(name, async () => {
      const { resolve, world } = loadText(wit);
      await roundTrip(wit, resolve.worlds[world].name);
    });
  }

  it("the comparison can fail", async () => {
    const wit = inlineCases.aggregates;
    const bytes = await embed(wit, "w");
    const { bindgen } = decodeComponentTypeSections(bytes)!;
    const other = loadText(wit.replace("y: s32", "y: s64"), "w");
    expect(describeWorld(bindgen.resolve, bindgen.world)).not.toEqual(describeWorld(other.resolve, other.world));
  });
});

describe("decodeComponentTypeSections: sections, merging, encodings", () => {
  it("returns undefined without component-type sections", async () => {
    expect(decodeComponentTypeSections(await coreModule())).toBeUndefined();
  });

  it("strips the sections and keeps the rest byte for byte", async () => {
    const core = await coreModule();
    const bytes = await embed(inlineCases.primitives, "w");
    expect(bytes.length).toBeGreaterThan(core.length);
    const out = decodeComponentTypeSections(bytes)!;
    expect(Buffer.from(out.module).equals(Buffer.from(core))).toBe(true);
  });

  it("records the string encoding of every function, keyed as wit-component keys them", async () => {
    const wit = `package a:b@1.0.0;
interface i { f: func(s: string); resource r { m: func(); } }
world w { import i; import g: func(); export i2: interface { h: func(); } export j; }
interface j { k: func(); }`;
    const { bindgen } = decodeComponentTypeSections(await embed(wit, "w", { stringEncoding: "utf16" }))!;
    expect(Object.fromEntries(bindgen.importEncodings)).toEqual({
      "a:b/i/f": "utf16",
      "a:b/i/[method]r.m": "utf16",
      "g/g": "utf16",
    });
    expect(Object.fromEntries(bindgen.exportEncodings)).toEqual({ "i2/h": "utf16", "a:b/j/k": "utf16" });
  });

  it("merges two embedded worlds into one", async () => {
    const wit1 = `package x:one;
interface shared { record p { a: u32 } get: func() -> p; }
world w1 { import shared; import only1: func(); export e1: func(); }`;
    const wit2 = `package x:two;
world w2 { import x:one/shared; import only2: func(s: string); export e2: interface { f: func(); } }
package x:one { interface shared { record p { a: u32 } get: func() -> p; } }`;
    const first = await embed(wit1, "w1");
    const both = await embed(wit2, "w2", { binary: first });
    const { bindgen, module } = decodeComponentTypeSections(both)!;
    expect(Buffer.from(module).equals(Buffer.from(await coreModule()))).toBe(true);
    const union = loadText(
      `package x:one;
interface shared { record p { a: u32 } get: func() -> p; }
world u { import shared; import only1: func(); export e1: func(); import only2: func(s: string); export e2: interface { f: func(); } }`,
      "u",
    );
    expect(describeWorld(bindgen.resolve, bindgen.world)).toEqual(describeWorld(union.resolve, union.world));
    // The original worlds are kept in their packages.
    const names = bindgen.resolve.packages.map((p) => `${p.name.namespace}:${p.name.name}`).sort();
    expect(names).toEqual(["root:root", "x:one", "x:two"]);
    expect(Object.fromEntries(bindgen.importEncodings)).toEqual({
      "x:one/shared/get": "utf8",
      "only1/only1": "utf8",
      "only2/only2": "utf8",
    });
    expect(Object.fromEntries(bindgen.exportEncodings)).toEqual({ "e1/e1": "utf8", "e2/f": "utf8" });
  });

  it("keeps each section's string encoding for its own functions", async () => {
    const first = await embed(`package x:one; world w1 { import a: func(s: string); }`, "w1", {
      stringEncoding: "utf16",
    });
    const both = await embed(`package x:two; world w2 { import b: func(s: string); export c: func(); }`, "w2", {
      binary: first,
      stringEncoding: "compact-utf16",
    });
    const { bindgen } = decodeComponentTypeSections(both)!;
    expect(Object.fromEntries(bindgen.importEncodings)).toEqual({ "a/a": "utf16", "b/b": "compact-utf16" });
    expect(Object.fromEntries(bindgen.exportEncodings)).toEqual({ "c/c": "compact-utf16" });
    const world = bindgen.resolve.worlds[bindgen.world];
    expect([...world.imports.values()].map((e) => (e.key.kind === "name" ? e.key.name : "?"))).toEqual(["a", "b"]);
  });

  it("accepts the historical 0x03 payload (a WIT package after the world name)", async () => {
    const pkg = await (
      await tools()
    ).parse(`(component
  (type (component
    (type (component
      (type (func (param "x" string)))
      (import "f" (func (type 0)))
      (export "g" (func (type 0)))))
    (export "a:b/w" (component (type 0)))))
  (export "w" (type 0)))`);
    const payload = concat(new Uint8Array([0x03, 0x01, 1, "w".charCodeAt(0)]), pkg);
    const module = concat(await coreModule(), customSection("component-type:old", payload));
    const { bindgen, module: stripped } = decodeComponentTypeSections(module)!;
    expect(Buffer.from(stripped).equals(Buffer.from(await coreModule()))).toBe(true);
    const expected = loadText(`package a:b; world w { import f: func(x: string); export g: func(x: string); }`);
    expect(describeWorld(bindgen.resolve, bindgen.world)).toEqual(describeWorld(expected.resolve, expected.world));
    expect(Object.fromEntries(bindgen.importEncodings)).toEqual({ "f/f": "utf16" });
    expect(Object.fromEntries(bindgen.exportEncodings)).toEqual({ "g/g": "utf16" });
  });

  it("rejects conflicting string encodings for the same function", async () => {
    const wit = `package x:y; interface i { f: func(); } world w { import i; }`;
    const first = await embed(wit, "w");
    const both = await embed(wit.replace("world w", "world v"), "v", { binary: first, stringEncoding: "utf16" });
    expect(() => decodeComponentTypeSections(both)).toThrow(/conflicting string encodings specified for `x:y\/i\/f`/);
  });

  it("accepts the same world twice with the same encoding", async () => {
    const wit = inlineCases.resources;
    const once = await embed(wit, "w");
    const twice = await embed(wit, "w", { binary: once });
    const { bindgen } = decodeComponentTypeSections(twice)!;
    const expected = loadText(wit, "w");
    expect(describeWorld(bindgen.resolve, bindgen.world)).toEqual(describeWorld(expected.resolve, expected.world));
  });
});

// ---------------------------------------------------------------------------
// Bad input

function customSection(name: string, payload: Uint8Array): Uint8Array {
  const enc = new TextEncoder().encode(name);
  const body = [...leb(enc.length), ...enc, ...payload];
  return new Uint8Array([0, ...leb(body.length), ...body]);
}

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The payload of the first `component-type` section of a module. */
function payloadOf(bytes: Uint8Array): { before: Uint8Array; payload: Uint8Array } {
  let p = 8;
  const u32 = () => {
    let r = 0;
    let s = 0;
    let b: number;
    do {
      b = bytes[p++];
      r |= (b & 0x7f) << s;
      s += 7;
    } while (b & 0x80);
    return r;
  };
  for (;;) {
    const start = p;
    const id = bytes[p++];
    const size = u32();
    const end = p + size;
    if (id === 0) {
      const n = u32();
      const name = new TextDecoder().decode(bytes.subarray(p, p + n));
      if (name.startsWith("component-type"))
        return { before: bytes.subarray(0, start), payload: bytes.subarray(p + n, end) };
    }
    p = end;
  }
}

describe("bad input", () => {
  it("reports malformed modules and sections as DecodeError", async () => {
    expect(() => decodeComponentTypeSections(new Uint8Array([1, 2, 3]))).toThrow(DecodeError);
    const component = await (await tools()).parse("(component)");
    expect(() => decodeComponentTypeSections(component)).toThrow(/decoding a component is not supported/);
    const core = await coreModule();
    const junk = concat(
      core,
      customSection("component-type:x", new Uint8Array([0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0, 7, 5, 1])),
    );
    expect(() => decodeComponentTypeSections(junk)).toThrow(DecodeError);
    expect(() => decodeComponentTypeSections(junk)).toThrow(/custom section `component-type:x`/);
  });

  it("never crashes on truncated or corrupted payloads", async () => {
    const bytes = await embed(inlineCases.resources, "w");
    const { before, payload } = payloadOf(bytes);
    let errors = 0;
    for (let cut = 0; cut < payload.length; cut += 3) {
      const broken = concat(before, customSection("component-type", payload.subarray(0, cut)));
      try {
        decodeComponentTypeSections(broken);
      } catch (e) {
        expect(e).toBeInstanceOf(DecodeError);
        errors++;
      }
    }
    expect(errors).toBeGreaterThan(0);
    let seed = 7;
    for (let i = 0; i < 300; i++) {
      const copy = payload.slice();
      for (let k = 0; k < 3; k++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        copy[seed % copy.length] = (seed >>> 8) & 0xff;
      }
      try {
        decodeComponentTypeSections(concat(before, customSection("component-type", copy)));
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
      }
    }
  });

  it("checks the wit-component-encoding section", async () => {
    const bytes = await embed(inlineCases.primitives, "w");
    const { before, payload } = payloadOf(bytes);
    const marker = new TextEncoder().encode("wit-component-encoding");
    const at = Buffer.from(payload).indexOf(Buffer.from(marker));
    expect(at).toBeGreaterThan(0);
    const version = payload.slice();
    version[at + marker.length] = 9;
    expect(() => decodeComponentTypeSections(concat(before, customSection("component-type", version)))).toThrow(
      /uses format 9 but only 4 is supported/,
    );
    const encoding = payload.slice();
    encoding[at + marker.length + 1] = 7;
    expect(() => decodeComponentTypeSections(concat(before, customSection("component-type", encoding)))).toThrow(
      /invalid string encoding 0x7/,
    );
  });

  it("rejects components that are not WIT packages", async () => {
    const component = await (await tools()).parse('(component (core module) (type (component)) (export "x" (type 0)))');
    expect(() => decodeWitPackage(new ResolveClass(), component, "x.wasm")).toThrow(/found an actual component/);
    const funcs = await (await tools()).parse('(component (type (func)) (export "f" (type 0)))');
    expect(() => decodeWitPackage(new ResolveClass(), funcs, "f.wasm")).toThrow(DecodeError);
  });
});

// ---------------------------------------------------------------------------
// WIT packages

describe("decodeWitPackage", () => {
  it("decodes an interface with foreign dependencies", async () => {
    const wat = `(component
  (type (component
    (type (instance (export "t" (type (sub resource)))))
    (import "x:dep/base@1.0.0" (instance (type 0)))
    (alias export 0 "t" (type))
    (type (instance
      (alias outer 1 1 (type))
      (export "t" (type (eq 0)))
      (type (own 1))
      (type (func (param "a" 2) (result string)))
      (export "f" (func (type 3)))))
    (export "x:main/api" (instance (type 2)))))
  (export "api" (type 0)))`;
    const bytes = await (await tools()).parse(wat);
    const resolve = new ResolveClass();
    const pkg = decodeWitPackage(resolve, bytes, "api.wasm");
    const expected = loadText(`package x:main; interface api { use x:dep/base@1.0.0.{t}; f: func(a: t) -> string; }
package x:dep@1.0.0 { interface base { resource t; } }`);
    expect(describePackage(resolve, pkg)).toEqual(describePackage(expected.resolve, expected.pkg));
    expect(resolve.packages.map((p) => p.name.name)).toEqual(["dep", "main"]);
  });

  it.skipIf(!hasCorpus)("loads the kinds-of-deps case with its .wasm dependency", async () => {
    const src = path.join(corpus, "wit-parser-ui/kinds-of-deps");
    const dir = path.join(tmp, "kinds-of-deps");
    fs.cpSync(src, dir, { recursive: true });
    // We have no WAT parser: the .wat dependency is converted to binary here.
    const wat = fs.readFileSync(path.join(dir, "deps/d.wat"), "utf8");
    fs.rmSync(path.join(dir, "deps/d.wat"));
    fs.writeFileSync(path.join(dir, "deps/d.wasm"), await (await tools()).parse(wat));
    const loaded = loadWitPath(dir, { features: ["active"] });
    if (!loaded.ok) throw new Error(renderDiagnostics(loaded.diagnostics));
    const expected = JSON.parse(fs.readFileSync(path.join(corpus, "wit-parser-ui/kinds-of-deps.wit.json"), "utf8"));
    expect(resolveToJson(loaded.resolve)).toEqual(expected);
  });

  it("reports a bad .wasm file as a diagnostic", () => {
    const file = path.join(tmp, "bad.wasm");
    fs.writeFileSync(file, new Uint8Array([0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0, 7, 3, 1, 0x41]));
    const loaded = loadWitPath(file);
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) expect(loaded.diagnostics[0].rendered).toMatch(/failed to decode WIT package/);
  });

  const interfacesDir = path.join(corpus, "wit-component/interfaces");
  const cases = hasCorpus
    ? fs
        .readdirSync(interfacesDir)
        .filter((n) => n.endsWith(".wat"))
        .map((n) => n.slice(0, -4))
    : [];
  it.skipIf(!hasCorpus)("decodes the wit-component interface encodings like their WIT", async () => {
    const { parse } = await tools();
    let compared = 0;
    const unsupported: string[] = [];
    for (const name of cases) {
      const witPath = fs.existsSync(path.join(interfacesDir, name))
        ? path.join(interfacesDir, name)
        : path.join(interfacesDir, `${name}.wit`);
      if (!fs.existsSync(witPath)) continue;
      const expected = loadWitPath(witPath);
      if (!expected.ok) continue;
      const bytes = await parse(fs.readFileSync(path.join(interfacesDir, `${name}.wat`), "utf8"));
      const resolve = new ResolveClass();
      let pkg: number;
      try {
        pkg = decodeWitPackage(resolve, bytes, `${name}.wasm`);
      } catch (e) {
        if (e instanceof DecodeError && /not supported/.test(e.message)) {
          unsupported.push(name);
          continue;
        }
        throw new Error(`${name}: ${(e as Error).message}`);
      }
      expect(describePackage(resolve, pkg), name).toEqual(describePackage(expected.resolve, expected.package));
      compared++;
    }
    expect(unsupported).toEqual([]);
    expect(compared).toBeGreaterThan(30);
  });
});

// ---------------------------------------------------------------------------
// Worlds of the corpus, embedded by wit-component

function corpusWorlds(): { name: string; wit: string; world: string }[] {
  if (!hasCorpus) return [];
  const out: { name: string; wit: string; world: string }[] = [];
  const components = path.join(corpus, "wit-component/components");
  for (const dir of fs.readdirSync(components).sort()) {
    const file = path.join(components, dir, "module.wit");
    if (!fs.existsSync(file)) continue;
    const wit = fs.readFileSync(file, "utf8");
    const loaded = loadWitText(wit);
    if (!loaded.ok) continue;
    const worlds = [...loaded.resolve.packages[loaded.package].worlds.keys()];
    const world = worlds.includes("module") ? "module" : worlds.length === 1 ? worlds[0] : undefined;
    if (world) out.push({ name: `components/${dir}`, wit, world });
  }
  const codegen = path.join(corpus, "wit-bindgen-codegen");
  for (const file of fs.readdirSync(codegen).sort()) {
    if (!file.endsWith(".wit")) continue;
    const wit = fs.readFileSync(path.join(codegen, file), "utf8");
    const loaded = loadWitText(wit);
    if (!loaded.ok) continue;
    for (const world of loaded.resolve.packages[loaded.package].worlds.keys()) {
      out.push({ name: `codegen/${file} ${world}`, wit, world });
    }
  }
  return out;
}

describe.skipIf(!hasCorpus)("decodeComponentTypeSections: corpus worlds", () => {
  const worlds = corpusWorlds();
  it("has worlds to test", () => {
    expect(worlds.length).toBeGreaterThan(150);
  });
  it("decodes every world embedded by wit-component like our front-end resolves it", async () => {
    let compared = 0;
    const embedFailed: string[] = [];
    for (const { name, wit, world } of worlds) {
      let bytes: Uint8Array;
      try {
        bytes = await embed(wit, world);
      } catch {
        embedFailed.push(name);
        continue;
      }
      const expected = loadText(wit, world);
      let decoded;
      try {
        decoded = decodeComponentTypeSections(bytes)!;
      } catch (e) {
        throw new Error(`${name}: ${(e as Error).message}`);
      }
      expect(describeWorld(decoded.bindgen.resolve, decoded.bindgen.world), name).toEqual(
        describeWorld(expected.resolve, expected.world),
      );
      compared++;
    }
    expect(embedFailed.length).toBeLessThan(worlds.length / 10);
    expect(compared).toBeGreaterThan(150);
  }, 120_000);
});
