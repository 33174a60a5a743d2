/**
 * Token vocabulary of WIT.
 *
 * The token set and the way identifiers are lexed follow wit-parser: an
 * identifier token is any run of Unicode XID characters and `-` starting with
 * an XID start character or `_`; whether it is a *valid* WIT identifier is
 * checked later (see `validateId`), so that a bad identifier is reported as
 * such rather than as an unexpected character. Keywords are ordinary tokens
 * whose `longer_alt` is the identifier token, so `interfaces` lexes as an
 * identifier and `interface` as the keyword.
 */
import { createToken, Lexer, type TokenType } from "chevrotain";

const identifierRun = /[\p{XID_Start}_][\p{XID_Continue}-]*/uy;

function matchIdentifier(text: string, offset: number): RegExpExecArray | null {
  identifierRun.lastIndex = offset;
  return identifierRun.exec(text);
}

/**
 * Characters an identifier may start with, as a hint for Chevrotain's
 * first-character optimisation. Chevrotain buckets code points above 255, so
 * one representative per 128 code points is enough to make every non-ASCII
 * character a candidate; the matcher itself decides.
 */
function identifierStartHints(): string[] {
  const hints: string[] = ["_"];
  for (let c = 0x41; c <= 0x5a; c++) hints.push(String.fromCharCode(c));
  for (let c = 0x61; c <= 0x7a; c++) hints.push(String.fromCharCode(c));
  for (let c = 0x80; c <= 0xff; c++) hints.push(String.fromCharCode(c));
  for (let c = 0x100; c <= 0xffff; c += 128) hints.push(String.fromCharCode(c));
  return hints;
}

export const Whitespace = createToken({
  name: "Whitespace",
  pattern: /(?:[ \t\n]|\r\n)+/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});

/** `//` up to and including the end of the line. */
export const LineComment = createToken({
  name: "LineComment",
  pattern: /\/\/[^\n]*\n?/,
  group: "comments",
  line_breaks: true,
});

/**
 * `/* ... *\/` with nesting. An unterminated comment runs to the end of the
 * input; the lexer wrapper reports it.
 */
export const BlockComment = createToken({
  name: "BlockComment",
  pattern: {
    exec(text: string, offset: number) {
      if (text.charCodeAt(offset) !== 0x2f || text.charCodeAt(offset + 1) !== 0x2a) return null;
      let depth = 1;
      let i = offset + 2;
      while (depth > 0 && i < text.length) {
        const c = text.charCodeAt(i);
        if (c === 0x2f && text.charCodeAt(i + 1) === 0x2a) {
          depth++;
          i += 2;
        } else if (c === 0x2a && text.charCodeAt(i + 1) === 0x2f) {
          depth--;
          i += 2;
        } else {
          i++;
        }
      }
      const m = [text.slice(offset, i)] as unknown as RegExpExecArray;
      return m;
    },
  },
  start_chars_hint: ["/"],
  group: "comments",
  line_breaks: true,
});

/** A string literal; only `@external-id("...")` uses one. */
export const StringLiteral = createToken({
  name: "StringLiteral",
  pattern: {
    exec(text: string, offset: number) {
      if (text.charCodeAt(offset) !== 0x22) return null;
      let i = offset + 1;
      while (i < text.length) {
        const c = text.charCodeAt(i);
        if (c === 0x5c) i += 2;
        else if (c === 0x22) return [text.slice(offset, i + 1)] as unknown as RegExpExecArray;
        else i++;
      }
      return [text.slice(offset, Math.min(i, text.length))] as unknown as RegExpExecArray;
    },
  },
  start_chars_hint: ['"'],
  line_breaks: true,
});

export const Id = createToken({
  name: "Id",
  pattern: { exec: matchIdentifier },
  start_chars_hint: identifierStartHints(),
  line_breaks: false,
});

/** `%` followed by an optional identifier run (an empty one is diagnosed later). */
export const ExplicitId = createToken({
  name: "ExplicitId",
  pattern: {
    exec(text: string, offset: number) {
      if (text.charCodeAt(offset) !== 0x25) return null;
      const rest = matchIdentifier(text, offset + 1);
      return [rest ? "%" + rest[0] : "%"] as unknown as RegExpExecArray;
    },
  },
  start_chars_hint: ["%"],
  line_breaks: false,
});

export const Integer = createToken({ name: "Integer", pattern: /[0-9]+/ });

export const RArrow = createToken({ name: "RArrow", pattern: "->" });
export const Equals = createToken({ name: "Equals", pattern: "=" });
export const Comma = createToken({ name: "Comma", pattern: "," });
export const Colon = createToken({ name: "Colon", pattern: ":" });
export const Period = createToken({ name: "Period", pattern: "." });
export const Semicolon = createToken({ name: "Semicolon", pattern: ";" });
export const LeftParen = createToken({ name: "LeftParen", pattern: "(" });
export const RightParen = createToken({ name: "RightParen", pattern: ")" });
export const LeftBrace = createToken({ name: "LeftBrace", pattern: "{" });
export const RightBrace = createToken({ name: "RightBrace", pattern: "}" });
export const LessThan = createToken({ name: "LessThan", pattern: "<" });
export const GreaterThan = createToken({ name: "GreaterThan", pattern: ">" });
export const Star = createToken({ name: "Star", pattern: "*" });
export const At = createToken({ name: "At", pattern: "@" });
export const Slash = createToken({ name: "Slash", pattern: "/" });
export const Plus = createToken({ name: "Plus", pattern: "+" });
export const Minus = createToken({ name: "Minus", pattern: "-" });

function keyword(word: string, name: string): TokenType {
  return createToken({ name, pattern: word, longer_alt: Id, label: `keyword \`${word}\`` });
}

export const Use = keyword("use", "Use");
export const Type = keyword("type", "Type");
export const Func = keyword("func", "Func");
export const U8 = keyword("u8", "U8");
export const U16 = keyword("u16", "U16");
export const U32 = keyword("u32", "U32");
export const U64 = keyword("u64", "U64");
export const S8 = keyword("s8", "S8");
export const S16 = keyword("s16", "S16");
export const S32 = keyword("s32", "S32");
export const S64 = keyword("s64", "S64");
export const F32 = keyword("f32", "F32");
export const F64 = keyword("f64", "F64");
export const Char = keyword("char", "Char");
export const Record = keyword("record", "Record");
export const Resource = keyword("resource", "Resource");
export const Own = keyword("own", "Own");
export const Borrow = keyword("borrow", "Borrow");
export const Flags = keyword("flags", "Flags");
export const Variant = keyword("variant", "Variant");
export const Enum = keyword("enum", "Enum");
export const Bool = keyword("bool", "Bool");
export const StringKw = keyword("string", "String");
export const OptionKw = keyword("option", "Option");
export const ResultKw = keyword("result", "Result");
export const Future = keyword("future", "Future");
export const Stream = keyword("stream", "Stream");
export const ErrorContext = keyword("error-context", "ErrorContext");
export const List = keyword("list", "List");
export const MapKw = keyword("map", "Map");
export const Underscore = keyword("_", "Underscore");
export const As = keyword("as", "As");
export const From = keyword("from", "From");
export const Static = keyword("static", "Static");
export const Interface = keyword("interface", "Interface");
export const Tuple = keyword("tuple", "Tuple");
export const Import = keyword("import", "Import");
export const Export = keyword("export", "Export");
export const World = keyword("world", "World");
export const Package = keyword("package", "Package");
export const Constructor = keyword("constructor", "Constructor");
export const Async = keyword("async", "Async");
export const Include = keyword("include", "Include");
export const With = keyword("with", "With");

export const keywordTokens: TokenType[] = [
  Use,
  Type,
  Func,
  U8,
  U16,
  U32,
  U64,
  S8,
  S16,
  S32,
  S64,
  F32,
  F64,
  Char,
  Record,
  Resource,
  Own,
  Borrow,
  Flags,
  Variant,
  Enum,
  Bool,
  StringKw,
  OptionKw,
  ResultKw,
  Future,
  Stream,
  ErrorContext,
  List,
  MapKw,
  Underscore,
  As,
  From,
  Static,
  Interface,
  Tuple,
  Import,
  Export,
  World,
  Package,
  Constructor,
  Async,
  Include,
  With,
];

/**
 * Keywords in the order the lexer tries them: longest first, so that a
 * keyword that is a prefix of another (`as`, `async`) does not hide it.
 */
const keywordsByLength = [...keywordTokens].sort((a, b) => (b.PATTERN as string).length - (a.PATTERN as string).length);

/** Every token type, in the order the lexer tries them. */
export const allTokens: TokenType[] = [
  Whitespace,
  LineComment,
  BlockComment,
  StringLiteral,
  RArrow,
  Equals,
  Comma,
  Colon,
  Period,
  Semicolon,
  LeftParen,
  RightParen,
  LeftBrace,
  RightBrace,
  LessThan,
  GreaterThan,
  Star,
  At,
  Slash,
  Plus,
  Minus,
  ExplicitId,
  Integer,
  ...keywordsByLength,
  Id,
];

const punctuationDescriptions = new Map<TokenType, string>([
  [Equals, "'='"],
  [Comma, "','"],
  [Colon, "':'"],
  [Period, "'.'"],
  [Semicolon, "';'"],
  [LeftParen, "'('"],
  [RightParen, "')'"],
  [LeftBrace, "'{'"],
  [RightBrace, "'}'"],
  [LessThan, "'<'"],
  [GreaterThan, "'>'"],
  [RArrow, "`->`"],
  [Star, "`*`"],
  [At, "`@`"],
  [Slash, "`/`"],
  [Plus, "`+`"],
  [Minus, "`-`"],
  [Id, "an identifier"],
  [ExplicitId, "an '%' identifier"],
  [Integer, "an integer"],
  [StringLiteral, "a string literal"],
]);

/** How wit-parser names a token in "expected X, found Y" messages. */
export function describeToken(type: TokenType): string {
  return punctuationDescriptions.get(type) ?? type.LABEL ?? type.name;
}

const keywordSet = new Set(keywordTokens.map((t) => t.PATTERN as string));

/** Whether `name` is a WIT keyword, which must be written `%name` where an identifier is expected. */
export function isKeyword(name: string): boolean {
  return keywordSet.has(name);
}
