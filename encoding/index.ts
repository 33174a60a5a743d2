/**
 * Component encoding: the component-type metadata section, WIT packages as
 * binaries, and the component wrapper (`witx-bindgen embed` and
 * `witx-bindgen component`).
 */
export { embedMetadata, encodeMetadata, metadataSectionName } from "./metadata.js";
export { encodeWitPackage, encodeWorld } from "./world-type.js";
export {
  ComponentEncodingError,
  encodeComponent,
  stripComponentTypeSections,
  type WorldBindings,
} from "./component.js";
export type { ComponentStringEncoding } from "./metadata-types.js";

import {
  ComponentEncodingError,
  encodeComponent,
  stripComponentTypeSections,
  type WorldBindings,
} from "./component.js";
import { decodeComponentTypeSections } from "./decode/index.js";

/**
 * `wasm-tools component new`: the component of a core module, for the world
 * its `component-type` sections describe, or for `bindings` when given (the
 * module's own sections are then ignored).
 */
export function componentNew(core: Uint8Array, bindings?: WorldBindings): Uint8Array {
  if (bindings) return encodeComponent(stripComponentTypeSections(core), bindings);
  const decoded = decodeComponentTypeSections(core);
  if (!decoded) {
    throw new ComponentEncodingError("the module has no component-type custom section: give the world's bindings");
  }
  return encodeComponent(decoded.module, decoded.bindgen);
}
