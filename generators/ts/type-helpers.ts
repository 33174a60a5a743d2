/**
 * The per-type code of the TypeScript host, declared once an instance and
 * shared by every function (and every helper) that needs it: the helpers
 * that lower or lift a value of one type (`GlueModule.typeHelper`, made when
 * the walker's `wantsHelper` asks for one and `callHelper` calls it; the body
 * is `AbiWalker.walkHelper`), and the codecs of futures' and streams'
 * payloads (`GlueModule.payloadCodec`).
 */
import type { AbiWalker } from "../../ir/abi/walk.js";
import type { HelperCall } from "../../ir/abi/instructions.js";
import type { AbiLayout } from "../../ir/abi/layout.js";
import type { Resolve } from "../../ir/resolve.js";
import type { Function, InterfaceId, Type, TypeId } from "../../ir/types.js";
import {
  coreTs,
  FunctionEmitter,
  type GlueModule,
  type HandleEffects,
  type HelperView,
  type TypeHelper,
} from "./glue.js";

/** The function whose view of the world's resources a payload codec takes, and its direction. */
export interface PayloadContext {
  fn: { iface: InterfaceId | undefined; interfaceName: string | undefined };
  direction: "import" | "export";
}

/** What the per-type code needs from the host module being generated. */
export interface TypeHelperModule extends GlueModule {
  readonly resolve: Resolve;
  readonly layout: AbiLayout;
  /** The ABI walker of glue for a function of `direction` (the resources it sees). */
  walker(emitter: FunctionEmitter, direction: "import" | "export"): AbiWalker<string>;
  /** The index of the resource a handle refers to, for a function of `fn`'s interface. */
  resourceKey(
    fn: { iface: InterfaceId | undefined; interfaceName: string | undefined },
    resource: TypeId,
    side: "imported" | "exported",
  ): number;
}

/** The length past which a type in a helper's signature is written through an alias (`typeText`). */
const LONG_TYPE = 60;

export class TypeHelpers {
  /** What each type's helper (by name) does with handles (`typeHelper`). */
  private helperEffects = new Map<string, HandleEffects>();

  /** The local type aliases of long types (`typeText`), by their definition's type. */
  private aliases = new Map<string, string>();
  /** The declarations of the aliases made for the helper being made. */
  private pendingAliases: string[] = [];

  constructor(private readonly module: TypeHelperModule) {}

  /** The `$async.Payload` of a future's or stream's type, as `context`'s function sees its handles. */
  payloadCodec(channelType: TypeId, context?: PayloadContext): string {
    const m = this.module;
    const kind = m.resolve.types[channelType].kind;
    const t = kind.kind === "future" || kind.kind === "stream" ? kind.type : undefined;
    m.use("$async");
    if (t === undefined) return "$async.UNIT_PAYLOAD";
    // Handles in the payload are the resources the function sees: one codec per function's view.
    const handles = m.layout.contains(t, (s) => s.kind === "own" || s.kind === "borrow");
    const view = handles && context ? `:${context.direction}:${context.fn.interfaceName ?? ""}` : "";
    const resourceKey =
      handles && context
        ? (resource: TypeId, side: "imported" | "exported") => m.resourceKey(context.fn, resource, side)
        : undefined;
    const direction = context?.direction ?? "import";
    return m.instanceHelper(`payload:${this.structuralKey(t)}${view}`, (name) => {
      const { size, align } = m.layout.sizeAlign(t);
      const holder = glueFunction("payload", []);
      // Futures and streams inside the payload are seen as the function sees them too.
      const payloadOf = (type: TypeId) => this.payloadCodec(type, context);
      const lift = new FunctionEmitter(m, holder, "implement", {
        args: ["ptr"],
        directResult: false,
        resourceKey,
        payloadOf,
      });
      m.walker(lift, direction).walkPayloadLift(t);
      const lower = new FunctionEmitter(m, holder, "implement", {
        args: ["value", "ptr"],
        directResult: false,
        resourceKey,
        payloadOf,
      });
      m.walker(lower, direction).walkPayloadLower(t);
      m.usesMemory();
      const bytes = m.layout.dealias(t) === "u8";
      return payloadConst(name, [`size: ${size}`, `align: ${align}`], bytes, lift.lines, lower.lines);
    });
  }

  /**
   * The helper of `call`'s kind for its type, shared by every function (and
   * every helper) that lowers or lifts a value of the type: its body is the
   * ABI walk of the type (`AbiWalker.walkHelper`); the error paths of the
   * value continue its `$path` argument.
   */
  typeHelper(call: HelperCall, view?: HelperView): TypeHelper {
    const m = this.module;
    const t = call.type;
    // Handles in the type are the resources the function sees: one helper per function's view.
    const handles = m.layout.contains(t, (s) => s.kind === "own" || s.kind === "borrow");
    if (handles && view === undefined) throw new Error("a helper of a type with handles needs the function's view");
    const key = `${call.kind}:${this.structuralKey(t)}:${call.owned}${handles ? `:${view!.direction}:${view!.fn.interfaceName ?? ""}` : ""}`;
    const effects: HandleEffects = { lendsBorrows: false, liftsBorrows: false, hostLends: false, movesHandles: false };
    const name = m.instanceHelper(key, (name) => {
      const holder = glueFunction("helper", []);
      const flat = m.layout.flat(t);
      const args =
        call.kind === "store" ? ["$v", "$ptr"] : call.kind === "load" ? ["$ptr"] : flat.map((_, i) => `$p${i}`);
      const emitter = new FunctionEmitter(m, holder, "implement", {
        args,
        directResult: false,
        pathParam: "$path",
        resourceKey: view === undefined ? undefined : (resource, side) => m.resourceKey(view.fn, resource, side),
        helperView: view,
      });
      m.walker(emitter, view?.direction ?? "import").walkHelper({ ...call, offset: 0, path: "" });
      effects.lendsBorrows = emitter.lendsBorrows;
      effects.liftsBorrows = emitter.liftsBorrows;
      effects.hostLends = emitter.hostLends;
      effects.movesHandles = emitter.movesHandles;
      // A long type is written through local aliases (`typeText`), declared with the helper.
      const params =
        call.kind === "store"
          ? `$v: ${this.typeText(t, true)}, $ptr: number, $path: string`
          : call.kind === "load"
            ? "$ptr: number"
            : args.map((a, i) => `${a}: ${coreTs(flat[i])}`).join(", ");
      const result = call.kind === "store" ? "void" : this.typeText(t, false);
      const aliases = this.pendingAliases.splice(0);
      // A store's closing `return;` says nothing.
      const body =
        call.kind === "store" && emitter.lines.at(-1) === "return;" ? emitter.lines.slice(0, -1) : emitter.lines;
      return `${aliases.map((a) => `${a}\n`).join("")}function ${name}(${params}): ${result} {\n${body.join("\n")}\n}`;
    });
    const known = this.helperEffects.get(name) ?? effects;
    this.helperEffects.set(name, known);
    return { name, handles: known };
  }

  /**
   * `t` (as the guest is given it, with `toGuest`) as a helper's signature
   * writes it: its expression, or when that is longer than `limit`, a local
   * type alias, `$T0`. The alias's definition writes the types it is made of
   * the same way, so each fits on a line of its own: the layout breaks the
   * definition's union (or tuple) one member a line, as prettier does.
   */
  private typeText(t: Type, toGuest: boolean, limit = LONG_TYPE): string {
    const m = this.module;
    const expr = m.types.expr(t, toGuest);
    if (expr.length <= limit) return expr;
    let definition = expr;
    const def = typeof t === "number" ? m.resolve.types[t] : undefined;
    if (def !== undefined && def.name === undefined) {
      if (def.kind.kind === "type") return this.typeText(def.kind.type, toGuest, limit);
      // A map's key and value types share its line.
      const inner = def.kind.kind === "map" ? LONG_TYPE / 2 : LONG_TYPE;
      definition = m.types.structural(t as TypeId, toGuest, (x) => this.typeText(x, toGuest, inner));
    }
    let name = this.aliases.get(definition);
    if (name === undefined) {
      name = `$T${this.aliases.size}`;
      this.aliases.set(definition, name);
      this.pendingAliases.push(`type ${name} = ${definition};`);
    }
    return name;
  }

  /** A key equal for types that are the same type: structural, but named definitions by identity. */
  private structuralKey(t: Type): string {
    if (typeof t !== "number") return t;
    const kind = this.module.resolve.types[t].kind;
    switch (kind.kind) {
      case "type":
        return this.structuralKey(kind.type);
      case "list":
      case "option":
        return `${kind.kind}<${this.structuralKey(kind.type)}>`;
      case "future":
      case "stream":
        return `${kind.kind}<${kind.type === undefined ? "" : this.structuralKey(kind.type)}>`;
      case "tuple":
        return `tuple<${kind.types.map((x) => this.structuralKey(x)).join(",")}>`;
      case "result":
        return `result<${kind.ok === undefined ? "_" : this.structuralKey(kind.ok)},${kind.err === undefined ? "_" : this.structuralKey(kind.err)}>`;
      default:
        return `#${t}`;
    }
  }
}

/**
 * A future's or stream's payload codec (`$async.Payload`): `fields` first,
 * then `bytes()` for a payload of `u8`, then the lift and lower bodies.
 */
export function payloadConst(
  name: string,
  fields: readonly string[],
  bytes: boolean,
  lift: readonly string[],
  lower: readonly string[],
): string {
  const bytesMethod = bytes ? `bytes(): Uint8Array {\nif ($u8.byteLength === 0) $refresh();\nreturn $u8;\n},\n` : "";
  return `const ${name}: $async.Payload = {
${fields.map((f) => `${f},\n`).join("")}${bytesMethod}lift(ptr: number): unknown {
if ($u8.byteLength === 0) $refresh();
${lift.join("\n")}
},
lower(value: any, ptr: number): void {
if ($u8.byteLength === 0) $refresh();
${lower.join("\n")}
},
};`;
}

/** A function with no result that only exists to be walked (a built-in's glue, a helper, a payload codec). */
export function glueFunction(name: string, params: { name: string; type: Type }[]): Function {
  return { name, kind: { kind: "freestanding" }, params, result: undefined } as unknown as Function;
}
