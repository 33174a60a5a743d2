/**
 * wit-bindgen's Rust generator options, end to end: the guest of
 * test/guests/rust/options.rs written against bindings made with them,
 * compiled with Debian's rustc 1.63 and run in our host.
 */
import { describe, expect, it } from "vitest";
import { loadHost } from "./helpers/host.js";
import { buildRustGuest, customSectionNames, rustBindings, rustScenario, wasmUnknownRustc } from "./helpers/rust.js";
import { skipReason } from "./helpers/toolchains.js";

const reason = skipReason(wasmUnknownRustc());
const scenario = rustScenario("options");

describe.skipIf(reason !== undefined)("Rust guest options", () => {
  it("--export-macro-name, --pub-export-macro, --default-bindings-module, --skip, --type-section-suffix", async () => {
    const options = {
      exportMacroName: "export_options",
      pubExportMacro: true,
      defaultBindingsModule: "crate::bindings",
      skip: ["skipped", "skipped-import"],
      typeSectionSuffix: "-opt",
    };
    const source = rustBindings(scenario, options);
    expect(source).toContain("#[macro_export]");
    expect(source).toContain("pub use __export_options_guest_impl as export_options;");
    expect(source).toContain("crate::bindings::export_options!($ty with_types_in crate::bindings);");
    expect(source).not.toContain("fn skipped_import");
    expect(source).not.toContain("fn skipped(");
    const core = await buildRustGuest(scenario, options);
    expect(customSectionNames(core).filter((n) => n.startsWith("component-type:"))).toEqual([
      expect.stringMatching(/:test:rust-options:options-guest:encoded world-opt$/),
    ]);
    const logged: string[] = [];
    const host = await loadHost(scenario.wit, { world: scenario.world });
    const guest = (await host.instantiate(core, {
      "test:rust-options/host": { log: (m: string) => logged.push(m), skippedImport: () => {} },
    })) as any;
    expect(guest.greet("wörld")).toBe("hi wörld");
    expect(logged).toEqual(["wörld"]);
    expect(guest.skipped()).toBe(7);
    expect(guest.liveAllocations()).toBe(0);
  });

  it("--export-prefix prefixes every core export; --disable-run-ctors-once-workaround leaves out the constructors' call", async () => {
    const options = {
      exportMacroName: "export_options",
      defaultBindingsModule: "crate::bindings",
      skip: ["skipped"],
      exportPrefix: "x-",
    };
    expect(rustBindings(scenario, options)).toContain("run_ctors_once");
    expect(rustBindings(scenario, { ...options, disableRunCtorsOnceWorkaround: true })).not.toContain("run_ctors_once");
    const core = await buildRustGuest(scenario, { ...options, disableRunCtorsOnceWorkaround: true });
    const exports = WebAssembly.Module.exports(new WebAssembly.Module(core as Uint8Array<ArrayBuffer>)).map(
      (e) => e.name,
    );
    expect(exports).toEqual(expect.arrayContaining(["x-greet", "x-cabi_post_greet", "x-live-allocations", "skipped"]));
    expect(exports).not.toContain("greet");
  });
});
