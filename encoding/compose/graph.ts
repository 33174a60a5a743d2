/**
 * A composition as data, and its encoding as one component that embeds the
 * components it instantiates (so it runs on its own):
 *
 * - the imports it declares, each with a type already merged from everyone
 *   who imports that name, re-encoded by the `TypeEncoder` (imports whose
 *   types use another import's types come after it);
 * - the instances of embedded components, each with its arguments: an import
 *   of the composition, or an export of another instance (instances come
 *   after the instances they take arguments from; a cycle cannot be encoded);
 * - what it exports: exports of its instances.
 *
 * `plug` builds one of these; so can any other way of wiring components.
 */
import { ComponentBuilder } from "../builder.js";
import { forEachDefinedChild, type Entry, type Extern, type NameAttrs, type ValType } from "../decode/binary.js";
import type { SortName } from "../writer.js";
import { ComposeError } from "./errors.js";
import { externName, step, TypeEncoder, type TypedExtern } from "./types.js";

export interface CompositionImport {
  name: string;
  attrs?: NameAttrs;
  type: TypedExtern;
}

/**
 * What an instantiation argument is: an import of the composition, or an
 * export of an instance; with `member`, the type of that name the export (an
 * instance) exports, whose sort is then `type`.
 */
export type Argument =
  | { kind: "import"; import: number }
  | { kind: "export"; instance: number; name: string; sort: Extern["sort"]; member?: string };

export interface CompositionInstance {
  /** Index into `components`. */
  component: number;
  args: { name: string; arg: Argument }[];
  /** How messages name the instance (e.g. "the socket", "plug `a.wasm`"). */
  label: string;
}

export interface CompositionExport {
  name: string;
  attrs?: NameAttrs;
  instance: number;
  export: string;
  sort: Extern["sort"];
}

export interface Composition {
  components: Uint8Array[];
  imports: CompositionImport[];
  instances: CompositionInstance[];
  exports: CompositionExport[];
}

/** Every entry a type reaches (through aliases, contents, functions and declarations). */
export function reachable(e: Entry, into = new Set<Entry>()): Set<Entry> {
  const visitVal = (v: ValType | undefined) => {
    if (v !== undefined && typeof v !== "string") visit(v);
  };
  const visit = (x: Entry): void => {
    if (into.has(x)) return;
    into.add(x);
    const next = step(x);
    if (next) return visit(next);
    switch (x.kind) {
      case "defined":
        return forEachDefinedChild(x.def, visitVal, visit);
      case "func":
        x.params.forEach((p) => visitVal(p.type));
        return visitVal(x.result);
      case "instance":
        return x.exports.forEach((y) => visit(y.entry));
      case "component":
        x.imports.forEach((y) => visit(y.entry));
        return x.exports.forEach((y) => visit(y.entry));
      default:
        return;
    }
  };
  visit(e);
  return into;
}

/** The types an import makes available to others: an instance's type exports, or the imported type. */
function exposedTypes(t: TypedExtern): Entry[] {
  if (t.sort === "type") return [t.entry];
  if (t.sort !== "instance") return [];
  let inst = t.entry;
  while (step(inst)) inst = step(inst)!;
  return inst.kind === "instance" ? inst.exports.filter((x) => x.sort === "type").map((x) => x.entry) : [];
}

/**
 * Orders `items` so that each comes after those it depends on, keeping the
 * given order otherwise; `cycle` makes the error for items that depend on
 * each other.
 */
export function dependencyOrder(deps: number[][], cycle: (members: number[]) => Error): number[] {
  const state = new Array<0 | 1 | 2>(deps.length).fill(0);
  const out: number[] = [];
  const stack: number[] = [];
  const visit = (i: number): void => {
    if (state[i] === 2) return;
    if (state[i] === 1) throw cycle(stack.slice(stack.indexOf(i)));
    state[i] = 1;
    stack.push(i);
    for (const d of deps[i]!) visit(d);
    stack.pop();
    state[i] = 2;
    out.push(i);
  };
  for (let i = 0; i < deps.length; i++) visit(i);
  return out;
}

function sortName(sort: Extern["sort"], what: string): SortName {
  if (sort === "module") throw new ComposeError(`${what} is a core module: core modules cannot be composed`);
  return sort;
}

/** Encodes a composition as a component. */
export function encodeComposition(c: Composition): Uint8Array {
  const b = new ComponentBuilder();
  const types = new TypeEncoder(b);

  // Imports, each after the imports whose types it uses.
  const exposed = c.imports.map((i) => exposedTypes(i.type));
  const importDeps = c.imports.map((imp, i) => {
    const seen = reachable(imp.type.entry);
    return c.imports.flatMap((_, j) => (j !== i && exposed[j]!.some((e) => seen.has(e)) ? [j] : []));
  });
  const importOrder = dependencyOrder(importDeps, (members) => {
    const names = members.map((m) => `\`${c.imports[m]!.name}\``).join(", ");
    return new ComposeError(`the types of imports ${names} depend on each other, so they cannot be imported`);
  });
  const importIndex: number[] = [];
  for (const i of importOrder) {
    const imp = c.imports[i]!;
    try {
      importIndex[i] = types.import(externName(imp.name, imp.attrs), imp.type);
    } catch (e) {
      if (e instanceof ComposeError) throw new ComposeError(`cannot import \`${imp.name}\`: ${e.message}`);
      throw e;
    }
  }

  // Instances, each after those it takes arguments from.
  const instanceDeps = c.instances.map((inst) =>
    inst.args.flatMap(({ arg }) => (arg.kind === "export" ? [arg.instance] : [])),
  );
  const instanceOrder = dependencyOrder(instanceDeps, (members) => {
    const labels = members.map((m) => c.instances[m]!.label).join(" → ");
    return new ComposeError(`the composition contains a cycle and cannot be encoded: ${labels}`);
  });
  const componentIndex = new Map<number, number>();
  const instanceIndex: number[] = [];
  const aliases = new Map<string, number>();
  const alias = (instance: number, name: string, sort: Extern["sort"]): number => {
    const key = `${instance}\0${name}`;
    let index = aliases.get(key);
    if (index === undefined) {
      const s = sortName(sort, `export \`${name}\` of ${c.instances[instance]!.label}`);
      index = b.aliasExport(instanceIndex[instance]!, name, s);
      aliases.set(key, index);
    }
    return index;
  };
  const aliasMember = (instance: number, name: string, member: string): number => {
    const key = `${instance}\0${name}\0${member}`;
    let index = aliases.get(key);
    if (index === undefined) {
      index = b.aliasExport(alias(instance, name, "instance"), member, "type");
      aliases.set(key, index);
    }
    return index;
  };
  for (const i of instanceOrder) {
    const inst = c.instances[i]!;
    let component = componentIndex.get(inst.component);
    if (component === undefined) {
      component = b.component(c.components[inst.component]!);
      componentIndex.set(inst.component, component);
    }
    const args = inst.args.map(({ name, arg }): [string, SortName, number] => {
      if (arg.kind === "import") {
        const imp = c.imports[arg.import]!;
        return [name, sortName(imp.type.sort, `import \`${imp.name}\``), importIndex[arg.import]!];
      }
      if (arg.member !== undefined) return [name, "type", aliasMember(arg.instance, arg.name, arg.member)];
      return [name, sortName(arg.sort, `argument \`${name}\``), alias(arg.instance, arg.name, arg.sort)];
    });
    instanceIndex[i] = b.instantiate(component, args);
  }

  for (const x of c.exports) {
    const index = alias(x.instance, x.export, x.sort);
    b.export(externName(x.name, x.attrs), sortName(x.sort, `export \`${x.name}\``), index);
  }
  return b.finish();
}
