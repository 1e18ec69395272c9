"""The suite's guard against a test running across midnight UTC (tests/day_boundary.py), and
the failure it keeps out: a test booking on the real clock and reading its month back."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import day_boundary

from sorafilm_nb.money.cost import Cost
from sorafilm_nb.money.ledger import Ledger

UTC = timezone.utc
LAST_SECOND = datetime(2027, 1, 31, 23, 59, 59, 900_000, tzinfo=UTC)  # a month's end


class Stepped:
    """The wall clock of a test, moved by hand: by sleep, and by the test's own work."""

    def __init__(self, t: datetime) -> None:
        self.t = t

    def __call__(self) -> datetime:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.t += timedelta(seconds=seconds)


def _booked_then_read(tmp_path: Path, clock: Stepped) -> Cost:
    """What the ledger-on-the-clock tests do: reserve, work a fifth of a second, then read
    the month's spending."""
    with Ledger(tmp_path / "ledger.sqlite3", clock=clock) as led:
        led.reserve(Cost(120), "a shot")
        clock.sleep(0.2)
        return led.month_summary().reserved


def test_a_test_started_just_before_a_months_end_reads_another_month(tmp_path: Path) -> None:
    """The hazard itself: booked in January, read in February, the reservation is not seen."""
    assert _booked_then_read(tmp_path, Stepped(LAST_SECOND)) == Cost(0)


def test_the_guard_waits_past_midnight_and_the_test_reads_its_own_month(tmp_path: Path) -> None:
    clock = Stepped(LAST_SECOND)
    waited = day_boundary.start_clear_of_midnight(clock, clock.sleep)
    assert 0 < waited < 0.2 and clock.t >= datetime(2027, 2, 1, tzinfo=UTC)
    assert _booked_then_read(tmp_path, clock) == Cost(120)


def test_the_guard_waits_only_in_the_last_minutes_of_a_day() -> None:
    slept: list[float] = []
    far = Stepped(datetime(2027, 1, 31, 23, 57, 59, tzinfo=UTC))  # 2 min 1 s before midnight
    assert day_boundary.start_clear_of_midnight(far, slept.append) == 0.0 and slept == []
    assert day_boundary.too_close(datetime(2027, 1, 31, 23, 58, 1, tzinfo=UTC)) == datetime(
        2027, 2, 1, tzinfo=UTC
    )
    assert day_boundary.too_close(datetime(2027, 2, 1, tzinfo=UTC)) is None  # just past it
    # the margin is real seconds before 00:00 UTC, whatever the zone the time is given in
    east = timezone(timedelta(hours=9))
    assert day_boundary.too_close(datetime(2027, 2, 1, 8, 59, tzinfo=east)) == datetime(
        2027, 2, 1, tzinfo=UTC
    )
