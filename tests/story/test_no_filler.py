"""No paid filler: every shot of a film shows a concept of the code (boards.fit, _no_filler).

On Veo and Runway the longest clip is 8 s, so a 90 s film needs 11 clips where sora-2 needs
8: the cast grows down the ranking to fill them (planning._grown), and a repository with too
few concepts makes a shorter film, with a note (finding "short-film"), never shots that say
"sorafilm-nb, written in Python" at $3.20 each.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from package_fixtures import TOOLS_API as _API
from package_fixtures import tools_package as _package

from sorafilm_nb.story.planning import plan


@pytest.mark.parametrize("provider", ["veo", "runway"])
def test_a_plan_on_veo_or_runway_pays_for_no_shot_without_a_concept(
    tmp_path: Path, provider: str
) -> None:
    repo = _package(tmp_path / "many", _API)
    p = plan(repo, provider=provider)
    board = p.storyboard
    filler = [s.id for s in board.shots if s.cast is None]
    assert filler == [], f"paid shots that show no concept: {filler}"
    # the cast grew past the 8 a sora film takes, so the film still runs its full length
    assert len(board.casting.entries) > 8
    assert board.seconds == board.timed_seconds == 88
    assert all(s.seconds in (4, 8) for s in board.shots)
    assert "short-film" not in {f.rule for f in p.findings}


def test_a_repo_with_three_concepts_makes_a_short_film_and_says_so(tmp_path: Path) -> None:
    repo = _package(tmp_path / "few", _API[:1])  # fetch, ToolError and the module tools
    p = plan(repo, provider="veo")
    board = p.storyboard
    assert len(board.casting.entries) == 3
    assert all(s.cast is not None for s in board.shots)
    assert board.timed_seconds == 88 and board.seconds < 88
    # every concept shown plays its longest clip before the film is cut
    assert all(s.seconds == 8 for s in board.shots)
    (note,) = [f for f in p.findings if f.rule == "short-film"]
    assert note.severity == "warning"
    assert f"runs {board.seconds} s, not the 88 s" in note.message
    assert "--seconds" in note.hint
    assert str(p.total) == f"${board.seconds * 0.4:.2f}"  # only the concept shots are paid


def test_an_explicit_top_is_kept_and_the_note_says_to_raise_it(tmp_path: Path) -> None:
    repo = _package(tmp_path / "many", _API)
    p = plan(repo, provider="veo", top=8)
    assert len(p.storyboard.casting.entries) == 8
    assert all(s.cast is not None for s in p.storyboard.shots)
    (note,) = [f for f in p.findings if f.rule == "short-film"]
    assert "--top" in note.hint


def test_a_template_with_no_place_for_more_concepts_says_so(tmp_path: Path) -> None:
    """teaser-30 has no use beat: one error, one centrepiece, the star. On Veo its 28 s
    would need a fourth clip that no concept may play, so the film runs three 8 s shots.
    (The full _API casts no error: its teaser gives the error beat's time to the others,
    see the next test.)"""
    repo = _package(tmp_path / "many", _API[:6])
    p = plan(repo, provider="veo", template="teaser-30")
    board = p.storyboard
    assert all(s.cast is not None for s in board.shots)
    assert board.shots[0].cast is not None and board.shots[0].cast.concept.name == "ToolError"
    assert (board.seconds, board.timed_seconds) == (24, 28) and board.unused
    (note,) = [f for f in p.findings if f.rule == "short-film"]
    assert f"no place for the other {len(board.unused)} concepts" in note.hint


@pytest.mark.parametrize("seconds", [24, 28])
def test_a_teaser_without_errors_gives_the_error_beats_time_to_other_concepts(
    tmp_path: Path, seconds: int
) -> None:
    """A project without errors of its own: the teaser's error beat has nobody, and its
    time goes to the other concepts (README), before the centrepiece, never to filler nor
    dropped: on Veo 24 s are three 8 s concept shots (humanize's ran two, 16 s, beside six
    concepts "left out (no clip left)"), 28 s a fourth 4 s one."""
    repo = _package(tmp_path / "calm", _API, errors=False)
    p = plan(repo, provider="veo", template="teaser-30", target_seconds=seconds)
    board = p.storyboard
    assert not [e for e in board.casting.entries if e.concept.kind == "exception"]
    assert all(s.cast is not None for s in board.shots)
    assert board.seconds == board.timed_seconds == seconds
    assert len({id(s.cast) for s in board.shots}) == len(board.shots) >= 3
    assert [s.beat for s in board.shots][-1] == "title and promise"
    assert "short-film" not in {f.rule for f in p.findings}


def test_a_teaser_whose_star_is_the_readmes_first_still_fills_its_time(tmp_path: Path) -> None:
    """humanize: the README's example uses every name, the star (intcomma) first, so every
    other concept comes after it in the README and none was let before it: the teaser
    without errors ran 16 s of 24. The centrepiece's time takes the README's next concept."""
    repo = _package(tmp_path / "calm", _API, errors=False)
    calls = "".join(f"tools.{name}('x')\n" for name, _, _ in _API)
    (repo / "README.md").write_text(
        f"# Tools\n\nSmall tools for busy programs.\n\n```python\nimport tools\n\n{calls}```\n"
    )
    board = plan(repo, provider="veo", template="teaser-30", target_seconds=24).storyboard
    assert all(s.cast is not None for s in board.shots)
    assert (board.seconds, len(board.shots)) == (24, 3)
    star = board.shots[-1].cast
    assert star is not None and star.concept.readme_order == 0


def test_a_casting_made_ahead_for_veo_has_a_concept_for_every_clip(tmp_path: Path) -> None:
    """film_casting: the notebook's picker casts before it plans; cast for Veo, the plan
    made from that casting pays for no uncast shot and runs its full length."""
    from sorafilm_nb.analysis.profile import analyze
    from sorafilm_nb.story.planning import film_casting

    profile = analyze(str(_package(tmp_path / "many", _API)))
    casting = film_casting(profile, provider="veo")
    assert len(casting.entries) > 8
    board = plan(casting, provider="veo").storyboard
    assert all(s.cast is not None for s in board.shots) and board.seconds == 88
    assert len(film_casting(profile).entries) == 8  # sora-2's 12 s clips: 8 fill the film


def test_the_notebook_app_casts_for_its_provider(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sorafilm_nb.ui import studio

    monkeypatch.chdir(tmp_path)
    app = studio(_package(tmp_path / "many", _API), provider="veo", out_dir=tmp_path / "out")
    assert app.plan is not None and app.plan.provider == "veo"
    assert all(s.cast is not None for s in app.plan.storyboard.shots)
    assert app.plan.seconds == 88
