"""Markup in repository prose has one home (sorafilm_nb.markup): the README reader and the
captions take it off with the same patterns, each in its own way."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from sorafilm_nb import markup
from sorafilm_nb.analysis import readme
from sorafilm_nb.story import clauses


def test_the_readme_reader_and_the_captions_share_the_patterns() -> None:
    for name in ("CODE_SPAN", "unwrap_emphasis", "HTML_TAG", "RST_ROLE", "URL"):
        assert getattr(readme, name) is getattr(markup, name)
        assert getattr(clauses, name) is getattr(markup, name)
    assert clauses.MD_LINK is markup.MD_LINK


def test_an_underscore_inside_a_word_is_no_emphasis() -> None:
    # the README reader took "_age_" in max_age_seconds for emphasis: "maxageseconds"
    text = "Set `max_age_seconds` or FLASK_RUN_PORT, _not_ __this__."
    assert readme.strip_markup(text) == "Set max_age_seconds or FLASK_RUN_PORT, not this."
    assert clauses.plain(text) == "Set max_age_seconds or FLASK_RUN_PORT, not this."


def test_each_reader_keeps_its_own_way_of_taking_markup_off() -> None:
    text = "Use :class:`~flask.Response` or [the docs](https://x.org) **now** <b>here</b>"
    assert readme.strip_markup(text) == "Use flask.Response or the docs now here"
    assert clauses.plain(text) == "Use Response or the docs now here"
    # a reference link is a README's; in a docstring, users[0][name] is code
    assert readme.strip_markup("[please donate][1].") == "please donate."
    assert clauses.plain("users[0][name]") == "users[0][name]"
    assert readme.strip_markup("`code` stays", keep_code=True) == "`code` stays"


def test_captions_take_off_a_whole_html_tag_however_long() -> None:
    """story.clauses.plain used ``<[^>]{0,80}>`` until the patterns got one home; markup's
    ``<[^<>]+>`` is kept (checked on the 18 eval packages: of 6,338 docstring summaries and
    README sentences one reads differently, commander's "with <> around the name", now kept
    as written). A tag over 80 characters (an ``<img>`` or ``<a>`` with a long URL, most of
    the 30 README paragraphs that differ) came off only in part: ``<img src="`` stayed."""
    tag = '<a href="https://example.org/' + "x" * 80 + '" class="external-link" target="_blank">'
    assert clauses.plain(f"Built on {tag}Click</a>, a toolkit.") == "Built on Click, a toolkit."
    assert clauses.plain("Mark it with <> around the name.") == "Mark it with <> around the name."
    assert clauses.plain("Holds when a < b, always.") == "Holds when a < b, always."


# Texts at unwrap_emphasis's edges: a "_" run where a stretch would end ("_ab a*xx_b": the
# "_" before "b" closes nothing), closers past the reach or behind a line break, runs of
# each length, closers that touch.
EMPHASIS_EDGES = [
    "_ab a*xx_b",
    "_ab a*x__b",
    "*a *a *a",
    "*a\nb*",
    "x\n*a b*",
    "**a** and ***b*** or __c__ and ___d___",
    "*a**",
    "**a*",
    "a_ _b_ c",
    "max_age_seconds, _not_ __this__",
    "*" + "a" * 299 + "*",
    "*" + "a" * 300 + "*",
    "*" + "a" * 301 + "*",
    "***" + "a" * 300 + "***",
    "_" + "a" * 300 + "_ ",
    "*a " * 200 + "b*",
    "_" * 9 + "a" + "_" * 9,
    "a* /* /* *x* y",  # closers before the first opener
    "a_ b_ _c_ d",
    "/* " * 50 + "*a*",
    "*",
    "",
]


def _emphasis_sub(text: str) -> str:
    """The pattern's own answer, run over the whole text."""
    return markup.EMPHASIS.sub(markup.emphasis_words, text)


def test_unwrap_emphasis_takes_off_what_the_pattern_takes_off() -> None:
    """unwrap_emphasis runs EMPHASIS only near closers: the same answer as the pattern over
    the whole text, on the edge cases and on seeded random text of its characters."""
    import random

    for text in EMPHASIS_EDGES:
        assert markup.unwrap_emphasis(text) == _emphasis_sub(text), text
    rng = random.Random(12)
    units = ["*", "_", "a", " ", "\n", "b", ".", "**", "__", "ab ", "é", "\t", "a_b"]
    for length in (4, 12, 40, 160, 700):
        for _ in range(1500 if length < 160 else 60):
            text = "".join(rng.choice(units) for _ in range(length))
            assert markup.unwrap_emphasis(text) == _emphasis_sub(text), text
    for _ in range(60):  # long stretches of openers with closers far apart
        runs = ["*a ", "_a ", "a ", " ", "a*", "a_", "a__ ", "x_b", "\n"]
        text = "".join(rng.choice(runs) * rng.randint(1, 150) for _ in range(6))
        assert markup.unwrap_emphasis(text) == _emphasis_sub(text), text


def test_unwrap_emphasis_reads_a_paragraph_of_openers_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """300 KB of ``*a`` openers, one closer after them: the pattern is run over the closer's
    reach only (over the whole text, each opener tried against its 300 characters, it took
    0.55 s); without a closer, or with no opener of its character in its reach on its line
    (the next line's), not at all. Counted, not timed: the characters handed to the
    pattern."""
    handed: list[int] = []
    pattern = markup.EMPHASIS

    class Counted:
        def finditer(self, text: str, start: int, end: int) -> Iterator[re.Match[str]]:
            handed.append(min(end, len(text)) - start)
            return pattern.finditer(text, start, end)

    monkeypatch.setattr(markup, "EMPHASIS", Counted())
    text = "*a " * 100_000 + "\nb*"
    assert markup.unwrap_emphasis(text) == text  # emphasis does not run over a line break
    assert handed == []  # the closer's line holds no opener: nothing to read
    handed.clear()
    text = "*a " * 100_000 + "b*"
    closer = len(text) - 1
    opener = text.index("*", closer - 301)  # the first whose words (<= 300) reach the closer
    assert markup.unwrap_emphasis(text) == text[:opener] + text[opener + 1 : closer]
    assert 0 < sum(handed) <= markup._EMPHASIS_REACH + 4
    handed.clear()
    assert markup.unwrap_emphasis("_a " * 100_000) == "_a " * 100_000
    assert markup.unwrap_emphasis("/* " * 100_000) == "/* " * 100_000  # closers, no opener
    assert handed == []
    # a "*" closer every 253 characters among "_" openers that never close: each closer
    # within the reach of the last extended the stretch over all 300 KB (the pattern's cost)
    unit = " _a" * 83 + " b* "
    text = (unit * (300_000 // len(unit)))[:300_000]
    assert markup.unwrap_emphasis(text) == text
    assert handed == []
    # one "*" opener among them: only the reach of the two closers within its own is read
    text = text[:150_000] + "*c" + text[150_000:]
    assert markup.unwrap_emphasis(text) == pattern.sub(markup.emphasis_words, text)
    assert 0 < sum(handed) <= 2 * (markup._EMPHASIS_REACH + 4)


def test_the_prose_patterns_match_as_their_lookbehind_first_forms() -> None:
    """URL, RST_ROLE and emphasis's openers and closers put their lookbehind after their
    first character (URL's ``\\b`` through lazyre.word_start), so the engine looks for that
    character instead of trying every one (5-10 ms a pass over 300 KB, a few passes a
    paragraph): the same matches as the forms they were written in, on seeded random text."""
    import random

    forms = {
        "URL": (markup.URL, r"\b(?:https?://|www\.)\S+"),
        "RST_ROLE": (markup.RST_ROLE, r"(?<![\w:-]):[\w:-]+:`~?([^`<]*)(?:<[^`>]*>)?`"),
        "closer": (markup._EMPHASIS_CLOSER, r"(?<=\S)(?:\*|_{1,3}(?!\w))"),
        "opener": (markup._EMPHASIS_OPENER, r"\*(?=\S)|(?<!\w)_(?=\S)"),
    }
    units = ["http://x.y", "HTTPS://a", "www.b", "xhttp://", "_www.c", "Www.", ":class:`a`"]
    units += ["::", ":a:`b <c>`", "-:x:`y`", "*", "_", "**a**", "__b__", "a_b", " ", "\n"]
    units += ["a", "é", "9", "$", ".", "`", "<", ">", "~", "___", "a__", "*a*"]
    rng = random.Random(21)
    for _ in range(3000):
        text = "".join(rng.choice(units) for _ in range(rng.randint(0, 24)))
        for name, (pattern, form) in forms.items():
            old = re.compile(form, pattern.flags)
            want = [(m.span(), m.groups()) for m in old.finditer(text)]
            assert [(m.span(), m.groups()) for m in pattern.finditer(text)] == want, (name, text)


_NANOID = """# Nano ID

<img src="https://ai.github.io/nanoid/logo.svg" align="right"
     alt="Nano ID logo by Anton Lovchikov" width="180" height="94">

A tiny, secure, URL-friendly, unique string ID generator for JavaScript.
"""


@pytest.mark.parametrize(
    "tag",
    [
        # nanoid's: the tag's last line was read as a paragraph, its title card said
        # ``alt="Nano ID logo by Anton Lovchikov" width="180" height= "94">``
        '<img src="logo.svg" align="right"\n     alt="Nano ID logo by A. L." width="180">',
        # a ">" inside a quoted value closes nothing; the tag goes on to the next line
        '<img alt="a > b is the logo"\n  title=\'x > y\'\n  width="10"\n  height="9">',
        # never closed before the blank line: every line of it is markup still
        '<img src="logo.svg"\n  alt="Nano ID logo by A. L."\n  width="180"',
        '<p align="center"><img src="x.svg"\n   alt="the logo of it all"></p>',
    ],
)
def test_a_tag_over_several_lines_is_markup_never_prose(tag: str) -> None:
    text = _NANOID.replace(_NANOID.split("\n\n")[1], tag)
    blocks = readme._blocks(text)
    assert all("=" not in b for k, b in blocks if k == "para"), blocks
    said = readme.read_readme(text, "nanoid")
    assert said.description == (
        "A tiny, secure, URL-friendly, unique string ID generator for JavaScript."
    )
    assert "width" not in said.prose and "alt=" not in said.prose


def test_prose_after_a_closed_tag_is_prose_again() -> None:
    text = '<img src="x.svg"\n  alt="logo">\n\nNano ID makes short unique ids for you.\n'
    assert ("para", "Nano ID makes short unique ids for you.") in readme._blocks(text)


def test_unclosed_image_tags_cost_what_their_lines_do() -> None:
    """Each ``<img`` without its ">" was read on to the end of the README for its alt text:
    10,000 such lines took 13 s of CPU. Counted in CPU time, far apart: 20,000 lines took
    about 50 s before; now a small fraction of a second."""
    import time

    text = '<img src="logo.svg" alt="Nano ID logo">\n\n' + '<img src="a.svg"\n' * 20_000
    start = time.process_time()
    said = readme.read_readme(text, "nanoid")
    assert time.process_time() - start < 5
    assert "Nano ID logo" in said.titles


def test_unclosed_h1_tags_cost_what_their_lines_do() -> None:
    """Each ``<h1>`` without its ``</h1>`` was read on to the end of the README: 20,000 such
    lines took 10 s of CPU. A closed one after them is still the title."""
    import time

    text = "<h1>x\n" * 20_000 + '\n<h1 align="center">Zod</h1>\n'
    start = time.process_time()
    said = readme.read_readme(text, "zod")
    assert time.process_time() - start < 3  # CPU time; ~0.1 s
    assert "Zod" in said.titles
