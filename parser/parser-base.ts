/**
 * The machinery under the WIT grammar (grammar.ts): wit-parser's wording of
 * syntax errors, and the recovery that abandons one item per error.
 *
 * Rules follow the productions of WIT.md. Every decision is made on the
 * next token, as wit-parser makes it (see `lookahead.ts`), with gates where
 * wit-parser peeks further. Inside a `{ ... }` body or a comma list the parser
 * commits to an item as soon as the closing token is absent, so a syntax
 * error names what the item needed, as wit-parser's does ("expected `type`,
 * `resource` or `func`, found ..."); the error message provider below words
 * every message as wit-parser does.
 *
 * Checks that wit-parser makes while parsing (identifier spelling, attribute
 * keys, semver strings, nesting limits) run as parser actions and are
 * collected in `semanticErrors`. Chevrotain's own recovery is off: a syntax
 * error abandons the item it is in (a member of an interface, world or
 * resource, or a top-level item), the parser skips to that item's end, and
 * goes on with the next one (see `item` and `body`). So one mistake gives
 * one error, and errors in later, independent items are still reported.
 */
import {
  EmbeddedActionsParser,
  EOF,
  isRecognitionException,
  type IOrAlt,
  type IParserErrorMessageProvider,
  type OrMethodOpts,
  type IToken,
  type Rule,
  type TokenType,
} from "chevrotain";
import * as T from "./tokens.js";
import { describeToken } from "./tokens.js";
import type * as A from "./ast.js";
import type { LexResult } from "./lexer.js";
import { FirstTokenLookahead, tokenIndex, type LookaheadTable } from "./lookahead.js";
import type { Version } from "./semver.js";
import { prebuiltLookahead } from "./prebuilt-lookahead.js";

export const MAX_TYPE_DEPTH = 100;
export const MAX_PACKAGE_DEPTH = 100;
/** Syntax errors reported for one file at most. */
export const MAX_ERRORS = 50;
/** Tokens more than a block of 2^TOKEN_BLOCK_BITS behind the parser are dropped (see `WitParserBase.LA`). */
const TOKEN_BLOCK_BITS = 7;
/**
 * Up to this many tokens a file's tokens are all made before its parse:
 * cheaper than making them as the parser goes while they are too few for
 * the garbage collector to copy many of them.
 */
const EAGER_TOKENS = 4096;

/**
 * A top-level interface body that the first parse of a file skipped
 * (`beginFile` with `defer`): its `{` and `}` as token indices.
 */
export interface DeferredBody {
  open: number;
  close: number;
}

/**
 * What a file's skipped interface bodies are parsed from once its first
 * parse is over (`WitParserBase.parseDeferred`): the file's text, tokens and
 * token vector, and its bodies, by the `items` of their interface node (its
 * `use` members alone).
 */
export interface DeferredFile {
  text: string;
  lexed: LexResult;
  base: number;
  vector: IToken[];
  versions: Map<string, Version>;
  bodies: Map<A.InterfaceItem[], DeferredBody>;
}

/** A Chevrotain rule run without its top-level hooks (which pad the token vector and want it all parsed). */
type CoreRule<R> = { coreRule: (this: unknown) => R };

const LEFT_BRACE = T.LeftBrace.tokenTypeIdx!;
const RIGHT_BRACE = T.RightBrace.tokenTypeIdx!;
const SEMICOLON = T.Semicolon.tokenTypeIdx!;
const USE = T.Use.tokenTypeIdx!;

/** Thrown to stop parsing a file; not a Chevrotain recognition error, so no recovery is attempted. */
export class AbandonedParse extends Error {}

/**
 * Marks a missing-token message that wit-parser reports as "no item fits
 * here", pointing at the whole token rather than at its first character.
 */
export const WHOLE_TOKEN = "\u0001";

/**
 * Marks a "no alternative fits" message that wit-parser reports as a
 * missing token (`expected ';', found ...`), pointing at one character.
 */
export const ONE_CHAR = "\u0002";

/**
 * The docs of an item without doc comments, shared (and frozen: an item's
 * docs are replaced, never changed).
 */
export const NO_DOCS: A.Docs = Object.freeze({ comments: Object.freeze([]) as unknown as string[], span: undefined });

/**
 * `items` at its exact size. An array grown by `push` keeps spare room (17
 * slots after its first push), and the AST's arrays live until the package
 * is resolved, so a small one is copied once it is complete.
 */
export function exact<T>(items: T[]): T[] {
  return items.length === 0 ? items : items.slice();
}

export interface SemanticError {
  /** Offset within the lexed text (not yet shifted by the file's base). */
  offset: number;
  end: number;
  message: string;
}

function found(token: IToken): string {
  return token.tokenType === EOF ? "eof" : describeToken(token.tokenType);
}

/**
 * What wit-parser says it expected where a body's closing token is missing:
 * it looks for the closing token only between items, so its absence means
 * an item was expected.
 */
const closingTokenExpectations: Record<string, string> = {
  "witFile:EOF": "`world`, `interface` or `use`",
  "nestedPackage:RightBrace": "`world`, `interface` or `use`",
  "interfaceBody:RightBrace": "`type`, `resource` or `func`",
  "worldItem:RightBrace": "`import`, `export`, `include`, `use`, or type definition",
  "resourceItem:RightBrace": "`constructor` or identifier",
  "listType:Integer": "fixed-length",
};

/** Comma lists: after a `,` an item or the closing token may follow. */
const listItemExpectations: Record<string, string> = {
  includeNames: "an identifier or string",
  useNames: "an identifier or string",
  params: "an identifier or string",
  recordFields: "an identifier or string",
  nameList: "an identifier or string",
  variantCases: "an identifier or string",
  typeList: "a type",
};

class WitErrorMessages implements IParserErrorMessageProvider {
  buildMismatchTokenMessage(options: {
    expected: TokenType;
    actual: IToken;
    previous: IToken;
    ruleName: string;
  }): string {
    const afterComma = options.previous?.tokenType === T.Comma && listItemExpectations[options.ruleName];
    const custom = afterComma || closingTokenExpectations[`${options.ruleName}:${options.expected.name}`];
    if (custom) return `${WHOLE_TOKEN}expected ${custom}, found ${found(options.actual)}`;
    return `expected ${describeToken(options.expected)}, found ${found(options.actual)}`;
  }

  buildNotAllInputParsedMessage(options: { firstRedundant: IToken }): string {
    return `expected \`world\`, \`interface\` or \`use\`, found ${found(options.firstRedundant)}`;
  }

  buildNoViableAltMessage(options: { actual: IToken[]; customUserDescription?: string }): string {
    const actual = options.actual[0];
    const description = options.customUserDescription ?? "something else";
    const marker = description.startsWith(ONE_CHAR) ? ONE_CHAR : "";
    return `${marker}expected ${description.replace(ONE_CHAR, "")}, found ${actual ? found(actual) : "eof"}`;
  }

  buildEarlyExitMessage(options: { actual: IToken[]; customUserDescription?: string }): string {
    return `expected ${options.customUserDescription ?? "more input"}, found ${found(options.actual[0])}`;
  }
}

export type OrAlternatives = IOrAlt<unknown>[] | OrMethodOpts<unknown>;

export const isId = (t: TokenType) => t === T.Id || t === T.ExplicitId;

/** The names of the token types the grammar consumes. */
const tokens = tokenIndex([...T.allTokens, EOF]);

/** What of Chevrotain's parser is used here beyond its typings. */
interface ParserInternals {
  definedRulesNames: string[];
  fullRuleNameToShort: Record<string, number>;
  lookAheadFuncsCache: Map<number, unknown>;
  lookaheadStrategy: FirstTokenLookahead;
}

export interface WitParserOptions {
  /** Chevrotain's grammar checks (ambiguities, left recursion); tests turn them on. */
  validate?: boolean;
  /**
   * The lookahead functions from this table (`lookaheadTable` of a parser of
   * the same grammar) rather than from an analysis of the grammar; `null`
   * for the analysis. By default, the table made at build time if any (the
   * CLI's bundle has one).
   */
  lookahead?: LookaheadTable | null;
}

/**
 * +1 for `{`, -1 for `}`. Only braces delimit items: a `;` or `}` ends an
 * item whatever parentheses or angle brackets its error left open.
 */
function braceChange(t: TokenType): number {
  if (t === T.LeftBrace) return 1;
  if (t === T.RightBrace) return -1;
  return 0;
}

/** `s.trimEnd().length`, without making the trimmed string when the trailing whitespace is ASCII. */
function trimmedLength(s: string): number {
  let end = s.length;
  for (;;) {
    const c = s.charCodeAt(end - 1);
    // The ASCII characters `trimEnd` removes: tab, LF, VT, FF, CR and space.
    if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) end--;
    else if (c >= 0x80) return s.slice(0, end).trimEnd().length;
    else return end;
  }
}

/** Tokens that begin an item, where a skipped item may end early (when first on a line). */
const typeItemStarts = [T.Type, T.Record, T.Variant, T.Flags, T.Enum, T.Resource, T.Use, T.At];
export const TOP_SYNC: ReadonlySet<TokenType> = new Set([T.Interface, T.World, T.Use, T.Package, T.At]);
export const INTERFACE_SYNC: ReadonlySet<TokenType> = new Set(typeItemStarts);
export const WORLD_SYNC: ReadonlySet<TokenType> = new Set([...typeItemStarts, T.Import, T.Export, T.Include]);
export const RESOURCE_SYNC: ReadonlySet<TokenType> = new Set([T.Constructor, T.At]);

/**
 * The parser state and the error recovery shared by the grammar's rules.
 * The AST is built by the rules themselves (Chevrotain's embedded actions):
 * there is no concrete syntax tree.
 */
export abstract class WitParserBase extends EmbeddedActionsParser {
  /**
   * The alternatives of each `OR`, built on first use rather than at every
   * call: a rule such as `type` runs for every type in a file, and building
   * its closures each time is most of the garbage parsing makes.
   */
  protected readonly alternatives: Record<string, OrAlternatives> = {};
  semanticErrors: SemanticError[] = [];
  typeDepth = 0;
  packageDepth = 0;
  /** The text being parsed, for reading back spans such as versions. */
  sourceText = "";
  /** The offset of the text's first character in its source map; AST spans are shifted by it. */
  protected base = 0;
  /** The tokens and comments of the text, for doc comments. */
  protected lexed: LexResult | undefined;
  /** Chevrotain's token vector and position (see `LA`). */
  declare protected tokVector: (IToken | undefined)[];
  declare protected tokVectorLength: number;
  declare protected currIdx: number;
  /** Chevrotain's syntax errors (its `errors` getter returns a copy). */
  declare private _errors: unknown[];
  /** Tokens before this index have been dropped from the token vector. */
  private dropped = 0;
  /** No token at or past this index has been made (for a file whose tokens are made as the parser goes). */
  private filled = 0;
  /**
   * The token objects of small files, rewritten for each file rather than
   * made anew: nothing keeps a token past `endFile` (the AST holds spans and
   * strings, and syntax errors are read before it).
   */
  private readonly pool: IToken[] = [];
  /** The token vector of small files, likewise reused. */
  private readonly pooledVector: IToken[] = [];
  /** How many tokens of `pooledVector` are set (the rest are `undefined`). */
  private pooledCount = 0;

  /** The table the lookahead functions are made from, if they are not analysed. */
  private readonly table: LookaheadTable | null;
  /** Whether the lookahead functions were made from `table`. */
  private fromTable = false;
  /** The grammar of a parser that analysed it, made when an error message needs it (`getGAstProductions`). */
  private analysedGrammar: Record<string, Rule> | undefined = undefined;

  constructor(options: WitParserOptions = {}) {
    super(T.allTokens, {
      skipValidations: !options.validate,
      recoveryEnabled: false,
      // wit-parser decides with one token (and peeks further only where a
      // gate below does the same), so its error messages follow from LL(1).
      maxLookahead: 1,
      lookaheadStrategy: new FirstTokenLookahead(tokens),
      errorMessageProvider: new WitErrorMessages(),
    });
    this.table = options.validate
      ? null
      : options.lookahead === undefined
        ? (prebuiltLookahead ?? null)
        : options.lookahead;
  }

  /**
   * Chevrotain's analysis records the grammar by running every rule, then
   * builds the lookahead functions from it: the larger part of the cost of
   * making a parser, at every start of the CLI. With a lookahead table of
   * the same rules, the functions are made from it instead, and the grammar
   * is recorded only if an error message asks for it (`getGAstProductions`).
   */
  protected override performSelfAnalysis(): void {
    const internals = this as unknown as ParserInternals;
    const rules = internals.definedRulesNames;
    const table = this.table;
    if (table === null || table.rules.length !== rules.length || table.rules.some((r, i) => r !== rules[i])) {
      super.performSelfAnalysis();
      return;
    }
    // Chevrotain's own analysis of no rules: the rest of what it does (the
    // parser's state, its object made fast) as usual.
    internals.definedRulesNames = [];
    try {
      super.performSelfAnalysis();
    } finally {
      internals.definedRulesNames = rules;
    }
    this.fromTable = true;
    for (const [rule, offset, decision] of table.decisions)
      internals.lookAheadFuncsCache.set(
        internals.fullRuleNameToShort[rule]! + offset,
        internals.lookaheadStrategy.built(decision),
      );
  }

  override getGAstProductions(): Record<string, Rule> {
    if (!this.fromTable) return super.getGAstProductions();
    const Parser = this.constructor as new (options: WitParserOptions) => WitParserBase;
    this.analysedGrammar ??= new Parser({ lookahead: null }).getGAstProductions();
    return this.analysedGrammar;
  }

  /** The table that makes this parser's lookahead functions again (see `WitParserOptions.lookahead`). */
  lookaheadTable(): LookaheadTable {
    const internals = this as unknown as ParserInternals;
    const rules = internals.definedRulesNames;
    // Each rule's keys lie between its own key and the next rule's.
    const starts = rules
      .map((rule) => [internals.fullRuleNameToShort[rule]!, rule] as const)
      .sort((a, b) => a[0] - b[0]);
    const decisions: LookaheadTable["decisions"] = [];
    for (const [key, fn] of internals.lookAheadFuncsCache) {
      const decision = internals.lookaheadStrategy.decisionOf(fn as object);
      let start = starts[0]!;
      for (const s of starts) if (s[0] <= key) start = s;
      if (decision === undefined || key < start[0]) throw new Error(`lookahead: no decision for key ${key}`);
      decisions.push([start[1], key - start[0], decision]);
    }
    return { rules: [...rules], decisions };
  }

  /** How many syntax errors have been recorded, without copying them as `errors` does. */
  protected get errorCount(): number {
    return this._errors.length;
  }

  /** Whether every token of the input has been consumed. */
  atEnd(): boolean {
    return this.LA(1).tokenType === EOF;
  }

  /**
   * Starts a file: `lexed` is `text` lexed, and `base` the offset of its
   * first character in its source map. With `defer`, the bodies of the
   * file's top-level interfaces are skipped but for their `use` members
   * (see `skipInterfaceBody`), and `detachFile` ends the parse.
   */
  beginFile(text: string, lexed: LexResult, base: number, defer = false): void {
    this.sourceText = text;
    this.lexed = lexed;
    this.base = base;
    this.deferring = defer ? new Map() : undefined;
    // A small file's tokens are those of the pool, rewritten; a larger
    // file's token vector starts empty (`undefined` for every token), and
    // `LA` makes the tokens as the parser reaches them. A file whose bodies
    // are deferred keeps its own vector.
    const count = lexed.count;
    if (count <= EAGER_TOKENS && !defer) {
      const pool = this.pool;
      for (let i = 0; i < count; i++) {
        if (i < pool.length) lexed.rewriteToken(pool[i], i);
        else pool.push(lexed.token(i));
      }
      // The vector keeps its length (shortening it would give up its
      // storage); the slots past this file's tokens read as the end of input.
      const vector = this.pooledVector;
      for (let i = 0; i < count; i++) vector[i] = pool[i];
      vector.fill(undefined as unknown as IToken, count, this.pooledCount);
      this.pooledCount = count;
      this.input = vector;
      this.tokVectorLength = count;
    } else {
      this.input = new Array<IToken>(count).fill(undefined as unknown as IToken);
    }
    this.dropped = 0;
    this.filled = 0;
    this.semanticErrors = [];
    this.typeDepth = 0;
    this.packageDepth = 0;
  }

  /** The versions of the file read so far, by their text: one object for each version written. */
  protected versions = new Map<string, Version>();

  /** The bodies skipped so far, when the file's bodies are deferred. */
  protected deferring: Map<A.InterfaceItem[], DeferredBody> | undefined;

  /** Lets go of the file's text and tokens once its parse is over. */
  endFile(): void {
    this.versions.clear();
    this.lexed = undefined;
    this.sourceText = "";
    this.tokVector = [];
    this.tokVectorLength = 0;
    this.deferring = undefined;
  }

  /** Ends the parse of a file begun with `defer`: what its skipped bodies are parsed from. */
  detachFile(): DeferredFile {
    const file: DeferredFile = {
      text: this.sourceText,
      lexed: this.lexed!,
      base: this.base,
      vector: this.tokVector as IToken[],
      versions: this.versions,
      bodies: this.deferring!,
    };
    file.vector.fill(undefined as unknown as IToken, this.dropped, this.filled);
    this.versions = new Map();
    this.endFile();
    return file;
  }

  /**
   * At the `{` of a top-level interface of a file whose bodies are deferred:
   * skips the body, parsing only its `use` members (the package's order of
   * interfaces depends on them), and returns those. The rest is parsed when
   * the interface is resolved (`parseDeferred`), so that its AST dies young
   * rather than living, and being copied by the garbage collector, until
   * the whole package is resolved. Undefined, with nothing consumed, when
   * the body is not closed: it is parsed at once, for its errors.
   */
  protected skipInterfaceBody(): A.InterfaceItem[] | undefined {
    const data = this.lexed!.data;
    const count = this.lexed!.count;
    const open = this.currIdx + 1;
    if (open >= count || data[open * 4] !== LEFT_BRACE) return undefined;
    let close = -1;
    let depth = 0;
    for (let i = open; i < count; i++) {
      const t = data[i * 4];
      if (t === LEFT_BRACE) depth++;
      else if (t === RIGHT_BRACE && --depth === 0) {
        close = i;
        break;
      }
    }
    if (close < 0) return undefined;
    // A member ends at its `;`, or at the `}` that closes its own braces;
    // `use` is a keyword, so at the body's level it begins a `use` member
    // (after the attributes from `start` on).
    const member = (this.interfaceMember as unknown as CoreRule<A.InterfaceItem | undefined>).coreRule;
    const uses: A.InterfaceItem[] = [];
    let start = open + 1;
    for (let i = open + 1; i < close; i++) {
      const t = data[i * 4];
      if (t === LEFT_BRACE) depth++;
      else if (t === RIGHT_BRACE) {
        if (--depth === 0) start = i + 1;
      } else if (depth === 0) {
        if (t === SEMICOLON) start = i + 1;
        else if (t === USE) {
          this.currIdx = start - 1;
          const use = member.call(this);
          if (use !== undefined) uses.push(use);
          i = Math.max(i, this.currIdx);
          start = i + 1;
        }
      }
    }
    this.currIdx = close;
    const items = exact(uses);
    this.deferring!.set(items, { open, close });
    return items;
  }

  /**
   * Parses a body that the first parse of `file` skipped: its members, or
   * undefined if it has any syntax error (the whole file is then parsed
   * again without deferring, for wit-parser's errors).
   */
  parseDeferred(file: DeferredFile, body: DeferredBody): A.InterfaceItem[] | undefined {
    this.input = file.vector;
    this.sourceText = file.text;
    this.lexed = file.lexed;
    this.base = file.base;
    const versions = this.versions;
    this.versions = file.versions;
    this.deferring = undefined;
    this.dropped = Math.max(body.open - 1, 0);
    this.filled = this.dropped;
    this.semanticErrors = [];
    this.typeDepth = 0;
    this.packageDepth = 0;
    this.currIdx = body.open - 1;
    let items: A.InterfaceItem[] | undefined;
    try {
      items = (this.interfaceBody as unknown as CoreRule<A.InterfaceItem[]>).coreRule.call(this);
    } catch (e) {
      if (!(e instanceof AbandonedParse)) throw e;
    }
    const clean = this.errorCount === 0 && this.semanticErrors.length === 0 && this.currIdx === body.close;
    file.vector.fill(undefined as unknown as IToken, this.dropped, this.filled);
    this.versions = versions;
    this.endFile();
    return clean ? items : undefined;
  }

  /** The rules `skipInterfaceBody` and `parseDeferred` run (defined by the grammar). */
  protected abstract interfaceMember: unknown;
  protected abstract interfaceBody: unknown;

  /**
   * For a file of more than `EAGER_TOKENS` tokens, the token vector is
   * filled as the parser looks ahead, and the tokens well behind the parser
   * are dropped again: the file's tokens die young rather than all staying
   * alive (and being copied by the garbage collector) until the end of its
   * parse. Nothing reads a token more than a block behind the current one
   * (`LA(0)` is the furthest back Chevrotain and the rules look).
   */
  protected override LA(howMuch: number): IToken {
    const i = this.currIdx + howMuch;
    if (i < 0 || i >= this.tokVectorLength) return super.LA(howMuch);
    return this.tokVector[i] ?? this.fill(i);
  }

  protected override LA_FAST(howMuch: number): IToken {
    const i = this.currIdx + howMuch;
    return this.tokVector[i] ?? this.LA(howMuch);
  }

  /**
   * Makes token `i`, and drops the tokens more than a block behind the
   * parser once two blocks have gathered. Tokens are made one at a time, as
   * they are reached: a skipped interface body (`skipInterfaceBody`) makes
   * none.
   */
  private fill(i: number): IToken {
    const vector = this.tokVector;
    const block = 1 << TOKEN_BLOCK_BITS;
    if (this.currIdx - this.dropped >= 2 * block) {
      const keep = Math.min(this.currIdx - block, i);
      if (keep > this.dropped) {
        vector.fill(undefined, this.dropped, keep);
        this.dropped = keep;
      }
    }
    const token = this.lexed!.token(i);
    vector[i] = token;
    if (i >= this.filled) this.filled = i + 1;
    return token;
  }

  /**
   * Records an error and abandons the whole file: past a nesting limit, or
   * after too many errors, wit-parser would long have stopped, and going on
   * would only repeat the same error.
   */
  protected abort(token: IToken, message: string): never {
    this.report(token, message);
    throw new AbandonedParse();
  }

  /** Stops once a file has this many syntax errors; the first one is wit-parser's. */
  protected checkErrorBudget(): void {
    if (this.errorCount + this.semanticErrors.length >= MAX_ERRORS) throw new AbandonedParse();
  }

  /**
   * Runs the grammar of one item; a syntax error in it (already recorded)
   * abandons the item: the tokens up to its end are skipped, and parsing
   * goes on after it. `enclosed` says whether a `}` closes the body the item
   * sits in; `sync` lists the tokens that, first on their line and outside
   * any brace, begin the next item.
   */
  protected item<R>(enclosed: boolean, sync: ReadonlySet<TokenType>, grammar: () => R): R | undefined {
    if (this.RECORDING_PHASE) return grammar();
    const first = this.currIdx + 1;
    const typeDepth = this.typeDepth;
    const packageDepth = this.packageDepth;
    try {
      return grammar();
    } catch (e) {
      if (!(e instanceof Error) || !isRecognitionException(e)) throw e;
      this.typeDepth = typeDepth;
      this.packageDepth = packageDepth;
      this.skipItem(this.braceDepth(first), enclosed, sync, this.currIdx + 1 !== first);
      return undefined;
    }
  }

  /**
   * Items of a body up to its closing token `close`. A token that cannot
   * begin an item is reported as the closing token's absence ("expected
   * `type`, `resource` or `func`, found ..."), as wit-parser does; the parser
   * then skips what follows as one item and goes on with the body. The body
   * ends at `close`, or at the end of the file (whose absent `}` is reported
   * once).
   */
  protected body(close: TokenType, sync: ReadonlySet<TokenType>, items: () => void, closing: () => void): void {
    if (this.RECORDING_PHASE) {
      items();
      closing();
      return;
    }
    for (;;) {
      items();
      const before = this.errorCount;
      try {
        closing();
        return;
      } catch (e) {
        if (!(e instanceof Error) || !isRecognitionException(e)) throw e;
        if (this.LA(1).tokenType === EOF) {
          // Several bodies left open at the end of the file: one error says it.
          const errors = this.errors;
          if (errors.slice(0, before).some((x) => x.token.tokenType === EOF)) this.errors = errors.slice(0, before);
          return;
        }
        this.skipItem(0, close === T.RightBrace, sync, false);
      }
    }
  }

  /** How many `{` are open between token `first` (an index) and the next token. */
  protected braceDepth(first: number): number {
    const lexed = this.lexed!;
    const next = Math.min(this.currIdx + 1, lexed.count);
    let depth = 0;
    for (let i = first; i < next; i++) depth += braceChange(lexed.typeOf(i));
    return Math.max(depth, 0);
  }

  /**
   * Skips the rest of an item whose tokens up to here leave `depth` braces
   * open: up to and including its `;` or the `}` that closes it, or up to the
   * `}` of the enclosing body, the end of the file, or a token in `sync`
   * that begins a line. Without `progressed`, the next token is skipped in
   * any case, so the parser always moves on.
   */
  protected skipItem(depth: number, enclosed: boolean, sync: ReadonlySet<TokenType>, progressed: boolean): void {
    let first = !progressed;
    for (;;) {
      const t = this.LA(1);
      const type = t.tokenType;
      if (type === EOF) return;
      if (!first) {
        if (depth === 0 && type === T.RightBrace && enclosed) return;
        if (depth === 0 && sync.has(type) && this.beginsLine(t)) return;
      }
      first = false;
      this.SKIP_TOKEN();
      depth = Math.max(depth + braceChange(type), 0);
      if (depth === 0 && (type === T.Semicolon || type === T.RightBrace)) return;
    }
  }

  /** Whether only whitespace and comments stand between the previous token and `t`'s line start. */
  protected beginsLine(t: IToken): boolean {
    const previous = this.LA(0);
    if (previous.tokenType === EOF || Number.isNaN(previous.startOffset)) return true;
    return this.sourceText.slice(previous.startOffset, t.startOffset).includes("\n");
  }

  /**
   * WIT.md's nested namespaces and package paths (`a:b:c`, `a:b/c`, gated by
   * 🪺) are read into the AST but not supported by the resolver yet; saying
   * so at the separator keeps errors in source order.
   */
  protected nestedNamespace(separator: IToken): void {
    this.report(separator, "nested namespaces and package paths (🪺) are not supported yet");
  }

  protected report(token: IToken, message: string): void {
    if (token.isInsertedInRecovery) return;
    if (token.tokenType === EOF || Number.isNaN(token.startOffset)) {
      this.semanticErrors.push({ offset: this.sourceText.length, end: this.sourceText.length, message });
      return;
    }
    this.semanticErrors.push({ offset: token.startOffset, end: token.startOffset + token.image.length, message });
  }

  /**
   * `package-decl` at the head of a file is `package name ;`; anything else
   * after `package name` makes it a nested package item. Mirrors wit-parser,
   * which reads a package name ahead and looks for the `;`.
   */
  protected atPackageHeader(): boolean {
    if (this.LA(1).tokenType !== T.Package) return false;
    let i = 2;
    const id = () => isId(this.LA(i).tokenType) && (i++, true);
    const is = (t: TokenType) => this.LA(i).tokenType === t && (i++, true);
    if (!id() || !is(T.Colon) || !id()) return false;
    while (this.LA(i).tokenType === T.Colon && isId(this.LA(i + 1).tokenType)) i += 2;
    while (this.LA(i).tokenType === T.Slash && isId(this.LA(i + 1).tokenType)) i += 2;
    if (is(T.At)) {
      if (!is(T.Integer) || !is(T.Period) || !is(T.Integer) || !is(T.Period) || !is(T.Integer)) return false;
      const part = (t: TokenType) => t === T.Id || t === T.Integer || t === T.Minus;
      for (const prefix of [T.Minus, T.Plus]) {
        if (!is(prefix)) continue;
        for (;;) {
          if (part(this.LA(i).tokenType)) i++;
          else if (this.LA(i).tokenType === T.Period && part(this.LA(i + 1).tokenType)) i += 2;
          else break;
        }
      }
    }
    return this.LA(i).tokenType === T.Semicolon;
  }

  // wit-file ::= package-decl? (package-items | nested-package-definition)*

  /**
   * Whether rules skip building the AST: while Chevrotain records the
   * grammar, and once the file has a problem, since such a file gets no AST
   * and the parts of an item in error may be missing.
   */
  protected get noAst(): boolean {
    return (
      this.RECORDING_PHASE || this.errorCount > 0 || this.semanticErrors.length > 0 || this.lexed!.errors.length > 0
    );
  }

  /**
   * The span of token `t`. Offsets go through `| 0` here and in every
   * other place that reads them from a token: a token made while the grammar
   * is recorded, or inserted by error recovery, has a `NaN` offset, and a
   * single `NaN` stored in a field would make V8 keep that field of every
   * span as a boxed number from then on.
   */
  protected span(t: IToken): A.Span {
    const start = (this.base + t.startOffset) | 0;
    return { start, end: (start + t.image.length) | 0 };
  }

  /** From the start of token `first` to the end of the last token consumed. */
  protected extent(first: IToken): A.Span {
    const last = this.LA(0);
    return { start: (this.base + first.startOffset) | 0, end: (this.base + last.startOffset + last.image.length) | 0 };
  }

  /** The comments between the token before `first` and `first`. */
  protected docs(first: IToken): A.Docs {
    const lexed = this.lexed!;
    const offset = first.startOffset;
    let lo = 0;
    let hi = lexed.count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (lexed.startOf(mid) < offset) lo = mid + 1;
      else hi = mid;
    }
    const from = lexed.commentsBefore(lo);
    const to = lo < lexed.count ? lexed.commentsBefore(lo + 1) : lexed.commentCount;
    const comments: string[] = [];
    let span: A.Span | undefined;
    for (let i = from; i < to; i++) {
      const start = lexed.commentStart(i);
      if (start >= offset) break;
      const image = lexed.text.slice(start, lexed.commentEnd(i));
      comments.push(image);
      const end = this.base + start + trimmedLength(image);
      span = span ? { start: span.start, end } : { start: this.base + start, end };
    }
    return comments.length === 0 ? NO_DOCS : { comments: exact(comments), span };
  }
}
