"""A held reservation (its create was sent and the answer lost: the job may exist and bill) is
never released by the stale sweep; only a named release does, after the provider was checked.
On both stores (conftest's ``backend``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from ledger_fixtures import Clock

from sorafilm_nb.cli import main as cli
from sorafilm_nb.errors import LedgerError
from sorafilm_nb.money.cost import Cost
from sorafilm_nb.money.ledger import Ledger

UTC = timezone.utc
WHY = "shot-03: create sent, outcome unknown; look for it at https://platform.example/videos"


def c(cents: int) -> Cost:
    return Cost(Decimal(cents))


def test_a_held_reservation_outlives_the_stale_sweep(ledger: Ledger, clock: Clock) -> None:
    lost = ledger.reserve(c(40), "a create whose answer was lost")
    died = ledger.reserve(c(30), "a kernel that died before sending")
    held = ledger.hold(lost, WHY)
    assert held.held == WHY and held.is_open
    assert ledger.hold(lost.id, WHY) == ledger.reservation(lost.id)  # a repeat: the same row
    clock.advance(days=3)  # long past stale_after
    assert [r.id for r in ledger.release_stale()] == [died.id]
    assert [r.id for r in ledger.release_stale()] == []  # and again: still kept
    row = ledger.reservation(lost.id)
    assert row is not None and row.status == "reserved" and row.held == WHY
    assert [r.id for r in ledger.held()] == [lost.id]
    assert ledger.remaining() is None and ledger.month_summary().reserved == c(40)
    # The named action: a release by its id (after the provider was checked).
    done = ledger.release(lost, "no job at the provider, checked")
    assert done.status == "released" and ledger.held() == [] and ledger.check() == []


def test_attaching_the_found_job_clears_the_mark(ledger: Ledger) -> None:
    r = ledger.hold(ledger.reserve(c(40), "lost answer"), WHY)
    attached = ledger.attach(r, "video_found", backend="openai")
    assert attached.held is None and ledger.reservation(r.id).held is None  # type: ignore[union-attr]
    assert ledger.held() == []
    with pytest.raises(LedgerError, match="nothing to hold"):
        ledger.hold(ledger.settle("video_found", c(40)), WHY)


def test_cli_keeps_held_reservations_until_release_held(
    make_ledger: Callable[..., Ledger], capsys: pytest.CaptureFixture[str]
) -> None:
    old = Clock(datetime(2026, 1, 1, tzinfo=UTC))  # the CLI's clock is today's: all stale
    with make_ledger("cli.db", clock=old) as led:
        lost = led.hold(led.reserve(c(40), "lost answer"), WHY)
        died = led.reserve(c(30), "kernel died")
    where = str(make_ledger.location("cli.db"))  # type: ignore[attr-defined]
    assert cli(["budget", "pending", "--release-stale", "--ledger", where]) == 0
    out = capsys.readouterr().out
    assert f"released {died.id}" in out and f"released {lost.id}" not in out
    assert "kept 1 held reservation(s)" in out and f"held {lost.id}: {WHY}" in out
    # Without saying the provider was checked, nothing is released; the reason is shown.
    assert cli(["budget", "release-held", lost.id, "--ledger", where]) == 1
    out = capsys.readouterr().out
    assert "platform.example" in out and "--no-job-at-provider" in out
    with make_ledger("cli.db") as led:
        assert led.reservation(lost.id).is_open  # type: ignore[union-attr]
    assert cli(["budget", "release-held", died.id, "--ledger", where]) == 1  # not a held one
    assert "is not held" in capsys.readouterr().out
    args = ["budget", "release-held", lost.id, "--no-job-at-provider", "--ledger", where]
    assert cli(args) == 0
    assert f"released {lost.id}" in capsys.readouterr().out
    with make_ledger("cli.db") as led:
        row = led.reservation(lost.id)
        assert row is not None and row.status == "released"
        assert "checked" in (row.reason or "") and led.pending() == []
