/**
 * The layout of emitted TypeScript: the emitters write one statement (or
 * one opening or closing line of a block) a line, without indentation; this
 * pass indents every line by the brackets that enclose it and settles the
 * blank lines, so the module comes out the way prettier (printWidth 100)
 * prints it, without running a formatter. The test
 * `test/ts-layout.test.ts` checks that prettier leaves the output unchanged.
 *
 * It knows the shapes the emitters and the runtime templates write and no
 * others: strings, template literals (whose continuation lines are kept as
 * they are), comments, `case` clauses, empty blocks. A line longer than the
 * print width is broken by the few rules in `breakLine`.
 */

const WIDTH = 100;

/** Where the scanner is at the end of a line. */
const enum Mode {
  Code,
  BlockComment,
  Template,
}

interface Open {
  /** The bracket: `{`, `(`, `[`, or `${` (a template literal's substitution). */
  char: string;
  /** The indentation level of the line it was opened on. */
  level: number;
  /** Inside a `switch` block, after a `case` or `default` clause. */
  inCase: boolean;
}

const closerOf: Record<string, string> = { "}": "{", ")": "(", "]": "[" };

/** Indents `source` (unindented, or indented any which way) and settles its blank lines. */
export function layoutTypeScript(source: string): string {
  const lines = source.split("\n");
  const out: string[] = [];
  const stack: Open[] = [];
  // The template-literal nesting: each entry is the bracket depth of `stack` when a template began.
  let mode: Mode = Mode.Code;
  const templates: number[] = [];
  let pendingBlank = false;
  // The line before was `if (…)`, `for (…)`, `while (…)` or `else` without a block: this one is its body.
  let dangling = false;

  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    if (mode === Mode.Template) {
      // A continuation of a template literal: its text is kept exactly.
      out.push(raw);
      mode = scan(raw, 0, stack, templates, -1);
      continue;
    }
    const text = raw.trim();
    if (mode === Mode.BlockComment) {
      const level = stack.length === 0 ? 0 : levelOf(stack);
      out.push(indent(level) + (text.startsWith("*") ? " " + text : text));
      mode = scan(text, 0, stack, templates, level, true);
      continue;
    }
    if (text === "") {
      pendingBlank = out.length > 0;
      continue;
    }
    let level = levelOf(stack) + (dangling ? 1 : 0);
    const first = text[0];
    if (first === "}" || first === ")" || first === "]") {
      // Indented as the line that opened the bracket it closes.
      const top = stack[stack.length - 1];
      if (top !== undefined && top.char === closerOf[first]) level = top.level;
      pendingBlank = false;
      // `{` then `}`: an empty block or object, on one line.
      const prev = out.length - 1;
      if (prev >= 0 && first === "}" && out[prev].endsWith("{") && mergesEmptyBlock(out[prev])) {
        stack.pop();
        out[prev] += "}";
        const rest = text.slice(1);
        mode = scan(rest, 0, stack, templates, level);
        out[prev] += rest;
        continue;
      }
    } else if (first === "?" || (first === ":" && text[1] === " ")) {
      // The branches of a conditional expression broken over lines.
      level++;
    } else if ((first === "c" || first === "d") && /^(case\b|default:)/.test(text)) {
      const top = stack[stack.length - 1];
      if (top !== undefined && top.inCase) level--;
      if (top !== undefined) top.inCase = true;
    }
    if (pendingBlank) {
      const prev = out[out.length - 1];
      const last = prev[prev.length - 1];
      if (last !== "{" && last !== "(" && last !== "[") out.push("");
      pendingBlank = false;
    }
    const line = indent(level) + text;
    const depth = stack.length;
    mode = scan(text, 0, stack, templates, level);
    const end = text[text.length - 1];
    dangling =
      (end === ")" || end === "e") &&
      mode === Mode.Code &&
      stack.length === depth &&
      (/^(\} )?else$/.test(text) || (end === ")" && /^(\} )?(else )?(if|for|while) \(/.test(text)));
    if (line.length > WIDTH && mode === Mode.Code) out.push(...breakLine(text, level));
    else out.push(line);
  }
  return out.join("\n") + "\n";
}

/** The level of a new line inside the brackets on `stack`. */
function levelOf(stack: Open[]): number {
  const top = stack[stack.length - 1];
  if (top === undefined) return 0;
  return top.level + 1 + (top.inCase ? 1 : 0);
}

const indents: string[] = [];

function indent(level: number): string {
  return (indents[level] ??= "  ".repeat(level));
}

/**
 * Whether `{` at the end of `line` and a `}` after it print as `{}`: not
 * for an `if` or `else` block, which prettier prints over two lines, nor
 * after a line comment.
 */
function mergesEmptyBlock(line: string): boolean {
  const text = line.trimStart();
  return !/^(\} )?(if|else)\b/.test(text) && !text.startsWith("//");
}

/** The characters `scan` looks at. */
const special = new Uint8Array(128);
for (const c of "\"'`/()[]{}") special[c.charCodeAt(0)] = 1;

/**
 * Scans `text` from `from`, pushing and popping brackets (opened at `level`),
 * and returns the mode at its end.
 */
function scan(text: string, from: number, stack: Open[], templates: number[], level: number, inComment = false): Mode {
  let i = from;
  const n = text.length;
  if (inComment) {
    const end = text.indexOf("*/", i);
    if (end < 0) return Mode.BlockComment;
    i = end + 2;
  } else if (level < 0) {
    // Inside a template literal's text.
    i = templateText(text, i, stack, templates);
    if (i < 0) return Mode.Template;
    level = stack.length === 0 ? 0 : stack[stack.length - 1].level;
  }
  while (i < n) {
    const code = text.charCodeAt(i);
    // Most characters are none of `"'`/()[]{}` (0x22, 0x27, 0x28-0x29, 0x2f, 0x5b, 0x5d, 0x60, 0x7b, 0x7d).
    if (!special[code]) {
      i++;
      continue;
    }
    const c = text[i];
    if (c === '"' || c === "'") {
      i++;
      while (i < n && text[i] !== c) i += text[i] === "\\" ? 2 : 1;
      i++;
    } else if (c === "`") {
      templates.push(stack.length);
      i = templateText(text, i + 1, stack, templates);
      if (i < 0) return Mode.Template;
    } else if (c === "/" && text[i + 1] === "/") {
      return Mode.Code;
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      if (end < 0) return Mode.BlockComment;
      i = end + 2;
    } else if (c === "{" || c === "(" || c === "[") {
      stack.push({ char: c, level, inCase: false });
      i++;
    } else if (c === "}" || c === ")" || c === "]") {
      const top = stack.pop();
      i++;
      if (c === "}" && top?.char === "${") {
        // The end of a substitution: back in the template's text.
        i = templateText(text, i, stack, templates);
        if (i < 0) return Mode.Template;
      }
    } else if (c === "/" && isRegexStart(text, i)) {
      i++;
      let inClass = false;
      while (i < n && (text[i] !== "/" || inClass)) {
        if (text[i] === "\\") i++;
        else if (text[i] === "[") inClass = true;
        else if (text[i] === "]") inClass = false;
        i++;
      }
      i++;
    } else i++;
  }
  return Mode.Code;
}

/**
 * Skips a template literal's text from `i`: returns the index after its
 * closing backquote or after a `${` (pushed on `stack`), or -1 at the end of
 * the line inside the text.
 */
function templateText(text: string, i: number, stack: Open[], templates: number[]): number {
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === "\\") i += 2;
    else if (c === "`") {
      templates.pop();
      return i + 1;
    } else if (c === "$" && text[i + 1] === "{") {
      stack.push({ char: "${", level: stack.length === 0 ? 0 : stack[stack.length - 1].level, inCase: false });
      return i + 2;
    } else i++;
  }
  return -1;
}

/** Whether the `/` at `i` starts a regular expression literal (after an operator or an opening bracket). */
function isRegexStart(text: string, i: number): boolean {
  let j = i - 1;
  while (j >= 0 && text[j] === " ") j--;
  if (j < 0) return true;
  return /[(,=:[!&|?{};+\-*%<>~^]/.test(text[j]) || /\b(return|typeof|case|in|of)$/.test(text.slice(0, j + 1));
}

function fits(text: string, level: number): boolean {
  return level * 2 + text.length <= WIDTH;
}

/** The index of the bracket closing the one at `open`, skipping strings and template literals; -1 if none. */
function matchClose(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'" || c === "`") {
      i++;
      while (i < text.length && text[i] !== c) {
        if (text[i] === "\\") i++;
        else if (c === "`" && text[i] === "$" && text[i + 1] === "{") {
          const end = matchClose(text, i + 1);
          if (end < 0) return -1;
          i = end;
        }
        i++;
      }
      if (i >= text.length) return -1;
      if (depth === 0) return i;
    } else if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** `text` cut at every `separator` outside brackets and strings. */
function splitTop(text: string, separator: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'" || c === "`" || c === "(" || c === "[" || c === "{") {
      const end = matchClose(text, i);
      if (end < 0) return [text];
      i = end;
    } else if (text.startsWith(separator, i)) {
      parts.push(text.slice(start, i));
      start = i + separator.length;
      i = start - 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** The first `(` outside strings that follows a name, `>` or `)`: a call's arguments or a signature's parameters. */
function firstArguments(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'" || c === "`" || c === "[" || c === "{") {
      const end = matchClose(text, i);
      if (end < 0) return -1;
      i = end;
    } else if (c === "(") {
      if (i > 0 && /[\w$>\])"]/.test(text[i - 1])) return i;
      const end = matchClose(text, i);
      if (end < 0) return -1;
      i = end;
    }
  }
  return -1;
}

/** A union type `A | B | C` that does not fit after `head`: one member a line. */
function breakUnion(head: string, members: string[], tail: string, level: number): string[] {
  return [
    indent(level) + head,
    ...members.map((m, i) => indent(level + 1) + "| " + m + (i === members.length - 1 ? tail : "")),
  ];
}

/** An argument or parameter on its own line, broken further if it does not fit. */
function breakItem(item: string, level: number): string[] {
  if (fits(item + ",", level)) return [indent(level) + item + ","];
  const colon = /^([\w$]+|"[^"]*")\??: /.exec(item);
  if (
    colon &&
    item.endsWith("}") &&
    item[colon[0].length] === "{" &&
    matchClose(item, colon[0].length) === item.length - 1
  ) {
    // A property whose value is an object literal: one property a line.
    const properties = splitTop(item.slice(colon[0].length + 1, -1).trim(), ", ");
    return [
      indent(level) + colon[0] + "{",
      ...properties.flatMap((p) => breakItem(p, level + 1)),
      indent(level) + "},",
    ];
  }
  if (colon) {
    const members = splitTop(item.slice(colon[0].length), " | ");
    if (members.length > 1) return breakUnion(colon[0].trimEnd(), members, ",", level);
  }
  return breakLine(item + ",", level);
}

/**
 * A line longer than the print width, broken the way prettier breaks it:
 * the body of an `if` on its own line, a union type one member a line, a
 * type alias's tuple one element a line, and
 * the arguments (or parameters) of the first call (or signature) one a line.
 */
function breakLine(text: string, level: number): string[] {
  if (fits(text, level)) return [indent(level) + text];
  if (text.startsWith("if (")) {
    const close = matchClose(text, 3);
    if (close > 0 && text[close + 1] === " " && text[close + 2] !== "{")
      return [indent(level) + text.slice(0, close + 1), ...breakLine(text.slice(close + 2), level + 1)];
  }
  const alias = /^(export )?type [\w$]+(<[^=]*>)? = /.exec(text);
  if (alias && text.endsWith(";")) {
    const rhs = text.slice(alias[0].length, -1);
    const members = splitTop(rhs, " | ");
    if (members.length > 1) {
      if (fits(rhs + ";", level + 1)) return [indent(level) + alias[0].trimEnd(), indent(level + 1) + rhs + ";"];
      return breakUnion(alias[0].trimEnd(), members, ";", level);
    }
    if (rhs.startsWith("[") && matchClose(rhs, 0) === rhs.length - 1) {
      // A tuple type hugs the `=`: one element a line.
      const items = splitTop(rhs.slice(1, -1), ", ");
      return [
        indent(level) + alias[0] + "[",
        ...items.flatMap((item) => breakItem(item, level + 1)),
        indent(level) + "];",
      ];
    }
  }
  const assignment = /^((let|const|var) )?[\w$.]+(: [^=]*)? = /.exec(text);
  if (assignment && text.endsWith(";")) {
    const rhs = text.slice(assignment[0].length, -1);
    const [test, branches, extra] = splitTop(rhs, " ? ");
    if (branches !== undefined && extra === undefined) {
      // A conditional: after the `=`, then one branch a line.
      const head = assignment[0].trimEnd();
      if (fits(rhs + ";", level + 1)) return [indent(level) + head, indent(level + 1) + rhs + ";"];
      const [then, otherwise, more] = splitTop(branches, " : ");
      if (otherwise !== undefined && more === undefined)
        return [
          indent(level) + head,
          indent(level + 1) + test,
          indent(level + 2) + "? " + then,
          indent(level + 2) + ": " + otherwise + ";",
        ];
    }
    const call = firstArguments(rhs);
    if (call >= 0 && !(rhs[call + 1] !== ")" && fits(assignment[0] + rhs.slice(0, call + 1), level))) {
      // A call that cannot break after its `(` on this line: after the `=`.
      const head = assignment[0].trimEnd();
      return [indent(level) + head, ...breakLine(rhs + ";", level + 1)];
    }
    if (rhs.startsWith("{") && matchClose(rhs, 0) === rhs.length - 1) {
      // An object literal: one property a line.
      const properties = splitTop(rhs.slice(1, -1).trim(), ", ");
      return [
        indent(level) + assignment[0] + "{",
        ...properties.flatMap((p) => breakItem(p, level + 1)),
        indent(level) + "};",
      ];
    }
  }
  const annotated = /^(let|const|var) [\w$]+: /.exec(text);
  if (annotated && text.endsWith(";") && !text.includes(" = ")) {
    // A declaration's long type: on the next line, or one union member a line.
    const type = text.slice(annotated[0].length, -1);
    if (fits(type + ";", level + 1)) return [indent(level) + annotated[0].trimEnd(), indent(level + 1) + type + ";"];
    const members = splitTop(type, " | ");
    if (members.length > 1) return breakUnion(annotated[0].trimEnd(), members, ";", level);
  }
  const open = firstArguments(text);
  const close = open < 0 ? -1 : matchClose(text, open);
  if (close > open + 1) {
    const head = text.slice(0, open + 1);
    const inner = text.slice(open + 1, close);
    const tail = text.slice(close);
    const args = splitTop(inner, ", ");
    const only = args.length === 1 ? args[0] : "";
    if ((only.startsWith("[") || only.startsWith("{")) && matchClose(only, 0) === only.length - 1) {
      // A sole array or object argument hugs the parentheses.
      const items = splitTop(only.slice(1, -1).trim(), ", ");
      return [
        indent(level) + head + only[0],
        ...items.flatMap((item) => breakItem(item.trim(), level + 1)),
        indent(level) + only[only.length - 1] + tail,
      ];
    }
    return [indent(level) + head, ...args.flatMap((a) => breakItem(a, level + 1)), indent(level) + tail];
  }
  return [indent(level) + text];
}
