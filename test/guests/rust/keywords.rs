//! Rust keywords and reserved names in the WIT: fields, functions,
//! parameters, enum cases, variant cases, flags and a type named `guest`.

include!("bindings.rs");
mod counting;

use exports::test::rust_keywords::keywords::{Choice, Fields, Guest_, Kind, Modifiers};

struct Component;

export!(Component);

impl Guest for Component {
    fn live_allocations() -> i32 {
        counting::live()
    }
}

impl exports::test::rust_keywords::keywords::Guest for Component {
    fn loop_(in_: Fields, kind: Kind) -> Fields {
        let tag = match kind {
            Kind::Super => "super",
            Kind::Crate => "crate",
            Kind::Type => "type",
        };
        Fields {
            type_: in_.type_ + 1,
            match_: format!("{}:{}", in_.match_, tag),
            move_: !in_.move_,
            self_ref: in_.self_ref.wrapping_mul(2),
        }
    }

    fn match_(c: Choice, m: Modifiers) -> (Choice, Modifiers) {
        let c = match c {
            Choice::Loop(n) => Choice::In(n.to_string()),
            Choice::In(s) => Choice::Loop(s.len() as u32),
            Choice::Where => Choice::Where,
        };
        (c, m ^ (Modifiers::MUT | Modifiers::STATIC))
    }

    fn kinds() -> Vec<Kind> {
        vec![Kind::Type, Kind::Crate, Kind::Super]
    }

    fn next_guest(g: Guest_) -> Guest_ {
        Guest_ { id: g.id + 1 }
    }
}
