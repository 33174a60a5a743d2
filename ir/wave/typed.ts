/**
 * Typing an untyped WAVE tree: each node checked against an IR type and
 * turned into the JS value the TypeScript host uses for it. The checks and
 * their errors are wasm-wave's (`Node::to_wasm_value`), with one difference:
 * a record field the type does not have is refused (`unknown field`), where
 * wasm-wave drops it.
 */
import { camelCase } from "../../generators/ts/naming.js";
import type { Resolve } from "../resolve.js";
import type { Type } from "../types.js";
import { rustDebugString, type WaveError } from "./error.js";
import { parseF32, parseF64 } from "./float.js";
import type { WaveNode, WaveSource } from "./parser.js";
import { decodeChar, decodeMultilineString, decodeString, DecodeFailure } from "./strings.js";
import { isTaggedOption, listArrayType, shapeOf, witTypeText } from "./types.js";

const intRanges: Record<string, [bigint, bigint]> = {
  u8: [0n, 255n],
  s8: [-128n, 127n],
  u16: [0n, 65535n],
  s16: [-32768n, 32767n],
  u32: [0n, 4294967295n],
  s32: [-2147483648n, 2147483647n],
  u64: [0n, 18446744073709551615n],
  s64: [-9223372036854775808n, 9223372036854775807n],
};

export class Typer {
  constructor(
    readonly source: WaveSource,
    readonly resolve: Resolve,
  ) {}

  /** An error at `node`; for shape errors, `type` is named as the one expected. */
  private error(kind: "invalid-type" | "invalid-value", node: WaveNode, type: Type): WaveError {
    return this.source.error(kind, node.start, node.end, undefined, witTypeText(type, this.resolve));
  }

  /** wasm-wave's `WasmValueError`s: `error converting Wasm value: <what>`. */
  private conversion(node: WaveNode, what: string): WaveError {
    return this.source.error("wasm-value-error", node.start, node.end, what);
  }

  private ensure(node: WaveNode, type: Type, ...types: WaveNode["type"][]): void {
    if (!types.includes(node.type)) throw this.error("invalid-type", node, type);
  }

  value(node: WaveNode, type: Type): unknown {
    const shape = shapeOf(type, this.resolve);
    if (shape.kind === "primitive") return this.primitive(node, type, shape.name);
    const k = shape.def;
    switch (k.kind) {
      case "list":
      case "fixed-length-list": {
        this.ensure(node, type, "list");
        if (k.kind === "fixed-length-list" && node.children.length !== k.size)
          throw this.conversion(node, `expected ${k.size} list elements; got ${node.children.length}`);
        const values = node.children.map((n) => this.value(n, k.type));
        const array = k.kind === "list" ? listArrayType(k.type, this.resolve) : undefined;
        return array ? new array(values as never[]) : values;
      }
      case "record": {
        this.ensure(node, type, "record");
        const given = new Map<string, WaveNode>();
        for (let i = 0; i < node.children.length; i += 2)
          given.set(this.source.label(node.children[i]), node.children[i + 1]);
        const out: Record<string, unknown> = {};
        for (const f of k.fields) {
          const valueNode = given.get(f.name);
          given.delete(f.name);
          if (valueNode) out[camelCase(f.name)] = this.value(valueNode, f.type);
          else if (this.isOption(f.type)) out[camelCase(f.name)] = this.none(f.type);
          else throw this.conversion(node, `missing field ${rustDebugString(f.name)}`);
        }
        for (const name of given.keys()) throw this.conversion(node, `unknown field ${rustDebugString(name)}`);
        return out;
      }
      case "tuple": {
        this.ensure(node, type, "tuple");
        if (node.children.length !== k.types.length)
          throw this.conversion(node, `expected ${k.types.length} tuple elements; got ${node.children.length}`);
        return node.children.map((n, i) => this.value(n, k.types[i]));
      }
      case "variant": {
        this.ensure(node, type, "label", "variant-with-payload");
        const label = this.source.label(node.type === "label" ? node : node.children[0]);
        const c = k.cases.find((c) => c.name === label);
        if (!c) throw this.conversion(node, `unknown case ${rustDebugString(label)}`);
        const val = this.payload(node, label, c.type, node.children[1]);
        return c.type === undefined ? { tag: c.name } : { tag: c.name, val };
      }
      case "enum": {
        this.ensure(node, type, "label");
        const label = this.source.label(node);
        if (!k.cases.some((c) => c.name === label))
          throw this.conversion(node, `unknown case ${rustDebugString(label)}`);
        return label;
      }
      case "option": {
        const tagged = isTaggedOption(k.type, this.resolve);
        let some: { val: unknown } | undefined;
        if (node.type === "option-some") some = { val: this.payload(node, "some", k.type, node.children[0]) };
        else if (node.type === "option-none") some = undefined;
        else if (this.flattenable(k.type)) some = { val: this.value(node, k.type) };
        else throw this.error("invalid-type", node, type);
        if (tagged) return some ? { tag: "some", val: some.val } : { tag: "none" };
        return some?.val;
      }
      case "result": {
        if (node.type === "result-ok") return { tag: "ok", val: this.payload(node, "ok", k.ok, node.children[0]) };
        if (node.type === "result-err") return { tag: "err", val: this.payload(node, "err", k.err, node.children[0]) };
        if (k.ok !== undefined && this.flattenable(k.ok)) return { tag: "ok", val: this.value(node, k.ok) };
        throw this.error("invalid-type", node, type);
      }
      case "flags": {
        this.ensure(node, type, "flags");
        const out: Record<string, boolean> = {};
        for (const f of k.flags) out[camelCase(f.name)] = false;
        for (const child of node.children) {
          const name = this.source.label(child);
          const flag = k.flags.find((f) => f.name === name);
          if (!flag) throw this.conversion(node, `unknown case ${rustDebugString(name)}`);
          out[camelCase(flag.name)] = true;
        }
        return out;
      }
      default:
        throw this.conversion(node, `unsupported type ${witTypeText(type, this.resolve)}`);
    }
  }

  private primitive(node: WaveNode, type: Type, name: string): unknown {
    const range = intRanges[name];
    if (range) {
      this.ensure(node, type, "number");
      const text = this.source.slice(node.start, node.end);
      // As Rust's integer `parse`: decimal digits, `-` only for signed types.
      if (!/^-?[0-9]+$/.test(text) || (text.startsWith("-") && range[0] === 0n))
        throw this.error("invalid-value", node, type);
      const n = BigInt(text);
      if (n < range[0] || n > range[1]) throw this.error("invalid-value", node, type);
      return name === "u64" || name === "s64" ? n : Number(n);
    }
    switch (name) {
      case "bool":
        this.ensure(node, type, "bool-true", "bool-false");
        return node.type === "bool-true";
      case "f32":
      case "f64": {
        this.ensure(node, type, "number");
        const text = this.source.slice(node.start, node.end);
        return name === "f32" ? parseF32(text) : parseF64(text);
      }
      case "char": {
        this.ensure(node, type, "char");
        return this.decoded(decodeChar(this.source.bytes, node.start, node.end));
      }
      case "string": {
        this.ensure(node, type, "string", "multiline-string");
        const decode = node.type === "string" ? decodeString : decodeMultilineString;
        return this.decoded(decode(this.source.bytes, node.start, node.end));
      }
      default:
        throw this.conversion(node, `unsupported type ${name}`);
    }
  }

  private decoded(result: string | DecodeFailure): string {
    if (result instanceof DecodeFailure) throw this.source.error(result.kind, result.start, result.end, result.detail);
    return result;
  }

  /** A case's payload: present exactly when the case has a type. */
  private payload(node: WaveNode, name: string, type: Type | undefined, payload: WaveNode | undefined): unknown {
    if (type !== undefined && payload) return this.value(payload, type);
    if (type === undefined && !payload) return undefined;
    if (type !== undefined) throw this.conversion(node, `missing payload for ${rustDebugString(name)} case`);
    throw this.conversion(node, `unexpected payload for ${rustDebugString(name)} case`);
  }

  isOption(type: Type): boolean {
    const s = shapeOf(type, this.resolve);
    return s.kind === "def" && s.def.kind === "option";
  }

  /** The `none` of an option type. */
  none(type: Type): unknown {
    const s = shapeOf(type, this.resolve);
    return s.kind === "def" && s.def.kind === "option" && isTaggedOption(s.def.type, this.resolve)
      ? { tag: "none" }
      : undefined;
  }

  /** A payload that may stand for its `some(...)`/`ok(...)`: anything but an option or a result. */
  private flattenable(type: Type): boolean {
    const s = shapeOf(type, this.resolve);
    return !(s.kind === "def" && (s.def.kind === "option" || s.def.kind === "result"));
  }

  /**
   * Arguments of a call: the tuple `params` (or none) against the
   * parameter types; trailing `option` parameters may be left out.
   */
  params(params: WaveNode | undefined, types: Type[], nameStart: number, nameEnd: number): unknown[] {
    if (!params) {
      if (types.length > 0)
        throw this.source.error(
          "invalid-params",
          nameStart,
          nameEnd,
          `no params provided, but ${types.length} required`,
        );
      return [];
    }
    const values = params.children.map((node, i) => {
      if (i >= types.length)
        throw this.source.error("invalid-params", node.start, node.end, "more param(s) than expected");
      return this.value(node, types[i]);
    });
    for (const type of types.slice(values.length)) {
      if (!this.isOption(type))
        throw this.source.error("invalid-params", params.end - 1, params.end, "missing required param(s)");
      values.push(this.none(type));
    }
    return values;
  }
}
