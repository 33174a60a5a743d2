/**
 * The canonical-ABI walk: the one description of how a function's
 * parameters and results cross the boundary, as a sequence of instructions
 * (`instructions.ts`) that each language's emitter turns into code.
 *
 * Four kinds of glue exist, from two questions:
 * - which side of the boundary the core function is on: a function the core
 *   module imports (`guest-import`) or exports (`guest-export`);
 * - which way the glue goes: it *calls* the function, lowering the
 *   arguments and lifting the results (`call`), or it *implements* it,
 *   lifting the arguments and lowering the results (`implement`).
 *
 * A host calls guest exports and implements guest imports; a guest calls
 * its imports and implements its exports. Where they differ is who provides
 * memory for what does not fit flat: a host allocates spilled arguments with
 * the guest's `cabi_realloc` and writes an import's spilled results where
 * the guest says; a guest uses scratch areas of its own.
 *
 * The walker keeps the operand stack. Operands are opaque to it, and it may
 * hand the same operand (a base pointer, a variant's payload slot) to several
 * instructions: an emitter binds results that are not plain names or
 * constants to temporaries.
 */
import type { Function, Type } from "../types.js";
import type {
  AbiEmitter,
  HelperCall,
  Instruction,
  MemoryAccess,
  MemoryStore,
  ResourceSide,
  ScalarType,
} from "./instructions.js";
import {
  AbiLayout,
  flagsSize,
  flattenAsyncFunctionType,
  flattenFunctionType,
  type AbiShape,
  type CoreSignature,
  type CoreType,
  type StringEncoding,
} from "./layout.js";

export type AbiVariant = "guest-import" | "guest-export";
export type GlueKind = "call" | "implement";

export interface WalkOptions {
  /** The string encoding of the guest's memory. */
  encoding: StringEncoding;
  /** Whether a resource is implemented by the host side of the world (imported) or by the guest (exported). */
  resourceSide(resource: number): ResourceSide;
  /**
   * How error paths name parameters and record fields (the emitter's names
   * for them); WIT names when absent. Variant cases keep their WIT names.
   */
  pathName?(kind: "parameter" | "field", name: string): string;
}

/** The asynchronous ABI's values, which a synchronous-only target cannot carry. */
export function unsupportedShape(shape: AbiShape): string | undefined {
  switch (shape.kind) {
    case "future":
    case "stream":
      return `\`${shape.kind}\` values (they need the asynchronous ABI)`;
    case "error-context":
      return "`error-context` values (they need the asynchronous ABI)";
    default:
      return undefined;
  }
}

const scalarLoad: Record<ScalarType, MemoryAccess> = {
  bool: "i32.load8_u",
  u8: "i32.load8_u",
  s8: "i32.load8_s",
  u16: "i32.load16_u",
  s16: "i32.load16_s",
  u32: "i32.load",
  s32: "i32.load",
  char: "i32.load",
  u64: "i64.load",
  s64: "i64.load",
  f32: "f32.load",
  f64: "f64.load",
};

const scalarStore: Record<ScalarType, MemoryStore> = {
  bool: "i32.store8",
  u8: "i32.store8",
  s8: "i32.store8",
  u16: "i32.store16",
  s16: "i32.store16",
  u32: "i32.store",
  s32: "i32.store",
  char: "i32.store",
  u64: "i64.store",
  s64: "i64.store",
  f32: "f32.store",
  f64: "f64.store",
};

const widthLoad = { 1: "i32.load8_u", 2: "i32.load16_u", 4: "i32.load" } as const;
const widthStore = { 1: "i32.store8", 2: "i32.store16", 4: "i32.store" } as const;

/** The shapes whose values may go through a helper of the emitter's (`AbiEmitter.wantsHelper`). */
const compoundShapes = new Set<AbiShape["kind"]>([
  "record",
  "tuple",
  "fixed-list",
  "flags",
  "enum",
  "variant",
  "option",
  "result",
  "list",
  "map",
]);

/** Number types whose lists are copied as the bytes of a typed array. */
export function isNumericScalar(t: ScalarType): boolean {
  return t !== "bool" && t !== "char";
}

export class AbiWalker<Operand> {
  private stack: Operand[] = [];
  /** Whether lowered memory outlives the glue being walked (`owned` on `lower-string`/`lower-list`). */
  private ownedLowering = true;
  /** Set by `walkHelper`: the value at its root is walked inline, not through the helper being made. */
  private inlineRoot = false;

  constructor(
    readonly layout: AbiLayout,
    private readonly emitter: AbiEmitter<Operand>,
    private readonly options: WalkOptions,
  ) {}

  /**
   * Emits the whole glue of `func` for the core function `coreName`
   * (`post-return` uses `postReturnName`, for `call` of a `guest-export`).
   * Returns the core signature.
   */
  walkFunction(
    func: Function,
    variant: AbiVariant,
    kind: GlueKind,
    coreName: string,
    postReturnName?: string,
  ): CoreSignature {
    const params = func.params.map((p) => p.type);
    const context = variant === "guest-export" ? "lift" : "lower";
    // Only a guest calling an import lends its memory for the duration of the call.
    this.ownedLowering = !(variant === "guest-import" && kind === "call");
    let signature: CoreSignature;
    if (func.kind.kind.startsWith("async")) {
      signature = flattenAsyncFunctionType(this.layout, params, func.result, context);
      if (variant === "guest-import" && kind === "call") this.callAsyncImport(func, signature, coreName);
      else if (variant === "guest-export" && kind === "implement") this.implementAsyncExport(func, signature);
      else if (variant === "guest-export") this.callAsyncExport(func, signature, coreName);
      else this.implementAsyncImport(func, signature);
    } else {
      signature = flattenFunctionType(this.layout, params, func.result, context);
      if (kind === "call") this.callFunction(func, variant, signature, coreName, postReturnName);
      else this.implementFunction(func, variant, signature);
    }
    if (this.stack.length !== 0) throw new Error(`ABI walk of ${func.name} left ${this.stack.length} operands`);
    return signature;
  }

  /**
   * Emits a guest's call of its `async` import `coreName` (`call-core`
   * returns the packed subtask status; `await-subtask` waits for the return).
   * Spilled parameters and the result live in `scratch-area`s that must stay
   * valid until the subtask has returned.
   */
  private callAsyncImport(func: Function, signature: CoreSignature, coreName: string): void {
    this.lowerParams(func, signature, () => this.take({ op: "scratch-area", ...this.paramsSizeAlign(func) }, 0));
    let resultArea: Operand | undefined;
    if (func.result !== undefined) {
      const { size, align } = this.layout.sizeAlign(func.result);
      resultArea = this.take({ op: "scratch-area", size, align }, 0);
      this.stack.push(resultArea);
    }
    this.emit({ op: "call-core", name: coreName, signature }, signature.params.length, 1);
    this.emit({ op: "await-subtask" }, 1, 0);
    if (func.result !== undefined) this.load(func.result, resultArea!, 0);
    this.emit({ op: "return", count: func.result === undefined ? 0 : 1 }, func.result === undefined ? 0 : 1, 0);
  }

  /**
   * Emits a host's call of the guest's `async` export `coreName` (lifted
   * with a callback): the arguments lowered flat or spilled, then
   * `call-async-export`, whose promise is the result. The result itself is
   * lifted by the `task.return` glue (`walkTaskReturn`, implemented).
   */
  private callAsyncExport(func: Function, signature: CoreSignature, coreName: string): void {
    this.lowerParams(func, signature, () => this.take({ op: "alloc-params", ...this.paramsSizeAlign(func) }, 0));
    this.emit({ op: "call-async-export", name: coreName, func }, signature.params.length, 1);
    this.emit({ op: "return", count: 1 }, 1, 0);
  }

  /**
   * Emits a host's implementation of the guest's `async` import: the
   * parameters lifted (flat, or through the pointer in argument 0), then
   * `call-user-async-import`, whose block stores the settled result at the
   * result-area pointer (the last argument); returns the subtask status.
   */
  private implementAsyncImport(func: Function, signature: CoreSignature): void {
    const params = func.params.map((p) => p.type);
    this.liftParams(func, signature);
    if (func.result !== undefined) {
      const { size, align } = this.layout.sizeAlign(func.result);
      this.emitter.pushBlock();
      this.emit({ op: "argument", index: signature.params.length - 1 }, 0);
      const pointer = this.take({ op: "check-pointer", size, align, what: "results" }, 1);
      this.emit({ op: "async-result" }, 0, 1);
      this.store(func.result, pointer, 0, "result");
      this.emitter.finishBlock([]);
    }
    this.emit({ op: "call-user-async-import", func }, params.length, 1);
    this.emit({ op: "return", count: 1 }, 1, 0);
  }

  /** Emits a guest's `async` export (lifted with a callback): parameters lifted, then `call-user-async`. */
  private implementAsyncExport(func: Function, signature: CoreSignature): void {
    this.liftParams(func, signature);
    this.emit({ op: "call-user-async", func }, func.params.length, 1);
    this.emit({ op: "return", count: 1 }, 1, 0);
  }

  /**
   * Emits the glue that hands an `async` export's result to its
   * `task.return` built-in `coreName`: argument 0 is the result (when the
   * function has one), lowered as for a synchronous import call, whose
   * parameter it is. Returns the built-in's core signature.
   */
  walkTaskReturn(func: Function, coreName: string): CoreSignature {
    const returned: Function = {
      ...func,
      kind: { kind: "freestanding" },
      params: func.result === undefined ? [] : [{ name: "result", type: func.result }],
      result: undefined,
    } as Function;
    return this.walkFunction(returned, "guest-import", "call", coreName);
  }

  /**
   * Emits the code that lowers a value of `t` (argument 0) into memory at a
   * pointer (argument 1), owning what it allocates: how a guest writes a
   * future's or stream's values for the other end to read.
   */
  walkPayloadLower(t: Type): void {
    this.ownedLowering = true;
    this.emit({ op: "argument", index: 1 }, 0);
    const pointer = this.pop();
    this.emit({ op: "argument", index: 0 }, 0);
    this.store(t, pointer, 0, "value");
    this.emit({ op: "return", count: 0 }, 0, 0);
    if (this.stack.length !== 0) throw new Error(`payload lowering left ${this.stack.length} operands`);
  }

  /** Emits the code that lifts a value of `t` from memory at a pointer (argument 0), taking what it owns. */
  walkPayloadLift(t: Type): void {
    this.emit({ op: "argument", index: 0 }, 0);
    const pointer = this.pop();
    this.load(t, pointer, 0);
    this.emit({ op: "return", count: 1 }, 1, 0);
    if (this.stack.length !== 0) throw new Error(`payload lifting left ${this.stack.length} operands`);
  }

  /**
   * Emits the body of the emitter's helper for `call` (`AbiEmitter.wantsHelper`):
   * for `store`, the value is argument 0 and the pointer argument 1; for
   * `load`, the pointer is argument 0; for `lift-flat`, the arguments are
   * the flat core values. Paths start at `call.path`. Values inside it of
   * other compound types may go through helpers of their own.
   */
  walkHelper(call: HelperCall): void {
    this.ownedLowering = call.owned;
    this.inlineRoot = true;
    if (call.kind === "store") {
      this.emit({ op: "argument", index: 1 }, 0);
      const pointer = this.pop();
      this.emit({ op: "argument", index: 0 }, 0);
      this.store(call.type, pointer, 0, call.path);
      this.emit({ op: "return", count: 0 }, 0, 0);
    } else {
      if (call.kind === "load") {
        this.emit({ op: "argument", index: 0 }, 0);
        this.load(call.type, this.pop(), 0);
      } else {
        const count = this.layout.flat(call.type).length;
        for (let i = 0; i < count; i++) this.emit({ op: "argument", index: i }, 0);
        this.liftFlat(call.type);
      }
      this.emit({ op: "return", count: 1 }, 1, 0);
    }
    this.inlineRoot = false;
    if (this.stack.length !== 0) throw new Error(`helper walk left ${this.stack.length} operands`);
  }

  /**
   * Goes through the emitter's helper for a value of `t` if it wants one
   * (`AbiEmitter.wantsHelper`), with `operandCount` operands (for `store`,
   * the value then `pointer`; for `load`, `pointer`); returns whether it did.
   */
  private viaHelper(
    kind: HelperCall["kind"],
    t: Type,
    operandCount: number,
    pointer?: Operand,
    offset = 0,
    path = "",
  ): boolean {
    if (this.emitter.wantsHelper === undefined || this.emitter.callHelper === undefined) return false;
    if (this.inlineRoot) {
      this.inlineRoot = false;
      return false;
    }
    if (!compoundShapes.has(this.layout.shape(t).kind)) return false;
    const call: HelperCall = { kind, type: t, offset, path, owned: this.ownedLowering };
    if (!this.emitter.wantsHelper(call)) return false;
    if (pointer !== undefined) this.stack.push(pointer);
    if (this.stack.length < operandCount) throw new Error(`ABI walk: a ${kind} helper needs ${operandCount} operands`);
    const results = this.emitter.callHelper(call, this.stack.splice(this.stack.length - operandCount));
    if (results.length !== (kind === "store" ? 0 : 1))
      throw new Error(`emitter gave ${results.length} results for a ${kind} helper`);
    this.stack.push(...results);
    return true;
  }

  /**
   * Emits the code that frees what a lowered value of `t` at a pointer
   * (argument 0) owns. Returns `false` (and emits nothing) when it owns no memory.
   */
  walkDeallocate(t: Type): boolean {
    if (!this.layout.needsMemory(t)) return false;
    this.emit({ op: "argument", index: 0 }, 0);
    const pointer = this.pop();
    this.deallocate(t, pointer, 0);
    this.emit({ op: "return", count: 0 }, 0, 0);
    if (this.stack.length !== 0) throw new Error(`deallocation walk left ${this.stack.length} operands`);
    return true;
  }

  private paramsSizeAlign(func: Function): { size: number; align: number } {
    const { size, align } = this.layout.recordLayout(func.params.map((p) => p.type));
    return { size, align };
  }

  /** Lowers the arguments flat, or stores them in the area `spillArea` gives and pushes its pointer. */
  private lowerParams(func: Function, signature: CoreSignature, spillArea: () => Operand): void {
    if (!signature.paramsSpilled) {
      func.params.forEach((p, i) => {
        this.emit({ op: "argument", index: i }, 0);
        this.lowerFlat(p.type, this.name("parameter", p.name));
      });
      return;
    }
    const { offsets } = this.layout.recordLayout(func.params.map((p) => p.type));
    const area = spillArea();
    func.params.forEach((p, i) => {
      this.emit({ op: "argument", index: i }, 0);
      this.store(p.type, area, offsets[i], this.name("parameter", p.name));
    });
    this.stack.push(area);
  }

  /** Lifts the parameters from the core arguments (flat, or through the pointer in argument 0). */
  private liftParams(func: Function, signature: CoreSignature): void {
    const params = func.params.map((p) => p.type);
    if (!signature.paramsSpilled) {
      const flatCount = this.layout.flatten(params).length;
      for (let i = 0; i < flatCount; i++) this.emit({ op: "argument", index: i }, 0);
      const flat = this.stack.splice(0);
      let next = 0;
      for (const t of params) {
        const n = this.layout.flat(t).length;
        this.stack.push(...flat.slice(next, next + n));
        next += n;
        this.liftFlat(t);
      }
    } else {
      const { offsets, size, align } = this.layout.recordLayout(params);
      this.emit({ op: "argument", index: 0 }, 0);
      const pointer = this.take({ op: "check-pointer", size, align, what: "parameters" }, 1);
      params.forEach((t, i) => this.load(t, pointer, offsets[i]));
    }
  }

  private callFunction(
    func: Function,
    variant: AbiVariant,
    signature: CoreSignature,
    coreName: string,
    postReturnName: string | undefined,
  ): void {
    this.lowerParams(func, signature, () =>
      this.take({ op: variant === "guest-export" ? "alloc-params" : "scratch-area", ...this.paramsSizeAlign(func) }, 0),
    );
    let returnArea: Operand | undefined;
    if (signature.resultsSpilled && variant === "guest-import") {
      const { size, align } = this.layout.sizeAlign(func.result!);
      returnArea = this.take({ op: "scratch-area", size, align }, 0);
      this.stack.push(returnArea);
    }
    const coreResults = this.emit(
      { op: "call-core", name: coreName, signature },
      signature.params.length,
      signature.results.length,
    );
    this.stack.splice(this.stack.length - coreResults.length);
    if (func.result !== undefined) {
      if (signature.resultsSpilled) {
        let pointer = returnArea;
        if (pointer === undefined) {
          const { size, align } = this.layout.sizeAlign(func.result);
          this.stack.push(coreResults[0]);
          pointer = this.take({ op: "check-pointer", size, align, what: "results" }, 1);
        }
        this.load(func.result, pointer, 0);
      } else {
        this.stack.push(...coreResults);
        this.liftFlat(func.result);
      }
    }
    if (variant === "guest-export" && postReturnName !== undefined) {
      const lifted = this.stack.splice(0);
      this.stack.push(...coreResults);
      this.emit({ op: "post-return", name: postReturnName }, coreResults.length, 0);
      this.stack.push(...lifted);
    }
    this.emit({ op: "return", count: func.result === undefined ? 0 : 1 }, func.result === undefined ? 0 : 1, 0);
  }

  private implementFunction(func: Function, variant: AbiVariant, signature: CoreSignature): void {
    const params = func.params.map((p) => p.type);
    this.liftParams(func, signature);
    const resultCount = func.result === undefined ? 0 : 1;
    this.emit({ op: "call-user", func }, params.length, resultCount);
    if (func.result === undefined) {
      this.emit({ op: "return", count: 0 }, 0, 0);
      return;
    }
    if (!signature.resultsSpilled) {
      this.lowerFlat(func.result, "result");
      this.emit({ op: "return", count: signature.results.length }, signature.results.length, 0);
      return;
    }
    const { size, align } = this.layout.sizeAlign(func.result);
    let pointer: Operand;
    if (variant === "guest-import") {
      this.emit({ op: "argument", index: signature.params.length - 1 }, 0);
      pointer = this.take({ op: "check-pointer", size, align, what: "results" }, 1);
    } else {
      pointer = this.take({ op: "scratch-area", size, align }, 0);
    }
    this.store(func.result, pointer, 0, "result");
    if (variant === "guest-import") {
      this.emit({ op: "return", count: 0 }, 0, 0);
    } else {
      this.stack.push(pointer);
      this.emit({ op: "return", count: 1 }, 1, 0);
    }
  }

  /**
   * Emits `instruction` with the top `operandCount` operands and pushes its
   * results. Returns the results too (`expected` checks their number).
   */
  private emit(instruction: Instruction, operandCount: number, expected?: number): Operand[] {
    if (this.stack.length < operandCount) throw new Error(`ABI walk: ${instruction.op} needs ${operandCount} operands`);
    const operands = operandCount === 0 ? [] : this.stack.splice(this.stack.length - operandCount);
    const results = this.emitter.emit(instruction, operands);
    if (expected !== undefined && results.length !== expected)
      throw new Error(`emitter gave ${results.length} results for ${instruction.op}, not ${expected}`);
    this.stack.push(...results);
    return results;
  }

  /** Emits an instruction with one result and returns it without pushing it. */
  private take(instruction: Instruction, operandCount: number): Operand {
    this.emit(instruction, operandCount, 1);
    return this.pop();
  }

  /** Emits an instruction that splits the value on top of the stack into parts, and returns the parts unpushed. */
  private takeParts(instruction: Instruction): Operand[] {
    const parts = this.emit(instruction, 1);
    this.stack.splice(this.stack.length - parts.length);
    return parts;
  }

  private pop(): Operand {
    if (this.stack.length === 0) throw new Error("ABI walk: operand stack underflow");
    return this.stack.pop()!;
  }

  private unsupported(shape: AbiShape): never {
    throw new Error(`not supported: ${unsupportedShape(shape) ?? shape.kind}`);
  }

  private lowerOwned(): boolean {
    return this.ownedLowering;
  }

  /**
   * Emits the body of a guest export's post-return function
   * (`cabi_post_<export>`), which frees the memory of the results the export
   * returned: its one argument is the return-area pointer. Returns `false`
   * (and emits nothing) when the results own no memory, so no such function
   * is needed.
   */
  walkPostReturn(func: Function): boolean {
    return func.result !== undefined && this.walkDeallocate(func.result);
  }

  /** Emits the instructions that free what a value of `t` at `pointer + offset` owns. */
  private deallocate(t: Type, pointer: Operand, offset: number): void {
    if (!this.layout.needsMemory(t)) return;
    const shape = this.layout.shape(t);
    const loadAt = (access: MemoryAccess, at: number) => {
      this.stack.push(pointer);
      this.emit({ op: "load", access, offset: at }, 1, 1);
    };
    switch (shape.kind) {
      case "string":
        loadAt("i32.load", offset);
        loadAt("i32.load", offset + 4);
        this.emit({ op: "dealloc-string", encoding: this.options.encoding }, 2, 0);
        return;
      case "list":
      case "map": {
        const fields = shape.kind === "map" ? [shape.key, shape.value] : [shape.element];
        const { offsets, size, align } = this.layout.recordLayout(fields);
        const elements = fields.some((f) => this.layout.needsMemory(f));
        if (elements) {
          this.emitter.pushBlock();
          const [base] = this.emit({ op: "list-base" }, 0, 1);
          this.pop();
          fields.forEach((f, i) => this.deallocate(f, base, offsets[i]));
          this.emitter.finishBlock([]);
        }
        loadAt("i32.load", offset);
        loadAt("i32.load", offset + 4);
        this.emit({ op: "dealloc-list", elementSize: size, elementAlign: align, elements }, 2, 0);
        return;
      }
      case "fixed-list": {
        const size = this.layout.size(shape.element);
        for (let i = 0; i < shape.length; i++) this.deallocate(shape.element, pointer, offset + i * size);
        return;
      }
      case "record":
      case "tuple": {
        const fields = this.layout.recordFields(shape);
        const { offsets } = this.layout.recordLayout(fields);
        fields.forEach((f, i) => this.deallocate(f, pointer, offset + offsets[i]));
        return;
      }
      case "variant":
      case "option":
      case "result": {
        const cases = this.layout.variantCases(shape);
        const { discriminantSize, payloadOffset } = this.layout.variantLayout(cases);
        for (const payload of cases) {
          this.emitter.pushBlock();
          if (payload !== undefined) this.deallocate(payload, pointer, offset + payloadOffset);
          this.emitter.finishBlock([]);
        }
        loadAt(widthLoad[discriminantSize], offset);
        this.emit({ op: "dealloc-variant", shape: shape.kind, type: shape.id }, 1, 0);
        return;
      }
      default:
        return;
    }
  }

  /** Pops a value of type `t`, pushes its flat core values. */
  lowerFlat(t: Type, path: string): void {
    const shape = this.layout.shape(t);
    switch (shape.kind) {
      case "primitive":
        this.emit({ op: "lower-scalar", type: shape.name, path }, 1, 1);
        return;
      case "string":
        this.emit({ op: "lower-string", encoding: this.options.encoding, owned: this.lowerOwned(), path }, 1, 2);
        return;
      case "list":
      case "map":
        this.lowerList(shape, path);
        return;
      case "fixed-list": {
        const elements = this.takeParts({ op: "lower-fixed-list", type: shape.id, length: shape.length, path });
        elements.forEach((e, i) => {
          this.stack.push(e);
          this.lowerFlat(shape.element, `${path}[${i}]`);
        });
        return;
      }
      case "record":
      case "tuple": {
        const fields = this.layout.recordFields(shape);
        const values = this.takeParts(
          shape.kind === "record"
            ? { op: "lower-record", type: shape.id, path }
            : { op: "lower-tuple", type: shape.id, path },
        );
        values.forEach((v, i) => {
          this.stack.push(v);
          this.lowerFlat(fields[i], this.fieldPath(shape, path, i));
        });
        return;
      }
      case "flags":
        this.emit({ op: "lower-flags", type: shape.id, path }, 1, 1);
        return;
      case "enum":
        this.emit({ op: "lower-variant", shape: "enum", type: shape.id, results: ["i32"], path }, 1, 1);
        return;
      case "variant":
      case "option":
      case "result": {
        const cases = this.layout.variantCases(shape);
        const slots = this.layout.variantPayloadFlat(cases);
        const results: CoreType[] = ["i32", ...slots];
        const value = this.pop();
        cases.forEach((payload, index) => {
          this.emitter.pushBlock();
          const out = this.emit({ op: "const", type: "i32", value: index }, 0, 1);
          this.pop();
          if (payload !== undefined) {
            this.emit({ op: "variant-payload" }, 0, 1);
            const have = this.layout.flat(payload);
            this.lowerFlat(payload, this.casePath(shape, path, index));
            const flat = this.stack.splice(this.stack.length - have.length);
            flat.forEach((v, i) => {
              this.stack.push(v);
              if (have[i] !== slots[i]) this.emit({ op: "coerce", from: have[i], to: slots[i] }, 1, 1);
              out.push(this.pop());
            });
          }
          for (let i = out.length - 1; i < slots.length; i++) {
            out.push(...this.emit({ op: "const", type: slots[i], value: 0 }, 0, 1));
            this.pop();
          }
          this.emitter.finishBlock(out);
        });
        this.stack.push(value);
        this.emit({ op: "lower-variant", shape: shape.kind, type: shape.id, results, path }, 1, results.length);
        return;
      }
      case "own":
      case "borrow":
        this.lowerHandle(shape, path);
        return;
      case "future":
      case "stream":
        this.emit({ op: "lower-channel", kind: shape.kind, type: shape.id, path }, 1, 1);
        return;
      case "error-context":
        this.emit({ op: "lower-error-context", path }, 1, 1);
        return;
      default:
        this.unsupported(shape);
    }
  }

  private name(kind: "parameter" | "field", name: string): string {
    return this.options.pathName ? this.options.pathName(kind, name) : name;
  }

  /** Pops a resource object, pushes its handle. */
  private lowerHandle(shape: Extract<AbiShape, { kind: "own" | "borrow" }>, path: string): void {
    const side = this.options.resourceSide(shape.resource);
    this.emit({ op: "lower-handle", handle: shape.kind, resource: shape.resource, side, path }, 1, 1);
  }

  /** Pops a handle, pushes its resource object. */
  private liftHandle(shape: Extract<AbiShape, { kind: "own" | "borrow" }>): void {
    const side = this.options.resourceSide(shape.resource);
    this.emit({ op: "lift-handle", handle: shape.kind, resource: shape.resource, side }, 1, 1);
  }

  private fieldPath(shape: AbiShape, path: string, index: number): string {
    if (shape.kind === "record") {
      const def = this.layout.resolve.types[shape.id].kind;
      if (def.kind === "record") return `${path}.${this.name("field", def.fields[index].name)}`;
    }
    return `${path}[${index}]`;
  }

  private casePath(shape: AbiShape, path: string, index: number): string {
    switch (shape.kind) {
      case "option":
        return path;
      case "result":
        return `${path}.${index === 0 ? "ok" : "err"}`;
      case "variant": {
        const def = this.layout.resolve.types[shape.id].kind;
        if (def.kind === "variant") return `${path}.${def.cases[index].name}`;
        return path;
      }
      default:
        return path;
    }
  }

  private lowerList(shape: Extract<AbiShape, { kind: "list" | "map" }>, path: string): void {
    const owned = this.lowerOwned();
    if (shape.kind === "map") {
      const { offsets, size, align } = this.layout.recordLayout([shape.key, shape.value]);
      this.emitter.pushBlock();
      const [key, value] = this.emit({ op: "map-entry" }, 0, 2);
      this.stack.splice(this.stack.length - 2);
      const [base] = this.emit({ op: "list-base" }, 0, 1);
      this.pop();
      this.stack.push(key);
      this.store(shape.key, base, offsets[0], `${path}.key`);
      this.stack.push(value);
      this.store(shape.value, base, offsets[1], `${path}.value`);
      this.emitter.finishBlock([]);
      this.emit({ op: "lower-map", entrySize: size, entryAlign: align, owned, path, mapType: shape.id }, 1, 2);
      return;
    }
    const element = shape.element;
    const { size, align } = this.layout.sizeAlign(element);
    const elementShape = this.layout.shape(element);
    const scalar =
      elementShape.kind === "primitive" && isNumericScalar(elementShape.name) ? elementShape.name : undefined;
    if (scalar === undefined) {
      this.emitter.pushBlock();
      const [item] = this.emit({ op: "list-element" }, 0, 1);
      const [base] = this.emit({ op: "list-base" }, 0, 1);
      this.pop();
      this.pop();
      this.stack.push(item);
      this.store(element, base, 0, `${path}[]`);
      this.emitter.finishBlock([]);
    }
    this.emit(
      {
        op: "lower-list",
        element,
        elementSize: size,
        elementAlign: align,
        scalar,
        owned,
        path,
        listType: shape.id,
      },
      1,
      2,
    );
  }

  /** Pops the flat core values of `t`, pushes the value. */
  liftFlat(t: Type): void {
    if (this.viaHelper("lift-flat", t, this.layout.flat(t).length)) return;
    const shape = this.layout.shape(t);
    switch (shape.kind) {
      case "primitive":
        this.emit({ op: "lift-scalar", type: shape.name }, 1, 1);
        return;
      case "string":
        this.emit({ op: "lift-string", encoding: this.options.encoding }, 2, 1);
        return;
      case "list":
      case "map": {
        const [pointer, length] = this.stack.splice(this.stack.length - 2);
        this.liftListBlock(shape);
        this.stack.push(pointer, length);
        if (shape.kind === "map") {
          const { size, align } = this.layout.recordLayout([shape.key, shape.value]);
          this.emit({ op: "lift-map", entrySize: size, entryAlign: align, mapType: shape.id }, 2, 1);
        } else this.emitLiftList(shape);
        return;
      }
      case "fixed-list": {
        const n = this.layout.flat(shape.element).length;
        const flat = this.stack.splice(this.stack.length - n * shape.length);
        for (let i = 0; i < shape.length; i++) {
          this.stack.push(...flat.slice(i * n, (i + 1) * n));
          this.liftFlat(shape.element);
        }
        this.emit({ op: "lift-fixed-list", type: shape.id, length: shape.length }, shape.length, 1);
        return;
      }
      case "record":
      case "tuple": {
        const fields = this.layout.recordFields(shape);
        const flat = this.stack.splice(this.stack.length - this.layout.flatten(fields).length);
        let next = 0;
        for (const f of fields) {
          const n = this.layout.flat(f).length;
          this.stack.push(...flat.slice(next, next + n));
          next += n;
          this.liftFlat(f);
        }
        if (shape.kind === "record") this.emit({ op: "lift-record", type: shape.id }, fields.length, 1);
        else this.emit({ op: "lift-tuple", type: shape.id }, fields.length, 1);
        return;
      }
      case "flags":
        this.emit({ op: "lift-flags", type: shape.id }, 1, 1);
        return;
      case "enum":
        this.emit({ op: "lift-variant", shape: "enum", type: shape.id }, 1, 1);
        return;
      case "variant":
      case "option":
      case "result": {
        const cases = this.layout.variantCases(shape);
        const slots = this.layout.variantPayloadFlat(cases);
        const flat = this.stack.splice(this.stack.length - 1 - slots.length);
        const [discriminant, ...payloadSlots] = flat;
        for (const payload of cases) {
          this.emitter.pushBlock();
          if (payload === undefined) {
            this.emitter.finishBlock([]);
            continue;
          }
          const want = this.layout.flat(payload);
          want.forEach((type, i) => {
            this.stack.push(payloadSlots[i]);
            if (slots[i] !== type) this.emit({ op: "coerce", from: slots[i], to: type }, 1, 1);
          });
          this.liftFlat(payload);
          this.emitter.finishBlock([this.pop()]);
        }
        this.stack.push(discriminant);
        this.emit({ op: "lift-variant", shape: shape.kind, type: shape.id }, 1, 1);
        return;
      }
      case "own":
      case "borrow":
        this.liftHandle(shape);
        return;
      case "future":
      case "stream":
        this.emit({ op: "lift-channel", kind: shape.kind, type: shape.id }, 1, 1);
        return;
      case "error-context":
        this.emit({ op: "lift-error-context" }, 1, 1);
        return;
      default:
        this.unsupported(shape);
    }
  }

  /** Emits the block that loads one element of a list (or entry of a map) from `list-base`. */
  private liftListBlock(shape: Extract<AbiShape, { kind: "list" | "map" }>): void {
    if (shape.kind === "list") {
      const elementShape = this.layout.shape(shape.element);
      if (elementShape.kind === "primitive" && isNumericScalar(elementShape.name)) return;
    }
    this.emitter.pushBlock();
    const [base] = this.emit({ op: "list-base" }, 0, 1);
    this.pop();
    if (shape.kind === "map") {
      const { offsets } = this.layout.recordLayout([shape.key, shape.value]);
      this.load(shape.key, base, offsets[0]);
      this.load(shape.value, base, offsets[1]);
      this.emitter.finishBlock(this.stack.splice(this.stack.length - 2));
    } else {
      this.load(shape.element, base, 0);
      this.emitter.finishBlock([this.pop()]);
    }
  }

  private emitLiftList(shape: Extract<AbiShape, { kind: "list" }>): void {
    const { size, align } = this.layout.sizeAlign(shape.element);
    const elementShape = this.layout.shape(shape.element);
    const scalar =
      elementShape.kind === "primitive" && isNumericScalar(elementShape.name) ? elementShape.name : undefined;
    this.emit(
      { op: "lift-list", element: shape.element, elementSize: size, elementAlign: align, scalar, listType: shape.id },
      2,
      1,
    );
  }

  /** Pops a value of type `t` and stores it at `pointer + offset`. */
  store(t: Type, pointer: Operand, offset: number, path: string): void {
    if (this.viaHelper("store", t, 2, pointer, offset, path)) return;
    const shape = this.layout.shape(t);
    const storeTop = (access: MemoryStore, at: number) => {
      this.stack.push(pointer);
      this.emit({ op: "store", access, offset: at }, 2, 0);
    };
    switch (shape.kind) {
      case "primitive":
        this.emit({ op: "lower-scalar", type: shape.name, path }, 1, 1);
        storeTop(scalarStore[shape.name], offset);
        return;
      case "string":
      case "list":
      case "map": {
        if (shape.kind === "string")
          this.emit({ op: "lower-string", encoding: this.options.encoding, owned: this.lowerOwned(), path }, 1, 2);
        else this.lowerList(shape, path);
        const [ptr, len] = this.stack.splice(this.stack.length - 2);
        this.stack.push(len);
        storeTop("i32.store", offset + 4);
        this.stack.push(ptr);
        storeTop("i32.store", offset);
        return;
      }
      case "fixed-list": {
        const size = this.layout.size(shape.element);
        const elements = this.takeParts({ op: "lower-fixed-list", type: shape.id, length: shape.length, path });
        elements.forEach((e, i) => {
          this.stack.push(e);
          this.store(shape.element, pointer, offset + i * size, `${path}[${i}]`);
        });
        return;
      }
      case "record":
      case "tuple": {
        const fields = this.layout.recordFields(shape);
        const { offsets } = this.layout.recordLayout(fields);
        const values = this.takeParts(
          shape.kind === "record"
            ? { op: "lower-record", type: shape.id, path }
            : { op: "lower-tuple", type: shape.id, path },
        );
        values.forEach((v, i) => {
          this.stack.push(v);
          this.store(fields[i], pointer, offset + offsets[i], this.fieldPath(shape, path, i));
        });
        return;
      }
      case "flags":
        this.emit({ op: "lower-flags", type: shape.id, path }, 1, 1);
        storeTop(widthStore[flagsSize(shape.count)], offset);
        return;
      case "enum": {
        const { discriminantSize } = this.layout.variantLayout(this.layout.variantCases(shape));
        this.emit({ op: "lower-variant", shape: "enum", type: shape.id, results: ["i32"], path }, 1, 1);
        storeTop(widthStore[discriminantSize], offset);
        return;
      }
      case "variant":
      case "option":
      case "result": {
        const cases = this.layout.variantCases(shape);
        const { discriminantSize, payloadOffset } = this.layout.variantLayout(cases);
        cases.forEach((payload, index) => {
          this.emitter.pushBlock();
          this.emit({ op: "const", type: "i32", value: index }, 0, 1);
          storeTop(widthStore[discriminantSize], offset);
          if (payload !== undefined) {
            this.emit({ op: "variant-payload" }, 0, 1);
            this.store(payload, pointer, offset + payloadOffset, this.casePath(shape, path, index));
          }
          this.emitter.finishBlock([]);
        });
        this.emit({ op: "lower-variant", shape: shape.kind, type: shape.id, results: [], path }, 1, 0);
        return;
      }
      case "own":
      case "borrow":
        this.lowerHandle(shape, path);
        storeTop("i32.store", offset);
        return;
      case "future":
      case "stream":
        this.emit({ op: "lower-channel", kind: shape.kind, type: shape.id, path }, 1, 1);
        storeTop("i32.store", offset);
        return;
      case "error-context":
        this.emit({ op: "lower-error-context", path }, 1, 1);
        storeTop("i32.store", offset);
        return;
      default:
        this.unsupported(shape);
    }
  }

  /** Loads a value of type `t` from `pointer + offset` and pushes it. */
  load(t: Type, pointer: Operand, offset: number): void {
    if (this.viaHelper("load", t, 1, pointer, offset)) return;
    const shape = this.layout.shape(t);
    const loadAt = (access: MemoryAccess, at: number) => {
      this.stack.push(pointer);
      this.emit({ op: "load", access, offset: at }, 1, 1);
    };
    switch (shape.kind) {
      case "primitive":
        loadAt(scalarLoad[shape.name], offset);
        this.emit({ op: "lift-scalar", type: shape.name }, 1, 1);
        return;
      case "string":
        loadAt("i32.load", offset);
        loadAt("i32.load", offset + 4);
        this.emit({ op: "lift-string", encoding: this.options.encoding }, 2, 1);
        return;
      case "list":
      case "map": {
        this.liftListBlock(shape);
        loadAt("i32.load", offset);
        loadAt("i32.load", offset + 4);
        if (shape.kind === "map") {
          const { size, align } = this.layout.recordLayout([shape.key, shape.value]);
          this.emit({ op: "lift-map", entrySize: size, entryAlign: align, mapType: shape.id }, 2, 1);
        } else this.emitLiftList(shape);
        return;
      }
      case "fixed-list": {
        const size = this.layout.size(shape.element);
        for (let i = 0; i < shape.length; i++) this.load(shape.element, pointer, offset + i * size);
        this.emit({ op: "lift-fixed-list", type: shape.id, length: shape.length }, shape.length, 1);
        return;
      }
      case "record":
      case "tuple": {
        const fields = this.layout.recordFields(shape);
        const { offsets } = this.layout.recordLayout(fields);
        fields.forEach((f, i) => this.load(f, pointer, offset + offsets[i]));
        if (shape.kind === "record") this.emit({ op: "lift-record", type: shape.id }, fields.length, 1);
        else this.emit({ op: "lift-tuple", type: shape.id }, fields.length, 1);
        return;
      }
      case "flags":
        loadAt(widthLoad[flagsSize(shape.count)], offset);
        this.emit({ op: "lift-flags", type: shape.id }, 1, 1);
        return;
      case "enum":
      case "variant":
      case "option":
      case "result": {
        const cases = this.layout.variantCases(shape);
        const { discriminantSize, payloadOffset } = this.layout.variantLayout(cases);
        if (shape.kind !== "enum") {
          for (const payload of cases) {
            this.emitter.pushBlock();
            if (payload === undefined) {
              this.emitter.finishBlock([]);
              continue;
            }
            this.load(payload, pointer, offset + payloadOffset);
            this.emitter.finishBlock([this.pop()]);
          }
        }
        loadAt(widthLoad[discriminantSize], offset);
        this.emit({ op: "lift-variant", shape: shape.kind, type: shape.id }, 1, 1);
        return;
      }
      case "own":
      case "borrow":
        loadAt("i32.load", offset);
        this.liftHandle(shape);
        return;
      case "future":
      case "stream":
        loadAt("i32.load", offset);
        this.emit({ op: "lift-channel", kind: shape.kind, type: shape.id }, 1, 1);
        return;
      case "error-context":
        loadAt("i32.load", offset);
        this.emit({ op: "lift-error-context" }, 1, 1);
        return;
      default:
        this.unsupported(shape);
    }
  }
}
