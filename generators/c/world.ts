/**
 * The C bindings of a world: `<world>.h` (types, the functions the guest
 * calls and implements, helpers) and `<world>.c` (the import and export
 * glue, the helpers, `cabi_realloc`, and the world's `component-type`
 * custom section, embedded with an `__asm__` directive).
 */
import { CRefusal } from "./refusal.js";
import { futuresAndStreams } from "../../ir/abi/async.js";
import { flattenAsyncFunctionType } from "../../ir/abi/layout.js";
import { AbiWalker } from "../../ir/abi/walk.js";
import type { Resolve } from "../../ir/resolve.js";
import type { Function, InterfaceId, TypeId, WorldId, WorldKey } from "../../ir/types.js";
import { encodeMetadata, metadataSectionName } from "../../encoding/index.js";
import { CEmitter, coreCType, cSignature, UnsupportedAutodropError, type GlueModule } from "./glue.js";
import { asyncHelpers, channelHelpers, threadingHelpers } from "./async.js";
import { stringHelpers, stringType } from "./strings.js";
import { cTemplate } from "./templates.js";
import { AsyncFilter } from "../async-filter.js";
import { cFunctionName, docComment, shouty, snake } from "./naming.js";
import { CTypes, LiveTypes, type TypeContext } from "./types.js";

export interface CWorldOptions {
  encoding: "utf8" | "utf16" | "compact-utf16";
  noRealloc: boolean;
  generator: string;
  renames: ReadonlyMap<string, string>;
  /** Which functions are bound with the asynchronous ABI (by default those declared `async`). */
  asyncFilter: AsyncFilter;
  /** The world's name in the generated names (`--rename-world`). */
  renameWorld?: string;
  /** Appended to the `component-type` section's name. */
  typeSectionSuffix?: string;
  /** Leave out the helper functions. */
  noHelpers?: boolean;
  /** Emit the async helpers in any case. */
  generateAsyncHelpers?: boolean;
  /** Emit the threading helpers (and the async ones). */
  generateThreadingHelpers?: boolean;
  /** Synchronous exports drop the borrows of imported resources they receive when they return. */
  autodropBorrows?: boolean; /** Options and results in signatures as their structs, not flattened. */
  noSigFlattening?: boolean;
}

/**
 * Why the C generator cannot serve `world`, or `undefined`. Every world is
 * served today, the asynchronous ABI included; the check stays for callers
 * that ask.
 */
export function unsupportedCReason(resolve: Resolve, world: WorldId): string | undefined {
  void resolve;
  void world;
  return undefined;
}

/**
 * `func` as a synchronous function: an `async` function the filters bind
 * synchronously is lowered (or lifted) without the `async` option, like any
 * other function.
 */
function synchronous(func: Function): Function {
  const k = func.kind;
  switch (k.kind) {
    case "async-freestanding":
      return { ...func, kind: { kind: "freestanding" } };
    case "async-method":
      return { ...func, kind: { kind: "method", resource: k.resource } };
    case "async-static":
      return { ...func, kind: { kind: "static", resource: k.resource } };
    default:
      return func;
  }
}

class WorldGenerator implements GlueModule {
  readonly types: CTypes;
  retArea = { size: 0, align: 1 };
  unions = new Set<string>();
  private hFns: string[] = [];
  private cFns: string[] = [];
  private cAdapters: string[] = [];
  private functionNames = new Set<string>();
  /** Whether the bindings need the async helpers (an async function, a future or stream, an error-context). */
  private needsAsync = false;
  /** The C types of the futures and streams whose helpers are defined. */
  private channels = new Set<string>();

  constructor(
    readonly resolve: Resolve,
    readonly world: WorldId,
    readonly options: CWorldOptions,
  ) {
    this.types = new CTypes(
      resolve,
      world,
      options.renameWorld ?? resolve.worlds[world].name,
      options.encoding,
      options.renames,
      options.autodropBorrows ?? false,
      !(options.noSigFlattening ?? false),
    );
  }

  private walker(emitter: CEmitter): AbiWalker<string> {
    return new AbiWalker(this.types.layout, emitter, {
      encoding: this.options.encoding === "compact-utf16" ? "latin1+utf16" : this.options.encoding,
      resourceSide: (r) => this.types.resource(r).side,
    });
  }

  private defineTypes(ctx: TypeContext, fill: (live: LiveTypes) => void): void {
    const live = new LiveTypes(this.resolve);
    fill(live);
    this.types.defineLive(ctx, live.order);
  }

  private uniqueName(name: string): string {
    if (this.functionNames.has(name)) throw new CRefusal(`two functions would both be named \`${name}\` in C`);
    this.functionNames.add(name);
    return name;
  }

  /** The name `--async` filters match a function by. */
  private filterName(key: WorldKey | undefined, func: Function): string {
    return key === undefined ? func.name : `${this.resolve.nameWorldKey(key)}#${func.name}`;
  }

  private importFunction(key: WorldKey | undefined, module: string, func: Function): void {
    if (this.options.asyncFilter.isAsync(this.filterName(key, func), func, true)) this.importAsync(key, module, func);
    else this.importSync(key, module, func);
    this.channelHelpers(module, func);
  }

  /**
   * An import called with the asynchronous ABI: the wrapper lowers flat
   * parameters (or passes the caller's pointer to them, the C layout being
   * the canonical one), passes the caller's result pointer, and returns the
   * subtask status without waiting.
   */
  private importAsync(key: WorldKey | undefined, module: string, func: Function): void {
    this.needsAsync = true;
    const name = this.uniqueName(cFunctionName(this.resolve, this.types.world, key, func, false, this.options.renames));
    const sig = cSignature(this.types, name, func, "async-import");
    const core = `__wasm_import_${name}`;
    if (sig.argsStruct !== undefined) this.types.hDefs.push(sig.argsStruct);
    this.hFns.push(`${docComment(func.docs.contents)}extern ${sig.text};\n`);
    const coreSig = flattenAsyncFunctionType(
      this.types.layout,
      func.params.map((p) => p.type),
      func.result,
      "lower",
    );
    let body = "";
    const coreArgs: string[] = [];
    if (sig.indirect) coreArgs.push(`(uint8_t *) ${sig.params[0].name}`);
    else if (func.params.length > 0) {
      const reserved = [...sig.params.map((p) => p.name), ...sig.retptrs.map((r) => r.name)];
      const emitter = new CEmitter(
        this,
        "async-import",
        sig,
        sig.params.map((p) => p.name),
        reserved,
      );
      // The flat lowering is that of a synchronous call of the same parameters.
      const lowered: Function = { ...synchronous(func), result: undefined };
      this.walker(emitter).walkFunction(lowered, "guest-import", "call", core);
      body = emitter.code();
      coreArgs.push(...emitter.asyncArgs);
    }
    if (func.result !== undefined) coreArgs.push("(uint8_t *) result");
    const params = coreSig.params.map((t, i) =>
      (sig.indirect && i === 0) || (func.result !== undefined && i === coreSig.params.length - 1)
        ? "uint8_t *"
        : coreCType[t],
    );
    this.cFns.push(
      `\n__attribute__((__import_module__("${module}"), __import_name__("[async-lower]${func.name}")))\n` +
        `extern int32_t ${core}(${params.length === 0 ? "void" : params.join(", ")});\n`,
    );
    this.cAdapters.push(`\n${sig.text} {\n${body}return ${core}(${coreArgs.join(", ")});\n}\n`);
  }

  private importSync(key: WorldKey | undefined, module: string, declared: Function): void {
    const func = synchronous(declared);
    const name = this.uniqueName(cFunctionName(this.resolve, this.types.world, key, func, false, this.options.renames));
    const sig = cSignature(this.types, name, func);
    const core = `__wasm_import_${name}`;
    this.hFns.push(`${docComment(func.docs.contents)}extern ${sig.text};\n`);
    const args = sig.params.map((p) => (p.option !== undefined ? p.base : p.byPointer ? `(*${p.name})` : p.name));
    const reserved = [...sig.params.flatMap((p) => [p.name, p.base]), ...sig.retptrs.map((r) => r.name)];
    const emitter = new CEmitter(this, "import", sig, args, reserved);
    for (const p of sig.params) {
      if (p.option === undefined) continue;
      emitter.line(`${this.types.name(p.type)} ${p.base};`);
      emitter.line(`${p.base}.is_some = ${p.name} != NULL;`);
      emitter.line(`if (${p.name}) {\n${p.base}.val = *${p.name};\n}`);
    }
    const signature = this.walker(emitter).walkFunction(func, "guest-import", "call", core);
    const params = signature.params.map((t) => coreCType[t]).join(", ");
    const result = signature.results.length === 0 ? "void" : coreCType[signature.results[0]];
    this.cFns.push(
      `\n__attribute__((__import_module__("${module}"), __import_name__("${func.name}")))\n` +
        `extern ${result} ${core}(${params === "" ? "void" : params});\n`,
    );
    this.cAdapters.push(`\n${sig.text} {\n${emitter.code()}}\n`);
  }

  private exportFunction(key: WorldKey | undefined, func: Function): void {
    if (this.options.asyncFilter.isAsync(this.filterName(key, func), func, false)) this.exportAsync(key, func);
    else this.exportSync(key, func);
    this.channelHelpers(`[export]${key === undefined ? "$root" : this.resolve.nameWorldKey(key)}`, func);
  }

  /**
   * An export lifted with the asynchronous ABI and a callback: the user's
   * function returns a callback code, `<name>_callback` takes the events the
   * task waits for, and `<name>_return` hands the result to `task.return`.
   */
  private exportAsync(key: WorldKey | undefined, func: Function): void {
    this.needsAsync = true;
    if (this.options.autodropBorrows && func.params.some((p) => this.types.holdsImportedBorrow(p.type)))
      throw new UnsupportedAutodropError(
        `Unable to autodrop borrows in the async export \`${func.name}\`, please disable autodrop`,
      );
    const w = this.types.world;
    const name = this.uniqueName(cFunctionName(this.resolve, w, key, func, true, this.options.renames));
    const sig = cSignature(this.types, name, func, "async-export");
    const base = key === undefined ? func.name : `${this.resolve.nameWorldKey(key)}#${func.name}`;
    const core = `__wasm_export_${name}`;
    this.hFns.push(`${docComment(func.docs.contents)}${sig.text};\n`);
    this.hFns.push(`${w}_callback_code_t ${name}_callback(${w}_event_t *event);\n`);
    const layout = this.types.layout;
    const flatCount = layout.flatten(func.params.map((p) => p.type)).length;
    const coreArgs = Array.from({ length: Math.max(flatCount, 1) }, (_, i) => `arg${i}`);
    const emitter = new CEmitter(this, "export", sig, coreArgs, coreArgs);
    const signature = this.walker(emitter).walkFunction(func, "guest-export", "implement", core);
    const params = signature.params.map((t, i) => `${coreCType[t]} arg${i}`).join(", ");
    this.cAdapters.push(
      `\n__attribute__((__export_name__("[async-lift]${base}")))\n` +
        `int32_t ${core}(${params === "" ? "void" : params}) {\n${emitter.code()}}\n`,
    );

    const module = `[export]${key === undefined ? "$root" : this.resolve.nameWorldKey(key)}`;
    const taskReturn = `${core}__task_return`;
    const returned = func.result === undefined ? "void" : `${this.types.name(func.result)} ret`;
    const lower = new CEmitter(this, "task-return", undefined, ["ret"], ["ret"]);
    const trSig = this.walker(lower).walkTaskReturn(func, taskReturn);
    const trParams = trSig.params.map((t) => coreCType[t]).join(", ");
    this.types.hHelpers.push(`\nvoid ${name}_return(${returned});\n`);
    this.types.cHelpers.push(
      `\n__attribute__((__export_name__("[callback][async-lift]${base}")))\n` +
        `uint32_t ${core}_callback(uint32_t event_raw, uint32_t waitable, uint32_t code) {\n` +
        `${w}_event_t event;\nevent.event = (${w}_event_code_t) event_raw;\nevent.waitable = waitable;\nevent.code = code;\n` +
        `return ${name}_callback(&event);\n}\n` +
        `\n__attribute__((__import_module__("${module}"), __import_name__("[task-return]${func.name}")))\n` +
        `extern void ${taskReturn}(${trParams === "" ? "void" : trParams});\n` +
        `\nvoid ${name}_return(${returned}) {\n${lower.code()}}\n`,
    );
  }

  /**
   * The helpers of the futures and streams of `func`'s signature, for each
   * C type not served yet: `<type>_new`, `_read`, `_write`, `_cancel_read`,
   * `_cancel_write`, `_drop_readable`, `_drop_writable`, over the built-ins
   * numbered after `func` and imported from `module`.
   */
  private channelHelpers(module: string, func: Function): void {
    futuresAndStreams(this.resolve, func).forEach((id, index) => {
      const ty = this.types.name(id);
      if (this.channels.has(ty)) return;
      this.channels.add(ty);
      this.needsAsync = true;
      const kind = this.resolve.types[id].kind;
      if (kind.kind !== "future" && kind.kind !== "stream") throw new Error("a future or stream expected");
      const h = channelHelpers(this.types, module, kind.kind, index, func.name, ty, kind.type);
      this.types.hHelpers.push(h.h);
      this.types.cHelpers.push(h.c);
    });
  }

  private exportSync(key: WorldKey | undefined, declared: Function): void {
    const func = synchronous(declared);
    const name = this.uniqueName(cFunctionName(this.resolve, this.types.world, key, func, true, this.options.renames));
    const sig = cSignature(this.types, name, func);
    const exportName = key === undefined ? func.name : `${this.resolve.nameWorldKey(key)}#${func.name}`;
    const core = `__wasm_export_${name}`;
    this.hFns.push(`${docComment(func.docs.contents)}${sig.text};\n`);
    const layout = this.types.layout;
    const flatCount = layout.flatten(func.params.map((p) => p.type)).length;
    const coreArgs = Array.from({ length: Math.max(flatCount, 1) }, (_, i) => `arg${i}`);
    const emitter = new CEmitter(this, "export", sig, coreArgs, coreArgs);
    emitter.autodrop = this.options.autodropBorrows === true;
    const signature = this.walker(emitter).walkFunction(func, "guest-export", "implement", core);
    const params = signature.params.map((t, i) => `${coreCType[t]} arg${i}`).join(", ");
    const result = signature.results.length === 0 ? "void" : coreCType[signature.results[0]];
    this.cAdapters.push(
      `\n__attribute__((__export_name__("${exportName}")))\n` +
        `${result} ${core}(${params === "" ? "void" : params}) {\n${emitter.code()}}\n`,
    );
    const post = new CEmitter(this, "post-return", undefined, ["arg0"], ["arg0"]);
    if (this.walker(post).walkPostReturn(func)) {
      this.cFns.push(
        `\n__attribute__((__weak__, __export_name__("cabi_post_${exportName}")))\n` +
          `void ${core}_post_return(int32_t arg0) {\n${post.code()}}\n`,
      );
    }
  }

  private section(title: string, target: string[], start: number): void {
    if (target.length > start) target.splice(start, 0, `\n// ${title}\n`);
  }

  generate(): { header: string; source: string; base: string } {
    const resolve = this.resolve;
    const w = resolve.worlds[this.world];
    const worldTypes: TypeId[] = [];
    const worldFuncs: Function[] = [];
    for (const { key, item } of w.imports.values()) {
      if (item.kind === "function") worldFuncs.push(item.func);
      else if (item.kind === "type") worldTypes.push(item.id);
      else {
        const module = resolve.nameWorldKey(key);
        const ctx: TypeContext = { key, iface: item.id, inImport: true, module };
        this.defineTypes(ctx, (live) => live.addInterface(item.id));
        this.interfaceFunctions(item.id, `Imported Functions from \`${module}\``, (f) =>
          this.importFunction(key, module, f),
        );
      }
    }
    const root: TypeContext = { key: undefined, iface: undefined, inImport: true, module: "$root" };
    if (worldTypes.length > 0) this.defineTypes(root, (live) => worldTypes.forEach((t) => live.addTypeId(t)));
    if (worldFuncs.length > 0) {
      this.defineTypes(root, (live) => worldFuncs.forEach((f) => live.addFunction(f)));
      this.functions(worldFuncs, `Imported Functions from \`${w.name}\``, (f) =>
        this.importFunction(undefined, "$root", f),
      );
    }
    const exportFuncs: Function[] = [];
    const exportIfaces: { key: WorldKey; id: InterfaceId }[] = [];
    for (const { key, item } of w.exports.values()) {
      if (item.kind === "function") exportFuncs.push(item.func);
      else if (item.kind === "interface") exportIfaces.push({ key, id: item.id });
    }
    if (exportFuncs.length > 0) {
      const ctx: TypeContext = { key: undefined, iface: undefined, inImport: false, module: undefined };
      this.defineTypes(ctx, (live) => exportFuncs.forEach((f) => live.addFunction(f)));
      this.functions(exportFuncs, `Exported Functions from \`${w.name}\``, (f) => this.exportFunction(undefined, f));
    }
    this.types.startExports();
    for (const { key, id } of exportIfaces) {
      const ctx: TypeContext = { key, iface: id, inImport: false, module: undefined };
      this.defineTypes(ctx, (live) => live.addInterface(id));
      this.interfaceFunctions(id, `Exported Functions from \`${resolve.nameWorldKey(key)}\``, (f) =>
        this.exportFunction(key, f),
      );
    }
    return this.assemble();
  }

  private interfaceFunctions(id: InterfaceId, title: string, each: (f: Function) => void): void {
    this.functions([...this.resolve.interfaces[id].functions.values()], title, each);
  }

  private functions(funcs: Function[], title: string, each: (f: Function) => void): void {
    if (funcs.length === 0) return;
    this.hFns.push(`\n// ${title}\n`);
    this.cFns.push(`\n// ${title}\n`);
    funcs.forEach(each);
  }

  private assemble(): { header: string; source: string; base: string } {
    const types = this.types;
    const w = types.world;
    const utf16 = this.options.encoding === "utf16";
    const preamble = `// Generated by \`${this.options.generator}\`. DO NOT EDIT!\n`;
    const guard = `__BINDINGS_${shouty(w)}_H`;

    const compact = this.options.encoding === "compact-utf16";
    const strings = types.needsString ? stringHelpers(this.options.encoding, w) : { h: "", c: "" };

    // Computed first: the error-context helpers may need the string type.
    const async =
      this.needsAsync ||
      types.needsErrorContext ||
      this.options.generateAsyncHelpers ||
      this.options.generateThreadingHelpers
        ? asyncHelpers(types, types.needsErrorContext)
        : undefined;
    if (async !== undefined && this.options.generateThreadingHelpers) async.h += threadingHelpers(w);
    const noHelpers = this.options.noHelpers === true;
    let h = "";
    if (types.needsString) h += stringType(this.options.encoding, w);
    if (async !== undefined) h += `\n// Async Helper Functions\n${async.h}`;
    h += types.hDefs.join("");
    h += this.hFns.join("");
    const helpers = types.hHelpers.join("") + strings.h;
    if (helpers !== "" && !noHelpers) h += `\n// Helper Functions\n${helpers}`;
    const header =
      preamble +
      `#ifndef ${guard}\n#define ${guard}\n#ifdef __cplusplus\nextern "C" {\n#endif\n\n` +
      `#include <stdint.h>\n#include <stdbool.h>\n#include <stddef.h>\n${(utf16 || compact) && types.needsString ? "#include <uchar.h>\n" : ""}` +
      indent(h) +
      `\n#ifdef __cplusplus\n}\n#endif\n#endif\n`;

    let c = "";
    for (const u of ["int32_float", "float_int32", "int64_double", "double_int64"])
      if (this.unions.has(u)) c += cTemplate("intrinsics.c", u, w);
    c += this.cFns.join("");
    c += "\n// Canonical ABI intrinsics\n";
    c += cTemplate("intrinsics.c", this.options.noRealloc ? "cabi_realloc-extern" : "cabi_realloc", w);
    if (this.retArea.size > 0) {
      c += `\n__attribute__((__aligned__(${this.retArea.align})))\nstatic uint8_t RET_AREA[${this.retArea.size}];\n`;
    }
    const cHelpers = types.cHelpers.join("") + strings.c;
    if (cHelpers !== "" && !noHelpers) c += `\n// Helper Functions\n${cHelpers}`;
    if (async !== undefined) c += `\n// Async Helper Functions\n${async.c}`;
    c += `\n// Component Adapters\n${this.cAdapters.join("")}`;
    const source =
      preamble +
      `#include "${w}.h"\n#include <stdlib.h>\n${types.needsString ? "#include <string.h>\n" : ""}` +
      indent(c) +
      this.metadataSection();
    return { header, source, base: w };
  }

  /** The world's `component-type` custom section, as data the assembler puts in the object file. */
  private metadataSection(): string {
    const name = metadataSectionName(this.resolve, this.world, {
      worldName: this.options.renameWorld,
      suffix: this.options.typeSectionSuffix,
    });
    const bytes = encodeMetadata(this.resolve, this.world, this.options.encoding);
    // WIT names hold neither quotes nor backslashes; keep the assembler string intact regardless.
    const safe = name.replace(/["\\]/g, "_");
    const lines: string[] = [];
    for (let i = 0; i < bytes.length; i += 32)
      lines.push(`  "  .byte ${Array.from(bytes.subarray(i, i + 32)).join(",")}\\n"\n`);
    return (
      `\n// The world's component type, for \`component new\`: a custom section of the object file.\n` +
      `__asm__(\n  ".section \\".custom_section.${safe}\\",\\"\\",@\\n"\n` +
      lines.join("") +
      `  "  .text\\n");\n`
    );
  }
}

/** Indents C code by its braces (two spaces a level); comment lines do not count. */
export function indent(code: string): string {
  let depth = 0;
  const out: string[] = [];
  for (const raw of code.split("\n")) {
    const line = raw.trim();
    if (line === "") {
      out.push("");
      continue;
    }
    const comment = line.startsWith("//");
    const counted = comment ? "" : line.replace(/"(?:[^"\\]|\\.)*"/g, '""');
    const opens = (counted.match(/{/g) ?? []).length;
    const closes = (counted.match(/}/g) ?? []).length;
    const leadingCloses = counted.match(/^}+/)?.[0].length ?? 0;
    const level = Math.max(0, depth - leadingCloses);
    out.push("  ".repeat(level) + line);
    depth = Math.max(0, depth + opens - closes);
  }
  return out.join("\n");
}

export function generateCWorld(
  resolve: Resolve,
  world: WorldId,
  options: CWorldOptions,
): { header: string; source: string; base: string } {
  return new WorldGenerator(resolve, world, options).generate();
}

export { snake };
