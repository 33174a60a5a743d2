/**
 * End-to-end tests of wrapping libc guests with WASI preview1 adapters.
 *
 * Four guests of test/guests/adapt/ link a libc, so their core modules
 * import `wasi_snapshot_preview1`:
 *  - a C reactor (wasi-libc; bindings of reactor.wit by our C generator):
 *    printf, malloc, qsort, getenv, fopen/fread under a preopen;
 *  - a C command (wasi-libc; `main(argc, argv)`): stdout, stderr, files
 *    under preopens, `return` and `exit`;
 *  - a Rust command (wasm32-wasi std): `println!`, `HashMap`, `env::args`,
 *    `env::var`, `fs`, `process::exit`;
 *  - a Rust reactor (wasm32-wasi std, a cdylib; bindings of
 *    rust-reactor.wit by our Rust generator): `println!`, `HashMap`,
 *    `env::var`, `fs`.
 * Each is wrapped into a component with jco's preview1 adapter (reactor or
 * command) by each wrapper, `wrapWithJco` (the reference) and `wrapWithOurs`
 * (our `componentNew` with `{ adapters }`), and each component runs through
 * each transpiler, the reference toolchain's and `generateComponentHost`,
 * on the preview2 shim (preopens, environment and arguments of the test;
 * stdout, stderr and the exit status captured in-process: `observe`,
 * `GuestExit`). Every call's result, output and exit status must be the
 * expected one, and the same for both wrappers.
 *
 * The components the reference wraps are under "wrapped by jco": run them
 * alone with `vitest run test/adapt-guests.test.ts -t jco`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  adapterWasiImports,
  buildCCommand,
  buildCReactor,
  buildRustCommand,
  buildRustReactor,
  callGuest,
  preview1Adapter,
  preview2Imports,
  RUNNERS,
  runCommand,
  unversioned,
  wasiRustc,
  worldItems,
  WRAPPERS,
  type Instantiate,
  type Observed,
  type RunnerName,
  type WasiConfig,
  type WrapperName,
} from "./helpers/adapt.js";
import { wasiLibc } from "./helpers/c-libc.js";
import { tempDir } from "./helpers/host.js";
import { skipReason, type Toolchain } from "./helpers/toolchains.js";

// ---------------------------------------------------------------------------------------------
// What the guests see

/** 40 lines (2 KB): more than one read of libc's buffer. */
const INPUT = Array.from({ length: 40 }, (_, i) => `line ${i + 1}: the quick brown fox jumps — grüße 🍎\n`).join("");
const SETTINGS = "mode=test\nlevel=3\n";

const dataDir = tempDir();
const configDir = tempDir();
fs.writeFileSync(path.join(dataDir, "input.txt"), INPUT);
fs.writeFileSync(path.join(configDir, "settings.ini"), SETTINGS);

const ENV = { ADAPT_USER: "Jörg 👋", EMPTY: "" };

/** The sandbox: two preopened directories, the environment `ENV`. */
const BASE: WasiConfig = {
  args: ["adapt"],
  env: ENV,
  preopens: { "/data": dataDir, "/config": configDir },
};

const bytes = (s: string) => Buffer.byteLength(s, "utf8");

/** What the Rust guests compute: each lowercased word's count, most frequent first, then in byte order. */
function wordCounts(text: string): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const word of text.split(/\s+/).filter((w) => w !== "")) {
    const w = word.toLowerCase();
    counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || Buffer.compare(Buffer.from(a[0]), Buffer.from(b[0])));
}

/** Deterministic s32 values. */
function numbers(n: number): number[] {
  let x = 12345;
  return Array.from({ length: n }, () => {
    x = (Math.imul(x, 1103515245) + 12345) | 0;
    return x;
  });
}

// ---------------------------------------------------------------------------------------------
// The guests and their cases

type Outcome = Observed<unknown>;

interface ReactorCase {
  /** `iface.function` for an exported interface's function, `function` for a world-level one. */
  fn: string;
  args: unknown[];
  expected: Outcome;
  /** The runners the case is for (default: both). */
  runners?: RunnerName[];
}

interface CommandCase {
  /** What the case shows (the title of its test). */
  what: string;
  /** `argv`; the environment is `ENV` unless `env` is given. */
  args: string[];
  env?: Record<string, string>;
  expected: Outcome;
  runners?: RunnerName[];
}

interface GuestBase {
  title: string;
  toolchains(): Toolchain[];
  build(): Uint8Array | Promise<Uint8Array>;
  /** The component's exports, as its WIT world names them. */
  exports: string[];
}

type Guest =
  (GuestBase & { kind: "reactor"; cases: ReactorCase[] }) | (GuestBase & { kind: "command"; cases: CommandCase[] });

const ok = (value: unknown, stdout = "", stderr = ""): Outcome => ({ outcome: { value }, stdout, stderr });
const err = (error: unknown, stdout = "", stderr = ""): Outcome => ({ outcome: { error }, stdout, stderr });
const status = (code: number, stdout: string, stderr: string): Outcome => ({ outcome: { code }, stdout, stderr });

const greeting = (name: string, times: number) =>
  Array.from({ length: times }, (_, i) => `hello ${name} (${i + 1} of ${times})\n`).join("");
const long = "x".repeat(300) + "ü";
const unsorted = numbers(5000);

const cReactor: Guest = {
  kind: "reactor",
  title: "C reactor on wasi-libc (reactor adapter)",
  toolchains: () => [wasiLibc()],
  build: buildCReactor,
  exports: ["test:adapt/tools"],
  cases: [
    { fn: "tools.greet", args: ["wörld", 2], expected: ok(44, greeting("wörld", 2)) },
    { fn: "tools.greet", args: ["", 0], expected: ok(0) },
    // 6 KB of output: more than one `blocking-write-and-flush` of the adapter.
    { fn: "tools.greet", args: [long, 20], expected: ok(bytes(greeting(long, 20)), greeting(long, 20)) },
    {
      fn: "tools.sorted",
      args: [[5, -3, 2147483647, -2147483648, 0, 5]],
      expected: ok([-2147483648, -3, 0, 5, 5, 2147483647]),
    },
    { fn: "tools.sorted", args: [[]], expected: ok([]) },
    { fn: "tools.sorted", args: [unsorted], expected: ok([...unsorted].sort((a, b) => a - b)) },
    { fn: "tools.envVar", args: ["ADAPT_USER"], expected: ok("Jörg 👋") },
    // Not through the reference toolchain's transpile: it lowers an empty string without calling
    // `realloc` (pointer 1), so the adapter's `environ_get`, which lays the environment out in
    // libc's buffer from the successive allocations, puts the value's NUL at address 1 and leaves
    // `EMPTY=` unterminated: getenv then reads whatever follows.
    { fn: "tools.envVar", args: ["EMPTY"], expected: ok(""), runners: ["host"] },
    { fn: "tools.envVar", args: ["NOT_SET"], expected: ok(undefined) },
    { fn: "tools.readFile", args: ["/data/input.txt"], expected: ok(INPUT) },
    { fn: "tools.readFile", args: ["/config/settings.ini"], expected: ok(SETTINGS) },
    {
      fn: "tools.readFile",
      args: ["/data/missing.txt"],
      expected: err("No such file or directory", "", "cannot open /data/missing.txt: No such file or directory\n"),
    },
    {
      fn: "tools.readFile",
      args: ["/etc/hostname"],
      expected: err("Capabilities insufficient", "", "cannot open /etc/hostname: Capabilities insufficient\n"),
    },
  ],
};

/** The first lines the C command prints. */
const cHeader = (args: string[], user = ENV.ADAPT_USER) =>
  `argc=${args.length} user=${user}\n` + args.map((a, i) => `argv[${i}]=${a}\n`).join("");
const cListing = (name: string, text: string) =>
  `${text}-- ${name}: ${text.split("\n").length - 1} lines, ${bytes(text)} bytes\n`;

const cCommand: Guest = {
  kind: "command",
  title: "C command on wasi-libc (command adapter)",
  toolchains: () => [wasiLibc()],
  build: buildCCommand,
  exports: ["wasi:cli/run@0.2.12"],
  cases: [
    {
      what: "prints a file of a preopen and returns 0",
      args: ["adapt", "/data/input.txt"],
      expected: status(
        0,
        cHeader(["adapt", "/data/input.txt"]) + cListing("/data/input.txt", INPUT),
        "0 of 1 files failed\n",
      ),
    },
    {
      what: "reports files it cannot open on stderr and returns their number (status 1)",
      args: ["adapt", "/config/settings.ini", "/data/missing.txt", "/etc/hostname"],
      expected: status(
        1,
        cHeader(["adapt", "/config/settings.ini", "/data/missing.txt", "/etc/hostname"]) +
          cListing("/config/settings.ini", SETTINGS),
        "/data/missing.txt: No such file or directory\n/etc/hostname: Capabilities insufficient\n2 of 3 files failed\n",
      ),
    },
    {
      // preview1's proc_exit(7) reaches WASI 0.2 as `exit(err)`: the status is 1.
      what: "returns 7 from main (status 1)",
      args: ["adapt", "--return=7"],
      expected: status(1, cHeader(["adapt", "--return=7"]), "0 of 0 files failed\n"),
    },
    {
      what: "calls exit(3) after printing a file: stdio flushed, status 1",
      args: ["adapt", "/config/settings.ini", "--exit=3", "/data/input.txt"],
      expected: status(
        1,
        cHeader(["adapt", "/config/settings.ini", "--exit=3", "/data/input.txt"]) +
          cListing("/config/settings.ini", SETTINGS),
        "exiting with 3\n",
      ),
    },
    {
      what: "calls exit(0): status 0",
      args: ["adapt", "--exit=0"],
      expected: status(0, cHeader(["adapt", "--exit=0"]), "exiting with 0\n"),
    },
    {
      what: "runs with no environment",
      args: ["adapt"],
      env: {},
      expected: status(0, cHeader(["adapt"], "(unset)"), "0 of 0 files failed\n"),
    },
  ],
};

/** What the Rust command prints of its word counts. */
const rustListing = (text: string) =>
  wordCounts(text)
    .map(([w, n]) => `${String(n).padStart(3)} ${w}\n`)
    .join("");

const rustCommand: Guest = {
  kind: "command",
  title: "Rust command on wasm32-wasi std (command adapter)",
  toolchains: () => [wasiRustc()],
  build: buildRustCommand,
  exports: ["wasi:cli/run@0.2.12"],
  cases: [
    {
      what: "counts the words of two files in a HashMap and returns Ok",
      args: ["adapt", "/data/input.txt", "/config/settings.ini"],
      expected: status(
        0,
        `3 argument(s), user ${ENV.ADAPT_USER}\n` + rustListing(INPUT + SETTINGS),
        `${wordCounts(INPUT + SETTINGS).length} distinct word(s)\n`,
      ),
    },
    {
      what: "returns Err for a file it cannot read (status 1)",
      args: ["adapt", "/data/missing.txt"],
      env: {},
      expected: status(
        1,
        "2 argument(s), user (unset)\n",
        '/data/missing.txt: No such file or directory (os error 44)\n0 distinct word(s)\nError: "cannot read /data/missing.txt"\n',
      ),
    },
    {
      what: "calls process::exit(3): status 1",
      args: ["adapt", "--exit=3"],
      expected: status(1, `2 argument(s), user ${ENV.ADAPT_USER}\n`, "exiting with 3\n"),
    },
    {
      what: "calls process::exit(0): status 0",
      args: ["adapt", "--exit=0"],
      expected: status(0, `2 argument(s), user ${ENV.ADAPT_USER}\n`, "exiting with 0\n"),
    },
  ],
};

const rustCounts = (text: string) =>
  wordCounts(text)
    .map(([w, n]) => `${n} ${w}\n`)
    .join("");

const rustReactor: Guest = {
  kind: "reactor",
  title: "Rust reactor on wasm32-wasi std (reactor adapter)",
  toolchains: () => [wasiRustc()],
  build: buildRustReactor,
  exports: ["word-counts", "env-var", "read-file"],
  cases: [
    {
      fn: "wordCounts",
      args: ["the cat the hat THE cät"],
      expected: ok(
        [
          ["the", 3],
          ["cat", 1],
          ["cät", 1],
          ["hat", 1],
        ],
        "3 the\n1 cat\n1 cät\n1 hat\n",
      ),
    },
    { fn: "wordCounts", args: [""], expected: ok([]) },
    { fn: "wordCounts", args: [INPUT], expected: ok(wordCounts(INPUT), rustCounts(INPUT)) },
    { fn: "envVar", args: ["ADAPT_USER"], expected: ok("Jörg 👋") },
    { fn: "envVar", args: ["NOT_SET"], expected: ok(undefined) },
    { fn: "readFile", args: ["/data/input.txt"], expected: ok(INPUT) },
    { fn: "readFile", args: ["/config/settings.ini"], expected: ok(SETTINGS) },
    {
      fn: "readFile",
      args: ["/data/missing.txt"],
      expected: err(
        "No such file or directory (os error 44)",
        "",
        "cannot read /data/missing.txt: No such file or directory (os error 44)\n",
      ),
    },
    {
      fn: "readFile",
      args: ["/etc/hostname"],
      expected: err(
        'failed to find a pre-opened file descriptor through which "/etc/hostname" could be opened',
        "",
        'cannot read /etc/hostname: failed to find a pre-opened file descriptor through which "/etc/hostname" could be opened\n',
      ),
    },
  ],
};

const GUESTS: Guest[] = [cReactor, cCommand, rustCommand, rustReactor];

// ---------------------------------------------------------------------------------------------
// Building, wrapping and running, each once

const memo = <T>(cache: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> => {
  let p = cache.get(key);
  if (p === undefined) {
    p = make();
    p.catch(() => {});
    cache.set(key, p);
  }
  return p;
};

const cores = new Map<string, Promise<Uint8Array>>();
const core = (g: Guest) => memo(cores, g.title, async () => g.build());

const components = new Map<string, Promise<Uint8Array>>();
const component = (g: Guest, w: WrapperName) =>
  memo(components, `${g.title}/${w}`, async () =>
    WRAPPERS[w](await core(g), [preview1Adapter(g.kind === "reactor" ? "reactor" : "command")]),
  );

/** The cases of `g` for runner `r`. */
const casesFor = (g: Guest, r: RunnerName): Array<ReactorCase | CommandCase> =>
  (g.cases as Array<ReactorCase | CommandCase>).filter((c) => c.runners?.includes(r) ?? true);

/**
 * Runs the cases of `g` for runner `r`: a reactor's in order on one
 * instance, each of a command's on its own instance.
 */
async function runCases(g: Guest, r: RunnerName, instantiate: Instantiate): Promise<Outcome[]> {
  if (g.kind === "reactor") {
    const exports = await instantiate(await preview2Imports(BASE));
    return (casesFor(g, r) as ReactorCase[]).map((c) =>
      callGuest(() => {
        const fn = c.fn.split(".").reduce((o, k) => o?.[k], exports as any);
        if (typeof fn !== "function") throw new Error(`no export ${c.fn}`);
        return fn(...c.args);
      }),
    );
  }
  const outcomes: Outcome[] = [];
  for (const c of casesFor(g, r) as CommandCase[]) {
    const exports = await instantiate(await preview2Imports({ ...BASE, args: c.args, env: c.env ?? BASE.env }));
    outcomes.push(runCommand(exports));
  }
  return outcomes;
}

const observations = new Map<string, Promise<Outcome[]>>();
const observed = (g: Guest, w: WrapperName, r: RunnerName) =>
  memo(observations, `${g.title}/${w}/${r}`, async () => runCases(g, r, await RUNNERS[r].load(await component(g, w))));

/** An argument in a test title: long strings and lists abridged. */
const show = (a: unknown): string => {
  if (typeof a === "string" && a.length > 24) return `${JSON.stringify(a.slice(0, 12) + "…")} (${a.length} chars)`;
  if (Array.isArray(a) && a.length > 8) return `[${a.length} values]`;
  return JSON.stringify(a) ?? "undefined";
};

const caseTitle = (c: ReactorCase | CommandCase) => ("what" in c ? c.what : `${c.fn}(${c.args.map(show).join(", ")})`);

// ---------------------------------------------------------------------------------------------
// The tests

const reasons = new Map(GUESTS.map((g) => [g, skipReason(...g.toolchains())]));

beforeAll(() => {
  // Start the builds at once, the Rust ones first: rustc runs in the background while clang runs in the foreground.
  for (const g of [rustCommand, rustReactor, cReactor, cCommand]) if (!reasons.get(g)) core(g);
});

for (const guest of GUESTS) {
  describe.skipIf(reasons.get(guest))(guest.title, () => {
    beforeAll(async () => {
      await core(guest);
    }, 120_000);

    it("the core module imports wasi_snapshot_preview1 and nothing else but its world", async () => {
      const module = new WebAssembly.Module((await core(guest)) as BufferSource);
      const modules = new Set(WebAssembly.Module.imports(module).map((i) => i.module));
      expect([...modules]).toEqual(["wasi_snapshot_preview1"]);
      const names = WebAssembly.Module.exports(module).map((e) => e.name);
      expect(names).toContain(guest.kind === "command" ? "_start" : "cabi_realloc");
    });

    for (const wrapper of Object.keys(WRAPPERS) as WrapperName[]) {
      describe(`wrapped by ${wrapper}`, () => {
        // Every case runs here; a failure to wrap, transpile or instantiate fails each test of the runner.
        const runs = {} as Record<RunnerName, Outcome[] | { failed: unknown }>;
        const outcomes = (runner: RunnerName): Outcome[] => {
          const run = runs[runner];
          if ("failed" in run) throw run.failed;
          return run;
        };

        beforeAll(async () => {
          for (const runner of Object.keys(RUNNERS) as RunnerName[]) {
            runs[runner] = await observed(guest, wrapper, runner).catch((failed: unknown) => ({ failed }));
          }
        }, 120_000);

        it("exports the world's exports, imports WASI 0.2 only", async () => {
          const { imports, exports } = await worldItems(await component(guest, wrapper));
          expect(exports).toEqual(guest.exports);
          const adapter = adapterWasiImports(preview1Adapter(guest.kind === "reactor" ? "reactor" : "command"));
          const allowed = new Set(adapter.map(unversioned));
          expect(imports.filter((i) => !allowed.has(unversioned(i)))).toEqual([]);
          if (wrapper !== "jco") {
            // The same interfaces as the reference wrapping (which drops what the module leaves unused),
            // or more of the adapter's.
            const reference = await worldItems(await component(guest, "jco"));
            expect(exports).toEqual(reference.exports);
            const ours = new Set(imports.map(unversioned));
            expect(reference.imports.map(unversioned).filter((i) => !ours.has(i))).toEqual([]);
          }
        });

        for (const runner of Object.keys(RUNNERS) as RunnerName[]) {
          describe(RUNNERS[runner].title, () => {
            casesFor(guest, runner).forEach((c, i) => {
              it(caseTitle(c), () => {
                expect(outcomes(runner)[i]).toStrictEqual(c.expected);
              });
            });

            if (wrapper !== "jco") {
              it("every outcome, stdout and stderr as with the reference wrapping", async () => {
                expect(outcomes(runner)).toStrictEqual(await observed(guest, "jco", runner));
              });
            }
          });
        }
      });
    }
  });
}
