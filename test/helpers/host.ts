/**
 * Test harness for the TypeScript host: generates the host module of a WIT
 * world, turns it into JavaScript, and imports it; assembles WAT guests.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import { generateTypeScript, loadWitText, renderDiagnostics } from "../../index.js";

export interface HostOptions {
  world?: string;
  stringEncoding?: "utf8" | "utf16" | "latin1+utf16";
}

/** The generated module's exports, loosely typed for tests. */
export interface HostModule {
  instantiate(source: unknown, imports: unknown, options?: unknown): Promise<any>;
  instantiateSync(source: unknown, imports: unknown, options?: unknown): any;
  ComponentError: new (payload: unknown) => Error & { payload: unknown };
  liveHandles(exports: unknown): number;
}

let tempRoot: string | undefined;
let counter = 0;

/** A directory for generated files that lives as long as the test process. */
export function tempDir(): string {
  tempRoot ??= fs.mkdtempSync(path.join(os.tmpdir(), "witx-bindgen-test-"));
  const dir = path.join(tempRoot, String(counter++));
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Generates the TypeScript host of the world in `wit` and returns its TypeScript source. */
export async function generateHostSource(wit: string, options: HostOptions = {}): Promise<string> {
  const loaded = loadWitText(wit, { world: options.world, fileName: "test.wit" });
  if (!loaded.ok) throw new Error(renderDiagnostics(loaded.diagnostics));
  if (loaded.world === undefined) throw new Error("no world selected");
  const [file] = await generateTypeScript(loaded.resolve, loaded.world, { stringEncoding: options.stringEncoding });
  return file.contents;
}

/** Generates, transpiles and imports the TypeScript host of the world in `wit`. */
export async function loadHost(wit: string, options: HostOptions = {}): Promise<HostModule> {
  const source = await generateHostSource(wit, options);
  const js = ts.transpileModule(source, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  }).outputText;
  const file = path.join(tempDir(), "host.mjs");
  fs.writeFileSync(file, js);
  return (await import(pathToFileURL(file).href)) as HostModule;
}

/** Assembles a WAT module (with the reference toolchain's parser). */
export async function wat(text: string): Promise<Uint8Array> {
  const { parse } = await import("@bytecodealliance/jco-transpile/wasm-tools");
  return parse(text);
}
