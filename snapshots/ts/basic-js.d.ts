/** The error value of a function that returns `result<T, E>`: thrown with the `E` on `payload`. */
export declare class ComponentError extends Error {
  payload: unknown;
  constructor(payload: unknown);
}
/** What the host provides: the world's imports. */
export interface ImportObject {
  "snap:basic/logger": {
    log(message: string): void;
    now(): bigint;
  };
  randomU32(): number;
}
/** What the guest provides: the world's exports. */
export interface Exports {
  version(): string;
  "snap:basic/calc": {
    add(a: number, b: number): number;
    neg(x: bigint): bigint;
    mix(
      a: number,
      b: number,
      c: number,
      d: number,
      e: number,
      f: number,
      g: boolean,
      h: string,
    ): number;
    greet(name: string): string;
  };
  /** The same as `snap:basic/calc`. */
  calc: Exports["snap:basic/calc"];
}
export interface InstantiateOptions {
  /** More core imports, such as `wasi_snapshot_preview1` for a guest whose libc needs it. */
  coreImports?: WebAssembly.Imports;
}
/** Compiles (if needed) and instantiates the guest core module, linking its imports to `imports`. */
export declare function instantiate(
  source: WebAssembly.Module | BufferSource | Response | PromiseLike<Response>,
  imports: ImportObject,
  options?: InstantiateOptions,
): Promise<Exports>;
/** Like `instantiate`, synchronously (browsers limit the size of modules compiled this way). */
export declare function instantiateSync(
  source: WebAssembly.Module | BufferSource,
  imports: ImportObject,
  options?: InstantiateOptions,
): Exports;
/**
 * The handles live in the instance's table: resources, and the async ABI's
 * subtasks, waitable sets, stream and future ends and error contexts. For
 * leak checks: after the calls of a test have ended, a guest that cleans up
 * holds none but the resources it keeps on purpose.
 */
export declare function liveHandles(exports: Exports): number;
