"""The studio interrupted, timed out, or served expired or vanished content: what it leaves in
the folder and the ledger, and what resume() makes of it (the real simulator, the openai SDK,
a real ledger file)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from provider_fixtures import animatics_drawn_once  # noqa: F401 - a fixture, by name
from runner_fixtures import *  # noqa: F403 - the sim and ledger fixtures
from runner_fixtures import Killed, folder_files, plan_rows, settled_sum, studio_for
from studio_child import make_plan

from sorafilm_nb.backends.openai_api import OpenAIBackend
from sorafilm_nb.backends.simulator import Fault, Simulator
from sorafilm_nb.money.ledger import Ledger
from sorafilm_nb.studio.folder import sha256_file
from sorafilm_nb.studio.runner import ShotProgress

pytestmark = pytest.mark.usefixtures("animatics_drawn_once")  # each animatic drawn once


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


def test_expired_content_killed_before_the_ledger_heard_is_still_billed(
    sim, ledger: Ledger, tmp_path: Path, monkeypatch
) -> None:
    sim.faults.expire_content = Fault(count=1)
    out = tmp_path / "f"
    plan = make_plan(1, tag="expired-kill")

    def killed(*args, **kwargs):
        raise Killed()

    monkeypatch.setattr(ledger, "settle", killed)
    with pytest.raises(Killed):
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
        api = OpenAIBackend.for_simulator(sim)
        job_id = film.shots[0].job_id
        # its animatic renders on the simulator's own thread: at load 20 it can take seconds
        deadline = time.monotonic() + 60
        while api.retrieve(job_id).status != "completed" and time.monotonic() < deadline:
            time.sleep(0.05)
        api.delete(job_id)
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
