"""A weak fit is filmed with a notice: the plan warns on its shot (finding "weak-fit"), and
`sorafilm analyze --help` says what its MATCH figure means."""

from __future__ import annotations

from dataclasses import replace

import pytest
from story_fixtures import make_casting

from sorafilm_nb.cli import main
from sorafilm_nb.story.planning import plan
from sorafilm_nb.story.scoring import WEAK_BELOW


def test_the_shot_of_a_weak_fit_is_named_in_the_plan() -> None:
    casting = make_casting(5)
    weak = replace(casting.entries[2], score=3.0, weak=True)
    casting = replace(casting, entries=(*casting.entries[:2], weak, *casting.entries[3:]))
    p = plan(casting, provider="veo")
    (shot,) = [s for s in p.storyboard.shots if s.cast is weak]
    notes = [f for f in p.findings if f.rule == "weak-fit"]
    assert [f.shot_index for f in notes] == [shot.index]
    assert notes[0].severity == "warning"
    assert weak.concept.name in notes[0].message and "match 3" in notes[0].message
    # a good fit is no finding
    assert not [f for f in plan(make_casting(5)).findings if f.rule == "weak-fit"]


def test_analyze_help_explains_the_match_column(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["analyze", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "MATCH is how well the chosen gag plays the concept" in text
    assert f"Below {WEAK_BELOW:g} (one verb" in text
    assert "SCORE is how central a concept is" in text


def test_a_weak_fit_whose_good_fit_another_shot_plays_says_so() -> None:
    """`make demo` warned on `plan`: "nothing the concept is called or does matched a gag of
    this theme", yet the housekeeping book matched it at 17; Ledger, at 27, plays it. The
    finding names the fit and who plays it; the old reason stays for a concept nothing fits."""
    casting = make_casting(5)
    other = casting.entries[1]
    taken = (other.metaphor.id, WEAK_BELOW + 5)
    weak = replace(
        casting.entries[2],
        score=2.0,
        weak=True,
        alternatives=(taken, (casting.entries[2].metaphor.id, 2.0), ("kitchen.unused", 30.0)),
    )
    casting = replace(casting, entries=(*casting.entries[:2], weak, *casting.entries[3:]))
    (note,) = [f for f in plan(casting, provider="veo").findings if f.rule == "weak-fit"]
    assert f"{other.metaphor.id} (match {WEAK_BELOW + 5:g}) plays {other.concept.name}" in (
        note.message
    )
    assert "nothing the concept is called or does matched" not in note.message
    assert "kitchen.unused" not in note.message  # a fit nobody plays is no explanation
