import { describe, expect, it } from "vitest";
import { loadHost, wat } from "./helpers/host.js";

const wit = `package test:smoke;
interface api { add: func(a: u32, b: u32) -> u32; }
world smoke { export api; }`;

describe("TypeScript host smoke", () => {
  it("adds", async () => {
    const host = await loadHost(wit);
    const wasm = await wat(
      `(module (func (export "test:smoke/api#add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))`,
    );
    const e = await host.instantiate(wasm, {});
    expect(e.api.add(2, 3)).toBe(5);
    expect(e["test:smoke/api"].add(0xffffffff, 1)).toBe(0);
  });
});

describe("TypeScript host linking", () => {
  it("names a core import that the world does not have", async () => {
    const host = await loadHost(`package test:link;
interface api { add: func(a: u32, b: u32) -> u32; }
world link { import api; }`);
    const wasm = await wat(`(module (import "test:link/api" "sub" (func (param i32 i32) (result i32))))`);
    await expect(host.instantiate(wasm, { "test:link/api": { add: (a: number, b: number) => a + b } })).rejects.toThrow(
      "the core module imports test:link/api#sub, which the world test:link/link does not have",
    );
  });
});
