/**
 * A small host for the asynchronous canonical ABI, to run async guests in
 * tests where no reference runtime can (jco's async support needs JSPI,
 * which this Node lacks). It is a test double, not a general host: it knows
 * the few shapes the async guest scenarios use.
 *
 * What it implements, after CanonicalABI.md:
 * - one table of handles per instance (waitable sets, subtasks, future and
 *   stream ends), each waitable with at most one pending event;
 * - async exports lifted with a callback: the host calls the export, then
 *   delivers events to the callback until it returns `EXIT`;
 * - `canon lower async` imports backed by JS async functions: the call
 *   returns `STARTED` with a subtask, which reports `RETURNED` once the JS
 *   promise settles and the result is written to the guest's result area;
 * - `task.return`, `context.get/set`, `waitable-set.*`, `subtask.drop`;
 * - streams the host writes and the guest reads, and futures the guest
 *   writes and the host reads (copies rendezvous; a blocked side gets its
 *   event when the other side arrives).
 */

const STARTED = 1;
const RETURNED = 2;
const EVENT = { NONE: 0, SUBTASK: 1, STREAM_READ: 2, STREAM_WRITE: 3, FUTURE_READ: 4, FUTURE_WRITE: 5 };
const COMPLETED = 0;
const DROPPED = 1;
const BLOCKED = 0xffff_ffff;
const EXIT = 0;
const YIELD = 1;
const WAIT = 2;

interface Waitable {
  set: number;
  event: [code: number, payload: number] | undefined;
}

interface Subtask extends Waitable {
  kind: "subtask";
  state: number;
}

interface WaitableSet {
  kind: "set";
}

/** The state of one stream the host writes: values not read yet, and a read the guest is waiting on. */
interface HostStream {
  values: number[];
  closed: boolean;
  pending: { ptr: number; count: number } | undefined;
  readable: number;
}

/** One future the guest writes: the write the guest is waiting on. */
interface GuestFuture {
  pendingWrite: number | undefined;
  written: boolean;
  writer: number;
  reader: number;
}

interface StreamEnd extends Waitable {
  kind: "stream-readable";
  stream: HostStream;
}

interface FutureEnd extends Waitable {
  kind: "future-readable" | "future-writable";
  future: GuestFuture;
}

type Entry = Subtask | StreamEnd | FutureEnd | WaitableSet;

/** How the host lowers an async import's arguments and lifts its result: given the guest's memory and realloc. */
export interface AsyncImport {
  /** Reads the flat core arguments (the result-area pointer excluded) into JS values. */
  lift(args: number[], host: AsyncHost): unknown[];
  /** The callee, run as a subtask that returns when the promise settles... */
  run?(...args: unknown[]): Promise<unknown>;
  /** ...or one that returns at once, so that the call reports `RETURNED` with no subtask. */
  now?(...args: unknown[]): unknown;
  /** Writes the result at the guest's result area. */
  lower(value: unknown, resultArea: number, host: AsyncHost): void;
}

export class AsyncHost {
  instance!: WebAssembly.Instance;
  private readonly table = new Map<number, Entry>();
  private nextHandle = 1;
  private context = 0;
  private changed: () => void = () => {};
  private taskResults: unknown[] = [];
  /** JS work in flight (async imports), awaited before waiting for events. */
  private readonly inFlight = new Set<Promise<unknown>>();

  static async instantiate(
    module: Uint8Array,
    imports: Record<string, Record<string, AsyncImport>>,
    taskReturns: Record<string, (args: number[], host: AsyncHost) => unknown>,
  ): Promise<AsyncHost> {
    const host = new AsyncHost();
    const compiled = await WebAssembly.compile(module as BufferSource);
    const importObject: Record<string, Record<string, Function>> = {};
    for (const imp of WebAssembly.Module.imports(compiled)) {
      const mod = (importObject[imp.module] ??= {});
      mod[imp.name] = host.builtin(imp.module, imp.name, imports, taskReturns);
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
    const handle = this.nextHandle++;
    this.table.set(handle, entry);
    return handle;
  }

  private get<K extends Entry["kind"]>(handle: number, ...kinds: K[]): Extract<Entry, { kind: K }> {
    const entry = this.table.get(handle);
    if (entry === undefined || !kinds.includes(entry.kind as K))
      throw new Error(`handle ${handle} is not a ${kinds.join(" or ")}`);
    return entry as Extract<Entry, { kind: K }>;
  }

  private notify(w: Waitable, code: number, payload: number): void {
    if (w.event !== undefined) throw new Error("a waitable got a second pending event");
    w.event = [code, payload];
    this.changed();
  }

  private builtin(
    module: string,
    name: string,
    imports: Record<string, Record<string, AsyncImport>>,
    taskReturns: Record<string, (args: number[], host: AsyncHost) => unknown>,
  ): Function {
    if (module === "$root" || module === "[export]$root") {
      switch (name) {
        case "[waitable-set-new]":
          return () => this.add({ kind: "set" });
        case "[waitable-set-drop]":
          return (set: number) => {
            this.get(set, "set");
            for (const e of this.table.values()) if ("set" in e && e.set === set) throw new Error("dropping a set in use");
            this.table.delete(set);
          };
        case "[waitable-join]":
          return (w: number, set: number) => {
            const entry = this.get(w, "subtask", "stream-readable", "future-readable", "future-writable");
            if (set !== 0) this.get(set, "set");
            entry.set = set;
          };
        case "[waitable-set-wait]":
          return () => {
            throw new Error("waitable-set.wait would block the host; async exports use the callback");
          };
        case "[subtask-drop]":
          return (h: number) => {
            const s = this.get(h, "subtask");
            if (s.state !== RETURNED) throw new Error("subtask dropped before it returned");
            this.table.delete(h);
          };
        case "[context-get-0]":
          return () => this.context;
        case "[context-set-0]":
          return (v: number) => {
            this.context = v;
          };
      }
    }
    if (module.startsWith("[export]") && name.startsWith("[task-return]")) {
      const f = taskReturns[name.slice("[task-return]".length)];
      return (...args: number[]) => {
        this.taskResults.push(f ? f(args, this) : undefined);
      };
    }
    const channel = name.match(/^(?:\[async-lower\])?\[(future|stream)-([a-z-]+)-\d+\]/);
    if (channel) return this.channelBuiltin(channel[1] as "future" | "stream", channel[2]);
    if (name.startsWith("[async-lower]")) {
      const imp = imports[module]?.[name.slice("[async-lower]".length)];
      if (!imp) return () => { throw new Error(`no host function ${module} ${name}`); };
      return (...core: number[]) => this.startSubtask(imp, core);
    }
    return () => {
      throw new Error(`the async test host has no ${module} ${name}`);
    };
  }

  private startSubtask(imp: AsyncImport, core: number[]): number {
    const resultArea = core[core.length - 1];
    const args = imp.lift(core.slice(0, -1), this);
    if (imp.now) {
      imp.lower(imp.now(...args), resultArea, this);
      return RETURNED;
    }
    const subtask: Subtask = { kind: "subtask", state: STARTED, set: 0, event: undefined };
    const handle = this.add(subtask);
    const done = imp.run!(...args).then((value) => {
      imp.lower(value, resultArea, this);
      subtask.state = RETURNED;
      this.notify(subtask, EVENT.SUBTASK, RETURNED);
    });
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
    return STARTED | (handle << 4);
  }

  private channelBuiltin(kind: "future" | "stream", op: string): Function {
    if (kind === "future") {
      switch (op) {
        case "new":
          return () => {
            const future: GuestFuture = { pendingWrite: undefined, written: false, writer: 0, reader: 0 };
            future.reader = this.add({ kind: "future-readable", future, set: 0, event: undefined });
            future.writer = this.add({ kind: "future-writable", future, set: 0, event: undefined });
            return (BigInt(future.writer) << 32n) | BigInt(future.reader);
          };
        case "write":
          return (h: number, ptr: number) => {
            const end = this.get(h, "future-writable");
            end.future.pendingWrite = ptr;
            return BLOCKED;
          };
        case "drop-writable":
          return (h: number) => {
            const end = this.get(h, "future-writable");
            if (!end.future.written) throw new Error("a future's writer was dropped before it wrote");
            this.table.delete(h);
          };
        case "drop-readable":
          return (h: number) => {
            this.get(h, "future-readable");
            this.table.delete(h);
          };
      }
    } else {
      switch (op) {
        case "read":
          return (h: number, ptr: number, count: number) => {
            const end = this.get(h, "stream-readable");
            const copied = this.copyToGuest(end.stream, ptr, count);
            if (copied !== undefined) return copied;
            end.stream.pending = { ptr, count };
            return BLOCKED;
          };
        case "drop-readable":
          return (h: number) => {
            this.get(h, "stream-readable");
            this.table.delete(h);
          };
      }
    }
    return () => {
      throw new Error(`the async test host has no ${kind}.${op}`);
    };
  }

  /** Copies buffered `u32` values into a guest read; `undefined` when it must wait. */
  private copyToGuest(stream: HostStream, ptr: number, count: number): number | undefined {
    if (stream.values.length === 0) return stream.closed ? DROPPED : undefined;
    const n = Math.min(count, stream.values.length);
    const values = stream.values.splice(0, n);
    values.forEach((v, i) => this.memory.setUint32(ptr + 4 * i, v, true));
    return (n << 4) | COMPLETED;
  }

  /** A stream of `u32` the host writes: its readable end is lowered into the guest as `handle`. */
  newStream(): { handle: number; write(values: number[]): void; close(): void } {
    const stream: HostStream = { values: [], closed: false, pending: undefined, readable: 0 };
    const end: StreamEnd = { kind: "stream-readable", stream, set: 0, event: undefined };
    stream.readable = this.add(end);
    const flush = () => {
      if (stream.pending === undefined) return;
      const copied = this.copyToGuest(stream, stream.pending.ptr, stream.pending.count);
      if (copied === undefined) return;
      stream.pending = undefined;
      this.notify(end, EVENT.STREAM_READ, copied);
    };
    return {
      handle: stream.readable,
      write: (values) => {
        stream.values.push(...values);
        flush();
      },
      close: () => {
        stream.closed = true;
        flush();
      },
    };
  }

  /** Reads a `future<u32>` whose readable end the guest gave up as `handle`: completes the guest's write. */
  readFuture(handle: number): number {
    const end = this.get(handle, "future-readable");
    const future = end.future;
    if (future.pendingWrite === undefined) throw new Error("the guest has not written the future yet");
    const value = this.memory.getUint32(future.pendingWrite, true);
    future.pendingWrite = undefined;
    future.written = true;
    this.table.delete(handle);
    this.notify(this.get(future.writer, "future-writable"), EVENT.FUTURE_WRITE, COMPLETED);
    return value;
  }

  private nextEvent(set: number): [number, number, number] | undefined {
    for (const [handle, entry] of this.table) {
      if ("event" in entry && entry.set === set && entry.event !== undefined) {
        const [code, payload] = entry.event;
        entry.event = undefined;
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
    const result = new Promise<unknown>((resolve) => (settle = resolve));
    const done = (async () => {
      const before = this.taskResults.length;
      const check = () => {
        if (this.taskResults.length > before) settle(this.taskResults[before]);
      };
      let code = this.exports[name](...args) as number;
      check();
      for (;;) {
        const action = code & 0xf;
        if (action === EXIT) break;
        if (action === YIELD) {
          code = callback(EVENT.NONE, 0, 0);
        } else if (action === WAIT) {
          const set = code >>> 4;
          let event = this.nextEvent(set);
          while (event === undefined) {
            if (this.inFlight.size === 0 && !this.waitsForHost) throw new Error("the guest waits, and nothing can wake it");
            await new Promise<void>((resolve) => (this.changed = resolve));
            this.changed = () => {};
            event = this.nextEvent(set);
          }
          code = callback(...event);
        } else throw new Error(`unknown callback code ${code}`);
        check();
      }
      check();
    })();
    return { result, done };
  }

  /** Set by a test while it will still feed the guest (writes to a stream, reads of a future). */
  waitsForHost = false;
}
