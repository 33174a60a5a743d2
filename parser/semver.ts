/**
 * Semantic versions as WIT uses them (package versions, `@since`,
 * `@deprecated`): parsing with the messages of Rust's `semver` crate, which
 * wit-parser relies on, ordering by the semver precedence rules, and printing.
 */

export interface Version {
  major: string;
  minor: string;
  patch: string;
  /** Dot-separated pre-release identifiers, or `[]`. */
  pre: string[];
  /** Dot-separated build metadata identifiers, or `[]`. */
  build: string[];
}

export class SemverError extends Error {}

function quoted(ch: string): string {
  return ch === "\0" ? "'\\0'" : `'${ch}'`;
}

function parseNumber(s: string, pos: number, what: string): [string, number] {
  let end = pos;
  while (end < s.length && s[end] >= "0" && s[end] <= "9") end++;
  if (end === pos) {
    if (pos >= s.length) throw new SemverError(`unexpected end of input while parsing ${what}`);
    throw new SemverError(`unexpected character ${quoted(s[pos])} while parsing ${what}`);
  }
  const digits = s.slice(pos, end);
  if (digits.length > 1 && digits[0] === "0") throw new SemverError(`invalid leading zero in ${what}`);
  if (digits.length > 15 && BigInt(digits) > 0xffffffffffffffffn)
    throw new SemverError(`value of ${what} exceeds u64::MAX`);
  return [digits, end];
}

function parseIdentifiers(s: string, pos: number, what: string, numericLeadingZero: boolean): [string[], number] {
  const parts: string[] = [];
  let start = pos;
  let i = pos;
  for (;;) {
    while (i < s.length && /[0-9A-Za-z-]/.test(s[i])) i++;
    const part = s.slice(start, i);
    if (part === "") {
      if (i >= s.length && parts.length === 0 && start === pos) {
        throw new SemverError(`empty identifier segment in ${what}`);
      }
      throw new SemverError(`empty identifier segment in ${what}`);
    }
    if (numericLeadingZero && /^[0-9]+$/.test(part) && part.length > 1 && part[0] === "0") {
      throw new SemverError(`invalid leading zero in ${what}`);
    }
    parts.push(part);
    if (s[i] === ".") {
      i++;
      start = i;
      continue;
    }
    return [parts, i];
  }
}

/** The `pre` or `build` of most versions, shared (versions are never changed). */
const NO_IDENTIFIERS = Object.freeze([]) as unknown as string[];

/** Parses `text` as a semantic version; throws `SemverError` with the semver crate's message. */
export function parseVersion(text: string): Version {
  if (text === "") throw new SemverError("empty string, expected a semver version");
  let pos = 0;
  const [major, a] = parseNumber(text, pos, "major version number");
  if (text[a] !== ".") {
    if (a >= text.length) throw new SemverError("unexpected end of input while parsing major version number");
    throw new SemverError(`unexpected character ${quoted(text[a])} after major version number`);
  }
  const [minor, b] = parseNumber(text, a + 1, "minor version number");
  if (text[b] !== ".") {
    if (b >= text.length) throw new SemverError("unexpected end of input while parsing minor version number");
    throw new SemverError(`unexpected character ${quoted(text[b])} after minor version number`);
  }
  const [patch, c] = parseNumber(text, b + 1, "patch version number");
  pos = c;
  let pre = NO_IDENTIFIERS;
  let build = NO_IDENTIFIERS;
  if (text[pos] === "-") {
    [pre, pos] = parseIdentifiers(text, pos + 1, "pre-release identifier", true);
  }
  if (text[pos] === "+") {
    [build, pos] = parseIdentifiers(text, pos + 1, "build metadata", false);
  }
  if (pos < text.length) {
    const after = build.length ? "build metadata" : pre.length ? "pre-release identifier" : "patch version number";
    throw new SemverError(`unexpected character ${quoted(text[pos])} after ${after}`);
  }
  return { major, minor, patch, pre, build };
}

export function versionToString(v: Version): string {
  let s = `${v.major}.${v.minor}.${v.patch}`;
  if (v.pre.length) s += "-" + v.pre.join(".");
  if (v.build.length) s += "+" + v.build.join(".");
  return s;
}

function compareNumeric(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareIdentifierLists(a: string[], b: string[], emptyIsGreatest: boolean): number {
  if (emptyIsGreatest) {
    if (a.length === 0 && b.length === 0) return 0;
    if (a.length === 0) return 1;
    if (b.length === 0) return -1;
  }
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    const xn = /^[0-9]+$/.test(x);
    const yn = /^[0-9]+$/.test(y);
    let c: number;
    if (xn && yn) c = compareNumeric(x, y);
    else if (xn) c = -1;
    else if (yn) c = 1;
    else c = x < y ? -1 : x > y ? 1 : 0;
    if (c !== 0) return c;
  }
  return a.length - b.length === 0 ? 0 : a.length < b.length ? -1 : 1;
}

/** Total order of versions: semver precedence, then build metadata as a tie-breaker. */
export function compareVersions(a: Version, b: Version): number {
  return (
    compareNumeric(a.major, b.major) ||
    compareNumeric(a.minor, b.minor) ||
    compareNumeric(a.patch, b.patch) ||
    compareIdentifierLists(a.pre, b.pre, true) ||
    compareIdentifierLists(a.build, b.build, false)
  );
}

/** Whether two versions are the same, build metadata included (as `semver::Version`'s `==`). */
export function versionsEqual(a: Version | undefined, b: Version | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return (
    a.major === b.major &&
    a.minor === b.minor &&
    a.patch === b.patch &&
    sameIdentifiers(a.pre, b.pre) &&
    sameIdentifiers(a.build, b.build)
  );
}

function sameIdentifiers(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The component model's "semver compatible track" of a version: `1.2.3` →
 * `1`, `0.2.3` → `0.2`, `0.0.3` → `0.0.3`; pre-releases stay as they are.
 */
export function versionCompatTrack(v: Version): string {
  if (v.pre.length) return versionToString({ ...v, build: [] });
  if (v.major !== "0") return v.major;
  if (v.minor !== "0") return `${v.major}.${v.minor}`;
  return versionToString({ ...v, build: [] });
}
