/** Runs the calls of a suite through the generated TypeScript host. */
import { expect } from "vitest";
import { loadHost, wat, type HostModule } from "../../helpers/host.js";
import { exportedFunction, observe, type Call, type Observed, type Outcome, type Suite } from "./suite.js";

export interface PreparedSuite {
  suite: Suite;
  host: HostModule;
  module: WebAssembly.Module;
  /** The guest core module's bytes. */
  core: Uint8Array;
}

export async function prepare(suite: Suite): Promise<PreparedSuite> {
  const [host, core] = await Promise.all([
    loadHost(suite.wit, { world: suite.world, stringEncoding: suite.stringEncoding }),
    wat(suite.wat),
  ]);
  return { suite, host, core, module: await WebAssembly.compile(core as BufferSource) };
}

export interface Instance {
  exports: Record<string, any>;
  log: unknown[];
}

export async function instantiate(p: PreparedSuite): Promise<Instance> {
  const { imports, log } = p.suite.imports({ ComponentError: p.host.ComponentError });
  return { exports: await p.host.instantiate(p.module, imports), log };
}

/** The core name of an exported function `iface.fn`, as trap messages name it. */
export function coreName(exports: Record<string, any>, fn: string): string {
  const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  const parts = fn.split(".");
  if (parts.length === 1) return kebab(parts[0]);
  const holder = exports[parts[0]];
  const full = Object.keys(exports).find((k) => k.includes("/") && exports[k] === holder);
  if (full === undefined) throw new Error(`no interface ${parts[0]}`);
  return `${full}#${kebab(parts[1])}`;
}

/** Calls `call.fn` on `instance`, resetting the log first. */
export function perform(instance: Instance, call: Call): Observed {
  instance.log.length = 0;
  const f = exportedFunction(instance.exports, call.fn);
  return observe(() => f(...call.args));
}

/** Asserts that `observed` is `outcome` (for our host). */
export function expectOutcome(observed: Observed, outcome: Outcome, componentError: Function, where?: string): void {
  if ("value" in outcome || "check" in outcome) {
    if ("threw" in observed) throw observed.threw;
    if ("value" in outcome) expect(observed.returned).toEqual(outcome.value);
    else
      expect(outcome.check(observed.returned), `${outcome.description}: ${String(observed.returned)}`).not.toBe(false);
    return;
  }
  if (!("threw" in observed)) throw new Error(`expected a throw, got ${String(observed.returned)}`);
  const e = observed.threw as Error & { payload?: unknown };
  if ("error" in outcome) {
    expect(e).toBeInstanceOf(componentError);
    expect(e.payload).toEqual(outcome.error);
  } else if ("typeError" in outcome) {
    expect(e).toBeInstanceOf(TypeError);
    expect(outcome.typeError.test(e.message), e.message).toBe(true);
    if (where !== undefined) expect(e.message.startsWith(`${where}: `), e.message).toBe(true);
  } else {
    expect(e).toBeInstanceOf(Error);
    expect(e).not.toBeInstanceOf(TypeError);
    expect(e).not.toBeInstanceOf(componentError);
    expect(outcome.trap.test(e.message), e.message).toBe(true);
    if (where !== undefined) expect(e.message.startsWith(`${where}: `), e.message).toBe(true);
  }
}
