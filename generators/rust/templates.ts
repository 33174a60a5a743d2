/**
 * Runtime source under `templates/` cut into the pieces a generator emits
 * on demand. A template is a real source file (it compiles or type-checks on
 * its own) whose lines are split by marker comments, each on a line of its
 * own at the start of the line:
 *
 * - `// @section NAME key=value …` starts the section NAME. The attributes
 *   are for the generator that reads the file (a bare `key` has the value
 *   `""`); the Rust runtime uses `needs=A,B` and `module=FILE`.
 * - `// @hidden` starts lines that are never emitted: notes for readers of
 *   the template, and whatever the file needs only to compile on its own.
 *
 * Lines before the first marker are hidden as well. A section runs up to the
 * next marker or the end of the file, without its leading and trailing
 * blank lines. Any other `// @word` at the start of a line is an error.
 */
import { templateSource } from "../output.js";

export interface TemplateSection {
  name: string;
  /** The marker's `key=value` attributes. */
  attributes: Record<string, string>;
  /** The lines, as written in the template. */
  lines: string[];
}

const parsed = new Map<string, Map<string, TemplateSection>>();

/** The sections of `templates/<file>`, by name, in the order of the file. */
export function templateSections(file: string): Map<string, TemplateSection> {
  let sections = parsed.get(file);
  if (!sections) {
    sections = parseTemplateSections(templateSource(file), `templates/${file}`);
    parsed.set(file, sections);
  }
  return sections;
}

/** The sections of a template's `text`; `where` names it in errors. */
export function parseTemplateSections(text: string, where: string): Map<string, TemplateSection> {
  const sections = new Map<string, TemplateSection>();
  let current: TemplateSection | undefined;
  const finish = () => {
    if (!current) return;
    const { lines } = current;
    while (lines.length && lines[0].trim() === "") lines.shift();
    while (lines.length && lines[lines.length - 1].trim() === "") lines.pop();
  };
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    const marker = line.match(/^\/\/ @([A-Za-z]+)\b(.*)$/);
    if (!marker) {
      current?.lines.push(line);
      continue;
    }
    finish();
    const [, kind, rest] = marker;
    const at = `${where}:${i + 1}`;
    if (kind === "hidden" && rest.trim() === "") current = undefined;
    else if (kind === "section") {
      const [name, ...pairs] = rest.trim().split(/\s+/);
      if (!name || name.includes("=")) throw new Error(`${at}: a section needs a name`);
      if (sections.has(name)) throw new Error(`${at}: a second section \`${name}\``);
      const attributes: Record<string, string> = {};
      for (const pair of pairs) {
        const eq = pair.indexOf("=");
        attributes[eq < 0 ? pair : pair.slice(0, eq)] = eq < 0 ? "" : pair.slice(eq + 1);
      }
      current = { name, attributes, lines: [] };
      sections.set(name, current);
    } else throw new Error(`${at}: unknown marker \`${line}\``);
  }
  finish();
  return sections;
}

/** The section `name` of `templates/<file>`; throws when there is none. */
export function templateSection(file: string, name: string): TemplateSection {
  const section = templateSections(file).get(name);
  if (!section) throw new Error(`templates/${file} has no section \`${name}\``);
  return section;
}

/** `lines` indented by `prefix`, blank lines left empty. */
export function indentLines(lines: readonly string[], prefix: string): string[] {
  return lines.map((l) => (l === "" ? l : prefix + l));
}
