/**
 * The adapter GC pass (`encoding/adapter-gc.ts`) and the instruction scanner
 * it walks and rewrites code with (`encoding/core-code.ts`).
 *
 * - core-code: every function body of jco's WASI preview1 adapters decodes
 *   to the instructions wasm-tools prints, copies unchanged with the identity
 *   remap, and re-encodes canonically to the bytes wasm-tools writes; small
 *   modules exercise SIMD, bulk memory, atomics, tail calls, multi-memory,
 *   typed function references, GC and exception handling.
 * - gcAdapter on the real adapters: reduced to what a main module importing
 *   a few preview1 functions needs (with and without a main realloc), the
 *   result is compared with the adapter jco-transpile's `componentNew`
 *   (wit-component) embeds in the component: byte for byte.
 * - gcAdapter on wit-component's `adapt-*` cases of the corpus: our output
 *   printed as the adapter module of the expected `component.wat`. The
 *   corpus is read from `WITX_BINDGEN_CORPUS` (default `../shared/corpus`
 *   next to the repository); without it those cases are skipped.
 * - the special cases (realloc import, stack allocation, export order) and
 *   the error messages, with hand-written adapters.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { gcAdapter } from "../encoding/adapter-gc.js";
import { readCoreModule } from "../encoding/core-module.js";
import { componentNew } from "../encoding/index.js";
import {
  EDIT_KINDS,
  readInstruction,
  rewriteCompactBody,
  rewriteFunctionBody,
  scanBody,
  scanCompactBody,
  scanFunctionBody,
  type IndexImmediate,
  type Instruction,
} from "../encoding/core-code.js";
import { BinaryError, readSections, Reader } from "../encoding/reader.js";
import { ComponentEncodingError } from "../encoding/validate.js";
import { ByteWriter } from "../encoding/writer.js";

const tools = await import("@bytecodealliance/jco-transpile/wasm-tools");
const here = path.dirname(fileURLToPath(import.meta.url));
const corpus = process.env.WITX_BINDGEN_CORPUS ?? path.resolve(here, "..", "..", "shared", "corpus");
const adaptCases = path.join(corpus, "wit-component", "components");
const haveCorpus = fs.existsSync(adaptCases);
if (!haveCorpus) console.info(`adapter-gc.test.ts: corpus cases skipped: no corpus at ${corpus}`);

const jcoLib = path.join(here, "..", "node_modules", "@bytecodealliance", "jco", "lib");
const adapters = {
  reactor: new Uint8Array(fs.readFileSync(path.join(jcoLib, "wasi_snapshot_preview1.reactor.wasm"))),
  command: new Uint8Array(fs.readFileSync(path.join(jcoLib, "wasi_snapshot_preview1.command.wasm"))),
};

const wat = (text: string) => tools.parse(text);
const print = (bytes: Uint8Array) => tools.print(bytes);

/** The function bodies of a module: byte ranges (locals and code, without sizes). */
function bodies(bytes: Uint8Array): Array<[number, number]> {
  const code = readSections(bytes).find((s) => s.id === 10);
  if (!code) return [];
  const r = new Reader(bytes, code.start, code.end);
  return r.vec(() => {
    const size = r.u32();
    const start = r.pos;
    r.take(size);
    return [start, start + size] as [number, number];
  });
}

function instructions(bytes: Uint8Array, [start, end]: [number, number]): Instruction[] {
  const out: Instruction[] = [];
  scanFunctionBody(bytes, start, end, (ins) => out.push(ins));
  return out;
}

function rewrite(
  bytes: Uint8Array,
  [start, end]: [number, number],
  remap = (_k: string, i: number) => i,
  canonical = false,
) {
  const w = new ByteWriter();
  rewriteFunctionBody(bytes, start, end, remap, w, { canonical });
  return w.finish();
}

/** The instruction names of every function printed by wasm-tools (its final `end` is not printed). */
function printedInstructions(text: string): string[][] {
  const funcs: string[][] = [];
  let current: string[] | undefined;
  for (const line of text.split("\n")) {
    if (line.startsWith("  (func ")) current = [];
    else if (line === "  )" && current) {
      funcs.push(current);
      current = undefined;
    } else if (current && !line.trimStart().startsWith("(local")) current.push(line.trim().split(/\s+/)[0]!);
  }
  return funcs;
}

const imports = (bytes: Uint8Array) =>
  WebAssembly.Module.imports(new WebAssembly.Module(bytes as BufferSource)).map((i) => `${i.module}#${i.name}`);
const exports = (bytes: Uint8Array) =>
  WebAssembly.Module.exports(new WebAssembly.Module(bytes as BufferSource)).map((e) => e.name);

// -------------------------------------------------------------- core-code

describe("core-code: the instruction scanner", () => {
  for (const [kind, bytes] of Object.entries(adapters)) {
    it(`decodes every body of the ${kind} adapter as wasm-tools prints it`, async () => {
      const printed = printedInstructions(await print(bytes));
      const ours = bodies(bytes).map((b) => instructions(bytes, b).map((i) => i.name));
      expect(ours.length).toBe(printed.length);
      ours.forEach((names, i) => expect(names.slice(0, -1)).toEqual(printed[i]));
    });

    it(`copies every body of the ${kind} adapter unchanged with the identity remap`, () => {
      for (const b of bodies(bytes)) expect(rewrite(bytes, b)).toEqual(bytes.subarray(b[0], b[1]));
    });

    it(`re-encodes every body of the ${kind} adapter canonically as wasm-tools does`, async () => {
      // The adapter's `call` and `global.*` indices are padded LEB128s, as a linker leaves them.
      const reparsed = await wat(await print(bytes));
      const theirs = bodies(reparsed);
      let padded = 0;
      bodies(bytes).forEach((b, i) => {
        const canonical = rewrite(bytes, b, undefined, true);
        expect(canonical).toEqual(reparsed.subarray(theirs[i]![0], theirs[i]![1]));
        if (canonical.length !== b[1] - b[0]) padded++;
      });
      expect(padded).toBeGreaterThan(0);
    });
  }

  it("remaps function indices, and back, through every body", () => {
    const bytes = adapters.reactor;
    for (const b of bodies(bytes)) {
      const shifted = rewrite(bytes, b, (k, i) => (k === "func" ? i + 200 : i), true);
      const calls = instructions(shifted, [0, shifted.length]).filter((i) => i.name === "call");
      const before = instructions(bytes, b).filter((i) => i.name === "call");
      expect(calls.map((c) => c.indices[0]!.value)).toEqual(before.map((c) => c.indices[0]!.value + 200));
      const back = rewrite(shifted, [0, shifted.length], (k, i) => (k === "func" ? i - 200 : i), true);
      expect(back).toEqual(rewrite(bytes, b, undefined, true));
    }
  });

  describe("the compact scan", () => {
    /** A body rewritten from its compact scan, with the indices the scan reported. */
    function compact(bytes: Uint8Array, [start, end]: [number, number], remap: (k: string, i: number) => number) {
      const used = new Set<string>();
      const scanned = scanCompactBody(bytes, start, end, (c, i) => used.add(`${EDIT_KINDS[c]}:${i}`));
      if (!scanned) throw new Error("the compact scan failed");
      for (const imm of scanned.locals.immediates) if (imm.kind) used.add(`${imm.kind}:${imm.value}`);
      const w = new ByteWriter();
      rewriteCompactBody(bytes, start, end, scanned, (c, i) => remap(EDIT_KINDS[c]!, i), w);
      return { bytes: w.finish(), used };
    }

    /** The same from the general scan. */
    function general(bytes: Uint8Array, [start, end]: [number, number], remap: (k: string, i: number) => number) {
      const { locals, body } = scanBody(bytes, start, end);
      const used = new Set<string>();
      for (const imm of [...locals.immediates, ...body]) {
        if (imm.kind && EDIT_KINDS.includes(imm.kind)) used.add(`${imm.kind}:${imm.value}`);
      }
      return { bytes: rewrite(bytes, [start, end], remap, true), used };
    }

    const shift = (k: string, i: number) => (k === "func" ? i + 200 : k === "global" ? i + 3 : i);

    for (const [kind, bytes] of Object.entries(adapters)) {
      it(`rewrites every body of the ${kind} adapter as the general scan does`, () => {
        for (const b of bodies(bytes)) {
          for (const remap of [(_k: string, i: number) => i, shift]) {
            const ours = compact(bytes, b, remap);
            const theirs = general(bytes, b, remap);
            expect(ours.bytes).toEqual(theirs.bytes);
            expect([...ours.used].sort()).toEqual([...theirs.used].sort());
          }
        }
      });
    }

    it("re-encodes what is not in its shortest form, as the general scan does", () => {
      // prettier-ignore
      const code = [
        0x01, 0x82, 0x00, 0x7f, // two i32 locals, the count padded
        0x41, 0x80, 0x00, 0x1a, // i32.const 0, padded
        0x41, 0x80, 0x80, 0x80, 0x80, 0x78, 0x1a, // i32.const -2^31, five bytes and shortest
        0x41, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x1a, // i32.const -1, five bytes
        0x42, 0xff, 0x7f, 0x1a, // i64.const -1, padded
        0x42, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f, 0x1a, // i64.const -2^63
        0x42, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0xc0, 0x00, 0x1a, // i64.const 2^62
        0x41, 0x00, 0x28, 0x82, 0x00, 0x00, 0x1a, // i32.load, flags padded
        0x41, 0x00, 0x28, 0x02, 0x80, 0x00, 0x1a, // i32.load, offset padded
        0x41, 0x00, 0x28, 0x42, 0x00, 0x04, 0x1a, // i32.load, memory 0 given
        0x10, 0x80, 0x80, 0x80, 0x80, 0x00, // call 0, padded
        0x10, 0x01, // call 1
        0x23, 0x81, 0x00, 0x1a, // global.get 1, padded
        0x20, 0x80, 0x00, 0x1a, // local.get 0, padded
        0x02, 0x00, 0x0b, // block (type 0)
        0x02, 0x40, 0x41, 0x00, 0x0e, 0x81, 0x00, 0x80, 0x00, 0x00, 0x0b, // br_table, padded
        0xd0, 0x70, 0x1a, // ref.null func
        0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0x1c, 0x01, 0x63, 0x70, 0x1a, // select (result funcref), long form
        0x41, 0x00, 0x11, 0x00, 0x00, // call_indirect (type 0) table 0
        0xfc, 0x80, 0x00, 0x1a, // i32.trunc_sat_f32_s, sub-opcode padded
        0x3f, 0x00, 0x1a, // memory.size
        0x0b,
      ];
      const bytes = new Uint8Array(code);
      const remap = (k: string, i: number) => (k === "func" ? i + 1 : i);
      const ours = compact(bytes, [0, bytes.length], remap);
      const theirs = general(bytes, [0, bytes.length], remap);
      expect(ours.bytes).toEqual(theirs.bytes);
      expect([...ours.used].sort()).toEqual([...theirs.used].sort());
      expect(ours.bytes.length).toBeLessThan(bytes.length);
    });

    it("leaves malformed bodies and refused instructions to the general scan", () => {
      const refuse = new Map([["try_table", "no try_table"]]);
      for (const body of [
        [0x00, 0x01], // no `end`
        [0x00, 0x02, 0x40, 0x0b], // a block not closed
        [0x00, 0x10], // a call without its index
        [0x00, 0x41, 0x80], // a LEB128 past the end
        [0x00, 0x27, 0x0b], // an unknown opcode
        [0x00, 0x1f, 0x40, 0x00, 0x0b, 0x0b], // try_table
      ]) {
        const bytes = new Uint8Array(body);
        expect(scanCompactBody(bytes, 0, bytes.length, () => {}, refuse)).toBeUndefined();
      }
    });
  });

  /** The instructions of the first function of `text`, with their index immediates as `kind:value`. */
  async function decode(text: string) {
    const bytes = await wat(text);
    const body = bodies(bytes)[0]!;
    const ins = instructions(bytes, body);
    const printed = printedInstructions(await print(bytes))[0]!;
    expect(ins.map((i) => i.name).slice(0, -1)).toEqual(printed);
    return {
      bytes,
      body,
      ins,
      indices: (name: string) =>
        ins.filter((i) => i.name === name).map((i) => i.indices.map((x: IndexImmediate) => `${x.kind}:${x.value}`)),
    };
  }

  it("decodes SIMD: memargs, lanes, constants and shuffles", async () => {
    const { indices, ins } = await decode(`(module
      (memory 1)
      (func (param v128) (result v128)
        (v128.load offset=16 align=8 (i32.const 0))
        (v128.load8_lane offset=3 7 (i32.const 0) (local.get 0))
        (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15)
        (i32x4.extract_lane 3)
        (i32x4.splat)
        (v128.const i64x2 -1 7)
        (i64x2.extmul_low_i32x4_u)
        (f64x2.relaxed_madd (local.get 0) (local.get 0))
        (i32x4.relaxed_dot_i8x16_i7x16_add_s)
        (v128.store64_lane 1 (i32.const 8))
        (v128.load32_zero (i32.const 4))))`);
    expect(indices("v128.load")).toEqual([["memory:0"]]);
    expect(indices("v128.load8_lane")).toEqual([["memory:0"]]);
    expect(ins.filter((i) => i.prefix === 0xfd).map((i) => i.opcode)).toEqual([
      0x00, 0x54, 0x0d, 0x1b, 0x11, 0x0c, 0xde, 0x107, 0x113, 0x5b, 0x5c,
    ]);
  });

  it("decodes bulk memory, reference types and multi-memory memargs", async () => {
    const { indices } = await decode(`(module
      (memory $a 1) (memory $b 1)
      (table $t 1 funcref) (table $u 1 funcref)
      (elem $e func $f) (data $d "x")
      (func $f
        (memory.copy $a $b (i32.const 0) (i32.const 0) (i32.const 1))
        (memory.init $b $d (i32.const 0) (i32.const 0) (i32.const 1))
        (data.drop $d)
        (memory.fill $b (i32.const 0) (i32.const 0) (i32.const 1))
        (drop (i32.load $b offset=4 (i32.const 0)))
        (table.copy $u $t (i32.const 0) (i32.const 0) (i32.const 1))
        (table.init $u $e (i32.const 0) (i32.const 0) (i32.const 1))
        (elem.drop $e)
        (drop (table.grow $u (ref.func $f) (i32.const 1)))
        (drop (memory.grow $b (i32.const 1)))
        (drop (i32.trunc_sat_f32_s (f32.const 1)))))`);
    expect(indices("memory.copy")).toEqual([["memory:0", "memory:1"]]);
    expect(indices("memory.init")).toEqual([["data:0", "memory:1"]]);
    expect(indices("memory.fill")).toEqual([["memory:1"]]);
    expect(indices("i32.load")).toEqual([["memory:1"]]);
    expect(indices("table.copy")).toEqual([["table:1", "table:0"]]);
    expect(indices("table.init")).toEqual([["elem:0", "table:1"]]);
    expect(indices("ref.func")).toEqual([["func:0"]]);
    expect(indices("memory.grow")).toEqual([["memory:1"]]);
  });

  it("rewrites a memarg's memory index with its flag bit, as wasm-encoder writes it", async () => {
    const { bytes, body } = await decode(`(module (memory 1) (memory 1)
      (func (drop (i32.load 1 offset=4 (i32.const 0))) (i32.store 0 (i32.const 0) (i32.const 1))))`);
    const swapped = rewrite(bytes, body, (k, i) => (k === "memory" ? 1 - i : i));
    const expected = await decode(`(module (memory 1) (memory 1)
      (func (drop (i32.load 0 offset=4 (i32.const 0))) (i32.store 1 (i32.const 0) (i32.const 1))))`);
    expect(swapped).toEqual(expected.bytes.subarray(...expected.body));
  });

  it("decodes atomics", async () => {
    const { indices, ins } = await decode(`(module
      (memory 1 1 shared)
      (func (result i32)
        (drop (memory.atomic.notify (i32.const 0) (i32.const 1)))
        (drop (memory.atomic.wait32 offset=8 (i32.const 0) (i32.const 0) (i64.const -1)))
        (atomic.fence)
        (drop (i64.atomic.rmw32.cmpxchg_u (i32.const 0) (i64.const 0) (i64.const 1)))
        (i32.atomic.store16 (i32.const 0) (i32.const 1))
        (i32.atomic.rmw8.xchg_u (i32.const 0) (i32.const 1))))`);
    expect(indices("memory.atomic.wait32")).toEqual([["memory:0"]]);
    expect(ins.filter((i) => i.prefix === 0xfe).map((i) => i.opcode)).toEqual([0x00, 0x01, 0x03, 0x4e, 0x1a, 0x43]);
  });

  it("decodes tail calls and typed function references", async () => {
    const { indices } = await decode(`(module
      (type $t (func (param i32) (result i32)))
      (table 1 funcref)
      (func $f (type $t)
        (block $b (result (ref $t))
          (br_on_non_null $b (ref.func $f))
          (drop (ref.as_non_null (ref.null $t)))
          (unreachable))
        (drop (call_ref $t (i32.const 1) (ref.func $f)))
        (if (i32.const 0) (then (return_call_ref $t (i32.const 1) (ref.func $f))))
        (if (i32.const 0) (then (return_call $f (i32.const 1))))
        (return_call_indirect (type $t) (i32.const 1) (i32.const 0)))
      (elem declare func $f))`);
    expect(indices("block")).toEqual([["type:0"]]);
    expect(indices("br_on_non_null")).toEqual([["label:0"]]);
    expect(indices("ref.null")).toEqual([["type:0"]]);
    expect(indices("call_ref")).toEqual([["type:0"]]);
    expect(indices("return_call_ref")).toEqual([["type:0"]]);
    expect(indices("return_call")).toEqual([["func:0"]]);
    expect(indices("return_call_indirect")).toEqual([["type:0", "table:0"]]);
  });

  it("decodes GC instructions and exception handling", async () => {
    const { indices } = await decode(`(module
      (type $s (struct (field (mut i32))))
      (type $a (array (mut i8)))
      (tag $e (param i32))
      (func (result i32)
        (drop (struct.get $s 0 (struct.new $s (i32.const 1))))
        (drop (array.new_fixed $a 2 (i32.const 1) (i32.const 2)))
        (drop (ref.test (ref $s) (ref.null any)))
        (block $l (result anyref)
          (drop (br_on_cast $l anyref (ref $a) (ref.null any)))
          (ref.null any))
        (drop)
        (block $h (result i32)
          (try_table (catch $e $h) (throw $e (i32.const 1)))
          (i32.const 0))))`);
    expect(indices("struct.new")).toEqual([["type:0"]]);
    expect(indices("struct.get")).toEqual([["type:0"]]);
    expect(indices("array.new_fixed")).toEqual([["type:1"]]);
    expect(indices("ref.test")).toEqual([["type:0"]]);
    expect(indices("br_on_cast")).toEqual([["label:0", "type:1"]]);
    // A catch clause's label is relative to the block around the `try_table`.
    expect(indices("try_table")).toEqual([["tag:0", "label:0"]]);
    expect(indices("throw")).toEqual([["tag:0"]]);
  });

  it("refuses an unknown opcode with its offset", () => {
    const at = (bytes: number[]) => () => readInstruction(new Reader(new Uint8Array(bytes)));
    expect(at([0x27])).toThrow(new BinaryError("unknown opcode: 0x27", 0));
    expect(at([0xfd, 0x9a, 0x01])).toThrow(new BinaryError("unknown 0xfd subopcode: 0x9a", 0));
    expect(at([0xfc, 0x20])).toThrow(new BinaryError("unknown 0xfc subopcode: 0x20", 0));
    expect(at([0xe3, 0x00, 0x00])).toThrow(/stack-switching instruction `resume`/);
    expect(() => scanFunctionBody(new Uint8Array([0x00, 0x01, 0x41]), 0, 3, () => {})).toThrow(BinaryError);
  });
});

// ---------------------------------------------------------- real adapters

/** A main module importing a few preview1 functions (and exporting `_start` for the command adapter). */
function mainModule(kind: string, realloc: boolean): Promise<Uint8Array> {
  return wat(`(module
    (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "environ_get" (func (param i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "environ_sizes_get" (func (param i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
    (memory (export "memory") 1)
    ${realloc ? `(func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) unreachable)` : ""}
    ${kind === "command" ? `(func (export "_start"))` : ""})`);
}

describe("gcAdapter on jco's WASI preview1 adapters", () => {
  for (const kind of ["reactor", "command"] as const) {
    for (const realloc of [false, true]) {
      it(`reduces the ${kind} adapter ${realloc ? "with" : "without"} a main realloc as wit-component does`, async () => {
        const adapter = adapters[kind];
        // What wit-component requires: the imports of the main module, and the
        // adapter's WIT-level exports (its import realloc, the command's `run`).
        const required = ["fd_write", "environ_get", "environ_sizes_get", "proc_exit", "cabi_import_realloc"];
        if (kind === "command") required.push(exports(adapter).find((e) => e.startsWith("wasi:cli/run@"))!);
        const ours = gcAdapter(adapter, required, realloc ? "cabi_realloc" : undefined);

        expect(WebAssembly.validate(ours as BufferSource)).toBe(true);
        expect(ours.length).toBeLessThan(adapter.length / 4);
        expect(new Set(exports(ours))).toEqual(new Set(required));
        expect(imports(ours).length).toBeLessThan(imports(adapter).length / 2);
        expect(imports(ours)).toContain("wasi:cli/environment@0.2.12#get-environment");
        // fd_write may write to files, but nothing here opens or reads one, nor uses sockets or clocks.
        expect(imports(ours)).not.toContain("wasi:filesystem/types@0.2.12#[method]descriptor.open-at");
        expect(imports(ours).some((i) => /^wasi:(sockets|clocks|random)\//.test(i) || i.includes("read"))).toBe(false);
        const text = await print(ours);
        if (realloc) {
          // The stack is allocated lazily with the main module's realloc.
          expect(imports(ours)).toContain("__main_module__#cabi_realloc");
          expect(text).toMatch(/\(func \$allocate_stack \(;\d+;\) \(type \d+\)\n {4}global.get \$allocation_state/);
          expect(text).not.toContain("(start");
        } else {
          expect(text).toContain("(start $allocate_stack)");
          expect(text).toContain("(func $realloc_via_memory_grow");
        }

        // The adapter wit-component embeds in the component it makes of the main module.
        const component = await tools.componentNew(await mainModule(kind, realloc), [
          ["wasi_snapshot_preview1", adapter],
        ]);
        const modules = readSections(component)
          .filter((s) => s.id === 1)
          .map((s) => component.subarray(s.start, s.end));
        const theirs = modules.find((m) => exports(m).includes("fd_write"))!;
        expect(new Set(exports(theirs))).toEqual(new Set(required));
        expect(imports(ours)).toEqual(imports(theirs));
        expect(exports(ours)).toEqual(exports(theirs));
        expect(bodies(ours).length).toBe(bodies(theirs).length);
        expect(ours).toEqual(new Uint8Array(theirs));
      });
    }
  }
});

/** A deterministic pseudo-random sequence (xorshift32), for reproducible subsets. */
function xorshift(seed: number): () => number {
  let x = seed || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

describe("componentNew --adapt: random subsets of preview1, the adapter as wit-component embeds it", () => {
  const wasmType = (t: string) => (t === "i64" ? "i64" : t === "f32" ? "f32" : t === "f64" ? "f64" : "i32");
  for (const kind of ["reactor", "command"] as const) {
    it(`the ${kind} adapter, 6 subsets of its functions, with and without a main realloc`, async () => {
      const adapter = adapters[kind];
      const info = readCoreModule(adapter);
      const preview1 = info.exports.filter(
        (e) => e.kind === "func" && !e.name.startsWith("cabi_") && !e.name.includes(":") && !e.name.startsWith("_"),
      );
      expect(preview1.length).toBeGreaterThan(40);
      const random = xorshift(kind === "reactor" ? 0x5eed : 0xc0ffee);
      for (let round = 0; round < 6; round++) {
        const picked = preview1.filter(() => random() < 0.25);
        const realloc = round % 2 === 0;
        const module = await wat(`(module
          ${picked
            .map(
              (e) =>
                `(import "wasi_snapshot_preview1" "${e.name}" (func (param ${e.type!.params.map(wasmType).join(" ")}) (result ${e.type!.results.map(wasmType).join(" ")})))`,
            )
            .join("\n")}
          (memory (export "memory") 1)
          ${realloc ? `(func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) unreachable)` : ""}
          ${kind === "command" ? `(func (export "_start"))` : ""})`);
        const ours = componentNew(module, undefined, { adapters: [{ name: "wasi_snapshot_preview1", wasm: adapter }] });
        const theirs = await tools.componentNew(module, [["wasi_snapshot_preview1", adapter]]);
        const adapterOf = (component: Uint8Array) => {
          const modules = readSections(component)
            .filter((s) => s.id === 1)
            .map((s) => component.subarray(s.start, s.end));
          return modules.find((m) => exports(m).includes("cabi_import_realloc"));
        };
        const [a, b] = [adapterOf(ours), adapterOf(theirs)];
        const what = `${kind}, round ${round}: ${picked.map((e) => e.name).join(" ")}`;
        expect(a === undefined, what).toBe(b === undefined);
        if (a && b) expect(new Uint8Array(a), what).toEqual(new Uint8Array(b));
        expect(await tools.componentWit(ours), what).toBe(await tools.componentWit(theirs));
      }
    });
  }
});

// ----------------------------------------------------------------- corpus

/** The realloc wit-component imports into an adapter from the main module's exports. */
function mainRealloc(mainWat: string): string | undefined {
  const names = [...mainWat.matchAll(/\(export "([^"]*)"/g)].map((m) => m[1]!);
  if (names.includes("cabi_realloc_adapter")) return "cabi_realloc_adapter";
  return names.find((n) => n === "cabi_realloc" || n === "canonical_abi_realloc");
}

describe.skipIf(!haveCorpus)("gcAdapter on wit-component's adapt-* cases", () => {
  const cases = haveCorpus ? fs.readdirSync(adaptCases).filter((d) => d.startsWith("adapt-")) : [];
  for (const dir of cases.sort()) {
    it(dir, async () => {
      const d = path.join(adaptCases, dir);
      const file = fs.readdirSync(d).find((f) => /^adapt-.*\.wat$/.test(f))!;
      const adapterWat = fs.readFileSync(path.join(d, file), "utf8");
      const name = /;; module name: (.*)/.exec(adapterWat)?.[1] ?? file.slice("adapt-".length, -".wat".length);
      const lines = fs.readFileSync(path.join(d, "component.wat"), "utf8").split("\n");
      const head = lines.findIndex((l) => l.startsWith(`  (core module $wit-component:adapter:${name} `));
      if (head < 0) {
        // An adapter nothing needs is left out of the component (`adapt-unused`).
        expect(dir).toBe("adapt-unused");
        return;
      }
      const tail = lines.findIndex((l, i) => i > head && l === "  )");
      const expected = ["(module", ...lines.slice(head + 1, tail).map((l) => l.slice(2)), ")"].join("\n");
      // The required exports are the ones the expected module keeps.
      const required = [...expected.matchAll(/^ {2}\(export "([^"]*)"/gm)].map((m) => m[1]!);
      let realloc = mainRealloc(fs.readFileSync(path.join(d, "module.wat"), "utf8"));
      if (/;;! realloc-via-memory-grow = true/.test(adapterWat)) realloc = undefined;
      // `adapt-export-reallocs` has a dead function that doesn't validate
      // (`memory.grow` without a memory): wit-component doesn't validate code.
      const validate = dir !== "adapt-export-reallocs";
      const ours = gcAdapter(await wat(adapterWat), required, realloc, { validate });
      expect(await print(ours)).toBe(await print(await wat(expected)));
    });
  }
});

// ------------------------------------------------------- special cases

describe("gcAdapter: what it adds and renames", () => {
  const stackAdapter = (extra = "") => `(module
    (import "env" "memory" (memory 0))
    (import "__main_module__" "canonical_abi_realloc" (func $realloc (param i32 i32 i32 i32) (result i32)))
    (import "host" "log" (func $log (param i32)))
    (import "host" "unused" (func $unused))
    (global $__stack_pointer (mut i32) (i32.const 0))
    ${extra}
    (func $dead (call $unused))
    (func (export "b") (drop (i32.load (call $realloc (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))))
    (func (export "a") (param i32) (call $log (i32.load (global.get $__stack_pointer))))
    (func (export "c") (call $unused)))`;

  it("renames the realloc import to the main module's and allocates the stack in a start function", async () => {
    const out = gcAdapter(await wat(stackAdapter()), ["a", "b"], "my_realloc");
    expect(WebAssembly.validate(out as BufferSource)).toBe(true);
    expect(imports(out)).toEqual(["env#memory", "__main_module__#my_realloc", "host#log"]);
    // Without `allocation_state` the main realloc is no use for the stack: a `memory.grow` one is added.
    const text = await print(out);
    expect(text).toContain("(start $allocate_stack)");
    expect(text).toMatch(/call \$realloc_via_memory_grow\n/);
    expect(text).not.toContain("$dead");
  });

  it("replaces the realloc import with `realloc_via_memory_grow` without a main realloc", async () => {
    const out = gcAdapter(await wat(stackAdapter()), ["b"], undefined);
    expect(imports(out)).toEqual(["env#memory"]);
    const text = await print(out);
    expect(text).toContain("(func $realloc_via_memory_grow (;0;) (type 0) (param i32 i32 i32 i32) (result i32)");
    expect(text).toContain("memory.grow");
  });

  it("allocates the stack lazily with `allocation_state` and a main realloc", async () => {
    const source = stackAdapter(`(global $allocation_state (mut i32) (i32.const 0))
      (func (export "d") (global.set $allocation_state (i32.const 1)))`);
    const out = gcAdapter(await wat(source), ["a", "d"], "cabi_realloc");
    expect(WebAssembly.validate(out as BufferSource)).toBe(true);
    // The realloc is imported for the stack even though the adapter's code doesn't call it.
    expect(imports(out)).toEqual(["env#memory", "host#log", "__main_module__#cabi_realloc"]);
    const text = await print(out);
    expect(text).not.toContain("(start");
    for (const name of ["a", "d"]) {
      expect(text).toMatch(new RegExp(`\\(export "${name}" \\(func (\\d+)\\)\\)`));
      const index = new RegExp(`\\(export "${name}" \\(func (\\d+)\\)\\)`).exec(text)![1];
      expect(text).toMatch(
        new RegExp(`\\(func \\(;${index};\\) \\(type \\d+\\)[^\\n]*\\n {4}call \\$allocate_stack\\n`),
      );
    }
  });

  it("orders the exports left as IndexMap::swap_remove leaves them", async () => {
    const source = `(module ${["a", "b", "c", "d", "e"].map((n) => `(func (export "${n}"))`).join(" ")})`;
    // Removing `a` moves `e` first; removing `c` moves `d` into its place.
    expect(exports(gcAdapter(await wat(source), ["b", "d", "e"], undefined))).toEqual(["e", "b", "d"]);
  });

  it("keeps the producers section and the names of the live items", async () => {
    const source = `(module
      (global $g (mut i32) (i32.const 0)) (global $h i32 (i32.const 1))
      (func $keep (export "k") (result i32) (global.get $h))
      (func $drop (export "x") (global.set $g (i32.const 1)))
      (@producers (language "Rust" "") (processed-by "rustc" "1.0")))`;
    const text = await print(gcAdapter(await wat(source), ["k"], undefined));
    expect(text).toContain("(global $h (;0;) i32 i32.const 1)");
    expect(text).toContain("(func $keep (;0;)");
    expect(text).not.toContain("$drop");
    expect(text).toContain('(processed-by "rustc" "1.0")');
  });

  it("ignores a malformed producers section, and keeps the names read before an error in the name section", async () => {
    // Two function names announced, one present; a producers field wasm-metadata doesn't know.
    const source = `(module (func (export "k"))
      (@custom "name" (after code) "\\01\\05\\02\\00\\02ab")
      (@custom "producers" (after code) "\\01\\03bad\\00"))`;
    const out = gcAdapter(await wat(source), ["k"], undefined);
    const sections = readSections(out).map((s) => s.name ?? s.id);
    expect(sections).toEqual([1, 3, 7, 10, "name"]);
    expect(await print(out)).toContain("(func $ab (;0;)");
  });
});

// ------------------------------------------------------------------ errors

describe("gcAdapter: errors", () => {
  const fails = async (source: string | Uint8Array, message: string | RegExp, required = ["f"], validate = true) => {
    const bytes = typeof source === "string" ? await wat(source) : source;
    const run = () => gcAdapter(bytes, required, undefined, { validate });
    expect(run).toThrow(ComponentEncodingError);
    expect(run).toThrow(message);
  };

  it("refuses a component, an invalid module, an empty or unknown export list", async () => {
    await fails("(component)", "adapter must be a core wasm module, not a component");
    await fails(
      new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 10, 4, 1, 2, 0, 0x0b]),
      /^adapter module is not a valid core wasm module: /,
    );
    await fails('(module (func (export "f")))', "adapter module does not have export `nope`", ["f", "nope"]);
    await fails('(module (func (export "f")))', "an adapter must be reduced to at least one export", []);
    await fails(new Uint8Array([1, 2, 3]), /^not a WebAssembly binary/);
    // A function without a body, which only a module the engine didn't validate can have.
    const bodiless = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0, 7, 5, 1, 1, 0x66, 0, 0];
    await fails(new Uint8Array(bodiless), "function and code section have inconsistent lengths", ["f"], false);
  });

  it("refuses the sections an adapter can't have", async () => {
    const mem = '(import "env" "memory" (memory 1))';
    await fails(`(module ${mem} (func (export "f")) (data (i32.const 0) "x"))`, "unsupported section `11` in adapter");
    await fails(
      `(module (table 1 funcref) (func $f (export "f")) (elem (i32.const 0) $f))`,
      "unsupported section `9` in adapter",
    );
    await fails(`(module (func $f (export "f")) (start $f))`, "unsupported section `8` in adapter");
    await fails(`(module (tag $t) (func (export "f")))`, "unsupported section `13` in adapter");
    await fails(`(module (import "m" "t" (tag)) (func (export "f")))`, "unsupported `tag` type");
  });

  it("refuses GC types", async () => {
    await fails(
      `(module (type (struct)) (func (export "f")))`,
      "gc proposal not supported (at offset 0xb)",
      ["f"],
      false,
    );
    await fails(
      `(module (rec (type (func)) (type (func))) (func (export "f") (type 0)))`,
      "gc proposal not supported (at offset 0xb)",
      ["f"],
      false,
    );
    await fails(`(module (type (sub (func))) (func (export "f") (type 0)))`, /gc proposal not supported/, ["f"], false);
  });

  it("refuses what the encoding of the reduced adapter can't keep", async () => {
    await fails(
      `(module (table 1 funcref) (type $t (func)) (func (export "f") (call_indirect (type $t) (i32.const 0))))`,
      "tables should not be present in the final adapter module",
    );
    await fails(
      `(module (memory 1) (func (export "f") (drop (i32.load (i32.const 0)))))`,
      "locally-defined memories are not allowed define a local memory",
    );
    const twoMemories = (sp: string) => `(module
      (import "env" "a" (memory 1)) (import "env" "b" (memory 1)) ${sp}
      (func (export "f") (drop (i32.load 0 (i32.const 0))) (drop (i32.load 1 (i32.const 0)))
        ${sp ? "(global.set $__stack_pointer (i32.const 0))" : ""}))`;
    await fails(twoMemories(""), "the adapter module should not use multi-memory", ["f"], false);
    await fails(
      twoMemories("(global $__stack_pointer (mut i32) (i32.const 0))"),
      "adapter modules don't support multi-memory",
      ["f"],
      false,
    );
    await fails(
      `(module (global (mut i32) (i32.const 0)) (global (mut i32) (i32.const 0))
        (func (export "f") (global.set 0 (global.get 1)))
        (@custom "name" (after code) "\\07\\23\\02\\00\\0f__stack_pointer\\01\\0f__stack_pointer"))`,
      "found 2 mutable i32 globals with name __stack_pointer",
    );
    await fails(
      `(module (func (export "f") (block (try_table (catch_all 0)))))`,
      "`try_table` is not supported in adapter modules",
      ["f"],
      false,
    );
  });
});
