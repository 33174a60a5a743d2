/**
 * The WIT host (`witx-bindgen ts <wit>`) of a world with `async` functions,
 * on a hand-written core guest in wit-bindgen's async naming: async exports
 * lifted with a callback return promises; async imports are JavaScript
 * functions that answer at once or with a promise, and see the guest's
 * cancellation through an `AbortSignal`. Runs on this Node, without JSPI.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { strictOptions } from "./helpers/typescript.js";
import { generateHostSource, loadHost, tempDir, wat } from "./helpers/host.js";
import { node26, skipReason } from "./helpers/toolchains.js";

const WIT = `package test:async-host;

interface backend {
  fetch: async func(x: u32) -> u32;
  name: async func(id: u32) -> string;
}

world guest {
  import backend;
  /// fetch(x) + fetch(x + 1).
  export run: async func(x: u32) -> u32;
  /// "<name(id)>!"
  export greet: async func(id: u32) -> string;
  /// Traps at once.
  export boom: async func();
  /// Waits synchronously on an empty waitable set.
  export stuck: async func();
}`;

/** The guests' memory, bump allocator, and task block (in context slot 0). */
const MEMORY = `(memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 4096))
  (func $alloc (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $r i32)
    (local.set $r (i32.and (i32.add (global.get $heap) (i32.const 7)) (i32.const -8)))
    (global.set $heap (i32.add (local.get $r) (local.get 3)))
    (local.get $r))
  (func $task (result i32) (call $ctx-get))`;

/**
 * Per task: context slot 0 holds a block of 20 bytes: the waitable set, the
 * count of subtasks running, two results, and whether the task was cancelled.
 */
const GUEST = `(module
  (import "test:async-host/backend" "[async-lower]fetch" (func $fetch (param i32 i32) (result i32)))
  (import "test:async-host/backend" "[async-lower]name" (func $name (param i32 i32) (result i32)))
  (import "$root" "[waitable-set-new]" (func $ws-new (result i32)))
  (import "$root" "[waitable-set-drop]" (func $ws-drop (param i32)))
  (import "$root" "[waitable-join]" (func $join (param i32 i32)))
  (import "$root" "[subtask-drop]" (func $sub-drop (param i32)))
  (import "$root" "[context-get-0]" (func $ctx-get (result i32)))
  (import "$root" "[context-set-0]" (func $ctx-set (param i32)))
  (import "$root" "[waitable-set-wait]" (func $ws-wait (param i32 i32) (result i32)))
  (import "[export]$root" "[task-return]run" (func $return-run (param i32)))
  (import "[export]$root" "[task-cancel]" (func $task-cancel))
  (import "[export]$root" "[task-return]greet" (func $return-greet (param i32 i32)))
${MEMORY}
  (func $new-task
    (local $t i32)
    (local.set $t (call $alloc (i32.const 0) (i32.const 0) (i32.const 8) (i32.const 20)))
    (call $ctx-set (local.get $t))
    (i32.store (local.get $t) (call $ws-new))
    (i32.store offset=4 (local.get $t) (i32.const 0))
    (i32.store offset=16 (local.get $t) (i32.const 0)))
  ;; The status of an async call: joined to the task's set unless it returned at once.
  (func $track (param $s i32)
    (if (i32.ne (i32.and (local.get $s) (i32.const 15)) (i32.const 2))
      (then
        (call $join (i32.shr_u (local.get $s) (i32.const 4)) (i32.load (call $task)))
        (i32.store offset=4 (call $task) (i32.add (i32.load offset=4 (call $task)) (i32.const 1))))))
  (func $wait (result i32) (i32.or (i32.const 2) (i32.shl (i32.load (call $task)) (i32.const 4))))
  (func $done (result i32) (call $ws-drop (i32.load (call $task))) (i32.const 0))
  ;; A subtask event: drop it; true when none is left. TASK_CANCELLED: acknowledge,
  ;; then wait for the subtasks still running.
  (func $event (param $code i32) (param $handle i32) (result i32)
    (if (i32.eq (local.get $code) (i32.const 6))
      (then (call $task-cancel) (i32.store offset=16 (call $task) (i32.const 1))))
    (if (i32.eq (local.get $code) (i32.const 1))
      (then
        (call $sub-drop (local.get $handle))
        (i32.store offset=4 (call $task) (i32.sub (i32.load offset=4 (call $task)) (i32.const 1)))))
    (i32.eqz (i32.load offset=4 (call $task))))

  (func $finish-run (result i32)
    (if (i32.eqz (i32.load offset=16 (call $task)))
      (then (call $return-run (i32.add (i32.load offset=8 (call $task)) (i32.load offset=12 (call $task))))))
    (call $done))
  (func (export "[async-lift]run") (param $x i32) (result i32)
    (call $new-task)
    (call $track (call $fetch (local.get $x) (i32.add (call $task) (i32.const 8))))
    (call $track (call $fetch (i32.add (local.get $x) (i32.const 1)) (i32.add (call $task) (i32.const 12))))
    (if (result i32) (i32.eqz (i32.load offset=4 (call $task))) (then (call $finish-run)) (else (call $wait))))
  (func (export "[callback][async-lift]run") (param i32 i32 i32) (result i32)
    (if (result i32) (call $event (local.get 0) (local.get 1)) (then (call $finish-run)) (else (call $wait))))

  ;; greet: the name (a string at offset 8) with "!" appended.
  (func $finish-greet (result i32)
    (local $p i32) (local $n i32) (local $out i32)
    (local.set $p (i32.load offset=8 (call $task)))
    (local.set $n (i32.load offset=12 (call $task)))
    (local.set $out (call $alloc (i32.const 0) (i32.const 0) (i32.const 1) (i32.add (local.get $n) (i32.const 1))))
    (memory.copy (local.get $out) (local.get $p) (local.get $n))
    (i32.store8 (i32.add (local.get $out) (local.get $n)) (i32.const 33))
    (call $return-greet (local.get $out) (i32.add (local.get $n) (i32.const 1)))
    (call $done))
  (func (export "[async-lift]greet") (param $id i32) (result i32)
    (call $new-task)
    (call $track (call $name (local.get $id) (i32.add (call $task) (i32.const 8))))
    (if (result i32) (i32.eqz (i32.load offset=4 (call $task))) (then (call $finish-greet)) (else (call $wait))))
  (func (export "[callback][async-lift]greet") (param i32 i32 i32) (result i32)
    (if (result i32) (call $event (local.get 0) (local.get 1)) (then (call $finish-greet)) (else (call $wait))))
  (func (export "[async-lift]boom") (result i32) unreachable)
  (func (export "[callback][async-lift]boom") (param i32 i32 i32) (result i32) (i32.const 0))
  (func (export "[async-lift]stuck") (result i32) (drop (call $ws-wait (call $ws-new) (i32.const 0))) (i32.const 0))
  (func (export "[callback][async-lift]stuck") (param i32 i32 i32) (result i32) (i32.const 0)))`;

/** The diagnostics of `source` type-checked under `strict`, as "line: message". */
function typeCheck(source: string): string[] {
  const file = path.join(tempDir(), "host.ts");
  fs.writeFileSync(file, source);
  const program = ts.createProgram([file], strictOptions);
  return ts
    .getPreEmitDiagnostics(program)
    .map(
      (d) =>
        `${d.start === undefined ? "" : d.file?.getLineAndCharacterOfPosition(d.start).line}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`,
    );
}

const later = <T>(value: T, ms = 1) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe("the WIT host of an async world", () => {
  it("types async exports as promises and async imports as values or promises, with an AbortSignal", async () => {
    const source = await generateHostSource(WIT);
    expect(source).toContain("run(x: number, options?: { signal?: AbortSignal }): Promise<number>;");
    expect(source).toContain("fetch(x: number, options?: { signal: AbortSignal }): number | PromiseLike<number>;");
    // It type-checks, the embedded runtime included.
    expect(typeCheck(source)).toEqual([]);
  });

  it("an async export returns a promise; its async imports answer at once or later", async () => {
    const host = await loadHost(WIT);
    const module = await wat(GUEST);
    const seen: number[] = [];
    const guest = await host.instantiate(module, {
      "test:async-host/backend": {
        fetch: (x: number) => {
          seen.push(x);
          return x % 2 === 0 ? x * 10 : later(x * 10, 3);
        },
        name: (id: number) => later(`user ${id}`),
      },
    });
    expect(await guest.run(2)).toBe(20 + 30);
    expect(await guest.run(5)).toBe(50 + 60);
    expect(seen).toEqual([2, 3, 5, 6]);
    expect(await guest.greet(7)).toBe("user 7!");
    // Calls interleave.
    expect(await Promise.all([guest.run(1), guest.greet(2), guest.run(3)])).toEqual([30, "user 2!", 70]);
  });

  it("a trap in an async export rejects its call and poisons the instance; a wait that would block names JSPI", async () => {
    const host = await loadHost(WIT);
    const imports = { "test:async-host/backend": { fetch: (x: number) => x, name: () => "x" } };
    const a = await host.instantiate(await wat(GUEST), imports);
    await expect(a.boom()).rejects.toThrow(/unreachable/);
    await expect(a.run(1)).rejects.toThrow(/trapped earlier/);
    const b = await host.instantiate(await wat(GUEST), imports);
    await expect(b.stuck()).rejects.toThrow(/waitable-set.wait would block .*JSPI/);
  });

  it("an AbortSignal cancels a call: the guest acknowledges (task.cancel) and the call rejects", async () => {
    const host = await loadHost(WIT);
    const waiting: (() => void)[] = [];
    const answerAll = async () => {
      for (const answer of waiting.splice(0)) answer();
      await later(undefined, 2);
    };
    const guest = await host.instantiate(await wat(GUEST), {
      "test:async-host/backend": {
        fetch: (x: number) => new Promise<number>((resolve) => waiting.push(() => resolve(x))),
        name: () => "x",
      },
    });
    const controller = new AbortController();
    const call = guest.run(1, { signal: controller.signal });
    await later(undefined, 2);
    controller.abort();
    await expect(call).rejects.toThrow(/cancelled/);
    // The task goes on until its subtasks are done, then exits without returning; the instance stays usable.
    await answerAll();
    const next = guest.run(4);
    await later(undefined, 2);
    await answerAll();
    expect(await next).toBe(9);
  });

  it("a host import that fails rejects the call", async () => {
    const host = await loadHost(WIT);
    const guest = await host.instantiate(await wat(GUEST), {
      "test:async-host/backend": {
        fetch: () => Promise.reject(new Error("backend down")),
        name: () => "x",
      },
    });
    await expect(guest.run(1)).rejects.toThrow(/backend down/);
  });
});

const FUTURES_WIT = `package test:async-futures;

world guest {
  /// Returns a future, then writes x + 1 into it.
  export later: async func(x: u32) -> future<u32>;
  /// Reads the future and returns its value doubled.
  export double: async func(value: future<u32>) -> u32;
  /// Reads the stream to its end, four bytes at most a read; returns the sum of the bytes.
  export sum: async func(bytes: stream<u8>) -> u32;
  /// Returns a stream, then writes n, n - 1, ..., 1 into it.
  export countdown: async func(n: u8) -> stream<u8>;
}`;

/** Per task: context slot 0 holds a block of 16 + 256 bytes: the waitable set, an end, a value, and a buffer. */
const FUTURES_GUEST = `(module
  (import "$root" "[waitable-set-new]" (func $ws-new (result i32)))
  (import "$root" "[waitable-set-drop]" (func $ws-drop (param i32)))
  (import "$root" "[waitable-join]" (func $join (param i32 i32)))
  (import "$root" "[context-get-0]" (func $ctx-get (result i32)))
  (import "$root" "[context-set-0]" (func $ctx-set (param i32)))
  (import "[export]$root" "[task-return]later" (func $return-later (param i32)))
  (import "[export]$root" "[task-return]double" (func $return-double (param i32)))
  (import "[export]$root" "[future-new-0]later" (func $new (result i64)))
  (import "[export]$root" "[async-lower][future-write-0]later" (func $write (param i32 i32) (result i32)))
  (import "[export]$root" "[future-drop-writable-0]later" (func $drop-writable (param i32)))
  (import "[export]$root" "[async-lower][future-read-0]double" (func $read (param i32 i32) (result i32)))
  (import "[export]$root" "[future-drop-readable-0]double" (func $drop-readable (param i32)))
  (import "[export]$root" "[task-return]sum" (func $return-sum (param i32)))
  (import "[export]$root" "[async-lower][stream-read-0]sum" (func $s-read (param i32 i32 i32) (result i32)))
  (import "[export]$root" "[stream-drop-readable-0]sum" (func $s-drop-readable (param i32)))
  (import "[export]$root" "[task-return]countdown" (func $return-countdown (param i32)))
  (import "[export]$root" "[stream-new-0]countdown" (func $s-new (result i64)))
  (import "[export]$root" "[async-lower][stream-write-0]countdown" (func $s-write (param i32 i32 i32) (result i32)))
  (import "[export]$root" "[stream-drop-writable-0]countdown" (func $s-drop-writable (param i32)))
${MEMORY}
  (func $new-task
    (local $t i32)
    (local.set $t (call $alloc (i32.const 0) (i32.const 0) (i32.const 8) (i32.const 272)))
    (call $ctx-set (local.get $t))
    (i32.store (local.get $t) (call $ws-new)))
  (func $wait-on (param $end i32) (result i32)
    (call $join (local.get $end) (i32.load (call $task)))
    (i32.or (i32.const 2) (i32.shl (i32.load (call $task)) (i32.const 4))))
  (func $exit (param $end i32) (result i32)
    (call $join (local.get $end) (i32.const 0))
    (call $ws-drop (i32.load (call $task)))
    (i32.const 0))

  (func (export "[async-lift]later") (param $x i32) (result i32)
    (local $ends i64) (local $w i32)
    (call $new-task)
    (local.set $ends (call $new))
    (local.set $w (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32))))
    (i32.store offset=4 (call $task) (local.get $w))
    (i32.store offset=8 (call $task) (i32.add (local.get $x) (i32.const 1)))
    (call $return-later (i32.wrap_i64 (local.get $ends)))
    (if (result i32) (i32.eq (call $write (local.get $w) (i32.add (call $task) (i32.const 8))) (i32.const -1))
      (then (call $wait-on (local.get $w)))
      (else (call $drop-writable (local.get $w)) (call $ws-drop (i32.load (call $task))) (i32.const 0))))
  (func (export "[callback][async-lift]later") (param i32 i32 i32) (result i32)
    (local $w i32)
    (local.set $w (i32.load offset=4 (call $task)))
    (drop (call $exit (local.get $w)))
    (call $drop-writable (local.get $w))
    (i32.const 0))

  (func $finish-double (result i32)
    (local $r i32)
    (local.set $r (i32.load offset=4 (call $task)))
    (call $return-double (i32.shl (i32.load offset=8 (call $task)) (i32.const 1)))
    (drop (call $exit (local.get $r)))
    (call $drop-readable (local.get $r))
    (i32.const 0))
  (func (export "[async-lift]double") (param $f i32) (result i32)
    (call $new-task)
    (i32.store offset=4 (call $task) (local.get $f))
    (if (result i32) (i32.eq (call $read (local.get $f) (i32.add (call $task) (i32.const 8))) (i32.const -1))
      (then (call $wait-on (local.get $f)))
      (else (call $finish-double))))
  (func (export "[callback][async-lift]double") (param i32 i32 i32) (result i32)
    (call $finish-double))

  ;; sum: reads into the buffer at 16, adds what each read brought.
  (func $pump (result i32)
    (local $r i32)
    (loop $more
      (local.set $r (call $s-read (i32.load offset=4 (call $task)) (i32.add (call $task) (i32.const 16)) (i32.const 4)))
      (if (i32.eq (local.get $r) (i32.const -1))
        (then (return (call $wait-on (i32.load offset=4 (call $task))))))
      (if (call $took (local.get $r)) (then (return (call $finish-sum))))
      (br $more))
    (unreachable))
  ;; Adds the bytes a read result counts; true when the writer is gone.
  (func $took (param $r i32) (result i32)
    (local $i i32)
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $i) (i32.shr_u (local.get $r) (i32.const 4))))
      (i32.store offset=8 (call $task)
        (i32.add (i32.load offset=8 (call $task)) (i32.load8_u offset=16 (i32.add (call $task) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (i32.eq (i32.and (local.get $r) (i32.const 15)) (i32.const 1)))
  (func $finish-sum (result i32)
    (local $r i32)
    (local.set $r (i32.load offset=4 (call $task)))
    (call $return-sum (i32.load offset=8 (call $task)))
    (drop (call $exit (local.get $r)))
    (call $s-drop-readable (local.get $r))
    (i32.const 0))
  (func (export "[async-lift]sum") (param $s i32) (result i32)
    (call $new-task)
    (i32.store offset=4 (call $task) (local.get $s))
    (i32.store offset=8 (call $task) (i32.const 0))
    (call $pump))
  (func (export "[callback][async-lift]sum") (param $code i32) (param $end i32) (param $r i32) (result i32)
    (if (result i32) (call $took (local.get $r)) (then (call $finish-sum)) (else (call $pump))))

  ;; countdown: n, n - 1, ..., 1 in the buffer, written in one go.
  (func $finish-countdown (result i32)
    (local $w i32)
    (local.set $w (i32.load offset=4 (call $task)))
    (drop (call $exit (local.get $w)))
    (call $s-drop-writable (local.get $w))
    (i32.const 0))
  (func (export "[async-lift]countdown") (param $n i32) (result i32)
    (local $ends i64) (local $w i32) (local $i i32)
    (call $new-task)
    (local.set $ends (call $s-new))
    (local.set $w (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32))))
    (i32.store offset=4 (call $task) (local.get $w))
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $i) (local.get $n)))
      (i32.store8 offset=16 (i32.add (call $task) (local.get $i)) (i32.sub (local.get $n) (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (call $return-countdown (i32.wrap_i64 (local.get $ends)))
    (if (result i32)
      (i32.eq (call $s-write (local.get $w) (i32.add (call $task) (i32.const 16)) (local.get $n)) (i32.const -1))
      (then (call $wait-on (local.get $w)))
      (else (call $finish-countdown))))
  (func (export "[callback][async-lift]countdown") (param i32 i32 i32) (result i32)
    (call $finish-countdown)))`;

describe("futures in the WIT host", () => {
  it("a future the guest returns is a promise of what it writes; one the host passes may be a promise or a value", async () => {
    const source = await generateHostSource(FUTURES_WIT);
    expect(source).toContain("later(x: number, options?: { signal?: AbortSignal }): Promise<number>;");
    expect(typeCheck(source)).toEqual([]);
    const host = await loadHost(FUTURES_WIT);
    const guest = await host.instantiate(await wat(FUTURES_GUEST), {});
    // A promise resolved with a promise adopts it: awaiting the call awaits the future too.
    expect(await guest.later(41)).toBe(42);
    expect(await guest.double(Promise.resolve(20))).toBe(40);
    expect(await guest.double(7)).toBe(14);
    expect(await guest.double(later(5, 3))).toBe(10);
    // A future from one call feeds another.
    expect(await guest.double(guest.later(1))).toBe(4);
  });
});

describe("streams in the WIT host", () => {
  it("a stream<u8> the guest returns is a ReadableStream of byte chunks; the host passes a stream or an iterable", async () => {
    const source = await generateHostSource(FUTURES_WIT);
    expect(source).toContain(
      "countdown(n: number, options?: { signal?: AbortSignal }): Promise<ReadableStream<Uint8Array>>;",
    );
    expect(typeCheck(source)).toEqual([]);
    const host = await loadHost(FUTURES_WIT);
    const guest = await host.instantiate(await wat(FUTURES_GUEST), {});
    const stream: ReadableStream<Uint8Array> = await guest.countdown(5);
    const chunks: number[] = [];
    for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) chunks.push(...chunk);
    expect(chunks).toEqual([5, 4, 3, 2, 1]);
    // Read four bytes at a time, to the end: from an array of chunks, a web stream, an async generator.
    expect(await guest.sum([new Uint8Array([1, 2, 3]), new Uint8Array([4, 5, 6, 7, 8, 9])])).toBe(45);
    expect(await guest.sum(new Blob([new Uint8Array(1000).fill(1)]).stream())).toBe(1000);
    async function* slow() {
      for (let i = 0; i < 5; i++) {
        await later(undefined, 1);
        yield new Uint8Array([i, i]);
      }
    }
    expect(await guest.sum(slow())).toBe(20);
    // A stream from one call feeds another.
    expect(await guest.sum(await guest.countdown(10))).toBe(55);
  });
});

const ERRORS_WIT = `package test:errors;

world guest {
  /// The host looks at an error context the guest made.
  import check: func(e: error-context) -> u32;
  /// An error context with the message: the error of the result.
  export fail: func(message: string) -> result<u32, error-context>;
  /// The debug message of an error context the host passes.
  export describe: func(e: error-context) -> string;
  /// Makes an error context with the message, passes it to \`check\`, returns what it says.
  export relay: func(message: string) -> u32;
}`;

/** Sync functions passing error contexts both ways; the guest drops every handle it gets or makes. */
const ERRORS_GUEST = `(module
  (import "$root" "check" (func $check (param i32) (result i32)))
  (import "$root" "[error-context-new-utf8]" (func $ec-new (param i32 i32) (result i32)))
  (import "$root" "[error-context-debug-message-utf8]" (func $ec-message (param i32 i32)))
  (import "$root" "[error-context-drop]" (func $ec-drop (param i32)))
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 4096))
  (func $alloc (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $r i32)
    (local.set $r (i32.and (i32.add (global.get $heap) (i32.const 7)) (i32.const -8)))
    (global.set $heap (i32.add (local.get $r) (local.get 3)))
    (local.get $r))
  (func (export "fail") (param $p i32) (param $n i32) (result i32)
    (i32.store (i32.const 16) (i32.const 1))
    (i32.store (i32.const 20) (call $ec-new (local.get $p) (local.get $n)))
    (i32.const 16))
  ;; The error context is the guest's until it drops it, after the host has taken the result.
  (func (export "cabi_post_fail") (param $ret i32)
    (call $ec-drop (i32.load offset=4 (local.get $ret))))
  (func (export "describe") (param $e i32) (result i32)
    (call $ec-message (local.get $e) (i32.const 32))
    (call $ec-drop (local.get $e))
    (i32.const 32))
  (func (export "relay") (param $p i32) (param $n i32) (result i32)
    (local $e i32) (local $r i32)
    (local.set $e (call $ec-new (local.get $p) (local.get $n)))
    (local.set $r (call $check (local.get $e)))
    (call $ec-drop (local.get $e))
    (local.get $r)))`;

describe("error contexts in the WIT host", () => {
  it("an error context is an Error both ways; the guest's handles are its own to drop", async () => {
    const source = await generateHostSource(ERRORS_WIT);
    expect(source).toContain("fail(message: string): number;");
    expect(source).toContain("describe(e: Error): string;");
    expect(typeCheck(source)).toEqual([]);
    const host = await loadHost(ERRORS_WIT);
    const seen: Error[] = [];
    const guest = await host.instantiate(await wat(ERRORS_GUEST), {
      check: (e: Error) => {
        seen.push(e);
        return e.message.length;
      },
    });
    // The error of a result is thrown as ComponentError, its payload the error context.
    const thrown = (() => {
      try {
        guest.fail("disk full");
      } catch (e) {
        return e;
      }
    })() as InstanceType<typeof host.ComponentError>;
    expect(thrown).toBeInstanceOf(host.ComponentError);
    expect(thrown.payload).toBeInstanceOf(Error);
    expect((thrown.payload as Error).name).toBe("ErrorContext");
    expect((thrown.payload as Error).message).toBe("disk full");
    // Any Error may be given; an error context the guest made goes back as it is.
    expect(guest.describe(new TypeError("bad input"))).toBe("bad input");
    expect(guest.describe(thrown.payload)).toBe("disk full");
    expect(guest.relay("héllo")).toBe(5);
    expect(seen.map((e) => [e.name, e.message])).toEqual([["ErrorContext", "héllo"]]);
    expect(() => guest.describe("not an error")).toThrow(TypeError);
    expect(host.liveHandles(guest)).toBe(0);
  });
});

const RESOURCES_WIT = `package test:async-res;

interface host {
  resource source {
    open: static func(start: u32) -> source;
    /// The next number, now or later.
    next: async func() -> u32;
  }
}

interface api {
  use host.{source};
  resource counter {
    constructor(start: u32);
    /// Adds the source's next number to the count; returns the count.
    add: async func(src: borrow<source>) -> u32;
    /// The count, once the counter is done with its calls.
    total: static async func(c: borrow<counter>) -> u32;
  }
}

world guest {
  import host;
  export api;
}`;

/** A counter (its rep is its address: 4 bytes of count) adding numbers from the host's async method. */
const RESOURCES_GUEST = `(module
  (import "test:async-res/host" "[async-lower][method]source.next" (func $next (param i32 i32) (result i32)))
  (import "test:async-res/host" "[resource-drop]source" (func $source-drop (param i32)))
  (import "[export]test:async-res/api" "[resource-new]counter" (func $counter-new (param i32) (result i32)))
  (import "[export]test:async-res/api" "[task-return][method]counter.add" (func $return-add (param i32)))
  (import "[export]test:async-res/api" "[task-return][static]counter.total" (func $return-total (param i32)))
  (import "$root" "[waitable-set-new]" (func $ws-new (result i32)))
  (import "$root" "[waitable-set-drop]" (func $ws-drop (param i32)))
  (import "$root" "[waitable-join]" (func $join (param i32 i32)))
  (import "$root" "[subtask-drop]" (func $subtask-drop (param i32)))
  (import "$root" "[context-get-0]" (func $ctx-get (result i32)))
  (import "$root" "[context-set-0]" (func $ctx-set (param i32)))
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 4096))
  (func $alloc (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $r i32)
    (local.set $r (i32.and (i32.add (global.get $heap) (i32.const 7)) (i32.const -8)))
    (global.set $heap (i32.add (local.get $r) (local.get 3)))
    (local.get $r))
  (func (export "test:async-res/api#[constructor]counter") (param $start i32) (result i32)
    (local $rep i32)
    (local.set $rep (call $alloc (i32.const 0) (i32.const 0) (i32.const 4) (i32.const 4)))
    (i32.store (local.get $rep) (local.get $start))
    (call $counter-new (local.get $rep)))
  (func (export "test:async-res/api#[dtor]counter") (param i32))
  ;; Per task (context slot 0): the counter's rep, the waitable set, the result area, the borrowed source.
  (func (export "[async-lift]test:async-res/api#[method]counter.add") (param $self i32) (param $src i32) (result i32)
    (local $t i32) (local $r i32)
    (local.set $t (call $alloc (i32.const 0) (i32.const 0) (i32.const 4) (i32.const 16)))
    (call $ctx-set (local.get $t))
    (i32.store (local.get $t) (local.get $self))
    (i32.store offset=12 (local.get $t) (local.get $src))
    (local.set $r (call $next (local.get $src) (i32.add (local.get $t) (i32.const 8))))
    (if (i32.eq (local.get $r) (i32.const 2)) (then (return (call $finish-add))))
    (i32.store offset=4 (local.get $t) (call $ws-new))
    (call $join (i32.shr_u (local.get $r) (i32.const 4)) (i32.load offset=4 (local.get $t)))
    (i32.or (i32.const 2) (i32.shl (i32.load offset=4 (local.get $t)) (i32.const 4))))
  (func (export "[callback][async-lift]test:async-res/api#[method]counter.add") (param $e i32) (param $h i32) (param $p i32) (result i32)
    (call $subtask-drop (local.get $h))
    (call $ws-drop (i32.load offset=4 (call $ctx-get)))
    (call $finish-add))
  (func $finish-add (result i32)
    (local $t i32) (local $c i32)
    (local.set $t (call $ctx-get))
    (local.set $c (i32.load (local.get $t)))
    (i32.store (local.get $c) (i32.add (i32.load (local.get $c)) (i32.load offset=8 (local.get $t))))
    ;; A borrow is dropped before the task returns.
    (call $source-drop (i32.load offset=12 (local.get $t)))
    (call $return-add (i32.load (local.get $c)))
    (i32.const 0))
  (func (export "[async-lift]test:async-res/api#[static]counter.total") (param $c i32) (result i32)
    (call $return-total (i32.load (local.get $c)))
    (i32.const 0))
  (func (export "[callback][async-lift]test:async-res/api#[static]counter.total") (param i32 i32 i32) (result i32)
    unreachable))`;

describe("async functions of resources in the WIT host", () => {
  it("an exported resource's async methods return promises; an imported one's may answer later", async () => {
    const source = await generateHostSource(RESOURCES_WIT);
    expect(source).toContain("add(src: TestAsyncResApi.Source, options?: { signal?: AbortSignal }): Promise<number>;");
    expect(source).toContain("total(c: TestAsyncResApi.Counter, options?: { signal?: AbortSignal }): Promise<number>;");
    expect(source).toContain("next(options?: { signal: AbortSignal }): number | PromiseLike<number>;");
    expect(typeCheck(source)).toEqual([]);
    const host = await loadHost(RESOURCES_WIT);
    class Source {
      constructor(private n: number) {}
      static open(start: number) {
        return new Source(start);
      }
      next() {
        this.n += 1;
        return this.n % 2 === 0 ? this.n : later(this.n, 2);
      }
    }
    const guest = await host.instantiate(await wat(RESOURCES_GUEST), { "test:async-res/host": { Source } });
    const { Counter } = guest.api;
    const counter = new Counter(100);
    const src = new Source(0);
    expect(await counter.add(src)).toBe(101); // 1, answered later
    expect(await counter.add(src)).toBe(103); // 2, answered at once
    expect(await Counter.total(counter)).toBe(103);
    counter[Symbol.dispose]();
    expect(host.liveHandles(guest)).toBe(0);
  });
});

const BLOCKING_WIT = `package test:blocking;

world guest {
  import double: async func(x: u32) -> u32;
  /// double(x) + 1, waiting for it synchronously (in the export's first turn) when it does not answer at once.
  export run: async func(x: u32) -> u32;
}`;

const BLOCKING_GUEST = `(module
  (import "$root" "[async-lower]double" (func $double (param i32 i32) (result i32)))
  (import "$root" "[waitable-set-new]" (func $ws-new (result i32)))
  (import "$root" "[waitable-set-drop]" (func $ws-drop (param i32)))
  (import "$root" "[waitable-set-wait]" (func $ws-wait (param i32 i32) (result i32)))
  (import "$root" "[waitable-join]" (func $join (param i32 i32)))
  (import "$root" "[subtask-drop]" (func $subtask-drop (param i32)))
  (import "[export]$root" "[task-return]run" (func $return-run (param i32)))
  (memory (export "memory") 1)
  (global $next (mut i32) (i32.const 64))
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) unreachable)
  (func (export "[async-lift]run") (param $x i32) (result i32)
    (local $r i32) (local $ws i32) (local $at i32)
    (local.set $at (global.get $next))
    (global.set $next (i32.add (global.get $next) (i32.const 16)))
    (local.set $r (call $double (local.get $x) (local.get $at)))
    (if (i32.ne (local.get $r) (i32.const 2))
      (then
        (local.set $ws (call $ws-new))
        (call $join (i32.shr_u (local.get $r) (i32.const 4)) (local.get $ws))
        (loop $wait
          (if (i32.ne (call $ws-wait (local.get $ws) (i32.add (local.get $at) (i32.const 4))) (i32.const 1))
            (then unreachable))
          (br_if $wait (i32.ne (i32.load offset=8 (local.get $at)) (i32.const 2))))
        (call $subtask-drop (i32.shr_u (local.get $r) (i32.const 4)))
        (call $ws-drop (local.get $ws))))
    (call $return-run (i32.add (i32.load (local.get $at)) (i32.const 1)))
    (i32.const 0))
  (func (export "[callback][async-lift]run") (param i32 i32 i32) (result i32) unreachable))`;

/** The same guest with `run` lifted stackful: no callback, its code waits in the synchronous wait. */
const STACKFUL_GUEST = BLOCKING_GUEST.replace(
  `(func (export "[async-lift]run") (param $x i32) (result i32)`,
  `(func (export "[async-lift-stackful]run") (param $x i32)`,
)
  .replace(
    `(call $return-run (i32.add (i32.load (local.get $at)) (i32.const 1)))
    (i32.const 0))`,
    `(call $return-run (i32.add (i32.load (local.get $at)) (i32.const 1))))`,
  )
  .replace(
    `
  (func (export "[callback][async-lift]run") (param i32 i32 i32) (result i32) unreachable)`,
    "",
  );

describe.each([
  { lifted: "with a callback", GUEST: BLOCKING_GUEST },
  { lifted: "stackful", GUEST: STACKFUL_GUEST },
])("blocking in the WIT host: an export lifted $lifted", ({ lifted, GUEST }) => {
  it("a synchronous wait that must wait traps naming JSPI without it, and blocks with it (Node.js 26)", async () => {
    expect(GUEST.includes("[callback][async-lift]run")).toBe(lifted !== "stackful");
    expect(GUEST.includes("(i32.const 0))")).toBe(lifted !== "stackful");
    const host = await loadHost(BLOCKING_WIT);
    const guest = await wat(GUEST);
    const now = await host.instantiate(guest, { double: (x: number) => x * 2 });
    expect(await now.run(20)).toBe(41);
    const later = await host.instantiate(guest, { double: (x: number) => later$(x * 2) });
    await expect(later.run(1)).rejects.toThrow(/stack switching \(JSPI\)/);
    if (skipReason(node26())) return;
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "guest.wasm"), guest);
    const source = await generateHostSource(BLOCKING_WIT);
    const js = ts.transpileModule(source, {
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
    }).outputText;
    fs.writeFileSync(path.join(dir, "host.mjs"), js);
    const script = `
      import { readFileSync } from "node:fs";
      const { instantiate, liveHandles } = await import(${JSON.stringify(pathToFileURL(path.join(dir, "host.mjs")).href)});
      const g = await instantiate(readFileSync(${JSON.stringify(path.join(dir, "guest.wasm"))}), {
        double: (x) => new Promise((resolve) => setTimeout(() => resolve(x * 2), 2)),
      });
      const results = await Promise.all([g.run(1), g.run(2), g.run(3)]);
      console.log(JSON.stringify({ results, handles: liveHandles(g) }));
    `;
    const r = spawnSync(node26().command, ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual({ results: [3, 5, 7], handles: 0 });
  });
});

const later$ = <T>(value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), 2));

const RESOURCE_FUTURE_WIT = `package test:fut-res;

interface host {
  resource blob {
    constructor(size: u32);
    size: func() -> u32;
  }
}

world guest {
  import host;
  use host.{blob};
  /// The size of the blob the future gives (which it drops).
  export measure: async func(b: future<blob>) -> u32;
}`;

/** One call at a time: the future's end and the handle read from it live at fixed places. */
const RESOURCE_FUTURE_GUEST = `(module
  (import "test:fut-res/host" "[method]blob.size" (func $size (param i32) (result i32)))
  (import "test:fut-res/host" "[resource-drop]blob" (func $drop (param i32)))
  (import "[export]$root" "[task-return]measure" (func $return (param i32)))
  (import "[export]$root" "[async-lower][future-read-0]measure" (func $read (param i32 i32) (result i32)))
  (import "[export]$root" "[future-drop-readable-0]measure" (func $drop-readable (param i32)))
  (import "$root" "[waitable-set-new]" (func $ws-new (result i32)))
  (import "$root" "[waitable-join]" (func $join (param i32 i32)))
  (import "$root" "[waitable-set-drop]" (func $ws-drop (param i32)))
  (memory (export "memory") 1)
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) unreachable)
  (func $finish (result i32)
    (call $drop-readable (i32.load (i32.const 0)))
    (call $return (call $size (i32.load (i32.const 4))))
    (call $drop (i32.load (i32.const 4)))
    (i32.const 0))
  (func (export "[async-lift]measure") (param $f i32) (result i32)
    (i32.store (i32.const 0) (local.get $f))
    (if (i32.eq (call $read (local.get $f) (i32.const 4)) (i32.const -1))
      (then
        (i32.store (i32.const 8) (call $ws-new))
        (call $join (local.get $f) (i32.load (i32.const 8)))
        (return (i32.or (i32.const 2) (i32.shl (i32.load (i32.const 8)) (i32.const 4))))))
    (call $finish))
  (func (export "[callback][async-lift]measure") (param i32 i32 i32) (result i32)
    (call $join (i32.load (i32.const 0)) (i32.const 0))
    (call $ws-drop (i32.load (i32.const 8)))
    (call $finish)))`;

describe("futures of resources in the WIT host", () => {
  it("a future of a resource handle moves the host's object into the guest when it is read", async () => {
    const source = await generateHostSource(RESOURCE_FUTURE_WIT);
    expect(typeCheck(source)).toEqual([]);
    const host = await loadHost(RESOURCE_FUTURE_WIT);
    const disposed: number[] = [];
    class Blob {
      constructor(private readonly n: number) {}
      size() {
        return this.n;
      }
      [Symbol.dispose]() {
        disposed.push(this.n);
      }
    }
    const guest = await host.instantiate(await wat(RESOURCE_FUTURE_GUEST), { "test:fut-res/host": { Blob } });
    // Written before the call, and later.
    expect(await guest.measure(new Blob(5))).toBe(5);
    expect(await guest.measure(later$(new Blob(7)))).toBe(7);
    expect(disposed).toEqual([5, 7]);
    expect(host.liveHandles(guest)).toBe(0);
  });
});

const SYNC_TASK_WIT = `package test:sync-task;

world guest {
  import tick: async func();
  /// Makes a waitable set, polls it (nothing), drops it; keeps \`x\` in its context slot meanwhile.
  export poll: func(x: u32) -> u32;
}`;

const SYNC_TASK_GUEST = `(module
  (import "$root" "[waitable-set-new]" (func $ws-new (result i32)))
  (import "$root" "[waitable-set-poll]" (func $ws-poll (param i32 i32) (result i32)))
  (import "$root" "[waitable-set-drop]" (func $ws-drop (param i32)))
  (import "$root" "[context-get-0]" (func $get (result i32)))
  (import "$root" "[context-set-0]" (func $set (param i32)))
  (memory (export "memory") 1)
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) unreachable)
  (func (export "poll") (param $x i32) (result i32)
    (local $ws i32)
    (call $set (local.get $x))
    (local.set $ws (call $ws-new))
    (if (call $ws-poll (local.get $ws) (i32.const 0)) (then unreachable))
    (call $ws-drop (local.get $ws))
    (i32.add (call $get) (i32.load (i32.const 4)))))`;

describe("a synchronous export of an async world", () => {
  it("runs as a task of its own: the built-ins it calls find it", async () => {
    const host = await loadHost(SYNC_TASK_WIT);
    const guest = await host.instantiate(await wat(SYNC_TASK_GUEST), { tick: () => {} });
    expect(guest.poll(5)).toBe(5);
    expect(guest.poll(6)).toBe(6);
    expect(host.liveHandles(guest)).toBe(0);
  });
});
