// The `runner` world of wit-bindgen's runtime case `resource_with_lists`:
// what it gets back says which components the calls went through (the
// leaf's answers with the middle's last byte).
#include <stdlib.h>
#include <string.h>

#include "runner.h"

static runner_list_u8_t bytes(const char *s) {
  runner_list_u8_t l = {(uint8_t *)s, strlen(s)};
  return l;
}

static void expect(runner_list_u8_t *got, const char *want) {
  if (got->len != strlen(want) || memcmp(got->ptr, want, got->len) != 0) abort();
  runner_list_u8_free(got);
}

void exports_runner_run(void) {
  runner_list_u8_t l = bytes("abc");
  test_resource_with_lists_test_own_thing_t t = test_resource_with_lists_test_constructor_thing(&l);
  test_resource_with_lists_test_borrow_thing_t b = test_resource_with_lists_test_borrow_thing(t);
  runner_list_u8_t got;
  test_resource_with_lists_test_method_thing_foo(b, &got);
  expect(&got, "abc!");
  l = bytes("xy");
  test_resource_with_lists_test_method_thing_bar(b, &l);
  test_resource_with_lists_test_method_thing_foo(b, &got);
  expect(&got, "xy!");
  l = bytes("1234");
  test_resource_with_lists_test_static_thing_baz(&l, &got);
  expect(&got, "4321?");
  test_resource_with_lists_test_thing_drop_own(t);
}
