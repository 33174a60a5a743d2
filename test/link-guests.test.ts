/**
 * `witx-bindgen link` end to end: C shared libraries built with clang-19
 * (`-shared -fPIC`, tool conventions' dynamic linking, no libc: wasi-libc has
 * no PIC build here), linked into one component, validated by wasm-tools and
 * run in our component host and in jco's.
 *
 * - libapp.so calls libmath.so through a function, a data symbol (GOT.mem)
 *   and a function pointer (GOT.func); libmath.so has a constructor and data
 *   that needs relocating.
 * - libdl.so (ours, built in) finds a function of the dl-openable libmath.so
 *   with dlopen/dlsym; libc.so supplies strlen and memcmp.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { embedMetadata, linkComponent } from "../encoding/index.js";
import { loadWitText } from "../index.js";
import { loadComponentHost } from "./helpers/component-host.js";
import { run } from "./helpers/cli.js";
import { tempDir } from "./helpers/host.js";
import { transpileComponent } from "./helpers/jco.js";
import { skipReason, wasmClang } from "./helpers/toolchains.js";
import { tools } from "./helpers/wasm-tools.js";

const guests = path.join(path.dirname(fileURLToPath(import.meta.url)), "guests", "link");
const reason = skipReason(wasmClang());

/** A shared library from one C file in test/guests/link/. */
function sharedLibrary(dir: string, source: string): Uint8Array {
  const out = path.join(dir, `lib${source}.so`);
  const r = spawnSync(
    wasmClang().command,
    [
      "--target=wasm32-wasi",
      "-O1",
      "-shared",
      "-fPIC",
      "-fvisibility=default",
      "-nostdlib",
      "-fno-builtin",
      "-Wl,--experimental-pic,--no-entry,--allow-undefined",
      "-o",
      out,
      path.join(guests, `${source}.c`),
    ],
    { encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`clang failed on ${source}.c: ${r.stderr}`);
  return new Uint8Array(fs.readFileSync(out));
}

/** `lib` with the `app` world's component-type section (the library exporting `run`). */
function withAppWorld(lib: Uint8Array): Uint8Array {
  const loaded = loadWitText(fs.readFileSync(path.join(guests, "app.wit"), "utf8"), { world: "app" });
  if (!loaded.ok) throw new Error("app.wit does not load");
  return embedMetadata(lib, loaded.resolve, loaded.world!);
}

describe.skipIf(reason !== undefined)("witx-bindgen link: C shared libraries in one component", () => {
  const libs: Record<string, Uint8Array> = {};
  let dir = "";
  beforeAll(() => {
    dir = tempDir();
    for (const name of ["math", "app", "mini", "dl"]) libs[name] = sharedLibrary(dir, name);
  });

  async function runBoth(component: Uint8Array, calls: number[]): Promise<number[][]> {
    const outcomes: number[][] = [];
    for (const load of [
      async () => (await loadComponentHost(component)).instantiate({}),
      async () => (await transpileComponent(component)).instantiate({}),
    ]) {
      const exports = await load();
      outcomes.push(calls.map((n) => exports.run(n) as number));
    }
    return outcomes;
  }

  it("resolves functions, data and function pointers across libraries, and runs constructors", async () => {
    const component = linkComponent([
      { name: "libapp.so", wasm: withAppWorld(libs.app!), dlOpenable: false },
      { name: "libmath.so", wasm: libs.math!, dlOpenable: false },
    ]);
    expect(await tools.componentWit(component)).toContain("export run: func(n: s32) -> s32;");
    // The constructor set counter to 5; each call adds 1 before calling add_base through the pointer.
    const [ours, jco] = await runBoth(component, [7, 7, 0]);
    expect(ours).toEqual([(7 + 100 + 6) * 2, (7 + 100 + 7) * 2, (0 + 100 + 8) * 2]);
    expect(jco).toEqual(ours);
  });

  it("dlopen and dlsym through the built-in libdl.so", async () => {
    const component = linkComponent(
      [
        { name: "libapp.so", wasm: withAppWorld(libs.dl!), dlOpenable: false },
        { name: "libc.so", wasm: libs.mini!, dlOpenable: false },
        { name: "libmath.so", wasm: libs.math!, dlOpenable: true },
      ],
      { useBuiltInLibdl: true },
    );
    const [ours, jco] = await runBoth(component, [7, -100]);
    expect(ours).toEqual([7 + 100 + 5, -100 + 100 + 5]);
    expect(jco).toEqual(ours);
  });

  it("names the library and the symbol that are missing", () => {
    expect(() => linkComponent([{ name: "libapp.so", wasm: withAppWorld(libs.app!), dlOpenable: false }])).toThrow(
      /unresolved symbol\(s\):\n\tlibapp\.so needs (counter|pick)/,
    );
  });

  it("--stub-missing-functions: a missing function traps only when called", async () => {
    const component = linkComponent([{ name: "libapp.so", wasm: withAppWorld(libs.dl!), dlOpenable: false }], {
      stubMissingFunctions: true,
    });
    const exports = await (await loadComponentHost(component)).instantiate({});
    expect(() => exports.run(1)).toThrow();
  });

  it("the CLI: witx-bindgen link LIB… --dl-openable LIB --use-built-in-libdl -o OUT", async () => {
    const app = path.join(dir, "libapp-with-world.so");
    fs.writeFileSync(app, withAppWorld(libs.dl!));
    const out = path.join(dir, "linked.wasm");
    const r = run(
      "link",
      `libapp.so=${app}`,
      `libc.so=${path.join(dir, "libmini.so")}`,
      "--dl-openable",
      path.join(dir, "libmath.so"),
      "--use-built-in-libdl",
      "-o",
      out,
    );
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const exports = await (await loadComponentHost(new Uint8Array(fs.readFileSync(out)))).instantiate({});
    expect(exports.run(1)).toBe(106);
  });

  it("the CLI: an unresolved symbol is an error, exit code 1", () => {
    const app = path.join(dir, "libapp-alone.so");
    fs.writeFileSync(app, withAppWorld(libs.app!));
    const r = run("link", app, "-o", path.join(dir, "x.wasm"));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error: unresolved symbol\(s\):/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
