/**
 * The JavaScript of a transpiled component, from its plan: the per-instance
 * closures (`scopes.ts`), the glue of every lift and lowering (the same
 * walker and emitter as the WIT host), the resource helpers, the
 * straight-line instantiation steps and the exports object.
 */
import type {
  CoreRef,
  FuncValue,
  Plan,
  PlanExport,
  PlanLift,
  PlanLowering,
  PlanResource,
} from "../../../encoding/plan.js";
import { exportsStayingInside } from "../../../encoding/core-calls.js";
import type { StringEncodingOption } from "../../../encoding/decode/component.js";
import { AbiLayout, flattenAsyncFunctionType, flattenFunctionType, type AbiShape } from "../../../ir/abi/layout.js";
import { AbiWalker } from "../../../ir/abi/walk.js";
import { ComponentTypes } from "../../../ir/component-types.js";
import type { Function, Type, TypeId } from "../../../ir/types.js";
import { renderTemplate } from "../../output.js";
import { coreLetters, FunctionEmitter } from "../glue.js";
import { resumableLift, resumableLowering } from "../blocking.js";
import {
  camelCase,
  exportAliases,
  propertyAccess,
  propertyKey,
  staticName,
  stringLiteral,
  topLevelExportName,
  typeName,
  valueName,
} from "../naming.js";
import { helperClosure, helperCode } from "../runtime.js";
import { TsTypes, type TsNames } from "../types.js";
import { ComponentDeclarations } from "./declarations.js";
import { AsyncBuiltins, asyncInstances, blockingInstances, typeKey, type AsyncHost } from "./async.js";
import { InstanceScope, type ModuleScope, type OptionScope } from "./scopes.js";

export interface ComponentEmitOptions {
  /** The generator's name and version, for the header. */
  generator: string;
  /** The component's name (the output's base name). */
  name: string;
  /** File names of the core modules, in plan order. */
  moduleFiles: string[];
}

const coreTs = (t: string) => (t === "i64" ? "bigint" : "number");

/** Indents declarations by their braces (they are emitted one member a line, unindented). */
function indent(text: string): string {
  let depth = 0;
  return text
    .split("\n")
    .map((raw) => {
      const line = raw.trim();
      if (/^[}\]]/.test(line)) depth = Math.max(0, depth - 1);
      // The continuation lines of a doc comment keep their space before `*`.
      const out = line === "" ? "" : `${"  ".repeat(depth)}${line.startsWith("*") ? " " : ""}${line}`;
      if (/[{[]$/.test(line)) depth++;
      return out;
    })
    .join("\n")
    .replace(/\n{3,}/g, "\n\n");
}

/** The names of the variants of a lift whose results are raw, by the caller's string encoding. */
const rawSuffix: Record<StringEncodingOption, string> = { utf8: "Utf8", utf16: "Utf16", "latin1+utf16": "Latin1" };
const isHandle = (s: AbiShape): boolean => s.kind === "own" || s.kind === "borrow";
/** Whether glue calls a helper of ours (one that may raise an error naming the function). */
const usesHelpers = (lines: string[]): boolean => lines.some((line) => /\$(?!core\d|post\d)[A-Za-z]\w*\(/.test(line));

export class ComponentEmitter implements ModuleScope, AsyncHost {
  readonly types: ComponentTypes;
  readonly layout: AbiLayout;
  readonly ts: TsTypes;
  readonly decls: ComponentDeclarations;
  private readonly scopes: InstanceScope[];
  private readonly helpers = new Set<string>();
  private readonly constants = new Map<string, { name: string; code: string }>();
  private readonly steps: string[] = [];
  private readonly linkCode: string[] = [];
  /** Lifts already emitted, with the expression that calls them. */
  private readonly liftFns = new Map<string, string>();
  private readonly lowerFns = new Map<number, string>();
  private readonly resourceClasses = new Set<number>();
  private readonly importHolders = new Map<string, string>();
  /** Import lookups and checks, run first when the component is instantiated. */
  private readonly importLines: string[] = [];
  /** The instances that use the asynchronous ABI: each has an `$rt` runtime. */
  private readonly asyncSet: Set<number>;
  private readonly blockingSet: Set<number>;
  private readonly asyncBuiltins: AsyncBuiltins;

  constructor(
    readonly plan: Plan,
    readonly options: ComponentEmitOptions,
  ) {
    this.types = new ComponentTypes(plan);
    this.layout = new AbiLayout(this.types.resolve);
    this.decls = new ComponentDeclarations(plan, this.types);
    const names = { qualified: (id: TypeId) => this.resourceTsType(id) } as unknown as TsNames;
    this.ts = new TsTypes(this.types.resolve, this.layout, names, new Map());
    this.decls.attach(this.ts);
    this.scopes = plan.instances.map((i) => new InstanceScope(i.id, i.label, this));
    this.asyncSet = asyncInstances(plan);
    this.blockingSet = blockingInstances(plan);
    // A synchronous lowering of an async function may block too (with JSPI).
    for (const w of plan.lowerings) if (this.blockingLowering(w)) this.blockingSet.add(w.instance);
    this.asyncBuiltins = new AsyncBuiltins(this);
  }

  payloadType(scope: OptionScope, channelType: TypeId): string {
    return this.asyncBuiltins.payloadType(scope, channelType);
  }

  scope(instance: number): InstanceScope {
    return this.scopes[instance]!;
  }

  optionScope(instance: number, options: PlanLift["options"]): OptionScope {
    return this.scopes[instance]!.optionScope(options, this.ts);
  }

  /** The function as the ABI sees it: async when lifted or lowered `async`, whatever its type says. */
  private abiFunction(func: Function, async: boolean | undefined): Function {
    return { ...func, kind: { kind: async ? "async-freestanding" : "freestanding" } } as Function;
  }

  /** Whether a synchronous lift may block (with JSPI): see `lift`. */
  private liftBlocks(l: PlanLift): boolean {
    return (
      !l.async && this.blockingSet.has(l.instance) && ComponentEmitter.isAsyncType(this.types.func(l.type, l.label))
    );
  }

  /** A synchronous lowering of an async-typed function: the call may have to wait for the callee. */
  private blockingLowering(w: PlanLowering): boolean {
    if (w.async) return false;
    const callee = w.callee;
    const func =
      callee.kind === "lifted"
        ? this.types.func(this.plan.lifts[callee.lift]!.type, "")
        : this.types.func(callee.type, callee.path[callee.path.length - 1]!);
    return ComponentEmitter.isAsyncType(func);
  }

  private static isAsyncType(func: Function): boolean {
    return func.kind.kind.startsWith("async");
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

  private resourceTsType(id: TypeId): string {
    const r = this.types.resourceOfType.get(id);
    return r === undefined ? "never" : this.decls.resourceName(r);
  }

  // ------------------------------------------------------------ references

  coreRef(ref: CoreRef | undefined): string {
    if (ref === undefined) return "undefined";
    switch (ref.kind) {
      case "export":
        return `$core${ref.instance}.exports[${stringLiteral(ref.name)}]`;
      case "lowered":
        return this.lowering(this.plan.lowerings[ref.lowering]!);
      case "builtin":
        return this.asyncBuiltins.builtin(ref);
      case "resource": {
        this.resourceBuiltins(ref.instance, ref.resource);
        const op = { new: "New", drop: "Drop", rep: "Rep" }[ref.op];
        return `$ci${ref.instance}.$resource${op}${ref.resource}`;
      }
    }
  }

  // ------------------------------------------------------------- resources

  /** The helpers lifting and lowering handles of resource `n` in instance `i`. */
  private resourceHelpers(i: number, n: number): void {
    const scope = this.scopes[i]!;
    if (scope.resources.has(n)) return;
    scope.resources.add(n);
    const res = this.plan.resources[n]!;
    for (const h of ["$handles", "$undo", "$typeError", "$borrows", "$lends", "$usageError", "$trap"]) scope.use(h);
    const expected = stringLiteral(`a ${res.name} resource`);
    const own = res.instance !== undefined;
    if (own) this.resourceClass(res);
    const take = own
      ? `const o = $live${n}(v, path);
  if (o[$lendCount] !== 0) $usageError(\`\\\`\${path}\\\`: this ${res.name} is lent to this call and cannot also be moved\`);
  const rep = o[$repKey];
  o[$repKey] = -1;
  $registry${n}.unregister(o);
  if ($recording) $movedObjects.push({ o, rep, restore: $restore${n} });`
      : `if ((typeof v !== "object" && typeof v !== "function") || v === null) $typeError(path, ${expected}, v);
  const rep: unknown = v;`;
    const peek = own
      ? `const rep = $live${n}(v, path)[$repKey];`
      : `if ((typeof v !== "object" && typeof v !== "function") || v === null) $typeError(path, ${expected}, v);
  const rep: unknown = v;`;
    const direct = res.instance === i ? "return rep as number;\n" : "";
    scope.code.push(`
function $lowerOwn${n}(v: any, path: string): number {
  ${take}
  const h = $addHandle(${n}, rep, true);
  if ($recording) $madeHandles.push(h);
  return h;
}
function $liftOwn${n}(h: number): any {
  const rep = $removeHandle(h, ${n}, true).rep;
  return ${own ? `$wrap${n}(rep as number)` : "rep"};
}
function $lowerBorrow${n}(v: any, path: string): number {
  ${peek}
  ${direct}const h = $addBorrow(${n}, rep);
  if ($recording) $madeHandles.push(h);
  return h;
}
function $liftBorrow${n}(h: number): any {
  const handle = $getHandle(h, ${n});
  handle.lends++;
  $lent.push(handle);
  return ${own ? `$borrowed${n}(handle.rep as number)` : "handle.rep"};
}`);
  }

  /** The canonical built-ins of resource `n` as instance `i` imports them. */
  private resourceBuiltins(i: number, n: number): void {
    const scope = this.scopes[i]!;
    const key = `builtins${n}`;
    if (scope.members.includes(`$resourceNew${n}`)) return;
    void key;
    const res = this.plan.resources[n]!;
    this.resourceHelpers(i, n);
    scope.use("$mayLeave");
    const drop =
      res.instance === undefined
        ? `const rep = handle.rep as { [Symbol.dispose]?: () => void };
    if (typeof rep[Symbol.dispose] === "function") rep[Symbol.dispose]!();`
        : `$dtor${n}(handle.rep as number, ${res.instance === i ? "true" : "false"});`;
    scope.code.push(`
function $resourceNew${n}(rep: number): number {
  if ($state !== 1) $cannotLeave();
  return $addHandle(${n}, rep >>> 0, true);
}
function $resourceRep${n}(h: number): number {
  return $getHandle(h, ${n}).rep as number;
}
function $resourceDrop${n}(h: number): void {
  if ($state !== 1) $cannotLeave();
  const handle = $removeHandle(h, ${n}, false);
  if (!handle.own) {
    handle.scope!.n--;
    return;
  }
  ${drop}
}`);
    scope.members.push(`$resourceNew${n}`, `$resourceRep${n}`, `$resourceDrop${n}`);
  }

  /** The class of a resource a component defines, and its destructor call (link level). */
  private resourceClass(res: PlanResource): void {
    const n = res.id;
    if (this.resourceClasses.has(n)) return;
    this.resourceClasses.add(n);
    const d = res.instance!;
    const defining = this.scopes[d]!;
    defining.use("$enter");
    defining.use("$trap");
    defining.code.push(`
let $dtorCore${n}: ((rep: number) => void) | undefined;
function $runDtor${n}(rep: number, fromSelf: boolean): void {
  if ($dtorCore${n} === undefined) return;
  if (fromSelf) {
    $dtorCore${n}(rep);
    return;
  }
  if ($state !== 0) $enterFailed(${stringLiteral(`[resource-drop]${res.name}`)});
  $state = 1;
  try {
    $dtorCore${n}(rep);
  } catch (e) {
    $state = 2;
    throw e;
  }
  $state = 0;
}
function $bindDtor${n}(f: unknown): void {
  $dtorCore${n} = f as typeof $dtorCore${n};
}`);
    defining.members.push(`$runDtor${n}`, `$bindDtor${n}`);
    const name = typeName(res.name.replace(/^resource /, "resource-"));
    this.linkCode.push(`
function $dtor${n}(rep: number, fromSelf: boolean): void {
  $ci${d}.$runDtor${n}(rep, fromSelf);
}
const $registry${n} = new FinalizationRegistry<number>((rep) => {
  try {
    $dtor${n}(rep, false);
  } catch {
    // A destructor that traps when collected has nobody to report to.
  }
});
let $ctor${n}: ((...args: any[]) => any) | undefined;
class $Resource${n} {
  declare [$repKey]: number;
  declare [$lendCount]: number;
  constructor(...args: any[]) {
    if ($ctor${n} === undefined) throw new TypeError(${stringLiteral(`${name} has no constructor`)});
    return $ctor${n}(...args);
  }
  /** Drops the handle: the component's destructor runs. Later calls do nothing. */
  [Symbol.dispose](): void {
    const rep = this[$repKey];
    if (rep === undefined || rep < 0) return;
    if (this[$lendCount] !== 0) throw new Error(${stringLiteral(`this ${name} is lent to a call in progress and cannot be disposed`)});
    this[$repKey] = -1;
    $registry${n}.unregister(this);
    $dtor${n}(rep, false);
  }
}
Object.defineProperty($Resource${n}, "name", { value: ${stringLiteral(name)} });
function $wrap${n}(rep: number): $Resource${n} {
  const o = Object.create($Resource${n}.prototype) as $Resource${n};
  o[$repKey] = rep;
  o[$lendCount] = 0;
  $registry${n}.register(o, rep, o);
  return o;
}
function $borrowed${n}(rep: number): $Resource${n} {
  const o = Object.create($Resource${n}.prototype) as $Resource${n};
  o[$repKey] = rep;
  o[$lendCount] = 0;
  return o;
}
function $restore${n}(o: object, rep: number): void {
  (o as $Resource${n})[$repKey] = rep;
  $registry${n}.register(o, rep, o);
}
function $live${n}(v: unknown, path: string): $Resource${n} {
  if (!(v instanceof $Resource${n})) $argumentError(\`\\\`\${path}\\\` must be a ${name} of this instance\`);
  if (!(v[$repKey] >= 0)) $argumentError(\`\\\`\${path}\\\`: this ${name} was disposed or moved\`);
  return v;
}`);
  }

  // ------------------------------------------------------------------ glue

  walker(emitter: FunctionEmitter, scope: OptionScope): AbiWalker<string> {
    return new AbiWalker(this.layout, emitter, {
      encoding: scope.options.encoding,
      pathName: (kind, name) => (kind === "parameter" ? valueName(name) : camelCase(name)),
      resourceSide: () => "imported",
    });
  }

  resourceKey(instance: number): (resource: TypeId) => number {
    return (resource) => {
      const n = this.types.resourceOfType.get(resource);
      if (n === undefined) throw new Error("unknown resource type");
      this.resourceHelpers(instance, n);
      return n;
    };
  }

  /** The expression calling lift `l` (from JS values): a constant of the instantiation, bound at its step. */
  private lift(l: PlanLift, rawResults?: StringEncodingOption): string {
    const key = rawResults === undefined ? `${l.id}` : `${l.id}:${rawResults}`;
    const done = this.liftFns.get(key);
    if (done) return done;
    const inst = this.scopes[l.instance]!;
    const scope = inst.optionScope(l.options, this.ts);
    const suffix = rawResults === undefined ? `${l.id}` : `${l.id}${rawSuffix[rawResults]}`;
    const ref = `$lift${suffix}`;
    this.liftFns.set(key, ref);
    if (l.async) {
      this.asyncLift(l, scope);
      return ref;
    }
    const func = this.abiFunction(this.types.func(l.type, l.label), false);
    const params = func.params.map((_, i) => `$a${i}`);
    const signature = flattenFunctionType(
      this.layout,
      func.params.map((p) => p.type),
      func.result,
      "lift",
    );
    const emitter = new FunctionEmitter(scope, func, "call", {
      args: params,
      coreFunction: `$core${l.id}`,
      postReturn: l.options.postReturn === undefined ? undefined : `$post${l.id}`,
      resourceKey: this.resourceKey(l.instance),
      directResult: false,
      refreshAfterCall: signature.resultsSpilled || (func.result !== undefined && this.layout.needsMemory(func.result)),
      rawValues: true,
      rawResults,
      rawChannels: rawResults !== undefined,
    });
    this.walker(emitter, scope).walkFunction(func, "guest-export", "call", "core", "post");
    inst.use("$enter");
    inst.use("$fail");
    const label = stringLiteral(l.label);
    const paramList = func.params.map((p, i) => `${params[i]}: ${this.ts.expr(p.type, true)}`).join(", ");
    const resultType = func.result === undefined ? "void" : this.ts.expr(func.result);
    // A call that cannot leave the instance (its core function reaches no
    // import and no indirect call, and nothing is allocated or post-returned)
    // cannot be reentered: it needs no may-enter bookkeeping, only the check
    // that the instance is idle and the poisoning of a trap.
    const light =
      !signature.paramsSpilled &&
      l.options.postReturn === undefined &&
      !emitter.lowersHandles &&
      !emitter.lendsBorrows &&
      func.params.every((p) => !this.layout.needsMemory(p.type) && !this.layout.contains(p.type, isHandle)) &&
      (func.result === undefined || !this.layout.contains(func.result, isHandle)) &&
      this.staysInside(l.core);
    // Errors the glue raises name the function; glue that calls nothing but the
    // core function (whose traps are the engine's) needs no name. A core
    // function that calls out may run lowerings that name their import.
    const named = usesHelpers(emitter.lines) || emitter.lowersHandles;
    const call = new RegExp(`\\$core${l.id}\\(`);
    const at = emitter.lines.findIndex((line) => call.test(line));
    const body =
      named && !light && at >= 0 && usesHelpers(emitter.lines.slice(at + 1))
        ? [...emitter.lines.slice(0, at + 1), `$current = ${label};`, ...emitter.lines.slice(at + 1)]
        : emitter.lines;
    // A synchronously lifted function of async type may block (with JSPI) when its instance imports a
    // built-in that can: its core function runs through `$async.suspendable`, and the glue after the
    // call goes on when the call returns.
    const blocks =
      this.blockingSet.has(l.instance) &&
      ComponentEmitter.isAsyncType(this.types.func(l.type, l.label)) &&
      at >= 0 &&
      !light;
    const suspendableCore = `$async.suspendable(core as (...args: any[]) => any, "${coreLetters(signature.params)}", "${coreLetters(signature.results)}")`;
    // In an instance using the async ABI, a synchronous call is a task too (its built-ins need one).
    // Its post-return runs in the same task, so that it sees the call's context slots.
    const sharedTask = this.asyncSet.has(l.instance) && l.options.postReturn !== undefined;
    const taskArg = (suspendable: boolean) =>
      sharedTask ? `, ($task${l.id} = $rt.newSyncTask(${suspendable ? "true" : ""}))` : "";
    const coreCall = blocks
      ? `(() => { const f = ${suspendableCore}; return (...args: any[]) => $rt.syncTask(() => f(...args), true${taskArg(true)}); })()`
      : this.asyncSet.has(l.instance)
        ? `((...args: any[]) => $rt.syncTask(() => (core as (...args: any[]) => any)(...args)${sharedTask ? `, false${taskArg(false)}` : ""}))`
        : "core as (...args: any[]) => any";
    if (this.asyncSet.has(l.instance)) inst.use("$crt");
    const lines = [
      `function $bindLift${suffix}(core: unknown, post: unknown) {`,
      ...(sharedTask ? [`let $task${l.id}: $async.Task | undefined;`] : []),
      `const $core${l.id} = ${coreCall};`,
      sharedTask
        ? `const $post${l.id} = (...args: any[]) => $rt.syncTask(() => (post as (...args: any[]) => void)(...args), false, $task${l.id});`
        : `const $post${l.id} = post as ((...args: any[]) => void) | undefined;`,
      blocks
        ? `return function $call(${[paramList, "$hooks?: $async.CallHooks"].filter(Boolean).join(", ")}): ${resultType} | Promise<${resultType}> {`
        : `return function (${paramList}): ${resultType} {`,
      // While a synchronous task of the instance is blocked, a new call waits for it.
      ...(blocks
        ? [`if ($rt.exclusive > 0) return $rt.whenFree(() => $call(${[...params, "$hooks"].join(", ")}), $hooks);`]
        : []),
      `if ($state !== 0) $enterFailed(${label});`,
      ...(light ? [] : ["$state = 1;"]),
      ...(named ? [`$current = ${label};`] : []),
    ];
    if (func.result !== undefined && !light) lines.push(`let $result: ${resultType};`);
    if (blocks) {
      const callAt = body.findIndex((line) => call.test(line));
      lines.push(
        "try {",
        ...(emitter.lowersHandles ? ["$recording = true;"] : []),
        ...(emitter.lendsBorrows ? ["$borrows = { n: 0 };"] : []),
        ...resumableLift(body, callAt, {
          label,
          after: func.result !== undefined ? [`$result = ${emitter.resultVar};`] : [],
          done: func.result !== undefined ? ["return $result;"] : [],
        }),
      );
    } else
      lines.push(
        "try {",
        ...(emitter.lowersHandles ? ["$recording = true;"] : []),
        ...(emitter.lendsBorrows ? ["$borrows = { n: 0 };"] : []),
        ...body,
      );
    if (func.result !== undefined && !blocks)
      lines.push(light ? `return ${emitter.resultVar};` : `$result = ${emitter.resultVar};`);
    lines.push("} catch (e) {");
    if (emitter.lowersHandles) lines.push("$undoLowering();");
    if (emitter.lendsBorrows) lines.push("$borrows = { n: 0 };");
    lines.push("$fail(e);", "}");
    if (!light) {
      lines.push(`if ($state !== 1) $enterFailed(${label});`, "$state = 0;");
      if (func.result !== undefined) lines.push("return $result;");
    }
    lines.push("};", "}");
    scope.functions.push(lines.join("\n"));
    scope.members.push(`$bindLift${suffix}`);
    return ref;
  }

  /**
   * A lift `async` (with a callback, or stackful): its arguments are lowered
   * and its task started at once; it gives the value itself when the task
   * returned before waiting and a caller in another component asked for that
   * (`eager`), else a promise of the value `task.return` gives.
   */
  private asyncLift(l: PlanLift, scope: OptionScope): void {
    const inst = this.scopes[l.instance]!;
    const func = this.abiFunction(this.types.func(l.type, l.label), true);
    const params = func.params.map((_, i) => `$a${i}`);
    const emitter = new FunctionEmitter(scope, func, "call", {
      args: params,
      coreFunction: `$core${l.id}`,
      asyncCallback: `$callback${l.id}`,
      stackful: l.callback === undefined,
      callOptions: "$options",
      resourceKey: this.resourceKey(l.instance),
      directResult: false,
      rawValues: true,
    });
    this.walker(emitter, scope).walkFunction(func, "guest-export", "call", l.label);
    inst.use("$enter");
    inst.use("$fail");
    inst.use("$crt");
    const label = stringLiteral(l.label);
    const resultKey = stringLiteral(typeKey(this.types, func.result));
    const paramList = [
      ...func.params.map((p, i) => `${params[i]}: ${this.ts.expr(p.type, true)}`),
      "$options?: $async.CallOptions",
    ].join(", ");
    const resultType = func.result === undefined ? "void" : this.ts.expr(func.result);
    const blocks = this.blockingSet.has(l.instance);
    const coreParams = coreLetters(
      flattenAsyncFunctionType(
        this.layout,
        func.params.map((p) => p.type),
        func.result,
        "lift",
      ).params,
    );
    const lines = [
      `function $bindLift${l.id}(core: unknown, _post: unknown, callback: unknown) {`,
      // With JSPI the task's code may block in a synchronous built-in (when its instance imports one).
      ...(blocks
        ? [
            `const $core${l.id} = $async.suspendable(core as (...args: any[]) => any, "${coreParams}", "${l.callback === undefined ? "" : "i"}");`,
            `const $callback${l.id} = $async.suspendable(callback as (...args: any[]) => number, "iii", "i");`,
          ]
        : [
            `const $core${l.id} = core as (...args: any[]) => any;`,
            `const $callback${l.id} = callback as (...args: any[]) => number;`,
          ]),
      `return function $call(${paramList}): ${resultType} | Promise<${resultType}> {`,
      // A call that must wait to start lowers its arguments only once it starts.
      `if ($rt.mustWait()) return $rt.whenFree(() => $call(${[...params, "$options"].join(", ")}), $options?.hooks, $options?.signal);`,
      `if ($state !== 0) $enterFailed(${label});`,
      "$state = 1;",
      `$current = ${label};`,
      // Borrows lent to the task are its own to drop before it returns.
      `$options = { ...$options, resultKey: ${resultKey}${blocks ? ", suspendable: true" : ""}${emitter.lendsBorrows ? ", borrows: ($borrows = { n: 0 })" : ""} };`,
      "try {",
      ...(emitter.lowersHandles ? ["$recording = true;"] : []),
      ...emitter.lines,
      ...(emitter.lowersHandles ? ["$commitLowering();"] : []),
      "if ($state === 1) $state = 0;",
      `return ${emitter.resultVar};`,
      "} catch (e) {",
      ...(emitter.lowersHandles ? ["$undoLowering();"] : []),
      "$fail(e);",
      "}",
      "};",
      "}",
    ];
    scope.functions.push(lines.join("\n"));
    scope.members.push(`$bindLift${l.id}`);
  }

  /** Whether the core function `ref` can run no code outside its module (see encoding/core-calls.ts). */
  private staysInside(ref: CoreRef): boolean {
    if (ref.kind !== "export" || ref.sort !== "func") return false;
    const step = this.plan.steps.find((s) => s.kind === "instantiate" && s.id === ref.instance);
    if (step === undefined || step.kind !== "instantiate") return false;
    let names = this.insideExports.get(step.module);
    if (names === undefined) {
      const m = this.plan.modules[step.module]!;
      names = exportsStayingInside(m.bytes, m.info.exports);
      this.insideExports.set(step.module, names);
    }
    return names.has(ref.name);
  }
  private readonly insideExports = new Map<number, Set<string>>();

  /** The variable holding the host's object for the imported instance `name` (looked up once per instantiation). */
  private importHolder(name: string): string {
    let v = this.importHolders.get(name);
    if (v === undefined) {
      v = `$import${this.importHolders.size}`;
      this.importHolders.set(name, v);
      this.importLines.push(`const ${v} = $instanceImport(imports, ${stringLiteral(name)});`);
    }
    return v;
  }

  /** The code calling a host function at `path` with the lifted arguments; checks it exists at instantiation. */
  private hostCall(path: string[], args: string[]): string {
    const name = path[path.length - 1]!;
    let holder = path.length === 1 ? "imports" : this.importHolder(path[0]!);
    for (const p of path.slice(1, -1)) holder = `${holder}[${stringLiteral(p)}]`;
    const where = path.length === 1 ? "imports" : `imports[${stringLiteral(path.slice(0, -1).join("/"))}]`;
    const check = (target: string, what: string) => {
      const line = `if (typeof ${target} !== "function") throw new TypeError(${stringLiteral(`${where}.${what} is missing from the import object`)});`;
      if (!this.importLines.includes(line)) this.importLines.push(line);
    };
    const ctor = /^\[constructor\](.+)$/.exec(name);
    if (ctor) {
      check(`${holder}?.${typeName(ctor[1]!)}`, typeName(ctor[1]!));
      return `new ${holder}.${typeName(ctor[1]!)}(${args.join(", ")})`;
    }
    const method = /^\[method\][^.]+\.(.+)$/.exec(name);
    if (method) return `${args[0]}.${camelCase(method[1]!)}(${args.slice(1).join(", ")})`;
    const stat = /^\[static\]([^.]+)\.(.+)$/.exec(name);
    if (stat) {
      check(
        `${holder}?.${typeName(stat[1]!)}?.${staticName(stat[2]!)}`,
        `${typeName(stat[1]!)}.${staticName(stat[2]!)}`,
      );
      return `${holder}.${typeName(stat[1]!)}.${staticName(stat[2]!)}(${args.join(", ")})`;
    }
    const fn = path.length === 1 ? topLevelExportName(name) : camelCase(name);
    check(`${propertyAccess(holder, fn).replace(/\.(?=[^.]*$)/, "?.")}`, fn);
    return `${propertyAccess(holder, fn)}(${args.join(", ")})`;
  }

  /** The expression of lowering `w` (a core function). */
  private lowering(w: PlanLowering): string {
    const done = this.lowerFns.get(w.id);
    if (done) return done;
    const inst = this.scopes[w.instance]!;
    const scope = inst.optionScope(w.options, this.ts);
    const ref = `$ci${w.instance}.${scope.name}.$lower${w.id}`;
    this.lowerFns.set(w.id, ref);
    const callee = w.callee;
    let func: Function;
    let callUser: (args: string[]) => string;
    let directResult = false;
    const what = stringLiteral(callee.kind === "host" ? callee.path.join("#") : this.plan.lifts[callee.lift]!.label);
    if (callee.kind === "lifted") {
      const l = this.plan.lifts[callee.lift]!;
      func = this.types.func(l.type, l.label);
      const raw = this.rawCallers().get(l.id)?.has(w.options.encoding) ? w.options.encoding : undefined;
      const target = this.lift(l, raw);
      if (w.async && l.async) callUser = (args) => `${target}(${args.join(", ")})`;
      else if (w.async)
        callUser = this.liftBlocks(l)
          ? // A synchronous lift that may block may also have to wait for its instance: it reports that.
            (args) => `${target}(${[...args.slice(0, -1), "$hooks"].join(", ")})`
          : (args) => `${target}(${args.slice(0, -1).join(", ")})`;
      else if (l.async) {
        // A synchronous caller of an async callee: fine as long as the callee returns before waiting.
        this.use("$mustNotBlock");
        callUser = (args) => `$mustNotBlock(${target}(${[...args, "{ eager: true }"].join(", ")}), ${what})`;
      } else if (this.blockingSet.has(l.instance) && ComponentEmitter.isAsyncType(func)) {
        // A synchronously lifted callee of async type may block (with JSPI), giving a promise.
        this.use("$mustNotBlock");
        callUser = (args) => `$mustNotBlock(${target}(${args.join(", ")}), ${what})`;
      } else callUser = (args) => `${target}(${args.join(", ")})`;
    } else {
      func = this.types.func(callee.type, callee.path[callee.path.length - 1]!);
      const hostAsync = ComponentEmitter.isAsyncType(func);
      if (!w.async && hostAsync) {
        // The host may answer an async function with a promise, which a synchronous caller cannot wait for.
        this.use("$mustNotBlock");
        callUser = (args) => `$mustNotBlock(${this.hostCall(callee.path, [...args, "{}"])}, ${what})`;
      } else callUser = (args) => this.hostCall(callee.path, args);
      directResult = this.ts.directResult(func) !== undefined;
    }
    func = this.abiFunction(func, w.async);
    const signature = (w.async ? flattenAsyncFunctionType : flattenFunctionType)(
      this.layout,
      func.params.map((p) => p.type),
      func.result,
      "lower",
    );
    const args = signature.params.map((_, i) => `$p${i}`);
    const emitter = new FunctionEmitter(scope, func, "implement", {
      args,
      callUser,
      resourceKey: this.resourceKey(w.instance),
      directResult,
      mapsAsPairs: callee.kind === "lifted",
      listViews: callee.kind === "lifted" && !w.async,
      rawValues: callee.kind === "lifted",
      rawChannels: callee.kind === "lifted",
      eagerCalls: callee.kind === "lifted",
      stringBytes:
        callee.kind === "lifted" &&
        !w.async &&
        w.options.encoding !== "latin1+utf16" &&
        this.plan.lifts[callee.lift]!.options.encoding === w.options.encoding,
    });
    this.walker(emitter, scope).walkFunction(func, "guest-import", "implement", "import");
    inst.use("$mayLeave");
    inst.use("$trap");
    const params = args.map((a, i) => `${a}: ${coreTs(signature.params[i]!)}`).join(", ");
    const ret = signature.results.length ? coreTs(signature.results[0]!) : "void";
    const needsViews =
      signature.paramsSpilled ||
      signature.resultsSpilled ||
      func.params.some((p) => this.layout.needsMemory(p.type)) ||
      (func.result !== undefined && this.layout.needsMemory(func.result));
    if (needsViews) scope.use("$views");
    const label = what;
    if (w.async) inst.use("$crt");
    // Messages of the glue's errors name the import; the lift that called out
    // names itself again once its core function returns.
    const names = needsViews || usesHelpers(emitter.lines);
    // A synchronous call of an async function that must wait blocks with JSPI: the glue after the call
    // goes on once the callee's promise settles, on the resumed stack.
    let body = emitter.lines;
    let blocks = false;
    if (this.blockingLowering(w)) {
      const resumable = resumableLowering(body, { refresh: needsViews, result: ret });
      if (resumable) {
        blocks = true;
        inst.use("$crt");
        body = resumable;
      }
    }
    scope.functions.push(`function $lower${w.id}(${params}): ${ret} {
  if ($state !== 1) $cannotLeave();
  ${names ? `$current = ${label};` : ""}
  try {
    ${needsViews ? "if ($u8.byteLength === 0) $refresh();\n" : ""}${body.join("\n")}
  } catch (e) {
    $state = 2;
    throw e;
  }
}`);
    scope.members.push(`$lower${w.id}`);
    if (blocks) {
      const wrapped = `$async.blocking(${ref}, "${coreLetters(signature.params)}", "${coreLetters(signature.results)}")`;
      this.lowerFns.set(w.id, wrapped);
      return wrapped;
    }
    return ref;
  }

  /**
   * The lifts that other components call and that return strings or lists,
   * with the string encodings of their callers: each gets a variant whose
   * results are copied out of the callee's memory as bytes (before its
   * post-return), for the caller's lowering to copy in.
   */
  private rawCallers(): Map<number, Set<StringEncodingOption>> {
    if (!this.rawScan) {
      this.rawScan = new Map();
      for (const w of this.plan.lowerings) {
        if (w.callee.kind !== "lifted" || w.async) continue;
        const l = this.plan.lifts[w.callee.lift]!;
        // An async callee's result comes from its `task.return`, lifted as ordinary values.
        if (l.async) continue;
        const func = this.types.func(l.type, l.label);
        if (func.result === undefined) continue;
        // Results in memory are copied out raw; channels move to the caller as they are.
        const channels = this.layout.contains(func.result, (s) => s.kind === "future" || s.kind === "stream");
        if (!this.layout.needsMemory(func.result) && !channels) continue;
        const set = this.rawScan.get(l.id) ?? new Set();
        set.add(w.options.encoding);
        this.rawScan.set(l.id, set);
      }
    }
    return this.rawScan;
  }
  private rawScan: Map<number, Set<StringEncodingOption>> | undefined;

  // ---------------------------------------------------------------- steps

  bindOptions(instance: number, options: PlanLift["options"]): void {
    const scope = this.scopes[instance]!.optionScope(options, this.ts);
    if (scope.bound) return;
    scope.bound = true;
    if (options.memory === undefined && options.realloc === undefined) return;
    this.steps.push(
      `$ci${instance}.${scope.name}.bind(${this.coreRef(options.memory)}, ${this.coreRef(options.realloc)});`,
    );
  }

  private emitSteps(): void {
    for (const step of this.plan.steps) {
      switch (step.kind) {
        case "instantiate": {
          const modules = new Map<string, string[]>();
          for (const imp of step.imports) {
            const list = modules.get(imp.module) ?? [];
            list.push(`${stringLiteral(imp.name)}: ${this.coreRef(imp.ref)}`);
            modules.set(imp.module, list);
          }
          const obj = [...modules].map(([m, fields]) => `${stringLiteral(m)}: { ${fields.join(", ")} }`).join(", ");
          this.steps.push(
            `$ci${step.instance}.$begin();`,
            `const $core${step.id} = new WebAssembly.Instance(modules[${step.module}]!, { ${obj} });`,
            `$ci${step.instance}.$end();`,
          );
          break;
        }
        case "lift": {
          const l = this.plan.lifts[step.lift]!;
          this.bindOptions(l.instance, l.options);
          const scope = this.scopes[l.instance]!.optionScope(l.options, this.ts);
          for (const raw of [undefined, ...(this.rawCallers().get(l.id) ?? [])]) {
            const fn = this.lift(l, raw);
            const bind = fn.replace("$lift", "$bindLift");
            this.steps.push(
              `const ${fn} = $ci${l.instance}.${scope.name}.${bind}(${this.coreRef(l.core)}, ${this.coreRef(l.options.postReturn)}${l.async ? `, ${this.coreRef(l.callback)}` : ""});`,
            );
          }
          break;
        }
        case "lower": {
          const w = this.plan.lowerings[step.lowering]!;
          this.bindOptions(w.instance, w.options);
          this.lowering(w);
          break;
        }
      }
    }
    for (const res of this.plan.resources) {
      if (res.instance === undefined || !this.resourceClasses.has(res.id) || res.dtor === undefined) continue;
      this.steps.push(`$ci${res.instance}.$bindDtor${res.id}(${this.coreRef(res.dtor)});`);
    }
  }

  // --------------------------------------------------------------- exports

  private funcValue(f: FuncValue, name: string): { expr: string; func: Function } {
    if (f.kind === "lifted") {
      const l = this.plan.lifts[f.lift]!;
      const func = this.types.func(l.type, name);
      const fn = this.lift(l);
      const direct = this.ts.directResult(func);
      if (ComponentEmitter.isAsyncType(func)) {
        // An async function returns a promise, whichever way it is lifted; `options.signal` cancels it.
        const params = func.params.map((_, i) => `$a${i}`);
        const call = l.async
          ? `${fn}(${[...params, "{ signal: options?.signal }"].join(", ")})`
          : `${fn}(${params.join(", ")})`;
        const settle = direct
          ? `.then((r) => {
  if (r.tag === "err") throw new ComponentError(r.val);
  return r.val;
})`
          : "";
        const expr = `async (${[...func.params.map((p, i) => `${params[i]}: ${this.ts.expr(p.type, true)}`), "options?: { signal?: AbortSignal }"].join(", ")}) => {
${l.async ? "" : "void options;\n"}return Promise.resolve(${call})${settle};
}`;
        return { expr, func };
      }
      if (!direct) return { expr: fn, func };
      const params = func.params.map((_, i) => `$a${i}`);
      const expr = `(${func.params.map((p, i) => `${params[i]}: ${this.ts.expr(p.type, true)}`).join(", ")}) => {
  const r = ${fn}(${params.join(", ")});
  if (r.tag === "err") throw new ComponentError(r.val);
  return r.val;
}`;
      return { expr, func };
    }
    const func = this.types.func(f.type, name);
    const params = func.params.map((_, i) => `$a${i}`);
    return {
      expr: `(...args: any[]) => ${this.hostCall(f.path, ["...args"])}`,
      func: { ...func, params: func.params },
    } as {
      expr: string;
      func: Function;
    } & { _unused?: typeof params };
  }

  private exportObject(exports: PlanExport[], top: boolean): string {
    const members: string[] = [];
    const resources = new Map<string, number>();
    for (const e of exports) {
      if (e.kind === "type") {
        const n = this.types.resourceId(e.type);
        if (n !== undefined && this.plan.resources[n]!.instance !== undefined) {
          this.resourceClass(this.plan.resources[n]!);
          resources.set(e.name, n);
          members.push(
            `${propertyKey(typeName(e.name))}: $Resource${n} as unknown as ${this.decls.resourceName(n)}Class`,
          );
        }
      }
    }
    for (const e of exports) {
      if (e.kind === "func") {
        const ctor = /^\[constructor\](.+)$/.exec(e.name);
        const method = /^\[method\]([^.]+)\.(.+)$/.exec(e.name);
        const stat = /^\[static\]([^.]+)\.(.+)$/.exec(e.name);
        const owner = ctor?.[1] ?? method?.[1] ?? stat?.[1];
        const n = owner === undefined ? undefined : resources.get(owner);
        const { expr, func } = this.funcValue(e.func, e.name);
        if (n !== undefined) {
          if (ctor) this.linkCode.push(`$ctor${n} = ${expr};`);
          else if (method)
            this.linkCode.push(
              `Object.defineProperty($Resource${n}.prototype, ${stringLiteral(camelCase(method[2]!))}, { value: function (this: any, ...args: any[]) { return (${expr} as any)(this, ...args); }, writable: true, configurable: true });`,
            );
          else if (stat)
            this.linkCode.push(`($Resource${n} as any)[${stringLiteral(staticName(stat[2]!))}] = ${expr};`);
          continue;
        }
        const key = top ? topLevelExportName(e.name) : camelCase(e.name);
        members.push(`${propertyKey(key)}: ${expr}`);
        void func;
      } else if (e.kind === "instance") {
        members.push(`${stringLiteral(e.name)}: ${this.exportObject(e.exports, false)}`);
      }
    }
    return `{ ${members.join(",\n")} }`;
  }

  private paramType(t: Type): string {
    return this.ts.expr(t);
  }

  private returnType(func: Function): string {
    return this.ts.returnType(func);
  }

  /** Aliases of exported instances under the camelCase of their short names, when unambiguous. */
  private exportAliases(exports: PlanExport[]): Map<string, string> {
    const interfaces = exports
      .filter((e) => e.kind === "instance")
      .map((e) => ({ full: e.name, short: /^(?:[^:]+:[^/]+\/)?([^@]+)(?:@.*)?$/.exec(e.name)?.[1] ?? e.name }));
    const functions = exports.filter((e) => e.kind === "func").map((e) => topLevelExportName(e.name));
    return exportAliases(interfaces, functions);
  }

  // ---------------------------------------------------------------- output

  /** The module's TypeScript source, and its declarations alone (the `.d.ts` of `--js`). */
  generate(): { source: string; declarations: string } {
    this.emitSteps();
    let exportsObject = this.exportObject(this.plan.exports, true);
    const importObject = this.decls.importObject();
    const sigs = this.decls.exportMembers(this.plan.exports, true);
    const aliases = this.exportAliases(this.plan.exports);
    if (aliases.size) {
      for (const [full, short] of aliases)
        sigs.push(`/** The same as \`${full}\`. */`, `${short}: Exports[${stringLiteral(full)}];`);
      exportsObject = `(() => {
const result: any = ${exportsObject};
${[...aliases].map(([full, short]) => `result.${short} = result[${stringLiteral(full)}];`).join("\n")}
return result as Exports;
})()`;
    }
    const instances = this.scopes.map((s) => s.render());
    if (this.importHolders.size) this.helpers.add("$instanceImport");
    if (this.resourceClasses.size) this.helpers.add("$argumentErrors");
    const all = helperClosure(this.helpers);
    const moduleHelpers = all.map((h) => helperCode(h).code);
    const resourceKeys = this.resourceClasses.size
      ? `const $repKey = Symbol("rep");
const $lendCount = Symbol("lends");
/** A bad argument: the call is refused and the instance stays usable. */
function $argumentError(message: string): never {
  const error = new TypeError(message);
  $argumentErrors.add(error);
  throw error;
}`
      : "";
    const link = [
      ...this.importLines,
      ...this.linkCode.filter(
        (c) => !c.startsWith("$ctor") && !c.startsWith("Object.defineProperty") && !c.startsWith("($Resource"),
      ),
      ...instances,
      ...this.steps,
      ...this.linkCode.filter(
        (c) => c.startsWith("$ctor") || c.startsWith("Object.defineProperty") || c.startsWith("($Resource"),
      ),
      `const $exports = ${exportsObject};`,
      `$liveHandles.set($exports, () => ${
        this.scopes
          .filter((s) => s.hasTable)
          .map((s) => `${s.name}.$liveHandles()`)
          .join(" + ") || "0"
      });`,
      `return $exports;`,
    ].join("\n");
    const frame = {
      generator: this.options.generator,
      name: this.options.name,
      importObject,
      resourceTypes: this.decls.resourceDeclarations(),
      exportsInterface: `/** What the component provides: its exports. */\nexport interface Exports {\n${sigs.join("\n")}\n}`,
      moduleUrls: this.options.moduleFiles
        .map((f) => `new URL(${stringLiteral(`./${f}`)}, import.meta.url)`)
        .join(",\n"),
      moduleNames: JSON.stringify(this.options.moduleFiles),
      helpers: [resourceKeys, ...moduleHelpers, ...[...this.constants.values()].map((c) => c.code)].join("\n"),
      link,
    };
    return {
      source: renderTemplate("ts/component.ts.hbs", frame),
      declarations: indent(renderTemplate("ts/component.d.ts.hbs", frame)),
    };
  }
}
