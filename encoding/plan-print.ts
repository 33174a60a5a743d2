/**
 * The plan as text, for tests, snapshots and `witx-bindgen` users who want to
 * see what a component does when it is instantiated: its runtime instances
 * and resources, the core instantiations in order with what each import is
 * bound to, the canonical functions with their options, and the exports.
 */
import type { Entry, ValType } from "./decode/binary.js";
import type { CoreRef, FuncValue, Plan, PlanExport, ResolvedOptions, TypeValue } from "./plan.js";

function coreRef(r: CoreRef | undefined): string {
  if (r === undefined) return "-";
  switch (r.kind) {
    case "export":
      return `core${r.instance}.${JSON.stringify(r.name)}`;
    case "lowered":
      return `lower${r.lowering}`;
    case "resource":
      return `resource.${r.op}(r${r.resource}) in #${r.instance}`;
    case "builtin":
      return `${r.name}${r.index === undefined ? "" : ` ${r.index}`} in #${r.instance}`;
  }
}

function options(o: ResolvedOptions): string {
  const parts: string[] = [o.encoding];
  if (o.memory) parts.push(`memory ${coreRef(o.memory)}`);
  if (o.realloc) parts.push(`realloc ${coreRef(o.realloc)}`);
  if (o.postReturn) parts.push(`post-return ${coreRef(o.postReturn)}`);
  return parts.join(", ");
}

/** A value type, with each resource shown as the plan resource it stands for. */
function valType(v: ValType, t: TypeValue, depth = 0): string {
  if (typeof v === "string") return v;
  if (depth > 20) return "…";
  const r = t.env.resolve(v);
  const res = r.env.resource(r.entry);
  if (res !== undefined) return `r${res}`;
  const e: Entry = r.entry;
  const sub = (x: ValType) => valType(x, { entry: e, env: r.env }, depth + 1);
  if (e.kind !== "defined") return e.kind;
  const d = e.def;
  switch (d.kind) {
    case "primitive":
      return d.type;
    case "record":
      return `record { ${d.fields.map((f) => `${f.name}: ${sub(f.type)}`).join(", ")} }`;
    case "variant":
      return `variant { ${d.cases.map((c) => (c.type === undefined ? c.name : `${c.name}(${sub(c.type)})`)).join(", ")} }`;
    case "enum":
      return `enum { ${d.names.join(", ")} }`;
    case "flags":
      return `flags { ${d.names.join(", ")} }`;
    case "list":
      return `list<${sub(d.type)}>`;
    case "fixed-length-list":
      return `list<${sub(d.type)}, ${d.size}>`;
    case "map":
      return `map<${sub(d.key)}, ${sub(d.value)}>`;
    case "tuple":
      return `tuple<${d.types.map(sub).join(", ")}>`;
    case "option":
      return `option<${sub(d.type)}>`;
    case "result":
      return `result<${d.ok === undefined ? "_" : sub(d.ok)}, ${d.err === undefined ? "_" : sub(d.err)}>`;
    case "own":
    case "borrow":
      return `${d.kind}<${sub(d.resource)}>`;
    case "future":
    case "stream":
      return `${d.kind}<${d.type === undefined ? "_" : sub(d.type)}>`;
  }
}

function funcType(t: TypeValue): string {
  const r = t.env.resolve(t.entry);
  const f = r.entry;
  if (f.kind !== "func") return f.kind;
  const here = { entry: f, env: r.env };
  const params = f.params.map((p) => `${p.name}: ${valType(p.type, here)}`).join(", ");
  return `func(${params})${f.result === undefined ? "" : ` -> ${valType(f.result, here)}`}`;
}

function func(f: FuncValue): string {
  return f.kind === "lifted" ? `lift${f.lift}` : `host ${f.path.map((p) => JSON.stringify(p)).join(".")}`;
}

function exportsTree(exports: PlanExport[], indent: string, out: string[]): void {
  for (const e of exports) {
    if (e.kind === "func") out.push(`${indent}${JSON.stringify(e.name)}: ${func(e.func)}`);
    else if (e.kind === "type") {
      const r = e.type.env.resolve(e.type.entry);
      const res = r.env.resource(r.entry);
      out.push(`${indent}${JSON.stringify(e.name)}: type${res === undefined ? "" : ` r${res}`}`);
    } else {
      out.push(`${indent}${JSON.stringify(e.name)}: instance`);
      exportsTree(e.exports, indent + "  ", out);
    }
  }
}

/** The plan as text (stable: the same component always prints the same). */
export function printPlan(plan: Plan): string {
  const out: string[] = [];
  out.push("instances:");
  for (const i of plan.instances) out.push(`  #${i.id} ${i.label}`);
  if (plan.resources.length) out.push("resources:");
  for (const r of plan.resources) {
    const owner =
      r.instance === undefined ? `host ${r.hostPath!.map((p) => JSON.stringify(p)).join(".")}` : `#${r.instance}`;
    out.push(`  r${r.id} ${JSON.stringify(r.name)} defined by ${owner}${r.dtor ? `, dtor ${coreRef(r.dtor)}` : ""}`);
  }
  out.push("modules:");
  plan.modules.forEach((m, i) => {
    const imports = m.info.imports.map((x) => `${x.module}.${x.name}`).join(" ");
    const exports = m.info.exports.map((x) => x.name).join(" ");
    out.push(`  module${i}: ${m.bytes.length} bytes; imports [${imports}]; exports [${exports}]`);
  });
  if (plan.imports.length) out.push("imports:");
  for (const i of plan.imports)
    out.push(`  ${JSON.stringify(i.name)}: ${i.sort === "func" ? funcType(i.type) : i.sort}`);
  out.push("steps:");
  for (const s of plan.steps) {
    if (s.kind === "instantiate") {
      out.push(`  core${s.id} = instantiate module${s.module} in #${s.instance}`);
      for (const i of s.imports) out.push(`    ${i.module}.${i.name} = ${coreRef(i.ref)}`);
    } else if (s.kind === "lift") {
      const l = plan.lifts[s.lift]!;
      out.push(`  lift${l.id} in #${l.instance} ${JSON.stringify(l.label)}: ${coreRef(l.core)} as ${funcType(l.type)}`);
      out.push(`    ${options(l.options)}`);
    } else {
      const w = plan.lowerings[s.lowering]!;
      out.push(`  lower${w.id} in #${w.instance}: ${func(w.callee)}`);
      out.push(`    ${options(w.options)}`);
    }
  }
  out.push("exports:");
  exportsTree(plan.exports, "  ", out);
  return out.join("\n") + "\n";
}
