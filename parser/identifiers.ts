/**
 * Identifier spelling rules of WIT: `-`-separated words, each either all
 * lowercase or all uppercase ASCII letters and digits, the first word starting
 * with a letter. Returns wit-parser's message for the first violation, or
 * `undefined` for a valid identifier.
 */
import { rustCharDebug } from "./lexer.js";

const verdicts = new Map<string, string | undefined>();

export function validateId(id: string): string | undefined {
  if (verdicts.has(id)) return verdicts.get(id);
  const verdict = checkId(id);
  if (verdicts.size < 100_000) verdicts.set(id, verdict);
  return verdict;
}

function checkId(id: string): string | undefined {
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
