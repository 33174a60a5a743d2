;; The guest of bench/component-host.ts's instantiation measure with the
;; preview1 adapter: it imports `wasi_snapshot_preview1` as a libc would.
(module
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $sizes (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (global $next (mut i32) (i32.const 4096))
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $r i32)
    (local.set $r
      (i32.and
        (i32.add (global.get $next) (i32.sub (local.get 2) (i32.const 1)))
        (i32.sub (i32.const 0) (local.get 2))))
    (global.set $next (i32.add (local.get $r) (local.get 3)))
    ;; Grow memory to cover the new end (the adapter allocates its state here).
    (if (i32.gt_u (global.get $next) (i32.mul (memory.size) (i32.const 65536)))
      (then
        (drop (memory.grow
          (i32.sub
            (i32.shr_u (i32.add (global.get $next) (i32.const 65535)) (i32.const 16))
            (memory.size))))))
    (memory.copy (local.get $r) (local.get 0)
      (select (local.get 1) (local.get 3) (i32.lt_u (local.get 1) (local.get 3))))
    (local.get $r))
  (func (export "env-count") (result i32)
    (drop (call $sizes (i32.const 0) (i32.const 4)))
    (i32.load (i32.const 0))))
