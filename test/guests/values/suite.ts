/**
 * The data-driven form of the value tests: a suite is a WIT world, a guest
 * core module written by hand in WAT, the host functions the guest imports,
 * and a list of calls with what each must return or throw. The same calls
 * run through the generated TypeScript host (`ts-host-values.test.ts`) and,
 * for the differential test, through jco's transpiled component too.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));

/** The text of a file of this directory. */
export function guestFile(name: string): string {
  return fs.readFileSync(path.join(here, name), "utf8");
}

/** What a call must do. */
export type Outcome =
  /** Returns `value` (compared with `toEqual`: typed arrays must have the same class, `-0` is not `0`). */
  | { value: unknown }
  /** Returns a value `check` accepts (it throws or returns false otherwise). */
  | { check: (value: any) => boolean | void; description: string }
  /** Throws a `ComponentError` whose `payload` equals `error`. */
  | { error: unknown }
  /** Traps: throws an `Error` (not a `TypeError` or `ComponentError`) matching `trap`; the instance is poisoned. */
  | { trap: RegExp }
  /** Throws a `TypeError` matching `typeError`; the instance stays usable. */
  | { typeError: RegExp };

/** What jco does instead, when it differs from the canonical ABI or from our conventions. */
export interface JcoDifference {
  /** Why it differs (shown in the test name and summarised in the differential test). */
  why: string;
  /** What jco does: returns `value` (or a value `check` accepts, or anything), or throws (any error). */
  outcome: { value: unknown } | { check: (value: any) => boolean } | { returns: true } | { throws: true };
}

export interface Call {
  /** `interface.function` (the interface's short name) or a world-level `function`, on the exports object. */
  fn: string;
  args: unknown[];
  outcome: Outcome;
  /** What the host's imports must have recorded in the call (see `Suite.imports`). */
  log?: unknown[];
  jco?: JcoDifference;
  /** A short description for the test name, instead of the arguments. */
  title?: string;
  /** The core name of the function a trap's message names, when not the called export (a host import's). */
  trapIn?: string;
  /**
   * A generator bug makes the call fail (in a file these tests may not fix): the test is
   * marked `it.fails` with this description, and starts failing once the bug is fixed.
   */
  knownBug?: string;
}

export interface HostImports {
  /** The import object, as the generated host takes it (and jco too, with `Suite.jcoImports`). */
  imports: Record<string, any>;
  /** What the host functions record, one entry per call or as they choose. */
  log: unknown[];
}

export interface Suite {
  name: string;
  wit: string;
  world: string;
  wat: string;
  stringEncoding?: "utf8" | "utf16";
  /**
   * A fresh import object and log (one per instance). `env.ComponentError` is the generated
   * module's, for host functions that return `err` by throwing (absent for jco).
   */
  imports(env?: { ComponentError?: new (payload: unknown) => Error }): HostImports;
  /** The import object jco takes, if it differs (jco keys world-level functions by name, as `{ default }`). */
  jcoImports?(ours: Record<string, any>): Record<string, any>;
  calls: Call[];
}

/** Thrown by host functions for `err` when the generated module's `ComponentError` is not at hand (jco). */
export class PayloadError extends Error {
  constructor(readonly payload: unknown) {
    super(String(payload));
  }
}

/** Finds `iface.fn` (or `fn`) on an exports object. */
export function exportedFunction(exports: Record<string, any>, fn: string): (...args: unknown[]) => unknown {
  const parts = fn.split(".");
  let target: any = exports;
  for (const p of parts) {
    target = target?.[p];
  }
  if (typeof target !== "function") throw new Error(`no exported function ${fn}`);
  return target;
}

/** What a call did. */
export type Observed = { returned: unknown } | { threw: unknown };

export function observe(f: () => unknown): Observed {
  try {
    return { returned: f() };
  } catch (e) {
    return { threw: e };
  }
}

/** Whether the outcome leaves the instance unusable (every later call must use a fresh one). */
export function poisons(outcome: Outcome): boolean {
  return "trap" in outcome;
}

/** A readable rendering of arguments for test names. */
export function describeArgs(args: unknown[]): string {
  const one = (v: unknown): string => {
    if (typeof v === "bigint") return `${v}n`;
    if (typeof v === "number") return Object.is(v, -0) ? "-0" : String(v);
    if (typeof v === "string") return JSON.stringify(v.length > 24 ? `${v.slice(0, 24)}…` : v);
    if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${(v as unknown as { length: number }).length})`;
    if (Array.isArray(v))
      return v.length > 4 ? `[${v.slice(0, 4).map(one).join(", ")}, …]` : `[${v.map(one).join(", ")}]`;
    if (v === null || v === undefined) return String(v);
    if (typeof v === "object") {
      const s = JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? `${x}n` : x));
      return s.length > 40 ? `${s.slice(0, 40)}…` : s;
    }
    return String(v);
  };
  return args.map(one).join(", ");
}

export function callTitle(call: Call): string {
  return `${call.fn}(${call.title ?? describeArgs(call.args)})`;
}

/** Whether a call threw. */
export function threw(o: Observed): o is { threw: unknown } {
  return "threw" in o;
}

/** What a call did, briefly, for failure messages. */
export function describeObserved(o: Observed): string {
  if (threw(o)) return `threw ${String((o.threw as Error)?.message ?? o.threw).slice(0, 200)}`;
  const v = o.returned;
  if (ArrayBuffer.isView(v))
    return `returned a ${v.constructor.name} of ${(v as unknown as ArrayLike<unknown>).length} elements`;
  return `returned ${describeArgs([v])}`;
}
