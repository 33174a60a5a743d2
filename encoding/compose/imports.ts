/**
 * What every way of composing needs once it has decided which import of
 * which instance is satisfied by what:
 *
 * - loading components (their types, as the validator gives them) and
 *   validating the result;
 * - canonical resources: each resource an import declares stands, within
 *   the instance that imports it, for one canonical entry (the resource of
 *   the export that satisfies the import, or the resource of the
 *   composition's import of that name, shared by everyone importing it). An
 *   instance's map from declared entries to canonical ones is its `canon`;
 *   `canonical` applies it to a type;
 * - the imports left to the composition, merged by name (semver-compatible
 *   names together, under the highest version), in an order where each comes
 *   after the imports whose types it uses, and refused when their types
 *   conflict or use a resource defined inside the composition.
 */
import { readComponent, ComponentReadError } from "../decode/component.js";
import type { Entry, Extern } from "../decode/binary.js";
import { ComponentValidationError, componentTypeOf, validateComponent } from "../validate-component.js";
import { resolve, subst, TypeError_, type ComponentEntry } from "../validate/types.js";
import { ComposeError } from "./errors.js";
import { dependencyOrder, reachable, type CompositionImport } from "./graph.js";
import { declaredResources, highestVersion, importKey, mergeExtern } from "./merge.js";
import { step, type TypedExtern } from "./types.js";

/** A component to compose: how messages name it, its bytes, and its type. */
export interface Loaded {
  label: string;
  bytes: Uint8Array;
  type: ComponentEntry;
}

/** Reads and validates a component; `label` names it in the error. */
export function load(bytes: Uint8Array, label: string): Loaded {
  try {
    return { label, bytes, type: componentTypeOf(readComponent(bytes)) };
  } catch (e) {
    if (e instanceof ComponentReadError || e instanceof ComponentValidationError) {
      throw new ComposeError(`${label} is not a valid component: ${e.message}`);
    }
    throw e;
  }
}

/** Returns `bytes` once they validate as a component. */
export function validated(bytes: Uint8Array): Uint8Array {
  try {
    validateComponent(readComponent(bytes));
  } catch (e) {
    if (e instanceof ComponentReadError || e instanceof ComponentValidationError) {
      throw new ComposeError(`the composition does not validate: ${e.message}`);
    }
    throw e;
  }
  return bytes;
}

/** An extern's type with resources (and merged types) replaced by their canonical entries. */
export function canonical(x: TypedExtern, canon: Map<Entry, Entry>, memo?: Map<Entry, Entry>): TypedExtern {
  return { sort: x.sort, entry: subst(x.entry, canon, memo) };
}

/** The resources of the composition's imports: one per import name (semver track) and path of export names. */
export class ImportResources {
  private readonly byKey = new Map<string, Entry>();
  private readonly all = new Set<Entry>();

  /** The resource at `path` in the composition's import `name`. */
  resource(name: string, path: string[]): Entry {
    const key = [importKey(name), ...path].join("\0");
    let r = this.byKey.get(key);
    if (!r) {
      this.byKey.set(key, (r = { kind: "resource" }));
      this.all.add(r);
    }
    return r;
  }

  /** Records in `canon` that the resources import `x` declares are those of the composition's import `name`. */
  leave(x: Extern, canon: Map<Entry, Entry>, name = x.name): void {
    for (const { resource, path } of declaredResources(x)) canon.set(resource, this.resource(name, path));
  }

  /** Whether `e` is a resource of one of the composition's imports. */
  has(e: Entry): boolean {
    return this.all.has(e);
  }
}

/** One import of one instance, to be left to the composition. */
export interface Member {
  /** The importing instance, as the caller numbers them. */
  owner: number;
  /** The import's position among its component's imports. */
  position: number;
  x: Extern;
  /** The name the composition imports it under (`x.name` by default). */
  name?: string;
}

export interface MergeContext {
  /** The canonical resources of each owner's types. */
  canonOf(owner: number): Map<Entry, Entry>;
  /** How messages name an owner (e.g. "the socket", "instance `a`"). */
  labelOf(owner: number): string;
  resources: ImportResources;
  /** How messages name a resource defined inside the composition (an export's resource, say). */
  describeResource(resource: Entry): string | undefined;
}

/** The merged imports, and for each member the index of its import among them. */
export interface MergedImports {
  imports: CompositionImport[];
  importOf: number[];
}

const memberName = (m: Member) => m.name ?? m.x.name;

/**
 * Groups `members` into the composition's imports (by name, semver-compatible
 * names together), merges each group's types, and orders them so that each
 * comes after those whose types it uses. Throws `ComposeError`.
 */
export function mergeImports(members: Member[], cx: MergeContext): MergedImports {
  const groupOf = new Map<string, number>();
  const groups: Member[][] = [];
  const importOf = members.map((m) => {
    const key = importKey(memberName(m));
    let g = groupOf.get(key);
    if (g === undefined) {
      groupOf.set(key, (g = groups.length));
      groups.push([]);
    }
    groups[g]!.push(m);
    return g;
  });

  // A group comes after the groups whose types its members use (each member's component says which).
  const exposed = members.map((m) => exposedEntries(m.x));
  const deps = groups.map(() => new Set<number>());
  members.forEach((m, i) => {
    const seen = reachable(m.x.entry);
    members.forEach((n, j) => {
      if (n.owner === m.owner && n.position < m.position && exposed[j]!.some((e) => seen.has(e))) {
        if (importOf[j] !== importOf[i]) deps[importOf[i]!]!.add(importOf[j]!);
      }
    });
  });
  const order = dependencyOrder(
    deps.map((d) => [...d]),
    (cycle) =>
      new ComposeError(
        `the imports ${cycle.map((g) => `\`${memberName(groups[g]![0]!)}\``).join(", ")} use each other's types, so they cannot be merged`,
      ),
  );

  const memos = new Map<number, Map<Entry, Entry>>();
  const memoOf = (owner: number) => {
    let memo = memos.get(owner);
    if (!memo) memos.set(owner, (memo = new Map()));
    return memo;
  };
  const imports: CompositionImport[] = [];
  for (const g of order) {
    const group = groups[g]!;
    const name = highestVersion(group.map(memberName));
    let merged: TypedExtern | undefined;
    for (const m of group) {
      const t = canonical(m.x, cx.canonOf(m.owner), memoOf(m.owner));
      if (!merged) {
        merged = t;
        continue;
      }
      try {
        merged = mergeExtern(merged, t, new Map());
      } catch (e) {
        if (!(e instanceof TypeError_)) throw e;
        throw new ComposeError(
          `failed to merge the type definition for implicit import \`${name}\` due to conflicting types: ${cx.labelOf(group[0]!.owner)} imports \`${group[0]!.x.name}\` and ${cx.labelOf(m.owner)} imports \`${m.x.name}\` with different types: ${e.message}`,
        );
      }
    }
    // Later imports name these types through the members' own entries: they now mean the merged ones.
    for (const m of group) remapTypes(m.x, merged!, cx.canonOf(m.owner));
    checkImportable(name, group, merged!, cx);
    // Attributes (`implements`…) belong to the name the component gave; a renamed import has none.
    const first = group[0]!;
    imports[g] = { name, attrs: memberName(first) === first.x.name ? first.x.attrs : undefined, type: merged! };
  }
  return { imports, importOf };
}

/** The types an import offers to later imports of its component. */
function exposedEntries(x: Extern): Entry[] {
  if (x.sort === "type") return [x.entry];
  const inst = x.sort === "instance" ? resolve(x.entry) : undefined;
  return inst?.kind === "instance" ? inst.exports.filter((y) => y.sort === "type").map((y) => y.entry) : [];
}

/** Records that the types `x` offers are, from now on, those of the merged import. */
function remapTypes(x: Extern, merged: TypedExtern, canon: Map<Entry, Entry>): void {
  if (x.sort === "type") {
    if (x.entry !== merged.entry) canon.set(x.entry, merged.entry);
    return;
  }
  const inst = x.sort === "instance" ? resolve(x.entry) : undefined;
  const into = resolve(merged.entry);
  if (inst?.kind !== "instance" || into.kind !== "instance") return;
  for (const y of inst.exports) {
    if (y.sort !== "type") continue;
    const z = into.exports.find((e) => e.name === y.name);
    if (z && z.entry !== y.entry) canon.set(y.entry, z.entry);
  }
}

/**
 * An import can only use resources the composition imports: not one an
 * instance defines (an import of an interface that uses the resource of an
 * interface another instance exports, say).
 */
function checkImportable(name: string, group: Member[], merged: TypedExtern, cx: MergeContext): void {
  for (const e of reachable(merged.entry)) {
    if (e.kind !== "resource" || cx.resources.has(e)) continue;
    const what = cx.describeResource(e) ?? "a resource defined inside the composition";
    const who = [...new Set(group.map((m) => cx.labelOf(m.owner)))].join(" and ");
    throw new ComposeError(
      `import \`${name}\` of ${who} is left to the composition, but its type uses ${what}, which the composition cannot import`,
    );
  }
}

/**
 * Where an instance's export types hold `resource`: "resource `r` of export
 * `e` of <label>", for the last of `instances` that has it.
 */
export function describeExportedResource(
  resource: Entry,
  instances: { label: string; exports: Extern[] }[],
): string | undefined {
  let what: string | undefined;
  for (const { label, exports } of instances) {
    for (const x of exports) {
      const inst = x.sort === "instance" ? resolve(x.entry) : undefined;
      const r =
        inst?.kind === "instance"
          ? inst.exports.find((y) => y.sort === "type" && resolve(y.entry) === resource)
          : undefined;
      if (r) what = `resource \`${r.name}\` of export \`${x.name}\` of ${label}`;
    }
  }
  return what;
}

/** Where a type import's bound comes from: an earlier import of the same component, and which of its types. */
export interface BoundSource {
  /** The earlier import's position. */
  position: number;
  /** The name of the type that import (an instance) exports; undefined when the import is itself a type. */
  member?: string;
}

/**
 * For the type import at `k` of `imports`: the nearest earlier import whose
 * type (or type export) its `eq` bound names, if any. A world's `use t.{r}`
 * imports `t`, then `r` bounded by `t`'s `r`.
 */
export function boundSource(imports: Extern[], k: number): BoundSource | undefined {
  const imp = imports[k]!;
  if (imp.sort !== "type") return undefined;
  const chain = new Set<Entry>();
  for (let e: Entry | undefined = imp.entry; e && !chain.has(e); e = step(e)) chain.add(e);
  chain.delete(imp.entry);
  for (let j = k - 1; j >= 0; j--) {
    const x = imports[j]!;
    if (x.sort === "type" && chain.has(x.entry)) return { position: j };
    const inst = x.sort === "instance" ? resolve(x.entry) : undefined;
    if (inst?.kind !== "instance") continue;
    const y = inst.exports.find((y) => y.sort === "type" && chain.has(y.entry));
    if (y) return { position: j, member: y.name };
  }
  return undefined;
}
