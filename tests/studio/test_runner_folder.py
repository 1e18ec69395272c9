"""The film folder cannot be turned against its owner: hostile job ids and manifests, amounts
never floats, altered shot files, and one process at a time per folder (its lock)."""

from __future__ import annotations

import json
import os
import time
from decimal import Decimal
from pathlib import Path

import pytest
from provider_fixtures import animatics_drawn_once  # noqa: F401 - a fixture, by name
from runner_fixtures import *  # noqa: F403 - the sim and ledger fixtures
from runner_fixtures import folder_files, settled_sum, studio_for
from studio_child import make_plan

from sorafilm_nb.backends.base import Job, NotFound
from sorafilm_nb.money.cost import Cost
from sorafilm_nb.money.ledger import Ledger
from sorafilm_nb.render import render_animatic
from sorafilm_nb.studio.folder import Film, FilmError, sha256_file
from sorafilm_nb.studio.runner import Studio

pytestmark = pytest.mark.usefixtures("animatics_drawn_once")  # each animatic drawn once

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


def test_a_repository_link_does_not_choose_the_film_folder(
    sim, ledger: Ledger, tmp_path: Path
) -> None:
    """A notebook's ``OUT = Path("out")`` in a repository someone else wrote, whose ``out``
    is a link to a folder of the user's: the studio wrote the manifest, report.md and the
    mp4s there (the CLI refuses --out so before any work; the studio is the notebook's way
    in). Refused, nothing written, nothing submitted."""
    import dataclasses

    repo = tmp_path / "repo"
    repo.mkdir()
    victim = tmp_path / "home"
    victim.mkdir()
    (repo / "out").symlink_to(victim)
    plan = make_plan(1, tag="repo-link")
    profile = dataclasses.replace(plan.storyboard.casting.profile, root=str(repo))
    casting = dataclasses.replace(plan.storyboard.casting, profile=profile)
    plan = dataclasses.replace(
        plan, storyboard=dataclasses.replace(plan.storyboard, casting=casting)
    )
    with pytest.raises(FilmError, match="out is a link in the repository"):
        studio_for(sim, ledger).run(plan, repo / "out" / "film")
    assert list(victim.iterdir()) == [] and sim.calls["create"] == 0
