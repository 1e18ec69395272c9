"""Issue 11 item 8: no month is spent twice when the clock steps back.

A budget month is a window of the clock, so a clock that steps back across a month boundary
(an NTP correction, a VM restored from a snapshot, a user fixing the date) used to open the
previous month's budget again: 1000 cents open against a 500-cent limit. The ledger now counts
each reservation in the month it recorded, and a clock earlier than the newest entry is
taken as that entry's time, with a ClockWarning.
"""

from __future__ import annotations

import warnings
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from sorafilm_nb.money.budget import ClockWarning
from sorafilm_nb.money.cost import Cost
from sorafilm_nb.money.ledger import BudgetExceeded, Ledger

UTC = timezone.utc
FEB_1 = datetime(2026, 2, 1, 0, 0, 10, tzinfo=UTC)
JAN_31 = datetime(2026, 1, 31, 23, 59, 50, tzinfo=UTC)  # 20 s earlier, the month before


class SteppingClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def test_a_clock_stepping_back_across_a_month_cannot_hold_two_budgets(tmp_path: Path) -> None:
    clock = SteppingClock(FEB_1)
    path = tmp_path / "ledger.sqlite3"
    with Ledger(path, clock=clock) as ledger:
        ledger.set_budget(Cost(500))
        february = ledger.reserve(Cost(500), "february's shot")
        clock.now = JAN_31
        with (
            pytest.warns(ClockWarning, match="earlier than the newest entry"),
            pytest.raises(BudgetExceeded),
        ):
            ledger.reserve(Cost(500), "january again")
        assert sum(r.cents for r in ledger.pending()) == 500  # never 1000 against 500
        with pytest.warns(ClockWarning):
            assert ledger.remaining() == Cost(0)  # the month the ledger is in, not the clock's
    # Another process with the stepped-back clock sees the same.
    with Ledger(path, clock=SteppingClock(JAN_31)) as other:
        with pytest.warns(ClockWarning), pytest.raises(BudgetExceeded):
            other.reserve_many([{"cost": Cost(1), "purpose": "x"}])
        assert [r.id for r in other.pending()] == [february.id]


def test_a_reservation_under_a_stepped_back_clock_is_booked_at_the_newest_time(
    tmp_path: Path,
) -> None:
    clock = SteppingClock(FEB_1)
    with Ledger(tmp_path / "l.sqlite3", clock=clock) as ledger:
        ledger.reserve(Cost(5), "first")
        clock.now = JAN_31
        with pytest.warns(ClockWarning) as caught:
            second = ledger.reserve(Cost(5), "second")
        assert second.created_at == FEB_1
        text = str(caught[0].message)
        assert "2026-01-31T23:59:50" in text and "2026-02-01T00:00:10" in text
        # No budget set: still recorded, in February, and the day totals agree.
        assert ledger.month_summary(FEB_1).reserved == Cost(10)
        assert ledger.check() == []


def test_a_clock_moving_forward_warns_of_nothing(tmp_path: Path) -> None:
    clock = SteppingClock(JAN_31)
    with Ledger(tmp_path / "l.sqlite3", clock=clock) as ledger:
        ledger.set_budget(Cost(500))
        ledger.reserve(Cost(500), "january")
        clock.now = FEB_1 + timedelta(days=1)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            ledger.reserve(Cost(500), "february")  # a new month, a new budget
        assert ledger.remaining() == Cost(0)
