/**
 * A small reader for the s-expressions of the WebAssembly text and `.wast`
 * script syntax: parenthesised lists, atoms (keywords, numbers, `$ids`),
 * string literals with every wat escape, `;;` line comments and nested
 * `(; ;)` block comments.
 *
 * Strings are byte strings: their contents are kept as a `Uint8Array` and
 * decoded to text only where a caller wants text (`stringText`). Every node
 * keeps the offsets of its first and one-past-last character in the source,
 * so a caller can cut the original text of a form out of the file.
 */

interface NodeBase {
  /** Offset of the node's first character in the source (a JS string index). */
  start: number;
  /** Offset one past the node's last character. */
  end: number;
}

/** A parenthesised list. */
export interface SList extends NodeBase {
  kind: "list";
  items: SNode[];
}

/** A keyword, number or other reserved token, such as `component`, `u32.const`, `-0x1p-149`. */
export interface SAtom extends NodeBase {
  kind: "atom";
  text: string;
}

/** An identifier: `$foo`, or `$"any string"`; `name` includes the `$`. */
export interface SId extends NodeBase {
  kind: "id";
  name: string;
}

/** A string literal; `bytes` holds its contents with escapes resolved. */
export interface SString extends NodeBase {
  kind: "string";
  bytes: Uint8Array;
}

export type SNode = SList | SAtom | SId | SString;

/** A syntax error, with the offset and 1-based line where it was found. */
export class SExprError extends Error {
  override readonly name = "SExprError";
  constructor(
    message: string,
    readonly offset: number,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
  }
}

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** Characters that end an atom (besides whitespace). */
function isDelimiter(c: string): boolean {
  return c === "(" || c === ")" || c === '"' || c === ";" || c === " " || c === "\t" || c === "\n" || c === "\r";
}

/** Reads every top-level form of `source`. Throws `SExprError` on malformed input. */
export function readSExprs(source: string): SNode[] {
  return new Reader(source).readAll();
}

class Reader {
  private pos = 0;

  constructor(private readonly src: string) {}

  readAll(): SNode[] {
    const out: SNode[] = [];
    for (;;) {
      this.skipTrivia();
      if (this.pos >= this.src.length) return out;
      if (this.src[this.pos] === ")") this.fail("unexpected `)`", this.pos);
      out.push(this.readNode());
    }
  }

  private fail(message: string, at: number): never {
    throw new SExprError(message, at, lineOf(this.src, at));
  }

  /** Skips whitespace and comments. */
  private skipTrivia(): void {
    const s = this.src;
    while (this.pos < s.length) {
      const c = s[this.pos];
      if (c === " " || c === "\t" || c === "\n" || c === "\r") {
        this.pos++;
      } else if (c === ";" && s[this.pos + 1] === ";") {
        const nl = s.indexOf("\n", this.pos);
        this.pos = nl < 0 ? s.length : nl + 1;
      } else if (c === "(" && s[this.pos + 1] === ";") {
        this.skipBlockComment();
      } else {
        return;
      }
    }
  }

  private skipBlockComment(): void {
    const s = this.src;
    const start = this.pos;
    let depth = 0;
    while (this.pos < s.length) {
      if (s[this.pos] === "(" && s[this.pos + 1] === ";") {
        depth++;
        this.pos += 2;
      } else if (s[this.pos] === ";" && s[this.pos + 1] === ")") {
        depth--;
        this.pos += 2;
        if (depth === 0) return;
      } else {
        this.pos++;
      }
    }
    this.fail("unterminated block comment", start);
  }

  private readNode(): SNode {
    const s = this.src;
    const start = this.pos;
    const c = s[start];
    if (c === "(") {
      this.pos++;
      const items: SNode[] = [];
      for (;;) {
        this.skipTrivia();
        if (this.pos >= s.length) this.fail("unclosed `(`", start);
        if (s[this.pos] === ")") {
          this.pos++;
          return { kind: "list", items, start, end: this.pos };
        }
        items.push(this.readNode());
      }
    }
    if (c === '"') {
      const bytes = this.readString();
      return { kind: "string", bytes, start, end: this.pos };
    }
    if (c === ";") this.fail("unexpected `;`", start);
    if (c === "$" && s[start + 1] === '"') {
      this.pos++;
      const bytes = this.readString();
      let text: string;
      try {
        text = strictUtf8.decode(bytes);
      } catch {
        this.fail("identifier is not valid UTF-8", start);
      }
      if (text.length === 0) this.fail("empty identifier", start);
      return { kind: "id", name: "$" + text, start, end: this.pos };
    }
    while (this.pos < s.length && !isDelimiter(s[this.pos])) this.pos++;
    const text = s.slice(start, this.pos);
    if (text.startsWith("$")) {
      if (text.length === 1) this.fail("empty identifier", start);
      return { kind: "id", name: text, start, end: this.pos };
    }
    return { kind: "atom", text, start, end: this.pos };
  }

  /** Reads a string literal starting at the opening quote; leaves `pos` after the closing quote. */
  private readString(): Uint8Array {
    const s = this.src;
    const start = this.pos;
    this.pos++;
    const bytes: number[] = [];
    for (;;) {
      if (this.pos >= s.length) this.fail("unterminated string", start);
      const cp = s.codePointAt(this.pos)!;
      if (cp === 0x22) {
        this.pos++;
        return Uint8Array.from(bytes);
      }
      if (cp === 0x5c) {
        this.readEscape(bytes);
        continue;
      }
      if (cp < 0x20 || cp === 0x7f) this.fail("control character in string", this.pos);
      const ch = String.fromCodePoint(cp);
      for (const b of utf8.encode(ch)) bytes.push(b);
      this.pos += ch.length;
    }
  }

  private readEscape(bytes: number[]): void {
    const s = this.src;
    const at = this.pos;
    const e = s[this.pos + 1];
    this.pos += 2;
    switch (e) {
      case "n":
        bytes.push(0x0a);
        return;
      case "t":
        bytes.push(0x09);
        return;
      case "r":
        bytes.push(0x0d);
        return;
      case "\\":
        bytes.push(0x5c);
        return;
      case "'":
        bytes.push(0x27);
        return;
      case '"':
        bytes.push(0x22);
        return;
      case "u": {
        const m = /^\{([0-9a-fA-F](?:_?[0-9a-fA-F])*)\}/.exec(s.slice(this.pos, this.pos + 40));
        if (!m) this.fail("malformed `\\u{…}` escape", at);
        const cp = parseInt(m[1].replace(/_/g, ""), 16);
        if (!(cp < 0xd800 || (cp > 0xdfff && cp <= 0x10ffff))) this.fail("`\\u{…}` escape is not a scalar value", at);
        for (const b of utf8.encode(String.fromCodePoint(cp))) bytes.push(b);
        this.pos += m[0].length;
        return;
      }
      default: {
        const hex = s.slice(at + 1, at + 3);
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) this.fail(`unknown escape \`\\${e ?? ""}\``, at);
        bytes.push(parseInt(hex, 16));
        this.pos = at + 3;
      }
    }
  }
}

/** The 1-based line of `offset` in `source`. */
export function lineOf(source: string, offset: number): number {
  let line = 1;
  for (let i = source.indexOf("\n"); i >= 0 && i < offset; i = source.indexOf("\n", i + 1)) line++;
  return line;
}

/**
 * Maps offsets to 1-based lines quickly for a source read once and asked
 * about many times.
 */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(source: string) {
    for (let i = source.indexOf("\n"); i >= 0; i = source.indexOf("\n", i + 1)) this.starts.push(i + 1);
  }

  /** The 1-based line of `offset`. */
  line(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
}

/** The contents of a string node as text; throws when they are not valid UTF-8. */
export function stringText(node: SString): string {
  return strictUtf8.decode(node.bytes);
}

/** `true` when `node` is the atom `text`. */
export function isAtom(node: SNode | undefined, text?: string): node is SAtom {
  return node !== undefined && node.kind === "atom" && (text === undefined || node.text === text);
}

/** The keyword a list starts with (`component` for `(component …)`), or undefined. */
export function head(node: SNode | undefined): string | undefined {
  return node?.kind === "list" && node.items[0]?.kind === "atom" ? node.items[0].text : undefined;
}

/** Concatenates the bytes of several string nodes. */
export function concatBytes(nodes: SString[]): Uint8Array {
  const out = new Uint8Array(nodes.reduce((n, s) => n + s.bytes.length, 0));
  let at = 0;
  for (const s of nodes) {
    out.set(s.bytes, at);
    at += s.bytes.length;
  }
  return out;
}
