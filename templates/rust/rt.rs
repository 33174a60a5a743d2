// The `_rt` module of a generated Rust file: the few helpers the glue calls,
// so that the file depends on no crate.
//
// The generator (`runtimeModule` in generators/rust/runtime.ts) cuts this file
// into its `// @section` pieces (the markers are described in
// templates/README.md) and writes `mod _rt { … }` with the section
// `attributes` and, in the order of this file, each helper the glue refers to
// together with the helpers it `needs`. A section with `module=FILE` is the
// module of that name, whose body is the section of the same name in FILE.
//
// Every emitted line is re-indented one level, inside `mod _rt`, and is kept
// as rustfmt formats it there. For edition 2024, `extern "C" {` becomes
// `unsafe extern "C" {`.
//
// The file is also a crate of its own, compiled by test/rust-templates.test.ts.

// @section attributes
#![allow(dead_code, unused_imports, unsafe_op_in_unsafe_fn, clippy::all)]

// @standalone
// Everything that allocates goes through the `alloc` crate, never `std`, so
// that the bindings also build in `#![no_std]` crates.

// @section alloc_crate
extern crate alloc as alloc_crate;

// @section String needs=alloc_crate
pub use alloc_crate::string::String;

// @section Vec needs=alloc_crate
pub use alloc_crate::vec::Vec;

// @section Map needs=alloc_crate
pub use alloc_crate::collections::BTreeMap as Map;

// @section Box needs=alloc_crate
pub use alloc_crate::boxed::Box;

// @standalone
// `as_i32` and its kin convert the values the glue lowers (and references to
// them) to the core type of their flattened representation.

// @section as_i32
pub trait AsI32 {
    fn as_i32(self) -> i32;
}
impl<'a, T: Copy + AsI32> AsI32 for &'a T {
    fn as_i32(self) -> i32 {
        (*self).as_i32()
    }
}
impl AsI32 for i32 {
    #[inline]
    fn as_i32(self) -> i32 {
        self as i32
    }
}
impl AsI32 for u32 {
    #[inline]
    fn as_i32(self) -> i32 {
        self as i32
    }
}
impl AsI32 for i16 {
    #[inline]
    fn as_i32(self) -> i32 {
        self as i32
    }
}
impl AsI32 for u16 {
    #[inline]
    fn as_i32(self) -> i32 {
        self as i32
    }
}
impl AsI32 for i8 {
    #[inline]
    fn as_i32(self) -> i32 {
        self as i32
    }
}
impl AsI32 for u8 {
    #[inline]
    fn as_i32(self) -> i32 {
        self as i32
    }
}
impl AsI32 for char {
    #[inline]
    fn as_i32(self) -> i32 {
        self as i32
    }
}
impl AsI32 for bool {
    #[inline]
    fn as_i32(self) -> i32 {
        self as i32
    }
}
impl AsI32 for usize {
    #[inline]
    fn as_i32(self) -> i32 {
        self as i32
    }
}
pub fn as_i32<T: AsI32>(t: T) -> i32 {
    t.as_i32()
}

// @section as_i64
pub trait AsI64 {
    fn as_i64(self) -> i64;
}
impl<'a, T: Copy + AsI64> AsI64 for &'a T {
    fn as_i64(self) -> i64 {
        (*self).as_i64()
    }
}
impl AsI64 for i64 {
    #[inline]
    fn as_i64(self) -> i64 {
        self as i64
    }
}
impl AsI64 for u64 {
    #[inline]
    fn as_i64(self) -> i64 {
        self as i64
    }
}
pub fn as_i64<T: AsI64>(t: T) -> i64 {
    t.as_i64()
}

// @section as_f32
pub trait AsF32 {
    fn as_f32(self) -> f32;
}
impl<'a, T: Copy + AsF32> AsF32 for &'a T {
    fn as_f32(self) -> f32 {
        (*self).as_f32()
    }
}
impl AsF32 for f32 {
    #[inline]
    fn as_f32(self) -> f32 {
        self
    }
}
pub fn as_f32<T: AsF32>(t: T) -> f32 {
    t.as_f32()
}

// @section as_f64
pub trait AsF64 {
    fn as_f64(self) -> f64;
}
impl<'a, T: Copy + AsF64> AsF64 for &'a T {
    fn as_f64(self) -> f64 {
        (*self).as_f64()
    }
}
impl AsF64 for f64 {
    #[inline]
    fn as_f64(self) -> f64 {
        self
    }
}
pub fn as_f64<T: AsF64>(t: T) -> f64 {
    t.as_f64()
}

// @section list_lift needs=Vec
/// Takes ownership of a list the other side allocated with `cabi_realloc`.
pub unsafe fn list_lift<T>(ptr: *mut u8, len: usize) -> Vec<T> {
    if len == 0 {
        Vec::new()
    } else {
        Vec::from_raw_parts(ptr.cast::<T>(), len, len)
    }
}

// @section string_lift needs=list_lift,String
/// Takes ownership of a string the other side allocated with `cabi_realloc`.
pub unsafe fn string_lift(ptr: *mut u8, len: usize) -> String {
    let bytes = list_lift::<u8>(ptr, len);
    if cfg!(debug_assertions) {
        String::from_utf8(bytes).unwrap()
    } else {
        String::from_utf8_unchecked(bytes)
    }
}

// @section alloc_list needs=alloc_crate
/// Allocates the buffer of a lowered list.
pub unsafe fn alloc_list(size: usize, align: usize) -> *mut u8 {
    if size == 0 {
        return align as *mut u8;
    }
    let layout = alloc_crate::alloc::Layout::from_size_align_unchecked(size, align);
    let ptr = alloc_crate::alloc::alloc(layout);
    if ptr.is_null() {
        alloc_crate::alloc::handle_alloc_error(layout);
    }
    ptr
}

// @section cabi_dealloc needs=alloc_crate
/// Frees memory allocated with `cabi_realloc` or `alloc_list`.
pub unsafe fn cabi_dealloc(ptr: *mut u8, size: usize, align: usize) {
    if size == 0 {
        return;
    }
    let layout = alloc_crate::alloc::Layout::from_size_align_unchecked(size, align);
    alloc_crate::alloc::dealloc(ptr, layout);
}

// @standalone
// The lifts of `bool`, `char` and enum discriminants check the value in debug
// builds only; a release build trusts the other side.

// @section bool_lift
pub unsafe fn bool_lift(val: u8) -> bool {
    if cfg!(debug_assertions) {
        match val {
            0 => false,
            1 => true,
            _ => panic!("invalid bool discriminant"),
        }
    } else {
        val != 0
    }
}

// @section char_lift
pub unsafe fn char_lift(val: u32) -> char {
    if cfg!(debug_assertions) {
        ::core::char::from_u32(val).unwrap()
    } else {
        ::core::char::from_u32_unchecked(val)
    }
}

// @section invalid_enum_discriminant
pub unsafe fn invalid_enum_discriminant<T>() -> T {
    if cfg!(debug_assertions) {
        panic!("invalid enum discriminant")
    } else {
        ::core::hint::unreachable_unchecked()
    }
}

// @section cabi_realloc needs=alloc_crate
/// The canonical ABI's `realloc`: the global allocator, sized and aligned as asked.
pub unsafe fn cabi_realloc(
    old_ptr: *mut u8,
    old_len: usize,
    align: usize,
    new_len: usize,
) -> *mut u8 {
    use alloc_crate::alloc::{self, Layout};
    let layout;
    let ptr = if old_len == 0 {
        if new_len == 0 {
            return align as *mut u8;
        }
        layout = Layout::from_size_align_unchecked(new_len, align);
        alloc::alloc(layout)
    } else {
        layout = Layout::from_size_align_unchecked(old_len, align);
        alloc::realloc(old_ptr, layout, new_len)
    };
    if ptr.is_null() {
        alloc::handle_alloc_error(layout);
    }
    ptr
}

// @section Resource needs=WasmResource
use core::sync::atomic::Ordering;

/// An owned handle to a resource; dropping it drops the handle.
#[repr(transparent)]
pub struct Resource<T: WasmResource> {
    handle: ::core::sync::atomic::AtomicU32,
    _marker: ::core::marker::PhantomData<T>,
}
impl<T: WasmResource> Resource<T> {
    pub unsafe fn from_handle(handle: u32) -> Self {
        debug_assert!(handle != u32::MAX);
        Self {
            handle: ::core::sync::atomic::AtomicU32::new(handle),
            _marker: ::core::marker::PhantomData,
        }
    }
    /// Gives up the handle: the resource is no longer dropped with this value.
    pub fn take_handle(resource: &Resource<T>) -> u32 {
        resource.handle.swap(u32::MAX, Ordering::Relaxed)
    }
    pub fn handle(resource: &Resource<T>) -> u32 {
        resource.handle.load(Ordering::Relaxed)
    }
}
impl<T: WasmResource> ::core::fmt::Debug for Resource<T> {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        f.debug_struct("Resource")
            .field("handle", &self.handle)
            .finish()
    }
}
impl<T: WasmResource> Drop for Resource<T> {
    fn drop(&mut self) {
        unsafe {
            match self.handle.load(Ordering::Relaxed) {
                u32::MAX => {}
                other => T::drop(other),
            }
        }
    }
}

// @section drop_box needs=Box
/// Drops a value boxed with `Box::into_raw`.
pub unsafe fn drop_box<T>(ptr: *mut u8) {
    drop(Box::from_raw(ptr.cast::<T>()));
}

// @section async_support module=async_support.rs
// @standalone
// The generated file holds the module inline; this crate reads it from its file.
#[path = "async_support.rs"]
pub mod async_support;

// @section ResourceRep
/// What the handle of a resource the guest exports points to: `Option<T>`,
/// emptied when the value is taken (`Self::Rep` of its `Guest` trait).
pub trait ResourceRep: Sized + 'static {
    type Rep;
}
impl<T: 'static> ResourceRep for T {
    type Rep = Option<T>;
}

// @section WasmResource
/// A resource type: how to drop one of its handles.
pub unsafe trait WasmResource {
    unsafe fn drop(handle: u32);
}

// @standalone
// `run_ctors_once`: the exports run the module's static constructors (which
// wasm-ld gathers in `__wasm_call_ctors`) on their first call only, as
// wit-bindgen's exports do; calling it also stops wasm-ld from wrapping every
// export in a call of the constructors.

// @section bitflags
/// `bitflags!` as the bindings invoke it with `--bitflags-path` (which guest
/// code points at `wit_bindgen::rt::bitflags`): a struct over an integer, its
/// flags as constants, and the methods and operators of the bitflags crate's
/// flags.
pub mod bitflags {
    #[allow(unused_macros)]
    macro_rules! bitflags {
        (
            $(#[$attr:meta])*
            $vis:vis struct $name:ident: $repr:ty {
                $(
                    $(#[$flag_attr:meta])*
                    const $flag:ident = $value:expr;
                )*
            }
        ) => {
            $(#[$attr])*
            $vis struct $name {
                bits: $repr,
            }
            #[allow(dead_code)]
            impl $name {
                $(
                    $(#[$flag_attr])*
                    pub const $flag: Self = Self { bits: $value };
                )*
                /// No flags set.
                pub const fn empty() -> Self {
                    Self { bits: 0 }
                }
                /// Every flag set.
                pub const fn all() -> Self {
                    Self { bits: 0 $(| $value)* }
                }
                /// The bits of the set flags.
                pub const fn bits(&self) -> $repr {
                    self.bits
                }
                /// The flags of `bits`, unknown bits included.
                pub const fn from_bits_retain(bits: $repr) -> Self {
                    Self { bits }
                }
                /// The flags of `bits`, or `None` when an unknown bit is set.
                pub const fn from_bits(bits: $repr) -> Option<Self> {
                    if bits & !Self::all().bits == 0 {
                        Some(Self { bits })
                    } else {
                        None
                    }
                }
                /// The flags of `bits`, unknown bits dropped.
                pub const fn from_bits_truncate(bits: $repr) -> Self {
                    Self::from_bits_retain(bits & Self::all().bits)
                }
                pub const fn is_empty(&self) -> bool {
                    self.bits == 0
                }
                pub const fn is_all(&self) -> bool {
                    self.bits == Self::all().bits
                }
                pub const fn contains(&self, other: Self) -> bool {
                    self.bits & other.bits == other.bits
                }
                pub const fn intersects(&self, other: Self) -> bool {
                    self.bits & other.bits != 0
                }
                pub fn insert(&mut self, other: Self) {
                    self.bits |= other.bits;
                }
                pub fn remove(&mut self, other: Self) {
                    self.bits &= !other.bits;
                }
                pub fn toggle(&mut self, other: Self) {
                    self.bits ^= other.bits;
                }
                pub fn set(&mut self, other: Self, value: bool) {
                    if value {
                        self.insert(other);
                    } else {
                        self.remove(other);
                    }
                }
            }
            impl ::core::ops::BitOr for $name {
                type Output = Self;
                fn bitor(self, other: Self) -> Self {
                    Self::from_bits_retain(self.bits | other.bits)
                }
            }
            impl ::core::ops::BitOrAssign for $name {
                fn bitor_assign(&mut self, other: Self) {
                    self.bits |= other.bits;
                }
            }
            impl ::core::ops::BitAnd for $name {
                type Output = Self;
                fn bitand(self, other: Self) -> Self {
                    Self::from_bits_retain(self.bits & other.bits)
                }
            }
            impl ::core::ops::BitAndAssign for $name {
                fn bitand_assign(&mut self, other: Self) {
                    self.bits &= other.bits;
                }
            }
            impl ::core::ops::BitXor for $name {
                type Output = Self;
                fn bitxor(self, other: Self) -> Self {
                    Self::from_bits_retain(self.bits ^ other.bits)
                }
            }
            impl ::core::ops::BitXorAssign for $name {
                fn bitxor_assign(&mut self, other: Self) {
                    self.bits ^= other.bits;
                }
            }
            impl ::core::ops::Sub for $name {
                type Output = Self;
                fn sub(self, other: Self) -> Self {
                    Self::from_bits_retain(self.bits & !other.bits)
                }
            }
            impl ::core::ops::SubAssign for $name {
                fn sub_assign(&mut self, other: Self) {
                    self.bits &= !other.bits;
                }
            }
            impl ::core::ops::Not for $name {
                type Output = Self;
                fn not(self) -> Self {
                    Self::from_bits_retain(!self.bits & Self::all().bits)
                }
            }
        };
    }
    pub(crate) use bitflags;
}

// @section run_ctors_once
#[cfg(target_arch = "wasm32")]
pub fn run_ctors_once() {
    static RUN: core::sync::atomic::AtomicBool = core::sync::atomic::AtomicBool::new(false);
    if !RUN.swap(true, core::sync::atomic::Ordering::Relaxed) {
        extern "C" {
            fn __wasm_call_ctors();
        }
        unsafe { __wasm_call_ctors() }
    }
}
