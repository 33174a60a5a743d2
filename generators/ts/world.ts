/**
 * The TypeScript host for one world: the module's frame (types, the import
 * and export interfaces, `instantiate`), the per-instance link step, and the
 * glue of every function, put together from `types.ts`, `glue.ts`,
 * `type-helpers.ts`, `import-checks.ts` and `runtime.ts`.
 */
import {
  TASK_BUILTINS,
  TASK_BUILTINS_MODULE,
  TASK_CANCEL_MODULE,
  channelBuiltinField,
  futuresAndStreams,
  isAsync,
  type ChannelOp,
} from "../../ir/abi/async.js";
import { AbiLayout, flattenAsyncFunctionType, flattenFunctionType, type StringEncoding } from "../../ir/abi/layout.js";
import { AbiWalker, unsupportedShape } from "../../ir/abi/walk.js";
import type { HelperCall } from "../../ir/abi/instructions.js";
import {
  INITIALIZE_EXPORT,
  MEMORY_EXPORT,
  REALLOC_EXPORT,
  worldAbi,
  type ExportedFunctionAbi,
  type ImportedFunctionAbi,
  type ResourceAbi,
  type WorldAbi,
} from "../../ir/abi/world.js";
import type { Resolve } from "../../ir/resolve.js";
import type { Function, InterfaceId, TypeId, WorldId } from "../../ir/types.js";
import { renderTemplate } from "../output.js";
import { resumableLift, resumableLowering } from "./blocking.js";
import { coreLetters, coreTs, FunctionEmitter, type HelperView, type TypeHelper } from "./glue.js";
import {
  camelCase,
  classMemberKey,
  exportAliases,
  staticName,
  topLevelExportName,
  jsDoc,
  propertyAccess,
  propertyKey,
  stringLiteral,
  typeName,
  valueName,
} from "./naming.js";
import { importCheck, importChecks, importHolder, type WantedImport } from "./import-checks.js";
import { helperClosure, helperCode } from "./runtime.js";
import { TypeHelpers, type PayloadContext, type TypeHelperModule } from "./type-helpers.js";
import { functionsByResource, methodName, plainKind, TsNames, TsTypes } from "./types.js";

export interface TsWorldOptions {
  encoding: StringEncoding;
  /** The generator's name and version, for the header. */
  generator: string;
}

/** A reason the world cannot have a TypeScript host yet, or `undefined`. */
export function unsupportedReason(resolve: Resolve, world: WorldId): string | undefined {
  const layout = new AbiLayout(resolve);
  const abi = worldAbi(resolve, world);
  const check = (f: Function): string | undefined => {
    for (const t of [...f.params.map((p) => p.type), ...(f.result === undefined ? [] : [f.result])]) {
      let found: string | undefined;
      layout.contains(t, (s) => {
        // Futures, streams (of any payload) and error contexts are served.
        if (s.kind === "error-context") return false;
        if (s.kind !== "future" && s.kind !== "stream") found ??= unsupportedShape(s);
        return found !== undefined;
      });
      if (found) return `\`${f.name}\` uses ${found}`;
    }
    return undefined;
  };
  for (const f of [...abi.imports.map((i) => i.func), ...abi.exports.map((e) => e.func)]) {
    const reason = check(f);
    if (reason) return reason;
  }
  return undefined;
}

class Module implements TypeHelperModule {
  readonly layout: AbiLayout;
  readonly names: TsNames;
  readonly types: TsTypes;
  readonly abi: WorldAbi;
  private helpers = new Set<string>();
  private constants = new Map<string, { name: string; code: string }>();
  private instanceHelpers = new Map<string, { name: string; code: string }>();
  memory = false;
  realloc = false;
  /** The per-type helpers and payload codecs (`typeHelper`, `payloadCodec`). */
  private readonly typeHelpers = new TypeHelpers(this);
  /** Exports set `$current` whatever their glue: the built-ins the guest calls during them report through it. */
  private builtinsNameExport = true;
  private readonly exportedInterfaces: Set<InterfaceId>;

  constructor(
    readonly resolve: Resolve,
    readonly world: WorldId,
    readonly options: TsWorldOptions,
  ) {
    this.layout = new AbiLayout(resolve);
    this.names = new TsNames(resolve, world);
    this.abi = worldAbi(resolve, world);
    this.exportedInterfaces = new Set(this.abi.interfaces.filter((i) => i.direction === "export").map((i) => i.id));
    this.types = new TsTypes(resolve, this.layout, this.names, this.abi.resourceSide);
  }

  use(helper: string): void {
    this.helpers.add(helper);
  }

  constant(key: string, code: (name: string) => string): string {
    let c = this.constants.get(key);
    if (!c) {
      const name = `$c${this.constants.size}`;
      c = { name, code: code(name) };
      this.constants.set(key, c);
    }
    return c.name;
  }

  instanceHelper(key: string, code: (name: string) => string): string {
    let c = this.instanceHelpers.get(key);
    if (!c) {
      const name = `$h${this.instanceHelpers.size}`;
      c = { name, code: "" };
      this.instanceHelpers.set(key, c);
      c.code = code(name);
    }
    return c.name;
  }

  payloadCodec(channelType: TypeId, context?: PayloadContext): string {
    return this.typeHelpers.payloadCodec(channelType, context);
  }

  typeHelper(call: HelperCall, view?: HelperView): TypeHelper {
    return this.typeHelpers.typeHelper(call, view);
  }

  usesMemory(): void {
    this.memory = true;
  }

  usesRealloc(): void {
    this.realloc = true;
    this.memory = true;
  }

  /**
   * An imported function only sees imported resources; an exported one sees
   * the resources of exported interfaces as exported (an interface both
   * imported and exported has two resource types of the same definition).
   */
  walker(emitter: FunctionEmitter, direction: "import" | "export"): AbiWalker<string> {
    const exported = this.exportedInterfaces;
    return new AbiWalker(this.layout, emitter, {
      encoding: this.options.encoding,
      pathName: (kind, name) => (kind === "parameter" ? valueName(name) : camelCase(name)),
      resourceSide: (r) => {
        const owner = this.resolve.types[r].owner;
        return direction === "export" && owner.kind === "interface" && exported.has(owner.id) ? "exported" : "imported";
      },
    });
  }

  // ---------------------------------------------------------------- imports

  private label(module: string | undefined, name: string): string {
    return module === undefined || module === "$root" ? name : `${module}#${name}`;
  }

  /**
   * The core function the guest imports for `f`, implemented by calling the
   * host; `sync`: an `async` function lowered synchronously, whose call
   * waits for the host's promise (blocking, with JSPI).
   */
  private importGlue(f: ImportedFunctionAbi, sync = false): string {
    const func = sync ? syncForm(f.func) : f.func;
    const field = sync ? f.syncField : f.field;
    const label = stringLiteral(this.label(f.module, field));
    const holder = importHolder(f);
    const hostCall = (args: string[]): string => {
      const resource = "resource" in func.kind ? func.kind.resource : -1;
      switch (plainKind(func)) {
        case "constructor":
          return `new ${holder}.${this.resourceTsName(resource)}(${args.join(", ")})`;
        case "static":
          return `${holder}.${this.resourceTsName(resource)}.${staticName(methodName(func.name))}(${args.join(", ")})`;
        case "method":
          return `${args[0]}.${camelCase(methodName(func.name))}(${args.slice(1).join(", ")})`;
        default:
          return `${propertyAccess(holder, camelCase(func.name))}(${args.join(", ")})`;
      }
    };
    const direct = this.types.directResult(func) !== undefined;
    const callUser = !sync
      ? hostCall
      : (args: string[]): string => {
          this.use("$mustNotBlock");
          if (direct) this.use("$asResult");
          const call = direct ? `$asResult(() => ${hostCall(args)})` : hostCall(args);
          return `$mustNotBlock(${call}, ${label})`;
        };
    const sigTypes = this.coreSignature(func, "guest-import");
    const args = sigTypes.params.map((_, i) => `$p${i}`);
    const emitter = new FunctionEmitter(this, func, "implement", {
      args,
      callUser,
      resourceKey: (resource, side) => this.resourceKey(f, resource, side),
      payloadOf: (type) => this.payloadCodec(type, { fn: f, direction: "import" }),
      helperView: { fn: f, direction: "import" },
      directResult: direct && !sync,
      label: sync ? undefined : label,
    });
    this.walker(emitter, "import").walkFunction(func, "guest-import", "implement", field);
    const params = args.map((a, i) => `${a}: ${coreTs(sigTypes.params[i])}`).join(", ");
    const ret = sigTypes.results.length ? coreTs(sigTypes.results[0]) : "void";
    this.use("$trap");
    const needsViews =
      sigTypes.paramsSpilled ||
      sigTypes.resultsSpilled ||
      func.params.some((p) => this.layout.needsMemory(p.type)) ||
      (func.result !== undefined && this.layout.needsMemory(func.result));
    const body = (sync && resumableLowering(emitter.lines, { refresh: needsViews, result: ret })) || emitter.lines;
    if (sync) this.use("$rt");
    return this.calledByGuest(
      `${stringLiteral(field)}(${params}): ${ret}`,
      label,
      `${needsViews ? "if ($u8.byteLength === 0) $refresh();\n" : ""}${body.join("\n")}`,
      emitter.needsCurrent,
    );
  }

  /**
   * A core function the guest calls: it may only be called while the guest
   * runs a call of ours; errors name `label`, and any exception leaves the
   * instance trapped (the guest's stack was unwound).
   */
  private calledByGuest(signature: string, label: string, body: string, current = true): string {
    this.use("$mayLeave");
    // Glue that names itself in its errors (`FunctionEmitter.needsCurrent`) leaves `$current` alone.
    if (!current)
      return `${signature} {
  if ($state !== 1) $cannotLeave(${label});
  try {
    ${body}
  } catch (e) {
    $state = 2;
    throw e;
  }
}`;
    return `${signature} {
  if ($state !== 1) $cannotLeave();
  const $prev = $current;
  $current = ${label};
  try {
    ${body}
  } catch (e) {
    $state = 2;
    throw e;
  } finally {
    $current = $prev;
  }
}`;
  }

  private coreSignature(func: Function, variant: "guest-import" | "guest-export") {
    const params = func.params.map((p) => p.type);
    const flatten = isAsync(func) ? flattenAsyncFunctionType : flattenFunctionType;
    return flatten(this.layout, params, func.result, variant === "guest-export" ? "lift" : "lower");
  }

  private resourceTsName(resource: TypeId): string {
    return typeName(this.resolve.types[resource].name!);
  }

  // ---------------------------------------------------------------- exports

  /**
   * The JS function that calls the guest's export `f`; `promise`: an `async`
   * function lifted synchronously, whose call gives a promise (its task may
   * block, with JSPI).
   */
  private exportGlue(f: ExportedFunctionAbi, name: string, coreVar: string, postVar: string, promise = false): string {
    const func = promise ? syncForm(f.func) : f.func;
    const direct = this.types.directResult(func);
    const params = func.params.map((p) => valueName(p.name));
    const signature = this.coreSignature(func, "guest-export");
    const emitter = new FunctionEmitter(this, func, "call", {
      args: params,
      coreFunction: coreVar,
      postReturn: postVar,
      resourceKey: (resource, side) => this.resourceKey(f, resource, side),
      payloadOf: (type) => this.payloadCodec(type, { fn: f, direction: "export" }),
      helperView: { fn: f, direction: "export" },
      directResult: direct !== undefined,
      refreshAfterCall: signature.resultsSpilled || (func.result !== undefined && this.layout.needsMemory(func.result)),
      label: promise ? undefined : stringLiteral(promise ? f.syncName : f.exportName),
    });
    const coreName = promise ? f.syncName : f.exportName;
    this.walker(emitter, "export").walkFunction(func, "guest-export", "call", coreName, f.postReturnName);
    this.use("$enter");
    this.use("$fail");
    const label = stringLiteral(coreName);
    const paramList = func.params.map((p, i) => `${params[i]}: ${this.types.expr(p.type, true)}`).join(", ");
    const resultType = func.result === undefined ? "void" : this.types.expr(func.result);
    const onError = [
      ...(emitter.lowersHandles ? ["$undoLowering();"] : []),
      ...(emitter.lendsBorrows ? ["$borrows = { n: 0 };"] : []),
      ...(emitter.hostLends ? ["$releaseHostLends();"] : []),
    ];
    const done = direct
      ? [
          `if ($result.tag === "err") throw new ComponentError($result.val);`,
          direct.ok === undefined ? "return;" : "return $result.val;",
        ]
      : func.result !== undefined
        ? ["return $result;"]
        : [];
    const after = func.result !== undefined ? [`$result = ${emitter.resultVar};`] : [];
    let body = [...emitter.lines, ...after];
    const lines: string[] = [];
    if (promise) {
      this.use("$rt");
      const all = [paramList, "$options?: { signal?: AbortSignal }"].filter((p) => p !== "").join(", ");
      lines.push(
        `function ${name}(${all}): ${this.types.promiseOf(func)} {`,
        `if ($rt.mustWait()) return $rt.whenFree(() => ${name}(${[...params, "$options"].join(", ")}), undefined, $options?.signal) as any;`,
        "try {",
      );
      const call = new RegExp(`\\${coreVar}\\(`);
      body = resumableLift(
        emitter.lines,
        emitter.lines.findIndex((line) => call.test(line)),
        { label, after, done, onError },
      );
    } else lines.push(`function ${name}(${paramList}): ${this.types.returnType(func)} {`);
    lines.push(`if ($state !== 0) $enterFailed(${label});`, "$state = 1;");
    // Glue whose only errors name it themselves leaves `$current` alone (a hot path: small calls).
    if (emitter.needsCurrent || this.builtinsNameExport) lines.push(`$current = ${label};`);
    if (func.result !== undefined) lines.push(`let $result: ${resultType};`);
    lines.push(
      "try {",
      ...(emitter.lowersHandles ? ["$recording = true;"] : []),
      ...(emitter.lendsBorrows ? ["$borrows = { n: 0 };"] : []),
      ...body,
      "} catch (e) {",
      ...onError,
      "$fail(e);",
      "}",
      `if ($state !== 1) $enterFailed(${label});`,
      "$state = 0;",
    );
    if (promise)
      lines.push(
        ...(direct ? [done[0]!] : []),
        `return Promise.resolve(${direct ? (direct.ok === undefined ? "" : "$result.val") : func.result !== undefined ? "$result" : ""}) as any;`,
        "} catch (e) {",
        "return Promise.reject(e);",
        "}",
      );
    else lines.push(...done);
    lines.push("}");
    return lines.join("\n");
  }

  /** The JS function that calls the guest's `async` export `f` (lifted with a callback): a promise of the result. */
  private asyncExportGlue(
    f: ExportedFunctionAbi,
    name: string,
    coreVar: string,
    callbackVar: string,
    sync: { flag: string; glue: string },
  ): string {
    const func = f.func;
    const direct = this.types.directResult(func);
    const params = func.params.map((p) => valueName(p.name));
    const emitter = new FunctionEmitter(this, func, "call", {
      args: params,
      coreFunction: coreVar,
      asyncCallback: callbackVar,
      maybeStackful: true,
      signal: "$options?.signal",
      suspendable: "$blocks",
      resourceKey: (resource, side) => this.resourceKey(f, resource, side),
      payloadOf: (type) => this.payloadCodec(type, { fn: f, direction: "export" }),
      directResult: false,
    });
    this.walker(emitter, "export").walkFunction(func, "guest-export", "call", f.exportName);
    this.use("$enter");
    this.use("$fail");
    const label = stringLiteral(f.exportName);
    const paramList = func.params.map((p, i) => `${params[i]}: ${this.types.expr(p.type, true)}`).join(", ");
    const resultType = func.result === undefined ? "void" : this.types.expr(func.result);
    // Like an `async` function, it reports every error (a bad argument, a trap) by rejecting.
    const allParams = [paramList, "$options?: { signal?: AbortSignal }"].filter((p) => p !== "").join(", ");
    const lines = [`function ${name}(${allParams}): ${this.types.promiseOf(func)} {`];
    lines.push(`if (${sync.flag}) return ${sync.glue}(${[...params, "$options"].join(", ")});`);
    // A call that must wait to start lowers its arguments only once it starts.
    lines.push(
      `if ($rt.mustWait()) return $rt.whenFree(() => ${name}(${[...params, "$options"].join(", ")}), undefined, $options?.signal) as any;`,
    );
    lines.push(`let $result: Promise<${resultType}>;`, "try {");
    // Borrows lent to the task are its own to drop before it returns.
    if (emitter.lendsBorrows) lines.push("$borrows = { n: 0 };");
    lines.push(`if ($state !== 0) $enterFailed(${label});`, "$state = 1;", `$current = ${label};`);
    lines.push("try {", ...emitter.lines, `$result = ${emitter.resultVar};`, "} catch (e) {", "$fail(e);", "}");
    // The first turn of the task ran (unless backpressure queued it); a trap in it poisoned the instance.
    lines.push("if ($state === 1) $state = 0;");
    lines.push("} catch (e) {", "return Promise.reject(e);", "}");
    if (direct) {
      lines.push(
        `return $result.then((r) => {`,
        `if (r.tag === "err") throw new ComponentError(r.val);`,
        direct.ok === undefined ? "return;" : "return r.val;",
        `});`,
      );
    } else lines.push(`return $result as unknown as ${this.types.promiseOf(func)};`);
    lines.push("}");
    return lines.join("\n");
  }

  /** The `task.return` built-in of the `async` export `f`: lifts the result and settles the caller's promise. */
  private taskReturnGlue(f: ExportedFunctionAbi): string {
    const returned: Function = {
      ...f.func,
      kind: { kind: "freestanding" },
      params: f.func.result === undefined ? [] : [{ name: "result", type: f.func.result }],
      result: undefined,
    } as Function;
    const sigTypes = this.coreSignature(returned, "guest-import");
    const args = sigTypes.params.map((_, i) => `$p${i}`);
    this.use("$rt");
    const emitter = new FunctionEmitter(this, returned, "implement", {
      args,
      callUser: (values) => `$rt.taskReturn([${values.join(", ")}])`,
      resourceKey: (resource, side) => this.resourceKey(f, resource, side),
      payloadOf: (type) => this.payloadCodec(type, { fn: f, direction: "export" }),
      directResult: false,
    });
    // The result's resources are seen as the exported function sees them.
    this.walker(emitter, "export").walkFunction(returned, "guest-import", "implement", f.taskReturnField);
    const params = args.map((a, i) => `${a}: ${coreTs(sigTypes.params[i])}`).join(", ");
    const needsViews =
      sigTypes.paramsSpilled || (f.func.result !== undefined && this.layout.needsMemory(f.func.result));
    return this.calledByGuest(
      `${stringLiteral(f.taskReturnField)}(${params}): void`,
      stringLiteral(this.label(f.taskReturnModule, f.taskReturnField)),
      `${needsViews ? "if ($u8.byteLength === 0) $refresh();\n" : ""}${emitter.lines.join("\n")}`,
    );
  }

  /** The built-ins of the `index`th future or stream type of function `funcName`. */
  private channelBuiltins(type: TypeId, index: number, funcName: string, context: PayloadContext): string[] {
    const kind = this.resolve.types[type].kind.kind === "stream" ? "stream" : "future";
    const payload = this.payloadCodec(type, context);
    this.use("$rt");
    const field = (op: ChannelOp, asyncLowered = false) =>
      stringLiteral(channelBuiltinField(kind, op, index, funcName, asyncLowered));
    // A future copies one value; a stream as many as the guest says.
    const [countParam, count] = kind === "stream" ? [", count: number", "count"] : ["", "1"];
    const out = [
      `${field("new")}(): bigint {\nreturn $rt.channelNew("${kind}", ${payload});\n}`,
      `${field("drop-readable")}(end: number): void {\n$rt.channelDrop("${kind}", "readable", ${payload}, end);\n}`,
      `${field("drop-writable")}(end: number): void {\n$rt.channelDrop("${kind}", "writable", ${payload}, end);\n}`,
    ];
    for (const async of [false, true]) {
      for (const op of ["read", "write"] as const)
        out.push(
          `${field(op, async)}(end: number, ptr: number${countParam}): number {\nreturn $rt.channelCopy("${kind}", "${op}", ${payload}, end, ptr, ${count}, ${async});\n}`,
        );
      for (const op of ["read", "write"] as const)
        out.push(
          `${field(`cancel-${op}`, async)}(end: number): number {\nreturn $rt.channelCancel("${kind}", "${op}", ${payload}, end, ${async});\n}`,
        );
    }
    return out;
  }

  /** The task and waitable built-ins an async guest imports, by module. */
  private taskBuiltins(): [module: string, glue: string][] {
    this.use("$rt");
    this.usesMemory();
    const b = TASK_BUILTINS;
    const f = (field: string, params: string, body: string, ret = "void") =>
      `${stringLiteral(field)}(${params}): ${ret} {\n${body}\n}`;
    const store = `(handle, payload) => {
if ($u8.byteLength === 0) $refresh();
$dv.setUint32(ptr, handle, true);
$dv.setUint32(ptr + 4, payload, true);
}`;
    const root = TASK_BUILTINS_MODULE;
    return [
      [root, f(b.waitableSetNew.field, "", "return $rt.waitableSetNew();", "number")],
      [root, f(b.waitableSetDrop.field, "set: number", "$rt.waitableSetDrop(set);")],
      [root, f(b.waitableJoin.field, "w: number, set: number", "$rt.waitableJoin(w, set);")],
      [
        root,
        f(
          b.waitableSetWait.field,
          "set: number, ptr: number",
          `return $rt.waitableSetPollOrWait(set, true, ${store});`,
          "number",
        ),
      ],
      [
        root,
        f(
          b.waitableSetPoll.field,
          "set: number, ptr: number",
          `return $rt.waitableSetPollOrWait(set, false, ${store});`,
          "number",
        ),
      ],
      [root, f(b.subtaskDrop.field, "subtask: number", "$rt.subtaskDrop(subtask);")],
      [root, f(b.subtaskCancel.field, "subtask: number", "return $rt.subtaskCancel(subtask, false);", "number")],
      [
        root,
        f(
          `[async-lower]${b.subtaskCancel.field}`,
          "subtask: number",
          "return $rt.subtaskCancel(subtask, true);",
          "number",
        ),
      ],
      [root, f(b.contextGet.field, "", "return $rt.contextGet(0);", "number")],
      [root, f(b.contextSet.field, "value: number", "$rt.contextSet(0, value);")],
      [root, f(b.backpressureInc.field, "", "$rt.backpressureInc();")],
      [root, f(b.backpressureDec.field, "", "$rt.backpressureDec();")],
      [root, f("[backpressure-set]", "on: number", "if (on !== 0) $rt.backpressureInc(); else $rt.backpressureDec();")],
      // Without stack switching a synchronous yield has nothing to switch to: it returns at once, not cancelled.
      [root, f(b.yield.field, "", "return $rt.threadYield();", "number")],
      [root, f("[cancellable][thread-yield]", "", "return $rt.threadYield(true);", "number")],
      [root, f("[context-get-1]", "", "return $rt.contextGet(1);", "number")],
      [root, f("[context-set-1]", "value: number", "$rt.contextSet(1, value);")],
      // Threads (wit-component's names): a start function is an index in the module's function table.
      [root, f("[thread-index]", "", "return $async.threadIndex($rt);", "number")],
      [
        root,
        f(
          "[thread-new-indirect-v0]",
          "fi: number, arg: number",
          `if ($indirectTable === undefined) $trap("the module does not export its function table (__indirect_function_table)");\nreturn $async.threadNew($rt, $indirectTable, fi >>> 0, arg);`,
          "number",
        ),
      ],
      [root, f("[thread-resume-later]", "i: number", "$async.threadResumeLater($rt, i);")],
      ...[false, true].map(
        (c) =>
          [
            root,
            f(
              `${c ? "[cancellable]" : ""}[thread-suspend]`,
              "",
              `return $async.threadSwitch($rt, "thread.suspend", undefined, false, false, ${c});`,
              "number",
            ),
          ] as [string, string],
      ),
      ...["suspend-then-resume", "yield-then-resume", "suspend-then-promote", "yield-then-promote"].flatMap((op) =>
        [false, true].map(
          (c) =>
            [
              root,
              f(
                `${c ? "[cancellable]" : ""}[thread-${op}]`,
                "i: number",
                `return $async.threadSwitch($rt, "thread.${op}", i, ${op.startsWith("yield")}, ${op.endsWith("promote")}, ${c});`,
                "number",
              ),
            ] as [string, string],
        ),
      ),
      [TASK_CANCEL_MODULE, f(b.taskCancel.field, "", "$rt.taskCancel();")],
      ...this.errorContextBuiltins().map((g) => [root, g] as [string, string]),
    ];
  }

  /** Whether any function of the world passes an `error-context`. */
  private usesErrorContext(): boolean {
    const types = [...this.abi.imports, ...this.abi.exports].flatMap(({ func }) => [
      ...func.params.map((p) => p.type),
      ...(func.result === undefined ? [] : [func.result]),
    ]);
    return types.some((t) => this.layout.contains(t, (s) => s.kind === "error-context"));
  }

  /**
   * `error-context.new`, `.debug-message` (their messages in the guest's
   * string encoding) and `.drop`: none unless the world passes error contexts.
   */
  private errorContextBuiltins(): string[] {
    if (!this.usesErrorContext()) return [];
    const encoding = this.options.encoding;
    const message = {
      name: "error-context.new",
      kind: { kind: "freestanding" },
      params: [{ name: "message", type: "string" }],
      result: undefined,
    } as unknown as Function;
    const lift = new FunctionEmitter(this, message, "implement", {
      args: ["ptr", "len"],
      callUser: (values) => `($handle = $rt.errorContextNew(${values[0]}))`,
      directResult: false,
    });
    this.walker(lift, "import").walkFunction(message, "guest-import", "implement", "error-context.new");
    const holder = { name: "debug-message", kind: { kind: "freestanding" }, params: [], result: undefined };
    const lower = new FunctionEmitter(this, holder as unknown as Function, "implement", {
      args: ["value", "ptr"],
      directResult: false,
    });
    this.walker(lower, "import").walkPayloadLower("string");
    this.usesRealloc();
    return [
      `${stringLiteral(`[error-context-new-${encoding}]`)}(ptr: number, len: number): number {
if ($u8.byteLength === 0) $refresh();
let $handle = 0;
${lift.lines.filter((l) => l !== "return;").join("\n")}
return $handle;
}`,
      `${stringLiteral(`[error-context-debug-message-${encoding}]`)}(index: number, ptr: number): void {
const value = $rt.errorContextMessage(index);
if ($u8.byteLength === 0) $refresh();
${lower.lines.join("\n")}
}`,
      `"[error-context-drop]"(index: number): void {\n$rt.errorContextDrop(index);\n}`,
    ];
  }

  // -------------------------------------------------------------- generate

  generate(): string {
    const worldId = this.worldId();
    const body: string[] = [];
    const coreImports = new Map<string, string[]>();
    const addImport = (module: string, code: string) => {
      const list = coreImports.get(module) ?? [];
      list.push(code);
      coreImports.set(module, list);
    };
    const wanted: WantedImport[] = [];

    // Imported functions; an `async` one may be lowered synchronously too.
    const lowered: string[] = [];
    for (const f of this.abi.imports) {
      addImport(f.module, this.importGlue(f));
      wanted.push({
        module: f.module,
        fields: f.async ? [f.field, f.syncField] : [f.field],
        check: importCheck(this.resolve, f),
      });
      if (!f.async) continue;
      addImport(f.module, this.importGlue(f, true));
      const sig = this.coreSignature(syncForm(f.func), "guest-import");
      lowered.push(
        `${stringLiteral(`${f.module}\n${f.syncField}`)}: "${coreLetters(sig.params)}:${coreLetters(sig.results)}"`,
      );
    }

    // Resources.
    const exportedResources: ResourceAbi[] = [];
    for (const r of this.abi.resources) {
      if (r.side === "imported") {
        body.push(this.importedResourceHelpers(r));
        addImport(r.dropModule, this.importedDrop(r));
      } else {
        exportedResources.push(r);
        addImport(r.dropModule, this.exportedIntrinsics(r));
      }
    }

    // Exported functions.
    if (this.abi.exports.length) this.use("$exportedFunction");
    const coreVars: string[] = [];
    const bindLines: string[] = [];
    const exportFns = new Map<ExportedFunctionAbi, string>();
    const asyncWorld = [...this.abi.imports, ...this.abi.exports].some((f) => f.async);
    // The built-ins the guest may call during an export (resource intrinsics, the async ABI's) name it in their traps.
    this.builtinsNameExport = exportedResources.length > 0 || asyncWorld;
    this.abi.exports.forEach((f, i) => {
      const coreVar = `$core${i}`;
      const postVar = `$post${i}`;
      const name = `$export${i}`;
      coreVars.push(
        `let ${coreVar}: (...args: any[]) => any;`,
        `let ${postVar}: ((...args: any[]) => void) | undefined;`,
      );
      bindLines.push(
        `${coreVar} = $exportedFunction(exports, ${stringLiteral(f.exportName)});`,
        `${postVar} = exports[${stringLiteral(f.postReturnName)}] as typeof ${postVar};`,
      );
      if (f.async) {
        const callbackVar = `$callback${i}`;
        const syncVar = `$sync${i}`;
        coreVars.push(`let ${callbackVar}: ((...args: any[]) => any) | undefined;`, `let ${syncVar} = false;`);
        // Lifted with a callback, stackful, or synchronously: as the module exports it.
        this.use("$asyncExport");
        const params = coreLetters(this.coreSignature(f.func, "guest-export").params);
        const sync = this.coreSignature(syncForm(f.func), "guest-export");
        bindLines.pop();
        bindLines.pop();
        bindLines.push(
          `({ core: ${coreVar}, callback: ${callbackVar}, post: ${postVar}, sync: ${syncVar} } = $asyncExport(exports, ${stringLiteral(f.syncName)}, $blocks, "${params}", "${coreLetters(sync.params)}:${coreLetters(sync.results)}"));`,
        );
        addImport(f.taskReturnModule, this.taskReturnGlue(f));
        body.push(this.exportGlue(f, `${name}s`, coreVar, postVar, true));
        body.push(this.asyncExportGlue(f, name, coreVar, callbackVar, { flag: syncVar, glue: `${name}s` }));
        exportFns.set(f, name);
        return;
      }
      // In an async world a synchronous export is a task too: the built-ins it calls find it.
      if (asyncWorld) {
        this.use("$rt");
        bindLines.push(`{`, `const f = ${coreVar};`, `${coreVar} = (...args) => $rt.syncTask(() => f(...args));`, `}`);
      }
      body.push(this.exportGlue(f, name, coreVar, postVar));
      exportFns.set(f, name);
    });
    for (const r of exportedResources) body.push(this.exportedResourceClass(r, exportFns, bindLines));
    if (asyncWorld) {
      for (const [module, glue] of this.taskBuiltins()) addImport(module, glue);
      this.use("$indirectTable");
      bindLines.push(`$indirectTable = exports["__indirect_function_table"] as WebAssembly.Table | undefined;`);
    } else if (this.usesErrorContext()) {
      // A synchronous world may pass error contexts too.
      this.use("$rt");
      for (const glue of this.errorContextBuiltins()) addImport(TASK_BUILTINS_MODULE, glue);
    }
    for (const f of [...this.abi.imports, ...this.abi.exports])
      for (const [index, type] of futuresAndStreams(this.resolve, f.func).entries())
        for (const glue of this.channelBuiltins(type, index, f.func.name, {
          fn: f,
          direction: this.abi.exports.includes(f as ExportedFunctionAbi) ? "export" : "import",
        }))
          addImport(f.builtinsModule, glue);

    // The exports object.
    const exportsObject = this.exportsObject(exportFns, exportedResources);

    // Module text.
    const instanceHelpers = [...this.instanceHelpers.values()].map((h) => h.code);
    if (this.memory) this.use("$views");
    this.use("$trap");
    const allHelpers = helperClosure(this.helpers);
    const moduleHelpers = allHelpers.filter((h) => helperCode(h).scope === "module").map((h) => helperCode(h).code);
    const instanceRuntime = allHelpers.filter((h) => helperCode(h).scope === "instance").map((h) => helperCode(h).code);

    this.helpers.add("$compile");
    const encodingName = { utf8: "UTF-8", utf16: "UTF-16", "latin1+utf16": "latin1+UTF-16" }[this.options.encoding];
    const frame = {
      generator: this.options.generator,
      worldId,
      encoding: encodingName,
      types: this.typeNamespaces().join("\n"),
      importObject: this.importObjectInterface(),
      exportsInterface: this.exportsInterface(),
      helpers: [...moduleHelpers, helperCode("$compile").code, ...[...this.constants.values()].map((c) => c.code)].join(
        "\n",
      ),
    };
    const out: string[] = [];
    const wantedChecks = importChecks(wanted);
    const ours = [...coreImports.keys()];
    out.push(
      // `var`: read by every call, and closures' reads of a `let` check it is initialised.
      `var $state = 0;`,
      `var $current = "";`,
      ...instanceRuntime,
      ...instanceHelpers,
      ...coreVars,
      ...(asyncWorld ? ["let $blocks = false;"] : []),
      ...body,
      `const ours = new Set<string>([${ours.map((m) => JSON.stringify(m)).join(", ")}]);`,
      `const wanted = new Set<string>();`,
      `for (const i of WebAssembly.Module.imports(module)) {`,
      `if (ours.has(i.module)) wanted.add(\`\${i.module}\\n\${i.name}\`);`,
      `else if (options.coreImports?.[i.module]?.[i.name] === undefined)`,
      `throw new TypeError(\`the core module imports \${i.module}#\${i.name}, which is not in the world ${worldId} (give extra core imports in options.coreImports)\`);`,
      `}`,
      wantedChecks,
      `const coreImports: WebAssembly.Imports = { ...options.coreImports };`,
    );
    for (const [module, fns] of coreImports) {
      // A key is quoted only when it must be.
      const entries = fns.map((f) => f.replace(/^"([A-Za-z_$][\w$]*)"(?=\()/, "$1"));
      out.push(`coreImports[${stringLiteral(module)}] = {`, entries.map((f) => `${f},`).join("\n"), `};`);
    }
    // With JSPI, the built-ins that may block suspend the guest's stack when they must wait.
    if (asyncWorld)
      out.push(
        `$blocks = $async.wrapBlocking(module, coreImports${lowered.length ? `, { ${lowered.join(", ")} }` : ""});`,
      );
    out.push(
      `for (const i of WebAssembly.Module.imports(module)) {`,
      `if (ours.has(i.module) && !(i.name in coreImports[i.module]))`,
      `throw new TypeError(\`the core module imports \${i.module}#\${i.name}, which the world ${worldId} does not have\`);`,
      `}`,
    );
    out.push(
      `function bind(instance: WebAssembly.Instance): Exports {`,
      `const exports = instance.exports;`,
      this.memory
        ? `$memory = exports[${stringLiteral(MEMORY_EXPORT)}] instanceof WebAssembly.Memory ? (exports[${stringLiteral(MEMORY_EXPORT)}] as WebAssembly.Memory) : undefined;`
        : "",
      this.memory ? `if ($memory !== undefined) $refresh();` : "",
      this.realloc ? `$realloc = exports[${stringLiteral(REALLOC_EXPORT)}] as typeof $realloc;` : "",
      ...bindLines,
      `const init = exports[${stringLiteral(INITIALIZE_EXPORT)}];`,
      `if (typeof init === "function") {`,
      `$state = 1;`,
      `$current = ${stringLiteral(INITIALIZE_EXPORT)};`,
      `try {`,
      `init();`,
      `} catch (e) {`,
      `$state = 2;`,
      `throw e;`,
      `}`,
      `if ($state !== 1) throw new Error("_initialize: the instance trapped");`,
      `$state = 0;`,
      `}`,
      `const $exports = ${exportsObject};`,
      allHelpers.includes("$handles")
        ? `$liveHandles.set($exports, () => $table.length - 1 - $free.length);`
        : `$liveHandles.set($exports, () => 0);`,
      `return $exports;`,
      `}`,
      `return { coreImports, bind };`,
    );
    return renderTemplate("ts/host.ts.hbs", { ...frame, link: out.join("\n") });
  }

  private worldId(): string {
    const w = this.resolve.worlds[this.world];
    if (w.package === undefined) return w.name;
    return this.resolve.idOfName(w.package, w.name);
  }

  // ------------------------------------------------------------- resources

  private resourceIndex(r: ResourceAbi): number {
    return this.abi.resources.indexOf(r);
  }

  /**
   * The resource a handle refers to, for a function of the interface the
   * world names `interfaceName`: a resource of the function's own interface
   * is that import's (or export's) copy; another interface's resource is the
   * copy of the first import (or export) of that interface.
   */
  resourceKey(
    fn: { iface: InterfaceId | undefined; interfaceName: string | undefined },
    resource: TypeId,
    side: "imported" | "exported",
  ): number {
    const owner = this.resolve.types[resource].owner;
    let name: string | undefined;
    if (owner.kind === "interface") {
      if (owner.id === fn.iface) name = fn.interfaceName;
      else {
        const direction = side === "exported" ? "export" : "import";
        name = this.abi.interfaces.find((i) => i.id === owner.id && i.direction === direction)?.name;
      }
    }
    const index = this.abi.resources.findIndex(
      (r) => r.resource === resource && r.side === side && r.interfaceName === name,
    );
    if (index < 0) throw new Error(`resource ${this.resolve.types[resource].name} is not in the world`);
    return index;
  }

  private resourceType(r: ResourceAbi): string {
    return this.names.qualified(r.resource);
  }

  private importedResourceHelpers(r: ResourceAbi): string {
    this.use("$handles");
    this.use("$undo");
    this.use("$typeError");
    this.use("$borrows");
    this.use("$lends");
    const n = this.resourceIndex(r);
    const ht = n;
    const t = this.resourceType(r);
    const expected = stringLiteral(`a ${typeName(r.name)} object`);
    return `
function $lowerOwn${n}(v: ${t}, path: string): number {
  if ((typeof v !== "object" && typeof v !== "function") || v === null) $typeError(path, ${expected}, v);
  const h = $addHandle(${ht}, v, true);
  if ($recording) $madeHandles.push(h);
  return h;
}
function $lowerBorrow${n}(v: ${t}, path: string): number {
  if ((typeof v !== "object" && typeof v !== "function") || v === null) $typeError(path, ${expected}, v);
  const h = $addBorrow(${ht}, v);
  if ($recording) $madeHandles.push(h);
  return h;
}
function $liftOwn${n}(h: number): ${t} {
  return $removeHandle(h, ${ht}, true).rep as ${t};
}
function $liftBorrow${n}(h: number): ${t} {
  const handle = $getHandle(h, ${ht});
  handle.lends++;
  $lent.push(handle);
  return handle.rep as ${t};
}`;
  }

  private importedDrop(r: ResourceAbi): string {
    const ht = this.resourceIndex(r);
    return this.calledByGuest(
      `${stringLiteral(r.dropField)}(h: number): void`,
      stringLiteral(this.label(r.dropModule, r.dropField)),
      `const handle = $removeHandle(h, ${ht}, false);
    if (!handle.own) handle.scope!.n--;
    else {
      const rep = handle.rep as { [Symbol.dispose]?: () => void };
      if (typeof rep[Symbol.dispose] === "function") rep[Symbol.dispose]!();
    }`,
    );
  }

  private exportedIntrinsics(r: ResourceAbi): string {
    this.use("$handles");
    const n = this.resourceIndex(r);
    const ht = n;
    this.use("$mayLeave");
    return `${stringLiteral(r.newField!)}(rep: number): number {
  if ($state !== 1) $cannotLeave();
  return $addHandle(${ht}, rep >>> 0, true);
},
${stringLiteral(r.repField!)}(h: number): number {
  if ($state !== 1) $cannotLeave();
  return $getHandle(h, ${ht}).rep as number;
},
${stringLiteral(r.dropField)}(h: number): void {
  if ($state !== 1) $cannotLeave();
  const handle = $removeHandle(h, ${ht}, false);
  if (handle.own && $dtor${n} !== undefined) $dtor${n}(handle.rep as number);
}`;
  }

  private exportedResourceClass(
    r: ResourceAbi,
    exportFns: Map<ExportedFunctionAbi, string>,
    bindLines: string[],
  ): string {
    this.use("$resourceKeys");
    this.use("$handles");
    this.use("$typeError");
    this.use("$usageError");
    this.use("$hostLends");
    this.use("$enter");
    this.use("$undo");
    const n = this.resourceIndex(r);
    const ht = n;
    const t = this.resourceType(r);
    const cls = `$Resource${n}`;
    const name = typeName(r.name);
    bindLines.push(`$dtor${n} = exports[${stringLiteral(r.dtorExport!)}] as typeof $dtor${n};`);
    const members: string[] = [];
    const hasStaticName = [...exportFns.keys()].some(
      (f) =>
        plainKind(f.func) === "static" &&
        (f.func.kind as { resource: TypeId }).resource === r.resource &&
        staticName(methodName(f.func.name)) === "name",
    );
    let ctor = `constructor() {\nthrow new TypeError(${stringLiteral(`${name} has no constructor`)});\n}`;
    for (const [f, fn] of exportFns) {
      const k = f.func.kind;
      if (!("resource" in k) || k.resource !== r.resource || f.iface !== r.iface) continue;
      const doc = jsDoc(f.func.docs.contents);
      if (k.kind === "constructor") {
        const params = f.func.params.map((p) => `${valueName(p.name)}: ${this.types.expr(p.type, true)}`).join(", ");
        ctor = `${doc}constructor(${params}) {\nreturn ${fn}(${f.func.params.map((p) => valueName(p.name)).join(", ")}) as ${cls};\n}`;
      } else if (plainKind(f.func) === "method" || plainKind(f.func) === "static") {
        const method = plainKind(f.func) === "method";
        const sig = this.types.signature(f.func, "export", method);
        const args = (method ? f.func.params.slice(1) : f.func.params).map((p) => valueName(p.name));
        if (sig.options) args.push(sig.options);
        const call = `${fn}(${[...(method ? ["this"] : []), ...args].join(", ")})`;
        const key = method
          ? classMemberKey(camelCase(methodName(f.func.name)))
          : `static ${classMemberKey(staticName(methodName(f.func.name)))}`;
        members.push(`${doc}${key}(${sig.params}): ${sig.result} {\nreturn ${call};\n}`);
      }
    }
    const drop = stringLiteral(`${r.interfaceName}#[resource-drop]${r.name}`);
    return `
let $dtor${n}: ((rep: number) => void) | undefined;
const $registry${n} = new FinalizationRegistry<number>((rep) => {
  if ($state !== 0 || $dtor${n} === undefined) return;
  $state = 1;
  $current = ${drop};
  try {
    $dtor${n}(rep);
    if ($state === 1) $state = 0;
  } catch {
    $state = 2;
  }
});
class ${cls} implements ${t} {
  declare [$rep]: number;
  declare [$lends]: number;
  ${ctor}
  ${members.join("\n")}
  /** Drops the handle: the guest's destructor runs. Later calls do nothing. */
  [Symbol.dispose](): void {
    const rep = this[$rep];
    if (rep === undefined || rep < 0) return;
    if (this[$lends] !== 0) $usageError(${stringLiteral(`this ${name} is lent to a call in progress and cannot be disposed`)});
    this[$rep] = -1;
    $registry${n}.unregister(this);
    if ($dtor${n} === undefined) return;
    if ($state !== 0) $enterFailed(${drop});
    $state = 1;
    $current = ${drop};
    try {
      $dtor${n}(rep);
    } catch (e) {
      $state = 2;
      throw e;
    }
    if ($state !== 1) $enterFailed(${drop});
    $state = 0;
  }
}
${hasStaticName ? "" : `Object.defineProperty(${cls}, "name", { value: ${stringLiteral(name)} });`}
function $wrap${n}(rep: number): ${cls} {
  const o = Object.create(${cls}.prototype) as ${cls};
  o[$rep] = rep;
  o[$lends] = 0;
  $registry${n}.register(o, rep, o);
  return o;
}
function $live${n}(v: unknown, path: string): ${cls} {
  if (!(v instanceof ${cls})) $typeError(path, ${stringLiteral(`a ${name} of this instance`)}, v);
  if (!(v[$rep] >= 0)) $usageError(\`\\\`\${path}\\\`: this ${name} was disposed or moved\`);
  return v;
}
function $liftOwn${n}(h: number): ${cls} {
  return $wrap${n}($removeHandle(h, ${ht}, true).rep as number);
}
function $liftBorrow${n}(h: number): ${cls} {
  const o = Object.create(${cls}.prototype) as ${cls};
  o[$rep] = $getHandle(h, ${ht}).rep as number;
  o[$lends] = 0;
  return o;
}
function $lowerOwn${n}(v: ${t}, path: string): number {
  const o = $live${n}(v, path);
  if (o[$lends] !== 0) $usageError(\`\\\`\${path}\\\`: this ${name} is lent to this call and cannot also be moved\`);
  const rep = o[$rep];
  o[$rep] = -1;
  $registry${n}.unregister(o);
  const h = $addHandle(${ht}, rep, true);
  if ($recording) {
    $movedObjects.push({ o, rep, restore: $restore${n} });
    $madeHandles.push(h);
  }
  return h;
}
function $restore${n}(o: object, rep: number): void {
  (o as ${cls})[$rep] = rep;
  $registry${n}.register(o, rep, o);
}
function $lowerBorrow${n}(v: ${t}, path: string): number {
  const o = $live${n}(v, path);
  o[$lends]++;
  $hostLent.push(o);
  return o[$rep];
}`;
  }

  // ----------------------------------------------------------- interfaces

  private interfaceTypes(iface: InterfaceId): string {
    const i = this.resolve.interfaces[iface];
    return this.types.declarations(i.types, functionsByResource(i.functions.values()));
  }

  private typeNamespaces(): string[] {
    const out: string[] = [];
    for (const [key, ns] of this.names.namespaces) {
      let decls: string;
      let doc: string | undefined;
      if (key === "world") {
        const w = this.resolve.worlds[this.world];
        const types = new Map<string, TypeId>();
        for (const [, { item, key: k }] of w.imports)
          if (item.kind === "type" && k.kind === "name") types.set(k.name, item.id);
        const fns = [...w.imports.values()].flatMap((e) => (e.item.kind === "function" ? [e.item.func] : []));
        decls = this.types.declarations(types, functionsByResource(fns));
        doc = w.docs.contents;
      } else {
        decls = this.interfaceTypes(key);
        doc = this.resolve.interfaces[key].docs.contents;
      }
      if (!decls.trim()) continue;
      out.push(`${jsDoc(doc)}export namespace ${ns} {`, decls, `}`, "");
    }
    return out;
  }

  private functionSignature(func: Function, side: "import" | "export", name = camelCase(func.name)): string {
    const { params, result } = this.types.signature(func, side);
    return `${jsDoc(func.docs.contents)}${propertyKey(name)}(${params}): ${result};`;
  }

  private importObjectInterface(): string {
    const w = this.resolve.worlds[this.world];
    const lines = [`/** What the host provides: the world's imports. */`, `export interface ImportObject {`];
    for (const { key, item } of w.imports.values()) {
      if (item.kind === "function") {
        // A world-level resource's functions are reached through its class.
        if (isFreestanding(item.func)) lines.push(this.functionSignature(item.func, "import"));
      } else if (item.kind === "type") {
        const def = this.resolve.types[item.id];
        if (def.kind.kind === "resource" && key.kind === "name") {
          const fns = [...w.imports.values()].flatMap((e) =>
            e.item.kind === "function" && "resource" in e.item.func.kind && e.item.func.kind.resource === item.id
              ? [e.item.func]
              : [],
          );
          if (fns.some((f) => plainKind(f) === "constructor" || plainKind(f) === "static"))
            lines.push(`${typeName(key.name)}: ${this.names.qualified(item.id)}Class;`);
        }
      } else if (item.kind === "interface") {
        const iface = this.resolve.interfaces[item.id];
        const members: string[] = [];
        for (const func of iface.functions.values()) {
          if (isFreestanding(func)) members.push(this.functionSignature(func, "import"));
        }
        for (const [name, id] of iface.types) {
          if (this.resolve.types[id].kind.kind !== "resource") continue;
          const fns = functionsByResource(iface.functions.values()).get(id) ?? [];
          if (fns.some((f) => plainKind(f) === "constructor" || plainKind(f) === "static"))
            members.push(`${typeName(name)}: ${this.names.qualified(id)}Class;`);
        }
        const optional = members.length === 0 ? "?" : "";
        lines.push(
          `${jsDoc(item.docs.contents ?? iface.docs.contents)}${stringLiteral(this.resolve.nameWorldKey(key))}${optional}: {`,
          ...members,
          `};`,
        );
      }
    }
    lines.push("}", "");
    return lines.join("\n");
  }

  private exportAliases(): Map<string, string> {
    const w = this.resolve.worlds[this.world];
    const interfaces: { full: string; short: string }[] = [];
    const functions: string[] = [];
    for (const { key, item } of w.exports.values()) {
      if (item.kind === "function") functions.push(topLevelExportName(item.func.name));
      else if (item.kind === "interface") {
        const short = key.kind === "name" ? key.name : this.resolve.interfaces[item.id].name!;
        interfaces.push({ full: this.resolve.nameWorldKey(key), short });
      }
    }
    return exportAliases(interfaces, functions);
  }

  private exportsInterface(): string {
    const w = this.resolve.worlds[this.world];
    const lines = [`/** What the guest provides: the world's exports. */`, `export interface Exports {`];
    const aliases = this.exportAliases();
    for (const { key, item } of w.exports.values()) {
      if (item.kind === "function")
        lines.push(this.functionSignature(item.func, "export", topLevelExportName(item.func.name)));
      else if (item.kind === "interface") {
        const iface = this.resolve.interfaces[item.id];
        const full = this.resolve.nameWorldKey(key);
        lines.push(`${jsDoc(item.docs.contents ?? iface.docs.contents)}${stringLiteral(full)}: {`);
        for (const func of iface.functions.values()) {
          if (isFreestanding(func)) lines.push(this.functionSignature(func, "export"));
        }
        for (const [name, id] of iface.types) {
          if (this.resolve.types[id].kind.kind === "resource")
            lines.push(`${typeName(name)}: ${this.names.qualified(id)}Class;`);
        }
        lines.push("};");
        const alias = aliases.get(full);
        if (alias) lines.push(`/** The same as \`${full}\`. */`, `${alias}: Exports[${stringLiteral(full)}];`);
      }
    }
    lines.push("}", "");
    return lines.join("\n");
  }

  private exportsObject(exportFns: Map<ExportedFunctionAbi, string>, resources: ResourceAbi[]): string {
    const w = this.resolve.worlds[this.world];
    const aliases = this.exportAliases();
    const entries: string[] = [];
    const after: string[] = [];
    for (const { key, item } of w.exports.values()) {
      if (item.kind === "function") {
        const f = [...exportFns.keys()].find((e) => e.func === item.func)!;
        entries.push(`${propertyKey(topLevelExportName(item.func.name))}: ${exportFns.get(f)}`);
      } else if (item.kind === "interface") {
        const full = this.resolve.nameWorldKey(key);
        const members: string[] = [];
        for (const [f, fn] of exportFns) {
          if (f.iface === item.id && isFreestanding(f.func))
            members.push(`${propertyKey(camelCase(f.func.name))}: ${fn}`);
        }
        for (const r of resources)
          if (r.iface === item.id) members.push(`${typeName(r.name)}: $Resource${this.resourceIndex(r)}`);
        entries.push(`${stringLiteral(full)}: ${members.length === 0 ? "{}" : `{ ${members.join(", ")} }`}`);
        const alias = aliases.get(full);
        if (alias) after.push(`${alias}: undefined as unknown as Exports[${stringLiteral(full)}]`);
      }
    }
    if (after.length === 0) return entries.length === 0 ? "{}" : `{ ${entries.join(", ")} }`;
    const fixups = [...aliases].map(([full, alias]) => `result.${alias} = result[${stringLiteral(full)}];`);
    return `(() => {\nconst result: Exports = { ${[...entries, ...after].join(", ")} };\n${fixups.join("\n")}\nreturn result;\n})()`;
  }
}

/** Generates the TypeScript host module of `world`. */
export function generateTsWorld(resolve: Resolve, world: WorldId, options: TsWorldOptions): string {
  return new Module(resolve, world, options).generate();
}

/** An `async` function as its synchronous ABI sees it. */
function syncForm(func: Function): Function {
  return { ...func, kind: { ...func.kind, kind: plainKind(func) } } as Function;
}

/** A function that is not a resource's constructor, method or static function. */
function isFreestanding(func: Function): boolean {
  return func.kind.kind === "freestanding" || func.kind.kind === "async-freestanding";
}
