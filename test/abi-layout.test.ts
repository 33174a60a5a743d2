/**
 * Unit tests of the canonical ABI layout (`ir/abi/layout.ts`) against the
 * component model's reference implementation, `definitions.py`.
 *
 * The expected values are in `fixtures/canonical-abi/layout.json`, generated
 * by `scripts/canonical-abi-fixtures.py` (see its header): a WIT package that
 * names every case, and for each case what definitions.py computes. Each
 * category is one test that lists every disagreeing case.
 */
import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import {
  AbiLayout,
  alignTo,
  discriminantSize,
  flagsSize,
  flattenFunctionType,
  joinCoreTypes,
  MAX_FLAT_PARAMS,
  MAX_FLAT_RESULTS,
  type CoreSignature,
  type CoreType,
} from "../ir/abi/layout.js";
import { loadWitText, renderDiagnostics, type Interface, type Resolve, type Type } from "../index.js";

interface TypeCase {
  name: string;
  desc: string;
  size: number;
  align: number;
  flat: CoreType[];
  /** Records and tuples. */
  offsets?: number[];
  /** Variants, enums, options and results. */
  discriminantSize?: number;
  payloadOffset?: number;
}

interface FunctionCase {
  name: string;
  desc: string;
  lift: CoreSignature;
  lower: CoreSignature;
}

interface ByteImage {
  type: string;
  value: unknown;
  bytes: string;
  padding?: number[];
  loaded: unknown;
}

interface Fixtures {
  wit: string[];
  interface: string;
  types: TypeCase[];
  functions: FunctionCase[];
  join: [CoreType, CoreType, CoreType][];
  images: ByteImage[];
}

const fixtures = JSON.parse(
  fs.readFileSync(new URL("./fixtures/canonical-abi/layout.json", import.meta.url), "utf8"),
) as Fixtures;

function loadInterface(text: string, name: string): { resolve: Resolve; iface: Interface } {
  const loaded = loadWitText(text, { fileName: "layout.wit" });
  if (!loaded.ok) throw new Error(renderDiagnostics(loaded.diagnostics));
  const id = loaded.resolve.packages[loaded.package].interfaces.get(name);
  if (id === undefined) throw new Error(`no interface ${name}`);
  return { resolve: loaded.resolve, iface: loaded.resolve.interfaces[id] };
}

const { resolve, iface } = loadInterface(fixtures.wit.join("\n"), fixtures.interface);
const layout = new AbiLayout(resolve);

function typeOf(name: string): Type {
  const id = iface.types.get(name);
  if (id === undefined) throw new Error(`the fixture package has no type ${name}`);
  return id;
}

/** Runs `check` on every case and collects its complaints, each naming the case. */
function mismatches<C extends { desc: string }>(
  cases: C[],
  name: (c: C) => string,
  check: (c: C) => string[],
): string[] {
  const out: string[] = [];
  for (const c of cases) {
    let problems: string[];
    try {
      problems = check(c);
    } catch (e) {
      problems = [`threw ${(e as Error).message}`];
    }
    for (const p of problems) out.push(`${name(c)} (${c.desc}): ${p}`);
  }
  return out;
}

function compare(what: string, ours: unknown, python: unknown): string[] {
  const a = JSON.stringify(ours);
  const b = JSON.stringify(python);
  return a === b ? [] : [`${what}: ours ${a}, definitions.py ${b}`];
}

const recordLike = fixtures.types.filter((c) => c.offsets !== undefined);
const variantLike = fixtures.types.filter((c) => c.discriminantSize !== undefined);

describe("canonical ABI layout against definitions.py", () => {
  it("the fixture package defines every case", () => {
    expect(fixtures.types.length).toBeGreaterThan(300);
    expect(fixtures.functions.length).toBeGreaterThan(50);
    const missing = [
      ...fixtures.types.filter((c) => !iface.types.has(c.name)),
      ...fixtures.functions.filter((c) => !iface.functions.has(c.name)),
    ].map((c) => c.name);
    expect(missing).toEqual([]);
  });

  it(`elem_size and alignment of ${fixtures.types.length} types`, () => {
    const bad = mismatches(
      fixtures.types,
      (c) => c.name,
      (c) => [
        ...compare("size", layout.size(typeOf(c.name)), c.size),
        ...compare("align", layout.align(typeOf(c.name)), c.align),
      ],
    );
    expect(bad).toEqual([]);
  });

  it(`flatten_type of ${fixtures.types.length} types`, () => {
    const bad = mismatches(
      fixtures.types,
      (c) => c.name,
      (c) => compare("flat", layout.flat(typeOf(c.name)), c.flat),
    );
    expect(bad).toEqual([]);
  });

  it(`field offsets of ${recordLike.length} records and tuples`, () => {
    const bad = mismatches(
      recordLike,
      (c) => c.name,
      (c) => {
        const r = layout.recordLayout(layout.recordFields(layout.shape(typeOf(c.name))));
        return [
          ...compare("offsets", r.offsets, c.offsets),
          ...compare("size", r.size, c.size),
          ...compare("align", r.align, c.align),
        ];
      },
    );
    expect(bad).toEqual([]);
  });

  it(`discriminant and payload offset of ${variantLike.length} variants, enums, options and results`, () => {
    const bad = mismatches(
      variantLike,
      (c) => c.name,
      (c) => {
        const v = layout.variantLayout(layout.variantCases(layout.shape(typeOf(c.name))));
        return [
          ...compare("discriminant size", v.discriminantSize, c.discriminantSize),
          ...compare("payload offset", v.payloadOffset, c.payloadOffset),
          ...compare("size", v.size, c.size),
          ...compare("align", v.align, c.align),
        ];
      },
    );
    expect(bad).toEqual([]);
  });

  for (const context of ["lift", "lower"] as const) {
    it(`flatten_functype of ${fixtures.functions.length} functions (${context})`, () => {
      const bad = mismatches(
        fixtures.functions,
        (c) => c.name,
        (c) => {
          const f = iface.functions.get(c.name)!;
          const ours = flattenFunctionType(
            layout,
            f.params.map((p) => p.type),
            f.result,
            context,
          );
          return compare("core signature", ours, c[context]);
        },
      );
      expect(bad).toEqual([]);
    });
  }

  it("the function cases spill parameters and results", () => {
    const lift = fixtures.functions.map((c) => c.lift);
    expect(lift.some((s) => s.paramsSpilled)).toBe(true);
    expect(lift.some((s) => s.resultsSpilled)).toBe(true);
    expect(lift.some((s) => s.paramsSpilled && s.resultsSpilled)).toBe(true);
    expect(lift.some((s) => !s.paramsSpilled && s.params.length === MAX_FLAT_PARAMS)).toBe(true);
  });

  it("join of every pair of core types", () => {
    const bad = fixtures.join
      .filter(([a, b, joined]) => joinCoreTypes(a, b) !== joined)
      .map(([a, b, joined]) => `join(${a}, ${b}): ours ${joinCoreTypes(a, b)}, definitions.py ${joined}`);
    expect(fixtures.join).toHaveLength(16);
    expect(bad).toEqual([]);
  });

  it(`${fixtures.images.length} byte images are as long as their type`, () => {
    const byName = new Map(fixtures.types.map((c) => [c.name, c]));
    const bad = fixtures.images.flatMap((img, i) => {
      const c = byName.get(img.type)!;
      return mismatches(
        [c],
        () => `image ${i} of ${img.type}`,
        () => [
          ...compare("bytes", img.bytes.length / 2, layout.size(typeOf(img.type))),
          ...(img.padding ?? []).filter((o) => o >= c.size).map((o) => `padding offset ${o} out of range`),
        ],
      );
    });
    expect(bad).toEqual([]);
  });
});

describe("layout helpers", () => {
  it("discriminantSize follows discriminant_type", () => {
    const sizes = [1, 2, 255, 256, 257, 65535, 65536, 65537, 2 ** 32 - 1].map((n) => [n, discriminantSize(n)]);
    expect(sizes).toEqual([
      [1, 1],
      [2, 1],
      [255, 1],
      [256, 1],
      [257, 2],
      [65535, 2],
      [65536, 2],
      [65537, 4],
      [2 ** 32 - 1, 4],
    ]);
    expect(() => discriminantSize(0)).toThrow(RangeError);
    expect(() => discriminantSize(2 ** 32)).toThrow(RangeError);
  });

  it("flagsSize follows elem_size_flags", () => {
    const sizes = [1, 8, 9, 16, 17, 32].map((n) => [n, flagsSize(n)]);
    expect(sizes).toEqual([
      [1, 1],
      [8, 1],
      [9, 2],
      [16, 2],
      [17, 4],
      [32, 4],
    ]);
    expect(() => flagsSize(0)).toThrow(RangeError);
    expect(() => flagsSize(33)).toThrow(RangeError);
  });

  it("joinCoreTypes widens to i32 or i64", () => {
    expect(joinCoreTypes("i32", "i32")).toBe("i32");
    expect(joinCoreTypes("f64", "f64")).toBe("f64");
    expect(joinCoreTypes("i32", "f32")).toBe("i32");
    expect(joinCoreTypes("f32", "i32")).toBe("i32");
    expect(joinCoreTypes("f32", "i64")).toBe("i64");
    expect(joinCoreTypes("f64", "i32")).toBe("i64");
    expect(joinCoreTypes("f32", "f64")).toBe("i64");
    expect(joinCoreTypes("i64", "f64")).toBe("i64");
  });

  it("alignTo rounds up to a multiple", () => {
    expect([0, 1, 4, 5, 8].map((n) => alignTo(n, 4))).toEqual([0, 4, 4, 8, 8]);
    expect(alignTo(3, 1)).toBe(3);
  });

  it("the flat limits are the spec's", () => {
    expect(MAX_FLAT_PARAMS).toBe(16);
    expect(MAX_FLAT_RESULTS).toBe(1);
  });

  it("follows aliases, including used types and aliases of aliases", () => {
    const { resolve, iface } = loadInterface(
      `package fx:alias;
interface i {
  record r { a: u8, b: u64 }
  type a = r;
  type b = a;
  type s = string;
  variant v { x(f32), y(u64) }
}
interface j {
  use i.{b, s, v};
  type c = b;
  type w = v;
  type o = option<w>;
  type t = tuple<c, s>;
  f: func(p: c, q: s) -> w;
}`,
      "j",
    );
    const layout = new AbiLayout(resolve);
    const i = resolve.interfaces.find((x) => x.name === "i")!;
    const j = iface;
    const r = i.types.get("r")!;
    const c = j.types.get("c")!;
    expect(layout.dealias(c)).toBe(r);
    expect(layout.dealias(j.types.get("s")!)).toBe("string");
    expect(layout.sizeAlign(c)).toEqual({ size: 16, align: 8 });
    expect(layout.flat(c)).toEqual(["i32", "i64"]);
    expect(layout.shape(c)).toEqual({ kind: "record", fields: ["u8", "u64"], id: r });
    expect(layout.recordLayout(layout.recordFields(layout.shape(c))).offsets).toEqual([0, 8]);
    const w = j.types.get("w")!;
    expect(layout.flat(w)).toEqual(["i32", "i64"]);
    expect(layout.variantLayout(layout.variantCases(layout.shape(w)))).toEqual({
      discriminantSize: 1,
      payloadOffset: 8,
      size: 16,
      align: 8,
    });
    expect(layout.flat(j.types.get("o")!)).toEqual(["i32", "i32", "i64"]);
    expect(layout.sizeAlign(j.types.get("t")!)).toEqual({ size: 24, align: 8 });
    expect(layout.flat(j.types.get("t")!)).toEqual(["i32", "i64", "i32", "i32"]);
    const f = j.functions.get("f")!;
    expect(
      flattenFunctionType(
        layout,
        f.params.map((p) => p.type),
        f.result,
        "lower",
      ),
    ).toEqual({ params: ["i32", "i64", "i32", "i32", "i32"], results: [], paramsSpilled: false, resultsSpilled: true });
  });
});
