/**
 * The asynchronous ABI of a transpiled component: which instances use it,
 * the payload codecs of their futures and streams, and their built-ins
 * (`task.return`, waitable sets, subtasks, channels, error contexts).
 * Everything runs on the runtime of `templates/ts/async-runtime.ts`, one
 * `AsyncInstance` per component instance, sharing the instance's handle
 * table with its resources.
 */
import type { CoreRef, Plan, ResolvedOptions } from "../../../encoding/plan.js";
import { asyncValueIn } from "../../../encoding/plan.js";
import type { AbiLayout } from "../../../ir/abi/layout.js";
import { flattenFunctionType } from "../../../ir/abi/layout.js";
import { AbiWalker } from "../../../ir/abi/walk.js";
import type { ComponentTypes } from "../../../ir/component-types.js";
import type { Function, Type, TypeId } from "../../../ir/types.js";
import { FunctionEmitter } from "../glue.js";
import { glueFunction, payloadConst } from "../type-helpers.js";
import { camelCase, stringLiteral, valueName } from "../naming.js";
import type { TsTypes } from "../types.js";
import type { InstanceScope, OptionScope } from "./scopes.js";

const coreTs = (t: string) => (t === "i64" ? "bigint" : "number");

/** The built-ins that only run inside a task and never leave the instance: no may-leave check. */
const noLeaveCheck = new Set([
  "context.get",
  "context.set",
  "backpressure.inc",
  "backpressure.dec",
  "backpressure.set",
  "thread.available-parallelism",
]);

/** The instances of a plan whose code uses the asynchronous ABI. */
export function asyncInstances(plan: Plan): Set<number> {
  const out = new Set<number>();
  for (const l of plan.lifts) if (l.async || asyncValueIn(l.type)) out.add(l.instance);
  for (const w of plan.lowerings) {
    const type = w.callee.kind === "host" ? w.callee.type : plan.lifts[w.callee.lift]!.type;
    if (w.async || asyncValueIn(type)) out.add(w.instance);
  }
  for (const step of plan.steps) {
    if (step.kind !== "instantiate") continue;
    for (const imp of step.imports) if (imp.ref.kind === "builtin") out.add(imp.ref.instance);
  }
  return out;
}

/**
 * The runtime instances whose core modules import a built-in that may block
 * (a synchronous `waitable-set.wait`, copy, or cancel): only their async
 * tasks run through `$async.suspendable` (with JSPI), which costs a stack
 * switch per turn.
 */
export function blockingInstances(plan: Plan): Set<number> {
  const out = new Set<number>();
  for (const step of plan.steps) {
    if (step.kind !== "instantiate") continue;
    for (const imp of step.imports) {
      const ref = imp.ref;
      if (ref.kind !== "builtin") continue;
      // (The flag of `wait` and `yield` makes them cancellable, not non-blocking.)
      if (
        /^(waitable-set\.wait|thread\.(yield|suspend|(yield|suspend)-then-(resume|promote)))$/.test(ref.name) ||
        (!ref.async && /^(subtask\.cancel|(stream|future)\.(read|write|cancel-read|cancel-write))$/.test(ref.name))
      )
        out.add(ref.instance);
    }
  }
  return out;
}

/**
 * A built-in that may block, as the core import: through `$async.blocking`,
 * which lets it suspend the guest's stack with JSPI.
 */
function blocking(fn: string, params: string, results: string): string {
  return `$async.blocking(${fn}, "${params}", "${results}")`;
}

/** A key equal for equal types: structural, with resources by identity. */
export function typeKey(types: ComponentTypes, t: Type | undefined): string {
  if (t === undefined) return "_";
  if (typeof t !== "number") return t;
  const kind = types.resolve.types[t]!.kind;
  const k = (x: Type | undefined) => typeKey(types, x);
  switch (kind.kind) {
    case "type":
      return k(kind.type);
    case "list":
      return `list<${k(kind.type)}>`;
    case "fixed-length-list":
      return `list<${k(kind.type)},${kind.size}>`;
    case "option":
      return `option<${k(kind.type)}>`;
    case "future":
    case "stream":
      return `${kind.kind}<${k(kind.type)}>`;
    case "tuple":
      return `tuple<${kind.types.map(k).join(",")}>`;
    case "result":
      return `result<${k(kind.ok)},${k(kind.err)}>`;
    case "record":
      return `record{${kind.fields.map((f) => `${f.name}:${k(f.type)}`).join(",")}}`;
    case "variant":
      return `variant{${kind.cases.map((c) => `${c.name}:${k(c.type)}`).join(",")}}`;
    case "enum":
      return `enum{${kind.cases.map((c) => c.name).join(",")}}`;
    case "flags":
      return `flags{${kind.flags.map((f) => f.name).join(",")}}`;
    case "map":
      return `map<${k(kind.key)},${k(kind.value)}>`;
    case "handle":
      return `${kind.handle}<#${kind.resource}>`;
    default:
      return `#${t}`;
  }
}

const numbers = new Set(["u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64", "f32", "f64"]);

/** What the async built-ins need from the component emitter. */
export interface AsyncHost {
  readonly plan: Plan;
  readonly types: ComponentTypes;
  readonly layout: AbiLayout;
  readonly ts: TsTypes;
  scope(instance: number): InstanceScope;
  optionScope(instance: number, options: ResolvedOptions): OptionScope;
  coreRef(ref: CoreRef | undefined): string;
  walker(emitter: FunctionEmitter, scope: OptionScope): AbiWalker<string>;
  resourceKey(instance: number): (resource: TypeId) => number;
  /** Binds an option scope's memory and allocator at instantiation (once). */
  bindOptions(instance: number, options: ResolvedOptions): void;
}

export class AsyncBuiltins {
  constructor(private readonly host: AsyncHost) {}

  /** The `$async.Payload` of a future's or stream's type, in an option scope. */
  payloadCodec(scope: OptionScope, channelType: TypeId): string {
    const kind = this.host.types.resolve.types[channelType]!.kind;
    const t = kind.kind === "future" || kind.kind === "stream" ? kind.type : undefined;
    scope.use("$async");
    if (t === undefined) return "$async.UNIT_PAYLOAD";
    const key = typeKey(this.host.types, t);
    return scope.instanceHelper(`payload:${key}`, (name) => {
      const { size, align } = this.host.layout.sizeAlign(t);
      const holder = glueFunction("payload", []);
      const resourceKey = this.host.resourceKey(scope.owner.id);
      const lift = new FunctionEmitter(scope, holder, "implement", { args: ["ptr"], directResult: false, resourceKey });
      this.host.walker(lift, scope).walkPayloadLift(t);
      const lower = new FunctionEmitter(scope, holder, "implement", {
        args: ["value", "ptr"],
        directResult: false,
        resourceKey,
      });
      this.host.walker(lower, scope).walkPayloadLower(t);
      scope.usesMemory();
      const dealiased = this.host.layout.dealias(t);
      const plain = typeof dealiased === "string" && numbers.has(dealiased);
      const fields = [
        `size: ${size}`,
        `align: ${align}`,
        `key: ${stringLiteral(key)}`,
        `plain: ${plain}`,
        "memoryBytes: () => ($memory === undefined ? 0 : $memory.buffer.byteLength)",
      ];
      return payloadConst(name, fields, dealiased === "u8", lift.lines, lower.lines);
    });
  }

  /**
   * The `$async.Payload` of a channel's type for what only compares types
   * (ends moved between instances, channels the host feeds): no memory.
   */
  payloadType(
    module: { use(h: string): void; constant(key: string, code: (name: string) => string): string },
    channelType: TypeId,
  ): string {
    const kind = this.host.types.resolve.types[channelType]!.kind;
    const t = kind.kind === "future" || kind.kind === "stream" ? kind.type : undefined;
    module.use("$async");
    if (t === undefined) return "$async.UNIT_PAYLOAD";
    const key = typeKey(this.host.types, t);
    return module.constant(`payload-type:${key}`, (name) => {
      const { size, align } = this.host.layout.sizeAlign(t);
      const dealiased = this.host.layout.dealias(t);
      const plain = typeof dealiased === "string" && numbers.has(dealiased);
      return `const ${name}: $async.Payload = {
size: ${size},
align: ${align},
key: ${stringLiteral(key)},
plain: ${plain},
lift(): never {
throw new Error("internal: a payload without memory was read");
},
lower(): never {
throw new Error("internal: a payload without memory was written");
},
};`;
    });
  }

  /** The expression of built-in `ref` as its instance imports it. */
  builtin(ref: CoreRef & { kind: "builtin" }): string {
    const { name, instance: i } = ref;
    const inst = this.host.scope(i);
    inst.use("$crt");
    inst.use("$mayLeave");
    inst.use("$trap");
    const check = noLeaveCheck.has(name) ? "" : "if ($state !== 1) $cannotLeave();\n";
    const base = `$builtin${camelCase(name.replace(/\./g, "-")).replace(/^./, (c) => c.toUpperCase())}`;
    // Built-ins with options or a memory live in that option scope; the others in the instance's.
    const options: ResolvedOptions | undefined =
      ref.options ?? (ref.memory !== undefined ? { encoding: "utf8", memory: ref.memory } : undefined);
    const scope = options === undefined ? undefined : this.host.optionScope(i, options);
    const unique = `${base}${inst.builtinCount++}`;
    const define = (params: string, ret: string, body: string): string => {
      const code = `function ${unique}(${params}): ${ret} {\n${check}${body}\n}`;
      if (scope) {
        this.host.bindOptions(i, options!);
        scope.functions.push(code);
        scope.members.push(unique);
        return `$ci${i}.${scope.name}.${unique}`;
      }
      inst.code.push(code);
      inst.members.push(unique);
      return `$ci${i}.${unique}`;
    };
    const channel = (): { kind: "stream" | "future"; payload: string } => {
      const kind = name.startsWith("stream") ? "stream" : "future";
      const id = this.host.layout.dealias(this.host.types.valType(ref.type!.entry, ref.type!.env)) as TypeId;
      // Copies read and write memory; the other built-ins only compare types.
      const copies = /\.(read|write)$/.test(name);
      return { kind, payload: copies ? this.payloadCodec(scope!, id) : this.payloadType(inst.module, id) };
    };
    const store = `(handle, payload) => {
if ($u8.byteLength === 0) $refresh();
$dv.setUint32(ptr, handle, true);
$dv.setUint32(ptr + 4, payload, true);
}`;
    switch (name) {
      case "context.get":
        return define("", "number", `return $rt.contextGet(${ref.index ?? 0});`);
      case "context.set":
        return define("v: number", "void", `$rt.contextSet(${ref.index ?? 0}, v >>> 0);`);
      case "backpressure.inc":
        return define("", "void", "$rt.backpressureInc();");
      case "backpressure.dec":
        return define("", "void", "$rt.backpressureDec();");
      case "backpressure.set":
        return define("on: number", "void", "$rt.backpressureSet(on !== 0);");
      case "task.return":
        return this.taskReturn(ref, define);
      case "task.cancel":
        return define("", "void", "$rt.taskCancel();");
      case "thread.yield":
        // With JSPI the task lets the others run; without, there is nothing to switch to: it returns at once.
        return blocking(define("", "number", `return $rt.threadYield(${ref.async ? "true" : ""});`), "", "i");
      case "thread.index":
        return define("", "number", "return $async.threadIndex($rt);");
      case "thread.new-indirect":
        return define(
          "fi: number, arg: number",
          "number",
          `return $async.threadNew($rt, ${this.host.coreRef(ref.table)} as WebAssembly.Table, fi >>> 0, arg);`,
        );
      case "thread.resume-later":
        return define("i: number", "void", "$async.threadResumeLater($rt, i);");
      case "thread.suspend":
        return blocking(
          define("", "number", `return $async.threadSwitch($rt, "${name}", undefined, false, false, ${!!ref.async});`),
          "",
          "i",
        );
      case "thread.yield-then-resume":
      case "thread.suspend-then-resume":
      case "thread.yield-then-promote":
      case "thread.suspend-then-promote": {
        const yielding = name.startsWith("thread.yield");
        const promote = name.endsWith("promote");
        return blocking(
          define(
            "i: number",
            "number",
            `return $async.threadSwitch($rt, "${name}", i, ${yielding}, ${promote}, ${!!ref.async});`,
          ),
          "i",
          "i",
        );
      }
      case "waitable-set.new":
        return define("", "number", "return $rt.waitableSetNew();");
      case "waitable-set.drop":
        return define("set: number", "void", "$rt.waitableSetDrop(set);");
      case "waitable.join":
        return define("w: number, set: number", "void", "$rt.waitableJoin(w, set);");
      case "waitable-set.wait":
      case "waitable-set.poll": {
        scope!.usesMemory();
        const fn = define(
          "set: number, ptr: number",
          "number",
          `return $rt.waitableSetPollOrWait(set, ${name.endsWith("wait")}, ${store}, ${ref.async ? "true" : "false"});`,
        );
        return name.endsWith("wait") ? blocking(fn, "ii", "i") : fn;
      }
      case "subtask.drop":
        return define("subtask: number", "void", "$rt.subtaskDrop(subtask);");
      case "subtask.cancel": {
        const fn = define(
          "subtask: number",
          "number",
          `return $rt.subtaskCancel(subtask, ${ref.async ? "true" : "false"});`,
        );
        // (The async form too: a callee blocked in a cancellable wait runs before it returns.)
        return blocking(fn, "i", "i");
      }
      case "stream.new":
      case "future.new": {
        const c = channel();
        return define("", "bigint", `return $rt.channelNew("${c.kind}", ${c.payload});`);
      }
      case "stream.read":
      case "stream.write":
      case "future.read":
      case "future.write": {
        const c = channel();
        const op = name.endsWith("read") ? "read" : "write";
        if (c.payload !== "$async.UNIT_PAYLOAD") scope!.usesMemory();
        const [countParam, count] = c.kind === "stream" ? [", count: number", "count >>> 0"] : ["", "1"];
        const fn = define(
          `end: number, ptr: number${countParam}`,
          "number",
          `return $rt.channelCopy("${c.kind}", "${op}", ${c.payload}, end, ptr >>> 0, ${count}, ${ref.async ? "true" : "false"});`,
        );
        return ref.async ? fn : blocking(fn, c.kind === "stream" ? "iii" : "ii", "i");
      }
      case "stream.cancel-read":
      case "stream.cancel-write":
      case "future.cancel-read":
      case "future.cancel-write": {
        const c = channel();
        const op = name.endsWith("read") ? "read" : "write";
        const fn = define(
          "end: number",
          "number",
          `return $rt.channelCancel("${c.kind}", "${op}", ${c.payload}, end, ${ref.async ? "true" : "false"});`,
        );
        return ref.async ? fn : blocking(fn, "i", "i");
      }
      case "stream.drop-readable":
      case "stream.drop-writable":
      case "future.drop-readable":
      case "future.drop-writable": {
        const c = channel();
        const side = name.endsWith("readable") ? "readable" : "writable";
        return define("end: number", "void", `$rt.channelDrop("${c.kind}", "${side}", ${c.payload}, end);`);
      }
      case "error-context.new":
        return this.errorContextNew(ref, scope!, define);
      case "error-context.debug-message":
        return this.errorContextMessage(ref, scope!, define);
      case "error-context.drop":
        return define("index: number", "void", "$rt.errorContextDrop(index);");
      default:
        return define(
          "..._args: unknown[]",
          "never",
          `$trap(${stringLiteral(`\`${name}\` needs threads or stack switching, which this host does not support`)});`,
        );
    }
  }

  /** `task.return`: lifts the result (as a synchronous import's parameter) and settles the task. */
  private taskReturn(
    ref: CoreRef & { kind: "builtin" },
    define: (params: string, ret: string, body: string) => string,
  ): string {
    const i = ref.instance;
    const options = ref.options ?? { encoding: "utf8" as const };
    const scope = this.host.optionScope(i, options);
    const result = ref.result ? this.host.types.valType(ref.result.type, ref.result.env) : undefined;
    const func = glueFunction("task.return", result === undefined ? [] : [{ name: "result", type: result }]);
    const signature = flattenFunctionType(
      this.host.layout,
      func.params.map((p) => p.type),
      undefined,
      "lower",
    );
    const args = signature.params.map((_, n) => `$p${n}`);
    const key = stringLiteral(typeKey(this.host.types, result));
    const walk = (rawChannels: boolean): string[] => {
      const emitter = new FunctionEmitter(scope, func, "implement", {
        args,
        callUser: (values) => `$rt.taskReturn([${values.join(", ")}], ${key})`,
        resourceKey: this.host.resourceKey(i),
        directResult: false,
        rawChannels,
      });
      this.host.walker(emitter, scope).walkFunction(func, "guest-import", "implement", "task.return");
      return emitter.lines;
    };
    const needsViews = signature.paramsSpilled || (result !== undefined && this.host.layout.needsMemory(result));
    if (needsViews) scope.usesMemory();
    const params = args.map((a, n) => `${a}: ${coreTs(signature.params[n]!)}`).join(", ");
    // Futures and streams go to a caller in another component as they are.
    const channels =
      result !== undefined && this.host.layout.contains(result, (s) => s.kind === "future" || s.kind === "stream");
    const body = channels
      ? [`if ($rt.task("task.return").raw) {`, ...walk(true), `} else {`, ...walk(false), `}`]
      : walk(false);
    return define(params, "void", `${needsViews ? "if ($u8.byteLength === 0) $refresh();\n" : ""}${body.join("\n")}`);
  }

  /** `error-context.new`: the debug message lifted as a string parameter. */
  private errorContextNew(
    ref: CoreRef & { kind: "builtin" },
    scope: OptionScope,
    define: (params: string, ret: string, body: string) => string,
  ): string {
    const func = glueFunction("error-context.new", [{ name: "message", type: "string" }]);
    const emitter = new FunctionEmitter(scope, func, "implement", {
      args: ["ptr", "len"],
      callUser: (values) => `($handle = $rt.errorContextNew(${values[0]}))`,
      resourceKey: this.host.resourceKey(ref.instance),
      directResult: false,
    });
    this.host.walker(emitter, scope).walkFunction(func, "guest-import", "implement", "error-context.new");
    scope.usesMemory();
    return define(
      "ptr: number, len: number",
      "number",
      `if ($u8.byteLength === 0) $refresh();\nlet $handle = 0;\n${emitter.lines.filter((l) => l !== "return;").join("\n")}\nreturn $handle;`,
    );
  }

  /** `error-context.debug-message`: the message stored as a string (pointer and length) at `ptr`. */
  private errorContextMessage(
    ref: CoreRef & { kind: "builtin" },
    scope: OptionScope,
    define: (params: string, ret: string, body: string) => string,
  ): string {
    const holder = glueFunction("debug-message", []);
    const lower = new FunctionEmitter(scope, holder, "implement", { args: ["value", "ptr"], directResult: false });
    this.host.walker(lower, scope).walkPayloadLower("string");
    void ref;
    scope.usesRealloc();
    return define(
      "index: number, ptr: number",
      "void",
      `const value = $rt.errorContextMessage(index);\nif ($u8.byteLength === 0) $refresh();\n${lower.lines.join("\n")}`,
    );
  }
}
