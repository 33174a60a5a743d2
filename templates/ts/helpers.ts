/**
 * Helpers that generated JavaScript hosts call: describing values in
 * errors, bit casts between floats and integers, traps, the views of the
 * guest's memory and its allocator, pointer checks, and lifting and
 * lowering characters and strings in each encoding.
 *
 * The file is cut into sections (generators/template-sections.ts), each
 * emitted only when the glue uses it. A marker
 * `// @section NAME scope=module|instance needs=A,B` starts one: `scope`
 * says whether it sits at module scope or inside the per-instance closure
 * (where it sees the instance's state, memory and handle tables), `needs`
 * lists the sections it uses, emitted before it. The file is a script (no
 * imports or exports), type-checked together with helpers-resources.ts and
 * helpers-async.ts as one program (test/templates.test.ts).
 *
 * What the generated host declares itself, the instance's state (0 idle,
 * 1 running, 2 trapped, 3 in cabi_realloc or a post-return function) and
 * the name of the call being made, is declared here for the type-checker
 * only.
 */
declare let $state: number;
declare let $current: string;

// @section $describe scope=module
function $describe(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v);
  if (typeof v === "bigint") return `${v}n`;
  if (v === null || typeof v !== "object") return String(v);
  if (Array.isArray(v)) return "an array";
  return `an object (${Object.prototype.toString.call(v).slice(8, -1)})`;
}

// @section $argumentErrors scope=module
const $argumentErrors = new WeakSet<object>();

// @section $utf8Encoder scope=module
const $utf8Encoder = new TextEncoder();

// @section $utf8Decoder scope=module
const $utf8Decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

// @section $utf16Decoder scope=module
const $utf16Decoder = new TextDecoder("utf-16le", { fatal: true, ignoreBOM: true });

// @section $latin1Decoder scope=module
const $latin1Decoder = new TextDecoder("latin1");

// @section $bitcast scope=module
const $scratch = new DataView(new ArrayBuffer(8));
function $f32ToI32(f: number): number {
  $scratch.setFloat32(0, f, true);
  return $scratch.getInt32(0, true);
}
function $i32ToF32(i: number): number {
  $scratch.setInt32(0, i, true);
  return $scratch.getFloat32(0, true);
}
function $f64ToI64(f: number): bigint {
  $scratch.setFloat64(0, f, true);
  return $scratch.getBigInt64(0, true);
}
function $i64ToF64(i: bigint): number {
  $scratch.setBigInt64(0, i, true);
  return $scratch.getFloat64(0, true);
}

// @section $compile scope=module
async function $compile(source: WebAssembly.Module | BufferSource | Response | PromiseLike<Response>): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  if (ArrayBuffer.isView(source) || source instanceof ArrayBuffer) return WebAssembly.compile(source);
  const response = await source;
  if (typeof WebAssembly.compileStreaming === "function") {
    const type = response.headers?.get?.("content-type") ?? "";
    if (type.startsWith("application/wasm")) return WebAssembly.compileStreaming(response);
  }
  return WebAssembly.compile(await response.arrayBuffer());
}

// @section $wellFormed scope=module
function $wellFormed(s: string): string {
  let out: string[] | undefined;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++;
        continue;
      }
    }
    // A lone surrogate becomes U+FFFD, as TextEncoder does for UTF-8.
    (out ??= []).push(s.slice(start, i), "\ufffd");
    start = i + 1;
  }
  return out === undefined ? s : out.join("") + s.slice(start);
}

// @section $lowered scope=instance
let $lowered = 0;

// @section $trap scope=instance
function $trap(message: string): never {
  $state = 2;
  throw new Error(`${$current}: ${message}`);
}

// @section $typeError scope=instance needs=$describe,$argumentErrors
/** A bad value from the caller; `label` names the call when the glue does not keep `$current`. */
function $typeError(path: string, expected: string, got: unknown, label: string = $current): never {
  const error = new TypeError(`${label}: \`${path}\` must be ${expected}, got ${$describe(got)}`);
  $argumentErrors.add(error);
  throw error;
}

// @section $enter scope=instance
function $enterFailed(name: string): never {
  if ($state === 2) throw new Error(`${name}: the instance trapped earlier and cannot be called again`);
  $state = 2;
  throw new Error(`${name}: the instance was entered again while it was running (a host import called back into it)`);
}

// @section $mayLeave scope=instance needs=$trap
/** The guest called out while it may not: outside a call, after a trap, or from cabi_realloc or cabi_post_*. */
function $cannotLeave(label: string = $current): never {
  $current = label;
  if ($state === 2) $trap("cannot leave component instance: it trapped earlier");
  if ($state === 3) $trap("cannot leave component instance: the guest called out of cabi_realloc or a cabi_post_* function, which the canonical ABI forbids");
  $trap("cannot leave component instance: the guest called out when no call into it was running");
}

// @section $fail scope=instance needs=$argumentErrors
function $fail(error: unknown): never {
  $state = $state <= 1 && typeof error === "object" && error !== null && $argumentErrors.has(error) ? 0 : 2;
  throw error;
}

// @section $views scope=instance
let $memory: WebAssembly.Memory | undefined;
let $u8 = new Uint8Array(0);
let $dv = new DataView($u8.buffer);
function $refresh(): void {
  if ($memory === undefined) $trap("the module has no exported memory");
  $u8 = new Uint8Array($memory.buffer);
  $dv = new DataView($memory.buffer);
}

// @section $alloc scope=instance needs=$views,$trap
let $realloc: ((ptr: number, oldSize: number, align: number, newSize: number) => number) | undefined;
function $alloc(align: number, size: number): number {
  if ($realloc === undefined) $trap("the module does not export cabi_realloc");
  const state = $state;
  $state = 3;
  const ptr = $realloc(0, 0, align, size) >>> 0;
  $state = state;
  if ($u8.byteLength === 0) $refresh();
  if ((ptr & (align - 1)) !== 0) $trap(`cabi_realloc returned a misaligned pointer ${ptr} (alignment ${align})`);
  if (ptr + size > $u8.byteLength) $trap(`cabi_realloc returned ${ptr}, out of bounds for ${size} bytes`);
  return ptr;
}

// @section $checkPointer scope=instance needs=$views,$trap
function $checkPointer(ptr: number, size: number, align: number, what: string): number {
  ptr >>>= 0;
  if ((ptr & (align - 1)) !== 0) $trap(`misaligned pointer ${ptr} to ${what} (alignment ${align})`);
  if (ptr + size > $u8.byteLength) $trap(`pointer ${ptr} to ${what} (${size} bytes) is out of bounds`);
  return ptr;
}

// @section $checkRange scope=instance needs=$views,$trap
function $checkRange(ptr: number, length: number, size: number, align: number): void {
  const bytes = length * size;
  if (bytes > 0x0fffffff) $trap(`list or string of ${length} elements is too long`);
  if ((ptr & (align - 1)) !== 0) $trap(`misaligned pointer ${ptr} (alignment ${align})`);
  if (ptr + bytes > $u8.byteLength) $trap(`${bytes} bytes at ${ptr} are out of bounds`);
}

// @section $liftChar scope=instance needs=$trap
function $liftChar(i: number): string {
  i >>>= 0;
  if (i >= 0x110000 || (i >= 0xd800 && i <= 0xdfff)) $trap(`${i} is not a Unicode scalar value`);
  return String.fromCodePoint(i);
}

// @section $lowerChar scope=instance needs=$typeError
function $lowerChar(v: string, path: string): number {
  if (typeof v === "string") {
    const c = v.codePointAt(0);
    if (c !== undefined && v.length === (c > 0xffff ? 2 : 1) && (c < 0xd800 || c > 0xdfff)) return c;
  }
  $typeError(path, "a string of one Unicode scalar value", v);
}

// @section $liftUtf8 scope=instance needs=$utf8Decoder,$checkRange,$trap
function $liftUtf8(ptr: number, len: number): string {
  ptr >>>= 0;
  len >>>= 0;
  $checkRange(ptr, len, 1, 1);
  if (len <= 8) {
    let s = "";
    for (let i = ptr, end = ptr + len; i < end; i++) {
      const b = $u8[i];
      if (b >= 0x80) return $decodeUtf8(ptr, len);
      s += String.fromCharCode(b);
    }
    return s;
  }
  return $decodeUtf8(ptr, len);
}
function $decodeUtf8(ptr: number, len: number): string {
  try {
    return $utf8Decoder.decode($u8.subarray(ptr, ptr + len));
  } catch {
    $trap(`invalid UTF-8 in the string of ${len} bytes at ${ptr}`);
  }
}

// @section $rawString scope=module
/**
 * A validated UTF-8 or UTF-16 string still in a caller's memory, copied as
 * bytes into a callee that uses the same encoding (calls between components).
 */
class $RawString {
  constructor(
    readonly bytes: Uint8Array,
    readonly units: number,
  ) {}
}

// @section $lowerRawString scope=instance needs=$rawString,$alloc,$typeError,$lowered
function $lowerRawString(v: unknown, path: string, align: number): number {
  if (!(v instanceof $RawString)) $typeError(path, "a string", v);
  const ptr = $alloc(align, v.bytes.length);
  $u8.set(v.bytes, ptr);
  $lowered = v.units;
  return ptr;
}

// @section $rawList scope=module
/** A list of bit-copyable elements still in a caller's memory, copied as bytes into a callee's (calls between components). */
class $RawList {
  constructor(
    readonly bytes: Uint8Array,
    readonly length: number,
  ) {}
}

// @section $liftRawList scope=instance needs=$rawList,$checkRange
/** A view of the elements' bytes, or a copy of them for results (which the post-return may free). */
function $liftRawList(ptr: number, len: number, size: number, align: number, copy: boolean): $RawList {
  ptr >>>= 0;
  len >>>= 0;
  $checkRange(ptr, len, size, align);
  const end = ptr + len * size;
  return new $RawList(copy ? $u8.slice(ptr, end) : $u8.subarray(ptr, end), len);
}

// @section $liftUtf16Units scope=instance needs=$rawString,$utf16Decoder,$checkRange,$trap
function $liftUtf16Units(ptr: number, len: number, copy: boolean): $RawString {
  ptr >>>= 0;
  len >>>= 0;
  $checkRange(ptr, len, 2, 2);
  const bytes = copy ? $u8.slice(ptr, ptr + 2 * len) : $u8.subarray(ptr, ptr + 2 * len);
  try {
    $utf16Decoder.decode(bytes);
  } catch {
    $trap(`invalid UTF-16 in the string of ${len} code units at ${ptr}`);
  }
  return new $RawString(bytes, len);
}

// @section $liftUtf8Bytes scope=instance needs=$rawString,$checkRange,$decodeUtf8Check
function $liftUtf8Bytes(ptr: number, len: number, copy: boolean): $RawString {
  ptr >>>= 0;
  len >>>= 0;
  $checkRange(ptr, len, 1, 1);
  const bytes = $u8.subarray(ptr, ptr + len);
  let ascii = true;
  for (let i = 0; i < len; i++) {
    if (bytes[i]! >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (!ascii) $decodeUtf8Check(ptr, len);
  return new $RawString(copy ? bytes.slice() : bytes, len);
}

// @section $decodeUtf8Check scope=instance needs=$utf8Decoder,$trap
function $decodeUtf8Check(ptr: number, len: number): void {
  try {
    $utf8Decoder.decode($u8.subarray(ptr, ptr + len));
  } catch {
    $trap(`invalid UTF-8 in the string of ${len} bytes at ${ptr}`);
  }
}

// @section $utf8Scratch scope=module
let $utf8Scratch = new Uint8Array(1024);

// @section $lowerUtf8 scope=instance needs=$utf8Encoder,$utf8Scratch,$alloc,$typeError,$lowered
function $lowerUtf8(v: string, path: string): number {
  if (typeof v !== "string") $typeError(path, "a string", v);
  const units = v.length;
  // One allocation of the exact size: some allocators (the WASI preview1
  // adapter's, for one) cannot grow an allocation the host made.
  if (units <= 32) {
    // Short strings: ASCII is written in place; anything else is encoded
    // into the scratch buffer (at least 1 KiB, so room for 32 units) and
    // copied byte by byte.
    let ascii = true;
    for (let i = 0; i < units; i++)
      if (v.charCodeAt(i) >= 0x80) {
        ascii = false;
        break;
      }
    if (ascii) {
      const ptr = $alloc(1, units);
      const u8 = $u8;
      for (let j = 0; j < units; j++) u8[ptr + j] = v.charCodeAt(j);
      $lowered = units;
      return ptr;
    }
    const written = $utf8Encoder.encodeInto(v, $utf8Scratch).written;
    const ptr = $alloc(1, written);
    const u8 = $u8;
    for (let j = 0; j < written; j++) u8[ptr + j] = $utf8Scratch[j]!;
    $lowered = written;
    return ptr;
  }
  // Encode once into a scratch buffer (kept for strings up to 1 MiB), then copy.
  let scratch: Uint8Array;
  if (units * 3 <= 1 << 20) {
    if ($utf8Scratch.length < units * 3) $utf8Scratch = new Uint8Array(Math.max(units * 3, 2 * $utf8Scratch.length));
    scratch = $utf8Scratch.subarray(0, $utf8Encoder.encodeInto(v, $utf8Scratch).written);
  } else scratch = $utf8Encoder.encode(v);
  const ptr = $alloc(1, scratch.length);
  $u8.set(scratch, ptr);
  $lowered = scratch.length;
  return ptr;
}

// @section $liftUtf16 scope=instance needs=$utf16Decoder,$checkRange,$trap
function $liftUtf16(ptr: number, len: number): string {
  ptr >>>= 0;
  len >>>= 0;
  $checkRange(ptr, len, 2, 2);
  try {
    return $utf16Decoder.decode($u8.subarray(ptr, ptr + 2 * len));
  } catch {
    $trap(`invalid UTF-16 in the string of ${len} code units at ${ptr}`);
  }
}

// @section $lowerUtf16 scope=instance needs=$alloc,$typeError,$lowered,$wellFormed
function $lowerUtf16(v: string, path: string): number {
  if (typeof v !== "string") $typeError(path, "a string", v);
  v = $wellFormed(v);
  const units = v.length;
  const ptr = $alloc(2, units * 2);
  for (let i = 0; i < units; i++) $dv.setUint16(ptr + 2 * i, v.charCodeAt(i), true);
  $lowered = units;
  return ptr;
}

// @section $liftLatin1Utf16 scope=instance needs=$utf16Decoder,$latin1Decoder,$checkRange,$trap
function $liftLatin1Utf16(ptr: number, tagged: number): string {
  ptr >>>= 0;
  tagged >>>= 0;
  if (tagged & 0x80000000) {
    const len = tagged ^ 0x80000000;
    $checkRange(ptr, len, 2, 2);
    try {
      return $utf16Decoder.decode($u8.subarray(ptr, ptr + 2 * len));
    } catch {
      $trap(`invalid UTF-16 in the string of ${len} code units at ${ptr}`);
    }
  }
  $checkRange(ptr, tagged, 1, 2);
  let s = "";
  for (let i = ptr, end = ptr + tagged; i < end; i++) s += String.fromCharCode($u8[i]);
  return s;
}

// @section $lowerLatin1Utf16 scope=instance needs=$alloc,$typeError,$lowered,$wellFormed
function $lowerLatin1Utf16(v: string, path: string): number {
  if (typeof v !== "string") $typeError(path, "a string", v);
  v = $wellFormed(v);
  const units = v.length;
  let latin1 = true;
  for (let i = 0; i < units; i++) if (v.charCodeAt(i) > 0xff) { latin1 = false; break; }
  if (latin1) {
    const ptr = $alloc(2, units);
    for (let i = 0; i < units; i++) $u8[ptr + i] = v.charCodeAt(i);
    $lowered = units;
    return ptr;
  }
  const ptr = $alloc(2, units * 2);
  for (let i = 0; i < units; i++) $dv.setUint16(ptr + 2 * i, v.charCodeAt(i), true);
  $lowered = (units | 0x80000000) >>> 0;
  return ptr;
}
