/** Every number type, `bool` and `char` at their limits, both ways (numbers.wit, numbers.wat). */
import { guestFile, type Call, type Suite } from "./suite.js";
import { jcoBool, jcoClamps } from "./jco-differences.js";

const U64_MAX = 2n ** 64n - 1n;
const S64_MIN = -(2n ** 63n);
const S64_MAX = 2n ** 63n - 1n;
const F32_MAX = 3.4028234663852886e38;
const F32_MIN_SUBNORMAL = 1.401298464324817e-45;

const isNaN32Bits = (bits: number) => (bits & 0x7f800000) === 0x7f800000 && (bits & 0x7fffff) !== 0;
const isNaN64Bits = (bits: bigint) =>
  (bits & 0x7ff0000000000000n) === 0x7ff0000000000000n && (bits & 0xfffffffffffffn) !== 0n;

const echo: Call[] = [
  ...[true, false].map((x) => ({ fn: "numbers.echoBool", args: [x], outcome: { value: x } })),
  ...[0, 1, 127, 255].map((x) => ({ fn: "numbers.echoU8", args: [x], outcome: { value: x } })),
  ...[-128, -1, 0, 127].map((x) => ({ fn: "numbers.echoS8", args: [x], outcome: { value: x } })),
  ...[0, 65535].map((x) => ({ fn: "numbers.echoU16", args: [x], outcome: { value: x } })),
  ...[-32768, -1, 32767].map((x) => ({ fn: "numbers.echoS16", args: [x], outcome: { value: x } })),
  ...[0, 2147483648, 4294967295].map((x) => ({ fn: "numbers.echoU32", args: [x], outcome: { value: x } })),
  ...[-2147483648, -1, 0, 2147483647].map((x) => ({ fn: "numbers.echoS32", args: [x], outcome: { value: x } })),
  ...[0n, 2n ** 63n, U64_MAX].map((x) => ({ fn: "numbers.echoU64", args: [x], outcome: { value: x } })),
  ...[S64_MIN, -1n, 0n, S64_MAX].map((x) => ({ fn: "numbers.echoS64", args: [x], outcome: { value: x } })),
  ...[0, -0, 1.5, F32_MAX, -F32_MAX, F32_MIN_SUBNORMAL, Infinity, -Infinity, NaN].map((x) => ({
    fn: "numbers.echoF32",
    args: [x],
    outcome: { value: x },
  })),
  { fn: "numbers.echoF32", args: [0.1], outcome: { value: Math.fround(0.1) }, title: "0.1 (rounded to f32)" },
  { fn: "numbers.echoF32", args: [1e39], outcome: { value: Infinity }, title: "1e39 (beyond f32)" },
  ...[0, -0, 0.1, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, Infinity, -Infinity, NaN].map((x) => ({
    fn: "numbers.echoF64",
    args: [x],
    outcome: { value: x },
  })),
  ...["\0", "a", "é", "\u{d7ff}", "\u{e000}", "\u{fffd}", "😀", "\u{10ffff}"].map((x) => ({
    fn: "numbers.echoChar",
    args: [x],
    outcome: { value: x },
  })),
];

const bits: Call[] = [
  { fn: "numbers.bitsBool", args: [true], outcome: { value: 1 } },
  { fn: "numbers.bitsBool", args: [false], outcome: { value: 0 } },
  { fn: "numbers.bitsU8", args: [255], outcome: { value: 255 } },
  // Signed narrow values are sign-extended to i32.
  { fn: "numbers.bitsS8", args: [-128], outcome: { value: 0xffffff80 } },
  { fn: "numbers.bitsS8", args: [-1], outcome: { value: 0xffffffff } },
  { fn: "numbers.bitsS8", args: [127], outcome: { value: 127 } },
  { fn: "numbers.bitsU16", args: [65535], outcome: { value: 65535 } },
  { fn: "numbers.bitsS16", args: [-32768], outcome: { value: 0xffff8000 } },
  { fn: "numbers.bitsS32", args: [-1], outcome: { value: 0xffffffff } },
  { fn: "numbers.bitsS32", args: [-2147483648], outcome: { value: 0x80000000 } },
  { fn: "numbers.bitsChar", args: ["😀"], outcome: { value: 0x1f600 } },
  { fn: "numbers.bitsChar", args: ["\u{10ffff}"], outcome: { value: 0x10ffff } },
  { fn: "numbers.bitsS64", args: [-1n], outcome: { value: U64_MAX } },
  { fn: "numbers.bitsS64", args: [S64_MIN], outcome: { value: 2n ** 63n } },
  { fn: "numbers.bitsF32", args: [1], outcome: { value: 0x3f800000 } },
  { fn: "numbers.bitsF32", args: [-0], outcome: { value: 0x80000000 } },
  { fn: "numbers.bitsF32", args: [0.1], outcome: { value: 0x3dcccccd } },
  { fn: "numbers.bitsF32", args: [-Infinity], outcome: { value: 0xff800000 } },
  { fn: "numbers.bitsF32", args: [NaN], outcome: { check: isNaN32Bits, description: "NaN bits" } },
  { fn: "numbers.bitsF64", args: [-0], outcome: { value: 0x8000000000000000n } },
  { fn: "numbers.bitsF64", args: [1], outcome: { value: 0x3ff0000000000000n } },
  { fn: "numbers.bitsF64", args: [Number.MIN_VALUE], outcome: { value: 1n } },
  { fn: "numbers.bitsF64", args: [NaN], outcome: { check: isNaN64Bits, description: "NaN bits" } },
];

const raw: Call[] = [
  { fn: "numbers.rawBool", args: [0], outcome: { value: false } },
  { fn: "numbers.rawBool", args: [1], outcome: { value: true } },
  { fn: "numbers.rawBool", args: [2], outcome: { value: true }, jco: jcoBool },
  { fn: "numbers.rawBool", args: [0x100], outcome: { value: true }, jco: jcoBool },
  { fn: "numbers.rawBool", args: [0xffffffff], outcome: { value: true }, jco: jcoBool },
  { fn: "numbers.rawU8", args: [0xff], outcome: { value: 255 } },
  { fn: "numbers.rawU8", args: [0x1ff], outcome: { value: 255 }, jco: jcoClamps },
  { fn: "numbers.rawU8", args: [0xffffff00], outcome: { value: 0 }, jco: jcoClamps },
  { fn: "numbers.rawS8", args: [0x80], outcome: { value: -128 }, jco: jcoClamps },
  { fn: "numbers.rawS8", args: [0xffffff80], outcome: { value: -128 } },
  { fn: "numbers.rawS8", args: [0x17f], outcome: { value: 127 }, jco: jcoClamps },
  { fn: "numbers.rawS8", args: [0xffffffff], outcome: { value: -1 } },
  { fn: "numbers.rawU16", args: [0xffff], outcome: { value: 65535 } },
  { fn: "numbers.rawU16", args: [0x12345], outcome: { value: 0x2345 }, jco: jcoClamps },
  { fn: "numbers.rawS16", args: [0x8000], outcome: { value: -32768 }, jco: jcoClamps },
  { fn: "numbers.rawS16", args: [0xffff7fff], outcome: { value: 32767 }, jco: jcoClamps },
  { fn: "numbers.rawU32", args: [-1], outcome: { value: 4294967295 } },
  { fn: "numbers.rawU32", args: [-2147483648], outcome: { value: 2147483648 } },
  { fn: "numbers.rawS32", args: [0xffffffff], outcome: { value: -1 } },
  { fn: "numbers.rawS32", args: [0x80000000], outcome: { value: -2147483648 } },
  { fn: "numbers.rawChar", args: [0x41], outcome: { value: "A" } },
  { fn: "numbers.rawChar", args: [0xd7ff], outcome: { value: "\u{d7ff}" } },
  { fn: "numbers.rawChar", args: [0xe000], outcome: { value: "\u{e000}" } },
  { fn: "numbers.rawChar", args: [0x10ffff], outcome: { value: "\u{10ffff}" } },
  { fn: "numbers.rawU64", args: [-1n], outcome: { value: U64_MAX } },
  { fn: "numbers.rawU64", args: [S64_MIN], outcome: { value: 2n ** 63n } },
  { fn: "numbers.rawS64", args: [2n ** 63n], outcome: { value: S64_MIN } },
  { fn: "numbers.rawS64", args: [U64_MAX], outcome: { value: -1n } },
  { fn: "numbers.rawF32", args: [0x7f800000], outcome: { value: Infinity } },
  { fn: "numbers.rawF32", args: [0x80000000], outcome: { value: -0 } },
  { fn: "numbers.rawF32", args: [1], outcome: { value: F32_MIN_SUBNORMAL } },
  { fn: "numbers.rawF32", args: [0x7f7fffff], outcome: { value: F32_MAX } },
  { fn: "numbers.rawF32", args: [0x7fc00001], outcome: { value: NaN }, title: "NaN with a payload" },
  { fn: "numbers.rawF32", args: [0xffffffff], outcome: { value: NaN }, title: "negative NaN" },
  { fn: "numbers.rawF64", args: [0x8000000000000000n], outcome: { value: -0 } },
  { fn: "numbers.rawF64", args: [0x7fefffffffffffffn], outcome: { value: Number.MAX_VALUE } },
  { fn: "numbers.rawF64", args: [0x7ff8000000000001n], outcome: { value: NaN }, title: "NaN with a payload" },
  { fn: "numbers.rawF64", args: [0xfff0000000000000n], outcome: { value: -Infinity } },
];

const viaHost: Call[] = [
  { fn: "numbers.viaHostBool", args: [7], outcome: { value: 1 }, log: [["id-bool", true]], jco: jcoBool },
  { fn: "numbers.viaHostBool", args: [0], outcome: { value: 0 }, log: [["id-bool", false]] },
  { fn: "numbers.viaHostU8", args: [0x1ff], outcome: { value: 255 }, log: [["id-u8", 255]], jco: jcoClamps },
  { fn: "numbers.viaHostS8", args: [0x80], outcome: { value: 0xffffff80 }, log: [["id-s8", -128]], jco: jcoClamps },
  { fn: "numbers.viaHostS8", args: [0xffffff7f], outcome: { value: 127 }, log: [["id-s8", 127]], jco: jcoClamps },
  { fn: "numbers.viaHostU16", args: [0x1ffff], outcome: { value: 65535 }, log: [["id-u16", 65535]], jco: jcoClamps },
  {
    fn: "numbers.viaHostS16",
    args: [0x18000],
    outcome: { value: 0xffff8000 },
    log: [["id-s16", -32768]],
    jco: jcoClamps,
  },
  { fn: "numbers.viaHostU32", args: [0xffffffff], outcome: { value: 0xffffffff }, log: [["id-u32", 4294967295]] },
  { fn: "numbers.viaHostS32", args: [0x80000000], outcome: { value: 0x80000000 }, log: [["id-s32", -2147483648]] },
  { fn: "numbers.viaHostU64", args: [U64_MAX], outcome: { value: U64_MAX }, log: [["id-u64", U64_MAX]] },
  { fn: "numbers.viaHostS64", args: [2n ** 63n], outcome: { value: 2n ** 63n }, log: [["id-s64", S64_MIN]] },
  { fn: "numbers.viaHostF32", args: [0xbfc00000], outcome: { value: 0xbfc00000 }, log: [["id-f32", -1.5]] },
  { fn: "numbers.viaHostF32", args: [0x00000001], outcome: { value: 1 }, log: [["id-f32", F32_MIN_SUBNORMAL]] },
  {
    fn: "numbers.viaHostF64",
    args: [0xc00921fb54442d18n],
    outcome: { value: 0xc00921fb54442d18n },
    log: [["id-f64", -Math.PI]],
  },
  { fn: "numbers.viaHostChar", args: [0x1f600], outcome: { value: 0x1f600 }, log: [["id-char", "😀"]] },
  { fn: "numbers.viaHostChar", args: [0], outcome: { value: 0 }, log: [["id-char", "\0"]] },
];

const all: Call[] = [
  {
    fn: "numbers.allBits",
    args: [true, 255, -1, 65535, -32768, 4294967295, -2147483648, U64_MAX, S64_MIN, -0, -0, "😀"],
    outcome: {
      value: new BigUint64Array([
        1n,
        255n,
        0xffffffffn,
        65535n,
        0xffff8000n,
        0xffffffffn,
        0x80000000n,
        U64_MAX,
        2n ** 63n,
        0x80000000n,
        0x8000000000000000n,
        0x1f600n,
      ]),
    },
  },
];

const traps: Call[] = [
  { fn: "numbers.rawChar", args: [0xd800], outcome: { trap: /55296 is not a Unicode scalar value/ } },
  { fn: "numbers.rawChar", args: [0xdfff], outcome: { trap: /57343 is not a Unicode scalar value/ } },
  { fn: "numbers.rawChar", args: [0x110000], outcome: { trap: /1114112 is not a Unicode scalar value/ } },
  { fn: "numbers.rawChar", args: [0xffffffff], outcome: { trap: /is not a Unicode scalar value/ } },
  {
    fn: "numbers.viaHostChar",
    args: [0xd800],
    outcome: { trap: /55296 is not a Unicode scalar value/ },
    trapIn: "test:numbers/host-numbers#id-char",
  },
];

const idNames = ["bool", "u8", "s8", "u16", "s16", "u32", "s32", "u64", "s64", "f32", "f64", "char"];

export const numbers: Suite = {
  name: "numbers",
  wit: guestFile("numbers.wit"),
  wat: guestFile("numbers.wat"),
  world: "numbers-guest",
  imports() {
    const log: unknown[] = [];
    const host: Record<string, (x: unknown) => unknown> = {};
    for (const t of idNames) {
      host[`id${t[0].toUpperCase()}${t.slice(1)}`] = (x: unknown) => {
        log.push([`id-${t}`, x]);
        return x;
      };
    }
    return { imports: { "test:numbers/host-numbers": host }, log };
  },
  calls: [...echo, ...bits, ...raw, ...viaHost, ...all, ...traps],
};
