#!/usr/bin/env python3
"""Generates the canonical ABI fixtures that test/abi-layout.test.ts checks
`ir/abi/layout.ts` against.

The expected values come from the component model's reference implementation
of the canonical ABI, `design/mvp/canonical-abi/definitions.py` in the
WebAssembly/component-model repository, which is imported from the path given
(it is not vendored here). Run:

    python3 scripts/canonical-abi-fixtures.py <path to definitions.py> > test/fixtures/canonical-abi/layout.json

The output is deterministic for a given definitions.py (fixed-seed random
types plus hand-picked edge cases). It is a JSON object:

- `wit`: the lines of a WIT package (`package fx:t;`) whose interface
  `interface` defines every type the cases need. Records, variants, enums
  and flags cannot be written inline, so they are named types; every case
  is an alias `type caseN = <type>;` and every function case a function
  `fnN`.
- `types`: one entry per type case: `name` (the alias), `desc` (the type
  written out inline for messages, enums and flags of more than 4 labels
  abbreviated), and from definitions.py `size`
  (`elem_size`), `align` (`alignment`), `flat` (`flatten_type`); for records
  and tuples `offsets` of the fields, for variants, enums, options and
  results `discriminantSize` and `payloadOffset` (from `discriminant_type`,
  `max_case_alignment` and `align_to`).
- `functions`: `name`, `desc`, and `flatten_functype` for the `lift` and
  `lower` contexts (synchronous ABI): core `params` and `results`, and
  whether the flat parameters or results exceeded MAX_FLAT_PARAMS and
  MAX_FLAT_RESULTS (`paramsSpilled`, `resultsSpilled`).
- `join`: `join(a, b)` for every pair of core types, as `[a, b, joined]`.
- `images`: byte images of values of pointer-free types: `type` (a case
  name), `value`, `bytes` (hex; what `store` writes at offset 0 of a zeroed
  memory of `size` bytes), `padding` (offsets of the bytes `store` leaves
  untouched, present when not empty) and `loaded` (what `load` reads back
  from those bytes; it differs from `value` where an f32 value is rounded,
  as 0.1 is).

All memories are 32-bit (`ptr_type` i32) and the string encoding is UTF-8.
Values are JSON: booleans, numbers for integers up to 32 bits, decimal
strings for 64-bit integers, numbers for floats except "nan", "inf" and
"-inf", one-character strings for chars, objects for records and flags
(label -> value), arrays for tuples and fixed-length lists, and
`{"case": payload}` (payload `null` when there is none) for variants, enums,
options (`none`, `some`) and results (`ok`, `error`). NaNs are stored
canonically (DETERMINISTIC_PROFILE).
"""

import importlib.util
import json
import math
import random
import struct
import sys

SEED = 20240611
RANDOM_TYPES = 220
RANDOM_FUNCTIONS = 70
RANDOM_IMAGE_TYPES = 60


def load_definitions(path):
    spec = importlib.util.spec_from_file_location("canonical_abi_definitions", path)
    if spec is None or spec.loader is None:
        sys.exit(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    # dataclasses look the defining module up in sys.modules.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    module.DETERMINISTIC_PROFILE = True
    return module


if len(sys.argv) != 2:
    sys.exit("usage: python3 scripts/canonical-abi-fixtures.py <path to definitions.py>")

d = load_definitions(sys.argv[1])

MEMORY_OPTS = d.CanonicalOptions(memory=d.MemInst(bytearray(0), "i32"), async_=False)
PTR = MEMORY_OPTS.memory.ptr_type()
RESOURCE = d.ResourceType(None)

PRIMITIVES = {
    "bool": d.BoolType,
    "u8": d.U8Type,
    "s8": d.S8Type,
    "u16": d.U16Type,
    "s16": d.S16Type,
    "u32": d.U32Type,
    "s32": d.S32Type,
    "u64": d.U64Type,
    "s64": d.S64Type,
    "f32": d.F32Type,
    "f64": d.F64Type,
    "char": d.CharType,
}


class T:
    """A component-level type: how WIT writes it, how definitions.py models it, and its structure."""

    def __init__(self, kind, wit, desc, py, **parts):
        self.kind = kind
        self.wit = wit
        self.desc = desc
        self.py = py
        self.parts = parts

    def __getattr__(self, name):
        try:
            return self.__dict__["parts"][name]
        except KeyError:
            raise AttributeError(name)

    @property
    def pointer_free(self):
        """Whether `store` writes the whole value into the value's own bytes (no pointers, no handles)."""
        k = self.kind
        if k == "prim":
            return True
        if k in ("flags", "enum"):
            return True
        if k in ("record", "tuple"):
            return all(t.pointer_free for t in self.types)
        if k in ("variant", "option", "result"):
            return all(t is None or t.pointer_free for t in self.types)
        if k == "fixed-list":
            return self.element.pointer_free
        return False


class Wit:
    """Collects the named type definitions, type cases and function cases of the fixture interface."""

    def __init__(self):
        self.defs = []
        self.counter = 0
        self.types = []
        self.functions = []

    def fresh(self, prefix):
        self.counter += 1
        return f"{prefix}{self.counter}"

    # Primitive and anonymous types.

    def prim(self, name):
        return T("prim", name, name, PRIMITIVES[name](), name=name)

    def string(self):
        return T("string", "string", "string", d.StringType())

    def error_context(self):
        return T("error-context", "error-context", "error-context", d.ErrorContextType())

    def list(self, e):
        return T("list", f"list<{e.wit}>", f"list<{e.desc}>", d.ListType(e.py), element=e)

    def fixed_list(self, e, n):
        return T("fixed-list", f"list<{e.wit}, {n}>", f"list<{e.desc}, {n}>", d.ListType(e.py, n), element=e, length=n)

    def map(self, k, v):
        return T("map", f"map<{k.wit}, {v.wit}>", f"map<{k.desc}, {v.desc}>", d.MapType(k.py, v.py), key=k, value=v)

    def tuple(self, ts):
        return T(
            "tuple",
            f"tuple<{', '.join(t.wit for t in ts)}>",
            f"tuple<{', '.join(t.desc for t in ts)}>",
            d.TupleType([t.py for t in ts]),
            types=ts,
        )

    def option(self, t):
        return T(
            "option",
            f"option<{t.wit}>",
            f"option<{t.desc}>",
            d.OptionType(t.py),
            types=[None, t],
            labels=["none", "some"],
        )

    def result(self, ok, err):
        def arg(t, attr):
            return "_" if t is None else getattr(t, attr)

        if ok is None and err is None:
            wit = desc = "result"
        elif err is None:
            wit, desc = f"result<{ok.wit}>", f"result<{ok.desc}>"
        else:
            wit = f"result<{arg(ok, 'wit')}, {err.wit}>"
            desc = f"result<{arg(ok, 'desc')}, {err.desc}>"
        return T(
            "result",
            wit,
            desc,
            d.ResultType(None if ok is None else ok.py, None if err is None else err.py),
            types=[ok, err],
            labels=["ok", "error"],
        )

    def own(self):
        return T("own", "own<res>", "own<res>", d.OwnType(RESOURCE))

    def borrow(self):
        return T("borrow", "borrow<res>", "borrow<res>", d.BorrowType(RESOURCE))

    def future(self, t):
        if t is None:
            return T("future", "future", "future", d.FutureType(None))
        return T("future", f"future<{t.wit}>", f"future<{t.desc}>", d.FutureType(t.py))

    def stream(self, t):
        if t is None:
            return T("stream", "stream", "stream", d.StreamType(None))
        return T("stream", f"stream<{t.wit}>", f"stream<{t.desc}>", d.StreamType(t.py))

    # Named types.

    def record(self, fields):
        name = self.fresh("rec")
        body = ", ".join(f"{l}: {t.wit}" for l, t in fields)
        self.defs.append(f"record {name} {{ {body} }}")
        desc = "record { " + ", ".join(f"{l}: {t.desc}" for l, t in fields) + " }"
        py = d.RecordType([d.FieldType(l, t.py) for l, t in fields])
        return T("record", name, desc, py, types=[t for _, t in fields], labels=[l for l, _ in fields])

    def variant(self, cases):
        name = self.fresh("var")
        body = ", ".join(l if t is None else f"{l}({t.wit})" for l, t in cases)
        self.defs.append(f"variant {name} {{ {body} }}")
        desc = "variant { " + ", ".join(l if t is None else f"{l}({t.desc})" for l, t in cases) + " }"
        py = d.VariantType([d.CaseType(l, None if t is None else t.py) for l, t in cases])
        return T("variant", name, desc, py, types=[t for _, t in cases], labels=[l for l, _ in cases])

    def enum(self, n):
        name = self.fresh("enm")
        labels = [f"e{i}" for i in range(n)]
        self.defs.append(f"enum {name} {{ {', '.join(labels)} }}")
        desc = f"enum {{ {', '.join(labels)} }}" if n <= 4 else f"enum {{ e0, ..., e{n - 1} }}"
        return T("enum", name, desc, d.EnumType(labels), types=[None] * n, labels=labels)

    def flags(self, n):
        name = self.fresh("flg")
        labels = [f"l{i}" for i in range(n)]
        self.defs.append(f"flags {name} {{ {', '.join(labels)} }}")
        desc = f"flags {{ {', '.join(labels)} }}" if n <= 4 else f"flags {{ l0, ..., l{n - 1} }}"
        return T("flags", name, desc, d.FlagsType(labels), labels=labels)

    # Cases.

    def add_type(self, t, dedupe=True):
        """Adds a type case; returns its alias name (an existing one for a type already added)."""
        if dedupe:
            for name, other in self.types:
                if other.desc == t.desc:
                    return name
        name = f"case{len(self.types)}"
        self.types.append((name, t))
        return name

    def add_function(self, params, result):
        name = f"fn{len(self.functions)}"
        self.functions.append((name, params, result))
        return name

    def text(self):
        lines = ["package fx:t;", "", "interface i {", "  resource res;"]
        lines += [f"  {x}" for x in self.defs]
        lines += [f"  type {name} = {t.wit};" for name, t in self.types]
        for name, params, result in self.functions:
            ps = ", ".join(f"p{i}: {t.wit}" for i, t in enumerate(params))
            rs = "" if result is None else f" -> {result.wit}"
            lines.append(f"  {name}: func({ps}){rs};")
        lines.append("}")
        return lines


W = Wit()
rng = random.Random(SEED)


def p(name):
    return W.prim(name)


# Random types.

LEAF_WEIGHTS = [
    ("prim", 14),
    ("string", 2),
    ("enum", 1),
    ("flags", 1),
    ("own", 1),
    ("borrow", 1),
    ("error-context", 1),
    ("future", 1),
    ("stream", 1),
]
NODE_WEIGHTS = [
    ("record", 4),
    ("tuple", 3),
    ("variant", 4),
    ("option", 3),
    ("result", 3),
    ("list", 2),
    ("fixed-list", 2),
    ("map", 1),
]
POINTER_KINDS = {"string", "own", "borrow", "error-context", "future", "stream", "list", "map"}


def pick(weights, pointer_free, borrow):
    choices = [(k, w) for k, w in weights if not (pointer_free and k in POINTER_KINDS) and (borrow or k != "borrow")]
    total = sum(w for _, w in choices)
    r = rng.uniform(0, total)
    for k, w in choices:
        r -= w
        if r <= 0:
            return k
    return choices[-1][0]


SHARED = {}


def shared(make, n):
    """One named enum or flags type per size for the random types, to keep the WIT short."""
    key = (make.__name__, n)
    if key not in SHARED:
        SHARED[key] = make(n)
    return SHARED[key]


def random_type(depth, pointer_free=False, borrow=True):
    if depth <= 0 or rng.random() < 0.3:
        kind = pick(LEAF_WEIGHTS, pointer_free, borrow)
    else:
        kind = pick(NODE_WEIGHTS, pointer_free, borrow)

    def sub():
        return random_type(depth - 1, pointer_free, borrow)

    def maybe_sub():
        return None if rng.random() < 0.3 else sub()

    if kind == "prim":
        return p(rng.choice(list(PRIMITIVES)))
    if kind == "string":
        return W.string()
    if kind == "enum":
        return shared(W.enum, rng.choice([1, 2, 3, 5, 256, 257]))
    if kind == "flags":
        return shared(W.flags, rng.choice([1, 3, 8, 9, 16, 17, 32]))
    if kind == "own":
        return W.own()
    if kind == "borrow":
        return W.borrow()
    if kind == "error-context":
        return W.error_context()
    if kind == "future":
        return W.future(None if rng.random() < 0.3 else random_type(depth - 1, borrow=False))
    if kind == "stream":
        return W.stream(None if rng.random() < 0.3 else random_type(depth - 1, borrow=False))
    if kind == "record":
        n = rng.randint(1, 5)
        return W.record([(f"f{i}", sub()) for i in range(n)])
    if kind == "tuple":
        return W.tuple([sub() for _ in range(rng.randint(1, 4))])
    if kind == "variant":
        n = rng.randint(1, 5)
        return W.variant([(f"c{i}", maybe_sub()) for i in range(n)])
    if kind == "option":
        return W.option(sub())
    if kind == "result":
        return W.result(maybe_sub(), maybe_sub())
    if kind == "list":
        return W.list(sub())
    if kind == "fixed-list":
        return W.fixed_list(sub(), rng.randint(1, 4))
    if kind == "map":
        key = rng.choice([W.string(), p("u32"), p("s64"), p("char"), p("bool")])
        return W.map(key, sub())
    raise AssertionError(kind)


# Hand-picked type cases.

images = []  # (case name, type) pairs to make byte images of

for name in PRIMITIVES:
    images.append((W.add_type(p(name)), p(name)))
W.add_type(W.string())
W.add_type(W.error_context())
W.add_type(W.own())
W.add_type(W.borrow())
W.add_type(W.future(None))
W.add_type(W.future(p("u64")))
W.add_type(W.stream(None))
W.add_type(W.stream(W.string()))

for e in [p("u8"), p("u64"), W.string(), W.tuple([p("u8"), p("f64")])]:
    W.add_type(W.list(e))
W.add_type(W.list(W.list(p("u16"))))
W.add_type(W.map(W.string(), p("u32")))
W.add_type(W.map(p("u8"), W.tuple([p("u64"), p("u8")])))

fixed = [
    (p("u8"), 1),
    (p("u8"), 3),
    (p("u16"), 3),
    (p("u64"), 2),
    (p("f32"), 4),
    (p("f64"), 1),
    (p("char"), 2),
    (p("bool"), 5),
    (W.tuple([p("u8"), p("u32")]), 3),
    (W.fixed_list(p("s16"), 3), 2),
    (W.option(p("u8")), 3),
]
for e, n in fixed:
    t = W.fixed_list(e, n)
    images.append((W.add_type(t), t))
W.add_type(W.fixed_list(W.string(), 2))
W.add_type(W.fixed_list(W.own(), 3))
# 20 flat values: more than MAX_FLAT_PARAMS in one type.
W.add_type(W.fixed_list(p("u32"), 20))

records = [
    [("a", p("u8")), ("b", p("u64"))],
    [("a", p("u64")), ("b", p("u8"))],
    [("a", p("u8")), ("b", p("u16")), ("c", p("u8")), ("d", p("u32"))],
    [("a", p("bool"))],
    [("a", p("u16")), ("b", p("u8"))],
    [("a", p("f32")), ("b", p("f64")), ("c", p("s8"))],
    [("a", p("char")), ("b", p("bool")), ("c", p("s16"))],
    [("a", p("u8")), ("b", W.tuple([p("u8"), p("u16")])), ("c", p("u8"))],
    [("a", p("s8")), ("b", W.fixed_list(p("u8"), 3)), ("c", p("u32"))],
    [("x", W.flags(9)), ("y", p("u8")), ("z", W.enum(257))],
]
for fields in records:
    t = W.record(fields)
    images.append((W.add_type(t), t))
inner = W.record([("a", p("u8")), ("b", p("u32"))])
nested = W.record([("a", p("u8")), ("inner", inner), ("c", p("u16"))])
images.append((W.add_type(nested), nested))
W.add_type(W.record([("a", p("u8")), ("s", W.string()), ("b", p("u8"))]))
W.add_type(W.record([("h", W.own()), ("b", W.borrow()), ("l", W.list(p("u8")))]))

tuples = [
    [p("u8")],
    [p("u8"), p("u64")],
    [p("u64"), p("u8")],
    [p("u8"), p("u16"), p("u8")],
    [p("f32"), p("f32"), p("f64")],
    [W.tuple([p("u8"), p("u8")]), p("u16")],
    [p("char"), p("bool"), p("s64"), p("s8")],
]
for ts in tuples:
    t = W.tuple(ts)
    images.append((W.add_type(t), t))
W.add_type(W.tuple([W.string(), p("u8")]))

for n in [1, 2, 3, 7, 8, 9, 15, 16, 17, 24, 31, 32]:
    t = W.flags(n)
    images.append((W.add_type(t, dedupe=False), t))

for n in [1, 2, 3, 255, 256, 257, 300]:
    t = W.enum(n)
    images.append((W.add_type(t, dedupe=False), t))

# Variants whose cases' flat types join differently.
cores = {"i32": p("u32"), "f32": p("f32"), "i64": p("u64"), "f64": p("f64")}
for a in cores:
    for b in cores:
        t = W.variant([("a", cores[a]), ("b", cores[b])])
        images.append((W.add_type(t), t))
variants = [
    [("a", None), ("b", None)],
    [("a", None), ("b", p("u8"))],
    [("a", p("u8")), ("b", p("u16")), ("c", None)],
    [("a", W.tuple([p("f32"), p("f32")])), ("b", p("u64"))],
    [("a", W.tuple([p("f32"), p("u32")])), ("b", W.tuple([p("u32"), p("f32")]))],
    [("a", W.tuple([p("f32"), p("f64")])), ("b", W.tuple([p("s8"), p("f32"), p("f64")]))],
    [("a", p("f64")), ("b", W.tuple([p("f32"), p("f32"), p("f32")]))],
    [("a", p("bool")), ("b", p("char")), ("c", p("s64")), ("d", p("f32"))],
    [("a", W.fixed_list(p("u8"), 5)), ("b", p("u32"))],
    [("a", W.enum(3)), ("b", W.flags(17))],
]
for cases in variants:
    t = W.variant(cases)
    images.append((W.add_type(t), t))
W.add_type(W.variant([("a", W.string()), ("b", p("f64"))]))
W.add_type(W.variant([("a", W.list(p("u8"))), ("b", p("f32")), ("c", W.tuple([p("u64"), p("f32")]))]))
W.add_type(W.variant([("a", W.own()), ("b", W.borrow()), ("c", None)]))
W.add_type(W.variant([(f"c{i}", p("u8") if i % 2 else None) for i in range(257)]))

options = [
    W.option(p("u8")),
    W.option(p("u32")),
    W.option(p("u64")),
    W.option(p("f32")),
    W.option(p("f64")),
    W.option(p("bool")),
    W.option(p("char")),
    W.option(W.option(p("u8"))),
    W.option(W.option(W.option(p("u64")))),
    W.option(W.tuple([p("u8"), p("u16")])),
    W.option(W.enum(2)),
    W.option(W.fixed_list(p("f32"), 2)),
]
for t in options:
    images.append((W.add_type(t), t))
W.add_type(W.option(W.string()))
W.add_type(W.option(W.own()))
W.add_type(W.option(W.option(W.list(p("u8")))))

results = [
    W.result(None, None),
    W.result(p("u8"), None),
    W.result(None, p("u8")),
    W.result(p("u32"), p("f32")),
    W.result(p("f32"), p("u64")),
    W.result(p("f64"), p("u32")),
    W.result(p("u8"), p("u64")),
    W.result(W.tuple([p("u8"), p("u8")]), W.enum(3)),
    W.result(W.result(p("u8"), None), W.option(p("s16"))),
    W.result(None, W.fixed_list(p("u16"), 3)),
]
for t in results:
    images.append((W.add_type(t), t))
W.add_type(W.result(W.string(), None))
W.add_type(W.result(W.list(p("u8")), W.string()))
W.add_type(W.result(W.own(), W.error_context()))

# Random types.
random_start = len(W.types)
while len(W.types) < random_start + RANDOM_TYPES:
    W.add_type(random_type(rng.randint(1, 4)))

random_images = 0
while random_images < RANDOM_IMAGE_TYPES:
    t = random_type(rng.randint(1, 3), pointer_free=True)
    if t.kind == "prim":
        continue
    images.append((W.add_type(t), t))
    random_images += 1

# Function cases.

W.add_function([], None)
W.add_function([p("u32")], p("u32"))
W.add_function([p("u8"), p("s64"), p("f32"), p("f64"), p("char"), p("bool")], p("f64"))
W.add_function([p("u32")] * 16, None)
W.add_function([p("u32")] * 17, None)
W.add_function([W.string()] * 8, None)
W.add_function([W.string()] * 8 + [p("u8")], None)
W.add_function([W.fixed_list(p("u32"), 16)], p("u8"))
W.add_function([W.fixed_list(p("u32"), 17)], p("u8"))
W.add_function([], W.string())
W.add_function([], W.tuple([p("u8"), p("u8")]))
W.add_function([], W.option(p("u8")))
W.add_function([], W.result(None, None))
W.add_function([], W.result(p("u32"), p("f32")))
W.add_function([], W.enum(3))
W.add_function([], W.flags(32))
W.add_function([], W.own())
W.add_function([p("u64")] * 20, W.string())
W.add_function([W.string()] * 3, W.list(p("u8")))
W.add_function([W.borrow(), W.own()], W.fixed_list(p("u8"), 2))
W.add_function([W.record([("a", p("u8")), ("b", p("u64"))])], W.record([("a", p("u8"))]))
W.add_function([W.variant([("a", p("f32")), ("b", p("u64"))])], W.variant([("a", None), ("b", None)]))
for _ in range(RANDOM_FUNCTIONS):
    params = [random_type(rng.randint(0, 3)) for _ in range(rng.choice([0, 1, 2, 3, 5, 8, 12]))]
    result = None if rng.random() < 0.2 else random_type(rng.randint(0, 3), borrow=False)
    W.add_function(params, result)


# Expected values from definitions.py.


def type_entry(name, t):
    entry = {
        "name": name,
        "desc": t.desc,
        "size": d.elem_size(t.py, PTR),
        "align": d.alignment(t.py, PTR),
        "flat": d.flatten_type(t.py, MEMORY_OPTS),
    }
    py = d.despecialize(t.py)
    if t.kind in ("record", "tuple"):
        offsets = []
        offset = 0
        for f in py.fields:
            offset = d.align_to(offset, d.alignment(f.t, PTR))
            offsets.append(offset)
            offset += d.elem_size(f.t, PTR)
        entry["offsets"] = offsets
    if t.kind in ("variant", "enum", "option", "result"):
        disc = d.elem_size(d.discriminant_type(py.cases), PTR)
        entry["discriminantSize"] = disc
        entry["payloadOffset"] = d.align_to(disc, d.max_case_alignment(py.cases, PTR))
    return entry


def function_entry(name, params, result):
    ft = d.FuncType([(f"p{i}", t.py) for i, t in enumerate(params)], [] if result is None else [result.py])
    flat_params = d.flatten_types(ft.param_types(), MEMORY_OPTS)
    flat_results = d.flatten_types(ft.result_type(), MEMORY_OPTS)
    entry = {
        "name": name,
        "desc": f"func({', '.join(t.desc for t in params)})" + ("" if result is None else f" -> {result.desc}"),
    }
    for context in ("lift", "lower"):
        core = d.flatten_functype(MEMORY_OPTS, ft, context)
        entry[context] = {
            "params": core.params,
            "results": core.results,
            "paramsSpilled": len(flat_params) > d.MAX_FLAT_PARAMS,
            "resultsSpilled": len(flat_results) > d.MAX_FLAT_RESULTS,
        }
    return entry


# Byte images.

F32_EDGES = [0.0, -0.0, 1.0, -1.5, 0.1, 3.4028234663852886e38, 1.401298464324817e-45, math.inf, -math.inf, math.nan]
F64_EDGES = [0.0, -0.0, 1.0, -2.5, 0.1, 1.7976931348623157e308, 5e-324, math.inf, -math.inf, math.nan]
INT_RANGES = {
    "u8": (0, 2**8 - 1),
    "s8": (-(2**7), 2**7 - 1),
    "u16": (0, 2**16 - 1),
    "s16": (-(2**15), 2**15 - 1),
    "u32": (0, 2**32 - 1),
    "s32": (-(2**31), 2**31 - 1),
    "u64": (0, 2**64 - 1),
    "s64": (-(2**63), 2**63 - 1),
}
CHARS = ["\0", "a", "\u00e9", "\u07ff", "\u0800", "\ud7ff", "\ue000", "\uffff"]
CHARS += ["\U00010000", "\U0001f600", "\U0010ffff"]


def f32_value(bits):
    return struct.unpack("<f", struct.pack("<I", bits))[0]


def random_prim(name):
    if name == "bool":
        return rng.random() < 0.5
    if name in INT_RANGES:
        lo, hi = INT_RANGES[name]
        return rng.choice([lo, hi, 0, rng.randint(lo, hi)])
    if name == "f32":
        while True:
            f = f32_value(rng.getrandbits(32))
            if not math.isnan(f):
                return f
    if name == "f64":
        while True:
            f = struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0]
            if not math.isnan(f):
                return f
    if name == "char":
        return rng.choice(CHARS)
    raise AssertionError(name)


def random_value(t, case=None):
    """A python value of `t` as definitions.py takes it; `case` picks the case of a variant-like type."""
    k = t.kind
    if k == "prim":
        return random_prim(t.name)
    if k == "record":
        return {l: random_value(u) for l, u in zip(t.labels, t.types)}
    if k == "tuple":
        return {str(i): random_value(u) for i, u in enumerate(t.types)}
    if k == "fixed-list":
        return [random_value(t.element) for _ in range(t.length)]
    if k == "flags":
        return {l: rng.random() < 0.5 for l in t.labels}
    if k in ("variant", "enum", "option", "result"):
        i = rng.randrange(len(t.labels)) if case is None else case
        u = t.types[i]
        return {t.labels[i]: None if u is None else random_value(u)}
    raise AssertionError(k)


def prim_json(name, v):
    if name in ("u64", "s64"):
        return str(v)
    if name in ("f32", "f64"):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return v
    return v


def to_json(t, v):
    k = t.kind
    if k == "prim":
        return prim_json(t.name, v)
    if k == "record":
        return {l: to_json(u, v[l]) for l, u in zip(t.labels, t.types)}
    if k == "tuple":
        return [to_json(u, v[str(i)]) for i, u in enumerate(t.types)]
    if k == "fixed-list":
        return [to_json(t.element, x) for x in v]
    if k == "flags":
        return {l: bool(v[l]) for l in t.labels}
    if k in ("variant", "enum", "option", "result"):
        [(label, payload)] = v.items()
        u = t.types[t.labels.index(label)]
        return {label: None if u is None else to_json(u, payload)}
    raise AssertionError(k)


def context(memory):
    return d.LiftLowerContext(d.LiftLowerOptions(memory=d.MemInst(memory, "i32")), None)


def image(name, t, v):
    assert t.pointer_free, t.desc
    size = d.elem_size(t.py, PTR)
    zeroes = bytearray(size)
    ones = bytearray(b"\xff" * size)
    d.store(context(zeroes), v, t.py, 0)
    d.store(context(ones), v, t.py, 0)
    loaded = d.load(context(bytearray(zeroes)), 0, t.py)
    entry = {"type": name, "value": to_json(t, v), "bytes": zeroes.hex()}
    padding = [i for i in range(size) if zeroes[i] != ones[i]]
    if padding:
        entry["padding"] = padding
    entry["loaded"] = to_json(t, loaded)
    return entry


def values_for(t):
    """Edge values of primitives, every case of small variant-likes, a few random values otherwise."""
    if t.kind == "prim":
        n = t.name
        if n == "bool":
            return [False, True]
        if n in INT_RANGES:
            lo, hi = INT_RANGES[n]
            vs = [0, 1, hi, lo] if lo < 0 else [0, 1, hi]
            if lo < 0:
                vs.append(-1)
            return vs + [rng.randint(lo, hi)]
        if n == "f32":
            return F32_EDGES + [random_prim("f32")]
        if n == "f64":
            return F64_EDGES + [random_prim("f64")]
        if n == "char":
            return CHARS
    if t.kind in ("variant", "enum", "option", "result"):
        count = len(t.labels)
        cases = list(range(count)) if count <= 6 else [0, 1, count - 2, count - 1]
        return [random_value(t, c) for c in cases]
    if t.kind == "flags":
        return [{l: False for l in t.labels}, {l: True for l in t.labels}, random_value(t)]
    return [random_value(t) for _ in range(2)]


out = {
    "wit": W.text(),
    "interface": "i",
    "types": [type_entry(name, t) for name, t in W.types],
    "functions": [function_entry(name, params, result) for name, params, result in W.functions],
    "join": [[a, b, d.join(a, b)] for a in ("i32", "i64", "f32", "f64") for b in ("i32", "i64", "f32", "f64")],
    "images": [image(name, t, v) for name, t in images for v in values_for(t)],
}


def dumps(x):
    return json.dumps(x, separators=(",", ":"), allow_nan=False)


# One case a line, so that a change to definitions.py or to the cases shows as a readable diff.
parts = []
for key, x in out.items():
    if isinstance(x, list):
        parts.append(f"{dumps(key)}:[\n" + ",\n".join(dumps(e) for e in x) + "\n]")
    else:
        parts.append(f"{dumps(key)}:{dumps(x)}")
sys.stdout.write("{\n" + ",\n".join(parts) + "\n}\n")
