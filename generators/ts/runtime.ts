/**
 * Helpers the emitted glue calls. Each is emitted only when some glue uses
 * it (directly or through another helper). `module` helpers sit at module
 * scope; `instance` helpers inside the per-instance closure, where they see
 * the instance's memory, allocator, state and handle tables.
 *
 * Their code is in templates/ts/helpers*.ts, one section a helper, whose
 * marker gives the helper's scope and the helpers it needs
 * (`// @section NAME scope=instance needs=A,B`, see
 * generators/template-sections.ts).
 */
import { templateSource } from "../output.js";
import { listAttribute, templateSections } from "../template-sections.js";

interface Helper {
  scope: "module" | "instance";
  deps: string[];
  code: string;
}

const helperFiles = ["ts/helpers.ts", "ts/helpers-resources.ts", "ts/helpers-async.ts"];

/**
 * The asynchronous ABI: the runtime's files (templates/ts/async-runtime.ts, its tasks,
 * its scheduler, waitables and channels, its JSPI part, its threads) embedded together as the
 * namespace `$async` (module scope), without the imports that join them as
 * modules. The other async helpers (`$rt`, `$turn`, …) are in
 * templates/ts/helpers-async.ts.
 */
const asyncRuntimeFiles = [
  "ts/async-tasks.ts",
  "ts/async-runtime.ts",
  "ts/async-scheduler.ts",
  "ts/async-channels.ts",
  "ts/async-jspi.ts",
  "ts/async-threads.ts",
];
const asyncRuntime: Helper = {
  scope: "module",
  deps: [],
  get code(): string {
    const sources = asyncRuntimeFiles.map((f) =>
      templateSource(f).replace(/^import [^;]*? from "\.\/async-[a-z]+\.js";\n/gms, ""),
    );
    return `namespace $async {\n${sources.join("\n")}\n}`;
  },
};

let loaded: Map<string, Helper> | undefined;

/** Every helper by name, read from the templates once. */
function helpers(): Map<string, Helper> {
  if (loaded !== undefined) return loaded;
  const all = new Map<string, Helper>([["$async", asyncRuntime]]);
  for (const file of helperFiles) {
    for (const section of templateSections(file).values()) {
      const scope = section.attributes.get("scope");
      if (scope !== "module" && scope !== "instance")
        throw new Error(`templates/${file}: the helper ${section.name} has no scope=module or scope=instance`);
      if (all.has(section.name)) throw new Error(`templates/${file}: a second helper ${section.name}`);
      all.set(section.name, { scope, deps: listAttribute(section, "needs"), code: section.text });
    }
  }
  loaded = all;
  return all;
}

function helper(name: string): Helper {
  const h = helpers().get(name);
  if (!h) throw new Error(`unknown helper ${name}`);
  return h;
}

/** The helpers `names` need, with their dependencies, in a stable order. */
export function helperClosure(names: Iterable<string>): string[] {
  const out = new Set<string>();
  const visit = (n: string) => {
    if (out.has(n)) return;
    const h = helper(n);
    for (const d of h.deps) visit(d);
    out.add(n);
  };
  for (const n of [...names].sort()) visit(n);
  return [...out];
}

/**
 * Whether an instance helper works on the guest's memory (its views, its
 * allocator): a component host keeps one copy per memory, the others once
 * per component instance.
 */
export function isMemoryHelper(name: string): boolean {
  const h = helpers().get(name);
  if (!h || h.scope !== "instance") return false;
  if (/\$u8\b|\$dv\b|\$realloc\b|\$memory\b|\$refresh\b|\$lowered\b/.test(h.code)) return true;
  return h.deps.some(isMemoryHelper);
}

export function helperCode(name: string): { scope: "module" | "instance"; code: string } {
  const h = helper(name);
  return { scope: h.scope, code: h.code.trim() };
}
