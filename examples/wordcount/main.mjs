// Runs the wordcount component through the JavaScript that
// `witx-bindgen ts generated/wordcount.wasm --out-dir generated --js` wrote.
// `count` is async: it returns at once with a future (a promise here), then
// reads the stream as JavaScript writes into it.
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { Readable } from "node:stream";
import { instantiate, liveHandles } from "./generated/wordcount.js";

const wordcount = await instantiate({});
const { count } = wordcount;

// A stream in: a web ReadableStream of the README's bytes, read in chunks
// as the guest asks for them. A future out: a promise of the counts.
const readme = new URL("../../README.md", import.meta.url);
const counts = await count(Readable.toWeb(createReadStream(readme)));
console.log("README.md:", counts);

// Any iterable or async iterable of byte chunks will do too; calls overlap.
const encoder = new TextEncoder();
async function* slowly(text) {
  for (const line of text.split(/(?<=\n)/)) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    yield encoder.encode(line);
  }
}
const [poem, empty] = await Promise.all([
  count(slowly("The fog comes\non little cat feet.\n")),
  count([]),
]);
console.log("poem:", poem, "empty:", empty);

// The same counts in plain JavaScript, to check the guest's.
const text = await readFile(readme, "utf8");
const words = text.split(/[ \t\r\n]+/).filter(Boolean).length;
const lines = text.split("\n").length - 1;
if (counts.bytes !== BigInt(Buffer.byteLength(text)) || counts.words !== words || counts.lines !== lines)
  throw new Error(`expected ${Buffer.byteLength(text)} bytes, ${words} words, ${lines} lines`);
// Every call dropped its stream, its future and its waitable set.
if (liveHandles(wordcount) !== 0) throw new Error(`${liveHandles(wordcount)} handles left`);
