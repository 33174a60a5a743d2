/**
 * The instructions of the canonical-ABI walk (`walk.ts`).
 *
 * A function's glue is a sequence of these instructions over an operand
 * stack, in the manner of a stack machine: each instruction consumes
 * operands and produces results. The walker owns the stack; an emitter only
 * says, for each instruction, what code computes its results from the code of
 * its operands (`AbiEmitter.emit`). Nested code (the body run for each list
 * element, the code for each case of a variant) is given as *blocks*: the
 * walker opens a block, emits its instructions, and closes it with the
 * operands it yields; the instruction that uses the blocks comes after them.
 *
 * Naming: *lowering* turns a component-level value into core values (or
 * bytes in linear memory); *lifting* is the reverse. `path` on a lowering
 * instruction names where the value sits in the function's parameters or
 * result (`point.x`, `items[]`, `result.ok`), for error messages.
 */
import type { PrimitiveName } from "../../parser/ast.js";
import type { Function, Type, TypeId } from "../types.js";
import type { CoreSignature, CoreType, StringEncoding } from "./layout.js";

/** The primitive value types: numbers, `bool` and `char`. */
export type ScalarType = Exclude<PrimitiveName, "string" | "error-context">;

/** A memory access: the width and signedness of the bytes, and the core type it yields or takes. */
export type MemoryAccess =
  "i32.load8_u" | "i32.load8_s" | "i32.load16_u" | "i32.load16_s" | "i32.load" | "i64.load" | "f32.load" | "f64.load";
export type MemoryStore = "i32.store8" | "i32.store16" | "i32.store" | "i64.store" | "f32.store" | "f64.store";

/** The shape of a variant-like type, which emitters represent differently. */
export type VariantShape = "variant" | "option" | "result" | "enum";

/** Which side of the boundary a handle's resource is implemented on, as the glue sees it. */
export type ResourceSide = "imported" | "exported";

export type Instruction =
  // ---- function frame ----
  /** Pushes the `index`th argument of the function being generated. */
  | { op: "argument"; index: number }
  /** Pushes a core constant (a variant's discriminant, a zero for an unused payload slot). */
  | { op: "const"; type: CoreType; value: number }
  /**
   * Reinterprets or widens a core value between the type a case's payload
   * flattens to and the joined slot type of its variant (`join`): `f32`↔`i32`
   * are bit casts, `i32`→`i64` zero-extends, `i64`→`i32` wraps.
   */
  | { op: "coerce"; from: CoreType; to: CoreType }
  /** Calls the core function `name` with the flat operands; pushes its core results. */
  | { op: "call-core"; name: string; signature: CoreSignature }
  /**
   * Calls the user's implementation of `func` (a host function in a host, a
   * trait method in a guest) with the lifted parameters; pushes its result.
   */
  | { op: "call-user"; func: Function }
  /** Returns the operands (0 or 1 values, or core values) from the generated function. */
  | { op: "return"; count: number }
  /**
   * Allocates `size` bytes aligned to `align` with the callee's `cabi_realloc`
   * for parameters that did not fit flat; pushes the pointer.
   */
  | { op: "alloc-params"; size: number; align: number }
  /**
   * Pushes the address of a caller-owned scratch area of `size` bytes (a
   * guest's return area or spilled-parameter area).
   */
  | { op: "scratch-area"; size: number; align: number }
  /**
   * Checks that a pointer the other side gave for `size` bytes aligned to
   * `align` is aligned and within memory; pushes it back. `what` says what
   * it points to (`parameters`, `results`).
   */
  | { op: "check-pointer"; size: number; align: number; what: string }
  /** Calls the export's `cabi_post_<name>` function, if the module has one, with the core results. */
  | { op: "post-return"; name: string }
  /**
   * An `async` import was called (`call-core` gave the operand, the packed
   * subtask status): waits until the subtask has returned, so that its
   * result area holds the result. Pushes nothing.
   */
  | { op: "await-subtask" }
  /**
   * Starts the user's implementation of the `async` export `func` with the
   * lifted parameters; pushes the callback code (`CallbackCode`) the core
   * export returns. The result reaches the caller later, through the
   * export's `task.return` (`AbiWalker.walkTaskReturn`).
   */
  | { op: "call-user-async"; func: Function }
  /**
   * The host's call of the guest's `async` export `name` (lifted with a
   * callback): operands are the lowered core arguments; pushes the promise
   * of the result, which the export hands to its `task.return` built-in.
   */
  | { op: "call-async-export"; name: string; func: Function }
  /**
   * The host's implementation of the `async` import `func`: operands are the
   * lifted parameters; the block (when `func` has a result) lowers the
   * settled value, which `async-result` pushes, into the caller's result
   * area. Pushes the packed `SubtaskStatus` the core call returns.
   */
  | { op: "call-user-async-import"; func: Function }
  /** Inside the block of `call-user-async-import`: the value the host's implementation settled with. */
  | { op: "async-result" }

  // ---- memory ----
  | { op: "load"; access: MemoryAccess; offset: number }
  /** Operands: the value, then the base pointer. */
  | { op: "store"; access: MemoryStore; offset: number }

  // ---- scalars ----
  | { op: "lower-scalar"; type: ScalarType; path: string }
  | { op: "lift-scalar"; type: ScalarType }

  // ---- strings and lists ----
  /**
   * A string to `[pointer, length]` in `encoding` (the length is in code
   * units; for `latin1+utf16` a UTF-16 length carries `UTF16_TAG`).
   *
   * `owned` says whether the memory outlives the glue: a host allocates it
   * with the guest's `cabi_realloc` and hands it over; a guest returning
   * from an export leaves it alive until the export's post-return function
   * frees it. Without `owned` (a guest calling an import) the memory is only
   * borrowed for the call: an emitter may point into the value's own
   * storage, and frees any temporary it made once the call returns.
   */
  | { op: "lower-string"; encoding: StringEncoding; owned: boolean; path: string }
  | { op: "lift-string"; encoding: StringEncoding }
  /**
   * A list to `[pointer, length]`. With `scalar` set the elements are
   * numbers stored as the bytes of a typed array, copied in one go and with
   * no block; otherwise one block stores an element (`list-element`) at its
   * address (`list-base`).
   */
  | {
      op: "lower-list";
      element: Type;
      elementSize: number;
      elementAlign: number;
      scalar: ScalarType | undefined;
      owned: boolean;
      path: string;
      listType: TypeId;
    }
  | {
      op: "lift-list";
      element: Type;
      elementSize: number;
      elementAlign: number;
      scalar: ScalarType | undefined;
      listType: TypeId;
    }
  /** A `map<k, v>` as a list of key-value entries; the block stores `map-entry`'s two operands. */
  | { op: "lower-map"; entrySize: number; entryAlign: number; owned: boolean; path: string; mapType: TypeId }
  /** The block loads one entry from `list-base` and yields the key and the value. */
  | { op: "lift-map"; entrySize: number; entryAlign: number; mapType: TypeId }
  /** In a list or map block: the address of the current element. */
  | { op: "list-base" }
  /** In a list block being lowered: the current element. */
  | { op: "list-element" }
  /** In a map block being lowered: the current entry's key and value. */
  | { op: "map-entry" }

  // ---- deallocation (a guest export's post-return function) ----
  /** Frees a string the export returned; operands: pointer, length. */
  | { op: "dealloc-string"; encoding: StringEncoding }
  /**
   * Frees a list (or map) the export returned; operands: pointer, length.
   * With `elements`, one block frees what each element owns, at `list-base`,
   * before the buffer itself is freed.
   */
  | { op: "dealloc-list"; elementSize: number; elementAlign: number; elements: boolean }
  /**
   * Frees what a variant's payload owns; operand: the discriminant. One block
   * per case (empty for cases that own nothing).
   */
  | { op: "dealloc-variant"; shape: VariantShape; type: TypeId }

  // ---- aggregates ----
  /** A record value to its field values, in declaration order. */
  | { op: "lower-record"; type: TypeId; path: string }
  | { op: "lift-record"; type: TypeId }
  | { op: "lower-tuple"; type: TypeId; path: string }
  | { op: "lift-tuple"; type: TypeId }
  | { op: "lower-fixed-list"; type: TypeId; length: number; path: string }
  | { op: "lift-fixed-list"; type: TypeId; length: number }
  /** Flags to their bit pattern in one `i32` (1 to 32 labels). */
  | { op: "lower-flags"; type: TypeId; path: string }
  | { op: "lift-flags"; type: TypeId }

  // ---- variants (variant, enum, option, result) ----
  /**
   * Branches on a variant value with one block per case. Each block starts
   * with `variant-payload` when the case has a payload, and yields the case's
   * flat values (`results` core types: discriminant then joined payload) or,
   * when storing to memory, nothing. An enum has no blocks: it lowers to its
   * case index directly.
   */
  | {
      op: "lower-variant";
      shape: VariantShape;
      type: TypeId;
      results: CoreType[];
      path: string;
    }
  /** In a `lower-variant` block: the payload of the current case. */
  | { op: "variant-payload" }
  /**
   * Builds a variant value from a discriminant operand and one block per case,
   * each yielding the case's payload (or nothing). Traps on a discriminant
   * that names no case. An enum has no blocks.
   */
  | { op: "lift-variant"; shape: VariantShape; type: TypeId }

  // ---- handles ----
  /**
   * A resource object to a handle index. `side` says whether the resource is
   * implemented by the host side of the glue (`imported` into the world) or
   * by the guest (`exported`).
   */
  | { op: "lower-handle"; handle: "own" | "borrow"; resource: TypeId; side: ResourceSide; path: string }
  | { op: "lift-handle"; handle: "own" | "borrow"; resource: TypeId; side: ResourceSide }
  /**
   * A future or stream end to its handle (the readable end: values of a
   * `future<T>` or `stream<T>` type are always readable ends). `type` is the
   * `future`/`stream` type.
   */
  | { op: "lower-channel"; kind: "future" | "stream"; type: TypeId; path: string }
  | { op: "lift-channel"; kind: "future" | "stream"; type: TypeId }
  /** An `error-context` to its handle, and back. */
  | { op: "lower-error-context"; path: string }
  | { op: "lift-error-context" };

/**
 * What a helper of the emitter's does for a value of `type` (see
 * `AbiEmitter.wantsHelper`): `store` lowers the value (operand 0) into
 * memory at operand 1 + `offset`; `load` lifts a value from memory at
 * operand 0 + `offset`; `lift-flat` lifts it from its flat core values (the
 * operands). `path` names the value as lowering instructions' `path` do, and
 * `owned` is their `owned`. The helper's body is `AbiWalker.walkHelper`.
 */
export interface HelperCall {
  kind: "store" | "load" | "lift-flat";
  type: Type;
  offset: number;
  path: string;
  owned: boolean;
}

/** The target of a walk: code for each instruction, and the nesting of blocks. */
export interface AbiEmitter<Operand> {
  /** Emits `instruction` over `operands` (taken off the stack); returns the results to push. */
  emit(instruction: Instruction, operands: Operand[]): Operand[];
  /**
   * Whether a value of a compound type (a record, tuple, fixed-size list,
   * flags, enum, variant, option, result, list or map) is to go through a named helper, one per type and kind, rather than be
   * walked inline here; then the walker calls `callHelper` instead. Absent:
   * always inline.
   */
  wantsHelper?(call: HelperCall): boolean;
  /** Emits the call of the helper for `call` over `operands`; returns the results to push (none for `store`, the value otherwise). */
  callHelper?(call: HelperCall, operands: Operand[]): Operand[];
  /** Opens a block: the instructions until `finishBlock` form its body. */
  pushBlock(): void;
  /** Closes the innermost block, which yields `results`. */
  finishBlock(results: Operand[]): void;
}
