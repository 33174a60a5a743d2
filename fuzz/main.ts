/**
 * `npm run fuzz -- [--count N] [--seed S] [--hang-ms M] [--slow-ms M] [--format-every K]`
 *
 * Runs N (default 100,000) generated and mutated WIT inputs (the generators
 * of `wit-inputs.ts`, as in the property test) through `parseWitFile` and
 * `loadWitText` (parse and resolve), and every world of the inputs that
 * resolve through the TypeScript, Rust and C generators. The TypeScript host
 * module is generated for every world, but formatted with prettier (what
 * `generateTypeScript` adds, some 0.5 s a world for the runtime it carries)
 * only for every K-th world (default 100). The inputs run in a
 * worker thread; before each input (and each generator) the worker writes
 * the input and the stage into shared memory, so that the main thread's
 * watchdog can name and print an input that hangs (no progress for
 * `--hang-ms`, default 10 s) after stopping the worker.
 *
 * Reported: the count, the throughput, the time in each stage, the slowest
 * input (printed, truncated), and every input whose parse and resolve take
 * over `--slow-ms` (default 100 ms), and how many take that long with the
 * generators. An input over `--slow-ms` is parsed and resolved twice more
 * and its best time counts, so that a slow input is one that is slow every
 * time, not one that met a garbage collection or a busy machine. Exit status:
 * 0 when every input ends with a result or with diagnostics that all have a
 * location (or are wit-parser's known span-less messages); 1 when an input
 * throws (or a generator throws anything but its "unsupported world" error),
 * or a diagnostic has no location; 2 on a hang or a crashed worker.
 */
import { performance } from "node:perf_hooks";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import fc from "fast-check";
import { generateTsWorld, unsupportedReason } from "../generators/ts/world.js";
import {
  generateC,
  generateRust,
  generateTypeScript,
  loadWitText,
  parseWitFile,
  UnsupportedCWorldError,
  UnsupportedRustWorldError,
  UnsupportedWorldError,
  type Diagnostic,
  type LoadOptions,
} from "../index.js";
import {
  documentArb,
  mutatedSeedArb,
  optionsArb,
  packageNestingArb,
  randomStringArb,
  SEEDS,
  SPANLESS_MESSAGES,
  spanInText,
  tokenStreamArb,
  typeNestingArb,
} from "./wit-inputs.js";

const FILE_NAME = "fuzz.wit";
/** Inputs generated at a time, each batch from its own seed (`seed + batch`). */
const BATCH = 1000;
/** Bytes of shared memory for the current input's text (a longer input is kept truncated). */
const TEXT_BYTES = 1 << 20;
const STAGES = ["parse and resolve", "TypeScript generation", "Rust generation", "C generation"] as const;
/** Characters of an input printed in a report. */
const SHOWN = 400;

interface Options {
  count: number;
  seed: number;
  hangMs: number;
  slowMs: number;
  formatEvery: number;
}

interface Input {
  group: string;
  text: string;
  options: LoadOptions;
}

/** One input, as reported. */
interface Timed {
  index: number;
  group: string;
  /**
   * Parse and resolve. For an input over `slowMs` the first time, the best
   * of that and two more runs, so that a collection or another process's
   * burst of work at that moment does not mark it slow.
   */
  frontMs: number;
  /** The first run's parse and resolve, when the input was run again. */
  firstFrontMs?: number;
  /** Parse, resolve and generation. */
  ms: number;
  text: string;
}

interface Failure {
  index: number;
  group: string;
  stage: string;
  text: string;
  error: string;
}

interface Summary {
  count: number;
  ms: number;
  groups: Record<string, { inputs: number; resolved: number; withDiagnostics: number; worlds: number }>;
  generated: { ts: number; tsFormatted: number; rust: number; c: number; unsupported: number };
  /** Milliseconds spent in each of `STAGES`. */
  stageMs: number[];
  slowest: Timed | undefined;
  slowestFront: Timed | undefined;
  /** Inputs whose parse and resolve take over `slowMs` (the first 100). */
  slow: Timed[];
  slowFrontCount: number;
  /** Inputs that take over `slowMs` with generation. */
  slowWithGeneration: number;
  failures: Failure[];
}

type Message = { kind: "progress"; done: number } | { kind: "done"; summary: Summary };

/** The five groups of the property test, in its proportions (4,000 : 4,000 : 2,000 : 1,500 : 1,000). */
const inputArb: fc.Arbitrary<Input> = fc
  .tuple(
    fc.oneof(
      { weight: 8, arbitrary: mutatedSeedArb.map((text) => ["(a) mutations", text] as const) },
      { weight: 8, arbitrary: tokenStreamArb.map((text) => ["(b) token streams", text] as const) },
      { weight: 4, arbitrary: randomStringArb.map((text) => ["(c) unicode strings", text] as const) },
      { weight: 3, arbitrary: documentArb.map((text) => ["(d) valid-syntax documents", text] as const) },
      {
        weight: 2,
        arbitrary: fc.oneof(typeNestingArb, packageNestingArb).map((text) => ["(e) near-limit nesting", text] as const),
      },
    ),
    optionsArb,
  )
  .map(([[group, text], options]) => ({ group, text, options: group.startsWith("(c)") ? {} : options }));

function parseArgs(argv: string[]): Options {
  const options: Options = { count: 100_000, seed: 20240611, hangMs: 10_000, slowMs: 100, formatEvery: 100 };
  const keys: Record<string, keyof Options> = {
    "--count": "count",
    "--seed": "seed",
    "--hang-ms": "hangMs",
    "--slow-ms": "slowMs",
    "--format-every": "formatEvery",
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split("=", 2);
    const key = keys[flag];
    const value = Number(inline ?? argv[++i]);
    if (!key || !Number.isInteger(value) || value < 0) {
      console.error(
        `usage: npm run fuzz -- [--count N] [--seed S] [--hang-ms M] [--slow-ms M] [--format-every K] (bad: ${argv[i]})`,
      );
      process.exit(64);
    }
    options[key] = value;
  }
  return options;
}

function shown(text: string): string {
  const cut = text.length > SHOWN ? `${text.slice(0, SHOWN)}… (${text.length} characters in all)` : text;
  return cut
    .split("\n")
    .map((l) => `      | ${JSON.stringify(l).slice(1, -1)}`)
    .join("\n");
}

// ---------------------------------------------------------------------------
// The worker: runs the inputs.
// ---------------------------------------------------------------------------

/** Shared with the main thread: [input index, stage, text length in bytes], then the text. */
class Beacon {
  readonly header: Int32Array;
  readonly bytes: Uint8Array;
  private readonly encoder = new TextEncoder();

  constructor(readonly buffer: SharedArrayBuffer) {
    this.header = new Int32Array(buffer, 0, 3);
    this.bytes = new Uint8Array(buffer, 12);
  }

  begin(index: number, text: string): void {
    const { written } = this.encoder.encodeInto(text.slice(0, TEXT_BYTES / 3), this.bytes);
    Atomics.store(this.header, 2, written);
    Atomics.store(this.header, 1, 0);
    Atomics.store(this.header, 0, index);
  }

  stage(stage: number): void {
    Atomics.store(this.header, 1, stage);
  }

  read(): { index: number; stage: string; text: string } {
    const length = Atomics.load(this.header, 2);
    return {
      index: Atomics.load(this.header, 0),
      stage: STAGES[Atomics.load(this.header, 1)] ?? "?",
      text: new TextDecoder().decode(this.bytes.slice(0, length)),
    };
  }
}

/** What is wrong with a failed load's diagnostics, if anything. */
function diagnosticProblem(diagnostics: Diagnostic[], text: string): string | undefined {
  if (diagnostics.length === 0) return "a failed load without diagnostics";
  for (const d of diagnostics) {
    if (!d.message) return "a diagnostic without a message";
    if (d.span === undefined) {
      if (SPANLESS_MESSAGES.some((re) => re.test(d.message))) continue;
      return `a diagnostic without a span: ${d.message}`;
    }
    if (!spanInText(d.span, text)) return `a diagnostic span outside the text: ${JSON.stringify(d.span)} ${d.message}`;
    if (!d.location) return `a diagnostic without a location: ${d.message}`;
  }
  return undefined;
}

function describeError(e: unknown): string {
  if (e instanceof Error) return (e.stack ?? `${e.name}: ${e.message}`).split("\n").slice(0, 8).join("\n");
  return String(e);
}

async function runWorker(options: Options, beacon: Beacon): Promise<Summary> {
  const summary: Summary = {
    count: 0,
    ms: 0,
    groups: {},
    generated: { ts: 0, tsFormatted: 0, rust: 0, c: 0, unsupported: 0 },
    stageMs: STAGES.map(() => 0),
    slowest: undefined,
    slowestFront: undefined,
    slow: [],
    slowFrontCount: 0,
    slowWithGeneration: 0,
    failures: [],
  };
  const fail = (index: number, input: Input, stage: number, error: string) => {
    if (summary.failures.length < 20)
      summary.failures.push({ index, group: input.group, stage: STAGES[stage], text: input.text, error });
  };

  let worlds = 0;
  /** Runs one input; returns the milliseconds of its parse and resolve. */
  const runOne = async (index: number, input: Input): Promise<number> => {
    const group = (summary.groups[input.group] ??= { inputs: 0, resolved: 0, withDiagnostics: 0, worlds: 0 });
    group.inputs++;
    beacon.begin(index, input.text);
    let stage = 0;
    const begun = performance.now();
    let t = begun;
    const front = () => performance.now() - begun;
    const next = (s: number) => {
      const now = performance.now();
      summary.stageMs[stage] += now - t;
      t = now;
      beacon.stage((stage = s));
    };
    try {
      const parsed = parseWitFile(input.text);
      for (const p of parsed.problems) {
        if (!spanInText(p.span, input.text)) fail(index, input, 0, `a syntax problem outside the text: ${p.message}`);
      }
      const result = loadWitText(input.text, { ...input.options, fileName: FILE_NAME });
      if (!result.ok) {
        group.withDiagnostics++;
        const problem = diagnosticProblem(result.diagnostics, input.text);
        if (problem) fail(index, input, 0, problem);
        return front();
      }
      group.resolved++;
      const frontMs = front();
      for (const world of result.resolve.packages[result.package].worlds.values()) {
        group.worlds++;
        next(1);
        try {
          if (worlds++ % options.formatEvery === 0) {
            await generateTypeScript(result.resolve, world);
            summary.generated.tsFormatted++;
          } else {
            const reason = unsupportedReason(result.resolve, world);
            if (reason) throw new UnsupportedWorldError(reason);
            generateTsWorld(result.resolve, world, { encoding: "utf8", generator: "witx-bindgen" });
          }
          summary.generated.ts++;
        } catch (e) {
          if (!(e instanceof UnsupportedWorldError)) throw e;
          summary.generated.unsupported++;
        }
        next(2);
        try {
          generateRust(result.resolve, world);
          summary.generated.rust++;
        } catch (e) {
          if (!(e instanceof UnsupportedRustWorldError)) throw e;
          summary.generated.unsupported++;
        }
        next(3);
        try {
          generateC(result.resolve, world);
          summary.generated.c++;
        } catch (e) {
          if (!(e instanceof UnsupportedCWorldError)) throw e;
          summary.generated.unsupported++;
        }
        next(0);
      }
      return frontMs;
    } catch (e) {
      fail(index, input, stage, describeError(e));
      return front();
    } finally {
      summary.stageMs[stage] += performance.now() - t;
    }
  };

  // Warm-up (not counted): the seed documents, so that loading the
  // generators' dependencies is not charged to the first inputs.
  for (const text of SEEDS) {
    const r = loadWitText(text, { fileName: FILE_NAME });
    if (!r.ok) continue;
    for (const w of r.resolve.packages[r.package].worlds.values()) {
      await generateTypeScript(r.resolve, w).catch(() => undefined);
      for (const gen of [generateRust, generateC]) {
        try {
          gen(r.resolve, w);
        } catch {
          // reported in the counted run, if it happens there
        }
      }
    }
  }

  const start = performance.now();
  for (let batch = 0; summary.count < options.count; batch++) {
    const n = Math.min(BATCH, options.count - summary.count);
    const inputs = fc.sample(inputArb, { seed: options.seed + batch, numRuns: n });
    for (const input of inputs) {
      const index = summary.count++;
      const t0 = performance.now();
      let frontMs = await runOne(index, input);
      const ms = performance.now() - t0;
      const timed: Timed = { index, group: input.group, frontMs, ms, text: input.text };
      if (frontMs > options.slowMs) {
        timed.firstFrontMs = frontMs;
        for (let again = 0; again < 2; again++) {
          beacon.begin(index, input.text);
          const t1 = performance.now();
          parseWitFile(input.text);
          loadWitText(input.text, { ...input.options, fileName: FILE_NAME });
          frontMs = Math.min(frontMs, performance.now() - t1);
        }
        timed.frontMs = frontMs;
      }
      if (summary.slowest === undefined || ms > summary.slowest.ms) summary.slowest = timed;
      if (summary.slowestFront === undefined || frontMs > summary.slowestFront.frontMs) summary.slowestFront = timed;
      if (ms > options.slowMs) summary.slowWithGeneration++;
      if (frontMs > options.slowMs && summary.slowFrontCount++ < 100) summary.slow.push(timed);
    }
    parentPort!.postMessage({ kind: "progress", done: summary.count } satisfies Message);
  }
  summary.ms = performance.now() - start;
  return summary;
}

// ---------------------------------------------------------------------------
// The main thread: the watchdog and the report.
// ---------------------------------------------------------------------------

function report(options: Options, s: Summary): number {
  const perSecond = s.count / (s.ms / 1000);
  console.log(
    `fuzz: ${s.count} inputs (seed ${options.seed}) in ${(s.ms / 1000).toFixed(1)} s: ${perSecond.toFixed(0)} inputs/s`,
  );
  for (const [group, g] of Object.entries(s.groups).sort()) {
    console.log(
      `  ${group}: ${g.inputs} inputs, ${g.resolved} resolved (${g.worlds} worlds), ${g.withDiagnostics} with diagnostics`,
    );
  }
  const gen = s.generated;
  console.log(
    `  generated: ${gen.ts} TypeScript (${gen.tsFormatted} formatted), ${gen.rust} Rust, ${gen.c} C; ` +
      `${gen.unsupported} refused as unsupported worlds`,
  );
  console.log(`  time: ${STAGES.map((name, i) => `${name} ${(s.stageMs[i] / 1000).toFixed(1)} s`).join(", ")}`);
  const timing = (t: Timed) =>
    `#${t.index} ${t.group}: ${t.frontMs.toFixed(1)} ms to parse and resolve` +
    (t.firstFrontMs === undefined ? "" : ` (best of 3; ${t.firstFrontMs.toFixed(1)} ms the first time)`) +
    `, ${t.ms.toFixed(1)} ms in all`;
  for (const [label, t] of [
    ["slowest input", s.slowest],
    ["slowest to parse and resolve", s.slowestFront],
  ] as const) {
    if (!t) continue;
    console.log(`  ${label}: ${timing(t)}`);
    console.log(shown(t.text));
  }
  console.log(
    `  inputs over ${options.slowMs} ms to parse and resolve (best of 3): ${s.slowFrontCount}` +
      (s.slowFrontCount > 100 ? " (the first 100 listed)" : ""),
  );
  for (const t of s.slow) console.log(`    ${timing(t)}`);
  console.log(`  inputs over ${options.slowMs} ms with generation: ${s.slowWithGeneration}`);
  if (s.failures.length === 0) {
    console.log("  exceptions: none; every failed input has diagnostics with a location");
    return 0;
  }
  console.log(`  FAILURES: ${s.failures.length}${s.failures.length === 20 ? " (first 20 kept)" : ""}`);
  for (const f of s.failures) {
    console.log(`    #${f.index} ${f.group}, during ${f.stage}:\n${f.error.replace(/^/gm, "      ")}`);
    console.log(shown(f.text));
  }
  return 1;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const buffer = new SharedArrayBuffer(12 + TEXT_BYTES);
  const beacon = new Beacon(buffer);
  Atomics.store(beacon.header, 0, -1);
  const worker = new Worker(new URL(import.meta.url), { workerData: { options, buffer } });

  let lastIndex = -1;
  let lastStage = "";
  let since = performance.now();
  let finished = false;
  const stop = (code: number) => {
    finished = true;
    clearInterval(watchdog);
    void worker.terminate().then(() => process.exit(code));
  };
  const watchdog = setInterval(() => {
    const now = beacon.read();
    if (now.index !== lastIndex || now.stage !== lastStage) {
      lastIndex = now.index;
      lastStage = now.stage;
      since = performance.now();
      return;
    }
    if (now.index < 0 || performance.now() - since < options.hangMs) return;
    console.log(`fuzz: HANG: input #${now.index} made no progress for ${options.hangMs} ms, during ${now.stage}`);
    console.log(shown(now.text));
    stop(2);
  }, 100);

  worker.on("message", (m: Message) => {
    if (m.kind === "progress") {
      if (m.done % 10_000 === 0 && m.done < options.count) console.error(`fuzz: ${m.done}/${options.count}`);
      return;
    }
    stop(report(options, m.summary));
  });
  worker.on("error", (e) => {
    if (finished) return;
    const now = beacon.read();
    console.log(`fuzz: the worker crashed at input #${now.index}, during ${now.stage}: ${describeError(e)}`);
    console.log(shown(now.text));
    stop(2);
  });
  worker.on("exit", (code) => {
    if (finished) return;
    console.log(`fuzz: the worker exited (${code}) before the end`);
    stop(2);
  });
}

if (isMainThread) {
  await main();
} else {
  const { options, buffer } = workerData as { options: Options; buffer: SharedArrayBuffer };
  const summary = await runWorker(options, new Beacon(buffer));
  parentPort!.postMessage({ kind: "done", summary } satisfies Message);
}
