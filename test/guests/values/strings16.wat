;; Guest of `strings-guest` (strings.wit) with UTF-16 strings, written by hand:
;; strings8.wat with UTF-16 data (lengths in code units) and `$shift` 1.
(module
  (import "test:strings/host-strings" "transform" (func $transform (param i32 i32 i32)))
  (import "test:strings/host-strings" "receive" (func $receive (param i32 i32)))

  (memory (export "memory") 1)
  ;; log2 of the size of a code unit.
  (global $shift i32 (i32.const 1))

  ;; The constants: a table of (pointer, length) at 1024, the text from 2048.
  (data (i32.const 1024) "\00\08\00\00\00\00\00\00\10\08\00\00\05\00\00\00\30\08\00\00\0d\00\00\00\60\08\00\00\04\00\00\00\80\08\00\00\38\00\00\00\00\09\00\00\2a\00\00\00")
  (data (i32.const 2048) "") ;; 0: ''
  (data (i32.const 2064) "\68\00\65\00\6c\00\6c\00\6f\00") ;; 1: 'hello'
  (data (i32.const 2096) "\68\00\e9\00\6c\00\6c\00\6f\00\20\00\77\00\f6\00\72\00\6c\00\64\00\20\00\13\27") ;; 2: 'héllo wörld ✓'
  (data (i32.const 2144) "\3d\d8\00\de\34\d8\1e\dd") ;; 3: '😀𝄞'
  (data (i32.const 2176) "\54\00\68\00\65\00\20\00\71\00\75\00\69\00\63\00\6b\00\20\00\62\00\72\00\6f\00\77\00\6e\00\20\00\66\00\6f\00\78\00\20\00\6a\00\75\00\6d\00\70\00\73\00\20\00\6f\00\76\00\65\00\72\00\20\00\74\00\68\00\65\00\20\00\6c\00\61\00\7a\00\79\00\20\00\64\00\6f\00\67\00\20\00\14\20\20\00\fc\00\6e\00\ef\00\63\00\f6\00\64\00\e9\00\20\00\3e\d8\8a\dd") ;; 4: 'The quick brown fox jumps over the lazy dog — ünïcödé 🦊'
  (data (i32.const 2304) "\61\00\62\00\63\00\64\00\65\00\66\00\67\00\68\00\69\00\6a\00\6b\00\6c\00\6d\00\6e\00\6f\00\70\00\71\00\72\00\73\00\74\00\75\00\76\00\77\00\78\00\79\00\7a\00\30\00\31\00\32\00\33\00\34\00\35\00\36\00\37\00\38\00\39\00\41\00\42\00\43\00\44\00\45\00\46\00") ;; 5: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEF'

  ;; Invalid UTF-16, for `raw` and `send-raw` (lengths in code units).
  (data (i32.const 4096) "\00\d8") ;; a lone high surrogate
  (data (i32.const 4112) "\00\dc") ;; a lone low surrogate
  (data (i32.const 4128) "\00\dc\00\d8") ;; a pair in the wrong order
  (data (i32.const 4144) "\61\00\00\d8") ;; "a" and a high surrogate at the end
  (data (i32.const 4160) "\00\d8\61\00") ;; a high surrogate followed by "a"

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

  ;; A return area holding a string's (pointer, length).
  (func $ret (param $ptr i32) (param $len i32) (result i32)
    (local $r i32)
    (local.set $r (call $alloc (i32.const 4) (i32.const 8)))
    (i32.store (local.get $r) (local.get $ptr))
    (i32.store offset=4 (local.get $r) (local.get $len))
    (local.get $r))

  ;; The address of constant `i`'s table entry.
  (func $entry (param $i i32) (result i32)
    (i32.add (i32.const 1024) (i32.shl (local.get $i) (i32.const 3))))

  (func (export "test:strings/strings#echo") (param $ptr i32) (param $len i32) (result i32)
    (call $ret (local.get $ptr) (local.get $len)))

  ;; The table entry is itself a (pointer, length) return area.
  (func (export "test:strings/strings#constant") (param $i i32) (result i32)
    (call $entry (local.get $i)))

  (func (export "test:strings/strings#equals-constant") (param $i i32) (param $ptr i32) (param $len i32) (result i32)
    (local $entry i32) (local $bytes i32) (local $k i32) (local $c i32)
    (local.set $entry (call $entry (local.get $i)))
    (if (i32.ne (i32.load offset=4 (local.get $entry)) (local.get $len))
      (then (return (i32.const 0))))
    (local.set $c (i32.load (local.get $entry)))
    (local.set $bytes (i32.shl (local.get $len) (global.get $shift)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $k) (local.get $bytes)))
        (if (i32.ne
              (i32.load8_u (i32.add (local.get $ptr) (local.get $k)))
              (i32.load8_u (i32.add (local.get $c) (local.get $k))))
          (then (return (i32.const 0))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $next)))
    (i32.const 1))

  (func (export "test:strings/strings#length") (param $ptr i32) (param $len i32) (result i32)
    (local.get $len))

  (func (export "test:strings/strings#raw") (param $ptr i32) (param $len i32) (result i32)
    (call $ret (local.get $ptr) (local.get $len)))

  ;; The host writes its result's (pointer, length) to the return area.
  (func (export "test:strings/strings#via-host") (param $ptr i32) (param $len i32) (result i32)
    (local $r i32)
    (local.set $r (call $alloc (i32.const 4) (i32.const 8)))
    (call $transform (local.get $ptr) (local.get $len) (local.get $r))
    (local.get $r))

  (func (export "test:strings/strings#send") (param $i i32)
    (local $entry i32)
    (local.set $entry (call $entry (local.get $i)))
    (call $receive (i32.load (local.get $entry)) (i32.load offset=4 (local.get $entry))))

  (func (export "test:strings/strings#send-raw") (param $ptr i32) (param $len i32)
    (call $receive (local.get $ptr) (local.get $len)))

  (func (export "test:strings/strings#concat") (param $a i32) (param $a_len i32) (param $b i32) (param $b_len i32) (result i32)
    (local $p i32) (local $a_bytes i32) (local $b_bytes i32)
    (local.set $a_bytes (i32.shl (local.get $a_len) (global.get $shift)))
    (local.set $b_bytes (i32.shl (local.get $b_len) (global.get $shift)))
    (local.set $p
      (call $alloc (i32.shl (i32.const 1) (global.get $shift)) (i32.add (local.get $a_bytes) (local.get $b_bytes))))
    (memory.copy (local.get $p) (local.get $a) (local.get $a_bytes))
    (memory.copy (i32.add (local.get $p) (local.get $a_bytes)) (local.get $b) (local.get $b_bytes))
    (call $ret (local.get $p) (i32.add (local.get $a_len) (local.get $b_len))))
)
