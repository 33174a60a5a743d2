;; A component that defines and exports a resource: `counter` with a
;; constructor, a method, a static function and a destructor that records
;; which counters were dropped (`dropped` reports their sum).
(component
  (core module $Impl
    (global $dropped (mut i32) (i32.const 0))
    (func (export "dtor") (param i32)
      (global.set $dropped (i32.add (global.get $dropped) (local.get 0))))
    (func (export "dropped") (result i32) (global.get $dropped)))
  (core instance $impl (instantiate $Impl))
  (type $counter (resource (rep i32) (dtor (core func $impl "dtor"))))
  (core func $new (canon resource.new $counter))
  (core func $rep (canon resource.rep $counter))
  (core module $Api
    (import "r" "new" (func $new (param i32) (result i32)))
    (import "r" "rep" (func $rep (param i32) (result i32)))
    ;; The representation is the count itself.
    (func (export "ctor") (param i32) (result i32) (call $new (local.get 0)))
    (func (export "get") (param i32) (result i32) (local.get 0))
    ;; Borrows of a resource reach its own component as representations.
    (func (export "add") (param i32 i32) (result i32)
      (call $new (i32.add (local.get 0) (local.get 1))))
    ;; An own handle is a handle: `rep` reads its representation.
    (func (export "value") (param i32) (result i32) (call $rep (local.get 0))))
  (core instance $api (instantiate $Api
    (with "r" (instance (export "new" (func $new)) (export "rep" (func $rep))))))
  (func $ctor (param "start" u32) (result (own $counter)) (canon lift (core func $api "ctor")))
  (func $get (param "self" (borrow $counter)) (result u32) (canon lift (core func $api "get")))
  (func $add (param "a" (borrow $counter)) (param "b" (borrow $counter)) (result (own $counter))
    (canon lift (core func $api "add")))
  ;; The exported instance is made by a nested component, as wit-component
  ;; does: its export types name the resource they use.
  (component $Interface
    (import "counter-type" (type $t (sub resource)))
    (import "ctor" (func $ctor (param "start" u32) (result (own $t))))
    (import "get" (func $get (param "self" (borrow $t)) (result u32)))
    (import "add" (func $add (param "a" (borrow $t)) (param "b" (borrow $t)) (result (own $t))))
    (export $counter "counter" (type $t))
    (export "[constructor]counter" (func $ctor) (func (param "start" u32) (result (own $counter))))
    (export "[method]counter.get" (func $get) (func (param "self" (borrow $counter)) (result u32)))
    (export "[static]counter.add" (func $add)
      (func (param "a" (borrow $counter)) (param "b" (borrow $counter)) (result (own $counter)))))
  (instance $counters (instantiate $Interface
    (with "counter-type" (type $counter))
    (with "ctor" (func $ctor))
    (with "get" (func $get))
    (with "add" (func $add))))
  (export "test:counters/counters" (instance $counters))
  (func (export "dropped") (result u32) (canon lift (core func $impl "dropped")))
)
