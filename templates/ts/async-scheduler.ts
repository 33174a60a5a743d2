/**
 * The scheduler of the async runtime (templates/ts/async-runtime.ts): the
 * tasks that wait for an event or yielded, and those blocked with JSPI, across
 * every instance of a module; the microtask pump that runs what can go on;
 * and deadlock detection, from what the host still owes.
 */
import { type AsyncInstance } from "./async-runtime.js";
import type { WaitableSet } from "./async-channels.js";
import {
  CALLBACK_EXIT,
  CALLBACK_YIELD,
  CALLBACK_WAIT,
  EVENT_NONE,
  EVENT_TASK_CANCELLED,
  type Task,
  isPromiseLike,
} from "./async-tasks.js";

/** The tasks that wait for an event or yielded, across every instance of the module. */
export const runners = new Set<Runner>();
/** The tasks blocked (with JSPI) in a synchronous built-in, with what they wait for. */
export const waiters = new Set<{
  ready: () => boolean;
  resolve: () => void;
  deadlock: () => void;
  explicit?: boolean;
}>();

/**
 * What the host still owes the instances: host calls not settled, futures
 * the host has not written, streams whose source has not given its next
 * chunk, and timers of tasks that yielded. While there is none, tasks
 * blocked (with JSPI) that nothing can wake are deadlocked.
 */
export let hostPending = 0;
export function hostBegin(): void {
  hostPending++;
}
export function hostEnd(): void {
  hostPending--;
  if (hostPending === 0 && waiters.size > 0) checkDeadlock();
}

/** At the event loop's next turn: blocked tasks that nothing can wake any more trap. */
export function checkDeadlock(): void {
  setTimeout(() => {
    pump(false);
    if (hostPending > 0 || waiters.size === 0) return;
    for (const r of runners) if (r.ready()) return;
    // (A thread suspended until another resumes it may stay so: it is not deadlocked.)
    for (const w of [...waiters])
      if (!w.explicit) {
        waiters.delete(w);
        w.deadlock();
      }
  }, 0);
}
let pumpQueued = false;

/** Something happened: the waiting tasks look again, soon (in a microtask). */
export function queuePump(): void {
  if (pumpQueued) return;
  pumpQueued = true;
  queueMicrotask(() => {
    pumpQueued = false;
    pump(false);
  });
}

/**
 * Runs one turn of every waiting task that can go on; whether any did.
 * `nested`: inside a synchronous wait (tasks that yielded wait for the
 * event loop's next macrotask in any case, to let I/O in).
 */
export function pump(nested: boolean): boolean {
  let progressed = false;
  for (const w of [...waiters])
    if (w.ready()) {
      waiters.delete(w);
      w.resolve();
      progressed = true;
    }
  for (const r of [...runners]) if (runners.has(r) && r.resume(nested, false)) progressed = true;
  return progressed;
}

/** One task's callback loop between its turns. */
export class Runner {
  private set: WaitableSet | undefined;
  private yielded = false;
  private yieldReady = false;

  constructor(
    private readonly rt: AsyncInstance,
    readonly task: Task,
    private readonly callback: (code: number, handle: number, payload: number) => number,
    private readonly done: (error?: unknown) => void,
  ) {}

  /** What the task's last turn returned: it exits, yields, or waits (going on at once when it can). */
  handle(code: number): void {
    const action = code & 0xf;
    if (action === CALLBACK_EXIT) {
      this.done();
      return;
    }
    if (action === CALLBACK_YIELD) {
      this.yielded = true;
      this.yieldReady = false;
      runners.add(this);
      hostBegin();
      setTimeout(() => {
        this.yieldReady = true;
        queuePump();
        hostEnd();
      }, 0);
      return;
    }
    if (action !== CALLBACK_WAIT) {
      this.fail(() => this.rt.trap(`unsupported callback code ${action}`));
      return;
    }
    try {
      this.set = this.rt.runnerState(code >>> 4).set;
    } catch (error) {
      this.done(error);
      return;
    }
    this.yielded = false;
    this.set.waiting++;
    runners.add(this);
    // The task's own code is still on the stack: it goes on now if an event is ready.
    this.resume(false, true);
  }

  /** Runs the task's next turn if its event is ready (and its instance may be entered); whether it did. */
  resume(nested: boolean, continuing: boolean): boolean {
    const failure = this.rt.failed ?? this.rt.poisoned;
    if (failure !== undefined) {
      this.stop();
      this.done(failure.error);
      return true;
    }
    if (!continuing && !this.rt.mayEnter()) return false;
    const task = this.task;
    let event: [number, number, number] | undefined;
    if (task.deliverPendingCancel(true)) event = [EVENT_TASK_CANCELLED, 0, 0];
    else if (this.yielded) {
      // A task that yielded goes on at the next macrotask, or at once inside a synchronous wait (which
      // nothing else could end; the wait gives up after NESTED_ROUNDS rounds).
      if (nested || this.yieldReady) event = [EVENT_NONE, 0, 0];
    } else event = this.rt.nextEvent(this.set!);
    if (event === undefined) return false;
    this.stop();
    let code: number | Promise<number>;
    try {
      code = this.rt.runTurn(task, () => this.callback(...event!));
    } catch (error) {
      this.done(error);
      return true;
    }
    if (isPromiseLike(code)) code.then((c) => this.handle(c as number), this.done);
    else this.handle(code);
    return true;
  }

  /** Whether its next turn could run now (its event is there, or it yielded). */
  ready(): boolean {
    if (this.yielded) return true;
    if (this.task.cancelPending) return true;
    return this.set !== undefined && [...this.set.elems].some((w) => w.pending !== undefined);
  }

  private stop(): void {
    runners.delete(this);
    if (this.set !== undefined && !this.yielded) this.set.waiting--;
    this.set = undefined;
  }

  private fail(f: () => never): void {
    try {
      f();
    } catch (error) {
      this.done(error);
    }
  }
}
