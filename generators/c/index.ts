/**
 * `witx-bindgen c`: the C bindings of a world for a guest compiled to
 * wasm32 (`<world>.h` and `<world>.c`), source-compatible with the C that
 * wit-bindgen generates for the same WIT.
 */
import type { Resolve } from "../../ir/resolve.js";
import type { WorldId } from "../../ir/types.js";
import type { GeneratedFile } from "../output.js";
import { AsyncFilter, generateCWorld, unsupportedCReason } from "./world.js";

export { unsupportedCReason } from "./world.js";

export interface COptions {
  /** The guest's string encoding (default `utf8`). */
  stringEncoding?: "utf8" | "utf16";
  /** Leave out the weak `cabi_realloc` (the guest defines its own). */
  noRealloc?: boolean;
  /** The generator named in the header comment (default `witx-bindgen`). */
  generator?: string;
  /**
   * C prefixes for interfaces instead of `<ns>_<pkg>_<iface>`, keyed by the
   * interface's name in the world (`ns:pkg/iface`), like wit-bindgen's
   * `--rename ns:pkg/iface=prefix`.
   */
  rename?: Record<string, string>;
  /**
   * Which functions to bind with the asynchronous ABI, as wit-bindgen's
   * `--async` filters: `all`, `ns:pkg/iface#f` or a world-level function's
   * name, `import:<name>`, `export:<name>`, each negated with a leading `-`;
   * the first that matches decides. By default a function is async when it
   * is declared `async`.
   */
  async?: string[];
}

/** Thrown for a world the C generator cannot serve. */
export class UnsupportedCWorldError extends Error {
  constructor(readonly reason: string) {
    super(`the C generator does not support this world: ${reason}`);
    this.name = "UnsupportedCWorldError";
  }
}

/** Generates `<world>.h` and `<world>.c` for `world` (the world's name in snake case). */
export function generateC(resolve: Resolve, world: WorldId, options: COptions = {}): GeneratedFile[] {
  const reason = unsupportedCReason(resolve, world);
  if (reason !== undefined) throw new UnsupportedCWorldError(reason);
  const asyncFilter = new AsyncFilter(options.async ?? []);
  const { header, source, base } = generateCWorld(resolve, world, {
    encoding: options.stringEncoding ?? "utf8",
    noRealloc: options.noRealloc ?? false,
    generator: options.generator ?? "witx-bindgen",
    renames: new Map(Object.entries(options.rename ?? {})),
    asyncFilter,
  });
  const unused = asyncFilter.unused();
  if (unused.length > 0) throw new UnsupportedCWorldError(`the async filter \`${unused[0]}\` names no function`);
  return [
    { path: `${base}.h`, contents: header },
    { path: `${base}.c`, contents: source },
  ];
}
