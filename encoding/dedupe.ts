/**
 * Duplicate imports. Core wasm lets a module import the same module and name
 * twice; a component's core instances cannot export a name twice. As
 * wit-component does, the second and later copies are renamed in place
 * (`name [v2]`, `name [v3]`…) and remembered under their original name, which
 * is what the world is matched against. Only the import section changes.
 */
import { readCoreLimits, readCoreValType } from "./core-types.js";
import { readSections, Reader } from "./reader.js";
import { ByteWriter } from "./writer.js";

export interface DedupedModule {
  module: Uint8Array;
  /** `module\0renamed` → the name the import had. Empty when nothing was renamed. */
  originals: Map<string, string>;
}

/** Skips one import's descriptor (core spec `importdesc`). */
function skipImportDesc(r: Reader): void {
  const kind = r.u8();
  switch (kind) {
    case 0x00:
      r.u32();
      break;
    case 0x01:
      readCoreValType(r);
      readCoreLimits(r);
      break;
    case 0x02:
      readCoreLimits(r);
      break;
    case 0x03:
      readCoreValType(r);
      r.u8();
      break;
    case 0x04:
      r.u8();
      r.u32();
      break;
    default:
      r.fail(`unknown import kind 0x${kind.toString(16)}`, r.pos - 1);
  }
}

export function dedupeImports(core: Uint8Array): DedupedModule {
  const originals = new Map<string, string>();
  const section = readSections(core).find((s) => s.id === 2);
  if (!section) return { module: core, originals };
  const r = new Reader(core, section.start, section.end);
  const seen = new Map<string, Set<string>>();
  const entries: { module: string; name: string; desc: Uint8Array }[] = [];
  let renamed = false;
  r.vec((r) => {
    const module = r.name();
    let name = r.name();
    const start = r.pos;
    skipImportDesc(r);
    let names = seen.get(module);
    if (!names) seen.set(module, (names = new Set()));
    if (names.has(name)) {
      const original = name;
      for (let i = 2; ; i++) {
        name = `${original} [v${i}]`;
        if (!names.has(name)) break;
      }
      originals.set(`${module}\0${name}`, original);
      renamed = true;
    }
    names.add(name);
    entries.push({ module, name, desc: core.subarray(start, r.pos) });
  });
  if (!renamed) return { module: core, originals };
  const body = new ByteWriter().u32(entries.length);
  for (const e of entries) body.name(e.module).name(e.name).raw(e.desc);
  const bytes = body.finish();
  const out = new ByteWriter()
    .raw(core.subarray(0, section.offset))
    .byte(2)
    .u32(bytes.length)
    .raw(bytes)
    .raw(core.subarray(section.end));
  return { module: out.finish(), originals };
}
