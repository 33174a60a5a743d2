// The values scenarios, written against the generated bindings of
// `values-guest`: every export frees the arguments it owns (as
// wit-bindgen's ownership rules say) and returns freshly allocated results,
// which the generated post-return functions free.
#include <stdlib.h>
#include <string.h>

#include "values_guest.h"

extern int32_t test_live_allocations(void);

int32_t exports_values_guest_live_allocations(void) { return test_live_allocations(); }

typedef exports_test_c_guest_values_point_t point_t;
typedef exports_test_c_guest_values_shape_t shape_t;

static void dup_bytes(values_guest_string_t *ret, const uint8_t *s, size_t len) {
  values_guest_string_dup_n(ret, (const char *)s, len);
}

double exports_test_c_guest_values_add(uint8_t a, int16_t b, uint32_t c, int64_t d, float e, double f, uint32_t g,
                                       bool h) {
  return (double)a + b + c + (double)d + e + f + g + (h ? 1 : 0);
}

uint32_t exports_test_c_guest_values_next_char(uint32_t c) { return c + 1; }

void exports_test_c_guest_values_greet(values_guest_string_t *name, values_guest_string_t *ret) {
  size_t len = 7 + name->len;
  ret->ptr = malloc(len);
  ret->len = len;
  memcpy(ret->ptr, "Hello, ", 7);
  memcpy(ret->ptr + 7, name->ptr, name->len);
  values_guest_string_free(name);
}

void exports_test_c_guest_values_reverse(values_guest_list_string_t *xs, values_guest_list_string_t *ret) {
  ret->len = xs->len;
  ret->ptr = xs->len == 0 ? NULL : malloc(xs->len * sizeof(values_guest_string_t));
  for (size_t i = 0; i < xs->len; i++) dup_bytes(&ret->ptr[i], xs->ptr[xs->len - 1 - i].ptr, xs->ptr[xs->len - 1 - i].len);
  values_guest_list_string_free(xs);
}

void exports_test_c_guest_values_double_all(values_guest_list_s32_t *xs, values_guest_list_s32_t *ret) {
  // Reuse the argument's buffer: ownership moves to the result.
  for (size_t i = 0; i < xs->len; i++) xs->ptr[i] *= 2;
  *ret = *xs;
}

void exports_test_c_guest_values_move_point(point_t *p, int32_t dx, point_t *ret) {
  *ret = *p;
  ret->x += dx;
}

void exports_test_c_guest_values_describe(shape_t *s, values_guest_string_t *ret) {
  switch (s->tag) {
  case EXPORTS_TEST_C_GUEST_VALUES_SHAPE_CIRCLE:
    values_guest_string_dup(ret, s->val.circle > 1.0 ? "big circle" : "small circle");
    break;
  case EXPORTS_TEST_C_GUEST_VALUES_SHAPE_RECT:
    dup_bytes(ret, s->val.rect.label.ptr, s->val.rect.label.len);
    break;
  default:
    values_guest_string_dup(ret, "empty");
  }
  exports_test_c_guest_values_shape_free(s);
}

void exports_test_c_guest_values_mirror(shape_t *s, shape_t *ret) {
  *ret = *s;
  if (s->tag == EXPORTS_TEST_C_GUEST_VALUES_SHAPE_RECT) {
    int32_t x = ret->val.rect.x;
    ret->val.rect.x = ret->val.rect.y;
    ret->val.rect.y = x;
  } else if (s->tag == EXPORTS_TEST_C_GUEST_VALUES_SHAPE_CIRCLE) {
    ret->val.circle = -s->val.circle;
  }
}

bool exports_test_c_guest_values_maybe_len(values_guest_string_t *maybe_s, uint32_t *ret) {
  if (maybe_s == NULL) return false;
  *ret = (uint32_t)maybe_s->len;
  values_guest_string_free(maybe_s);
  return true;
}

bool exports_test_c_guest_values_parse(values_guest_string_t *s, uint32_t *ret, values_guest_string_t *err) {
  uint32_t n = 0;
  bool ok = s->len > 0;
  for (size_t i = 0; i < s->len && ok; i++) {
    if (s->ptr[i] < '0' || s->ptr[i] > '9') ok = false;
    else n = n * 10 + (s->ptr[i] - '0');
  }
  if (ok) *ret = n;
  else {
    err->len = 12 + s->len;
    err->ptr = malloc(err->len);
    memcpy(err->ptr, "not a number", 12);
    memcpy(err->ptr + 12, s->ptr, s->len);
    err->len = 12;
  }
  values_guest_string_free(s);
  return ok;
}

exports_test_c_guest_values_perms_t exports_test_c_guest_values_toggle(exports_test_c_guest_values_perms_t p) {
  return p ^ (EXPORTS_TEST_C_GUEST_VALUES_PERMS_READ | EXPORTS_TEST_C_GUEST_VALUES_PERMS_EXEC);
}

exports_test_c_guest_values_color_t exports_test_c_guest_values_next_color(exports_test_c_guest_values_color_t c) {
  return c == EXPORTS_TEST_C_GUEST_VALUES_COLOR_BLUE ? EXPORTS_TEST_C_GUEST_VALUES_COLOR_RED : c + 1;
}

uint64_t exports_test_c_guest_values_many(uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4, uint32_t a5, uint32_t a6,
                                          uint32_t a7, uint32_t a8, uint32_t a9, uint32_t a10, uint32_t a11,
                                          uint32_t a12, uint32_t a13, uint32_t a14, uint32_t a15, uint32_t a16,
                                          values_guest_string_t *a17, uint64_t a18) {
  uint64_t sum = (uint64_t)a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11 + a12 + a13 + a14 + a15 + a16;
  sum += a17->len * 1000 + a18;
  values_guest_string_free(a17);
  return sum;
}

void exports_test_c_guest_values_swap(values_guest_tuple2_string_u32_t *t, values_guest_tuple2_u32_string_t *ret) {
  ret->f0 = t->f1;
  ret->f1 = t->f0;
}

void exports_test_c_guest_values_points(uint32_t n, exports_test_c_guest_values_list_point_t *ret) {
  ret->len = n;
  ret->ptr = n == 0 ? NULL : malloc(n * sizeof(point_t));
  for (uint32_t i = 0; i < n; i++) {
    ret->ptr[i].x = (int32_t)i;
    ret->ptr[i].y = -(int32_t)i;
    values_guest_string_dup(&ret->ptr[i].label, i % 2 ? "odd" : "even");
  }
}

void exports_test_c_guest_values_call_host(values_guest_string_t *a, values_guest_list_string_t *parts,
                                           values_guest_list_u32_t *xs, values_guest_string_t *ret) {
  values_guest_string_t joined;
  test_c_guest_host_concat(a, parts, &joined);
  uint64_t sum = test_c_guest_host_sum(xs);
  values_guest_string_t needle;
  values_guest_string_set(&needle, "b");
  uint32_t at = 0;
  bool found = test_c_guest_host_find(parts, &needle, &at);
  // joined + "|" + sum + "|" + index of "b" (or -)
  char digits[32];
  int n = 0;
  do {
    digits[n++] = (char)('0' + sum % 10);
    sum /= 10;
  } while (sum > 0);
  ret->len = joined.len + 1 + (size_t)n + 2;
  ret->ptr = malloc(ret->len);
  memcpy(ret->ptr, joined.ptr, joined.len);
  size_t k = joined.len;
  ret->ptr[k++] = '|';
  while (n > 0) ret->ptr[k++] = (uint8_t)digits[--n];
  ret->ptr[k++] = '|';
  ret->ptr[k++] = found ? (uint8_t)('0' + at) : '-';
  values_guest_string_free(&joined);
  values_guest_string_free(a);
  values_guest_list_string_free(parts);
  values_guest_list_u32_free(xs);
}
