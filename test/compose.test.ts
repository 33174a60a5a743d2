/**
 * `compose` (encoding/compose/) and `witx-bindgen compose`: instances of
 * components wired as a graph (or a YAML/JSON config) says, as `wac
 * compose` does. The guests are those of the plug tests
 * (`helpers/compose.ts`) and a stateful counter; each composition must
 * validate (ours and wasm-tools'), print the expected WIT, and run, in jco's
 * host and in ours.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { compose, parseComposeConfig, readComposeConfig, type ComposeGraph } from "../encoding/compose/index.js";
import { tempDir } from "./helpers/host.js";
import { repoRoot, run } from "./helpers/cli.js";
import { tools } from "./helpers/wasm-tools.js";
import {
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
  RES_WIT,
  SOCKET,
  TYPES_PLUG,
  USER_PLUG,
  USER_SOCKET,
} from "./helpers/compose.js";

/** A counter whose state is observable: each `next` returns one more. */
const COUNTER_WIT = `
package test:compose;

interface counter {
  next: func() -> u32;
}

world counter-plug {
  export counter;
}

world client {
  import counter;
  export run: func() -> u32;
}

world pair {
  import counter;
  import second: interface {
    next: func() -> u32;
  }
  export run: func() -> u32;
}
`;

const COUNTER = `(module
  (global $n (mut i32) (i32.const 0))
  (func (export "test:compose/counter#next") (result i32)
    global.get $n i32.const 1 i32.add global.set $n
    global.get $n))`;

/** run = next() of its counter. */
const CLIENT = `(module
  (import "test:compose/counter" "next" (func $next (result i32)))
  (func (export "run") (result i32) call $next))`;

/** run = counter.next() * 10 + second.next(). */
const PAIR = `(module
  (import "test:compose/counter" "next" (func $a (result i32)))
  (import "second" "next" (func $b (result i32)))
  (func (export "run") (result i32) call $a i32.const 10 i32.mul call $b i32.add))`;

async function counterGuests() {
  return {
    counter: await guest(COUNTER, COUNTER_WIT, "counter-plug"),
    client: await guest(CLIENT, COUNTER_WIT, "client"),
    pair: await guest(PAIR, COUNTER_WIT, "pair"),
  };
}

/** How many components the composition embeds. */
async function embedded(bytes: Uint8Array): Promise<number> {
  return ((await tools.print(bytes)).match(/^ {2}\(component \(;\d+;\)/gm) ?? []).length;
}

describe("compose: graphs", () => {
  it("three components: explicit arguments and spreads, the log import merged and left to the composition", async () => {
    const graph: ComposeGraph = {
      components: {
        socket: await guest(SOCKET({ log: true }), MATH_WIT(), "socket-logging"),
        math: await guest(LOGGING_PLUG(), MATH_WIT(), "logging-plug"),
        log: await guest(LOG_PLUG, MATH_WIT(), "log-plug"),
      },
      instances: {
        math: "math",
        main: { component: "socket", arguments: { "test:plug/math": "math" } },
      },
      exports: { run: "main" },
    };
    const out = compose(graph);
    expect(await checked(out)).toBe(`package root:component;

world root {
  import test:plug/log;

  export run: func() -> s32;
}
`);
    let calls: string[] = [];
    await inBothHosts(
      out,
      () => hostLog((calls = [])),
      (e) => {
        expect(e.run()).toBe(35);
        expect(calls).toEqual(["log 1", "warn 2", "warn 5"]);
      },
    );

    // The third component satisfies both: nothing is left to import.
    graph.instances = {
      log: "log",
      math: { component: "math", arguments: { "...": "log" } },
      main: { component: "socket", arguments: { math: "math", "...": ["log"] } },
    };
    const closed = compose(graph);
    expect(await checked(closed)).toBe(`package root:component;

world root {
  export run: func() -> s32;
}
`);
    expect(await instantiations(closed)).toBe(3);
    await inBothHosts(
      closed,
      () => ({}),
      (e) => expect(e.run()).toBe(35),
    );
  });

  it("a resource passes from one instance to two others, which share it", async () => {
    // `user` consumes the `types` instance's counters, and so does the socket: plug cannot do this.
    const out = compose({
      components: {
        types: await guest(TYPES_PLUG, RES_WIT, "types-plug"),
        user: await guest(USER_PLUG, RES_WIT, "user-plug"),
        socket: await guest(USER_SOCKET, RES_WIT, "user-socket"),
      },
      instances: {
        types: "types",
        user: { component: "user", arguments: { types: "types" } },
        main: { component: "socket", arguments: { "...": ["types", "user"] } },
      },
      exports: { run: "main.run" },
    });
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

  it("a type import bounded by an interface's resource is given the type of the instance that exports it", async () => {
    // The runner's world `use`s `t.{float}`: it imports `t` and the type `float`, both satisfied by `leaf`.
    const components = {
      leaf: await guest(FLOAT_LEAF, FLOAT_WIT, "leaf"),
      runner: await guest(FLOAT_RUNNER, FLOAT_WIT, "runner"),
    };
    // Given nothing, `float` follows `t`; given explicitly, it names the type `leaf`'s `t` exports.
    const explicit = [
      { t: "leaf", float: "leaf.test:f/t.float" },
      { "...": "leaf", float: { instance: "leaf", export: "t.float" } },
    ];
    for (const args of [{ t: "leaf" }, { "...": "leaf" }, ...explicit]) {
      const out = compose({
        components,
        instances: { leaf: "leaf", main: { component: "runner", arguments: args } },
        exports: { run: "main.run" },
      });
      expect(await checked(out)).toBe(`package root:component;

world root {
  export run: func() -> u32;
}
`);
      expect(await importsWat(out)).toBe("");
      await inBothHosts(
        out,
        () => ({}),
        (e) => expect(e.run()).toBe(42),
      );
    }
  });

  it("resource_floats' shape: the middle's export uses the type it imports, which the runner imports too", async () => {
    // `leaf` gives both the middle and the runner `t` and `float`; the runner passes a float to the middle.
    const components = {
      leaf: await guest(FLOAT_LEAF, FLOAT_WIT, "leaf"),
      middle: await guest(FLOAT_MIDDLE, FLOAT_WIT, "middle"),
      runner: await guest(FLOAT_MIDDLE_RUNNER, FLOAT_WIT, "middle-runner"),
    };
    // As the case's compose.wac wires it, and by names alone.
    for (const args of [{ t: "leaf", float: "leaf.t.float" }, { "...": "leaf" }]) {
      const out = compose({
        components,
        instances: {
          leaf: "leaf",
          middle: { component: "middle", arguments: args },
          main: { component: "runner", arguments: { "...": ["leaf", "middle"] } },
        },
        exports: { run: "main.run" },
      });
      expect(await checked(out)).toBe(`package root:component;

world root {
  export run: func() -> u32;
}
`);
      expect(await importsWat(out)).toBe("");
      await inBothHosts(
        out,
        () => ({}),
        (e) => expect(e.run()).toBe(42),
      );
    }
  });

  it("a type import given the type of an instance the bound's interface does not come from", async () => {
    const components = {
      leaf: await guest(FLOAT_LEAF, FLOAT_WIT, "leaf"),
      runner: await guest(FLOAT_RUNNER, FLOAT_WIT, "runner"),
    };
    const graph = (float: string): ComposeGraph => ({
      components,
      instances: { leaf: "leaf", other: "leaf", main: { component: "runner", arguments: { t: "leaf", float } } },
      exports: { run: "main.run" },
    });
    const e = composeError(() => compose(graph("other.t.float")));
    expect(e.path).toBe("instances.main.arguments.float");
    expect(e.message).toBe(
      "instances.main.arguments.float: export `test:f/t.float` of instance `other` does not match import `float` of instance `main`: resource types are not the same",
    );
    expect(composeError(() => compose(graph("leaf.t.double"))).message).toBe(
      "instances.main.arguments.float: instance `leaf` has no export `t.double` (its exports: `test:f/t`)",
    );
  });

  it("a type import bounded by an interface the composition imports stays the composition's import", async () => {
    const out = compose({
      components: { runner: await guest(FLOAT_RUNNER, FLOAT_WIT, "runner") },
      instances: { main: "runner" },
      exports: { run: "main.run" },
    });
    expect(await checked(out)).toBe(`package root:component;

world root {
  import test:f/t;
  use test:f/t.{float};

  export run: func() -> u32;
}
`);
  });

  it("one component instantiated twice: embedded once, each instance with its own state", async () => {
    const { counter, client } = await counterGuests();
    const out = compose({
      components: { counter, client },
      instances: {
        c1: "counter",
        c2: "counter",
        a: { component: "client", arguments: { "test:compose/counter": "c1" } },
        b: { component: "client", arguments: { counter: { instance: "c2" } } },
      },
      exports: { "run-a": "a.run", "run-b": { instance: "b", export: "run" } },
    });
    expect(await checked(out)).toBe(`package root:component;

world root {
  export run-a: func() -> u32;
  export run-b: func() -> u32;
}
`);
    expect(await embedded(out)).toBe(2);
    expect(await instantiations(out)).toBe(4);
    await inBothHosts(
      out,
      () => ({}),
      (e) => {
        expect([e.runA(), e.runA(), e.runB(), e.runA()]).toEqual([1, 2, 1, 3]);
      },
    );
  });

  it("explicit arguments override what a spread would give", async () => {
    const { counter, client, pair } = await counterGuests();
    const out = compose({
      components: { counter, client, pair },
      instances: {
        c1: "counter",
        c2: "counter",
        // The spread would give c1's counter to both imports; `counter` and `second` say otherwise.
        main: {
          component: "pair",
          arguments: { "...": "c1", "test:compose/counter": "c2", second: "c1.counter" },
        },
        b: { component: "client", arguments: { "...": "c2" } },
      },
      exports: { run: "main", "run-b": "b.run" },
    });
    await inBothHosts(
      out,
      () => ({}),
      // main: c2 * 10 + c1; b shares c2 with main.
      (e) => expect([e.run(), e.runB(), e.run()]).toEqual([11, 2, 32]),
    );
  });

  it("imports given nothing are the composition's, merged: two instances share one", async () => {
    const { client } = await counterGuests();
    const out = compose({
      components: { client },
      instances: { a: "client", b: "client" },
      exports: { "run-a": "a.run", "run-b": "b.run" },
    });
    expect(await checked(out)).toBe(`package root:component;

world root {
  import test:compose/counter;

  export run-a: func() -> u32;
  export run-b: func() -> u32;
}
`);
    let n = 0;
    await inBothHosts(
      out,
      () => ((n = 0), { "test:compose/counter": { next: () => ++n * 100 } }),
      (e) => expect([e.runA(), e.runB(), e.runA()]).toEqual([100, 200, 300]),
    );
  });

  it("an argument from an import of the composition of another name", async () => {
    const { counter, pair } = await counterGuests();
    const out = compose({
      components: { counter, pair },
      instances: {
        c: "counter",
        main: { component: "pair", arguments: { counter: "c", second: { import: "test:compose/counter" } } },
      },
      exports: { run: "main" },
    });
    expect(await checked(out)).toBe(`package root:component;

world root {
  import test:compose/counter;

  export run: func() -> u32;
}
`);
    await inBothHosts(
      out,
      () => ({ "test:compose/counter": { next: () => 7 } }),
      (e) => expect([e.run(), e.run()]).toEqual([17, 27]),
    );
  });

  it("chosen exports: renamed, of several instances, and all of an instance's with `...`", async () => {
    const { counter, client } = await counterGuests();
    const out = compose({
      components: { counter, client },
      instances: { c: "counter", a: { component: "client", arguments: { "...": "c" } } },
      exports: { tick: "a.run", "...": "c" },
    });
    expect(await checked(out)).toBe(`package root:component;

world root {
  export tick: func() -> u32;
  export test:compose/counter;
}
`);
    await inBothHosts(
      out,
      () => ({}),
      (e) => expect([e.tick(), e.counter.next(), e.tick()]).toEqual([1, 2, 3]),
    );
    // Without exports, the composition exports nothing.
    expect(await checked(compose({ components: { counter }, instances: { c: "counter" } }))).toBe(
      `package root:component;

world root {
}
`,
    );
  });

  it("a composition is a component like any other", async () => {
    const { counter, client } = await counterGuests();
    const inner = compose({
      components: { counter, client },
      instances: { c: "counter", a: { component: "client", arguments: { "...": "c" } } },
      exports: { run: "a", "...": "c" },
    });
    const outer = compose({
      components: { inner, client },
      instances: { i: "inner", b: { component: "client", arguments: { "...": "i" } } },
      exports: { run: "i", "run-b": "b.run" },
    });
    await inBothHosts(
      outer,
      () => ({}),
      (e) => expect([e.run(), e.runB(), e.run()]).toEqual([1, 2, 3]),
    );
  });
});

/** The plug tests' guests that the error cases need. */
async function plugGuests() {
  return {
    socketBytes: await guest(SOCKET(), MATH_WIT(), "socket"),
    badMathBytes: await guest(
      MATH_PLUG().replace("(param i32 i32) (result i32)", "(param i32 i32 i32) (result i32)"),
      MATH_WIT({ addParams: "a: s32, b: s32, c: s32" }),
      "math-plug",
    ),
    typesBytes: await guest(TYPES_PLUG, RES_WIT, "types-plug"),
    userSocketBytes: await guest(USER_SOCKET, RES_WIT, "user-socket"),
  };
}

describe("compose: errors", () => {
  async function graph(instances: ComposeGraph["instances"], exports?: ComposeGraph["exports"]): Promise<ComposeGraph> {
    const { counter, client, pair } = await counterGuests();
    return { components: { counter, client, pair }, instances, exports };
  }
  const message = async (instances: ComposeGraph["instances"], exports?: ComposeGraph["exports"]) => {
    const g = await graph(instances, exports);
    return composeError(() => compose(g)).message;
  };

  it("unknown names: components, instances, exports, imports", async () => {
    const cases: [ComposeGraph["instances"], ComposeGraph["exports"], string][] = [
      [
        { a: "nope" },
        undefined,
        "instances.a.component: unknown component `nope` (the components are `counter`, `client`, `pair`)",
      ],
      [
        { a: { component: "client", arguments: { counter: "c" } } },
        undefined,
        "instances.a.arguments.counter: unknown instance `c` (the instances are `a`)",
      ],
      [
        { a: { component: "client", arguments: { "...": ["c"] } } },
        undefined,
        'instances.a.arguments."...": unknown instance `c` (the instances are `a`)',
      ],
      [{ a: "client" }, { run: "b.run" }, "exports.run: unknown instance `b` (the instances are `a`)"],
      [
        { c: "counter", a: { component: "client", arguments: { counter: "c.nope" } } },
        undefined,
        "instances.a.arguments.counter: instance `c` has no export `nope` (its exports: `test:compose/counter`)",
      ],
      [{ a: "client" }, { go: "a" }, "exports.go: instance `a` has no export `go` (its exports: `run`)"],
      [
        { c: "counter", a: { component: "client", arguments: { timer: "c" } } },
        undefined,
        "instances.a.arguments.timer: component `client` has no import `timer` (its imports: `test:compose/counter`)",
      ],
    ];
    for (const [instances, exports, expected] of cases) {
      expect(await message(instances, exports)).toBe(expected);
    }
  });

  it("an argument given twice, by its name and by its interface's", async () => {
    expect(
      await message({
        c: "counter",
        a: { component: "client", arguments: { "test:compose/counter": "c", counter: "c" } },
      }),
    ).toBe(
      "instances.a.arguments.counter: import `test:compose/counter` of component `client` is given an argument twice (also as `test:compose/counter`)",
    );
  });

  it("a spread none of whose exports is named as an import; an export spread that adds nothing", async () => {
    expect(await message({ a: "client", b: { component: "client", arguments: { "...": "a" } } })).toBe(
      'instances.b.arguments."...": instance `a` has no export named as an import of component `client` (its exports: `run`)',
    );
    expect(await message({ a: "client" }, { run: "a", "...": ["a"] })).toBe(
      'exports."...": spreading the exports of instance `a` has no effect: it has no exports, or all are exported already',
    );
  });

  it("an export name used twice", async () => {
    expect(await message({ a: "client", b: "client" }, { run: "a", RUN: "b.run" })).toBe(
      "exports.RUN: export name `RUN` is used twice (also as `run`)",
    );
  });

  it("an argument whose type is not the import's: the import, the export and what differs", async () => {
    const { socketBytes, badMathBytes } = await plugGuests();
    const out = composeError(() =>
      compose({
        components: {
          socket: socketBytes,
          math: badMathBytes,
        },
        instances: { m: "math", main: { component: "socket", arguments: { math: "m" } } },
      }),
    );
    expect(out.message).toBe(
      "instances.main.arguments.math: export `test:plug/math` of instance `m` does not match import `test:plug/math` of instance `main`: type mismatch in instance export `add`: expected 2 parameters, found 3",
    );
    expect(out.path).toBe("instances.main.arguments.math");
  });

  it("instances that take arguments from each other", async () => {
    const { socketBytes } = await plugGuests();
    const { client } = await counterGuests();
    const calling = await guest(
      MATH_PLUG({ imports: `(import "$root" "run" (func $run (result i32)))`, body: "call $run drop" }),
      MATH_WIT(),
      "calling-plug",
    );
    expect(
      composeError(() =>
        compose({
          components: { socket: socketBytes, calling },
          instances: {
            m: { component: "calling", arguments: { run: "main" } },
            main: { component: "socket", arguments: { "...": "m" } },
          },
        }),
      ).message,
    ).toBe("instances: the instances take arguments from each other in a cycle: `m` → `main` → `m`");
    expect(
      composeError(() =>
        compose({
          components: { client },
          instances: { a: { component: "client", arguments: { counter: "a" } } },
        }),
      ).message,
    ).toBe("instances.a.arguments.counter: instance `a` has no export `test:compose/counter` (its exports: `run`)");
  });

  it("imports left to the composition whose types conflict", async () => {
    const math = await guest(
      MATH_PLUG({ imports: `(import "test:plug/log" "log" (func $log (param i64)))`, body: "i64.const 1 call $log" }),
      MATH_WIT({ logType: "s64" }),
      "logging-plug",
    );
    const socket = await guest(SOCKET({ log: true }), MATH_WIT(), "socket-logging");
    expect(
      composeError(() =>
        compose({
          components: { socket, math },
          instances: { m: "math", main: { component: "socket", arguments: { "...": "m" } } },
        }),
      ).message,
    ).toBe(
      "failed to merge the type definition for implicit import `test:plug/log` due to conflicting types: instance `m` imports `test:plug/log` and instance `main` imports `test:plug/log` with different types: type mismatch in instance export `log`: type mismatch in function parameter `n`: expected primitive `s64` found primitive `s32`",
    );
  });

  it("an import left to the composition that uses a resource an instance defines", async () => {
    const { typesBytes, userSocketBytes } = await plugGuests();
    expect(
      composeError(() =>
        compose({
          components: { types: typesBytes, socket: userSocketBytes },
          instances: { t: "types", main: { component: "socket", arguments: { "...": "t" } } },
        }),
      ).message,
    ).toBe(
      "import `test:plug/user` of instance `main` is left to the composition, but its type uses resource `counter` of export `test:plug/types` of instance `t`, which the composition cannot import",
    );
  });

  it("each instance has its own resources: one instance's counters are not another's", async () => {
    const { typesBytes, userSocketBytes } = await plugGuests();
    const user = await guest(USER_PLUG, RES_WIT, "user-plug");
    expect(
      composeError(() =>
        compose({
          components: { types: typesBytes, user, socket: userSocketBytes },
          instances: {
            t1: "types",
            t2: "types",
            u: { component: "user", arguments: { types: "t1" } },
            main: { component: "socket", arguments: { "...": ["t2", "u"] } },
          },
        }),
      ).message,
    ).toBe(
      'instances.main.arguments."...": export `test:plug/user` of instance `u` does not match import `test:plug/user` of instance `main`: type mismatch in instance export `counter`: resource types are not the same',
    );
  });

  it("bytes that are not a component", async () => {
    const core = await tools.parse("(module)");
    expect(composeError(() => compose({ components: { core }, instances: {} })).message).toMatch(
      /^components\.core: component `core` is not a valid component: /,
    );
  });

  it("the shape of the graph", async () => {
    const { client } = await counterGuests();
    const cases: [unknown, string][] = [
      [{ instances: {} }, "components: missing: the components to compose"],
      [{ components: {} }, "instances: missing: the instances of the components"],
      [
        { components: {}, instances: {}, export: {} },
        "unknown key `export` (expected `components`, `instances`, `exports`)",
      ],
      [
        { components: { client: "client.wasm" }, instances: {} },
        "components.client: expected a component's bytes, found string `client.wasm`",
      ],
      [
        { components: { client }, instances: { "a.b": "client" } },
        'instances."a.b": an instance name `a.b` must be non-empty, without dots or spaces',
      ],
      [
        { components: { client }, instances: { a: { component: "client", args: {} } } },
        "instances.a: unknown key `args` (expected `component`, `arguments`)",
      ],
      [
        { components: { client }, instances: { a: { component: "client", arguments: { counter: 3 } } } },
        "instances.a.arguments.counter: expected `instance.export`, `{ instance, export }` or `{ import }`, found number `3`",
      ],
      [
        { components: { client }, instances: { a: "client" }, exports: { run: { import: "run" } } },
        "exports.run: unknown key `import` (expected `instance`, `export`)",
      ],
      [
        { components: { client }, instances: { a: "client" }, exports: ["a"] },
        "exports: expected a mapping of export names to sources, found a list",
      ],
    ];
    for (const [g, expected] of cases) expect(composeError(() => compose(g as ComposeGraph)).message).toBe(expected);
  });
});

/** Writes the counter guests and `config` (named `name`) to a new directory; returns the config's path. */
async function configFiles(name: string, config: string): Promise<string> {
  const dir = tempDir();
  const { counter, client } = await counterGuests();
  fs.mkdirSync(path.join(dir, "wasm"));
  fs.writeFileSync(path.join(dir, "wasm", "counter.wasm"), counter);
  fs.writeFileSync(path.join(dir, "wasm", "client.wasm"), client);
  fs.writeFileSync(path.join(dir, name), config);
  return path.join(dir, name);
}

const YAML_CONFIG = `# two clients, each with its own counter
components:
  counter: wasm/counter.wasm
  client: wasm/client.wasm
instances:
  c1: counter
  c2: counter
  a:
    component: client
    arguments:
      test:compose/counter: c1
  b:
    component: client
    arguments:
      "...": c2
exports:
  run-a: a.run
  run-b: { instance: b, export: run }
`;

describe("compose: config files", () => {
  it("YAML, component paths relative to the config file", async () => {
    const file = await configFiles("compose.yaml", YAML_CONFIG);
    const { graph, componentFiles } = readComposeConfig(file);
    expect(componentFiles).toEqual({ counter: "wasm/counter.wasm", client: "wasm/client.wasm" });
    const out = compose(graph, { componentFiles });
    expect(await checked(out)).toContain("export run-b: func() -> u32;");
    await inBothHosts(
      out,
      () => ({}),
      (e) => expect([e.runA(), e.runA(), e.runB()]).toEqual([1, 2, 1]),
    );
  });

  it("JSON", async () => {
    const json = {
      components: { counter: "wasm/counter.wasm", client: "wasm/client.wasm" },
      instances: { c: "counter", a: { component: "client", arguments: { "...": ["c"] } } },
      exports: { run: "a" },
    };
    const file = await configFiles("compose.json", JSON.stringify(json, null, 2));
    const { graph } = readComposeConfig(file);
    expect(await checked(compose(graph))).toBe(`package root:component;

world root {
  export run: func() -> u32;
}
`);
  });

  it("errors name the file and line, or the key", async () => {
    const read = () => new Uint8Array();
    const parseError = (text: string, name = "c.yaml") =>
      composeError(() => parseComposeConfig(text, name, read)).message;
    expect(parseError('{ "exports": { "run": "a", "run": "b" } }', "c.json")).toBe(
      "c.json:1:28: Map keys must be unique",
    );
    expect(parseError("instances:\n  a: client\n  a: counter\n")).toBe("c.yaml:3:3: Map keys must be unique");
    expect(parseError("components: [a.wasm\n")).toMatch(/^c\.yaml:2:1: /);
    expect(parseError("- a\n- b\n")).toBe("c.yaml: expected a mapping of `components`, `instances` and `exports`");
    expect(parseError("components:\n  a: 3\n")).toBe("components.a: expected the path of a component file");

    const missing = await configFiles("compose.yaml", YAML_CONFIG.replace("wasm/client.wasm", "wasm/nope.wasm"));
    expect(composeError(() => readComposeConfig(missing)).message).toBe(
      "components.client: cannot read `wasm/nope.wasm`: ENOENT",
    );
    const nowhere = path.join(tempDir(), "none.yaml");
    expect(composeError(() => readComposeConfig(nowhere)).message).toBe(`cannot read \`${nowhere}\`: ENOENT`);
  });
});

const bin = path.join(repoRoot, "dist", "cli", "launch.cjs");

describe("witx-bindgen compose", () => {
  it("writes the composition to -o, or to standard output when that is not a terminal", async () => {
    const file = await configFiles("compose.yaml", YAML_CONFIG);
    const out = path.join(path.dirname(file), "out.wasm");
    const r = run("compose", file, "-o", out);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(await checked(new Uint8Array(fs.readFileSync(out)))).toContain("export run-a: func() -> u32;");

    const piped = spawnSync(process.execPath, [bin, "compose", file], { env: { ...process.env, NO_COLOR: "1" } });
    expect(piped.stderr.toString()).toBe("");
    expect(piped.status).toBe(0);
    expect(Buffer.from(piped.stdout).equals(fs.readFileSync(out))).toBe(true);
  });

  it("refuses to write a binary to a terminal", async () => {
    const file = await configFiles("compose.yaml", YAML_CONFIG);
    const command = [process.execPath, bin, "compose", file].map((a) => `'${a}'`).join(" ");
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

  it("errors: `error: …` and exit status 1, no stack trace, no output", async () => {
    const file = await configFiles("compose.yaml", YAML_CONFIG.replace("component: client", "component: klient"));
    const out = path.join(path.dirname(file), "out.wasm");
    const r = run("compose", file, "-o", out);
    expect(r.stderr).toBe(
      "error: instances.a.component: unknown component `klient` (the components are `counter`, `client`)\n",
    );
    expect(r.status).toBe(1);
    expect(fs.existsSync(out)).toBe(false);

    const bad = await configFiles("compose.yaml", YAML_CONFIG.replace("  c1: counter\n", "  c1: [counter\n"));
    const syntax = run("compose", bad, "-o", out);
    expect(syntax.stderr).toMatch(/^error: .*compose\.yaml:\d+:\d+: /);
    expect(syntax.status).toBe(1);

    const usage = run("compose");
    expect(usage.stderr).toContain("Not enough non-option arguments");
    expect(usage.status).toBe(2);
  });
});
