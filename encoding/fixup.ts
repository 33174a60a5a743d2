/**
 * The fixup module: the last core module a wrapped component instantiates.
 * It fills the shim module's trampolines with the real functions, now that
 * every module exists (an active element segment into the shim's table, or,
 * with `return_call_ref` trampolines, `global.set`s in its start function),
 * and runs the main module's `_initialize`.
 *
 * When the main module exports `__wasm_task_hook` (wit-component's task
 * hooks), it also defines a wrapper around each core function the component
 * calls into the module through: lifted exports, their post-returns and
 * callbacks, the reallocs used as canonical options, and resource
 * destructors. A wrapper calls the hook with a start code, the function, and
 * the hook with an end code; `_initialize` is bracketed the same way. The
 * wrappers are exported as `hook<N>` and used instead of the raw exports.
 */
import type { CoreFuncType } from "./core-module.js";
import { SHIM_TABLE, TypeTable } from "./shim.js";
import { ByteWriter } from "./writer.js";

/** wit-component's task hook codes (the argument of `__wasm_task_hook`). */
export const TaskHook = {
  SyncStart: 0,
  SyncFinish: 1,
  AsyncStart: 2,
  AsyncResume: 3,
  AsyncBlock: 4,
  AsyncFinish: 5,
  InitializeStart: 6,
  InitializeFinish: 7,
  ResourceDtorStart: 8,
  ResourceDtorFinish: 9,
  PostReturnStart: 10,
  PostReturnFinish: 11,
  ReallocStart: 12,
  ReallocFinish: 13,
} as const;

/** A core function wrapped with task hooks. */
export interface HookedFunc {
  /** What is wrapped: the fixup's import `name` (from the main module or an adapter), or trampoline slot `slot`'s real function. */
  wraps: { name: string } | { slot: number };
  sig: CoreFuncType;
  start: number;
  /** The end code, or `"async"`: the callback code returned picks AsyncBlock (non-zero) or AsyncFinish (zero). */
  end: number | "async";
  /** Exported as `hook<N>` (its index among the hooked functions). */
  exported: boolean;
}

export interface FixupSpec {
  /** The signature of each trampoline slot; slot i's real function is imported as "" "i". */
  signatures: CoreFuncType[];
  /** Slot i is filled with hooked function `slotHooks[i]` instead of its import. */
  slotHooks?: Map<number, number>;
  /** Call `_initialize` (imported as "" "_initialize"). */
  initialize: boolean;
  /** The shim holds its functions in globals "g<i>" (`return_call_ref`), not in a table. */
  returnCallRef: boolean;
  /** With a task hook (imported as "" "__wasm_task_hook"): the wrappers to define. */
  hooked?: HookedFunc[];
}

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
/** The names the fixup module imports from its single argument instance "", in order. */
export function fixupImports(spec: FixupSpec): { name: string; sort: "func" | "table" | "global" }[] {
  const out: { name: string; sort: "func" | "table" | "global" }[] = [];
  spec.signatures.forEach((_, i) => out.push({ name: String(i), sort: "func" }));
  if (spec.initialize) out.push({ name: "_initialize", sort: "func" });
  if (spec.hooked) {
    out.push({ name: "__wasm_task_hook", sort: "func" });
    for (const name of wrappedNames(spec.hooked)) out.push({ name, sort: "func" });
  }
  if (spec.signatures.length > 0) {
    if (spec.returnCallRef) spec.signatures.forEach((_, i) => out.push({ name: `g${i}`, sort: "global" }));
    else out.push({ name: SHIM_TABLE, sort: "table" });
  }
  return out;
}

/** The distinct named functions the wrappers wrap, in first-use order. */
function wrappedNames(hooked: HookedFunc[]): string[] {
  const names: string[] = [];
  for (const h of hooked) if ("name" in h.wraps && !names.includes(h.wraps.name)) names.push(h.wraps.name);
  return names;
}

/** Whether a fixup module is needed at all. */
export function needsFixup(spec: FixupSpec): boolean {
  return spec.signatures.length > 0 || spec.initialize || (spec.hooked?.length ?? 0) > 0;
}

export function fixupModule(spec: FixupSpec): Uint8Array {
  const { signatures, returnCallRef } = spec;
  const n = signatures.length;
  const hooked = spec.hooked ?? [];
  const hasHook = spec.hooked !== undefined;
  const types = new TypeTable();
  const thunk = types.of({ params: [], results: [] });
  const hookType = types.of({ params: ["i32"], results: [] });

  // Function index space: the slots' real functions, `_initialize`, the
  // hook, the wrapped functions; then the wrappers and the start function.
  const imports = new ByteWriter();
  let importCount = 0;
  let funcs = 0;
  const importFunc = (name: string, type: number) => {
    imports.name("").name(name).byte(0x00).u32(type);
    importCount++;
    return funcs++;
  };
  const slotFuncs = signatures.map((s, i) => importFunc(String(i), types.of(s)));
  const init = spec.initialize ? importFunc("_initialize", thunk) : undefined;
  const hook = hasHook ? importFunc("__wasm_task_hook", hookType) : undefined;
  const wrapped = new Map<string, number>();
  for (const name of wrappedNames(hooked)) {
    const h = hooked.find((x) => "name" in x.wraps && x.wraps.name === name)!;
    wrapped.set(name, importFunc(name, types.of(h.sig)));
  }
  if (n > 0) {
    if (returnCallRef) {
      signatures.forEach((s, i) => {
        imports.name("").name(`g${i}`).byte(0x03).byte(0x64).sleb(types.of(s)).byte(0x01);
        importCount++;
      });
    } else {
      imports.name("").name(SHIM_TABLE).byte(0x01).byte(0x70).byte(0x01).u32(n).u32(n);
      importCount++;
    }
  }

  const defined: { type: number; body: ByteWriter }[] = [];
  const wrapperFuncs = hooked.map((h) => {
    const target = "slot" in h.wraps ? slotFuncs[h.wraps.slot]! : wrapped.get(h.wraps.name)!;
    const params = h.sig.params.length;
    const body = new ByteWriter();
    if (h.end === "async") body.u32(1).u32(1).byte(0x7f);
    else body.u32(0);
    body.byte(0x41).sleb(h.start).byte(0x10).u32(hook!);
    for (let p = 0; p < params; p++) body.byte(0x20).u32(p);
    body.byte(0x10).u32(target);
    if (h.end === "async") {
      body.byte(0x21).u32(params);
      body.byte(0x41).sleb(TaskHook.AsyncBlock).byte(0x41).sleb(TaskHook.AsyncFinish);
      body.byte(0x20).u32(params).byte(0x1b).byte(0x10).u32(hook!).byte(0x20).u32(params);
    } else body.byte(0x41).sleb(h.end).byte(0x10).u32(hook!);
    body.byte(0x0b);
    defined.push({ type: types.of(h.sig), body });
    return funcs++;
  });
  const fill = (i: number) => {
    const h = spec.slotHooks?.get(i);
    return h === undefined ? slotFuncs[i]! : wrapperFuncs[h]!;
  };

  // The start function: globals first (ABI details), then `_initialize`.
  let start: number | undefined;
  const initCalls = (w: ByteWriter) => {
    if (init === undefined) return;
    if (hook !== undefined) w.byte(0x41).sleb(TaskHook.InitializeStart).byte(0x10).u32(hook);
    w.byte(0x10).u32(init);
    if (hook !== undefined) w.byte(0x41).sleb(TaskHook.InitializeFinish).byte(0x10).u32(hook);
  };
  const setsGlobals = returnCallRef && n > 0;
  if (!setsGlobals && init !== undefined && hook === undefined) start = init;
  else if (setsGlobals || init !== undefined) {
    const body = new ByteWriter().u32(0);
    if (setsGlobals) for (let i = 0; i < n; i++) body.byte(0xd2).u32(fill(i)).byte(0x24).u32(i);
    initCalls(body);
    body.byte(0x0b);
    defined.push({ type: thunk, body });
    start = funcs++;
  }

  const out = new ByteWriter().raw(HEADER);
  out.section(1, types.section());
  out.section(2, new ByteWriter().u32(importCount).raw(imports.finish()));
  if (defined.length > 0) {
    out.section(
      3,
      new ByteWriter().vec(defined, (w, d) => w.u32(d.type)),
    );
  }
  const exported = hooked.map((h, i) => ({ h, i })).filter(({ h }) => h.exported);
  if (exported.length > 0) {
    out.section(
      7,
      new ByteWriter().vec(exported, (w, { i }) => w.name(`hook${i}`).byte(0x00).u32(wrapperFuncs[i]!)),
    );
  }
  if (start !== undefined) out.section(8, new ByteWriter().u32(start));
  if (n > 0) {
    const fills = signatures.map((_, i) => fill(i));
    const elem = new ByteWriter().u32(1);
    // A declarative segment for `ref.func`, or the active segment filling the shim's table.
    if (setsGlobals) elem.u32(3).byte(0x00);
    else elem.u32(0).byte(0x41).sleb(0).byte(0x0b);
    elem.vec(fills, (w, f) => w.u32(f));
    out.section(9, elem);
  }
  if (defined.length > 0) {
    out.section(
      10,
      new ByteWriter().vec(defined, (w, d) => w.sized(d.body)),
    );
  }
  out.custom("name", new ByteWriter().byte(0x00).sized(new ByteWriter().name("wit-component:fixups")).finish());
  return out.finish();
}
