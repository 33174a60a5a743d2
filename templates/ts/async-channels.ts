/**
 * The async runtime's waitables, copy buffers and the state both ends of a
 * future or stream share (CanonicalABI.md's `Waitable`, `WaitableSet`,
 * `Subtask`, `BufferGuestImpl`, `SharedStreamImpl`, `SharedFutureImpl`,
 * `CopyEnd`), and error contexts. Part of the runtime of async-runtime.ts: hosts embed the
 * files together, in one namespace, without their imports.
 */
import { type AsyncInstance } from "./async-runtime.js";
import { SUBTASK_STARTING, COPY_COMPLETED, COPY_DROPPED, COPY_CANCELLED, type Payload } from "./async-tasks.js";

// ------------------------------------------------------------ error contexts

/**
 * An `error-context` value: an `Error` whose message is the debug message
 * the component gave. The same object stands for the error context however
 * many handles refer to it.
 */
export class ErrorContext extends Error {
  override name = "ErrorContext";
}

/** A handle's entry for an error context. */
export class ErrorContextEntry {
  constructor(readonly value: ErrorContext) {}
}

// ----------------------------------------------------------------- waitables

/** `Waitable`: something a waitable set can wait on, with at most one pending event. */
export class Waitable {
  /** `wset`: the set it joined, if any. */
  set: WaitableSet | undefined = undefined;
  /** `pending_event`: computed when it is delivered. */
  pending: (() => [code: number, payload: number]) | undefined = undefined;

  constructor(readonly rt: AsyncInstance) {}

  /** `set_pending_event`. */
  setPending(event: () => [number, number]): void {
    this.pending = event;
    this.rt.wake();
  }

  /** `get_pending_event`. */
  takePending(): [number, number] {
    const event = this.pending!;
    this.pending = undefined;
    return event();
  }

  /** `join`. */
  join(set: WaitableSet | undefined): void {
    if (this.set !== undefined) this.set.elems.delete(this);
    this.set = set;
    if (set !== undefined) {
      set.elems.add(this);
      if (this.pending !== undefined) this.rt.wake();
    }
  }
}

/** `WaitableSet`. */
export class WaitableSet {
  readonly elems = new Set<Waitable>();
  /** `num_waiting`: tasks waiting on it now. */
  waiting = 0;

  /** `get_pending_event`: the first member with an event, as (code, handle, payload). */
  next(handleOf: (w: Waitable) => number): [number, number, number] | undefined {
    for (const w of this.elems) {
      if (w.pending === undefined) continue;
      const handle = handleOf(w);
      const [code, payload] = w.takePending();
      return [code, handle, payload];
    }
    return undefined;
  }
}

/** `Subtask`: a call this instance made through `canon lower async`. */
export class Subtask extends Waitable {
  state = SUBTASK_STARTING;
  cancelRequested = false;
  resolveDelivered = false;
  readonly abort = new AbortController();
  /** Resolves a host function's call as cancelled now (a synchronous cancel that cannot wait for its promise). */
  cancelAtOnce: (() => void) | undefined = undefined;
  /** The callee's task, when the callee is another component's export. */
  callee: { parks: number; parkedCancellable: boolean } | undefined = undefined;
}

// ------------------------------------------------------------------- buffers

/** The spec's buffer of a copy: the values it reads or writes, and how many it moved. */
export interface CopyBuffer {
  progress: number;
  /** The instance whose memory holds the values (none for the host's). */
  readonly owner?: AsyncInstance;
  remain(): number;
  zeroLength(): boolean;
  read(n: number): unknown[];
  write(values: unknown[]): void;
  /** Byte buffers (of `u8` values) also move bytes: a view or copy of the next `n`, and a write of them. */
  readBytes?(n: number): Uint8Array;
  writeBytes?(bytes: Uint8Array): void;
}

/** Moves `n` values from `src` to `dst`: as bytes when both can. */
function transfer(src: CopyBuffer, dst: CopyBuffer, n: number): void {
  if (src.readBytes !== undefined && dst.writeBytes !== undefined) dst.writeBytes(src.readBytes(n));
  else dst.write(src.read(n));
}

/** `{Readable,Writable}BufferGuestImpl`: `length` values at `ptr` in the guest's memory. */
export class GuestBuffer implements CopyBuffer {
  progress = 0;
  readonly readBytes?: (n: number) => Uint8Array;
  readonly writeBytes?: (bytes: Uint8Array) => void;
  constructor(
    readonly owner: AsyncInstance | undefined,
    readonly payload: Payload,
    private readonly ptr: number,
    private readonly length: number,
  ) {
    const view = payload.bytes;
    if (view !== undefined) {
      // A copy: the guest may reuse its buffer once the copy is done.
      this.readBytes = (n) => {
        const start = this.ptr + this.progress;
        this.progress += n;
        return view().slice(start, start + n);
      };
      this.writeBytes = (bytes) => {
        view().set(bytes, this.ptr + this.progress);
        this.progress += bytes.length;
      };
    }
  }
  remain(): number {
    return this.length - this.progress;
  }
  zeroLength(): boolean {
    return this.length === 0;
  }
  read(n: number): unknown[] {
    const out: unknown[] = [];
    for (let i = 0; i < n; i++) out.push(this.payload.lift(this.ptr + (this.progress + i) * this.payload.size));
    this.progress += n;
    return out;
  }
  write(values: unknown[]): void {
    values.forEach((v, i) => this.payload.lower(v, this.ptr + (this.progress + i) * this.payload.size));
    this.progress += values.length;
  }
}

/** A host buffer: values to write (`values`), or room for `capacity` values read into `values`. */
export class HostBuffer implements CopyBuffer {
  progress = 0;
  constructor(
    readonly values: unknown[],
    private readonly capacity: number,
  ) {}
  remain(): number {
    return this.capacity - this.progress;
  }
  zeroLength(): boolean {
    return this.capacity === 0;
  }
  read(n: number): unknown[] {
    this.progress += n;
    return this.values.slice(this.progress - n, this.progress);
  }
  /** A buffer of the values not written yet. */
  rest(): HostBuffer {
    const values = this.values.slice(this.progress);
    return new HostBuffer(values, values.length);
  }
  write(values: unknown[]): void {
    for (const v of values) this.values.push(v);
    this.progress += values.length;
  }
}

/**
 * The host's bytes for a `stream<u8>`: a chunk to write (`data`, read from
 * `progress` on), or room for `capacity` bytes read into `chunks`.
 */
export class HostBytes implements CopyBuffer {
  progress = 0;
  readonly chunks: Uint8Array[] = [];
  constructor(
    private readonly data: Uint8Array | undefined,
    private readonly capacity: number,
  ) {}
  remain(): number {
    return this.capacity - this.progress;
  }
  zeroLength(): boolean {
    return this.capacity === 0;
  }
  read(n: number): unknown[] {
    return Array.from(this.readBytes(n));
  }
  write(values: unknown[]): void {
    this.writeBytes(Uint8Array.from(values as number[]));
  }
  readBytes(n: number): Uint8Array {
    this.progress += n;
    return this.data!.subarray(this.progress - n, this.progress);
  }
  writeBytes(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.progress += bytes.length;
  }
  /** A buffer of the bytes not written yet. */
  rest(): HostBytes {
    const data = this.data!.subarray(this.progress);
    return new HostBytes(data, data.length);
  }
  /** What was read, as one chunk. */
  take(): Uint8Array {
    if (this.chunks.length === 1) return this.chunks[0]!;
    const out = new Uint8Array(this.progress);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

export type OnCopy = (reclaim: () => void) => void;
export type OnCopyDone = (result: number) => void;

/** What both kinds of channel share: the copy waiting at the rendezvous, and whether an end was dropped. */
abstract class SharedChannel<P extends { buffer: CopyBuffer; onCopyDone: OnCopyDone }> {
  dropped = false;
  /** Told when an end is dropped (the host's source stops when the guest drops its end). */
  onDrop: (() => void) | undefined = undefined;
  protected pending: P | undefined;

  constructor(readonly payload: Payload) {}

  /** The spec's temporary rule: one instance may copy to itself only numbers. */
  protected checkSelfCopy(buffer: CopyBuffer, kind: string): void {
    const other = this.pending?.buffer.owner;
    if (other !== undefined && other === buffer.owner && !this.payload.plain)
      other.trap(`cannot read from and write to intra-component ${kind}`);
  }

  protected resetAndNotifyPending(result: number): void {
    const pending = this.pending!;
    this.pending = undefined;
    pending.onCopyDone(result);
  }
  cancel(): void {
    if (this.pending) this.resetAndNotifyPending(COPY_CANCELLED);
  }
  drop(): void {
    if (this.dropped) return;
    this.dropped = true;
    if (this.pending) this.resetAndNotifyPending(COPY_DROPPED);
    this.onDrop?.();
  }
}

/** `SharedStreamImpl`: the state both ends of a stream share; copies meet at a rendezvous. */
export class SharedStream extends SharedChannel<{ buffer: CopyBuffer; onCopy: OnCopy; onCopyDone: OnCopyDone }> {
  read(dst: CopyBuffer, onCopy: OnCopy, onCopyDone: OnCopyDone): void {
    this.copy(dst, onCopy, onCopyDone, "read");
  }
  write(src: CopyBuffer, onCopy: OnCopy, onCopyDone: OnCopyDone): void {
    this.copy(src, onCopy, onCopyDone, "write");
  }
  private copy(buffer: CopyBuffer, onCopy: OnCopy, onCopyDone: OnCopyDone, op: "read" | "write"): void {
    if (this.dropped) return onCopyDone(COPY_DROPPED);
    const pending = this.pending;
    if (!pending) {
      this.pending = { buffer, onCopy, onCopyDone };
      return;
    }
    this.checkSelfCopy(buffer, "stream");
    if (pending.buffer.remain() > 0) {
      if (buffer.remain() > 0) {
        const n = Math.min(buffer.remain(), pending.buffer.remain());
        if (op === "read") transfer(pending.buffer, buffer, n);
        else transfer(buffer, pending.buffer, n);
        pending.onCopy(() => {
          if (this.pending === pending) this.pending = undefined;
        });
      }
      onCopyDone(COPY_COMPLETED);
    } else if (op === "write" && buffer.zeroLength() && pending.buffer.zeroLength()) {
      onCopyDone(COPY_COMPLETED);
    } else {
      this.resetAndNotifyPending(COPY_COMPLETED);
      this.pending = { buffer, onCopy, onCopyDone };
    }
  }
}

/** `SharedFutureImpl`: the state both ends of a future share. */
export class SharedFuture extends SharedChannel<{ buffer: CopyBuffer; onCopyDone: OnCopyDone }> {
  read(dst: CopyBuffer, onCopyDone: OnCopyDone): void {
    if (!this.pending) {
      this.pending = { buffer: dst, onCopyDone };
      return;
    }
    this.checkSelfCopy(dst, "future");
    transfer(this.pending.buffer, dst, 1);
    this.resetAndNotifyPending(COPY_COMPLETED);
    onCopyDone(COPY_COMPLETED);
  }
  write(src: CopyBuffer, onCopyDone: OnCopyDone): void {
    if (this.dropped) return onCopyDone(COPY_DROPPED);
    if (!this.pending) {
      this.pending = { buffer: src, onCopyDone };
      return;
    }
    this.checkSelfCopy(src, "future");
    transfer(src, this.pending.buffer, 1);
    this.resetAndNotifyPending(COPY_COMPLETED);
    onCopyDone(COPY_COMPLETED);
  }
}

export type EndKind = "stream-readable" | "stream-writable" | "future-readable" | "future-writable";

/** The trap of a copy on an end that is done (the spec tests' wording, which is wasmtime's). */
export const afterDone: Record<string, string> = {
  "future-write": "cannot write to future after previous write succeeded or readable end dropped",
  "future-read": "cannot read from future after previous read succeeded",
  "stream-write": "cannot write to stream after being notified that the readable end dropped",
  "stream-read": "cannot read from stream after being notified that the writable end dropped",
};

/** `CopyEnd`: one end of a stream or future in an instance's table. */
export class CopyEnd extends Waitable {
  state: "idle" | "copying" | "cancelling" | "done" = "idle";
  /**
   * Set while the pending event is a partial copy the other side made (its
   * buffer still held): a cancellation reports it as cancelled, with the
   * values copied so far (as wasmtime, which the spec tests follow, does).
   */
  cancelPartial: (() => void) | undefined = undefined;
  override takePending(): [number, number] {
    this.cancelPartial = undefined;
    return super.takePending();
  }
  constructor(
    rt: AsyncInstance,
    readonly kind: EndKind,
    readonly shared: SharedStream | SharedFuture,
  ) {
    super(rt);
  }
}

/** An async iterator over a `ReadableStream`, an async iterable or an iterable. */
export function asyncIterator(source: unknown, refuse: () => never): AsyncIterator<unknown> {
  if (typeof ReadableStream !== "undefined" && source instanceof ReadableStream) {
    const reader = source.getReader();
    return {
      next: () => reader.read() as Promise<IteratorResult<unknown>>,
      return: async () => {
        await reader.cancel();
        return { done: true, value: undefined };
      },
    };
  }
  if (source !== null && typeof source === "object" && Symbol.asyncIterator in source)
    return (source as AsyncIterable<unknown>)[Symbol.asyncIterator]();
  if (source !== null && typeof source === "object" && Symbol.iterator in source) {
    const it = (source as Iterable<unknown>)[Symbol.iterator]();
    return {
      next: async () => it.next(),
      return: async () => it.return?.() ?? { done: true, value: undefined },
    };
  }
  return refuse();
}
