/**
 * wit-bindgen's runtime tests as this driver sees them: the case directories
 * (each with a `test.wit`), the Rust and C components in them, the `//@`
 * configuration at the top of each file, and the case's kind.
 *
 * Conventions (those of wit-bindgen's `crates/test`):
 * - a directory with `test.wit` is a runtime case named after the directory;
 *   other directories are searched recursively (a `wit/` folder beside no
 *   `test.wit` is a code-generation test: not ours);
 * - `test.wit` may say `//@ runner = 'w'` (default `runner`),
 *   `//@ dependencies = [...]` (default `['test']`; more than one world, or
 *   a `//@ wac = 'file'` script, make a multi-component case, whose wiring
 *   compose.ts infers from names: the script is not read),
 *   `//@ async = true`, `//@ default-bindgen-args = false`;
 * - a source file belongs to the first of those worlds whose name starts its
 *   file name (`runner-nostd.rs` is a `runner`), and may say
 *   `//@ args = '...'` or `['...']` (extra generator arguments) and, under
 *   `[lang]`, `rustflags`/`cflags`/`ldflags`;
 * - the WIT is the case directory when it has `deps/`, else `test.wit`.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export type Language = "rust" | "c";
export type Role = "runner" | "test";

/** A TOML value as the `//@` lines use them: strings, booleans, arrays of strings. */
type Value = string | boolean | number | string[];

/** The `//@` configuration: top-level keys, and the keys under `[lang]`. */
export interface FileConfig {
  top: Record<string, Value>;
  lang: Record<string, Value>;
}

function unquote(s: string): string {
  const q = s[0];
  const body = s.slice(1, -1);
  return q === '"' ? body.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c === "t" ? "\t" : c)) : body;
}

function parseValue(text: string): Value {
  const t = text.trim();
  if (t === "true" || t === "false") return t === "true";
  if (/^-?\d+$/.test(t)) return Number(t);
  if (t.startsWith("[")) {
    const items: string[] = [];
    const re = /'[^']*'|"(?:[^"\\]|\\.)*"/g;
    for (const m of t.matchAll(re)) items.push(unquote(m[0]));
    return items;
  }
  if (t.startsWith("'") || t.startsWith('"')) return unquote(t);
  throw new Error(`unsupported TOML value \`${t}\``);
}

/** The subset of TOML the `//@` lines use (keys, strings, arrays across lines, booleans, a `[lang]` table). */
export function parseConfig(contents: string): FileConfig {
  const lines: string[] = [];
  for (const line of contents.split(/\r?\n/)) {
    if (!line.startsWith("//@")) break;
    lines.push(line.slice(3));
  }
  const config: FileConfig = { top: {}, lang: {} };
  let table = config.top;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "" || line.startsWith("#")) continue;
    const header = /^\[([\w-]+)\]$/.exec(line);
    if (header) {
      if (header[1] !== "lang") throw new Error(`unknown table [${header[1]}]`);
      table = config.lang;
      continue;
    }
    const eq = line.indexOf("=");
    if (eq < 0) throw new Error(`not a key = value line: \`${line}\``);
    const key = line.slice(0, eq).trim();
    let value = line.slice(eq + 1).trim();
    if (value.startsWith("[")) {
      while (!value.includes("]") && i + 1 < lines.length) value += " " + lines[++i].trim();
    }
    table[key] = parseValue(value);
  }
  return config;
}

/** A string or whitespace-separated string list, as wit-bindgen's `StringList`. */
export function stringList(v: Value | undefined): string[] {
  if (v === undefined) return [];
  if (Array.isArray(v)) return v;
  return String(v).split(/\s+/).filter(Boolean);
}

export interface Component {
  /** The file name, e.g. `runner-nostd.rs`. */
  file: string;
  path: string;
  language: Language;
  role: Role;
  /** The world of `test.wit` it implements. */
  world: string;
  /** Generator arguments: the language's defaults (unless the WIT turns them off), then the file's `args`. */
  args: string[];
  /** `rustflags` or `cflags` + `ldflags` from `[lang]`. */
  flags: string[];
  ldflags: string[];
}

export type CaseKind = "sync" | "async" | "multi-component";

export interface Case {
  /** The directory name (wit-bindgen's test name), with its parent folders below the root. */
  name: string;
  dir: string;
  /** What to load: the directory when it has `deps/`, else `test.wit`. */
  witPath: string;
  kind: CaseKind;
  /** Why the case is skipped, when it is. */
  skip?: string;
  runnerWorld: string;
  testWorlds: string[];
  components: Component[];
  /** The `//@ wac` script that wires a multi-component case, when it names one and it exists. */
  wac?: string;
}

const DEFAULT_ARGS: Record<Language, string[]> = { rust: ["--generate-all", "--format"], c: [] };

/** Whether the WIT uses the async ABI: `async func`, `future`, `stream` or `error-context`. */
function usesAsync(witText: string): boolean {
  const code = witText.replace(/\/\/.*$/gm, "").replace(/\/\*[\s\S]*?\*\//g, "");
  // WIT identifiers may contain `future` or `stream` (`input-stream`): the keywords stand alone.
  return /\basync\s+func\b|(?<![\w-])(future|stream|error-context)(?![\w-])/.test(code);
}

function witTexts(dir: string): string {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of fs.readdirSync(d)) {
      const p = path.join(d, n);
      if (fs.statSync(p).isDirectory()) {
        if (n === "deps") walk(p);
      } else if (n.endsWith(".wit")) out.push(fs.readFileSync(p, "utf8"));
    }
  };
  walk(dir);
  return out.join("\n");
}

function loadCase(root: string, dir: string): Case {
  const name = path.relative(root, dir).split(path.sep).join("/");
  const wit = fs.readFileSync(path.join(dir, "test.wit"), "utf8");
  const witConfig = parseConfig(wit).top;
  const runnerWorld = typeof witConfig.runner === "string" ? witConfig.runner : "runner";
  const testWorlds = witConfig.dependencies !== undefined ? stringList(witConfig.dependencies) : ["test"];
  const worlds: [string, Role][] = [[runnerWorld, "runner"], ...testWorlds.map((w): [string, Role] => [w, "test"])];
  const defaults = witConfig["default-bindgen-args"] !== false;
  const components: Component[] = [];
  for (const file of fs.readdirSync(dir).sort()) {
    const p = path.join(dir, file);
    if (file === "test.wit" || !fs.statSync(p).isFile()) continue;
    const ext = path.extname(file);
    const language: Language | undefined = ext === ".rs" ? "rust" : ext === ".c" ? "c" : undefined;
    if (!language) continue;
    const match = worlds.find(([w]) => file.startsWith(w));
    if (!match) continue;
    const config = parseConfig(fs.readFileSync(p, "utf8"));
    components.push({
      file,
      path: p,
      language,
      role: match[1],
      world: match[0],
      args: [...(defaults ? DEFAULT_ARGS[language] : []), ...stringList(config.top.args)],
      flags: stringList(language === "rust" ? config.lang.rustflags : config.lang.cflags),
      ldflags: stringList(config.lang.ldflags),
    });
  }
  const multi = witConfig.wac !== undefined || testWorlds.length !== 1;
  const kind: CaseKind = multi
    ? "multi-component"
    : witConfig.async === true || usesAsync(witTexts(dir))
      ? "async"
      : "sync";
  let skip: string | undefined;
  if (components.length === 0) skip = "no Rust or C component";
  return {
    name,
    dir,
    witPath: fs.existsSync(path.join(dir, "deps")) ? dir : path.join(dir, "test.wit"),
    kind,
    skip,
    runnerWorld,
    testWorlds,
    components,
    wac: wacScript(dir, witConfig.wac),
  };
}

function wacScript(dir: string, value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const file = path.join(dir, value);
  return fs.existsSync(file) ? file : undefined;
}

/** The runtime cases under `root`, sorted by name. */
export function discoverCases(root: string): Case[] {
  const out: Case[] = [];
  const walk = (dir: string) => {
    if (fs.existsSync(path.join(dir, "test.wit"))) {
      out.push(loadCase(root, dir));
      return;
    }
    if (fs.existsSync(path.join(dir, "wit")) && fs.statSync(path.join(dir, "wit")).isDirectory()) return;
    for (const n of fs.readdirSync(dir).sort()) {
      const p = path.join(dir, n);
      if (fs.statSync(p).isDirectory()) walk(p);
    }
  };
  walk(root);
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The runner × test pairs of a single-component case: every runner against every test, in any language. */
export function pairsOf(c: Case): [Component, Component][] {
  const runners = c.components.filter((x) => x.role === "runner");
  const tests = c.components.filter((x) => x.role === "test");
  return runners.flatMap((r) => tests.map((t): [Component, Component] => [r, t]));
}
