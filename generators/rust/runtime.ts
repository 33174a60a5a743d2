/**
 * The `_rt` module of a generated Rust file: the few helpers the glue needs,
 * each emitted only when something refers to it, so the file depends on no
 * crate. The helpers are the sections of `templates/rust/rt.rs` (and the
 * module `async_support`, of `templates/rust/async_support.rs`); a section's
 * `needs=` names the helpers it uses.
 */
import { RustSource } from "./source.js";
import { listAttribute, templateSection, templateSections, type TemplateSection } from "../template-sections.js";

const RT = "rust/rt.rs";

/** The section of `rt.rs` that `mod _rt` always starts with: its lint attributes. */
const ATTRIBUTES = "attributes";

/** The helpers `section` uses. */
function needs(section: TemplateSection): string[] {
  return listAttribute(section, "needs");
}

/**
 * A helper's lines, at the indentation of `mod _rt`'s items. A section with
 * `module=FILE` is `pub mod NAME { … }` around the section NAME of FILE.
 */
function helperLines(section: TemplateSection): string[] {
  const file = section.attributes.get("module");
  if (file === undefined) return section.text.split("\n");
  const body = templateSection(`rust/${file}`, section.name).text.split("\n");
  return [`pub mod ${section.name} {`, ...body.map((l) => (l === "" ? l : `    ${l}`)), "}"];
}

/** The runtime's lines for the crate's edition: edition 2024 wants `extern` blocks declared `unsafe extern`. */
export function forEdition(lines: string[], edition2024: boolean): string[] {
  return edition2024 ? lines.map((l) => l.replace(/^(\s*)extern "C" \{$/, '$1unsafe extern "C" {')) : lines;
}

/** With `--std-feature`, what needs `std` (its `Error` trait) is compiled only with the crate's `std` feature. */
export function forStdFeature(lines: string[], stdFeature: boolean): string[] {
  if (!stdFeature) return lines;
  return lines.flatMap((l) => {
    const m = /^(\s*)impl (::)?std::error::Error for /.exec(l);
    return m ? [`${m[1]}#[cfg(feature = "std")]`, l] : [l];
  });
}

/** The `_rt` module holding `used` helpers (and what they need), or nothing. */
export function runtimeModule(used: Set<string>, edition2024: boolean, stdFeature = false): RustSource {
  const sections = templateSections(RT);
  const all = new Set<string>();
  const add = (name: string) => {
    if (all.has(name)) return;
    const helper = sections.get(name);
    if (!helper || name === ATTRIBUTES) throw new Error(`no runtime helper \`${name}\``);
    all.add(name);
    needs(helper).forEach(add);
  };
  used.forEach(add);
  const out = new RustSource();
  out.open("mod _rt {");
  // Each line's leading spaces become the buffer's indentation, which lays it out.
  const emit = (lines: string[]) => {
    for (const l of lines) {
      const indent = l.match(/^ */)![0].length / 4;
      out.shift(indent);
      out.line(l.trimStart());
      out.shift(-indent);
    }
  };
  emit(templateSection(RT, ATTRIBUTES).text.split("\n"));
  for (const [name, section] of sections) {
    if (!all.has(name)) continue;
    out.blank();
    emit(forStdFeature(forEdition(helperLines(section), edition2024), stdFeature));
  }
  out.close();
  return out;
}
