/**
 * The WIT grammar as a Chevrotain `CstParser`.
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
  CstParser,
  EOF,
  isRecognitionException,
  type IOrAlt,
  type IParserErrorMessageProvider,
  type OrMethodOpts,
  type IToken,
  type TokenType,
} from "chevrotain";
import * as T from "./tokens.js";
import { describeToken } from "./tokens.js";
import { parseVersion, SemverError } from "./semver.js";
import { validateId } from "./identifiers.js";
import { FirstTokenLookahead } from "./lookahead.js";

export const MAX_TYPE_DEPTH = 100;
export const MAX_PACKAGE_DEPTH = 100;
/** Syntax errors reported for one file at most. */
export const MAX_ERRORS = 50;

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

type OrAlternatives = IOrAlt<unknown>[] | OrMethodOpts<unknown>;

const isId = (t: TokenType) => t === T.Id || t === T.ExplicitId;

/**
 * +1 for `{`, -1 for `}`. Only braces delimit items: a `;` or `}` ends an
 * item whatever parentheses or angle brackets its error left open.
 */
function braceChange(t: TokenType): number {
  if (t === T.LeftBrace) return 1;
  if (t === T.RightBrace) return -1;
  return 0;
}

/** Tokens that begin an item, where a skipped item may end early (when first on a line). */
const typeItemStarts = [T.Type, T.Record, T.Variant, T.Flags, T.Enum, T.Resource, T.Use, T.At];
const TOP_SYNC: ReadonlySet<TokenType> = new Set([T.Interface, T.World, T.Use, T.Package, T.At]);
const INTERFACE_SYNC: ReadonlySet<TokenType> = new Set(typeItemStarts);
const WORLD_SYNC: ReadonlySet<TokenType> = new Set([...typeItemStarts, T.Import, T.Export, T.Include]);
const RESOURCE_SYNC: ReadonlySet<TokenType> = new Set([T.Constructor, T.At]);

export class WitParser extends CstParser {
  /**
   * The alternatives of each `OR`, built on first use rather than at every
   * call: a rule such as `type` runs for every type in a file, and building
   * its closures each time is most of the garbage parsing makes.
   */
  private readonly alternatives: Record<string, OrAlternatives> = {};
  semanticErrors: SemanticError[] = [];
  typeDepth = 0;
  packageDepth = 0;

  /** `validate` runs Chevrotain's grammar checks (ambiguities, left recursion); tests turn it on. */
  constructor(options: { validate?: boolean } = {}) {
    super(T.allTokens, {
      skipValidations: !options.validate,
      recoveryEnabled: false,
      // wit-parser decides with one token (and peeks further only where a
      // gate below does the same), so its error messages follow from LL(1).
      maxLookahead: 1,
      lookaheadStrategy: new FirstTokenLookahead(),
      nodeLocationTracking: "onlyOffset",
      errorMessageProvider: new WitErrorMessages(),
    });
    this.performSelfAnalysis();
  }

  /** Whether every token of the input has been consumed. */
  atEnd(): boolean {
    return this.LA(1).tokenType === EOF;
  }

  beginFile(text: string): void {
    this.sourceText = text;
    this.semanticErrors = [];
    this.typeDepth = 0;
    this.packageDepth = 0;
  }

  /**
   * Records an error and abandons the whole file: past a nesting limit, or
   * after too many errors, wit-parser would long have stopped, and going on
   * would only repeat the same error.
   */
  private abort(token: IToken, message: string): never {
    this.report(token, message);
    throw new AbandonedParse();
  }

  /** Stops once a file has this many syntax errors; the first one is wit-parser's. */
  private checkErrorBudget(): void {
    if (this.errors.length + this.semanticErrors.length >= MAX_ERRORS) throw new AbandonedParse();
  }

  /**
   * Runs the grammar of one item; a syntax error in it (already recorded)
   * abandons the item: the tokens up to its end are skipped, and parsing
   * goes on after it. `enclosed` says whether a `}` closes the body the item
   * sits in; `sync` lists the tokens that, first on their line and outside
   * any brace, begin the next item.
   */
  private item(enclosed: boolean, sync: ReadonlySet<TokenType>, grammar: () => void): void {
    if (this.RECORDING_PHASE) return grammar();
    const first = this.LA(1);
    const typeDepth = this.typeDepth;
    const packageDepth = this.packageDepth;
    try {
      grammar();
    } catch (e) {
      if (!(e instanceof Error) || !isRecognitionException(e)) throw e;
      this.typeDepth = typeDepth;
      this.packageDepth = packageDepth;
      this.skipItem(this.braceDepth(first), enclosed, sync, this.LA(1) !== first);
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
  private body(close: TokenType, sync: ReadonlySet<TokenType>, items: () => void, closing: () => void): void {
    if (this.RECORDING_PHASE) {
      items();
      closing();
      return;
    }
    for (;;) {
      items();
      const before = this.errors.length;
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

  /** How many `{` are open between `first` and the next token. */
  private braceDepth(first: IToken): number {
    const tokens = this.input;
    const next = this.LA(1);
    let i = tokens.indexOf(first);
    if (i < 0) return 0;
    let depth = 0;
    for (; i < tokens.length && tokens[i] !== next; i++) depth += braceChange(tokens[i].tokenType);
    return Math.max(depth, 0);
  }

  /**
   * Skips the rest of an item whose tokens up to here leave `depth` braces
   * open: up to and including its `;` or the `}` that closes it, or up to the
   * `}` of the enclosing body, the end of the file, or a token in `sync`
   * that begins a line. Without `progressed`, the next token is skipped in
   * any case, so the parser always moves on.
   */
  private skipItem(depth: number, enclosed: boolean, sync: ReadonlySet<TokenType>, progressed: boolean): void {
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
  private beginsLine(t: IToken): boolean {
    const previous = this.LA(0);
    if (previous.tokenType === EOF || Number.isNaN(previous.startOffset)) return true;
    return this.sourceText.slice(previous.startOffset, t.startOffset).includes("\n");
  }

  /**
   * WIT.md's nested namespaces and package paths (`a:b:c`, `a:b/c`, gated by
   * 🪺) are read into the AST but not supported by the resolver yet; saying
   * so at the separator keeps errors in source order.
   */
  private nestedNamespace(separator: IToken): void {
    this.report(separator, "nested namespaces and package paths (🪺) are not supported yet");
  }

  private report(token: IToken, message: string): void {
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
  private atPackageHeader(): boolean {
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
  public witFile = this.RULE("witFile", () => {
    this.OPTION({
      GATE: () => this.atPackageHeader(),
      DEF: () => this.SUBRULE(this.packageHeader),
    });
    this.body(
      EOF,
      TOP_SYNC,
      () => this.MANY(() => this.SUBRULE(this.topItem)),
      () => this.CONSUME(EOF),
    );
  });

  public packageHeader = this.RULE("packageHeader", () => {
    this.CONSUME(T.Package);
    this.SUBRULE(this.packageName);
    this.CONSUME(T.Semicolon);
  });

  // package-name ::= id ':' id ('@' valid-semver)?   (and the 🪺 form ( id ':' )+ id ( '/' id )*)
  public packageName = this.RULE("packageName", () => {
    this.SUBRULE(this.id, { LABEL: "namespace" });
    this.CONSUME(T.Colon);
    this.SUBRULE2(this.id, { LABEL: "name" });
    this.MANY(() => {
      const sep = this.CONSUME2(T.Colon);
      this.ACTION(() => this.nestedNamespace(sep));
      this.SUBRULE3(this.id, { LABEL: "extraName" });
    });
    this.MANY2(() => {
      const sep = this.CONSUME(T.Slash);
      this.ACTION(() => this.nestedNamespace(sep));
      this.SUBRULE4(this.id, { LABEL: "extraPath" });
    });
    this.OPTION(() => {
      this.CONSUME(T.At);
      this.SUBRULE(this.version);
    });
  });

  // package-items ::= toplevel-use-item | interface-item | world-item
  public topItem = this.RULE("topItem", () => {
    this.ACTION(() => this.checkErrorBudget());
    this.item(this.packageDepth > 0, TOP_SYNC, () => this.topItemGrammar());
  });

  private topItemGrammar(): void {
    let attributed = false;
    this.MANY(() => {
      this.SUBRULE(this.attribute);
      attributed = true;
    });
    this.OR({
      DEF: [
        { ALT: () => this.SUBRULE(this.interfaceItem) },
        { ALT: () => this.SUBRULE(this.worldItem) },
        { ALT: () => this.SUBRULE(this.toplevelUse) },
        {
          ALT: () => {
            this.ACTION(() => attributed && this.report(this.LA(1), "cannot place attributes on nested packages"));
            this.SUBRULE(this.nestedPackage);
          },
        },
      ],
      ERR_MSG: "`world`, `interface` or `use`",
    });
  }

  // nested-package-definition ::= package-decl '{' package-items* '}'
  public nestedPackage = this.RULE("nestedPackage", () => {
    const pkg = this.CONSUME(T.Package);
    this.ACTION(() => {
      if (this.packageDepth >= MAX_PACKAGE_DEPTH) this.abort(pkg, "package nesting too deep");
      this.packageDepth++;
    });
    this.SUBRULE(this.packageName);
    this.CONSUME(T.LeftBrace);
    this.body(
      T.RightBrace,
      TOP_SYNC,
      () => this.MANY(() => this.SUBRULE(this.topItem)),
      () => this.CONSUME(T.RightBrace),
    );
    this.ACTION(() => this.packageDepth--);
  });

  // toplevel-use-item ::= 'use' use-path ('as' id)? ';'
  public toplevelUse = this.RULE("toplevelUse", () => {
    this.CONSUME(T.Use);
    this.SUBRULE(this.usePath);
    this.OPTION(() => {
      this.CONSUME(T.As);
      this.SUBRULE(this.id, { LABEL: "as" });
    });
    this.CONSUME(T.Semicolon);
  });

  // use-path ::= id | id ':' id '/' id ('@' valid-semver)?   (and the 🪺 form)
  public usePath = this.RULE("usePath", () => {
    this.SUBRULE(this.id, { LABEL: "first" });
    this.OPTION(() => {
      this.CONSUME(T.Colon);
      this.SUBRULE2(this.id, { LABEL: "package" });
      this.MANY(() => {
        const sep = this.CONSUME2(T.Colon);
        this.ACTION(() => this.nestedNamespace(sep));
        this.SUBRULE3(this.id, { LABEL: "extraName" });
      });
      this.CONSUME(T.Slash);
      this.SUBRULE4(this.id, { LABEL: "name" });
      this.MANY2(() => {
        const sep = this.CONSUME2(T.Slash);
        this.ACTION(() => this.nestedNamespace(sep));
        this.SUBRULE5(this.id, { LABEL: "extraPath" });
      });
      this.OPTION2(() => {
        this.CONSUME(T.At);
        this.SUBRULE(this.version);
      });
    });
  });

  // interface-item ::= 'interface' id '{' interface-items* '}'
  public interfaceItem = this.RULE("interfaceItem", () => {
    this.CONSUME(T.Interface);
    this.SUBRULE(this.id);
    this.SUBRULE(this.interfaceBody);
  });

  public interfaceBody = this.RULE("interfaceBody", () => {
    this.CONSUME(T.LeftBrace);
    this.body(
      T.RightBrace,
      INTERFACE_SYNC,
      () => this.MANY(() => this.SUBRULE(this.interfaceMember)),
      () => this.CONSUME(T.RightBrace),
    );
  });

  // interface-items ::= gate (typedef-item | use-item | func-item)
  public interfaceMember = this.RULE("interfaceMember", () => {
    this.ACTION(() => {
      this.typeDepth = 0;
      this.checkErrorBudget();
    });
    this.item(true, INTERFACE_SYNC, () => {
      this.MANY(() => this.SUBRULE(this.attribute));
      this.OR(
        (this.alternatives["interfaceMember"] ??= {
          DEF: [
            { ALT: () => this.SUBRULE(this.typeAlias) },
            { ALT: () => this.SUBRULE(this.flagsItem) },
            { ALT: () => this.SUBRULE(this.enumItem) },
            { ALT: () => this.SUBRULE(this.variantItem) },
            { ALT: () => this.SUBRULE(this.resourceItem) },
            { ALT: () => this.SUBRULE(this.recordItem) },
            { ALT: () => this.SUBRULE(this.funcItem) },
            { ALT: () => this.SUBRULE(this.useItem) },
          ],
          ERR_MSG: "`type`, `resource` or `func`",
        }),
      );
    });
  });

  // world-item ::= 'world' id '{' world-items* '}'
  public worldItem = this.RULE("worldItem", () => {
    this.CONSUME(T.World);
    this.SUBRULE(this.id);
    this.CONSUME(T.LeftBrace);
    this.body(
      T.RightBrace,
      WORLD_SYNC,
      () => this.MANY(() => this.SUBRULE(this.worldMember)),
      () => this.CONSUME(T.RightBrace),
    );
  });

  // world-items ::= gate (export-item | import-item | use-item | typedef-item | include-item)
  public worldMember = this.RULE("worldMember", () => {
    this.ACTION(() => {
      this.typeDepth = 0;
      this.checkErrorBudget();
    });
    this.item(true, WORLD_SYNC, () => {
      this.MANY(() => this.SUBRULE(this.attribute));
      this.OR(
        (this.alternatives["worldMember"] ??= {
          DEF: [
            { ALT: () => this.SUBRULE(this.importItem) },
            { ALT: () => this.SUBRULE(this.exportItem) },
            { ALT: () => this.SUBRULE(this.useItem) },
            { ALT: () => this.SUBRULE(this.typeAlias) },
            { ALT: () => this.SUBRULE(this.flagsItem) },
            { ALT: () => this.SUBRULE(this.resourceItem) },
            { ALT: () => this.SUBRULE(this.recordItem) },
            { ALT: () => this.SUBRULE(this.variantItem) },
            { ALT: () => this.SUBRULE(this.enumItem) },
            { ALT: () => this.SUBRULE(this.includeItem) },
          ],
          ERR_MSG: "`import`, `export`, `include`, `use`, or type definition",
        }),
      );
    });
  });

  // import-item ::= 'import' id ':' extern-type | 'import' use-path ';'
  public importItem = this.RULE("importItem", () => {
    this.CONSUME(T.Import);
    this.SUBRULE(this.externKind);
  });

  public exportItem = this.RULE("exportItem", () => {
    this.CONSUME(T.Export);
    this.SUBRULE(this.externKind);
  });

  /**
   * extern-type ::= func-type ';' | 'interface' '{' interface-items* '}'
   * After `import id`, wit-parser decides by what follows: `: func`,
   * `: interface`, `: ns/...` (the id was a namespace), `: path` (a labelled
   * import of an existing interface), or `;` (a plain path).
   */
  public externKind = this.RULE("externKind", () => {
    this.SUBRULE(this.id, { LABEL: "first" });
    this.OR(
      (this.alternatives["externKind"] ??= {
        DEF: [
          {
            ALT: () => {
              this.CONSUME(T.Colon);
              this.OR2(
                (this.alternatives["externKindColon"] ??= {
                  DEF: [
                    {
                      GATE: () => this.LA(1).tokenType === T.Func || this.LA(1).tokenType === T.Async,
                      ALT: () => {
                        this.SUBRULE(this.funcType);
                        this.CONSUME(T.Semicolon);
                      },
                    },
                    {
                      ALT: () => {
                        this.CONSUME(T.Interface);
                        this.SUBRULE(this.interfaceBody);
                      },
                    },
                    {
                      GATE: () => isId(this.LA(1).tokenType) && this.LA(2).tokenType === T.Slash,
                      ALT: () => {
                        this.SUBRULE2(this.id, { LABEL: "package" });
                        this.CONSUME(T.Slash);
                        this.SUBRULE3(this.id, { LABEL: "name" });
                        this.MANY(() => {
                          this.CONSUME2(T.Slash);
                          this.SUBRULE4(this.id, { LABEL: "extraPath" });
                        });
                        this.OPTION(() => {
                          this.CONSUME(T.At);
                          this.SUBRULE(this.version);
                        });
                        this.CONSUME2(T.Semicolon);
                      },
                    },
                    {
                      ALT: () => {
                        this.SUBRULE(this.usePath, { LABEL: "labelledPath" });
                        this.CONSUME3(T.Semicolon);
                      },
                    },
                  ],
                  IGNORE_AMBIGUITIES: true,
                  ERR_MSG: "an identifier or string",
                }),
              );
            },
          },
          { ALT: () => this.CONSUME4(T.Semicolon) },
        ],
        ERR_MSG: `${ONE_CHAR}';'`,
      }),
    );
  });

  /**
   * A comma list ending at `close`, after an opening token the caller has
   * consumed: `close` at once, or items separated by commas with an optional
   * trailing comma. As in wit-parser, an item is expected wherever `close`
   * is absent, so the error names what the item needed. `item` receives an
   * occurrence index (1 or 2) for its Chevrotain DSL calls.
   */
  private commaList(name: string, close: TokenType, itemDescription: string, item: (occurrence: number) => void) {
    return this.RULE(name, () => {
      this.OR(
        (this.alternatives[name] ??= {
          DEF: [
            { ALT: () => this.consume(8, close) },
            {
              ALT: () => {
                item(1);
                this.MANY({
                  GATE: () => this.LA(2).tokenType !== close,
                  DEF: () => {
                    this.consume(8, T.Comma);
                    item(2);
                  },
                });
                this.option(8, () => this.consume(9, T.Comma));
                this.consume(9, close);
              },
            },
          ],
          ERR_MSG: itemDescription,
        }),
      );
    });
  }

  // include-item ::= 'include' use-path ';' | 'include' use-path 'with' '{' include-names-list '}'
  public includeItem = this.RULE("includeItem", () => {
    this.CONSUME(T.Include);
    this.SUBRULE(this.usePath);
    this.OR(
      (this.alternatives["includeItem"] ??= {
        DEF: [
          {
            ALT: () => {
              this.CONSUME(T.With);
              this.CONSUME(T.LeftBrace);
              this.SUBRULE(this.includeNames);
            },
          },
          { ALT: () => this.CONSUME(T.Semicolon) },
        ],
        ERR_MSG: `${ONE_CHAR}';'`,
      }),
    );
  });

  // include-names-list ::= include-names-item | include-names-list ',' include-names-item
  public includeNames = this.commaList("includeNames", T.RightBrace, "an identifier or string", (i) => {
    this.subrule(i, this.id, { LABEL: "name" });
    this.consume(i, T.As);
    this.subrule(i + 2, this.id, { LABEL: "as" });
  });

  // use-item ::= 'use' use-path '.' '{' use-names-list '}' ';'
  public useItem = this.RULE("useItem", () => {
    this.CONSUME(T.Use);
    this.SUBRULE(this.usePath);
    this.CONSUME(T.Period);
    this.CONSUME(T.LeftBrace);
    this.SUBRULE(this.useNames);
    this.CONSUME(T.Semicolon);
  });

  public useNames = this.commaList("useNames", T.RightBrace, "an identifier or string", (i) => {
    this.subrule(i, this.id, { LABEL: "name" });
    this.option(i, () => {
      this.consume(i, T.As);
      this.subrule(i + 2, this.id, { LABEL: "as" });
    });
  });

  // func-item ::= id ':' func-type ';'
  public funcItem = this.RULE("funcItem", () => {
    this.SUBRULE(this.id);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.funcType);
    this.CONSUME(T.Semicolon);
  });

  // func-type ::= 'async'? 'func' param-list result-list
  public funcType = this.RULE("funcType", () => {
    this.OPTION(() => this.CONSUME(T.Async));
    this.CONSUME(T.Func);
    this.CONSUME(T.LeftParen);
    this.SUBRULE(this.params);
    this.OPTION2(() => {
      this.CONSUME(T.RArrow);
      this.SUBRULE(this.type);
    });
  });

  // named-type-list ::= ϵ | named-type ( ',' named-type )*
  public params = this.commaList("params", T.RightParen, "an identifier or string", (i) => {
    this.subrule(i, this.id);
    this.consume(i, T.Colon);
    this.subrule(i, this.type);
  });

  // type-item ::= 'type' id '=' ty ';'
  public typeAlias = this.RULE("typeAlias", () => {
    this.CONSUME(T.Type);
    this.SUBRULE(this.id);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.type);
    this.CONSUME(T.Semicolon);
  });

  // record-item ::= 'record' id '{' record-fields '}'
  public recordItem = this.RULE("recordItem", () => {
    this.CONSUME(T.Record);
    this.SUBRULE(this.id);
    this.CONSUME(T.LeftBrace);
    this.SUBRULE(this.recordFields);
  });

  // record-fields ::= record-field | record-field ',' record-fields?
  public recordFields = this.commaList("recordFields", T.RightBrace, "an identifier or string", (i) => {
    this.subrule(i, this.id);
    this.consume(i, T.Colon);
    this.subrule(i, this.type);
  });

  // flags-items ::= 'flags' id '{' flags-fields '}'
  public flagsItem = this.RULE("flagsItem", () => {
    this.CONSUME(T.Flags);
    this.SUBRULE(this.id);
    this.CONSUME(T.LeftBrace);
    this.SUBRULE(this.nameList);
  });

  // enum-items ::= 'enum' id '{' enum-cases '}'
  public enumItem = this.RULE("enumItem", () => {
    this.CONSUME(T.Enum);
    this.SUBRULE(this.id);
    this.CONSUME(T.LeftBrace);
    this.SUBRULE(this.nameList);
  });

  /** flags-fields / enum-cases: `id (',' id)* ','? '}'` */
  public nameList = this.commaList("nameList", T.RightBrace, "an identifier or string", (i) => {
    this.subrule(i, this.id);
  });

  // variant-items ::= 'variant' id '{' variant-cases '}'
  public variantItem = this.RULE("variantItem", () => {
    this.CONSUME(T.Variant);
    this.SUBRULE(this.id);
    this.CONSUME(T.LeftBrace);
    this.SUBRULE(this.variantCases);
  });

  // variant-case ::= id | id '(' ty ')'
  public variantCases = this.commaList("variantCases", T.RightBrace, "an identifier or string", (i) => {
    this.subrule(i, this.id);
    this.option(i, () => {
      this.consume(i, T.LeftParen);
      this.subrule(i, this.type);
      this.consume(i, T.RightParen);
    });
  });

  // resource-item ::= 'resource' id ';' | 'resource' id '{' resource-method* '}'
  public resourceItem = this.RULE("resourceItem", () => {
    this.CONSUME(T.Resource);
    this.SUBRULE(this.id);
    this.OR(
      (this.alternatives["resourceItem"] ??= {
        DEF: [
          {
            ALT: () => {
              this.CONSUME(T.LeftBrace);
              this.body(
                T.RightBrace,
                RESOURCE_SYNC,
                () => this.MANY(() => this.SUBRULE(this.resourceMember)),
                () => this.CONSUME(T.RightBrace),
              );
            },
          },
          { ALT: () => this.CONSUME(T.Semicolon) },
        ],
        ERR_MSG: `${ONE_CHAR}';'`,
      }),
    );
  });

  // resource-method ::= func-item | id ':' 'static' func-type ';' | 'constructor' param-list result-list? ';'
  public resourceMember = this.RULE("resourceMember", () => {
    this.ACTION(() => this.checkErrorBudget());
    this.item(true, RESOURCE_SYNC, () => {
      this.MANY(() => this.SUBRULE(this.attribute));
      this.OR(
        (this.alternatives["resourceMember"] ??= {
          DEF: [
            {
              ALT: () => {
                this.CONSUME(T.Constructor);
                this.CONSUME(T.LeftParen);
                this.SUBRULE(this.params);
                this.OPTION(() => {
                  this.CONSUME(T.RArrow);
                  this.SUBRULE(this.type);
                });
                this.CONSUME(T.Semicolon);
              },
            },
            {
              ALT: () => {
                this.SUBRULE(this.id);
                this.CONSUME(T.Colon);
                this.OPTION2(() => this.CONSUME(T.Static));
                this.SUBRULE(this.funcType);
                this.CONSUME2(T.Semicolon);
              },
            },
          ],
          ERR_MSG: "`constructor` or identifier",
        }),
      );
    });
  });

  // ty ::= primitive | tuple | list | option | result | handle | future | stream | map | id
  public type = this.RULE("type", () => {
    const outer = this.typeDepth;
    // `ACTION`s without their closures: this runs for every type.
    if (!this.RECORDING_PHASE) {
      this.typeDepth = outer + 1;
      if (this.typeDepth > MAX_TYPE_DEPTH) this.abort(this.LA(1), "type nesting too deep");
    }
    this.OR(
      (this.alternatives["type"] ??= {
        DEF: [
          { ALT: () => this.CONSUME(T.U8) },
          { ALT: () => this.CONSUME(T.U16) },
          { ALT: () => this.CONSUME(T.U32) },
          { ALT: () => this.CONSUME(T.U64) },
          { ALT: () => this.CONSUME(T.S8) },
          { ALT: () => this.CONSUME(T.S16) },
          { ALT: () => this.CONSUME(T.S32) },
          { ALT: () => this.CONSUME(T.S64) },
          { ALT: () => this.CONSUME(T.F32) },
          { ALT: () => this.CONSUME(T.F64) },
          { ALT: () => this.CONSUME(T.Char) },
          { ALT: () => this.CONSUME(T.Bool) },
          { ALT: () => this.CONSUME(T.StringKw) },
          { ALT: () => this.CONSUME(T.ErrorContext) },
          { ALT: () => this.SUBRULE(this.tupleType) },
          { ALT: () => this.SUBRULE(this.listType) },
          { ALT: () => this.SUBRULE(this.mapType) },
          { ALT: () => this.SUBRULE(this.optionType) },
          { ALT: () => this.SUBRULE(this.resultType) },
          { ALT: () => this.SUBRULE(this.futureType) },
          { ALT: () => this.SUBRULE(this.streamType) },
          { ALT: () => this.SUBRULE(this.handleType) },
          { ALT: () => this.SUBRULE(this.id) },
        ],
        ERR_MSG: "a type",
      }),
    );
    if (!this.RECORDING_PHASE) this.typeDepth = outer;
  });

  // tuple ::= 'tuple' '<' tuple-list '>'
  public tupleType = this.RULE("tupleType", () => {
    this.CONSUME(T.Tuple);
    this.CONSUME(T.LessThan);
    this.SUBRULE(this.typeList);
  });

  public typeList = this.commaList("typeList", T.GreaterThan, "a type", (i) => {
    this.subrule(i, this.type);
  });

  // list ::= 'list' '<' ty '>' | 'list' '<' ty ',' uint '>'
  public listType = this.RULE("listType", () => {
    this.CONSUME(T.List);
    this.CONSUME(T.LessThan);
    this.SUBRULE(this.type);
    this.OPTION(() => {
      this.CONSUME(T.Comma);
      const size = this.CONSUME(T.Integer);
      this.ACTION(() => {
        if (!size.isInsertedInRecovery && BigInt(size.image) > 0xffffffffn) {
          this.report(size, "invalid list size: number too large to fit in target type");
        }
      });
    });
    this.CONSUME(T.GreaterThan);
  });

  // map ::= 'map' '<' ty ',' ty '>'
  public mapType = this.RULE("mapType", () => {
    this.CONSUME(T.MapKw);
    this.CONSUME(T.LessThan);
    this.SUBRULE(this.type, { LABEL: "key" });
    this.CONSUME(T.Comma);
    this.SUBRULE2(this.type, { LABEL: "value" });
    this.CONSUME(T.GreaterThan);
  });

  // option ::= 'option' '<' ty '>'
  public optionType = this.RULE("optionType", () => {
    this.CONSUME(T.OptionKw);
    this.CONSUME(T.LessThan);
    this.SUBRULE(this.type);
    this.CONSUME(T.GreaterThan);
  });

  // result ::= 'result' '<' ty ',' ty '>' | 'result' '<' '_' ',' ty '>' | 'result' '<' ty '>' | 'result'
  public resultType = this.RULE("resultType", () => {
    this.CONSUME(T.ResultKw);
    this.OPTION(() => {
      this.CONSUME(T.LessThan);
      this.OR(
        (this.alternatives["resultType"] ??= {
          DEF: [
            {
              ALT: () => {
                this.CONSUME(T.Underscore);
                this.CONSUME(T.Comma);
                this.SUBRULE(this.type, { LABEL: "err" });
              },
            },
            {
              ALT: () => {
                this.SUBRULE2(this.type, { LABEL: "ok" });
                this.OPTION2(() => {
                  this.CONSUME2(T.Comma);
                  this.SUBRULE3(this.type, { LABEL: "err" });
                });
              },
            },
          ],
          ERR_MSG: "a type",
        }),
      );
      this.CONSUME(T.GreaterThan);
    });
  });

  // future ::= 'future' '<' ty '>' | 'future'
  public futureType = this.RULE("futureType", () => {
    this.CONSUME(T.Future);
    this.OPTION(() => {
      this.CONSUME(T.LessThan);
      this.SUBRULE(this.type);
      this.CONSUME(T.GreaterThan);
    });
  });

  // stream ::= 'stream' '<' ty '>' | 'stream'
  public streamType = this.RULE("streamType", () => {
    this.CONSUME(T.Stream);
    this.OPTION(() => {
      this.CONSUME(T.LessThan);
      this.SUBRULE(this.type);
      this.CONSUME(T.GreaterThan);
    });
  });

  // handle ::= id | 'borrow' '<' id '>'   (and `own<id>`)
  public handleType = this.RULE("handleType", () => {
    this.OR(
      (this.alternatives["handleType"] ??= [{ ALT: () => this.CONSUME(T.Own) }, { ALT: () => this.CONSUME(T.Borrow) }]),
    );
    this.CONSUME(T.LessThan);
    this.SUBRULE(this.id);
    this.CONSUME(T.GreaterThan);
  });

  /**
   * gate-item ::= since-gate | unstable-gate | deprecated-gate
   * (plus `@external-id("...")`, which wit-parser also reads).
   */
  public attribute = this.RULE("attribute", () => {
    this.CONSUME(T.At);
    const kindToken = this.LA(1);
    this.SUBRULE(this.id, { LABEL: "kind" });
    const kind = kindToken.image;
    const known = ["since", "unstable", "deprecated", "external-id"].includes(kind);
    if (!this.RECORDING_PHASE && isId(kindToken.tokenType) && !known) {
      this.report(kindToken, `unknown attribute \`${kind.replace(/^%/, "")}\``);
    }
    this.CONSUME(T.LeftParen);
    const external = kind === "external-id";
    // Every item of a versioned package has an attribute, so the alternatives
    // are built once for each of the three forms (`external-id`, `unstable`,
    // the rest) that the closures below tell apart.
    const form = external ? "attributeExternal" : kind === "unstable" ? "attributeUnstable" : "attribute";
    this.OR(
      (this.alternatives[form] ??= {
        DEF: [
          { GATE: () => external, ALT: () => this.CONSUME(T.StringLiteral) },
          {
            GATE: () => !external,
            ALT: () => {
              const key = this.LA(1);
              this.SUBRULE2(this.id, { LABEL: "key" });
              if (!this.RECORDING_PHASE) this.checkKey(key, kind === "unstable" ? "feature" : "version");
              this.CONSUME(T.Equals);
              this.OR2(
                (this.alternatives[`${form}Value`] ??= {
                  DEF: [
                    {
                      GATE: () => kind !== "unstable",
                      ALT: () => this.SUBRULE(this.version),
                    },
                    {
                      GATE: () => kind === "unstable",
                      ALT: () => this.SUBRULE3(this.id, { LABEL: "feature" }),
                    },
                  ],
                  ERR_MSG: kind === "unstable" ? "an identifier or string" : `${ONE_CHAR}an integer`,
                }),
              );
            },
          },
        ],
        ERR_MSG: external ? `${ONE_CHAR}a string literal` : "an identifier or string",
      }),
    );
    this.CONSUME(T.RightParen);
  });

  private checkKey(t: IToken, expected: string): void {
    const name = t.image.replace(/^%/, "");
    if (isId(t.tokenType) && name !== expected) this.report(t, `expected \`${expected}\`, found \`${name}\``);
  }

  /**
   * valid-semver, read as wit-parser reads it: three integers, then any run of
   * identifiers, integers, `-` and `.` after a `-` and after a `+`; the text
   * is then checked by the semver rules.
   */
  public version = this.RULE("version", () => {
    const errorsBefore = this.errors.length;
    const first = this.CONSUME(T.Integer);
    this.CONSUME(T.Period);
    this.CONSUME2(T.Integer);
    this.CONSUME2(T.Period);
    const patch = this.CONSUME3(T.Integer);
    if (!this.RECORDING_PHASE) this.versionEnd = patch;
    this.OPTION(
      (this.versionParts.prerelease ??= () => {
        this.CONSUME(T.Minus);
        this.MANY(
          (this.versionParts.prereleaseParts ??= { GATE: this.morePart, DEF: () => this.SUBRULE(this.versionPart) }),
        );
      }),
    );
    this.OPTION2(
      (this.versionParts.build ??= () => {
        this.CONSUME(T.Plus);
        this.MANY2(
          (this.versionParts.buildParts ??= { GATE: this.morePart, DEF: () => this.SUBRULE2(this.versionPart) }),
        );
      }),
    );
    if (!this.RECORDING_PHASE) {
      const last = this.versionEnd!;
      // A version the grammar already refused gets no second opinion.
      if (this.errors.length > errorsBefore || first.isInsertedInRecovery || last.isInsertedInRecovery) return;
      const text = this.sourceText.slice(first.startOffset, last.startOffset + last.image.length);
      try {
        parseVersion(text);
      } catch (e) {
        if (!(e instanceof SemverError)) throw e;
        this.semanticErrors.push({
          offset: first.startOffset,
          end: last.startOffset + last.image.length,
          message: e.message,
        });
      }
    }
  });

  /** The closures and options of `version`, built once. */
  private readonly versionParts: {
    prerelease?: () => void;
    build?: () => void;
    prereleaseParts?: { GATE: () => boolean; DEF: () => void };
    buildParts?: { GATE: () => boolean; DEF: () => void };
  } = {};

  /** Whether another part of a prerelease or build suffix follows. */
  private readonly morePart = (): boolean => {
    const t = this.LA(1).tokenType;
    if (t === T.Id || t === T.Integer || t === T.Minus) return true;
    const u = this.LA(2).tokenType;
    return t === T.Period && (u === T.Id || u === T.Integer || u === T.Minus);
  };

  /** The last token of the version being read (wit-parser's span ends there). */
  private versionEnd: IToken | undefined;

  public versionPart = this.RULE("versionPart", () => {
    this.OPTION(() => this.CONSUME(T.Period));
    this.OR(
      (this.alternatives["versionPart"] ??= [
        { ALT: () => this.CONSUME(T.Id) },
        { ALT: () => this.CONSUME(T.Integer) },
        { ALT: () => this.CONSUME(T.Minus) },
      ]),
    );
    if (!this.RECORDING_PHASE) this.versionEnd = this.LA(0);
  });

  /** The text being parsed, for reading back spans such as versions. */
  sourceText = "";

  // id ::= '%'? [a-z][a-z0-9]* ('-' [a-z][a-z0-9]*)*   (spelling checked by `validateId`)
  public id = this.RULE("id", () => {
    const t = this.LA(1);
    this.OR(
      (this.alternatives["id"] ??= {
        DEF: [{ ALT: () => this.CONSUME(T.Id) }, { ALT: () => this.CONSUME(T.ExplicitId) }],
        ERR_MSG: "an identifier or string",
      }),
    );
    // `ACTION` without its closure: this runs for every identifier.
    if (this.RECORDING_PHASE || !isId(t.tokenType)) return;
    const text = t.tokenType === T.ExplicitId ? t.image.slice(1) : t.image;
    const problem = validateId(text);
    if (problem && !t.isInsertedInRecovery) {
      this.semanticErrors.push({
        offset: t.startOffset,
        end: t.startOffset + 1,
        message: problem,
      });
    }
  });
}
