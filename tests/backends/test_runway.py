"""RunwayBackend drives the unmodified runwayml SDK against FakeRunway over real HTTP.

Every body the fake sends is also parsed here by the SDK's own generated types.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from sorafilm_nb.backends._provider import ssl_context
from sorafilm_nb.backends.base import (
    AuthError,
    ContentExpired,
    InvalidRequest,
    Job,
    NotSupported,
    OutcomeUnknown,
    RateLimited,
    ServerError,
)
from sorafilm_nb.backends.fake_runway import FakeRunway
from sorafilm_nb.backends.runway import RunwayBackend, retryable
from sorafilm_nb.render import ffmpeg_exe, probe

if TYPE_CHECKING:  # imported where it is used: every xdist worker collects this module
    import httpx

MODEL = "gen4.5"


@pytest.fixture
def fake() -> Iterator[FakeRunway]:
    with FakeRunway(job_seconds=0.1) as server:
        yield server  # type: ignore[misc]


@pytest.fixture
def runway(fake: FakeRunway, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> RunwayBackend:
    monkeypatch.delenv("RUNWAYML_API_SECRET", raising=False)
    return RunwayBackend(api_key=fake.api_key, base_url=fake.base_url, cache_dir=tmp_path / "c")


def wait(backend: RunwayBackend, job: Job, limit: float = 10.0) -> Job:
    end = time.monotonic() + limit
    while not job.done:
        assert time.monotonic() < end, "job never finished"
        time.sleep(0.03)
        job = backend.retrieve(job.id)
    return job


def raw(fake: FakeRunway, method: str, path: str, body: object = None) -> httpx.Response:
    import httpx

    headers = {"Authorization": f"Bearer {fake.api_key}", "X-Runway-Version": "2024-11-06"}
    return httpx.request(
        method, fake.base_url + path, json=body, headers=headers, timeout=10, verify=ssl_context()
    )


def test_create_poll_download_real_mp4(
    runway: RunwayBackend, fake: FakeRunway, tmp_path: Path
) -> None:
    job = runway.create(prompt="a kettle that sings", model=MODEL, seconds=5, size="1280x720")
    assert job.status == "queued"
    done = wait(runway, job)
    assert done.status == "completed" and done.model == MODEL
    assert fake.calls["content"] == 1  # fetched the moment it succeeded
    info = probe(runway.download(done.id, tmp_path / "out"))
    assert info.codec == "h264" and abs(info.duration - 5) < 0.2 and info.width > info.height
    assert fake.requests[0] == {
        "model": MODEL,
        "promptText": "a kettle that sings",
        "ratio": "1280:720",
        "duration": 5,
    }


def test_a_fake_told_not_to_render_draws_on_the_first_download_only(tmp_path: Path) -> None:
    """``render=False`` (as the simulator's): a test that never downloads draws nothing; a
    download still gets the real mp4, drawn then."""
    with FakeRunway(job_seconds=0.05, render=False) as quiet:
        backend = RunwayBackend(api_key=quiet.api_key, base_url=quiet.base_url, cache_dir=tmp_path)
        job = backend.create(prompt="a kettle", model=MODEL, seconds=2, size="720x1280")
        assert quiet.jobs[job.id].render is None  # not drawn at create
        done = wait(backend, job)
        assert done.status == "completed"
        info = probe(backend.download(done.id, tmp_path / "out"))
        assert info.codec == "h264" and abs(info.duration - 2) < 0.2


def test_fake_bodies_parse_with_sdk_types(fake: FakeRunway) -> None:
    from pydantic import TypeAdapter  # the SDK's types load here, not at collection
    from runwayml.types import TaskRetrieveResponse, TextToVideoCreateResponse

    now = [0.0]  # the fake's clock, moved by hand: each status is seen whatever the load
    fake.clock = lambda: now[0]
    fake.job_seconds = 10.0
    created = raw(
        fake,
        "POST",
        "/v1/text_to_video",
        {"model": MODEL, "promptText": "x", "ratio": "720:1280", "duration": 2},
    )
    parsed = TextToVideoCreateResponse.model_validate(created.json())
    assert parsed.estimated_cost.credits == 24
    task = TypeAdapter(TaskRetrieveResponse)
    seen: set[str] = set()
    for _ in range(300):
        body = raw(fake, "GET", f"/v1/tasks/{parsed.id}").json()
        status = task.validate_python(body).status
        seen.add(status)
        now[0] += 2.0  # PENDING at 0 s, RUNNING at 2-8 s, then SUCCEEDED once rendered
        if status == "SUCCEEDED":
            break
        time.sleep(0.01)
    assert {"PENDING", "RUNNING", "SUCCEEDED"} <= seen
    fake.throttle, fake.internal = 1, 1
    other = raw(
        fake,
        "POST",
        "/v1/text_to_video",
        {"model": MODEL, "promptText": "y", "ratio": "720:1280", "duration": 2},
    ).json()
    assert (
        task.validate_python(raw(fake, "GET", f"/v1/tasks/{other['id']}").json()).status
        == "THROTTLED"
    )
    now[0] += 20.0
    for _ in range(300):  # past its time; FAILED once its render is done
        failed = task.validate_python(raw(fake, "GET", f"/v1/tasks/{other['id']}").json())
        if failed.status == "FAILED":
            break
        time.sleep(0.01)
    assert failed.status == "FAILED" and failed.failure_code == "INTERNAL.BAD_OUTPUT.CODE01"
    assert raw(fake, "DELETE", f"/v1/tasks/{other['id']}").status_code == 204
    cancelled = task.validate_python(raw(fake, "GET", f"/v1/tasks/{other['id']}").json())
    assert cancelled.status == "CANCELLED"


def test_refusal_and_internal_failures(runway: RunwayBackend, fake: FakeRunway) -> None:
    refused = wait(
        runway, runway.create(prompt="[refuse] x", model=MODEL, seconds=2, size="720x1280")
    )
    assert refused.error_code == "moderation_blocked" and "SAFETY." in (refused.error_message or "")
    assert not retryable(refused)
    fake.internal = 1
    broken = wait(runway, runway.create(prompt="x", model=MODEL, seconds=2, size="720x1280"))
    assert broken.status == "failed" and retryable(broken)


def test_throttled_is_queued(runway: RunwayBackend, fake: FakeRunway) -> None:
    now = [0.0]  # the fake's clock, moved by hand: THROTTLED is seen however loaded the machine
    fake.clock = lambda: now[0]
    fake.throttle = 1
    job = runway.create(prompt="x", model=MODEL, seconds=2, size="720x1280")
    assert runway.retrieve(job.id).status == "queued"
    now[0] += 100.0
    assert wait(runway, job).status == "completed"


def test_first_frame_goes_to_image_to_video(
    runway: RunwayBackend, fake: FakeRunway, tmp_path: Path
) -> None:
    img = tmp_path / "first.png"
    subprocess.run(
        [
            ffmpeg_exe(),
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "color=c=blue:s=64x36",
            "-frames:v",
            "1",
            "-y",
            str(img),
        ],
        check=True,
    )
    job = runway.create(prompt="x", model=MODEL, seconds=3, size="1280x720", first_frame=img)
    assert fake.jobs[job.id].conditioning["first_frame"]["size"] == "64x36"
    assert fake.requests[0]["promptImage"][0]["position"] == "first"


def test_invalid_and_unsupported(runway: RunwayBackend, fake: FakeRunway, tmp_path: Path) -> None:
    with pytest.raises(InvalidRequest):
        runway.create(prompt="x", model=MODEL, seconds=11, size="1280x720")
    with pytest.raises(InvalidRequest):
        runway.create(prompt="x", model=MODEL, seconds=5, size="1920x1080")
    assert fake.calls["create"] == 0
    with pytest.raises(NotSupported):
        runway.list()
    with pytest.raises(NotSupported):
        runway.extend("0123456789ab", prompt="x", seconds=2)
    with pytest.raises(AuthError):
        RunwayBackend()


def test_429_on_create_means_no_task(runway: RunwayBackend, fake: FakeRunway) -> None:
    fake.inject(rate_limit=1)
    with pytest.raises(RateLimited):
        runway.create(prompt="x", model=MODEL, seconds=2, size="720x1280")
    assert fake.calls["create"] == 1 and not fake.jobs


@pytest.mark.parametrize("fault", ["lose_create_response", "server_error", "drop_connection"])
def test_ambiguous_create_is_outcome_unknown(
    runway: RunwayBackend, fake: FakeRunway, fault: str
) -> None:
    fake.inject(**{fault: 1})
    with pytest.raises(OutcomeUnknown) as info:
        runway.create(prompt="the shot", model=MODEL, seconds=4, size="720x1280")
    assert fake.calls["create"] == 1
    assert len(fake.jobs) == (1 if fault == "lose_create_response" else 0)
    assert info.value.lost.provider == "runway" and "dev.runwayml.com" in str(info.value)


@pytest.mark.parametrize("fault", ["rate_limit", "server_error", "drop_connection"])
def test_reads_are_retried(runway: RunwayBackend, fake: FakeRunway, fault: str) -> None:
    job = runway.create(prompt="x", model=MODEL, seconds=2, size="720x1280")
    fake.faults.retry_after = 0.0
    fake.inject(**{fault: 1})
    assert wait(runway, job).status == "completed"


def test_expired_url_is_content_expired(
    runway: RunwayBackend, fake: FakeRunway, tmp_path: Path
) -> None:
    fake.inject(expire_content=1)
    job = wait(runway, runway.create(prompt="x", model=MODEL, seconds=2, size="720x1280"))
    assert job.status == "completed"
    with pytest.raises(ContentExpired):
        runway.download(job.id, tmp_path)


def test_cut_download_is_retried_from_the_task(
    runway: RunwayBackend, fake: FakeRunway, tmp_path: Path
) -> None:
    fake.inject(cut_download=1)
    job = wait(runway, runway.create(prompt="x", model=MODEL, seconds=2, size="720x1280"))
    out = runway.download(job.id, tmp_path)
    assert probe(out).codec == "h264" and fake.calls["content"] == 2


def test_key_echoed_never_surfaces(fake: FakeRunway) -> None:
    fake.hostile.add("echo_key")
    wrong = "key_0123456789abcdefWRONG"
    backend = RunwayBackend(api_key=wrong, base_url=fake.base_url, max_retries=0)
    with pytest.raises(AuthError) as info:
        backend.create(prompt="x", model=MODEL, seconds=2, size="720x1280")
    for text in (str(info.value), repr(info.value), repr(backend)):
        assert wrong not in text and "WRONG" not in text


def test_reused_task_id_is_outcome_unknown(runway: RunwayBackend, fake: FakeRunway) -> None:
    runway.create(prompt="first", model=MODEL, seconds=2, size="720x1280")
    fake.hostile.add("reuse_id")
    with pytest.raises(OutcomeUnknown, match="already gave"):
        runway.create(prompt="second", model=MODEL, seconds=2, size="720x1280")


@pytest.mark.parametrize("mode", ["huge_media", "endless_media"])
def test_huge_or_endless_output_is_bounded(fake: FakeRunway, tmp_path: Path, mode: str) -> None:
    backend = RunwayBackend(
        api_key=fake.api_key,
        base_url=fake.base_url,
        max_download_bytes=1_000_000,
        download_deadline=1.0,
        cache_dir=tmp_path / "c",
    )
    fake.hostile.add(mode)
    job = wait(backend, backend.create(prompt="x", model=MODEL, seconds=2, size="720x1280"))
    started = time.monotonic()
    with pytest.raises(ServerError):
        backend.download(job.id, tmp_path / "out.mp4")
    assert time.monotonic() - started < 5
    assert not (tmp_path / "out.mp4").exists()
    assert not [p for p in (tmp_path / "c").iterdir()]
