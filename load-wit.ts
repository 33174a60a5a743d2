/**
 * Loading WIT into a `Resolve`: a path or source text, with the features
 * enabled and the world selected. Part of the library API (`index.ts`), in
 * a module of its own so that the CLI loads only what loading needs.
 */
import { toDiagnostics, WitError, type Diagnostic } from "./ir/errors.js";
import { pushPath, pushText } from "./ir/load.js";
import { Resolve } from "./ir/resolve.js";
import type { PackageId, WorldId } from "./ir/types.js";

export interface LoadOptions {
  /** Features that enable `@unstable(feature = ...)` items. */
  features?: Iterable<string>;
  /** Enable every feature. */
  allFeatures?: boolean;
  /**
   * The world to select: a name in the main package or `ns:pkg/world`. When
   * absent, `world` is the main package's only world, if it has exactly one.
   */
  world?: string;
}

export type LoadResult =
  | {
      ok: true;
      resolve: Resolve;
      /** The package at the path (or in the text) given. */
      package: PackageId;
      world: WorldId | undefined;
    }
  | { ok: false; resolve: Resolve; diagnostics: Diagnostic[] };

function load(options: LoadOptions, push: (resolve: Resolve) => PackageId): LoadResult {
  const resolve = new Resolve();
  for (const f of options.features ?? []) resolve.features.add(f);
  resolve.allFeatures = options.allFeatures ?? false;
  try {
    const pkg = push(resolve);
    let world: WorldId | undefined;
    if (options.world !== undefined) world = resolve.selectWorld([pkg], options.world);
    else if (resolve.packages[pkg].worlds.size === 1) world = [...resolve.packages[pkg].worlds.values()][0];
    return { ok: true, resolve, package: pkg, world };
  } catch (e) {
    if (e instanceof WitError) return { ok: false, resolve, diagnostics: toDiagnostics(e, resolve.sourceMap) };
    throw e;
  }
}

/** Loads a `.wit` file, or a directory of `.wit` files with an optional `deps/` folder. */
export function loadWitPath(path: string, options: LoadOptions = {}): LoadResult {
  return load(options, (resolve) => pushPath(resolve, path));
}

/** Loads WIT source text; `fileName` is used in diagnostics. */
export function loadWitText(text: string, options: LoadOptions & { fileName?: string } = {}): LoadResult {
  return load(options, (resolve) => pushText(resolve, options.fileName ?? "<input>.wit", text));
}

/** The diagnostics as wit-parser prints them, separated by blank lines. */
export function renderDiagnostics(diagnostics: Diagnostic[]): string {
  return diagnostics.map((d) => d.rendered).join("\n\n");
}
