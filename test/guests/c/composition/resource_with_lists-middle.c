// The `resource-with-lists` world of wit-bindgen's runtime case
// `resource_with_lists`: imports `test` and exports it again, each exported
// `thing` wrapping an imported one (dropped by the destructor); what comes
// back from the import gets one more byte: `!` from `foo`, `?` from `baz`.
#include <stdlib.h>
#include <string.h>

#include "resource_with_lists.h"

struct exports_test_resource_with_lists_test_thing_t {
  test_resource_with_lists_test_own_thing_t inner;
};

static void append(resource_with_lists_list_u8_t *to, const resource_with_lists_list_u8_t *from, uint8_t last) {
  to->len = from->len + 1;
  to->ptr = malloc(to->len);
  memcpy(to->ptr, from->ptr, from->len);
  to->ptr[from->len] = last;
}

exports_test_resource_with_lists_test_own_thing_t exports_test_resource_with_lists_test_constructor_thing(
    resource_with_lists_list_u8_t *l) {
  exports_test_resource_with_lists_test_thing_t *t = malloc(sizeof *t);
  t->inner = test_resource_with_lists_test_constructor_thing(l);
  resource_with_lists_list_u8_free(l);
  return exports_test_resource_with_lists_test_thing_new(t);
}

void exports_test_resource_with_lists_test_method_thing_foo(exports_test_resource_with_lists_test_borrow_thing_t self,
                                                            resource_with_lists_list_u8_t *ret) {
  resource_with_lists_list_u8_t got;
  test_resource_with_lists_test_method_thing_foo(test_resource_with_lists_test_borrow_thing(self->inner), &got);
  append(ret, &got, '!');
  resource_with_lists_list_u8_free(&got);
}

void exports_test_resource_with_lists_test_method_thing_bar(exports_test_resource_with_lists_test_borrow_thing_t self,
                                                            resource_with_lists_list_u8_t *l) {
  test_resource_with_lists_test_method_thing_bar(test_resource_with_lists_test_borrow_thing(self->inner), l);
  resource_with_lists_list_u8_free(l);
}

void exports_test_resource_with_lists_test_static_thing_baz(resource_with_lists_list_u8_t *l,
                                                            resource_with_lists_list_u8_t *ret) {
  resource_with_lists_list_u8_t got;
  test_resource_with_lists_test_static_thing_baz(l, &got);
  resource_with_lists_list_u8_free(l);
  append(ret, &got, '?');
  resource_with_lists_list_u8_free(&got);
}

void exports_test_resource_with_lists_test_thing_destructor(exports_test_resource_with_lists_test_thing_t *rep) {
  test_resource_with_lists_test_thing_drop_own(rep->inner);
  free(rep);
}
