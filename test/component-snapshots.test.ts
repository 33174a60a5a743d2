/**
 * Transpiled components of representative shapes, kept under
 * `snapshots/ts-component/`: the generated TypeScript (type-checked here) and
 * the plan the flattening pass made, so that every change to either shows
 * up in review. Update with `npm run snapshots:update`.
 *
 * - `echo-len`: nested components with different string encodings and
 *   memories, a fused call through a host import and two lowerings;
 * - `counter`: a resource defined and exported through a nested component
 *   that names its types, as wit-component does;
 * - `counter-user`: a component that imports that resource and lowers its
 *   constructor and method, and drops handles.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { strictOptions } from "./helpers/typescript.js";
import { readComponent } from "../encoding/decode/component.js";
import { planComponent } from "../encoding/plan.js";
import { printPlan } from "../encoding/plan-print.js";
import { generateComponentHost } from "../generators/ts/component/index.js";
import { wat } from "./helpers/host.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const update = process.env.WITX_BINDGEN_UPDATE_SNAPSHOTS === "1";
const cases = ["echo-len", "counter", "counter-user", "fused-copy"];

function checkSnapshot(file: string, actual: string): void {
  const target = path.join(root, "snapshots", file);
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

async function component(name: string): Promise<Uint8Array> {
  return wat(fs.readFileSync(path.join(root, "test/guests/components", `${name}.wat`), "utf8"));
}

describe("transpiled component snapshots", () => {
  for (const name of cases) {
    it(`${name}: plan`, async () => {
      checkSnapshot(`ts-component/${name}.plan.txt`, printPlan(planComponent(readComponent(await component(name)))));
    });
    it(`${name}: TypeScript`, async () => {
      const files = await generateComponentHost(await component(name), { name });
      const source = files.find((f) => f.path === `${name}.ts`)!.contents as string;
      checkSnapshot(`ts-component/${name}.ts`, source);
      expect(files.map((f) => f.path).filter((p) => p.endsWith(".wasm")).length).toBeGreaterThan(0);
    });
  }

  it("counter with --js: JavaScript and declarations", async () => {
    const files = await generateComponentHost(await component("counter"), { name: "counter", js: true });
    checkSnapshot("ts-component/counter-js.js", files.find((f) => f.path === "counter.js")!.contents as string);
    checkSnapshot("ts-component/counter-js.d.ts", files.find((f) => f.path === "counter.d.ts")!.contents as string);
  });

  it("the generated TypeScript and declarations type-check (strict)", () => {
    const files = [
      ...cases.map((n) => path.join(root, "snapshots/ts-component", `${n}.ts`)),
      path.join(root, "snapshots/ts-component/counter-js.d.ts"),
    ];
    const program = ts.createProgram(files, strictOptions);
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file
        ? `${path.basename(d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start!).line + 1}`
        : "";
      return `${where}: TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n").split("\n")[0]}`;
    });
    expect(diagnostics).toEqual([]);
  });
});
