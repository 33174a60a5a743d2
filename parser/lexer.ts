/**
 * Lexing of one WIT source file into tokens and comments.
 *
 * Positions are offsets (UTF-16 code units) into the file's text plus the
 * file's base offset in its source map, so every span in the project is one
 * number range in one address space.
 */
import type { IToken, TokenType } from "chevrotain";
import * as T from "./tokens.js";

export interface LexError {
  offset: number;
  message: string;
}

/** Token types by `tokenTypeIdx`. */
const typesByIdx: TokenType[] = [];
/** The image of every token of a type by `tokenTypeIdx`, for keywords and punctuation. */
const fixedImages: (string | undefined)[] = [];
for (const t of T.allTokens) {
  typesByIdx[t.tokenTypeIdx!] = t;
  fixedImages[t.tokenTypeIdx!] = typeof t.PATTERN === "string" ? t.PATTERN : undefined;
}

/**
 * The tokens and comments of a file, packed into integer arrays; token
 * objects are made only when the parser reaches them (`token`), so that
 * they die young instead of all living until the end of the file's parse.
 */
export class LexResult {
  /** How many tokens the text has. */
  count = 0;
  /**
   * Four numbers for each token: its `tokenTypeIdx`, its start and end
   * offsets in the text (end exclusive), and how many comments precede it.
   */
  data: Int32Array;
  commentCount = 0;
  /** Two numbers for each comment: its start and end offsets. */
  commentData: Int32Array;
  errors: LexError[] = [];

  /** `spare`: the arrays of a result no longer used, to fill again if they are large enough. */
  constructor(
    readonly text: string,
    capacity: number,
    spare?: Spare,
  ) {
    this.data = spare && spare.data.length >= capacity * 4 ? spare.data : new Int32Array(capacity * 4);
    this.commentData = spare?.commentData ?? new Int32Array(32);
  }

  /** The type of token `i`. */
  typeOf(i: number): TokenType {
    return typesByIdx[this.data[i * 4]];
  }

  /** Where token `i` starts in the text. */
  startOf(i: number): number {
    return this.data[i * 4 + 1];
  }

  /**
   * The index of the first comment after token `i - 1`: comments
   * `[commentsBefore(i), commentsBefore(i + 1))` sit between token `i - 1`
   * and token `i`; `commentsBefore(count)` starts the comments that trail
   * the last token.
   */
  commentsBefore(i: number): number {
    return i === 0 ? 0 : this.data[i * 4 - 1];
  }

  commentStart(i: number): number {
    return this.commentData[i * 2];
  }

  commentEnd(i: number): number {
    return this.commentData[i * 2 + 1];
  }

  /** Token `i` as a new Chevrotain token. */
  token(i: number): IToken {
    const data = this.data;
    const type = data[i * 4];
    const start = data[i * 4 + 1];
    const end = data[i * 4 + 2];
    // Keywords and punctuation reuse their pattern string rather than slicing a new one.
    const image = fixedImages[type] ?? this.text.slice(start, end);
    // Not in the order of Chevrotain's own tokens (image first): those get
    // `NaN` offsets in recovery, and V8 would then box the offsets of every
    // object sharing their shape.
    return { tokenTypeIdx: type, tokenType: typesByIdx[type], image, startOffset: start, endOffset: end - 1 };
  }

  /** Makes `t`, a token of another text, token `i` of this one. */
  rewriteToken(t: IToken, i: number): void {
    const data = this.data;
    const type = data[i * 4];
    const start = data[i * 4 + 1];
    const end = data[i * 4 + 2];
    t.image = fixedImages[type] ?? this.text.slice(start, end);
    t.startOffset = start;
    t.endOffset = end - 1;
    t.tokenTypeIdx = type;
    t.tokenType = typesByIdx[type];
  }

  /** Every token, as new Chevrotain tokens. */
  get tokens(): IToken[] {
    const out: IToken[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.token(i));
    return out;
  }

  /** Every comment, as new Chevrotain tokens. */
  get comments(): IToken[] {
    const out: IToken[] = [];
    for (let i = 0; i < this.commentCount; i++) {
      const start = this.commentStart(i);
      const end = this.commentEnd(i);
      const type = this.text.charCodeAt(start + 1) === 0x2a ? T.BlockComment : T.LineComment;
      out.push({
        image: this.text.slice(start, end),
        startOffset: start,
        endOffset: end - 1,
        tokenTypeIdx: type.tokenTypeIdx!,
        tokenType: type,
      });
    }
    return out;
  }

  pushComment(start: number, end: number): void {
    const k = this.commentCount * 2;
    if (k === this.commentData.length) this.commentData = grown(this.commentData);
    this.commentData[k] = start;
    this.commentData[k + 1] = end;
    this.commentCount++;
  }
}

function grown(a: Int32Array): Int32Array {
  const b = new Int32Array(Math.max(64, a.length * 2));
  b.set(a);
  return b;
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

const notPlainAscii = /[^\t\n\r\x20-\x7e]/;

/** wit-parser refuses a file containing these before reading any token. */
function detectInvalidInput(text: string, base: number): LexError | undefined {
  // Most files are printable ASCII throughout: one native scan says so.
  const from = text.search(notPlainAscii);
  if (from < 0) return undefined;
  for (let i = from; i < text.length; i++) {
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

/**
 * Validates a string literal the way wit-parser's tokenizer reads it: escapes
 * `\" \' \t \n \r \\`, `\u{hex}` and two-digit byte escapes `\hh`; the
 * bytes must form valid UTF-8.
 */
function checkStringLiteral(t: string, startOffset: number, base: number, errors: LexError[], fileEnd: number): void {
  const at0 = base + startOffset;
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

/** `tokenTypeIdx` of the one-character punctuation by ASCII character code, or -1. */
const punctuation = new Int32Array(128).fill(-1);
for (const [ch, type] of [
  ["=", T.Equals],
  [",", T.Comma],
  [":", T.Colon],
  [".", T.Period],
  [";", T.Semicolon],
  ["(", T.LeftParen],
  [")", T.RightParen],
  ["{", T.LeftBrace],
  ["}", T.RightBrace],
  ["<", T.LessThan],
  [">", T.GreaterThan],
  ["*", T.Star],
  ["@", T.At],
  ["+", T.Plus],
] as const) {
  punctuation[ch.charCodeAt(0)] = type.tokenTypeIdx!;
}

const SLASH = T.Slash.tokenTypeIdx!;
const RARROW = T.RArrow.tokenTypeIdx!;
const MINUS = T.Minus.tokenTypeIdx!;
const INTEGER = T.Integer.tokenTypeIdx!;
const STRING_LITERAL = T.StringLiteral.tokenTypeIdx!;
const EXPLICIT_ID = T.ExplicitId.tokenTypeIdx!;
const ID = T.Id.tokenTypeIdx!;

/** The lexer's dispatch on the first character of a token, by ASCII character code. */
const OTHER = 0;
const SPACE = 1;
const PUNCTUATION = 2;
const ID_START = 3;
const DIGIT = 4;
const charClass = new Uint8Array(128);
/** ASCII characters that continue an identifier run: letters, digits, `_` and `-`. */
const idContinue = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const letter = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
  const digit = c >= 0x30 && c <= 0x39;
  if (c === 0x20 || c === 0x0a || c === 0x09) charClass[c] = SPACE;
  else if (punctuation[c] >= 0) charClass[c] = PUNCTUATION;
  else if (letter || c === 0x5f) charClass[c] = ID_START;
  else if (digit) charClass[c] = DIGIT;
  if (letter || digit || c === 0x5f || c === 0x2d) idContinue[c] = 1;
}

/** The hash of an identifier run: `h = first char; h = h * 31 + next char`, in 32 bits. */
const KEYWORD_SLOTS = 512;
/** Open-addressed table of keywords by hash: 1 + their index in `keywords`, or 0 for none. */
const keywordSlots = new Uint8Array(KEYWORD_SLOTS);
const keywords = T.keywordTokens.map((t) => ({ keyword: t.PATTERN as string, type: t.tokenTypeIdx! }));
keywords.forEach(({ keyword }, index) => {
  let h = keyword.charCodeAt(0);
  for (let i = 1; i < keyword.length; i++) h = (Math.imul(h, 31) + keyword.charCodeAt(i)) | 0;
  let slot = h & (KEYWORD_SLOTS - 1);
  while (keywordSlots[slot] !== 0) slot = (slot + 1) & (KEYWORD_SLOTS - 1);
  keywordSlots[slot] = index + 1;
});

/**
 * The `tokenTypeIdx` of the keyword that the ASCII identifier run
 * `[start, end)`, of hash `h`, spells, or of `Id`: the run is compared with a
 * keyword only when their hashes agree, and is never sliced out of the text.
 */
function identifierType(text: string, start: number, end: number, h: number): number {
  const length = end - start;
  for (let slot = h & (KEYWORD_SLOTS - 1); ; slot = (slot + 1) & (KEYWORD_SLOTS - 1)) {
    const entry = keywordSlots[slot];
    if (entry === 0) return ID;
    const { keyword, type } = keywords[entry - 1];
    if (keyword.length !== length) continue;
    let i = 0;
    while (i < length && text.charCodeAt(start + i) === keyword.charCodeAt(i)) i++;
    if (i === length) return type;
  }
}

const identifierRun = /[\p{XID_Start}_][\p{XID_Continue}-]*/uy;

/**
 * The end of the identifier run (`[XID_Start _][XID_Continue -]*`) starting
 * at `i`, or -1 when none starts there. ASCII runs are scanned by hand; a
 * run that meets another character is matched by the Unicode regex.
 */
function identifierEnd(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f) {
    let j = i + 1;
    while (j < text.length && text.charCodeAt(j) < 128 && idContinue[text.charCodeAt(j)] === 1) j++;
    if (j >= text.length || text.charCodeAt(j) < 0x80) return j;
  } else if (c < 0x80 || Number.isNaN(c)) {
    return -1;
  }
  identifierRun.lastIndex = i;
  return identifierRun.test(text) ? identifierRun.lastIndex : -1;
}

/**
 * The end of the nested block comment starting at `i`: after its closing
 * `*\/`, or (negated, minus one) the end of the text when it is unterminated.
 */
function blockCommentEnd(text: string, i: number): number {
  let depth = 1;
  i += 2;
  while (depth > 0 && i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x2f && text.charCodeAt(i + 1) === 0x2a) {
      depth++;
      i += 2;
    } else if (c === 0x2a && text.charCodeAt(i + 1) === 0x2f) {
      depth--;
      i += 2;
    } else i++;
  }
  return depth > 0 ? -i - 1 : i;
}

/** The end of the string literal starting at `i`: after its closing quote, or the end of the text. */
function stringEnd(text: string, i: number): number {
  i++;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) i += 2;
    else if (c === 0x22) return i + 1;
    else i++;
  }
  return text.length;
}

/** Whether some token (or whitespace, or a comment) can begin at `i`; lexing resumes there after an error. */
function tokenStartsAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c === 0x20 || c === 0x09 || c === 0x0a) return true;
  if (c === 0x0d) return text.charCodeAt(i + 1) === 0x0a;
  if (c < 128 && punctuation[c] >= 0) return true;
  if (c === 0x2f || c === 0x2d || c === 0x22 || c === 0x25 || (c >= 0x30 && c <= 0x39)) return true;
  return identifierEnd(text, i) >= 0;
}

type Spare = { data: Int32Array; commentData: Int32Array };

/** The arrays of the last `lex` asked to reuse them, which the next such call fills again. */
let spare: Spare | undefined;

/** Keeps `lex` from filling `lexed`'s arrays again: they stay in use past the next call. */
export function keepLexResult(lexed: LexResult): void {
  if (spare?.data === lexed.data) spare = undefined;
}

/** Gives the arrays of `lexed`, kept by `keepLexResult` and no longer in use, back to `lex`. */
export function releaseLexResult(lexed: LexResult): void {
  if (lexed.data.length <= MAX_SPARE && lexed.commentData.length <= MAX_SPARE) {
    spare = { data: lexed.data, commentData: lexed.commentData };
  }
}

/** Arrays larger than this (in elements) are not kept for reuse. */
const MAX_SPARE = 1 << 16;

/**
 * Lexes `text`, whose first character sits at `base` in the source map.
 * Never throws: problems are returned as `errors`, sorted by position.
 * With `reuse`, the result's arrays are those of the previous such call's
 * result, which must no longer be in use: allocating them anew for every
 * file costs more than the lexing of a small one.
 *
 * The tokens are what the token definitions in `tokens.ts` describe (and
 * what Chevrotain's lexer would make of them, which a test checks): the
 * first definition in `allTokens` order that matches wins, a keyword only
 * when no longer identifier run matches, and after a character nothing
 * matches, lexing resumes at the next character where something does, with
 * one error for the run.
 */
export function lex(text: string, base: number, reuse = false): LexResult {
  const invalid = detectInvalidInput(text, base);
  // wit-parser refuses such a file before reading any token.
  if (invalid) {
    const refused = new LexResult(text, 0);
    refused.errors.push(invalid);
    return refused;
  }
  const n = text.length;
  // About one token for every six characters in real WIT; the arrays grow if need be.
  const out = new LexResult(text, Math.floor(n / 6) + 16, reuse ? spare : undefined);
  const errors = out.errors;
  // Tokens are written straight into `data` (k: four times their count).
  let data = out.data;
  let capacity = data.length;
  let k = 0;
  // A byte-order mark reads as one character of whitespace.
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    const cls = c < 128 ? charClass[c] : OTHER;
    if (cls === SPACE) {
      i++;
      continue;
    }
    const start = i;
    let type: number;
    if (cls === ID_START) {
      let h = c;
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d >= 128 || idContinue[d] === 0) break;
        h = (Math.imul(h, 31) + d) | 0;
        i++;
      }
      // The run may go on past ASCII (and is then no keyword).
      const end = i < n && text.charCodeAt(i) >= 0x80 ? identifierEnd(text, start) : i;
      type = end === i ? identifierType(text, start, i, h) : ID;
      i = end;
    } else if (cls === PUNCTUATION) {
      type = punctuation[c];
      i++;
    } else if (cls === DIGIT) {
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d < 0x30 || d > 0x39) break;
        i++;
      }
      type = INTEGER;
    } else if (c === 0x2f) {
      const d = text.charCodeAt(i + 1);
      if (d === 0x2f) {
        const eol = text.indexOf("\n", i + 2);
        i = eol < 0 ? n : eol + 1;
        out.pushComment(start, i);
        continue;
      }
      if (d === 0x2a) {
        i = blockCommentEnd(text, i);
        if (i < 0) {
          i = -i - 1;
          errors.push({ offset: base + start, message: "unterminated block comment" });
        }
        out.pushComment(start, i);
        continue;
      }
      type = SLASH;
      i++;
    } else if (c === 0x2d) {
      if (text.charCodeAt(i + 1) === 0x3e) {
        type = RARROW;
        i += 2;
      } else {
        type = MINUS;
        i++;
      }
    } else if (c === 0x0d && text.charCodeAt(i + 1) === 0x0a) {
      i += 2;
      continue;
    } else if (c === 0x22) {
      i = stringEnd(text, i);
      type = STRING_LITERAL;
      checkStringLiteral(text.slice(start, i), start, base, errors, base + n);
    } else if (c === 0x25) {
      const end = identifierEnd(text, i + 1);
      i = end < 0 ? i + 1 : end;
      type = EXPLICIT_ID;
    } else {
      const end = identifierEnd(text, i);
      if (end < 0) {
        // Nothing matches: one error for the run of characters up to where a token can begin.
        const ch = String.fromCodePoint(text.codePointAt(i)!);
        errors.push({ offset: base + i, message: `unexpected character ${rustCharDebug(ch)}` });
        i++;
        while (i < n && !tokenStartsAt(text, i)) i++;
        continue;
      }
      i = end;
      type = ID;
    }
    if (k === capacity) {
      out.data = data = grown(data);
      capacity = data.length;
    }
    data[k] = type;
    data[k + 1] = start;
    data[k + 2] = i;
    data[k + 3] = out.commentCount;
    k += 4;
  }
  out.count = k >> 2;
  errors.sort((a, b) => a.offset - b.offset);
  if (reuse && out.data.length <= MAX_SPARE && out.commentData.length <= MAX_SPARE) {
    spare = { data: out.data, commentData: out.commentData };
  }
  return out;
}
