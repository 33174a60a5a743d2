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
