// test/guests/c/options/options.wit built with `--rename-world renamed`: the
// world's names (types, helpers, world-level exports) take the new name.
#include <stdlib.h>
#include <string.h>

#include "renamed.h"

extern int32_t test_live_allocations(void);

int32_t exports_renamed_live_allocations(void) { return test_live_allocations(); }

void exports_test_c_options_names_shout(renamed_string_t *s, renamed_string_t *ret) {
  renamed_string_dup_n(ret, (const char *) s->ptr, s->len);
  for (size_t i = 0; i < ret->len; i++)
    if (ret->ptr[i] >= 'a' && ret->ptr[i] <= 'z') ret->ptr[i] = (uint8_t) (ret->ptr[i] - 32);
  renamed_string_free(s);
}

void exports_test_c_options_names_join(renamed_list_string_t *names, renamed_string_t *sep, renamed_string_t *ret) {
  size_t len = 0;
  for (size_t i = 0; i < names->len; i++) len += names->ptr[i].len + (i > 0 ? sep->len : 0);
  ret->ptr = (uint8_t *) malloc(len > 0 ? len : 1);
  ret->len = 0;
  for (size_t i = 0; i < names->len; i++) {
    if (i > 0) {
      memcpy(ret->ptr + ret->len, sep->ptr, sep->len);
      ret->len += sep->len;
    }
    memcpy(ret->ptr + ret->len, names->ptr[i].ptr, names->ptr[i].len);
    ret->len += names->ptr[i].len;
  }
  if (len == 0) {
    free(ret->ptr);
    ret->ptr = NULL;
  }
  renamed_list_string_free(names);
  renamed_string_free(sep);
}
