/**
 * The `witx-bindgen` executable as users run it (the bundled `dist/` build;
 * `npm test` builds it first).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { generateC, generateRust, generateTypeScript, loadWitPath, resolveToJson } from "../index.js";
import { repoRoot, run } from "./helpers/cli.js";

const root = repoRoot;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "witx-cli-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, text);
  return p;
}

describe("witx-bindgen json", () => {
  it("prints the same JSON as the library", () => {
    const r = run("json", "examples/greeter/wit", "--world", "greeter");
    expect(r.status).toBe(0);
    const loaded = loadWitPath(path.join(root, "examples/greeter/wit"));
    if (!loaded.ok) throw new Error("example does not load");
    expect(JSON.parse(r.stdout)).toEqual(resolveToJson(loaded.resolve));
  });

  it("reports a bad input as wit-parser does, with exit code 1 and no stack trace", () => {
    const file = write("bad.wit", "package a:b;\n\ninterface i {\n  type foo = bar;\n}\n");
    const r = run("json", file);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      [
        "error: type `bar` does not exist",
        `     --> ${file}:4:14`,
        "      |",
        "    4 |   type foo = bar;",
        "      |              ^--",
        "",
      ].join("\n"),
    );
  });

  it("reports every independent syntax error of a file", () => {
    const file = write("syntax.wit", "package a:b;\ninterface i {\n  f: func(;\n}\ninterface j {\n  type t = ;\n}\n");
    const r = run("json", file);
    expect(r.status).toBe(1);
    const errors = r.stderr.split("\n").filter((l) => l.startsWith("error: "));
    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect(errors[0]).toBe("error: expected an identifier or string, found ';'");
    expect(r.stderr).toContain(`${file}:6:`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("enables features", () => {
    const file = write("gated.wit", "package a:b;\ninterface i {\n  @unstable(feature = x)\n  f: func();\n}\n");
    const without = JSON.parse(run("json", file).stdout);
    expect(without.interfaces[0].functions).toEqual({});
    const withX = JSON.parse(run("json", file, "--features", "x,y").stdout);
    expect(Object.keys(withX.interfaces[0].functions)).toEqual(["f"]);
    const all = JSON.parse(run("json", file, "--all-features").stdout);
    expect(Object.keys(all.interfaces[0].functions)).toEqual(["f"]);
  });

  it("refuses an unknown world", () => {
    const r = run("json", "examples/greeter/wit", "--world", "nope");
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("error: World `nope` not found in package `example:greeter@0.1.0`\n");
  });

  it("refuses a missing path", () => {
    const r = run("json", path.join(tmp, "missing.wit"));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error: failed to read path for WIT \[/);
  });

  it("prints usage for a missing command", () => {
    const r = run();
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("witx-bindgen json <path>");
  });
});

describe("witx-bindgen ts", () => {
  const wit = () =>
    write(
      "host.wit",
      `package test:cli;
interface api { add: func(a: u32, b: u32) -> u32; }
world host { export api; }
world other { import api; }`,
    );

  it("writes the module, and --check finds it up to date", () => {
    const out = path.join(tmp, "ts-out");
    const w = wit();
    const gen = run("ts", w, "--world", "host", "--out-dir", out);
    expect(gen.status).toBe(0);
    expect(fs.readFileSync(path.join(out, "host.ts"), "utf8")).toContain("export async function instantiate(");
    const check = run("ts", w, "--world", "host", "--out-dir", out, "--check");
    expect(check.status).toBe(0);
    expect(check.stdout).toBe("");
  });

  it("--check lists stale files, exits 1 and writes nothing", () => {
    const out = path.join(tmp, "ts-stale");
    const w = wit();
    expect(run("ts", w, "--world", "host", "--out-dir", out).status).toBe(0);
    fs.appendFileSync(path.join(out, "host.ts"), "// edited\n");
    const check = run("ts", w, "--world", "host", "--out-dir", out, "--check", "--js");
    expect(check.status).toBe(1);
    expect(check.stdout).toContain(`stale: ${path.join(out, "host.js")}`);
    expect(check.stdout).toContain(`stale: ${path.join(out, "host.d.ts")}`);
    expect(fs.existsSync(path.join(out, "host.js"))).toBe(false);
  });

  it("--js writes JavaScript and declarations", () => {
    const out = path.join(tmp, "ts-js");
    expect(run("ts", wit(), "--world", "host", "--out-dir", out, "--js").status).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual(["host.d.ts", "host.js"]);
    expect(fs.readFileSync(path.join(out, "host.d.ts"), "utf8")).toContain("export declare function instantiate(");
  });

  it("asks for a world when the package has several", () => {
    const r = run("ts", wit(), "--out-dir", path.join(tmp, "ts-none"));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("the package has 2 worlds (host, other); choose one with --world");
  });

  it("writes the host of worlds with async functions, streams, error contexts and futures of resources", () => {
    const a = write("async.wit", `package test:a; world w { export f: async func() -> stream<u8>; }`);
    expect(run("ts", a, "--out-dir", path.join(tmp, "ts-async")).status).toBe(0);
    const e = write("error.wit", `package test:a; world w { export f: async func() -> error-context; }`);
    expect(run("ts", e, "--out-dir", path.join(tmp, "ts-error")).status).toBe(0);
    const w = write(
      "resources.wit",
      `package test:a; interface i { resource r; f: async func() -> future<r>; } world w { export i; }`,
    );
    const r = run("ts", w, "--out-dir", path.join(tmp, "ts-resources"));
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it("reports WIT errors as diagnostics", () => {
    const w = write("bad.wit", `package test:b; world w { export f: func() -> nope; }`);
    const r = run("ts", w, "--out-dir", path.join(tmp, "ts-bad"));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("error: name `nope` does not exist");
  });
});

describe("witx-bindgen embed and component", () => {
  async function guestModule(): Promise<string> {
    const { parse } = await import("@bytecodealliance/jco-transpile/wasm-tools");
    const file = path.join(tmp, "greeter-guest.wasm");
    fs.writeFileSync(file, await parse(fs.readFileSync(path.join(root, "examples/greeter/guest.wat"), "utf8")));
    return file;
  }

  it("embeds the world, then makes a component from the embedded section alone", async () => {
    const core = await guestModule();
    const embedded = path.join(tmp, "greeter.embedded.wasm");
    const component = path.join(tmp, "greeter.component.wasm");
    expect(run("embed", "examples/greeter/wit", core, "-o", embedded).status).toBe(0);
    const r = run("component", embedded, "-o", component);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const { componentWit } = await import("@bytecodealliance/jco-transpile/wasm-tools");
    const wit = await componentWit(fs.readFileSync(component));
    expect(wit).toContain("import example:logging/log@0.1.0;");
    expect(wit).toContain("export example:greeter/greetings@0.1.0;");
    const again = path.join(tmp, "greeter.component2.wasm");
    expect(run("component", core, "--wit", "examples/greeter/wit", "-o", again).status).toBe(0);
    expect(fs.readFileSync(again).equals(fs.readFileSync(component))).toBe(true);
  });

  it("refuses a module that does not fit the world, naming the import", async () => {
    const core = await guestModule();
    const wit = write("other.wit", "package a:b;\nworld w {\n  export f: func();\n}\n");
    const r = run("component", core, "--wit", wit, "-o", path.join(tmp, "x.wasm"));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /^error: module was not valid: failed to resolve import `example:logging\/log@0\.1\.0::log`/,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("asks for --wit when the module has no component-type section", async () => {
    const core = await guestModule();
    const r = run("component", core, "-o", path.join(tmp, "x.wasm"));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("has no component-type custom section");
  });

  it("reports an --adapt file that cannot be read", async () => {
    const core = await guestModule();
    const missing = path.join(tmp, "missing-adapter.wasm");
    const r = run("component", core, "--adapt", `wasi_snapshot_preview1=${missing}`, "-o", path.join(tmp, "x.wasm"));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/^error: .*missing-adapter\.wasm/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("reports a file that is not WebAssembly", () => {
    const bad = write("bad.wasm", "not wasm");
    const r = run("component", bad, "--wit", "examples/greeter/wit", "-o", path.join(tmp, "x.wasm"));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error: not a WebAssembly binary/);
  });
});

describe("witx-bindgen ts <component.wasm>", () => {
  const wasm = async (name: string, text: string): Promise<string> => {
    const { parse } = await import("@bytecodealliance/jco-transpile/wasm-tools");
    const p = path.join(tmp, name);
    fs.writeFileSync(p, await parse(text));
    return p;
  };
  const fixture = (name: string) => fs.readFileSync(path.join(root, "test/guests/components", `${name}.wat`), "utf8");

  it("writes the module, its declarations and the core modules, named after the input", async () => {
    const input = await wasm("echo-len.wasm", fixture("echo-len"));
    const out = path.join(tmp, "component-js");
    const r = run("ts", input, "--out-dir", out, "--js");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual([
      "echo-len.core0.wasm",
      "echo-len.core1.wasm",
      "echo-len.core2.wasm",
      "echo-len.core3.wasm",
      "echo-len.d.ts",
      "echo-len.js",
    ]);
    const mod = await import(pathToFileURL(path.join(out, "echo-len.js")).href);
    const logged: string[] = [];
    const exports = await mod.instantiate({ log: (s: string) => logged.push(s) });
    expect(exports.echoLen("héllo")).toBe(5);
    expect(logged).toEqual(["héllo"]);
    expect(fs.readFileSync(path.join(out, "echo-len.d.ts"), "utf8")).toContain("echoLen(s: string): number;");
    // --check: nothing stale right after writing; a changed core module is.
    expect(run("ts", input, "--out-dir", out, "--js", "--check").status).toBe(0);
    fs.writeFileSync(path.join(out, "echo-len.core1.wasm"), new Uint8Array([0]));
    const check = run("ts", input, "--out-dir", out, "--js", "--check");
    expect(check.status).toBe(1);
    expect(check.stdout).toContain("echo-len.core1.wasm");
  });

  it("--name sets the base name; without --js it writes one .ts module", async () => {
    const input = await wasm("counter.wasm", fixture("counter"));
    const out = path.join(tmp, "component-ts");
    const r = run("ts", input, "--out-dir", out, "--name", "counters");
    expect(r.status).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual(["counters.core0.wasm", "counters.core1.wasm", "counters.ts"]);
  });

  it("refuses a malformed component with the offset, exit code 1, no output and no stack trace", () => {
    const input = path.join(tmp, "malformed.wasm");
    // A component preamble, then a section whose size runs past the end.
    fs.writeFileSync(input, new Uint8Array([0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0, 0x07, 0x05, 0x01]));
    const out = path.join(tmp, "malformed-out");
    const r = run("ts", input, "--out-dir", out);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error: .*offset 0x[0-9a-f]+/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(fs.existsSync(out)).toBe(false);
  });

  it("refuses an invalid component with the rule broken and the offset", async () => {
    const input = await wasm("invalid.wasm", `(component (core instance (instantiate 3)))`);
    const r = run("ts", input, "--out-dir", path.join(tmp, "invalid-out"));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error: .*module.*(index|out of bounds).*offset 0x[0-9a-f]+/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it("says so when given a core module instead of a component", () => {
    const input = path.join(tmp, "core.wasm");
    fs.writeFileSync(input, new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
    const r = run("ts", input, "--out-dir", path.join(tmp, "core-out"));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error: .*core\.wasm is a core module, not a component/);
  });

  it("transpiles a component that uses the async ABI, with the async runtime only then", async () => {
    const input = await wasm(
      "stream.wasm",
      `(component
  (type $s (stream u8))
  (core module $M (func (export "f") (result i32) (i32.const 0)))
  (core instance $m (instantiate $M))
  (func (export "f") (result $s) (canon lift (core func $m "f"))))`,
    );
    const r = run("ts", input, "--out-dir", path.join(tmp, "stream-out"));
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(fs.readFileSync(path.join(tmp, "stream-out", "stream.ts"), "utf8")).toContain("class AsyncInstance");
    const sync = await wasm("echo-len.wasm", fixture("echo-len"));
    expect(run("ts", sync, "--out-dir", path.join(tmp, "sync-out")).status).toBe(0);
    expect(fs.readFileSync(path.join(tmp, "sync-out", "echo-len.ts"), "utf8")).not.toContain("AsyncInstance");
  });

  it("refuses a component JavaScript cannot give its imports to, saying why", async () => {
    const input = await wasm(
      "imports-module.wasm",
      `(component (import "m" (core module $m)) (core instance (instantiate $m)))`,
    );
    const r = run("ts", input, "--out-dir", path.join(tmp, "module-out"));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error: import `m` is a core module/);
  });
});

describe("witx-bindgen c and rust", () => {
  it("takes wit-bindgen's --no-… options as options (no yargs negation)", () => {
    const out = path.join(tmp, "c-options");
    const r = run(
      "c",
      "test/guests/c/options/options.wit",
      "--world",
      "options",
      "--out-dir",
      out,
      "--no-realloc",
      "--no-helpers",
      "--no-object-file",
      "--rename-world",
      "lib",
      "--type-section-suffix=-x",
    );
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual(["lib.c", "lib.h"]);
    const c = fs.readFileSync(path.join(out, "lib.c"), "utf8");
    expect(c).not.toContain("// Helper Functions");
    expect(c).not.toContain('__export_name__("cabi_realloc")');
    expect(c).toContain(":lib:encoded world-x");
    const rust = run(
      "rust",
      "test/guests/c/options/options.wit",
      "--world",
      "options",
      "--out-dir",
      path.join(tmp, "rust-options"),
      "--no-realloc",
    );
    expect(rust.stderr).toBe("");
    expect(rust.status).toBe(0);
  });
});

describe("witx-bindgen start-up", () => {
  it("ts, rust and c write what the library generates (the bundle's compiled templates, each command's own modules)", async () => {
    const wit = path.join(root, "examples/greeter/wit");
    const loaded = loadWitPath(wit);
    if (!loaded.ok || loaded.world === undefined) throw new Error("example does not load");
    const expected = {
      ts: await generateTypeScript(loaded.resolve, loaded.world),
      rust: generateRust(loaded.resolve, loaded.world),
      c: generateC(loaded.resolve, loaded.world),
    };
    for (const [command, files] of Object.entries(expected)) {
      const out = path.join(tmp, `library-${command}`);
      const r = run(command, "examples/greeter/wit", "--out-dir", out);
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(fs.readdirSync(out).sort()).toEqual(files.map((f) => f.path).sort());
      for (const f of files) expect(fs.readFileSync(path.join(out, f.path), "utf8")).toBe(f.contents);
    }
  });

  it("runs a command whose name follows global options", () => {
    const plain = run("json", "examples/greeter/wit");
    expect(plain.status).toBe(0);
    for (const args of [
      ["--world", "greeter", "json", "examples/greeter/wit"],
      ["--features", "x", "--all-features", "json", "examples/greeter/wit"],
      ["--world=greeter", "json", "examples/greeter/wit"],
    ]) {
      const r = run(...args);
      expect(r.stderr).toBe("");
      expect(r.stdout).toBe(plain.stdout);
    }
  });

  it("prints the version, and help listing every command", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { version: string };
    const version = run("--version");
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toBe(pkg.version);
    const help = run("--help");
    expect(help.status).toBe(0);
    for (const command of ["json", "ts", "rust", "c", "embed", "link", "plug", "compose", "component", "run"]) {
      expect(help.stdout).toMatch(new RegExp(`witx-bindgen ${command} `));
    }
    const ts = run("ts", "--help");
    expect(ts.status).toBe(0);
    expect(ts.stdout).toContain("--out-dir");
    expect(ts.stdout).toContain("--world");
  });

  it("runs from another directory, and through the former launcher", () => {
    const r = spawnSync(
      process.execPath,
      [path.join(root, "dist/cli/launch.js"), "json", path.join(root, "examples/greeter/wit")],
      {
        cwd: os.tmpdir(),
        encoding: "utf8",
      },
    );
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(run("json", "examples/greeter/wit").stdout);
  });
});
