#!/usr/bin/env node
/**
 * The `witx-bindgen` command line.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import pc from "picocolors";
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import {
  generateTypeScript,
  loadWitPath,
  resolveToJsonString,
  UnsupportedWorldError,
  generateRust,
  UnsupportedRustWorldError,
  generateC,
  UnsupportedCWorldError,
  type Diagnostic,
  type GeneratedFile,
  type LoadOptions,
} from "../index.js";
import {
  ComponentEncodingError,
  componentNew,
  embedMetadata,
  linkComponent,
  type WorldBindings,
} from "../encoding/index.js";
import { compose, ComposeError, plug, readComposeConfig } from "../encoding/compose/index.js";
import { splitComponentTypeSections } from "../encoding/metadata.js";
import { DecodeError } from "../encoding/decode/index.js";
import { BinaryError } from "../encoding/reader.js";
import { isComponentBinary } from "../encoding/decode/component.js";
import { ComponentHostError, generateComponentHost, type ComponentHostFile } from "../generators/ts/component/index.js";
import { RUN_COMMAND, RUN_SUMMARY, runMain } from "./run.js";

/** The version in the nearest package.json above this file (the source and bundled layouts differ). */
function packageVersion(): string {
  for (let dir = new URL(".", import.meta.url); ; dir = new URL("..", dir)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL("package.json", dir), "utf8")) as { name?: string; version: string };
      if (pkg.name === "witx-bindgen") return pkg.version;
    } catch {
      // keep looking
    }
    if (dir.pathname === "/") return "unknown";
  }
}

/** `error: message` followed by wit-parser's location and excerpt, colored on a terminal. */
export function formatDiagnostic(d: Diagnostic, color = pc.isColorSupported): string {
  const c = pc.createColors(color);
  const [first, ...rest] = d.rendered.split("\n");
  const body = rest.map((line) =>
    line.startsWith("     --> ") ? c.blue("     --> ") + line.slice(9) : line.replace(/^( +\d* +\|)/, (m) => c.blue(m)),
  );
  return [`${c.red(c.bold("error"))}${c.bold(":")} ${c.bold(first)}`, ...body].join("\n");
}

function loadOptions(argv: { world?: string; features?: string[]; "all-features"?: boolean }): LoadOptions {
  return {
    world: argv.world,
    features: (argv.features ?? [])
      .flatMap((f) => f.split(","))
      .map((f) => f.trim())
      .filter(Boolean),
    allFeatures: argv["all-features"] ?? false,
  };
}

function fail(diagnostics: Diagnostic[]): never {
  process.stderr.write(diagnostics.map((d) => formatDiagnostic(d)).join("\n\n") + "\n");
  process.exit(1);
}

/** A composition goes to standard output only when that is not a terminal. */
function refuseTerminal(output: string | undefined): void {
  if (output === undefined && process.stdout.isTTY) {
    userError("cannot print binary wasm output to a terminal; pass `-o FILE` to write it to a file");
  }
}

function writeBinary(bytes: Uint8Array, output: string | undefined): void {
  if (output === undefined) process.stdout.write(bytes);
  else writeFileSync(output, bytes);
}

function usage(message: string): never {
  process.stderr.write(`${pc.red("error")}: ${message}\n`);
  process.exit(2);
}

function worldRequired(resolve: import("../index.js").Resolve, pkg: number): string {
  const names = [...resolve.packages[pkg].worlds.keys()];
  return names.length === 0
    ? "the package has no world to generate bindings for"
    : `the package has ${names.length} worlds (${names.join(", ")}); choose one with --world`;
}

/** Writes the files, or with `check` compares them with what is on disk and exits 1 when any differ. */
function writeOrCheck(files: (GeneratedFile | ComponentHostFile)[], outDir: string, check: boolean): void {
  if (check) {
    const stale = files.filter((f) => {
      try {
        const target = path.join(outDir, f.path);
        if (typeof f.contents === "string") return readFileSync(target, "utf8") !== f.contents;
        return !Buffer.from(readFileSync(target)).equals(Buffer.from(f.contents));
      } catch {
        return true;
      }
    });
    for (const f of stale) process.stdout.write(`stale: ${path.join(outDir, f.path)}\n`);
    if (stale.length) process.exit(1);
    return;
  }
  mkdirSync(outDir, { recursive: true });
  for (const f of files) {
    const target = path.join(outDir, f.path);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, f.contents);
  }
}

/**
 * The bytes of `input` when it is a component binary (a file starting with the
 * component preamble); `"core module"` for a core module's preamble.
 */
function readComponentInput(input: string): Uint8Array | "core module" | undefined {
  try {
    const bytes = readFileSync(input);
    if (isComponentBinary(bytes)) return new Uint8Array(bytes);
    const core = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0];
    if (bytes.length >= 8 && core.every((b, i) => bytes[i] === b)) return "core module";
    return undefined;
  } catch {
    return undefined;
  }
}

/** Runs a generator; a world it cannot serve yet is reported as an error, not a stack trace. */
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

function unsupported<T>(generate: () => T): T {
  try {
    return generate();
  } catch (e) {
    if (e instanceof UnsupportedRustWorldError || e instanceof UnsupportedCWorldError) {
      process.stderr.write(`${pc.red(pc.bold("error"))}: ${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
}

function readBinary(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (e) {
    usage(`failed to read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/**
 * A `[NAME=]FILE` argument: the module and its name (for an adapter, the
 * file's name without `.wasm` by default; for a library, the file's name).
 */
function namedModule(flag: string, spec: string, stripWasm: boolean): { name: string; wasm: Uint8Array } {
  const eq = spec.indexOf("=");
  const file = eq < 0 ? spec : spec.slice(eq + 1);
  const base = path.basename(file);
  const name = eq < 0 ? (stripWasm ? base.replace(/\.wasm$/, "") : base) : spec.slice(0, eq);
  if (name === "") usage(`${flag} ${spec}: the name is empty`);
  return { name, wasm: readBinary(file) };
}

/** Runs an encoding step; a module that does not fit, or bytes that do not parse, are the user's error. */
function encodingStep<T>(step: () => T): T {
  try {
    return step();
  } catch (e) {
    if (
      e instanceof ComponentEncodingError ||
      e instanceof BinaryError ||
      e instanceof DecodeError ||
      e instanceof ComposeError
    ) {
      userError(e.message);
    }
    throw e;
  }
}

/** `error: message`, exit status 1: what the user asked for cannot be done. */
function userError(message: string): never {
  process.stderr.write(`${pc.red(pc.bold("error"))}: ${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  // `run` reads its own arguments: the flags after a function name are that function's parameters.
  if (hideBin(process.argv)[0] === "run") return runMain(hideBin(process.argv).slice(1), packageVersion());
  await yargs(hideBin(process.argv))
    .scriptName("witx-bindgen")
    .usage("$0 <command> [options]")
    .version(packageVersion())
    // Options named `--no-…` (wit-bindgen's `--no-helpers`, `--no-realloc`) are options, not negations.
    .parserConfiguration({ "boolean-negation": false })
    .strict()
    .demandCommand(1, "a command is required")
    .option("features", {
      type: "string",
      array: true,
      describe: "enable @unstable features (comma-separated or repeated)",
      global: true,
    })
    .option("all-features", { type: "boolean", describe: "enable every @unstable feature", global: true })
    .option("world", {
      type: "string",
      describe: "world to use: a name in the main package or ns:pkg/world",
      global: true,
    })
    .command(
      "json <path>",
      "print the resolved packages as wit-parser's Resolve JSON",
      (y) =>
        y.positional("path", {
          type: "string",
          demandOption: true,
          describe: "a .wit file or a WIT directory (with deps/)",
        }),
      (argv) => {
        const loaded = loadWitPath(argv.path, loadOptions(argv));
        if (!loaded.ok) fail(loaded.diagnostics);
        process.stdout.write(resolveToJsonString(loaded.resolve) + "\n");
      },
    )
    .command(
      "ts <path>",
      "generate the TypeScript host of a world (from WIT) or of a component (from its .wasm)",
      (y) =>
        y
          .positional("path", {
            type: "string",
            demandOption: true,
            describe: "a .wit file or a WIT directory (with deps/), or a component binary",
          })
          .option("out-dir", { type: "string", demandOption: true, describe: "directory to write the module to" })
          .option("name", {
            type: "string",
            describe: "base name of the files written for a component (default: the input's file name)",
          })
          .option("string-encoding", {
            choices: ["utf8", "utf16", "latin1+utf16"] as const,
            default: "utf8" as const,
            describe: "the string encoding of the guest's memory",
          })
          .option("js", { type: "boolean", default: false, describe: "emit .js and .d.ts instead of .ts" })
          .option("format", {
            type: "boolean",
            default: false,
            describe: "run the output through prettier (it is emitted formatted already)",
          })
          .option("check", {
            type: "boolean",
            default: false,
            describe: "compare with the files in --out-dir, list the stale ones, exit 1 if any; write nothing",
          }),
      async (argv) => {
        const component = readComponentInput(argv.path);
        if (component === "core module") {
          process.stderr.write(
            `${pc.red(pc.bold("error"))}: ${argv.path} is a core module, not a component: make it a component first (\`witx-bindgen component\`), or give the WIT of its world to generate a host for the module\n`,
          );
          process.exit(1);
        }
        if (component) {
          const name = argv.name ?? path.basename(argv.path).replace(/\.[^.]*$/, "");
          let files: ComponentHostFile[];
          try {
            files = await generateComponentHost(component, { name, js: argv.js });
          } catch (e) {
            if (e instanceof ComponentHostError) {
              process.stderr.write(`${pc.red(pc.bold("error"))}: ${e.message}\n  --> ${argv.path}\n`);
              process.exit(1);
            }
            throw e;
          }
          writeOrCheck(files, argv["out-dir"], argv.check);
          return;
        }
        const loaded = loadWitPath(argv.path, loadOptions(argv));
        if (!loaded.ok) fail(loaded.diagnostics);
        if (loaded.world === undefined) usage(worldRequired(loaded.resolve, loaded.package));
        let files: GeneratedFile[];
        try {
          files = await generateTypeScript(loaded.resolve, loaded.world, {
            stringEncoding: argv["string-encoding"],
            js: argv.js,
            format: argv.format,
          });
        } catch (e) {
          if (e instanceof UnsupportedWorldError) {
            process.stderr.write(`${pc.red(pc.bold("error"))}: ${e.message}\n`);
            process.exit(1);
          }
          throw e;
        }
        writeOrCheck(files, argv["out-dir"], argv.check);
      },
    )
    .command(
      "rust <path>",
      "generate the Rust guest bindings of a world: one self-contained <world>.rs",
      (y) =>
        y
          .positional("path", {
            type: "string",
            demandOption: true,
            describe: "a .wit file or a WIT directory (with deps/)",
          })
          .option("out-dir", { type: "string", demandOption: true, describe: "directory to write the file to" })
          .option("edition", {
            choices: [2021, 2024] as const,
            default: 2021 as const,
            describe: "the Rust edition of the crate that includes the file",
          })
          .option("no-realloc", {
            type: "boolean",
            default: false,
            describe: "leave out the cabi_realloc export (the crate provides its own)",
          })
          .option("boxed-async-exports", {
            type: "boolean",
            default: false,
            describe: "async export methods return Pin<Box<dyn Future>> instead of being async fn (rustc before 1.75)",
          })
          .option("skip", {
            type: "string",
            array: true,
            describe: "generate nothing for this function (its WIT name; repeatable)",
          })
          .option("export-prefix", { type: "string", describe: "prepended to every core export name" })
          .option("export-macro-name", { type: "string", describe: "the name of the export! macro" })
          .option("pub-export-macro", {
            type: "boolean",
            default: false,
            describe: "make the export macros #[macro_export] and pub, for other crates",
          })
          .option("default-bindings-module", {
            type: "string",
            describe: "the module export!($ty) finds the bindings in, instead of self",
          })
          .option("type-section-suffix", {
            type: "string",
            describe: "appended to the name of the component-type custom section",
          })
          .option("additional-derive-attributes", {
            alias: "d",
            type: "string",
            array: true,
            describe: "a derive added to every record, variant and enum (repeatable)",
          })
          .option("additional-derive-ignore", {
            type: "string",
            array: true,
            describe: "a type (its WIT name) that does not get the additional derives (repeatable)",
          })
          .option("additional-type-attributes", {
            type: "string",
            array: true,
            describe: "SELECTOR=ATTR: an attribute of one type, by its full WIT name (ns:pkg/iface/t; repeatable)",
          })
          .option("additional-member-attributes", {
            type: "string",
            array: true,
            describe: "SELECTOR=ATTR: an attribute of a field or case, by <type's full WIT name>.<member> (repeatable)",
          })
          .option("ownership", {
            choices: ["owning", "borrowing", "borrowing-duplicate-if-necessary"] as const,
            default: "owning" as const,
            describe:
              "owning: types are owned, imports borrow their parameters' top level; borrowing: types used only by imports' parameters borrow deeply; borrowing-duplicate-if-necessary: types used both ways are defined twice (<T>Param, <T>Result)",
          })
          .option("async", {
            type: "string",
            array: true,
            describe:
              "which functions use the async ABI: all, ns:pkg/iface#f, f, import:<name>, export:<name>, each negated with a leading - (repeatable, comma lists; default: those declared async)",
          })
          .option("merge-structurally-equal-types", {
            type: "boolean",
            default: false,
            describe: "generate each type structurally equal to an earlier one as an alias of it",
          })
          .option("std-feature", {
            type: "boolean",
            default: false,
            describe: 'put what needs std behind #[cfg(feature = "std")], for #![no_std] crates with alloc',
          })
          .option("raw-strings", {
            type: "boolean",
            default: false,
            describe: "borrowed string arguments are &[u8] (UTF-8) instead of &str",
          })
          .option("enable-method-chaining", {
            type: "boolean",
            default: false,
            describe: "methods with no result return &Self",
          })
          .option("map-type", {
            type: "string",
            describe: "the path of the type of WIT maps (default: a BTreeMap), such as std::collections::HashMap",
          })
          .option("with", {
            type: "string",
            array: true,
            describe:
              "KEY=PATH|generate: an imported interface (ns:pkg/iface@v) or type (ns:pkg/iface/t) found at a Rust path instead of generated (repeatable, comma lists)",
          })
          .option("stubs", {
            type: "boolean",
            default: false,
            describe: "a Stub type implements every export with unreachable!() and is exported",
          })
          .option("generate-unused-types", {
            type: "boolean",
            default: false,
            describe: "accepted for wit-bindgen: every type of the world's interfaces is always generated",
          })
          .option("runtime-path", {
            type: "string",
            describe: "accepted for wit-bindgen: the runtime is always generated into the file (its _rt module)",
          })
          .option("bitflags-path", {
            type: "string",
            describe:
              "the module whose bitflags! macro defines flags (crate::m re-exporting wit_bindgen::rt::bitflags, or the bitflags crate); default: structs of their own",
          })
          .option("generate-all", {
            type: "boolean",
            default: false,
            describe:
              "generate the imported interfaces --with does not name (without --with, every one is generated anyway)",
          })
          .option("format", {
            type: "boolean",
            default: false,
            describe: "accepted for wit-bindgen: the output is always formatted",
          })
          .option("disable-custom-section-link-helpers", {
            type: "boolean",
            default: false,
            describe: "accepted for wit-bindgen: the component type is a #[used] static, with no link helpers",
          })
          .option("disable-run-ctors-once-workaround", {
            type: "boolean",
            default: false,
            describe: "the exports do not run the static constructors on their first call",
          })
          .option("check", {
            type: "boolean",
            default: false,
            describe: "compare with the files in --out-dir, list the stale ones, exit 1 if any; write nothing",
          }),
      (argv) => {
        const loaded = loadWitPath(argv.path, loadOptions(argv));
        if (!loaded.ok) fail(loaded.diagnostics);
        if (loaded.world === undefined) usage(worldRequired(loaded.resolve, loaded.package));
        const files = unsupported(() =>
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
      },
    )
    .command(
      "c <path>",
      "generate the C guest bindings of a world: <world>.h and <world>.c",
      (y) =>
        y
          .positional("path", {
            type: "string",
            demandOption: true,
            describe: "a .wit file or a WIT directory (with deps/)",
          })
          .option("out-dir", { type: "string", demandOption: true, describe: "directory to write the files to" })
          .option("string-encoding", {
            choices: ["utf8", "utf16", "compact-utf16"] as const,
            default: "utf8" as const,
            describe: "the string encoding of the guest's memory (compact-utf16: Latin-1 or UTF-16, string by string)",
          })
          .option("no-realloc", {
            type: "boolean",
            default: false,
            describe: "leave out the weak cabi_realloc (the program provides its own)",
          })
          .option("rename", {
            type: "string",
            array: true,
            describe: "name an interface's C prefix: ns:pkg/iface=prefix (repeatable)",
          })
          .option("async", {
            type: "string",
            array: true,
            describe:
              "which functions use the async ABI: all, ns:pkg/iface#f, f, import:<name>, export:<name>, each negated with a leading - (repeatable; default: those declared async)",
          })
          .option("rename-world", {
            type: "string",
            describe: "the world's name in the generated names and files",
          })
          .option("type-section-suffix", {
            type: "string",
            describe: "appended to the name of the component-type custom section",
          })
          .option("no-helpers", {
            type: "boolean",
            default: false,
            describe: "leave out the helper functions (*_free, strings, resources, futures and streams)",
          })
          .option("no-object-file", {
            type: "boolean",
            default: false,
            describe: "accepted for wit-bindgen: the component type is always in the .c file, never an object file",
          })
          .option("autodrop-borrows", {
            choices: ["yes", "no"] as const,
            default: "no" as const,
            describe: "synchronous exports drop the borrows of imported resources they receive when they return",
          })
          .option("no-sig-flattening", {
            type: "boolean",
            default: false,
            describe: "options and results in signatures as their structs, not maybe_ pointers and bool returns",
          })
          .option("generate-threading-helpers", {
            type: "boolean",
            default: false,
            describe: "emit the thread built-ins and context slot 1 (implies --generate-async-helpers)",
          })
          .option("generate-async-helpers", {
            type: "boolean",
            default: false,
            describe: "emit the async helpers even when no function is async",
          })
          .option("check", {
            type: "boolean",
            default: false,
            describe: "compare with the files in --out-dir, list the stale ones, exit 1 if any; write nothing",
          }),
      (argv) => {
        const loaded = loadWitPath(argv.path, loadOptions(argv));
        if (!loaded.ok) fail(loaded.diagnostics);
        if (loaded.world === undefined) usage(worldRequired(loaded.resolve, loaded.package));
        const rename: Record<string, string> = {};
        for (const r of argv.rename ?? []) {
          const eq = r.lastIndexOf("=");
          if (eq <= 0) usage(`--rename takes ns:pkg/iface=prefix, not \`${r}\``);
          rename[r.slice(0, eq)] = r.slice(eq + 1);
        }
        const files = unsupported(() =>
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
      },
    )
    .command(
      "embed <wit> <core>",
      "add the world's component-type section to a core module (as `wasm-tools component embed`)",
      (y) =>
        y
          .positional("wit", { type: "string", demandOption: true, describe: "a .wit file or a WIT directory" })
          .positional("core", { type: "string", demandOption: true, describe: "the core .wasm module" })
          .option("output", { alias: "o", type: "string", demandOption: true, describe: "where to write the module" })
          .option("string-encoding", {
            choices: ["utf8", "utf16", "compact-utf16"] as const,
            default: "utf8" as const,
            describe: "the string encoding of the module's bindings",
          }),
      (argv) => {
        const loaded = loadWitPath(argv.wit, loadOptions(argv));
        if (!loaded.ok) fail(loaded.diagnostics);
        if (loaded.world === undefined) usage(worldRequired(loaded.resolve, loaded.package));
        const core = readBinary(argv.core);
        const out = encodingStep(() =>
          embedMetadata(core, loaded.resolve, loaded.world!, { stringEncoding: argv["string-encoding"] }),
        );
        writeFileSync(argv.output, out);
      },
    )
    .command(
      "link <libs..>",
      "link tool-conventions shared libraries (dylink.0) into one component (as `wasm-tools component link`)",
      (y) =>
        y
          .positional("libs", {
            type: "string",
            array: true,
            demandOption: true,
            describe: "[NAME=]lib.so: the libraries (NAME defaults to the file's name, as `needed` entries name it)",
          })
          .option("output", {
            alias: "o",
            type: "string",
            demandOption: true,
            describe: "where to write the component",
          })
          .option("dl-openable", {
            type: "string",
            array: true,
            describe: "[NAME=]lib.so: a library whose exports dlopen/dlsym can find",
          })
          .option("adapt", {
            type: "string",
            array: true,
            describe: "[NAME=]adapter.wasm: an adapter module for a core import module (e.g. wasi_snapshot_preview1)",
          })
          .option("stub-missing-functions", {
            type: "boolean",
            describe: "satisfy unresolved function imports with functions that trap",
          })
          .option("use-built-in-libdl", { type: "boolean", describe: "add a built-in libdl.so (dlopen, dlsym…)" })
          .option("stack-size", { type: "number", describe: "bytes of stack in the main module (default 1 MiB)" })
          .option("realloc-via-memory-grow", {
            type: "boolean",
            describe: "adapters allocate (and get their stack) with memory.grow",
          }),
      (argv) => {
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
      },
    )
    .command(
      "plug <socket>",
      "plug the exports of components into the imports of a socket component (as `wac plug`)",
      (y) =>
        y
          .positional("socket", {
            type: "string",
            demandOption: true,
            describe: "the socket component, whose imports the plugs' exports satisfy",
          })
          .option("plug", {
            type: "string",
            array: true,
            demandOption: true,
            describe: "a plug component (repeat for more): each export satisfies the socket's import of its name",
          })
          .option("output", {
            alias: "o",
            type: "string",
            describe: "where to write the composition (default: standard output, unless it is a terminal)",
          }),
      (argv) => {
        refuseTerminal(argv.output);
        const socket = readBinary(argv.socket);
        const plugs = argv.plug.map(readBinary);
        const out = encodingStep(() =>
          plug(socket, plugs, {
            socketName: argv.socket,
            plugNames: argv.plug,
            warn: (m) => process.stderr.write(`${pc.yellow("warning")}: ${m}\n`),
          }),
        );
        writeBinary(out, argv.output);
      },
    )
    .command(
      "compose <config>",
      "instantiate components and wire them together as a YAML or JSON config says (as `wac compose`)",
      (y) =>
        y
          .positional("config", {
            type: "string",
            demandOption: true,
            describe: "the composition: components, their instances and arguments, and exports",
          })
          .option("output", {
            alias: "o",
            type: "string",
            describe: "where to write the composition (default: standard output, unless it is a terminal)",
          }),
      (argv) => {
        refuseTerminal(argv.output);
        const out = encodingStep(() => {
          const { graph, componentFiles } = readComposeConfig(argv.config);
          return compose(graph, { componentFiles });
        });
        writeBinary(out, argv.output);
      },
    )
    .command(
      "component <core>",
      "wrap a core module into a component (as `wasm-tools component new`), using its embedded component-type sections or --wit",
      (y) =>
        y
          .positional("core", { type: "string", demandOption: true, describe: "the core .wasm module" })
          .option("output", {
            alias: "o",
            type: "string",
            demandOption: true,
            describe: "where to write the component",
          })
          .option("wit", { type: "string", describe: "the world's WIT (instead of the module's embedded sections)" })
          .option("string-encoding", {
            choices: ["utf8", "utf16", "compact-utf16"] as const,
            describe: "with --wit: the string encoding of the module's bindings (default utf8)",
          })
          .option("adapt", {
            type: "string",
            array: true,
            describe:
              "[NAME=]adapter.wasm: an adapter module implementing the core import module NAME (default: the file's stem), e.g. wasi_snapshot_preview1=wasi_snapshot_preview1.reactor.wasm",
          })
          .option("realloc-via-memory-grow", {
            type: "boolean",
            describe: "adapters allocate (and get their stack) with memory.grow instead of the module's cabi_realloc",
          })
          .option("return-call-ref", {
            type: "boolean",
            describe: "trampolines tail-call through globals (return_call_ref) instead of calling through a table",
          }),
      (argv) => {
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
      },
    )
    .command(RUN_COMMAND, RUN_SUMMARY)
    .fail((message, error, y) => {
      if (error) throw error;
      process.stderr.write(`${y.help()}\n\n${pc.red("error")}: ${message}\n`);
      process.exit(2);
    })
    .help()
    .parseAsync();
}

main().catch((e: unknown) => {
  process.stderr.write(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(2);
});
