/**
 * The parser's lookahead table (`WitParser#lookaheadTable`): the CLI's bundle
 * makes its parser from a table made at build time, without recording or
 * analysing the grammar. A parser made from the table must decide as one
 * that analysed the grammar, and report the same errors (whose messages
 * need the recorded grammar, made on demand).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { AbandonedParse, WitParser } from "../parser/grammar.js";
import { lex } from "../parser/lexer.js";
import type { LookaheadHost } from "../parser/lookahead.js";
import * as T from "../parser/tokens.js";

const corpus = path.resolve(__dirname, "../../shared/corpus");

interface Internals {
  lookAheadFuncsCache: Map<number, (this: LookaheadHost, orAlts?: unknown[]) => number | boolean | undefined>;
  fromTable: boolean;
}
const internals = (p: WitParser) => p as unknown as Internals;

/** A parser made from the table of `analysed`, after a round trip through JSON as the bundle makes it. */
function fromTable(analysed: WitParser): WitParser {
  return new WitParser({ lookahead: JSON.parse(JSON.stringify(analysed.lookaheadTable())) });
}

/** What parsing `text` gives: the AST, Chevrotain's errors and the semantic errors. */
function parse(p: WitParser, text: string): unknown {
  p.beginFile(text, lex(text, 0), 0);
  let file: unknown;
  try {
    file = p.witFile();
  } catch (e) {
    if (!(e instanceof AbandonedParse)) throw e;
  }
  const errors = p.errors.map((e) => ({ name: e.name, message: e.message, offset: e.token.startOffset }));
  return { file, errors, semanticErrors: p.semanticErrors };
}

function witFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".wit"))
    .map((f) => path.join(dir, f));
}

describe("lookahead table", () => {
  const analysed = new WitParser({ lookahead: null });

  it("makes the same lookahead functions as the analysis", () => {
    const p = fromTable(analysed);
    expect(internals(p).fromTable).toBe(true);
    expect(internals(analysed).fromTable).toBe(false);
    const expected = internals(analysed).lookAheadFuncsCache;
    const actual = internals(p).lookAheadFuncsCache;
    expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [key, fn] of expected) {
      for (const token of [...T.allTokens, T.Id]) {
        const host: LookaheadHost = { LA: () => ({ tokenTypeIdx: token.tokenTypeIdx! }) };
        expect(actual.get(key)!.call(host, []), `key ${key}, token ${token.name}`).toBe(fn.call(host, []));
      }
    }
  });

  it("is the same from a parser made from it", () => {
    expect(fromTable(analysed).lookaheadTable()).toEqual(analysed.lookaheadTable());
  });

  it("is not used for another grammar's rules", () => {
    const table = analysed.lookaheadTable();
    const p = new WitParser({ lookahead: { ...table, rules: table.rules.slice(1) } });
    expect(internals(p).fromTable).toBe(false);
  });

  it("parses as the analysed parser, errors included", () => {
    const p = fromTable(analysed);
    const samples = [
      "package a:b;\ninterface i {\n  foo: func(x: u32 -> ;\n  record r { a: , }\n  variant v { }\n}\n",
      "package a:b;\nworld w { import x; export y: interface { ;; } }\n",
      "interface i { type t = list<; }\nworld w { include }\n",
      "package a:b@1.0.0;\n@since(version = 1.0.0)\ninterface i { resource r { constructor(); m: static func(); } }\n",
      "package a:b { interface i {} } package",
      "interface i { enum e { } flags f { a, b, } }",
    ];
    const files = [...witFiles(path.join(corpus, "wit-parser-ui")), ...witFiles(path.join(corpus, "wasi", "0.2.6"))];
    for (const text of [...samples, ...files.map((f) => fs.readFileSync(f, "utf8"))])
      expect(parse(p, text)).toEqual(parse(analysed, text));
  });
});
