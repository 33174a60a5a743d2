/**
 * The fixed C runtime code of the bindings, kept in `templates/c/` as C
 * files that compile on their own and cut into sections
 * (generators/template-sections.ts). In them, `world_` and `WORLD_` at the
 * start of an identifier stand for the world's name in snake case and in
 * upper case (so `world_string_t` becomes `<world>_string_t`).
 */
import { templateSection } from "../template-sections.js";

/**
 * The section `section` of `templates/c/<file>` for the world `world`, with
 * a newline before and after it (the emitted pieces are joined as they are).
 */
export function cTemplate(file: string, section: string, world: string): string {
  const upper = world.toUpperCase();
  const text = templateSection(`c/${file}`, section)
    .text.replace(/\bworld_/g, () => `${world}_`)
    .replace(/\bWORLD_/g, () => `${upper}_`);
  return `\n${text}\n`;
}
