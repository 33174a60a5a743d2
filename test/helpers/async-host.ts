/**
 * A small host for the asynchronous canonical ABI, to run async guests in
 * tests where no reference runtime can (jco's async support needs JSPI,
 * which this Node lacks). It is a test double, not a general host: one
 * guest instance, one task at a time in the guest's own code, no
 * backpressure and no threads.
 *
 * What it implements, after CanonicalABI.md (the Python names in comments):
 * - one table of handles per instance (waitable sets, subtasks, future and
 *   stream ends); each waitable holds at most one pending event, computed
 *   when it is delivered (`Waitable.set_pending_event`);
 * - async exports lifted with a callback: the host calls the export, then
 *   delivers events to the callback until it returns `EXIT`;
 * - `canon lower async` imports backed by JS async functions: the call
 *   returns `STARTED` with a subtask, which reports `RETURNED` once the JS
 *   promise settles and the result is written to the guest's result area;
 *   `subtask.cancel` aborts the call's `AbortSignal`;
 * - `task.return`, `context.get/set` (a slot per task), `waitable-set.{new,drop,wait,poll}`,
 *   `waitable.join`, `subtask.drop`;
 * - streams and futures, with the product's `SharedStream`/`SharedFuture`
 *   and buffers (templates/ts/async-runtime.ts): copies rendezvous between a
 *   guest buffer and a guest or host buffer, with
 *   `read`, `write`, `cancel-read/write`, `drop-readable/writable` and
 *   `new`. The host writes streams and futures the guest reads
 *   (`newStream`, `newFuture`) and reads the readable ends the guest hands
 *   over (`liftStream`, `liftFuture`). A payload's layout comes from the
 *   `payload` option (by built-in name), `u32` by default.
 *
 * A synchronous built-in that would have to block (`waitable-set.wait` with
 * no event, a sync `read` that does not complete at once) throws: blocking
 * the guest would need JSPI.
 *
 * It retires once the TypeScript host serves futures and streams: the
 * generated host then runs these guests itself.
 */

import {
  GuestBuffer,
  HostBuffer,
  SharedFuture,
  SharedStream,
  type Payload as RuntimePayload,
} from "../../templates/ts/async-runtime.js";

const STARTED = 1;
const RETURNED = 2;
const CANCELLED_BEFORE_RETURNED = 4;
const EVENT = { NONE: 0, SUBTASK: 1, STREAM_READ: 2, STREAM_WRITE: 3, FUTURE_READ: 4, FUTURE_WRITE: 5 };
const COPY = { COMPLETED: 0, DROPPED: 1, CANCELLED: 2 };
const BLOCKED = 0xffff_ffff;
const EXIT = 0;
const YIELD = 1;
const WAIT = 2;

/** How values of a stream's or future's payload sit in linear memory. */
export interface Payload {
  size: number;
  align: number;
  load(view: DataView, ptr: number): unknown;
  store(view: DataView, ptr: number, value: unknown): void;
}

const number = (
  size: number,
  get: (v: DataView, p: number) => number | bigint,
  set: (v: DataView, p: number, x: never) => void,
): Payload => ({ size, align: size, load: get, store: (v, p, x) => set(v, p, x as never) });

/** The payloads of the number types (the element types jco and the spec allow between any two sides). */
export const payloads = {
  none: { size: 0, align: 1, load: () => undefined, store: () => {} } as Payload,
  u8: number(
    1,
    (v, p) => v.getUint8(p),
    (v, p, x: number) => v.setUint8(p, x),
  ),
  s8: number(
    1,
    (v, p) => v.getInt8(p),
    (v, p, x: number) => v.setInt8(p, x),
  ),
  u16: number(
    2,
    (v, p) => v.getUint16(p, true),
    (v, p, x: number) => v.setUint16(p, x, true),
  ),
  s16: number(
    2,
    (v, p) => v.getInt16(p, true),
    (v, p, x: number) => v.setInt16(p, x, true),
  ),
  u32: number(
    4,
    (v, p) => v.getUint32(p, true),
    (v, p, x: number) => v.setUint32(p, x, true),
  ),
  s32: number(
    4,
    (v, p) => v.getInt32(p, true),
    (v, p, x: number) => v.setInt32(p, x, true),
  ),
  u64: number(
    8,
    (v, p) => v.getBigUint64(p, true),
    (v, p, x: bigint) => v.setBigUint64(p, x, true),
  ),
  s64: number(
    8,
    (v, p) => v.getBigInt64(p, true),
    (v, p, x: bigint) => v.setBigInt64(p, x, true),
  ),
  f32: number(
    4,
    (v, p) => v.getFloat32(p, true),
    (v, p, x: number) => v.setFloat32(p, x, true),
  ),
  f64: number(
    8,
    (v, p) => v.getFloat64(p, true),
    (v, p, x: number) => v.setFloat64(p, x, true),
  ),
};

/** A future or stream built-in's type, as its import name gives it: `[stream-read-0]sum` in `[export]a:b/c`. */
export interface ChannelRef {
  module: string;
  kind: "future" | "stream";
  /** The index among the function's futures and streams; `undefined` for `-unit` (no payload). */
  index: number | undefined;
  func: string;
}

export interface AsyncHostOptions {
  /** The payload of a future or stream built-in (`u32` when not given; `none` for `-unit`). */
  payload?(ref: ChannelRef): Payload;
}

/**
 * The runtime's view of a payload: the same layout, read and written in the
 * guest's memory as it is at the time of the copy.
 */
function runtimePayload(host: AsyncHost, payload: Payload): RuntimePayload {
  let p = runtimePayloads.get(payload);
  if (p === undefined) {
    p = {
      size: payload.size,
      align: payload.align,
      lift: (ptr) => payload.load(host.memory, ptr),
      lower: (value, ptr) => payload.store(host.memory, ptr, value),
    };
    runtimePayloads.set(payload, p);
  }
  return p;
}
const runtimePayloads = new WeakMap<Payload, RuntimePayload>();

type OnCopy = (reclaim: () => void) => void;
type OnCopyDone = (result: number) => void;

type Shared = SharedStream | SharedFuture;

interface Waitable {
  set: number;
  /** `pending_event`: computed when delivered. */
  event: (() => [code: number, payload: number]) | undefined;
}

interface Subtask extends Waitable {
  kind: "subtask";
  state: number;
  cancelRequested: boolean;
  resolveDelivered: boolean;
  abort: AbortController;
}

interface WaitableSet {
  kind: "set";
}

type EndKind = "stream-readable" | "stream-writable" | "future-readable" | "future-writable";

/** `CopyEnd`: one end of a stream or future in the guest's table. */
interface CopyEnd extends Waitable {
  kind: EndKind;
  shared: Shared;
  state: "idle" | "copying" | "cancelling" | "done";
}

type Entry = Subtask | CopyEnd | WaitableSet;

/** The entries whose `kind` may be `K`. */
type EntryOf<K extends Entry["kind"]> = Entry extends infer E
  ? E extends { kind: infer EK }
    ? K extends EK
      ? E
      : never
    : never
  : never;

/** An async export's call in progress: its `context` slot, and where `task.return` delivers. */
interface Task {
  context: number;
  returned: boolean;
  settle(value: unknown): void;
}

/** How the host lowers an async import's arguments and lifts its result: given the guest's memory and realloc. */
export interface AsyncImport {
  /** Reads the flat core arguments (the result-area pointer excluded) into JS values. */
  lift(args: number[], host: AsyncHost): unknown[];
  /**
   * The callee, run as a subtask that returns when the promise settles. Its
   * last argument is an `AbortSignal` that `subtask.cancel` aborts: a promise
   * that then rejects makes the subtask `CANCELLED_BEFORE_RETURNED`...
   */
  run?(...args: unknown[]): Promise<unknown>;
  /** ...or one that returns at once, so that the call reports `RETURNED` with no subtask. */
  now?(...args: unknown[]): unknown;
  /** Writes the result at the guest's result area; absent when the function has no result (and no result area). */
  lower?(value: unknown, resultArea: number, host: AsyncHost): void;
}

/** The host's side of a stream it writes and the guest reads. */
export interface HostStreamWriter {
  /** The readable end, in the guest's table, to pass to the guest. */
  handle: number;
  /** Queues `values`; they are copied as the guest reads. */
  write(values: unknown[]): void;
  /** Drops the writable end once the queued values are read (the guest's read then reports `DROPPED`). */
  close(): void;
  /** Whether the guest dropped its readable end. */
  readonly readerDropped: boolean;
}

/** The host's side of a stream whose readable end the guest handed over. */
export interface HostStreamReader {
  /** Reads up to `max` values; `undefined` once the writer dropped its end. */
  read(max?: number): Promise<unknown[] | undefined>;
  /** Reads to the end. */
  readAll(): Promise<unknown[]>;
  drop(): void;
}

export class AsyncHost {
  instance!: WebAssembly.Instance;
  private readonly table = new Map<number, Entry>();
  /** Freed indices, reused first (the spec's table keeps a free list). */
  private readonly free: number[] = [];
  private nextHandle = 1;
  /** The task whose guest code runs now: its context slot and whether it called `task.return`. */
  private current: Task | undefined;
  /** The tasks waiting for an event (each rechecks its own waitable set). */
  private readonly waiters = new Set<() => void>();
  /** A host function that failed: the waiting task fails with it. */
  private failure: unknown = undefined;
  /** JS work in flight (async imports), awaited before waiting for events. */
  private readonly inFlight = new Set<Promise<unknown>>();

  static async instantiate(
    module: Uint8Array,
    imports: Record<string, Record<string, AsyncImport>>,
    taskReturns: Record<string, (args: number[], host: AsyncHost) => unknown>,
    options: AsyncHostOptions = {},
  ): Promise<AsyncHost> {
    const host = new AsyncHost();
    const compiled = await WebAssembly.compile(module as BufferSource);
    const importObject: Record<string, Record<string, Function>> = {};
    for (const imp of WebAssembly.Module.imports(compiled)) {
      const mod = (importObject[imp.module] ??= {});
      mod[imp.name] = host.builtin(imp.module, imp.name, imports, taskReturns, options);
    }
    host.instance = await WebAssembly.instantiate(compiled, importObject as WebAssembly.Imports);
    return host;
  }

  get exports(): Record<string, any> {
    return this.instance.exports as Record<string, any>;
  }

  get memory(): DataView {
    return new DataView((this.exports.memory as WebAssembly.Memory).buffer);
  }

  readString(ptr: number, len: number): string {
    return new TextDecoder().decode(new Uint8Array((this.exports.memory as WebAssembly.Memory).buffer, ptr, len));
  }

  /** Copies `s` into guest memory with its `cabi_realloc`; returns pointer and length. */
  writeString(s: string): [number, number] {
    const bytes = new TextEncoder().encode(s);
    const ptr = this.exports.cabi_realloc(0, 0, 1, bytes.length) as number;
    new Uint8Array((this.exports.memory as WebAssembly.Memory).buffer, ptr, bytes.length).set(bytes);
    return [ptr, bytes.length];
  }

  /** The number of live entries in the guest's handle table. */
  get handles(): number {
    return this.table.size;
  }

  private add(entry: Entry): number {
    const handle = this.free.pop() ?? this.nextHandle++;
    this.table.set(handle, entry);
    return handle;
  }

  private remove(handle: number): void {
    this.table.delete(handle);
    this.free.push(handle);
  }

  private get<K extends Entry["kind"]>(handle: number, ...kinds: K[]): EntryOf<K> {
    const entry = this.table.get(handle);
    if (entry === undefined || !kinds.includes(entry.kind as K))
      throw new Error(`handle ${handle} is not a ${kinds.join(" or ")}`);
    return entry as EntryOf<K>;
  }

  private setPendingEvent(w: Waitable, event: () => [number, number]): void {
    w.event = event;
    this.wake();
  }

  private task(builtin: string): Task {
    if (this.current === undefined) throw new Error(`${builtin} outside a task`);
    return this.current;
  }

  private wake(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const w of waiters) w();
  }

  /** `Waitable.get_pending_event`. */
  private takeEvent(w: Waitable): [number, number] {
    const event = w.event!;
    w.event = undefined;
    return event();
  }

  private builtin(
    module: string,
    name: string,
    imports: Record<string, Record<string, AsyncImport>>,
    taskReturns: Record<string, (args: number[], host: AsyncHost) => unknown>,
    options: AsyncHostOptions,
  ): Function {
    if (module === "$root" || module === "[export]$root") {
      switch (name) {
        case "[waitable-set-new]":
          return () => this.add({ kind: "set" });
        case "[waitable-set-drop]":
          return (set: number) => {
            this.get(set, "set");
            for (const e of this.table.values())
              if ("set" in e && e.set === set) throw new Error("dropping a set in use");
            this.remove(set);
          };
        case "[waitable-join]":
          return (w: number, set: number) => {
            const entry = this.get(
              w,
              "subtask",
              "stream-readable",
              "stream-writable",
              "future-readable",
              "future-writable",
            );
            if (set !== 0) this.get(set, "set");
            entry.set = set;
          };
        case "[waitable-set-wait]":
        case "[waitable-set-poll]": {
          const poll = name === "[waitable-set-poll]";
          return (set: number, ptr: number) => {
            this.get(set, "set");
            const [code, handle, payload] =
              this.nextEvent(set) ??
              (poll
                ? [EVENT.NONE, 0, 0]
                : (() => {
                    throw new Error("waitable-set.wait with no pending event would block the host (it needs JSPI)");
                  })());
            this.memory.setUint32(ptr, handle, true);
            this.memory.setUint32(ptr + 4, payload, true);
            return code;
          };
        }
        case "[subtask-drop]":
          return (h: number) => {
            const s = this.get(h, "subtask");
            if (!s.resolveDelivered) throw new Error("subtask dropped before its resolution was delivered");
            this.remove(h);
          };
        case "[subtask-cancel]":
        case "[async-lower][subtask-cancel]":
          return (h: number) => this.cancelSubtask(h, name.startsWith("[async-lower]"));
        case "[context-get-0]":
          return () => this.task("context.get").context;
        case "[context-set-0]":
          return (v: number) => {
            this.task("context.set").context = v;
          };
      }
    }
    if (module.startsWith("[export]") && name.startsWith("[task-return]")) {
      const f = taskReturns[name.slice("[task-return]".length)];
      return (...args: number[]) => {
        const task = this.task("task.return");
        if (task.returned) throw new Error("task.return twice");
        task.returned = true;
        task.settle(f ? f(args, this) : undefined);
      };
    }
    const channel =
      /^(\[async-lower\])?\[(future|stream)-(new|read|write|cancel-read|cancel-write|drop-readable|drop-writable)-(\d+|unit)\](.*)$/.exec(
        name,
      );
    if (channel) {
      const [, asyncLowered, kind, op, nth, func] = channel;
      const ref: ChannelRef = {
        module,
        kind: kind as "future" | "stream",
        index: nth === "unit" ? undefined : Number(nth),
        func: func!,
      };
      const payload = ref.index === undefined ? payloads.none : (options.payload?.(ref) ?? payloads.u32);
      return this.channelBuiltin(ref.kind, op!, payload, asyncLowered !== undefined);
    }
    if (name.startsWith("[async-lower]")) {
      const imp = imports[module]?.[name.slice("[async-lower]".length)];
      if (!imp)
        return () => {
          throw new Error(`no host function ${module} ${name}`);
        };
      return (...core: number[]) => this.startSubtask(imp, core);
    }
    return () => {
      throw new Error(`the async test host has no ${module} ${name}`);
    };
  }

  private startSubtask(imp: AsyncImport, core: number[]): number {
    const resultArea = imp.lower ? core[core.length - 1]! : 0;
    const args = imp.lift(imp.lower ? core.slice(0, -1) : core, this);
    if (imp.now) {
      imp.lower?.(imp.now(...args), resultArea, this);
      return RETURNED;
    }
    const abort = new AbortController();
    const subtask: Subtask = {
      kind: "subtask",
      state: STARTED,
      cancelRequested: false,
      resolveDelivered: false,
      abort,
      set: 0,
      event: undefined,
    };
    const handle = this.add(subtask);
    const resolve = (state: number) => {
      subtask.state = state;
      this.setPendingEvent(subtask, () => {
        subtask.resolveDelivered = true;
        return [EVENT.SUBTASK, state];
      });
    };
    const done = imp.run!(...args, abort.signal).then(
      (value) => {
        imp.lower?.(value, resultArea, this);
        resolve(RETURNED);
      },
      (error: unknown) => {
        if (subtask.cancelRequested) resolve(CANCELLED_BEFORE_RETURNED);
        else this.fail(error);
      },
    );
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
    return STARTED | (handle << 4);
  }

  /** `canon_subtask_cancel`: a JS callee settles later, so only a subtask already resolved answers at once. */
  private cancelSubtask(h: number, async: boolean): number {
    const subtask = this.get(h, "subtask");
    if (subtask.resolveDelivered) throw new Error("subtask.cancel after the subtask's resolution was delivered");
    if (subtask.cancelRequested) throw new Error("subtask.cancel twice");
    if (subtask.set !== 0 && !async) throw new Error("a sync subtask.cancel of a subtask in a waitable set");
    if (subtask.event === undefined) {
      subtask.cancelRequested = true;
      subtask.abort.abort();
      if (!async) throw new Error("a sync subtask.cancel would block the host (it needs JSPI)");
      return BLOCKED;
    }
    return this.takeEvent(subtask)[1];
  }

  private fail(error: unknown): void {
    this.failure ??= error;
    this.wake();
  }

  private channelBuiltin(kind: "future" | "stream", op: string, payload: Payload, async: boolean): Function {
    const readable = `${kind}-readable` as EndKind;
    const writable = `${kind}-writable` as EndKind;
    const end = (h: number, k: EndKind): CopyEnd => {
      const e = this.get(h, k);
      if (e.shared.payload !== runtimePayload(this, payload)) throw new Error(`${kind} ${h} has another payload type`);
      return e;
    };
    switch (op) {
      case "new":
        return () => {
          const rp = runtimePayload(this, payload);
          const shared = kind === "stream" ? new SharedStream(rp) : new SharedFuture(rp);
          const r = this.add({ kind: readable, shared, state: "idle", set: 0, event: undefined });
          const w = this.add({ kind: writable, shared, state: "idle", set: 0, event: undefined });
          return (BigInt(w) << 32n) | BigInt(r);
        };
      case "read":
      case "write": {
        const k = op === "read" ? readable : writable;
        const code =
          kind === "stream"
            ? op === "read"
              ? EVENT.STREAM_READ
              : EVENT.STREAM_WRITE
            : op === "read"
              ? EVENT.FUTURE_READ
              : EVENT.FUTURE_WRITE;
        return (h: number, ptr: number, n?: number) =>
          this.copy(end(h, k), code, this.guestBuffer(payload, ptr, kind === "stream" ? n! : 1), async);
      }
      case "cancel-read":
      case "cancel-write":
        return (h: number) => {
          const e = end(h, op === "cancel-read" ? readable : writable);
          if (e.state !== "copying") throw new Error(`${kind}.${op} with no copy in progress`);
          if (e.set !== 0 && !async) throw new Error(`a sync ${kind}.${op} of an end in a waitable set`);
          e.state = "cancelling";
          if (e.event === undefined) {
            e.shared.cancel();
            if (e.event === undefined) {
              if (!async) throw new Error(`a sync ${kind}.${op} would block the host (it needs JSPI)`);
              return BLOCKED;
            }
          }
          return this.takeEvent(e)[1];
        };
      case "drop-readable":
      case "drop-writable":
        return (h: number) => {
          const e = end(h, op === "drop-readable" ? readable : writable);
          if (e.state === "copying" || e.state === "cancelling")
            throw new Error(`dropping a ${kind} end while it copies`);
          if (e.kind === "future-writable" && e.state !== "done")
            throw new Error("a future's writer was dropped before it wrote");
          this.remove(h);
          e.shared.drop();
        };
    }
    return () => {
      throw new Error(`the async test host has no ${kind}.${op}`);
    };
  }

  /** `length` values at `ptr` in the guest's memory, checked to fit. */
  private guestBuffer(payload: Payload, ptr: number, length: number): GuestBuffer {
    if (ptr % payload.align !== 0) throw new Error(`a buffer at ${ptr} is not aligned to ${payload.align}`);
    if (ptr + length * payload.size > this.memory.byteLength) throw new Error("a buffer runs past the memory");
    return new GuestBuffer(undefined, runtimePayload(this, payload), ptr, length);
  }

  /** `stream_copy`/`future_copy`: starts a copy at the guest end `e`; the event's payload, or `BLOCKED`. */
  private copy(e: CopyEnd, code: number, buffer: GuestBuffer, async: boolean): number {
    if (e.state !== "idle") throw new Error(`a ${e.kind} end copies while ${e.state}`);
    if (e.set !== 0 && !async) throw new Error(`a sync copy on a ${e.kind} end in a waitable set`);
    const future = e.shared instanceof SharedFuture;
    const event = (result: number, reclaim: () => void) => (): [number, number] => {
      reclaim();
      if (future) {
        e.state = result === COPY.DROPPED || result === COPY.COMPLETED ? "done" : "idle";
        return [code, result];
      }
      e.state = result === COPY.DROPPED ? "done" : "idle";
      return [code, result | (buffer.progress << 4)];
    };
    e.state = "copying";
    const onCopy: OnCopy = (reclaim) => this.setPendingEvent(e, event(COPY.COMPLETED, reclaim));
    const onCopyDone: OnCopyDone = (result) =>
      this.setPendingEvent(
        e,
        event(result, () => {}),
      );
    const shared = e.shared;
    if (shared instanceof SharedStream) {
      if (e.kind.endsWith("readable")) shared.read(buffer, onCopy, onCopyDone);
      else shared.write(buffer, onCopy, onCopyDone);
    } else {
      if (shared.dropped && e.kind.endsWith("readable")) throw new Error("reading a future whose writer is gone");
      if (e.kind.endsWith("readable")) shared.read(buffer, onCopyDone);
      else shared.write(buffer, onCopyDone);
    }
    if (e.event === undefined) {
      if (!async) throw new Error(`a sync ${e.kind} copy would block the host (it needs JSPI)`);
      return BLOCKED;
    }
    return this.takeEvent(e)[1];
  }

  /** `lift_async_value`: takes the readable end `handle` out of the guest's table. */
  private liftEnd(handle: number, kind: "stream-readable" | "future-readable"): Shared {
    const e = this.get(handle, kind);
    if (e.state !== "idle") throw new Error(`lifting a ${kind} end while ${e.state}`);
    if (e.set !== 0) throw new Error(`lifting a ${kind} end still in a waitable set`);
    this.remove(handle);
    return e.shared;
  }

  /** A stream the host writes: its readable end is lowered into the guest as `handle`. */
  newStream(payload: Payload = payloads.u32): HostStreamWriter {
    const shared = new SharedStream(runtimePayload(this, payload));
    const handle = this.add({ kind: "stream-readable", shared, state: "idle", set: 0, event: undefined });
    const queue: unknown[] = [];
    let writing = false;
    let closing = false;
    let readerDropped = false;
    // One host write at a time, of everything queued; what the guest did not take goes back to the queue.
    const pump = (): void => {
      if (writing || readerDropped) return;
      if (queue.length === 0) {
        if (closing) shared.drop();
        return;
      }
      writing = true;
      const values = queue.splice(0);
      const src = new HostBuffer(values, values.length);
      let finished = false;
      const finish = (result: number) => {
        if (finished) return;
        finished = true;
        writing = false;
        queue.unshift(...src.values.slice(src.progress));
        if (result === COPY.DROPPED) readerDropped = true;
        pump();
      };
      shared.write(
        src,
        (reclaim) => {
          reclaim();
          finish(COPY.COMPLETED);
        },
        finish,
      );
    };
    return {
      handle,
      write: (values) => {
        queue.push(...values);
        pump();
      },
      close: () => {
        closing = true;
        pump();
      },
      get readerDropped() {
        return readerDropped;
      },
    };
  }

  /** A future the host writes: its readable end is lowered into the guest as `handle`. */
  newFuture(payload: Payload = payloads.u32): {
    handle: number;
    /** Writes the value; settles `true` once the guest read it, `false` when it dropped its end unread. */
    write(value: unknown): Promise<boolean>;
  } {
    const shared = new SharedFuture(runtimePayload(this, payload));
    const handle = this.add({ kind: "future-readable", shared, state: "idle", set: 0, event: undefined });
    return {
      handle,
      write: (value) =>
        new Promise<boolean>((resolve) =>
          shared.write(new HostBuffer([value], 1), (result) => resolve(result === COPY.COMPLETED)),
        ),
    };
  }

  /** Lifts the readable end of a stream the guest handed over (in a result, say) and reads it. */
  liftStream(handle: number): HostStreamReader {
    const shared = this.liftEnd(handle, "stream-readable") as SharedStream;
    let done = false;
    const read = (max = Infinity): Promise<unknown[] | undefined> => {
      if (done) return Promise.resolve(undefined);
      return new Promise((resolve) => {
        const dst = new HostBuffer([], max);
        let settled = false;
        const settle = (result: number) => {
          if (settled) return;
          settled = true;
          if (result === COPY.DROPPED) done = true;
          resolve(dst.values.length > 0 || result !== COPY.DROPPED ? dst.values : undefined);
        };
        shared.read(
          dst,
          (reclaim) => {
            reclaim();
            settle(COPY.COMPLETED);
          },
          settle,
        );
      });
    };
    return {
      read,
      readAll: async () => {
        const out: unknown[] = [];
        for (let chunk = await read(); chunk !== undefined; chunk = await read()) out.push(...chunk);
        return out;
      },
      drop: () => shared.drop(),
    };
  }

  /** Lifts the readable end of a future the guest handed over and reads it (`undefined`: the writer dropped it). */
  liftFuture(handle: number): { read(): Promise<unknown>; drop(): void } {
    const shared = this.liftEnd(handle, "future-readable") as SharedFuture;
    return {
      read: () =>
        new Promise((resolve) => {
          const dst = new HostBuffer([], 1);
          shared.read(dst, (result) => resolve(result === COPY.COMPLETED ? dst.values[0] : undefined));
        }),
      drop: () => shared.drop(),
    };
  }

  /** Reads a future whose readable end the guest gave up as `handle`, when its write is already pending. */
  readFuture(handle: number): unknown {
    const shared = this.liftEnd(handle, "future-readable") as SharedFuture;
    const dst = new HostBuffer([], 1);
    let result: number | undefined;
    shared.read(dst, (r) => (result = r));
    if (result !== COPY.COMPLETED) throw new Error("the guest has not written the future yet");
    shared.drop();
    return dst.values[0];
  }

  /** `WaitableSet.get_pending_event`: the first waitable of `set` with an event, as (code, handle, payload). */
  private nextEvent(set: number): [number, number, number] | undefined {
    for (const [handle, entry] of this.table) {
      if ("event" in entry && entry.set === set && entry.event !== undefined) {
        const [code, payload] = this.takeEvent(entry);
        return [code, handle, payload];
      }
    }
    return undefined;
  }

  /**
   * Calls the async export `name` (and its callback) with core arguments.
   * `result` settles when the task calls `task.return`; `done` when the
   * callback returns `EXIT`.
   */
  callAsync(name: string, args: (number | bigint)[]): { result: Promise<unknown>; done: Promise<void> } {
    const callback = this.exports[`[callback]${name}`] as (e: number, h: number, p: number) => number;
    let settle: (v: unknown) => void = () => {};
    let fail: (e: unknown) => void = () => {};
    const result = new Promise<unknown>((resolve, reject) => {
      settle = resolve;
      fail = reject;
    });
    const task: Task = { context: 0, returned: false, settle };
    // Runs one turn of the task's guest code (the export, or its callback with an event).
    const turn = (f: () => number): number => {
      if (this.current !== undefined) throw new Error("a task's guest code runs while another's does");
      this.current = task;
      try {
        return f();
      } finally {
        this.current = undefined;
      }
    };
    const done = (async () => {
      let code = turn(() => this.exports[name](...args) as number);
      for (;;) {
        const action = code & 0xf;
        if (action === EXIT) break;
        if (action === YIELD) {
          code = turn(() => callback(EVENT.NONE, 0, 0));
        } else if (action === WAIT) {
          const set = code >>> 4;
          this.get(set, "set");
          let event = this.nextEvent(set);
          while (event === undefined) {
            if (this.failure !== undefined) throw this.failure;
            if (this.inFlight.size === 0 && !this.waitsForHost)
              throw new Error("the guest waits, and nothing can wake it");
            await new Promise<void>((resolve) => this.waiters.add(resolve));
            event = this.nextEvent(set);
          }
          code = turn(() => callback(...event!));
        } else throw new Error(`unknown callback code ${code}`);
      }
      if (!task.returned) throw new Error("the task exited without task.return");
    })();
    void done.catch(fail);
    return { result, done };
  }

  /** Set by a test while it will still feed the guest (writes to a stream, reads of a future). */
  waitsForHost = false;
}
