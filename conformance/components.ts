/**
 * Conformance of the component encoding against wit-component's own tests
 * (`wit-component/components` and `wit-component/interfaces` in the corpus),
 * with wasm-tools (as jco ships it, compiled to wasm) as the judge:
 *
 * - components: each single-module case (`module.wat` + `module.wit`): the
 *   module is assembled with wasm-tools' `parse`, given its `component-type`
 *   section by our `embed`, and wrapped by our `component` from that section
 *   alone; the component must validate and print (`component wit`) as
 *   `component.wit.print`. Each `error-*` case must be refused with our
 *   error. Cases with adapters, linker libraries or `;;!` options are
 *   counted apart.
 * - interfaces: each package encoded by us as a WIT package component must
 *   equal wit-component's encoding of it (the case's `.wat`).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { loadWitPath, renderDiagnostics } from "../index.js";
import {
  ComponentEncodingError,
  componentNew,
  embedMetadata,
  encodeWitPackage,
  linkComponent,
  type LinkComponentOptions,
} from "../encoding/index.js";
import type { LinkInput } from "../encoding/link/index.js";
import { DecodeError } from "../encoding/decode/index.js";
import { BinaryError, readSections } from "../encoding/reader.js";

export interface SuiteResult {
  name: string;
  passed: number;
  total: number;
  failures: string[];
  uncounted?: boolean;
}

interface WasmTools {
  parse(wat: string): Promise<Uint8Array>;
  componentWit(bytes: Uint8Array): Promise<string>;
}

async function wasmTools(): Promise<WasmTools | undefined> {
  try {
    return (await import("@bytecodealliance/jco-transpile/wasm-tools")) as unknown as WasmTools;
  } catch {
    return undefined;
  }
}

function firstLine(e: unknown): string {
  return String(e instanceof Error ? e.message : e)
    .split("\n")[0]!
    .slice(0, 240);
}

function isOurError(e: unknown): boolean {
  return e instanceof ComponentEncodingError || e instanceof DecodeError || e instanceof BinaryError;
}

export async function componentSuites(corpus: string, verbose: boolean): Promise<SuiteResult[]> {
  const root = path.join(corpus, "wit-component");
  if (!fs.existsSync(root)) return [];
  const tools = await wasmTools();
  if (!tools) {
    return [
      {
        name: "wit-component: skipped (the devDependency @bytecodealliance/jco-transpile is not installed)",
        passed: 0,
        total: 0,
        failures: [],
        uncounted: true,
      },
    ];
  }
  return [
    ...(await components(path.join(root, "components"), tools, verbose)),
    ...(await interfaces(path.join(root, "interfaces"), tools, verbose)),
  ];
}

/** The `;;!` configuration lines of a case's `.wat` files (TOML `key = value` pairs), as wit-component's tests read them. */
function caseConfig(caseDir: string, files: string[]): Map<string, string> {
  const config = new Map<string, string>();
  for (const f of files.filter((f) => f.endsWith(".wat") && f !== "component.wat").sort()) {
    for (const raw of fs.readFileSync(path.join(caseDir, f), "utf8").split("\n")) {
      const line = raw.trim();
      if (line.startsWith(";;!")) {
        const m = /^([a-z-]+)\s*=\s*(.*)$/.exec(line.slice(3).trim());
        if (m) config.set(m[1]!, m[2]!.trim());
      } else if (line !== "" && !line.startsWith(";;")) break;
    }
  }
  return config;
}

/** The import module name an adapter implements: its `;; module name:` line, else its file name. */
function adapterName(wat: string, stem: string): string {
  for (const raw of wat.split("\n")) {
    const line = raw.trim();
    if (line !== "" && !line.startsWith(";;")) break;
    if (line.startsWith(";; module name: ")) return line.slice(";; module name: ".length);
  }
  return stem.slice("adapt-".length);
}

/** The encoder options a `;;!` configuration names, or why the case cannot run. */
function encoderOptions(config: Map<string, string>): LinkComponentOptions | string {
  const out: LinkComponentOptions = {};
  for (const [key, value] of config) {
    if (key === "realloc-via-memory-grow") out.reallocViaMemoryGrow = value === "true";
    else if (key === "return-call-ref") out.returnCallRef = value === "true";
    else if (key === "stub-missing-functions") out.stubMissingFunctions = value === "true";
    else if (key === "use-built-in-libdl") out.useBuiltInLibdl = value === "true";
    else return `option \`${key}\` is not supported`;
  }
  return out;
}

async function components(dir: string, tools: WasmTools, verbose: boolean): Promise<SuiteResult[]> {
  const plain: SuiteResult = { name: "wit-component components: component new", passed: 0, total: 0, failures: [] };
  const adapted: SuiteResult = {
    name: "wit-component components: component new --adapt",
    passed: 0,
    total: 0,
    failures: [],
  };
  const optioned: SuiteResult = {
    name: "wit-component components: ;;! encoder options",
    passed: 0,
    total: 0,
    failures: [],
  };
  const linked: SuiteResult = {
    name: "wit-component components: link (lib-*, dlopen-lib-*)",
    passed: 0,
    total: 0,
    failures: [],
  };
  for (const name of fs.readdirSync(dir).sort()) {
    const caseDir = path.join(dir, name);
    const files = fs.readdirSync(caseDir);
    const libFiles = files.filter((f) => /^(dlopen-)?lib-.*\.wat$/.test(f)).sort();
    const isLink = !files.includes("module.wat");
    const adapterFiles = files.filter((f) => f.startsWith("adapt-") && f.endsWith(".wat")).sort();
    const config = caseConfig(caseDir, files);
    const result = isLink ? linked : config.size > 0 ? optioned : adapterFiles.length > 0 ? adapted : plain;
    result.total++;
    const expectError = files.includes("error.txt");
    const fail = (why: string) => result.failures.push(`${name}: ${why}`);
    const options = encoderOptions(config);
    if (typeof options === "string") {
      fail(options);
      continue;
    }
    const embedWorld = async (file: string): Promise<Uint8Array | string> => {
      const stem = file.slice(0, -4);
      const loaded = loadWitPath(caseDir, { world: stem, allFeatures: true });
      if (!loaded.ok) return `WIT: ${renderDiagnostics(loaded.diagnostics).split("\n")[0]}`;
      const core = await tools.parse(fs.readFileSync(path.join(caseDir, file), "utf8"));
      return embedMetadata(core, loaded.resolve, loaded.world!);
    };
    let component: Uint8Array;
    try {
      const adapters: { name: string; wasm: Uint8Array }[] = [];
      let wit: string | undefined;
      for (const f of adapterFiles) {
        const wasm = await embedWorld(f);
        if (typeof wasm === "string") {
          wit = wasm;
          break;
        }
        adapters.push({ name: adapterName(fs.readFileSync(path.join(caseDir, f), "utf8"), f.slice(0, -4)), wasm });
      }
      if (wit !== undefined) {
        fail(wit);
        continue;
      }
      if (isLink) {
        const libs: LinkInput[] = [];
        for (const f of libFiles) {
          const wasm = await embedWorld(f);
          if (typeof wasm === "string") {
            wit = wasm;
            break;
          }
          const dlOpenable = f.startsWith("dlopen-");
          const stem = f.slice(0, -4).slice(dlOpenable ? "dlopen-lib-".length : "lib-".length);
          const named = adapterName(fs.readFileSync(path.join(caseDir, f), "utf8"), `adapt-${stem}`);
          libs.push({ name: named, wasm, dlOpenable });
        }
        if (wit !== undefined) {
          fail(wit);
          continue;
        }
        component = linkComponent(libs, { ...options, adapters });
      } else {
        const main = await embedWorld("module.wat");
        if (typeof main === "string") {
          fail(main);
          continue;
        }
        component = componentNew(main, undefined, { ...options, adapters });
      }
    } catch (e) {
      if (expectError && isOurError(e)) {
        result.passed++;
        if (verbose) console.log(`    ${name}: refused: ${firstLine(e)}`);
      } else fail(expectError ? `refused, but not by a clear error: ${firstLine(e)}` : firstLine(e));
      continue;
    }
    if (expectError) {
      fail(`accepted, expected: ${fs.readFileSync(path.join(caseDir, "error.txt"), "utf8").trim().split("\n")[0]}`);
      continue;
    }
    let printed: string;
    try {
      printed = await tools.componentWit(component);
    } catch (e) {
      fail(`invalid component: ${firstLine(e)}`);
      continue;
    }
    const expected = fs.readFileSync(path.join(caseDir, "component.wit.print"), "utf8");
    if (printed.trim() === expected.trim()) result.passed++;
    else fail("printed WIT differs from component.wit.print");
  }
  return [plain, adapted, optioned, linked];
}

/** The sections of a binary other than custom sections, for comparing encodings. */
/** `bytes` without its `producers` custom section (the tool's own name and version). */
function withoutProducers(bytes: Uint8Array): Buffer {
  const parts: Uint8Array[] = [bytes.subarray(0, 8)];
  for (const s of readSections(bytes)) if (s.name !== "producers") parts.push(bytes.subarray(s.offset, s.end));
  return Buffer.concat(parts);
}

/**
 * wasm-tools as jco ships it cannot print a WIT package component (its
 * `component wit` only takes components), so each case's expected encoding,
 * the `.wat` wit-component wrote, is assembled instead, and our bytes must
 * equal it, `package-docs` section included (`producers` aside).
 */
async function interfaces(dir: string, tools: WasmTools, verbose: boolean): Promise<SuiteResult[]> {
  const result: SuiteResult = {
    name: "wit-component interfaces: our package encoding equals the expected .wat",
    passed: 0,
    total: 0,
    failures: [],
  };
  for (const entry of fs.readdirSync(dir).sort()) {
    if (!entry.endsWith(".wat")) continue;
    const name = entry.slice(0, -4);
    const input = [path.join(dir, name), path.join(dir, `${name}.wit`)].find((p) => fs.existsSync(p));
    if (!input) continue;
    result.total++;
    const loaded = loadWitPath(input, { allFeatures: true });
    if (!loaded.ok) {
      result.failures.push(`${name}: WIT: ${renderDiagnostics(loaded.diagnostics).split("\n")[0]}`);
      continue;
    }
    try {
      const expected = await tools.parse(fs.readFileSync(path.join(dir, entry), "utf8"));
      const ours = encodeWitPackage(loaded.resolve, loaded.package);
      if (withoutProducers(ours).equals(withoutProducers(expected))) result.passed++;
      else result.failures.push(`${name}: encoding differs`);
    } catch (e) {
      result.failures.push(`${name}: ${firstLine(e)}`);
    }
    if (verbose) console.log(`    ${name}`);
  }
  return [result];
}
