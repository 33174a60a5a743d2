/** `witx-bindgen json`: the resolved packages as wit-parser's Resolve JSON. */
import { resolveToJsonString } from "../../ir/json.js";
import { loadWitPath } from "../../load-wit.js";
import type { JsonArgs } from "../options.js";
import { fail, loadOptions, writeStdout } from "./common.js";

export function json(argv: JsonArgs): void {
  const loaded = loadWitPath(argv.path, loadOptions(argv));
  if (!loaded.ok) fail(loaded.diagnostics);
  writeStdout(resolveToJsonString(loaded.resolve) + "\n");
}
