/**
 * WAVE (ir/wave): parsing and printing over IR types, round trips per value
 * kind, numbers at their limits, escapes, errors and their locations, and
 * wasm-wave's UI tests from the corpus.
 *
 * The corpus is read from `WITX_BINDGEN_CORPUS` (default `../shared/corpus`
 * next to the repository); without it those cases are skipped.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runWaveUi } from "../conformance/wave.js";
import { loadWitText, type Function, type Resolve, type Type } from "../index.js";
import { parseF32 } from "../ir/wave/float.js";
import { parseWave, parseWaveCall, printWave, printWaveCall, UntypedWaveCall, WaveError } from "../ir/wave/index.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const corpus = process.env.WITX_BINDGEN_CORPUS ?? path.resolve(here, "..", "..", "shared", "corpus");
const uiDir = path.join(corpus, "wasm-wave", "ui");
const haveCorpus = fs.existsSync(uiDir);
if (!haveCorpus) console.info(`wave.test.ts: corpus cases skipped: no corpus at ${uiDir}`);

const wit = `
package test:wave@1.0.0;

interface values {
  record point { x: s32, y: s32 }
  record person { name: string, age: option<u8>, nick-name: option<string> }
  record all-optional { a: option<u8>, b: option<option<u8>> }
  variant shape { circle(f64), square(point), none-at-all, %some(u8), %ok }
  enum color { red, green-ish, %true, %inf }
  flags perms { read, write, exec-all }
  type alias = list<point>;
  resource res;

  tuples: func(a: tuple<u8, string, bool>);
  lists: func(a: list<u8>, b: list<s64>, c: list<f32>, d: list<string>, e: list<char>, f: list<u16, 3>);
  options: func(a: option<u8>, b: option<option<u8>>, c: option<list<u8>>);
  results: func(a: result<u8, string>, b: result, c: result<_, u8>, d: result<option<u8>>);
  optional-tail: func(a: u8, b: option<u8>, c: option<string>);
  misc: func(a: alias, b: person, c: all-optional, d: shape, e: color, f: perms);
  ints: func(a: u8, b: s8, c: u16, d: s16, e: u32, f: s32, g: u64, h: s64);
  floats: func(a: f32, b: f64);
  texts: func(a: char, b: string);
  handles: func(a: own<res>, b: map<string, u8>);
}
`;
const loaded = loadWitText(wit);
if (!loaded.ok) throw new Error(loaded.diagnostics.map((d) => d.rendered).join("\n"));
const resolve: Resolve = loaded.resolve;
const iface = resolve.interfaces.find((i) => i.name === "values")!;
const func = (name: string): Function => iface.functions.get(name)!;
/** The type of parameter `i` of `f`. */
const param = (f: string, i: number): Type => func(f).params[i].type;
const named = (name: string): Type => iface.types.get(name)!;

/** Parses `text` as `type`, prints it back (must give `canonical`), and parses that again to the same value. */
function roundTrip(text: string, type: Type, canonical = text): unknown {
  const value = parseWave(text, type, resolve);
  const printed = printWave(value, type, resolve);
  expect(printed).toBe(canonical);
  expect(parseWave(printed, type, resolve)).toEqual(value);
  return value;
}

function waveError(f: () => unknown): WaveError {
  try {
    f();
  } catch (e) {
    if (e instanceof WaveError) return e;
    throw e;
  }
  throw new Error("no error");
}

describe("values and round trips", () => {
  it("primitives", () => {
    expect(roundTrip("true", "bool")).toBe(true);
    expect(roundTrip("false", "bool")).toBe(false);
    expect(roundTrip("255", "u8")).toBe(255);
    expect(roundTrip("-128", "s8")).toBe(-128);
    expect(roundTrip("-0", "s32", "0")).toBe(0);
    expect(roundTrip("'x'", "char")).toBe("x");
    expect(roundTrip('"héllo 🌊"', "string")).toBe("héllo 🌊");
  });

  it("u64 and s64 are bigints, at their limits", () => {
    expect(roundTrip("18446744073709551615", "u64")).toBe(18446744073709551615n);
    expect(roundTrip("-9223372036854775808", "s64")).toBe(-9223372036854775808n);
    expect(roundTrip("0", "u64")).toBe(0n);
    expect(waveError(() => parseWave("18446744073709551616", "u64", resolve)).kind).toBe("invalid-value");
    expect(waveError(() => parseWave("9223372036854775808", "s64", resolve)).kind).toBe("invalid-value");
    expect(waveError(() => parseWave("-1", "u64", resolve)).kind).toBe("invalid-value");
    expect(waveError(() => parseWave("-0", "u8", resolve)).kind).toBe("invalid-value");
    expect(waveError(() => parseWave("1.0", "u32", resolve)).kind).toBe("invalid-value");
    expect(waveError(() => parseWave("1e3", "u32", resolve)).kind).toBe("invalid-value");
    expect(waveError(() => parseWave("256", "u8", resolve)).waveText).toBe("invalid value at 0..3");
    expect(() => printWave(1, "u64", resolve)).toThrow(TypeError);
  });

  it("floats: nan, infinities, -0, shortest digits without exponent", () => {
    expect(roundTrip("nan", "f64")).toBeNaN();
    expect(roundTrip("inf", "f32")).toBe(Infinity);
    expect(roundTrip("-inf", "f64")).toBe(-Infinity);
    expect(Object.is(roundTrip("-0.0", "f64", "-0"), -0)).toBe(true);
    expect(Object.is(roundTrip("-0", "f32"), -0)).toBe(true);
    expect(roundTrip("0.1", "f32")).toBe(Math.fround(0.1));
    expect(roundTrip("1e21", "f64", "1000000000000000000000")).toBe(1e21);
    expect(roundTrip("5e-324", "f64", "0." + "0".repeat(323) + "5")).toBe(5e-324);
    expect(roundTrip("3.4028235e38", "f32", "340282350000000000000000000000000000000")).toBe(3.4028234663852886e38);
    expect(roundTrip("1.17549435e-38", "f32", "0.000000000000000000000000000000000000011754944")).toBe(2 ** -126);
    expect(roundTrip("16777217", "f32", "16777216")).toBe(16777216);
    // Two shortest candidates equally close (…819.25): Rust writes the larger.
    expect(printWave(-1372088713925819.25, "f64", resolve)).toBe("-1372088713925819.3");
    expect(roundTrip("-3.1415", "f32")).toBe(Math.fround(-3.1415));
    expect(printWave(NaN, "f32", resolve)).toBe("nan");
    // `-nan`, `NaN`, `infinity` are not WAVE.
    for (const text of ["-nan", "NaN", "infinity", "Inf", "+1", ".5", "1."])
      expect(() => parseWave(text, "f64", resolve)).toThrow(WaveError);
  });

  it("f32 is rounded once from the decimal (not through f64)", () => {
    // Just above the midpoint between 1 and the next f32; as an f64 it is the midpoint itself.
    expect(parseF32("1.0000000596046448")).toBe(Math.fround(1 + 2 ** -23));
    expect(parseF32("1.000000059604644775390625")).toBe(1); // the midpoint: ties to even
    // The midpoint between the largest f32 and 2^128: ties to even, which is infinity.
    expect(parseF32("340282356779733661637539395458142568448")).toBe(Infinity);
    expect(parseF32("340282356779733661637539395458142568447.9")).toBe(3.4028234663852886e38);
    // Half the smallest subnormal (2^-150): ties to even, which is zero.
    const half =
      "7.00649232162408535461864791644958065640130970938257885878534141944895541342930300743319094181060791015625e-46";
    expect(parseF32(half)).toBe(0);
    expect(parseF32(half.replace("625e", "626e"))).toBe(2 ** -149);
    expect(parseF32("7.006492321624085e-46")).toBe(0);
    expect(parseF32("7.006492321624086e-46")).toBe(2 ** -149);
  });

  it("floats read back exactly (property)", () => {
    fc.assert(
      fc.property(fc.float(), (x) => {
        const back = parseWave(printWave(x, "f32", resolve), "f32", resolve) as number;
        return Object.is(back, x) || (Number.isNaN(x) && Number.isNaN(back));
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.double(), (x) => {
        const back = parseWave(printWave(x, "f64", resolve), "f64", resolve) as number;
        return Object.is(back, x) || (Number.isNaN(x) && Number.isNaN(back));
      }),
      { numRuns: 2000 },
    );
  });

  it("chars and strings: escapes, unicode escapes, multiline strings", () => {
    expect(roundTrip("'\\u{1F44B}'", "char", "'👋'")).toBe("👋");
    expect(roundTrip("'\\u{0}'", "char")).toBe("\0");
    expect(roundTrip("'\\u{7f}'", "char")).toBe("\x7f");
    expect(roundTrip("'\\u{301}'", "char")).toBe("\u0301"); // combining: escaped
    expect(roundTrip("'\\u{200b}'", "char")).toBe("\u200b"); // format (Cf): escaped
    expect(roundTrip("'\\u{a0}'", "char")).toBe("\u00a0"); // no-break space (Zs): escaped
    expect(roundTrip("' '", "char")).toBe(" ");
    expect(roundTrip(`'"'`, "char", `'\\"'`)).toBe('"');
    expect(roundTrip(`"it's"`, "string", `"it\\'s"`)).toBe("it's");
    expect(roundTrip('"\\\\\\t\\n\\r\\u{2603}"', "string", '"\\\\\\t\\n\\r☃"')).toBe("\\\t\n\r☃");
    expect(parseWave('"""\n  a\n    b\r\n  """', "string", resolve)).toBe("a\n  b");
    expect(parseWave('"""\n"""', "string", resolve)).toBe("");
    expect(waveError(() => parseWave('"\\u{d800}"', "string", resolve)).waveText).toBe(
      "invalid character escape at 1..2",
    );
    expect(waveError(() => parseWave("'ab'", "char", resolve)).waveText).toBe("invalid token at 0..4");
    expect(() => printWave("ab", "char", resolve)).toThrow(TypeError);
    expect(() => printWave("\ud800", "string", resolve)).toThrow(TypeError);
  });

  it("strings round-trip (property)", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme" }),
        (s) => parseWave(printWave(s, "string", resolve), "string", resolve) === s,
      ),
      { numRuns: 1000 },
    );
  });

  it("lists: typed arrays for numbers, arrays otherwise, fixed lengths", () => {
    const [a, b, c, d, e, f] = func("lists").params.map((p) => p.type);
    expect(roundTrip("[1, 2, 255]", a)).toEqual(new Uint8Array([1, 2, 255]));
    expect(roundTrip("[-1, 9223372036854775807]", b)).toEqual(new BigInt64Array([-1n, 9223372036854775807n]));
    expect(roundTrip("[0.5, nan, -inf]", c)).toEqual(new Float32Array([0.5, NaN, -Infinity]));
    expect(roundTrip('["a", "b"]', d)).toEqual(["a", "b"]);
    expect(roundTrip("[]", e)).toEqual([]);
    expect(roundTrip("[1, 2, 3]", f)).toEqual([1, 2, 3]);
    expect(printWave([1, 2], a, resolve)).toBe("[1, 2]");
    expect(waveError(() => parseWave("[1, 2]", f, resolve)).waveText).toBe(
      "error converting Wasm value: expected 3 list elements; got 2 at 0..6",
    );
  });

  it("tuples", () => {
    expect(roundTrip('(1, "x", true,)', param("tuples", 0), '(1, "x", true)')).toEqual([1, "x", true]);
    expect(waveError(() => parseWave("(1, true)", param("tuples", 0), resolve)).waveText).toBe(
      "error converting Wasm value: expected 3 tuple elements; got 2 at 0..9",
    );
    expect(waveError(() => parseWave("()", param("tuples", 0), resolve)).kind).toBe("empty-tuple");
  });

  it("records: camelCase keys, none fields left out, {:}", () => {
    const person = named("person");
    expect(roundTrip('{name: "a", nick-name: "b"}', person, '{name: "a", nick-name: some("b")}')).toEqual({
      name: "a",
      age: undefined,
      nickName: "b",
    });
    expect(roundTrip('{age: some(3), %name: "a",}', person, '{name: "a", age: some(3)}')).toEqual({
      name: "a",
      age: 3,
      nickName: undefined,
    });
    const allOptional = named("all-optional");
    expect(roundTrip("{:}", allOptional)).toEqual({ a: undefined, b: { tag: "none" } });
    expect(roundTrip("{b: some(none)}", allOptional)).toEqual({ a: undefined, b: { tag: "some", val: undefined } });
    expect(roundTrip("{b: some(some(1))}", allOptional)).toEqual({ a: undefined, b: { tag: "some", val: 1 } });
    expect(roundTrip("[{x: 1, y: -2}]", named("alias"))).toEqual([{ x: 1, y: -2 }]);
    expect(waveError(() => parseWave("{x: 1, y: 2, z: 3}", named("point"), resolve)).waveText).toBe(
      'error converting Wasm value: unknown field "z" at 0..18',
    );
    expect(waveError(() => parseWave("{x: 1}", named("point"), resolve)).waveText).toBe(
      'error converting Wasm value: missing field "y" at 0..6',
    );
  });

  it("variants and enums: keyword cases with %", () => {
    const shape = named("shape");
    expect(roundTrip("circle(1.5)", shape)).toEqual({ tag: "circle", val: 1.5 });
    expect(roundTrip("square({x: 1, y: 2})", shape)).toEqual({ tag: "square", val: { x: 1, y: 2 } });
    expect(roundTrip("none-at-all", shape)).toEqual({ tag: "none-at-all" });
    expect(roundTrip("%some(1)", shape)).toEqual({ tag: "some", val: 1 });
    expect(roundTrip("%ok", shape)).toEqual({ tag: "ok" });
    expect(waveError(() => parseWave("some(1)", shape, resolve)).kind).toBe("invalid-type");
    expect(waveError(() => parseWave("circle", shape, resolve)).waveText).toBe(
      'error converting Wasm value: missing payload for "circle" case at 0..6',
    );
    const color = named("color");
    expect(roundTrip("green-ish", color)).toBe("green-ish");
    expect(roundTrip("%red", color, "red")).toBe("red");
    expect(roundTrip("%true", color)).toBe("true");
    expect(roundTrip("%inf", color)).toBe("inf");
    expect(waveError(() => parseWave("blue", color, resolve)).waveText).toBe(
      'error converting Wasm value: unknown case "blue" at 0..4',
    );
  });

  it("flags: every flag a boolean, printed in type order", () => {
    const perms = named("perms");
    expect(roundTrip("{exec-all, read}", perms, "{read, exec-all}")).toEqual({
      read: true,
      write: false,
      execAll: true,
    });
    expect(roundTrip("{}", perms)).toEqual({ read: false, write: false, execAll: false });
    expect(printWave(undefined, perms, resolve)).toBe("{}");
  });

  it("options: flat payloads, tagged nested options", () => {
    const [a, b, c] = func("options").params.map((p) => p.type);
    expect(roundTrip("5", a, "some(5)")).toBe(5);
    expect(roundTrip("none", a)).toBeUndefined();
    expect(printWave(null, a, resolve)).toBe("none");
    expect(roundTrip("some(none)", b)).toEqual({ tag: "some", val: undefined });
    expect(roundTrip("some(some(0))", b)).toEqual({ tag: "some", val: 0 });
    expect(roundTrip("none", b)).toEqual({ tag: "none" });
    expect(waveError(() => parseWave("5", b, resolve)).kind).toBe("invalid-type");
    expect(roundTrip("[1]", c, "some([1])")).toEqual(new Uint8Array([1]));
  });

  it("results: ok/err, flat ok payloads", () => {
    const [a, b, c, d] = func("results").params.map((p) => p.type);
    expect(roundTrip("7", a, "ok(7)")).toEqual({ tag: "ok", val: 7 });
    expect(roundTrip('err("no")', a)).toEqual({ tag: "err", val: "no" });
    expect(roundTrip("ok", b)).toEqual({ tag: "ok", val: undefined });
    expect(roundTrip("err", b)).toEqual({ tag: "err", val: undefined });
    expect(roundTrip("err(1)", c)).toEqual({ tag: "err", val: 1 });
    expect(roundTrip("ok(some(1))", d)).toEqual({ tag: "ok", val: 1 });
    expect(waveError(() => parseWave("some(1)", d, resolve)).kind).toBe("invalid-type");
    expect(waveError(() => parseWave("ok(1)", b, resolve)).waveText).toBe(
      'error converting Wasm value: unexpected payload for "ok" case at 0..5',
    );
  });

  it("handles and maps have no WAVE form", () => {
    expect(waveError(() => parseWave("1", param("handles", 0), resolve)).waveText).toBe(
      "error converting Wasm value: unsupported type res at 0..1",
    );
    expect(waveError(() => parseWave("[]", param("handles", 1), resolve)).detail).toBe(
      "unsupported type map<string, u8>",
    );
    expect(() => printWave({}, param("handles", 0), resolve)).toThrow(TypeError);
  });

  it("printing a value of the wrong shape names its path", () => {
    expect(() => printWave({ name: "a", age: 300 }, named("person"), resolve)).toThrow(
      "value.age: expected a u8, got 300",
    );
    expect(() => printWave({ tag: "oval" }, named("shape"), resolve)).toThrow(/value: expected \{ tag \}/);
  });
});

/** Random JS values of an IR type, in the host's shapes. */
function arbitrary(t: Type): fc.Arbitrary<unknown> {
  if (typeof t === "string") {
    const ints: Record<string, [number, number]> = {
      u8: [0, 255],
      s8: [-128, 127],
      u16: [0, 65535],
      s16: [-32768, 32767],
      u32: [0, 4294967295],
      s32: [-2147483648, 2147483647],
    };
    if (ints[t]) return fc.integer({ min: ints[t][0], max: ints[t][1] });
    switch (t) {
      case "u64":
        return fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
      case "s64":
        return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
      case "f32":
        return fc.float();
      case "f64":
        return fc.double();
      case "bool":
        return fc.boolean();
      case "char":
        return fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 1 });
      case "string":
        return fc.string({ unit: "binary" });
    }
    throw new Error(t);
  }
  const k = resolve.types[t].kind;
  switch (k.kind) {
    case "type":
      return arbitrary(k.type);
    case "list": {
      const items = fc.array(arbitrary(k.type), { maxLength: 4 });
      const array = { u8: Uint8Array, s64: BigInt64Array, f32: Float32Array } as Record<string, never>;
      const typed = typeof k.type === "string" ? array[k.type] : undefined;
      return typed ? items.map((xs) => new (typed as new (x: unknown[]) => unknown)(xs)) : items;
    }
    case "fixed-length-list":
      return fc.array(arbitrary(k.type), { minLength: k.size, maxLength: k.size });
    case "tuple":
      return fc.tuple(...k.types.map(arbitrary));
    case "record":
      return fc.record(
        Object.fromEntries(
          k.fields.map((f) => [f.name.replace(/-(.)/g, (_, c) => c.toUpperCase()), arbitrary(f.type)]),
        ),
      );
    case "variant":
      return fc.oneof(
        ...k.cases.map((c) =>
          c.type === undefined ? fc.constant({ tag: c.name }) : arbitrary(c.type).map((val) => ({ tag: c.name, val })),
        ),
      );
    case "enum":
      return fc.constantFrom(...k.cases.map((c) => c.name));
    case "flags":
      return fc.record(
        Object.fromEntries(k.flags.map((f) => [f.name.replace(/-(.)/g, (_, c) => c.toUpperCase()), fc.boolean()])),
      );
    case "option": {
      const inner = typeof k.type === "number" && resolve.types[k.type].kind.kind === "option";
      const some = arbitrary(k.type);
      return inner
        ? fc.oneof(
            fc.constant({ tag: "none" }),
            some.map((val) => ({ tag: "some", val })),
          )
        : fc.oneof(fc.constant(undefined), some);
    }
    case "result": {
      const side = (tag: string, p: Type | undefined) =>
        p === undefined ? fc.constant({ tag, val: undefined }) : arbitrary(p).map((val) => ({ tag, val }));
      return fc.oneof(side("ok", k.ok), side("err", k.err));
    }
  }
  throw new Error(k.kind);
}

describe("round trips of random values (property)", () => {
  const types: [string, Type][] = [
    ...["tuples", "lists", "options", "results", "misc", "ints", "floats", "texts"].flatMap((f) =>
      func(f).params.map((p): [string, Type] => [`${f}.${p.name}`, p.type]),
    ),
  ];
  it.each(types)("%s", (_, type) => {
    fc.assert(
      fc.property(arbitrary(type), (value) => {
        const text = printWave(value, type, resolve);
        const back = parseWave(text, type, resolve);
        expect(back).toEqual(value);
        expect(printWave(back, type, resolve)).toBe(text);
      }),
      { numRuns: 200 },
    );
  });
});

describe("calls", () => {
  it("parses arguments by the parameters; trailing options may be left out", () => {
    expect(parseWaveCall('optional-tail(1, none, "x")', func("optional-tail"), resolve)).toEqual({
      name: "optional-tail",
      args: [1, undefined, "x"],
    });
    expect(parseWaveCall("values.optional-tail(1)", func("optional-tail"), resolve).args).toEqual([
      1,
      undefined,
      undefined,
    ]);
    const call = UntypedWaveCall.parse("test:wave/values.ints@1.0.0(1, 2, 3, 4, 5, 6, 7, 8)");
    expect(call.name).toBe("test:wave/values.ints@1.0.0");
    const args = call.args(func("ints"), resolve);
    expect(args).toEqual([1, 2, 3, 4, 5, 6, 7n, 8n]);
    expect(printWaveCall("ints", args, func("ints"), resolve)).toBe("ints(1, 2, 3, 4, 5, 6, 7, 8)");
    expect(printWaveCall("texts", ["☃", "a\nb"], func("texts"), resolve, { names: true })).toBe(
      "texts(a: '☃', b: \"a\\nb\")",
    );
  });

  it("refuses missing and extra arguments", () => {
    expect(waveError(() => parseWaveCall("optional-tail()", func("optional-tail"), resolve)).waveText).toBe(
      "invalid params: no params provided, but 3 required at 0..13",
    );
    expect(waveError(() => parseWaveCall("texts('a')", func("texts"), resolve)).waveText).toBe(
      "invalid params: missing required param(s) at 9..10",
    );
    expect(waveError(() => parseWaveCall("floats(1, 2, 3)", func("floats"), resolve)).waveText).toBe(
      "invalid params: more param(s) than expected at 13..14",
    );
    expect(waveError(() => parseWaveCall("floats(1, 2) x", func("floats"), resolve)).kind).toBe("trailing-characters");
  });
});

describe("errors", () => {
  it("carry the kind, byte span, offset, line, column and expected type", () => {
    const e = waveError(() => parseWave('[1, 2, "x"]', param("lists", 0), resolve));
    expect(e.kind).toBe("invalid-type");
    expect(e.expected).toBe("u8");
    expect([e.start, e.end, e.offset, e.line, e.column]).toEqual([7, 10, 7, 1, 8]);
    expect(e.waveText).toBe("invalid value type at 7..10");
    expect(e.message).toBe('invalid value type: expected u8, got `"x"` at line 1, column 8');
  });

  it("count bytes for wasm-wave's spans, code units for offsets and code points for columns", () => {
    const e = waveError(() => parseWave('["🌊☃", 1]', param("lists", 3), resolve));
    expect(e.waveText).toBe("invalid value type at 12..13");
    expect([e.offset, e.line, e.column]).toEqual([8, 1, 8]);
    expect(e.expected).toBe("string");
  });

  it("locate lines after newlines and comments", () => {
    const e = waveError(() => parseWave("{\n  x: 1, // one\n  y: true,\n}", named("point"), resolve));
    expect([e.line, e.column]).toEqual([3, 6]);
    expect(e.message).toBe("invalid value type: expected s32, got `true` at line 3, column 6");
  });

  it("syntax errors: unexpected tokens, end of input, invalid tokens, duplicates, nesting", () => {
    const list = param("lists", 0);
    expect(waveError(() => parseWave("[1,,]", list, resolve)).waveText).toBe("unexpected token: Comma at 3..4");
    expect(waveError(() => parseWave("[1, 2", list, resolve)).waveText).toBe("unexpected end of input at 5..5");
    expect(waveError(() => parseWave("[1, #]", list, resolve)).waveText).toBe("invalid token at 4..5");
    expect(waveError(() => parseWave("[1] [2]", list, resolve)).waveText).toBe(
      "trailing characters after value at 4..5",
    );
    expect(waveError(() => parseWave("{read, read}", named("perms"), resolve)).waveText).toBe(
      'duplicate flag: "read" at 7..11',
    );
    expect(waveError(() => parseWave("{x: 1, x: 1}", named("point"), resolve)).waveText).toBe(
      'duplicate field: "x" at 7..8',
    );
    const deep = "[".repeat(101) + "]".repeat(101);
    expect(waveError(() => parseWave(deep, list, resolve)).kind).toBe("nesting-too-deep");
  });
});

describe("library API", () => {
  it("the README's example, through the package's entry point", async () => {
    const api = await import("../index.js");
    const { resolve } = api.loadWitText("package a:b; interface i { record p { x: u8, y: option<string> } }") as {
      resolve: Resolve;
    };
    const p = resolve.interfaces[0].types.get("p")!;
    expect(api.parseWave('{x: 1, y: "hi"}', p, resolve)).toEqual({ x: 1, y: "hi" });
    expect(api.printWave({ x: 1 }, p, resolve)).toBe("{x: 1}");
    expect(api.WaveError).toBe(WaveError);
  });
});

describe.skipIf(!haveCorpus)("wasm-wave's UI tests", () => {
  const calls = haveCorpus ? runWaveUi(uiDir) : [];
  const files = [...new Set(calls.map((c) => c.file))];
  it.each(files)("%s", (file) => {
    for (const c of calls.filter((c) => c.file === file)) {
      expect({ input: c.input, accepted: c.accepted }).toEqual({ input: c.input, accepted: c.mustAccept });
      expect({ input: c.input, output: c.actual }).toEqual({ input: c.input, output: c.expected });
    }
  });
});
