/** Records, tuples, flags, enums, variants, options and results (aggregates.wit, aggregates.wat). */
import { guestFile, type Call, type Suite } from "./suite.js";
import { jcoBool, jcoFlags, jcoInherited, jcoLoose, jcoSignExtends } from "./jco-differences.js";

const U64_MAX = 2n ** 64n - 1n;

/** A flags object as the host lifts it: every label, `true` for those in `set`. */
function flags(prefix: string, count: number, set: number[]): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (let i = 0; i < count; i++) out[`${prefix}${i}`] = set.includes(i);
  return out;
}

const scalars = { a: 255, b: -32768, c: 4294967295, d: U64_MAX, e: -1.5, f: 1e-300, g: "😀", h: true };
const ada = { name: "Ada", age: 36, nickName: "🦊", tags: ["x", "yz"] };
const bag = {
  one: { onlyOne: true },
  eight: flags("b", 8, [0, 7]),
  nine: flags("c", 9, [0, 8]),
  sixteen: flags("d", 16, [15]),
  thirtyTwo: flags("e", 32, [0, 31]),
};

const records: Call[] = [
  { fn: "aggregates.echoScalars", args: [scalars], outcome: { value: scalars } },
  {
    fn: "aggregates.echoScalars",
    args: [{ a: 0, b: 32767, c: 0, d: 0n, e: NaN, f: -0, g: "\0", h: false }],
    outcome: { value: { a: 0, b: 32767, c: 0, d: 0n, e: NaN, f: -0, g: "\0", h: false } },
  },
  { fn: "aggregates.echoPerson", args: [ada], outcome: { value: ada } },
  {
    fn: "aggregates.echoPerson",
    args: [{ name: "", age: 0, nickName: undefined, tags: [] }],
    outcome: { value: { name: "", age: 0, nickName: undefined, tags: [] } },
  },
  {
    fn: "aggregates.echoPerson",
    args: [{ name: "n", age: 1, nickName: null, tags: [""] }],
    outcome: { value: { name: "n", age: 1, nickName: undefined, tags: [""] } },
    title: "nickName null",
  },
  { fn: "aggregates.echoPerson", args: [{ ...ada, nickName: "" }], outcome: { value: { ...ada, nickName: "" } } },
  { fn: "aggregates.echoTuple", args: [[7, "tuple ✓", -0]], outcome: { value: [7, "tuple ✓", -0] } },
  { fn: "aggregates.echoTuple", args: [[255, "", Infinity]], outcome: { value: [255, "", Infinity] } },
  { fn: "aggregates.atScalars", args: [1024], outcome: { value: scalars }, jco: jcoBool },
  { fn: "aggregates.atPerson", args: [1088], outcome: { value: ada } },
  { fn: "aggregates.atPerson", args: [1152], outcome: { value: { name: "", age: 0, nickName: undefined, tags: [] } } },
  { fn: "aggregates.atTuple", args: [1280], outcome: { value: [7, "tuple", -0] } },
];

const flagCalls: Call[] = [
  { fn: "aggregates.echoBits1", args: [{ onlyOne: true }], outcome: { value: { onlyOne: true } } },
  { fn: "aggregates.echoBits1", args: [{}], outcome: { value: { onlyOne: false } } },
  { fn: "aggregates.echoBits8", args: [{ b0: true, b7: true }], outcome: { value: flags("b", 8, [0, 7]) } },
  { fn: "aggregates.echoBits8", args: [{ b3: true, unknown: true }], outcome: { value: flags("b", 8, [3]) } },
  { fn: "aggregates.echoBits9", args: [{ c8: true }], outcome: { value: flags("c", 9, [8]) } },
  {
    fn: "aggregates.echoBits9",
    args: [flags("c", 9, [0, 1, 2, 3, 4, 5, 6, 7, 8])],
    outcome: { value: flags("c", 9, [0, 1, 2, 3, 4, 5, 6, 7, 8]) },
  },
  { fn: "aggregates.echoBits16", args: [{ d0: true, d15: true }], outcome: { value: flags("d", 16, [0, 15]) } },
  { fn: "aggregates.echoBits32", args: [{ e31: true }], outcome: { value: flags("e", 32, [31]) } },
  {
    fn: "aggregates.echoBits32",
    args: [{ e0: true, e16: true, e31: true }],
    outcome: { value: flags("e", 32, [0, 16, 31]) },
  },
  {
    fn: "aggregates.echoBits32",
    args: [flags("e", 32, [...Array(32).keys()])],
    outcome: { value: flags("e", 32, [...Array(32).keys()]) },
    title: "all 32",
  },
  { fn: "aggregates.echoFlagBag", args: [bag], outcome: { value: bag } },
  {
    fn: "aggregates.echoFlagBag",
    args: [{ one: {}, eight: {}, nine: {}, sixteen: {}, thirtyTwo: {} }],
    outcome: {
      value: {
        one: { onlyOne: false },
        eight: flags("b", 8, []),
        nine: flags("c", 9, []),
        sixteen: flags("d", 16, []),
        thirtyTwo: flags("e", 32, []),
      },
    },
  },
  // Bits beyond the labels are ignored.
  { fn: "aggregates.rawBits1", args: [0xfffffffe], outcome: { value: { onlyOne: false } }, jco: jcoFlags },
  { fn: "aggregates.rawBits1", args: [3], outcome: { value: { onlyOne: true } }, jco: jcoFlags },
  { fn: "aggregates.rawBits9", args: [0xffffff00], outcome: { value: flags("c", 9, [8]) }, jco: jcoFlags },
  { fn: "aggregates.rawBits32", args: [0xffffffff], outcome: { value: flags("e", 32, [...Array(32).keys()]) } },
  { fn: "aggregates.atFlagBag", args: [1344], outcome: { value: bag }, jco: jcoFlags },
];

// Flags and fields named like the properties every JS object inherits: missing means false or none.
const noneInherited = { read: false, toString: false, valueOf: false, constructor: false };
const inheritedCalls: Call[] = [
  {
    fn: "aggregates.echoInherited",
    args: [{ read: true }],
    outcome: { value: { ...noneInherited, read: true } },
    jco: jcoInherited({ value: { read: true, toString: true, valueOf: true, constructor: true } }),
  },
  {
    fn: "aggregates.echoInherited",
    args: [{}],
    outcome: { value: noneInherited },
    jco: jcoInherited({ value: { read: false, toString: true, valueOf: true, constructor: true } }),
  },
  {
    fn: "aggregates.echoInherited",
    args: [{ toString: true, valueOf: true, constructor: true }],
    outcome: { value: { read: false, toString: true, valueOf: true, constructor: true } },
  },
  {
    fn: "aggregates.echoInherits",
    args: [{ a: 1 }],
    outcome: { value: { a: 1, toString: undefined, valueOf: undefined } },
    jco: jcoInherited({ throws: true }),
  },
  {
    fn: "aggregates.echoInherits",
    args: [{ a: 2, toString: 5, valueOf: "v" }],
    outcome: { value: { a: 2, toString: 5, valueOf: "v" } },
  },
];

const enumCalls: Call[] = [
  ...["red", "green", "blue"].map((c) => ({ fn: "aggregates.echoColor", args: [c], outcome: { value: c } })),
  { fn: "aggregates.rawColor", args: [2], outcome: { value: "blue" } },
];

const shapes: { tag: string; val?: unknown }[] = [
  { tag: "a", val: 0 },
  { tag: "a", val: 0xffffffff },
  { tag: "b", val: 1.5 },
  { tag: "b", val: -0 },
  { tag: "b", val: NaN },
  { tag: "b", val: -Infinity },
  { tag: "c", val: U64_MAX },
  { tag: "c", val: 0n },
  { tag: "d", val: -Math.PI },
  { tag: "d", val: -0 },
  { tag: "d", val: NaN },
  { tag: "e", val: "shape ✓" },
  { tag: "e", val: "" },
  { tag: "f" },
];

const variantCalls: Call[] = [
  ...shapes.map((s) => ({ fn: "aggregates.echoShape", args: [s], outcome: { value: s } })),
  {
    fn: "aggregates.echoShape",
    args: [{ tag: "b", val: 0.1 }],
    outcome: { value: { tag: "b", val: Math.fround(0.1) } },
  },
  // The flat values: an f32 is its bits, zero-extended to the i64 slot.
  { fn: "aggregates.shapeBits", args: [{ tag: "a", val: 0xffffffff }], outcome: { value: [0, 0xffffffffn, 0] } },
  { fn: "aggregates.shapeBits", args: [{ tag: "b", val: 1.5 }], outcome: { value: [1, 0x3fc00000n, 0] } },
  {
    fn: "aggregates.shapeBits",
    args: [{ tag: "b", val: -0 }],
    outcome: { value: [1, 0x80000000n, 0] },
    jco: jcoSignExtends([1, 0xffffffff80000000n, 0]),
  },
  { fn: "aggregates.shapeBits", args: [{ tag: "c", val: U64_MAX }], outcome: { value: [2, U64_MAX, 0] } },
  { fn: "aggregates.shapeBits", args: [{ tag: "d", val: -0 }], outcome: { value: [3, 0x8000000000000000n, 0] } },
  { fn: "aggregates.shapeBits", args: [{ tag: "d", val: 1 }], outcome: { value: [3, 0x3ff0000000000000n, 0] } },
  {
    fn: "aggregates.shapeBits",
    args: [{ tag: "e", val: "hé" }],
    outcome: {
      check: (v: [number, bigint, number]) => v[0] === 4 && v[1] > 0n && v[1] < 2n ** 32n && v[2] === 3,
      description: "[4, the string's pointer, 3]",
    },
  },
  { fn: "aggregates.shapeBits", args: [{ tag: "f" }], outcome: { value: [5, 0n, 0] } },
  ...[
    { tag: "a", val: 0xffffffff },
    { tag: "b", val: 1.5 },
    { tag: "c", val: U64_MAX },
    { tag: "d", val: -Math.PI },
    { tag: "e", val: "tuple" },
    { tag: "f" },
  ].map((s, i) => ({ fn: "aggregates.atShape", args: [1376 + 16 * i], outcome: { value: s } })),
];

const optionCalls: Call[] = [
  { fn: "aggregates.echoOption", args: [42], outcome: { value: 42 } },
  { fn: "aggregates.echoOption", args: [0], outcome: { value: 0 } },
  { fn: "aggregates.echoOption", args: [undefined], outcome: { value: undefined } },
  { fn: "aggregates.echoOption", args: [null], outcome: { value: undefined } },
  { fn: "aggregates.echoOptionString", args: [""], outcome: { value: "" } },
  { fn: "aggregates.echoOptionString", args: ["😀"], outcome: { value: "😀" } },
  { fn: "aggregates.echoOptionString", args: [undefined], outcome: { value: undefined } },
  { fn: "aggregates.echoOptionOption", args: [{ tag: "none" }], outcome: { value: { tag: "none" } } },
  {
    fn: "aggregates.echoOptionOption",
    args: [{ tag: "some", val: undefined }],
    outcome: { value: { tag: "some", val: undefined } },
  },
  {
    fn: "aggregates.echoOptionOption",
    args: [{ tag: "some", val: null }],
    outcome: { value: { tag: "some", val: undefined } },
  },
  { fn: "aggregates.echoOptionOption", args: [{ tag: "some", val: 7 }], outcome: { value: { tag: "some", val: 7 } } },
  { fn: "aggregates.echoNested", args: [undefined], outcome: { value: undefined } },
  {
    fn: "aggregates.echoNested",
    args: [{ tag: "ok", val: undefined }],
    outcome: { value: { tag: "ok", val: undefined } },
  },
  { fn: "aggregates.echoNested", args: [{ tag: "ok", val: 65535 }], outcome: { value: { tag: "ok", val: 65535 } } },
  { fn: "aggregates.echoNested", args: [{ tag: "ok", val: 0 }], outcome: { value: { tag: "ok", val: 0 } } },
  {
    fn: "aggregates.echoNested",
    args: [{ tag: "err", val: "nested é" }],
    outcome: { value: { tag: "err", val: "nested é" } },
  },
  { fn: "aggregates.atOption", args: [1504], outcome: { value: 42 } },
  { fn: "aggregates.atOption", args: [1512], outcome: { value: undefined } },
  { fn: "aggregates.atOptionOption", args: [1536], outcome: { value: { tag: "none" } } },
  { fn: "aggregates.atOptionOption", args: [1552], outcome: { value: { tag: "some", val: undefined } } },
  { fn: "aggregates.atOptionOption", args: [1568], outcome: { value: { tag: "some", val: 7 } } },
  { fn: "aggregates.atNested", args: [1600], outcome: { value: undefined } },
  { fn: "aggregates.atNested", args: [1616], outcome: { value: { tag: "ok", val: undefined } } },
  { fn: "aggregates.atNested", args: [1632], outcome: { value: { tag: "ok", val: 65535 } } },
  { fn: "aggregates.atNested", args: [1648], outcome: { value: { tag: "err", val: "tuple" } } },
];

const resultCalls: Call[] = [
  { fn: "aggregates.echoResult", args: [{ tag: "ok", val: 5 }], outcome: { value: 5 } },
  { fn: "aggregates.echoResult", args: [{ tag: "err", val: "bad ✗" }], outcome: { error: "bad ✗" } },
  { fn: "aggregates.echoResult", args: [{ tag: "err", val: "" }], outcome: { error: "" } },
  { fn: "aggregates.check", args: [true], outcome: { value: undefined } },
  { fn: "aggregates.check", args: [false], outcome: { error: "blue" } },
  { fn: "aggregates.unit", args: [true], outcome: { value: undefined } },
  { fn: "aggregates.unit", args: [false], outcome: { error: undefined } },
  { fn: "aggregates.rawUnit", args: [0], outcome: { value: undefined } },
  { fn: "aggregates.rawUnit", args: [1], outcome: { error: undefined } },
  { fn: "aggregates.atResult", args: [1712], outcome: { value: 5 } },
  { fn: "aggregates.atResult", args: [1724], outcome: { error: "tuple" } },
  { fn: "aggregates.atCheck", args: [1760], outcome: { value: undefined } },
  { fn: "aggregates.atCheck", args: [1762], outcome: { error: "blue" } },
];

const typeErrors: Call[] = [
  { fn: "aggregates.echoScalars", args: [null], outcome: { typeError: /`r` must be an object, got null/ } },
  {
    fn: "aggregates.echoScalars",
    args: [{ ...scalars, a: 256 }],
    outcome: { typeError: /`r\.a` must be an integer from 0 to 255/ },
    jco: jcoLoose(),
  },
  {
    fn: "aggregates.echoScalars",
    args: [{ ...scalars, d: 1 }],
    outcome: { typeError: /`r\.d` must be a bigint/ },
    jco: jcoLoose(),
  },
  {
    fn: "aggregates.echoScalars",
    args: [{ ...scalars, g: "" }],
    outcome: { typeError: /`r\.g` must be a string of one Unicode scalar value/ },
    jco: jcoLoose(),
  },
  {
    fn: "aggregates.echoScalars",
    args: [{ ...scalars, h: "yes" }],
    outcome: { typeError: /`r\.h` must be a boolean/ },
    jco: jcoLoose(),
  },
  {
    fn: "aggregates.echoPerson",
    args: [{ ...ada, nickName: 5 }],
    outcome: { typeError: /`p\.nickName` must be a string, got 5/ },
  },
  {
    fn: "aggregates.echoPerson",
    args: [{ ...ada, tags: ["a", 1] }],
    outcome: { typeError: /`p\.tags\[\]` must be a string, got 1/ },
  },
  {
    fn: "aggregates.echoTuple",
    args: [[1, "a"]],
    outcome: { typeError: /`t` must be an array of 3 elements/ },
    jco: jcoLoose(),
  },
  { fn: "aggregates.echoTuple", args: [[1, 2, 3]], outcome: { typeError: /`t\[1\]` must be a string, got 2/ } },
  { fn: "aggregates.echoBits8", args: [5], outcome: { typeError: /`f` must be an object of flags, got 5/ } },
  {
    fn: "aggregates.echoColor",
    args: ["purple"],
    outcome: { typeError: /`c` must be one of "red", "green", "blue", got "purple"/ },
  },
  { fn: "aggregates.echoShape", args: ["a"], outcome: { typeError: /`s` must be an object with `tag`/ } },
  {
    fn: "aggregates.echoShape",
    args: [{ tag: "g" }],
    outcome: { typeError: /`s` must be an object with `tag` "a", "b", "c", "d", "e", "f", got an object/ },
  },
  {
    fn: "aggregates.echoShape",
    args: [{ tag: "a", val: -1 }],
    outcome: { typeError: /`s\.a` must be an integer from 0 to 4294967295/ },
    jco: jcoLoose(),
  },
  {
    fn: "aggregates.echoShape",
    args: [{ tag: "e", val: 5 }],
    outcome: { typeError: /`s\.e` must be a string, got 5/ },
  },
  {
    fn: "aggregates.echoOption",
    args: [-1],
    outcome: { typeError: /`o` must be an integer from 0 to 4294967295/ },
    jco: jcoLoose(),
  },
  {
    fn: "aggregates.echoOptionOption",
    args: [7],
    outcome: { typeError: /`o` must be an object with `tag` "none", "some"/ },
  },
  {
    fn: "aggregates.echoOptionOption",
    args: [{ tag: "some", val: "x" }],
    outcome: { typeError: /`o` must be an integer from 0 to 4294967295/ },
    jco: jcoLoose(),
  },
  {
    fn: "aggregates.echoNested",
    args: [{ tag: "ok", val: 65536 }],
    outcome: { typeError: /`x\.ok` must be an integer from 0 to 65535/ },
    jco: jcoLoose(),
  },
  {
    fn: "aggregates.echoResult",
    args: [{ tag: "ok", val: "x" }],
    outcome: { typeError: /`r\.ok` must be an integer/ },
    jco: jcoLoose(),
  },
  { fn: "aggregates.echoResult", args: [5], outcome: { typeError: /`r` must be an object with `tag` "ok", "err"/ } },
];

const traps: Call[] = [
  { fn: "aggregates.rawColor", args: [3], outcome: { trap: /invalid enum discriminant 3 \(3 cases\)/ } },
  { fn: "aggregates.rawColor", args: [0xffffffff], outcome: { trap: /invalid enum discriminant/ } },
  { fn: "aggregates.rawUnit", args: [2], outcome: { trap: /invalid discriminant 2 for a result of 2 cases/ } },
  { fn: "aggregates.atShape", args: [1472], outcome: { trap: /invalid discriminant 6 for a variant of 6 cases/ } },
  { fn: "aggregates.atOption", args: [1520], outcome: { trap: /invalid discriminant 2 for a option of 2 cases/ } },
  {
    fn: "aggregates.atOptionOption",
    args: [1584],
    outcome: { trap: /invalid discriminant 5 for a option of 2 cases/ },
  },
  { fn: "aggregates.atNested", args: [1664], outcome: { trap: /invalid discriminant 3 for a result of 2 cases/ } },
  { fn: "aggregates.atNested", args: [1680], outcome: { trap: /invalid discriminant 7 for a option of 2 cases/ } },
  { fn: "aggregates.atResult", args: [1736], outcome: { trap: /invalid discriminant 2 for a result of 2 cases/ } },
  { fn: "aggregates.atCheck", args: [1764], outcome: { trap: /invalid enum discriminant 3/ } },
  { fn: "aggregates.atCheck", args: [1766], outcome: { trap: /invalid discriminant 2 for a result of 2 cases/ } },
  { fn: "aggregates.atScalars", args: [1028], outcome: { trap: /misaligned pointer 1028 to results \(alignment 8\)/ } },
  {
    fn: "aggregates.atScalars",
    args: [0x7ffffff0],
    outcome: { trap: /pointer 2147483632 to results \(40 bytes\) is out of bounds/ },
  },
  { fn: "aggregates.atPerson", args: [0xfffffffc], outcome: { trap: /out of bounds/ } },
];

export const aggregates: Suite = {
  name: "aggregates",
  wit: guestFile("aggregates.wit"),
  wat: guestFile("aggregates.wat"),
  world: "aggregates-guest",
  imports: () => ({ imports: {}, log: [] }),
  calls: [
    ...records,
    ...flagCalls,
    ...inheritedCalls,
    ...enumCalls,
    ...variantCalls,
    ...optionCalls,
    ...resultCalls,
    ...typeErrors,
    ...traps,
  ],
};
