"""Resume after a crash between reserve and attach (a job is looked for before any second
create), reruns from draft to final, and folders resumed against the wrong ledger or API."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from provider_fixtures import animatics_drawn_once  # noqa: F401 - a fixture, by name
from runner_fixtures import *  # noqa: F403 - the sim and ledger fixtures
from runner_fixtures import Killed, plan_rows, settled_sum, studio_for
from studio_child import make_plan

from sorafilm_nb.backends.openai_api import OpenAIBackend
from sorafilm_nb.backends.simulator import Simulator
from sorafilm_nb.money.cost import Cost
from sorafilm_nb.money.ledger import BudgetExceeded, Ledger
from sorafilm_nb.money.prices import PriceTable
from sorafilm_nb.render import media_duration
from sorafilm_nb.studio.folder import FilmError, sha256_file
from sorafilm_nb.studio.runner import Studio

pytestmark = pytest.mark.usefixtures("animatics_drawn_once")  # each animatic drawn once

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
        raise Killed()

    monkeypatch.setattr(RunState, "save", killed)  # dies right after reserving
    with pytest.raises(Killed):
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


def test_a_real_api_folder_is_not_resumed_on_the_simulator(
    sim, ledger: Ledger, tmp_path: Path
) -> None:
    """`sorafilm resume DIR` without --real (a fresh simulator, the sandbox ledger) must not
    mark a paid film's running jobs lost; nor may a simulated film be resumed on a paid API."""
    slow = Simulator(job_seconds=60, poll_after_ms=50, render_scale=0.2).start()
    try:
        slow.conceal = True  # answers as a real server does: without the simulator header
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
