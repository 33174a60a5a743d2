/**
 * encoding/core-calls.ts: which core functions may run code outside their
 * module (imports, indirect calls, and whatever calls those), the analysis
 * that lets the transpiled-component host skip reentrance bookkeeping.
 */
import { describe, expect, it } from "vitest";
import { exportsStayingInside, functionsCallingOut } from "../encoding/core-calls.js";
import { readCoreModule } from "../encoding/core-module.js";
import { loadComponentHost } from "./helpers/component-host.js";
import { wat } from "./helpers/host.js";

async function inside(text: string): Promise<string[]> {
  const bytes = await wat(text);
  return [...exportsStayingInside(bytes, readCoreModule(bytes).exports)].sort();
}

describe("core functions that stay inside their module", () => {
  it("follows direct calls transitively, through recursion, and distrusts indirect calls", async () => {
    expect(
      await inside(`(module
  (import "h" "f" (func $f))
  (type $t (func))
  (table 1 funcref)
  (func $leaf (export "leaf") (result i32) (i32.add (i32.const 1) (i32.const 2)))
  (func $uses-leaf (export "uses-leaf") (result i32) (call $leaf))
  (func $calls-import (export "calls-import") (call $f))
  (func $via (export "via") (call $calls-import))
  (func $indirect (export "indirect") (call_indirect (type $t) (i32.const 0)))
  (func $rec-a (export "rec-a") (param i32) (if (local.get 0) (then (call $rec-b (i32.const 0)))))
  (func $rec-b (param i32) (call $rec-a (local.get 0)))
  (func $rec-out (export "rec-out") (param i32) (if (local.get 0) (then (call $rec-out (i32.const 0)) (call $via))))
  (func $tail (export "tail") (return_call $f))
  (export "f-again" (func $f)))`),
    ).toEqual(["leaf", "rec-a", "uses-leaf"]);
  });

  it("reads memory, SIMD, bulk-memory, exception and saturating instructions", async () => {
    expect(
      await inside(`(module
  (memory 1)
  (tag $e (param i32))
  (func (export "mem") (param i32) (result i32)
    (i32.store offset=8 align=2 (local.get 0) (i32.load8_u offset=3 (local.get 0)))
    (memory.copy (i32.const 0) (i32.const 16) (i32.const 4))
    (memory.fill (i32.const 0) (i32.const 0) (i32.const 4))
    (drop (memory.grow (i32.const 0)))
    (i32.trunc_sat_f64_s (f64.const 1.5)))
  (func (export "simd") (result i32)
    (i32x4.extract_lane 2 (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 (v128.const i32x4 1 2 3 4) (v128.load (i32.const 0)))))
  (func (export "branches") (param i32) (result i32)
    (block $a (result i32)
      (block $b
        (br_table $b $a $b (local.get 0) (local.get 0)))
      (i32.const 7)))
  (func (export "eh") (result i32)
    (block $h (result i32)
      (try_table (catch $e $h) (throw $e (i32.const 3)))
      (i32.const 0)))
  (func (export "f64") (result f64) (select (result f64) (f64.const 1) (f64.const 2) (i32.const 0))))`),
    ).toEqual(["branches", "eh", "f64", "mem", "simd"]);
  });

  it("an import is calling out; a function calling it is too", async () => {
    const bytes = await wat(`(module (import "a" "b" (func)) (func (call 0)) (func))`);
    expect([...functionsCallingOut(bytes)!].sort()).toEqual([0, 1]);
  });
});

describe("the transpiled host keeps the rules for calls that stay inside", () => {
  it("a trap still poisons the instance, a bad argument still does not, and a running call still refuses reentrance", async () => {
    const host = await loadComponentHost(
      await wat(`(component
  (import "host" (func $host))
  (core func $h (canon lower (func $host)))
  (core module $M
    (import "" "host" (func $host))
    (type $t (func))
    (table 1 funcref)
    (elem (i32.const 0) $host)
    (func (export "outer") (call_indirect (type $t) (i32.const 0)))
    (func (export "leaf") (param i32) (result i32) (if (i32.eqz (local.get 0)) (then unreachable)) (local.get 0)))
  (core instance $m (instantiate $M (with "" (instance (export "host" (func $h))))))
  (func (export "outer") (canon lift (core func $m "outer")))
  (func (export "leaf") (param "x" u32) (result u32) (canon lift (core func $m "leaf"))))`),
    );
    let e: any;
    e = await host.instantiate({ host: () => e.leaf(1) });
    expect(() => e.outer()).toThrow(/leaf: the instance was entered again while it was running/);
    const f = await host.instantiate({ host: () => {} });
    f.outer();
    expect(f.leaf(5)).toBe(5);
    expect(() => f.leaf(-1)).toThrow(TypeError);
    expect(f.leaf(6)).toBe(6);
    expect(() => f.leaf(0)).toThrow(/unreachable/);
    expect(() => f.leaf(6)).toThrow(/leaf: the instance trapped earlier/);
    expect(() => f.outer()).toThrow(/outer: the instance trapped earlier/);
  });
});
