// The `adapt-reactor` world written against wasi-libc: stdio, the
// allocator, qsort, getenv and file reads, each reaching WASI preview1
// (and, through the reactor adapter, WASI 0.2) on its own.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapt_reactor.h"

typedef adapt_reactor_string_t string_t;

// A NUL-terminated copy of `s` (a component string need not end with one).
static char *c_string(const string_t *s) {
  char *out = malloc(s->len + 1);
  if (out == NULL) abort();
  memcpy(out, s->ptr, s->len);
  out[s->len] = '\0';
  return out;
}

uint32_t exports_test_adapt_tools_greet(string_t *name, uint32_t times) {
  int written = 0;
  for (uint32_t i = 1; i <= times; i++) {
    written += printf("hello %.*s (%u of %u)\n", (int)name->len, (const char *)name->ptr, (unsigned)i, (unsigned)times);
  }
  // A reactor never exits: nothing else would flush stdout.
  fflush(stdout);
  adapt_reactor_string_free(name);
  return (uint32_t)written;
}

static int compare(const void *a, const void *b) {
  int32_t x = *(const int32_t *)a;
  int32_t y = *(const int32_t *)b;
  return (x > y) - (x < y);
}

void exports_test_adapt_tools_sorted(adapt_reactor_list_s32_t *values, adapt_reactor_list_s32_t *ret) {
  ret->len = values->len;
  ret->ptr = NULL;
  if (values->len > 0) {
    ret->ptr = malloc(values->len * sizeof(int32_t));
    if (ret->ptr == NULL) abort();
    memcpy(ret->ptr, values->ptr, values->len * sizeof(int32_t));
    qsort(ret->ptr, ret->len, sizeof(int32_t), compare);
  }
  adapt_reactor_list_s32_free(values);
}

bool exports_test_adapt_tools_env_var(string_t *name, string_t *ret) {
  char *key = c_string(name);
  const char *value = getenv(key);
  free(key);
  adapt_reactor_string_free(name);
  if (value == NULL) return false;
  adapt_reactor_string_dup(ret, value);
  return true;
}

bool exports_test_adapt_tools_read_file(string_t *path, string_t *ret, string_t *err) {
  char *file_name = c_string(path);
  adapt_reactor_string_free(path);
  FILE *file = fopen(file_name, "r");
  if (file == NULL) {
    int code = errno;
    fprintf(stderr, "cannot open %s: %s\n", file_name, strerror(code));
    fflush(stderr);
    adapt_reactor_string_dup(err, strerror(code));
    free(file_name);
    return false;
  }
  free(file_name);
  // Small reads into a growing buffer: several fd_read calls for any real file.
  size_t len = 0;
  size_t cap = 16;
  char *buf = malloc(cap);
  if (buf == NULL) abort();
  for (;;) {
    size_t n = fread(buf + len, 1, cap - len, file);
    len += n;
    if (n == 0) break;
    if (len == cap) {
      cap *= 2;
      buf = realloc(buf, cap);
      if (buf == NULL) abort();
    }
  }
  int failed = ferror(file);
  fclose(file);
  if (failed) {
    free(buf);
    adapt_reactor_string_dup(err, "read error");
    return false;
  }
  adapt_reactor_string_dup_n(ret, buf, len);
  free(buf);
  return true;
}
