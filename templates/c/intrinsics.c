// Canonical ABI intrinsics of C guests: the unions that reinterpret the
// bits of floats and integers (each emitted when the glue uses it), and
// `cabi_realloc`, weak so that the guest may define its own, or only its
// declaration when the guest must (`--no-realloc`).
//
// The sections go into `<world>.c` (see generators/template-sections.ts).
// @standalone
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

// @section int32_float
union int32_float { int32_t a; float b; };

// @section float_int32
union float_int32 { float a; int32_t b; };

// @section int64_double
union int64_double { int64_t a; double b; };

// @section double_int64
union double_int64 { double a; int64_t b; };

// @section cabi_realloc-extern
void *cabi_realloc(void *ptr, size_t old_size, size_t align, size_t new_size);

// @section cabi_realloc
__attribute__((__weak__, __export_name__("cabi_realloc")))
void *cabi_realloc(void *ptr, size_t old_size, size_t align, size_t new_size) {
  (void) old_size;
  if (new_size == 0) return (void*) align;
  void *ret = realloc(ptr, new_size);
  if (!ret) abort();
  return ret;
}
