/**
 * End-to-end test of a C guest built against wasi-libc for real:
 * test/guests/c/libc.c implements `libc-guest` with malloc/realloc/free,
 * snprintf, strtoll, qsort, getenv and string.h, and the generated `*_free`
 * helpers, `cabi_realloc` and post-return functions run on libc's allocator.
 * Its core module imports `wasi_snapshot_preview1`; jco's `componentNew` wraps
 * it with the preview1 reactor adapter shipped with jco (the component type
 * comes from the section the generated `.c` embeds), and the jco-transpiled
 * component runs on jco's preview2 shim, sandboxed, in Node. The same core
 * module also runs in our TypeScript host, given a minimal preview1
 * environment as extra core imports; both runs must agree.
 *
 * The link wraps malloc/calloc/realloc/free, so the guest counts every block
 * (its own, the bindings', libc's): none may be left after a call, and
 * repeating the scenarios must not move the count.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadComponentHost } from "./helpers/component-host.js";
import { loadHost } from "./helpers/host.js";
import { skipReason } from "./helpers/toolchains.js";
import { guestsDir, plain } from "./guests/c/harness.js";
import {
  buildLibcGuest,
  jcoWithAdapters,
  preview1Environment,
  preview1ReactorAdapter,
  wasiImports,
  wasiLibc,
} from "./helpers/c-libc.js";

const wit = fs.readFileSync(path.join(guestsDir, "libc.wit"), "utf8");
const reason = skipReason(wasiLibc());

/** The environment the sandboxed guest sees. */
const env = { WITX_GREETING: "grüß dich 👋", EMPTY: "" };

interface Case {
  fn: string;
  args: unknown[];
  /** The expected result, or the payload of the expected `ComponentError`. */
  value?: unknown;
  error?: unknown;
}

const cases: Case[] = [
  { fn: "greet", args: ["wörld", 3], value: "Hello, wörld #3" },
  { fn: "greet", args: ["", 0], value: "Hello,  #0" },
  { fn: "greet", args: ["😀 ok", 4294967295], value: "Hello, 😀 ok #4294967295" },
  { fn: "join", args: [["a", "bé", "", "c"], ", "], value: "a, bé, , c" },
  { fn: "join", args: [[], "-"], value: "" },
  { fn: "join", args: [[""], ""], value: "" },
  { fn: "join", args: [["x", "y"], "→"], value: "x→y" },
  { fn: "split", args: ["a,b,,c", ","], value: ["a", "b", "", "c"] },
  { fn: "split", args: ["x→y→z", "→"], value: ["x", "y", "z"] },
  { fn: "split", args: ["🍎🍐🍎", "🍐"], value: ["🍎", "🍎"] },
  { fn: "split", args: ["", ","], value: [""] },
  {
    fn: "countWords",
    args: [["the", "cat", "the", "hat", "the", "cät"]],
    value: [
      { word: "the", count: 3, positions: [0, 2, 4] },
      { word: "cat", count: 1, positions: [1] },
      { word: "hat", count: 1, positions: [3] },
      { word: "cät", count: 1, positions: [5] },
    ],
  },
  { fn: "countWords", args: [[]], value: [] },
  { fn: "countWords", args: [["", ""]], value: [{ word: "", count: 2, positions: [0, 1] }] },
  { fn: "parseInt", args: ["-42"], value: -42n },
  { fn: "parseInt", args: ["9223372036854775807"], value: 9223372036854775807n },
  { fn: "parseInt", args: ["99999999999999999999"], error: "out of range: 99999999999999999999" },
  { fn: "parseInt", args: ["12ab"], error: 'not an integer: "12ab"' },
  { fn: "parseInt", args: [""], error: 'not an integer: ""' },
  { fn: "formatFloat", args: [Math.PI], value: ["3.142", "3.141593e+00"] },
  { fn: "formatFloat", args: [-0.0005], value: ["-0.001", "-5.000000e-04"] },
  { fn: "formatFloat", args: [1e21], value: ["1" + "0".repeat(21) + ".000", "1.000000e+21"] },
  {
    fn: "sorted",
    args: [["pear", "apple", "fig", "äpfel", "", "app"]],
    value: ["", "app", "apple", "fig", "pear", "äpfel"],
  },
  { fn: "sorted", args: [[]], value: [] },
  { fn: "relay", args: ["hello big wörld"], value: "HELLO BIG WÖRLD|3|hello+big+wörld" },
  { fn: "relay", args: [""], value: "|0|" },
  { fn: "envVar", args: ["WITX_GREETING"], value: "grüß dich 👋" },
  { fn: "envVar", args: ["EMPTY"], value: "" },
  { fn: "envVar", args: ["NOT_SET"], value: undefined },
];

/** The host side of `test:c-libc/host`, and a log of what the guest passed. */
function hostImports(log: unknown[]) {
  return {
    "test:c-libc/host": {
      shout(s: string) {
        log.push(["shout", s]);
        return s.toUpperCase();
      },
      words(s: string) {
        log.push(["words", s]);
        return s.split(" ").filter((w) => w !== "");
      },
    },
  };
}

type Outcome = { value: unknown } | { error: unknown };

function call(exports: Record<string, any>, c: Case): Outcome {
  try {
    return { value: plain(exports.text[c.fn](...c.args)) };
  } catch (e) {
    const payload = (e as { payload?: unknown }).payload;
    if (payload === undefined) throw e;
    return { error: payload };
  }
}

const show = (args: unknown[]) =>
  args.map((a) => JSON.stringify(a, (_, v) => (typeof v === "bigint" ? `${v}n` : v))).join(", ");

/**
 * Instantiates `core` in our TypeScript host with `preview1Environment` as the
 * `wasi_snapshot_preview1` core imports. The host hands core imports no
 * handle on the instance, so its memory is caught from `WebAssembly.instantiate`.
 */
async function instantiateOurs(core: Uint8Array, imports: Record<string, unknown>): Promise<Record<string, any>> {
  const host = await loadHost(wit, { world: "libc-guest" });
  let instance: WebAssembly.Instance | undefined;
  const memory = () => instance!.exports.memory as WebAssembly.Memory;
  const original = WebAssembly.instantiate;
  const catching = async (...args: unknown[]) => {
    const result = await (original as (...a: unknown[]) => Promise<unknown>)(...args);
    instance =
      result instanceof WebAssembly.Instance ? result : (result as { instance: WebAssembly.Instance }).instance;
    return result;
  };
  WebAssembly.instantiate = catching as typeof WebAssembly.instantiate;
  try {
    return await host.instantiate(await WebAssembly.compile(core as BufferSource), imports, {
      coreImports: { wasi_snapshot_preview1: preview1Environment(env, memory) },
    });
  } finally {
    WebAssembly.instantiate = original;
  }
}

describe.skipIf(reason)("C guest against wasi-libc", () => {
  let core: Uint8Array;
  const runs: Record<string, { exports: Record<string, any>; log: unknown[] }> = {};

  beforeAll(async () => {
    core = buildLibcGuest(wit, "libc-guest", ["libc.c"]);
    const ourLog: unknown[] = [];
    runs.ours = { exports: await instantiateOurs(core, hostImports(ourLog)), log: ourLog };
    const jco = await jcoWithAdapters(core, [["wasi_snapshot_preview1", preview1ReactorAdapter()]]);
    const jcoLog: unknown[] = [];
    runs.jco = { exports: await jco.instantiate({ ...(await wasiImports(env)), ...hostImports(jcoLog) }), log: jcoLog };
    // The same component through our transpile, with the preview2 shim as its WASI imports.
    const transpiled = await loadComponentHost(jco.component);
    const transpiledLog: unknown[] = [];
    runs.transpiled = {
      exports: await transpiled.instantiate({ ...(await wasiImports(env)), ...hostImports(transpiledLog) }),
      log: transpiledLog,
    };
  }, 120_000);

  it("the core module imports wasi_snapshot_preview1 and exports the bindings' cabi_realloc", () => {
    const module = new WebAssembly.Module(core as BufferSource);
    const imports = WebAssembly.Module.imports(module);
    expect(imports.some((i) => i.module === "wasi_snapshot_preview1")).toBe(true);
    expect(imports.filter((i) => i.module !== "wasi_snapshot_preview1").map((i) => `${i.module}#${i.name}`)).toEqual([
      "test:c-libc/host#shout",
      "test:c-libc/host#words",
    ]);
    const names = WebAssembly.Module.exports(module).map((e) => e.name);
    expect(names).toContain("cabi_realloc");
    expect(names).toContain("_initialize");
  });

  const titles = {
    ours: "in our TypeScript host, with a minimal preview1 environment",
    jco: "as a jco component with the preview1 reactor adapter, on the preview2 shim",
    transpiled: "as the same component through our transpile, on the preview2 shim",
  };
  for (const [run, title] of Object.entries(titles)) {
    describe(title, () => {
      for (const c of cases) {
        it(`${c.fn}(${show(c.args)})`, () => {
          const { exports } = runs[run];
          const outcome = call(exports, c);
          if ("error" in c) expect(outcome).toEqual({ error: c.error });
          else expect(outcome).toEqual({ value: c.value });
          expect(exports.liveAllocations(), "allocations left after the call").toBe(0);
        });
      }

      it("repeating every scenario leaks nothing", () => {
        const { exports } = runs[run];
        for (let round = 0; round < 50; round++) for (const c of cases) call(exports, c);
        expect(exports.liveAllocations()).toBe(0);
      });
    });
  }

  it("the host saw the same arguments in both runs", () => {
    expect(runs.ours.log).toContainEqual(["shout", "hello big wörld"]);
    expect(runs.ours.log).toContainEqual(["words", "hello big wörld"]);
    expect(runs.jco.log).toEqual(runs.ours.log);
    expect(runs.transpiled.log).toEqual(runs.ours.log);
  });
});
