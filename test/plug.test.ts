/**
 * `plug` (encoding/compose/) and `witx-bindgen plug`: the exports of plug
 * components satisfy the imports of a socket component, as `wac plug` does.
 * The components are built from WIT and hand-written core modules with our
 * `componentNew` (`helpers/compose.ts`); each composition must validate
 * (ours and wasm-tools'), print the expected WIT, and run, in jco's host and
 * in ours.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { encodeComposition, plug, type Composition } from "../encoding/compose/index.js";
import { tempDir } from "./helpers/host.js";
import { repoRoot, run } from "./helpers/cli.js";
import { tools } from "./helpers/wasm-tools.js";
import {
  ADD_PLUG,
  API_SOCKET,
  checked,
  composeError,
  FLOAT_LEAF,
  FLOAT_MIDDLE,
  FLOAT_MIDDLE_RUNNER,
  FLOAT_RUNNER,
  FLOAT_WIT,
  guest,
  hostLog,
  hostTypes,
  importsWat,
  inBothHosts,
  instantiations,
  LOG_PLUG,
  LOGGING_PLUG,
  MATH_PLUG,
  MATH_WIT,
  RES_PLUG,
  RES_SOCKET,
  RES_WIT,
  ROOT_TYPE_SOCKET,
  SOCKET,
  TYPES_PLUG,
  USER_MATH_SOCKET,
  USER_PLUG,
  USER_SOCKET,
  wasmToolsGuest,
} from "./helpers/compose.js";

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

  it("a type the socket imports bounded by a plugged interface's resource is given the plug's type", async () => {
    // The brief's shape: `use t.{float}` in the world, and nothing else from `t`.
    const bare = await guest('(module (func (export "run")))', FLOAT_WIT, "bare-runner");
    const leaf = await guest(FLOAT_LEAF, FLOAT_WIT, "leaf");
    expect(await importsWat(bare)).toContain('(import "float" (type');
    const out = plug(bare, [leaf]);
    expect(await checked(out)).toBe(`package root:component;

world root {
  export run: func();
}
`);
    expect(await importsWat(out)).toBe("");
    expect(await instantiations(out)).toBe(2);
  });

  it("the runner calls a method on a float the plug makes, through the type it imports", async () => {
    const runner = await guest(FLOAT_RUNNER, FLOAT_WIT, "runner");
    const leaf = await guest(FLOAT_LEAF, FLOAT_WIT, "leaf");
    const out = plug(runner, [leaf]);
    expect(await checked(out)).toBe(`package root:component;

world root {
  export run: func() -> u32;
}
`);
    expect(await tools.print(out)).toMatch(/\(alias export \d+ "float" \(type/);
    await inBothHosts(
      out,
      () => ({}),
      (e) => expect(e.run()).toBe(42),
    );
  });

  it("resource_floats' shape, plugged level by level: the middle first, then the leaf", async () => {
    // The middle's `twice` uses its `float`, left open with the runner's; the leaf then gives both.
    const runner = await guest(FLOAT_MIDDLE_RUNNER, FLOAT_WIT, "middle-runner");
    const middle = await guest(FLOAT_MIDDLE, FLOAT_WIT, "middle");
    const leaf = await guest(FLOAT_LEAF, FLOAT_WIT, "leaf");
    const half = plug(runner, [middle]);
    expect(await checked(half)).toBe(`package root:component;

world root {
  import test:f/t;
  use test:f/t.{float};

  export run: func() -> u32;
}
`);
    const out = plug(half, [leaf]);
    expect(await checked(out)).toBe(`package root:component;

world root {
  export run: func() -> u32;
}
`);
    await inBothHosts(
      out,
      () => ({}),
      (e) => expect(e.run()).toBe(42),
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

const bin = path.join(repoRoot, "dist", "cli", "launch.cjs");

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
