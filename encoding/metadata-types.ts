/**
 * What a core module's `component-type` custom sections say: the world its
 * bindings were generated for, and the string encoding of each function.
 *
 * wit-component writes one such section per bindings generation (the name
 * starts with `component-type`); the payload is itself a component whose only
 * export is a component type: the world. A `wit-component-encoding` custom
 * section in it holds two bytes: the format version (4) and the string
 * encoding (0 utf8, 1 utf16, 2 compact-utf16 = latin1+utf16).
 */
import type { Resolve } from "../ir/resolve.js";
import type { WorldId } from "../ir/types.js";

/** Canonical ABI string encodings as wit-component names them. */
export type ComponentStringEncoding = "utf8" | "utf16" | "compact-utf16";

export const METADATA_VERSION = 0x04;
export const ENCODING_SECTION = "wit-component-encoding";

export function stringEncodingByte(e: ComponentStringEncoding): number {
  return e === "utf8" ? 0 : e === "utf16" ? 1 : 2;
}

export function stringEncodingFromByte(b: number): ComponentStringEncoding | undefined {
  return b === 0 ? "utf8" : b === 1 ? "utf16" : b === 2 ? "compact-utf16" : undefined;
}

/**
 * The bindings a core module carries, merged over all its sections.
 * `importEncodings`/`exportEncodings` are keyed `<world key>/<function>`,
 * where the world key is the import or export name (`ns:pkg/iface` without
 * version for interfaces, the plain name otherwise), as wit-component keys them.
 */
export interface Bindgen {
  resolve: Resolve;
  world: WorldId;
  importEncodings: Map<string, ComponentStringEncoding>;
  exportEncodings: Map<string, ComponentStringEncoding>;
}
