;; Calls between two components whose values are copied from the caller's
;; memory into the callee's without a JavaScript value in between: lists of
;; padding-free numbers and same-encoding strings byte for byte, lists of other
;; pointer-free values field by field (checked as lifting checks them). The
;; callee sums the bytes it receives. Results the other way: a string and a
;; list the callee returns reach the caller's memory intact although the
;; callee's post-return overwrites them.
(component
  (component $Sum
    (core module $M
      (memory (export "mem") 1)
      (global $next (mut i32) (i32.const 1024))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (local $r i32)
        (local.set $r (i32.and (i32.add (global.get $next) (i32.const 7)) (i32.const -8)))
        (global.set $next (i32.add (local.get $r) (local.get 3)))
        (local.get $r))
      ;; The sum of the bytes in [p, p + len).
      (func $sum (param $p i32) (param $len i32) (result i32)
        (local $s i32)
        (block $d (loop $l
          (br_if $d (i32.eqz (local.get $len)))
          (local.set $s (i32.add (local.get $s) (i32.load8_u (local.get $p))))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (local.set $len (i32.sub (local.get $len) (i32.const 1)))
          (br $l)))
        (local.get $s))
      (func (export "sum8") (param $p i32) (param $n i32) (result i32) (call $sum (local.get $p) (i32.mul (local.get $n) (i32.const 8))))
      (func (export "sum2") (param $p i32) (param $n i32) (result i32) (call $sum (local.get $p) (i32.mul (local.get $n) (i32.const 2))))
      (func (export "sum12") (param $p i32) (param $n i32) (result i32) (call $sum (local.get $p) (i32.mul (local.get $n) (i32.const 12))))
      ;; "hello" at 512, the pairs (1, 2) (3, 4) at 520 (written by each call,
      ;; since the post-return clobbers them); results at 600.
      (func (export "name") (result i32)
        (i32.store (i32.const 512) (i32.const 0x6c6c6568))
        (i32.store8 (i32.const 516) (i32.const 0x6f))
        (i32.store (i32.const 600) (i32.const 512))
        (i32.store (i32.const 604) (i32.const 5))
        (i32.const 600))
      (func (export "pairs") (result i32)
        (i64.store (i32.const 520) (i64.const 0x0000000200000001))
        (i64.store (i32.const 528) (i64.const 0x0000000400000003))
        (i32.store (i32.const 600) (i32.const 520))
        (i32.store (i32.const 604) (i32.const 2))
        (i32.const 600))
      (func (export "clobber") (param i32)
        (memory.fill (i32.const 512) (i32.const 0) (i32.const 24))))
    (core instance $m (instantiate $M))
    (func (export "points") (param "xs" (list (tuple u32 u32))) (result u32)
      (canon lift (core func $m "sum8") (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
    (func (export "padded") (param "xs" (list (tuple u8 u32))) (result u32)
      (canon lift (core func $m "sum8") (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
    (func (export "text") (param "s" string) (result u32)
      (canon lift (core func $m "sum2") (memory (core memory $m "mem")) (realloc (core func $m "realloc")) string-encoding=utf16))
    (func (export "mixed") (param "xs" (list (tuple bool char (option u16)))) (result u32)
      (canon lift (core func $m "sum12") (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
    (func (export "name") (result string)
      (canon lift (core func $m "name") (memory (core memory $m "mem")) (post-return (core func $m "clobber"))))
    (func (export "pairs") (result (list (tuple u32 u32)))
      (canon lift (core func $m "pairs") (memory (core memory $m "mem")) (post-return (core func $m "clobber")))))
  (instance $sum (instantiate $Sum))
  (core module $Mem
    (memory (export "mem") 1)
    (global $next (mut i32) (i32.const 4096))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $r i32)
      (local.set $r (i32.and (i32.add (global.get $next) (i32.const 7)) (i32.const -8)))
      (global.set $next (i32.add (local.get $r) (local.get 3)))
      (local.get $r)))
  (core instance $mem (instantiate $Mem))
  (core func $points (canon lower (func $sum "points") (memory (core memory $mem "mem"))))
  (core func $padded (canon lower (func $sum "padded") (memory (core memory $mem "mem"))))
  (core func $text (canon lower (func $sum "text") (memory (core memory $mem "mem")) string-encoding=utf16))
  (core func $mixed (canon lower (func $sum "mixed") (memory (core memory $mem "mem"))))
  (core func $name (canon lower (func $sum "name") (memory (core memory $mem "mem")) (realloc (core func $mem "realloc"))))
  (core func $pairs (canon lower (func $sum "pairs") (memory (core memory $mem "mem")) (realloc (core func $mem "realloc"))))
  (core module $Caller
    (import "" "mem" (memory 1))
    (import "" "points" (func $points (param i32 i32) (result i32)))
    (import "" "padded" (func $padded (param i32 i32) (result i32)))
    (import "" "text" (func $text (param i32 i32) (result i32)))
    (import "" "mixed" (func $mixed (param i32 i32) (result i32)))
    (import "" "name" (func $name (param i32)))
    (import "" "pairs" (func $pairs (param i32)))
    (func $sum (param $p i32) (param $len i32) (result i32)
      (local $s i32)
      (block $d (loop $l
        (br_if $d (i32.eqz (local.get $len)))
        (local.set $s (i32.add (local.get $s) (i32.load8_u (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (local.set $len (i32.sub (local.get $len) (i32.const 1)))
        (br $l)))
      (local.get $s))
    ;; (bool, char, option<u16>) elements of 12 bytes at 128: (2 → true, 'A',
    ;; some(5)) and (false, 'A', none, with a payload the callee must not
    ;; see), then a bad char at 160 and a bad discriminant at 176.
    (data (i32.const 128) "\02\aa\aa\aa\41\00\00\00\01\aa\05\00\00\aa\aa\aa\41\00\00\00\00\aa\07\00")
    (data (i32.const 160) "\01\00\00\00\00\d8\00\00\00\00\00\00")
    (data (i32.const 176) "\01\00\00\00\41\00\00\00\02\00\00\00")
    ;; Two 8-byte elements at 16: as points (1, 2) (3, 4); as (u8, u32) tuples
    ;; their padding bytes are 0xaa, which the callee must not see.
    (data (i32.const 16) "\01\aa\aa\aa\02\00\00\00\03\aa\aa\aa\04\00\00\00")
    ;; "h\u00e9" in UTF-16 at 48, and a lone high surrogate at 64.
    (data (i32.const 48) "h\00\e9\00")
    (data (i32.const 64) "\00\d8")
    (func (export "points") (result i32) (call $points (i32.const 16) (i32.const 2)))
    (func (export "padded") (result i32) (call $padded (i32.const 16) (i32.const 2)))
    (func (export "text") (result i32) (call $text (i32.const 48) (i32.const 2)))
    (func (export "lone") (result i32) (call $text (i32.const 64) (i32.const 1)))
    (func (export "mixed") (result i32) (call $mixed (i32.const 128) (i32.const 2)))
    (func (export "bad-char") (result i32) (call $mixed (i32.const 160) (i32.const 1)))
    (func (export "bad-case") (result i32) (call $mixed (i32.const 176) (i32.const 1)))
    ;; The results' bytes, summed in this memory (the length in bytes, then the sum).
    (func (export "name") (result i64)
      (call $name (i32.const 256))
      (i64.or
        (i64.shl (i64.extend_i32_u (i32.load (i32.const 260))) (i64.const 32))
        (i64.extend_i32_u (call $sum (i32.load (i32.const 256)) (i32.load (i32.const 260))))))
    (func (export "pairs") (result i64)
      (call $pairs (i32.const 256))
      (i64.or
        (i64.shl (i64.extend_i32_u (i32.load (i32.const 260))) (i64.const 32))
        (i64.extend_i32_u (call $sum (i32.load (i32.const 256)) (i32.mul (i32.load (i32.const 260)) (i32.const 8)))))))
  (core instance $c (instantiate $Caller
    (with "" (instance (export "mem" (memory $mem "mem")) (export "points" (func $points))
      (export "padded" (func $padded)) (export "text" (func $text)) (export "mixed" (func $mixed))
      (export "name" (func $name)) (export "pairs" (func $pairs))))))
  (func (export "points") (result u32) (canon lift (core func $c "points")))
  (func (export "padded") (result u32) (canon lift (core func $c "padded")))
  (func (export "text") (result u32) (canon lift (core func $c "text")))
  (func (export "lone") (result u32) (canon lift (core func $c "lone")))
  (func (export "mixed") (result u32) (canon lift (core func $c "mixed")))
  (func (export "bad-char") (result u32) (canon lift (core func $c "bad-char")))
  (func (export "bad-case") (result u32) (canon lift (core func $c "bad-case")))
  (func (export "name") (result u64) (canon lift (core func $c "name")))
  (func (export "pairs") (result u64) (canon lift (core func $c "pairs"))))
