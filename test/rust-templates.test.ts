/**
 * The Rust guest's runtime source, `templates/rust/*.rs`: the files are cut
 * into sections as the generator reads them, and compile on their own with
 * rustc 1.63 (`--edition 2021`, wasm32-unknown-unknown, `-D warnings`), as
 * does the `_rt` module the generator emits with every helper. With a rustc
 * new enough for edition 2024 on PATH, the same is checked for edition 2024
 * (for the host target) after the generator's edition rewrite.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { forEdition, runtimeModule } from "../generators/rust/runtime.js";
import { listAttribute, templateSections } from "../generators/template-sections.js";
import { tempDir } from "./helpers/host.js";
import { wasmUnknownRustc } from "./helpers/rust.js";
import { hostRustc, skipReason } from "./helpers/toolchains.js";

const templates = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "templates", "rust");
const FILES = ["rt.rs", "async_support.rs"];

/** Every helper of `rt.rs`. */
function helperNames(): Set<string> {
  return new Set([...templateSections("rust/rt.rs").keys()].filter((n) => n !== "attributes"));
}

/** Compiles the crate rooted at `root` with `rustc` into a new directory; fails with its diagnostics. */
function compile(rustc: string, root: string, args: string[]): void {
  const out = path.join(tempDir(), `${path.basename(root, ".rs")}.rlib`);
  const run = spawnSync(rustc, [...args, "--crate-type", "lib", "-D", "warnings", "-o", out, root], {
    encoding: "utf8",
  });
  expect(run.error).toBeUndefined();
  expect(run.stderr, `rustc ${args.join(" ")} ${path.basename(root)}`).toBe("");
  expect(run.status).toBe(0);
}

/** Writes the template files, rewritten for edition 2024 as the generator does, to a new directory. */
function templatesFor2024(): string {
  const dir = tempDir();
  for (const f of FILES) {
    const lines = fs.readFileSync(path.join(templates, f), "utf8").split("\n");
    fs.writeFileSync(path.join(dir, f), forEdition(lines, true).join("\n"));
  }
  return dir;
}

describe("Rust runtime templates: sections", () => {
  it("every `needs` and `module` of rt.rs resolves", () => {
    const sections = templateSections("rust/rt.rs");
    expect(sections.has("attributes")).toBe(true);
    for (const s of sections.values()) {
      for (const n of listAttribute(s, "needs")) expect(sections.has(n), `${s.name} needs ${n}`).toBe(true);
      const module = s.attributes.get("module");
      if (module !== undefined) expect(templateSections(`rust/${module}`).has(s.name), `${s.name}'s module`).toBe(true);
    }
  });

  it("emits only what is used, and no marker", () => {
    const some = runtimeModule(new Set(["string_lift"]), false).toString();
    expect(some).toContain("pub unsafe fn list_lift<T>");
    expect(some).toContain("pub use alloc_crate::string::String;");
    expect(some).toContain("pub use alloc_crate::vec::Vec;");
    expect(some).not.toContain("BTreeMap as Map");
    expect(some).not.toContain("async_support");
    const all = runtimeModule(helperNames(), false).toString();
    expect(all).not.toMatch(/^\s*\/\/ @/m);
    expect(all).not.toContain("#[path");
    expect(() => runtimeModule(new Set(["attributes"]), false)).toThrow("no runtime helper");
  });
});

describe("Rust runtime templates: edition 2021, wasm32 (rustc 1.63)", () => {
  const reason = skipReason(wasmUnknownRustc());
  const args = ["--edition", "2021", "--target", "wasm32-unknown-unknown"];

  it.skipIf(reason).each(FILES)("%s compiles on its own", (file) => {
    compile(wasmUnknownRustc().command, path.join(templates, file), args);
  });

  it.skipIf(reason)("the emitted `_rt` with every helper compiles", () => {
    const root = path.join(tempDir(), "emitted.rs");
    fs.writeFileSync(root, runtimeModule(helperNames(), false).toString());
    compile(wasmUnknownRustc().command, root, args);
  });
});

describe("Rust runtime templates: edition 2024, host target (newer rustc, optional)", () => {
  // Edition 2024 needs rustc 1.85; rustup's rustc on PATH, when there is one.
  const rustc = hostRustc();
  const version = rustc.missing
    ? undefined
    : spawnSync(rustc.command, ["--version"], { encoding: "utf8" }).stdout.match(/^rustc 1\.(\d+)/);
  const reason = !version
    ? (rustc.missing ?? "no rustc version")
    : Number(version[1]) < 85
      ? `rustc 1.${version[1]} predates edition 2024`
      : undefined;
  const args = ["--edition", "2024"];

  it.skipIf(reason).each(FILES)("%s compiles on its own", (file) => {
    compile(rustc.command, path.join(templatesFor2024(), file), args);
  });

  it.skipIf(reason)("the emitted `_rt` with every helper compiles", () => {
    const root = path.join(tempDir(), "emitted.rs");
    fs.writeFileSync(root, runtimeModule(helperNames(), true).toString(true));
    compile(rustc.command, root, args);
  });
});
