/**
 * Shared output plumbing for the generators: file skeletons rendered from
 * Handlebars templates in `templates/`, formatting of emitted TypeScript with
 * prettier, and the in-memory file set a generator returns.
 *
 * Templates hold only the fixed frame of a file; the code inside comes from
 * the emitters. They are compiled with `noEscape` (the output is code, not
 * HTML) and `strict` (a missing value is an error, never an empty string).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import Handlebars from "handlebars";

/** Loads a dependency through `require`, which works in the ESM library and in the bundled CLI alike. */
export const requireDependency = createRequire(import.meta.url);

/** A generated file, relative to the output directory. */
export interface GeneratedFile {
  path: string;
  contents: string;
}

const templatesDir = (() => {
  // `templates/` sits at the package root, above both the sources and `dist/`.
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "templates");
    if (fs.existsSync(path.join(dir, "package.json")) && fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return candidate;
  }
})();

const compiled = new Map<string, Handlebars.TemplateDelegate>();

/** Renders `templates/<name>` with `context`. */
export function renderTemplate(name: string, context: object): string {
  let template = compiled.get(name);
  if (!template) {
    const source = fs.readFileSync(path.join(templatesDir, name), "utf8");
    template = Handlebars.compile(source, { noEscape: true, strict: true });
    compiled.set(name, template);
  }
  return template(context);
}

/** The text of `templates/<name>`, read once: runtime source that generated files embed as it is. */
export function templateSource(name: string): string {
  let text = sources.get(name);
  if (text === undefined) {
    text = fs.readFileSync(path.join(templatesDir, name), "utf8");
    sources.set(name, text);
  }
  return text;
}
const sources = new Map<string, string>();

/** Formats TypeScript (or JavaScript) source the way every emitted file is formatted. */
export async function formatTypeScript(source: string, filepath = "output.ts"): Promise<string> {
  const prettier = requireDependency("prettier") as typeof import("prettier");
  return prettier.format(source, { filepath, printWidth: 100 });
}
