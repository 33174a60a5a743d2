;; A guest for the `wordcount` world, written by hand in WebAssembly text: the
;; core module that a Rust or C guest built with bindings for the world would
;; be. `count` is lifted `async` with a callback: it returns the future at
;; once (`task.return`), then reads the stream chunk by chunk, each read
;; waiting in the callback until the host writes, and writes the future when
;; the stream ends. Every call keeps its state in its own block (found again
;; through the task's context slot), so calls may overlap.
(module
  (import "[export]$root" "[task-return]count" (func $task_return (param i32)))
  (import "[export]$root" "[future-new-1]count" (func $future_new (result i64)))
  (import "[export]$root" "[async-lower][future-write-1]count" (func $future_write (param i32 i32) (result i32)))
  (import "[export]$root" "[future-drop-writable-1]count" (func $future_drop_writable (param i32)))
  (import "[export]$root" "[async-lower][stream-read-0]count" (func $stream_read (param i32 i32 i32) (result i32)))
  (import "[export]$root" "[stream-drop-readable-0]count" (func $stream_drop_readable (param i32)))
  (import "$root" "[waitable-set-new]" (func $waitable_set_new (result i32)))
  (import "$root" "[waitable-set-drop]" (func $waitable_set_drop (param i32)))
  (import "$root" "[waitable-join]" (func $waitable_join (param i32 i32)))
  (import "$root" "[context-get-0]" (func $context_get (result i32)))
  (import "$root" "[context-set-0]" (func $context_set (param i32)))

  (memory (export "memory") 1)

  ;; A call's block: its handles and counts, then the buffer it reads into.
  (global $STATE_SIZE i32 (i32.const 4096))
  (global $BUFFER_SIZE i32 (i32.const 4064))
  ;;   0: the record written to the future (bytes: u64, words: u32, lines: u32)
  ;;  16: the stream's readable end    20: the future's writable end
  ;;  24: the waitable set             28: 1 while inside a word
  ;;  32: the buffer
  (global $free (mut i32) (i32.const 0))
  (global $next (mut i32) (i32.const 4096))
  (func $alloc (result i32)
    (local $block i32)
    (if (global.get $free)
      (then
        (local.set $block (global.get $free))
        (global.set $free (i32.load (local.get $block)))
        (return (local.get $block))))
    (local.set $block (global.get $next))
    (global.set $next (i32.add (local.get $block) (global.get $STATE_SIZE)))
    (if (i32.gt_u (global.get $next) (i32.mul (memory.size) (i32.const 65536)))
      (then (if (i32.lt_s (memory.grow (i32.const 1)) (i32.const 0)) (then unreachable))))
    (local.get $block))
  (func $free (param $block i32)
    (i32.store (local.get $block) (global.get $free))
    (global.set $free (local.get $block)))

  ;; The callback's return values: EXIT, or WAIT on the call's waitable set.
  (func $wait (param $state i32) (result i32)
    (i32.or (i32.const 2) (i32.shl (i32.load offset=24 (local.get $state)) (i32.const 4))))

  (func (export "[async-lift]count") (param $text i32) (result i32)
    (local $state i32) (local $future i64)
    (local.set $state (call $alloc))
    (memory.fill (local.get $state) (i32.const 0) (i32.const 32))
    (call $context_set (local.get $state))
    (local.set $future (call $future_new))
    (i32.store offset=16 (local.get $state) (local.get $text))
    (i32.store offset=20 (local.get $state) (i32.wrap_i64 (i64.shr_u (local.get $future) (i64.const 32))))
    (i32.store offset=24 (local.get $state) (call $waitable_set_new))
    (call $waitable_join (local.get $text) (i32.load offset=24 (local.get $state)))
    (call $task_return (i32.wrap_i64 (local.get $future)))
    (call $read (local.get $state)))

  (func (export "[callback][async-lift]count") (param $event i32) (param $handle i32) (param $result i32) (result i32)
    (local $state i32)
    (local.set $state (call $context_get))
    ;; STREAM_READ: a read finished; go on reading.
    (if (i32.eq (local.get $event) (i32.const 2))
      (then (return (call $took (local.get $state) (local.get $result)))))
    ;; FUTURE_WRITE: the host took the counts; the call is done.
    (if (i32.eq (local.get $event) (i32.const 5))
      (then
        (call $future_drop_writable (local.get $handle))
        (call $waitable_set_drop (i32.load offset=24 (local.get $state)))
        (call $free (local.get $state))
        (return (i32.const 0))))
    unreachable)

  ;; Reads until a read must wait (WAIT) or the stream ends.
  (func $read (param $state i32) (result i32)
    (local $result i32)
    (local.set $result
      (call $stream_read
        (i32.load offset=16 (local.get $state))
        (i32.add (local.get $state) (i32.const 32))
        (global.get $BUFFER_SIZE)))
    (if (i32.eq (local.get $result) (i32.const -1)) (then (return (call $wait (local.get $state)))))
    (call $took (local.get $state) (local.get $result)))

  ;; A read's result: (count << 4) | COMPLETED (0) or DROPPED (1).
  (func $took (param $state i32) (param $result i32) (result i32)
    (call $tally (local.get $state) (i32.shr_u (local.get $result) (i32.const 4)))
    (if (i32.eq (i32.and (local.get $result) (i32.const 0xf)) (i32.const 0))
      (then (return (call $read (local.get $state)))))
    ;; The writer dropped the stream: it has ended. Write the counts.
    (call $stream_drop_readable (i32.load offset=16 (local.get $state)))
    (i32.store offset=16 (local.get $state) (i32.const 0))
    (call $waitable_join (i32.load offset=20 (local.get $state)) (i32.load offset=24 (local.get $state)))
    (local.set $result (call $future_write (i32.load offset=20 (local.get $state)) (local.get $state)))
    (if (i32.eq (local.get $result) (i32.const -1)) (then (return (call $wait (local.get $state)))))
    (call $future_drop_writable (i32.load offset=20 (local.get $state)))
    (call $waitable_set_drop (i32.load offset=24 (local.get $state)))
    (call $free (local.get $state))
    (i32.const 0))

  ;; Counts `n` bytes of the buffer: bytes, lines (newlines) and words
  ;; (runs of bytes other than space, tab, CR and LF).
  (func $tally (param $state i32) (param $n i32)
    (local $p i32) (local $end i32) (local $c i32) (local $in i32) (local $space i32)
    (local.set $p (i32.add (local.get $state) (i32.const 32)))
    (local.set $end (i32.add (local.get $p) (local.get $n)))
    (local.set $in (i32.load offset=28 (local.get $state)))
    (i64.store (local.get $state)
      (i64.add (i64.load (local.get $state)) (i64.extend_i32_u (local.get $n))))
    (block $done
      (loop $bytes
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $c (i32.load8_u (local.get $p)))
        (if (i32.eq (local.get $c) (i32.const 10))
          (then (i32.store offset=12 (local.get $state)
            (i32.add (i32.load offset=12 (local.get $state)) (i32.const 1)))))
        (local.set $space
          (i32.or
            (i32.or (i32.eq (local.get $c) (i32.const 32)) (i32.eq (local.get $c) (i32.const 9)))
            (i32.or (i32.eq (local.get $c) (i32.const 10)) (i32.eq (local.get $c) (i32.const 13)))))
        (if (i32.and (i32.eqz (local.get $space)) (i32.eqz (local.get $in)))
          (then (i32.store offset=8 (local.get $state)
            (i32.add (i32.load offset=8 (local.get $state)) (i32.const 1)))))
        (local.set $in (i32.eqz (local.get $space)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $bytes)))
    (i32.store offset=28 (local.get $state) (local.get $in)))
)
