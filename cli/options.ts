/**
 * The commands of `witx-bindgen` as yargs reads them: the global options,
 * and each command's usage, summary and options. What a command does is in
 * `commands/`, a module per command family that `main.ts` loads only when
 * that command runs; this module imports nothing at run time, so that
 * reading the command line initialises no generator, encoder or parser.
 */
import type { Argv, ArgumentsCamelCase } from "yargs";

/** The options every command takes. */
export function globalOptions(y: Argv) {
  return y
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
    });
}

export type GlobalArgv = ReturnType<typeof globalOptions>;

/** A command: its yargs usage (name and positionals), its summary, and its options. */
export interface CommandSpec<A> {
  usage: string;
  describe: string;
  builder: (y: GlobalArgv) => Argv<A>;
}

/** The parsed arguments of a command. */
export type ArgsOf<C> = C extends CommandSpec<infer A> ? ArgumentsCamelCase<A> : never;

/** The WIT input of the generators: a file or a directory. */
const witPath = {
  type: "string",
  demandOption: true,
  describe: "a .wit file or a WIT directory (with deps/)",
} as const;

/** `--check` of the generators. */
const checkOption = {
  type: "boolean",
  default: false,
  describe: "compare with the files in --out-dir, list the stale ones, exit 1 if any; write nothing",
} as const;

/** Keeps the options' types of a command literal. */
function spec<A>(c: CommandSpec<A>): CommandSpec<A> {
  return c;
}

export const jsonCommand = spec({
  usage: "json <path>",
  describe: "print the resolved packages as wit-parser's Resolve JSON",
  builder: (y) => y.positional("path", witPath),
});
export type JsonArgs = ArgsOf<typeof jsonCommand>;

export const tsCommand = spec({
  usage: "ts <path>",
  describe: "generate the TypeScript host of a world (from WIT) or of a component (from its .wasm)",
  builder: (y) =>
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
      .option("check", checkOption),
});
export type TsArgs = ArgsOf<typeof tsCommand>;

export const rustCommand = spec({
  usage: "rust <path>",
  describe: "generate the Rust guest bindings of a world: one self-contained <world>.rs",
  builder: (y) =>
    y
      .positional("path", witPath)
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
      .option("check", checkOption),
});
export type RustArgs = ArgsOf<typeof rustCommand>;

export const cCommand = spec({
  usage: "c <path>",
  describe: "generate the C guest bindings of a world: <world>.h and <world>.c",
  builder: (y) =>
    y
      .positional("path", witPath)
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
      .option("check", checkOption),
});
export type CArgs = ArgsOf<typeof cCommand>;

export const embedCommand = spec({
  usage: "embed <wit> <core>",
  describe: "add the world's component-type section to a core module (as `wasm-tools component embed`)",
  builder: (y) =>
    y
      .positional("wit", { type: "string", demandOption: true, describe: "a .wit file or a WIT directory" })
      .positional("core", { type: "string", demandOption: true, describe: "the core .wasm module" })
      .option("output", { alias: "o", type: "string", demandOption: true, describe: "where to write the module" })
      .option("string-encoding", {
        choices: ["utf8", "utf16", "compact-utf16"] as const,
        default: "utf8" as const,
        describe: "the string encoding of the module's bindings",
      }),
});
export type EmbedArgs = ArgsOf<typeof embedCommand>;

export const linkCommand = spec({
  usage: "link <libs..>",
  describe: "link tool-conventions shared libraries (dylink.0) into one component (as `wasm-tools component link`)",
  builder: (y) =>
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
});
export type LinkArgs = ArgsOf<typeof linkCommand>;

export const plugCommand = spec({
  usage: "plug <socket>",
  describe: "plug the exports of components into the imports of a socket component (as `wac plug`)",
  builder: (y) =>
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
});
export type PlugArgs = ArgsOf<typeof plugCommand>;

export const composeCommand = spec({
  usage: "compose <config>",
  describe: "instantiate components and wire them together as a YAML or JSON config says (as `wac compose`)",
  builder: (y) =>
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
});
export type ComposeArgs = ArgsOf<typeof composeCommand>;

export const componentCommand = spec({
  usage: "component <core>",
  describe:
    "wrap a core module into a component (as `wasm-tools component new`), using its embedded component-type sections or --wit",
  builder: (y) =>
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
});
export type ComponentArgs = ArgsOf<typeof componentCommand>;

/** How `run` appears in the command list (it reads its own arguments: `run.ts`). */
export const RUN_COMMAND = "run <component>";
export const RUN_SUMMARY =
  "run a component: a command (wasi:cli/run), or one export with --invoke '<call>' (WAVE) or with typed flags (`run <component> <function> --help`)";
