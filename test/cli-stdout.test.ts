/**
 * A reader that closes standard output early (`witx-bindgen json … | head`)
 * ends the command quietly, with status 0 and nothing on standard error.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "./helpers/cli.js";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "witx-stdout-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Runs `node args`, reads the first chunk of its standard output, then closes the pipe. */
function closeAfterFirstChunk(args: string[]): Promise<{ code: number | null; stderr: string; chunks: number }> {
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  let chunks = 0;
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  child.stdout.once("data", () => {
    chunks++;
    child.stdout.destroy();
  });
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stderr, chunks })));
}

/** A package whose Resolve JSON is some megabytes: far more than a pipe holds. */
function bigPackage(): string {
  const parts = ["package big:out@1.0.0;\n"];
  for (let i = 0; i < 2000; i++)
    parts.push(`interface i${i} {\n  record r { a: u32, b: string }\n  f: func(x: r) -> r;\n}\n`);
  return parts.join("");
}

describe("standard output closed by its reader", () => {
  it("ends `json` quietly (its output written at once)", async () => {
    const file = path.join(tmp, "big.wit");
    fs.writeFileSync(file, bigPackage());
    const r = await closeAfterFirstChunk([path.join(repoRoot, "dist", "cli", "launch.cjs"), "json", file]);
    expect(r.chunks).toBe(1);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  it("ends quietly when `process.stdout` writes (help, `run`, binary output)", async () => {
    const stdout = path.join(repoRoot, "dist", "cli", "stdout.js");
    const script = path.join(tmp, "writer.mjs");
    fs.writeFileSync(
      script,
      `import { quietOnClosedStdout } from ${JSON.stringify(new URL(`file://${stdout}`).href)};\n` +
        `quietOnClosedStdout();\n` +
        `const line = "x".repeat(1023) + "\\n";\n` +
        `let n = 0;\n` +
        `const more = () => { while (n < 16384) { n++; if (!process.stdout.write(line)) return process.stdout.once("drain", more); } };\n` +
        `more();\n`,
    );
    const r = await closeAfterFirstChunk([script]);
    expect(r.chunks).toBe(1);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });
});
