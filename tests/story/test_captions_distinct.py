"""No two captions of a film read alike (issue 12, captions round 3): koa's request and
response both said "provides helpful methods"; httpx's three classes all opened "built from
a". captions.distinct_captions picks among fallback_gloss.caption_choices."""

from __future__ import annotations

from typing import Any

from story_fixtures import bare_concept

from sorafilm_nb.analysis.concepts import Concept
from sorafilm_nb.story.captions import distinct_captions, gloss, said_of
from sorafilm_nb.story.fallback_gloss import caption_choices, fallback_gloss


def concept(name: str, kind: str = "module", **kw: Any) -> Concept:
    return bare_concept(name, kind, **kw)


# koa's README sentences with "many" added: the short cut keeps four words, so it is the
# film's captions that must tell them apart (three, "provides helpful methods", now run on to
# their point by themselves: gloss.CUT_EXTRA)
KOA = {
    "request": "Koa's Request object provides many helpful methods for working with http "
    "requests which delegate to an IncomingMessage from the node http module.",
    "response": "Koa's Response object provides many helpful methods for working with http "
    "responses which delegate to a ServerResponse .",
}


def test_said_of_masks_the_concepts_own_names() -> None:
    a = said_of("ZodString: the ZodType string() returns", ["ZodString"])
    b = said_of("ZodBigInt: the ZodType bigint() returns", ["ZodBigInt"])
    assert a == b == ("the", "zodtype", "~", "returns")
    assert said_of("ky.extend: create a new ky instance", ["ky.extend"]) == (
        "create",
        "a",
        "new",
        "~",
        "instance",
    )


def test_two_captions_that_say_the_same_both_say_more() -> None:
    concepts = [concept(n, readme_sentence=s) for n, s in KOA.items()]
    choices = [caption_choices(c.name, [c]) for c in concepts]
    assert [cs[0] for cs in choices] == [fallback_gloss(c.name, [c]) for c in concepts]
    assert choices[0][0] == "request: provides many helpful methods"
    chosen = distinct_captions(choices, [[c.name] for c in concepts])
    assert chosen == [
        "request: provides many helpful methods for working with http requests",
        "response: provides many helpful methods for working with http responses",
    ]


def test_a_caption_with_nothing_else_true_to_say_keeps_its_first_choice() -> None:
    choices = [["a: the T a() returns"], ["b: the T b() returns"], ["c: sends a request"]]
    assert distinct_captions(choices, [["a"], ["b"], ["c"]]) == [cs[0] for cs in choices]


def test_the_third_caption_of_one_opening_moves_to_another() -> None:
    choices = [
        ["Request: built from a method and a URL"],
        ["Response: built from a status code"],
        ["MockTransport: built from a handler", "MockTransport: an AsyncBaseTransport"],
        ["Client: built from a pool", "Client: an HTTP client"],
    ]
    names = [[c[0].split(":")[0]] for c in choices]
    assert distinct_captions(choices, names) == [
        "Request: built from a method and a URL",
        "Response: built from a status code",
        "MockTransport: an AsyncBaseTransport",
        "Client: an HTTP client",
    ]


def test_the_kind_and_owner_is_never_an_alternative() -> None:
    c = concept("ky.text", kind="function", file="distribution/index.js")
    assert caption_choices(c.name, [c]) == ["ky.text: a method of ky"]  # the only one: kept


def test_an_undocumented_class_may_say_its_base_or_its_maker() -> None:
    c = concept("MockTransport", kind="class", bases=("AsyncBaseTransport",), params=("handler",))
    assert caption_choices(c.name, [c]) == [
        "MockTransport: built from a handler",
        "MockTransport: an AsyncBaseTransport",
    ]
    z = concept("ZodString", kind="class", bases=("ZodType",), made_by="string")
    said = gloss(z.name, z.summary, kind=z.kind, bases=z.bases)  # as boards gives it
    # what makes it says its base too: "a ZodType" alone would say less
    assert caption_choices(z.name, [z], said) == ["ZodString: the ZodType string() returns"]


def test_schema_classes_made_alike_say_what_each_offers() -> None:
    members = {"ZodString": ("email()", "url()"), "ZodNumber": ("int()", "finite()")}
    zods = [
        concept(n, kind="class", bases=("ZodType",), made_by=n[3:].lower(), members=m)
        for n, m in members.items()
    ]
    choices = [
        caption_choices(z.name, [z], gloss(z.name, "", kind=z.kind, bases=z.bases)) for z in zods
    ]
    assert [cs[0] for cs in choices] == [
        "ZodString: the ZodType string() returns",
        "ZodNumber: the ZodType number() returns",
    ]
    assert distinct_captions(choices, [[z.name] for z in zods]) == [
        "ZodString: has email() and url()",
        "ZodNumber: has int() and finite()",
    ]


def test_a_first_clause_that_only_names_it_gives_way_to_what_follows_where() -> None:
    said = (
        "An undefined that is chainable, where both ``__getattr__`` and ``__getitem__`` "
        "return itself rather than raising an :exc:`UndefinedError`."
    )
    assert gloss("ChainableUndefined", said) == (
        "ChainableUndefined: both getattr and getitem return itself"
    )


def test_a_family_keeps_its_one_caption() -> None:
    fields = [
        concept(n, kind="class", summary=f"An {n.lower()} field.") for n in ("Integer", "Url")
    ]
    said = "Integer, Url: an field"  # the family's docstring gloss, its name taken out
    first = fallback_gloss("Integer, Url", fields, said)
    assert caption_choices("Integer, Url", fields, said) == [first]
    assert first == "Integer, Url: two kinds of field"
