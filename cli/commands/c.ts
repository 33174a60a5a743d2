/** `witx-bindgen c`: the C guest bindings of a world, `<world>.h` and `<world>.c`. */
import { generateC, UnsupportedCWorldError } from "../../generators/c/index.js";
import { loadWitPath } from "../../load-wit.js";
import type { CArgs } from "../options.js";
import { fail, loadOptions, unsupported, usage, worldRequired, writeOrCheck } from "./common.js";

export function c(argv: CArgs): void {
  const loaded = loadWitPath(argv.path, loadOptions(argv));
  if (!loaded.ok) fail(loaded.diagnostics);
  if (loaded.world === undefined) usage(worldRequired(loaded.resolve, loaded.package));
  const rename: Record<string, string> = {};
  for (const r of argv.rename ?? []) {
    const eq = r.lastIndexOf("=");
    if (eq <= 0) usage(`--rename takes ns:pkg/iface=prefix, not \`${r}\``);
    rename[r.slice(0, eq)] = r.slice(eq + 1);
  }
  const files = unsupported(UnsupportedCWorldError, () =>
    generateC(loaded.resolve, loaded.world!, {
      stringEncoding: argv["string-encoding"],
      noRealloc: argv["no-realloc"],
      rename,
      async: argv.async?.flatMap((a) => a.split(",")),
      renameWorld: argv["rename-world"],
      typeSectionSuffix: argv["type-section-suffix"],
      noHelpers: argv["no-helpers"],
      noObjectFile: argv["no-object-file"],
      generateAsyncHelpers: argv["generate-async-helpers"],
      autodropBorrows: argv["autodrop-borrows"] === "yes",
      noSigFlattening: argv["no-sig-flattening"],
      generateThreadingHelpers: argv["generate-threading-helpers"],
    }),
  );
  writeOrCheck(files, argv["out-dir"], argv.check);
}
