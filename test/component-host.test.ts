/**
 * The transpiled-component host on components of our own
 * (test/guests/components/ and inline WAT): the API (`instantiate` with the
 * core modules next to the module or from `getCoreModule`,
 * `instantiateSync`), import checks, traps that poison an instance, the
 * reentrance rule, resources crossing components, and the plan as data.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { readComponent } from "../encoding/decode/component.js";
import { planComponent } from "../encoding/plan.js";
import { generateComponentHost } from "../generators/ts/component/index.js";
import { loadComponentHost } from "./helpers/component-host.js";
import { wat } from "./helpers/host.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const fixture = async (name: string) =>
  wat(fs.readFileSync(path.join(root, "test/guests/components", `${name}.wat`), "utf8"));

describe("transpiled components: the API", () => {
  it("instantiates from the files next to the module, or from getCoreModule, or synchronously", async () => {
    const bytes = await fixture("echo-len");
    const host = await loadComponentHost(bytes, { name: "el" });
    const logged: string[] = [];
    const a = await host.instantiate({ log: (s: string) => logged.push(s) });
    expect(a.echoLen("grüß dich 👋")).toBe(11);
    expect(a.echo("a🌍b")).toBe("a🌍b");
    expect(logged).toEqual(["grüß dich 👋"]);

    const files = await generateComponentHost(bytes, { name: "el", js: true });
    const modules = new Map(
      files.filter((f) => typeof f.contents !== "string").map((f) => [f.path, f.contents as Uint8Array]),
    );
    const b = await host.instantiate({ log: () => {} }, { getCoreModule: async (name: string) => modules.get(name)! });
    expect(b.echoLen("abc")).toBe(3);
    const c = host.instantiateSync({ log: () => {} }, { getCoreModule: (name: string) => modules.get(name)! });
    expect(c.echo("sync")).toBe("sync");
    expect(() => host.instantiateSync({ log: () => {} }, { getCoreModule: async () => new Uint8Array() })).toThrow(
      /must return a module or its bytes/,
    );
    // Instances are independent: each has its own memories and state.
    expect(a.echoLen("x")).toBe(1);
  });

  it("a missing import is a TypeError naming it, at instantiation", async () => {
    const host = await loadComponentHost(await fixture("echo-len"));
    await expect(host.instantiate({})).rejects.toThrow(/imports\.log is missing from the import object/);
    const user = await loadComponentHost(await fixture("counter-user"));
    await expect(user.instantiate({})).rejects.toThrow(/the import object has no `test:counters\/counters`/);
  });

  it("a bad argument is a TypeError and the instance stays usable; a trap poisons it", async () => {
    const host = await loadComponentHost(
      await wat(`(component
  (core module $M
    (func (export "div") (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1))))
  (core instance $m (instantiate $M))
  (func (export "div") (param "a" u32) (param "b" u32) (result u32) (canon lift (core func $m "div"))))`),
    );
    const e = await host.instantiate({});
    expect(e.div(7, 2)).toBe(3);
    expect(() => e.div(-1, 2)).toThrow(TypeError);
    expect(e.div(8, 2)).toBe(4);
    expect(() => e.div(1, 0)).toThrow(/divide by zero/);
    expect(() => e.div(8, 2)).toThrow(/div: the instance trapped earlier and cannot be called again/);
    // A fresh instance is not affected.
    expect((await host.instantiate({})).div(9, 3)).toBe(3);
  });

  it("a host import that calls back into the component traps (no reentrance)", async () => {
    const host = await loadComponentHost(
      await wat(`(component
  (import "host" (func $host))
  (core func $h (canon lower (func $host)))
  (core module $M
    (import "" "host" (func $host))
    (func (export "outer") (call $host))
    (func (export "inner") (result i32) (i32.const 1)))
  (core instance $m (instantiate $M (with "" (instance (export "host" (func $h))))))
  (func (export "outer") (canon lift (core func $m "outer")))
  (func (export "inner") (result u32) (canon lift (core func $m "inner"))))`),
    );
    let e: any;
    e = await host.instantiate({ host: () => e.inner() });
    expect(() => e.outer()).toThrow(/inner: the instance was entered again while it was running/);
    let calls = 0;
    const f = await host.instantiate({ host: () => calls++ });
    f.outer();
    expect([calls, f.inner()]).toEqual([1, 1]);
  });

  it("resources cross components: classes, moves, borrows and destructors", async () => {
    const counter = await (await loadComponentHost(await fixture("counter"), { name: "counter" })).instantiate({});
    const user = await (
      await loadComponentHost(await fixture("counter-user"), { name: "user" })
    ).instantiate({
      "test:counters/counters": counter["test:counters/counters"],
    });
    const { Counter } = counter.counters;
    const a = new Counter(5);
    expect(Counter.add(a, new Counter(7)).get()).toBe(12);
    const t = user.twice(a);
    expect(t).toBeInstanceOf(Counter);
    expect(t.get()).toBe(10);
    expect(user.total(t)).toBe(10);
    expect(counter.dropped()).toBe(10);
    // `t` was moved into `total`: using it again is a TypeError, and nothing is poisoned.
    expect(() => t.get()).toThrow(TypeError);
    a[Symbol.dispose]();
    expect(counter.dropped()).toBe(15);
    expect(a.get.bind(a)).toThrow(/disposed or moved/);
  });
});

describe("calls between components", () => {
  it("copy lists of integers and maps (repeated keys kept) from the caller's memory into the callee's", async () => {
    const host = await loadComponentHost(
      await wat(`(component
  (component $Sum
    (core module $M
      (memory (export "mem") 1)
      (global $next (mut i32) (i32.const 1024))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (local $r i32)
        (local.set $r (i32.and (i32.add (global.get $next) (i32.const 7)) (i32.const -8)))
        (global.set $next (i32.add (local.get $r) (local.get 3)))
        (local.get $r))
      ;; The sum of the u32s, and of the values of the (u8, u32) pairs.
      (func (export "sum") (param $p i32) (param $n i32) (result i32)
        (local $s i32)
        (block $d (loop $l
          (br_if $d (i32.eqz (local.get $n)))
          (local.set $s (i32.add (local.get $s) (i32.load (local.get $p))))
          (local.set $p (i32.add (local.get $p) (i32.const 4)))
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br $l)))
        (local.get $s))
      (func (export "values") (param $p i32) (param $n i32) (result i32)
        (local $s i32)
        (block $d (loop $l
          (br_if $d (i32.eqz (local.get $n)))
          (local.set $s (i32.add (local.get $s) (i32.load offset=4 (local.get $p))))
          (local.set $p (i32.add (local.get $p) (i32.const 8)))
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br $l)))
        (local.get $s)))
    (core instance $m (instantiate $M))
    (func (export "sum") (param "xs" (list u32)) (result u32)
      (canon lift (core func $m "sum") (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
    (func (export "values") (param "m" (map u8 u32)) (result u32)
      (canon lift (core func $m "values") (memory (core memory $m "mem")) (realloc (core func $m "realloc")))))
  (instance $sum (instantiate $Sum))
  (core module $Mem (memory (export "mem") 1))
  (core instance $mem (instantiate $Mem))
  (core func $sum (canon lower (func $sum "sum") (memory (core memory $mem "mem"))))
  (core func $values (canon lower (func $sum "values") (memory (core memory $mem "mem"))))
  (core module $Caller
    (import "" "mem" (memory 1))
    (import "" "sum" (func $sum (param i32 i32) (result i32)))
    (import "" "values" (func $values (param i32 i32) (result i32)))
    ;; [1, 2, 3, 4000000000] at 16, the pairs (1, 10) (1, 20) at 64.
    (data (i32.const 16) "\\01\\00\\00\\00\\02\\00\\00\\00\\03\\00\\00\\00\\00\\28\\6b\\ee")
    (data (i32.const 64) "\\01\\00\\00\\00\\0a\\00\\00\\00\\01\\00\\00\\00\\14\\00\\00\\00")
    (func (export "run") (result i32) (call $sum (i32.const 16) (i32.const 4)))
    (func (export "pairs") (result i32) (call $values (i32.const 64) (i32.const 2)))
    (func (export "misaligned") (result i32) (call $sum (i32.const 17) (i32.const 1))))
  (core instance $c (instantiate $Caller
    (with "" (instance (export "mem" (memory $mem "mem")) (export "sum" (func $sum)) (export "values" (func $values))))))
  (func (export "run") (result u32) (canon lift (core func $c "run")))
  (func (export "pairs") (result u32) (canon lift (core func $c "pairs")))
  (func (export "misaligned") (result u32) (canon lift (core func $c "misaligned"))))`),
    );
    const e = await host.instantiate({});
    expect(e.run()).toBe((1 + 2 + 3 + 4000000000) >>> 0);
    expect(e.pairs()).toBe(30);
    expect(() => e.misaligned()).toThrow(/misaligned/);
  });
});

describe("strings between components", () => {
  it("a UTF-8 string reaches a UTF-8 callee as its bytes; invalid UTF-8 traps in the caller", async () => {
    const host = await loadComponentHost(
      await wat(`(component
  (component $Len
    (core module $M
      (memory (export "mem") 1)
      (global $next (mut i32) (i32.const 1024))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (local $r i32)
        (local.set $r (global.get $next))
        (global.set $next (i32.add (local.get $r) (local.get 3)))
        (local.get $r))
      (func (export "len") (param i32 i32) (result i32) (local.get 1)))
    (core instance $m (instantiate $M))
    (func (export "len") (param "s" string) (result u32)
      (canon lift (core func $m "len") (memory (core memory $m "mem")) (realloc (core func $m "realloc")))))
  (instance $len (instantiate $Len))
  (core module $Mem (memory (export "mem") 1))
  (core instance $mem (instantiate $Mem))
  (core func $len (canon lower (func $len "len") (memory (core memory $mem "mem"))))
  (core module $Caller
    (import "" "mem" (memory 1))
    (import "" "len" (func $len (param i32 i32) (result i32)))
    ;; "grüß" (6 bytes) at 16, and a lone 0xff at 32.
    (data (i32.const 16) "gr\\c3\\bc\\c3\\9f")
    (data (i32.const 32) "\\ff")
    (func (export "good") (result i32) (call $len (i32.const 16) (i32.const 6)))
    (func (export "bad") (result i32) (call $len (i32.const 32) (i32.const 1))))
  (core instance $c (instantiate $Caller
    (with "" (instance (export "mem" (memory $mem "mem")) (export "len" (func $len))))))
  (func (export "good") (result u32) (canon lift (core func $c "good")))
  (func (export "bad") (result u32) (canon lift (core func $c "bad"))))`),
    );
    const e = await host.instantiate({});
    expect(e.good()).toBe(6);
    expect(() => e.bad()).toThrow(/invalid UTF-8/);
  });
});

describe("bytes copied as they are between components", () => {
  it("lists of padding-free numbers and same-encoding UTF-16 strings are copied as bytes; padding is not", async () => {
    const bytes = await fixture("fused-copy");
    const files = await generateComponentHost(bytes, { name: "raw" });
    const source = files.find((f) => f.path === "raw.ts")!.contents as string;
    expect(source).toContain("$liftRawList(");
    expect(source).toContain("$liftUtf16Units(");
    const e = await (await loadComponentHost(bytes)).instantiate({});
    // Every byte of the points, padding-like bytes included, since a point has none.
    expect(e.points()).toBe(1 + 0xaa * 3 + 2 + 3 + 0xaa * 3 + 4);
    // The tuples' fields only: the callee's padding stays as its allocator left it (zero).
    expect(e.padded()).toBe(1 + 2 + 3 + 4);
    expect(e.text()).toBe(0x68 + 0xe9);
    expect(() => e.lone()).toThrow(/invalid UTF-16/);
  });

  it("a string and a list returned to another component are copied out before the callee's post-return", async () => {
    const bytes = await fixture("fused-copy");
    const source = (await generateComponentHost(bytes, { name: "raw" })).find((f) => f.path === "raw.ts")!
      .contents as string;
    expect(source).toContain("$liftUtf8Bytes(");
    const e = await (await loadComponentHost(bytes)).instantiate({});
    const sum = (s: string) => [...s].reduce((n, c) => n + c.charCodeAt(0), 0);
    expect(e.name()).toBe((5n << 32n) | BigInt(sum("hello")));
    expect(e.pairs()).toBe((2n << 32n) | 10n);
  });

  it("lists of other values with no pointers are copied field by field, checked as lifting checks them", async () => {
    const bytes = await fixture("fused-copy");
    const source = (await generateComponentHost(bytes, { name: "raw" })).find((f) => f.path === "raw.ts")!
      .contents as string;
    expect(source).toMatch(/function \$h\d+\(src: DataView, s: number, d: number\)/);
    const host = await loadComponentHost(bytes);
    // true (1) + 'A' + some (1) + 5, then false + 'A' + none: no padding, no payload of none.
    expect((await host.instantiate({})).mixed()).toBe(1 + 0x41 + 1 + 5 + 0x41);
    const e = await host.instantiate({});
    expect(() => e.badChar()).toThrow(/55296 is not a Unicode scalar value/);
    const f = await host.instantiate({});
    expect(() => f.badCase()).toThrow(/invalid discriminant 2/);
  });
});

describe("the plan", () => {
  it("is plain data: the instances, resources, core instantiations and canonical functions in order", async () => {
    const plan = planComponent(readComponent(await fixture("echo-len")));
    expect(plan.instances.map((i) => i.label)).toEqual(["root", "root/instance 0", "root/instance 1"]);
    expect(plan.modules).toHaveLength(4);
    expect(plan.steps.map((s) => s.kind)).toEqual([
      "instantiate",
      "lift",
      "instantiate",
      "lift",
      "instantiate",
      "lower",
      "lower",
      "lower",
      "instantiate",
      "lift",
    ]);
    expect(plan.lifts.map((l) => [l.label, l.options.encoding])).toEqual([
      ["echo", "utf16"],
      ["root/instance 1: func 0", "utf8"],
      ["echo-len", "utf8"],
    ]);
    expect(
      plan.lowerings.map((w) => (w.callee.kind === "lifted" ? `lift${w.callee.lift}` : w.callee.path.join("/"))),
    ).toEqual(["lift0", "lift1", "log"]);
    expect(plan.exports.map((e) => e.name).sort()).toEqual(["echo", "echo-len"]);
  });

  it("a resource defined by a component instantiated twice is two resources", async () => {
    const plan = planComponent(
      readComponent(
        await wat(`(component
  (component $C
    (type $r (resource (rep i32)))
    (export "r" (type $r)))
  (instance $a (instantiate $C))
  (instance $b (instantiate $C))
  (export "a" (instance $a))
  (export "b" (instance $b)))`),
      ),
    );
    expect(plan.resources.map((r) => [r.name, r.instance])).toEqual([
      ["r", 1],
      ["r", 2],
    ]);
  });
});
