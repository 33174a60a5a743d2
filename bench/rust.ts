/**
 * Rust guest benchmark:
 * - the time to generate the Rust bindings of the WASI 0.2.6 `wasi:http/proxy`
 *   world (from the corpus), beside the time to generate our TypeScript host
 *   of the same world in the same run (the reference: same front-end, same
 *   ABI walk, another emitter), and the time to load the WIT alone;
 * - the size of release-built guest modules (`-O`, debug info stripped) of
 *   a few worlds: the end-to-end test guests, compiled with Debian's rustc
 *   1.63 for wasm32-unknown-unknown, with the size of their bindings' source.
 *
 * Nothing here asserts on timings.
 *
 * Usage: npm run bench:rust [-- <corpus-dir>] [--time <ms per task, default 1000>]
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { Bench } from "tinybench";
import { generateRust, generateTypeScript, loadWitPath, loadWitText, renderDiagnostics } from "../index.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const args = process.argv.slice(2);
const timeIndex = args.indexOf("--time");
const corpus =
  args.find((a, i) => !a.startsWith("--") && i !== timeIndex + 1) ?? path.join(root, "..", "shared", "corpus");
const time = timeIndex >= 0 ? Number(args[timeIndex + 1]) : 1000;

async function generationTimes(): Promise<void> {
  const wit = path.join(corpus, "wasi", "0.2.6");
  if (!fs.existsSync(wit)) {
    console.log(`generation: skipped (no corpus at ${corpus})`);
    return;
  }
  const world = "wasi:http/proxy@0.2.6";
  const loaded = loadWitPath(wit, { world });
  if (!loaded.ok) throw new Error(renderDiagnostics(loaded.diagnostics));
  const bench = new Bench({ time });
  bench
    .add("load WIT", () => {
      loadWitPath(wit, { world });
    })
    .add("load WIT + Rust bindings", () => {
      const l = loadWitPath(wit, { world });
      if (l.ok) generateRust(l.resolve, l.world!);
    })
    .add("load WIT + TypeScript host (reference)", async () => {
      const l = loadWitPath(wit, { world });
      if (l.ok) await generateTypeScript(l.resolve, l.world!);
    });
  await bench.run();
  const rust = generateRust(loaded.resolve, loaded.world!)[0].contents;
  console.log(`generation of ${world} (${rust.split("\n").length} lines of Rust, ${rust.length} bytes):`);
  const mean = (name: string): number => {
    const result = bench.tasks.find((t) => t.name === name)?.result as { latency?: { mean: number } } | undefined;
    if (result?.latency === undefined) throw new Error(`${name}: no result`);
    return result.latency.mean;
  };
  const reference = mean("load WIT + TypeScript host (reference)");
  console.log("| task | mean (ms) | reference / task |");
  console.log("|---|---:|---:|");
  for (const t of bench.tasks) {
    const m = mean(t.name);
    console.log(`| ${t.name} | ${m.toFixed(2)} | ${(reference / m).toFixed(2)} |`);
  }
}

function guestSizes(): void {
  const rustc = process.env.WITX_BINDGEN_WASM_RUSTC ?? "/usr/bin/rustc";
  const guests = path.join(root, "test", "guests", "rust");
  const probe = spawnSync(rustc, ["--version"], { encoding: "utf8" });
  if (probe.status !== 0) {
    console.log(`guest sizes: skipped (${rustc} not found)`);
    return;
  }
  const withOptions: string[] = [];
  console.log("\nrelease-built guest modules (rustc 1.63, wasm32-unknown-unknown, -O, debug info stripped):");
  console.log("| world | bindings (bytes of Rust) | core module (bytes) |");
  console.log("|---|---:|---:|");
  for (const file of fs
    .readdirSync(guests)
    .filter((f) => f.endsWith(".wit"))
    .sort()) {
    const name = file.replace(/\.wit$/, "");
    if (!fs.existsSync(path.join(guests, `${name}.rs`))) continue;
    if (NEEDS_OPTIONS.has(name)) {
      withOptions.push(`${name}-guest`);
      continue;
    }
    const wit = fs.readFileSync(path.join(guests, file), "utf8");
    const loaded = loadWitText(wit, { world: `${name}-guest`, fileName: file });
    if (!loaded.ok) throw new Error(renderDiagnostics(loaded.diagnostics));
    // The `realloc` guest brings its own `cabi_realloc`.
    const bindings = generateRust(loaded.resolve, loaded.world!, { noRealloc: name === "realloc" })[0].contents;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "witx-bench-rust-"));
    for (const f of fs.readdirSync(guests))
      if (f.endsWith(".rs")) fs.copyFileSync(path.join(guests, f), path.join(dir, f));
    fs.copyFileSync(path.join(guests, `${name}.rs`), path.join(dir, "guest.rs"));
    fs.writeFileSync(path.join(dir, "bindings.rs"), bindings);
    const r = spawnSync(
      rustc,
      [
        "--edition",
        "2021",
        "--target",
        "wasm32-unknown-unknown",
        "--crate-type",
        "cdylib",
        "-O",
        "-C",
        "strip=debuginfo",
        "-o",
        "guest.wasm",
        "guest.rs",
      ],
      { cwd: dir, encoding: "utf8" },
    );
    const size = r.status === 0 ? String(fs.statSync(path.join(dir, "guest.wasm")).size) : "did not compile";
    console.log(`| ${name}-guest | ${bindings.length} | ${size} |`);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (withOptions.length > 0)
    console.log(
      `\nnot in the table, as their code needs generator options (built by test/rust-guest-options.test.ts and test/rust-guest-async.test.ts): ${withOptions.join(", ")}`,
    );
}

/**
 * Guests whose code is written against bindings generated with options (async
 * exports, merged types, `with` mappings, extra derives, no `std`, ...); the
 * tests build each with its options.
 */
const NEEDS_OPTIONS = new Set([
  "asyncfilter",
  "asyncs",
  "facade",
  "flagpath",
  "merge",
  "nominal",
  "nostd",
  "options",
  "with",
]);

await generationTimes();
guestSizes();
