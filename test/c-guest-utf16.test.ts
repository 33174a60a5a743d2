/**
 * End-to-end test of the C guest bindings generated with
 * `stringEncoding: "utf16"`: test/guests/c/utf16.c works on strings of
 * `uint16_t` code units (astral code points as surrogate pairs), with
 * `char16_t` literals copied by the generated `*_string_dup`. The core module
 * runs (a) in our TypeScript host generated for a UTF-16 guest and (b) as a
 * component made by jco's `componentNew` from the section the `.c` embeds
 * (which records the UTF-16 encoding) and (c) by `componentEmbed` with
 * `stringEncoding: "utf16"` + `componentNew`, both transpiled by jco. Every
 * run must give the expected strings both ways (non-ASCII, astral, empty,
 * lists, imports), the host must see the same arguments, and the guest must
 * hold no allocation after any call.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadHost } from "./helpers/host.js";
import { loadJco } from "./helpers/jco.js";
import { skipReason, wasmClang } from "./helpers/toolchains.js";
import { buildGuest, guestsDir, jcoFromEmbedded, plain } from "./guests/c/harness.js";
import { loadComponentHost } from "./helpers/component-host.js";

const wit = fs.readFileSync(path.join(guestsDir, "utf16.wit"), "utf8");
const reason = skipReason(wasmClang());

interface Case {
  fn: string;
  args: unknown[];
  /** The expected result, or the payload of the expected `ComponentError`. */
  value?: unknown;
  error?: unknown;
}

const astral = "𝄞🎉😀"; // three surrogate pairs
const cases: Case[] = [
  { fn: "echo", args: ["héllo wörld"], value: "héllo wörld" },
  { fn: "echo", args: [""], value: "" },
  { fn: "echo", args: [astral], value: astral },
  { fn: "echo", args: ["日本語テキスト\u0000nul"], value: "日本語テキスト\u0000nul" },
  { fn: "reversePoints", args: ["abc"], value: "cba" },
  { fn: "reversePoints", args: ["a😀b🎉"], value: "🎉b😀a" },
  { fn: "reversePoints", args: [""], value: "" },
  { fn: "measure", args: ["a😀é"], value: { label: "«a😀é»", units: 4, points: 3 } },
  { fn: "measure", args: [""], value: { label: "«»", units: 0, points: 0 } },
  { fn: "measure", args: [astral], value: { label: `«${astral}»`, units: 6, points: 3 } },
  { fn: "charAt", args: ["x🎉y", 1], value: "🎉" },
  { fn: "charAt", args: ["x🎉y", 2], value: "y" },
  { fn: "charAt", args: ["€", 0], value: "€" },
  { fn: "charAt", args: ["x🎉y", 3], value: undefined },
  { fn: "fromChars", args: [["H", "ï", "😀", "\u{10FFFF}", "中"]], value: "Hï😀\u{10FFFF}中" },
  { fn: "fromChars", args: [[]], error: "no chars ∅" },
  { fn: "literal", args: [], value: "Grüße, 世界 🌍!" },
  { fn: "reverseList", args: [["a", "𝄞", "", "ü"]], value: ["ü", "", "𝄞", "a"] },
  { fn: "reverseList", args: [[]], value: [] },
  { fn: "reverseList", args: [["only"]], value: ["only"] },
  { fn: "lengths", args: [["a", "😀", "", "ab😀"]], value: [1, 2, 0, 4] },
  { fn: "lengths", args: [[]], value: [] },
  { fn: "callHost", args: ["·", ["α", "🎉", ""]], value: "α·🎉·|ä,𝄞,,z" },
  { fn: "callHost", args: ["", []], value: "|ä,𝄞,,z" },
];

/** The host side of `test:c-utf16/host`, and a log of what the guest passed. */
function hostImports(log: unknown[]) {
  return {
    "test:c-utf16/host": {
      decorate(s: string, parts: string[]) {
        log.push(["decorate", s, parts]);
        return parts.join(s);
      },
      names() {
        log.push(["names"]);
        return ["ä", "𝄞", "", "z"];
      },
    },
  };
}

type Outcome = { value: unknown } | { error: unknown };

function call(exports: Record<string, any>, c: Case): Outcome {
  try {
    return { value: plain(exports.strings[c.fn](...c.args)) };
  } catch (e) {
    const payload = (e as { payload?: unknown }).payload;
    if (payload === undefined) throw e;
    return { error: payload };
  }
}

const show = (args: unknown[]) => args.map((a) => JSON.stringify(a)).join(", ");

const runNames = {
  ours: "in our TypeScript host (UTF-16)",
  embedded: "as a jco component from the embedded section",
  embed: "as a jco component made with componentEmbed (utf16)",
  transpiled: "as the embedded-section component through our transpile",
};

describe.skipIf(reason)("C guest: UTF-16 strings", () => {
  let core: Uint8Array;
  const runs: Record<string, { exports: Record<string, any>; log: unknown[] }> = {};

  beforeAll(async () => {
    core = buildGuest(wit, "utf16-guest", ["utf16.c"], { stringEncoding: "utf16" });
    const host = await loadHost(wit, { world: "utf16-guest", stringEncoding: "utf16" });
    const log = (): unknown[] => [];
    const ours = log();
    runs.ours = {
      exports: await host.instantiate(await WebAssembly.compile(core as BufferSource), hostImports(ours)),
      log: ours,
    };
    const embedded = log();
    const fromSection = await jcoFromEmbedded(core);
    runs.embedded = { exports: await fromSection.instantiate(hostImports(embedded)), log: embedded };
    const transpiled = log();
    runs.transpiled = {
      exports: await (await loadComponentHost(fromSection.component)).instantiate(hostImports(transpiled)),
      log: transpiled,
    };
    const embed = log();
    const viaEmbed = await loadJco(core, wit, { world: "utf16-guest", stringEncoding: "utf16" });
    runs.embed = { exports: await viaEmbed.instantiate(hostImports(embed)), log: embed };
  }, 120_000);

  for (const [run, title] of Object.entries(runNames)) {
    describe(title, () => {
      for (const c of cases) {
        it(`${c.fn}(${show(c.args)})`, () => {
          const { exports } = runs[run];
          const outcome = call(exports, c);
          if ("error" in c) expect(outcome).toEqual({ error: c.error });
          else expect(outcome).toEqual({ value: c.value });
          expect(exports.liveAllocations(), "allocations left after the call").toBe(0);
        });
      }

      it("repeating every scenario leaks nothing", () => {
        const { exports } = runs[run];
        for (let round = 0; round < 20; round++) for (const c of cases) call(exports, c);
        expect(exports.liveAllocations()).toBe(0);
      });
    });
  }

  it("the host saw the same arguments in every run", () => {
    expect(runs.ours.log).toContainEqual(["decorate", "·", ["α", "🎉", ""]]);
    expect(plain(runs.embedded.log)).toEqual(plain(runs.ours.log));
    expect(plain(runs.embed.log)).toEqual(plain(runs.ours.log));
    expect(plain(runs.transpiled.log)).toEqual(plain(runs.ours.log));
  });
});
