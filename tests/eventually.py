"""Waiting for a state, not for a time: the one helper for the tests that watch a thread, a
child process or a server reach a point.

A fixed ``time.sleep`` before checking raced whatever it waited for: on a loaded machine (CI's
2 cores run three workers, then notebooks and a browser) the other thread or process runs
late, and the check failed, or passed without the state it meant to test. The deadline is
generous, since only a broken test reaches it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

DEADLINE_S = 30.0


def until(done: Callable[[], object], what: str, *, seconds: float = DEADLINE_S) -> None:
    """Return as soon as done() is true; fail naming what never happened after seconds."""
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, f"after {seconds:.0f} s: never {what}"
        time.sleep(0.01)
