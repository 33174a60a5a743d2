/**
 * Errors of the WAVE parser and of typing WAVE values.
 *
 * A `WaveError` has the kind wasm-wave gives it (`kind`, with wasm-wave's
 * text in `waveText`), its span in two units, and, for a value of the wrong
 * shape, the WIT type that was expected:
 *
 * - `start`/`end`: UTF-8 byte offsets into the text, as wasm-wave reports
 *   them (`invalid token at 5..9`);
 * - `offset`: the UTF-16 index of `start` (what `text.slice(offset)` wants);
 *   `line` and `column`: 1-based, the column counted in code points.
 *
 * `message` reads `<kind>[: <detail>][: expected <type>, got <text>] at
 * line <l>, column <c>`, e.g.
 * `invalid value type: expected u8, got "x" at line 1, column 5`.
 */

/** The kinds of wasm-wave's `ParserErrorKind`, in kebab-case. */
export type WaveErrorKind =
  | "empty-tuple"
  | "multiple-chars"
  | "invalid-escape"
  | "invalid-multiline-string"
  | "invalid-params"
  | "invalid-token"
  | "invalid-type"
  | "invalid-value"
  | "trailing-characters"
  | "unexpected-end"
  | "unexpected-token"
  | "duplicate-field"
  | "duplicate-flag"
  | "wasm-value-error"
  | "nesting-too-deep";

/** wasm-wave's text for each kind (its `Display` of `ParserErrorKind`). */
const kindText: Record<WaveErrorKind, string> = {
  "empty-tuple": "empty tuple",
  "multiple-chars": "multiple characters in char value",
  "invalid-escape": "invalid character escape",
  "invalid-multiline-string": "invalid multiline string",
  "invalid-params": "invalid params",
  "invalid-token": "invalid token",
  "invalid-type": "invalid value type",
  "invalid-value": "invalid value",
  "trailing-characters": "trailing characters after value",
  "unexpected-end": "unexpected end of input",
  "unexpected-token": "unexpected token",
  "duplicate-field": "duplicate field",
  "duplicate-flag": "duplicate flag",
  "wasm-value-error": "error converting Wasm value",
  "nesting-too-deep": "value nesting too deep",
};

/** Where an error is, in the text it was found in. */
export interface WaveLocation {
  /** UTF-16 index of the error's first character. */
  offset: number;
  /** 1-based line. */
  line: number;
  /** 1-based column, in code points. */
  column: number;
}

/** Maps the UTF-8 byte offsets of a text to UTF-16 offsets, lines and columns. */
export function locate(text: string, byteOffset: number): WaveLocation {
  let bytes = 0;
  let line = 1;
  let column = 1;
  let i = 0;
  while (i < text.length && bytes < byteOffset) {
    const cp = text.codePointAt(i)!;
    const units = cp > 0xffff ? 2 : 1;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    i += units;
    if (cp === 0x0a) {
      line++;
      column = 1;
    } else column++;
  }
  return { offset: i, line, column };
}

export class WaveError extends Error {
  override name = "WaveError";
  /** The UTF-16 index of `start` in the text. */
  readonly offset: number;
  readonly line: number;
  readonly column: number;

  constructor(
    readonly kind: WaveErrorKind,
    /** UTF-8 byte offset of the start of the span, as wasm-wave counts. */
    readonly start: number,
    /** UTF-8 byte offset of the end of the span. */
    readonly end: number,
    text: string,
    /** What wasm-wave adds to the kind: `"read"` for a duplicate flag, `missing field "a"`... */
    readonly detail?: string,
    /** The WIT type the value did not fit (for `invalid-type`, `invalid-value` and conversions). */
    readonly expected?: string,
  ) {
    const where = locate(text, start);
    let message = kindText[kind];
    if (detail !== undefined) message += `: ${detail}`;
    if (expected !== undefined) message += `: expected ${expected}, got ${excerpt(text, start, end)}`;
    super(`${message} at line ${where.line}, column ${where.column}`);
    this.offset = where.offset;
    this.line = where.line;
    this.column = where.column;
  }

  /** The error as wasm-wave prints it: `invalid token at 5..6`, `duplicate flag: "read" at 25..29`. */
  get waveText(): string {
    const head = this.detail === undefined ? kindText[this.kind] : `${kindText[this.kind]}: ${this.detail}`;
    return `${head} at ${this.start}..${this.end}`;
  }
}

/** The source of a span, shortened, for messages. */
function excerpt(text: string, start: number, end: number): string {
  const bytes = new TextEncoder().encode(text);
  let s = new TextDecoder().decode(bytes.subarray(start, end));
  if (s.length > 24) s = s.slice(0, 21) + "...";
  return s === "" ? "nothing" : `\`${s}\``;
}

/** Rust's `{:?}` of a string: double-quoted, with Rust's escapes. */
export function rustDebugString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\0") out += "\\0";
    else if (cp < 0x20 || cp === 0x7f) out += `\\u{${cp.toString(16)}}`;
    else out += ch;
  }
  return out + '"';
}
