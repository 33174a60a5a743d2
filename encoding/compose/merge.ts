/**
 * What composing needs to know about imports and their types:
 *
 * - which names are semver-compatible (`a:b/c@0.1.0` and `a:b/c@0.1.1`, as
 *   wac and the component model's version tracks define them);
 * - which resources an import declares (its `(sub resource)` types), so that
 *   everyone who imports one name gets one resource;
 * - how the types of imports of one name merge into one type: an instance
 *   has the exports of both, an export present in both must agree, and types
 *   of the later import are rewritten to the earlier's.
 *
 * Type errors are the validator's `TypeError_`, with its messages.
 */
import type { Entry, Extern } from "../decode/binary.js";
import { compareVersions, parseVersion, type Version } from "../../parser/semver.js";
import { externSub, resolve, subst, TypeError_ } from "../validate/types.js";
import type { TypedExtern } from "./types.js";

/**
 * The version track of a versioned name: `a:b/c@1` for `a:b/c@1.2.3`,
 * `a:b/c@0.2` for `a:b/c@0.2.3`; none for an unversioned name, a
 * pre-release, or a `0.0.x` version (compatible with nothing else).
 */
export function versionTrack(name: string): { key: string; version: Version } | undefined {
  const at = name.indexOf("@");
  if (at < 0) return undefined;
  let version: Version;
  try {
    version = parseVersion(name.slice(at + 1));
  } catch {
    return undefined;
  }
  if (version.pre.length) return undefined;
  const base = name.slice(0, at + 1);
  if (version.major !== "0") return { key: `${base}${version.major}`, version };
  if (version.minor !== "0") return { key: `${base}0.${version.minor}`, version };
  return undefined;
}

/** Whether two names are the same or on one semver-compatible track. */
export function semverCompatible(a: string, b: string): boolean {
  if (a === b) return true;
  const x = versionTrack(a);
  const y = versionTrack(b);
  return x !== undefined && y !== undefined && x.key === y.key;
}

/** The key that imports merged into one share. */
export function importKey(name: string): string {
  return versionTrack(name)?.key ?? name;
}

/** Of semver-compatible names, the one of the highest version. */
export function highestVersion(names: string[]): string {
  let best = names[0]!;
  for (const n of names.slice(1)) {
    const a = versionTrack(n);
    const b = versionTrack(best);
    if (a && b && compareVersions(a.version, b.version) > 0) best = n;
  }
  return best;
}

/** The resources an import declares (`(sub resource)`), with the path of export names to each. */
export function declaredResources(x: TypedExtern, path: string[] = []): { resource: Entry; path: string[] }[] {
  if (x.sort === "type") return x.entry.kind === "resource" ? [{ resource: x.entry, path }] : [];
  if (x.sort !== "instance") return [];
  const inst = resolve(x.entry);
  if (inst.kind !== "instance") return [];
  return inst.exports.flatMap((y) => declaredResources(y, [...path, y.name]));
}

function fail(reason: string): never {
  throw new TypeError_(reason);
}

function within(context: string, f: () => void): void {
  try {
    f();
  } catch (e) {
    if (e instanceof TypeError_) throw new TypeError_(`${context}: ${e.message}`);
    throw e;
  }
}

/**
 * The type of an import that two components make under one name: `a` and
 * `b`, whose shared resources are already the same entries. Types of `b`
 * that `a` also has are recorded in `remap` (b's entry → a's).
 */
export function mergeExtern(a: TypedExtern, b: TypedExtern, remap: Map<Entry, Entry>): TypedExtern {
  if (a.sort !== b.sort) fail(`${a.sort} cannot be merged with ${b.sort}`);
  if (a.sort === "instance") {
    const ia = resolve(a.entry);
    const ib = resolve(b.entry);
    if (ia.kind !== "instance" || ib.kind !== "instance") fail("an instance without an instance type");
    return { sort: "instance", entry: mergeInstance(ia, ib, remap) };
  }
  const rb = subst(b.entry, remap);
  // Functions, types and components must agree: each a subtype of the other.
  externSub({ sort: a.sort, entry: a.entry }, { sort: a.sort, entry: rb }, new Map());
  externSub({ sort: a.sort, entry: rb }, { sort: a.sort, entry: a.entry }, new Map());
  if (a.sort === "type") remap.set(b.entry, a.entry);
  return a;
}

function mergeInstance(
  a: Entry & { kind: "instance" },
  b: Entry & { kind: "instance" },
  remap: Map<Entry, Entry>,
): Entry & { kind: "instance" } {
  const exports: Extern[] = [...a.exports];
  let changed = false;
  for (const x of b.exports) {
    const k = exports.findIndex((y) => y.name === x.name);
    if (k < 0) {
      // Only `b` has it: its types, rewritten to those `a` shares.
      exports.push({ ...x, entry: subst(x.entry, remap) });
      changed = true;
      continue;
    }
    const y = exports[k]!;
    within(`type mismatch in instance export \`${x.name}\``, () => {
      const merged = mergeExtern({ sort: y.sort, entry: y.entry }, { sort: x.sort, entry: x.entry }, remap);
      if (merged.entry !== y.entry) {
        exports[k] = { ...y, entry: merged.entry };
        changed = true;
      }
    });
    if (x.sort === "type") remap.set(x.entry, exports[k]!.entry);
  }
  return changed ? { kind: "instance", exports } : a;
}
