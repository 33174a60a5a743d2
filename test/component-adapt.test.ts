/**
 * `witx-bindgen component --adapt`, and the rest of `component new` that
 * wasm-ld's and wit-component's shapes need: adapters (merged worlds,
 * garbage collection, main-module imports, lifted adapter exports, injected
 * stacks), duplicate imports, the stack-pointer and TLS symbols of threaded
 * output, and `return_call_ref` trampolines. Each component is validated by
 * wasm-tools (in jco) and, where it runs, run in our component host and in
 * jco's.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { loadWitText } from "../index.js";
import { ComponentEncodingError, componentNew } from "../encoding/index.js";
import { loadComponentHost } from "./helpers/component-host.js";
import { tempDir } from "./helpers/host.js";
import { transpileComponent } from "./helpers/jco.js";
import { run } from "./helpers/cli.js";
import { embeddedModule, tools } from "./helpers/wasm-tools.js";

const guest = embeddedModule;

const LOG_WIT = `
package test:adapt;

interface log {
  log: func(message: string);
}

interface run {
  run: func() -> u32;
}

world module {
  export greet: func() -> u32;
}

/// What the adapter implements "old" with, and exports.
world adapt-old {
  import log;
  export run;
}
`;

/** A main module speaking an "old" ABI: it logs through the adapter's \`old::print\` and exports \`_start\`. */
const MAIN = `(module
  (import "old" "print" (func $print (param i32 i32)))
  (import "old" "print" (func $print2 (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello from main")
  (global $heap (mut i32) (i32.const 1024))
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $p i32)
    global.get $heap
    local.set $p
    global.get $heap
    local.get 3
    i32.add
    global.set $heap
    local.get $p)
  (func (export "_start") (result i32)
    i32.const 16 i32.const 15 call $print
    i32.const 16 i32.const 5 call $print2
    i32.const 7)
  (func (export "greet") (result i32) i32.const 42))`;

/** The adapter: \`print\` becomes \`test:adapt/log.log\`; \`run\` calls the main module's \`_start\`. */
const ADAPTER = `(module
  (import "env" "memory" (memory 0))
  (import "test:adapt/log" "log" (func $log (param i32 i32)))
  (import "__main_module__" "_start" (func $start (result i32)))
  (func (export "print") (param i32 i32) local.get 0 local.get 1 call $log)
  (func (export "unused") (param i32) (result i32) local.get 0)
  (func (export "test:adapt/run#run") (result i32) call $start))`;

describe("--adapt: an adapter between the main module and its world", () => {
  it("merges the adapter's world, lowers its imports, lifts its exports, and runs", async () => {
    const main = await guest(MAIN, LOG_WIT, "module");
    const adapter = await guest(ADAPTER, LOG_WIT, "adapt-old");
    const component = componentNew(main, undefined, { adapters: [{ name: "old", wasm: adapter }] });
    const wit = await tools.componentWit(component);
    expect(wit).toContain("import test:adapt/log;");
    expect(wit).toContain("export greet: func() -> u32;");
    expect(wit).toContain("export test:adapt/run;");

    const logged: string[] = [];
    const imports = { "test:adapt/log": { log: (m: string) => logged.push(m) } };
    const ours = await loadComponentHost(component);
    const exports = await ours.instantiate(imports);
    expect(exports.greet()).toBe(42);
    expect(exports.run.run()).toBe(7);
    expect(logged).toEqual(["hello from main", "hello"]);

    const jco = await (await transpileComponent(component)).instantiate(imports);
    expect(jco.run.run()).toBe(7);
    expect(logged).toEqual(["hello from main", "hello", "hello from main", "hello"]);
  });

  it("keeps only what is used of the adapter", async () => {
    const main = await guest(MAIN, LOG_WIT, "module");
    const adapter = await guest(ADAPTER, LOG_WIT, "adapt-old");
    const component = componentNew(main, undefined, { adapters: [{ name: "old", wasm: adapter }] });
    const printed = await tools.print(component);
    expect(printed).toContain('(export "print"');
    expect(printed).toContain('(export "test:adapt/run#run"');
    expect(printed).not.toContain('(export "unused"');
  });

  it("drops an adapter nothing uses", async () => {
    const unusedWit = LOG_WIT.replace("export run;", "");
    const main = await guest(`(module (func (export "greet") (result i32) i32.const 1))`, unusedWit, "module");
    const adapter = await guest(
      ADAPTER.replace(/\(func \(export "test:adapt\/run#run"\).*\)\)$/, ")"),
      unusedWit,
      "adapt-old",
    );
    const component = componentNew(main, undefined, { adapters: [{ name: "old", wasm: adapter }] });
    const wit = await tools.componentWit(component);
    expect(wit).not.toContain("test:adapt/log");
    expect((await tools.print(component)).match(/\(core module/g)).toHaveLength(1);
  });

  it("refuses an adapter that lacks a function the module imports", async () => {
    const main = await guest(
      `(module (import "old" "missing" (func)) (memory (export "memory") 1) (func (export "greet") (result i32) i32.const 1))`,
      LOG_WIT.replace("export run;", ""),
      "module",
    );
    const adapter = await guest(ADAPTER, LOG_WIT, "adapt-old");
    expect(() => componentNew(main, undefined, { adapters: [{ name: "old", wasm: adapter }] })).toThrow(
      /failed to validate the imports of the adapter module `old`: adapter module did not export `missing`/,
    );
  });

  it("refuses an adapter whose function has another signature than the module imports", async () => {
    const main = await guest(
      `(module (import "old" "print" (func (param i32))) (memory (export "memory") 1) (func (export "greet") (result i32) i32.const 1))`,
      LOG_WIT,
      "module",
    );
    const adapter = await guest(ADAPTER, LOG_WIT, "adapt-old");
    expect(() => componentNew(main, undefined, { adapters: [{ name: "old", wasm: adapter }] })).toThrow(
      /type mismatch for function `print`/,
    );
  });

  it("refuses an adapter that needs the main module's memory when there is none", async () => {
    const main = await guest(
      `(module (import "old" "print" (func (param i32 i32))) (func (export "greet") (result i32) i32.const 1))`,
      LOG_WIT.replace("export run;", ""),
      "module",
    );
    const adapter = await guest(
      ADAPTER.replace(/\(func \(export "test:adapt\/run#run"\).*\)\)$/, ")"),
      LOG_WIT.replace("export run;", ""),
      "adapt-old",
    );
    expect(() => componentNew(main, undefined, { adapters: [{ name: "old", wasm: adapter }] })).toThrow(
      ComponentEncodingError,
    );
  });

  it("the CLI: --adapt NAME=FILE", async () => {
    const dir = tempDir();
    const main = path.join(dir, "main.wasm");
    const adapter = path.join(dir, "adapter.wasm");
    fs.writeFileSync(main, await guest(MAIN, LOG_WIT, "module"));
    fs.writeFileSync(adapter, await guest(ADAPTER, LOG_WIT, "adapt-old"));
    const out = path.join(dir, "out.wasm");
    const r = run("component", main, "--adapt", `old=${adapter}`, "-o", out);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(await tools.componentWit(new Uint8Array(fs.readFileSync(out)))).toContain("export test:adapt/run;");
  });
});

const PLAIN_WIT = `
package test:plain;

world module {
  import f: func();
  import name: func() -> string;
  export g: func() -> u32;
}
`;

describe("component new: shapes of real toolchains' output", () => {
  it("a module that imports the same function twice", async () => {
    const core = await guest(
      `(module
        (import "$root" "f" (func $f1))
        (import "$root" "f" (func $f2))
        (func (export "g") (result i32) call $f1 call $f2 i32.const 5))`,
      PLAIN_WIT,
      "module",
    );
    const component = componentNew(core);
    let calls = 0;
    const exports = await (await loadComponentHost(component)).instantiate({ f: () => calls++, name: () => "" });
    expect(exports.g()).toBe(5);
    expect(calls).toBe(2);
  });

  it("wasm-ld's stack pointer and TLS symbols: context slot 0, and a TLS global in the shim", async () => {
    const core = await guest(
      `(module
        (import "env" "__wasm_get_stack_pointer" (func $sp (result i32)))
        (import "env" "__wasm_set_stack_pointer" (func (param i32)))
        (import "env" "__wasm_get_tls_base" (func $tls (result i32)))
        (import "env" "__wasm_set_tls_base" (func $settls (param i32)))
        (func (export "g") (result i32) i32.const 9 call $settls call $tls))`,
      PLAIN_WIT,
      "module",
    );
    const component = componentNew(core);
    const printed = await tools.print(component);
    expect(printed).toContain("context.get i32 0");
    expect(printed).toContain('"$get-tls-base"');
    const exports = await (await loadComponentHost(component)).instantiate({ f: () => {}, name: () => "" });
    expect(exports.g()).toBe(9);
  });

  it("the TLS base in context slot 1 when the module uses threads", async () => {
    const core = await guest(
      `(module
        (import "env" "__wasm_get_tls_base" (func (result i64)))
        (import "env" "__wasm_set_tls_base" (func (param i64)))
        (import "$root" "[thread-new-indirect-v0]" (func (param i32 i32) (result i32)))
        (table (export "__indirect_function_table") 1 funcref)
        (func (export "g") (result i32) i32.const 1))`,
      PLAIN_WIT,
      "module",
    );
    const printed = await tools.print(componentNew(core));
    expect(printed).toContain("context.get i64 1");
    expect(printed).toContain("context.set i64 1");
    expect(printed).not.toContain("tls-base");
  });

  it("--return-call-ref: trampolines tail-call through globals, and the component validates", async () => {
    const core = await guest(
      `(module
        (import "$root" "name" (func $name (param i32)))
        (memory (export "memory") 1)
        (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) i32.const 64)
        (func (export "g") (result i32) i32.const 0 call $name i32.const 0 i32.load offset=4))`,
      PLAIN_WIT,
      "module",
    );
    const component = componentNew(core, undefined, { returnCallRef: true });
    const printed = await tools.print(component);
    expect(printed).toContain("return_call_ref");
    expect(printed).not.toContain("call_indirect");
    expect(await tools.componentWit(component)).toContain("import name: func() -> string;");
  });
});

const HOOK_WIT = `
package test:hook;

world module {
  export echo: func(s: string) -> string;
  export codes: func() -> string;
}
`;

describe("__wasm_task_hook: called around every entry into the module", () => {
  it("brackets initialisation, exports, post-returns and reallocs, in both hosts", async () => {
    // The hook appends its code to a log at 2048; `codes` returns the log as a string of letters.
    const core = await guest(
      `(module
        (memory (export "memory") 1)
        (global $log (mut i32) (i32.const 2048))
        (global $heap (mut i32) (i32.const 4096))
        (func (export "__wasm_task_hook") (param i32)
          global.get $log local.get 0 i32.const 97 i32.add i32.store8
          global.get $log i32.const 1 i32.add global.set $log)
        (func (export "_initialize"))
        (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
          (local $p i32)
          global.get $heap local.set $p
          global.get $heap local.get 3 i32.add global.set $heap
          local.get $p)
        (func (export "echo") (param i32 i32) (result i32)
          i32.const 16 local.get 0 i32.store
          i32.const 20 local.get 1 i32.store
          i32.const 16)
        (func (export "cabi_post_echo") (param i32))
        (func (export "codes") (result i32)
          i32.const 24 i32.const 2048 i32.store
          i32.const 28 global.get $log i32.const 2048 i32.sub i32.store
          i32.const 24))`,
      HOOK_WIT,
      "module",
    );
    const component = componentNew(core);
    const printed = await tools.print(component);
    expect(printed).toContain('(export "hook0"');
    for (const load of [
      async () => (await loadComponentHost(component)).instantiate({}),
      async () => (await transpileComponent(component)).instantiate({}),
    ]) {
      const exports = await load();
      expect(exports.echo("héllo")).toBe("héllo");
      // g h: initialisation; m n: the realloc of the argument; a b: the call; k l: its post-return; a: `codes` itself.
      expect(exports.codes()).toBe("ghmnabkla");
    }
  });
});

describe("semver-compatible imports merged into the newest version", () => {
  const wit = `
package test:semver;

world module {
  import a:b/c@0.1.0;
  import a:d/user;
  import a:b/c@0.1.1;
}

package a:b@0.1.0 {
  interface c {
    record point { x: u32 }
    f: func(p: point);
  }
}

package a:b@0.1.1 {
  interface c {
    record point { x: u32 }
    f: func(p: point);
    g: func() -> u32;
  }
}

package a:d {
  interface user {
    use a:b/c@0.1.0.{point};
    show: func(p: point) -> u32;
  }
}
`;

  it("retargets the users of the replaced version, and leaves the given Resolve alone", async () => {
    const loaded = loadWitText(wit, { world: "module" });
    if (!loaded.ok) throw new Error("bad WIT");
    const before = JSON.stringify(loaded.resolve.types);
    const core = await tools.parse(`(module
      (import "a:b/c@0.1.0" "f" (func $f (param i32)))
      (import "a:d/user" "show" (func $show (param i32) (result i32)))
      (import "a:b/c@0.1.1" "g" (func $g (result i32)))
      (func (export "run") (result i32) i32.const 3 call $f i32.const 4 call $show call $g i32.add))`);
    const component = componentNew(core, { resolve: loaded.resolve, world: loaded.world! });
    expect(JSON.stringify(loaded.resolve.types)).toBe(before);
    const printed = await tools.componentWit(component);
    expect(printed).toContain("import a:b/c@0.1.1;");
    expect(printed).not.toContain("@0.1.0");
    expect(printed).toContain("import a:d/user;");
    const imports = {
      "a:b/c@0.1.1": { f: () => {}, g: () => 10 },
      "a:d/user": { show: (p: { x: number }) => p.x * 2 },
    };
    const exports = await (await loadComponentHost(component)).instantiate(imports);
    expect(exports).toBeDefined();
  });
});
