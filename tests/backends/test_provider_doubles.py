"""Simulated or real, per provider: a backend believes a fake's header only from loopback and
only while every answer carries it; `connect` builds each provider's double or real API."""

from __future__ import annotations

import pytest

from sorafilm_nb.backends.base import AuthError, SimulatorMismatch, is_simulated
from sorafilm_nb.backends.connect import connect
from sorafilm_nb.backends.fake_runway import FakeRunway
from sorafilm_nb.backends.fake_veo import FakeVeo
from sorafilm_nb.backends.runway import RunwayBackend
from sorafilm_nb.backends.veo import VeoBackend

KEYS = ("GEMINI_API_KEY", "GOOGLE_API_KEY", "RUNWAYML_API_SECRET", "RUNWAYML_BASE_URL")


@pytest.fixture(autouse=True)
def _no_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in KEYS:
        monkeypatch.delenv(var, raising=False)


@pytest.mark.parametrize(
    ("fake_kind", "backend_kind"), [(FakeVeo, VeoBackend), (FakeRunway, RunwayBackend)]
)
def test_a_fake_is_simulated_only_while_it_says_so(fake_kind: type, backend_kind: type) -> None:
    with fake_kind(job_seconds=0.05) as fake:
        probed = backend_kind(api_key=fake.api_key, base_url=fake.base_url)
        assert is_simulated(probed)  # asked once, with a free read
        fake.conceal = True  # a server that stops saying it is a fake: maybe real money
        fresh = backend_kind(api_key=fake.api_key, base_url=fake.base_url)
        assert not is_simulated(fresh)
        # this create's answer comes without the header: the job it started may be real yet
        # booked in the sandbox, so the error names it (as OpenAIBackend's does); no more sends
        with pytest.raises(SimulatorMismatch) as info:
            probed.create(prompt="p", model=_model(fake), seconds=4, size="1280x720")
        (job_id,) = fake.jobs
        assert f"job {job_id} " in str(info.value) and "sandbox" in str(info.value)
        assert not probed.is_simulator()
        with pytest.raises(SimulatorMismatch, match="nothing was sent"):
            probed.create(prompt="p", model=_model(fake), seconds=4, size="1280x720")
        assert fake.calls["create"] == 1


def _model(fake: object) -> str:
    return "veo-3.1-generate-preview" if isinstance(fake, FakeVeo) else "gen4.5"


def test_a_real_provider_url_is_never_simulated() -> None:
    veo = VeoBackend(api_key="AIza-not-a-real-key", base_url="https://example.invalid")
    assert not veo.is_simulator()  # not loopback: not even asked
    runway = RunwayBackend(api_key="key_x", base_url="https://example.invalid")
    assert not runway.is_simulator()


@pytest.mark.parametrize("provider", ["openai", "veo", "runway"])
def test_connect_builds_each_double_and_wants_a_key_for_real(provider: str) -> None:
    with connect(provider, sim_seconds=0.05) as conn:
        assert is_simulated(conn.backend) and conn.server is not None
        assert getattr(conn.backend, "provider", "openai") == provider
    with pytest.raises(AuthError) as info:
        connect(provider, real=True)
    assert "--real" in str(info.value) and "never printed" in str(info.value)
