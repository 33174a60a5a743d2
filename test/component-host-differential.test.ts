/**
 * The transpiled-component host against the WIT host: every call of the value
 * suites (test/guests/values/) runs through the generated TypeScript host on
 * the bare core module, and through our transpile of the same core module
 * made a component, once by our encoder (`witx-bindgen component`) and once by
 * wasm-tools' `component embed` + `component new` (with wit-component's shim
 * and fixup modules). Code written against the WIT host keeps working when the
 * guest becomes a component: the import object and the exports are the same,
 * so every call must return equal values, throw `ComponentError`s with equal
 * payloads, or be refused (a trap or a TypeError) by both, and the host
 * functions must see the same arguments.
 *
 * jco's transpile of the same components is compared in
 * component-differential.test.ts and ts-host-differential.test.ts (with its
 * known differences); this file checks that our transpile has none.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { componentize } from "./helpers/jco.js";
import { loadComponentHost, type ComponentHostModule } from "./helpers/component-host.js";
import { aggregates } from "./guests/values/aggregates.js";
import { callsSuite } from "./guests/values/calls.js";
import { edges } from "./guests/values/edges.js";
import { lists } from "./guests/values/lists.js";
import { numbers } from "./guests/values/numbers.js";
import { strings16, strings8 } from "./guests/values/strings.js";
import { instantiate, perform, prepare, type Instance, type PreparedSuite } from "./guests/values/run.js";
import { callTitle, type Observed, type Suite, threw, describeObserved } from "./guests/values/suite.js";

const suites: Suite[] = [numbers, strings8, strings16, lists, aggregates, callsSuite, edges];

for (const wrapper of ["ours", "jco"] as const) {
  for (const suite of suites) {
    describe(`transpiled component (${wrapper === "ours" ? "our encoder" : "wasm-tools component new"}) ${suite.name}`, () => {
      let wit: PreparedSuite;
      let host: ComponentHostModule;
      let witInstance: Instance | undefined;
      let compInstance: Instance | undefined;

      beforeAll(async () => {
        wit = await prepare(suite);
        const component = await componentize(wit.core, suite.wit, {
          world: suite.world,
          stringEncoding: suite.stringEncoding,
          wrapper,
        });
        host = await loadComponentHost(component);
      });

      const fresh = async (): Promise<Instance> => {
        const { imports, log } = suite.imports({ ComponentError: host.ComponentError });
        return { exports: await host.instantiate(imports), log };
      };

      for (const call of suite.calls) {
        it(callTitle(call), async () => {
          witInstance ??= await instantiate(wit);
          compInstance ??= await fresh();
          const a = perform(witInstance, call);
          const aLog = [...witInstance.log];
          const b = perform(compInstance, call);
          const bLog = [...compInstance.log];
          if (threw(a)) witInstance = undefined;
          if (threw(b)) compInstance = undefined;
          if (!threw(a)) {
            if (threw(b)) throw b.threw;
            expect(b.returned).toEqual(a.returned);
          } else {
            expect(threw(b), `component ${describeObserved(b)}, WIT host ${describeObserved(a)}`).toBe(true);
            const ea = a.threw as Error & { payload?: unknown };
            const eb = (b as { threw: Error & { payload?: unknown } }).threw;
            expect(eb.name, eb.message).toBe(ea.name);
            expect(eb instanceof TypeError, eb.message).toBe(ea instanceof TypeError);
            expect(eb.payload).toEqual(ea.payload);
          }
          expect(bLog).toEqual(aLog);
        });
      }
    });
  }
}
