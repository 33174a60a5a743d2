/**
 * Function glue for Rust guests: turns the canonical-ABI walk of a function
 * into the body of an import wrapper (lower the arguments, call the core
 * import, lift the results), of an export shim (lift the arguments, call the
 * user's trait method, lower the results into the return area) or of an
 * export's post-return function (free what the results own).
 *
 * Operands are Rust expressions; anything but a name or a literal is bound
 * to a `_`-prefixed temporary first. Values lowered by an import wrapper may
 * be references (parameters are borrowed): the `_rt::as_i32`-style helpers,
 * method calls and match ergonomics accept both.
 */
import type { AbiEmitter, Instruction, MemoryAccess, MemoryStore, ScalarType } from "../../ir/abi/instructions.js";
import type { CoreType } from "../../ir/abi/layout.js";
import type { Function, Type, TypeId } from "../../ir/types.js";
import { camelCase, rustIdent, typeName } from "./naming.js";
import { RustSource } from "./source.js";
import type { RustTypes } from "./types.js";

export type GlueKind = "import" | "export" | "post-return";

export interface GlueTarget {
  kind: GlueKind;
  func: Function;
  /** Arguments: the wrapper's parameter expressions (imports) or core parameter names (exports). */
  args: string[];
  /** Imports: the core import to call. */
  module?: string;
  field?: string;
  /** Exports: the Rust expression calling the user's code with the lifted arguments. */
  callUser?(args: string[]): [callee: string, args: string[], tail: string];
  /** Async exports: the function (in the shim's module) that hands the result to `task.return`. */
  taskReturn?: string;
  /**
   * Imports: the parameters are the wrapper's borrowed ones, so the types
   * named in lowering them are the `Param` definitions when a type has two.
   */
  borrowedParams?: boolean;
  edition2024: boolean;
}

interface Block {
  out: RustSource;
  results: string[];
  element?: string;
  base?: string;
  payload?: string;
  entry?: [string, string];
}

const coreRust: Record<CoreType, string> = { i32: "i32", i64: "i64", f32: "f32", f64: "f64" };

const loadType: Record<MemoryAccess, [string, boolean]> = {
  "i32.load8_u": ["u8", true],
  "i32.load8_s": ["i8", true],
  "i32.load16_u": ["u16", true],
  "i32.load16_s": ["i16", true],
  "i32.load": ["i32", false],
  "i64.load": ["i64", false],
  "f32.load": ["f32", false],
  "f64.load": ["f64", false],
};

const storeType: Record<MemoryStore, [string, string]> = {
  "i32.store8": ["u8", " as u8"],
  "i32.store16": ["u16", " as u16"],
  "i32.store": ["i32", ""],
  "i64.store": ["i64", ""],
  "f32.store": ["f32", ""],
  "f64.store": ["f64", ""],
};

const scalarSize: Partial<Record<ScalarType, string>> = {
  u8: "u8",
  s8: "i8",
  u16: "u16",
  s16: "i16",
  u32: "u32",
  s32: "i32",
  u64: "u64",
  s64: "i64",
  f32: "f32",
  f64: "f64",
};

export class RustGlue implements AbiEmitter<string> {
  private blocks: Block[] = [];
  private finished: Block[] = [];
  private counter = 0;
  /** Operands that are `*mut u8` rather than core `i32` values. */
  private readonly pointers = new Set<string>();
  private usesCleanup = false;
  private usesBorrows = false;
  private paramsArea: { pointer: string; size: number; align: number } | undefined;
  /** How the parameters of a borrowing import name the types with two names. */
  private paramNames: Map<TypeId, Set<boolean>> | undefined;
  /** Operands to take by reference when calling the user (borrowed imported handles). */
  readonly body = new RustSource();

  constructor(
    private readonly types: RustTypes,
    private readonly target: GlueTarget,
  ) {
    this.blocks.push({ out: this.body, results: [] });
  }

  /** The finished body, with the cleanup list declared when lists were lent to an import. */
  finish(): RustSource {
    if (!this.usesCleanup && !this.usesBorrows) return this.body;
    const out = new RustSource();
    const vec = this.rt("Vec");
    if (this.usesCleanup) out.line(`let mut _cleanup: ${vec}<(*mut u8, usize, usize)> = ${vec}::new();`);
    if (this.usesBorrows) out.line(`let mut _borrows: ${vec}<(*mut u8, unsafe fn(*mut u8))> = ${vec}::new();`);
    out.append(this.body);
    return out;
  }

  private get out(): RustSource {
    return this.blocks[this.blocks.length - 1].out;
  }

  private get block(): Block {
    return this.blocks[this.blocks.length - 1];
  }

  private tmp(prefix = "t"): string {
    return `_${prefix}${this.counter++}`;
  }

  private bind(expr: string, prefix = "t"): string {
    if (/^_?[A-Za-z0-9_]+$/.test(expr)) return expr;
    const name = this.tmp(prefix);
    this.out.assign(`let ${name}`, `${expr}`);
    return name;
  }

  private pointer(operand: string): string {
    return this.pointers.has(operand) ? operand : `(${operand} as *mut u8)`;
  }

  private core(operand: string): string {
    return this.pointers.has(operand) ? `${operand} as i32` : operand;
  }

  private rt(item: string): string {
    return this.types.rtItem(item);
  }

  pushBlock(): void {
    this.blocks.push({ out: new RustSource(), results: [] });
  }

  finishBlock(results: string[]): void {
    const block = this.blocks.pop()!;
    block.results = results;
    this.finished.push(block);
  }

  private takeBlocks(n: number): Block[] {
    return this.finished.splice(this.finished.length - n);
  }

  /** The path of named type `id`: its owned definition, or the one lowering borrowed parameters names. */
  private typePath(id: TypeId, lowering = false): string {
    let owned = true;
    if (lowering && this.target.borrowedParams === true && this.types.usesTwoNames(id)) {
      this.paramNames ??= this.types.paramTypeNames(this.target.func.params.map((p) => p.type));
      const met = this.paramNames.get(id);
      // Met only owned (inside a type holding an `own` handle): its `Result`; otherwise its `Param`.
      owned = met !== undefined && met.size === 1 && met.has(true);
    }
    return this.types.typePath(id, this.types.nameOf(id, owned));
  }

  emit(inst: Instruction, ops: string[]): string[] {
    const out = this.out;
    switch (inst.op) {
      case "argument":
        return [this.target.args[inst.index]];
      case "const":
        return [constant(inst.type, inst.value)];
      case "coerce":
        return [this.bind(coerce(ops[0], inst.from, inst.to))];
      case "call-core":
        return this.callCore(inst.signature.params, inst.signature.results, ops);
      case "call-user": {
        if (this.paramsArea) {
          const { pointer, size, align } = this.paramsArea;
          out.line(`${this.rt("cabi_dealloc")}(${pointer}, ${size}, ${align});`);
        }
        const [callee, args, tail] = this.target.callUser!(ops);
        let results: string[] = [];
        if (this.target.func.result === undefined) out.list(callee, args, `${tail};`, "call");
        else {
          results = [this.tmp("ret")];
          out.list(`let ${results[0]} = ${callee}`, args, `${tail};`, "call");
        }
        if (this.usesBorrows) this.dropBorrows();
        return results;
      }
      case "return":
        if (this.usesCleanup && this.target.kind === "import") {
          out.open("for (ptr, size, align) in _cleanup {");
          out.line(`${this.rt("cabi_dealloc")}(ptr, size, align);`);
          out.close();
        }
        if (inst.count === 1) out.line(this.target.kind === "export" ? this.core(ops[0]) : ops[0]);
        return [];
      case "alloc-params":
      case "post-return":
        throw new Error(`a guest has no ${inst.op} glue`);
      case "scratch-area": {
        const name = this.tmp("ptr");
        const size = Math.max(inst.size, 1);
        const struct = `_RetArea${this.counter++}`;
        out.line(`#[repr(align(${inst.align}))]`);
        out.line(`struct ${struct}([::core::mem::MaybeUninit<u8>; ${size}]);`);
        if (this.target.kind === "export") {
          const area = `_RET_AREA${this.counter++}`;
          out.assign(`static mut ${area}: ${struct}`, `${struct}([::core::mem::MaybeUninit::uninit(); ${size}])`);
          out.assign(`let ${name}`, `::core::ptr::addr_of_mut!(${area}).cast::<u8>()`);
        } else {
          const area = this.tmp("area");
          out.line(`let mut ${area} = ${struct}([::core::mem::MaybeUninit::uninit(); ${size}]);`);
          out.assign(`let ${name}`, `${area}.0.as_mut_ptr().cast::<u8>()`);
        }
        this.pointers.add(name);
        return [name];
      }
      case "check-pointer": {
        const name = this.tmp("ptr");
        out.assign(`let ${name}`, `${ops[0]} as *mut u8`);
        this.pointers.add(name);
        if (inst.what === "parameters" && this.target.kind === "export")
          this.paramsArea = { pointer: name, size: inst.size, align: inst.align };
        return [name];
      }
      case "load": {
        const [ty, widen] = loadType[inst.access];
        const read = `*${this.at(ops[0], inst.offset)}.cast::<${ty}>()`;
        const name = this.tmp();
        out.assign(`let ${name}`, widen ? `i32::from(${read})` : read);
        return [name];
      }
      case "store": {
        const [ty, cast] = storeType[inst.access];
        out.line(`*${this.at(ops[1], inst.offset)}.cast::<${ty}>() = ${ops[0]}${cast};`);
        return [];
      }
      case "lower-scalar":
        return [this.bind(lowerScalar(inst.type, ops[0], this.rt.bind(this)))];
      case "lift-scalar":
        return [this.bind(liftScalar(inst.type, ops[0], this.rt.bind(this)))];
      case "lower-string": {
        if (inst.encoding !== "utf8") throw new Error("Rust guests use UTF-8 strings");
        return this.lowerContiguous(ops[0], inst.owned, !this.types.rawStrings);
      }
      case "lift-string": {
        const name = this.tmp();
        out.assign(
          `let ${name}`,
          this.types.rawStrings
            ? `${this.rt("list_lift")}::<u8>(${ops[0]} as *mut u8, ${ops[1]} as usize)`
            : `${this.rt("string_lift")}(${ops[0]} as *mut u8, ${ops[1]} as usize)`,
        );
        return [name];
      }
      case "lower-list":
        if (inst.scalar !== undefined) return this.lowerContiguous(ops[0], inst.owned, false);
        return this.lowerList(ops[0], inst.elementSize, inst.elementAlign, inst.owned, false);
      case "lower-map":
        return this.lowerList(ops[0], inst.entrySize, inst.entryAlign, inst.owned, true);
      case "lift-list": {
        if (inst.scalar !== undefined) {
          const name = this.tmp();
          const ty = scalarSize[inst.scalar]!;
          out.assign(`let ${name}`, `${this.rt("list_lift")}::<${ty}>(${ops[0]} as *mut u8, ${ops[1]} as usize)`);
          return [name];
        }
        return this.liftList(ops, inst.elementSize, inst.elementAlign, false);
      }
      case "lift-map":
        return this.liftList(ops, inst.entrySize, inst.entryAlign, true);
      case "list-base": {
        const name = this.tmp("base");
        this.pointers.add(name);
        this.block.base = name;
        return [name];
      }
      case "list-element": {
        const name = this.tmp("e");
        this.block.element = name;
        return [name];
      }
      case "map-entry": {
        const entry: [string, string] = [this.tmp("k"), this.tmp("v")];
        this.block.entry = entry;
        return entry;
      }
      case "lower-record": {
        const def = this.types.resolve.types[inst.type].kind;
        if (def.kind !== "record") throw new Error("lower-record of a non-record");
        const names = def.fields.map(() => this.tmp());
        if (names.length === 0) {
          out.line(`let ${this.typePath(inst.type, true)} {} = ${ops[0]};`);
          return names;
        }
        out.list(
          `let ${this.typePath(inst.type, true)} `,
          def.fields.map((f, i) => `${rustIdent(f.name)}: ${names[i]}`),
          ` = ${ops[0]};`,
          "struct",
          "{ ",
          " }",
        );
        return names;
      }
      case "lift-record": {
        const def = this.types.resolve.types[inst.type].kind;
        if (def.kind !== "record") throw new Error("lift-record of a non-record");
        const name = this.tmp();
        if (def.fields.length === 0) out.assign(`let ${name}`, `${this.typePath(inst.type)} {}`);
        else
          out.list(
            `let ${name} = ${this.typePath(inst.type)} `,
            def.fields.map((f, i) => `${rustIdent(f.name)}: ${ops[i]}`),
            ";",
            "struct",
            "{ ",
            " }",
          );
        return [name];
      }
      case "lower-tuple":
      case "lower-fixed-list": {
        const count = inst.op === "lower-tuple" ? this.tupleLength(inst.type) : inst.length;
        const names = Array.from({ length: count }, () => this.tmp());
        const [open, close] = inst.op === "lower-tuple" ? ["(", count === 1 ? ",)" : ")"] : ["[", "]"];
        const pattern = `let ${open}${names.join(", ")}${close}`;
        if ((this.blocks.length + 3) * 4 + pattern.length + 2 <= 100) out.assign(pattern, ops[0]);
        else out.list("let ", names, ` = ${ops[0]};`, inst.op === "lower-tuple" ? "params" : "call", open, close);
        return names;
      }
      case "lift-tuple":
      case "lift-fixed-list": {
        const name = this.tmp();
        const [open, close] = inst.op === "lift-tuple" ? ["(", ops.length === 1 ? ",)" : ")"] : ["[", "]"];
        out.list(`let ${name} = `, ops, ";", inst.op === "lift-tuple" ? "call" : "array", open, close);
        return [name];
      }
      case "lower-flags":
        return [this.bind(`${/^\w+$/.test(ops[0]) ? ops[0] : `(${ops[0]})`}.bits() as i32`)];
      case "lift-flags": {
        const def = this.types.resolve.types[inst.type].kind;
        const count = def.kind === "flags" ? def.flags.length : 32;
        const repr = count <= 8 ? "u8" : count <= 16 ? "u16" : "u32";
        return [this.bind(`${this.typePath(inst.type)}::from_bits_retain(${ops[0]} as ${repr})`)];
      }
      case "variant-payload": {
        const name = this.tmp("e");
        this.block.payload = name;
        return [name];
      }
      case "lower-variant":
        return this.lowerVariant(inst, ops[0]);
      case "lift-variant":
        return this.liftVariant(inst, ops[0]);
      case "lower-handle": {
        if (inst.handle === "borrow" && inst.side === "exported")
          throw new Error("lending a borrow of an exported resource to an import is not supported");
        const method = inst.handle === "own" ? "take_handle" : "handle";
        return [this.bind(`(${ops[0]}).${method}() as i32`)];
      }
      case "lift-handle": {
        const resource = this.typePath(inst.resource);
        if (inst.handle === "own") return [this.bind(`${resource}::from_handle(${ops[0]} as u32)`)];
        if (inst.side === "exported") {
          const borrow = this.types.typePath(
            inst.resource,
            `${typeName(this.types.resolve.types[inst.resource].name!)}Borrow`,
          );
          return [this.bind(`${borrow}::lift(${ops[0]} as u32 as usize as *const u8)`)];
        }
        const name = this.tmp("handle");
        if (this.blocks.length === 1) {
          out.assign(`let ${name}`, `${resource}::from_handle(${ops[0]} as u32)`);
          return [`&${name}`];
        }
        // Nested in a block, the handle must outlive it: it is boxed, and dropped after the call.
        this.usesBorrows = true;
        const box = this.rt("Box");
        out.assign(`let ${name}`, `${box}::into_raw(${box}::new(${resource}::from_handle(${ops[0]} as u32)))`);
        out.line(`_borrows.push((${name}.cast::<u8>(), ${this.rt("drop_box")}::<${resource}>));`);
        return [this.bind(`&*${name}`)];
      }
      case "dealloc-string":
        out.line(`${this.rt("cabi_dealloc")}(${ops[0]} as *mut u8, ${ops[1]} as usize, 1);`);
        return [];
      case "dealloc-list": {
        const pointer = this.bind(`${ops[0]} as *mut u8`, "ptr");
        const length = this.bind(`${ops[1]} as usize`, "len");
        if (inst.elements) {
          const [block] = this.takeBlocks(1);
          const index = this.tmp("i");
          out.open(`for ${index} in 0..${length} {`);
          out.assign(`let ${block.base}`, `${pointer}.add(${index} * ${inst.elementSize})`);
          out.append(block.out);
          out.close();
        }
        out.line(`${this.rt("cabi_dealloc")}(${pointer}, ${length} * ${inst.elementSize}, ${inst.elementAlign});`);
        return [];
      }
      case "dealloc-variant": {
        const cases = this.variantCaseCount(inst.type);
        const blocks = this.takeBlocks(cases);
        out.open(`match ${ops[0]} {`);
        blocks.forEach((b, i) => {
          if (b.out.empty) return;
          out.open(`${i} => {`);
          out.append(b.out);
          out.close();
        });
        out.line("_ => {}");
        out.close();
        return [];
      }
      case "await-subtask":
        out.line(`${this.rt("async_support")}::await_subtask(${ops[0]} as u32).await;`);
        return [];
      case "call-user-async":
        return this.callUserAsync(ops);
      case "call-async-export":
      case "call-user-async-import":
      case "async-result":
        throw new Error(`a guest has no host-side async glue (${inst.op})`);
      case "lower-channel":
        return [this.bind(`(${ops[0]}).take_handle() as i32`)];
      case "lift-channel": {
        const camel = inst.kind === "future" ? "Future" : "Stream";
        // The payload type is inferred from where the lifted value goes.
        const vtable = `${this.types.rootPath(`wit_${inst.kind}`)}::vtable()`;
        return [this.bind(`${this.rt("async_support")}::${camel}Reader::new(${ops[0]} as u32, ${vtable})`)];
      }
      case "lower-error-context": {
        // A returned or written error context must outlive the glue: its handle is given up.
        const method = this.target.kind === "import" ? "handle" : "take_handle";
        return [this.bind(`(${ops[0]}).${method}() as i32`)];
      }
      case "lift-error-context":
        return [this.bind(`${this.rt("async_support")}::ErrorContext::from_handle(${ops[0]} as u32)`)];
    }
  }

  /** Starts the task that runs the user's async function and hands its result to `task.return`. */
  private callUserAsync(ops: string[]): string[] {
    const out = this.out;
    if (this.paramsArea) {
      const { pointer, size, align } = this.paramsArea;
      out.line(`${this.rt("cabi_dealloc")}(${pointer}, ${size}, ${align});`);
    }
    const [callee, args, tail] = this.target.callUser!(ops);
    const code = this.tmp("ret");
    out.open(`let ${code} = ${this.rt("async_support")}::start_task(async move {`);
    if (this.target.func.result === undefined) {
      out.list(callee, args, `${tail}.await;`, "call");
      if (this.usesBorrows) this.dropBorrows();
      out.line(`${this.target.taskReturn!}();`);
    } else {
      out.list(`let _result = ${callee}`, args, `${tail}.await;`, "call");
      if (this.usesBorrows) this.dropBorrows();
      out.line(`${this.target.taskReturn!}(_result);`);
    }
    out.close("});");
    return [code];
  }

  private dropBorrows(): void {
    this.out.open("for (handle, drop) in _borrows {");
    this.out.line("drop(handle);");
    this.out.close();
  }

  private at(base: string, offset: number): string {
    const p = this.pointer(base);
    return offset === 0 ? p : `${p}.add(${offset})`;
  }

  private tupleLength(id: TypeId): number {
    const def = this.types.resolve.types[this.types.layout.dealias(id) as TypeId].kind;
    return def.kind === "tuple" ? def.types.length : 0;
  }

  private variantCaseCount(id: TypeId): number {
    const kind = this.types.resolve.types[id].kind;
    switch (kind.kind) {
      case "variant":
        return kind.cases.length;
      case "enum":
        return kind.cases.length;
      default:
        return 2;
    }
  }

  private callCore(params: CoreType[], results: CoreType[], ops: string[]): string[] {
    const out = this.out;
    const signature = `(${params.map((p) => `_: ${coreRust[p]}`).join(", ")})`;
    const ret = results.length === 0 ? "" : ` -> ${coreRust[results[0]]}`;
    out.line('#[cfg(target_arch = "wasm32")]');
    out.line(`#[link(wasm_import_module = ${JSON.stringify(this.target.module)})]`);
    out.open(this.target.edition2024 ? 'unsafe extern "C" {' : 'extern "C" {');
    out.line(`#[link_name = ${JSON.stringify(this.target.field)}]`);
    out.list(
      "fn _wit_import",
      params.map((p) => `_: ${coreRust[p]}`),
      `${ret};`,
      "params",
    );
    out.close();
    out.line('#[cfg(not(target_arch = "wasm32"))]');
    out.list(
      'unsafe extern "C" fn _wit_import',
      params.map((p) => `_: ${coreRust[p]}`),
      `${ret} {`,
      "params",
    );
    void signature;
    out.shift(1);
    out.line("unreachable!()");
    out.close();
    const args = ops.map((o) => this.core(o));
    if (results.length === 0) {
      out.list("_wit_import", args, ";", "call");
      return [];
    }
    const name = this.tmp("ret");
    out.list(`let ${name} = _wit_import`, args, ";", "call");
    return [name];
  }

  /** A string or a list of numbers: its own bytes are lent (imports) or handed over (export results). */
  private lowerContiguous(value: string, owned: boolean, string: boolean): string[] {
    const out = this.out;
    const vec = this.tmp("vec");
    if (owned) out.line(`let ${vec} = ${string ? `(${value}.into_bytes())` : `(${value})`}.into_boxed_slice();`);
    else out.assign(`let ${vec}`, `${value}`);
    const ptr = this.tmp("ptr");
    const len = this.tmp("len");
    out.assign(`let ${ptr}`, `${vec}.as_ptr().cast::<u8>() as i32`);
    out.assign(`let ${len}`, `${vec}.len() as i32`);
    if (owned) out.line(`::core::mem::forget(${vec});`);
    return [ptr, len];
  }

  private lowerList(value: string, size: number, align: number, owned: boolean, map: boolean): string[] {
    const out = this.out;
    const [block] = this.takeBlocks(1);
    const vec = this.tmp("vec");
    const len = this.tmp("len");
    const result = this.tmp("result");
    out.assign(`let ${vec}`, `${value}`);
    out.assign(`let ${len}`, `${vec}.len()`);
    out.assign(`let ${result}`, `${this.rt("alloc_list")}(${len} * ${size}, ${align})`);
    const index = this.tmp("i");
    const item = map ? `(${block.entry![0]}, ${block.entry![1]})` : block.element!;
    out.open(`for (${index}, ${item}) in ${vec}.into_iter().enumerate() {`);
    out.assign(`let ${block.base}`, `${result}.add(${index} * ${size})`);
    out.append(block.out);
    out.close();
    if (!owned) {
      this.usesCleanup = true;
      out.line(`_cleanup.push((${result}, ${len} * ${size}, ${align}));`);
    }
    return [this.bind(`${result} as i32`, "ptr"), this.bind(`${len} as i32`, "len")];
  }

  private liftList(ops: string[], size: number, align: number, map: boolean): string[] {
    const out = this.out;
    const [block] = this.takeBlocks(1);
    const base = this.tmp("base");
    const len = this.tmp("len");
    const result = this.tmp("result");
    out.assign(`let ${base}`, `${ops[0]} as *mut u8`);
    out.assign(`let ${len}`, `${ops[1]} as usize`);
    out.line(
      map
        ? `let mut ${result} = ${this.types.mapType()}::new();`
        : `let mut ${result} = ${this.rt("Vec")}::with_capacity(${len});`,
    );
    const index = this.tmp("i");
    out.open(`for ${index} in 0..${len} {`);
    out.assign(`let ${block.base}`, `${base}.add(${index} * ${size})`);
    out.append(block.out);
    if (map) out.line(`${result}.insert(${block.results[0]}, ${block.results[1]});`);
    else out.line(`${result}.push(${block.results[0]});`);
    out.close();
    out.line(`${this.rt("cabi_dealloc")}(${base}, ${len} * ${size}, ${align});`);
    return [result];
  }

  /** The patterns and constructors of a variant-like type's cases. */
  private cases(
    type: TypeId,
    shape: string,
    lowering: boolean,
  ): { pattern: (payload: string | undefined) => string; build: (payload: string | undefined) => string }[] {
    if (shape === "option")
      return [
        { pattern: () => "None", build: () => "None" },
        { pattern: (p) => `Some(${p ?? "_"})`, build: (p) => `Some(${p})` },
      ];
    if (shape === "result")
      return ["Ok", "Err"].map((c) => ({
        pattern: (p) => `${c}(${p ?? "_"})`,
        build: (p) => `${c}(${p ?? "()"})`,
      }));
    const def = this.types.resolve.types[type].kind;
    const path = this.typePath(type, lowering);
    const names = def.kind === "variant" || def.kind === "enum" ? def.cases.map((c) => c.name) : [];
    return names.map((n) => ({
      pattern: (p) => (p === undefined ? `${path}::${camelCase(n)}` : `${path}::${camelCase(n)}(${p})`),
      build: (p) => (p === undefined ? `${path}::${camelCase(n)}` : `${path}::${camelCase(n)}(${p})`),
    }));
  }

  private lowerVariant(inst: Extract<Instruction, { op: "lower-variant" }>, value: string): string[] {
    const out = this.out;
    const cases = this.cases(inst.type, inst.shape, true);
    if (inst.shape === "enum") {
      const name = this.tmp();
      out.open(`let ${name} = match ${value} {`);
      cases.forEach((c, i) => out.line(`${c.pattern(undefined)} => ${i}i32,`));
      out.close("};");
      return [name];
    }
    const blocks = this.takeBlocks(cases.length);
    const results = inst.results.map(() => this.tmp());
    const head =
      results.length === 0
        ? "match"
        : results.length === 1
          ? `let ${results[0]} = match`
          : `let (${results.join(", ")}) = match`;
    out.open(`${head} ${value} {`);
    blocks.forEach((b, i) => {
      const pattern = cases[i].pattern(b.payload);
      const yielded =
        b.results.length === 0 ? undefined : b.results.length === 1 ? b.results[0] : `(${b.results.join(", ")})`;
      if (b.out.empty) {
        out.line(`${pattern} => ${yielded ?? "{}"},`);
        return;
      }
      out.open(`${pattern} => {`);
      out.append(b.out);
      if (yielded !== undefined) out.line(yielded);
      out.close();
    });
    out.close(results.length === 0 ? "}" : "};");
    return results;
  }

  private liftVariant(inst: Extract<Instruction, { op: "lift-variant" }>, discriminant: string): string[] {
    const out = this.out;
    const name = this.tmp();
    if (inst.shape === "enum") {
      const def = this.types.resolve.types[inst.type].kind;
      const count = def.kind === "enum" ? def.cases.length : 0;
      const repr = count <= 256 ? "u8" : count <= 65536 ? "u16" : "u32";
      out.assign(`let ${name}`, `${this.typePath(inst.type)}::_lift(${discriminant} as ${repr})`);
      return [name];
    }
    const cases = this.cases(inst.type, inst.shape, false);
    const blocks = this.takeBlocks(cases.length);
    out.open(`let ${name} = match ${discriminant} {`);
    blocks.forEach((b, i) => {
      const value = cases[i].build(b.results[0]);
      if (b.out.empty) {
        out.line(`${i} => ${value},`);
        return;
      }
      out.open(`${i} => {`);
      out.append(b.out);
      out.line(value);
      out.close();
    });
    out.arm("_", [`${this.rt("invalid_enum_discriminant")}()`]);
    out.close("};");
    return [name];
  }
}

function constant(type: CoreType, value: number): string {
  switch (type) {
    case "i32":
      return `${value}i32`;
    case "i64":
      return `${value}i64`;
    case "f32":
      return `${value}.0f32`;
    case "f64":
      return `${value}.0f64`;
  }
}

function coerce(value: string, from: CoreType, to: CoreType): string {
  switch (`${from}->${to}`) {
    case "f32->i32":
      return `${value}.to_bits() as i32`;
    case "i32->f32":
      return `f32::from_bits(${value} as u32)`;
    case "i32->i64":
      return `i64::from(${value} as u32)`;
    case "i64->i32":
      return `${value} as i32`;
    case "f32->i64":
      return `i64::from(${value}.to_bits())`;
    case "i64->f32":
      return `f32::from_bits(${value} as u32)`;
    case "f64->i64":
      return `${value}.to_bits() as i64`;
    case "i64->f64":
      return `f64::from_bits(${value} as u64)`;
    default:
      throw new Error(`no coercion from ${from} to ${to}`);
  }
}

function lowerScalar(type: ScalarType, value: string, rt: (item: string) => string): string {
  switch (type) {
    case "u64":
    case "s64":
      return `${rt("as_i64")}(${value})`;
    case "f32":
      return `${rt("as_f32")}(${value})`;
    case "f64":
      return `${rt("as_f64")}(${value})`;
    default:
      return `${rt("as_i32")}(${value})`;
  }
}

function liftScalar(type: ScalarType, value: string, rt: (item: string) => string): string {
  switch (type) {
    case "bool":
      return `${rt("bool_lift")}(${value} as u8)`;
    case "char":
      return `${rt("char_lift")}(${value} as u32)`;
    case "s32":
    case "s64":
    case "f32":
    case "f64":
      return value;
    default:
      return `${value} as ${scalarSize[type]}`;
  }
}

export type { Type };
