/**
 * Parsing of one WIT file: lexing (lexer.ts), then the Chevrotain grammar
 * (grammar.ts), whose rules build the AST (ast.ts) as they go. Never throws
 * for bad input; every problem is a `SyntaxProblem` with a span, in source
 * order.
 */
import { EOF } from "chevrotain";
import type { InterfaceItem, PackageFile, Span, UsePath } from "./ast.js";
import { AbandonedParse, ONE_CHAR, WHOLE_TOKEN, WitParser } from "./grammar.js";
import { keepLexResult, lex, releaseLexResult } from "./lexer.js";
import type { DeferredFile } from "./parser-base.js";

export * from "./ast.js";
export { validateId } from "./identifiers.js";
export { isKeyword } from "./tokens.js";
export * from "./semver.js";

export interface SyntaxProblem {
  span: Span;
  message: string;
}

export interface ParsedFile {
  /** Present only when the file has no problems. */
  file: PackageFile | undefined;
  problems: SyntaxProblem[];
}

let sharedParser: WitParser | undefined;

function parser(): WitParser {
  sharedParser ??= new WitParser();
  return sharedParser;
}

/**
 * Parses `text`, whose first character sits at offset `base` of its source
 * map (every span in the AST is an offset in that map). The AST is given
 * only for a file without problems; the problems are wit-parser's, with its
 * messages and spans, at most one for each item in error.
 */
export function parseWitFile(text: string, base = 0): ParsedFile {
  const { file, problems } = parse(text, base, Infinity);
  return { file, problems };
}

/**
 * A file without problems whose top-level interface bodies were skipped by
 * its parse: each such interface's `items` hold only its `use` members, and
 * `parseDeferredBody` gives the rest when the interface is resolved.
 */
export interface DeferringParse extends ParsedFile {
  deferred: DeferredFile | undefined;
  /** Whether bodies were skipped: the problems, if any, may then not be those of `parseWitFile`. */
  skipped: boolean;
}

/**
 * The number of tokens above which `parseWitFileDeferring` skips interface
 * bodies: past it, the AST of a whole file is large enough that keeping it
 * alive until the package is resolved costs more in garbage collection than
 * making each body's AST just before it is resolved.
 */
export const DEFER_ABOVE = 4096;

/**
 * As `parseWitFile`, but a file of more than `deferAbove` tokens has its
 * top-level interface bodies skipped (see `DeferringParse`). Problems may be
 * found in a skipped body only when it is parsed; the caller then parses
 * the file again with `parseWitFile` for its problems.
 */
export function parseWitFileDeferring(text: string, base: number, deferAbove = DEFER_ABOVE): DeferringParse {
  return parse(text, base, deferAbove);
}

/** The members of an interface whose body `parseWitFileDeferring` skipped, or undefined for a body with problems. */
export function parseDeferredBody(file: DeferredFile, items: InterfaceItem[]): InterfaceItem[] | undefined {
  const body = file.bodies.get(items);
  if (body === undefined) return items;
  return parser().parseDeferred(file, body);
}

/** Lets `file`'s token arrays be filled again by the lexer, once none of its bodies is left to parse. */
export function releaseDeferred(file: DeferredFile): void {
  releaseLexResult(file.lexed);
}

function parse(text: string, base: number, deferAbove: number): DeferringParse {
  const lexed = lex(text, base, true);
  const defer = lexed.count > deferAbove;
  // The token arrays of a deferring file stay in use after its parse.
  if (defer) keepLexResult(lexed);
  const problems: SyntaxProblem[] = lexed.errors.map((e) => ({
    span: { start: e.offset, end: e.offset + 1 },
    message: e.message,
  }));
  const p = parser();
  p.beginFile(text, lexed, base, defer);
  let file: PackageFile | undefined;
  try {
    file = p.witFile();
  } catch (e) {
    if (!(e instanceof AbandonedParse)) throw e;
  }
  // The grammar consumes EOF itself, so "not all input parsed" only follows an
  // abandoned parse and says nothing new.
  for (const e of p.errors.filter((x) => x.name !== "NotAllInputParsedException")) {
    const t = e.token;
    const eof = t.tokenType === EOF || Number.isNaN(t.startOffset);
    const start = base + (eof ? text.length : t.startOffset);
    // wit-parser points at one character for a missing token and at the whole
    // token when no alternative fits.
    const oneChar =
      e.message.startsWith(ONE_CHAR) || (e.name === "MismatchedTokenException" && !e.message.startsWith(WHOLE_TOKEN));
    const end = oneChar ? start + 1 : eof ? start : base + t.startOffset + t.image.length;
    problems.push({ span: { start, end }, message: e.message.replace(WHOLE_TOKEN, "").replace(ONE_CHAR, "") });
  }
  for (const e of p.semanticErrors) {
    problems.push({ span: { start: base + e.offset, end: base + e.end }, message: e.message });
  }
  const deferred = defer ? p.detachFile() : (p.endFile(), undefined);
  problems.sort((a, b) => a.span.start - b.span.start);
  const skipped = deferred !== undefined && deferred.bodies.size > 0;
  if (problems.length || !file) return { file: undefined, problems, deferred: undefined, skipped };
  return { file, problems, deferred: skipped ? deferred : undefined, skipped };
}

/**
 * Parses a use-path given on its own (`name` or `ns:pkg/name@1.2.3`), as in
 * a world specifier: the path, or wit-parser's reason for refusing it.
 */
export function parseUsePath(text: string): { path: UsePath } | { error: string } {
  const lexed = lex(text, 0, true);
  if (lexed.errors.length) return { error: lexed.errors[0].message };
  const p = parser();
  p.beginFile(text, lexed, 0);
  const path = p.usePath();
  const problems = [
    ...p.errors
      .filter((e) => e.name !== "NotAllInputParsedException")
      .map((e) => ({ at: Number.isNaN(e.token.startOffset) ? text.length : e.token.startOffset, message: e.message })),
    ...p.semanticErrors.map((e) => ({ at: e.offset, message: e.message })),
  ].sort((a, b) => a.at - b.at);
  const atEnd = p.atEnd();
  p.endFile();
  if (problems.length) return { error: problems[0].message.replace(WHOLE_TOKEN, "").replace(ONE_CHAR, "") };
  if (!atEnd) return { error: "trailing tokens in path specifier" };
  return { path };
}
