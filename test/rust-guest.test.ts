/**
 * End-to-end tests of the Rust guest bindings: each scenario of
 * test/guests/rust/ (`<scenario>.wit` and the guest `<scenario>.rs`) is
 * compiled with rustc against the bindings `generateRust` writes, to a
 * wasm32-unknown-unknown core module. The module runs
 *   (a) in our TypeScript host,
 *   (b) as a component made by jco's `componentNew` from the section the
 *       bindings embed (and by `componentEmbed` + `componentNew` from the
 *       WIT), transpiled by jco, and
 *   (c) as a component made by our own `componentNew` from that section,
 *       transpiled by jco;
 * every run must give the expected results, the imports must see the same
 * arguments, and the guest's counting allocator must hold no allocation
 * after any call (the bindings and the post-return functions free
 * everything).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { componentNew } from "../encoding/index.js";
import { loadHost } from "./helpers/host.js";
import { componentize } from "./helpers/jco.js";
import { loadComponentHost } from "./helpers/component-host.js";
import {
  buildRustGuest,
  customSectionNames,
  plain,
  rustScenario,
  transpileComponent,
  type RustScenario,
  wasmUnknownRustc,
} from "./helpers/rust.js";
import type { RustOptions } from "../index.js";
import { skipReason } from "./helpers/toolchains.js";

const reason = skipReason(wasmUnknownRustc());

/** How the core module runs. */
type Run = "ours" | "jco" | "jco-embed" | "our-component" | "transpiled";
const RUNS: Record<Run, string> = {
  ours: "in our TypeScript host",
  jco: "as a component of jco's componentNew (embedded section), transpiled by jco",
  "jco-embed": "as a component of jco's componentEmbed + componentNew, transpiled by jco",
  "our-component": "as a component of our componentNew (embedded section), transpiled by jco",
  transpiled: "as a component of jco's componentNew (embedded section), transpiled by us",
};

interface Case {
  /** `iface.function` for an exported interface's function, `function` for a world-level one. */
  fn: string;
  args: unknown[];
  /** The expected result, or the payload of the expected `ComponentError`. */
  value?: unknown;
  error?: unknown;
  /** What the host's imports must have seen during the call. */
  log?: unknown[];
}

interface ValueScenario {
  name: string;
  /** The import object of our host; `log` collects what the guest passed. */
  imports(log: unknown[]): Record<string, unknown>;
  /** The same imports as jco takes them (world-level functions as `{ default }` under their WIT name). */
  jcoImports?(ours: Record<string, unknown>): Record<string, unknown>;
  /** The generator's options (default: none). */
  options?: RustOptions;
  cases: Case[];
  /** A last test in each run, after the cases. */
  last?: { name: string; test(exports: Record<string, any>): void };
}

type Outcome = { value: unknown } | { error: unknown };

function call(exports: Record<string, any>, c: Case): Outcome {
  const path = c.fn.split(".");
  const fn = path.length === 1 ? exports[path[0]] : exports[path[0]][path[1]];
  if (typeof fn !== "function") throw new Error(`no export ${c.fn}`);
  try {
    return { value: plain(fn(...c.args)) };
  } catch (e) {
    if (e === null || typeof e !== "object" || !("payload" in e)) throw e;
    return { error: plain((e as { payload: unknown }).payload) };
  }
}

function show(v: unknown): string {
  return JSON.stringify(v, (_, x) => (typeof x === "bigint" ? `${x}n` : x === undefined ? "undefined" : x));
}

const builds = new Map<string, Promise<Uint8Array>>();

/** Starts (once) the compile of a scenario's guest; the compiles of all scenarios run in parallel. */
function build(scenario: RustScenario, options?: RustOptions): Promise<Uint8Array> {
  let b = builds.get(scenario.name);
  if (b === undefined) {
    b = buildRustGuest(scenario, options);
    b.catch(() => {});
    builds.set(scenario.name, b);
  }
  return b;
}

/** Instantiates `core` in each run; `imports` makes a fresh import object. */
async function instantiateAll(
  scenario: RustScenario,
  core: Uint8Array,
  imports: (run: Run) => Record<string, unknown>,
  jcoImports: (ours: Record<string, unknown>) => Record<string, unknown> = (x) => x,
): Promise<Record<Run, Record<string, any>>> {
  const host = await loadHost(scenario.wit, { world: scenario.world });
  const { componentNew: jcoComponentNew } = await import("@bytecodealliance/jco-transpile/wasm-tools");
  const jcoComponent = await jcoComponentNew(core);
  const [jco, jcoEmbed, ours, transpiled] = await Promise.all([
    transpileComponent(jcoComponent),
    componentize(core, scenario.wit, { world: scenario.world }).then(transpileComponent),
    transpileComponent(componentNew(core)),
    loadComponentHost(jcoComponent),
  ]);
  return {
    ours: await host.instantiate(await WebAssembly.compile(core as BufferSource), imports("ours")),
    jco: await jco.instantiate(jcoImports(imports("jco"))),
    "jco-embed": await jcoEmbed.instantiate(jcoImports(imports("jco-embed"))),
    "our-component": await ours.instantiate(jcoImports(imports("our-component"))),
    // Our transpile takes the same import object as our WIT host.
    transpiled: await transpiled.instantiate(imports("transpiled")),
  };
}

// ---------------------------------------------------------------------------------------------
// numbers

const numbers: ValueScenario = {
  name: "numbers",
  imports: (log) => ({
    "test:rust-numbers/host": {
      mulAdd(a: number, b: bigint, c: number) {
        log.push(["mul-add", a, b, c]);
        return a * Number(b) + c;
      },
      nextChar(c: string) {
        log.push(["next-char", c]);
        return String.fromCodePoint(c.codePointAt(0)! + 1);
      },
      manyHost(...args: unknown[]) {
        log.push(["many-host", ...args]);
        return args.reduce<bigint>(
          (sum, a) =>
            sum +
            (typeof a === "bigint"
              ? a
              : BigInt(
                  typeof a === "number" ? Math.trunc(a) : a === true ? 1 : a === false ? 0 : String(a).codePointAt(0)!,
                )),
          0n,
        );
      },
    },
    offset() {
      log.push(["offset"]);
      return 100;
    },
  }),
  jcoImports: ({ offset, ...rest }) => ({ ...rest, offset: { default: offset } }),
  cases: [
    { fn: "numbers.roundtripU8", args: [0], value: 0 },
    { fn: "numbers.roundtripU8", args: [255], value: 255 },
    { fn: "numbers.roundtripS8", args: [-128], value: -128 },
    { fn: "numbers.roundtripS8", args: [127], value: 127 },
    { fn: "numbers.roundtripU16", args: [65535], value: 65535 },
    { fn: "numbers.roundtripS16", args: [-32768], value: -32768 },
    { fn: "numbers.roundtripU32", args: [4294967295], value: 4294967295 },
    { fn: "numbers.roundtripS32", args: [-2147483648], value: -2147483648 },
    { fn: "numbers.roundtripU64", args: [18446744073709551615n], value: 18446744073709551615n },
    { fn: "numbers.roundtripU64", args: [0n], value: 0n },
    { fn: "numbers.roundtripS64", args: [-9223372036854775808n], value: -9223372036854775808n },
    { fn: "numbers.roundtripS64", args: [9223372036854775807n], value: 9223372036854775807n },
    { fn: "numbers.roundtripF32", args: [1.5], value: 1.5 },
    { fn: "numbers.roundtripF32", args: [-Infinity], value: -Infinity },
    { fn: "numbers.roundtripF32", args: [0.1], value: Math.fround(0.1) },
    { fn: "numbers.roundtripF64", args: [Math.PI], value: Math.PI },
    { fn: "numbers.roundtripF64", args: [-0], value: -0 },
    { fn: "numbers.roundtripF64", args: [Number.MAX_VALUE], value: Number.MAX_VALUE },
    { fn: "numbers.roundtripChar", args: ["a"], value: "a" },
    { fn: "numbers.roundtripChar", args: ["\u{1F980}"], value: "\u{1F980}" },
    { fn: "numbers.roundtripChar", args: ["\u{10FFFF}"], value: "\u{10FFFF}" },
    { fn: "numbers.roundtripBool", args: [true], value: true },
    { fn: "numbers.roundtripBool", args: [false], value: false },
    {
      fn: "numbers.sumAll",
      args: [255, -128, 65535, -32768, 4294967295, -2147483648, 1000n, -1000n, 0.5, 0.25],
      value: 255 - 128 + 65535 - 32768 + 4294967295 - 2147483648 + 0.75,
    },
    {
      fn: "numbers.extremes",
      args: [],
      value: [255, -128, 65535, -32768, 4294967295, -2147483648, 18446744073709551615n, -9223372036854775808n],
    },
    {
      fn: "numbers.wrapping",
      args: [255, -32768, 4294967295, -9223372036854775808n],
      value: [0, 32767, 4294967294, -9223372036854775808n],
    },
    {
      fn: "numbers.manyArguments",
      args: Array.from({ length: 18 }, (_, i) => BigInt(i + 1)),
      value: Array.from({ length: 18 }, (_, i) => BigInt((i + 1) * (i + 1))).reduce((a, b) => a + b),
    },
    {
      fn: "numbers.manyArguments",
      args: Array.from({ length: 18 }, () => 18446744073709551615n),
      // The sum of -(1..18) modulo 2^64.
      value: 18446744073709551616n - 171n,
    },
    {
      fn: "numbers.manyMixed",
      args: [
        1,
        -2,
        3,
        -4,
        5,
        -6,
        7n,
        -8n,
        9.5,
        10.25,
        "ß",
        true,
        13,
        14,
        15,
        16,
        "seventeen ✓",
        -18.5,
        "\u{1F980}",
        false,
      ],
      value: "1 -2 3 -4 5 -6 7 -8 9.5 10.25 ß true 13 14 15 16 seventeen ✓ -18.5 \u{1F980} false",
    },
    {
      fn: "numbers.callHost",
      args: [1.5, -4n, 3, "y"],
      value: [-3, "z"],
      log: [
        ["mul-add", 1.5, -4n, 3],
        ["next-char", "y"],
      ],
    },
    {
      fn: "numbers.callManyHost",
      args: [1000n],
      // 1-2+3-4+5-6+7-8+9+10 ('k' is 107, true 1) +13+14+15+16+17 + 1000
      value: 1n - 2n + 3n - 4n + 5n - 6n + 7n - 8n + 9n + 10n + 107n + 1n + 13n + 14n + 15n + 16n + 17n + 1000n,
      log: [["many-host", 1, -2, 3, -4, 5, -6, 7n, -8n, 9.5, 10.5, "k", true, 13, 14, 15, 16, 17n, 1000n]],
    },
    { fn: "addOffset", args: [-58], value: 42, log: [["offset"]] },
    { fn: "addOffset", args: [2147483647], value: -2147483549, log: [["offset"]] },
  ],
};

// ---------------------------------------------------------------------------------------------
// strings

const strings: ValueScenario = {
  name: "strings",
  imports: (log) => ({
    "test:rust-strings/host": {
      decorate(s: string) {
        log.push(["decorate", s]);
        return `[${s}]`;
      },
      countChars(s: string) {
        log.push(["count-chars", s]);
        return [...s].length;
      },
      say(parts: string[]) {
        log.push(["say", parts]);
      },
      maybeName(id: number) {
        log.push(["maybe-name", id]);
        return id === 1 ? "Ferris 🦀" : undefined;
      },
    },
  }),
  cases: [
    { fn: "strings.greet", args: ["wörld"], value: "Hello, wörld!" },
    { fn: "strings.greet", args: [""], value: "Hello, !" },
    { fn: "strings.reverse", args: ["abc→🦀"], value: "🦀→cba" },
    { fn: "strings.reverse", args: [""], value: "" },
    { fn: "strings.concat", args: ["foo", "bär"], value: "foobär" },
    { fn: "strings.concat", args: ["", ""], value: "" },
    { fn: "strings.concat", args: ["x".repeat(10000), "y"], value: `${"x".repeat(10000)}y` },
    { fn: "strings.empty", args: [], value: "" },
    { fn: "shout", args: ["hé"], value: "HÉ!" },
    { fn: "strings.lengths", args: ["héllo 🦀"], value: [11, 7] },
    { fn: "strings.maybeUpper", args: ["straße"], value: "STRASSE" },
    { fn: "strings.maybeUpper", args: [undefined], value: undefined },
    { fn: "strings.words", args: ["  the quick\tbrown  🦊 "], value: ["the", "quick", "brown", "🦊"] },
    { fn: "strings.words", args: [""], value: [] },
    {
      fn: "strings.throughHost",
      args: ["ünï", 1],
      value: "[ünï]/5/Ferris 🦀",
      log: [
        ["decorate", "ünï"],
        ["count-chars", "[ünï]"],
        ["say", ["ünï", "[ünï]", ""]],
        ["maybe-name", 1],
      ],
    },
    {
      fn: "strings.throughHost",
      args: ["", 2],
      value: "[]/2/nobody",
      log: [
        ["decorate", ""],
        ["count-chars", "[]"],
        ["say", ["", "[]", ""]],
        ["maybe-name", 2],
      ],
    },
  ],
  last: {
    name: "the allocation counter sees a string the guest forgets",
    test(exports) {
      expect(exports.liveAllocations()).toBe(0);
      exports.strings.leak("kept forever");
      expect(exports.liveAllocations()).toBe(1);
    },
  },
};

// ---------------------------------------------------------------------------------------------
// lists

const lists: ValueScenario = {
  name: "lists",
  imports: (log) => ({
    "test:rust-lists/host": {
      sum(xs: Uint32Array) {
        log.push(["sum", xs]);
        return Array.from(xs).reduce((a, b) => a + BigInt(b), 0n);
      },
      sorted(xs: Int32Array) {
        log.push(["sorted", xs]);
        return Int32Array.from(xs).sort();
      },
      join(xs: string[], sep: string) {
        log.push(["join", xs, sep]);
        return xs.join(sep);
      },
      chunks(bytes: Uint8Array, size: number) {
        log.push(["chunks", bytes, size]);
        const out: Uint8Array[] = [];
        for (let i = 0; i < bytes.length; i += size) out.push(Uint8Array.from(bytes.subarray(i, i + size)));
        return out;
      },
    },
  }),
  cases: [
    { fn: "lists.reverseBytes", args: [new Uint8Array([1, 2, 3, 255])], value: [255, 3, 2, 1] },
    { fn: "lists.reverseBytes", args: [new Uint8Array([])], value: [] },
    {
      fn: "lists.reverseBytes",
      args: [Uint8Array.from({ length: 70000 }, (_, i) => i % 251)],
      value: Array.from({ length: 70000 }, (_, i) => (69999 - i) % 251),
    },
    {
      fn: "lists.negateS64",
      args: [BigInt64Array.from([1n, -9223372036854775808n, 0n])],
      value: [-1n, -9223372036854775808n, 0n],
    },
    { fn: "lists.halveF32", args: [Float32Array.from([1, -3, 0.5])], value: [0.5, -1.5, 0.25] },
    { fn: "lists.squareF64", args: [Float64Array.from([1.5, -2])], value: [2.25, 4] },
    { fn: "lists.invert", args: [[true, false, false]], value: [false, true, true] },
    { fn: "lists.nextChars", args: [["a", "ÿ", "🦀"]], value: ["b", "Ā", "🦁"] },
    {
      fn: "lists.flatten",
      args: [[Uint32Array.from([1, 2]), Uint32Array.from([]), Uint32Array.from([4294967295])]],
      value: [1, 2, 4294967295],
    },
    { fn: "lists.flatten", args: [[]], value: [] },
    { fn: "lists.triangle", args: [3], value: [[0], [0, 1], [0, 1, 2]] },
    { fn: "lists.triangle", args: [0], value: [] },
    { fn: "lists.shout", args: [["hi", "", "ça"]], value: ["HI!", "!", "ÇA!"] },
    {
      fn: "lists.swapPairs",
      args: [
        [
          ["one", 1],
          ["", 0],
        ],
      ],
      value: [
        [1, "one"],
        [0, ""],
      ],
    },
    { fn: "lists.lengths", args: [[["ab", "c"], [], ["🦀"]]], value: [3, 0, 4] },
    { fn: "lists.empty", args: [], value: [] },
    {
      fn: "lists.throughHost",
      args: [Uint32Array.from([5, 1, 3]), ["a", "b", "ç"], Uint8Array.from([1, 2, 3, 4, 5])],
      value: [9n, [-1, 1, 3], "a, b, ç", [[1, 2], [3, 4], [5]]],
      log: [
        ["sum", [5, 1, 3]],
        ["sorted", [3, -1, 1]],
        ["join", ["a", "b", "ç"], ", "],
        ["chunks", [1, 2, 3, 4, 5], 2],
      ],
    },
    {
      fn: "lists.throughHost",
      args: [Uint32Array.from([]), [], Uint8Array.from([])],
      value: [0n, [], "", []],
      log: [
        ["sum", []],
        ["sorted", []],
        ["join", [], ", "],
        ["chunks", [], 2],
      ],
    },
  ],
};

// ---------------------------------------------------------------------------------------------
// aggregates

/** What an import throws for the `err` of a `result` it returns (both hosts read `payload`). */
class ImportError extends Error {
  constructor(public payload: unknown) {
    super("import error");
  }
}

const ferris = { name: "ferris", age: 9, tags: ["crab", "rust"], home: { x: -1, y: 2 } };
const noPerms = { read: false, write: false, exec: false };
const medium = (...set: number[]) =>
  Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`m${i}`, set.includes(i)]));
const wide = (...set: number[]) => Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`w${i}`, set.includes(i)]));

const aggregates: ValueScenario = {
  name: "aggregates",
  imports: (log) => ({
    "test:rust-aggregates/host": {
      describe(p: { name: string; age: number; tags: string[]; home?: { x: number; y: number } }) {
        log.push(["describe", p]);
        return `${p.name} (${p.age}) [${p.tags.join(" ")}]${p.home ? ` at ${p.home.x},${p.home.y}` : ""}`;
      },
      pick(c: string, s: { tag: string; val?: unknown }) {
        log.push(["pick", c, s]);
        if (c === "red") return undefined;
        return c === "green" ? s : { tag: "rect", val: { x: 7, y: 8 } };
      },
      older(ps: { name: string; age: number }[], names?: string[]) {
        log.push(["older", ps, names]);
        return ps.filter((p) => names === undefined || names.includes(p.name)).map((p) => ({ ...p, age: p.age + 1 }));
      },
      check(name: string) {
        log.push(["check", name]);
        if (name === "ferris") return 42;
        throw new ImportError(name === "" ? { tag: "denied" } : { tag: "not-found", val: name });
      },
    },
  }),
  cases: [
    {
      fn: "aggregates.olderViaHost",
      args: [[ferris, { name: "ada", age: 36, tags: ["x"] }], undefined],
      value: [
        { ...ferris, age: 10 },
        { name: "ada", age: 37, tags: ["x"], home: undefined },
      ],
      log: [["older", [ferris, { name: "ada", age: 36, tags: ["x"], home: undefined }], undefined]],
    },
    {
      fn: "aggregates.olderViaHost",
      args: [
        [ferris, { name: "ada", age: 36, tags: [] }],
        ["ada", "bo"],
      ],
      value: [{ name: "ada", age: 37, tags: [], home: undefined }],
      log: [["older", [ferris, { name: "ada", age: 36, tags: [], home: undefined }], ["ada", "bo"]]],
    },
    { fn: "aggregates.olderViaHost", args: [[], []], value: [], log: [["older", [], []]] },
    { fn: "aggregates.movePoint", args: [{ x: 1, y: -2 }, 10, 20], value: { x: 11, y: 18 } },
    {
      fn: "aggregates.birthday",
      args: [ferris],
      value: { name: "ferris", age: 10, tags: ["crab", "rust", "10"], home: { x: 2, y: -1 } },
    },
    {
      fn: "aggregates.birthday",
      args: [{ name: "", age: 0, tags: [], home: undefined }],
      value: { name: "", age: 1, tags: ["1"], home: undefined },
    },
    {
      fn: "aggregates.adults",
      args: [[ferris, { name: "ada", age: 36, tags: [], home: undefined }, { name: "bo", age: 18, tags: ["x"] }]],
      value: ["ada", "bo"],
    },
    { fn: "aggregates.area", args: [{ tag: "circle", val: 2 }], value: 12 },
    { fn: "aggregates.area", args: [{ tag: "rect", val: { x: -3, y: 4 } }], value: 12 },
    {
      fn: "aggregates.area",
      args: [
        {
          tag: "polygon",
          val: [
            { x: 0, y: 0 },
            { x: 4, y: 0 },
            { x: 0, y: 3 },
          ],
        },
      ],
      value: 6,
    },
    { fn: "aggregates.area", args: [{ tag: "nothing" }], value: 0 },
    { fn: "aggregates.scale", args: [{ tag: "circle", val: 1.5 }, 2], value: { tag: "circle", val: 3 } },
    {
      fn: "aggregates.scale",
      args: [{ tag: "polygon", val: [{ x: 1, y: -1 }] }, -3],
      value: { tag: "polygon", val: [{ x: -3, y: 3 }] },
    },
    { fn: "aggregates.scale", args: [{ tag: "polygon", val: [] }, 2], value: { tag: "polygon", val: [] } },
    { fn: "aggregates.scale", args: [{ tag: "nothing" }, 2], value: { tag: "nothing" } },
    { fn: "aggregates.nextColor", args: ["red"], value: "green" },
    { fn: "aggregates.nextColor", args: ["blue"], value: "red" },
    { fn: "aggregates.colors", args: [], value: ["blue", "red", "green"] },
    {
      fn: "aggregates.toggle",
      args: [{ read: true, write: false, exec: true }],
      value: { read: false, write: true, exec: false },
    },
    { fn: "aggregates.toggle", args: [noPerms], value: { read: true, write: true, exec: true } },
    { fn: "aggregates.permsInfo", args: [{ read: true, write: true, exec: true }], value: [true, true, false, 7] },
    { fn: "aggregates.permsInfo", args: [{ read: false, write: true, exec: false }], value: [false, false, false, 2] },
    { fn: "aggregates.permsInfo", args: [noPerms], value: [false, false, true, 0] },
    { fn: "aggregates.allPerms", args: [], value: { read: true, write: true, exec: true } },
    { fn: "aggregates.shiftMedium", args: [medium(0, 4, 9)], value: medium(1, 5) },
    {
      fn: "aggregates.invertWide",
      args: [wide(0, 1, 30)],
      value: wide(...Array.from({ length: 32 }, (_, i) => i).filter((i) => ![0, 1, 30].includes(i))),
    },
    { fn: "aggregates.invertWide", args: [wide(31)], value: wide(...Array.from({ length: 31 }, (_, i) => i)) },
    { fn: "aggregates.addOptions", args: [1, 2], value: 3 },
    { fn: "aggregates.addOptions", args: [1, undefined], value: undefined },
    // A nested option's outer level is `{ tag }` (none, some), its inner `undefined` or the value.
    { fn: "aggregates.nestedOption", args: [{ tag: "none" }], value: { tag: "some", val: undefined } },
    { fn: "aggregates.nestedOption", args: [{ tag: "some", val: undefined }], value: { tag: "some", val: "was none" } },
    { fn: "aggregates.nestedOption", args: [{ tag: "some", val: "ab" }], value: { tag: "some", val: "abab" } },
    { fn: "aggregates.nestedOption", args: [{ tag: "some", val: "" }], value: { tag: "none" } },
    { fn: "aggregates.checkedDiv", args: [7, 2], value: 3 },
    { fn: "aggregates.checkedDiv", args: [7, 0], error: "cannot divide 7 by 0" },
    { fn: "aggregates.checkedDiv", args: [-2147483648, -1], error: "cannot divide -2147483648 by -1" },
    { fn: "aggregates.lookup", args: ["ferris"], value: ferris },
    { fn: "aggregates.lookup", args: ["nemo"], error: { tag: "not-found", val: "nemo" } },
    { fn: "aggregates.lookup", args: [""], error: { tag: "invalid", val: 0 } },
    { fn: "aggregates.lookup", args: ["root"], error: { tag: "denied" } },
    { fn: "aggregates.validate", args: [{ read: true, write: true, exec: false }], value: undefined },
    { fn: "aggregates.validate", args: [{ read: true, write: false, exec: true }], error: { tag: "invalid", val: 5 } },
    { fn: "aggregates.flip", args: [{ tag: "ok", val: "hé" }], value: [104, 195, 169] },
    { fn: "aggregates.flip", args: [{ tag: "err", val: Uint8Array.from([104, 105]) }], error: "hi" },
    {
      fn: "aggregates.results",
      args: [3],
      value: [
        { tag: "ok", val: 0 },
        { tag: "err", val: "odd 1" },
        { tag: "ok", val: 2 },
      ],
    },
    { fn: "aggregates.swap", args: [["s", 7, true]], value: [true, 7, "s"] },
    {
      fn: "aggregates.throughHost",
      args: [ferris, "green", { tag: "circle", val: 0.5 }],
      value: ["ferris (9) [crab rust] at -1,2", { tag: "circle", val: 0.5 }, { tag: "ok", val: 42 }],
      log: [
        ["describe", ferris],
        ["pick", "green", { tag: "circle", val: 0.5 }],
        ["check", "ferris"],
      ],
    },
    {
      fn: "aggregates.throughHost",
      args: [{ name: "nemo", age: 3, tags: [] }, "red", { tag: "nothing" }],
      value: ["nemo (3) []", undefined, { tag: "err", val: { tag: "not-found", val: "nemo" } }],
      log: [
        ["describe", { name: "nemo", age: 3, tags: [], home: undefined }],
        ["pick", "red", { tag: "nothing" }],
        ["check", "nemo"],
      ],
    },
    {
      fn: "aggregates.throughHost",
      args: [{ name: "", age: 1, tags: ["t"] }, "blue", { tag: "polygon", val: [{ x: 1, y: 1 }] }],
      value: [" (1) [t]", { tag: "rect", val: { x: 7, y: 8 } }, { tag: "err", val: { tag: "denied" } }],
      log: [
        ["describe", { name: "", age: 1, tags: ["t"], home: undefined }],
        ["pick", "blue", { tag: "polygon", val: [{ x: 1, y: 1 }] }],
        ["check", ""],
      ],
    },
  ],
};

// ---------------------------------------------------------------------------------------------
// realloc: bindings without `cabi_realloc`, the crate's own in its place

const realloc: ValueScenario = {
  name: "realloc",
  options: { noRealloc: true },
  imports: () => ({}),
  cases: [
    { fn: "echo.echo", args: ["hé ✓"], value: "hé ✓" },
    { fn: "echo.echo", args: [""], value: "" },
    { fn: "echo.echoList", args: [["a", "", "🦀"]], value: ["a", "", "🦀"] },
  ],
  last: {
    name: "the host allocates with the crate's cabi_realloc",
    test(exports) {
      const before = exports.echo.reallocCalls();
      expect(exports.echo.echoList(["x", "yz"])).toEqual(["x", "yz"]);
      // The list and its two strings.
      expect(exports.echo.reallocCalls()).toBe(before + 3);
      expect(exports.liveAllocations()).toBe(0);
    },
  },
};

// ---------------------------------------------------------------------------------------------
// keywords: Rust keywords and reserved names in the WIT

const keywords: ValueScenario = {
  name: "keywords",
  imports: () => ({}),
  cases: [
    {
      fn: "keywords.loop",
      args: [{ type: 1, match: "m", move: true, selfRef: 200 }, "type"],
      value: { type: 2, match: "m:type", move: false, selfRef: 144 },
    },
    {
      fn: "keywords.loop",
      args: [{ type: 0, match: "", move: false, selfRef: 1 }, "super"],
      value: { type: 1, match: ":super", move: true, selfRef: 2 },
    },
    {
      fn: "keywords.match",
      args: [
        { tag: "loop", val: 12 },
        { mut: true, ref: true, static: false },
      ],
      value: [
        { tag: "in", val: "12" },
        { mut: false, ref: true, static: true },
      ],
    },
    {
      fn: "keywords.match",
      args: [
        { tag: "in", val: "abc" },
        { mut: false, ref: false, static: false },
      ],
      value: [
        { tag: "loop", val: 3 },
        { mut: true, ref: false, static: true },
      ],
    },
    {
      fn: "keywords.match",
      args: [{ tag: "where" }, { mut: true, ref: false, static: true }],
      value: [{ tag: "where" }, { mut: false, ref: false, static: false }],
    },
    { fn: "keywords.kinds", args: [], value: ["type", "crate", "super"] },
    { fn: "keywords.nextGuest", args: [{ id: 41 }], value: { id: 42 } },
  ],
};

const valueScenarios: ValueScenario[] = [numbers, strings, lists, aggregates, realloc, keywords];

// Start every compile at once; each scenario awaits its own.
beforeAll(() => {
  if (reason) return;
  for (const v of valueScenarios) void build(rustScenario(v.name), v.options);
  void build(rustScenario("resources"));
});

for (const v of valueScenarios) {
  const scenario = rustScenario(v.name);
  describe.skipIf(reason)(`Rust guest: ${v.name}`, () => {
    const runs = {} as Record<Run, Record<string, any>>;
    const logs = {} as Record<Run, unknown[]>;

    beforeAll(async () => {
      const core = await build(scenario, v.options);
      const instances = await instantiateAll(scenario, core, (run) => v.imports((logs[run] = [])), v.jcoImports);
      Object.assign(runs, instances);
    }, 60_000);

    for (const run of Object.keys(RUNS) as Run[]) {
      describe(RUNS[run], () => {
        for (const c of v.cases) {
          it(`${c.fn}(${c.args.map(show).join(", ")})`, () => {
            const exports = runs[run];
            const log = logs[run];
            const before = log.length;
            const outcome = call(exports, c);
            if ("error" in c) expect(outcome).toEqual({ error: c.error });
            else expect(outcome).toEqual({ value: c.value });
            expect(plain(log.slice(before)), "what the imports saw").toEqual(c.log ?? []);
            expect(exports.liveAllocations(), "allocations left after the call").toBe(0);
          });
        }
        if (v.last) {
          const last = v.last;
          it(last.name, () => last.test(runs[run]));
        }
      });
    }
  });
}

// ---------------------------------------------------------------------------------------------
// resources

/** The host's `logger` resource, a fresh class per run, counting the live instances. */
function loggerClass() {
  return class Logger {
    static live = 0;
    prefix: string;
    logged: string[] = [];
    constructor(prefix: string) {
      this.prefix = prefix;
      Logger.live++;
    }
    log(msg: string): void {
      this.logged.push(`${this.prefix}: ${msg}`);
    }
    lines(): string[] {
      return [...this.logged];
    }
    static merge(a: Logger, b: Logger): Logger {
      const merged = new Logger(`${a.prefix}&${b.prefix}`);
      merged.logged = [...a.logged, ...b.logged];
      a[Symbol.dispose]();
      return merged;
    }
    [Symbol.dispose](): void {
      Logger.live--;
    }
  };
}
type LoggerClass = ReturnType<typeof loggerClass>;

function resourceImports(Logger: LoggerClass) {
  return {
    "test:rust-resources/host": {
      Logger,
      makeLogger: (prefix: string) => new Logger(prefix),
      makeLoggers: (prefixes: string[]) => prefixes.map((p) => new Logger(p)),
    },
  };
}

function dispose(x: any): void {
  x[Symbol.dispose]();
}

/** Exported counters: created, called, passed as own and borrow, returned, dropped. */
function exportedResources(exports: Record<string, any>): void {
  const { store } = exports;
  const { Counter } = store;
  const a = new Counter("a", 1);
  expect(a.increment(2)).toBe(3);
  expect(a.value()).toBe(3);
  expect(a.label()).toBe("a");
  expect(store.liveCounters()).toBe(1);

  const b = new Counter("b", 10);
  const c = a.fork("c");
  expect(c).toBeInstanceOf(Counter);
  expect([c.label(), c.value()]).toEqual(["c", 3]);
  expect(store.sumPair({ a: b, b: c })).toBe(13);
  expect(store.total([a, b, c, a])).toBe(19);
  expect(store.total([])).toBe(0);
  expect(store.liveCounters()).toBe(3);

  // `merge` consumes `a` and borrows `b`.
  const merged = Counter.merge(a, b);
  expect([merged.label(), merged.value()]).toEqual(["a+b", 13]);
  expect(b.value()).toBe(10);
  expect(store.liveCounters()).toBe(3);

  expect(store.take(c)).toBe("c=3");
  expect(store.liveCounters()).toBe(2);

  expect(store.maybeCounter(undefined)).toBeUndefined();
  const maybe = store.maybeCounter(5);
  expect([maybe.label(), maybe.value()]).toEqual(["maybe", 5]);
  expect(store.liveCounters()).toBe(3);

  const many = store.counters(["x", "y", ""]);
  expect(many.map((c: any) => [c.label(), c.value()])).toEqual([
    ["x", 0],
    ["y", 1],
    ["", 2],
  ]);
  expect(store.total(many)).toBe(3);
  expect(store.liveCounters()).toBe(6);
  // Handed back as owns rather than disposed of: jco 1.35's `[Symbol.dispose]` of the
  // resources of a returned list drops the last element's handle, whichever element it is on.
  expect(many.map((c: any) => store.take(c))).toEqual(["x=0", "y=1", "=2"]);
  expect(store.liveCounters()).toBe(3);
  expect(store.counters([])).toEqual([]);

  dispose(maybe);
  dispose(merged);
  dispose(b);
  expect(store.liveCounters()).toBe(0);
  expect(exports.liveAllocations(), "allocations left once every counter is dropped").toBe(0);
}

/** Imported loggers: borrowed, made by the guest, passed through, merged, dropped by the guest. */
function importedResources(exports: Record<string, any>, Logger: LoggerClass): void {
  const { store } = exports;
  const l = new Logger("mine");
  expect(store.logTo(l, "one")).toBe(1);
  expect(store.logTo(l, "two")).toBe(2);
  expect(l.lines()).toEqual(["mine: one", "mine: two"]);
  expect(exports.liveAllocations()).toBe(0);

  const made = store.newLogger("guest");
  expect(made).toBeInstanceOf(Logger);
  expect(made.lines()).toEqual(["guest: made by the guest"]);

  const passed = store.passLogger(made, "again");
  expect(passed).toBe(made);
  expect(passed.lines()).toEqual(["guest: made by the guest", "guest: again"]);
  expect(exports.liveAllocations()).toBe(0);

  const other = new Logger("other");
  other.log("hi");
  expect(store.mergedLines(passed, other)).toEqual([
    "guest: made by the guest",
    "guest: again",
    "other: hi",
    "guest&other: merged",
  ]);
  expect(exports.liveAllocations()).toBe(0);

  // The guest drops the loggers it made and the merged one: the host disposes of them.
  const liveBefore = Logger.live;
  expect(store.scratch(3)).toBe(3);
  expect(Logger.live).toBe(liveBefore);
  expect(exports.liveAllocations()).toBe(0);
  expect(store.fanOut(["p", "q"])).toEqual(["p: 0", "q: 1"]);
  expect(store.fanOut([])).toEqual([]);
  expect(Logger.live).toBe(liveBefore);
  expect(exports.liveAllocations()).toBe(0);
  dispose(l);
  dispose(other);
  expect(Logger.live).toBe(0);
}

const resourcesScenario = rustScenario("resources");

describe.skipIf(reason)("Rust guest: resources", () => {
  const runs = {} as Record<Run, Record<string, any>>;
  const loggers = {} as Record<Run, LoggerClass>;

  beforeAll(async () => {
    const core = await build(resourcesScenario);
    Object.assign(
      runs,
      await instantiateAll(resourcesScenario, core, (run) => resourceImports((loggers[run] = loggerClass()))),
    );
  }, 60_000);

  for (const run of Object.keys(RUNS) as Run[]) {
    describe(RUNS[run], () => {
      it("exported resources: constructor, methods, own and borrow parameters, own results, drops", () => {
        exportedResources(runs[run]);
      });
      it("imported resources: borrowed, constructed, passed on, merged, dropped by the guest", () => {
        importedResources(runs[run], loggers[run]);
      });
    });
  }
});

// ---------------------------------------------------------------------------------------------
// the core modules and their components

describe.skipIf(reason)("Rust guest: core modules", () => {
  for (const name of [...valueScenarios.map((v) => v.name), "resources"]) {
    it(`${name}: imports only its world, exports cabi_realloc and memory, embeds its component type`, async () => {
      const core = await build(rustScenario(name), valueScenarios.find((v) => v.name === name)?.options);
      const module = await WebAssembly.compile(core as BufferSource);
      const pkg = `test:rust-${name}/`;
      for (const i of WebAssembly.Module.imports(module)) {
        expect(
          i.module === "$root" || i.module.startsWith(pkg) || i.module.startsWith(`[export]${pkg}`),
          i.module,
        ).toBe(true);
      }
      const exported = WebAssembly.Module.exports(module).map((e) => e.name);
      expect(exported).toContain("cabi_realloc");
      expect(exported).toContain("memory");
      const sections = customSectionNames(core).filter((n) => n.startsWith("component-type:"));
      expect(sections).toHaveLength(1);
      expect(sections[0]).toMatch(new RegExp(`:test:rust-${name}:${name}-guest:encoded world$`));
    });

    it(`${name}: our componentNew, given no WIT, makes a valid component with the WIT of jco's`, async () => {
      const core = await build(rustScenario(name), valueScenarios.find((v) => v.name === name)?.options);
      const tools = await import("@bytecodealliance/jco-transpile/wasm-tools");
      const ours = componentNew(core);
      const theirs = await tools.componentNew(core);
      const ourWit = await tools.componentWit(ours);
      expect(ourWit).toEqual(await tools.componentWit(theirs));
      expect(ourWit).toContain(`world root`);
    });
  }
});
