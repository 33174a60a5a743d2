/**
 * Guest components and checks shared by the composition tests (`plug`,
 * `compose`): components built from WIT and hand-written core modules with
 * our `componentNew` (or wasm-tools'), validated by our validator and
 * wasm-tools', and run in jco's host and in ours.
 */
import { componentNew } from "../../encoding/index.js";
import { ComposeError } from "../../encoding/compose/index.js";
import { readComponent } from "../../encoding/decode/component.js";
import { validateComponent } from "../../encoding/validate-component.js";
import { loadComponentHost } from "./component-host.js";
import { componentize, transpileComponent } from "./jco.js";
import { embeddedModule, tools } from "./wasm-tools.js";

/** The component of `wat` for `world` of `wit`, made by our `componentNew`. */
export async function guest(wat: string, wit: string, world: string): Promise<Uint8Array> {
  return componentNew(await embeddedModule(wat, wit, world));
}

/** The same, made by wasm-tools (`component embed` and `component new`, in jco). */
export async function wasmToolsGuest(wat: string, wit: string, world: string): Promise<Uint8Array> {
  return componentize(await tools.parse(wat), wit, { world });
}

/** Validates `bytes` with our validator and wasm-tools', and returns the WIT wasm-tools prints. */
export async function checked(bytes: Uint8Array): Promise<string> {
  validateComponent(readComponent(bytes));
  return tools.componentWit(bytes);
}

/** Runs `f` on the exports of `bytes` instantiated by jco's host and by ours. */
export async function inBothHosts(
  bytes: Uint8Array,
  imports: (host: "jco" | "ours") => Record<string, unknown>,
  f: (exports: Record<string, any>, host: "jco" | "ours") => void,
): Promise<void> {
  f(await (await transpileComponent(bytes)).instantiate(imports("jco")), "jco");
  f(await (await loadComponentHost(bytes)).instantiate(imports("ours")), "ours");
}

/** How many components the composition instantiates (its own instances, not those inside nested components). */
export async function instantiations(bytes: Uint8Array): Promise<number> {
  return ((await tools.print(bytes)).match(/^  \(instance \(;\d+;\) \(instantiate/gm) ?? []).length;
}

/** The top of a composition's text, before its first nested component: its imports. */
export async function importsWat(bytes: Uint8Array): Promise<string> {
  const lines = (await tools.print(bytes)).split("\n").slice(1);
  const end = lines.findIndex((l) => l.startsWith("  (component"));
  return lines
    .slice(0, end)
    .map((l) => l.slice(2))
    .join("\n");
}

export function composeError(f: () => unknown): ComposeError {
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
export const MATH_WIT = ({ version = "", logType = "s32", addParams = "a: s32, b: s32" } = {}) => `
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
export const iface = (name: string, v = "") => `test:plug/${name}${v}`;

/**
 * run = add(2, 3) + the sum of scale({1, 2}, 10)'s fields = 35; `log` first
 * calls log(1), `draw` adds area({3, 4}).
 */
export const SOCKET = ({ v = "", log = false, draw = false } = {}) => `(module
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
export const MATH_PLUG = ({ v = "", imports = "", body = "" } = {}) => `(module
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
export const LOGGING_PLUG = (v = "") =>
  MATH_PLUG({
    v,
    imports: `(import "${iface("log", v)}" "warn" (func $warn (param i32)))`,
    body: "local.get 0 call $warn",
  });

/** Host functions for test:plug/log (under `name`), recording their calls in `calls`. */
export function hostLog(calls: string[], name = "test:plug/log") {
  return {
    [name]: {
      log: (n: number) => calls.push(`log ${n}`),
      warn: (n: number) => calls.push(`warn ${n}`),
    },
  };
}

/** Exports test:plug/log's functions (doing nothing). */
export const LOG_PLUG = `(module
  (memory (export "memory") 1)
  (func (export "test:plug/log#log") (param i32))
  (func (export "test:plug/log#warn") (param i32)))`;

export const RES_WIT = `
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
export const RES_SOCKET = `(module
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
export const RES_PLUG = `(module
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
export const USER_SOCKET = `(module
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
export const USER_PLUG = `(module
  (import "test:plug/types" "[method]counter.get" (func $get (param i32) (result i32)))
  (import "test:plug/types" "[resource-drop]counter" (func $drop (param i32)))
  (memory (export "memory") 1)
  (func (export "test:plug/user#consume") (param i32) (result i32) (local $r i32)
    local.get 0 call $get i32.const 2 i32.mul local.set $r
    local.get 0 call $drop
    local.get $r))`;

/** USER_SOCKET, and run = add(consume(counter(21)), 100). */
export const USER_MATH_SOCKET = USER_SOCKET.replace(
  "(memory",
  `(import "test:plug/math" "add" (func $add (param i32 i32) (result i32)))
  (memory`,
).replace("local.get $r))", "local.get $r i32.const 100 call $add))");

export const ADD_PLUG = `(module
  (memory (export "memory") 1)
  (func (export "test:plug/math#add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))`;

export const TYPES_PLUG = `(module
  (import "[export]test:plug/types" "[resource-new]counter" (func $new (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "test:plug/types#[constructor]counter") (param i32) (result i32) local.get 0 call $new)
  (func (export "test:plug/types#[method]counter.get") (param i32) (result i32) local.get 0))`;

/** api.twice(c) = add(c.get(), c.get()), dropping the borrowed handle. */
export const API_SOCKET = `(module
  (import "test:plug/types" "[method]counter.get" (func $get (param i32) (result i32)))
  (import "test:plug/types" "[resource-drop]counter" (func $drop (param i32)))
  (import "test:plug/math" "add" (func $add (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "test:plug/api#twice") (param i32) (result i32) (local $r i32)
    local.get 0 call $get local.get 0 call $get call $add local.set $r
    local.get 0 call $drop
    local.get $r))`;

/** run = add(make-counter(21).get(), 100), through a type the world imports at its root. */
export const ROOT_TYPE_SOCKET = `(module
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
export function hostTypes() {
  class Counter {
    constructor(readonly start: number) {}
    get(): number {
      return this.start;
    }
  }
  return { "test:plug/types": { Counter } };
}

/**
 * A world-level `use` of a resource: `runner` imports `t`, then the type
 * `float` bounded by `t`'s; a plug exporting `t` must give it both.
 */
export const FLOAT_WIT = `
package test:f;

interface t {
  resource float {
    get: func() -> u32;
  }
  make: func(n: u32) -> float;
}

world leaf {
  export t;
}

world runner {
  use t.{float};
  export run: func() -> u32;
}

world bare-runner {
  use t.{float};
  export run: func();
}

world middle {
  use t.{float};
  export twice: func(f: borrow<float>) -> u32;
}

world middle-runner {
  use t.{float};
  import twice: func(f: borrow<float>) -> u32;
  export run: func() -> u32;
}
`;

/** twice(f) = 2 * f.get(), through its own imports of `t` and `float`. */
export const FLOAT_MIDDLE = `(module
  (import "test:f/t" "[method]float.get" (func $get (param i32) (result i32)))
  (import "test:f/t" "[resource-drop]float" (func $drop (param i32)))
  (func (export "twice") (param i32) (result i32) (local $r i32)
    local.get 0 call $get i32.const 2 i32.mul local.set $r
    local.get 0 call $drop
    local.get $r))`;

/** run = twice(make(21)): a float of the leaf passed to the middle. */
export const FLOAT_MIDDLE_RUNNER = `(module
  (import "test:f/t" "make" (func $make (param i32) (result i32)))
  (import "test:f/t" "[resource-drop]float" (func $drop (param i32)))
  (import "$root" "twice" (func $twice (param i32) (result i32)))
  (func (export "run") (result i32) (local $f i32) (local $r i32)
    i32.const 21 call $make local.set $f
    local.get $f call $twice local.set $r
    local.get $f call $drop
    local.get $r))`;

/** `make(n)` is the float of rep `n`; its `get` returns the rep. */
export const FLOAT_LEAF = `(module
  (import "[export]test:f/t" "[resource-new]float" (func $new (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "test:f/t#make") (param i32) (result i32) local.get 0 call $new)
  (func (export "test:f/t#[method]float.get") (param i32) (result i32) local.get 0))`;

/** run = make(42).get(), through `t` (the world's `use` also imports the type `float`). */
export const FLOAT_RUNNER = `(module
  (import "test:f/t" "make" (func $make (param i32) (result i32)))
  (import "test:f/t" "[method]float.get" (func $get (param i32) (result i32)))
  (import "test:f/t" "[resource-drop]float" (func $drop (param i32)))
  (func (export "run") (result i32) (local $f i32) (local $r i32)
    i32.const 42 call $make local.set $f
    local.get $f call $get local.set $r
    local.get $f call $drop
    local.get $r))`;
