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
 * - A type import whose `eq` bound is a type of an earlier import that a
 *   plug satisfies (a world's `use t.{r}` imports `t`, then `r` bounded by
 *   `t`'s `r`) is given that plug's type, aliased from its export.
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
import type { Entry, Extern } from "../decode/binary.js";
import { externSub, TypeError_, type ResourceMap } from "../validate/types.js";
import { ComposeError } from "./errors.js";
import { encodeComposition, type Argument, type Composition, type CompositionInstance } from "./graph.js";
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
import { declaredResources, semverCompatible } from "./merge.js";

export interface PlugOptions {
  /** How messages name the socket (e.g. its file); "the socket" by default. */
  socketName?: string;
  /** How messages name each plug (e.g. their files); "plug 1", "plug 2"… by default. */
  plugNames?: string[];
  /** Told of each export that matched an import by name but not by type, and was passed over. */
  warn?: (message: string) => void;
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
  const resources = new ImportResources();
  const leaveToComposition = (x: Extern) => resources.leave(x, canon);
  for (const p of ps) p.type.imports.forEach(leaveToComposition);

  // The socket's imports in order: later ones may use the resources of earlier ones.
  const plugged = new Map<number, { plug: number; exp: Extern }>();
  const typeArgs = new Map<number, TypeArg>();
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
    if (!chosen) {
      // A type import bounded by a type of a plugged import is given the plug's type.
      const bound = boundSource(imports, k);
      const from = bound && plugged.get(bound.position);
      const given = from ? { plug: from.plug, name: from.exp.name, member: bound.member } : undefined;
      const arg = given ?? (bound?.member === undefined ? bound && typeArgs.get(bound.position) : undefined);
      if (arg) {
        typeArgs.set(k, arg);
        return;
      }
      return leaveToComposition(imp);
    }
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
  return validated(encodeComposition(compose(s, ps, used, plugged, typeArgs, canon, resources, labelOf)));
}

/** A socket's type import given a type a plug's export (an instance) exports. */
interface TypeArg {
  plug: number;
  /** The plug's export. */
  name: string;
  /** The name of the type it exports; none when the export is the type itself. */
  member?: string;
}

/** The composition: merged imports, the plugs used, the socket, and the socket's exports. */
function compose(
  s: Loaded,
  ps: Loaded[],
  used: number[],
  plugged: Map<number, { plug: number; exp: Extern }>,
  typeArgs: Map<number, TypeArg>,
  canon: Map<Entry, Entry>,
  resources: ImportResources,
  labelOf: (owner: number) => string,
): Composition {
  // What is left to the composition: the socket's unplugged imports and every import of the plugs used.
  const members: Member[] = [];
  s.type.imports.forEach((x, position) => {
    if (!plugged.has(position) && !typeArgs.has(position)) members.push({ owner: -1, position, x });
  });
  for (const p of used) ps[p]!.type.imports.forEach((x, position) => members.push({ owner: p, position, x }));
  const { imports, importOf } = mergeImports(members, {
    canonOf: () => canon,
    labelOf,
    resources,
    describeResource: (e) =>
      describeExportedResource(
        e,
        used.map((p) => ({ label: ps[p]!.label, exports: ps[p]!.type.exports })),
      ),
  });

  const instances: CompositionInstance[] = [];
  const instanceOf = new Map<number, number>();
  const argOf = (owner: number, position: number): Argument => {
    const i = members.findIndex((m) => m.owner === owner && m.position === position);
    return { kind: "import", import: importOf[i]! };
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
      const t = typeArgs.get(position);
      const arg: Argument = c
        ? { kind: "export", instance: instanceOf.get(c.plug)!, name: c.exp.name, sort: c.exp.sort }
        : t
          ? { kind: "export", instance: instanceOf.get(t.plug)!, name: t.name, sort: "type", member: t.member }
          : argOf(-1, position);
      return { name: x.name, arg };
    }),
  });
  return {
    components: [s.bytes, ...used.map((p) => ps[p]!.bytes)],
    imports,
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
