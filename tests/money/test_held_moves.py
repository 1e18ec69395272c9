"""The held mark travels with its reservation: CSV export and import and `sorafilm budget
migrate` carry it, so a held reservation moved to another ledger (or the team ledger) is
still kept from the stale sweep there. A lost mark would let the sweep give back money a job
at the provider may be billing. On both stores (conftest's ``backend``).
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from ledger_fixtures import Clock

from sorafilm_nb.cli import main as cli
from sorafilm_nb.money.budget import BudgetWarning
from sorafilm_nb.money.cost import Cost
from sorafilm_nb.money.ledger import Ledger

WHY = "shot-03: create sent, outcome unknown; look for it at https://platform.example/videos"


def c(cents: int) -> Cost:
    return Cost(Decimal(cents))


def _two_open(led: Ledger) -> tuple[str, str]:
    """One held reservation and one plain open one (which the sweep may release)."""
    lost = led.hold(led.reserve(c(40), "a create whose answer was lost"), WHY)
    died = led.reserve(c(30), "a kernel that died before sending")
    return lost.id, died.id


def test_csv_carries_the_held_mark(
    make_ledger: Callable[..., Ledger], tmp_path: Path, clock: Clock
) -> None:
    with make_ledger("a.db", clock=clock) as src:
        lost, died = _two_open(src)
        out = src.export_csv(tmp_path / "spend.csv")
    with open(out, newline="") as f:
        table = {r["id"]: r for r in csv.DictReader(f)}
    assert table[lost]["held"] == WHY and table[died]["held"] == ""
    with make_ledger("b.db", clock=clock) as dst:
        assert dst.import_csv(out).added == 2
        assert [r.id for r in dst.held()] == [lost]
        again = dst.import_csv(out)  # twice: nothing added, no mark flipped
        assert (again.added, again.unchanged, again.conflicts) == (0, 2, ())
        clock.advance(days=3)  # long past stale_after
        assert [r.id for r in dst.release_stale()] == [died]
        row = dst.reservation(lost)
        assert row is not None and row.is_open and row.held == WHY
        assert dst.export_csv(tmp_path / "again.csv").read_text().count(WHY) == 1


def test_an_old_csv_without_the_held_column_still_imports(
    make_ledger: Callable[..., Ledger], tmp_path: Path, clock: Clock
) -> None:
    with make_ledger("a.db", clock=clock) as src:
        lost, _died = _two_open(src)
        out = src.export_csv(tmp_path / "spend.csv")
    with open(out, newline="") as f:
        table = list(csv.DictReader(f))
    old = tmp_path / "old.csv"  # as the last version wrote it (before m008)
    with open(old, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=[k for k in table[0] if k != "held"])
        w.writeheader()
        w.writerows({k: v for k, v in r.items() if k != "held"} for r in table)
    with make_ledger("b.db", clock=clock) as dst:
        res = dst.import_csv(old)
        assert (res.added, res.conflicts) == (2, ())
        assert dst.held() == []  # the file says nothing of a mark
    # Into the ledger that holds the mark: the file's silence neither clears nor conflicts.
    with make_ledger("a.db", clock=clock) as src:
        res = src.import_csv(old)
        assert (res.added, res.unchanged, res.conflicts) == (0, 2, ())
        assert [r.id for r in src.held()] == [lost]


def test_an_old_csv_without_the_who_columns_is_unchanged_not_a_conflict(
    make_ledger: Callable[..., Ledger], tmp_path: Path, clock: Clock
) -> None:
    # A file from before m005 carries no user_name, project or machine: what it does not
    # say is unknown, not different, so its rows match the ledger's own (which say who).
    with make_ledger("a.db", clock=clock, user="ada", project="film") as src:
        src.reserve(c(40), "one")
        src.reserve(c(30), "two")
        out = src.export_csv(tmp_path / "spend.csv")
    with open(out, newline="") as f:
        table = list(csv.DictReader(f))
    assert {r["user_name"] for r in table} == {"ada"} and all(r["machine"] for r in table)
    gone = ("user_name", "project", "machine", "held")  # as a version before m005 wrote it
    old = tmp_path / "old.csv"
    with open(old, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=[k for k in table[0] if k not in gone])
        w.writeheader()
        w.writerows({k: v for k, v in r.items() if k not in gone} for r in table)
    with make_ledger("a.db", clock=clock) as src:
        res = src.import_csv(old)
        assert (res.added, res.unchanged, res.conflicts) == (0, 2, ())
        assert {r.user_name for r in src.records()} == {"ada"}  # nothing was cleared
    with make_ledger("b.db", clock=clock) as dst:  # a new row: who is unknown (NULL)
        res = dst.import_csv(old)
        assert (res.added, res.conflicts) == (2, ())
        assert {(r.user_name, r.project, r.machine) for r in dst.records()} == {(None,) * 3}


def test_budget_migrate_carries_the_held_mark_once(
    make_ledger: Callable[..., Ledger], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = tmp_path / "mine.sqlite3"  # a personal history, on today's clock as the CLI's
    with Ledger(mine) as led:
        lost, died = _two_open(led)
    team = str(make_ledger.location("team"))  # type: ignore[attr-defined]
    args = ["budget", "migrate", "--ledger", str(mine), "--to", team, "--user", "ada"]
    assert cli(args) == 0
    assert "copied 2 job(s)" in capsys.readouterr().out
    assert cli(args) == 0  # twice: nothing more, no mark flipped
    out = capsys.readouterr().out
    assert "copied 0 job(s)" in out and "2 already there" in out and "differ" not in out
    later = Clock(datetime.now(timezone.utc) + timedelta(days=3))
    with make_ledger("team", clock=later) as led:
        assert [r.id for r in led.held()] == [lost]
        assert [r.id for r in led.release_stale()] == [died]
        row = led.reservation(lost)
        assert row is not None and row.is_open and row.held == WHY
        led.release(lost, "no job at the provider, checked")  # the named release, there
    # Migrating again never brings the released reservation back nor re-marks it.
    with pytest.warns(BudgetWarning, match="differ"):
        assert cli(args) == 0
    assert "copied 0 job(s)" in capsys.readouterr().out
    with make_ledger("team") as led:
        row = led.reservation(lost)
        assert row is not None and row.status == "released" and led.held() == []
        assert len(led.records()) == 2
