/**
 * The `_rt` module of a generated Rust file: the few helpers the glue needs,
 * each emitted only when something refers to it, so the file depends on no
 * crate.
 */
import { asyncSupportLines } from "./async-runtime.js";
import { RustSource } from "./source.js";

interface Helper {
  /** Other helpers this one uses. */
  needs?: string[];
  code: string[];
}

const intTypes = ["i32", "u32", "i16", "u16", "i8", "u8", "char", "bool", "usize"];

const helpers: Record<string, Helper> = {
  String: { code: ["pub use std::string::String;"] },
  Vec: { code: ["pub use std::vec::Vec;"] },
  Map: { code: ["pub use std::collections::BTreeMap as Map;"] },
  Box: { code: ["pub use std::boxed::Box;"] },
  as_i32: {
    code: [
      "pub trait AsI32 {",
      "    fn as_i32(self) -> i32;",
      "}",
      "impl<'a, T: Copy + AsI32> AsI32 for &'a T {",
      "    fn as_i32(self) -> i32 {",
      "        (*self).as_i32()",
      "    }",
      "}",
      ...intTypes.flatMap((t) => [
        `impl AsI32 for ${t} {`,
        "    #[inline]",
        "    fn as_i32(self) -> i32 {",
        "        self as i32",
        "    }",
        "}",
      ]),
      "pub fn as_i32<T: AsI32>(t: T) -> i32 {",
      "    t.as_i32()",
      "}",
    ],
  },
  as_i64: {
    code: [
      "pub trait AsI64 {",
      "    fn as_i64(self) -> i64;",
      "}",
      "impl<'a, T: Copy + AsI64> AsI64 for &'a T {",
      "    fn as_i64(self) -> i64 {",
      "        (*self).as_i64()",
      "    }",
      "}",
      ...["i64", "u64"].flatMap((t) => [
        `impl AsI64 for ${t} {`,
        "    #[inline]",
        "    fn as_i64(self) -> i64 {",
        "        self as i64",
        "    }",
        "}",
      ]),
      "pub fn as_i64<T: AsI64>(t: T) -> i64 {",
      "    t.as_i64()",
      "}",
    ],
  },
  as_f32: {
    code: [
      "pub trait AsF32 {",
      "    fn as_f32(self) -> f32;",
      "}",
      "impl<'a, T: Copy + AsF32> AsF32 for &'a T {",
      "    fn as_f32(self) -> f32 {",
      "        (*self).as_f32()",
      "    }",
      "}",
      "impl AsF32 for f32 {",
      "    #[inline]",
      "    fn as_f32(self) -> f32 {",
      "        self",
      "    }",
      "}",
      "pub fn as_f32<T: AsF32>(t: T) -> f32 {",
      "    t.as_f32()",
      "}",
    ],
  },
  as_f64: {
    code: [
      "pub trait AsF64 {",
      "    fn as_f64(self) -> f64;",
      "}",
      "impl<'a, T: Copy + AsF64> AsF64 for &'a T {",
      "    fn as_f64(self) -> f64 {",
      "        (*self).as_f64()",
      "    }",
      "}",
      "impl AsF64 for f64 {",
      "    #[inline]",
      "    fn as_f64(self) -> f64 {",
      "        self",
      "    }",
      "}",
      "pub fn as_f64<T: AsF64>(t: T) -> f64 {",
      "    t.as_f64()",
      "}",
    ],
  },
  list_lift: {
    needs: ["Vec"],
    code: [
      "/// Takes ownership of a list the other side allocated with `cabi_realloc`.",
      "pub unsafe fn list_lift<T>(ptr: *mut u8, len: usize) -> Vec<T> {",
      "    if len == 0 {",
      "        Vec::new()",
      "    } else {",
      "        Vec::from_raw_parts(ptr.cast::<T>(), len, len)",
      "    }",
      "}",
    ],
  },
  string_lift: {
    needs: ["list_lift", "String"],
    code: [
      "/// Takes ownership of a string the other side allocated with `cabi_realloc`.",
      "pub unsafe fn string_lift(ptr: *mut u8, len: usize) -> String {",
      "    let bytes = list_lift::<u8>(ptr, len);",
      "    if cfg!(debug_assertions) {",
      "        String::from_utf8(bytes).unwrap()",
      "    } else {",
      "        String::from_utf8_unchecked(bytes)",
      "    }",
      "}",
    ],
  },
  alloc_list: {
    code: [
      "/// Allocates the buffer of a lowered list.",
      "pub unsafe fn alloc_list(size: usize, align: usize) -> *mut u8 {",
      "    if size == 0 {",
      "        return align as *mut u8;",
      "    }",
      "    let layout = ::std::alloc::Layout::from_size_align_unchecked(size, align);",
      "    let ptr = ::std::alloc::alloc(layout);",
      "    if ptr.is_null() {",
      "        ::std::alloc::handle_alloc_error(layout);",
      "    }",
      "    ptr",
      "}",
    ],
  },
  cabi_dealloc: {
    code: [
      "/// Frees memory allocated with `cabi_realloc` or `alloc_list`.",
      "pub unsafe fn cabi_dealloc(ptr: *mut u8, size: usize, align: usize) {",
      "    if size == 0 {",
      "        return;",
      "    }",
      "    let layout = ::std::alloc::Layout::from_size_align_unchecked(size, align);",
      "    ::std::alloc::dealloc(ptr, layout);",
      "}",
    ],
  },
  bool_lift: {
    code: [
      "pub unsafe fn bool_lift(val: u8) -> bool {",
      "    if cfg!(debug_assertions) {",
      "        match val {",
      "            0 => false,",
      "            1 => true,",
      '            _ => panic!("invalid bool discriminant"),',
      "        }",
      "    } else {",
      "        val != 0",
      "    }",
      "}",
    ],
  },
  char_lift: {
    code: [
      "pub unsafe fn char_lift(val: u32) -> char {",
      "    if cfg!(debug_assertions) {",
      "        ::core::char::from_u32(val).unwrap()",
      "    } else {",
      "        ::core::char::from_u32_unchecked(val)",
      "    }",
      "}",
    ],
  },
  invalid_enum_discriminant: {
    code: [
      "pub unsafe fn invalid_enum_discriminant<T>() -> T {",
      "    if cfg!(debug_assertions) {",
      '        panic!("invalid enum discriminant")',
      "    } else {",
      "        ::core::hint::unreachable_unchecked()",
      "    }",
      "}",
    ],
  },
  cabi_realloc: {
    code: [
      "/// The canonical ABI's `realloc`: the global allocator, sized and aligned as asked.",
      "pub unsafe fn cabi_realloc(",
      "    old_ptr: *mut u8,",
      "    old_len: usize,",
      "    align: usize,",
      "    new_len: usize,",
      ") -> *mut u8 {",
      "    use std::alloc::{self, Layout};",
      "    let layout;",
      "    let ptr = if old_len == 0 {",
      "        if new_len == 0 {",
      "            return align as *mut u8;",
      "        }",
      "        layout = Layout::from_size_align_unchecked(new_len, align);",
      "        alloc::alloc(layout)",
      "    } else {",
      "        layout = Layout::from_size_align_unchecked(old_len, align);",
      "        alloc::realloc(old_ptr, layout, new_len)",
      "    };",
      "    if ptr.is_null() {",
      "        alloc::handle_alloc_error(layout);",
      "    }",
      "    ptr",
      "}",
    ],
  },
  Resource: {
    needs: ["WasmResource"],
    code: [
      "use core::sync::atomic::Ordering;",
      "",
      "/// An owned handle to a resource; dropping it drops the handle.",
      "#[repr(transparent)]",
      "pub struct Resource<T: WasmResource> {",
      "    handle: ::core::sync::atomic::AtomicU32,",
      "    _marker: ::core::marker::PhantomData<T>,",
      "}",
      "impl<T: WasmResource> Resource<T> {",
      "    pub unsafe fn from_handle(handle: u32) -> Self {",
      "        debug_assert!(handle != u32::MAX);",
      "        Self {",
      "            handle: ::core::sync::atomic::AtomicU32::new(handle),",
      "            _marker: ::core::marker::PhantomData,",
      "        }",
      "    }",
      "    /// Gives up the handle: the resource is no longer dropped with this value.",
      "    pub fn take_handle(resource: &Resource<T>) -> u32 {",
      "        resource.handle.swap(u32::MAX, Ordering::Relaxed)",
      "    }",
      "    pub fn handle(resource: &Resource<T>) -> u32 {",
      "        resource.handle.load(Ordering::Relaxed)",
      "    }",
      "}",
      "impl<T: WasmResource> ::core::fmt::Debug for Resource<T> {",
      "    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {",
      '        f.debug_struct("Resource")',
      '            .field("handle", &self.handle)',
      "            .finish()",
      "    }",
      "}",
      "impl<T: WasmResource> Drop for Resource<T> {",
      "    fn drop(&mut self) {",
      "        unsafe {",
      "            match self.handle.load(Ordering::Relaxed) {",
      "                u32::MAX => {}",
      "                other => T::drop(other),",
      "            }",
      "        }",
      "    }",
      "}",
    ],
  },
  drop_box: {
    needs: ["Box"],
    code: [
      "/// Drops a value boxed with `Box::into_raw`.",
      "pub unsafe fn drop_box<T>(ptr: *mut u8) {",
      "    drop(Box::from_raw(ptr.cast::<T>()));",
      "}",
    ],
  },
  async_support: {
    // Filled in per edition by `runtimeModule`.
    code: [],
  },
  WasmResource: {
    code: [
      "/// A resource type: how to drop one of its handles.",
      "pub unsafe trait WasmResource {",
      "    unsafe fn drop(handle: u32);",
      "}",
    ],
  },
};

/**
 * `run_ctors_once`: the exports run the module's static constructors (which
 * wasm-ld gathers in `__wasm_call_ctors`) on their first call only, as
 * wit-bindgen's exports do; calling it also stops wasm-ld from wrapping every
 * export in a call of the constructors.
 */
function runCtorsOnce(edition2024: boolean): string[] {
  return [
    '#[cfg(target_arch = "wasm32")]',
    "pub fn run_ctors_once() {",
    "    static RUN: core::sync::atomic::AtomicBool = core::sync::atomic::AtomicBool::new(false);",
    "    if !RUN.swap(true, core::sync::atomic::Ordering::Relaxed) {",
    `        ${edition2024 ? "unsafe " : ""}extern "C" {`,
    "            fn __wasm_call_ctors();",
    "        }",
    "        unsafe { __wasm_call_ctors() }",
    "    }",
    "}",
  ];
}
helpers.run_ctors_once = { code: [] };

const order = Object.keys(helpers);

/** The `_rt` module holding `used` helpers (and what they need), or nothing. */
export function runtimeModule(used: Set<string>, edition2024: boolean): RustSource {
  const all = new Set<string>();
  const add = (name: string) => {
    if (all.has(name)) return;
    const helper = helpers[name];
    if (!helper) throw new Error(`no runtime helper \`${name}\``);
    all.add(name);
    helper.needs?.forEach(add);
  };
  used.forEach(add);
  const out = new RustSource();
  out.open("mod _rt {");
  out.line("#![allow(dead_code, unused_imports, unsafe_op_in_unsafe_fn, clippy::all)]");
  for (const name of order) {
    if (!all.has(name)) continue;
    const code =
      name === "async_support"
        ? asyncSupportLines(edition2024)
        : name === "run_ctors_once"
          ? runCtorsOnce(edition2024)
          : helpers[name].code;
    out.blank();
    for (const l of code) {
      const indent = l.match(/^ */)![0].length / 4;
      out.shift(indent);
      out.line(l.trimStart());
      out.shift(-indent);
    }
  }
  out.close();
  return out;
}
