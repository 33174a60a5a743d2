/**
 * The inputs the conformance suites share: the corpus' WIT packages, every
 * world in them, and the shape of a suite's result.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { loadWitPath, type Resolve, type WorldId } from "../index.js";
import { isKeyword, versionToString } from "../parser/index.js";

export interface SuiteResult {
  name: string;
  passed: number;
  total: number;
  failures: string[];
  /** Informational: printed as `name: total` with `failures` as its list, and counted neither way. */
  uncounted?: boolean;
}

export function findPackages(dir: string): string[] {
  const out: string[] = [];
  for (const name of fs.readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (fs.statSync(p).isDirectory()) {
      if (name === "deps") continue;
      const hasWit = fs.readdirSync(p).some((n) => n.endsWith(".wit"));
      if (hasWit) out.push(p);
      else out.push(...findPackages(p));
    } else if (name.endsWith(".wit")) out.push(p);
  }
  return out;
}

/**
 * wit-bindgen's runtime tests: each case's `test.wit`, or the case directory
 * when it has a `deps/` folder.
 */
export function runtimeCases(dir: string): string[] {
  const out: string[] = [];
  for (const name of fs.readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (!fs.statSync(p).isDirectory() || name === "deps") continue;
    if (fs.existsSync(path.join(p, "deps"))) out.push(p);
    else if (fs.existsSync(path.join(p, "test.wit"))) out.push(path.join(p, "test.wit"));
    else out.push(...runtimeCases(p));
  }
  return out;
}

/** Every world of every package in `resolve` (deps included). */
export function allWorldsOf(resolve: Resolve): WorldId[] {
  return resolve.packages.flatMap((p) => [...p.worlds.values()]);
}

/** `ns:pkg/world@version`, as `--world` accepts it. */
export function worldSpecifier(resolve: Resolve, w: WorldId): string {
  const world = resolve.worlds[w];
  const pkg = resolve.packages[world.package!].name;
  const esc = (n: string) => (isKeyword(n) ? `%${n}` : n);
  const version = pkg.version ? `@${versionToString(pkg.version)}` : "";
  return `${esc(pkg.namespace)}:${esc(pkg.name)}/${esc(world.name)}${version}`;
}

function wasi030Packages(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .sort()
    .map((n) => path.join(dir, n, "wit"))
    .filter((p) => fs.existsSync(p));
}

/**
 * The WASI 0.3.0 packages refer to each other: each is loaded from a
 * temporary directory whose `deps/` links the others.
 */
export function wasi030ResolveInputs(corpus: string): string[] {
  const root = path.join(corpus, "wasi", "0.3.0");
  const packages = wasi030Packages(root);
  const tmp = fs.mkdtempSync(path.join(fs.realpathSync(process.env.TMPDIR ?? "/tmp"), "witx-wasi030-"));
  process.on("exit", () => fs.rmSync(tmp, { recursive: true, force: true }));
  return packages.map((pkg) => {
    const name = path.basename(path.dirname(pkg));
    const dir = path.join(tmp, name);
    fs.mkdirSync(path.join(dir, "deps"), { recursive: true });
    for (const f of fs.readdirSync(pkg)) fs.symlinkSync(path.resolve(pkg, f), path.join(dir, f));
    for (const other of packages) {
      if (other !== pkg)
        fs.symlinkSync(path.resolve(other), path.join(dir, "deps", path.basename(path.dirname(other))));
    }
    return dir;
  });
}

/** One world of the corpus that a guest generator must serve. */
export interface GuestWorld {
  /** `<set> [<file>] <ns:pkg/world@version>`, for reports. */
  label: string;
  resolve: Resolve;
  world: WorldId;
}

/**
 * Every world of the sets the guest generators are judged on:
 * wit-bindgen-codegen, wit-bindgen-runtime, WASI 0.2.6 and WASI 0.3.0 (the
 * last two loaded as one set each, every world once). Packages that do not
 * resolve are skipped: the resolution suites count them.
 */
export function guestWorlds(corpus: string): GuestWorld[] {
  const codegen = path.join(corpus, "wit-bindgen-codegen");
  const runtime = path.join(corpus, "wit-bindgen-runtime");
  const wasi026 = path.join(corpus, "wasi", "0.2.6");
  const sets = [
    { name: "codegen", dir: codegen, inputs: findPackages(codegen), shared: false },
    { name: "runtime", dir: runtime, inputs: runtimeCases(runtime), shared: false },
    { name: "wasi 0.2.6", dir: wasi026, inputs: [wasi026], shared: true },
    { name: "wasi 0.3.0", dir: "", inputs: wasi030ResolveInputs(corpus), shared: true },
  ];
  const out: GuestWorld[] = [];
  for (const set of sets) {
    const seen = new Set<string>();
    for (const input of set.inputs) {
      const loaded = loadWitPath(input, { allFeatures: false });
      if (!loaded.ok) continue;
      const where = set.shared ? set.name : `${set.name} ${path.relative(set.dir, input) || path.basename(input)}`;
      for (const w of allWorldsOf(loaded.resolve)) {
        const id = worldSpecifier(loaded.resolve, w);
        if (set.shared && seen.has(id)) continue;
        seen.add(id);
        out.push({ label: `${where} ${id}`, resolve: loaded.resolve, world: w });
      }
    }
  }
  return out;
}
