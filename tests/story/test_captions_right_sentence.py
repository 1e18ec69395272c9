"""Captions take the sentence that says what a concept is or does, whole, where a cut or a
later sentence spoke instead (a new user's films of pluggy 1.7.0 and uuid 14): the cut kept
only the part of a sentence that restates the name, and a later "If ..." sentence won; a cut
left an infinitive without the object a second verb shares; a film whose two markers read
alike said one marker's second sentence where its first, a little longer, told them apart;
an aside in parentheses ended the clause before the noun it was about. Docstrings are
pluggy's and uuid's own."""

from __future__ import annotations

from typing import Any

from story_fixtures import bare_concept

from sorafilm_nb.analysis.concepts import Concept
from sorafilm_nb.story.captions import distinct_captions, gloss
from sorafilm_nb.story.clauses import short_clause
from sorafilm_nb.story.fallback_gloss import caption_choices


def concept(name: str, kind: str = "class", **kw: Any) -> Concept:
    return bare_concept(name, kind, **kw)


def test_a_cut_that_only_restates_the_name_goes_on_to_what_it_teaches() -> None:
    """ "Register a plugin" restates PluginManager.register; the cut at "and" dropped "and
    return its name", and the film said "if the plugin is already registered" instead."""
    said = gloss(
        "PluginManager.register",
        "Register a plugin and return its name. If the plugin is already registered, "
        "raises a :exc:`ValueError`.",
        kind="function",
    )
    assert said == "PluginManager.register: registers a plugin and returns its name"


def test_an_infinitive_cut_before_a_second_verb_is_said_with_their_object() -> None:
    """ "an object used to inspect | and set the result in a hook wrapper": what it inspects
    is the object both verbs share; a Sphinx :ref: role reads as its text."""
    said = gloss(
        "Result",
        "An object used to inspect and set the result in a :ref:`hook wrapper <hookwrappers>`.",
        kind="class",
    )
    assert said == "Result: an object used to inspect and set the result in a hook wrapper"


SPEC = (
    "Decorator for marking functions as hook specifications.\n\n"
    "Instantiate it with a project_name to get a decorator."
)
IMPL = (
    "Decorator for marking functions as hook implementations.\n\n"
    "Instantiate it with a ``project_name`` to get a decorator."
)


def test_two_alike_captions_say_their_first_sentence_longer_before_a_later_one() -> None:
    """HookspecMarker and HookimplMarker: "decorator for marking functions" cut short reads
    alike; the film said "instantiate it with a project_name" of one of them, where the first
    sentence whole ("... as hook specifications") says what it is and tells the two apart."""
    shots = [
        [concept("HookspecMarker", summary=SPEC.replace("\n\n", " "))],
        [concept("HookimplMarker", summary=IMPL.replace("\n\n", " "))],
    ]
    choices = [caption_choices(s[0].name, s) for s in shots]
    spec = choices[0]
    longer = "HookspecMarker: decorator for marking functions as hook specifications"
    second = "HookspecMarker: instantiate it with a project_name"
    assert longer in spec and spec.index(longer) < spec.index(second), spec
    captions = distinct_captions(choices, [[c.name for c in s] for s in shots])
    assert second not in captions and len(set(captions)) == 2, captions
    assert "HookimplMarker: decorator for marking functions as hook implementations" in captions


def test_an_aside_inside_a_phrase_keeps_the_noun_after_it() -> None:
    """uuid's "Generate a version 4 (random) UUID" was cut at " (" ("generates a version 4"),
    and its tagline "For the creation of RFC9562 (formerly RFC4122) UUIDs" read "for the
    creation of RFC9562": an "of X" without its head noun."""
    assert short_clause("Generate a version 4 (random) UUID", 40) == "Generate a version 4 UUID"
    assert (
        short_clause("For the creation of RFC9562 (formerly RFC4122) UUIDs", 80)
        == "For the creation of RFC9562 UUIDs"
    )
    assert gloss("v4", "Generate a version 4 (random) UUID", kind="function") == (
        "v4: generates a version 4 UUID"
    )
    # an aside at the clause's end still ends it; one after an article goes as before
    assert short_clause("Return the thing (see below).", 40) == "Return the thing"
    assert short_clause("Encapsulates a (future or past) attempted call", 60) == (
        "Encapsulates an attempted call"
    )
