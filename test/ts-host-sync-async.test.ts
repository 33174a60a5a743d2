/**
 * Async functions bound with the synchronous ABI in the WIT host: a guest
 * may export an `async` function under its plain name (lifted
 * synchronously, with its post-return) and import one under its plain name
 * (lowered synchronously), as wit-bindgen's `--async` filters and our C
 * generator's `async` option do. The host finds which form the core module
 * has at instantiation; the JS API is the same (an async export gives a
 * promise).
 *
 * C guests of test/guests/c/sync-async.wit, built with clang 19: every
 * function synchronous; `greet` lifted synchronously and waiting for the
 * async import `fetch` in `waitable-set.wait`; `fetch` lowered synchronously
 * and called by the async export `greet`. Without JSPI (this Node) a call
 * that would block traps naming JSPI; with it (Node.js 26) it blocks.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import { beforeAll, describe, expect, it } from "vitest";
import { generateHostSource, loadHost, tempDir, type HostModule } from "./helpers/host.js";
import { node26, skipReason, wasmClang } from "./helpers/toolchains.js";
import { buildGuest, guestsDir } from "./guests/c/harness.js";

const wit = fs.readFileSync(path.join(guestsDir, "sync-async.wit"), "utf8");
const reason = skipReason(wasmClang());

const variants = {
  all: { async: ["-all"], source: "sync-async-all.c" },
  mixed: { async: ["-export:test:c-sync-async/api#greet"], source: "sync-async-mixed.c" },
  import: { async: ["-import:test:c-sync-async/backend#fetch"], source: "sync-async-import.c" },
} as const;
type Variant = keyof typeof variants;

const later = <T>(value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), 2));

/** The host's `backend`: `fetch` answers at once, or with a promise. */
function backend(log: string[], promise: boolean) {
  return {
    "test:c-sync-async/backend": {
      fetch(key: string) {
        log.push(key);
        return promise ? later(key.toUpperCase()) : key.toUpperCase();
      },
    },
  };
}

describe.skipIf(reason)("WIT host: async functions bound with the synchronous ABI (C guests)", () => {
  const guests = {} as Record<Variant, Uint8Array>;
  let host: HostModule;

  beforeAll(async () => {
    for (const [name, v] of Object.entries(variants))
      guests[name as Variant] = buildGuest(wit, "sync-async", [v.source], { async: [...v.async] });
    host = await loadHost(wit, { world: "sync-async" });
  }, 120_000);

  const names = (bytes: Uint8Array) => {
    const m = new WebAssembly.Module(bytes as BufferSource);
    return {
      imports: WebAssembly.Module.imports(m).map((i) => `${i.module} ${i.name}`),
      exports: WebAssembly.Module.exports(m).map((e) => e.name),
    };
  };

  it("the guests export and import the functions in the form their filters say", () => {
    const all = names(guests.all);
    expect(all.exports).toEqual(
      expect.arrayContaining([
        "test:c-sync-async/api#greet",
        "cabi_post_test:c-sync-async/api#greet",
        "test:c-sync-async/api#inc",
      ]),
    );
    expect(all.imports).toContain("test:c-sync-async/backend fetch");
    expect([...all.imports, ...all.exports].some((n) => n.includes("[async-"))).toBe(false);
    const mixed = names(guests.mixed);
    expect(mixed.exports).toEqual(
      expect.arrayContaining(["test:c-sync-async/api#greet", "[async-lift]test:c-sync-async/api#inc"]),
    );
    expect(mixed.imports).toEqual(
      expect.arrayContaining(["test:c-sync-async/backend [async-lower]fetch", "$root [waitable-set-wait]"]),
    );
    const imp = names(guests.import);
    expect(imp.exports).toContain("[async-lift]test:c-sync-async/api#greet");
    expect(imp.imports).toContain("test:c-sync-async/backend fetch");
  });

  it.each(Object.keys(variants) as Variant[])(
    "%s: calls give promises and work when the host answers at once",
    async (variant) => {
      const log: string[] = [];
      const g = await host.instantiate(guests[variant], backend(log, false));
      const api = g["test:c-sync-async/api"];
      const greeting = api.greet("ada");
      expect(greeting).toBeInstanceOf(Promise);
      expect(await greeting).toBe("ada: ADA");
      expect(await Promise.all([api.greet("bo"), api.inc(41)])).toEqual(["bo: BO", 42]);
      expect(log).toEqual(["ada", "bo"]);
      expect(g.liveAllocations()).toBe(0);
      expect(host.liveHandles(g)).toBe(0);
    },
  );

  it("a bad argument rejects the call (it does not throw) and leaves the instance usable", async () => {
    const g = await host.instantiate(guests.all, backend([], false));
    const api = g["test:c-sync-async/api"];
    let call: Promise<unknown> | undefined;
    expect(() => (call = api.inc(-1))).not.toThrow();
    await expect(call).rejects.toThrow(/u32/);
    expect(await api.inc(1)).toBe(2);
  });

  it.each([
    { variant: "all" as const, message: /test:c-sync-async\/backend#fetch: .*stack switching \(JSPI\)/ },
    { variant: "mixed" as const, message: /waitable-set.wait would block .*JSPI/ },
    { variant: "import" as const, message: /test:c-sync-async\/backend#fetch: .*stack switching \(JSPI\)/ },
  ])("$variant: a call that must wait for the host's promise traps naming JSPI", async ({ variant, message }) => {
    const g = await host.instantiate(guests[variant], backend([], true));
    await expect(g["test:c-sync-async/api"].greet("ada")).rejects.toThrow(message);
  });

  it("checks the import object for the imports the module has, under either name", async () => {
    for (const variant of ["all", "mixed"] as const)
      await expect(host.instantiate(guests[variant], { "test:c-sync-async/backend": {} })).rejects.toThrow(
        "imports['test:c-sync-async/backend'].fetch is missing from the import object",
      );
  });

  it("with JSPI (Node.js 26) a call that must wait blocks, and the calls after it wait their turn", async () => {
    if (skipReason(node26())) return;
    const dir = tempDir();
    for (const variant of Object.keys(variants) as Variant[])
      fs.writeFileSync(path.join(dir, `${variant}.wasm`), guests[variant]);
    const source = await generateHostSource(wit, { world: "sync-async" });
    const js = ts.transpileModule(source, {
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
    }).outputText;
    fs.writeFileSync(path.join(dir, "host.mjs"), js);
    const script = `
      import { readFileSync } from "node:fs";
      const { instantiate, liveHandles } = await import(${JSON.stringify(pathToFileURL(path.join(dir, "host.mjs")).href)});
      const out = {};
      for (const variant of ${JSON.stringify(Object.keys(variants))}) {
        const log = [];
        const g = await instantiate(readFileSync(${JSON.stringify(dir)} + "/" + variant + ".wasm"), {
          "test:c-sync-async/backend": {
            fetch: (key) => {
              log.push(key);
              return new Promise((resolve) => setTimeout(() => resolve(key.toUpperCase()), 2));
            },
          },
        });
        const api = g["test:c-sync-async/api"];
        const results = await Promise.all([api.greet("ada"), api.inc(1), api.greet("bo"), api.greet("cy")]);
        out[variant] = { results, log, live: g.liveAllocations(), handles: liveHandles(g) };
      }
      console.log(JSON.stringify(out));
    `;
    const r = spawnSync(node26().command, ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    const expected = { results: ["ada: ADA", 2, "bo: BO", "cy: CY"], log: ["ada", "bo", "cy"], live: 0, handles: 0 };
    expect(JSON.parse(r.stdout)).toEqual({ all: expected, mixed: expected, import: expected });
  });
});
