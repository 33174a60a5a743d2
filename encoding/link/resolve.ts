/**
 * Symbol resolution between libraries: who exports what (earlier libraries
 * win), which imports are unresolved, which libraries depend on which
 * (transitively), which are reachable from the component's exports, the
 * instantiation order, and which functions the main module must export as
 * `call_indirect` trampolines (to break dependency cycles and to give
 * functions an address for `GOT.func`).
 */
import { ComponentEncodingError } from "../validate.js";
import {
  BINDING_WEAK,
  showSymbol,
  symbolKey,
  TASK_HOOK,
  type Metadata,
  type Symbol,
  type SymbolType,
} from "./metadata.js";
import type { FunctionType } from "./module.js";

export const CABI_REALLOC = "cabi_realloc";
export const STUB_LIBRARY_NAME = "wit-component:stubs";

const REALLOC_TYPE: SymbolType = { kind: "function", fn: { params: ["I32", "I32", "I32", "I32"], results: ["I32"] } };

/** Symbols the main module re-exports whenever a library exports them (the encoder calls them). */
const ENV_REEXPORTS: { name: string; fn: FunctionType }[] = [{ name: TASK_HOOK, fn: { params: ["I32"], results: [] } }];

export interface Exporter {
  /** Index of the library in the metadata list. */
  library: number;
  export: Symbol;
}

/** Every exported symbol (by name and type) and the libraries exporting it, in library order. */
export type Exporters = Map<string, { name: string; ty: SymbolType; exporters: Exporter[] }>;

export function resolveExporters(metadata: readonly Metadata[]): Exporters {
  const out: Exporters = new Map();
  metadata.forEach((m, library) => {
    for (const e of m.exports) {
      const key = symbolKey(e.name, e.ty);
      let entry = out.get(key);
      if (!entry) out.set(key, (entry = { name: e.name, ty: e.ty, exporters: [] }));
      entry.exporters.push({ library, export: e });
    }
  });
  return out;
}

/** The first library exporting `cabi_realloc` with the canonical ABI's signature. */
export function cabiReallocExporter(exporters: Exporters): number | undefined {
  return exporters.get(symbolKey(CABI_REALLOC, REALLOC_TYPE))?.exporters[0]?.library;
}

/** A symbol resolved to the library that provides it. */
export interface Resolved {
  name: string;
  ty: SymbolType;
  library: number;
  export: Symbol;
}

export interface Missing {
  /** The importing library's name. */
  importer: string;
  name: string;
  ty: SymbolType;
  flags: number;
}

export interface Resolution {
  /** Resolved symbols, keyed by `symbolKey`. */
  resolved: Map<string, Resolved>;
  missing: Missing[];
}

/** Matches every imported symbol with an export; the first exporting library wins. */
export function resolveSymbols(metadata: readonly Metadata[], exporters: Exporters): Resolution {
  const functionExporters = new Map<string, { key: string; name: string; ty: SymbolType; exporters: Exporter[] }>();
  for (const [key, e] of exporters) {
    if (e.ty.kind === "function" && !functionExporters.has(e.name)) functionExporters.set(e.name, { key, ...e });
  }
  const resolved = new Map<string, Resolved>();
  const missing: Missing[] = [];
  const resolve = (key: string, e: { name: string; ty: SymbolType; exporters: Exporter[] }) => {
    const first = e.exporters[0]!;
    resolved.set(key, { name: e.name, ty: e.ty, library: first.library, export: first.export });
  };
  const triage = (m: Metadata, name: string, ty: SymbolType, flags: number) => {
    const key = symbolKey(name, ty);
    const e = exporters.get(key);
    if (e) resolve(key, e);
    else missing.push({ importer: m.name, name, ty, flags });
  };
  for (const m of metadata) {
    for (const i of m.envImports) triage(m, i.name, { kind: "function", fn: i.fn }, i.flags);
    for (const name of m.memoryAddressImports) {
      triage(m, name, { kind: "global", ty: "I32", mutable: false, shared: false }, 0);
    }
    for (const t of m.tagImports) triage(m, t.name, { kind: "tag", fn: t.fn }, 0);
  }
  for (const m of metadata) {
    for (const name of m.tableAddressImports) {
      const e = functionExporters.get(name);
      if (e) resolve(e.key, e);
      else if (m.envImports.some((i) => i.name === name)) {
        // The function is imported through `env` too; that import is reported (or stubbed) above.
      } else
        missing.push({ importer: m.name, name, ty: { kind: "function", fn: { params: [], results: [] } }, flags: 0 });
    }
  }
  for (const r of ENV_REEXPORTS) {
    const key = symbolKey(r.name, { kind: "function", fn: r.fn });
    const e = exporters.get(key);
    if (e) resolve(key, e);
  }
  return { resolved, missing };
}

/** The message for unresolved symbols (the weak ones are not listed). */
export function unresolvedMessage(missing: readonly Missing[]): string {
  const lines = missing
    .filter((m) => (m.flags & BINDING_WEAK) === 0)
    .map((m) => `\t${m.importer} needs ${showSymbol(m.name, m.ty)}`);
  return `unresolved symbol(s):\n${lines.join("\n")}`;
}

/** Whether the missing symbols can be satisfied by a library of trapping stubs. */
export function canStub(missing: readonly Missing[], stubMissingFunctions: boolean): boolean {
  return (
    missing.every((m) => m.ty.kind === "function") &&
    (stubMissingFunctions || missing.every((m) => (m.flags & BINDING_WEAK) !== 0))
  );
}

function findResolved(resolved: Map<string, Resolved>, name: string, ty: SymbolType): Resolved {
  const r = resolved.get(symbolKey(name, ty));
  if (!r) throw new ComponentEncodingError(`unable to find ${showSymbol(name, ty)} in any library`);
  return r;
}

/** The library exporting the function `name` of type `fn` that `env` imports resolve to. */
export function functionExporter(resolved: Map<string, Resolved>, name: string, fn: FunctionType): Resolved {
  return findResolved(resolved, name, { kind: "function", fn });
}

/** The library exporting the data address `name` (an immutable `i32` global). */
export function offsetExporter(resolved: Map<string, Resolved>, name: string): Resolved {
  return findResolved(resolved, name, { kind: "global", ty: "I32", mutable: false, shared: false });
}

export function tagExporter(resolved: Map<string, Resolved>, name: string, fn: FunctionType): Resolved {
  return findResolved(resolved, name, { kind: "tag", fn });
}

/** Ordered sets of library indices: each library's transitive dependencies, in discovery order. */
export type Dependencies = Map<number, number[]>;

/** Direct dependencies (needed libraries, exporters of `env` functions), closed transitively. */
export function findDependencies(metadata: readonly Metadata[], resolved: Map<string, Resolved>): Dependencies {
  const indexes = new Map(metadata.map((m, i) => [m.name, i]));
  const deps: Dependencies = new Map();
  const add = (from: number, to: number) => {
    let set = deps.get(from);
    if (!set) deps.set(from, (set = []));
    if (!set.includes(to)) set.push(to);
  };
  metadata.forEach((m, i) => {
    for (const needed of m.neededLibs) add(i, indexes.get(needed)!);
    for (const imp of m.envImports) add(i, functionExporter(resolved, imp.name, imp.fn).library);
  });
  for (;;) {
    const found = new Map<number, number[]>();
    for (const [index, set] of deps) {
      for (const dep of set) {
        for (const next of deps.get(dep) ?? []) {
          if (set.includes(next)) continue;
          let f = found.get(index);
          if (!f) found.set(index, (f = []));
          if (!f.includes(next)) f.push(next);
        }
      }
    }
    if (found.size === 0) return deps;
    for (const [index, more] of found) for (const d of more) add(index, d);
  }
}

function topoAdd(sorted: Set<number>, deps: Dependencies, element: number): void {
  const of = (i: number) => deps.get(i) ?? [];
  const own = of(element);
  // First the dependencies which do not depend on `element`, then `element`, then those that do (a cycle).
  for (const dep of own) {
    if (!(sorted.has(dep) || of(dep).includes(element))) topoAdd(sorted, deps, dep);
  }
  sorted.add(element);
  for (const dep of own) {
    if (!sorted.has(dep) && of(dep).includes(element)) topoAdd(sorted, deps, dep);
  }
}

/** Libraries in instantiation order: each after its dependencies, modulo cycles. */
export function topoSort(count: number, deps: Dependencies): number[] {
  const sorted = new Set<number>();
  for (let i = 0; i < count; i++) topoAdd(sorted, deps, i);
  return [...sorted];
}

/** Names of the libraries reachable from a component export, `dlopen` or `_start`. */
export function findReachable(metadata: readonly Metadata[], deps: Dependencies): Set<string> {
  const roots = metadata.flatMap((m, i) => (m.hasComponentExports || m.dlOpenable || m.hasWasiStart ? [i] : []));
  const out = new Set<string>();
  for (const i of roots) out.add(metadata[i]!.name);
  for (const i of roots) for (const d of deps.get(i) ?? []) out.add(metadata[d]!.name);
  return out;
}

/** A function the main module exports, calling through the table into `exporter`'s export. */
export interface EnvExport {
  name: string;
  fn: FunctionType;
  exporter: number;
}

/**
 * The trampolines of the main module: every function some library takes the
 * address of (`GOT.func`), and every `env` function whose exporter is
 * instantiated after its importer (a cycle); plus `__wasm_task_hook`.
 */
export function envExports(
  metadata: readonly Metadata[],
  resolved: Map<string, Resolved>,
  topoSorted: readonly number[],
): { exports: EnvExport[]; reexportCabiRealloc: boolean } {
  const functionExporters = new Map<string, Resolved>();
  for (const r of resolved.values()) {
    if (r.ty.kind === "function" && !functionExporters.has(r.name)) functionExporters.set(r.name, r);
  }
  const result: EnvExport[] = [];
  const exported = new Set<string>();
  const seen = new Set<number>();
  for (const index of topoSorted) {
    const m = metadata[index]!;
    for (const name of m.tableAddressImports) {
      if (exported.has(name)) continue;
      const r = functionExporters.get(name);
      if (!r || r.ty.kind !== "function") throw new ComponentEncodingError(`unable to find "${name}" in any library`);
      result.push({ name, fn: r.ty.fn, exporter: r.library });
      exported.add(name);
    }
    for (const imp of m.envImports) {
      if (exported.has(imp.name)) continue;
      const exporter = functionExporter(resolved, imp.name, imp.fn).library;
      if (!seen.has(exporter)) {
        result.push({ name: imp.name, fn: imp.fn, exporter });
        exported.add(imp.name);
      }
    }
    seen.add(index);
  }
  for (const r of ENV_REEXPORTS) {
    if (exported.has(r.name)) continue;
    const e = resolved.get(symbolKey(r.name, { kind: "function", fn: r.fn }));
    if (e) {
      result.push({ name: r.name, fn: r.fn, exporter: e.library });
      exported.add(r.name);
    }
  }
  return { exports: result, reexportCabiRealloc: exported.has(CABI_REALLOC) };
}
