/**
 * Deferred interface bodies: a large file is parsed without the bodies of
 * its top-level interfaces, each parsed just before the interface is
 * resolved, and anything that goes wrong that way sends the package group
 * through the ordinary parse and resolve again (`ir/parse-group.ts`).
 *
 * The property: loading with every file deferred (`deferring.above = 0`)
 * gives exactly what loading without deferring gives, the whole `Resolve`
 * and every diagnostic (message, span, location, contexts, rendering), on
 * generated documents, mutated seeds and token streams (fixed seeds), and on
 * a large package with errors placed in its bodies, its headers and its
 * resolution.
 */
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { loadWitText, type LoadOptions } from "../index.js";
import { deferring } from "../ir/parse-group.js";
import type { Resolve } from "../ir/resolve.js";
import { DEFER_ABOVE, parseDeferredBody, parseWitFileDeferring } from "../parser/index.js";
import { documentArb, mutatedSeedArb, optionsArb, tokenStreamArb } from "../fuzz/wit-inputs.js";

/** Everything in a `Resolve` but its source map (maps as entry lists, object keys sorted), as one string. */
function snapshot(resolve: Resolve): string {
  const norm = (v: unknown): unknown => {
    if (v instanceof Map) return { $map: [...v.entries()].map(([k, x]) => [k, norm(x)]) };
    if (Array.isArray(v)) return v.map(norm);
    if (v && typeof v === "object") {
      return Object.fromEntries(
        Object.keys(v)
          .filter((k) => k !== "sourceMap" && k !== "memo")
          .sort()
          .map((k) => [k, norm((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return JSON.stringify(norm(resolve));
}

function outcome(text: string, options: LoadOptions, above: number): string {
  deferring.above = above;
  const r = loadWitText(text, options);
  if (r.ok) return `ok ${r.world} ${snapshot(r.resolve)}`;
  return JSON.stringify(
    r.diagnostics.map((d) => [d.message, d.span, d.location, d.contexts, d.rendered]),
    null,
    1,
  );
}

function expectSame(text: string, options: LoadOptions = {}): boolean {
  const deferred = outcome(text, options, 0);
  expect(deferred).toBe(outcome(text, options, Infinity));
  return deferred.startsWith("ok");
}

/** `n` interfaces, each using a type of an earlier one (some with attributes on the `use`), and a world of them all. */
function largePackage(n: number, reverse = false): string {
  const interfaces: string[] = [];
  for (let i = 0; i < n; i++) {
    let body = i > 0 ? `  use i${i - 1}.{r${i - 1}};\n` : "";
    if (i % 7 === 3) body += `  @since(version = 1.0.0)\n  use i${i - 2}.{v${i - 2} as w};\n`;
    body +=
      `  /// A record.\n  record r${i} { a: u32, b: list<option<u8>> }\n` +
      `  variant v${i} { x(u32), y, z(result<string, r${i}>) }\n` +
      `  resource h${i} { constructor(x: u32); get: func() -> r${i}; }\n` +
      `  fn${i}: func(a: r${i}, b: borrow<h${i}>) -> result<v${i}, string>;\n`;
    interfaces.push(`/// Interface ${i}.\n@since(version = 1.0.0)\ninterface i${i} {\n${body}}\n`);
  }
  if (reverse) interfaces.reverse();
  const imports = Array.from({ length: n }, (_, i) => `  import i${i};\n`).join("");
  return `package test:large@1.0.0;\n${interfaces.join("")}world w {\n${imports}}\n`;
}

afterEach(() => {
  deferring.above = DEFER_ABOVE;
});

describe("deferred interface bodies", () => {
  it("skip every top-level body of a large file but its `use` members, and parse each body on demand", () => {
    const text = largePackage(60);
    const parsed = parseWitFileDeferring(text, 0);
    expect(parsed.problems).toEqual([]);
    expect(parsed.deferred?.bodies.size).toBe(60);
    const interfaces = parsed.file!.items.flatMap((i) => (i.kind === "interface" ? [i.value] : []));
    expect(interfaces.map((i) => i.items.map((m) => m.kind).join(","))).toEqual(
      interfaces.map((_, i) => (i === 0 ? "" : i % 7 === 3 ? "use,use" : "use")),
    );
    const body = parseDeferredBody(parsed.deferred!, interfaces[3].items)!;
    expect(body.map((m) => m.kind)).toEqual(["use", "use", "typedef", "typedef", "typedef", "func"]);
    // A small file is not deferred.
    expect(parseWitFileDeferring("package a:b; interface i { f: func(); }", 0).deferred).toBeUndefined();
  });

  it("load a large package as the ordinary parse does, in any order of its interfaces, without parsing it again", () => {
    const text = largePackage(60);
    expect(text.length).toBeGreaterThan(DEFER_ABOVE * 2);
    const retries = deferring.retries;
    expect(expectSame(text)).toBe(true);
    expect(expectSame(largePackage(60, true))).toBe(true);
    for (const options of [{ allFeatures: true }, { world: "w" }]) expect(expectSame(text, options)).toBe(true);
    expect(deferring.retries).toBe(retries);
  });

  it("report errors in bodies, headers and resolution as the ordinary parse does", () => {
    const text = largePackage(60);
    const bodyOf = (i: number) => text.indexOf(`interface i${i} {`);
    const edits: [number, string, string][] = [
      // A syntax error in a body, early and late.
      [bodyOf(2), "record r2 {", "record r2 {{"],
      [bodyOf(55), "fn55: func(", "fn55: func(("],
      // An unclosed body, and a `use` member with a syntax error.
      [bodyOf(59), "fn59: func(a: r59, b: borrow<h59>) -> result<v59, string>;\n}", "fn59: func();\n"],
      [bodyOf(10), "use i9.{r9};", "use i9.{r9 r9};"],
      // A resolution error before a later syntax error, and alone.
      [bodyOf(3), "record r3 { a: u32", "record r3 { a: nope"],
      [bodyOf(40), "variant v40 { x(u32)", "variant v40 { x(u32), y("],
      [bodyOf(20), "use i19.{r19};", "use i99.{r19};"],
      // A syntax error in a header, and a duplicate interface.
      [bodyOf(30), "interface i30 {", "interface i30 i30 {"],
      [bodyOf(31), "interface i31 {", "interface i30 {"],
    ];
    for (const [at, from, to] of edits) {
      const edited = text.slice(0, at) + text.slice(at).replace(from, to);
      expect(edited).not.toBe(text);
      const retries = deferring.retries;
      expect(expectSame(edited)).toBe(false);
      expect(deferring.retries).toBe(retries + 1);
    }
    // Two independent mistakes: the ordinary order decides which is reported.
    const two = text.replace("record r3 { a: u32", "record r3 { a: nope").replace("fn55: func(", "fn55: func((");
    expect(expectSame(two)).toBe(false);
  });

  it("change nothing on generated documents, mutated seeds and token streams", () => {
    let ok = 0;
    for (const [arb, runs, seed] of [
      [documentArb, 1500, 7001],
      [mutatedSeedArb, 1500, 7002],
      [tokenStreamArb, 500, 7003],
    ] as const) {
      fc.assert(
        fc.property(arb, optionsArb, (text, options) => {
          if (expectSame(text, options)) ok++;
        }),
        { numRuns: runs, seed },
      );
    }
    // Many of them load, so the comparison reaches whole Resolves.
    expect(ok).toBeGreaterThan(500);
  });
});
