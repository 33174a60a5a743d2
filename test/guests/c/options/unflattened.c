// The `unflattened` world of test/guests/c/options/options.wit, written for
// `--no-sig-flattening`: option parameters are option structs, and option and
// result returns come back through `ret` as their structs.
#include <stdlib.h>
#include <string.h>

#include "unflattened.h"

extern int32_t test_live_allocations(void);

int32_t exports_unflattened_live_allocations(void) { return test_live_allocations(); }

void exports_test_c_options_numbers_parse(unflattened_string_t *s, exports_test_c_options_numbers_result_u32_string_t *ret) {
  uint32_t n = 0;
  bool ok = s->len > 0;
  for (size_t i = 0; ok && i < s->len; i++) {
    if (s->ptr[i] < '0' || s->ptr[i] > '9') ok = false;
    else n = n * 10 + (uint32_t) (s->ptr[i] - '0');
  }
  ret->is_err = !ok;
  if (ok) ret->val.ok = n;
  else unflattened_string_dup(&ret->val.err, "not a number");
  unflattened_string_free(s);
}

void exports_test_c_options_numbers_find_next(unflattened_option_string_t *key, unflattened_option_u32_t *ret) {
  unflattened_option_u32_t found;
  test_c_options_lookup_find(key, &found);
  ret->is_some = found.is_some;
  if (found.is_some) ret->val = found.val + 1;
  unflattened_option_string_free(key);
}
