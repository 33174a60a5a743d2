// The string type and string helpers of a C guest whose strings are in the
// component model's compact encoding (`--string-encoding compact-utf16`,
// the canonical ABI's `latin1+utf16`), which wit-bindgen's C generator
// does not offer.
//
// `world_string_t` holds the string as the ABI passes it: `len` is the
// number of Latin-1 bytes, or, with its top bit (`WORLD_STRING_UTF16`)
// set, of UTF-16 code units. The macros read the tag; the helpers make
// strings of either kind.
//
// Sections ending in `-h` go into `<world>.h`, those ending in `-c` into
// `<world>.c` (see generators/template-sections.ts); `world_` and `WORLD_`
// at the start of an identifier stand for the world's name
// (generators/c/templates.ts).
// @standalone
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <uchar.h>

void *cabi_realloc(void *ptr, size_t old_size, size_t align, size_t new_size);

// @section string-type-h
typedef struct world_string_t {
  uint8_t *ptr;
  size_t len;
} world_string_t;

// @section helpers-h
// The tag of `len` for UTF-16 strings (without it, the string is Latin-1 bytes)
#define WORLD_STRING_UTF16 ((size_t) 1 << 31)
// Whether `s` holds UTF-16 code units
#define WORLD_STRING_IS_UTF16(s) (((s).len & WORLD_STRING_UTF16) != 0)
// The number of code units of `s` (bytes for Latin-1, 16-bit values for UTF-16)
#define WORLD_STRING_UNITS(s) ((s).len & ~WORLD_STRING_UTF16)
// The UTF-16 code units of `s` (when it holds UTF-16)
#define WORLD_STRING_UTF16_PTR(s) ((char16_t *) (void *) (s).ptr)

// Sets the string `ret` to reference the nul-terminated Latin-1 string `s` without copying it
void world_string_set(world_string_t *ret, const char *s);

// Sets the string `ret` to reference the nul-terminated UTF-16 string `s` without copying it
void world_string_set_utf16(world_string_t *ret, const char16_t *s);

// Creates a copy of the nul-terminated Latin-1 string `s` in `ret`
void world_string_dup(world_string_t *ret, const char *s);

// Creates a copy of the Latin-1 string `s` of `len` bytes in `ret`
void world_string_dup_n(world_string_t *ret, const char *s, size_t len);

// Creates a copy of the nul-terminated UTF-16 string `s` in `ret`
void world_string_dup_utf16(world_string_t *ret, const char16_t *s);

// Creates a copy of the UTF-16 string `s` of `len` code units in `ret`
void world_string_dup_utf16_n(world_string_t *ret, const char16_t *s, size_t len);

// Deallocates the string pointed to by `ret`, deallocating
// the memory behind the string.
void world_string_free(world_string_t *ret);

// @section helpers-c
static size_t world_utf16_len(const char16_t *s) {
  const char16_t *c = s;
  for (; *c; ++c);
  return (size_t) (c - s);
}

void world_string_set(world_string_t *ret, const char *s) {
  ret->ptr = (uint8_t *) s;
  ret->len = strlen(s);
}

void world_string_set_utf16(world_string_t *ret, const char16_t *s) {
  ret->ptr = (uint8_t *) s;
  ret->len = world_utf16_len(s) | WORLD_STRING_UTF16;
}

void world_string_dup(world_string_t *ret, const char *s) {
  world_string_dup_n(ret, s, strlen(s));
}

void world_string_dup_n(world_string_t *ret, const char *s, size_t len) {
  ret->len = len;
  ret->ptr = (uint8_t *) cabi_realloc(NULL, 0, 2, len);
  memcpy(ret->ptr, s, len);
}

void world_string_dup_utf16(world_string_t *ret, const char16_t *s) {
  world_string_dup_utf16_n(ret, s, world_utf16_len(s));
}

void world_string_dup_utf16_n(world_string_t *ret, const char16_t *s, size_t len) {
  ret->len = len | WORLD_STRING_UTF16;
  ret->ptr = (uint8_t *) cabi_realloc(NULL, 0, 2, len * 2);
  memcpy(ret->ptr, s, len * 2);
}

void world_string_free(world_string_t *ret) {
  if ((ret->len & ~WORLD_STRING_UTF16) > 0) {
    free(ret->ptr);
  }
  ret->ptr = NULL;
  ret->len = 0;
}
