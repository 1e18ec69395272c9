"""A film process killed with SIGKILL mid-poll, then finished by Studio.resume().

The simulator runs here, in the parent; the film runs in a real child process
(tests/studio_child.py) that talks to it over HTTP through the real SDK. The parent waits until
the child's manifest shows every job id attached, kills it, and resumes in-process. Exactly one
create per shot may reach the simulator, and the ledger must hold exactly what the shots were
billed.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from eventually import until

from sorafilm_nb.backends.faults import Fault
from sorafilm_nb.backends.openai_api import OpenAIBackend
from sorafilm_nb.backends.simulator import Simulator
from sorafilm_nb.money.ledger import Ledger
from sorafilm_nb.render import media_duration
from sorafilm_nb.studio.folder import sha256_file
from sorafilm_nb.studio.runner import Studio

CHILD = Path(__file__).parent.parent / "studio_child.py"
SHOTS = 3


def _attached(manifest: Path) -> list[str] | None:
    try:
        data = json.loads(manifest.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None
    ids = [s.get("job_id") for s in data["shots"]]
    return ids if all(ids) else None


@pytest.mark.slow
def test_sigkill_mid_poll_then_resume(tmp_path: Path) -> None:
    out = tmp_path / "film"
    ledger_path = tmp_path / "ledger.sqlite3"
    # Jobs take 4 s: long enough that the child is surely polling when it is killed. After
    # the kill the jobs' clock jumps 2 s ahead: resume still finds them in progress, but
    # does not wait out the whole 4 s.
    ahead = [0.0]
    with Simulator(
        job_seconds=4.0,
        poll_after_ms=100,
        render_scale=0.2,
        clock=lambda: time.monotonic() + ahead[0],
    ) as sim:
        env = {**os.environ, "OPENAI_API_KEY": sim.api_key}
        child = subprocess.Popen(
            [sys.executable, str(CHILD), sim.base_url, str(out), str(ledger_path), str(SHOTS), "4"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            deadline = time.monotonic() + 30
            ids = None
            while ids is None and time.monotonic() < deadline and child.poll() is None:
                time.sleep(0.05)
                ids = _attached(out / "manifest.json")
            assert ids is not None, child.stderr.read().decode() if child.poll() else "slow"
            polls_before = sim.calls["retrieve"]
            # let it poll a few times, then kill it mid-poll (a 0.3 s sleep raced a child
            # that a loaded machine ran late: no poll in it, and the check below failed)
            until(
                lambda: sim.calls["retrieve"] >= polls_before + 2 or child.poll() is not None,
                "polled again",
            )
            assert child.poll() is None, "the child finished before it could be killed"
            assert sim.calls["retrieve"] > polls_before
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=10)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
        assert child.returncode == -signal.SIGKILL
        manifest = json.loads((out / "manifest.json").read_text())
        assert {s["status"] for s in manifest["shots"]} <= {"queued", "in_progress"}
        assert sim.calls["create"] == SHOTS
        ahead[0] = 2.0

        with Ledger(ledger_path) as ledger:
            plan_id = manifest["plan_id"]
            open_rows = [r for r in ledger.pending() if r.plan_id == plan_id]
            assert sorted(r.job_id for r in open_rows) == sorted(ids)

            studio = Studio(OpenAIBackend.for_simulator(sim), ledger, max_poll_interval=0.2)
            film = studio.resume(out)

            assert film.ok, film.summary()
            assert sim.calls["create"] == SHOTS  # exactly one create per shot, across both
            assert len(sim.jobs()) == SHOTS
            assert [s.job_id for s in film.shots] == ids
            rows = [r for r in ledger.records() if r.plan_id == plan_id]
            assert len(rows) == SHOTS and {r.status for r in rows} == {"completed"}
            assert (
                sum(r.billed_cents for r in rows)
                == sum(int(s.billed.cents) for s in film.shots)
                == SHOTS * 40
            )
            assert ledger.pending() == []
            for shot in film.shots:
                assert sha256_file(out / shot.file) == shot.sha256
            assert abs(media_duration(out / "film.mp4") - SHOTS * 4) < 0.1


def _hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def _clip_temp(name: str) -> bool:
    return name.startswith(".shot-") and ".partial" in name


def test_sigkill_mid_download_leaves_no_partial_file_after_resume(tmp_path: Path) -> None:
    """A kill mid-download leaves the half-written temp file (no finally runs); resume, which
    holds the folder alone, clears such leftovers and downloads the clip again."""
    from sorafilm_nb.backends.simulator import Fault

    out = tmp_path / "film"
    ledger_path = tmp_path / "ledger.sqlite3"
    with Simulator(job_seconds=0.2, poll_after_ms=50, render_scale=0.2) as sim:
        sim.faults.slow_download = Fault(count=1)
        sim.faults.slow_bytes_per_second = 5_000
        env = {**os.environ, "OPENAI_API_KEY": sim.api_key}
        child = subprocess.Popen(
            [sys.executable, str(CHILD), sim.base_url, str(out), str(ledger_path), "1", "4"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            deadline = time.monotonic() + 30
            partial: list[str] = []
            while not partial and time.monotonic() < deadline and child.poll() is None:
                time.sleep(0.05)
                # the clip's temp file (manifest.json's, briefly there too, has the same shape)
                partial = [n for n in _hidden(out) if _clip_temp(n)] if out.exists() else []
            assert partial, child.stderr.read().decode() if child.poll() else "no download"
            time.sleep(0.2)  # some bytes are in it
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=10)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
        assert [n for n in _hidden(out) if _clip_temp(n)], "the kill should leave it"
        with Ledger(ledger_path) as ledger:
            film = Studio(OpenAIBackend.for_simulator(sim), ledger, max_poll_interval=0.2).resume(
                out
            )
            assert film.ok, film.summary()
            assert sim.calls["create"] == 1
        assert _hidden(out) == [], "resume must not leave temp files behind"


def test_sigkill_after_a_create_was_sent_is_an_unknown_outcome_never_a_second_job(
    tmp_path: Path,
) -> None:
    """Issue 11 item 5: the child is killed after its create reached the server but before the
    answer came back (the server answers late), and the job is not listed yet (an eventually
    consistent index). resume() must hold the shot as unknown, not send it again; only
    retry_unknown=True does."""
    out = tmp_path / "film"
    ledger_path = tmp_path / "ledger.sqlite3"
    with Simulator(job_seconds=0.5, poll_after_ms=100, render_scale=0.2) as sim:
        sim.faults.slow_response_seconds = 30.0
        sim.faults.register_late_seconds = 600.0
        # the create's answer comes late (not a free read's: the studio asks the server once
        # whether it is a simulator, for the name the manifest records)
        sim.inject(slow_response=Fault(count=1, ops=frozenset({"create"})), register_late=1)
        env = {**os.environ, "OPENAI_API_KEY": sim.api_key}
        child = subprocess.Popen(
            [sys.executable, str(CHILD), sim.base_url, str(out), str(ledger_path), "1", "4"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            deadline = time.monotonic() + 30
            while not sim.jobs() and time.monotonic() < deadline and child.poll() is None:
                time.sleep(0.02)
            assert sim.jobs(), child.stderr.read().decode() if child.poll() else "no create"
            child.send_signal(signal.SIGKILL)  # the job exists; its answer never arrived
            child.wait(timeout=10)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
        manifest = json.loads((out / "manifest.json").read_text())
        assert manifest["shots"][0]["status"] == "submitting"
        assert manifest["shots"][0]["job_id"] is None

        with Ledger(ledger_path) as ledger:
            studio = Studio(OpenAIBackend.for_simulator(sim), ledger, max_poll_interval=0.2)
            film = studio.resume(out)
            assert sim.calls["create"] == 1 and len(sim.jobs()) == 1  # never sent twice
            assert film.shots[0].status == "unknown"
            (held,) = ledger.pending()  # its money stays reserved
            assert held.job_id is None

            film = studio.resume(out, retry_unknown=True)  # the user asks for it
            assert film.ok, film.summary()
            assert sim.calls["create"] == 2
