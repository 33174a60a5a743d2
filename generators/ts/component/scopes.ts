/**
 * Where the glue of a transpiled component lives. Each runtime component
 * instance of the plan is one closure (its state, its handle table, its
 * resource helpers); inside it, each distinct set of memory options is one
 * nested closure (the memory's views, the allocator, the string helpers and
 * the glue functions that use them). The same runtime helpers as the WIT
 * host's are used; `isMemoryHelper` decides which level each belongs to.
 */
import type { CoreRef, ResolvedOptions } from "../../../encoding/plan.js";
import type { GlueModule } from "../glue.js";
import { helperClosure, helperCode, isMemoryHelper } from "../runtime.js";
import type { TsTypes } from "../types.js";
import type { TypeId } from "../../../ir/types.js";

export function coreRefKey(ref: CoreRef | undefined): string {
  if (ref === undefined) return "-";
  switch (ref.kind) {
    case "export":
      return `e${ref.instance}.${ref.name}`;
    case "lowered":
      return `l${ref.lowering}`;
    case "resource":
      return `r${ref.op}${ref.resource}@${ref.instance}`;
    case "builtin":
      return `b${ref.name}${ref.index ?? ""}@${ref.instance}`;
  }
}

/** A closure over one memory (and allocator) of one component instance. */
export class OptionScope implements GlueModule {
  readonly helpers = new Set<string>();
  readonly functions: string[] = [];
  /** Members of the object the closure returns. */
  readonly members: string[] = [];
  private readonly instanceHelpers = new Map<string, { name: string; code: string }>();
  memory = false;
  realloc = false;
  bound = false;

  constructor(
    readonly name: string,
    readonly owner: InstanceScope,
    readonly options: ResolvedOptions,
    readonly types: TsTypes,
  ) {}

  use(helper: string): void {
    this.helpers.add(helper === "$rt" ? "$crt" : helper);
  }

  constant(key: string, code: (name: string) => string): string {
    return this.owner.module.constant(key, code);
  }

  payloadCodec(channelType: TypeId): string {
    return this.owner.module.payloadType(this, channelType);
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

  usesMemory(): void {
    this.memory = true;
  }

  usesRealloc(): void {
    this.realloc = true;
    this.memory = true;
  }

  /**
   * The scope's declarations and the object that exposes them
   * (`const <name> = { bind, … }`), to be placed in a closure of its own or,
   * for an instance's only memory, directly in the instance's closure (one
   * context level less on every access to the instance's state).
   */
  parts(): { declarations: string[]; object: string } {
    if (this.memory) this.helpers.add("$views");
    const all = helperClosure(this.helpers);
    const local: string[] = [];
    for (const h of all) {
      const { scope, code } = helperCode(h);
      if (scope === "module") this.owner.module.use(h);
      else if (isMemoryHelper(h)) local.push(code);
      else this.owner.use(h);
    }
    const declarations: string[] = [];
    if (!all.includes("$views")) declarations.push("let $memory: WebAssembly.Memory | undefined;");
    if (!all.includes("$alloc"))
      declarations.push(
        "let $realloc: ((ptr: number, oldSize: number, align: number, newSize: number) => number) | undefined;",
      );
    declarations.push(...local, ...[...this.instanceHelpers.values()].map((h) => h.code), ...this.functions);
    const refresh = all.includes("$views") ? "if ($memory !== undefined) $refresh();" : "";
    const object = [
      `{`,
      `bind(memory: unknown, realloc: unknown): void {`,
      `$memory = memory as WebAssembly.Memory | undefined;`,
      `$realloc = realloc as typeof $realloc;`,
      refresh,
      `},`,
      ...this.members.map((m) => `${m},`),
      `}`,
    ].join("\n");
    return { declarations, object };
  }

  /** The scope in a closure of its own: `const <name> = (() => { … })();`. */
  code(): string {
    const { declarations, object } = this.parts();
    return [`const ${this.name} = (() => {`, ...declarations, `return ${object};`, `})();`].join("\n");
  }
}

/** What the whole module provides to the scopes. */
export interface ModuleScope {
  use(helper: string): void;
  constant(key: string, code: (name: string) => string): string;
  /** A future's or stream's payload for comparing types (see `AsyncBuiltins.payloadType`). */
  payloadType(scope: OptionScope, channelType: TypeId): string;
}

/** A closure over one runtime component instance. */
export class InstanceScope {
  readonly helpers = new Set<string>();
  readonly options = new Map<string, OptionScope>();
  readonly code: string[] = [];
  readonly members: string[] = [];
  /** Resource helpers already emitted, by resource id. */
  readonly resources = new Set<number>();
  /** Built-ins emitted so far (each gets a function of its own). */
  builtinCount = 0;

  constructor(
    readonly id: number,
    readonly label: string,
    readonly module: ModuleScope,
  ) {}

  get name(): string {
    return `$ci${this.id}`;
  }

  use(helper: string): void {
    // A component instance's async runtime shares its handle table.
    this.helpers.add(helper === "$rt" ? "$crt" : helper);
  }

  optionScope(options: ResolvedOptions, types: TsTypes): OptionScope {
    const key = `${options.encoding}|${coreRefKey(options.memory)}|${coreRefKey(options.realloc)}`;
    let s = this.options.get(key);
    if (!s) {
      s = new OptionScope(`$o${this.options.size}`, this, options, types);
      this.options.set(key, s);
    }
    return s;
  }

  /** Whether the instance has a handle table (and so a `$liveHandles()` member); known once rendered. */
  hasTable = false;

  /** The closure's code: `const $ciN = (() => { … })();`. */
  render(): string {
    const scopes = [...this.options.values()];
    let optionCode: string[];
    if (scopes.length === 1) {
      const { declarations, object } = scopes[0]!.parts();
      optionCode = [...declarations, `const ${scopes[0]!.name} = ${object};`];
    } else optionCode = scopes.map((o) => o.code());
    const all = helperClosure(this.helpers);
    this.hasTable = all.includes("$handles");
    const local: string[] = [];
    for (const h of all) {
      const { scope, code } = helperCode(h);
      if (scope === "module") this.module.use(h);
      else local.push(code);
    }
    return [
      `const ${this.name} = (() => {`,
      `let $state = 0;`,
      `let $current = ${JSON.stringify(this.label)};`,
      ...local,
      ...this.code,
      ...optionCode,
      `return {`,
      `/** Core instances of this instance are being created: their start functions may call out. */`,
      `$begin(): void {`,
      `if ($state === 0) $state = 1;`,
      `},`,
      `$end(): void {`,
      `if ($state === 1) $state = 0;`,
      `},`,
      ...(all.includes("$handles")
        ? [`/** The handles live in this instance's table. */`, `$liveHandles: () => $table.length - 1 - $free.length,`]
        : []),
      ...[...this.options.values()].map((o) => `${o.name},`),
      ...this.members.map((m) => `${m},`),
      `};`,
      `})();`,
    ].join("\n");
  }
}
