/**
 * The WAVE lexer, over the UTF-8 bytes of the text (spans are byte offsets,
 * as wasm-wave reports them).
 *
 * Tokens are wasm-wave's: punctuation, numbers (`-?(0|[1-9][0-9]*)(\.[0-9]+)?
 * ([eE][-+]?[0-9]+)?` and `-inf`), labels and keywords (`%?word(-word)*`),
 * chars, strings and multiline strings. Whitespace (` \t\n\r`) and `//`
 * comments are skipped. Numbers and labels take the longest match; a byte
 * that starts no token is an invalid token of one character. Chars and
 * strings are lexed by `lexQuoted`, which reproduces where wasm-wave's
 * lexer ends a bad one.
 */
import { lexQuoted } from "./quoted.js";

/** Token kinds, named as wasm-wave names them in `unexpected token: <kind>`. */
export type TokenKind =
  | "BraceOpen"
  | "BraceClose"
  | "ParenOpen"
  | "ParenClose"
  | "BracketOpen"
  | "BracketClose"
  | "Colon"
  | "Comma"
  | "Number"
  | "LabelOrKeyword"
  | "Char"
  | "String"
  | "MultilineString";

/** An invalid token; its span is the lexer's current span. */
export const INVALID = "invalid" as const;

const punctuation: Record<number, TokenKind> = {
  0x7b: "BraceOpen",
  0x7d: "BraceClose",
  0x28: "ParenOpen",
  0x29: "ParenClose",
  0x5b: "BracketOpen",
  0x5d: "BracketClose",
  0x3a: "Colon",
  0x2c: "Comma",
};

const isDigit = (b: number) => b >= 0x30 && b <= 0x39;
const isLower = (b: number) => b >= 0x61 && b <= 0x7a;
const isUpper = (b: number) => b >= 0x41 && b <= 0x5a;

/** The end of the label word starting at `i` (`first`: must start with a letter), or `i` when there is none. */
function wordEnd(bytes: Uint8Array, i: number, first: boolean): number {
  let j = i;
  while (j < bytes.length && isDigit(bytes[j]) && !first) j++;
  const letter = bytes[j];
  if (letter !== undefined && (isLower(letter) || isUpper(letter))) {
    const sameCase = isLower(letter) ? isLower : isUpper;
    j++;
    while (j < bytes.length && (sameCase(bytes[j]) || isDigit(bytes[j]))) j++;
  }
  return j;
}

/** The end of the label (without `%`) at `i`, or `i` when there is none. */
export function labelEnd(bytes: Uint8Array, i: number): number {
  let end = wordEnd(bytes, i, true);
  if (end === i) return i;
  while (bytes[end] === 0x2d) {
    const next = wordEnd(bytes, end + 1, false);
    if (next === end + 1) break;
    end = next;
  }
  return end;
}

/** The end of the number at `i`, or `i` when there is none. */
function numberEnd(bytes: Uint8Array, i: number): number {
  let j = i;
  if (bytes[j] === 0x2d) {
    if (bytes[j + 1] === 0x69 && bytes[j + 2] === 0x6e && bytes[j + 3] === 0x66) return j + 4; // -inf
    j++;
  }
  if (bytes[j] === 0x30) j++;
  else if (bytes[j] !== undefined && isDigit(bytes[j])) while (j < bytes.length && isDigit(bytes[j])) j++;
  else return i;
  if (bytes[j] === 0x2e && isDigit(bytes[j + 1] ?? 0)) {
    j += 2;
    while (j < bytes.length && isDigit(bytes[j])) j++;
  }
  if (bytes[j] === 0x65 || bytes[j] === 0x45) {
    let k = j + 1;
    if (bytes[k] === 0x2b || bytes[k] === 0x2d) k++;
    if (bytes[k] !== undefined && isDigit(bytes[k])) {
      while (k < bytes.length && isDigit(bytes[k])) k++;
      j = k;
    }
  }
  return j;
}

/** The index of `"""` at or after `from`, or -1. */
function findTripleQuote(bytes: Uint8Array, from: number): number {
  for (let i = from; i + 2 < bytes.length; i++)
    if (bytes[i] === 0x22 && bytes[i + 1] === 0x22 && bytes[i + 2] === 0x22) return i;
  return -1;
}

export class Lexer {
  constructor(
    readonly bytes: Uint8Array,
    /** Start of the current token's span. */
    public start = 0,
    /** End of the current token's span; the next token is looked for from here. */
    public end = 0,
  ) {}

  clone(): Lexer {
    return new Lexer(this.bytes, this.start, this.end);
  }

  /** The next token (its span in `start`/`end`), `INVALID`, or `undefined` at the end of the text. */
  next(): TokenKind | typeof INVALID | undefined {
    const bytes = this.bytes;
    let i = this.end;
    // Skip whitespace and comments.
    for (;;) {
      const b = bytes[i];
      if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d) i++;
      else if (b === 0x2f && bytes[i + 1] === 0x2f) {
        while (i < bytes.length && bytes[i] !== 0x0a) i++;
      } else break;
    }
    this.start = this.end = i;
    if (i >= bytes.length) return undefined;
    const b = bytes[i];
    const punct = punctuation[b];
    if (punct) {
      this.end = i + 1;
      return punct;
    }
    if (b === 0x2d || isDigit(b)) {
      const end = numberEnd(bytes, i);
      if (end > i) {
        this.end = end;
        return "Number";
      }
    } else if (b === 0x25 || isLower(b) || isUpper(b)) {
      const end = labelEnd(bytes, b === 0x25 ? i + 1 : i);
      if (end > i + (b === 0x25 ? 1 : 0)) {
        this.end = end;
        return "LabelOrKeyword";
      }
    } else if (b === 0x27 || b === 0x22) {
      const r = lexQuoted(bytes, i);
      this.end = r.end;
      if (!r.ok) return INVALID;
      if (r.token === "MultilineString") {
        const close = findTripleQuote(bytes, r.end);
        if (close < 0) return INVALID;
        this.end = close + 3;
      } else if (r.token === "Char" && !validChar(bytes, i, r.end)) return INVALID;
      return r.token;
    }
    // Nothing starts here: one character is invalid.
    let end = i + 1;
    while (end < bytes.length && (bytes[end] & 0xc0) === 0x80) end++;
    this.end = end;
    return INVALID;
  }
}

/** A char token holds one char or starts with an escape (checked fully later). */
function validChar(bytes: Uint8Array, start: number, end: number): boolean {
  if (bytes[start + 1] === 0x5c) return true;
  let chars = 0;
  for (let i = start + 1; i < end - 1; i++) if ((bytes[i] & 0xc0) !== 0x80) chars++;
  return chars === 1;
}

/**
 * The end of a function name at the start of `bytes`: `label`, `label.label`,
 * `ns:pkg/label.label`, each with an optional `@x.y.z`; `0` if there is none.
 */
export function funcNameEnd(bytes: Uint8Array): number {
  const m = funcName.exec(new TextDecoder().decode(bytes));
  return m ? m[0].length : 0; // ASCII only: characters are bytes
}

const funcName = (() => {
  const word = "(?:[0-9]+(?:[a-z][a-z0-9]*|[A-Z][A-Z0-9]*)?|[a-z][a-z0-9]*|[A-Z][A-Z0-9]*)";
  const label = `(?:[a-z][a-z0-9]*|[A-Z][A-Z0-9]*)(?:-${word})*`;
  const num = "(?:0|[1-9][0-9]*)";
  return new RegExp(`^(?:${label}:${label}/)?${label}(?:\\.${label})?(?:@${num}\\.${num}\\.${num})?`);
})();
