/** Edge cases of the ABI (edges.wit, edges.wat). */
import { guestFile, PayloadError, type Call, type Suite } from "./suite.js";
import { jcoClamps, jcoLoose, jcoNoWrap, jcoSignExtends } from "./jco-differences.js";

const U64_MAX = 2n ** 64n - 1n;
const f64Bits = (f: number) => {
  const v = new DataView(new ArrayBuffer(8));
  v.setFloat64(0, f, true);
  return v.getBigUint64(0, true);
};
const sixteen = Array.from({ length: 16 }, (_, i) => 0xffffff00 + i);
const seventeen = Array.from({ length: 17 }, (_, i) => i * 1000);

const calls: Call[] = [
  ...["c0", "c255", "c256", "c299"].map((e) => ({ fn: "edges.echoBig", args: [e], outcome: { value: e } })),
  { fn: "edges.rawBig", args: [299], outcome: { value: "c299" } },
  {
    fn: "edges.echoWithBig",
    args: [{ before: 1, e: "c258", after: 255 }],
    outcome: { value: { before: 1, e: "c258", after: 255 } },
  },
  { fn: "edges.atWithBig", args: [1024], outcome: { value: { before: 1, e: "c299", after: 2 } } },
  { fn: "edges.sixteen", args: sixteen, outcome: { value: [0xffffff00, 0xffffff0f] }, title: "16 u32" },
  { fn: "edges.seventeen", args: seventeen, outcome: { value: [0, 16000] }, title: "17 u32" },
  ...[
    { tag: "ch", val: "😀" },
    { tag: "ch", val: "\u{10ffff}" },
    { tag: "small", val: 0xffffffff },
    { tag: "flt", val: -1.5 },
    { tag: "flt", val: -Infinity },
    { tag: "large", val: U64_MAX },
    { tag: "dbl", val: -0 },
  ].map((v) => ({ fn: "edges.echoMixed", args: [v], outcome: { value: v } })),
  ...[
    { tag: "ch", val: "😀" },
    { tag: "small", val: 7 },
    { tag: "flt", val: -1.5 },
    { tag: "large", val: U64_MAX },
    { tag: "dbl", val: 0.5 },
  ].map((v, i) => ({ fn: "edges.atMixed", args: [1088 + 16 * i], outcome: { value: v } })),
  // The host lifts a char, u32 or f32 from the low 32 bits of the i64 slot: the high bits do not matter.
  {
    fn: "edges.sendMixed",
    args: [0, 0xffffffff0001f600n],
    outcome: { value: "ch:😀" },
    log: [["take-mixed", { tag: "ch", val: "😀" }]],
    jco: jcoNoWrap({ throws: true }),
  },
  {
    fn: "edges.sendMixed",
    args: [1, 0x1234567800000005n],
    outcome: { value: "small:5" },
    log: [["take-mixed", { tag: "small", val: 5 }]],
    jco: jcoNoWrap({ value: "small:0" }),
  },
  {
    fn: "edges.sendMixed",
    args: [1, 0x00000000ffffffffn],
    outcome: { value: "small:4294967295" },
    log: [["take-mixed", { tag: "small", val: 4294967295 }]],
  },
  {
    fn: "edges.sendMixed",
    args: [2, 0xffffffffbfc00000n],
    outcome: { value: "flt:-1.5" },
    log: [["take-mixed", { tag: "flt", val: -1.5 }]],
  },
  {
    fn: "edges.sendMixed",
    args: [3, U64_MAX],
    outcome: { value: `large:${U64_MAX}` },
    log: [["take-mixed", { tag: "large", val: U64_MAX }]],
  },
  {
    fn: "edges.sendMixed",
    args: [4, f64Bits(-Math.PI)],
    outcome: { value: `dbl:${-Math.PI}` },
    log: [["take-mixed", { tag: "dbl", val: -Math.PI }]],
  },
  ...[
    { tag: "a", val: [0xffffffff, -1.5] },
    { tag: "a", val: [0, NaN] },
    { tag: "b", val: [-2.5, 255] },
    { tag: "b", val: [Number.MAX_VALUE, 0] },
    { tag: "c", val: "pairs ✓" },
    { tag: "d", val: -128 },
    { tag: "d", val: 127 },
  ].map((v) => ({ fn: "edges.echoPairs", args: [v], outcome: { value: v } })),
  // Flat: u32 zero-extended into the i64, f32 as its bits in the i32; f64 as its bits, u8; an s8 is
  // sign-extended to i32 and then zero-extended to the i64.
  {
    fn: "edges.pairsBits",
    args: [{ tag: "a", val: [0xffffffff, -1.5] }],
    outcome: { value: [0, 0xffffffffn, 0xbfc00000] },
  },
  { fn: "edges.pairsBits", args: [{ tag: "b", val: [-2.5, 7] }], outcome: { value: [1, f64Bits(-2.5), 7] } },
  {
    fn: "edges.pairsBits",
    args: [{ tag: "d", val: -1 }],
    outcome: { value: [3, 0xffffffffn, 0] },
    jco: jcoSignExtends([3, 0xffffffffffffffffn, 0]),
  },
  { fn: "edges.pairsBits", args: [{ tag: "d", val: 5 }], outcome: { value: [3, 5n, 0] } },
  {
    fn: "edges.sendPairs",
    args: [0, 0xdead000000000005n, 0x3fc00000],
    outcome: { value: "a:5,1.5" },
    log: [["take-pairs", { tag: "a", val: [5, 1.5] }]],
    jco: jcoNoWrap({ value: "a:0,1.5" }),
  },
  {
    fn: "edges.sendPairs",
    args: [1, f64Bits(-2.5), 0x1ff],
    outcome: { value: "b:-2.5,255" },
    log: [["take-pairs", { tag: "b", val: [-2.5, 255] }]],
    jco: jcoClamps,
  },
  {
    fn: "edges.sendPairs",
    args: [3, 0xffffffffffffff80n, 0],
    outcome: { value: "d:-128" },
    log: [["take-pairs", { tag: "d", val: -128 }]],
  },
  {
    fn: "edges.sendPairs",
    args: [3, 0x17fn, 0],
    outcome: { value: "d:127" },
    log: [["take-pairs", { tag: "d", val: 127 }]],
    jco: jcoClamps,
  },
  {
    fn: "edges.echoOptions",
    args: [["a", undefined, "", null, "😀"]],
    outcome: { value: ["a", undefined, "", undefined, "😀"] },
  },
  {
    fn: "edges.echoResults",
    args: [
      [
        { tag: "ok", val: 255 },
        { tag: "err", val: "é" },
        { tag: "ok", val: 0 },
      ],
    ],
    outcome: {
      value: [
        { tag: "ok", val: 255 },
        { tag: "err", val: "é" },
        { tag: "ok", val: 0 },
      ],
    },
  },
  { fn: "edges.echoOne", args: [{ x: 200 }], outcome: { value: { x: 200 } } },
  { fn: "edges.rawOne", args: [0x1ff], outcome: { value: { x: 255 } }, jco: jcoClamps },
  { fn: "edges.validate", args: [3], outcome: { value: undefined }, log: [["validate", 3]] },
  { fn: "edges.validate", args: [11], outcome: { error: "too big: 11" }, log: [["validate", 11]] },
  { fn: "edges.maybe", args: [4], outcome: { value: 8 }, log: [["maybe", 4]] },
  { fn: "edges.maybe", args: [0], outcome: { error: undefined }, log: [["maybe", 0]] },
  { fn: "edges.plain", args: [1], outcome: { value: undefined }, log: [["plain", 1]] },
  { fn: "edges.plain", args: [0], outcome: { error: undefined }, log: [["plain", 0]] },
  {
    fn: "edges.callJoin16",
    args: [],
    outcome: { value: "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16" },
  },
  {
    fn: "edges.callSeventeen",
    args: [],
    outcome: { value: [1, 17] },
    log: [["seventeen", Array.from({ length: 17 }, (_, i) => i + 1)]],
  },

  { fn: "edges.echoBig", args: ["c300"], outcome: { typeError: /`e` must be one of "c0", "c1",/ } },
  {
    fn: "edges.echoMixed",
    args: [{ tag: "ch", val: "\ud800" }],
    outcome: { typeError: /`v\.ch` must be a string of one Unicode scalar value/ },
  },
  {
    fn: "edges.echoResults",
    args: [[{ tag: "ok", val: 256 }]],
    outcome: { typeError: /`l\[\]\.ok` must be an integer from 0 to 255/ },
    jco: jcoLoose(),
  },

  { fn: "edges.rawBig", args: [300], outcome: { trap: /invalid enum discriminant 300 \(300 cases\)/ } },
  { fn: "edges.atWithBig", args: [1032], outcome: { trap: /invalid enum discriminant 300 \(300 cases\)/ } },
  { fn: "edges.atWithBig", args: [1025], outcome: { trap: /misaligned pointer 1025 to results \(alignment 2\)/ } },
  { fn: "edges.atMixed", args: [1168], outcome: { trap: /55296 is not a Unicode scalar value/ } },
  { fn: "edges.atMixed", args: [1184], outcome: { trap: /invalid discriminant 5 for a variant of 5 cases/ } },
  {
    fn: "edges.sendMixed",
    args: [5, 0n],
    outcome: { trap: /invalid discriminant 5 for a variant of 5 cases/ },
    trapIn: "test:edges/host-edges#take-mixed",
  },
  {
    fn: "edges.sendMixed",
    args: [0, 0xdc00n],
    outcome: { trap: /56320 is not a Unicode scalar value/ },
    trapIn: "test:edges/host-edges#take-mixed",
  },
];

export const edges: Suite = {
  name: "edges",
  wit: guestFile("edges.wit"),
  wat: guestFile("edges.wat"),
  world: "edges-guest",
  imports(env) {
    const log: unknown[] = [];
    const CE = env?.ComponentError ?? PayloadError;
    return {
      log,
      imports: {
        "test:edges/host-edges": {
          takeMixed(v: { tag: string; val: unknown }) {
            log.push(["take-mixed", v]);
            return `${v.tag}:${String(v.val)}`;
          },
          takePairs(v: { tag: string; val: unknown }) {
            log.push(["take-pairs", v]);
            return `${v.tag}:${String(v.val)}`;
          },
          validate(x: number) {
            log.push(["validate", x]);
            if (x > 10) throw new CE(`too big: ${x}`);
            return "ignored: the ok of result<_, string> has no value";
          },
          maybe(x: number) {
            log.push(["maybe", x]);
            if (x === 0) throw new CE(undefined);
            return x * 2;
          },
          plain(x: number) {
            log.push(["plain", x]);
            if (x === 0) throw new CE("the payload of a bare result's err is dropped");
          },
          join16(...args: number[]) {
            return args.join(",");
          },
          seventeen(...args: number[]) {
            log.push(["seventeen", args]);
            return [args[0], args[16]];
          },
        },
      },
    };
  },
  calls,
};
