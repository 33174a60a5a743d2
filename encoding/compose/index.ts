/**
 * Composing components: `plug` (as `wac plug`), on a small composition
 * model (`graph.ts`) whose imports are re-encoded from the types the
 * components declare (`types.ts`).
 */
export { ComposeError } from "./errors.js";
export { plug, type PlugOptions } from "./plug.js";
export {
  encodeComposition,
  type Argument,
  type Composition,
  type CompositionExport,
  type CompositionImport,
  type CompositionInstance,
} from "./graph.js";
export { TypeEncoder, type TypedExtern } from "./types.js";
