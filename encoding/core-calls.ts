/**
 * Which functions of a core module may run code outside the module.
 *
 * A function "may call out" when it is imported, when it makes an indirect
 * call (`call_indirect`, `call_ref` and their `return_call` forms: the callee
 * may be anything a table or reference holds), or when it calls, directly and
 * transitively, a function that may. Everything else runs to completion (or
 * traps) inside the module, so no host code and no other instance can run
 * while it does.
 *
 * The transpiled-component host uses this to drop the reentrance bookkeeping
 * (the canonical ABI's `may_enter`) around calls that cannot reenter. The
 * answer is conservative: a body with an instruction the scanner
 * (core-code.ts) does not know may call out, and a module whose sections do
 * not read makes every function "may call out". Code is scanned, not
 * validated (the engine validates it).
 */
import { scanFunctionBody } from "./core-code.js";
import { readCoreModule } from "./core-module.js";
import { readSections, Reader } from "./reader.js";

/** `call_indirect`, `return_call_indirect`, `call_ref`, `return_call_ref`: the callee may be anything. */
const INDIRECT = new Set([0x11, 0x13, 0x14, 0x15]);
/** `call`, `return_call`: a known callee. */
const DIRECT = new Set([0x10, 0x12]);

/** The indices of the functions of `bytes` that may call out; `undefined` when every function may. */
export function functionsCallingOut(bytes: Uint8Array): Set<number> | undefined {
  try {
    const imported = readCoreModule(bytes).imports.filter((i) => i.kind === "func").length;
    const callees: number[][] = [];
    const calling = new Set<number>();
    for (let f = 0; f < imported; f++) calling.add(f);
    const code = readSections(bytes).find((s) => s.id === 10);
    if (code) {
      const r = new Reader(bytes, code.start, code.end);
      const n = r.u32();
      for (let i = 0; i < n; i++) {
        const size = r.u32();
        const start = r.pos;
        r.pos += size;
        const index = imported + i;
        const out: number[] = [];
        callees[index] = out;
        try {
          scanFunctionBody(bytes, start, start + size, (ins) => {
            if (ins.prefix !== undefined) return;
            if (DIRECT.has(ins.opcode)) out.push(ins.indices[0]!.value);
            else if (INDIRECT.has(ins.opcode)) calling.add(index);
          });
        } catch {
          // A body this scanner cannot read may do anything.
          calling.add(index);
        }
      }
    }
    // Propagate "may call out" from callees to callers until nothing changes.
    const callers = new Map<number, number[]>();
    for (let f = 0; f < callees.length; f++)
      for (const c of callees[f] ?? []) {
        const list = callers.get(c);
        if (list === undefined) callers.set(c, [f]);
        else list.push(f);
      }
    const work = [...calling];
    while (work.length > 0) {
      const f = work.pop()!;
      for (const caller of callers.get(f) ?? [])
        if (!calling.has(caller)) {
          calling.add(caller);
          work.push(caller);
        }
    }
    return calling;
  } catch {
    return undefined;
  }
}

/** The names of the function exports of `bytes` that cannot call out. */
export function exportsStayingInside(
  bytes: Uint8Array,
  exports: { name: string; kind: string; index: number }[],
): Set<string> {
  const calling = functionsCallingOut(bytes);
  const out = new Set<string>();
  if (calling === undefined) return out;
  for (const e of exports) if (e.kind === "func" && !calling.has(e.index)) out.add(e.name);
  return out;
}
