/**
 * Traps and argument errors of the generated TypeScript host: bad values
 * from the guest trap (an `Error` naming the function; the instance refuses
 * later calls), bad JS values throw a `TypeError` naming the function and
 * the parameter (the instance stays usable), and instantiation checks the
 * import object and the core module's exports.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { loadHost, wat, type HostModule } from "./helpers/host.js";
import { aggregates } from "./guests/values/aggregates.js";
import { callsImports, callsSuite } from "./guests/values/calls.js";
import { edges } from "./guests/values/edges.js";
import { lists } from "./guests/values/lists.js";
import { numbers } from "./guests/values/numbers.js";
import { strings16, strings8 } from "./guests/values/strings.js";
import { coreName, expectOutcome, instantiate, perform, prepare, type PreparedSuite } from "./guests/values/run.js";
import { callTitle, observe, type Call, type Suite } from "./guests/values/suite.js";

const suites: Suite[] = [numbers, strings8, strings16, lists, aggregates, callsSuite, edges];

/** A call of the suite that returns normally, to check the instance afterwards. */
function healthyCall(suite: Suite): Call {
  const call = suite.calls.find((c) => "value" in c.outcome && c.log === undefined);
  if (!call) throw new Error(`no plain call in ${suite.name}`);
  return call;
}

const trapped = (name: string) =>
  new RegExp(
    `^${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: the instance trapped earlier and cannot be called again$`,
  );

for (const suite of suites) {
  describe(`traps of ${suite.name}`, () => {
    let prepared: PreparedSuite;
    beforeAll(async () => {
      prepared = await prepare(suite);
    });
    const healthy = healthyCall(suite);

    for (const call of suite.calls.filter((c) => "trap" in c.outcome)) {
      it(`${callTitle(call)} traps, and the instance refuses later calls`, async () => {
        const instance = await instantiate(prepared);
        const where = call.trapIn ?? coreName(instance.exports, call.fn);
        expectOutcome(perform(instance, call), call.outcome, prepared.host.ComponentError, where);
        // Any later call, even one that would succeed, is refused.
        const later = perform(instance, healthy);
        expect("threw" in later).toBe(true);
        const e = (later as { threw: Error }).threw;
        expect(e).not.toBeInstanceOf(TypeError);
        expect(e.message).toMatch(trapped(coreName(instance.exports, healthy.fn)));
        // And so is the call that trapped.
        const again = perform(instance, call);
        expect("threw" in again && (again.threw as Error).message).toMatch(
          trapped(coreName(instance.exports, call.fn)),
        );
      });
    }

    for (const call of suite.calls.filter((c) => "typeError" in c.outcome)) {
      const test = call.knownBug ? it.fails : it;
      const title = `${callTitle(call)} throws a TypeError, and the instance still works`;
      test(call.knownBug ? `${title} [known bug: ${call.knownBug}]` : title, async () => {
        const instance = await instantiate(prepared);
        expectOutcome(
          perform(instance, call),
          call.outcome,
          prepared.host.ComponentError,
          coreName(instance.exports, call.fn),
        );
        const after = perform(instance, healthy);
        expectOutcome(after, healthy.outcome, prepared.host.ComponentError);
        // The same bad call again is again a TypeError, not a refusal.
        expectOutcome(perform(instance, call), call.outcome, prepared.host.ComponentError);
      });
    }
  });
}

describe("instantiation", () => {
  let numbersHost: HostModule;
  let numbersCore: Uint8Array;
  beforeAll(async () => {
    numbersHost = await loadHost(numbers.wit, { world: numbers.world });
    numbersCore = await wat(numbers.wat);
  });

  it("refuses an import object without a function the core module imports", async () => {
    const { imports } = numbers.imports();
    delete imports["test:numbers/host-numbers"].idU8;
    await expect(numbersHost.instantiate(numbersCore, imports)).rejects.toThrow(
      new TypeError("imports['test:numbers/host-numbers'].idU8 is missing from the import object"),
    );
    expect(() => numbersHost.instantiateSync(numbersCore, imports)).toThrow(TypeError);
  });

  it("refuses an import object without an interface the core module imports", async () => {
    await expect(numbersHost.instantiate(numbersCore, {})).rejects.toThrow(TypeError);
    await expect(numbersHost.instantiate(numbersCore, {})).rejects.toThrow(/is missing from the import object/);
  });

  it("refuses a core module that does not export a function of the world", async () => {
    const text = numbers.wat.replace(`(export "test:numbers/numbers#echo-u8")`, "");
    const { imports } = numbers.imports();
    await expect(numbersHost.instantiate(await wat(text), imports)).rejects.toThrow(
      new TypeError("the core module does not export the function test:numbers/numbers#echo-u8"),
    );
  });
});

describe("instantiation of a small world", () => {
  const wit = `package test:tiny;
interface host {
  a: func(x: u32) -> u32;
  b: func(x: u32) -> u32;
}
interface api {
  f: func(x: u32) -> u32;
  length: func(s: string) -> u32;
  sum: func(l: list<u32>) -> u32;
  boom: func();
}
world tiny {
  import host;
  export api;
}`;
  const exportsText = (memory: boolean, realloc: string | undefined) => `
  ${memory ? `(memory (export "memory") 1)` : ""}
  ${realloc === undefined ? "" : `(func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (i32.const ${realloc}))`}
  (func (export "test:tiny/api#length") (param i32 i32) (result i32) (local.get 1))
  (func (export "test:tiny/api#sum") (param i32 i32) (result i32) (local.get 1))
  (func (export "test:tiny/api#boom") unreachable)`;
  let host: HostModule;
  beforeAll(async () => {
    host = await loadHost(wit, { world: "tiny" });
  });

  it("accepts an import object without functions the core module does not import", async () => {
    const core = await wat(`(module
      (import "test:tiny/host" "a" (func $a (param i32) (result i32)))
      (func (export "test:tiny/api#f") (param i32) (result i32) (call $a (local.get 0)))
      ${exportsText(true, "1024")})`);
    const exports = await host.instantiate(core, { "test:tiny/host": { a: (x: number) => x + 1 } });
    expect(exports.api.f(1)).toBe(2);
  });

  it("refuses a core module that imports something outside the world, unless given in coreImports", async () => {
    const core = await wat(`(module
      (import "env" "g" (func $g (result i32)))
      (func (export "test:tiny/api#f") (param i32) (result i32) (call $g))
      ${exportsText(true, "1024")})`);
    await expect(host.instantiate(core, {})).rejects.toThrow(
      /the core module imports env#g, which is not in the world test:tiny\/tiny/,
    );
    const exports = await host.instantiate(core, {}, { coreImports: { env: { g: () => 7 } } });
    expect(exports.api.f(0)).toBe(7);
  });

  it("traps when a function needs memory and the module exports none", async () => {
    const core = await wat(`(module
      (func (export "test:tiny/api#f") (param i32) (result i32) (local.get 0))
      ${exportsText(false, "0")})`);
    const exports = await host.instantiate(core, {});
    expect(exports.api.f(3)).toBe(3);
    expect(() => exports.api.length("abc")).toThrow(/^test:tiny\/api#length: the module has no exported memory$/);
    expect(() => exports.api.f(3)).toThrow(trapped("test:tiny/api#f"));
  });

  it("traps when a function needs cabi_realloc and the module exports none", async () => {
    const core = await wat(`(module
      (func (export "test:tiny/api#f") (param i32) (result i32) (local.get 0))
      ${exportsText(true, undefined)})`);
    const exports = await host.instantiate(core, {});
    expect(() => exports.api.length("abc")).toThrow(/^test:tiny\/api#length: the module does not export cabi_realloc$/);
  });

  it("passes on a trap in the guest's own code, and the instance refuses later calls", async () => {
    const core = await wat(`(module
      (func (export "test:tiny/api#f") (param i32) (result i32) (local.get 0))
      ${exportsText(true, "1024")})`);
    const exports = await host.instantiate(core, {});
    expect(() => exports.api.boom()).toThrow(WebAssembly.RuntimeError);
    expect(() => exports.api.f(1)).toThrow(trapped("test:tiny/api#f"));
  });

  it("poisons only the instance that trapped", async () => {
    const core = await wat(`(module
      (func (export "test:tiny/api#f") (param i32) (result i32) (local.get 0))
      ${exportsText(true, "1024")})`);
    const a = await host.instantiate(core, {});
    const b = await host.instantiate(core, {});
    expect(() => a.api.boom()).toThrow(WebAssembly.RuntimeError);
    expect(() => a.api.f(1)).toThrow(trapped("test:tiny/api#f"));
    expect(b.api.f(1)).toBe(1);
    expect(b.api.length("abc")).toBe(3);
  });

  it("refuses instantiation when _initialize traps", async () => {
    const core = await wat(`(module
      (func (export "test:tiny/api#f") (param i32) (result i32) (local.get 0))
      (func (export "_initialize") unreachable)
      ${exportsText(true, "1024")})`);
    await expect(host.instantiate(core, {})).rejects.toThrow(WebAssembly.RuntimeError);
  });

  it("traps when cabi_realloc returns a misaligned or out-of-bounds pointer", async () => {
    const bad = (ptr: number) =>
      wat(`(module
        (func (export "test:tiny/api#f") (param i32) (result i32) (local.get 0))
        ${exportsText(true, String(ptr))})`);
    const misaligned = await host.instantiate(await bad(2), {});
    expect(() => misaligned.api.sum([1])).toThrow(
      /^test:tiny\/api#sum: cabi_realloc returned a misaligned pointer 2 \(alignment 4\)$/,
    );
    const outside = await host.instantiate(await bad(65536), {});
    expect(() => outside.api.sum([1])).toThrow(
      /^test:tiny\/api#sum: cabi_realloc returned 65536, out of bounds for 4 bytes$/,
    );
    expect(() => outside.api.f(1)).toThrow(trapped("test:tiny/api#f"));
  });
});

describe("calls back into the instance and failing host functions", () => {
  let prepared: PreparedSuite;
  beforeAll(async () => {
    prepared = await prepare(callsSuite);
  });

  const instantiateCalls = async (
    env: Parameters<typeof callsImports>[0] = {},
    patch?: (host: any, exports: () => any) => void,
  ) => {
    let exports: any;
    const { imports, log } = callsImports({ ComponentError: prepared.host.ComponentError, ...env }, () => exports);
    patch?.(imports["test:calls/host@1.0.0"], () => exports);
    exports = await prepared.host.instantiate(prepared.module, imports);
    return { exports, log };
  };

  it("traps when a host import calls back into an export (re-entrance)", async () => {
    const { exports, log } = await instantiateCalls();
    let e: any;
    try {
      exports.api.reenter();
    } catch (error) {
      e = error;
    }
    expect(log).toEqual([["reenter"]]);
    expect(e).toBeInstanceOf(Error);
    expect(e).not.toBeInstanceOf(TypeError);
    expect(e.message).toBe(
      "test:calls/api@1.0.0#memory-pages: the instance was entered again while it was running (a host import called back into it)",
    );
    expect(() => exports.api.memoryPages()).toThrow(trapped("test:calls/api@1.0.0#memory-pages"));
    expect(() => exports.topLevel(1)).toThrow(trapped("top-level"));
  });

  // A trap is sticky, even when the host import catches the re-entrance error.
  it("stays trapped when the host import catches the re-entrance error", async () => {
    const { exports } = await instantiateCalls({}, (host, getExports) => {
      host.reenter = () => {
        try {
          getExports().api.memoryPages();
        } catch {
          // swallowed
        }
      };
    });
    const outer = observe(() => exports.api.reenter());
    const later = observe(() => exports.api.memoryPages());
    expect("threw" in outer || "threw" in later).toBe(true);
    expect("threw" in later).toBe(true);
  });

  it("passes on an error the host import throws, and the instance refuses later calls", async () => {
    const { exports } = await instantiateCalls();
    expect(() => exports.api.fail()).toThrow(new Error("boom from the host"));
    expect(() => exports.api.memoryPages()).toThrow(trapped("test:calls/api@1.0.0#memory-pages"));
  });

  it("passes on a ComponentError from a host import that does not return a result, and traps", async () => {
    const { exports } = await instantiateCalls({}, (host) => {
      host.fail = () => {
        throw new prepared.host.ComponentError("not for a function without a result");
      };
    });
    expect(() => exports.api.fail()).toThrow(prepared.host.ComponentError);
    expect(() => exports.api.memoryPages()).toThrow(trapped("test:calls/api@1.0.0#memory-pages"));
  });

  it("passes on an error without a payload from a host import that returns a result, and traps", async () => {
    const { exports } = await instantiateCalls({}, (host) => {
      host.parse = () => {
        throw new RangeError("not a ComponentError");
      };
    });
    expect(() => exports.api.parse("1")).toThrow(new RangeError("not a ComponentError"));
    expect(() => exports.api.parse("1")).toThrow(/trapped earlier/);
  });

  it("throws a TypeError naming the import and `result` when a host import returns a bad value; the guest was interrupted, so the instance refuses later calls", async () => {
    const { exports } = await instantiateCalls();
    let e: any;
    try {
      exports.api.badResult();
    } catch (error) {
      e = error;
    }
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toBe("test:calls/host@1.0.0#bad-result: `result` must be a string, got 42");
    expect(() => exports.api.memoryPages()).toThrow(trapped("test:calls/api@1.0.0#memory-pages"));
  });

  it("throws a TypeError naming the import and the field for a bad record from a host import", async () => {
    const { exports } = await instantiateCalls({}, (host) => {
      host.makeEntry = () => ({ key: "k", values: [1, -1], at: { x: 0, y: 0 } });
    });
    expect(() => exports.api.makeEntry("k", 1)).toThrow(
      /^test:calls\/host@1\.0\.0#make-entry: `result\.values\[1\]` must be an integer from 0 to 4294967295 \(u32\), got -1$/,
    );
  });
});

describe("unknown handles", () => {
  const wit = `package test:handles;
interface host {
  resource thing {
    name: func() -> string;
  }
}
interface api {
  use host.{thing};
  resource counter {
    constructor();
  }
  drop-thing: func(h: u32);
  thing-name: func(h: u32) -> string;
  bad-counter: func(h: u32) -> counter;
  counter-rep: func(h: u32) -> u32;
}
world handles {
  import host;
  export api;
}`;
  const core = `(module
  (import "test:handles/host" "[resource-drop]thing" (func $drop_thing (param i32)))
  (import "test:handles/host" "[method]thing.name" (func $thing_name (param i32 i32)))
  (import "[export]test:handles/api" "[resource-new]counter" (func $counter_new (param i32) (result i32)))
  (import "[export]test:handles/api" "[resource-rep]counter" (func $counter_rep (param i32) (result i32)))
  (import "[export]test:handles/api" "[resource-drop]counter" (func $counter_drop (param i32)))
  (memory (export "memory") 1)
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (i32.const 1024))
  (func (export "test:handles/api#[constructor]counter") (result i32) (call $counter_new (i32.const 8)))
  (func (export "test:handles/api#[dtor]counter") (param i32))
  (func (export "test:handles/api#drop-thing") (param i32) (call $drop_thing (local.get 0)))
  (func (export "test:handles/api#thing-name") (param i32) (result i32)
    (call $thing_name (local.get 0) (i32.const 64)) (i32.const 64))
  (func (export "test:handles/api#bad-counter") (param i32) (result i32) (local.get 0))
  (func (export "test:handles/api#counter-rep") (param i32) (result i32) (call $counter_rep (local.get 0))))`;

  let host: HostModule;
  let bytes: Uint8Array;
  beforeAll(async () => {
    host = await loadHost(wit, { world: "handles" });
    bytes = await wat(core);
  });
  const fresh = () => host.instantiate(bytes, { "test:handles/host": {} });

  it("traps when the guest drops an unknown handle of an imported resource", async () => {
    const e = await fresh();
    expect(() => e.api.dropThing(42)).toThrow(/^test:handles\/host#\[resource-drop\]thing: unknown handle index 42$/);
    expect(() => e.api.counterRep(1)).toThrow(/trapped earlier/);
  });

  it("traps when the guest calls a method with an unknown handle", async () => {
    const e = await fresh();
    expect(() => e.api.thingName(7)).toThrow(/^test:handles\/host#\[method\]thing\.name: unknown handle index 7$/);
    expect(() => e.api.thingName(7)).toThrow(/trapped earlier/);
  });

  it("traps when the guest returns an unknown handle of its own resource", async () => {
    const e = await fresh();
    expect(() => e.api.badCounter(99)).toThrow(/^test:handles\/api#bad-counter: unknown handle index 99$/);
    expect(() => new e.api.Counter()).toThrow(/trapped earlier/);
  });

  it("traps when the guest asks for the rep of an unknown handle", async () => {
    const e = await fresh();
    expect(() => e.api.counterRep(5)).toThrow(/^test:handles\/api#counter-rep: unknown handle index 5$/);
  });

  it("gives the rep of a known handle (the test guest works)", async () => {
    const e = await fresh();
    const c = new e.api.Counter();
    expect(c).toBeInstanceOf(e.api.Counter);
  });
});
