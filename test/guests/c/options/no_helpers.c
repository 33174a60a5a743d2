// test/guests/c/options/options.wit built with `--no-helpers` (and
// `--generate-async-helpers`): no `*_free` or string helper exists, so the
// guest frees what the bindings give it itself.
#include <stdlib.h>
#include <string.h>

#include "options.h"

extern int32_t test_live_allocations(void);

int32_t exports_options_live_allocations(void) { return test_live_allocations(); }

static void release(options_string_t *s) {
  if (s->len > 0) free(s->ptr);
}

void exports_test_c_options_names_shout(options_string_t *s, options_string_t *ret) {
  *ret = *s; // the argument's memory becomes the result's
  for (size_t i = 0; i < ret->len; i++)
    if (ret->ptr[i] >= 'a' && ret->ptr[i] <= 'z') ret->ptr[i] = (uint8_t) (ret->ptr[i] - 32);
}

void exports_test_c_options_names_join(options_list_string_t *names, options_string_t *sep, options_string_t *ret) {
  size_t len = 0;
  for (size_t i = 0; i < names->len; i++) len += names->ptr[i].len + (i > 0 ? sep->len : 0);
  ret->ptr = len > 0 ? (uint8_t *) malloc(len) : NULL;
  ret->len = 0;
  for (size_t i = 0; i < names->len; i++) {
    if (i > 0) {
      memcpy(ret->ptr + ret->len, sep->ptr, sep->len);
      ret->len += sep->len;
    }
    memcpy(ret->ptr + ret->len, names->ptr[i].ptr, names->ptr[i].len);
    ret->len += names->ptr[i].len;
    release(&names->ptr[i]);
  }
  if (names->len > 0) free(names->ptr);
  release(sep);
}
