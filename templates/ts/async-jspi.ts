/**
 * JS Promise Integration for the async runtime (async-runtime.ts): the tiny
 * wasm modules through which a task's guest code may block. Hosts embed it
 * with the rest of the runtime, in one namespace, without its imports.
 */
// ---------------------------------------------------------------------- JSPI

/**
 * Whether the engine has JS Promise Integration (`WebAssembly.Suspending`
 * and `WebAssembly.promising`): stack switching, which lets an async task
 * block in a synchronous built-in (a `waitable-set.wait` with nothing ready,
 * a synchronous copy or cancel) until what it waits for happens.
 *
 * How it is used, given that JSPI cannot suspend through JavaScript frames:
 * - an async task's guest code runs through `suspendable`: a tiny wasm
 *   module calls the core function and reports its result to JavaScript as
 *   it returns (so a turn that did not block still ends synchronously), and
 *   is itself entered through `WebAssembly.promising`;
 * - a built-in that may block is imported through `blocking`: a tiny wasm
 *   module calls the JavaScript built-in, which returns at once, having
 *   parked a promise when it must wait; the module then calls a
 *   `WebAssembly.Suspending` function that awaits that promise. No
 *   JavaScript frame is left between the two when the stack is suspended.
 */
export const JSPI =
  typeof (WebAssembly as { Suspending?: unknown }).Suspending === "function" &&
  typeof (WebAssembly as { promising?: unknown }).promising === "function";

/**
 * What a blocking built-in parked for `blocking`'s module: the promise to
 * await, and what runs on the resumed stack before the guest goes on (it
 * gives the built-in's result).
 */
let parked: { wait: Promise<unknown>; resume: () => unknown } | undefined;
/** The `resume`s of the stacks suspended now, by the token their `blocking` module holds. */
const resumes = new Map<number, () => unknown>();
let nextToken = 0;

/** Parks `wait` for the blocking built-in that runs now, which returns a placeholder meanwhile. */
export function park(wait: Promise<unknown>, resume: () => unknown): void {
  parked = { wait, resume };
}

const valTypes: Record<string, number> = { i: 0x7f, I: 0x7e, f: 0x7d, F: 0x7c };

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}
function vec(items: number[][]): number[] {
  return [...leb(items.length), ...items.flat()];
}
function str(s: string): number[] {
  return vec([...s].map((c) => [c.charCodeAt(0)]));
}
function section(id: number, items: number[][]): number[] {
  const body = vec(items);
  return [id, ...leb(body.length), ...body];
}
function funcType(params: string, results: string): number[] {
  return [0x60, ...vec([...params].map((c) => [valTypes[c]!])), ...vec([...results].map((c) => [valTypes[c]!]))];
}

/**
 * A core module with imports `""."<name>"` of the given types (indices into
 * `types`) and one exported function `run` of type `types[0]`, whose body is
 * `code` (with `locals`, one value type letter each).
 */
function tinyModule(
  types: number[][],
  imports: [string, number][],
  locals: string,
  code: number[],
): WebAssembly.Module {
  const body = [...vec([...locals].map((c) => [1, valTypes[c]!])), ...code, 0x0b];
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, types),
    ...section(
      2,
      imports.map(([name, type]) => [...str(""), ...str(name), 0x00, ...leb(type)]),
    ),
    ...section(3, [leb(0)]),
    ...section(7, [[...str("run"), 0x00, ...leb(imports.length)]]),
    ...section(10, [[...leb(body.length), ...body]]),
  ];
  return new WebAssembly.Module(new Uint8Array(bytes));
}

const moduleCache = new Map<string, WebAssembly.Module>();
function cached(key: string, make: () => WebAssembly.Module): WebAssembly.Module {
  let m = moduleCache.get(key);
  if (m === undefined) moduleCache.set(key, (m = make()));
  return m;
}

/** What the turn that calls a `suspendable` core function does when that function returns after blocking. */
let turnDone: (() => void) | undefined;
/** Sets it (the turn about to call guest code), or clears it. */
export function setTurnDone(done: (() => void) | undefined): void {
  turnDone = done;
}

/**
 * `core` (of core type `params` → `results`, one letter a value: i, I, f, F)
 * as a task's guest code that may block: called through
 * `WebAssembly.promising`, it gives its result at once when it did not block,
 * else a promise of it. Without JSPI it is `core` itself.
 */
export function suspendable(core: (...args: any[]) => any, params: string, results: string): (...args: any[]) => any {
  if (!JSPI || typeof core !== "function") return core;
  const module = cached(`s:${params}:${results}`, () => {
    const n = params.length + 1;
    const gets = [...params].flatMap((_, i) => [0x20, ...leb(i + 1)]);
    // run(token, ...params): f(...params), then report(token, result?), returning the result.
    const code = results
      ? [...gets, 0x10, 0, 0x21, ...leb(n), 0x20, 0, 0x20, ...leb(n), 0x10, 1, 0x20, ...leb(n)]
      : [...gets, 0x10, 0, 0x20, 0, 0x10, 1];
    return tinyModule(
      [funcType(`i${params}`, results), funcType(params, results), funcType(`i${results}`, "")],
      [
        ["f", 1],
        ["report", 2],
      ],
      results,
      code,
    );
  });
  const calls = new Map<number, { value?: { value: unknown }; returned: boolean; done?: () => void }>();
  let next = 0;
  const instance = new WebAssembly.Instance(module, {
    "": {
      f: core,
      report: (token: number, value?: unknown) => {
        const call = calls.get(token)!;
        call.value = { value };
        // It blocked before: the turn ends now, on the stack it resumed on.
        if (call.returned) {
          calls.delete(token);
          call.done?.();
        }
      },
    },
  });
  const run = (WebAssembly as unknown as { promising(f: unknown): (...args: unknown[]) => Promise<unknown> }).promising(
    instance.exports.run,
  );
  return (...args) => {
    const token = (next = (next + 1) | 0);
    const call: { value?: { value: unknown }; returned: boolean; done?: () => void } = {
      returned: false,
      done: turnDone,
    };
    turnDone = undefined;
    calls.set(token, call);
    const promise = run(token, ...args);
    call.returned = true;
    if (call.value !== undefined) {
      calls.delete(token);
      return call.value.value;
    }
    // It blocked (or trapped: the promise rejects).
    promise.then(undefined, () => {
      if (calls.delete(token)) call.done?.();
    });
    return promise;
  };
}

/**
 * The core type of a built-in a guest imports by wit-bindgen's name that may
 * block (a synchronous wait, copy, cancel or yield), as `blocking` takes it.
 */
function blockingBuiltinType(name: string): [params: string, results: string] | undefined {
  name = name.replace(/^\[cancellable\]/, "");
  if (name === "[waitable-set-wait]") return ["ii", "i"];
  if (name === "[subtask-cancel]" || /^\[(stream|future)-cancel-(read|write)-\d+\]/.test(name)) return ["i", "i"];
  if (name === "[thread-yield]" || name === "[yield]" || name === "[thread-suspend]") return ["", "i"];
  if (/^\[thread-(suspend|yield)-then-(resume|promote)\]$/.test(name)) return ["i", "i"];
  if (/^\[stream-(read|write)-\d+\]/.test(name)) return ["iii", "i"];
  if (/^\[future-(read|write)-\d+\]/.test(name)) return ["ii", "i"];
  return undefined;
}

/**
 * With JSPI, wraps the built-ins in `imports` that `module` imports and that
 * may block (`blocking`), and the functions `lowered` names (by
 * `module\nname`: synchronous lowerings of async functions, as
 * `params:results`); whether there were any (its async exports' turns then
 * run through `suspendable`).
 */
export function wrapBlocking(
  module: WebAssembly.Module,
  imports: WebAssembly.Imports,
  lowered: Record<string, string> = {},
): boolean {
  if (!JSPI) return false;
  let any = false;
  for (const i of WebAssembly.Module.imports(module)) {
    const sync = lowered[`${i.module}\n${i.name}`]?.split(":") as [string, string] | undefined;
    const type = i.kind !== "function" ? undefined : (sync ?? blockingBuiltinType(i.name));
    const fns = imports[i.module] as Record<string, unknown> | undefined;
    const fn = fns?.[i.name];
    if (type === undefined || typeof fn !== "function") continue;
    fns![i.name] = blocking(fn as (...args: any[]) => any, type[0], type[1]);
    any = true;
  }
  return any;
}

/**
 * `builtin` (of core type `params` → `results`) as a core import that may
 * block: when it parked a promise (`park`), the guest's stack is suspended
 * until the promise settles, and gets its value.
 */
export function blocking(builtin: (...args: any[]) => any, params: string, results: string): unknown {
  if (!JSPI) return builtin;
  const module = cached(`b:${params}:${results}`, () => {
    const n = params.length;
    const gets = [...params].flatMap((_, i) => [0x20, ...leb(i)]);
    const set = results ? [0x21, ...leb(n)] : [];
    // run(...params): plain(...params); if parked(): reenter(resume()) gives the result instead.
    const code = [
      ...gets,
      0x10,
      0,
      ...set,
      0x10,
      1,
      0x04,
      0x40,
      0x10,
      2,
      0x10,
      3,
      ...set,
      0x0b,
      ...(results ? [0x20, ...leb(n)] : []),
    ];
    return tinyModule(
      [funcType(params, results), funcType("", "i"), funcType("", "i"), funcType("i", results)],
      [
        ["plain", 0],
        ["parked", 1],
        ["resume", 2],
        ["reenter", 3],
      ],
      results,
      code,
    );
  });
  const Suspending = (WebAssembly as unknown as { Suspending: new (f: unknown) => WebAssembly.ImportValue }).Suspending;
  const instance = new WebAssembly.Instance(module, {
    "": {
      plain: builtin,
      parked: () => (parked === undefined ? 0 : 1),
      // Suspends the stack until the parked promise settles; its token finds the `resume` again.
      resume: new Suspending(() => {
        const { wait, resume } = parked!;
        parked = undefined;
        const token = (nextToken = (nextToken + 1) | 0);
        resumes.set(token, resume);
        return wait.then(() => token);
      }),
      // On the resumed stack, before the guest goes on: the instance is entered again.
      reenter: (token: number) => {
        const resume = resumes.get(token)!;
        resumes.delete(token);
        return resume();
      },
    },
  });
  return instance.exports.run;
}
