/**
 * Core WebAssembly code scanner: decodes the instructions of function bodies
 * and constant expressions, opcode by opcode with all their immediates, and
 * reports every immediate that is an index into one of the module's index
 * spaces (types, functions, globals, tables, memories, data and element
 * segments, tags) or a local or label index, with its kind and the exact byte
 * range of its encoding.
 *
 * That is all a pass that moves items around in a module needs from code:
 * a liveness walk reads the reported indices, and `rewriteExpr` /
 * `rewriteFunctionBody` copy a body byte for byte, re-encoding only the index
 * immediates whose index changes (as LEB128; a memory index inside a memarg
 * rewrites the memarg's flags too, as the multi-memory proposal encodes it).
 *
 * Instructions are described by a table (`OPS`) from opcode to the shapes of
 * their immediates, not by code per instruction. It covers the MVP,
 * sign extension, saturating truncation, bulk memory, reference types,
 * multi-memory memargs, tail calls, typed function references, SIMD (with
 * relaxed SIMD), threads (with the shared-everything atomics), exception
 * handling (legacy and `try_table`), GC and wide arithmetic. Anything else is
 * never guessed at: an unknown opcode throws `BinaryError` with its offset.
 *
 * Value and heap types are decoded into a small structured form
 * (`ValType`, `HeapType`) which `writeValType` re-encodes the way
 * wasm-encoder does: the one-byte shorthand for nullable abstract
 * references, `0x63`/`0x64` and a heap type otherwise.
 */
import { BinaryError, Reader } from "./reader.js";
import type { ByteWriter } from "./writer.js";

/** The index spaces (and local/label indices) an immediate can refer to. */
export type IndexKind = "type" | "func" | "global" | "table" | "memory" | "data" | "elem" | "tag" | "local" | "label";

/**
 * How an immediate is written: LEB128 integers (`s33` for block and heap
 * type indices), a memarg's flags and memory index, or a whole value or heap
 * type (whose encoding has a canonical short form).
 */
export type ImmediateEncoding = "u32" | "u64" | "s32" | "s33" | "s64" | "memarg" | "valtype" | "heaptype";

/**
 * One immediate of an instruction (or of a local declaration) whose encoding
 * a rewrite may change: every LEB128 integer, memarg, and reference type.
 * Fixed-size immediates (float constants, lanes) never change and are not
 * listed.
 */
export interface Immediate {
  encoding: ImmediateEncoding;
  /** The byte range of its encoding. For a memarg: its flags and memory index (not its offset, listed apart). */
  start: number;
  end: number;
  /** The integer (a bigint for 64-bit ones); the memory of a memarg; the type index of a value or heap type, or -1. */
  value: number | bigint;
  /** Set when the value is an index. */
  kind?: IndexKind;
  /** For a memarg: the alignment exponent, without the multi-memory flag bit. */
  align?: number;
  /** For `valtype` / `heaptype`: the decoded type. */
  type?: ValType | HeapType;
}

/** An immediate that is an index. */
export interface IndexImmediate extends Immediate {
  kind: IndexKind;
  value: number;
}

/** One decoded instruction. */
export interface Instruction {
  /** Its text-format name (`i32.load`, `call_indirect`, `v128.load8_lane`…). */
  name: string;
  /** Offset of the opcode (of the prefix byte for prefixed opcodes). */
  offset: number;
  /** Offset just after its last immediate. */
  end: number;
  /** `0xfb`, `0xfc`, `0xfd` or `0xfe` for prefixed opcodes. */
  prefix: number | undefined;
  /** The opcode, or the sub-opcode after the prefix. */
  opcode: number;
  /** Its index immediates, in encoding order. */
  indices: IndexImmediate[];
  /** All its re-encodable immediates (the indices among them), in encoding order; the sub-opcode of a prefixed one first. */
  immediates: Immediate[];
}

/** A heap type: abstract (`func`, `extern`, `any`… by its one-byte code) or a type index. */
export type HeapType =
  { kind: "abstract"; code: number; shared: boolean } | { kind: "index"; index: number; exact: boolean };

/** A value type: numeric or vector (by its code), or a reference. */
export type ValType = { kind: "num"; code: number } | { kind: "ref"; nullable: boolean; heap: HeapType };

/** A block type: empty, one value type, or a type index. */
export type BlockType = { kind: "empty" } | { kind: "val"; type: ValType } | { kind: "index"; index: number };

// ------------------------------------------------------------------ types

const NUM_TYPES = new Set([0x7f, 0x7e, 0x7d, 0x7c, 0x7b]);
/** Codes of the abstract heap types: `cont` (0x68) … `nocont` (0x75). */
const isAbstractHeap = (b: number) => b >= 0x68 && b <= 0x75;

function heapType(r: Reader): HeapType {
  const at = r.pos;
  const b = r.peek();
  if (b === 0x65) {
    r.u8();
    const code = r.u8();
    if (!isAbstractHeap(code)) r.fail(`invalid shared heap type 0x${code.toString(16)}`, at);
    return { kind: "abstract", code, shared: true };
  }
  if (b === 0x62) {
    r.u8();
    return { kind: "index", index: r.u32(), exact: true };
  }
  if ((b & 0xc0) === 0x40) {
    r.u8();
    if (!isAbstractHeap(b)) r.fail(`invalid heap type 0x${b.toString(16)}`, at);
    return { kind: "abstract", code: b, shared: false };
  }
  const index = r.s33();
  if (index < 0) r.fail("invalid heap type", at);
  return { kind: "index", index, exact: false };
}

/** The numeric and vector value types, shared (and frozen) rather than made for each occurrence. */
const NUM_VALTYPES = new Map<number, ValType>(
  [...NUM_TYPES].map((code) => [code, Object.freeze({ kind: "num", code })]),
);

function valType(r: Reader): ValType {
  const at = r.pos;
  const b = r.u8();
  const num = NUM_VALTYPES.get(b);
  if (num !== undefined) return num;
  if (isAbstractHeap(b)) return { kind: "ref", nullable: true, heap: { kind: "abstract", code: b, shared: false } };
  if (b === 0x63 || b === 0x64) return { kind: "ref", nullable: b === 0x63, heap: heapType(r) };
  return r.fail(`invalid value type 0x${b.toString(16)}`, at);
}

/** The immediate of a value or heap type: an index immediate when it names a type. */
function typeImmediate(encoding: "valtype" | "heaptype", start: number, end: number, type: ValType | HeapType) {
  const heap = type.kind === "ref" ? type.heap : type.kind === "num" ? undefined : type;
  const out: Immediate = { encoding, start, end, value: -1, type };
  if (heap?.kind === "index") {
    out.value = heap.index;
    out.kind = "type";
  }
  return out;
}

/** Reads a heap type; `out` receives it as an immediate. */
export function readHeapType(r: Reader, out?: Immediate[]): HeapType {
  const at = r.pos;
  const t = heapType(r);
  out?.push(typeImmediate("heaptype", at, r.pos, t));
  return t;
}

/** Reads a value type; `out` receives it as an immediate when it is a reference type. */
export function readValType(r: Reader, out?: Immediate[]): ValType {
  const at = r.pos;
  const t = valType(r);
  if (t.kind === "ref") out?.push(typeImmediate("valtype", at, r.pos, t));
  return t;
}

/** Reads a block type; `out` receives its type index or reference type as an immediate. */
export function readBlockType(r: Reader, out?: Immediate[]): BlockType {
  const at = r.pos;
  const b = r.peek();
  if (b === 0x40) {
    r.u8();
    return { kind: "empty" };
  }
  if (NUM_TYPES.has(b) || isAbstractHeap(b) || b === 0x63 || b === 0x64)
    return { kind: "val", type: readValType(r, out) };
  const index = r.s33();
  if (index < 0) r.fail(`invalid block type 0x${b.toString(16)}`, at);
  out?.push({ kind: "type", value: index, start: at, end: r.pos, encoding: "s33" });
  return { kind: "index", index };
}

/** Writes a heap type, mapping a type index through `mapType`. */
export function writeHeapType(w: ByteWriter, t: HeapType, mapType: (index: number) => number = (i) => i): void {
  if (t.kind === "abstract") {
    if (t.shared) w.byte(0x65);
    w.byte(t.code);
  } else if (t.exact) {
    w.byte(0x62).u32(mapType(t.index));
  } else {
    w.sleb(mapType(t.index));
  }
}

/** Writes a value type as wasm-encoder does, mapping type indices through `mapType`. */
export function writeValType(w: ByteWriter, t: ValType, mapType: (index: number) => number = (i) => i): void {
  if (t.kind === "num") {
    w.byte(t.code);
  } else if (t.nullable && t.heap.kind === "abstract") {
    writeHeapType(w, t.heap);
  } else {
    w.byte(t.nullable ? 0x63 : 0x64);
    writeHeapType(w, t.heap, mapType);
  }
}

/** The type index a value type mentions, if any. */
export function valTypeIndex(t: ValType): number | undefined {
  return t.kind === "ref" && t.heap.kind === "index" ? t.heap.index : undefined;
}

// ------------------------------------------------------------ opcode table

/**
 * The shape of one immediate. An `IndexKind` is a `u32` index of that kind;
 * the others are the composite encodings of the proposals.
 */
type Imm =
  | IndexKind
  /** A `u32` that is no index (field index, array size). */
  | "u32"
  | "i32"
  | "i64"
  | "f32"
  | "f64"
  | "v128"
  /** One lane index byte. */
  | "lane"
  /** The 16 lane bytes of `i8x16.shuffle`. */
  | "shuffle"
  | "blocktype"
  | "memarg"
  /** `br_table`: a vector of labels and the default label. */
  | "brtable"
  /** Typed `select`: a vector of value types. */
  | "valtypes"
  | "heaptype"
  /** A reserved zero byte (`atomic.fence`). */
  | "zero"
  /** `br_on_cast`: the nullability flags byte, a label and two heap types. */
  | "cast"
  /** `try_table`: a vector of catch clauses. */
  | "catches"
  /** An atomic ordering (shared-everything threads): 0 or 1. */
  | "ordering";

interface Op {
  name: string;
  imms: readonly Imm[];
}

/** Opcode table, keyed by `prefix << 16 | opcode` (prefix 0 for one-byte opcodes). */
const OPS = new Map<number, Op>();

function define(prefix: number, opcode: number, name: string, imms: readonly Imm[] = []): void {
  OPS.set(prefix * 0x10000 + opcode, { name, imms });
}

/** Defines consecutive opcodes from a space-separated list of names, `-` skipping an unassigned opcode. */
function defineRun(prefix: number, first: number, names: string, imms: readonly Imm[] = []): void {
  names
    .split(/\s+/)
    .filter((n) => n.length > 0)
    .forEach((name, i) => {
      if (name !== "-") define(prefix, first + i, name, imms);
    });
}

// --- control, MVP and the proposals without a prefix
define(0, 0x00, "unreachable");
define(0, 0x01, "nop");
define(0, 0x02, "block", ["blocktype"]);
define(0, 0x03, "loop", ["blocktype"]);
define(0, 0x04, "if", ["blocktype"]);
define(0, 0x05, "else");
define(0, 0x06, "try", ["blocktype"]);
define(0, 0x07, "catch", ["tag"]);
define(0, 0x08, "throw", ["tag"]);
define(0, 0x09, "rethrow", ["label"]);
define(0, 0x0a, "throw_ref");
define(0, 0x0b, "end");
define(0, 0x0c, "br", ["label"]);
define(0, 0x0d, "br_if", ["label"]);
define(0, 0x0e, "br_table", ["brtable"]);
define(0, 0x0f, "return");
define(0, 0x10, "call", ["func"]);
define(0, 0x11, "call_indirect", ["type", "table"]);
define(0, 0x12, "return_call", ["func"]);
define(0, 0x13, "return_call_indirect", ["type", "table"]);
define(0, 0x14, "call_ref", ["type"]);
define(0, 0x15, "return_call_ref", ["type"]);
define(0, 0x18, "delegate", ["label"]);
define(0, 0x19, "catch_all");
define(0, 0x1a, "drop");
define(0, 0x1b, "select");
define(0, 0x1c, "select", ["valtypes"]);
define(0, 0x1f, "try_table", ["blocktype", "catches"]);
defineRun(0, 0x20, "local.get local.set local.tee", ["local"]);
defineRun(0, 0x23, "global.get global.set", ["global"]);
defineRun(0, 0x25, "table.get table.set", ["table"]);
defineRun(
  0,
  0x28,
  `i32.load i64.load f32.load f64.load i32.load8_s i32.load8_u i32.load16_s i32.load16_u
   i64.load8_s i64.load8_u i64.load16_s i64.load16_u i64.load32_s i64.load32_u
   i32.store i64.store f32.store f64.store i32.store8 i32.store16 i64.store8 i64.store16 i64.store32`,
  ["memarg"],
);
// With multi-memory the reserved byte of `memory.size` / `memory.grow` is a memory index.
defineRun(0, 0x3f, "memory.size memory.grow", ["memory"]);
define(0, 0x41, "i32.const", ["i32"]);
define(0, 0x42, "i64.const", ["i64"]);
define(0, 0x43, "f32.const", ["f32"]);
define(0, 0x44, "f64.const", ["f64"]);
const INT_BINOPS = "clz ctz popcnt add sub mul div_s div_u rem_s rem_u and or xor shl shr_s shr_u rotl rotr";
const FLOAT_OPS = "abs neg ceil floor trunc nearest sqrt add sub mul div min max copysign";
const prefixed = (p: string, ops: string) =>
  ops
    .split(" ")
    .map((o) => `${p}.${o}`)
    .join(" ");
defineRun(0, 0x45, prefixed("i32", "eqz eq ne lt_s lt_u gt_s gt_u le_s le_u ge_s ge_u"));
defineRun(0, 0x50, prefixed("i64", "eqz eq ne lt_s lt_u gt_s gt_u le_s le_u ge_s ge_u"));
defineRun(0, 0x5b, prefixed("f32", "eq ne lt gt le ge"));
defineRun(0, 0x61, prefixed("f64", "eq ne lt gt le ge"));
defineRun(0, 0x67, prefixed("i32", INT_BINOPS));
defineRun(0, 0x79, prefixed("i64", INT_BINOPS));
defineRun(0, 0x8b, prefixed("f32", FLOAT_OPS));
defineRun(0, 0x99, prefixed("f64", FLOAT_OPS));
defineRun(
  0,
  0xa7,
  `i32.wrap_i64 i32.trunc_f32_s i32.trunc_f32_u i32.trunc_f64_s i32.trunc_f64_u i64.extend_i32_s i64.extend_i32_u
   i64.trunc_f32_s i64.trunc_f32_u i64.trunc_f64_s i64.trunc_f64_u f32.convert_i32_s f32.convert_i32_u
   f32.convert_i64_s f32.convert_i64_u f32.demote_f64 f64.convert_i32_s f64.convert_i32_u f64.convert_i64_s
   f64.convert_i64_u f64.promote_f32 i32.reinterpret_f32 i64.reinterpret_f64 f32.reinterpret_i32 f64.reinterpret_i64
   i32.extend8_s i32.extend16_s i64.extend8_s i64.extend16_s i64.extend32_s`,
);
define(0, 0xd0, "ref.null", ["heaptype"]);
define(0, 0xd1, "ref.is_null");
define(0, 0xd2, "ref.func", ["func"]);
define(0, 0xd3, "ref.eq");
define(0, 0xd4, "ref.as_non_null");
define(0, 0xd5, "br_on_null", ["label"]);
define(0, 0xd6, "br_on_non_null", ["label"]);

// --- 0xfb: GC
define(0xfb, 0x00, "struct.new", ["type"]);
define(0xfb, 0x01, "struct.new_default", ["type"]);
defineRun(0xfb, 0x02, "struct.get struct.get_s struct.get_u struct.set", ["type", "u32"]);
define(0xfb, 0x06, "array.new", ["type"]);
define(0xfb, 0x07, "array.new_default", ["type"]);
define(0xfb, 0x08, "array.new_fixed", ["type", "u32"]);
define(0xfb, 0x09, "array.new_data", ["type", "data"]);
define(0xfb, 0x0a, "array.new_elem", ["type", "elem"]);
defineRun(0xfb, 0x0b, "array.get array.get_s array.get_u array.set", ["type"]);
define(0xfb, 0x0f, "array.len");
define(0xfb, 0x10, "array.fill", ["type"]);
define(0xfb, 0x11, "array.copy", ["type", "type"]);
define(0xfb, 0x12, "array.init_data", ["type", "data"]);
define(0xfb, 0x13, "array.init_elem", ["type", "elem"]);
defineRun(0xfb, 0x14, "ref.test ref.test ref.cast ref.cast", ["heaptype"]);
defineRun(0xfb, 0x18, "br_on_cast br_on_cast_fail", ["cast"]);
defineRun(0xfb, 0x1a, "any.convert_extern extern.convert_any ref.i31 i31.get_s i31.get_u");

// --- 0xfc: saturating truncation, bulk memory, reference-type tables, memory control, wide arithmetic
defineRun(
  0xfc,
  0x00,
  `i32.trunc_sat_f32_s i32.trunc_sat_f32_u i32.trunc_sat_f64_s i32.trunc_sat_f64_u
   i64.trunc_sat_f32_s i64.trunc_sat_f32_u i64.trunc_sat_f64_s i64.trunc_sat_f64_u`,
);
define(0xfc, 0x08, "memory.init", ["data", "memory"]);
define(0xfc, 0x09, "data.drop", ["data"]);
define(0xfc, 0x0a, "memory.copy", ["memory", "memory"]);
define(0xfc, 0x0b, "memory.fill", ["memory"]);
define(0xfc, 0x0c, "table.init", ["elem", "table"]);
define(0xfc, 0x0d, "elem.drop", ["elem"]);
define(0xfc, 0x0e, "table.copy", ["table", "table"]);
defineRun(0xfc, 0x0f, "table.grow table.size table.fill", ["table"]);
define(0xfc, 0x12, "memory.discard", ["memory"]);
defineRun(0xfc, 0x13, "i64.add128 i64.sub128 i64.mul_wide_s i64.mul_wide_u");

// --- 0xfd: SIMD and relaxed SIMD. Names in opcode order, `-` for the unassigned opcodes.
const SIMD = `
  v128.load v128.load8x8_s v128.load8x8_u v128.load16x4_s v128.load16x4_u v128.load32x2_s v128.load32x2_u
  v128.load8_splat v128.load16_splat v128.load32_splat v128.load64_splat v128.store v128.const i8x16.shuffle
  i8x16.swizzle i8x16.splat i16x8.splat i32x4.splat i64x2.splat f32x4.splat f64x2.splat
  i8x16.extract_lane_s i8x16.extract_lane_u i8x16.replace_lane i16x8.extract_lane_s i16x8.extract_lane_u
  i16x8.replace_lane i32x4.extract_lane i32x4.replace_lane i64x2.extract_lane i64x2.replace_lane
  f32x4.extract_lane f32x4.replace_lane f64x2.extract_lane f64x2.replace_lane
  i8x16.eq i8x16.ne i8x16.lt_s i8x16.lt_u i8x16.gt_s i8x16.gt_u i8x16.le_s i8x16.le_u i8x16.ge_s i8x16.ge_u
  i16x8.eq i16x8.ne i16x8.lt_s i16x8.lt_u i16x8.gt_s i16x8.gt_u i16x8.le_s i16x8.le_u i16x8.ge_s i16x8.ge_u
  i32x4.eq i32x4.ne i32x4.lt_s i32x4.lt_u i32x4.gt_s i32x4.gt_u i32x4.le_s i32x4.le_u i32x4.ge_s i32x4.ge_u
  f32x4.eq f32x4.ne f32x4.lt f32x4.gt f32x4.le f32x4.ge f64x2.eq f64x2.ne f64x2.lt f64x2.gt f64x2.le f64x2.ge
  v128.not v128.and v128.andnot v128.or v128.xor v128.bitselect v128.any_true
  v128.load8_lane v128.load16_lane v128.load32_lane v128.load64_lane
  v128.store8_lane v128.store16_lane v128.store32_lane v128.store64_lane v128.load32_zero v128.load64_zero
  f32x4.demote_f64x2_zero f64x2.promote_low_f32x4
  i8x16.abs i8x16.neg i8x16.popcnt i8x16.all_true i8x16.bitmask i8x16.narrow_i16x8_s i8x16.narrow_i16x8_u
  f32x4.ceil f32x4.floor f32x4.trunc f32x4.nearest i8x16.shl i8x16.shr_s i8x16.shr_u
  i8x16.add i8x16.add_sat_s i8x16.add_sat_u i8x16.sub i8x16.sub_sat_s i8x16.sub_sat_u f64x2.ceil f64x2.floor
  i8x16.min_s i8x16.min_u i8x16.max_s i8x16.max_u f64x2.trunc i8x16.avgr_u
  i16x8.extadd_pairwise_i8x16_s i16x8.extadd_pairwise_i8x16_u i32x4.extadd_pairwise_i16x8_s i32x4.extadd_pairwise_i16x8_u
  i16x8.abs i16x8.neg i16x8.q15mulr_sat_s i16x8.all_true i16x8.bitmask i16x8.narrow_i32x4_s i16x8.narrow_i32x4_u
  i16x8.extend_low_i8x16_s i16x8.extend_high_i8x16_s i16x8.extend_low_i8x16_u i16x8.extend_high_i8x16_u
  i16x8.shl i16x8.shr_s i16x8.shr_u i16x8.add i16x8.add_sat_s i16x8.add_sat_u i16x8.sub i16x8.sub_sat_s
  i16x8.sub_sat_u f64x2.nearest i16x8.mul i16x8.min_s i16x8.min_u i16x8.max_s i16x8.max_u - i16x8.avgr_u
  i16x8.extmul_low_i8x16_s i16x8.extmul_high_i8x16_s i16x8.extmul_low_i8x16_u i16x8.extmul_high_i8x16_u
  i32x4.abs i32x4.neg - i32x4.all_true i32x4.bitmask - - i32x4.extend_low_i16x8_s i32x4.extend_high_i16x8_s
  i32x4.extend_low_i16x8_u i32x4.extend_high_i16x8_u i32x4.shl i32x4.shr_s i32x4.shr_u i32x4.add - -
  i32x4.sub - - - i32x4.mul i32x4.min_s i32x4.min_u i32x4.max_s i32x4.max_u i32x4.dot_i16x8_s -
  i32x4.extmul_low_i16x8_s i32x4.extmul_high_i16x8_s i32x4.extmul_low_i16x8_u i32x4.extmul_high_i16x8_u
  i64x2.abs i64x2.neg - i64x2.all_true i64x2.bitmask - - i64x2.extend_low_i32x4_s i64x2.extend_high_i32x4_s
  i64x2.extend_low_i32x4_u i64x2.extend_high_i32x4_u i64x2.shl i64x2.shr_s i64x2.shr_u i64x2.add - -
  i64x2.sub - - - i64x2.mul i64x2.eq i64x2.ne i64x2.lt_s i64x2.gt_s i64x2.le_s i64x2.ge_s
  i64x2.extmul_low_i32x4_s i64x2.extmul_high_i32x4_s i64x2.extmul_low_i32x4_u i64x2.extmul_high_i32x4_u
  f32x4.abs f32x4.neg - f32x4.sqrt f32x4.add f32x4.sub f32x4.mul f32x4.div f32x4.min f32x4.max f32x4.pmin f32x4.pmax
  f64x2.abs f64x2.neg - f64x2.sqrt f64x2.add f64x2.sub f64x2.mul f64x2.div f64x2.min f64x2.max f64x2.pmin f64x2.pmax
  i32x4.trunc_sat_f32x4_s i32x4.trunc_sat_f32x4_u f32x4.convert_i32x4_s f32x4.convert_i32x4_u
  i32x4.trunc_sat_f64x2_s_zero i32x4.trunc_sat_f64x2_u_zero f64x2.convert_low_i32x4_s f64x2.convert_low_i32x4_u
  i8x16.relaxed_swizzle i32x4.relaxed_trunc_f32x4_s i32x4.relaxed_trunc_f32x4_u i32x4.relaxed_trunc_f64x2_s_zero
  i32x4.relaxed_trunc_f64x2_u_zero f32x4.relaxed_madd f32x4.relaxed_nmadd f64x2.relaxed_madd f64x2.relaxed_nmadd
  i8x16.relaxed_laneselect i16x8.relaxed_laneselect i32x4.relaxed_laneselect i64x2.relaxed_laneselect
  f32x4.relaxed_min f32x4.relaxed_max f64x2.relaxed_min f64x2.relaxed_max i16x8.relaxed_q15mulr_s
  i16x8.relaxed_dot_i8x16_i7x16_s i32x4.relaxed_dot_i8x16_i7x16_add_s`;
defineRun(0xfd, 0x00, SIMD);
// Then the immediates of the SIMD instructions that have any.
for (let op = 0x00; op <= 0x0b; op++) define(0xfd, op, OPS.get(0xfd0000 + op)!.name, ["memarg"]);
define(0xfd, 0x0c, "v128.const", ["v128"]);
define(0xfd, 0x0d, "i8x16.shuffle", ["shuffle"]);
for (let op = 0x15; op <= 0x22; op++) define(0xfd, op, OPS.get(0xfd0000 + op)!.name, ["lane"]);
for (let op = 0x54; op <= 0x5b; op++) define(0xfd, op, OPS.get(0xfd0000 + op)!.name, ["memarg", "lane"]);
define(0xfd, 0x5c, "v128.load32_zero", ["memarg"]);
define(0xfd, 0x5d, "v128.load64_zero", ["memarg"]);

// --- 0xfe: threads, then the shared-everything-threads atomics
defineRun(0xfe, 0x00, "memory.atomic.notify memory.atomic.wait32 memory.atomic.wait64", ["memarg"]);
define(0xfe, 0x03, "atomic.fence", ["zero"]);
defineRun(
  0xfe,
  0x10,
  `i32.atomic.load i64.atomic.load i32.atomic.load8_u i32.atomic.load16_u i64.atomic.load8_u i64.atomic.load16_u
   i64.atomic.load32_u i32.atomic.store i64.atomic.store i32.atomic.store8 i32.atomic.store16 i64.atomic.store8
   i64.atomic.store16 i64.atomic.store32`,
  ["memarg"],
);
["add", "sub", "and", "or", "xor", "xchg", "cmpxchg"].forEach((rmw, i) => {
  const names = ["i32.atomic.rmw", "i64.atomic.rmw", "i32.atomic.rmw8", "i32.atomic.rmw16"]
    .concat(["i64.atomic.rmw8", "i64.atomic.rmw16", "i64.atomic.rmw32"])
    .map((p, j) => `${p}.${rmw}${j >= 2 ? "_u" : ""}`);
  defineRun(0xfe, 0x1e + 7 * i, names.join(" "), ["memarg"]);
});
const RMW = "add sub and or xor xchg cmpxchg";
defineRun(0xfe, 0x4f, `global.atomic.get global.atomic.set ${prefixed("global.atomic.rmw", RMW)}`, [
  "ordering",
  "global",
]);
defineRun(0xfe, 0x58, "table.atomic.get table.atomic.set table.atomic.rmw.xchg table.atomic.rmw.cmpxchg", [
  "ordering",
  "table",
]);
defineRun(
  0xfe,
  0x5c,
  `struct.atomic.get struct.atomic.get_s struct.atomic.get_u struct.atomic.set ${prefixed("struct.atomic.rmw", RMW)}`,
  ["ordering", "type", "u32"],
);
defineRun(
  0xfe,
  0x67,
  `array.atomic.get array.atomic.get_s array.atomic.get_u array.atomic.set ${prefixed("array.atomic.rmw", RMW)}`,
  ["ordering", "type"],
);
define(0xfe, 0x72, "ref.i31_shared");

/** The opcodes of the stack-switching proposal, refused by name rather than as unknown. */
const STACK_SWITCHING = "cont.new cont.bind suspend resume resume_throw resume_throw_ref switch".split(" ");

// ---------------------------------------------------------------- decoding

/** Reads a `u32`, recorded as an immediate (an index one when `kind` is given). */
function u32(r: Reader, out: Immediate[], kind?: IndexKind): number {
  const start = r.pos;
  const value = r.u32();
  out.push(kind ? { encoding: "u32", start, end: r.pos, value, kind } : { encoding: "u32", start, end: r.pos, value });
  return value;
}

function memarg(r: Reader, out: Immediate[]): void {
  const start = r.pos;
  const flags = r.u32();
  const multi = (flags & 0x40) !== 0;
  const align = flags & ~0x40;
  if (align >= 0x40) r.fail("malformed memop alignment: alignment too large", start);
  const memory = multi ? r.u32() : 0;
  out.push({ encoding: "memarg", start, end: r.pos, value: memory, kind: "memory", align });
  const at = r.pos;
  const offset = r.u64();
  out.push({ encoding: "u64", start: at, end: r.pos, value: offset });
}

function immediate(r: Reader, imm: Imm, out: Immediate[]): void {
  switch (imm) {
    case "type":
    case "func":
    case "global":
    case "table":
    case "memory":
    case "data":
    case "elem":
    case "tag":
    case "local":
    case "label":
      u32(r, out, imm);
      return;
    case "u32":
      u32(r, out);
      return;
    case "i32":
    case "i64": {
      const start = r.pos;
      const value = r.sleb(imm === "i32" ? 32 : 64);
      out.push(
        imm === "i32"
          ? { encoding: "s32", start, end: r.pos, value: Number(value) }
          : { encoding: "s64", start, end: r.pos, value },
      );
      return;
    }
    case "f32":
      r.take(4);
      return;
    case "f64":
      r.take(8);
      return;
    case "v128":
    case "shuffle":
      r.take(16);
      return;
    case "lane":
      r.u8();
      return;
    case "blocktype":
      readBlockType(r, out);
      return;
    case "memarg":
      return memarg(r, out);
    case "brtable": {
      const n = u32(r, out);
      for (let i = 0; i <= n; i++) u32(r, out, "label");
      return;
    }
    case "valtypes": {
      const n = u32(r, out);
      for (let i = 0; i < n; i++) readValType(r, out);
      return;
    }
    case "heaptype":
      readHeapType(r, out);
      return;
    case "zero": {
      const at = r.pos;
      if (r.u8() !== 0) r.fail("nonzero byte after `atomic.fence`", at);
      return;
    }
    case "cast": {
      const at = r.pos;
      const flags = r.u8();
      if (flags > 3) r.fail(`invalid cast flags: ${flags.toString(2).padStart(8, "0")}`, at);
      u32(r, out, "label");
      readHeapType(r, out);
      readHeapType(r, out);
      return;
    }
    case "catches": {
      const n = u32(r, out);
      for (let i = 0; i < n; i++) {
        const at = r.pos;
        const kind = r.u8();
        if (kind > 3) r.fail(`invalid leading byte (0x${kind.toString(16)}) for catch`, at);
        if (kind < 2) u32(r, out, "tag");
        u32(r, out, "label");
      }
      return;
    }
    case "ordering": {
      const at = r.pos;
      if (u32(r, out) > 1) r.fail(`invalid atomic consistency ordering`, at);
      return;
    }
  }
}

class DecodedInstruction implements Instruction {
  constructor(
    readonly name: string,
    readonly offset: number,
    readonly end: number,
    readonly prefix: number | undefined,
    readonly opcode: number,
    readonly immediates: Immediate[],
  ) {}

  /** Computed when asked: most scans only copy the immediates. */
  get indices(): IndexImmediate[] {
    return this.immediates.filter((i): i is IndexImmediate => i.kind !== undefined);
  }
}

/** Decodes the instruction at `r.pos`. */
export function readInstruction(r: Reader): Instruction {
  const offset = r.pos;
  const code = r.u8();
  const immediates: Immediate[] = [];
  let prefix: number | undefined;
  let opcode = code;
  if (code >= 0xfb && code <= 0xfe) {
    prefix = code;
    opcode = u32(r, immediates);
  }
  const op = OPS.get((prefix ?? 0) * 0x10000 + opcode);
  if (!op) {
    const switching = STACK_SWITCHING[code - 0xe0];
    if (switching) r.fail(`unsupported stack-switching instruction \`${switching}\``, offset);
    const what = prefix === undefined ? "opcode" : `0x${prefix.toString(16)} subopcode`;
    r.fail(`unknown ${what}: 0x${opcode.toString(16)}`, offset);
  }
  for (const imm of op.imms) immediate(r, imm, immediates);
  return new DecodedInstruction(op.name, offset, r.pos, prefix, opcode, immediates);
}

/** Whether an instruction opens a block that a later `end` closes. */
const opensBlock = (ins: Instruction) =>
  ins.prefix === undefined && (ins.opcode <= 0x04 ? ins.opcode >= 0x02 : ins.opcode === 0x06 || ins.opcode === 0x1f);

/**
 * Decodes the instructions of `bytes[start, end)`, calling `visit` for each.
 * With `stopAtEnd` (constant expressions inside a section) it stops after the
 * `end` that closes the expression; returns the offset where it stopped.
 */
export function scanExpr(
  bytes: Uint8Array,
  start: number,
  end: number,
  visit: (ins: Instruction) => void,
  stopAtEnd = false,
): number {
  const r = new Reader(bytes, start, end);
  let depth = 0;
  while (!r.done) {
    const ins = readInstruction(r);
    visit(ins);
    if (opensBlock(ins)) depth++;
    else if (ins.prefix === undefined && ins.opcode === 0x0b && --depth < 0 && stopAtEnd) return r.pos;
  }
  if (stopAtEnd) r.fail("unexpected end of data: constant expression without `end`");
  return r.pos;
}

/** One group of local declarations of a function body. */
export interface LocalGroup {
  count: number;
  type: ValType;
}

/** The local declarations of a function body and where its instructions start. */
export interface FunctionBodyLocals {
  locals: LocalGroup[];
  /** The immediates of the declarations: counts and reference types. */
  immediates: Immediate[];
  /** Offset of the first instruction. */
  codeStart: number;
}

/** Reads the local declarations at the start of the function body `bytes[start, end)`. */
export function readLocals(bytes: Uint8Array, start: number, end: number): FunctionBodyLocals {
  const r = new Reader(bytes, start, end);
  const immediates: Immediate[] = [];
  const locals: LocalGroup[] = [];
  const n = u32(r, immediates);
  for (let i = 0; i < n; i++) locals.push({ count: u32(r, immediates), type: readValType(r, immediates) });
  return { locals, immediates, codeStart: r.pos };
}

/**
 * Decodes a whole function body (`bytes[start, end)`, without its size):
 * the local declarations, then every instruction. It must end with the
 * `end` of the body, exactly at `end`.
 */
export function scanFunctionBody(
  bytes: Uint8Array,
  start: number,
  end: number,
  visit: (ins: Instruction) => void,
): FunctionBodyLocals {
  const locals = readLocals(bytes, start, end);
  let last: Instruction | undefined;
  scanExpr(bytes, locals.codeStart, end, (ins) => {
    last = ins;
    visit(ins);
  });
  if (!last || last.prefix !== undefined || last.opcode !== 0x0b) {
    throw new BinaryError("function body must end with `end`", end);
  }
  return locals;
}

/** A function body's local declarations and the immediates of its instructions, as a rewrite needs them. */
export interface ScannedBody {
  locals: FunctionBodyLocals;
  body: Immediate[];
}

/**
 * Scans a function body once, for `rewriteFunctionBody`: its local
 * declarations and the immediates of all its instructions, in order. Unlike
 * `scanFunctionBody` it makes no object per instruction. `refuse`, when
 * given, names instructions that are an error here (with the message).
 */
export function scanBody(
  bytes: Uint8Array,
  start: number,
  end: number,
  refuse?: ReadonlyMap<string, string>,
): ScannedBody {
  const locals = readLocals(bytes, start, end);
  const body: Immediate[] = [];
  const r = new Reader(bytes, locals.codeStart, end);
  let depth = 0;
  let lastIsEnd = false;
  while (!r.done) {
    const offset = r.pos;
    const code = r.u8();
    let prefix = 0;
    let opcode = code;
    if (code >= 0xfb && code <= 0xfe) {
      prefix = code;
      opcode = u32(r, body);
    }
    const op = OPS.get(prefix * 0x10000 + opcode);
    if (!op) {
      r.pos = offset;
      readInstruction(r); // fails with the message for an unknown or refused opcode
      continue;
    }
    const refused = refuse?.get(op.name);
    if (refused !== undefined) throw new BinaryError(refused, offset);
    for (const imm of op.imms) immediate(r, imm, body);
    lastIsEnd = prefix === 0 && opcode === 0x0b;
    if (prefix === 0 && (opcode <= 0x04 ? opcode >= 0x02 : opcode === 0x06 || opcode === 0x1f)) depth++;
    else if (lastIsEnd) depth--;
  }
  if (!lastIsEnd || depth !== -1) throw new BinaryError("function body must end with `end`", end);
  return { locals, body };
}

// --------------------------------------------------------------- rewriting

/** The new index of an item; returning the same index leaves its encoding untouched. */
export type IndexRemap = (kind: IndexKind, index: number) => number;

/** How a rewrite writes what it copies. */
export interface RewriteOptions {
  /**
   * Re-encode every immediate the canonical way (shortest LEB128, short
   * forms of reference types, memory 0 without the memarg flag), as
   * wasm-encoder writes instructions it re-encodes. Without it only the
   * remapped indices are re-encoded and all other bytes are copied.
   */
  canonical?: boolean;
}

/** Unsigned LEB128 of a 64-bit value. */
export function writeU64(w: ByteWriter, value: bigint): void {
  do {
    let b = Number(value & 0x7fn);
    value >>= 7n;
    if (value !== 0n) b |= 0x80;
    w.byte(b);
  } while (value !== 0n);
}

/** Writes an immediate with the value `value`. */
export function writeImmediate(w: ByteWriter, imm: Immediate, value: number | bigint): void {
  switch (imm.encoding) {
    case "u32":
      w.u32(Number(value));
      return;
    case "u64":
      writeU64(w, BigInt(value));
      return;
    case "s32":
    case "s33":
    case "s64":
      w.sleb(value);
      return;
    case "memarg":
      // As wasm-encoder writes a memarg: memory 0 without the flag bit.
      if (value === 0) w.u32(imm.align!);
      else w.u32(imm.align! | 0x40).u32(Number(value));
      return;
    case "valtype":
      writeValType(w, imm.type as ValType, () => Number(value));
      return;
    case "heaptype":
      writeHeapType(w, imm.type as HeapType, () => Number(value));
      return;
  }
}

/** The length of the shortest LEB128 encoding of a u32. */
function u32Size(value: number | bigint): number {
  const v = Number(value);
  return v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5;
}

/**
 * Copies `bytes[start, end)` to `out`, re-encoding the immediates (sorted,
 * within the range) whose index `remap` changes, or all of them when
 * canonical.
 */
function copyRemapped(
  bytes: Uint8Array,
  start: number,
  end: number,
  immediates: Iterable<Immediate>,
  remap: IndexRemap,
  out: ByteWriter,
  canonical: boolean,
): void {
  let cursor = start;
  for (const imm of immediates) {
    const next = imm.kind === undefined ? imm.value : remap(imm.kind, imm.value as number);
    if (next === imm.value && (!canonical || (imm.encoding === "u32" && imm.end - imm.start === u32Size(next)))) {
      continue;
    }
    out.copy(bytes, cursor, imm.start);
    writeImmediate(out, imm, next);
    cursor = imm.end;
  }
  out.copy(bytes, cursor, end);
}

/** Copies the expression `bytes[start, end)` (instructions only) to `out` with its indices remapped. */
export function rewriteExpr(
  bytes: Uint8Array,
  start: number,
  end: number,
  remap: IndexRemap,
  out: ByteWriter,
  options: RewriteOptions = {},
): void {
  const all: Immediate[] = [];
  scanExpr(bytes, start, end, (ins) => all.push(...ins.immediates));
  copyRemapped(bytes, start, end, all, remap, out, options.canonical ?? false);
}

/**
 * Copies the function body `bytes[start, end)` (locals and instructions,
 * without its size) to `out` with its indices remapped. `prologue`, when
 * given, is inserted between the local declarations and the first
 * instruction.
 */
export function rewriteFunctionBody(
  bytes: Uint8Array,
  start: number,
  end: number,
  remap: IndexRemap,
  out: ByteWriter,
  options: RewriteOptions & { prologue?: Uint8Array; scanned?: ScannedBody } = {},
): void {
  const canonical = options.canonical ?? false;
  const { locals, body } = options.scanned ?? scanBody(bytes, start, end);
  copyRemapped(bytes, start, locals.codeStart, locals.immediates, remap, out, canonical);
  if (options.prologue) out.raw(options.prologue);
  copyRemapped(bytes, locals.codeStart, end, body, remap, out, canonical);
}

// ------------------------------------------------------- compact scanning

/**
 * What a compact scan records per edit: the index spaces a rewrite may
 * renumber (as `u32` immediates), or `EDIT_INSTRUCTION` for a whole
 * instruction to decode again and re-encode canonically.
 */
export const EDIT_TYPE = 0;
export const EDIT_FUNC = 1;
export const EDIT_GLOBAL = 2;
export const EDIT_TABLE = 3;
export const EDIT_MEMORY = 4;
export const EDIT_INSTRUCTION = 5;

/** The index kinds of the edit codes `EDIT_TYPE`… `EDIT_MEMORY`. */
export const EDIT_KINDS: readonly IndexKind[] = ["type", "func", "global", "table", "memory"];
const EDIT_CODE: Partial<Record<IndexKind, number>> = {
  type: EDIT_TYPE,
  func: EDIT_FUNC,
  global: EDIT_GLOBAL,
  table: EDIT_TABLE,
  memory: EDIT_MEMORY,
};

/**
 * A function body scanned for a canonical rewrite without an object per
 * immediate: `edits` holds, in order, four numbers per edit (start, end,
 * code, value) — an index immediate that a remap may change, or an
 * instruction that is not canonically encoded already (or has immediates
 * too rare to be worth a fast path), to decode again. Everything between
 * edits is copied as it is.
 */
export interface CompactBody {
  locals: FunctionBodyLocals;
  edits: Int32Array;
  /** Whether a memarg without a memory index (memory 0) occurs. */
  memory0: boolean;
}

/** The shapes of immediates, as numbers, for the compact scanner. */
const S_U32 = 5; // any `u32` no remap changes (locals, labels, data, elements, tags, plain numbers)
const S_I32 = 6;
const S_I64 = 7;
const S_F32 = 8;
const S_F64 = 9;
const S_V128 = 10;
const S_LANE = 11;
const S_BLOCKTYPE = 12;
const S_MEMARG = 13;
const S_BRTABLE = 14;
const S_VALTYPES = 15;
const S_HEAPTYPE = 16;
const S_ZERO = 17;
const S_ORDERING = 18;
/** Shapes left to `readInstruction`: the instruction becomes an `EDIT_INSTRUCTION`. */
const S_SLOW = 19;

function shapeOf(imm: Imm): number {
  switch (imm) {
    case "type":
    case "func":
    case "global":
    case "table":
    case "memory":
      return EDIT_CODE[imm]!;
    case "data":
    case "elem":
    case "tag":
    case "local":
    case "label":
    case "u32":
      return S_U32;
    case "i32":
      return S_I32;
    case "i64":
      return S_I64;
    case "f32":
      return S_F32;
    case "f64":
      return S_F64;
    case "v128":
    case "shuffle":
      return S_V128;
    case "lane":
      return S_LANE;
    case "blocktype":
      return S_BLOCKTYPE;
    case "memarg":
      return S_MEMARG;
    case "brtable":
      return S_BRTABLE;
    case "valtypes":
      return S_VALTYPES;
    case "heaptype":
      return S_HEAPTYPE;
    case "zero":
      return S_ZERO;
    case "ordering":
      return S_ORDERING;
    case "cast":
    case "catches":
      return S_SLOW;
  }
}

/** The immediate shapes of every opcode, by `prefix << 16 | opcode` as `OPS`; one-byte opcodes in an array too. */
const SHAPES = new Map<number, Uint8Array>();
const SHAPES_1 = new Array<Uint8Array | undefined>(256);
for (const [key, op] of OPS) {
  const shapes = Uint8Array.from(op.imms, shapeOf);
  SHAPES.set(key, shapes);
  if (key < 0x100) SHAPES_1[key] = shapes;
}

/** Where the last `leb` read by the compact scanner ended. */
let lebEnd = 0;

/** A `u32` LEB128 at `p` (before `end`); -1 when it is malformed or runs past `end`. Sets `lebEnd`. */
function leb(bytes: Uint8Array, p: number, end: number): number {
  if (p >= end) return -1;
  let byte = bytes[p]!;
  if (byte < 0x80) {
    lebEnd = p + 1;
    return byte;
  }
  let result = byte & 0x7f;
  let scale = 0x80;
  for (let i = 1; ; i++) {
    if (p + i >= end || i > 4) return -1;
    byte = bytes[p + i]!;
    result += (byte & 0x7f) * scale;
    scale *= 0x80;
    if (byte < 0x80) {
      if (result > 0xffffffff) return -1;
      lebEnd = p + i + 1;
      return result;
    }
  }
}

/** Whether the `u32` at `[start, lebEnd)` with value `value` is in its shortest form. */
const shortest = (value: number, start: number) => lebEnd - start === u32Size(value);

/**
 * Skips a LEB128 of at most `bits` bits at `p` (signed when `signed`): 1
 * when it is valid and in its shortest form, 0 when it is not (or too long
 * to tell cheaply), -1 when it runs past `end`. Sets `lebEnd`.
 */
function skipLeb(bytes: Uint8Array, p: number, end: number, bits: number, signed: boolean): number {
  const start = p;
  const max = Math.ceil(bits / 7);
  for (;;) {
    if (p >= end) return -1;
    const byte = bytes[p++]!;
    if (byte < 0x80) break;
    if (p - start >= max) return 0;
  }
  lebEnd = p;
  const n = p - start;
  if (n === 1) return 1;
  const last = bytes[p - 1]!;
  if (n === max) {
    // The last byte holds the top `rest` bits; the ones above must be zero (or the sign).
    const rest = bits - 7 * (max - 1);
    const above = signed ? last >> (rest - 1) : last >> rest;
    if (above !== 0 && !(signed && above === 0x7f >> (rest - 1))) return 0;
  }
  if (!signed) return last !== 0 ? 1 : 0;
  const sign = bytes[p - 2]! & 0x40;
  return (last === 0 && sign === 0) || (last === 0x7f && sign !== 0) ? 0 : 1;
}

/** One-byte value types whose canonical encoding is that byte: numeric, vector and nullable abstract references. */
const isShortValType = (b: number) => NUM_TYPES.has(b) || isAbstractHeap(b);

/** Grows the edit buffer. */
function grow(edits: Int32Array): Int32Array {
  const next = new Int32Array(edits.length * 2);
  next.set(edits);
  return next;
}

let editBuffer: Int32Array = new Int32Array(1024);

/** The opcode keys of the instructions a `refuse` map names. */
const refusedByMap = new WeakMap<ReadonlyMap<string, string>, Set<number>>();
function refusedKeys(refuse: ReadonlyMap<string, string>): Set<number> {
  let keys = refusedByMap.get(refuse);
  if (!keys) {
    keys = new Set();
    for (const [key, op] of OPS) if (refuse.has(op.name)) keys.add(key);
    refusedByMap.set(refuse, keys);
  }
  return keys;
}

/**
 * Scans the function body `bytes[start, end)` for `rewriteCompactBody`,
 * calling `use(code, index)` for each index immediate of the kinds
 * `EDIT_KINDS` in the instructions (not in the local declarations, whose
 * immediates `locals.immediates` lists). Returns `undefined` when the body
 * is malformed or has an instruction of `refuse`: `scanBody` then says why.
 */
export function scanCompactBody(
  bytes: Uint8Array,
  start: number,
  end: number,
  use: (code: number, index: number) => void,
  refuse?: ReadonlyMap<string, string>,
): CompactBody | undefined {
  let locals: FunctionBodyLocals;
  try {
    locals = readLocals(bytes, start, end);
  } catch (e) {
    if (e instanceof BinaryError) return undefined;
    throw e;
  }
  const refused = refuse && refusedKeys(refuse);
  let edits = editBuffer;
  let n = 0;
  let memory0 = false;
  let depth = 0;
  let lastIsEnd = false;
  let p = locals.codeStart;
  while (p < end) {
    // Room for the edits of one instruction (`br_table` and `select` have none).
    if (n + 16 > edits.length) editBuffer = edits = grow(edits);
    const offset = p;
    const code = bytes[p++]!;
    let shapes: Uint8Array | undefined;
    let slow = false;
    let key = code;
    if (code >= 0xfb && code <= 0xfe) {
      const sub = leb(bytes, p, end);
      if (sub < 0) return undefined;
      if (!shortest(sub, p)) slow = true;
      p = lebEnd;
      key = code * 0x10000 + sub;
      shapes = SHAPES.get(key);
    } else shapes = SHAPES_1[code];
    if (shapes === undefined) return undefined;
    if (refused !== undefined && refused.has(key)) return undefined;
    const mark = n;
    for (let s = 0; s < shapes.length && !slow; s++) {
      const shape = shapes[s]!;
      if (shape <= EDIT_MEMORY) {
        const v = leb(bytes, p, end);
        if (v < 0) return undefined;
        if (v > 0x7fffffff) {
          slow = true;
          break;
        }
        edits[n] = p;
        edits[n + 1] = lebEnd;
        edits[n + 2] = shape;
        edits[n + 3] = v;
        n += 4;
        p = lebEnd;
        continue;
      }
      switch (shape) {
        case S_U32:
        case S_ORDERING: {
          const v = leb(bytes, p, end);
          if (v < 0) return undefined;
          if (!shortest(v, p) || (shape === S_ORDERING && v > 1)) slow = true;
          p = lebEnd;
          break;
        }
        case S_I32:
        case S_I64: {
          const ok = skipLeb(bytes, p, end, shape === S_I32 ? 32 : 64, true);
          if (ok < 0) return undefined;
          if (ok === 0) slow = true;
          else p = lebEnd;
          break;
        }
        case S_F32:
          p += 4;
          break;
        case S_F64:
          p += 8;
          break;
        case S_V128:
          p += 16;
          break;
        case S_LANE:
          p += 1;
          break;
        case S_BLOCKTYPE:
          if (p >= end) return undefined;
          if (bytes[p] === 0x40 || isShortValType(bytes[p]!)) p++;
          else slow = true;
          break;
        case S_HEAPTYPE:
          if (p >= end) return undefined;
          if (isAbstractHeap(bytes[p]!)) p++;
          else slow = true;
          break;
        case S_MEMARG: {
          const flags = leb(bytes, p, end);
          if (flags < 0) return undefined;
          if (!shortest(flags, p) || flags >= 0x40) {
            slow = true;
            break;
          }
          p = lebEnd;
          memory0 = true;
          use(EDIT_MEMORY, 0);
          const ok = skipLeb(bytes, p, end, 64, false);
          if (ok < 0) return undefined;
          if (ok === 0) slow = true;
          else p = lebEnd;
          break;
        }
        case S_BRTABLE: {
          const count = leb(bytes, p, end);
          if (count < 0) return undefined;
          if (!shortest(count, p)) slow = true;
          p = lebEnd;
          for (let i = 0; i <= count && !slow; i++) {
            const label = leb(bytes, p, end);
            if (label < 0) return undefined;
            if (!shortest(label, p)) slow = true;
            p = lebEnd;
          }
          break;
        }
        case S_VALTYPES: {
          const count = leb(bytes, p, end);
          if (count < 0) return undefined;
          if (!shortest(count, p)) slow = true;
          p = lebEnd;
          for (let i = 0; i < count && !slow; i++) {
            if (p >= end) return undefined;
            if (isShortValType(bytes[p]!)) p++;
            else slow = true;
          }
          break;
        }
        case S_ZERO:
          if (p >= end || bytes[p] !== 0) return undefined;
          p++;
          break;
        default:
          slow = true;
      }
    }
    if (p > end) return undefined;
    if (slow) {
      // Decoded the general way: it tells the immediates and where the instruction ends.
      n = mark;
      let ins: Instruction;
      try {
        ins = readInstruction(new Reader(bytes, offset, end));
      } catch (e) {
        if (e instanceof BinaryError) return undefined;
        throw e;
      }
      for (const imm of ins.immediates) {
        const c = imm.kind === undefined ? undefined : EDIT_CODE[imm.kind];
        if (c !== undefined) use(c, imm.value as number);
      }
      edits[n] = offset;
      edits[n + 1] = ins.end;
      edits[n + 2] = EDIT_INSTRUCTION;
      edits[n + 3] = 0;
      n += 4;
      p = ins.end;
    } else {
      for (let i = mark; i < n; i += 4) use(edits[i + 2]!, edits[i + 3]!);
    }
    lastIsEnd = key === 0x0b;
    if (key <= 0x04 ? key >= 0x02 : key === 0x06 || key === 0x1f) depth++;
    else if (lastIsEnd) depth--;
  }
  if (!lastIsEnd || depth !== -1) return undefined;
  return { locals, edits: edits.slice(0, n), memory0 };
}

/**
 * Copies a body scanned by `scanCompactBody` to `out`, re-encoding the index
 * immediates `remap` changes (or that were not in their shortest form) and
 * the instructions recorded whole, canonically, as `rewriteFunctionBody`
 * with `canonical` does. `remap` takes an edit code.
 */
export function rewriteCompactBody(
  bytes: Uint8Array,
  start: number,
  end: number,
  scanned: CompactBody,
  remap: (code: number, index: number) => number,
  out: ByteWriter,
  prologue?: Uint8Array,
): void {
  const { locals, edits } = scanned;
  const kindRemap: IndexRemap = (kind, i) => {
    const c = EDIT_CODE[kind];
    return c === undefined ? i : remap(c, i);
  };
  copyRemapped(bytes, start, locals.codeStart, locals.immediates, kindRemap, out, true);
  if (prologue) out.raw(prologue);
  if (scanned.memory0 && remap(EDIT_MEMORY, 0) !== 0) {
    // Memory 0 moves: every memarg changes (no adapter does that).
    copyRemapped(bytes, locals.codeStart, end, scanBody(bytes, start, end).body, kindRemap, out, true);
    return;
  }
  let cursor = locals.codeStart;
  for (let i = 0; i < edits.length; i += 4) {
    const s = edits[i]!;
    const e = edits[i + 1]!;
    const code = edits[i + 2]!;
    if (code === EDIT_INSTRUCTION) {
      out.copy(bytes, cursor, s);
      const ins = readInstruction(new Reader(bytes, s, e));
      copyRemapped(bytes, s, e, ins.immediates, kindRemap, out, true);
      cursor = e;
      continue;
    }
    const value = edits[i + 3]!;
    const next = remap(code, value);
    if (next === value && e - s === u32Size(value)) continue;
    out.copy(bytes, cursor, s);
    out.u32(next);
    cursor = e;
  }
  out.copy(bytes, cursor, end);
}
