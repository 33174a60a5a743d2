/**
 * The async ABI in the transpiled-component host (inline WAT components):
 * callback-lifted exports calling async host imports that answer at once or
 * later, async calls between components that return before waiting, a
 * synchronous caller of an async callee, error contexts, and the generated
 * TypeScript under `strict`.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { strictOptions } from "./helpers/typescript.js";
import { generateComponentHost } from "../generators/ts/component/index.js";
import { loadComponentHost } from "./helpers/component-host.js";
import { tempDir, wat } from "./helpers/host.js";
import { node26, skipReason } from "./helpers/toolchains.js";

/** `run(x)`: calls the async host import `double(x)`, waits for it if it must, and returns its result plus one. */
const DOUBLE = `(component
  (import "double" (func $double async (param "x" u32) (result u32)))
  (core module $Mem (memory (export "mem") 1))
  (core instance $mem (instantiate $Mem))
  (canon lower (func $double) async (memory (core memory $mem "mem")) (core func $double'))
  (canon task.return (result u32) (core func $task.return))
  (canon waitable-set.new (core func $ws.new))
  (canon waitable-set.drop (core func $ws.drop))
  (canon waitable.join (core func $join))
  (canon subtask.drop (core func $subtask.drop))
  (canon context.get i32 0 (core func $ctx.get))
  (canon context.set i32 0 (core func $ctx.set))
  (core module $M
    (import "" "mem" (memory 1))
    (import "" "double" (func $double (param i32 i32) (result i32)))
    (import "" "task.return" (func $task.return (param i32)))
    (import "" "ws.new" (func $ws.new (result i32)))
    (import "" "ws.drop" (func $ws.drop (param i32)))
    (import "" "join" (func $join (param i32 i32)))
    (import "" "subtask.drop" (func $subtask.drop (param i32)))
    (import "" "ctx.get" (func $ctx.get (result i32)))
    (import "" "ctx.set" (func $ctx.set (param i32)))
    (func (export "run") (param $x i32) (result i32)
      (local $r i32)
      (local.set $r (call $double (local.get $x) (i32.const 8)))
      ;; RETURNED at once: the result is already at 8.
      (if (i32.eq (local.get $r) (i32.const 2))
        (then
          (call $task.return (i32.add (i32.load (i32.const 8)) (i32.const 1)))
          (return (i32.const 0))))
      ;; STARTED: wait for the subtask.
      (if (i32.ne (i32.and (local.get $r) (i32.const 0xf)) (i32.const 1)) (then unreachable))
      ;; Each task keeps its waitable set in its context slot.
      (call $ctx.set (call $ws.new))
      (call $join (i32.shr_u (local.get $r) (i32.const 4)) (call $ctx.get))
      (i32.or (i32.const 2) (i32.shl (call $ctx.get) (i32.const 4))))
    (func (export "cb") (param $event i32) (param $handle i32) (param $payload i32) (result i32)
      ;; SUBTASK, RETURNED
      (if (i32.ne (local.get $event) (i32.const 1)) (then unreachable))
      (if (i32.ne (local.get $payload) (i32.const 2)) (then unreachable))
      (call $subtask.drop (local.get $handle))
      (call $ws.drop (call $ctx.get))
      (call $task.return (i32.add (i32.load (i32.const 8)) (i32.const 1)))
      (i32.const 0)))
  (core instance $m (instantiate $M (with "" (instance
    (export "mem" (memory $mem "mem"))
    (export "double" (func $double'))
    (export "task.return" (func $task.return))
    (export "ws.new" (func $ws.new))
    (export "ws.drop" (func $ws.drop))
    (export "join" (func $join))
    (export "subtask.drop" (func $subtask.drop))
    (export "ctx.get" (func $ctx.get))
    (export "ctx.set" (func $ctx.set))))))
  (func (export "run") async (param "x" u32) (result u32)
    (canon lift (core func $m "run") async (callback (core func $m "cb")))))`;

/**
 * Two sibling components: \`$Callee\` lifts \`get\` async (it returns 7 at once,
 * or waits forever when asked to), \`$Caller\` calls it through an async
 * lowering (\`async-get\`) and a synchronous one (\`sync-get\`).
 */
const CALLS = `(component
  (component $Callee
    (canon task.return (result u32) (core func $task.return))
    (canon waitable-set.new (core func $ws.new))
    (core module $M
      (import "" "task.return" (func $task.return (param i32)))
      (import "" "ws.new" (func $ws.new (result i32)))
      (func (export "get") (param $stall i32) (result i32)
        (if (local.get $stall)
          (then (return (i32.or (i32.const 2) (i32.shl (call $ws.new) (i32.const 4))))))
        (call $task.return (i32.const 7))
        (i32.const 0))
      (func (export "cb") (param i32 i32 i32) (result i32) unreachable))
    (core instance $m (instantiate $M (with "" (instance
      (export "task.return" (func $task.return))
      (export "ws.new" (func $ws.new))))))
    (func (export "get") async (param "stall" bool) (result u32)
      (canon lift (core func $m "get") async (callback (core func $m "cb")))))
  (component $Caller
    (import "get" (func $get async (param "stall" bool) (result u32)))
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    (canon lower (func $get) async (memory (core memory $mem "mem")) (core func $async-get))
    (canon lower (func $get) (core func $sync-get))
    (core module $M
      (import "" "mem" (memory 1))
      (import "" "async-get" (func $async-get (param i32 i32) (result i32)))
      (import "" "sync-get" (func $sync-get (param i32) (result i32)))
      (func (export "async-get") (result i32)
        ;; RETURNED (2) with no subtask: the callee returned before waiting.
        (if (i32.ne (call $async-get (i32.const 0) (i32.const 16)) (i32.const 2)) (then unreachable))
        (i32.load (i32.const 16)))
      (func (export "sync-get") (param i32) (result i32) (call $sync-get (local.get 0))))
    (core instance $m (instantiate $M (with "" (instance
      (export "mem" (memory $mem "mem"))
      (export "async-get" (func $async-get))
      (export "sync-get" (func $sync-get))))))
    (func (export "async-get") (result u32) (canon lift (core func $m "async-get")))
    (func (export "sync-get") (param "stall" bool) (result u32) (canon lift (core func $m "sync-get"))))
  (instance $callee (instantiate $Callee))
  (instance $caller (instantiate $Caller (with "get" (func $callee "get"))))
  (export "async-get" (func $caller "async-get"))
  (export "sync-get" (func $caller "sync-get")))`;

/** `make()` returns a new error context whose debug message is "boom"; `message(e)` reads one back. */
const ERRORS = `(component
  (core module $Mem (memory (export "mem") 1) (data (i32.const 0) "boom")
    (global $next (mut i32) (i32.const 64))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $r i32)
      (local.set $r (global.get $next))
      (global.set $next (i32.add (local.get $r) (local.get 3)))
      (local.get $r)))
  (core instance $mem (instantiate $Mem))
  (canon error-context.new (memory (core memory $mem "mem")) (core func $ec.new))
  (canon error-context.debug-message (memory (core memory $mem "mem")) (realloc (core func $mem "realloc")) (core func $ec.message))
  (canon error-context.drop (core func $ec.drop))
  (core module $M
    (import "" "mem" (memory 1))
    (import "" "ec.new" (func $ec.new (param i32 i32) (result i32)))
    (import "" "ec.message" (func $ec.message (param i32 i32)))
    (import "" "ec.drop" (func $ec.drop (param i32)))
    (func (export "make") (result i32) (call $ec.new (i32.const 0) (i32.const 4)))
    ;; The length of the message of the error context passed in, which it drops.
    (func (export "message") (param $e i32) (result i32)
      (call $ec.message (local.get $e) (i32.const 32))
      (call $ec.drop (local.get $e))
      (i32.load (i32.const 36))))
  (core instance $m (instantiate $M (with "" (instance
    (export "mem" (memory $mem "mem"))
    (export "ec.new" (func $ec.new))
    (export "ec.message" (func $ec.message))
    (export "ec.drop" (func $ec.drop))))))
  (func (export "make") (result error-context) (canon lift (core func $m "make")))
  (func (export "message") (param "e" error-context) (result u32) (canon lift (core func $m "message"))))`;

interface DoubleExports {
  run(x: number, options?: { signal?: AbortSignal }): Promise<number>;
}

describe("async components: calls to the host", () => {
  it("a callback-lifted export returns a promise; an async import may answer with a value or a promise", async () => {
    const host = await loadComponentHost(await wat(DOUBLE));
    const seen: unknown[] = [];
    const now = (await host.instantiate({
      double: (x: number, options: { signal: AbortSignal }) => {
        seen.push(options.signal instanceof AbortSignal);
        return x * 2;
      },
    })) as unknown as DoubleExports;
    await expect(now.run(20)).resolves.toBe(41);
    const later = (await host.instantiate({
      double: (x: number) => new Promise<number>((resolve) => setTimeout(() => resolve(x * 2), 5)),
    })) as unknown as DoubleExports;
    await expect(later.run(5)).resolves.toBe(11);
    // Two calls at once: each waits for its own subtask.
    await expect(Promise.all([later.run(1), later.run(2)])).resolves.toEqual([3, 5]);
    expect(seen).toEqual([true]);
  });

  it("an async import that rejects fails the call", async () => {
    const host = await loadComponentHost(await wat(DOUBLE));
    const e = (await host.instantiate({
      double: () => Promise.reject(new Error("no doubling today")),
    })) as unknown as DoubleExports;
    await expect(e.run(1)).rejects.toThrow(/no doubling today/);
  });

  it("types async functions as promises, with an AbortSignal, and type-checks under strict", async () => {
    const files = await generateComponentHost(await wat(DOUBLE), { name: "double", js: false, format: true });
    const source = files.find((f) => f.path === "double.ts")!.contents as string;
    expect(source).toContain("run(x: number, options?: { signal?: AbortSignal }): Promise<number>;");
    expect(source).toContain("double(x: number, options?: { signal: AbortSignal }): number | PromiseLike<number>;");
    const dir = tempDir();
    const file = path.join(dir, "double.ts");
    fs.writeFileSync(file, source);
    const program = ts.createProgram([file], strictOptions);
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, " "));
    expect(diagnostics).toEqual([]);
  });
});

describe("async components: calls between components", () => {
  it("an async call of an async export that returns before waiting is RETURNED at once", async () => {
    const host = await loadComponentHost(await wat(CALLS));
    const e = (await host.instantiate({})) as unknown as { asyncGet(): number; syncGet(stall: boolean): number };
    expect(e.asyncGet()).toBe(7);
    expect(e.syncGet(false)).toBe(7);
  });

  it("a synchronous call of an async export that waits traps, naming JSPI", async () => {
    const host = await loadComponentHost(await wat(CALLS));
    const e = (await host.instantiate({})) as unknown as { syncGet(stall: boolean): number };
    expect(() => e.syncGet(true)).toThrow(/stack switching \(JSPI\)/);
  });
});

describe("async components: error contexts", () => {
  it("an error context reaches the host as an Error with its message, and goes back as itself", async () => {
    const host = await loadComponentHost(await wat(ERRORS));
    const e = (await host.instantiate({})) as unknown as { make(): Error; message(e: Error): number };
    const made = e.make();
    expect(made).toBeInstanceOf(Error);
    expect(made.message).toBe("boom");
    expect(e.message(made)).toBe(4);
    // Any Error can be passed: its message is the debug message.
    expect(e.message(new Error("twelve chars"))).toBe(12);
  });
});

/**
 * `run(x)`: a stackful async export (no callback) that calls the async host
 * import `double(x)` and, when it must wait, blocks in a synchronous
 * `waitable-set.wait` until the subtask returns: that needs stack switching.
 */
const BLOCKING = `(component
  (import "double" (func $double async (param "x" u32) (result u32)))
  (core module $Mem (memory (export "mem") 1))
  (core instance $mem (instantiate $Mem))
  (canon lower (func $double) async (memory (core memory $mem "mem")) (core func $double'))
  (canon task.return (result u32) (core func $task.return))
  (canon waitable-set.new (core func $ws.new))
  (canon waitable-set.wait (memory (core memory $mem "mem")) (core func $ws.wait))
  (canon waitable-set.drop (core func $ws.drop))
  (canon waitable.join (core func $join))
  (canon subtask.drop (core func $subtask.drop))
  (core module $M
    (import "" "mem" (memory 1))
    (import "" "double" (func $double (param i32 i32) (result i32)))
    (import "" "task.return" (func $task.return (param i32)))
    (import "" "ws.new" (func $ws.new (result i32)))
    (import "" "ws.wait" (func $ws.wait (param i32 i32) (result i32)))
    (import "" "ws.drop" (func $ws.drop (param i32)))
    (import "" "join" (func $join (param i32 i32)))
    (import "" "subtask.drop" (func $subtask.drop (param i32)))
    (global $next (mut i32) (i32.const 64))
    (func (export "run") (param $x i32)
      (local $r i32) (local $ws i32) (local $at i32)
      ;; Each call has its own 16 bytes: the result, then the event.
      (local.set $at (global.get $next))
      (global.set $next (i32.add (global.get $next) (i32.const 16)))
      (local.set $r (call $double (local.get $x) (local.get $at)))
      (if (i32.ne (local.get $r) (i32.const 2))
        (then
          (local.set $ws (call $ws.new))
          (call $join (i32.shr_u (local.get $r) (i32.const 4)) (local.get $ws))
          ;; Blocks until the subtask's event: SUBTASK (1), RETURNED (2).
          (loop $wait
            (if (i32.ne (call $ws.wait (local.get $ws) (i32.add (local.get $at) (i32.const 4))) (i32.const 1))
              (then unreachable))
            (br_if $wait (i32.ne (i32.load offset=8 (local.get $at)) (i32.const 2))))
          (call $subtask.drop (i32.shr_u (local.get $r) (i32.const 4)))
          (call $ws.drop (local.get $ws))))
      (call $task.return (i32.add (i32.load (local.get $at)) (i32.const 1)))))
  (core instance $m (instantiate $M (with "" (instance
    (export "mem" (memory $mem "mem"))
    (export "double" (func $double'))
    (export "task.return" (func $task.return))
    (export "ws.new" (func $ws.new))
    (export "ws.wait" (func $ws.wait))
    (export "ws.drop" (func $ws.drop))
    (export "join" (func $join))
    (export "subtask.drop" (func $subtask.drop))))))
  (func (export "run") async (param "x" u32) (result u32)
    (canon lift (core func $m "run") async)))`;

/** `run(x)`: a stackful async export calling the async host import `double` through a synchronous lowering. */
const SYNC_CALL = `(component
  (import "double" (func $double async (param "x" u32) (result u32)))
  (canon lower (func $double) (core func $double'))
  (canon task.return (result u32) (core func $task.return))
  (core module $M
    (import "" "double" (func $double (param i32) (result i32)))
    (import "" "task.return" (func $task.return (param i32)))
    (func (export "run") (param $x i32)
      (call $task.return (i32.add (call $double (local.get $x)) (i32.const 1)))))
  (core instance $m (instantiate $M (with "" (instance
    (export "double" (func $double'))
    (export "task.return" (func $task.return))))))
  (func (export "run") async (param "x" u32) (result u32)
    (canon lift (core func $m "run") async)))`;

describe("async components: blocking needs JSPI", () => {
  it("without JSPI, a synchronous wait or call that would block traps naming JSPI; one that need not wait runs", async () => {
    const host = await loadComponentHost(await wat(BLOCKING));
    const now = (await host.instantiate({ double: (x: number) => x * 2 })) as unknown as DoubleExports;
    await expect(now.run(20)).resolves.toBe(41);
    const later = (await host.instantiate({
      double: (x: number) => new Promise<number>((resolve) => setTimeout(() => resolve(x * 2), 2)),
    })) as unknown as DoubleExports;
    await expect(later.run(1)).rejects.toThrow(/stack switching \(JSPI\)/);
    // A synchronous call of an async host function that answers with a promise, likewise.
    const sync = await loadComponentHost(await wat(SYNC_CALL));
    const value = (await sync.instantiate({ double: (x: number) => x * 2 })) as unknown as DoubleExports;
    await expect(value.run(4)).resolves.toBe(9);
    const promise = (await sync.instantiate({ double: async (x: number) => x * 2 })) as unknown as DoubleExports;
    await expect(promise.run(4)).rejects.toThrow(/stack switching \(JSPI\)/);
  });

  it.skipIf(skipReason(node26()))(
    "with JSPI (Node.js 26), the task blocks in the wait, or in the synchronous call, until the host's promise settles; calls interleave",
    async () => {
      const host = await loadComponentHost(await wat(BLOCKING));
      const syncHost = await loadComponentHost(await wat(SYNC_CALL));
      const script = `
      const { instantiate, liveHandles } = await import(${JSON.stringify(pathToFileURL(path.join(host.dir, "guest.js")).href)});
      const later = (x) => new Promise((resolve) => setTimeout(() => resolve(x * 2), 2));
      const e = await instantiate({ double: later });
      const results = await Promise.all([e.run(1), e.run(2), e.run(3)]);
      const now = await instantiate({ double: (x) => x * 2 });
      const sync = await import(${JSON.stringify(pathToFileURL(path.join(syncHost.dir, "guest.js")).href)});
      const s = await sync.instantiate({ double: later });
      const syncResults = await Promise.all([s.run(4), s.run(5)]);
      console.log(JSON.stringify({ jspi: typeof WebAssembly.Suspending, results, now: await now.run(20), handles: liveHandles(e), syncResults }));
    `;
      const r = spawnSync(node26().command, ["--input-type=module", "-e", script], { encoding: "utf8" });
      expect(r.stderr).toBe("");
      expect(JSON.parse(r.stdout)).toEqual({
        jspi: "function",
        results: [3, 5, 7],
        now: 41,
        handles: 0,
        syncResults: [9, 11],
      });
    },
  );
});

/**
 * Cooperative threads: `run` makes a thread whose start function keeps its
 * argument in its own context slot and records its thread index. Mode 0
 * switches to it at once (`thread.yield-then-resume`), mode 1 lets it run
 * once `run` is done (`thread.resume-later`), mode 2 suspends into it and
 * it resumes its maker back, which needs the thread's own stack (JSPI);
 * mode 3 reads what the threads added.
 */
const THREADS = `(component
  (core module $Table (table (export "t") 1 funcref))
  (core instance $table (instantiate $Table))
  (core module $Memory (memory (export "mem") 1))
  (core instance $memory (instantiate $Memory))
  (core module $M
    (import "" "mem" (memory 1))
    (import "" "t" (table 1 funcref))
    (import "" "thread.new-indirect" (func $new (param i32 i32) (result i32)))
    (import "" "thread.index" (func $index (result i32)))
    (import "" "thread.yield-then-resume" (func $yield-to (param i32) (result i32)))
    (import "" "thread.suspend-then-resume" (func $suspend-to (param i32) (result i32)))
    (import "" "thread.resume-later" (func $resume-later (param i32)))
    (import "" "context.get" (func $get (result i32)))
    (import "" "context.set" (func $set (param i32)))
    (func $start (param $arg i32)
      (call $set (local.get $arg))
      ;; memory[0] += the slot (its own), memory[4] = its index
      (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (call $get)))
      (i32.store (i32.const 4) (call $index))
      ;; a thread made by swap resumes its maker (whose index is at 8) and suspends
      (if (i32.load (i32.const 8)) (then (drop (call $suspend-to (i32.load (i32.const 8)))))))
    (elem (table 0) (i32.const 0) func $start)
    (func (export "run") (param $mode i32) (result i32)
      (local $t i32)
      ;; mode 3: what the last threads added
      (if (i32.eq (local.get $mode) (i32.const 3)) (then (return (i32.load (i32.const 0)))))
      (i32.store (i32.const 0) (i32.const 0))
      (i32.store (i32.const 8) (i32.const 0))
      (call $set (i32.const 1000))
      (local.set $t (call $new (i32.const 0) (i32.const 7)))
      (if (i32.eq (local.get $t) (call $index)) (then unreachable))
      (if (i32.eq (local.get $mode) (i32.const 0)) (then (drop (call $yield-to (local.get $t)))))
      (if (i32.eq (local.get $mode) (i32.const 1)) (then (call $resume-later (local.get $t)) (return (call $get))))
      (if (i32.eq (local.get $mode) (i32.const 2))
        (then (i32.store (i32.const 8) (call $index)) (drop (call $suspend-to (local.get $t)))))
      ;; the thread ran: it added its own slot (7), and had its own index
      (if (i32.ne (i32.load (i32.const 4)) (local.get $t)) (then unreachable))
      (i32.add (call $get) (i32.load (i32.const 0)))))
  (core type $start (func (param i32)))
  (alias core export $table "t" (core table $t))
  (core func $new (canon thread.new-indirect $start (core table $t)))
  (core func $index (canon thread.index))
  (core func $yield-to (canon thread.yield-then-resume))
  (core func $suspend-to (canon thread.suspend-then-resume))
  (core func $resume-later (canon thread.resume-later))
  (core func $get (canon context.get i32 0))
  (core func $set (canon context.set i32 0))
  (core instance $m (instantiate $M (with "" (instance
    (export "mem" (memory $memory "mem"))
    (export "t" (table $t))
    (export "thread.new-indirect" (func $new))
    (export "thread.index" (func $index))
    (export "thread.yield-then-resume" (func $yield-to))
    (export "thread.suspend-then-resume" (func $suspend-to))
    (export "thread.resume-later" (func $resume-later))
    (export "context.get" (func $get))
    (export "context.set" (func $set))))))
  (func (export "run") (param "mode" u32) (result u32) (canon lift (core func $m "run"))))`;

interface ThreadExports {
  run(mode: number): number;
}

describe("async components: threads", () => {
  it("a made thread runs at once (yield-then-resume) or later (resume-later), with its own context and index", async () => {
    const host = await loadComponentHost(await wat(THREADS));
    const e = (await host.instantiate({})) as unknown as ThreadExports;
    expect(e.run(0)).toBe(1007);
    expect(e.run(1)).toBe(1000);
    expect(e.run(3)).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1));
    expect(e.run(3)).toBe(7);
    // Suspending into a thread that resumes its maker needs the thread's own stack.
    expect(() => e.run(2)).toThrow(/thread.suspend-then-resume would suspend the thread.*JSPI/);
  });

  it.skipIf(skipReason(node26()))(
    "with JSPI (Node.js 26), a thread suspends into another that resumes it back",
    async () => {
      const host = await loadComponentHost(await wat(THREADS));
      const script = `
      const { instantiate } = await import(${JSON.stringify(pathToFileURL(path.join(host.dir, "guest.js")).href)});
      const e = await instantiate({});
      console.log(JSON.stringify([e.run(0), e.run(2), e.run(1)]));
    `;
      const r = spawnSync(node26().command, ["--input-type=module", "-e", script], { encoding: "utf8" });
      expect(r.stderr).toBe("");
      expect(JSON.parse(r.stdout)).toEqual([1007, 1007, 1000]);
    },
  );
});

/** `f` sets context slot 0 and returns; its post-return reads the slot and overwrites it; `check` shows what it read. */
const POST_RETURN_CONTEXT = `(component
  (canon context.get i32 0 (core func $context.get))
  (canon context.set i32 0 (core func $context.set))
  (core module $M
    (import "" "context.get" (func $context.get (result i32)))
    (import "" "context.set" (func $context.set (param i32)))
    (global $saved (mut i32) (i32.const 0))
    (func (export "f") (param i32) (result i32)
      (call $context.set (local.get 0))
      (i32.const 7))
    (func (export "f-pr") (param i32)
      (global.set $saved (call $context.get))
      (call $context.set (i32.const 99)))
    (func (export "check") (result i32) (global.get $saved)))
  (core instance $m (instantiate $M (with "" (instance
    (export "context.get" (func $context.get))
    (export "context.set" (func $context.set))))))
  (func (export "f") (param "x" u32) (result u32) (canon lift (core func $m "f") (post-return (core func $m "f-pr"))))
  (func (export "check") (result u32) (canon lift (core func $m "check"))))`;

describe("async components: post-return", () => {
  it("a synchronous export's post-return runs in the call's task, seeing its context slots", async () => {
    const host = await loadComponentHost(await wat(POST_RETURN_CONTEXT));
    const e = (await host.instantiate({})) as unknown as { f(x: number): number; check(): number };
    expect(e.f(42)).toBe(7);
    expect(e.check()).toBe(42);
    // Each call is a new task: its slot starts at zero, not at the 99 the last post-return left.
    expect(e.f(0)).toBe(7);
    expect(e.check()).toBe(0);
  });
});
