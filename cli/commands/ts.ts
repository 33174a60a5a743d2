/**
 * `witx-bindgen ts`: the TypeScript host of a world (from WIT) or of a
 * component (from its binary; that generator is loaded only for one).
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import pc from "picocolors";
import { isComponentBinary } from "../../encoding/decode/component.js";
import type { GeneratedFile } from "../../generators/output.js";
import { generateTypeScript, UnsupportedWorldError } from "../../generators/ts/index.js";
import type { ComponentHostFile } from "../../generators/ts/component/index.js";
import { loadWitPath } from "../../load-wit.js";
import type { TsArgs } from "../options.js";
import { fail, loadOptions, usage, userError, worldRequired, writeOrCheck } from "./common.js";

/**
 * The bytes of `input` when it is a component binary (a file starting with the
 * component preamble); `"core module"` for a core module's preamble.
 */
function readComponentInput(input: string): Uint8Array | "core module" | undefined {
  try {
    const bytes = readFileSync(input);
    if (isComponentBinary(bytes)) return new Uint8Array(bytes);
    const core = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0];
    if (bytes.length >= 8 && core.every((b, i) => bytes[i] === b)) return "core module";
    return undefined;
  } catch {
    return undefined;
  }
}

export async function ts(argv: TsArgs): Promise<void> {
  const component = readComponentInput(argv.path);
  if (component === "core module") {
    userError(
      `${argv.path} is a core module, not a component: make it a component first (\`witx-bindgen component\`), or give the WIT of its world to generate a host for the module`,
    );
  }
  if (component) {
    const { ComponentHostError, generateComponentHost } = await import("../../generators/ts/component/index.js");
    const name = argv.name ?? path.basename(argv.path).replace(/\.[^.]*$/, "");
    let files: ComponentHostFile[];
    try {
      files = await generateComponentHost(component, { name, js: argv.js });
    } catch (e) {
      if (e instanceof ComponentHostError) {
        process.stderr.write(`${pc.red(pc.bold("error"))}: ${e.message}\n  --> ${argv.path}\n`);
        process.exit(1);
      }
      throw e;
    }
    writeOrCheck(files, argv["out-dir"], argv.check);
    return;
  }
  const loaded = loadWitPath(argv.path, loadOptions(argv));
  if (!loaded.ok) fail(loaded.diagnostics);
  if (loaded.world === undefined) usage(worldRequired(loaded.resolve, loaded.package));
  let files: GeneratedFile[];
  try {
    files = await generateTypeScript(loaded.resolve, loaded.world, {
      stringEncoding: argv["string-encoding"],
      js: argv.js,
      format: argv.format,
    });
  } catch (e) {
    if (e instanceof UnsupportedWorldError) userError(e.message);
    throw e;
  }
  writeOrCheck(files, argv["out-dir"], argv.check);
}
