"""The story's shape on small repositories written in tmp dirs (issue 12, item 3).

A beat whose part is a concept (the trouble, the rescue) shrinks when the project gives it
fewer concepts than its share of the time would hold, and its time goes to beats whose
concepts can play longer: no filler shot stands in for an error the project never defined.
Uncast shots remain only where nothing at all is left to show, and then say a fact of the
project (its promise, its entry point, the concepts shown), never "First try" or
"<Project> to the rescue".
"""

from __future__ import annotations

from pathlib import Path

import pytest
from brew_repo import ERRORS, write_brew

from sorafilm_nb.analysis.profile import analyze
from sorafilm_nb.story.boards import LEGAL_SECONDS, storyboard
from sorafilm_nb.story.casting import cast

TROUBLE = "the trouble"


BREW_TITLE = "Brew: a small library for brewing tea by the pot"  # the name and its promise


def _repo(root: Path, *, errors: bool) -> Path:
    names = ["Kettle", "Teapot", "Strainer", "pour", "steep", "sweeten", "warm", "serve"]
    return write_brew(root, [*names, *ERRORS] if errors else names)


def _board(tmp_path: Path, *, errors: bool, template: str = "silent-90", target: int = 88):
    profile = analyze(_repo(tmp_path / "brew", errors=errors), use_cache=False)
    return storyboard(cast(profile), template, target)


def test_an_error_beat_without_errors_shrinks_instead_of_filling(tmp_path: Path) -> None:
    board = _board(tmp_path, errors=False)
    assert not any(s.cast and s.cast.concept.kind == "exception" for s in board.shots)
    assert [s for s in board.shots if s.beat == TROUBLE] == []
    # the time it had went to the concepts: every shot shows one, and the film keeps its length
    assert all(s.cast is not None for s in board.shots), [s.title for s in board.shots]
    assert board.seconds == 88 and all(s.seconds in LEGAL_SECONDS for s in board.shots)
    assert board.shots[0].card == BREW_TITLE  # the title card still opens the film


def test_one_error_gets_one_shot_and_no_filler_beside_it(tmp_path: Path) -> None:
    board = _board(tmp_path, errors=True)
    trouble = [s for s in board.shots if s.beat == TROUBLE]
    assert trouble and all(s.cast and s.cast.concept.kind == "exception" for s in trouble)
    assert all(s.cast is not None for s in board.shots), [s.title for s in board.shots]


def test_a_teaser_without_errors_moves_its_opening_card_to_the_next_beat(tmp_path: Path) -> None:
    board = _board(tmp_path, errors=False, template="teaser-30", target=28)
    assert board.shots[0].card == BREW_TITLE
    assert all(s.cast is not None for s in board.shots)
    assert board.seconds == 28


@pytest.mark.parametrize("errors", [False, True])
def test_an_uncast_shot_says_a_fact_of_the_project_never_a_generic_line(
    tmp_path: Path, errors: bool
) -> None:
    """A long film of a small repository runs out of concepts: the shots left over are in
    beats that quote the promise, the entry point or the concepts shown."""
    board = _board(tmp_path, errors=errors, target=120)
    uncast = [s for s in board.shots if s.cast is None]
    for s in uncast:
        assert s.beat not in (TROUBLE, "the rescue"), s.title
        assert "First try" not in s.caption and "rescue" not in s.caption
        assert any(fact in s.caption for fact in ("brewing tea", "import brew", "Kettle")), (
            s.caption
        )


def test_two_uncast_shots_of_one_beat_say_different_facts(tmp_path: Path) -> None:
    """A project with few concepts in a long film: the uncast shots left over never repeat
    one line ("Koa starts with npm install koa" twice in a row)."""
    root = write_brew(tmp_path / "brew", ["Kettle", "Teapot"])  # 2 concepts
    board = storyboard(cast(analyze(root, use_cache=False)), "silent-90", 88)
    for beat in {s.beat for s in board.shots}:
        said = [s.caption for s in board.shots if s.beat == beat and s.cast is None]
        assert len(said) == len(set(said)), (beat, said)
