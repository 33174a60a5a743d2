/**
 * Lexing of one WIT source file into tokens and comments.
 *
 * Positions are offsets (UTF-16 code units) into the file's text plus the
 * file's base offset in its source map, so every span in the project is one
 * number range in one address space.
 */
import { Lexer, type IToken } from "chevrotain";
import { allTokens, BlockComment, StringLiteral } from "./tokens.js";

export interface LexError {
  offset: number;
  message: string;
}

export interface LexResult {
  tokens: IToken[];
  comments: IToken[];
  /**
   * For each token index `i`, the index in `comments` of the first comment
   * after token `i - 1`: comments `[commentsBefore[i], commentsBefore[i + 1])`
   * sit between token `i - 1` and token `i`. The extra last entry starts the
   * comments that trail the last token.
   */
  commentsBefore: Int32Array;
  errors: LexError[];
}

let sharedLexer: Lexer | undefined;

function lexer(): Lexer {
  sharedLexer ??= new Lexer(allTokens, {
    positionTracking: "full",
    ensureOptimizations: true,
    skipValidations: true,
  });
  return sharedLexer;
}

/** Formats a character the way Rust's `{:?}` prints a `char`. */
export function rustCharDebug(ch: string): string {
  const cp = ch.codePointAt(0)!;
  switch (ch) {
    case "\t":
      return "'\\t'";
    case "\n":
      return "'\\n'";
    case "\r":
      return "'\\r'";
    case "'":
      return "'\\''";
    case "\\":
      return "'\\\\'";
    case "\0":
      return "'\\0'";
  }
  if (/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Co}\p{Cn}]/u.test(ch) || (cp !== 0x20 && /\p{Zs}/u.test(ch))) {
    return `'\\u{${cp.toString(16)}}'`;
  }
  return `'${ch}'`;
}

const bidiOverrides = new Set([0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]);
const discouraged = new Set([0x149, 0x673, 0xf77, 0xf79, 0x17a3, 0x17a4, 0x17b4, 0x17b5]);

/** wit-parser refuses a file containing these before reading any token. */
function detectInvalidInput(text: string, base: number): LexError | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80 && c >= 0x20 && c !== 0x7f) continue;
    if (c === 0x0a || c === 0x0d || c === 0x09) continue;
    const cp = text.codePointAt(i)!;
    const hex = `\\u{${cp.toString(16)}}`;
    if (bidiOverrides.has(cp)) {
      return {
        offset: base + i,
        message: `Input contains bidirectional override codepoint "${hex.replace(/\\/g, "\\\\")}"`,
      };
    }
    if (discouraged.has(cp)) {
      return { offset: base + i, message: `Codepoint "${hex.replace(/\\/g, "\\\\")}" is discouraged by Unicode` };
    }
    if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
      return { offset: base + i, message: `Control code '${hex}'` };
    }
    if (cp > 0xffff) i++;
  }
  return undefined;
}

function checkBlockComment(tok: IToken, base: number, errors: LexError[]): void {
  const t = tok.image;
  let depth = 0;
  let i = 0;
  while (i < t.length) {
    if (t.startsWith("/*", i)) {
      depth++;
      i += 2;
    } else if (t.startsWith("*/", i)) {
      depth--;
      i += 2;
    } else i++;
  }
  if (depth > 0) errors.push({ offset: base + tok.startOffset, message: "unterminated block comment" });
}

/**
 * Validates a string literal the way wit-parser's tokenizer reads it: escapes
 * `\" \' \t \n \r \\`, `\u{hex}` and two-digit byte escapes `\hh`; the
 * bytes must form valid UTF-8.
 */
function checkStringLiteral(tok: IToken, base: number, errors: LexError[], fileEnd: number): void {
  const t = tok.image;
  const at0 = base + tok.startOffset;
  const bytes: number[] = [];
  const enc = new TextEncoder();
  const fail = (offset: number, message: string) => errors.push({ offset, message });
  let i = 1;
  const hex = (c: string | undefined) => c !== undefined && /^[0-9a-fA-F]$/.test(c);
  for (;;) {
    if (i >= t.length) return void fail(fileEnd, "unexpected end of file");
    const cp = t.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    if (ch === '"') break;
    if (ch !== "\\") {
      if (cp < 0x20 || cp === 0x7f) return void fail(at0 + i, `invalid string character ${rustCharDebug(ch)}`);
      bytes.push(...enc.encode(ch));
      i += ch.length;
      continue;
    }
    const escPos = i + 1;
    const esc = t[escPos];
    if (esc === undefined) return void fail(fileEnd, "unexpected end of file");
    const simple: Record<string, number> = { '"': 0x22, "'": 0x27, t: 9, n: 10, r: 13, "\\": 0x5c };
    if (esc in simple) {
      bytes.push(simple[esc]);
      i = escPos + 1;
    } else if (esc === "u") {
      let j = escPos + 1;
      if (j >= t.length) return void fail(fileEnd, "unexpected end of file");
      if (t[j] !== "{") return void fail(at0 + j, "expected character '{'");
      j++;
      if (j >= t.length) return void fail(fileEnd, "unexpected end of file");
      const firstDigit = j;
      if (!hex(t[j]))
        return void fail(at0 + j, `invalid hex digit ${rustCharDebug(String.fromCodePoint(t.codePointAt(j)!))}`);
      let n = parseInt(t[j], 16);
      j++;
      let lastUnderscore = false;
      for (;;) {
        if (t[j] === "_") {
          lastUnderscore = true;
          j++;
          continue;
        }
        if (j >= t.length) return void fail(fileEnd, "unexpected end of file");
        if (!hex(t[j])) break;
        lastUnderscore = false;
        n = n * 16 + parseInt(t[j], 16);
        if (n > 0xffffffff) return void fail(at0 + j, "number is too big to fit in a u32");
        j++;
      }
      if (lastUnderscore) return void fail(at0 + firstDigit, "trailing underscore in number");
      if (n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) {
        return void fail(at0 + escPos, `invalid unicode value 0x${n.toString(16)}`);
      }
      bytes.push(...enc.encode(String.fromCodePoint(n)));
      if (t[j] !== "}") return void fail(at0 + j, "expected character '}'");
      i = j + 1;
    } else if (hex(esc)) {
      const d2 = t[escPos + 1];
      if (d2 === undefined) return void fail(fileEnd, "unexpected end of file");
      if (!hex(d2)) return void fail(at0 + escPos + 1, `invalid hex digit ${rustCharDebug(d2)}`);
      bytes.push(parseInt(esc + d2, 16));
      i = escPos + 2;
    } else {
      return void fail(
        at0 + escPos,
        `invalid string escape ${rustCharDebug(String.fromCodePoint(t.codePointAt(escPos)!))}`,
      );
    }
  }
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array(bytes));
  } catch {
    let valid = 0;
    for (let k = 1; k <= bytes.length; k++) {
      try {
        new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array(bytes.slice(0, k)));
        valid = k;
      } catch {
        // keep looking for the longest valid prefix
      }
    }
    fail(at0, `invalid UTF-8: invalid utf-8 sequence of 1 bytes from index ${valid}`);
  }
}

/**
 * Lexes `text`, whose first character sits at `base` in the source map.
 * Never throws: problems are returned as `errors`, sorted by position.
 */
export function lex(text: string, base: number): LexResult {
  const errors: LexError[] = [];
  const invalid = detectInvalidInput(text, base);
  // wit-parser refuses such a file before reading any token.
  if (invalid) return { tokens: [], comments: [], commentsBefore: new Int32Array(1), errors: [invalid] };
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const body = bom ? " " + text.slice(1) : text;
  const result = lexer().tokenize(body);
  for (const e of result.errors) {
    const ch = String.fromCodePoint(body.codePointAt(e.offset)!);
    errors.push({ offset: base + e.offset, message: `unexpected character ${rustCharDebug(ch)}` });
  }
  const comments = (result.groups.comments ?? []) as IToken[];
  for (const c of comments) {
    if (c.tokenType === BlockComment) checkBlockComment(c, base, errors);
  }
  const tokens = result.tokens;
  for (const t of tokens) {
    if (t.tokenType === StringLiteral) checkStringLiteral(t, base, errors, base + text.length);
  }
  let start = 0;
  const firsts = new Int32Array(tokens.length + 1);
  for (let ti = 0; ti <= tokens.length; ti++) {
    const prevEnd = ti === 0 ? -1 : tokens[ti - 1].startOffset;
    while (start < comments.length && comments[start].startOffset < prevEnd) start++;
    firsts[ti] = start;
  }
  errors.sort((a, b) => a.offset - b.offset);
  return { tokens, comments, commentsBefore: firsts, errors };
}
