// The `test` world of wit-bindgen's runtime case `resource-borrow`.
#include <stdlib.h>

#include "test.h"

struct exports_test_resource_borrow_to_test_thing_t {
  uint32_t v;
};

exports_test_resource_borrow_to_test_own_thing_t exports_test_resource_borrow_to_test_constructor_thing(uint32_t v) {
  exports_test_resource_borrow_to_test_thing_t *t = malloc(sizeof *t);
  t->v = v;
  return exports_test_resource_borrow_to_test_thing_new(t);
}

uint32_t exports_test_resource_borrow_to_test_foo(exports_test_resource_borrow_to_test_borrow_thing_t v) {
  return v->v + 2;
}

void exports_test_resource_borrow_to_test_thing_destructor(exports_test_resource_borrow_to_test_thing_t *rep) {
  free(rep);
}
