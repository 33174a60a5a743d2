;; Guest of `edges-guest` (edges.wit), written by hand.
(module
  (import "test:edges/host-edges" "take-mixed" (func $take_mixed (param i32 i64 i32)))
  (import "test:edges/host-edges" "take-pairs" (func $take_pairs (param i32 i64 i32 i32)))
  (import "test:edges/host-edges" "validate" (func $validate (param i32 i32)))
  (import "test:edges/host-edges" "maybe" (func $maybe (param i32 i32)))
  (import "test:edges/host-edges" "plain" (func $plain (param i32) (result i32)))
  (import "test:edges/host-edges" "join16" (func $join16 (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)))
  (import "test:edges/host-edges" "seventeen" (func $seventeen (param i32 i32)))

  (memory (export "memory") 1)

  ;; with-big {before: 1, e: c299, after: 2} (padding 0xaa); with-big with e = 300 (out of range).
  (data (i32.const 1024) "\01\aa\2b\01\02\aa")
  (data (i32.const 1032) "\01\aa\2c\01\02\aa")
  ;; mixed: ch('😀'), small(7), flt(-1.5), large(u64 max), dbl(0.5); ch(0xd800); discriminant 5.
  (data (i32.const 1088) "\00\aa\aa\aa\aa\aa\aa\aa\00\f6\01\00\aa\aa\aa\aa")
  (data (i32.const 1104) "\01\aa\aa\aa\aa\aa\aa\aa\07\00\00\00\aa\aa\aa\aa")
  (data (i32.const 1120) "\02\aa\aa\aa\aa\aa\aa\aa\00\00\c0\bf\aa\aa\aa\aa")
  (data (i32.const 1136) "\03\aa\aa\aa\aa\aa\aa\aa\ff\ff\ff\ff\ff\ff\ff\ff")
  (data (i32.const 1152) "\04\aa\aa\aa\aa\aa\aa\aa\00\00\00\00\00\00\e0\3f")
  (data (i32.const 1168) "\00\aa\aa\aa\aa\aa\aa\aa\00\d8\00\00\00\00\00\00")
  (data (i32.const 1184) "\05\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00")
  ;; The arguments of the host's `seventeen`: 1..17.
  (data (i32.const 1280) "\01\00\00\00\02\00\00\00\03\00\00\00\04\00\00\00\05\00\00\00\06\00\00\00\07\00\00\00\08\00\00\00\09\00\00\00\0a\00\00\00\0b\00\00\00\0c\00\00\00\0d\00\00\00\0e\00\00\00\0f\00\00\00\10\00\00\00\11\00\00\00")

  ;; A bump allocator: never frees; grows memory when it runs out.
  (global $heap (mut i32) (i32.const 16384))
  (func $alloc (param $align i32) (param $size i32) (result i32)
    (local $ptr i32) (local $end i32) (local $have i32)
    (local.set $ptr
      (i32.and
        (i32.add (global.get $heap) (i32.sub (local.get $align) (i32.const 1)))
        (i32.sub (i32.const 0) (local.get $align))))
    (local.set $end (i32.add (local.get $ptr) (local.get $size)))
    (local.set $have (i32.shl (memory.size) (i32.const 16)))
    (if (i32.gt_u (local.get $end) (local.get $have))
      (then
        (if (i32.eq
              (memory.grow
                (i32.shr_u (i32.add (i32.sub (local.get $end) (local.get $have)) (i32.const 65535)) (i32.const 16)))
              (i32.const -1))
          (then unreachable))))
    (global.set $heap (local.get $end))
    (local.get $ptr))
  (func (export "cabi_realloc") (param $old i32) (param $old_size i32) (param $align i32) (param $new_size i32) (result i32)
    (local $ptr i32)
    (if (i32.and (i32.ne (local.get $old) (i32.const 0)) (i32.le_u (local.get $new_size) (local.get $old_size)))
      (then (return (local.get $old))))
    (local.set $ptr (call $alloc (local.get $align) (local.get $new_size)))
    (if (local.get $old)
      (then (memory.copy (local.get $ptr) (local.get $old) (local.get $old_size))))
    (local.get $ptr))


  ;; A return area holding two u32.
  (func $pair (param $a i32) (param $b i32) (result i32)
    (local $r i32)
    (local.set $r (call $alloc (i32.const 4) (i32.const 8)))
    (i32.store (local.get $r) (local.get $a))
    (i32.store offset=4 (local.get $r) (local.get $b))
    (local.get $r))

  (func (export "test:edges/edges#echo-big") (param i32) (result i32) (local.get 0))
  (func (export "test:edges/edges#raw-big") (param i32) (result i32) (local.get 0))
  (func (export "test:edges/edges#echo-with-big") (param $before i32) (param $e i32) (param $after i32) (result i32)
    (local $r i32)
    (local.set $r (call $alloc (i32.const 2) (i32.const 6)))
    (i32.store8 (local.get $r) (local.get $before))
    (i32.store16 offset=2 (local.get $r) (local.get $e))
    (i32.store8 offset=4 (local.get $r) (local.get $after))
    (local.get $r))
  (func (export "test:edges/edges#at-with-big") (param i32) (result i32) (local.get 0))

  (func (export "test:edges/edges#sixteen")
    (param $a i32) (param i32) (param i32) (param i32) (param i32) (param i32) (param i32) (param i32)
    (param i32) (param i32) (param i32) (param i32) (param i32) (param i32) (param i32) (param $p i32)
    (result i32)
    (call $pair (local.get $a) (local.get $p)))
  ;; The parameters are a tuple of 17 u32 at `ptr`.
  (func (export "test:edges/edges#seventeen") (param $ptr i32) (result i32)
    (call $pair (i32.load (local.get $ptr)) (i32.load offset=64 (local.get $ptr))))

  ;; mixed: a char, u32 or f32 in the low 32 bits of the i64 slot, a u64 or f64 in all of it.
  (func (export "test:edges/edges#echo-mixed") (param $d i32) (param $p i64) (result i32)
    (local $r i32)
    (local.set $r (call $alloc (i32.const 8) (i32.const 16)))
    (i32.store8 (local.get $r) (local.get $d))
    (if (i32.lt_u (local.get $d) (i32.const 3))
      (then (i32.store offset=8 (local.get $r) (i32.wrap_i64 (local.get $p))))
      (else (i64.store offset=8 (local.get $r) (local.get $p))))
    (local.get $r))
  (func (export "test:edges/edges#at-mixed") (param i32) (result i32) (local.get 0))
  (func (export "test:edges/edges#send-mixed") (param $d i32) (param $p i64) (result i32)
    (local $r i32)
    (local.set $r (call $alloc (i32.const 4) (i32.const 8)))
    (call $take_mixed (local.get $d) (local.get $p) (local.get $r))
    (local.get $r))

  ;; pairs: a: u32 at 8, f32 at 12; b: f64 at 8, u8 at 16; c: the string at 8; d: s8 at 8.
  (func (export "test:edges/edges#echo-pairs") (param $d i32) (param $p0 i64) (param $p1 i32) (result i32)
    (local $r i32)
    (local.set $r (call $alloc (i32.const 8) (i32.const 24)))
    (i32.store8 (local.get $r) (local.get $d))
    (if (i32.eq (local.get $d) (i32.const 1))
      (then
        (i64.store offset=8 (local.get $r) (local.get $p0))
        (i32.store8 offset=16 (local.get $r) (local.get $p1)))
      (else
        (if (i32.eq (local.get $d) (i32.const 3))
          (then (i32.store8 offset=8 (local.get $r) (i32.wrap_i64 (local.get $p0))))
          (else
            (i32.store offset=8 (local.get $r) (i32.wrap_i64 (local.get $p0)))
            (i32.store offset=12 (local.get $r) (local.get $p1))))))
    (local.get $r))
  ;; tuple<u32, u64, u32>: at 0, 8 and 16.
  (func (export "test:edges/edges#pairs-bits") (param $d i32) (param $p0 i64) (param $p1 i32) (result i32)
    (local $r i32)
    (local.set $r (call $alloc (i32.const 8) (i32.const 24)))
    (i32.store (local.get $r) (local.get $d))
    (i64.store offset=8 (local.get $r) (local.get $p0))
    (i32.store offset=16 (local.get $r) (local.get $p1))
    (local.get $r))
  (func (export "test:edges/edges#send-pairs") (param $d i32) (param $p0 i64) (param $p1 i32) (result i32)
    (local $r i32)
    (local.set $r (call $alloc (i32.const 4) (i32.const 8)))
    (call $take_pairs (local.get $d) (local.get $p0) (local.get $p1) (local.get $r))
    (local.get $r))

  (func $ret (param $ptr i32) (param $len i32) (result i32)
    (call $pair (local.get $ptr) (local.get $len)))
  (func (export "test:edges/edges#echo-options") (param i32 i32) (result i32) (call $ret (local.get 0) (local.get 1)))
  (func (export "test:edges/edges#echo-results") (param i32 i32) (result i32) (call $ret (local.get 0) (local.get 1)))
  (func (export "test:edges/edges#echo-one") (param i32) (result i32) (local.get 0))
  (func (export "test:edges/edges#raw-one") (param i32) (result i32) (local.get 0))

  ;; result<_, string>: the discriminant at 0, the string at 4; result<u32>: the u32 at 4.
  (func (export "test:edges/edges#validate") (param $x i32) (result i32)
    (local $r i32)
    (local.set $r (call $alloc (i32.const 4) (i32.const 12)))
    (call $validate (local.get $x) (local.get $r))
    (local.get $r))
  (func (export "test:edges/edges#maybe") (param $x i32) (result i32)
    (local $r i32)
    (local.set $r (call $alloc (i32.const 4) (i32.const 8)))
    (call $maybe (local.get $x) (local.get $r))
    (local.get $r))
  (func (export "test:edges/edges#plain") (param $x i32) (result i32) (call $plain (local.get $x)))

  (func (export "test:edges/edges#call-join16") (result i32)
    (local $r i32)
    (local.set $r (call $alloc (i32.const 4) (i32.const 8)))
    (call $join16 (i32.const 1) (i32.const 2) (i32.const 3) (i32.const 4) (i32.const 5) (i32.const 6) (i32.const 7)
      (i32.const 8) (i32.const 9) (i32.const 10) (i32.const 11) (i32.const 12) (i32.const 13) (i32.const 14)
      (i32.const 15) (i32.const 16) (local.get $r))
    (local.get $r))
  (func (export "test:edges/edges#call-seventeen") (result i32)
    (local $r i32)
    (local.set $r (call $alloc (i32.const 4) (i32.const 8)))
    (call $seventeen (i32.const 1280) (local.get $r))
    (local.get $r))
)
