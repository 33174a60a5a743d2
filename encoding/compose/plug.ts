/**
 * `plug`: the exports of plug components satisfy the imports of a socket
 * component, with the meaning `wac plug` gives it.
 *
 * - An export of a plug satisfies the socket's import of the same name, or
 *   else of a semver-compatible name, when its type is a subtype of the
 *   import's (the validator's subtype check: instances may have more
 *   exports, functions must match, resources are matched by identity). An
 *   export that matches by name but not by type is passed over (and
 *   reported to `warn`); two exports that both satisfy one import are an
 *   error.
 * - Each plug is instantiated once, and only if one of its exports is used.
 * - What is left unsatisfied, among the socket's imports and those of the
 *   plugs used, is imported by the composition; imports of one name (or of
 *   semver-compatible names, under the highest version) are merged, and
 *   refused when their types conflict. Everyone who imports a name gets
 *   the same instance, hence the same resources.
 * - The socket's exports are the composition's.
 *
 * Resources are tracked by identity throughout: a resource a socket import
 * declares becomes the plug's resource that satisfies it, or the resource
 * of the composition's import of that name; the types of later imports are
 * checked and re-encoded with those substitutions.
 */
import { readComponent, ComponentReadError } from "../decode/component.js";
import type { Entry, Extern } from "../decode/binary.js";
import { ComponentValidationError, componentTypeOf, validateComponent } from "../validate-component.js";
import { externSub, resolve, subst, TypeError_, type ComponentEntry, type ResourceMap } from "../validate/types.js";
import { ComposeError } from "./errors.js";
import {
  dependencyOrder,
  encodeComposition,
  reachable,
  type Argument,
  type Composition,
  type CompositionInstance,
} from "./graph.js";
import { declaredResources, highestVersion, importKey, mergeExtern, semverCompatible } from "./merge.js";
import type { TypedExtern } from "./types.js";

export interface PlugOptions {
  /** How messages name the socket (e.g. its file); "the socket" by default. */
  socketName?: string;
  /** How messages name each plug (e.g. their files); "plug 1", "plug 2"… by default. */
  plugNames?: string[];
  /** Told of each export that matched an import by name but not by type, and was passed over. */
  warn?: (message: string) => void;
}

interface Loaded {
  label: string;
  bytes: Uint8Array;
  type: ComponentEntry;
}

function load(bytes: Uint8Array, label: string): Loaded {
  try {
    return { label, bytes, type: componentTypeOf(readComponent(bytes)) };
  } catch (e) {
    if (e instanceof ComponentReadError || e instanceof ComponentValidationError) {
      throw new ComposeError(`${label} is not a valid component: ${e.message}`);
    }
    throw e;
  }
}

/** An extern's type with resources (and merged types) replaced by their canonical entries. */
function canonical(x: TypedExtern, canon: Map<Entry, Entry>, memo?: Map<Entry, Entry>): TypedExtern {
  return { sort: x.sort, entry: subst(x.entry, canon, memo) };
}

/** One import of one component, to be left to the composition. */
interface Member {
  /** The importing instance: -1 for the socket, else the plug's index. */
  owner: number;
  /** The import's position among its component's imports. */
  position: number;
  x: Extern;
}

/**
 * Plugs the exports of `plugs` into the imports of `socket` and returns the
 * composition: a component embedding them. Throws `ComposeError`.
 */
export function plug(socket: Uint8Array, plugs: Uint8Array[], options: PlugOptions = {}): Uint8Array {
  const s = load(socket, options.socketName === undefined ? "the socket" : `socket \`${options.socketName}\``);
  const ps = plugs.map((bytes, i) => {
    const name = options.plugNames?.[i];
    return load(bytes, name === undefined ? `plug ${i + 1}` : `plug \`${name}\``);
  });
  const labelOf = (owner: number) => (owner < 0 ? s.label : ps[owner]!.label);

  // Which exports of the plugs name which import of the socket.
  const imports = s.type.imports;
  const candidates = imports.map(() => [] as { plug: number; exp: Extern }[]);
  ps.forEach((p, i) => {
    for (const exp of p.type.exports) {
      let k = imports.findIndex((imp) => imp.name === exp.name);
      if (k < 0) k = imports.findIndex((imp) => semverCompatible(exp.name, imp.name));
      if (k >= 0) candidates[k]!.push({ plug: i, exp });
    }
  });

  // Every resource an import declares stands for the composition's import of that name, unless plugged.
  const canon = new Map<Entry, Entry>();
  const importResources = new Map<string, Entry>();
  const importResource = (name: string, path: string[]): Entry => {
    const key = [importKey(name), ...path].join("\0");
    let r = importResources.get(key);
    if (!r) importResources.set(key, (r = { kind: "resource" }));
    return r;
  };
  const leaveToComposition = (x: Extern) => {
    for (const { resource, path } of declaredResources(x)) canon.set(resource, importResource(x.name, path));
  };
  for (const p of ps) p.type.imports.forEach(leaveToComposition);

  // The socket's imports in order: later ones may use the resources of earlier ones.
  const plugged = new Map<number, { plug: number; exp: Extern }>();
  const passedOver: { k: number; plug: number; exp: Extern; reason: string }[] = [];
  imports.forEach((imp, k) => {
    const accepted: { plug: number; exp: Extern; map: ResourceMap }[] = [];
    for (const c of candidates[k]!) {
      const map: ResourceMap = new Map();
      try {
        externSub(canonical(c.exp, canon), canonical(imp, canon), map);
        accepted.push({ ...c, map });
      } catch (e) {
        if (!(e instanceof TypeError_)) throw e;
        passedOver.push({ k, plug: c.plug, exp: c.exp, reason: e.message });
      }
    }
    if (accepted.length > 1) {
      const [a, b] = accepted as [(typeof accepted)[0], (typeof accepted)[0]];
      throw new ComposeError(
        `import \`${imp.name}\` of ${s.label} is satisfied by export \`${a.exp.name}\` of ${labelOf(a.plug)} and again by export \`${b.exp.name}\` of ${labelOf(b.plug)}: an argument can be passed to an instantiation only once`,
      );
    }
    const chosen = accepted[0];
    if (!chosen) return leaveToComposition(imp);
    plugged.set(k, chosen);
    for (const { resource } of declaredResources(imp)) {
      const actual = chosen.map.get(resource);
      if (actual) canon.set(resource, actual);
    }
  });

  const mismatch = (m: (typeof passedOver)[0]) =>
    `export \`${m.exp.name}\` of ${labelOf(m.plug)} does not match import \`${imports[m.k]!.name}\` of ${s.label}: ${m.reason}`;
  if (plugged.size === 0) {
    const details = passedOver.map((m) => `\n  ${mismatch(m)}`).join("");
    throw new ComposeError(`the socket component had no matching imports for the plugs that were provided${details}`);
  }
  for (const m of passedOver) options.warn?.(`${mismatch(m)}; the export is not used`);

  const used = [...new Set([...plugged.values()].map((c) => c.plug))].sort((a, b) => a - b);
  const composition = compose(s, ps, used, plugged, canon, new Set(importResources.values()), labelOf);
  const bytes = encodeComposition(composition);
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

/** The composition: merged imports, the plugs used, the socket, and the socket's exports. */
function compose(
  s: Loaded,
  ps: Loaded[],
  used: number[],
  plugged: Map<number, { plug: number; exp: Extern }>,
  canon: Map<Entry, Entry>,
  importResources: Set<Entry>,
  labelOf: (owner: number) => string,
): Composition {
  // What is left to the composition, grouped by name (semver-compatible names together).
  const members: Member[] = [];
  s.type.imports.forEach((x, position) => {
    if (!plugged.has(position)) members.push({ owner: -1, position, x });
  });
  for (const p of used) ps[p]!.type.imports.forEach((x, position) => members.push({ owner: p, position, x }));
  const groupOf = new Map<string, number>();
  const groups: Member[][] = [];
  const memberGroup = members.map((m) => {
    const key = importKey(m.x.name);
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
        if (memberGroup[j] !== memberGroup[i]) deps[memberGroup[i]!]!.add(memberGroup[j]!);
      }
    });
  });
  const order = dependencyOrder(
    deps.map((d) => [...d]),
    (cycle) =>
      new ComposeError(
        `the imports ${cycle.map((g) => `\`${groups[g]![0]!.x.name}\``).join(", ")} use each other's types, so they cannot be merged`,
      ),
  );

  const memo = new Map<Entry, Entry>();
  const mergedTypes: TypedExtern[] = [];
  const names: string[] = [];
  for (const g of order) {
    const group = groups[g]!;
    const name = highestVersion(group.map((m) => m.x.name));
    let merged: TypedExtern | undefined;
    for (const m of group) {
      const t = canonical(m.x, canon, memo);
      if (!merged) {
        merged = t;
        continue;
      }
      try {
        merged = mergeExtern(merged, t, new Map());
      } catch (e) {
        if (!(e instanceof TypeError_)) throw e;
        throw new ComposeError(
          `failed to merge the type definition for implicit import \`${name}\` due to conflicting types: ${labelOf(group[0]!.owner)} imports \`${group[0]!.x.name}\` and ${labelOf(m.owner)} imports \`${m.x.name}\` with different types: ${e.message}`,
        );
      }
    }
    // Later imports name these types through the members' own entries: they now mean the merged ones.
    for (const m of group) remapTypes(m.x, merged!, canon);
    checkImportable(name, group, merged!, importResources, ps, used, labelOf);
    mergedTypes[g] = merged!;
    names[g] = name;
  }

  const instances: CompositionInstance[] = [];
  const instanceOf = new Map<number, number>();
  const argOf = (owner: number, position: number): Argument => {
    const i = members.findIndex((m) => m.owner === owner && m.position === position);
    return { kind: "import", import: memberGroup[i]! };
  };
  used.forEach((p, i) => {
    instanceOf.set(p, instances.length);
    instances.push({
      component: i + 1,
      label: ps[p]!.label,
      args: ps[p]!.type.imports.map((x, position) => ({ name: x.name, arg: argOf(p, position) })),
    });
  });
  const socketInstance = instances.length;
  instances.push({
    component: 0,
    label: s.label,
    args: s.type.imports.map((x, position) => {
      const c = plugged.get(position);
      const arg: Argument = c
        ? { kind: "export", instance: instanceOf.get(c.plug)!, name: c.exp.name, sort: c.exp.sort }
        : argOf(-1, position);
      return { name: x.name, arg };
    }),
  });
  return {
    components: [s.bytes, ...used.map((p) => ps[p]!.bytes)],
    imports: groups.map((group, g) => ({ name: names[g]!, attrs: group[0]!.x.attrs, type: mergedTypes[g]! })),
    instances,
    exports: s.type.exports.map((x) => ({
      name: x.name,
      attrs: x.attrs,
      instance: socketInstance,
      export: x.name,
      sort: x.sort,
    })),
  };
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
 * An import can only use resources the composition imports: not one a plug
 * defines (the socket's import of an interface that uses a plugged
 * interface's resource, say).
 */
function checkImportable(
  name: string,
  group: Member[],
  merged: TypedExtern,
  importResources: Set<Entry>,
  ps: Loaded[],
  used: number[],
  labelOf: (owner: number) => string,
): void {
  for (const e of reachable(merged.entry)) {
    if (e.kind !== "resource" || importResources.has(e)) continue;
    let what = "a resource defined inside the composition";
    for (const p of used) {
      for (const x of ps[p]!.type.exports) {
        const inst = x.sort === "instance" ? resolve(x.entry) : undefined;
        const r =
          inst?.kind === "instance" ? inst.exports.find((y) => y.sort === "type" && resolve(y.entry) === e) : undefined;
        if (r) what = `resource \`${r.name}\` of export \`${x.name}\` of ${ps[p]!.label}`;
      }
    }
    const who = [...new Set(group.map((m) => labelOf(m.owner)))].join(" and ");
    throw new ComposeError(
      `import \`${name}\` of ${who} is left to the composition, but its type uses ${what}, which the composition cannot import`,
    );
  }
}
