/**
 * The part of the WAC language that wit-bindgen's runtime tests use in their
 * `compose.wac` scripts, read into a `compose()` graph:
 *
 * ```wac
 * package example:composition;
 * let leaf = new test:leaf { ... };
 * let mid = new test:intermediate { test: leaf.test, float: leaf.test.float, ...leaf, ... };
 * export mid...;
 * ```
 *
 * - `let x = new ns:world { … };` instantiates the component built for
 *   world `world` (wit-bindgen names each test world's package `ns:world`);
 * - an argument `name: inst.path` is that instance's export (or, with one
 *   more step, a type of its exported interface); `...inst` spreads an
 *   instance; a bare `...` leaves the rest to the composition, which is what
 *   `compose()` does with imports given nothing;
 * - `export inst...;` exports everything that instance exports.
 *
 * Anything else is refused with the line it is on, so a script this reader
 * does not understand is reported rather than composed differently.
 */
import type { ComposeGraph, ComposeInstance } from "../../encoding/compose/index.js";

export class WacError extends Error {}

/** The graph a script describes, with components looked up by their world's name. */
export function wacGraph(text: string, componentOf: (world: string) => Uint8Array | undefined): ComposeGraph {
  const code = text.replace(/\/\/[^\n]*/g, "");
  const graph: ComposeGraph = { components: {}, instances: {}, exports: {} };
  const exportSpread: string[] = [];
  const lineOf = (at: number) => code.slice(0, at).split("\n").length;
  // Statements end at `;`, outside braces.
  let depth = 0;
  let start = 0;
  const statements: { text: string; at: number }[] = [];
  for (let i = 0; i < code.length; i++) {
    const ch = code[i];
    if (ch === "{") depth++;
    else if (ch === "}") depth--;
    else if (ch === ";" && depth === 0) {
      statements.push({
        text: code.slice(start, i).trim(),
        at: start + (code.slice(start, i).length - code.slice(start, i).trimStart().length),
      });
      start = i + 1;
    }
  }
  if (code.slice(start).trim() !== "") throw new WacError(`line ${lineOf(start)}: a statement without \`;\``);
  const name = String.raw`[a-z][a-z0-9]*(?:-[a-z0-9]+)*`;
  for (const s of statements) {
    const fail = (what: string): never => {
      throw new WacError(`line ${lineOf(s.at)}: ${what}: \`${s.text.split("\n")[0]}\``);
    };
    if (/^package\s/.test(s.text)) continue;
    const exported = new RegExp(`^export\\s+(${name})\\s*\\.\\.\\.$`).exec(s.text);
    if (exported) {
      exportSpread.push(exported[1]!);
      continue;
    }
    const made = new RegExp(`^let\\s+(${name})\\s*=\\s*new\\s+(${name}):(${name})\\s*\\{([\\s\\S]*)\\}$`).exec(s.text);
    if (!made) fail("not a statement this reader knows");
    const [, inst, , world, body] = made!;
    const bytes = componentOf(world!);
    if (bytes === undefined) fail(`no component of world \`${world}\``);
    graph.components[world!] = bytes!;
    const args: Record<string, string | string[]> = {};
    const spread: string[] = [];
    for (const item of body!
      .split(",")
      .map((x) => x.trim())
      .filter(Boolean)) {
      if (item === "...") continue;
      const spreadOf = new RegExp(`^\\.\\.\\.(${name})$`).exec(item);
      if (spreadOf) {
        spread.push(spreadOf[1]!);
        continue;
      }
      const arg = new RegExp(`^(${name})\\s*:\\s*(${name}(?:\\.${name})+)$`).exec(item);
      if (!arg) fail(`an argument this reader does not know, \`${item}\`, in`);
      args[arg![1]!] = arg![2]!;
    }
    if (spread.length > 0) args["..."] = spread;
    const instance: ComposeInstance = { component: world!, arguments: args };
    graph.instances[inst!] = instance;
  }
  if (exportSpread.length > 0) graph.exports = { "...": exportSpread };
  return graph;
}
