/**
 * The front half of the Rust formatter (`rustfmt.ts`): the one-line Rust
 * text the generator writes, tokenised and parsed into the trees the
 * formatter lays out (types, expressions, and patterns read as expressions
 * of the same shape).
 */
type Tok = { t: "id" | "lt" | "lit" | "p"; v: string };

const PUNCTS = [
  "::",
  "->",
  "=>",
  "==",
  "!=",
  "<=",
  ">=",
  "&&",
  "||",
  "..=",
  "..",
  "+=",
  "-=",
  "*=",
  "/=",
  "|=",
  "&=",
  "^=",
  "<<",
  ">>",
];
/**
 * The tokens of the punctuation of more than one character, by first
 * character, in the order they are tried. Tokens are never changed once
 * made (the parser replaces them in its list), so each punctuation has one.
 */
const PUNCTS_BY_CHAR: (Tok[] | undefined)[] = [];
for (const p of PUNCTS) (PUNCTS_BY_CHAR[p.charCodeAt(0)] ??= []).push({ t: "p", v: p });
/** The token of each one-character punctuation, by its character. */
const SINGLE_PUNCTS: (Tok | undefined)[] = [];
for (const ch of "()[]{}<>,;:.=+-*/%!&|^?#@$") SINGLE_PUNCTS[ch.charCodeAt(0)] = { t: "p", v: ch };
// Sticky, so that each matches at `lastIndex` without slicing the text.
const CHAR_LIT = /'(?:[^'\\]|\\.[^']*)'/y;
const LIFETIME = /'[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER = /(0x[0-9A-Fa-f_]+|[0-9][0-9_]*(\.[0-9]+)?(e[0-9]+)?)([iuf](8|16|32|64|128|size))?/y;
const STRING = /"(?:[^"\\]|\\.)*"/y;

const isIdentStart = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
const isIdentChar = (c: number) => isIdentStart(c) || (c >= 0x30 && c <= 0x39);

function sticky(re: RegExp, text: string, at: number): string | null {
  re.lastIndex = at;
  const m = re.exec(text);
  return m === null ? null : m[0];
}

function tokenize(text: string): Tok[] | null {
  const out: Tok[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09) {
      i++;
      continue;
    }
    if (isIdentStart(c)) {
      // `r#` starts a raw identifier only when an identifier follows.
      let j = c === 0x72 && text.charCodeAt(i + 1) === 0x23 && isIdentStart(text.charCodeAt(i + 2)) ? i + 3 : i + 1;
      while (j < text.length && isIdentChar(text.charCodeAt(j))) j++;
      out.push({ t: "id", v: text.slice(i, j) });
      i = j;
      continue;
    }
    let v: string | null = null;
    let t: Tok["t"] = "lit";
    if (c === 0x27 /* ' */) {
      v = sticky(CHAR_LIT, text, i);
      if (v === null) {
        v = sticky(LIFETIME, text, i);
        t = "lt";
      }
    } else if (c >= 0x30 && c <= 0x39) v = sticky(NUMBER, text, i);
    // A byte string's `b` is read as an identifier above, as it always was.
    else if (c === 0x22 /* " */) v = sticky(STRING, text, i);
    if (v !== null) {
      out.push({ t, v });
      i += v.length;
      continue;
    }
    if (c === 0x2f /* / */ && (text[i + 1] === "/" || text[i + 1] === "*")) return null;
    const tok = PUNCTS_BY_CHAR[c]?.find((p) => text.startsWith(p.v, i)) ?? SINGLE_PUNCTS[c];
    if (tok === undefined) return null;
    out.push(tok);
    i += tok.v.length;
  }
  return out;
}

export type Ty =
  | { k: "path"; global: boolean; segs: { name: string; args?: Ty[] }[] }
  | { k: "tuple"; items: Ty[] }
  | { k: "ref"; prefix: string; inner: Ty }
  | { k: "slice"; inner: Ty }
  | { k: "array"; inner: Ty; len: string }
  | { k: "atom"; text: string };

export type Expr =
  | { k: "path"; text: string }
  | { k: "lit"; text: string }
  | { k: "call"; callee: Expr; args: Expr[] }
  | { k: "macro"; name: string; delim: "(" | "["; args: Expr[] }
  | { k: "method"; recv: Expr; name: string; args: Expr[] }
  | { k: "field"; recv: Expr; name: string }
  | { k: "try"; e: Expr }
  | { k: "index"; e: Expr; i: Expr }
  | { k: "unary"; op: string; e: Expr }
  | { k: "binary"; op: string; l: Expr; r: Expr }
  | { k: "cast"; e: Expr; ty: Ty }
  | { k: "struct"; path: string; fields: { name: string; value: Expr | null }[] }
  | { k: "tuple"; items: Expr[] }
  | { k: "array"; items: Expr[] }
  | { k: "repeat"; e: Expr; n: Expr }
  | { k: "paren"; e: Expr };

const BINARY: Record<string, number> = {
  "||": 1,
  "&&": 2,
  "==": 3,
  "!=": 3,
  "<": 3,
  ">": 3,
  "<=": 3,
  ">=": 3,
  "|": 4,
  "^": 5,
  "&": 6,
  "<<": 7,
  ">>": 7,
  "+": 8,
  "-": 8,
  "*": 9,
  "/": 9,
  "%": 9,
};
const KEYWORDS = new Set([
  "match",
  "if",
  "else",
  "unsafe",
  "loop",
  "for",
  "while",
  "return",
  "break",
  "continue",
  "move",
  "let",
  "fn",
  "impl",
  "dyn",
  "where",
  "in",
  "async",
  "await",
  "static",
  "const",
  "type",
  "struct",
  "enum",
  "mod",
  "use",
  "extern",
  "pub",
  "ref",
]);

/**
 * What the parser throws at text it does not know, caught by `parseWith`:
 * one object, since creating an error (and its stack trace) at every failed
 * attempt costs more than the parse.
 */
const UNPARSED = new Error("not a construct the formatter knows");

export class Parser {
  pos = 0;
  constructor(readonly toks: Tok[]) {}
  peek(n = 0): Tok | undefined {
    return this.toks[this.pos + n];
  }
  is(v: string, n = 0): boolean {
    const t = this.peek(n);
    return t !== undefined && t.v === v && (t.t === "p" || t.t === "id");
  }
  eat(v: string): boolean {
    if (this.is(v)) {
      this.pos++;
      return true;
    }
    return false;
  }
  expect(v: string): void {
    if (!this.eat(v)) throw UNPARSED;
  }
  done(): boolean {
    return this.pos >= this.toks.length;
  }
  /** Splits a `>>` token when closing nested generics. */
  closeAngle(): void {
    const t = this.peek();
    if (t?.v === ">>") {
      this.toks.splice(this.pos, 1, { t: "p", v: ">" }, { t: "p", v: ">" });
    } else if (t?.v === ">=") throw UNPARSED;
    this.expect(">");
  }

  ty(): Ty {
    const t = this.peek();
    if (!t) throw UNPARSED;
    if (this.eat("&")) {
      let prefix = "&";
      if (this.peek()?.t === "lt") prefix += this.toks[this.pos++].v + " ";
      if (this.eat("mut")) prefix += "mut ";
      return { k: "ref", prefix, inner: this.ty() };
    }
    if (this.is("*")) {
      this.pos++;
      const m = this.peek()?.v;
      if (m !== "mut" && m !== "const") throw UNPARSED;
      this.pos++;
      return { k: "ref", prefix: `*${m} `, inner: this.ty() };
    }
    if (this.eat("(")) {
      const items = this.seq(")", () => this.ty());
      if (items.length === 1 && !this.lastTrailingComma) return items[0];
      return { k: "tuple", items };
    }
    if (this.eat("[")) {
      const inner = this.ty();
      if (this.eat(";")) {
        const start = this.pos;
        this.expr();
        const len = this.toks
          .slice(start, this.pos)
          .map((t) => t.v)
          .join("");
        this.expect("]");
        return { k: "array", inner, len };
      }
      this.expect("]");
      return { k: "slice", inner };
    }
    if (t.t === "lt") {
      this.pos++;
      return { k: "atom", text: t.v };
    }
    if (t.t === "lit") {
      this.pos++;
      return { k: "atom", text: t.v };
    }
    if (this.is("_")) {
      this.pos++;
      return { k: "atom", text: "_" };
    }
    const global = this.eat("::");
    const segs: { name: string; args?: Ty[] }[] = [];
    for (;;) {
      const id = this.peek();
      if (!id || id.t !== "id" || (KEYWORDS.has(id.v) && id.v !== "dyn")) throw UNPARSED;
      if (id.v === "dyn" || id.v === "impl" || id.v === "fn") throw UNPARSED;
      this.pos++;
      const seg: { name: string; args?: Ty[] } = { name: id.v };
      if (this.is("<")) {
        this.pos++;
        seg.args = [];
        while (!this.is(">") && !this.is(">>")) {
          seg.args.push(this.ty());
          if (!this.eat(",")) break;
        }
        this.closeAngle();
      }
      segs.push(seg);
      if (!this.eat("::")) break;
    }
    return { k: "path", global, segs };
  }

  lastTrailingComma = false;
  seq<T>(close: string, item: () => T): T[] {
    const out: T[] = [];
    this.lastTrailingComma = false;
    while (!this.eat(close)) {
      out.push(item());
      this.lastTrailingComma = false;
      if (this.eat(",")) this.lastTrailingComma = true;
      else {
        this.expect(close);
        break;
      }
    }
    return out;
  }

  /** A path in an expression or pattern, turbofish included, as text. */
  pathText(): string {
    let text = "";
    if (this.eat("::")) text = "::";
    for (;;) {
      const id = this.peek();
      if (!id || id.t !== "id" || KEYWORDS.has(id.v)) throw UNPARSED;
      this.pos++;
      text += id.v;
      if (this.is("::") && this.is("<", 1)) {
        this.pos += 2;
        const args: Ty[] = [];
        while (!this.is(">") && !this.is(">>")) {
          args.push(this.ty());
          if (!this.eat(",")) break;
        }
        this.closeAngle();
        text += `::<${args.map(tyText).join(", ")}>`;
      }
      if (this.is("::") && this.peek(1)?.t === "id") {
        this.pos++;
        text += "::";
      } else return text;
    }
  }

  expr(minPrec = 0): Expr {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      if (!t) return left;
      if (t.v === "as" && t.t === "id") {
        this.pos++;
        left = { k: "cast", e: left, ty: this.ty() };
        continue;
      }
      const prec = t.t === "p" ? BINARY[t.v] : undefined;
      if (prec === undefined || prec <= minPrec) return left;
      this.pos++;
      const right = this.expr(prec);
      left = { k: "binary", op: t.v, l: left, r: right };
    }
  }

  unary(): Expr {
    if (this.eat("&")) {
      const op = this.eat("mut") ? "&mut " : "&";
      return { k: "unary", op, e: this.unary() };
    }
    if (this.is("&&")) throw UNPARSED;
    for (const op of ["*", "!", "-"]) if (this.eat(op)) return { k: "unary", op, e: this.unary() };
    return this.postfix(this.primary());
  }

  postfix(e: Expr): Expr {
    for (;;) {
      if (this.eat("?")) e = { k: "try", e };
      else if (this.is(".")) {
        this.pos++;
        const t = this.peek();
        if (!t || (t.t !== "id" && !(t.t === "lit" && /^[0-9]+$/.test(t.v)))) throw UNPARSED;
        this.pos++;
        let name = t.v;
        if (this.is("::") && this.is("<", 1)) {
          this.pos += 2;
          const args: Ty[] = [];
          while (!this.is(">") && !this.is(">>")) {
            args.push(this.ty());
            if (!this.eat(",")) break;
          }
          this.closeAngle();
          name += `::<${args.map(tyText).join(", ")}>`;
        }
        if (this.eat("(")) e = { k: "method", recv: e, name, args: this.seq(")", () => this.expr()) };
        else if (name === "await") throw UNPARSED;
        else e = { k: "field", recv: e, name };
      } else if (this.eat("(")) e = { k: "call", callee: e, args: this.seq(")", () => this.expr()) };
      else if (this.eat("[")) {
        const i = this.expr();
        this.expect("]");
        e = { k: "index", e, i };
      } else return e;
    }
  }

  primary(): Expr {
    const t = this.peek();
    if (!t) throw UNPARSED;
    if (t.t === "lit") {
      this.pos++;
      return { k: "lit", text: t.v };
    }
    if (this.eat("(")) {
      const items = this.seq(")", () => this.expr());
      if (items.length === 1 && !this.lastTrailingComma) return { k: "paren", e: items[0] };
      return { k: "tuple", items };
    }
    if (this.eat("[")) {
      if (this.eat("]")) return { k: "array", items: [] };
      const first = this.expr();
      if (this.eat(";")) {
        const n = this.expr();
        this.expect("]");
        return { k: "repeat", e: first, n };
      }
      const items = [first];
      if (this.eat(",")) items.push(...this.seq("]", () => this.expr()));
      else this.expect("]");
      return { k: "array", items };
    }
    if (t.t === "id" && (t.v === "true" || t.v === "false")) {
      this.pos++;
      return { k: "lit", text: t.v };
    }
    if (t.t === "id" || t.v === "::") {
      const path = this.pathText();
      if (this.is("!") && (this.is("(", 1) || this.is("[", 1))) {
        this.pos++;
        const delim = this.peek()!.v as "(" | "[";
        this.pos++;
        return { k: "macro", name: `${path}!`, delim, args: this.seq(delim === "(" ? ")" : "]", () => this.expr()) };
      }
      if (this.is("{")) {
        this.pos++;
        const fields = this.seq("}", () => {
          const id = this.peek();
          if (!id || (id.t !== "id" && id.t !== "lit")) throw UNPARSED;
          this.pos++;
          return { name: id.v, value: this.eat(":") ? this.expr() : null };
        });
        return { k: "struct", path, fields };
      }
      return { k: "path", text: path };
    }
    throw UNPARSED;
  }
}

export function tyText(t: Ty): string {
  switch (t.k) {
    case "path":
      return (
        (t.global ? "::" : "") +
        t.segs.map((s) => s.name + (s.args ? `<${s.args.map(tyText).join(", ")}>` : "")).join("::")
      );
    case "tuple":
      return `(${t.items.map(tyText).join(", ")}${t.items.length === 1 ? "," : ""})`;
    case "ref":
      return t.prefix + tyText(t.inner);
    case "slice":
      return `[${tyText(t.inner)}]`;
    case "array":
      return `[${tyText(t.inner)}; ${t.len}]`;
    case "atom":
      return t.text;
  }
}

export function parseWith<T>(text: string, f: (p: Parser) => T): T | null {
  const toks = tokenize(text);
  if (!toks) return null;
  const p = new Parser(toks);
  try {
    const v = f(p);
    return p.done() ? v : null;
  } catch {
    return null;
  }
}

export const parseType = (text: string): Ty | null => parseWith(text, (p) => p.ty());
