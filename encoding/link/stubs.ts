/**
 * The stubs library: a module exporting, for each function no library
 * provides, a function of that name and type which traps. The linker adds it
 * (as `wit-component:stubs`) when asked to stub missing functions, or when
 * every missing function is imported weakly.
 */
import { producersSection } from "../metadata.js";
import { Code, ModuleBuilder } from "./module.js";
import type { Missing } from "./resolve.js";

export function makeStubsModule(missing: readonly Missing[]): Uint8Array {
  const b = new ModuleBuilder();
  const done = new Set<string>();
  for (const m of missing) {
    if (m.ty.kind !== "function") throw new Error(`cannot stub ${m.name}: not a function`);
    // Two libraries may miss the same function: one stub serves both.
    if (done.has(m.name)) continue;
    done.add(m.name);
    const type = b.type(m.ty.fn.params, m.ty.fn.results);
    b.export(m.name, "func", b.func(type, new Code().unreachable()));
  }
  b.custom("producers", producersSection());
  return b.finish();
}
