/**
 * Cooperative threads of the component model (`thread.new-indirect`,
 * `thread.index`, `thread.resume-later`, `thread.suspend`,
 * `thread.{yield,suspend}-then-{resume,promote}`), after CanonicalABI.md's
 * `Thread`.
 *
 * A task's implicit thread is the call into its export. A thread that
 * `thread.new-indirect` makes runs its start function on a stack of its own
 * with JSPI (through `suspendable`), so that it can suspend and be resumed
 * later. Without JSPI it runs as a plain call, to its end: a thread that
 * would have to suspend (or make its caller wait for it) traps with a message
 * that names JSPI.
 *
 * Switching to a thread that never ran starts it at once, as the spec does.
 * Resuming a suspended thread wakes it: with JSPI its stack goes on from the
 * event loop's microtasks, once the thread that resumed it suspends or
 * returns to the event loop.
 */
import { type AsyncInstance } from "./async-runtime.js";
import { hostBegin, hostEnd, queuePump } from "./async-scheduler.js";
import { JSPI, suspendable } from "./async-jspi.js";
import { isPromiseLike, type Task } from "./async-tasks.js";

/** `Thread`: the implicit thread of a task, or one that `thread.new-indirect` made. */
export class Thread {
  /** Its index in the instance's table of threads. */
  index = 0;
  /**
   * `new`: made, never run; `suspended`: stopped in `thread.suspend` (or a
   * switch) until resumed; `running`: its code runs or waits for something
   * else (an event, another task); `exited`: its start function returned.
   */
  state: "new" | "suspended" | "running" | "exited" = "running";
  /** Resumed while suspended (or told to start later): it goes on when it can. */
  resumed = false;
  /** Its code runs through `suspendable` (with JSPI): it may block. */
  suspendable = false;
  constructor(
    readonly task: Task,
    /** The `context.get`/`set` slots: the task's own for its implicit thread. */
    readonly context: number[],
    /** The start function and its argument, for a thread `thread.new-indirect` made. */
    readonly start?: () => unknown,
  ) {}
}

/** The instance's table of threads (`inst.threads`), apart from its handles. */
export class ThreadTable {
  private readonly entries: (Thread | undefined)[] = [undefined];
  private readonly free: number[] = [];
  add(t: Thread): number {
    let i = this.free.pop();
    if (i === undefined) {
      i = this.entries.length;
      this.entries.push(t);
    } else this.entries[i] = t;
    t.index = i;
    return i;
  }
  get(i: number): Thread | undefined {
    return i === 0 ? undefined : this.entries[i];
  }
  remove(t: Thread): void {
    if (this.entries[t.index] !== t) return;
    this.entries[t.index] = undefined;
    this.free.push(t.index);
  }
}

/** The running thread: the current task's implicit thread unless a made thread runs. */
export function currentThread(rt: AsyncInstance, builtin: string): Thread {
  const task = rt.task(builtin);
  if (rt.thread !== undefined && rt.thread.task === task) return rt.thread;
  if (task.thread === undefined) {
    task.thread = new Thread(task, task.context);
    task.thread.suspendable = task.suspendable;
    rt.threads.add(task.thread);
  }
  return task.thread;
}

/** `canon thread.index`. */
export function threadIndex(rt: AsyncInstance): number {
  return currentThread(rt, "thread.index").index;
}

/** `canon thread.new-indirect`: a new thread of the running task, to call `table[index](arg)` once resumed. */
export function threadNew(rt: AsyncInstance, table: WebAssembly.Table, index: number, arg: number): number {
  const task = rt.task("thread.new-indirect");
  if (index >= table.length) rt.trap(`table index ${index} is out of bounds`);
  const f = table.get(index) as ((arg: number) => void) | null;
  if (typeof f !== "function") rt.trap(`table index ${index} holds no function`);
  const run = suspendable(f, "i", "");
  const t = new Thread(task, [0, 0], () => run(arg));
  t.state = "new";
  t.suspendable = JSPI;
  return rt.threads.add(t);
}

function suspendedThread(rt: AsyncInstance, i: number, builtin: string): Thread {
  const t = rt.threads.get(i);
  if (t === undefined) rt.trap(`${builtin}: unknown thread index ${i}`);
  if ((t.state !== "new" && t.state !== "suspended") || t.resumed) rt.trap(`${builtin}: thread ${i} is not suspended`);
  return t;
}

/** `canon thread.resume-later`: the thread goes on (or starts) when the instance is next free. */
export function threadResumeLater(rt: AsyncInstance, i: number): void {
  rt.task("thread.resume-later");
  wake(rt, suspendedThread(rt, i, "thread.resume-later"));
}

function wake(rt: AsyncInstance, t: Thread): void {
  t.resumed = true;
  if (t.state === "new") {
    // (Owed by the host: a thread waiting to start is no deadlock.)
    hostBegin();
    rt.later(() => {
      hostEnd();
      try {
        if (t.state === "new") start(rt, t);
      } catch {
        // A trap: it poisoned the instance, and its tasks fail.
      }
    });
  } else queuePump();
}

/** Runs a thread that never ran, at once, on a stack of its own with JSPI; it returns when the thread exits or suspends. */
function start(rt: AsyncInstance, t: Thread): void {
  t.state = "running";
  t.resumed = false;
  const exited = (): void => {
    t.state = "exited";
    rt.threads.remove(t);
  };
  const r = rt.runThread(t, t.start!, exited);
  if (!isPromiseLike(r)) exited();
}

/**
 * `canon thread.{yield,suspend}-then-{resume,promote}` and `thread.suspend`
 * (no `target`): the running thread stops (or, yielding, stays ready) and
 * `target` goes on. The result is 1 when a cancellable switch ends because
 * the caller cancelled the task.
 */
export function threadSwitch(
  rt: AsyncInstance,
  builtin: string,
  target: number | undefined,
  yielding: boolean,
  promote: boolean,
  cancellable: boolean,
): number {
  const self = currentThread(rt, builtin);
  const task = self.task;
  if (task.deliverPendingCancel(cancellable)) return 1;
  let other: Thread | undefined;
  if (target !== undefined) {
    if (promote) {
      // Promote: a thread resumed already goes on now, ahead of others; otherwise this only yields or suspends.
      const t = rt.threads.get(target);
      if (t === undefined) rt.trap(`${builtin}: unknown thread index ${target}`);
      if ((t.state === "new" || t.state === "suspended") && t.resumed) {
        t.resumed = false;
        other = t;
      }
    } else other = suspendedThread(rt, target, builtin);
  }
  if (!yielding) {
    self.state = "suspended";
    self.resumed = false;
  }
  if (other !== undefined) {
    if (other.state === "new") start(rt, other);
    else wake(rt, other);
  }
  if (yielding || self.resumed) {
    self.state = "running";
    self.resumed = false;
    return 0;
  }
  // Suspended until another thread resumes it (or, cancellable, the caller cancels the task: 1).
  const running = (result: number) => (): number => {
    self.state = "running";
    self.resumed = false;
    return result;
  };
  return rt.suspendThread(self, builtin, () => self.resumed, running(0), cancellable ? running(1) : undefined);
}
