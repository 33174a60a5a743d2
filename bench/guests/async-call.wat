;; The guest of the async call latency benchmark (bench/async.ts), world
;; `async-call` of async-call.wit, in wit-component's core naming for the
;; async ABI. `run(x)` is lifted with a callback: it calls the host's `get(x)`
;; through an async lowering; when that returns at once (RETURNED) it returns
;; get(x) + 1 through `task.return` and exits; else (STARTED) it joins the
;; subtask to a new waitable set and waits (WAIT), and its callback, on the
;; subtask's RETURNED event, drops the subtask and the set and returns.
;;
;; Each task keeps a block of 8 bytes (its waitable set, get's result) in
;; its context slot 0; blocks are reused through a free list, so calls may
;; overlap.
(module
  (import "$root" "[async-lower]get" (func $get (param i32 i32) (result i32)))
  (import "$root" "[waitable-set-new]" (func $ws-new (result i32)))
  (import "$root" "[waitable-set-drop]" (func $ws-drop (param i32)))
  (import "$root" "[waitable-join]" (func $join (param i32 i32)))
  (import "$root" "[subtask-drop]" (func $subtask-drop (param i32)))
  (import "$root" "[context-get-0]" (func $ctx-get (result i32)))
  (import "$root" "[context-set-0]" (func $ctx-set (param i32)))
  (import "[export]$root" "[task-return]run" (func $return-run (param i32)))

  (memory (export "memory") 1)
  ;; The next never-used block, and the head of the list of freed ones.
  (global $next (mut i32) (i32.const 1024))
  (global $free (mut i32) (i32.const 0))

  (func $block-new (result i32)
    (local $b i32)
    (if (result i32) (global.get $free)
      (then
        (local.set $b (global.get $free))
        (global.set $free (i32.load (local.get $b)))
        (local.get $b))
      (else
        (local.set $b (global.get $next))
        (global.set $next (i32.add (local.get $b) (i32.const 8)))
        (local.get $b))))
  (func $block-free (param $b i32)
    (i32.store (local.get $b) (global.get $free))
    (global.set $free (local.get $b)))

  ;; Returns get's result + 1, frees the block, exits.
  (func $finish (param $b i32) (result i32)
    (local $r i32)
    (local.set $r (i32.load offset=4 (local.get $b)))
    (call $block-free (local.get $b))
    (call $return-run (i32.add (local.get $r) (i32.const 1)))
    (i32.const 0))

  (func (export "[async-lift]run") (param $x i32) (result i32)
    (local $b i32) (local $s i32) (local $ws i32)
    (local.set $b (call $block-new))
    (local.set $s (call $get (local.get $x) (i32.add (local.get $b) (i32.const 4))))
    ;; RETURNED: the result is in the block already.
    (if (i32.eq (local.get $s) (i32.const 2)) (then (return (call $finish (local.get $b)))))
    ;; STARTING or STARTED: wait for the subtask's events.
    (local.set $ws (call $ws-new))
    (i32.store (local.get $b) (local.get $ws))
    (call $ctx-set (local.get $b))
    (call $join (i32.shr_u (local.get $s) (i32.const 4)) (local.get $ws))
    (i32.or (i32.const 2) (i32.shl (local.get $ws) (i32.const 4))))

  (func (export "[callback][async-lift]run") (param $event i32) (param $handle i32) (param $payload i32) (result i32)
    (local $b i32)
    (local.set $b (call $ctx-get))
    ;; Only SUBTASK events come; before RETURNED (2), wait on.
    (if (i32.ne (local.get $event) (i32.const 1)) (then unreachable))
    (if (i32.ne (local.get $payload) (i32.const 2))
      (then (return (i32.or (i32.const 2) (i32.shl (i32.load (local.get $b)) (i32.const 4))))))
    (call $subtask-drop (local.get $handle))
    (call $ws-drop (i32.load (local.get $b)))
    (call $finish (local.get $b))))
