/**
 * The resolved JSON of representative inputs, kept as files under
 * `snapshots/json/` so that every change to the IR shows up in review.
 * Update with `npm run snapshots:update`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadWitPath, renderDiagnostics, resolveToJsonString } from "../index.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const update = process.env.WITX_BINDGEN_UPDATE_SNAPSHOTS === "1";

const cases: { name: string; input: string; features?: string[] }[] = [
  { name: "greeter", input: "examples/greeter/wit" },
  { name: "features", input: "test/fixtures/features.wit" },
  { name: "features-experimental", input: "test/fixtures/features.wit", features: ["experimental"] },
  { name: "nested", input: "test/fixtures/nested.wit" },
];

function checkSnapshot(file: string, actual: string): void {
  const target = path.join(root, "snapshots", file);
  if (update) {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, actual);
    return;
  }
  if (!fs.existsSync(target)) throw new Error(`missing snapshot ${file}; run \`npm run snapshots:update\``);
  expect(actual, `snapshots/${file} is out of date; review the diff and run \`npm run snapshots:update\``).toBe(
    fs.readFileSync(target, "utf8"),
  );
}

describe("resolved JSON snapshots", () => {
  for (const c of cases) {
    it(c.name, () => {
      const loaded = loadWitPath(path.join(root, c.input), { features: c.features });
      if (!loaded.ok) throw new Error(renderDiagnostics(loaded.diagnostics));
      checkSnapshot(`json/${c.name}.json`, resolveToJsonString(loaded.resolve) + "\n");
    });
  }
});
