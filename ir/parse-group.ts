/**
 * WIT source files (already read) parsed into one unresolved package group:
 * the files' package, and the `package x:y { ... }` blocks nested in them.
 * Used by the loader (ir/load.ts).
 */
import { parseWitFile } from "../parser/index.js";
import { WitError } from "./errors.js";
import type { Resolve, UnresolvedGroup } from "./resolve.js";
import { PackageResolver } from "./unresolved.js";

/** Parses files (already read) as one package group. Files are parsed in path order. */
export function parseGroup(resolve: Resolve, files: { path: string; contents: string }[]): UnresolvedGroup {
  const placed = files.map((f) => ({
    path: f.path,
    contents: f.contents,
    base: resolve.sourceMap.push(f.path, f.contents),
  }));
  placed.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const main = new PackageResolver();
  const nested = [];
  for (const f of placed) {
    const parsed = parseWitFile(f.contents, f.base);
    if (!parsed.file) {
      const [first, ...rest] = parsed.problems;
      throw new WitError(
        first.message,
        first.span,
        undefined,
        rest.map((p) => new WitError(p.message, p.span)),
      );
    }
    const file = parsed.file;
    const items = [];
    for (const item of file.items) {
      if (item.kind === "package") {
        const inner = new PackageResolver();
        inner.push(item.value);
        nested.push(inner.resolve());
      } else items.push(item);
    }
    main.push({ ...file, items });
  }
  return { main: main.resolve(), nested };
}
