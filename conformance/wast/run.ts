/**
 * The component model's spec tests (`.wast` scripts of
 * `component-model-test/test/`) run through a component runner: components
 * are assembled from their text with wasm-tools' text parser (which does not
 * validate), then handed to the runner to validate, transpile and
 * instantiate; `invoke`s call the exports of the current instance and
 * compare results in our JS value mapping (values.ts).
 *
 * Commands: `(component …)` (text, `binary`, `quote`), `(component
 * definition $X …)`, `(component instance $i $X)`, `(invoke …)`,
 * `assert_return`, `assert_trap` (of an invoke or of a component's
 * instantiation), and `assert_invalid` / `assert_malformed` /
 * `assert_unlinkable`, which our validator must refuse. Forms the text
 * assembler itself refuses, and every `assert_malformed (component quote …)`,
 * are reported apart: we have no text parser of our own to judge them with.
 * Any other command is counted as unsupported.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { topLevelExportName } from "../../generators/ts/naming.js";
import type { SuiteResult } from "../worlds.js";
import { concatBytes, head, isAtom, LineIndex, readSExprs, stringText, type SList, type SNode } from "./sexpr.js";
import { errorLine, isComponentError, outcomeMismatch, parseValue, showJs, toJs, type CallOutcome } from "./values.js";

/** What the harness needs of a component implementation. */
export interface ComponentRunner {
  /** Our validator: an error message when the binary is refused, undefined when accepted. */
  validate(bytes: Uint8Array): string | undefined;
  /** Validates and transpiles; rejects (with an Error whose message says why) when refused. Instantiate many times. */
  load(bytes: Uint8Array, label: string): Promise<LoadedComponent>;
}

/** A component accepted by `ComponentRunner.load`. */
export interface LoadedComponent {
  /** A fresh instance; resolves to its exports object (top-level functions by camelCase name). */
  instantiate(): Promise<Record<string, unknown>>;
}

/** The tallies the harness keeps; each becomes a suite per directory. */
export type OutcomeKind =
  | "files read"
  | "valid components accepted"
  | "components instantiated"
  | "assert_return"
  | "assert_trap"
  | "invoke"
  | "assert_invalid refused"
  | "assert_malformed refused"
  | "assert_unlinkable refused"
  | "trap messages matching"
  | "refused by the text assembler"
  | "not judged (text format)"
  | "unsupported commands";

/** In the order the suites are reported. */
const kindOrder: OutcomeKind[] = [
  "files read",
  "valid components accepted",
  "components instantiated",
  "assert_return",
  "assert_trap",
  "invoke",
  "assert_invalid refused",
  "assert_malformed refused",
  "assert_unlinkable refused",
  "trap messages matching",
  "refused by the text assembler",
  "not judged (text format)",
  "unsupported commands",
];

/**
 * Informational tallies: they count neither way. "trap messages matching"
 * totals the traps whose message contains the expected text (mismatches are
 * listed with `verbose`); the others total and list every item.
 */
const informational = new Set<OutcomeKind>([
  "trap messages matching",
  "refused by the text assembler",
  "not judged (text format)",
  "unsupported commands",
]);

/** The result of one command (or of one aspect of it) of a script. */
export interface WastOutcome {
  kind: OutcomeKind;
  /** 1-based line of the command in the script. */
  line: number;
  /** The command, shortly: `assert_return "f"`, `component $C`. */
  what: string;
  ok: boolean;
  /** Why it failed (one line), or a note for informational outcomes. */
  reason?: string;
}

export interface RunOptions {
  /** Assembles component text to a binary; default: wasm-tools' text parser. */
  assemble?: (text: string) => Promise<Uint8Array>;
  /** How long a call or an instantiation may stay pending; default 20 s. */
  timeoutMs?: number;
  /** Label of the script in `ComponentRunner.load` calls. */
  file?: string;
}

/** wasm-tools' text parser, loaded once. */
let wasmToolsParse: ((text: string) => Promise<Uint8Array>) | undefined;

/**
 * Assembles component text with wasm-tools' text parser (assembles only: no
 * validation). The parser is the release contemporary with the spec revision
 * the corpus pins (`jco-transpile-wast`, an alias of an older
 * jco-transpile): later releases refuse text forms that revision still has,
 * such as the `cancellable` option of `waitable-set.wait`.
 */
export async function assembleWithWasmTools(text: string): Promise<Uint8Array> {
  if (!wasmToolsParse) {
    const { parse } = await import("jco-transpile-wast/wasm-tools");
    wasmToolsParse = async (t) => parse(t);
  }
  return wasmToolsParse(text);
}

/**
 * A readable one-line message from wasm-tools' text parser errors, which are
 * printed Rust structures: the error kind, and, when `firstLine` (the line
 * of the text's start in its file) is given, the line of the error.
 */
export function assemblerMessage(e: unknown, firstLine?: number): string {
  const raw = e instanceof Error ? e.message : String(e);
  const kind = /, kind: (.*) \} \}\) \}$/s.exec(raw)?.[1];
  if (kind === undefined) return raw.split("\n")[0];
  let text = kind;
  const custom = /^Custom\("(.*)"\)$/s.exec(kind);
  if (custom) {
    try {
      text = JSON.parse(
        `"${custom[1].replace(/\\u\{([0-9a-f]+)\}/g, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))}"`,
      );
    } catch {
      text = custom[1];
    }
  }
  const where = /text: Some\(Text \{ line: (\d+), col: (\d+)/.exec(raw);
  return where && firstLine !== undefined ? `${text} (line ${firstLine + Number(where[1])})` : text;
}

/** How a `(component …)` form gives its component. */
type ComponentSource =
  { form: "text"; text: string } | { form: "quote"; text: string } | { form: "binary"; bytes: Uint8Array };

interface ComponentForm {
  definition: boolean;
  id?: string;
  source: ComponentSource;
}

/** A command the harness cannot carry out (a malformed form, no instance, …). */
class HarnessError extends Error {
  override readonly name = "HarnessError";
  /** The command's label when it is known (`"f"` of an invoke). */
  what?: string;
}

/** A call or instantiation still pending after the time allowed. */
class TimeoutError extends Error {
  override readonly name = "TimeoutError";
}

/** wasm-tools' text parser refused a component's text. */
class AssemblerError extends Error {
  override readonly name = "AssemblerError";
}

/** `ComponentRunner.load` refused a component. */
class LoadError extends Error {
  override readonly name = "LoadError";
  constructor(cause: unknown) {
    super(errorLine(cause));
  }
}

/** A component's instantiation threw. */
class InstantiationError extends Error {
  override readonly name = "InstantiationError";
  constructor(readonly thrown: unknown) {
    super(errorLine(thrown));
  }
}

/** One line saying which step failed and why. */
function causeLine(e: unknown): string {
  if (e instanceof AssemblerError) return `text assembler: ${e.message}`;
  if (e instanceof LoadError) return `refused: ${e.message}`;
  if (e instanceof InstantiationError) return `instantiation: ${e.message}`;
  if (e instanceof HarnessError || e instanceof TimeoutError) return e.message;
  return errorLine(e);
}

/** Reads `(component definition? $id? …)`, `… binary "…"…`, `… quote "…"…`. */
function readComponentForm(node: SList, src: string): ComponentForm {
  const items = node.items;
  let i = 1;
  let definition: SNode | undefined;
  if (isAtom(items[i], "definition")) definition = items[i++];
  let id: string | undefined;
  const idNode = items[i];
  if (idNode?.kind === "id") {
    id = idNode.name;
    i++;
  }
  const strings = (what: string) =>
    items.slice(i + 1).map((s) => {
      if (s.kind !== "string") throw new HarnessError(`\`component ${what}\` takes only strings`);
      return s;
    });
  const base = { definition: definition !== undefined, id };
  if (isAtom(items[i], "binary")) return { ...base, source: { form: "binary", bytes: concatBytes(strings("binary")) } };
  if (isAtom(items[i], "quote")) {
    const text = strings("quote").map((s) => {
      try {
        return stringText(s);
      } catch {
        throw new HarnessError("`component quote` string is not valid UTF-8");
      }
    });
    // As the wast tools do: the strings joined by spaces, inside `(component …)`.
    return { ...base, source: { form: "quote", text: `(component ${text.join(" ")})` } };
  }
  // The exact source text; `definition` (a script keyword, not wat) blanked out.
  const text = definition
    ? src.slice(node.start, definition.start) +
      " ".repeat(definition.end - definition.start) +
      src.slice(definition.end, node.end)
    : src.slice(node.start, node.end);
  return { ...base, source: { form: "text", text } };
}

type Slot = { exports: Record<string, unknown> } | { error: string };
type DefinitionSlot = { loaded: LoadedComponent } | { error: string };

/** Waits for `value` if it is a promise, for at most `ms`. */
async function settle<T>(value: T | PromiseLike<T>, ms: number, what: string): Promise<T> {
  if (!isThenable(value)) return value;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${what} still pending after ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([value, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function isThenable<T>(x: T | PromiseLike<T>): x is PromiseLike<T> {
  return (
    (typeof x === "object" || typeof x === "function") &&
    x !== null &&
    typeof (x as { then?: unknown }).then === "function"
  );
}

/** Why a thrown value is not a trap (an argument error, a result err, a timeout), or undefined when it is one. */
function trapProblem(e: unknown): string | undefined {
  if (e instanceof TypeError) return `threw a TypeError, not a trap: ${errorLine(e)}`;
  if (isComponentError(e)) return `threw a ComponentError (a result err, not a trap): ${showJs(e.payload)}`;
  if (e instanceof TimeoutError || e instanceof HarnessError) return e.message;
  return undefined;
}

/** The first line of an error's message, without its name. */
function firstLineOf(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0];
}

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** The kind a command's outcome is tallied under when the command itself is malformed. */
function kindOfCommand(cmd: string): OutcomeKind {
  switch (cmd) {
    case "component":
      return "valid components accepted";
    case "assert_invalid":
    case "assert_malformed":
    case "assert_unlinkable":
      return `${cmd} refused`;
    case "assert_return":
    case "assert_trap":
    case "invoke":
      return cmd;
    default:
      return "unsupported commands";
  }
}

/** The state of one script run: definitions, named instances, the current instance. */
class ScriptRun {
  readonly out: WastOutcome[] = [];
  private readonly definitions = new Map<string, DefinitionSlot>();
  private readonly instances = new Map<string, Slot>();
  private current: Slot | undefined;
  private readonly assemble: (text: string) => Promise<Uint8Array>;
  private readonly timeoutMs: number;
  private readonly file: string;
  private readonly lines: LineIndex;

  constructor(
    private readonly source: string,
    private readonly runner: ComponentRunner,
    options: RunOptions,
  ) {
    this.assemble = options.assemble ?? assembleWithWasmTools;
    this.timeoutMs = options.timeoutMs ?? 20_000;
    this.file = options.file ?? "script";
    this.lines = new LineIndex(source);
  }

  private push(kind: OutcomeKind, line: number, what: string, ok: boolean, reason?: string): void {
    this.out.push(reason === undefined ? { kind, line, what, ok } : { kind, line, what, ok, reason });
  }

  /** Runs one top-level form; never throws. */
  async command(node: SNode): Promise<void> {
    const line = this.lines.line(node.start);
    const cmd = head(node);
    if (node.kind !== "list" || cmd === undefined) {
      this.push("unsupported commands", line, node.kind === "list" ? "()" : node.kind, true);
      return;
    }
    try {
      switch (cmd) {
        case "component":
          return await (isAtom(node.items[1], "instance")
            ? this.instanceCommand(node, line)
            : this.component(node, line));
        case "invoke":
          return await this.invokeCommand(node, line);
        case "assert_return":
          return await this.assertReturn(node, line);
        case "assert_trap":
          return await this.assertTrap(node, line);
        case "assert_invalid":
        case "assert_malformed":
        case "assert_unlinkable":
          return await this.assertRefused(cmd, node, line);
        default:
          this.push("unsupported commands", line, cmd, true);
      }
    } catch (e) {
      // A malformed command, tallied under its own kind; a malformed component leaves no current instance.
      if (cmd === "component" && !isAtom(node.items[1], "definition"))
        this.current = { error: `the component at line ${line} failed` };
      const kind = kindOfCommand(cmd);
      this.push(kind, line, cmd, kind === "unsupported commands", `harness: ${causeLine(e)}`);
    }
  }

  /** The binary of a component form. */
  private async bytesOf(form: ComponentForm, line: number): Promise<Uint8Array> {
    if (form.source.form === "binary") return form.source.bytes;
    try {
      return await this.assemble(form.source.text);
    } catch (e) {
      // The line of the text parser's error is that of the script only for text cut out of it.
      throw new AssemblerError(assemblerMessage(e, form.source.form === "text" ? line : undefined));
    }
  }

  private async load(bytes: Uint8Array, line: number): Promise<LoadedComponent> {
    try {
      return await settle(this.runner.load(bytes, `${this.file}:${line}`), this.timeoutMs, "load");
    } catch (e) {
      throw new LoadError(e);
    }
  }

  private async instantiate(loaded: LoadedComponent): Promise<Record<string, unknown>> {
    try {
      return await settle(loaded.instantiate(), this.timeoutMs, "instantiation");
    } catch (e) {
      throw new InstantiationError(e);
    }
  }

  /** `(component …)`: assemble, load, and instantiate unless it is a definition. */
  private async component(node: SList, line: number): Promise<void> {
    let form: ComponentForm;
    try {
      form = readComponentForm(node, this.source);
    } catch (e) {
      if (!isAtom(node.items[1], "definition")) this.current = { error: `the component at line ${line} failed` };
      this.push("valid components accepted", line, "component", false, `harness: ${causeLine(e)}`);
      return;
    }
    const what = `component${form.definition ? " definition" : ""}${form.id ? " " + form.id : ""}`;
    const error = `the component at line ${line} failed`;
    const fail = () => {
      if (form.definition) {
        if (form.id) this.definitions.set(form.id, { error });
      } else {
        this.current = { error };
        if (form.id) this.instances.set(form.id, this.current);
      }
    };
    // Validity (the validator's verdict) and running (transpiled and instantiated) are counted apart:
    // a valid component may still be one JavaScript cannot host (it imports a core module, say).
    let bytes: Uint8Array;
    try {
      bytes = await this.bytesOf(form, line);
    } catch (e) {
      fail();
      this.push("valid components accepted", line, what, false, causeLine(e));
      return;
    }
    const refusal = this.runner.validate(bytes);
    this.push("valid components accepted", line, what, refusal === undefined, refusal);
    try {
      const loaded = await this.load(bytes, line);
      if (form.definition) {
        if (form.id) this.definitions.set(form.id, { loaded });
      } else {
        this.current = { exports: await this.instantiate(loaded) };
        if (form.id) this.instances.set(form.id, this.current);
      }
      this.push("components instantiated", line, what, true);
    } catch (e) {
      fail();
      this.push("components instantiated", line, what, false, causeLine(e));
    }
  }

  /** `(component instance $i $X)`: a new instance of definition $X becomes current. */
  private async instanceCommand(node: SList, line: number): Promise<void> {
    const [, , inst, def] = node.items;
    if (inst?.kind !== "id" || def?.kind !== "id" || node.items.length !== 4)
      throw new HarnessError("expected `(component instance $i $X)`");
    const what = `component instance ${inst.name} ${def.name}`;
    const slot = this.definitions.get(def.name);
    let failed: string | undefined;
    let next: Slot = { error: `the instance at line ${line} failed` };
    if (!slot) failed = `no definition ${def.name}`;
    else if ("error" in slot) failed = `definition ${def.name} failed`;
    else {
      try {
        next = { exports: await this.instantiate(slot.loaded) };
      } catch (e) {
        failed = causeLine(e);
      }
    }
    this.current = next;
    this.instances.set(inst.name, next);
    this.push("components instantiated", line, what, failed === undefined, failed);
  }

  /** Calls `(invoke $id? "name" args…)`; a throw of the callee is an outcome, a harness problem throws. */
  private async call(inv: SNode | undefined): Promise<{ what: string; outcome: CallOutcome }> {
    if (inv?.kind !== "list" || head(inv) !== "invoke") throw new HarnessError("expected `(invoke …)`");
    let i = 1;
    let target = this.current;
    let targetName = "";
    const idNode = inv.items[i];
    if (idNode?.kind === "id") {
      target = this.instances.get(idNode.name);
      targetName = idNode.name;
      i++;
    }
    const nameNode = inv.items[i];
    if (nameNode?.kind !== "string") throw new HarnessError("invoke: expected a function name");
    const name = stringText(nameNode);
    const what = targetName ? `${targetName} "${name}"` : `"${name}"`;
    const fail = (message: string): never => {
      const e = new HarnessError(message);
      e.what = what;
      throw e;
    };
    const args = inv.items.slice(i + 1).map((a) => {
      try {
        return toJs(parseValue(a));
      } catch (e) {
        return fail(`cannot read argument: ${firstLineOf(e)}`);
      }
    });
    if (!target) return fail(targetName ? `no instance ${targetName}` : "no instance");
    if ("error" in target) return fail(`no instance (${target.error})`);
    const exports = target.exports;
    const fn = exports[topLevelExportName(name)];
    if (typeof fn !== "function") return fail(`no exported function \`${topLevelExportName(name)}\``);
    try {
      const r: unknown = Reflect.apply(fn, exports, args);
      return { what, outcome: { returned: await settle(r, this.timeoutMs, "call") } };
    } catch (e) {
      return { what, outcome: { thrown: e } };
    }
  }

  /** The `what` of a failed call: the invoke's own label when it got that far. */
  private static whatOf(prefix: string, e: unknown): string {
    return e instanceof HarnessError && e.what ? `${prefix} ${e.what}` : prefix;
  }

  private async invokeCommand(node: SList, line: number): Promise<void> {
    try {
      const { what, outcome } = await this.call(node);
      if ("thrown" in outcome) this.push("invoke", line, `invoke ${what}`, false, `threw ${errorLine(outcome.thrown)}`);
      else this.push("invoke", line, `invoke ${what}`, true);
    } catch (e) {
      this.push("invoke", line, ScriptRun.whatOf("invoke", e), false, causeLine(e));
    }
  }

  private async assertReturn(node: SList, line: number): Promise<void> {
    if (head(node.items[1]) !== "invoke") {
      this.push("unsupported commands", line, `assert_return (${head(node.items[1]) ?? "?"} …)`, true);
      return;
    }
    try {
      const expected = node.items.slice(2).map((n) => {
        try {
          return parseValue(n);
        } catch (e) {
          throw new HarnessError(`cannot read expected value: ${firstLineOf(e)}`);
        }
      });
      const { what, outcome } = await this.call(node.items[1]);
      const problem = outcomeMismatch(outcome, expected);
      this.push("assert_return", line, `assert_return ${what}`, problem === undefined, problem);
    } catch (e) {
      this.push("assert_return", line, ScriptRun.whatOf("assert_return", e), false, causeLine(e));
    }
  }

  /** `(assert_trap (invoke …) "msg")` or `(assert_trap (component …) "msg")` (a trap while instantiating). */
  private async assertTrap(node: SList, line: number): Promise<void> {
    const target = node.items[1];
    const message = node.items[2];
    const expectedText = message?.kind === "string" ? stringText(message) : "";
    let what = "assert_trap";
    let thrown: unknown;
    try {
      if (head(target) === "invoke") {
        const r = await this.call(target);
        what = `assert_trap ${r.what}`;
        if ("returned" in r.outcome) {
          this.push("assert_trap", line, what, false, `returned ${showJs(r.outcome.returned)}`);
          return;
        }
        thrown = r.outcome.thrown;
      } else if (head(target) === "component" && target?.kind === "list") {
        const form = readComponentForm(target, this.source);
        what = `assert_trap (component${form.id ? " " + form.id : ""})`;
        const loaded = await this.load(await this.bytesOf(form, this.lineOf(target)), line);
        try {
          const exports = await settle(loaded.instantiate(), this.timeoutMs, "instantiation");
          this.push("assert_trap", line, what, false, `instantiated (${Object.keys(exports).length} exports)`);
          return;
        } catch (e) {
          thrown = e;
        }
      } else {
        this.push("unsupported commands", line, `assert_trap (${head(target) ?? "?"} …)`, true);
        return;
      }
    } catch (e) {
      this.push("assert_trap", line, ScriptRun.whatOf(what, e), false, causeLine(e));
      return;
    }
    const problem = trapProblem(thrown);
    this.push("assert_trap", line, what, problem === undefined, problem);
    if (problem !== undefined) return;
    const matches = errorText(thrown).includes(expectedText);
    const got = JSON.stringify(errorLine(thrown));
    this.push(
      "trap messages matching",
      line,
      what,
      matches,
      matches ? undefined : `expected "${expectedText}", got ${got}`,
    );
  }

  private lineOf(node: SNode): number {
    return this.lines.line(node.start);
  }

  /** `assert_invalid`, `assert_malformed`, `assert_unlinkable`: our validator (or linking) must refuse. */
  private async assertRefused(
    cmd: "assert_invalid" | "assert_malformed" | "assert_unlinkable",
    node: SList,
    line: number,
  ): Promise<void> {
    const kind: OutcomeKind = `${cmd} refused`;
    const target = node.items[1];
    if (head(target) !== "component" || target?.kind !== "list" || isAtom(target.items[1], "instance")) {
      this.push("unsupported commands", line, `${cmd} (${head(target) ?? "?"} …)`, true);
      return;
    }
    const form = readComponentForm(target, this.source);
    const what = `${cmd}${form.source.form === "text" ? "" : ` (${form.source.form})`}`;
    let bytes: Uint8Array;
    try {
      bytes = await this.bytesOf(form, this.lineOf(target));
    } catch (e) {
      if (!(e instanceof AssemblerError)) throw e;
      this.push("refused by the text assembler", line, what, true, e.message);
      return;
    }
    if (cmd === "assert_malformed" && form.source.form === "quote") {
      // A text-format error the assembler let through: we have no text parser to judge.
      this.push("not judged (text format)", line, what, true, "the text assembler accepted it");
      return;
    }
    let refusal: string | undefined;
    try {
      refusal = this.runner.validate(bytes);
    } catch (e) {
      this.push(kind, line, what, false, `validator threw: ${errorLine(e)}`);
      return;
    }
    if (refusal === undefined && cmd === "assert_unlinkable") {
      try {
        await this.instantiate(await this.load(bytes, line));
      } catch (e) {
        refusal = causeLine(e);
      }
    }
    if (refusal === undefined) this.push(kind, line, what, false, "accepted");
    else this.push(kind, line, what, true, refusal.split("\n")[0]);
  }
}

/**
 * Runs the commands of one `.wast` script; a failing command never stops the
 * script. Returns one outcome per command, plus informational ones (trap
 * message comparisons, forms left to the text assembler).
 */
export async function runWast(
  source: string,
  runner: ComponentRunner,
  options: RunOptions = {},
): Promise<WastOutcome[]> {
  let forms: SNode[];
  try {
    forms = readSExprs(source);
  } catch (e) {
    return [{ kind: "files read", line: 1, what: "read", ok: false, reason: errorLine(e) }];
  }
  const run = new ScriptRun(source, runner, options);
  run.out.push({ kind: "files read", line: 1, what: "read", ok: true });
  for (const node of forms) await run.command(node);
  return run.out;
}

/** Script paths (relative to the test directory) listed in `nyi.txt`. */
function readNyi(testDir: string): Set<string> {
  const file = path.join(testDir, "nyi.txt");
  if (!fs.existsSync(file)) return new Set();
  return new Set(
    fs
      .readFileSync(file, "utf8")
      .split("\n")
      .map((l) => l.replace(/#.*/, "").trim())
      .filter(Boolean)
      .map((l) => path.posix.normalize(l.replace(/\\/g, "/"))),
  );
}

/**
 * Runs the `.wast` scripts of `corpus/component-model-test/test/<dir>` for
 * each of `dirs` through `runner`, and tallies them per directory and kind:
 * `spec values: assert_return`, `spec validation: assert_invalid refused`, …
 * Scripts listed in `nyi.txt` run too, under suites named `spec nyi: <dir>: …`.
 * Informational suites (uncounted): trap messages matching, forms refused by
 * the text assembler, text-format assertions not judged, unsupported commands.
 */
export async function specSuites(
  corpus: string,
  dirs: string[],
  runner: ComponentRunner,
  verbose: boolean,
  options: Omit<RunOptions, "file"> = {},
): Promise<SuiteResult[]> {
  const testDir = path.join(corpus, "component-model-test", "test");
  const nyi = readNyi(testDir);
  const suites = new Map<string, SuiteResult>();
  const suite = (prefix: string, kind: OutcomeKind): SuiteResult => {
    const name = `${prefix}: ${kind}`;
    let s = suites.get(name);
    if (!s) {
      s = { name, passed: 0, total: 0, failures: [], ...(informational.has(kind) ? { uncounted: true } : {}) };
      suites.set(name, s);
    }
    return s;
  };
  const prefixes: string[] = [];
  for (const dir of dirs) {
    const abs = path.join(testDir, dir);
    const files = fs.existsSync(abs)
      ? fs
          .readdirSync(abs)
          .filter((n) => n.endsWith(".wast"))
          .sort()
      : [];
    if (files.length === 0) {
      const s = suite(`spec ${dir}`, "files read");
      s.total++;
      s.failures.push(`${dir}: no .wast scripts`);
      prefixes.push(`spec ${dir}`);
      continue;
    }
    for (const name of files) {
      const rel = `${dir}/${name}`;
      const prefix = nyi.has(rel) ? `spec nyi: ${dir}` : `spec ${dir}`;
      if (!prefixes.includes(prefix)) prefixes.push(prefix);
      if (verbose) console.log(`    ${rel}${nyi.has(rel) ? " (nyi)" : ""}`);
      const source = fs.readFileSync(path.join(abs, name), "utf8");
      let outcomes: WastOutcome[];
      try {
        outcomes = await runWast(source, runner, { ...options, file: rel });
      } catch (e) {
        outcomes = [{ kind: "files read", line: 1, what: "run", ok: false, reason: `harness: ${errorLine(e)}` }];
      }
      for (const o of outcomes) {
        const s = suite(prefix, o.kind);
        const text = `${rel}:${o.line}: ${o.what}${o.reason ? `: ${o.reason}` : ""}`;
        if (o.kind === "trap messages matching") {
          s.total++;
          if (o.ok) s.passed++;
          else if (verbose) s.failures.push(text);
        } else if (informational.has(o.kind)) {
          s.total++;
          s.failures.push(text);
        } else {
          s.total++;
          if (o.ok) s.passed++;
          else s.failures.push(text);
        }
      }
    }
  }
  // Ordinary directories first, `nyi` ones after them; kinds in a fixed order.
  const ordered = [
    ...prefixes.filter((p) => !p.startsWith("spec nyi:")),
    ...prefixes.filter((p) => p.startsWith("spec nyi:")),
  ];
  const results: SuiteResult[] = [];
  for (const prefix of ordered)
    for (const kind of kindOrder) {
      const s = suites.get(`${prefix}: ${kind}`);
      if (s) results.push(s);
    }
  return results;
}
