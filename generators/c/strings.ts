/**
 * The string type and string helpers of a C guest, in its string encoding
 * (templates/c/strings-*.c): UTF-8 and UTF-16 as wit-bindgen's C generator
 * has them, and the component model's compact encoding
 * (`--string-encoding compact-utf16`, the canonical ABI's `latin1+utf16`),
 * which wit-bindgen's C generator does not offer.
 *
 * With the compact encoding `<world>_string_t` holds the string as the ABI
 * passes it: `len` is the number of Latin-1 bytes, or, with its top bit
 * (`<WORLD>_STRING_UTF16`) set, of UTF-16 code units; macros read the tag,
 * the helpers make strings of either kind.
 */
import { cTemplate } from "./templates.js";

const files = { utf8: "strings-utf8.c", utf16: "strings-utf16.c", "compact-utf16": "strings-compact.c" };

/** The world's string type (`<world>_string_t`) for the header. */
export function stringType(encoding: keyof typeof files, w: string): string {
  return cTemplate(files[encoding], "string-type-h", w);
}

/** The string helpers: `{ h, c }`, their declarations for the header and their definitions. */
export function stringHelpers(encoding: keyof typeof files, w: string): { h: string; c: string } {
  return { h: cTemplate(files[encoding], "helpers-h", w), c: cTemplate(files[encoding], "helpers-c", w) };
}
