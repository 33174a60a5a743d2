/**
 * Composition config files: a `ComposeGraph` written as YAML or JSON (JSON
 * is read as YAML, of which it is a subset), with a path to each component's
 * file, relative to the config file, instead of its bytes:
 *
 * ```yaml
 * components:
 *   app: app.wasm
 *   leaf: leaf.wasm
 * instances:
 *   leaf1: leaf
 *   main:
 *     component: app
 *     arguments:
 *       test:x/leaf: leaf1
 *       "...": leaf1
 * exports:
 *   test:x/run: main
 * ```
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { LineCounter, parseDocument } from "yaml";
import { ComposeError } from "./errors.js";
import { keyPath, type ComposeGraph } from "./spec.js";

/** A config read: the graph to pass to `compose`, and the file each component came from. */
export interface ComposeConfig {
  graph: ComposeGraph;
  componentFiles: Record<string, string>;
}

/**
 * Parses config `text` (YAML or JSON); `fileName` names it in messages, and
 * `readComponent` reads the file a component names, as the config spells it.
 * Throws `ComposeError`.
 */
export function parseComposeConfig(
  text: string,
  fileName: string,
  readComponent: (file: string) => Uint8Array,
): ComposeConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, lineCounter });
  const error = doc.errors[0] ?? doc.warnings[0];
  if (error) {
    const at = lineCounter.linePos(error.pos[0]);
    const where = at ? `${fileName}:${at.line}:${at.col}` : fileName;
    throw new ComposeError(error.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, ""), where);
  }
  const data: unknown = doc.toJS();
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new ComposeError("expected a mapping of `components`, `instances` and `exports`", fileName);
  }
  const config = data as Record<string, unknown>;
  const componentFiles: Record<string, string> = {};
  let components: unknown = config.components;
  if (typeof config.components === "object" && config.components !== null && !Array.isArray(config.components)) {
    const bytes: Record<string, Uint8Array> = {};
    components = bytes;
    for (const [name, file] of Object.entries(config.components)) {
      const where = keyPath("components", name);
      if (typeof file !== "string" || file === "") {
        throw new ComposeError("expected the path of a component file", where);
      }
      componentFiles[name] = file;
      try {
        bytes[name] = readComponent(file);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
        throw new ComposeError(`cannot read \`${file}\`: ${code}`, where);
      }
    }
  }
  // Everything else is checked by `compose`, with the same key paths.
  return { graph: { ...config, components } as ComposeGraph, componentFiles };
}

/** Reads config file `file`; component paths are relative to its directory. Throws `ComposeError`. */
export function readComposeConfig(file: string): ComposeConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new ComposeError(`cannot read \`${file}\`: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const dir = path.dirname(file);
  return parseComposeConfig(text, file, (f) => new Uint8Array(readFileSync(path.resolve(dir, f))));
}
