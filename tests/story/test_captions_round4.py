"""Captions that teach, round 4 (issue 12's aim; the h-cap read of session 12's films).
Each test fails on the old behaviour."""

from __future__ import annotations

from sorafilm_nb.story.captions import gloss


def test_what_the_class_is_for_after_to_is_said_of_it() -> None:
    """ "its own AxiosHeaders class to manipulate headers": the verb after "to" is the
    class's, though its object shares the name's words and no determiner follows it."""
    said = gloss(
        "AxiosHeaders",
        "Axios has its own AxiosHeaders class to manipulate headers using a Map-like API.",
        kind="class",
    )
    assert said == "AxiosHeaders: manipulates headers using a Map-like API"


def test_an_opening_imperative_on_the_concept_stays_the_readers() -> None:
    """ "Use Session to keep cookies": the reader uses it; Session keeps nothing of itself."""
    said = gloss("Session", "Use Session to keep cookies across requests.", kind="class")
    assert said == "Session: use Session to keep cookies across requests"
