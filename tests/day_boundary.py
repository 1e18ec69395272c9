"""No test starts in the last two minutes of a UTC day (conftest's ``_clear_of_midnight``).

The ledger books by month, and its months (and their ``start_day``) begin at 00:00 UTC; a
budget's ``days_left`` and the day's rows count UTC days. About 150 tests open a ledger on
the real clock (the CLI's, a studio's, the race tests' child processes) and then read what
they booked by month: one that reserved at 23:59:59.9 on the 31st and read ``spent``,
``remaining``, ``budget show`` or a plan's "Budget this month" at 00:00:00.1 found it in the
previous month and failed (seen by running the suite on a ledger clock started just before a
month's end: a dozen tests failed, in-process and in children). Injecting a clock reaches no
child process and would hide the tests that compare the ledger's time with a simulator's, so
the start of each test is kept clear of midnight instead: a test that starts more than
MARGIN before midnight and lasts less than that cannot straddle one (the longest test file
runs in under 40 s). A run that reaches 23:58 UTC waits there once per worker, at most MARGIN.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

MARGIN = timedelta(minutes=2)


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def next_midnight(now: datetime) -> datetime:
    """The next 00:00 UTC after now (an aware datetime)."""
    day = now.astimezone(timezone.utc).date() + timedelta(days=1)
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc)


def too_close(now: datetime, margin: timedelta = MARGIN) -> datetime | None:
    """The midnight a test starting at now could run across, or None when it is further than
    margin away."""
    midnight = next_midnight(now)
    return midnight if midnight - now < margin else None


def start_clear_of_midnight(
    clock: Callable[[], datetime] | None = None, sleep: Callable[[float], None] = time.sleep
) -> float:
    """Wait, when the clock is within MARGIN of midnight UTC, until midnight has passed.

    Returns the seconds waited (by the clock's reckoning). Polls the clock rather than sleeping
    the difference once: a clock that is not the wall clock (a test's) is honoured."""
    clock = clock or _utcnow
    start = clock()
    midnight = too_close(start)
    if midnight is None:
        return 0.0
    now = start
    while now < midnight:
        sleep(min(0.5, (midnight - now).total_seconds()) + 0.001)
        now = clock()
    return (now - start).total_seconds()
