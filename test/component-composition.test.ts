/**
 * Two transpiled components composed in plain JavaScript: for runtime cases of
 * wit-bindgen's test suite (`wit-bindgen-runtime/<case>/test.wit` in the
 * corpus), a C guest of the `test` world and one of the `runner` world
 * (test/guests/c/composition/), each made a component, are transpiled by us;
 * the runner is instantiated with the test component's exports as its
 * imports, resource classes included, and `run` makes every call across and
 * traps on a wrong answer. One side is wrapped by our encoder, the other by
 * wasm-tools' `component new`.
 *
 * The corpus is read from `WITX_BINDGEN_CORPUS` (default `../shared/corpus`
 * next to the repository); without it the tests are skipped, saying so
 * (they fail instead when `WITX_BINDGEN_E2E=required`).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { componentNew } from "../encoding/index.js";
import { buildGuest } from "./guests/c/harness.js";
import { loadComponentHost } from "./helpers/component-host.js";
import { e2eRequired, skipReason, wasmClang } from "./helpers/toolchains.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const corpus = process.env.WITX_BINDGEN_CORPUS ?? path.resolve(here, "..", "..", "shared", "corpus");
const runtime = path.join(corpus, "wit-bindgen-runtime");
const missingCorpus = fs.existsSync(runtime) ? undefined : `the corpus is not at ${corpus}`;
if (missingCorpus && e2eRequired()) throw new Error(`WITX_BINDGEN_E2E=required but ${missingCorpus}`);
const reason = missingCorpus ?? skipReason(wasmClang());

/** The runtime cases composed here, with the interface the runner imports. */
const cases = [
  { name: "numbers", iface: "test:numbers/numbers" },
  { name: "strings", iface: "test:strings/to-test" },
  { name: "resource-borrow", iface: "test:resource-borrow/to-test" },
];

describe.skipIf(reason)("transpiled components composed in JavaScript (wit-bindgen runtime cases)", () => {
  for (const c of cases) {
    it(`${c.name}: the runner's calls reach the test component`, async () => {
      const wit = fs.readFileSync(path.join(runtime, c.name, "test.wit"), "utf8");
      const testCore = buildGuest(wit, "test", [`composition/${c.name}-test.c`]);
      const runnerCore = buildGuest(wit, "runner", [`composition/${c.name}-runner.c`]);
      const { componentNew: wasmToolsNew } = await import("@bytecodealliance/jco-transpile/wasm-tools");
      // One side by our encoder (from the section the bindings embed), the other by wasm-tools.
      const testHost = await loadComponentHost(componentNew(testCore), { name: "test" });
      const runnerHost = await loadComponentHost(await wasmToolsNew(runnerCore), { name: "runner" });
      const test = await testHost.instantiate({});
      expect(Object.keys(test)).toContain(c.iface);
      const runner = await runnerHost.instantiate({ [c.iface]: test[c.iface] });
      runner.run();
      // Again: the same instances keep working.
      runner.run();
    }, 120_000);
  }
});
