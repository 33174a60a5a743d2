/**
 * The C side of the asynchronous canonical ABI, with the API of
 * wit-bindgen's C generator: the world-wide async helpers (subtask and
 * waitable-set built-ins, event and callback codes, backpressure, task
 * context) and the helpers of each future and stream type.
 *
 * The C types have the canonical layout, so a future's or stream's buffer
 * is handed to the built-ins as it is: the helpers only name the built-ins.
 */
import { CallbackCode, channelBuiltinField, EventCode, SubtaskStatus, TASK_BUILTINS } from "../../ir/abi/async.js";
import type { Type } from "../../ir/types.js";
import type { CTypes } from "./types.js";

/** A `$root` built-in as a C extern declaration named `cName`. */
function builtin(field: string, cName: string, result: string, params: string[], module: string = "$root"): string {
  return (
    `\n__attribute__((__import_module__("${module}"), __import_name__("${field}")))\n` +
    `extern ${result} ${cName}(${params.length === 0 ? "void" : params.join(", ")});\n`
  );
}

/**
 * The world's async helpers: `{ h, c }`, the declarations for the header and
 * their definitions. `errorContext` adds the `error-context` type and its
 * helpers (`<world>_error_context_new`, `_debug_message` (UTF-8 worlds),
 * `_drop`), which wit-bindgen's C generator does not have.
 */
export function asyncHelpers(types: CTypes, errorContext: boolean): { h: string; c: string } {
  const w = types.world;
  const W = w.toUpperCase();
  const B = TASK_BUILTINS;
  let h =
    `\ntypedef uint32_t ${w}_subtask_status_t;\n` +
    `typedef uint32_t ${w}_subtask_t;\n` +
    `#define ${W}_SUBTASK_STATE(status) ((${w}_subtask_state_t) ((status) & 0xf))\n` +
    `#define ${W}_SUBTASK_HANDLE(status) ((${w}_subtask_t) ((status) >> 4))\n\n` +
    `typedef enum ${w}_subtask_state {\n` +
    `${W}_SUBTASK_STARTING = ${SubtaskStatus.STARTING},\n` +
    `${W}_SUBTASK_STARTED = ${SubtaskStatus.STARTED},\n` +
    `${W}_SUBTASK_RETURNED = ${SubtaskStatus.RETURNED},\n` +
    `${W}_SUBTASK_STARTED_CANCELLED = ${SubtaskStatus.CANCELLED_BEFORE_STARTED},\n` +
    `${W}_SUBTASK_RETURNED_CANCELLED = ${SubtaskStatus.CANCELLED_BEFORE_RETURNED},\n` +
    `} ${w}_subtask_state_t;\n\n` +
    `${w}_subtask_status_t ${w}_subtask_cancel(${w}_subtask_t subtask);\n` +
    `void ${w}_subtask_drop(${w}_subtask_t subtask);\n\n` +
    `typedef uint32_t ${w}_callback_code_t;\n` +
    `#define ${W}_CALLBACK_CODE_EXIT ${CallbackCode.EXIT}\n` +
    `#define ${W}_CALLBACK_CODE_YIELD ${CallbackCode.YIELD}\n` +
    `#define ${W}_CALLBACK_CODE_WAIT(set) (${CallbackCode.WAIT} | ((set) << 4))\n\n` +
    `typedef enum ${w}_event_code {\n` +
    `${W}_EVENT_NONE = ${EventCode.NONE},\n` +
    `${W}_EVENT_SUBTASK = ${EventCode.SUBTASK},\n` +
    `${W}_EVENT_STREAM_READ = ${EventCode.STREAM_READ},\n` +
    `${W}_EVENT_STREAM_WRITE = ${EventCode.STREAM_WRITE},\n` +
    `${W}_EVENT_FUTURE_READ = ${EventCode.FUTURE_READ},\n` +
    `${W}_EVENT_FUTURE_WRITE = ${EventCode.FUTURE_WRITE},\n` +
    `${W}_EVENT_CANCEL = ${EventCode.TASK_CANCELLED},\n` +
    `} ${w}_event_code_t;\n\n` +
    `typedef struct ${w}_event {\n${w}_event_code_t event;\nuint32_t waitable;\nuint32_t code;\n} ${w}_event_t;\n\n` +
    `typedef uint32_t ${w}_waitable_set_t;\n` +
    `${w}_waitable_set_t ${w}_waitable_set_new(void);\n` +
    `void ${w}_waitable_join(uint32_t waitable, ${w}_waitable_set_t set);\n` +
    `void ${w}_waitable_set_drop(${w}_waitable_set_t set);\n` +
    `void ${w}_waitable_set_wait(${w}_waitable_set_t set, ${w}_event_t *event);\n` +
    `void ${w}_waitable_set_poll(${w}_waitable_set_t set, ${w}_event_t *event);\n\n` +
    `void ${w}_task_cancel(void);\n\n` +
    `typedef uint32_t ${w}_waitable_status_t;\n` +
    `#define ${W}_WAITABLE_STATE(status) ((${w}_waitable_state_t) ((status) & 0xf))\n` +
    `#define ${W}_WAITABLE_COUNT(status) ((uint32_t) ((status) >> 4))\n` +
    `#define ${W}_WAITABLE_STATUS_BLOCKED ((${w}_waitable_status_t) -1)\n\n` +
    `typedef enum ${w}_waitable_state {\n` +
    `${W}_WAITABLE_COMPLETED,\n${W}_WAITABLE_DROPPED,\n${W}_WAITABLE_CANCELLED,\n` +
    `} ${w}_waitable_state_t;\n\n` +
    `void ${w}_backpressure_inc(void);\n` +
    `void ${w}_backpressure_dec(void);\n` +
    `void* ${w}_context_get_0(void);\n` +
    `void ${w}_context_set_0(void* value);\n` +
    `void ${w}_thread_yield(void);\n`;

  let c =
    builtin(B.subtaskCancel.field, "__subtask_cancel", "uint32_t", ["uint32_t"]) +
    `\n${w}_subtask_status_t ${w}_subtask_cancel(${w}_subtask_t subtask) {\nreturn __subtask_cancel(subtask);\n}\n` +
    builtin(B.subtaskDrop.field, "__subtask_drop", "void", ["uint32_t"]) +
    `\nvoid ${w}_subtask_drop(${w}_subtask_t subtask) {\n__subtask_drop(subtask);\n}\n` +
    builtin(B.waitableSetNew.field, "__waitable_set_new", "uint32_t", []) +
    `\n${w}_waitable_set_t ${w}_waitable_set_new(void) {\nreturn __waitable_set_new();\n}\n` +
    builtin(B.waitableJoin.field, "__waitable_join", "void", ["uint32_t", "uint32_t"]) +
    `\nvoid ${w}_waitable_join(uint32_t waitable, ${w}_waitable_set_t set) {\n__waitable_join(waitable, set);\n}\n` +
    builtin(B.waitableSetDrop.field, "__waitable_set_drop", "void", ["uint32_t"]) +
    `\nvoid ${w}_waitable_set_drop(${w}_waitable_set_t set) {\n__waitable_set_drop(set);\n}\n` +
    builtin(B.waitableSetWait.field, "__waitable_set_wait", "uint32_t", ["uint32_t", "uint32_t *"]) +
    builtin(B.waitableSetPoll.field, "__waitable_set_poll", "uint32_t", ["uint32_t", "uint32_t *"]) +
    // The built-ins write the waitable and the code, two `u32`s, where `waitable` is.
    `\nvoid ${w}_waitable_set_wait(${w}_waitable_set_t set, ${w}_event_t *event) {\n` +
    `event->event = (${w}_event_code_t) __waitable_set_wait(set, &event->waitable);\n}\n` +
    `\nvoid ${w}_waitable_set_poll(${w}_waitable_set_t set, ${w}_event_t *event) {\n` +
    `event->event = (${w}_event_code_t) __waitable_set_poll(set, &event->waitable);\n}\n` +
    builtin(B.taskCancel.field, "__task_cancel", "void", [], "[export]$root") +
    `\nvoid ${w}_task_cancel(void) {\n__task_cancel();\n}\n` +
    builtin(B.backpressureInc.field, "__backpressure_inc", "void", []) +
    `\nvoid ${w}_backpressure_inc(void) {\n__backpressure_inc();\n}\n` +
    builtin(B.backpressureDec.field, "__backpressure_dec", "void", []) +
    `\nvoid ${w}_backpressure_dec(void) {\n__backpressure_dec();\n}\n` +
    builtin(B.contextGet.field, "__context_get_0", "void*", []) +
    `\nvoid* ${w}_context_get_0(void) {\nreturn __context_get_0();\n}\n` +
    builtin(B.contextSet.field, "__context_set_0", "void", ["void*"]) +
    `\nvoid ${w}_context_set_0(void *value) {\n__context_set_0(value);\n}\n` +
    builtin(B.yield.field, "__thread_yield", "uint32_t", []) +
    `\nvoid ${w}_thread_yield(void) {\n__thread_yield();\n}\n`;

  if (errorContext) {
    h +=
      `\n// An \`error-context\` handle\ntypedef uint32_t ${w}_error_context_t;\n` +
      `\n// Creates an \`error-context\` with the UTF-8 debug message \`message\` of \`len\` bytes\n` +
      `${w}_error_context_t ${w}_error_context_new(const char *message, size_t len);\n` +
      `void ${w}_error_context_drop(${w}_error_context_t error_context);\n`;
    c +=
      builtin(B.errorContextNew.field, "__error_context_new", "uint32_t", ["const char *", "size_t"]) +
      `\n${w}_error_context_t ${w}_error_context_new(const char *message, size_t len) {\n` +
      `return __error_context_new(message, len);\n}\n` +
      builtin(B.errorContextDrop.field, "__error_context_drop", "void", ["uint32_t"]) +
      `\nvoid ${w}_error_context_drop(${w}_error_context_t error_context) {\n__error_context_drop(error_context);\n}\n`;
    if (types.encoding === "utf8") {
      const str = types.name("string");
      h +=
        `\n// Sets \`ret\` to a new copy of the debug message of \`error_context\` (free it with \`${w}_string_free\`)\n` +
        `void ${w}_error_context_debug_message(${w}_error_context_t error_context, ${str} *ret);\n`;
      c +=
        builtin(B.errorContextDebugMessage.field, "__error_context_debug_message", "void", ["uint32_t", "uint8_t *"]) +
        `\nvoid ${w}_error_context_debug_message(${w}_error_context_t error_context, ${str} *ret) {\n` +
        `__error_context_debug_message(error_context, (uint8_t *) ret);\n}\n`;
    }
  }
  return { h, c };
}

/**
 * The helpers of the future or stream type `ty` (its C name), over the
 * built-ins numbered `index` after the function `funcName` and imported from
 * `module`.
 */
export function channelHelpers(
  types: CTypes,
  module: string,
  kind: "future" | "stream",
  index: number,
  funcName: string,
  ty: string,
  payload: Type | undefined,
): { h: string; c: string } {
  const w = types.world;
  const name = ty.replace(/_t$/, "");
  const stream = kind === "stream";
  const elem = payload === undefined ? undefined : types.name(payload);
  const readParams = `${elem === undefined ? "" : `, ${elem} *buf`}${stream ? ", size_t amt" : ""}`;
  const writeParams = `${elem === undefined ? "" : `, const ${elem} *buf`}${stream ? ", size_t amt" : ""}`;
  const readArgs = `${elem === undefined ? "NULL" : "(uint8_t *) buf"}${stream ? ", amt" : ""}`;
  const writeArgs = `${elem === undefined ? "NULL" : "(const uint8_t *) buf"}${stream ? ", amt" : ""}`;
  const amt = stream ? ", size_t" : "";
  const field = (op: Parameters<typeof channelBuiltinField>[1], asyncLowered = false) =>
    channelBuiltinField(kind, op, index, funcName, asyncLowered);
  const h =
    `\ntypedef uint32_t ${name}_writer_t;\n\n` +
    `${ty} ${name}_new(${name}_writer_t *writer);\n` +
    `${w}_waitable_status_t ${name}_read(${ty} reader${readParams});\n` +
    `${w}_waitable_status_t ${name}_write(${name}_writer_t writer${writeParams});\n` +
    `${w}_waitable_status_t ${name}_cancel_read(${ty} reader);\n` +
    `${w}_waitable_status_t ${name}_cancel_write(${name}_writer_t writer);\n` +
    `void ${name}_drop_readable(${ty} reader);\n` +
    `void ${name}_drop_writable(${name}_writer_t writer);\n`;
  const c =
    builtin(field("new"), `${name}__new`, "uint64_t", [], module) +
    builtin(field("read", true), `${name}__read`, "uint32_t", ["uint32_t", `uint8_t *${amt}`], module) +
    builtin(field("write", true), `${name}__write`, "uint32_t", ["uint32_t", `const uint8_t *${amt}`], module) +
    builtin(field("cancel-read"), `${name}__cancel_read`, "uint32_t", ["uint32_t"], module) +
    builtin(field("cancel-write"), `${name}__cancel_write`, "uint32_t", ["uint32_t"], module) +
    builtin(field("drop-readable"), `${name}__drop_readable`, "void", ["uint32_t"], module) +
    builtin(field("drop-writable"), `${name}__drop_writable`, "void", ["uint32_t"], module) +
    `\n${ty} ${name}_new(${name}_writer_t *writer) {\n` +
    `uint64_t packed = ${name}__new();\n*writer = (uint32_t) (packed >> 32);\nreturn (uint32_t) packed;\n}\n` +
    `\n${w}_waitable_status_t ${name}_read(${ty} reader${readParams}) {\nreturn ${name}__read(reader, ${readArgs});\n}\n` +
    `\n${w}_waitable_status_t ${name}_write(${name}_writer_t writer${writeParams}) {\n` +
    `return ${name}__write(writer, ${writeArgs});\n}\n` +
    `\n${w}_waitable_status_t ${name}_cancel_read(${ty} reader) {\nreturn ${name}__cancel_read(reader);\n}\n` +
    `\n${w}_waitable_status_t ${name}_cancel_write(${name}_writer_t writer) {\nreturn ${name}__cancel_write(writer);\n}\n` +
    `\nvoid ${name}_drop_readable(${ty} reader) {\n${name}__drop_readable(reader);\n}\n` +
    `\nvoid ${name}_drop_writable(${name}_writer_t writer) {\n${name}__drop_writable(writer);\n}\n`;
  return { h, c };
}

/**
 * The threading helpers (wit-bindgen's `--generate-threading-helpers`): the
 * thread built-ins and context slot 1, declared as imports of `$root` under
 * their wit-component names. A thread's start function is a C function
 * pointer (its index in the module's `__indirect_function_table`, which the
 * linker exports with `--export-table`).
 */
export function threadingHelpers(w: string): string {
  const imp = (name: string, decl: string): string =>
    `\n__attribute__((__import_module__("$root"), __import_name__("${name}")))\nextern ${decl};\n`;
  let h =
    imp("[context-get-1]", `void* ${w}_context_get_1(void)`) +
    imp("[context-set-1]", `void ${w}_context_set_1(void* value)`) +
    imp("[thread-index]", `uint32_t ${w}_thread_index(void)`) +
    imp("[thread-new-indirect-v0]", `uint32_t ${w}_thread_new_indirect(void (*start_function)(void*), void* arg)`) +
    imp("[thread-resume-later]", `void ${w}_thread_resume_later(uint32_t thread)`) +
    imp("[thread-suspend]", `uint32_t ${w}_thread_suspend(void)`) +
    imp("[cancellable][thread-suspend]", `uint32_t ${w}_thread_suspend_cancellable(void)`) +
    imp("[cancellable][thread-yield]", `uint32_t ${w}_thread_yield_cancellable(void)`);
  for (const op of ["suspend-then-resume", "yield-then-resume", "suspend-then-promote", "yield-then-promote"]) {
    const c = op.replace(/-/g, "_");
    h +=
      imp(`[thread-${op}]`, `uint32_t ${w}_thread_${c}(uint32_t thread)`) +
      imp(`[cancellable][thread-${op}]`, `uint32_t ${w}_thread_${c}_cancellable(uint32_t thread)`);
  }
  return h;
}
