"""The studio end to end: the real simulator, through the real openai SDK, a real ledger file.

One hand-written fake backend remains, for what no honest server would send (a job id made
to escape the output folder).
"""

from __future__ import annotations

import json
import os
import threading
import time
from decimal import Decimal
from pathlib import Path

import pytest
from studio_child import make_plan

from sorafilm_nb.backends.base import Job, NotFound
from sorafilm_nb.backends.openai_api import OpenAIBackend
from sorafilm_nb.backends.simulator import Fault, Simulator
from sorafilm_nb.money.cost import Cost
from sorafilm_nb.money.ledger import BudgetExceeded, Ledger, default_path
from sorafilm_nb.money.prices import PriceTable
from sorafilm_nb.render import media_duration, render_animatic
from sorafilm_nb.studio.folder import Film, FilmError, sha256_file
from sorafilm_nb.studio.runner import ShotProgress, Studio


@pytest.fixture
def sim():
    with Simulator(job_seconds=0.3, poll_after_ms=50, render_scale=0.2) as s:
        yield s


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    with Ledger(tmp_path / "ledger.sqlite3") as led:
        yield led


def studio_for(sim, ledger: Ledger, **kw) -> Studio:
    kw.setdefault("max_poll_interval", 0.2)
    kw.setdefault("min_poll_interval", 0.05)
    return Studio(OpenAIBackend.for_simulator(sim), ledger, **kw)


def plan_rows(ledger: Ledger, plan_id: str):
    return [r for r in ledger.records() if r.plan_id == plan_id]


def settled_sum(ledger: Ledger, plan_id: str) -> int:
    return sum(r.billed_cents or 0 for r in plan_rows(ledger, plan_id))


def folder_files(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


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
    report = (out / "report.md").read_text()
    assert "shot-03" in report and "$1.20" in report
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
    assert "| shot-02 | completed |" in loaded._repr_markdown_()  # what a notebook shows


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
    assert film.retry == ("shot-02",)
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
    assert "to retry: shot-02" in film.summary()


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


@pytest.mark.slow
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


@pytest.mark.slow
def test_an_interrupt_leaves_a_folder_that_resume_finishes(ledger: Ledger, tmp_path: Path) -> None:
    with Simulator(job_seconds=30.0, poll_after_ms=50, render_scale=0.2) as sim:
        plan = make_plan(3, tag="interrupt")
        out = tmp_path / "f"

        def stop_button(event: ShotProgress) -> None:
            if event.status == "in_progress":
                raise KeyboardInterrupt

        t0 = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            studio_for(sim, ledger, concurrency=3).run(plan, out, on_progress=stop_button)
        assert time.monotonic() - t0 < 15  # every wait stopped; the 30 s jobs were not
        created = sim.calls["create"]
        manifest = json.loads((out / "manifest.json").read_text())
        assert sum(1 for s in manifest["shots"] if s["job_id"]) == created >= 1
        sim.job_seconds = 0.0
        film = studio_for(sim, ledger).resume(out)
        assert film.ok, film.summary()
        assert sim.calls["create"] == 3 and len(sim.jobs()) == 3
        assert settled_sum(ledger, plan.id) == 120
        assert not [r for r in ledger.pending() if r.plan_id == plan.id]


def test_downloads_never_leave_partial_files(sim, ledger: Ledger, tmp_path: Path) -> None:
    sim.faults.drop_connection = Fault(count=2, ops=frozenset({"content"}))
    sim.faults.slow_download = Fault(count=1)
    out = tmp_path / "f"
    film = studio_for(sim, ledger).run(make_plan(2, tag="dl"), out)
    assert film.ok, film.summary()
    assert sim.faults.drop_connection.fired == 2
    assert folder_files(out) == {
        "shot-01.mp4",
        "shot-02.mp4",
        "film.mp4",
        "manifest.json",
        "report.md",
    }
    for shot in film.shots:
        assert sha256_file(out / shot.file) == shot.sha256


def test_expired_content_is_a_reported_state(sim, ledger: Ledger, tmp_path: Path) -> None:
    sim.faults.expire_content = Fault(count=1)
    out = tmp_path / "f"
    plan = make_plan(1, tag="expired")
    film = studio_for(sim, ledger).run(plan, out)
    shot = film.shots[0]
    assert shot.status == "expired" and shot.file is None and film.film is None
    assert folder_files(out) == {"manifest.json", "report.md"}
    # The job completed, so it was billed: the ledger says so.
    (row,) = plan_rows(ledger, plan.id)
    assert row.status == "completed" and row.billed_cents == 40


class _Killed(BaseException):
    """Stands in for a SIGKILL at one exact line (nothing after it runs in this run)."""


def test_expired_content_killed_before_the_ledger_heard_is_still_billed(
    sim, ledger: Ledger, tmp_path: Path, monkeypatch
) -> None:
    sim.faults.expire_content = Fault(count=1)
    out = tmp_path / "f"
    plan = make_plan(1, tag="expired-kill")

    def killed(*args, **kwargs):
        raise _Killed()

    monkeypatch.setattr(ledger, "settle", killed)
    with pytest.raises(_Killed):
        studio_for(sim, ledger).run(plan, out)
    monkeypatch.undo()
    film = studio_for(sim, ledger).resume(out)
    (shot,) = film.shots
    assert shot.status == "expired" and shot.billed is not None and shot.billed.cents == 40
    (row,) = plan_rows(ledger, plan.id)
    assert (row.status, row.billed_cents) == ("completed", 40)  # never "failed", unbilled
    assert sim.calls["create"] == 1


def test_resume_bills_an_expired_shot_the_ledger_still_holds_open(
    sim, ledger: Ledger, tmp_path: Path
) -> None:
    """A manifest that says expired (written before the ledger heard, as older versions did)
    is settled at its price on resume: the job completed, so it was billed."""
    out = tmp_path / "f"
    plan = make_plan(1, tag="expired-open")
    film = studio_for(sim, ledger, poll_timeout=0.01).run(plan, out)
    assert film.shots[0].status in ("timeout", "queued", "in_progress")
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["shots"][0].update(
        status="expired", error="completed but not downloadable", billed_cents=None
    )
    (out / "manifest.json").write_text(json.dumps(manifest))
    film = studio_for(sim, ledger).resume(out)
    assert film.shots[0].status == "expired" and film.shots[0].billed.cents == 40
    (row,) = plan_rows(ledger, plan.id)
    assert (row.status, row.billed_cents) == ("completed", 40)


def test_poll_timeout_is_reported_and_resume_finishes(ledger: Ledger, tmp_path: Path) -> None:
    with Simulator(job_seconds=30, poll_after_ms=50, render_scale=0.2) as sim:
        out = tmp_path / "f"
        plan = make_plan(1, tag="timeout")
        t0 = time.monotonic()
        film = studio_for(sim, ledger, poll_timeout=0.5).run(plan, out)
        assert time.monotonic() - t0 < 20  # the 30 s job was not waited for
        assert film.shots[0].status == "timeout" and film.film is None
        (row,) = [r for r in ledger.pending() if r.plan_id == plan.id]
        assert row.job_id == film.shots[0].job_id  # still reserved: the job may yet bill
        sim.job_seconds = 0.0
        film = studio_for(sim, ledger).resume(out)
        assert film.ok, film.summary()
        assert sim.calls["create"] == 1
        assert settled_sum(ledger, plan.id) == 40


def test_a_vanished_job_is_reported_not_waited_for(ledger: Ledger, tmp_path: Path) -> None:
    with Simulator(job_seconds=30, poll_after_ms=50, render_scale=0.2) as sim:
        plan = make_plan(1, tag="vanish")
        out = tmp_path / "f"
        film = studio_for(sim, ledger, poll_timeout=0.3).run(plan, out)
        assert film.shots[0].status == "timeout"
        # While nobody watched, the job finished and the server forgot it.
        sim.job_seconds = 0.0
        OpenAIBackend.for_simulator(sim).delete(film.shots[0].job_id)
        t0 = time.monotonic()
        film = studio_for(sim, ledger).resume(out)
        assert time.monotonic() - t0 < 20  # reported at once, never a 30-minute poll
        shot = film.shots[0]
        assert shot.status == "lost" and film.film is None
        assert "unknown to the server" in shot.error
        # Whether it was billed is unknowable: booked at its estimate, never less.
        (row,) = plan_rows(ledger, plan.id)
        assert row.status == "failed" and row.billed_cents == 40 and "vanished" in row.reason
        assert sim.calls["create"] == 1


# -- resume after a crash between reserve and attach -----------------------------------------


def crash_after_reserve(studio: Studio, plan, out: Path, indices: list[int], sim):
    """A process killed right after create returned, before attach: the shots in indices are
    reserved in the ledger (the manifest says "reserved", no job id), and the first of them
    was created on the server. Returns (the run's shots, the created job)."""
    from sorafilm_nb.studio.state import RunState

    shots = studio._shots_of(plan)
    run = RunState(
        out_dir=out,
        plan_id=plan.id,
        plan_json={"id": plan.id},
        shots=shots,
        backend="simulator",
        on_progress=None,
    )
    out.mkdir()
    studio._reserve_all(run, indices)
    job = OpenAIBackend.for_simulator(sim).create(
        prompt=shots[indices[0]].prompt, model="sora-2", seconds=4, size="1280x720"
    )
    return run.shots, job


def test_resume_finds_a_job_created_before_the_crash(sim, ledger: Ledger, tmp_path: Path) -> None:
    plan = make_plan(2, tag="crash")
    out = tmp_path / "f"
    crash_after_reserve(studio_for(sim, ledger), plan, out, [0, 1], sim)
    assert sim.calls["create"] == 1

    film = studio_for(sim, ledger).resume(out)
    assert film.ok, film.summary()
    assert sim.calls["create"] == 2  # shot 1 found with list(), shot 2 created once
    assert len(sim.jobs()) == 2
    rows = plan_rows(ledger, plan.id)
    assert sorted((r.shot, r.status) for r in rows) == [
        ("shot-01", "completed"),
        ("shot-02", "completed"),
        ("shot-02", "released"),
    ]
    (released,) = [r for r in rows if r.status == "released"]
    assert "no job was found" in released.reason
    assert settled_sum(ledger, plan.id) == 80


def test_a_folder_is_not_resumed_against_another_ledger(ledger: Ledger, tmp_path: Path) -> None:
    """Resumed with another ledger file, the finished jobs would be charged nowhere and the
    first ledger's reservations would hold its budget for ever."""
    with Simulator(job_seconds=30, poll_after_ms=50, render_scale=0.2) as sim:
        plan = make_plan(1, tag="two-ledgers")
        out = tmp_path / "f"
        film = studio_for(sim, ledger, poll_timeout=0.3).run(plan, out)
        assert film.shots[0].status == "timeout"
        sim.job_seconds = 0.0
        before = (out / "manifest.json").read_bytes()
        with Ledger(tmp_path / "other.sqlite3") as other:
            with pytest.raises(
                FilmError,
                match=r"another ledger.*other\.sqlite3.*new output folder.*ledger that made",
            ):
                studio_for(sim, other).resume(out)
            assert other.records() == []
        assert (out / "manifest.json").read_bytes() == before
        assert sim.calls["content"] == 0
        film = studio_for(sim, ledger).resume(out)  # the right ledger finishes it
        assert film.ok and settled_sum(ledger, plan.id) == 40 and ledger.pending() == []


def test_resume_finds_the_job_when_the_server_clock_lags(ledger: Ledger, tmp_path: Path) -> None:
    """created_at is the server's clock: 30 s behind ours must not hide the job (and pay
    for the shot again)."""
    with Simulator(job_seconds=0.3, poll_after_ms=50, render_scale=0.2, skew=-30) as sim:
        plan = make_plan(1, tag="skew")
        out = tmp_path / "f"
        _, job = crash_after_reserve(studio_for(sim, ledger), plan, out, [0], sim)
        assert job.created_at < time.time() - 25  # the server's clock, as sent
        film = studio_for(sim, ledger).resume(out)
        assert film.ok, film.summary()
        assert sim.calls["create"] == 1 and film.shots[0].job_id == job.id
        assert settled_sum(ledger, plan.id) == 40


def test_resume_looks_before_creating_even_after_a_stale_release(
    sim, ledger: Ledger, tmp_path: Path
) -> None:
    from sorafilm_nb.money.ledger import BudgetWarning

    plan = make_plan(1, tag="stale")
    shots, _ = crash_after_reserve(studio_for(sim, ledger), plan, tmp_path / "f", [0], sim)
    out = tmp_path / "f"
    # The process died before attach; later the ledger released the reservation as stale.
    ledger.release(shots[0].reservation_id, "stale: test")
    with pytest.warns(BudgetWarning, match="re-opened|released"):
        film = studio_for(sim, ledger).resume(out)
    assert film.ok, film.summary()
    assert sim.calls["create"] == 1  # found with list(), never created twice
    (row,) = plan_rows(ledger, plan.id)
    assert row.status == "completed" and row.billed_cents == 40


def test_resume_releases_what_a_rerun_reserved_before_it_was_killed(
    sim, ledger: Ledger, tmp_path: Path, monkeypatch
) -> None:
    from sorafilm_nb.studio.state import RunState

    plan = make_plan(2, tag="rerun-kill")
    out = tmp_path / "f"
    assert studio_for(sim, ledger).run(plan, out).ok

    def killed(self) -> None:
        raise _Killed()

    monkeypatch.setattr(RunState, "save", killed)  # dies right after reserving
    with pytest.raises(_Killed):
        studio_for(sim, ledger).rerun(out, ["shot-02"], model="sora-2-pro")
    monkeypatch.undo()
    assert [r.shot for r in ledger.pending() if r.plan_id == plan.id] == ["shot-02"]
    film = studio_for(sim, ledger).resume(out)
    assert film.ok and sim.calls["create"] == 2
    assert [r for r in ledger.pending() if r.plan_id == plan.id] == []
    released = [r for r in plan_rows(ledger, plan.id) if r.status == "released"]
    assert len(released) == 1 and "rerun" in released[0].reason
    assert settled_sum(ledger, plan.id) == 80  # the draft only: nothing was rendered twice


# -- draft → final ----------------------------------------------------------------------------


def test_rerun_renders_chosen_shots_on_the_pro_model(sim, ledger: Ledger, tmp_path: Path) -> None:
    plan = make_plan(2, tag="rerun")
    out = tmp_path / "f"
    draft = studio_for(sim, ledger).run(plan, out)
    assert draft.ok
    old = draft.shots[1]
    final = studio_for(sim, ledger).rerun(draft, ["shot-02"], model="sora-2-pro")
    assert final.ok, final.summary()
    new = final.shots[1]
    assert new.model == "sora-2-pro" and new.job_id != old.job_id
    assert new.billed == PriceTable.load().cost("sora-2-pro", "1280x720", 4) == Cost(120)
    assert new.history[-1]["job_id"] == old.job_id
    assert new.sha256 == sha256_file(out / "shot-02.mp4")
    assert final.shots[0] == draft.shots[0]
    assert abs(media_duration(out / "film.mp4") - 8.0) < 0.1
    assert settled_sum(ledger, plan.id) == 40 + 40 + 120
    assert sim.calls["create"] == 3


def test_rerun_over_budget_changes_nothing(sim, ledger: Ledger, tmp_path: Path) -> None:
    plan = make_plan(1, tag="rerun-budget")
    out = tmp_path / "f"
    studio_for(sim, ledger).run(plan, out)
    before = (out / "manifest.json").read_bytes()
    ledger.set_budget(Cost(100))
    with pytest.raises(BudgetExceeded):
        studio_for(sim, ledger).rerun(out, [1], model="sora-2-pro")
    assert (out / "manifest.json").read_bytes() == before
    assert sim.calls["create"] == 1


def test_running_the_same_plan_again_does_not_pay_twice(
    sim, ledger: Ledger, tmp_path: Path
) -> None:
    plan = make_plan(2, tag="twice")
    out = tmp_path / "f"
    studio_for(sim, ledger).run(plan, out)
    again = studio_for(sim, ledger).run(plan, out)
    assert again.ok and sim.calls["create"] == 2
    assert settled_sum(ledger, plan.id) == 80
    with pytest.raises(FilmError, match="already holds"):
        studio_for(sim, ledger).run(make_plan(1, tag="other"), out)


def test_a_blocked_plan_submits_nothing(sim, ledger: Ledger, tmp_path: Path) -> None:
    from dataclasses import replace

    from sorafilm_nb.errors import PlanError
    from sorafilm_nb.story.lint import ERROR, Finding

    plan = replace(
        make_plan(1, tag="blocked"),
        findings=(
            Finding(rule="real-person", severity=ERROR, message="names a real person", hint="h"),
        ),
    )
    with pytest.raises(PlanError, match="real person"):
        studio_for(sim, ledger).run(plan, tmp_path / "f")
    assert sim.calls["create"] == 0 and ledger.pending() == []


# -- a server that sends a hostile job id ----------------------------------------------------


class HostileBackend:
    """A Videos API whose job ids try to climb out of the output folder."""

    name = "hostile"

    def __init__(self) -> None:
        self.jobs: dict[str, Job] = {}
        self.n = 0

    def create(self, *, prompt: str, model: str, seconds: int, size: str) -> Job:
        self.n += 1
        job = Job(
            id=f"../../escape-{self.n}/x" if self.n == 1 else f"/tmp/abs-{self.n}",
            status="queued",
            progress=0,
            model=model,
            seconds=seconds,
            size=size,
            prompt=prompt,
            created_at=int(time.time()),
        )
        self.jobs[job.id] = job
        return job

    def retrieve(self, job_id: str) -> Job:
        from dataclasses import replace

        if job_id not in self.jobs:
            raise NotFound(job_id)
        return replace(self.jobs[job_id], status="completed", progress=100)

    def download(self, job_id: str, dest: Path, *, variant: str = "video") -> Path:
        job = self.jobs[job_id]
        return render_animatic(
            dest, seconds=job.seconds, size=job.size, title=job_id, scale=0.1, fps=4
        )

    def list(self, *, after=None, limit=100, order="desc") -> list[Job]:
        return list(self.jobs.values())

    def remix(self, job_id: str, *, prompt: str) -> Job:
        raise NotImplementedError

    def extend(self, job_id: str, *, prompt: str, seconds: int) -> Job:
        raise NotImplementedError

    def delete(self, job_id: str) -> None:
        self.jobs.pop(job_id, None)


def test_a_hostile_job_id_cannot_write_outside_the_folder(ledger: Ledger, tmp_path: Path) -> None:
    out = tmp_path / "a" / "b" / "film"
    film = Studio(HostileBackend(), ledger, min_poll_interval=0.01).run(
        make_plan(2, tag="hostile"), out
    )
    assert film.ok, film.summary()
    assert film.shots[0].job_id == "../../escape-1/x"
    assert folder_files(out) == {
        "shot-01.mp4",
        "shot-02.mp4",
        "film.mp4",
        "manifest.json",
        "report.md",
    }
    outside = [
        p
        for p in tmp_path.rglob("*")
        if p.is_file() and out not in p.parents and not p.name.startswith("ledger.sqlite3")
    ]
    assert outside == []
    assert not Path("/tmp/abs-2").exists()


def test_a_manifest_naming_a_file_outside_the_folder_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "f"
    out.mkdir()
    shot = {
        "shot_id": "shot-01",
        "index": 0,
        "status": "completed",
        "job_id": "video_x",
        "seconds": 4,
        "model": "sora-2",
        "size": "1280x720",
        "prompt": "p",
        "estimated_cents": 40,
        "file": "../../etc/passwd",
    }
    (out / "manifest.json").write_text(
        json.dumps({"format": "sorafilm-manifest", "version": 1, "plan_id": "p", "shots": [shot]})
    )
    with pytest.raises(FilmError, match="unsafe file name"):
        Film.load(out)


def test_film_load_explains_a_missing_or_foreign_manifest(tmp_path: Path) -> None:
    with pytest.raises(FilmError, match="no manifest"):
        Film.load(tmp_path)
    (tmp_path / "manifest.json").write_text('{"hello": 1}')
    with pytest.raises(FilmError, match="not a sorafilm manifest"):
        Film.load(tmp_path)
    (tmp_path / "manifest.json").write_text("{nope")
    with pytest.raises(FilmError, match="not valid JSON"):
        Film.load(tmp_path)


def test_manifest_amounts_are_never_floats(tmp_path: Path) -> None:
    out = tmp_path / "f"
    out.mkdir()
    shot = {
        "shot_id": "shot-01",
        "index": 0,
        "status": "planned",
        "job_id": None,
        "seconds": 4,
        "model": "sora-2",
        "size": "1280x720",
        "prompt": "p",
        "estimated_cents": 40.5,
    }
    (out / "manifest.json").write_text(
        json.dumps({"format": "sorafilm-manifest", "version": 1, "plan_id": "p", "shots": [shot]})
    )
    with pytest.raises(FilmError, match="cents must be an int or a decimal string"):
        Film.load(out)
    shot["estimated_cents"] = "40.5"
    (out / "manifest.json").write_text(
        json.dumps({"format": "sorafilm-manifest", "version": 1, "plan_id": "p", "shots": [shot]})
    )
    assert Film.load(out).shots[0].estimated == Cost(Decimal("40.5"))
    for bad in ("Infinity", "NaN", str(10**16)):  # an edit no job can cost: name the file
        shot["estimated_cents"] = bad
        (out / "manifest.json").write_text(
            json.dumps(
                {"format": "sorafilm-manifest", "version": 1, "plan_id": "p", "shots": [shot]}
            )
        )
        with pytest.raises(FilmError, match=r"manifest\.json.*estimated_cents.*can cost"):
            Film.load(out)


def test_an_altered_shot_file_is_downloaded_again_not_paid_again(
    sim, ledger: Ledger, tmp_path: Path
) -> None:
    plan = make_plan(2, tag="altered")
    out = tmp_path / "f"
    film = studio_for(sim, ledger).run(plan, out)
    good = film.shots[0].sha256
    (out / "shot-01.mp4").write_bytes(b"not the video any more")
    again = studio_for(sim, ledger).resume(out)
    assert again.ok, again.summary()
    assert sha256_file(out / "shot-01.mp4") == good
    assert sim.calls["create"] == 2 and settled_sum(ledger, plan.id) == 80


# -- the command line -------------------------------------------------------------------------


@pytest.fixture
def tiny_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "tiny"
    repo.mkdir()
    (repo / "README.md").write_text("# Tiny\n\nA tiny recipe loader.\n")
    (repo / "loader.py").write_text(
        '"""Load recipes from disk."""\n\n\nclass RecipeError(Exception):\n'
        '    """A recipe could not be read."""\n\n\ndef load(path):\n    try:\n'
        "        import json\n    except ImportError:\n"
        '        raise RecipeError("no json")\n    return json.load(open(path))\n'
    )
    return repo


def test_cli_film_dry_run_then_film_then_resume(
    tiny_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sorafilm_nb.cli import main

    out = tmp_path / "out"
    ledger_path = tmp_path / "cli-ledger.sqlite3"
    common = [
        "--repo",
        str(tiny_repo),
        "--template",
        "single-12",
        "--out",
        str(out),
        "--ledger",
        str(ledger_path),
        "--sim-seconds",
        "0.2",
    ]
    assert main(["film", *common, "--dry-run"]) == 0
    printed = capsys.readouterr().out
    assert "shot-01" in printed and "$1.20" in printed and "dry run" in printed
    assert not out.exists()

    assert main(["film", *common]) == 0
    printed = capsys.readouterr().out
    assert "1/1 shots completed, billed $1.20" in printed
    captions = json.loads((out / "manifest.json").read_text())["plan"]["captions"]
    cards = sum(c["end_ms"] - c["start_ms"] for c in captions if c["kind"] != "lower-third")
    assert cards == 6000  # a title card and the end card: screen time at $0
    assert abs(media_duration(out / "film.mp4") - (12.0 + cards / 1000)) < 0.1
    with Ledger(ledger_path) as led:
        assert [r.status for r in led.records()] == ["completed"]

    assert main(["resume", str(out), "--ledger", str(ledger_path), "--sim-seconds", "0.2"]) == 0
    assert "1/1 shots completed" in capsys.readouterr().out
    with Ledger(ledger_path) as led:
        assert len(led.records()) == 1  # nothing paid twice


def test_cli_real_needs_a_key_and_never_prints_one(
    tiny_repo: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sorafilm_nb.cli import main

    secret = "sk-test-SECRET-never-shown-1234567890"
    with Simulator(api_key=secret, job_seconds=0.2) as server:  # a "real" API wanting a key
        ledger_path = tmp_path / "l.sqlite3"
        args = [
            "film",
            "--repo",
            str(tiny_repo),
            "--template",
            "single-12",
            "--ledger",
            str(ledger_path),
            "--real",
            "--base-url",
            server.base_url,
        ]
        assert main([*args, "--out", str(tmp_path / "none")]) == 2
        assert "OPENAI_API_KEY" in capsys.readouterr().err
        assert server.calls["create"] == 0

        # A wrong key: the API says no (401), nothing is created, the reservation released.
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-WRONG-key-0987654321")
        assert main([*args, "--out", str(tmp_path / "wrong")]) == 1
        captured = capsys.readouterr()
        assert "rejected" in captured.out and "WRONG" not in captured.out + captured.err
        with Ledger(ledger_path) as led:
            assert led.pending() == [] and [r.status for r in led.records()] == ["released"]

        # The right key: the film is made, and the key is in no output, file or ledger row.
        monkeypatch.setenv("OPENAI_API_KEY", secret)
        assert main([*args, "--out", str(tmp_path / "out")]) == 0
        captured = capsys.readouterr()
    assert "1/1 shots completed" in captured.out
    seen = captured.out + captured.err
    for path in (tmp_path / "out").iterdir():
        if path.suffix in (".json", ".md"):
            seen += path.read_text()
    with Ledger(ledger_path) as led:
        seen += repr(led.records()) + led.report("markdown")
    assert "SECRET" not in seen


def test_cli_resume_of_a_folder_that_is_not_a_film(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sorafilm_nb.cli import main

    assert main(["resume", str(tmp_path)]) == 2
    assert "no manifest here" in capsys.readouterr().err


def test_cli_resume_retry_after_the_embedded_simulator_died(
    tiny_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sorafilm_nb.cli import main

    out = tmp_path / "out"
    ledger_path = tmp_path / "l.sqlite3"
    # The run gives up polling; its embedded simulator (and the job) end with the command.
    assert (
        main(
            [
                "film",
                "--repo",
                str(tiny_repo),
                "--template",
                "single-12",
                "--out",
                str(out),
                "--ledger",
                str(ledger_path),
                "--sim-seconds",
                "30",
                "--poll-timeout",
                "0.5",
            ]
        )
        == 1
    )
    assert "finish with: sorafilm resume" in capsys.readouterr().out
    # A new simulator does not know the job: reported lost, then --retry makes it again.
    assert (
        main(["resume", str(out), "--retry", "--ledger", str(ledger_path), "--sim-seconds", "0.2"])
        == 0
    )
    printed = capsys.readouterr()
    assert "retrying shot-01" in printed.err and "1/1 shots completed" in printed.out
    film = Film.load(out)
    assert film.ok and film.shots[0].history[-1]["status"] == "lost"
    with Ledger(ledger_path) as led:
        rows = led.records()
        assert sorted(r.status for r in rows) == ["completed", "failed"]
        assert led.pending() == []


def test_cli_resume_advice_reaches_the_same_server_and_ledger(
    tiny_repo: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The printed `finish with:` line, run as printed, finishes a --base-url film (without
    --base-url it would go to a fresh embedded simulator and the sandbox ledger)."""
    import shlex

    from sorafilm_nb.cli import main

    out = tmp_path / "out dir"
    ledger_path = tmp_path / "l.sqlite3"
    with Simulator(job_seconds=30, poll_after_ms=50, render_scale=0.2) as sim:
        monkeypatch.setenv("OPENAI_API_KEY", sim.api_key)
        assert (
            main(
                [
                    "film",
                    "--repo",
                    str(tiny_repo),
                    "--template",
                    "single-12",
                    "--out",
                    str(out),
                    "--base-url",
                    sim.base_url,
                    "--ledger",
                    str(ledger_path),
                    "--poll-timeout",
                    "0.5",
                ]
            )
            == 1
        )
        printed = capsys.readouterr().out
        line = printed.split("finish with: ", 1)[1].splitlines()[0]
        words = shlex.split(line)
        assert words[:3] == ["sorafilm", "resume", str(out)], line
        sim.job_seconds = 0.0
        assert main(words[1:]) == 0, capsys.readouterr()
        assert sim.calls["create"] == 1
    assert Film.load(out).ok
    with Ledger(ledger_path) as led:
        assert [r.status for r in led.records()] == ["completed"]


def test_studio_with_no_arguments_uses_an_embedded_simulator(tmp_path: Path) -> None:
    with Studio(min_poll_interval=0.05) as studio:
        assert studio.backend_name == "simulator"
        sim = studio._simulator
        film = studio.run(make_plan(1, tag="default"), tmp_path / "f")
        assert film.ok and sim.calls["create"] == 1
    assert studio._simulator is None
    with pytest.raises(RuntimeError, match="not running"):
        sim.base_url  # noqa: B018 - the simulator was stopped with the studio
    # simulated jobs are booked in the sandbox ledger, and the real one is never created
    assert not Path(os.environ["SORAFILM_LEDGER"]).exists()
    with Ledger(default_path(simulator=True)) as led:
        assert [r.status for r in led.records()] == ["completed"]


@pytest.mark.parametrize("live", [True, False])
def test_cli_bars_follow_the_shots(live: bool, capsys: pytest.CaptureFixture[str]) -> None:
    from sorafilm_nb.cli.film import Bars

    bars = Bars(2, live=live)
    for status, progress in (
        ("reserved", 0),
        ("queued", 0),
        ("in_progress", 40),
        ("downloading", 100),
        ("completed", 100),
    ):
        bars(ShotProgress("shot-01", 0, status, progress, 0.1, "video_1"))
    bars(ShotProgress("shot-02", 1, "refused", 0, 0.1, "video_2", "moderation_blocked: no"))
    bars.close()
    err = capsys.readouterr().err
    assert "shot-01" in err and "completed" in err and "moderation_blocked" in err
    if live:
        assert "100%" in err
    else:
        assert err.count("shot-01") == 5  # one line per status change, no progress spam


def test_one_process_at_a_time_per_film_folder(sim, ledger: Ledger, tmp_path: Path) -> None:
    from sorafilm_nb.studio.lock import folder_lock

    plan = make_plan(1, tag="lock")
    out = tmp_path / "f"
    studio_for(sim, ledger).run(plan, out)
    with folder_lock(out), pytest.raises(FilmError, match=f"in use by process {os.getpid()}"):
        studio_for(sim, ledger).resume(out)
    with folder_lock(out), pytest.raises(FilmError, match="in use"):
        studio_for(sim, ledger).run(make_plan(1, tag="lock2"), out)
    assert sim.calls["create"] == 1
    assert studio_for(sim, ledger).resume(out).ok  # free again once released
    assert not (out / ".sorafilm.lock").exists()


def test_folder_lock_holds_when_the_last_holder_leaves_mid_take(
    tmp_path: Path, monkeypatch
) -> None:
    """B opens the lock file, A (leaving) unlinks and unlocks it, B locks the orphan: B must
    not count that as the lock, or a newcomer C would lock a fresh file and run beside B."""
    import contextlib

    from sorafilm_nb.studio import lock as film_mod

    out = tmp_path / "f"
    leaving = contextlib.ExitStack()
    leaving.enter_context(film_mod.folder_lock(out))  # A
    real = film_mod._lock_file
    raced: list[bool] = []

    def racing(fh) -> None:
        if not raced:
            raced.append(True)
            leaving.close()  # A leaves between B's open and B's lock
        real(fh)

    monkeypatch.setattr(film_mod, "_lock_file", racing)
    with film_mod.folder_lock(out):  # B
        assert raced and (out / ".sorafilm.lock").exists()
        with pytest.raises(FilmError, match="in use"), film_mod.folder_lock(out):  # C
            pass
    assert not (out / ".sorafilm.lock").exists()


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


def test_a_real_api_folder_is_not_resumed_on_the_simulator(
    sim, ledger: Ledger, tmp_path: Path
) -> None:
    """`sorafilm resume DIR` without --real (a fresh simulator, the sandbox ledger) must not
    mark a paid film's running jobs lost; nor may a simulated film be resumed on a paid API."""
    slow = Simulator(job_seconds=60, poll_after_ms=50, render_scale=0.2).start()
    try:
        paid = OpenAIBackend(api_key=slow.api_key, base_url=slow.base_url)  # name "openai"
        plan = make_plan(2, tag="paid")
        out = tmp_path / "paid"
        film = Studio(paid, ledger, poll_timeout=0.3, max_poll_interval=0.1).run(plan, out)
        assert {s.status for s in film.shots} <= {"timeout", "queued", "in_progress"}
        before = (out / "manifest.json").read_bytes()
        with pytest.raises(FilmError, match=r"was made on 'openai'.*--real"), Studio() as local:
            local.resume(out)
        with pytest.raises(FilmError, match="was made on 'openai'"):
            studio_for(sim, ledger).run(plan, out)  # a re-run cell resumes: same check
        assert (out / "manifest.json").read_bytes() == before
        assert sim.calls["create"] == 0 and sim.calls["retrieve"] == 0
        assert len([r for r in ledger.pending() if r.plan_id == plan.id]) == 2

        simulated = tmp_path / "simulated"
        studio_for(sim, ledger, poll_timeout=0.01).run(make_plan(1, tag="sim"), simulated)
        creates = slow.calls["create"]
        with pytest.raises(FilmError, match="was made on 'simulator'"):
            Studio(paid, ledger).resume(simulated)
        assert slow.calls["create"] == creates
    finally:
        slow.stop()
