/**
 * End-to-end: `map<K, V>` values both ways, and `latin1+utf16` guests.
 */
import { describe, expect, it } from "vitest";
import { loadHost, wat } from "./helpers/host.js";

const allocator = `
  (memory (export "memory") 1)
  (global $next (mut i32) (i32.const 1024))
  (func (export "cabi_realloc") (param $old i32) (param $old_size i32) (param $align i32) (param $size i32) (result i32)
    (local $p i32)
    (local.set $p (i32.and (i32.add (global.get $next) (i32.sub (local.get $align) (i32.const 1)))
                           (i32.sub (i32.const 0) (local.get $align))))
    (global.set $next (i32.add (local.get $p) (local.get $size)))
    (if (local.get $old_size) (then (memory.copy (local.get $p) (local.get $old)
      (select (local.get $old_size) (local.get $size) (i32.lt_u (local.get $old_size) (local.get $size))))))
    (local.get $p))
  ;; Returns its (pointer, length) pair through a return area: an echo of a string or list.
  (func $echo (param $ptr i32) (param $len i32) (result i32)
    (i32.store (i32.const 16) (local.get $ptr))
    (i32.store offset=4 (i32.const 16) (local.get $len))
    (i32.const 16))`;

describe("map<K, V>", () => {
  const wit = `package test:maps;
interface api {
  echo: func(m: map<string, u32>) -> map<string, u32>;
  count: func(m: map<string, u32>) -> u32;
}
world maps { export api; }`;
  const guest = `(module ${allocator}
  (func (export "test:maps/api#echo") (param i32 i32) (result i32) (call $echo (local.get 0) (local.get 1)))
  (func (export "test:maps/api#count") (param i32 i32) (result i32) (local.get 1)))`;

  it("is a JS Map both ways, in insertion order", async () => {
    const host = await loadHost(wit);
    const { api } = await host.instantiate(await wat(guest), {});
    const m = new Map([
      ["one", 1],
      ["two", 2],
      ["þrír", 3],
    ]);
    expect(api.count(m)).toBe(3);
    const back = api.echo(m);
    expect(back).toBeInstanceOf(Map);
    expect([...back]).toEqual([...m]);
    expect(api.echo(new Map())).toEqual(new Map());
  });

  it("rejects a value that is not a Map", async () => {
    const host = await loadHost(wit);
    const { api } = await host.instantiate(await wat(guest), {});
    expect(() => api.count({ one: 1 })).toThrow(/`m` must be a Map/);
    expect(() => api.count(new Map([["x", -1]]))).toThrow(/`m.value` must be an integer from 0 to 4294967295/);
    expect(api.count(new Map([["ok", 1]]))).toBe(1);
  });
});

describe("latin1+utf16 guests", () => {
  const wit = `package test:compact;
interface api {
  echo: func(s: string) -> string;
  tagged-length: func(s: string) -> u32;
}
world compact { export api; }`;
  const guest = `(module ${allocator}
  (func (export "test:compact/api#echo") (param i32 i32) (result i32) (call $echo (local.get 0) (local.get 1)))
  (func (export "test:compact/api#tagged-length") (param i32 i32) (result i32) (local.get 1)))`;

  it("stores Latin-1 text one byte a character and other text as tagged UTF-16", async () => {
    const host = await loadHost(wit, { stringEncoding: "latin1+utf16" });
    const { api } = await host.instantiate(await wat(guest), {});
    expect(api.taggedLength("héllo")).toBe(5);
    expect(api.taggedLength("héllo €")).toBe((7 | 0x80000000) >>> 0);
    expect(api.taggedLength("🎉")).toBe((2 | 0x80000000) >>> 0);
    for (const s of ["", "plain", "héllo wörld ÿ", "héllo € 🎉", "\u00ff\u0100"]) expect(api.echo(s)).toBe(s);
    // Lone surrogates are not Unicode scalar values: they are replaced, as TextEncoder does.
    expect(api.echo("a\ud800b\udc00€")).toBe("a\ufffdb\ufffd€");
    expect(api.echo("\ud83c\udf89\ud83c")).toBe("🎉\ufffd");
  });
});
