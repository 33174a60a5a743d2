/**
 * `witx-bindgen rust`: the Rust guest bindings of a world, as one
 * self-contained file `<world>.rs` that a crate compiled to wasm32 includes.
 */
import type { Resolve } from "../../ir/resolve.js";
import type { WorldId } from "../../ir/types.js";
import type { GeneratedFile } from "../output.js";
import { snakeCase } from "./naming.js";
import { generateRustWorld, RustOptionsError, unsupportedReason, type RustWorldOptions } from "./world.js";

export interface RustOptions {
  /** The Rust edition of the crate that includes the file: `2024` uses `unsafe extern` and `#[unsafe(...)]` attributes (default `2021`). */
  edition?: 2021 | 2024;
  /**
   * Async exports' trait methods return `Pin<Box<dyn Future<Output = T>>>`
   * instead of being `async fn`, for compilers before Rust 1.75 (which lack
   * `async fn` in traits). Implementations then return `Box::pin(async { ... })`.
   */
  boxedAsyncExports?: boolean;
  /** Leave out the `cabi_realloc` export, for a crate that provides its own. */
  noRealloc?: boolean;
  /** The generator named in the header (default `witx-bindgen`). */
  generator?: string;
  /** Functions to generate nothing for, by their WIT names (`[method]r.f` for methods): wit-bindgen's `skip`. */
  skip?: string[];
  /** Prepended to every core export name (wit-bindgen's `export_prefix`). */
  exportPrefix?: string;
  /** The name of the `export!` macro (wit-bindgen's `export_macro_name`). */
  exportMacroName?: string;
  /** Makes the export macros `#[macro_export]` and `pub`, for use from other crates (wit-bindgen's `pub_export_macro`). */
  pubExportMacro?: boolean;
  /** The module `export!($ty)` finds the bindings in, instead of `self` (wit-bindgen's `default_bindings_module`). */
  defaultBindingsModule?: string;
  /** Appended to the name of the `component-type` custom section (wit-bindgen's `type_section_suffix`). */
  typeSectionSuffix?: string;
  /**
   * The exports do not call `_rt::run_ctors_once()` (which runs the static
   * constructors on the first export call, as wit-bindgen's exports do);
   * wit-bindgen's `disable_run_ctors_once_workaround`.
   */
  disableRunCtorsOnceWorkaround?: boolean;
  /** Derives added to every record, variant and enum (wit-bindgen's `additional_derive_attributes`). */
  additionalDeriveAttributes?: string[];
  /** Types (by WIT name) that do not get them (wit-bindgen's `additional_derive_ignore`). */
  additionalDeriveIgnore?: string[];
  /**
   * Attributes of chosen records, variants and enums: `[selector, attribute]`,
   * the selector a type's full WIT name (`ns:pkg/iface/t`, with `@version`
   * when versioned; `world/t`). A selector that matches nothing is an error
   * (wit-bindgen's `additional_type_attributes`).
   */
  additionalTypeAttributes?: [string, string][];
  /** The same for fields and cases: `<type's full WIT name>.<member>` (wit-bindgen's `additional_member_attributes`). */
  additionalMemberAttributes?: [string, string][];
  /**
   * A `Stub` type implements every export with `unreachable!()` and is
   * exported (`export!(Stub)`), so that the bindings build alone
   * (wit-bindgen's `stubs`).
   */
  stubs?: boolean;
  /**
   * Strings are their UTF-8 bytes, which the code must keep valid: `&[u8]`
   * where borrowed (an import's arguments) and `Vec<u8>` where owned
   * (results, an export's arguments, type fields), so that code with bytes
   * need not convert them (wit-bindgen's `raw_strings`).
   */
  rawStrings?: boolean;
  /**
   * How imports' parameters and the type definitions they use borrow
   * (wit-bindgen's `ownership`). `owning` (the default): types are owned and
   * an import borrows the top of its parameters (`&Record`). `borrowing`: a
   * type used only by imports' parameters is defined borrowing
   * (`Record<'a>`, with `&'a str` fields). `borrowing-duplicate-if-necessary`:
   * a type holding lists used both ways is defined twice, `RecordParam<'a>`
   * and `RecordResult`.
   */
  ownership?: "owning" | "borrowing" | "borrowing-duplicate-if-necessary";
  /**
   * What needs `std` (the `std::error::Error` impls of error types and of
   * `ErrorContext`) is compiled only with the crate's `std` feature
   * (`#[cfg(feature = "std")]`), so that the bindings build in a
   * `#![no_std]` crate with `alloc` (wit-bindgen's `std_feature`). The
   * bindings use `alloc`, never `std`, for everything else.
   */
  stdFeature?: boolean;
  /**
   * Each type structurally equal to one the world reaches earlier (the same
   * kind, with fields and cases named alike and equal types; resources are
   * equal only to themselves) is generated as an alias of it, so that, for
   * example, an interface's types imported and a copy of it exported are the
   * same Rust types (wit-bindgen's `merge_structurally_equal_types`).
   */
  mergeStructurallyEqualTypes?: boolean;
  /**
   * Which functions to bind with the asynchronous ABI, as wit-bindgen's
   * `--async` filters: `all`, `ns:pkg/iface#f` or a world-level function's
   * name, `import:<name>`, `export:<name>`, each negated with a leading `-`;
   * the first that matches decides, and one that matches nothing is an
   * error. By default a function is async when it is declared `async`.
   * Constructors stay synchronous.
   */
  async?: string[];
  /** Methods with no result return `&Self`, imported and exported ones (wit-bindgen's `enable_method_chaining`). */
  enableMethodChaining?: boolean;
  /**
   * The path of the type of WIT `map<K, V>` (default `_rt::Map`, a
   * `BTreeMap`), such as `std::collections::HashMap`: it needs `new`,
   * `insert`, `len` and iteration by value and by reference (wit-bindgen's
   * `map_type`).
   */
  mapType?: string;
  /**
   * The module whose `bitflags!` macro defines flags types, as the bitflags
   * crate's (wit-bindgen's `bitflags_path`): `crate::my_bitflags` re-exporting
   * the file's own `wit_bindgen::rt::bitflags`, or the bitflags crate. By
   * default flags are structs of their own, with the same API.
   */
  bitflagsPath?: string;
  /**
   * Imported interfaces and types generated elsewhere (wit-bindgen's
   * `with`): the key is an interface's name in the world (`ns:pkg/iface@v`,
   * or an inline interface's name) or a type's full WIT name
   * (`ns:pkg/iface/t`, `world/t`); the value is the Rust path where it is
   * (the other bindings' module or type), or `generate`. Those are not
   * generated here, and the bindings refer to them there (a resource's handle
   * through `from_handle`/`take_handle`). Exports are always generated. A key
   * that names nothing imported is an error.
   */
  with?: Record<string, string>;
  /**
   * Imported interfaces that `with` does not name are generated (wit-bindgen's
   * `generate_all`). Without `with`, everything is generated anyway; once
   * `with` names anything, each imported interface must be named or this
   * set, else the error is wit-bindgen's ``missing `with` mapping for the key
   * `K` ``.
   */
  generateAll?: boolean;
}

/** Thrown for a world the Rust generator cannot serve (flags of more than 32 labels). */
export class UnsupportedRustWorldError extends Error {}

/** Generates `<world>.rs`, the Rust guest bindings of `world`. */
export function generateRust(resolve: Resolve, world: WorldId, options: RustOptions = {}): GeneratedFile[] {
  const reason = unsupportedReason(resolve, world);
  if (reason) throw new UnsupportedRustWorldError(`the Rust generator does not support this world: ${reason}`);
  const generate = (): string => {
    try {
      return generateRustWorld(resolve, world, worldOptions);
    } catch (e) {
      if (e instanceof RustOptionsError) throw new UnsupportedRustWorldError(e.message);
      throw e;
    }
  };
  const worldOptions: RustWorldOptions = {
    edition2024: options.edition === 2024,
    boxedAsyncExports: options.boxedAsyncExports ?? false,
    realloc: !options.noRealloc,
    generator: options.generator ?? "witx-bindgen",
    skip: new Set(options.skip ?? []),
    exportPrefix: options.exportPrefix,
    exportMacroName: options.exportMacroName,
    pubExportMacro: options.pubExportMacro ?? false,
    defaultBindingsModule: options.defaultBindingsModule,
    typeSectionSuffix: options.typeSectionSuffix,
    disableRunCtorsOnceWorkaround: options.disableRunCtorsOnceWorkaround ?? false,
    attributes: {
      derives: options.additionalDeriveAttributes ?? [],
      deriveIgnore: new Set(options.additionalDeriveIgnore ?? []),
      types: options.additionalTypeAttributes ?? [],
      members: options.additionalMemberAttributes ?? [],
    },
    stubs: options.stubs ?? false,
    rawStrings: options.rawStrings ?? false,
    ownership: options.ownership,
    methodChaining: options.enableMethodChaining ?? false,
    mapType: options.mapType,
    bitflagsPath: options.bitflagsPath,
    with: options.with,
    generateAll: options.generateAll,
    stdFeature: options.stdFeature,
    mergeStructurallyEqualTypes: options.mergeStructurallyEqualTypes,
    async: options.async,
  };
  const contents = generate();
  return [{ path: `${snakeCase(resolve.worlds[world].name)}.rs`, contents }];
}
