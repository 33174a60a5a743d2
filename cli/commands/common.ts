/**
 * What the commands that read WIT and write files share: the load options
 * from the global flags, and how a failure is reported (a diagnostic, a
 * usage error, an error the input causes).
 */
import { mkdirSync, readFileSync, writeFileSync, writeSync } from "node:fs";
import * as path from "node:path";
import pc from "picocolors";
import type { Diagnostic } from "../../ir/errors.js";
import type { Resolve } from "../../ir/resolve.js";
import type { GeneratedFile } from "../../generators/output.js";
import type { ComponentHostFile } from "../../generators/ts/component/index.js";
import type { LoadOptions } from "../../load-wit.js";
import { isClosedPipe } from "../stdout.js";

/** `error: message` followed by wit-parser's location and excerpt, colored on a terminal. */
export function formatDiagnostic(d: Diagnostic, color = pc.isColorSupported): string {
  const c = pc.createColors(color);
  const [first, ...rest] = d.rendered.split("\n");
  const body = rest.map((line) =>
    line.startsWith("     --> ") ? c.blue("     --> ") + line.slice(9) : line.replace(/^( +\d* +\|)/, (m) => c.blue(m)),
  );
  return [`${c.red(c.bold("error"))}${c.bold(":")} ${c.bold(first)}`, ...body].join("\n");
}

export function loadOptions(argv: { world?: string; features?: string[]; "all-features"?: boolean }): LoadOptions {
  return {
    world: argv.world,
    features: (argv.features ?? [])
      .flatMap((f) => f.split(","))
      .map((f) => f.trim())
      .filter(Boolean),
    allFeatures: argv["all-features"] ?? false,
  };
}

/**
 * Writes `text` to the standard output at once, as `process.stdout` does on
 * POSIX for files and pipes, but without making `process.stdout` (for a
 * pipe, that loads Node.js's stream and net modules: some milliseconds of a
 * short command). A closed pipe ends the command quietly (see
 * `cli/stdout.ts`); whatever else cannot be written so (a non-blocking
 * descriptor) goes through `process.stdout`.
 */
export function writeStdout(text: string): void {
  if (process.platform === "win32") {
    process.stdout.write(text);
    return;
  }
  const bytes = Buffer.from(text, "utf8");
  let written = 0;
  try {
    while (written < bytes.length) written += writeSync(1, bytes, written);
  } catch (e) {
    if (isClosedPipe(e)) process.exit(0);
    process.stdout.write(bytes.subarray(written));
  }
}

export function fail(diagnostics: Diagnostic[]): never {
  process.stderr.write(diagnostics.map((d) => formatDiagnostic(d)).join("\n\n") + "\n");
  process.exit(1);
}

/** `error: message`, exit status 2: the command line is wrong. */
export function usage(message: string): never {
  process.stderr.write(`${pc.red("error")}: ${message}\n`);
  process.exit(2);
}

/** `error: message`, exit status 1: what the user asked for cannot be done. */
export function userError(message: string): never {
  process.stderr.write(`${pc.red(pc.bold("error"))}: ${message}\n`);
  process.exit(1);
}

export function worldRequired(resolve: Resolve, pkg: number): string {
  const names = [...resolve.packages[pkg].worlds.keys()];
  return names.length === 0
    ? "the package has no world to generate bindings for"
    : `the package has ${names.length} worlds (${names.join(", ")}); choose one with --world`;
}

/** A generator's run; a world it cannot serve yet (an `unsupported` error) is reported as an error, not a stack trace. */
export function unsupported<T>(unsupportedError: new (...args: never[]) => Error, generate: () => T): T {
  try {
    return generate();
  } catch (e) {
    if (e instanceof unsupportedError) userError(e.message);
    throw e;
  }
}

/** Writes the files, or with `check` compares them with what is on disk and exits 1 when any differ. */
export function writeOrCheck(files: (GeneratedFile | ComponentHostFile)[], outDir: string, check: boolean): void {
  if (check) {
    const stale = files.filter((f) => {
      try {
        const target = path.join(outDir, f.path);
        if (typeof f.contents === "string") return readFileSync(target, "utf8") !== f.contents;
        return !Buffer.from(readFileSync(target)).equals(Buffer.from(f.contents));
      } catch {
        return true;
      }
    });
    for (const f of stale) process.stdout.write(`stale: ${path.join(outDir, f.path)}\n`);
    if (stale.length) process.exit(1);
    return;
  }
  mkdirSync(outDir, { recursive: true });
  for (const f of files) {
    const target = path.join(outDir, f.path);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, f.contents);
  }
}
