// The `runner` world of wit-bindgen's runtime case `resource-borrow`: makes a
// `thing` in the other component, lends it, and drops it.
#include <stdlib.h>

#include "runner.h"

void exports_runner_run(void) {
  for (uint32_t v = 0; v < 3; v++) {
    test_resource_borrow_to_test_own_thing_t t = test_resource_borrow_to_test_constructor_thing(40 + v);
    if (test_resource_borrow_to_test_foo(test_resource_borrow_to_test_borrow_thing(t)) != 42 + v) abort();
    test_resource_borrow_to_test_thing_drop_own(t);
  }
}
