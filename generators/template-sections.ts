/**
 * Runtime source in `templates/` cut into sections that generators emit one
 * by one, so that generated files contain only the helpers they use.
 *
 * A template is an ordinary source file (C or TypeScript) that compiles or
 * type-checks on its own. Marker comments, each on a line of its own
 * (indented or not), cut it up:
 *
 *     // @section NAME key=value key=a,b
 *
 * starts the section NAME, which runs to the next marker or the end of the
 * file; the attributes after the name are free-form `key=value` pairs (a
 * list is comma-separated) that the generator reading the file interprets.
 *
 *     // @standalone
 *
 * starts text that is never emitted: declarations and includes that exist
 * only so that the file compiles on its own (what the generated file gets
 * from elsewhere). Text before the first marker is never emitted either.
 *
 * A section's text is its lines without the blank lines around them and
 * without the indentation all of them share, and without a final newline.
 */
import { templateSource } from "./output.js";

export interface TemplateSection {
  /** The file, relative to `templates/`. */
  file: string;
  name: string;
  /** The `key=value` attributes of the marker. */
  attributes: ReadonlyMap<string, string>;
  /** The section's code. */
  text: string;
}

const parsed = new Map<string, Map<string, TemplateSection>>();

/** The sections of `templates/<file>`, in the order of the file. */
export function templateSections(file: string): ReadonlyMap<string, TemplateSection> {
  let sections = parsed.get(file);
  if (sections === undefined) {
    sections = parseSections(file, templateSource(file));
    parsed.set(file, sections);
  }
  return sections;
}

/** The section `name` of `templates/<file>`; an error when there is none. */
export function templateSection(file: string, name: string): TemplateSection {
  const section = templateSections(file).get(name);
  if (section === undefined) throw new Error(`templates/${file} has no section \`${name}\``);
  return section;
}

/** The sections of `source`, the text of `templates/<file>`. */
export function parseSections(file: string, source: string): Map<string, TemplateSection> {
  const sections = new Map<string, TemplateSection>();
  let current: { name: string; attributes: Map<string, string>; lines: string[] } | undefined;
  const close = (): void => {
    if (current === undefined) return;
    sections.set(current.name, {
      file,
      name: current.name,
      attributes: current.attributes,
      text: sectionText(current.lines),
    });
    current = undefined;
  };
  source.split("\n").forEach((line, i) => {
    if (!line.trimStart().startsWith("// @")) {
      current?.lines.push(line);
      return;
    }
    const where = `templates/${file}:${i + 1}`;
    const [marker, ...words] = line.trim().slice(3).split(/\s+/);
    close();
    if (marker === "@standalone" && words.length === 0) return;
    if (marker !== "@section" || words.length === 0) throw new Error(`${where}: unknown marker \`${line.trim()}\``);
    const [name, ...pairs] = words;
    if (sections.has(name)) throw new Error(`${where}: a second section \`${name}\``);
    const attributes = new Map<string, string>();
    for (const pair of pairs) {
      const eq = pair.indexOf("=");
      if (eq <= 0) throw new Error(`${where}: \`${pair}\` is not key=value`);
      attributes.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    current = { name, attributes, lines: [] };
  });
  close();
  return sections;
}

/** The lines without the blank lines around them and the indentation they share. */
function sectionText(lines: string[]): string {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start].trim() === "") start++;
  while (end > start && lines[end - 1].trim() === "") end--;
  const body = lines.slice(start, end);
  const indents = body.filter((l) => l.trim() !== "").map((l) => /^[ \t]*/.exec(l)![0].length);
  const shared = indents.length === 0 ? 0 : Math.min(...indents);
  return body.map((l) => l.slice(shared)).join("\n");
}

/** An attribute's list value (`a,b`): empty when the attribute is absent or empty. */
export function listAttribute(section: TemplateSection, key: string): string[] {
  const value = section.attributes.get(key);
  return value === undefined || value === "" ? [] : value.split(",");
}
