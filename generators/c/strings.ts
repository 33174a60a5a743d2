/**
 * The string helpers of a guest whose strings are in the component model's
 * compact encoding (`--string-encoding compact-utf16`, the canonical ABI's
 * `latin1+utf16`), which wit-bindgen's C generator does not offer.
 *
 * `<world>_string_t` holds the string as the ABI passes it: `len` is the
 * number of Latin-1 bytes, or, with its top bit (`<WORLD>_STRING_UTF16`)
 * set, of UTF-16 code units. The macros read the tag; the helpers make
 * strings of either kind.
 */
export function compactStringHelpers(w: string): { h: string; c: string } {
  const W = w.toUpperCase();
  const h =
    `\n// The tag of \`len\` for UTF-16 strings (without it, the string is Latin-1 bytes)\n` +
    `#define ${W}_STRING_UTF16 ((size_t) 1 << 31)\n` +
    `// Whether \`s\` holds UTF-16 code units\n` +
    `#define ${W}_STRING_IS_UTF16(s) (((s).len & ${W}_STRING_UTF16) != 0)\n` +
    `// The number of code units of \`s\` (bytes for Latin-1, 16-bit values for UTF-16)\n` +
    `#define ${W}_STRING_UNITS(s) ((s).len & ~${W}_STRING_UTF16)\n` +
    `// The UTF-16 code units of \`s\` (when it holds UTF-16)\n` +
    `#define ${W}_STRING_UTF16_PTR(s) ((char16_t *) (void *) (s).ptr)\n\n` +
    `// Sets the string \`ret\` to reference the nul-terminated Latin-1 string \`s\` without copying it\n` +
    `void ${w}_string_set(${w}_string_t *ret, const char *s);\n\n` +
    `// Sets the string \`ret\` to reference the nul-terminated UTF-16 string \`s\` without copying it\n` +
    `void ${w}_string_set_utf16(${w}_string_t *ret, const char16_t *s);\n\n` +
    `// Creates a copy of the nul-terminated Latin-1 string \`s\` in \`ret\`\n` +
    `void ${w}_string_dup(${w}_string_t *ret, const char *s);\n\n` +
    `// Creates a copy of the Latin-1 string \`s\` of \`len\` bytes in \`ret\`\n` +
    `void ${w}_string_dup_n(${w}_string_t *ret, const char *s, size_t len);\n\n` +
    `// Creates a copy of the nul-terminated UTF-16 string \`s\` in \`ret\`\n` +
    `void ${w}_string_dup_utf16(${w}_string_t *ret, const char16_t *s);\n\n` +
    `// Creates a copy of the UTF-16 string \`s\` of \`len\` code units in \`ret\`\n` +
    `void ${w}_string_dup_utf16_n(${w}_string_t *ret, const char16_t *s, size_t len);\n\n` +
    `// Deallocates the string pointed to by \`ret\`, deallocating\n// the memory behind the string.\n` +
    `void ${w}_string_free(${w}_string_t *ret);\n`;
  const c =
    `\nstatic size_t ${w}_utf16_len(const char16_t *s) {\nconst char16_t *c = s;\nfor (; *c; ++c);\nreturn (size_t) (c - s);\n}\n` +
    `\nvoid ${w}_string_set(${w}_string_t *ret, const char *s) {\nret->ptr = (uint8_t *) s;\nret->len = strlen(s);\n}\n` +
    `\nvoid ${w}_string_set_utf16(${w}_string_t *ret, const char16_t *s) {\n` +
    `ret->ptr = (uint8_t *) s;\nret->len = ${w}_utf16_len(s) | ${W}_STRING_UTF16;\n}\n` +
    `\nvoid ${w}_string_dup(${w}_string_t *ret, const char *s) {\n${w}_string_dup_n(ret, s, strlen(s));\n}\n` +
    `\nvoid ${w}_string_dup_n(${w}_string_t *ret, const char *s, size_t len) {\n` +
    `ret->len = len;\nret->ptr = (uint8_t *) cabi_realloc(NULL, 0, 2, len);\nmemcpy(ret->ptr, s, len);\n}\n` +
    `\nvoid ${w}_string_dup_utf16(${w}_string_t *ret, const char16_t *s) {\n${w}_string_dup_utf16_n(ret, s, ${w}_utf16_len(s));\n}\n` +
    `\nvoid ${w}_string_dup_utf16_n(${w}_string_t *ret, const char16_t *s, size_t len) {\n` +
    `ret->len = len | ${W}_STRING_UTF16;\nret->ptr = (uint8_t *) cabi_realloc(NULL, 0, 2, len * 2);\nmemcpy(ret->ptr, s, len * 2);\n}\n` +
    `\nvoid ${w}_string_free(${w}_string_t *ret) {\nif ((ret->len & ~${W}_STRING_UTF16) > 0) {\nfree(ret->ptr);\n}\n` +
    `ret->ptr = NULL;\nret->len = 0;\n}\n`;
  return { h, c };
}
