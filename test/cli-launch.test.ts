/**
 * The `bin` launcher (cli/launch.cts): its code caches are accepted by the
 * Node.js that made them, and its start-up tuning (a V8 flag set at run time
 * on Node.js 20) neither refuses them nor prints anything, on Node.js 20 and
 * on a Node.js whose V8 does not know the flag.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as vm from "node:vm";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "./helpers/cli.js";
import { node26, skipReason } from "./helpers/toolchains.js";

const cliDir = path.join(repoRoot, "dist", "cli");
const launcher = path.join(cliDir, "launch.cjs");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "witx-launch-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const wit = path.join(tmp, "a.wit");
fs.writeFileSync(
  wit,
  "package a:b@1.0.0;\ninterface i {\n  record r { x: u32, y: list<string> }\n  f: func(a: r) -> option<r>;\n}\nworld w {\n  import i;\n  export g: func() -> string;\n}\n",
);

function runJson(node: string): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(node, [launcher, "json", wit, "--world", "w"], { encoding: "utf8" });
}

describe("the launcher", () => {
  it.each([
    ["witx-bindgen-json", "json"],
    ["witx-bindgen", "ts"],
    ["witx-bindgen", "rust"],
    ["witx-bindgen", "c"],
  ])("has a code cache for %s's %s that this Node.js accepts", (bundle, command) => {
    const file = path.join(cliDir, `${bundle}.cjs`);
    const script = new vm.Script(fs.readFileSync(file, "latin1"), {
      filename: file,
      cachedData: fs.readFileSync(path.join(cliDir, `${bundle}.${command}.cache`)),
    });
    expect(script.cachedDataRejected).toBe(false);
  });

  it("runs `json` on this Node.js with nothing on standard error", () => {
    const r = runJson(process.execPath);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).worlds[0].name).toBe("w");
  });

  it.skipIf(skipReason(node26()))("runs `json` on Node.js 26 alike", () => {
    const r = runJson(node26().command);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(runJson(process.execPath).stdout);
  });
});
