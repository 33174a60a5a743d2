// The guest of test/guests/c/async.wit, written against the async API of
// wit-bindgen's C bindings: each export returns a callback code, keeps its
// state in the task's context slot while it waits, and hands its result to
// `<name>_return`.
#include <stdlib.h>
#include <string.h>

#include "async_guest.h"

extern int32_t test_live_allocations(void);

int32_t exports_async_guest_live_allocations(void) { return test_live_allocations(); }

#define EXIT ASYNC_GUEST_CALLBACK_CODE_EXIT
#define WAIT(set) ASYNC_GUEST_CALLBACK_CODE_WAIT(set)

typedef exports_test_c_async_api_future_u32_t future_u32_t;
typedef exports_test_c_async_api_future_u32_writer_t future_u32_writer_t;
typedef exports_test_c_async_api_stream_u8_t stream_u8_t;
typedef exports_test_c_async_api_stream_u8_writer_t stream_u8_writer_t;

// Joins `waitable` to a new waitable set; the caller waits on the set.
static async_guest_waitable_set_t wait_on(uint32_t waitable) {
  async_guest_waitable_set_t set = async_guest_waitable_set_new();
  async_guest_waitable_join(waitable, set);
  return set;
}

static void stop_waiting(uint32_t waitable, async_guest_waitable_set_t set) {
  async_guest_waitable_join(waitable, 0);
  async_guest_waitable_set_drop(set);
}

// ---- greet: an async export calling async imports ----

typedef struct greet_task {
  async_guest_string_t name;
  async_guest_string_t fetched;
  test_c_async_backend_note_args_t note;
  // 0: fetching, 1: noting
  int step;
  async_guest_subtask_t subtask;
  async_guest_waitable_set_t set;
} greet_task_t;

static async_guest_callback_code_t greet_step(greet_task_t *t);

// The subtask of the current step has returned.
static async_guest_callback_code_t greet_returned(greet_task_t *t) {
  if (t->step == 0) {
    t->step = 1;
    t->note.key = t->name;
    t->note.value = t->fetched;
    t->note.level = (uint32_t) t->fetched.len;
    return greet_step(t);
  }
  async_guest_string_t out;
  out.len = t->name.len + 2 + t->fetched.len;
  out.ptr = (uint8_t *) malloc(out.len);
  memcpy(out.ptr, t->name.ptr, t->name.len);
  memcpy(out.ptr + t->name.len, ": ", 2);
  memcpy(out.ptr + t->name.len + 2, t->fetched.ptr, t->fetched.len);
  exports_test_c_async_api_greet_return(out);
  free(out.ptr);
  async_guest_string_free(&t->name);
  async_guest_string_free(&t->fetched);
  free(t);
  return EXIT;
}

static async_guest_callback_code_t greet_step(greet_task_t *t) {
  async_guest_subtask_status_t status =
      t->step == 0 ? test_c_async_backend_fetch(t->name, &t->fetched) : test_c_async_backend_note(&t->note);
  if (ASYNC_GUEST_SUBTASK_STATE(status) == ASYNC_GUEST_SUBTASK_RETURNED) return greet_returned(t);
  t->subtask = ASYNC_GUEST_SUBTASK_HANDLE(status);
  t->set = wait_on(t->subtask);
  async_guest_context_set_0(t);
  return WAIT(t->set);
}

async_guest_callback_code_t exports_test_c_async_api_greet(async_guest_string_t *name) {
  greet_task_t *t = (greet_task_t *) malloc(sizeof(greet_task_t));
  t->name = *name;
  t->fetched.ptr = NULL;
  t->fetched.len = 0;
  t->step = 0;
  return greet_step(t);
}

// The caller cancelled: cancel the import call in flight (a synchronous cancel, out of the set), then acknowledge.
static async_guest_callback_code_t greet_cancelled(greet_task_t *t) {
  stop_waiting(t->subtask, t->set);
  async_guest_subtask_status_t status = async_guest_subtask_cancel(t->subtask);
  async_guest_subtask_drop(t->subtask);
  // A fetch that returned before it heard of the cancellation gave its string all the same.
  if (t->step == 0 && ASYNC_GUEST_SUBTASK_STATE(status) == ASYNC_GUEST_SUBTASK_RETURNED) async_guest_string_free(&t->fetched);
  if (t->step == 1) async_guest_string_free(&t->fetched);
  async_guest_string_free(&t->name);
  free(t);
  async_guest_task_cancel();
  return EXIT;
}

async_guest_callback_code_t exports_test_c_async_api_greet_callback(async_guest_event_t *event) {
  greet_task_t *t = (greet_task_t *) async_guest_context_get_0();
  if (event->event == ASYNC_GUEST_EVENT_CANCEL) return greet_cancelled(t);
  if (event->event != ASYNC_GUEST_EVENT_SUBTASK || event->waitable != t->subtask ||
      ASYNC_GUEST_SUBTASK_STATE(event->code) != ASYNC_GUEST_SUBTASK_RETURNED)
    return WAIT(t->set);
  stop_waiting(t->subtask, t->set);
  async_guest_subtask_drop(t->subtask);
  return greet_returned(t);
}

// ---- double: reading a future ----

typedef struct double_task {
  future_u32_t future;
  uint32_t value;
  async_guest_waitable_set_t set;
} double_task_t;

static async_guest_callback_code_t double_done(double_task_t *t, async_guest_waitable_status_t status) {
  exports_test_c_async_api_double_return(ASYNC_GUEST_WAITABLE_STATE(status) == ASYNC_GUEST_WAITABLE_COMPLETED ? t->value * 2
                                                                                                              : 0);
  exports_test_c_async_api_future_u32_drop_readable(t->future);
  free(t);
  return EXIT;
}

async_guest_callback_code_t exports_test_c_async_api_double(future_u32_t value) {
  double_task_t *t = (double_task_t *) malloc(sizeof(double_task_t));
  t->future = value;
  async_guest_waitable_status_t status = exports_test_c_async_api_future_u32_read(value, &t->value);
  if (status != ASYNC_GUEST_WAITABLE_STATUS_BLOCKED) return double_done(t, status);
  t->set = wait_on(value);
  async_guest_context_set_0(t);
  return WAIT(t->set);
}

async_guest_callback_code_t exports_test_c_async_api_double_callback(async_guest_event_t *event) {
  double_task_t *t = (double_task_t *) async_guest_context_get_0();
  if (event->event != ASYNC_GUEST_EVENT_FUTURE_READ || event->waitable != t->future) return WAIT(t->set);
  stop_waiting(t->future, t->set);
  return double_done(t, event->code);
}

// ---- sum: reading a stream to its end ----

typedef struct sum_task {
  stream_u8_t stream;
  uint8_t buf[4];
  uint32_t total;
  async_guest_waitable_set_t set;
} sum_task_t;

static async_guest_callback_code_t sum_return(sum_task_t *t) {
  exports_test_c_async_api_sum_return(t->total);
  exports_test_c_async_api_stream_u8_drop_readable(t->stream);
  free(t);
  return EXIT;
}

// Reads until a read blocks (then waits) or the writer drops the stream (then `done` returns).
static async_guest_callback_code_t read_all(sum_task_t *t, async_guest_waitable_status_t status,
                                            async_guest_callback_code_t (*done)(sum_task_t *)) {
  for (;;) {
    if (status != ASYNC_GUEST_WAITABLE_STATUS_BLOCKED) {
      for (uint32_t i = 0; i < ASYNC_GUEST_WAITABLE_COUNT(status); i++) t->total += t->buf[i];
      if (ASYNC_GUEST_WAITABLE_STATE(status) == ASYNC_GUEST_WAITABLE_DROPPED) {
        if (t->set != 0) stop_waiting(t->stream, t->set);
        return done(t);
      }
    }
    status = exports_test_c_async_api_stream_u8_read(t->stream, t->buf, sizeof t->buf);
    if (status == ASYNC_GUEST_WAITABLE_STATUS_BLOCKED) {
      if (t->set == 0) t->set = wait_on(t->stream);
      async_guest_context_set_0(t);
      return WAIT(t->set);
    }
  }
}

async_guest_callback_code_t exports_test_c_async_api_sum(stream_u8_t bytes) {
  sum_task_t *t = (sum_task_t *) malloc(sizeof(sum_task_t));
  t->stream = bytes;
  t->total = 0;
  t->set = 0;
  return read_all(t, ASYNC_GUEST_WAITABLE_STATUS_BLOCKED, sum_return);
}

async_guest_callback_code_t exports_test_c_async_api_sum_callback(async_guest_event_t *event) {
  sum_task_t *t = (sum_task_t *) async_guest_context_get_0();
  if (event->event != ASYNC_GUEST_EVENT_STREAM_READ || event->waitable != t->stream) return WAIT(t->set);
  return read_all(t, event->code, sum_return);
}

// ---- drain: reading a stream until the caller cancels ----

typedef sum_task_t drain_task_t;

static async_guest_callback_code_t drain_return(drain_task_t *t) {
  exports_test_c_async_api_drain_return(t->total);
  exports_test_c_async_api_stream_u8_drop_readable(t->stream);
  free(t);
  return EXIT;
}

async_guest_callback_code_t exports_test_c_async_api_drain(stream_u8_t bytes) {
  drain_task_t *t = (drain_task_t *) malloc(sizeof(drain_task_t));
  t->stream = bytes;
  t->total = 0;
  t->set = 0;
  return read_all(t, ASYNC_GUEST_WAITABLE_STATUS_BLOCKED, drain_return);
}

async_guest_callback_code_t exports_test_c_async_api_drain_callback(async_guest_event_t *event) {
  drain_task_t *t = (drain_task_t *) async_guest_context_get_0();
  if (event->event == ASYNC_GUEST_EVENT_CANCEL) {
    // Cancel the read in flight (synchronously, out of the set): the bytes it took count too.
    stop_waiting(t->stream, t->set);
    async_guest_waitable_status_t status = exports_test_c_async_api_stream_u8_cancel_read(t->stream);
    for (uint32_t i = 0; i < ASYNC_GUEST_WAITABLE_COUNT(status); i++) t->total += t->buf[i];
    return drain_return(t);
  }
  if (event->event != ASYNC_GUEST_EVENT_STREAM_READ || event->waitable != t->stream) return WAIT(t->set);
  return read_all(t, event->code, drain_return);
}

// ---- countdown: writing a stream after returning its readable end ----

typedef struct countdown_task {
  stream_u8_writer_t writer;
  uint8_t buf[256];
  size_t len;
  size_t written;
  async_guest_waitable_set_t set;
} countdown_task_t;

static async_guest_callback_code_t countdown_write(countdown_task_t *t, async_guest_waitable_status_t status) {
  for (;;) {
    if (status != ASYNC_GUEST_WAITABLE_STATUS_BLOCKED) {
      t->written += ASYNC_GUEST_WAITABLE_COUNT(status);
      if (t->written == t->len || ASYNC_GUEST_WAITABLE_STATE(status) == ASYNC_GUEST_WAITABLE_DROPPED) {
        if (t->set != 0) stop_waiting(t->writer, t->set);
        exports_test_c_async_api_stream_u8_drop_writable(t->writer);
        free(t);
        return EXIT;
      }
    }
    status = exports_test_c_async_api_stream_u8_write(t->writer, t->buf + t->written, t->len - t->written);
    if (status == ASYNC_GUEST_WAITABLE_STATUS_BLOCKED) {
      if (t->set == 0) t->set = wait_on(t->writer);
      async_guest_context_set_0(t);
      return WAIT(t->set);
    }
  }
}

async_guest_callback_code_t exports_test_c_async_api_countdown(uint8_t n) {
  countdown_task_t *t = (countdown_task_t *) malloc(sizeof(countdown_task_t));
  for (size_t i = 0; i < n; i++) t->buf[i] = (uint8_t) (n - i);
  t->len = n;
  t->written = 0;
  t->set = 0;
  stream_u8_t reader = exports_test_c_async_api_stream_u8_new(&t->writer);
  exports_test_c_async_api_countdown_return(reader);
  if (n == 0) {
    exports_test_c_async_api_stream_u8_drop_writable(t->writer);
    free(t);
    return EXIT;
  }
  return countdown_write(t, ASYNC_GUEST_WAITABLE_STATUS_BLOCKED);
}

async_guest_callback_code_t exports_test_c_async_api_countdown_callback(async_guest_event_t *event) {
  countdown_task_t *t = (countdown_task_t *) async_guest_context_get_0();
  if (event->event != ASYNC_GUEST_EVENT_STREAM_WRITE || event->waitable != t->writer) return WAIT(t->set);
  return countdown_write(t, event->code);
}

// ---- later: writing a future after returning its readable end ----

typedef struct later_task {
  future_u32_writer_t writer;
  uint32_t value;
  async_guest_waitable_set_t set;
} later_task_t;

static async_guest_callback_code_t later_done(later_task_t *t) {
  exports_test_c_async_api_future_u32_drop_writable(t->writer);
  free(t);
  return EXIT;
}

async_guest_callback_code_t exports_test_c_async_api_later(uint32_t x) {
  later_task_t *t = (later_task_t *) malloc(sizeof(later_task_t));
  t->value = x + 1;
  future_u32_t reader = exports_test_c_async_api_future_u32_new(&t->writer);
  exports_test_c_async_api_later_return(reader);
  async_guest_waitable_status_t status = exports_test_c_async_api_future_u32_write(t->writer, &t->value);
  if (status != ASYNC_GUEST_WAITABLE_STATUS_BLOCKED) return later_done(t);
  t->set = wait_on(t->writer);
  async_guest_context_set_0(t);
  return WAIT(t->set);
}

async_guest_callback_code_t exports_test_c_async_api_later_callback(async_guest_event_t *event) {
  later_task_t *t = (later_task_t *) async_guest_context_get_0();
  if (event->event != ASYNC_GUEST_EVENT_FUTURE_WRITE || event->waitable != t->writer) return WAIT(t->set);
  stop_waiting(t->writer, t->set);
  return later_done(t);
}

// ---- error contexts both ways, and backpressure ----

async_guest_callback_code_t exports_test_c_async_api_fail(async_guest_string_t *message) {
  exports_test_c_async_api_result_u32_error_context_t result;
  result.is_err = true;
  result.val.err = async_guest_error_context_new((const char *) message->ptr, message->len);
  exports_test_c_async_api_fail_return(result);
  // The caller has the error context now; this handle is still the guest's own.
  async_guest_error_context_drop(result.val.err);
  async_guest_string_free(message);
  return EXIT;
}

async_guest_callback_code_t exports_test_c_async_api_fail_callback(async_guest_event_t *event) {
  (void) event;
  abort();
}

void exports_test_c_async_api_describe(async_guest_error_context_t e, async_guest_string_t *ret) {
  async_guest_error_context_debug_message(e, ret);
  async_guest_error_context_drop(e);
}

void exports_test_c_async_api_pause(bool on) {
  if (on)
    async_guest_backpressure_inc();
  else
    async_guest_backpressure_dec();
}
