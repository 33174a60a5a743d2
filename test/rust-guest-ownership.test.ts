/**
 * wit-bindgen's `ownership` option, end to end: one world, three guests
 * written as wit-bindgen users write them in each mode (owning, borrowing,
 * borrowing-duplicate-if-necessary), compiled with Debian's rustc 1.63 and
 * run in our host, which records what the imports received.
 */
import { describe, expect, it } from "vitest";
import type { RustOptions } from "../index.js";
import { loadHost } from "./helpers/host.js";
import { buildRustGuest, rustBindings, rustScenario, wasmUnknownRustc } from "./helpers/rust.js";
import { skipReason } from "./helpers/toolchains.js";

const reason = skipReason(wasmUnknownRustc());
const wit = rustScenario("ownership").wit;

const modes: { ownership: NonNullable<RustOptions["ownership"]>; guest: string; signatures: string[] }[] = [
  {
    ownership: "owning",
    guest: "ownership",
    signatures: [
      "pub fn put(e: &Entry)",
      "pub fn put_tags(tags: &[Tag])",
      "pub fn find(q: &Query, limits: Limits) -> _rt::Vec<Entry>",
      "pub fn add(&self, e: &Entry)",
    ],
  },
  {
    ownership: "borrowing",
    guest: "ownership_borrowing",
    signatures: [
      "pub struct Tag<'a> {",
      "pub values: &'a [&'a str],",
      "pub enum Query<'a> {",
      "pub fn put(e: &Entry)",
      "pub fn put_tags(tags: &[Tag<'_>])",
      "pub fn find(q: Query<'_>, limits: Limits) -> _rt::Vec<Entry>",
    ],
  },
  {
    ownership: "borrowing-duplicate-if-necessary",
    guest: "ownership_duplicate",
    signatures: [
      "pub struct EntryParam<'a> {",
      "pub struct EntryResult {",
      "pub fn put(e: EntryParam<'_>)",
      "pub fn find(q: Query<'_>, limits: Limits) -> _rt::Vec<EntryResult>",
      "pub fn add(&self, e: EntryParam<'_>)",
      "item: ::core::result::Result<Bucket, EntryResult>",
    ],
  },
];

describe.skipIf(reason !== undefined)("Rust guest --ownership", () => {
  for (const mode of modes) {
    it(`--ownership ${mode.ownership}`, async () => {
      const scenario = { name: mode.guest, wit, world: "ownership-guest" };
      const options: RustOptions = { ownership: mode.ownership };
      const source = rustBindings(scenario, options);
      for (const s of mode.signatures) expect(source).toContain(s);
      const core = await buildRustGuest(scenario, options);
      const calls: unknown[] = [];
      const entries = [
        { name: "a", labels: ["x", "y"] },
        { name: "b", labels: [] },
      ];
      class Bucket {
        readonly items: string[];
        constructor(name: string) {
          this.items = [name];
        }
        add(e: { name: string }) {
          this.items.push(e.name);
        }
        names() {
          return this.items;
        }
      }
      const host = await loadHost(wit, { world: "ownership-guest" });
      const guest = (await host.instantiate(core, {
        "test:rust-ownership/store": {
          put: (e: unknown) => calls.push(["put", e]),
          putTags: (tags: unknown) => calls.push(["put-tags", tags]),
          find: (q: { tag: string; val?: unknown }, limits: { max: number }) => {
            calls.push(["find", q]);
            return entries.slice(0, limits.max);
          },
          count: (names: string[], pairs: [string, number][], maybe: string | undefined) => {
            calls.push(["count", names, pairs, maybe]);
            return names.length + pairs.reduce((n, [, k]) => n + k, 0) + (maybe === undefined ? 0 : 100);
          },
          stash: (item: { tag: string; val: any }) => {
            calls.push(["stash", item.tag]);
            return item.tag === "ok" ? item.val.names().length : item.val.labels.length + 10;
          },
          Bucket,
        },
      })) as any;
      expect(guest.run()).toEqual(["a[x,y] b[]", "a[x,y]", "", "count 105", "b1,a", "stash 11 2"]);
      expect(calls).toEqual([
        ["put", { name: "a", labels: ["x", "y"] }],
        [
          "put-tags",
          [
            { key: "color", values: ["red", "blue"] },
            { key: "size", values: [] },
          ],
        ],
        ["find", { tag: "by-tags", val: [{ key: "color", values: ["red"] }] }],
        ["find", { tag: "by-name", val: "a" }],
        ["find", { tag: "all" }],
        [
          "count",
          ["p", "q"],
          [
            ["r", 1],
            ["s", 2],
          ],
          "t",
        ],
        ["stash", "err"],
        ["stash", "ok"],
      ]);
      expect(guest.liveAllocations()).toBe(0);
    });
  }
});
