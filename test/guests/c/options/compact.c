// The `compact` world of test/guests/c/options/options.wit, built with
// `--string-encoding compact-utf16`: each string is Latin-1 bytes or UTF-16
// code units, as the tag in its length says.
#include <stdlib.h>
#include <string.h>

#include "compact.h"

extern int32_t test_live_allocations(void);

int32_t exports_compact_live_allocations(void) { return test_live_allocations(); }

void exports_compact_shout(compact_string_t *s, compact_string_t *ret) {
  size_t units = COMPACT_STRING_UNITS(*s);
  if (COMPACT_STRING_IS_UTF16(*s)) {
    compact_string_dup_utf16_n(ret, COMPACT_STRING_UTF16_PTR(*s), units);
    char16_t *out = COMPACT_STRING_UTF16_PTR(*ret);
    for (size_t i = 0; i < units; i++)
      if (out[i] >= 'a' && out[i] <= 'z') out[i] = (char16_t) (out[i] - 32);
  } else {
    compact_string_dup_n(ret, (const char *) s->ptr, units);
    for (size_t i = 0; i < units; i++)
      if (ret->ptr[i] >= 'a' && ret->ptr[i] <= 'z') ret->ptr[i] = (uint8_t) (ret->ptr[i] - 32);
  }
  compact_string_free(s);
}

bool exports_compact_is_utf16(compact_string_t *s) {
  bool utf16 = COMPACT_STRING_IS_UTF16(*s);
  compact_string_free(s);
  return utf16;
}

void exports_compact_pair(compact_tuple2_string_string_t *ret) {
  // "Grüße" in Latin-1, and "日本" in UTF-16.
  static const char latin1[] = {'G', 'r', (char) 0xfc, (char) 0xdf, 'e', 0};
  static const char16_t utf16[] = {0x65e5, 0x672c, 0};
  compact_string_dup(&ret->f0, latin1);
  compact_string_dup_utf16(&ret->f1, utf16);
}
