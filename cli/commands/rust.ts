/** `witx-bindgen rust`: the Rust guest bindings of a world, one self-contained `<world>.rs`. */
import { generateRust, UnsupportedRustWorldError } from "../../generators/rust/index.js";
import { loadWitPath } from "../../load-wit.js";
import type { RustArgs } from "../options.js";
import { fail, loadOptions, unsupported, usage, worldRequired, writeOrCheck } from "./common.js";

/** `--with k=v` options (each possibly a comma list), as wit-bindgen parses them. */
function withOption(values: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of values.flatMap((v) => v.split(","))) {
    const eq = item.indexOf("=");
    if (eq <= 0) usage(`expected string of form \`<key>=<value>[,<key>=<value>...]\`; got \`${item}\``);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

/** `<selector>=<attribute>`, as wit-bindgen parses it. */
function selectorAttribute(s: string): [string, string] {
  const eq = s.indexOf("=");
  if (eq < 0) usage(`expected string of form \`<selector>=<attribute>\`; got \`${s}\``);
  const attr = s.slice(eq + 1);
  if (attr.trim() === "") usage(`attribute must not be empty; got \`${s}\``);
  return [s.slice(0, eq), attr];
}

export function rust(argv: RustArgs): void {
  const loaded = loadWitPath(argv.path, loadOptions(argv));
  if (!loaded.ok) fail(loaded.diagnostics);
  if (loaded.world === undefined) usage(worldRequired(loaded.resolve, loaded.package));
  const files = unsupported(UnsupportedRustWorldError, () =>
    generateRust(loaded.resolve, loaded.world!, {
      edition: argv.edition,
      noRealloc: argv["no-realloc"],
      boxedAsyncExports: argv["boxed-async-exports"],
      skip: argv.skip,
      exportPrefix: argv["export-prefix"],
      exportMacroName: argv["export-macro-name"],
      pubExportMacro: argv["pub-export-macro"],
      defaultBindingsModule: argv["default-bindings-module"],
      typeSectionSuffix: argv["type-section-suffix"],
      disableRunCtorsOnceWorkaround: argv["disable-run-ctors-once-workaround"],
      additionalDeriveAttributes: argv["additional-derive-attributes"],
      additionalDeriveIgnore: argv["additional-derive-ignore"],
      additionalTypeAttributes: (argv["additional-type-attributes"] ?? []).map(selectorAttribute),
      additionalMemberAttributes: (argv["additional-member-attributes"] ?? []).map(selectorAttribute),
      stubs: argv.stubs,
      rawStrings: argv["raw-strings"],
      ownership: argv.ownership,
      enableMethodChaining: argv["enable-method-chaining"],
      mapType: argv["map-type"],
      bitflagsPath: argv["bitflags-path"],
      with: withOption(argv.with ?? []),
      generateAll: argv["generate-all"],
      stdFeature: argv["std-feature"],
      mergeStructurallyEqualTypes: argv["merge-structurally-equal-types"],
      async: argv.async?.flatMap((a) => a.split(",")),
    }),
  );
  writeOrCheck(files, argv["out-dir"], argv.check);
}
