"""Markup in repository prose has one home (sorafilm_nb.markup): the README reader and the
captions take it off with the same patterns, each in its own way."""

from __future__ import annotations

from sorafilm_nb import markup
from sorafilm_nb.analysis import readme
from sorafilm_nb.story import clauses


def test_the_readme_reader_and_the_captions_share_the_patterns() -> None:
    for name in ("CODE_SPAN", "EMPHASIS", "HTML_TAG", "RST_ROLE", "URL"):
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
