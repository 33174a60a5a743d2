/**
 * Reading wit-component's linked components (`component.wat` of the corpus)
 * back into what the linker computes, to compare with `link()`'s result:
 * the main module's exports and globals, the order libraries are
 * instantiated in, each library's instantiation arguments that come from the
 * main module or another library, and the fixup module's start function,
 * element and data segments.
 */

const IDENT = String.raw`\$(?:"(?:[^"\\]|\\.)*"|[^\s()]+)`;
/** The `(@name "...")` annotation the printer writes after a renamed identifier. */
const NAME = String.raw`(?:\(@name "(?:[^"\\]|\\.)*"\) )?`;

function unquote(ident: string): string {
  const s = ident.startsWith("$") ? ident.slice(1) : ident;
  return s.startsWith('"') ? (JSON.parse(s) as string) : s;
}

/** The text of `(core module $NAME ...)` at the top level of a printed component. */
export function coreModuleText(componentWat: string, name: string): string | undefined {
  const lines = componentWat.split("\n");
  const start = lines.findIndex((l) => l.startsWith(`  (core module $${name} `));
  if (start < 0) return undefined;
  const end = lines.indexOf("  )", start);
  return lines.slice(start, end + 1).join("\n");
}

export function exportNames(moduleText: string): string[] {
  return [...moduleText.matchAll(/^\s*\(export "((?:[^"\\]|\\.)*)"/gm)].map((m) => JSON.parse(`"${m[1]!}"`) as string);
}

/** The main module's exported globals: export name, then type and value as printed. */
export function exportedGlobals(moduleText: string): Map<string, string> {
  const globals = new Map<string, string>();
  for (const m of moduleText.matchAll(/^\s*\(global \(;(\d+);\) (.*)\)$/gm)) globals.set(m[1]!, m[2]!);
  const out = new Map<string, string>();
  for (const m of moduleText.matchAll(/^\s*\(export "((?:[^"\\]|\\.)*)" \(global (\d+)\)\)/gm)) {
    out.set(m[1]!, globals.get(m[2]!) ?? "?");
  }
  return out;
}

/** Names of the modules `component.wat` instantiates, in order. */
export function instantiated(componentWat: string): string[] {
  return [...componentWat.matchAll(new RegExp(String.raw`\(instantiate (${IDENT})`, "g"))].map((m) => unquote(m[1]!));
}

/**
 * Each library's instantiation arguments (`module` → sorted `alias:sort <- source.name`
 * strings), keeping only items exported by the main module or by a library
 * instance: what the linker decides (the rest is the encoder's).
 */
export function libraryArguments(
  componentWat: string,
  libraries: ReadonlySet<string>,
): Map<string, Map<string, string[]>> {
  const lines = componentWat.split("\n");
  const instanceModule = new Map<string, string>();
  const aliases = new Map<string, { instance: string; name: string }>();
  const bags = new Map<string, { alias: string; sort: string; ident: string }[]>();
  const instantiations: { module: string; with: Map<string, string> }[] = [];
  const instanceStart = new RegExp(String.raw`^  \(core instance (${IDENT}) ${NAME}\(;\d+;\)(.*)$`);
  const aliasLine = new RegExp(
    String.raw`^  \(alias core export (${IDENT}) "((?:[^"\\]|\\.)*)" \(core (\w+) (?:(${IDENT}) ${NAME})?\(;(\d+);\)\)\)`,
  );
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const a = aliasLine.exec(line);
    if (a) {
      const target = { instance: a[1]!, name: JSON.parse(`"${a[2]!}"`) as string };
      if (a[4]) aliases.set(`${a[3]} ${a[4]}`, target);
      aliases.set(`${a[3]} ${a[5]}`, target);
      continue;
    }
    const s = instanceStart.exec(line);
    if (!s) continue;
    const ident = s[1]!;
    const rest = s[2]!;
    const inst = new RegExp(String.raw`^ \(instantiate (${IDENT})`).exec(rest);
    if (inst) {
      const module = unquote(inst[1]!);
      instanceModule.set(ident, module);
      const withArgs = new Map<string, string>();
      if (!rest.trimEnd().endsWith(")")) {
        for (i++; i < lines.length && lines[i]!.startsWith("      (with "); i++) {
          const w = new RegExp(String.raw`\(with "((?:[^"\\]|\\.)*)" \(instance (${IDENT})\)\)`).exec(lines[i]!)!;
          withArgs.set(JSON.parse(`"${w[1]!}"`) as string, w[2]!);
        }
      }
      instantiations.push({ module, with: withArgs });
      continue;
    }
    const items: { alias: string; sort: string; ident: string }[] = [];
    for (i++; i < lines.length && lines[i]!.startsWith("    (export "); i++) {
      const e = new RegExp(String.raw`\(export "((?:[^"\\]|\\.)*)" \((\w+) (${IDENT}|\d+)\)\)`).exec(lines[i]!);
      if (!e) throw new Error(`unexpected line: ${lines[i]}`);
      items.push({ alias: JSON.parse(`"${e[1]!}"`) as string, sort: e[2]!, ident: e[3]! });
    }
    bags.set(ident, items);
  }
  const out = new Map<string, Map<string, string[]>>();
  for (const inst of instantiations) {
    if (!libraries.has(inst.module)) continue;
    const args = new Map<string, string[]>();
    for (const [module, bagIdent] of inst.with) {
      const items: string[] = [];
      for (const it of bags.get(bagIdent) ?? []) {
        const alias = aliases.get(`${it.sort} ${it.ident}`);
        if (!alias) continue;
        const source = instanceModule.get(alias.instance);
        if (source === undefined || (source !== "main" && !libraries.has(source))) continue;
        items.push(`${it.alias}:${it.sort} <- ${source}.${alias.name}`);
      }
      if (items.length > 0) args.set(module, items.sort());
    }
    out.set(inst.module, args);
  }
  return out;
}

export interface InitSummary {
  /** The start function's instructions, with imports named `module::name` (task-hook and shim work left out). */
  start: string[];
  /** Non-empty active element segments of table 0: offset, then the functions as `module::name`. */
  elems: string[];
  /** Data segments: offset and contents as printed. */
  data: string[];
}

/**
 * The linker's part of a printed fixup (or init) module. Imports from
 * `shim` and `actual` and the `ref.func`/`global.set` pairs filling the
 * encoder's shims are left out.
 */
export function summarizeInit(moduleText: string, mainModule = "main"): InitSummary {
  const byIdent = new Map<string, string>();
  const byIndex = new Map<string, string>();
  const counts: Record<string, number> = {};
  for (const m of moduleText.matchAll(
    new RegExp(
      String.raw`^\s*\(import "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)" \((\w+) (?:(${IDENT}) ${NAME})?\(;(\d+);\)`,
      "gm",
    ),
  )) {
    const module = JSON.parse(`"${m[1]!}"`) as string;
    const identity = `${module === mainModule ? "main" : module}::${JSON.parse(`"${m[2]!}"`) as string}`;
    counts[m[3]!] = (counts[m[3]!] ?? 0) + 1;
    if (m[4]) byIdent.set(`${m[3]} ${m[4]}`, identity);
    byIndex.set(`${m[3]} ${m[5]}`, identity);
  }
  const name = (sort: string, ref: string) =>
    (ref.startsWith("$") ? byIdent.get(`${sort} ${ref}`) : byIndex.get(`${sort} ${ref}`)) ?? `${sort} ${ref}`;
  const startRef = /^\s*\(start (\S+)\)/m.exec(moduleText)?.[1];
  let start: string[] = [];
  if (startRef !== undefined) {
    const imported = name("func", startRef);
    if (imported.includes("::")) start = [`call ${imported}`];
    else {
      const header = new RegExp(
        startRef.startsWith("$")
          ? String.raw`^(\s*)\(func ${startRef.replace(/[$()"\\]/g, "\\$&")} ${NAME}\(;`
          : String.raw`^(\s*)\(func (?:${IDENT} ${NAME})?\(;${startRef};\)`,
      );
      const lines = moduleText.split("\n");
      const at = lines.findIndex((l) => header.test(l));
      const indent = header.exec(lines[at]!)![1]!;
      const body: string[] = [];
      for (let i = at + 1; i < lines.length && lines[i] !== `${indent})`; i++) body.push(lines[i]!.trim());
      for (let i = 0; i < body.length; i++) {
        const ins = body[i]!;
        if (ins.startsWith("ref.func")) {
          i++;
          continue;
        }
        const m = /^(call|global\.get|global\.set) (.+)$/.exec(ins);
        start.push(m ? `${m[1]} ${name(m[1] === "call" ? "func" : "global", m[2]!)}` : ins);
      }
    }
  }
  const elems: string[] = [];
  for (const m of moduleText.matchAll(/^\s*\(elem \(;\d+;\) \(i32\.const (\d+)\) func((?: \S+)*)\)$/gm)) {
    const funcs = m[2]!.trim().split(/\s+/).filter(Boolean);
    if (funcs.length > 0) elems.push(`${m[1]}: ${funcs.map((f) => name("func", f)).join(" ")}`);
  }
  const data = [...moduleText.matchAll(/^\s*\(data \(;\d+;\) \(i32\.const (\d+)\) (".*")\)$/gm)].map(
    (m) => `${m[1]}: ${m[2]}`,
  );
  return { start, elems, data };
}
