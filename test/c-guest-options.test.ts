/**
 * wit-bindgen's C generator options, end to end: guests in
 * test/guests/c/options/ written against bindings made with each option,
 * compiled with clang 19 and run in our host (the WIT host of the core
 * module, and the component made of it).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { componentNew } from "../encoding/index.js";
import { generateC, UnsupportedCWorldError, type COptions } from "../generators/c/index.js";
import { loadWitText, renderDiagnostics } from "../index.js";
import { loadComponentHost } from "./helpers/component-host.js";
import { loadHost } from "./helpers/host.js";
import { skipReason, wasmClang } from "./helpers/toolchains.js";
import { buildGuest, guestsDir } from "./guests/c/harness.js";

const wit = fs.readFileSync(path.join(guestsDir, "options", "options.wit"), "utf8");
const reason = skipReason(wasmClang());

function generate(options: COptions): { h: string; c: string; base: string } {
  const loaded = loadWitText(wit, { world: "options", fileName: "options.wit" });
  if (!loaded.ok) throw new Error(renderDiagnostics(loaded.diagnostics));
  const files = generateC(loaded.resolve, loaded.world!, options);
  const h = files.find((f) => f.path.endsWith(".h"))!;
  return { h: h.contents as string, c: files.find((f) => f.path.endsWith(".c"))!.contents as string, base: h.path };
}

/** The names of the core module's custom sections. */
function customSections(core: Uint8Array): string[] {
  const module = new WebAssembly.Module(core as Uint8Array<ArrayBuffer>);
  const names: string[] = [];
  // The names are read from the binary: `WebAssembly.Module.customSections` needs a name to look for.
  let at = 8;
  while (at < core.length) {
    const id = core[at++]!;
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const b = core[at++]!;
      size |= (b & 0x7f) << shift;
      if (b < 0x80) break;
    }
    if (id === 0) {
      let len = 0;
      let p = at;
      for (let shift = 0; ; shift += 7) {
        const b = core[p++]!;
        len |= (b & 0x7f) << shift;
        if (b < 0x80) break;
      }
      names.push(new TextDecoder().decode(core.subarray(p, p + len)));
    }
    at += size;
  }
  expect(WebAssembly.Module.exports(module).length).toBeGreaterThan(0);
  return names;
}

/** Runs the scenario of options.wit in both of our hosts. */
async function runScenario(core: Uint8Array): Promise<void> {
  const host = await loadHost(wit, { world: "options" });
  const component = await loadComponentHost(componentNew(core));
  for (const guest of [await host.instantiate(core, {}), await component.instantiate({})] as any[]) {
    expect(guest.names.shout("hello, wörld")).toBe("HELLO, WöRLD");
    expect(guest.names.join(["a", "bé", "c"], ", ")).toBe("a, bé, c");
    expect(guest.names.join([], "-")).toBe("");
    expect(guest.liveAllocations()).toBe(0);
  }
}

describe.skipIf(reason)("C guest options", () => {
  it("--rename-world: the world's names and files take the new name; --type-section-suffix names the section", async () => {
    const { h, base } = generate({ renameWorld: "renamed", typeSectionSuffix: "-lib" });
    expect(base).toBe("renamed.h");
    expect(h).toContain("typedef struct renamed_string_t {");
    expect(h).toContain("int32_t exports_renamed_live_allocations(void);");
    expect(h).not.toMatch(/\boptions_/);
    const core = buildGuest(wit, "options", ["options/renamed.c"], {
      renameWorld: "renamed",
      typeSectionSuffix: "-lib",
    });
    expect(customSections(core).filter((n) => n.startsWith("component-type:"))).toEqual([
      expect.stringMatching(/^component-type:witx-bindgen:[^:]+:test:c-options:renamed:encoded world-lib$/),
    ]);
    await runScenario(core);
  });

  it("--no-helpers leaves out the helper functions; --generate-async-helpers adds the async ones; --no-object-file is accepted", async () => {
    const plainBindings = generate({});
    expect(plainBindings.h).toContain("void options_string_free(options_string_t *ret);");
    expect(plainBindings.h).toContain("void options_list_string_free(options_list_string_t *ptr);");
    expect(plainBindings.h).not.toContain("options_subtask_cancel");
    const options: COptions = { noHelpers: true, generateAsyncHelpers: true, noObjectFile: true };
    const { h, c } = generate(options);
    expect(h).not.toContain("// Helper Functions");
    expect(c).not.toContain("// Helper Functions");
    expect(h).not.toContain("_free(");
    expect(h).toContain("options_subtask_status_t options_subtask_cancel(options_subtask_t subtask);");
    expect(h).toContain("void options_backpressure_inc(void);");
    await runScenario(buildGuest(wit, "options", ["options/no_helpers.c"], options));
  });

  it("--autodrop-borrows yes: a synchronous export drops the borrows of imported resources it received", async () => {
    const host = await loadHost(wit, { world: "autodrop" });
    class Thing {
      constructor(readonly n: number) {}
      get(): number {
        return this.n;
      }
    }
    const imports = { "test:c-options/things": { Thing } };
    const withAutodrop = buildGuest(wit, "autodrop", ["options/autodrop.c"], { autodropBorrows: true });
    const component = await loadComponentHost(componentNew(withAutodrop));
    for (const guest of [
      await host.instantiate(withAutodrop, imports),
      await component.instantiate(imports),
    ] as any[]) {
      expect(guest.borrower.peek(new Thing(41))).toBe(42);
      expect(guest.borrower.peekPair({ a: new Thing(1), b: new Thing(2) })).toBe(3);
      expect(guest.borrower.peekPair({ a: new Thing(5), b: undefined })).toBe(5);
      expect(guest.liveAllocations()).toBe(0);
    }
    // The same program with the default (`no`): the borrow is still lent when the export returns, a trap.
    const without = await host.instantiate(buildGuest(wit, "autodrop", ["options/autodrop.c"]), imports);
    expect(() => (without as any).borrower.peek(new Thing(1))).toThrow(
      "the guest returned while still holding a borrowed handle",
    );
    // Borrows in a list cannot be dropped by the bindings: refused, as wit-bindgen refuses them.
    const listWit = wit.replace("peek: func(t: borrow<thing>) -> u32;", "peek: func(t: list<borrow<thing>>) -> u32;");
    const loaded = loadWitText(listWit, { world: "autodrop", fileName: "options.wit" });
    if (!loaded.ok) throw new Error(renderDiagnostics(loaded.diagnostics));
    expect(() => generateC(loaded.resolve, loaded.world!, { autodropBorrows: true })).toThrow(
      "Unable to autodrop borrows in `list` values, please disable autodrop",
    );
  });

  it("--no-sig-flattening: options and results are passed and returned as their structs", async () => {
    const options: COptions = { noSigFlattening: true };
    const loaded = loadWitText(wit, { world: "unflattened", fileName: "options.wit" });
    if (!loaded.ok) throw new Error(renderDiagnostics(loaded.diagnostics));
    const h = generateC(loaded.resolve, loaded.world!, options).find((f) => f.path.endsWith(".h"))!.contents as string;
    expect(h).toContain(
      "extern void test_c_options_lookup_find(unflattened_option_string_t *key, unflattened_option_u32_t *ret);",
    );
    expect(h).toContain(
      "void exports_test_c_options_numbers_parse(unflattened_string_t *s, exports_test_c_options_numbers_result_u32_string_t *ret);",
    );
    const core = buildGuest(wit, "unflattened", ["options/unflattened.c"], options);
    const imports = {
      "test:c-options/lookup": { find: (key?: string) => (key === "none" ? undefined : (key ?? "").length) },
    };
    const host = await loadHost(wit, { world: "unflattened" });
    const component = await loadComponentHost(componentNew(core));
    for (const guest of [await host.instantiate(core, imports), await component.instantiate(imports)] as any[]) {
      expect(guest.numbers.parse("1234")).toBe(1234);
      expect(() => guest.numbers.parse("12a")).toThrow(expect.objectContaining({ payload: "not a number" }));
      expect(guest.numbers.findNext("abc")).toBe(4);
      expect(guest.numbers.findNext(undefined)).toBe(1);
      expect(guest.numbers.findNext("none")).toBe(undefined);
      expect(guest.liveAllocations()).toBe(0);
    }
  });

  it("--generate-threading-helpers: threads made from C function pointers, each with its own context slot", async () => {
    const options: COptions = { generateThreadingHelpers: true };
    const core = buildGuest(wit, "threads", ["options/threads.c"], options, ["-Wl,--export-table"]);
    const host = await loadHost(wit, { world: "threads" });
    const component = await loadComponentHost(componentNew(core));
    const imports = { nap: () => {} };
    for (const guest of [await host.instantiate(core, imports), await component.instantiate(imports)] as any[]) {
      expect(guest.spawn(4)).toBe(1 + 2 + 3 + 4 + 1000);
      expect(guest.later(7)).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 1));
      expect(guest.total()).toBe(7);
      expect(guest.liveAllocations()).toBe(0);
    }
    // Without the exported table, `component` says what is missing.
    expect(() => componentNew(buildGuest(wit, "threads", ["options/threads.c"], options))).toThrow(
      "`[thread-new-indirect-v0]` needs the module to export its function table as `__indirect_function_table`",
    );
  });

  it("--string-encoding compact-utf16: each string is Latin-1 or UTF-16, as its length's tag says", async () => {
    const options: COptions = { stringEncoding: "compact-utf16" };
    const core = buildGuest(wit, "compact", ["options/compact.c"], options);
    const host = await loadHost(wit, { world: "compact", stringEncoding: "latin1+utf16" });
    const component = await loadComponentHost(componentNew(core));
    for (const guest of [await host.instantiate(core, {}), await component.instantiate({})] as any[]) {
      expect(guest.shout("grüße, world")).toBe("GRüßE, WORLD");
      expect(guest.shout("héllo 日本")).toBe("HéLLO 日本");
      expect(guest.shout("")).toBe("");
      // The host passes what Latin-1 can hold as Latin-1, anything else as UTF-16.
      expect(guest.isUtf16("grüße")).toBe(false);
      expect(guest.isUtf16("日本")).toBe(true);
      expect(guest.pair()).toEqual(["Grüße", "日本"]);
      expect(guest.liveAllocations()).toBe(0);
    }
  });
});

describe("worlds the C generator refuses", () => {
  const refusal = (text: string) => {
    const loaded = loadWitText(text, { world: "w", fileName: "w.wit" });
    if (!loaded.ok) throw new Error(renderDiagnostics(loaded.diagnostics));
    try {
      generateC(loaded.resolve, loaded.world!);
    } catch (e) {
      expect(e).toBeInstanceOf(UnsupportedCWorldError);
      return (e as Error).message;
    }
    throw new Error("generated");
  };

  it("an interface imported and exported under one plain name: their functions would share a C name", () => {
    expect(
      refusal("package a:b;\nworld w { import e: interface { f: func(); } export e: interface { f: func(); } }"),
    ).toBe("the C generator does not support this world: two functions would both be named `e_f` in C");
  });

  it("flags with no labels (which wit-parser accepts), as a value rather than a crash", () => {
    expect(refusal("package a:b;\nworld w { import i: interface { flags none {} f: func(x: none); } }")).toBe(
      "the C generator does not support this world: flags `i_none_t` has 0 labels, and the component model allows 1 to 32",
    );
  });
});
