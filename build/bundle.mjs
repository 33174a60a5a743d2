// Bundles the CLI (dist/cli/main.js, after tsc) into dist/cli/witx-bindgen.cjs,
// the file that dist/cli/launch.js runs, then writes its V8 code cache.
//
// - The modules of a command are loaded by a dynamic import() in main.ts;
//   esbuild turns each into a module initialised on first use, so a command
//   initialises only what it uses.
// - yargs imports cliui and string-width only to lay out help text, and
//   string-width makes an Intl.Segmenter when it is initialised (several ms):
//   those two, and picocolors, are initialised on first use (lazyStartup).
// - The Handlebars templates (templates/**/*.hbs) are compiled here, so that
//   a run renders them with the Handlebars runtime alone: the compiler
//   (most of Handlebars, and its start-up) is initialised only for a
//   template whose text or options differ from those compiled here.
// - typescript, prettier and esbuild stay outside the bundle: they are
//   required only for the options that use them.
// - The bundle is the text of a function of the CommonJS module arguments,
//   which dist/cli/launch.cjs compiles as it reads it.
// - The parser's lookahead table is made here (prebuiltLookahead), so that
//   the CLI's parser neither records nor analyses its grammar when it is
//   made.
// - `json` also has a bundle of its own, dist/cli/witx-bindgen-json.cjs,
//   without the other commands' modules (wholeCliFallback): a smaller file
//   and code cache for the launcher to load.
//
// Then it writes the code caches: one for each of `cachedCommands`, made by
// a run of the command on build/code-cache (a package that uses most of
// WIT), so that it holds the functions that command compiles (see
// cli/launch.cts).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as esbuild from "esbuild";
import Handlebars from "handlebars";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outfile = path.join(root, "dist", "cli", "witx-bindgen.cjs");

const yargsShim = /[\\/]yargs[\\/]lib[\\/]platform-shims[\\/]esm\.mjs$/;
const cliModule = /[\\/]dist[\\/]cli[\\/]/;

/**
 * Modules bundled behind their default export, initialised when it is first
 * used: what yargs' Node.js shim imports only to lay out help text (each a
 * function), and picocolors, which the CLI uses only to report errors (an
 * object; it reads process.stdout when initialised, which creates that
 * stream, a pipe's costing some milliseconds, for commands that write only
 * files).
 */
/**
 * What esbuild would resolve `args` to without the plugin asking (the
 * plugin's own `onResolve` steps aside for `pluginData: "real"`).
 */
function resolveReal(build, args) {
  return build.resolve(args.path, {
    kind: args.kind,
    importer: args.importer,
    resolveDir: args.resolveDir,
    pluginData: "real",
  });
}

const lazyModules = {
  cliui: { importer: yargsShim, kind: "function" },
  "string-width": { importer: yargsShim, kind: "function" },
  picocolors: { importer: cliModule, kind: "object" },
};

function lazyModuleText(real, kind) {
  const load = `real ??= require(${JSON.stringify(real)});\n`;
  return kind === "function"
    ? `let real;\nexport default function lazyDefault(...args) {\n  ${load}  return real.default(...args);\n}\n`
    : `let real;\nexport default new Proxy({}, {\n  get(_, key) {\n    ${load}    return real[key];\n  },\n});\n`;
}

/** The text of the `stdColumns` of yargs' shim, read when the shim is initialised, and the same as a getter. */
const stdColumns = "stdColumns: typeof process.stdout.columns !== 'undefined' ? process.stdout.columns : null";
const stdColumnsGetter = `get stdColumns() { return typeof process.stdout.columns !== 'undefined' ? process.stdout.columns : null; }`;

/**
 * The import of Node.js's `assert` by yargs' shim, for the two checks yargs
 * makes of its own state, and the same checks without the module (a few
 * milliseconds to load): `assert` is required only to throw, as it would.
 */
const assertImport = "import { notStrictEqual, strictEqual } from 'assert'";
const assertChecks =
  "const notStrictEqual = (actual, expected, message) => { if (Object.is(actual, expected)) require('assert').notStrictEqual(actual, expected, message); };\n" +
  "const strictEqual = (actual, expected, message) => { if (!Object.is(actual, expected)) require('assert').strictEqual(actual, expected, message); };";

/**
 * The version option that yargs' factory gives every instance, from the
 * `package.json` it looks for above the current directory (reading each
 * directory up to the root when there is none, then failing an `assert`):
 * the CLI sets its own version at once (cli/main.ts), which replaces that
 * option whole, so the bundle's factory leaves it out.
 */
const yargsFactory = /[\\/]yargs[\\/]build[\\/]lib[\\/]yargs-factory\.js$/;
const factoryVersion = "        yargs.help();\n        yargs.version();\n";

/**
 * Defers the `lazyModules` to first use, yargs' read of the terminal's width
 * (process.stdout) to the help text that uses it, and its load of `assert`
 * to a failed check; leaves out yargs' guess of a version.
 */
const lazyStartup = {
  name: "lazy-startup",
  setup(build) {
    build.onResolve({ filter: /^(cliui|string-width|picocolors)$/ }, async (args) => {
      const lazy = lazyModules[args.path];
      if (lazy === undefined || !lazy.importer.test(args.importer) || args.pluginData === "real") return undefined;
      const real = await resolveReal(build, args);
      if (real.errors.length > 0) return { errors: real.errors };
      return { path: real.path, namespace: "lazy-module", pluginData: lazy.kind };
    });
    build.onLoad({ filter: /.*/, namespace: "lazy-module" }, (args) => ({
      resolveDir: path.dirname(args.path),
      contents: lazyModuleText(args.path, args.pluginData),
    }));
    build.onLoad({ filter: yargsShim }, (args) => {
      let text = fs.readFileSync(args.path, "utf8");
      const warnings = [];
      for (const [from, to, what] of [
        [stdColumns, stdColumnsGetter, "stdColumns"],
        [assertImport, assertChecks, "import of assert"],
      ]) {
        if (text.includes(from)) text = text.replace(from, to);
        else warnings.push({ text: `yargs' shim has no ${what} as expected: left as it is` });
      }
      return { contents: text, loader: "js", warnings };
    });
    build.onLoad({ filter: yargsFactory }, (args) => {
      const text = fs.readFileSync(args.path, "utf8");
      if (!text.includes(factoryVersion)) {
        return {
          contents: text,
          loader: "js",
          warnings: [{ text: "yargs' factory has no version() as expected: left as it is" }],
        };
      }
      return { contents: text.replace(factoryVersion, "        yargs.help();\n"), loader: "js" };
    });
  },
};

/** The options generators/output.ts compiles templates with. */
const templateOptions = { noEscape: true, strict: true };

/** Every template of the package, by its text, compiled with `templateOptions`. */
function precompiledTemplates() {
  const entries = [];
  for (const file of fs.readdirSync(path.join(root, "templates"), { recursive: true })) {
    if (!file.endsWith(".hbs")) continue;
    const text = fs.readFileSync(path.join(root, "templates", file), "utf8");
    entries.push(`  [${JSON.stringify(text)}, ${Handlebars.precompile(text, { ...templateOptions })}],`);
  }
  return entries.join("\n");
}

/**
 * generators/output.ts's `handlebars` in the bundle: `compile` of a template
 * compiled here is the runtime's `template` of its compiled form; anything
 * else goes to the Handlebars compiler, required (and initialised) then.
 */
const precompiledHandlebars = {
  name: "precompiled-handlebars",
  setup(build) {
    build.onResolve({ filter: /^handlebars$/ }, (args) =>
      /[\\/]dist[\\/]generators[\\/]output\.js$/.test(args.importer)
        ? { path: "handlebars", namespace: "precompiled-handlebars" }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "precompiled-handlebars" }, () => ({
      resolveDir: root,
      contents:
        `import runtime from "handlebars/runtime";\n` +
        `const compiled = new Map([\n${precompiledTemplates()}\n]);\n` +
        `const options = ${JSON.stringify(JSON.stringify(templateOptions))};\n` +
        `export default {\n` +
        `  compile(text, compileOptions) {\n` +
        `    const spec = JSON.stringify(compileOptions) === options ? compiled.get(text) : undefined;\n` +
        `    return spec ? runtime.template(spec) : require("handlebars").compile(text, compileOptions);\n` +
        `  },\n` +
        `};\n`,
    }));
  },
};

/**
 * Chevrotain as its own single-module build (lib/chevrotain.mjs, with the
 * parts of lodash it uses), rather than its ~280 modules (lib/src, and
 * lodash-es), each of which the bundle would initialise on its own.
 */
const chevrotainBundled = {
  name: "chevrotain-bundled",
  setup(build) {
    build.onResolve({ filter: /^chevrotain$/ }, async (args) => {
      if (args.pluginData === "real") return undefined;
      const real = await resolveReal(build, args);
      if (real.errors.length > 0) return { errors: real.errors };
      // lib/src/api.js -> lib/chevrotain.mjs
      const single = path.join(path.dirname(path.dirname(real.path)), "chevrotain.mjs");
      if (!fs.existsSync(single)) {
        return { path: real.path, warnings: [{ text: `no ${single}: Chevrotain bundled from its modules` }] };
      }
      return { path: single };
    });
  },
};

/**
 * dist/parser/prebuilt-lookahead.js in the bundle: the lookahead table of
 * the grammar being bundled, made by a parser that analyses it.
 */
const prebuiltLookahead = {
  name: "prebuilt-lookahead",
  async setup(build) {
    const grammar = await import(pathToFileURL(path.join(root, "dist", "parser", "grammar.js")).href);
    const table = new grammar.WitParser({ lookahead: null }).lookaheadTable();
    build.onLoad({ filter: /[\\/]dist[\\/]parser[\\/]prebuilt-lookahead\.js$/ }, () => ({
      contents: `export const prebuiltLookahead = ${JSON.stringify(table)};\n`,
      loader: "js",
    }));
  },
};

/**
 * In a command's own bundle (`witx-bindgen-<command>.cjs`), the modules of
 * the other commands, which main.js loads by a dynamic import(): each export
 * hands the run over to the whole CLI (the launcher's `whole-cli` function,
 * see cli/launch.cts), which parses the same command line again.
 */
function wholeCliFallback(command) {
  const own = `./commands/${command}.js`;
  return {
    name: "whole-cli-fallback",
    setup(build) {
      build.onResolve({ filter: /^\.\/(commands\/[a-z-]+|run)\.js$/ }, (args) =>
        args.kind === "dynamic-import" && /[\\/]dist[\\/]cli[\\/]main\.js$/.test(args.importer) && args.path !== own
          ? { path: args.path, namespace: "whole-cli" }
          : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: "whole-cli" }, (args) => {
        const names = fs
          .readFileSync(path.join(root, "dist", "cli", args.path), "utf8")
          .matchAll(/^export (?:async )?function ([A-Za-z0-9_$]+)/gm);
        const exports = [...names].map((m) => `export const ${m[1]} = wholeCli;\n`).join("");
        return {
          contents:
            `function wholeCli() {\n` +
            `  globalThis[Symbol.for("witx-bindgen.whole-cli")]();\n` +
            `  return new Promise(() => {});\n` +
            `}\n` +
            exports,
          loader: "js",
        };
      });
    },
  };
}

/** The commands with a bundle of their own (cli/launch.cts has the same list). */
const ownBundles = ["json"];

const bundleOptions = {
  entryPoints: [path.join(root, "dist", "cli", "main.js")],
  bundle: true,
  platform: "node",
  format: "cjs",
  define: { "import.meta.url": "importMetaUrl" },
  inject: [path.join(root, "build", "import-meta-url.js")],
  minifyWhitespace: true,
  minifySyntax: true,
  minifyIdentifiers: process.env.MINIFY_IDS === "1",
  external: ["typescript", "esbuild", "prettier"],
  banner: { js: "(function (exports, require, module, __filename, __dirname) {" },
  footer: { js: "\n})" },
  logLevel: "warning",
  // The launcher reads a bundle as latin1 (cli/launch.cts), which is exact
  // only for ASCII: esbuild escapes every other character (its default,
  // stated here and checked below).
  charset: "ascii",
};
const plugins = [lazyStartup, precompiledHandlebars, prebuiltLookahead, chevrotainBundled];
await esbuild.build({ ...bundleOptions, outfile, plugins });
for (const command of ownBundles) {
  await esbuild.build({
    ...bundleOptions,
    outfile: path.join(path.dirname(outfile), `witx-bindgen-${command}.cjs`),
    plugins: [...plugins, wholeCliFallback(command)],
  });
}
const cliDir = path.dirname(outfile);
for (const f of fs.readdirSync(cliDir).filter((f) => /^witx-bindgen.*\.cjs$/.test(f))) {
  const at = fs.readFileSync(path.join(cliDir, f)).findIndex((byte) => byte > 0x7f);
  if (at >= 0) throw new Error(`${f}: a byte that is not ASCII at offset ${at}; the launcher reads bundles as latin1`);
}
for (const f of fs.readdirSync(cliDir)) if (/^witx-bindgen[.-].*\.cache$/.test(f)) fs.rmSync(path.join(cliDir, f));
/**
 * The input of the runs that make the code caches: a package with
 * dependencies that uses most of WIT, so that the functions that reading
 * such a package needs are compiled in the run, and so cached (a function
 * the run does not call is compiled on its first call in every process).
 */
const cacheInput = [path.join(root, "build", "code-cache"), "--world", "app"];
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "witx-bindgen-bundle-"));
/** The commands with a code cache of their own, and the run that makes it. */
const cachedCommands = {
  json: [...cacheInput],
  ts: [...cacheInput, "--out-dir", scratch],
  rust: [...cacheInput, "--out-dir", scratch],
  c: [...cacheInput, "--out-dir", scratch],
};
try {
  for (const [command, args] of Object.entries(cachedCommands)) {
    const r = spawnSync(process.execPath, [path.join(cliDir, "launch.cjs"), command, ...args], {
      env: { ...process.env, WITX_BINDGEN_WRITE_CODE_CACHE: command },
      stdio: ["ignore", "ignore", "inherit"],
    });
    if (r.status !== 0) throw new Error(`writing the code cache of ${command} failed (status ${r.status})`);
  }
} finally {
  fs.rmSync(scratch, { recursive: true, force: true });
}
