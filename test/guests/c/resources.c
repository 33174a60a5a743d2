// The resource scenarios, written against the generated bindings of
// `resources-guest`: an exported resource (`stack`) with a constructor,
// methods, a static function and a destructor, borrows of it in a record, and
// an imported resource (`counter`) borrowed, created and consumed.
#include <stdlib.h>
#include <string.h>

#include "resources_guest.h"

extern int32_t test_live_allocations(void);

int32_t exports_resources_guest_live_allocations(void) { return test_live_allocations(); }

struct exports_test_c_resources_stacks_stack_t {
  resources_guest_string_t name;
  uint32_t items[16];
  size_t len;
};

typedef exports_test_c_resources_stacks_stack_t stack_t;

exports_test_c_resources_stacks_own_stack_t exports_test_c_resources_stacks_constructor_stack(resources_guest_string_t *name) {
  stack_t *s = malloc(sizeof(stack_t));
  s->name = *name; // the stack owns the name from now on
  s->len = 0;
  return exports_test_c_resources_stacks_stack_new(s);
}

void exports_test_c_resources_stacks_stack_destructor(stack_t *rep) {
  resources_guest_string_free(&rep->name);
  free(rep);
}

void exports_test_c_resources_stacks_method_stack_push(exports_test_c_resources_stacks_borrow_stack_t self, uint32_t v) {
  if (self->len < 16) self->items[self->len++] = v;
}

bool exports_test_c_resources_stacks_method_stack_pop(exports_test_c_resources_stacks_borrow_stack_t self, uint32_t *ret) {
  if (self->len == 0) return false;
  *ret = self->items[--self->len];
  return true;
}

void exports_test_c_resources_stacks_method_stack_name(exports_test_c_resources_stacks_borrow_stack_t self,
                                                       resources_guest_string_t *ret) {
  resources_guest_string_dup_n(ret, (const char *)self->name.ptr, self->name.len);
}

exports_test_c_resources_stacks_own_stack_t exports_test_c_resources_stacks_static_stack_merge(
    exports_test_c_resources_stacks_own_stack_t a, exports_test_c_resources_stacks_borrow_stack_t b) {
  stack_t *s = exports_test_c_resources_stacks_stack_rep(a);
  for (size_t i = 0; i < b->len && s->len < 16; i++) s->items[s->len++] = b->items[i];
  // Hand back a fresh handle to the same representation: the old one is dropped.
  stack_t *fresh = malloc(sizeof(stack_t));
  *fresh = *s;
  resources_guest_string_dup_n(&fresh->name, (const char *)s->name.ptr, s->name.len);
  exports_test_c_resources_stacks_stack_drop_own(a);
  return exports_test_c_resources_stacks_stack_new(fresh);
}

uint32_t exports_test_c_resources_stacks_total(exports_test_c_resources_stacks_view_t *v) {
  uint32_t sum = v->extra;
  for (size_t i = 0; i < v->s->len; i++) sum += v->s->items[i];
  return sum;
}

uint32_t exports_test_c_resources_stacks_bump(exports_test_c_resources_stacks_borrow_counter_t c, uint32_t times) {
  // The borrow is of an imported resource: turn it into the import's borrow type.
  test_c_resources_counters_borrow_counter_t b = c;
  for (uint32_t i = 0; i < times; i++) test_c_resources_counters_method_counter_increment(b);
  uint32_t value = test_c_resources_counters_method_counter_get(b);
  test_c_resources_counters_counter_drop_borrow(b);
  return value;
}

exports_test_c_resources_stacks_own_counter_t exports_test_c_resources_stacks_make_counter(uint32_t start) {
  test_c_resources_counters_own_counter_t c = test_c_resources_counters_constructor_counter(start);
  test_c_resources_counters_method_counter_increment(test_c_resources_counters_borrow_counter(c));
  return c;
}

uint32_t exports_test_c_resources_stacks_consume(exports_test_c_resources_stacks_own_counter_t c) {
  uint32_t value = test_c_resources_counters_method_counter_get(test_c_resources_counters_borrow_counter(c));
  test_c_resources_counters_counter_drop_own(c);
  return value;
}
