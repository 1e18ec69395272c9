"""What the provider film tests share (tests/studio/test_providers*.py and the CLI's,
tests/cli/test_cli_providers.py): no provider key in the environment (autouse), and a tiny
repository to film.

Test modules take the fixtures with ``from provider_fixtures import *``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

__all__ = ["KEYS", "_no_keys", "repo", "small_doubles"]

KEYS = ("GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_CLOUD_PROJECT", "RUNWAYML_API_SECRET")
KEYS += ("RUNWAYML_BASE_URL",)


@pytest.fixture(autouse=True)
def _no_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in KEYS:
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def small_doubles(monkeypatch: pytest.MonkeyPatch) -> None:
    """The doubles this process starts (``Studio(provider=...)``, ``sorafilm film`` run by
    ``main``) draw their animatics at a fifth of the planned size (256x144 for 1280x720, as
    the studio tests' simulator does) instead of half: a test that takes it checks what is
    sent, booked, stitched and burned in, never the pixels, and encoding and burning captions
    into 640x360 clips was most of each film's time. A subprocess keeps the real size.
    Take it with ``pytestmark = pytest.mark.usefixtures("small_doubles")``."""
    from sorafilm_nb.backends import connect

    monkeypatch.setattr(connect, "DOUBLE_RENDER_SCALE", 0.2)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A tiny repository to film: a class, a function and an exception."""
    root = tmp_path / "repo"
    root.mkdir()
    (root / "README.md").write_text("# Kettle\n\nBoils water, politely.\n")
    (root / "kettle.py").write_text(
        '"""A kettle."""\n\n\nclass BoilError(Exception):\n    """Too hot."""\n\n\n'
        "class Kettle:\n    def boil(self, litres: float) -> float:\n"
        "        if litres > 2:\n            raise BoilError(litres)\n        return litres\n\n\n"
        "def pour(kettle: Kettle) -> None:\n    kettle.boil(1)\n"
    )
    return root
