"""What a notebook shows for the main objects: a short, readable repr (never a dump of the
nested dataclasses, which runs to hundreds of thousands of characters for a real repository)
and, for the plan and the casting, a markdown view."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

import pytest
from story_fixtures import make_casting

from sorafilm_nb.markup import MD_DOLLAR
from sorafilm_nb.money.cost import Cost
from sorafilm_nb.story.boards import StoryTemplate, storyboard
from sorafilm_nb.story.casting import MetaphorLibrary
from sorafilm_nb.story.planning import plan
from sorafilm_nb.story.plans import Plan
from sorafilm_nb.studio.folder import Film, ShotResult

CASTING = make_casting(10)
SHORT = 300  # characters: one line in a notebook, two at most


@functools.cache
def the_plan() -> Plan:
    """The plan these views show, made once on first use: inside a test, so under conftest's
    own user dirs and with the session's prepared vocabulary (made at import, it counted
    tokens in the user's real cache dir, and every worker that collected the file paid it)."""
    return plan(CASTING, template="silent-90", target_seconds=96)


def test_plan_repr_is_one_short_line_with_what_matters() -> None:
    film_plan = the_plan()
    r = repr(film_plan)
    assert len(r) <= SHORT and "\n" not in r, r
    for part in (
        film_plan.id,
        "silent-90",
        f"{len(film_plan.storyboard.shots)} shots",
        "sora-2",
        str(film_plan.total),
    ):
        assert part in r, (part, r)


def test_plan_markdown_in_a_notebook_is_the_table_and_lint_without_every_prompt() -> None:
    film_plan = the_plan()
    md = film_plan._repr_markdown_()
    assert "| # | beat |" in md and "## Lint" in md
    assert "## Prompts" not in md and film_plan.prompts[0].text not in md
    assert "## Prompts" in film_plan.to_markdown()  # the file keeps them


@pytest.mark.parametrize(
    "made",
    [
        lambda: CASTING,
        lambda: CASTING.profile,
        lambda: CASTING.entries[0],
        lambda: CASTING.library,
        lambda: MetaphorLibrary.load("kitchen"),
        lambda: the_plan().storyboard,
        lambda: the_plan().storyboard.template,
        lambda: StoryTemplate.load("silent-90"),
        lambda: the_plan().prompts[0],
    ],
    ids=[
        "Casting",
        "RepoProfile",
        "CastEntry",
        "MetaphorLibrary",
        "MetaphorLibrary-loaded",
        "Storyboard",
        "StoryTemplate",
        "StoryTemplate-loaded",
        "ShotPrompt",
    ],
)
def test_reprs_are_short_and_name_their_type(made: Callable[[], object]) -> None:
    obj = made()
    r = repr(obj)
    assert r.startswith(type(obj).__name__ + "(") and len(r) <= SHORT and "\n" not in r, r


def test_the_reprs_say_what_they_hold() -> None:
    film_plan = the_plan()
    e = CASTING.entries[0]
    assert e.concept.name in repr(e) and e.metaphor.id in repr(e)
    assert e.concept.name in repr(CASTING) and f"{len(CASTING.entries)} entries" in repr(CASTING)
    assert "kitchen" in repr(MetaphorLibrary.load("kitchen"))
    assert "96" in repr(film_plan.storyboard) or f"{film_plan.storyboard.seconds} s" in repr(
        film_plan.storyboard
    )
    p = film_plan.prompts[0]
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
    film_plan = the_plan()
    shots = tuple(
        ShotResult(
            f"shot-{i + 1:02d}",
            i,
            "completed",
            f"video_{i}",
            8,
            "sora-2",
            "1280x720",
            prompt=film_plan.prompts[i].text,
            estimated=Cost(80),
            billed=Cost(80),
            file=f"shot-{i + 1:02d}.mp4",
        )
        for i in range(len(film_plan.prompts))
    )
    film = Film(
        tmp_path, tmp_path / "film.mp4", shots, Cost(880), tmp_path / "manifest.json", film_plan.id
    )
    r = repr(film)
    assert r.startswith("Film(") and len(r) <= SHORT and "\n" not in r, r
    assert f"{len(shots)}/{len(shots)} shots" in r and "$8.80" in r
    s = repr(shots[0])
    assert s.startswith("ShotResult(shot-01") and len(s) <= SHORT and "\n" not in s, s


def test_a_simulated_film_says_its_bill_is_not_real_money(tmp_path: Path) -> None:
    from sorafilm_nb.studio.folder import film_from_manifest
    from sorafilm_nb.studio.manifest import manifest_dict

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


def _stitched_film(folder: Path, error: str | None = None) -> Film:
    """A film folder on disk, read back as the studio reads it (inside() resolves film.mp4)."""
    from sorafilm_nb.studio.folder import film_from_manifest
    from sorafilm_nb.studio.manifest import manifest_dict, write_manifest

    folder.mkdir(parents=True)
    (folder / "film.mp4").write_bytes(b"\0")
    shot = ShotResult(
        "shot-01", 0, "failed" if error else "completed", "video_1", 8, "sora-2", "1280x720",
        prompt="p", estimated=Cost(80), billed=None if error else Cost(80),
        file=None if error else "film.mp4", error=error,
    )  # fmt: skip
    data = manifest_dict(plan_id="p1", plan={}, shots=[shot], backend="simulator", film="film.mp4")
    write_manifest(folder, data)
    return film_from_manifest(folder, data)


def test_film_summary_and_repr_name_the_folder_from_the_notebook_not_the_disk_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The notebooks print film.summary() and show films: the saved .ipynb is shared, so the
    # film is named relative to the notebook's folder (the kernel's working directory).
    home = tmp_path / "home" / "alice"
    notebooks = home / "project" / "notebooks"
    monkeypatch.setenv("HOME", str(home))
    film = _stitched_film(notebooks / "out" / "p1")
    assert film.film is not None and film.film.is_absolute()  # what the old summary printed
    monkeypatch.chdir(notebooks)
    assert film.summary().endswith("; film: out/p1/film.mp4"), film.summary()
    assert repr(film).startswith("Film('out/p1', 1/1 shots"), repr(film)
    # from a sibling folder of the project: in full, from "~" (README: relative only when
    # below where you stand; "../notebooks/..." read as a riddle, issue ux 3)
    (home / "project" / "docs").mkdir()
    monkeypatch.chdir(home / "project" / "docs")
    assert film.summary().endswith("; film: ~/project/notebooks/out/p1/film.mp4"), film.summary()
    # from outside the home: "../../home/alice/..." would name the user; "~" names the file
    elsewhere = tmp_path / "srv"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert film.summary().endswith("; film: ~/project/notebooks/out/p1/film.mp4")
    assert "Film('~/project/notebooks/out/p1'," in repr(film)
    for shown in (film.summary(), repr(film)):
        assert str(tmp_path) not in shown and "alice" not in shown, shown


def test_film_summary_keeps_a_linked_out_folder_as_the_notebook_names_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # out/ links to a disk outside the home: the resolved path would spell that disk's
    # folders from the root; the folder as named is the notebook's out/.
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    disk = _stitched_film(tmp_path / "disk" / "films" / "p1")
    notebooks = tmp_path / "home" / "notebooks"
    notebooks.mkdir(parents=True)
    (notebooks / "out").symlink_to(disk.out_dir.parent, target_is_directory=True)
    monkeypatch.chdir(notebooks)
    film = Film.load("out/p1")
    assert film.film == (tmp_path / "disk" / "films" / "p1" / "film.mp4").resolve()
    assert film.summary().endswith("; film: out/p1/film.mp4"), film.summary()


def test_film_report_writes_local_folders_short_in_shot_errors_and_notes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dataclasses import replace

    from sorafilm_nb.studio.report import report_markdown

    home = tmp_path / "home" / "alice"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(tmp_path)
    full = home / "project" / "out" / "p1" / "shot-01.mp4"
    film = _stitched_film(tmp_path / "p1", error=f"[Errno 28] No space left on device: '{full}'")
    film = replace(film, notes=(f"resume: shot-01 may still finish; run resume on {tmp_path}/p1",))
    md = report_markdown(film)
    assert "device: '~/project/out/p1/shot-01.mp4' |" in md, md
    assert "run resume on ./p1" in md
    assert str(tmp_path) not in md and "alice" not in md
    assert film._repr_markdown_() == md  # what a notebook shows for a Film


def test_ledger_repr_names_its_file_from_the_home_folder_and_reopens_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sorafilm_nb.money.ledger import Ledger

    home = tmp_path / "home" / "alice"
    monkeypatch.setenv("HOME", str(home))
    path = home / ".local" / "share" / "sorafilm-nb" / "ledger.sqlite3"
    path.parent.mkdir(parents=True)
    with Ledger(path) as led:
        led.set_budget(Cost(1234))
        r = repr(led)
    assert r == "Ledger('~/.local/share/sorafilm-nb/ledger.sqlite3')", r
    # unambiguous: the repr, evaluated, opens the same file (Ledger() expands "~")
    with eval(r, {"Ledger": Ledger}) as again:  # our own repr, nothing else
        assert again.path == path and again.budget() is not None
        assert again.budget().limit == Cost(1234)  # type: ignore[union-attr]
    # outside the home folder the path is shown as it is: it names no user
    other = tmp_path / "srv" / "ledger.sqlite3"
    other.parent.mkdir()
    with Ledger(other) as led:
        assert repr(led) == f"Ledger({str(other)!r})"


def test_price_table_repr_lists_the_rates_in_dollars() -> None:
    from sorafilm_nb.money.prices import PriceTable

    r = repr(PriceTable.load())
    assert r.startswith("PriceTable(") and "\n" not in r and len(r) <= SHORT, r
    assert "mappingproxy" not in r and "Decimal" not in r
    assert "sora-2 1280x720 $0.10/s" in r and "sora-2-pro 1792x1024 $0.50/s" in r


def test_film_folder_text_files_are_ordinary_files_not_0600(tmp_path: Path) -> None:
    """manifest.json and report.md sit beside mp4s that are 0644 under the usual umask: a
    colleague who can watch the film can read its report too."""
    import os
    import stat

    from sorafilm_nb.safeio import write_text

    mask = os.umask(0o022)
    os.umask(mask)
    write_text(tmp_path / "report.md", "# report\n")
    assert stat.S_IMODE((tmp_path / "report.md").stat().st_mode) == 0o666 & ~mask != 0o600


def test_film_report_writes_a_month_past_its_budget_as_over(tmp_path: Path) -> None:
    """report.md said "Ledger: $-5.20 remaining this month of $50.00." once the month (the
    sandbox's, after a few simulated films) was past its budget: left_of is the one phrasing."""
    from decimal import Decimal

    from sorafilm_nb.money.cost import Cost
    from sorafilm_nb.studio.report import report_markdown

    film = _stitched_film(tmp_path / "p1")
    over = report_markdown(film, remaining=Cost(Decimal(-520)), limit=Cost(Decimal(5000)))
    over = over.replace(MD_DOLLAR, "$")  # its "$" is never TeX (markup.md_no_tex)
    assert "Ledger: $5.20 over the $50.00 limit this month." in over and "$-" not in over
    left = report_markdown(film, remaining=Cost(Decimal(360)), limit=Cost(Decimal(5000)))
    left = left.replace(MD_DOLLAR, "$")
    assert "Ledger: $3.60 left of $50.00 this month." in left


def test_a_concepts_repr_masks_a_docstring_key() -> None:
    """A notebook shows a concept (profile.top(3)) by its repr, the dataclass's every field:
    a docstring's key was in it as written, and in the saved notebook."""
    from sorafilm_nb.analysis.concepts import Concept

    key = "sk-proj-" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0"
    c = Concept("Vault", "class", "vault.py", 1, f"Unlocks with {key} only.", 1.0)
    assert key not in repr(c) and "[redacted]" in repr(c)
    assert repr(c).startswith("Concept(name='Vault', kind='class', file='vault.py'")
    assert key in c.summary
