/**
 * `witx-bindgen ts <component.wasm>`: a component compiled ahead of time into
 * a JavaScript (TypeScript) module plus its core modules as `.wasm` files.
 *
 * The pipeline: read the binary into one model (`encoding/decode/component.ts`),
 * validate it (`encoding/validate-component.ts`), flatten it into a plan
 * (`encoding/plan.ts`) and emit the glue from the plan (`emit.ts`).
 */
import { readComponent, ComponentReadError } from "../../../encoding/decode/component.js";
import { planComponent, PlanError } from "../../../encoding/plan.js";
import { validateComponent, ComponentValidationError } from "../../../encoding/validate-component.js";
import { formatTypeScript, requireDependency } from "../../output.js";
import { ComponentEmitter } from "./emit.js";

export interface ComponentHostOptions {
  /** The base name of the files (default `component`). */
  name?: string;
  /** Emit `<name>.js` and `<name>.d.ts` instead of `<name>.ts`. */
  js?: boolean;
  /** The generator named in the header (default `witx-bindgen`). */
  generator?: string;
  /** Skip formatting (faster; for tests and tools that load the code at once). */
  format?: boolean;
}

/** A generated file: text, or the bytes of a core module. */
export interface ComponentHostFile {
  path: string;
  contents: string | Uint8Array;
}

/** A component that cannot be transpiled: malformed, invalid or not representable in JS. */
export class ComponentHostError extends Error {
  constructor(
    message: string,
    readonly offset: number | undefined,
  ) {
    super(message);
    this.name = "ComponentHostError";
  }
}

/** Reads and validates a component (no plan); throws `ComponentHostError` with the reason. */
export function validateComponentBytes(bytes: Uint8Array): void {
  try {
    validateComponent(readComponent(bytes));
  } catch (e) {
    if (e instanceof ComponentReadError || e instanceof ComponentValidationError) {
      throw new ComponentHostError(e.message, e.offset);
    }
    throw e;
  }
}

/** Reads, validates and plans a component; throws `ComponentHostError` with the reason. */
export function checkComponent(bytes: Uint8Array): ReturnType<typeof planComponent> {
  try {
    const ast = readComponent(bytes);
    validateComponent(ast);
    return planComponent(ast);
  } catch (e) {
    if (e instanceof ComponentReadError || e instanceof ComponentValidationError || e instanceof PlanError) {
      throw new ComponentHostError(e.message, e.offset);
    }
    throw e;
  }
}

/** Generates the host of a component: the module and the component's core modules. */
export async function generateComponentHost(
  bytes: Uint8Array,
  options: ComponentHostOptions = {},
): Promise<ComponentHostFile[]> {
  const plan = checkComponent(bytes);
  const name = options.name ?? "component";
  const moduleFiles = plan.modules.map((_, i) => `${name}.core${i}.wasm`);
  const { source, declarations } = new ComponentEmitter(plan, {
    generator: options.generator ?? "witx-bindgen",
    name,
    moduleFiles,
  }).generate();
  const wasm: ComponentHostFile[] = plan.modules.map((m, i) => ({ path: moduleFiles[i]!, contents: m.bytes }));
  if (!options.js) {
    const format = options.format ?? true;
    return [{ path: `${name}.ts`, contents: format ? await formatTypeScript(source, `${name}.ts`) : source }, ...wasm];
  }
  // JavaScript: esbuild strips the types and prints the code (formatted); the
  // declarations are emitted as such.
  const esbuild = requireDependency("esbuild") as typeof import("esbuild");
  const js = esbuild.transformSync(source, { loader: "ts", format: "esm", target: "es2022", charset: "utf8" }).code;
  const header = source.slice(0, source.indexOf("\n") + 1);
  return [{ path: `${name}.js`, contents: header + js }, { path: `${name}.d.ts`, contents: declarations }, ...wasm];
}
