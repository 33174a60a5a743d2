// The guest of test/guests/c/sync-async.wit with every async function bound
// with the synchronous ABI (`async: ["-all"]`): `greet` calls `fetch` and
// returns once it has its value.
#include <stdlib.h>
#include <string.h>

#include "sync_async.h"

extern int32_t test_live_allocations(void);

int32_t exports_sync_async_live_allocations(void) { return test_live_allocations(); }

void exports_test_c_sync_async_api_greet(sync_async_string_t *name, sync_async_string_t *ret) {
  sync_async_string_t fetched;
  test_c_sync_async_backend_fetch(name, &fetched);
  ret->len = name->len + 2 + fetched.len;
  ret->ptr = (uint8_t *) malloc(ret->len);
  memcpy(ret->ptr, name->ptr, name->len);
  memcpy(ret->ptr + name->len, ": ", 2);
  memcpy(ret->ptr + name->len + 2, fetched.ptr, fetched.len);
  sync_async_string_free(name);
  sync_async_string_free(&fetched);
}

uint32_t exports_test_c_sync_async_api_inc(uint32_t x) { return x + 1; }
