/**
 * Decoding of char and string tokens: escapes, and the dedent rules of
 * multiline strings. Positions are UTF-8 byte offsets into the text.
 */

/** A decoding failure: the kind, its byte span, and wasm-wave's detail. */
export class DecodeFailure {
  constructor(
    readonly kind: "invalid-escape" | "invalid-multiline-string" | "multiple-chars",
    readonly start: number,
    readonly end: number,
    readonly detail?: string,
  ) {}
}

const decoder = new TextDecoder();

/**
 * The escape at `i` (a `\`): the code point and the escape's length in
 * bytes, or `undefined` when it is invalid (unknown, malformed, more than
 * six hex digits, a surrogate or beyond U+10FFFF).
 */
export function unescape(bytes: Uint8Array, i: number, end: number): { cp: number; len: number } | undefined {
  if (bytes[i] !== 0x5c || i + 1 >= end) return undefined;
  switch (bytes[i + 1]) {
    case 0x5c:
      return { cp: 0x5c, len: 2 };
    case 0x27:
      return { cp: 0x27, len: 2 };
    case 0x22:
      return { cp: 0x22, len: 2 };
    case 0x74:
      return { cp: 0x09, len: 2 };
    case 0x6e:
      return { cp: 0x0a, len: 2 };
    case 0x72:
      return { cp: 0x0d, len: 2 };
    case 0x75: {
      if (bytes[i + 2] !== 0x7b) return undefined;
      let value = 0;
      let digits = 0;
      for (let j = i + 3; ; j++) {
        if (j >= end) return undefined;
        const b = bytes[j];
        if (b === 0x7d) {
          if (digits === 0) return undefined;
          break;
        }
        const d = hexDigit(b);
        if (d === undefined) return undefined;
        value = value * 16 + d;
        if (++digits > 6) return undefined;
      }
      if (value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) return undefined;
      return { cp: value, len: digits + 4 };
    }
    default:
      return undefined;
  }
}

function hexDigit(b: number): number | undefined {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x61 && b <= 0x66) return b - 0x61 + 10;
  if (b >= 0x41 && b <= 0x46) return b - 0x41 + 10;
  return undefined;
}

/** The char of the token at `start..end` (quotes included). */
export function decodeChar(bytes: Uint8Array, start: number, end: number): string | DecodeFailure {
  const innerStart = start + 1;
  const innerEnd = end - 1;
  let cp: number;
  let len: number;
  if (bytes[innerStart] === 0x5c) {
    const esc = unescape(bytes, innerStart, innerEnd);
    if (!esc) return new DecodeFailure("invalid-escape", start, end);
    ({ cp, len } = esc);
  } else {
    const s = decoder.decode(bytes.subarray(innerStart, innerEnd));
    cp = s.codePointAt(0)!;
    len = new TextEncoder().encode(String.fromCodePoint(cp)).length;
  }
  if (len !== innerEnd - innerStart) return new DecodeFailure("multiple-chars", start, end);
  return String.fromCodePoint(cp);
}

/** Decodes `bytes[from..to]` of a single-line string body (escapes resolved). */
function decodeLine(bytes: Uint8Array, from: number, to: number): string | DecodeFailure {
  let out = "";
  let i = from;
  while (i < to) {
    if (bytes[i] === 0x5c) {
      const esc = unescape(bytes, i, to);
      if (!esc) return new DecodeFailure("invalid-escape", i, i + 1);
      out += String.fromCodePoint(esc.cp);
      i += esc.len;
    } else {
      let j = i;
      while (j < to && bytes[j] !== 0x5c) j++;
      out += decoder.decode(bytes.subarray(i, j));
      i = j;
    }
  }
  return out;
}

/** The string of a `"..."` token at `start..end`. */
export function decodeString(bytes: Uint8Array, start: number, end: number): string | DecodeFailure {
  return decodeLine(bytes, start + 1, end - 1);
}

/**
 * The string of a `"""` token at `start..end`: the opening `"""` must end
 * its line, the closing one stand on a line of spaces only, whose count is
 * removed from the start of every line; line breaks (`\n` or `\r\n`) between
 * lines become `\n`.
 */
export function decodeMultilineString(bytes: Uint8Array, start: number, end: number): string | DecodeFailure {
  const pos = start + 3;
  const close = end - 3;
  let from = pos;
  if (bytes[from] === 0x0d) from++;
  // Lines of the body (split on `\n`), as [start, end) byte ranges.
  const lines: [number, number][] = [];
  let lineStart = from;
  for (let i = from; i < close; i++) {
    if (bytes[i] === 0x0a) {
      lines.push([lineStart, i]);
      lineStart = i + 1;
    }
  }
  lines.push([lineStart, close]);
  const [indentStart, indentEnd] = lines.pop()!;
  for (let i = indentStart; i < indentEnd; i++) {
    if (bytes[i] !== 0x20) {
      return new DecodeFailure(
        "invalid-multiline-string",
        close - 3,
        close,
        'closing """ must be on a line preceded only by spaces',
      );
    }
  }
  const first = lines.shift();
  if (!first || first[1] !== first[0]) {
    return new DecodeFailure(
      "invalid-multiline-string",
      pos,
      pos + 1,
      'opening """ must be followed immediately by newline',
    );
  }
  const indent = indentEnd - indentStart;
  const out: string[] = [];
  for (const [s, e] of lines) {
    for (let i = 0; i < indent; i++) {
      if (s + i >= e || bytes[s + i] !== 0x20) {
        return new DecodeFailure(
          "invalid-multiline-string",
          s,
          s + 1,
          'lines must be indented at least as much as closing """',
        );
      }
    }
    const lineEnd = e > s + indent && bytes[e - 1] === 0x0d ? e - 1 : e;
    const line = decodeLine(bytes, s + indent, lineEnd);
    if (line instanceof DecodeFailure) return line;
    out.push(line);
  }
  return out.join("\n");
}
