;; A component whose exported function returns a resource: `run` refuses
;; to call it (a handle has no WAVE form), and calls `count` and `reset`
;; (which returns nothing) as usual.
(component
  (type $thing (resource (rep i32)))
  (core func $new (canon resource.new $thing))
  (core module $M
    (import "r" "new" (func $new (param i32) (result i32)))
    (func (export "make") (result i32) (call $new (i32.const 7)))
    (func (export "count") (result i32) (i32.const 1))
    (func (export "reset")))
  (core instance $m (instantiate $M (with "r" (instance (export "new" (func $new))))))
  (export $t "thing" (type $thing))
  (func (export "make") (result (own $t)) (canon lift (core func $m "make")))
  (func (export "count") (result u32) (canon lift (core func $m "count")))
  (func (export "reset") (canon lift (core func $m "reset")))
)
