/**
 * The asynchronous canonical ABI for generated JavaScript hosts: tasks,
 * subtasks, waitable sets, futures and streams of one component instance,
 * after CanonicalABI.md (the Python names are in the comments).
 *
 * This file is runtime code that hosts embed when a world or component uses
 * the async ABI; a synchronous host never contains it. It needs no stack
 * switching: a callback-lifted export is driven by its callback from the
 * JavaScript event loop, an async-lowered import returns at once with a
 * subtask. A guest that would have to block (a synchronous wait with no
 * event ready) blocks with JSPI where the engine has it and the task may
 * (see `suspendable` and `blocking` below), and otherwise traps with a
 * message that names JSPI.
 *
 * The generated glue supplies what depends on types (lifting a result,
 * lowering arguments, a payload's layout) as functions; everything here is
 * independent of the world.
 */
import {
  afterDone,
  CopyEnd,
  GuestBuffer,
  HostBuffer,
  HostBytes,
  SharedFuture,
  SharedStream,
  Subtask,
  Waitable,
  WaitableSet,
  asyncIterator,
  ErrorContext,
  ErrorContextEntry,
  type EndKind,
  type OnCopy,
  type OnCopyDone,
} from "./async-channels.js";
import { JSPI, park, setTurnDone } from "./async-jspi.js";
import { ThreadTable, type Thread } from "./async-threads.js";
import {
  Runner,
  checkDeadlock,
  hostBegin,
  hostEnd,
  hostPending,
  pump,
  queuePump,
  runners,
  waiters,
} from "./async-scheduler.js";
import {
  SUBTASK_STARTING,
  SUBTASK_STARTED,
  SUBTASK_RETURNED,
  SUBTASK_CANCELLED_BEFORE_STARTED,
  SUBTASK_CANCELLED_BEFORE_RETURNED,
  EVENT_NONE,
  EVENT_SUBTASK,
  EVENT_STREAM_READ,
  EVENT_STREAM_WRITE,
  EVENT_FUTURE_READ,
  EVENT_FUTURE_WRITE,
  EVENT_TASK_CANCELLED,
  COPY_COMPLETED,
  COPY_DROPPED,
  COPY_CANCELLED,
  BLOCKED,
  type Payload,
  sameType,
  type InstanceHooks,
  Task,
  type CallHooks,
  type CallOptions,
  isPromiseLike,
  NESTED_ROUNDS,
  OUTCOME,
  outcomeOf,
} from "./async-tasks.js";

type Entry = Waitable | WaitableSet | ErrorContextEntry;

/** The rejection of a call cancelled while queued behind backpressure. */
export class NotStarted extends Error {}

/**
 * One component instance's async state: its table of waitables, waitable
 * sets, subtasks and stream and future ends (`inst.table`), the task whose
 * code runs, the backpressure counter, and the export calls queued behind it.
 */
export class AsyncInstance {
  private readonly handles = new Map<Entry, number>();
  /** The task whose guest code runs now. */
  current: Task | undefined = undefined;
  /** `backpressure`: while above 0, new export calls wait. */
  backpressure = 0;
  /** Export calls waiting for backpressure to end. */
  private readonly queued: (() => void)[] = [];

  /**
   * `table` and `free`: the instance's table (index 0 never used; freed
   * indices reused last-freed first), shared with its resource handles when
   * the host has them.
   */
  constructor(
    private readonly hooks: InstanceHooks,
    private readonly table: unknown[] = [undefined],
    private readonly free: number[] = [],
  ) {}

  trap(message: string): never {
    return this.hooks.trap(message);
  }

  /** The number of live entries in the table (for tests: 0 after a clean run). */
  get liveHandles(): number {
    return this.handles.size;
  }

  // ------------------------------------------------------------- the table

  add(entry: Entry): number {
    let index = this.free.pop();
    if (index === undefined) {
      index = this.table.length;
      if (index >= 1 << 28) this.trap("the instance's table is full");
      this.table.push(entry);
    } else this.table[index] = entry;
    this.handles.set(entry, index);
    return index;
  }

  get(index: number): unknown {
    const entry = this.table[index];
    if (index === 0 || entry === undefined) this.trap(`unknown handle index ${index}`);
    return entry;
  }

  remove(index: number): unknown {
    const entry = this.get(index);
    this.table[index] = undefined;
    this.handles.delete(entry as Entry);
    this.free.push(index);
    return entry;
  }

  handleOf(entry: Entry): number {
    return this.handles.get(entry)!;
  }

  private waitable(index: number, what: string): Waitable {
    const entry = this.get(index);
    if (!(entry instanceof Waitable)) this.trap(`handle index ${index} is not a ${what}`);
    return entry;
  }

  private set(index: number): WaitableSet {
    const entry = this.get(index);
    if (!(entry instanceof WaitableSet)) this.trap(`handle index ${index} is not a waitable set`);
    return entry;
  }

  private subtask(index: number): Subtask {
    const entry = this.get(index);
    if (!(entry instanceof Subtask)) this.trap(`handle index ${index} is not a subtask`);
    return entry;
  }

  /** Something happened: every waiting task looks at its set again. */
  wake(): void {
    queuePump();
  }

  /** The task whose code calls `builtin` (a trap outside any). */
  task(builtin: string): Task {
    if (this.current === undefined) this.trap(`${builtin} called outside a task`);
    return this.current;
  }

  // ------------------------------------------------------------- built-ins

  /** `canon waitable-set.new`. */
  waitableSetNew(): number {
    return this.add(new WaitableSet());
  }

  /** `canon waitable-set.drop`. */
  waitableSetDrop(index: number): void {
    const set = this.set(index);
    if (set.elems.size > 0 || set.waiting > 0) this.trap("cannot drop waitable set with waiters");
    this.remove(index);
  }

  /** `canon waitable.join`: `set` 0 takes the waitable out of its set. */
  waitableJoin(index: number, set: number): void {
    const w = this.waitable(index, "waitable");
    w.join(set === 0 ? undefined : this.set(set));
  }

  /**
   * `canon waitable-set.poll`, and `wait` when an event is ready: the event
   * code, with the handle and payload stored at `ptr` by `store`. A `wait`
   * with nothing ready would block: without stack switching, it traps.
   */
  waitableSetPollOrWait(
    index: number,
    wait: boolean,
    store: (handle: number, payload: number) => void,
    cancellable = false,
  ): number {
    const task = this.task(wait ? "waitable-set.wait" : "waitable-set.poll");
    const set = this.set(index);
    if (task.deliverPendingCancel(cancellable)) {
      store(0, 0);
      return EVENT_TASK_CANCELLED;
    }
    let event = set.next((w) => this.handleOf(w));
    if (event === undefined && wait) {
      // Other instances' tasks may bring the event; when none can run, waiting needs stack switching.
      set.waiting++;
      try {
        this.waitSync(() => (event = set.next((w) => this.handleOf(w))) !== undefined);
      } finally {
        set.waiting--;
      }
      if (event === undefined && this.canSuspend(task)) {
        set.waiting++;
        return this.suspend(
          task,
          () => (event = set.next((w) => this.handleOf(w))) !== undefined,
          () => {
            set.waiting--;
            store(event![1], event![2]);
            return event![0];
          },
          cancellable
            ? () => {
                set.waiting--;
                store(0, 0);
                return EVENT_TASK_CANCELLED;
              }
            : undefined,
        );
      }
      if (event === undefined)
        this.trap(
          "waitable-set.wait would block with nothing ready: a synchronous wait needs stack switching (JSPI), which this engine lacks",
        );
    }
    if (event === undefined) {
      store(0, 0);
      return EVENT_NONE;
    }
    store(event[1], event[2]);
    return event[0];
  }

  /** Whether the running task may block (with JSPI) in a synchronous call that must wait. */
  mayBlock(): boolean {
    return this.canSuspend(this.current);
  }

  /**
   * A synchronous call that must wait for `pending` (another component's
   * task, a host function's promise) blocks the running task (with JSPI);
   * the guest gets `finish` of the value once it settles. A rejection traps.
   */
  blockOn(pending: PromiseLike<unknown>, finish: (value: unknown) => unknown): void {
    let outcome: { value: unknown } | { error: unknown } | undefined;
    // (Counted as owed by the host even when another component's task gives it: never a false deadlock.)
    hostBegin();
    pending.then(
      (value) => {
        outcome = { value };
        queuePump();
        hostEnd();
      },
      (error: unknown) => {
        outcome = { error };
        queuePump();
        hostEnd();
      },
    );
    this.suspend(
      this.current!,
      () => outcome !== undefined,
      () => {
        if ("error" in outcome!) throw outcome.error;
        return finish(outcome!.value);
      },
    );
  }

  /**
   * `canon thread.yield`: with JSPI, a task that may block lets the others
   * run until the event loop's next macrotask; otherwise it returns at once.
   * A `cancellable` yield returns 1 when the caller cancelled the task (a
   * pending request, or one made while it yielded), else 0.
   */
  threadYield(cancellable = false): number {
    const task = this.task("thread.yield");
    if (task.deliverPendingCancel(cancellable)) return 1;
    if (!this.canSuspend(task)) return 0;
    let go = false;
    hostBegin();
    setTimeout(() => {
      go = true;
      queuePump();
      hostEnd();
    }, 0);
    return this.suspend(
      task,
      () => go,
      () => 0,
      cancellable ? () => 1 : undefined,
    );
  }

  /** `canon context.get`. */
  contextGet(slot: number): number {
    return this.contextOf(this.task("context.get"))[slot]!;
  }

  /** `canon context.set`. */
  contextSet(slot: number, value: number): void {
    this.contextOf(this.task("context.set"))[slot] = value;
  }

  /** The slots of the running thread: a made thread's own, else the task's. */
  private contextOf(task: Task): number[] {
    return this.thread !== undefined && this.thread.task === task ? this.thread.context : task.context;
  }

  // -------------------------------------------------------------- threads

  /** The thread a made thread's code runs on, while it runs (`undefined`: the current task's implicit thread). */
  thread: Thread | undefined = undefined;
  /** `inst.threads`. */
  readonly threads = new ThreadTable();

  /**
   * Runs `f`, the code of thread `t`, now (inside the running code, or from
   * the event loop). Returns what `f` returns: a promise when the thread
   * blocked (with JSPI), and `exited` runs when it ends later.
   */
  runThread(t: Thread, f: () => unknown, exited: () => void): unknown {
    const outerTask = this.current;
    const outerThread = this.thread;
    if (outerTask === undefined) this.hooks.enter?.();
    this.current = t.task;
    this.thread = t;
    setTurnDone(() => {
      this.current = undefined;
      this.thread = undefined;
      this.hooks.leave?.();
      exited();
    });
    try {
      const r = f();
      if (isPromiseLike(r))
        r.then(undefined, (error: unknown) => {
          this.poisoned ??= { error };
          this.hooks.poison?.();
        });
      return r;
    } catch (error) {
      this.poisoned ??= { error };
      this.hooks.poison?.();
      this.wake();
      throw error;
    } finally {
      setTurnDone(undefined);
      this.current = outerTask;
      this.thread = outerThread;
      if (outerTask === undefined) this.hooks.leave?.();
      else this.hooks.enter?.();
    }
  }

  /** Runs `f` once no code of the instance runs and it may be entered. */
  later(f: () => void): void {
    waiters.add({
      ready: () => this.current === undefined && this.exclusive === 0 && this.mayEnter(),
      resolve: f,
      deadlock: () => {},
      explicit: true,
    });
    queuePump();
  }

  /** Stops the running thread until `ready()` (with JSPI; a trap naming JSPI without). */
  suspendThread<T>(self: Thread, builtin: string, ready: () => boolean, finish: () => T, cancelled?: () => T): T {
    const task = self.task;
    if (task.sync && !task.suspendable && self === task.thread)
      this.trap("cannot block a synchronous task before returning");
    if (!this.canSuspend(task))
      this.trap(`${builtin} would suspend the thread, which needs stack switching (JSPI), which this engine lacks`);
    return this.suspend(task, ready, finish, cancelled, true);
  }

  /** `canon backpressure.inc` / `dec`. */
  backpressureInc(): void {
    if (this.backpressure >= 0xffff) this.trap("backpressure counter overflow");
    this.backpressure++;
  }
  /** `canon backpressure.set` (the older form). */
  backpressureSet(on: boolean): void {
    this.backpressure = on ? 1 : 0;
    if (!on) this.releaseSoon();
  }
  backpressureDec(): void {
    if (this.backpressure === 0) this.trap("backpressure counter underflow");
    if (--this.backpressure === 0) this.releaseSoon();
  }

  /** Calls waiting behind backpressure start once the guest code that lifted it has returned. */
  private releaseSoon(): void {
    if (this.current === undefined && this.mayEnter()) this.releaseQueued();
    else queueMicrotask(() => this.releaseQueued());
  }

  /** `canon task.return`: `args` are the core arguments, which the export's glue lifts. */
  taskReturn(args: unknown[], key?: string): void {
    const task = this.task("task.return");
    if (task.sync) this.trap("task.return called by a synchronous task");
    if (key !== undefined && task.resultKey !== undefined && key !== task.resultKey)
      this.trap("invalid `task.return` signature and/or options for current task");
    if (task.returned) this.trap("task.return called twice");
    if (task.borrows !== undefined && task.borrows.n > 0)
      this.trap("borrow handles still remain at the end of the call");
    task.returned = true;
    task.onReturn(args);
  }

  /** `canon task.cancel`: the task acknowledges its caller's cancellation. */
  taskCancel(): void {
    const task = this.task("task.cancel");
    if (task.returned) this.trap("task.cancel called after task.return");
    if (!task.cancelDelivered) this.trap("task.cancel called without a cancellation request");
    task.returned = true;
    task.onCancel();
  }

  /** `canon subtask.drop`. */
  subtaskDrop(index: number): void {
    const s = this.subtask(index);
    if (!s.resolveDelivered) this.trap("cannot drop a subtask which has not yet resolved");
    if (s.set !== undefined) s.join(undefined);
    this.remove(index);
  }

  /**
   * `canon subtask.cancel`: a callee in JavaScript settles later, so unless
   * the subtask has already resolved, the async form returns `BLOCKED`
   * (the event follows) and the synchronous form would block (a trap).
   * A callee component blocked (with JSPI) in a cancellable wait runs at
   * once, as in the spec: a caller that may block waits until the callee
   * resolved or blocked again. A synchronous cancel of a host function,
   * where the caller cannot block, resolves at once as cancelled.
   */
  subtaskCancel(index: number, async: boolean): number {
    const s = this.subtask(index);
    if (s.resolveDelivered) this.trap("subtask.cancel called after the subtask resolved");
    if (s.cancelRequested) this.trap("subtask.cancel called twice");
    if (!async && s.set !== undefined) this.trap("waitable cannot be used synchronously while added to a waitable set");
    s.cancelRequested = true;
    if (s.pending === undefined) {
      const callee = s.callee;
      const resumesCallee = callee !== undefined && callee.parkedCancellable;
      const parks = callee?.parks ?? 0;
      s.abort.abort();
      if (s.pending === undefined && resumesCallee && this.canSuspend(this.current)) {
        // The callee blocked where the cancellation ends its wait: it runs now, until it resolves or blocks again.
        // (A synchronous cancel waits on until it resolves.)
        return this.suspend(
          this.current!,
          () => s.pending !== undefined || (async && callee.parks > parks),
          () => (s.pending !== undefined ? s.takePending()[1] : BLOCKED),
        );
      }
      if (s.pending === undefined) {
        if (async) return BLOCKED;
        return this.waitOrTrap(
          s,
          "subtask.cancel would block: a synchronous cancel needs stack switching (JSPI), which this engine lacks",
          // A host function cannot answer at once: it is cancelled now (its signal aborted; what it gives later is dropped).
          () => s.cancelAtOnce?.(),
        );
      }
    }
    return s.takePending()[1];
  }

  // ---------------------------------------------------------- async calls

  /**
   * `canon lower async` of a function another party implements (the host,
   * or another component's export): `start` runs it (and `lowerResult`
   * lowers its result when it settles). A value returned at once gives
   * `RETURNED` with no subtask; a promise gives `STARTED` (or `STARTING`,
   * when the callee queued the call behind its backpressure) with the
   * subtask's handle, which reports the later states as events. A promise
   * rejected after `subtask.cancel` gives `CANCELLED_BEFORE_RETURNED` (or
   * `CANCELLED_BEFORE_STARTED` for a `NotStarted` rejection).
   */
  callImport(
    start: (signal: AbortSignal, hooks: CallHooks) => unknown,
    lowerResult: (value: unknown) => void,
    release?: () => void,
    /** The callee is the host (not another component's task): its promise is what the host owes. */
    host = true,
  ): number {
    const subtask = new Subtask(this);
    let queued = false;
    let handled = false;
    let returnedAtOnce = true;
    const resolve = (state: number): void => {
      // The borrows lent to the call end when it resolves.
      release?.();
      subtask.state = state;
      subtask.setPending(() => {
        subtask.resolveDelivered = true;
        return [EVENT_SUBTASK, state];
      });
    };
    const onValue = (value: unknown): void => {
      if (handled || returnedAtOnce) return;
      handled = true;
      if (this.poisoned !== undefined) return;
      try {
        lowerResult(value);
      } catch (e) {
        this.fail(e);
        return;
      }
      resolve(SUBTASK_RETURNED);
    };
    const onError = (error: unknown): void => {
      if (handled || returnedAtOnce) return;
      handled = true;
      if (subtask.cancelRequested)
        resolve(error instanceof NotStarted ? SUBTASK_CANCELLED_BEFORE_STARTED : SUBTASK_CANCELLED_BEFORE_RETURNED);
      else this.fail(error);
    };
    const hooks: CallHooks = {
      queued: () => {
        queued = true;
      },
      started: () => {
        if (!queued || subtask.state !== SUBTASK_STARTING) return;
        subtask.state = SUBTASK_STARTED;
        if (this.handles.has(subtask)) subtask.setPending(() => [EVENT_SUBTASK, SUBTASK_STARTED]);
      },
      resolved: onValue,
      rejected: onError,
      task: (task) => {
        subtask.callee = task;
      },
    };
    const result = start(subtask.abort.signal, hooks);
    // Another instance's export (reached through JavaScript) whose task returned in its first turn
    // gives its value at once, as it would to a caller in the same composition.
    const outcome = isPromiseLike(result) ? outcomeOf(result)?.() : undefined;
    if (outcome !== undefined && "value" in outcome) {
      Promise.resolve(result).catch(() => {});
      release?.();
      lowerResult(outcome.value);
      return SUBTASK_RETURNED;
    }
    if (!isPromiseLike(result)) {
      release?.();
      lowerResult(result);
      return SUBTASK_RETURNED;
    }
    returnedAtOnce = false;
    subtask.state = queued ? SUBTASK_STARTING : SUBTASK_STARTED;
    if (host)
      subtask.cancelAtOnce = () => {
        if (handled) return;
        handled = true;
        resolve(SUBTASK_CANCELLED_BEFORE_RETURNED);
      };
    const handle = this.add(subtask);
    if (host) {
      hostBegin();
      Promise.resolve(result).then(onValue, onError).finally(hostEnd);
    } else Promise.resolve(result).then(onValue, onError);
    return subtask.state | (handle << 4);
  }

  /** The first error of a host function: every task of the instance fails with it. */
  private failure: { error: unknown } | undefined = undefined;
  /** Set, with the trap, when the instance trapped: nothing more runs. */
  poisoned: { error: unknown } | undefined = undefined;

  fail(error: unknown): void {
    this.failure ??= { error };
    this.wake();
  }

  /**
   * Calls an export lifted `async`: `start` runs its core function
   * (returning its `CallbackCode`, or nothing when stackful), `callback`
   * the callback with an event. The result settles when the task calls
   * `task.return` (with what `lift` made of it). The task's code runs at
   * once, as far as it can without waiting; a task that returned by then
   * gives its value itself (when `options.eager`), else a promise. Later
   * turns go on in the background, and a trap in them poisons the instance.
   */
  callExport<T>(
    start: () => number | void,
    callback: ((code: number, handle: number, payload: number) => number) | undefined,
    lift: (args: unknown[]) => T,
    options?: CallOptions,
  ): T | Promise<T> {
    let settled: { value: T } | undefined;
    let failedWith: { error: unknown } | undefined;
    let task!: Task;
    const promise = new Promise<T>((resolvePromise, rejectPromise) => {
      // The caller in another component hears of the outcome at once (its subtask's event).
      const resolve = (value: T): void => {
        if (settled !== undefined || failedWith !== undefined) return;
        settled = { value };
        resolvePromise(value);
        options?.hooks?.resolved?.(value);
      };
      const reject = (error: unknown): void => {
        if (settled !== undefined || failedWith !== undefined) return;
        failedWith = { error };
        rejectPromise(error);
        options?.hooks?.rejected?.(error);
      };
      task = new Task(
        (args) => resolve(lift(args)),
        () => reject(new DOMExceptionLike("the call was cancelled", "AbortError")),
      );
      task.resultKey = options?.resultKey;
      task.raw = options?.eager === true;
      task.suspendable = JSPI && options?.suspendable === true;
      task.callback = callback !== undefined;
      task.borrows = options?.borrows;
      options?.hooks?.task?.(task);
      let started = false;
      const run = (): void => {
        started = true;
        options?.hooks?.started();
        const exited = (): void => {
          if (!task.returned) reject(new Error("the task exited without calling task.return"));
        };
        const failed = (error: unknown): void => {
          if (!task.returned) reject(error);
        };
        if (callback === undefined) {
          // Stackful: one turn; a wait with nothing ready traps (it needs JSPI).
          const ended = (): void => {
            if (!task.returned) this.turn(task, () => this.trap("the task exited without calling task.return"));
          };
          try {
            const r = this.turn(task, start);
            if (isPromiseLike(r))
              r.then(() => {
                try {
                  ended();
                } catch (error) {
                  failed(error);
                }
              }, failed);
            else ended();
          } catch (error) {
            failed(error);
          }
          return;
        }
        this.drive(task, start as () => number, callback, (error) => (error === undefined ? exited() : failed(error)));
      };
      const signal = options?.signal;
      if (signal !== undefined)
        signal.addEventListener(
          "abort",
          () => {
            if (task.returned) return;
            if (!started) {
              const i = this.queued.indexOf(run);
              if (i >= 0) this.queued.splice(i, 1);
              task.returned = true;
              reject(new NotStarted("the call was cancelled before it started"));
              return;
            }
            task.cancelRequested = true;
            // A task waiting for an event hears of it at once (its callback runs now, if it may).
            for (const r of runners)
              if (r.task === task) {
                r.resume(false, false);
                break;
              }
            this.wake();
          },
          { once: true },
        );
      if (this.backpressure > 0 || this.exclusive > 0 || this.queued.length > 0) {
        options?.hooks?.queued();
        this.queued.push(run);
      } else run();
    });
    if (options?.eager) {
      // Settled already: nobody else waits for the promise.
      if (settled !== undefined || failedWith !== undefined) promise.catch(() => {});
      if (settled !== undefined) return settled.value;
      if (failedWith !== undefined) throw failedWith.error;
    }
    return Object.assign(promise, { [OUTCOME]: () => settled ?? failedWith });
  }

  /**
   * Runs `f` (a synchronously lifted export's core call) as a task of its
   * own, so that the built-ins it calls find one. Returns what `f` returns.
   */
  syncTask<R>(f: () => R, suspendable = false, task?: Task): R {
    task ??= this.newSyncTask(suspendable);
    const outer = this.current;
    const outerThread = this.thread;
    this.current = task;
    this.thread = undefined;
    if (task.suspendable)
      setTurnDone(() => {
        this.current = undefined;
        this.thread = undefined;
        this.hooks.leave?.();
      });
    try {
      return f();
    } finally {
      this.current = outer;
      this.thread = outerThread;
      setTurnDone(undefined);
    }
  }

  /**
   * The task of a synchronously lifted call. Its post-return runs in the same
   * task (`syncTask(post, false, task)`), so it sees the call's context slots.
   */
  newSyncTask(suspendable = false): Task {
    const task = new Task(
      () => this.trap("task.return called by a synchronous task"),
      () => this.trap("task.cancel called by a synchronous task"),
    );
    task.sync = true;
    // A synchronously lifted function of async type may block (with JSPI), its code run by `suspendable`.
    task.suspendable = JSPI && suspendable;
    return task;
  }

  private releaseQueued(): void {
    while (this.backpressure === 0 && this.exclusive === 0 && this.queued.length > 0) this.queued.shift()!();
  }

  /**
   * Synchronously lifted tasks blocked now (with JSPI): while there is one,
   * the instance is theirs, and new calls wait as behind backpressure.
   */
  exclusive = 0;

  /** A synchronously lifted task blocked (with JSPI). */
  enterExclusive(): void {
    this.exclusive++;
  }

  /** That task went on and returned: calls that waited may start. */
  leaveExclusive(): void {
    this.exclusive--;
    this.releaseQueued();
  }

  /** Whether a new call must wait to start: backpressure, a blocked task's hold, or calls waiting already. */
  mustWait(): boolean {
    return !this.starting && (this.backpressure > 0 || this.exclusive > 0 || this.queued.length > 0);
  }
  /** Set while a call that waited starts (it does not wait again). */
  private starting = false;

  /**
   * A call that must wait to start: a promise of its value once it ran
   * (`start` lowers its arguments then, so that a call cancelled before it
   * started left nothing in the guest's memory).
   */
  whenFree<T>(start: () => T | PromiseLike<T>, hooks?: CallHooks, signal?: AbortSignal): Promise<T> {
    hooks?.queued();
    return new Promise<T>((resolve, reject) => {
      const run = (): void => {
        signal?.removeEventListener("abort", cancel);
        hooks?.started();
        this.starting = true;
        try {
          Promise.resolve(start()).then(resolve, reject);
        } catch (error) {
          reject(error);
        } finally {
          this.starting = false;
        }
      };
      const cancel = (): void => {
        const i = this.queued.indexOf(run);
        if (i < 0) return;
        this.queued.splice(i, 1);
        const error = new NotStarted("the call was cancelled before it started");
        reject(error);
        // A caller in another component hears of it at once.
        hooks?.rejected?.(error);
      };
      if (signal?.aborted) return cancel();
      signal?.addEventListener("abort", cancel, { once: true });
      this.queued.push(run);
    });
  }

  /** Runs one turn of a task's guest code. */
  private turn<R>(task: Task, f: () => R): R {
    if (this.poisoned !== undefined) {
      const cause = this.poisoned.error;
      const message = cause instanceof Error ? `: ${cause.message}` : "";
      throw new Error(`the instance trapped earlier${message}`, { cause });
    }
    if (this.current !== undefined) this.trap("a task's guest code runs while another's does");
    this.current = task;
    this.thread = undefined;
    // Guest code that blocked (with JSPI) and returns later leaves the instance then.
    setTurnDone(() => {
      this.current = undefined;
      this.hooks.leave?.();
    });
    try {
      const result = f();
      if (isPromiseLike(result)) {
        // A callback-lifted task's turn that blocked keeps the instance to itself until it ends.
        const exclusive = task.callback;
        if (exclusive) this.enterExclusive();
        (result as PromiseLike<unknown>).then(
          () => {
            if (exclusive) this.leaveExclusive();
          },
          (error: unknown) => {
            this.poisoned ??= { error };
            this.hooks.poison?.();
            if (exclusive) this.leaveExclusive();
          },
        );
      }
      return result;
    } catch (error) {
      // A trap, even after the task returned: no code of this instance runs again.
      this.poisoned ??= { error };
      throw error;
    } finally {
      this.current = undefined;
      this.thread = undefined;
      setTurnDone(undefined);
    }
  }

  /**
   * A synchronous built-in waiting for `w`'s event: other instances' tasks
   * run first; if none brings it, the task blocks (with JSPI), or else
   * `lastResort` may settle it, or else the built-in traps with `blocked`.
   * The event's payload is the result.
   */
  private waitOrTrap(w: Waitable, blocked: string, lastResort?: () => void): number {
    if (!this.waitSync(() => w.pending !== undefined) && this.canSuspend(this.current))
      return this.suspend(
        this.current!,
        () => w.pending !== undefined,
        () => w.takePending()[1],
      );
    if (w.pending === undefined) lastResort?.();
    if (w.pending === undefined) this.trap(blocked);
    return w.takePending()[1];
  }

  /** Whether `task` may block here: its code (or the made thread's that runs) runs through `suspendable` (with JSPI). */
  private canSuspend(task: Task | undefined): boolean {
    if (task === undefined) return false;
    const t = this.thread;
    return t !== undefined && t.task === task && t !== task.thread ? t.suspendable : task.suspendable;
  }

  /**
   * Blocks `task` (with JSPI) until `ready()` holds: the built-in that calls
   * this returns a placeholder, and the guest gets `finish()` once resumed.
   * A cancellable wait (`cancelled` given) also ends when the caller cancels
   * the task, and the guest gets `cancelled()`.
   */
  private suspend<T>(
    task: Task,
    ready: () => boolean,
    finish: () => T,
    cancelled?: () => T,
    /** Waits for another thread's explicit resume: never a deadlock. */
    explicit = false,
  ): T {
    const thread = this.thread;
    this.current = undefined;
    this.thread = undefined;
    this.hooks.leave?.();
    let deadlocked = false;
    const cancelNow = (): boolean => cancelled !== undefined && task.cancelPending;
    task.parks++;
    task.parkedCancellable = cancelled !== undefined;
    park(
      new Promise<void>((resolve) => {
        waiters.add({
          ready: () => cancelNow() || ready(),
          resolve,
          deadlock: () => {
            deadlocked = true;
            resolve();
          },
          explicit,
        });
        queuePump();
        if (hostPending === 0) checkDeadlock();
      }),
      () => {
        this.current = task;
        this.thread = thread;
        task.parkedCancellable = false;
        this.hooks.enter?.();
        if (deadlocked) this.trap("deadlock detected: event loop cannot make further progress");
        if (task.deliverPendingCancel(cancelled !== undefined)) return cancelled!();
        return finish();
      },
    );
    return 0 as T;
  }

  /** The callback loop of one task (`canon_lift` with a callback): it goes on at once, or when the scheduler resumes it. */
  private drive(
    task: Task,
    start: () => number,
    callback: (code: number, handle: number, payload: number) => number,
    done: (error?: unknown) => void,
  ): void {
    let code: number | Promise<number>;
    try {
      code = this.turn(task, start);
    } catch (error) {
      done(error);
      return;
    }
    const runner = new Runner(this, task, callback, done);
    if (isPromiseLike(code)) code.then((c) => runner.handle(c as number), done);
    else runner.handle(code);
  }

  /** Runs other instances' waiting tasks until `ready()` holds; false when nothing could run first. */
  private waitSync(ready: () => boolean): boolean {
    for (let rounds = 0; !ready(); rounds++) if (rounds === NESTED_ROUNDS || !pump(true)) return false;
    return true;
  }

  /** The scheduler's view of the instance: its failure, whether it may be entered, its sets. */
  runnerState(index: number): { set: WaitableSet } {
    return { set: this.set(index) };
  }
  get failed(): { error: unknown } | undefined {
    return this.failure;
  }
  mayEnter(): boolean {
    return this.poisoned === undefined && (this.hooks.mayEnter?.() ?? true);
  }
  nextEvent(set: WaitableSet): [number, number, number] | undefined {
    return set.next((w) => this.handleOf(w));
  }
  runTurn<R>(task: Task, f: () => R): R {
    return this.turn(task, f);
  }

  // --------------------------------------------------- futures and streams

  /** `canon {stream,future}.new`: the readable end's handle in the low 32 bits, the writable's above. */
  channelNew(kind: "stream" | "future", payload: Payload): bigint {
    const shared = kind === "stream" ? new SharedStream(payload) : new SharedFuture(payload);
    const r = this.add(new CopyEnd(this, `${kind}-readable`, shared));
    const w = this.add(new CopyEnd(this, `${kind}-writable`, shared));
    return (BigInt(w) << 32n) | BigInt(r);
  }

  private end(index: number, kind: EndKind, payload: Payload): CopyEnd {
    const e = this.get(index);
    if (!(e instanceof CopyEnd) || e.kind !== kind)
      this.trap(`handle index ${index} is not a ${kind.replace("-", " ")} end`);
    if (!sameType(e.shared.payload, payload)) this.trap(`handle index ${index} used with the wrong type`);
    return e;
  }

  /**
   * `canon {stream,future}.{read,write}`: starts a copy between the end and
   * `count` values at `ptr`; returns the packed result, or `BLOCKED` when
   * it cannot finish at once (the event follows).
   */
  channelCopy(
    kind: "stream" | "future",
    op: "read" | "write",
    payload: Payload,
    index: number,
    ptr: number,
    count: number,
    async: boolean,
  ): number {
    const e = this.end(index, `${kind}-${op === "read" ? "readable" : "writable"}`, payload);
    if (e.state === "done") this.trap(afterDone[`${kind}-${op}`]);
    if (e.state !== "idle") this.trap("cannot have concurrent operations active on a future/stream");
    if (!async && e.set !== undefined) this.trap("waitable cannot be used synchronously while added to a waitable set");
    if (payload.size > 0 && count > 0) {
      if (ptr % payload.align !== 0) this.trap(`misaligned pointer ${ptr} (alignment ${payload.align})`);
      const bytes = payload.memoryBytes?.() ?? this.hooks.memoryBytes();
      if (ptr + count * payload.size > bytes) this.trap(`${count} values at ${ptr} are out of bounds`);
    }
    const buffer = new GuestBuffer(this, payload, ptr, count);
    const code =
      kind === "stream"
        ? op === "read"
          ? EVENT_STREAM_READ
          : EVENT_STREAM_WRITE
        : op === "read"
          ? EVENT_FUTURE_READ
          : EVENT_FUTURE_WRITE;
    const future = kind === "future";
    const event = (result: number, reclaim: () => void) => (): [number, number] => {
      reclaim();
      if (future) {
        e.state = result === COPY_DROPPED || result === COPY_COMPLETED ? "done" : "idle";
        return [code, result];
      }
      e.state = result === COPY_DROPPED ? "done" : "idle";
      return [code, result | (buffer.progress << 4)];
    };
    e.state = "copying";
    const onCopy: OnCopy = (reclaim) => {
      e.setPending(event(COPY_COMPLETED, reclaim));
      e.cancelPartial = () => {
        e.pending = event(COPY_CANCELLED, reclaim);
      };
    };
    const onCopyDone: OnCopyDone = (result) => {
      e.cancelPartial = undefined;
      e.setPending(event(result, () => {}));
    };
    if (e.shared instanceof SharedStream) {
      if (op === "read") e.shared.read(buffer, onCopy, onCopyDone);
      else e.shared.write(buffer, onCopy, onCopyDone);
    } else if (op === "read") e.shared.read(buffer, onCopyDone);
    else e.shared.write(buffer, onCopyDone);
    if (e.pending === undefined) {
      if (async) return BLOCKED;
      return this.waitOrTrap(
        e,
        `a synchronous ${kind}.${op} would block: it needs stack switching (JSPI), which this engine lacks`,
      );
    }
    return e.takePending()[1];
  }

  /** `canon {stream,future}.cancel-{read,write}`. */
  channelCancel(
    kind: "stream" | "future",
    op: "read" | "write",
    payload: Payload,
    index: number,
    async: boolean,
  ): number {
    const e = this.end(index, `${kind}-${op === "read" ? "readable" : "writable"}`, payload);
    if (e.state !== "copying") this.trap(`${kind}.cancel-${op} with no copy in progress`);
    if (!async && e.set !== undefined) this.trap("waitable cannot be used synchronously while added to a waitable set");
    e.state = "cancelling";
    if (e.pending !== undefined) e.cancelPartial?.();
    e.cancelPartial = undefined;
    if (e.pending === undefined) {
      e.shared.cancel();
      if (e.pending === undefined) {
        if (async) return BLOCKED;
        return this.waitOrTrap(
          e,
          `a synchronous ${kind}.cancel-${op} would block: it needs stack switching (JSPI), which this engine lacks`,
        );
      }
    }
    return e.takePending()[1];
  }

  /** `canon {stream,future}.drop-{readable,writable}`. */
  channelDrop(kind: "stream" | "future", side: "readable" | "writable", payload: Payload, index: number): void {
    const e = this.end(index, `${kind}-${side}`, payload);
    if (e.state === "copying" || e.state === "cancelling") this.trap(`cannot drop busy ${kind}`);
    if (kind === "future" && side === "writable" && e.state !== "done")
      this.trap("cannot drop future write end without first writing a value");
    if (e.set !== undefined) e.join(undefined);
    this.remove(index);
    e.shared.drop();
  }

  /**
   * `lift_async_value`: takes the readable end `index` out of the table and
   * gives its channel, which another component's lowering (`lowerFuture`,
   * `lowerStream`) adds to its own table as it is.
   */
  takeReadable(kind: "stream" | "future", index: number, payload: Payload): SharedStream | SharedFuture {
    const e = this.end(index, `${kind}-readable`, payload);
    if (e.state === "done")
      this.trap(
        kind === "future"
          ? "cannot lift future after previous read succeeded"
          : "cannot lift stream after being notified that the writable end dropped",
      );
    if (e.state !== "idle") this.trap("cannot have concurrent operations active on a future/stream");
    if (e.set !== undefined) this.trap(`cannot lift ${kind} while it's in a waitable set`);
    this.remove(index);
    return e.shared;
  }

  // ----------------------------------------------------------- error contexts

  /** `canon error-context.new`: a new handle to an error context with `message`. */
  errorContextNew(message: string): number {
    return this.add(new ErrorContextEntry(new ErrorContext(message)));
  }

  /** `canon error-context.debug-message`: the message of the error context `index`. */
  errorContextMessage(index: number): string {
    return this.errorContext(index).message;
  }

  /** `canon error-context.drop`. */
  errorContextDrop(index: number): void {
    this.errorContext(index);
    this.remove(index);
  }

  /** Lifting an `error-context`: the handle stays; the value is the shared error context. */
  liftErrorContext(index: number): ErrorContext {
    return this.errorContext(index);
  }

  /** Lowering an `error-context`: an `ErrorContext` (or any `Error`, by its message) gets a new handle. */
  lowerErrorContext(value: unknown): number {
    if (value instanceof ErrorContext) return this.add(new ErrorContextEntry(value));
    if (value instanceof Error)
      return this.add(new ErrorContextEntry(new ErrorContext(value.message, { cause: value })));
    throw new TypeError(`an error-context must be given as an Error, got ${typeof value}`);
  }

  private errorContext(index: number): ErrorContext {
    const entry = this.get(index);
    if (!(entry instanceof ErrorContextEntry)) this.trap(`handle index ${index} is not an error context`);
    return entry.value;
  }

  // ------------------------------------------- futures between guest and host

  /**
   * `lift_async_value` of a future: takes the readable end `index` out of
   * the table; the promise settles with the value the guest writes.
   */
  liftFuture(index: number, payload: Payload): Promise<unknown> {
    const shared = this.takeReadable("future", index, payload) as SharedFuture;
    return new Promise((resolve, reject) => {
      const dst = new HostBuffer([], 1);
      shared.read(dst, (result) => {
        if (result === COPY_COMPLETED) resolve(dst.values[0]);
        else reject(new Error("the future's writer went away without writing it"));
      });
    });
  }

  /**
   * Lowers a future the host writes: a new readable end for the guest,
   * written with `value` (or what it settles with) when the guest reads.
   */
  lowerFuture(value: unknown, payload: Payload): number {
    if (value instanceof SharedFuture) return this.add(new CopyEnd(this, "future-readable", value));
    const shared = new SharedFuture(payload);
    const index = this.add(new CopyEnd(this, "future-readable", shared));
    hostBegin();
    Promise.resolve(value)
      .then(
        (v) => {
          if (this.poisoned !== undefined) return;
          try {
            shared.write(new HostBuffer([v], 1), () => {});
          } catch (error) {
            this.fail(error);
          }
        },
        (error: unknown) => this.fail(error),
      )
      .finally(hostEnd);
    return index;
  }

  // ------------------------------------------- streams between guest and host

  /**
   * `lift_async_value` of a stream: takes the readable end `index` out of
   * the table. The host reads it as a `ReadableStream`: of `Uint8Array`
   * chunks for `stream<u8>` (`bytes`), else of one value per chunk. Each
   * pull is one read of up to `chunk` values; cancelling drops the end.
   */
  liftStream(index: number, payload: Payload, bytes: boolean, chunk = bytes ? 65536 : 1024): ReadableStream<unknown> {
    const shared = this.takeReadable("stream", index, payload) as SharedStream;
    return new ReadableStream<unknown>(
      {
        pull: (controller) =>
          new Promise<void>((resolve) => {
            const dst = bytes ? new HostBytes(undefined, chunk) : new HostBuffer([], chunk);
            let settled = false;
            const settle = (result: number): void => {
              if (settled) return;
              settled = true;
              if (dst.progress > 0) {
                if (dst instanceof HostBytes) controller.enqueue(dst.take());
                else for (const v of dst.values) controller.enqueue(v);
              }
              if (result === COPY_DROPPED) controller.close();
              resolve();
            };
            shared.read(
              dst,
              (reclaim) => {
                reclaim();
                settle(COPY_COMPLETED);
              },
              settle,
            );
          }),
        cancel: () => shared.drop(),
      },
      { highWaterMark: 0 },
    );
  }

  /**
   * Lowers a stream the host writes: a new readable end for the guest, fed
   * from `source` (a `ReadableStream`, an async iterable or an iterable; of
   * `Uint8Array`s or arrays of numbers for `stream<u8>`), one chunk at a time
   * as the guest reads. The end is dropped when the source ends; the source
   * is cancelled when the guest drops its end.
   */
  lowerStream(source: unknown, payload: Payload, bytes: boolean): number {
    if (source instanceof SharedStream) return this.add(new CopyEnd(this, "stream-readable", source));
    const shared = new SharedStream(payload);
    const index = this.add(new CopyEnd(this, "stream-readable", shared));
    const iterator = asyncIterator(source, () =>
      this.trap("a stream must be given as a ReadableStream or an iterable"),
    );
    // Writes a chunk until the guest took it all; false when it dropped its end.
    const writeAll = async (chunk: unknown): Promise<boolean> => {
      // A byte chunk is written as it is; other values one by one.
      let left: HostBuffer | HostBytes;
      if (bytes && chunk instanceof Uint8Array) left = new HostBytes(chunk, chunk.length);
      else {
        const values = bytes ? Array.from(chunk as ArrayLike<number>) : [chunk];
        left = new HostBuffer(values, values.length);
      }
      while (left.remain() > 0) {
        const src = left;
        const result = await new Promise<number>((resolve) =>
          shared.write(
            src,
            (reclaim) => {
              reclaim();
              resolve(COPY_COMPLETED);
            },
            resolve,
          ),
        );
        if (result === COPY_DROPPED) return false;
        // The rest of the chunk, in a buffer of its own.
        if (left.remain() > 0) left = left.rest();
      }
      return true;
    };
    // The guest dropped its end: the source stops, even while the host waits for its next chunk.
    let stopped = false;
    const stop = (): Promise<unknown> => {
      if (stopped) return Promise.resolve();
      stopped = true;
      return Promise.resolve(iterator.return?.());
    };
    shared.onDrop = () => void stop().catch(() => {});
    void (async () => {
      try {
        for (;;) {
          hostBegin();
          let next: IteratorResult<unknown>;
          try {
            next = await iterator.next();
          } finally {
            hostEnd();
          }
          if (next.done || stopped || this.poisoned !== undefined) break;
          if (!(await writeAll(next.value))) {
            await stop();
            return;
          }
        }
        stopped = true;
        shared.drop();
      } catch (error) {
        this.fail(error);
      }
    })();
    return index;
  }
}

/** An `AbortError`, as `AbortSignal`-aware APIs reject with (a plain Error where `DOMException` is missing). */
class DOMExceptionLike extends Error {
  constructor(
    message: string,
    override readonly name: string,
  ) {
    super(message);
  }
}
