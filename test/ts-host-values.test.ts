/**
 * End-to-end tests of the generated TypeScript host: guests written by hand
 * in WAT (test/guests/values/) called through the host, every value shape
 * both ways.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { aggregates } from "./guests/values/aggregates.js";
import { callsSuite } from "./guests/values/calls.js";
import { edges } from "./guests/values/edges.js";
import { lists } from "./guests/values/lists.js";
import { numbers } from "./guests/values/numbers.js";
import { strings16, strings8 } from "./guests/values/strings.js";
import {
  expectOutcome,
  instantiate,
  perform,
  prepare,
  type Instance,
  type PreparedSuite,
} from "./guests/values/run.js";
import { callTitle, poisons, type Suite } from "./guests/values/suite.js";

const suites: Suite[] = [numbers, strings8, strings16, lists, aggregates, callsSuite, edges];

for (const suite of suites) {
  describe(`suite ${suite.name}`, () => {
    let prepared: PreparedSuite;
    let instance: Instance;
    beforeAll(async () => {
      prepared = await prepare(suite);
      instance = await instantiate(prepared);
    });
    for (const call of suite.calls) {
      if (poisons(call.outcome)) continue; // in ts-host-traps.test.ts
      const test = call.knownBug ? it.fails : it;
      test(call.knownBug ? `${callTitle(call)} [known bug: ${call.knownBug}]` : callTitle(call), () => {
        const observed = perform(instance, call);
        expectOutcome(observed, call.outcome, prepared.host.ComponentError);
        if (call.log !== undefined) expect(instance.log).toEqual(call.log);
      });
    }
  });
}

describe("calls in detail", () => {
  let prepared: PreparedSuite;
  beforeAll(async () => {
    prepared = await prepare(callsSuite);
  });

  it("exports interfaces under their full and short names, and world-level functions by name", async () => {
    const { exports } = await instantiate(prepared);
    expect(exports["test:calls/api@1.0.0"]).toBe(exports.api);
    expect(typeof exports.api.echo).toBe("function");
    expect(typeof exports.topLevel).toBe("function");
  });

  it("runs _initialize once per instance", async () => {
    const a = await instantiate(prepared);
    const b = await instantiate(prepared);
    expect(a.exports.api.initCount()).toBe(1);
    expect(a.exports.api.initCount()).toBe(1);
    expect(b.exports.api.initCount()).toBe(1);
  });

  it("instantiates synchronously too", () => {
    const { imports, log } = callsSuite.imports({ ComponentError: prepared.host.ComponentError });
    const exports = prepared.host.instantiateSync(prepared.core, imports);
    expect(exports.topLevel(1)).toBe(2);
    expect(log).toEqual([["log-root", "top ✓"]]);
  });

  it("calls cabi_post_* with the core results, after reading the results", async () => {
    const { exports } = await instantiate(prepared);
    expect(exports.api.postCount()).toBe(0);
    // The guest's post-return fills the string with 0xff and points the return area out of bounds:
    // had the host read the result afterwards, it would have trapped or returned garbage.
    expect(exports.api.echo("héllo ✓")).toBe("héllo ✓");
    expect(exports.api.postCount()).toBe(1);
    const returnArea = exports.api.lastPostArg();
    expect(returnArea % 4).toBe(0);
    expect(returnArea).toBeGreaterThanOrEqual(16384);
    expect(exports.api.echo("")).toBe("");
    expect(exports.api.postCount()).toBe(2);
    expect(exports.api.lastPostArg()).toBeGreaterThan(returnArea);
    // A flat result is passed to the post-return function as it is.
    expect(exports.topLevel(41)).toBe(42);
    expect(exports.api.postCount()).toBe(3);
    expect(exports.api.lastPostArg()).toBe(42);
    // Functions without a cabi_post_* do not call one.
    exports.api.memoryPages();
    expect(exports.api.postCount()).toBe(3);
  });

  it("calls cabi_post_* when an export's err is thrown as a ComponentError", async () => {
    const { exports } = await instantiate(prepared);
    expect(exports.api.lookup("a")).toBe("alpha");
    expect(exports.api.postCount()).toBe(1);
    expect(() => exports.api.lookup("zz")).toThrow(prepared.host.ComponentError);
    expect(exports.api.postCount()).toBe(2);
    expect(exports.api.lastPostArg() % 4).toBe(0);
  });

  it("refreshes its views of memory when the guest grows it during a call", async () => {
    const { exports, log } = await instantiate(prepared);
    const pages = exports.api.memoryPages();
    // The result lies in the pages the guest added: the host must read the new memory.
    const bytes: Uint8Array = exports.api.grow(3, 3 * 65536);
    expect(bytes.length).toBe(3 * 65536);
    expect(bytes.every((b) => b === 0x5a)).toBe(true);
    expect(exports.api.memoryPages()).toBe(pages + 3);
    // The guest grows memory, then calls the host with a string in the new pages.
    exports.api.growThenLog(1);
    expect(log.at(-1)).toEqual(["log", "grown ✓"]);
    // The allocator grows memory while the host lowers a large argument and a large import result.
    expect(exports.api.echo("x".repeat(200_000))).toBe("x".repeat(200_000));
    const entry = exports.api.makeEntry("big", 150_000);
    expect(entry.values.length).toBe(150_000);
    expect(entry.values[149_999]).toBe(449_997);
  });

  it("turns a ComponentError thrown by a host import into err, and err of an export into a ComponentError", async () => {
    const { exports, log } = await instantiate(prepared);
    let e: any;
    try {
      exports.api.parse("nope");
    } catch (error) {
      e = error;
    }
    expect(log).toEqual([["parse", "nope"]]);
    expect(e).toBeInstanceOf(prepared.host.ComponentError);
    expect(e.payload).toBe("invalid");
    expect(e.name).toBe("ComponentError");
    // Any object with a payload counts as an error for a host import.
    const { imports } = callsSuite.imports();
    imports["test:calls/host@1.0.0"].lookup = () => {
      throw { payload: "plain object" };
    };
    const other = await prepared.host.instantiate(prepared.module, imports);
    expect(() => other.api.lookup("a")).toThrow(expect.objectContaining({ payload: "plain object" }));
    // And the instance is still usable: an err is not a trap.
    expect(other.api.parse("12")).toBe(12);
  });
});

describe("instantiation", () => {
  let prepared: PreparedSuite;
  beforeAll(async () => {
    prepared = await prepare(numbers);
  });

  it("takes the guest as bytes, an ArrayBuffer, a Module, a Response or a promise of one", async () => {
    const bytes = prepared.core;
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const wasmResponse = () => new Response(bytes as BufferSource, { headers: { "content-type": "application/wasm" } });
    const sources: unknown[] = [
      bytes,
      buffer,
      prepared.module,
      wasmResponse(),
      Promise.resolve(wasmResponse()),
      new Response(bytes as BufferSource), // not application/wasm: compiled from its bytes
    ];
    for (const source of sources) {
      const exports = await prepared.host.instantiate(source, numbers.imports().imports);
      expect(exports.numbers.echoU8(7)).toBe(7);
    }
  });

  it("keeps instances apart: memory, allocations and logs", async () => {
    const a = await instantiate(await prepare(strings8));
    const b = await instantiate(await prepare(strings8));
    expect(a.exports.strings.viaHost("a")).toBe("A!");
    expect(b.exports.strings.viaHost("b")).toBe("B!");
    expect(a.exports.strings.concat("x".repeat(70_000), "é")).toBe(`${"x".repeat(70_000)}é`);
    expect(b.exports.strings.echo("still fine")).toBe("still fine");
    expect(a.log).toEqual([["transform", "a"]]);
    expect(b.log).toEqual([["transform", "b"]]);
  });
});
