/**
 * A multi-component case composed with our `plug`: the runner and its
 * dependency components (`//@ dependencies`), wired by the names of their
 * imports and exports alone (the `.wac` script a case may have is not
 * read; most scripts say what the names say).
 *
 * The wiring (`planComposition`): every import of the runner or of a
 * dependency is satisfied by the one other dependency that exports that
 * name. A dependency that imports the name it exports wraps it: the other
 * exporters serve it, not the components above it (an intermediate that
 * imports and re-exports a leaf's interface). No exporter leaves the
 * import to the composition; two exporters left, or a cycle, are an
 * ambiguity that refuses the case. Each dependency is instantiated once,
 * so a dependency that several components import from is shared by them,
 * resources included.
 *
 * The realization (`compose`): each dependency gets a level, one more than
 * the deepest component it serves (the runner is level 0), and the levels
 * are plugged in turn into the composition so far: `plug` merges the
 * imports of one name that are left open, so every component that imports
 * a name from a dependency of a deeper level still waits for it, and gets
 * the same instance when that level is plugged. A type import a world's
 * `use` makes (`float` of `use test.{float}`) is exported by no one, so it
 * stays open until the level that plugs the interface its bound names:
 * `plug` then gives it that interface's type.
 */
import { readComponent } from "../../encoding/decode/component.js";
import { plug } from "../../encoding/compose/index.js";
import { componentTypeOf } from "../../encoding/validate-component.js";

/** A component of the composition: its world's name and its binary. */
export interface Part {
  name: string;
  bytes: Uint8Array;
}

/** Refuses a composition that names cannot wire. */
export class WiringError extends Error {}

/** Who satisfies an import of one component. */
export interface Link {
  /** The importing component: 0 for the runner, i for dependency i - 1. */
  importer: number;
  name: string;
  /** The exporting component (a dependency, so at least 1). */
  exporter: number;
}

export interface Plan {
  /** The parts: the runner first, then the dependencies in their order. */
  parts: string[];
  links: Link[];
  /** Imports no component exports: those of the composition. */
  open: { importer: number; name: string }[];
  /** The level of each part (0 for the runner); a dependency serves no part of a deeper or equal level. */
  levels: number[];
  /** Dependencies no component imports from (plugging them would change nothing). */
  unused: number[];
}

/** The top-level import and export names of a component. */
export function externNames(bytes: Uint8Array): { imports: string[]; exports: string[] } {
  const type = componentTypeOf(readComponent(bytes));
  return { imports: type.imports.map((x) => x.name), exports: type.exports.map((x) => x.name) };
}

/**
 * The wiring of the runner (`parts[0]`) and its dependencies by names (see
 * the module comment), from each part's import and export names. Throws
 * `WiringError`.
 */
export function planComposition(parts: { name: string; imports: string[]; exports: string[] }[]): Plan {
  const links: Link[] = [];
  const open: Plan["open"] = [];
  const deps = parts.map((_, j) => j).filter((j) => j > 0);
  parts.forEach((p, i) => {
    for (const name of p.imports) {
      const candidates = deps.filter((j) => j !== i && parts[j]!.exports.includes(name));
      // A candidate that imports the name itself wraps the others: they serve it, not `i`.
      const exporters = candidates.filter((k) => !candidates.some((j) => j !== k && parts[j]!.imports.includes(name)));
      if (exporters.length > 1 || (exporters.length === 0 && candidates.length > 0))
        throw new WiringError(
          `import \`${name}\` of ${parts[i]!.name} is exported by ${candidates.map((j) => parts[j]!.name).join(" and ")}${exporters.length === 0 ? ", which all import it too" : ""}: the names do not say which one`,
        );
      if (exporters.length === 1) links.push({ importer: i, name, exporter: exporters[0]! });
      else open.push({ importer: i, name });
    }
  });
  // Each part's level: one more than the deepest part it serves (the longest path from the runner).
  const levels = parts.map(() => -1);
  const visiting = new Set<number>();
  const visit = (i: number, level: number, path: number[]) => {
    if (visiting.has(i))
      throw new WiringError(
        `the names wire a cycle: ${[...path.slice(path.indexOf(i)), i].map((j) => parts[j]!.name).join(" imports from ")}`,
      );
    if (levels[i]! >= level) return;
    levels[i] = level;
    visiting.add(i);
    for (const l of links) if (l.importer === i) visit(l.exporter, level + 1, [...path, i]);
    visiting.delete(i);
  };
  visit(0, 0, []);
  const reached = (i: number) => levels[i]! >= 0;
  // `plug` satisfies an open import with any export of its name at each level after the importer's,
  // until the level of the planned exporter: no other part there may export the name.
  const check = (importer: number, name: string, exporter?: number) => {
    for (const k of deps) {
      if (k === exporter || !reached(k) || levels[k]! <= levels[importer]! || !parts[k]!.exports.includes(name))
        continue;
      if (exporter !== undefined && levels[k]! > levels[exporter]!) continue;
      throw new WiringError(
        `import \`${name}\` of ${parts[importer]!.name} ${exporter === undefined ? "is left open" : `is wired to ${parts[exporter]!.name}`}, but ${parts[k]!.name}, which exports it too, is plugged ${exporter === undefined ? "after it" : "no later"}`,
      );
    }
  };
  for (const l of links) if (reached(l.importer)) check(l.importer, l.name, l.exporter);
  for (const o of open) if (reached(o.importer)) check(o.importer, o.name);
  // A part no one reaches does not import either: its links are not part of the composition.
  return {
    parts: parts.map((p) => p.name),
    links: links.filter((l) => reached(l.importer)),
    open: open.filter((o) => reached(o.importer)),
    levels,
    unused: deps.filter((j) => !reached(j)),
  };
}

/** What composing told besides the result: the warnings of `plug` (an export passed over for its type). */
export interface Composed {
  bytes: Uint8Array;
  plan: Plan;
  warnings: string[];
}

/**
 * Composes `runner` with `deps` as planned by `planComposition`. Throws
 * `WiringError` for a case names cannot wire (or with a dependency nothing
 * uses), and `ComposeError` when `plug` refuses a step.
 */
export function compose(runner: Part, deps: Part[]): Composed {
  const parts = [runner, ...deps];
  const plan = planComposition(parts.map((p) => ({ name: p.name, ...externNames(p.bytes) })));
  if (plan.unused.length > 0)
    throw new WiringError(
      `no component imports anything ${plan.unused.map((i) => parts[i]!.name).join(" or ")} exports`,
    );
  const warnings: string[] = [];
  let bytes = runner.bytes;
  let socketName = runner.name;
  const deepest = Math.max(...plan.levels);
  for (let level = 1; level <= deepest; level++) {
    const at = parts.map((_, i) => i).filter((i) => plan.levels[i] === level);
    bytes = plug(
      bytes,
      at.map((i) => parts[i]!.bytes),
      { socketName, plugNames: at.map((i) => parts[i]!.name), warn: (m) => warnings.push(m) },
    );
    socketName = `${socketName} + ${at.map((i) => parts[i]!.name).join(" + ")}`;
  }
  return { bytes, plan, warnings };
}
