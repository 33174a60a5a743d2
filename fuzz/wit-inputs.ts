/**
 * Generated WIT inputs for the front-end's robustness checks, shared by the
 * property test (`test/property.test.ts`) and the fuzzer (`fuzz/main.ts`).
 *
 * (a) mutations of realistic WIT seed documents: tokens deleted, duplicated,
 *     swapped, replaced or inserted, identifiers replaced, truncation, and
 *     random characters inserted;
 * (b) random token sequences over the WIT vocabulary, bare or inside a valid
 *     skeleton;
 * (c) random Unicode strings full of control, bidi, lone surrogate, `\r` and
 *     BOM characters;
 * (d) random syntactically valid documents, most of which resolve, to reach
 *     the resolver's checks;
 * (e) nesting around the parser's depth limits.
 */
import fc from "fast-check";
import type { LoadOptions } from "../index.js";

// ---------------------------------------------------------------------------
// Seeds: realistic WIT documents, all of which load without problems.
// ---------------------------------------------------------------------------

export const SEEDS: string[] = [
  // Every type form, in a versioned package.
  `/// Docs for the package.
package example:types@1.2.3;

/// Every type form.
interface types {
  /// A record.
  record point {
    /// The x coordinate.
    x: s32,
    y: s32,
  }
  flags permissions { read, write, exec }
  variant shape {
    circle(f64),
    square(f32),
    empty,
  }
  enum color { red, green, blue, }
  type bytes = list<u8>;
  type fixed = list<u8, 4>;
  type table = map<string, list<point>>;
  type pair = tuple<u8, u16, u32, u64, s8, s16, s32, s64>;
  type unit = tuple<>;
  type maybe = option<string>;
  type outcome = result<bool, char>;
  type only-ok = result<point>;
  type only-err = result<_, color>;
  type bare = result;
  type fut = future<u32>;
  type bare-fut = future;
  type strm = stream<list<string>>;
  type bare-strm = stream;
  type ctx = error-context;
  type alias = point;

  resource blob {
    constructor(init: list<u8>);
    write: func(bytes: list<u8>);
    read: func(n: u32) -> list<u8>;
    merge: static func(lhs: borrow<blob>, rhs: borrow<blob>) -> own<blob>;
    fetch: async func() -> result<list<u8>, string>;
  }
  resource empty-res;

  area: func(s: shape) -> f64;
  nothing: func();
  many: func(a: u8, b: option<point>, c: result<_, string>,) -> tuple<bool, list<color>>;
  wait: async func(f: future<string>) -> stream<u8>;
}
`,

  // Worlds: imports, exports, includes with renames, uses.
  `package my:app@0.1.0;

interface logging {
  enum level { trace, debug, info, warn, error }
  log: func(lvl: level, msg: string);
}

interface store {
  use logging.{level};
  use logging.{level as lvl};
  record entry { key: string, value: list<u8>, at: lvl }
  get: func(key: string) -> option<entry>;
  set: func(e: entry) -> result<_, string>;
}

use store as kv;

/// The base world.
world base {
  import logging;
  export run: func() -> result;
}

world full {
  include base;
  include base with { run as start }
  import kv;
  import clock: interface {
    now: func() -> u64;
  }
  import random: func(n: u32) -> list<u8>;
  use logging.{level};
  type lv = level;
  export handler: interface {
    handle: func(req: list<u8>) -> list<u8>;
  }
  export store;
  export tick: func(l: lv);
}
`,

  // Nested packages with versions, used from the outer package.
  `package local:app@0.1.0;

package wasi:io@0.2.0 {
  interface error {
    resource error {
      to-debug-string: func() -> string;
    }
  }
  interface streams {
    use error.{error};
    variant stream-error {
      last-operation-failed(error),
      closed,
    }
    resource input-stream {
      read: func(len: u64) -> result<list<u8>, stream-error>;
    }
    resource output-stream {
      write: func(contents: list<u8>) -> result<_, stream-error>;
    }
  }
}

package wasi:clocks@0.2.0 {
  interface wall-clock {
    record datetime {
      seconds: u64,
      nanoseconds: u32,
    }
    now: func() -> datetime;
  }
  world clocks {
    import wall-clock;
  }
}

interface handler {
  use wasi:io/streams@0.2.0.{input-stream, output-stream};
  use wasi:clocks/wall-clock@0.2.0.{datetime as time};
  handle: func(input: borrow<input-stream>, output: borrow<output-stream>, now: time);
}

world app {
  import wasi:io/streams@0.2.0;
  import wasi:clocks/wall-clock@0.2.0;
  include wasi:clocks/clocks@0.2.0;
  export handler;
  export run: func();
}
`,

  // Feature gates.
  `package gated:pkg@2.0.0;

@since(version = 1.0.0)
interface stable {
  @since(version = 1.0.0)
  type id = u64;
  @since(version = 1.1.0)
  @deprecated(version = 2.0.0)
  old: func() -> id;
  @unstable(feature = fancy)
  fancy: func();
}

@unstable(feature = experimental)
interface experimental {
  @unstable(feature = experimental)
  record thing { a: u8 }
  @unstable(feature = experimental)
  enum mode { fast, slow }
}

@since(version = 1.0.0)
world gated {
  @since(version = 1.0.0)
  import stable;
  @unstable(feature = experimental)
  import experimental;
  @since(version = 1.0.0)
  export go: func();
  @since(version = 2.0.0)
  include other;
}

world other {
  @unstable(feature = fancy)
  export extra: func(x: u32) -> u32;
}
`,

  // Explicit identifiers and comments of every kind.
  `// A line comment before the package.
/* A block comment /* with nesting */ still a comment. */
/** Block doc comment. */
package %interface:%world;

/// A doc comment
/// on two lines.
interface %interface {
  // plain comment
  type %type = u32; // trailing comment
  record %record { %u8: %type, %list: list<%type>, }
  %func: func(%use: %record) -> %type;
  %enum: func(/* inline */ a: u8, /** doc */ b: u8);
}

/* multi
   line
   comment */
world %world {
  import %interface;
  export %export: func();
}
`,

  // A world-only file, with handles and named results.
  `package acme:widgets;

interface canvas {
  resource surface {
    constructor(width: u32, height: u32);
    width: func() -> u32;
    fill: func(color: tuple<u8, u8, u8, u8>);
    blit: func(src: borrow<surface>, at: tuple<s32, s32>);
    split: func() -> tuple<surface, surface>;
    create: static func(w: u32, h: u32) -> result<surface, string>;
  }
  type handle = own<surface>;
  draw: func(s: borrow<surface>) -> option<list<list<f32>>>;
}

world widgets {
  import canvas;
  export render: func(target: borrow<canvas-surface>) -> bool;
  use canvas.{surface as canvas-surface};
}
`,

  // Minimal documents.
  `package a:b;\n`,
  `package a:b@1.0.0-rc.1+build.5;\n\ninterface i {}\nworld w {}\n`,
  `package a:b;\r\ninterface i {\r\n  f: func();\r\n}\r\nworld w {\r\n  import i;\r\n}\r\n`,
];

/**
 * Messages wit-parser itself reports without a span. A diagnostic may lack a
 * span only if its message matches one of these.
 *
 * - The missing package header is a plain `bail!` in wit-parser.
 * - A stability mismatch carries the span of the included world's interface
 *   item, and wit-parser gives interfaces that world elaboration adds
 *   implicitly (the dependencies of a `use`d or imported interface)
 *   `Span::default()`, which renders without a location.
 */
export const SPANLESS_MESSAGES: RegExp[] = [
  /^no `package` header was found in any WIT file for this package$/,
  /^mismatch in stability from '[^']*' to '[^']*'$/,
];

/**
 * A span lies in the text: it starts at a character or at end of file. Its
 * end may go one position past the end of the text, the end-of-file
 * position the source map reserves for every file (a missing-token error at
 * end of file covers that one position).
 */
export function spanInText(span: { start: number; end: number }, text: string): boolean {
  return span.start >= 0 && span.start <= text.length && span.start <= span.end && span.end <= text.length + 1;
}

export const optionsArb: fc.Arbitrary<LoadOptions> = fc.constantFrom<LoadOptions>(
  {},
  { features: ["experimental", "fancy", "x"] },
  { allFeatures: true },
);

// ---------------------------------------------------------------------------
// Vocabulary shared by the generators.
// ---------------------------------------------------------------------------

const KEYWORDS = [
  "use",
  "type",
  "func",
  "u8",
  "u16",
  "u32",
  "u64",
  "s8",
  "s16",
  "s32",
  "s64",
  "f32",
  "f64",
  "char",
  "record",
  "resource",
  "own",
  "borrow",
  "flags",
  "variant",
  "enum",
  "bool",
  "string",
  "option",
  "result",
  "future",
  "stream",
  "error-context",
  "list",
  "map",
  "_",
  "as",
  "from",
  "static",
  "interface",
  "tuple",
  "import",
  "export",
  "world",
  "package",
  "constructor",
  "async",
  "include",
  "with",
];

const PUNCTUATION = ["->", "=", ",", ":", ".", ";", "(", ")", "{", "}", "<", ">", "*", "@", "/", "+", "-", "%", '"'];

const COMMENTS = [
  "// comment\n",
  "/// doc\n",
  "/* block */",
  "/** doc */",
  "/* /* nested */ */",
  "/*",
  "*/",
  "//",
  "///",
];

const NAMES = [
  // Names the seeds define, so replacements collide, shadow and dangle.
  "a",
  "b",
  "i",
  "w",
  "types",
  "point",
  "shape",
  "color",
  "blob",
  "logging",
  "store",
  "level",
  "entry",
  "base",
  "full",
  "kv",
  "run",
  "streams",
  "error",
  "input-stream",
  "wall-clock",
  "datetime",
  "clocks",
  "handler",
  "app",
  "stable",
  "experimental",
  "gated",
  "other",
  "surface",
  "canvas",
  "widgets",
  "wasi",
  "io",
  "my",
  "example",
  "since",
  "unstable",
  "deprecated",
  "version",
  "feature",
  "external-id",
  // Identifiers that are valid only with `%`, or not at all.
  "%interface",
  "%world",
  "%",
  "%%",
  "%a-b",
  "Foo",
  "a-B",
  "x--y",
  "-a",
  "a-",
  "a1",
  "a-1",
  "1a",
  "a_b",
  "é",
  "ünïcödé",
  "日本",
  "a\u0301",
  "A-B-C",
  "abc-DEF",
];

const VERSIONS = [
  "1.0.0",
  "0.2.0",
  "2.0.0",
  "0.1.0-rc.1",
  "1.2.3+build.5",
  "1.0.0-alpha.0+x",
  "01.0.0",
  "1.0",
  "1",
  "1.0.0.0",
  "99999999999999999999.0.0",
  "1.0.0-",
  "1.0.0+",
];

const INTEGERS = ["0", "1", "4", "07", "4294967295", "4294967296", "18446744073709551616", "999999999999999999999999"];

const GATES = [
  "@since(version = 1.0.0)",
  "@since(version = 9.9.9)",
  "@unstable(feature = experimental)",
  "@unstable(feature = nope)",
  "@deprecated(version = 1.0.0)",
  '@external-id("x")',
  "@since",
  "@unstable()",
  "@deprecated(version =)",
];

const identifierArb = fc.oneof(
  fc.constantFrom(...NAMES),
  fc.stringMatching(/^%?[a-z][a-z0-9]{0,5}(-[a-z][a-z0-9]{0,4}){0,2}$/),
);

const witTokenArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...KEYWORDS) },
  { weight: 6, arbitrary: fc.constantFrom(...PUNCTUATION) },
  { weight: 4, arbitrary: identifierArb },
  { weight: 1, arbitrary: fc.constantFrom(...COMMENTS) },
  { weight: 1, arbitrary: fc.constantFrom(...VERSIONS) },
  { weight: 1, arbitrary: fc.oneof(fc.constantFrom(...INTEGERS), fc.nat().map(String)) },
  { weight: 1, arbitrary: fc.constantFrom(...GATES) },
  {
    weight: 1,
    arbitrary: fc.constantFrom("@1.0.0", "a:b", "a:b/c", "a:b/c@1.0.0", "a:b/c.{d}", "wasi:io/streams@0.2.0"),
  },
);

/** Characters that tend to break lexers, renderers and column arithmetic. */
const SPECIAL_CHARS = [
  "\r",
  "\n",
  "\r\n",
  "\n\r",
  "\t",
  "\v",
  "\f",
  "\0",
  "\u0001",
  "\u001b",
  "\u007f",
  "\u0085",
  "\u00a0",
  "\ufeff",
  "\u200b",
  "\u200c",
  "\u200d",
  "\u200e",
  "\u200f",
  "\u2028",
  "\u2029",
  "\u202a",
  "\u202b",
  "\u202c",
  "\u202d",
  "\u202e",
  "\u2066",
  "\u2067",
  "\u2068",
  "\u2069",
  "\ufffd",
  "\ufffe",
  "\uffff",
  "\u{10ffff}",
  "\u{1f600}",
  "e\u0301",
  "\u3000",
  "\u{e0001}",
  "\\",
  '"',
  "'",
  "`",
  "$",
  "#",
  "!",
  "?",
  "~",
  "^",
  "|",
  "&",
  "[",
  "]",
];

const loneSurrogateArb = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));

/** One "character": a special one, a lone surrogate, any code point (surrogates included), or WIT-ish ASCII. */
export const charArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...SPECIAL_CHARS) },
  { weight: 1, arbitrary: loneSurrogateArb },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c)) },
  { weight: 3, arbitrary: fc.constantFrom(..."abcdefxyz-%_0123456789{}()<>;:,.@/*=+ \n") },
  { weight: 1, arbitrary: witTokenArb },
);

// ---------------------------------------------------------------------------
// (a) Mutations of the seeds.
// ---------------------------------------------------------------------------

/** Whitespace runs, comments, `->`, word runs (identifiers, keywords, numbers, `%ids`) and single characters. */
const TOKEN_RE = /\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/|->|[\p{L}\p{N}\p{M}_%-]+|[\s\S]/gu;
const WORD_RE = /^%?[\p{L}_][\p{L}\p{N}\p{M}_-]*$/u;

export function tokenize(text: string): string[] {
  return text.match(TOKEN_RE) ?? [];
}

type Mutation =
  | { op: "delete"; at: number; count: number }
  | { op: "duplicate"; at: number }
  | { op: "swap"; at: number }
  | { op: "truncate"; at: number }
  | { op: "insert-chars"; at: number; text: string }
  | { op: "replace-id"; at: number; id: string }
  | { op: "insert-token"; at: number; token: string }
  | { op: "replace-token"; at: number; token: string };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant("delete" as const), at: fc.nat(), count: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ op: fc.constant("duplicate" as const), at: fc.nat() }),
  fc.record({ op: fc.constant("swap" as const), at: fc.nat() }),
  fc.record({ op: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({
    op: fc.constant("insert-chars" as const),
    at: fc.nat(),
    text: fc.string({ unit: charArb, minLength: 1, maxLength: 4 }),
  }),
  fc.record({ op: fc.constant("replace-id" as const), at: fc.nat(), id: identifierArb }),
  fc.record({ op: fc.constant("insert-token" as const), at: fc.nat(), token: witTokenArb }),
  fc.record({ op: fc.constant("replace-token" as const), at: fc.nat(), token: witTokenArb }),
);

/** Indices of the tokens that are not whitespace. */
function significant(tokens: string[]): number[] {
  const out: number[] = [];
  tokens.forEach((t, i) => {
    if (!/^\s+$/u.test(t)) out.push(i);
  });
  return out;
}

function mutate(seed: string, mutations: Mutation[]): string {
  let tokens = tokenize(seed);
  for (const m of mutations) {
    const sig = significant(tokens);
    if (m.op === "truncate" || m.op === "insert-chars") {
      const text = tokens.join("");
      const at = m.at % (text.length + 1);
      const next = m.op === "truncate" ? text.slice(0, at) : text.slice(0, at) + m.text + text.slice(at);
      tokens = tokenize(next);
      continue;
    }
    if (m.op === "insert-token") {
      const at = m.at % (tokens.length + 1);
      tokens.splice(at, 0, " ", m.token, " ");
      continue;
    }
    if (sig.length === 0) continue;
    const i = sig[m.at % sig.length];
    switch (m.op) {
      case "delete": {
        const last = sig[Math.min(sig.indexOf(i) + m.count - 1, sig.length - 1)];
        tokens.splice(i, last - i + 1);
        break;
      }
      case "duplicate":
        tokens.splice(i, 0, tokens[i], " ");
        break;
      case "swap": {
        const j = sig[(sig.indexOf(i) + 1) % sig.length];
        [tokens[i], tokens[j]] = [tokens[j], tokens[i]];
        break;
      }
      case "replace-id": {
        const words = sig.filter((k) => WORD_RE.test(tokens[k]));
        if (words.length) tokens[words[m.at % words.length]] = m.id;
        break;
      }
      case "replace-token":
        tokens[i] = m.token;
        break;
    }
  }
  return tokens.join("");
}

export const mutatedSeedArb = fc
  .tuple(fc.nat({ max: SEEDS.length - 1 }), fc.array(mutationArb, { minLength: 1, maxLength: 4 }))
  .map(([s, ms]) => mutate(SEEDS[s], ms));

// ---------------------------------------------------------------------------
// (b) Random token streams over the WIT vocabulary.
// ---------------------------------------------------------------------------

const separatorArb = fc.constantFrom(" ", " ", " ", "\n", "", "\t", "\r\n");

const tokenSoupArb = fc
  .array(fc.tuple(witTokenArb, separatorArb), { maxLength: 60 })
  .map((parts) => parts.map(([t, s]) => t + s).join(""));

/** Skeletons that put the soup where the parser and resolver look deeper. */
const SKELETONS: ((soup: string) => string)[] = [
  (s) => s,
  (s) => `package a:b;\n${s}`,
  (s) => `package a:b@1.0.0;\ninterface i {\n${s}\n}\n`,
  (s) => `package a:b;\ninterface i {\n  type t = ${s};\n}\n`,
  (s) => `package a:b;\ninterface i {\n  f: func(${s});\n}\n`,
  (s) => `package a:b@1.0.0;\ninterface i { type x = u8; }\nworld w {\n${s}\n}\n`,
  (s) => `package a:b;\npackage c:d {\n${s}\n}\n`,
];

export const tokenStreamArb = fc
  .tuple(fc.nat({ max: SKELETONS.length - 1 }), tokenSoupArb)
  .map(([k, soup]) => SKELETONS[k](soup));

// ---------------------------------------------------------------------------
// (c) Random Unicode strings.
// ---------------------------------------------------------------------------

export const randomStringArb = fc
  .tuple(
    fc.constantFrom("", "", "\ufeff", "package a:b;\n", "\ufeffpackage a:b;\n", "package a:b;\ninterface i {\n"),
    fc.string({ unit: charArb, maxLength: 200 }),
  )
  .map(([prefix, s]) => prefix + s);

// ---------------------------------------------------------------------------
// (d) Random syntactically valid documents, to exercise the resolver.
// ---------------------------------------------------------------------------

/**
 * Documents built from the grammar. A *clean* document is meant to resolve:
 * every interface and world starts with `type t = u32;` and `resource r;`,
 * type references name only those, `use` renames them, references to
 * interfaces and worlds follow a layering (`j` may use `i`, world `w` may
 * include `v`, the main package may use the nested package `c:d@2.0.0`), and
 * gates are valid. A *dirty* document also draws dangling references,
 * missing items, invalid gates, empty enums and variants, bad map keys and
 * list sizes, and bad constructor results.
 */
function documentArbFor(clean: boolean): fc.Arbitrary<string> {
  const pick = <T>(good: T[], bad: T[]): fc.Arbitrary<T> =>
    good.length === 0
      ? fc.constantFrom(...bad)
      : clean || bad.length === 0
        ? fc.constantFrom(...good)
        : fc.oneof(
            { weight: 8, arbitrary: fc.constantFrom(...good) },
            { weight: 1, arbitrary: fc.constantFrom(...bad) },
          );

  /** Names a type may refer to: the preamble's `t` and `r`. */
  const typeRefArb = pick(["t", "r"], ["zz", "a", "f", "i"]);
  const defNameArb = fc.constantFrom("a", "b", "c", "%a", "%type");
  const memberNamesArb = fc.uniqueArray(fc.constantFrom("a", "b", "c", "d", "%e", "%record", "f-g"), {
    minLength: clean ? 1 : 0,
    maxLength: 3,
  });
  const gateArb = fc.oneof(
    { weight: 30, arbitrary: fc.constantFrom("", "/// doc\n", "/** doc */\n") },
    {
      weight: 4,
      arbitrary: fc.constantFrom(
        "@since(version = 1.0.0)\n",
        "@since(version = 2.0.0)\n@deprecated(version = 2.0.0)\n",
      ),
    },
    ...(clean
      ? []
      : [
          {
            weight: 2,
            arbitrary: fc.constantFrom(
              "@unstable(feature = x)\n",
              "@unstable(feature = y)\n",
              "@unstable(feature = x)\n@deprecated(version = 1.0.0)\n",
              "@since(version = 3.0.0)\n",
              "@deprecated(version = 1.0.0)\n",
              "@since(version = 1.0.0)\n@unstable(feature = x)\n",
            ),
          },
        ]),
  );
  /** Functions are never referenced, so they may be unstable even in a clean document. */
  const funcGateArb = fc.oneof(gateArb, fc.constantFrom("@unstable(feature = x)\n", "@unstable(feature = y)\n"));

  /** Types, referring to the preamble's `t` and `r` only if `refs` (worlds have no preamble). */
  const typesFor = (refs: boolean) => {
    const { type: typeArb } = fc.letrec<{ type: string }>((tie) => ({
      type: fc.oneof(
        { maxDepth: 3, depthIdentifier: "wit-type" },
        { weight: 12, arbitrary: fc.constantFrom(...PRIMITIVES) },
        { weight: refs ? 3 : 0, arbitrary: typeRefArb },
        { weight: 1, arbitrary: tie("type").map((t) => `list<${t}>`) },
        {
          weight: 1,
          arbitrary: fc
            .tuple(tie("type"), pick([1, 4], [0, 4294967295, 4294967296]))
            .map(([t, n]) => `list<${t}, ${n}>`),
        },
        {
          weight: 1,
          arbitrary: fc
            .tuple(pick(["string", "u32", "bool", "s8"], ["f32", "t", "list<u8>"]), tie("type"))
            .map(([k, v]) => `map<${k}, ${v}>`),
        },
        { weight: 1, arbitrary: tie("type").map((t) => `option<${t}>`) },
        {
          weight: 1,
          arbitrary: fc
            .tuple(fc.option(tie("type")), fc.option(tie("type")))
            .map(([ok, err]) =>
              ok === null && err === null ? "result" : err === null ? `result<${ok}>` : `result<${ok ?? "_"}, ${err}>`,
            ),
        },
        { weight: 1, arbitrary: fc.array(tie("type"), { maxLength: 3 }).map((ts) => `tuple<${ts.join(", ")}>`) },
        { weight: 1, arbitrary: fc.option(tie("type")).map((t) => (t === null ? "future" : `future<${t}>`)) },
        { weight: 1, arbitrary: fc.option(tie("type")).map((t) => (t === null ? "stream" : `stream<${t}>`)) },
        { weight: refs ? 1 : 0, arbitrary: pick(["r"], ["t", "zz"]).map((n) => `own<${n}>`) },
      ),
    }));

    const paramTypeArb = fc.oneof(
      { weight: 6, arbitrary: typeArb },
      { weight: refs ? 1 : 0, arbitrary: pick(["r"], ["t"]).map((n) => `borrow<${n}>`) },
    );
    const paramsArb = fc
      .uniqueArray(fc.tuple(fc.constantFrom("p", "q", "%s", "a"), paramTypeArb), { maxLength: 3, selector: ([n]) => n })
      .map((ps) => ps.map(([n, t]) => `${n}: ${t}`).join(", "));
    const funcTypeArb = fc
      .tuple(fc.boolean(), paramsArb, fc.option(typeArb))
      .map(([isAsync, ps, r]) => `${isAsync ? "async " : ""}func(${ps})${r === null ? "" : ` -> ${r}`}`);

    /** Type definitions, allowed in interfaces and worlds. */
    const typeItemArb: fc.Arbitrary<Named> = fc.oneof(
      fc.tuple(defNameArb, typeArb).map(([n, t]): Named => [n, `type ${n} = ${t};`]),
      fc
        .tuple(defNameArb, memberNamesArb, fc.array(typeArb, { minLength: 3, maxLength: 3 }))
        .map(([n, fs, ts]): Named => [n, `record ${n} { ${fs.map((f, i) => `${f}: ${ts[i]}`).join(", ")} }`]),
      fc
        .tuple(defNameArb, memberNamesArb, fc.array(fc.option(typeArb), { minLength: 3, maxLength: 3 }))
        .map(([n, cs, ts]): Named => [
          n,
          `variant ${n} { ${cs.map((c, i) => (ts[i] === null ? c : `${c}(${ts[i]})`)).join(", ")} }`,
        ]),
      fc.tuple(defNameArb, memberNamesArb).map(([n, cs]): Named => [n, `enum ${n} { ${cs.join(", ")} }`]),
      fc.tuple(defNameArb, memberNamesArb).map(([n, cs]): Named => [n, `flags ${n} { ${cs.join(", ")} }`]),
      fc
        .tuple(
          defNameArb,
          fc.option(
            fc.tuple(
              paramsArb,
              pick([null, "result<SELF>", "result<SELF, string>"], ["SELF", "result<r>", "result<string>"]),
            ),
          ),
          fc.uniqueArray(fc.tuple(fc.constantFrom("m", "n", "%o"), fc.boolean(), funcTypeArb), {
            maxLength: 2,
            selector: ([n]) => n,
          }),
        )
        .map(([n, ctor, ms]): Named => {
          const members = ms.map(([m, st, f]) => `${m}: ${st ? "static " : ""}${f};`);
          if (ctor)
            members.unshift(`constructor(${ctor[0]})${ctor[1] === null ? "" : ` -> ${ctor[1].replace("SELF", n)}`};`);
          return [n, `resource ${n} {\n    ${members.join("\n    ")}\n  }`];
        }),
    );
    const funcItemArb: fc.Arbitrary<Named> = fc
      .tuple(fc.constantFrom("f", "g", "%func"), funcTypeArb)
      .map(([n, f]) => [n, `${n}: ${f};`]);
    return { funcTypeArb, typeItemArb, funcItemArb };
  };
  const inInterface = typesFor(true);
  const inWorld = typesFor(false);

  const interfaceRefArb = (refs: string[]) => pick(refs, ["zz", "w", "c:d/zz@2.0.0", "c:d/i@1.0.0", "c:d/i", "e:f/i"]);
  const worldRefArb = (refs: string[]) => pick(refs, ["zz", "i", "c:d/w@1.0.0"]);

  /** `use` always renames, so the preamble's names do not collide. */
  const useArb = (interfaces: string[]): fc.Arbitrary<Named> =>
    fc
      .tuple(interfaceRefArb(interfaces), pick(["t", "r"], ["a", "zz"]), fc.constantFrom("u", "v", "%w"))
      .map(([iface, n, as]): Named => [as, `use ${iface}.{${n} as ${as}};`]);

  /** Lines of named items with distinct names (`%a` is `a`), each maybe gated or documented, after a preamble. */
  const itemsArb = (item: fc.Arbitrary<[Named, string]>, preamble: string[]): fc.Arbitrary<string> =>
    fc
      .uniqueArray(item, { maxLength: 4, selector: ([[n]]) => n.replace(/^%/, "") })
      .map((items) => [...preamble, ...items.map(([[, text], g]) => `  ${g}${text}`)].join("\n"));

  const interfaceBodyArb = (interfaces: string[]): fc.Arbitrary<string> =>
    itemsArb(
      fc.oneof(
        { weight: 6, arbitrary: fc.tuple(inInterface.typeItemArb, gateArb) },
        { weight: 3, arbitrary: fc.tuple(inInterface.funcItemArb, funcGateArb) },
        ...(interfaces.length || !clean ? [{ weight: 2, arbitrary: fc.tuple(useArb(interfaces), gateArb) }] : []),
      ),
      ["  type t = u32;", "  resource r;"],
    );

  const worldBodyArb = (interfaces: string[], worlds: string[]): fc.Arbitrary<string> => {
    const importExport = fc.constantFrom("import", "export");
    const externName = fc.constantFrom("e1", "e2", "%e3");
    const item: fc.Arbitrary<Named> = fc.oneof(
      fc.tuple(importExport, externName, inWorld.funcTypeArb).map(([ie, n, f]): Named => [n, `${ie} ${n}: ${f};`]),
      fc.tuple(importExport, interfaceRefArb(interfaces)).map(([ie, i]): Named => [i, `${ie} ${i};`]),
      fc
        .tuple(importExport, externName, interfaceBodyArb(interfaces))
        .map(([ie, n, b]): Named => [n, `${ie} ${n}: interface {\n${b}\n  }`]),
      ...(worlds.length || !clean ? [worldRefArb(worlds).map((w): Named => [`include ${w}`, `include ${w};`])] : []),
      ...(clean
        ? []
        : [
            fc
              .tuple(worldRefArb(worlds), fc.constantFrom("e1", "f", "i"), fc.constantFrom("renamed", "e2"))
              .map(([w, a, b]): Named => [`include ${w}`, `include ${w} with { ${a} as ${b} }`]),
          ]),
      ...(interfaces.length || !clean ? [useArb(interfaces)] : []),
      inWorld.typeItemArb,
    );
    return itemsArb(fc.tuple(item, gateArb), []);
  };

  /** Interfaces `i`, `j`, `k` and worlds `v`, `w`, and maybe a top-level `use`. */
  const packageItemsArb = (extInterfaces: string[], extWorlds: string[]): fc.Arbitrary<string[]> => {
    const present = <T>(arb: fc.Arbitrary<T>) => (clean ? arb : fc.option(arb, { freq: 8 }));
    const allInterfaces = ["i", "j", "k", ...extInterfaces];
    return fc
      .record({
        i: present(fc.tuple(gateArb, interfaceBodyArb(extInterfaces))),
        j: present(fc.tuple(gateArb, interfaceBodyArb(["i", ...extInterfaces]))),
        k: present(fc.tuple(gateArb, interfaceBodyArb(["i", "j", ...extInterfaces]))),
        v: present(fc.tuple(gateArb, worldBodyArb(allInterfaces, extWorlds))),
        w: present(fc.tuple(gateArb, worldBodyArb(allInterfaces, ["v", ...extWorlds]))),
        use: fc.option(fc.tuple(interfaceRefArb(allInterfaces), fc.constantFrom("x", "y")), { freq: 4 }),
        reversed: fc.boolean(),
      })
      .map(({ i, j, k, v, w, use, reversed }) => {
        const items: string[] = [];
        for (const [name, def] of [
          ["i", i],
          ["j", j],
          ["k", k],
        ] as const)
          if (def) items.push(`${def[0]}interface ${name} {\n${def[1]}\n}`);
        for (const [name, def] of [
          ["v", v],
          ["w", w],
        ] as const)
          if (def) items.push(`${def[0]}world ${name} {\n${def[1]}\n}`);
        if (use) items.push(`use ${use[0]} as ${use[1]};`);
        return reversed ? items.reverse() : items;
      });
  };

  return fc
    .tuple(
      pick(["a:b", "%package:%world"], []),
      pick(["@2.0.0", "@2.1.0-rc.1"], ["", "@1.0.0"]),
      fc.option(packageItemsArb([], []), { freq: 3 }),
      fc.boolean(),
    )
    .chain(([name, version, nested, useNested]) => {
      const ext = nested && useNested ? ["c:d/i@2.0.0", "c:d/j@2.0.0"] : [];
      const extWorlds = nested && useNested ? ["c:d/w@2.0.0"] : [];
      return packageItemsArb(ext, extWorlds).map(
        (items) =>
          [
            `package ${name}${version};`,
            ...(nested ? [`package c:d@2.0.0 {\n${nested.join("\n")}\n}`] : []),
            ...items,
          ].join("\n\n") + "\n",
      );
    });
}

/** A named item: the name it defines and its text. */
type Named = [string, string];

const PRIMITIVES = [
  "u8",
  "u16",
  "u32",
  "u64",
  "s8",
  "s16",
  "s32",
  "s64",
  "f32",
  "f64",
  "char",
  "bool",
  "string",
  "error-context",
];

export const documentArb = fc.oneof(
  { weight: 3, arbitrary: documentArbFor(true) },
  { weight: 2, arbitrary: documentArbFor(false) },
);

// ---------------------------------------------------------------------------
// (e) Nesting around the parser's depth limits (100 types, 100 packages).
// ---------------------------------------------------------------------------

const WRAPPERS: [string, string][] = [
  ["list<", ">"],
  ["option<", ">"],
  ["tuple<", ">"],
  ["tuple<u8, ", ">"],
  ["result<", ">"],
  ["result<_, ", ">"],
  ["future<", ">"],
  ["stream<", ">"],
  ["map<string, ", ">"],
  ["list<", ", 4>"],
];

export const typeNestingArb = fc
  .record({
    wrappers: fc.array(fc.constantFrom(...WRAPPERS), { minLength: 95, maxLength: 105 }),
    inner: fc.constantFrom("u8", "x", "borrow<r>", ""),
    ending: fc.constantFrom("closed", "unclosed", "truncated"),
    cut: fc.nat(),
    trailer: fc.constantFrom("", " ", "\n", "// c", "/* c */", "$"),
    where: fc.constantFrom("type", "param", "result"),
  })
  .map(({ wrappers, inner, ending, cut, trailer, where }) => {
    const open = wrappers.map(([o]) => o).join("");
    const close = wrappers
      .map(([, c]) => c)
      .reverse()
      .join("");
    const nested =
      ending === "closed"
        ? open + inner + close
        : ending === "unclosed"
          ? open + inner
          : (open + inner + close).slice(0, cut % (open.length + inner.length + close.length + 1));
    const head = "package a:b;\ninterface i {\n  resource r;\n  type x = u8;\n  ";
    if (ending !== "closed")
      return (
        head + (where === "type" ? "type t = " : where === "param" ? "f: func(p: " : "f: func() -> ") + nested + trailer
      );
    return (
      head +
      (where === "type"
        ? `type t = ${nested};`
        : where === "param"
          ? `f: func(p: ${nested});`
          : `f: func() -> ${nested};`) +
      trailer +
      "\n}\n"
    );
  });

export const packageNestingArb = fc
  .record({
    depth: fc.integer({ min: 95, max: 105 }),
    header: fc.boolean(),
    closed: fc.nat(),
    body: fc.constantFrom("", "interface i {}", "world w {}", "package", "package c:d", "package c:d {"),
  })
  .map(
    ({ depth, header, closed, body }) =>
      (header ? "package x:y;\n" : "") +
      "package a:b {\n".repeat(depth) +
      body +
      "\n" +
      "}\n".repeat(closed % (depth + 1)),
  );
