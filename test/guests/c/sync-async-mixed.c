// The guest of test/guests/c/sync-async.wit with `greet` lifted
// synchronously (`async: ["-export:test:c-sync-async/api#greet"]`): it calls
// the async import `fetch` and waits for it in `waitable-set.wait`. `inc` is
// lifted async, with a callback.
#include <stdlib.h>
#include <string.h>

#include "sync_async.h"

extern int32_t test_live_allocations(void);

int32_t exports_sync_async_live_allocations(void) { return test_live_allocations(); }

void exports_test_c_sync_async_api_greet(sync_async_string_t *name, sync_async_string_t *ret) {
  sync_async_string_t fetched;
  sync_async_subtask_status_t status = test_c_sync_async_backend_fetch(*name, &fetched);
  if (SYNC_ASYNC_SUBTASK_STATE(status) != SYNC_ASYNC_SUBTASK_RETURNED) {
    sync_async_subtask_t subtask = SYNC_ASYNC_SUBTASK_HANDLE(status);
    sync_async_waitable_set_t set = sync_async_waitable_set_new();
    sync_async_waitable_join(subtask, set);
    sync_async_event_t event;
    do {
      sync_async_waitable_set_wait(set, &event);
    } while (event.event != SYNC_ASYNC_EVENT_SUBTASK || event.code != SYNC_ASYNC_SUBTASK_RETURNED);
    sync_async_waitable_join(subtask, 0);
    sync_async_waitable_set_drop(set);
    sync_async_subtask_drop(subtask);
  }
  ret->len = name->len + 2 + fetched.len;
  ret->ptr = (uint8_t *) malloc(ret->len);
  memcpy(ret->ptr, name->ptr, name->len);
  memcpy(ret->ptr + name->len, ": ", 2);
  memcpy(ret->ptr + name->len + 2, fetched.ptr, fetched.len);
  sync_async_string_free(name);
  sync_async_string_free(&fetched);
}

sync_async_callback_code_t exports_test_c_sync_async_api_inc(uint32_t x) {
  exports_test_c_sync_async_api_inc_return(x + 1);
  return SYNC_ASYNC_CALLBACK_CODE_EXIT;
}

sync_async_callback_code_t exports_test_c_sync_async_api_inc_callback(sync_async_event_t *event) { abort(); }
