/**
 * The `component-type` custom section: how a core module says which world its
 * bindings were generated for (wit-component's metadata encoding, format 4).
 *
 * The payload is a component: a `wit-component-encoding` custom section
 * (format version, string encoding), then one component type exported under
 * the world's name, which itself exports the world's component type under
 * `ns:pkg/world`, then a `producers` section.
 */
import type { Resolve } from "../ir/resolve.js";
import type { WorldId } from "../ir/types.js";
import { ComponentBuilder, Declarations } from "./builder.js";
import {
  ENCODING_SECTION,
  METADATA_VERSION,
  stringEncodingByte,
  type ComponentStringEncoding,
} from "./metadata-types.js";
import { readHeader, readSections } from "./reader.js";
import { ByteWriter } from "./writer.js";
import { encodeWorld } from "./world-type.js";

export const TOOL_NAME = "witx-bindgen";
export const TOOL_VERSION = "0.1.0";

/** A `producers` section payload saying this tool processed the binary. */
export function producersSection(): Uint8Array {
  return new ByteWriter().u32(1).name("processed-by").u32(1).name(TOOL_NAME).name(TOOL_VERSION).finish();
}

/** The payload of a `component-type` custom section for `world`. */
export function encodeMetadata(
  resolve: Resolve,
  world: WorldId,
  stringEncoding: ComponentStringEncoding = "utf8",
): Uint8Array {
  const worldType = encodeWorld(resolve, world);
  const w = resolve.worlds[world];
  const outer = new Declarations("component");
  const inner = outer.defineType({ kind: "component", decls: worldType });
  outer.export(resolve.idOfName(w.package!, w.name), { sort: "component", type: inner });
  const builder = new ComponentBuilder();
  builder.custom(ENCODING_SECTION, new Uint8Array([METADATA_VERSION, stringEncodingByte(stringEncoding)]));
  const type = builder.defineType({ kind: "component", decls: outer });
  builder.export(w.name, "type", type);
  builder.custom("producers", producersSection());
  return builder.finish();
}

/**
 * A custom section's name for the metadata of `world` (the prefix
 * `component-type` is what readers look for). The name is unique per world,
 * so that a linker does not concatenate two worlds' sections: `worldName`
 * stands for the world's own name (a renamed world), and `suffix` is
 * appended (wit-bindgen's `--type-section-suffix`).
 */
export function metadataSectionName(
  resolve: Resolve,
  world: WorldId,
  options: { worldName?: string; suffix?: string } = {},
): string {
  const w = resolve.worlds[world];
  const p = resolve.packages[w.package!].name;
  const name = options.worldName ?? w.name;
  return `component-type:${TOOL_NAME}:${TOOL_VERSION}:${p.namespace}:${p.name}:${name}:encoded world${options.suffix ?? ""}`;
}

/** `core` with a `component-type` section for `world` appended. */
export function embedMetadata(
  core: Uint8Array,
  resolve: Resolve,
  world: WorldId,
  options: { stringEncoding?: ComponentStringEncoding; sectionName?: string } = {},
): Uint8Array {
  if (readHeader(core) !== "module") throw new Error("expected a core WebAssembly module, found a component");
  const payload = encodeMetadata(resolve, world, options.stringEncoding);
  const section = new ByteWriter().custom(options.sectionName ?? "component-type", payload).finish();
  const out = new Uint8Array(core.length + section.length);
  out.set(core);
  out.set(section, core.length);
  return out;
}

/**
 * Splits a core module into its `component-type*` custom sections (name and
 * payload, in order) and the module without them, every other section kept
 * byte for byte.
 */
export function splitComponentTypeSections(core: Uint8Array): {
  sections: { name: string; payload: Uint8Array }[];
  module: Uint8Array;
} {
  const sections: { name: string; payload: Uint8Array }[] = [];
  const kept: { start: number; end: number }[] = [{ start: 0, end: 8 }];
  let size = 8;
  for (const s of readSections(core)) {
    if (s.id === 0 && s.name!.startsWith("component-type")) {
      sections.push({ name: s.name!, payload: core.subarray(s.dataStart!, s.end) });
      continue;
    }
    const last = kept[kept.length - 1]!;
    if (last.end === s.offset) last.end = s.end;
    else kept.push({ start: s.offset, end: s.end });
    size += s.end - s.offset;
  }
  if (sections.length === 0) return { sections, module: core };
  const module = new Uint8Array(size);
  let at = 0;
  for (const k of kept) {
    module.set(core.subarray(k.start, k.end), at);
    at += k.end - k.start;
  }
  return { sections, module };
}

/** The core module without its `component-type*` custom sections. */
export function stripComponentTypeSections(core: Uint8Array): Uint8Array {
  return splitComponentTypeSections(core).module;
}
