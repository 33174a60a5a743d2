;; The guest of the stream throughput benchmark (bench/async.ts), world
;; `async-echo` of async-echo.wit, in wit-component's core naming for the
;; async ABI. `echo(input)` is lifted with a callback: it makes a stream,
;; returns its readable end through `task.return`, then loops: an async
;; `stream.read` of up to 64 KiB of the input into a buffer in its memory,
;; then async `stream.write`s of those bytes to the output until all are
;; taken. A copy that returns BLOCKED makes it wait (WAIT on the task's
;; waitable set, which both ends join once); its callback takes the copy's
;; result from the event and goes on. When the input's writer is gone (a
;; read reports DROPPED) and every byte is written, or when the output's
;; reader is gone, it drops both ends and the set, and exits.
;;
;; Each task keeps a block (below) in its context slot 0; blocks are reused
;; through a free list, so calls may overlap.
(module
  (import "$root" "[waitable-set-new]" (func $ws-new (result i32)))
  (import "$root" "[waitable-set-drop]" (func $ws-drop (param i32)))
  (import "$root" "[waitable-join]" (func $join (param i32 i32)))
  (import "$root" "[context-get-0]" (func $ctx-get (result i32)))
  (import "$root" "[context-set-0]" (func $ctx-set (param i32)))
  (import "[export]$root" "[task-return]echo" (func $return-echo (param i32)))
  (import "[export]$root" "[stream-new-0]echo" (func $stream-new (result i64)))
  (import "[export]$root" "[async-lower][stream-read-0]echo" (func $read (param i32 i32 i32) (result i32)))
  (import "[export]$root" "[async-lower][stream-write-0]echo" (func $write (param i32 i32 i32) (result i32)))
  (import "[export]$root" "[stream-drop-readable-0]echo" (func $drop-readable (param i32)))
  (import "[export]$root" "[stream-drop-writable-0]echo" (func $drop-writable (param i32)))

  (memory (export "memory") 1)
  ;; A task's block: the waitable set (0), the input's readable end (4), the
  ;; output's writable end (8), the bytes read not yet written (12), where
  ;; they start in the buffer (16), whether the input ended (20); the buffer
  ;; from 32.
  (global $BLOCK i32 (i32.const 65568))
  (global $BUFFER i32 (i32.const 65536))
  ;; The next never-used block, and the head of the list of freed ones.
  (global $next (mut i32) (i32.const 1024))
  (global $free (mut i32) (i32.const 0))

  (func $block-new (result i32)
    (local $b i32) (local $end i32)
    (if (global.get $free)
      (then
        (local.set $b (global.get $free))
        (global.set $free (i32.load (local.get $b)))
        (return (local.get $b))))
    (local.set $b (global.get $next))
    (local.set $end (i32.add (local.get $b) (global.get $BLOCK)))
    (if (i32.gt_u (local.get $end) (i32.shl (memory.size) (i32.const 16)))
      (then
        (if (i32.eq (memory.grow (i32.sub (i32.shr_u (i32.add (local.get $end) (i32.const 0xffff)) (i32.const 16))
                                          (memory.size)))
                    (i32.const -1))
          (then unreachable))))
    (global.set $next (local.get $end))
    (local.get $b))
  (func $block-free (param $b i32)
    (i32.store (local.get $b) (global.get $free))
    (global.set $free (local.get $b)))

  (func $wait (param $b i32) (result i32)
    (i32.or (i32.const 2) (i32.shl (i32.load (local.get $b)) (i32.const 4))))

  ;; Drops both ends and the set, frees the block, exits.
  (func $finish (param $b i32) (result i32)
    (call $join (i32.load offset=4 (local.get $b)) (i32.const 0))
    (call $join (i32.load offset=8 (local.get $b)) (i32.const 0))
    (call $drop-readable (i32.load offset=4 (local.get $b)))
    (call $drop-writable (i32.load offset=8 (local.get $b)))
    (call $ws-drop (i32.load (local.get $b)))
    (call $block-free (local.get $b))
    (i32.const 0))

  ;; A read's result: its count of bytes is to be written, from the buffer's start.
  (func $took-read (param $b i32) (param $r i32)
    (i32.store offset=12 (local.get $b) (i32.shr_u (local.get $r) (i32.const 4)))
    (i32.store offset=16 (local.get $b) (i32.const 0))
    ;; DROPPED: the input's writer is gone.
    (if (i32.eq (i32.and (local.get $r) (i32.const 15)) (i32.const 1))
      (then (i32.store offset=20 (local.get $b) (i32.const 1)))))

  ;; A write's result: its count of bytes is written; true when the output's reader is gone.
  (func $took-write (param $b i32) (param $r i32) (result i32)
    (local $n i32)
    (local.set $n (i32.shr_u (local.get $r) (i32.const 4)))
    (i32.store offset=12 (local.get $b) (i32.sub (i32.load offset=12 (local.get $b)) (local.get $n)))
    (i32.store offset=16 (local.get $b) (i32.add (i32.load offset=16 (local.get $b)) (local.get $n)))
    (i32.eq (i32.and (local.get $r) (i32.const 15)) (i32.const 1)))

  ;; Reads and writes until a copy blocks (WAIT) or the echo is done (EXIT).
  (func $pump (param $b i32) (result i32)
    (local $r i32)
    (loop $more
      (if (i32.eqz (i32.load offset=12 (local.get $b)))
        (then
          (if (i32.load offset=20 (local.get $b)) (then (return (call $finish (local.get $b)))))
          (local.set $r (call $read (i32.load offset=4 (local.get $b))
                                    (i32.add (local.get $b) (i32.const 32))
                                    (global.get $BUFFER)))
          (if (i32.eq (local.get $r) (i32.const -1)) (then (return (call $wait (local.get $b)))))
          (call $took-read (local.get $b) (local.get $r)))
        (else
          (local.set $r (call $write (i32.load offset=8 (local.get $b))
                                     (i32.add (i32.add (local.get $b) (i32.const 32)) (i32.load offset=16 (local.get $b)))
                                     (i32.load offset=12 (local.get $b))))
          (if (i32.eq (local.get $r) (i32.const -1)) (then (return (call $wait (local.get $b)))))
          (if (call $took-write (local.get $b) (local.get $r)) (then (return (call $finish (local.get $b)))))))
      (br $more))
    (unreachable))

  (func (export "[async-lift]echo") (param $in i32) (result i32)
    (local $b i32) (local $ends i64) (local $ws i32)
    (local.set $b (call $block-new))
    (call $ctx-set (local.get $b))
    (local.set $ends (call $stream-new))
    (i32.store offset=4 (local.get $b) (local.get $in))
    (i32.store offset=8 (local.get $b) (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32))))
    (i32.store offset=12 (local.get $b) (i32.const 0))
    (i32.store offset=20 (local.get $b) (i32.const 0))
    (local.set $ws (call $ws-new))
    (i32.store (local.get $b) (local.get $ws))
    (call $join (local.get $in) (local.get $ws))
    (call $join (i32.load offset=8 (local.get $b)) (local.get $ws))
    (call $return-echo (i32.wrap_i64 (local.get $ends)))
    (call $pump (local.get $b)))

  ;; STREAM_READ (2) or STREAM_WRITE (3): the copy's result is the payload.
  (func (export "[callback][async-lift]echo") (param $event i32) (param $handle i32) (param $payload i32) (result i32)
    (local $b i32)
    (local.set $b (call $ctx-get))
    (if (i32.eq (local.get $event) (i32.const 2))
      (then (call $took-read (local.get $b) (local.get $payload)))
      (else
        (if (i32.ne (local.get $event) (i32.const 3)) (then unreachable))
        (if (call $took-write (local.get $b) (local.get $payload)) (then (return (call $finish (local.get $b)))))))
    (call $pump (local.get $b))))
