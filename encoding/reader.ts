/**
 * A cursor over WebAssembly binary data (core modules and components):
 * bytes, LEB128 integers and length-prefixed names, as Binary.md and the core
 * spec define them. Every read checks bounds and throws `BinaryError` with the
 * offset of the problem.
 */
export class BinaryError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} (at offset 0x${offset.toString(16)})`);
    this.name = "BinaryError";
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

export class Reader {
  pos: number;

  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    readonly end = bytes.length,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  fail(message: string, offset = this.pos): never {
    throw new BinaryError(message, offset);
  }

  u8(): number {
    if (this.pos >= this.end) this.fail("unexpected end of data");
    return this.bytes[this.pos++]!;
  }

  peek(): number {
    if (this.pos >= this.end) this.fail("unexpected end of data");
    return this.bytes[this.pos]!;
  }

  take(n: number): Uint8Array {
    if (n < 0 || this.pos + n > this.end) this.fail("unexpected end of data");
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** An unsigned LEB128 integer of at most `bits` bits (32 by default). */
  u32(bits = 32): number {
    const start = this.pos;
    if (bits >= 7 && start < this.end && this.bytes[start]! < 0x80) {
      // One byte: the common case.
      this.pos++;
      return this.bytes[start]!;
    }
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = this.u8();
      if (shift >= bits) this.fail("integer representation too long", start);
      result += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if ((byte & 0x80) === 0) break;
    }
    if (result >= 2 ** bits) this.fail("integer too large", start);
    return result;
  }

  /** A signed LEB128 integer of at most `bits` bits, as a bigint. */
  sleb(bits: number): bigint {
    const start = this.pos;
    let result = 0n;
    let shift = 0n;
    let byte: number;
    do {
      byte = this.u8();
      if (shift >= BigInt(bits) + 7n) this.fail("integer representation too long", start);
      result |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
    } while (byte & 0x80);
    if (byte & 0x40) result -= 1n << shift;
    return result;
  }

  /** A signed LEB128 integer of at most 33 bits, as a number (block types, heap types). */
  s33(): number {
    const b = this.pos < this.end ? this.bytes[this.pos]! : 0x80;
    if (b < 0x80) {
      // One byte (primitive value types, small indices): its sign is bit 6.
      this.pos++;
      return b & 0x40 ? b - 0x80 : b;
    }
    return Number(this.sleb(33));
  }

  u64(): bigint {
    const start = this.pos;
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = this.u8();
      if (shift >= 70n) this.fail("integer representation too long", start);
      result |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
      if ((byte & 0x80) === 0) break;
    }
    return result;
  }

  /** A length-prefixed UTF-8 name. */
  name(): string {
    const start = this.pos;
    const n = this.u32();
    if (n <= 32 && this.pos + n <= this.end) {
      // Short ASCII names (nearly all of them) without a decoder call.
      const bytes = this.bytes;
      const at = this.pos;
      let s = "";
      let i = 0;
      for (; i < n; i++) {
        const b = bytes[at + i]!;
        if (b >= 0x80) break;
        s += String.fromCharCode(b);
      }
      if (i === n) {
        this.pos = at + n;
        return s;
      }
    }
    try {
      return utf8.decode(this.take(n));
    } catch (e) {
      if (e instanceof BinaryError) throw e;
      return this.fail("malformed UTF-8 name", start);
    }
  }

  /** `vec(x)`: a count, then that many items. */
  vec<T>(item: (r: this) => T): T[] {
    const n = this.u32();
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(item(this));
    return out;
  }

  /** A sub-reader over the next `n` bytes; this reader skips them. */
  sub(n: number): Reader {
    const start = this.pos;
    this.take(n);
    return new Reader(this.bytes, start, start + n);
  }
}

/** One section of a module or component, as read from its header. */
export interface RawSection {
  id: number;
  /** Offset of the section's id byte. */
  offset: number;
  /** Offset of the section's payload (after id and size). */
  start: number;
  end: number;
  /** For custom sections (id 0): the name, and the offset where its data starts. */
  name?: string;
  dataStart?: number;
}

export const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];
/** Version and layer of a core module: version 1, layer 0. */
export const MODULE_HEADER = [0x01, 0x00, 0x00, 0x00];
/** Version and layer of a component: version 0x0d, layer 1. */
export const COMPONENT_HEADER = [0x0d, 0x00, 0x01, 0x00];

export type BinaryKind = "module" | "component";

/** Reads the 8-byte preamble: whether the binary is a core module or a component. */
export function readHeader(bytes: Uint8Array): BinaryKind {
  const r = new Reader(bytes);
  for (const b of WASM_MAGIC) if (r.u8() !== b) r.fail("not a WebAssembly binary (bad magic number)", 0);
  const version = [r.u8(), r.u8(), r.u8(), r.u8()];
  if (version.every((b, i) => b === MODULE_HEADER[i])) return "module";
  if (version[2] === 1 && version[3] === 0) {
    if (version[0] !== COMPONENT_HEADER[0] || version[1] !== 0) {
      r.fail(`unsupported component binary version 0x${version[0]!.toString(16)}`, 4);
    }
    return "component";
  }
  return r.fail("unknown binary version", 4);
}

/** The top-level sections of a module or component, in order. */
export function readSections(bytes: Uint8Array): RawSection[] {
  readHeader(bytes);
  const r = new Reader(bytes, 8);
  const out: RawSection[] = [];
  while (!r.done) {
    const offset = r.pos;
    const id = r.u8();
    const size = r.u32();
    const start = r.pos;
    const body = r.sub(size);
    const section: RawSection = { id, offset, start, end: start + size };
    if (id === 0) {
      section.name = body.name();
      section.dataStart = body.pos;
    }
    out.push(section);
  }
  return out;
}
