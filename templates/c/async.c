// The world-wide helpers of the asynchronous canonical ABI for C guests,
// with the API of wit-bindgen's C generator: subtask and waitable-set
// built-ins, event and callback codes, backpressure, the task's context
// slot, and the `error-context` type (which wit-bindgen's C generator does
// not have). The threading helpers are wit-bindgen's
// `--generate-threading-helpers`: the thread built-ins and context slot 1,
// imported from `$root` under their wit-component names; a thread's start
// function is a C function pointer (its index in the module's
// `__indirect_function_table`, which the linker exports with
// `--export-table`).
//
// Sections ending in `-h` go into `<world>.h`, those ending in `-c` into
// `<world>.c` (see generators/template-sections.ts). `world_` and `WORLD_`
// at the start of an identifier stand for the world's name
// (generators/c/templates.ts). The constants are those of ir/abi/async.ts;
// test/templates.test.ts checks that they agree.
// @standalone
#include <stddef.h>
#include <stdint.h>

typedef struct world_string_t {
  uint8_t *ptr;
  size_t len;
} world_string_t;

// @section async-h
typedef uint32_t world_subtask_status_t;
typedef uint32_t world_subtask_t;
#define WORLD_SUBTASK_STATE(status) ((world_subtask_state_t) ((status) & 0xf))
#define WORLD_SUBTASK_HANDLE(status) ((world_subtask_t) ((status) >> 4))

typedef enum world_subtask_state {
  WORLD_SUBTASK_STARTING = 0,
  WORLD_SUBTASK_STARTED = 1,
  WORLD_SUBTASK_RETURNED = 2,
  WORLD_SUBTASK_STARTED_CANCELLED = 3,
  WORLD_SUBTASK_RETURNED_CANCELLED = 4,
} world_subtask_state_t;

world_subtask_status_t world_subtask_cancel(world_subtask_t subtask);
void world_subtask_drop(world_subtask_t subtask);

typedef uint32_t world_callback_code_t;
#define WORLD_CALLBACK_CODE_EXIT 0
#define WORLD_CALLBACK_CODE_YIELD 1
#define WORLD_CALLBACK_CODE_WAIT(set) (2 | ((set) << 4))

typedef enum world_event_code {
  WORLD_EVENT_NONE = 0,
  WORLD_EVENT_SUBTASK = 1,
  WORLD_EVENT_STREAM_READ = 2,
  WORLD_EVENT_STREAM_WRITE = 3,
  WORLD_EVENT_FUTURE_READ = 4,
  WORLD_EVENT_FUTURE_WRITE = 5,
  WORLD_EVENT_CANCEL = 6,
} world_event_code_t;

typedef struct world_event {
  world_event_code_t event;
  uint32_t waitable;
  uint32_t code;
} world_event_t;

typedef uint32_t world_waitable_set_t;
world_waitable_set_t world_waitable_set_new(void);
void world_waitable_join(uint32_t waitable, world_waitable_set_t set);
void world_waitable_set_drop(world_waitable_set_t set);
void world_waitable_set_wait(world_waitable_set_t set, world_event_t *event);
void world_waitable_set_poll(world_waitable_set_t set, world_event_t *event);

void world_task_cancel(void);

typedef uint32_t world_waitable_status_t;
#define WORLD_WAITABLE_STATE(status) ((world_waitable_state_t) ((status) & 0xf))
#define WORLD_WAITABLE_COUNT(status) ((uint32_t) ((status) >> 4))
#define WORLD_WAITABLE_STATUS_BLOCKED ((world_waitable_status_t) -1)

typedef enum world_waitable_state {
  WORLD_WAITABLE_COMPLETED,
  WORLD_WAITABLE_DROPPED,
  WORLD_WAITABLE_CANCELLED,
} world_waitable_state_t;

void world_backpressure_inc(void);
void world_backpressure_dec(void);
void* world_context_get_0(void);
void world_context_set_0(void* value);
void world_thread_yield(void);

// @section error-context-h
// An `error-context` handle
typedef uint32_t world_error_context_t;

// Creates an `error-context` with the UTF-8 debug message `message` of `len` bytes
world_error_context_t world_error_context_new(const char *message, size_t len);
void world_error_context_drop(world_error_context_t error_context);

// @section error-context-utf8-h
// Sets `ret` to a new copy of the debug message of `error_context` (free it with `world_string_free`)
void world_error_context_debug_message(world_error_context_t error_context, world_string_t *ret);

// @section threading-h
__attribute__((__import_module__("$root"), __import_name__("[context-get-1]")))
extern void* world_context_get_1(void);

__attribute__((__import_module__("$root"), __import_name__("[context-set-1]")))
extern void world_context_set_1(void* value);

__attribute__((__import_module__("$root"), __import_name__("[thread-index]")))
extern uint32_t world_thread_index(void);

__attribute__((__import_module__("$root"), __import_name__("[thread-new-indirect-v0]")))
extern uint32_t world_thread_new_indirect(void (*start_function)(void*), void* arg);

__attribute__((__import_module__("$root"), __import_name__("[thread-resume-later]")))
extern void world_thread_resume_later(uint32_t thread);

__attribute__((__import_module__("$root"), __import_name__("[thread-suspend]")))
extern uint32_t world_thread_suspend(void);

__attribute__((__import_module__("$root"), __import_name__("[cancellable][thread-suspend]")))
extern uint32_t world_thread_suspend_cancellable(void);

__attribute__((__import_module__("$root"), __import_name__("[cancellable][thread-yield]")))
extern uint32_t world_thread_yield_cancellable(void);

__attribute__((__import_module__("$root"), __import_name__("[thread-suspend-then-resume]")))
extern uint32_t world_thread_suspend_then_resume(uint32_t thread);

__attribute__((__import_module__("$root"), __import_name__("[cancellable][thread-suspend-then-resume]")))
extern uint32_t world_thread_suspend_then_resume_cancellable(uint32_t thread);

__attribute__((__import_module__("$root"), __import_name__("[thread-yield-then-resume]")))
extern uint32_t world_thread_yield_then_resume(uint32_t thread);

__attribute__((__import_module__("$root"), __import_name__("[cancellable][thread-yield-then-resume]")))
extern uint32_t world_thread_yield_then_resume_cancellable(uint32_t thread);

__attribute__((__import_module__("$root"), __import_name__("[thread-suspend-then-promote]")))
extern uint32_t world_thread_suspend_then_promote(uint32_t thread);

__attribute__((__import_module__("$root"), __import_name__("[cancellable][thread-suspend-then-promote]")))
extern uint32_t world_thread_suspend_then_promote_cancellable(uint32_t thread);

__attribute__((__import_module__("$root"), __import_name__("[thread-yield-then-promote]")))
extern uint32_t world_thread_yield_then_promote(uint32_t thread);

__attribute__((__import_module__("$root"), __import_name__("[cancellable][thread-yield-then-promote]")))
extern uint32_t world_thread_yield_then_promote_cancellable(uint32_t thread);

// @section async-c
__attribute__((__import_module__("$root"), __import_name__("[subtask-cancel]")))
extern uint32_t __subtask_cancel(uint32_t);

world_subtask_status_t world_subtask_cancel(world_subtask_t subtask) {
  return __subtask_cancel(subtask);
}

__attribute__((__import_module__("$root"), __import_name__("[subtask-drop]")))
extern void __subtask_drop(uint32_t);

void world_subtask_drop(world_subtask_t subtask) {
  __subtask_drop(subtask);
}

__attribute__((__import_module__("$root"), __import_name__("[waitable-set-new]")))
extern uint32_t __waitable_set_new(void);

world_waitable_set_t world_waitable_set_new(void) {
  return __waitable_set_new();
}

__attribute__((__import_module__("$root"), __import_name__("[waitable-join]")))
extern void __waitable_join(uint32_t, uint32_t);

void world_waitable_join(uint32_t waitable, world_waitable_set_t set) {
  __waitable_join(waitable, set);
}

__attribute__((__import_module__("$root"), __import_name__("[waitable-set-drop]")))
extern void __waitable_set_drop(uint32_t);

void world_waitable_set_drop(world_waitable_set_t set) {
  __waitable_set_drop(set);
}

__attribute__((__import_module__("$root"), __import_name__("[waitable-set-wait]")))
extern uint32_t __waitable_set_wait(uint32_t, uint32_t *);

__attribute__((__import_module__("$root"), __import_name__("[waitable-set-poll]")))
extern uint32_t __waitable_set_poll(uint32_t, uint32_t *);

void world_waitable_set_wait(world_waitable_set_t set, world_event_t *event) {
  event->event = (world_event_code_t) __waitable_set_wait(set, &event->waitable);
}

void world_waitable_set_poll(world_waitable_set_t set, world_event_t *event) {
  event->event = (world_event_code_t) __waitable_set_poll(set, &event->waitable);
}

__attribute__((__import_module__("[export]$root"), __import_name__("[task-cancel]")))
extern void __task_cancel(void);

void world_task_cancel(void) {
  __task_cancel();
}

__attribute__((__import_module__("$root"), __import_name__("[backpressure-inc]")))
extern void __backpressure_inc(void);

void world_backpressure_inc(void) {
  __backpressure_inc();
}

__attribute__((__import_module__("$root"), __import_name__("[backpressure-dec]")))
extern void __backpressure_dec(void);

void world_backpressure_dec(void) {
  __backpressure_dec();
}

__attribute__((__import_module__("$root"), __import_name__("[context-get-0]")))
extern void* __context_get_0(void);

void* world_context_get_0(void) {
  return __context_get_0();
}

__attribute__((__import_module__("$root"), __import_name__("[context-set-0]")))
extern void __context_set_0(void*);

void world_context_set_0(void *value) {
  __context_set_0(value);
}

__attribute__((__import_module__("$root"), __import_name__("[thread-yield]")))
extern uint32_t __thread_yield(void);

void world_thread_yield(void) {
  __thread_yield();
}

// @section error-context-c
__attribute__((__import_module__("$root"), __import_name__("[error-context-new-utf8]")))
extern uint32_t __error_context_new(const char *, size_t);

world_error_context_t world_error_context_new(const char *message, size_t len) {
  return __error_context_new(message, len);
}

__attribute__((__import_module__("$root"), __import_name__("[error-context-drop]")))
extern void __error_context_drop(uint32_t);

void world_error_context_drop(world_error_context_t error_context) {
  __error_context_drop(error_context);
}

// @section error-context-utf8-c
__attribute__((__import_module__("$root"), __import_name__("[error-context-debug-message-utf8]")))
extern void __error_context_debug_message(uint32_t, uint8_t *);

void world_error_context_debug_message(world_error_context_t error_context, world_string_t *ret) {
  __error_context_debug_message(error_context, (uint8_t *) ret);
}
