/** Lists both ways (lists.wit, lists.wat). */
import { guestFile, type Call, type Suite } from "./suite.js";
import { jcoBool, jcoListTruncates, jcoLoose, jcoReplaces } from "./jco-differences.js";

type Point = { x: number; y: number; label: string };

const bytesOf = (a: ArrayBufferView) => new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
const le32 = (...xs: number[]) => bytesOf(new Uint32Array(xs));

const F32_MAX = 3.4028234663852886e38;
const points: Point[] = [
  { x: -32768, y: 1.5, label: "a" },
  { x: 32767, y: -0, label: "é😀" },
  { x: 0, y: 1e300, label: "" },
];

const constants: Call[] = [
  { fn: "lists.constantU8", args: [], outcome: { value: new Uint8Array([0, 1, 127, 128, 255]) } },
  {
    fn: "lists.constantU32",
    args: [],
    outcome: { value: new Uint32Array([0, 1, 0x7fffffff, 0x80000000, 0xffffffff]) },
  },
  {
    fn: "lists.constantS64",
    args: [],
    outcome: { value: new BigInt64Array([0n, -1n, -(2n ** 63n), 2n ** 63n - 1n, 42n]) },
  },
  {
    fn: "lists.constantF32",
    args: [],
    outcome: { value: new Float32Array([0, -0, 1.5, Infinity, -Infinity, NaN, F32_MAX, 1.401298464324817e-45]) },
  },
  {
    fn: "lists.constantF64",
    args: [],
    outcome: { value: new Float64Array([0, -0, Math.PI, Infinity, NaN, Number.MAX_VALUE, Number.MIN_VALUE]) },
  },
  // Any non-zero byte is true.
  { fn: "lists.constantBool", args: [], outcome: { value: [false, true, true, true] }, jco: jcoBool },
  { fn: "lists.constantChar", args: [], outcome: { value: ["A", "é", "😀", "\u{10ffff}", "\0"] } },
  { fn: "lists.constantStrings", args: [], outcome: { value: ["hello", "", "wörld", "😀"] } },
  { fn: "lists.constantPoints", args: [], outcome: { value: points } },
  {
    fn: "lists.constantNested",
    args: [],
    outcome: {
      value: [new Uint16Array([1, 2, 3]), new Uint16Array([]), new Uint16Array([65535]), new Uint16Array([0, 32768])],
    },
  },
];

const big = new Uint8Array(200_000).map((_, i) => i & 0xff);
const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);
const backing = new Uint32Array([9, 8, 7, 6, 5]);

const echoes: Call[] = [
  { fn: "lists.echoU8", args: [new Uint8Array([0, 1, 255])], outcome: { value: new Uint8Array([0, 1, 255]) } },
  { fn: "lists.echoU8", args: [new Uint8Array([])], outcome: { value: new Uint8Array([]) } },
  { fn: "lists.echoU8", args: [[]], outcome: { value: new Uint8Array([]) }, title: "[] (a plain array)" },
  {
    fn: "lists.echoU8",
    args: [[1, 2, 255]],
    outcome: { value: new Uint8Array([1, 2, 255]) },
    title: "[1, 2, 255] (a plain array)",
  },
  // Larger than the guest's memory: the allocator grows it while the host lowers the argument.
  {
    fn: "lists.echoU8",
    args: [big],
    // Compared by a loop: `toEqual` is slow on large typed arrays.
    outcome: {
      check: (v: unknown) => v instanceof Uint8Array && sameBytes(v, big),
      description: "the same 200,000 bytes",
    },
    title: "200,000 bytes",
  },
  {
    fn: "lists.echoU32",
    args: [new Uint32Array([0, 1, 0xffffffff])],
    outcome: { value: new Uint32Array([0, 1, 0xffffffff]) },
  },
  {
    fn: "lists.echoU32",
    args: [new Uint32Array(backing.buffer, 4, 3)],
    outcome: { value: new Uint32Array([8, 7, 6]) },
    title: "a view at byte 4 of a larger buffer",
  },
  { fn: "lists.echoU32", args: [[1, 4294967295]], outcome: { value: new Uint32Array([1, 4294967295]) } },
  { fn: "lists.echoU32", args: [new Uint32Array([])], outcome: { value: new Uint32Array([]) } },
  {
    fn: "lists.echoS64",
    args: [new BigInt64Array([-(2n ** 63n), -1n, 2n ** 63n - 1n])],
    outcome: { value: new BigInt64Array([-(2n ** 63n), -1n, 2n ** 63n - 1n]) },
  },
  { fn: "lists.echoS64", args: [[5n, -5n]], outcome: { value: new BigInt64Array([5n, -5n]) } },
  {
    fn: "lists.echoF32",
    args: [new Float32Array([-0, 1.5, NaN, Infinity])],
    outcome: { value: new Float32Array([-0, 1.5, NaN, Infinity]) },
  },
  { fn: "lists.echoF32", args: [[0.1, 1e39]], outcome: { value: new Float32Array([0.1, Infinity]) } },
  {
    fn: "lists.echoF64",
    args: [new Float64Array([-0, Math.PI, NaN, -Infinity, Number.MIN_VALUE])],
    outcome: { value: new Float64Array([-0, Math.PI, NaN, -Infinity, Number.MIN_VALUE]) },
  },
  { fn: "lists.echoF64", args: [[]], outcome: { value: new Float64Array([]) } },
  { fn: "lists.echoBool", args: [[true, false, true]], outcome: { value: [true, false, true] } },
  { fn: "lists.echoBool", args: [[]], outcome: { value: [] } },
  { fn: "lists.echoChar", args: [["a", "é", "😀", "\u{10ffff}"]], outcome: { value: ["a", "é", "😀", "\u{10ffff}"] } },
  { fn: "lists.echoStrings", args: [["", "a", "wörld", "😀𝄞"]], outcome: { value: ["", "a", "wörld", "😀𝄞"] } },
  { fn: "lists.echoStrings", args: [[]], outcome: { value: [] } },
  { fn: "lists.echoPoints", args: [points], outcome: { value: points } },
  { fn: "lists.echoPoints", args: [[]], outcome: { value: [] } },
  {
    fn: "lists.echoNested",
    args: [[new Uint16Array([1, 2]), [], [65535], new Uint16Array([])]],
    outcome: { value: [new Uint16Array([1, 2]), new Uint16Array([]), new Uint16Array([65535]), new Uint16Array([])] },
  },
  { fn: "lists.echoNested", args: [[]], outcome: { value: [] } },
];

const bytes: Call[] = [
  { fn: "lists.bytesU32", args: [[1, 0x01020304]], outcome: { value: new Uint8Array([1, 0, 0, 0, 4, 3, 2, 1]) } },
  {
    fn: "lists.bytesS64",
    args: [[-2n]],
    outcome: { value: new Uint8Array([0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]) },
  },
  { fn: "lists.bytesF32", args: [[1, -0]], outcome: { value: new Uint8Array([0, 0, 0x80, 0x3f, 0, 0, 0, 0x80]) } },
  { fn: "lists.bytesF64", args: [[-2]], outcome: { value: new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0xc0]) } },
  { fn: "lists.bytesBool", args: [[true, false, true]], outcome: { value: new Uint8Array([1, 0, 1]) } },
  { fn: "lists.bytesChar", args: [["a", "😀"]], outcome: { value: le32(0x61, 0x1f600) } },
  { fn: "lists.bytesU32", args: [[]], outcome: { value: new Uint8Array([]) } },
  {
    fn: "lists.bytesPoints",
    args: [[{ x: -2, y: 1, label: "" }]],
    outcome: {
      // x, padding (unspecified), y, the label's pointer (unknown) and length 0.
      check: (b: Uint8Array) =>
        b.length === 24 &&
        b[0] === 0xfe &&
        b[1] === 0xff &&
        new DataView(b.buffer, b.byteOffset).getFloat64(8, true) === 1 &&
        new DataView(b.buffer, b.byteOffset).getUint32(20, true) === 0,
      description: "x at 0, y at 8, the label's length at 20",
    },
  },
];

const computed: Call[] = [
  { fn: "lists.concatStrings", args: [["héllo", "", " ", "wörld", "😀"]], outcome: { value: "héllo wörld😀" } },
  { fn: "lists.concatStrings", args: [[]], outcome: { value: "" } },
  {
    fn: "lists.flatten",
    args: [[[1, 2], new Uint16Array([3]), [], [65535]]],
    outcome: { value: new Uint16Array([1, 2, 3, 65535]) },
  },
  { fn: "lists.labels", args: [points], outcome: { value: "aé😀" } },
  { fn: "lists.labels", args: [[...points, ...points]], outcome: { value: "aé😀aé😀" } },
];

const viaHost: Call[] = [
  {
    fn: "lists.viaHostU32",
    args: [new Uint32Array([1, 2, 0x80000000])],
    outcome: { value: new Uint32Array([2, 4, 0]) },
    log: [["double-u32", new Uint32Array([1, 2, 0x80000000])]],
  },
  {
    fn: "lists.viaHostU32",
    args: [new Uint32Array([])],
    outcome: { value: new Uint32Array([]) },
    log: [["double-u32", new Uint32Array([])]],
  },
  {
    fn: "lists.viaHostStrings",
    args: [["a", "", "wörld", "😀"]],
    outcome: { value: ["😀", "wörld", "", "a"] },
    log: [["reverse-strings", ["a", "", "wörld", "😀"]]],
  },
  {
    fn: "lists.viaHostPoints",
    args: [points],
    outcome: {
      value: [
        { x: -32767, y: 3, label: "a!" },
        { x: -32768, y: -0, label: "é😀!" },
        { x: 1, y: 2e300, label: "!" },
      ],
    },
    log: [["move-points", points]],
  },
  {
    fn: "lists.viaHostNested",
    args: [[[1, 2, 3], [], [4]]],
    outcome: { value: [new Uint16Array([3, 2, 1]), new Uint16Array([]), new Uint16Array([4])] },
    log: [["reverse-each", [new Uint16Array([1, 2, 3]), new Uint16Array([]), new Uint16Array([4])]]],
  },
];

const raw: Call[] = [
  { fn: "lists.rawU32", args: [0, 0], outcome: { value: new Uint32Array([]) } },
  { fn: "lists.rawU32", args: [2056, 2], outcome: { value: new Uint32Array([0, 1]) } },
  { fn: "lists.rawStrings", args: [2248, 1], outcome: { value: ["hello"] } },
  { fn: "lists.rawNested", args: [2376, 1], outcome: { value: [new Uint16Array([1, 2, 3])] } },
];

const bad: Call[] = [
  // Bad JS values: TypeErrors naming the parameter and the element.
  {
    fn: "lists.echoU8",
    args: ["abc"],
    outcome: { typeError: /`l` must be a Uint8Array or an array, got "abc"/ },
    jco: jcoLoose({ value: new Uint8Array([]) }),
  },
  {
    fn: "lists.echoU8",
    args: [[1, 256]],
    outcome: { typeError: /`l\[1\]` must be an integer from 0 to 255 \(u8\), got 256/ },
  },
  {
    fn: "lists.echoU32",
    args: [new Int32Array([1])],
    outcome: { typeError: /`l` must be a Uint32Array or an array/ },
    jco: jcoLoose({ value: new Uint32Array([1]) }),
  },
  { fn: "lists.echoS64", args: [[1]], outcome: { typeError: /`l\[0\]` must be a bigint/ } },
  {
    fn: "lists.echoBool",
    args: [[true, 1]],
    outcome: { typeError: /`l\[\]` must be a boolean, got 1/ },
    jco: jcoLoose({ value: [true, true] }),
  },
  {
    fn: "lists.echoChar",
    args: [["ab"]],
    outcome: { typeError: /`l\[\]` must be a string of one Unicode scalar value/ },
    jco: jcoLoose({ value: ["a"] }),
  },
  { fn: "lists.echoStrings", args: [["a", 5]], outcome: { typeError: /`l\[\]` must be a string, got 5/ } },
  {
    fn: "lists.echoStrings",
    args: [{ length: 0 }],
    outcome: { typeError: /`l` must be an array/ },
    jco: jcoLoose({ value: [] }),
  },
  {
    fn: "lists.echoPoints",
    args: [[{ x: 1, y: 2, label: 3 }]],
    outcome: { typeError: /`l\[\]\.label` must be a string, got 3/ },
  },
  { fn: "lists.echoPoints", args: [[null]], outcome: { typeError: /`l\[\]` must be an object, got null/ } },
  {
    fn: "lists.echoPoints",
    args: [[{ x: 40000, y: 2, label: "" }]],
    outcome: { typeError: /`l\[\]\.x` must be an integer from -32768 to 32767/ },
    jco: jcoLoose({ value: [{ x: -25536, y: 2, label: "" }] }),
  },
  {
    fn: "lists.echoNested",
    args: [[[1], [-1]]],
    outcome: { typeError: /`l\[\]\[0\]` must be an integer from 0 to 65535/ },
  },

  // Traps.
  { fn: "lists.rawU32", args: [2, 1], outcome: { trap: /misaligned pointer 2/ } },
  { fn: "lists.rawS64", args: [4, 1], outcome: { trap: /misaligned pointer 4/ } },
  {
    fn: "lists.rawU32",
    args: [0x7ffffff0, 4],
    outcome: { trap: /out of bounds/ },
    jco: jcoListTruncates({ value: new Uint32Array([]) }),
  },
  {
    fn: "lists.rawU32",
    args: [0, 0x40000000],
    outcome: { trap: /too long|out of bounds/ },
    jco: jcoListTruncates({ check: (v: unknown) => v instanceof Uint32Array && v.length * 4 <= 0x1000000 }),
  },
  { fn: "lists.rawPoints", args: [2292, 1], outcome: { trap: /misaligned pointer 2292/ } },
  { fn: "lists.rawPoints", args: [2288, 0x7ffffff], outcome: { trap: /too long|out of bounds/ } },
  { fn: "lists.rawChar", args: [4096, 1], outcome: { trap: /55296 is not a Unicode scalar value/ } },
  { fn: "lists.rawChar", args: [4100, 1], outcome: { trap: /1114112 is not a Unicode scalar value/ } },
  { fn: "lists.rawStrings", args: [4112, 1], outcome: { trap: /out of bounds/ } },
  {
    fn: "lists.rawStrings",
    args: [4144, 1],
    outcome: { trap: /invalid UTF-8/ },
    jco: jcoReplaces(["\ufffd"]),
  },
  { fn: "lists.rawNested", args: [4128, 1], outcome: { trap: /misaligned pointer 2049/ } },
];

export const lists: Suite = {
  name: "lists",
  wit: guestFile("lists.wit"),
  wat: guestFile("lists.wat"),
  world: "lists-guest",
  imports() {
    const log: unknown[] = [];
    return {
      log,
      imports: {
        "test:lists/host-lists": {
          doubleU32(l: Uint32Array) {
            log.push(["double-u32", l]);
            return l.map((x) => x * 2);
          },
          reverseStrings(l: string[]) {
            log.push(["reverse-strings", l]);
            return [...l].reverse();
          },
          movePoints(l: Point[]) {
            log.push(["move-points", l]);
            return l.map((p) => ({ x: p.x === 32767 ? -32768 : p.x + 1, y: p.y * 2, label: `${p.label}!` }));
          },
          reverseEach(l: Uint16Array[]) {
            log.push(["reverse-each", l]);
            return l.map((a) => [...a].reverse());
          },
        },
      },
    };
  },
  calls: [...constants, ...echoes, ...bytes, ...computed, ...viaHost, ...raw, ...bad],
};
