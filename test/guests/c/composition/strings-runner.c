// The `runner` world of wit-bindgen's runtime case `strings`: calls every
// function of `to-test` and traps on a wrong answer.
#include <stdlib.h>
#include <string.h>

#include "runner.h"

static void expect(const runner_string_t *s, const char *expected) {
  if (s->len != strlen(expected) || memcmp(s->ptr, expected, s->len) != 0) abort();
}

void exports_runner_run(void) {
  runner_string_t s;
  runner_string_dup(&s, "latin utf16");
  test_strings_to_test_take_basic(&s);
  runner_string_free(&s);

  runner_string_t ret;
  test_strings_to_test_return_unicode(&ret);
  expect(&ret, "🚀🚀🚀 𠈄𓀀");
  runner_string_free(&ret);

  test_strings_to_test_return_empty(&ret);
  if (ret.len != 0) abort();
  runner_string_free(&ret);

  const char *cases[] = {"", "a", "hello", "hello ⚑ world", "ą", "😀", "🚀🚀🚀 𠈄𓀀"};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    runner_string_dup(&s, cases[i]);
    test_strings_to_test_roundtrip(&s, &ret);
    expect(&ret, cases[i]);
    runner_string_free(&s);
    runner_string_free(&ret);
  }
}
