/**
 * The C bindings of representative worlds, kept under `snapshots/c/` so that
 * every change to the generated code shows up in review. Update with
 * `WITX_BINDGEN_UPDATE_SNAPSHOTS=1 npx vitest run test/c-snapshots.test.ts`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadWitPath, renderDiagnostics } from "../index.js";
import { generateC, type COptions } from "../generators/c/index.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const update = process.env.WITX_BINDGEN_UPDATE_SNAPSHOTS === "1";

const cases: { name: string; input: string; world?: string; options?: COptions }[] = [
  { name: "values", input: "test/guests/c/values.wit" },
  { name: "resources", input: "test/guests/c/resources.wit" },
  { name: "async", input: "test/guests/c/async.wit" },
  { name: "types", input: "test/fixtures/snapshots-ts/types.wit" },
  { name: "many-params", input: "test/fixtures/snapshots-ts/many-params.wit" },
  { name: "strings-utf16", input: "test/fixtures/snapshots-ts/strings.wit", options: { stringEncoding: "utf16" } },
  {
    name: "options-renamed",
    input: "test/guests/c/options/options.wit",
    world: "options",
    options: { renameWorld: "renamed", typeSectionSuffix: "-lib" },
  },
  {
    name: "options-autodrop",
    input: "test/guests/c/options/options.wit",
    world: "autodrop",
    options: { autodropBorrows: true },
  },
  {
    name: "options-unflattened",
    input: "test/guests/c/options/options.wit",
    world: "unflattened",
    options: { noSigFlattening: true },
  },
  {
    name: "options-threads",
    input: "test/guests/c/options/options.wit",
    world: "threads",
    options: { generateThreadingHelpers: true },
  },
  {
    name: "options-compact",
    input: "test/guests/c/options/options.wit",
    world: "compact",
    options: { stringEncoding: "compact-utf16" },
  },
  {
    name: "options-no-helpers",
    input: "test/guests/c/options/options.wit",
    world: "options",
    options: { noHelpers: true, generateAsyncHelpers: true },
  },
];

function checkSnapshot(file: string, actual: string): void {
  const target = path.join(root, "snapshots", file);
  if (update) {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, actual);
    return;
  }
  if (!fs.existsSync(target)) throw new Error(`missing snapshot ${file}; run with WITX_BINDGEN_UPDATE_SNAPSHOTS=1`);
  expect(actual, `snapshots/${file} is out of date; review the diff and update`).toBe(fs.readFileSync(target, "utf8"));
}

describe("C guest snapshots", () => {
  for (const c of cases) {
    it(c.name, () => {
      const loaded = loadWitPath(path.join(root, c.input), { world: c.world });
      if (!loaded.ok) throw new Error(renderDiagnostics(loaded.diagnostics));
      for (const f of generateC(loaded.resolve, loaded.world!, c.options)) {
        checkSnapshot(`c/${c.name}/${f.path}`, f.contents);
      }
    });
  }
});
