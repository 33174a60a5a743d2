// The guest of test/guests/c/sync-async.wit with `fetch` lowered
// synchronously (`async: ["-import:test:c-sync-async/backend#fetch"]`): the
// async export `greet` (lifted with a callback) calls it and returns at once.
#include <stdlib.h>
#include <string.h>

#include "sync_async.h"

extern int32_t test_live_allocations(void);

int32_t exports_sync_async_live_allocations(void) { return test_live_allocations(); }

sync_async_callback_code_t exports_test_c_sync_async_api_greet(sync_async_string_t *name) {
  sync_async_string_t fetched;
  sync_async_string_t out;
  test_c_sync_async_backend_fetch(name, &fetched);
  out.len = name->len + 2 + fetched.len;
  out.ptr = (uint8_t *) malloc(out.len);
  memcpy(out.ptr, name->ptr, name->len);
  memcpy(out.ptr + name->len, ": ", 2);
  memcpy(out.ptr + name->len + 2, fetched.ptr, fetched.len);
  exports_test_c_sync_async_api_greet_return(out);
  sync_async_string_free(&out);
  sync_async_string_free(name);
  sync_async_string_free(&fetched);
  return SYNC_ASYNC_CALLBACK_CODE_EXIT;
}

sync_async_callback_code_t exports_test_c_sync_async_api_greet_callback(sync_async_event_t *event) { abort(); }

sync_async_callback_code_t exports_test_c_sync_async_api_inc(uint32_t x) {
  exports_test_c_sync_async_api_inc_return(x + 1);
  return SYNC_ASYNC_CALLBACK_CODE_EXIT;
}

sync_async_callback_code_t exports_test_c_sync_async_api_inc_callback(sync_async_event_t *event) { abort(); }
