"""Captions that teach, round 3 (issue 12's aim; the h-cap read of 2026-12-07's films): an
imperative after a noun ("base64 decode a URL-safe string") is said of the concept too, and a
clause every phrase cut stops before its point ("pass_context: marks a callback") is cut at a
word instead. Each test fails on the old behaviour."""

from __future__ import annotations

import pytest

from sorafilm_nb.story.captions import gloss
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
            "Decorate methods on the class indicating that they should be used to validate fields.",
            "decorates methods on the class",
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
