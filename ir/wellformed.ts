/**
 * Uniqueness rules of WIT that wit-parser leaves to later stages.
 *
 * wit-parser accepts a record with two fields of one name, a variant, enum
 * or flags with a repeated case, and names that differ only in case (WIT.md:
 * "each name must be case-insensitively unique in the scope in which it is
 * declared"); the component validator refuses them once the package is
 * encoded. The resolver reports them here instead, at the second name, with
 * the validator's words where it has them, so no generator ever sees them.
 */
import type { Ident, Span } from "../parser/ast.js";
import { WitError } from "./errors.js";

/** A name and where it is: an AST identifier (its own span) or an item with a `span`. */
type Named = Ident | { name: string; span: Span };

function where(n: Named): Span {
  return "span" in n ? n.span : n;
}

/**
 * Throws at the first name in `names` equal to an earlier one, kebab-case
 * identifiers compared without regard to case. `message` words the error.
 */
export function requireUniqueNames(names: Iterable<Named>, message: (name: string, previous: string) => string): void {
  if (Array.isArray(names) && names.length <= 16) {
    // Most scopes are small: comparing every pair costs less than a map.
    const list = names as Named[];
    if (list.length < 2) return;
    const keys = list.map((n) => foldCase(n.name));
    for (let i = 1; i < list.length; i++) {
      for (let j = 0; j < i; j++) {
        if (keys[j] === keys[i]) throw new WitError(message(list[i].name, list[j].name), where(list[i]));
      }
    }
    return;
  }
  const seen = new Map<string, string>();
  for (const n of names) {
    const key = foldCase(n.name);
    const previous = seen.get(key);
    if (previous !== undefined) throw new WitError(message(n.name, previous), where(n));
    seen.set(key, n.name);
  }
}

/** `s.toLowerCase()`, without the call for a string that has no uppercase ASCII letter and no other character. */
function foldCase(s: string): string {
  return needsFold(s) ? s.toLowerCase() : s;
}

/** Whether `s` may differ from `s.toLowerCase()`: it has an uppercase ASCII letter or a non-ASCII character. */
export function needsFold(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0x41 && c <= 0x5a) || c >= 0x80) return true;
  }
  return false;
}

/**
 * `requireUniqueNames` of the identifiers `items[i].name`, building the list
 * only when two names may conflict: when two are equal, or when a name with
 * case to fold folds to another name or to another name's folding.
 */
export function requireUniqueIdents(
  items: readonly { name: Ident }[],
  message: (name: string, previous: string) => string,
): void {
  const n = items.length;
  if (n < 2) return;
  const seen = n > 16 ? new Set<string>() : undefined;
  let folded: string[] | undefined;
  let suspect = false;
  for (let i = 0; i < n && !suspect; i++) {
    const name = items[i].name.name;
    if (seen) {
      suspect = seen.has(name);
      seen.add(name);
    } else {
      for (let j = 0; j < i && !suspect; j++) {
        const other = items[j].name.name;
        suspect = other.length === name.length && other === name;
      }
    }
    if (needsFold(name)) (folded ??= []).push(name.toLowerCase());
  }
  if (!suspect && folded) {
    for (let k = 0; k < folded.length && !suspect; k++) {
      const key = folded[k];
      suspect = folded.indexOf(key) !== k || (seen ? seen.has(key) : items.some((item) => item.name.name === key));
    }
  }
  if (suspect)
    requireUniqueNames(
      items.map((item) => item.name),
      message,
    );
}

/**
 * Whether names known to be distinct may conflict without regard to case:
 * `folding` lists those with case to fold, `has` tells whether a name is
 * one of them all. `requireUniqueNames` finds the conflict when there is one.
 */
export function mayConflictInCase(folding: readonly string[], has: (name: string) => boolean): boolean {
  const keys = folding.map((name) => name.toLowerCase());
  for (let k = 0; k < keys.length; k++) {
    if (keys.indexOf(keys[k]) !== k || (keys[k] !== folding[k] && has(keys[k]))) return true;
  }
  return false;
}

export const recordFieldConflict = (name: string, previous: string) =>
  `record field name \`${name}\` conflicts with previous field name \`${previous}\``;

export const variantCaseConflict = (name: string, previous: string) =>
  `variant case name \`${name}\` conflicts with previous case name \`${previous}\``;

export const flagConflict = (name: string, previous: string) =>
  `flag name \`${name}\` conflicts with previous flag name \`${previous}\``;

export const enumCaseConflict = (name: string, previous: string) =>
  `enum tag name \`${name}\` conflicts with previous tag name \`${previous}\``;

export const paramConflict = (name: string, previous: string) =>
  `function parameter name \`${name}\` conflicts with previous parameter name \`${previous}\``;

/** Names of one scope that are equal only without regard to case (exact repeats are wit-parser's errors). */
export const caseInsensitiveConflict = (name: string, previous: string) =>
  `name \`${name}\` conflicts with previous name \`${previous}\` (kebab-case identifiers are case-insensitive)`;
