/**
 * A component made ready to run in this process, for `witx-bindgen run`:
 * its exported functions typed in our IR (for WAVE and typed flags), the
 * imports that WASI (`@bytecodealliance/preview2-shim`) does not cover, and
 * its transpiled host, generated in memory and loaded without writing the
 * component's files anywhere.
 *
 * The host's JavaScript (the TypeScript of `generateComponentHost` with its
 * types stripped by the TypeScript compiler, in this process) is kept in a
 * cache directory under the SHA-256 of the component and of the generator,
 * so that only the first run of a component generates it; later runs load
 * the cached script straight away.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as vm from "node:vm";
import type { ValType } from "../encoding/decode/binary.js";
import type { Plan, PlanExport, TypeEnv, TypeValue } from "../encoding/plan.js";
import { ComponentTypes } from "../ir/component-types.js";
import type { Resolve } from "../ir/resolve.js";
import type { Function, Type } from "../ir/types.js";
import { witTypeText } from "../ir/wave/types.js";
import { checkComponent, ComponentHostError } from "../generators/ts/component/index.js";
import { ComponentReadError, readComponent } from "../encoding/decode/component.js";
import { planComponent, PlanError } from "../encoding/plan.js";
import { ComponentEmitter } from "../generators/ts/component/emit.js";
import { camelCase, topLevelExportName } from "../generators/ts/naming.js";
import { requireDependency } from "../generators/output.js";
import { decodePackageDocs, PACKAGE_DOCS_SECTION, type PackageDocs } from "../encoding/package-docs.js";

/** A function the component exports, as `run` calls it. */
export interface ExportedFunction {
  /** The name wasmtime gives it: `f`, or `ns:pkg/iface.f@1.2.3` inside an exported interface. */
  name: string;
  /** The exported instance holding it (`ns:pkg/iface@1.2.3`), if any. */
  instance: string | undefined;
  /** Its IR type (`func.name` is the function's own name). */
  func: Function;
  /** Where the transpiled host puts it in its exports object. */
  jsPath: string[];
}

/** A user error about the component or how it is run: printed as `error: message`, exit status 1. */
export class RunError extends Error {
  override name = "RunError";
}

/** The component's plan and IR types, and what it exports. */
export class RunnableComponent {
  readonly types: ComponentTypes;
  readonly functions: ExportedFunction[] = [];

  constructor(
    readonly bytes: Uint8Array,
    readonly plan: Plan,
    /** Where the host's JavaScript is cached, and the cached text if it is. */
    readonly cacheFile: string,
    readonly cachedScript: string | undefined,
  ) {
    this.types = new ComponentTypes(plan);
    for (const e of plan.exports) this.collectTypeNames(e, 0);
    for (const e of plan.exports) this.collect(e, undefined);
    const docs = packageDocsOf(bytes);
    if (docs) for (const f of this.functions) f.func.docs = { contents: docsOf(docs, f) };
  }

  /**
   * The names the component exports its records, variants, enums and flags
   * under, by their structure (a function's type is a copy of the exported
   * one); `null` for a structure two different names share.
   */
  private readonly typeNames = new Map<string, string | null>();

  private collectTypeNames(e: PlanExport, depth: number): void {
    if (e.kind === "instance" && depth === 0) for (const inner of e.exports) this.collectTypeNames(inner, 1);
    if (e.kind !== "type") return;
    const key = structureKey(e.type.entry, e.type.env, 0);
    if (key === undefined) return;
    const known = this.typeNames.get(key);
    this.typeNames.set(key, known === undefined || known === e.name ? e.name : null);
  }

  /**
   * Names the IR type `t` (and the types it holds) after the exported
   * types they are: walks the component's type `v` alongside it.
   */
  private nameTypes(v: ValType | undefined, env: TypeEnv, t: Type | undefined, seen: Set<number>): void {
    if (v === undefined || t === undefined || typeof v === "string" || typeof t === "string" || seen.has(t)) return;
    seen.add(t);
    const { entry, env: inner } = env.resolve(v);
    if (entry.kind !== "defined") return;
    const def = this.resolve.types[t]!;
    const key = structureKey(v, env, 0);
    const name = key === undefined ? undefined : this.typeNames.get(key);
    if (name && def.name === undefined) def.name = name;
    const d = entry.def;
    const k = def.kind;
    const walk = (a: ValType | undefined, b: Type | undefined) => this.nameTypes(a, inner, b, seen);
    if (d.kind === "record" && k.kind === "record") d.fields.forEach((f, i) => walk(f.type, k.fields[i]?.type));
    else if (d.kind === "variant" && k.kind === "variant") d.cases.forEach((c, i) => walk(c.type, k.cases[i]?.type));
    else if (d.kind === "tuple" && k.kind === "tuple") d.types.forEach((x, i) => walk(x, k.types[i]));
    else if (d.kind === "result" && k.kind === "result") {
      walk(d.ok, k.ok);
      walk(d.err, k.err);
    } else if ((d.kind === "list" || d.kind === "option" || d.kind === "fixed-length-list") && "type" in k) {
      walk(d.type, k.type as Type);
    }
  }

  get resolve(): Resolve {
    return this.types.resolve;
  }

  private collect(e: PlanExport, instance: string | undefined): void {
    if (e.kind === "instance") {
      if (instance === undefined) for (const inner of e.exports) this.collect(inner, e.name);
      return;
    }
    if (e.kind !== "func" || e.name.startsWith("[")) return;
    const tv: TypeValue = e.func.kind === "lifted" ? this.plan.lifts[e.func.lift]!.type : e.func.type;
    const func = this.types.func(tv, e.name);
    const { entry, env } = tv.env.resolve(tv.entry);
    if (entry.kind === "func") {
      const seen = new Set<number>();
      entry.params.forEach((p, i) => this.nameTypes(p.type, env, func.params[i]?.type, seen));
      this.nameTypes(entry.result, env, func.result, seen);
    }
    if (instance === undefined) {
      this.functions.push({ name: e.name, instance, func, jsPath: [topLevelExportName(e.name)] });
      return;
    }
    const at = instance.indexOf("@");
    const base = at < 0 ? instance : instance.slice(0, at);
    const version = at < 0 ? "" : instance.slice(at);
    this.functions.push({
      name: `${base}.${e.name}${version}`,
      instance,
      func,
      jsPath: [instance, camelCase(e.name)],
    });
  }

  /** The exported `wasi:cli/run` function, if the component is a command. */
  commandRun(): ExportedFunction | undefined {
    return this.functions.find((f) => f.instance !== undefined && /^wasi:cli\/run(@|$)/.test(f.instance));
  }

  /**
   * Finds an export as wasmtime's `--invoke` does: `f` is a function of the
   * component itself or, failing that, the one function of that name in an
   * exported interface; `iface.f` and `ns:pkg/iface.f`, each optionally
   * followed by the interface's `@version`, name one inside an interface.
   */
  find(name: string): ExportedFunction {
    const m = /^(.*?)(@[0-9][^@]*)?$/.exec(name)!;
    const bare = m[1]!;
    const version = m[2];
    const dot = bare.lastIndexOf(".");
    let found: ExportedFunction[];
    if (dot < 0 && version === undefined) {
      found = this.functions.filter((f) => f.instance === undefined && f.func.name === bare);
      if (found.length === 0) found = this.functions.filter((f) => f.func.name === bare);
    } else {
      const iface = dot < 0 ? "" : bare.slice(0, dot);
      const fn = bare.slice(dot + 1);
      found = this.functions.filter((f) => {
        if (f.instance === undefined || f.func.name !== fn) return false;
        const at = f.instance.indexOf("@");
        const full = at < 0 ? f.instance : f.instance.slice(0, at);
        if (version !== undefined && (at < 0 ? "" : f.instance.slice(at)) !== version) return false;
        return full === iface || full.slice(full.indexOf("/") + 1) === iface;
      });
    }
    if (found.length === 1) return found[0]!;
    if (found.length > 1) {
      throw new RunError(
        `more than one exported function is named \`${name}\`; use one of ${found.map((f) => `\`${f.name}\``).join(", ")}`,
      );
    }
    const names = this.functions.map((f) => f.name);
    throw new RunError(
      `the component exports no function \`${name}\`` +
        (names.length ? `; it exports ${names.map((n) => `\`${n}\``).join(", ")}` : "; it exports no function"),
    );
  }

  /**
   * The imports that WASI does not provide: an instance missing from the
   * import object `imports`, or a plain function missing from one that is
   * there; and any function or value imported by itself.
   */
  missingImports(imports: Record<string, unknown>): string[] {
    const missing: string[] = [];
    for (const imp of this.plan.imports) {
      if (imp.sort === "type") continue;
      const provided = imports[imp.name] ?? imports[imp.name.replace(/@[^/]*$/, "")];
      if (imp.sort !== "instance" || provided === undefined || provided === null) {
        missing.push(imp.name);
        continue;
      }
      const { entry } = imp.type.env.resolve(imp.type.entry);
      if (entry.kind !== "instance") continue;
      for (const ext of entry.exports) {
        if (ext.sort !== "func" || ext.name.startsWith("[")) continue;
        if (typeof (provided as Record<string, unknown>)[camelCase(ext.name)] !== "function") {
          missing.push(`${imp.name}#${ext.name}`);
        }
      }
    }
    return missing;
  }
}

/**
 * The `package-docs` custom section of the component itself, if it has one
 * (as a WIT package encoded by wit-component does): where `run` finds the
 * doc comments of exported functions. A malformed one is ignored.
 */
function packageDocsOf(bytes: Uint8Array): PackageDocs | undefined {
  let pos = 8;
  const leb = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[pos++];
      if (b === undefined) throw new RangeError("truncated");
      result += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (!(b & 0x80)) return result;
    }
  };
  try {
    while (pos < bytes.length) {
      const id = bytes[pos++];
      const size = leb();
      const end = pos + size;
      if (id === 0) {
        const nameLength = leb();
        const name = new TextDecoder().decode(bytes.subarray(pos, pos + nameLength));
        if (name === PACKAGE_DOCS_SECTION) return decodePackageDocs(bytes.subarray(pos + nameLength, end));
      }
      pos = end;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** The doc comment of an exported function in a package's docs: by its interface's name, or a world's. */
function docsOf(docs: PackageDocs, f: ExportedFunction): string | undefined {
  const name = f.func.name;
  if (f.instance === undefined) {
    for (const w of docs.worlds.values()) {
      const d = w.funcExports.get(name)?.docs ?? w.funcs.get(name)?.docs;
      if (d !== undefined) return d;
    }
    return undefined;
  }
  const iface = f.instance.replace(/@.*$/, "");
  const short = iface.slice(iface.indexOf("/") + 1);
  const fromPackage = docs.interfaces.get(short)?.funcs.get(name)?.docs;
  if (fromPackage !== undefined) return fromPackage;
  for (const w of docs.worlds.values()) {
    const d = (w.interfaceExports.get(iface) ?? w.interfaces.get(iface))?.funcs.get(name)?.docs;
    if (d !== undefined) return d;
  }
  return undefined;
}

/** A text telling value types apart by structure (names of fields and cases included); nominal kinds only at the top. */
function structureKey(v: ValType | undefined, env: TypeEnv, depth: number): string | undefined {
  if (v === undefined) return "_";
  if (typeof v === "string") return v;
  if (depth > 16) return undefined;
  const { entry, env: inner } = env.resolve(v);
  if (entry.kind !== "defined") return entry.kind;
  const d = entry.def;
  const sub = (x: ValType | undefined) => structureKey(x, inner, depth + 1) ?? "?";
  switch (d.kind) {
    case "primitive":
      return depth === 0 ? undefined : d.type;
    case "record":
      return `record{${d.fields.map((f) => `${f.name}:${sub(f.type)}`).join(",")}}`;
    case "variant":
      return `variant{${d.cases.map((c) => `${c.name}:${sub(c.type)}`).join(",")}}`;
    case "enum":
      return `enum{${d.names.join(",")}}`;
    case "flags":
      return `flags{${d.names.join(",")}}`;
    default:
      if (depth === 0) return undefined;
      return `${d.kind}<${[...("type" in d ? [sub(d.type)] : []), ...("types" in d ? d.types.map(sub) : []), ...("ok" in d ? [sub(d.ok), sub(d.err)] : [])].join(",")}>`;
  }
}

/**
 * Reads, validates and plans a component; a bad one is a `RunError`. A
 * component whose host is cached was valid when it was cached: it is
 * planned without validating it again.
 */
export function loadRunnable(bytes: Uint8Array, version: string): RunnableComponent {
  const cache = cacheFile(bytes, version);
  let cached: string | undefined;
  try {
    cached = fs.readFileSync(cache, "utf8");
  } catch {
    cached = undefined;
  }
  try {
    const plan = cached === undefined ? checkComponent(bytes) : planComponent(readComponent(bytes));
    return new RunnableComponent(bytes, plan, cache, cached);
  } catch (e) {
    if (e instanceof ComponentHostError || e instanceof ComponentReadError || e instanceof PlanError) {
      throw new RunError(e.message);
    }
    throw e;
  }
}

/**
 * Why a type cannot be given or printed as a value on the command line:
 * resources (and the async types, maps and `error-context`) have no WAVE
 * form. `undefined` when it can.
 */
export function unrepresentable(t: Type, resolve: Resolve, seen = new Set<number>()): string | undefined {
  if (typeof t === "string") return t === "error-context" ? "error-context" : undefined;
  if (seen.has(t)) return undefined;
  seen.add(t);
  const k = resolve.types[t]!.kind;
  const inner = (x: Type | undefined) => (x === undefined ? undefined : unrepresentable(x, resolve, seen));
  switch (k.kind) {
    case "handle":
    case "resource":
      return `the resource \`${witTypeText(t, resolve)}\``;
    case "future":
    case "stream":
    case "map":
      return `\`${witTypeText(t, resolve)}\``;
    case "type":
    case "list":
    case "fixed-length-list":
    case "option":
      return inner(k.type);
    case "result":
      return inner(k.ok) ?? inner(k.err);
    case "tuple":
      for (const x of k.types) {
        const r = inner(x);
        if (r) return r;
      }
      return undefined;
    case "record":
      for (const f of k.fields) {
        const r = inner(f.type);
        if (r) return r;
      }
      return undefined;
    case "variant":
      for (const c of k.cases) {
        const r = inner(c.type);
        if (r) return r;
      }
      return undefined;
    default:
      return undefined;
  }
}

/** The generated host module, as `run` uses it. */
export interface HostModule {
  instantiate(imports: Record<string, unknown>, options: { getCoreModule(name: string): Uint8Array }): Promise<any>;
  ComponentError: new (payload: unknown) => Error & { payload: unknown };
}

/** Where transpiled hosts are cached: `$WITX_BINDGEN_CACHE_DIR`, or `witx-bindgen/run` in the user's cache. */
function cacheDir(): string {
  if (process.env.WITX_BINDGEN_CACHE_DIR) return process.env.WITX_BINDGEN_CACHE_DIR;
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return path.join(base, "witx-bindgen", "run");
}

/**
 * What the host's JavaScript depends on besides the component: the version,
 * and the modification times and sizes of the code that generates it (this
 * file, which is the whole CLI when bundled, and the emitter) and of the
 * runtime templates.
 */
function generatorStamp(version: string): string {
  const parts = [version];
  const here = fileURLToPath(import.meta.url);
  const files = [here, fileURLToPath(new URL("../generators/ts/component/emit.js", import.meta.url))];
  for (let dir = path.dirname(here); ; dir = path.dirname(dir)) {
    const templates = path.join(dir, "templates", "ts");
    if (fs.existsSync(path.join(dir, "package.json")) && fs.existsSync(templates)) {
      for (const f of fs.readdirSync(templates).sort()) files.push(path.join(templates, f));
      break;
    }
    if (path.dirname(dir) === dir) break;
  }
  for (const f of files) {
    try {
      const st = fs.statSync(f);
      parts.push(`${path.basename(f)}:${st.size}:${st.mtimeMs}`);
    } catch {
      parts.push(f);
    }
  }
  return parts.join("\n");
}

/** The cache file of the host of `bytes`: named by the SHA-256 of the generator's stamp and the component. */
function cacheFile(bytes: Uint8Array, version: string): string {
  const key = createHash("sha256").update(generatorStamp(version)).update("\0").update(bytes).digest("hex");
  return path.join(cacheDir(), `${key}.cjs`);
}

/** The host's JavaScript (CommonJS), from the cache or generated now (and cached). */
function hostScript(component: RunnableComponent, version: string): string {
  if (component.cachedScript !== undefined) return component.cachedScript;
  const file = component.cacheFile;
  const moduleFiles = component.plan.modules.map((_, i) => `core${i}.wasm`);
  const { source } = new ComponentEmitter(component.plan, {
    generator: `witx-bindgen ${version}`,
    name: "component",
    moduleFiles,
  }).generate();
  // TypeScript strips the types in this process (esbuild would start its service process).
  const ts = requireDependency("typescript") as typeof import("typescript");
  // The script is not a module: the one `import.meta.url` (where the core modules would be read from,
  // unused since `getCoreModule` gives them) becomes a parameter of its wrapper.
  const js = ts.transpileModule(source.replaceAll("import.meta.url", "$moduleBase"), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, removeComments: true },
    reportDiagnostics: false,
  }).outputText;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, js);
    fs.renameSync(tmp, file);
  } catch {
    // An unwritable cache only costs the next run the same work.
  }
  return js;
}

/** Loads the transpiled host of the component into this process. */
export function loadHost(component: RunnableComponent, version: string): HostModule {
  const code = hostScript(component, version);
  const module = { exports: {} as Record<string, unknown> };
  const wrapped = vm.runInThisContext(`(function (module, exports, require, $moduleBase) {${code}\n})`, {
    filename: component.cacheFile,
  }) as (m: typeof module, e: unknown, r: NodeJS.Require, base: string) => void;
  wrapped(module, module.exports, requireDependency, pathToFileURL(component.cacheFile).href);
  return module.exports as unknown as HostModule;
}

/** The core modules of the component, by the names the host asks for them. */
export function coreModules(component: RunnableComponent): (name: string) => Uint8Array {
  return (name) => {
    const m = /^core(\d+)\.wasm$/.exec(name);
    const mod = m ? component.plan.modules[Number(m[1])] : undefined;
    if (mod === undefined) throw new RunError(`the host asked for an unknown core module ${name}`);
    return mod.bytes;
  };
}
