/** Strings both ways, for a UTF-8 guest and a UTF-16 guest (strings.wit, strings8.wat, strings16.wat). */
import { guestFile, type Call, type Suite } from "./suite.js";
import { jcoLoose, jcoReplaces, jcoStringBounds, jcoUtf16Alignment } from "./jco-differences.js";

/** The guest's constants (the same in both guests). */
export const CONSTANTS = [
  "",
  "hello",
  "héllo wörld ✓",
  "😀𝄞",
  "The quick brown fox jumps over the lazy dog — ünïcödé 🦊",
  "abcdefghijklmnopqrstuvwxyz0123456789ABCDEF",
];

const jcoWrapsU32 = jcoLoose({ value: false });

function calls(encoding: "utf8" | "utf16"): Call[] {
  const units = (s: string) => (encoding === "utf8" ? new TextEncoder().encode(s).length : s.length);
  const long = `${"x".repeat(70_000)}é`; // more than the guest's first memory page: the allocator grows memory
  const out: Call[] = [
    ...CONSTANTS.map((s, i) => ({ fn: "strings.constant", args: [i], outcome: { value: s } })),
    ...CONSTANTS.map((s, i) => ({ fn: "strings.equalsConstant", args: [i, s], outcome: { value: true } })),
    { fn: "strings.equalsConstant", args: [1, "hellO"], outcome: { value: false } },
    { fn: "strings.equalsConstant", args: [2, "hello"], outcome: { value: false } },
    ...[...CONSTANTS, "\0", "a\0b", "é", "\u{10ffff}"].map((s) => ({
      fn: "strings.echo",
      args: [s],
      outcome: { value: s },
    })),
    { fn: "strings.echo", args: [long], outcome: { value: long }, title: "70,000 × x + é" },
    // Around the lengths where the host changes how it encodes.
    ...[
      "a".repeat(8),
      "a".repeat(9),
      `${"a".repeat(31)}é`,
      `${"a".repeat(32)}é`,
      `é${"a".repeat(40)}`,
      "é".repeat(40),
      "😀".repeat(20),
      `${"a".repeat(33)}😀${"b".repeat(33)}`,
    ].map((s) => ({ fn: "strings.echo", args: [s], outcome: { value: s } })),
    { fn: "strings.echo", args: ["\ud800".repeat(40)], outcome: { value: "\ufffd".repeat(40) } },
    { fn: "strings.echo", args: [`${"a".repeat(40)}\udc00`], outcome: { value: `${"a".repeat(40)}\ufffd` } },
    { fn: "strings.length", args: ["é".repeat(40)], outcome: { value: units("é".repeat(40)) } },
    // Lone surrogates are not Unicode: they are lowered as U+FFFD (as TextEncoder does).
    { fn: "strings.echo", args: ["a\ud800b"], outcome: { value: "a\ufffdb" } },
    { fn: "strings.echo", args: ["\udc00"], outcome: { value: "\ufffd" } },
    { fn: "strings.echo", args: ["\ud83d"], outcome: { value: "\ufffd" } },
    { fn: "strings.echo", args: ["x\ude00\ud83d"], outcome: { value: "x\ufffd\ufffd" } },
    ...["", "a", "héllo", "😀", "✓✓✓", CONSTANTS[4], "a\ud800"].map((s) => ({
      fn: "strings.length",
      args: [s],
      outcome: { value: units(s.replace(/\p{Surrogate}/gu, "\ufffd")) },
    })),
    { fn: "strings.raw", args: [2064, 5], outcome: { value: "hello" } },
    { fn: "strings.raw", args: [2064, 0], outcome: { value: "" } },
    { fn: "strings.raw", args: [0, 0], outcome: { value: "" } },
    { fn: "strings.raw", args: [2096, units("hé")], outcome: { value: "hé" } },
    { fn: "strings.raw", args: [2144, units("😀")], outcome: { value: "😀" } },
    { fn: "strings.raw", args: [encoding === "utf8" ? 2256 : 2304, 42], outcome: { value: CONSTANTS[5] } },
    ...["", "héllo 😀", CONSTANTS[4]].map((s) => ({
      fn: "strings.viaHost",
      args: [s],
      outcome: { value: `${s.toUpperCase()}!` },
      log: [["transform", s]],
    })),
    ...CONSTANTS.map((s, i) => ({
      fn: "strings.send",
      args: [i],
      outcome: { value: undefined },
      log: [["receive", s]],
    })),
    { fn: "strings.concat", args: ["héllo", " wörld 😀"], outcome: { value: "héllo wörld 😀" } },
    { fn: "strings.concat", args: ["", ""], outcome: { value: "" } },
    { fn: "strings.concat", args: ["", "𝄞"], outcome: { value: "𝄞" } },

    // Bad JS values: TypeErrors naming the parameter.
    { fn: "strings.echo", args: [5], outcome: { typeError: /`s` must be a string, got 5/ } },
    { fn: "strings.echo", args: [undefined], outcome: { typeError: /`s` must be a string, got undefined/ } },
    { fn: "strings.concat", args: ["a", null], outcome: { typeError: /`b` must be a string, got null/ } },
    {
      fn: "strings.equalsConstant",
      args: [-1, "a"],
      outcome: { typeError: /`i` must be an integer from 0 to 4294967295/ },
      jco: jcoWrapsU32,
    },

    // Traps.
    { fn: "strings.raw", args: [0x7fff0000, 4], outcome: { trap: /out of bounds/ }, jco: jcoStringBounds },
    { fn: "strings.raw", args: [0xfffffff0, 0], outcome: { trap: /out of bounds/ }, jco: jcoStringBounds },
    { fn: "strings.raw", args: [2064, 0x7fffffff], outcome: { trap: /too long|out of bounds/ }, jco: jcoStringBounds },
  ];
  if (encoding === "utf8") {
    out.push(
      { fn: "strings.raw", args: [4096, 1], outcome: { trap: /invalid UTF-8/ }, jco: jcoReplaces("\ufffd") },
      { fn: "strings.raw", args: [4112, 1], outcome: { trap: /invalid UTF-8/ }, jco: jcoReplaces("\ufffd") },
      {
        fn: "strings.raw",
        args: [4128, 3],
        outcome: { trap: /invalid UTF-8/ },
        jco: jcoReplaces("\ufffd\ufffd\ufffd"),
      },
      { fn: "strings.raw", args: [4144, 2], outcome: { trap: /invalid UTF-8/ }, jco: jcoReplaces("\ufffd\ufffd") },
      {
        fn: "strings.raw",
        args: [4160, 43],
        outcome: { trap: /invalid UTF-8/ },
        jco: jcoReplaces(`${CONSTANTS[5]}\ufffd`),
      },
      {
        fn: "strings.sendRaw",
        args: [4096, 1],
        outcome: { trap: /invalid UTF-8/ },
        trapIn: "test:strings/host-strings#receive",
        jco: jcoReplaces(undefined),
      },
    );
  } else {
    out.push(
      { fn: "strings.raw", args: [4096, 1], outcome: { trap: /invalid UTF-16/ }, jco: jcoReplaces("\ufffd") },
      { fn: "strings.raw", args: [4112, 1], outcome: { trap: /invalid UTF-16/ }, jco: jcoReplaces("\ufffd") },
      { fn: "strings.raw", args: [4128, 2], outcome: { trap: /invalid UTF-16/ }, jco: jcoReplaces("\ufffd\ufffd") },
      { fn: "strings.raw", args: [4144, 2], outcome: { trap: /invalid UTF-16/ }, jco: jcoReplaces("a\ufffd") },
      { fn: "strings.raw", args: [4160, 2], outcome: { trap: /invalid UTF-16/ }, jco: jcoReplaces("\ufffda") },
      { fn: "strings.raw", args: [2065, 1], outcome: { trap: /misaligned/ }, jco: jcoUtf16Alignment },
      {
        fn: "strings.sendRaw",
        args: [4096, 1],
        outcome: { trap: /invalid UTF-16/ },
        trapIn: "test:strings/host-strings#receive",
        jco: jcoReplaces(undefined),
      },
    );
  }
  return out;
}

function imports(): { imports: Record<string, any>; log: unknown[] } {
  const log: unknown[] = [];
  return {
    log,
    imports: {
      "test:strings/host-strings": {
        transform(s: string) {
          log.push(["transform", s]);
          return `${s.toUpperCase()}!`;
        },
        receive(s: string) {
          log.push(["receive", s]);
        },
      },
    },
  };
}

export const strings8: Suite = {
  name: "strings (UTF-8)",
  wit: guestFile("strings.wit"),
  wat: guestFile("strings8.wat"),
  world: "strings-guest",
  stringEncoding: "utf8",
  imports,
  calls: calls("utf8"),
};

export const strings16: Suite = {
  name: "strings (UTF-16)",
  wit: guestFile("strings.wit"),
  wat: guestFile("strings16.wat"),
  world: "strings-guest",
  stringEncoding: "utf16",
  imports,
  calls: calls("utf16"),
};
