// The string type and string helpers of a C guest whose strings are UTF-16
// (`--string-encoding utf16`), as wit-bindgen's C generator has them:
// lengths count 16-bit code units.
//
// Sections ending in `-h` go into `<world>.h`, those ending in `-c` into
// `<world>.c` (see generators/template-sections.ts); `world_` at the start
// of an identifier stands for the world's name (generators/c/templates.ts).
// @standalone
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <uchar.h>

void *cabi_realloc(void *ptr, size_t old_size, size_t align, size_t new_size);

// @section string-type-h
typedef struct world_string_t {
  uint16_t *ptr;
  size_t len;
} world_string_t;

// @section helpers-h
// Returns the length of the UTF-16 string `s` in code units
size_t world_string_len(const char16_t* s);

// Sets the string `ret` to reference the input string `s` without copying it
void world_string_set(world_string_t *ret, const char16_t *s);

// Creates a copy of the input nul-terminated string `s` and
// stores it into the component model string `ret`.
void world_string_dup(world_string_t *ret, const char16_t *s);

// Creates a copy of the input string `s` with length `len` and
// stores it into the component model string `ret`.
// The length is specified in code units (bytes for UTF-8, 16-bit values for UTF-16).
void world_string_dup_n(world_string_t *ret, const char16_t *s, size_t len);

// Deallocates the string pointed to by `ret`, deallocating
// the memory behind the string.
void world_string_free(world_string_t *ret);

// @section helpers-c
size_t world_string_len(const char16_t* s) {
  const char16_t* c = s;
  for (; *c; ++c);
  return (size_t) (c - s);
}

void world_string_set(world_string_t *ret, const char16_t *s) {
  ret->ptr = (uint16_t*) s;
  ret->len = world_string_len(s);
}

void world_string_dup(world_string_t *ret, const char16_t *s) {
  ret->len = world_string_len(s);
  ret->ptr = (uint16_t*) cabi_realloc(NULL, 0, 2, ret->len * 2);
  memcpy(ret->ptr, s, ret->len * 2);
}

void world_string_dup_n(world_string_t *ret, const char16_t *s, size_t len) {
  ret->len = len;
  ret->ptr = (uint16_t*) cabi_realloc(NULL, 0, 2, ret->len * 2);
  memcpy(ret->ptr, s, ret->len * 2);
}

void world_string_free(world_string_t *ret) {
  if (ret->len > 0) {
    free(ret->ptr);
  }
  ret->ptr = NULL;
  ret->len = 0;
}
