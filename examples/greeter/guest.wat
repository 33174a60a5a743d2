;; A guest for the `greeter` world, written by hand in WebAssembly text: the
;; core module that a Rust or C guest built with bindings for the world would
;; be. It exports `example:greeter/greetings@0.1.0` and calls the host's
;; `example:logging/log@0.1.0`.
(module
  (import "example:logging/log@0.1.0" "log" (func $log (param i32 i32 i32)))
  (import "[export]example:greeter/greetings@0.1.0" "[resource-new]counter" (func $counter_new (param i32) (result i32)))

  (memory (export "memory") 1)
  (data (i32.const 256) "Hello, ")
  (data (i32.const 272) "Bonjour, ")
  (data (i32.const 288) "Greetings, ")
  (data (i32.const 320) "greeting everyone")

  ;; A bump allocator: enough for an example; a real guest's allocator frees.
  (global $next (mut i32) (i32.const 4096))
  (func $alloc (param $align i32) (param $size i32) (result i32)
    (local $ptr i32)
    (local.set $ptr
      (i32.and
        (i32.add (global.get $next) (i32.sub (local.get $align) (i32.const 1)))
        (i32.sub (i32.const 0) (local.get $align))))
    (global.set $next (i32.add (local.get $ptr) (local.get $size)))
    (if (i32.gt_u (global.get $next) (i32.mul (memory.size) (i32.const 65536)))
      (then (drop (memory.grow (i32.add (i32.shr_u (local.get $size) (i32.const 16)) (i32.const 1))))))
    (local.get $ptr))
  (func (export "cabi_realloc") (param $old i32) (param $old_size i32) (param $align i32) (param $size i32) (result i32)
    (local $ptr i32)
    (local.set $ptr (call $alloc (local.get $align) (local.get $size)))
    (if (local.get $old_size)
      (then (memory.copy (local.get $ptr) (local.get $old)
        (select (local.get $old_size) (local.get $size) (i32.lt_u (local.get $old_size) (local.get $size))))))
    (local.get $ptr))

  ;; The greeting's text: the language's salutation followed by the name.
  (func $salute (param $language i32) (param $name i32) (param $name_len i32) (param $out i32)
    (local $prefix i32) (local $prefix_len i32) (local $text i32)
    (local.set $prefix (i32.const 256))
    (local.set $prefix_len (i32.const 7))
    (if (i32.eq (local.get $language) (i32.const 1))
      (then (local.set $prefix (i32.const 272)) (local.set $prefix_len (i32.const 9))))
    (if (i32.eq (local.get $language) (i32.const 2))
      (then (local.set $prefix (i32.const 288)) (local.set $prefix_len (i32.const 11))))
    (local.set $text (call $alloc (i32.const 1) (i32.add (local.get $prefix_len) (local.get $name_len))))
    (memory.copy (local.get $text) (local.get $prefix) (local.get $prefix_len))
    (memory.copy (i32.add (local.get $text) (local.get $prefix_len)) (local.get $name) (local.get $name_len))
    ;; record greeting { text: string, language: language, volume: option<u8> }
    (i32.store (local.get $out) (local.get $text))
    (i32.store offset=4 (local.get $out) (i32.add (local.get $prefix_len) (local.get $name_len)))
    (i32.store8 offset=8 (local.get $out) (local.get $language))
    (i32.store8 offset=9 (local.get $out) (i32.const 0)))

  ;; constructor(start: u64): the resource's representation is the address of its total.
  (func (export "example:greeter/greetings@0.1.0#[constructor]counter") (param $start i64) (result i32)
    (local $rep i32)
    (local.set $rep (call $alloc (i32.const 8) (i32.const 8)))
    (i64.store (local.get $rep) (local.get $start))
    (call $counter_new (local.get $rep)))

  ;; greet: func(name: string, language: language) -> result<greeting, failure>
  (func (export "example:greeter/greetings@0.1.0#[method]counter.greet")
    (param $self i32) (param $name i32) (param $name_len i32) (param $language i32) (result i32)
    (local $ret i32)
    (local.set $ret (call $alloc (i32.const 4) (i32.const 16)))
    (if (i32.eqz (local.get $name_len))
      (then
        ;; err(unknown-name(name))
        (i32.store8 (local.get $ret) (i32.const 1))
        (i32.store8 offset=4 (local.get $ret) (i32.const 0))
        (i32.store offset=8 (local.get $ret) (local.get $name))
        (i32.store offset=12 (local.get $ret) (i32.const 0))
        (return (local.get $ret))))
    (if (i64.ge_u (i64.load (local.get $self)) (i64.const 1000))
      (then
        ;; err(too-many(total))
        (i32.store8 (local.get $ret) (i32.const 1))
        (i32.store8 offset=4 (local.get $ret) (i32.const 1))
        (i32.store offset=8 (local.get $ret) (i32.wrap_i64 (i64.load (local.get $self))))
        (return (local.get $ret))))
    (i64.store (local.get $self) (i64.add (i64.load (local.get $self)) (i64.const 1)))
    (i32.store8 (local.get $ret) (i32.const 0))
    (call $salute (local.get $language) (local.get $name) (local.get $name_len) (i32.add (local.get $ret) (i32.const 4)))
    ;; volume: some(the name's length)
    (i32.store8 offset=13 (local.get $ret) (i32.const 1))
    (i32.store8 offset=14 (local.get $ret) (local.get $name_len))
    (call $log (i32.const 1) (i32.load offset=4 (local.get $ret)) (i32.load offset=8 (local.get $ret)))
    (local.get $ret))

  (func (export "example:greeter/greetings@0.1.0#[method]counter.total") (param $self i32) (result i64)
    (i64.load (local.get $self)))

  ;; merge: static func(a: borrow<counter>, b: borrow<counter>) -> counter
  (func (export "example:greeter/greetings@0.1.0#[static]counter.merge") (param $a i32) (param $b i32) (result i32)
    (local $rep i32)
    (local.set $rep (call $alloc (i32.const 8) (i32.const 8)))
    (i64.store (local.get $rep) (i64.add (i64.load (local.get $a)) (i64.load (local.get $b))))
    (call $counter_new (local.get $rep)))

  (func (export "example:greeter/greetings@0.1.0#[dtor]counter") (param $rep i32))

  ;; greet-all: func(names: list<string>, level: level) -> list<greeting>
  (func (export "example:greeter/greetings@0.1.0#greet-all") (param $names i32) (param $count i32) (param $level i32) (result i32)
    (local $out i32) (local $i i32) (local $ret i32)
    (call $log (local.get $level) (i32.const 320) (i32.const 17))
    (local.set $out (call $alloc (i32.const 4) (i32.mul (local.get $count) (i32.const 12))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (call $salute (i32.const 0)
          (i32.load (i32.add (local.get $names) (i32.mul (local.get $i) (i32.const 8))))
          (i32.load offset=4 (i32.add (local.get $names) (i32.mul (local.get $i) (i32.const 8))))
          (i32.add (local.get $out) (i32.mul (local.get $i) (i32.const 12))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.set $ret (call $alloc (i32.const 4) (i32.const 8)))
    (i32.store (local.get $ret) (local.get $out))
    (i32.store offset=4 (local.get $ret) (local.get $count))
    (local.get $ret))
)
