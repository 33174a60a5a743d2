/**
 * The `package-docs` custom section: the docs and stability of a WIT package
 * encoded as a component survive our encoder and decoder, match what
 * wit-component writes byte for byte, and are read by wasm-tools.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { loadWitPath, loadWitText, renderDiagnostics, type Resolve } from "../index.js";
import { encodeWitPackage } from "../encoding/index.js";
import { decodeWitPackage, DecodeError } from "../encoding/decode/index.js";
import { readSections } from "../encoding/reader.js";
import { Resolve as ResolveClass } from "../ir/resolve.js";
import type { Docs, Stability, WorldItems } from "../ir/types.js";
import { versionToString } from "../parser/semver.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const corpus = path.resolve(root, "../shared/corpus");
const interfacesDir = path.join(corpus, "wit-component/interfaces");
const hasCorpus = fs.existsSync(interfacesDir);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "witx-package-docs-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const WIT = `/// The package.
package docs:test@2.0.0;

/// Shared types.
@since(version = 1.0.0)
interface types {
  /// A point.
  record point {
    /// Horizontal.
    x: s32,
    y: s32,
  }

  /// Colors.
  @since(version = 1.0.0)
  enum color {
    /// Red.
    red,
    green,
  }

  flags perms {
    /// May read.
    read,
    write,
  }

  variant shape {
    /// A circle.
    circle(u32),
    none,
  }

  /// A counter.
  @unstable(feature = counters)
  resource counter {
    /// Makes one.
    constructor(start: u32);
    /// Bumps it.
    @unstable(feature = counters)
    bump: func() -> u32;
    /// The zero counter.
    zero: static func() -> counter;
  }
}

/** An API,
    on two lines. */
interface api {
  use types.{point};

  /// Moves a "point" \\ somewhere.
  @since(version = 1.1.0)
  @deprecated(version = 1.2.0-rc.1)
  move: func(p: point) -> point;

  no-docs: func();
}

/// The world.
@since(version = 1.0.0)
world host {
  /// A world-level type.
  type id = u64;

  /// The api, imported.
  @since(version = 1.0.0)
  import api;

  /// A logger.
  import log: interface {
    /// Logs a message.
    log: func(msg: string);
  }

  /// Runs.
  @unstable(feature = run)
  export run: func(i: id);

  /// Exported inline.
  export out: interface {
    /// Stops.
    stop: func();
  }
}

world plain {
  import types;
}
`;

function load(text: string): { resolve: Resolve; pkg: number } {
  const loaded = loadWitText(text, { allFeatures: true });
  if (!loaded.ok) throw new Error(renderDiagnostics(loaded.diagnostics));
  return { resolve: loaded.resolve, pkg: loaded.package };
}

function stab(s: Stability): string | undefined {
  switch (s.kind) {
    case "unknown":
      return undefined;
    case "unstable":
      return `unstable ${s.feature}${s.deprecated ? ` deprecated ${versionToString(s.deprecated)}` : ""}`;
    case "stable":
      return `since ${versionToString(s.since)}${s.deprecated ? ` deprecated ${versionToString(s.deprecated)}` : ""}`;
  }
}

type Tree = { [k: string]: string | Tree | undefined };

/** Docs and stability of everything in package `pkg`, by name (only what has some). */
function docsOf(resolve: Resolve, pkg: number): Tree {
  const entry = (docs: Docs, s: Stability, more: Tree = {}): Tree => {
    const out: Tree = { docs: docs.contents, stability: stab(s), ...more };
    for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
    return out;
  };
  const type = (id: number): Tree => {
    const t = resolve.types[id];
    const items: Tree = {};
    const k = t.kind;
    const list =
      k.kind === "record"
        ? k.fields
        : k.kind === "flags"
          ? k.flags
          : k.kind === "variant" || k.kind === "enum"
            ? k.cases
            : [];
    for (const item of list) if (item.docs.contents !== undefined) items[item.name] = item.docs.contents;
    return entry(t.docs, t.stability, Object.keys(items).length ? { items } : {});
  };
  const iface = (id: number): Tree => {
    const i = resolve.interfaces[id];
    const types: Tree = {};
    for (const [n, t] of i.types) types[n] = type(t);
    const funcs: Tree = {};
    for (const [n, f] of i.functions) funcs[n] = entry(f.docs, f.stability);
    return entry(i.docs, i.stability, { types, funcs });
  };
  const items = (list: WorldItems): Tree => {
    const out: Tree = {};
    for (const { key, item } of list.values()) {
      const name = resolve.nameWorldKey(key);
      if (item.kind === "function") out[name] = entry(item.func.docs, item.func.stability);
      else if (item.kind === "type") out[name] = type(item.id);
      else {
        const inline = resolve.interfaces[item.id].name === undefined;
        out[name] = entry(item.docs, item.stability, inline ? { iface: iface(item.id) } : {});
      }
    }
    return out;
  };
  const p = resolve.packages[pkg];
  const interfaces: Tree = {};
  for (const [n, id] of p.interfaces) interfaces[n] = iface(id);
  const worlds: Tree = {};
  for (const [n, id] of p.worlds) {
    const w = resolve.worlds[id];
    worlds[n] = entry(w.docs, w.stability, { imports: items(w.imports), exports: items(w.exports) });
  }
  return { docs: p.docs.contents, interfaces, worlds };
}

function decode(bytes: Uint8Array, name = "pkg.wasm"): { resolve: Resolve; pkg: number } {
  const resolve = new ResolveClass();
  return { resolve, pkg: decodeWitPackage(resolve, bytes, name) };
}

/** The contents of the `package-docs` section of a component. */
function section(bytes: Uint8Array): Uint8Array {
  const s = readSections(bytes).find((x) => x.name === "package-docs");
  if (!s) throw new Error("no package-docs section");
  return bytes.subarray(s.dataStart!, s.end);
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

/** `bytes` with its `package-docs` section replaced by sections of the given contents. */
function withDocs(bytes: Uint8Array, ...contents: (string | Uint8Array)[]): Uint8Array {
  const parts: number[] = [...bytes.subarray(0, 8)];
  for (const s of readSections(bytes)) if (s.name !== "package-docs") parts.push(...bytes.subarray(s.offset, s.end));
  for (const c of contents) {
    const data = typeof c === "string" ? [...Buffer.from(c, "latin1")] : [...c];
    const name = [...Buffer.from("package-docs")];
    const body = [...leb(name.length), ...name, ...data];
    parts.push(0, ...leb(body.length), ...body);
  }
  return new Uint8Array(parts);
}

/** `bytes` without its `producers` section. */
function withoutProducers(bytes: Uint8Array): Buffer {
  const parts: Uint8Array[] = [bytes.subarray(0, 8)];
  for (const s of readSections(bytes)) if (s.name !== "producers") parts.push(bytes.subarray(s.offset, s.end));
  return Buffer.concat(parts);
}

describe("package-docs: our encoder and decoder", () => {
  const original = load(WIT);
  const bytes = encodeWitPackage(original.resolve, original.pkg);

  it("writes wit-component's JSON", () => {
    const data = section(bytes);
    expect(data[0]).toBe(1);
    const json = JSON.parse(Buffer.from(data.subarray(1)).toString("utf8"));
    // Key order is the package's: worlds before interfaces, in declaration order.
    expect(Object.keys(json)).toEqual(["docs", "worlds", "interfaces"]);
    expect(Object.keys(json.worlds)).toEqual(["host"]);
    expect(Object.keys(json.interfaces)).toEqual(["types", "api"]);
    expect(json.worlds.host).toEqual({
      docs: "The world.",
      stability: { stable: { since: "1.0.0" } },
      interfaces: { log: { docs: "A logger.", funcs: { log: { docs: "Logs a message." } } } },
      types: { id: { docs: "A world-level type." } },
      interface_exports: { out: { docs: "Exported inline.", funcs: { stop: { docs: "Stops." } } } },
      func_exports: { run: { docs: "Runs.", stability: { unstable: { feature: "run" } } } },
      // `types` is imported because `api` needs it, with the stability of the interface.
      interface_import_stability: {
        "docs:test/types@2.0.0": { stable: { since: "1.0.0" } },
        "docs:test/api@2.0.0": { stable: { since: "1.0.0" } },
      },
      interface_import_docs: { "docs:test/api@2.0.0": "The api, imported." },
    });
    expect(json.interfaces.api).toEqual({
      docs: "An API,\n    on two lines.",
      funcs: {
        move: {
          docs: 'Moves a "point" \\ somewhere.',
          stability: { stable: { since: "1.1.0", deprecated: "1.2.0-rc.1" } },
        },
      },
    });
    expect(Object.keys(json.interfaces.types.types)).toEqual(["point", "color", "perms", "shape", "counter"]);
    expect(json.interfaces.types.types.perms).toEqual({ items: { read: "May read." } });
    expect(Object.keys(json.interfaces.types.funcs)).toEqual([
      "[constructor]counter",
      "[method]counter.bump",
      "[static]counter.zero",
    ]);
  });

  it("writes `\\x01{}` for a package without docs", () => {
    const plain = load("package a:b; interface i { f: func(); } world w { import i; }");
    expect(Buffer.from(section(encodeWitPackage(plain.resolve, plain.pkg))).toString("latin1")).toBe("\x01{}");
  });

  it("round-trips docs and stability", () => {
    const decoded = decode(bytes);
    expect(docsOf(decoded.resolve, decoded.pkg)).toEqual(docsOf(original.resolve, original.pkg));
    // Re-encoding the decoded package gives the same bytes, section included.
    expect(Buffer.from(encodeWitPackage(decoded.resolve, decoded.pkg))).toEqual(Buffer.from(bytes));
  });

  it("keeps @unstable items whatever the features", () => {
    const decoded = decode(bytes);
    const types = decoded.resolve.packages[decoded.pkg].interfaces.get("types")!;
    const bump = decoded.resolve.interfaces[types].functions.get("[method]counter.bump")!;
    expect(bump.stability).toMatchObject({ kind: "unstable", feature: "counters" });
  });

  it("reads the version 0 format (function docs as bare strings)", () => {
    const v0 = withDocs(
      bytes,
      '\x00{"docs":"p","interfaces":{"api":{"docs":"a","funcs":{"move":"m","no-docs":null}}}}',
    );
    const { resolve, pkg } = decode(v0);
    const api = resolve.interfaces[resolve.packages[pkg].interfaces.get("api")!];
    expect(resolve.packages[pkg].docs.contents).toBe("p");
    expect(api.docs.contents).toBe("a");
    expect(api.functions.get("move")!.docs.contents).toBe("m");
    expect(api.functions.get("move")!.stability).toEqual({ kind: "unknown" });
    // A unit variant as serde also reads it.
    const unit = decode(withDocs(bytes, '\x01{"interfaces":{"api":{"stability":{"unknown":null}}}}'));
    expect(unit.resolve.interfaces[unit.resolve.packages[unit.pkg].interfaces.get("api")!].stability).toEqual({
      kind: "unknown",
    });
  });

  it("reports a malformed section", () => {
    const bad =
      (contents: string | Uint8Array, ...more: (string | Uint8Array)[]) =>
      () =>
        decode(withDocs(bytes, contents, ...more));
    expect(bad("\x02{}")).toThrow(/expected package-docs version 1, got 2/);
    expect(bad(new Uint8Array())).toThrow(/expected package-docs version 1, got none/);
    expect(bad("\x01{")).toThrow(DecodeError);
    expect(bad("\x01{")).toThrow(/invalid JSON/);
    expect(bad('\x01{"worlds":{"nope":{"docs":"x"}}}')).toThrow(/missing world "nope"/);
    expect(bad('\x01{"interfaces":{"nope":{}}}')).toThrow(/missing interface "nope"/);
    expect(bad('\x01{"interfaces":{"api":{"funcs":{"nope":{}}}}}')).toThrow(/missing func "nope"/);
    expect(bad('\x01{"interfaces":{"types":{"types":{"point":{"items":{"z":"?"}}}}}}')).toThrow(/not all 'items'/);
    expect(bad('\x01{"worlds":{"host":{"interface_import_docs":{"x:y/z":"d"}}}}')).toThrow(
      /missing interface `x:y\/z`/,
    );
    expect(bad('\x01{"colour":1}')).toThrow(/unknown field `colour`/);
    expect(bad('\x01{"docs":"a","worlds":{"host":{"stability":{"stable":{"since":"one"}}}}}')).toThrow(
      /invalid version/,
    );
    expect(bad("\x01{}", "\x01{}")).toThrow(/multiple "package-docs" sections/);
  });

  it("loads a .wasm WIT package with its docs; a bad section is a diagnostic", () => {
    const file = path.join(tmp, "docs.wasm");
    fs.writeFileSync(file, bytes);
    const loaded = loadWitPath(file);
    if (!loaded.ok) throw new Error(renderDiagnostics(loaded.diagnostics));
    expect(docsOf(loaded.resolve, loaded.package)).toEqual(docsOf(original.resolve, original.pkg));

    const badFile = path.join(tmp, "bad-docs.wasm");
    fs.writeFileSync(badFile, withDocs(bytes, "\x07{}"));
    const bad = loadWitPath(badFile);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.diagnostics[0].rendered).toMatch(/expected package-docs version 1, got 7/);
  });

  it("keeps the docs through the CLI, from a binary package dependency to TypeScript", () => {
    // A WIT directory whose world includes the binary package's world.
    const dir = path.join(tmp, "cli-wit");
    fs.mkdirSync(path.join(dir, "deps"), { recursive: true });
    fs.writeFileSync(path.join(dir, "deps/docs.wasm"), bytes);
    fs.writeFileSync(
      path.join(dir, "main.wit"),
      "package app:main;\n\nworld host {\n  include docs:test/host@2.0.0;\n}\n",
    );
    const out = path.join(tmp, "ts-out");
    const r = spawnSync(
      process.execPath,
      [path.join(root, "dist/cli/launch.cjs"), "ts", dir, "--world", "host", "--out-dir", out, "--all-features"],
      { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } },
    );
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const text = fs
      .readdirSync(out, { recursive: true })
      .map((f) => path.join(out, String(f)))
      .filter((f) => fs.statSync(f).isFile())
      .map((f) => fs.readFileSync(f, "utf8"))
      .join("\n");
    expect(text).toContain('Moves a "point"');
    expect(text).toContain("Logs a message.");
    expect(text).toContain("Runs.");
  });
});

describe("package-docs: against wasm-tools", () => {
  it("wasm-tools reads our docs and stability back", async () => {
    const { unpackWit } = await import("@bytecodealliance/jco-transpile");
    const original = load(WIT);
    const files = await unpackWit(undefined, encodeWitPackage(original.resolve, original.pkg));
    const text = [...(files as Map<string, string>).values()].join("\n");
    expect(text).toContain("/// The package.\npackage docs:test@2.0.0;");
    expect(text).toContain("  /// Bumps it.\n    @unstable(feature = counters)\n    bump: func() -> u32;");
    expect(text).toContain("@since(version = 1.1.0)\n  @deprecated(version = 1.2.0-rc.1)\n  move: func");
    expect(text).toContain("  /// The api, imported.\n  @since(version = 1.0.0)\n  import api;");
    // The WIT wasm-tools prints has everything ours has.
    const printed = load(text);
    expect(docsOf(printed.resolve, printed.pkg)).toEqual(docsOf(original.resolve, original.pkg));
  });

  const cases = hasCorpus
    ? fs
        .readdirSync(interfacesDir)
        .filter((n) => n.endsWith(".wat"))
        .map((n) => n.slice(0, -4))
        .filter((n) => [n, `${n}.wit`].some((p) => fs.existsSync(path.join(interfacesDir, p))))
    : [];
  const witOf = (name: string) =>
    fs.existsSync(path.join(interfacesDir, name))
      ? path.join(interfacesDir, name)
      : path.join(interfacesDir, `${name}.wit`);

  it.skipIf(!hasCorpus)("our encodings equal wit-component's, package-docs included", async () => {
    const { parse } = await import("@bytecodealliance/jco-transpile/wasm-tools");
    const differ: string[] = [];
    for (const name of cases) {
      const loaded = loadWitPath(witOf(name), { allFeatures: true });
      if (!loaded.ok) continue;
      const expected = await parse(fs.readFileSync(path.join(interfacesDir, `${name}.wat`), "utf8"));
      const ours = encodeWitPackage(loaded.resolve, loaded.package);
      if (!withoutProducers(ours).equals(withoutProducers(expected))) differ.push(name);
    }
    expect(differ).toEqual([]);
    expect(cases).toContain("doc-comments");
  });

  it.skipIf(!hasCorpus)("we read the package-docs wit-component wrote", async () => {
    const { parse } = await import("@bytecodealliance/jco-transpile/wasm-tools");
    let withDocs = 0;
    for (const name of cases) {
      const expected = loadWitPath(witOf(name), { allFeatures: true });
      if (!expected.ok) continue;
      const bytes = await parse(fs.readFileSync(path.join(interfacesDir, `${name}.wat`), "utf8"));
      const decoded = decode(bytes, `${name}.wasm`);
      expect(docsOf(decoded.resolve, decoded.pkg), name).toEqual(docsOf(expected.resolve, expected.package));
      if (section(bytes).length > 3) withDocs++;
    }
    expect(withDocs).toBeGreaterThan(3);
  });
});
