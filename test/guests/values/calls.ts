/**
 * Spilled parameters, host imports taking and returning strings, lists and
 * records (their results written to the guest's return area), results
 * thrown as `ComponentError`, post-return, `_initialize`, world-level
 * functions and memory growth during calls (calls.wit, calls.wat).
 */
import { guestFile, PayloadError, type Call, type HostImports, type Suite } from "./suite.js";
import { jcoLoose, jcoRetptrAlignment } from "./jco-differences.js";

const U64_MAX = 2n ** 64n - 1n;
const S64_MIN = -(2n ** 63n);

type Point = { x: number; y: number };
type Entry = { key: string; values: Uint32Array; at: Point };

/** The bytes of the 17 spilled parameters of `spill-bytes`, laid out as their tuple (80 bytes). */
function spilledBytes(a: unknown[]): Uint8Array {
  const b = new Uint8Array(80);
  const v = new DataView(b.buffer);
  v.setUint8(0, a[0] as number);
  v.setInt8(1, a[1] as number);
  v.setUint16(2, a[2] as number, true);
  v.setInt16(4, a[3] as number, true);
  v.setUint32(8, a[4] as number, true);
  v.setInt32(12, a[5] as number, true);
  v.setBigUint64(16, a[6] as bigint, true);
  v.setBigInt64(24, a[7] as bigint, true);
  v.setFloat32(32, a[8] as number, true);
  v.setFloat64(40, a[9] as number, true);
  v.setUint32(48, (a[10] as string).codePointAt(0)!, true);
  v.setUint8(52, a[11] ? 1 : 0);
  v.setUint8(53, a[12] as number);
  v.setBigUint64(56, a[13] as bigint, true);
  v.setFloat32(64, a[14] as number, true);
  v.setInt16(68, a[15] as number, true);
  v.setUint32(72, a[16] as number, true);
  return b;
}

const spillArgs = [
  200,
  -100,
  60000,
  -30000,
  4000000000,
  -2000000000,
  U64_MAX,
  S64_MIN,
  1.5,
  -2.25,
  "😀",
  true,
  255,
  2n ** 63n,
  -0,
  -1,
  0xdeadbeef,
];
const spillArgs2 = [
  0,
  127,
  0,
  32767,
  0,
  2147483647,
  0n,
  2n ** 63n - 1n,
  Infinity,
  Number.MIN_VALUE,
  "\0",
  false,
  0,
  0n,
  3.5,
  -32768,
  0,
];
const strings9 = ["a", "", "é", "😀", "b", "c", "", "x".repeat(100), "z"];

const bigEntry = (n: number) => ({
  check: (e: Entry) =>
    e.key === "big!" &&
    e.values instanceof Uint32Array &&
    e.values.length === n &&
    e.values[n - 1] === (n - 1) * 3 &&
    e.at.x === n,
  description: `an entry of ${n} values`,
});

const calls: Call[] = [
  {
    fn: "api.spillBytes",
    args: spillArgs,
    outcome: { value: spilledBytes(spillArgs) },
    title: "17 parameters at their limits",
  },
  {
    fn: "api.spillBytes",
    args: spillArgs2,
    outcome: { value: spilledBytes(spillArgs2) },
    title: "17 parameters at their other limits",
  },
  { fn: "api.spillStrings", args: strings9, outcome: { value: strings9.join("") }, title: "9 strings" },
  {
    fn: "api.callMany",
    args: [],
    outcome: { value: 42 },
    log: [
      [
        "many",
        [
          200,
          -100,
          60000,
          -30000,
          4000000000,
          -2000000000,
          U64_MAX,
          S64_MIN,
          1.5,
          -2.25,
          "😀",
          true,
          "many ✓",
          new Uint8Array([1, 2, 3]),
          { x: -1, y: 7 },
        ],
      ],
    ],
  },
  {
    fn: "api.makeEntry",
    args: ["k", 3],
    outcome: { value: { key: "k!", values: new Uint32Array([0, 3, 6]), at: { x: 3, y: -3 } } },
    log: [["make-entry", "k", 3]],
  },
  {
    fn: "api.makeEntry",
    args: ["", 0],
    outcome: { value: { key: "!", values: new Uint32Array([]), at: { x: 0, y: 0 } } },
    log: [["make-entry", "", 0]],
  },
  // 400 kB: the guest's allocator grows memory while the host writes the import's result.
  { fn: "api.makeEntry", args: ["big", 100_000], outcome: bigEntry(100_000), log: [["make-entry", "big", 100_000]] },
  {
    fn: "api.describe",
    args: [{ key: "é", values: [1, 2], at: { x: -5, y: 6 } }],
    outcome: { value: "é:1,2@-5,6" },
    log: [["describe", { key: "é", values: new Uint32Array([1, 2]), at: { x: -5, y: 6 } }]],
  },
  {
    fn: "api.describe",
    args: [{ key: "", values: new Uint32Array([]), at: { x: 0, y: 0 } }],
    outcome: { value: ":@0,0" },
    log: [["describe", { key: "", values: new Uint32Array([]), at: { x: 0, y: 0 } }]],
  },
  { fn: "api.parse", args: ["123"], outcome: { value: 123 }, log: [["parse", "123"]] },
  { fn: "api.parse", args: ["4294967295"], outcome: { value: 4294967295 }, log: [["parse", "4294967295"]] },
  { fn: "api.parse", args: ["x"], outcome: { error: "invalid" }, log: [["parse", "x"]] },
  { fn: "api.parse", args: [""], outcome: { error: "not-found" }, log: [["parse", ""]] },
  { fn: "api.lookup", args: ["a"], outcome: { value: "alpha" }, log: [["lookup", "a"]] },
  { fn: "api.lookup", args: ["é"], outcome: { value: "é ✓" }, log: [["lookup", "é"]] },
  { fn: "api.lookup", args: ["zz"], outcome: { error: "missing zz" }, log: [["lookup", "zz"]] },
  // The post-return function clobbers the result: the host must have read it before.
  { fn: "api.echo", args: ["héllo"], outcome: { value: "héllo" } },
  { fn: "api.echo", args: [""], outcome: { value: "" } },
  { fn: "topLevel", args: [41], outcome: { value: 42 }, log: [["log-root", "top ✓"]] },
  { fn: "topLevel", args: [4294967295], outcome: { value: 0 }, log: [["log-root", "top ✓"]] },
  { fn: "api.initCount", args: [], outcome: { value: 1 } },
  // The guest grows memory in the call: the host must read the result from the new memory.
  { fn: "api.grow", args: [2, 1000], outcome: { value: new Uint8Array(1000).fill(0x5a) } },
  {
    fn: "api.grow",
    args: [1, 65536],
    outcome: {
      check: (v: unknown) => v instanceof Uint8Array && v.length === 65536 && v.every((b) => b === 0x5a),
      description: "a page of 0x5a",
    },
  },
  { fn: "api.growThenLog", args: [1], outcome: { value: undefined }, log: [["log", "grown ✓"]] },
  {
    fn: "api.spillStrings",
    args: [1, "", "", "", "", "", "", "", ""],
    outcome: { typeError: /`a` must be a string, got 1/ },
  },

  // Bad pointers from the guest to a host import's spilled parameters or results.
  {
    fn: "api.callManyAt",
    args: [1028],
    outcome: { trap: /misaligned pointer 1028 to parameters \(alignment 8\)/ },
    trapIn: "test:calls/host@1.0.0#many",
  },
  {
    fn: "api.callManyAt",
    args: [0x7fffffc0],
    outcome: { trap: /pointer 2147483584 to parameters \(80 bytes\) is out of bounds/ },
    trapIn: "test:calls/host@1.0.0#many",
  },
  {
    fn: "api.makeEntryAt",
    args: [2],
    outcome: { trap: /misaligned pointer 2 to results \(alignment 4\)/ },
    trapIn: "test:calls/host@1.0.0#make-entry",
    jco: jcoRetptrAlignment,
  },
  {
    fn: "api.makeEntryAt",
    args: [0x7ffffff0],
    outcome: { trap: /pointer 2147483632 to results \(24 bytes\) is out of bounds/ },
    trapIn: "test:calls/host@1.0.0#make-entry",
  },
  {
    fn: "api.describe",
    args: [{ key: "", values: [], at: { x: 0, y: 0.5 } }],
    outcome: { typeError: /`e\.at\.y` must be an integer/ },
    jco: jcoLoose(),
  },
];

export interface CallsEnv {
  /** The generated module's `ComponentError`, thrown by the host functions for `err`. */
  ComponentError?: new (payload: unknown) => Error;
}

/** The host functions of `calls`, logging into `log`; `exports` gives the instance for re-entrance. */
export function callsImports(env: CallsEnv = {}, exports: () => Record<string, any> = () => ({})): HostImports {
  const log: unknown[] = [];
  const CE = env.ComponentError ?? PayloadError;
  const values: Record<string, string> = { a: "alpha", é: "é ✓" };
  return {
    log,
    imports: {
      "test:calls/host@1.0.0": {
        many(...args: unknown[]) {
          log.push(["many", args]);
          return 42;
        },
        makeEntry(key: string, n: number): Entry {
          log.push(["make-entry", key, n]);
          return { key: `${key}!`, values: new Uint32Array(n).map((_, i) => i * 3), at: { x: n, y: -n } };
        },
        describe(e: Entry) {
          log.push(["describe", e]);
          return `${e.key}:${[...e.values].join(",")}@${e.at.x},${e.at.y}`;
        },
        parse(s: string) {
          log.push(["parse", s]);
          if (/^\d+$/.test(s)) return Number(s);
          throw new CE(s === "" ? "not-found" : "invalid");
        },
        lookup(key: string) {
          log.push(["lookup", key]);
          if (key in values) return values[key];
          throw new CE(`missing ${key}`);
        },
        log(msg: string) {
          log.push(["log", msg]);
        },
        reenter() {
          log.push(["reenter"]);
          return exports().api.memoryPages();
        },
        fail() {
          throw new Error("boom from the host");
        },
        badResult() {
          return 42;
        },
      },
      logRoot(msg: string) {
        log.push(["log-root", msg]);
      },
    },
  };
}

export const callsSuite: Suite = {
  name: "calls",
  wit: guestFile("calls.wit"),
  wat: guestFile("calls.wat"),
  world: "calls",
  imports: (env) => callsImports(env),
  jcoImports(ours) {
    // jco takes a world-level function as `{ default }` under its WIT name.
    const { logRoot, ...rest } = ours;
    return { ...rest, "log-root": { default: logRoot } };
  },
  calls,
};
