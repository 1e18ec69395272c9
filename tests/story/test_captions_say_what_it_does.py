"""A caption says what the concept DOES (issue 12's aim, films worth posting; the h-cap
read of main 566af80's films: 56 of 144 concept captions said little). Each test here fails
on the old behaviour: a predicate read word by word ("isCancel: tells whether something is
cancel"), a switch captioned by its parameter ("strictCommands: takes enabled"), ..."""

from __future__ import annotations

from typing import Any

import pytest
from story_fixtures import bare_concept

from sorafilm_nb.analysis.concepts import Concept
from sorafilm_nb.story.fallback_gloss import fallback_gloss, role_gloss


def concept(name: str, kind: str = "function", **kw: Any) -> Concept:
    return bare_concept(name, kind, **kw)


@pytest.mark.parametrize(
    ("name", "params", "want"),
    [
        ("isCancel", ("value",), "tells whether a value is a cancel"),
        ("isAxiosError", ("payload",), "tells whether a payload is an axios error"),
        ("isValid", ("data",), "tells whether data is valid"),
        ("isAbsolute", ("path",), "tells whether a path is absolute"),
        ("isDirectory", (), "tells whether something is a directory"),
        ("hasHeader", ("header",), "tells whether something has a header"),
        ("canParse", ("input",), "tells whether it can parse"),
    ],
)
def test_a_predicate_says_what_it_tests_in_english(
    name: str, params: tuple[str, ...], want: str
) -> None:
    """Its first parameter is what it asks about (unless the parameter is what is asked
    for); the rest of its name is an adjective or a noun with its article."""
    assert role_gloss(concept(name, params=params)) == want


def test_a_switch_says_what_it_turns_on_or_off() -> None:
    """ "strictCommands(enabled)": a parameter read as a noun ("takes enabled") says
    nothing; one flag parameter makes the function a switch of what its name says."""
    c = concept("YargsInstance.strictCommands", params=("enabled",))
    assert fallback_gloss(c.name, [c]) == (
        "YargsInstance.strictCommands: turns strict commands on/off"
    )
    assert role_gloss(concept("setStrict", params=("enabled",))) == "turns strict on or off"
    c = concept("strictCommands", params=("enabled",))
    assert fallback_gloss(c.name, [c]) == "strictCommands: turns strict commands on or off"
    assert role_gloss(concept("strictCommands", params=("enabled", "scope"))) == ""
    assert role_gloss(concept("Strict", "class", params=("enabled",))) == ""
