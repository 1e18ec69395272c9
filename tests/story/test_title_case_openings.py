"""A caption's "Name: clause" lower-cases the clause's first letter, as a sentence inside
another reads, but never a name's capital: cachetools' LRUCache read "least Recently Used
(LRU) cache implementation" and RRCache "random Replacement (RR) cache implementation".
One rule (clauses.lowered_opening) for the captions (gloss) and the title card (promise)."""

from __future__ import annotations

from pathlib import Path

import pytest
from brew_repo import write_brew

from sorafilm_nb.analysis.profile import analyze
from sorafilm_nb.story.card_facts import promise
from sorafilm_nb.story.clauses import lowered_opening
from sorafilm_nb.story.gloss import gloss


@pytest.mark.parametrize(
    ("name", "doc", "caption"),
    [
        (
            "LRUCache",
            "Least Recently Used (LRU) cache implementation.",
            # the short aside goes (text.MID_ASIDE), the capitals it spelled stay
            "LRUCache: Least Recently Used cache implementation",
        ),
        (
            "RRCache",
            "Random Replacement (RR) cache implementation.",
            "RRCache: Random Replacement cache implementation",
        ),
        # a sentence's own capital still goes: one Capitalised word after another is no name
        # unless three of them, or an acronym in brackets spelling them, say so
        ("cached", "Decorator to wrap a function.", "cached: decorator to wrap a function"),
        (
            "TLRUCache",
            "Time aware Least Recently Used.",
            "TLRUCache: time aware Least Recently Used",
        ),
    ],
)
def test_a_gloss_keeps_the_capitals_of_a_name(name: str, doc: str, caption: str) -> None:
    assert gloss(name, doc, kind="class") == caption


def test_the_rule_itself() -> None:
    assert lowered_opening("Python Package Index mirror") == "Python Package Index mirror"
    assert lowered_opening("The Python Package Index mirror") == "the Python Package Index mirror"
    assert lowered_opening("A Simple Table (ST) maker") == "a Simple Table (ST) maker"
    assert lowered_opening("Pretty Print tables") == "pretty Print tables"  # two, no acronym
    assert lowered_opening("Random Replacement", "Random Replacement (RR) cache") == (
        "Random Replacement"
    )
    assert lowered_opening("HTTP for humans") == "HTTP for humans"
    assert lowered_opening("") == "" and lowered_opening(" ") == " "


def test_the_promise_keeps_them_too(tmp_path: Path) -> None:
    root = write_brew(tmp_path / "brew", ["Kettle", "pour"])
    # the cut drops the bracketed acronym: the sentence it was cut from still spells it
    for tagline in ("Least Recently Used tea by the pot.", "Random Replacement (RR) tea."):
        said = promise(analyze(root, use_cache=False, tagline=tagline))
        assert said and said.startswith(tagline.split()[0]), said  # its capital kept
        assert set(said.split()) <= set(tagline.rstrip(".").split()), said
    bare = analyze(root, use_cache=False, tagline="Simple tea by the pot.")
    assert promise(bare) == "simple tea by the pot"
