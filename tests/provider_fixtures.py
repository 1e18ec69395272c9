"""What the provider film tests share (tests/studio/test_providers*.py and the CLI's,
tests/cli/test_cli_providers.py): no provider key in the environment (autouse), and a tiny
repository to film.

Test modules take the fixtures with ``from provider_fixtures import *``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

__all__ = [
    "KEYS",
    "SMALL_CLI",
    "_no_keys",
    "animatics_drawn_once",
    "repo",
    "small_cli",
    "small_doubles",
]

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


class AnimaticStore:
    """Each distinct animatic a double draws, drawn once per test process and copied after.

    The simulator's and the fakes' ``Renderer._render`` draws a job's animatic from the
    job's seconds, size and prompt and the renderer's fps and scale, nothing else
    (tests/test_animatic.py checks two jobs alike but for their ids get the same bytes).
    The film tests film the same tiny repository again and again, so most of their
    animatics were drawn and encoded before (about 300 of 560 encodes in the studio and CLI
    tests). The first draw of each goes through the real ``_render``; a repeat is a copy of
    its file, written where and as ``_render`` writes it (whole, under the job's id).
    """

    def __init__(self, folder: Path, draw: Callable[[Any, Any], Path]) -> None:
        self.folder = folder
        self.draw = draw
        self.drawn = 0  # real draws
        self.copied = 0
        self._lock = threading.Lock()

    def render(self, renderer: Any, job: Any) -> Path:
        what = (job.seconds, job.size, job.prompt, renderer.fps, renderer.scale)
        kept = self.folder / (hashlib.sha256(repr(what).encode()).hexdigest()[:40] + ".mp4")
        if not kept.exists():
            made = self.draw(renderer, job)
            partial = kept.with_name(f"{kept.stem}.{threading.get_ident()}.partial")
            shutil.copyfile(made, partial)
            os.replace(partial, kept)
            with self._lock:
                self.drawn += 1
            return made
        out = Path(renderer.folder) / f"{job.id}.mp4"
        partial = out.with_name(f".{out.name}.{threading.get_ident()}.partial")
        shutil.copyfile(kept, partial)
        os.replace(partial, out)
        with self._lock:
            self.copied += 1
        return out


_STORE: AnimaticStore | None = None  # one per test process, made by its first taker


@pytest.fixture
def animatics_drawn_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> AnimaticStore:
    """The doubles started in this process (simulator, fake Veo, fake Runway) draw each
    distinct animatic once per test process (AnimaticStore). For tests of what a film
    sends, books, stitches, burns in and reports, never of the drawing itself (that is
    tests/test_animatic.py's and the simulator's own tests'). A subprocess draws its own.
    Take it with ``pytestmark = pytest.mark.usefixtures("animatics_drawn_once")``."""
    from sorafilm_nb.backends._sim_state import Renderer

    global _STORE
    if _STORE is None:
        _STORE = AnimaticStore(tmp_path_factory.mktemp("animatics"), Renderer._render)
    store = _STORE

    def render(renderer: Renderer, job: Any) -> Path:  # a function: it binds as a method
        return store.render(renderer, job)

    monkeypatch.setattr(Renderer, "_render", render)
    return store


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
