/**
 * The asynchronous canonical ABI's vocabulary: the codes the built-ins
 * exchange with guests (subtask states, callback codes, events, copy
 * results), a payload's description, and a task (`Task`) with the options and
 * hooks of the call that made it. Part of the runtime of async-runtime.ts:
 * hosts embed the files together, in one namespace, without their imports.
 */
import { pump } from "./async-scheduler.js";
import type { Thread } from "./async-threads.js";

/** `SubtaskState`: what `canon lower async` packs below a subtask's handle. */
export const SUBTASK_STARTING = 0;
export const SUBTASK_STARTED = 1;
export const SUBTASK_RETURNED = 2;
export const SUBTASK_CANCELLED_BEFORE_STARTED = 3;
export const SUBTASK_CANCELLED_BEFORE_RETURNED = 4;

/** `CallbackCode`: what an async export and its callback return (a waitable set above the low 4 bits). */
export const CALLBACK_EXIT = 0;
export const CALLBACK_YIELD = 1;
export const CALLBACK_WAIT = 2;

/** `EventCode`: the first argument of a callback. */
export const EVENT_NONE = 0;
export const EVENT_SUBTASK = 1;
export const EVENT_STREAM_READ = 2;
export const EVENT_STREAM_WRITE = 3;
export const EVENT_FUTURE_READ = 4;
export const EVENT_FUTURE_WRITE = 5;
export const EVENT_TASK_CANCELLED = 6;

/** `CopyResult`: the low 4 bits of a finished copy (a stream's count of values above them). */
export const COPY_COMPLETED = 0;
export const COPY_DROPPED = 1;
export const COPY_CANCELLED = 2;

/** What a copy or a cancellation returns when it cannot finish without waiting. */
export const BLOCKED = 0xffff_ffff;

/** How values of a future's or stream's payload sit in linear memory, as the glue of its type reads and writes them. */
export interface Payload {
  size: number;
  align: number;
  /**
   * The type, as a key equal for equal types: ends and built-ins of
   * different instances (each with payloads of its own) compare by it.
   */
  key?: string;
  /** `none_or_number_type`: the values are numbers (or nothing), which one instance may copy to itself. */
  plain?: boolean;
  /** The size of the memory the values live in, for bounds checks (else the instance's). */
  memoryBytes?: () => number;
  /**
   * For `u8` payloads: the memory the values live in, as bytes (current
   * after any growth). Copies between two byte buffers then move the bytes
   * in one go instead of value by value.
   */
  bytes?: () => Uint8Array;
  /** Lifts the value at `ptr` (taking what it owns). */
  lift(ptr: number): unknown;
  /** Lowers `value` at `ptr`. */
  lower(value: unknown, ptr: number): void;
}

/** The payload of `future` and `stream` with no type: nothing is copied, only counted. */
export const UNIT_PAYLOAD: Payload = {
  size: 0,
  align: 1,
  key: "",
  plain: true,
  lift: () => undefined,
  lower: () => {},
};

/** Whether two payloads are of the same type. */
export function sameType(a: Payload, b: Payload): boolean {
  return a === b || (a.key !== undefined && a.key === b.key);
}

/** What the runtime needs from the instance it serves. */
export interface InstanceHooks {
  /** Traps: poisons the instance and throws (never returns). */
  trap(message: string): never;
  /** The instance's memory, for bounds checks of copy buffers. */
  memoryBytes(): number;
  /** Whether no code of the instance runs now, so that a waiting task's callback may (default: yes). */
  mayEnter?(): boolean;
  /** A blocked task resumes (with JSPI): the instance is entered again. */
  enter?(): void;
  /** A task blocked (with JSPI), or its resumed code returned: the instance is left. */
  leave?(): void;
  /** A task's code trapped after it had blocked: the instance is poisoned. */
  poison?(): void;
}

// --------------------------------------------------------------------- tasks

/** `Task`: one call into an async export of this instance. */
export class Task {
  /** The `context.get`/`set` slots. */
  readonly context = [0, 0];
  returned = false;
  /** A synchronously lifted export's task: it cannot wait or return through `task.return`. */
  sync = false;
  /** The key of the function's result type, which `task.return` must match (when known). */
  resultKey: string | undefined = undefined;
  /** The caller asked to cancel (`task.cancel` acknowledges). */
  cancelRequested = false;
  cancelDelivered = false;
  /** Its guest code runs through `suspendable` (with JSPI): it may block in a synchronous built-in. */
  suspendable = false;
  /** It is lifted with a callback (its turns hold the instance while they run, blocked or not). */
  callback = false;
  /** The borrow handles lent to it that it still holds. */
  borrows: { n: number } | undefined = undefined;
  /** A cancellation the caller asked for that the guest has not heard of yet. */
  get cancelPending(): boolean {
    return this.cancelRequested && !this.cancelDelivered && !this.returned;
  }

  /** `deliver_pending_cancel`: a cancellable wait takes the pending cancellation (whether there was one). */
  deliverPendingCancel(cancellable: boolean): boolean {
    if (!cancellable || !this.cancelPending) return false;
    this.cancelDelivered = true;
    return true;
  }

  /** Its implicit thread, once a thread built-in asked for it. */
  thread: Thread | undefined = undefined;
  /** How many times its code blocked (with JSPI); and whether it is blocked now where a cancellation may end the wait. */
  parks = 0;
  parkedCancellable = false;
  /**
   * The caller is another component: futures and streams in the result move
   * to it as they are (not as promises and web streams for JavaScript).
   */
  raw = false;

  constructor(
    /** Lifts `task.return`'s core arguments and settles the caller's promise. */
    readonly onReturn: (args: unknown[]) => void,
    /** Settles the caller's promise as cancelled (`task.cancel`). */
    readonly onCancel: () => void,
  ) {}
}

/** How the caller of an export learns that a call queued behind backpressure started. */
export interface CallHooks {
  queued(): void;
  started(): void;
  /** The call returned (or failed) later, heard synchronously when the callee is another component. */
  resolved?(value: unknown): void;
  rejected?(error: unknown): void;
  /** The callee is another component's task: this one. */
  task?(task: Task): void;
}

/**
 * The key of a call's promise under which its outcome can be read
 * synchronously (see `settleNow`). A registered symbol, so that the runtimes
 * of two generated hosts linked in JavaScript read each other's.
 */
export const OUTCOME = Symbol.for("witx-bindgen.call-outcome");

export type Outcome = { value: unknown } | { error: unknown } | undefined;

/** How to read the outcome of `value`, when it is a promise of a call into a component. */
export function outcomeOf(value: unknown): (() => Outcome) | undefined {
  return (value as { [OUTCOME]?: () => Outcome })[OUTCOME];
}

/**
 * The value of `value`, a promise of a call into a component that has not
 * settled yet, found by running other instances' waiting tasks until it
 * does (a synchronous caller waiting for an async callee); `undefined` when
 * nothing can run and it still has not.
 */
export function settleNow(value: unknown): { value: unknown } | undefined {
  const outcome = outcomeOf(value);
  if (outcome === undefined) return undefined;
  for (let rounds = 0; ; rounds++) {
    const o = outcome();
    if (o !== undefined) {
      if ("error" in o) throw o.error;
      return o;
    }
    if (rounds === NESTED_ROUNDS || !pump(true)) return undefined;
  }
}

/**
 * How many rounds of other tasks' turns a synchronous wait runs before it
 * gives up (tasks that only yield would otherwise keep it going for ever).
 */
export const NESTED_ROUNDS = 10000;

/** The options of a call of an async export. */
export interface CallOptions {
  signal?: AbortSignal;
  /** Give the value itself when the task returned before waiting (a caller in another component). */
  eager?: boolean;
  /** The key of the function's result type, for `task.return` to match. */
  resultKey?: string;
  hooks?: CallHooks;
  /** The task's guest code runs through `suspendable` and its blocking built-ins through `blocking`. */
  suspendable?: boolean;
  /** The borrow handles lent to the task: all must be dropped before it returns. */
  borrows?: { n: number };
}

/** Whether a call gave a promise (of a guest call that blocked, with JSPI) rather than its value. */
export function isPending(x: unknown): boolean {
  return isPromiseLike(x);
}

export function isPromiseLike(x: unknown): x is PromiseLike<unknown> {
  return (
    (typeof x === "object" || typeof x === "function") &&
    x !== null &&
    typeof (x as { then?: unknown }).then === "function"
  );
}
