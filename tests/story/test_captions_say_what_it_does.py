"""A caption says what the concept DOES (issue 12's aim, films worth posting; the h-cap
read of main 566af80's films: 56 of 144 concept captions said little). Each test here fails
on the old behaviour: a predicate read word by word ("isCancel: tells whether something is
cancel"), a switch captioned by its parameter ("strictCommands: takes enabled"), ..."""

from __future__ import annotations

from typing import Any

import pytest
from story_fixtures import bare_concept

from sorafilm_nb.analysis.concepts import Concept
from sorafilm_nb.story.captions import gloss
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
    assert role_gloss(concept("enable", params=("flag",))) == ""


@pytest.mark.parametrize(
    ("name", "summary", "want"),
    [
        (  # only its kind was left before "that": what follows says what it does
            "define",
            "A class decorator that adds :term:`dunder methods` according to :term:`fields "
            "<field>` specified using :doc:`type annotations <types>`, `field()` calls, or "
            "the *these* argument.",
            "define: adds dunder methods according to fields",
        ),
        (
            "dataclass",
            "A decorator used to create a Pydantic-enhanced dataclass, similar to the "
            "standard Python `dataclass`, but with added validation.",
            "dataclass: creates a Pydantic-enhanced dataclass",
        ),
        (  # the name with its project's name says nothing: the next sentence does
            "Session",
            "A Requests session. Provides cookie persistence, connection-pooling, and "
            "configuration.",
            "Session: provides cookie persistence, connection-pooling",
        ),
        (  # "base class for" is what it is: "all authentication schemes" was false
            "Auth",
            "Base class for all authentication schemes. To implement a custom "
            "authentication scheme, subclass `Auth` and override the `.auth_flow()` method.",
            "Auth: base class for all authentication schemes",
        ),
        (  # a kind with what sets it apart stays
            "Table",
            "A console renderable to draw a table.",
            "Table: a console renderable to draw a table",
        ),
        ("Undefined", "The default undefined type.", "Undefined: the default undefined type"),
    ],
)
def test_a_docstring_clause_says_what_it_does_not_only_its_kind(
    name: str, summary: str, want: str
) -> None:
    assert gloss(name, summary) == want


def test_a_clause_that_only_forwards_speaks_after_one_that_says_what_it_does() -> None:
    """express's app.route: "Proxy to the app Router#route()" says only where the call goes;
    the next sentence says what the caller gets. A forward with a purpose of its own ("to
    add middleware") is a caption, and one with nothing after it is kept."""
    route = "Proxy to the app `Router#route()` Returns a new `Route` instance for the _path_."
    assert gloss("app.route", route) == "app.route: returns a new Route instance for the path"
    use = "Proxy `Router#use()` to add middleware to the app router. See Router#use() docs."
    assert gloss("app.use", use) == "app.use: proxy Router#use() to add middleware"
    assert gloss("app.x", "Proxy to `Router#x()`.") == "app.x: proxy to Router#x()"


def test_the_plural_name_as_subject_is_restated_and_a_cut_may_fall_at_the_limit() -> None:
    """ "Commands are the basic building block of ..." names the concept again; and the
    phrase boundary right at the limit ("... interfaces| in Click") is one a cut may take
    (it was cut at "block", before what the block builds)."""
    doc = "Commands are the basic building block of command line interfaces in Click."
    assert gloss("Command", doc) == "Command: the basic building block of command line interfaces"


@pytest.mark.parametrize(
    ("name", "summary", "want"),
    [
        (  # the plural name as the subject: its verb said of one
            "TypeAdapter",
            "Type adapters provide a flexible way to perform validation and serialization "
            "based on a Python type.",
            "TypeAdapter: provides a flexible way to perform validation",
        ),
        ("Hook", "Hooks can be registered on the app.", "Hook: can be registered on the app"),
        (  # an irregular verb ("haves" was said) and an adverb before the verb ("alsoes")
            "Session",
            "Sessions have a cookie jar and a connection pool.",
            "Session: has a cookie jar and a connection pool",
        ),
        ("Session", "Sessions also keep cookies.", "Session: also keeps cookies"),
        (  # a participle after the name called by its kind: said of it
            "PreparedRequest",
            "The fully mutable :class:`PreparedRequest <PreparedRequest>` object, containing "
            "the exact bytes that will be sent to the server.",
            "PreparedRequest: contains the exact bytes sent to the server",
        ),
    ],
)
def test_what_the_docstring_says_of_the_name_is_said_of_it(
    name: str, summary: str, want: str
) -> None:
    assert gloss(name, summary) == want
