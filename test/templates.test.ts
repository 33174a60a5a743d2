/**
 * The runtime code generators emit from `templates/`: the section reader
 * (generators/template-sections.ts); the TypeScript host's helpers
 * (templates/ts/helpers*.ts), which type-check under `strict` and whose
 * sections name their scope and the helpers they need; the C guest's
 * runtime (templates/c/*.c), each file compiled on its own by clang for
 * wasm32 with warnings as errors, its constants and built-in names those
 * of ir/abi/async.ts.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import {
  CallbackCode,
  CopyResult,
  EventCode,
  SubtaskStatus,
  TASK_BUILTINS,
  TASK_BUILTINS_MODULE,
  TASK_CANCEL_MODULE,
} from "../ir/abi/async.js";
import { cTemplate } from "../generators/c/templates.js";
import { listAttribute, parseSections, templateSections } from "../generators/template-sections.js";
import { helperClosure, helperCode } from "../generators/ts/runtime.js";
import { skipReason, wasmClang } from "./helpers/toolchains.js";
import { strictOptions } from "./helpers/typescript.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const templates = path.join(root, "templates");

describe("template sections", () => {
  const source = [
    "// A file's own comment: never emitted.",
    "declare let $state: number;",
    "// @section one scope=module needs=a,b",
    "",
    "const one = 1;",
    "",
    "// @standalone",
    "{",
    "  // @section two",
    "  if (x) {",
    "    y();",
    "  }",
    "  // @standalone",
    "}",
  ].join("\n");

  it("cut a file at its markers, with the markers' attributes", () => {
    const sections = parseSections("example.ts", source);
    expect([...sections.keys()]).toEqual(["one", "two"]);
    const one = sections.get("one")!;
    expect(one.text).toBe("const one = 1;");
    expect(one.attributes.get("scope")).toBe("module");
    expect(listAttribute(one, "needs")).toEqual(["a", "b"]);
    expect(listAttribute(one, "other")).toEqual([]);
    // Indented sections lose the indentation their lines share; standalone text is left out.
    expect(sections.get("two")!.text).toBe("if (x) {\n  y();\n}");
  });

  it("reject unknown markers, repeated names and attributes that are not key=value", () => {
    expect(() => parseSections("x.c", "// @sections a\n")).toThrow(/x.c:1: unknown marker/);
    expect(() => parseSections("x.c", "// @section a\n// @section a\n")).toThrow(/x.c:2: a second section `a`/);
    expect(() => parseSections("x.c", "// @section a scope\n")).toThrow(/`scope` is not key=value/);
    expect(() => parseSections("x.c", "// @section\n")).toThrow(/unknown marker/);
  });
});

describe("TypeScript host helpers", () => {
  const files = ["ts/helpers.ts", "ts/helpers-resources.ts", "ts/helpers-async.ts"];

  it("type-check under strict as one program", () => {
    const program = ts.createProgram(
      files.map((f) => path.join(templates, f)),
      { ...strictOptions, noImplicitOverride: true },
    );
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file
        ? `${path.basename(d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start!).line + 1}: `
        : "";
      return where + ts.flattenDiagnosticMessageText(d.messageText, "\n");
    });
    expect(diagnostics).toEqual([]);
  });

  it("each have a scope, and what they need exists", () => {
    const names = files.flatMap((f) => [...templateSections(f).keys()]);
    expect(names).toContain("$trap");
    expect(names).toContain("$crt");
    for (const f of files) {
      for (const s of templateSections(f).values()) {
        expect(["module", "instance"], `${s.name}'s scope`).toContain(s.attributes.get("scope"));
        expect(s.text, s.name).not.toMatch(/^\s*\/\/ @/m);
      }
    }
    // Every helper with its dependencies, `$async` (the runtime files) among them.
    const all = helperClosure(names);
    expect(all).toContain("$async");
    expect(helperCode("$async").code).toMatch(/^namespace \$async \{\n/);
    expect(helperCode("$crt").code).toBe(
      "const $rt = new $async.AsyncInstance({ ...$instanceHooks, memoryBytes: () => 0 }, $table, $free);",
    );
  });
});

describe("C guest runtime", () => {
  const files = fs.readdirSync(path.join(templates, "c")).filter((f) => f.endsWith(".c"));

  it("puts the world's name in for world_ and WORLD_", () => {
    const h = cTemplate("async.c", "async-h", "my_world");
    expect(h.startsWith("\ntypedef uint32_t my_world_subtask_status_t;\n")).toBe(true);
    expect(h).toContain("#define MY_WORLD_SUBTASK_STATE(status) ((my_world_subtask_state_t) ((status) & 0xf))");
    expect(h).not.toMatch(/\b(world|WORLD)_/);
    expect(h.endsWith("void my_world_thread_yield(void);\n")).toBe(true);
  });

  it("imports the built-ins of ir/abi/async.ts", () => {
    const sections = templateSections("c/async.c");
    const imported = ["async-c", "error-context-c", "error-context-utf8-c"].flatMap((s) =>
      [...sections.get(s)!.text.matchAll(/__import_module__\("([^"]*)"\), __import_name__\("([^"]*)"\)/g)].map(
        (m) => `${m[1]} ${m[2]}`,
      ),
    );
    const expected = Object.values(TASK_BUILTINS).map(
      (b) => `${b === TASK_BUILTINS.taskCancel ? TASK_CANCEL_MODULE : TASK_BUILTINS_MODULE} ${b.field}`,
    );
    expect(imported.sort()).toEqual(expected.sort());
  });

  const reason = skipReason(wasmClang());

  it.skipIf(reason).each(files)("templates/c/%s compiles on its own for wasm32-wasi", (file) => {
    const run = clang(path.join(templates, "c", file));
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
  });

  it.skipIf(reason)("has the constants of ir/abi/async.ts", () => {
    const rename: Record<string, string> = {
      CANCELLED_BEFORE_STARTED: "STARTED_CANCELLED",
      CANCELLED_BEFORE_RETURNED: "RETURNED_CANCELLED",
      TASK_CANCELLED: "CANCEL",
    };
    const checks = [
      ...Object.entries(SubtaskStatus).map(([k, v]) => [`WORLD_SUBTASK_${rename[k] ?? k}`, v] as const),
      ...Object.entries(EventCode).map(([k, v]) => [`WORLD_EVENT_${rename[k] ?? k}`, v] as const),
      ...Object.entries(CopyResult).map(([k, v]) => [`WORLD_WAITABLE_${k}`, v] as const),
      ["WORLD_CALLBACK_CODE_EXIT", CallbackCode.EXIT] as const,
      ["WORLD_CALLBACK_CODE_YIELD", CallbackCode.YIELD] as const,
      ["WORLD_CALLBACK_CODE_WAIT(0)", CallbackCode.WAIT] as const,
      ["WORLD_CALLBACK_CODE_WAIT(5)", CallbackCode.WAIT | (5 << 4)] as const,
    ];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "witx-templates-"));
    const file = path.join(dir, "constants.c");
    fs.writeFileSync(
      file,
      `#include ${JSON.stringify(path.join(templates, "c", "async.c"))}\n` +
        checks.map(([c, v]) => `_Static_assert(${c} == ${v}, ${JSON.stringify(c)});\n`).join(""),
    );
    const run = clang(file);
    fs.rmSync(dir, { recursive: true, force: true });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
  });
});

function clang(file: string): { status: number | null; stderr: string } {
  const run = spawnSync(
    wasmClang().command,
    ["--target=wasm32-wasi", "-std=c11", "-fsyntax-only", "-Wall", "-Wextra", "-Werror", file],
    { encoding: "utf8" },
  );
  return { status: run.status, stderr: run.stderr };
}
