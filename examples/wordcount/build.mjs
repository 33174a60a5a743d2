// Assembles the wordcount guest (WebAssembly text) into its core module,
// with wasm-tools (from a devDependency). `npm run example:async` then makes
// it a component with `witx-bindgen component` and transpiles that with
// `witx-bindgen ts`.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { parse } from "@bytecodealliance/jco-transpile/wasm-tools";

const out = new URL("generated/", import.meta.url);
await mkdir(out, { recursive: true });
const wat = await readFile(new URL("guest.wat", import.meta.url), "utf8");
await writeFile(new URL("guest.core.wasm", out), await parse(wat));
