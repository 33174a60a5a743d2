;; Guest of `strings-guest` (strings.wit) with UTF-8 strings, written by hand.
;; strings16.wat is the same code with UTF-16 data and `$shift` 1.
(module
  (import "test:strings/host-strings" "transform" (func $transform (param i32 i32 i32)))
  (import "test:strings/host-strings" "receive" (func $receive (param i32 i32)))

  (memory (export "memory") 1)
  ;; log2 of the size of a code unit.
  (global $shift i32 (i32.const 0))

  ;; The constants: a table of (pointer, length) at 1024, the text from 2048.
  (data (i32.const 1024) "\00\08\00\00\00\00\00\00\10\08\00\00\05\00\00\00\30\08\00\00\11\00\00\00\60\08\00\00\08\00\00\00\80\08\00\00\40\00\00\00\d0\08\00\00\2a\00\00\00")
  (data (i32.const 2048) "") ;; 0: ''
  (data (i32.const 2064) "\68\65\6c\6c\6f") ;; 1: 'hello'
  (data (i32.const 2096) "\68\c3\a9\6c\6c\6f\20\77\c3\b6\72\6c\64\20\e2\9c\93") ;; 2: 'héllo wörld ✓'
  (data (i32.const 2144) "\f0\9f\98\80\f0\9d\84\9e") ;; 3: '😀𝄞'
  (data (i32.const 2176) "\54\68\65\20\71\75\69\63\6b\20\62\72\6f\77\6e\20\66\6f\78\20\6a\75\6d\70\73\20\6f\76\65\72\20\74\68\65\20\6c\61\7a\79\20\64\6f\67\20\e2\80\94\20\c3\bc\6e\c3\af\63\c3\b6\64\c3\a9\20\f0\9f\a6\8a") ;; 4: 'The quick brown fox jumps over the lazy dog — ünïcödé 🦊'
  (data (i32.const 2256) "\61\62\63\64\65\66\67\68\69\6a\6b\6c\6d\6e\6f\70\71\72\73\74\75\76\77\78\79\7a\30\31\32\33\34\35\36\37\38\39\41\42\43\44\45\46") ;; 5: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEF'

  ;; Invalid UTF-8, for `raw` and `send-raw`.
  (data (i32.const 4096) "\ff") ;; a byte that is never UTF-8
  (data (i32.const 4112) "\c3") ;; a truncated sequence
  (data (i32.const 4128) "\ed\a0\80") ;; an encoded surrogate
  (data (i32.const 4144) "\c0\80") ;; an overlong encoding
  (data (i32.const 4160) "abcdefghijklmnopqrstuvwxyz0123456789ABCDEF\80") ;; 43 bytes, a lone continuation byte last

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
