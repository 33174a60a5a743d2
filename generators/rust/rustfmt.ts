/**
 * A small port of rustfmt's layout rules (default configuration) for the
 * statements, types and signatures the Rust generator writes on one line:
 * the text is parsed into a tree and laid out against a shape (the columns
 * left on the first line and the indentation of the lines that follow) the
 * way rustfmt's `Rewrite` implementations do, including its width heuristics
 * (`fn_call_width` 60, `struct_lit_width` 18, `array_width` 60,
 * `chain_width` 60, `attr_fn_like_width` 70) and its choices between laying
 * out a right-hand side on the same line or the next.
 *
 * Every function returns `null` when the text is not something it knows or
 * does not fit, as rustfmt's rewrites return `None`; callers then keep the
 * text as it is, as rustfmt does.
 */
import { type Expr, Parser, parseType, parseWith, type Ty, tyText } from "./rustfmt-parse.js";

const MAX = 100;
const TAB = 4;
const FN_CALL_WIDTH = 60;
const STRUCT_LIT_WIDTH = 18;
const ARRAY_WIDTH = 60;
const CHAIN_WIDTH = 60;
const ATTR_FN_LIKE_WIDTH = 70;
const SHORT_ARRAY_ELEMENT_WIDTH = 10;

/** rustfmt's `Shape`: `indent` is the block indentation, `offset` the columns already used past it on the first line. */
interface Shape {
  width: number;
  indent: number;
  offset: number;
}

const indented = (indent: number): Shape => ({ width: Math.max(0, MAX - indent), indent, offset: 0 });
const offsetLeft = (s: Shape, w: number): Shape | null =>
  s.width < w ? null : { width: s.width - w, indent: s.indent, offset: s.offset + w };
const subWidth = (s: Shape, w: number): Shape | null =>
  s.width < w ? null : { width: s.width - w, indent: s.indent, offset: s.offset };
const blockIndent = (s: Shape, n: number): Shape => ({
  width: Math.max(0, MAX - s.indent - n),
  indent: s.indent + n,
  offset: 0,
});
const usedWidth = (s: Shape) => s.indent + s.offset;
const rhsOverhead = (s: Shape) => Math.max(0, MAX - (usedWidth(s) + s.width));
const spaces = (n: number) => " ".repeat(n);

const firstLine = (s: string) => {
  const nl = s.indexOf("\n");
  return nl < 0 ? s : s.slice(0, nl);
};
const firstLineWidth = (s: string) => {
  const nl = s.indexOf("\n");
  return nl < 0 ? s.length : nl;
};
const lastLineWidth = (s: string) => s.length - s.lastIndexOf("\n") - 1;
const newlines = (s: string) => {
  let n = 0;
  for (let i = s.indexOf("\n"); i >= 0; i = s.indexOf("\n", i + 1)) n++;
  return n;
};

/** rustfmt's `wrap_str`/`filtered_str_fits`. */
function fits(s: string, shape: Shape): boolean {
  if (firstLineWidth(s) > shape.width) return false;
  let nl = s.indexOf("\n");
  if (nl < 0) return true;
  while (nl >= 0) {
    const next = s.indexOf("\n", nl + 1);
    if ((next < 0 ? s.length : next) - nl - 1 > MAX) return false;
    nl = next;
  }
  return lastLineWidth(s) <= usedWidth(shape) + shape.width;
}
const wrap = (s: string | null, shape: Shape) => (s !== null && fits(s, shape) ? s : null);

// ---------------------------------------------------------------------------
// Lists (rustfmt's `overflow` module)

const EXPR_ITEM = 0;
const TYPE_ITEM = 1;
const PAT_ITEM = 2;
/** Text kept as written. */
const TEXT_ITEM = 3;
/** A type that never overflows (a tuple variant's field). */
const FIELD_ITEM = 4;

/**
 * A list item: its rewrite and what rustfmt's `overflow` asks of it. One
 * class for every kind, with what it asks computed only when asked.
 */
class Item {
  constructor(
    private readonly kind: number,
    private readonly expr: Expr | null,
    private readonly ty: Ty | null,
    private readonly text: string,
  ) {}

  rewrite(shape: Shape): string | null {
    switch (this.kind) {
      case EXPR_ITEM:
        return rewriteExpr(this.expr!, shape);
      case PAT_ITEM:
        return rewritePat(this.expr!, shape);
      case TEXT_ITEM:
        return this.text;
      default:
        return rewriteType(this.ty!, shape);
    }
  }

  canOverflow(len: number): boolean {
    switch (this.kind) {
      case EXPR_ITEM:
        return canOverflowExpr(this.expr!, len);
      case TYPE_ITEM:
        return canOverflowType(this.ty!, len);
      case PAT_ITEM:
        return canOverflowPat(this.expr!, len);
      default:
        return false;
    }
  }

  get nestedCall(): boolean {
    return this.kind === EXPR_ITEM && isNestedCall(this.expr!);
  }

  get simple(): boolean {
    return this.kind === EXPR_ITEM && isSimpleExpr(this.expr!);
  }

  get methodCall(): boolean {
    return this.kind === EXPR_ITEM && isMethodCall(this.expr!);
  }

  get isExpr(): boolean {
    return this.kind === EXPR_ITEM;
  }
}

let forceOneLineChain = false;
/** rustfmt's 2024 style edition (`--edition 2024`), where its rules differ. */
let style2024 = false;

type Tactic = "H" | "V" | "M";

function definitiveTactic(items: (string | null)[], limit: number): Tactic {
  const total = items.reduce((n, s) => n + (s ?? "").length, 0) + 2 * Math.max(0, items.length - 1);
  return total <= limit && !items.some((s) => s?.includes("\n")) ? "H" : "V";
}

function writeList(items: (string | null)[], tactic: Tactic, shape: Shape, trailing: boolean): string | null {
  if (items.some((s) => s === null)) return null;
  const strs = items as string[];
  if (tactic === "H") return strs.join(", ") + (trailing ? "," : "");
  const ind = spaces(shape.indent);
  if (tactic === "V") return strs.map((s, i) => (i < strs.length - 1 || trailing ? `${s},` : s)).join(`\n${ind}`);
  let out = "";
  let line = 0;
  strs.forEach((s, i) => {
    const last = i === strs.length - 1;
    const item = !last || trailing ? `${s},` : s;
    // A trailing comma does not count against the width.
    if (line > 0 && line + 1 + (last ? s.length : item.length) > shape.width) {
      out += `\n${ind}`;
      line = 0;
    } else if (line > 0) {
      out += " ";
      line++;
    }
    out += item;
    line += item.length;
  });
  return out;
}

function overflow(
  ident: string,
  items: Item[],
  shape: Shape,
  itemMaxWidth: number,
  delims: [string, string] = ["(", ")"],
  separator: "vertical" | "always" | "never" = "vertical",
): string | null {
  const [prefix, suffix] = delims;
  if (items.length === 0) return `${ident}${prefix}${suffix}`;
  const used = ident.includes("\n") ? Math.max(0, lastLineWidth(ident) - usedWidth(shape)) : ident.length;
  const oneLineWidth = Math.max(0, shape.width - (used + 2));
  const ols = offsetLeft(shape, lastLineWidth(ident) + 1);
  const oneLineShape = (ols && subWidth(ols, 1)) ?? { width: 0, indent: shape.indent, offset: shape.offset };
  const nested: Shape = { width: Math.max(0, MAX - shape.indent - TAB - 1), indent: shape.indent + TAB, offset: 0 };
  const list: (string | null)[] = items.map((i) => i.rewrite(nested));
  const n = items.length;
  const last = items[n - 1];

  const combine = n === 1 && last.isExpr && ident.length < TAB;
  const overflowLast = combine || last.canOverflow(n);
  let placeholder: string | null = null;
  if (overflowLast) {
    const saved = forceOneLineChain;
    if (!combine && last.methodCall) forceOneLineChain = true;
    let argShape: Shape | null;
    if (n === 1 && !last.nestedCall) argShape = oneLineShape;
    else {
      const off = list.slice(0, -1).reduce((a, s) => a + 2 + (s ?? "").length, 0);
      argShape = offsetLeft(
        { width: Math.min(itemMaxWidth, oneLineShape.width), indent: oneLineShape.indent, offset: oneLineShape.offset },
        off,
      );
    }
    const rw = argShape ? last.rewrite(argShape) : null;
    if (rw !== null) {
      list[n - 1] = firstLine(rw);
      placeholder = rw;
    }
    forceOneLineChain = saved;
  }
  let tactic = definitiveTactic(list, Math.min(oneLineWidth, itemMaxWidth));
  if (overflowLast && tactic === "H" && placeholder !== null) {
    if (n === 1 && newlines(placeholder) === 1) {
      const rw = last.rewrite(nested);
      list[n - 1] = rw !== null && !rw.includes("\n") ? rw : placeholder;
    } else list[n - 1] = placeholder;
  } else {
    list[n - 1] = last.rewrite(nested);
    const only = list[0];
    if (n === 1 && oneLineWidth !== 0 && only !== null && !only.includes("\n") && only.length <= oneLineWidth)
      tactic = "H";
    else {
      tactic = definitiveTactic(list, Math.min(oneLineWidth, itemMaxWidth));
      if (
        tactic === "V" &&
        items.every((i) => i.simple) &&
        list.every((s) => (s ?? "").length <= SHORT_ARRAY_ELEMENT_WIDTH)
      )
        tactic = "M";
    }
  }
  const trailing = separator === "always" || (separator === "vertical" && tactic !== "H");
  const itemsStr = writeList(list, tactic, nested, trailing);
  if (itemsStr === null) return null;
  const wrapWidth = shape.width - lastLineWidth(ident);
  const extendWidth = itemsStr === "" ? 2 : firstLineWidth(itemsStr) + 1;
  if (tactic === "H" && extendWidth <= wrapWidth) return `${ident}${prefix}${itemsStr}${suffix}`;
  return `${ident}${prefix}\n${spaces(nested.indent)}${itemsStr}\n${spaces(shape.indent)}${suffix}`;
}

// ---------------------------------------------------------------------------
// Types

function canOverflowType(t: Ty, len: number): boolean {
  if (t.k === "tuple") return len === 1;
  if (t.k === "ref") return canOverflowType(t.inner, len);
  return false;
}

const typeItem = (t: Ty): Item => new Item(TYPE_ITEM, null, t, "");

export function rewriteType(t: Ty, shape: Shape): string | null {
  switch (t.k) {
    case "atom":
      return t.text.length <= shape.width ? t.text : null;
    case "path": {
      let out = t.global ? "::" : "";
      for (let i = 0; i < t.segs.length; i++) {
        const seg = t.segs[i];
        if (i > 0) out += "::";
        out += seg.name;
        const s = offsetLeft(shape, out.length);
        if (!s) return null;
        if (seg.args && seg.args.length) {
          const g = overflow("", seg.args.map(typeItem), s, MAX, ["<", ">"]);
          if (g === null) return null;
          out += g;
        }
      }
      return out;
    }
    case "tuple":
      return overflow(
        "",
        t.items.map(typeItem),
        shape,
        FN_CALL_WIDTH,
        ["(", ")"],
        t.items.length === 1 ? "always" : "vertical",
      );
    case "ref": {
      const s = offsetLeft(shape, t.prefix.length);
      const inner = s && rewriteType(t.inner, s);
      return inner === null ? null : t.prefix + inner;
    }
    case "slice": {
      if (shape.width < 4) return null;
      const inner = rewriteType(t.inner, { width: shape.width - 4, indent: shape.indent, offset: shape.offset + 1 });
      return inner === null ? null : `[${inner}]`;
    }
    case "array": {
      const one = tyText(t);
      return one.length <= shape.width ? one : null;
    }
  }
}

// ---------------------------------------------------------------------------
// Expressions

function isSimpleExpr(e: Expr): boolean {
  switch (e.k) {
    case "lit":
      return true;
    case "path":
      return !e.text.includes("::");
    case "unary":
      return isSimpleExpr(e.e);
    case "cast":
    case "try":
      return isSimpleExpr(e.e);
    case "field":
      return isSimpleExpr(e.recv);
    case "index":
      return isSimpleExpr(e.e) && isSimpleExpr(e.i);
    case "repeat":
      return isSimpleExpr(e.e) && isSimpleExpr(e.n);
    default:
      return false;
  }
}

function canOverflowExpr(e: Expr, len: number): boolean {
  switch (e.k) {
    case "array":
    case "struct":
    case "macro":
    case "call":
    case "method":
    case "tuple":
      return len === 1;
    case "unary":
    case "try":
    case "cast":
      return canOverflowExpr(e.e, len);
    default:
      return false;
  }
}

function isNestedCall(e: Expr): boolean {
  if (e.k === "call" || e.k === "macro") return true;
  if (e.k === "unary" || e.k === "try" || e.k === "cast") return isNestedCall(e.e);
  return false;
}

function isMethodCall(e: Expr): boolean {
  if (e.k === "method") return true;
  if (e.k === "unary" || e.k === "try" || e.k === "cast") return isMethodCall(e.e);
  return false;
}

const exprItem = (e: Expr): Item => new Item(EXPR_ITEM, e, null, "");

const atom = (text: string, shape: Shape) => (text.length <= shape.width ? text : null);

export function rewriteExpr(e: Expr, shape: Shape): string | null {
  switch (e.k) {
    case "path":
    case "lit":
      return atom(e.text, shape);
    case "call": {
      const callee = rewriteExpr(e.callee, shape);
      return callee === null ? null : overflow(callee, e.args.map(exprItem), shape, FN_CALL_WIDTH);
    }
    case "macro":
      if (e.delim === "(") return overflow(e.name, e.args.map(exprItem), shape, FN_CALL_WIDTH);
      return overflow(e.name, e.args.map(exprItem), shape, ARRAY_WIDTH, ["[", "]"]);
    case "method":
    case "field":
    case "try":
      return rewriteChain(e, shape);
    case "index": {
      const base = exprText(e.e);
      const index = exprText(e.i);
      if (base === null || index === null) return null;
      const one = `${base}[${index}]`;
      return one.length <= shape.width && !one.includes("\n") ? one : null;
    }
    case "unary": {
      const s = offsetLeft(shape, e.op.length);
      const inner = s && rewriteExpr(e.e, s);
      return inner === null ? null : e.op + inner;
    }
    case "paren": {
      const s = offsetLeft(shape, 1);
      const s2 = s && subWidth(s, 1);
      const inner = s2 && rewriteExpr(e.e, s2);
      return inner === null ? null : `(${inner})`;
    }
    case "cast":
      return rewritePair(
        (s) => rewriteExpr(e.e, s),
        (s) => rewriteType(e.ty, s),
        "",
        " as ",
        "",
        shape,
        true,
      );
    case "binary":
      return rewritePair(
        (s) => rewriteExpr(e.l, s),
        (s) => rewriteExpr(e.r, s),
        "",
        ` ${e.op} `,
        "",
        shape,
        true,
      );
    case "repeat":
      return rewritePair(
        (s) => rewriteExpr(e.e, s),
        (s) => rewriteExpr(e.n, s),
        "[",
        "; ",
        "]",
        shape,
        false,
      );
    case "tuple":
      return overflow(
        "",
        e.items.map(exprItem),
        shape,
        FN_CALL_WIDTH,
        ["(", ")"],
        e.items.length === 1 ? "always" : "vertical",
      );
    case "array":
      return overflow("", e.items.map(exprItem), shape, ARRAY_WIDTH, ["[", "]"]);
    case "struct":
      return rewriteStruct(
        e.path,
        e.fields.map((f) => ({
          name: f.name,
          rewrite: f.value && ((s: Shape) => rewriteExpr(f.value!, s)),
          value: f.value,
        })),
        shape,
      );
  }
}

function exprText(e: Expr): string | null {
  return rewriteExpr(e, { width: 100000, indent: 0, offset: 0 });
}

/** rustfmt's `rewrite_pair`. */
function rewritePair(
  lhs: (s: Shape) => string | null,
  rhs: (s: Shape) => string | null,
  prefix: string,
  infix: string,
  suffix: string,
  shape: Shape,
  front: boolean,
): string | null {
  const overhead = front ? usedWidth(shape) : usedWidth(shape) + prefix.length + infix.trimEnd().length;
  const l = lhs({ width: Math.max(0, MAX - overhead), indent: shape.indent, offset: shape.offset });
  if (l === null) return null;
  const left = prefix + l;
  const s = offsetLeft(shape, lastLineWidth(left) + infix.length);
  const rs = s && subWidth(s, suffix.length);
  const r = rs && rhs(rs);
  if (r !== null) {
    const allowSame = left.length <= TAB || firstLine(r).trim().endsWith("{");
    if (
      (!r.includes("\n") || allowSame) &&
      lastLineWidth(left) + infix.length + firstLineWidth(r) + suffix.length <= shape.width
    )
      return left + infix + r + suffix;
  }
  let rhsShape: Shape | null = subWidth(
    blockIndent({ width: shape.width, indent: shape.indent, offset: 0 }, TAB),
    rhsOverhead(shape),
  );
  const inf = front ? infix.trimStart() : infix.trimEnd();
  if (rhsShape && front) rhsShape = offsetLeft(rhsShape, inf.length);
  if (!rhsShape) return null;
  const r2 = rhs(rhsShape);
  if (r2 === null) return null;
  const ind = `\n${spaces(rhsShape.indent)}`;
  return left + (front ? ind + inf : inf + ind) + r2 + suffix;
}

interface Field {
  name: string;
  rewrite: ((s: Shape) => string | null) | null;
}

/** rustfmt's `rewrite_struct_lit` and `rewrite_struct_pat`. */
function rewriteStruct(path: string, fields: Field[], shape: Shape): string | null {
  if (path.length > shape.width - 2) return null;
  if (fields.length === 0) return `${path} {}`;
  const vShape: Shape = blockIndent({ width: shape.width, indent: shape.indent, offset: 0 }, TAB);
  const hWidth = shape.width - (path.length + 3) - 2;
  const h = hWidth >= 0 ? Math.min(hWidth, STRUCT_LIT_WIDTH) : null;
  const items = fields.map((f) => {
    if (!f.rewrite) return f.name;
    const s = offsetLeft({ width: vShape.width - 1, indent: vShape.indent, offset: vShape.offset }, f.name.length + 2);
    const v = s && f.rewrite(s);
    return v === null ? null : `${f.name}: ${v}`;
  });
  const tactic: Tactic = h === null ? "V" : definitiveTactic(items, h);
  const body = writeList(items, tactic, vShape, tactic !== "H");
  if (body === null) return null;
  const vertical = body.includes("\n") || body.length > (h ?? 0) || tactic !== "H";
  if (vertical) return `${path} {\n${spaces(vShape.indent)}${body}\n${spaces(shape.indent)}}`;
  return `${path} { ${body} }`;
}

// Chains ---------------------------------------------------------------------

type Child = { text: string; args?: Expr[]; tries: number };

function rewriteChild(c: Child, shape: Shape): string | null {
  const s = subWidth(shape, c.tries);
  if (!s) return null;
  const q = "?".repeat(c.tries);
  if (!c.args) return `.${c.text}${q}`;
  const r = overflow(`.${c.text}`, c.args.map(exprItem), s, FN_CALL_WIDTH);
  return r === null ? null : r + q;
}

function lastLineExtendable(s: string): boolean {
  for (let i = s.length - 1; i >= 0; i--) {
    const c = s[i];
    if ("()]}?>".includes(c) || c === " ") continue;
    if (c === "\n") break;
    return false;
  }
  return true;
}

function rewriteChain(e: Expr, shape: Shape): string | null {
  // Collected from the outermost call in, then reversed: `unshift` moves every element each time.
  const children: Child[] = [];
  let root = e;
  let tries = 0;
  for (;;) {
    if (root.k === "try") {
      tries++;
      root = root.e;
    } else if (root.k === "method") {
      children.push({ text: root.name, args: root.args, tries });
      tries = 0;
      root = root.recv;
    } else if (root.k === "field") {
      children.push({ text: root.name, tries });
      tries = 0;
      root = root.recv;
    } else break;
  }
  children.reverse();
  const rootShape = subWidth(shape, tries);
  let rootRw = rootShape && rewriteExpr(root, rootShape);
  if (rootRw === null) return null;
  rootRw += "?".repeat(tries);
  if (children.length === 0) return rootRw;
  const childCount = children.length;
  const tabWidth = Math.max(0, TAB - shape.offset);
  const rk = root.k;
  let endsWithBlock = rootRw.includes("\n") && (rk === "call" || rk === "macro" || rk === "array" || rk === "struct");
  while (rootRw.length <= tabWidth && !rootRw.includes("\n")) {
    const s = offsetLeft(shape, rootRw.length);
    if (!s) return null;
    const rw = rewriteChild(children[0], s);
    if (rw === null) break;
    rootRw += rw;
    endsWithBlock = lastLineExtendable(rootRw);
    children.shift();
    if (children.length === 0) break;
  }
  if (children.length === 0) return wrap(rootRw, shape);
  const childShape: Shape = endsWithBlock
    ? { width: MAX - shape.indent, indent: shape.indent, offset: 0 }
    : blockIndent(shape, TAB);
  const rewrites: string[] = [rootRw];
  for (let i = 0; i < children.length - 1; i++) {
    const rw = rewriteChild(children[i], childShape);
    if (rw === null) return null;
    rewrites.push(rw);
  }
  const last = children[children.length - 1];
  const extendable = lastLineExtendable(rewrites[0]) && false;
  const almostTotal =
    (extendable ? lastLineWidth(rewrites[0]) : rewrites.reduce((n, s) => n + s.length, 0)) + last.tries;
  const budget = (childCount === 1 ? shape.width : Math.min(shape.width, CHAIN_WIDTH)) - almostTotal;
  const allInOne = rewrites.every((s) => !s.includes("\n")) && budget > 0;
  let fitsSingle = false;
  let lastRw: string | null = null;
  const lastShape = allInOne ? subWidth(shape, last.tries) : subWidth(childShape, rhsOverhead(shape) + last.tries);
  if (!lastShape) return null;
  const lastBare: Child = last.tries === 0 ? last : { ...last, tries: 0 };
  if (allInOne) {
    const one = offsetLeft(lastShape, almostTotal);
    const rw = one && rewriteChild(lastBare, one);
    if (rw !== null) {
      const lines = newlines(rw) + 1;
      const couldFit = firstLineWidth(rw) <= budget;
      if (couldFit && lines >= 5) {
        lastRw = rw;
        fitsSingle = true;
      } else {
        const ls = subWidth(childShape, rhsOverhead(shape) + last.tries);
        const nrw = ls && rewriteChild(lastBare, ls);
        if (nrw !== null && !couldFit) lastRw = nrw;
        else if (nrw !== null && newlines(nrw) + 1 >= lines) {
          lastRw = rw;
          fitsSingle = couldFit;
        } else if (nrw !== null) lastRw = nrw;
        else {
          lastRw = rw;
          fitsSingle = couldFit;
        }
      }
    }
  }
  if (lastRw === null) lastRw = rewriteChild(lastBare, lastShape);
  if (lastRw === null) return null;
  rewrites.push(last.tries === 0 ? lastRw : lastRw + "?".repeat(last.tries));
  if (!fitsSingle && forceOneLineChain) return null;
  const sep = fitsSingle ? "" : `\n${spaces(childShape.indent)}`;
  return wrap(rewrites.join(sep), shape);
}

// Patterns -------------------------------------------------------------------

function canOverflowPat(p: Expr, len: number): boolean {
  if (p.k === "path") return p.text.includes("::") && len === 1;
  if (p.k === "tuple" || p.k === "struct" || p.k === "call") return len === 1;
  if (p.k === "unary") return canOverflowPat(p.e, len);
  return false;
}

const patItem = (p: Expr): Item => new Item(PAT_ITEM, p, null, "");

/** A pattern, parsed as an expression of the same shape (`P { a: x }`, `P(x)`, `(a, b)`, `[a, b]`). */
function rewritePat(p: Expr, shape: Shape): string | null {
  switch (p.k) {
    case "path":
      return p.text.includes("::") ? atom(p.text, shape) : p.text;
    case "lit":
      return p.text;
    case "unary":
      if (p.op !== "&" && p.op !== "&mut ") return null;
      return (
        p.op +
        (rewritePat(p.e, offsetLeft(shape, p.op.length) ?? { width: 0, indent: shape.indent, offset: shape.offset }) ??
          "")
      );
    case "call": {
      if (p.callee.k !== "path") return null;
      const path = atom(p.callee.text, shape);
      return path === null ? null : overflow(path, p.args.map(patItem), shape, MAX);
    }
    case "tuple":
      return overflow("", p.items.map(patItem), shape, MAX, ["(", ")"], p.items.length === 1 ? "always" : "vertical");
    case "array": {
      // The 2021 style writes a slice pattern on one line whatever its width; 2024 lays it out as an array.
      if (style2024) return overflow("", p.items.map(patItem), shape, ARRAY_WIDTH, ["[", "]"]);
      const items = p.items.map((i) => rewritePat(i, shape));
      return items.some((i) => i === null) ? null : `[${items.join(", ")}]`;
    }
    case "struct":
      return rewriteStruct(
        p.path,
        p.fields.map((f) => ({ name: f.name, rewrite: f.value && ((s: Shape) => rewritePat(f.value!, s)) })),
        shape,
      );
    default:
      return null;
  }
}

function parsePattern(p: Parser): { mut: boolean; pat: Expr } {
  const mut = p.eat("mut");
  return { mut, pat: p.unary() };
}

// ---------------------------------------------------------------------------
// Statements and items

/** rustfmt's `rewrite_assign_rhs`: `lhs` ends with `=`. */
function assignRhs(lhs: string, rhs: (s: Shape) => string | null, shape: Shape): string | null {
  const llw = lastLineWidth(lhs) - (lhs.includes("\n") ? shape.indent : 0);
  const orig = offsetLeft(shape, llw + 1) ?? { width: 0, indent: shape.indent, offset: shape.offset + llw + 1 };
  const o = rhs(orig);
  if (o !== null && !o.includes("\n") && o.length <= orig.width) return `${lhs} ${o}`;
  const newShape = subWidth(blockIndent({ width: orig.width, indent: orig.indent, offset: 0 }, TAB), rhsOverhead(orig));
  const n = newShape && rhs(newShape);
  const nl = `\n${spaces(orig.indent + TAB)}`;
  if (o !== null && n !== null) {
    if (!fits(n, newShape!)) return `${lhs} ${o}`;
    const ends = (s: string, c: string) => firstLine(s).endsWith(c);
    const preferNext =
      !n.includes("\n") ||
      newlines(o) > newlines(n) + 1 ||
      (ends(o, "(") && !ends(n, "(")) ||
      (ends(o, "{") && !ends(n, "{")) ||
      (ends(o, "[") && !ends(n, "["));
    return preferNext ? lhs + nl + n : `${lhs} ${o}`;
  }
  if (n !== null) return lhs + nl + n;
  if (o !== null) return `${lhs} ${o}`;
  return null;
}

/**
 * One statement or item written on one line (`let`, an assignment, an
 * expression with or without `;`, `pub type`, `static`, an attribute),
 * laid out at `indent` columns as rustfmt would; `null` when it is not one
 * of those.
 */
export function formatStatement(text: string, indent: number, edition2024 = false): string | null {
  style2024 = edition2024;
  const shape = indented(indent);
  if (text.startsWith("#[") && text.endsWith("]")) return formatAttribute(text, shape);
  if (!text.endsWith(";")) {
    if (/[{},]$/.test(text) || text.startsWith("//")) return null;
    const e = parseWith(text, (p) => p.expr());
    return e && rewriteExpr(e, shape);
  }
  const body = text.slice(0, -1);
  const stmt = subWidth(shape, 1)!;
  let m: RegExpMatchArray | null;
  if ((m = body.match(/^((?:pub(?:\([a-z]+\))? )?type [A-Za-z0-9_]+(?:<[^=]*>)?) = (.*)$/))) {
    const ty = parseType(m[2]);
    return ty && addSemi(assignRhs(`${m[1]} =`, (s) => rewriteType(ty, s), stmt));
  }
  if ((m = body.match(/^((?:pub )?static (?:mut )?[A-Za-z0-9_]+): (.*?) = (.*)$/))) {
    const ty = parseType(m[2]);
    const e = parseWith(m[3], (p) => p.expr());
    if (!ty || !e) return null;
    const lhs = `${m[1]}: ${tyText(ty)} =`;
    return addSemi(assignRhs(lhs, (s) => rewriteExpr(e, s), stmt));
  }
  if (body.startsWith("let ")) {
    const parsed = parseWith(body.slice(4), (p) => {
      const pat = parsePattern(p);
      const ty = p.eat(":") ? p.ty() : null;
      p.expect("=");
      return { ...pat, ty, init: p.expr() };
    });
    if (!parsed) return null;
    const ps = offsetLeft(shape, 4);
    const patShape = ps && subWidth(ps, 1);
    if (!patShape) return null;
    const prefix = parsed.mut ? "mut " : "";
    const pat = rewritePat(
      parsed.pat,
      offsetLeft(patShape, prefix.length) ?? { width: 0, indent: patShape.indent, offset: patShape.offset },
    );
    if (pat === null) return null;
    let lhs = `let ${prefix}${pat}`;
    if (parsed.ty) {
      const base = pat.includes("\n") ? { width: MAX - indent, indent: shape.indent, offset: shape.offset } : shape;
      const ts = offsetLeft(base, lastLineWidth(lhs) - (lhs.includes("\n") ? indent : 0) + 2);
      const ts2 = ts && subWidth(ts, 2);
      const t = ts2 && rewriteType(parsed.ty, ts2);
      if (t === null) return null;
      lhs += `: ${t}`;
    }
    const init = parsed.init;
    return addSemi(assignRhs(`${lhs} =`, (s) => rewriteExpr(init, s), stmt));
  }
  const assign = parseWith(body, (p) => {
    const l = p.expr();
    const op = p.peek();
    if (!op || op.t !== "p" || !["=", "+=", "-=", "*=", "/=", "|=", "&=", "^="].includes(op.v))
      return { l, op: null, r: null };
    p.pos++;
    return { l, op: op.v, r: p.expr() };
  });
  if (!assign) return null;
  if (assign.op === null) return addSemi(rewriteExpr(assign.l, stmt));
  const ls = subWidth(stmt, assign.op.length + 1);
  const l = ls && rewriteExpr(assign.l, ls);
  if (l === null) return null;
  const r = assign.r!;
  return addSemi(assignRhs(`${l} ${assign.op}`, (s) => rewriteExpr(r, s), stmt));
}

const addSemi = (s: string | null) => (s === null ? null : `${s};`);

/** `#[name(items)]`: rustfmt lays the items out as a call's arguments, within `attr_fn_like_width`. */
function formatAttribute(text: string, shape: Shape): string | null {
  const inner = text.slice(2, -1);
  const m = inner.match(/^([A-Za-z_][A-Za-z0-9_:]*)\((.*)\)$/);
  // rustfmt keeps `#[unsafe(...)]` as written.
  if (!m || m[1] === "unsafe") return null;
  const items = splitTopLevel(m[2]);
  const s = offsetLeft(shape, 2);
  const s2 = s && subWidth(s, 1);
  if (!s2) return null;
  // rustfmt keeps a `name = "literal"` item as written even past the width.
  const list = items.map((text) => new Item(TEXT_ITEM, null, null, text));
  const r = overflow(m[1], list, s2, ATTR_FN_LIKE_WIDTH, ["(", ")"], "never");
  return r === null ? null : `#[${r}]`;
}

/** Splits `a, f(b, c), d` at its top-level commas. */
export function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  let quote = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === '"') quote = false;
    } else if (c === '"') quote = true;
    else if (c === "(" || c === "[" || c === "{" || c === "<") depth++;
    else if (c === ")" || c === "]" || c === "}" || c === ">") depth--;
    else if (c === "," && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  const tail = text.slice(start).trim();
  if (tail !== "" || out.length === 0) out.push(tail);
  return out;
}

// Function signatures ---------------------------------------------------------

/**
 * `[qualifiers ]fn name[<generics>](params)[ -> ret]` followed by ` {` or
 * `;`, laid out as rustfmt's `rewrite_fn_base` does; `null` for other text
 * (a `where` clause, say).
 */
export function formatFnSignature(text: string, indent: number, edition2024: boolean): string | null {
  const h = text.match(
    /^((?:pub(?:\([a-z]+\))? )?(?:async )?(?:unsafe )?(?:extern "C" )?fn )([A-Za-z0-9_]+(?:<[^()]*>)?)\(/,
  );
  if (!h) return null;
  const [, qualifiers, name] = h;
  // A head that leaves under four columns after its generic parameters breaks them, one a line.
  const lt = name.indexOf("<");
  if (lt > 0 && indent + h[0].length - 1 + 4 > MAX) {
    const generics = splitTopLevel(name.slice(lt + 1, -1));
    const rest = formatFnSignature(`fn x${text.slice(h[0].length - 1)}`, indent, edition2024);
    if (rest === null || rest.includes("\n")) return null;
    const lines = generics.map((g) => `${spaces(indent + TAB)}${g.trim()},`);
    return `${qualifiers}${name.slice(0, lt)}<\n${lines.join("\n")}\n${spaces(indent)}>${rest.slice(4)}`;
  }
  let depth = 1;
  let close = h[0].length;
  for (; close < text.length && depth > 0; close++) {
    if (text[close] === "(") depth++;
    else if (text[close] === ")") depth--;
  }
  const m = text.slice(close).match(/^( -> .*?)?( \{|;)$/);
  if (depth !== 0 || !m) return null;
  const paramText = text.slice(h[0].length, close - 1);
  const [, retText, end] = m;
  if (name.includes("<") && /[<>]/.test(name.slice(name.indexOf("<") + 1, -1).replace(/<[^<>]*>/g, ""))) return null;
  const brace = end === " {";
  const params: { pat: string; ty: Ty | null }[] = [];
  for (const p of paramText.trim() === "" ? [] : splitTopLevel(paramText)) {
    const pm = p.match(/^(mut )?([A-Za-z0-9_]+): (.*)$/);
    if (pm) {
      const ty = parseType(pm[3]);
      if (!ty) return null;
      params.push({ pat: `${pm[1] ?? ""}${pm[2]}`, ty });
    } else if (/^(&(mut )?)?self$/.test(p)) params.push({ pat: p, ty: null });
    else return null;
  }
  const ret = retText ? parseType(retText.slice(4)) : null;
  if (retText && !ret) return null;
  let result = qualifiers + name;
  const rewriteRet = (s: Shape) => {
    if (!ret) return "";
    const inner = rewriteType(ret, { width: s.width - 3, indent: s.indent, offset: s.offset + 3 });
    return inner === null ? null : `-> ${inner}`;
  };
  const retStr = rewriteRet(indented(indent));
  if (retStr === null) return null;
  const multiLineRet = retStr.includes("\n");
  const retLen = multiLineRet ? 0 : retStr.length;
  // compute_budgets_for_params
  const paramIndent = indent + TAB;
  const multiBudget = Math.max(0, MAX - (paramIndent + 1));
  let oneLine = 0;
  if (!multiLineRet) {
    const used = indent + result.length + retLen + (retLen === 0 ? 2 : 3) + (brace ? 2 : 1);
    oneLine = Math.max(0, MAX - used);
  }
  const items = params.map((p) => {
    if (!p.ty) return p.pat;
    const w = multiBudget - (p.pat.length + 2);
    const t = w < 0 ? null : rewriteType(p.ty, { width: w, indent: paramIndent, offset: 0 });
    return t === null ? `${p.pat}: ${tyText(p.ty)}` : `${p.pat}: ${t}`;
  });
  const tactic = definitiveTactic(items, oneLine);
  const paramStr = tactic === "H" ? items.join(", ") : items.map((s) => `${s},`).join(`\n${spaces(paramIndent)}`);
  const inBlock = (paramStr.includes("\n") || paramStr.length > oneLine) && params.length > 0;
  let noParamsOver = false;
  result += "(";
  if (inBlock) result += `\n${spaces(paramIndent)}${paramStr}\n${spaces(indent)})`;
  else {
    result += paramStr;
    const usedW = indent + result.length + firstLineWidth(retStr);
    const over = params.length === 0 && usedW + 1 > MAX;
    if (edition2024) {
      if (over) {
        result += `)\n${spaces(indent)}`;
        noParamsOver = true;
      } else result += ")";
    } else result += over ? `\n${spaces(indent)})` : ")";
  }
  let forceBrace = false;
  if (ret) {
    let shouldIndent: boolean;
    if (inBlock || params.length === 0) shouldIndent = false;
    else if (result.includes("\n") || multiLineRet) shouldIndent = true;
    else shouldIndent = result.length + indent + retLen + 1 + 2 > MAX;
    let retShape: Shape;
    if (shouldIndent) {
      if (!edition2024) {
        const ind = paramStr === "" ? ((forceBrace = true), indent + TAB) : paramIndent;
        result += `\n${spaces(ind)}`;
        retShape = indented(ind);
      } else {
        retShape = indented(indent);
        if (paramStr === "") {
          forceBrace = true;
          retShape = offsetLeft(retShape, 4) ?? retShape;
        }
        result += `\n${spaces(retShape.indent)}`;
      }
    } else {
      if (!edition2024 || paramStr !== "" || !noParamsOver) result += " ";
      const base = indented(indent);
      retShape = offsetLeft(base, lastLineWidth(result)) ?? base;
    }
    if (multiLineRet || shouldIndent) {
      const r = rewriteRet(retShape);
      if (r === null) return null;
      result += r;
    } else result += retStr;
  }
  if (!brace) return `${result};`;
  // The first line of `result` carries no indentation; the others do.
  const lastWidth = result.includes("\n") ? lastLineWidth(result) : result.length;
  if (forceBrace || lastWidth + 2 > MAX - indent) return `${result}\n${spaces(indent)}{`;
  return `${result} {`;
}

/** A type as rustfmt lays it out after `prefix` (a field's `name: `, say), `suffix` following it. */
export function formatTypeAfter(prefix: string, ty: string, suffix: string, indent: number): string | null {
  const t = parseType(ty);
  if (!t) return null;
  const s = offsetLeft(indented(indent), prefix.length);
  const s2 = s && subWidth(s, suffix.length);
  const r = s2 && rewriteType(t, s2);
  return r === null ? null : prefix + r + suffix;
}

/** A tuple variant's or tuple struct's fields: `Name(T, U)` followed by `suffix`. */
export function formatTupleFields(head: string, types: string[], suffix: string, indent: number): string | null {
  const tys = types.map(parseType);
  if (tys.some((t) => t === null)) return null;
  const shape = subWidth(indented(indent), suffix.length);
  if (!shape) return null;
  const items = (tys as Ty[]).map((t) => new Item(FIELD_ITEM, null, t, ""));
  const r = overflow(head, items, shape, FN_CALL_WIDTH);
  return r === null ? null : r + suffix;
}

/**
 * The opening line of a block-bodied construct: a match arm `pattern => {`,
 * or `let pattern = match scrutinee {`. `nextLine` is set when rustfmt puts
 * the `match` on the next line, indented, its arms and closing brace with it.
 */
export function formatBlockOpener(
  text: string,
  indent: number,
  edition2024 = false,
): { text: string; nextLine: boolean } | null {
  style2024 = edition2024;
  const shape = indented(indent);
  const arm = text.match(/^(.*) => \{$/);
  if (arm) {
    const pat = parseWith(arm[1], (p) => p.unary());
    const s = subWidth(shape, 5);
    const r = pat && s && rewritePat(pat, s);
    return r === null ? null : { text: `${r} => {`, nextLine: false };
  }
  const let_ = text.match(/^let (.*) = match (.*) \{$/);
  if (!let_) return null;
  const parsed = parseWith(let_[1], (p) => parsePattern(p));
  const scrutinee = parseWith(let_[2], (p) => p.expr());
  if (!parsed || !scrutinee) return null;
  const ps = offsetLeft(shape, 4);
  const patShape = ps && subWidth(ps, 1);
  const prefix = parsed.mut ? "mut " : "";
  const pat =
    patShape &&
    rewritePat(
      parsed.pat,
      offsetLeft(patShape, prefix.length) ?? { width: 0, indent: patShape.indent, offset: patShape.offset },
    );
  if (pat === null) return null;
  const lhs = `let ${prefix}${pat} =`;
  // The `match` head must fit after `= `: `match ` before the scrutinee. When ` {` does not fit
  // after it, rustfmt puts the brace on the next line, at the statement's indentation.
  const llw = lastLineWidth(lhs) - (lhs.includes("\n") ? indent : 0);
  const orig = offsetLeft(shape, llw + 1);
  const cond =
    orig && orig.width >= 6
      ? rewriteExpr(scrutinee, { width: orig.width - 6, indent: orig.indent, offset: orig.offset + 6 })
      : null;
  if (cond !== null && !cond.includes("\n")) {
    if (cond.length + 2 <= orig!.width - 6) return { text: `${lhs} match ${cond} {`, nextLine: false };
    return { text: `${lhs} match ${cond}\n${spaces(indent)}{`, nextLine: false };
  }
  const next = blockIndent(shape, TAB);
  const c2 = next.width >= 9 ? rewriteExpr(scrutinee, { width: next.width - 9, indent: next.indent, offset: 6 }) : null;
  if (c2 === null || c2.includes("\n")) return null;
  return { text: `${lhs}\n${spaces(indent + TAB)}match ${c2} {`, nextLine: true };
}

function canFlattenArmBody(e: Expr): boolean {
  if (["call", "method", "macro", "struct", "tuple", "array"].includes(e.k)) return true;
  if (e.k === "unary" || e.k === "try" || e.k === "cast") return canFlattenArmBody(e.e);
  if (e.k === "index") return canFlattenArmBody(e.e);
  return false;
}

/** A match arm `pattern => body,` whose body is an expression, as rustfmt's `rewrite_match_body` lays it out. */
export function formatMatchArm(text: string, indent: number, edition2024 = false): string | null {
  style2024 = edition2024;
  const m = text.match(/^(.*?) => (.*),$/);
  if (!m) return null;
  const pat = parseWith(m[1], (p) => p.unary());
  const body = parseWith(m[2], (p) => p.expr());
  if (!pat || !body) return null;
  const shape = indented(indent);
  const ps = subWidth(shape, 5);
  const pats = ps && rewritePat(pat, ps);
  if (pats === null) return null;
  const os = offsetLeft(shape, lastLineWidth(pats) - (pats.includes("\n") ? indent : 0) + 4);
  const origShape = os && subWidth(os, 1);
  const orig = origShape && rewriteExpr(body, origShape);
  if (orig !== null && !orig.includes("\n") && orig.length <= origShape!.width) return `${pats} => ${orig},`;
  const next = rewriteExpr(body, indented(indent + TAB));
  const sameLine = (s: string) => `${pats} => ${s},`;
  const nextLine = (s: string) => `${pats} => {\n${spaces(indent + TAB)}${s}\n${spaces(indent)}}`;
  const ends = (s: string, c: string) => firstLine(s).endsWith(c);
  if (orig !== null && next !== null) {
    const preferNext =
      !next.includes("\n") ||
      newlines(orig) > newlines(next) + 1 ||
      (ends(orig, "(") && !ends(next, "(")) ||
      (ends(orig, "{") && !ends(next, "{")) ||
      (ends(orig, "[") && !ends(next, "["));
    if (preferNext) return nextLine(next);
    if (canFlattenArmBody(body) && firstLineWidth(orig) <= origShape!.width) return sameLine(orig);
    return nextLine(next);
  }
  if (next !== null) return nextLine(next);
  return orig === null ? null : sameLine(orig);
}
