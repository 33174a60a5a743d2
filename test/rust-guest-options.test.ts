/**
 * wit-bindgen's Rust generator options, end to end: the guest of
 * test/guests/rust/options.rs written against bindings made with them,
 * compiled with Debian's rustc 1.63 and run in our host.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { loadHost } from "./helpers/host.js";
import { tempDir } from "./helpers/host.js";
import {
  buildRustGuest,
  customSectionNames,
  RUSTC_FLAGS,
  rustBindings,
  rustGuestsDir,
  rustScenario,
  wasmUnknownRustc,
} from "./helpers/rust.js";
import { skipReason } from "./helpers/toolchains.js";

const reason = skipReason(wasmUnknownRustc());
const scenario = rustScenario("options");

/** What the guest's code needs: `PartialEq` on the shapes, `Default` on `point`. */
const attributes = {
  additionalDeriveAttributes: ["PartialEq", "Hash"],
  additionalDeriveIgnore: ["point", "shape"],
  additionalTypeAttributes: [
    ["test:rust-options/shapes/point", "#[derive(Default, PartialEq)]"],
    ["test:rust-options/shapes/shape", "#[derive(PartialEq)]"],
  ] as [string, string][],
  additionalMemberAttributes: [["test:rust-options/shapes/point.x", '#[doc(alias = "abscissa")]']] as [
    string,
    string,
  ][],
};

describe.skipIf(reason !== undefined)("Rust guest options", () => {
  it("--raw-strings, -d, --additional-derive-ignore, --additional-type-attributes, --additional-member-attributes, --export-macro-name, --pub-export-macro, --default-bindings-module, --skip, --type-section-suffix", async () => {
    const options = {
      ...attributes,
      exportMacroName: "export_options",
      pubExportMacro: true,
      defaultBindingsModule: "crate::bindings",
      skip: ["skipped", "skipped-import"],
      typeSectionSuffix: "-opt",
      rawStrings: true,
    };
    const source = rustBindings(scenario, options);
    expect(source).toContain("#[macro_export]");
    expect(source).toContain("pub use __export_options_guest_impl as export_options;");
    expect(source).toContain("crate::bindings::export_options!($ty with_types_in crate::bindings);");
    expect(source).not.toContain("fn skipped_import");
    expect(source).not.toContain("fn skipped(");
    expect(source).toContain("pub fn log(msg: &[u8]) {");
    expect(source).toContain("fn greet(name: _rt::Vec<u8>) -> _rt::Vec<u8>;");
    // Additional derives, sorted into the generator's own, but not on the ignored types; attributes where selected.
    expect(source).toMatch(/#\[derive\(Clone, Copy, Eq, Hash, Ord, PartialEq, PartialOrd\)\]\n *pub enum Color \{/);
    expect(source).toMatch(
      /#\[derive\(Clone, Copy, Default, PartialEq\)\]\n *pub struct Point \{\n *#\[doc\(alias = "abscissa"\)\]\n *pub x: u32,/,
    );
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
    const dot = { tag: "dot", val: { x: 1, y: 2 } };
    expect(guest.shapes.same(dot, { tag: "dot", val: { x: 1, y: 2 } })).toBe(true);
    expect(
      guest.shapes.same(dot, {
        tag: "line",
        val: [
          { x: 1, y: 2 },
          { x: 3, y: 4 },
        ],
      }),
    ).toBe(false);
    expect(guest.shapes.colorOf(dot)).toBe("red");
    expect(guest.liveAllocations()).toBe(0);
  });

  it("--export-prefix prefixes every core export; --disable-run-ctors-once-workaround leaves out the constructors' call", async () => {
    const options = {
      ...attributes,
      exportMacroName: "export_options",
      defaultBindingsModule: "crate::bindings",
      skip: ["skipped"],
      exportPrefix: "x-",
      rawStrings: true,
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

  it("a selector that matches no type is an error, as in wit-bindgen", () => {
    expect(() =>
      rustBindings(scenario, { additionalTypeAttributes: [["test:rust-options/shapes/nope", "#[allow(unused)]"]] }),
    ).toThrow(
      'unused selectors provided via `additional_type_attributes` / `additional_member_attributes`: ["test:rust-options/shapes/nope"]',
    );
  });

  it.each([
    ["options", {}],
    ["resources", {}],
    ["asyncs", { boxedAsyncExports: true }],
  ] as const)(
    "--stubs: the %s bindings alone build, Stub exporting every function as unreachable!()",
    async (name, extra) => {
      const s = rustScenario(name);
      const dir = tempDir();
      fs.writeFileSync(path.join(dir, "bindings.rs"), rustBindings(s, { ...extra, stubs: true }));
      fs.writeFileSync(path.join(dir, "guest.rs"), "mod bindings;\n");
      const r = spawnSync(wasmUnknownRustc().command, RUSTC_FLAGS, { cwd: dir, encoding: "utf8" });
      expect(r.stderr).toBe("");
      const core = new Uint8Array(fs.readFileSync(path.join(dir, "guest.wasm")));
      if (name !== "options") return;
      const host = await loadHost(s.wit, { world: s.world });
      const guest = (await host.instantiate(core, {
        "test:rust-options/host": { log: () => {}, skippedImport: () => {} },
      })) as any;
      expect(() => guest.greet("x")).toThrow(/unreachable/);
    },
  );

  it("--enable-method-chaining: methods with no result return &Self, imported and exported", async () => {
    const chained = rustBindings(rustScenario("resources"), { enableMethodChaining: true });
    expect(chained).toContain("pub fn log(&self, msg: &str) -> &Self {");
    // The resources guest calls `log` as a statement: it builds as it is.
    await buildRustGuest(rustScenario("resources"), { enableMethodChaining: true });
    // An exported method with no result: the trait's method returns `&Self` (here built with `--stubs`).
    const wit = `package test:chain;
interface api {
  resource cell {
    constructor();
    touch: func();
  }
}
world chain-guest {
  export api;
}`;
    const source = rustBindings(
      { name: "chain", wit, world: "chain-guest" },
      { enableMethodChaining: true, stubs: true },
    );
    expect(source).toContain("fn touch(&self) -> &Self;");
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "bindings.rs"), source);
    fs.writeFileSync(path.join(dir, "guest.rs"), "mod bindings;\n");
    const r = spawnSync(wasmUnknownRustc().command, RUSTC_FLAGS, { cwd: dir, encoding: "utf8" });
    expect(r.stderr).toBe("");
  });

  it("--map-type: WIT maps as the given type (here std::collections::HashMap)", async () => {
    const wit = `package test:rust-maps;
world maps-guest {
  /// How many times each word occurs.
  export count: func(words: list<string>) -> map<string, u32>;
  /// The sum of the map's values.
  export total: func(m: map<string, u32>) -> u32;
}`;
    const options = { mapType: "std::collections::HashMap" };
    const source = rustBindings({ name: "maps", wit, world: "maps-guest" }, options);
    expect(source).toContain("std::collections::HashMap<_rt::String, u32>");
    expect(source).not.toContain("BTreeMap");
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "bindings.rs"), source);
    fs.writeFileSync(
      path.join(dir, "guest.rs"),
      `mod bindings;
use std::collections::HashMap;
struct Component;
impl bindings::Guest for Component {
    fn count(words: Vec<String>) -> HashMap<String, u32> {
        let mut m = HashMap::new();
        for w in words {
            *m.entry(w).or_insert(0) += 1;
        }
        m
    }
    fn total(m: HashMap<String, u32>) -> u32 {
        m.values().sum()
    }
}
bindings::export!(Component with_types_in bindings);
`,
    );
    const r = spawnSync(wasmUnknownRustc().command, RUSTC_FLAGS, { cwd: dir, encoding: "utf8" });
    expect(r.stderr).toBe("");
    const core = new Uint8Array(fs.readFileSync(path.join(dir, "guest.wasm")));
    const host = await loadHost(wit, { world: "maps-guest" });
    const guest = (await host.instantiate(core, {})) as any;
    const counted = guest.count(["a", "b", "a"]) as Map<string, number>;
    expect([...counted.entries()].sort()).toEqual([
      ["a", 2],
      ["b", 1],
    ]);
    expect(
      guest.total(
        new Map([
          ["x", 4],
          ["y", 5],
        ]),
      ),
    ).toBe(9);
  });

  it("--with: an imported interface generated in other bindings of the crate is used from there", async () => {
    const wit = fs.readFileSync(path.join(rustGuestsDir, "with.wit"), "utf8");
    const shared = rustBindings({ name: "with", wit, world: "shared-world" }, { noRealloc: true });
    const target = "crate::shared_bindings::test::rust_with::shared";
    const bindings = rustBindings(
      { name: "with", wit, world: "with-guest" },
      { with: { "test:rust-with/shared": target } },
    );
    expect(bindings).toContain(`use ${target} as __with_name0;`);
    expect(bindings).not.toContain("pub fn nudge(");
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "shared_bindings.rs"), shared);
    fs.writeFileSync(path.join(dir, "bindings.rs"), bindings);
    fs.copyFileSync(path.join(rustGuestsDir, "with.rs"), path.join(dir, "guest.rs"));
    fs.copyFileSync(path.join(rustGuestsDir, "counting.rs"), path.join(dir, "counting.rs"));
    const r = spawnSync(wasmUnknownRustc().command, RUSTC_FLAGS, { cwd: dir, encoding: "utf8" });
    expect(r.stderr).toBe("");
    const core = new Uint8Array(fs.readFileSync(path.join(dir, "guest.wasm")));
    class Counter {
      constructor(public n: number) {}
      bump(): number {
        return ++this.n;
      }
    }
    const host = await loadHost(wit, { world: "with-guest" });
    const guest = (await host.instantiate(core, {
      "test:rust-with/shared": { Counter, nudge: (p: { x: number; y: number }) => ({ x: p.x + 1, y: p.y + 1 }) },
    })) as any;
    expect(guest.api.twice({ x: 1, y: 2 })).toEqual({ x: 3, y: 4 });
    expect(guest.api.bumps(10, 3)).toBe(13);
    const lent = new Counter(5);
    expect(guest.api.bumpGiven(lent)).toBe(6);
    expect(lent.n).toBe(6);
    expect(guest.liveAllocations()).toBe(0);
    // Type keys: the interface is generated here (`generate`), but for its types, used from the shared bindings.
    const byType = rustBindings(
      { name: "with", wit, world: "with-guest" },
      {
        with: {
          "test:rust-with/shared": "generate",
          "test:rust-with/shared/point": `${target}::Point`,
          "test:rust-with/shared/counter": `${target}::Counter`,
        },
      },
    );
    expect(byType).toContain("pub fn nudge(");
    expect(byType).not.toContain("pub struct Point");
    fs.writeFileSync(path.join(dir, "bindings.rs"), byType);
    const r2 = spawnSync(wasmUnknownRustc().command, RUSTC_FLAGS, { cwd: dir, encoding: "utf8" });
    expect(r2.stderr).toBe("");
    const byTypeGuest = (await host.instantiate(new Uint8Array(fs.readFileSync(path.join(dir, "guest.wasm"))), {
      "test:rust-with/shared": { Counter, nudge: (p: { x: number; y: number }) => ({ x: p.x + 1, y: p.y + 1 }) },
    })) as any;
    expect(byTypeGuest.api.twice({ x: 0, y: 0 })).toEqual({ x: 2, y: 2 });
    expect(byTypeGuest.api.bumpGiven(lent)).toBe(7);
    // `--generate-all` generates what `with` leaves out: the same bindings as `generate` for it.
    const all = rustBindings(
      { name: "with", wit, world: "with-guest" },
      {
        generateAll: true,
        with: {
          "test:rust-with/shared/point": `${target}::Point`,
          "test:rust-with/shared/counter": `${target}::Counter`,
        },
      },
    );
    expect(all).toBe(byType);
    // The world's own package is generated unless `with` says otherwise; once `with` names anything, an
    // import from another package neither mapped nor generated is an error, as in wit-bindgen.
    const twoPackages = [
      "package test:main;",
      "package test:other { interface dep { f: func(); } }",
      "world w { import test:other/dep; import local: interface { g: func(); } }",
    ].join("\n");
    expect(() => rustBindings({ name: "two", wit: twoPackages, world: "w" }, { with: { local: "crate::x" } })).toThrow(
      "missing `with` mapping for the key `test:other/dep`\n\nmissing one of:\n* `generate_all` option (`--generate-all`)",
    );
    expect(
      rustBindings({ name: "two", wit: twoPackages, world: "w" }, { with: { "test:other/dep": "generate" } }),
    ).toContain("pub fn g()");
    // A key that names nothing imported is an error, as in wit-bindgen.
    expect(() =>
      rustBindings(
        { name: "with", wit, world: "with-guest" },
        { generateAll: true, with: { "test:rust-with/nope": "crate::x" } },
      ),
    ).toThrow('unused remappings provided via `with`: ["test:rust-with/nope"]');
  });

  it("--std-feature: the bindings build in a #![no_std] library with alloc, std's Error impls behind the std feature", async () => {
    const nostd = rustScenario("nostd");
    const source = rustBindings(nostd, { stdFeature: true });
    expect(source).toContain('#[cfg(feature = "std")]\nimpl ::std::error::Error for Failure {}');
    expect(source).toContain("extern crate alloc as alloc_crate;");
    expect(source).not.toMatch(/[^:]std::(?!error::Error)/);
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "bindings.rs"), source);
    fs.copyFileSync(path.join(rustGuestsDir, "nostd.rs"), path.join(dir, "lib.rs"));
    const rustc = (args: string[]) => spawnSync(wasmUnknownRustc().command, args, { cwd: dir, encoding: "utf8" });
    const lib = ["--edition", "2021", "--target", "wasm32-unknown-unknown", "-O", "-D", "warnings"];
    // With the `std` feature on (and `std` linked by the crate), the Error impl is compiled too.
    const libSource = fs.readFileSync(path.join(dir, "lib.rs"), "utf8");
    fs.writeFileSync(
      path.join(dir, "with_std.rs"),
      libSource.replace("extern crate alloc;", "extern crate alloc;\nextern crate std;"),
    );
    const withStd = rustc([
      ...lib,
      "--crate-type",
      "rlib",
      "--cfg",
      'feature="std"',
      "--crate-name",
      "with_std",
      "with_std.rs",
    ]);
    expect(withStd.stderr).toBe("");
    const built = rustc([...lib, "--crate-type", "rlib", "--crate-name", "nostd_guest", "lib.rs"]);
    expect(built.stderr).toBe("");
    fs.writeFileSync(path.join(dir, "guest.rs"), "extern crate nostd_guest;\n");
    const linked = rustc([
      ...lib,
      "--crate-type",
      "cdylib",
      "--extern",
      "nostd_guest=libnostd_guest.rlib",
      "-L",
      ".",
      "-o",
      "guest.wasm",
      "guest.rs",
    ]);
    expect(linked.stderr).toBe("");
    const logged: string[] = [];
    const host = await loadHost(nostd.wit, { world: nostd.world });
    const guest = (await host.instantiate(new Uint8Array(fs.readFileSync(path.join(dir, "guest.wasm"))), {
      "test:rust-nostd/host": { log: (m: string) => logged.push(m) },
    })) as any;
    expect(guest.greet("nö std")).toBe("hello nö std");
    expect(logged).toEqual(["nö std"]);
    expect(guest.total([1, 2, 3])).toBe(6n);
    expect(() => guest.total([5, 2000])).toThrow(expect.objectContaining({ payload: { tag: "too-big", val: 2000 } }));
    expect(() => guest.total([])).toThrow(expect.objectContaining({ payload: { tag: "empty" } }));
  });

  it("--merge-structurally-equal-types: an exported interface's types equal to an imported one's are its aliases", async () => {
    const merge = rustScenario("merge");
    const options = { mergeStructurallyEqualTypes: true };
    const source = rustBindings(merge, options);
    expect(source).toContain("pub type Shape = super::super::super::super::test::rust_merge::source::Shape;");
    expect(source).toContain("pub struct Vector {");
    expect(rustBindings(merge)).toMatch(/pub enum Shape \{[^]*pub enum Shape \{/);
    const core = await buildRustGuest(merge, options);
    const host = await loadHost(merge.wit, { world: merge.world });
    const guest = (await host.instantiate(core, {
      "test:rust-merge/source": {
        getShape: (n: number) =>
          n === 0
            ? { tag: "dot", val: { x: 1, y: 2 } }
            : n === 1
              ? {
                  tag: "line",
                  val: [
                    { x: 0, y: 0 },
                    { x: 3, y: 4 },
                  ],
                }
              : { tag: "named", val: `shape ${n}` },
        paint: (c: string, p: { read: boolean; write: boolean }) => `${c}:${p.read ? "r" : "-"}${p.write ? "w" : "-"}`,
      },
    })) as any;
    expect(guest.mirror.mirrorShape(0)).toEqual({ tag: "dot", val: { x: 1, y: 2 } });
    expect(guest.mirror.mirrorShape(1)).toEqual({
      tag: "line",
      val: [
        { x: 0, y: 0 },
        { x: 3, y: 4 },
      ],
    });
    expect(guest.mirror.mirrorShape(7)).toEqual({ tag: "named", val: "shape 7" });
    expect(guest.mirror.paint("green", { read: true, write: false })).toBe("green:r-");
    expect(guest.mirror.moved({ x: 1, y: 1 }, { dx: 2, dy: 3 })).toEqual({ x: 3, y: 4 });
    expect(guest.liveAllocations()).toBe(0);
  });

  it("--merge-structurally-equal-types with an interface imported and exported: the exported copy is the import's where no exported resource is held, and exports use the exported copy", async () => {
    const nominal = rustScenario("nominal");
    const options = { mergeStructurallyEqualTypes: true };
    const source = rustBindings(nominal, options);
    expect(source).toContain("pub type Kind = super::super::super::super::test::rust_nominal::shared::Kind;");
    expect(source).toMatch(
      /pub type Holder =\s+super::super::super::super::exports::test::rust_nominal::shared::Holder;/,
    );
    const core = await buildRustGuest(nominal, options);
    const host = await loadHost(nominal.wit, { world: nominal.world });
    class Counter {
      constructor(readonly start: number) {}
      get(): number {
        return this.start;
      }
    }
    const guest = (await host.instantiate(core, {
      "test:rust-nominal/shared": {
        Counter,
        flip: (k: { tag: string; val?: bigint }) =>
          k.tag === "a" ? { tag: "c" } : k.tag === "c" ? { tag: "a" } : { tag: "b", val: k.val! + 1n },
        make: (start: number) => ({ c: new Counter(start) }),
      },
    })) as any;
    expect(guest.shared.flip({ tag: "a" })).toEqual({ tag: "c" });
    expect(guest.shared.flip({ tag: "b", val: 41n })).toEqual({ tag: "b", val: 42n });
    expect(guest.user.relay({ tag: "c" })).toEqual({ tag: "a" });
    const held = guest.user.wrap(3).c;
    expect(held).toBeInstanceOf(guest.shared.Counter);
    expect([held.get(), held.get()]).toEqual([30, 31]);
    const made = guest.shared.make(7).c;
    expect(made.get()).toBe(7);
  });

  it("--async filters bind functions with the other ABI: async ones synchronously, and back", () => {
    const asyncs = rustScenario("asyncs");
    const sync = rustBindings(asyncs, { async: ["-all"] });
    expect(sync).toContain("pub fn fetch(key: &str) -> _rt::String {");
    expect(sync).toContain("fn greet(name: _rt::String) -> _rt::String;");
    expect(sync).toContain('#[export_name = "test:rust-async/api#greet"]');
    expect(sync).not.toContain("[async-lift]");
    const mixed = rustBindings(asyncs, {
      async: ["-export:test:rust-async/api#greet", "-import:test:rust-async/backend#fetch"],
      boxedAsyncExports: true,
    });
    expect(mixed).toContain("pub fn fetch(key: &str) -> _rt::String {");
    expect(mixed).toContain("pub async fn join(");
    expect(mixed).toContain('#[export_name = "[async-lift]test:rust-async/api#sum"]');
    const options = rustScenario("options");
    expect(rustBindings(options, { async: ["import:test:rust-options/host#log"] })).toContain("pub async fn log(");
    for (const [name, source] of [
      ["sync", sync],
      ["mixed", mixed],
    ]) {
      const dir = tempDir();
      fs.writeFileSync(path.join(dir, `${name}.rs`), source);
      const check = spawnSync(
        wasmUnknownRustc().command,
        ["--edition", "2021", "--target", "wasm32-unknown-unknown", "--crate-type", "rlib", "--emit=metadata"].concat([
          "-D",
          "warnings",
          `${name}.rs`,
        ]),
        { cwd: dir, encoding: "utf8" },
      );
      expect(check.stderr).toBe("");
    }
    expect(() => rustBindings(asyncs, { async: ["-nope"] })).toThrow("unused async option: -nope");
  });

  it("--async=-all: a guest binding async functions synchronously runs in the host, which finds the ABI from the module", async () => {
    const scenario = rustScenario("asyncfilter");
    const core = await buildRustGuest(scenario, { async: ["-all"] });
    const names = WebAssembly.Module.exports(new WebAssembly.Module(core as Uint8Array<ArrayBuffer>)).map(
      (e) => e.name,
    );
    expect(names).toContain("greet");
    expect(names).not.toContain("[async-lift]greet");
    const host = await loadHost(scenario.wit, { world: scenario.world });
    const guest = (await host.instantiate(core, {
      "test:rust-async-filter/backend": { fetch: (key: string) => `fetched(${key})` },
    })) as any;
    // An async function's export is a promise whatever ABI the guest chose.
    expect(await guest.greet("bo")).toBe("hello fetched(bo)");
    expect(guest.liveAllocations()).toBe(0);
  });

  it("an exported resource's representation placed by the guest (resource_into_raw_, resource_from_raw_)", async () => {
    const arena = rustScenario("arena");
    const core = await buildRustGuest(arena);
    const host = await loadHost(arena.wit, { world: arena.world });
    const guest = (await host.instantiate(core, {})) as any;
    const { Thing, stored } = guest.things;
    const a = new Thing(7);
    const b = new Thing(8);
    expect([a.get(), b.get(), stored()]).toEqual([7, 8, 2]);
    a[Symbol.dispose]();
    expect(stored()).toBe(1);
    const c = new Thing(9);
    expect([b.get(), c.get(), stored()]).toEqual([8, 9, 2]);
    b[Symbol.dispose]();
    c[Symbol.dispose]();
    expect(stored()).toBe(0);
    expect(guest.liveAllocations()).toBe(0);
  });

  it("--bitflags-path: flags are made by the bitflags! macro there, which the crate takes from wit_bindgen::rt::bitflags", async () => {
    const flagpath = rustScenario("flagpath");
    const options = { bitflagsPath: "crate::my_bitflags" };
    const source = rustBindings(flagpath, options);
    expect(source).toContain("crate::my_bitflags::bitflags! {");
    expect(source).toContain("pub struct Perms: u8 {");
    expect(source).toContain("pub use super::super::_rt::bitflags;");
    const core = await buildRustGuest(flagpath, options);
    const host = await loadHost(flagpath.wit, { world: flagpath.world });
    const guest = (await host.instantiate(core, {
      "test:rust-flagpath/t": {
        widen: (p: { read: boolean; write: boolean; exec: boolean }) => ({ ...p, write: true }),
        granted: () => ({ read: false, write: false, exec: true }),
      },
    })) as any;
    expect(guest.check({ read: true, write: false, exec: false })).toEqual({ read: true, write: true, exec: false });
    expect(guest.liveAllocations()).toBe(0);
  });
});
