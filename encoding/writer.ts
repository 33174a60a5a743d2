/**
 * Byte-level encoding for WebAssembly binaries: LEB128 integers, names,
 * vectors and sections (core spec and Binary.md). Everything the encoders
 * write goes through `ByteWriter`, so sizes and lengths are always computed
 * from the bytes actually written.
 */
const utf8 = new TextEncoder();

export class ByteWriter {
  private buf: Uint8Array;
  length = 0;

  /** `capacity`: the bytes to reserve at first (it grows as needed). */
  constructor(capacity = 64) {
    this.buf = new Uint8Array(Math.max(16, capacity));
  }

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  byte(b: number): this {
    this.reserve(1);
    this.buf[this.length++] = b;
    return this;
  }

  raw(bytes: ArrayLike<number>): this {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
    return this;
  }

  /** Copies `bytes[start, end)`: short ranges byte by byte, without making a view. */
  copy(bytes: Uint8Array, start: number, end: number): this {
    const n = end - start;
    this.reserve(n);
    if (n <= 16) {
      const buf = this.buf;
      let at = this.length;
      for (let i = start; i < end; i++) buf[at++] = bytes[i]!;
    } else this.buf.set(bytes.subarray(start, end), this.length);
    this.length += n;
    return this;
  }

  /** Unsigned LEB128 (u32 and smaller). */
  u32(value: number): this {
    // `>>> 0` is the identity exactly on the integers of the u32 range.
    if (value >>> 0 !== value) throw new RangeError(`not a u32: ${value}`);
    this.reserve(5);
    const buf = this.buf;
    let at = this.length;
    while (value >= 0x80) {
      buf[at++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    buf[at++] = value;
    this.length = at;
    return this;
  }

  /** Signed LEB128 of any width. */
  sleb(value: number | bigint): this {
    if (typeof value === "number" && (value | 0) === value) {
      // An int32: arithmetic shifts keep the sign, as for the bigint below.
      for (;;) {
        const b = value & 0x7f;
        value >>= 7;
        const done = (value === 0 && (b & 0x40) === 0) || (value === -1 && (b & 0x40) !== 0);
        this.byte(done ? b : b | 0x80);
        if (done) return this;
      }
    }
    let v = BigInt(value);
    for (;;) {
      const b = Number(v & 0x7fn);
      v >>= 7n;
      const done = (v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0);
      this.byte(done ? b : b | 0x80);
      if (done) return this;
    }
  }

  /** A length-prefixed UTF-8 string. */
  name(s: string): this {
    const n = s.length;
    for (let i = 0; i < n; i++) {
      if (s.charCodeAt(i) >= 0x80) {
        const bytes = utf8.encode(s);
        return this.u32(bytes.length).raw(bytes);
      }
    }
    // ASCII: one byte per character.
    this.u32(n).reserve(n);
    const buf = this.buf;
    const at = this.length;
    for (let i = 0; i < n; i++) buf[at + i] = s.charCodeAt(i);
    this.length = at + n;
    return this;
  }

  /** `vec(x)`: the count, then each item. */
  vec<T>(items: readonly T[], each: (w: this, item: T) => void): this {
    this.u32(items.length);
    for (const item of items) each(this, item);
    return this;
  }

  /** A copy of another writer's bytes (without making an array of them). */
  append(other: ByteWriter): this {
    return this.copy(other.buf, 0, other.length);
  }

  /** A length-prefixed copy of another writer's bytes. */
  sized(inner: ByteWriter): this {
    return this.u32(inner.length).append(inner);
  }

  /** A section: id, byte size, payload. */
  section(id: number, payload: ByteWriter | Uint8Array): this {
    this.byte(id).u32(payload.length);
    return payload instanceof ByteWriter ? this.append(payload) : this.raw(payload);
  }

  /** A section whose payload is `count` and the entries written to `entries`. */
  vecSection(id: number, count: number, entries: ByteWriter): this {
    const countSize = count < 0x80 ? 1 : count < 0x4000 ? 2 : count < 0x200000 ? 3 : count < 0x10000000 ? 4 : 5;
    return this.byte(id)
      .u32(countSize + entries.length)
      .u32(count)
      .append(entries);
  }

  /** A custom section (id 0) with its name. */
  custom(name: string, data: Uint8Array): this {
    const payload = new ByteWriter(name.length + data.length + 8).name(name).raw(data);
    return this.section(0, payload);
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** Component section ids (Binary.md). */
export const ComponentSection = {
  custom: 0,
  coreModule: 1,
  coreInstance: 2,
  coreType: 3,
  component: 4,
  instance: 5,
  alias: 6,
  type: 7,
  canon: 8,
  start: 9,
  import: 10,
  export: 11,
} as const;

/** Core sorts, as written after a `0x00` in a component `sort`. */
export const CoreSort = {
  func: 0x00,
  table: 0x01,
  memory: 0x02,
  global: 0x03,
  tag: 0x04,
  type: 0x10,
  module: 0x11,
  instance: 0x12,
} as const;
export type CoreSortName = keyof typeof CoreSort;

/** Component sorts. */
export const Sort = { core: 0x00, func: 0x01, value: 0x02, type: 0x03, component: 0x04, instance: 0x05 } as const;
export type SortName = Exclude<keyof typeof Sort, "core">;

/** Primitive value types by WIT name. */
export const PrimitiveValType: Record<string, number> = {
  bool: 0x7f,
  s8: 0x7e,
  u8: 0x7d,
  s16: 0x7c,
  u16: 0x7b,
  s32: 0x7a,
  u32: 0x79,
  s64: 0x78,
  u64: 0x77,
  f32: 0x76,
  f64: 0x75,
  char: 0x74,
  string: 0x73,
  "error-context": 0x64,
};

/** Core value types. */
export const CoreValType = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c } as const;
