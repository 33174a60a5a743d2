/**
 * Robustness property test for the WIT front-end.
 *
 * 12,500 generated inputs go through `parseWitFile` and `loadWitText` (parse
 * + resolve), and for every input:
 *
 * 1. no exception escapes;
 * 2. the result is either ok, or carries at least one diagnostic, and every
 *    diagnostic has a span inside the input and a location, except for an
 *    explicit allow-list of messages that wit-parser itself reports without
 *    a span;
 * The counts per group are printed when the file finishes. How long inputs
 * take is not asserted here (no test depends on timing): the front-end
 * benchmark (`npm run bench:frontend`) measures speed.
 *
 * Inputs:
 * (a) mutations of realistic WIT seed documents: tokens deleted, duplicated,
 *     swapped, replaced or inserted, identifiers replaced, truncation, and
 *     random characters inserted;
 * (b) random token sequences over the WIT vocabulary, bare or inside a valid
 *     skeleton;
 * (c) random Unicode strings full of control, bidi, lone surrogate, `\r` and
 *     BOM characters;
 * (d) random syntactically valid documents, most of which resolve, to reach
 *     the resolver's checks;
 * (e) nesting around the parser's depth limits.
 * The generators live in `fuzz/wit-inputs.ts`, shared with `npm run fuzz`,
 * which runs many more of them (and the generators) with a watchdog.
 * Fixed pathological inputs (10,000 nested `list<`, 5,000 nested packages,
 * thousands of errors) must end with a diagnostic and without a
 * stack overflow.
 *
 * Every `fc.assert` has a fixed seed, so runs are reproducible; fast-check
 * prints the shrunk counterexample when a property fails.
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { loadWitText, type LoadOptions } from "../index.js";
import { parseWitFile } from "../parser/index.js";
import {
  charArb,
  documentArb,
  mutatedSeedArb,
  optionsArb,
  packageNestingArb,
  randomStringArb,
  SEEDS,
  SPANLESS_MESSAGES,
  spanInText,
  tokenize,
  tokenStreamArb,
  typeNestingArb,
} from "../fuzz/wit-inputs.js";

// ---------------------------------------------------------------------------
// The property itself.
// ---------------------------------------------------------------------------

const FILE_NAME = "fuzz.wit";
interface Stats {
  inputs: number;
  ok: number;
  withDiagnostics: number;
}

/** Per-group statistics, printed when the file finishes. */
const stats = new Map<string, Stats>();

function statsFor(group: string): Stats {
  let s = stats.get(group);
  if (!s) stats.set(group, (s = { inputs: 0, ok: 0, withDiagnostics: 0 }));
  return s;
}

function describeDiagnostic(d: unknown): string {
  return JSON.stringify(d, null, 2);
}

/** Runs one input through the front-end and checks the three properties; throws on a violation. */
function checkInput(group: string, text: string, options: LoadOptions = {}): ReturnType<typeof loadWitText> {
  const st = statsFor(group);
  st.inputs++;

  // (1) parseWitFile never throws, and its problems lie inside the text.
  const parsed = parseWitFile(text);
  if (parsed.problems.length > 0) {
    expect(parsed.file, "a file with problems has no AST").toBeUndefined();
  } else {
    expect(parsed.file, "a file without problems has an AST").toBeDefined();
  }
  for (const p of parsed.problems) {
    expect(typeof p.message === "string" && p.message.length > 0, `empty problem message: ${JSON.stringify(p)}`).toBe(
      true,
    );
    expect(
      spanInText(p.span, text),
      `problem span outside the text (length ${text.length}): ${JSON.stringify(p)}`,
    ).toBe(true);
  }

  // (1) loadWitText never throws (a non-WitError would escape from it here).
  const result = loadWitText(text, { ...options, fileName: FILE_NAME });

  // (2) ok, or at least one diagnostic, each located in the input.
  if (result.ok) {
    st.ok++;
    return result;
  }
  st.withDiagnostics++;
  expect(result.diagnostics.length, "a failed load has at least one diagnostic").toBeGreaterThan(0);
  for (const d of result.diagnostics) {
    expect(typeof d.message === "string" && d.message.length > 0, `empty message: ${describeDiagnostic(d)}`).toBe(true);
    expect(typeof d.rendered === "string" && d.rendered.length > 0, `empty rendering: ${describeDiagnostic(d)}`).toBe(
      true,
    );
    if (d.span === undefined) {
      expect(
        SPANLESS_MESSAGES.some((re) => re.test(d.message)),
        `diagnostic without a span (not an allow-listed wit-parser message): ${describeDiagnostic(d)}`,
      ).toBe(true);
      continue;
    }
    expect(
      spanInText(d.span, text),
      `diagnostic span outside the text (length ${text.length}): ${describeDiagnostic(d)}`,
    ).toBe(true);
    expect(d.location, `diagnostic with a span but no location: ${describeDiagnostic(d)}`).toBeDefined();
    const loc = d.location!;
    expect(loc.path).toBe(FILE_NAME);
    expect(loc.line >= 1 && loc.column >= 1, `bad location: ${describeDiagnostic(d)}`).toBe(true);
    expect(
      d.rendered.includes(`${loc.path}:${loc.line}:${loc.column}`),
      `rendering does not show the location: ${describeDiagnostic(d)}`,
    ).toBe(true);
  }
  return result;
}

// ---------------------------------------------------------------------------
// Tests.
// ---------------------------------------------------------------------------

const SEED = 20240611;

describe("front-end robustness (property)", () => {
  afterAll(() => {
    let inputs = 0;
    const lines = [];
    for (const [group, s] of stats) {
      inputs += s.inputs;
      lines.push(`  ${group}: ${s.inputs} inputs (${s.ok} ok, ${s.withDiagnostics} with diagnostics)`);
    }
    console.log(`[property] ${inputs} inputs\n${lines.join("\n")}`);
  });

  it("every seed document loads without problems", () => {
    for (const seed of SEEDS) {
      for (const options of [{}, { allFeatures: true }]) {
        const r = loadWitText(seed, { ...options, fileName: FILE_NAME });
        expect(r.ok ? [] : r.diagnostics.map((d) => d.rendered), seed).toEqual([]);
      }
    }
  });

  it("the mutation tokenizer is lossless", () => {
    for (const seed of SEEDS) expect(tokenize(seed).join("")).toBe(seed);
    fc.assert(
      fc.property(fc.string({ unit: charArb, maxLength: 100 }), (s) => tokenize(s).join("") === s),
      { numRuns: 300, seed: SEED },
    );
  });

  // The five generated groups: 4,000 + 4,000 + 2,000 + 1,500 + 1,000 = 12,500 inputs.

  it("(a) mutated seed documents: 4,000 inputs", { timeout: 120_000 }, () => {
    fc.assert(
      fc.property(mutatedSeedArb, optionsArb, (text, options) => {
        checkInput("(a) mutations", text, options);
      }),
      { numRuns: 4000, seed: SEED },
    );
  });

  it("(b) random WIT token streams: 4,000 inputs", { timeout: 120_000 }, () => {
    fc.assert(
      fc.property(tokenStreamArb, optionsArb, (text, options) => {
        checkInput("(b) token streams", text, options);
      }),
      { numRuns: 4000, seed: SEED + 1 },
    );
  });

  it("(c) random Unicode strings: 2,000 inputs", { timeout: 120_000 }, () => {
    fc.assert(
      fc.property(randomStringArb, (text) => {
        checkInput("(c) unicode strings", text);
      }),
      { numRuns: 2000, seed: SEED + 2 },
    );
  });

  it("(d) random syntactically valid documents: 1,500 inputs", { timeout: 120_000 }, () => {
    fc.assert(
      fc.property(documentArb, optionsArb, (text, options) => {
        checkInput("(d) valid-syntax documents", text, options);
      }),
      { numRuns: 1500, seed: SEED + 3 },
    );
  });

  it("(e) nesting around the depth limits: 1,000 inputs", { timeout: 120_000 }, () => {
    fc.assert(
      fc.property(fc.oneof(typeNestingArb, packageNestingArb), (text) => {
        checkInput("(e) near-limit nesting", text);
      }),
      { numRuns: 1000, seed: SEED + 4 },
    );
  });

  describe("pathological inputs end with a diagnostic and without a stack overflow", () => {
    const deep = (open: string, inner: string, close: string, n: number) => open.repeat(n) + inner + close.repeat(n);

    const cases: { name: string; text: string; message: string }[] = [
      {
        name: "10,000 nested list<",
        text: `package a:b;\ninterface i {\n  type t = ${deep("list<", "u8", ">", 10_000)};\n}\n`,
        message: "type nesting too deep",
      },
      {
        name: "10,000 nested option<result<tuple< in a result type",
        text: `package a:b;\ninterface i {\n  f: func() -> ${deep("option<result<tuple<", "u8", ">>>", 3_334)};\n}\n`,
        message: "type nesting too deep",
      },
      {
        name: "10,000 unclosed list<",
        text: `package a:b;\ninterface i {\n  type t = ${"list<".repeat(10_000)}`,
        message: "type nesting too deep",
      },
      {
        name: "5,000 nested package a:b {",
        text: `package x:y;\n${deep("package a:b {\n", "", "}\n", 5_000)}`,
        message: "package nesting too deep",
      },
      {
        name: "5,000 unclosed package a:b {",
        text: "package a:b {\n".repeat(5_000),
        message: "package nesting too deep",
      },
      {
        name: "100,000 nested block comments",
        text: `package a:b;\n${deep("/*", "", "*/", 100_000)}\ninterface i {}\n`,
        message: "",
      },
      {
        name: "100,000 unclosed braces",
        text: `package a:b;\ninterface i ${"{".repeat(100_000)}`,
        message: "expected `type`, `resource` or `func`, found '{'",
      },
      {
        name: "5,000 unexpected characters",
        text: `package a:b;\n${"$\n".repeat(5_000)}`,
        message: "unexpected character '$'",
      },
      {
        name: "5,000 syntax errors",
        text: `package a:b;\ninterface i {\n${"  x: ;\n".repeat(5_000)}}\n`,
        message: "expected keyword `func`, found ';'",
      },
    ];

    for (const c of cases) {
      it(c.name, { timeout: 60_000 }, () => {
        const r = checkInput("pathological", c.text);
        if (c.message === "") {
          expect(r.ok ? [] : r.diagnostics.map((d) => d.rendered)).toEqual([]);
        } else {
          expect(r.ok).toBe(false);
          if (!r.ok) expect(r.diagnostics.map((d) => d.message)).toContain(c.message);
        }
      });
    }
  });
});
