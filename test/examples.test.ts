/**
 * The README's examples, run as its set-up says (`npm run example`,
 * `npm run example:async`): each builds its guest, generates the JavaScript
 * with the CLI and runs it, checking its own results.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function npmRun(script: string) {
  const r = spawnSync("npm", ["run", "--silent", script], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("the README's examples", () => {
  it("greeter: a guest core module through the WIT host", () => {
    const r = npmRun("example");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("[INFO] Hello, Ada");
    expect(r.stdout).toMatch(/totals: \d+n \d+n \d+n/);
  });

  it("wordcount: an async component with a stream in and a future out", () => {
    const r = npmRun("example:async");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^README\.md: \{ bytes: \d+n, words: \d+, lines: \d+ \}$/m);
    expect(r.stdout).toContain("poem: { bytes: 34n, words: 7, lines: 2 } empty: { bytes: 0n, words: 0, lines: 0 }");
  });
});
