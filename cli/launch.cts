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
 * - Each of the commands `json`, `ts`, `rust` and `c` has a cache of its own,
 *   made by a run of that command, so that it holds the functions that
 *   command compiles and no others; every other command uses `json`'s.
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

function readCache(name: string): Buffer | undefined {
  try {
    return fs.readFileSync(path.join(__dirname, `witx-bindgen.${name}.cache`));
  } catch {
    return undefined;
  }
}

const bundle = path.join(__dirname, "witx-bindgen.cjs");
// esbuild writes ASCII (its default charset), which latin1 reads as it is.
const source = fs.readFileSync(bundle, "latin1");
const command = commandOf(process.argv.slice(2));
const own = command !== undefined && /^[a-z]+$/.test(command) ? readCache(command) : undefined;
const cachedData = own ?? readCache("json");
const script = new vm.Script(source, { filename: bundle, cachedData });
const cacheName = process.env.WITX_BINDGEN_WRITE_CODE_CACHE;
if (cacheName) {
  // Written after the run, so that the functions it compiled are cached too.
  process.once("exit", () =>
    fs.writeFileSync(path.join(__dirname, `witx-bindgen.${cacheName}.cache`), script.createCachedData()),
  );
}
const run = script.runInThisContext() as (...args: unknown[]) => void;
const bundleRequire = createRequire(bundle);
// The module object has `require` as Node.js's have: bundled lodash (under
// chevrotain) looks there for `util`, and without it calls the deprecated,
// slower process.binding("util").
const bundleModule = { exports: {}, require: bundleRequire };
run(bundleModule.exports, bundleRequire, bundleModule, bundle, __dirname);
