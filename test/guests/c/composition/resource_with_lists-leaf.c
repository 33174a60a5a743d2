// The `leaf` world of wit-bindgen's runtime case `resource_with_lists`: a
// `thing` holds bytes; `baz` reverses its argument.
#include <stdlib.h>
#include <string.h>

#include "leaf.h"

struct exports_test_resource_with_lists_test_thing_t {
  leaf_list_u8_t bytes;
};

static void copy(leaf_list_u8_t *to, const leaf_list_u8_t *from) {
  to->len = from->len;
  to->ptr = malloc(from->len ? from->len : 1);
  memcpy(to->ptr, from->ptr, from->len);
}

exports_test_resource_with_lists_test_own_thing_t exports_test_resource_with_lists_test_constructor_thing(
    leaf_list_u8_t *l) {
  exports_test_resource_with_lists_test_thing_t *t = malloc(sizeof *t);
  t->bytes = *l; // the argument's bytes are the callee's
  return exports_test_resource_with_lists_test_thing_new(t);
}

void exports_test_resource_with_lists_test_method_thing_foo(exports_test_resource_with_lists_test_borrow_thing_t self,
                                                            leaf_list_u8_t *ret) {
  copy(ret, &self->bytes);
}

void exports_test_resource_with_lists_test_method_thing_bar(exports_test_resource_with_lists_test_borrow_thing_t self,
                                                            leaf_list_u8_t *l) {
  leaf_list_u8_free(&self->bytes);
  self->bytes = *l;
}

void exports_test_resource_with_lists_test_static_thing_baz(leaf_list_u8_t *l, leaf_list_u8_t *ret) {
  for (size_t i = 0; i < l->len / 2; i++) {
    uint8_t b = l->ptr[i];
    l->ptr[i] = l->ptr[l->len - 1 - i];
    l->ptr[l->len - 1 - i] = b;
  }
  *ret = *l;
}

void exports_test_resource_with_lists_test_thing_destructor(exports_test_resource_with_lists_test_thing_t *rep) {
  leaf_list_u8_free(&rep->bytes);
  free(rep);
}
