/**
 * WIT source files (already read) parsed into one unresolved package group:
 * the files' package, and the `package x:y { ... }` blocks nested in them.
 * Used by the loader (ir/load.ts).
 *
 * A large file is parsed without the bodies of its top-level interfaces,
 * each of which is parsed just before the interface is resolved
 * (`parseWitFileDeferring`): the AST of a body then dies young instead of
 * living, and being copied by the garbage collector, until the whole
 * package is resolved. If anything goes wrong that way (a syntax error in a
 * body, or any other problem), the group is parsed and resolved again the
 * ordinary way, so that problems are reported exactly as without deferring.
 */
import type * as A from "../parser/ast.js";
import { DEFER_ABOVE, parseDeferredBody, parseWitFileDeferring, releaseDeferred } from "../parser/index.js";
import type { DeferredFile } from "../parser/parser-base.js";
import { WitError } from "./errors.js";
import type { Resolve, UnresolvedGroup } from "./resolve.js";
import { PackageResolver } from "./unresolved.js";

/** A skipped interface body had a syntax error: the group is parsed again without deferring. */
class DeferredBodyError extends Error {}

/**
 * Files of more than `above` tokens have their interface bodies parsed as
 * the interfaces are resolved (`Infinity`: never; tests set 0 to check that
 * deferring changes nothing). `retries` counts the groups parsed again the
 * ordinary way.
 */
export const deferring = { above: DEFER_ABOVE, retries: 0 };

/** Parses files (already read) as one package group. Files are parsed in path order. */
export function parseGroup(resolve: Resolve, files: { path: string; contents: string }[]): UnresolvedGroup {
  const deferAbove = deferring.above;
  const placed = files.map((f) => ({
    path: f.path,
    contents: f.contents,
    base: resolve.sourceMap.push(f.path, f.contents),
  }));
  placed.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  if (deferAbove !== Infinity) {
    const deferred = { any: false };
    try {
      return parsePlaced(placed, deferAbove, deferred);
    } catch (e) {
      // Without a skipped body, the problem is the one the ordinary way finds.
      if (!deferred.any || !(e instanceof WitError || e instanceof DeferredBodyError)) throw e;
      deferring.retries++;
    }
  }
  return parsePlaced(placed, Infinity, { any: false });
}

function parsePlaced(
  placed: { path: string; contents: string; base: number }[],
  deferAbove: number,
  deferred: { any: boolean },
): UnresolvedGroup {
  const main = new PackageResolver();
  const nested = [];
  const sources: DeferredFile[] = [];
  let skipped = 0;
  let parsed = 0;
  for (const f of placed) {
    const result = parseWitFileDeferring(f.contents, f.base, deferAbove);
    if (result.skipped) deferred.any = true;
    if (!result.file) {
      const [first, ...rest] = result.problems;
      throw new WitError(
        first.message,
        first.span,
        undefined,
        rest.map((p) => new WitError(p.message, p.span)),
      );
    }
    const file = result.file;
    const items = [];
    for (const item of file.items) {
      if (item.kind === "package") {
        const inner = new PackageResolver();
        inner.push(item.value);
        nested.push(inner.resolve());
      } else items.push(item);
    }
    const source = result.deferred;
    if (source) {
      sources.push(source);
      skipped += source.bodies.size;
      main.push({ ...file, items }, (iface: A.Interface) => {
        const members = parseDeferredBody(source, iface.items);
        if (members === undefined) throw new DeferredBodyError();
        if (members !== iface.items) parsed++;
        return members;
      });
    } else main.push({ ...file, items });
  }
  const group = { main: main.resolve(), nested };
  // Every top-level interface is resolved, so every skipped body has been parsed.
  if (parsed !== skipped) throw new DeferredBodyError();
  for (const source of sources) releaseDeferred(source);
  return group;
}
