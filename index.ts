/**
 * witx-bindgen's library API, for build scripts and tools.
 *
 * ```ts
 * import { loadWitPath, renderDiagnostics } from "witx-bindgen";
 * const loaded = loadWitPath("wit", { world: "my-world", features: ["experimental"] });
 * if (!loaded.ok) throw new Error(renderDiagnostics(loaded.diagnostics));
 * const world = loaded.resolve.worlds[loaded.world!];
 * ```
 *
 * Bad input never throws: it comes back as `Diagnostic` values with spans
 * and wit-parser's messages.
 */
import { toDiagnostics, WitError, type Diagnostic } from "./ir/errors.js";
import { pushPath, pushText } from "./ir/load.js";
import { Resolve } from "./ir/resolve.js";
import type { PackageId, WorldId } from "./ir/types.js";

export type { Diagnostic } from "./ir/errors.js";
export { Resolve } from "./ir/resolve.js";
export { SourceMap, type Location } from "./ir/source-map.js";
export { resolveToJson, resolveToJsonString } from "./ir/json.js";
export * from "./ir/types.js";
export { parseWitFile, type ParsedFile, type SyntaxProblem } from "./parser/index.js";
export { generateTypeScript, UnsupportedWorldError, type TsOptions } from "./generators/ts/index.js";
export { generateRust, UnsupportedRustWorldError, type RustOptions } from "./generators/rust/index.js";
export { generateC, UnsupportedCWorldError, unsupportedCReason, type COptions } from "./generators/c/index.js";
export type { GeneratedFile } from "./generators/output.js";
export { AbiLayout, flattenFunctionType, type CoreType, type StringEncoding } from "./ir/abi/layout.js";
export { AbiWalker } from "./ir/abi/walk.js";
export type { AbiEmitter, Instruction } from "./ir/abi/instructions.js";
export { worldAbi, type WorldAbi } from "./ir/abi/world.js";
export {
  ComponentEncodingError,
  componentNew,
  linkComponent,
  type ComponentNewOptions,
  type LinkComponentOptions,
  embedMetadata,
  encodeComponent,
  encodeMetadata,
  encodeWitPackage,
  encodeWorld,
  metadataSectionName,
  stripComponentTypeSections,
  type ComponentStringEncoding,
  type WorldBindings,
} from "./encoding/index.js";
export { decodeComponentTypeSections, decodeWitPackage, DecodeError } from "./encoding/decode/index.js";
export {
  compose,
  ComposeError,
  parseComposeConfig,
  plug,
  readComposeConfig,
  type ComposeConfig,
  type ComposeGraph,
  type ComposeInstance,
  type ComposeOptions,
  type ComposeSource,
  type PlugOptions,
} from "./encoding/compose/index.js";
export type { Bindgen } from "./encoding/metadata-types.js";
export {
  checkComponent,
  ComponentHostError,
  generateComponentHost,
  validateComponentBytes,
  type ComponentHostFile,
  type ComponentHostOptions,
} from "./generators/ts/component/index.js";
export {
  readComponent,
  isComponentBinary,
  ComponentReadError,
  type ComponentAst,
} from "./encoding/decode/component.js";
export { validateComponent, ComponentValidationError } from "./encoding/validate-component.js";
export { planComponent, PlanError, type Plan } from "./encoding/plan.js";
export { printPlan } from "./encoding/plan-print.js";
export {
  parseWave,
  parseWaveCall,
  printWave,
  printWaveCall,
  UntypedWaveCall,
  WaveError,
  type WaveErrorKind,
} from "./ir/wave/index.js";

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
