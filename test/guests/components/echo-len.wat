;; Two inner components with different string encodings and memories, wired
;; by an outer one: `echo-len` lowers a UTF-8 string from the outer memory,
;; passes it to `echo` (UTF-16, in its own memory) and the result to `len`
;; (UTF-8, counting code points), and logs through a host import first.
(component
  (import "log" (func $log (param "msg" string)))

  (component $Echo
    (core module $M
      (memory (export "mem") 1)
      (global $next (mut i32) (i32.const 1024))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (local $r i32)
        (local.set $r
          (i32.and
            (i32.add (global.get $next) (i32.sub (local.get 2) (i32.const 1)))
            (i32.sub (i32.const 0) (local.get 2))))
        (global.set $next (i32.add (local.get $r) (local.get 3)))
        ;; A bump allocator: reallocating copies the old bytes.
        (memory.copy (local.get $r) (local.get 0)
          (select (local.get 1) (local.get 3) (i32.lt_u (local.get 1) (local.get 3))))
        (local.get $r))
      (func (export "echo") (param i32 i32) (result i32)
        (i32.store (i32.const 0) (local.get 0))
        (i32.store (i32.const 4) (local.get 1))
        (i32.const 0)))
    (core instance $m (instantiate $M))
    (func (export "echo") (param "s" string) (result string)
      (canon lift (core func $m "echo")
        (memory (core memory $m "mem"))
        (realloc (core func $m "realloc"))
        string-encoding=utf16)))

  (component $Len
    (core module $M
      (memory (export "mem") 1)
      (global $next (mut i32) (i32.const 1024))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (local $r i32)
        (local.set $r
          (i32.and
            (i32.add (global.get $next) (i32.sub (local.get 2) (i32.const 1)))
            (i32.sub (i32.const 0) (local.get 2))))
        (global.set $next (i32.add (local.get $r) (local.get 3)))
        ;; A bump allocator: reallocating copies the old bytes.
        (memory.copy (local.get $r) (local.get 0)
          (select (local.get 1) (local.get 3) (i32.lt_u (local.get 1) (local.get 3))))
        (local.get $r))
      ;; Code points: bytes that are not UTF-8 continuation bytes.
      (func (export "len") (param $p i32) (param $n i32) (result i32)
        (local $count i32)
        (block $done
          (loop $next
            (br_if $done (i32.eqz (local.get $n)))
            (if (i32.ne (i32.and (i32.load8_u (local.get $p)) (i32.const 0xc0)) (i32.const 0x80))
              (then (local.set $count (i32.add (local.get $count) (i32.const 1)))))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (local.set $n (i32.sub (local.get $n) (i32.const 1)))
            (br $next)))
        (local.get $count)))
    (core instance $m (instantiate $M))
    (func (export "len") (param "s" string) (result u32)
      (canon lift (core func $m "len")
        (memory (core memory $m "mem"))
        (realloc (core func $m "realloc")))))

  (instance $echo (instantiate $Echo))
  (instance $len (instantiate $Len))

  (core module $Mem
    (memory (export "mem") 1)
    (global $next (mut i32) (i32.const 1024))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $r i32)
      (local.set $r
        (i32.and
          (i32.add (global.get $next) (i32.sub (local.get 2) (i32.const 1)))
          (i32.sub (i32.const 0) (local.get 2))))
      (global.set $next (i32.add (local.get $r) (local.get 3)))
      (memory.copy (local.get $r) (local.get 0)
        (select (local.get 1) (local.get 3) (i32.lt_u (local.get 1) (local.get 3))))
      (local.get $r)))
  (core instance $mem (instantiate $Mem))

  (core func $echo (canon lower (func $echo "echo")
    (memory (core memory $mem "mem")) (realloc (core func $mem "realloc"))))
  (core func $len (canon lower (func $len "len")
    (memory (core memory $mem "mem")) (realloc (core func $mem "realloc"))))
  (core func $log (canon lower (func $log) (memory (core memory $mem "mem"))))

  (core module $Glue
    (import "mem" "mem" (memory 1))
    (import "f" "echo" (func $echo (param i32 i32 i32)))
    (import "f" "len" (func $len (param i32 i32) (result i32)))
    (import "f" "log" (func $log (param i32 i32)))
    (func (export "echo-len") (param i32 i32) (result i32)
      (call $log (local.get 0) (local.get 1))
      (call $echo (local.get 0) (local.get 1) (i32.const 16))
      (call $len (i32.load (i32.const 16)) (i32.load (i32.const 20)))))
  (core instance $glue (instantiate $Glue
    (with "mem" (instance $mem))
    (with "f" (instance
      (export "echo" (func $echo))
      (export "len" (func $len))
      (export "log" (func $log))))))

  (func (export "echo-len") (param "s" string) (result u32)
    (canon lift (core func $glue "echo-len")
      (memory (core memory $mem "mem")) (realloc (core func $mem "realloc"))))
  (export "echo" (func $echo "echo"))
)
