/**
 * A Rust source buffer with rustfmt's layout rules for the constructs the
 * generator emits: four-space indentation, one item per line, and lists
 * (arguments, fields, patterns, arrays) broken one item per line with a
 * trailing comma when they would pass 100 columns. A buffer can be nested in
 * another at any depth; lists are laid out only when the final indentation is
 * known.
 */
import {
  formatBlockOpener,
  formatFnSignature,
  formatMatchArm,
  formatStatement,
  formatTupleFields,
  formatTypeAfter,
  splitTopLevel,
} from "./rustfmt.js";

export const MAX_WIDTH = 100;

/**
 * What a list is, for rustfmt's width heuristics: the items of a call,
 * tuple or array may take 60 columns on one line, a struct literal's or
 * pattern's 18, a function signature's whatever fits in 100.
 */
export type ListKind = "call" | "struct" | "array" | "params";

const ITEMS_WIDTH: Record<ListKind, number> = { call: 60, struct: 18, array: 60, params: MAX_WIDTH };

const TEXT = 0;
const LIST = 1;
const CHAIN = 2;
const ASSIGN = 3;
const ARM = 4;
const NESTED = 5;

/**
 * One entry of a buffer. Every entry has the same fields, whatever its kind,
 * so that the layout loop meets one object shape.
 */
class Entry {
  constructor(
    readonly kind: number,
    readonly depth: number,
    /** A line; a list's head; an assignment's left side; an arm's pattern. */
    readonly text: string,
    /** A list's tail; an assignment's right side. */
    readonly tail: string,
    /** A list's items; a chain's or an arm's parts. */
    readonly parts: readonly string[] | null,
    readonly open: string,
    readonly close: string,
    readonly listKind: ListKind,
    /** Another buffer's entries, of which the first `count` are nested here. */
    readonly nested: readonly Entry[] | null,
    readonly count: number,
  ) {}
}

const textEntry = (depth: number, text: string) => new Entry(TEXT, depth, text, "", null, "", "", "call", null, 0);

/** The last line-producing entry of `entries`, looking into nested buffers. */
function lastEntry(entries: readonly Entry[], count = entries.length): Entry | undefined {
  const last = entries[count - 1];
  return last !== undefined && last.kind === NESTED ? lastEntry(last.nested!, last.count) : last;
}

const INDENTS: string[] = [""];
const indentation = (depth: number): string => {
  while (INDENTS.length <= depth) INDENTS.push(INDENTS[INDENTS.length - 1] + "    ");
  return INDENTS[depth];
};

export class RustSource {
  private readonly entries: Entry[] = [];
  private depth = 0;

  get indent(): number {
    return this.depth;
  }

  /** Appends lines at the current indentation (an empty string is a blank line). */
  line(...texts: string[]): void {
    for (const text of texts) this.entries.push(textEntry(this.depth, text));
  }

  /** Appends a line and indents what follows (`{` ends it). */
  open(text: string): void {
    this.line(text);
    this.depth++;
  }

  /** Dedents and appends a line (`}` or `};`). */
  close(text = "}"): void {
    this.depth--;
    this.line(text);
  }

  /** A line between two indented blocks, as `} else {`. */
  mid(text: string): void {
    this.depth--;
    this.line(text);
    this.depth++;
  }

  /** Indents (or, with a negative step, dedents) what follows. */
  shift(step: number): void {
    this.depth += step;
  }

  /** Appends another buffer's contents, nested at the current indentation. */
  append(other: RustSource): void {
    // Buffers only grow, so their first `count` entries are what they hold now: no copy is needed.
    if (other.entries.length > 0)
      this.entries.push(
        new Entry(NESTED, this.depth, "", "", null, "", "", "call", other.entries, other.entries.length),
      );
  }

  /** A blank line, unless the buffer is empty or already ends with one or with an opening brace. */
  blank(): void {
    const last = lastEntry(this.entries);
    if (last === undefined || (last.kind === TEXT && (last.text === "" || last.text.endsWith("{")))) return;
    this.entries.push(textEntry(this.depth, ""));
  }

  get empty(): boolean {
    return this.entries.length === 0;
  }

  /**
   * `head(items)tail`: on one line when it fits, else `head(`, one item per
   * line, and `)tail`. `open`/`close` are the brackets.
   */
  list(head: string, items: string[], tail: string, kind: ListKind, open = "(", close = ")"): void {
    this.entries.push(new Entry(LIST, this.depth, head, tail, items, open, close, kind, null, 0));
  }

  /**
   * `lhs = rhs;` (a `let` or a `static`): on one line when it fits, else with
   * `rhs` on the next line, indented, as rustfmt puts it.
   */
  assign(lhs: string, rhs: string): void {
    this.entries.push(new Entry(ASSIGN, this.depth, lhs, rhs, null, "", "", "call", null, 0));
  }

  /** A match arm whose body is a method chain: on the arm's line when it fits, else in a block. */
  arm(pattern: string, chain: string[]): void {
    this.entries.push(new Entry(ARM, this.depth, pattern, "", chain, "", "", "call", null, 0));
  }

  /** A method chain: on one line when it is short (rustfmt's `chain_width`), else one call per line. */
  chain(parts: string[]): void {
    this.entries.push(new Entry(CHAIN, this.depth, "", "", parts, "", "", "call", null, 0));
  }

  /** The lines, laid out; `edition2024` selects rustfmt's 2024 style where it differs. */
  toLines(edition2024 = false): string[] {
    const layout = this.laidOut(edition2024);
    const { out, depths } = layout;
    const lines: string[] = [];
    for (let i = 0, n = layout.end(); i < n; i++) lines.push(indentation(depths[i]) + out[i]);
    return lines;
  }

  /** The lines joined, each ended by a newline: from the lines and their indentation, with no string made per line. */
  toString(edition2024 = false): string {
    const layout = this.laidOut(edition2024);
    const { out, depths } = layout;
    const n = layout.end();
    if (n === 0) return "\n";
    const parts: string[] = new Array(3 * n);
    let k = 0;
    for (let i = 0; i < n; i++) {
      if (depths[i] > 0) parts[k++] = indentation(depths[i]);
      parts[k++] = out[i];
      parts[k++] = "\n";
    }
    parts.length = k;
    return parts.join("");
  }

  private laidOut(edition2024: boolean): Layout {
    const layout = new Layout(edition2024);
    layout.entries(this.entries, this.entries.length, 0);
    return layout;
  }
}

/** The laying out of a buffer's entries, in order, into lines. */
class Layout {
  /** The lines without their indentation, which `depths` holds (0 for the later lines of a laid-out line, which carry theirs). */
  readonly out: string[] = [];
  readonly depths: number[] = [];
  /**
   * Depths of the `let … = match … {` statements whose `match` rustfmt moves
   * to the next line: their arms and closing brace move one level in with it.
   */
  private readonly shifted: number[] = [];
  /**
   * Generated code repeats lines (each function's glue numbers its variables
   * from 0), so each distinct line is laid out once: its layout depends only
   * on its text and indentation. By text, then by depth: a text's hash is
   * computed once, a joined key's would be on every lookup.
   */
  private readonly laidOut = new Map<string, (string[] | null)[]>();
  /**
   * Layouts by the text with the digits of its identifiers zeroed
   * (`digitPattern`), for the lines that differ only in their variables'
   * numbers (`let _t2 = …` and `let _t7 = …`), by depth.
   */
  private readonly byPattern = new Map<string, (PatternLayout | null)[]>();
  private readonly openers = new Map<string, ({ lines: string[]; nextLine: boolean } | null)[]>();

  constructor(private readonly edition2024: boolean) {}

  entries(entries: readonly Entry[], count: number, offset: number): void {
    for (let n = 0; n < count; n++) {
      const entry = entries[n];
      const abs = entry.depth + offset;
      const kind = entry.kind;
      if (kind === NESTED) this.entries(entry.nested!, entry.count, abs);
      else if (kind === TEXT) this.text(entry.text, abs);
      else if (kind === LIST) this.list(entry, abs + this.shifted.length);
      else if (kind === ASSIGN) this.assign(entry.text, entry.tail, abs + this.shifted.length);
      else if (kind === ARM) this.arm(entry.text, entry.parts!, abs + this.shifted.length);
      else this.chain(entry.parts!, abs + this.shifted.length);
    }
  }

  /** The number of lines but the trailing blank ones. */
  end(): number {
    let n = this.out.length;
    while (n > 0 && this.out[n - 1] === "") n--;
    return n;
  }

  private push(depth: number, text: string): void {
    const out = this.out;
    // No blank line before a closing brace or after an opening one.
    const c = text.charCodeAt(0);
    if (c === 0x7d /* } */ || c === 0x5d /* ] */ || c === 0x29 /* ) */)
      while (out.length && out[out.length - 1] === "") {
        out.pop();
        this.depths.pop();
      }
    if (text === "") {
      if (out.length === 0 || out[out.length - 1] === "" || out[out.length - 1].endsWith("{")) return;
      out.push("");
      this.depths.push(0);
    } else {
      out.push(text);
      this.depths.push(depth);
    }
  }

  /** A laid-out line: its first line carries no indentation, the others do. */
  private emit(depth: number, lines: readonly string[]): void {
    this.push(depth, lines[0]);
    for (let i = 1; i < lines.length; i++) {
      this.out.push(lines[i]);
      this.depths.push(0);
    }
  }

  /** Pushes the line as rustfmt would lay it out, if it lays it out differently; false to keep it as it is. */
  private formatted(depth: number, text: string): boolean {
    if (keptAt(text, depth)) {
      if (checkKept) checkKeptLine(text, depth, this.edition2024);
      this.push(depth, text);
      return true;
    }
    let byDepth = this.laidOut.get(text);
    if (byDepth === undefined) this.laidOut.set(text, (byDepth = []));
    let laid = byDepth[depth];
    if (laid === undefined) laid = byDepth[depth] = this.layOut(text, depth);
    if (laid === null) return false;
    this.emit(depth, laid);
    return true;
  }

  /** The layout of a line not yet laid out at this depth: from a line of the same digit pattern when there is one. */
  private layOut(text: string, depth: number): string[] | null {
    const pattern = digitPattern(text);
    if (pattern === text) return layoutLines(text, depth, this.edition2024);
    let byDepth = this.byPattern.get(pattern);
    if (byDepth === undefined) this.byPattern.set(pattern, (byDepth = []));
    const known = byDepth[depth];
    if (known === undefined) {
      const lines = layoutLines(text, depth, this.edition2024);
      byDepth[depth] = lines === null || sameDigits(text, lines) ? { lines } : null;
      return lines;
    }
    if (known === null) return layoutLines(text, depth, this.edition2024);
    return known.lines && withDigitsOf(text, known.lines);
  }

  private text(text: string, abs: number): void {
    const shifted = this.shifted;
    const depth = abs + shifted.length;
    const closes = shifted.length > 0 && abs === shifted[shifted.length - 1] && text.charCodeAt(0) === 0x7d;
    let opener: { lines: string[]; nextLine: boolean } | null | undefined = null;
    // `formatBlockOpener` lays out only `pattern => {` and `let pattern = match scrutinee {`.
    if (text.endsWith(" {") && (text.startsWith("let ") || text.endsWith(" => {"))) {
      let byDepth = this.openers.get(text);
      if (byDepth === undefined) this.openers.set(text, (byDepth = []));
      opener = byDepth[depth];
      if (opener === undefined) {
        const o = formatBlockOpener(text, depth * 4, this.edition2024);
        opener = byDepth[depth] = o && { lines: o.text.split("\n"), nextLine: o.nextLine };
      }
    }
    if (opener) {
      this.emit(depth, opener.lines);
      if (opener.nextLine) shifted.push(abs);
    } else if (keptAsIs(text) || !this.formatted(depth, text)) this.push(depth, text);
    if (closes) shifted.pop();
  }

  private list(entry: Entry, depth: number): void {
    const { text: head, parts, tail, open, close, listKind: kind } = entry;
    const items = parts!;
    const one = `${head}${open}${items.join(", ")}${close}${tail}`;
    if (this.formatted(depth, one)) return;
    const fits = items.join(", ").length <= ITEMS_WIDTH[kind] && depth * 4 + one.length <= MAX_WIDTH;
    if (items.length === 0 || fits) this.push(depth, one);
    else if (kind !== "struct" && kind !== "params" && items.every((i) => /^[A-Za-z0-9_]{1,10}$/.test(i))) {
      // rustfmt packs short simple items as many to a line as fit.
      this.push(depth, head + open.trimEnd());
      let current = "";
      for (const item of items) {
        const next = current === "" ? `${item},` : `${current} ${item},`;
        if ((depth + 1) * 4 + next.length > MAX_WIDTH) {
          this.push(depth + 1, current);
          current = `${item},`;
        } else current = next;
      }
      this.push(depth + 1, current);
      this.push(depth, close.trimStart() + tail);
    } else {
      this.push(depth, head + open.trimEnd());
      for (const item of items) this.push(depth + 1, `${item},`);
      this.push(depth, close.trimStart() + tail);
    }
  }

  private arm(pattern: string, chain: readonly string[], depth: number): void {
    const body = chain.join("");
    const line = `${pattern} => ${body},`;
    if (body.length <= 60 && depth * 4 + line.length <= MAX_WIDTH) this.push(depth, line);
    else if (body.length <= 60 || chain.length === 1) {
      this.push(depth, `${pattern} => {`);
      this.push(depth + 1, body);
      this.push(depth, "}");
    } else {
      // rustfmt breaks a long chain right after the arm's arrow.
      this.push(depth, `${pattern} => ${chain[0]}`);
      chain.slice(1).forEach((part, i) => this.push(depth + 1, i === chain.length - 2 ? `${part},` : part));
    }
  }

  private assign(lhs: string, rhs: string, depth: number): void {
    const one = `${lhs} = ${rhs};`;
    if (this.formatted(depth, one)) return;
    const call = rhs.match(/^([A-Za-z0-9_:<>]+)\((.*)\)$/);
    if (depth * 4 + one.length <= MAX_WIDTH) this.push(depth, one);
    else if ((depth + 1) * 4 + rhs.length + 1 > MAX_WIDTH && call) {
      // The call's arguments go one per line; its head stays on the `=` line if it fits there.
      const sameLine = depth * 4 + `${lhs} = ${call[1]}(`.length <= MAX_WIDTH;
      const at = sameLine ? depth : depth + 1;
      if (sameLine) this.push(depth, `${lhs} = ${call[1]}(`);
      else {
        this.push(depth, `${lhs} =`);
        this.push(at, `${call[1]}(`);
      }
      for (const arg of splitTopLevel(call[2])) this.push(at + 1, `${arg},`);
      this.push(at, ");");
    } else if ((depth + 1) * 4 + rhs.length + 1 > MAX_WIDTH) this.push(depth, one);
    else {
      this.push(depth, `${lhs} =`);
      this.push(depth + 1, `${rhs};`);
    }
  }

  private chain(parts: readonly string[], depth: number): void {
    const one = parts.join("");
    if (this.formatted(depth, one)) return;
    if (one.length <= 60 && depth * 4 + one.length <= MAX_WIDTH) this.push(depth, one);
    else {
      this.push(depth, parts[0]);
      for (let i = 1; i < parts.length; i++) this.push(depth + 1, parts[i]);
    }
  }
}

/**
 * A line's layout that holds for every line of its digit pattern, with that
 * line's digits in place of these: `null` lines when they are kept as they are.
 */
interface PatternLayout {
  lines: string[] | null;
}

const isWordChar = (c: number) =>
  (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || (c >= 0x30 && c <= 0x39);
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/**
 * The text with every digit of its identifiers (runs of word characters
 * that start with a letter or `_`) and of its numbers' integer parts (up to
 * a letter: `x`, `e`, a suffix such as `u32`) made `0`; the digits after a
 * number's letter stay. The formatter treats all digits of an identifier
 * alike: it tells tokens apart by their characters' classes, compares
 * identifiers only with keywords (which have no digits) and measures them
 * only by length, which the change keeps; a number's value matters to it no
 * more (it reads the same token, all digits still digits, and measures it);
 * and it writes the tokens back in their order. So two lines of the same
 * pattern are laid out alike, but for the digits, which come in the same
 * order.
 */
function digitPattern(text: string): string {
  let out: string | null = null;
  let from = 0;
  for (let i = 0; i < text.length;) {
    const c = text.charCodeAt(i);
    if (!isWordChar(c)) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < text.length && isWordChar(text.charCodeAt(j))) j++;
    // An identifier's digits after its first character; a number's before its first letter (`x`, `e`, a suffix).
    let end = j;
    if (isDigit(c)) for (end = i; end < j && (isDigit(text.charCodeAt(end)) || text.charCodeAt(end) === 0x5f);) end++;
    for (let k = isDigit(c) ? i : i + 1; k < end; k++) {
      const d = text.charCodeAt(k);
      if (isDigit(d) && d !== 0x30) {
        out = (out ?? "") + text.slice(from, k) + "0";
        from = k + 1;
      }
    }
    i = j;
  }
  return out === null ? text : out + text.slice(from);
}

/** The digits of the text, in order. */
function digitsOf(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) if (isDigit(text.charCodeAt(i))) out += text[i];
  return out;
}

/** Whether the layout has the text's digits in the same order (so that another line's can replace them). */
function sameDigits(text: string, lines: readonly string[]): boolean {
  return lines.map(digitsOf).join("") === digitsOf(text);
}

/** The layout with the text's digits in place of its own, in order. */
function withDigitsOf(text: string, lines: readonly string[]): string[] {
  const digits = digitsOf(text);
  let n = 0;
  return lines.map((line) => {
    let out = "";
    let from = 0;
    for (let i = 0; i < line.length; i++)
      if (isDigit(line.charCodeAt(i))) {
        out += line.slice(from, i) + digits[n++];
        from = i + 1;
      }
    return from === 0 ? line : out + line.slice(from);
  });
}

/**
 * Whether the formatter keeps a line as it is at this depth, told without
 * laying it out (and without the memo): a line with no brace (no struct
 * literal, whose width is 18, and no block) but a signature's last ` {`, no
 * `fn ` but a signature's, that fits with room to
 * spare at every level of nesting the formatter tries its parts at.
 *
 * The formatter lays out the items of a list (`(`, `[`, `<`) one level in,
 * and the calls of a method chain one level in; a level is 4 columns, and
 * list and chain levels alternate, so the items of a list inside `b`
 * brackets are tried at most `2b` levels in, and a chain's calls in it at
 * most `2b + 1`. When every list's items, at most 60 columns (calls,
 * arrays and chains allow 60, attributes 70, generics 100), fit `2b + 1`
 * levels in with 4 columns to spare, and every chain, at most the run of
 * the line between two spaces outside brackets, is at most 60 columns and
 * fits a level in, then every part fits wherever the formatter tries it,
 * every list takes its one-line tactic, every chain stays on one line, and
 * the formatter writes the line's tokens back as they are (the generator
 * writes them with rustfmt's spacing). A list entry kept this way is the
 * line its own fallback writes too (its kinds other than `struct` allow 60
 * or more). That holds for most lines, the glue's `let _t3 = …;` above all.
 * Brackets that do not pair (`<` as an operator) make the line go to the
 * formatter. `verifyKeptLines` checks the claim line by line.
 */
function keptAt(text: string, depth: number): boolean {
  const slack = MAX_WIDTH - 4 - depth * 4;
  let end = text.length;
  if (end > slack) return false;
  // A signature's ` {`, checked once the signature is known.
  const brace = text.charCodeAt(end - 1) === 0x7b; /* { */
  if (brace) {
    if (text.charCodeAt(end - 2) !== 0x20) return false;
    end -= 2;
  }
  let fns = 0;
  let sp = 0;
  // The run since the last space outside brackets, and whether it holds a chain (a `.` outside brackets).
  let run = 0;
  let chain = false;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (sp === 0 && c === 0x20) {
      if (chain && (run > 60 || run + 4 > slack)) return false;
      run = 0;
      chain = false;
      continue;
    }
    run++;
    if (c === 0x22 /* " */) {
      // A string literal is one token, kept as it is.
      for (i++; i < end && text.charCodeAt(i) !== 0x22; i++, run++)
        if (text.charCodeAt(i) === 0x5c /* \ */) (i++, run++);
      if (i >= end) return false;
      run++;
    } else if (c === 0x28 /* ( */ || c === 0x5b /* [ */ || c === 0x3c /* < */) {
      OPENED[sp] = i;
      KIND[sp++] = c;
    } else if (c === 0x29 /* ) */ || c === 0x5d /* ] */ || c === 0x3e /* > */) {
      if (c === 0x3e) {
        const before = text.charCodeAt(i - 1);
        if (before === 0x2d /* - */ || before === 0x3d /* = */) continue;
      }
      if (sp === 0 || KIND[--sp] !== (c === 0x29 ? 0x28 : c === 0x5d ? 0x5b : 0x3c)) return false;
      const content = i - OPENED[sp] - 1;
      if (content > 60 || content + 4 * (2 * sp + 3) > slack) return false;
    } else if (c === 0x2e /* . */) chain ||= sp === 0;
    else if (c === 0x66 /* f */ && text.charCodeAt(i + 1) === 0x6e /* n */ && text.charCodeAt(i + 2) === 0x20) fns++;
    // A character literal (`'x'`, `'\n'`), which could hold a quote or a bracket; lifetimes (`'a`) are plain.
    else if (c === 0x27 /* ' */ && (text.charCodeAt(i + 1) === 0x5c || text.charCodeAt(i + 2) === 0x27)) return false;
    else if (c === 0x7b /* { */ || c === 0x7d /* } */) return false;
  }
  if (sp !== 0 || (chain && (run > 60 || run + 4 > slack))) return false;
  return fns === 0 ? !brace : fns === 1 && FN_HEAD.test(text);
}

/** The open brackets' positions and characters, for `keptAt`. */
const OPENED: number[] = [];
const KIND: number[] = [];

let checkKept = false;

/**
 * Makes every layout check that the formatter keeps, at their depth, the
 * lines `keptAt` lets through unlaid (throwing where it would not), or
 * stops checking: for tests.
 */
export function verifyKeptLines(on: boolean): void {
  checkKept = on;
}

function checkKeptLine(text: string, depth: number, edition2024: boolean): void {
  const lines = layoutLines(text, depth, edition2024);
  if (lines !== null && (lines.length !== 1 || lines[0] !== text))
    throw new Error(`the formatter changes a line taken as kept, at depth ${depth}: ${text}`);
}

const FN_HEAD = /^(pub(\([a-z]+\))? )?(async )?(unsafe )?(extern "C" )?fn /;

/**
 * Whether `layoutLine` keeps the line as it is at every indentation, told
 * from its first and last characters alone: a blank line or a comment; a
 * line ending with a brace that is neither a signature nor a match arm
 * (`formatStatement` keeps those), or `};`; an attribute that is not `name(...)`
 * (`formatAttribute` lays out only those). Such lines, the most common
 * (`}`, doc comments, `impl … {`, `#[link_name = "…"]`), need no layout
 * and no memo.
 */
function keptAsIs(text: string): boolean {
  const n = text.length;
  if (n === 0 || text === "};") return true;
  const first = text.charCodeAt(0);
  if (first === 0x2f /* / */ && text.charCodeAt(1) === 0x2f) return true;
  const last = text.charCodeAt(n - 1);
  if (last === 0x7b /* { */ || last === 0x7d /* } */) return !text.includes(" => ") && !FN_HEAD.test(text);
  if (first === 0x23 /* # */ && last === 0x5d /* ] */ && text.charCodeAt(1) === 0x5b /* [ */) {
    let i = 2;
    while (i < n && isPathChar(text.charCodeAt(i))) i++;
    return text.charCodeAt(i) !== 0x28 /* ( */ && !text.includes(" => ");
  }
  return false;
}

const isPathChar = (c: number) => isWordChar(c) || c === 0x3a; /* : */

function layoutLines(text: string, depth: number, edition2024: boolean): string[] | null {
  const l = layoutLine(text, depth * 4, edition2024);
  return l === null ? null : l.split("\n");
}

/** A line of Rust as rustfmt lays it out at `indent` columns, or `null` to keep it as it is. */
function layoutLine(text: string, indent: number, edition2024: boolean): string | null {
  if (text === "" || text.startsWith("//")) return null;
  if (FN_HEAD.test(text)) return formatFnSignature(text, indent, edition2024);
  if (text.includes(" => ")) return formatMatchArm(text, indent, edition2024);
  // A struct field or a tuple variant.
  const field = text.match(/^((?:pub )?[a-z_][A-Za-z0-9_]*: )(.*),$/);
  if (field) return formatTypeAfter(field[1], field[2], ",", indent);
  const variant = text.match(/^([A-Z][A-Za-z0-9_]*)\((.*)\),$/);
  if (variant) return formatTupleFields(variant[1], splitTopLevel(variant[2]), ",", indent);
  return formatStatement(text, indent, edition2024);
}
