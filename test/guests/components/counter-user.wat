;; A component that imports the `counter` resource and uses it: `twice` makes
;; a counter of twice the value of the one it borrows (and drops the borrow), `total` consumes an own
;; counter and returns its value (dropping it).
(component
  (import "test:counters/counters" (instance $counters
    (export "counter" (type $counter (sub resource)))
    (export "[constructor]counter" (func (param "start" u32) (result (own $counter))))
    (export "[method]counter.get" (func (param "self" (borrow $counter)) (result u32)))))
  (alias export $counters "counter" (type $counter))
  (core func $new (canon lower (func $counters "[constructor]counter")))
  (core func $get (canon lower (func $counters "[method]counter.get")))
  (core func $drop (canon resource.drop $counter))
  (core module $M
    (import "c" "new" (func $new (param i32) (result i32)))
    (import "c" "get" (func $get (param i32) (result i32)))
    (import "c" "drop" (func $drop (param i32)))
    ;; A borrowed handle must be dropped before the call returns.
    (func (export "twice") (param i32) (result i32)
      (local $v i32)
      (local.set $v (call $get (local.get 0)))
      (call $drop (local.get 0))
      (call $new (i32.mul (local.get $v) (i32.const 2))))
    (func (export "total") (param i32) (result i32)
      (local $v i32)
      (local.set $v (call $get (local.get 0)))
      (call $drop (local.get 0))
      (local.get $v)))
  (core instance $m (instantiate $M
    (with "c" (instance (export "new" (func $new)) (export "get" (func $get)) (export "drop" (func $drop))))))
  (func (export "twice") (param "c" (borrow $counter)) (result (own $counter))
    (canon lift (core func $m "twice")))
  (func (export "total") (param "c" (own $counter)) (result u32)
    (canon lift (core func $m "total")))
)
