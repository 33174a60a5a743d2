/**
 * End-to-end tests of the C guest bindings: test/guests/c/values.c
 * implements the world `values-guest` (numbers, strings, lists, records,
 * variants, options, results, flags, enums, tuples, more than 16 parameters,
 * imports the guest calls with strings and lists) against the generated
 * bindings. The same core module runs (a) in our TypeScript host and (b) as
 * a component made by jco's `componentNew` from the section the `.c`
 * embeds, transpiled by jco; both must give the expected results, and the
 * guest must hold no allocation after any call (its `*_free` helpers and the
 * generated post-return functions free everything).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadHost } from "./helpers/host.js";
import { skipReason, wasmClang } from "./helpers/toolchains.js";
import { buildGuest, guestsDir, jcoFromEmbedded, plain } from "./guests/c/harness.js";
import { loadComponentHost } from "./helpers/component-host.js";

const wit = fs.readFileSync(path.join(guestsDir, "values.wit"), "utf8");
const reason = skipReason(wasmClang());

interface Case {
  fn: string;
  args: unknown[];
  /** The expected result, or the payload of the expected `ComponentError`. */
  value?: unknown;
  error?: unknown;
}

const cases: Case[] = [
  { fn: "add", args: [1, -2, 3, 4n, 0.5, 0.25, "A", true], value: 1 - 2 + 3 + 4 + 0.5 + 0.25 + 65 + 1 },
  { fn: "nextChar", args: ["a"], value: "b" },
  { fn: "nextChar", args: ["\u{1F600}"], value: "\u{1F601}" },
  { fn: "greet", args: ["wörld"], value: "Hello, wörld" },
  { fn: "greet", args: [""], value: "Hello, " },
  { fn: "reverse", args: [["a", "bé", "", "c"]], value: ["c", "", "bé", "a"] },
  { fn: "reverse", args: [[]], value: [] },
  { fn: "doubleAll", args: [[1, -2, 3]], value: [2, -4, 6] },
  { fn: "movePoint", args: [{ x: 1, y: 2, label: "p" }, 10], value: { x: 11, y: 2, label: "p" } },
  { fn: "describe", args: [{ tag: "circle", val: 2 }], value: "big circle" },
  { fn: "describe", args: [{ tag: "rect", val: { x: 0, y: 0, label: "box" } }], value: "box" },
  { fn: "describe", args: [{ tag: "empty" }], value: "empty" },
  {
    fn: "mirror",
    args: [{ tag: "rect", val: { x: 1, y: 2, label: "r" } }],
    value: { tag: "rect", val: { x: 2, y: 1, label: "r" } },
  },
  { fn: "mirror", args: [{ tag: "circle", val: 1.5 }], value: { tag: "circle", val: -1.5 } },
  { fn: "maybeLen", args: ["four"], value: 4 },
  { fn: "maybeLen", args: [undefined], value: undefined },
  { fn: "parse", args: ["1234"], value: 1234 },
  { fn: "parse", args: ["12x"], error: "not a number" },
  { fn: "toggle", args: [{ read: true, write: true, exec: false }], value: { read: false, write: true, exec: true } },
  { fn: "nextColor", args: ["green"], value: "blue" },
  { fn: "nextColor", args: ["blue"], value: "red" },
  {
    fn: "many",
    args: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, "abc", 100000n],
    value: 136n + 3000n + 100000n,
  },
  { fn: "swap", args: [["s", 7]], value: [7, "s"] },
  {
    fn: "points",
    args: [3],
    value: [
      { x: 0, y: 0, label: "even" },
      { x: 1, y: -1, label: "odd" },
      { x: 2, y: -2, label: "even" },
    ],
  },
  { fn: "points", args: [0], value: [] },
  { fn: "callHost", args: ["x", ["a", "b", "c"], [1, 2, 3]], value: "x:a,b,c|6|1" },
  { fn: "callHost", args: ["", [], []], value: ":|0|-" },
];

/** The host side of `test:c-guest/host`, and a log of what the guest passed. */
function hostImports(log: unknown[]) {
  return {
    "test:c-guest/host": {
      concat(a: string, b: string[]) {
        log.push(["concat", a, b]);
        return `${a}:${b.join(",")}`;
      },
      sum(xs: ArrayLike<number>) {
        log.push(["sum", Array.from(xs)]);
        return BigInt(Array.from(xs).reduce((s, x) => s + x, 0));
      },
      find(xs: string[], needle: string) {
        const i = xs.indexOf(needle);
        return i < 0 ? undefined : i;
      },
    },
  };
}

type Outcome = { value: unknown } | { error: unknown };

function call(exports: Record<string, any>, c: Case): Outcome {
  try {
    return { value: plain(exports.values[c.fn](...c.args)) };
  } catch (e) {
    const payload = (e as { payload?: unknown }).payload;
    if (payload === undefined) throw e;
    return { error: payload };
  }
}

describe.skipIf(reason)("C guest: values", () => {
  let core: Uint8Array;
  const runs: Record<string, { exports: Record<string, any>; log: unknown[] }> = {};

  beforeAll(async () => {
    core = buildGuest(wit, "values-guest", ["values.c"]);
    const host = await loadHost(wit, { world: "values-guest" });
    const ourLog: unknown[] = [];
    runs.ours = {
      exports: await host.instantiate(await WebAssembly.compile(core as BufferSource), hostImports(ourLog)),
      log: ourLog,
    };
    const jco = await jcoFromEmbedded(core);
    const jcoLog: unknown[] = [];
    runs.jco = { exports: await jco.instantiate(hostImports(jcoLog)), log: jcoLog };
    const transpiled = await loadComponentHost(jco.component);
    const transpiledLog: unknown[] = [];
    runs.transpiled = { exports: await transpiled.instantiate(hostImports(transpiledLog)), log: transpiledLog };
  }, 120_000);

  const titles: Record<string, string> = {
    ours: "in our TypeScript host",
    jco: "as a jco component",
    transpiled: "as the same component through our transpile",
  };
  for (const run of ["ours", "jco", "transpiled"]) {
    describe(titles[run]!, () => {
      for (const c of cases) {
        it(`${c.fn}(${c.args.map((a) => JSON.stringify(a, (_, v) => (typeof v === "bigint" ? `${v}n` : v))).join(", ")})`, () => {
          const { exports } = runs[run];
          const outcome = call(exports, c);
          if ("error" in c) expect(outcome).toEqual({ error: c.error });
          else expect(outcome).toEqual({ value: c.value });
          expect(exports.liveAllocations(), "allocations left after the call").toBe(0);
        });
      }
    });
  }

  it("the host saw the same arguments in both runs", () => {
    expect(plain(runs.jco.log)).toEqual(plain(runs.ours.log));
    expect(plain(runs.transpiled.log)).toEqual(plain(runs.ours.log));
    expect(runs.ours.log.length).toBeGreaterThan(0);
  });
});
