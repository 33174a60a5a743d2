#!/usr/bin/env node
/**
 * Start-up of the `witx-bindgen` command: runs the bundled CLI
 * (`dist/witx-bindgen.cjs`) through a V8 code cache made at build time, so
 * that the bundle is neither parsed nor compiled again on every run. Without
 * a usable cache (another Node.js version), it runs the bundle as usual.
 */
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import * as vm from "node:vm";

const here = path.dirname(fileURLToPath(import.meta.url));
const bundle = path.join(here, "witx-bindgen.cjs");
const cacheFile = path.join(here, "witx-bindgen.cjs.cache");
const source = fs.readFileSync(bundle, "utf8").replace(/^#!.*/, "");
let cachedData: Buffer | undefined;
try {
  cachedData = fs.readFileSync(cacheFile);
} catch {
  cachedData = undefined;
}
const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
const script = new vm.Script(wrapped, { filename: bundle, cachedData });
if (process.env.WITX_BINDGEN_WRITE_CODE_CACHE === "1") {
  // Written after the run so that the functions it compiled are cached too.
  process.once("exit", () => fs.writeFileSync(cacheFile, script.createCachedData()));
}
const run = script.runInThisContext() as (...args: unknown[]) => void;
const module = { exports: {} };
run(module.exports, createRequire(bundle), module, bundle, here);
