// The `test` world of wit-bindgen's runtime case `strings`: what the runner
// (strings-runner.c) checks, as another component.
#include <stdlib.h>
#include <string.h>

#include "test.h"

static int same(const test_string_t *s, const char *expected) {
  return s->len == strlen(expected) && memcmp(s->ptr, expected, s->len) == 0;
}

void exports_test_strings_to_test_take_basic(test_string_t *s) {
  if (!same(s, "latin utf16")) abort();
  test_string_free(s);
}

void exports_test_strings_to_test_return_unicode(test_string_t *ret) {
  test_string_dup(ret, "🚀🚀🚀 𠈄𓀀");
}

void exports_test_strings_to_test_return_empty(test_string_t *ret) {
  test_string_dup_n(ret, "", 0);
}

void exports_test_strings_to_test_roundtrip(test_string_t *s, test_string_t *ret) {
  *ret = *s; // the result takes over the argument's bytes
}
