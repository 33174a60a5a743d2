/**
 * `witx-bindgen run <component.wasm>`: runs a component in this Node.js
 * process, through its transpiled host (`run-component.ts`), with
 * `@bytecodealliance/preview2-shim` as WASI (`run-wasi.ts`).
 *
 * ```text
 * witx-bindgen run [--dir HOST[::GUEST]]... [--env K[=V]]... <component> [-- ARGS...]
 * witx-bindgen run --invoke '<call>' <component>
 * witx-bindgen run <component> <function> [--param value]...
 * witx-bindgen run <component> --list
 * witx-bindgen run <component> <function> --help
 * ```
 *
 * - A command (a component exporting `wasi:cli/run`) runs with the
 *   arguments after `--`; its exit status is the process's: `run` returning
 *   `ok` is 0 and `err` 1, `wasi:cli/exit`'s `exit` is 0 or 1 and
 *   `exit-with-code(n)` is n.
 * - `--invoke 'f(1, "a")'` calls an export with arguments in WAVE and prints
 *   its result in WAVE (nothing for a function without one), as
 *   `wasmtime run --invoke` does, with wasmtime's names for functions in
 *   exported interfaces (`ns:pkg/iface.f@1.0.0`, or `f` when unambiguous).
 * - `<function> --param value` gives the arguments as flags, read by the
 *   parameters' types (`run-args.ts`).
 *
 * Status 2 for bad arguments (nothing is called), 1 for a component that
 * cannot run (invalid, imports WASI does not provide, resources in the
 * called function's signature) or that traps.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import pc from "picocolors";
import { isComponentBinary } from "../encoding/decode/component.js";
import { printWave, UntypedWaveCall, WaveError } from "../ir/wave/index.js";
import { ArgumentError, TypedArguments } from "./run-args.js";
import {
  coreModules,
  loadHost,
  loadRunnable,
  RunError,
  unrepresentable,
  type ExportedFunction,
  type RunnableComponent,
} from "./run-component.js";
import { functionHelp, listText } from "./run-help.js";
import { GuestExit, wasiImports } from "./run-wasi.js";

const RUN_HELP = `Usage:
  witx-bindgen run [OPTIONS] <component> [-- ARGS...]      run a command (wasi:cli/run)
  witx-bindgen run [OPTIONS] --invoke '<call>' <component>  call an export, arguments in WAVE
  witx-bindgen run [OPTIONS] <component> <function> [--param value]...
                                                         call an export, arguments as flags
  witx-bindgen run <component> --list                    list the exported functions
  witx-bindgen run <component> <function> --help         the function's flags

Options:
  --invoke <call>      the call, e.g. 'add(1, 2)' or 'my:pkg/iface.f("x")'; prints the result in WAVE
  --dir HOST[::GUEST]  preopen the host directory HOST as GUEST (default: HOST itself); repeatable
  --env K[=V]          set the guest's environment variable K (to the host's value without =V); repeatable
  --list               list the exported functions with their signatures
  -h, --help           this help

Arguments after -- are the guest's (its program name is the component's file name).
Exit status: the guest's; 1 when it cannot run or traps; 2 for bad arguments.
`;

/** A usage error: `error: message` (with a pointer into `at`), status 2. */
class UsageError extends Error {
  constructor(
    message: string,
    readonly at?: { text: string; column: number },
  ) {
    super(message);
  }
}

interface RunOptions {
  component?: string;
  invoke?: string;
  dirs: string[];
  env: string[];
  list: boolean;
  help: boolean;
  func?: string;
  /** The tokens after the function name (its flags). */
  funcArgs: string[];
  /** The guest's arguments (after `--`). */
  guestArgs: string[];
}

function parseRunArgs(args: string[]): RunOptions {
  const o: RunOptions = { dirs: [], env: [], list: false, help: false, funcArgs: [], guestArgs: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") {
      o.guestArgs = args.slice(i + 1);
      break;
    }
    if (o.func !== undefined) {
      o.funcArgs.push(a);
      continue;
    }
    const eq = a.startsWith("--") ? a.indexOf("=") : -1;
    const name = eq < 0 ? a : a.slice(0, eq);
    const value = (): string => {
      if (eq >= 0) return a.slice(eq + 1);
      if (i + 1 >= args.length) throw new UsageError(`${a} needs a value`);
      return args[++i]!;
    };
    switch (name) {
      case "--invoke":
        if (o.invoke !== undefined) throw new UsageError("--invoke is given twice");
        o.invoke = value();
        continue;
      case "--dir":
        o.dirs.push(value());
        continue;
      case "--env":
        o.env.push(value());
        continue;
      case "--list":
        o.list = true;
        continue;
      case "--help":
      case "-h":
        o.help = true;
        continue;
    }
    if (a.startsWith("-")) throw new UsageError(`unknown option ${a} (see witx-bindgen run --help)`);
    if (o.component === undefined) o.component = a;
    else o.func = a;
  }
  return o;
}

/** The WASI configuration: preopens (guest path → host directory) and environment. */
function wasiConfig(o: RunOptions): { preopens: Record<string, string>; env: Record<string, string> } {
  const preopens: Record<string, string> = {};
  for (const spec of o.dirs) {
    const sep = spec.indexOf("::");
    const host = sep < 0 ? spec : spec.slice(0, sep);
    const guest = sep < 0 ? spec : spec.slice(sep + 2);
    if (host === "" || guest === "") throw new UsageError(`--dir ${spec}: expected HOST or HOST::GUEST`);
    let isDir = false;
    try {
      isDir = fs.statSync(host).isDirectory();
    } catch {
      isDir = false;
    }
    if (!isDir) throw new UsageError(`--dir ${spec}: ${host} is not a directory`);
    preopens[guest] = path.resolve(host);
  }
  const env: Record<string, string> = {};
  for (const spec of o.env) {
    const eq = spec.indexOf("=");
    const key = eq < 0 ? spec : spec.slice(0, eq);
    if (key === "") throw new UsageError(`--env ${spec}: expected K=V or K`);
    if (eq >= 0) env[key] = spec.slice(eq + 1);
    else if (process.env[key] !== undefined) env[key] = process.env[key]!;
  }
  return { preopens, env };
}

/** Refuses a function whose parameters or result cannot be written on the command line. */
function checkRepresentable(f: ExportedFunction, component: RunnableComponent): void {
  for (const p of f.func.params) {
    const why = unrepresentable(p.type, component.resolve);
    if (why)
      throw new RunError(`cannot call \`${f.name}\`: its parameter \`${p.name}\` holds ${why}, which run cannot pass`);
  }
  if (f.func.result !== undefined) {
    const why = unrepresentable(f.func.result, component.resolve);
    if (why) throw new RunError(`cannot call \`${f.name}\`: its result holds ${why}, which run cannot print`);
  }
}

/** Whether the host returns the function's `result` directly (throwing its `err`). */
function returnsResult(f: ExportedFunction, component: RunnableComponent): boolean {
  let t = f.func.result;
  while (typeof t === "number") {
    const k = component.resolve.types[t]!.kind;
    if (k.kind === "result") return true;
    if (k.kind !== "type") return false;
    t = k.type;
  }
  return false;
}

type Outcome = { value: unknown } | { exit: number };

/** Instantiates the component on the shim's WASI and calls `f`. */
async function call(
  component: RunnableComponent,
  f: ExportedFunction,
  args: unknown[],
  wasi: { preopens: Record<string, string>; env: Record<string, string>; args: string[] },
  version: string,
): Promise<Outcome> {
  const imports = wasiImports(
    component.plan.imports.map((i) => i.name),
    wasi,
  );
  const missing = component.missingImports(imports);
  if (missing.length) {
    throw new RunError(
      `the component imports what WASI does not provide here: ${missing.map((m) => `\`${m}\``).join(", ")}`,
    );
  }
  const host = loadHost(component, version);
  const direct = returnsResult(f, component);
  try {
    const exports = await host.instantiate(imports, { getCoreModule: coreModules(component) });
    let fn: any = exports;
    for (const key of f.jsPath) fn = fn?.[key];
    if (typeof fn !== "function") throw new RunError(`the host has no function for \`${f.name}\``);
    const holder = f.jsPath.length > 1 ? exports[f.jsPath[0]!] : exports;
    const value = await fn.apply(holder, args);
    return { value: direct ? { tag: "ok", val: value } : value };
  } catch (e) {
    if (e instanceof GuestExit) return { exit: e.code };
    if (direct && e instanceof host.ComponentError) return { value: { tag: "err", val: e.payload } };
    if (e instanceof RunError) throw e;
    const message = e instanceof Error ? e.message : String(e);
    throw new RunError(`\`${f.name}\` failed: ${e instanceof WebAssembly.RuntimeError ? "wasm trap: " : ""}${message}`);
  }
}

/** Writes `error: message`, with a pointer under the column of `at` when it is one line. */
function printError(message: string, at?: { text: string; column: number }): void {
  let out = `${pc.red(pc.bold("error"))}: ${message}\n`;
  if (at && !at.text.includes("\n")) {
    const col = [...at.text].slice(0, at.column - 1).length;
    out += `  ${at.text}\n  ${" ".repeat(col)}${pc.red("^")}\n`;
  }
  process.stderr.write(out);
}

/** Ends the process with `code` once stdout and stderr are written. */
async function exitWith(code: number): Promise<never> {
  await new Promise<void>((resolve) => process.stdout.write("", () => resolve()));
  await new Promise<void>((resolve) => process.stderr.write("", () => resolve()));
  process.exit(code);
}

/** The `run` command: `args` are the arguments after `run`. Never returns. */
export async function runMain(args: string[], version: string): Promise<never> {
  try {
    return await exitWith(await runCommand(args, version));
  } catch (e) {
    if (e instanceof UsageError || e instanceof ArgumentError) {
      printError(e.message, e.at);
      return exitWith(2);
    }
    if (e instanceof WaveError) {
      printError(e.message);
      return exitWith(2);
    }
    if (e instanceof RunError) {
      printError(e.message);
      return exitWith(1);
    }
    throw e;
  }
}

async function runCommand(args: string[], version: string): Promise<number> {
  const o = parseRunArgs(args);
  if (o.component === undefined) {
    if (o.help) {
      process.stdout.write(RUN_HELP);
      return 0;
    }
    throw new UsageError("run: the component is required (see witx-bindgen run --help)");
  }
  if (o.help && o.func === undefined) {
    process.stdout.write(RUN_HELP);
    return 0;
  }
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(fs.readFileSync(o.component));
  } catch (e) {
    throw new UsageError(`failed to read ${o.component}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (!isComponentBinary(bytes)) {
    throw new RunError(`${o.component} is not a component (make one of a core module with \`witx-bindgen component\`)`);
  }
  const component = loadRunnable(bytes, version);
  if (o.list) {
    process.stdout.write(listText(component.functions, component.resolve));
    return 0;
  }
  if (o.invoke !== undefined && o.func !== undefined) {
    throw new UsageError(`give either --invoke or a function name (\`${o.func}\`), not both`);
  }
  const findOrUsage = (name: string) => {
    try {
      return component.find(name);
    } catch (e) {
      if (e instanceof RunError) throw new UsageError(e.message);
      throw e;
    }
  };
  let target: ExportedFunction;
  let argValues: unknown[];
  if (o.invoke !== undefined) {
    let parsed: UntypedWaveCall;
    try {
      parsed = UntypedWaveCall.parse(o.invoke);
    } catch (e) {
      if (e instanceof WaveError) throw new UsageError(`--invoke: ${e.message}`, { text: o.invoke, column: e.column });
      throw e;
    }
    target = findOrUsage(parsed.name);
    checkRepresentable(target, component);
    try {
      argValues = parsed.args(target.func, component.resolve);
    } catch (e) {
      if (e instanceof WaveError) throw new UsageError(`--invoke: ${e.message}`, { text: o.invoke, column: e.column });
      throw e;
    }
  } else if (o.func !== undefined) {
    target = findOrUsage(o.func);
    if (o.funcArgs.includes("--help") || o.funcArgs.includes("-h")) {
      process.stdout.write(functionHelp("witx-bindgen", o.component, target, component.resolve));
      return 0;
    }
    checkRepresentable(target, component);
    argValues = new TypedArguments(target.func, component.resolve).parse(o.funcArgs);
  } else {
    const run = component.commandRun();
    if (run === undefined) {
      const names = component.functions.map((f) => `\`${f.name}\``).join(", ");
      throw new RunError(
        `the component exports no \`wasi:cli/run\`: call one of its functions (${names || "none"}) with --invoke or by name`,
      );
    }
    target = run;
    argValues = [];
  }
  const config = wasiConfig(o);
  const outcome = await call(
    component,
    target,
    argValues,
    { ...config, args: [path.basename(o.component), ...o.guestArgs] },
    version,
  );
  if ("exit" in outcome) return outcome.exit;
  if (o.invoke === undefined && o.func === undefined) {
    const r = outcome.value as { tag: string } | undefined;
    return r !== undefined && r.tag === "err" ? 1 : 0;
  }
  if (target.func.result !== undefined) {
    process.stdout.write(printWave(outcome.value, target.func.result, component.resolve) + "\n");
  }
  return 0;
}
