// The `utf16-guest` world, written against bindings generated with the
// UTF-16 string encoding: strings are `uint16_t` code units (astral code
// points as surrogate pairs), built with malloc and the generated
// `*_string_dup`/`*_string_dup_n` and released with the `*_free` helpers.
#include <stdlib.h>
#include <string.h>
#include <uchar.h>

#include "utf16_guest.h"

extern int32_t test_live_allocations(void);

int32_t exports_utf16_guest_live_allocations(void) { return test_live_allocations(); }

typedef utf16_guest_string_t string_t;
typedef utf16_guest_list_string_t list_string_t;

static bool is_high(uint16_t u) { return u >= 0xD800 && u < 0xDC00; }
static bool is_low(uint16_t u) { return u >= 0xDC00 && u < 0xE000; }

// The length of the code point starting at `s[i]`, in code units.
static size_t point_len(const string_t *s, size_t i) {
  return is_high(s->ptr[i]) && i + 1 < s->len && is_low(s->ptr[i + 1]) ? 2 : 1;
}

// `n` code units, freshly allocated (none for an empty string, which owns no memory).
static void alloc_units(string_t *ret, size_t n) {
  ret->len = n;
  ret->ptr = n == 0 ? NULL : malloc(n * sizeof(uint16_t));
}

void exports_test_c_utf16_strings_echo(string_t *s, string_t *ret) { *ret = *s; }

void exports_test_c_utf16_strings_reverse_points(string_t *s, string_t *ret) {
  alloc_units(ret, s->len);
  size_t out = s->len;
  for (size_t i = 0; i < s->len;) {
    size_t n = point_len(s, i);
    out -= n;
    memcpy(ret->ptr + out, s->ptr + i, n * sizeof(uint16_t));
    i += n;
  }
  utf16_guest_string_free(s);
}

void exports_test_c_utf16_strings_measure(string_t *s, exports_test_c_utf16_strings_measured_t *ret) {
  static const char16_t open[] = u"«", close[] = u"»";
  alloc_units(&ret->label, s->len + 2);
  ret->label.ptr[0] = open[0];
  memcpy(ret->label.ptr + 1, s->ptr, s->len * sizeof(uint16_t));
  ret->label.ptr[s->len + 1] = close[0];
  ret->units = (uint32_t)s->len;
  uint32_t points = 0;
  for (size_t i = 0; i < s->len; i += point_len(s, i)) points++;
  ret->points = points;
  utf16_guest_string_free(s);
}

bool exports_test_c_utf16_strings_char_at(string_t *s, uint32_t i, uint32_t *ret) {
  bool found = false;
  size_t at = 0;
  for (uint32_t k = 0; at < s->len; k++) {
    size_t n = point_len(s, at);
    if (k == i) {
      *ret = n == 2 ? 0x10000 + (((uint32_t)s->ptr[at] - 0xD800) << 10) + ((uint32_t)s->ptr[at + 1] - 0xDC00)
                    : s->ptr[at];
      found = true;
      break;
    }
    at += n;
  }
  utf16_guest_string_free(s);
  return found;
}

bool exports_test_c_utf16_strings_from_chars(utf16_guest_list_char32_t *cs, string_t *ret, string_t *err) {
  size_t units = 0;
  for (size_t i = 0; i < cs->len; i++) units += cs->ptr[i] >= 0x10000 ? 2 : 1;
  alloc_units(ret, units);
  size_t at = 0;
  for (size_t i = 0; i < cs->len; i++) {
    uint32_t c = cs->ptr[i];
    if (c >= 0x10000) {
      ret->ptr[at++] = (uint16_t)(0xD800 + ((c - 0x10000) >> 10));
      ret->ptr[at++] = (uint16_t)(0xDC00 + ((c - 0x10000) & 0x3FF));
    } else {
      ret->ptr[at++] = (uint16_t)c;
    }
  }
  utf16_guest_list_char32_free(cs);
  // A list of `char` holds Unicode scalar values only (the host checks);
  // the error case is for an empty list.
  if (units == 0) {
    utf16_guest_string_dup(err, u"no chars ∅");
    return false;
  }
  return true;
}

void exports_test_c_utf16_strings_literal(string_t *ret) { utf16_guest_string_dup(ret, u"Grüße, 世界 🌍!"); }

void exports_test_c_utf16_strings_reverse_list(list_string_t *xs, list_string_t *ret) {
  for (size_t i = 0, j = xs->len; i + 1 < j; i++, j--) {
    string_t t = xs->ptr[i];
    xs->ptr[i] = xs->ptr[j - 1];
    xs->ptr[j - 1] = t;
  }
  *ret = *xs;
}

void exports_test_c_utf16_strings_lengths(list_string_t *xs, utf16_guest_list_u32_t *ret) {
  ret->len = xs->len;
  ret->ptr = xs->len == 0 ? NULL : malloc(xs->len * sizeof(uint32_t));
  for (size_t i = 0; i < xs->len; i++) ret->ptr[i] = (uint32_t)xs->ptr[i].len;
  utf16_guest_list_string_free(xs);
}

void exports_test_c_utf16_strings_call_host(string_t *s, list_string_t *parts, string_t *ret) {
  string_t decorated;
  test_c_utf16_host_decorate(s, parts, &decorated);
  list_string_t names;
  test_c_utf16_host_names(&names);
  size_t len = decorated.len + 1;
  for (size_t i = 0; i < names.len; i++) len += names.ptr[i].len + (i > 0 ? 1 : 0);
  alloc_units(ret, len);
  size_t at = 0;
  memcpy(ret->ptr, decorated.ptr, decorated.len * sizeof(uint16_t));
  at += decorated.len;
  ret->ptr[at++] = u'|';
  for (size_t i = 0; i < names.len; i++) {
    if (i > 0) ret->ptr[at++] = u',';
    memcpy(ret->ptr + at, names.ptr[i].ptr, names.ptr[i].len * sizeof(uint16_t));
    at += names.ptr[i].len;
  }
  utf16_guest_string_free(&decorated);
  utf16_guest_list_string_free(&names);
  utf16_guest_string_free(s);
  utf16_guest_list_string_free(parts);
}
