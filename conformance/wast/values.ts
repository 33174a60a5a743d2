/**
 * Component values written in `.wast` scripts (`(u32.const 7)`,
 * `(record.const (field "a" u8.const 1))`, `(option.some (str.const "x"))` …),
 * their JS form in our host API (the jco mapping), and the comparison of a
 * call's outcome with an expected value.
 *
 * JS mapping: bool → boolean; u8…s32, f32, f64 → number; u64/s64 → bigint;
 * char/string → string; list → Array (a typed array is accepted for lists of
 * numbers); record → object with camelCase keys; tuple → Array; variant →
 * `{ tag, val }`; enum → case name; flags → object of booleans; option<T> →
 * T or undefined (`{ tag: "some", val } | { tag: "none" }` when T is itself an
 * option); result → `{ tag: "ok" | "err", val }`, except that a function whose
 * result type is directly a `result` returns the ok payload and throws a
 * `ComponentError` carrying the err payload.
 */
import { camelCase } from "../../generators/ts/naming.js";
import { isAtom, stringText, type SList, type SNode } from "./sexpr.js";

export type IntType = "u8" | "s8" | "u16" | "s16" | "u32" | "s32" | "u64" | "s64";
export type FloatType = "f32" | "f64";

/** A value constant of a `.wast` script. */
export type WastValue =
  | { kind: "bool"; value: boolean }
  | { kind: "int"; type: IntType; value: bigint }
  /** `nan` is set for `nan`, `nan:canonical`, `nan:arithmetic` and `nan:0x…`: any NaN matches. */
  | { kind: "float"; type: FloatType; value: number; nan?: string }
  | { kind: "char"; value: string }
  | { kind: "string"; value: string }
  | { kind: "list"; items: WastValue[] }
  | { kind: "tuple"; items: WastValue[] }
  | { kind: "record"; fields: { name: string; value: WastValue }[] }
  | { kind: "variant"; case: string; payload?: WastValue }
  | { kind: "enum"; case: string }
  | { kind: "flags"; names: string[] }
  | { kind: "option"; payload?: WastValue }
  | { kind: "result"; ok: boolean; payload?: WastValue };

/** A value constant the harness cannot read; `offset` points into the script. */
export class WastValueError extends Error {
  override readonly name = "WastValueError";
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const intRanges: Record<IntType, [bigint, bigint]> = {
  u8: [0n, 0xffn],
  s8: [-0x80n, 0x7fn],
  u16: [0n, 0xffffn],
  s16: [-0x8000n, 0x7fffn],
  u32: [0n, 0xffff_ffffn],
  s32: [-0x8000_0000n, 0x7fff_ffffn],
  u64: [0n, 0xffff_ffff_ffff_ffffn],
  s64: [-0x8000_0000_0000_0000n, 0x7fff_ffff_ffff_ffffn],
};

const intBits: Record<IntType, number> = { u8: 8, s8: 8, u16: 16, s16: 16, u32: 32, s32: 32, u64: 64, s64: 64 };

/**
 * Parses a wat integer literal (`42`, `-7`, `+3`, `0xff`, `1_000`) for `type`.
 * A signed type also accepts the unsigned range and wraps it (`s8.const 0xff`
 * is -1), as the wat integer syntax does; an unsigned type refuses negatives.
 */
export function parseIntLiteral(text: string, type: IntType): bigint {
  const m = /^([+-]?)(0x[0-9a-fA-F](?:_?[0-9a-fA-F])*|[0-9](?:_?[0-9])*)$/.exec(text);
  if (!m) throw new Error(`malformed ${type} constant \`${text}\``);
  let v = BigInt(m[2].replace(/_/g, ""));
  if (m[1] === "-") v = -v;
  const [min, max] = intRanges[type];
  const bits = intBits[type];
  if (type.startsWith("s") && v > max && v < 1n << BigInt(bits)) v = BigInt.asIntN(bits, v);
  if (v < min || v > max) throw new Error(`${type} constant \`${text}\` out of range`);
  return v;
}

interface FloatFormat {
  /** Significand bits, the implicit one included. */
  precision: number;
  /** Exponent of the smallest normal number. */
  minExp: number;
  /** Exponent of the largest finite number. */
  maxExp: number;
}

const formats: Record<FloatType, FloatFormat> = {
  f32: { precision: 24, minExp: -126, maxExp: 127 },
  f64: { precision: 53, minExp: -1022, maxExp: 1023 },
};

function bitLength(n: bigint): number {
  return n.toString(2).length;
}

/** `2 ** e` for any e a float result can need, without intermediate overflow or underflow. */
function pow2(e: number): number {
  let r = 1;
  while (e > 1000) {
    r *= 2 ** 1000;
    e -= 1000;
  }
  while (e < -1000) {
    r *= 2 ** -1000;
    e += 1000;
  }
  return r * 2 ** e;
}

/** `m × 2^e` (m ≥ 0) correctly rounded (to nearest, ties to even) to `format`; `sticky` = value slightly above. */
function roundBinary(m: bigint, e: number, format: FloatFormat, sticky = false): number {
  if (m === 0n) return 0;
  const lead = bitLength(m) - 1 + e;
  const lsb = Math.max(lead - (format.precision - 1), format.minExp - (format.precision - 1));
  const shift = lsb - e;
  let q: bigint;
  if (shift <= 0) {
    q = m << BigInt(-shift);
  } else {
    const s = BigInt(shift);
    q = m >> s;
    const rem = m & ((1n << s) - 1n);
    const half = 1n << (s - 1n);
    if (rem > half || (rem === half && (sticky || (q & 1n) === 1n))) q++;
  }
  const exponent = bitLength(q) - 1 + lsb;
  if (exponent > format.maxExp) return Infinity;
  return Number(q) * pow2(lsb);
}

/**
 * Parses a wat float literal for `type`: decimal (`1.5e-3`, `1_000.5`), hex
 * (`0x1.8p3`, `-0x1p-149`), `inf`, `nan`, `nan:0x…`, `nan:canonical`,
 * `nan:arithmetic`, with an optional sign. Rounds correctly to f32 or f64.
 */
export function parseFloatLiteral(text: string, type: FloatType): { value: number; nan?: string } {
  const format = formats[type];
  const sign = text.startsWith("-") ? -1 : 1;
  const body = text.replace(/^[+-]/, "");
  if (body === "inf") return { value: sign * Infinity };
  if (body === "nan" || body === "nan:canonical" || body === "nan:arithmetic") return { value: NaN, nan: body };
  if (/^nan:0x[0-9a-fA-F](?:_?[0-9a-fA-F])*$/.test(body)) {
    const payload = BigInt(body.slice(4).replace(/_/g, ""));
    if (payload === 0n || payload >= 1n << BigInt(format.precision - 1))
      throw new Error(`${type} NaN payload out of range in \`${text}\``);
    return { value: NaN, nan: body };
  }
  const hexDigits = "[0-9a-fA-F](?:_?[0-9a-fA-F])*";
  const hex = new RegExp(`^0x(${hexDigits})?(?:\\.(${hexDigits})?)?(?:[pP]([+-]?[0-9](?:_?[0-9])*))?$`).exec(body);
  if (hex && (hex[1] !== undefined || hex[2] !== undefined)) {
    const int = (hex[1] ?? "").replace(/_/g, "");
    const frac = (hex[2] ?? "").replace(/_/g, "");
    const exp = Number((hex[3] ?? "0").replace(/_/g, ""));
    const m = BigInt("0x" + (int + frac || "0"));
    const v =
      Math.abs(exp) > 100_000 ? (exp > 0 && m !== 0n ? Infinity : 0) : roundBinary(m, exp - 4 * frac.length, format);
    return { value: sign * v };
  }
  const digits = "[0-9](?:_?[0-9])*";
  const dec = new RegExp(`^(${digits})(?:\\.(${digits})?)?(?:[eE]([+-]?${digits}))?$`).exec(body);
  if (dec) {
    const int = dec[1].replace(/_/g, "");
    const frac = (dec[2] ?? "").replace(/_/g, "");
    const exp = Number((dec[3] ?? "0").replace(/_/g, "")) - frac.length;
    const d = BigInt(int + frac);
    let v: number;
    if (d === 0n) v = 0;
    else if (exp > 400) v = Infinity;
    else if (exp < -400 - (int + frac).length) v = 0;
    else if (exp >= 0) v = roundBinary(d * 10n ** BigInt(exp), 0, format);
    else {
      // d / 10^-exp: a quotient with enough bits (precision + 2 at least) and a sticky remainder.
      const den = 10n ** BigInt(-exp);
      const s = Math.max(0, bitLength(den) - bitLength(d) + format.precision + 3);
      const num = d << BigInt(s);
      v = roundBinary(num / den, -s, format, num % den !== 0n);
    }
    return { value: sign * v };
  }
  throw new Error(`malformed ${type} constant \`${text}\``);
}

function expectString(node: SNode | undefined, what: string, at: number): string {
  if (node?.kind !== "string") throw new WastValueError(`${what}: expected a string`, node?.start ?? at);
  try {
    return stringText(node);
  } catch {
    throw new WastValueError(`${what}: string is not valid UTF-8`, node.start);
  }
}

function expectAtom(node: SNode | undefined, what: string, at: number): string {
  if (!isAtom(node)) throw new WastValueError(`${what}: expected a number`, node?.start ?? at);
  return node.text;
}

/** Parses a parenthesised value constant such as `(u32.const 7)`. */
export function parseValue(node: SNode): WastValue {
  if (node.kind !== "list") throw new WastValueError("expected a parenthesised value", node.start);
  return parseInline(node.items, node);
}

/** Parenthesised values, one per node. */
function parseEach(nodes: SNode[]): WastValue[] {
  return nodes.map(parseValue);
}

/**
 * Parses a value written without its parentheses: `items` are the keyword
 * and its operands, as in a record field `(field "a" u32.const 7)`.
 */
function parseInline(items: SNode[], where: SNode): WastValue {
  const kw = items[0];
  if (!isAtom(kw)) throw new WastValueError("expected a value keyword", where.start);
  const args = items.slice(1);
  const single = (): SNode | undefined => {
    if (args.length > 1) throw new WastValueError(`\`${kw.text}\`: too many operands`, args[1].start);
    return args[0];
  };
  const optionalPayload = (): WastValue | undefined => {
    const a = single();
    return a === undefined ? undefined : parseValue(a);
  };
  try {
    switch (kw.text) {
      case "bool.const": {
        const t = expectAtom(single(), kw.text, kw.end);
        if (t !== "true" && t !== "false") throw new Error(`bool.const: expected true or false, got \`${t}\``);
        return { kind: "bool", value: t === "true" };
      }
      case "u8.const":
      case "s8.const":
      case "u16.const":
      case "s16.const":
      case "u32.const":
      case "s32.const":
      case "u64.const":
      case "s64.const": {
        const type = kw.text.slice(0, -6) as IntType;
        return { kind: "int", type, value: parseIntLiteral(expectAtom(single(), kw.text, kw.end), type) };
      }
      case "f32.const":
      case "f64.const": {
        const type = kw.text.slice(0, 3) as FloatType;
        return { kind: "float", type, ...parseFloatLiteral(expectAtom(single(), kw.text, kw.end), type) };
      }
      case "char.const": {
        const s = expectString(single(), kw.text, kw.end);
        if ([...s].length !== 1) throw new Error(`char.const: expected one character, got ${JSON.stringify(s)}`);
        return { kind: "char", value: s };
      }
      case "str.const":
        return { kind: "string", value: expectString(single(), kw.text, kw.end) };
      case "list.const":
        return { kind: "list", items: parseEach(args) };
      case "tuple.const":
        return { kind: "tuple", items: parseEach(args) };
      case "record.const":
        return {
          kind: "record",
          fields: args.map((f) => {
            if (f.kind !== "list" || !isAtom(f.items[0], "field"))
              throw new WastValueError('record.const: expected `(field "name" value)`', f.start);
            const name = expectString(f.items[1], "field", f.start);
            const rest = f.items.slice(2);
            // Both `(field "a" u32.const 1)` (the wast syntax) and `(field "a" (u32.const 1))`.
            const value = rest.length === 1 && rest[0].kind === "list" ? parseValue(rest[0]) : parseInline(rest, f);
            return { name, value };
          }),
        };
      case "variant.const": {
        const name = expectString(args[0], kw.text, kw.end);
        if (args.length > 2) throw new WastValueError("variant.const: too many operands", args[2].start);
        return { kind: "variant", case: name, payload: args[1] === undefined ? undefined : parseValue(args[1]) };
      }
      case "enum.const":
        return { kind: "enum", case: expectString(single(), kw.text, kw.end) };
      case "flags.const":
        return { kind: "flags", names: args.map((a) => expectString(a, kw.text, a.start)) };
      case "option.none":
        if (args.length) throw new WastValueError("option.none takes no operand", args[0].start);
        return { kind: "option" };
      case "option.some": {
        const payload = optionalPayload();
        if (!payload) throw new WastValueError("option.some needs a value", kw.end);
        return { kind: "option", payload };
      }
      case "result.ok":
        return { kind: "result", ok: true, payload: optionalPayload() };
      case "result.err":
        return { kind: "result", ok: false, payload: optionalPayload() };
      default:
        throw new WastValueError(`unknown value \`${kw.text}\``, kw.start);
    }
  } catch (e) {
    if (e instanceof WastValueError) throw e;
    throw new WastValueError(e instanceof Error ? e.message : String(e), where.start);
  }
}

/** The JS value our host API takes for `v` (an `invoke` argument). */
export function toJs(v: WastValue): unknown {
  switch (v.kind) {
    case "bool":
    case "char":
    case "string":
      return v.value;
    case "int":
      return v.type === "u64" || v.type === "s64" ? v.value : Number(v.value);
    case "float":
      return v.type === "f32" ? Math.fround(v.value) : v.value;
    case "list":
    case "tuple":
      return v.items.map(toJs);
    case "record":
      return Object.fromEntries(v.fields.map((f) => [camelCase(f.name), toJs(f.value)]));
    case "variant":
      return v.payload === undefined ? { tag: v.case } : { tag: v.case, val: toJs(v.payload) };
    case "enum":
      return v.case;
    case "flags":
      return Object.fromEntries(v.names.map((n) => [camelCase(n), true]));
    case "option":
      if (v.payload === undefined) return undefined;
      // option<option<T>>: the outer option is a variant so that some(none) differs from none.
      return v.payload.kind === "option" ? { tag: "some", val: toJs(v.payload) } : toJs(v.payload);
    case "result":
      return v.payload === undefined
        ? { tag: v.ok ? "ok" : "err" }
        : { tag: v.ok ? "ok" : "err", val: toJs(v.payload) };
  }
}

/** A short rendering of a JS value for failure messages. */
export function showJs(x: unknown, depth = 0): string {
  if (depth > 3) return "…";
  if (typeof x === "bigint") return `${x}n`;
  if (typeof x === "string") return JSON.stringify(x.length > 60 ? x.slice(0, 60) + "…" : x);
  if (typeof x === "number") return Object.is(x, -0) ? "-0" : String(x);
  if (x === undefined || x === null || typeof x !== "object") return String(x);
  if (Array.isArray(x) || ArrayBuffer.isView(x)) {
    const items = Array.from(x as ArrayLike<unknown>);
    const shown = items.slice(0, 8).map((i) => showJs(i, depth + 1));
    const prefix = Array.isArray(x) ? "" : x.constructor.name;
    return `${prefix}[${shown.join(", ")}${items.length > 8 ? `, … (${items.length})` : ""}]`;
  }
  const entries = Object.entries(x as Record<string, unknown>);
  return `{${entries
    .slice(0, 8)
    .map(([k, v]) => `${k}: ${showJs(v, depth + 1)}`)
    .join(", ")}${entries.length > 8 ? ", …" : ""}}`;
}

/** A short rendering of an expected value in wast syntax. */
export function showValue(v: WastValue): string {
  switch (v.kind) {
    case "bool":
      return `${v.value}`;
    case "int":
      return `${v.type} ${v.value}`;
    case "float":
      return `${v.type} ${v.nan ?? (Object.is(v.value, -0) ? "-0" : v.value)}`;
    case "char":
      return `char ${JSON.stringify(v.value)}`;
    case "string":
      return JSON.stringify(v.value.length > 60 ? v.value.slice(0, 60) + "…" : v.value);
    case "list":
    case "tuple":
      return `${v.kind}[${v.items.slice(0, 8).map(showValue).join(", ")}${v.items.length > 8 ? ", …" : ""}]`;
    case "record":
      return `{${v.fields.map((f) => `${f.name}: ${showValue(f.value)}`).join(", ")}}`;
    case "variant":
      return v.payload === undefined ? `${v.case}` : `${v.case}(${showValue(v.payload)})`;
    case "enum":
      return v.case;
    case "flags":
      return `flags{${v.names.join(", ")}}`;
    case "option":
      return v.payload === undefined ? "none" : `some(${showValue(v.payload)})`;
    case "result":
      return `${v.ok ? "ok" : "err"}${v.payload === undefined ? "" : `(${showValue(v.payload)})`}`;
  }
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x) && !ArrayBuffer.isView(x);
}

function isTagged(x: unknown): x is { tag: unknown; val?: unknown } {
  return isRecord(x) && "tag" in x;
}

/** Compares an optional payload: absent expected payload means `val` must be undefined. */
function payloadMismatch(actual: unknown, expected: WastValue | undefined, path: string): string | undefined {
  if (expected === undefined)
    return actual === undefined ? undefined : `${path}: expected no payload, got ${showJs(actual)}`;
  return mismatch(actual, expected, path);
}

/**
 * Compares `actual` with `expected`; returns undefined when they are equal,
 * or a short description of the first difference. `path` names the position
 * inside the value for that description.
 */
export function mismatch(actual: unknown, expected: WastValue, path = "value"): string | undefined {
  const differs = () => `${path}: expected ${showValue(expected)}, got ${showJs(actual)}`;
  switch (expected.kind) {
    case "bool":
    case "char":
    case "string":
    case "enum":
      return actual === (expected.kind === "enum" ? expected.case : expected.value) ? undefined : differs();
    case "int": {
      const wide = expected.type === "u64" || expected.type === "s64";
      if (wide) return typeof actual === "bigint" && actual === expected.value ? undefined : differs();
      return typeof actual === "number" && actual === Number(expected.value) ? undefined : differs();
    }
    case "float": {
      if (typeof actual !== "number") return differs();
      if (expected.nan !== undefined) return Number.isNaN(actual) ? undefined : differs();
      const want = expected.type === "f32" ? Math.fround(expected.value) : expected.value;
      return Object.is(actual, want) ? undefined : differs();
    }
    case "list":
    case "tuple": {
      const isList = Array.isArray(actual) || (expected.kind === "list" && isTypedArray(actual));
      if (!isList) return differs();
      const items = actual as ArrayLike<unknown>;
      if (items.length !== expected.items.length)
        return `${path}: expected ${expected.items.length} elements, got ${items.length} (${showJs(actual)})`;
      for (let i = 0; i < items.length; i++) {
        const m = mismatch(items[i], expected.items[i], `${path}[${i}]`);
        if (m) return m;
      }
      return undefined;
    }
    case "record": {
      if (!isRecord(actual)) return differs();
      const keys = new Set(expected.fields.map((f) => camelCase(f.name)));
      for (const f of expected.fields) {
        const key = camelCase(f.name);
        if (!(key in actual)) return `${path}: field \`${key}\` missing in ${showJs(actual)}`;
        const m = mismatch(actual[key], f.value, `${path}.${key}`);
        if (m) return m;
      }
      const extra = Object.keys(actual).filter((k) => !keys.has(k));
      return extra.length ? `${path}: unexpected field \`${extra[0]}\`` : undefined;
    }
    case "variant":
      if (!isTagged(actual) || actual.tag !== expected.case) return differs();
      return payloadMismatch(actual.val, expected.payload, `${path}.val`);
    case "flags": {
      if (!isRecord(actual)) return differs();
      const set = new Set(expected.names.map(camelCase));
      for (const name of set) if (actual[name] !== true) return differs();
      for (const [k, v] of Object.entries(actual)) if (!set.has(k) && v !== false) return differs();
      return undefined;
    }
    case "option": {
      // The direct form (T or undefined) first, then the variant form used for nested options.
      if (expected.payload === undefined) {
        if (actual === undefined) return undefined;
        return isTagged(actual) && actual.tag === "none" && actual.val === undefined ? undefined : differs();
      }
      if (actual === undefined) return differs();
      const direct = mismatch(actual, expected.payload, path);
      if (!direct) return undefined;
      if (isTagged(actual) && actual.tag === "some" && !mismatch(actual.val, expected.payload, `${path}.val`))
        return undefined;
      return direct;
    }
    case "result":
      if (!isTagged(actual) || actual.tag !== (expected.ok ? "ok" : "err")) return differs();
      return payloadMismatch(actual.val, expected.payload, `${path}.val`);
  }
}

function isTypedArray(x: unknown): x is ArrayLike<unknown> {
  return ArrayBuffer.isView(x) && !(x instanceof DataView);
}

/** What a call did: returned a value or threw. */
export type CallOutcome = { returned: unknown } | { thrown: unknown };

/** `true` for the error a function whose result type is a `result` throws for an err. */
export function isComponentError(e: unknown): e is Error & { payload: unknown } {
  return e instanceof Error && e.name === "ComponentError" && "payload" in e;
}

/** The first line of an error's message (or of anything thrown). */
export function errorLine(e: unknown): string {
  const text = e instanceof Error ? `${e.name === "Error" ? "" : e.name + ": "}${e.message}` : String(e);
  return text.split("\n")[0];
}

/**
 * Compares the outcome of a call with the results an `assert_return`
 * expects (none, or one value). Undefined when they agree, otherwise why not.
 * A `result` expectation also accepts the flattened form of a function whose
 * result type is directly a `result`: the ok payload returned, or a
 * `ComponentError` thrown with the err payload.
 */
export function outcomeMismatch(outcome: CallOutcome, expected: WastValue[]): string | undefined {
  if (expected.length > 1) {
    // Several results are not a component-model shape; compare as a tuple.
    if ("thrown" in outcome) return `threw ${errorLine(outcome.thrown)}`;
    return mismatch(outcome.returned, { kind: "tuple", items: expected }, "results");
  }
  const want = expected[0];
  if ("thrown" in outcome) {
    const e = outcome.thrown;
    if (want?.kind === "result" && !want.ok && isComponentError(e)) {
      return payloadMismatch(e.payload, want.payload, "err payload");
    }
    return `threw ${errorLine(e)}`;
  }
  const actual = outcome.returned;
  if (want === undefined) return actual === undefined ? undefined : `expected no result, got ${showJs(actual)}`;
  const direct = mismatch(actual, want, "result");
  if (!direct || want.kind !== "result") return direct;
  if (want.ok && !payloadMismatch(actual, want.payload, "result")) return undefined;
  return direct;
}
