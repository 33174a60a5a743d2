// The `autodrop` world of test/guests/c/options/options.wit, written for
// `--autodrop-borrows yes`: the exports never drop the borrows they receive,
// the bindings do when the export returns.
#include "autodrop.h"

extern int32_t test_live_allocations(void);

int32_t exports_autodrop_live_allocations(void) { return test_live_allocations(); }

uint32_t exports_test_c_options_borrower_peek(exports_test_c_options_borrower_borrow_thing_t t) {
  return test_c_options_things_method_thing_get(t) + 1;
}

uint32_t exports_test_c_options_borrower_peek_pair(exports_test_c_options_borrower_pair_t *p) {
  uint32_t sum = test_c_options_things_method_thing_get(p->a);
  if (p->b.is_some) sum += test_c_options_things_method_thing_get(p->b.val);
  return sum;
}
