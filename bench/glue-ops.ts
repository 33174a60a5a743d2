/**
 * What the host benchmarks share: the `bench` world's exports as every glue
 * presents them, the host's side of its import, the hand-written glue (the
 * minimal correct glue a careful engineer writes by hand for the guest core
 * module), jco's transpile, the operations and the timing loop.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const guestDir = path.join(root, "bench", "guests");
export const world = "bench";

/** The wall time a hand-written batch should take, in ms. */
const BATCH_MS = 0.25;

export interface Point {
  x: number;
  y: number;
}

/** The world's exports, as all three glues present them. */
export interface Guest {
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
export interface Host {
  takeU32(x: number): void;
  takeString(s: string): void;
  lastU32: number;
  lastString: string;
}

/** A host whose functions work unbound too (jco calls them without a receiver). */
export function makeHost(): Host {
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
 * views when memory grows, canonicalises NaNs it lifts. It also does what the
 * canonical ABI requires of any glue, as cheaply as it can be written: a
 * call may not enter the instance while another runs, nor after a trap (one
 * `state` number: a call that throws out of the guest leaves it set, which
 * refuses later calls); the guest may not call out from `cabi_realloc` or
 * `cabi_post_*`, nor outside a call; pointers the guest gives (its return
 * area, strings, lists, what `cabi_realloc` returns) are checked to be
 * aligned and within memory. No per-call closures, no try/finally.
 */
export async function handWritten(module: WebAssembly.Module, host: Host): Promise<Guest> {
  let u8 = new Uint8Array(0);
  let u32 = new Uint32Array(0);
  let dv = new DataView(u8.buffer);
  let lowered = 0;
  // 0: idle; 1: in a call; 2: trapped; 3: in cabi_realloc or cabi_post_*.
  let state = 0;

  function refresh(): void {
    u8 = new Uint8Array(memory.buffer);
    u32 = new Uint32Array(memory.buffer);
    dv = new DataView(memory.buffer);
  }

  function trap(message: string): never {
    state = 2;
    throw new Error(message);
  }

  function cannotEnter(): never {
    if (state === 2) throw new Error("the instance trapped earlier");
    trap("the instance was entered again");
  }

  function cannotLeave(): never {
    trap("the guest may not call out now");
  }

  /** `cabi_realloc(0, 0, align, size)`, checked. */
  function alloc(align: number, size: number): number {
    state = 3;
    const ptr = realloc(0, 0, align, size) >>> 0;
    state = 1;
    if (u8.byteLength === 0) refresh();
    if ((ptr & (align - 1)) !== 0 || ptr + size > u8.byteLength) trap("bad pointer from cabi_realloc");
    return ptr;
  }

  /** A pointer the guest gave to `size` bytes aligned to `align`, checked. */
  function checked(ptr: number, size: number, align: number): number {
    ptr >>>= 0;
    if ((ptr & (align - 1)) !== 0 || ptr + size > u8.byteLength) trap("bad pointer from the guest");
    return ptr;
  }

  function lowerString(s: string): number {
    if (typeof s !== "string") throw new TypeError("expected a string");
    // The worst case, then the exact size: guests' allocators may rely on
    // the size given to `cabi_realloc` when they free the string.
    const capacity = s.length * 3;
    let ptr = alloc(1, capacity);
    const written = utf8Encoder.encodeInto(s, u8.subarray(ptr, ptr + capacity)).written;
    if (written < capacity) {
      state = 3;
      ptr = realloc(ptr, capacity, 1, written) >>> 0;
      state = 1;
      if (u8.byteLength === 0) refresh();
      if (ptr + written > u8.byteLength) trap("bad pointer from cabi_realloc");
    }
    lowered = written;
    return ptr;
  }

  function liftString(ptr: number, len: number): string {
    checked(ptr, len, 1);
    return utf8Decoder.decode(u8.subarray(ptr, ptr + len));
  }

  const imports = {
    "bench:host/host": {
      "take-u32"(x: number): void {
        if (state !== 1) cannotLeave();
        host.takeU32(x >>> 0);
      },
      "take-string"(ptr: number, len: number): void {
        if (state !== 1) cannotLeave();
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

  /** Calls `post` (a `cabi_post_*`) with `ret`, during which the guest may not call out, and leaves the instance. */
  function postReturn(post: CoreFn, ret: number): void {
    state = 3;
    post(ret);
    state = 0;
  }

  /** The (pointer, length) pair at the return area `ret`, checked. */
  function returnedRange(ret: number, size: number, align: number): number {
    ret = checked(ret, 8, 4);
    const ptr = dv.getUint32(ret, true);
    lowered = dv.getUint32(ret + 4, true);
    return checked(ptr, lowered * size, align);
  }

  return {
    noop(): void {
      if (state !== 0) cannotEnter();
      state = 1;
      noopCore();
      state = 0;
    },
    add(a: number, b: number): number {
      if (state !== 0) cannotEnter();
      if (a >>> 0 !== a) throw new TypeError("a must be a u32");
      if (b >>> 0 !== b) throw new TypeError("b must be a u32");
      state = 1;
      const result = addCore(a, b) >>> 0;
      state = 0;
      return result;
    },
    echo(s: string): string {
      if (state !== 0) cannotEnter();
      state = 1;
      const ptr = lowerString(s);
      const ret = echoCore(ptr, lowered);
      if (u8.byteLength === 0) refresh();
      const at = returnedRange(ret, 1, 1);
      const result = liftString(at, lowered);
      postReturn(echoPost, ret);
      return result;
    },
    sum(xs: Uint32Array | number[]): number {
      if (state !== 0) cannotEnter();
      let ptr: number;
      if (xs instanceof Uint32Array) {
        state = 1;
        ptr = alloc(4, xs.byteLength);
        u32.set(xs, ptr >>> 2);
      } else {
        if (!Array.isArray(xs)) throw new TypeError("xs must be a Uint32Array or an array");
        state = 1;
        ptr = alloc(4, xs.length * 4);
        const base = ptr >>> 2;
        const len = xs.length;
        const view = u32;
        for (let i = 0; i < len; i++) {
          const x = xs[i];
          if (x >>> 0 !== x) {
            state = 0;
            throw new TypeError(`xs[${i}] must be a u32`);
          }
          view[base + i] = x;
        }
      }
      const result = sumCore(ptr, xs.length) >>> 0;
      state = 0;
      return result;
    },
    echoBytes(bytes: Uint8Array): Uint8Array {
      if (state !== 0) cannotEnter();
      if (!(bytes instanceof Uint8Array)) throw new TypeError("bytes must be a Uint8Array");
      state = 1;
      const ptr = alloc(1, bytes.length);
      u8.set(bytes, ptr);
      const ret = echoBytesCore(ptr, bytes.length);
      if (u8.byteLength === 0) refresh();
      const at = returnedRange(ret, 1, 1);
      const result = u8.slice(at, at + lowered);
      postReturn(echoBytesPost, ret);
      return result;
    },
    text(): string {
      if (state !== 0) cannotEnter();
      state = 1;
      const ret = textCore();
      if (u8.byteLength === 0) refresh();
      const at = returnedRange(ret, 1, 1);
      const result = liftString(at, lowered);
      postReturn(textPost, ret);
      return result;
    },
    points(): Point[] {
      if (state !== 0) cannotEnter();
      state = 1;
      const ret = pointsCore();
      if (u8.byteLength === 0) refresh();
      const ptr = returnedRange(ret, 16, 8);
      const len = lowered;
      const result: Point[] = new Array(len);
      for (let i = 0; i < len; i++) {
        const at = ptr + i * 16;
        // Canonical NaN as a constant (`NaN` is a global load, which keeps V8 from unboxing).
        const y = dv.getFloat64(at + 8, true);
        result[i] = { x: dv.getUint32(at, true), y: y === y ? y : 0 / 0 };
      }
      postReturn(pointsPost, ret);
      return result;
    },
    callU32(x: number): void {
      if (state !== 0) cannotEnter();
      if (x >>> 0 !== x) throw new TypeError("x must be a u32");
      state = 1;
      callU32Core(x);
      state = 0;
    },
    callString(): void {
      if (state !== 0) cannotEnter();
      state = 1;
      callStringCore();
      state = 0;
    },
  };
}

// --------------------------------------------------------------------- jco

export interface Jco {
  label: string;
  transpile(component: Uint8Array): Promise<Record<string, Uint8Array>>;
}

export function packageVersion(name: string): string {
  const file = path.join(root, "node_modules", ...name.split("/"), "package.json");
  return (JSON.parse(fs.readFileSync(file, "utf8")) as { version: string }).version;
}

/** jco's `transpile` if `@bytecodealliance/jco` is installed, else `@bytecodealliance/jco-transpile`'s. */
export async function loadJco(): Promise<Jco> {
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

// -------------------------------------------------------------- operations

export interface Operation {
  name: string;
  /** One call, as a JavaScript expression of `g` (the glue), `x` (the input) and `h` (the host). */
  call: string;
  input?: unknown;
  expected: unknown;
}

/** `pattern` repeated (by code point) to exactly `bytes` bytes of UTF-8, padded with "." if needed. */
export function stringOfBytes(pattern: string, bytes: number): string {
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

export function operations(): Operation[] {
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

export type Runner = (g: Guest, x: unknown, h: Host, n: number) => unknown;

/**
 * A loop of `n` calls. Each glue and operation gets its own compiled copy so
 * that no call site (and its type feedback) is shared between the glues: the
 * source differs by the glue's name, so V8's cache of compiled `Function`
 * bodies cannot hand out one copy twice.
 */
export function runner(op: Operation, glue: string): Runner {
  const body = `// ${glue}: ${op.name}\nlet r;\nfor (let i = 0; i < n; i++) r = ${op.call};\nreturn r;`;
  return new Function("g", "x", "h", "n", body) as Runner;
}

export function describe(v: unknown): string {
  if (v instanceof Uint8Array) return `Uint8Array(${v.length})`;
  if (Array.isArray(v))
    return `Array(${v.length}) [${v
      .slice(0, 2)
      .map((e) => JSON.stringify(e))
      .join(", ")}, …]`;
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}

// ------------------------------------------------------------------ timing

/** One glue of the guest, as a benchmark compares them. */
export interface Glue {
  name: string;
  guest: Guest;
  host: Host;
  /** A glue whose wrong results are reported and left untimed (a peer's), rather than fatal. */
  peer?: boolean;
}

export interface Timing {
  /**
   * Per operation: its name; the median ns per call of each glue (undefined
   * when not timed); and each glue's ratio to the reference, the median of
   * the ratios measured in the same round.
   */
  rows: { op: string; ns: Map<string, number | undefined>; ratio: Map<string, number>; wrong: Set<string> }[];
}

const median = (xs: number[]): number => {
  const a = [...xs].sort((x, y) => x - y);
  return a.length % 2 ? a[a.length >> 1]! : (a[a.length / 2 - 1]! + a[a.length / 2]!) / 2;
};

/**
 * Checks that every glue gives the expected result of every operation, then
 * times each operation through each glue. A sample is the mean time per call
 * of a batch (sized so that a batch of `reference` takes about 0.25 ms, the
 * same for every glue). The glues take turns, one batch each per round, so
 * that a slow spell of the machine (frequency changes, another process)
 * falls on all of them alike; the ratio to the reference is the median of
 * the per-round ratios. Peers (jco) take their turns with the reference in
 * rounds of their own. Rounds run for about `time` ms per glue, after a
 * third of that as warm-up.
 */
export async function timeOperations(
  glues: Glue[],
  ops: Operation[],
  reference: string,
  time: number,
): Promise<Timing> {
  const wrong = new Map<string, Set<string>>();
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
      if (!glue.peer) throw new Error(message);
      const set = wrong.get(op.name) ?? new Set<string>();
      set.add(glue.name);
      wrong.set(op.name, set);
      console.log(`(not timed) ${message}`);
    }
  }
  const rows: Timing["rows"] = [];
  for (const op of ops) {
    const skip = wrong.get(op.name) ?? new Set<string>();
    const timed = glues.filter((g) => !skip.has(g.name));
    const run = new Map(timed.map((g) => [g.name, runner(op, g.name)]));
    const ref = timed.find((g) => g.name === reference)!;
    const refRun = run.get(reference)!;
    let n = 1;
    for (;;) {
      const t0 = performance.now();
      refRun(ref.guest, op.input, ref.host, n);
      if (performance.now() - t0 >= BATCH_MS || n >= 1 << 20) break;
      n *= 2;
    }
    const batch = (g: Glue): number => {
      const t0 = performance.now();
      run.get(g.name)!(g.guest, op.input, g.host, n);
      return ((performance.now() - t0) * 1e6) / n;
    };
    const samples = new Map<string, number[]>(timed.map((g) => [g.name, []]));
    const ratios = new Map<string, number[]>(timed.map((g) => [g.name, []]));
    // The glues under test take turns with the reference, a peer's (jco's,
    // whose allocations would otherwise land on whichever glue runs next)
    // apart; within a group the order reverses every round, so each glue
    // follows the other as often.
    const ours = timed.filter((g) => !g.peer);
    const groups = [ours, ...timed.filter((g) => g.peer).map((p) => [ref, p])];
    for (const group of groups) {
      const warmUntil = performance.now() + Math.max(100, time / 3) * group.length;
      while (performance.now() < warmUntil) for (const g of group) batch(g);
      const until = performance.now() + time * group.length;
      for (let round = 0; round < 20 || performance.now() < until; round++) {
        const order = round % 2 === 0 ? group : [...group].reverse();
        const ns = new Map(order.map((g) => [g.name, batch(g)]));
        const r = ns.get(reference)!;
        for (const [name, x] of ns) {
          if (group !== ours && name === reference) continue;
          samples.get(name)!.push(x);
          ratios.get(name)!.push(x / r);
        }
      }
    }
    const ns = new Map<string, number | undefined>(glues.map((g) => [g.name, undefined]));
    const ratio = new Map<string, number>();
    for (const g of timed) {
      ns.set(g.name, median(samples.get(g.name)!));
      ratio.set(g.name, median(ratios.get(g.name)!));
    }
    rows.push({ op: op.name, ns, ratio, wrong: skip });
    console.error(`${op.name}: done (batches of ${n}, ${samples.get(reference)!.length} rounds)`);
  }
  return { rows };
}

/**
 * Prints the table of `rows` (glues "ours", "hand-written" and "jco"), the
 * ratios being the per-round medians, and the operations over `target`.
 */
export function printGlueTable(rows: Timing["rows"], title: string[], target: number): void {
  console.log();
  for (const line of title) console.log(line);
  console.log();
  console.log(`| operation | ours | hand-written | jco | ours/hand-written | jco/hand-written |`);
  console.log(`|---|---:|---:|---:|---:|---:|`);
  const over: string[] = [];
  for (const r of rows) {
    const [o, h, j] = [r.ns.get("ours"), r.ns.get("hand-written"), r.ns.get("jco")];
    const ratio = (glue: string) => {
      const x = r.ratio.get(glue);
      return x === undefined ? "-" : `${x.toFixed(2)}×`;
    };
    const bad = (r.ratio.get("ours") ?? 0) > target;
    if (bad) over.push(r.op);
    const jcoCell = r.wrong.has("jco") ? "wrong result" : formatNs(j);
    console.log(
      `| ${[r.op, formatNs(o), formatNs(h), jcoCell, ratio("ours") + (bad ? " ⚠" : ""), ratio("jco")].join(" | ")} |`,
    );
  }
  console.log();
  console.log(
    `Target: every operation of ours within ${target}× of hand-written (the median of the ratios measured in the same round). ` +
      (over.length === 0 ? "All are." : `Over it (⚠): ${over.join("; ")}.`),
  );
}

/** `123`, `45.6`, or `-`. */
export function formatNs(x: number | undefined): string {
  return x === undefined ? "-" : x < 100 ? x.toFixed(1) : x.toFixed(0);
}

/** A command-line option's value. */
export function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

export function describeMachine(time: number): string {
  return `node ${process.version}, ${os.cpus()[0]?.model ?? "unknown CPU"}; ${time} ms per task`;
}

/** Writes `files` (name → bytes) under `dir`. */
export function writeFiles(dir: string, files: Record<string, Uint8Array | string>): void {
  for (const [name, bytes] of Object.entries(files)) {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, bytes);
  }
}
