;; The guest of the host benchmark (bench.wit, world `bench`), written by hand.
;;
;; Memory: the return area at 16, constants below 64 KiB, and a bump heap from
;; 64 KiB for what the host lowers. The heap is reset when the guest is done
;; with what it allocated: by each `cabi_post_*`, and by `sum` itself (it owns
;; its argument and returns nothing in memory), so memory stops growing after
;; the first calls.
(module
  (import "bench:host/host" "take-u32" (func $take_u32 (param i32)))
  (import "bench:host/host" "take-string" (func $take_string (param i32 i32)))

  (memory (export "memory") 2)

  ;; The return area: a (pointer, length) pair.
  (global $ret i32 (i32.const 16))

  ;; "hello from the guest :)", 23 bytes, for `call-string`.
  (data (i32.const 32) "hello from the guest :)")

  ;; 1024 ASCII bytes for `text`: 16 lines of 64 bytes.
  (data (i32.const 1024)
    "line 00: the quick brown fox jumps over the lazy dog 0123456789\n"
    "line 01: the quick brown fox jumps over the lazy dog 0123456789\n"
    "line 02: the quick brown fox jumps over the lazy dog 0123456789\n"
    "line 03: the quick brown fox jumps over the lazy dog 0123456789\n"
    "line 04: the quick brown fox jumps over the lazy dog 0123456789\n"
    "line 05: the quick brown fox jumps over the lazy dog 0123456789\n"
    "line 06: the quick brown fox jumps over the lazy dog 0123456789\n"
    "line 07: the quick brown fox jumps over the lazy dog 0123456789\n"
    "line 08: the quick brown fox jumps over the lazy dog 0123456789\n"
    "line 09: the quick brown fox jumps over the lazy dog 0123456789\n"
    "line 10: the quick brown fox jumps over the lazy dog 0123456789\n"
    "line 11: the quick brown fox jumps over the lazy dog 0123456789\n"
    "line 12: the quick brown fox jumps over the lazy dog 0123456789\n"
    "line 13: the quick brown fox jumps over the lazy dog 0123456789\n"
    "line 14: the quick brown fox jumps over the lazy dog 0123456789\n"
    "line 15: the quick brown fox jumps over the lazy dog 0123456789\n"
  )

  ;; 1000 points of 16 bytes (x: u32 at 0, y: f64 at 8) from 4096, filled by
  ;; the first call of `points`.
  (global $points i32 (i32.const 4096))
  (global $points_ready (mut i32) (i32.const 0))

  ;; The bump heap.
  (global $heap_base i32 (i32.const 65536))
  (global $heap (mut i32) (i32.const 65536))

  ;; Makes sure memory reaches `end`.
  (func $reserve (param $end i32)
    (local $have i32)
    (local.set $have (i32.shl (memory.size) (i32.const 16)))
    (if (i32.gt_u (local.get $end) (local.get $have))
      (then
        (if (i32.eq
              (memory.grow
                (i32.shr_u
                  (i32.add (i32.sub (local.get $end) (local.get $have)) (i32.const 65535))
                  (i32.const 16)))
              (i32.const -1))
          (then unreachable)))))

  ;; Shrinks in place; grows the last allocation in place; otherwise takes
  ;; fresh space (aligned) and copies the old contents.
  (func (export "cabi_realloc")
    (param $old i32) (param $old_size i32) (param $align i32) (param $new_size i32) (result i32)
    (local $ptr i32) (local $end i32)
    (if (i32.ne (local.get $old) (i32.const 0))
      (then
        (if (i32.le_u (local.get $new_size) (local.get $old_size))
          (then (return (local.get $old))))
        (if (i32.eq (i32.add (local.get $old) (local.get $old_size)) (global.get $heap))
          (then
            (local.set $end (i32.add (local.get $old) (local.get $new_size)))
            (call $reserve (local.get $end))
            (global.set $heap (local.get $end))
            (return (local.get $old))))))
    (local.set $ptr
      (i32.and
        (i32.add (global.get $heap) (i32.sub (local.get $align) (i32.const 1)))
        (i32.sub (i32.const 0) (local.get $align))))
    (local.set $end (i32.add (local.get $ptr) (local.get $new_size)))
    (call $reserve (local.get $end))
    (global.set $heap (local.get $end))
    (if (i32.ne (local.get $old) (i32.const 0))
      (then (memory.copy (local.get $ptr) (local.get $old) (local.get $old_size))))
    (local.get $ptr))

  ;; Frees everything the host lowered.
  (func $reset
    (global.set $heap (global.get $heap_base)))

  ;; Stores (ptr, len) in the return area and returns it.
  (func $return_pair (param $ptr i32) (param $len i32) (result i32)
    (i32.store (global.get $ret) (local.get $ptr))
    (i32.store offset=4 (global.get $ret) (local.get $len))
    (global.get $ret))

  (func (export "noop"))

  (func (export "add") (param $a i32) (param $b i32) (result i32)
    (i32.add (local.get $a) (local.get $b)))

  (func (export "echo") (param $ptr i32) (param $len i32) (result i32)
    (call $return_pair (local.get $ptr) (local.get $len)))
  (func (export "cabi_post_echo") (param i32)
    (call $reset))

  (func (export "sum") (param $ptr i32) (param $len i32) (result i32)
    (local $end i32) (local $acc i32)
    (local.set $end (i32.add (local.get $ptr) (i32.shl (local.get $len) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $ptr) (local.get $end)))
        (local.set $acc (i32.add (local.get $acc) (i32.load (local.get $ptr))))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 4)))
        (br $next)))
    (call $reset)
    (local.get $acc))

  (func (export "echo-bytes") (param $ptr i32) (param $len i32) (result i32)
    (call $return_pair (local.get $ptr) (local.get $len)))
  (func (export "cabi_post_echo-bytes") (param i32)
    (call $reset))

  (func (export "text") (result i32)
    (call $return_pair (i32.const 1024) (i32.const 1024)))
  (func (export "cabi_post_text") (param i32)
    (call $reset))

  (func (export "points") (result i32)
    (local $i i32) (local $at i32)
    (if (i32.eqz (global.get $points_ready))
      (then
        (local.set $at (global.get $points))
        (block $done
          (loop $next
            (br_if $done (i32.ge_u (local.get $i) (i32.const 1000)))
            (i32.store (local.get $at) (local.get $i))
            (f64.store offset=8 (local.get $at)
              (f64.mul (f64.convert_i32_u (local.get $i)) (f64.const 0.5)))
            (local.set $at (i32.add (local.get $at) (i32.const 16)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $next)))
        (global.set $points_ready (i32.const 1))))
    (call $return_pair (global.get $points) (i32.const 1000)))
  (func (export "cabi_post_points") (param i32)
    (call $reset))

  (func (export "call-u32") (param $x i32)
    (call $take_u32 (local.get $x)))

  (func (export "call-string")
    (call $take_string (i32.const 32) (i32.const 23)))
)
