// The `runner` world of wit-bindgen's runtime case `numbers`: round trips of
// the edge values of every number type, and a scalar kept by the other side.
#include <stdint.h>
#include <stdlib.h>

#include "runner.h"

#define CHECK(e) \
  if (!(e)) abort()

void exports_runner_run(void) {
  CHECK(test_numbers_numbers_roundtrip_u8(1) == 1);
  CHECK(test_numbers_numbers_roundtrip_u8(UINT8_MAX) == UINT8_MAX);
  CHECK(test_numbers_numbers_roundtrip_s8(INT8_MIN) == INT8_MIN);
  CHECK(test_numbers_numbers_roundtrip_s8(INT8_MAX) == INT8_MAX);
  CHECK(test_numbers_numbers_roundtrip_u16(UINT16_MAX) == UINT16_MAX);
  CHECK(test_numbers_numbers_roundtrip_s16(INT16_MIN) == INT16_MIN);
  CHECK(test_numbers_numbers_roundtrip_u32(UINT32_MAX) == UINT32_MAX);
  CHECK(test_numbers_numbers_roundtrip_s32(INT32_MIN) == INT32_MIN);
  CHECK(test_numbers_numbers_roundtrip_u64(UINT64_MAX) == UINT64_MAX);
  CHECK(test_numbers_numbers_roundtrip_s64(INT64_MIN) == INT64_MIN);
  CHECK(test_numbers_numbers_roundtrip_f32(1.5f) == 1.5f);
  CHECK(test_numbers_numbers_roundtrip_f64(-0.25) == -0.25);
  float f = test_numbers_numbers_roundtrip_f32(__builtin_nanf(""));
  CHECK(f != f);
  CHECK(test_numbers_numbers_roundtrip_char('a') == 'a');
  CHECK(test_numbers_numbers_roundtrip_char(0x1F600) == 0x1F600);
  test_numbers_numbers_set_scalar(2);
  CHECK(test_numbers_numbers_get_scalar() == 2);
  test_numbers_numbers_set_scalar(4);
  CHECK(test_numbers_numbers_get_scalar() == 4);
}
