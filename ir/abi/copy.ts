/**
 * The fused adapter of a call between two components, for values that sit
 * wholly in linear memory: what lifting a value from the caller's memory
 * and lowering it into the callee's amounts to, byte by byte.
 *
 * CanonicalABI.md defines a call between components as `canon lift` of the
 * callee composed with `canon lower` of the caller: every value is lifted
 * (`load`) and lowered again (`store`). For a type with no pointers inside
 * (no strings, lists or handles), that composition writes, at the same
 * offsets of the destination, the bytes it read, except that:
 * - a `bool` is any byte when loaded and 0 or 1 when stored;
 * - a `char` must be a Unicode scalar value (`convert_i32_to_char` traps);
 * - an enum's or variant's discriminant must name a case (`load_variant`
 *   traps), and only the chosen case's payload is written;
 * - flags keep only the bits of their labels (`unpack_flags_from_int`);
 * - padding is never written (`store` leaves it as `realloc` gave it).
 * A float's bits may pass unchanged: lifting canonicalises a NaN and
 * lowering may give any NaN (`maybe_scramble_nan`).
 *
 * `fusedCopy` describes that composition once, as steps an emitter turns
 * into straight-line code, so that no emitter re-derives it.
 */
import { type AbiLayout } from "./layout.js";
import type { Type } from "../types.js";

export type CopyStep =
  /** `size` bytes at `offset` (integers and floats, adjacent ones merged), copied as they are. */
  | { op: "bytes"; offset: number; size: number }
  /** A `bool`: 1 when the source byte is not 0. */
  | { op: "bool"; offset: number }
  /** A `char`: checked to be a Unicode scalar value, then copied. */
  | { op: "char"; offset: number }
  /** Flags of `size` bytes (1, 2 or 4) keeping the low `count` bits. */
  | { op: "flags"; offset: number; size: 1 | 2 | 4; count: number }
  /**
   * An enum, variant, option or result: the discriminant (of `size` bytes)
   * checked to be below `cases.length` and copied, then the chosen case's
   * payload, at `payloadOffset`, copied by its steps.
   */
  | { op: "variant"; offset: number; size: 1 | 2 | 4; payloadOffset: number; cases: CopyStep[][] };

/**
 * The steps that copy a value of `t` between memories as lifting and
 * lowering it would; `undefined` when `t` holds a pointer or a handle
 * (strings, lists, maps, resources, futures, streams, error contexts), whose
 * copy needs an allocation in the destination or a handle transfer.
 */
export function fusedCopy(layout: AbiLayout, t: Type): CopyStep[] | undefined {
  const steps: CopyStep[] = [];
  return addSteps(layout, t, 0, steps) ? merge(steps) : undefined;
}

function addSteps(layout: AbiLayout, t: Type, offset: number, out: CopyStep[]): boolean {
  const shape = layout.shape(t);
  switch (shape.kind) {
    case "primitive":
      if (shape.name === "bool") out.push({ op: "bool", offset });
      else if (shape.name === "char") out.push({ op: "char", offset });
      else out.push({ op: "bytes", offset, size: layout.size(t) });
      return true;
    case "fixed-list": {
      const size = layout.size(shape.element);
      for (let i = 0; i < shape.length; i++) if (!addSteps(layout, shape.element, offset + i * size, out)) return false;
      return true;
    }
    case "record":
    case "tuple": {
      const fields = layout.recordFields(shape);
      const { offsets } = layout.recordLayout(fields);
      return fields.every((f, i) => addSteps(layout, f, offset + offsets[i]!, out));
    }
    case "flags": {
      const size = layout.size(t) as 1 | 2 | 4;
      out.push({ op: "flags", offset, size, count: shape.count });
      return true;
    }
    case "enum":
    case "variant":
    case "option":
    case "result": {
      const cases = layout.variantCases(shape);
      const v = layout.variantLayout(cases);
      const caseSteps: CopyStep[][] = [];
      for (const c of cases) {
        const steps: CopyStep[] = [];
        if (c !== undefined && !addSteps(layout, c, 0, steps)) return false;
        caseSteps.push(merge(steps));
      }
      out.push({
        op: "variant",
        offset,
        size: v.discriminantSize,
        payloadOffset: offset + v.payloadOffset,
        cases: caseSteps,
      });
      return true;
    }
    default:
      return false;
  }
}

/** Adjacent byte copies become one. */
function merge(steps: CopyStep[]): CopyStep[] {
  const out: CopyStep[] = [];
  for (const s of steps) {
    const last = out[out.length - 1];
    if (s.op === "bytes" && last?.op === "bytes" && last.offset + last.size === s.offset) last.size += s.size;
    else out.push(s.op === "bytes" ? { ...s } : s);
  }
  return out;
}
