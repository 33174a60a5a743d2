/**
 * Typed arguments of `witx-bindgen run <component> <function> --param value`:
 * an exported function's parameters become flags named after them, and
 * each flag's text is read by the parameter's WIT type.
 *
 * - numbers are WAVE numbers (`42`, `-1.5`, `nan`); `bool` is `--flag`
 *   (true), `--flag=false` or `--flag true|false`; a `char` is one
 *   character; a `string` is the text as it is;
 * - an `enum` is one of its case names;
 * - a `record` is given field by field (`--point.x 1 --point.y 2`, fields
 *   nested as deep as records are) or whole as WAVE (`--point '{x: 1, y: 2}'`);
 *   a field of option type may be left out;
 * - an `option` parameter is optional: left out it is `none`;
 * - a `list` is its flag repeated, one element each (`--tag a --tag b`),
 *   or one WAVE list (`--tags '[1, 2]'`, for any element type);
 * - variants, results, flags, tuples and fixed-length lists are WAVE.
 *
 * A value that does not read as its type is an `ArgumentError` naming the
 * flag, the column in its text and the type expected.
 */
import type { Resolve } from "../ir/resolve.js";
import type { Function, Type } from "../ir/types.js";
import { parseWave, WaveError } from "../ir/wave/index.js";
import { isTaggedOption, listArrayType, shapeOf, witTypeText } from "../ir/wave/types.js";
import { camelCase } from "../generators/ts/naming.js";

/** A flag that is unknown, missing, repeated or whose value does not read as its type. */
export class ArgumentError extends Error {
  override name = "ArgumentError";
  constructor(
    message: string,
    /** The argument as given (`--times abc`) and the column of the error in it, for a pointer. */
    readonly at?: { text: string; column: number },
  ) {
    super(message);
  }
}

/** The values given for one flag path (`point.x`), in order, each as given. */
type Given = Map<string, { text: string | undefined; arg: string; valueStart: number }[]>;

/** Reads `--name value`, `--name=value` and `--flag` tokens into values by path. */
function collect(tokens: string[], isBoolPath: (path: string) => boolean): Given {
  const given: Given = new Map();
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    if (!tok.startsWith("--") || tok === "--") {
      throw new ArgumentError(`unexpected argument \`${tok}\`: give each parameter as --name value`);
    }
    const eq = tok.indexOf("=");
    const path = eq < 0 ? tok.slice(2) : tok.slice(2, eq);
    let text: string | undefined;
    let arg: string;
    let valueStart: number;
    if (eq >= 0) {
      text = tok.slice(eq + 1);
      arg = tok;
      valueStart = eq + 1;
    } else if (isBoolPath(path)) {
      const next = tokens[i + 1];
      if (next === "true" || next === "false") {
        text = next;
        i++;
      }
      arg = text === undefined ? tok : `${tok} ${text}`;
      valueStart = tok.length + 1;
    } else {
      if (i + 1 >= tokens.length) throw new ArgumentError(`${tok} needs a value`);
      text = tokens[++i]!;
      arg = `${tok} ${text}`;
      valueStart = tok.length + 1;
    }
    const list = given.get(path) ?? [];
    list.push({ text, arg, valueStart });
    given.set(path, list);
  }
  return given;
}

/** Reads function arguments from flags. */
export class TypedArguments {
  constructor(
    private readonly func: Function,
    private readonly resolve: Resolve,
  ) {}

  /** The flag paths that take no value of their own (`bool`, `option<bool>`). */
  private isBoolPath(path: string): boolean {
    const t = this.typeAt(path);
    if (t === undefined) return false;
    let s = shapeOf(t, this.resolve);
    if (s.kind === "def" && s.def.kind === "option") s = shapeOf(s.def.type, this.resolve);
    return s.kind === "primitive" && s.name === "bool";
  }

  /** The type a flag path names (through records and options), if it names one. */
  private typeAt(path: string): Type | undefined {
    const [first, ...rest] = path.split(".");
    let t: Type | undefined = this.func.params.find((p) => p.name === first)?.type;
    for (const seg of rest) {
      if (t === undefined) return undefined;
      let s = shapeOf(t, this.resolve);
      if (s.kind === "def" && s.def.kind === "option") s = shapeOf(s.def.type, this.resolve);
      if (s.kind !== "def" || s.def.kind !== "record") return undefined;
      t = s.def.fields.find((f) => f.name === seg)?.type;
    }
    return t;
  }

  /** Parses the flags into the function's arguments, in parameter order. */
  parse(tokens: string[]): unknown[] {
    const given = collect(tokens, (p) => this.isBoolPath(p));
    for (const path of given.keys()) {
      if (this.typeAt(path) === undefined) {
        const known = this.func.params.map((p) => `--${p.name}`);
        throw new ArgumentError(
          `unknown option --${path} for \`${this.func.name}\`` +
            (known.length ? ` (its parameters: ${known.join(", ")})` : " (it takes no parameters)"),
        );
      }
    }
    return this.func.params.map((p) => this.value(p.name, p.type, given));
  }

  /** Whether anything was given at `path` or below it. */
  private anyAt(path: string, given: Given): boolean {
    for (const k of given.keys()) if (k === path || k.startsWith(`${path}.`)) return true;
    return false;
  }

  /** The value at `path`, of type `type`: an option is `none` when nothing is given at or below its path. */
  private value(path: string, type: Type, given: Given): unknown {
    const s = shapeOf(type, this.resolve);
    const here = given.get(path);
    if (s.kind === "def" && s.def.kind === "option") {
      if (!this.anyAt(path, given)) return undefined;
      const v = this.value(path, s.def.type, given);
      return isTaggedOption(s.def.type, this.resolve) ? { tag: "some", val: v } : v;
    }
    if (s.kind === "def" && s.def.kind === "list") {
      if (here === undefined) {
        if (this.anyAt(path, given)) throw new ArgumentError(`--${path} is a list: give its elements as --${path}`);
        return this.missing(path, type);
      }
      const element = s.def.type;
      if (here.length === 1 && here[0]!.text?.trimStart().startsWith("[")) {
        return this.wave(here[0]!, type, path);
      }
      const items = here.map((g) => this.scalar(path, g, element));
      const array = listArrayType(element, this.resolve);
      return array ? new array(items as never[]) : items;
    }
    if (s.kind === "def" && s.def.kind === "record" && here === undefined) {
      if (!this.anyAt(path, given)) return this.missing(path, type);
      const out: Record<string, unknown> = {};
      for (const f of s.def.fields) out[camelCase(f.name)] = this.value(`${path}.${f.name}`, f.type, given);
      return out;
    }
    if (here === undefined) {
      if (this.anyAt(path, given)) {
        throw new ArgumentError(
          `--${path} is a ${witTypeText(type, this.resolve)}, not a record: give it as --${path}`,
        );
      }
      return this.missing(path, type);
    }
    if (here.length > 1) throw new ArgumentError(`--${path} is given ${here.length} times; it takes one value`);
    if (s.kind === "def" && s.def.kind === "record" && [...given.keys()].some((k) => k.startsWith(`${path}.`))) {
      throw new ArgumentError(`--${path} is given both whole and field by field`);
    }
    return this.scalar(path, here[0]!, type);
  }

  private missing(path: string, type: Type): never {
    throw new ArgumentError(`missing --${path} (${witTypeText(type, this.resolve)})`);
  }

  /** One flag's text read by `type`: raw text for strings and chars, a case name for enums, WAVE otherwise. */
  private scalar(path: string, g: { text: string | undefined; arg: string; valueStart: number }, type: Type): unknown {
    const s = shapeOf(type, this.resolve);
    if (g.text === undefined) {
      if (s.kind === "primitive" && s.name === "bool") return true;
      throw new ArgumentError(`--${path} needs a value`);
    }
    const text = g.text;
    if (s.kind === "primitive" && s.name === "string") return text;
    if (s.kind === "primitive" && s.name === "char") {
      const chars = [...text];
      if (chars.length !== 1) {
        throw new ArgumentError(`invalid value for --${path}: expected char, got \`${text}\` at column 1`, {
          text: g.arg,
          column: g.valueStart + 1,
        });
      }
      return text;
    }
    if (s.kind === "def" && s.def.kind === "enum") {
      if (s.def.cases.some((c) => c.name === text)) return text;
      const expected = `${witTypeText(type, this.resolve)} (one of ${s.def.cases.map((c) => c.name).join(", ")})`;
      throw new ArgumentError(`invalid value for --${path}: expected ${expected}, got \`${text}\` at column 1`, {
        text: g.arg,
        column: g.valueStart + 1,
      });
    }
    return this.wave(g, type, path);
  }

  private wave(g: { text: string | undefined; arg: string; valueStart: number }, type: Type, path?: string): unknown {
    try {
      return parseWave(g.text ?? "", type, this.resolve);
    } catch (e) {
      if (!(e instanceof WaveError)) throw e;
      const name = path ?? g.arg.split(/[ =]/)[0]!.slice(2);
      throw new ArgumentError(`invalid value for --${name}: ${e.message}`, {
        text: g.arg,
        column: g.valueStart + e.column,
      });
    }
  }
}

/** How a parameter's flag is shown in help: `--name <string>`, with what it accepts. */
export function flagLines(func: Function, resolve: Resolve): Array<[string, string]> {
  const lines: Array<[string, string]> = [];
  const walk = (path: string, type: Type, optional: boolean, depth: number): void => {
    const s = shapeOf(type, resolve);
    const text = witTypeText(type, resolve);
    const opt = optional ? "optional; " : "";
    if (s.kind === "def" && s.def.kind === "option") {
      walk(path, s.def.type, true, depth);
      return;
    }
    if (s.kind === "primitive") {
      if (s.name === "bool") lines.push([`--${path}[=<bool>]`, `${opt}bool`]);
      else lines.push([`--${path} <${s.name}>`, optional ? "optional" : "required"]);
      return;
    }
    switch (s.def.kind) {
      case "enum":
        lines.push([`--${path} <${s.def.cases.map((c) => c.name).join("|")}>`, `${opt}enum ${text}`]);
        return;
      case "list":
        lines.push([
          `--${path} <${witTypeText(s.def.type, resolve)}>...`,
          `${opt}${text}: repeat the flag for each element, or give one WAVE list`,
        ]);
        return;
      case "record":
        lines.push([`--${path} <WAVE record>`, `${opt}record ${text}: whole, or field by field:`]);
        if (depth < 8) for (const f of s.def.fields) walk(`${path}.${f.name}`, f.type, false, depth + 1);
        return;
      default:
        lines.push([`--${path} <WAVE ${text}>`, `${opt}${s.def.kind} ${text}, in WAVE`]);
    }
  };
  for (const p of func.params) walk(p.name, p.type, false, 0);
  return lines;
}
