/**
 * Floats as wasm-wave reads and writes them (Rust's `str::parse` and
 * `Display` of `f32`/`f64`):
 *
 * - reading rounds the decimal once, to the nearest value of the target
 *   type (an `f32` is not rounded through an `f64` first), ties to even,
 *   overflowing to infinity and underflowing to zero;
 * - writing gives the shortest digits that read back to the same value
 *   (the closest such when several, the larger of two equally close), in
 *   positional notation, never with an exponent:
 *   `340282350000000000000000000000000000000`, `0.000001`, `-0`, and `nan`,
 *   `inf`, `-inf`.
 */

const view = new DataView(new ArrayBuffer(8));

function f32Bits(x: number): number {
  view.setFloat32(0, x);
  return view.getUint32(0);
}

function f32FromBits(bits: number): number {
  view.setUint32(0, bits >>> 0);
  return view.getFloat32(0);
}

/** A non-negative finite value as `m × 2^e` (exact). */
function dyadic(x: number): { m: bigint; e: number } {
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const exp = (hi >>> 20) & 0x7ff;
  const mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  return exp === 0 ? { m: mant, e: -1074 } : { m: mant | (1n << 52n), e: exp - 1075 };
}

/** Compares `m × 10^e` with `n × 2^k` (all non-negative). */
function compareDecimalDyadic(m: bigint, e: number, n: bigint, k: number): number {
  let left = m;
  let right = n;
  if (e >= 0) left *= 10n ** BigInt(e);
  else right *= 10n ** BigInt(-e);
  if (k >= 0) right <<= BigInt(k);
  else left <<= BigInt(-k);
  return left < right ? -1 : left > right ? 1 : 0;
}

/** The midpoint of two adjacent non-negative `f32`s (`upper` may be the first value past the largest). */
function midpoint(a: number, b: number): { m: bigint; e: number } {
  const x = dyadic(a);
  const y = dyadic(b);
  const e = Math.min(x.e, y.e);
  const sum = (x.m << BigInt(x.e - e)) + (y.m << BigInt(y.e - e));
  return { m: sum, e: e - 1 };
}

/** Parses a WAVE number token (`-?digits[.digits][e±digits]`, `nan`, `inf`, `-inf`) as an `f32`. */
export function parseF32(s: string): number {
  const approx = Number(s === "nan" ? NaN : s === "inf" ? Infinity : s === "-inf" ? -Infinity : s);
  if (!Number.isFinite(approx)) return approx;
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([-+]?\d+))?$/.exec(s);
  if (!match) return Math.fround(approx);
  const negative = match[1] === "-";
  const digits = (match[2] + (match[3] ?? "")).replace(/^0+(?=\d)/, "");
  const exp = Number(match[4] ?? 0) - (match[3]?.length ?? 0);
  const sign = negative ? -1 : 1;
  if (/^0+$/.test(digits)) return sign * 0;
  const magnitude = digits.length + exp; // value < 10^magnitude
  if (magnitude > 40) return sign * Infinity;
  if (magnitude < -46) return sign * 0;
  const m = BigInt(digits);
  let x = Math.fround(Math.abs(approx));
  // Correct a double rounding (decimal → f64 → f32) by one step at most.
  const bits = f32Bits(x);
  const below = bits === 0 ? undefined : f32FromBits(bits - 1);
  const above = x === Infinity ? undefined : bits === 0x7f7fffff ? 2 ** 128 : f32FromBits(bits + 1);
  const even = (bits & 1) === 0;
  if (above !== undefined && x !== Infinity) {
    const mid = midpoint(x, above);
    const c = compareDecimalDyadic(m, exp, mid.m, mid.e);
    if (c > 0 || (c === 0 && !even)) x = above === 2 ** 128 ? Infinity : above;
  }
  if (x === Infinity) {
    // Below the midpoint between the largest f32 and 2^128 it is the largest f32.
    const max = f32FromBits(0x7f7fffff);
    const mid = midpoint(max, 2 ** 128);
    if (compareDecimalDyadic(m, exp, mid.m, mid.e) < 0) x = max;
  } else if (below !== undefined && x === Math.fround(Math.abs(approx))) {
    const mid = midpoint(below, x);
    const c = compareDecimalDyadic(m, exp, mid.m, mid.e);
    if (c < 0 || (c === 0 && !even)) x = below;
  }
  return sign * x;
}

/** Parses a WAVE number token as an `f64`. */
export function parseF64(s: string): number {
  return s === "nan" ? NaN : s === "inf" ? Infinity : s === "-inf" ? -Infinity : Number(s);
}

/** The digits and decimal exponent of a positive finite number written by `toExponential`. */
function splitExponential(s: string): { digits: string; exp: number } {
  const [mantissa, exp] = s.split("e");
  return { digits: mantissa.replace(".", ""), exp: Number(exp) };
}

/** Shortest digits (and exponent of the first) that read back as the same `f32`. */
function shortestF32(x: number): { digits: string; exp: number } {
  for (let precision = 1; precision <= 9; precision++) {
    const base = splitExponential(x.toExponential(precision - 1));
    const candidates: { digits: string; exp: number }[] = [base];
    for (const delta of [-1n, 1n]) {
      const n = BigInt(base.digits) + delta;
      if (n <= 0n) continue;
      const digits = n.toString();
      // A carry adds a digit (999 + 1): the exponent moves up.
      candidates.push(
        digits.length > base.digits.length
          ? { digits: digits.slice(0, precision), exp: base.exp + 1 }
          : { digits: digits.padStart(precision, "0"), exp: base.exp },
      );
    }
    let best: { digits: string; exp: number } | undefined;
    let bestDistance = Infinity;
    for (const c of candidates) {
      if (c.digits.startsWith("0")) continue;
      const text = `${c.digits[0]}.${c.digits.slice(1) || "0"}e${c.exp}`;
      if (parseF32(text) !== x) continue;
      const distance = Math.abs(Number(text) - x);
      if (distance < bestDistance) {
        best = c;
        bestDistance = distance;
      }
    }
    if (best) return { digits: best.digits.replace(/0+$/, "") || "0", exp: best.exp };
  }
  return splitExponential(x.toExponential());
}

/**
 * Shortest digits that read back as the same `f64`. JS finds them, but
 * between two equally close candidates it takes the even one, Rust the
 * larger: the correctly rounded (ties up) value of as many digits wins when
 * it reads back.
 */
function shortestF64(x: number): { digits: string; exp: number } {
  const shortest = splitExponential(x.toExponential());
  const tiesUp = x.toExponential(shortest.digits.length - 1);
  return Number(tiesUp) === x ? splitExponential(tiesUp) : shortest;
}

/** A float as Rust's `Display` writes it, with `nan` for NaN. */
export function formatFloat(x: number, f32: boolean): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  const sign = x < 0 || Object.is(x, -0) ? "-" : "";
  const abs = Math.abs(x);
  if (abs === 0) return `${sign}0`;
  const { digits, exp } = f32 ? shortestF32(abs) : shortestF64(abs);
  const point = exp + 1;
  let text: string;
  if (point <= 0) text = `0.${"0".repeat(-point)}${digits}`;
  else if (point >= digits.length) text = digits + "0".repeat(point - digits.length);
  else text = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return sign + text;
}
