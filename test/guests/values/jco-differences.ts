/**
 * Where jco (the reference JS host, `@bytecodealliance/jco-transpile` 0.15)
 * is known to differ from the canonical ABI or from the generated host's
 * conventions, as found by the differential test. A call that hits one
 * carries it (`Call.jco`) with what jco does instead; the differential test
 * checks that jco still does that.
 */
import type { JcoDifference } from "./suite.js";

const throws = { throws: true } as const;

/** Narrow integer results (u8, s8, u16, s16) out of range: the ABI takes the low bits. */
export const jcoClamps: JcoDifference = {
  why: "jco's `clampGuest` throws for an out-of-range narrow integer instead of taking its low bits",
  outcome: throws,
};

/** `bool` from a core value other than 0 or 1: the ABI treats any non-zero value as true. */
export const jcoBool: JcoDifference = {
  why: "jco throws for a bool other than 0 or 1 instead of treating any non-zero value as true",
  outcome: throws,
};

/** Flags with bits set beyond their labels: the ABI ignores those bits. */
export const jcoFlags: JcoDifference = {
  why: "jco throws for flags with bits set beyond the labels, where the canonical ABI ignores them",
  outcome: throws,
};

/** Invalid UTF-8 or UTF-16 from the guest: the ABI traps. */
export const jcoReplaces = (value: unknown): JcoDifference => ({
  why: "jco decodes invalid UTF-8/UTF-16 from the guest with U+FFFD instead of trapping",
  outcome: { value },
});

/** A string out of bounds: the ABI traps; jco fails in a typed-array constructor. */
export const jcoStringBounds: JcoDifference = {
  why: "jco has no bounds check of strings: an out-of-bounds string makes its typed-array constructor throw a RangeError (not a trap)",
  outcome: throws,
};

/** A misaligned UTF-16 string: the ABI traps; jco fails in the Uint16Array constructor. */
export const jcoUtf16Alignment: JcoDifference = {
  why: "jco has no alignment check of UTF-16 strings: a misaligned one makes its Uint16Array constructor throw a RangeError (not a trap)",
  outcome: throws,
};

/** A list of numbers out of bounds: the ABI traps; jco returns the part within memory. */
export const jcoListTruncates = (outcome: JcoDifference["outcome"]): JcoDifference => ({
  why: "jco does not bounds-check a list of numbers: it silently returns the part within memory instead of trapping",
  outcome,
});

/** The return pointer a guest gives a host import, misaligned: the ABI traps. */
export const jcoRetptrAlignment: JcoDifference = {
  why: "jco does not check the alignment of the return pointer a guest gives a host import",
  outcome: { value: undefined },
};

/** A 32-bit payload (an f32's bits, a negative s8) in a variant's i64 slot: the ABI zero-extends it. */
export const jcoSignExtends = (value: unknown): JcoDifference => ({
  why: "jco sign-extends a 32-bit payload (an f32's bits, a negative s8) into a variant's i64 slot, where the canonical ABI zero-extends it",
  outcome: { value },
});

/** A char or u32 payload lifted from a variant's i64 slot with high bits set: the ABI wraps to 32 bits. */
export const jcoNoWrap = (outcome: JcoDifference["outcome"]): JcoDifference => ({
  why: "jco does not wrap a variant's i64 slot to 32 bits when it lifts a char or u32 payload from it (high bits give a wrong value or a RangeError)",
  outcome,
});

/** Bad JS values: the generated host throws a TypeError; jco lowers what it can. */
export const jcoLoose = (outcome: JcoDifference["outcome"] = { returns: true }): JcoDifference => ({
  why: "jco does not check the JS values it lowers: it coerces them (wrapping integers, taking the first character, reading any array-like)",
  outcome,
});

/** Flags and fields named like Object.prototype members (`toString`), missing from the object: false or none. */
export const jcoInherited = (outcome: JcoDifference["outcome"]): JcoDifference => ({
  why: "jco reads flags and record fields through inherited properties: a missing flag named `toString` is set, a missing option field named so is refused",
  outcome,
});
