// Runs the greeter guest through the TypeScript host that
// `witx-bindgen ts examples/greeter/wit --out-dir examples/greeter/generated --js` wrote.
// The guest is WebAssembly text, assembled here with wasm-tools (from a devDependency).
import { readFile } from "node:fs/promises";
import { parse } from "@bytecodealliance/jco-transpile/wasm-tools";
import { instantiate, ComponentError } from "./generated/greeter.js";

const guest = await parse(await readFile(new URL("guest.wat", import.meta.url), "utf8"));

const levels = { debug: "DEBUG", info: "INFO", warn: "WARN" };
const { greetings } = await instantiate(guest, {
  "example:logging/log@0.1.0": {
    log: (level, message) => console.log(`[${levels[level]}] ${message}`),
  },
});

const counter = new greetings.Counter(40n);
console.log(counter.greet("Ada", "english"));
console.log(counter.greet("Grace", "french"));
try {
  counter.greet("", "english");
} catch (e) {
  if (!(e instanceof ComponentError)) throw e;
  console.log("err:", e.payload);
}
const other = new greetings.Counter(100n);
const merged = greetings.Counter.merge(counter, other);
console.log("totals:", counter.total(), other.total(), merged.total());
console.log(greetings.greetAll(["Alan", "Barbara", "Édith"], "warn").map((g) => g.text));
for (const c of [counter, other, merged]) c[Symbol.dispose]();
