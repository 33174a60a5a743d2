/**
 * The commands that make components from core modules: `embed`, `link` and
 * `component` (as `wasm-tools component embed`, `link` and `new`).
 */
import { writeFileSync } from "node:fs";
import { componentNew, embedMetadata, linkComponent, type WorldBindings } from "../../encoding/index.js";
import { splitComponentTypeSections } from "../../encoding/metadata.js";
import { loadWitPath } from "../../load-wit.js";
import type { ComponentArgs, EmbedArgs, LinkArgs } from "../options.js";
import { encodingStep, namedModule, readBinary } from "./binary.js";
import { fail, loadOptions, usage, worldRequired } from "./common.js";

export function embed(argv: EmbedArgs): void {
  const loaded = loadWitPath(argv.wit, loadOptions(argv));
  if (!loaded.ok) fail(loaded.diagnostics);
  if (loaded.world === undefined) usage(worldRequired(loaded.resolve, loaded.package));
  const core = readBinary(argv.core);
  const out = encodingStep(() =>
    embedMetadata(core, loaded.resolve, loaded.world!, { stringEncoding: argv["string-encoding"] }),
  );
  writeFileSync(argv.output, out);
}

export function link(argv: LinkArgs): void {
  const libs = [
    ...argv.libs.map((spec) => ({ ...namedModule("library", spec, false), dlOpenable: false })),
    ...(argv["dl-openable"] ?? []).map((spec) => ({
      ...namedModule("--dl-openable", spec, false),
      dlOpenable: true,
    })),
  ];
  const adapters = (argv.adapt ?? []).map((spec) => namedModule("--adapt", spec, true));
  writeFileSync(
    argv.output,
    encodingStep(() =>
      linkComponent(libs, {
        adapters,
        stubMissingFunctions: argv["stub-missing-functions"],
        useBuiltInLibdl: argv["use-built-in-libdl"],
        stackSize: argv["stack-size"],
        reallocViaMemoryGrow: argv["realloc-via-memory-grow"],
      }),
    ),
  );
}

export function component(argv: ComponentArgs): void {
  const core = readBinary(argv.core);
  const adapters = (argv.adapt ?? []).map((spec) => namedModule("--adapt", spec, true));
  let bindings: WorldBindings | undefined;
  if (argv.wit !== undefined) {
    const loaded = loadWitPath(argv.wit, loadOptions(argv));
    if (!loaded.ok) fail(loaded.diagnostics);
    if (loaded.world === undefined) usage(worldRequired(loaded.resolve, loaded.package));
    bindings = { resolve: loaded.resolve, world: loaded.world, stringEncoding: argv["string-encoding"] };
  } else {
    if (encodingStep(() => splitComponentTypeSections(core)).sections.length === 0) {
      usage(`${argv.core} has no component-type custom section: give the world with --wit (and --world)`);
    }
  }
  writeFileSync(
    argv.output,
    encodingStep(() =>
      componentNew(core, bindings, {
        adapters,
        reallocViaMemoryGrow: argv["realloc-via-memory-grow"],
        returnCallRef: argv["return-call-ref"],
      }),
    ),
  );
}
