;; Guest of `aggregates-guest` (aggregates.wit), written by hand: each `echo-*`
;; stores its flat parameters in a return area laid out as the canonical ABI says.
(module
  (memory (export "memory") 1)

  ;; The values at which `at-*` point (0xaa bytes are padding or unused payload).
  (data (i32.const 1024) "\ff\aa\00\80\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\00\00\c0\bf\aa\aa\aa\aa\59\f3\f8\c2\1f\6e\a5\01\00\f6\01\00\02\aa\aa\aa") ;; scalars {a: 255, b: -32768, c: 0xffffffff, d: u64 max, e: -1.5, f: 1e-300, g: 😀, h: 2 (true)}; padding 0xaa
  (data (i32.const 1088) "\b0\04\00\00\03\00\00\00\24\aa\aa\aa\01\aa\aa\aa\ba\04\00\00\04\00\00\00\c4\04\00\00\02\00\00\00") ;; person {name: Ada, age: 36, nick-name: some(🦊), tags: [x, yz]}
  (data (i32.const 1152) "\b0\04\00\00\00\00\00\00\00\aa\aa\aa\00\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\00\00\00\00\00\00\00\00") ;; person {name: '', age: 0, nick-name: none (payload 0xaa), tags: []}
  (data (i32.const 1200) "\41\64\61")
  (data (i32.const 1210) "\f0\9f\a6\8a")
  (data (i32.const 1220) "\d8\04\00\00\01\00\00\00\d9\04\00\00\02\00\00\00") ;; tags
  (data (i32.const 1240) "\78\79\7a")
  (data (i32.const 1280) "\07\aa\aa\aa\28\05\00\00\05\00\00\00\aa\aa\aa\aa\00\00\00\00\00\00\00\80") ;; tuple [7, 'tuple', -0]
  (data (i32.const 1320) "\74\75\70\6c\65")
  (data (i32.const 1344) "\ff\81\01\ff\00\80\aa\aa\01\00\00\80") ;; flag-bag {one: 0xff, eight: 0x81, nine: 0xff01, sixteen: 0x8000, thirty-two: 0x80000001}
  (data (i32.const 1376) "\00\aa\aa\aa\aa\aa\aa\aa\ff\ff\ff\ff\aa\aa\aa\aa") ;; shape a(0xffffffff)
  (data (i32.const 1392) "\01\aa\aa\aa\aa\aa\aa\aa\00\00\c0\3f\aa\aa\aa\aa") ;; shape b(1.5)
  (data (i32.const 1408) "\02\aa\aa\aa\aa\aa\aa\aa\ff\ff\ff\ff\ff\ff\ff\ff") ;; shape c(u64 max)
  (data (i32.const 1424) "\03\aa\aa\aa\aa\aa\aa\aa\18\2d\44\54\fb\21\09\c0") ;; shape d(-pi)
  (data (i32.const 1440) "\04\aa\aa\aa\aa\aa\aa\aa\28\05\00\00\05\00\00\00") ;; shape e('tuple')
  (data (i32.const 1456) "\05\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa") ;; shape f
  (data (i32.const 1472) "\06\aa\aa\aa\aa\aa\aa\aa\00\00\00\00\00\00\00\00") ;; shape bad discriminant 6
  (data (i32.const 1504) "\01\aa\aa\aa\2a\00\00\00") ;; option<u32> some(42)
  (data (i32.const 1512) "\00\aa\aa\aa\aa\aa\aa\aa") ;; option<u32> none
  (data (i32.const 1520) "\02\00\00\00\01\00\00\00") ;; option<u32> bad discriminant 2
  (data (i32.const 1536) "\00\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa") ;; option<option<u32>> none
  (data (i32.const 1552) "\01\aa\aa\aa\00\aa\aa\aa\aa\aa\aa\aa") ;; option<option<u32>> some(none)
  (data (i32.const 1568) "\01\aa\aa\aa\01\aa\aa\aa\07\00\00\00") ;; option<option<u32>> some(some(7))
  (data (i32.const 1584) "\01\00\00\00\05\00\00\00\07\00\00\00") ;; option<option<u32>> some(bad discriminant 5)
  (data (i32.const 1600) "\00\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa") ;; option<result<option<u16>, string>> none
  (data (i32.const 1616) "\01\aa\aa\aa\00\aa\aa\aa\00\aa\aa\aa\aa\aa\aa\aa") ;; option<result<option<u16>, string>> some(ok(none))
  (data (i32.const 1632) "\01\aa\aa\aa\00\aa\aa\aa\01\aa\ff\ff\aa\aa\aa\aa") ;; option<result<option<u16>, string>> some(ok(some(65535)))
  (data (i32.const 1648) "\01\aa\aa\aa\01\aa\aa\aa\28\05\00\00\05\00\00\00") ;; option<result<option<u16>, string>> some(err('tuple'))
  (data (i32.const 1664) "\01\00\00\00\03\00\00\00\00\00\00\00\00\00\00\00") ;; option<result<option<u16>, string>> some(bad result discriminant 3)
  (data (i32.const 1680) "\01\00\00\00\00\00\00\00\07\00\00\00\00\00\00\00") ;; option<result<option<u16>, string>> some(ok(bad option discriminant 7))
  (data (i32.const 1712) "\00\aa\aa\aa\05\00\00\00\aa\aa\aa\aa") ;; result<u32, string> ok(5)
  (data (i32.const 1724) "\01\aa\aa\aa\28\05\00\00\05\00\00\00") ;; result<u32, string> err('tuple')
  (data (i32.const 1736) "\02\00\00\00\00\00\00\00\00\00\00\00") ;; result<u32, string> bad discriminant 2
  (data (i32.const 1760) "\00\aa") ;; result<_, color> ok
  (data (i32.const 1762) "\01\02") ;; result<_, color> err(blue)
  (data (i32.const 1764) "\01\03") ;; result<_, color> err(bad enum discriminant 3)
  (data (i32.const 1766) "\02\00") ;; result<_, color> bad discriminant 2

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


  ;; ---- records and tuples ----
  (func (export "test:aggregates/aggregates#echo-scalars")
    (param $a i32) (param $b i32) (param $c i32) (param $d i64) (param $e f32) (param $f f64) (param $g i32) (param $h i32)
    (result i32)
    (local $r i32)
    (local.set $r (call $alloc (i32.const 8) (i32.const 40)))
    (i32.store8 offset=0 (local.get $r) (local.get $a))
    (i32.store16 offset=2 (local.get $r) (local.get $b))
    (i32.store offset=4 (local.get $r) (local.get $c))
    (i64.store offset=8 (local.get $r) (local.get $d))
    (f32.store offset=16 (local.get $r) (local.get $e))
    (f64.store offset=24 (local.get $r) (local.get $f))
    (i32.store offset=32 (local.get $r) (local.get $g))
    (i32.store8 offset=36 (local.get $r) (local.get $h))
    (local.get $r))

  (func (export "test:aggregates/aggregates#echo-person")
    (param $name i32) (param $name_len i32) (param $age i32)
    (param $nick i32) (param $nick_ptr i32) (param $nick_len i32)
    (param $tags i32) (param $tags_len i32)
    (result i32)
    (local $r i32)
    (local.set $r (call $alloc (i32.const 4) (i32.const 32)))
    (i32.store offset=0 (local.get $r) (local.get $name))
    (i32.store offset=4 (local.get $r) (local.get $name_len))
    (i32.store8 offset=8 (local.get $r) (local.get $age))
    (i32.store8 offset=12 (local.get $r) (local.get $nick))
    (i32.store offset=16 (local.get $r) (local.get $nick_ptr))
    (i32.store offset=20 (local.get $r) (local.get $nick_len))
    (i32.store offset=24 (local.get $r) (local.get $tags))
    (i32.store offset=28 (local.get $r) (local.get $tags_len))
    (local.get $r))

  ;; tuple<u8, string, f64>: u8 at 0, string at 4, f64 at 16.
  (func (export "test:aggregates/aggregates#echo-tuple") (param $a i32) (param $s i32) (param $s_len i32) (param $f f64) (result i32)
    (local $r i32)
    (local.set $r (call $alloc (i32.const 8) (i32.const 24)))
    (i32.store8 offset=0 (local.get $r) (local.get $a))
    (i32.store offset=4 (local.get $r) (local.get $s))
    (i32.store offset=8 (local.get $r) (local.get $s_len))
    (f64.store offset=16 (local.get $r) (local.get $f))
    (local.get $r))

  ;; inherits: a at 0; to-string's discriminant at 4, its u32 at 8; value-of's discriminant at 12, its string at 16.
  (func (export "test:aggregates/aggregates#echo-inherits")
    (param $a i32) (param $t i32) (param $t_val i32) (param $v i32) (param $v_ptr i32) (param $v_len i32)
    (result i32)
    (local $r i32)
    (local.set $r (call $alloc (i32.const 4) (i32.const 24)))
    (i32.store8 offset=0 (local.get $r) (local.get $a))
    (i32.store8 offset=4 (local.get $r) (local.get $t))
    (i32.store offset=8 (local.get $r) (local.get $t_val))
    (i32.store8 offset=12 (local.get $r) (local.get $v))
    (i32.store offset=16 (local.get $r) (local.get $v_ptr))
    (i32.store offset=20 (local.get $r) (local.get $v_len))
    (local.get $r))

  ;; ---- flags and enums: one i32 ----
  (func (export "test:aggregates/aggregates#echo-bits1") (param i32) (result i32) (local.get 0))
  (func (export "test:aggregates/aggregates#echo-bits8") (param i32) (result i32) (local.get 0))
  (func (export "test:aggregates/aggregates#echo-bits9") (param i32) (result i32) (local.get 0))
  (func (export "test:aggregates/aggregates#echo-bits16") (param i32) (result i32) (local.get 0))
  (func (export "test:aggregates/aggregates#echo-bits32") (param i32) (result i32) (local.get 0))
  (func (export "test:aggregates/aggregates#echo-color") (param i32) (result i32) (local.get 0))
  (func (export "test:aggregates/aggregates#raw-color") (param i32) (result i32) (local.get 0))
  (func (export "test:aggregates/aggregates#echo-inherited") (param i32) (result i32) (local.get 0))
  (func (export "test:aggregates/aggregates#raw-bits1") (param i32) (result i32) (local.get 0))
  (func (export "test:aggregates/aggregates#raw-bits9") (param i32) (result i32) (local.get 0))
  (func (export "test:aggregates/aggregates#raw-bits32") (param i32) (result i32) (local.get 0))

  (func (export "test:aggregates/aggregates#echo-flag-bag")
    (param $one i32) (param $eight i32) (param $nine i32) (param $sixteen i32) (param $thirty_two i32)
    (result i32)
    (local $r i32)
    (local.set $r (call $alloc (i32.const 4) (i32.const 12)))
    (i32.store8 offset=0 (local.get $r) (local.get $one))
    (i32.store8 offset=1 (local.get $r) (local.get $eight))
    (i32.store16 offset=2 (local.get $r) (local.get $nine))
    (i32.store16 offset=4 (local.get $r) (local.get $sixteen))
    (i32.store offset=8 (local.get $r) (local.get $thirty_two))
    (local.get $r))

  ;; ---- variants ----
  ;; shape: u32 and f32 payloads are the low 32 bits of the i64 slot, u64 and f64 all of it,
  ;; a string its pointer (low 32 bits) and the i32 slot its length.
  (func (export "test:aggregates/aggregates#echo-shape") (param $d i32) (param $p i64) (param $len i32) (result i32)
    (local $r i32)
    (local.set $r (call $alloc (i32.const 8) (i32.const 16)))
    (i32.store8 (local.get $r) (local.get $d))
    (if (i32.lt_u (local.get $d) (i32.const 2))
      (then (i32.store offset=8 (local.get $r) (i32.wrap_i64 (local.get $p)))))
    (if (i32.or (i32.eq (local.get $d) (i32.const 2)) (i32.eq (local.get $d) (i32.const 3)))
      (then (i64.store offset=8 (local.get $r) (local.get $p))))
    (if (i32.eq (local.get $d) (i32.const 4))
      (then
        (i32.store offset=8 (local.get $r) (i32.wrap_i64 (local.get $p)))
        (i32.store offset=12 (local.get $r) (local.get $len))))
    (local.get $r))

  ;; tuple<u32, u64, u32>: at 0, 8 and 16.
  (func (export "test:aggregates/aggregates#shape-bits") (param $d i32) (param $p i64) (param $len i32) (result i32)
    (local $r i32)
    (local.set $r (call $alloc (i32.const 8) (i32.const 24)))
    (i32.store offset=0 (local.get $r) (local.get $d))
    (i64.store offset=8 (local.get $r) (local.get $p))
    (i32.store offset=16 (local.get $r) (local.get $len))
    (local.get $r))

  ;; option<u32>: the discriminant at 0, the payload at 4.
  (func (export "test:aggregates/aggregates#echo-option") (param $d i32) (param $v i32) (result i32)
    (local $r i32)
    (local.set $r (call $alloc (i32.const 4) (i32.const 8)))
    (i32.store8 (local.get $r) (local.get $d))
    (i32.store offset=4 (local.get $r) (local.get $v))
    (local.get $r))

  ;; option<string>: the discriminant at 0, the string at 4.
  (func (export "test:aggregates/aggregates#echo-option-string") (param $d i32) (param $ptr i32) (param $len i32) (result i32)
    (local $r i32)
    (local.set $r (call $alloc (i32.const 4) (i32.const 12)))
    (i32.store8 (local.get $r) (local.get $d))
    (i32.store offset=4 (local.get $r) (local.get $ptr))
    (i32.store offset=8 (local.get $r) (local.get $len))
    (local.get $r))

  ;; option<option<u32>>: the outer discriminant at 0, the inner at 4, the u32 at 8.
  (func (export "test:aggregates/aggregates#echo-option-option") (param $outer i32) (param $inner i32) (param $v i32) (result i32)
    (local $r i32)
    (local.set $r (call $alloc (i32.const 4) (i32.const 12)))
    (i32.store8 (local.get $r) (local.get $outer))
    (i32.store8 offset=4 (local.get $r) (local.get $inner))
    (i32.store offset=8 (local.get $r) (local.get $v))
    (local.get $r))

  ;; option<result<option<u16>, string>>: the option's discriminant at 0, the result's at 4;
  ;; ok: the inner option's discriminant at 8, the u16 at 10; err: the string at 8.
  (func (export "test:aggregates/aggregates#echo-nested") (param $opt i32) (param $res i32) (param $p0 i32) (param $p1 i32) (result i32)
    (local $r i32)
    (local.set $r (call $alloc (i32.const 4) (i32.const 16)))
    (i32.store8 (local.get $r) (local.get $opt))
    (i32.store8 offset=4 (local.get $r) (local.get $res))
    (if (i32.eqz (local.get $res))
      (then
        (i32.store8 offset=8 (local.get $r) (local.get $p0))
        (i32.store16 offset=10 (local.get $r) (local.get $p1)))
      (else
        (i32.store offset=8 (local.get $r) (local.get $p0))
        (i32.store offset=12 (local.get $r) (local.get $p1))))
    (local.get $r))

  ;; result<u32, string>: the discriminant at 0, the u32 or the string at 4.
  (func (export "test:aggregates/aggregates#echo-result") (param $d i32) (param $p0 i32) (param $p1 i32) (result i32)
    (local $r i32)
    (local.set $r (call $alloc (i32.const 4) (i32.const 12)))
    (i32.store8 (local.get $r) (local.get $d))
    (i32.store offset=4 (local.get $r) (local.get $p0))
    (i32.store offset=8 (local.get $r) (local.get $p1))
    (local.get $r))

  ;; result<_, color>: the discriminant at 0, the color at 1.
  (func (export "test:aggregates/aggregates#check") (param $ok i32) (result i32)
    (local $r i32)
    (local.set $r (call $alloc (i32.const 1) (i32.const 2)))
    (if (local.get $ok)
      (then (i32.store8 (local.get $r) (i32.const 0)))
      (else
        (i32.store8 (local.get $r) (i32.const 1))
        (i32.store8 offset=1 (local.get $r) (i32.const 2))))
    (local.get $r))

  ;; result: flat, just the discriminant.
  (func (export "test:aggregates/aggregates#unit") (param $ok i32) (result i32) (i32.eqz (local.get $ok)))
  (func (export "test:aggregates/aggregates#raw-unit") (param i32) (result i32) (local.get 0))

  ;; ---- at: the pointer is the return area ----
  (func (export "test:aggregates/aggregates#at-scalars") (param $ptr i32) (result i32) (local.get $ptr))
  (func (export "test:aggregates/aggregates#at-person") (param $ptr i32) (result i32) (local.get $ptr))
  (func (export "test:aggregates/aggregates#at-tuple") (param $ptr i32) (result i32) (local.get $ptr))
  (func (export "test:aggregates/aggregates#at-flag-bag") (param $ptr i32) (result i32) (local.get $ptr))
  (func (export "test:aggregates/aggregates#at-shape") (param $ptr i32) (result i32) (local.get $ptr))
  (func (export "test:aggregates/aggregates#at-option") (param $ptr i32) (result i32) (local.get $ptr))
  (func (export "test:aggregates/aggregates#at-option-option") (param $ptr i32) (result i32) (local.get $ptr))
  (func (export "test:aggregates/aggregates#at-nested") (param $ptr i32) (result i32) (local.get $ptr))
  (func (export "test:aggregates/aggregates#at-result") (param $ptr i32) (result i32) (local.get $ptr))
  (func (export "test:aggregates/aggregates#at-check") (param $ptr i32) (result i32) (local.get $ptr))
)
