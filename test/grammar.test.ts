/** Chevrotain's own checks of the grammar (left recursion, ambiguities, unreachable alternatives). */
import { describe, expect, it } from "vitest";
import { WitParser } from "../parser/grammar.js";

describe("WIT grammar definition", () => {
  it("passes Chevrotain's grammar validations", () => {
    expect(() => new WitParser({ validate: true })).not.toThrow();
  });
});
