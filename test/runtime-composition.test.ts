/**
 * The composition of wit-bindgen's multi-component runtime cases
 * (conformance/wit-bindgen-runtime/compose.ts): the wiring the names of
 * imports and exports give, and, end to end, the `resource_with_lists` case
 * of the corpus with C guests of our own (test/guests/c/composition/): a
 * runner, a middle component that imports the `test` interface and exports
 * it again (each of its `thing`s wrapping one of the leaf's), and the leaf,
 * each made a component by our `componentNew`, composed by `plug` and run
 * in our component host.
 *
 * The corpus is read from `WITX_BINDGEN_CORPUS` (default `../shared/corpus`
 * next to the repository); without it, or without clang, the end-to-end
 * tests are skipped, saying so (they fail instead when
 * `WITX_BINDGEN_E2E=required`).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { compose, externNames, planComposition, WiringError } from "../conformance/wit-bindgen-runtime/compose.js";
import { wacGraph, WacError } from "../conformance/wit-bindgen-runtime/wac.js";
import { componentNew } from "../encoding/index.js";
import { buildGuest } from "./guests/c/harness.js";
import { loadComponentHost } from "./helpers/component-host.js";
import {
  checked,
  FLOAT_LEAF,
  FLOAT_MIDDLE,
  FLOAT_MIDDLE_RUNNER,
  FLOAT_WIT,
  guest,
  inBothHosts,
  instantiations,
} from "./helpers/compose.js";
import { compose as composeGraph } from "../encoding/compose/index.js";
import { e2eRequired, skipReason, wasmClang } from "./helpers/toolchains.js";

const part = (name: string, imports: string[], exports: string[]) => ({ name, imports, exports });

describe("wiring multi-component cases by names", () => {
  it("an intermediate that imports and exports one interface wraps the leaf's", () => {
    const plan = planComposition([
      part("runner", ["t"], ["run"]),
      part("intermediate", ["t"], ["t"]),
      part("leaf", [], ["t"]),
    ]);
    expect(plan.links).toEqual([
      { importer: 0, name: "t", exporter: 1 },
      { importer: 1, name: "t", exporter: 2 },
    ]);
    expect(plan.levels).toEqual([0, 1, 2]);
    expect(plan.open).toEqual([]);
  });

  it("does not depend on the order of the dependencies", () => {
    const plan = planComposition([
      part("runner", ["t"], ["run"]),
      part("leaf", [], ["t"]),
      part("intermediate", ["t"], ["t"]),
    ]);
    expect(plan.links).toEqual([
      { importer: 0, name: "t", exporter: 2 },
      { importer: 2, name: "t", exporter: 1 },
    ]);
    expect(plan.levels).toEqual([0, 2, 1]);
  });

  it("a dependency several components import from is plugged once, below all of them", () => {
    const plan = planComposition([
      part("runner", ["test", "borrow", "autodrop", "wasi"], ["run"]),
      part("exporter", [], ["test"]),
      part("borrower", ["test"], ["borrow"]),
      part("autodropper", ["test"], ["autodrop"]),
    ]);
    expect(plan.levels).toEqual([0, 2, 1, 1]);
    expect(plan.open).toEqual([{ importer: 0, name: "wasi" }]);
    expect(plan.links.filter((l) => l.name === "test").map((l) => l.exporter)).toEqual([1, 1, 1]);
  });

  it("refuses two exporters of one name", () => {
    const parts = [part("runner", ["t"], ["run"]), part("a", [], ["t"]), part("b", [], ["t"])];
    expect(() => planComposition(parts)).toThrow(WiringError);
    expect(() => planComposition(parts)).toThrow(/import `t` of runner is exported by a and b/);
  });

  it("refuses a cycle", () => {
    const parts = [part("runner", ["y"], ["run"]), part("a", ["x"], ["y"]), part("b", ["y"], ["x"])];
    expect(() => planComposition(parts)).toThrow(/cycle: a imports from b imports from a/);
  });

  it("tells a dependency nothing imports from (a wiring that renames)", () => {
    const plan = planComposition([
      part("runner", ["test"], ["run"]),
      part("intermediate", ["test", "toplevel-import"], ["test", "toplevel-export"]),
      part("leaf-thing", [], ["test"]),
      part("leaf-toplevel", ["test"], ["toplevel-export"]),
    ]);
    expect(plan.unused).toEqual([3]);
    expect(plan.open).toEqual([{ importer: 1, name: "toplevel-import" }]);
  });

  it("resource_floats' shape: the type a world `use`s, left open by names, is given by the leaf that exports it", async () => {
    // The runner and the middle import `t` and the type `float`; no one exports `float`, the leaf exports `t`.
    const runner = { name: "runner", bytes: await guest(FLOAT_MIDDLE_RUNNER, FLOAT_WIT, "middle-runner") };
    const middle = { name: "middle", bytes: await guest(FLOAT_MIDDLE, FLOAT_WIT, "middle") };
    const leaf = { name: "leaf", bytes: await guest(FLOAT_LEAF, FLOAT_WIT, "leaf") };
    const { bytes, plan, warnings } = compose(runner, [middle, leaf]);
    expect(plan.levels).toEqual([0, 1, 2]);
    expect(plan.open).toEqual([
      { importer: 0, name: "float" },
      { importer: 1, name: "float" },
    ]);
    expect(warnings).toEqual([]);
    expect(externNames(bytes)).toEqual({ imports: [], exports: ["run"] });
    const run = (await (await loadComponentHost(bytes)).instantiate({})).run as () => number;
    expect(run()).toBe(42);
  });
});

const here = path.dirname(fileURLToPath(import.meta.url));
const corpus = process.env.WITX_BINDGEN_CORPUS ?? path.resolve(here, "..", "..", "shared", "corpus");
const witFile = path.join(corpus, "wit-bindgen-runtime", "resource_with_lists", "test.wit");
const missingCorpus = fs.existsSync(witFile) ? undefined : `the corpus is not at ${corpus}`;
if (missingCorpus && e2eRequired()) throw new Error(`WITX_BINDGEN_E2E=required but ${missingCorpus}`);
const reason = missingCorpus ?? skipReason(wasmClang());

describe.skipIf(reason)("resource_with_lists composed by plug and run in our component host", () => {
  let runner: { name: string; bytes: Uint8Array };
  let middle: { name: string; bytes: Uint8Array };
  let leaf: { name: string; bytes: Uint8Array };
  const run = async (bytes: Uint8Array) => {
    const host = await loadComponentHost(bytes, { name: "composed" });
    const exports = await host.instantiate({});
    return () => exports.run();
  };

  beforeAll(() => {
    const wit = fs.readFileSync(witFile, "utf8");
    const component = (world: string, file: string) => ({
      name: world,
      bytes: componentNew(buildGuest(wit, world, [`composition/resource_with_lists-${file}.c`])),
    });
    runner = component("runner", "runner");
    middle = component("resource-with-lists", "middle");
    leaf = component("leaf", "leaf");
  }, 120_000);

  it("the runner's calls go through the middle to the leaf, and the middle drops the leaf's things", async () => {
    expect(externNames(middle.bytes)).toEqual({
      imports: ["test:resource-with-lists/test"],
      exports: ["test:resource-with-lists/test"],
    });
    for (const deps of [
      [middle, leaf],
      [leaf, middle],
    ]) {
      const composed = compose(runner, deps);
      expect(composed.warnings).toEqual([]);
      expect(externNames(composed.bytes)).toEqual({ imports: [], exports: ["run"] });
      const call = await run(composed.bytes);
      call();
      // Again: the same instances keep working (the things of the first run were dropped).
      call();
    }
  }, 120_000);

  it("composed by compose() from a graph (two instances of the leaf), valid for wasm-tools, runs in jco's host and ours", async () => {
    const graph = {
      components: { runner: runner.bytes, middle: middle.bytes, leaf: leaf.bytes },
      instances: {
        spare: "leaf",
        leaf: "leaf",
        middle: { component: "middle", arguments: { test: "leaf.test" } },
        runner: { component: "runner", arguments: { test: "middle.test" } },
      },
      exports: { run: "runner", "spare-test": { instance: "spare", export: "test" } },
    };
    const bytes = composeGraph(graph);
    const wit = await checked(bytes);
    expect(wit).toContain("export run: func();");
    expect(wit).toContain("export spare-test: interface {");
    expect(await instantiations(bytes)).toBe(4);
    await inBothHosts(
      bytes,
      () => ({}),
      (e) => {
        e.run();
        e.run();
      },
    );
  }, 120_000);

  it("the runner notices when the middle is left out", async () => {
    const call = await run(compose(runner, [leaf]).bytes);
    expect(call).toThrow();
  }, 120_000);
});

describe("runtime cases: the wiring of their WAC scripts", () => {
  const bytes = (n: number) => new Uint8Array([n]);
  const worlds: Record<string, Uint8Array> = { leaf: bytes(1), intermediate: bytes(2), runner: bytes(3) };

  it("reads let/new, named arguments (exports and types of exports), spreads and export spreads", () => {
    const graph = wacGraph(
      `package example:composition;
// a comment
let leaf = new test:leaf { ... };
let mid = new test:intermediate {
  test: leaf.test,
  float: leaf.test.float,
  ...leaf,
  ...
};
let runner = new test:runner { exports: mid.exports, ... };
export runner...;
`,
      (w) => worlds[w],
    );
    expect(graph).toEqual({
      components: { leaf: bytes(1), intermediate: bytes(2), runner: bytes(3) },
      instances: {
        leaf: { component: "leaf", arguments: {} },
        mid: { component: "intermediate", arguments: { test: "leaf.test", float: "leaf.test.float", "...": ["leaf"] } },
        runner: { component: "runner", arguments: { exports: "mid.exports" } },
      },
      exports: { "...": ["runner"] },
    });
  });

  it("refuses what it does not know, naming the line, rather than composing differently", () => {
    expect(() => wacGraph("let a = new test:leaf { ... };\nlet b = a;\n", (w) => worlds[w])).toThrow(
      new WacError("line 2: not a statement this reader knows: `let b = a`"),
    );
    expect(() => wacGraph("let a = new test:other { ... };\n", (w) => worlds[w])).toThrow(
      "line 1: no component of world `other`",
    );
    expect(() => wacGraph("let a = new test:leaf { x: new test:leaf {} };\n", (w) => worlds[w])).toThrow(
      /an argument this reader does not know/,
    );
  });
});
