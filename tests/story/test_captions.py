"""Captions: the contract between story, render and the faces, and the WebVTT track."""

from __future__ import annotations

import pytest

from sorafilm_nb.story.captions import Caption, reading_seconds, to_webvtt, vtt_time


def test_webvtt_is_ordered_timed_and_one_line_per_cue() -> None:
    track = to_webvtt(
        [
            Caption(5.0, 8.5, "Blueprint: routes you\nregister on an app later", shot_id="s2"),
            Caption(0.0, 3.0, "Flask", kind="title"),
        ]
    )
    assert track.splitlines() == [
        "WEBVTT",
        "",
        "1",
        "00:00:00.000 --> 00:00:03.000",
        "Flask",
        "",
        "2",
        "00:00:05.000 --> 00:00:08.500",
        "Blueprint: routes you register on an app later",
    ]
    assert track.endswith("\n")


def test_hostile_text_cannot_open_a_tag_or_end_a_cue() -> None:
    track = to_webvtt([Caption(1, 2, "<script>x</script> --> 00:00:09.000 &amp;")])
    cue = track.splitlines()[4]
    assert "<" not in cue and ">" not in cue.replace("&gt;", "")
    assert cue.count("-->") == 0 and "&amp;amp;" in cue
    assert len(track.splitlines()) == 5  # the text stayed one line


def test_bad_captions_are_refused_and_reading_time_grows_with_words() -> None:
    with pytest.raises(ValueError, match="start < end"):
        Caption(3, 3, "x")
    with pytest.raises(ValueError, match="some text"):
        Caption(0, 1, " \n ")
    assert vtt_time(3725.5) == "01:02:05.500"
    assert reading_seconds("one") == 1.5
    assert reading_seconds("a b c d e f g h i j k l") == 4.0


# -- glosses: a concept shot's lower third, from its docstring ------------------------------

from sorafilm_nb.story.captions import (  # noqa: E402
    GLOSS_LIMIT,
    card_seconds,
    film_captions,
    gloss,
    plain,
    short_clause,
)


@pytest.mark.parametrize(
    ("name", "summary", "want"),
    [
        (
            "Blueprint",
            "Represents a blueprint, a collection of routes and other app-related functions "
            "that can be registered on a real application later.",
            "Blueprint: a collection of routes",
        ),
        (
            "Kettle",
            "Boils water for one pot of tea, whatever the stove.",
            "Kettle: boils water for one pot of tea",
        ),
        (
            "NoAppException",
            "Raised if an application cannot be found or loaded.",
            "NoAppException: raised if an application cannot be found",
        ),
        (
            "Response",
            "The :class:`Response <Response>` object, which contains a server's response to an "
            "HTTP request.",
            "Response: contains a server's response to an HTTP request",
        ),
        (
            "ClickException",
            "An exception that Click can handle.",
            "ClickException: Click can handle",
        ),
        (
            "Context",
            "The context is a special internal object.",
            "Context: a special internal object",
        ),
        ("ZodObject", "", "ZodObject: a ZodType"),  # no docstring: what it is built on
        ("BaseModel", "Usage docs: https://docs.pydantic.dev/2.10/concepts/models/", "BaseModel"),
        ("URL", 'url = httpx.URL("https://example.com")', "URL"),
        ("InvalidArgumentError", "InvalidArgumentError class", "InvalidArgumentError"),
    ],
)
def test_a_gloss_is_the_name_and_the_docstrings_first_clause(
    name: str, summary: str, want: str
) -> None:
    bases = ("ZodType",) if name == "ZodObject" else ()
    assert gloss(name, summary, bases=bases) == want


@pytest.mark.parametrize(
    "summary",
    [
        "Decorate a view function to register it with the given URL rule and options.",
        "It encodes a string by replacing all characters that are not in the unreserved set "
        "with their percent-encoded equivalents, for use in a URL.",
        "Raised from request.files during debugging when the form has no enctype.",
        "A **very** long `summary` with [a link](https://x.y) and <b>tags</b> that goes on "
        "and on about the many, many things it does for the whole of the application.",
    ],
)
def test_a_gloss_is_short_plain_and_ends_on_a_whole_word(summary: str) -> None:
    text = gloss("Thing", summary)
    assert len(text) <= GLOSS_LIMIT and text.startswith("Thing: ")
    assert not any(ch in text for ch in "`*<>[]()")
    last = text.rsplit(" ", 1)[-1].lower()
    assert last not in {"a", "an", "the", "of", "to", "and", "or", "with", "during", "in"}
    words = set(plain(summary).lower().replace(",", " ").split())
    # the summary's own words; an imperative verb is said in the third person ("decorates")
    said = [w.strip(".,") for w in text[len("Thing: ") :].lower().split()]
    assert all(w in words or w[:-1] in words or w[:-2] in words for w in said)


def test_short_clause_cuts_at_a_phrase_not_mid_phrase() -> None:
    text = "a Python package for creating beautiful command line interfaces in a composable way"
    assert short_clause(text, 70) == (
        "a Python package for creating beautiful command line interfaces"
    )
    assert short_clause("one two three", 100) == "one two three"


def test_the_film_captions_put_cards_on_the_timeline_without_video_seconds() -> None:
    from types import SimpleNamespace as S

    shots = [
        S(id="shot-01", seconds=8, card="Tiny", caption="Kettle: boils water"),
        S(id="shot-02", seconds=4, card=None, caption=None),
        S(id="shot-03", seconds=12, card="Python · import tiny", caption="Cup: holds tea"),
    ]
    caps = film_captions(shots, "Tiny: a small library for brewing tea")
    assert [(c.kind, c.start, c.end) for c in caps] == [
        ("title", 0.0, 3.0),
        ("lower-third", 3.0, 11.0),
        ("card", 15.0, 18.0),
        ("lower-third", 18.0, 30.0),
        ("card", 30.0, 30.0 + card_seconds("Tiny: a small library for brewing tea")),
    ]
    assert caps[1].shot_id == "shot-01" and caps[-1].shot_id is None
    video = sum(s.seconds for s in shots)
    stills = sum(c.seconds for c in caps if c.kind != "lower-third")
    assert caps[-1].end == video + stills  # the cards add screen time, not video seconds
    assert card_seconds("a b c d e f g h i j k l m n o p q r") > 3.0  # long cards hold longer


def test_a_long_card_holds_at_least_as_long_as_it_takes_to_read() -> None:
    """A card is held to the next half second of its reading time, never the nearest: an
    11-word card (3.7 s to read) was held 3.5 s, too short by lint's own measure."""
    for n in range(1, 60):
        text = " ".join(["word"] * n)
        held = card_seconds(text)
        assert held >= reading_seconds(text) and held * 2 == int(held * 2), n
        assert held < max(3.0, reading_seconds(text)) + 0.5, n
    assert card_seconds(" ".join(["word"] * 11)) == 4.0


@pytest.mark.parametrize(
    ("name", "summary", "want"),
    [
        # the noun phrase stays when what follows it has no subject of its own
        (
            "Response",
            "The response object that is used by default in Flask.",
            "Response: the response object used by default in Flask",
        ),
        (
            "Request",
            "The request object used by default in Flask.",
            "Request: the request object used by default in Flask",
        ),
        # "A CancelToken is an object that ..." loses both openings, not only the first
        (
            "CancelToken",
            "A `CancelToken` is an object that can be used to request cancellation of an "
            "operation.",
            "CancelToken: can be used to request cancellation",
        ),
        (
            "TemplateSyntaxError",
            "Raised to tell the user that there is a problem with the template.",
            "TemplateSyntaxError: raised when there is a problem",
        ),
    ],
)
def test_a_gloss_says_what_the_docstring_says_not_a_fragment(
    name: str, summary: str, want: str
) -> None:
    """Seen on real packages: "Response: used by default in Flask", "CancelToken: an object
    that can be used", "TemplateSyntaxError: raised to tell the user" taught nothing."""
    from sorafilm_nb.story.captions import gloss

    assert gloss(name, summary) == want
