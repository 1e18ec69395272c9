"""The studio end to end: the real simulator, through the real openai SDK, a real ledger file.

One hand-written fake backend remains, for what no honest server would send (a job id made
to escape the output folder).

The studio's other subjects have files of their own (test_runner_*.py): interrupts and
timeouts, resume after a crash and reruns, the film folder and its lock, the command line.
"""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path

import pytest
from provider_fixtures import animatics_drawn_once  # noqa: F401 - a fixture, by name
from runner_fixtures import *  # noqa: F403 - the sim and ledger fixtures
from runner_fixtures import folder_files, plan_rows, settled_sum, studio_for
from studio_child import make_plan

from sorafilm_nb.backends.openai_api import OpenAIBackend
from sorafilm_nb.backends.simulator import Fault, Simulator
from sorafilm_nb.markup import MD_DOLLAR
from sorafilm_nb.money.cost import Cost
from sorafilm_nb.money.ledger import BudgetExceeded, Ledger
from sorafilm_nb.money.prices import PriceTable
from sorafilm_nb.render import media_duration
from sorafilm_nb.studio.folder import Film, sha256_file
from sorafilm_nb.studio.runner import ShotProgress, Studio

pytestmark = pytest.mark.usefixtures("animatics_drawn_once")  # each animatic drawn once

# -- the whole pipeline -----------------------------------------------------------------------


def test_full_film_on_the_simulator(sim, ledger: Ledger, tmp_path: Path) -> None:
    plan = make_plan(3, seconds=4, tag="full")
    events: list[ShotProgress] = []
    lock = threading.Lock()

    def progress(event: ShotProgress) -> None:
        with lock:
            events.append(event)

    out = tmp_path / "film"
    film = studio_for(sim, ledger).run(plan, out, on_progress=progress)

    assert film.ok, film.summary()
    assert film.film == (out / "film.mp4").resolve() or film.film == out / "film.mp4"
    # Durations read back from the files, not assumed.
    shot_durations = [media_duration(out / s.file) for s in film.shots]
    assert all(abs(d - 4.0) < 0.1 for d in shot_durations), shot_durations
    assert abs(media_duration(out / "film.mp4") - sum(shot_durations)) < 0.1
    # The manifest: the plan, then one entry per shot whose sha256 matches the file.
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["plan_id"] == plan.id and manifest["plan"]["id"] == plan.id
    assert [e["shot_id"] for e in manifest["shots"]] == ["shot-01", "shot-02", "shot-03"]
    for entry in manifest["shots"]:
        assert entry["status"] == "completed"
        assert entry["sha256"] == sha256_file(out / entry["file"])
        assert entry["job_id"].startswith("video_")
        assert entry["prompt"] and entry["model"] == "sora-2" and entry["size"] == "1280x720"
        assert entry["estimated_cents"] == 40 and entry["billed_cents"] == 40
    # Exactly one job per shot, and the ledger holds what the shots were billed, nothing open.
    assert len(sim.jobs()) == 3 and sim.calls["create"] == 3
    assert settled_sum(ledger, plan.id) == 120 == int(film.billed.cents)
    assert not [r for r in ledger.pending() if r.plan_id == plan.id]
    assert {r.status for r in plan_rows(ledger, plan.id)} == {"completed"}
    # Progress: every shot went through reserved → ... → completed, with its job id.
    for sid in ("shot-01", "shot-02", "shot-03"):
        mine = [e for e in events if e.shot_id == sid]
        assert mine[0].status == "reserved" and mine[-1].status == "completed"
        assert mine[-1].progress == 100 and mine[-1].job_id is not None
    # Bounded concurrency: never more than 2 shots (the default) between create and done.
    state: dict[str, str] = {}
    busiest = 0
    for e in events:
        state[e.shot_id] = e.status
        busiest = max(
            busiest,
            sum(1 for st in state.values() if st in ("queued", "in_progress", "downloading")),
        )
    assert busiest == 2
    report = (out / "report.md").read_text()  # read as text: its amounts as written
    assert "shot-03" in report and "$1.20" in report and MD_DOLLAR not in report
    assert folder_files(out) == {
        "shot-01.mp4",
        "shot-02.mp4",
        "shot-03.mp4",
        "film.mp4",
        "manifest.json",
        "report.md",
    }
    loaded = Film.load(out)
    assert loaded.ok and loaded.billed == film.billed and loaded.shots == film.shots
    shown = loaded._repr_markdown_()  # what a notebook shows
    assert re.search(r"\| shot-02 \| [^|]+ \| completed \|", shown), shown


@pytest.mark.parametrize(
    ("hint_ms", "backoff", "low", "high"), [(100, 0.3, 6, 14), (500, 0.02, 2, 4)]
)
def test_polling_follows_the_server_hint(
    hint_ms: int, backoff: float, low: int, high: int, ledger: Ledger, tmp_path: Path
) -> None:
    # A 1 s job. Our own backoff alone (from 0.3 s: about 3 polls; from 0.02 s: about 6)
    # would miss either bound: the server's hint sets the pace.
    with Simulator(job_seconds=1.0, poll_after_ms=hint_ms, render_scale=0.2) as sim:
        studio = Studio(
            OpenAIBackend.for_simulator(sim),
            ledger,
            min_poll_interval=backoff,
            max_poll_interval=5.0,
        )
        film = studio.run(make_plan(1, tag=f"hint{hint_ms}"), tmp_path / "f")
        assert film.ok
        assert low <= sim.calls["retrieve"] <= high, sim.calls


# -- refusals, faults --------------------------------------------------------------------------


def test_refused_shot_is_reported_and_nothing_is_stitched(
    sim, ledger: Ledger, tmp_path: Path
) -> None:
    plan = make_plan(3, refuse=(1,), tag="refuse")
    out = tmp_path / "film"
    film = studio_for(sim, ledger).run(plan, out)

    assert film.film is None and not (out / "film.mp4").exists()
    assert film.unfinished == ("shot-02",)  # refused: not to retry, but not done either
    refused = film.shots[1]
    assert refused.status == "refused" and refused.error_code == "moderation_blocked"
    assert "moderation" in (refused.error or "")
    assert refused.file is None and not (out / "shot-02.mp4").exists()
    rows = {r.shot: r for r in plan_rows(ledger, plan.id)}
    # Failed jobs are not billed under the packaged price table: the reservation is released.
    assert PriceTable.load().failed_jobs_billed is False
    assert rows["shot-02"].status == "refused" and rows["shot-02"].billed_cents is None
    assert rows["shot-01"].status == rows["shot-03"].status == "completed"
    assert settled_sum(ledger, plan.id) == 80
    assert "shot-02" in (out / "report.md").read_text()
    # refused by moderation: said as refused, not "to retry" (resume --retry skips it)
    assert "refused as sent (a retry is refused again" in film.summary()
    assert "to retry" not in film.summary()
    assert "Refused as sent (a retry is refused again" in (out / "report.md").read_text()


def test_a_refused_shot_is_charged_when_the_price_table_says_so(
    sim, ledger: Ledger, tmp_path: Path
) -> None:
    from dataclasses import replace

    billing = replace(PriceTable.load(), failed_jobs_billed=True)
    plan = make_plan(2, refuse=(0,), tag="billed-failure")
    film = studio_for(sim, ledger, prices=billing).run(plan, tmp_path / "f")
    assert film.shots[0].status == "refused" and film.shots[0].billed == Cost(40)
    rows = {r.shot: r for r in plan_rows(ledger, plan.id)}
    assert rows["shot-01"].status == "refused" and rows["shot-01"].billed_cents == 40
    assert settled_sum(ledger, plan.id) == 80 == int(film.billed.cents)


def test_a_429_burst_is_survived(sim, ledger: Ledger, tmp_path: Path) -> None:
    sim.faults.rate_limit = Fault(count=12)
    film = studio_for(sim, ledger).run(make_plan(3, tag="429"), tmp_path / "f")
    assert film.ok, film.summary()
    assert sim.faults.rate_limit.fired == 12
    assert len(sim.jobs()) == 3


@pytest.mark.parametrize("fault", ["server_error", "drop_connection"])
def test_errors_while_polling_are_survived(fault: str, sim, ledger: Ledger, tmp_path: Path) -> None:
    setattr(sim.faults, fault, Fault(count=6, ops=frozenset({"retrieve"})))
    film = studio_for(sim, ledger).run(make_plan(2, tag=f"poll-{fault}"), tmp_path / "f")
    assert film.ok, film.summary()
    assert getattr(sim.faults, fault).fired == 6 and sim.calls["create"] == 2


def test_a_429_on_create_is_retried_without_a_second_job(
    sim, ledger: Ledger, tmp_path: Path
) -> None:
    sim.faults.rate_limit = Fault(count=3, ops=frozenset({"create"}))
    film = studio_for(sim, ledger, concurrency=1).run(make_plan(2, tag="429c"), tmp_path / "f")
    assert film.ok, film.summary()
    assert sim.faults.rate_limit.fired == 3
    assert len(sim.jobs()) == 2


def test_a_lost_create_response_yields_exactly_one_job(sim, ledger: Ledger, tmp_path: Path) -> None:
    sim.faults.lose_create_response = Fault(count=1)
    plan = make_plan(2, tag="lost")
    film = studio_for(sim, ledger).run(plan, tmp_path / "f")
    assert sim.faults.lose_create_response.fired == 1
    assert len(sim.jobs()) == 2, [j["prompt"] for j in sim.jobs()]
    assert film.ok, film.summary()
    assert settled_sum(ledger, plan.id) == 80


def test_budget_exceeded_before_any_create_means_zero_jobs(
    sim, ledger: Ledger, tmp_path: Path
) -> None:
    ledger.set_budget(Cost(100))  # $1.00; the plan costs $1.20
    plan = make_plan(3, tag="budget")
    with pytest.raises(BudgetExceeded) as info:
        studio_for(sim, ledger).run(plan, tmp_path / "f")
    assert "exceed" in str(info.value)
    assert sim.calls["create"] == 0 and sim.jobs() == []
    assert ledger.pending() == []
    assert ledger.remaining() == Cost(100)
    # The folder was never used: a cheaper plan may take it.
    cheaper = make_plan(2, tag="budget")
    assert studio_for(sim, ledger).run(cheaper, tmp_path / "f").ok
    assert ledger.remaining() == Cost(20)


def test_an_edited_manifest_cannot_reserve_below_the_price(
    sim, ledger: Ledger, tmp_path: Path
) -> None:
    """A manifest whose estimate was removed (it reads as zero) must not let a shot past the
    budget: the reservation is made at no less than the list price."""
    ledger.set_budget(Cost(30))  # the shot costs 40 ¢
    plan = make_plan(1, tag="edited")
    out = tmp_path / "f"
    with pytest.raises(BudgetExceeded):
        studio_for(sim, ledger).run(plan, out)
    manifest = json.loads((out / "manifest.json").read_text())
    del manifest["shots"][0]["estimated_cents"]
    (out / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(BudgetExceeded):
        studio_for(sim, ledger).resume(out)
    assert sim.calls["create"] == 0 and ledger.spent() == Cost(0)
    assert ledger.remaining() == Cost(30)


def test_polling_gives_up_on_endless_429s(sim, ledger: Ledger, tmp_path: Path) -> None:
    """The overall poll timeout holds when every retrieve is rate limited, too."""
    plan = make_plan(1, tag="429-forever")
    sim.faults.rate_limit = Fault(probability=1.0, ops=frozenset({"retrieve"}))
    studio = Studio(
        OpenAIBackend.for_simulator(sim, max_retries=0),
        ledger,
        poll_timeout=1.0,
        max_poll_interval=0.1,
        min_poll_interval=0.05,
    )
    result: list[Film] = []
    worker = threading.Thread(
        target=lambda: result.append(studio.run(plan, tmp_path / "f")), daemon=True
    )
    worker.start()
    worker.join(timeout=15)
    hung = worker.is_alive()
    studio.close()
    worker.join(timeout=10)
    assert not hung, "polling never gave up on a server that only answers 429"
    (shot,) = result[0].shots
    assert shot.status == "timeout" and "rate limited" in (shot.error or "")
    assert shot.job_id is not None and sim.calls["create"] == 1
    # the job may still bill: its reservation stays open for resume()
    assert [r.job_id for r in ledger.pending() if r.plan_id == plan.id] == [shot.job_id]
