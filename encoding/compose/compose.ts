/**
 * `compose`: components instantiated and wired as a graph says (what
 * `wac compose` does with a WAC document), encoded as one component.
 *
 * - Each instance's arguments come from explicit sources first, then from
 *   the instances it spreads (`...`), in order: each fills the remaining
 *   imports of the names of its exports (a spread instance none of whose
 *   exports is named as an import is an error). An import given nothing is
 *   imported by the composition under its own name; imports of one name (or
 *   semver-compatible names) are merged into one, as `plug` merges them, so
 *   everyone importing a name shares its instance and its resources. A
 *   type import given nothing whose `eq` bound is a type of an earlier
 *   import given an export (a world's `use t.{r}`: `t`, then `r`) is given
 *   that export's type instead.
 * - Every argument's type must be a subtype of the import's (the validator's
 *   check, resources by identity). Each instance has resources of its own:
 *   two instances of one component export different resources.
 * - Instances come after those they take arguments from; a cycle is an
 *   error. A component is embedded once, however many instances it has.
 * - The composition exports what `exports` names; `...` there exports all
 *   exports of instances, except names exported already.
 */
import type { Entry, Extern } from "../decode/binary.js";
import { externSub, resolve, subst, TypeError_, type ResourceMap } from "../validate/types.js";
import { ComposeError } from "./errors.js";
import { dependencyOrder, encodeComposition, reachable, type Argument, type CompositionExport } from "./graph.js";
import {
  boundSource,
  canonical,
  describeExportedResource,
  ImportResources,
  load,
  mergeImports,
  validated,
  type Loaded,
  type Member,
} from "./imports.js";
import { declaredResources } from "./merge.js";
import { checkGraph, keyPath, type ComposeGraph, type Plan, type Source } from "./spec.js";

export interface ComposeOptions {
  /** Where each component came from (e.g. its file), for messages about it. */
  componentFiles?: Record<string, string>;
}

/** What each import of an instance is given: an export of an instance, or an import of the composition. */
interface Given {
  source: Source;
  path: string;
  /** For an export: its name, once resolved. */
  export?: string;
  /** For a type import: the type of this name the export (an instance) exports, rather than the export itself. */
  member?: string;
}

/**
 * Composes `graph`'s components and returns the composition: a component
 * embedding them, validated. Throws `ComposeError`, whose `path` names the
 * key of the graph at fault when there is one.
 */
export function compose(graph: ComposeGraph, options: ComposeOptions = {}): Uint8Array {
  const plan = checkGraph(graph);
  const components = plan.components.map(({ name, bytes }) => {
    const file = options.componentFiles?.[name];
    const label = `component \`${name}\`${file === undefined ? "" : ` (\`${file}\`)`}`;
    try {
      return load(bytes, label);
    } catch (e) {
      if (e instanceof ComposeError) throw new ComposeError(e.message, keyPath("components", name));
      throw e;
    }
  });
  const typeOf = (i: number) => components[plan.instances[i]!.component]!.type;
  const labelOf = (i: number) => `instance \`${plan.instances[i]!.name}\``;

  const given = plan.instances.map((_, i) => argumentsOf(plan, i, typeOf));
  const order = dependencyOrder(
    given.map((g) => [
      ...new Set([...g.values()].flatMap((a) => (a.source.kind === "export" ? [a.source.instance] : []))),
    ]),
    (cycle) => {
      const names = [...cycle, cycle[0]!].map((i) => `\`${plan.instances[i]!.name}\``).join(" → ");
      return new ComposeError(`the instances take arguments from each other in a cycle: ${names}`, "instances");
    },
  );

  // Each instance's resources: those of its arguments, of the composition's imports, or its own.
  const resources = new ImportResources();
  const canon = plan.instances.map(() => new Map<Entry, Entry>());
  const exportsOf: Extern[][] = [];
  const members: Member[] = [];
  for (const i of order) {
    const type = typeOf(i);
    type.imports.forEach((imp, position) => {
      const arg = given[i]!.get(position);
      // A type import given nothing, bounded by a type of an import given an export, is given that export's type.
      const bound = arg ? undefined : boundSource(type.imports, position);
      const from = bound && given[i]!.get(bound.position);
      if (bound && from?.source.kind === "export") {
        const member = bound.member ?? from.member;
        if (bound.member === undefined || from.member === undefined) {
          given[i]!.set(position, { ...from, member });
          return;
        }
      }
      if (!arg || arg.source.kind === "import") {
        const name = arg?.source.kind === "import" ? arg.source.name : imp.name;
        resources.leave(imp, canon[i]!, name);
        members.push({ owner: i, position, x: imp, name });
        return;
      }
      const actual = exported(exportsOf[arg.source.instance]!, arg.export!, arg.member);
      const map: ResourceMap = new Map();
      try {
        externSub(actual, canonical(imp, canon[i]!), map);
      } catch (e) {
        if (!(e instanceof TypeError_)) throw e;
        throw new ComposeError(
          `export \`${actual.name}\` of ${labelOf(arg.source.instance)} does not match import \`${imp.name}\` of ${labelOf(i)}: ${e.message}`,
          arg.path,
        );
      }
      for (const { resource } of declaredResources(imp)) {
        const r = map.get(resource);
        if (r) canon[i]!.set(resource, r);
      }
    });
    // Resources the component defines are new for each instance.
    for (const x of type.exports) {
      for (const e of reachable(x.entry)) {
        if (e.kind === "resource" && !canon[i]!.has(e)) canon[i]!.set(e, { kind: "resource" });
      }
    }
    const memo = new Map<Entry, Entry>();
    exportsOf[i] = type.exports.map((x) => ({ ...x, entry: subst(x.entry, canon[i]!, memo) }));
  }

  const { imports, importOf } = mergeImports(members, {
    canonOf: (i) => canon[i]!,
    labelOf,
    resources,
    describeResource: (e) =>
      describeExportedResource(
        e,
        plan.instances.map((_, i) => ({ label: labelOf(i), exports: exportsOf[i]! })),
      ),
  });

  // Components are embedded once each, in the order instances first use them.
  const embedded = new Map<number, number>();
  for (const inst of plan.instances) if (!embedded.has(inst.component)) embedded.set(inst.component, embedded.size);
  const importArg = new Map(members.map((m, k) => [`${m.owner}\0${m.position}`, importOf[k]!]));
  const instances = plan.instances.map((inst, i) => ({
    component: embedded.get(inst.component)!,
    label: labelOf(i),
    args: typeOf(i).imports.map((imp, position) => {
      const g = given[i]!.get(position);
      const arg: Argument =
        g && g.source.kind === "export"
          ? { kind: "export", instance: g.source.instance, name: g.export!, sort: imp.sort, member: g.member }
          : { kind: "import", import: importArg.get(`${i}\0${position}`)! };
      return { name: imp.name, arg };
    }),
  }));

  return validated(
    encodeComposition({
      components: [...embedded.keys()].map((c) => components[c]!.bytes),
      imports,
      instances,
      exports: exportsFrom(plan, typeOf),
    }),
  );
}

/**
 * The import of `type` an argument key names: the import of that name, or
 * else its one import of an interface of that name (`leaf` for
 * `test:x/leaf@1.0.0`).
 */
function importNamed(externs: Extern[], key: string): number {
  const exact = externs.findIndex((x) => x.name === key);
  if (exact >= 0) return exact;
  const matches = externs.flatMap((x, i) => (interfaceName(x.name) === key ? [i] : []));
  return matches.length === 1 ? matches[0]! : -1;
}

/** `leaf` for `test:x/leaf@1.0.0`; undefined for a name without an interface. */
function interfaceName(name: string): string | undefined {
  const slash = name.lastIndexOf("/");
  if (slash < 0) return undefined;
  const at = name.indexOf("@", slash);
  return name.slice(slash + 1, at < 0 ? undefined : at);
}

/**
 * `name.member`: the type `member` that an instance export `name` (an
 * interface name works as for arguments) exports, if there is one.
 */
function typeMember(exports: Extern[], wanted: string): { export: string; member: string } | undefined {
  const dot = wanted.lastIndexOf(".");
  if (dot <= 0) return undefined;
  const e = importNamed(exports, wanted.slice(0, dot));
  const x = exports[e];
  const inst = x?.sort === "instance" ? resolve(x.entry) : undefined;
  const member = wanted.slice(dot + 1);
  if (inst?.kind !== "instance" || !inst.exports.some((y) => y.sort === "type" && y.name === member)) return undefined;
  return { export: x!.name, member };
}

/** Export `name` of `exports`, or with `member` the type of that name it exports (named `name.member`). */
function exported(exports: Extern[], name: string, member: string | undefined): Extern {
  const x = exports.find((y) => y.name === name)!;
  if (member === undefined) return x;
  const inst = resolve(x.entry);
  const y = inst.kind === "instance" ? inst.exports.find((z) => z.sort === "type" && z.name === member) : undefined;
  return { name: `${name}.${member}`, attrs: y!.attrs, sort: "type", entry: y!.entry };
}

function nameList(externs: Extern[]): string {
  return externs.length === 0 ? "none" : externs.map((x) => `\`${x.name}\``).join(", ");
}

/** What each import of instance `i` is given (by import position): explicit arguments, then spreads. */
function argumentsOf(plan: Plan, i: number, typeOf: (i: number) => Loaded["type"]): Map<number, Given> {
  const inst = plan.instances[i]!;
  const component = `component \`${plan.components[inst.component]!.name}\``;
  const imports = typeOf(i).imports;
  const out = new Map<number, Given>();
  const keyOf = new Map<number, string>();
  for (const { key, path, source } of inst.args) {
    const k = importNamed(imports, key);
    if (k < 0)
      throw new ComposeError(`${component} has no import \`${key}\` (its imports: ${nameList(imports)})`, path);
    const previous = keyOf.get(k);
    if (previous !== undefined) {
      throw new ComposeError(
        `import \`${imports[k]!.name}\` of ${component} is given an argument twice (also as \`${previous}\`)`,
        path,
      );
    }
    keyOf.set(k, key);
    if (source.kind === "import") {
      out.set(k, { source, path });
      continue;
    }
    const exports = typeOf(source.instance).exports;
    const wanted = source.export ?? imports[k]!.name;
    const e = source.export === undefined ? exports.findIndex((x) => x.name === wanted) : importNamed(exports, wanted);
    const member = e < 0 && source.export !== undefined ? typeMember(exports, wanted) : undefined;
    if (member) {
      out.set(k, { source, path, ...member });
      continue;
    }
    if (e < 0) {
      const from = plan.instances[source.instance]!.name;
      throw new ComposeError(
        `instance \`${from}\` has no export \`${wanted}\` (its exports: ${nameList(exports)})`,
        path,
      );
    }
    out.set(k, { source, path, export: exports[e]!.name });
  }
  for (const { instance, path } of inst.spread) {
    const exports = typeOf(instance).exports;
    const named = imports.filter((imp) => exports.some((x) => x.name === imp.name));
    if (named.length === 0) {
      const from = plan.instances[instance]!.name;
      throw new ComposeError(
        `instance \`${from}\` has no export named as an import of ${component} (its exports: ${nameList(exports)})`,
        path,
      );
    }
    imports.forEach((imp, k) => {
      if (!out.has(k) && exports.some((x) => x.name === imp.name)) {
        out.set(k, { source: { kind: "export", instance }, path, export: imp.name });
      }
    });
  }
  return out;
}

/** The composition's exports: those named, then those of the instances spread. */
function exportsFrom(plan: Plan, typeOf: (i: number) => Loaded["type"]): CompositionExport[] {
  const out: CompositionExport[] = [];
  // Component model names are unique regardless of case.
  const taken = new Map<string, string>();
  const add = (name: string, instance: number, x: Extern) => {
    taken.set(name.toLowerCase(), name);
    out.push({ name, attrs: name === x.name ? x.attrs : undefined, instance, export: x.name, sort: x.sort });
  };
  for (const { name, path, source } of plan.exports) {
    const previous = taken.get(name.toLowerCase());
    if (previous !== undefined)
      throw new ComposeError(`export name \`${name}\` is used twice (also as \`${previous}\`)`, path);
    const exports = typeOf(source.instance).exports;
    const wanted = source.export ?? name;
    const e = source.export === undefined ? exports.findIndex((x) => x.name === wanted) : importNamed(exports, wanted);
    if (e < 0) {
      const from = plan.instances[source.instance]!.name;
      throw new ComposeError(
        `instance \`${from}\` has no export \`${wanted}\` (its exports: ${nameList(exports)})`,
        path,
      );
    }
    add(name, source.instance, exports[e]!);
  }
  for (const { instance, path } of plan.exportSpread) {
    const fresh = typeOf(instance).exports.filter((x) => !taken.has(x.name.toLowerCase()));
    if (fresh.length === 0) {
      const from = plan.instances[instance]!.name;
      throw new ComposeError(
        `spreading the exports of instance \`${from}\` has no effect: it has no exports, or all are exported already`,
        path,
      );
    }
    for (const x of fresh) add(x.name, instance, x);
  }
  return out;
}
