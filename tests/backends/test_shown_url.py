"""Every backend shows the server it talks to the same way, worked out once: its URL through
redact.url (no password), in its repr, its errors and connect's "where" line."""

from __future__ import annotations

import pytest

from sorafilm_nb.backends import _provider
from sorafilm_nb.backends.openai_api import OpenAIBackend
from sorafilm_nb.backends.runway import RunwayBackend
from sorafilm_nb.backends.veo import VeoBackend
from sorafilm_nb.redact import url as redact_url

SECRET = "pw-shown-url-secret"
URL = f"http://user:{SECRET}@127.0.0.1:9/v1"


@pytest.mark.parametrize("kind", [OpenAIBackend, VeoBackend, RunwayBackend])
def test_the_shown_url_is_redact_url_of_the_one_in_use_computed_once(
    kind: type, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = kind(api_key="k-shown-url", base_url=URL)
    calls: list[str] = []
    monkeypatch.setattr(_provider, "redact_url", lambda u: calls.append(u) or u)
    assert backend.shown_url == redact_url(backend.base_url)
    assert SECRET not in backend.shown_url and SECRET not in repr(backend)
    assert calls == []  # shown from what ServerKind computed when the backend was made


def test_runway_without_a_url_shows_the_default_it_talks_to(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("RUNWAYML_BASE_URL", raising=False)
    backend = RunwayBackend(api_key="k-shown-url")
    assert backend.base_url and backend.base_url.startswith("https://")
    assert backend.shown_url == backend.base_url
    assert repr(backend) == f"RunwayBackend(name='runway', base_url={backend.base_url!r})"
