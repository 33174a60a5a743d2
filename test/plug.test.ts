/**
 * `plug` (encoding/compose/) and `witx-bindgen plug`: the exports of plug
 * components satisfy the imports of a socket component, as `wac plug` does.
 * The components are built here from WIT and hand-written core modules with
 * our `componentNew`; each composition must validate (ours and wasm-tools'),
 * print the expected WIT, and run, in jco's host and in ours.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { componentNew } from "../encoding/index.js";
import { ComposeError, encodeComposition, plug, type Composition } from "../encoding/compose/index.js";
import { readComponent } from "../encoding/decode/component.js";
import { validateComponent } from "../encoding/validate-component.js";
import { loadComponentHost } from "./helpers/component-host.js";
import { componentize, transpileComponent } from "./helpers/jco.js";
import { tempDir } from "./helpers/host.js";
import { repoRoot, run } from "./helpers/cli.js";
import { embeddedModule, tools } from "./helpers/wasm-tools.js";

/** The component of `wat` for `world` of `wit`, made by our `componentNew`. */
async function guest(wat: string, wit: string, world: string): Promise<Uint8Array> {
  return componentNew(await embeddedModule(wat, wit, world));
}

/** The same, made by wasm-tools (`component embed` and `component new`, in jco). */
async function wasmToolsGuest(wat: string, wit: string, world: string): Promise<Uint8Array> {
  return componentize(await tools.parse(wat), wit, { world });
}

/** Validates `bytes` with our validator and wasm-tools', and returns the WIT wasm-tools prints. */
async function checked(bytes: Uint8Array): Promise<string> {
  validateComponent(readComponent(bytes));
  return tools.componentWit(bytes);
}

/** Runs `f` on the exports of `bytes` instantiated by jco's host and by ours. */
async function inBothHosts(
  bytes: Uint8Array,
  imports: (host: "jco" | "ours") => Record<string, unknown>,
  f: (exports: Record<string, any>, host: "jco" | "ours") => void,
): Promise<void> {
  f(await (await transpileComponent(bytes)).instantiate(imports("jco")), "jco");
  f(await (await loadComponentHost(bytes)).instantiate(imports("ours")), "ours");
}

/** How many components the composition instantiates (its own instances, not those inside nested components). */
async function instantiations(bytes: Uint8Array): Promise<number> {
  return ((await tools.print(bytes)).match(/^  \(instance \(;\d+;\) \(instantiate/gm) ?? []).length;
}

/** The top of a composition's text, before its first nested component: its imports. */
async function importsWat(bytes: Uint8Array): Promise<string> {
  const lines = (await tools.print(bytes)).split("\n").slice(1);
  const end = lines.findIndex((l) => l.startsWith("  (component"));
  return lines
    .slice(0, end)
    .map((l) => l.slice(2))
    .join("\n");
}

function composeError(f: () => unknown): ComposeError {
  try {
    f();
  } catch (e) {
    if (e instanceof ComposeError) return e;
    throw e;
  }
  throw new Error("expected a ComposeError");
}

/**
 * The `test:plug` package at `version` (none by default). `log` takes
 * `logType`; `add` takes `addParams`.
 */
const MATH_WIT = ({ version = "", logType = "s32", addParams = "a: s32, b: s32" } = {}) => `
package test:plug${version && "@" + version};

interface math {
  record point { x: s32, y: s32 }
  add: func(${addParams}) -> s32;
  scale: func(p: point, k: s32) -> point;
}

interface log {
  log: func(n: ${logType});
  warn: func(n: s32);
}

interface shapes {
  record rect { w: s32, h: s32 }
}

interface draw {
  use shapes.{rect};
  area: func(r: rect) -> s32;
}

world socket {
  import math;
  export run: func() -> s32;
}

world socket-logging {
  import math;
  import log;
  export run: func() -> s32;
}

world drawing-socket {
  import math;
  import draw;
  export run: func() -> s32;
}

world math-plug {
  export math;
}

world logging-plug {
  import log;
  export math;
}

world log-plug {
  export log;
}

world calling-plug {
  import run: func() -> s32;
  export math;
}

world function-socket {
  import add: func(a: s32, b: s32) -> s32;
  export run: func() -> s32;
}

world function-plug {
  export add: func(a: s32, b: s32) -> s32;
}
`;

/** `test:plug/<name>` at version `v` ("" or "@x.y.z"), as core modules name it. */
const iface = (name: string, v = "") => `test:plug/${name}${v}`;

/**
 * run = add(2, 3) + the sum of scale({1, 2}, 10)'s fields = 35; `log` first
 * calls log(1), `draw` adds area({3, 4}).
 */
const SOCKET = ({ v = "", log = false, draw = false } = {}) => `(module
  (import "${iface("math", v)}" "add" (func $add (param i32 i32) (result i32)))
  (import "${iface("math", v)}" "scale" (func $scale (param i32 i32 i32 i32)))
  ${log ? `(import "${iface("log", v)}" "log" (func $log (param i32)))` : ""}
  ${draw ? `(import "${iface("draw", v)}" "area" (func $area (param i32 i32) (result i32)))` : ""}
  (memory (export "memory") 1)
  (func (export "run") (result i32)
    ${log ? "i32.const 1 call $log" : ""}
    i32.const 1 i32.const 2 i32.const 10 i32.const 64 call $scale
    i32.const 2 i32.const 3 call $add
    i32.const 64 i32.load i32.const 68 i32.load i32.add
    call $add
    ${draw ? "i32.const 3 i32.const 4 call $area i32.add" : ""}))`;

/** The math plug; `imports` and `body` (run first in `add`) let it call out. */
const MATH_PLUG = ({ v = "", imports = "", body = "" } = {}) => `(module
  ${imports}
  (memory (export "memory") 1)
  (func (export "${iface("math", v)}#add") (param i32 i32) (result i32)
    ${body}
    local.get 0 local.get 1 i32.add)
  (func (export "${iface("math", v)}#scale") (param i32 i32 i32) (result i32)
    i32.const 128 local.get 0 local.get 2 i32.mul i32.store
    i32.const 132 local.get 1 local.get 2 i32.mul i32.store
    i32.const 128))`;

/** The math plug calling `warn` of test:plug/log with `add`'s first argument. */
const LOGGING_PLUG = (v = "") =>
  MATH_PLUG({
    v,
    imports: `(import "${iface("log", v)}" "warn" (func $warn (param i32)))`,
    body: "local.get 0 call $warn",
  });

/** Host functions for test:plug/log (under `name`), recording their calls in `calls`. */
function hostLog(calls: string[], name = "test:plug/log") {
  return {
    [name]: {
      log: (n: number) => calls.push(`log ${n}`),
      warn: (n: number) => calls.push(`warn ${n}`),
    },
  };
}

describe("plug: functions and records", () => {
  it("an export of the plug satisfies the socket's import; the composition runs on its own", async () => {
    const socket = await guest(SOCKET(), MATH_WIT(), "socket");
    const math = await guest(MATH_PLUG(), MATH_WIT(), "math-plug");
    const out = plug(socket, [math]);
    expect(await checked(out)).toBe(`package root:component;

world root {
  export run: func() -> s32;
}
`);
    await inBothHosts(
      out,
      () => ({}),
      (e) => expect(e.run()).toBe(35),
    );
  });

  it("the plug's own imports, and the socket's unplugged ones, are the composition's, merged by name", async () => {
    // The socket uses `log` of test:plug/log, the plug `warn`: one import with both.
    const socket = await guest(SOCKET({ log: true }), MATH_WIT(), "socket-logging");
    const math = await guest(LOGGING_PLUG(), MATH_WIT(), "logging-plug");
    const out = plug(socket, [math]);
    expect(await checked(out)).toBe(`package root:component;

world root {
  import test:plug/log;

  export run: func() -> s32;
}
`);
    expect(await importsWat(out)).toBe(`(type (;0;)
  (instance
    (type (;0;) (func (param "n" s32)))
    (export (;0;) "log" (func (type 0)))
    (export (;1;) "warn" (func (type 0)))
  )
)
(import "test:plug/log" (instance (;0;) (type 0)))`);
    let calls: string[] = [];
    await inBothHosts(
      out,
      () => hostLog((calls = [])),
      (e) => {
        expect(e.run()).toBe(35);
        expect(calls).toEqual(["log 1", "warn 2", "warn 5"]);
      },
    );
  });

  it("a record one import uses from another is aliased from it, as the socket imports it", async () => {
    const socket = await guest(SOCKET({ draw: true }), MATH_WIT(), "drawing-socket");
    const math = await guest(MATH_PLUG(), MATH_WIT(), "math-plug");
    const out = plug(socket, [math]);
    expect(await checked(out)).toBe(`package root:component;

world root {
  import test:plug/shapes;
  import test:plug/draw;

  export run: func() -> s32;
}
`);
    expect(await importsWat(out)).toBe(`(type (;0;)
  (instance
    (type (;0;) (record (field "w" s32) (field "h" s32)))
    (export (;1;) "rect" (type (eq 0)))
  )
)
(import "test:plug/shapes" (instance (;0;) (type 0)))
(alias export 0 "rect" (type (;1;)))
(type (;2;)
  (instance
    (alias outer 1 1 (type (;0;)))
    (export (;1;) "rect" (type (eq 0)))
    (type (;2;) (func (param "r" 1) (result s32)))
    (export (;0;) "area" (func (type 2)))
  )
)
(import "test:plug/draw" (instance (;1;) (type 2)))`);
    const draw = { area: (r: { w: number; h: number }) => r.w * r.h };
    await inBothHosts(
      out,
      () => ({ "test:plug/draw": draw }),
      (e) => expect(e.run()).toBe(47),
    );
  });

  it("functions of the world plug too", async () => {
    const socket = await guest(
      `(module
        (import "$root" "add" (func $add (param i32 i32) (result i32)))
        (func (export "run") (result i32) i32.const 20 i32.const 22 call $add))`,
      MATH_WIT(),
      "function-socket",
    );
    const add = await guest(
      `(module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))`,
      MATH_WIT(),
      "function-plug",
    );
    const out = plug(socket, [add]);
    expect(await checked(out)).toBe(`package root:component;

world root {
  export run: func() -> s32;
}
`);
    await inBothHosts(
      out,
      () => ({}),
      (e) => expect(e.run()).toBe(42),
    );
  });

  it("a plug exporting a semver-compatible version satisfies the import; imports merge under the highest version", async () => {
    // The socket imports math and log at 0.1.0; the plug exports math and imports log at 0.1.1.
    const socket = await guest(SOCKET({ v: "@0.1.0", log: true }), MATH_WIT({ version: "0.1.0" }), "socket-logging");
    const math = await guest(LOGGING_PLUG("@0.1.1"), MATH_WIT({ version: "0.1.1" }), "logging-plug");
    const out = plug(socket, [math]);
    expect(await checked(out)).toBe(`package root:component;

world root {
  import test:plug/log@0.1.1;

  export run: func() -> s32;
}
`);
    let calls: string[] = [];
    await inBothHosts(
      out,
      (host) => hostLog((calls = []), host === "jco" ? "test:plug/log" : "test:plug/log@0.1.1"),
      (e) => {
        expect(e.run()).toBe(35);
        expect(calls).toEqual(["log 1", "warn 2", "warn 5"]);
      },
    );
  });

  it("versions on different tracks do not match", async () => {
    const socket = await guest(SOCKET({ v: "@0.1.0" }), MATH_WIT({ version: "0.1.0" }), "socket");
    const math = await guest(MATH_PLUG({ v: "@0.2.0" }), MATH_WIT({ version: "0.2.0" }), "math-plug");
    expect(composeError(() => plug(socket, [math])).message).toBe(
      "the socket component had no matching imports for the plugs that were provided",
    );
  });

  it("several plugs: each satisfies what it exports, and is instantiated once", async () => {
    const socket = await guest(SOCKET({ log: true }), MATH_WIT(), "socket-logging");
    const math = await guest(MATH_PLUG(), MATH_WIT(), "math-plug");
    const log = await guest(LOG_PLUG, MATH_WIT(), "log-plug");
    const out = plug(socket, [math, log]);
    expect(await checked(out)).toBe(`package root:component;

world root {
  export run: func() -> s32;
}
`);
    expect(await instantiations(out)).toBe(3);
    await inBothHosts(
      out,
      () => ({}),
      (e) => expect(e.run()).toBe(35),
    );
  });

  it("a plug none of whose exports is used is not instantiated", async () => {
    const socket = await guest(SOCKET(), MATH_WIT(), "socket");
    const math = await guest(MATH_PLUG(), MATH_WIT(), "math-plug");
    const log = await guest(LOG_PLUG, MATH_WIT(), "log-plug");
    const out = plug(socket, [math, log]);
    expect(await instantiations(out)).toBe(2);
    expect(await tools.print(out)).not.toContain("test:plug/log");
  });

  it("a plug importing what the socket exports makes no cycle: the import is the composition's", async () => {
    const socket = await guest(SOCKET(), MATH_WIT(), "socket");
    const math = await guest(
      MATH_PLUG({ imports: `(import "$root" "run" (func $run (result i32)))`, body: "call $run drop" }),
      MATH_WIT(),
      "calling-plug",
    );
    const out = plug(socket, [math]);
    expect(await checked(out)).toBe(`package root:component;

world root {
  import run: func() -> s32;

  export run: func() -> s32;
}
`);
    let called = 0;
    await inBothHosts(
      out,
      // jco takes a function import of the world as `default` of its name.
      (host) => (host === "jco" ? { run: { default: () => ++called } } : { run: () => ++called }),
      (e) => expect(e.run()).toBe(35),
    );
    expect(called).toBe(4);
  });
});

/** Exports test:plug/log's functions (doing nothing). */
const LOG_PLUG = `(module
  (memory (export "memory") 1)
  (func (export "test:plug/log#log") (param i32))
  (func (export "test:plug/log#warn") (param i32)))`;

describe("plug: errors", () => {
  it("no export of any plug matches an import", async () => {
    const socket = await guest(SOCKET(), MATH_WIT(), "socket");
    const log = await guest(LOG_PLUG, MATH_WIT(), "log-plug");
    expect(composeError(() => plug(socket, [log])).message).toBe(
      "the socket component had no matching imports for the plugs that were provided",
    );
  });

  it("an export of the import's name but not its type is not used; the error names the import and the difference", async () => {
    const socket = await guest(SOCKET(), MATH_WIT(), "socket");
    const wit = MATH_WIT({ addParams: "a: s32, b: s32, c: s32" });
    const math = await guest(
      MATH_PLUG().replace("(param i32 i32) (result i32)", "(param i32 i32 i32) (result i32)"),
      wit,
      "math-plug",
    );
    expect(composeError(() => plug(socket, [math], { plugNames: ["math.wasm"] })).message).toBe(
      "the socket component had no matching imports for the plugs that were provided\n" +
        "  export `test:plug/math` of plug `math.wasm` does not match import `test:plug/math` of the socket: " +
        "type mismatch in instance export `add`: expected 2 parameters, found 3",
    );
  });

  it("when other exports plug, a mismatching one is reported and its import left to the composition", async () => {
    const socket = await guest(SOCKET({ log: true }), MATH_WIT(), "socket-logging");
    const math = await guest(
      MATH_PLUG().replace("(param i32 i32) (result i32)", "(param i32 i32 i32) (result i32)"),
      MATH_WIT({ addParams: "a: s32, b: s32, c: s32" }),
      "math-plug",
    );
    const log = await guest(LOG_PLUG, MATH_WIT(), "log-plug");
    const warnings: string[] = [];
    const out = plug(socket, [math, log], { warn: (m) => warnings.push(m) });
    expect(warnings).toEqual([
      "export `test:plug/math` of plug 1 does not match import `test:plug/math` of the socket: type mismatch in instance export `add`: expected 2 parameters, found 3; the export is not used",
    ]);
    expect(await checked(out)).toContain("import test:plug/math;");
  });

  it("two plugs exporting what one import needs", async () => {
    const socket = await guest(SOCKET(), MATH_WIT(), "socket");
    const math = await guest(MATH_PLUG(), MATH_WIT(), "math-plug");
    expect(composeError(() => plug(socket, [math, math])).message).toBe(
      "import `test:plug/math` of the socket is satisfied by export `test:plug/math` of plug 1 and again by export `test:plug/math` of plug 2: an argument can be passed to an instantiation only once",
    );
  });

  it("imports of one name with conflicting types", async () => {
    // The socket calls log(s32); the plug imports log with an s64 parameter.
    const socket = await guest(SOCKET({ log: true }), MATH_WIT(), "socket-logging");
    const math = await guest(
      MATH_PLUG({
        imports: `(import "test:plug/log" "log" (func $log (param i64)))`,
        body: "i64.const 1 call $log",
      }),
      MATH_WIT({ logType: "s64" }),
      "logging-plug",
    );
    expect(composeError(() => plug(socket, [math])).message).toBe(
      "failed to merge the type definition for implicit import `test:plug/log` due to conflicting types: the socket imports `test:plug/log` and plug 1 imports `test:plug/log` with different types: type mismatch in instance export `log`: type mismatch in function parameter `n`: expected primitive `s32` found primitive `s64`",
    );
  });

  it("inputs that are not components", async () => {
    const socket = await guest(SOCKET(), MATH_WIT(), "socket");
    const core = await tools.parse("(module)");
    expect(composeError(() => plug(socket, [core])).message).toMatch(/^plug 1 is not a valid component: /);
    expect(composeError(() => plug(core, [socket])).message).toMatch(/^the socket is not a valid component: /);
  });
});

const RES_WIT = `
package test:plug;

interface res {
  resource counter {
    constructor(start: u32);
    get: func() -> u32;
    bump: func(by: u32);
  }
  make: func(n: u32) -> counter;
  total: func(a: borrow<counter>, b: borrow<counter>) -> u32;
}

interface types {
  resource counter {
    constructor(start: u32);
    get: func() -> u32;
  }
}

interface user {
  use types.{counter};
  consume: func(c: borrow<counter>) -> u32;
}

world res-socket {
  import res;
  export run: func() -> u32;
}

world res-plug {
  export res;
}

world user-socket {
  import types;
  import user;
  export run: func() -> u32;
}

world user-plug {
  import types;
  export user;
}

world types-plug {
  export types;
}

world user-math-socket {
  import types;
  import user;
  import math;
  export run: func() -> u32;
}

world math-plug {
  export math;
}

interface math {
  add: func(a: u32, b: u32) -> u32;
}

interface api {
  use types.{counter};
  twice: func(c: borrow<counter>) -> u32;
}

world api-socket {
  import math;
  export api;
}

world root-type-socket {
  use types.{counter};
  import make-counter: func(n: u32) -> counter;
  import math;
  export run: func() -> u32;
}
`;

/** counter(5), bumped by 2; make(3) is a counter of 30; run = total * 100 + get = 3707. */
const RES_SOCKET = `(module
  (import "test:plug/res" "[constructor]counter" (func $new (param i32) (result i32)))
  (import "test:plug/res" "[method]counter.get" (func $get (param i32) (result i32)))
  (import "test:plug/res" "[method]counter.bump" (func $bump (param i32 i32)))
  (import "test:plug/res" "make" (func $make (param i32) (result i32)))
  (import "test:plug/res" "total" (func $total (param i32 i32) (result i32)))
  (import "test:plug/res" "[resource-drop]counter" (func $drop (param i32)))
  (memory (export "memory") 1)
  (func (export "run") (result i32) (local $c i32) (local $m i32) (local $t i32)
    i32.const 5 call $new local.set $c
    local.get $c i32.const 2 call $bump
    i32.const 3 call $make local.set $m
    local.get $c local.get $m call $total local.set $t
    local.get $t i32.const 100 i32.mul local.get $c call $get i32.add
    local.get $c call $drop
    local.get $m call $drop))`;

/** A counter is a cell of the plug's memory. */
const RES_PLUG = `(module
  (import "[export]test:plug/res" "[resource-new]counter" (func $new (param i32) (result i32)))
  (memory (export "memory") 1)
  (global $next (mut i32) (i32.const 16))
  (func $alloc (param $v i32) (result i32) (local $p i32)
    global.get $next local.set $p
    local.get $p local.get $v i32.store
    global.get $next i32.const 4 i32.add global.set $next
    local.get $p)
  (func (export "test:plug/res#[constructor]counter") (param i32) (result i32)
    local.get 0 call $alloc call $new)
  (func (export "test:plug/res#[method]counter.get") (param i32) (result i32)
    local.get 0 i32.load)
  (func (export "test:plug/res#[method]counter.bump") (param i32 i32)
    local.get 0 local.get 0 i32.load local.get 1 i32.add i32.store)
  (func (export "test:plug/res#make") (param i32) (result i32)
    local.get 0 i32.const 10 i32.mul call $alloc call $new)
  (func (export "test:plug/res#total") (param i32 i32) (result i32)
    local.get 0 i32.load local.get 1 i32.load i32.add))`;

/** run = consume(counter(21)), which the plug answers with get() * 2. */
const USER_SOCKET = `(module
  (import "test:plug/types" "[constructor]counter" (func $new (param i32) (result i32)))
  (import "test:plug/types" "[resource-drop]counter" (func $drop (param i32)))
  (import "test:plug/user" "consume" (func $consume (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "run") (result i32) (local $c i32) (local $r i32)
    i32.const 21 call $new local.set $c
    local.get $c call $consume local.set $r
    local.get $c call $drop
    local.get $r))`;

/** consume = get() * 2, dropping the borrowed handle before returning. */
const USER_PLUG = `(module
  (import "test:plug/types" "[method]counter.get" (func $get (param i32) (result i32)))
  (import "test:plug/types" "[resource-drop]counter" (func $drop (param i32)))
  (memory (export "memory") 1)
  (func (export "test:plug/user#consume") (param i32) (result i32) (local $r i32)
    local.get 0 call $get i32.const 2 i32.mul local.set $r
    local.get 0 call $drop
    local.get $r))`;

/** USER_SOCKET, and run = add(consume(counter(21)), 100). */
const USER_MATH_SOCKET = USER_SOCKET.replace(
  "(memory",
  `(import "test:plug/math" "add" (func $add (param i32 i32) (result i32)))
  (memory`,
).replace("local.get $r))", "local.get $r i32.const 100 call $add))");

const ADD_PLUG = `(module
  (memory (export "memory") 1)
  (func (export "test:plug/math#add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))`;

const TYPES_PLUG = `(module
  (import "[export]test:plug/types" "[resource-new]counter" (func $new (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "test:plug/types#[constructor]counter") (param i32) (result i32) local.get 0 call $new)
  (func (export "test:plug/types#[method]counter.get") (param i32) (result i32) local.get 0))`;

/** api.twice(c) = add(c.get(), c.get()), dropping the borrowed handle. */
const API_SOCKET = `(module
  (import "test:plug/types" "[method]counter.get" (func $get (param i32) (result i32)))
  (import "test:plug/types" "[resource-drop]counter" (func $drop (param i32)))
  (import "test:plug/math" "add" (func $add (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "test:plug/api#twice") (param i32) (result i32) (local $r i32)
    local.get 0 call $get local.get 0 call $get call $add local.set $r
    local.get 0 call $drop
    local.get $r))`;

/** run = add(make-counter(21).get(), 100), through a type the world imports at its root. */
const ROOT_TYPE_SOCKET = `(module
  (import "$root" "make-counter" (func $make (param i32) (result i32)))
  (import "test:plug/types" "[method]counter.get" (func $get (param i32) (result i32)))
  (import "test:plug/types" "[resource-drop]counter" (func $drop (param i32)))
  (import "test:plug/math" "add" (func $add (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "run") (result i32) (local $c i32) (local $r i32)
    i32.const 21 call $make local.set $c
    local.get $c call $get i32.const 100 call $add local.set $r
    local.get $c call $drop
    local.get $r))`;

/** The host's counter, for imports of test:plug/types. */
function hostTypes() {
  class Counter {
    constructor(readonly start: number) {}
    get(): number {
      return this.start;
    }
  }
  return { "test:plug/types": { Counter } };
}

describe("plug: resources", () => {
  it("the plug's resource reaches the socket: constructors, methods, own and borrow handles", async () => {
    const socket = await guest(RES_SOCKET, RES_WIT, "res-socket");
    const res = await guest(RES_PLUG, RES_WIT, "res-plug");
    const out = plug(socket, [res]);
    expect(await checked(out)).toBe(`package root:component;

world root {
  export run: func() -> u32;
}
`);
    await inBothHosts(
      out,
      () => ({}),
      (e) => expect(e.run()).toBe(3707),
    );
  });

  it("an import the socket and the plug both leave gives both the same resource", async () => {
    // The plug's `user` uses its own import of `types`; the socket's `user` import uses the
    // socket's: both are the composition's one import of `types`, so the export matches.
    const socket = await guest(USER_SOCKET, RES_WIT, "user-socket");
    const user = await guest(USER_PLUG, RES_WIT, "user-plug");
    const out = plug(socket, [user]);
    expect(await checked(out)).toBe(`package root:component;

world root {
  import test:plug/types;

  export run: func() -> u32;
}
`);
    await inBothHosts(out, hostTypes, (e) => expect(e.run()).toBe(42));
  });

  it("imports that share a resource stay shared: the later one aliases it from the earlier", async () => {
    const socket = await guest(USER_MATH_SOCKET, RES_WIT, "user-math-socket");
    const math = await guest(ADD_PLUG, RES_WIT, "math-plug");
    const out = plug(socket, [math]);
    expect(await checked(out)).toBe(`package root:component;

world root {
  import test:plug/types;
  import test:plug/user;

  export run: func() -> u32;
}
`);
    // As wit-component writes worlds: `user` aliases `counter` from the `types` instance.
    expect(await importsWat(out)).toBe(`(type (;0;)
  (instance
    (export (;0;) "counter" (type (sub resource)))
    (type (;1;) (own 0))
    (type (;2;) (func (param "start" u32) (result 1)))
    (export (;0;) "[constructor]counter" (func (type 2)))
  )
)
(import "test:plug/types" (instance (;0;) (type 0)))
(alias export 0 "counter" (type (;1;)))
(type (;2;)
  (instance
    (alias outer 1 1 (type (;0;)))
    (export (;1;) "counter" (type (eq 0)))
    (type (;2;) (borrow 1))
    (type (;3;) (func (param "c" 2) (result u32)))
    (export (;0;) "consume" (func (type 3)))
  )
)
(import "test:plug/user" (instance (;1;) (type 2)))`);
    await inBothHosts(
      out,
      () => ({
        ...hostTypes(),
        "test:plug/user": { consume: (c: { get(): number }) => c.get() * 2 },
      }),
      (e) => expect(e.run()).toBe(142),
    );
  });

  it("the socket's exports may use the resources of the composition's imports", async () => {
    const socket = await guest(API_SOCKET, RES_WIT, "api-socket");
    const math = await guest(ADD_PLUG, RES_WIT, "math-plug");
    const out = plug(socket, [math]);
    expect(await checked(out)).toBe(`package root:component;

world root {
  import test:plug/types;

  export test:plug/api;
}
`);
    let types = hostTypes();
    await inBothHosts(
      out,
      () => (types = hostTypes()),
      (e) => expect(e.api.twice(new types["test:plug/types"].Counter(8))).toBe(16),
    );
  });

  it("a type the socket imports at its root, and a function using it", async () => {
    const socket = await guest(ROOT_TYPE_SOCKET, RES_WIT, "root-type-socket");
    const math = await guest(ADD_PLUG, RES_WIT, "math-plug");
    const out = plug(socket, [math]);
    expect(await checked(out)).toBe(`package root:component;

world root {
  import test:plug/types;
  use test:plug/types.{counter};
  import make-counter: func(n: u32) -> counter;

  export run: func() -> u32;
}
`);
    expect(await importsWat(out)).toBe(`(type (;0;)
  (instance
    (export (;0;) "counter" (type (sub resource)))
    (type (;1;) (borrow 0))
    (type (;2;) (func (param "self" 1) (result u32)))
    (export (;0;) "[method]counter.get" (func (type 2)))
  )
)
(import "test:plug/types" (instance (;0;) (type 0)))
(alias export 0 "counter" (type (;1;)))
(import "counter" (type (;2;) (eq 1)))
(type (;3;) (own 2))
(type (;4;) (func (param "n" u32) (result 3)))
(import "make-counter" (func (;0;) (type 4)))`);
    await inBothHosts(
      out,
      (host) => {
        const types = hostTypes();
        const make = (n: number) => new types["test:plug/types"].Counter(n);
        return { ...types, ...(host === "jco" ? { "make-counter": { default: make } } : { makeCounter: make }) };
      },
      (e) => expect(e.run()).toBe(121),
    );
  });

  it("an import left to the composition cannot use a resource a plug provides", async () => {
    const socket = await guest(USER_SOCKET, RES_WIT, "user-socket");
    const types = await guest(TYPES_PLUG, RES_WIT, "types-plug");
    expect(composeError(() => plug(socket, [types])).message).toBe(
      "import `test:plug/user` of the socket is left to the composition, but its type uses resource `counter` of export `test:plug/types` of plug 1, which the composition cannot import",
    );
  });
});

describe("plug: other inputs", () => {
  it("components made by wasm-tools", async () => {
    const socket = await wasmToolsGuest(USER_MATH_SOCKET, RES_WIT, "user-math-socket");
    const math = await wasmToolsGuest(ADD_PLUG, RES_WIT, "math-plug");
    const out = plug(socket, [math]);
    expect(await checked(out)).toContain("import test:plug/user;");
    const res = plug(await wasmToolsGuest(RES_SOCKET, RES_WIT, "res-socket"), [
      await wasmToolsGuest(RES_PLUG, RES_WIT, "res-plug"),
    ]);
    await inBothHosts(
      res,
      () => ({}),
      (e) => expect(e.run()).toBe(3707),
    );
  });

  it("a composition is a socket like any other", async () => {
    // First math, then log: the second plug satisfies what the first composition imports.
    const socket = await guest(SOCKET({ log: true }), MATH_WIT(), "socket-logging");
    const math = await guest(LOGGING_PLUG(), MATH_WIT(), "logging-plug");
    const log = await guest(LOG_PLUG, MATH_WIT(), "log-plug");
    const once = plug(socket, [math]);
    const twice = plug(once, [log]);
    expect(await checked(twice)).toBe(`package root:component;

world root {
  export run: func() -> s32;
}
`);
    await inBothHosts(
      twice,
      () => ({}),
      (e) => expect(e.run()).toBe(35),
    );
  });
});

describe("plug: the composition model", () => {
  it("instances that take arguments from each other form a cycle, which cannot be encoded", async () => {
    const math = await guest(MATH_PLUG(), MATH_WIT(), "math-plug");
    const arg = (instance: number) => ({
      name: "test:plug/math",
      arg: { kind: "export" as const, instance, name: "test:plug/math", sort: "instance" as const },
    });
    const composition: Composition = {
      components: [math],
      imports: [],
      instances: [
        { component: 0, label: "plug `a`", args: [arg(1)] },
        { component: 0, label: "plug `b`", args: [arg(0)] },
      ],
      exports: [],
    };
    expect(composeError(() => encodeComposition(composition)).message).toBe(
      "the composition contains a cycle and cannot be encoded: plug `a` → plug `b`",
    );
  });
});

const bin = path.join(repoRoot, "dist", "cli", "launch.js");

describe("witx-bindgen plug", () => {
  async function files() {
    const dir = tempDir();
    const socket = path.join(dir, "socket.wasm");
    const math = path.join(dir, "math.wasm");
    const log = path.join(dir, "log.wasm");
    fs.writeFileSync(socket, await guest(SOCKET({ log: true }), MATH_WIT(), "socket-logging"));
    fs.writeFileSync(math, await guest(MATH_PLUG(), MATH_WIT(), "math-plug"));
    fs.writeFileSync(log, await guest(LOG_PLUG, MATH_WIT(), "log-plug"));
    return { dir, socket, math, log };
  }

  it("writes the composition to -o", async () => {
    const { dir, socket, math, log } = await files();
    const out = path.join(dir, "out.wasm");
    const r = run("plug", socket, "--plug", math, "--plug", log, "-o", out);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(await checked(new Uint8Array(fs.readFileSync(out)))).toContain("export run: func() -> s32;");
  });

  it("writes it to standard output when that is not a terminal", async () => {
    const { socket, math } = await files();
    const r = spawnSync(process.execPath, [bin, "plug", socket, "--plug", math], {
      env: { ...process.env, NO_COLOR: "1" },
    });
    expect(r.stderr.toString()).toBe("");
    expect(r.status).toBe(0);
    expect(await checked(new Uint8Array(r.stdout))).toContain("import test:plug/log;");
  });

  it("refuses to write a binary to a terminal", async () => {
    const { socket, math } = await files();
    // `script` gives the command a terminal for its standard output.
    const command = [process.execPath, bin, "plug", socket, "--plug", math].map((a) => `'${a}'`).join(" ");
    const r = spawnSync("script", ["-qec", command, "/dev/null"], {
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
    });
    if (r.error) return; // no `script` here
    expect(r.stdout).toContain(
      "error: cannot print binary wasm output to a terminal; pass `-o FILE` to write it to a file",
    );
    expect(r.status).toBe(1);
  });

  it("errors and warnings: `error: …` and exit status 1, no stack trace", async () => {
    const { dir, socket, math, log } = await files();
    const out = path.join(dir, "out.wasm");
    const none = run("plug", socket, "--plug", socket, "-o", out);
    expect(none.stderr).toBe("error: the socket component had no matching imports for the plugs that were provided\n");
    expect(none.status).toBe(1);
    expect(fs.existsSync(out)).toBe(false);

    const bad = path.join(dir, "bad-math.wasm");
    fs.writeFileSync(
      bad,
      await guest(
        MATH_PLUG().replace("(param i32 i32) (result i32)", "(param i32 i32 i32) (result i32)"),
        MATH_WIT({ addParams: "a: s32, b: s32, c: s32" }),
        "math-plug",
      ),
    );
    const warned = run("plug", socket, "--plug", bad, "--plug", log, "-o", out);
    expect(warned.stderr).toBe(
      `warning: export \`test:plug/math\` of plug \`${bad}\` does not match import \`test:plug/math\` of socket \`${socket}\`: type mismatch in instance export \`add\`: expected 2 parameters, found 3; the export is not used\n`,
    );
    expect(warned.status).toBe(0);
    expect(await checked(new Uint8Array(fs.readFileSync(out)))).toContain("import test:plug/math;");
    void math;
  });
});
