/**
 * Writing JS values as WAVE text, exactly as wasm-wave's `Writer` does:
 * options always `some(...)`/`none`, results `ok`/`err` with their payload,
 * record fields in type order with `none` fields left out (`{:}` when none
 * is left), flags in type order, variant and enum cases that are keywords
 * prefixed with `%`, floats as Rust's `Display` writes them, and chars and
 * strings with Rust's escapes (`\\ \" \' \t \r \n`, `\u{…}` for control,
 * unprintable and combining characters).
 */
import { camelCase } from "../../generators/ts/naming.js";
import type { Resolve } from "../resolve.js";
import type { Type } from "../types.js";
import { formatFloat } from "./float.js";
import { isKeyword } from "./parser.js";
import { isTaggedOption, shapeOf, witTypeText } from "./types.js";

const intRanges: Record<string, [number, number]> = {
  u8: [0, 255],
  s8: [-128, 127],
  u16: [0, 65535],
  s16: [-32768, 32767],
  u32: [0, 4294967295],
  s32: [-2147483648, 2147483647],
};
const bigRanges: Record<string, [bigint, bigint]> = {
  u64: [0n, 18446744073709551615n],
  s64: [-9223372036854775808n, 9223372036854775807n],
};

/** Characters Rust's `char::escape_debug` writes as `\u{…}`: unprintable (Cc Cf Cs Co Cn Zl Zp Zs but space) or grapheme-extending. */
const escapedChar = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}\p{Grapheme_Extend}]/u;

const loneSurrogate = /\p{Cs}/u;

/** One char as wasm-wave writes it inside quotes. */
export function escapeChar(ch: string): string {
  switch (ch) {
    case "\\":
      return "\\\\";
    case '"':
      return '\\"';
    case "'":
      return "\\'";
    case "\t":
      return "\\t";
    case "\r":
      return "\\r";
    case "\n":
      return "\\n";
  }
  if (ch !== " " && escapedChar.test(ch)) return `\\u{${ch.codePointAt(0)!.toString(16)}}`;
  return ch;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "string") return JSON.stringify(value.length > 20 ? value.slice(0, 17) + "..." : value);
  if (Array.isArray(value)) return "an array";
  if (ArrayBuffer.isView(value)) return value.constructor.name;
  if (typeof value === "object") return "an object";
  return String(value);
}

class Printer {
  constructor(readonly resolve: Resolve) {}

  private fail(path: string, expected: string, value: unknown): never {
    throw new TypeError(`${path}: expected ${expected}, got ${describe(value)}`);
  }

  value(v: unknown, type: Type, path: string): string {
    const shape = shapeOf(type, this.resolve);
    if (shape.kind === "primitive") return this.primitive(v, shape.name, path);
    const k = shape.def;
    const isObject = typeof v === "object" && v !== null;
    switch (k.kind) {
      case "list":
      case "fixed-length-list": {
        if (!Array.isArray(v) && !(ArrayBuffer.isView(v) && "length" in v)) this.fail(path, "an array", v);
        const items = Array.from(v as ArrayLike<unknown>);
        if (k.kind === "fixed-length-list" && items.length !== k.size) this.fail(path, `${k.size} elements`, v);
        return `[${items.map((x, i) => this.value(x, k.type, `${path}[${i}]`)).join(", ")}]`;
      }
      case "record": {
        if (!isObject) this.fail(path, `a record ${witTypeText(type, this.resolve)}`, v);
        const fields: string[] = [];
        for (const f of k.fields) {
          const x = (v as Record<string, unknown>)[camelCase(f.name)];
          if (this.isNone(x, f.type)) continue;
          fields.push(`${f.name}: ${this.value(x, f.type, `${path}.${camelCase(f.name)}`)}`);
        }
        return fields.length ? `{${fields.join(", ")}}` : "{:}";
      }
      case "tuple": {
        if (!Array.isArray(v) || v.length !== k.types.length) this.fail(path, `an array of ${k.types.length}`, v);
        return `(${k.types.map((t, i) => this.value(v[i], t, `${path}[${i}]`)).join(", ")})`;
      }
      case "variant": {
        const tag = isObject ? (v as { tag?: unknown }).tag : undefined;
        const c = k.cases.find((c) => c.name === tag);
        if (!c) this.fail(path, `{ tag } of ${k.cases.map((c) => JSON.stringify(c.name)).join(", ")}`, v);
        const name = (isKeyword(c.name) ? "%" : "") + c.name;
        if (c.type === undefined) return name;
        return `${name}(${this.value((v as { val?: unknown }).val, c.type, `${path}.val`)})`;
      }
      case "enum": {
        if (typeof v !== "string" || !k.cases.some((c) => c.name === v))
          this.fail(path, `one of ${k.cases.map((c) => JSON.stringify(c.name)).join(", ")}`, v);
        return (isKeyword(v) ? "%" : "") + v;
      }
      case "option": {
        if (isTaggedOption(k.type, this.resolve)) {
          const tag = isObject ? (v as { tag?: unknown }).tag : undefined;
          if (tag === "none") return "none";
          if (tag !== "some") this.fail(path, `{ tag: "some" | "none" }`, v);
          return `some(${this.value((v as { val?: unknown }).val, k.type, `${path}.val`)})`;
        }
        if (v === undefined || v === null) return "none";
        return `some(${this.value(v, k.type, path)})`;
      }
      case "result": {
        const tag = isObject ? (v as { tag?: unknown }).tag : undefined;
        if (tag !== "ok" && tag !== "err") this.fail(path, `{ tag: "ok" | "err" }`, v);
        const payload = tag === "ok" ? k.ok : k.err;
        if (payload === undefined) return tag;
        return `${tag}(${this.value((v as { val?: unknown }).val, payload, `${path}.val`)})`;
      }
      case "flags": {
        if (v === undefined || v === null) return "{}";
        if (!isObject) this.fail(path, "an object of flags", v);
        const set = k.flags.filter((f) => (v as Record<string, unknown>)[camelCase(f.name)]).map((f) => f.name);
        return `{${set.join(", ")}}`;
      }
      default:
        throw new TypeError(`${path}: WAVE has no values of type ${witTypeText(type, this.resolve)}`);
    }
  }

  private isNone(v: unknown, type: Type): boolean {
    const s = shapeOf(type, this.resolve);
    if (s.kind !== "def" || s.def.kind !== "option") return false;
    if (isTaggedOption(s.def.type, this.resolve))
      return typeof v === "object" && v !== null && (v as { tag?: unknown }).tag === "none";
    return v === undefined || v === null;
  }

  private primitive(v: unknown, name: string, path: string): string {
    const range = intRanges[name];
    if (range) {
      if (typeof v !== "number" || !Number.isInteger(v) || v < range[0] || v > range[1])
        this.fail(path, `a ${name}`, v);
      return String(v);
    }
    const big = bigRanges[name];
    if (big) {
      if (typeof v !== "bigint" || v < big[0] || v > big[1]) this.fail(path, `a ${name} (bigint)`, v);
      return String(v);
    }
    switch (name) {
      case "bool":
        if (typeof v !== "boolean") this.fail(path, "a boolean", v);
        return String(v);
      case "f32":
      case "f64":
        if (typeof v !== "number") this.fail(path, `an ${name} (number)`, v);
        return formatFloat(name === "f32" ? Math.fround(v) : v, name === "f32");
      case "char": {
        if (typeof v !== "string" || [...v].length !== 1 || loneSurrogate.test(v)) this.fail(path, "one char", v);
        return `'${escapeChar(v)}'`;
      }
      case "string": {
        if (typeof v !== "string" || loneSurrogate.test(v)) this.fail(path, "a string (well-formed UTF-16)", v);
        let out = '"';
        for (const ch of v) out += escapeChar(ch);
        return out + '"';
      }
      default:
        throw new TypeError(`${path}: WAVE has no values of type ${name}`);
    }
  }
}

/** Writes `value` (of IR type `type`) as WAVE; throws a `TypeError` naming the path of a value of the wrong shape. */
export function printValue(value: unknown, type: Type, resolve: Resolve, path = "value"): string {
  return new Printer(resolve).value(value, type, path);
}
