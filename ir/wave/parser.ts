/**
 * The untyped WAVE parser: text to a tree of `WaveNode`s, with wasm-wave's
 * grammar and error kinds. Bools, options, results, variants and enums are
 * told apart only by keywords here; `typed.ts` gives the nodes their types.
 */
import { rustDebugString, WaveError, type WaveErrorKind } from "./error.js";
import { funcNameEnd, INVALID, Lexer, type TokenKind } from "./lexer.js";

export type WaveNodeType =
  | "bool-true"
  | "bool-false"
  /** An integer or a float, `nan`, `inf` and `-inf` included. */
  | "number"
  /** Span includes the quotes. */
  | "char"
  | "string"
  | "multiline-string"
  | "tuple"
  | "list"
  /** Children: label, value, label, value... */
  | "record"
  /** An enum case or a variant case without payload. */
  | "label"
  /** Children: the label, the payload. */
  | "variant-with-payload"
  | "option-some"
  | "option-none"
  /** Zero or one child (the payload). */
  | "result-ok"
  | "result-err"
  /** Children: the flag labels, sorted by name. */
  | "flags";

/** A node of the untyped tree; `start`/`end` are UTF-8 byte offsets into the text. */
export interface WaveNode {
  type: WaveNodeType;
  start: number;
  end: number;
  children: WaveNode[];
}

const MAX_DEPTH = 100;

const decoder = new TextDecoder();

const keywords = new Set(["true", "false", "some", "none", "ok", "err", "inf", "nan"]);

/** Whether a label must be written `%label` (it is a WAVE keyword). */
export function isKeyword(label: string): boolean {
  return keywords.has(label);
}

/** The text being parsed: the source string and its UTF-8 bytes. */
export class WaveSource {
  readonly bytes: Uint8Array;
  constructor(readonly text: string) {
    this.bytes = new TextEncoder().encode(text);
  }

  slice(start: number, end: number): string {
    return decoder.decode(this.bytes.subarray(start, end));
  }

  /** A label node's name, without its `%`. */
  label(node: WaveNode): string {
    const s = this.slice(node.start, node.end);
    return s.startsWith("%") ? s.slice(1) : s;
  }

  error(kind: WaveErrorKind, start: number, end: number, detail?: string, expected?: string): WaveError {
    return new WaveError(kind, start, end, this.text, detail, expected);
  }
}

export class Parser {
  private token: TokenKind | undefined;
  private depth = 0;

  constructor(
    readonly source: WaveSource,
    private lex = new Lexer(source.bytes),
  ) {}

  /** Parses one value. */
  parseValue(): WaveNode {
    return this.parseNode();
  }

  /** Fails if anything but whitespace and comments is left. */
  finish(): void {
    const lex = this.lex.clone();
    if (lex.next() !== undefined) throw this.source.error("trailing-characters", lex.start, lex.end);
  }

  private parseNode(): WaveNode {
    if (this.depth >= MAX_DEPTH) throw this.source.error("nesting-too-deep", this.lex.start, this.lex.end);
    this.depth++;
    try {
      return this.parseNodeInner();
    } finally {
      this.depth--;
    }
  }

  private parseNodeInner(): WaveNode {
    switch (this.advance()) {
      case "Number":
        return this.leaf("number");
      case "Char":
        return this.leaf("char");
      case "String":
        return this.leaf("string");
      case "MultilineString":
        return this.leaf("multiline-string");
      case "ParenOpen":
        return this.parseTuple();
      case "BracketOpen": {
        const start = this.lex.start;
        const children = this.parseCommaSeparated("BracketClose");
        return { type: "list", start, end: this.lex.end, children };
      }
      case "BraceOpen":
        return this.parseRecordOrFlags();
      case "LabelOrKeyword":
        switch (this.source.slice(this.lex.start, this.lex.end)) {
          case "true":
            return this.leaf("bool-true");
          case "false":
            return this.leaf("bool-false");
          case "some":
            return this.parseOption("option-some");
          case "none":
            return this.parseOption("option-none");
          case "ok":
            return this.parseResult("result-ok");
          case "err":
            return this.parseResult("result-err");
          case "inf":
          case "nan":
            return this.leaf("number");
          default:
            return this.parseLabelMaybePayload();
        }
      default:
        throw this.unexpectedToken();
    }
  }

  /** After `(`: a non-empty tuple. */
  parseTuple(): WaveNode {
    const start = this.lex.start;
    const children = this.parseCommaSeparated("ParenClose");
    if (children.length === 0) throw this.source.error("empty-tuple", start, this.lex.end);
    return { type: "tuple", start, end: this.lex.end, children };
  }

  private parseRecordOrFlags(): WaveNode {
    const start = this.lex.start;
    this.advance();
    if (this.token === "Colon") {
      this.advance();
      this.expect("BraceClose");
      return { type: "record", start, end: this.lex.end, children: [] };
    }
    if (this.token === "BraceClose") return { type: "flags", start, end: this.lex.end, children: [] };
    return this.nextIs("Colon") ? this.finishRecord(start) : this.finishFlags(start);
  }

  private finishRecord(start: number): WaveNode {
    const seen = new Set<string>();
    const children: WaveNode[] = [];
    for (;;) {
      const label = this.parseLabel();
      const name = this.source.label(label);
      if (seen.has(name)) throw this.source.error("duplicate-field", label.start, label.end, rustDebugString(name));
      seen.add(name);
      this.advance();
      this.expect("Colon");
      const value = this.parseNode();
      children.push(label, value);
      if (this.advance() === "Comma") this.advance();
      if (this.token === "BraceClose") break;
    }
    return { type: "record", start, end: this.lex.end, children };
  }

  private finishFlags(start: number): WaveNode {
    const flags = new Map<string, WaveNode>();
    for (;;) {
      const label = this.parseLabel();
      const name = this.source.label(label);
      if (flags.has(name)) throw this.source.error("duplicate-flag", label.start, label.end, rustDebugString(name));
      flags.set(name, label);
      if (this.advance() === "Comma") this.advance();
      if (this.token === "BraceClose") break;
    }
    const children = [...flags.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, n]) => n);
    return { type: "flags", start, end: this.lex.end, children };
  }

  private parseLabelMaybePayload(): WaveNode {
    const start = this.lex.start;
    const label = this.parseLabel();
    if (!this.nextIs("ParenOpen")) return label;
    this.advance();
    const payload = this.parseNode();
    this.advance();
    this.expect("ParenClose");
    return { type: "variant-with-payload", start, end: this.lex.end, children: [label, payload] };
  }

  private parseOption(type: "option-some" | "option-none"): WaveNode {
    const start = this.lex.start;
    if (type === "option-none") return { type, start, end: this.lex.end, children: [] };
    this.advance();
    this.expect("ParenOpen");
    const payload = this.parseNode();
    this.advance();
    this.expect("ParenClose");
    return { type, start, end: this.lex.end, children: [payload] };
  }

  private parseResult(type: "result-ok" | "result-err"): WaveNode {
    const start = this.lex.start;
    const children: WaveNode[] = [];
    if (this.nextIs("ParenOpen")) {
      this.advance();
      children.push(this.parseNode());
      this.advance();
      this.expect("ParenClose");
    }
    return { type, start, end: this.lex.end, children };
  }

  private parseLabel(): WaveNode {
    this.expect("LabelOrKeyword");
    return this.leaf("label");
  }

  /** Values separated by commas (a trailing one allowed) up to `end`, whose token is consumed. */
  private parseCommaSeparated(end: TokenKind): WaveNode[] {
    const nodes: WaveNode[] = [];
    if (this.nextIs(end)) {
      this.advance();
      return nodes;
    }
    for (;;) {
      nodes.push(this.parseNode());
      if (this.advance() === "Comma") {
        if (this.nextIs(end)) {
          this.advance();
          break;
        }
      } else {
        this.expect(end);
        break;
      }
    }
    return nodes;
  }

  /** Moves to the next token, which must exist and be valid. */
  advance(): TokenKind {
    const t = this.lex.next();
    if (t === INVALID) throw this.source.error("invalid-token", this.lex.start, this.lex.end);
    if (t === undefined) throw this.source.error("unexpected-end", this.lex.start, this.lex.end);
    this.token = t;
    return t;
  }

  /** Whether the next token is `kind` (an invalid one is not). */
  nextIs(kind: TokenKind): boolean {
    return this.lex.clone().next() === kind;
  }

  expect(kind: TokenKind): void {
    if (this.token !== kind) throw this.unexpectedToken();
  }

  private unexpectedToken(): WaveError {
    return this.source.error("unexpected-token", this.lex.start, this.lex.end, this.token);
  }

  private leaf(type: WaveNodeType): WaveNode {
    return { type, start: this.lex.start, end: this.lex.end, children: [] };
  }
}

/** A parsed but untyped call `name(args...)`. */
export interface UntypedCall {
  source: WaveSource;
  /** The function name as written: `f`, `iface.f`, `ns:pkg/iface.f@1.0.0`. */
  name: string;
  /** Byte span of the name. */
  nameStart: number;
  nameEnd: number;
  /** The argument tuple (its span covers the parentheses), or `undefined` for `f()`. */
  params: WaveNode | undefined;
}

/** Parses `name(value, ...)`; no whitespace may come before the name. */
export function parseUntypedCall(text: string): UntypedCall {
  const source = new WaveSource(text);
  const nameEnd = funcNameEnd(source.bytes);
  if (nameEnd === 0) {
    if (source.bytes.length === 0) throw source.error("unexpected-end", 0, 0);
    let end = 1;
    while (end < source.bytes.length && (source.bytes[end] & 0xc0) === 0x80) end++;
    throw source.error("invalid-token", 0, end);
  }
  const parser = new Parser(source, new Lexer(source.bytes, 0, nameEnd));
  parser.advance();
  parser.expect("ParenOpen");
  let params: WaveNode | undefined;
  if (parser.nextIs("ParenClose")) parser.advance();
  else params = parser.parseTuple();
  parser.finish();
  return { source, name: source.slice(0, nameEnd), nameStart: 0, nameEnd, params };
}

/** Parses one untyped value; the whole text must be that value. */
export function parseUntypedValue(text: string): { source: WaveSource; node: WaveNode } {
  const source = new WaveSource(text);
  const parser = new Parser(source);
  const node = parser.parseValue();
  parser.finish();
  return { source, node };
}
