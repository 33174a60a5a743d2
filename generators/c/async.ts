/**
 * The C side of the asynchronous canonical ABI, with the API of
 * wit-bindgen's C generator: the world-wide async helpers (subtask and
 * waitable-set built-ins, event and callback codes, backpressure, task
 * context), whose fixed code is in templates/c/async.c, and the helpers
 * of each future and stream type.
 *
 * The C types have the canonical layout, so a future's or stream's buffer
 * is handed to the built-ins as it is: the helpers only name the built-ins.
 */
import { channelBuiltinField } from "../../ir/abi/async.js";
import type { Type } from "../../ir/types.js";
import { cTemplate } from "./templates.js";
import type { CTypes } from "./types.js";

/** The built-in `field` of `module` as a C extern declaration named `cName`. */
function builtin(field: string, cName: string, result: string, params: string[], module: string = "$root"): string {
  return (
    `\n__attribute__((__import_module__("${module}"), __import_name__("${field}")))\n` +
    `extern ${result} ${cName}(${params.length === 0 ? "void" : params.join(", ")});\n`
  );
}

/**
 * The world's async helpers: `{ h, c }`, the declarations for the header and
 * their definitions (templates/c/async.c). `errorContext` adds the
 * `error-context` type and its helpers (`<world>_error_context_new`,
 * `_debug_message` (UTF-8 worlds), `_drop`), which wit-bindgen's C
 * generator does not have.
 */
export function asyncHelpers(types: CTypes, errorContext: boolean): { h: string; c: string } {
  const w = types.world;
  let h = cTemplate("async.c", "async-h", w);
  let c = cTemplate("async.c", "async-c", w);
  if (errorContext) {
    h += cTemplate("async.c", "error-context-h", w);
    c += cTemplate("async.c", "error-context-c", w);
    if (types.encoding === "utf8") {
      // The debug message is a `<world>_string_t`, which the header then defines.
      types.name("string");
      h += cTemplate("async.c", "error-context-utf8-h", w);
      c += cTemplate("async.c", "error-context-utf8-c", w);
    }
  }
  return { h, c };
}

/**
 * The helpers of the future or stream type `ty` (its C name), over the
 * built-ins numbered `index` after the function `funcName` and imported from
 * `module`.
 */
export function channelHelpers(
  types: CTypes,
  module: string,
  kind: "future" | "stream",
  index: number,
  funcName: string,
  ty: string,
  payload: Type | undefined,
): { h: string; c: string } {
  const w = types.world;
  const name = ty.replace(/_t$/, "");
  const stream = kind === "stream";
  const elem = payload === undefined ? undefined : types.name(payload);
  const readParams = `${elem === undefined ? "" : `, ${elem} *buf`}${stream ? ", size_t amt" : ""}`;
  const writeParams = `${elem === undefined ? "" : `, const ${elem} *buf`}${stream ? ", size_t amt" : ""}`;
  const readArgs = `${elem === undefined ? "NULL" : "(uint8_t *) buf"}${stream ? ", amt" : ""}`;
  const writeArgs = `${elem === undefined ? "NULL" : "(const uint8_t *) buf"}${stream ? ", amt" : ""}`;
  const amt = stream ? ", size_t" : "";
  const field = (op: Parameters<typeof channelBuiltinField>[1], asyncLowered = false) =>
    channelBuiltinField(kind, op, index, funcName, asyncLowered);
  const h =
    `\ntypedef uint32_t ${name}_writer_t;\n\n` +
    `${ty} ${name}_new(${name}_writer_t *writer);\n` +
    `${w}_waitable_status_t ${name}_read(${ty} reader${readParams});\n` +
    `${w}_waitable_status_t ${name}_write(${name}_writer_t writer${writeParams});\n` +
    `${w}_waitable_status_t ${name}_cancel_read(${ty} reader);\n` +
    `${w}_waitable_status_t ${name}_cancel_write(${name}_writer_t writer);\n` +
    `void ${name}_drop_readable(${ty} reader);\n` +
    `void ${name}_drop_writable(${name}_writer_t writer);\n`;
  const c =
    builtin(field("new"), `${name}__new`, "uint64_t", [], module) +
    builtin(field("read", true), `${name}__read`, "uint32_t", ["uint32_t", `uint8_t *${amt}`], module) +
    builtin(field("write", true), `${name}__write`, "uint32_t", ["uint32_t", `const uint8_t *${amt}`], module) +
    builtin(field("cancel-read"), `${name}__cancel_read`, "uint32_t", ["uint32_t"], module) +
    builtin(field("cancel-write"), `${name}__cancel_write`, "uint32_t", ["uint32_t"], module) +
    builtin(field("drop-readable"), `${name}__drop_readable`, "void", ["uint32_t"], module) +
    builtin(field("drop-writable"), `${name}__drop_writable`, "void", ["uint32_t"], module) +
    `\n${ty} ${name}_new(${name}_writer_t *writer) {\n` +
    `uint64_t packed = ${name}__new();\n*writer = (uint32_t) (packed >> 32);\nreturn (uint32_t) packed;\n}\n` +
    `\n${w}_waitable_status_t ${name}_read(${ty} reader${readParams}) {\nreturn ${name}__read(reader, ${readArgs});\n}\n` +
    `\n${w}_waitable_status_t ${name}_write(${name}_writer_t writer${writeParams}) {\n` +
    `return ${name}__write(writer, ${writeArgs});\n}\n` +
    `\n${w}_waitable_status_t ${name}_cancel_read(${ty} reader) {\nreturn ${name}__cancel_read(reader);\n}\n` +
    `\n${w}_waitable_status_t ${name}_cancel_write(${name}_writer_t writer) {\nreturn ${name}__cancel_write(writer);\n}\n` +
    `\nvoid ${name}_drop_readable(${ty} reader) {\n${name}__drop_readable(reader);\n}\n` +
    `\nvoid ${name}_drop_writable(${name}_writer_t writer) {\n${name}__drop_writable(writer);\n}\n`;
  return { h, c };
}

/**
 * The threading helpers (wit-bindgen's `--generate-threading-helpers`): the
 * thread built-ins and context slot 1 (templates/c/async.c).
 */
export function threadingHelpers(w: string): string {
  return cTemplate("async.c", "threading-h", w);
}
