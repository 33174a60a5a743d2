/**
 * `witx-bindgen rust`: the Rust guest bindings of a world, as one
 * self-contained file `<world>.rs` that a crate compiled to wasm32 includes.
 */
import type { Resolve } from "../../ir/resolve.js";
import type { WorldId } from "../../ir/types.js";
import type { GeneratedFile } from "../output.js";
import { snakeCase } from "./naming.js";
import { generateRustWorld, unsupportedReason } from "./world.js";

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
}

/** Thrown for a world the Rust generator cannot serve (flags of more than 32 labels). */
export class UnsupportedRustWorldError extends Error {}

/** Generates `<world>.rs`, the Rust guest bindings of `world`. */
export function generateRust(resolve: Resolve, world: WorldId, options: RustOptions = {}): GeneratedFile[] {
  const reason = unsupportedReason(resolve, world);
  if (reason) throw new UnsupportedRustWorldError(`the Rust generator does not support this world: ${reason}`);
  const contents = generateRustWorld(resolve, world, {
    edition2024: options.edition === 2024,
    boxedAsyncExports: options.boxedAsyncExports ?? false,
    realloc: !options.noRealloc,
    generator: options.generator ?? "witx-bindgen",
  });
  return [{ path: `${snakeCase(resolve.worlds[world].name)}.rs`, contents }];
}
