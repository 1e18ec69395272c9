"""The notebook widgets, driven from Python: state changes, observers, and what they render."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import sys
import threading
from decimal import Decimal
from pathlib import Path

import pytest
from provider_fixtures import animatics_drawn_once  # noqa: F401 - a fixture, by name
from ui_fixtures import EGGS, JAM, MILK, PROFILE, make_casting, make_film

from sorafilm_nb import ui  # the widgets by attribute (ui.X): ipywidgets loads in the tests
from sorafilm_nb.money.cost import Cost
from sorafilm_nb.money.ledger import Ledger
from sorafilm_nb.money.prices import PriceTable
from sorafilm_nb.story.boards import Shot
from sorafilm_nb.story.prompts import Tier
from sorafilm_nb.studio.folder import Film
from sorafilm_nb.studio.runner import ShotProgress
from sorafilm_nb.ui import concept_table  # no widgets (pandas is imported when it runs)
from sorafilm_nb.ui.posters import poster_jpeg

pytestmark = pytest.mark.usefixtures("animatics_drawn_once")  # each animatic drawn once

# -- package -------------------------------------------------------------------------------


def test_import_ui_is_lazy_and_hints_at_the_extra() -> None:
    code = (
        "import sys; import sorafilm_nb.ui as ui;"
        "print('ipywidgets' in sys.modules);"
        "sys.modules['ipywidgets'] = None\n"
        "try:\n    ui.MetaphorPicker\nexcept ImportError as e:\n    print(e)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out[0] == "False"
    assert "pip install 'sorafilm-nb[notebook]'" in out[1] and "make install" in out[1]


# -- concept table -------------------------------------------------------------------------


def _names_in(html: str) -> list[str]:
    names = [c.name for c in PROFILE.concepts]
    return sorted(names, key=lambda n: html.index(f">{n}<") if f">{n}<" in html else 1e9)


def test_concept_table_sorts_and_filters() -> None:
    html = concept_table(PROFILE).to_html()
    assert 'class="sorafilm-concepts mathjax_ignore' in html  # no TeX typeset in it
    assert _names_in(html) == ["ImportError", "Recorder", "KeyError", "load"]  # score ▼
    by_name = concept_table(PROFILE, sort_by="name").to_html()
    assert _names_in(by_name)[:3] == ["ImportError", "KeyError", "Recorder"]  # text ▲
    only = concept_table(PROFILE, kinds=["exception"]).to_html()
    assert ">Recorder<" not in only and ">KeyError<" in only
    assert "2 of 4 concepts" in only
    with pytest.raises(ValueError, match="sortable columns"):
        concept_table(PROFILE, sort_by="colour")


def test_concept_table_widget_resorts_on_change() -> None:
    table = ui.ConceptTable(PROFILE)
    assert _names_in(table.table.value)[0] == "ImportError"
    table.descending.value = False
    assert _names_in(table.table.value)[0] == "load"
    assert table.descending.description == "ascending"


# -- metaphor picker -----------------------------------------------------------------------


def test_picking_a_metaphor_yields_a_new_casting_and_notifies() -> None:
    original = make_casting()
    picker = ui.MetaphorPicker(original, original.library)
    seen_trait: list[object] = []
    seen_cb: list[object] = []
    picker.observe(lambda ch: seen_trait.append(ch["new"]), names="casting")
    picker.on_change(seen_cb.append)

    picker.dropdowns[0].value = EGGS.id

    new = picker.casting
    assert new is not original
    assert new.entries[0].metaphor == EGGS
    assert original.entries[0].metaphor == MILK  # never mutated
    assert new.entries[1:] == original.entries[1:]
    assert seen_trait == [new] and seen_cb == [new]
    assert "sorafilm-metaphor-picker" in picker._dom_classes


def test_free_text_gag_then_dropdown_clears_it() -> None:
    picker = ui.MetaphorPicker(make_casting())
    picker.texts[2].value = "  a jam jar that opens itself   at last "
    typed = picker.casting
    assert typed.entries[2].custom_gag == "a jam jar that opens itself at last"
    assert typed.entries[2].metaphor == JAM  # props and timing kept
    picker.dropdowns[2].value = EGGS.id
    assert picker.casting.entries[2].custom_gag is None
    assert picker.texts[2].value == ""
    assert picker.casting.entries[2].gag == EGGS.gag


def test_pick_in_code_and_bad_input() -> None:
    picker = ui.MetaphorPicker(make_casting())
    out = picker.pick("ImportError", JAM.id)
    assert out.entries[0].metaphor == JAM
    with pytest.raises(KeyError, match="not a match"):
        picker.pick("Recorder", EGGS.id)  # not among Recorder's ranked matches
    with pytest.raises(KeyError, match="cast concepts"):
        picker.pick("NoSuchConcept", JAM.id)
    before = picker.casting
    picker.texts[0].value = "x" * 2000  # far too long for one visible action
    assert picker.casting is before
    assert "keep it under" in picker.errors[0].value


def test_picker_static_html_for_readers_without_a_kernel() -> None:
    picker = ui.MetaphorPicker(make_casting())
    bundle = picker._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert MILK.gag in bundle["text/html"] and "ImportError" in bundle["text/html"]


# -- budget picker -------------------------------------------------------------------------


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    led = Ledger(tmp_path / "ledger.sqlite3")
    led.set_budget(Cost(Decimal(500)))  # $5.00 a month
    yield led
    led.close()


def test_budget_picker_goes_red_over_budget(ledger: Ledger) -> None:
    prices = PriceTable.load()
    picker = ui.BudgetPicker(
        ledger, prices, templates={"silent-90": 96, "single-12": 12}, template="single-12"
    )
    assert picker.estimate == Cost(Decimal(120))  # 12 s x 10 cents
    assert not picker.over_budget and "sorafilm-over-budget" not in picker._dom_classes
    assert "$5.00" in picker.remaining_label.value

    picker.template.value = "silent-90"  # 96 s x 10 cents = $9.60 > $5.00
    assert picker.estimate == Cost(Decimal(960))
    assert picker.over_budget
    assert "sorafilm-over-budget" in picker._dom_classes
    assert "over budget" in picker.output.value and "$4.60" in picker.output.value

    picker.template.value = "single-12"
    assert not picker.over_budget and "sorafilm-over-budget" not in picker._dom_classes


def test_budget_picker_on_a_sandbox_ledger_is_never_red_and_says_simulated(
    tmp_path: Path,
) -> None:
    """A simulated plan costs nothing real and the sandbox never refuses it (last session's
    sandbox fix), yet the picker went red past the sandbox's own budget, and the studio app
    disabled its Make button on over_budget. Now it says "simulated", and whether the same
    film would fit the REAL ledger's month, which is what the studio warns about."""
    from sorafilm_nb.money.ledger import default_path

    templates = {"silent-90": 96, "single-12": 12}
    with Ledger(default_path()) as real:
        real.set_budget(Cost(Decimal(500)))  # $5.00 real: the $9.60 film would not fit
    with Ledger(tmp_path / "sandbox.sqlite3", sandbox=True) as sandbox:
        sandbox.set_budget(Cost(Decimal(500)))  # and the sandbox's own $5.00 is passed too
        picker = ui.BudgetPicker(sandbox, PriceTable.load(), templates=templates)
        assert picker.estimate == Cost(Decimal(960))
        assert picker.simulated and not picker.over_budget
        assert "sorafilm-over-budget" not in picker._dom_classes
        assert "sorafilm-simulated" in picker._dom_classes
        said = picker.output.value
        assert "simulated: no real money" in said
        assert "over the real budget</b> by $4.60" in said
        assert "never refused" in picker.remaining_label.value
        picker.template.value = "single-12"  # $1.20: fits the real month
        assert "on the real API it would leave $3.80" in picker.output.value
        assert not picker.over_budget and "sorafilm-simulated" in picker._dom_classes


def test_the_picker_words_a_passed_budget_as_over_never_a_negative_amount_left(
    tmp_path: Path,
) -> None:
    """The picker and the studio app said "its own budget has $-3.68 left" once the sandbox
    (which never refuses) had booked past its own limit, and "Remaining this month: $-3.68"
    for a real ledger billed past it; the notebook promises left_of's "$3.68 over"."""
    prices = PriceTable.load()
    cost = prices.cost("sora-2", "1280x720", 12)  # $1.20
    for sandbox in (True, False):
        with Ledger(tmp_path / f"{sandbox}.sqlite3", sandbox=sandbox) as ledger:
            ledger.set_budget(Cost(Decimal(200)))  # $2.00
            res = ledger.reserve(
                cost, "draft", "plan-x", shot="s1", model="sora-2", size="1280x720", seconds=12
            )
            ledger.attach(res, "video_1")
            ledger.settle("video_1", Cost(Decimal(568)))  # billed $5.68: $3.68 past the limit
            picker = ui.BudgetPicker(ledger, prices, templates={"single-12": 12})
            said = picker.remaining_label.value
            assert "$3.68 over" in said and "$-" not in said + picker.output.value, said


def test_budget_picker_reads_the_real_ledger_once_per_month_not_per_click(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a sandbox ledger every picker change re-priced against the real ledger by opening
    it afresh (a file, or a team database's connection), under a process-wide
    warnings.catch_warnings that hid other code's warnings while it ran. Now the real month
    is read once per (ledger, budget month), refresh() re-reads it, and no warning filter is
    touched (the 10 changes below opened the real ledger 10 times)."""
    import warnings
    from datetime import datetime, timedelta, timezone

    from sorafilm_nb.money.ledger import default_path
    from sorafilm_nb.money.store import LedgerFile

    opened: list[Path | str] = []
    real_open = LedgerFile._open

    def counting_open(self: LedgerFile) -> object:
        opened.append(self.path)
        return real_open(self)

    monkeypatch.setattr(LedgerFile, "_open", counting_open)
    now = [datetime(2026, 12, 7, 9, tzinfo=timezone.utc)]
    templates = {"silent-90": 96, "single-12": 12}
    with Ledger(default_path(), clock=lambda: now[0]) as real:
        real.set_budget(Cost(Decimal(500)))
        with Ledger(tmp_path / "sandbox.sqlite3", sandbox=True, clock=lambda: now[0]) as sandbox:
            picker = ui.BudgetPicker(sandbox, PriceTable.load(), templates=templates)
            assert "over the real budget</b> by $4.60" in picker.output.value

            def swapped(*_a: object, **_k: object) -> object:
                raise AssertionError("the picker swapped the process-wide warning filters")

            reads = opened.count(default_path())
            with monkeypatch.context() as m:
                m.setattr(warnings, "catch_warnings", swapped)
                for i in range(10):  # 10 picker changes
                    picker.template.value = ("single-12", "silent-90")[i % 2]
            assert opened.count(default_path()) == reads  # none re-read the real ledger
            assert "over the real budget</b> by $4.60" in picker.output.value
            picker.template.value = "single-12"
            assert "on the real API it would leave $3.80" in picker.output.value

            real.reserve(Cost(Decimal(300)), "a real shot")  # money spent elsewhere
            picker.refresh()  # re-reads: $5.00 - $3.00 - $1.20
            assert "on the real API it would leave $0.80" in picker.output.value
            now[0] = datetime(2026, 12, 31, 23, 59, tzinfo=timezone.utc)
            picker.template.value = "silent-90"
            assert "over the real budget</b> by $7.60" in picker.output.value  # December's
            reads = opened.count(default_path())
            now[0] += timedelta(minutes=1)  # January: the $3.00 was December's; read again
            picker.template.value = "single-12"
            assert "on the real API it would leave $3.80" in picker.output.value
            assert opened.count(default_path()) == reads + 1


def test_budget_picker_tier_changes_length_not_price(ledger: Ledger) -> None:
    picker = ui.BudgetPicker(ledger, PriceTable.load(), templates={"single-12": 12})
    before = picker.estimate
    picker.tier.value = Tier.ULTRA_LOW
    assert picker.estimate == before
    text = " ".join(c.value for c in picker.children if hasattr(c, "value"))
    assert "bounds prompt length" in text and "not the per-second price" in text
    picker.model.value = "sora-2-pro"
    assert "1792x1024" in picker.size.options
    picker.size.value = "1792x1024"
    assert picker.estimate == Cost(Decimal(600))  # 12 s x 50 cents
    picker.model.value = "sora-2"  # 1792x1024 is not offered on sora-2: size falls back
    assert picker.size.value in PriceTable.load().sizes("sora-2")


def test_budget_picker_calls_the_estimator_and_sees_new_spend(ledger: Ledger) -> None:
    calls = []

    def estimate(sel):  # type: ignore[no-untyped-def]
        calls.append(sel)
        return Cost(Decimal(100 if sel.tier is Tier.LOW else 300))

    picker = ui.BudgetPicker(ledger, PriceTable.load(), estimate=estimate, tier=Tier.LOW)
    assert calls[-1].tier is Tier.LOW and picker.estimate == Cost(Decimal(100))
    picker.tier.value = Tier.HIGH
    assert calls[-1].tier is Tier.HIGH and not picker.over_budget
    ledger.reserve(Cost(Decimal(300)), "another notebook")  # $2.00 left
    picker.refresh()
    assert picker.over_budget and "$2.00" in picker.remaining_label.value


def test_budget_picker_shows_estimator_errors(ledger: Ledger) -> None:
    def broken(sel):  # type: ignore[no-untyped-def]
        raise ValueError("template too short for its beats")

    picker = ui.BudgetPicker(ledger, PriceTable.load(), estimate=broken)
    assert picker.estimate is None
    assert "template too short" in picker.output.value

    # the message is kept in the widget state, so in the saved notebook: no home folder
    prices = Path.home() / "secret-project" / "prices.toml"

    def unreadable(sel):  # type: ignore[no-untyped-def]
        raise ValueError(f"cannot read {prices}: no such file")

    picker = ui.BudgetPicker(ledger, PriceTable.load(), estimate=unreadable)
    assert "~/secret-project/prices.toml" in picker.output.value
    assert str(Path.home()) + "/" not in picker.output.value


# -- job progress --------------------------------------------------------------------------


def _shots(n: int) -> list[Shot]:
    return [
        Shot(
            index=i,
            beat="b",
            seconds=4,
            model="sora-2",
            size="1280x720",
            cast=None,
            title=f"title {i}",
        )
        for i in range(n)
    ]


def test_job_progress_updates_from_worker_threads() -> None:
    bars = ui.JobProgress(_shots(4))
    assert "sorafilm-job-progress" in bars._dom_classes
    assert list(bars.bars) == ["shot-01", "shot-02", "shot-03", "shot-04"]
    start = threading.Barrier(4)

    def worker(i: int) -> None:
        start.wait()
        for p in range(0, 101, 5):
            bars(ShotProgress(f"shot-{i + 1:02d}", i, "in_progress", p, p / 10, f"video_{i}"))
        final = "failed" if i == 3 else "completed"
        bars(
            ShotProgress(
                f"shot-{i + 1:02d}",
                i,
                final,
                100 if i != 3 else 40,
                11.0,
                f"video_{i}",
                "moderation_blocked" if i == 3 else "",
            )
        )

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [b.value for b in bars.bars.values()] == [100, 100, 100, 40]
    assert [b.bar_style for b in bars.bars.values()] == ["success"] * 3 + ["danger"]
    assert bars.finished == 3 and bars.failed == 1
    assert "3 of 4 shots done" in bars.summary.value and "1 failed" in bars.summary.value
    status = bars._rows["shot-04"].status.value
    assert "moderation_blocked" in status and "video_3" in status and "11.0 s" in status


def test_job_progress_rebuilds_its_static_face_when_a_status_changes_not_each_tick() -> None:
    """The static face (a table of every shot, synced to the page for a saved notebook) was
    rebuilt and sent on each poll: 9 shots polled 20 times sent 9 x 20 tables. It follows
    the shots' statuses; the run's last events leave it as the run ended."""
    bars = ui.JobProgress(_shots(9))
    faces: list[str] = []
    bars.observe(lambda change: faces.append(change["new"]), names="static_html")
    for p in range(0, 100, 5):
        for i in range(9):
            bars(ShotProgress(f"shot-{i + 1:02d}", i, "in_progress", p, p / 10, f"video_{i}"))
    assert len(faces) == 9, len(faces)  # waiting -> in_progress, once a shot
    # the live bars and status cells still move on every tick
    assert bars.bars["shot-09"].value == 95 and "server 95%" in bars._rows["shot-09"].status.value
    for i in range(9):
        bars(ShotProgress(f"shot-{i + 1:02d}", i, "completed", 100, 11.0, f"video_{i}"))
    assert len(faces) == 18
    assert "9 of 9 shots done" in bars.static_html
    assert bars.static_html.count("<td>100%</td>") == 9
    bars(ShotProgress("shot-10", 9, "waiting", 0, 0.0, None))  # a new row is a change too
    assert len(faces) == 19 and "9 of 10 shots done" in bars.static_html


def test_job_progress_messages_name_no_local_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An OSError's text names its file by absolute path; the bars' state is saved with the
    # notebook, so the notebook's folder shows as "." and the home folder as "~".
    home = tmp_path / "home" / "alice"
    notebooks = home / "project" / "notebooks"
    notebooks.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(notebooks)
    bars = ui.JobProgress()
    full = f"{notebooks}/out/plan-1/shot-01.mp4"
    bars.update(
        ShotProgress(
            "shot-01",
            0,
            "downloading",
            100,
            9.0,
            "video_1",
            f"download retry after: [Errno 28] No space left on device: '{full}'; "
            f"cache {home}/.cache/sorafilm full; {home}2/x is not home",
        )
    )
    shown = bars._rows["shot-01"].status.value + bars._repr_mimebundle_()["text/html"]
    assert "device: &#x27;./out/plan-1/shot-01.mp4&#x27;" in shown
    assert "cache ~/.cache/sorafilm full" in shown
    assert f"{home}2/x is not home" in shown  # only whole folder names are shortened
    assert full not in shown and f"{home}/" not in shown


def test_job_progress_adds_rows_for_unknown_shots() -> None:
    bars = ui.JobProgress()
    bars.update(ShotProgress("shot-07", 6, "queued", 0, 0.2, None))
    assert list(bars.bars) == ["shot-07"] and bars.bars["shot-07"].bar_style == "info"
    bars.update(ShotProgress("shot-07", 6, "rate_limited", 10, 1.0, "video_7", "retry in 2 s"))
    assert bars.bars["shot-07"].bar_style == "warning" and bars.failed == 0
    assert "shot-07" in bars._repr_mimebundle_()["text/html"]


# -- video player --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def film_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_film(tmp_path_factory.mktemp("nb") / "out" / "film1")


def test_player_state_holds_a_reference_and_a_small_poster(film_dir: Path) -> None:
    player = ui.VideoPlayer(Film.load(film_dir), base_dir=film_dir.parent.parent)
    assert player.src_path == "out/film1/film.mp4" and player.note == ""
    state = json.dumps(player.get_state())
    mp4 = (film_dir / "film.mp4").read_bytes()
    assert len(state) < 100_000
    assert base64.b64encode(mp4[:48]).decode()[:40] not in state  # no video bytes
    assert "ftyp" not in state
    head, data = player.poster.split(",", 1)
    assert head == "data:image/jpeg;base64"
    jpeg = base64.b64decode(data)
    assert jpeg[:2] == b"\xff\xd8" and len(jpeg) < 100_000
    assert "sorafilm-player" in player._dom_classes
    assert "export default" in player._esm and ".sorafilm-shot" in player._css
    assert player.captions_path == ""  # this film has no captions: no track


def test_player_shows_the_films_captions_track(tmp_path: Path) -> None:
    folder = make_film(tmp_path / "out" / "film1", (4,), captions=True)
    player = ui.VideoPlayer(folder, base_dir=tmp_path)
    assert player.captions_path == "out/film1/film.vtt"
    html = player.static_html()
    assert "<track kind='captions' default srclang='en' label='Captions' " in html
    assert "src='out/film1/film.vtt'></video>" in html


def test_a_film_with_burned_captions_keeps_its_track_off(tmp_path: Path) -> None:
    # lower thirds already print each caption on the picture: the track stays available but
    # off, or every caption would show twice
    folder = make_film(tmp_path / "out" / "film1", (4,), captions=True, lower_thirds=True)
    player = ui.VideoPlayer(folder, base_dir=tmp_path)
    assert player.captions_path == "out/film1/film.vtt" and player.captions_shown is False
    html = player.static_html()
    assert "<track kind='captions' srclang='en' label='Captions' " in html
    assert " default" not in html.split("<track", 1)[1].split(">", 1)[0]


def _no_local_folder(text: str, *folders: Path) -> list[str]:
    forms = {str(f) for f in folders} | {str(f.resolve()) for f in folders}
    return sorted(f for f in forms if f in text)


def test_player_state_names_no_local_folder(
    film_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The notebook's folder is reached through a symlink (as a server started on a linked
    # folder sees it) and lies in the user's home: the saved state names neither.
    home = tmp_path / "home" / "alice"
    home.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    link = home / "project"
    link.symlink_to(film_dir.parent.parent, target_is_directory=True)
    monkeypatch.chdir(link)
    player = ui.VideoPlayer(Film.load(link / "out" / "film1"))
    assert player.src_path == "out/film1/film.mp4"
    saved = json.dumps(player.get_state()) + player.static_html() + repr(player)
    assert _no_local_folder(saved, home, film_dir, tmp_path) == []
    assert "abs_path" not in saved and "/" + "tmp/" not in saved


def test_player_links_a_film_in_a_sibling_folder_of_the_notebooks(
    film_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home" / "alice"
    monkeypatch.setenv("HOME", str(home))
    shutil.copytree(film_dir, home / "project" / "films" / "film1")
    notebooks = home / "project" / "notebooks"
    notebooks.mkdir()
    player = ui.VideoPlayer(home / "project" / "films" / "film1", base_dir=notebooks)
    assert player.src_path == "../films/film1/film.mp4" and player.note == ""
    assert (notebooks / player.src_path).is_file()


def test_player_does_not_link_a_film_only_an_absolute_path_can_name(
    film_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home" / "alice"
    monkeypatch.setenv("HOME", str(home))
    films = home / "films" / "film1"
    shutil.copytree(film_dir, films)
    # "../../../home/alice/films/..." from a notebook outside the home would name the user;
    # from a folder whose only common ancestor with the film is "/", the whole path.
    for notebooks in (tmp_path / "srv" / "notebooks", Path("/usr/share")):
        player = ui.VideoPlayer(films, base_dir=notebooks)
        assert player.src_path == "" and "outside this notebook's folder" in player.note
        saved = json.dumps(player.get_state()) + player.static_html()
        assert _no_local_folder(saved, home, tmp_path) == [] and "alice" not in saved
        static = player.static_html()
        assert "data-sorafilm-film" not in static and " src=" not in static  # share() skips it
        assert "poster='data:image/jpeg;base64," in static and "outside this" in static
    url = ui.VideoPlayer(films, base_dir=Path("/usr/share"), src_url="https://example.test/f.mp4")
    assert url.note == "" and "src='https://example.test/f.mp4'" in url.static_html()


def test_player_lists_shots_with_start_prompt_and_cost(film_dir: Path) -> None:
    player = ui.VideoPlayer(film_dir, base_dir=film_dir)
    assert [(s["id"], s["start"], s["seconds"]) for s in player.shots] == [
        ("shot-01", 0.0, 4),
        ("shot-02", 4.0, 8),
    ]
    assert player.shots[1]["cost"] == "$0.80"
    assert "the milk won't pour" in player.shots[0]["prompt"]
    player.seek("shot-02")
    assert player.seek_shot == 1
    with pytest.raises(IndexError):
        player.seek(5)


def test_player_static_fallback_has_poster_and_reference(film_dir: Path) -> None:
    player = ui.VideoPlayer(film_dir, base_dir=film_dir)
    data, _meta = player._repr_mimebundle_()
    html = data["text/html"]
    assert "<video" in html and "poster='data:image/jpeg;base64," in html
    assert "src='film.mp4'" in html and "Shot 2 title" in html and "$0.80" in html
    assert data["application/vnd.jupyter.widget-view+json"]["model_id"] == player.model_id


def test_player_refuses_a_film_that_was_not_stitched(tmp_path: Path) -> None:
    folder = make_film(tmp_path / "partial", (4,), stitched=False)
    with pytest.raises(ValueError, match="no film to play"):
        ui.VideoPlayer(folder)


def test_poster_of_a_portrait_video_is_small(tmp_path: Path) -> None:
    folder = make_film(tmp_path / "tall", (4,), size="720x1280")
    jpeg = poster_jpeg(folder / "film.mp4", at=99.0, width=240)  # past the end: first frame
    assert jpeg[:2] == b"\xff\xd8" and len(jpeg) < 30_000
    with pytest.raises(FileNotFoundError):
        poster_jpeg(tmp_path / "missing.mp4")


# -- the studio app ------------------------------------------------------------------------

SMALL_REPO = {
    "README.md": "# Pantry\n\nKeeps track of what is in the pantry.\n",
    "pantry/__init__.py": '"""Pantry: jars, shelves and the things that go wrong."""\n',
    "pantry/store.py": (
        '"""Storing jars on shelves."""\n\n\nclass ShelfFullError(Exception):\n'
        '    """No room left on the shelf."""\n\n\nclass Shelf:\n'
        '    """A shelf that holds jars."""\n\n    def put(self, jar):\n'
        "        try:\n            self.jars.append(jar)\n        except KeyError:\n"
        "            raise ShelfFullError(jar)\n\n\ndef load(path):\n"
        '    """Load the pantry from a file."""\n    try:\n        import json\n'
        "    except ImportError:\n        raise\n    return json.load(open(path))\n"
    ),
}


def test_studio_app_from_repo_to_film(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sorafilm_nb.backends.openai_api import OpenAIBackend
    from sorafilm_nb.backends.simulator import Simulator
    from sorafilm_nb.ui import studio

    # the notebook's folder is the working directory, in the user's home: the app's status
    # is widget state, saved into the shared notebook
    monkeypatch.setenv("HOME", str(tmp_path.parent))
    monkeypatch.chdir(tmp_path)
    repo = tmp_path / "pantry"
    for name, text in SMALL_REPO.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    # the simulator draws 256x144 (not 640x360): the app's state and faces are checked here,
    # never the film's pixels
    sim = Simulator(job_seconds=0.2, render_scale=0.2)
    with Ledger(tmp_path / "ledger.sqlite3") as led, sim:
        led.set_budget(Cost(Decimal(2000)))
        app = studio(
            repo,
            template="single-12",
            ledger=led,
            out_dir=tmp_path / "out",
            backend=OpenAIBackend.for_simulator(sim),
        )
        assert "sorafilm-studio" in app._dom_classes
        first = app.plan
        assert first is not None and first.total == Cost(Decimal(120))
        assert app.make.description == "Make the film · $1.20"
        # a new metaphor re-plans: another prompt, another plan id, same price
        # (single-12 films the star, plot.star: the entry its one shot shows)
        entry = app.plan.storyboard.shots[0].cast
        k = app.casting.entries.index(entry)
        other = next(mid for mid, _ in entry.alternatives if mid != entry.metaphor.id)
        app.picker.dropdowns[k].value = other
        assert app.plan.id != first.id
        assert f"plan {app.plan.id[:8]}" in app.budget.output.value  # the user sees it
        film = app.make_film(block=True)
        assert film is not None and film.ok, app.status.value
        assert film.out_dir == tmp_path / "out" / app.plan.id
        assert app.status.value.endswith(f"; film: out/{app.plan.id}/film.mp4"), app.status.value
        player = app.player_box.children[0]
        assert isinstance(player, ui.VideoPlayer) and player.shots
        assert led.remaining() == Cost(Decimal(2000 - 120))
        assert not app.make.disabled  # ready for another go once the run is over
        bars = app.progress_box.children[0]
        assert bars.finished == len(app.plan.storyboard.shots)
        static = app._repr_mimebundle_()["text/html"]  # what share() and static readers get
        assert "<video" in static and app.plan.id in static
        assert app.casting.entries[0].gag in static
        assert str(tmp_path) not in json.dumps(app.status.get_state())

        def full_disk() -> None:
            raise OSError(28, "No space left on device", str(tmp_path / "out" / "x.mp4"))

        app._studio_factory = full_disk
        assert app.make_film(block=True) is None
        assert "OSError</b>: [Errno 28] No space left on device: &#x27;./out/x.mp4&#x27;" in (
            app.status.value
        )
        assert str(tmp_path) not in app.status.value and tmp_path.name not in app.status.value


def test_static_face_of_the_concept_table() -> None:
    table = ui.ConceptTable(PROFILE)
    html = table._repr_mimebundle_()["text/html"]
    assert "sorafilm-concepts" in html and ">ImportError<" in html


# -- spend dashboard -----------------------------------------------------------------------


@pytest.mark.slow
def test_spend_dashboard_reads_the_ledger_and_refreshes(ledger: Ledger) -> None:
    from sorafilm_nb.ui import SpendDashboard

    prices = PriceTable.load()

    def job(k: int, seconds: int) -> None:
        cost = prices.cost("sora-2", "1280x720", seconds)
        res = ledger.reserve(
            cost,
            "draft",
            "plan-x",
            shot=f"shot-{k:02d}",
            model="sora-2",
            size="1280x720",
            seconds=seconds,
        )
        ledger.attach(res, f"video_{k}")
        ledger.settle(f"video_{k}", cost)

    job(1, 8)
    board = SpendDashboard(ledger, prices=prices)
    assert "sorafilm-dashboard" in board._dom_classes
    assert board.tabs.get_title(0) == "Cumulative spend"
    assert board.tabs.get_title(4) == "Estimate vs billed"
    assert all(img.value[:8] == b"\x89PNG\r\n\x1a\n" for img in board.images)
    assert "$4.20 left" in board.summary.value and "1 completed" in board.summary.value
    before = board.images[0].value
    job(2, 12)
    board.refresh_button.click()
    assert board.refreshed == 2
    assert "$3.00 left" in board.summary.value and "2 completed" in board.summary.value
    assert board.images[0].value != before
    ledger.set_budget(Cost(Decimal(50)))  # $0.50: the $2.00 spent is $1.50 over it
    board.refresh()
    assert "<b>$1.50 over</b>" in board.summary.value and "$-" not in board.summary.value
