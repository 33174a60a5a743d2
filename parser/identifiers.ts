/**
 * Identifier spelling rules of WIT: `-`-separated words, each either all
 * lowercase or all uppercase ASCII letters and digits, the first word starting
 * with a letter. Returns wit-parser's message for the first violation, or
 * `undefined` for a valid identifier.
 */
import { rustCharDebug } from "./lexer.js";

export function validateId(id: string): string | undefined {
  return isPlainValidId(id) ? undefined : checkId(id);
}

/**
 * The common case, checked in one pass without allocating: words of ASCII
 * letters and digits separated by single `-`s, each word all lowercase or
 * all uppercase, the first starting with a letter. Anything else goes to
 * `checkId`, which finds the first violation.
 */
function isPlainValidId(id: string): boolean {
  const n = id.length;
  if (n === 0) return false;
  const first = id.charCodeAt(0);
  if (!((first >= 0x61 && first <= 0x7a) || (first >= 0x41 && first <= 0x5a))) return false;
  // 0: no letter in this word yet, 1: lowercase word, 2: uppercase word.
  let wordCase = 0;
  let wordEmpty = true;
  for (let i = 0; i < n; i++) {
    const c = id.charCodeAt(i);
    if (c === 0x2d) {
      if (wordEmpty) return false;
      wordEmpty = true;
      wordCase = 0;
      continue;
    }
    wordEmpty = false;
    if (c >= 0x30 && c <= 0x39) continue;
    const letterCase = c >= 0x61 && c <= 0x7a ? 1 : c >= 0x41 && c <= 0x5a ? 2 : 0;
    if (letterCase === 0 || (wordCase !== 0 && wordCase !== letterCase)) return false;
    wordCase = letterCase;
  }
  return !wordEmpty;
}

/** The full check, character by character, with wit-parser's message for the first violation. */
export function checkId(id: string): string | undefined {
  if (id === "") return "identifiers must have characters between '-'s";
  const parts = id.split("-");
  for (let idx = 0; idx < parts.length; idx++) {
    const part = parts[idx];
    if (part === "") return "identifiers must have characters between '-'s";
    const first = String.fromCodePoint(part.codePointAt(0)!);
    if (idx === 0 && !/^[A-Za-z]$/.test(first)) return `invalid character in identifier ${rustCharDebug(first)}`;
    let upper: boolean | undefined;
    for (const ch of part) {
      if (ch >= "0" && ch <= "9") continue;
      if (ch >= "A" && ch <= "Z") {
        if (upper === false) return `invalid character in identifier ${rustCharDebug(ch)}`;
        upper = true;
      } else if (ch >= "a" && ch <= "z") {
        if (upper === true) return `invalid character in identifier ${rustCharDebug(ch)}`;
        upper = false;
      } else {
        return `invalid character in identifier ${rustCharDebug(ch)}`;
      }
    }
  }
  return undefined;
}
