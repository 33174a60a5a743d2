/**
 * The asynchronous canonical ABI as a guest core module sees it: the codes
 * its built-ins exchange, and the names under which it imports them in the
 * legacy naming scheme that `wasm-tools component new` accepts.
 *
 * An async import is called through `canon lower async`: the call returns a
 * packed `SubtaskStatus`; unless the subtask has already returned, its handle
 * is joined to a waitable set and the caller waits for a `SUBTASK` event. An
 * async export is lifted with a callback: the export and its callback return
 * a packed `CallbackCode`, and the export's result is handed back through the
 * `task.return` built-in. Futures and streams are handles to one end of a
 * channel; their built-ins are imported per payload type, named after the
 * function whose signature first mentions the type (`futuresAndStreams`).
 */
import type { Resolve } from "../resolve.js";
import type { Function, Type, TypeId } from "../types.js";
import { ROOT_MODULE } from "./world.js";

/** The low 4 bits of `canon lower async`'s result; the subtask handle is in the bits above. */
export const SubtaskStatus = {
  STARTING: 0,
  STARTED: 1,
  RETURNED: 2,
  CANCELLED_BEFORE_STARTED: 3,
  CANCELLED_BEFORE_RETURNED: 4,
} as const;

/** The low 4 bits of what an async export or its callback returns; `WAIT` carries a waitable set in the bits above. */
export const CallbackCode = { EXIT: 0, YIELD: 1, WAIT: 2 } as const;

/** The first argument of a callback, and what `waitable-set.wait`/`poll` return. */
export const EventCode = {
  NONE: 0,
  SUBTASK: 1,
  STREAM_READ: 2,
  STREAM_WRITE: 3,
  FUTURE_READ: 4,
  FUTURE_WRITE: 5,
  TASK_CANCELLED: 6,
} as const;

/** The low 4 bits of a finished stream or future copy; a stream's count of values is in the bits above. */
export const CopyResult = { COMPLETED: 0, DROPPED: 1, CANCELLED: 2 } as const;

/** What a stream or future copy returns when it cannot finish without waiting. */
export const BLOCKED = 0xffff_ffff;

/**
 * The task and waitable built-ins, with their core signatures: imported from
 * `$root`, except `[task-cancel]`, which comes from `[export]$root`.
 */
export const TASK_BUILTINS = {
  waitableSetNew: { field: "[waitable-set-new]", params: [], results: ["i32"] },
  waitableSetWait: { field: "[waitable-set-wait]", params: ["i32", "i32"], results: ["i32"] },
  waitableSetPoll: { field: "[waitable-set-poll]", params: ["i32", "i32"], results: ["i32"] },
  waitableSetDrop: { field: "[waitable-set-drop]", params: ["i32"], results: [] },
  waitableJoin: { field: "[waitable-join]", params: ["i32", "i32"], results: [] },
  subtaskDrop: { field: "[subtask-drop]", params: ["i32"], results: [] },
  subtaskCancel: { field: "[subtask-cancel]", params: ["i32"], results: ["i32"] },
  contextGet: { field: "[context-get-0]", params: [], results: ["i32"] },
  contextSet: { field: "[context-set-0]", params: ["i32"], results: [] },
  backpressureInc: { field: "[backpressure-inc]", params: [], results: [] },
  backpressureDec: { field: "[backpressure-dec]", params: [], results: [] },
  yield: { field: "[thread-yield]", params: [], results: ["i32"] },
  taskCancel: { field: "[task-cancel]", params: [], results: [] },
  errorContextNew: { field: "[error-context-new-utf8]", params: ["i32", "i32"], results: ["i32"] },
  errorContextDebugMessage: { field: "[error-context-debug-message-utf8]", params: ["i32", "i32"], results: [] },
  errorContextDrop: { field: "[error-context-drop]", params: ["i32"], results: [] },
} as const;

export const TASK_BUILTINS_MODULE = ROOT_MODULE;
export const TASK_CANCEL_MODULE = `[export]${ROOT_MODULE}`;

/** The built-ins of one end of a future or stream. */
export type ChannelOp = "new" | "read" | "write" | "cancel-read" | "cancel-write" | "drop-readable" | "drop-writable";

/**
 * The future and stream types of `func`'s signature, in the order that
 * numbers their built-ins: parameters then result, depth first, a payload's
 * own futures and streams before the future or stream that carries them. A
 * type named twice appears twice.
 */
export function futuresAndStreams(resolve: Resolve, func: Function): TypeId[] {
  const out: TypeId[] = [];
  const visit = (t: Type | undefined): void => {
    if (typeof t !== "number") return;
    const kind = resolve.types[t].kind;
    switch (kind.kind) {
      case "record":
        kind.fields.forEach((f) => visit(f.type));
        return;
      case "tuple":
        kind.types.forEach(visit);
        return;
      case "variant":
        kind.cases.forEach((c) => visit(c.type));
        return;
      case "option":
      case "list":
      case "fixed-length-list":
      case "type":
        visit(kind.type);
        return;
      case "map":
        visit(kind.key);
        visit(kind.value);
        return;
      case "result":
        visit(kind.ok);
        visit(kind.err);
        return;
      case "future":
      case "stream":
        visit(kind.type);
        out.push(t);
        return;
      default:
        return;
    }
  };
  func.params.forEach((p) => visit(p.type));
  visit(func.result);
  return out;
}

/**
 * The field of a future or stream built-in: `[future-read-0]f`, or with
 * `asyncLowered` the non-blocking `[async-lower][future-read-0]f` (read,
 * write and the cancels only). It is imported from the module of the
 * function's interface, with `[export]` before it when the function is
 * exported.
 */
export function channelBuiltinField(
  kind: "future" | "stream",
  op: ChannelOp,
  index: number,
  funcName: string,
  asyncLowered = false,
): string {
  return `${asyncLowered ? "[async-lower]" : ""}[${kind}-${op}-${index}]${funcName}`;
}

/** Whether `func` is an `async` function. */
export function isAsync(func: Function): boolean {
  return func.kind.kind.startsWith("async");
}
