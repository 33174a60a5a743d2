/**
 * What the commands that read and write wasm binaries share: reading the
 * inputs, writing the output, and reporting an input that does not fit as
 * the user's error.
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { ComposeError } from "../../encoding/compose/errors.js";
import { DecodeError } from "../../encoding/decode/binary.js";
import { BinaryError } from "../../encoding/reader.js";
import { ComponentEncodingError } from "../../encoding/validate.js";
import { usage, userError } from "./common.js";

export function readBinary(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (e) {
    usage(`failed to read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/**
 * A `[NAME=]FILE` argument: the module and its name (for an adapter, the
 * file's name without `.wasm` by default; for a library, the file's name).
 */
export function namedModule(flag: string, spec: string, stripWasm: boolean): { name: string; wasm: Uint8Array } {
  const eq = spec.indexOf("=");
  const file = eq < 0 ? spec : spec.slice(eq + 1);
  const base = path.basename(file);
  const name = eq < 0 ? (stripWasm ? base.replace(/\.wasm$/, "") : base) : spec.slice(0, eq);
  if (name === "") usage(`${flag} ${spec}: the name is empty`);
  return { name, wasm: readBinary(file) };
}

/** Runs an encoding step; a module that does not fit, or bytes that do not parse, are the user's error. */
export function encodingStep<T>(step: () => T): T {
  try {
    return step();
  } catch (e) {
    if (
      e instanceof ComponentEncodingError ||
      e instanceof BinaryError ||
      e instanceof DecodeError ||
      e instanceof ComposeError
    ) {
      userError(e.message);
    }
    throw e;
  }
}

/** A composition goes to standard output only when that is not a terminal. */
export function refuseTerminal(output: string | undefined): void {
  if (output === undefined && process.stdout.isTTY) {
    userError("cannot print binary wasm output to a terminal; pass `-o FILE` to write it to a file");
  }
}

export function writeBinary(bytes: Uint8Array, output: string | undefined): void {
  if (output === undefined) process.stdout.write(bytes);
  else writeFileSync(output, bytes);
}
