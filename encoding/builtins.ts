/**
 * The async ABI's canonical built-ins that a core module imports by name from
 * `$root` (wit-component's legacy names): what each one's core signature is,
 * what it needs (the module's memory, its realloc, a string encoding), and how
 * its `canon` definition is written (Binary.md, "Canonical Definitions").
 */
import type { TypeId } from "../ir/types.js";
import type { CoreFuncType, CoreValType } from "./core-module.js";
import type { ComponentStringEncoding } from "./metadata-types.js";
import type { ByteWriter } from "./writer.js";

export interface Builtin {
  /** The canonical built-in, as the text format names it. */
  name: string;
  sig: CoreFuncType;
  memory: boolean;
  realloc: boolean;
  /** The `future` or `stream` type the definition refers to: without payload, or a type of the WIT. */
  futureOrStream?: { kind: "future" | "stream"; type: TypeId | undefined };
  /**
   * `thread.new-indirect`: it refers to the module's exported
   * `__indirect_function_table` and to the start function's core type
   * `(func (param i32))`, both given to `write` as `memory` and `type`.
   */
  indirectTable?: true;
  /**
   * Writes the `canon` definition. `memory`/`realloc` are core indices when
   * needed, `type` the future or stream type's index, `encoding` the string
   * encoding of its payload.
   */
  write(
    w: ByteWriter,
    memory: number | undefined,
    realloc: number | undefined,
    type?: number,
    encoding?: ComponentStringEncoding,
  ): void;
}

/**
 * `future.*`/`stream.*` of a future or stream type (`type` undefined: no
 * payload). Reading a payload lowers it into memory (realloc when it holds
 * lists or strings); writing lifts it from memory. `asyncLowered` (the
 * `[async-lower]` prefix) makes a read, write or cancel return `BLOCKED`
 * instead of waiting.
 */
export function futureStreamBuiltin(
  kind: "future" | "stream",
  op: string,
  type: TypeId | undefined,
  payload?: { lists: boolean; strings: boolean },
  asyncLowered = false,
): Builtin | undefined {
  const base = kind === "stream" ? 0x0e : 0x15;
  const offset = ["new", "read", "write", "cancel-read", "cancel-write", "drop-readable", "drop-writable"].indexOf(op);
  if (offset < 0) return undefined;
  const rw = op === "read" || op === "write";
  const sig: CoreFuncType =
    op === "new"
      ? { params: [], results: ["i64"] }
      : rw
        ? { params: kind === "stream" ? [I32, I32, I32] : [I32, I32], results: [I32] }
        : op.startsWith("cancel")
          ? { params: [I32], results: [I32] }
          : { params: [I32], results: [] };
  const realloc = op === "read" && (payload?.lists || payload?.strings) === true;
  return {
    name: `${kind}.${op}`,
    sig,
    memory: rw,
    realloc,
    futureOrStream: { kind, type },
    write: (w, memory, reallocIndex, typeIndex, encoding) => {
      w.byte(base + offset).u32(typeIndex!);
      if (rw) {
        const opts: ((w: ByteWriter) => void)[] = [(w) => w.byte(0x03).u32(memory!)];
        if (realloc) opts.push((w) => w.byte(0x04).u32(reallocIndex!));
        if (payload?.strings) opts.push((w) => w.byte(encodingByte(encoding ?? "utf8")));
        if (asyncLowered) opts.push((w) => w.byte(0x06));
        w.vec(opts, (o, f) => f(o));
      } else if (op.startsWith("cancel")) w.byte(asyncLowered ? 0x01 : 0x00);
    },
  };
}

const I32 = "i32" as const;

function simple(name: string, opcode: number[], params: CoreValType[], results: CoreValType[]): Builtin {
  return { name, sig: { params, results }, memory: false, realloc: false, write: (w) => w.raw(opcode) };
}

function encodingByte(e: ComponentStringEncoding): number {
  return e === "utf8" ? 0x00 : e === "utf16" ? 0x01 : 0x02;
}

function encodingOf(suffix: string): ComponentStringEncoding | undefined {
  return suffix === "utf8"
    ? "utf8"
    : suffix === "utf16"
      ? "utf16"
      : suffix === "latin1+utf16"
        ? "compact-utf16"
        : undefined;
}

/** The threads' built-ins (their names without `[cancellable]`), with their opcode. */
const threadSwitches: Record<string, [name: string, opcode: number, params: CoreValType[]]> = {
  "[thread-yield]": ["thread.yield", 0x0c, []],
  "[thread-suspend]": ["thread.suspend", 0x29, []],
  "[thread-suspend-then-resume]": ["thread.suspend-then-resume", 0x2a, [I32]],
  "[thread-yield-then-resume]": ["thread.yield-then-resume", 0x2b, [I32]],
  "[thread-suspend-then-promote]": ["thread.suspend-then-promote", 0x2c, [I32]],
  "[thread-yield-then-promote]": ["thread.yield-then-promote", 0x2d, [I32]],
};

/** The built-in a `$root` import names, or undefined. */
export function rootBuiltin(field: string): Builtin | undefined {
  // `[cancellable]` sets the flag of `wait`, `poll` and the thread switches.
  const cancellable = field.startsWith("[cancellable]");
  const base = cancellable ? field.slice("[cancellable]".length) : field;
  const thread = threadSwitches[base];
  if (thread !== undefined) {
    const [name, opcode, params] = thread;
    return simple(name, [opcode, cancellable ? 0x01 : 0x00], params, [I32]);
  }
  if (base === "[waitable-set-wait]" || base === "[waitable-set-poll]")
    return {
      name: base === "[waitable-set-wait]" ? "waitable-set.wait" : "waitable-set.poll",
      sig: { params: [I32, I32], results: [I32] },
      memory: true,
      realloc: false,
      write: (w, memory) =>
        w
          .byte(base === "[waitable-set-wait]" ? 0x20 : 0x21)
          .byte(cancellable ? 0x01 : 0x00)
          .u32(memory!),
    };
  if (cancellable) return undefined;
  switch (field) {
    case "[thread-index]":
      return simple("thread.index", [0x26], [], [I32]);
    case "[thread-resume-later]":
      return simple("thread.resume-later", [0x28], [I32], []);
    case "[thread-new-indirect-v0]":
      return {
        name: "thread.new-indirect",
        sig: { params: [I32, I32], results: [I32] },
        memory: false,
        realloc: false,
        indirectTable: true,
        write: (w, table, _realloc, type) => w.byte(0x27).u32(type!).u32(table!),
      };
    case "[backpressure-inc]":
      return simple("backpressure.inc", [0x24], [], []);
    case "[backpressure-dec]":
      return simple("backpressure.dec", [0x25], [], []);
    case "[waitable-set-new]":
      return simple("waitable-set.new", [0x1f], [], [I32]);
    case "[waitable-set-drop]":
      return simple("waitable-set.drop", [0x22], [I32], []);
    case "[waitable-join]":
      return simple("waitable.join", [0x23], [I32, I32], []);
    case "[subtask-drop]":
      return simple("subtask.drop", [0x0d], [I32], []);
    case "[subtask-cancel]":
      return simple("subtask.cancel", [0x06, 0x00], [I32], [I32]);
    case "[error-context-drop]":
      return simple("error-context.drop", [0x1e], [I32], []);
  }
  const unit = /^\[(future|stream)-(new|read|write|cancel-read|cancel-write|drop-readable|drop-writable)-unit\]/.exec(
    field,
  );
  if (unit) return futureStreamBuiltin(unit[1] as "future" | "stream", unit[2]!, undefined);
  const context = /^\[context-(get|set)-(\d+)\]$/.exec(field);
  if (context) return contextBuiltin(context[1] === "get", Number(context[2]), I32);
  const errorContext = /^\[error-context-(new|debug-message)-(.+)\]$/.exec(field);
  const encoding = errorContext ? encodingOf(errorContext[2]!) : undefined;
  if (errorContext && encoding) {
    const isNew = errorContext[1] === "new";
    return {
      name: `error-context.${errorContext[1]}`,
      sig: isNew ? { params: [I32, I32], results: [I32] } : { params: [I32, I32], results: [] },
      memory: true,
      realloc: !isNew,
      write: (w, memory, realloc) => {
        w.byte(isNew ? 0x1c : 0x1d);
        const opts: ((w: ByteWriter) => void)[] = [(w) => w.byte(0x03).u32(memory!)];
        if (!isNew) opts.push((w) => w.byte(0x04).u32(realloc!));
        opts.push((w) => w.byte(encodingByte(encoding)));
        w.vec(opts, (w, o) => o(w));
      },
    };
  }
  return undefined;
}

/** `context.get`/`context.set` of `slot`, with a slot of type `ty` (`i64` for 64-bit memories). */
export function contextBuiltin(get: boolean, slot: number, ty: "i32" | "i64"): Builtin {
  return {
    name: `context.${get ? "get" : "set"}`,
    sig: get ? { params: [], results: [ty] } : { params: [ty], results: [] },
    memory: false,
    realloc: false,
    write: (w) =>
      w
        .byte(get ? 0x0a : 0x0b)
        .byte(ty === "i32" ? 0x7f : 0x7e)
        .u32(slot),
  };
}
