"""What the provider film tests share (tests/studio/test_providers*.py and the CLI's,
tests/cli/test_cli_providers.py): no provider key in the environment (autouse), and a tiny
repository to film.

Test modules take the fixtures with ``from provider_fixtures import *``.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

__all__ = ["KEYS", "SMALL_CLI", "_no_keys", "repo", "small_cli", "small_doubles"]

KEYS = ("GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_CLOUD_PROJECT", "RUNWAYML_API_SECRET")
KEYS += ("RUNWAYML_BASE_URL",)

#: The share of the planned size the tests' doubles draw at: 256x144 for 1280x720 (a user's
#: doubles draw half, connect.DOUBLE_RENDER_SCALE).
SMALL_SCALE = 0.2

#: ``sorafilm`` as a user runs it, in its own interpreter (``[sys.executable, "-c",
#: SMALL_CLI, *argv]``), with its doubles drawing at SMALL_SCALE: a subprocess can't be
#: monkeypatched, so it sets the scale itself before ``main`` starts a double. The same
#: ``run`` that ``python -m sorafilm_nb`` and the console script run; 640x360 animatics were
#: about half of each subprocess film's CPU (encoding, burning captions in) and no such
#: test reads the pixels.
SMALL_CLI = (
    "from sorafilm_nb.backends import connect; "
    f"connect.DOUBLE_RENDER_SCALE = {SMALL_SCALE}; "
    "from sorafilm_nb.cli import run; run()"
)


def small_cli(
    *args: str, env: Mapping[str, str], cwd: Path | None = None, **run: Any
) -> subprocess.CompletedProcess[str]:
    """``sorafilm ARGS`` run by SMALL_CLI in its own interpreter, its output captured as
    text (10 minutes at most; ``run`` adds subprocess.run's other options)."""
    return subprocess.run(
        [sys.executable, "-c", SMALL_CLI, *args],
        capture_output=True,
        text=True,
        env=dict(env),
        cwd=cwd,
        timeout=run.pop("timeout", 600),
        **run,
    )


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
    into 640x360 clips was most of each film's time. A subprocess takes SMALL_CLI instead.
    Take it with ``pytestmark = pytest.mark.usefixtures("small_doubles")``."""
    from sorafilm_nb.backends import connect

    monkeypatch.setattr(connect, "DOUBLE_RENDER_SCALE", SMALL_SCALE)


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
