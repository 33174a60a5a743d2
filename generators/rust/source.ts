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

type Entry =
  | { k: "text"; depth: number; text: string }
  | {
      k: "list";
      depth: number;
      list: { head: string; items: string[]; tail: string; open: string; close: string; kind: ListKind };
    }
  | { k: "chain"; depth: number; chain: string[] }
  | { k: "assign"; depth: number; assign: [string, string] }
  | { k: "arm"; depth: number; arm: [string, string[]] }
  /** Another buffer's first `count` entries, nested `depth` levels in. */
  | { k: "nested"; depth: number; nested: Entry[]; count: number };

/** The last line-producing entry of `entries`, looking into nested buffers. */
function lastEntry(entries: readonly Entry[], count = entries.length): Entry | undefined {
  const last = entries[count - 1];
  return last !== undefined && last.k === "nested" ? lastEntry(last.nested, last.count) : last;
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
    for (const text of texts) this.entries.push({ k: "text", depth: this.depth, text });
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
      this.entries.push({ k: "nested", depth: this.depth, nested: other.entries, count: other.entries.length });
  }

  /** A blank line, unless the buffer is empty or already ends with one or with an opening brace. */
  blank(): void {
    const last = lastEntry(this.entries);
    if (last === undefined || (last.k === "text" && (last.text === "" || last.text.endsWith("{")))) return;
    this.entries.push({ k: "text", depth: this.depth, text: "" });
  }

  get empty(): boolean {
    return this.entries.length === 0;
  }

  /**
   * `head(items)tail`: on one line when it fits, else `head(`, one item per
   * line, and `)tail`. `open`/`close` are the brackets.
   */
  list(head: string, items: string[], tail: string, kind: ListKind, open = "(", close = ")"): void {
    this.entries.push({ k: "list", depth: this.depth, list: { head, items, tail, open, close, kind } });
  }

  /**
   * `lhs = rhs;` (a `let` or a `static`): on one line when it fits, else with
   * `rhs` on the next line, indented, as rustfmt puts it.
   */
  assign(lhs: string, rhs: string): void {
    this.entries.push({ k: "assign", depth: this.depth, assign: [lhs, rhs] });
  }

  /** A match arm whose body is a method chain: on the arm's line when it fits, else in a block. */
  arm(pattern: string, chain: string[]): void {
    this.entries.push({ k: "arm", depth: this.depth, arm: [pattern, chain] });
  }

  /** A method chain: on one line when it is short (rustfmt's `chain_width`), else one call per line. */
  chain(parts: string[]): void {
    this.entries.push({ k: "chain", depth: this.depth, chain: parts });
  }

  /** The lines, laid out; `edition2024` selects rustfmt's 2024 style where it differs. */
  toLines(edition2024 = false): string[] {
    const out: string[] = [];
    const push = (depth: number, text: string) => {
      // No blank line before a closing brace or after an opening one.
      const c = text.charCodeAt(0);
      if (c === 0x7d /* } */ || c === 0x5d /* ] */ || c === 0x29 /* ) */)
        while (out.length && out[out.length - 1] === "") out.pop();
      if (text === "") {
        if (out.length === 0 || out[out.length - 1] === "" || out[out.length - 1].endsWith("{")) return;
        out.push("");
      } else out.push(indentation(depth) + text);
    };
    // Generated code repeats lines (each function's glue numbers its variables from 0), so each distinct
    // line is laid out once per call: the layout depends only on the text and the indentation.
    // By text, then by depth: a text's hash is computed once, a joined key's would be on every lookup.
    const laidOut = new Map<string, (string[] | null)[]>();
    const openers = new Map<string, ({ lines: string[]; nextLine: boolean } | null)[]>();
    const emit = (depth: number, lines: string[]) => {
      push(depth, lines[0]);
      for (let i = 1; i < lines.length; i++) out.push(lines[i]);
    };
    // A line rustfmt would lay out differently is replaced by its layout; its first line carries no indentation.
    const formatted = (depth: number, text: string): boolean => {
      let byDepth = laidOut.get(text);
      if (byDepth === undefined) laidOut.set(text, (byDepth = []));
      let laid = byDepth[depth];
      if (laid === undefined) {
        const l = layoutLine(text, depth * 4, edition2024);
        laid = byDepth[depth] = l === null ? null : l.split("\n");
      }
      if (laid === null) return false;
      emit(depth, laid);
      return true;
    };
    // Depths of the `let … = match … {` statements whose `match` rustfmt moves to the next line: their
    // arms and closing brace move one level in with it.
    const shifted: number[] = [];
    const layOut = (entries: readonly Entry[], count: number, offset: number): void => {
      for (let n = 0; n < count; n++) {
        const entry = entries[n];
        const abs = entry.depth + offset;
        if (entry.k === "nested") {
          layOut(entry.nested, entry.count, abs);
          continue;
        }
        const depth = abs + shifted.length;
        if (entry.k === "text") {
          const text = entry.text;
          const closes = shifted.length > 0 && abs === shifted[shifted.length - 1] && text.charCodeAt(0) === 0x7d;
          let opener: { lines: string[]; nextLine: boolean } | null | undefined = null;
          if (text.endsWith(" {")) {
            let byDepth = openers.get(text);
            if (byDepth === undefined) openers.set(text, (byDepth = []));
            opener = byDepth[depth];
            if (opener === undefined) {
              const o = formatBlockOpener(text, depth * 4, edition2024);
              opener = byDepth[depth] = o && { lines: o.text.split("\n"), nextLine: o.nextLine };
            }
          }
          if (opener) {
            emit(depth, opener.lines);
            if (opener.nextLine) shifted.push(abs);
          } else if (!formatted(depth, text)) push(depth, text);
          if (closes) shifted.pop();
        } else if (entry.k === "list") {
          const { head, items, tail, open, close, kind } = entry.list;
          const one = `${head}${open}${items.join(", ")}${close}${tail}`;
          if (formatted(depth, one)) continue;
          const fits = items.join(", ").length <= ITEMS_WIDTH[kind] && depth * 4 + one.length <= MAX_WIDTH;
          if (items.length === 0 || fits) push(depth, one);
          else if (kind !== "struct" && kind !== "params" && items.every((i) => /^[A-Za-z0-9_]{1,10}$/.test(i))) {
            // rustfmt packs short simple items as many to a line as fit.
            push(depth, head + open.trimEnd());
            let current = "";
            for (const item of items) {
              const next = current === "" ? `${item},` : `${current} ${item},`;
              if ((depth + 1) * 4 + next.length > MAX_WIDTH) {
                push(depth + 1, current);
                current = `${item},`;
              } else current = next;
            }
            push(depth + 1, current);
            push(depth, close.trimStart() + tail);
          } else {
            push(depth, head + open.trimEnd());
            for (const item of items) push(depth + 1, `${item},`);
            push(depth, close.trimStart() + tail);
          }
        } else if (entry.k === "arm") {
          const [pattern, chain] = entry.arm;
          const body = chain.join("");
          const line = `${pattern} => ${body},`;
          if (body.length <= 60 && depth * 4 + line.length <= MAX_WIDTH) push(depth, line);
          else if (body.length <= 60 || chain.length === 1) {
            push(depth, `${pattern} => {`);
            push(depth + 1, body);
            push(depth, "}");
          } else {
            // rustfmt breaks a long chain right after the arm's arrow.
            push(depth, `${pattern} => ${chain[0]}`);
            chain.slice(1).forEach((part, i) => push(depth + 1, i === chain.length - 2 ? `${part},` : part));
          }
        } else if (entry.k === "assign") {
          const [lhs, rhs] = entry.assign;
          const one = `${lhs} = ${rhs};`;
          if (formatted(depth, one)) continue;
          const call = rhs.match(/^([A-Za-z0-9_:<>]+)\((.*)\)$/);
          if (depth * 4 + one.length <= MAX_WIDTH) push(depth, one);
          else if ((depth + 1) * 4 + rhs.length + 1 > MAX_WIDTH && call) {
            // The call's arguments go one per line; its head stays on the `=` line if it fits there.
            const sameLine = depth * 4 + `${lhs} = ${call[1]}(`.length <= MAX_WIDTH;
            const at = sameLine ? depth : depth + 1;
            if (sameLine) push(depth, `${lhs} = ${call[1]}(`);
            else {
              push(depth, `${lhs} =`);
              push(at, `${call[1]}(`);
            }
            for (const arg of splitTopLevel(call[2])) push(at + 1, `${arg},`);
            push(at, ");");
          } else if ((depth + 1) * 4 + rhs.length + 1 > MAX_WIDTH) push(depth, one);
          else {
            push(depth, `${lhs} =`);
            push(depth + 1, `${rhs};`);
          }
        } else {
          const one = entry.chain.join("");
          if (formatted(depth, one)) continue;
          if (one.length <= 60 && depth * 4 + one.length <= MAX_WIDTH) push(depth, one);
          else {
            push(depth, entry.chain[0]);
            for (const part of entry.chain.slice(1)) push(depth + 1, part);
          }
        }
      }
    };
    layOut(this.entries, this.entries.length, 0);
    while (out.length && out[out.length - 1] === "") out.pop();
    return out;
  }

  toString(edition2024 = false): string {
    return this.toLines(edition2024).join("\n") + "\n";
  }
}

/** A line of Rust as rustfmt lays it out at `indent` columns, or `null` to keep it as it is. */
function layoutLine(text: string, indent: number, edition2024: boolean): string | null {
  if (text === "" || text.startsWith("//")) return null;
  if (/^(pub(\([a-z]+\))? )?(async )?(unsafe )?(extern "C" )?fn /.test(text))
    return formatFnSignature(text, indent, edition2024);
  if (text.includes(" => ")) return formatMatchArm(text, indent, edition2024);
  // A struct field or a tuple variant.
  const field = text.match(/^((?:pub )?[a-z_][A-Za-z0-9_]*: )(.*),$/);
  if (field) return formatTypeAfter(field[1], field[2], ",", indent);
  const variant = text.match(/^([A-Z][A-Za-z0-9_]*)\((.*)\),$/);
  if (variant) return formatTupleFields(variant[1], splitTopLevel(variant[2]), ",", indent);
  return formatStatement(text, indent, edition2024);
}
