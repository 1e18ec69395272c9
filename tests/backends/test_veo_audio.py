"""Audio off on Veo: generate_audio=False goes through the unmodified google-genai SDK as
Vertex AI's ``parameters.generateAudio``, and FakeVeo checks it as the API reference types it
(a boolean, or absent for the model's default: sound on Veo 3.x)."""

from __future__ import annotations

import time

import httpx
import pytest
from veo_fixtures import *  # noqa: F403 - the fake Veo and a backend on it
from veo_fixtures import MODEL

from sorafilm_nb import capabilities
from sorafilm_nb.backends.fake_veo import FakeVeo
from sorafilm_nb.backends.veo import VeoBackend

FAST = "veo-3.1-fast-generate-preview"


@pytest.mark.parametrize("model", [MODEL, FAST])
def test_generate_audio_false_reaches_the_server_and_is_recorded(
    veo: VeoBackend, fake: FakeVeo, model: str
) -> None:
    job = veo.create(prompt="a kettle", model=model, seconds=4, size="1280x720")
    silent = veo.create(
        prompt="a kettle", model=model, seconds=4, size="1280x720", generate_audio=False
    )
    assert "generateAudio" not in fake.requests[0]["parameters"]  # the model's default
    assert fake.requests[1]["parameters"]["generateAudio"] is False
    assert fake.jobs[job.id].audio is True and fake.jobs[silent.id].audio is False
    end = time.monotonic() + 10
    while not veo.retrieve(silent.id).done:  # a silent job finishes like any other
        assert time.monotonic() < end
        time.sleep(0.03)
    assert veo.retrieve(silent.id).status == "completed"


def _raw_create(fake: FakeVeo, parameters: dict[str, object]) -> httpx.Response:
    """A create as Vertex's REST reference shows it, without the SDK (which types the field
    as a bool and would coerce or refuse a bad value before sending)."""
    return httpx.post(
        f"{fake.base_url}/v1beta1/publishers/google/models/{MODEL}:predictLongRunning",
        headers={"x-goog-api-key": fake.api_key},
        json={
            "instances": [{"prompt": "a kettle"}],
            "parameters": {"durationSeconds": 4, "aspectRatio": "16:9", **parameters},
        },
        timeout=10,
    )


@pytest.mark.parametrize("value", ["false", 0, [False]])
def test_the_fake_refuses_a_generate_audio_that_is_not_a_boolean(
    fake: FakeVeo, value: object
) -> None:
    got = _raw_create(fake, {"generateAudio": value})
    assert got.status_code == 400
    assert got.json()["error"]["status"] == "INVALID_ARGUMENT"
    assert "generateAudio" in got.json()["error"]["message"] and not fake.jobs
    assert _raw_create(fake, {"generateAudio": False}).status_code == 200  # a boolean is taken


def test_gemini_api_mode_never_sends_a_veo_job(fake: FakeVeo) -> None:
    """Why the backend is Vertex-only: google-genai refuses generate_videos (and so
    generate_audio) in Gemini Developer API mode before anything is sent."""
    from google import genai  # here, not at collection: ~1 s of CPU in every xdist worker
    from google.genai import types

    client = genai.Client(
        api_key=fake.api_key, http_options=types.HttpOptions(base_url=fake.base_url)
    )
    config = types.GenerateVideosConfig(duration_seconds=4, generate_audio=False)
    before = dict(fake.calls)
    with pytest.raises(ValueError, match="only supported in"):
        source = types.GenerateVideosSource(prompt="a kettle")
        client.models.generate_videos(model=MODEL, source=source, config=config)
    assert dict(fake.calls) == before


def test_only_a_model_that_can_leave_its_audio_out_is_sent_silent() -> None:
    assert capabilities.sent_silent("veo", MODEL, audio=False)
    assert capabilities.sent_silent("veo", FAST, audio=False)
    assert not capabilities.sent_silent("veo", MODEL, audio=True)
    assert not capabilities.sent_silent("openai", "sora-2", audio=False)  # no such switch
    assert not capabilities.sent_silent("runway", "gen4.5", audio=False)  # makes no audio
    assert not capabilities.sent_silent("veo", "veo-9", audio=False)
