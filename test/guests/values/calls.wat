;; Guest of `calls` (calls.wit), written by hand: spilled parameters, host
;; imports with results in a return area, post-return functions, `_initialize`,
;; and memory growth during calls.
(module
  (import "test:calls/host@1.0.0" "many" (func $many (param i32) (result i32)))
  (import "test:calls/host@1.0.0" "make-entry" (func $make_entry (param i32 i32 i32 i32)))
  (import "test:calls/host@1.0.0" "describe" (func $describe (param i32 i32 i32 i32 i32 i32 i32)))
  (import "test:calls/host@1.0.0" "parse" (func $parse (param i32 i32 i32)))
  (import "test:calls/host@1.0.0" "lookup" (func $lookup (param i32 i32 i32)))
  (import "test:calls/host@1.0.0" "log" (func $log (param i32 i32)))
  (import "test:calls/host@1.0.0" "reenter" (func $reenter))
  (import "test:calls/host@1.0.0" "fail" (func $fail))
  (import "test:calls/host@1.0.0" "bad-result" (func $bad_result (param i32)))
  (import "$root" "log-root" (func $log_root (param i32 i32)))

  (memory (export "memory") 1)

  ;; The arguments of `many`, laid out as tuple<u8, s8, u16, s16, u32, s32, u64, s64, f32, f64,
  ;; char, bool, string, list<u8>, point>: 200, -100, 60000, -30000, 4000000000, -2000000000,
  ;; u64 max, s64 min, 1.5, -2.25, '😀', true, "many ✓", [1, 2, 3], {x: -1, y: 7}.
  (data (i32.const 1024) "\c8\9c\60\ea\d0\8a\00\00\00\28\6b\ee\00\6c\ca\88\ff\ff\ff\ff\ff\ff\ff\ff\00\00\00\00\00\00\00\80\00\00\c0\3f\00\00\00\00\00\00\00\00\00\00\02\c0\00\f6\01\00\01\00\00\00\b0\04\00\00\08\00\00\00\c0\04\00\00\03\00\00\00\ff\ff\ff\ff\07\00\00\00")
  (data (i32.const 1200) "many \e2\9c\93")
  (data (i32.const 1216) "\01\02\03")
  (data (i32.const 1232) "grown \e2\9c\93") ;; 9 bytes
  (data (i32.const 1248) "top \e2\9c\93") ;; 7 bytes

  (global $posts (mut i32) (i32.const 0))
  (global $last_post_arg (mut i32) (i32.const 0))
  (global $inits (mut i32) (i32.const 0))

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


  ;; A return area holding a list's (pointer, length).
  (func $ret (param $ptr i32) (param $len i32) (result i32)
    (local $r i32)
    (local.set $r (call $alloc (i32.const 4) (i32.const 8)))
    (i32.store (local.get $r) (local.get $ptr))
    (i32.store offset=4 (local.get $r) (local.get $len))
    (local.get $r))

  ;; Concatenates the lists (or strings) at `offset` in each of the `n` elements of `stride`
  ;; bytes at `ptr`, whose elements are `unit` bytes; returns a return area.
  (func $gather (param $ptr i32) (param $n i32) (param $stride i32) (param $offset i32) (param $unit i32) (result i32)
    (local $i i32) (local $e i32) (local $total i32) (local $out i32) (local $at i32) (local $bytes i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $e (i32.add (i32.add (local.get $ptr) (i32.mul (local.get $i) (local.get $stride))) (local.get $offset)))
        (local.set $total (i32.add (local.get $total) (i32.load offset=4 (local.get $e))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.set $out (call $alloc (local.get $unit) (i32.mul (local.get $total) (local.get $unit))))
    (local.set $at (local.get $out))
    (local.set $i (i32.const 0))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $e (i32.add (i32.add (local.get $ptr) (i32.mul (local.get $i) (local.get $stride))) (local.get $offset)))
        (local.set $bytes (i32.mul (i32.load offset=4 (local.get $e)) (local.get $unit)))
        (memory.copy (local.get $at) (i32.load (local.get $e)) (local.get $bytes))
        (local.set $at (i32.add (local.get $at) (local.get $bytes)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (call $ret (local.get $out) (local.get $total)))


  (func (export "_initialize")
    (global.set $inits (i32.add (global.get $inits) (i32.const 1))))

  ;; ---- spilled parameters ----
  (func (export "test:calls/api@1.0.0#spill-bytes") (param $ptr i32) (result i32)
    (call $ret (local.get $ptr) (i32.const 80)))
  (func (export "test:calls/api@1.0.0#spill-strings") (param $ptr i32) (result i32)
    (call $gather (local.get $ptr) (i32.const 9) (i32.const 8) (i32.const 0) (i32.const 1)))
  (func (export "test:calls/api@1.0.0#call-many") (result i32)
    (call $many (i32.const 1024)))
  (func (export "test:calls/api@1.0.0#call-many-at") (param $ptr i32) (result i32)
    (call $many (local.get $ptr)))
  (func (export "test:calls/api@1.0.0#make-entry-at") (param $ret i32)
    (call $make_entry (i32.const 0) (i32.const 0) (i32.const 0) (local.get $ret)))

  ;; ---- through the host: the host writes the results to the return area ----
  (func (export "test:calls/api@1.0.0#make-entry") (param $key i32) (param $key_len i32) (param $n i32) (result i32)
    (local $r i32)
    (local.set $r (call $alloc (i32.const 4) (i32.const 24)))
    (call $make_entry (local.get $key) (local.get $key_len) (local.get $n) (local.get $r))
    (local.get $r))
  (func (export "test:calls/api@1.0.0#describe")
    (param $key i32) (param $key_len i32) (param $values i32) (param $values_len i32) (param $x i32) (param $y i32)
    (result i32)
    (local $r i32)
    (local.set $r (call $alloc (i32.const 4) (i32.const 8)))
    (call $describe (local.get $key) (local.get $key_len) (local.get $values) (local.get $values_len)
      (local.get $x) (local.get $y) (local.get $r))
    (local.get $r))
  (func (export "test:calls/api@1.0.0#parse") (param $s i32) (param $len i32) (result i32)
    (local $r i32)
    (local.set $r (call $alloc (i32.const 4) (i32.const 8)))
    (call $parse (local.get $s) (local.get $len) (local.get $r))
    (local.get $r))
  (func (export "test:calls/api@1.0.0#lookup") (param $s i32) (param $len i32) (result i32)
    (local $r i32)
    (local.set $r (call $alloc (i32.const 4) (i32.const 12)))
    (call $lookup (local.get $s) (local.get $len) (local.get $r))
    (local.get $r))
  (func (export "test:calls/api@1.0.0#reenter") (call $reenter))
  (func (export "test:calls/api@1.0.0#fail") (call $fail))
  (func (export "test:calls/api@1.0.0#bad-result") (result i32)
    (local $r i32)
    (local.set $r (call $alloc (i32.const 4) (i32.const 8)))
    (call $bad_result (local.get $r))
    (local.get $r))

  ;; ---- post-return ----
  (func (export "test:calls/api@1.0.0#echo") (param $ptr i32) (param $len i32) (result i32)
    (call $ret (local.get $ptr) (local.get $len)))
  ;; Clobbers the string and its return area: a host that read them after this would see garbage.
  (func (export "cabi_post_test:calls/api@1.0.0#echo") (param $r i32)
    (global.set $posts (i32.add (global.get $posts) (i32.const 1)))
    (global.set $last_post_arg (local.get $r))
    (memory.fill (i32.load (local.get $r)) (i32.const 0xff) (i32.load offset=4 (local.get $r)))
    (i32.store (local.get $r) (i32.const 0x7ffffff0))
    (i32.store offset=4 (local.get $r) (i32.const 0x7fffffff)))
  ;; Counts too: called after an ok and after an err.
  (func (export "cabi_post_test:calls/api@1.0.0#lookup") (param $r i32)
    (global.set $posts (i32.add (global.get $posts) (i32.const 1)))
    (global.set $last_post_arg (local.get $r)))
  (func (export "test:calls/api@1.0.0#post-count") (result i32) (global.get $posts))
  (func (export "test:calls/api@1.0.0#last-post-arg") (result i32) (global.get $last_post_arg))
  (func (export "test:calls/api@1.0.0#init-count") (result i32) (global.get $inits))

  (func (export "top-level") (param $x i32) (result i32)
    (call $log_root (i32.const 1248) (i32.const 7))
    (i32.add (local.get $x) (i32.const 1)))
  (func (export "cabi_post_top-level") (param $result i32)
    (global.set $posts (i32.add (global.get $posts) (i32.const 1)))
    (global.set $last_post_arg (local.get $result)))

  ;; ---- memory growth ----
  (func (export "test:calls/api@1.0.0#grow") (param $pages i32) (param $len i32) (result i32)
    (local $ptr i32)
    (local.set $ptr (memory.grow (local.get $pages)))
    (if (i32.eq (local.get $ptr) (i32.const -1)) (then unreachable))
    (local.set $ptr (i32.shl (local.get $ptr) (i32.const 16)))
    (memory.fill (local.get $ptr) (i32.const 0x5a) (local.get $len))
    (call $ret (local.get $ptr) (local.get $len)))
  (func (export "test:calls/api@1.0.0#grow-then-log") (param $pages i32)
    (local $ptr i32)
    (local.set $ptr (memory.grow (local.get $pages)))
    (if (i32.eq (local.get $ptr) (i32.const -1)) (then unreachable))
    (local.set $ptr (i32.shl (local.get $ptr) (i32.const 16)))
    (memory.copy (local.get $ptr) (i32.const 1232) (i32.const 9))
    (call $log (local.get $ptr) (i32.const 9)))
  (func (export "test:calls/api@1.0.0#memory-pages") (result i32) (memory.size))
)
