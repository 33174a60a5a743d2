/**
 * Byte images of the canonical ABI, through the generated TypeScript host,
 * against the spec's reference implementation (`definitions.py`, whose
 * `store` and `load` produced `test/fixtures/canonical-abi/layout.json`).
 *
 * For each pointer-free type T of the fixtures, a guest exports
 * `get-N: func() -> tuple<T, u8>` and returns a pointer to the bytes the test
 * wrote: the host *lifts* them, and must read the value `load` read. The
 * guest also calls the host's `put-N: func() -> tuple<T, u8>` with a return
 * pointer: the host *lowers* the value into guest memory, and must write the
 * bytes `store` wrote (padding aside).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { AbiLayout, loadWitText, type Resolve, type Type } from "../index.js";
import { loadHost, wat, type HostModule } from "./helpers/host.js";

interface Image {
  type: string;
  value: unknown;
  bytes: string;
  padding?: number[];
  loaded: unknown;
}

const fixtures = JSON.parse(
  fs.readFileSync(
    path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures/canonical-abi/layout.json"),
    "utf8",
  ),
) as { wit: string[]; images: Image[] };

const names = [...new Set(fixtures.images.map((i) => i.type))];
const index = new Map(names.map((n, i) => [n, i]));
// The fixture's types, without its function cases (some use the async ABI's types).
const typesWit = fixtures.wit
  .filter((line) => !/^\s*fn\d+: func/.test(line))
  .join("\n")
  .replace(/^package fx:t;/m, "");

const wit = `package fx:t;
${typesWit}
interface host {
  use i.{${names.join(", ")}};
${names.map((n, i) => `  put${i}: func() -> tuple<${n}, u8>;`).join("\n")}
}
interface api {
  use i.{${names.join(", ")}};
${names.map((n, i) => `  get${i}: func() -> tuple<${n}, u8>;\n  put${i}: func();`).join("\n")}
}
world images {
  import host;
  export api;
}`;

const guest = `(module
  (import "test" "memory" (memory 1))
  (import "test" "where" (func $where (result i32)))
${names.map((_, i) => `  (import "fx:t/host" "put${i}" (func $put${i} (param i32)))`).join("\n")}
  (export "memory" (memory 0))
  (global $next (mut i32) (i32.const 32768))
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $p i32)
    (local.set $p (i32.and (i32.add (global.get $next) (i32.sub (local.get 2) (i32.const 1)))
                           (i32.sub (i32.const 0) (local.get 2))))
    (global.set $next (i32.add (local.get $p) (local.get 3)))
    (local.get $p))
${names
  .map(
    (_, i) =>
      `  (func (export "fx:t/api#get${i}") (result i32) (call $where))\n` +
      `  (func (export "fx:t/api#put${i}") (call $put${i} (call $where)))`,
  )
  .join("\n")}
)`;

/** The fixture's JSON value of type `t` as the host represents it in JS. */
function toJs(resolve: Resolve, layout: AbiLayout, t: Type, v: unknown): unknown {
  t = layout.dealias(t);
  if (typeof t === "string") {
    if (t === "u64" || t === "s64") return BigInt(v as string | number);
    if (t === "f32" || t === "f64") {
      if (v === "nan") return NaN;
      if (v === "inf") return Infinity;
      if (v === "-inf") return -Infinity;
      return v;
    }
    return v;
  }
  const kind = resolve.types[t].kind;
  const one = (o: unknown): [string, unknown] => Object.entries(o as object)[0] as [string, unknown];
  switch (kind.kind) {
    case "record":
      return Object.fromEntries(
        kind.fields.map((f) => [f.name, toJs(resolve, layout, f.type, (v as Record<string, unknown>)[f.name])]),
      );
    case "tuple":
      return kind.types.map((x, i) => toJs(resolve, layout, x, (v as unknown[])[i]));
    case "fixed-length-list": {
      const items = (v as unknown[]).map((x) => toJs(resolve, layout, kind.type, x));
      return items;
    }
    case "flags":
      return Object.fromEntries(kind.flags.map((f) => [f.name, (v as Record<string, boolean>)[f.name]]));
    case "enum":
      return one(v)[0];
    case "variant": {
      const [tag, val] = one(v);
      const c = kind.cases.find((x) => x.name === tag)!;
      return c.type === undefined ? { tag } : { tag, val: toJs(resolve, layout, c.type, val) };
    }
    case "option": {
      const [tag, val] = one(v);
      const inner = layout.dealias(kind.type);
      const tagged = typeof inner === "number" && resolve.types[inner].kind.kind === "option";
      const payload = tag === "none" ? undefined : toJs(resolve, layout, kind.type, val);
      if (!tagged) return payload;
      return tag === "none" ? { tag: "none" } : { tag: "some", val: payload };
    }
    case "result": {
      const [tag, val] = one(v);
      const payload = tag === "ok" ? kind.ok : kind.err;
      return {
        tag: tag === "ok" ? "ok" : "err",
        val: payload === undefined ? undefined : toJs(resolve, layout, payload, val),
      };
    }
    default:
      throw new Error(`no JS form for ${kind.kind}`);
  }
}

function hexOf(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

describe("canonical ABI byte images through the TypeScript host", () => {
  let host: HostModule;
  let resolve: Resolve;
  let layout: AbiLayout;
  const typeIds = new Map<string, number>();

  beforeAll(async () => {
    const loaded = loadWitText(wit, { world: "images", fileName: "images.wit" });
    if (!loaded.ok) throw new Error(loaded.diagnostics.map((d) => d.rendered).join("\n"));
    resolve = loaded.resolve;
    layout = new AbiLayout(resolve);
    for (const iface of resolve.interfaces)
      if (iface.name === "i") for (const [n, id] of iface.types) typeIds.set(n, id);
    host = await loadHost(wit, { world: "images" });
  }, 120_000);

  async function instance() {
    const memory = new WebAssembly.Memory({ initial: 1 });
    let where = 1024;
    let next: unknown;
    const puts: Record<string, () => unknown> = {};
    names.forEach((_, i) => (puts[`put${i}`] = () => next));
    const exports = await host.instantiate(
      await wat(guest),
      { "fx:t/host": puts },
      {
        coreImports: { test: { memory, where: () => where } },
      },
    );
    return {
      api: exports.api,
      memory,
      setWhere(w: number) {
        where = w;
      },
      setNext(v: unknown) {
        next = v;
      },
    };
  }

  it("lifts what `load` reads", async () => {
    const { api, memory } = await instance();
    const failures: string[] = [];
    for (const image of fixtures.images) {
      const i = index.get(image.type)!;
      const bytes = Buffer.from(image.bytes, "hex");
      const view = new Uint8Array(memory.buffer);
      view.fill(0, 1024, 1024 + bytes.length + 8);
      view.set(bytes, 1024);
      view[1024 + bytes.length] = 7; // the tuple's u8 (past T's size, which is a multiple of its alignment)
      const expected = toJs(resolve, layout, typeIds.get(image.type)!, image.loaded);
      try {
        const [value] = api[`get${i}`]() as [unknown, number];
        if (!deepEqual(value, expected))
          failures.push(`${image.type} ${image.bytes}: got ${show(value)}, want ${show(expected)}`);
      } catch (e) {
        failures.push(`${image.type} ${image.bytes}: ${String(e)}`);
        break;
      }
    }
    expect(failures).toEqual([]);
  });

  it("lowers to the bytes `store` writes", async () => {
    const { api, memory, setNext } = await instance();
    const failures: string[] = [];
    for (const image of fixtures.images) {
      const i = index.get(image.type)!;
      const bytes = Buffer.from(image.bytes, "hex");
      const value = toJs(resolve, layout, typeIds.get(image.type)!, image.value);
      setNext([value, 0]);
      new Uint8Array(memory.buffer).fill(0xa5, 1024, 1024 + bytes.length + 8);
      try {
        api[`put${i}`]();
      } catch (e) {
        failures.push(`${image.type} ${show(value)}: ${String(e)}`);
        break;
      }
      const written = new Uint8Array(memory.buffer).slice(1024, 1024 + bytes.length);
      for (const p of image.padding ?? []) {
        written[p] = 0;
        bytes[p] = 0;
      }
      if (hexOf(written) !== hexOf(bytes))
        failures.push(`${image.type} ${show(value)}: wrote ${hexOf(written)}, want ${hexOf(bytes)}`);
    }
    expect(failures).toEqual([]);
  });
});

function show(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? `${x}n` : Number.isNaN(x) ? "NaN" : x));
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (typeof a === "number" && typeof b === "number") return Object.is(a, b) || a === b;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
