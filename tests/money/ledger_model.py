"""A model of the ledger, driven by hypothesis (test_ledger.py runs it).

Its own module, imported by the test that runs it: the class needs hypothesis to be defined,
and every xdist worker imports test_ledger.py while collecting, whether or not it runs this.
"""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from ledger_fixtures import Clock

from sorafilm_nb.money.cost import Cost
from sorafilm_nb.money.ledger import BudgetExceeded, Ledger

UTC = timezone.utc


def c(cents: int | str) -> Cost:
    return Cost(Decimal(cents))


class LedgerModel(RuleBasedStateMachine):
    """Random sequences of operations; after each, the ledger agrees with a plain-Python model
    (what each month holds, what remains) and its own consistency check passes."""

    def __init__(self) -> None:
        super().__init__()
        import tempfile

        self.dir = tempfile.TemporaryDirectory()
        self.clock = Clock(datetime(2026, 1, 30, tzinfo=UTC))
        self.led = Ledger(Path(self.dir.name) / "m.db", clock=self.clock)
        self.limit = 500
        self.led.set_budget(c(self.limit))
        self.jobs: dict[str, dict] = {}  # id -> {month, cents, status, billed, job}

    def teardown(self) -> None:
        self.led.close()
        self.dir.cleanup()

    def _month(self) -> tuple[int, int]:
        return (self.clock.t.year, self.clock.t.month)

    def _held(self, month: tuple[int, int]) -> int:
        return sum(
            j["cents"] if j["status"] in ("reserved", "submitted") else j["billed"] or 0
            for j in self.jobs.values()
            if j["month"] == month
        )

    def _pick(self, data: st.DataObject, statuses: tuple[str, ...]) -> str | None:
        ids = sorted(i for i, j in self.jobs.items() if j["status"] in statuses)
        return data.draw(st.sampled_from(ids)) if ids else None

    @rule(cents=st.integers(0, 300))
    def reserve(self, cents: int) -> None:
        before = self._held(self._month())
        try:
            r = self.led.reserve(c(cents), "model")
        except BudgetExceeded as exc:
            assert before + cents > self.limit
            assert exc.remaining == c(self.limit - before)
            return
        assert before + cents <= self.limit
        self.jobs[r.id] = dict(
            month=self._month(), cents=cents, status="reserved", billed=None, job=None
        )

    @rule(data=st.data())
    def attach(self, data: st.DataObject) -> None:
        rid = self._pick(data, ("reserved",))
        if rid is not None:
            self.led.attach(rid, f"v-{rid}")
            self.jobs[rid].update(status="submitted", job=f"v-{rid}")

    @rule(data=st.data(), extra=st.integers(-50, 50))
    def settle(self, data: st.DataObject, extra: int) -> None:
        rid = self._pick(data, ("submitted", "completed"))
        if rid is None:
            return
        j = self.jobs[rid]
        billed = j["billed"] if j["status"] == "completed" else max(0, j["cents"] + extra)
        self.led.settle(j["job"], c(billed))  # repeating a settle is a no-op
        j.update(status="completed", billed=billed)

    @rule(data=st.data(), billed=st.one_of(st.none(), st.integers(0, 100)))
    def fail(self, data: st.DataObject, billed: int | None) -> None:
        rid = self._pick(data, ("submitted",))
        if rid is not None:
            self.led.fail(
                self.jobs[rid]["job"], "boom", billed=None if billed is None else c(billed)
            )
            self.jobs[rid].update(status="failed", billed=billed)

    @rule(data=st.data())
    def release(self, data: st.DataObject) -> None:
        rid = self._pick(data, ("reserved",))
        if rid is not None:
            self.led.release(rid, "create failed")
            self.jobs[rid]["status"] = "released"

    @rule(hours=st.integers(1, 24 * 20))
    def advance(self, hours: int) -> None:
        self.clock.advance(hours=hours)

    @precondition(lambda self: len(self.jobs) > 0)
    @rule()
    def stale(self) -> None:
        cutoff = self.clock.t - self.led.stale_after
        for r in self.led.release_stale():
            assert self.jobs[r.id]["status"] == "reserved"
            self.jobs[r.id]["status"] = "released"
        assert not [
            i
            for i, j in self.jobs.items()
            if j["status"] == "reserved" and self.led.reservation(i).created_at < cutoff
        ]

    @invariant()
    def agrees(self) -> None:
        month = self._month()
        assert self.led.remaining() == c(self.limit - self._held(month))
        assert {r.id for r in self.led.pending()} == {
            i for i, j in self.jobs.items() if j["status"] in ("reserved", "submitted")
        }
        assert self.led.check() == []
