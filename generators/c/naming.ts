/**
 * C names for WIT items, spelled the way wit-bindgen's C generator spells
 * them so that guest code written against its bindings compiles unchanged:
 * snake-case identifiers, `exports_` in front of what the guest exports,
 * `<ns>_<pkg>[_<version>]_<iface>` for interfaces, and C/C++ keywords
 * escaped with a trailing underscore.
 */
import type { Resolve } from "../../ir/resolve.js";
import type { Function, WorldKey } from "../../ir/types.js";
import { versionToString } from "../../parser/index.js";

/** `kebab-name` (or any mix of separators) to `snake_name`. */
export function snake(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .flatMap((word) => word.split(/(?<=[a-z0-9])(?=[A-Z])/))
    .filter((w) => w.length > 0)
    .map((w) => w.toLowerCase())
    .join("_");
}

/** `kebab-name` to `SHOUTY_NAME`. */
export function shouty(name: string): string {
  return snake(name).toUpperCase();
}

/** C and C++ keywords, plus names the generated code uses for its own parameters and standard macros. */
const reserved = new Set(
  (
    "alignas alignof and and_eq asm atomic_cancel atomic_commit atomic_noexcept auto bitand bitor bool break " +
    "case catch char char8_t char16_t char32_t class compl concept const consteval constexpr constinit " +
    "const_cast continue co_await co_return co_yield decltype default delete do double dynamic_cast else enum " +
    "explicit export extern false float for friend goto if inline int long mutable namespace new noexcept not " +
    "not_eq nullptr operator or or_eq private protected public reflexpr register reinterpret_cast requires return " +
    "short signed sizeof static static_assert static_cast struct switch synchronized template this thread_local " +
    "throw true try typedef typeid typename union unsigned using virtual void volatile wchar_t while xor xor_eq " +
    "_Packed ret err stdin stdout stderr"
  ).split(" "),
);

/** A WIT name as a C identifier (parameters, fields, union members). */
export function cIdent(name: string): string {
  if (reserved.has(name)) return `${name}_`;
  return snake(name);
}

/**
 * The C prefix of an interface: `<ns>_<pkg>_<iface>` (with the package's
 * version when the resolve holds several versions of that package), or the
 * plain name's snake case; `exports_` in front for an exported interface
 * named by its id.
 */
export function interfaceIdentifier(
  resolve: Resolve,
  key: WorldKey,
  exported: boolean,
  renames?: ReadonlyMap<string, string>,
): string {
  const renamed = renames?.get(resolve.nameWorldKey(key));
  if (renamed !== undefined) return `${exported && key.kind === "interface" ? "exports_" : ""}${renamed}`;
  if (key.kind === "name") return snake(key.name);
  const iface = resolve.interfaces[key.id];
  const pkg = resolve.packages[iface.package!].name;
  let ns = exported ? "exports_" : "";
  ns += `${snake(pkg.namespace)}_${snake(pkg.name)}_`;
  const versionOf = (v: typeof pkg.version) => (v === undefined ? "" : versionToString(v));
  const multipleVersions = resolve.packages.some(
    (p) =>
      p.name.namespace === pkg.namespace &&
      p.name.name === pkg.name &&
      versionOf(p.name.version) !== versionOf(pkg.version),
  );
  if (multipleVersions && pkg.version !== undefined) {
    ns += `${versionToString(pkg.version).replace(/[.\-+]/g, "_")}_`;
  }
  ns += snake(iface.name!);
  return ns;
}

/**
 * The C name of a function: `<iface>_<f>` or `<world>_<f>` for imports,
 * `exports_<iface>_<f>` or `exports_<world>_<f>` for exports; resource
 * functions read `[method]r.m` as `method_r_m`.
 */
export function cFunctionName(
  resolve: Resolve,
  world: string,
  key: WorldKey | undefined,
  func: Function,
  exported: boolean,
  renames?: ReadonlyMap<string, string>,
): string {
  const prefix =
    key === undefined
      ? `${exported ? "exports_" : ""}${snake(world)}`
      : interfaceIdentifier(resolve, key, exported, renames);
  return `${prefix}_${snake(func.name)}`;
}

/**
 * A doc comment as `//` lines. A line ending in a backslash would continue
 * the comment onto the next line, and `??/` is one under trigraphs: both are
 * defused.
 */
export function docComment(contents: string | undefined): string {
  if (contents === undefined) return "";
  const text = contents.trim();
  if (text === "") return "";
  return (
    text
      .split(/\r?\n/)
      .map((line) => {
        let l = line.replace(/\?\?/g, "? ?").replace(/\s+$/, "");
        if (l.endsWith("\\")) l += " (end of line)";
        return l === "" ? "//" : `// ${l}`;
      })
      .join("\n") + "\n"
  );
}
