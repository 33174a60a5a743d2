/**
 * Composing components: `plug` (as `wac plug`) and `compose` (as `wac
 * compose`, from a graph or a config file), on a small composition model
 * (`graph.ts`) whose imports are re-encoded from the types the components
 * declare (`types.ts`).
 */
export { ComposeError } from "./errors.js";
export { plug, type PlugOptions } from "./plug.js";
export { compose, type ComposeOptions } from "./compose.js";
export { type ComposeGraph, type ComposeInstance, type ComposeSource } from "./spec.js";
export {
  encodeComposition,
  type Argument,
  type Composition,
  type CompositionExport,
  type CompositionImport,
  type CompositionInstance,
} from "./graph.js";
export { TypeEncoder, type TypedExtern } from "./types.js";
export { parseComposeConfig, readComposeConfig, type ComposeConfig } from "./config.js";
