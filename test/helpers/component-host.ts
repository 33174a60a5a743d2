/**
 * Test harness for transpiled components: generates the host of a component
 * binary, writes it with its core modules to a temporary directory and
 * imports it, so the default loader (files next to the module) is exercised.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { generateComponentHost } from "../../generators/ts/component/index.js";
import { tempDir } from "./host.js";

/** The generated module, loosely typed for tests. */
export interface ComponentHostModule {
  instantiate(imports: unknown, options?: unknown): Promise<any>;
  instantiateSync(imports: unknown, options?: unknown): any;
  ComponentError: new (payload: unknown) => Error & { payload: unknown };
  liveHandles(exports: unknown): number;
  /** Where the files were written. */
  dir: string;
  files: string[];
}

/** Transpiles `component` (as JavaScript and declarations) and imports the module. */
export async function loadComponentHost(
  component: Uint8Array,
  options: { name?: string; js?: boolean } = {},
): Promise<ComponentHostModule> {
  const name = options.name ?? "guest";
  const files = await generateComponentHost(component, { name, js: true, format: false });
  const dir = tempDir();
  for (const f of files) fs.writeFileSync(path.join(dir, f.path), f.contents);
  const mod = (await import(pathToFileURL(path.join(dir, `${name}.js`)).href)) as ComponentHostModule;
  return Object.assign(Object.create(null), mod, { dir, files: files.map((f) => f.path) });
}
