/**
 * The component model's spec tests run through our transpiler: each
 * component is validated, turned into a JavaScript module and its core
 * modules, loaded from memory and instantiated with no imports.
 *
 * `spec-main.ts` runs the same suites as a program, so that the harness can
 * also run them under another Node.js (one whose engine has multi-memory,
 * exception handling or JSPI).
 */
import { ComponentHostError, generateComponentHost, validateComponentBytes } from "../generators/ts/component/index.js";
import type { ComponentRunner, LoadedComponent } from "./wast/run.js";

/** Our validator and transpiler as the harness's runner. */
export const transpilerRunner: ComponentRunner = {
  validate(bytes: Uint8Array): string | undefined {
    try {
      validateComponentBytes(bytes);
      return undefined;
    } catch (e) {
      if (e instanceof ComponentHostError) return e.message;
      throw e;
    }
  },
  async load(bytes: Uint8Array): Promise<LoadedComponent> {
    const files = await generateComponentHost(bytes, { name: "component", js: true, format: false });
    const js = files.find((f) => f.path === "component.js")!.contents as string;
    const modules = new Map<string, WebAssembly.Module>();
    for (const f of files)
      if (typeof f.contents !== "string") modules.set(f.path, new WebAssembly.Module(f.contents as BufferSource));
    const url = `data:text/javascript;base64,${Buffer.from(js).toString("base64")}`;
    const mod = (await import(url)) as {
      instantiate(
        imports: object,
        options: { getCoreModule(name: string): WebAssembly.Module },
      ): Promise<Record<string, unknown>>;
    };
    return { instantiate: () => mod.instantiate({}, { getCoreModule: (name) => modules.get(name)! }) };
  },
};

/** The spec directories: the synchronous component model, then the asynchronous ABI. */
export const specDirs = ["values", "resources", "linking", "binary", "validation", "async"];

/**
 * Assertions of the spec tests that we believe contradict the spec's own
 * reference (design/mvp/canonical-abi/definitions.py at the revision the
 * corpus pins), or that no JavaScript host can meet; each failure is still
 * counted as one, with its reason beside it.
 */
const knownFailures: Record<string, string> = {
  "async/trap-on-reenter.wast:86":
    'the test traps ("for now") on a parent-to-child call, which definitions.py allows: `entering_set` subtracts the instances the caller has entered',
  "async/trap-on-reenter.wast:110":
    'the test traps ("for now") on a child-to-parent call (donut wrapping), which definitions.py allows',
  "async/sync-streams.wast:208":
    "the test has $C.set start while $C.get, lifted with a callback, blocks in a synchronous stream.write; definitions.py keeps $C's `exclusive_thread` for that whole core call, so the new task waits (STARTING)",
  "async/during-sync-call-no-exclusive-resume.wast:119":
    "a synchronously typed export, called synchronously from JavaScript, would have to switch to another thread and back: JSPI suspends only to a promise, which a synchronous caller cannot wait for",
  "async/during-sync-call-no-sibling-resume.wast:156":
    "a synchronously typed export, called synchronously from JavaScript, would have to switch to another thread and back: JSPI suspends only to a promise, which a synchronous caller cannot wait for",
};

/** The failures of the spec suites, with the reason of the known ones. */
export function explainSpecFailures<T extends { failures: string[] }>(suites: T[]): T[] {
  return suites.map((s) => ({
    ...s,
    failures: s.failures.map((f) => {
      const key = /^(\S+\.wast:\d+):/.exec(f)?.[1];
      const reason = key === undefined ? undefined : knownFailures[key];
      return reason === undefined ? f : `${f} [known: ${reason}]`;
    }),
  }));
}
