/**
 * Loading from the file system as wit-parser does it: paths kept as given,
 * file-system problems reported as diagnostics, and deep inputs handled
 * without recursion limits.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadWitPath, loadWitText } from "../index.js";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "witx-loading-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

let counter = 0;
function packageDir(files: Record<string, string | Buffer>): string {
  const dir = path.join(tmp, `case${counter++}`);
  for (const [name, contents] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), contents);
  }
  return dir;
}

function firstError(result: ReturnType<typeof loadWitPath>): string {
  if (result.ok) throw new Error("expected an error");
  return result.diagnostics[0].rendered;
}

describe("file-system loading", () => {
  it("keeps the path as given in locations and contexts", () => {
    const dir = packageDir({
      "main.wit": "package a:main;\ninterface i { use a:dep/d.{t}; }\n",
      "deps/dep/d.wit": "package a:dep;\ninterface d { type t = nope; }\n",
    });
    const given = `${path.dirname(dir)}/./${path.basename(dir)}/`;
    const rendered = firstError(loadWitPath(given));
    expect(rendered).toContain(`failed to parse dependency directory: ${given}deps: `);
    expect(rendered).toContain(`--> ${given}deps/dep/d.wit:2:`);
  });

  it("refuses a directory file that is not UTF-8", () => {
    const dir = packageDir({ "a.wit": Buffer.from("package a:b;\n// caf\xe9\n", "latin1") });
    expect(firstError(loadWitPath(dir))).toBe(
      `failed to resolve directory while parsing WIT for path [${dir}]: failed to parse package: ${dir}: ` +
        `failed to read file "${dir}/a.wit": stream did not contain valid UTF-8`,
    );
  });

  it("reports a `deps` that is not a directory", () => {
    const dir = packageDir({ "a.wit": "package a:b;\n", deps: "not a directory" });
    expect(firstError(loadWitPath(dir))).toBe(
      `failed to resolve directory while parsing WIT for path [${dir}]: ` +
        `failed to parse dependency directory: ${dir}/deps: failed to read directory: Not a directory (os error 20)`,
    );
  });

  it("reports a dangling link in `deps`", () => {
    const dir = packageDir({ "a.wit": "package a:b;\n" });
    fs.mkdirSync(path.join(dir, "deps"));
    fs.symlinkSync(path.join(dir, "missing"), path.join(dir, "deps", "broken"));
    expect(firstError(loadWitPath(dir))).toContain(
      `failed to parse dependency directory: ${dir}/deps: No such file or directory (os error 2)`,
    );
  });

  it("skips links and files that are not `.wit` in a package directory", () => {
    const dir = packageDir({ "a.wit": "package a:b;\ninterface i {}\n", "notes.txt": "ignored" });
    fs.symlinkSync(path.join(dir, "loop"), path.join(dir, "loop"));
    const result = loadWitPath(dir);
    expect(result.ok).toBe(true);
  });

  it("reports a missing path", () => {
    const missing = path.join(tmp, "missing.wit");
    expect(firstError(loadWitPath(missing))).toBe(
      `failed to read path for WIT [${missing}]: No such file or directory (os error 2)`,
    );
  });
});

describe("diagnostics details", () => {
  it("points at the interface name of a duplicate package-qualified import", () => {
    const r = loadWitText(
      "package a:b;\nworld w {\n  import foo:bar/baz@1.0.0;\n  import foo:bar/baz@1.0.0;\n}\npackage foo:bar@1.0.0 { interface baz {} }\n",
      { fileName: "w.wit" },
    );
    if (r.ok) throw new Error("expected an error");
    expect(r.diagnostics[0].message).toBe("interface cannot be imported more than once");
    expect(r.diagnostics[0].location).toMatchObject({ line: 4, column: 18 });
  });

  it("gives the reason a world specifier is refused", () => {
    const text = "package a:b; world one {} world two {}";
    const reason = (world: string) => {
      const r = loadWitText(text, { world });
      return r.ok ? "ok" : r.diagnostics[0].message;
    };
    expect(reason("a:b")).toBe("failed to parse world specifier `a:b`: expected `/`, found eof");
    expect(reason("one two")).toBe("failed to parse world specifier `one two`: trailing tokens in path specifier");
    expect(reason("my_world")).toBe("failed to parse world specifier `my_world`: invalid character in identifier '_'");
    expect(reason("a:b/one@1.0")).toBe("failed to parse world specifier `a:b/one@1.0`: expected '.', found eof");
    expect(reason("a:b/one")).toBe("ok");
  });

  it("reports the first bad token of a version, not a semver error", () => {
    const r = loadWitText("package m:main@2..0;\n");
    if (r.ok) throw new Error("expected an error");
    expect(r.diagnostics[0].message).toBe("expected an integer, found '.'");
    expect(r.diagnostics[0].location).toMatchObject({ line: 1, column: 18 });
  });
});

describe("deep inputs", () => {
  it("checks a 5,000-deep type chain for borrows without recursion", () => {
    const types = ["type t0 = u8;"];
    for (let i = 1; i < 5000; i++) types.push(`type t${i} = list<t${i - 1}>;`);
    const r = loadWitText(`package a:b;\ninterface i {\n${types.join("\n")}\nf: func() -> t4999;\n}\n`);
    expect(r.ok).toBe(true);
  });

  it("elaborates a world importing the end of a 3,000-deep interface chain", () => {
    const ifaces = ["interface i0 { type t = u8; }"];
    for (let i = 1; i < 3000; i++) ifaces.push(`interface i${i} { use i${i - 1}.{t}; }`);
    const r = loadWitText(`package a:b;\n${ifaces.join("\n")}\nworld w { import i2999; }\n`);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.resolve.worlds[r.world!].imports.size).toBe(3000);
  });
});
