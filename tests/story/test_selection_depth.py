"""When no concept fits a gag, the cast still follows the scores (selection.pick_groups).

dayjs' heist film passed over its Dayjs class (5.62), months (2.75) and dayjs.unix (1.38) for
weak fits, looked SEARCH_DEPTH places down for better ones, then gave the places to the
locale modules it came to next (0.50 each, fitting no better): five shots of locales.
"""

from __future__ import annotations

from sorafilm_nb.analysis.profile import Concept, RepoProfile
from sorafilm_nb.story.selection import SEARCH_DEPTH, pick_concepts


def _profile(concepts: list[Concept]) -> RepoProfile:
    return RepoProfile(
        root="/x",
        name="dayjs",
        title="dayjs",
        description="",
        concepts=tuple(concepts),
        files_scanned=len(concepts),
    )


def test_past_the_search_depth_the_passed_over_concepts_come_first() -> None:
    top = 3
    strong = [
        Concept(name=n, kind="class", file=f"{n}.js", line=1, summary="", score=s)
        for n, s in (("Dayjs", 5.6), ("months", 2.7), ("unix", 1.4))
    ]
    filler = [
        Concept(
            name=f"locale.{n}", kind="module", file=f"locale/{n}.js", line=1, summary="", score=0.5
        )
        for n in ("af", "am", "ar", "az", "be", "bg", "bi", "bm", "bn", "bo")
    ]
    assert len(strong) + len(filler) > top * SEARCH_DEPTH  # the search runs out
    picked = pick_concepts(_profile(strong + filler), top, fits=lambda c: False)
    assert [c.name for c in picked] == ["Dayjs", "months", "unix"]


def test_a_concept_that_fits_still_takes_a_weak_ones_place_within_the_depth() -> None:
    concepts = [
        Concept(name=n, kind="class", file=f"{n}.js", line=1, summary="", score=s)
        for n, s in (("Weak", 5.0), ("Fits", 4.0), ("Other", 3.0))
    ]
    picked = pick_concepts(_profile(concepts), 1, fits=lambda c: c.name == "Fits")
    assert [c.name for c in picked] == ["Fits"]


def test_a_better_fit_is_never_looked_for_among_the_packages_insides() -> None:
    """dayjs' parseDate (-1.39: the analysis' penalty for a function the entry does not hand
    out) fit a gag and took the place of its Dayjs class (5.62), which fit none."""
    concepts = [
        Concept(name="Dayjs", kind="class", file="index.d.ts", line=1, summary="", score=5.6),
        Concept(name="parseDate", kind="function", file="index.js", line=9, summary="", score=-1.4),
    ]
    picked = pick_concepts(_profile(concepts), 1, fits=lambda c: c.name == "parseDate")
    assert [c.name for c in picked] == ["Dayjs"]


def test_the_packages_insides_fill_no_place_left_over() -> None:
    """chalk's heist film was 7 of 9 shots of module internals, all ranked below zero
    (applyOptions -3.00, createBuilder -3.00, stringEncaseCRLFWithFirstIndex -1.81): a
    short film of what users touch beats paid shots of what they never do."""
    concepts = [
        Concept(name="Chalk", kind="class", file="source/index.js", line=34, summary="", score=11),
        Concept(
            name="Options", kind="class", file="source/index.d.ts", line=1, summary="", score=2
        ),
        *(
            Concept(name=n, kind="function", file="source/index.js", line=9, summary="", score=s)
            for n, s in (
                ("stringReplaceAll", -1.81),
                ("applyOptions", -3.0),
                ("createBuilder", -3.0),
            )
        ),
    ]
    picked = pick_concepts(_profile(concepts), 8, fits=lambda c: True)
    assert [c.name for c in picked] == ["Chalk", "Options"]


def test_a_package_of_insides_only_still_has_a_film() -> None:
    """Below zero is a tier of its own, not a ban: with nothing else to show, it plays."""
    concepts = [
        Concept(name=n, kind="function", file="index.js", line=1, summary="", score=s)
        for n, s in (("fillPool", -3.0), ("print", -3.5))
    ]
    picked = pick_concepts(_profile(concepts), 8, fits=lambda c: True)
    assert [c.name for c in picked] == ["fillPool", "print"]


def test_weak_fits_passed_over_keep_the_cap_of_one_docstring_theme() -> None:
    """nanoid's film had "alphabet" and "custom" (each "a word in 3 of its docstrings"):
    both fit no gag, so each was passed over while the theme cap had room, and both played."""
    concepts = [
        Concept(name="nanoid", kind="function", file="index.js", line=1, summary="", score=13),
        Concept(
            name="customAlphabet", kind="function", file="index.js", line=5, summary="", score=9
        ),
        *(
            Concept(name=w, kind="theme", file="", line=0, summary="", score=1.9, refs=3)
            for w in ("alphabet", "custom")
        ),
    ]
    picked = pick_concepts(_profile(concepts), 8, fits=lambda c: c.kind != "theme")
    # a docstring theme no gag plays gets no shot at all (selection: pyrank's rule)
    assert [c.name for c in picked] == ["nanoid", "customAlphabet"]
    # and where gags play them, the cap of one holds
    picked = pick_concepts(_profile(concepts), 8, fits=lambda c: True)
    assert [c.kind for c in picked].count("theme") == 1, [c.name for c in picked]


# ------------------------------------------- a docstring theme comes after the code
# dayjs' heist film had "cloned: a word in 8 of its docstrings" (a theme a gag played) while
# Dayjs.add and Dayjs.diff, which fit no gag, went unfilmed; nanoid's had "alphabet: a word
# in 3 of its docstrings". The caption teaches nothing and the shot is paid
# (selection._api_tier: a theme takes a place only when no code is left for it).


def _method(name: str, score: float) -> Concept:
    return Concept(
        name=f"Dayjs.{name}", kind="function", file="index.d.ts", line=1, summary="", score=score
    )


# "cloned" recurs in 8 docstrings and names code (Dayjs.clone): a theme _theme_ok lets play
_CLONED = Concept(name="cloned", kind="theme", file="", line=0, summary="", score=2.7, refs=8)
_DAYJS = [_method("add", 5.47), _method("diff", 4.71), _method("clone", 4.48)]


def test_a_theme_a_gag_plays_never_takes_the_place_of_unfilmed_api_methods() -> None:
    picked = pick_concepts(_profile([*_DAYJS, _CLONED]), 2, fits=lambda c: c.kind == "theme")
    assert [c.name for c in picked] == ["Dayjs.add", "Dayjs.diff"]


def test_a_theme_ranked_above_code_still_comes_after_it() -> None:
    """dayjs' "docs" (4.67, 64 docstrings) ranks above Dayjs.isSame (4.56): a word ahead of
    a method the user calls is no better for it, even where both fit a gag."""
    docs = Concept(name="docs", kind="theme", file="", line=0, summary="", score=4.67, refs=64)
    concepts = [_method("format", 5.97), docs, _method("isSame", 4.56), _method("docsUrl", 1)]
    picked = pick_concepts(_profile(concepts), 2, fits=lambda c: True)
    assert [c.name for c in picked] == ["Dayjs.format", "Dayjs.isSame"]


def test_a_theme_still_fills_a_place_no_code_is_left_for() -> None:
    picked = pick_concepts(_profile([*_DAYJS, _CLONED]), 8, fits=lambda c: c.kind == "theme")
    assert [c.name for c in picked] == ["Dayjs.add", "Dayjs.diff", "Dayjs.clone", "cloned"]
