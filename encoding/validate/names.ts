/**
 * The naming rules of components (Explainer.md, "Import and Export
 * Definitions"): kebab-case labels, the structure of extern names
 * (`[constructor]r`, `[method]r.m`, `[static]r.m`, `ns:pkg/iface@version`,
 * dependency, url and integrity names) and the keys under which names must be
 * strongly unique.
 */

export class NameError extends Error {}

/** Whether `s` is a kebab-case label (words of one case, joined by `-`). */
export function isKebab(s: string): boolean {
  if (s.length === 0 || s.endsWith("-")) return false;
  let lower = false;
  let upper = false;
  let first = true;
  let digit = false;
  for (const c of s) {
    const isLower = c >= "a" && c <= "z";
    const isUpper = c >= "A" && c <= "Z";
    const isDigit = c >= "0" && c <= "9";
    if (!lower && !upper) {
      if (isLower) lower = true;
      else if (isUpper) upper = true;
      else if (isDigit && !first) digit = true;
      else if (c === "-" && digit) {
        first = false;
        digit = false;
      } else return false;
    } else if ((lower && isLower) || (upper && isUpper) || isDigit) {
      if (isDigit) digit = true;
    } else if (c === "-") {
      lower = upper = digit = false;
      first = false;
    } else return false;
  }
  return true;
}

export function kebab(s: string): string {
  if (!isKebab(s)) throw new NameError(`\`${s}\` is not in kebab case`);
  return s;
}

export type ParsedName =
  | { kind: "label"; name: string }
  | { kind: "constructor"; resource: string }
  | { kind: "method" | "static"; resource: string; method: string }
  | { kind: "interface"; name: string; version?: string }
  | { kind: "dependency" | "url" | "hash"; name: string };

class Parser {
  constructor(public next: string) {}
  eat(p: string): boolean {
    if (!this.next.startsWith(p)) return false;
    this.next = this.next.slice(p.length);
    return true;
  }
  expect(p: string): void {
    if (!this.eat(p)) throw new NameError(`expected \`${p}\` at \`${this.next}\``);
  }
  takeUntil(c: string): string {
    const i = this.next.indexOf(c);
    if (i < 0) throw new NameError(`failed to find \`${c}\` character`);
    const s = this.next.slice(0, i);
    this.next = this.next.slice(i + 1);
    return s;
  }
  takeUpTo(c: string): string {
    const i = this.next.indexOf(c);
    if (i < 0) throw new NameError(`failed to find \`${c}\` character`);
    const s = this.next.slice(0, i);
    this.next = this.next.slice(i);
    return s;
  }
  rest(): string {
    const s = this.next;
    this.next = "";
    return s;
  }
  takeKebab(): string {
    const m = /[^a-zA-Z0-9-]/.exec(this.next);
    if (!m) return kebab(this.rest());
    const s = this.next.slice(0, m.index);
    this.next = this.next.slice(m.index);
    return kebab(s);
  }
  takeLowerKebab(): string {
    const s = this.takeKebab();
    const c = [...s].find((c) => c >= "A" && c <= "Z");
    if (c) throw new NameError(`character \`${c}\` is not lowercase in package name/namespace`);
    return s;
  }
  pkgPath(requireProjection: boolean): void {
    this.takeLowerKebab();
    this.expect(":");
    this.takeLowerKebab();
    if (this.next.startsWith("/")) {
      this.expect("/");
      this.takeKebab();
    } else if (requireProjection) throw new NameError("expected `/` after package name");
  }
  pkgName(isInterface: boolean): string | undefined {
    this.pkgPath(isInterface);
    if (this.eat("@")) {
      const i = this.next.indexOf(">");
      const version = i >= 0 ? this.takeUpTo(">") : this.rest();
      if (!isInterface) semver(version);
      return version;
    }
    return undefined;
  }
  hash(): void {
    const integrity = this.takeUpTo(">");
    const parts = integrity.split(/\s+/).filter((s) => s);
    if (parts.length === 0) throw new NameError("integrity hash cannot be empty");
    for (const h of parts) {
      const m = /^(sha256|sha384|sha512)(.*)$/.exec(h);
      if (!m) throw new NameError(`unrecognized hash algorithm: \`${h}\``);
      if (!m[2]!.startsWith("-")) throw new NameError(`expected \`-\` after hash algorithm: ${h}`);
      const b64 = m[2]!.slice(1).split("?")[0]!;
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0)
        throw new NameError(`not valid base64: \`${b64}\``);
    }
  }
  optionalHash(): void {
    if (!this.eat(",")) return;
    this.expect("integrity=<");
    this.hash();
    this.expect(">");
  }
}

const semverRe =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

export function isSemver(s: string): boolean {
  return semverRe.test(s);
}

function semver(s: string): void {
  if (!isSemver(s)) throw new NameError(`\`${s}\` is not a valid semver`);
}

/** Parses an extern name; throws `NameError` with wasm-tools' reason. */
export function parseName(name: string): ParsedName {
  const p = new Parser(name);
  const done = (n: ParsedName): ParsedName => {
    if (p.next !== "") throw new NameError(`trailing characters found: \`${p.next}\``);
    return n;
  };
  if (p.eat("[constructor]")) return done({ kind: "constructor", resource: kebab(p.rest()) });
  for (const kind of ["method", "static"] as const) {
    if (p.eat(`[${kind}]`)) {
      const resource = kebab(p.takeUntil("."));
      return done({ kind, resource, method: kebab(p.rest()) });
    }
  }
  if (p.eat("unlocked-dep=")) {
    p.expect("<");
    p.pkgPath(false);
    if (p.eat("@")) {
      if (!p.eat("*")) {
        p.expect("{");
        const range = p.takeUpTo("}");
        p.expect("}");
        semverRange(range);
      }
    }
    p.expect(">");
    return done({ kind: "dependency", name });
  }
  if (p.eat("locked-dep=")) {
    p.expect("<");
    p.pkgName(false);
    p.expect(">");
    p.optionalHash();
    return done({ kind: "dependency", name });
  }
  if (p.eat("url=")) {
    p.expect("<");
    const url = p.takeUpTo(">");
    if (url.includes("<")) throw new NameError("url cannot contain `<`");
    p.expect(">");
    p.optionalHash();
    return done({ kind: "url", name });
  }
  if (p.eat("integrity=")) {
    p.expect("<");
    p.hash();
    p.expect(">");
    return done({ kind: "hash", name });
  }
  if (name.includes(":")) {
    const version = p.pkgName(true);
    return done({ kind: "interface", name, version });
  }
  return done({ kind: "label", name: kebab(p.rest()) });
}

function semverRange(range: string): void {
  if (range === "*") return;
  if (range.startsWith(">=")) {
    const [lower, upper] = range.slice(2).split(" ", 2) as [string, string | undefined];
    semver(lower);
    if (upper !== undefined) {
      if (!upper.startsWith("<")) throw new NameError("expected `<` at start of version range upper bounds");
      semver(upper.slice(1));
    }
  } else if (range.startsWith("<")) semver(range.slice(1));
  else throw new NameError("expected `>=` or `<` at start of version range");
}

/**
 * The key under which a name must be unique among a component's imports and
 * exports: kebab names compare case-insensitively, and `[method]l.l` equals `l`.
 */
export function nameKey(n: ParsedName): string {
  switch (n.kind) {
    case "label":
      return `0:${n.name.toLowerCase()}`;
    case "constructor":
      return `1:${n.resource.toLowerCase()}`;
    case "method":
    case "static":
      if (n.resource.toLowerCase() === n.method.toLowerCase()) return `0:${n.resource.toLowerCase()}`;
      return `2:${n.resource.toLowerCase()}.${n.method.toLowerCase()}`;
    case "interface":
      return `3:${n.name.toLowerCase()}`;
    default:
      return `${n.kind}:${n.name.toLowerCase()}`;
  }
}

/** The check of an interface name's version against a `versionsuffix` attribute. */
export function versionError(n: ParsedName & { kind: "interface" }, suffix: string | undefined): string | undefined {
  const v = n.version;
  if (suffix !== undefined) {
    if (v === undefined) return "invalid interface version: version suffix given for an unversioned name";
    const full = v + suffix;
    if (!isSemver(full)) return `invalid interface version: \`${full}\` is not a valid semver`;
    return undefined;
  }
  if (v !== undefined && !isSemver(v)) return `invalid interface version: \`${v}\` is not a valid semver`;
  return undefined;
}
