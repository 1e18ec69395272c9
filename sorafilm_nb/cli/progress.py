"""Progress on the command line: a word on every wait longer than a second.

Two helpers, one rule for when a terminal can draw (``can_draw``):

- ``waiting(what)``: for a step with no natural unit (reading a repository, running a
  notebook). Silent if the step ends within a second; after that, on a terminal that can draw,
  one line redrawn in place with the seconds so far and the latest detail (``say("cell 3 of
  12")``); elsewhere one plain line when it turns slow and one when it ends.
- ``Bars`` (one bar per shot, for film and resume) asks ``can_draw`` too, and writes plain
  lines otherwise.

Why plain lines: piped into a log, redrawn bars become a line per refresh; and a terminal that
reports 0 columns (some CI ptys, `COLUMNS=0`) gets bars of width 0, which come out as blank
lines. Everything here writes to stderr, so stdout stays the command's answer.
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TextIO

from ..terminal import printable, raw_stderr

if TYPE_CHECKING:
    from ..studio.runner import ShotProgress

SLOW_AFTER_S = 1.0  # a step quicker than this says nothing
REDRAW_S = 0.5


def can_draw(stream: TextIO | None = None) -> bool:
    """Whether ``stream`` (default stderr) is a terminal that reports a usable width.

    COLUMNS, when set, is believed (0 or garbage means "cannot draw"); else the terminal is
    asked. A stream that is not a terminal cannot draw.
    """
    stream = sys.stderr if stream is None else stream
    try:
        if not stream.isatty():
            return False
    except (AttributeError, ValueError):  # closed or not a real stream
        return False
    columns = os.environ.get("COLUMNS")
    if columns is not None:
        try:
            return int(columns) > 0
        except ValueError:
            return False
    try:
        return os.get_terminal_size(stream.fileno()).columns > 0
    except (AttributeError, OSError, ValueError):
        return False


class _Wait:
    """The state behind ``waiting``: what is happening, the latest detail, since when."""

    def __init__(self, what: str, live: bool, stream: TextIO) -> None:
        self.what = what
        self.detail = ""
        self.live = live
        self.stream = stream
        self.started = time.monotonic()
        self.shown = False
        self.lock = threading.Lock()
        self.done = threading.Event()

    def say(self, detail: str) -> None:
        """The latest detail ("cell 3 of 12"), shown on the next redraw (live only)."""
        with self.lock:
            self.detail = printable(detail)

    def _line(self) -> str:
        seconds = time.monotonic() - self.started
        text = f"{self.what}… {seconds:.0f} s" + (f" ({self.detail})" if self.detail else "")
        width = shutil.get_terminal_size((80, 24)).columns
        return text[: max(1, width - 1)]

    def run(self) -> None:
        if self.done.wait(SLOW_AFTER_S):
            return
        with self.lock:
            if self.done.is_set():  # finished while this thread waited for the lock
                return
            self.shown = True
            if not self.live:
                print(f"{self.what}…", file=self.stream, flush=True)
                return
        while True:
            with self.lock:
                if self.done.is_set():
                    return
                self.stream.write("\r\x1b[K" + self._line())
                self.stream.flush()
            if self.done.wait(REDRAW_S):
                return

    def finish(self, ok: bool) -> None:
        self.done.set()
        with self.lock:
            if not self.shown:
                return
            seconds = time.monotonic() - self.started
            end = f"{self.what}: {'done' if ok else 'stopped'} after {seconds:.0f} s"
            if self.live:
                self.stream.write("\r\x1b[K" + end + "\n")
                self.stream.flush()
            else:
                print(end, file=self.stream, flush=True)


# The waits whose ticker thread runs now. A fork (analysis.pool forks its workers) takes
# every one's lock first: a ticker writes only under its lock, so no child can inherit a
# stream lock held mid-write, which makes the ticker safe to fork beside (it says so with
# analysis.pool's FORK_SAFE_ATTR, spelled out below so this module imports nothing of the
# analysis), and a repository is read on every core while the progress line waits.
_live_waits: set[_Wait] = set()
_FORK_SAFE_ATTR = "sorafilm_fork_safe"  # analysis.pool.FORK_SAFE_ATTR
_held: list[threading.Lock] = []


def _before_fork() -> None:
    for wait in list(_live_waits):
        wait.lock.acquire()
        _held.append(wait.lock)


def _after_fork() -> None:
    while _held:
        _held.pop().release()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(
        before=_before_fork, after_in_parent=_after_fork, after_in_child=_after_fork
    )


@contextmanager
def waiting(what: str, *, live: bool | None = None) -> Iterator[_Wait]:
    """Say ``what`` is happening if it takes more than a second (see the module docstring).

    Yields an object whose ``say(detail)`` updates the line. ``live`` overrides can_draw().
    """
    live = can_draw() if live is None else live
    wait = _Wait(printable(what), live, raw_stderr() if live else sys.stderr)
    ticker = threading.Thread(target=wait.run, name="sorafilm-waiting", daemon=True)
    setattr(ticker, _FORK_SAFE_ATTR, True)
    _live_waits.add(wait)
    ticker.start()
    ok = False
    try:
        yield wait
        ok = True
    finally:
        wait.finish(ok)
        ticker.join()
        _live_waits.discard(wait)


class Bars:
    """One tqdm bar per shot (position = shot index), fed by the studio's ShotProgress.

    When stderr cannot draw (not a terminal: CI, `make demo > log`; or a terminal reporting 0
    columns, where bars came out as blank lines), each change of a shot's status is one plain
    line instead (progress.can_draw decides).
    """

    def __init__(self, *, live: bool | None = None) -> None:
        self._bars: dict[int, Any] = {}
        self._status: dict[int, str] = {}
        self._lock = threading.Lock()
        if live is None:
            live = can_draw()
        self._live = live

    def __call__(self, event: ShotProgress) -> None:
        with self._lock:
            if not self._live:
                if self._status.get(event.index) != event.status:
                    self._status[event.index] = event.status
                    msg = printable(event.message)
                    if msg.startswith(event.status):  # "reserved $0.40", not "reserved (reserved…"
                        line = msg
                    else:
                        line = event.status + (f" ({msg})" if msg else "")
                    print(f"{event.shot_id} {line}", file=sys.stderr, flush=True)
                return
            from tqdm import tqdm

            bar = self._bars.get(event.index)
            if bar is None:
                bar = self._bars[event.index] = tqdm(
                    total=100,
                    position=event.index,
                    desc=event.shot_id,
                    leave=True,
                    unit="%",
                    bar_format="{desc} {bar} {n:3.0f}%{postfix}",
                    dynamic_ncols=True,
                    file=raw_stderr(),  # the bars' own \r and ESC must work
                )
            bar.n = event.progress
            msg = printable(event.message) if event.status != "completed" else ""
            if not msg.startswith(event.status):
                msg = event.status + (f": {msg}" if msg else "")
            bar.set_postfix_str(msg, refresh=False)
            bar.refresh()

    def close(self) -> None:
        with self._lock:
            for index in sorted(self._bars):
                self._bars[index].close()
            self._bars.clear()
