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
