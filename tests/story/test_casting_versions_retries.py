"""Version comparing and retrying: kinds of concept the themes had no picture for.

semver and tenacity joined the eval (session 12) with 38 % and 25 % of their casts at
fallback level in every theme: semver's Comparator met no gag that compares ("comparator"
kept its whole word), its SemVer ("sem", "ver") none about versions, and heist and space had
no gag of comparing or ordering at all; tenacity's four retry_* concepts had one rescue
picture among them, as a retry's action was only RESCUE. Each rule is checked on hand-made
concepts (the two packages' own names and docstrings) against every packaged theme.
"""

from __future__ import annotations

import pytest
from story_fixtures import THEMES
from story_fixtures import fit_concept as concept
from story_fixtures import gag_roles as _roles

from sorafilm_nb.analysis.profile import Concept, RepoProfile
from sorafilm_nb.story.casting import WEAK_BELOW, MetaphorLibrary, cast, stem
from sorafilm_nb.story.scoring import rank


def _js(name: str, kind: str = "function", words: tuple[str, ...] = ()) -> Concept:
    """A JavaScript concept with no docstring, only its keywords (semver's README list)."""
    return Concept(
        name=name, kind=kind, file="functions/x.js", line=1, summary="", score=1.0, words=words
    )


def _profile(name: str, *concepts: Concept) -> RepoProfile:
    return RepoProfile(
        root="/nonexistent",
        name=name,
        title=name,
        description="",
        concepts=concepts,
        files_scanned=1,
    )


def test_a_doer_noun_in_ator_meets_its_verb() -> None:
    """A doer noun in "-ator" meets the doing in "-ation" and the verb: a comparator compares."""
    assert stem("comparator") == stem("compare") == stem("comparators")
    assert stem("validator") == stem("validation") == stem("validators")
    assert stem("iterator") == stem("iteration")
    assert stem("Comparator") != stem("computer")


@pytest.mark.parametrize("theme", THEMES)
def test_a_comparator_plays_a_gag_that_compares(theme: str) -> None:
    lib = MetaphorLibrary.load(theme)
    best, fit = rank(concept("Comparator", "class"), lib.metaphors)[0]
    assert stem("compare") in _roles(best) and fit >= WEAK_BELOW, (best.id, fit)


@pytest.mark.parametrize("theme", THEMES)
def test_an_abbreviated_name_word_is_the_word_it_stands_for(theme: str) -> None:
    """semver's SemVer has no docstring: its "ver" is a version, and each theme has a gag of
    versions put in order (not the spice rack of options, whose picture shows none)."""
    lib = MetaphorLibrary.load(theme)
    best, fit = rank(concept("SemVer", "class"), lib.metaphors)[0]
    assert stem("version") in _roles(best) and fit >= WEAK_BELOW, (best.id, fit)
    assert stem("option") not in _roles(best)
    options = [m for m in lib.metaphors if stem("option") in _roles(m)]
    assert options and not any(stem("version") in _roles(m) for m in options)


@pytest.mark.parametrize("theme", THEMES)
def test_a_retry_on_a_condition_plays_a_gag_of_trying_again(theme: str) -> None:
    """tenacity's retry_if_result and retry_if_exception try again when a predicate says so:
    a gag of a condition deciding another go beats the rescue gag, which still fits them."""
    lib = MetaphorLibrary.load(theme)
    rescuing = [m for m in lib.metaphors if stem("rescue") in _roles(m)]
    for c in (
        concept("retry_if_result", "class", "Retries if the result verifies a predicate."),
        concept(
            "retry_if_exception",
            "class",
            "Retry strategy that retries if an exception verifies a predicate.",
        ),
    ):
        ranked = rank(c, lib.metaphors)
        best, fit = ranked[0]
        assert {stem("retry"), stem("predicate")} <= _roles(best), (c.name, best.id)
        assert fit >= WEAK_BELOW
        assert any(m in rescuing and s >= WEAK_BELOW for m, s in ranked), c.name


@pytest.mark.parametrize("theme", THEMES)
def test_semver_and_tenacity_films_cast_no_fallback(theme: str) -> None:
    """Both packages' eight concepts each meet a gag of their own in every theme (with no
    versions, comparing, range or retry gags beside the old ones, 2 or 3 of them fell back)."""
    semver = _profile(
        "semver",
        _js("valid", words=("valid", "parsed", "version", "null")),
        _js("clean", words=("clean", "valid", "semver", "possible")),
        _js("satisfies", words=("satisfies", "version", "range")),
        _js("minVersion", words=("min", "version", "lowest", "match", "range")),
        _js("coerce", words=("coerce", "coerces", "semver", "possible")),
        _js("SemVer", "class"),
        _js("Comparator", "class"),
        _js("Range", "class"),
    )
    tenacity = _profile(
        "tenacity",
        concept("RetryCallState", "class", "State related to a single call wrapped with Retrying."),
        concept("retry_base", "class", "Abstract base class for retry strategies."),
        concept("retry", summary="Wrap a function with a new `Retrying` object."),
        concept(
            "retry_if_exception",
            "class",
            "Retry strategy that retries if an exception verifies a predicate.",
        ),
        concept("stop_after_attempt", "class", "Stop when the previous attempt >= max_attempt."),
        concept("wait_fixed", "class", "Wait strategy that waits a fixed amount of time."),
        concept("retry_if_result", "class", "Retries if the result verifies a predicate."),
    )
    for profile in (semver, tenacity):
        casting = cast(profile, theme, top=len(profile.concepts))
        weak = [(e.concept.name, e.metaphor.id) for e in casting.entries if e.weak]
        assert not weak, (profile.name, weak)
        assert len(casting.entries) == len(profile.concepts)
