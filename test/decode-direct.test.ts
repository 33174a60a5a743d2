/**
 * The decoder's direct path (the model straight into unresolved packages,
 * encoding/decode/direct.ts) against its reference path (the syntax tree
 * the parser would make, resolved by the front-end): on every input both
 * must give the same `Resolve`, field for field and id for id, or the same
 * error. Inputs: the worlds of the corpus's wit-component components and of
 * wit-bindgen's codegen tests, embedded by jco (wit-component), alone and
 * merged with the adapter worlds of those components; the WIT packages
 * encoded by wasm-tools in the corpus's wit-component interfaces, decoded
 * one by one and all into one `Resolve` (packages already present reused);
 * and the worlds of our test guests.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { loadWitText } from "../index.js";
import {
  decodeModulesComponentTypes,
  decodeSettings,
  decodeStats,
  decodeWitPackage,
} from "../encoding/decode/index.js";
import { Resolve } from "../ir/resolve.js";

const corpus = path.resolve(__dirname, "../../shared/corpus");
const hasCorpus = fs.existsSync(corpus);

type Tools = typeof import("@bytecodealliance/jco-transpile/wasm-tools");
let toolsPromise: Promise<Tools> | undefined;
function tools(): Promise<Tools> {
  toolsPromise ??= import("@bytecodealliance/jco-transpile/wasm-tools");
  return toolsPromise;
}

/** Everything in a `Resolve` (maps as entry lists, object keys sorted), as one string. */
function snapshot(resolve: Resolve): string {
  const norm = (v: unknown): unknown => {
    if (v instanceof Map) return { $map: [...v.entries()].map(([k, x]) => [k, norm(x)]) };
    if (v instanceof Set) return { $set: [...v].map(norm) };
    if (Array.isArray(v)) return v.map(norm);
    if (v && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) out[k] = norm((v as Record<string, unknown>)[k]);
      return out;
    }
    return v === undefined ? "$undefined" : v;
  };
  return JSON.stringify(
    norm({
      types: resolve.types,
      interfaces: resolve.interfaces,
      worlds: resolve.worlds,
      packages: resolve.packages,
      packageNames: resolve.packageNames,
    }),
  );
}

type Outcome = { ok: string; extra?: unknown } | { error: string };

/** Runs `f` with the decoder on `which` path; the resulting `Resolve` or the error. */
function run(which: "direct" | "ast", f: () => { resolve: Resolve; extra?: unknown }): Outcome {
  const prev = decodeSettings.path;
  decodeSettings.path = which;
  try {
    const { resolve, extra } = f();
    return { ok: snapshot(resolve), extra };
  } catch (e) {
    return { error: `${(e as Error).constructor.name}: ${(e as Error).message}` };
  } finally {
    decodeSettings.path = prev;
  }
}

interface Tally {
  compared: number;
  errors: number;
  /** Inputs the direct path handed to the reference path though both succeed. */
  fellBack: string[];
}

function compare(name: string, f: () => { resolve: Resolve; extra?: unknown }, tally: Tally): void {
  const reference = run("ast", f);
  const before = decodeStats.ast;
  const direct = run("direct", f);
  expect(direct, name).toEqual(reference);
  if ("error" in reference) tally.errors++;
  if (process.env.DECODE_DIRECT_VERBOSE) console.info(name, "error" in reference ? reference.error : "ok");
  else if (decodeStats.ast !== before) tally.fellBack.push(name);
  tally.compared++;
}

/** A module's `component-type` sections decoded (several modules merge). */
function sections(modules: Uint8Array[]) {
  return () => {
    const decoded = decodeModulesComponentTypes(modules)!;
    const { resolve, world, importEncodings, exportEncodings } = decoded.bindgen;
    return {
      resolve,
      extra: {
        world,
        importEncodings: [...importEncodings],
        exportEncodings: [...exportEncodings],
        exports: decoded.modules.map((m) => m.exports),
      },
    };
  };
}

/** A directory's packages as one WIT text: the main file, then each of `deps/` as a nested package. */
function flattenWit(mainText: string, depsDir: string): string {
  const blocks: string[] = [mainText];
  if (!fs.existsSync(depsDir)) return mainText;
  for (const entry of fs.readdirSync(depsDir).sort()) {
    const p = path.join(depsDir, entry);
    const files = fs.statSync(p).isDirectory()
      ? fs
          .readdirSync(p)
          .filter((f) => f.endsWith(".wit"))
          .sort()
          .map((f) => path.join(p, f))
      : entry.endsWith(".wit")
        ? [p]
        : [];
    let name: string | undefined;
    const bodies: string[] = [];
    for (const f of files) {
      const text = fs.readFileSync(f, "utf8");
      const m = /^\s*package\s+([^;{\s]+)\s*;/m.exec(text);
      if (m) name ??= m[1];
      bodies.push(m ? text.replace(m[0], "") : text);
    }
    if (name === undefined) return mainText;
    blocks.push(`package ${name} {\n${bodies.join("\n")}\n}`);
  }
  return blocks.join("\n\n");
}

/** An empty core module with `world` of `text` embedded by jco, or undefined when jco refuses. */
async function embed(text: string, world: string, encoding?: "utf8" | "utf16"): Promise<Uint8Array | undefined> {
  const t = await tools();
  const empty = await t.parse("(module)");
  for (const spec of [world, `%${world}`]) {
    try {
      return await t.componentEmbed({
        binary: empty,
        witSource: text,
        world: spec,
        stringEncoding: encoding ?? "utf8",
        features: { tag: "all" },
      });
    } catch {
      // try the next spelling
    }
  }
  return undefined;
}

/** The worlds of a WIT text's main package. */
function worldsOf(text: string): string[] {
  const loaded = loadWitText(text, { allFeatures: true });
  return loaded.ok ? [...loaded.resolve.packages[loaded.package].worlds.keys()] : [];
}

describe.skipIf(!hasCorpus)("decoder: the direct path gives the reference path's Resolve", () => {
  it("on the worlds of wit-component's components, alone and merged with their adapters' worlds", async () => {
    const tally: Tally = { compared: 0, errors: 0, fellBack: [] };
    const dir = path.join(corpus, "wit-component", "components");
    for (const name of fs.readdirSync(dir).sort()) {
      const d = path.join(dir, name);
      const files = fs.readdirSync(d);
      if (!files.includes("module.wit")) continue;
      const text = flattenWit(fs.readFileSync(path.join(d, "module.wit"), "utf8"), path.join(d, "deps"));
      const worlds = worldsOf(text);
      const world = worlds.includes("module") ? "module" : worlds[0];
      if (world === undefined) continue;
      const main = await embed(text, world);
      if (!main) continue;
      compare(`${name} ${world}`, sections([main]), tally);
      for (const f of files.filter((x) => x.startsWith("adapt-") && x.endsWith(".wit"))) {
        const adapterText = fs.readFileSync(path.join(d, f), "utf8");
        const adapterWorld = worldsOf(adapterText)[0];
        if (adapterWorld === undefined) continue;
        const adapter = await embed(adapterText, adapterWorld);
        if (adapter) compare(`${name} ${world} + ${f}`, sections([main, adapter]), tally);
      }
    }
    expect(tally.fellBack).toEqual([]);
    expect(tally.compared).toBeGreaterThan(100);
  }, 300_000);

  it("on the worlds of wit-bindgen's codegen tests, and two of them merged", async () => {
    const tally: Tally = { compared: 0, errors: 0, fellBack: [] };
    const dir = path.join(corpus, "wit-bindgen-codegen");
    let previous: Uint8Array | undefined;
    for (const file of fs.readdirSync(dir).sort()) {
      if (!file.endsWith(".wit")) continue;
      const text = fs.readFileSync(path.join(dir, file), "utf8");
      for (const world of worldsOf(text)) {
        const bytes = await embed(text, world, "utf16");
        if (!bytes) continue;
        compare(`${file} ${world}`, sections([bytes]), tally);
        if (previous) compare(`${file} ${world} merged after the previous world`, sections([previous, bytes]), tally);
        previous = bytes;
      }
    }
    expect(tally.fellBack).toEqual([]);
    expect(tally.compared).toBeGreaterThan(150);
  }, 300_000);

  it("on the WIT packages of wit-component's interfaces, one by one and all into one Resolve", async () => {
    const { parse } = await tools();
    const tally: Tally = { compared: 0, errors: 0, fellBack: [] };
    const dir = path.join(corpus, "wit-component", "interfaces");
    const packages: [string, Uint8Array][] = [];
    for (const f of fs.readdirSync(dir).sort()) {
      if (!f.endsWith(".wat")) continue;
      try {
        packages.push([f, await parse(fs.readFileSync(path.join(dir, f), "utf8"))]);
      } catch {
        // text our copy of wasm-tools no longer parses (old function syntax)
      }
    }
    for (const [f, bytes] of packages) {
      compare(
        f,
        () => {
          const resolve = new Resolve();
          return { resolve, extra: decodeWitPackage(resolve, bytes, f) };
        },
        tally,
      );
    }
    // Each package into the same Resolve, twice: the second time every
    // package is present already (reused, or refused as different).
    compare(
      "all interfaces into one Resolve",
      () => {
        const resolve = new Resolve();
        const ids: unknown[] = [];
        for (const round of [0, 1]) {
          for (const [f, bytes] of packages) {
            try {
              ids.push(decodeWitPackage(resolve, bytes, `${round}/${f}`));
            } catch (e) {
              ids.push((e as Error).message);
            }
          }
        }
        return { resolve, extra: ids };
      },
      tally,
    );
    expect(tally.fellBack).toEqual([]);
    expect(tally.compared).toBeGreaterThan(30);
  }, 120_000);
});

describe("decoder: the direct path on our test guests' worlds", () => {
  it("gives the reference path's Resolve", async () => {
    const tally: Tally = { compared: 0, errors: 0, fellBack: [] };
    const root = path.resolve(__dirname, "guests");
    const wits: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith(".wit")) wits.push(p);
      }
    };
    walk(root);
    for (const file of wits.sort()) {
      const text = fs.readFileSync(file, "utf8");
      for (const world of worldsOf(text)) {
        const bytes = await embed(text, world);
        if (bytes) compare(`${path.relative(root, file)} ${world}`, sections([bytes]), tally);
      }
    }
    expect(tally.fellBack).toEqual([]);
    expect(tally.compared).toBeGreaterThan(10);
  }, 120_000);
});
