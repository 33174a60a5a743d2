/**
 * The composition `compose` builds, as data: which components, which
 * instances of them with which arguments, and what the composition exports.
 * A config file (`config.ts`) is this with file names for the components.
 * `checkGraph` checks its shape and names, and errors name the key at fault.
 */
import { ComposeError } from "./errors.js";

/**
 * Where an argument or an export comes from:
 *
 * - `"inst"`: instance `inst`'s export of the same name (as the import, or as
 *   the export);
 * - `"inst.name"` or `{ instance: "inst", export: "name" }`: its export
 *   `name` (or, when it has no export of that name, its one export of an
 *   interface of that name: `leaf` for `test:x/leaf`); for a type import,
 *   `"inst.iface.type"` names the type `type` that its export `iface` (an
 *   instance, named as above) exports;
 * - `{ import: "name" }` (arguments only): the composition's import `name`,
 *   merged with every other import of that name.
 */
export type ComposeSource = string | { instance: string; export?: string } | { import: string };

/** The key of arguments and exports whose value is a list of instances to spread (`...` in wac). */
export const SPREAD = "...";

export interface ComposeInstance {
  /** The name of the component (a key of `components`). */
  component: string;
  /**
   * Argument for each import (by its name, or the name of its interface):
   * a source, or under `"..."` the instances (one, or a list) whose exports
   * fill the remaining imports of the same names, the first that has one
   * winning. Imports given nothing are imported by the composition.
   */
  arguments?: Record<string, ComposeSource | string[]>;
}

/** A composition: components by name, instances by name, exports by name. */
export interface ComposeGraph {
  components: Record<string, Uint8Array>;
  /** An instance: its component, and arguments; a string is a component instantiated with no explicit arguments. */
  instances: Record<string, string | ComposeInstance>;
  /**
   * Each export of the composition: its source (not `{ import }`); under
   * `"..."`, instances (one, or a list) all of whose exports are exported
   * unless an export of the name is given already.
   */
  exports?: Record<string, ComposeSource | string[]>;
}

/** A source, its names checked: an export of an instance (by index), or an import of the composition. */
export type Source = { kind: "export"; instance: number; export?: string } | { kind: "import"; name: string };

/** The graph with names checked and instances referred to by index; each item with its key path. */
export interface Plan {
  components: { name: string; bytes: Uint8Array }[];
  instances: {
    name: string;
    path: string;
    component: number;
    args: { key: string; path: string; source: Source }[];
    spread: { instance: number; path: string }[];
  }[];
  exports: { name: string; path: string; source: Source & { kind: "export" } }[];
  exportSpread: { instance: number; path: string }[];
}

/** `base` (a key path) and its child keys, as messages print them: a key holding a dot or a space is quoted. */
export function keyPath(base: string, ...keys: string[]): string {
  return [base, ...keys.map((k) => (/[.\s]/.test(k) || k === "" ? JSON.stringify(k) : k))].join(".");
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

function record(v: unknown, path: string, what: string): Record<string, unknown> {
  if (!isRecord(v)) throw new ComposeError(`expected ${what}, found ${describe(v)}`, path || undefined);
  return v;
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return "nothing";
  if (Array.isArray(v)) return "a list";
  if (v instanceof Uint8Array) return "bytes";
  if (typeof v === "object") return "a mapping";
  return `${typeof v} \`${String(v)}\``;
}

function onlyKeys(v: Record<string, unknown>, allowed: string[], path: string): void {
  for (const k of Object.keys(v)) {
    if (!allowed.includes(k)) {
      const expected = allowed.map((a) => `\`${a}\``).join(", ");
      throw new ComposeError(`unknown key \`${k}\` (expected ${expected})`, path || undefined);
    }
  }
}

/** A name of a component or instance: not empty, without dots (which separate an instance from its export). */
function checkName(name: string, what: string, path: string): void {
  if (name === "" || /[.\s]/.test(name)) {
    throw new ComposeError(`${what} name \`${name}\` must be non-empty, without dots or spaces`, path);
  }
}

/** Checks the shape and the names of `graph`. Throws `ComposeError`. */
export function checkGraph(graph: unknown): Plan {
  const g = record(graph, "", "a mapping of `components`, `instances` and `exports`");
  onlyKeys(g, ["components", "instances", "exports"], "");
  if (g.components === undefined) throw new ComposeError("missing: the components to compose", "components");
  if (g.instances === undefined) throw new ComposeError("missing: the instances of the components", "instances");
  const components = Object.entries(record(g.components, "components", "a mapping of names to components")).map(
    ([name, bytes]) => {
      const path = keyPath("components", name);
      checkName(name, "a component", path);
      if (!(bytes instanceof Uint8Array))
        throw new ComposeError(`expected a component's bytes, found ${describe(bytes)}`, path);
      return { name, bytes };
    },
  );
  const componentIndex = new Map(components.map((c, i) => [c.name, i]));
  const instancesIn = Object.entries(record(g.instances, "instances", "a mapping of names to instances"));
  const instanceIndex = new Map(instancesIn.map(([name], i) => [name, i]));

  const instanceRef = (name: unknown, path: string): number => {
    if (typeof name !== "string") throw new ComposeError(`expected an instance name, found ${describe(name)}`, path);
    const i = instanceIndex.get(name);
    if (i === undefined)
      throw new ComposeError(`unknown instance \`${name}\`${known("instances", instanceIndex)}`, path);
    return i;
  };
  const spreadList = (v: unknown, path: string) => {
    const names = Array.isArray(v) ? v : [v];
    if (names.length === 0)
      throw new ComposeError("expected an instance name or a list of them, found an empty list", path);
    return names.map((n) => ({ instance: instanceRef(n, path), path }));
  };
  const source = (v: unknown, path: string, imports: boolean): Source => {
    if (typeof v === "string") {
      const dot = v.indexOf(".");
      if (dot < 0) return { kind: "export", instance: instanceRef(v, path) };
      return { kind: "export", instance: instanceRef(v.slice(0, dot), path), export: nonEmpty(v.slice(dot + 1), path) };
    }
    const what = imports
      ? "`instance.export`, `{ instance, export }` or `{ import }`"
      : "`instance.export` or `{ instance, export }`";
    if (!isRecord(v)) throw new ComposeError(`expected ${what}, found ${describe(v)}`, path);
    if (imports && "import" in v) {
      onlyKeys(v, ["import"], path);
      if (typeof v.import !== "string")
        throw new ComposeError(`expected an import name, found ${describe(v.import)}`, keyPath(path, "import"));
      return { kind: "import", name: nonEmpty(v.import, keyPath(path, "import")) };
    }
    onlyKeys(v, ["instance", "export"], path);
    const instance = instanceRef(v.instance, keyPath(path, "instance"));
    if (v.export === undefined) return { kind: "export", instance };
    if (typeof v.export !== "string")
      throw new ComposeError(`expected an export name, found ${describe(v.export)}`, keyPath(path, "export"));
    return { kind: "export", instance, export: nonEmpty(v.export, keyPath(path, "export")) };
  };

  const instances = instancesIn.map(([name, spec]) => {
    const path = keyPath("instances", name);
    checkName(name, "an instance", path);
    const s = typeof spec === "string" ? { component: spec } : record(spec, path, "a component name or a mapping");
    onlyKeys(s, ["component", "arguments"], path);
    if (typeof s.component !== "string") {
      throw new ComposeError(`expected a component name, found ${describe(s.component)}`, keyPath(path, "component"));
    }
    const component = componentIndex.get(s.component);
    if (component === undefined) {
      throw new ComposeError(
        `unknown component \`${s.component}\`${known("components", componentIndex)}`,
        keyPath(path, "component"),
      );
    }
    const args: Plan["instances"][0]["args"] = [];
    let spread: Plan["instances"][0]["spread"] = [];
    if (s.arguments !== undefined) {
      const argsPath = keyPath(path, "arguments");
      for (const [key, v] of Object.entries(record(s.arguments, argsPath, "a mapping of import names to sources"))) {
        const p = keyPath(argsPath, key);
        if (key === SPREAD) spread = spreadList(v, p);
        else args.push({ key, path: p, source: source(v, p, true) });
      }
    }
    return { name, path, component, args, spread };
  });

  const exports: Plan["exports"] = [];
  let exportSpread: Plan["exportSpread"] = [];
  if (g.exports !== undefined) {
    for (const [name, v] of Object.entries(record(g.exports, "exports", "a mapping of export names to sources"))) {
      const p = keyPath("exports", name);
      if (name === SPREAD) exportSpread = spreadList(v, p);
      else exports.push({ name, path: p, source: source(v, p, false) as Source & { kind: "export" } });
    }
  }
  return { components, instances, exports, exportSpread };
}

function nonEmpty(name: string, path: string): string {
  if (name === "") throw new ComposeError("the name is empty", path);
  return name;
}

function known(what: string, names: Map<string, number>): string {
  return names.size === 0
    ? ` (there are no ${what})`
    : ` (the ${what} are ${[...names.keys()].map((n) => `\`${n}\``).join(", ")})`;
}
