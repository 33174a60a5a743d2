/**
 * CST → AST. Runs only on a CST without errors, so every child a rule always
 * produces is present. Offsets are shifted by the file's base offset here.
 */
import type { CstNode, IToken } from "chevrotain";
import type * as A from "./ast.js";
import type { LexResult } from "./lexer.js";
import { parseVersion } from "./semver.js";
import * as T from "./tokens.js";

type Children = Record<string, (CstNode | IToken)[] | undefined>;

function kids(node: CstNode): Children {
  return node.children as Children;
}

function node(c: Children, key: string, index = 0): CstNode {
  return c[key]![index] as CstNode;
}

function maybeNode(c: Children, key: string, index = 0): CstNode | undefined {
  return c[key]?.[index] as CstNode | undefined;
}

function token(c: Children, key: string, index = 0): IToken {
  return c[key]![index] as IToken;
}

function maybeToken(c: Children, key: string): IToken | undefined {
  return c[key]?.[0] as IToken | undefined;
}

function nodes(c: Children, key: string): CstNode[] {
  return (c[key] ?? []) as CstNode[];
}

/** The labelled children of `n` in source order, for lists whose parts are optional. */
function ordered(n: CstNode, labels: string[]): { label: string; node: CstNode }[] {
  const out: { label: string; node: CstNode }[] = [];
  const c = kids(n);
  for (const label of labels) {
    for (const x of (c[label] ?? []) as CstNode[]) out.push({ label, node: x });
  }
  return out.sort((a, b) => a.node.location!.startOffset - b.node.location!.startOffset);
}

const primitiveTokens = new Map<string, A.PrimitiveName>([
  ["U8", "u8"],
  ["U16", "u16"],
  ["U32", "u32"],
  ["U64", "u64"],
  ["S8", "s8"],
  ["S16", "s16"],
  ["S32", "s32"],
  ["S64", "s64"],
  ["F32", "f32"],
  ["F64", "f64"],
  ["Char", "char"],
  ["Bool", "bool"],
  ["String", "string"],
  ["ErrorContext", "error-context"],
]);

export class AstBuilder {
  constructor(
    private readonly lexed: LexResult,
    private readonly text: string,
    private readonly base: number,
  ) {}

  private span(t: IToken): A.Span {
    return { start: this.base + t.startOffset, end: this.base + t.startOffset + t.image.length };
  }

  /** From the first to the last token of `n`. */
  private extent(n: CstNode): A.Span {
    return { start: this.base + n.location!.startOffset, end: this.base + n.location!.endOffset! + 1 };
  }

  private join(a: A.Span, b: A.Span): A.Span {
    return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
  }

  /** Comments between the previous token and the token that starts `n`. */
  docs(n: CstNode): A.Docs {
    const offset = n.location!.startOffset;
    const toks = this.lexed.tokens;
    let lo = 0;
    let hi = toks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (toks[mid].startOffset < offset) lo = mid + 1;
      else hi = mid;
    }
    const from = this.lexed.commentsBefore[lo];
    const to =
      lo + 1 < this.lexed.commentsBefore.length ? this.lexed.commentsBefore[lo + 1] : this.lexed.comments.length;
    const comments: string[] = [];
    let span: A.Span | undefined;
    for (let i = from; i < to; i++) {
      const c = this.lexed.comments[i];
      if (c.startOffset >= offset) break;
      comments.push(c.image);
      const trimmed = c.image.length - (c.image.length - c.image.trimEnd().length);
      const end = this.base + c.startOffset + trimmed;
      span = span ? { start: span.start, end } : { start: this.base + c.startOffset, end };
    }
    return { comments, span };
  }

  id(n: CstNode): A.Ident {
    const c = kids(n);
    const t = maybeToken(c, "Id") ?? token(c, "ExplicitId");
    const name = t.tokenType === T.ExplicitId ? t.image.slice(1) : t.image;
    return { name, span: this.span(t) };
  }

  file(n: CstNode): A.PackageFile {
    const c = kids(n);
    const header = maybeNode(c, "packageHeader");
    const packageId = header ? this.packageName(node(kids(header), "packageName"), this.docs(header)) : undefined;
    const items = nodes(c, "topItem").map((x) => this.topItem(x));
    return { packageId, items, span: packageId?.span ?? { start: this.base, end: this.base } };
  }

  private topItem(n: CstNode): A.AstItem {
    const c = kids(n);
    const docs = this.docs(n);
    const attributes = nodes(c, "attribute").map((a) => this.attribute(a));
    const iface = maybeNode(c, "interfaceItem");
    if (iface) {
      const ic = kids(iface);
      return {
        kind: "interface",
        value: {
          span: this.extent(n),
          docs,
          attributes,
          name: this.id(node(ic, "id")),
          items: this.interfaceBody(node(ic, "interfaceBody")),
        },
      };
    }
    const world = maybeNode(c, "worldItem");
    if (world) return { kind: "world", value: this.world(world, n, docs, attributes) };
    const use = maybeNode(c, "toplevelUse");
    if (use) {
      const uc = kids(use);
      const as = maybeNode(uc, "as");
      return {
        kind: "use",
        value: {
          span: this.span(token(uc, "Use")),
          attributes,
          item: this.usePath(node(uc, "usePath")),
          as: as ? this.id(as) : undefined,
        },
      };
    }
    const nested = kids(node(c, "nestedPackage"));
    const items = nodes(nested, "topItem").map((x) => this.topItem(x));
    const packageId = this.packageName(node(nested, "packageName"), docs);
    return { kind: "package", value: { packageId, items, span: packageId.span } };
  }

  packageName(n: CstNode, docs: A.Docs): A.PackageName {
    const c = kids(n);
    const namespace = this.id(node(c, "namespace"));
    const name = this.id(node(c, "name"));
    const version = maybeNode(c, "version");
    const v = version ? this.version(version) : undefined;
    return {
      docs,
      namespace,
      name,
      extraNames: nodes(c, "extraName").map((x) => this.id(x)),
      extraPath: nodes(c, "extraPath").map((x) => this.id(x)),
      version: v,
      span: { start: namespace.span.start, end: v ? v.span.end : name.span.end },
    };
  }

  /** A version's span ends at its last identifier, number or `-`, not at a bare `-`/`+` prefix. */
  private version(n: CstNode): { span: A.Span; version: ReturnType<typeof parseVersion> } {
    let start = Infinity;
    let end = -Infinity;
    const take = (t: IToken) => {
      start = Math.min(start, t.startOffset);
      end = Math.max(end, t.startOffset + t.image.length);
    };
    const c = kids(n);
    for (const t of c.Integer as IToken[]) take(t);
    for (const part of nodes(c, "versionPart")) {
      for (const list of Object.values(part.children)) for (const t of list as IToken[]) take(t);
    }
    return {
      span: { start: this.base + start, end: this.base + end },
      version: parseVersion(this.text.slice(start, end)),
    };
  }

  usePath(n: CstNode): A.UsePath {
    const c = kids(n);
    const first = this.id(node(c, "first"));
    return maybeNode(c, "package") ? this.packagePath(first, c) : { kind: "id", id: first };
  }

  /** `first:package/name@version` from the children of a use path or an extern item. */
  private packagePath(first: A.Ident, c: Children): A.UsePath {
    const pkgName = this.id(node(c, "package"));
    const version = maybeNode(c, "version");
    return {
      kind: "package",
      package: {
        docs: { comments: [], span: undefined },
        span: { start: first.span.start, end: pkgName.span.end },
        namespace: first,
        name: pkgName,
        extraNames: nodes(c, "extraName").map((x) => this.id(x)),
        extraPath: nodes(c, "extraPath").map((x) => this.id(x)),
        version: version ? this.version(version) : undefined,
      },
      name: this.id(node(c, "name")),
    };
  }

  private attribute(n: CstNode): A.Attribute {
    const c = kids(n);
    const kind = this.id(node(c, "kind"));
    switch (kind.name) {
      case "since":
        return { kind: "since", span: kind.span, version: this.version(node(c, "version")).version };
      case "deprecated":
        return { kind: "deprecated", span: kind.span, version: this.version(node(c, "version")).version };
      case "unstable":
        return { kind: "unstable", span: kind.span, feature: this.id(node(c, "feature")) };
      default:
        return { kind: "external-id", span: kind.span, id: decodeStringLiteral(token(c, "StringLiteral").image) };
    }
  }

  private interfaceBody(n: CstNode): A.InterfaceItem[] {
    return nodes(kids(n), "interfaceMember").map((x) => this.interfaceMember(x));
  }

  private interfaceMember(n: CstNode): A.InterfaceItem {
    const c = kids(n);
    const docs = this.docs(n);
    const attributes = nodes(c, "attribute").map((a) => this.attribute(a));
    const func = maybeNode(c, "funcItem");
    if (func) return { kind: "func", value: this.namedFunc(func, n, docs, attributes) };
    const use = maybeNode(c, "useItem");
    if (use) return { kind: "use", value: this.use(use, n, attributes) };
    return { kind: "typedef", value: this.typeDef(c, n, docs, attributes)! };
  }

  private namedFunc(n: CstNode, member: CstNode, docs: A.Docs, attributes: A.Attribute[]): A.NamedFunc {
    const c = kids(n);
    return {
      span: this.extent(member),
      docs,
      attributes,
      name: this.id(node(c, "id")),
      func: this.funcType(node(c, "funcType")),
    };
  }

  private funcType(n: CstNode): A.Func {
    const c = kids(n);
    const result = maybeNode(c, "type");
    return {
      span: this.span(token(c, "Func")),
      async: maybeToken(c, "Async") !== undefined,
      params: this.params(node(c, "params")),
      result: result ? this.type(result) : undefined,
    };
  }

  private params(n: CstNode): A.Func["params"] {
    const c = kids(n);
    return nodes(c, "id").map((id, i) => ({
      span: this.join(this.extent(id), this.extent(node(c, "type", i))),
      name: this.id(id),
      type: this.type(node(c, "type", i)),
    }));
  }

  private use(n: CstNode, member: CstNode, attributes: A.Attribute[]): A.Use {
    const c = kids(n);
    const names: A.Use["names"] = [];
    for (const part of ordered(node(c, "useNames"), ["name", "as"])) {
      const id = this.id(part.node);
      if (part.label === "name") names.push({ span: id.span, name: id, as: undefined });
      else {
        const last = names[names.length - 1];
        last.as = id;
        last.span = this.join(last.span, id.span);
      }
    }
    return { span: this.extent(member), attributes, from: this.usePath(node(c, "usePath")), names };
  }

  private typeDef(c: Children, member: CstNode, docs: A.Docs, attributes: A.Attribute[]): A.TypeDef | undefined {
    const span = this.extent(member);
    const alias = maybeNode(c, "typeAlias");
    if (alias) {
      const ac = kids(alias);
      return { span, docs, attributes, name: this.id(node(ac, "id")), type: this.type(node(ac, "type")) };
    }
    const record = maybeNode(c, "recordItem");
    if (record) {
      const rc = kids(record);
      const name = this.id(node(rc, "id"));
      const fc = kids(node(rc, "recordFields"));
      const fields = nodes(fc, "id").map((id, i) => ({
        span: this.join(this.extent(id), this.extent(node(fc, "type", i))),
        docs: this.docs(id),
        name: this.id(id),
        type: this.type(node(fc, "type", i)),
      }));
      return { span, docs, attributes, name, type: { kind: "record", fields, span: name.span } };
    }
    const flags = maybeNode(c, "flagsItem") ?? maybeNode(c, "enumItem");
    if (flags) {
      const fc = kids(flags);
      const name = this.id(node(fc, "id"));
      const list = nodes(kids(node(fc, "nameList")), "id").map((id) => {
        const ident = this.id(id);
        return { span: ident.span, docs: this.docs(id), name: ident };
      });
      const type: A.AstType =
        flags.name === "flagsItem"
          ? { kind: "flags", flags: list, span: name.span }
          : { kind: "enum", cases: list, span: name.span };
      return { span, docs, attributes, name, type };
    }
    const variant = maybeNode(c, "variantItem");
    if (variant) {
      const vc = kids(variant);
      const name = this.id(node(vc, "id"));
      const cases: { span: A.Span; docs: A.Docs; name: A.Ident; type: A.AstType | undefined }[] = [];
      const list = node(vc, "variantCases");
      const closers = (kids(list).RightParen ?? []) as IToken[];
      let payloads = 0;
      for (const part of ordered(list, ["id", "type"])) {
        if (part.label === "id") {
          const ident = this.id(part.node);
          cases.push({ span: ident.span, docs: this.docs(part.node), name: ident, type: undefined });
        } else {
          const last = cases[cases.length - 1];
          last.type = this.type(part.node);
          last.span = this.join(last.span, this.span(closers[payloads++]));
        }
      }
      return { span, docs, attributes, name, type: { kind: "variant", cases, span: name.span } };
    }
    const resource = maybeNode(c, "resourceItem");
    if (resource) {
      const rc = kids(resource);
      const name = this.id(node(rc, "id"));
      const funcs = nodes(rc, "resourceMember").map((x) => this.resourceMember(x));
      return { span, docs, attributes, name, type: { kind: "resource", funcs, span: name.span } };
    }
    return undefined;
  }

  private resourceMember(n: CstNode): A.ResourceFunc {
    const c = kids(n);
    const docs = this.docs(n);
    const attributes = nodes(c, "attribute").map((a) => this.attribute(a));
    const ctor = maybeToken(c, "Constructor");
    if (ctor) {
      const span = this.span(ctor);
      const whole = this.extent(n);
      const result = maybeNode(c, "type");
      return {
        span: whole,
        kind: "constructor",
        func: {
          span: whole,
          docs,
          attributes,
          name: { name: "constructor", span },
          func: {
            span,
            async: false,
            params: this.params(node(c, "params")),
            result: result ? this.type(result) : undefined,
          },
        },
      };
    }
    const whole = this.extent(n);
    return {
      span: whole,
      kind: maybeToken(c, "Static") ? "static" : "method",
      func: { span: whole, docs, attributes, name: this.id(node(c, "id")), func: this.funcType(node(c, "funcType")) },
    };
  }

  private world(n: CstNode, item: CstNode, docs: A.Docs, attributes: A.Attribute[]): A.World {
    const c = kids(n);
    const items = nodes(c, "worldMember").map((x) => this.worldMember(x));
    return { span: this.extent(item), docs, attributes, name: this.id(node(c, "id")), items };
  }

  private worldMember(n: CstNode): A.WorldItem {
    const c = kids(n);
    const docs = this.docs(n);
    const attributes = nodes(c, "attribute").map((a) => this.attribute(a));
    const imp = maybeNode(c, "importItem") ?? maybeNode(c, "exportItem");
    if (imp) {
      const extern = this.externKind(node(kids(imp), "externKind"));
      const span = this.extent(n);
      return { kind: imp.name === "importItem" ? "import" : "export", span, docs, attributes, extern };
    }
    const use = maybeNode(c, "useItem");
    if (use) return { kind: "use", value: this.use(use, n, attributes) };
    const include = maybeNode(c, "includeItem");
    if (include) {
      const ic = kids(include);
      const list = maybeNode(ic, "includeNames");
      const nc = list ? kids(list) : {};
      const names = nodes(nc, "name").map((x, i) => {
        const name = this.id(x);
        const as = this.id(node(nc, "as", i));
        return { span: this.join(name.span, as.span), name, as };
      });
      const from = this.usePath(node(ic, "usePath"));
      return { kind: "include", value: { span: this.extent(n), attributes, from, names } };
    }
    return { kind: "typedef", value: this.typeDef(c, n, docs, attributes)! };
  }

  private externKind(n: CstNode): A.ExternKind {
    const c = kids(n);
    const first = this.id(node(c, "first"));
    const funcType = maybeNode(c, "funcType");
    if (funcType) return { kind: "func", name: first, func: this.funcType(funcType) };
    const body = maybeNode(c, "interfaceBody");
    if (body) return { kind: "interface", name: first, items: this.interfaceBody(body) };
    const labelled = maybeNode(c, "labelledPath");
    if (labelled) return { kind: "named-path", name: first, path: this.usePath(labelled) };
    const path: A.UsePath = maybeNode(c, "package") ? this.packagePath(first, c) : { kind: "id", id: first };
    return { kind: "path", path };
  }

  type(n: CstNode): A.AstType {
    const c = kids(n);
    for (const key in c) {
      const first = c[key]![0];
      if ("image" in first) {
        const prim = primitiveTokens.get(key)!;
        return { kind: "primitive", name: prim, span: this.span(first) };
      }
      const sc = kids(first);
      switch (first.name) {
        case "id": {
          const id = this.id(first);
          return { kind: "name", id, span: id.span };
        }
        case "tupleType": {
          const types = nodes(kids(node(sc, "typeList")), "type").map((x) => this.type(x));
          return { kind: "tuple", types, span: this.span(token(sc, "Tuple")) };
        }
        case "listType": {
          const size = maybeToken(sc, "Integer");
          const span = this.span(token(sc, "List"));
          const element = this.type(node(sc, "type"));
          return size
            ? { kind: "fixed-length-list", element, size: Number(size.image), span }
            : { kind: "list", element, span };
        }
        case "mapType":
          return {
            kind: "map",
            key: this.type(node(sc, "key")),
            value: this.type(node(sc, "value")),
            span: this.span(token(sc, "Map")),
          };
        case "optionType":
          return { kind: "option", type: this.type(node(sc, "type")), span: this.span(token(sc, "Option")) };
        case "resultType": {
          const ok = maybeNode(sc, "ok");
          const err = maybeNode(sc, "err");
          return {
            kind: "result",
            ok: ok ? this.type(ok) : undefined,
            err: err ? this.type(err) : undefined,
            span: this.span(token(sc, "Result")),
          };
        }
        case "futureType":
        case "streamType": {
          const inner = maybeNode(sc, "type");
          const kw = first.name === "futureType" ? "Future" : "Stream";
          return {
            kind: first.name === "futureType" ? "future" : "stream",
            type: inner ? this.type(inner) : undefined,
            span: this.span(token(sc, kw)),
          };
        }
        case "handleType": {
          const resource = this.id(node(sc, "id"));
          return { kind: "handle", handle: maybeToken(sc, "Own") ? "own" : "borrow", resource, span: resource.span };
        }
      }
    }
    throw new Error(`unexpected type node ${n.name}`);
  }
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
