"""VeoBackend drives the unmodified google-genai SDK against FakeVeo over real HTTP.

Every body the fake sends is also parsed here by the SDK's own generated types, so a change
in google-genai's shapes fails these tests rather than a user's film.
"""

from __future__ import annotations

import base64
import json
import subprocess
import time
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
from provider_fixtures import animatics_drawn_once  # noqa: F401 - a fixture, by name
from veo_fixtures import *  # noqa: F403 - the fake Veo and a backend on it
from veo_fixtures import MODEL

from sorafilm_nb.backends._provider import ssl_context
from sorafilm_nb.backends.base import (
    AuthError,
    ContentExpired,
    InvalidRequest,
    Job,
    NotSupported,
    OutcomeUnknown,
    RateLimited,
    RefusedPrompt,
    ServerError,
)
from sorafilm_nb.backends.fake_veo import FakeVeo
from sorafilm_nb.backends.veo import VeoBackend
from sorafilm_nb.render import ffmpeg_exe, probe

pytestmark = pytest.mark.usefixtures("animatics_drawn_once")  # each animatic drawn once

if TYPE_CHECKING:  # the SDK (about 1 s to import) loads in the tests that use it, not at collection
    from google.genai import types


def wait(backend: VeoBackend, job: Job, limit: float = 10.0) -> Job:
    end = time.monotonic() + limit
    while not job.done:
        assert time.monotonic() < end, "job never finished"
        time.sleep(0.03)
        job = backend.retrieve(job.id)
    return job


def finished(fake: FakeVeo, limit: float = 30.0) -> None:
    """Wait, without asking through the backend (a done operation read by it would hand the
    download its video), until the fake holds every job finished: its clock run out and its
    animatic rendered, the fake's own test. A fixed 0.3 s lost the race on a loaded machine."""
    end = time.monotonic() + limit
    while not all(
        fake.fraction(j) >= 1.0 and (j.render is None or j.render.done())
        for j in fake.jobs.values()
    ):
        assert time.monotonic() < end, "job never finished"
        time.sleep(0.02)


def png(tmp_path: Path, name: str = "ref.png", size: str = "64x36") -> Path:
    out = tmp_path / name
    subprocess.run(
        [
            ffmpeg_exe(),
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            f"color=c=red:s={size}",
            "-frames:v",
            "1",
            "-y",
            str(out),
        ],
        check=True,
    )
    return out


def raw_post(fake: FakeVeo, path: str, body: dict[str, object]) -> httpx.Response:
    return httpx.post(
        f"{fake.base_url}/v1beta1/{path}",
        json=body,
        headers={"x-goog-api-key": fake.api_key},
        timeout=10,
        verify=ssl_context(),
    )


# ---------------------------------------------------------------- the happy path


def test_create_poll_download_real_mp4(veo: VeoBackend, fake: FakeVeo, tmp_path: Path) -> None:
    job = veo.create(
        prompt="a milk carton that will not pour", model=MODEL, seconds=6, size="720x1280"
    )
    assert job.status == "in_progress" and job.model == MODEL and job.seconds == 6
    done = wait(veo, job)
    assert done.status == "completed" and done.progress == 100
    out = veo.download(done.id, tmp_path)
    info = probe(out)
    assert info.codec == "h264" and abs(info.duration - 6) < 0.2
    assert info.height > info.width  # 9:16 was asked for
    sent = fake.requests[0]
    assert sent["parameters"]["durationSeconds"] == 6
    assert sent["parameters"]["aspectRatio"] == "9:16"
    assert sent["parameters"]["resolution"] == "720p"
    assert fake.calls["create"] == 1


def test_fake_bodies_parse_with_sdk_types(fake: FakeVeo) -> None:
    from google.genai import errors as genai_errors
    from google.genai import types

    created = raw_post(
        fake,
        f"publishers/google/models/{MODEL}:predictLongRunning",
        {"instances": [{"prompt": "x"}], "parameters": {"durationSeconds": 4}},
    )
    assert created.status_code == 200
    op = types.GenerateVideosOperation.from_api_response(created.json(), is_vertex_ai=True)
    assert op.name and "/operations/" in op.name and not op.done
    resource = op.name.rpartition("/operations/")[0]
    for _ in range(200):
        got = raw_post(fake, f"{resource}:fetchPredictOperation", {"operationName": op.name})
        parsed = types.GenerateVideosOperation.from_api_response(got.json(), is_vertex_ai=True)
        if parsed.done:
            break
        time.sleep(0.03)
    assert parsed.response is not None and parsed.response.generated_videos
    video = parsed.response.generated_videos[0].video
    assert video is not None and video.video_bytes and video.mime_type == "video/mp4"
    assert parsed.response.rai_media_filtered_count == 0
    bad = raw_post(
        fake,
        f"publishers/google/models/{MODEL}:predictLongRunning",
        {"instances": [{"prompt": "x"}], "parameters": {"durationSeconds": 5}},
    )
    err = genai_errors.ClientError(bad.status_code, bad.json(), None)
    assert err.code == 400 and err.status == "INVALID_ARGUMENT" and "5" in (err.message or "")


def test_refusal_is_failed_moderation_blocked(
    veo: VeoBackend, fake: FakeVeo, tmp_path: Path
) -> None:
    from google.genai import types

    job = wait(
        veo, veo.create(prompt="[refuse] a famous mouse", model=MODEL, seconds=4, size="1280x720")
    )
    assert job.status == "failed" and job.error_code == "moderation_blocked"
    assert "Responsible AI" in (job.error_message or "")
    with pytest.raises(RefusedPrompt):
        veo.download(job.id, tmp_path)
    body = raw_post(
        fake,
        job.id.rpartition("/operations/")[0] + ":fetchPredictOperation",
        {"operationName": job.id},
    ).json()
    parsed = types.GenerateVideosOperation.from_api_response(body, is_vertex_ai=True)
    assert parsed.response and parsed.response.rai_media_filtered_count == 1


def test_invalid_requests_never_reach_the_server(veo: VeoBackend, fake: FakeVeo) -> None:
    with pytest.raises(InvalidRequest):  # 1080p takes 8 s only
        veo.create(prompt="x", model=MODEL, seconds=4, size="1920x1080")
    with pytest.raises(InvalidRequest):
        veo.create(prompt="x", model="veo-9", seconds=4, size="1280x720")
    with pytest.raises(NotSupported):
        veo.create(
            prompt="x",
            model="veo-3.1-fast-generate-preview",
            seconds=8,
            size="1280x720",
            reference_images=("a.png",),
        )
    assert fake.calls["create"] == 0


def test_first_and_last_frames_are_sent_and_recorded(
    veo: VeoBackend, fake: FakeVeo, tmp_path: Path
) -> None:
    first, last = png(tmp_path, "first.png"), png(tmp_path, "last.png", "32x18")
    job = veo.create(
        prompt="x", model=MODEL, seconds=4, size="1280x720", first_frame=first, last_frame=last
    )
    seen = fake.jobs[job.id].conditioning
    assert seen["first_frame"]["size"] == "64x36" and seen["last_frame"]["size"] == "32x18"
    assert seen["first_frame"]["mime_type"] == "image/png"
    assert wait(veo, job).status == "completed"


def test_the_look_goes_as_an_asset_reference_image(
    veo: VeoBackend, fake: FakeVeo, tmp_path: Path
) -> None:
    look = png(tmp_path, "look.png", "32x32")
    job = veo.create(prompt="x", model=MODEL, seconds=8, size="1280x720", reference_images=(look,))
    (ref,) = fake.jobs[job.id].conditioning["reference_images"]["images"]
    assert ref["size"] == "32x32" and ref["reference_type"] == "ASSET"
    (sent,) = fake.requests[0]["instances"][0]["referenceImages"]
    assert sent["referenceType"] == "ASSET" and "image" not in fake.requests[0]["instances"][0]
    assert wait(veo, job).status == "completed"


@pytest.mark.parametrize(
    ("seconds", "size", "frame"),
    [(4, "1280x720", False), (8, "720x1280", False), (8, "1280x720", True)],
)
def test_reference_images_outside_what_veo_takes_are_never_sent(
    veo: VeoBackend, fake: FakeVeo, tmp_path: Path, seconds: int, size: str, frame: bool
) -> None:
    """8 s and 16:9 only, and never with a first frame (the capability model, checked here
    before anything is sent)."""
    look = png(tmp_path, "look.png", "32x32")
    with pytest.raises(InvalidRequest) as info:
        veo.create(
            prompt="x",
            model=MODEL,
            seconds=seconds,
            size=size,
            reference_images=(look,),
            first_frame=look if frame else None,
        )
    assert info.value.param == "reference_images"
    assert fake.calls["create"] == 0


def _sdk_create(fake: FakeVeo, config: types.GenerateVideosConfig, image: object = None) -> None:
    """The SDK straight at the fake, past the backend's own checks: what Vertex would get."""
    from google import genai
    from google.genai import types

    client = genai.Client(
        vertexai=True,
        api_key=fake.api_key,
        # the backends' shared TLS context, so the SDK builds none of its own (CPU only)
        http_options=types.HttpOptions(
            base_url=fake.base_url,
            client_args={"verify": ssl_context()},
            async_client_args={"verify": ssl_context(), "ssl": ssl_context()},
        ),
    )
    source = types.GenerateVideosSource(prompt="x", image=image)  # type: ignore[arg-type]
    client.models.generate_videos(model=MODEL, source=source, config=config)


@pytest.mark.parametrize(
    ("why", "change"),
    [
        ("4 s", {"duration_seconds": 4}),
        ("9:16", {"aspect_ratio": "9:16"}),
        ("a style image", {"style": True}),
        ("four images", {"count": 4}),
        ("a first frame too", {"image": True}),
        ("a last frame too", {"last_frame": True}),
    ],
)
def test_the_fake_refuses_reference_images_as_vertex_does(
    fake: FakeVeo, tmp_path: Path, why: str, change: dict[str, object]
) -> None:
    from google.genai import errors as genai_errors
    from google.genai import types

    image = types.Image(image_bytes=png(tmp_path).read_bytes(), mime_type="image/png")
    kind = (
        types.VideoGenerationReferenceType.STYLE
        if change.get("style")
        else types.VideoGenerationReferenceType.ASSET
    )
    refs = [
        types.VideoGenerationReferenceImage(image=image, reference_type=kind)
        for _ in range(int(change.get("count", 1)))  # type: ignore[call-overload]
    ]
    config = types.GenerateVideosConfig(
        duration_seconds=int(change.get("duration_seconds", 8)),  # type: ignore[call-overload]
        aspect_ratio=str(change.get("aspect_ratio", "16:9")),
        resolution="720p",
        reference_images=refs,
        last_frame=image if change.get("last_frame") else None,
    )
    with pytest.raises(genai_errors.ClientError) as info:
        _sdk_create(fake, config, image if change.get("image") else None)
    assert info.value.code == 400 and info.value.status == "INVALID_ARGUMENT", why
    assert not fake.jobs
    ok = types.GenerateVideosConfig(
        duration_seconds=8, aspect_ratio="16:9", resolution="720p", reference_images=refs[:1]
    )
    if not change.get("style"):
        _sdk_create(fake, ok)  # the same images, within the rules, are taken
        assert len(fake.jobs) == 1


def test_operations_veo_lacks_are_not_supported(veo: VeoBackend, tmp_path: Path) -> None:
    with pytest.raises(NotSupported):
        veo.list()
    with pytest.raises(NotSupported):
        veo.delete("projects/p/locations/l/publishers/google/models/m/operations/1")
    with pytest.raises(NotSupported):
        veo.download(
            "projects/p/locations/l/publishers/google/models/m/operations/1",
            tmp_path,
            variant="thumbnail",
        )


def test_no_key_is_an_auth_error(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("GEMINI_API_KEY", "GOOGLE_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    with pytest.raises(AuthError):
        VeoBackend()


# ---------------------------------------------------------------- faults


def test_429_on_create_means_no_job(veo: VeoBackend, fake: FakeVeo) -> None:
    fake.inject(rate_limit=1)
    with pytest.raises(RateLimited):
        veo.create(prompt="x", model=MODEL, seconds=4, size="1280x720")
    assert fake.calls["create"] == 1 and not fake.jobs


@pytest.mark.parametrize("fault", ["lose_create_response", "server_error", "drop_connection"])
def test_ambiguous_create_is_outcome_unknown_never_resent(
    veo: VeoBackend, fake: FakeVeo, fault: str
) -> None:
    fake.inject(**{fault: 1})
    with pytest.raises(OutcomeUnknown) as info:
        veo.create(prompt="the one shot", model=MODEL, seconds=4, size="1280x720")
    assert fake.calls["create"] == 1  # sent once, never again
    assert len(fake.jobs) == (1 if fault == "lose_create_response" else 0)
    lost = info.value.lost
    assert (lost.provider, lost.model, lost.seconds) == ("veo", MODEL, 4)
    assert "console.cloud.google.com" in str(info.value)


@pytest.mark.parametrize("fault", ["rate_limit", "server_error", "drop_connection"])
def test_reads_are_retried(veo: VeoBackend, fake: FakeVeo, fault: str) -> None:
    job = veo.create(prompt="x", model=MODEL, seconds=4, size="1280x720")
    fake.inject(**{fault: 2})
    assert wait(veo, job).status == "completed"
    assert getattr(fake.faults, fault).fired == 2


def test_expired_result_is_content_expired(veo: VeoBackend, fake: FakeVeo, tmp_path: Path) -> None:
    fake.inject(expire_content=1)
    job = veo.create(prompt="x", model=MODEL, seconds=4, size="1280x720")
    finished(fake)
    with pytest.raises(ContentExpired):
        veo.download(job.id, tmp_path)
    assert not list(tmp_path.iterdir())


# ---------------------------------------------------------------- a hostile server


def test_key_echoed_by_server_never_surfaces(fake: FakeVeo) -> None:
    fake.hostile.add("echo_key")
    wrong = "AIzaSyWRONG-wrong-wrong-wrong-0123456789"
    backend = VeoBackend(api_key=wrong, base_url=fake.base_url, max_retries=0)
    with pytest.raises(AuthError) as info:
        backend.create(prompt="x", model=MODEL, seconds=4, size="1280x720")
    assert fake.calls["create"] == 1
    for text in (str(info.value), repr(info.value), repr(backend), str(backend)):
        assert wrong not in text and "WRONG-wrong" not in text
    with pytest.raises(TypeError):
        json.dumps(backend.__getstate__())


def test_reused_operation_name_is_outcome_unknown(veo: VeoBackend, fake: FakeVeo) -> None:
    veo.create(prompt="first", model=MODEL, seconds=4, size="1280x720")
    fake.hostile.add("reuse_id")
    with pytest.raises(OutcomeUnknown, match="already gave"):
        veo.create(prompt="second", model=MODEL, seconds=4, size="1280x720")


@pytest.mark.parametrize("mode", ["huge_body", "endless_body"])
def test_huge_or_endless_body_is_bounded(fake: FakeVeo, tmp_path: Path, mode: str) -> None:
    backend = VeoBackend(
        api_key=fake.api_key,
        base_url=fake.base_url,
        max_retries=0,
        max_response_bytes=2_000_000,
        response_deadline=1.0,
    )
    job = backend.create(prompt="x", model=MODEL, seconds=4, size="1280x720")
    finished(fake)
    fake.hostile.add(mode)
    started = time.monotonic()
    with pytest.raises(ServerError):
        backend.download(job.id, tmp_path)
    assert time.monotonic() - started < 5
    assert not list(tmp_path.iterdir())


def test_inline_video_is_base64_of_an_mp4(fake: FakeVeo) -> None:
    """The fake's video bytes are a real mp4 (ftyp box), as Vertex returns them."""
    name = raw_post(
        fake,
        f"publishers/google/models/{MODEL}:predictLongRunning",
        {"instances": [{"prompt": "x"}], "parameters": {"durationSeconds": 4}},
    ).json()["name"]
    time.sleep(0.3)
    for _ in range(100):
        body = raw_post(
            fake,
            name.rpartition("/operations/")[0] + ":fetchPredictOperation",
            {"operationName": name},
        ).json()
        if body.get("done"):
            break
        time.sleep(0.05)
    data = base64.b64decode(body["response"]["videos"][0]["bytesBase64Encoded"])
    assert data[4:8] == b"ftyp"
