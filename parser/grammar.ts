/**
 * The WIT grammar as a Chevrotain parser with embedded actions: each rule
 * returns its piece of the AST (ast.ts), so no concrete syntax tree is
 * built. Spans are offsets in the source map (the file's base added).
 *
 * Rules follow the productions of WIT.md. Every decision is made on the
 * next token, as wit-parser makes it (see `lookahead.ts`), with gates where
 * wit-parser peeks further. Inside a `{ ... }` body or a comma list the parser
 * commits to an item as soon as the closing token is absent, so a syntax
 * error names what the item needed, as wit-parser's does ("expected `type`,
 * `resource` or `func`, found ..."); parser-base.ts words every message as
 * wit-parser does and holds the recovery: a syntax error abandons the item
 * it is in, so one mistake gives one error, and errors in later, independent
 * items are still reported. A file with any problem has no AST.
 *
 * Checks that wit-parser makes while parsing (identifier spelling, attribute
 * keys, semver strings, nesting limits) run as parser actions and are
 * collected in `semanticErrors`.
 *
 * Chevrotain runs every rule once at construction to record the grammar
 * (`RECORDING_PHASE`), with placeholder tokens and sub-rule results: a rule
 * builds its AST only outside that phase.
 */
import { EOF, type IToken, type TokenType } from "chevrotain";
import type * as A from "./ast.js";
import * as T from "./tokens.js";
import { parseVersion, SemverError, type Version } from "./semver.js";
import { validateId } from "./identifiers.js";
import {
  exact,
  INTERFACE_SYNC,
  isId,
  MAX_PACKAGE_DEPTH,
  MAX_TYPE_DEPTH,
  NO_DOCS,
  ONE_CHAR,
  RESOURCE_SYNC,
  TOP_SYNC,
  WitParserBase,
  WORLD_SYNC,
  type WitParserOptions,
} from "./parser-base.js";

export { AbandonedParse, MAX_ERRORS, MAX_PACKAGE_DEPTH, MAX_TYPE_DEPTH, ONE_CHAR, WHOLE_TOKEN } from "./parser-base.js";
export type { SemanticError, WitParserOptions } from "./parser-base.js";

/** The name of each primitive type by its keyword's `tokenTypeIdx`. */
const primitiveNames: (A.PrimitiveName | undefined)[] = [];
for (const [token, name] of [
  [T.U8, "u8"],
  [T.U16, "u16"],
  [T.U32, "u32"],
  [T.U64, "u64"],
  [T.S8, "s8"],
  [T.S16, "s16"],
  [T.S32, "s32"],
  [T.S64, "s64"],
  [T.F32, "f32"],
  [T.F64, "f64"],
  [T.Char, "char"],
  [T.Bool, "bool"],
  [T.StringKw, "string"],
  [T.ErrorContext, "error-context"],
] as const) {
  primitiveNames[token.tokenTypeIdx!] = name;
}

/** The occurrence indices of the `OR` and `CONSUME`s of `ident`, above those the rules use. */
const IDENT_OCCURRENCE = 200;

/** What a rule returns while Chevrotain records the grammar: never looked at. */
const RECORDED = undefined as never;

/** What `ident` returns while Chevrotain records the grammar, for rules that read it then. */
const RECORDED_IDENT: A.Ident = Object.freeze({ name: "", start: 0, end: 0 });

const noDocs = (): A.Docs => NO_DOCS;

/** The attributes of an item without any, shared (and frozen, as `NO_DOCS` is). */
const NO_ATTRIBUTES = Object.freeze([]) as unknown as A.Attribute[];

const KNOWN_ATTRIBUTES = new Set(["since", "unstable", "deprecated", "external-id"]);

/** A member of an interface, before its docs, attributes and extent are added. */
type InterfaceMemberParts =
  | { tag: "typedef"; name: A.Ident; type: A.AstType }
  | { tag: "func"; name: A.Ident; func: A.Func }
  | { tag: "use"; from: A.UsePath; names: A.Use["names"] };

/** A member of a world, likewise. */
type WorldMemberParts =
  | InterfaceMemberParts
  | { tag: "import" | "export"; extern: A.ExternKind }
  | { tag: "include"; from: A.UsePath; names: A.Include["names"] };

/** A top-level item, likewise. */
type TopItemParts =
  | { tag: "interface"; name: A.Ident; items: A.InterfaceItem[] }
  | { tag: "world"; name: A.Ident; items: A.WorldItem[] }
  | { tag: "use"; span: A.Span; item: A.UsePath; as: A.Ident | undefined }
  | { tag: "package"; packageId: A.PackageName; items: A.AstItem[] };

type VersionAst = { span: A.Span; version: Version };

export class WitParser extends WitParserBase {
  constructor(options: WitParserOptions = {}) {
    super(options);
    this.performSelfAnalysis();
  }

  /** A primitive type from its keyword token. */
  private primitive(t: IToken, name: A.PrimitiveName): A.AstType {
    return { kind: "primitive", name, span: this.span(t) };
  }

  // wit-file ::= package-decl? (package-items | nested-package-definition)*
  public witFile = this.RULE("witFile", (): A.PackageFile => {
    const header = this.OPTION({
      GATE: () => this.atPackageHeader(),
      DEF: () => this.SUBRULE(this.packageHeader),
    });
    const items: A.AstItem[] = [];
    this.body(
      EOF,
      TOP_SYNC,
      () => this.MANY(() => items.push(this.SUBRULE(this.topItem))),
      () => this.CONSUME(EOF),
    );
    if (this.noAst) return RECORDED;
    return { packageId: header, items: exact(items), span: header?.span ?? { start: this.base, end: this.base } };
  });

  public packageHeader = this.RULE("packageHeader", (): A.PackageName => {
    const first = this.CONSUME(T.Package);
    const name = this.SUBRULE(this.packageName);
    this.CONSUME(T.Semicolon);
    if (this.noAst) return RECORDED;
    name.docs = this.docs(first);
    return name;
  });

  // package-name ::= id ':' id ('@' valid-semver)?   (and the 🪺 form ( id ':' )+ id ( '/' id )*)
  /** The name with empty docs: the caller knows whose comments they are. */
  public packageName = this.RULE("packageName", (): A.PackageName => {
    const namespace = this.ident(0);
    this.CONSUME(T.Colon);
    const name = this.ident(2);
    const extraNames: A.Ident[] = [];
    const extraPath: A.Ident[] = [];
    this.MANY(() => {
      const sep = this.CONSUME2(T.Colon);
      this.ACTION(() => this.nestedNamespace(sep));
      extraNames.push(this.ident(3));
    });
    this.MANY2(() => {
      const sep = this.CONSUME(T.Slash);
      this.ACTION(() => this.nestedNamespace(sep));
      extraPath.push(this.ident(4));
    });
    const version = this.OPTION(() => {
      this.CONSUME(T.At);
      return this.SUBRULE(this.version);
    });
    if (this.noAst) return RECORDED;
    return {
      docs: noDocs(),
      namespace,
      name,
      extraNames,
      extraPath,
      version,
      span: { start: namespace.start, end: version ? version.span.end : name.end },
    };
  });

  // package-items ::= toplevel-use-item | interface-item | world-item
  public topItem = this.RULE("topItem", (): A.AstItem => {
    if (!this.RECORDING_PHASE) this.checkErrorBudget();
    return this.item(this.packageDepth > 0, TOP_SYNC, () => this.topItemGrammar())!;
  });

  private topItemGrammar(): A.AstItem {
    const first = this.LA(1);
    const attributes = this.attributes();
    const attributed = attributes.length > 0;
    const parts = this.OR<TopItemParts>({
      DEF: [
        { ALT: () => this.SUBRULE(this.interfaceItem) },
        { ALT: () => this.SUBRULE(this.worldItem) },
        { ALT: () => this.SUBRULE(this.toplevelUse) },
        {
          ALT: () => {
            this.ACTION(() => attributed && this.report(this.LA(1), "cannot place attributes on nested packages"));
            return this.SUBRULE(this.nestedPackage);
          },
        },
      ],
      ERR_MSG: "`world`, `interface` or `use`",
    });
    if (this.noAst) return RECORDED;
    const docs = this.docs(first);
    switch (parts.tag) {
      case "interface":
        return {
          kind: "interface",
          value: { span: this.extent(first), docs, attributes, name: parts.name, items: parts.items },
        };
      case "world":
        return {
          kind: "world",
          value: { span: this.extent(first), docs, attributes, name: parts.name, items: parts.items },
        };
      case "use":
        return { kind: "use", value: { span: parts.span, attributes, item: parts.item, as: parts.as } };
      case "package":
        parts.packageId.docs = docs;
        return {
          kind: "package",
          value: { packageId: parts.packageId, items: parts.items, span: parts.packageId.span },
        };
    }
  }

  // nested-package-definition ::= package-decl '{' package-items* '}'
  public nestedPackage = this.RULE("nestedPackage", (): TopItemParts => {
    const pkg = this.CONSUME(T.Package);
    this.ACTION(() => {
      if (this.packageDepth >= MAX_PACKAGE_DEPTH) this.abort(pkg, "package nesting too deep");
      this.packageDepth++;
    });
    const packageId = this.SUBRULE(this.packageName);
    this.CONSUME(T.LeftBrace);
    const items: A.AstItem[] = [];
    this.body(
      T.RightBrace,
      TOP_SYNC,
      () => this.MANY(() => items.push(this.SUBRULE(this.topItem))),
      () => this.CONSUME(T.RightBrace),
    );
    this.ACTION(() => this.packageDepth--);
    return { tag: "package", packageId, items: exact(items) };
  });

  // toplevel-use-item ::= 'use' use-path ('as' id)? ';'
  public toplevelUse = this.RULE("toplevelUse", (): TopItemParts => {
    const use = this.CONSUME(T.Use);
    const item = this.SUBRULE(this.usePath);
    const as = this.OPTION(() => {
      this.CONSUME(T.As);
      return this.ident(0);
    });
    this.CONSUME(T.Semicolon);
    return { tag: "use", span: this.span(use), item, as };
  });

  // use-path ::= id | id ':' id '/' id ('@' valid-semver)?   (and the 🪺 form)
  public usePath = this.RULE("usePath", (): A.UsePath => {
    const first = this.ident(0);
    const path = this.OPTION(() => {
      this.CONSUME(T.Colon);
      const pkg = this.ident(2);
      const extraNames: A.Ident[] = [];
      const extraPath: A.Ident[] = [];
      this.MANY(() => {
        const sep = this.CONSUME2(T.Colon);
        this.ACTION(() => this.nestedNamespace(sep));
        extraNames.push(this.ident(3));
      });
      this.CONSUME(T.Slash);
      const name = this.ident(4);
      this.MANY2(() => {
        const sep = this.CONSUME2(T.Slash);
        this.ACTION(() => this.nestedNamespace(sep));
        extraPath.push(this.ident(5));
      });
      const version = this.OPTION2(() => {
        this.CONSUME(T.At);
        return this.SUBRULE(this.version);
      });
      if (this.noAst) return RECORDED;
      return packagePath(first, pkg, extraNames, extraPath, version, name);
    });
    if (this.noAst) return RECORDED;
    return path ?? { kind: "id", id: first };
  });

  // interface-item ::= 'interface' id '{' interface-items* '}'
  public interfaceItem = this.RULE("interfaceItem", (): TopItemParts => {
    this.CONSUME(T.Interface);
    const name = this.ident(0);
    const skipped = this.deferring && this.packageDepth === 0 ? this.skipInterfaceBody() : undefined;
    const items = skipped ?? this.SUBRULE(this.interfaceBody);
    return { tag: "interface", name, items };
  });

  public interfaceBody = this.RULE("interfaceBody", (): A.InterfaceItem[] => {
    this.CONSUME(T.LeftBrace);
    const items: A.InterfaceItem[] = [];
    this.body(
      T.RightBrace,
      INTERFACE_SYNC,
      () => this.MANY(() => items.push(this.SUBRULE(this.interfaceMember))),
      () => this.CONSUME(T.RightBrace),
    );
    return exact(items);
  });

  /** Attributes before an item, as many as there are; most items have none, and share one empty array. */
  private attributes(): A.Attribute[] {
    if (!this.RECORDING_PHASE && this.LA(1).tokenType !== T.At) return NO_ATTRIBUTES;
    const attributes: A.Attribute[] = [];
    this.MANY(() => attributes.push(this.SUBRULE(this.attribute)));
    return exact(attributes);
  }

  /** An interface member, or a type definition or `use` in a world, from its parts. */
  private interfaceItemOf(parts: InterfaceMemberParts, first: IToken, attributes: A.Attribute[]): A.InterfaceItem {
    const span = this.extent(first);
    switch (parts.tag) {
      case "func":
        return {
          kind: "func",
          value: { span, docs: this.docs(first), attributes, name: parts.name, func: parts.func },
        };
      case "use":
        return { kind: "use", value: { span, attributes, from: parts.from, names: parts.names } };
      case "typedef":
        return {
          kind: "typedef",
          value: { span, docs: this.docs(first), attributes, name: parts.name, type: parts.type },
        };
    }
  }

  /** The grammar of each kind of member, for `item`: one closure each, rather than one for every member. */
  private readonly memberGrammars: {
    interface?: () => A.InterfaceItem;
    world?: () => A.WorldItem;
    resource?: () => A.ResourceFunc;
  } = {};

  // interface-items ::= gate (typedef-item | use-item | func-item)
  public interfaceMember = this.RULE("interfaceMember", (): A.InterfaceItem => {
    if (!this.RECORDING_PHASE) {
      this.typeDepth = 0;
      this.checkErrorBudget();
    }
    return this.item(
      true,
      INTERFACE_SYNC,
      (this.memberGrammars.interface ??= () => {
        const first = this.LA(1);
        const attributes = this.attributes();
        const parts = this.OR(
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
        ) as InterfaceMemberParts;
        if (this.noAst) return RECORDED;
        return this.interfaceItemOf(parts, first, attributes);
      }),
    )!;
  });

  // world-item ::= 'world' id '{' world-items* '}'
  public worldItem = this.RULE("worldItem", (): TopItemParts => {
    this.CONSUME(T.World);
    const name = this.ident(0);
    this.CONSUME(T.LeftBrace);
    const items: A.WorldItem[] = [];
    this.body(
      T.RightBrace,
      WORLD_SYNC,
      () => this.MANY(() => items.push(this.SUBRULE(this.worldMember))),
      () => this.CONSUME(T.RightBrace),
    );
    return { tag: "world", name, items: exact(items) };
  });

  // world-items ::= gate (export-item | import-item | use-item | typedef-item | include-item)
  public worldMember = this.RULE("worldMember", (): A.WorldItem => {
    if (!this.RECORDING_PHASE) {
      this.typeDepth = 0;
      this.checkErrorBudget();
    }
    return this.item(
      true,
      WORLD_SYNC,
      (this.memberGrammars.world ??= () => {
        const first = this.LA(1);
        const attributes = this.attributes();
        const parts = this.OR(
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
        ) as WorldMemberParts;
        if (this.noAst) return RECORDED;
        switch (parts.tag) {
          case "import":
          case "export":
            return {
              kind: parts.tag,
              span: this.extent(first),
              docs: this.docs(first),
              attributes,
              extern: parts.extern,
            };
          case "include":
            return {
              kind: "include",
              value: { span: this.extent(first), attributes, from: parts.from, names: parts.names },
            };
          default:
            return this.interfaceItemOf(parts, first, attributes) as A.WorldItem;
        }
      }),
    )!;
  });

  // import-item ::= 'import' id ':' extern-type | 'import' use-path ';'
  public importItem = this.RULE("importItem", (): WorldMemberParts => {
    this.CONSUME(T.Import);
    return { tag: "import", extern: this.SUBRULE(this.externKind) };
  });

  public exportItem = this.RULE("exportItem", (): WorldMemberParts => {
    this.CONSUME(T.Export);
    return { tag: "export", extern: this.SUBRULE(this.externKind) };
  });

  /**
   * extern-type ::= func-type ';' | 'interface' '{' interface-items* '}'
   * After `import id`, wit-parser decides by what follows: `: func`,
   * `: interface`, `: ns/...` (the id was a namespace), `: path` (a labelled
   * import of an existing interface), or `;` (a plain path).
   */
  public externKind = this.RULE("externKind", (): A.ExternKind => {
    const first = this.ident(0);
    this.externFirst = first;
    const kind = this.OR(
      (this.alternatives["externKind"] ??= {
        DEF: [
          {
            ALT: () => {
              this.CONSUME(T.Colon);
              return this.OR2(
                (this.alternatives["externKindColon"] ??= {
                  DEF: [
                    {
                      GATE: () => this.LA(1).tokenType === T.Func || this.LA(1).tokenType === T.Async,
                      ALT: (): A.ExternKind => {
                        const func = this.SUBRULE(this.funcType);
                        this.CONSUME(T.Semicolon);
                        return { kind: "func", name: this.externFirst!, func };
                      },
                    },
                    {
                      ALT: (): A.ExternKind => {
                        this.CONSUME(T.Interface);
                        return { kind: "interface", name: this.externFirst!, items: this.SUBRULE(this.interfaceBody) };
                      },
                    },
                    {
                      GATE: () => isId(this.LA(1).tokenType) && this.LA(2).tokenType === T.Slash,
                      ALT: (): A.ExternKind => {
                        const namespace = this.externFirst!;
                        const pkg = this.ident(2);
                        this.CONSUME(T.Slash);
                        const name = this.ident(3);
                        const extraPath: A.Ident[] = [];
                        this.MANY(() => {
                          this.CONSUME2(T.Slash);
                          extraPath.push(this.ident(4));
                        });
                        const version = this.OPTION(() => {
                          this.CONSUME(T.At);
                          return this.SUBRULE(this.version);
                        });
                        this.CONSUME2(T.Semicolon);
                        if (this.noAst) return RECORDED;
                        return { kind: "path", path: packagePath(namespace, pkg, [], extraPath, version, name) };
                      },
                    },
                    {
                      ALT: (): A.ExternKind => {
                        const name = this.externFirst!;
                        const path = this.SUBRULE(this.usePath, { LABEL: "labelledPath" });
                        this.CONSUME3(T.Semicolon);
                        return { kind: "named-path", name, path };
                      },
                    },
                  ],
                  IGNORE_AMBIGUITIES: true,
                  ERR_MSG: "an identifier or string",
                }),
              );
            },
          },
          {
            ALT: (): A.ExternKind => (
              this.CONSUME4(T.Semicolon),
              { kind: "path", path: { kind: "id", id: this.externFirst! } }
            ),
          },
        ],
        ERR_MSG: `${ONE_CHAR}';'`,
      }),
    ) as A.ExternKind;
    return kind;
  });

  /**
   * The first identifier of the `externKind` being read, for its cached
   * alternatives (which cannot close over it); read before any nested rule
   * can start another.
   */
  private externFirst: A.Ident | undefined;

  /**
   * A comma list ending at `close`, after an opening token the caller has
   * consumed: `close` at once, or items separated by commas with an optional
   * trailing comma. As in wit-parser, an item is expected wherever `close`
   * is absent, so the error names what the item needed. `item` receives an
   * occurrence index (1 or 2) for its Chevrotain DSL calls, and returns the
   * item's AST; the rule returns them in order.
   */
  private commaList<R>(name: string, close: TokenType, itemDescription: string, item: (occurrence: number) => R) {
    // The items of the list being read, for closures made once rather than
    // for every list; a list nested in an item restores its outer list's.
    let current: R[] = [];
    const more = {
      GATE: () => this.LA(2).tokenType !== close,
      DEF: () => {
        const items = current;
        this.consume(8, T.Comma);
        items.push(item(2));
      },
    };
    const trailingComma = () => this.consume(9, T.Comma);
    return this.RULE(name, (): R[] => {
      return this.OR(
        (this.alternatives[name] ??= {
          DEF: [
            { ALT: (): R[] => (this.consume(8, close), []) },
            {
              ALT: (): R[] => {
                const items = [item(1)];
                const outer = current;
                current = items;
                this.MANY(more);
                current = outer;
                this.option(8, trailingComma);
                this.consume(9, close);
                return items.length > 1 ? items.slice() : items;
              },
            },
          ],
          ERR_MSG: itemDescription,
        }),
      ) as R[];
    });
  }

  // include-item ::= 'include' use-path ';' | 'include' use-path 'with' '{' include-names-list '}'
  public includeItem = this.RULE("includeItem", (): WorldMemberParts => {
    this.CONSUME(T.Include);
    const from = this.SUBRULE(this.usePath);
    const names = this.OR(
      (this.alternatives["includeItem"] ??= {
        DEF: [
          {
            ALT: () => {
              this.CONSUME(T.With);
              this.CONSUME(T.LeftBrace);
              return this.SUBRULE(this.includeNames);
            },
          },
          { ALT: () => (this.CONSUME(T.Semicolon), []) },
        ],
        ERR_MSG: `${ONE_CHAR}';'`,
      }),
    ) as A.Include["names"];
    return { tag: "include", from, names };
  });

  // include-names-list ::= include-names-item | include-names-list ',' include-names-item
  public includeNames = this.commaList("includeNames", T.RightBrace, "an identifier or string", (i) => {
    const name = this.ident(i);
    this.consume(i, T.As);
    const as = this.ident(i + 2);
    if (this.noAst) return RECORDED;
    return { span: join(name, as), name, as };
  });

  // use-item ::= 'use' use-path '.' '{' use-names-list '}' ';'
  public useItem = this.RULE("useItem", (): InterfaceMemberParts => {
    this.CONSUME(T.Use);
    const from = this.SUBRULE(this.usePath);
    this.CONSUME(T.Period);
    this.CONSUME(T.LeftBrace);
    const names = this.SUBRULE(this.useNames);
    this.CONSUME(T.Semicolon);
    return { tag: "use", from, names };
  });

  public useNames = this.commaList("useNames", T.RightBrace, "an identifier or string", (i) => {
    const name = this.ident(i);
    const as = this.option(i, () => {
      this.consume(i, T.As);
      return this.ident(i + 2);
    });
    if (this.noAst) return RECORDED;
    return { span: as ? join(name, as) : name, name, as };
  });

  // func-item ::= id ':' func-type ';'
  public funcItem = this.RULE("funcItem", (): InterfaceMemberParts => {
    const name = this.ident(0);
    this.CONSUME(T.Colon);
    const func = this.SUBRULE(this.funcType);
    this.CONSUME(T.Semicolon);
    return { tag: "func", name, func };
  });

  // func-type ::= 'async'? 'func' param-list result-list
  public funcType = this.RULE("funcType", (): A.Func => {
    const async = this.OPTION((this.funcParts.async ??= () => this.CONSUME(T.Async)));
    const func = this.CONSUME(T.Func);
    this.CONSUME(T.LeftParen);
    const params = this.SUBRULE(this.params);
    const result = this.OPTION2(
      (this.funcParts.result ??= () => {
        this.CONSUME(T.RArrow);
        return this.SUBRULE(this.type);
      }),
    );
    return { span: this.span(func), async: async !== undefined, params, result };
  });

  /** The closures of `funcType`, made once. */
  private readonly funcParts: { async?: () => IToken; result?: () => A.AstType } = {};

  // named-type-list ::= ϵ | named-type ( ',' named-type )*
  public params = this.commaList("params", T.RightParen, "an identifier or string", (i) => {
    const first = this.LA(1);
    const name = this.ident(i);
    this.consume(i, T.Colon);
    const type = this.subrule(i, this.type);
    if (this.noAst) return RECORDED;
    return { span: this.extent(first), name, type };
  });

  // type-item ::= 'type' id '=' ty ';'
  public typeAlias = this.RULE("typeAlias", (): InterfaceMemberParts => {
    this.CONSUME(T.Type);
    const name = this.ident(0);
    this.CONSUME(T.Equals);
    const type = this.SUBRULE(this.type);
    this.CONSUME(T.Semicolon);
    return { tag: "typedef", name, type };
  });

  // record-item ::= 'record' id '{' record-fields '}'
  public recordItem = this.RULE("recordItem", (): InterfaceMemberParts => {
    this.CONSUME(T.Record);
    const name = this.ident(0);
    this.CONSUME(T.LeftBrace);
    const fields = this.SUBRULE(this.recordFields);
    if (this.noAst) return RECORDED;
    return { tag: "typedef", name, type: { kind: "record", fields, span: name } };
  });

  // record-fields ::= record-field | record-field ',' record-fields?
  public recordFields = this.commaList("recordFields", T.RightBrace, "an identifier or string", (i) => {
    const first = this.LA(1);
    const name = this.ident(i);
    this.consume(i, T.Colon);
    const type = this.subrule(i, this.type);
    if (this.noAst) return RECORDED;
    return { span: this.extent(first), docs: this.docs(first), name, type };
  });

  // flags-items ::= 'flags' id '{' flags-fields '}'
  public flagsItem = this.RULE("flagsItem", (): InterfaceMemberParts => {
    this.CONSUME(T.Flags);
    const name = this.ident(0);
    this.CONSUME(T.LeftBrace);
    const flags = this.SUBRULE(this.nameList);
    if (this.noAst) return RECORDED;
    return { tag: "typedef", name, type: { kind: "flags", flags, span: name } };
  });

  // enum-items ::= 'enum' id '{' enum-cases '}'
  public enumItem = this.RULE("enumItem", (): InterfaceMemberParts => {
    this.CONSUME(T.Enum);
    const name = this.ident(0);
    this.CONSUME(T.LeftBrace);
    const cases = this.SUBRULE(this.nameList);
    if (this.noAst) return RECORDED;
    return { tag: "typedef", name, type: { kind: "enum", cases, span: name } };
  });

  /** flags-fields / enum-cases: `id (',' id)* ','? '}'` */
  public nameList = this.commaList("nameList", T.RightBrace, "an identifier or string", (i) => {
    const first = this.LA(1);
    const name = this.ident(i);
    if (this.noAst) return RECORDED;
    return { span: name, docs: this.docs(first), name };
  });

  // variant-items ::= 'variant' id '{' variant-cases '}'
  public variantItem = this.RULE("variantItem", (): InterfaceMemberParts => {
    this.CONSUME(T.Variant);
    const name = this.ident(0);
    this.CONSUME(T.LeftBrace);
    const cases = this.SUBRULE(this.variantCases);
    if (this.noAst) return RECORDED;
    return { tag: "typedef", name, type: { kind: "variant", cases, span: name } };
  });

  // variant-case ::= id | id '(' ty ')'
  public variantCases = this.commaList("variantCases", T.RightBrace, "an identifier or string", (i) => {
    const first = this.LA(1);
    const name = this.ident(i);
    const type = this.option(i, () => {
      this.consume(i, T.LeftParen);
      const type = this.subrule(i, this.type);
      this.consume(i, T.RightParen);
      return type;
    });
    if (this.noAst) return RECORDED;
    return { span: type ? this.extent(first) : name, docs: this.docs(first), name, type };
  });

  // resource-item ::= 'resource' id ';' | 'resource' id '{' resource-method* '}'
  public resourceItem = this.RULE("resourceItem", (): InterfaceMemberParts => {
    this.CONSUME(T.Resource);
    const name = this.ident(0);
    const funcs = this.OR(
      (this.alternatives["resourceItem"] ??= {
        DEF: [
          {
            ALT: () => {
              this.CONSUME(T.LeftBrace);
              const funcs: A.ResourceFunc[] = [];
              this.body(
                T.RightBrace,
                RESOURCE_SYNC,
                () => this.MANY(() => funcs.push(this.SUBRULE(this.resourceMember))),
                () => this.CONSUME(T.RightBrace),
              );
              return exact(funcs);
            },
          },
          { ALT: () => (this.CONSUME(T.Semicolon), []) },
        ],
        ERR_MSG: `${ONE_CHAR}';'`,
      }),
    ) as A.ResourceFunc[];
    if (this.noAst) return RECORDED;
    return { tag: "typedef", name, type: { kind: "resource", funcs, span: name } };
  });

  // resource-method ::= func-item | id ':' 'static' func-type ';' | 'constructor' param-list result-list? ';'
  public resourceMember = this.RULE("resourceMember", (): A.ResourceFunc => {
    if (!this.RECORDING_PHASE) this.checkErrorBudget();
    return this.item(
      true,
      RESOURCE_SYNC,
      (this.memberGrammars.resource ??= () => {
        const first = this.LA(1);
        const attributes = this.attributes();
        this.resourceMemberStart = first;
        this.resourceMemberAttributes = attributes;
        return this.OR(
          (this.alternatives["resourceMember"] ??= {
            DEF: [
              {
                ALT: (): A.ResourceFunc => {
                  const first = this.resourceMemberStart!;
                  const attributes = this.resourceMemberAttributes!;
                  const ctor = this.CONSUME(T.Constructor);
                  this.CONSUME(T.LeftParen);
                  const params = this.SUBRULE(this.params);
                  const result = this.OPTION(() => {
                    this.CONSUME(T.RArrow);
                    return this.SUBRULE(this.type);
                  });
                  this.CONSUME(T.Semicolon);
                  if (this.noAst) return RECORDED;
                  const span = this.span(ctor);
                  const whole = this.extent(first);
                  return {
                    span: whole,
                    kind: "constructor",
                    func: {
                      span: whole,
                      docs: this.docs(first),
                      attributes,
                      name: { name: "constructor", start: span.start, end: span.end },
                      func: { span, async: false, params, result },
                    },
                  };
                },
              },
              {
                ALT: (): A.ResourceFunc => {
                  const first = this.resourceMemberStart!;
                  const attributes = this.resourceMemberAttributes!;
                  const name = this.ident(0);
                  this.CONSUME(T.Colon);
                  const isStatic = this.OPTION2(() => this.CONSUME(T.Static));
                  const func = this.SUBRULE(this.funcType);
                  this.CONSUME2(T.Semicolon);
                  if (this.noAst) return RECORDED;
                  const whole = this.extent(first);
                  return {
                    span: whole,
                    kind: isStatic ? "static" : "method",
                    func: { span: whole, docs: this.docs(first), attributes, name, func },
                  };
                },
              },
            ],
            ERR_MSG: "`constructor` or identifier",
          }),
        ) as A.ResourceFunc;
      }),
    )!;
  });

  /**
   * The first token and the attributes of the resource member being read,
   * for its cached alternatives; read before any nested rule runs (members
   * do not nest).
   */
  private resourceMemberStart: IToken | undefined;
  private resourceMemberAttributes: A.Attribute[] | undefined;

  // ty ::= primitive | tuple | list | option | result | handle | future | stream | map | id
  public type = this.RULE("type", (): A.AstType => {
    const outer = this.typeDepth;
    // `ACTION`s without their closures: this runs for every type.
    if (!this.RECORDING_PHASE) {
      this.typeDepth = outer + 1;
      const next = this.LA(1);
      if (this.typeDepth > MAX_TYPE_DEPTH) this.abort(next, "type nesting too deep");
      // Most types are a primitive or a name: the alternatives the `OR` below
      // would choose for their first token, taken without it.
      const primitive = primitiveNames[next.tokenTypeIdx];
      if (primitive !== undefined) {
        this.currIdx++;
        this.typeDepth = outer;
        return this.primitive(next, primitive);
      }
      if (next.tokenType === T.Id || next.tokenType === T.ExplicitId) {
        const id = this.ident(0);
        this.typeDepth = outer;
        return { kind: "name", id, span: id };
      }
    }
    const type = this.OR(
      (this.alternatives["type"] ??= {
        DEF: [
          { ALT: () => this.primitive(this.CONSUME(T.U8), "u8") },
          { ALT: () => this.primitive(this.CONSUME(T.U16), "u16") },
          { ALT: () => this.primitive(this.CONSUME(T.U32), "u32") },
          { ALT: () => this.primitive(this.CONSUME(T.U64), "u64") },
          { ALT: () => this.primitive(this.CONSUME(T.S8), "s8") },
          { ALT: () => this.primitive(this.CONSUME(T.S16), "s16") },
          { ALT: () => this.primitive(this.CONSUME(T.S32), "s32") },
          { ALT: () => this.primitive(this.CONSUME(T.S64), "s64") },
          { ALT: () => this.primitive(this.CONSUME(T.F32), "f32") },
          { ALT: () => this.primitive(this.CONSUME(T.F64), "f64") },
          { ALT: () => this.primitive(this.CONSUME(T.Char), "char") },
          { ALT: () => this.primitive(this.CONSUME(T.Bool), "bool") },
          { ALT: () => this.primitive(this.CONSUME(T.StringKw), "string") },
          { ALT: () => this.primitive(this.CONSUME(T.ErrorContext), "error-context") },
          { ALT: () => this.SUBRULE(this.tupleType) },
          { ALT: () => this.SUBRULE(this.listType) },
          { ALT: () => this.SUBRULE(this.mapType) },
          { ALT: () => this.SUBRULE(this.optionType) },
          { ALT: () => this.SUBRULE(this.resultType) },
          { ALT: () => this.SUBRULE(this.futureType) },
          { ALT: () => this.SUBRULE(this.streamType) },
          { ALT: () => this.SUBRULE(this.handleType) },
          {
            ALT: (): A.AstType => {
              const id = this.ident(0);
              return { kind: "name", id, span: id };
            },
          },
        ],
        ERR_MSG: "a type",
      }),
    ) as A.AstType;
    if (!this.RECORDING_PHASE) this.typeDepth = outer;
    return type;
  });

  // tuple ::= 'tuple' '<' tuple-list '>'
  public tupleType = this.RULE("tupleType", (): A.AstType => {
    const tuple = this.CONSUME(T.Tuple);
    this.CONSUME(T.LessThan);
    const types = this.SUBRULE(this.typeList);
    return { kind: "tuple", types, span: this.span(tuple) };
  });

  public typeList = this.commaList("typeList", T.GreaterThan, "a type", (i) => this.subrule(i, this.type));

  // list ::= 'list' '<' ty '>' | 'list' '<' ty ',' uint '>'
  public listType = this.RULE("listType", (): A.AstType => {
    const list = this.CONSUME(T.List);
    this.CONSUME(T.LessThan);
    const element = this.SUBRULE(this.type);
    const size = this.OPTION(() => {
      this.CONSUME(T.Comma);
      const size = this.CONSUME(T.Integer);
      this.ACTION(() => {
        if (!size.isInsertedInRecovery && BigInt(size.image) > 0xffffffffn) {
          this.report(size, "invalid list size: number too large to fit in target type");
        }
      });
      return size;
    });
    this.CONSUME(T.GreaterThan);
    const span = this.span(list);
    return size
      ? { kind: "fixed-length-list", element, size: Number(size.image), span }
      : { kind: "list", element, span };
  });

  // map ::= 'map' '<' ty ',' ty '>'
  public mapType = this.RULE("mapType", (): A.AstType => {
    const map = this.CONSUME(T.MapKw);
    this.CONSUME(T.LessThan);
    const key = this.SUBRULE(this.type, { LABEL: "key" });
    this.CONSUME(T.Comma);
    const value = this.SUBRULE2(this.type, { LABEL: "value" });
    this.CONSUME(T.GreaterThan);
    return { kind: "map", key, value, span: this.span(map) };
  });

  // option ::= 'option' '<' ty '>'
  public optionType = this.RULE("optionType", (): A.AstType => {
    const option = this.CONSUME(T.OptionKw);
    this.CONSUME(T.LessThan);
    const type = this.SUBRULE(this.type);
    this.CONSUME(T.GreaterThan);
    return { kind: "option", type, span: this.span(option) };
  });

  // result ::= 'result' '<' ty ',' ty '>' | 'result' '<' '_' ',' ty '>' | 'result' '<' ty '>' | 'result'
  public resultType = this.RULE("resultType", (): A.AstType => {
    const result = this.CONSUME(T.ResultKw);
    const types = this.OPTION(() => {
      this.CONSUME(T.LessThan);
      const types = this.OR(
        (this.alternatives["resultType"] ??= {
          DEF: [
            {
              ALT: () => {
                this.CONSUME(T.Underscore);
                this.CONSUME(T.Comma);
                return { ok: undefined, err: this.SUBRULE(this.type, { LABEL: "err" }) };
              },
            },
            {
              ALT: () => {
                const ok = this.SUBRULE2(this.type, { LABEL: "ok" });
                const err = this.OPTION2(() => {
                  this.CONSUME2(T.Comma);
                  return this.SUBRULE3(this.type, { LABEL: "err" });
                });
                return { ok, err };
              },
            },
          ],
          ERR_MSG: "a type",
        }),
      ) as { ok: A.AstType | undefined; err: A.AstType | undefined };
      this.CONSUME(T.GreaterThan);
      return types;
    });
    return { kind: "result", ok: types?.ok, err: types?.err, span: this.span(result) };
  });

  // future ::= 'future' '<' ty '>' | 'future'
  public futureType = this.RULE("futureType", (): A.AstType => {
    const future = this.CONSUME(T.Future);
    const type = this.OPTION(() => {
      this.CONSUME(T.LessThan);
      const type = this.SUBRULE(this.type);
      this.CONSUME(T.GreaterThan);
      return type;
    });
    return { kind: "future", type, span: this.span(future) };
  });

  // stream ::= 'stream' '<' ty '>' | 'stream'
  public streamType = this.RULE("streamType", (): A.AstType => {
    const stream = this.CONSUME(T.Stream);
    const type = this.OPTION(() => {
      this.CONSUME(T.LessThan);
      const type = this.SUBRULE(this.type);
      this.CONSUME(T.GreaterThan);
      return type;
    });
    return { kind: "stream", type, span: this.span(stream) };
  });

  // handle ::= id | 'borrow' '<' id '>'   (and `own<id>`)
  public handleType = this.RULE("handleType", (): A.AstType => {
    const handle = this.OR(
      (this.alternatives["handleType"] ??= [{ ALT: () => this.CONSUME(T.Own) }, { ALT: () => this.CONSUME(T.Borrow) }]),
    ) as IToken;
    this.CONSUME(T.LessThan);
    const resource = this.ident(0);
    this.CONSUME(T.GreaterThan);
    if (this.noAst) return RECORDED;
    return {
      kind: "handle",
      handle: handle.tokenType === T.Own ? "own" : "borrow",
      resource,
      span: { start: resource.start, end: resource.end },
    };
  });

  /**
   * gate-item ::= since-gate | unstable-gate | deprecated-gate
   * (plus `@external-id("...")`, which wit-parser also reads).
   */
  public attribute = this.RULE("attribute", (): A.Attribute => {
    this.CONSUME(T.At);
    const kindToken = this.LA(1);
    const kindId = this.ident(0);
    const kind = kindToken.image;
    const known = KNOWN_ATTRIBUTES.has(kind);
    if (!this.RECORDING_PHASE && isId(kindToken.tokenType) && !known) {
      this.report(kindToken, `unknown attribute \`${kind.replace(/^%/, "")}\``);
    }
    this.CONSUME(T.LeftParen);
    const external = kind === "external-id";
    // Every item of a versioned package has an attribute, so the alternatives
    // are built once for each of the three forms (`external-id`, `unstable`,
    // the rest) that the closures below tell apart.
    const form = external ? "attributeExternal" : kind === "unstable" ? "attributeUnstable" : "attribute";
    // A constant key: one made by concatenation would be hashed at every lookup.
    const valueForm = external
      ? "attributeExternalValue"
      : kind === "unstable"
        ? "attributeUnstableValue"
        : "attributeValue";
    const value = this.OR(
      (this.alternatives[form] ??= {
        DEF: [
          { GATE: () => external, ALT: () => this.CONSUME(T.StringLiteral) },
          {
            GATE: () => !external,
            ALT: () => {
              const key = this.LA(1);
              this.ident(2);
              if (!this.RECORDING_PHASE) this.checkKey(key, kind === "unstable" ? "feature" : "version");
              this.CONSUME(T.Equals);
              return this.OR2(
                (this.alternatives[valueForm] ??= {
                  DEF: [
                    {
                      GATE: () => kind !== "unstable",
                      ALT: () => this.SUBRULE(this.version),
                    },
                    {
                      GATE: () => kind === "unstable",
                      ALT: () => this.ident(3),
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
    if (this.noAst) return RECORDED;
    // Only the four known kinds, spelled without `%`, get here without an error.
    const span = kindId;
    switch (kind) {
      case "since":
        return { kind: "since", span, version: (value as VersionAst).version };
      case "deprecated":
        return { kind: "deprecated", span, version: (value as VersionAst).version };
      case "unstable":
        return { kind: "unstable", span, feature: value as A.Ident };
      default:
        return { kind: "external-id", span, id: decodeStringLiteral((value as IToken).image) };
    }
  });

  private checkKey(t: IToken, expected: string): void {
    const name = t.image.charCodeAt(0) === 0x25 ? t.image.slice(1) : t.image;
    if (isId(t.tokenType) && name !== expected) this.report(t, `expected \`${expected}\`, found \`${name}\``);
  }

  /**
   * valid-semver, read as wit-parser reads it: three integers, then any run of
   * identifiers, integers, `-` and `.` after a `-` and after a `+`; the text
   * is then checked by the semver rules. Its span ends at its last
   * identifier, number or `-`, not at a bare `-`/`+` prefix.
   */
  public version = this.RULE("version", (): VersionAst => {
    const errorsBefore = this.errorCount;
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
    if (this.RECORDING_PHASE) return RECORDED;
    const last = this.versionEnd!;
    // A version the grammar already refused gets no second opinion.
    if (this.errorCount > errorsBefore || first.isInsertedInRecovery || last.isInsertedInRecovery) return RECORDED;
    const end = last.startOffset + last.image.length;
    try {
      const text = this.sourceText.slice(first.startOffset, end);
      let version = this.versions.get(text);
      if (!version) this.versions.set(text, (version = parseVersion(text)));
      return { span: { start: (this.base + first.startOffset) | 0, end: (this.base + end) | 0 }, version };
    } catch (e) {
      if (!(e instanceof SemverError)) throw e;
      this.semanticErrors.push({ offset: first.startOffset, end, message: e.message });
      return RECORDED;
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

  /**
   * id ::= '%'? [a-z][a-z0-9]* ('-' [a-z][a-z0-9]*)*   (spelling checked by `validateId`)
   *
   * Not a rule: this runs for every identifier, and a rule invocation and
   * its `OR` cost more than the rest. The `OR` (an `Id` or an `ExplicitId`)
   * is run only to record the grammar and to report a missing identifier,
   * in the words it always had. `occurrence` tells the calls of one rule
   * apart, as a `SUBRULE` index would.
   */
  protected ident(occurrence: number): A.Ident {
    const t = this.LA(1);
    if (this.RECORDING_PHASE || (t.tokenType !== T.Id && t.tokenType !== T.ExplicitId)) {
      const idx = IDENT_OCCURRENCE + occurrence;
      this.or(
        idx,
        (this.alternatives[`id${occurrence}`] ??= {
          DEF: [{ ALT: () => this.consume(idx, T.Id) }, { ALT: () => this.consume(idx, T.ExplicitId) }],
          ERR_MSG: "an identifier or string",
        }),
      );
      // Only while recording: without an identifier, the `OR` has thrown.
      return RECORDED_IDENT;
    }
    this.currIdx++;
    const name = t.tokenType === T.ExplicitId ? t.image.slice(1) : t.image;
    const problem = validateId(name);
    if (problem && !t.isInsertedInRecovery) {
      this.semanticErrors.push({
        offset: t.startOffset,
        end: t.startOffset + 1,
        message: problem,
      });
    }
    const start = (this.base + t.startOffset) | 0;
    return { name, start, end: (start + t.image.length) | 0 };
  }
}

/** `namespace:package/name@version` as a use path. */
function packagePath(
  namespace: A.Ident,
  pkg: A.Ident,
  extraNames: A.Ident[],
  extraPath: A.Ident[],
  version: VersionAst | undefined,
  name: A.Ident,
): A.UsePath {
  return {
    kind: "package",
    package: {
      docs: noDocs(),
      span: { start: namespace.start, end: pkg.end },
      namespace,
      name: pkg,
      extraNames,
      extraPath,
      version,
    },
    name,
  };
}

function join(a: A.Span, b: A.Span): A.Span {
  return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}
/** The value of a string literal already checked by the lexer. */
export function decodeStringLiteral(image: string): string {
  const bytes: number[] = [];
  const body = image.slice(1, -1);
  const enc = new TextEncoder();
  for (let i = 0; i < body.length;) {
    const ch = body[i];
    if (ch !== "\\") {
      const cp = body.codePointAt(i)!;
      const s = String.fromCodePoint(cp);
      bytes.push(...enc.encode(s));
      i += s.length;
      continue;
    }
    const e = body[i + 1];
    const simple: Record<string, number> = { '"': 0x22, "'": 0x27, t: 9, n: 10, r: 13, "\\": 0x5c };
    if (e in simple) {
      bytes.push(simple[e]);
      i += 2;
    } else if (e === "u") {
      const close = body.indexOf("}", i);
      const cp = parseInt(body.slice(i + 3, close).replace(/_/g, ""), 16);
      bytes.push(...enc.encode(String.fromCodePoint(cp)));
      i = close + 1;
    } else {
      bytes.push(parseInt(body.slice(i + 1, i + 3), 16));
      i += 3;
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}
