/**
 * Names in the emitted TypeScript: case conversion first, then escaping of
 * reserved words. Everything the glue itself declares starts with `$`, which
 * no WIT identifier can produce, so glue names never collide with WIT names.
 */

const reserved = new Set(
  (
    "break case catch class const continue debugger default delete do else enum export extends false finally for " +
    "function if import in instanceof new null return super switch this throw true try typeof var void while with " +
    "implements interface let package private protected public static yield await arguments eval undefined NaN Infinity"
  ).split(" "),
);

/** Global names the emitted module refers to; no generated top-level name may shadow them. */
const globalsUsed = new Set(
  (
    "Error TypeError RangeError Symbol Array Object Map BigInt Number String Uint8Array Int8Array Uint16Array " +
    "Int16Array Uint32Array Int32Array BigUint64Array BigInt64Array Float32Array Float64Array DataView ArrayBuffer " +
    "TextEncoder TextDecoder WebAssembly FinalizationRegistry Promise Response PromiseLike BufferSource Math JSON Reflect"
  ).split(" "),
);

function words(id: string): string[] {
  return id.replace(/^%/, "").split("-").filter(Boolean);
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** Case conversions already made (a world converts the same few names many times). */
const camelCases = new Map<string, string>();
const pascalCases = new Map<string, string>();

/** `foo-bar-baz` → `fooBarBaz` (acronym words such as `HTTP` are kept as written). */
export function camelCase(id: string): string {
  let name = camelCases.get(id);
  if (name === undefined) {
    const [first, ...rest] = words(id);
    name = (first ?? "") + rest.map(capitalize).join("");
    camelCases.set(id, name);
  }
  return name;
}

/** `foo-bar` → `FooBar`. */
export function pascalCase(id: string): string {
  let name = pascalCases.get(id);
  if (name === undefined) {
    name = words(id).map(capitalize).join("");
    pascalCases.set(id, name);
  }
  return name;
}

/** A camelCase identifier safe as a variable, parameter or function name. */
export function valueName(id: string): string {
  const name = camelCase(id);
  return reserved.has(name) ? `${name}_` : name;
}

/** A PascalCase name for a type or namespace at module scope. */
export function typeName(id: string): string {
  const name = pascalCase(id);
  return globalsUsed.has(name) || reserved.has(name) ? `${name}_` : name;
}

/** A property key: bare when it is an identifier, quoted otherwise. */
export function propertyKey(name: string): string {
  // `new (...)` in a type would be a construct signature, not a method.
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) && name !== "new" ? name : JSON.stringify(name);
}

/** A method name in a class body: `constructor` must be computed to be an ordinary method. */
export function classMemberKey(name: string): string {
  return name === "constructor" ? `["constructor"]` : propertyKey(name);
}

/** `obj.name` or `obj["name"]`. */
export function propertyAccess(object: string, name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? `${object}.${name}` : `${object}[${JSON.stringify(name)}]`;
}

export function stringLiteral(s: string): string {
  const json = JSON.stringify(s);
  if (!s.includes('"')) return json;
  // Single quotes when they need fewer escapes, as prettier prints strings.
  let doubles = 0;
  let singles = 0;
  for (const c of s) {
    if (c === '"') doubles++;
    else if (c === "'") singles++;
  }
  if (doubles <= singles) return json;
  const body = json
    .slice(1, -1)
    .replace(/\\(.)|'/g, (m, escaped: string | undefined) =>
      escaped === undefined ? "\\'" : escaped === '"' ? '"' : m,
    );
  return `'${body}'`;
}

/** Documentation as a JSDoc block, with `*\/` made harmless. */
export function jsDoc(contents: string | undefined, indent = ""): string {
  if (!contents) return "";
  const lines = contents.replace(/\*\//g, "*\\/").split("\n");
  return `${indent}/**\n${lines.map((l) => `${indent} *${l ? " " + l : ""}`).join("\n")}\n${indent} */\n`;
}

/** The JS name of a static function of a resource class (`prototype` cannot be one). */
export function staticName(id: string): string {
  const name = camelCase(id);
  return name === "prototype" ? "prototype_" : name;
}

/** The JS name of a world-level export (an exports object with `then` would be a thenable). */
export function topLevelExportName(id: string): string {
  const name = camelCase(id);
  return name === "then" ? "then_" : name;
}

/**
 * The camelCase short names under which exported interfaces are also
 * exposed (`greetings` for `example:greeter/greetings@1.0.0`): one per
 * interface whose short name is unique and taken by nothing else (a
 * world-level function, another export's full name). Full name → alias.
 */
export function exportAliases(
  interfaces: { full: string; short: string }[],
  functionNames: Iterable<string>,
): Map<string, string> {
  const taken = new Set(functionNames);
  const counts = new Map<string, number>();
  const aliases = new Map<string, string>();
  for (const { full, short } of interfaces) {
    const alias = camelCase(short);
    taken.add(full);
    counts.set(alias, (counts.get(alias) ?? 0) + 1);
    aliases.set(full, alias);
  }
  for (const [full, alias] of aliases) {
    if (counts.get(alias)! > 1 || alias === full || taken.has(alias)) aliases.delete(full);
  }
  return aliases;
}
