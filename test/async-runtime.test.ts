/**
 * templates/ts/async-runtime.ts, the async ABI that hosts embed, driven
 * directly by hand-written core guests: callback-lifted exports, async
 * imports implemented by JavaScript (at once or by a promise), waitable
 * sets, subtasks, context slots, backpressure, cancellation both ways, and
 * the traps (a wait that would block names JSPI). The file type-checks
 * under `strict`.
 */
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { AsyncInstance } from "../templates/ts/async-runtime.js";
import {
  BLOCKED,
  CALLBACK_EXIT,
  COPY_COMPLETED,
  EVENT_STREAM_WRITE,
  EVENT_SUBTASK,
  SUBTASK_RETURNED,
  Task,
  type Payload,
} from "../templates/ts/async-tasks.js";
import { wat } from "./helpers/host.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/**
 * run(x): calls the async import fetch(x) and fetch(x + 1), waits for the
 * subtasks that did not return at once, then returns the sum. Context slot
 * 0 holds the task's waitable set (whose handle also places its result
 * area), slot 1 the count of subtasks still running.
 */
const GUEST = `(module
  (import "host" "fetch" (func $fetch (param i32 i32) (result i32)))
  (import "rt" "waitable-set.new" (func $ws-new (result i32)))
  (import "rt" "waitable-set.drop" (func $ws-drop (param i32)))
  (import "rt" "waitable-set.wait" (func $ws-wait (param i32 i32) (result i32)))
  (import "rt" "waitable.join" (func $join (param i32 i32)))
  (import "rt" "subtask.drop" (func $sub-drop (param i32)))
  (import "rt" "subtask.cancel" (func $sub-cancel (param i32) (result i32)))
  (import "rt" "task.return" (func $return (param i32)))
  (import "rt" "task.cancel" (func $cancel))
  (import "rt" "context.get" (func $ctx-get (result i32)))
  (import "rt" "context.set" (func $ctx-set (param i32)))
  (import "rt" "context.get1" (func $pending-get (result i32)))
  (import "rt" "context.set1" (func $pending-set (param i32)))
  (import "rt" "backpressure.inc" (func $bp-inc))
  (memory (export "memory") 1)
  (global $last-subtask (mut i32) (i32.const 0))
  (func $start (param $x i32) (param $at i32)
    (local $s i32)
    (local.set $s (call $fetch (local.get $x) (local.get $at)))
    (if (i32.ne (i32.and (local.get $s) (i32.const 15)) (i32.const 2))
      (then
        (global.set $last-subtask (i32.shr_u (local.get $s) (i32.const 4)))
        (call $join (global.get $last-subtask) (call $ctx-get))
        (call $pending-set (i32.add (call $pending-get) (i32.const 1))))))
  ;; This task's result area.
  (func $area (result i32) (i32.add (i32.const 256) (i32.shl (call $ctx-get) (i32.const 3))))
  (func $finish (result i32)
    (call $return (i32.add (i32.load (call $area)) (i32.load offset=4 (call $area))))
    (call $ws-drop (call $ctx-get))
    (i32.const 0))
  (func (export "run") (param $x i32) (result i32)
    (call $ctx-set (call $ws-new))
    (call $start (local.get $x) (call $area))
    (call $start (i32.add (local.get $x) (i32.const 1)) (i32.add (call $area) (i32.const 4)))
    (if (result i32) (i32.eqz (call $pending-get))
      (then (call $finish))
      (else (i32.or (i32.const 2) (i32.shl (call $ctx-get) (i32.const 4))))))
  (func (export "run-callback") (param $code i32) (param $handle i32) (param $payload i32) (result i32)
    ;; TASK_CANCELLED: cancel the subtask still running, acknowledge, exit.
    (if (i32.eq (local.get $code) (i32.const 6))
      (then
        (drop (call $sub-cancel (global.get $last-subtask)))
        (call $cancel)
        (return (i32.or (i32.const 2) (i32.shl (call $ctx-get) (i32.const 4))))))
    (if (i32.eq (local.get $code) (i32.const 1))
      (then
        (call $sub-drop (local.get $handle))
        (call $pending-set (i32.sub (call $pending-get) (i32.const 1)))))
    (if (result i32) (i32.eqz (call $pending-get))
      (then
        (if (result i32) (i32.eq (local.get $payload) (i32.const 4))
          (then (call $ws-drop (call $ctx-get)) (i32.const 0))
          (else (call $finish))))
      (else (i32.or (i32.const 2) (i32.shl (call $ctx-get) (i32.const 4))))))
  ;; Misbehaviours, each a trap.
  (func (export "wait-now") (result i32) (call $ws-wait (call $ws-new) (i32.const 0)))
  (func (export "return-twice") (result i32) (call $return (i32.const 1)) (call $return (i32.const 2)) (i32.const 0))
  (func (export "drop-running") (result i32)
    (call $ctx-set (call $ws-new))
    (call $start (i32.const 1) (i32.const 100))
    (call $sub-drop (global.get $last-subtask))
    (i32.const 0))
  (func (export "hold") (result i32) (call $bp-inc) (call $return (i32.const 0)) (i32.const 0)))`;

class Trap extends Error {}

/** The guest, with the runtime's built-ins as its imports and `fetch` from `host`. */
async function guest(fetch: (x: number, signal: AbortSignal) => number | Promise<number>) {
  let memory!: WebAssembly.Memory;
  const rt = new AsyncInstance({
    trap: (message) => {
      throw new Trap(message);
    },
    memoryBytes: () => memory.buffer.byteLength,
  });
  const view = () => new DataView(memory.buffer);
  const imports = {
    host: {
      fetch: (x: number, at: number) =>
        rt.callImport(
          (signal) => fetch(x, signal),
          (v) => view().setUint32(at, v as number, true),
        ),
    },
    rt: {
      "waitable-set.new": () => rt.waitableSetNew(),
      "waitable-set.drop": (i: number) => rt.waitableSetDrop(i),
      "waitable-set.wait": (i: number, ptr: number) =>
        rt.waitableSetPollOrWait(i, true, (h, p) => {
          view().setUint32(ptr, h, true);
          view().setUint32(ptr + 4, p, true);
        }),
      "waitable.join": (w: number, s: number) => rt.waitableJoin(w, s),
      "subtask.drop": (i: number) => rt.subtaskDrop(i),
      "subtask.cancel": (i: number) => rt.subtaskCancel(i, true),
      "task.return": (v: number) => rt.taskReturn([v]),
      "task.cancel": () => rt.taskCancel(),
      "context.get": () => rt.contextGet(0),
      "context.set": (v: number) => rt.contextSet(0, v),
      "context.get1": () => rt.contextGet(1),
      "context.set1": (v: number) => rt.contextSet(1, v),
      "backpressure.inc": () => rt.backpressureInc(),
      "backpressure.dec": () => rt.backpressureDec(),
    },
  };
  const { instance } = await WebAssembly.instantiate(await wat(GUEST), imports);
  memory = instance.exports.memory as WebAssembly.Memory;
  const e = instance.exports as Record<string, (...args: number[]) => number>;
  const call = (name: string, args: number[], signal?: AbortSignal) =>
    Promise.resolve(
      rt.callExport(
        () => e[name]!(...args),
        (code, handle, payload) => e["run-callback"]!(code, handle, payload),
        ([v]) => v as number,
        { signal },
      ),
    );
  return { rt, call };
}

const later = <T>(value: T, ms = 1) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe("the async runtime", () => {
  it("type-checks under strict", () => {
    const program = ts.createProgram(
      [path.join(root, "templates/ts/async-runtime.ts"), path.join(root, "templates/ts/async-tasks.ts")],
      {
        strict: true,
        noEmit: true,
        noImplicitOverride: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.ESNext,
        lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
        types: [],
      },
    );
    expect(ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"))).toEqual(
      [],
    );
  });

  it("an import answering at once returns RETURNED with no subtask, and the export returns at once", async () => {
    const { rt, call } = await guest((x) => x * 10);
    expect(await call("run", [4])).toBe(40 + 50);
    expect(rt.liveHandles).toBe(0);
  });

  it("imports answering later are subtasks; the callback gets their events and the task returns after both", async () => {
    const { rt, call } = await guest((x) => later(x * 10, 5 - x));
    expect(await call("run", [2])).toBe(20 + 30);
    expect(rt.liveHandles).toBe(0);
    // Tasks interleave: two calls at once, each with its own context slot (its waitable set).
    const [a, b] = await Promise.all([call("run", [1]), call("run", [3])]);
    expect([a, b]).toEqual([30, 70]);
  });

  it("a call of another instance's export whose task returned in its first turn returns RETURNED at once", async () => {
    // Two hosts linked in JavaScript: the other instance's runtime may be another copy of this one.
    const other = new AsyncInstance({
      trap: (message) => {
        throw new Trap(message);
      },
      memoryBytes: () => 0,
    });
    const { rt, call } = await guest(
      (x) =>
        other.callExport(
          () => {
            other.taskReturn([x * 10]);
            return CALLBACK_EXIT;
          },
          () => CALLBACK_EXIT,
          ([v]) => v as number,
        ) as Promise<number>,
    );
    const result = call("run", [4]);
    // The task finished in its first turn: no subtask, no waitable set left.
    expect(rt.liveHandles).toBe(0);
    expect(await result).toBe(40 + 50);
  });

  it("mixes both: one answer at once, one later", async () => {
    const { rt, call } = await guest((x) => (x % 2 === 0 ? x : later(x)));
    expect(await call("run", [2])).toBe(5);
    expect(rt.liveHandles).toBe(0);
  });

  it("a wait with nothing ready traps and names JSPI; task.return twice and dropping a running subtask trap", async () => {
    const a = await guest((x) => x);
    await expect(a.call("wait-now", [])).rejects.toThrow(/waitable-set.wait would block .*JSPI/);
    // The call settles at the first task.return; the second traps, which poisons the instance.
    const b = await guest((x) => x);
    expect(await b.call("return-twice", [])).toBe(1);
    await expect(b.call("run", [1])).rejects.toThrow(/trapped earlier: task.return called twice/);
    const c = await guest((x) => later(x));
    await expect(c.call("drop-running", [])).rejects.toThrow(/cannot drop a subtask which has not yet resolved/);
    // A trap poisons the instance.
    await expect(c.call("run", [1])).rejects.toThrow(/trapped earlier/);
  });

  it("backpressure queues new calls until it ends", async () => {
    const { rt, call } = await guest((x) => x);
    await call("hold", []);
    let done = false;
    const queued = call("run", [1]).then((v) => ((done = true), v));
    await later(undefined, 5);
    expect(done).toBe(false);
    // As another task of the guest would: backpressure.dec lets the queued call in.
    rt.backpressureDec();
    expect(await queued).toBe(3);
  });

  it("an AbortSignal cancels the task; the guest cancels its subtask, whose host function sees its signal abort", async () => {
    let aborted = false;
    // fetch(1) waits until it is cancelled; fetch(2) answers at once.
    const { rt, call } = await guest((x, signal) =>
      x % 2 === 0
        ? x
        : new Promise<number>((_resolve, reject) =>
            signal.addEventListener("abort", () => {
              aborted = true;
              reject(new Error("stopped"));
            }),
          ),
    );
    const controller = new AbortController();
    const result = call("run", [1], controller.signal);
    await later(undefined, 2);
    controller.abort();
    await expect(result).rejects.toThrow(/cancelled/);
    await later(undefined, 5);
    expect(aborted).toBe(true);
    expect(rt.liveHandles).toBe(0);
  });

  it("streams and futures: copies meet, a partial read leaves the rest, the drop of the writer ends the reader", () => {
    const bytes = new Uint8Array(64);
    const u8: Payload = {
      size: 1,
      align: 1,
      plain: true,
      lift: (p) => bytes[p],
      lower: (v, p) => void (bytes[p] = v as number),
    };
    const rt = new AsyncInstance({
      trap: (m) => {
        throw new Trap(m);
      },
      memoryBytes: () => bytes.length,
    });
    const ends = rt.channelNew("stream", u8);
    const r = Number(ends & 0xffffffffn);
    const w = Number(ends >> 32n);
    bytes.set([1, 2, 3], 0);
    // The write waits for a reader.
    expect(rt.channelCopy("stream", "write", u8, w, 0, 3, true)).toBe(BLOCKED);
    // A read of 2 takes 2: COMPLETED with a count of 2.
    expect(rt.channelCopy("stream", "read", u8, r, 16, 2, true)).toBe(2 << 4);
    expect([...bytes.subarray(16, 18)]).toEqual([1, 2]);
    // The writer's event reports 2 written (polled in a task: the built-ins belong to tasks).
    const set = rt.waitableSetNew();
    rt.waitableJoin(w, set);
    const events: number[][] = [];
    const record = (code: number) => events.push([code, ...stored]);
    let stored: number[] = [];
    const store = (h: number, p: number) => void (stored = [h, p]);
    expect(() => rt.waitableSetPollOrWait(set, false, store)).toThrow(/outside a task/);
    rt.current = new Task(
      () => {},
      () => {},
    );
    record(rt.waitableSetPollOrWait(set, false, store));
    expect(events).toEqual([[EVENT_STREAM_WRITE, w, COPY_COMPLETED | (2 << 4)]]);
    // The writer writes the rest; a read of up to 4 takes it.
    expect(rt.channelCopy("stream", "write", u8, w, 2, 1, true)).toBe(BLOCKED);
    expect(rt.channelCopy("stream", "read", u8, r, 20, 4, true)).toBe(1 << 4);
    expect(bytes[20]).toBe(3);
    // Until the writer takes its event, its copy is in progress: no drop.
    expect(() => rt.channelDrop("stream", "writable", u8, w)).toThrow(/cannot drop busy stream/);
    record(rt.waitableSetPollOrWait(set, false, store));
    rt.current = undefined;
    rt.waitableJoin(w, 0);
    rt.waitableSetDrop(set);
    rt.channelDrop("stream", "writable", u8, w);
    // The reader learns the writer is gone.
    expect(rt.channelCopy("stream", "read", u8, r, 20, 4, true)).toBe(1);
    rt.channelDrop("stream", "readable", u8, r);
    expect(rt.liveHandles).toBe(0);
    // A future's writer must write before it drops.
    const f = rt.channelNew("future", u8);
    expect(() => rt.channelDrop("future", "writable", u8, Number(f >> 32n))).toThrow(
      /cannot drop future write end without first writing a value/,
    );
  });

  it("exposes the spec's codes", () => {
    expect([CALLBACK_EXIT, EVENT_SUBTASK, SUBTASK_RETURNED, BLOCKED]).toEqual([0, 1, 2, 0xffffffff]);
  });
});
