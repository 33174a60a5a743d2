// The `threads` world of test/guests/c/options/options.wit, written against
// wit-bindgen's threading helpers (`--generate-threading-helpers`): threads
// made with `thread_new_indirect`, each keeping its own context slot 1.
#include <stdint.h>

#include "threads.h"

extern int32_t test_live_allocations(void);

int32_t exports_threads_live_allocations(void) { return test_live_allocations(); }

static uint32_t sum;
static uint32_t maker;

static void add(void *arg) {
  threads_context_set_1(arg);
  // A thread of its own: its index is not its maker's.
  if (threads_thread_index() == maker) __builtin_trap();
  sum += (uint32_t) (uintptr_t) threads_context_get_1();
}

uint32_t exports_threads_spawn(uint32_t n) {
  sum = 0;
  maker = threads_thread_index();
  threads_context_set_1((void *) 1000);
  for (uint32_t i = 1; i <= n; i++) {
    uint32_t thread = threads_thread_new_indirect(add, (void *) (uintptr_t) i);
    threads_thread_yield_then_resume(thread);
  }
  // Its own slot is as it left it.
  return sum + (uint32_t) (uintptr_t) threads_context_get_1();
}

uint32_t exports_threads_later(uint32_t n) {
  sum = 0;
  maker = threads_thread_index();
  threads_thread_resume_later(threads_thread_new_indirect(add, (void *) (uintptr_t) n));
  return sum;
}

uint32_t exports_threads_total(void) { return sum; }
