/**
 * The reader of whole components (Binary.md, "Component Definitions"): one
 * typed model of a component's sections and index spaces, shared by the
 * validator (`encoding/validate-component.ts`), the flattening pass
 * (`encoding/plan.ts`) and the tools that print or inspect components.
 *
 * Every definition is appended to the index space of its sort, in binary
 * order, as the spec builds index spaces incrementally. An item records how
 * it was defined (`def`), where (`offset`), and, where the binary says it, its
 * type: component-level types are the linked `Entry` objects of `binary.ts`
 * (object identity is type identity within one component definition).
 *
 * Nested components are read recursively; their outer aliases stay symbolic
 * (`count`, `index`) and are resolved against the enclosing definitions.
 */
import { BinaryError, Reader } from "../reader.js";
import { readCoreModule, type CoreFuncType, type CoreModuleInfo } from "../core-module.js";
import { readCoreCompType, readCoreLimits, readCoreValType } from "../core-types.js";
import { DecodeError, Scope, TypeReader, type Entry, type Extern, type NameAttrs, type ValType } from "./binary.js";

export type CoreSort = "func" | "table" | "memory" | "global" | "tag" | "type" | "module" | "instance";
export type ComponentSort = "func" | "value" | "type" | "component" | "instance";

/** A sort of either level: core sorts are written `core func`, `core module`… */
export type Sort = ComponentSort | `core ${CoreSort}`;

export interface SortIndex {
  sort: Sort;
  index: number;
  offset: number;
}

export type StringEncodingOption = "utf8" | "utf16" | "latin1+utf16";

export interface CanonOptions {
  encoding?: StringEncodingOption;
  /** Core memory index. */
  memory?: number;
  /** Core function indices. */
  realloc?: number;
  postReturn?: number;
  async: boolean;
  callback?: number;
  /** How many times each option was given (the validator refuses repeats). */
  repeated: string[];
}

/** A `canon` definition that yields a core function (every form but `lift`). */
export type CoreCanon =
  | { kind: "lower"; func: number; options: CanonOptions }
  | { kind: "resource.new" | "resource.drop" | "resource.rep"; type: number; async?: boolean }
  /** A built-in of the asynchronous ABI or of threads (named as in Binary.md). */
  | {
      kind: "builtin";
      name: string;
      async: boolean;
      options?: CanonOptions;
      type?: number;
      memory?: number;
      /** The function table of `thread.new-indirect`. */
      table?: number;
      /** The slot of `context.get`/`context.set`. */
      index?: number;
      /** The result type of `task.return` (absent: no result). */
      result?: ValType;
    };

export interface Import {
  name: string;
  attrs: NameAttrs;
  sort: Sort;
  /** The declared type: function, instance or component type, or the type entry the import creates. */
  entry: Entry;
  /** The core module type of a `core module` import. */
  moduleType?: CoreModuleType;
  /** The core type index a `core module` import or ascription names. */
  coreTypeIndex?: number;
  offset: number;
}

export interface Export {
  name: string;
  attrs: NameAttrs;
  target: SortIndex;
  /** The ascribed extern type, when given. */
  ascribed?: { sort: Sort; entry: Entry; moduleType?: CoreModuleType; coreTypeIndex?: number };
  offset: number;
}

/** A core module type (the declarations of `core:moduletype`), as a validator needs it. */
export interface CoreModuleType {
  imports: { module: string; name: string; kind: string; type?: CoreFuncType }[];
  exports: { name: string; kind: string; type?: CoreFuncType }[];
}

export type ModuleDef =
  | { kind: "defined"; bytes: Uint8Array; info: () => CoreModuleInfo }
  | { kind: "import"; import: Import }
  | { kind: "alias"; instance: number; name: string }
  | { kind: "outer"; count: number; index: number }
  | { kind: "export"; export: Export };

export type CoreInstanceDef =
  | { kind: "instantiate"; module: number; args: { name: string; instance: number; offset: number }[] }
  | { kind: "exports"; exports: { name: string; sort: CoreSort; index: number; offset: number }[] }
  | { kind: "alias"; instance: number; name: string };

/** Core functions, tables, memories, globals and tags. */
export type CoreItemDef =
  | { kind: "alias"; instance: number; name: string }
  | { kind: "canon"; canon: CoreCanon }
  | { kind: "outer"; count: number; index: number };

export type FuncDef =
  | { kind: "import"; import: Import }
  | { kind: "alias"; instance: number; name: string }
  | { kind: "lift"; core: number; type: number; options: CanonOptions }
  | { kind: "export"; export: Export };

export type InstanceDef =
  | { kind: "import"; import: Import }
  | { kind: "instantiate"; component: number; args: { name: string; target: SortIndex; offset: number }[] }
  | { kind: "exports"; exports: { name: string; attrs: NameAttrs; target: SortIndex; offset: number }[] }
  | { kind: "alias"; instance: number; name: string }
  | { kind: "export"; export: Export };

export type ComponentDef =
  | { kind: "defined"; component: ComponentAst }
  | { kind: "import"; import: Import }
  | { kind: "alias"; instance: number; name: string }
  | { kind: "outer"; count: number; index: number }
  | { kind: "export"; export: Export };

export type TypeItemDef =
  | { kind: "defined" }
  | { kind: "import"; import: Import }
  /** An alias of an instance's type export: `entry` is a fresh `eq` placeholder the planner binds. */
  | { kind: "alias"; instance: number; name: string }
  | { kind: "outer"; count: number; index: number }
  | { kind: "export"; export: Export };

export type CoreTypeDef =
  | { kind: "func"; type: CoreFuncType | undefined }
  | { kind: "module"; type: CoreModuleType }
  | { kind: "outer"; count: number; index: number };

export interface Item<D> {
  def: D;
  offset: number;
}

/** A type index entry: the linked entry and how it was defined. */
export interface TypeItem extends Item<TypeItemDef> {
  entry: Entry;
}

/** One definition in binary order (for passes that replay the component). */
export type Definition =
  | { sort: "core module"; index: number }
  | { sort: "core instance"; index: number }
  | { sort: "core func" | "core table" | "core memory" | "core global" | "core tag"; index: number }
  | { sort: "core type"; index: number }
  | { sort: "func"; index: number }
  | { sort: "type"; index: number }
  | { sort: "component"; index: number }
  | { sort: "instance"; index: number }
  | { sort: "value"; index: number }
  | { sort: "start"; index: number }
  | { sort: "export"; index: number }
  | { sort: "import"; index: number };

export interface ComponentAst {
  /** Offset of the component's preamble in the outermost binary. */
  offset: number;
  modules: Item<ModuleDef>[];
  coreInstances: Item<CoreInstanceDef>[];
  coreFuncs: Item<CoreItemDef>[];
  coreTables: Item<CoreItemDef>[];
  coreMemories: Item<CoreItemDef>[];
  coreGlobals: Item<CoreItemDef>[];
  coreTags: Item<CoreItemDef>[];
  coreTypes: Item<CoreTypeDef>[];
  funcs: Item<FuncDef>[];
  types: TypeItem[];
  components: Item<ComponentDef>[];
  instances: Item<InstanceDef>[];
  values: Item<{ kind: string }>[];
  imports: Import[];
  exports: Export[];
  /** Every definition in order. */
  order: Definition[];
  /** Custom sections by name (the last of a name wins). */
  custom: Map<string, Uint8Array>;
  starts: { offset: number }[];
  /** The type scope (its `types` mirror `types[].entry`). */
  scope: Scope;
  /** The declared type of each instance, where the binary says it (imports and their aliases). */
  instanceTypes: (Entry | undefined)[];
}

const coreSorts: Record<number, CoreSort> = {
  0x00: "func",
  0x01: "table",
  0x02: "memory",
  0x03: "global",
  0x04: "tag",
  0x10: "type",
  0x11: "module",
  0x12: "instance",
};
const componentSorts: Record<number, ComponentSort> = {
  0x01: "func",
  0x02: "value",
  0x03: "type",
  0x04: "component",
  0x05: "instance",
};

/** A malformed or unsupported component binary: the message and the offset of the problem. */
export class ComponentReadError extends Error {
  constructor(
    readonly reason: string,
    readonly offset: number,
    readonly section?: string,
  ) {
    super(`${section ? `${section} section: ` : ""}${reason} (at offset 0x${offset.toString(16)})`);
    this.name = "ComponentReadError";
  }
}

export const sectionNames: Record<number, string> = {
  0: "custom",
  1: "core module",
  2: "core instance",
  3: "core type",
  4: "component",
  5: "instance",
  6: "alias",
  7: "type",
  8: "canonical function",
  9: "start",
  10: "import",
  11: "export",
  12: "value",
};

/** Whether `bytes` start with a component preamble (as opposed to a core module or text). */
export function isComponentBinary(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 8 &&
    bytes[0] === 0 &&
    bytes[1] === 0x61 &&
    bytes[2] === 0x73 &&
    bytes[3] === 0x6d &&
    bytes[6] === 1 &&
    bytes[7] === 0
  );
}

/**
 * Reads a whole component. Throws `ComponentReadError` for malformed input
 * (bad preamble, bad section, unknown opcode, index out of bounds in a type).
 */
export function readComponent(bytes: Uint8Array): ComponentAst {
  const r = new Reader(bytes);
  let section: string | undefined;
  try {
    return readComponentAt(r, undefined, (s) => (section = s));
  } catch (e) {
    if (e instanceof BinaryError) throw new ComponentReadError(stripOffset(e.message), e.offset, section);
    if (e instanceof DecodeError) throw new ComponentReadError(e.message, r.pos, section);
    throw e;
  }
}

function stripOffset(message: string): string {
  return message.replace(/ \(at offset 0x[0-9a-f]+\)$/, "");
}

function emptyAst(offset: number, scope: Scope): ComponentAst {
  return {
    offset,
    modules: [],
    coreInstances: [],
    coreFuncs: [],
    coreTables: [],
    coreMemories: [],
    coreGlobals: [],
    coreTags: [],
    coreTypes: [],
    funcs: [],
    types: [],
    components: [],
    instances: [],
    values: [],
    imports: [],
    exports: [],
    order: [],
    custom: new Map(),
    starts: [],
    scope,
    instanceTypes: [],
  };
}

function readPreamble(r: Reader): void {
  const start = r.pos;
  const magic = [0x00, 0x61, 0x73, 0x6d];
  for (const b of magic) if (r.u8() !== b) r.fail("magic header not detected: bad magic number", start);
  const v0 = r.u8();
  const v1 = r.u8();
  const l0 = r.u8();
  const l1 = r.u8();
  if (l0 === 0 && l1 === 0) r.fail("expected a component, found a core module", start + 4);
  if (l0 !== 1 || l1 !== 0) r.fail(`unknown binary layer 0x${l0.toString(16)}`, start + 6);
  if (v0 !== 0x0d || v1 !== 0) r.fail(`unknown binary version 0x${v0.toString(16)}`, start + 4);
}

/** The space of a sort in `ast`. */
export function spaceOf(ast: ComponentAst, sort: Sort): Item<unknown>[] {
  switch (sort) {
    case "core module":
      return ast.modules;
    case "core instance":
      return ast.coreInstances;
    case "core func":
      return ast.coreFuncs;
    case "core table":
      return ast.coreTables;
    case "core memory":
      return ast.coreMemories;
    case "core global":
      return ast.coreGlobals;
    case "core tag":
      return ast.coreTags;
    case "core type":
      return ast.coreTypes;
    case "func":
      return ast.funcs;
    case "type":
      return ast.types;
    case "component":
      return ast.components;
    case "instance":
      return ast.instances;
    case "value":
      return ast.values;
  }
}

function readComponentAt(r: Reader, outer: ComponentAst | undefined, onSection: (s: string) => void): ComponentAst {
  const start = r.pos;
  readPreamble(r);
  const ast = emptyAst(start, new Scope(outer?.scope));
  const scope = ast.scope;
  const push = <D>(sort: Sort, def: D, offset: number): number => {
    if (sort === "instance") ast.instanceTypes.push(instanceTypeOf(ast, def as InstanceDef));
    const space = spaceOf(ast, sort) as Item<D>[];
    space.push({ def, offset });
    const index = space.length - 1;
    ast.order.push({ sort, index } as Definition);
    return index;
  };
  const pushType = (entry: Entry, def: TypeItemDef, offset: number): number => {
    scope.types.push(entry);
    ast.types.push({ def, offset, entry });
    ast.order.push({ sort: "type", index: ast.types.length - 1 });
    return ast.types.length - 1;
  };
  const sortOf = (rr: Reader): Sort => {
    const at = rr.pos;
    const b = rr.u8();
    if (b === 0x00) {
      const c = rr.u8();
      const cs = coreSorts[c];
      if (cs === undefined) rr.fail(`invalid core sort 0x${c.toString(16)}`, at + 1);
      return `core ${cs}`;
    }
    const s = componentSorts[b];
    if (s === undefined) rr.fail(`invalid sort 0x${b.toString(16)}`, at);
    return s;
  };

  while (!r.done) {
    const sectionStart = r.pos;
    const id = r.u8();
    const size = r.u32();
    const body = r.sub(size);
    const name = sectionNames[id];
    if (name === undefined) r.fail(`malformed section id: ${id}`, sectionStart);
    onSection(name);
    const types = new TypeReader(body);
    switch (id) {
      case 0: {
        const n = body.name();
        ast.custom.set(n, body.take(body.end - body.pos));
        break;
      }
      case 1: {
        const at = body.pos;
        const bytes = body.take(body.end - body.pos);
        let info: CoreModuleInfo | undefined;
        push<ModuleDef>(
          "core module",
          {
            kind: "defined",
            bytes,
            info: () => {
              if (!info) {
                try {
                  info = readCoreModule(bytes);
                } catch (e) {
                  if (e instanceof BinaryError) throw new BinaryError(stripOffset(e.message), at + e.offset);
                  throw e;
                }
              }
              return info;
            },
          },
          at,
        );
        break;
      }
      case 2: {
        const n = body.u32();
        for (let i = 0; i < n; i++) {
          const at = body.pos;
          const tag = body.u8();
          if (tag === 0x00) {
            const module = body.u32();
            const args = body.vec((b) => {
              const argAt = b.pos;
              const name = b.name();
              const k = b.u8();
              if (k !== 0x12) b.fail(`invalid core instantiation argument kind 0x${k.toString(16)}`, b.pos - 1);
              return { name, instance: b.u32(), offset: argAt };
            });
            push<CoreInstanceDef>("core instance", { kind: "instantiate", module, args }, at);
          } else if (tag === 0x01) {
            const exports = body.vec((b) => {
              const expAt = b.pos;
              const name = b.name();
              const k = b.u8();
              const sort = coreSorts[k];
              if (sort === undefined) b.fail(`invalid core sort 0x${k.toString(16)}`, b.pos - 1);
              return { name, sort, index: b.u32(), offset: expAt };
            });
            push<CoreInstanceDef>("core instance", { kind: "exports", exports }, at);
          } else body.fail(`invalid core instance kind 0x${tag.toString(16)}`, at);
        }
        break;
      }
      case 3: {
        const n = body.u32();
        for (let i = 0; i < n; i++) {
          const at = body.pos;
          push<CoreTypeDef>("core type", readCoreType(body), at);
          scope.coreTypes.push({ kind: "core" });
        }
        break;
      }
      case 4: {
        const at = body.pos;
        const inner = readComponentAt(body, ast, onSection);
        onSection(name);
        push<ComponentDef>("component", { kind: "defined", component: inner }, at);
        scope.components++;
        break;
      }
      case 5: {
        const n = body.u32();
        for (let i = 0; i < n; i++) {
          const at = body.pos;
          const tag = body.u8();
          if (tag === 0x00) {
            const component = body.u32();
            const args = body.vec((b) => {
              const argAt = b.pos;
              const name = b.name();
              const sort = sortOf(b);
              return { name, target: { sort, index: b.u32(), offset: argAt }, offset: argAt };
            });
            push<InstanceDef>("instance", { kind: "instantiate", component, args }, at);
          } else if (tag === 0x01) {
            const exports = body.vec((b) => {
              const expAt = b.pos;
              const { name, attrs } = new TypeReader(b).nameAttrs();
              const sort = sortOf(b);
              return { name, attrs, target: { sort, index: b.u32(), offset: expAt }, offset: expAt };
            });
            push<InstanceDef>("instance", { kind: "exports", exports }, at);
          } else body.fail(`invalid instance kind 0x${tag.toString(16)}`, at);
        }
        break;
      }
      case 6: {
        const n = body.u32();
        for (let i = 0; i < n; i++) readAlias(body, ast, sortOf, push, pushType);
        break;
      }
      case 7: {
        const n = body.u32();
        for (let i = 0; i < n; i++) {
          const at = body.pos;
          const b = body.peek();
          if (b === 0x50 || b === 0x00 || b === 0x60 || b === 0x4e) {
            body.fail(`invalid leading byte 0x${b.toString(16)} for component defined type`, at);
          }
          const entry = types.defType(scope);
          pushType(entry, { kind: "defined" }, at);
        }
        break;
      }
      case 8: {
        const n = body.u32();
        for (let i = 0; i < n; i++) readCanon(body, push, () => types.valType(scope));
        break;
      }
      case 9: {
        const at = body.pos;
        body.u32();
        body.vec((b) => b.u32());
        body.u32();
        ast.starts.push({ offset: at });
        ast.order.push({ sort: "start", index: ast.starts.length - 1 });
        break;
      }
      case 10: {
        const n = body.u32();
        for (let i = 0; i < n; i++) {
          const at = body.pos;
          const { name, attrs } = types.nameAttrs();
          const imp = readExternDecl(body, types, scope, name, attrs, at);
          ast.imports.push(imp);
          ast.order.push({ sort: "import", index: ast.imports.length - 1 });
          addDeclared(ast, imp, { kind: "import", import: imp }, push, pushType);
        }
        break;
      }
      case 11: {
        const n = body.u32();
        for (let i = 0; i < n; i++) {
          const at = body.pos;
          const { name, attrs } = types.nameAttrs();
          const sort = sortOf(body);
          const target = { sort, index: body.u32(), offset: at };
          const flagAt = body.pos;
          const flag = body.u8();
          let ascribed: Export["ascribed"];
          if (flag === 0x01) {
            const decl = readExternDecl(body, types, scope, name, attrs, flagAt + 1, true);
            ascribed = {
              sort: decl.sort,
              entry: decl.entry,
              moduleType: decl.moduleType,
              coreTypeIndex: decl.coreTypeIndex,
            };
          } else if (flag !== 0x00) body.fail(`invalid optional-value flag 0x${flag.toString(16)}`, flagAt);
          const exp: Export = { name, attrs, target, ascribed, offset: at };
          ast.exports.push(exp);
          ast.order.push({ sort: "export", index: ast.exports.length - 1 });
          exportIndex(ast, exp, push, pushType);
        }
        break;
      }
      case 12: {
        const at = body.pos;
        body.fail("value definitions are not supported", at);
        break;
      }
    }
    if (!body.done) body.fail("unexpected content after the end of the section", body.pos);
  }
  return ast;
}

/** An import or an ascribed export: `externtype`, pushing onto the type scope as the type reader does. */
function readExternDecl(
  r: Reader,
  types: TypeReader,
  scope: Scope,
  name: string,
  attrs: NameAttrs,
  at: number,
  ascription = false,
): Import {
  const kindAt = r.pos;
  const kind = r.peek();
  if (kind === 0x00) {
    r.u8();
    if (r.u8() !== 0x11) r.fail("invalid core extern type", kindAt);
    const idx = r.u32();
    const t = scope.coreTypes[idx];
    if (t === undefined) r.fail(`core type index ${idx} out of bounds`, kindAt);
    if (!ascription) scope.modules++;
    return {
      name,
      attrs,
      sort: "core module",
      entry: { kind: "core" },
      offset: at,
      moduleType: undefined,
      coreTypeIndex: idx,
    };
  }
  if (kind === 0x02) r.fail("value imports and exports are not supported", kindAt);
  // The type reader pushes `type` declarations itself; an ascription must not.
  const before = {
    types: scope.types.length,
    instances: scope.instances.length,
    funcs: scope.funcs,
    components: scope.components,
  };
  const { sort, entry } = types.externType(scope);
  if (ascription) {
    scope.types.length = before.types;
    scope.instances.length = before.instances;
    scope.funcs = before.funcs;
    scope.components = before.components;
  }
  return { name, attrs, sort: sort === "module" ? "core module" : sort, entry, offset: at };
}

/** An import adds an item to its sort's space. */
function addDeclared(
  ast: ComponentAst,
  imp: Import,
  def: { kind: "import"; import: Import },
  push: <D>(sort: Sort, def: D, offset: number) => number,
  pushType: (entry: Entry, def: TypeItemDef, offset: number) => number,
): void {
  switch (imp.sort) {
    case "type":
      // The type reader already pushed the entry on the scope; record the item.
      ast.scope.types.pop();
      pushType(imp.entry, def, imp.offset);
      return;
    case "func":
      push<FuncDef>("func", def, imp.offset);
      return;
    case "instance":
      push<InstanceDef>("instance", def, imp.offset);
      return;
    case "component":
      push<ComponentDef>("component", def, imp.offset);
      return;
    case "core module":
      push<ModuleDef>("core module", def, imp.offset);
      return;
    default:
      return;
  }
}

/** An export introduces a new index aliasing what it exports. */
function exportIndex(
  ast: ComponentAst,
  exp: Export,
  push: <D>(sort: Sort, def: D, offset: number) => number,
  pushType: (entry: Entry, def: TypeItemDef, offset: number) => number,
): void {
  const def = { kind: "export" as const, export: exp };
  switch (exp.target.sort) {
    case "type": {
      const target = ast.types[exp.target.index];
      // Out-of-bounds targets are the validator's to report; keep the index spaces aligned.
      const entry: Entry = { kind: "eq", target: target?.entry ?? { kind: "core" } };
      pushType(exp.ascribed?.sort === "type" ? (exp.ascribed.entry ?? entry) : entry, def, exp.offset);
      return;
    }
    case "func":
      push<FuncDef>("func", def, exp.offset);
      return;
    case "instance":
      push<InstanceDef>("instance", def, exp.offset);
      return;
    case "component":
      push<ComponentDef>("component", def, exp.offset);
      ast.scope.components++;
      return;
    case "core module":
      push<ModuleDef>("core module", def, exp.offset);
      return;
    default:
      return;
  }
}

function readAlias(
  r: Reader,
  ast: ComponentAst,
  sortOf: (r: Reader) => Sort,
  push: <D>(sort: Sort, def: D, offset: number) => number,
  pushType: (entry: Entry, def: TypeItemDef, offset: number) => number,
): void {
  const at = r.pos;
  const sort = sortOf(r);
  const targetAt = r.pos;
  const target = r.u8();
  if (target === 0x00 || target === 0x01) {
    const instance = r.u32();
    const name = r.name();
    if (target === 0x01 && !sort.startsWith("core ")) r.fail("core export aliases must be of a core sort", at);
    if (target === 0x00 && sort.startsWith("core ") && sort !== "core module") {
      r.fail(`component instance export aliases of sort \`${sort}\` are not valid`, at);
    }
    const def = { kind: "alias" as const, instance, name };
    if (target === 0x01) {
      if (sort === "core instance" || sort === "core type")
        r.fail(`core export aliases of sort \`${sort}\` are not valid`, at);
      push(sort, def, at);
      return;
    }
    if (sort === "type") {
      // The planner binds the entry to the type the instance actually exports; where
      // the binary declares the instance's type, that type is the target meanwhile.
      const it = ast.instanceTypes[instance];
      const declared =
        it?.kind === "instance" ? it.exports.find((e) => e.name === name && e.sort === "type") : undefined;
      pushType({ kind: "eq", target: declared?.entry ?? { kind: "resource" } }, def, at);
      return;
    }
    push(sort, def, at);
    if (sort === "component") ast.scope.components++;
    return;
  }
  if (target === 0x02) {
    const count = r.u32();
    const index = r.u32();
    const def = { kind: "outer" as const, count, index };
    if (sort !== "type" && sort !== "component" && sort !== "core module" && sort !== "core type") {
      r.fail(`outer aliases of sort \`${sort}\` are not valid`, at);
    }
    let s: Scope | undefined = ast.scope;
    for (let i = 0; i < count && s; i++) s = s.outer;
    if (!s) r.fail(`invalid outer alias count of ${count}`, at);
    if (sort === "type") {
      const entry = s.types[index];
      if (entry === undefined) r.fail(`type index out of bounds: ${index}`, at);
      pushType(entry, def, at);
    } else if (sort === "core type") {
      if (s.coreTypes[index] === undefined) r.fail(`core type index out of bounds: ${index}`, at);
      push(sort, def, at);
      ast.scope.coreTypes.push(s.coreTypes[index]!);
    } else {
      push(sort, def, at);
      if (sort === "component") ast.scope.components++;
    }
    return;
  }
  r.fail(`invalid alias target 0x${target.toString(16)}`, targetAt);
}

/** The declared instance type of an instance definition, when the binary says it. */
function instanceTypeOf(ast: ComponentAst, def: InstanceDef): Entry | undefined {
  switch (def.kind) {
    case "import":
      return peelEntry(def.import.entry);
    case "alias": {
      const it = ast.instanceTypes[def.instance];
      const e =
        it?.kind === "instance" ? it.exports.find((x) => x.name === def.name && x.sort === "instance") : undefined;
      return e ? peelEntry(e.entry) : undefined;
    }
    case "export":
      return def.export.target.sort === "instance" ? ast.instanceTypes[def.export.target.index] : undefined;
    default:
      return undefined;
  }
}

function readOptions(r: Reader): CanonOptions {
  const options: CanonOptions = { async: false, repeated: [] };
  const seen = new Set<string>();
  const note = (k: string) => {
    if (seen.has(k)) options.repeated.push(k);
    seen.add(k);
  };
  const n = r.u32();
  for (let i = 0; i < n; i++) {
    const at = r.pos;
    const b = r.u8();
    switch (b) {
      case 0x00:
      case 0x01:
      case 0x02:
        note("string-encoding");
        options.encoding = (["utf8", "utf16", "latin1+utf16"] as const)[b];
        break;
      case 0x03:
        note("memory");
        options.memory = r.u32();
        break;
      case 0x04:
        note("realloc");
        options.realloc = r.u32();
        break;
      case 0x05:
        note("post-return");
        options.postReturn = r.u32();
        break;
      case 0x06:
        note("async");
        options.async = true;
        break;
      case 0x07:
        note("callback");
        options.callback = r.u32();
        break;
      default:
        r.fail(`invalid canonical option 0x${b.toString(16)}`, at);
    }
  }
  return options;
}

/** The async and thread built-ins: opcode → name and which immediates follow. */
const builtins: Record<
  number,
  {
    name: string;
    imm: (
      "type" | "opts" | "async" | "cancel" | "memory" | "valtype" | "u32" | "results" | "coretype" | "table" | "shared"
    )[];
  }
> = {
  0x24: { name: "backpressure.inc", imm: [] },
  0x25: { name: "backpressure.dec", imm: [] },
  0x08: { name: "backpressure.set", imm: [] },
  0x09: { name: "task.return", imm: ["results", "opts"] },
  0x05: { name: "task.cancel", imm: [] },
  0x0a: { name: "context.get", imm: ["valtype", "u32"] },
  0x0b: { name: "context.set", imm: ["valtype", "u32"] },
  0x06: { name: "subtask.cancel", imm: ["async"] },
  0x0d: { name: "subtask.drop", imm: [] },
  0x0e: { name: "stream.new", imm: ["type"] },
  0x0f: { name: "stream.read", imm: ["type", "opts"] },
  0x10: { name: "stream.write", imm: ["type", "opts"] },
  0x11: { name: "stream.cancel-read", imm: ["type", "async"] },
  0x12: { name: "stream.cancel-write", imm: ["type", "async"] },
  0x13: { name: "stream.drop-readable", imm: ["type"] },
  0x14: { name: "stream.drop-writable", imm: ["type"] },
  0x15: { name: "future.new", imm: ["type"] },
  0x16: { name: "future.read", imm: ["type", "opts"] },
  0x17: { name: "future.write", imm: ["type", "opts"] },
  0x18: { name: "future.cancel-read", imm: ["type", "async"] },
  0x19: { name: "future.cancel-write", imm: ["type", "async"] },
  0x1a: { name: "future.drop-readable", imm: ["type"] },
  0x1b: { name: "future.drop-writable", imm: ["type"] },
  0x1c: { name: "error-context.new", imm: ["opts"] },
  0x1d: { name: "error-context.debug-message", imm: ["opts"] },
  0x1e: { name: "error-context.drop", imm: [] },
  0x1f: { name: "waitable-set.new", imm: [] },
  0x20: { name: "waitable-set.wait", imm: ["cancel", "memory"] },
  0x21: { name: "waitable-set.poll", imm: ["cancel", "memory"] },
  0x22: { name: "waitable-set.drop", imm: [] },
  0x23: { name: "waitable.join", imm: [] },
  0x26: { name: "thread.index", imm: [] },
  0x27: { name: "thread.new-indirect", imm: ["coretype", "table"] },
  0x28: { name: "thread.resume-later", imm: [] },
  0x29: { name: "thread.suspend", imm: ["cancel"] },
  0x0c: { name: "thread.yield", imm: ["cancel"] },
  0x2a: { name: "thread.suspend-then-resume", imm: ["cancel"] },
  0x2b: { name: "thread.yield-then-resume", imm: ["cancel"] },
  0x2c: { name: "thread.suspend-then-promote", imm: ["cancel"] },
  0x2d: { name: "thread.yield-then-promote", imm: ["cancel"] },
  0x40: { name: "thread.spawn-ref", imm: ["shared", "coretype"] },
  0x41: { name: "thread.spawn-indirect", imm: ["shared", "coretype", "table"] },
  0x42: { name: "thread.available-parallelism", imm: ["shared"] },
};

function readCanon(r: Reader, push: <D>(sort: Sort, def: D, offset: number) => number, valType: () => ValType): void {
  const at = r.pos;
  const op = r.u8();
  switch (op) {
    case 0x00: {
      const sub = r.u8();
      if (sub !== 0x00) r.fail(`invalid canon lift sub-opcode 0x${sub.toString(16)}`, at + 1);
      const core = r.u32();
      const options = readOptions(r);
      const type = r.u32();
      push<FuncDef>("func", { kind: "lift", core, type, options }, at);
      return;
    }
    case 0x01: {
      const sub = r.u8();
      if (sub !== 0x00) r.fail(`invalid canon lower sub-opcode 0x${sub.toString(16)}`, at + 1);
      const func = r.u32();
      const options = readOptions(r);
      push<CoreItemDef>("core func", { kind: "canon", canon: { kind: "lower", func, options } }, at);
      return;
    }
    case 0x02:
    case 0x03:
    case 0x04:
    case 0x07: {
      const kind = op === 0x02 ? "resource.new" : op === 0x04 ? "resource.rep" : "resource.drop";
      const type = r.u32();
      push<CoreItemDef>("core func", { kind: "canon", canon: { kind, type, async: op === 0x07 } }, at);
      return;
    }
  }
  const b = builtins[op];
  if (b === undefined) r.fail(`invalid canonical function opcode 0x${op.toString(16)}`, at);
  const canon: CoreCanon & { kind: "builtin" } = { kind: "builtin", name: b.name, async: false };
  for (const imm of b.imm) {
    switch (imm) {
      case "type":
        canon.type = r.u32();
        break;
      case "opts":
        canon.options = readOptions(r);
        break;
      case "async":
      case "cancel":
      case "shared": {
        const f = r.u8();
        if (f > 1) r.fail(`invalid flag 0x${f.toString(16)}`, r.pos - 1);
        if (imm !== "shared") canon.async = f === 1;
        break;
      }
      case "memory":
        canon.memory = r.u32();
        break;
      case "valtype":
        r.u8();
        break;
      case "u32":
        canon.index = r.u32();
        break;
      case "coretype":
        r.u32();
        break;
      case "table":
        canon.table = r.u32();
        break;
      case "results": {
        const tag = r.u8();
        if (tag === 0x00) canon.result = valType();
        else if (tag === 0x01) {
          if (r.u8() !== 0) r.fail("invalid result list", r.pos - 1);
        } else r.fail("invalid result list", r.pos - 1);
        break;
      }
    }
  }
  push<CoreItemDef>("core func", { kind: "canon", canon }, at);
}

/** `core:type`: a function (or GC) type, a non-final sub type, or a module type. */
function readCoreType(r: Reader): CoreTypeDef {
  const at = r.pos;
  const b = r.peek();
  if (b === 0x50) {
    r.u8();
    return { kind: "module", type: readModuleType(r) };
  }
  if (b === 0x00) {
    r.u8();
    if (r.u8() !== 0x50) r.fail("invalid core sub type", at);
    r.vec((rr) => rr.u32());
    return { kind: "func", type: readCoreCompType(r) };
  }
  if (b === 0x4e) {
    r.u8();
    const types = r.vec((rr) => {
      if (rr.peek() === 0x50 || rr.peek() === 0x4f) {
        rr.u8();
        rr.vec((x) => x.u32());
      }
      return readCoreCompType(rr);
    });
    return { kind: "func", type: types[0] };
  }
  if (b === 0x4f) {
    r.u8();
    r.vec((rr) => rr.u32());
  }
  return { kind: "func", type: readCoreCompType(r) };
}

function readModuleType(r: Reader): CoreModuleType {
  const out: CoreModuleType = { imports: [], exports: [] };
  const types: (CoreFuncType | undefined)[] = [];
  const n = r.u32();
  for (let i = 0; i < n; i++) {
    const at = r.pos;
    const d = r.u8();
    if (d === 0x00) {
      const module = r.name();
      const name = r.name();
      const ext = coreExtern(r, types);
      out.imports.push({ module, name, ...ext });
    } else if (d === 0x01) {
      const t = readCoreType(r);
      if (t.kind === "module") r.fail("a module type cannot contain a module type", at);
      types.push(t.kind === "func" ? t.type : undefined);
    } else if (d === 0x02) {
      const sort = r.u8();
      const kind = r.u8();
      if (sort !== 0x10 || kind !== 0x01) r.fail("invalid alias in a module type", at);
      r.u32();
      r.u32();
      types.push(undefined);
    } else if (d === 0x03) {
      const name = r.name();
      out.exports.push({ name, ...coreExtern(r, types) });
    } else r.fail(`invalid module type declaration 0x${d.toString(16)}`, at);
  }
  return out;
}

function coreExtern(r: Reader, types: (CoreFuncType | undefined)[]): { kind: string; type?: CoreFuncType } {
  const at = r.pos;
  const k = r.u8();
  switch (k) {
    case 0x00: {
      const i = r.u32();
      if (i >= types.length) r.fail(`type index out of bounds: ${i}`, at);
      return { kind: "func", type: types[i] };
    }
    case 0x01:
      readCoreValType(r);
      readCoreLimits(r);
      return { kind: "table" };
    case 0x02:
      readCoreLimits(r);
      return { kind: "memory" };
    case 0x03:
      readCoreValType(r);
      r.u8();
      return { kind: "global" };
    case 0x04:
      r.u8();
      r.u32();
      return { kind: "tag" };
    default:
      return r.fail(`invalid core extern kind 0x${k.toString(16)}`, at);
  }
}

/** The function type of a type index entry, peeled of `eq` links. */
export function peelEntry(e: Entry): Entry {
  while (e.kind === "eq") e = e.target;
  return e;
}

export type { Entry, Extern, NameAttrs, ValType };
