/**
 * The resolved JSON of representative inputs, kept as files under
 * `snapshots/json/`, and the TypeScript hosts of representative worlds, kept
 * under `snapshots/ts/`, so that every change to the IR or to the generated
 * code shows up in review. The TypeScript snapshots are also type-checked.
 * Update with `npm run snapshots:update`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { generateTypeScript, loadWitPath, renderDiagnostics, resolveToJsonString, type TsOptions } from "../index.js";

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

/** TypeScript hosts: `snapshots/ts/<name>.ts`, or `<name>.js` and `<name>.d.ts` with `js`. */
const tsCases: { name: string; input: string; options?: TsOptions }[] = [
  { name: "basic", input: "test/fixtures/snapshots-ts/basic.wit" },
  { name: "types", input: "test/fixtures/snapshots-ts/types.wit" },
  { name: "resources", input: "test/fixtures/snapshots-ts/resources.wit" },
  { name: "many-params", input: "test/fixtures/snapshots-ts/many-params.wit" },
  { name: "strings-utf16", input: "test/fixtures/snapshots-ts/strings.wit", options: { stringEncoding: "utf16" } },
  { name: "basic-js", input: "test/fixtures/snapshots-ts/basic.wit", options: { js: true } },
  { name: "async", input: "test/fixtures/snapshots-ts/async.wit" },
];

/**
 * Type errors the generator is known to emit today, as `file: TSnnnn: message`
 * (each distinct one once). Every entry must still occur, so an entry goes
 * when the generator is fixed; any other error fails the test.
 */
/** Type errors tolerated in the snapshots (none: every generated file must type-check). */
const knownTypeErrors: string[] = [];

/** The snapshot files of a case, relative to `snapshots/`. */
function tsSnapshotFiles(c: (typeof tsCases)[number]): string[] {
  return c.options?.js ? [`ts/${c.name}.js`, `ts/${c.name}.d.ts`] : [`ts/${c.name}.ts`];
}

describe("TypeScript host snapshots", () => {
  for (const c of tsCases) {
    it(c.name, async () => {
      const loaded = loadWitPath(path.join(root, c.input));
      if (!loaded.ok) throw new Error(renderDiagnostics(loaded.diagnostics));
      if (loaded.world === undefined) throw new Error(`${c.input}: no single world`);
      const world = loaded.resolve.worlds[loaded.world].name;
      const files = await generateTypeScript(loaded.resolve, loaded.world, c.options);
      const targets = tsSnapshotFiles(c);
      // `<world>.ts` is stored as `<name>.ts`, and so on.
      expect(files.map((f) => f.path)).toEqual(targets.map((t) => world + t.slice(`ts/${c.name}`.length)));
      files.forEach((f, i) => checkSnapshot(targets[i], f.contents));
    });
  }

  it("has no stale files", () => {
    const expectedFiles = new Set(tsCases.flatMap(tsSnapshotFiles));
    const dir = path.join(root, "snapshots", "ts");
    const stale = fs
      .readdirSync(dir)
      .map((n) => `ts/${n}`)
      .filter((f) => !expectedFiles.has(f));
    if (update) {
      for (const f of stale) fs.rmSync(path.join(root, "snapshots", f));
      return;
    }
    expect(stale, "snapshot files no case produces; run `npm run snapshots:update`").toEqual([]);
  });

  it("type-check (tsc --strict)", () => {
    const dir = path.join(root, "snapshots", "ts");
    const files = fs
      .readdirSync(dir)
      .filter((n) => n.endsWith(".ts"))
      .sort()
      .map((n) => path.join(dir, n));
    expect(files.length).toBeGreaterThan(0);
    const { options, errors } = ts.convertCompilerOptionsFromJson(
      {
        strict: true,
        noEmit: true,
        noUnusedLocals: false,
        target: "ES2022",
        module: "ESNext",
        moduleResolution: "bundler",
        lib: ["es2022", "esnext.disposable", "dom"],
        // Nothing ambient from the checkout (such as `@types/node`): the modules must stand alone.
        types: [],
        // The default libs are trusted; the snapshots' own `.d.ts` files are checked.
        skipDefaultLibCheck: true,
      },
      dir,
    );
    expect(errors).toEqual([]);
    const program = ts.createProgram(files, options);
    const all = ts.getPreEmitDiagnostics(program).map((d) => {
      const message = ts.flattenDiagnosticMessageText(d.messageText, "\n").split("\n")[0];
      if (!d.file) return { key: `(global): TS${d.code}: ${message}`, at: `(global): TS${d.code}: ${message}` };
      const { line } = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
      const name = path.basename(d.file.fileName);
      return {
        key: `${name}: TS${d.code}: ${message}`,
        at: `snapshots/ts/${name}:${line + 1}: TS${d.code}: ${message}`,
      };
    });
    const unexpected = all.filter((d) => !knownTypeErrors.includes(d.key)).map((d) => d.at);
    expect(unexpected, "type errors in the generated TypeScript").toEqual([]);
    const fixed = knownTypeErrors.filter((k) => !all.some((d) => d.key === k));
    expect(fixed, "known type errors that no longer occur: remove them from `knownTypeErrors`").toEqual([]);
  });

  it("types the values of the per-type helpers (no `any`, every result annotated)", () => {
    const dir = path.join(root, "snapshots", "ts");
    const signatures = fs
      .readdirSync(dir)
      .filter((n) => n.endsWith(".ts") && !n.endsWith(".d.ts"))
      .flatMap((n) => fs.readFileSync(path.join(dir, n), "utf8").match(/^\s*function \$h\d+\(.*\).*\{$/gm) ?? []);
    expect(signatures.length).toBeGreaterThan(0);
    expect(signatures.filter((s) => /: any\b/.test(s) || !/\): .+ \{$/.test(s))).toEqual([]);
  });
});

describe("TypeScript host portability", () => {
  it("the generated modules import nothing and use nothing Node-specific", () => {
    const dir = path.join(root, "snapshots", "ts");
    const files = fs.readdirSync(dir).filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith(".d.ts"));
    expect(files.length).toBeGreaterThan(0);
    const found: string[] = [];
    for (const f of files) {
      const text = fs.readFileSync(path.join(dir, f), "utf8");
      for (const pattern of [
        /^\s*import\b/m,
        /\brequire\(/,
        /\bprocess\./,
        /\bBuffer\b/,
        /["']node:/,
        /\bglobalThis\b/,
      ]) {
        if (pattern.test(text)) found.push(`${f}: ${pattern}`);
      }
    }
    expect(found).toEqual([]);
  });
});
