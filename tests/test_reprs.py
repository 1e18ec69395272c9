"""What a notebook shows for the main objects: a short, readable repr (never a dump of the
nested dataclasses, which runs to hundreds of thousands of characters for a real repository)
and, for the plan and the casting, a markdown view."""

from __future__ import annotations

from pathlib import Path

import pytest
from story_fixtures import make_casting

from sorafilm_nb.film import Film, ShotResult
from sorafilm_nb.metaphors import MetaphorLibrary
from sorafilm_nb.plan import plan
from sorafilm_nb.pricing import Cost
from sorafilm_nb.story import StoryTemplate, storyboard

CASTING = make_casting(10)
PLAN = plan(CASTING, template="silent-90", target_seconds=96)
SHORT = 300  # characters: one line in a notebook, two at most


def test_plan_repr_is_one_short_line_with_what_matters() -> None:
    r = repr(PLAN)
    assert len(r) <= SHORT and "\n" not in r, r
    for part in (
        PLAN.id,
        "silent-90",
        f"{len(PLAN.storyboard.shots)} shots",
        "sora-2",
        str(PLAN.total),
    ):
        assert part in r, (part, r)


def test_plan_markdown_in_a_notebook_is_the_table_and_lint_without_every_prompt() -> None:
    md = PLAN._repr_markdown_()
    assert "| # | beat |" in md and "## Lint" in md
    assert "## Prompts" not in md and PLAN.prompts[0].text not in md
    assert "## Prompts" in PLAN.to_markdown()  # the file keeps them


@pytest.mark.parametrize(
    "obj",
    [
        CASTING,
        CASTING.profile,
        CASTING.entries[0],
        CASTING.library,
        MetaphorLibrary.load("kitchen"),
        PLAN.storyboard,
        PLAN.storyboard.template,
        StoryTemplate.load("silent-90"),
        PLAN.prompts[0],
    ],
    ids=lambda o: type(o).__name__,
)
def test_reprs_are_short_and_name_their_type(obj: object) -> None:
    r = repr(obj)
    assert r.startswith(type(obj).__name__ + "(") and len(r) <= SHORT and "\n" not in r, r


def test_the_reprs_say_what_they_hold() -> None:
    e = CASTING.entries[0]
    assert e.concept.name in repr(e) and e.metaphor.id in repr(e)
    assert e.concept.name in repr(CASTING) and f"{len(CASTING.entries)} entries" in repr(CASTING)
    assert "kitchen" in repr(MetaphorLibrary.load("kitchen"))
    assert "96" in repr(PLAN.storyboard) or f"{PLAN.storyboard.seconds} s" in repr(PLAN.storyboard)
    p = PLAN.prompts[0]
    assert f"{p.tokens}/{p.tokens_before} tokens" in repr(p)


def test_casting_markdown_is_a_table_of_concept_and_metaphor() -> None:
    md = CASTING._repr_markdown_()
    assert md.count("\n|") >= len(CASTING.entries) + 1
    for e in CASTING.entries:
        assert e.concept.name in md and e.metaphor.id in md


def test_a_custom_gag_shows_in_the_casting_views() -> None:
    c = CASTING.recast(0, custom_gag="a teapot | that whistles")
    assert "a teapot \\| that whistles" in c._repr_markdown_()  # a pipe does not split a cell
    assert "custom" in repr(c.entries[0])


def test_a_real_storyboard_repr_stays_short() -> None:
    board = storyboard(CASTING, "teaser-30", 28)
    assert len(repr(board)) <= SHORT and "teaser-30" in repr(board)


def test_film_and_shot_result_reprs_are_short(tmp_path: Path) -> None:
    shots = tuple(
        ShotResult(
            f"shot-{i + 1:02d}",
            i,
            "completed",
            f"video_{i}",
            8,
            "sora-2",
            "1280x720",
            prompt=PLAN.prompts[i].text,
            estimated=Cost(80),
            billed=Cost(80),
            file=f"shot-{i + 1:02d}.mp4",
        )
        for i in range(len(PLAN.prompts))
    )
    film = Film(
        tmp_path, tmp_path / "film.mp4", shots, Cost(880), tmp_path / "manifest.json", PLAN.id
    )
    r = repr(film)
    assert r.startswith("Film(") and len(r) <= SHORT and "\n" not in r, r
    assert str(tmp_path) in r and f"{len(shots)}/{len(shots)} shots" in r and "$8.80" in r
    s = repr(shots[0])
    assert s.startswith("ShotResult(shot-01") and len(s) <= SHORT and "\n" not in s, s


def test_a_simulated_film_says_its_bill_is_not_real_money(tmp_path: Path) -> None:
    from sorafilm_nb.film import film_from_manifest, manifest_dict

    shot = ShotResult(
        "shot-01",
        0,
        "completed",
        "video_1",
        8,
        "sora-2",
        "1280x720",
        prompt="p",
        estimated=Cost(80),
        billed=Cost(80),
        file="shot-01.mp4",
    )
    (tmp_path / "shot-01.mp4").write_bytes(b"\0")
    for backend, simulated in (("simulator", True), ("openai", False)):
        data = manifest_dict(plan_id="p1", plan={}, shots=[shot], backend=backend)
        film = film_from_manifest(tmp_path, data)
        assert film.backend == backend
        text = film.summary()
        assert "billed $0.80" in text
        assert ("simulated" in text) is simulated, text


def test_price_table_repr_lists_the_rates_in_dollars() -> None:
    from sorafilm_nb.pricing import PriceTable

    r = repr(PriceTable.load())
    assert r.startswith("PriceTable(") and "\n" not in r and len(r) <= SHORT, r
    assert "mappingproxy" not in r and "Decimal" not in r
    assert "sora-2 1280x720 $0.10/s" in r and "sora-2-pro 1792x1024 $0.50/s" in r


def test_film_folder_text_files_are_ordinary_files_not_0600(tmp_path: Path) -> None:
    """manifest.json and report.md sit beside mp4s that are 0644 under the usual umask: a
    colleague who can watch the film can read its report too."""
    import os
    import stat

    from sorafilm_nb.film import atomic_write_text

    mask = os.umask(0o022)
    os.umask(mask)
    atomic_write_text(tmp_path / "report.md", "# report\n")
    assert stat.S_IMODE((tmp_path / "report.md").stat().st_mode) == 0o666 & ~mask != 0o600
