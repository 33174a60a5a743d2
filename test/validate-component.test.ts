import { describe, expect, it } from "vitest";
import { readComponent } from "../encoding/decode/component.js";
import { validateComponent } from "../encoding/validate-component.js";
import { isKebab, parseName } from "../encoding/validate/names.js";

const { parse } = await import("@bytecodealliance/jco-transpile/wasm-tools");

/** Assembles `text` (without validation), reads and validates it; returns the refusal, if any. */
async function check(text: string): Promise<string | undefined> {
  const bytes = await parse(text);
  try {
    validateComponent(readComponent(bytes));
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

async function refused(text: string, reason: string): Promise<void> {
  const err = await check(text);
  expect(err, "expected the component to be refused").toBeDefined();
  expect(err).toContain(reason);
}

async function accepted(text: string): Promise<void> {
  expect(await check(text)).toBeUndefined();
}

describe("validateComponent: valid components", () => {
  it("accepts a component with nesting, resources and canon options", async () => {
    await accepted(`
      (component
        (import "host" (instance $host
          (export "r" (type $r (sub resource)))
          (export "[constructor]r" (func (result (own $r))))
          (export "[method]r.name" (func (param "self" (borrow $r)) (result string)))))
        (alias export $host "r" (type $hr))
        (component $inner
          (import "r" (type $r (sub resource)))
          (import "make" (func (result (own $r))))
          (export "make2" (func 0)))
        (instance $i (instantiate $inner
          (with "r" (type $hr))
          (with "make" (func $host "[constructor]r"))))
        (core module $m
          (memory (export "mem") 1)
          (func (export "realloc") (param i32 i32 i32 i32) (result i32) unreachable)
          (func (export "greet") (param i32 i32) (result i32) unreachable)
          (func (export "post") (param i32)))
        (core instance $ci (instantiate $m))
        (type $R (resource (rep i32)))
        (export $R' "thing" (type $R))
        (core func $new (canon resource.new $R))
        (core func $drop (canon resource.drop $R))
        (func $greet (param "who" string) (result string)
          (canon lift (core func $ci "greet") (memory (core memory $ci "mem"))
            (realloc (core func $ci "realloc")) (post-return (core func $ci "post"))))
        (export "greet" (func $greet))
        (core func $name (canon lower (func $host "[method]r.name")
          (memory (core memory $ci "mem")) (realloc (core func $ci "realloc")))))
    `);
  });

  it("accepts type exports used through their exported name", async () => {
    await accepted(`
      (component
        (core module $m (func (export "f") (result i32) unreachable))
        (core instance $i (instantiate $m))
        (type $Rec (record (field "x" u32)))
        (export $Rec' "rec" (type $Rec))
        (func $f (result $Rec') (canon lift (core func $i "f")))
        (export "f" (func $f)))
    `);
  });
});

describe("validateComponent: indices and aliases", () => {
  it("refuses out-of-bounds indices", async () => {
    await refused(`(component (instance (export "a" (func 0))))`, "function index out of bounds");
    await refused(`(component (core instance (instantiate 0)))`, "unknown module 0");
    await refused(`(component (instance (instantiate 0)))`, "unknown component 0");
  });

  it("refuses aliases of missing exports", async () => {
    await refused(`(component (instance) (alias export 0 "x" (func)))`, "instance 0 has no export named `x`");
    await refused(
      `(component (core module $m) (core instance $i (instantiate $m)) (alias core export $i "a" (core func)))`,
      "core instance 0 has no export named `a`",
    );
  });

  it("refuses outer aliases of resources", async () => {
    await refused(
      `(component $C (type $R (resource (rep i32))) (component (alias outer $C $R (type $a))))`,
      "transitively refers to resources",
    );
  });
});

describe("validateComponent: instantiation", () => {
  it("checks core instantiation arguments", async () => {
    await refused(
      `(component (core module $m (import "" "f" (func))) (core instance (instantiate $m)))`,
      "missing module instantiation argument",
    );
    await refused(
      `(component
        (core module $m1 (import "" "g" (global i32)))
        (core module $m2 (global (export "g") i64 (i64.const 0)))
        (core instance $i (instantiate $m2))
        (core instance (instantiate $m1 (with "" (instance $i)))))`,
      "expected global type i32, found i64",
    );
  });

  it("checks component instantiation arguments against the imports", async () => {
    await refused(
      `(component (import "f" (func $f (param "x" u32))) (component $c (import "f" (func (param "x" s32))))
        (instance (instantiate $c (with "f" (func $f)))))`,
      "type mismatch in function parameter `x`",
    );
    await refused(
      `(component (component $c (import "x" (func))) (instance (instantiate $c)))`,
      "missing import named `x`",
    );
    await refused(
      `(component (type $R1 (resource (rep i32))) (type $R2 (resource (rep i32)))
        (component $eq (import "a" (type $a (sub resource))) (import "b" (type (eq $a))))
        (instance (instantiate $eq (with "a" (type $R1)) (with "b" (type $R2)))))`,
      "resource types are not the same",
    );
  });
});

describe("validateComponent: names", () => {
  it("knows kebab case", () => {
    expect(isKebab("foo-bar2")).toBe(true);
    expect(isKebab("FOO-bar")).toBe(true);
    expect(isKebab("foo-Bar")).toBe(false);
    expect(isKebab("1a")).toBe(false);
    expect(isKebab("a-")).toBe(false);
    expect(parseName("wasi:http/types@0.2.0")).toMatchObject({ kind: "interface" });
    expect(() => parseName("[method]a")).toThrow("failed to find `.` character");
  });

  it("refuses names that are not kebab case or not unique", async () => {
    await refused(`(component (import "foo-Bar" (func)))`, "`foo-Bar` is not in kebab case");
    await refused(`(component (import "a" (func)) (import "A" (func)))`, "conflicts with previous name");
  });

  it("checks annotated names against their types", async () => {
    await refused(`(component (import "[constructor]a" (func)))`, "function should return one value");
    await refused(
      `(component (import "b" (type $T (sub resource))) (import "[method]a.b" (func (param "self" (borrow $T)))))`,
      "does not match expected resource name",
    );
    await accepted(
      `(component (import "a" (type $T (sub resource))) (import "[method]a.b" (func (param "self" (borrow $T)))))`,
    );
  });
});

describe("validateComponent: types", () => {
  it("refuses malformed defined types", async () => {
    await refused(`(component (type (record)))`, "record type must have at least one field");
    await refused(`(component (type (flags "a" "A")))`, "conflicts with previous flag name");
    await refused(
      `(component (type $R (resource (rep i32))) (type (func (result (borrow $R)))))`,
      "function result cannot contain a `borrow` type",
    );
  });

  it("requires types in exports to be exported (external visibility)", async () => {
    await refused(
      `(component
        (core module $m (func (export "f") (result i32) unreachable))
        (core instance $i (instantiate $m))
        (type $Rec (record (field "x" u32)))
        (func $f (result $Rec) (canon lift (core func $i "f")))
        (export "f" (func $f)))`,
      "func not valid to be used as export",
    );
  });
});

describe("validateComponent: canonical definitions", () => {
  it("checks the core signature of a lifted function", async () => {
    await refused(
      `(component (core module $M (func (export "f") (param i32))) (core instance $i (instantiate $M))
        (func $f (canon lift (core func $i "f"))))`,
      "lowered parameter types `[]` do not match parameter types `[I32]`",
    );
  });

  it("requires memory and realloc when values need them", async () => {
    await refused(
      `(component (import "f" (func $f (param "p" (list u8)))) (core func $f' (canon lower (func $f))))`,
      "canonical option `memory` is required",
    );
    await refused(
      `(component (core module $M (memory (export "mem") 1) (func (export "f") (param i32 i32)))
        (core instance $i (instantiate $M))
        (func $f (param "p" (list u8)) (canon lift (core func $i "f") (memory (core memory $i "mem")))))`,
      "canonical option `realloc` is required",
    );
  });

  it("restricts resource built-ins to local resources", async () => {
    await refused(
      `(component (import "T" (type $T (sub resource))) (core func (canon resource.new $T)))`,
      "not a local resource",
    );
    await refused(`(component (type $T (tuple u32)) (core func (canon resource.drop $T)))`, "not a resource type");
  });

  it("refuses the async option for sync function types", async () => {
    await refused(
      `(component (import "f" (func $f)) (core func $f' (canon lower (func $f) async)))`,
      "requires an async function type",
    );
  });
});
