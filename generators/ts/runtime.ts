/**
 * Helpers the emitted glue calls. Each is emitted only when some glue uses
 * it (directly or through another helper). `module` helpers sit at module
 * scope; `instance` helpers inside the per-instance closure, where they see
 * the instance's memory, allocator, state and handle tables.
 */
import { templateSource } from "../output.js";

interface Helper {
  scope: "module" | "instance";
  deps: string[];
  code: string;
}

const helpers: Record<string, Helper> = {
  $describe: {
    scope: "module",
    deps: [],
    code: `
function $describe(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v);
  if (typeof v === "bigint") return \`\${v}n\`;
  if (v === null || typeof v !== "object") return String(v);
  if (Array.isArray(v)) return "an array";
  return \`an object (\${Object.prototype.toString.call(v).slice(8, -1)})\`;
}`,
  },
  $argumentErrors: {
    scope: "module",
    deps: [],
    code: `const $argumentErrors = new WeakSet<object>();`,
  },
  $utf8Encoder: { scope: "module", deps: [], code: `const $utf8Encoder = new TextEncoder();` },
  $utf8Decoder: {
    scope: "module",
    deps: [],
    code: `const $utf8Decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });`,
  },
  $utf16Decoder: {
    scope: "module",
    deps: [],
    code: `const $utf16Decoder = new TextDecoder("utf-16le", { fatal: true, ignoreBOM: true });`,
  },
  $latin1Decoder: {
    scope: "module",
    deps: [],
    code: `const $latin1Decoder = new TextDecoder("latin1");`,
  },
  $bitcast: {
    scope: "module",
    deps: [],
    code: `
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
}`,
  },
  $compile: {
    scope: "module",
    deps: [],
    code: `
async function $compile(source: WebAssembly.Module | BufferSource | Response | PromiseLike<Response>): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  if (ArrayBuffer.isView(source) || source instanceof ArrayBuffer) return WebAssembly.compile(source);
  const response = await source;
  if (typeof WebAssembly.compileStreaming === "function") {
    const type = response.headers?.get?.("content-type") ?? "";
    if (type.startsWith("application/wasm")) return WebAssembly.compileStreaming(response);
  }
  return WebAssembly.compile(await response.arrayBuffer());
}`,
  },

  $wellFormed: {
    scope: "module",
    deps: [],
    code: `
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
    (out ??= []).push(s.slice(start, i), "\\ufffd");
    start = i + 1;
  }
  return out === undefined ? s : out.join("") + s.slice(start);
}`,
  },

  // ---- per instance ----
  $lowered: { scope: "instance", deps: [], code: `let $lowered = 0;` },
  $trap: {
    scope: "instance",
    deps: [],
    code: `
function $trap(message: string): never {
  $state = 2;
  throw new Error(\`\${$current}: \${message}\`);
}`,
  },
  $typeError: {
    scope: "instance",
    deps: ["$describe", "$argumentErrors"],
    code: `
function $typeError(path: string, expected: string, got: unknown): never {
  const error = new TypeError(\`\${$current}: \\\`\${path}\\\` must be \${expected}, got \${$describe(got)}\`);
  $argumentErrors.add(error);
  throw error;
}`,
  },
  $enter: {
    scope: "instance",
    deps: [],
    code: `
function $enterFailed(name: string): never {
  if ($state === 2) throw new Error(\`\${name}: the instance trapped earlier and cannot be called again\`);
  $state = 2;
  throw new Error(\`\${name}: the instance was entered again while it was running (a host import called back into it)\`);
}`,
  },
  $mayLeave: {
    scope: "instance",
    deps: ["$trap"],
    code: `
/** The guest called out while it may not: outside a call, after a trap, or from cabi_realloc or cabi_post_*. */
function $cannotLeave(): never {
  if ($state === 2) $trap("cannot leave component instance: it trapped earlier");
  if ($state === 3) $trap("cannot leave component instance: the guest called out of cabi_realloc or a cabi_post_* function, which the canonical ABI forbids");
  $trap("cannot leave component instance: the guest called out when no call into it was running");
}`,
  },
  $fail: {
    scope: "instance",
    deps: ["$argumentErrors"],
    code: `
function $fail(error: unknown): never {
  $state = $state <= 1 && typeof error === "object" && error !== null && $argumentErrors.has(error) ? 0 : 2;
  throw error;
}`,
  },
  $views: {
    scope: "instance",
    deps: [],
    code: `
let $memory: WebAssembly.Memory | undefined;
let $u8 = new Uint8Array(0);
let $dv = new DataView($u8.buffer);
function $refresh(): void {
  if ($memory === undefined) $trap("the module has no exported memory");
  $u8 = new Uint8Array($memory.buffer);
  $dv = new DataView($memory.buffer);
}`,
  },
  $alloc: {
    scope: "instance",
    deps: ["$views", "$trap"],
    code: `
let $realloc: ((ptr: number, oldSize: number, align: number, newSize: number) => number) | undefined;
function $alloc(align: number, size: number): number {
  if ($realloc === undefined) $trap("the module does not export cabi_realloc");
  const state = $state;
  $state = 3;
  const ptr = $realloc(0, 0, align, size) >>> 0;
  $state = state;
  if ($u8.byteLength === 0) $refresh();
  if ((ptr & (align - 1)) !== 0) $trap(\`cabi_realloc returned a misaligned pointer \${ptr} (alignment \${align})\`);
  if (ptr + size > $u8.byteLength) $trap(\`cabi_realloc returned \${ptr}, out of bounds for \${size} bytes\`);
  return ptr;
}`,
  },
  $checkPointer: {
    scope: "instance",
    deps: ["$views", "$trap"],
    code: `
function $checkPointer(ptr: number, size: number, align: number, what: string): number {
  ptr >>>= 0;
  if ((ptr & (align - 1)) !== 0) $trap(\`misaligned pointer \${ptr} to \${what} (alignment \${align})\`);
  if (ptr + size > $u8.byteLength) $trap(\`pointer \${ptr} to \${what} (\${size} bytes) is out of bounds\`);
  return ptr;
}`,
  },
  $checkRange: {
    scope: "instance",
    deps: ["$views", "$trap"],
    code: `
function $checkRange(ptr: number, length: number, size: number, align: number): void {
  const bytes = length * size;
  if (bytes > 0x0fffffff) $trap(\`list or string of \${length} elements is too long\`);
  if ((ptr & (align - 1)) !== 0) $trap(\`misaligned pointer \${ptr} (alignment \${align})\`);
  if (ptr + bytes > $u8.byteLength) $trap(\`\${bytes} bytes at \${ptr} are out of bounds\`);
}`,
  },
  $liftChar: {
    scope: "instance",
    deps: ["$trap"],
    code: `
function $liftChar(i: number): string {
  i >>>= 0;
  if (i >= 0x110000 || (i >= 0xd800 && i <= 0xdfff)) $trap(\`\${i} is not a Unicode scalar value\`);
  return String.fromCodePoint(i);
}`,
  },
  $lowerChar: {
    scope: "instance",
    deps: ["$typeError"],
    code: `
function $lowerChar(v: string, path: string): number {
  if (typeof v === "string") {
    const c = v.codePointAt(0);
    if (c !== undefined && v.length === (c > 0xffff ? 2 : 1) && (c < 0xd800 || c > 0xdfff)) return c;
  }
  $typeError(path, "a string of one Unicode scalar value", v);
}`,
  },
  $liftUtf8: {
    scope: "instance",
    deps: ["$utf8Decoder", "$checkRange", "$trap"],
    code: `
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
    $trap(\`invalid UTF-8 in the string of \${len} bytes at \${ptr}\`);
  }
}`,
  },
  $rawString: {
    scope: "module",
    deps: [],
    code: `
/**
 * A validated UTF-8 or UTF-16 string still in a caller's memory, copied as
 * bytes into a callee that uses the same encoding (calls between components).
 */
class $RawString {
  constructor(
    readonly bytes: Uint8Array,
    readonly units: number,
  ) {}
}`,
  },
  $lowerRawString: {
    scope: "instance",
    deps: ["$rawString", "$alloc", "$typeError", "$lowered"],
    code: `
function $lowerRawString(v: unknown, path: string, align: number): number {
  if (!(v instanceof $RawString)) $typeError(path, "a string", v);
  const ptr = $alloc(align, v.bytes.length);
  $u8.set(v.bytes, ptr);
  $lowered = v.units;
  return ptr;
}`,
  },
  $rawList: {
    scope: "module",
    deps: [],
    code: `
/** A list of bit-copyable elements still in a caller's memory, copied as bytes into a callee's (calls between components). */
class $RawList {
  constructor(
    readonly bytes: Uint8Array,
    readonly length: number,
  ) {}
}`,
  },
  $liftRawList: {
    scope: "instance",
    deps: ["$rawList", "$checkRange"],
    code: `
/** A view of the elements' bytes, or a copy of them for results (which the post-return may free). */
function $liftRawList(ptr: number, len: number, size: number, align: number, copy: boolean): $RawList {
  ptr >>>= 0;
  len >>>= 0;
  $checkRange(ptr, len, size, align);
  const end = ptr + len * size;
  return new $RawList(copy ? $u8.slice(ptr, end) : $u8.subarray(ptr, end), len);
}`,
  },
  $liftUtf16Units: {
    scope: "instance",
    deps: ["$rawString", "$utf16Decoder", "$checkRange", "$trap"],
    code: `
function $liftUtf16Units(ptr: number, len: number, copy: boolean): $RawString {
  ptr >>>= 0;
  len >>>= 0;
  $checkRange(ptr, len, 2, 2);
  const bytes = copy ? $u8.slice(ptr, ptr + 2 * len) : $u8.subarray(ptr, ptr + 2 * len);
  try {
    $utf16Decoder.decode(bytes);
  } catch {
    $trap(\`invalid UTF-16 in the string of \${len} code units at \${ptr}\`);
  }
  return new $RawString(bytes, len);
}`,
  },
  $liftUtf8Bytes: {
    scope: "instance",
    deps: ["$rawString", "$checkRange", "$decodeUtf8Check"],
    code: `
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
}`,
  },
  $decodeUtf8Check: {
    scope: "instance",
    deps: ["$utf8Decoder", "$trap"],
    code: `
function $decodeUtf8Check(ptr: number, len: number): void {
  try {
    $utf8Decoder.decode($u8.subarray(ptr, ptr + len));
  } catch {
    $trap(\`invalid UTF-8 in the string of \${len} bytes at \${ptr}\`);
  }
}`,
  },
  $utf8Scratch: {
    scope: "module",
    deps: [],
    code: `
let $utf8Scratch = new Uint8Array(1024);`,
  },
  $lowerUtf8: {
    scope: "instance",
    deps: ["$utf8Encoder", "$utf8Scratch", "$alloc", "$typeError", "$lowered"],
    code: `
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
}`,
  },
  $liftUtf16: {
    scope: "instance",
    deps: ["$utf16Decoder", "$checkRange", "$trap"],
    code: `
function $liftUtf16(ptr: number, len: number): string {
  ptr >>>= 0;
  len >>>= 0;
  $checkRange(ptr, len, 2, 2);
  try {
    return $utf16Decoder.decode($u8.subarray(ptr, ptr + 2 * len));
  } catch {
    $trap(\`invalid UTF-16 in the string of \${len} code units at \${ptr}\`);
  }
}`,
  },
  $lowerUtf16: {
    scope: "instance",
    deps: ["$alloc", "$typeError", "$lowered", "$wellFormed"],
    code: `
function $lowerUtf16(v: string, path: string): number {
  if (typeof v !== "string") $typeError(path, "a string", v);
  v = $wellFormed(v);
  const units = v.length;
  const ptr = $alloc(2, units * 2);
  for (let i = 0; i < units; i++) $dv.setUint16(ptr + 2 * i, v.charCodeAt(i), true);
  $lowered = units;
  return ptr;
}`,
  },
  $liftLatin1Utf16: {
    scope: "instance",
    deps: ["$utf16Decoder", "$latin1Decoder", "$checkRange", "$trap"],
    code: `
function $liftLatin1Utf16(ptr: number, tagged: number): string {
  ptr >>>= 0;
  tagged >>>= 0;
  if (tagged & 0x80000000) {
    const len = tagged ^ 0x80000000;
    $checkRange(ptr, len, 2, 2);
    try {
      return $utf16Decoder.decode($u8.subarray(ptr, ptr + 2 * len));
    } catch {
      $trap(\`invalid UTF-16 in the string of \${len} code units at \${ptr}\`);
    }
  }
  $checkRange(ptr, tagged, 1, 2);
  let s = "";
  for (let i = ptr, end = ptr + tagged; i < end; i++) s += String.fromCharCode($u8[i]);
  return s;
}`,
  },
  $lowerLatin1Utf16: {
    scope: "instance",
    deps: ["$alloc", "$typeError", "$lowered", "$wellFormed"],
    code: `
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
}`,
  },
};

/** The helpers `names` need, with their dependencies, in a stable order. */
export function helperClosure(names: Iterable<string>): string[] {
  const out = new Set<string>();
  const visit = (n: string) => {
    if (out.has(n)) return;
    const h = helpers[n];
    if (!h) throw new Error(`unknown helper ${n}`);
    for (const d of h.deps) visit(d);
    out.add(n);
  };
  for (const n of [...names].sort()) visit(n);
  return [...out];
}

/**
 * Whether an instance helper works on the guest's memory (its views, its
 * allocator): a component host keeps one copy per memory, the others once
 * per component instance.
 */
export function isMemoryHelper(name: string): boolean {
  const h = helpers[name];
  if (!h || h.scope !== "instance") return false;
  if (/\$u8\b|\$dv\b|\$realloc\b|\$memory\b|\$refresh\b|\$lowered\b/.test(h.code)) return true;
  return h.deps.some(isMemoryHelper);
}

export function helperCode(name: string): { scope: "module" | "instance"; code: string } {
  const h = helpers[name];
  return { scope: h.scope, code: h.code.trim() };
}

const resourceHelpers: Record<string, Helper> = {
  $isComponentError: {
    scope: "module",
    deps: [],
    code: `
function $isComponentError(e: unknown): e is { payload: unknown } {
  return typeof e === "object" && e !== null && "payload" in e;
}`,
  },
  $resourceKeys: {
    scope: "module",
    deps: [],
    code: `
const $rep = Symbol("rep");
const $lends = Symbol("lends");`,
  },
  $handles: {
    scope: "instance",
    deps: ["$trap"],
    code: `
interface $Handle {
  type: number;
  rep: unknown;
  own: boolean;
  lends: number;
  /** A borrow: the borrows of the call (task) it was lent to, which it leaves when dropped. */
  scope?: { n: number };
}
const $table: ($Handle | undefined)[] = [undefined];
const $free: number[] = [];
function $addHandle(type: number, rep: unknown, own: boolean): number {
  const handle: $Handle = { type, rep, own, lends: 0 };
  const i = $free.pop();
  if (i !== undefined) {
    $table[i] = handle;
    return i;
  }
  if ($table.length >= 0x0fffffff) $trap("the handle table is full");
  $table.push(handle);
  return $table.length - 1;
}
function $getHandle(i: number, type: number): $Handle {
  const handle = $table[i >>> 0];
  if (handle === undefined) $trap(\`unknown handle index \${i >>> 0}\`);
  if (handle.type !== type) $trap(\`unknown handle index \${i >>> 0}: handle index \${i >>> 0} used with the wrong type\`);
  return handle;
}
function $removeHandle(i: number, type: number, mustOwn: boolean): $Handle {
  const handle = $getHandle(i, type);
  if (handle.lends !== 0) $trap(\`handle \${i >>> 0} is still lent out: cannot remove owned resource while borrowed\`);
  if (mustOwn && !handle.own) $trap(\`handle \${i >>> 0} is a borrow where an own was expected\`);
  $table[i >>> 0] = undefined;
  $free.push(i >>> 0);
  return handle;
}`,
  },
  $lends: {
    scope: "instance",
    deps: ["$handles"],
    code: `
const $lent: $Handle[] = [];
function $releaseLends(): void {
  for (const handle of $lent) handle.lends--;
  $lent.length = 0;
}`,
  },
  $borrows: {
    scope: "instance",
    deps: ["$handles"],
    code: `
/** The borrows lent to the guest by the call being made (each call, or async task, has its own count). */
let $borrows = { n: 0 };
/** A borrow handle lent to the current call. */
function $addBorrow(type: number, rep: unknown): number {
  const h = $addHandle(type, rep, false);
  $table[h]!.scope = $borrows;
  $borrows.n++;
  return h;
}`,
  },
  $undo: {
    scope: "instance",
    deps: ["$handles"],
    code: `
// Handles made and objects moved while lowering an export's arguments: a
// rejected argument gives them back, a completed call commits them.
let $recording = false;
const $madeHandles: number[] = [];
const $movedObjects: { o: object; rep: number; restore: (o: object, rep: number) => void }[] = [];
function $commitLowering(): void {
  $recording = false;
  $madeHandles.length = 0;
  $movedObjects.length = 0;
}
function $undoLowering(): void {
  for (const i of $madeHandles) {
    if ($table[i] !== undefined) {
      $table[i] = undefined;
      $free.push(i);
    }
  }
  for (const m of $movedObjects) m.restore(m.o, m.rep);
  $commitLowering();
}`,
  },
  $hostLends: {
    scope: "instance",
    deps: ["$resourceKeys"],
    code: `
const $hostLent: { [$lends]: number }[] = [];
function $releaseHostLends(): void {
  for (const o of $hostLent) o[$lends]--;
  $hostLent.length = 0;
}`,
  },
  $isPairs: {
    scope: "module",
    deps: [],
    code: `
/** An array of [key, value] pairs (a map's other JS form). */
function $isPairs(v: unknown): boolean {
  if (!Array.isArray(v)) return false;
  for (const e of v) if (!Array.isArray(e) || e.length !== 2) return false;
  return true;
}`,
  },
  $instanceImport: {
    scope: "module",
    deps: [],
    code: `
/**
 * The host's object for an imported instance: under its full name, or else
 * under the name without its version (as WASI shims key their interfaces).
 */
function $instanceImport(imports: Record<string, any>, name: string): any {
  const found = imports[name] ?? imports[name.replace(/@[^/]*$/, "")];
  if (found === undefined || found === null) throw new TypeError(\`the import object has no \\\`\${name}\\\`\`);
  return found;
}`,
  },
  $indirectTable: {
    scope: "instance",
    deps: [],
    code: `
/** The module's function table, where \`[thread-new-indirect-v0]\` finds a thread's start function. */
let $indirectTable: WebAssembly.Table | undefined;`,
  },
  $exportedFunction: {
    scope: "instance",
    deps: [],
    code: `
function $exportedFunction(exports: WebAssembly.Exports, name: string): (...args: any[]) => any {
  const f = exports[name];
  if (typeof f !== "function") throw new TypeError(\`the core module does not export the function \${name}\`);
  return f as (...args: any[]) => any;
}`,
  },
  $usageError: {
    scope: "instance",
    deps: ["$argumentErrors"],
    code: `
function $usageError(message: string): never {
  const error = new Error(\`\${$current}: \${message}\`);
  $argumentErrors.add(error);
  throw error;
}`,
  },
};
Object.assign(helpers, resourceHelpers);

/**
 * The asynchronous ABI: the runtime's files (templates/ts/async-runtime.ts,
 * its scheduler, waitables and channels, its JSPI part, its threads) embedded together as the
 * namespace `$async` (module scope), without the imports that join them as
 * modules; one `AsyncInstance` per instance (`$rt`), and `$turn`, which runs
 * a turn of a task's guest code with the instance's state entered.
 */
const asyncRuntimeFiles = [
  "ts/async-runtime.ts",
  "ts/async-scheduler.ts",
  "ts/async-channels.ts",
  "ts/async-jspi.ts",
  "ts/async-threads.ts",
];
const asyncHelpers: Record<string, Helper> = {
  $async: {
    scope: "module",
    deps: [],
    get code(): string {
      const sources = asyncRuntimeFiles.map((f) =>
        templateSource(f).replace(/^import [^;]*? from "\.\/async-[a-z]+\.js";\n/gms, ""),
      );
      return `namespace $async {\n${sources.join("\n")}\n}`;
    },
  },
  $instanceHooks: {
    scope: "instance",
    deps: ["$trap"],
    code: `
/** How the async runtime sees the instance: whether it runs code, and entering or leaving it for a blocked task. */
const $instanceHooks = {
  trap: $trap,
  mayEnter: () => $state === 0,
  enter: () => {
    if ($state === 0) $state = 1;
  },
  leave: () => {
    if ($state === 1) $state = 0;
  },
  poison: () => {
    $state = 2;
  },
};`,
  },
  $rt: {
    scope: "instance",
    deps: ["$async", "$instanceHooks", "$views", "$handles"],
    code: `
const $rt = new $async.AsyncInstance(
  { ...$instanceHooks, memoryBytes: () => ($memory === undefined ? 0 : $memory.buffer.byteLength) },
  $table,
  $free,
);`,
  },
  $crt: {
    scope: "instance",
    deps: ["$async", "$instanceHooks", "$handles"],
    code: `
const $rt = new $async.AsyncInstance({ ...$instanceHooks, memoryBytes: () => 0 }, $table, $free);`,
  },
  $mustNotBlock: {
    scope: "module",
    deps: ["$async"],
    code: `
/** The value of a synchronous call of an async function; one that would wait needs stack switching. */
function $mustNotBlock<T>(value: T | PromiseLike<T>, what: string): T {
  if ((typeof value === "object" || typeof value === "function") && value !== null && typeof (value as { then?: unknown }).then === "function") {
    // Another component's task may finish while the others run; a host's promise cannot be waited for.
    const settled = $async.settleNow(value);
    if (settled !== undefined) return settled.value as T;
    (value as PromiseLike<T>).then(undefined, () => {});
    throw new Error(\`\${what}: a synchronous call of this async function would block, which needs stack switching (JSPI), which this engine lacks\`);
  }
  return value as T;
}`,
  },
  $turn: {
    scope: "instance",
    deps: ["$enter"],
    code: `
/** Runs a turn of a task's guest code (the export, or its callback) with the instance entered. */
function $turn(label: string, f: () => number): number {
  const prev = $state;
  if (prev === 2) $enterFailed(label);
  $state = 1;
  $current = label;
  try {
    const code = f();
    $state = prev;
    return code;
  } catch (e) {
    $state = 2;
    throw e;
  }
}`,
  },
};
Object.assign(helpers, asyncHelpers);
