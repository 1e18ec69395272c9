"""What the Veo backend tests (tests/backends/test_veo*.py) share: the loopback fake Veo and
a VeoBackend (the official google-genai SDK) pointed at it with no key from the environment.

Test modules take the fixtures with ``from veo_fixtures import *``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sorafilm_nb.backends.fake_veo import FakeVeo
from sorafilm_nb.backends.veo import VeoBackend

__all__ = ["MODEL", "fake", "veo"]

MODEL = "veo-3.1-generate-preview"


@pytest.fixture
def fake() -> Iterator[FakeVeo]:
    with FakeVeo(job_seconds=0.05) as server:
        yield server  # type: ignore[misc]


@pytest.fixture
def veo(fake: FakeVeo, monkeypatch: pytest.MonkeyPatch) -> VeoBackend:
    for var in ("GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_CLOUD_PROJECT"):
        monkeypatch.delenv(var, raising=False)
    return VeoBackend(api_key=fake.api_key, base_url=fake.base_url, retry_delay=0.01)
