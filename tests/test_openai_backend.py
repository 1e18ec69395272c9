"""OpenAIBackend: the real openai SDK over real HTTP against the simulator."""

from __future__ import annotations

import time
from pathlib import Path

from sim_fixtures import *  # noqa: F403 - the simulator fixtures

from sorafilm_nb.backends.base import Job
from sorafilm_nb.backends.openai_api import OpenAIBackend
from sorafilm_nb.render import probe


def wait(backend: OpenAIBackend, job: Job, timeout: float = 15.0) -> Job:
    deadline = time.monotonic() + timeout
    while not job.done:
        assert time.monotonic() < deadline, f"job {job.id} stuck at {job.status}"
        time.sleep((job.poll_after_ms or 50) / 1000)
        job = backend.retrieve(job.id)
    return job


def test_create_poll_download_real_mp4(sim_backend: OpenAIBackend, tmp_path: Path) -> None:
    job = sim_backend.create(prompt="A kitchen. Intertitle: hello", model="sora-2", seconds=4,
                             size="1280x720")
    assert job.status == "queued" and job.seconds == 4
    done = wait(sim_backend, job)
    assert done.status == "completed" and done.progress == 100
    assert done.expires_at is not None and done.expires_at > time.time()
    out = sim_backend.download(done.id, tmp_path / "shot.mp4")
    info = probe(out)
    assert info.codec == "h264" and info.pix_fmt == "yuv420p"
    assert abs(info.duration - 4.0) < 0.05
    assert info.width * 720 == info.height * 1280
    assert [p.name for p in tmp_path.iterdir()] == ["shot.mp4"]
