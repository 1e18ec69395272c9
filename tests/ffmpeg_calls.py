"""Count the ffmpeg processes a piece of code starts, by kind, with a real logging shim.

``ffmpeg_calls(monkeypatch, tmp_path)`` points IMAGEIO_FFMPEG_EXE (which ``render.ffmpeg_exe``
reads on every call) at a small shell script that appends its argv to a log and execs the
real binary: every process start is seen, whichever code path or thread made it, and a
reading answered without one is not. ``calls.probes()`` lists the files read by ``ffmpeg -i``
alone (``render.probe``)."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

__all__ = ["FfmpegCalls", "ffmpeg_calls"]


class FfmpegCalls:
    def __init__(self, log: Path) -> None:
        self.log = log

    def argvs(self) -> list[list[str]]:
        if not self.log.exists():
            return []
        lines = self.log.read_text(encoding="utf-8").split("\n")
        return [line.split("\x1f")[:-1] for line in lines if line]

    def probes(self) -> list[str]:
        """The file of each ``ffmpeg -hide_banner -i FILE`` (a probe), in call order."""
        return [a[2] for a in self.argvs() if len(a) == 3 and a[:2] == ["-hide_banner", "-i"]]


def ffmpeg_calls(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> FfmpegCalls:
    from sorafilm_nb import render

    real = render.ffmpeg_exe()
    log = tmp_path / "ffmpeg-calls.log"
    shim = tmp_path / "ffmpeg-shim"
    # one write per call (the line built first), so threads' calls never interleave; the
    # arguments joined by the unit separator (a shell variable cannot hold NUL)
    shim.write_text(
        "#!/bin/bash\n"
        "line=$(printf '%s\\x1f' \"$@\")\n"
        f"printf '%s\\n' \"$line\" >> {shlex.quote(str(log))}\n"
        f'exec {shlex.quote(real)} "$@"\n'
    )
    shim.chmod(0o755)
    monkeypatch.setenv("IMAGEIO_FFMPEG_EXE", str(shim))
    render.forget_all()  # count from nothing remembered
    return FfmpegCalls(log)


@pytest.fixture
def probes_read_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every ``render.probe`` in the test reads the file itself: nothing our encoders know
    is remembered for it. For tests of what the encoders and the stitch WRITE, which must
    never be checked against what they meant to write (tests/test_probe_count.py checks
    that what they remember is what a reading gives).
    Take it with ``pytestmark = pytest.mark.usefixtures("probes_read_files")``."""
    from sorafilm_nb import _probe

    _probe.forget_all()
    monkeypatch.setattr(_probe, "_KNOWN_MAX", 0)  # whatever is remembered is dropped at once
