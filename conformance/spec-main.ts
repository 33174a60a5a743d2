/**
 * Runs the component model's spec tests through our transpiler and prints the
 * suites as JSON: `node dist/conformance/spec-main.js <corpus> [dirs…]`. The
 * conformance harness runs it under a second Node.js to report both engines.
 */
import { specSuites } from "./wast/run.js";
import { explainSpecFailures, specDirs, transpilerRunner } from "./spec.js";

const [corpus, ...dirs] = process.argv.slice(2);
if (!corpus) {
  console.error("usage: spec-main <corpus-dir> [dir…]");
  process.exit(2);
}
const results = explainSpecFailures(await specSuites(corpus, dirs.length ? dirs : specDirs, transpilerRunner, false));
// A component's task may go on yielding after its test is over: the run ends here.
process.stdout.write(JSON.stringify(results), () => process.exit(0));
