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
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import session_fixtures

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
    """Each distinct animatic a double draws is encoded once per test run.

    The film tests film the same tiny repository again and again: most animatics the
    simulator and the fakes draw (``Renderer._render``) are frame for frame one drawn
    before (about 300 of 560 encodes in the studio and CLI tests), though their prompts
    differ (a plan's tag, a line the panel has no room for). Every frame is still drawn by
    the real code; only the x264 encode of frames already encoded with the same arguments is
    a copy of the earlier file, written where that encode would have written it. Only inside
    a double's ``_render`` (a thread-local flag): the studio's own encodes (caption cards,
    stitching) always run. tests/test_animatic.py checks a repeat is the same bytes.

    The folder is the run's, shared by every xdist worker (session_fixtures.run_folder): a
    kept file appears whole (written aside, then renamed), so a worker finds it or encodes
    it itself, never half of one. Per worker, each of the three encoded the same animatics.
    """

    def __init__(self, folder: Path, encode: Callable[..., str]) -> None:
        self.folder = folder
        self.encode = encode  # the real render._ffmpeg
        self.encoded = 0
        self.copied = 0
        self._lock = threading.Lock()
        self._drawing = threading.local()

    def render(self, draw: Callable[[Any, Any], Path], renderer: Any, job: Any) -> Path:
        """``draw`` (the real ``Renderer._render``), its encode looked up in the store."""
        self._drawing.on = True
        try:
            return draw(renderer, job)
        finally:
            self._drawing.on = False

    def ffmpeg(self, *args: str, stdin_frames: Iterator[bytes | memoryview] | None = None) -> str:
        """render._ffmpeg, answered from the store for a double's encode it holds."""
        if stdin_frames is None or not getattr(self._drawing, "on", False):
            return self.encode(*args, stdin_frames=stdin_frames)
        frames = [bytes(frame) for frame in stdin_frames]
        *how, target = args  # the encode's settings, then the file it writes
        digest = hashlib.sha256(repr(how).encode())
        for frame in frames:
            digest.update(frame)
        kept = self.folder / f"{digest.hexdigest()[:40]}.mp4"
        if kept.exists():
            shutil.copyfile(kept, target)
            with self._lock:
                self.copied += 1
            return ""
        log = self.encode(*args, stdin_frames=iter(frames))
        partial = kept.with_name(f"{kept.stem}.{os.getpid()}.{threading.get_ident()}.partial")
        shutil.copyfile(target, partial)
        os.replace(partial, kept)
        with self._lock:
            self.encoded += 1
        return log


_STORE: AnimaticStore | None = None  # one per test process over the run's folder


@pytest.fixture
def animatics_drawn_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> AnimaticStore:
    """The doubles started in this process (simulator, fake Veo, fake Runway) encode each
    distinct animatic once per test run, whichever worker draws it first (AnimaticStore).
    For tests of what a film sends, books, stitches, burns in and reports, never of the
    drawing itself (that is tests/test_animatic.py's and the simulator's own tests'). A
    subprocess encodes its own.
    Take it with ``pytestmark = pytest.mark.usefixtures("animatics_drawn_once")``."""
    from sorafilm_nb import render
    from sorafilm_nb.backends._sim_state import Renderer

    global _STORE
    if _STORE is None:
        folder = session_fixtures.run_folder(tmp_path_factory, "animatics")
        _STORE = AnimaticStore(folder, render._ffmpeg)
    store = _STORE
    draw = Renderer._render

    def stored(renderer: Renderer, job: Any) -> Path:  # a function: it binds as a method
        return store.render(draw, renderer, job)

    monkeypatch.setattr(Renderer, "_render", stored)
    monkeypatch.setattr(render, "_ffmpeg", store.ffmpeg)
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
