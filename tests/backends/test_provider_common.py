"""The one rule the Veo and Runway backends share (``backends._provider``): where a key comes
from, what an HTTP status means, what a lost create says, and that neither shows its key."""

from __future__ import annotations

import pickle

import pytest

from sorafilm_nb.backends._provider import KEY_ENV, find_key, status_error
from sorafilm_nb.backends.base import (
    AuthError,
    BackendError,
    InvalidRequest,
    NotFound,
    OutcomeUnknown,
    RateLimited,
    ServerError,
)
from sorafilm_nb.backends.connect import provider_key
from sorafilm_nb.backends.fake_runway import FakeRunway
from sorafilm_nb.backends.fake_veo import FakeVeo
from sorafilm_nb.backends.runway import RunwayBackend
from sorafilm_nb.backends.veo import VeoBackend

PAIRS = [(FakeVeo, VeoBackend, "veo-3.1-generate-preview"), (FakeRunway, RunwayBackend, "gen4.5")]


@pytest.fixture(autouse=True)
def _no_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for names in KEY_ENV.values():
        for name in names:
            monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        (400, InvalidRequest),
        (401, AuthError),
        (403, AuthError),
        (404, NotFound),
        (408, ServerError),  # the server gave up: a create may have made a job
        (409, InvalidRequest),
        (422, InvalidRequest),
        (429, RateLimited),
        (500, ServerError),
        (503, ServerError),
        (302, BackendError),
    ],
)
def test_an_http_status_means_one_error_for_every_provider(code: int, kind: type) -> None:
    assert type(status_error(code, "x")) is kind


@pytest.mark.parametrize("provider", ["veo", "runway", "openai"])
def test_a_key_comes_from_the_same_variables_for_backend_and_connect(
    provider: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    last = KEY_ENV[provider][-1]
    monkeypatch.setenv(last, "  secret-value \n")
    assert find_key(provider) == "secret-value" == provider_key(provider)
    assert find_key(provider, "given") == "given"


@pytest.mark.parametrize(("fake_kind", "backend_kind", "model"), PAIRS)
def test_a_lost_create_and_the_key_read_the_same_on_both(
    fake_kind: type, backend_kind: type, model: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with fake_kind(job_seconds=0.05) as fake:
        monkeypatch.setenv(KEY_ENV[backend_kind.provider][-1], fake.api_key)
        backend = backend_kind(base_url=fake.base_url)  # the key from the environment
        assert fake.api_key not in repr(backend) and fake.api_key not in str(backend)
        with pytest.raises(TypeError, match="not picklable"):
            pickle.dumps(backend)
        fake.inject(server_error=1)
        with pytest.raises(OutcomeUnknown) as info:
            backend.create(prompt="a kettle", model=model, seconds=4, size="1280x720")
        text = str(info.value)
        assert f"the {backend_kind.job_word} may exist and be billed" in text
        assert backend_kind.console in text and "before retrying this shot on purpose" in text
        assert info.value.lost.provider == backend_kind.provider and fake.api_key not in text
        assert fake.calls["create"] == 1  # never sent again
