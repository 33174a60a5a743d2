/**
 * What `witx-bindgen run` prints about a component, kept under
 * `snapshots/run/`: the `--help` of a function made from its WIT signature
 * and doc comments, and `--list`. The component is the aggregates guest of
 * test/guests/values with its package's docs in a `package-docs` custom
 * section, the form in which wit-component stores doc comments. Update with
 * `npm run snapshots:update`.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { componentNew } from "../encoding/index.js";
import { encodePackageDocs, extractPackageDocs } from "../encoding/package-docs.js";
import { ByteWriter } from "../encoding/writer.js";
import { loadWitText } from "../index.js";
import { repoRoot } from "./helpers/cli.js";
import { tempDir } from "./helpers/host.js";
import { embeddedModule } from "./helpers/wasm-tools.js";

const update = process.env.WITX_BINDGEN_UPDATE_SNAPSHOTS === "1";
const dir = tempDir();
const values = path.join(repoRoot, "test", "guests", "values");

function checkSnapshot(file: string, actual: string): void {
  const target = path.join(repoRoot, "snapshots", file);
  if (update) {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, actual);
    return;
  }
  if (!fs.existsSync(target)) throw new Error(`missing snapshot ${file}; run \`npm run snapshots:update\``);
  expect(actual, `snapshots/${file} is out of date; review the diff and run \`npm run snapshots:update\``).toBe(
    fs.readFileSync(target, "utf8"),
  );
}

/** `witx-bindgen run ...args` in the directory of the component (so that its name is relative). */
function runIn(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(repoRoot, "dist", "cli", "launch.cjs"), "run", ...args], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", WITX_BINDGEN_CACHE_DIR: path.join(dir, "cache") },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  const wit = fs.readFileSync(path.join(values, "aggregates.wit"), "utf8");
  const core = await embeddedModule(
    fs.readFileSync(path.join(values, "aggregates.wat"), "utf8"),
    wit,
    "aggregates-guest",
  );
  const loaded = loadWitText(wit);
  if (!loaded.ok) throw new Error("bad test WIT");
  const docs = encodePackageDocs(extractPackageDocs(loaded.resolve, loaded.package));
  const component = componentNew(core);
  // A custom section may follow the component's last section.
  const withDocs = new ByteWriter().raw(component).custom("package-docs", docs).finish();
  fs.writeFileSync(path.join(dir, "aggregates.wasm"), withDocs);
});

describe("run: help and list snapshots", () => {
  it("a function's --help: its docs, signature, types and flags", () => {
    const r = runIn("aggregates.wasm", "echo-person", "--help");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    checkSnapshot("run/echo-person.help.txt", r.stdout);
    const s = runIn("aggregates.wasm", "aggregates.shape-bits", "--help");
    expect(s.status).toBe(0);
    checkSnapshot("run/shape-bits.help.txt", s.stdout);
  });

  it("--list", () => {
    const r = runIn("aggregates.wasm", "--list");
    expect(r.status).toBe(0);
    checkSnapshot("run/aggregates.list.txt", r.stdout);
  });

  it("run --help", () => {
    const r = runIn("--help");
    expect(r.status).toBe(0);
    checkSnapshot("run/run.help.txt", r.stdout);
  });
});
