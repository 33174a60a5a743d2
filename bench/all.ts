/**
 * `npm run bench`: every benchmark in one run, one after the other, each in
 * a process of its own so that none inherits another's heap or JIT state.
 *
 * Usage: npm run bench [-- <corpus-dir>] [--only host,frontend,...]
 *
 * The corpus directory (default `../shared/corpus` next to the repository)
 * goes to the benchmarks that read it. The async benchmark is not part of
 * the run: it needs Node.js 26 for jco's JSPI glue and is run on its own
 * (`npm run bench:async`).
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));

interface Bench {
  name: string;
  /** Whether the benchmark takes the corpus directory as an argument. */
  corpus: boolean;
}

const benches: Bench[] = [
  { name: "host", corpus: false },
  { name: "component-host", corpus: false },
  { name: "frontend", corpus: true },
  { name: "generate", corpus: true },
  { name: "rust", corpus: true },
  { name: "component", corpus: true },
  { name: "run", corpus: false },
  { name: "plug", corpus: false },
];

function main(): number {
  const args = process.argv.slice(2);
  const onlyAt = args.indexOf("--only");
  const only = onlyAt >= 0 ? new Set(args[onlyAt + 1]?.split(",")) : undefined;
  const corpus = args.find((a, i) => !a.startsWith("--") && (onlyAt < 0 || i !== onlyAt + 1));
  const unknown = only && [...only].filter((n) => !benches.some((b) => b.name === n));
  if (unknown?.length) {
    console.error(`error: no benchmark named ${unknown.join(", ")} (have ${benches.map((b) => b.name).join(", ")})`);
    return 2;
  }
  const failed: string[] = [];
  for (const b of benches) {
    if (only && !only.has(b.name)) continue;
    console.log(`\n## bench:${b.name}\n`);
    const argv = [path.join(here, `${b.name}.js`), ...(b.corpus && corpus ? [corpus] : [])];
    const r = spawnSync(process.execPath, argv, { stdio: "inherit" });
    if (r.status !== 0) failed.push(b.name);
  }
  if (failed.length) {
    console.error(`\nerror: ${failed.map((n) => `bench:${n}`).join(", ")} failed`);
    return 1;
  }
  return 0;
}

process.exitCode = main();
