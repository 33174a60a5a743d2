/**
 * `witx-bindgen ts`: the TypeScript host of a world, as files in memory.
 */
import type { StringEncoding } from "../../ir/abi/layout.js";
import type { Resolve } from "../../ir/resolve.js";
import type { WorldId } from "../../ir/types.js";
import { formatTypeScript, requireDependency, type GeneratedFile } from "../output.js";
import { layoutTypeScript } from "./layout.js";
import { generateTsWorld, unsupportedReason } from "./world.js";

export { unsupportedReason } from "./world.js";

export interface TsOptions {
  /** The guest's string encoding (default `utf8`). */
  stringEncoding?: StringEncoding;
  /** Emit `<world>.js` and `<world>.d.ts` instead of `<world>.ts`. */
  js?: boolean;
  /** The generator named in the header (default `witx-bindgen`). */
  generator?: string;
  /**
   * Run the output through prettier. The emitted code is already laid out
   * the way prettier prints it (`layout.ts`), so this is for a check or for
   * a world whose code the layout does not fully cover.
   */
  format?: boolean;
}

/** Thrown for a world the TypeScript host cannot serve yet (async functions, streams, futures). */
export class UnsupportedWorldError extends Error {}

/** Generates the TypeScript (or JavaScript and declarations) host module of `world`. */
export async function generateTypeScript(
  resolve: Resolve,
  world: WorldId,
  options: TsOptions = {},
): Promise<GeneratedFile[]> {
  const reason = unsupportedReason(resolve, world);
  if (reason) throw new UnsupportedWorldError(`the TypeScript host does not support this world yet: ${reason}`);
  const source = layoutTypeScript(
    generateTsWorld(resolve, world, {
      encoding: options.stringEncoding ?? "utf8",
      generator: options.generator ?? "witx-bindgen",
    }),
  );
  const base = resolve.worlds[world].name;
  if (!options.js)
    return [{ path: `${base}.ts`, contents: options.format ? await formatTypeScript(source, `${base}.ts`) : source }];
  const ts = requireDependency("typescript") as typeof import("typescript");
  const compilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    declaration: true,
    isolatedDeclarations: false,
    removeComments: false,
  };
  const js = ts.transpileModule(source, { compilerOptions, fileName: `${base}.ts` }).outputText;
  const dts = ts.transpileDeclaration(source, { compilerOptions, fileName: `${base}.ts` }).outputText;
  return [
    { path: `${base}.js`, contents: await formatTypeScript(js, `${base}.js`) },
    { path: `${base}.d.ts`, contents: await formatTypeScript(dts, `${base}.d.ts`) },
  ];
}
