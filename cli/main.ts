#!/usr/bin/env node
/**
 * The `witx-bindgen` command line.
 */
import { readFileSync } from "node:fs";
import pc from "picocolors";
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { loadWitPath, resolveToJsonString, type Diagnostic, type LoadOptions } from "../index.js";

/** The version in the nearest package.json above this file (the source and bundled layouts differ). */
function packageVersion(): string {
  for (let dir = new URL(".", import.meta.url); ; dir = new URL("..", dir)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL("package.json", dir), "utf8")) as { name?: string; version: string };
      if (pkg.name === "witx-bindgen") return pkg.version;
    } catch {
      // keep looking
    }
    if (dir.pathname === "/") return "unknown";
  }
}

/** `error: message` followed by wit-parser's location and excerpt, colored on a terminal. */
export function formatDiagnostic(d: Diagnostic, color = pc.isColorSupported): string {
  const c = pc.createColors(color);
  const [first, ...rest] = d.rendered.split("\n");
  const body = rest.map((line) =>
    line.startsWith("     --> ") ? c.blue("     --> ") + line.slice(9) : line.replace(/^( +\d* +\|)/, (m) => c.blue(m)),
  );
  return [`${c.red(c.bold("error"))}${c.bold(":")} ${c.bold(first)}`, ...body].join("\n");
}

function loadOptions(argv: { world?: string; features?: string[]; "all-features"?: boolean }): LoadOptions {
  return {
    world: argv.world,
    features: (argv.features ?? [])
      .flatMap((f) => f.split(","))
      .map((f) => f.trim())
      .filter(Boolean),
    allFeatures: argv["all-features"] ?? false,
  };
}

function fail(diagnostics: Diagnostic[]): never {
  process.stderr.write(diagnostics.map((d) => formatDiagnostic(d)).join("\n\n") + "\n");
  process.exit(1);
}

async function main(): Promise<void> {
  await yargs(hideBin(process.argv))
    .scriptName("witx-bindgen")
    .usage("$0 <command> [options]")
    .version(packageVersion())
    .strict()
    .demandCommand(1, "a command is required")
    .option("features", {
      type: "string",
      array: true,
      describe: "enable @unstable features (comma-separated or repeated)",
      global: true,
    })
    .option("all-features", { type: "boolean", describe: "enable every @unstable feature", global: true })
    .option("world", {
      type: "string",
      describe: "world to use: a name in the main package or ns:pkg/world",
      global: true,
    })
    .command(
      "json <path>",
      "print the resolved packages as wit-parser's Resolve JSON",
      (y) =>
        y.positional("path", {
          type: "string",
          demandOption: true,
          describe: "a .wit file or a WIT directory (with deps/)",
        }),
      (argv) => {
        const loaded = loadWitPath(argv.path, loadOptions(argv));
        if (!loaded.ok) fail(loaded.diagnostics);
        process.stdout.write(resolveToJsonString(loaded.resolve) + "\n");
      },
    )
    .fail((message, error, y) => {
      if (error) throw error;
      process.stderr.write(`${y.help()}\n\n${pc.red("error")}: ${message}\n`);
      process.exit(2);
    })
    .help()
    .parseAsync();
}

main().catch((e: unknown) => {
  process.stderr.write(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(2);
});
