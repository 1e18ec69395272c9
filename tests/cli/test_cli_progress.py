"""A word on every wait longer than a second, and plain lines where bars cannot be drawn."""

from __future__ import annotations

import fcntl
import io
import os
import re
import select
import struct
import sys
import termios
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from eventually import until

from sorafilm_nb.cli import main, progress
from sorafilm_nb.cli.film import Bars
from sorafilm_nb.studio.runner import ShotProgress


@pytest.fixture
def pty_stream() -> Iterator[tuple[io.TextIOWrapper, int]]:
    """A real terminal (the pty's slave end) as a text stream, and the master fd to read."""
    master, slave = os.openpty()
    stream = io.TextIOWrapper(os.fdopen(slave, "wb", buffering=0), encoding="utf-8")
    try:
        yield stream, master
    finally:
        stream.close()
        os.close(master)


def _set_columns(stream: io.TextIOWrapper, columns: int) -> None:
    fcntl.ioctl(stream.fileno(), termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))


def test_a_terminal_of_zero_columns_cannot_draw(
    pty_stream: tuple[io.TextIOWrapper, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    stream, _ = pty_stream
    monkeypatch.delenv("COLUMNS", raising=False)
    _set_columns(stream, 0)
    assert stream.isatty() and not progress.can_draw(stream)
    _set_columns(stream, 80)
    assert progress.can_draw(stream)
    monkeypatch.setenv("COLUMNS", "0")  # the variable is believed over the terminal
    assert not progress.can_draw(stream)
    assert not progress.can_draw(io.StringIO())  # not a terminal


def test_shot_bars_on_a_zero_column_terminal_are_plain_lines(
    pty_stream: tuple[io.TextIOWrapper, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The terminal is a tty, so the old check drew tqdm bars: of width 0, blank lines."""
    stream, master = pty_stream
    monkeypatch.setenv("COLUMNS", "0")
    monkeypatch.setattr(sys, "stderr", stream)
    bars = Bars()
    bars(ShotProgress("shot-01", 0, "reserved", 0, 0.0, None, "reserved $0.40"))
    bars(ShotProgress("shot-01", 0, "in_progress", 40, 1.0, "v1", ""))
    bars.close()
    stream.flush()
    written = b""
    deadline = time.monotonic() + 10  # a pty hands its bytes over in pieces when loaded
    while written.count(b"\n") < 2 and time.monotonic() < deadline:
        if select.select([master], [], [], 0.1)[0]:
            written += os.read(master, 65536)
    lines = [line for line in written.decode().replace("\r", "").split("\n") if line]
    assert lines == ["shot-01 reserved $0.40", "shot-01 in_progress"]


def test_a_quick_step_says_nothing_and_a_slow_one_says_what_it_does(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with progress.waiting("reading x", live=False):
        pass
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(progress, "SLOW_AFTER_S", 0.05)
    with progress.waiting("reading x", live=False) as wait:
        until(lambda: wait.shown, "said it waits")  # a sleep here raced the ticker thread
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "reading x…" and lines[1].startswith("reading x: done after ")
    assert len(lines) == 2  # plain lines: no redraws in a log


def test_a_slow_step_on_a_terminal_is_one_line_redrawn(
    pty_stream: tuple[io.TextIOWrapper, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    stream, master = pty_stream
    monkeypatch.setattr(progress, "SLOW_AFTER_S", 0.05)
    monkeypatch.setattr(progress, "REDRAW_S", 0.05)
    monkeypatch.setattr(sys, "stderr", stream)
    raw = b""
    with progress.waiting("sharing nb", live=True) as wait:
        wait.say("running cell 1 of 2")
        deadline = time.monotonic() + 10  # drawn at least once, as a sleep did not make sure
        while b"(running cell 1 of 2)" not in raw and time.monotonic() < deadline:
            if select.select([master], [], [], 0.1)[0]:
                raw += os.read(master, 65536)
    deadline = time.monotonic() + 10  # a pty hands its bytes over in pieces when loaded
    while b"done after" not in raw or not raw.endswith(b"\n"):
        if time.monotonic() > deadline:
            break
        if select.select([master], [], [], 0.1)[0]:
            raw += os.read(master, 65536)
    written = raw.decode()
    assert "\r\x1b[Ksharing nb… " in written and "(running cell 1 of 2)" in written
    assert re.search(r"sharing nb: done after \d+ s$", written.rstrip("\r\n"))
    assert written.count("\n") == 1


def test_share_says_what_it_does_and_keeps_the_kernels_own_warnings_off_screen(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    nbformat = pytest.importorskip("nbformat")
    notebook = tmp_path / "tiny.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Tiny"), nbformat.v4.new_code_cell("1 + 1")]
    nbformat.write(nb, notebook)
    monkeypatch.setattr(progress, "SLOW_AFTER_S", 0.0)
    monkeypatch.chdir(tmp_path)
    # capfd: the kernel is another process writing to file descriptor 2 directly
    assert main(["share", "tiny.ipynb", "-o", "tiny.html"]) == 0
    captured = capfd.readouterr()
    assert captured.out.strip() == "tiny.html"
    assert captured.err.startswith("sharing tiny.ipynb…\n")
    assert "sharing tiny.ipynb: done after" in captured.err
    assert "without encryption" not in captured.err and "IPKernelApp" not in captured.err
