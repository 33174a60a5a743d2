// The `libc-guest` world written against wasi-libc itself (no test runtime):
// results are built with malloc/realloc, snprintf, strtoll, qsort and the
// string.h functions, arguments are released with the generated `*_free`
// helpers, and the bindings' `cabi_realloc` and post-return functions use
// libc's allocator.
//
// The link wraps malloc, calloc, realloc and free (`-Wl,--wrap=...`), so that
// every block, whoever asks for it (this file, the generated bindings, libc
// itself), is counted: `live-allocations` must be 0 between calls. getenv is
// wrapped too (see below).
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libc_guest.h"

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *ptr, size_t size);
void __real_free(void *ptr);

static int32_t live;
// Blocks libc keeps for the life of the instance (getenv's copy of the
// environment, made on first use): not a leak of a call.
static int32_t retained;

void *__wrap_malloc(size_t size) {
  void *p = __real_malloc(size);
  if (p != NULL) live++;
  return p;
}

void *__wrap_calloc(size_t n, size_t size) {
  void *p = __real_calloc(n, size);
  if (p != NULL) live++;
  return p;
}

void *__wrap_realloc(void *ptr, size_t size) {
  // Nothing here shrinks a block to 0 bytes (cabi_realloc answers a 0-byte
  // request without allocating), whose meaning varies between allocators.
  if (size == 0) abort();
  void *p = __real_realloc(ptr, size);
  if (ptr == NULL && p != NULL) live++;
  return p;
}

void __wrap_free(void *ptr) {
  if (ptr != NULL) live--;
  __real_free(ptr);
}

// getenv copies the environment on first use and keeps it: that is counted
// as `retained`. (Done in a wrapper around libc's getenv, which the compiler
// cannot see through: at a call to `getenv` itself clang takes libc's word
// that nothing but the environment is read, and would keep `live` in a
// register across it.)
char *__real_getenv(const char *name);

char *__wrap_getenv(const char *name) {
  int32_t before = live;
  char *value = __real_getenv(name);
  retained += live - before;
  return value;
}

int32_t exports_libc_guest_live_allocations(void) { return live - retained; }

typedef libc_guest_string_t string_t;
typedef libc_guest_list_string_t list_string_t;
typedef exports_test_c_libc_text_tally_t tally_t;

// A NUL-terminated copy of `s` (a component string need not end with one).
static char *c_string(const string_t *s) {
  char *out = malloc(s->len + 1);
  memcpy(out, s->ptr, s->len);
  out[s->len] = '\0';
  return out;
}

// Takes the bytes of a malloc'd, NUL-terminated `buf` as the string `ret`. An
// empty string owns no memory (the `*_free` helpers and post-return
// functions free only a non-empty one), so its buffer is freed here.
static void take(string_t *ret, char *buf) {
  ret->len = strlen(buf);
  ret->ptr = (uint8_t *)buf;
  if (ret->len == 0) {
    free(buf);
    ret->ptr = NULL;
  }
}

// snprintf into a malloc'd buffer of the exact size.
static char *format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *format(const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  int n = vsnprintf(NULL, 0, fmt, args);
  va_end(args);
  if (n < 0) abort();
  char *buf = malloc((size_t)n + 1);
  va_start(args, fmt);
  vsnprintf(buf, (size_t)n + 1, fmt, args);
  va_end(args);
  return buf;
}

void exports_test_c_libc_text_greet(string_t *name, uint32_t times, string_t *ret) {
  take(ret, format("Hello, %.*s #%u", (int)name->len, (const char *)name->ptr, (unsigned)times));
  libc_guest_string_free(name);
}

void exports_test_c_libc_text_join(list_string_t *parts, string_t *sep, string_t *ret) {
  size_t len = 0;
  for (size_t i = 0; i < parts->len; i++) len += parts->ptr[i].len + (i > 0 ? sep->len : 0);
  char *buf = malloc(len + 1);
  char *at = buf;
  for (size_t i = 0; i < parts->len; i++) {
    if (i > 0) {
      memcpy(at, sep->ptr, sep->len);
      at += sep->len;
    }
    memcpy(at, parts->ptr[i].ptr, parts->ptr[i].len);
    at += parts->ptr[i].len;
  }
  *at = '\0';
  if (strlen(buf) != len) abort(); // no part holds a NUL in these tests
  take(ret, buf);
  libc_guest_list_string_free(parts);
  libc_guest_string_free(sep);
}

// The UTF-8 bytes of `c`, NUL-terminated.
static void utf8(uint32_t c, char out[5]) {
  unsigned char *o = (unsigned char *)out;
  if (c < 0x80) {
    *o++ = (unsigned char)c;
  } else if (c < 0x800) {
    *o++ = (unsigned char)(0xC0 | (c >> 6));
    *o++ = (unsigned char)(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    *o++ = (unsigned char)(0xE0 | (c >> 12));
    *o++ = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
    *o++ = (unsigned char)(0x80 | (c & 0x3F));
  } else {
    *o++ = (unsigned char)(0xF0 | (c >> 18));
    *o++ = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
    *o++ = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
    *o++ = (unsigned char)(0x80 | (c & 0x3F));
  }
  *o = '\0';
}

void exports_test_c_libc_text_split(string_t *s, uint32_t sep, list_string_t *ret) {
  char sep_bytes[5];
  utf8(sep, sep_bytes);
  size_t sep_len = strlen(sep_bytes);
  char *text = c_string(s);
  size_t count = 1;
  for (const char *at = strstr(text, sep_bytes); at != NULL; at = strstr(at + sep_len, sep_bytes)) count++;
  ret->len = count;
  ret->ptr = malloc(count * sizeof(string_t));
  const char *start = text;
  for (size_t i = 0; i < count; i++) {
    const char *end = i + 1 < count ? strstr(start, sep_bytes) : text + strlen(text);
    libc_guest_string_dup_n(&ret->ptr[i], start, (size_t)(end - start));
    start = end + sep_len;
  }
  free(text);
  libc_guest_string_free(s);
}

void exports_test_c_libc_text_count_words(list_string_t *words, exports_test_c_libc_text_list_tally_t *ret) {
  ret->ptr = NULL;
  ret->len = 0;
  for (size_t i = 0; i < words->len; i++) {
    const string_t *w = &words->ptr[i];
    tally_t *t = NULL;
    for (size_t j = 0; j < ret->len && t == NULL; j++) {
      if (ret->ptr[j].word.len == w->len && memcmp(ret->ptr[j].word.ptr, w->ptr, w->len) == 0) t = &ret->ptr[j];
    }
    if (t == NULL) {
      // Grow one element at a time: realloc moves the block.
      ret->ptr = realloc(ret->ptr, (ret->len + 1) * sizeof(tally_t));
      t = &ret->ptr[ret->len++];
      libc_guest_string_dup_n(&t->word, (const char *)w->ptr, w->len);
      t->count = 0;
      t->positions.ptr = NULL;
      t->positions.len = 0;
    }
    t->count++;
    t->positions.ptr = realloc(t->positions.ptr, (t->positions.len + 1) * sizeof(uint32_t));
    t->positions.ptr[t->positions.len++] = (uint32_t)i;
  }
  libc_guest_list_string_free(words);
}

bool exports_test_c_libc_text_parse_int(string_t *s, int64_t *ret, string_t *err) {
  char *text = c_string(s);
  char *end = NULL;
  errno = 0;
  long long n = strtoll(text, &end, 10);
  bool ok = false;
  if (s->len == 0 || end != text + s->len) take(err, format("not an integer: \"%s\"", text));
  else if (errno == ERANGE) take(err, format("out of range: %s", text));
  else {
    *ret = n;
    ok = true;
  }
  free(text);
  libc_guest_string_free(s);
  return ok;
}

void exports_test_c_libc_text_format_float(double x, libc_guest_tuple2_string_string_t *ret) {
  take(&ret->f0, format("%.3f", x));
  take(&ret->f1, format("%e", x));
}

static int compare_strings(const void *a, const void *b) {
  const string_t *x = a, *y = b;
  size_t n = x->len < y->len ? x->len : y->len;
  int c = n == 0 ? 0 : memcmp(x->ptr, y->ptr, n);
  if (c != 0) return c;
  return x->len < y->len ? -1 : x->len > y->len;
}

void exports_test_c_libc_text_sorted(list_string_t *words, list_string_t *ret) {
  if (words->len > 1) qsort(words->ptr, words->len, sizeof(string_t), compare_strings);
  *ret = *words; // the strings and the array now belong to the result
}

void exports_test_c_libc_text_relay(string_t *s, string_t *ret) {
  string_t loud;
  test_c_libc_host_shout(s, &loud);
  list_string_t words;
  test_c_libc_host_words(s, &words);
  string_t plus;
  libc_guest_string_set(&plus, "+");
  string_t joined;
  // join frees its arguments: `words` and a copy of the borrowed "+".
  string_t plus_copy;
  libc_guest_string_dup_n(&plus_copy, (const char *)plus.ptr, plus.len);
  size_t count = words.len;
  exports_test_c_libc_text_join(&words, &plus_copy, &joined);
  take(ret, format("%.*s|%zu|%.*s", (int)loud.len, (const char *)loud.ptr, count, (int)joined.len,
                   (const char *)joined.ptr));
  libc_guest_string_free(&loud);
  libc_guest_string_free(&joined);
  libc_guest_string_free(s);
}

bool exports_test_c_libc_text_env_var(string_t *name, string_t *ret) {
  char *key = c_string(name);
  libc_guest_string_free(name);
  const char *value = getenv(key);
  free(key);
  if (value == NULL) return false;
  libc_guest_string_dup(ret, value);
  return true;
}
