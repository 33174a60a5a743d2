/**
 * The Rust guest bindings of representative worlds, kept as files under
 * `snapshots/rust/` so that every change to the generated Rust shows up in
 * review; each must also be left unchanged by rustfmt (when rustfmt is
 * installed). Update with `npm run snapshots:update`. Each is generated with
 * the layout checking that the lines it keeps without the formatter are
 * lines the formatter keeps.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { verifyKeptLines } from "../generators/rust/source.js";
import { generateRust, loadWitPath, renderDiagnostics, type RustOptions } from "../index.js";
import { rustfmt } from "./helpers/toolchains.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const update = process.env.WITX_BINDGEN_UPDATE_SNAPSHOTS === "1";

const cases: { name: string; input: string; options?: RustOptions }[] = [
  { name: "greeter", input: "examples/greeter/wit" },
  { name: "basic", input: "test/fixtures/snapshots-ts/basic.wit" },
  { name: "types", input: "test/fixtures/snapshots-ts/types.wit" },
  { name: "resources", input: "test/fixtures/snapshots-ts/resources.wit" },
  { name: "many-params", input: "test/fixtures/snapshots-ts/many-params.wit" },
  { name: "resources-2024", input: "test/fixtures/snapshots-ts/resources.wit", options: { edition: 2024 } },
  { name: "asyncs", input: "test/guests/rust/asyncs.wit" },
  { name: "asyncs-2024", input: "test/guests/rust/asyncs.wit", options: { edition: 2024 } },
  {
    name: "options",
    input: "test/guests/rust/options.wit",
    options: {
      exportMacroName: "export_options",
      pubExportMacro: true,
      defaultBindingsModule: "crate::bindings",
      skip: ["skipped", "skipped-import"],
      exportPrefix: "x-",
      typeSectionSuffix: "-opt",
      additionalDeriveAttributes: ["PartialEq", "Hash"],
      additionalDeriveIgnore: ["point", "shape"],
      additionalTypeAttributes: [["test:rust-options/shapes/point", "#[derive(Default, PartialEq)]"]],
      additionalMemberAttributes: [["test:rust-options/shapes/point.x", '#[doc(alias = "abscissa")]']],
      stubs: true,
      rawStrings: true,
    },
  },
  { name: "merge", input: "test/guests/rust/merge.wit", options: { mergeStructurallyEqualTypes: true } },
  { name: "flagpath", input: "test/guests/rust/flagpath.wit", options: { bitflagsPath: "crate::my_bitflags" } },
  { name: "nostd", input: "test/guests/rust/nostd.wit", options: { stdFeature: true } },
  { name: "ownership-borrowing", input: "test/guests/rust/ownership.wit", options: { ownership: "borrowing" } },
  {
    name: "ownership-duplicate",
    input: "test/guests/rust/ownership.wit",
    options: { ownership: "borrowing-duplicate-if-necessary" },
  },
];

describe("Rust guest snapshots", () => {
  for (const c of cases) {
    it(c.name, () => {
      const loaded = loadWitPath(path.join(root, c.input));
      if (!loaded.ok) throw new Error(renderDiagnostics(loaded.diagnostics));
      if (loaded.world === undefined) throw new Error(`${c.input}: no single world`);
      verifyKeptLines(true);
      let file;
      try {
        [file] = generateRust(loaded.resolve, loaded.world, c.options);
      } finally {
        verifyKeptLines(false);
      }
      const target = path.join(root, "snapshots", "rust", `${c.name}.rs`);
      if (update) {
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, file.contents);
      } else {
        if (!fs.existsSync(target))
          throw new Error(`missing snapshot rust/${c.name}.rs; run \`npm run snapshots:update\``);
        expect(
          file.contents,
          `snapshots/rust/${c.name}.rs is out of date; review the diff and run \`npm run snapshots:update\``,
        ).toBe(fs.readFileSync(target, "utf8"));
      }
      if (rustfmt().missing === undefined) {
        const edition = String(c.options?.edition ?? 2021);
        const check = spawnSync("rustfmt", ["--edition", edition, "--check", target], { encoding: "utf8" });
        expect(check.stdout, `rustfmt would reformat snapshots/rust/${c.name}.rs`).toBe("");
      }
    });
  }
});
