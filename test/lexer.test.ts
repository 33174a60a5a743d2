/**
 * The hand-written lexer (parser/lexer.ts) against the token definitions in
 * parser/tokens.ts run by Chevrotain's own lexer: same tokens, same
 * comments, and an error at the same offsets, on real WIT and on text made
 * to hit the edge cases (unknown characters, `\r`, unterminated comments and
 * strings, keywords as prefixes of identifiers, non-ASCII identifiers).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Lexer, type IToken } from "chevrotain";
import { describe, expect, it } from "vitest";
import { checkId, validateId } from "../parser/identifiers.js";
import { lex } from "../parser/lexer.js";
import { allTokens } from "../parser/tokens.js";

const reference = new Lexer(allTokens, { positionTracking: "full", ensureOptimizations: true });

function simple(tokens: IToken[]) {
  return tokens.map((t) => `${t.tokenType.name}@${t.startOffset}-${t.endOffset}:${t.image}`);
}

function compare(text: string): void {
  const ours = lex(text, 0);
  // A file with a refused code point has no tokens at all; the reference lexer never sees it.
  if (ours.tokens.length === 0 && ours.errors.length === 1 && !ours.errors[0].message.startsWith("unexpected")) return;
  const body = text.charCodeAt(0) === 0xfeff ? " " + text.slice(1) : text;
  const theirs = reference.tokenize(body);
  expect(simple(ours.tokens)).toEqual(simple(theirs.tokens));
  expect(simple(ours.comments)).toEqual(simple((theirs.groups.comments ?? []) as IToken[]));
  const unexpected = ours.errors.filter((e) => e.message.startsWith("unexpected character")).map((e) => e.offset);
  expect(unexpected).toEqual(theirs.errors.map((e) => e.offset));
  // Comments between token i - 1 and token i.
  for (let i = 0; i < ours.tokens.length; i++) {
    const prev = i === 0 ? -1 : ours.tokens[i - 1].startOffset;
    for (let k = ours.commentsBefore(i); k < ours.commentsBefore(i + 1); k++) {
      expect(ours.comments[k].startOffset).toBeGreaterThan(prev);
      expect(ours.comments[k].startOffset).toBeLessThan(ours.tokens[i].startOffset);
    }
  }
}

function witFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...witFiles(p));
    else if (e.name.endsWith(".wit")) out.push(p);
  }
  return out;
}

describe("hand-written lexer", () => {
  it("lexes the example and fixture WIT files as Chevrotain's lexer does", () => {
    const files = [...witFiles(path.join(__dirname, "..", "examples")), ...witFiles(path.join(__dirname, "fixtures"))];
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) compare(fs.readFileSync(f, "utf8"));
  });

  it.each([
    "",
    "\ufeffpackage a:b;",
    "interface interfaces { use-x: func(); as async asy _ _x %use % %%x }",
    "u8 u8x u8-x error-context error-contextual error-",
    "a->b - -> --> 1.2.3-rc.1+build.5 0x12 007",
    "// line\n/* block /* nested */ still */ x /* unterminated /* ",
    "// no newline at end",
    "x /",
    'record r { "str\\" still" } "\\u{41}" "unterminated',
    '"ends with backslash\\',
    "a # b $$ c ! ? & | ~ ^ [ ] ' ` d",
    "a\rb\r\nc\r\rd",
    "naïve café ñ 日本 x́ _é é-x",
    "emoji 😀 x 😀😀 y",
    "a\u00a0b \u2028 c",
    "%😀 %é",
    "world w { import a: func() -> result<_, u32>; }",
  ])("agrees on %j", (text) => compare(text));

  it("agrees on random mixtures of WIT fragments and odd characters", () => {
    const parts = ["a", "-", ">", "/", "*", "%", '"', "\\", "\n", "\r", " ", "1", "é", "😀", "#", "use", "_", "{", ":"];
    let seed = 12345;
    const next = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (let k = 0; k < 3000; k++) {
      let text = "";
      const len = next() % 30;
      for (let i = 0; i < len; i++) text += parts[next() % parts.length];
      compare(text);
    }
  });
});

describe("identifier validation", () => {
  it("takes the fast path only for identifiers the full check accepts", () => {
    const parts = ["a", "z", "A", "Z", "0", "9", "-", "_", "é", "%"];
    let seed = 777;
    const next = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (let k = 0; k < 20000; k++) {
      let id = "";
      const len = next() % 8;
      for (let i = 0; i < len; i++) id += parts[next() % parts.length];
      expect(validateId(id)).toBe(checkId(id));
    }
  });
});
