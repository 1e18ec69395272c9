"""A caption cut short must still read whole (issue 12, item 6): seen on real packages,
"dataclass: a decorator used", "create_model: dynamically creates", "app.path: return the
app's absolute pathname based" and "URLSafeSerializer.dumps: returns a signed string
serialized" ended on a word that needs what the cut took away."""

from __future__ import annotations

import pytest

from sorafilm_nb.story.captions import gloss, short_clause
from sorafilm_nb.story.gloss import teaching_clauses


@pytest.mark.parametrize(
    ("name", "summary", "want"),
    [
        (  # only its kind before the participle: what it is used to do is the caption
            "dataclass",
            "A decorator used to create a Pydantic-enhanced dataclass, similar to the "
            "standard Python dataclass, but with added validation.",
            "dataclass: creates a Pydantic-enhanced dataclass",
        ),
        (
            "pathname",
            "Return the app's absolute pathname based on the parent(s) that have mounted it.",
            "pathname: returns the app's absolute pathname",
        ),
        (
            "dumps",
            "Returns a signed string serialized with the internal serializer.",
            "dumps: returns a signed string",
        ),
        (  # the adverbs that lead into it go too
            "Highlighter",
            "Highlights the text typically produced from repr methods for the console.",
            "Highlighter: highlights the text typically produced from repr methods",
        ),
        (  # ... and at the limit too
            "HighlighterOfTheVeryLongClassName",
            "Highlights the text typically produced from repr methods.",
            "HighlighterOfTheVeryLongClassName: highlights the text",
        ),
        (  # verbs with their object cut off: an opening adverb gives way instead
            "create_model",
            "Dynamically creates and returns a new Pydantic model, in other words, "
            "create_model dynamically creates a subclass of BaseModel.",
            "create_model: creates and returns a new Pydantic model",
        ),
        (  # "-ing" words that need a continuation: a shorter phrase cut
            "validator",
            "Decorate methods on the class indicating that they should be kept apart from the "
            "other methods.",
            "validator: decorates methods on the class",
        ),
    ],
)
def test_a_cut_caption_never_ends_on_a_word_that_needs_more(
    name: str, summary: str, want: str
) -> None:
    assert gloss(name, summary) == want


def test_verbs_whose_object_was_cut_take_the_next_phrase_boundary() -> None:
    text = "dumps and loads into a URL safe string consisting of letters and digits"
    assert short_clause(text, 41) == "dumps and loads into a URL safe string"


def test_a_whole_sentence_and_a_passive_stay_as_they_are() -> None:
    # not cut: the sentence's own end ("occurred") is whole
    assert short_clause("A Connection error occurred.", 60) == "A Connection error occurred"
    # a passive with its auxiliary is whole too
    assert short_clause("a set of routes to be registered on a real application later", 40) == (
        "a set of routes to be registered"
    )
    # a verb and its plural object is not a verb with no object
    assert short_clause("Returns encodings from given HTTP Header Dict", 32) == "Returns encodings"


def test_a_sentence_that_runs_on_after_a_call_ends_there() -> None:
    summary = "Proxy to the app `Router#route()` Returns a new `Route` instance for the path."
    assert teaching_clauses("route", summary, 60)[0] == "proxy to the app Router#route()"
    # the first sentence only forwards: the run-on second one says what comes back
    assert gloss("route", summary) == "route: returns a new Route instance for the path"
    assert short_clause("Calls `next()` Returns nothing at all", 60) == "Calls next()"


def test_a_cut_never_ends_on_a_verb_whose_object_clause_it_cut() -> None:
    """ "then unsigns them to verify" before "that the value hasn't been changed": the cut
    at "that" took the verb's object; the cut before "to verify" reads whole."""
    doc = "A signer securely signs bytes, then unsigns them to verify that the value is intact."
    assert gloss("Signer", doc) == "Signer: securely signs bytes, then unsigns them"


def test_a_cut_may_fall_before_a_participle_phrase() -> None:
    """ "an issues array | containing detailed information ...": with no other boundary in
    reach the cut fell inside the noun phrase ("containing detailed")."""
    doc = "ZodErrors contain an issues array containing detailed information about problems."
    assert gloss("ZodError", doc) == "ZodError: contains an issues array"
