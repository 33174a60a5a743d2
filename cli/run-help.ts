/**
 * What `witx-bindgen run` prints about a component's exports: `--list` (each
 * exported function with its WIT signature) and `<function> --help` (its
 * signature, docs, the types it uses and its flags).
 */
import type { Resolve } from "../ir/resolve.js";
import type { Docs, Function, Type } from "../ir/types.js";
import { witTypeText } from "../ir/wave/types.js";
import { flagLines } from "./run-args.js";
import type { ExportedFunction } from "./run-component.js";

/** `name: func(a: u32, b: string) -> list<u8>`, as WIT writes the function. */
export function signature(name: string, func: Function, resolve: Resolve): string {
  const params = func.params.map((p) => `${p.name}: ${witTypeText(p.type, resolve)}`).join(", ");
  const result = func.result === undefined ? "" : ` -> ${witTypeText(func.result, resolve)}`;
  const async = func.kind.kind.startsWith("async") ? "async " : "";
  return `${name}: ${async}func(${params})${result}`;
}

/** The named types a function mentions, each once, in the order first met (nested ones after their users). */
function namedTypes(func: Function, resolve: Resolve): number[] {
  const out: number[] = [];
  const seen = new Set<number>();
  const visit = (t: Type | undefined): void => {
    if (t === undefined || typeof t === "string" || seen.has(t)) return;
    seen.add(t);
    const def = resolve.types[t]!;
    if (def.name !== undefined && def.kind.kind !== "resource") out.push(t);
    const k = def.kind;
    switch (k.kind) {
      case "type":
      case "list":
      case "fixed-length-list":
      case "option":
        visit(k.type);
        break;
      case "result":
        visit(k.ok);
        visit(k.err);
        break;
      case "tuple":
        k.types.forEach(visit);
        break;
      case "record":
        for (const f of k.fields) visit(f.type);
        break;
      case "variant":
        for (const c of k.cases) visit(c.type);
        break;
      default:
        break;
    }
  };
  func.params.forEach((p) => visit(p.type));
  visit(func.result);
  return out;
}

/** A named type's WIT definition (`record point { x: u32, y: u32 }`). */
function definition(id: number, resolve: Resolve): string {
  const def = resolve.types[id]!;
  const name = def.name!;
  const k = def.kind;
  const text = (t: Type) => witTypeText(t, resolve);
  switch (k.kind) {
    case "record":
      return `record ${name} { ${k.fields.map((f) => `${f.name}: ${text(f.type)}`).join(", ")} }`;
    case "variant":
      return `variant ${name} { ${k.cases.map((c) => (c.type === undefined ? c.name : `${c.name}(${text(c.type)})`)).join(", ")} }`;
    case "enum":
      return `enum ${name} { ${k.cases.map((c) => c.name).join(", ")} }`;
    case "flags":
      return `flags ${name} { ${k.flags.map((f) => f.name).join(", ")} }`;
    case "type":
      return `type ${name} = ${text(k.type)}`;
    case "list":
      return `type ${name} = list<${text(k.type)}>`;
    case "fixed-length-list":
      return `type ${name} = list<${text(k.type)}, ${k.size}>`;
    case "option":
      return `type ${name} = option<${text(k.type)}>`;
    case "tuple":
      return `type ${name} = tuple<${k.types.map(text).join(", ")}>`;
    case "result": {
      const ok = k.ok === undefined ? "_" : text(k.ok);
      const params = k.err === undefined ? (k.ok === undefined ? "" : `<${ok}>`) : `<${ok}, ${text(k.err)}>`;
      return `type ${name} = result${params}`;
    }
    default:
      return `type ${name} (${k.kind})`;
  }
}

function docText(docs: Docs | undefined): string | undefined {
  const text = docs?.contents?.trim();
  return text ? text : undefined;
}

/** `--list`: one line per exported function, with its signature. */
export function listText(functions: ExportedFunction[], resolve: Resolve): string {
  if (functions.length === 0) return "the component exports no functions\n";
  return functions.map((f) => signature(f.name, f.func, resolve) + "\n").join("");
}

/** `<function> --help`: usage, docs, signature, the named types it uses and its flags. */
export function functionHelp(program: string, component: string, f: ExportedFunction, resolve: Resolve): string {
  const out: string[] = [];
  const hasParams = f.func.params.length > 0;
  out.push(`Usage: ${program} run ${component} ${f.name}${hasParams ? " [OPTIONS]" : ""}`, "");
  const docs = docText(f.func.docs);
  if (docs) out.push(docs, "");
  out.push("Signature:", `  ${signature(f.func.name, f.func, resolve)}`);
  const types = namedTypes(f.func, resolve);
  if (types.length) {
    out.push("", "Types:");
    for (const t of types) out.push(`  ${definition(t, resolve)}`);
  }
  const flags = flagLines(f.func, resolve);
  if (flags.length) {
    out.push("", "Options:");
    const width = Math.min(32, Math.max(...flags.map(([flag]) => flag.length)));
    for (const [flag, what] of flags) {
      out.push(flag.length > width ? `  ${flag}\n  ${" ".repeat(width)}  ${what}` : `  ${flag.padEnd(width)}  ${what}`);
    }
  }
  const call = `${f.name}(${hasParams ? "..." : ""})`;
  out.push("", `Or call it with WAVE: ${program} run --invoke '${call}' ${component}`);
  return out.join("\n") + "\n";
}
