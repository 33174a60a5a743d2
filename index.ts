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
export type { Diagnostic } from "./ir/errors.js";
export { loadWitPath, loadWitText, renderDiagnostics, type LoadOptions, type LoadResult } from "./load-wit.js";
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
