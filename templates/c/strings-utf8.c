// The string type and string helpers of a C guest whose strings are UTF-8
// (the default `--string-encoding utf8`), as wit-bindgen's C generator has
// them.
//
// Sections ending in `-h` go into `<world>.h`, those ending in `-c` into
// `<world>.c` (see generators/template-sections.ts); `world_` at the start
// of an identifier stands for the world's name (generators/c/templates.ts).
// @standalone
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void *cabi_realloc(void *ptr, size_t old_size, size_t align, size_t new_size);

// @section string-type-h
typedef struct world_string_t {
  uint8_t *ptr;
  size_t len;
} world_string_t;

// @section helpers-h
// Sets the string `ret` to reference the input string `s` without copying it
void world_string_set(world_string_t *ret, const char *s);

// Creates a copy of the input nul-terminated string `s` and
// stores it into the component model string `ret`.
void world_string_dup(world_string_t *ret, const char *s);

// Creates a copy of the input string `s` with length `len` and
// stores it into the component model string `ret`.
// The length is specified in code units (bytes for UTF-8, 16-bit values for UTF-16).
void world_string_dup_n(world_string_t *ret, const char *s, size_t len);

// Deallocates the string pointed to by `ret`, deallocating
// the memory behind the string.
void world_string_free(world_string_t *ret);

// @section helpers-c
void world_string_set(world_string_t *ret, const char *s) {
  ret->ptr = (uint8_t*) s;
  ret->len = strlen(s);
}

void world_string_dup(world_string_t *ret, const char *s) {
  ret->len = strlen(s);
  ret->ptr = (uint8_t*) cabi_realloc(NULL, 0, 1, ret->len * 1);
  memcpy(ret->ptr, s, ret->len * 1);
}

void world_string_dup_n(world_string_t *ret, const char *s, size_t len) {
  ret->len = len;
  ret->ptr = (uint8_t*) cabi_realloc(NULL, 0, 1, ret->len * 1);
  memcpy(ret->ptr, s, ret->len * 1);
}

void world_string_free(world_string_t *ret) {
  if (ret->len > 0) {
    free(ret->ptr);
  }
  ret->ptr = NULL;
  ret->len = 0;
}
