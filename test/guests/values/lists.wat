;; Guest of `lists-guest` (lists.wit), written by hand.
(module
  (import "test:lists/host-lists" "double-u32" (func $double_u32 (param i32 i32 i32)))
  (import "test:lists/host-lists" "reverse-strings" (func $reverse_strings (param i32 i32 i32)))
  (import "test:lists/host-lists" "move-points" (func $move_points (param i32 i32 i32)))
  (import "test:lists/host-lists" "reverse-each" (func $reverse_each (param i32 i32 i32)))

  (memory (export "memory") 1)

  ;; The constants: a table of (pointer, length) at 1024, in the order
  ;; u8 u32 s64 f32 f64 bool char strings points nested; the elements from 2048.
  (data (i32.const 1024) "\00\08\00\00\05\00\00\00\08\08\00\00\05\00\00\00\20\08\00\00\05\00\00\00\48\08\00\00\08\00\00\00\68\08\00\00\07\00\00\00\a0\08\00\00\04\00\00\00\a4\08\00\00\05\00\00\00\c8\08\00\00\04\00\00\00\f0\08\00\00\03\00\00\00\48\09\00\00\04\00\00\00")
  (data (i32.const 2048) "\00\01\7f\80\ff") ;; u8: 0 1 127 128 255
  (data (i32.const 2056) "\00\00\00\00\01\00\00\00\ff\ff\ff\7f\00\00\00\80\ff\ff\ff\ff") ;; u32: 0 1 0x7fffffff 0x80000000 0xffffffff
  (data (i32.const 2080) "\00\00\00\00\00\00\00\00\ff\ff\ff\ff\ff\ff\ff\ff\00\00\00\00\00\00\00\80\ff\ff\ff\ff\ff\ff\ff\7f\2a\00\00\00\00\00\00\00") ;; s64: 0 -1 min max 42
  (data (i32.const 2120) "\00\00\00\00\00\00\00\80\00\00\c0\3f\00\00\80\7f\00\00\80\ff\00\00\c0\7f\ff\ff\7f\7f\01\00\00\00") ;; f32: 0 -0 1.5 inf -inf NaN max min-subnormal
  (data (i32.const 2152) "\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\80\18\2d\44\54\fb\21\09\40\00\00\00\00\00\00\f0\7f\01\00\00\00\00\00\f8\7f\ff\ff\ff\ff\ff\ff\ef\7f\01\00\00\00\00\00\00\00") ;; f64: 0 -0 pi inf NaN(payload) max min
  (data (i32.const 2208) "\00\01\02\ff") ;; bool: 0 1 2 255
  (data (i32.const 2212) "\41\00\00\00\e9\00\00\00\00\f6\01\00\ff\ff\10\00\00\00\00\00") ;; char: A é 😀 U+10FFFF NUL
  (data (i32.const 2232) "\68\65\6c\6c\6f") ;; text 'hello'
  (data (i32.const 2237) "") ;; text ''
  (data (i32.const 2238) "\77\c3\b6\72\6c\64") ;; text 'wörld'
  (data (i32.const 2244) "\f0\9f\98\80") ;; text '😀'
  (data (i32.const 2248) "\b8\08\00\00\05\00\00\00\bd\08\00\00\00\00\00\00\be\08\00\00\06\00\00\00\c4\08\00\00\04\00\00\00") ;; list<string>: hello '' wörld 😀
  (data (i32.const 2280) "\61") ;; label 'a'
  (data (i32.const 2281) "\c3\a9\f0\9f\98\80") ;; label 'é😀'
  (data (i32.const 2287) "") ;; label ''
  (data (i32.const 2288) "\00\80\aa\aa\aa\aa\aa\aa\00\00\00\00\00\00\f8\3f\e8\08\00\00\01\00\00\00\ff\7f\aa\aa\aa\aa\aa\aa\00\00\00\00\00\00\00\80\e9\08\00\00\06\00\00\00\00\00\aa\aa\aa\aa\aa\aa\9c\75\00\88\3c\e4\37\7e\ef\08\00\00\00\00\00\00") ;; list<point>: {-32768, 1.5, a} {32767, -0, é😀} {0, 1e300, ''} (padding 0xaa)
  (data (i32.const 2360) "\01\00\02\00\03\00") ;; u16s [1, 2, 3]
  (data (i32.const 2366) "") ;; u16s []
  (data (i32.const 2368) "\ff\ff") ;; u16s [65535]
  (data (i32.const 2370) "\00\00\00\80") ;; u16s [0, 32768]
  (data (i32.const 2376) "\38\09\00\00\03\00\00\00\3e\09\00\00\00\00\00\00\40\09\00\00\01\00\00\00\42\09\00\00\02\00\00\00") ;; list<list<u16>>: [1 2 3] [] [65535] [0 32768]

  ;; Bad elements, for the `raw-*` functions.
  (data (i32.const 4096) "\00\d8\00\00\00\00\11\00") ;; chars 0xd800 and 0x110000
  (data (i32.const 4112) "\f0\ff\ff\7f\04\00\00\00") ;; list<string>: a string out of bounds
  (data (i32.const 4128) "\01\08\00\00\01\00\00\00") ;; list<list<u16>>: a misaligned list<u16>
  (data (i32.const 4144) "\40\10\00\00\01\00\00\00") ;; list<string>: the invalid UTF-8 at 4160
  (data (i32.const 4160) "\ff")

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

  ;; ---- echo: the same (pointer, length) ----
  (func (export "test:lists/lists#echo-u8") (param $ptr i32) (param $len i32) (result i32) (call $ret (local.get $ptr) (local.get $len)))
  (func (export "test:lists/lists#echo-u32") (param $ptr i32) (param $len i32) (result i32) (call $ret (local.get $ptr) (local.get $len)))
  (func (export "test:lists/lists#echo-s64") (param $ptr i32) (param $len i32) (result i32) (call $ret (local.get $ptr) (local.get $len)))
  (func (export "test:lists/lists#echo-f32") (param $ptr i32) (param $len i32) (result i32) (call $ret (local.get $ptr) (local.get $len)))
  (func (export "test:lists/lists#echo-f64") (param $ptr i32) (param $len i32) (result i32) (call $ret (local.get $ptr) (local.get $len)))
  (func (export "test:lists/lists#echo-bool") (param $ptr i32) (param $len i32) (result i32) (call $ret (local.get $ptr) (local.get $len)))
  (func (export "test:lists/lists#echo-char") (param $ptr i32) (param $len i32) (result i32) (call $ret (local.get $ptr) (local.get $len)))
  (func (export "test:lists/lists#echo-strings") (param $ptr i32) (param $len i32) (result i32) (call $ret (local.get $ptr) (local.get $len)))
  (func (export "test:lists/lists#echo-points") (param $ptr i32) (param $len i32) (result i32) (call $ret (local.get $ptr) (local.get $len)))
  (func (export "test:lists/lists#echo-nested") (param $ptr i32) (param $len i32) (result i32) (call $ret (local.get $ptr) (local.get $len)))

  ;; ---- bytes: the same pointer, the length in bytes ----
  (func (export "test:lists/lists#bytes-u32") (param $ptr i32) (param $len i32) (result i32)
    (call $ret (local.get $ptr) (i32.mul (local.get $len) (i32.const 4))))
  (func (export "test:lists/lists#bytes-s64") (param $ptr i32) (param $len i32) (result i32)
    (call $ret (local.get $ptr) (i32.mul (local.get $len) (i32.const 8))))
  (func (export "test:lists/lists#bytes-f32") (param $ptr i32) (param $len i32) (result i32)
    (call $ret (local.get $ptr) (i32.mul (local.get $len) (i32.const 4))))
  (func (export "test:lists/lists#bytes-f64") (param $ptr i32) (param $len i32) (result i32)
    (call $ret (local.get $ptr) (i32.mul (local.get $len) (i32.const 8))))
  (func (export "test:lists/lists#bytes-bool") (param $ptr i32) (param $len i32) (result i32)
    (call $ret (local.get $ptr) (i32.mul (local.get $len) (i32.const 1))))
  (func (export "test:lists/lists#bytes-char") (param $ptr i32) (param $len i32) (result i32)
    (call $ret (local.get $ptr) (i32.mul (local.get $len) (i32.const 4))))
  (func (export "test:lists/lists#bytes-points") (param $ptr i32) (param $len i32) (result i32)
    (call $ret (local.get $ptr) (i32.mul (local.get $len) (i32.const 24))))

  ;; ---- constants: the table entry is a return area ----
  (func (export "test:lists/lists#constant-u8") (result i32) (i32.const 1024))
  (func (export "test:lists/lists#constant-u32") (result i32) (i32.const 1032))
  (func (export "test:lists/lists#constant-s64") (result i32) (i32.const 1040))
  (func (export "test:lists/lists#constant-f32") (result i32) (i32.const 1048))
  (func (export "test:lists/lists#constant-f64") (result i32) (i32.const 1056))
  (func (export "test:lists/lists#constant-bool") (result i32) (i32.const 1064))
  (func (export "test:lists/lists#constant-char") (result i32) (i32.const 1072))
  (func (export "test:lists/lists#constant-strings") (result i32) (i32.const 1080))
  (func (export "test:lists/lists#constant-points") (result i32) (i32.const 1088))
  (func (export "test:lists/lists#constant-nested") (result i32) (i32.const 1096))

  ;; ---- computed ----
  (func (export "test:lists/lists#concat-strings") (param $ptr i32) (param $len i32) (result i32)
    (call $gather (local.get $ptr) (local.get $len) (i32.const 8) (i32.const 0) (i32.const 1)))
  (func (export "test:lists/lists#flatten") (param $ptr i32) (param $len i32) (result i32)
    (call $gather (local.get $ptr) (local.get $len) (i32.const 8) (i32.const 0) (i32.const 2)))
  (func (export "test:lists/lists#labels") (param $ptr i32) (param $len i32) (result i32)
    (call $gather (local.get $ptr) (local.get $len) (i32.const 24) (i32.const 16) (i32.const 1)))

  ;; ---- via-host: the host writes its result's (pointer, length) to the return area ----
  (func (export "test:lists/lists#via-host-u32") (param $ptr i32) (param $len i32) (result i32)
    (local $r i32)
    (local.set $r (call $alloc (i32.const 4) (i32.const 8)))
    (call $double_u32 (local.get $ptr) (local.get $len) (local.get $r))
    (local.get $r))
  (func (export "test:lists/lists#via-host-strings") (param $ptr i32) (param $len i32) (result i32)
    (local $r i32)
    (local.set $r (call $alloc (i32.const 4) (i32.const 8)))
    (call $reverse_strings (local.get $ptr) (local.get $len) (local.get $r))
    (local.get $r))
  (func (export "test:lists/lists#via-host-points") (param $ptr i32) (param $len i32) (result i32)
    (local $r i32)
    (local.set $r (call $alloc (i32.const 4) (i32.const 8)))
    (call $move_points (local.get $ptr) (local.get $len) (local.get $r))
    (local.get $r))
  (func (export "test:lists/lists#via-host-nested") (param $ptr i32) (param $len i32) (result i32)
    (local $r i32)
    (local.set $r (call $alloc (i32.const 4) (i32.const 8)))
    (call $reverse_each (local.get $ptr) (local.get $len) (local.get $r))
    (local.get $r))

  ;; ---- raw ----
  (func (export "test:lists/lists#raw-u32") (param $ptr i32) (param $len i32) (result i32) (call $ret (local.get $ptr) (local.get $len)))
  (func (export "test:lists/lists#raw-s64") (param $ptr i32) (param $len i32) (result i32) (call $ret (local.get $ptr) (local.get $len)))
  (func (export "test:lists/lists#raw-char") (param $ptr i32) (param $len i32) (result i32) (call $ret (local.get $ptr) (local.get $len)))
  (func (export "test:lists/lists#raw-strings") (param $ptr i32) (param $len i32) (result i32) (call $ret (local.get $ptr) (local.get $len)))
  (func (export "test:lists/lists#raw-points") (param $ptr i32) (param $len i32) (result i32) (call $ret (local.get $ptr) (local.get $len)))
  (func (export "test:lists/lists#raw-nested") (param $ptr i32) (param $len i32) (result i32) (call $ret (local.get $ptr) (local.get $len)))
)
