/**
 * Rust names for WIT names, as wit-bindgen spells them: case is converted
 * first (`snake_case` for modules, functions, fields and parameters,
 * `UpperCamelCase` for types and cases, `SCREAMING_SNAKE_CASE` for flags),
 * then keywords are escaped with a trailing `_`.
 *
 * Temporaries in generated glue all start with `_`, which no converted WIT
 * name can, so they never collide with parameters or fields.
 */
import type { Resolve } from "../../ir/resolve.js";
import type { PackageId, WorldKey } from "../../ir/types.js";
import { versionToString } from "../../parser/index.js";

const KEYWORDS = new Set([
  "as",
  "break",
  "const",
  "continue",
  "crate",
  "else",
  "enum",
  "extern",
  "false",
  "fn",
  "for",
  "if",
  "impl",
  "in",
  "let",
  "loop",
  "match",
  "mod",
  "move",
  "mut",
  "pub",
  "ref",
  "return",
  "self",
  "static",
  "struct",
  "super",
  "trait",
  "true",
  "type",
  "unsafe",
  "use",
  "where",
  "while",
  "async",
  "await",
  "dyn",
  "abstract",
  "become",
  "box",
  "do",
  "final",
  "macro",
  "override",
  "priv",
  "typeof",
  "unsized",
  "virtual",
  "yield",
  "try",
]);

function words(name: string): string[] {
  return name.split(/[-_]/).filter((w) => w.length > 0);
}

/**
 * Whether the name is ASCII, where changing a word's case a character at a
 * time is what `toLowerCase`/`toUpperCase` do to the whole word.
 */
function ascii(name: string): boolean {
  for (let i = 0; i < name.length; i++) if (name.charCodeAt(i) > 0x7f) return false;
  return true;
}

const isSeparator = (c: number) => c === 0x2d /* - */ || c === 0x5f; /* _ */
const lower = (c: number) => (c >= 0x41 && c <= 0x5a ? c + 0x20 : c);
const upper = (c: number) => (c >= 0x61 && c <= 0x7a ? c - 0x20 : c);

/**
 * The words of the name (split at `-` and `_`, empty ones dropped), each
 * cased by `first` at its first character and `rest` at the others, joined
 * by `join` (`""` for none): one pass, with no intermediate strings.
 */
function recase(name: string, first: (c: number) => number, rest: (c: number) => number, join: string): string {
  const n = name.length;
  let out = "";
  let i = 0;
  for (;;) {
    while (i < n && isSeparator(name.charCodeAt(i))) i++;
    if (i === n) return out;
    if (out !== "") out += join;
    out += String.fromCharCode(first(name.charCodeAt(i)));
    const from = ++i;
    let same = true;
    for (; i < n; i++) {
      const c = name.charCodeAt(i);
      if (isSeparator(c)) break;
      if (rest(c) !== c) same = false;
    }
    if (same) out += name.slice(from, i);
    else for (let k = from; k < i; k++) out += String.fromCharCode(rest(name.charCodeAt(k)));
  }
}

export function snakeCase(name: string): string {
  if (ascii(name)) return recase(name, lower, lower, "_");
  return words(name)
    .map((w) => w.toLowerCase())
    .join("_");
}

export function shoutyCase(name: string): string {
  return snakeCase(name).toUpperCase();
}

export function camelCase(name: string): string {
  const camel = ascii(name)
    ? recase(name, upper, lower, "")
    : words(name)
        .map((w) => w[0].toUpperCase() + w.slice(1).toLowerCase())
        .join("");
  // `Self` is a keyword in every position a type or case name takes.
  return camel === "Self" ? "Self_" : camel;
}

/** A function, field, parameter or module name. */
export function rustIdent(name: string): string {
  return KEYWORDS.has(name) ? `${name}_` : snakeCase(name);
}

/** A type name: `guest` would clash with the `Guest` traits. */
export function typeName(name: string): string {
  return name === "guest" ? "Guest_" : camelCase(name);
}

/**
 * The module of a package: its name, with the version mangled in when the
 * resolve holds several versions of the package (`foo0_1_0`).
 */
export function packageModule(resolve: Resolve, id: PackageId): string {
  const pkg = resolve.packages[id].name;
  const same = resolve.packages.filter((p) => p.name.namespace === pkg.namespace && p.name.name === pkg.name);
  const base = snakeCase(pkg.name);
  if (same.length === 1 || pkg.version === undefined) return base;
  return base + snakeCase(versionToString(pkg.version).replace(/[.+-]/g, "_"));
}

/** The module path of an interface: `ns::pkg::iface` for imports, under `exports::` for exports. */
export function interfaceModulePath(resolve: Resolve, key: WorldKey, exported: boolean): string[] {
  const path = exported ? ["exports"] : [];
  if (key.kind === "name") return [...path, rustIdent(key.name)];
  const iface = resolve.interfaces[key.id];
  const pkg = resolve.packages[iface.package!].name;
  return [...path, rustIdent(pkg.namespace), packageModule(resolve, iface.package!), rustIdent(iface.name!)];
}

/** `__export_<world key as snake case>_cabi`: the per-interface export macro. */
export function exportMacroName(resolve: Resolve, key: WorldKey | undefined, worldName: string): string {
  if (key === undefined) return `__export_world_${snakeCase(worldName)}_cabi`;
  const flat = snakeCase(resolve.nameWorldKey(key).replace(/[^A-Za-z0-9]+/g, "-"));
  return `__export_${flat}_cabi`;
}

/** Rust doc comments (`///` lines) for WIT docs; empty when there are none. */
export function docLines(contents: string | undefined): string[] {
  if (contents === undefined || contents.trim() === "") return [];
  // `trimEnd` removes what `/\s+$/` matches, without the regex's scan from every space.
  return contents
    .trimEnd()
    .split("\n")
    .map((line) => (line.trim() === "" ? "///" : `/// ${line.trimEnd()}`));
}
