/**
 * `witx-bindgen c`: the C bindings of a world for a guest compiled to
 * wasm32 (`<world>.h` and `<world>.c`), source-compatible with the C that
 * wit-bindgen generates for the same WIT.
 */
import { CRefusal } from "./refusal.js";
import type { Resolve } from "../../ir/resolve.js";
import type { WorldId } from "../../ir/types.js";
import type { GeneratedFile } from "../output.js";
import { UnsupportedAutodropError } from "./glue.js";
import { AsyncFilter } from "../async-filter.js";
import { generateCWorld, unsupportedCReason, type CWorldOptions } from "./world.js";

export { unsupportedCReason } from "./world.js";

export interface COptions {
  /**
   * The guest's string encoding (default `utf8`). `compact-utf16` is the
   * canonical ABI's `latin1+utf16`: each string is Latin-1 or UTF-16, told
   * apart by the top bit of its length (which wit-bindgen's C generator
   * cannot do).
   */
  stringEncoding?: "utf8" | "utf16" | "compact-utf16";
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
  /** The world's name in the generated names and files (wit-bindgen's `--rename-world`). */
  renameWorld?: string;
  /** Appended to the name of the `component-type` custom section (wit-bindgen's `--type-section-suffix`). */
  typeSectionSuffix?: string;
  /**
   * Leave out the helper functions: the `*_free` functions, the string
   * helpers, the resource and future/stream functions (wit-bindgen's
   * `--no-helpers`).
   */
  noHelpers?: boolean;
  /**
   * Accepted for wit-bindgen's `--no-object-file`: wit-bindgen writes the
   * component type into a separate object file unless told not to; the
   * generated `.c` always carries it here, so there is never one to leave out.
   */
  noObjectFile?: boolean;
  /** Emit the world's async helpers even when no function is async (wit-bindgen's `--generate-async-helpers`). */
  generateAsyncHelpers?: boolean;
  /**
   * Emit the threading helpers: the thread built-ins and context slot 1
   * (wit-bindgen's `--generate-threading-helpers`; implies the async
   * helpers). The module must export its function table (link with
   * `-Wl,--export-table`).
   */
  generateThreadingHelpers?: boolean;
  /**
   * A synchronous export drops the borrows of imported resources it received
   * when it returns, and `_drop_borrow` helpers are left out (wit-bindgen's
   * `--autodrop-borrows yes`; the default, `no`, leaves dropping them to the
   * program).
   */
  autodropBorrows?: boolean;
  /**
   * Option parameters and option/result returns as their structs (by
   * pointer), without wit-bindgen's flattening into `maybe_` pointers and
   * bool returns (wit-bindgen's `--no-sig-flattening`).
   */
  noSigFlattening?: boolean;
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
  const generated = (): ReturnType<typeof generateCWorld> => {
    try {
      return generateCWorld(resolve, world, cOptions);
    } catch (e) {
      if (e instanceof UnsupportedAutodropError || e instanceof CRefusal) throw new UnsupportedCWorldError(e.message);
      throw e;
    }
  };
  const cOptions: CWorldOptions = {
    encoding: options.stringEncoding ?? "utf8",
    noRealloc: options.noRealloc ?? false,
    generator: options.generator ?? "witx-bindgen",
    renames: new Map(Object.entries(options.rename ?? {})),
    asyncFilter,
    renameWorld: options.renameWorld,
    typeSectionSuffix: options.typeSectionSuffix,
    noHelpers: options.noHelpers ?? false,
    generateAsyncHelpers: options.generateAsyncHelpers ?? false,
    generateThreadingHelpers: options.generateThreadingHelpers ?? false,
    autodropBorrows: options.autodropBorrows ?? false,
    noSigFlattening: options.noSigFlattening ?? false,
  };
  const { header, source, base } = generated();
  const unused = asyncFilter.unused();
  if (unused.length > 0) throw new UnsupportedCWorldError(`the async filter \`${unused[0]}\` names no function`);
  return [
    { path: `${base}.h`, contents: header },
    { path: `${base}.c`, contents: source },
  ];
}
