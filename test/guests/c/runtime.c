// A minimal C runtime for the test guests, so that the core modules import
// nothing but their world: a bump allocator that counts live allocations
// (the tests check that the generated `*_free` helpers and post-return
// functions free everything), and the few string functions the bindings use.
#include <stddef.h>
#include <stdint.h>

static _Alignas(16) unsigned char heap[4 << 20];
static size_t heap_used;
static int32_t live;

int32_t test_live_allocations(void) { return live; }

void abort(void) { __builtin_trap(); }

void *malloc(size_t size) {
  // Each block starts with its size, 16 bytes before the pointer returned.
  size_t start = (heap_used + 15) & ~(size_t)15;
  if (start + 16 + size > sizeof heap) __builtin_trap();
  *(size_t *)(heap + start) = size;
  heap_used = start + 16 + size;
  live++;
  return heap + start + 16;
}

void free(void *ptr) {
  if (ptr == NULL) return;
  unsigned char *p = ptr;
  if (p < heap + 16 || p >= heap + sizeof heap) __builtin_trap();
  live--;
}

void *memcpy(void *dst, const void *src, size_t n) {
  unsigned char *d = dst;
  const unsigned char *s = src;
  for (size_t i = 0; i < n; i++) d[i] = s[i];
  return dst;
}

void *memset(void *dst, int c, size_t n) {
  unsigned char *d = dst;
  for (size_t i = 0; i < n; i++) d[i] = (unsigned char)c;
  return dst;
}

int memcmp(const void *a, const void *b, size_t n) {
  const unsigned char *x = a, *y = b;
  for (size_t i = 0; i < n; i++)
    if (x[i] != y[i]) return x[i] - y[i];
  return 0;
}

size_t strlen(const char *s) {
  size_t n = 0;
  while (s[n]) n++;
  return n;
}

void *realloc(void *ptr, size_t size) {
  void *fresh = malloc(size);
  if (ptr != NULL) {
    size_t old = *(size_t *)((unsigned char *)ptr - 16);
    memcpy(fresh, ptr, old < size ? old : size);
    free(ptr);
  }
  return fresh;
}

void *calloc(size_t n, size_t size) { return memset(malloc(n * size), 0, n * size); }
