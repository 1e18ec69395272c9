"""Captions that teach, round 3 (issue 12's aim; the h-cap read of 2026-12-07's films): an
imperative after a noun ("base64 decode a URL-safe string") is said of the concept too, and a
clause every phrase cut stops before its point ("pass_context: marks a callback") is cut at a
word instead. Each test fails on the old behaviour."""

from __future__ import annotations

from dataclasses import replace

import pytest
from story_fixtures import bare_concept

from sorafilm_nb.story.captions import GLOSS_LIMIT, gloss
from sorafilm_nb.story.fallback_gloss import fallback_gloss
from sorafilm_nb.story.gloss_members import members_do
from sorafilm_nb.story.gloss_words import imperative_to_statement


@pytest.mark.parametrize(
    ("name", "summary", "want"),
    [
        (
            "base64_decode",
            "Base64 decode a URL-safe string of bytes or text. The result is bytes.",
            "base64-decodes a URL-safe string of bytes",
        ),
        (
            "base64_encode",
            "Base64 encode a string of bytes or text.",
            "base64-encodes a string of bytes or text",
        ),
        ("url_quote", "URL quote the given path segment.", "URL-quotes the given path segment"),
    ],
)
def test_the_name_as_a_noun_before_its_imperative_is_said_of_it(
    name: str, summary: str, want: str
) -> None:
    """The verb after the name's own noun is an order to the viewer too."""
    assert gloss(name, summary, kind="function") == f"{name}: {want}"


def test_a_compound_verb_needs_the_names_own_words_in_order() -> None:
    # another noun before a verb is no compound of this name; "decode base64 ..." opens
    # with its verb already
    assert imperative_to_statement("base64 decode a string", "url_decode") == (
        "base64 decode a string"
    )
    assert imperative_to_statement("decode a base64 string", "base64_decode") == (
        "decodes a base64 string"
    )
    # the name's words with no object after them: nothing says the second is a verb
    assert imperative_to_statement("base64 decode", "base64_decode") == "base64 decode"


def test_a_clause_cut_before_its_point_is_cut_at_a_word() -> None:
    """click's pass_context: every phrase cut stopped at "marks a callback" (before "as
    wanting ...", which is what it marks it for)."""
    said = gloss(
        "pass_context",
        "Marks a callback as wanting to receive the current context object as first argument.",
    )
    assert said == "pass_context: marks a callback as wanting to receive the current context"


@pytest.mark.parametrize(
    ("name", "summary", "want"),
    [
        # the word cut would end on a modal: "... indicating that they should"
        (
            "field_validator",
            "Decorate methods on the class indicating that they should be kept apart from the "
            "other methods.",
            "decorates methods on the class",
        ),
        # what they should be used for is said whole (gloss_cuts.point_after, round 4)
        (
            "field_validator",
            "Decorate methods on the class indicating that they should be used to validate fields.",
            "decorates methods on the class to validate fields",
        ),
        # whole already: nothing was cut
        ("Factory", "Stores a factory callable.", "stores a factory callable"),
    ],
)
def test_a_word_cut_never_ends_on_what_wants_more(name: str, summary: str, want: str) -> None:
    assert gloss(name, summary) == f"{name}: {want}"


@pytest.mark.parametrize(
    ("sentence", "want"),
    [
        (
            "Throw an HTTPError when, after following redirects, the response has a non-2xx "
            "status code.",
            "thrown when the response has a non-2xx status code",
        ),
        (
            "Calling parse will raise a HTTPError if the data is not valid.",
            "raised if the data is not valid",
        ),
    ],
)
def test_a_sentence_that_throws_the_error_says_when_it_is_thrown(sentence: str, want: str) -> None:
    """A README sentence that throws it (analysis.readme_names.thrown_sentence) is said of
    the error, its condition whole (it ran 2 characters past the lower third)."""
    assert gloss("HTTPError", sentence, kind="exception") == f"HTTPError: {want}"


# -- what a mute container's members say they do (story.gloss_members) --------------------

COMMAND_DOCS = (
    "copyInheritedSettings: Copy settings that are useful to have in common.",
    "command: Define a command.",
    "argument: Define argument syntax for command.",  # it defines a syntax: not said
    "hook: Add hook for life cycle event.",
    "option: Define option with `flags`, `description`.",
    "addOption: Add an option.",
)
REQUEST_DOCS = (
    "get header: Return request header.",
    "set header: Set request header.",
    "get headers: Return request header, alias as request.header",
    "set headers: Set request header, alias as request.header",
    "get url: Get request URL.",
    "set url: Set request URL.",
    "get origin: Get origin of URL.",  # no setter: not said
    "get method: Get request method.",
    "set method: Set request method.",
)


def test_a_class_with_no_prose_says_what_its_methods_do() -> None:
    """commander's Command: "built from a name" (its constructor's parameter) said nothing
    of what a Command is for; two of its methods' comments define what they are named."""
    c = bare_concept("Command", "class", params=("name",), member_docs=COMMAND_DOCS)
    assert fallback_gloss("Command", (c,)) == "Command: defines commands and options"


def test_a_module_of_accessors_says_what_it_gets_and_sets() -> None:
    """koa's request: its README sentence only says it has helpful methods."""
    c = bare_concept(
        "request",
        "module",
        readme_sentence="Koa's Request object provides helpful methods for working with http "
        "requests.",
        member_docs=REQUEST_DOCS,
    )
    assert fallback_gloss("request", (c,)) == "request: gets and sets the header, URL and method"


@pytest.mark.parametrize(
    "docs",
    [
        # one member is that member's caption, not the class's
        ("command: Define a command.", "option: Parse an option."),
        # "Define argument syntax", "Set environment variable": the name is not the object
        ("argument: Define argument syntax.", "env: Set environment variable to check."),
        # a getter alone ("Get origin of URL.") says what one accessor does
        ("get origin: Get origin of URL.", "get href: Get full request URL."),
    ],
)
def test_members_say_nothing_unless_two_share_what_they_do(docs: tuple[str, ...]) -> None:
    c = bare_concept("Command", "class", member_docs=docs)
    assert members_do(c, GLOSS_LIMIT) == ""


def test_a_readme_sentence_that_names_what_the_members_do_stays() -> None:
    # only a sentence that says it "provides methods" and names none gives way
    c = bare_concept(
        "request",
        "module",
        readme_sentence="Koa's Request object parses the incoming headers and the URL.",
        member_docs=REQUEST_DOCS,
    )
    assert fallback_gloss("request", (c,)) == "request: parses the incoming headers and the URL"


def test_a_bland_docstring_gives_way_to_what_the_members_do() -> None:
    c = bare_concept("request", "module", summary="Provides useful methods.")
    c = replace(c, member_docs=REQUEST_DOCS)
    said = gloss("request", c.summary, kind="module")
    assert fallback_gloss("request", (c,), said) == (
        "request: gets and sets the header, URL and method"
    )


# -- a clause that only calls the name by its kind; a list cut before its end ---------------


def test_the_default_kind_of_the_name_gives_way_to_what_it_does() -> None:
    """jinja2's Undefined: "the default undefined type" is its name called by its kind; the
    next sentence says what it does, its "This" dropped as "It" is, its list whole."""
    said = gloss(
        "Undefined",
        "The default undefined type. This can be printed, iterated, and treated as a boolean.",
    )
    assert said == "Undefined: can be printed, iterated, and treated as a boolean"


@pytest.mark.parametrize(
    ("name", "summary", "want"),
    [
        # more than which one of its kind: it says what it is for
        ("Auth", "Base class for all authentication schemes.", "base class for all"),
        ("Field", "Base field from which other fields inherit.", "base field from which"),
        # a list whose end does not fit stays cut where it was
        (
            "Session",
            "A Requests session. Provides cookie persistence, connection-pooling, and "
            "configuration.",
            "provides cookie persistence, connection-pooling",
        ),
    ],
)
def test_what_else_a_kind_or_a_list_says_stays(name: str, summary: str, want: str) -> None:
    assert gloss(name, summary).startswith(f"{name}: {want}")
