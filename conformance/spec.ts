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
