"""OpenAIBackend: the real openai SDK over real HTTP against the simulator, faults included."""

from __future__ import annotations

import logging
import threading
import time
import uuid
import warnings
from pathlib import Path

import pytest
from provider_fixtures import animatics_drawn_once  # noqa: F401 - a fixture, by name
from sim_fixtures import *  # noqa: F403 - the simulator fixtures

from sorafilm_nb.backends.base import (
    AuthError,
    BackendError,
    ContentExpired,
    InvalidRequest,
    Job,
    NotFound,
    RateLimited,
    RefusedPrompt,
    ServerError,
    VideoBackend,
)
from sorafilm_nb.backends.openai_api import OpenAIBackend, raise_for_job
from sorafilm_nb.backends.simulator import Fault, FaultConfig, Simulator
from sorafilm_nb.render import probe

pytestmark = pytest.mark.usefixtures("animatics_drawn_once")  # each animatic drawn once

SHOT = {
    "prompt": "A kitchen at breakfast.\nIntertitle: import milk",
    "model": "sora-2",
    "seconds": 4,
    "size": "1280x720",
}


def wait(backend: OpenAIBackend, job: Job, timeout: float = 15.0) -> Job:
    deadline = time.monotonic() + timeout
    while not job.done:
        assert time.monotonic() < deadline, f"job {job.id} stuck at {job.status}"
        time.sleep((job.poll_after_ms or 50) / 1000)
        job = backend.retrieve(job.id)
    return job


def completed(backend: OpenAIBackend, **overrides: object) -> Job:
    return wait(backend, backend.create(**{**SHOT, **overrides}))  # type: ignore[arg-type]


def test_it_is_a_video_backend(sim_backend: OpenAIBackend) -> None:
    assert isinstance(sim_backend, VideoBackend)
    assert sim_backend.name == "simulator"


def test_create_poll_download_real_mp4(sim_backend: OpenAIBackend, tmp_path: Path) -> None:
    job = sim_backend.create(**SHOT)  # type: ignore[arg-type]
    assert job.status == "queued" and job.seconds == 4 and job.prompt == SHOT["prompt"]
    done = wait(sim_backend, job)
    assert done.status == "completed" and done.progress == 100
    assert done.poll_after_ms == 50  # from the openai-poll-after-ms header
    assert done.expires_at is not None and done.expires_at > time.time()
    out = sim_backend.download(done.id, tmp_path / "shot.mp4")
    info = probe(out)
    assert info.codec == "h264" and info.pix_fmt == "yuv420p"
    assert abs(info.duration - 4.0) < 0.05
    assert info.width * 720 == info.height * 1280
    assert [p.name for p in tmp_path.iterdir()] == ["shot.mp4"]


def test_variants_download_into_a_folder_by_id(sim_backend: OpenAIBackend, tmp_path: Path) -> None:
    job = completed(sim_backend, size="720x1280")
    thumb = sim_backend.download(job.id, tmp_path, variant="thumbnail")
    sheet = sim_backend.download(job.id, tmp_path, variant="spritesheet")
    assert thumb == tmp_path / f"{job.id}.webp" and thumb.read_bytes()[8:12] == b"WEBP"
    assert sheet == tmp_path / f"{job.id}.jpg" and sheet.read_bytes()[:2] == b"\xff\xd8"


def test_list_pages_with_after_limit_order(
    simulator: Simulator, sim_backend: OpenAIBackend
) -> None:
    simulator.render = False
    made = [
        sim_backend.create(**{**SHOT, "prompt": f"shot {i}"}).id  # type: ignore[arg-type]
        for i in range(7)
    ]
    first = sim_backend.list(limit=3)
    assert [j.id for j in first] == made[::-1][:3]
    rest = sim_backend.list(limit=10, after=first[-1].id)
    assert [j.id for j in rest] == made[::-1][3:]
    assert [j.id for j in sim_backend.list(order="asc", limit=100)] == made


def test_remix_extend_edit_delete(sim_backend: OpenAIBackend, simulator: Simulator) -> None:
    source = completed(sim_backend)
    remix = sim_backend.remix(source.id, prompt="the same, in the rain")
    assert remix.remixed_from == source.id and remix.seconds == 4
    ext = sim_backend.extend(source.id, prompt="and then it pours", seconds=8)
    assert ext.seconds == 12 and ext.prompt == "and then it pours"
    edit = sim_backend.edit(source.id, prompt="in colour")
    assert edit.remixed_from == source.id
    assert len(simulator.jobs()) == 4
    for job in (remix, ext, edit):
        wait(sim_backend, job)
    sim_backend.delete(remix.id)
    with pytest.raises(NotFound):
        sim_backend.retrieve(remix.id)
    assert len(simulator.jobs()) == 3


# ---------------------------------------------------------------- errors mapped


def test_bad_requests_map_to_invalid_request_with_param(
    sim_backend: OpenAIBackend, simulator: Simulator
) -> None:
    for bad, param in (
        ({"seconds": 10}, "seconds"),
        ({"size": "1792x1024"}, "size"),
        ({"model": "sora-9"}, "model"),
    ):
        with pytest.raises(InvalidRequest) as info:
            sim_backend.create(**{**SHOT, **bad})  # type: ignore[arg-type]
        assert info.value.param == param and "HTTP 400" in str(info.value)
    assert simulator.jobs() == [] and simulator.calls["create"] == 3  # never retried


def test_unknown_and_hostile_ids(
    sim_backend: OpenAIBackend, simulator: Simulator, tmp_path: Path
) -> None:
    with pytest.raises(NotFound):
        sim_backend.retrieve("video_0123456789abcdef")
    with pytest.raises(NotFound):
        sim_backend.download("video_0123456789abcdef", tmp_path)
    before = sum(simulator.calls.values())
    for hostile in ("../x", "..", "a/b", "video_1/../../etc", ""):
        with pytest.raises(InvalidRequest):
            sim_backend.retrieve(hostile)
        with pytest.raises(InvalidRequest):
            sim_backend.download(hostile, tmp_path)
    assert sum(simulator.calls.values()) == before  # refused before any request
    assert list(tmp_path.iterdir()) == []


def test_wrong_key_is_auth_error_without_the_key() -> None:
    secret = "sk-proj-" + uuid.uuid4().hex
    with Simulator(api_key="sk-the-right-one", render=False) as sim:
        backend = OpenAIBackend(api_key=secret, base_url=sim.base_url, max_retries=0)
        with pytest.raises(AuthError) as info:
            backend.list()
        assert secret not in str(info.value) and secret not in repr(info.value)


def test_no_key_anywhere_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(AuthError, match="OPENAI_API_KEY"):
        OpenAIBackend()


def test_key_and_url_from_the_environment(
    simulator: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    monkeypatch.setenv("OPENAI_BASE_URL", simulator.base_url)
    backend = OpenAIBackend()
    assert backend.base_url == simulator.base_url
    assert backend.list() == []


def test_the_key_never_shows(caplog: pytest.LogCaptureFixture, tmp_path: Path) -> None:
    secret = "sk-proj-" + uuid.uuid4().hex
    caplog.set_level(logging.DEBUG)
    faults = FaultConfig(retry_after=0.01)
    with Simulator(api_key=secret, job_seconds=0.05, faults=faults, render_scale=0.2) as sim:
        backend = OpenAIBackend(api_key=secret, base_url=sim.base_url, max_retries=1)
        assert secret not in repr(backend) and secret not in str(backend)
        errors: list[BackendError] = []
        job = completed(backend)
        sim.expire(job.id)
        attempts = [
            lambda: backend.retrieve("video_0123456789abcdef"),
            lambda: backend.create(**{**SHOT, "seconds": 5}),  # type: ignore[arg-type]
            lambda: backend.download(job.id, tmp_path),
        ]
        sim.faults.rate_limit = Fault(count=10, ops=frozenset({"list"}))
        attempts.append(lambda: backend.list())
        for attempt in attempts:
            with pytest.raises(BackendError) as info:
                attempt()
            errors.append(info.value)
        sim.faults.rate_limit = Fault()
        sim.faults.server_error = Fault(count=10)
        with pytest.raises(ServerError) as info:
            backend.retrieve(job.id)
        errors.append(info.value)
        with pytest.raises(TypeError):
            import pickle

            pickle.dumps(backend)
    assert {type(e) for e in errors} == {
        NotFound,
        InvalidRequest,
        ContentExpired,
        RateLimited,
        ServerError,
    }
    for err in errors:
        assert secret not in str(err) and secret not in repr(err)
        assert err.__cause__ is None and err.__suppress_context__
    assert caplog.records and secret not in caplog.text


def test_server_text_that_looks_like_a_key_is_scrubbed(sim_backend: OpenAIBackend) -> None:
    with pytest.raises(InvalidRequest) as info:
        sim_backend.create(**{**SHOT, "model": "sk-abcdef123456"})  # type: ignore[arg-type]
    assert "sk-abcdef123456" not in str(info.value) and "[redacted]" in str(info.value)


def test_deprecation_warnings_never_reach_the_user(sim_backend: OpenAIBackend) -> None:
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        job = completed(sim_backend)
        sim_backend.list()

        def poll() -> None:
            for _ in range(10):
                sim_backend.retrieve(job.id)

        threads = [threading.Thread(target=poll) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert [str(w.message) for w in seen if issubclass(w.category, DeprecationWarning)] == []


# ---------------------------------------------------------------- faults


def test_429_is_retried_by_the_sdk(simulator: Simulator, sim_backend: OpenAIBackend) -> None:
    job = sim_backend.create(**SHOT)  # type: ignore[arg-type]
    simulator.faults.rate_limit = Fault(count=2, ops=frozenset({"retrieve"}))
    assert sim_backend.retrieve(job.id).id == job.id
    assert simulator.calls["retrieve"] == 3 and simulator.faults.rate_limit.fired == 2


def test_429_past_the_retries_is_rate_limited_with_retry_after(
    simulator: Simulator, sim_backend: OpenAIBackend
) -> None:
    simulator.faults.rate_limit = Fault(count=100, ops=frozenset({"list"}))
    with pytest.raises(RateLimited) as info:
        sim_backend.list()
    assert info.value.retry_after == pytest.approx(0.05)
    assert simulator.calls["list"] == 4  # 1 + max_retries=3


def test_500_and_dropped_connection_are_retried(
    simulator: Simulator, sim_backend: OpenAIBackend
) -> None:
    job = sim_backend.create(**SHOT)  # type: ignore[arg-type]
    simulator.faults.server_error = Fault(count=1, ops=frozenset({"retrieve"}))
    simulator.faults.drop_connection = Fault(count=1, ops=frozenset({"retrieve"}))
    assert sim_backend.retrieve(job.id).id == job.id
    assert simulator.calls["retrieve"] == 3


def test_persistent_500_is_server_error(simulator: Simulator) -> None:
    backend = OpenAIBackend.for_simulator(simulator, max_retries=1)
    simulator.faults.server_error = Fault(count=100)
    with pytest.raises(ServerError, match="HTTP 500"):
        backend.list()
    assert simulator.calls["list"] == 2


def test_lost_create_response_yields_exactly_one_job(
    simulator: Simulator, sim_backend: OpenAIBackend
) -> None:
    simulator.faults.lose_create_response = Fault(count=1)
    job = sim_backend.create(**SHOT)  # type: ignore[arg-type]
    jobs = simulator.jobs()
    assert [j["id"] for j in jobs] == [job.id]
    assert simulator.calls["create"] == 1  # adopted through list(), never sent twice
    assert wait(sim_backend, job).status == "completed"


def test_lost_create_is_found_when_the_server_reports_the_snapshot() -> None:
    with Simulator(job_seconds=0.2, render=False, snapshots={"sora-2": "sora-2-2025-12-08"}) as sim:
        backend = OpenAIBackend.for_simulator(sim, max_retries=0)
        sim.faults.lose_create_response = Fault(count=1)
        job = backend.create(**SHOT)  # type: ignore[arg-type]
        assert job.model == "sora-2-2025-12-08"
        assert sim.calls["create"] == 1 and len(sim.jobs()) == 1  # adopted, never re-sent
        pro = {**SHOT, "model": "sora-2-pro"}
        sim.faults.lose_create_response = Fault(count=1)
        other = backend.create(**pro)  # type: ignore[arg-type]
        assert other.model == "sora-2-pro" and other.id != job.id  # sora-2 is not sora-2-pro


def test_lost_create_adopts_the_new_job_not_an_earlier_twin(
    simulator: Simulator, sim_backend: OpenAIBackend
) -> None:
    simulator.render = False
    first = sim_backend.create(**SHOT)  # type: ignore[arg-type]
    second = sim_backend.create(**SHOT)  # type: ignore[arg-type]
    simulator.faults.lose_create_response = Fault(count=1)
    third = sim_backend.create(**SHOT)  # type: ignore[arg-type]
    assert len({first.id, second.id, third.id}) == 3
    assert len(simulator.jobs()) == 3 and simulator.calls["create"] == 3


def test_create_that_failed_before_the_server_made_it_is_sent_again(
    simulator: Simulator,
) -> None:
    # only when asked: by default a create is sent once (a job may be listed late)
    sim_backend = OpenAIBackend.for_simulator(
        simulator, timeout=10.0, download_timeout=30.0, max_retries=3, create_attempts=2
    )
    simulator.faults.server_error = Fault(count=1, ops=frozenset({"create"}))
    job = sim_backend.create(**SHOT)  # type: ignore[arg-type]
    assert [j["id"] for j in simulator.jobs()] == [job.id]
    assert simulator.calls["create"] == 2 and simulator.calls["list"] == 1
    simulator.faults.drop_connection = Fault(count=5, ops=frozenset({"create"}))
    with pytest.raises(ServerError):
        sim_backend.create(**SHOT)  # type: ignore[arg-type]
    assert len(simulator.jobs()) == 1  # create_attempts=2: two sends, no job, no guess


def test_rate_limited_create_is_not_retried(
    simulator: Simulator, sim_backend: OpenAIBackend
) -> None:
    simulator.faults.rate_limit = Fault(count=1, ops=frozenset({"create"}))
    with pytest.raises(RateLimited):
        sim_backend.create(**SHOT)  # type: ignore[arg-type]
    assert simulator.jobs() == [] and simulator.calls["create"] == 1


def test_slow_download_completes(
    simulator: Simulator, sim_backend: OpenAIBackend, tmp_path: Path
) -> None:
    job = completed(sim_backend)
    simulator.faults.slow_bytes_per_second = 100_000
    simulator.faults.slow_download = Fault(count=1)
    started = time.monotonic()
    out = sim_backend.download(job.id, tmp_path / "slow.mp4")
    elapsed = time.monotonic() - started
    size = out.stat().st_size
    assert elapsed >= 0.8 * size / 100_000  # it really was throttled
    assert abs(probe(out).duration - 4.0) < 0.05


@pytest.mark.slow
def test_a_dripping_download_stops_at_the_deadline(tmp_path: Path) -> None:
    """Each read is quick (a 16 KiB chunk every 0.5 s, far inside the 10 s per-read timeout),
    but the whole would take about 5 s: the total deadline ends it, names the job and the
    time, and leaves no file, partial or temporary."""
    # a grainy style: the noise keeps the file big enough (checked below; a plain panel is
    # ~20 KB since animatics are encoded at a constant quantiser): ~150 KB at a fifth of
    # 1792x1024 (at 0.7 it was 1.6 MB, a 50 s drip of which 1.2 s was ever sent, and ~1 s of
    # CPU drawing and encoding it)
    grainy = f"Style: documentary, 16 mm film grain.\n{SHOT['prompt']}"
    with Simulator(job_seconds=0.1, poll_after_ms=50, render_scale=0.2) as sim:
        backend = OpenAIBackend.for_simulator(sim, download_timeout=10.0, download_deadline=1.2)
        job = completed(backend, model="sora-2-pro", size="1792x1024", seconds=12, prompt=grainy)
        size = sim.content_path(job.id, "video").stat().st_size
        sim.faults.slow_bytes_per_second = 32_000
        assert size / 32_000 > 2.4  # at least five reads: the whole could not arrive in time
        sim.faults.slow_download = Fault(count=1)
        started = time.monotonic()
        with pytest.raises(ServerError) as info:
            backend.download(job.id, tmp_path / "shot.mp4")
        elapsed = time.monotonic() - started
        # ended by the deadline, not by the last byte (under 2.0 s was 0.8 s for the watchdog
        # to wake and the error to unwind, which a loaded machine can take)
        assert 1.2 <= elapsed < size / 32_000
        assert f"download {job.id} (video)" in str(info.value)
        assert "after 1.2 s" in str(info.value)
        assert list(tmp_path.iterdir()) == []
        assert backend.download(job.id, tmp_path / "shot.mp4").stat().st_size == size


def test_a_silent_server_is_cut_off_at_the_deadline_not_the_read_timeout(
    simulator: Simulator, tmp_path: Path
) -> None:
    """Headers sent, then nothing for 8 s (the first chunk waits): a read blocked that long
    is woken by the watchdog at the deadline, well before the 30 s per-read timeout."""
    backend = OpenAIBackend.for_simulator(simulator, download_timeout=30.0, download_deadline=0.5)
    job = completed(backend)
    simulator.faults.slow_bytes_per_second = 2_000  # 8 s before the first 16 KiB
    simulator.faults.slow_download = Fault(count=1)
    started = time.monotonic()
    with pytest.raises(ServerError, match=rf"download {job.id} .*after 0.5 s.*0 of \d+ bytes"):
        backend.download(job.id, tmp_path)
    assert time.monotonic() - started < 5.0  # the first byte comes at 8 s: not waited for
    assert list(tmp_path.iterdir()) == []


def test_download_deadline_must_be_positive(simulator: Simulator) -> None:
    for bad in (0, -1.0):
        with pytest.raises(ValueError, match="download_deadline"):
            OpenAIBackend.for_simulator(simulator, download_deadline=bad)


def test_broken_download_leaves_no_file(
    simulator: Simulator, sim_backend: OpenAIBackend, tmp_path: Path
) -> None:
    job = completed(sim_backend)
    simulator.faults.cut_download = Fault(count=1)
    with pytest.raises(ServerError, match="download"):
        sim_backend.download(job.id, tmp_path / "shot.mp4")
    assert list(tmp_path.iterdir()) == []
    # and the next attempt gets the whole file
    assert sim_backend.download(job.id, tmp_path / "shot.mp4").stat().st_size > 1000
    assert [p.name for p in tmp_path.iterdir()] == ["shot.mp4"]


def test_moderation_failure_has_error_code(
    simulator: Simulator, sim_backend: OpenAIBackend
) -> None:
    refused = completed(sim_backend, prompt="Charlie Chaplin [refuse] eats a boot.")
    simulator.faults.moderation = Fault(count=1)
    injected = completed(sim_backend, prompt="A boot on a plate.")
    for job in (refused, injected):
        assert job.status == "failed" and job.error_code == "moderation_blocked"
        with pytest.raises(RefusedPrompt) as info:
            raise_for_job(job)
        assert info.value.code == "moderation_blocked" and job.id in str(info.value)
    ok = completed(sim_backend)
    assert raise_for_job(ok) is ok


def test_expired_content_is_content_expired(
    simulator: Simulator, sim_backend: OpenAIBackend, tmp_path: Path
) -> None:
    simulator.faults.expire_content = Fault(count=1)
    job = completed(sim_backend)
    assert job.expires_at is not None and job.expires_at < time.time()
    with pytest.raises(ContentExpired):
        sim_backend.download(job.id, tmp_path / "late.mp4")
    assert list(tmp_path.iterdir()) == []


def test_not_ready_content_is_a_clear_error(
    simulator: Simulator, sim_backend: OpenAIBackend, tmp_path: Path
) -> None:
    # not done when asked however loaded the machine: 0.2 s (and a render, which the film
    # tests' animatic store makes instant once drawn) was all that kept it unfinished
    simulator.job_seconds = 60.0
    job = sim_backend.create(**SHOT)  # type: ignore[arg-type]
    with pytest.raises(InvalidRequest, match="only available for completed"):
        sim_backend.download(job.id, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_create_that_times_out_is_adopted_not_repeated(simulator: Simulator) -> None:
    """DESIGN's known trap: the client gives up, the server made the job anyway."""
    backend = OpenAIBackend.for_simulator(simulator, timeout=0.4, max_retries=2)
    simulator.faults.slow_response_seconds = 4.0
    simulator.inject(slow_response=Fault(count=1, ops=frozenset({"create"})))
    started = time.monotonic()
    job = backend.create(**SHOT)  # type: ignore[arg-type]
    assert time.monotonic() - started < 3.5  # it did not wait for the late answer
    assert [j["id"] for j in simulator.jobs()] == [job.id]
    assert simulator.calls["create"] == 1 and simulator.calls["list"] == 1


def test_inject_by_name(simulator: Simulator, sim_backend: OpenAIBackend) -> None:
    simulator.inject(rate_limit=1)
    assert sim_backend.list() == []
    assert simulator.faults.rate_limit.fired == 1 and simulator.calls["list"] == 2
    with pytest.raises(ValueError, match=r"unknown fault 'rate_limits'.*rate_limit"):
        simulator.inject(rate_limits=1)


def test_create_is_never_resent_when_the_lookup_fails(simulator: Simulator) -> None:
    backend = OpenAIBackend.for_simulator(simulator, max_retries=0)
    simulator.inject(lose_create_response=1, server_error=Fault(count=5, ops=frozenset({"list"})))
    with pytest.raises(ServerError, match="not sent again"):
        backend.create(**SHOT)  # type: ignore[arg-type]
    assert simulator.calls["create"] == 1 and len(simulator.jobs()) == 1


def test_input_reference_is_uploaded_and_checked(
    simulator: Simulator, sim_backend: OpenAIBackend, tmp_path: Path
) -> None:
    from sorafilm_nb.render import render_animatic, render_thumbnail

    clip = render_animatic(tmp_path / "c.mp4", seconds=1, size="1280x720", title="ref", scale=1.0)
    good = render_thumbnail(clip, tmp_path / "ref.png", fmt="png")  # 1280x720
    job = sim_backend.create(**SHOT, input_reference=good)  # type: ignore[arg-type]
    assert job.status == "queued"
    with pytest.raises(InvalidRequest) as info:  # a 720x1280 job with a landscape image
        sim_backend.create(
            **{**SHOT, "size": "720x1280"},  # type: ignore[arg-type]
            input_reference=good,
        )
    assert info.value.param == "input_reference"
    junk = tmp_path / "junk.png"
    junk.write_bytes(b"\x89PNG but not really")
    with pytest.raises(InvalidRequest, match="not a readable image"):
        sim_backend.create(**SHOT, input_reference=junk)  # type: ignore[arg-type]
    with pytest.raises(InvalidRequest, match="input_reference"):
        sim_backend.create(**SHOT, input_reference=tmp_path / "missing.gif")  # type: ignore[arg-type]
    assert len(simulator.jobs()) == 1


def test_an_old_identical_job_is_never_adopted(simulator: Simulator) -> None:
    """A twin from an earlier run (same prompt, outside the window) is not taken for ours."""
    simulator.render = False
    earlier = OpenAIBackend.for_simulator(simulator).create(**SHOT)  # type: ignore[arg-type]
    simulator._jobs[earlier.id].created_at -= 600  # made ten minutes ago
    # sent again only when asked (create_attempts=2): by default a create is sent once
    backend = OpenAIBackend.for_simulator(simulator, max_retries=0, create_attempts=2)
    simulator.inject(drop_connection=Fault(count=1, ops=frozenset({"create"})))
    job = backend.create(**SHOT)  # type: ignore[arg-type]
    assert job.id != earlier.id
    assert len(simulator.jobs()) == 2 and simulator.calls["create"] == 3
