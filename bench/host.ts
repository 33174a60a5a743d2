/**
 * Host benchmark: the same calls into one guest core module
 * (bench/guests/bench.wat, world `bench` of bench/guests/bench.wit), in one
 * run, through three glues:
 *
 * - ours: the host module `witx-bindgen ts --js` generates for the world;
 * - hand-written: the minimal correct glue a careful engineer writes by hand
 *   for the same core module (`handWritten` below);
 * - jco: the component made of the same core module (`component embed` +
 *   `component new`), transpiled by `@bytecodealliance/jco` (or, when that
 *   is not installed, by `@bytecodealliance/jco-transpile`; the output says
 *   which) with `instantiation: "async"` and otherwise default options.
 *
 * The three are first checked to give the same (and the expected) result for
 * every operation; then each operation is timed. A sample is the mean time
 * per call of a batch of calls (the batch size is chosen per operation so a
 * hand-written batch takes about 0.25 ms, and is the same for the three); the
 * table shows the median of the samples, in ns per call. Nothing here asserts
 * on timings.
 *
 * Usage: npm run bench:host [-- --time <ms per task, default 1500>] [--only <text in the operation's name>]
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { Bench } from "tinybench";
import { generateTypeScript, loadWitPath, renderDiagnostics } from "../index.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const guestDir = path.join(root, "bench", "guests");
const world = "bench";

/** The target: every operation of ours within this factor of hand-written. */
const TARGET = 1.5;
/** The wall time a hand-written batch should take, in ms. */
const BATCH_MS = 0.25;

interface Point {
  x: number;
  y: number;
}

/** The world's exports, as all three glues present them. */
interface Guest {
  noop(): void;
  add(a: number, b: number): number;
  echo(s: string): string;
  sum(xs: Uint32Array | number[]): number;
  echoBytes(bytes: Uint8Array): Uint8Array;
  text(): string;
  points(): Point[];
  callU32(x: number): void;
  callString(): void;
}

/** The world's import `bench:host/host`, recording what it receives. */
interface Host {
  takeU32(x: number): void;
  takeString(s: string): void;
  lastU32: number;
  lastString: string;
}

/** A host whose functions work unbound too (jco calls them without a receiver). */
function makeHost(): Host {
  const host: Host = {
    lastU32: -1,
    lastString: "",
    takeU32(x: number): void {
      host.lastU32 = x;
    },
    takeString(s: string): void {
      host.lastString = s;
    },
  };
  return host;
}

// ------------------------------------------------------------ hand-written

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

type CoreFn = (...args: number[]) => number;

/**
 * Hand-written glue for bench.wat: validates u32 arguments, encodes strings
 * with `encodeInto` into memory from `cabi_realloc`, decodes with a fatal
 * `TextDecoder`, copies typed arrays, calls `cabi_post_*`, re-creates its
 * views when memory grows. No state machine, no bounds checks beyond what
 * typed arrays do, no per-call closures.
 */
async function handWritten(module: WebAssembly.Module, host: Host): Promise<Guest> {
  let u8 = new Uint8Array(0);
  let u32 = new Uint32Array(0);
  let dv = new DataView(u8.buffer);
  let lowered = 0;

  function refresh(): void {
    u8 = new Uint8Array(memory.buffer);
    u32 = new Uint32Array(memory.buffer);
    dv = new DataView(memory.buffer);
  }

  function lowerString(s: string): number {
    if (typeof s !== "string") throw new TypeError("expected a string");
    // The worst case, then the exact size: guests' allocators may rely on
    // the size given to `cabi_realloc` when they free the string.
    const capacity = s.length * 3;
    let ptr = realloc(0, 0, 1, capacity) >>> 0;
    if (u8.byteLength === 0) refresh();
    const written = utf8Encoder.encodeInto(s, u8.subarray(ptr, ptr + capacity)).written;
    if (written < capacity) {
      ptr = realloc(ptr, capacity, 1, written) >>> 0;
      if (u8.byteLength === 0) refresh();
    }
    lowered = written;
    return ptr;
  }

  function liftString(ptr: number, len: number): string {
    return utf8Decoder.decode(u8.subarray(ptr, ptr + len));
  }

  const imports = {
    "bench:host/host": {
      "take-u32"(x: number): void {
        host.takeU32(x >>> 0);
      },
      "take-string"(ptr: number, len: number): void {
        if (u8.byteLength === 0) refresh();
        host.takeString(liftString(ptr >>> 0, len >>> 0));
      },
    },
  };
  const { exports } = await WebAssembly.instantiate(module, imports);
  const memory = exports.memory as WebAssembly.Memory;
  const realloc = exports.cabi_realloc as CoreFn;
  const noopCore = exports.noop as CoreFn;
  const addCore = exports.add as CoreFn;
  const echoCore = exports.echo as CoreFn;
  const echoPost = exports.cabi_post_echo as CoreFn;
  const sumCore = exports.sum as CoreFn;
  const echoBytesCore = exports["echo-bytes"] as CoreFn;
  const echoBytesPost = exports["cabi_post_echo-bytes"] as CoreFn;
  const textCore = exports.text as CoreFn;
  const textPost = exports.cabi_post_text as CoreFn;
  const pointsCore = exports.points as CoreFn;
  const pointsPost = exports.cabi_post_points as CoreFn;
  const callU32Core = exports["call-u32"] as CoreFn;
  const callStringCore = exports["call-string"] as CoreFn;
  refresh();

  return {
    noop(): void {
      noopCore();
    },
    add(a: number, b: number): number {
      if (a >>> 0 !== a) throw new TypeError("a must be a u32");
      if (b >>> 0 !== b) throw new TypeError("b must be a u32");
      return addCore(a, b) >>> 0;
    },
    echo(s: string): string {
      const ptr = lowerString(s);
      const ret = echoCore(ptr, lowered) >>> 0;
      if (u8.byteLength === 0) refresh();
      const result = liftString(dv.getUint32(ret, true), dv.getUint32(ret + 4, true));
      echoPost(ret);
      return result;
    },
    sum(xs: Uint32Array | number[]): number {
      let ptr: number;
      if (xs instanceof Uint32Array) {
        ptr = realloc(0, 0, 4, xs.byteLength) >>> 0;
        if (u8.byteLength === 0) refresh();
        u32.set(xs, ptr >>> 2);
      } else {
        if (!Array.isArray(xs)) throw new TypeError("xs must be a Uint32Array or an array");
        ptr = realloc(0, 0, 4, xs.length * 4) >>> 0;
        if (u8.byteLength === 0) refresh();
        const base = ptr >>> 2;
        const len = xs.length;
        const view = u32;
        for (let i = 0; i < len; i++) {
          const x = xs[i];
          if (x >>> 0 !== x) throw new TypeError(`xs[${i}] must be a u32`);
          view[base + i] = x;
        }
      }
      return sumCore(ptr, xs.length) >>> 0;
    },
    echoBytes(bytes: Uint8Array): Uint8Array {
      if (!(bytes instanceof Uint8Array)) throw new TypeError("bytes must be a Uint8Array");
      const ptr = realloc(0, 0, 1, bytes.length) >>> 0;
      if (u8.byteLength === 0) refresh();
      u8.set(bytes, ptr);
      const ret = echoBytesCore(ptr, bytes.length) >>> 0;
      if (u8.byteLength === 0) refresh();
      const at = dv.getUint32(ret, true);
      const result = u8.slice(at, at + dv.getUint32(ret + 4, true));
      echoBytesPost(ret);
      return result;
    },
    text(): string {
      const ret = textCore() >>> 0;
      if (u8.byteLength === 0) refresh();
      const result = liftString(dv.getUint32(ret, true), dv.getUint32(ret + 4, true));
      textPost(ret);
      return result;
    },
    points(): Point[] {
      const ret = pointsCore() >>> 0;
      if (u8.byteLength === 0) refresh();
      const ptr = dv.getUint32(ret, true);
      const len = dv.getUint32(ret + 4, true);
      const result: Point[] = new Array(len);
      for (let i = 0; i < len; i++) {
        const at = ptr + i * 16;
        result[i] = { x: dv.getUint32(at, true), y: dv.getFloat64(at + 8, true) };
      }
      pointsPost(ret);
      return result;
    },
    callU32(x: number): void {
      if (x >>> 0 !== x) throw new TypeError("x must be a u32");
      callU32Core(x);
    },
    callString(): void {
      callStringCore();
    },
  };
}

// -------------------------------------------------------------------- ours

async function ours(module: WebAssembly.Module, host: Host, tmp: string): Promise<Guest> {
  const loaded = loadWitPath(path.join(guestDir, "bench.wit"), { world });
  if (!loaded.ok) throw new Error(renderDiagnostics(loaded.diagnostics));
  const files = await generateTypeScript(loaded.resolve, loaded.world!, { js: true });
  const js = files.find((f) => f.path.endsWith(".js"))!;
  const file = path.join(tmp, "ours", js.path);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, js.contents);
  const mod = (await import(pathToFileURL(file).href)) as {
    instantiate(source: WebAssembly.Module, imports: unknown): Promise<Guest>;
  };
  return mod.instantiate(module, { "bench:host/host": host });
}

// --------------------------------------------------------------------- jco

interface Jco {
  label: string;
  transpile(component: Uint8Array): Promise<Record<string, Uint8Array>>;
}

function packageVersion(name: string): string {
  const file = path.join(root, "node_modules", ...name.split("/"), "package.json");
  return (JSON.parse(fs.readFileSync(file, "utf8")) as { version: string }).version;
}

/** jco's `transpile` if `@bytecodealliance/jco` is installed, else `@bytecodealliance/jco-transpile`'s. */
async function loadJco(): Promise<Jco> {
  const options = { name: "guest", instantiation: "async", emitTypescriptDeclarations: false };
  const jcoName: string = "@bytecodealliance/jco";
  try {
    const jco = (await import(jcoName)) as {
      transpile(component: Uint8Array, opts: object): Promise<{ files: Record<string, Uint8Array> }>;
    };
    return {
      label: `jco ${packageVersion(jcoName)}`,
      transpile: async (component) => (await jco.transpile(component, { ...options })).files,
    };
  } catch (e) {
    if ((e as { code?: string }).code !== "ERR_MODULE_NOT_FOUND") throw e;
  }
  const { transpileBytes } = await import("@bytecodealliance/jco-transpile");
  return {
    label: `jco-transpile ${packageVersion("@bytecodealliance/jco-transpile")}`,
    transpile: async (component) => (await transpileBytes(component, { ...options, instantiation: "async" })).files,
  };
}

async function jcoGlue(jco: Jco, core: Uint8Array, wit: string, host: Host, tmp: string): Promise<Guest> {
  const { componentEmbed, componentNew } = await import("@bytecodealliance/jco-transpile/wasm-tools");
  const embedded = await componentEmbed({ binary: core, witSource: wit, world });
  const component = await componentNew(embedded);
  const files = await jco.transpile(component);
  const dir = path.join(tmp, "jco");
  for (const [name, bytes] of Object.entries(files)) {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, bytes);
  }
  const mod = (await import(pathToFileURL(path.join(dir, "guest.js")).href)) as {
    instantiate(
      getCoreModule: (name: string) => Promise<WebAssembly.Module>,
      imports: Record<string, unknown>,
    ): Promise<Guest>;
  };
  const getCoreModule = (name: string) => {
    const bytes = files[name];
    if (bytes === undefined) throw new Error(`jco asked for an unknown core module ${name}`);
    return WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  };
  return mod.instantiate(getCoreModule, { "bench:host/host": host });
}

// -------------------------------------------------------------- operations

interface Operation {
  name: string;
  /** One call, as a JavaScript expression of `g` (the glue), `x` (the input) and `h` (the host). */
  call: string;
  input?: unknown;
  expected: unknown;
}

/** `pattern` repeated (by code point) to exactly `bytes` bytes of UTF-8, padded with "." if needed. */
function stringOfBytes(pattern: string, bytes: number): string {
  const points = [...pattern];
  let s = "";
  let n = 0;
  for (let i = 0; ; i++) {
    const c = points[i % points.length];
    const size = utf8Encoder.encode(c).length;
    if (n + size > bytes) break;
    s += c;
    n += size;
  }
  s += ".".repeat(bytes - n);
  if (utf8Encoder.encode(s).length !== bytes) throw new Error("stringOfBytes");
  return s;
}

function operations(): Operation[] {
  const ascii16 = stringOfBytes("abcdefghijklmnopqrstuvwxyz", 16);
  const other16 = stringOfBytes("héllo wörld ✓ 😀", 16);
  const ascii1k = stringOfBytes("The quick brown fox jumps over the lazy dog. ", 1024);
  const other1k = stringOfBytes("Grüße aus Köln — ünïcödé ✓ 世界 🦊. ", 1024);
  const numbers = Array.from({ length: 1000 }, (_, i) => i);
  const bytes = new Uint8Array(64 * 1024).map((_, i) => (i * 31) & 0xff);
  const text = Array.from(
    { length: 16 },
    (_, i) => `line ${String(i).padStart(2, "0")}: the quick brown fox jumps over the lazy dog 0123456789\n`,
  ).join("");
  const points = Array.from({ length: 1000 }, (_, i) => ({ x: i, y: i / 2 }));
  const sum = numbers.reduce((a, b) => a + b, 0);
  return [
    { name: "noop()", call: "g.noop()", expected: undefined },
    { name: "add(u32, u32) -> u32", call: "g.add(x, 7)", input: 123456789, expected: 123456796 },
    { name: "echo string, 16 B ASCII", call: "g.echo(x)", input: ascii16, expected: ascii16 },
    { name: "echo string, 16 B non-ASCII", call: "g.echo(x)", input: other16, expected: other16 },
    { name: "echo string, 1 KiB ASCII", call: "g.echo(x)", input: ascii1k, expected: ascii1k },
    { name: "echo string, 1 KiB non-ASCII", call: "g.echo(x)", input: other1k, expected: other1k },
    {
      name: "sum list<u32> of 1000, from a Uint32Array",
      call: "g.sum(x)",
      input: new Uint32Array(numbers),
      expected: sum,
    },
    { name: "sum list<u32> of 1000, from an Array", call: "g.sum(x)", input: numbers, expected: sum },
    { name: "echo list<u8> of 64 KiB", call: "g.echoBytes(x)", input: bytes, expected: bytes },
    { name: "string out, 1 KiB (static)", call: "g.text()", expected: text },
    { name: "list<record { x: u32, y: f64 }> of 1000 out", call: "g.points()", expected: points },
    { name: "import call with a u32", call: "(g.callU32(x), h.lastU32)", input: 4000000000, expected: 4000000000 },
    {
      name: "import call with a 23 B string",
      call: "(g.callString(), h.lastString)",
      expected: "hello from the guest :)",
    },
  ];
}

type Runner = (g: Guest, x: unknown, h: Host, n: number) => unknown;

/**
 * A loop of `n` calls. Each glue and operation gets its own compiled copy so
 * that no call site (and its type feedback) is shared between the glues: the
 * source differs by the glue's name, so V8's cache of compiled `Function`
 * bodies cannot hand out one copy twice.
 */
function runner(op: Operation, glue: string): Runner {
  const body = `// ${glue}: ${op.name}\nlet r;\nfor (let i = 0; i < n; i++) r = ${op.call};\nreturn r;`;
  return new Function("g", "x", "h", "n", body) as Runner;
}

function describe(v: unknown): string {
  if (v instanceof Uint8Array) return `Uint8Array(${v.length})`;
  if (Array.isArray(v))
    return `Array(${v.length}) [${v
      .slice(0, 2)
      .map((e) => JSON.stringify(e))
      .join(", ")}, …]`;
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}

// -------------------------------------------------------------------- main

interface Glue {
  name: "ours" | "hand-written" | "jco";
  guest: Guest;
  host: Host;
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const time = Number(option("--time") ?? 1500);
  const only = option("--only");
  const { parse } = await import("@bytecodealliance/jco-transpile/wasm-tools");
  const wit = fs.readFileSync(path.join(guestDir, "bench.wit"), "utf8");
  const core = await parse(fs.readFileSync(path.join(guestDir, "bench.wat"), "utf8"));
  const module = await WebAssembly.compile(core as Uint8Array<ArrayBuffer>);
  const jco = await loadJco();

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "witx-bench-host-"));
  let glues: Glue[];
  try {
    const hosts = [makeHost(), makeHost(), makeHost()];
    glues = [
      { name: "ours", guest: await ours(module, hosts[0], tmp), host: hosts[0] },
      { name: "hand-written", guest: await handWritten(module, hosts[1]), host: hosts[1] },
      { name: "jco", guest: await jcoGlue(jco, core, wit, hosts[2], tmp), host: hosts[2] },
    ];
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  const ops = operations().filter((op) => only === undefined || op.name.includes(only));

  // Same results first (not timed).
  const wrong = new Map<string, string>();
  for (const op of ops) {
    for (const glue of glues) {
      let actual: unknown;
      try {
        actual = runner(op, `${glue.name} (check)`)(glue.guest, op.input, glue.host, 1);
      } catch (e) {
        actual = e;
      }
      if (isDeepStrictEqual(actual, op.expected)) continue;
      const message = `${op.name}: ${glue.name} gave ${actual instanceof Error ? actual.message : describe(actual)}, expected ${describe(op.expected)}`;
      if (glue.name !== "jco") throw new Error(message);
      wrong.set(op.name, message);
      console.log(`(not timed) ${message}`);
    }
  }

  const rows: string[][] = [];
  const over: string[] = [];
  for (const op of ops) {
    const run = new Map(glues.map((g) => [g.name, runner(op, g.name)]));
    // The batch size: enough calls for a hand-written batch of about BATCH_MS.
    const hand = glues[1];
    const handRun = run.get("hand-written")!;
    let n = 1;
    for (;;) {
      const t0 = performance.now();
      handRun(hand.guest, op.input, hand.host, n);
      if (performance.now() - t0 >= BATCH_MS || n >= 1 << 20) break;
      n *= 2;
    }
    const bench = new Bench({ time, warmupTime: Math.max(100, time / 3) });
    for (const glue of glues) {
      if (glue.name === "jco" && wrong.has(op.name)) continue;
      const f = run.get(glue.name)!;
      const { guest, host } = glue;
      const input = op.input;
      bench.add(
        glue.name,
        () => {
          const t0 = performance.now();
          f(guest, input, host, n);
          const ms = performance.now() - t0;
          return { overriddenDuration: ms / n, overriddenIterationCost: ms };
        },
        { async: false },
      );
    }
    await bench.run();
    const median = (name: string): number | undefined => {
      const result = bench.tasks.find((t) => t.name === name)?.result as { latency?: { p50: number } } | undefined;
      return result?.latency === undefined ? undefined : result.latency.p50 * 1e6;
    };
    const [o, h, j] = [median("ours"), median("hand-written"), median("jco")];
    const ns = (x: number | undefined) => (x === undefined ? "-" : x < 100 ? x.toFixed(1) : x.toFixed(0));
    const ratio = (a: number | undefined) => (a === undefined || h === undefined ? "-" : `${(a / h).toFixed(2)}×`);
    if (o !== undefined && h !== undefined && o / h > TARGET) over.push(op.name);
    rows.push([
      op.name,
      ns(o),
      ns(h),
      wrong.has(op.name) ? "wrong result" : ns(j),
      ratio(o) + (o !== undefined && h !== undefined && o / h > TARGET ? " ⚠" : ""),
      wrong.has(op.name) ? "-" : ratio(j),
    ]);
    console.error(`${op.name}: done (batches of ${n})`);
  }

  console.log();
  console.log(
    `Host glue, ns per call (median of per-batch means; node ${process.version}, ${os.cpus()[0]?.model ?? "unknown CPU"}; ${time} ms per task).`,
  );
  console.log(`jco column: ${jco.label} (instantiation: "async", other options default).`);
  console.log();
  console.log(`| operation | ours | hand-written | jco | ours/hand-written | jco/hand-written |`);
  console.log(`|---|---:|---:|---:|---:|---:|`);
  for (const r of rows) console.log(`| ${r.join(" | ")} |`);
  console.log();
  console.log(
    `Target: every operation of ours within ${TARGET}× of hand-written. ` +
      (over.length === 0 ? "All are." : `Over it (⚠): ${over.join("; ")}.`),
  );
}

await main();
