/**
 * The `witx-bindgen` command line.
 *
 * yargs reads the command line with the commands' options (`options.ts`);
 * then the module of the command that runs is loaded (`commands/`), so that
 * a command initialises only what it uses: `json` neither the generators nor
 * the encoders. The commands have no yargs handlers: yargs would build the
 * whole help text after running one.
 */
import { existsSync, readFileSync } from "node:fs";
import pc from "picocolors";
import yargs, { type Argv } from "yargs";
import { hideBin } from "yargs/helpers";
import {
  cCommand,
  componentCommand,
  composeCommand,
  embedCommand,
  globalOptions,
  jsonCommand,
  linkCommand,
  plugCommand,
  RUN_COMMAND,
  RUN_SUMMARY,
  rustCommand,
  tsCommand,
  type ArgsOf,
  type CommandSpec,
} from "./options.js";
import { quietOnClosedStdout } from "./stdout.js";

/**
 * The version in the nearest package.json above this file (the source and
 * bundled layouts differ). A directory without one is passed over without
 * an attempt to read it: a failed read throws, which costs more than the
 * check.
 */
function packageVersion(): string {
  for (let dir = new URL(".", import.meta.url); ; dir = new URL("..", dir)) {
    const file = new URL("package.json", dir);
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version: string };
        if (pkg.name === "witx-bindgen") return pkg.version;
      } catch {
        // keep looking
      }
    }
    if (dir.pathname === "/") return "unknown";
  }
}

interface Runnable {
  spec: CommandSpec<unknown>;
  run: (argv: unknown) => unknown;
}

/** A command with what runs it: a function that loads the command's module. */
function command<C extends CommandSpec<any>>(spec: C, run: (argv: ArgsOf<C>) => unknown): Runnable {
  return { spec, run: run as (argv: unknown) => unknown };
}

const commands: Runnable[] = [
  command(jsonCommand, async (argv) => (await import("./commands/json.js")).json(argv)),
  command(tsCommand, async (argv) => (await import("./commands/ts.js")).ts(argv)),
  command(rustCommand, async (argv) => (await import("./commands/rust.js")).rust(argv)),
  command(cCommand, async (argv) => (await import("./commands/c.js")).c(argv)),
  command(embedCommand, async (argv) => (await import("./commands/encode.js")).embed(argv)),
  command(linkCommand, async (argv) => (await import("./commands/encode.js")).link(argv)),
  command(plugCommand, async (argv) => (await import("./commands/compose.js")).plug(argv)),
  command(composeCommand, async (argv) => (await import("./commands/compose.js")).compose(argv)),
  command(componentCommand, async (argv) => (await import("./commands/encode.js")).component(argv)),
];

/**
 * yargs renders a command's help text after every command it runs (every
 * command has a handler, a no-op by default), to show it if the command's
 * handler fails later. The commands here run after yargs returns, so that
 * text would never be shown: leave it to be rendered when it is (`--help`,
 * a usage error).
 */
function skipHelpCache(cli: Argv): void {
  type Internals = { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } } };
  const usage = (cli as unknown as Internals).getInternalMethods?.().getUsageInstance?.();
  if (typeof usage?.cacheHelpMessage === "function") usage.cacheHelpMessage = () => {};
}

async function main(): Promise<void> {
  quietOnClosedStdout();
  const args = hideBin(process.argv);
  // `run` reads its own arguments: the flags after a function name are that function's parameters.
  if (args[0] === "run") return (await import("./run.js")).runMain(args.slice(1), packageVersion());
  let cli = globalOptions(
    yargs(args)
      .scriptName("witx-bindgen")
      .usage("$0 <command> [options]")
      .version(packageVersion())
      // Options named `--no-…` (wit-bindgen's `--no-helpers`, `--no-realloc`) are options, not negations.
      .parserConfiguration({ "boolean-negation": false })
      .strict()
      .demandCommand(1, "a command is required"),
  );
  for (const { spec } of commands) cli = cli.command(spec.usage, spec.describe, spec.builder);
  skipHelpCache(cli);
  const argv = await cli
    .command(RUN_COMMAND, RUN_SUMMARY)
    .fail((message, error, y) => {
      if (error) throw error;
      process.stderr.write(`${y.help()}\n\n${pc.red("error")}: ${message}\n`);
      process.exit(2);
    })
    .help()
    .parseAsync();
  const name = argv._[0];
  await commands.find((c) => c.spec.usage.split(" ")[0] === name)?.run(argv);
}

main().catch((e: unknown) => {
  process.stderr.write(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(2);
});
