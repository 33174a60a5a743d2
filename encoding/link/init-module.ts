/**
 * The init module, instantiated after every library: it fills the function
 * table (the `dlopen`-able functions and the trampolines' targets), writes
 * the `dlopen` tables and the TLS struct into memory, and its start function
 * does what the dynamic-linking conventions leave to the loader, in
 * wit-component's order:
 *
 * 1. the addresses of `dlopen`-able globals into the `dlsym` table,
 * 2. `GOT.mem` globals: `exporter:memory_base + exporter.sym`,
 * 3. each library's `__wasm_apply_data_relocs`,
 * 4. the `__wasm_library_tls_info` addresses into the TLS array,
 * 5. each library's `__wasm_call_ctors` or `_initialize` (between
 *    `__wasm_task_hook(6)` and `__wasm_task_hook(7)` when the main module
 *    exports the task hook).
 *
 * Its imports come from the main module (under a module name that no
 * library has) and from the libraries (under their names).
 */
import { producersSection } from "../metadata.js";
import { ComponentEncodingError } from "../validate.js";
import type { DlOpenables, TlsLayout } from "./env-module.js";
import {
  APPLY_DATA_RELOCS,
  CALL_CTORS,
  INDIRECT_FUNCTION_TABLE,
  INITIALIZE,
  LIBRARY_TLS_INFO,
  MEMORY,
  TASK_HOOK,
  type Metadata,
} from "./metadata.js";
import { Code, ModuleBuilder, type ExternSort, type FunctionType, type ValueType } from "./module.js";
import { offsetExporter, type EnvExport, type Resolved } from "./resolve.js";

/** Arguments of a task hook around constructors. */
const TASK_HOOK_INITIALIZE_START = 6;
const TASK_HOOK_INITIALIZE_FINISH = 7;

export interface InitImport {
  module: string;
  name: string;
  sort: ExternSort;
  /** `undefined` for the main module. */
  library: string | undefined;
}

export interface InitModule {
  wasm: Uint8Array;
  imports: InitImport[];
}

type Pending =
  | { kind: "func"; library: string | undefined; name: string; fn: FunctionType }
  | { kind: "global"; library: string | undefined; name: string; mutable: boolean; ty: ValueType };

/**
 * Collects the init module's imports before anything is defined (the
 * builder needs every import first): `plan` records each use, `build`
 * returns the index of each.
 */
class Imports {
  private list: Pending[] = [];
  private index = new Map<string, number>();

  private key(p: Pending): string {
    return `${p.kind}\u0000${p.library ?? ""}\u0001${p.name}`;
  }

  /** A position in the import list, interned by source and name. */
  use(p: Pending): number {
    const k = this.key(p);
    let i = this.index.get(k);
    if (i === undefined) {
      i = this.list.length;
      this.list.push(p);
      this.index.set(k, i);
    }
    return i;
  }

  /** Adds the imports to `b`, returning for each position its index in its space. */
  build(b: ModuleBuilder, mainModule: string, out: InitImport[]): number[] {
    return this.list.map((p) => {
      const module = p.library ?? mainModule;
      out.push({ module, name: p.name, sort: p.kind, library: p.library });
      if (p.kind === "func") return b.importFunc(module, p.name, b.type(p.fn.params, p.fn.results));
      return b.importGlobal(module, p.name, p.ty, p.mutable);
    });
  }
}

type Action =
  | { kind: "call"; func: number }
  | { kind: "hook"; func: number; arg: number }
  | { kind: "address-to-memory"; memoryBase: number; export: number; address: number }
  | { kind: "address-to-global"; memoryBase: number; export: number; global: number };

const THUNK: FunctionType = { params: [], results: [] };

export function makeInitModule(
  metadata: readonly Metadata[],
  resolved: Map<string, Resolved>,
  envExports: readonly EnvExport[],
  dl: DlOpenables,
  tls: TlsLayout,
  indirectionTableBase: number,
  mainExports: ReadonlySet<string>,
): InitModule | undefined {
  for (const m of metadata) {
    if (m.hasCtors && m.hasInitialize) {
      throw new ComponentEncodingError(
        `library ${m.name} exports both \`${CALL_CTORS}\` and \`${INITIALIZE}\`; expected at most one of the two`,
      );
    }
  }
  const names = new Set(metadata.map((m) => m.name));
  let mainModule = "main";
  while (names.has(mainModule)) mainModule += "_";

  const imports = new Imports();
  const mainGlobal = (name: string, mutable: boolean) =>
    imports.use({ kind: "global", library: undefined, name, mutable, ty: "I32" });
  const libGlobal = (library: string, name: string) =>
    imports.use({ kind: "global", library, name, mutable: false, ty: "I32" });
  const func = (library: string | undefined, name: string, fn: FunctionType) =>
    imports.use({ kind: "func", library, name, fn });

  const abi: Action[] = [];
  const user: Action[] = [];

  for (const g of dl.globalAddresses) {
    const lib = metadata.find((m) => m.name === g.library)!;
    const exp = lib.exports.find((e) => e.name === g.export)!;
    if (exp.ty.kind !== "global" || exp.ty.ty !== "I32") continue;
    const memoryBase = mainGlobal(`${g.library}:memory_base`, false);
    const value = imports.use({
      kind: "global",
      library: g.library,
      name: g.export,
      mutable: exp.ty.mutable,
      ty: "I32",
    });
    abi.push({ kind: "address-to-memory", memoryBase, export: value, address: g.address });
  }
  for (const m of metadata) {
    for (const name of m.memoryAddressImports) {
      const exporter = metadata[offsetExporter(resolved, name).library]!.name;
      const memoryBase = mainGlobal(`${exporter}:memory_base`, false);
      const offset = libGlobal(exporter, name);
      const global = mainGlobal(`${m.name}:${name}`, true);
      abi.push({ kind: "address-to-global", memoryBase, export: offset, global });
    }
  }
  for (const m of metadata) {
    if (m.hasDataRelocs) abi.push({ kind: "call", func: func(m.name, APPLY_DATA_RELOCS, THUNK) });
  }
  for (const m of metadata) {
    if (m.hasCtors) user.push({ kind: "call", func: func(m.name, CALL_CTORS, THUNK) });
    if (m.hasInitialize) user.push({ kind: "call", func: func(m.name, INITIALIZE, THUNK) });
  }
  const dlFunctions = dl.functions.map((f) => func(f.library, f.name, f.fn));
  const indirections = envExports.map((e) => func(metadata[e.exporter]!.name, e.name, e.fn));
  if (tls.libraryInfo !== 0) {
    tls.slots.forEach((slot, i) => {
      if (slot === undefined) return;
      const name = metadata[i]!.name;
      const memoryBase = mainGlobal(`${name}:memory_base`, false);
      const info = libGlobal(name, LIBRARY_TLS_INFO);
      abi.push({ kind: "address-to-memory", memoryBase, export: info, address: tls.libraryInfo + slot * 4 });
    });
  }
  if (user.length > 0 && mainExports.has(TASK_HOOK)) {
    const hook = func(undefined, TASK_HOOK, { params: ["I32"], results: [] });
    user.unshift({ kind: "hook", func: hook, arg: TASK_HOOK_INITIALIZE_START });
    user.push({ kind: "hook", func: hook, arg: TASK_HOOK_INITIALIZE_FINISH });
  }

  const needsDlData = dl.functions.length > 0 || metadata.some((m) => m.dlOpenable || m.needsLibdlLibraries);
  const actions = [...abi, ...user];
  const empty = actions.length === 0 && dlFunctions.length === 0 && indirections.length === 0;
  if (empty && !needsDlData && tls.buffer.length === 0) return undefined;

  const b = new ModuleBuilder();
  const out: InitImport[] = [];
  out.push({ module: mainModule, name: MEMORY, sort: "memory", library: undefined });
  b.importMemory(mainModule, MEMORY, 0);
  out.push({ module: mainModule, name: INDIRECT_FUNCTION_TABLE, sort: "table", library: undefined });
  b.importTable(mainModule, INDIRECT_FUNCTION_TABLE, 0);
  const index = imports.build(b, mainModule, out);

  if (actions.length === 1 && actions[0]!.kind === "call" && abi.length === 0) {
    b.setStart(index[actions[0]!.func]!);
  } else if (actions.length > 0) {
    const code = new Code();
    for (const a of actions) {
      switch (a.kind) {
        case "call":
          code.call(index[a.func]!);
          break;
        case "hook":
          code.i32Const(a.arg).call(index[a.func]!);
          break;
        case "address-to-memory":
          code.i32Const(a.address).globalGet(index[a.memoryBase]!).globalGet(index[a.export]!).i32Add().i32Store();
          break;
        case "address-to-global":
          code.globalGet(index[a.memoryBase]!).globalGet(index[a.export]!).i32Add().globalSet(index[a.global]!);
          break;
      }
    }
    b.setStart(b.func(b.type([], []), code));
  }
  if (dlFunctions.length > 0)
    b.elem(
      dl.tableBase,
      dlFunctions.map((i) => index[i]!),
    );
  if (indirections.length > 0)
    b.elem(
      indirectionTableBase,
      indirections.map((i) => index[i]!),
    );
  if (needsDlData) b.data({ i32: dl.memoryBase }, dl.buffer);
  if (tls.buffer.length > 0) b.data({ i32: tls.programInfo }, tls.buffer);
  b.custom("producers", producersSection());
  return { wasm: b.finish(), imports: out };
}
