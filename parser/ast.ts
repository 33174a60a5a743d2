/**
 * The WIT abstract syntax tree, built by the Chevrotain grammar's actions.
 *
 * Every node has a span: a half-open range of offsets in the source map the
 * file was loaded into (see `ir/source-map.ts`). An identifier is its own
 * span (`start` and `end` inline); every other node carries a `span`. Items
 * and entries span their whole text, attributes included; names keep the
 * span of the identifier; types keep the span wit-parser reports errors at
 * (a composite type's keyword, a handle's resource name).
 *
 * The AST of a package lives until the package is resolved, so the garbage
 * collector copies it as it grows: it is kept small (inline identifier
 * offsets, arrays at their exact size, shared empty docs and attributes).
 * A span the IR keeps is copied out of an identifier (`spanOf` in
 * `ir/unresolved.ts`), so the IR never holds AST nodes.
 */
import type { Version } from "./semver.js";

export interface Span {
  start: number;
  end: number;
}

/**
 * An identifier, which is also its own span: the most numerous node, so it
 * carries its offsets inline rather than in a `Span` object of its own.
 */
export interface Ident extends Span {
  /** The identifier without a leading `%`. */
  name: string;
}

/**
 * The comments written just before an item, verbatim (`//`, `///`, `/* *\/`
 * alike): wit-parser treats every such comment as documentation.
 */
export interface Docs {
  comments: string[];
  span: Span | undefined;
}

export type Attribute =
  | { kind: "since"; span: Span; version: Version }
  | { kind: "unstable"; span: Span; feature: Ident }
  | { kind: "deprecated"; span: Span; version: Version }
  | { kind: "external-id"; span: Span; id: string };

export interface PackageName {
  docs: Docs;
  span: Span;
  namespace: Ident;
  name: Ident;
  /**
   * Further `:name` segments and `/path` segments of the nested-namespace
   * form (`a:b:c/d`, gated by 🪺 in WIT.md). Empty for ordinary names.
   */
  extraNames: Ident[];
  extraPath: Ident[];
  version: { span: Span; version: Version } | undefined;
}

export interface PackageFile {
  /** `package ns:name;` at the top of a file, or the name of a nested `package ns:name { ... }`. */
  packageId: PackageName | undefined;
  items: AstItem[];
  /** Attributes written before a nested package (an error, kept for the message). */
  span: Span;
}

export type AstItem =
  | { kind: "interface"; value: Interface }
  | { kind: "world"; value: World }
  | { kind: "use"; value: ToplevelUse }
  | { kind: "package"; value: PackageFile };

export type UsePath = { kind: "id"; id: Ident } | { kind: "package"; package: PackageName; name: Ident };

export interface ToplevelUse {
  span: Span;
  attributes: Attribute[];
  item: UsePath;
  as: Ident | undefined;
}

export interface Interface {
  span: Span;
  docs: Docs;
  attributes: Attribute[];
  name: Ident;
  items: InterfaceItem[];
}

export type InterfaceItem =
  { kind: "typedef"; value: TypeDef } | { kind: "func"; value: NamedFunc } | { kind: "use"; value: Use };

export interface World {
  span: Span;
  docs: Docs;
  attributes: Attribute[];
  name: Ident;
  items: WorldItem[];
}

export type WorldItem =
  | { kind: "import"; span: Span; docs: Docs; attributes: Attribute[]; extern: ExternKind }
  | { kind: "export"; span: Span; docs: Docs; attributes: Attribute[]; extern: ExternKind }
  | { kind: "use"; value: Use }
  | { kind: "typedef"; value: TypeDef }
  | { kind: "include"; value: Include };

export type ExternKind =
  | { kind: "interface"; name: Ident; items: InterfaceItem[] }
  | { kind: "path"; path: UsePath }
  | { kind: "func"; name: Ident; func: Func }
  /** `label: path`, a named import or export of an existing interface. */
  | { kind: "named-path"; name: Ident; path: UsePath };

export interface Use {
  span: Span;
  attributes: Attribute[];
  from: UsePath;
  names: { span: Span; name: Ident; as: Ident | undefined }[];
}

export interface Include {
  span: Span;
  attributes: Attribute[];
  from: UsePath;
  names: { span: Span; name: Ident; as: Ident }[];
}

export interface TypeDef {
  span: Span;
  docs: Docs;
  attributes: Attribute[];
  name: Ident;
  type: AstType;
}

export type PrimitiveName =
  | "bool"
  | "u8"
  | "u16"
  | "u32"
  | "u64"
  | "s8"
  | "s16"
  | "s32"
  | "s64"
  | "f32"
  | "f64"
  | "char"
  | "string"
  | "error-context";

export type AstType =
  | { kind: "primitive"; name: PrimitiveName; span: Span }
  | { kind: "name"; id: Ident; span: Span }
  | { kind: "list"; element: AstType; span: Span }
  | { kind: "fixed-length-list"; element: AstType; size: number; span: Span }
  | { kind: "map"; key: AstType; value: AstType; span: Span }
  | { kind: "handle"; handle: "own" | "borrow"; resource: Ident; span: Span }
  | { kind: "resource"; funcs: ResourceFunc[]; span: Span }
  | { kind: "record"; fields: { span: Span; docs: Docs; name: Ident; type: AstType }[]; span: Span }
  | { kind: "flags"; flags: { span: Span; docs: Docs; name: Ident }[]; span: Span }
  | { kind: "variant"; cases: { span: Span; docs: Docs; name: Ident; type: AstType | undefined }[]; span: Span }
  | { kind: "enum"; cases: { span: Span; docs: Docs; name: Ident }[]; span: Span }
  | { kind: "tuple"; types: AstType[]; span: Span }
  | { kind: "option"; type: AstType; span: Span }
  | { kind: "result"; ok: AstType | undefined; err: AstType | undefined; span: Span }
  | { kind: "future"; type: AstType | undefined; span: Span }
  | { kind: "stream"; type: AstType | undefined; span: Span };

export interface ResourceFunc {
  span: Span;
  kind: "method" | "static" | "constructor";
  func: NamedFunc;
}

export interface NamedFunc {
  span: Span;
  docs: Docs;
  attributes: Attribute[];
  name: Ident;
  func: Func;
}

export interface Func {
  span: Span;
  async: boolean;
  params: { span: Span; name: Ident; type: AstType }[];
  result: AstType | undefined;
}
