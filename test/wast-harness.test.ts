/**
 * Unit tests of the spec-test (`.wast`) harness: the s-expression reader,
 * the value constants and their JS mapping, and the command interpreter run
 * against a fake component runner. Scripts are inline; no corpus needed.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  assembleWithWasmTools,
  assemblerMessage,
  runWast,
  specSuites,
  type ComponentRunner,
  type WastOutcome,
} from "../conformance/wast/run.js";
import {
  head,
  LineIndex,
  lineOf,
  readSExprs,
  SExprError,
  stringText,
  type SList,
  type SNode,
} from "../conformance/wast/sexpr.js";
import {
  mismatch,
  outcomeMismatch,
  parseFloatLiteral,
  parseIntLiteral,
  parseValue,
  toJs,
  type WastValue,
} from "../conformance/wast/values.js";

const text = new TextDecoder();
const bytes = (s: string) => new TextEncoder().encode(s);

function only(source: string): SNode {
  const nodes = readSExprs(source);
  expect(nodes).toHaveLength(1);
  return nodes[0];
}

function list(node: SNode): SList {
  if (node.kind !== "list") throw new Error("not a list");
  return node;
}

function value(source: string): WastValue {
  return parseValue(only(source));
}

describe("s-expression reader", () => {
  it("reads lists, atoms, ids and strings with offsets", () => {
    const src = '  (component $c (core module) "x")\n(assert_return (invoke "f"))';
    const nodes = readSExprs(src);
    expect(nodes.map(head)).toEqual(["component", "assert_return"]);
    const c = list(nodes[0]);
    expect(src.slice(c.start, c.end)).toBe('(component $c (core module) "x")');
    expect(c.items.map((n) => n.kind)).toEqual(["atom", "id", "list", "string"]);
    expect(c.items[1]).toMatchObject({ kind: "id", name: "$c" });
    expect(src.slice(c.items[2].start, c.items[2].end)).toBe("(core module)");
    expect(lineOf(src, nodes[1].start)).toBe(2);
  });

  it("resolves every string escape to bytes", () => {
    const s = only(String.raw`"a\n\t\\\'\"\41\ff\u{1F370}\u{41}é"`);
    if (s.kind !== "string") throw new Error("not a string");
    expect([...s.bytes]).toEqual([
      0x61, 0x0a, 0x09, 0x5c, 0x27, 0x22, 0x41, 0xff, 0xf0, 0x9f, 0x8d, 0xb0, 0x41, 0xc3, 0xa9,
    ]);
    expect(() => stringText(s)).toThrow();
    const ok = only(String.raw`"\u{1F370}x"`);
    if (ok.kind !== "string") throw new Error("not a string");
    expect(stringText(ok)).toBe("🍰x");
  });

  it("skips line comments and nested block comments", () => {
    const src = ";; a comment (\n(a (; block (; nested ;) still ;) b) ;; end\n(; top ;)(c)";
    const nodes = readSExprs(src);
    expect(nodes).toHaveLength(2);
    expect(list(nodes[0]).items.map((n) => (n.kind === "atom" ? n.text : n.kind))).toEqual(["a", "b"]);
    expect(head(nodes[1])).toBe("c");
  });

  it("reads numbers and keywords with punctuation as atoms, and quoted ids", () => {
    const l = list(only('(f32.const -0x1.8p3 nan:0x200000 offset=4 $"a b" 1_000)'));
    expect(l.items.map((n) => (n.kind === "atom" ? n.text : n.kind === "id" ? n.name : n.kind))).toEqual([
      "f32.const",
      "-0x1.8p3",
      "nan:0x200000",
      "offset=4",
      "$a b",
      "1_000",
    ]);
  });

  it("reports malformed input with its line", () => {
    expect(() => readSExprs("(a\n(b)")).toThrow(SExprError);
    expect(() => readSExprs('\n\n"abc')).toThrow(/line 3: unterminated string/);
    expect(() => readSExprs(String.raw`"\q"`)).toThrow(/unknown escape/);
    expect(() => readSExprs("a)")).toThrow(/unexpected `\)`/);
    expect(() => readSExprs("(; open")).toThrow(/unterminated block comment/);
  });

  it("maps offsets to lines", () => {
    const src = "a\nbb\n\nccc";
    const index = new LineIndex(src);
    for (let i = 0; i <= src.length; i++) expect(index.line(i)).toBe(lineOf(src, i));
    expect(index.line(src.indexOf("ccc"))).toBe(4);
  });
});

describe("value constants", () => {
  it("reads integers in decimal and hex, with separators and signed wrapping", () => {
    expect(parseIntLiteral("42", "u32")).toBe(42n);
    expect(parseIntLiteral("0xffff_ffff", "u32")).toBe(0xffffffffn);
    expect(parseIntLiteral("1_000", "u16")).toBe(1000n);
    expect(parseIntLiteral("-1", "s8")).toBe(-1n);
    expect(parseIntLiteral("0xff", "s8")).toBe(-1n);
    expect(parseIntLiteral("18446744073709551615", "u64")).toBe(18446744073709551615n);
    expect(parseIntLiteral("-9223372036854775808", "s64")).toBe(-9223372036854775808n);
    expect(() => parseIntLiteral("-1", "u32")).toThrow(/out of range/);
    expect(() => parseIntLiteral("256", "u8")).toThrow(/out of range/);
    expect(() => parseIntLiteral("1__0", "u8")).toThrow(/malformed/);
  });

  it("reads floats: decimal, hex, inf, nan, signed zero, rounded to f32", () => {
    expect(parseFloatLiteral("0x1.8p3", "f64").value).toBe(12);
    expect(parseFloatLiteral("-0x1p-149", "f32").value).toBe(-(2 ** -149));
    expect(parseFloatLiteral("0x1p-1074", "f64").value).toBe(5e-324);
    expect(parseFloatLiteral("0x1.fffffep127", "f32").value).toBe(3.4028234663852886e38);
    expect(parseFloatLiteral("inf", "f32").value).toBe(Infinity);
    expect(parseFloatLiteral("-inf", "f64").value).toBe(-Infinity);
    expect(Object.is(parseFloatLiteral("-0", "f64").value, -0)).toBe(true);
    expect(Object.is(parseFloatLiteral("-0.0", "f32").value, -0)).toBe(true);
    expect(parseFloatLiteral("0.1", "f32").value).toBe(Math.fround(0.1));
    expect(parseFloatLiteral("0.1", "f64").value).toBe(0.1);
    expect(parseFloatLiteral("1_000.5e-1", "f64").value).toBe(100.05);
    expect(parseFloatLiteral("1e-45", "f32").value).toBe(2 ** -149);
    expect(parseFloatLiteral("3.4028235e38", "f32").value).toBe(3.4028234663852886e38);
    expect(parseFloatLiteral("16777217", "f32").value).toBe(16777216);
    expect(parseFloatLiteral("0x10", "f64").value).toBe(16);
    for (const nan of ["nan", "-nan", "nan:canonical", "nan:arithmetic", "nan:0x200000"]) {
      const f = parseFloatLiteral(nan, "f32");
      expect(Number.isNaN(f.value)).toBe(true);
      expect(f.nan).toBeDefined();
    }
    expect(() => parseFloatLiteral("nan:0x800000", "f32")).toThrow(/payload/);
    expect(() => parseFloatLiteral("1.2.3", "f64")).toThrow(/malformed/);
  });

  it("reads every value form the spec tests use", () => {
    expect(value("(bool.const true)")).toEqual({ kind: "bool", value: true });
    expect(value('(char.const "🍰")')).toEqual({ kind: "char", value: "🍰" });
    expect(value('(str.const "a\\u{2603}")')).toEqual({ kind: "string", value: "a☃" });
    expect(value("(list.const)")).toEqual({ kind: "list", items: [] });
    expect(value('(tuple.const (str.const "x") (u32.const 1))')).toEqual({
      kind: "tuple",
      items: [
        { kind: "string", value: "x" },
        { kind: "int", type: "u32", value: 1n },
      ],
    });
    // The wast syntax writes a field's value without parentheses; both are read.
    expect(
      value('(record.const (field "a-b" str.const "v") (field "n" list.const (u8.const 1)) (field "c" (u8.const 2)))'),
    ).toEqual({
      kind: "record",
      fields: [
        { name: "a-b", value: { kind: "string", value: "v" } },
        { name: "n", value: { kind: "list", items: [{ kind: "int", type: "u8", value: 1n }] } },
        { name: "c", value: { kind: "int", type: "u8", value: 2n } },
      ],
    });
    expect(value('(variant.const "none")')).toEqual({ kind: "variant", case: "none", payload: undefined });
    expect(value('(variant.const "s" (s32.const -1))')).toMatchObject({ case: "s", payload: { value: -1n } });
    expect(value('(enum.const "red")')).toEqual({ kind: "enum", case: "red" });
    expect(value('(flags.const "a" "c")')).toEqual({ kind: "flags", names: ["a", "c"] });
    expect(value("(option.none)")).toEqual({ kind: "option" });
    expect(value("(option.some (u8.const 5))")).toMatchObject({ kind: "option", payload: { value: 5n } });
    expect(value("(result.ok)")).toEqual({ kind: "result", ok: true, payload: undefined });
    expect(value("(result.err (u32.const 404))")).toMatchObject({ ok: false, payload: { value: 404n } });
    expect(() => value("(i32.const 1)")).toThrow(/unknown value `i32.const`/);
    expect(() => value('(char.const "ab")')).toThrow(/one character/);
    expect(() => value("(u32.const 1 2)")).toThrow(/too many operands/);
  });

  it("maps values to the JS values of our host API", () => {
    expect(toJs(value("(u8.const 255)"))).toBe(255);
    expect(toJs(value("(s32.const 0xffffffff)"))).toBe(-1);
    expect(toJs(value("(u64.const 18446744073709551615)"))).toBe(18446744073709551615n);
    expect(toJs(value("(f32.const 0.1)"))).toBe(Math.fround(0.1));
    expect(toJs(value("(list.const (u16.const 1) (u16.const 2))"))).toEqual([1, 2]);
    expect(toJs(value('(record.const (field "foo-bar" u8.const 1))'))).toEqual({ fooBar: 1 });
    expect(toJs(value('(variant.const "a-b")'))).toEqual({ tag: "a-b" });
    expect(toJs(value('(variant.const "c" (bool.const false))'))).toEqual({ tag: "c", val: false });
    expect(toJs(value('(enum.const "blue")'))).toBe("blue");
    expect(toJs(value('(flags.const "f-one")'))).toEqual({ fOne: true });
    expect(toJs(value("(option.none)"))).toBeUndefined();
    expect(toJs(value("(option.some (u8.const 1))"))).toBe(1);
    expect(toJs(value("(option.some (option.none))"))).toEqual({ tag: "some", val: undefined });
    expect(toJs(value('(result.ok (str.const "x"))'))).toEqual({ tag: "ok", val: "x" });
    expect(toJs(value("(result.err)"))).toEqual({ tag: "err" });
  });

  it("compares results, typed arrays, floats and tagged values", () => {
    const ok = (actual: unknown, src: string) => expect(mismatch(actual, value(src))).toBeUndefined();
    const bad = (actual: unknown, src: string) => expect(mismatch(actual, value(src))).toBeTypeOf("string");
    ok(new Uint8Array([1, 2]), "(list.const (u8.const 1) (u8.const 2))");
    ok(new Int32Array([-1]), "(list.const (s32.const -1))");
    ok(new Float64Array([0.5]), "(list.const (f64.const 0.5))");
    ok(new BigUint64Array([2n ** 64n - 1n]), "(list.const (u64.const 0xffffffffffffffff))");
    bad(new Uint8Array([1]), "(list.const (u8.const 1) (u8.const 2))");
    bad([1], "(tuple.const (u8.const 1) (u8.const 2))");
    bad(new Uint8Array([1, 2]), "(tuple.const (u8.const 1) (u8.const 2))");
    ok(-0, "(f64.const -0)");
    bad(0, "(f64.const -0)");
    bad(-0, "(f32.const 0)");
    ok(NaN, "(f32.const nan:canonical)");
    ok(NaN, "(f64.const nan:0x1)");
    bad(1, "(f64.const nan)");
    ok(Math.fround(0.1), "(f32.const 0.1)");
    bad(0.1, "(f32.const 0.1)");
    ok(5n, "(u64.const 5)");
    bad(5, "(u64.const 5)");
    bad(5n, "(u32.const 5)");
    ok({ fooBar: 1, b: "x" }, '(record.const (field "foo-bar" u8.const 1) (field "b" str.const "x"))');
    bad({ fooBar: 1 }, '(record.const (field "foo-bar" u8.const 1) (field "b" str.const "x"))');
    bad({ fooBar: 1, extra: 2 }, '(record.const (field "foo-bar" u8.const 1))');
    ok({ tag: "a-case" }, '(variant.const "a-case")');
    ok({ tag: "s", val: "x" }, '(variant.const "s" (str.const "x"))');
    bad({ tag: "s", val: "y" }, '(variant.const "s" (str.const "x"))');
    bad({ tag: "a", val: 1 }, '(variant.const "a")');
    ok("red", '(enum.const "red")');
    ok({ a: true, bC: true, d: false }, '(flags.const "a" "b-c")');
    bad({ a: true, d: true }, '(flags.const "a")');
    ok(undefined, "(option.none)");
    ok({ tag: "none" }, "(option.none)");
    ok(7, "(option.some (u8.const 7))");
    ok({ tag: "some", val: undefined }, "(option.some (option.none))");
    ok({ tag: "some", val: 7 }, "(option.some (u8.const 7))");
    bad(undefined, "(option.some (option.none))");
    ok({ tag: "err", val: 3 }, "(result.err (u8.const 3))");
    bad({ tag: "ok", val: 3 }, "(result.err (u8.const 3))");
    ok(["a", 1], '(tuple.const (str.const "a") (u32.const 1))');
  });

  it("accepts the flattened form of a top-level result", () => {
    class ComponentError extends Error {
      override name = "ComponentError";
      constructor(readonly payload: unknown) {
        super("err");
      }
    }
    const okStr = [value('(result.ok (str.const "x"))')];
    const errNum = [value("(result.err (u32.const 4))")];
    expect(outcomeMismatch({ returned: "x" }, okStr)).toBeUndefined();
    expect(outcomeMismatch({ returned: { tag: "ok", val: "x" } }, okStr)).toBeUndefined();
    expect(outcomeMismatch({ returned: "y" }, okStr)).toBeTypeOf("string");
    expect(outcomeMismatch({ thrown: new ComponentError(4) }, errNum)).toBeUndefined();
    expect(outcomeMismatch({ thrown: new ComponentError(5) }, errNum)).toBeTypeOf("string");
    expect(outcomeMismatch({ returned: { tag: "err", val: 4 } }, errNum)).toBeUndefined();
    expect(outcomeMismatch({ thrown: new ComponentError(4) }, okStr)).toMatch(/^threw ComponentError/);
    expect(outcomeMismatch({ returned: undefined }, [value("(result.ok)")])).toBeUndefined();
    expect(outcomeMismatch({ returned: undefined }, [])).toBeUndefined();
    expect(outcomeMismatch({ returned: 1 }, [])).toMatch(/expected no result/);
    expect(outcomeMismatch({ thrown: new Error("boom") }, [value("(u8.const 1)")])).toBe("threw boom");
  });
});

/** A fake runner: a component's "binary" is its text; the text says what it does. */
function fakeRunner(log: string[] = []): ComponentRunner {
  return {
    validate(b) {
      const t = text.decode(b);
      return t.includes("invalid") ? "refused: invalid" : undefined;
    },
    async load(b, label) {
      const t = text.decode(b);
      log.push(`load ${label}`);
      if (t.includes("invalid")) throw new Error("invalid component\nmore detail");
      return {
        async instantiate() {
          if (t.includes("start-trap")) throw new WebAssembly.RuntimeError("unreachable");
          let counter = 0;
          const exports: Record<string, unknown> = {
            add: (a: number, b: number) => a + b,
            next: () => ++counter,
            fooBar: () => "foo-bar",
            trap: () => {
              throw new WebAssembly.RuntimeError("unreachable executed");
            },
            badArg: () => {
              throw new TypeError("expected a number");
            },
            fails: () => {
              throw Object.assign(new Error("result err"), { name: "ComponentError", payload: 7 });
            },
            asyncValue: async () => 42,
            hang: () => new Promise(() => {}),
            bytes: () => new Uint8Array([1, 2, 3]),
            nothing: () => undefined,
            which: () => (t.includes("second") ? "second" : "first"),
          };
          return exports;
        },
      };
    },
  };
}

const assembleText = async (t: string) => {
  if (t.includes("unassemblable")) throw new Error("cannot assemble");
  return bytes(t);
};

async function run(source: string, runner = fakeRunner()): Promise<WastOutcome[]> {
  return runWast(source, runner, { assemble: assembleText, timeoutMs: 200, file: "t.wast" });
}

function summary(outcomes: WastOutcome[]): string[] {
  return outcomes
    .filter((o) => o.kind !== "files read")
    .map((o) => `${o.line} ${o.kind} ${o.ok ? "ok" : "FAIL"} ${o.what}${o.reason ? `: ${o.reason}` : ""}`);
}

describe("command interpreter", () => {
  it("runs components, invokes and assertions", async () => {
    const src = `
(component $C (core module))
(assert_return (invoke "add" (u32.const 1) (u32.const 2)) (u32.const 3))
(assert_return (invoke "add" (u32.const 1) (u32.const 2)) (u32.const 4))
(assert_return (invoke "foo-bar") (str.const "foo-bar"))
(assert_return (invoke "bytes") (list.const (u8.const 1) (u8.const 2) (u8.const 3)))
(assert_return (invoke "async-value") (u32.const 42))
(assert_return (invoke "nothing"))
(assert_return (invoke "fails") (result.err (u32.const 7)))
(assert_return (invoke "missing"))
(invoke "next")
(assert_return (invoke $C "next") (u32.const 2))
(assert_trap (invoke "trap") "unreachable")
(assert_trap (invoke "trap") "out of bounds")
(assert_trap (invoke "bad-arg") "x")
(assert_trap (invoke "add" (u32.const 1) (u32.const 1)) "x")
(assert_trap (invoke "fails") "x")
(assert_trap (invoke "hang") "x")
`;
    expect(summary(await run(src))).toEqual([
      "2 valid components accepted ok component $C",
      "2 components instantiated ok component $C",
      '3 assert_return ok assert_return "add"',
      '4 assert_return FAIL assert_return "add": result: expected u32 4, got 3',
      '5 assert_return ok assert_return "foo-bar"',
      '6 assert_return ok assert_return "bytes"',
      '7 assert_return ok assert_return "async-value"',
      '8 assert_return ok assert_return "nothing"',
      '9 assert_return ok assert_return "fails"',
      '10 assert_return FAIL assert_return "missing": no exported function `missing`',
      '11 invoke ok invoke "next"',
      '12 assert_return ok assert_return $C "next"',
      '13 assert_trap ok assert_trap "trap"',
      '13 trap messages matching ok assert_trap "trap"',
      '14 assert_trap ok assert_trap "trap"',
      '14 trap messages matching FAIL assert_trap "trap": expected "out of bounds", got "RuntimeError: unreachable executed"',
      '15 assert_trap FAIL assert_trap "bad-arg": threw a TypeError, not a trap: TypeError: expected a number',
      '16 assert_trap FAIL assert_trap "add": returned 2',
      '17 assert_trap FAIL assert_trap "fails": threw a ComponentError (a result err, not a trap): 7',
      '18 assert_trap FAIL assert_trap "hang": call still pending after 0.2 s',
    ]);
  });

  it("handles definitions, instances, and components that fail to load", async () => {
    const log: string[] = [];
    const src = `(component definition $D (core module) "second")
(component instance $i $D)
(assert_return (invoke "which") (str.const "second"))
(assert_return (invoke "next") (u32.const 1))
(component instance $j $D)
(assert_return (invoke "next") (u32.const 1))
(assert_return (invoke $i "next") (u32.const 2))
(component (invalid))
(assert_return (invoke "next") (u32.const 1))
(invoke "next")
(component instance $k $Nope)
(component definition $Bad (invalid))
(component instance $k $Bad)
(assert_return (invoke "next") (u32.const 1))
(component (unassemblable))
(assert_trap (component "start-trap") "unreachable")
(assert_trap (component) "unreachable")
`;
    expect(summary(await run(src, fakeRunner(log)))).toEqual([
      "1 valid components accepted ok component definition $D",
      "1 components instantiated ok component definition $D",
      "2 components instantiated ok component instance $i $D",
      '3 assert_return ok assert_return "which"',
      '4 assert_return ok assert_return "next"',
      "5 components instantiated ok component instance $j $D",
      '6 assert_return ok assert_return "next"',
      '7 assert_return ok assert_return $i "next"',
      "8 valid components accepted FAIL component: refused: invalid",
      "8 components instantiated FAIL component: refused: invalid component",
      '9 assert_return FAIL assert_return "next": no instance (the component at line 8 failed)',
      '10 invoke FAIL invoke "next": no instance (the component at line 8 failed)',
      "11 components instantiated FAIL component instance $k $Nope: no definition $Nope",
      "12 valid components accepted FAIL component definition $Bad: refused: invalid",
      "12 components instantiated FAIL component definition $Bad: refused: invalid component",
      "13 components instantiated FAIL component instance $k $Bad: definition $Bad failed",
      '14 assert_return FAIL assert_return "next": no instance (the instance at line 13 failed)',
      "15 valid components accepted FAIL component: text assembler: cannot assemble",
      "16 assert_trap ok assert_trap (component)",
      "16 trap messages matching ok assert_trap (component)",
      "17 assert_trap FAIL assert_trap (component): instantiated (11 exports)",
    ]);
    // The definition is loaded once and instantiated twice.
    expect(log.filter((l) => l === "load t.wast:1")).toHaveLength(1);
  });

  it("passes the exact text of a component form, `definition` blanked out", async () => {
    const seen: string[] = [];
    const src = `(component definition $D
  (core module) ;; a comment
)
(component $E (type (func)))
(component quote "(core module)" "(type (func))")`;
    await runWast(src, fakeRunner(), {
      assemble: async (t) => {
        seen.push(t);
        return bytes(t);
      },
    });
    expect(seen).toEqual([
      "(component            $D\n  (core module) ;; a comment\n)",
      "(component $E (type (func)))",
      "(component (core module) (type (func)))",
    ]);
  });

  it("requires refusals of invalid and malformed components", async () => {
    const binaries: string[] = [];
    const runner = fakeRunner();
    const validate = runner.validate;
    runner.validate = (b) => {
      binaries.push(text.decode(b));
      return validate(b);
    };
    const src = `(assert_invalid (component (invalid)) "bad")
(assert_invalid (component (fine)) "bad")
(assert_malformed (component binary "\\00asm" "invalid") "bad")
(assert_malformed (component $X binary "ok") "bad")
(assert_invalid (component (unassemblable)) "bad")
(assert_malformed (component quote "(unassemblable)") "bad")
(assert_malformed (component quote "(fine)") "bad")
(assert_unlinkable (component (fine)) "bad")
(assert_invalid (module) "bad")
(module)
(register "x")
`;
    expect(summary(await runWast(src, runner, { assemble: assembleText }))).toEqual([
      "1 assert_invalid refused ok assert_invalid: refused: invalid",
      "2 assert_invalid refused FAIL assert_invalid: accepted",
      "3 assert_malformed refused ok assert_malformed (binary): refused: invalid",
      "4 assert_malformed refused FAIL assert_malformed (binary): accepted",
      "5 refused by the text assembler ok assert_invalid: cannot assemble",
      "6 refused by the text assembler ok assert_malformed (quote): cannot assemble",
      "7 not judged (text format) ok assert_malformed (quote): the text assembler accepted it",
      "8 assert_unlinkable refused FAIL assert_unlinkable: accepted",
      "9 unsupported commands ok assert_invalid (module …)",
      "10 unsupported commands ok module",
      "11 unsupported commands ok register",
    ]);
    expect(binaries.slice(0, 4)).toEqual(["(component (invalid))", "(component (fine))", "\0asminvalid", "ok"]);
  });

  it("reports a script that cannot be read, and malformed commands", async () => {
    expect(await run("(component")).toEqual([
      { kind: "files read", line: 1, what: "read", ok: false, reason: "SExprError: line 1: unclosed `(`" },
    ]);
    expect(summary(await run('(component)\n(assert_return (invoke "add" (i32.const 1)) (u32.const 1))'))).toEqual([
      "1 valid components accepted ok component",
      "1 components instantiated ok component",
      '2 assert_return FAIL assert_return "add": cannot read argument: unknown value `i32.const`',
    ]);
  });

  it("assembles with wasm-tools' text parser and explains its errors", async () => {
    const b = await assembleWithWasmTools("(component (core module))");
    expect([...b.slice(0, 4)]).toEqual([0, 0x61, 0x73, 0x6d]);
    const err = await assembleWithWasmTools("(component\n  (core module (func (foo))))").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(assemblerMessage(err, 10)).toBe("unknown operator or unexpected token (line 11)");
    expect(assemblerMessage(new Error("plain\nsecond"))).toBe("plain");
  });
});

describe("specSuites", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it("tallies per directory and kind, nyi scripts apart", async () => {
    const corpus = fs.mkdtempSync(path.join(os.tmpdir(), "wast-harness-"));
    dirs.push(corpus);
    const test = path.join(corpus, "component-model-test", "test");
    fs.mkdirSync(path.join(test, "values"), { recursive: true });
    fs.writeFileSync(path.join(test, "nyi.txt"), "# comment\n./values/later.wast\n");
    fs.writeFileSync(
      path.join(test, "values", "a.wast"),
      `(component)\n(assert_return (invoke "add" (u32.const 1) (u32.const 1)) (u32.const 2))\n` +
        `(assert_return (invoke "add" (u32.const 1) (u32.const 1)) (u32.const 3))\n(assert_trap (invoke "trap") "nope")\n` +
        `(assert_invalid (component (unassemblable)) "x")\n(module)\n`,
    );
    fs.writeFileSync(path.join(test, "values", "later.wast"), `(component)\n(invoke "trap")\n`);
    const results = await specSuites(corpus, ["values", "missing"], fakeRunner(), false, { assemble: assembleText });
    expect(results.map((r) => [r.name, r.passed, r.total, r.uncounted ?? false])).toEqual([
      ["spec values: files read", 1, 1, false],
      ["spec values: valid components accepted", 1, 1, false],
      ["spec values: components instantiated", 1, 1, false],
      ["spec values: assert_return", 1, 2, false],
      ["spec values: assert_trap", 1, 1, false],
      ["spec values: trap messages matching", 0, 1, true],
      ["spec values: refused by the text assembler", 0, 1, true],
      ["spec values: unsupported commands", 0, 1, true],
      ["spec missing: files read", 0, 1, false],
      ["spec nyi: values: files read", 1, 1, false],
      ["spec nyi: values: valid components accepted", 1, 1, false],
      ["spec nyi: values: components instantiated", 1, 1, false],
      ["spec nyi: values: invoke", 0, 1, false],
    ]);
    const byName = new Map(results.map((r) => [r.name, r]));
    expect(byName.get("spec values: assert_return")!.failures).toEqual([
      'values/a.wast:3: assert_return "add": result: expected u32 3, got 2',
    ]);
    expect(byName.get("spec values: unsupported commands")!.failures).toEqual(["values/a.wast:6: module"]);
    expect(byName.get("spec nyi: values: invoke")!.failures).toEqual([
      'values/later.wast:2: invoke "trap": threw RuntimeError: unreachable executed',
    ]);
  });
});
