/**
 * WAVE, the WebAssembly Value Encoding: the value syntax of `wasm-wave` and
 * of `wasmtime run --invoke`, read and written over our IR types and the
 * JS values of the TypeScript host.
 *
 * ```ts
 * const loaded = loadWitText("package a:b; interface i { record r { x: u8, y: option<string> } }");
 * const r = [...loaded.resolve.interfaces[0].types.values()][0];
 * parseWave(`{x: 1, y: "hi"}`, r, loaded.resolve); // { x: 1, y: "hi" }
 * printWave({ x: 1 }, r, loaded.resolve); // "{x: 1}"
 * ```
 *
 * Values (as the generated TypeScript host has them): `bool` → boolean;
 * integers up to 32 bits and floats → number; `u64`/`s64` → bigint; `char`
 * → a string of one code point; `string` → string; a list of a numeric
 * primitive → its typed array (`list<u8>` → `Uint8Array`), other lists and
 * fixed-length lists → Array; tuple → Array; record → object with camelCase
 * keys (every field set, `none` fields to `undefined`); variant → `{ tag,
 * val }` (no `val` without payload); enum → the case name; flags → object of
 * camelCase booleans, every flag present; `option<T>` → `T | undefined`, or
 * `{ tag: "some", val } | { tag: "none" }` when `T` is itself an option;
 * `result` → `{ tag: "ok" | "err", val }` (`val` undefined without payload).
 * Handles, futures, streams, maps and `error-context` have no WAVE form.
 *
 * Errors: parsing throws a `WaveError` (see `error.ts`): wasm-wave's kind and
 * text (`waveText`, e.g. `invalid token at 5..6`, spans in UTF-8 bytes), the
 * UTF-16 `offset`, 1-based `line` and `column`, and for a value of the wrong
 * shape the WIT type `expected`, all in `message`:
 * `invalid value type: expected u8, got \`"x"\` at line 1, column 5`.
 * Printing a JS value of the wrong shape throws a `TypeError` naming its
 * path (`value.items[2]: expected a u8, got 300`).
 */
import type { Resolve } from "../resolve.js";
import type { Function, Type } from "../types.js";
import { Parser, parseUntypedCall, WaveSource, type UntypedCall } from "./parser.js";
import { printValue } from "./print.js";
import { Typer } from "./typed.js";

export { WaveError, type WaveErrorKind } from "./error.js";
export { formatFloat, parseF32 } from "./float.js";

/**
 * Parses the WAVE text of one value of type `type` (whitespace and `//`
 * comments around it allowed) into its JS value. Throws a `WaveError`.
 */
export function parseWave(text: string, type: Type, resolve: Resolve): unknown {
  const source = new WaveSource(text);
  const parser = new Parser(source);
  const node = parser.parseValue();
  const value = new Typer(source, resolve).value(node, type);
  parser.finish();
  return value;
}

/**
 * Writes `value`, a JS value of type `type`, as canonical WAVE text: what
 * wasm-wave's writer gives for the same component value. Throws a
 * `TypeError` for a value that does not fit the type.
 */
export function printWave(value: unknown, type: Type, resolve: Resolve): string {
  return printValue(value, type, resolve);
}

/** A call `name(args...)` parsed without its types: the name tells which function to type it by. */
export class UntypedWaveCall {
  private constructor(private readonly call: UntypedCall) {}

  /**
   * Parses `name(value, ...)`. The name is `f`, `iface.f` or
   * `ns:pkg/iface.f`, each optionally `@x.y.z`, with nothing before it.
   * Throws a `WaveError` for bad syntax.
   */
  static parse(text: string): UntypedWaveCall {
    return new UntypedWaveCall(parseUntypedCall(text));
  }

  /** The function name as written. */
  get name(): string {
    return this.call.name;
  }

  /**
   * The arguments typed by `func`'s parameters, in order. Trailing
   * `option` parameters may be left out (they are `none`); more arguments
   * than parameters, or a missing required one, is an `invalid params`
   * error. Throws a `WaveError`.
   */
  args(func: Function, resolve: Resolve): unknown[] {
    const c = this.call;
    const types = func.params.map((p) => p.type);
    return new Typer(c.source, resolve).params(c.params, types, c.nameStart, c.nameEnd);
  }
}

/**
 * Parses a call `name(value, ...)` whose arguments have the types of
 * `func`'s parameters (whatever the name written: see `UntypedWaveCall` to
 * choose the function by name first). Throws a `WaveError`.
 */
export function parseWaveCall(text: string, func: Function, resolve: Resolve): { name: string; args: unknown[] } {
  const call = UntypedWaveCall.parse(text);
  return { name: call.name, args: call.args(func, resolve) };
}

/**
 * Writes a call: `name(a, b)`, or with `names`, `name(x: a, y: b)` (each
 * argument after its parameter's name, as wasm-wave's UI tests print
 * calls).
 */
export function printWaveCall(
  name: string,
  args: unknown[],
  func: Function,
  resolve: Resolve,
  options: { names?: boolean } = {},
): string {
  if (args.length !== func.params.length)
    throw new TypeError(`${name}: expected ${func.params.length} arguments, got ${args.length}`);
  const parts = func.params.map((p, i) => {
    const text = printValue(args[i], p.type, resolve, p.name);
    return options.names ? `${p.name}: ${text}` : text;
  });
  return `${name}(${parts.join(", ")})`;
}
