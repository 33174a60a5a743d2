/**
 * A built-in `libdl.so`: `dlopen`, `dlsym`, `dlclose` and `dlerror` over the
 * lookup tables the linker writes for `dlopen`-able libraries (see
 * `DlOpenables` in env-module.ts), as a shared library of the dynamic-linking
 * conventions, generated here rather than compiled.
 *
 * It finds the tables through `GOT.mem.__wasm_libdl_libraries` (the address
 * of `struct libraries`), and uses `strlen` and `memcmp` from the C library
 * through `env`. Its data is the error messages, at `__memory_base`.
 *
 * - `dlopen(name, flags)`: flags other than `RTLD_LAZY | RTLD_NOW |
 *   RTLD_GLOBAL` fail; the library is found by bisecting the sorted
 *   libraries; the handle is the address of its `struct library`.
 * - `dlsym(handle, name)`: `RTLD_DEFAULT` (0) and `RTLD_NEXT` (-1) are not
 *   supported; an invalid handle fails; the symbol is found by bisection and
 *   its address returned.
 * - `dlclose(handle)`: 0, or -1 for an invalid handle.
 * - `dlerror()`: the last error message (NUL-terminated) or 0, and clears it.
 */
import { producersSection } from "../metadata.js";
import { ByteWriter } from "../writer.js";
import { ENV, GOT_MEM, LIBDL_LIBRARIES, MEMORY, MEMORY_BASE } from "./metadata.js";
import { Code, ModuleBuilder } from "./module.js";

export const LIBDL_NAME = "libdl.so";

const RTLD_LAZY = 1;
const RTLD_NOW = 2;
const RTLD_GLOBAL = 256;
/** `struct library`: name (length, data), symbols (count, array). */
const LIBRARY_SIZE = 16;
/** `struct symbol`: name (length, data), address. */
const SYMBOL_SIZE = 12;

const MESSAGES = {
  invalidHandle: "invalid library handle",
  flags: "dlopen flags not yet supported",
  libraryNotFound: "library not found",
  symbolNotFound: "symbol not found",
  rtld: "dlsym RTLD_NEXT and RTLD_DEFAULT not yet supported",
} as const;

let cached: Uint8Array | undefined;

/** The bytes of the built-in `libdl.so`. */
export function libdlModule(): Uint8Array {
  return (cached ??= buildLibdl());
}

function buildLibdl(): Uint8Array {
  const utf8 = new TextEncoder();
  const offsets = {} as Record<keyof typeof MESSAGES, number>;
  const data: number[] = [];
  for (const [key, text] of Object.entries(MESSAGES) as [keyof typeof MESSAGES, string][]) {
    offsets[key] = data.length;
    data.push(...utf8.encode(text), 0);
  }

  const b = new ModuleBuilder();
  const i32 = "I32" as const;
  const strlen = b.importFunc(ENV, "strlen", b.type([i32], [i32]));
  const memcmp = b.importFunc(ENV, "memcmp", b.type([i32, i32, i32], [i32]));
  b.importMemory(ENV, MEMORY, 0);
  const memoryBase = b.importGlobal(ENV, MEMORY_BASE, i32, false);
  const libraries = b.importGlobal(GOT_MEM, LIBDL_LIBRARIES, i32, true);
  const error = b.global(i32, true, 0);

  const setError = (code: Code, key: keyof typeof MESSAGES) =>
    code.globalGet(memoryBase).i32Const(offsets[key]).i32Add().globalSet(error);

  // compare(data, dataLen, key, keyLen): the sign of the bytewise comparison of the two strings.
  const compare = (() => {
    const c = new Code();
    c.localGet(1).localGet(3).localGet(1).localGet(3).i32LtU().select().localSet(4);
    c.localGet(0).localGet(2).localGet(4).call(memcmp).localSet(5);
    c.localGet(5).if_().localGet(5).return_().end();
    c.localGet(1).localGet(3).i32GtU().localGet(1).localGet(3).i32LtU().i32Sub();
    return b.func(b.type([i32, i32, i32, i32], [i32]), c, [i32, i32]);
  })();

  // search(base, count, stride, key, keyLen): the entry whose name is `key`, or 0.
  const search = (() => {
    const [lo, hi, mid, entry, cmp] = [5, 6, 7, 8, 9];
    const c = new Code();
    c.localGet(1).localSet(hi);
    c.block().loop();
    c.localGet(lo).localGet(hi).i32GeU().brIf(1);
    c.localGet(lo).localGet(hi).i32Add().i32Const(1).i32ShrU().localSet(mid);
    c.localGet(0).localGet(mid).localGet(2).i32Mul().i32Add().localSet(entry);
    c.localGet(entry).i32Load(4).localGet(entry).i32Load(0).localGet(3).localGet(4).call(compare).localSet(cmp);
    c.localGet(cmp).i32Eqz().if_().localGet(entry).return_().end();
    c.localGet(cmp).i32Const(0).i32LtS().if_();
    c.localGet(mid).i32Const(1).i32Add().localSet(lo);
    c.else_().localGet(mid).localSet(hi).end();
    c.br(0).end().end();
    c.i32Const(0);
    return b.func(b.type([i32, i32, i32, i32, i32], [i32]), c, [i32, i32, i32, i32, i32]);
  })();

  // invalid(handle): 0 for the address of an entry of the libraries array; else 1, setting the error.
  const invalid = (() => {
    const [count, offset] = [1, 2];
    const c = new Code();
    c.globalGet(libraries).i32Load(0).localSet(count);
    c.localGet(0).globalGet(libraries).i32Load(4).i32Sub().localSet(offset);
    c.localGet(offset).localGet(count).i32Const(LIBRARY_SIZE).i32Mul().i32LtU();
    c.localGet(offset)
      .i32Const(LIBRARY_SIZE - 1)
      .i32And()
      .i32Eqz()
      .i32And();
    c.if_().i32Const(0).return_().end();
    setError(c, "invalidHandle");
    c.i32Const(1);
    return b.func(b.type([i32], [i32]), c, [i32, i32]);
  })();

  const dlopen = (() => {
    const found = 2;
    const c = new Code();
    c.localGet(1)
      .i32Const(~(RTLD_LAZY | RTLD_NOW | RTLD_GLOBAL))
      .i32And()
      .if_();
    setError(c, "flags").i32Const(0).return_().end();
    c.globalGet(libraries).i32Load(4).globalGet(libraries).i32Load(0).i32Const(LIBRARY_SIZE);
    c.localGet(0).localGet(0).call(strlen).call(search).localTee(found).i32Eqz().if_();
    setError(c, "libraryNotFound").i32Const(0).return_().end();
    c.localGet(found);
    return b.func(b.type([i32, i32], [i32]), c, [i32]);
  })();

  const dlsym = (() => {
    const found = 2;
    const c = new Code();
    c.localGet(0).i32Const(-1).i32Eq().localGet(0).i32Eqz().i32Or().if_();
    setError(c, "rtld").i32Const(0).return_().end();
    c.localGet(0).call(invalid).if_().i32Const(0).return_().end();
    c.localGet(0).i32Load(12).localGet(0).i32Load(8).i32Const(SYMBOL_SIZE);
    c.localGet(1).localGet(1).call(strlen).call(search).localTee(found).i32Eqz().if_();
    setError(c, "symbolNotFound").i32Const(0).return_().end();
    c.localGet(found).i32Load(8);
    return b.func(b.type([i32, i32], [i32]), c, [i32]);
  })();

  const dlclose = b.func(
    b.type([i32], [i32]),
    new Code().localGet(0).call(invalid).ifI32().i32Const(-1).else_().i32Const(0).end(),
  );
  const dlerror = b.func(b.type([], [i32]), new Code().globalGet(error).i32Const(0).globalSet(error));

  b.export("dlclose", "func", dlclose);
  b.export("dlerror", "func", dlerror);
  b.export("dlopen", "func", dlopen);
  b.export("dlsym", "func", dlsym);
  b.data({ global: memoryBase }, Uint8Array.from(data));

  // dylink.0: one `mem-info` subsection (the messages' size, byte alignment, no table slots).
  const memInfo = new ByteWriter().u32(data.length).u32(0).u32(0).u32(0);
  const dylink = new ByteWriter().byte(1).sized(memInfo);
  b.custom("dylink.0", dylink.finish(), true);
  b.custom("producers", producersSection());
  return b.finish();
}
