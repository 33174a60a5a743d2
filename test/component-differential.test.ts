/**
 * The differential runtime test of the component encoder: the core modules of
 * the TypeScript host's end-to-end tests (the value suites of
 * test/guests/values/), wrapped into components by our encoder
 * (`encodeComponent`, what `witx-bindgen component` does) and run through
 * jco's `transpile`, give the same results as the generated TypeScript host
 * gives on the bare core modules.
 *
 * This is ts-host-differential.test.ts with the component coming from our
 * encoder instead of wasm-tools' `component new`: every call must return
 * equal values, throw `ComponentError`s with equal payloads, or be refused by
 * both, and the host functions must see the same arguments. The known
 * differences of jco's JS glue (guests/values/jco-differences.ts) do not
 * depend on who built the component, so they are checked here too: a call
 * that differs in a new way points at the encoder (a wrong canonical option,
 * string encoding, post-return or realloc), not at jco.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadHost, wat } from "./helpers/host.js";
import { loadJco, type JcoComponent } from "./helpers/jco.js";
import { aggregates } from "./guests/values/aggregates.js";
import { callsSuite } from "./guests/values/calls.js";
import { edges } from "./guests/values/edges.js";
import { lists } from "./guests/values/lists.js";
import { numbers } from "./guests/values/numbers.js";
import { strings16, strings8 } from "./guests/values/strings.js";
import { instantiate, perform, prepare, type Instance, type PreparedSuite } from "./guests/values/run.js";
import {
  callTitle,
  exportedFunction,
  observe,
  type Call,
  type Observed,
  type Suite,
  threw,
  describeObserved,
} from "./guests/values/suite.js";

const suites: Suite[] = [numbers, strings8, strings16, lists, aggregates, callsSuite, edges];

/** Why jco differed, and in which calls (for the summary). */
const JCO_DIFFERENCES = new Map<string, string[]>();

for (const suite of suites) {
  describe(`component differential ${suite.name}`, () => {
    let ours: PreparedSuite;
    let jco: JcoComponent;
    let ourInstance: Instance | undefined;
    let jcoInstance: { exports: Record<string, any>; log: unknown[] } | undefined;

    const jcoInstantiate = async () => {
      const { imports, log } = suite.imports();
      const exports = await jco.instantiate(suite.jcoImports ? suite.jcoImports(imports) : imports);
      return { exports, log };
    };

    beforeAll(async () => {
      ours = await prepare(suite);
      jco = await loadJco(ours.core, suite.wit, {
        world: suite.world,
        stringEncoding: suite.stringEncoding,
        wrapper: "ours",
      });
    });

    const run = async (
      call: Call,
    ): Promise<{ ours: Observed; jco: Observed; ourLog: unknown[]; jcoLog: unknown[] }> => {
      ourInstance ??= await instantiate(ours);
      jcoInstance ??= await jcoInstantiate();
      const o = perform(ourInstance, call);
      const ourLog = [...ourInstance.log];
      jcoInstance.log.length = 0;
      const j = observe(() => exportedFunction(jcoInstance!.exports, call.fn)(...call.args));
      const jcoLog = [...jcoInstance.log];
      // A throw may leave either instance unusable: the next call gets fresh ones.
      if (threw(o)) ourInstance = undefined;
      if (threw(j)) jcoInstance = undefined;
      return { ours: o, jco: j, ourLog, jcoLog };
    };

    for (const call of suite.calls) {
      const title = call.jco ? `${callTitle(call)} [jco differs: ${call.jco.why}]` : callTitle(call);
      it(title, async () => {
        const r = await run(call);
        if (call.jco) {
          if (process.env.WITX_DIFF_DEBUG) console.info(callTitle(call), "jco", describeObserved(r.jco));
          const list = JCO_DIFFERENCES.get(call.jco.why) ?? [];
          list.push(`${suite.name}: ${callTitle(call)}`);
          JCO_DIFFERENCES.set(call.jco.why, list);
          const want = call.jco.outcome;
          if ("throws" in want) expect(threw(r.jco), describeObserved(r.jco)).toBe(true);
          else {
            if (threw(r.jco)) throw r.jco.threw;
            if ("check" in want) expect(want.check(r.jco.returned), describeObserved(r.jco)).toBe(true);
            else if ("value" in want) expect(r.jco.returned).toEqual(want.value);
          }
          return;
        }
        const outcome = call.outcome;
        if ("value" in outcome || "check" in outcome) {
          if (threw(r.ours)) throw r.ours.threw;
          if (threw(r.jco)) throw r.jco.threw;
          // A check accepts several values (memory layouts with pointers): jco's must pass it too.
          if ("check" in outcome) expect(outcome.check(r.jco.returned), outcome.description).not.toBe(false);
          else expect(r.jco.returned).toEqual(r.ours.returned);
          expect(r.jcoLog).toEqual(r.ourLog);
        } else if ("error" in outcome) {
          expect(
            threw(r.ours) && threw(r.jco),
            `ours ${describeObserved(r.ours)}, jco ${describeObserved(r.jco)}`,
          ).toBe(true);
          expect((r.jco as { threw: { payload?: unknown } }).threw.payload).toEqual(
            (r.ours as { threw: { payload?: unknown } }).threw.payload,
          );
          expect(r.jcoLog).toEqual(r.ourLog);
        } else {
          // A trap or a TypeError: jco must refuse the call too (its errors are worded differently).
          expect(threw(r.ours), describeObserved(r.ours)).toBe(true);
          expect(threw(r.jco), `jco ${describeObserved(r.jco)}`).toBe(true);
        }
      });
    }

    afterAll(() => {
      ourInstance = undefined;
      jcoInstance = undefined;
    });
  });
}

// Names: functions named with JS reserved words, a world-level export, an imported interface.
describe("component differential: functions named with JS reserved words", () => {
  const wit = `package test:names;
interface api {
  delete: func(x: u32) -> u32;
  class: func(x: u32) -> u32;
}
interface host {
  new: func(x: u32) -> u32;
}
world names {
  import host;
  export api;
  export function: func() -> u32;
}`;
  const core = `(module
  (import "test:names/host" "new" (func $new (param i32) (result i32)))
  (func (export "test:names/api#delete") (param i32) (result i32) (call $new (local.get 0)))
  (func (export "test:names/api#class") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
  (func (export "function") (result i32) (i32.const 3)))`;

  it("are properties under their own names", async () => {
    const [host, bytes] = await Promise.all([loadHost(wit, { world: "names" }), wat(core)]);
    const jco = await loadJco(bytes, wit, { world: "names", wrapper: "ours" });
    const ours = await host.instantiate(bytes, { "test:names/host": { new: (x: number) => x + 1 } });
    const theirs = await jco.instantiate({ "test:names/host": { new: (x: number) => x + 1 } });
    expect([ours.api.delete(1), ours.api.class(2), ours.function()]).toEqual([2, 4, 3]);
    expect([theirs.api.delete(1), theirs.api.class(2), theirs.function()]).toEqual([2, 4, 3]);
  });
});

describe("component differential summary", () => {
  it("lists where jco differs", () => {
    const total = suites.reduce((n, s) => n + s.calls.length, 0);
    const lines = [...JCO_DIFFERENCES].map(([why, calls]) => `${why}: ${calls.length} calls`);
    console.info(
      `component differential: ${total} calls in ${suites.length} suites through components of our encoder` +
        (lines.length ? `; jco differs (known):\n  ${lines.join("\n  ")}` : ""),
    );
    expect(true).toBe(true);
  });
});
