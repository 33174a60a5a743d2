#!/usr/bin/env node
/**
 * Start-up of the `witx-bindgen` command (the package's `bin`): runs the
 * bundled CLI (`witx-bindgen.cjs`, made by `build/bundle.mjs`) through a V8
 * code cache made at build time, so that the bundle is neither parsed nor
 * compiled again on every run. Without a usable cache (another Node.js
 * version), it runs the bundle as usual.
 *
 * - CommonJS, so that Node.js runs it without starting its ES module loader.
 * - The bundle is the text of a function of the CommonJS module arguments
 *   (esbuild's banner and footer), compiled here as it is read.
 * - `json` has a bundle of its own (`witx-bindgen-json.cjs`), without the
 *   modules of the other commands: a smaller file to read and a smaller
 *   cache to load. Were the command line to name another command after all,
 *   that bundle hands the run over to the whole CLI (`wholeCli` below).
 * - Each of the commands `json`, `ts`, `rust` and `c` has a cache of its own,
 *   made by a run of that command, so that it holds the functions that
 *   command compiles and no others; every other command uses `ts`'s.
 */
import fs = require("node:fs");
import path = require("node:path");
import vm = require("node:vm");
import { createRequire } from "node:module";

/** The command of a command line: its first argument that is neither an option nor the value of `--world` or `--features`. */
function commandOf(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--world" || args[i] === "--features") i++;
    else if (!args[i]!.startsWith("-")) return args[i];
  }
  return undefined;
}

/** The commands with a bundle of their own. */
const ownBundles: ReadonlySet<string> = new Set(["json"]);

function readCache(bundleName: string, name: string): Buffer | undefined {
  try {
    return fs.readFileSync(path.join(__dirname, `${bundleName}.${name}.cache`));
  } catch {
    return undefined;
  }
}

/**
 * Most runs of the CLI last tens of milliseconds, and V8's optimising
 * compiler, asked for early, spends more on them than it saves (on a
 * two-core machine, 10 ms of a `json` run's 50 over `node -e 0`). A larger
 * interrupt budget asks for it later: long runs are still optimised. The flag
 * is named as in V8 11 (Node.js 20 and 21); other versions keep their own
 * tiering, as an unknown flag would only print an error.
 */
function delayOptimization(): void {
  if (delayed || !process.versions.v8.startsWith("11.")) return;
  delayed = true;
  require("node:v8").setFlagsFromString("--interrupt-budget=1048576");
}
let delayed = false;

/** Runs the bundle `bundleName` (`witx-bindgen` is the whole CLI) with the code cache of `command`. */
function runBundle(bundleName: string, command: string | undefined): void {
  const bundle = path.join(__dirname, `${bundleName}.cjs`);
  // esbuild writes ASCII (its default charset), which latin1 reads as it is.
  const source = fs.readFileSync(bundle, "latin1");
  const cacheName = process.env.WITX_BINDGEN_WRITE_CODE_CACHE;
  const own = command !== undefined && /^[a-z]+$/.test(command) ? readCache(bundleName, command) : undefined;
  // A cache is made from a run without one, so that it holds what that run compiles and no more.
  const cachedData = cacheName ? undefined : (own ?? readCache(bundleName, "ts"));
  const script = new vm.Script(source, { filename: bundle, cachedData });
  // After the cache is read: a cache made under other flags would be refused.
  if (!cacheName) delayOptimization();
  if (cacheName) {
    // Written after the run, so that the functions it compiled are cached too.
    process.once("exit", () =>
      fs.writeFileSync(path.join(__dirname, `${bundleName}.${cacheName}.cache`), script.createCachedData()),
    );
  }
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  const bundleRequire = createRequire(bundle);
  // The module object has `require` as Node.js's have: bundled lodash (under
  // chevrotain) looks there for `util`, and without it calls the deprecated,
  // slower process.binding("util").
  const bundleModule = { exports: {}, require: bundleRequire };
  run(bundleModule.exports, bundleRequire, bundleModule, bundle, __dirname);
}

const command = commandOf(process.argv.slice(2));
// What a command's own bundle calls to run a command it does not hold: the
// whole CLI, on the same command line.
(globalThis as Record<symbol, unknown>)[Symbol.for("witx-bindgen.whole-cli")] = () =>
  runBundle("witx-bindgen", command);
runBundle(command !== undefined && ownBundles.has(command) ? `witx-bindgen-${command}` : "witx-bindgen", command);
