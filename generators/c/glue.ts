/**
 * The C glue of functions: the user-facing signature of each imported and
 * exported function, and the bodies that cross the boundary, emitted from
 * the canonical-ABI walk (`ir/abi/walk.ts`).
 *
 * The C types of the bindings have the canonical ABI's memory layout, so
 * strings and lists of any element type cross by pointer and length without
 * copying; only flat values are converted. Signatures follow wit-bindgen:
 * strings, lists and aggregates are passed by pointer, an `option<T>`
 * parameter is a nullable `T *maybe_<name>`, and a function returning an
 * option or a result returns a `bool` and writes the payloads through
 * out-pointers (`ret`, `err`).
 */
import type { AbiEmitter, Instruction, MemoryAccess, MemoryStore, ScalarType } from "../../ir/abi/instructions.js";
import { MAX_FLAT_ASYNC_PARAMS, type CoreType } from "../../ir/abi/layout.js";
import type { Function, Type } from "../../ir/types.js";
import { cIdent } from "./naming.js";
import type { CTypes } from "./types.js";

export type CReturn =
  | { kind: "void" }
  | { kind: "scalar"; type: Type }
  | { kind: "option"; option: Type; payload: Type }
  | { kind: "result"; result: Type; ok: Type | undefined; err: Type | undefined }
  | { kind: "pointer"; type: Type };

export interface CParam {
  /** The C parameter name (`maybe_<name>` for an option). */
  name: string;
  /** The escaped WIT name, the name of the option built from `maybe_<name>`. */
  base: string;
  type: Type;
  byPointer: boolean;
  /** The payload of an `option` parameter, passed as a nullable pointer. */
  option: Type | undefined;
}

export interface CSig {
  name: string;
  /** `ret name(params)`, without the semicolon. */
  text: string;
  params: CParam[];
  ret: CReturn;
  retptrs: { name: string; type: Type }[];
  /** Async imports: whether the parameters are passed through one pointer. */
  indirect?: boolean;
  /** Async imports with several parameters passed through a pointer: the typedef of their struct. */
  argsStruct?: string;
}

/** Whether a parameter of `t` is passed by pointer. */
function byPointer(types: CTypes, t: Type): boolean {
  t = types.layout.dealias(t);
  if (t === "string") return true;
  if (typeof t === "string") return false;
  switch (types.resolve.types[t].kind.kind) {
    case "variant":
    case "option":
    case "result":
    case "tuple":
    case "record":
    case "list":
    case "map":
    case "fixed-length-list":
      return true;
    default:
      return false;
  }
}

function classifyReturn(types: CTypes, result: Type | undefined): CReturn {
  if (result === undefined) return { kind: "void" };
  const t = types.layout.dealias(result);
  if (t === "string") return { kind: "pointer", type: result };
  if (typeof t === "string") return { kind: "scalar", type: result };
  const k = types.resolve.types[t].kind;
  switch (k.kind) {
    case "flags":
    case "enum":
    case "handle":
    case "future":
    case "stream":
      return { kind: "scalar", type: result };
    // Unless `--no-sig-flattening`: an option returns a bool and its payload through `ret`, a result a bool and `ret`/`err`.
    case "option":
      return types.sigFlattening
        ? { kind: "option", option: result, payload: k.type }
        : { kind: "pointer", type: result };
    case "result":
      return types.sigFlattening ? { kind: "result", result, ok: k.ok, err: k.err } : { kind: "pointer", type: result };
    default:
      return { kind: "pointer", type: result };
  }
}

/**
 * How a function is bound: synchronously, or with the asynchronous ABI as an
 * import the guest calls (it returns the subtask's status at once and writes
 * the result through `result` when the subtask returns) or as an export the
 * guest implements (it returns a callback code and hands its result to
 * `<name>_return`).
 */
export type CBinding = "sync" | "async-import" | "async-export";

/** The C signature of `func` under the C name `name`. */
export function cSignature(types: CTypes, name: string, func: Function, binding: CBinding = "sync"): CSig {
  if (binding === "async-import") return asyncImportSignature(types, name, func);
  const ret = classifyReturn(types, func.result);
  const params: CParam[] = func.params.map((p) => {
    const base = cIdent(p.name);
    const t = types.layout.dealias(p.type);
    // Unless `--no-sig-flattening`: an option parameter is `T *maybe_x`, NULL for none.
    const option =
      types.sigFlattening && typeof t === "number" && types.resolve.types[t].kind.kind === "option"
        ? (types.resolve.types[t].kind as { type: Type }).type
        : undefined;
    return {
      name: option === undefined ? base : `maybe_${base}`,
      base,
      type: p.type,
      byPointer: byPointer(types, p.type),
      option,
    };
  });
  const retptrs: { name: string; type: Type }[] = [];
  let retType: string;
  if (binding === "async-export") {
    const parts = params.map((p) => `${types.name(p.option ?? p.type)} ${p.byPointer ? "*" : ""}${p.name}`);
    const text = `${types.world}_callback_code_t ${name}(${parts.length === 0 ? "void" : parts.join(", ")})`;
    return { name, text, params, ret, retptrs };
  }
  switch (ret.kind) {
    case "void":
      retType = "void";
      break;
    case "scalar":
      retType = types.name(ret.type);
      break;
    case "pointer":
      retType = "void";
      retptrs.push({ name: "ret", type: ret.type });
      break;
    case "option":
      retType = "bool";
      retptrs.push({ name: "ret", type: ret.payload });
      break;
    case "result":
      retType = "bool";
      if (ret.ok !== undefined) retptrs.push({ name: "ret", type: ret.ok });
      if (ret.err !== undefined) retptrs.push({ name: "err", type: ret.err });
      break;
  }
  const parts = params.map((p) => `${types.name(p.option ?? p.type)} ${p.byPointer ? "*" : ""}${p.name}`);
  parts.push(...retptrs.map((r) => `${types.name(r.type)} *${r.name}`));
  const text = `${retType} ${name}(${parts.length === 0 ? "void" : parts.join(", ")})`;
  return { name, text, params, ret, retptrs };
}

/**
 * The C signature of an import called with the asynchronous ABI, as
 * wit-bindgen spells it: the parameters by value when they flatten to at
 * most `MAX_FLAT_ASYNC_PARAMS` core values, else one pointer to them (`T
 * *arg` for one parameter, a `<name>_args_t *args` struct for several, the
 * struct having the canonical layout); then `R *result` when the function
 * has a result. It returns the packed subtask status.
 */
function asyncImportSignature(types: CTypes, name: string, func: Function): CSig {
  const flat = types.layout.flatten(func.params.map((p) => p.type)).length;
  const params: CParam[] = [];
  const parts: string[] = [];
  let argsStruct: string | undefined;
  if (flat > MAX_FLAT_ASYNC_PARAMS && func.params.length === 1) {
    const p = func.params[0];
    params.push({ name: "arg", base: "arg", type: p.type, byPointer: true, option: undefined });
    parts.push(`${types.name(p.type)} *arg`);
  } else if (flat > MAX_FLAT_ASYNC_PARAMS) {
    const fields = func.params.map((p) => `${types.name(p.type)} ${cIdent(p.name)};\n`).join("");
    argsStruct = `\ntypedef struct ${name}_args {\n${fields}} ${name}_args_t;\n`;
    params.push({ name: "args", base: "args", type: func.params[0].type, byPointer: true, option: undefined });
    parts.push(`${name}_args_t *args`);
  } else {
    for (const p of func.params) {
      const base = cIdent(p.name);
      params.push({ name: base, base, type: p.type, byPointer: false, option: undefined });
      parts.push(`${types.name(p.type)} ${base}`);
    }
  }
  const retptrs: { name: string; type: Type }[] = [];
  if (func.result !== undefined) {
    retptrs.push({ name: "result", type: func.result });
    parts.push(`${types.name(func.result)} *result`);
  }
  const text = `${types.world}_subtask_status_t ${name}(${parts.length === 0 ? "void" : parts.join(", ")})`;
  return { name, text, params, ret: { kind: "void" }, retptrs, indirect: flat > MAX_FLAT_ASYNC_PARAMS, argsStruct };
}

export const coreCType: Record<CoreType, string> = { i32: "int32_t", i64: "int64_t", f32: "float", f64: "double" };

const loadType: Record<MemoryAccess, [string, boolean]> = {
  "i32.load8_u": ["uint8_t", true],
  "i32.load8_s": ["int8_t", true],
  "i32.load16_u": ["uint16_t", true],
  "i32.load16_s": ["int16_t", true],
  "i32.load": ["int32_t", false],
  "i64.load": ["int64_t", false],
  "f32.load": ["float", false],
  "f64.load": ["double", false],
};

const storeType: Record<MemoryStore, string> = {
  "i32.store8": "int8_t",
  "i32.store16": "int16_t",
  "i32.store": "int32_t",
  "i64.store": "int64_t",
  "f32.store": "float",
  "f64.store": "double",
};

const liftScalar: Record<ScalarType, (x: string) => string> = {
  bool: (x) => `(${x} != 0)`,
  u8: (x) => `(uint8_t) (${x})`,
  s8: (x) => `(int8_t) (${x})`,
  u16: (x) => `(uint16_t) (${x})`,
  s16: (x) => `(int16_t) (${x})`,
  u32: (x) => `(uint32_t) (${x})`,
  s32: (x) => x,
  u64: (x) => `(uint64_t) (${x})`,
  s64: (x) => x,
  f32: (x) => x,
  f64: (x) => x,
  char: (x) => `(uint32_t) (${x})`,
};

const lowerScalar: Record<ScalarType, (x: string) => string> = {
  bool: (x) => `(int32_t) (${x})`,
  u8: (x) => `(int32_t) (${x})`,
  s8: (x) => `(int32_t) (${x})`,
  u16: (x) => `(int32_t) (${x})`,
  s16: (x) => `(int32_t) (${x})`,
  u32: (x) => `(int32_t) (${x})`,
  s32: (x) => x,
  u64: (x) => `(int64_t) (${x})`,
  s64: (x) => x,
  f32: (x) => x,
  f64: (x) => x,
  char: (x) => `(int32_t) (${x})`,
};

/** Module-wide state the glue of one function reports to. */
export interface GlueModule {
  types: CTypes;
  /** Size and alignment of the static return area of exports. */
  retArea: { size: number; align: number };
  /** Bit-cast unions the `.c` file must define (`int32_float`, ...). */
  unions: Set<string>;
}

/**
 * What the glue being emitted is: a synchronous import's wrapper, an
 * export's core function, a post-return function, the lowering of an async
 * import's flat parameters (`call-core` only records the core arguments,
 * `asyncArgs`), or an async export's `<name>_return` (which calls
 * `task.return`).
 */
export type GlueMode = "import" | "export" | "post-return" | "async-import" | "task-return";

/** `--autodrop-borrows yes` for a function whose borrows the glue cannot drop (as wit-bindgen refuses them). */
export class UnsupportedAutodropError extends Error {}

interface Block {
  code: string;
  results: string[];
  payload: string | undefined;
  base: string | undefined;
}

/** Emits the body of one function's glue as C statements. */
export class CEmitter implements AbiEmitter<string> {
  private lines: string[] = [];
  private frames: { lines: string[]; payload: string | undefined; base: string | undefined }[] = [];
  private blocks: Block[] = [];
  private payload: string | undefined;
  private base: string | undefined;
  private used = new Set<string>();
  private counter = 0;
  /** Operands that are `uint8_t *` (everything else of type `i32` is an `int32_t`). */
  private pointers = new Set<string>();
  /** An export's spilled-parameter area, freed once the implementation has its arguments. */
  private spilledParams: string | undefined;
  /** In `async-import` mode: the core arguments of the lowered parameters. */
  asyncArgs: string[] = [];
  /**
   * A synchronous export's glue drops the borrows of imported resources it
   * received when it returns (wit-bindgen's `--autodrop-borrows yes`).
   */
  autodrop = false;
  /** Those borrows: the variable holding each (0 when not received), and its `[resource-drop]` import. */
  private borrows: { name: string; drop: string }[] = [];

  constructor(
    private readonly module: GlueModule,
    private readonly mode: GlueMode,
    private readonly sig: CSig | undefined,
    /** The operand of each `argument`. */
    private readonly args: string[],
    reserved: string[] = [],
  ) {
    for (const r of reserved) this.used.add(r);
  }

  private get types(): CTypes {
    return this.module.types;
  }

  /** The body emitted so far. */
  code(): string {
    return this.borrows.map((b) => `int32_t ${b.name} = 0;\n`).join("") + this.lines.join("");
  }

  line(text: string): void {
    this.lines.push(text.endsWith("\n") ? text : `${text}\n`);
  }

  tmp(prefix: string): string {
    for (;;) {
      const name = `${prefix}${this.counter++}`;
      if (!this.used.has(name)) {
        this.used.add(name);
        return name;
      }
    }
  }

  private ptr(op: string): string {
    return this.pointers.has(op) ? op : `((uint8_t *) (uintptr_t) (${op}))`;
  }

  private asCore(op: string): string {
    return this.pointers.has(op) ? `(int32_t) (uintptr_t) ${op}` : op;
  }

  pushBlock(): void {
    this.frames.push({ lines: this.lines, payload: this.payload, base: this.base });
    this.lines = [];
    this.payload = undefined;
    this.base = undefined;
  }

  finishBlock(results: string[]): void {
    const frame = this.frames.pop();
    if (frame === undefined) throw new Error("finishBlock without pushBlock");
    this.blocks.push({ code: this.lines.join(""), results, payload: this.payload, base: this.base });
    this.lines = frame.lines;
    this.payload = frame.payload;
    this.base = frame.base;
  }

  private popBlocks(n: number): Block[] {
    if (this.blocks.length < n) throw new Error(`C glue: ${n} blocks wanted, ${this.blocks.length} open`);
    return this.blocks.splice(this.blocks.length - n);
  }

  private cases(type: number): (Type | undefined)[] {
    return this.types.layout.variantCases(this.types.layout.shape(type));
  }

  private coerce(x: string, from: CoreType, to: CoreType): string {
    const u = this.module.unions;
    const key = `${from}>${to}`;
    switch (key) {
      case "f32>i32":
        u.add("float_int32");
        return `((union float_int32) { ${x} }).b`;
      case "i32>f32":
        u.add("int32_float");
        return `((union int32_float) { (int32_t) (${x}) }).b`;
      case "i32>i64":
        return `(int64_t) (uint32_t) (${x})`;
      case "i64>i32":
        return `(int32_t) (${x})`;
      case "f32>i64":
        u.add("float_int32");
        return `(int64_t) (uint32_t) ((union float_int32) { ${x} }).b`;
      case "i64>f32":
        u.add("int32_float");
        return `((union int32_float) { (int32_t) (${x}) }).b`;
      case "f64>i64":
        u.add("double_int64");
        return `((union double_int64) { ${x} }).b`;
      case "i64>f64":
        u.add("int64_double");
        return `((union int64_double) { (int64_t) (${x}) }).b`;
      default:
        return x;
    }
  }

  emit(ins: Instruction, ops: string[]): string[] {
    const types = this.types;
    switch (ins.op) {
      case "argument":
        return [this.args[ins.index]];
      case "const":
        return [ins.type === "i32" ? String(ins.value) : `(${coreCType[ins.type]}) ${ins.value}`];
      case "coerce":
        return [this.coerce(ops[0], ins.from, ins.to)];
      case "call-core": {
        if (this.mode === "async-import") {
          this.asyncArgs = ops.map((o) => this.asCore(o));
          return [];
        }
        const args = ops.map((o) => this.asCore(o)).join(", ");
        if (ins.signature.results.length === 0) {
          this.line(`${ins.name}(${args});`);
          return [];
        }
        const ret = this.tmp("ret");
        this.line(`${coreCType[ins.signature.results[0]]} ${ret} = ${ins.name}(${args});`);
        return [ret];
      }
      case "call-user":
        return this.callUser(ops);
      case "return":
        this.emitReturn(ops);
        return [];
      case "scratch-area": {
        const p = this.tmp("ptr");
        if (this.mode !== "export") {
          const area = this.tmp("ret_area");
          this.line(`__attribute__((__aligned__(${ins.align})))\nuint8_t ${area}[${ins.size}];`);
          this.line(`uint8_t *${p} = (uint8_t *) &${area};`);
        } else {
          const r = this.module.retArea;
          r.size = Math.max(r.size, ins.size);
          r.align = Math.max(r.align, ins.align);
          this.line(`uint8_t *${p} = (uint8_t *) &RET_AREA;`);
        }
        this.pointers.add(p);
        return [p];
      }
      case "check-pointer": {
        const p = this.tmp("ptr");
        this.line(`uint8_t *${p} = (uint8_t *) (uintptr_t) (${ops[0]});`);
        this.pointers.add(p);
        // An export's spilled parameters: the caller allocated them with `cabi_realloc`, the export frees them.
        if (this.mode === "export" && ins.what === "parameters") this.spilledParams = p;
        return [p];
      }
      case "alloc-params":
      case "post-return":
        throw new Error(`C glue: ${ins.op} is host-side`);
      case "load": {
        const [t, widen] = loadType[ins.access];
        const value = `*((${t} *) (${this.ptr(ops[1 - 1])} + ${ins.offset}))`;
        return [widen ? `(int32_t) ${value}` : value];
      }
      case "store": {
        const t = storeType[ins.access];
        this.line(`*((${t} *) (${this.ptr(ops[1])} + ${ins.offset})) = ${this.asCore(ops[0])};`);
        return [];
      }
      case "lower-scalar":
        return [lowerScalar[ins.type](ops[0])];
      case "lift-scalar":
        return [liftScalar[ins.type](ops[0])];
      case "lower-string":
        return [`(int32_t) (uintptr_t) (${ops[0]}).ptr`, `(int32_t) (${ops[0]}).len`];
      case "lift-string":
        return [`(${types.name("string")}) { (${types.charType} *) (uintptr_t) (${ops[0]}), (size_t) (${ops[1]}) }`];
      case "lower-list":
        if (ins.scalar === undefined) this.popBlocks(1);
        return [`(int32_t) (uintptr_t) (${ops[0]}).ptr`, `(int32_t) (${ops[0]}).len`];
      case "lower-map":
        this.popBlocks(1);
        return [`(int32_t) (uintptr_t) (${ops[0]}).ptr`, `(int32_t) (${ops[0]}).len`];
      case "lift-list": {
        if (ins.scalar === undefined) this.popBlocks(1);
        if (this.autodrop && this.types.holdsImportedBorrow(ins.element))
          throw new UnsupportedAutodropError("Unable to autodrop borrows in `list` values, please disable autodrop");
        const list = types.name(ins.listType);
        return [`(${list}) { (${types.name(ins.element)} *) (uintptr_t) (${ops[0]}), (size_t) (${ops[1]}) }`];
      }
      case "lift-map": {
        this.popBlocks(1);
        if (this.autodrop && this.types.holdsImportedBorrow(ins.mapType))
          throw new UnsupportedAutodropError("Unable to autodrop borrows in `map` values, please disable autodrop");
        const map = types.name(ins.mapType);
        return [`(${map}) { (${types.mapEntryName(ins.mapType)} *) (uintptr_t) (${ops[0]}), (size_t) (${ops[1]}) }`];
      }
      case "list-base": {
        this.base ??= this.tmp("base");
        this.pointers.add(this.base);
        return [this.base];
      }
      case "list-element":
        return ["e"];
      case "map-entry":
        return ["map_key", "map_value"];
      case "dealloc-string":
        // (A compact string's length carries the UTF-16 tag in its top bit.)
        if (ins.encoding === "latin1+utf16")
          this.line(`if (((uint32_t) (${ops[1]}) & 0x7fffffff) != 0) {\nfree((void *) (uintptr_t) (${ops[0]}));\n}`);
        else this.line(`if ((${ops[1]}) > 0) {\nfree((void *) (uintptr_t) (${ops[0]}));\n}`);
        return [];
      case "dealloc-list": {
        const block = ins.elements ? this.popBlocks(1)[0] : undefined;
        const len = this.tmp("len");
        const p = this.tmp("ptr");
        this.line(`size_t ${len} = (size_t) (${ops[1]});`);
        this.line(`if (${len} > 0) {`);
        this.line(`uint8_t *${p} = (uint8_t *) (uintptr_t) (${ops[0]});`);
        if (block !== undefined && block.code !== "") {
          const i = this.tmp("i");
          this.line(`for (size_t ${i} = 0; ${i} < ${len}; ${i}++) {`);
          if (block.base !== undefined) this.line(`uint8_t *${block.base} = ${p} + ${i} * ${ins.elementSize};`);
          this.lines.push(block.code);
          this.line("}");
        }
        this.line(`free(${p});\n}`);
        return [];
      }
      case "dealloc-variant": {
        const blocks = this.popBlocks(this.cases(ins.type).length);
        if (blocks.every((b) => b.code === "")) return [];
        this.line(`switch ((int32_t) (${ops[0]})) {`);
        blocks.forEach((b, i) => {
          if (b.code !== "") this.line(`case ${i}: {\n${b.code}break;\n}`);
        });
        this.line("}");
        return [];
      }
      case "lower-record": {
        const def = types.resolve.types[ins.type].kind;
        if (def.kind !== "record") throw new Error("lower-record of a non-record");
        return def.fields.map((f) => `(${ops[0]}).${cIdent(f.name)}`);
      }
      case "lift-record": {
        const def = types.resolve.types[ins.type].kind;
        if (def.kind !== "record") throw new Error("lift-record of a non-record");
        const r = this.tmp("record");
        this.line(`${types.name(ins.type)} ${r};`);
        def.fields.forEach((f, i) => this.line(`${r}.${cIdent(f.name)} = ${ops[i]};`));
        return [r];
      }
      case "lower-tuple":
        return this.types.layout.recordFields(this.types.layout.shape(ins.type)).map((_, i) => `(${ops[0]}).f${i}`);
      case "lift-tuple": {
        const r = this.tmp("tuple");
        this.line(`${types.name(ins.type)} ${r};`);
        ops.forEach((o, i) => this.line(`${r}.f${i} = ${o};`));
        return [r];
      }
      case "lower-fixed-list":
        return Array.from({ length: ins.length }, (_, i) => `(${ops[0]}).val[${i}]`);
      case "lift-fixed-list": {
        const r = this.tmp("array");
        this.line(`${types.name(ins.type)} ${r};`);
        ops.forEach((o, i) => this.line(`${r}.val[${i}] = ${o};`));
        return [r];
      }
      case "lower-flags":
        return [`(int32_t) (${ops[0]})`];
      case "lift-flags":
        return [`(${types.name(ins.type)}) (${ops[0]})`];
      case "variant-payload":
        this.payload = this.tmp("payload");
        return [`(*${this.payload})`];
      case "lower-variant":
        return this.lowerVariant(ins, ops[0]);
      case "lift-variant":
        return this.liftVariant(ins, ops[0]);
      case "lower-handle": {
        if (ins.handle === "borrow" && ins.side === "exported") return [`(int32_t) (uintptr_t) (${ops[0]})`];
        return [`(${ops[0]}).__handle`];
      }
      case "lift-handle": {
        const info = types.resource(ins.resource);
        if (ins.handle === "borrow" && ins.side === "exported")
          return [`((${types.name(ins.resource)} *) (uintptr_t) (${ops[0]}))`];
        if (this.autodrop && ins.handle === "borrow") {
          const name = this.tmp("borrow");
          this.borrows.push({ name, drop: info.dropImport });
          this.line(`${name} = ${ops[0]};`);
        }
        return [`(${ins.handle === "own" ? info.own : info.borrow}) { ${ops[0]} }`];
      }
      case "await-subtask":
        this.awaitSubtask(ops[0]);
        return [];
      case "call-async-export":
      case "call-user-async-import":
      case "async-result":
        throw new Error(`a guest has no host-side async glue (${ins.op})`);
      case "call-user-async": {
        const args = this.userArgs(ops);
        const r = this.tmp("ret");
        this.line(`${types.world}_callback_code_t ${r} = ${this.sig!.name}(${args.join(", ")});`);
        if (this.spilledParams !== undefined) this.line(`free(${this.spilledParams});`);
        return [r];
      }
      case "lower-channel":
      case "lower-error-context":
        return [`((int32_t) (${ops[0]}))`];
      case "lift-channel":
      case "lift-error-context":
        return [`((uint32_t) (${ops[0]}))`];
    }
  }

  /** The member of a variant-like value holding case `index`'s payload, and the tag expression. */
  private variantAccess(
    shape: "variant" | "option" | "result" | "enum",
    type: number,
    value: string,
    index: number,
  ): { tag: string; payload: string } {
    if (shape === "option") return { tag: `${value}.is_some`, payload: `${value}.val` };
    if (shape === "result") return { tag: `${value}.is_err`, payload: `${value}.val.${index === 0 ? "ok" : "err"}` };
    const def = this.types.resolve.types[type].kind;
    const name = def.kind === "variant" ? cIdent(def.cases[index].name) : "";
    return { tag: `${value}.tag`, payload: `${value}.val.${name}` };
  }

  private lowerVariant(ins: Extract<Instruction, { op: "lower-variant" }>, value: string): string[] {
    if (ins.shape === "enum") return [`(int32_t) (${value})`];
    const cases = this.cases(ins.type);
    const blocks = this.popBlocks(cases.length);
    const v = this.tmp("variant");
    this.line(`${this.types.name(ins.type)} ${v} = ${value};`);
    const results = ins.results.map((t) => {
      const r = this.tmp("variant");
      this.line(`${coreCType[t]} ${r} = 0;`);
      return r;
    });
    this.line(`switch ((int32_t) ${this.variantAccess(ins.shape, ins.type, v, 0).tag}) {`);
    blocks.forEach((b, i) => {
      this.line(`case ${i}: {`);
      const payloadType = cases[i];
      if (b.payload !== undefined && payloadType !== undefined) {
        const { payload } = this.variantAccess(ins.shape, ins.type, v, i);
        this.line(`${this.types.name(payloadType)} *${b.payload} = &${payload};`);
      }
      this.lines.push(b.code);
      results.forEach((r, j) => this.line(`${r} = ${this.asCore(b.results[j])};`));
      this.line("break;\n}");
    });
    this.line("}");
    return results;
  }

  private liftVariant(ins: Extract<Instruction, { op: "lift-variant" }>, discriminant: string): string[] {
    if (ins.shape === "enum") return [`(${this.types.name(ins.type)}) (${discriminant})`];
    const cases = this.cases(ins.type);
    const blocks = this.popBlocks(cases.length);
    const v = this.tmp("variant");
    this.line(`${this.types.name(ins.type)} ${v};`);
    this.line(`switch ((int32_t) (${discriminant})) {`);
    blocks.forEach((b, i) => {
      this.line(`case ${i}: {`);
      this.lines.push(b.code);
      const { tag, payload } = this.variantAccess(ins.shape, ins.type, v, i);
      this.line(`${tag} = ${ins.shape === "variant" ? i : i === 0 ? "false" : "true"};`);
      if (cases[i] !== undefined && b.results.length === 1) this.line(`${payload} = ${b.results[0]};`);
      this.line("break;\n}");
    });
    this.line("default: __builtin_trap();\n}");
    return [v];
  }

  /**
   * Waits, blocking, until the subtask of an async import call (its packed
   * status `status`) has returned, then drops it.
   */
  private awaitSubtask(status: string): void {
    const w = this.types.world;
    const W = w.toUpperCase();
    const s = this.tmp("status");
    const subtask = this.tmp("subtask");
    const set = this.tmp("set");
    const event = this.tmp("event");
    this.line(`${w}_subtask_status_t ${s} = (${w}_subtask_status_t) (${status});`);
    this.line(`if (${W}_SUBTASK_STATE(${s}) != ${W}_SUBTASK_RETURNED) {`);
    this.line(`${w}_subtask_t ${subtask} = ${W}_SUBTASK_HANDLE(${s});`);
    this.line(`${w}_waitable_set_t ${set} = ${w}_waitable_set_new();`);
    this.line(`${w}_waitable_join(${subtask}, ${set});`);
    this.line(`${w}_event_t ${event};`);
    this.line(`do {\n${w}_waitable_set_wait(${set}, &${event});`);
    this.line(
      `} while (${event}.event != ${W}_EVENT_SUBTASK || ${event}.waitable != ${subtask} || ${event}.code != ${W}_SUBTASK_RETURNED);`,
    );
    this.line(`${w}_waitable_join(${subtask}, 0);\n${w}_subtask_drop(${subtask});\n${w}_waitable_set_drop(${set});\n}`);
  }

  /** The arguments of the user's implementation for the lifted values `ops`, adapted to the C signature. */
  private userArgs(ops: string[]): string[] {
    const sig = this.sig!;
    const types = this.types;
    return sig.params.map((p, i) => {
      if (p.option !== undefined) {
        const o = this.tmp("arg");
        this.line(`${types.name(p.type)} ${o} = ${ops[i]};`);
        return `${o}.is_some ? &${o}.val : NULL`;
      }
      if (p.byPointer) {
        const a = this.tmp("arg");
        this.line(`${types.name(p.type)} ${a} = ${ops[i]};`);
        return `&${a}`;
      }
      return ops[i];
    });
  }

  /** An export's call of the user's implementation, adapting the lifted values to the C signature. */
  private callUser(ops: string[]): string[] {
    const sig = this.sig!;
    const args = this.userArgs(ops);
    const ret = sig.ret;
    const call = (extra: string[]) => `${sig.name}(${[...args, ...extra].join(", ")})`;
    const results = this.callUserWith(ret, call);
    if (this.spilledParams !== undefined) this.line(`free(${this.spilledParams});`);
    return results;
  }

  private callUserWith(ret: CReturn, call: (extra: string[]) => string): string[] {
    const types = this.types;
    switch (ret.kind) {
      case "void":
        this.line(`${call([])};`);
        return [];
      case "scalar": {
        const r = this.tmp("ret");
        this.line(`${types.name(ret.type)} ${r} = ${call([])};`);
        return [r];
      }
      case "pointer": {
        const r = this.tmp("ret");
        this.line(`${types.name(ret.type)} ${r};`);
        this.line(`${call([`&${r}`])};`);
        return [r];
      }
      case "option": {
        const val = this.tmp("val");
        const some = this.tmp("is_some");
        const r = this.tmp("ret");
        this.line(`${types.name(ret.payload)} ${val};`);
        this.line(`bool ${some} = ${call([`&${val}`])};`);
        this.line(`${types.name(ret.option)} ${r};`);
        this.line(`${r}.is_some = ${some};`);
        this.line(`if (${some}) {\n${r}.val = ${val};\n}`);
        return [r];
      }
      case "result": {
        const r = this.tmp("ret");
        const extra: string[] = [];
        let ok: string | undefined;
        let err: string | undefined;
        this.line(`${types.name(ret.result)} ${r};`);
        if (ret.ok !== undefined) {
          ok = this.tmp("ok");
          this.line(`${types.name(ret.ok)} ${ok};`);
          extra.push(`&${ok}`);
        }
        if (ret.err !== undefined) {
          err = this.tmp("err");
          this.line(`${types.name(ret.err)} ${err};`);
          extra.push(`&${err}`);
        }
        this.line(`${r}.is_err = !${call(extra)};`);
        if (err !== undefined) this.line(`if (${r}.is_err) {\n${r}.val.err = ${err};\n}`);
        if (ok !== undefined) this.line(`if (!${r}.is_err) {\n${r}.val.ok = ${ok};\n}`);
        return [r];
      }
    }
  }

  private emitReturn(ops: string[]): void {
    for (const b of this.borrows) this.line(`if (${b.name} != 0) {\n${b.drop}(${b.name});\n}`);
    if (this.mode !== "import") {
      if (ops.length === 1) this.line(`return ${this.asCore(ops[0])};`);
      return;
    }
    const sig = this.sig!;
    const ret = sig.ret;
    switch (ret.kind) {
      case "void":
        return;
      case "scalar":
        this.line(`return ${ops[0]};`);
        return;
      case "pointer":
        this.line(`*ret = ${ops[0]};`);
        return;
      case "option":
        this.line(`if ((${ops[0]}).is_some) {\n*ret = (${ops[0]}).val;\n}`);
        this.line(`return (${ops[0]}).is_some;`);
        return;
      case "result": {
        this.line(`if (!(${ops[0]}).is_err) {`);
        if (ret.ok !== undefined) this.line(`*ret = (${ops[0]}).val.ok;`);
        this.line("return 1;\n} else {");
        if (ret.err !== undefined) this.line(`*err = (${ops[0]}).val.err;`);
        this.line("return 0;\n}");
        return;
      }
    }
  }
}
