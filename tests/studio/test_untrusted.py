"""Issue 11, the studio's side: attacks on the output folder, lost creates, reused job ids,
and a server that echoes the key. Real folders and links, the real simulator over HTTP
through the real openai SDK, a real ledger file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from provider_fixtures import animatics_drawn_once  # noqa: F401 - a fixture, by name
from studio_child import make_plan

from sorafilm_nb.backends.openai_api import OpenAIBackend
from sorafilm_nb.backends.simulator import Simulator
from sorafilm_nb.money.ledger import Ledger
from sorafilm_nb.studio.folder import FilmError
from sorafilm_nb.studio.runner import ShotProgress, Studio

pytestmark = pytest.mark.usefixtures("animatics_drawn_once")  # each animatic drawn once


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
    backend = OpenAIBackend.for_simulator(sim, max_retries=0)
    return Studio(backend, ledger, **kw)


def plan_rows(ledger: Ledger, plan_id: str):
    return [r for r in ledger.records() if r.plan_id == plan_id]


# -- item 4: nothing outside the output folder is written -------------------------------------


@pytest.mark.parametrize("step", ["film", "resume", "rerun"])
def test_a_lock_that_is_a_symlink_never_truncates_its_target(
    step: str, sim, ledger: Ledger, tmp_path: Path
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("someone else's file\n")
    plan = make_plan(1, tag=f"lock-{step}")
    out = tmp_path / "f"
    if step != "film":
        assert studio_for(sim, ledger).run(plan, out).ok
    else:
        out.mkdir()
    (out / ".sorafilm.lock").symlink_to(victim)
    creates = sim.calls["create"]
    studio = studio_for(sim, ledger)
    with pytest.raises(FilmError, match="link"):
        if step == "film":
            studio.run(plan, out)
        elif step == "resume":
            studio.resume(out)
        else:
            studio.rerun(out, ["shot-01"], model="sora-2-pro")
    assert victim.read_text() == "someone else's file\n"
    assert sim.calls["create"] == creates
    assert [r for r in ledger.pending() if r.plan_id == plan.id] == []


def test_a_lock_in_the_folder_that_is_a_hard_link_is_refused(
    sim, ledger: Ledger, tmp_path: Path
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    out = tmp_path / "f"
    out.mkdir()
    os.link(victim, out / ".sorafilm.lock")
    with pytest.raises(FilmError, match="hard link"):
        studio_for(sim, ledger).run(make_plan(1, tag="hardlock"), out)
    assert victim.read_text() == "precious\n" and sim.calls["create"] == 0


@pytest.mark.parametrize("name", ["shot-01.mp4", "manifest.json", "film.mp4", "notes"])
def test_a_folder_whose_entries_link_out_is_refused(
    name: str, sim, ledger: Ledger, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    target = outside / "keep.bin"
    target.write_bytes(b"keep")
    out = tmp_path / "f"
    out.mkdir()
    (out / name).symlink_to(target)
    with pytest.raises(FilmError, match=f"links that lead out of it \\({name}\\)"):
        studio_for(sim, ledger).run(make_plan(1, tag=f"links-{name}"), out)
    assert target.read_bytes() == b"keep"
    assert sim.calls["create"] == 0 and ledger.pending() == []


def test_a_link_inside_the_folder_is_allowed(sim, ledger: Ledger, tmp_path: Path) -> None:
    out = tmp_path / "f"
    (out / "sub").mkdir(parents=True)
    (out / "inner").symlink_to(out / "sub")
    assert studio_for(sim, ledger).run(make_plan(1, tag="inner-link"), out).ok


# -- item 5: a paid job is never created twice --------------------------------------------------


def lose_and_list_late(sim: Simulator, seconds: float) -> None:
    """The next create makes its job, its answer is lost, and list() shows the job only
    ``seconds`` later (an eventually consistent index)."""
    sim.faults.register_late_seconds = seconds
    sim.inject(lose_create_response=1, register_late=1)


def test_a_lost_create_listed_late_is_held_then_found_never_sent_twice(
    sim, ledger: Ledger, tmp_path: Path
) -> None:
    plan = make_plan(1, tag="late")
    out = tmp_path / "f"
    lose_and_list_late(sim, 3.0)
    events: list[ShotProgress] = []
    film = studio_for(sim, ledger).run(plan, out, on_progress=events.append)
    assert sim.faults.register_late.fired == 1
    assert len(sim.jobs()) == 1 and sim.calls["create"] == 1  # sent once
    (shot,) = film.shots
    assert shot.status == "unknown" and shot.error_code == "outcome_unknown"
    assert "retry_unknown" in (shot.error or "") and not film.ok
    (held,) = [r for r in ledger.pending() if r.plan_id == plan.id]  # reservation held
    assert held.job_id is None and held.cents == 40
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["shots"][0]["status"] == "unknown"
    assert manifest["shots"][0]["reservation_id"] == str(held.id)

    # Still not listed: resume looks, finds nothing, sends nothing, keeps the money held.
    film = studio_for(sim, ledger).resume(out)
    assert sim.calls["create"] == 1 and len(sim.jobs()) == 1
    assert film.shots[0].status == "unknown"
    assert [r.id for r in ledger.pending() if r.plan_id == plan.id] == [held.id]
    assert any("retry-unknown" in n for n in film.notes)

    # Listed at last: resume adopts that very job.
    sim.faults.register_late_seconds = 0.0
    sim._listed_from.clear()
    film = studio_for(sim, ledger).resume(out)
    assert film.ok, film.summary()
    assert sim.calls["create"] == 1 and film.shots[0].job_id == sim.jobs()[0]["id"]
    (row,) = plan_rows(ledger, plan.id)
    assert row.status == "completed" and row.billed_cents == 40


def test_only_retry_unknown_sends_a_lost_create_again(sim, ledger: Ledger, tmp_path: Path) -> None:
    plan = make_plan(1, tag="retry-unknown")
    out = tmp_path / "f"
    lose_and_list_late(sim, 600.0)
    studio_for(sim, ledger).run(plan, out)
    assert sim.calls["create"] == 1
    film = studio_for(sim, ledger).resume(out, retry_unknown=True)
    assert film.ok, film.summary()
    assert sim.calls["create"] == 2 and len(sim.jobs()) == 2  # the user asked for it
    rows = plan_rows(ledger, plan.id)
    assert sorted(r.status for r in rows) == ["completed", "released"]
    (released,) = [r for r in rows if r.status == "released"]
    assert "retry_unknown" in released.reason


def test_a_lost_create_is_held_in_the_ledger_past_the_stale_sweep(
    sim, ledger: Ledger, tmp_path: Path
) -> None:
    """The ledger marks the reservation held, so `budget pending --release-stale` (the
    sweep) can never give back money a billed job may still take."""
    from datetime import datetime, timedelta, timezone

    plan = make_plan(1, tag="held")
    lose_and_list_late(sim, 600.0)
    studio_for(sim, ledger).run(plan, tmp_path / "f")
    (held,) = [r for r in ledger.pending() if r.plan_id == plan.id]
    assert held.held is not None and "shot-" in held.held and "outcome unknown" in held.held
    assert [r.id for r in ledger.held()] == [held.id]
    later = datetime.now(timezone.utc) + timedelta(days=2)
    assert held.id not in [r.id for r in ledger.release_stale(later)]
    assert ledger.reservation(held.id).is_open


def test_a_backend_that_cannot_list_holds_the_shot(
    sim, ledger: Ledger, tmp_path: Path, monkeypatch
) -> None:
    """Runway cannot list: resume cannot look, so it must not create either."""
    from sorafilm_nb.backends.base import NotSupported

    plan = make_plan(1, tag="no-list")
    out = tmp_path / "f"
    lose_and_list_late(sim, 600.0)
    studio_for(sim, ledger).run(plan, out)

    def no_list(self, **kw):
        raise NotSupported("this provider cannot list jobs")

    monkeypatch.setattr(OpenAIBackend, "list", no_list)
    film = studio_for(sim, ledger).resume(out)
    assert sim.calls["create"] == 1
    assert film.shots[0].status == "unknown" and "cannot list" in (film.shots[0].error or "")
    assert len([r for r in ledger.pending() if r.plan_id == plan.id]) == 1


def test_a_reused_job_id_is_recorded_and_flagged_never_overwrites(
    sim, ledger: Ledger, tmp_path: Path, monkeypatch
) -> None:
    """A server answering a new create with an id the ledger already holds: the new job
    (paid) is recorded in the manifest and flagged, the old ledger record is untouched, the
    new shot's reservation stays held, and resume neither settles nor re-creates it."""
    import sorafilm_nb.backends._sim_jobs as simulator_mod  # the job store makes the ids

    monkeypatch.setattr(simulator_mod, "new_id", lambda: "video_reused0000000000000000")
    first = make_plan(1, tag="reuse-a")
    assert studio_for(sim, ledger).run(first, tmp_path / "a").ok
    (old,) = plan_rows(ledger, first.id)

    second = make_plan(1, tag="reuse-b")
    film = studio_for(sim, ledger).run(second, tmp_path / "b")
    (shot,) = film.shots
    assert shot.job_id == "video_reused0000000000000000"  # recorded, not lost
    assert shot.status == "unknown" and shot.error_code == "job_id_reused"
    assert plan_rows(ledger, first.id) == [old]  # the old record, unchanged
    (held,) = [r for r in ledger.pending() if r.plan_id == second.id]
    assert held.job_id is None and held.cents == 40
    creates = sim.calls["create"]
    film = studio_for(sim, ledger).resume(tmp_path / "b")
    assert sim.calls["create"] == creates
    assert film.shots[0].error_code == "job_id_reused"
    assert plan_rows(ledger, first.id) == [old]
    assert [r.id for r in ledger.pending() if r.plan_id == second.id] == [held.id]


# -- item 6: server text is scrubbed ---------------------------------------------------------

KEY = "sk-proj-" + "Q7wZ" * 12


def test_a_failure_message_that_echoes_the_key_is_scrubbed_everywhere(
    ledger: Ledger, tmp_path: Path, capsys
) -> None:
    from sorafilm_nb.cli.film import Bars

    with Simulator(job_seconds=0.2, poll_after_ms=50, render_scale=0.2, api_key=KEY) as sim:
        sim.faults.fail_message = f"upstream refused the key {KEY} for this request"
        sim.inject(fail_job=1)
        bars = Bars(live=False)
        events: list[ShotProgress] = []

        def progress(event: ShotProgress) -> None:
            events.append(event)
            bars(event)

        out = tmp_path / "f"
        film = studio_for(sim, ledger).run(make_plan(1, tag="echo"), out, on_progress=progress)
        bars.close()
    (shot,) = film.shots
    assert shot.status == "failed" and "upstream refused the key" in (shot.error or "")
    printed = capsys.readouterr()
    texts = {
        "stdout/stderr": printed.out + printed.err,
        "manifest.json": (out / "manifest.json").read_text(),
        "report.md": (out / "report.md").read_text(),
        "progress": " ".join(e.message for e in events),
        "summary": film.summary() + repr(film) + repr(shot),
        "ledger": " ".join(str(r.reason) for r in ledger.records()),
    }
    assert "upstream refused" in texts["manifest.json"]
    for where, text in texts.items():
        assert KEY not in text and KEY[8:] not in text, where


def test_a_film_folder_named_past_the_systems_limit_is_no_film(tmp_path: Path) -> None:
    """A notebook's player names its film's captions track (sharing._moved_track reads the
    manifest beside it); a hostile one named 5,000 characters: read_manifest's link check
    asked the system again and the share stopped with an OSError, not "no film here"."""
    from sorafilm_nb.studio.folder import Film, read_manifest

    long = tmp_path / ("a" * 5000)
    with pytest.raises(FilmError, match="cannot read: File name too long"):
        read_manifest(long)
    with pytest.raises(FilmError):
        Film.load(long)


def test_a_manifest_that_is_a_link_is_not_read(sim, ledger: Ledger, tmp_path: Path) -> None:
    from sorafilm_nb.studio.folder import Film

    out = tmp_path / "f"
    assert studio_for(sim, ledger).run(make_plan(1, tag="manifest-link"), out).ok
    (out / "manifest.json").rename(out / "real.json")
    (out / "manifest.json").symlink_to(out / "real.json")  # inside, yet not its own file
    with pytest.raises(FilmError, match="symbolic link"):
        Film.load(out)
    with pytest.raises(FilmError, match="symbolic link"):
        studio_for(sim, ledger).resume(out)
