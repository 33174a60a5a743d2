/**
 * End-to-end tests of the C guest bindings with resources:
 * test/guests/c/resources.c implements an exported resource (constructor,
 * methods, a static function taking an `own` and a `borrow`, a destructor,
 * a borrow inside a record) and uses an imported one (borrowed from the
 * caller, created, returned, consumed). It runs in our TypeScript host and
 * as a jco component made from the section the generated `.c` embeds; once
 * every handle is dropped the guest holds no allocation.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadHost } from "./helpers/host.js";
import { skipReason, wasmClang } from "./helpers/toolchains.js";
import { buildGuest, guestsDir, jcoFromEmbedded } from "./guests/c/harness.js";
import { loadComponentHost } from "./helpers/component-host.js";

const wit = fs.readFileSync(path.join(guestsDir, "resources.wit"), "utf8");
const reason = skipReason(wasmClang());

class Counter {
  static live = 0;
  value: number;
  constructor(start: number) {
    this.value = start;
    Counter.live++;
  }
  increment(): void {
    this.value++;
  }
  get(): number {
    return this.value;
  }
  [Symbol.dispose](): void {
    Counter.live--;
  }
}

const imports = () => ({ "test:c-resources/counters": { Counter } });

function dispose(x: any): void {
  x[Symbol.dispose]();
}

function scenario(exports: Record<string, any>): void {
  const { Stack } = exports.stacks;
  const s = new Stack("first");
  s.push(1);
  s.push(2);
  expect(s.pop()).toBe(2);
  expect(s.name()).toBe("first");
  expect(s.pop()).toBe(1);
  expect(s.pop()).toBeUndefined();
  dispose(s);
  expect(exports.liveAllocations()).toBe(0);

  const a = new Stack("a");
  a.push(1);
  const b = new Stack("b");
  b.push(5);
  const merged = Stack.merge(a, b);
  expect(merged.name()).toBe("a");
  expect(exports.stacks.total({ s: b, extra: 10 })).toBe(15);
  expect(exports.stacks.total({ s: merged, extra: 0 })).toBe(6);
  expect(merged.pop()).toBe(5);
  dispose(merged);
  dispose(b);
  expect(exports.liveAllocations()).toBe(0);

  const c = new Counter(3);
  expect(exports.stacks.bump(c, 2)).toBe(5);
  expect(c.get()).toBe(5);
  const made = exports.stacks.makeCounter(7);
  expect(made).toBeInstanceOf(Counter);
  expect(made.get()).toBe(8);
  expect(exports.stacks.consume(new Counter(9))).toBe(9);
  expect(exports.liveAllocations()).toBe(0);
}

describe.skipIf(reason)("C guest: resources", () => {
  let core: Uint8Array;
  beforeAll(() => {
    core = buildGuest(wit, "resources-guest", ["resources.c"]);
  }, 120_000);

  it("in our TypeScript host", async () => {
    const host = await loadHost(wit, { world: "resources-guest" });
    const exports = await host.instantiate(await WebAssembly.compile(core as BufferSource), imports());
    scenario(exports);
  });

  it("as a jco component", async () => {
    const jco = await jcoFromEmbedded(core);
    scenario(await jco.instantiate(imports()));
  });

  it("as a component through our transpile", async () => {
    const { component } = await jcoFromEmbedded(core);
    const host = await loadComponentHost(component);
    scenario(await host.instantiate(imports()));
  });
});
