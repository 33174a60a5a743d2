/** The commands that compose components: `plug` and `compose` (as `wac plug` and `wac compose`). */
import { compose as composeGraph } from "../../encoding/compose/compose.js";
import { readComposeConfig } from "../../encoding/compose/config.js";
import { plug as plugComponents } from "../../encoding/compose/plug.js";
import pc from "picocolors";
import type { ComposeArgs, PlugArgs } from "../options.js";
import { encodingStep, readBinary, refuseTerminal, writeBinary } from "./binary.js";

export function plug(argv: PlugArgs): void {
  refuseTerminal(argv.output);
  const socket = readBinary(argv.socket);
  const plugs = argv.plug.map(readBinary);
  const out = encodingStep(() =>
    plugComponents(socket, plugs, {
      socketName: argv.socket,
      plugNames: argv.plug,
      warn: (m) => process.stderr.write(`${pc.yellow("warning")}: ${m}\n`),
    }),
  );
  writeBinary(out, argv.output);
}

export function compose(argv: ComposeArgs): void {
  refuseTerminal(argv.output);
  const out = encodingStep(() => {
    const { graph, componentFiles } = readComposeConfig(argv.config);
    return composeGraph(graph, { componentFiles });
  });
  writeBinary(out, argv.output);
}
