"""Planning ahead and help text: kinds of concept the themes had no picture for.

`make demo` films this repository, and its second shot warned weak-fit: `plan` ("Everything
a film would be, and cost, before any money moves") was a pancake flip at match 2. Kitchen's
only planning words were the housekeeping book's, which totals what was already spent and
which Ledger plays; heist's "plan" was the floor plan's, a prop, so a concept named plan was
a pun on it; space had none. Each theme now has a picture of reckoning before doing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from story_fixtures import THEMES
from story_fixtures import fit_concept as concept
from story_fixtures import gag_roles as _roles

import sorafilm_nb as sf
from sorafilm_nb.story.casting import WEAK_BELOW, MetaphorLibrary, stem
from sorafilm_nb.story.scoring import rank

ROOT = Path(__file__).resolve().parents[2]
PLAN_DOC = "Everything a film would be, and cost, before any money moves."


@pytest.mark.parametrize("theme", THEMES)
def test_a_plan_plays_a_gag_of_planning_ahead(theme: str) -> None:
    lib = MetaphorLibrary.load(theme)
    best, fit = rank(concept("plan", "function", PLAN_DOC), lib.playable)[0]
    assert stem("plan") in _roles(best) and fit >= WEAK_BELOW, (best.id, fit)


@pytest.mark.parametrize("theme", THEMES)
def test_an_estimate_plays_the_same_picture(theme: str) -> None:
    """An estimate is reckoned ahead too (rich's "Renders estimated time remaining")."""
    lib = MetaphorLibrary.load(theme)
    ranked = rank(concept("estimate_duration", "function", "Estimate the time left."), lib.playable)
    planning = [(m.id, f) for m, f in ranked if stem("plan") in _roles(m)]
    assert planning and planning[0][1] >= WEAK_BELOW, planning


def test_the_demo_film_casts_plan_as_a_fit() -> None:
    """The film `make demo` makes (this repository, kitchen): `plan` plays a planning gag,
    and the plan warns of no weak fit."""
    p = sf.plan(str(ROOT))
    shot = next(s for s in p.storyboard.shots if s.cast and s.cast.concept.name == "plan")
    assert not shot.cast.weak and stem("plan") in _roles(shot.cast.metaphor), shot.cast
    assert [f.message for f in p.findings if f.rule == "weak-fit"] == []


# Help text recurs in every command-line package of the eval (click's HelpOption, commander's
# Help, Command.help/usage/description, typer's help, yargs' usage and epilog); heist and space
# had no help words at all (commander's Help was a fallback at match 2 there), and no theme
# had one for a description or an epilog.
@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize(
    ("name", "kind", "summary", "word"),
    [
        ("Help", "class", "", "help"),
        ("Command.description", "function", "Set the description.", "description"),
        ("YargsInstance.epilog", "function", "", "epilog"),
    ],
)
def test_help_text_plays_a_gag_of_being_shown_how(
    theme: str, name: str, kind: str, summary: str, word: str
) -> None:
    lib = MetaphorLibrary.load(theme)
    best, fit = rank(concept(name, kind, summary), lib.playable)[0]
    assert stem(word) in _roles(best) and fit >= WEAK_BELOW, (best.id, fit)
