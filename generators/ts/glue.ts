/**
 * The TypeScript emitter of the canonical-ABI walk: turns the instructions
 * of one function into straight-line TypeScript.
 */
import type { AbiEmitter, HelperCall, Instruction, ScalarType } from "../../ir/abi/instructions.js";
import type { CoreType } from "../../ir/abi/layout.js";
import { fusedCopy, type CopyStep } from "../../ir/abi/copy.js";
import type { Function, Type, TypeId } from "../../ir/types.js";
import { camelCase, propertyAccess, propertyKey, stringLiteral } from "./naming.js";
import { typedArrays, type TsTypes } from "./types.js";

/**
 * How a function sees the handles in its values: its interface's view of
 * the world's resources, and whether it is imported or exported. A type's
 * helper that holds handles is one per view.
 */
export interface HelperView {
  fn: { iface: number | undefined; interfaceName: string | undefined };
  direction: "import" | "export";
}

/** A type's helper (`GlueModule.typeHelper`): its name, and what its handles make the calling glue do. */
export interface TypeHelper {
  name: string;
  handles: HandleEffects;
}

/** What lowering and lifting handles asks of the glue around it (see the flags of `FunctionEmitter`). */
export interface HandleEffects {
  lendsBorrows: boolean;
  liftsBorrows: boolean;
  hostLends: boolean;
  /** Lowers handles other than borrows of exported resources (a `call` glue records them: `lowersHandles`). */
  movesHandles: boolean;
}

/** What the emitter needs from the module being generated. */
export interface GlueModule {
  types: TsTypes;
  /**
   * The name of the `$async.Payload` of a future's or stream's type: how its
   * values are lifted from and lowered into guest memory (async hosts only).
   */
  payloadCodec?(channelType: TypeId): string;
  /** Requests a runtime helper (see `runtime.ts`). */
  use(helper: string): void;
  /** Declares a module-level constant once; returns its name. */
  constant(key: string, code: (name: string) => string): string;
  /** Declares an instance-level helper once (typed-array list lowering and lifting). */
  instanceHelper(key: string, code: (name: string) => string): string;
  /**
   * The instance-level helper that lowers or lifts values of a type (see
   * `HelperCall`), declared once; absent: values are lowered and lifted inline.
   */
  typeHelper?(call: HelperCall, view?: HelperView): TypeHelper;
  /** Records that the glue reads or writes guest memory, or allocates in it. */
  usesMemory(): void;
  usesRealloc(): void;
}

interface Block {
  lines: string[];
  listElement?: string;
  listBase?: string;
  payload?: string;
  mapEntry?: [string, string];
}

interface FinishedBlock extends Block {
  results: string[];
}

const coreTsType: Record<CoreType, string> = { i32: "number", i64: "bigint", f32: "number", f64: "number" };

/** The TypeScript type of a core value. */
export function coreTs(t: string): string {
  return t === "i64" ? "bigint" : "number";
}

/**
 * `obj.name` for a field or flag of a JS object, except that a name every object inherits
 * (`toString`, `valueOf`, `constructor`…) reads as missing unless the object has it itself.
 */
function ownProperty(object: string, name: string, type?: string): string {
  const access = propertyAccess(object, name);
  if (!(name in Object.prototype)) return access;
  const read = `(Object.prototype.hasOwnProperty.call(${object}, ${stringLiteral(name)}) ? ${access} : undefined)`;
  // A missing field is `undefined` here and is rejected (or is `none`) where the field is lowered.
  return type === undefined ? read : `(${read} as ${type})`;
}

const scalarCheck: Record<string, (v: string) => string> = {
  u8: (v) => `(${v} & 0xff) !== ${v}`,
  s8: (v) => `(${v} << 24) >> 24 !== ${v}`,
  u16: (v) => `(${v} & 0xffff) !== ${v}`,
  s16: (v) => `(${v} << 16) >> 16 !== ${v}`,
  u32: (v) => `${v} >>> 0 !== ${v}`,
  s32: (v) => `(${v} | 0) !== ${v}`,
  u64: (v) => `typeof ${v} !== "bigint" || BigInt.asUintN(64, ${v}) !== ${v}`,
  s64: (v) => `typeof ${v} !== "bigint" || BigInt.asIntN(64, ${v}) !== ${v}`,
  f32: (v) => `typeof ${v} !== "number"`,
  f64: (v) => `typeof ${v} !== "number"`,
  bool: (v) => `typeof ${v} !== "boolean"`,
};

const scalarExpected: Record<string, string> = {
  u8: "an integer from 0 to 255 (u8)",
  s8: "an integer from -128 to 127 (s8)",
  u16: "an integer from 0 to 65535 (u16)",
  s16: "an integer from -32768 to 32767 (s16)",
  u32: "an integer from 0 to 4294967295 (u32)",
  s32: "an integer from -2147483648 to 2147483647 (s32)",
  u64: "a bigint from 0n to 18446744073709551615n (u64)",
  s64: "a bigint from -9223372036854775808n to 9223372036854775807n (s64)",
  f32: "a number (f32)",
  f64: "a number (f64)",
  bool: "a boolean",
};

const liftScalar: Record<string, (v: string) => string> = {
  bool: (v) => `${v} !== 0`,
  u8: (v) => `${v} & 0xff`,
  s8: (v) => `(${v} << 24) >> 24`,
  u16: (v) => `${v} & 0xffff`,
  s16: (v) => `(${v} << 16) >> 16`,
  u32: (v) => `${v} >>> 0`,
  s32: (v) => `${v} | 0`,
  u64: (v) => `BigInt.asUintN(64, ${v})`,
  s64: (v) => `BigInt.asIntN(64, ${v})`,
  // The spec canonicalises NaNs when lifting: JS code must not see a guest's NaN payload.
  // `0 / 0` is the canonical NaN as a number constant (the global `NaN` is a
  // property load, which keeps V8 from keeping the value unboxed).
  f32: (v) => `${v} === ${v} ? ${v} : 0 / 0`,
  f64: (v) => `${v} === ${v} ? ${v} : 0 / 0`,
};

const loadCode: Record<string, (at: string) => string> = {
  "i32.load8_u": (at) => `$u8[${at}]`,
  "i32.load8_s": (at) => `$dv.getInt8(${at})`,
  "i32.load16_u": (at) => `$dv.getUint16(${at}, true)`,
  "i32.load16_s": (at) => `$dv.getInt16(${at}, true)`,
  "i32.load": (at) => `$dv.getInt32(${at}, true)`,
  "i64.load": (at) => `$dv.getBigInt64(${at}, true)`,
  "f32.load": (at) => `$dv.getFloat32(${at}, true)`,
  "f64.load": (at) => `$dv.getFloat64(${at}, true)`,
};

const storeCode: Record<string, (at: string, v: string) => string> = {
  "i32.store8": (at, v) => `$u8[${at}] = ${v};`,
  "i32.store16": (at, v) => `$dv.setUint16(${at}, ${v}, true);`,
  "i32.store": (at, v) => `$dv.setInt32(${at}, ${v}, true);`,
  "i64.store": (at, v) => `$dv.setBigInt64(${at}, ${v}, true);`,
  "f32.store": (at, v) => `$dv.setFloat32(${at}, ${v}, true);`,
  "f64.store": (at, v) => `$dv.setFloat64(${at}, ${v}, true);`,
};

/** How the emitted function reaches what it calls. */
export interface GlueTarget {
  /** Names of the generated function's arguments. */
  args: string[];
  /** The variable holding the core function (for `call-core`). */
  coreFunction?: string;
  /**
   * The variable holding the optional post-return function; `undefined` when
   * the glue is known to have none.
   */
  postReturn?: string;
  /** Code calling the user's implementation with lifted arguments (for `call-user`). */
  callUser?: (args: string[]) => string;
  /** The function returns a `result` directly: errors are thrown, not returned (call) or caught (implement). */
  directResult: boolean;
  /** Which of the world's resources (by index) a handle in this function refers to. */
  resourceKey?: (resource: TypeId, side: "imported" | "exported") => number;
  /** The results are read from guest memory after the core call, which may have grown it. */
  refreshAfterCall?: boolean;
  /**
   * Maps are lifted as arrays of [key, value] pairs rather than `Map`s: for a
   * call between components, where repeated keys must survive.
   */
  mapsAsPairs?: boolean;
  /**
   * Lists of integers are lifted as views of guest memory rather than copies,
   * and lists of other bit-copyable elements as a `$RawList` of their bytes:
   * for the arguments of a call between components, which the callee's
   * lowering copies into its own memory before anything can change them.
   */
  listViews?: boolean;
  /**
   * UTF-8 and UTF-16 strings are lifted as their validated bytes rather than
   * decoded: for the arguments of a call between components whose callee
   * uses the same encoding, where the callee's lowering copies the bytes.
   */
  stringBytes?: boolean;
  /**
   * Lowering accepts the raw values that a lifting with `listViews` and
   * `stringBytes` gives (another component's bytes: `$RawList` for lists of
   * bit-copyable elements, `$RawString` for strings) and copies them as they are.
   */
  rawValues?: boolean;
  /**
   * Results in this string encoding (strings, and lists of pointer-free
   * elements) are lifted as raw values copied out of guest memory: for a
   * call from another component using that encoding, whose lowering (with
   * `rawValues`) copies them in.
   */
  rawResults?: "utf8" | "utf16" | "latin1+utf16";
  /** For `call` of an `async` export: the expression of its core callback function. */
  asyncCallback?: string;
  /** For `call` of an `async` export: the expression of the caller's `AbortSignal`, if any. */
  signal?: string;
  /** For `call` of an `async` export: the expression of its `CallOptions` (instead of `signal`). */
  callOptions?: string;
  /** For `call` of an `async` export, with `signal`: whether its task may block (with JSPI), as an expression. */
  suspendable?: string;
  /** The payload codec of a future or stream type in this function (its resources seen from it), if not the module's. */
  payloadOf?: (channelType: TypeId) => string;
  /** For `call` of a stackful `async` export: it has no callback. */
  stackful?: boolean;
  /** For `call` of an `async` export: stackful when `asyncCallback` is `undefined` at run time. */
  maybeStackful?: boolean;
  /** The channels of the function's values are passed as they are (a call between components). */
  rawChannels?: boolean;
  /** For an `async` import: the callee is another component's export, called eagerly (see `CallOptions`). */
  eagerCalls?: boolean;
  /**
   * The function's label as a string literal: its argument errors name it
   * themselves, so that glue whose only errors they are need not keep
   * `$current` (see `FunctionEmitter.needsCurrent`).
   */
  label?: string;
  /**
   * The glue is a helper for one type (`GlueModule.typeHelper`): the paths
   * in its errors continue the path held by this variable.
   */
  pathParam?: string;
  /** How this function sees handles, for the helpers of types that hold them; without it such types are walked inline. */
  helperView?: HelperView;
}

/**
 * Instructions whose code reports no error, or reports it through
 * `typeError` (which names `GlueTarget.label`): glue made of these alone
 * needs no `$current`. Scalars are listed apart (`char` uses helpers).
 */
const labelledOps = new Set<Instruction["op"]>([
  "argument",
  "const",
  "coerce",
  "call-core",
  "call-user",
  "return",
  "post-return",
  "load",
  "store",
  "lower-record",
  "lift-record",
  "lower-tuple",
  "lift-tuple",
  "lower-fixed-list",
  "lift-fixed-list",
  "lower-flags",
  "lift-flags",
  "variant-payload",
]);

export class FunctionEmitter implements AbiEmitter<string> {
  private blocks: Block[] = [{ lines: [] }];
  private finished: FinishedBlock[] = [];
  private next = 0;
  /** The function lends handles of imported resources to the guest (borrow parameters). */
  lendsBorrows = false;
  /** The function lifts borrows of imported resources for the host (borrow parameters of imports). */
  liftsBorrows = false;
  /** The function lends the host's objects of exported resources to the guest. */
  hostLends = false;
  /** The function lowers handles (moves objects or makes handles) before its core call. */
  lowersHandles = false;
  /** The code lowers handles other than borrows of exported resources (see `HandleEffects`). */
  movesHandles = false;
  /** The final value of a `call` glue, set by `return`. */
  resultVar: string | undefined;
  /**
   * The code may report errors through `$current` (traps, helpers): the
   * glue must set it to its label while it runs. Without `target.label`, always.
   */
  needsCurrent: boolean;

  constructor(
    private readonly module: GlueModule,
    private readonly func: Function,
    private readonly kind: "call" | "implement",
    private readonly target: GlueTarget,
  ) {
    this.needsCurrent = target.label === undefined;
  }

  get lines(): string[] {
    return this.blocks[0].lines;
  }

  private get out(): string[] {
    return this.blocks[this.blocks.length - 1].lines;
  }

  private get block(): Block {
    return this.blocks[this.blocks.length - 1];
  }

  private temp(): string {
    return `$${this.next++}`;
  }

  /** Binds `expr` to a fresh constant unless it is a name or a literal. */
  private bind(expr: string, type?: string): string {
    if (/^[$A-Za-z_][$\w]*$/.test(expr) || /^-?\d+n?$/.test(expr)) return expr;
    const t = this.temp();
    this.out.push(`const ${t}${type ? `: ${type}` : ""} = ${expr};`);
    return t;
  }

  pushBlock(): void {
    this.blocks.push({ lines: [] });
  }

  finishBlock(results: string[]): void {
    const block = this.blocks.pop()! as FinishedBlock;
    block.results = results;
    this.finished.push(block);
  }

  private takeBlocks(n: number): FinishedBlock[] {
    return this.finished.splice(this.finished.length - n);
  }

  private typeError(path: string, expected: string, value: string): string {
    this.module.use("$typeError");
    const label = this.target.label === undefined ? "" : `, ${this.target.label}`;
    return `$typeError(${this.pathCode(path)}, ${stringLiteral(expected)}, ${value}${label})`;
  }

  /** The code of the error path `path` (relative to `target.pathParam` in a type's helper). */
  private pathCode(path: string): string {
    const root = this.target.pathParam;
    if (root === undefined) return stringLiteral(path);
    return path === "" ? root : `${root} + ${stringLiteral(path)}`;
  }

  /**
   * Values of compound types go through one helper a type (`GlueModule.typeHelper`),
   * except where this glue lowers or lifts them in its own way (raw values
   * between components, list views, maps as pairs), where they hold state
   * of the call (handles, channels, error contexts), and lists lifted (plain
   * ones have a helper a list type already).
   */
  wantsHelper(call: HelperCall): boolean {
    if (this.module.typeHelper === undefined) return false;
    const t = this.target;
    if (t.rawValues || t.listViews || t.stringBytes || t.rawResults !== undefined || t.mapsAsPairs) return false;
    const layout = this.module.types.layout;
    if (call.kind !== "store" && layout.shape(call.type).kind === "list") return false;
    // Handles are seen as the function sees them; channels and error contexts belong to the call.
    const handles = t.helperView !== undefined && t.resourceKey !== undefined;
    return !layout.contains(call.type, (shape) =>
      shape.kind === "own" || shape.kind === "borrow" ? !handles : holdsState.has(shape.kind),
    );
  }

  callHelper(call: HelperCall, ops: string[]): string[] {
    // Helpers report errors through `$current`.
    this.needsCurrent = true;
    this.module.usesMemory();
    const { name: fn, handles } = this.module.typeHelper!(call, this.target.helperView);
    if (handles.lendsBorrows) this.lendsBorrows = true;
    if (handles.liftsBorrows) this.liftsBorrows = true;
    if (handles.hostLends) this.hostLends = true;
    if (handles.movesHandles) {
      this.movesHandles = true;
      if (this.kind === "call") this.lowersHandles = true;
    }
    const at = (base: string) => (call.offset === 0 ? base : `${base} + ${call.offset}`);
    switch (call.kind) {
      case "store":
        this.out.push(`${fn}(${ops[0]}, ${at(ops[1])}, ${this.pathCode(call.path)});`);
        return [];
      case "load":
        return [this.bind(`${fn}(${at(ops[0])})`)];
      case "lift-flat":
        return [this.bind(`${fn}(${ops.join(", ")})`)];
    }
  }

  emit(inst: Instruction, ops: string[]): string[] {
    const out = this.out;
    if (
      !labelledOps.has(inst.op) &&
      !((inst.op === "lower-scalar" || inst.op === "lift-scalar") && inst.type !== "char") &&
      inst.op !== "lower-variant"
    )
      this.needsCurrent = true;
    switch (inst.op) {
      case "argument":
        return [this.target.args[inst.index]];
      case "const":
        return [inst.type === "i64" ? `${inst.value}n` : String(inst.value)];
      case "coerce":
        return [this.bind(this.coerce(inst.from, inst.to, ops[0]))];
      case "call-core": {
        const call = `${this.target.coreFunction}(${ops.join(", ")})`;
        if (inst.signature.results.length === 0) {
          out.push(`${call};`);
          this.afterCoreCall();
          return [];
        }
        const t = this.temp();
        out.push(`const ${t} = ${call};`);
        this.afterCoreCall();
        return [t];
      }
      case "call-user":
        return this.callUser(ops);
      case "return":
        if (this.kind === "call") {
          if (ops.length) this.resultVar = ops[0];
        } else {
          out.push(ops.length ? `return ${ops[0]};` : "return;");
        }
        return [];
      case "alloc-params": {
        this.module.usesRealloc();
        this.module.use("$alloc");
        const t = this.temp();
        out.push(`const ${t} = $alloc(${inst.align}, ${inst.size});`);
        return [t];
      }
      case "scratch-area":
        throw new Error("a host has no scratch areas in guest memory");
      case "check-pointer": {
        this.module.usesMemory();
        this.module.use("$checkPointer");
        const t = this.temp();
        out.push(`const ${t} = $checkPointer(${ops[0]}, ${inst.size}, ${inst.align}, ${stringLiteral(inst.what)});`);
        return [t];
      }
      case "post-return":
        // No post-return function (known when the glue is generated): nothing to call.
        if (this.target.postReturn === undefined) return [];
        // While cabi_post_* runs the guest may not call out (the spec's `may_leave`).
        out.push(
          `if (${this.target.postReturn} !== undefined) {`,
          "$state = 3;",
          `${this.target.postReturn}(${ops.join(", ")});`,
          "$state = 1;",
          "}",
        );
        return [];
      case "load": {
        this.module.usesMemory();
        const at = inst.offset ? `${ops[0]} + ${inst.offset}` : ops[0];
        const t = this.temp();
        out.push(`const ${t} = ${loadCode[inst.access](at)};`);
        return [t];
      }
      case "store": {
        this.module.usesMemory();
        const at = inst.offset ? `${ops[1]} + ${inst.offset}` : ops[1];
        out.push(storeCode[inst.access](at, ops[0]));
        return [];
      }
      case "lower-scalar":
        return [this.lowerScalar(inst.type, ops[0], inst.path)];
      case "lift-scalar":
        if (inst.type === "char") {
          this.module.use("$liftChar");
          return [this.bind(`$liftChar(${ops[0]})`)];
        }
        return [this.bind(liftScalar[inst.type](ops[0]))];
      case "lower-string": {
        this.module.usesRealloc();
        const fn =
          inst.encoding === "utf8" ? "$lowerUtf8" : inst.encoding === "utf16" ? "$lowerUtf16" : "$lowerLatin1Utf16";
        this.module.use(fn);
        const ptr = this.temp();
        const len = this.temp();
        if (this.target.rawValues && inst.encoding !== "latin1+utf16") {
          // From another component using the same encoding: its bytes, copied as they are.
          this.module.use("$lowerRawString");
          const v = this.bind(ops[0]);
          const path = this.pathCode(inst.path);
          const align = inst.encoding === "utf8" ? 1 : 2;
          out.push(
            `const ${ptr} = typeof ${v} === "string" ? ${fn}(${v}, ${path}) : $lowerRawString(${v}, ${path}, ${align});`,
            `const ${len} = $lowered;`,
          );
          return [ptr, len];
        }
        out.push(`const ${ptr} = ${fn}(${ops[0]}, ${this.pathCode(inst.path)});`, `const ${len} = $lowered;`);
        return [ptr, len];
      }
      case "lift-string": {
        this.module.usesMemory();
        const raw = this.target.stringBytes ? "view" : this.target.rawResults === inst.encoding ? "copy" : undefined;
        if (inst.encoding !== "latin1+utf16" && raw !== undefined) {
          const bytes = inst.encoding === "utf8" ? "$liftUtf8Bytes" : "$liftUtf16Units";
          this.module.use(bytes);
          return [this.bind(`(${bytes}(${ops[0]}, ${ops[1]}, ${raw === "copy"}) as unknown as string)`)];
        }
        const fn =
          inst.encoding === "utf8" ? "$liftUtf8" : inst.encoding === "utf16" ? "$liftUtf16" : "$liftLatin1Utf16";
        this.module.use(fn);
        return [this.bind(`${fn}(${ops[0]}, ${ops[1]})`)];
      }
      case "lower-list":
        return inst.scalar ? this.lowerScalarList(inst.scalar, ops[0], inst.path) : this.lowerList(inst, ops[0]);
      case "lift-list":
        return inst.scalar ? this.liftScalarList(inst.scalar, ops) : this.liftList(inst, ops);
      case "lower-map":
        return this.lowerMap(inst, ops[0]);
      case "lift-map":
        return this.liftMap(inst, ops);
      case "list-base": {
        const t = this.temp();
        this.block.listBase = t;
        return [t];
      }
      case "list-element": {
        const t = this.temp();
        this.block.listElement = t;
        return [t];
      }
      case "map-entry": {
        const k = this.temp();
        const v = this.temp();
        this.block.mapEntry = [k, v];
        return [k, v];
      }
      case "variant-payload": {
        const t = this.temp();
        this.block.payload = t;
        return [t];
      }
      case "lower-record": {
        const def = this.module.types.resolve.types[inst.type].kind;
        if (def.kind !== "record") throw new Error("lower-record of a non-record");
        const v = this.bind(ops[0]);
        out.push(`if (typeof ${v} !== "object" || ${v} === null) ${this.typeError(inst.path, "an object", v)};`);
        return def.fields.map((f) => this.bind(ownProperty(v, camelCase(f.name), this.module.types.expr(f.type))));
      }
      case "lift-record": {
        const def = this.module.types.resolve.types[inst.type].kind;
        if (def.kind !== "record") throw new Error("lift-record of a non-record");
        const fields = def.fields.map((f, i) => `${propertyKey(camelCase(f.name))}: ${ops[i]}`);
        return [this.bind(`{ ${fields.join(", ")} }`, this.module.types.expr(inst.type))];
      }
      case "lower-tuple":
      case "lower-fixed-list": {
        const n = inst.op === "lower-tuple" ? this.tupleLength(inst.type) : inst.length;
        const v = this.bind(ops[0]);
        out.push(
          `if (!Array.isArray(${v}) || ${v}.length !== ${n}) ${this.typeError(inst.path, `an array of ${n} elements`, v)};`,
        );
        return Array.from({ length: n }, (_, i) => this.bind(`${v}[${i}]`));
      }
      case "lift-tuple":
      case "lift-fixed-list":
        return [this.bind(`[${ops.join(", ")}]`, this.module.types.expr(inst.type))];
      case "lower-flags": {
        const def = this.module.types.resolve.types[inst.type].kind;
        if (def.kind !== "flags") throw new Error("lower-flags of a non-flags");
        const v = this.bind(ops[0]);
        const bits = this.temp();
        // As jco: `undefined` and `null` stand for no flags set.
        out.push(`let ${bits} = 0;`);
        out.push(`if (${v} !== undefined && ${v} !== null) {`);
        out.push(`if (typeof ${v} !== "object") ${this.typeError(inst.path, "an object of flags", v)};`);
        def.flags.forEach((f, i) => out.push(`if (${ownProperty(v, camelCase(f.name))}) ${bits} |= ${1 << i};`));
        out.push(`}`);
        return [bits];
      }
      case "lift-flags": {
        const def = this.module.types.resolve.types[inst.type].kind;
        if (def.kind !== "flags") throw new Error("lift-flags of a non-flags");
        const fields = def.flags.map((f, i) => `${propertyKey(camelCase(f.name))}: (${ops[0]} & ${1 << i}) !== 0`);
        return [this.bind(`{ ${fields.join(", ")} }`, this.module.types.expr(inst.type))];
      }
      case "lower-variant":
        return this.lowerVariant(inst, ops[0]);
      case "lift-variant":
        return this.liftVariant(inst, ops[0]);
      case "lower-handle": {
        const fn = this.resourceHelper(inst.handle === "own" ? "lowerOwn" : "lowerBorrow", inst.resource, inst.side);
        if (inst.handle === "borrow" && inst.side === "imported") this.lendsBorrows = true;
        if (inst.handle === "borrow" && inst.side === "exported") this.hostLends = true;
        if (!(inst.handle === "borrow" && inst.side === "exported")) this.movesHandles = true;
        if (this.kind === "call" && this.movesHandles) this.lowersHandles = true;
        return [this.bind(`${fn}(${ops[0]}, ${this.pathCode(inst.path)})`)];
      }
      case "lift-handle": {
        const fn = this.resourceHelper(inst.handle === "own" ? "liftOwn" : "liftBorrow", inst.resource, inst.side);
        if (inst.handle === "borrow" && inst.side === "imported") this.liftsBorrows = true;
        return [this.bind(`${fn}(${ops[0]})`)];
      }
      case "dealloc-string":
      case "dealloc-list":
      case "dealloc-variant":
        throw new Error(`a host has no post-return glue (${inst.op})`);
      case "call-async-export": {
        // The turns of the task run later too, each entering the instance.
        this.module.use("$rt");
        this.module.use("$turn");
        const label = stringLiteral(inst.name);
        const resultType = this.func.result === undefined ? "void" : this.module.types.expr(this.func.result);
        const t = this.temp();
        // Objects lent to the task (borrows of exported resources) stay lent until it ends.
        const lent = this.hostLends ? this.temp() : undefined;
        if (lent !== undefined) {
          this.module.use("$hostLends");
          out.push(`const ${lent} = $hostLent.splice(0);`);
        }
        out.push(
          `const ${t} = $rt.callExport(`,
          `() => $turn(${label}, () => ${this.target.coreFunction}(${ops.join(", ")})),`,
          this.target.stackful
            ? "undefined,"
            : `${this.target.maybeStackful ? `${this.target.asyncCallback} === undefined ? undefined : ` : ""}(code: number, handle: number, payload: number) => $turn(${label}, () => ${this.target.asyncCallback}!(code, handle, payload)),`,
          `(values) => values[0] as ${resultType},`,
          `${this.target.callOptions ?? (this.target.signal === undefined ? "undefined" : `{ signal: ${this.target.signal}${this.target.suspendable ? `, suspendable: ${this.target.suspendable}` : ""}${this.lendsBorrows ? ", borrows: $borrows" : ""} }`)},`,
          // Only an eager call (one between components) may give the value itself.
          this.target.callOptions === undefined ? `) as Promise<${resultType}>;` : ");",
        );
        if (lent !== undefined)
          out.push(
            `Promise.resolve(${t}).finally(() => {`,
            `for (const o of ${lent}) o[$lends]--;`,
            `}).catch(() => {});`,
          );
        return [t];
      }
      case "async-result":
        return ["$result"];
      case "call-user-async-import": {
        this.module.use("$rt");
        const [block] = this.func.result === undefined ? [undefined] : this.takeBlocks(1);
        if (block !== undefined) this.module.usesMemory();
        let call = this.target.callUser!([
          ...ops,
          this.target.eagerCalls ? "{ signal: $signal, hooks: $hooks, eager: true }" : "{ signal: $signal }",
        ]);
        if (this.target.directResult) {
          // What the call throws (or rejects with) is the `result`'s error, read by `$errorPayload`.
          this.module.use("$errorPayload");
          const okVoid = this.module.types.directResult(this.func)!.ok === undefined;
          call = `Promise.resolve(${call}).then((v) => ({ tag: "ok", val: ${okVoid ? "undefined" : "v"} }), (e) => ({ tag: "err", val: $errorPayload(e) as any }))`;
        }
        const type = this.func.result === undefined ? "unknown" : this.module.types.expr(this.func.result);
        const t = this.temp();
        // The guest's handles lent to the call (borrow arguments) stay lent until it resolves.
        const lent = this.liftsBorrows ? this.temp() : undefined;
        if (lent !== undefined) {
          this.module.use("$lends");
          out.push(`const ${lent} = $lent.splice(0);`);
        }
        out.push(
          `const ${t} = $rt.callImport(`,
          `($signal: AbortSignal${this.target.eagerCalls ? ", $hooks: $async.CallHooks" : ""}) => ${call},`,
          `($value: unknown) => {`,
          ...(block === undefined
            ? []
            : [
                // Later, when the promise settled: the memory may have grown since.
                "if ($u8.byteLength === 0) $refresh();",
                `const $result = $value as ${type};`,
                ...block.lines,
              ]),
          `},`,
          ...(lent === undefined ? [] : [`() => {`, `for (const h of ${lent}) h.lends--;`, `},`]),
          // Another component's task is not the host's to finish.
          ...(this.target.eagerCalls ? [...(lent === undefined ? ["undefined,"] : []), "false,"] : []),
          `);`,
        );
        return [t];
      }
      case "lift-channel":
      case "lower-channel": {
        if (this.module.payloadCodec === undefined)
          throw new Error(`not supported: the asynchronous ABI (${inst.op} of a ${inst.kind})`);
        this.module.use("$rt");
        const payload = this.target.payloadOf?.(inst.type) ?? this.module.payloadCodec(inst.type);
        if (inst.op === "lift-channel" && this.target.rawChannels)
          return [this.bind(`$rt.takeReadable("${inst.kind}", ${ops[0]}, ${payload})`)];
        if (inst.kind === "future") {
          if (inst.op === "lift-channel")
            return [this.bind(`$rt.liftFuture(${ops[0]}, ${payload}) as ${this.module.types.expr(inst.type)}`)];
          return [this.bind(`$rt.lowerFuture(${ops[0]}, ${payload})`)];
        }
        const kind = this.module.types.resolve.types[inst.type].kind;
        const element =
          kind.kind === "stream" && kind.type !== undefined ? this.module.types.layout.dealias(kind.type) : undefined;
        const bytes = element === "u8";
        if (inst.op === "lift-channel")
          return [this.bind(`$rt.liftStream(${ops[0]}, ${payload}, ${bytes}) as ${this.module.types.expr(inst.type)}`)];
        return [this.bind(`$rt.lowerStream(${ops[0]}, ${payload}, ${bytes})`)];
      }
      case "lower-error-context":
        this.module.use("$rt");
        return [this.bind(`$rt.lowerErrorContext(${ops[0]})`)];
      case "lift-error-context":
        this.module.use("$rt");
        return [this.bind(`$rt.liftErrorContext(${ops[0]})`)];
      case "await-subtask":
      case "call-user-async":
        throw new Error(`not supported: the asynchronous ABI (${inst.op})`);
    }
  }

  private resourceHelper(kind: string, resource: TypeId, side: "imported" | "exported"): string {
    return `$${kind}${this.target.resourceKey!(resource, side)}`;
  }

  private afterCoreCall(): void {
    if (this.lendsBorrows) {
      this.module.use("$borrows");
      this.out.push(`if ($borrows.n !== 0) $trap("the guest returned while still holding a borrowed handle");`);
    }
    if (this.hostLends) {
      this.module.use("$hostLends");
      this.out.push("$releaseHostLends();");
    }
    if (this.lowersHandles) {
      this.module.use("$undo");
      this.out.push("$commitLowering();");
    }
    if (this.target.refreshAfterCall) {
      this.module.use("$views");
      this.out.push("if ($u8.byteLength === 0) $refresh();");
    }
  }

  private tupleLength(id: TypeId): number {
    const def = this.module.types.resolve.types[id].kind;
    if (def.kind !== "tuple") throw new Error("not a tuple");
    return def.types.length;
  }

  private coerce(from: CoreType, to: CoreType, v: string): string {
    this.module.use("$bitcast");
    const key = `${from}->${to}`;
    switch (key) {
      case "f32->i32":
        return `$f32ToI32(${v})`;
      case "i32->f32":
        return `$i32ToF32(${v})`;
      case "i32->i64":
        return `BigInt(${v} >>> 0)`;
      case "i64->i32":
        return `Number(BigInt.asIntN(32, ${v}))`;
      case "f32->i64":
        return `BigInt($f32ToI32(${v}) >>> 0)`;
      case "i64->f32":
        return `$i32ToF32(Number(BigInt.asIntN(32, ${v})))`;
      case "f64->i64":
        return `$f64ToI64(${v})`;
      case "i64->f64":
        return `$i64ToF64(${v})`;
      default:
        throw new Error(`no coercion ${key}`);
    }
  }

  private lowerScalar(type: ScalarType, v: string, path: string): string {
    if (type === "char") {
      this.module.use("$lowerChar");
      return this.bind(`$lowerChar(${v}, ${this.pathCode(path)})`);
    }
    this.out.push(`if (${scalarCheck[type](v)}) ${this.typeError(path, scalarExpected[type], v)};`);
    return type === "bool" ? this.bind(`${v} ? 1 : 0`) : v;
  }

  private callUser(ops: string[]): string[] {
    const call = this.target.callUser!(ops);
    const out = this.out;
    if (this.liftsBorrows) this.module.use("$lends");
    if (this.func.result === undefined) {
      out.push(`${call};`);
      if (this.liftsBorrows) out.push("$releaseLends();");
      return [];
    }
    const t = this.temp();
    // What the host's function gives the guest: typed as broadly as it is accepted.
    const type = this.module.types.expr(this.func.result, true);
    if (this.target.directResult) {
      this.module.use("$errorPayload");
      const okVoid = this.module.types.directResult(this.func)!.ok === undefined;
      out.push(
        `let ${t}: ${type};`,
        `try {`,
        okVoid ? `${call};\n${t} = { tag: "ok", val: undefined };` : `${t} = { tag: "ok", val: ${call} };`,
        `} catch (e) {`,
        `${t} = { tag: "err", val: $errorPayload(e) as any };`,
        `}`,
      );
    } else {
      out.push(`const ${t}: ${type} = ${call};`);
    }
    if (this.liftsBorrows) out.push("$releaseLends();");
    return [t];
  }

  private lowerScalarList(scalar: ScalarType, v: string, path: string): string[] {
    this.module.usesRealloc();
    this.module.use("$alloc");
    this.module.use("$lowered");
    const array = typedArrays[scalar];
    const size = { u8: 1, s8: 1, u16: 2, s16: 2, u32: 4, s32: 4, u64: 8, s64: 8, f32: 4, f64: 8 }[scalar as string]!;
    const fn = this.module.instanceHelper(`lowerList:${scalar}`, (name) => {
      this.module.use("$typeError");
      return `function ${name}(v: ${array} | ArrayLike<${scalar === "u64" || scalar === "s64" ? "bigint" : "number"}>, path: string): number {
  if (v instanceof ${array}) {
    const ptr = $alloc(${size}, v.byteLength);
    $u8.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), ptr);
    $lowered = v.length;
    return ptr;
  }
  if (!Array.isArray(v)) $typeError(path, "a ${array} or an array", v);
  const len = v.length;
  const ptr = $alloc(${size}, len * ${size});
  const view = new ${array}($u8.buffer, ptr, len);
  for (let i = 0; i < len; i++) {
    const e = v[i];
    if (${scalarCheck[scalar]("e")}) $typeError(path + "[" + i + "]", ${stringLiteral(scalarExpected[scalar])}, e);
    view[i] = e;
  }
  $lowered = len;
  return ptr;
}`;
    });
    const ptr = this.temp();
    const len = this.temp();
    this.out.push(`const ${ptr} = ${fn}(${v}, ${this.pathCode(path)});`, `const ${len} = $lowered;`);
    return [ptr, len];
  }

  private liftScalarList(scalar: ScalarType, ops: string[]): string[] {
    this.module.usesMemory();
    this.module.use("$checkRange");
    const array = typedArrays[scalar];
    const size = { u8: 1, s8: 1, u16: 2, s16: 2, u32: 4, s32: 4, u64: 8, s64: 8, f32: 4, f64: 8 }[scalar as string]!;
    if (this.target.listViews) {
      // A view of the caller's memory, copied once by the callee's lowering (the callee cannot touch
      // it). Floats too: the lowering may give any NaN, so their bits may pass as they are.
      const view = this.module.instanceHelper(`liftListView:${scalar}`, (name) => {
        return `function ${name}(ptr: number, len: number): ${array} {
  ptr >>>= 0;
  len >>>= 0;
  $checkRange(ptr, len, ${size}, ${size});
  return new ${array}($u8.buffer, ptr, len);
}`;
      });
      return [this.bind(`${view}(${ops[0]}, ${ops[1]})`)];
    }
    const fn = this.module.instanceHelper(`liftList:${scalar}`, (name) => {
      const canon =
        scalar === "f32" || scalar === "f64" ? `\n  for (let i = 0; i < len; i++) if (a[i] !== a[i]) a[i] = NaN;` : "";
      return `function ${name}(ptr: number, len: number): ${array} {
  ptr >>>= 0;
  len >>>= 0;
  $checkRange(ptr, len, ${size}, ${size});
  const a = new ${array}($u8.buffer.slice(ptr, ptr + len * ${size}));${canon}
  return a;
}`;
    });
    return [this.bind(`${fn}(${ops[0]}, ${ops[1]})`)];
  }

  private lowerList(inst: Extract<Instruction, { op: "lower-list" }>, value: string): string[] {
    this.module.usesRealloc();
    this.module.use("$alloc");
    const [body] = this.takeBlocks(1);
    const v = this.bind(value);
    const ptr = this.temp();
    const len = this.temp();
    const i = this.temp();
    const loop = [
      `for (let ${i} = 0; ${i} < ${len}; ${i}++) {`,
      `const ${body.listElement} = ${v}[${i}];`,
      `const ${body.listBase} = ${ptr} + ${i} * ${inst.elementSize};`,
      ...body.lines,
      `}`,
    ];
    const steps = this.target.rawValues ? fusedCopy(this.module.types.layout, inst.element) : undefined;
    if (steps !== undefined) {
      // From another component's memory: the elements' bytes, copied as
      // lifting and lowering them would (as they are when nothing needs checking).
      this.module.use("$rawList");
      const copy = this.module.types.layout.bitCopyable(inst.element)
        ? [`$u8.set(${v}.bytes, ${ptr});`]
        : [
            `const ${i} = new DataView(${v}.bytes.buffer, ${v}.bytes.byteOffset, ${v}.bytes.byteLength);`,
            `for (let k = 0; k < ${len}; k++) ${this.copyHelper(inst.element, steps)}(${i}, k * ${inst.elementSize}, ${ptr} + k * ${inst.elementSize});`,
          ];
      this.out.push(
        `let ${ptr}: number;`,
        `let ${len}: number;`,
        `if (${v} instanceof $RawList) {`,
        `${len} = ${v}.length;`,
        `${ptr} = $alloc(${inst.elementAlign}, ${v}.bytes.length);`,
        ...copy,
        `} else {`,
        `if (!Array.isArray(${v})) ${this.typeError(inst.path, "an array", v)};`,
        `${len} = ${v}.length;`,
        `${ptr} = $alloc(${inst.elementAlign}, ${len} * ${inst.elementSize});`,
        ...loop,
        `}`,
      );
      return [ptr, len];
    }
    this.out.push(
      `if (!Array.isArray(${v})) ${this.typeError(inst.path, "an array", v)};`,
      `const ${len} = ${v}.length;`,
      `const ${ptr} = $alloc(${inst.elementAlign}, ${len} * ${inst.elementSize});`,
      ...loop,
    );
    return [ptr, len];
  }

  /** The instance helper that copies one value of `t` from another memory (`src`, at `s`) into this one (at `d`). */
  private copyHelper(t: Type, steps: CopyStep[]): string {
    return this.module.instanceHelper(`copy:${typeKey(t)}`, (name) => {
      this.module.use("$trap");
      return `function ${name}(src: DataView, s: number, d: number): void {\n${copyCode(steps, "s", "d").join("\n")}\n}`;
    });
  }

  private liftList(inst: Extract<Instruction, { op: "lift-list" }>, ops: string[]): string[] {
    this.module.usesMemory();
    this.module.use("$checkRange");
    const [body] = this.takeBlocks(1);
    if (
      (this.target.listViews || this.target.rawResults !== undefined) &&
      fusedCopy(this.module.types.layout, inst.element) !== undefined
    ) {
      // The elements' bytes in the caller's memory (or, for results, a copy
      // of them made before the post-return), copied by the other side's lowering.
      this.module.use("$liftRawList");
      const copy = !this.target.listViews;
      return [
        this.bind(
          `($liftRawList(${ops[0]}, ${ops[1]}, ${inst.elementSize}, ${inst.elementAlign}, ${copy}) as unknown as ${this.module.types.expr(inst.listType)})`,
        ),
      ];
    }
    const listType = this.module.types.expr(inst.listType);
    const loop = (ptr: string, len: string, arr: string, i: string): string[] => [
      `$checkRange(${ptr}, ${len}, ${inst.elementSize}, ${inst.elementAlign});`,
      `const ${arr}: ${listType} = new Array(${len});`,
      `for (let ${i} = 0; ${i} < ${len}; ${i}++) {`,
      `const ${body.listBase} = ${ptr} + ${i} * ${inst.elementSize};`,
      ...body.lines,
      `${arr}[${i}] = ${body.results[0]};`,
      `}`,
    ];
    if (!this.module.types.layout.contains(inst.element, (shape) => holdsState.has(shape.kind))) {
      // Plain data: one helper a list type, the loop the same at every use.
      const fn = this.module.instanceHelper(`liftList:${typeKey(inst.element)}:${listType}`, (name) =>
        [
          `function ${name}(ptr: number, len: number): ${listType} {`,
          ...loop("ptr", "len", "list", "i"),
          "return list;",
          "}",
        ].join("\n"),
      );
      return [this.bind(`${fn}(${ops[0]} >>> 0, ${ops[1]} >>> 0)`)];
    }
    const ptr = this.temp();
    const len = this.temp();
    const arr = this.temp();
    const i = this.temp();
    this.out.push(`const ${ptr} = ${ops[0]} >>> 0;`, `const ${len} = ${ops[1]} >>> 0;`, ...loop(ptr, len, arr, i));
    return [arr];
  }

  private lowerMap(inst: Extract<Instruction, { op: "lower-map" }>, value: string): string[] {
    this.module.use("$isPairs");
    this.module.usesRealloc();
    this.module.use("$alloc");
    const [body] = this.takeBlocks(1);
    const v = this.bind(value);
    const ptr = this.temp();
    const base = this.temp();
    const [k, val] = body.mapEntry!;
    const len = this.temp();
    const end = this.temp();
    // A Map, or an array of [key, value] pairs (which keeps repeated keys, as the ABI allows).
    const pairs = `${v} as unknown as Iterable<[any, any]>`;
    this.out.push(
      `if (!(${v} instanceof Map) && !$isPairs(${v})) ${this.typeError(inst.path, "a Map or an array of [key, value] pairs", v)};`,
      `const ${len} = ${v} instanceof Map ? ${v}.size : (${v} as unknown as unknown[]).length;`,
      `const ${ptr} = $alloc(${inst.entryAlign}, ${len} * ${inst.entrySize});`,
      `const ${end} = ${ptr} + ${len} * ${inst.entrySize};`,
      `let ${base} = ${ptr};`,
      `for (const [${k}, ${val}] of ${pairs}) {`,
      `if (${base} === ${end}) break;`,
      `const ${body.listBase} = ${base};`,
      `${base} += ${inst.entrySize};`,
      ...body.lines,
      `}`,
    );
    return [ptr, len];
  }

  private liftMap(inst: Extract<Instruction, { op: "lift-map" }>, ops: string[]): string[] {
    this.module.usesMemory();
    this.module.use("$checkRange");
    const [body] = this.takeBlocks(1);
    const ptr = this.temp();
    const len = this.temp();
    const map = this.temp();
    const i = this.temp();
    const type = this.module.types.expr(inst.mapType);
    // Between components a map travels as its pairs, repeated keys included.
    const asPairs = this.target.mapsAsPairs === true;
    this.out.push(
      `const ${ptr} = ${ops[0]} >>> 0;`,
      `const ${len} = ${ops[1]} >>> 0;`,
      `$checkRange(${ptr}, ${len}, ${inst.entrySize}, ${inst.entryAlign});`,
      asPairs ? `const ${map}: [any, any][] = [];` : `const ${map}: ${type} = new Map();`,
      `for (let ${i} = 0; ${i} < ${len}; ${i}++) {`,
      `const ${body.listBase} = ${ptr} + ${i} * ${inst.entrySize};`,
      ...body.lines,
      asPairs
        ? `${map}.push([${body.results[0]}, ${body.results[1]}]);`
        : `${map}.set(${body.results[0]}, ${body.results[1]});`,
      `}`,
    );
    return [asPairs ? `(${map} as unknown as ${type})` : map];
  }

  private caseNames(inst: { shape: string; type: TypeId }): string[] {
    const def = this.module.types.resolve.types[inst.type].kind;
    switch (def.kind) {
      case "variant":
        return def.cases.map((c) => c.name);
      case "enum":
        return def.cases.map((c) => c.name);
      case "option":
        return ["none", "some"];
      case "result":
        return ["ok", "err"];
      default:
        throw new Error(`${def.kind} is not a variant`);
    }
  }

  private lowerVariant(inst: Extract<Instruction, { op: "lower-variant" }>, value: string): string[] {
    const names = this.caseNames(inst);
    const out = this.out;
    if (inst.shape === "enum") {
      const t = this.temp();
      out.push(`let ${t}: number;`, `switch (${value}) {`);
      names.forEach((n, i) => out.push(`case ${stringLiteral(n)}:`, `${t} = ${i};`, "break;"));
      out.push(
        "default:",
        `${this.typeError(inst.path, `one of ${names.map((n) => JSON.stringify(n)).join(", ")}`, value)};`,
        "}",
      );
      return [t];
    }
    const blocks = this.takeBlocks(names.length);
    const results = inst.results.map(() => this.temp());
    if (results.length) out.push(`let ${results.map((r, i) => `${r}: ${coreTsType[inst.results[i]]}`).join(", ")};`);
    const v = this.bind(value);
    const caseBody = (b: FinishedBlock, payload: string | undefined) => {
      const lines: string[] = [];
      if (b.payload) lines.push(`const ${b.payload} = ${payload};`);
      lines.push(...b.lines);
      b.results.forEach((r, i) => lines.push(`${results[i]} = ${r};`));
      return lines;
    };
    const tagged = inst.shape !== "option" || this.module.types.isTaggedOption(inst.type);
    if (!tagged) {
      out.push(
        `if (${v} === undefined || ${v} === null) {`,
        ...caseBody(blocks[0], undefined),
        `} else {`,
        ...caseBody(blocks[1], v),
        `}`,
      );
      return results;
    }
    const expected = `an object with \`tag\` ${names.map((n) => JSON.stringify(n)).join(", ")}`;
    out.push(
      `if (typeof ${v} !== "object" || ${v} === null) ${this.typeError(inst.path, expected, v)};`,
      `switch (${v}.tag) {`,
    );
    blocks.forEach((b, i) => {
      out.push(`case ${stringLiteral(names[i])}: {`, ...caseBody(b, `${v}.val`), "break;", "}");
    });
    out.push("default:", `${this.typeError(inst.path, expected, v)};`, "}");
    return results;
  }

  private liftVariant(inst: Extract<Instruction, { op: "lift-variant" }>, discriminant: string): string[] {
    const names = this.caseNames(inst);
    const out = this.out;
    this.module.use("$trap");
    const t = this.temp();
    const type = this.module.types.expr(inst.type);
    if (inst.shape === "enum") {
      const table = this.module.constant(
        `enum:${inst.type}`,
        (name) => `const ${name} = [${names.map((n) => JSON.stringify(n)).join(", ")}] as const;`,
      );
      out.push(
        `const ${t} = ${table}[${discriminant}];`,
        `if (${t} === undefined) $trap(\`invalid enum discriminant \${${discriminant}} (${names.length} cases)\`);`,
      );
      return [t];
    }
    const blocks = this.takeBlocks(names.length);
    const tagged = inst.shape !== "option" || this.module.types.isTaggedOption(inst.type);
    out.push(`let ${t}: ${type};`, `switch (${discriminant}) {`);
    blocks.forEach((b, i) => {
      let value: string;
      if (!tagged) value = i === 0 ? "undefined" : b.results[0];
      else if (inst.shape === "result")
        value = `{ tag: ${stringLiteral(names[i])}, val: ${b.results[0] ?? "undefined"} }`;
      else
        value =
          b.results.length === 0
            ? `{ tag: ${stringLiteral(names[i])} }`
            : `{ tag: ${stringLiteral(names[i])}, val: ${b.results[0]} }`;
      out.push(`case ${i}: {`, ...b.lines, `${t} = ${value};`, "break;", "}");
    });
    out.push(
      "default:",
      `$trap(\`invalid discriminant \${${discriminant}} for a ${inst.shape} of ${names.length} cases\`);`,
      "}",
    );
    return [t];
  }
}

/** Shapes whose lifting depends on the call (handles it lends or takes, channels, error contexts). */
const holdsState = new Set(["own", "borrow", "future", "stream", "error-context"]);

function typeKey(t: Type): string {
  return typeof t === "number" ? `t${t}` : t;
}

/** Reads an unsigned little-endian integer of `size` bytes from `src`. */
function load(size: 1 | 2 | 4, at: string): string {
  return size === 1 ? `src.getUint8(${at})` : `src.getUint${size * 8}(${at}, true)`;
}

/** Writes an unsigned little-endian integer of `size` bytes into this memory. */
function store(size: 1 | 2 | 4, at: string, value: string): string {
  return size === 1 ? `$u8[${at}] = ${value}` : `$dv.setUint${size * 8}(${at}, ${value}, true)`;
}

/** Straight-line code for `steps` (see ir/abi/copy.ts), from `src` at `s + …` to this memory at `d + …`. */
function copyCode(steps: CopyStep[], s: string, d: string): string[] {
  const out: string[] = [];
  const at = (base: string, offset: number) => (offset === 0 ? base : `${base} + ${offset}`);
  for (const step of steps) {
    switch (step.op) {
      case "bytes": {
        let o = step.offset;
        let left = step.size;
        while (left > 0) {
          const n: 1 | 2 | 4 = left >= 4 && o % 4 === 0 ? 4 : left >= 2 && o % 2 === 0 ? 2 : 1;
          out.push(`${store(n, at(d, o), load(n, at(s, o)))};`);
          o += n;
          left -= n;
        }
        break;
      }
      case "bool":
        out.push(`$u8[${at(d, step.offset)}] = src.getUint8(${at(s, step.offset)}) === 0 ? 0 : 1;`);
        break;
      case "char":
        out.push(
          `{`,
          `const c = src.getUint32(${at(s, step.offset)}, true);`,
          `if (c >= 0x110000 || (c >= 0xd800 && c <= 0xdfff)) $trap(\`\${c} is not a Unicode scalar value\`);`,
          `$dv.setUint32(${at(d, step.offset)}, c, true);`,
          `}`,
        );
        break;
      case "flags": {
        const mask = step.count >= 32 ? "0xffffffff" : `0x${(2 ** step.count - 1).toString(16)}`;
        out.push(
          `${store(step.size, at(d, step.offset), `(${load(step.size, at(s, step.offset))} & ${mask}) >>> 0`)};`,
        );
        break;
      }
      case "variant": {
        const discriminant = load(step.size, at(s, step.offset));
        out.push(`switch (${discriminant}) {`);
        step.cases.forEach((c, i) => {
          out.push(`case ${i}:`, `${store(step.size, at(d, step.offset), String(i))};`);
          out.push(...copyCode(c, `(${at(s, step.payloadOffset)})`, `(${at(d, step.payloadOffset)})`));
          out.push(`break;`);
        });
        out.push(
          `default:`,
          `$trap(\`invalid discriminant \${${discriminant}} for a variant of ${step.cases.length} cases\`);`,
          `}`,
        );
        break;
      }
    }
  }
  return out;
}

/** Core value types as one letter each (i32 i, i64 I, f32 f, f64 F), as `$async.suspendable` and `blocking` take them. */
export function coreLetters(types: readonly string[]): string {
  return types.map((t) => ({ i32: "i", i64: "I", f32: "f", f64: "F" })[t] ?? "i").join("");
}
