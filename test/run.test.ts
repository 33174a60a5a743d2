/**
 * `witx-bindgen run`, spawned as users run it (the built CLI):
 *
 * - a C command built against wasi-libc and wrapped with the preview1
 *   command adapter: arguments, environment, stdin, a preopened file, and
 *   exit status 3 through `wasi:cli/exit`'s `exit-with-code`;
 * - `--invoke` with WAVE arguments and results of every value kind, on the
 *   aggregates guest of test/guests/values (a WAT core module made a
 *   component), named as wasmtime names functions of exported interfaces;
 * - typed flags (records field by field, enums, options, lists, WAVE);
 * - errors: a value that does not fit (status 2, the column and the type
 *   expected, nothing called), an unknown function, imports WASI does not
 *   provide, a resource in the signature; and `--list`.
 *
 * The C command needs clang-19 with wasi-libc: without it that test is
 * skipped, unless WITX_BINDGEN_E2E=required.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { componentNew } from "../encoding/index.js";
import { preview1Adapter } from "./helpers/adapt.js";
import { wasiLibc } from "./helpers/c-libc.js";
import { repoRoot, run } from "./helpers/cli.js";
import { tempDir } from "./helpers/host.js";
import { skipReason } from "./helpers/toolchains.js";
import { embeddedModule, tools } from "./helpers/wasm-tools.js";
import { clang, STRICT_FLAGS } from "./guests/c/harness.js";

const dir = tempDir();
// The hosts the runs generate are cached here, not in the user's cache.
process.env.WITX_BINDGEN_CACHE_DIR = path.join(dir, "cache");

const values = path.join(repoRoot, "test", "guests", "values");
const cliBin = path.join(repoRoot, "dist", "cli", "launch.cjs");
const runGuests = path.join(repoRoot, "test", "guests", "run");
const read = (file: string) => fs.readFileSync(file, "utf8");

let aggregates: string;
let numbers: string;
let resource: string;

beforeAll(async () => {
  aggregates = path.join(dir, "aggregates.wasm");
  const core = await embeddedModule(
    read(path.join(values, "aggregates.wat")),
    read(path.join(values, "aggregates.wit")),
    "aggregates-guest",
  );
  fs.writeFileSync(aggregates, componentNew(core));
  numbers = path.join(dir, "numbers.wasm");
  const numbersCore = await embeddedModule(
    read(path.join(values, "numbers.wat")),
    read(path.join(values, "numbers.wit")),
    "numbers-guest",
  );
  fs.writeFileSync(numbers, componentNew(numbersCore));
  resource = path.join(dir, "resource.wasm");
  fs.writeFileSync(resource, await tools.parse(read(path.join(runGuests, "resource.wat"))));
});

/** `run --invoke <call> aggregates.wasm`: its stdout, checked to have succeeded. */
function invoke(call: string): string {
  const r = run("run", "--invoke", call, aggregates);
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return r.stdout;
}

describe("run: a command", () => {
  it("reads a preopened file and stdin, sees its arguments and environment, exits with exit-with-code(3)", (ctx) => {
    const skip = skipReason(wasiLibc());
    if (skip) return ctx.skip(skip);
    const build = tempDir();
    clang([...STRICT_FLAGS, "-O1", "-o", "command.core.wasm", path.join(runGuests, "command.c")], build);
    const component = path.join(build, "command.wasm");
    const adapter = path.join(build, "wasi_snapshot_preview1.wasm");
    fs.writeFileSync(adapter, preview1Adapter("command").wasm);
    const wrapped = run(
      "component",
      path.join(build, "command.core.wasm"),
      "--wit",
      path.join(runGuests, "exit.wit"),
      "--features",
      "cli-exit-with-code",
      "--adapt",
      adapter,
      "-o",
      component,
    );
    expect(wrapped.stderr).toBe("");
    expect(wrapped.status).toBe(0);
    const data = tempDir();
    fs.writeFileSync(path.join(data, "input.txt"), "first line\nsecond — ✓\n");
    const r = spawnSync(
      process.execPath,
      [cliBin, "run", "--dir", `${data}::/data`, "--env", "RUN_USER=Ada", component, "--", "one", "two words"],
      { input: "from stdin ✓\nbye\n", encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } },
    );
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(
      "arg 1: one\narg 2: two words\nuser: Ada\nstdin: from stdin ✓\nstdin: bye\nfirst line\nsecond — ✓\n",
    );
    expect(r.status).toBe(3);
    // Without the preopen the guest cannot open the file: `main` returns 1, `run` returns err.
    const closed = run("run", component);
    expect(closed.stderr).toBe("cannot open /data/input.txt\n");
    expect(closed.stdout).toBe("user: (unset)\n");
    expect(closed.status).toBe(1);
  });

  it("refuses a component that is not a command without a function to call", () => {
    const r = run("run", resource);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("error: the component exports no `wasi:cli/run`");
    expect(r.stderr).toContain("`make`, `count`, `reset`");
  });
});

describe("run --invoke: every kind of value, in WAVE both ways", () => {
  it.each([
    ["bool and a result without payloads", "unit(true)", "ok"],
    ["bool, result with an enum error", "check(false)", "err(blue)"],
    [
      "integers, floats, char and bool in a record",
      `echo-scalars({a: 255, b: -32768, c: 4294967295, d: 18446744073709551615, e: 1.5, f: -0.25, g: '🍎', h: true})`,
      `{a: 255, b: -32768, c: 4294967295, d: 18446744073709551615, e: 1.5, f: -0.25, g: '🍎', h: true}`,
    ],
    [
      "strings, options and lists in a record",
      `echo-person({name: "Ada \\"A\\"", age: 36, nick-name: some("ad"), tags: ["x", ""]})`,
      `{name: "Ada \\"A\\"", age: 36, nick-name: some("ad"), tags: ["x", ""]}`,
    ],
    ["tuple", `echo-tuple((7, "seven", 7.5))`, `(7, "seven", 7.5)`],
    ["variant with a payload", `echo-shape(e("hi"))`, `e("hi")`],
    ["variant without a payload", `echo-shape(f)`, `f`],
    ["enum", "echo-color(green)", "green"],
    ["option", "echo-option(some(4))", "some(4)"],
    ["none", "echo-option(none)", "none"],
    ["option of option", "echo-option-option(some(none))", "some(none)"],
    ["result ok", "echo-result(ok(3))", "ok(3)"],
    ["result err", `echo-result(err("no"))`, `err("no")`],
    ["flags", "echo-bits9({c0, c8})", "{c0, c8}"],
    ["no flags", "echo-bits8({})", "{}"],
  ])("%s", (_title, call, printed) => {
    expect(invoke(call)).toBe(`${printed}\n`);
  });

  it("names functions of exported interfaces as wasmtime does", () => {
    expect(invoke("aggregates.echo-color(red)")).toBe("red\n");
    expect(invoke("test:aggregates/aggregates.echo-color(blue)")).toBe("blue\n");
  });

  it("prints nothing for a function without a result", () => {
    expect(run("run", "--invoke", "count()", resource)).toEqual({ status: 0, stdout: "1\n", stderr: "" });
    expect(run("run", "--invoke", "reset()", resource)).toEqual({ status: 0, stdout: "", stderr: "" });
  });

  it("rejects a value of the wrong type: status 2, the column and the type expected", () => {
    const r = run("run", "--invoke", `echo-person({name: "Ada", age: 300, tags: []})`, aggregates);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("error: --invoke: invalid value: expected u8, got `300` at line 1, column 32");
    const s = run("run", "--invoke", `echo-color("red")`, aggregates);
    expect(s.status).toBe(2);
    expect(s.stderr).toContain("expected color");
    expect(s.stderr).toContain("column 12");
  });

  it("rejects an unknown function with the exported ones (status 2)", () => {
    const r = run("run", "--invoke", "nope()", resource);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("error: the component exports no function `nope`; it exports `make`, `count`, `reset`\n");
  });

  it("reports a trap with status 1", () => {
    const r = run("run", "--invoke", "raw-color(7)", aggregates);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^error: `test:aggregates\/aggregates\.raw-color` failed: .*invalid enum discriminant 7/);
  });

  it("refuses resources in the signature", () => {
    const r = run("run", "--invoke", "make()", resource);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("error: cannot call `make`: its result holds the resource `thing`, which run cannot print\n");
  });

  it("reports imports WASI does not provide before running anything", () => {
    const r = run("run", "--invoke", "numbers.echo-u8(1)", numbers);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(
      /^error: the component imports what WASI does not provide here: `test:numbers\/host-numbers`/,
    );
  });
});

describe("run <function> --flags: typed arguments", () => {
  const call = (...args: string[]) => run("run", aggregates, ...args);

  it("reads a record field by field, with an option field left out and a repeated list flag", () => {
    const r = call("echo-person", "--p.name", "Ada Lovelace", "--p.age", "36", "--p.tags", "a", "--p.tags", "b c");
    expect(r).toEqual({ status: 0, stdout: `{name: "Ada Lovelace", age: 36, tags: ["a", "b c"]}\n`, stderr: "" });
    const opt = call("echo-person", "--p.name=x", "--p.age=1", "--p.nick-name", "xx", "--p.tags", "[]");
    expect(opt.stdout).toBe(`{name: "x", age: 1, nick-name: some("xx"), tags: []}\n`);
  });

  it("reads a record whole as WAVE", () => {
    const r = call("echo-person", "--p", `{name: "W", age: 2, tags: ["t"]}`);
    expect(r.stdout).toBe(`{name: "W", age: 2, tags: ["t"]}\n`);
  });

  it("reads numbers, chars and bools by their types", () => {
    const r = call(
      "echo-scalars",
      ...[
        "--r.a",
        "1",
        "--r.b",
        "-2",
        "--r.c",
        "3",
        "--r.d",
        "4",
        "--r.e",
        "0.5",
        "--r.f",
        "nan",
        "--r.g",
        "é",
        "--r.h",
      ],
    );
    expect(r.stdout).toBe(`{a: 1, b: -2, c: 3, d: 4, e: 0.5, f: nan, g: 'é', h: true}\n`);
    expect(call("unit", "--ok", "false").stdout).toBe("err\n");
    expect(call("unit", "--ok").stdout).toBe("ok\n");
  });

  it("reads enums by case name, options as optional flags, variants and flags as WAVE", () => {
    expect(call("echo-color", "--c", "blue").stdout).toBe("blue\n");
    expect(call("echo-option").stdout).toBe("none\n");
    expect(call("echo-option", "--o", "9").stdout).toBe("some(9)\n");
    expect(call("echo-shape", "--s", "a(5)").stdout).toBe("a(5)\n");
    expect(call("echo-bits8", "--f", "{b1, b7}").stdout).toBe("{b1, b7}\n");
    expect(call("echo-tuple", "--t", `(1, "x", 2)`).stdout).toBe(`(1, "x", 2)\n`);
    expect(call("echo-result", "--r", 'err("e")').stdout).toBe(`err("e")\n`);
  });

  it("rejects a value that does not fit: status 2, the flag, the column and the type expected", () => {
    const r = call("echo-person", "--p.name", "A", "--p.age", "old", "--p.tags", "t");
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      "error: invalid value for --p.age: invalid value type: expected u8, got `old` at line 1, column 1\n" +
        "  --p.age old\n" +
        "          ^\n",
    );
    const e = call("echo-color", "--c", "purple");
    expect(e.status).toBe(2);
    expect(e.stderr).toContain("expected color (one of red, green, blue), got `purple`");
    const w = call("echo-shape", "--s", "a(x)");
    expect(w.status).toBe(2);
    expect(w.stderr).toContain("expected u32");
    expect(w.stderr).toContain("column 3");
  });

  it("rejects unknown and missing flags", () => {
    const u = call("echo-color", "--colour", "red");
    expect(u.status).toBe(2);
    expect(u.stderr).toBe("error: unknown option --colour for `echo-color` (its parameters: --c)\n");
    const m = call("echo-person", "--p.name", "A", "--p.tags", "t");
    expect(m.status).toBe(2);
    expect(m.stderr).toBe("error: missing --p.age (u8)\n");
  });
});

describe("run: the host cache", () => {
  it("generates a component's host once and loads it from the cache afterwards", () => {
    const cache = tempDir();
    const env = process.env.WITX_BINDGEN_CACHE_DIR;
    process.env.WITX_BINDGEN_CACHE_DIR = cache;
    try {
      expect(run("run", "--invoke", "count()", resource).stdout).toBe("1\n");
      const files = fs.readdirSync(cache);
      expect(files).toHaveLength(1);
      // A mark in the cached script shows that the next run loads it.
      fs.appendFileSync(path.join(cache, files[0]!), '\nprocess.stderr.write("from the cache\\n");\n');
      expect(run("run", "--invoke", "count()", resource)).toEqual({
        status: 0,
        stdout: "1\n",
        stderr: "from the cache\n",
      });
      expect(fs.readdirSync(cache)).toEqual(files);
    } finally {
      process.env.WITX_BINDGEN_CACHE_DIR = env;
    }
  });
});

describe("run --list", () => {
  it("lists the exported functions with their signatures", () => {
    const r = run("run", resource, "--list");
    expect(r).toEqual({
      status: 0,
      stdout: "make: func() -> thing\ncount: func() -> u32\nreset: func()\n",
      stderr: "",
    });
    const a = run("run", aggregates, "--list");
    expect(a.stdout.split("\n")).toContain("test:aggregates/aggregates.echo-person: func(p: person) -> person");
  });
});
