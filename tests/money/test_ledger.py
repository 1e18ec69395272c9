"""The spend ledger on real SQLite files: budget checks, transitions, months, files, CSV."""

from __future__ import annotations

import csv
import logging
import os
import sqlite3
import time
import warnings
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from ledger_fixtures import Clock, rows

from sorafilm_nb.cli import main as cli
from sorafilm_nb.errors import LedgerError
from sorafilm_nb.money.cost import Cost
from sorafilm_nb.money.ledger import (
    BudgetExceeded,
    BudgetWarning,
    Ledger,
    default_path,
    month_bounds,
)
from sorafilm_nb.redact import redact

UTC = timezone.utc


def c(cents: int | str) -> Cost:
    return Cost(Decimal(cents))


# -- where the file is, and what it is --------------------------------------------------------


def test_path_from_env_then_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SORAFILM_LEDGER", str(tmp_path / "a" / "x.db"))
    assert default_path() == tmp_path / "a" / "x.db"
    with Ledger() as led:
        assert led.path == tmp_path / "a" / "x.db"
    assert (tmp_path / "a" / "x.db").is_file()
    monkeypatch.delenv("SORAFILM_LEDGER")
    monkeypatch.setenv("SORAFILM_DATA_DIR", str(tmp_path / "data"))
    assert default_path() == tmp_path / "data" / "ledger.sqlite3"
    monkeypatch.delenv("SORAFILM_DATA_DIR")
    import platformdirs

    assert default_path() == Path(platformdirs.user_data_dir("sorafilm-nb")) / "ledger.sqlite3"


@pytest.mark.parametrize("backend", ["sqlite"])  # SQLite's journal settings: no PostgreSQL case
def test_wal_mode_and_durable_settings(ledger: Ledger) -> None:
    assert ledger.dialect == "sqlite"
    assert rows(ledger, "PRAGMA journal_mode") == [("wal",)]
    db = ledger._conn()
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    # waiting for another process's lock is done by the ledger's own loop, not SQLite's
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] == 0
    assert ledger.busy_timeout == 30.0


def test_a_write_waits_for_another_writer_then_gives_up_clearly(tmp_path: Path) -> None:
    import threading

    path = tmp_path / "l.db"
    with Ledger(path, busy_timeout=0.3) as led:
        other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        t0 = time.monotonic()
        with pytest.raises(LedgerError, match=r"stayed locked by another process for 0\.3 s"):
            led.reserve(c(5), "blocked")
        assert time.monotonic() - t0 >= 0.3
    # The default wait, not 0.3 s: the timer's thread, run late on a loaded machine, released
    # the lock after the 0.3 s had run out, and this reserve gave up.
    with Ledger(path) as led:
        timer = threading.Timer(0.1, other.execute, ("COMMIT",))
        timer.start()
        r = led.reserve(c(5), "waits, then goes")  # succeeds once the lock is released
        timer.join()
        other.close()
        assert [p.id for p in led.pending()] == [r.id]


FOREIGN_CASES = {
    "random bytes": os.urandom(4096),
    "text": b"budget = 50\nspent = 12.5\n",
    "sqlite header then garbage": b"SQLite format 3\x00" + os.urandom(8192),
}


@pytest.mark.parametrize("name", sorted(FOREIGN_CASES))
def test_a_file_that_is_not_sqlite_is_refused_untouched(tmp_path: Path, name: str) -> None:
    path = tmp_path / "ledger.sqlite3"
    path.write_bytes(FOREIGN_CASES[name])
    before = path.read_bytes()
    with pytest.raises(LedgerError) as info:
        Ledger(path)
    msg = str(info.value)
    assert str(path) in msg and "untouched" in msg and "not usable" in msg
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ledger.sqlite3"]


def test_another_programs_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    db.execute("INSERT INTO invoices (total) VALUES (12.5)")
    db.commit()
    db.close()
    before = path.read_bytes()
    with pytest.raises(LedgerError, match=r"another program.*invoices"):
        Ledger(path)
    assert path.read_bytes() == before


def test_a_database_with_another_application_id_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    db = sqlite3.connect(path)
    db.execute("PRAGMA application_id = 1234")
    db.execute("CREATE TABLE _migrations (name TEXT, applied_at TEXT)")
    db.commit()
    db.close()
    before = path.read_bytes()
    with pytest.raises(LedgerError, match="application_id 0x4d2"):
        Ledger(path)
    assert path.read_bytes() == before


def test_a_directory_at_the_path_is_refused(tmp_path: Path) -> None:
    (tmp_path / "ledger.sqlite3").mkdir()
    with pytest.raises(LedgerError, match="not a regular file"):
        Ledger(tmp_path / "ledger.sqlite3")


def test_reopening_keeps_everything(
    make_ledger: Callable[..., Ledger], tmp_path: Path, clock: Clock
) -> None:
    with make_ledger("l.db", clock=clock) as led:
        led.set_budget(c(1000), start_day=3)
        r = led.reserve(
            c(120), "shot 1", "plan-a", shot="1", model="sora-2", size="1280x720", seconds=12
        )
    with make_ledger("l.db", clock=clock) as led:
        assert led.budget().limit == c(1000) and led.budget().start_day == 3
        assert led.reservation(r.id) == r
        assert led.remaining() == c(880)


def test_one_ledger_shared_by_threads(make_ledger: Callable[..., Ledger], tmp_path: Path) -> None:
    import threading

    with make_ledger("t.db") as led:
        led.set_budget(c(1000))
        ok: list[int] = []

        def work() -> None:
            for _ in range(30):
                try:
                    r = led.reserve(c(13), "thread")
                except BudgetExceeded:
                    continue
                led.attach(r, f"v-{r.id}")
                led.settle(f"v-{r.id}", c(13))
                ok.append(13)

        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sum(ok) == 1000 - 1000 % 13 and led.spent() == c(sum(ok))
        assert led.check() == []


def test_closed_ledger_says_so(make_ledger: Callable[..., Ledger], tmp_path: Path) -> None:
    led = make_ledger("l.db")
    led.close()
    led.close()  # twice is fine
    with pytest.raises(LedgerError, match="closed"):
        led.reserve(c(1), "x")


# -- budget and reservations ------------------------------------------------------------------


def test_no_budget_means_no_limit_but_everything_recorded(ledger: Ledger) -> None:
    assert ledger.budget() is None
    assert ledger.remaining() is None
    r = ledger.reserve(c(10_000_00), "a very expensive film")
    assert ledger.pending() == [r]
    assert ledger.reserved() == c(10_000_00)
    s = ledger.month_summary()
    assert s.limit is None and s.remaining is None and s.jobs == {"reserved": 1}


def test_reserve_checks_the_limit_and_writes_nothing_when_over(ledger: Ledger) -> None:
    ledger.set_budget(c(100))
    first = ledger.reserve(c(60), "shot 1")
    assert ledger.remaining() == c(40)
    size_before = rows(ledger, "SELECT COUNT(*) FROM jobs")
    with pytest.raises(BudgetExceeded) as info:
        ledger.reserve(c(41), "shot 2")
    err = info.value
    assert (err.asked, err.remaining, err.limit) == (c(41), c(40), c(100))
    assert isinstance(err, LedgerError)
    msg = str(err)
    assert "$0.41" in msg and "$0.40 left of $1.00" in msg and "'shot 2'" in msg
    assert "2026-04-01" in msg  # when the budget resets
    assert rows(ledger, "SELECT COUNT(*) FROM jobs") == size_before
    assert ledger.pending() == [first]
    exactly = ledger.reserve(c(40), "shot 2, cheaper")  # exactly the rest is allowed
    assert ledger.remaining() == c(0)
    assert exactly.cents == 40
    with pytest.raises(BudgetExceeded):
        ledger.reserve(c(1), "one cent more")


def test_reserve_many_is_all_or_none(ledger: Ledger) -> None:
    ledger.set_budget(c(1000))
    shots = [
        dict(
            cost=c(300),
            purpose=f"shot {i}",
            plan_id="p",
            shot=str(i),
            model="sora-2",
            size="1280x720",
            seconds=12,
        )
        for i in range(4)
    ]
    with pytest.raises(BudgetExceeded, match=r"\$12\.00 for 'shot 0 and 3 more'") as info:
        ledger.reserve_many(shots)
    assert info.value.asked == c(1200) and info.value.remaining == c(1000)
    assert ledger.pending() == [] and ledger.check() == []
    made = ledger.reserve_many(shots[:3])
    assert [r.shot for r in made] == ["0", "1", "2"] and ledger.remaining() == c(100)
    assert ledger.pending() == made
    assert ledger.reserve_many([]) == []
    with pytest.raises(TypeError, match="item 0"):
        ledger.reserve_many([dict(cost=1.5, purpose="x")])
    with pytest.raises(TypeError, match="item 0"):
        ledger.reserve_many([dict(cost=c(1), purpose="x", colour="red")])


def test_ids_are_uuid7_in_the_order_made() -> None:
    import uuid

    from sorafilm_nb.money.records import _uuid7

    ids = [_uuid7() for _ in range(5000)]  # more than 4096 in a millisecond is likely
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert {uuid.UUID(i).version for i in ids} == {7}
    ms = int(ids[0].replace("-", "")[:12], 16)
    assert abs(ms - time.time() * 1000) < 60_000


def test_soft_warning_points_at_the_caller(ledger: Ledger) -> None:
    ledger.set_budget(c(10), soft=True)
    with pytest.warns(BudgetWarning) as record:
        ledger.reserve(c(20), "a")
    assert record[0].filename == __file__


def test_fractional_cents_are_reserved_rounded_up(ledger: Ledger) -> None:
    ledger.set_budget(c(100))
    r = ledger.reserve(Cost(Decimal("30.01")), "shot")
    assert r.cents == 31
    if ledger.dialect == "sqlite":
        got = rows(ledger, "SELECT estimate_cents, typeof(estimate_cents) FROM jobs")
    else:
        got = rows(ledger, "SELECT estimate_cents, pg_typeof(estimate_cents)::text FROM jobs")
    assert got == [(31, "integer" if ledger.dialect == "sqlite" else "bigint")]


def test_soft_limit_warns_and_reserves(ledger: Ledger) -> None:
    ledger.set_budget(c(100), soft=True)
    ledger.reserve(c(90), "a")
    with pytest.warns(BudgetWarning, match="soft budget passed"):
        r = ledger.reserve(c(30), "b")
    assert ledger.reservation(r.id) is not None
    assert ledger.remaining() == c(-20)
    assert "over budget" in ledger.report()


def test_soft_limit_with_warnings_as_errors_reserves_nothing(ledger: Ledger) -> None:
    ledger.set_budget(c(100), soft=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error", BudgetWarning)
        with pytest.raises(BudgetWarning):
            ledger.reserve(c(130), "b")
    assert ledger.pending() == []


def test_a_new_budget_applies_from_now_and_the_old_ones_are_kept(ledger: Ledger) -> None:
    ledger.set_budget(c(100))
    ledger.reserve(c(80), "a")
    ledger.set_budget(c(50))
    assert ledger.remaining() == c(-30)
    with pytest.raises(BudgetExceeded):
        ledger.reserve(c(1), "b")
    assert rows(ledger, "SELECT limit_cents FROM budgets ORDER BY id") == [(100,), (50,)]


@pytest.mark.parametrize("bad", [0.5, 50, Decimal("50"), "50", None])
def test_amounts_must_be_costs_never_floats(ledger: Ledger, bad: object) -> None:
    with pytest.raises(TypeError, match=r"pricing\.Cost"):
        ledger.reserve(bad, "x")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"pricing\.Cost"):
        ledger.set_budget(bad)  # type: ignore[arg-type]
    assert ledger.pending() == []


def test_bad_arguments_are_refused(ledger: Ledger) -> None:
    with pytest.raises(TypeError, match="never float"):
        Cost(0.1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="negative"):
        ledger.reserve(c(-1), "x")
    with pytest.raises(ValueError, match="purpose"):
        ledger.reserve(c(1), "   ")
    with pytest.raises(ValueError, match="purpose is 501 characters long; at most 500"):
        ledger.reserve(c(1), "x" * 501)
    with pytest.raises(TypeError, match="seconds"):
        ledger.reserve(c(1), "x", seconds=4.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="start_day"):
        ledger.set_budget(c(100), start_day=0)
    with pytest.raises(ValueError, match="whole number of cents"):
        ledger.set_budget(Cost(Decimal("100.5")))
    ledger.set_budget(c(100))
    with pytest.raises(LedgerError, match=r"keeps USD; cannot reserve EUR 0\.01 in EUR"):
        ledger.reserve(Cost(Decimal(1), "EUR"), "x")
    assert ledger.pending() == []


def test_one_currency_per_ledger(make_ledger: Callable[..., Ledger], tmp_path: Path) -> None:
    with make_ledger("eur.db") as led:
        led.reserve(Cost(Decimal(100), "EUR"), "first job fixes the currency")
        with pytest.raises(LedgerError, match="keeps EUR"):
            led.reserve(c(100), "dollars")
        with pytest.raises(LedgerError, match="would mix currencies"):
            led.set_budget(c(5000))
        led.set_budget(Cost(Decimal(5000), "EUR"))
        assert led.remaining() == Cost(Decimal(4900), "EUR")
        assert led.month_summary().spent == Cost.zero("EUR")
        out = led.export_csv(tmp_path / "eur.csv")
    with make_ledger("usd.db") as led:
        led.reserve(c(1), "usd")
        with pytest.raises(LedgerError, match="nothing was imported"):
            led.import_csv(out)
        assert len(led.records()) == 1


def test_every_stored_amount_is_an_integer(ledger: Ledger) -> None:
    ledger.set_budget(Cost(Decimal("5000")))
    r = ledger.reserve(Cost(Decimal("99.2")), "shot", seconds=4)
    ledger.attach(r, "video_1")
    ledger.settle("video_1", Cost(Decimal("80.4")))
    sqlite = ledger.dialect == "sqlite"

    def t(column: str) -> str:
        return f"typeof({column})" if sqlite else f"pg_typeof({column})::text"

    types = rows(
        ledger,
        f"SELECT {t('estimate_cents')}, {t('billed_cents')}, {t('seconds')} FROM jobs "
        f"UNION SELECT {t('cents')}, 'integer', 'integer' FROM charges "
        f"UNION SELECT {t('limit_cents')}, 'integer', 'integer' FROM budgets",
    )
    want = "integer" if ledger.dialect == "sqlite" else "bigint"
    assert {t[0] for t in types} == {want} and {t[1] for t in types} <= {want, "integer"}
    got = ledger.job_for("video_1")
    assert type(got.cents) is int and type(got.billed_cents) is int and got.billed_cents == 81
    frame = ledger.history()
    assert str(frame["estimate_cents"].dtype) == "int64"
    assert frame["estimate"].iloc[0] == Decimal("1.00")
    assert isinstance(frame["billed"].iloc[0], Decimal)


# -- transitions ------------------------------------------------------------------------------


def test_settle_charges_once_however_often_it_is_called(ledger: Ledger) -> None:
    ledger.set_budget(c(1000))
    r = ledger.reserve(c(120), "shot 1", model="sora-2", size="720x1280", seconds=12)
    sub = ledger.attach(r, "video_abc", backend="openai")
    assert (sub.status, sub.job_id, sub.backend) == ("submitted", "video_abc", "openai")
    assert ledger.remaining() == c(880)
    done = ledger.settle("video_abc", c(100))
    assert done.status == "completed" and done.billed == c(100) and done.finished_at
    again = ledger.settle("video_abc", c(100))
    assert again == done
    assert ledger.spent() == c(100)
    assert ledger.remaining() == c(900)
    assert rows(ledger, "SELECT job, cents, kind FROM charges") == [(r.id, 100, "completed")]
    with pytest.raises(LedgerError, match=r"already completed, charged \$1\.00"):
        ledger.settle("video_abc", c(120))
    with pytest.raises(LedgerError, match="already completed"):
        ledger.fail("video_abc", "late failure")
    assert ledger.spent() == c(100)
    assert ledger.pending() == []


def test_fail_releases_or_charges(ledger: Ledger) -> None:
    ledger.set_budget(c(1000))
    a = ledger.attach(ledger.reserve(c(100), "a"), "v_a")
    b = ledger.attach(ledger.reserve(c(200), "b"), "v_b")
    assert ledger.remaining() == c(700)
    failed = ledger.fail("v_a", "server_error")
    assert (failed.status, failed.billed_cents, failed.reason) == ("failed", None, "server_error")
    assert ledger.remaining() == c(800)
    refused = ledger.fail("v_b", "moderation_blocked", billed=c(200), refused=True)
    assert refused.status == "refused" and refused.billed == c(200)
    assert ledger.fail("v_b", "moderation_blocked", billed=c(200), refused=True) == refused
    assert ledger.remaining() == c(800) and ledger.spent() == c(200)
    with pytest.raises(LedgerError, match="already failed"):
        ledger.fail("v_a", "server_error", billed=c(100))
    assert rows(ledger, "SELECT job, cents, kind FROM charges") == [(b.id, 200, "refused")]
    assert a.id != b.id


def test_reasons_accept_anything_and_say_when_cut(ledger: Ledger) -> None:
    ledger.attach(ledger.reserve(c(100), "a"), "v1")
    failed = ledger.fail("v1", RuntimeError("x" * 5000))  # type: ignore[arg-type]
    assert failed.reason.startswith("xxx") and failed.reason.endswith(
        "… [3000 more characters cut]"
    )
    assert ledger.job_for("v1").reason == failed.reason
    ledger.attach(ledger.reserve(c(100), "b"), "v2")
    assert ledger.fail("v2", "").reason == "failed"


def test_cancel(ledger: Ledger) -> None:
    ledger.attach(ledger.reserve(c(100), "a"), "v1")
    assert ledger.cancel("v1", "user pressed stop").status == "cancelled"
    assert ledger.reserved() == c(0)


def test_attach_rules(ledger: Ledger) -> None:
    r1 = ledger.reserve(c(10), "a")
    r2 = ledger.reserve(c(10), "b")
    assert ledger.attach(r1.id, "v1") == ledger.attach(r1, "v1")  # idempotent
    with pytest.raises(LedgerError, match="already belongs to job 'v1'"):
        ledger.attach(r1, "v9")
    with pytest.raises(LedgerError, match="already attached to reservation"):
        ledger.attach(r2, "v1")
    with pytest.raises(LedgerError, match="no reservation"):
        ledger.attach("nope", "v3")
    with pytest.raises(LedgerError, match="attach\\(\\) it"):
        ledger.settle("v_unknown", c(1))
    assert ledger.job_for("v1").id == r1.id
    assert ledger.job_for("v_unknown") is None
    assert ledger.reservation("nope") is None


def test_release(ledger: Ledger) -> None:
    ledger.set_budget(c(100))
    r = ledger.reserve(c(100), "create failed")
    released = ledger.release(r, "400 invalid size")
    assert released.status == "released" and released.reason == "400 invalid size"
    assert ledger.release(r.id, "again") == released  # no-op, first reason kept
    assert ledger.remaining() == c(100)
    s = ledger.attach(ledger.reserve(c(10), "b"), "v2")
    with pytest.raises(LedgerError, match="not release"):
        ledger.release(s, "oops")


def test_pending_lists_open_reservations_oldest_first(ledger: Ledger, clock: Clock) -> None:
    a = ledger.reserve(c(1), "a")
    clock.advance(seconds=1)
    b = ledger.attach(ledger.reserve(c(2), "b"), "vb")
    clock.advance(seconds=1)
    d = ledger.attach(ledger.reserve(c(3), "d"), "vd")
    ledger.settle("vd", c(3))
    assert [(p.id, p.status, p.job_id) for p in ledger.pending()] == [
        (a.id, "reserved", None),
        (b.id, "submitted", "vb"),
    ]
    assert d.id not in {p.id for p in ledger.pending()}


def test_release_stale_is_never_silent(
    ledger: Ledger, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    ledger.set_budget(c(100))
    old = ledger.reserve(c(30), "kernel died before create")
    submitted = ledger.attach(ledger.reserve(c(20), "running job"), "v_run")
    clock.advance(hours=5)
    young = ledger.reserve(c(10), "just now")
    assert ledger.release_stale() == []
    clock.advance(hours=1, seconds=1)
    with caplog.at_level(logging.WARNING, logger="sorafilm_nb.money.ledger"):
        released = ledger.release_stale()
    assert [r.id for r in released] == [old.id]
    assert released[0].status == "released"
    assert "stale: no job id 6:00:00 after it was reserved" in released[0].reason
    assert old.id in caplog.text and "kernel died" in caplog.text
    assert {p.id for p in ledger.pending()} == {submitted.id, young.id}
    assert ledger.remaining() == c(70)
    # the job turns up after all: the ledger records it again, and says so
    with pytest.warns(BudgetWarning, match="had been released"):
        back = ledger.attach(old, "v_late")
    assert back.status == "submitted" and "re-opened" in back.reason
    assert ledger.remaining() == c(40)


def test_stale_after_is_configurable(
    make_ledger: Callable[..., Ledger], tmp_path: Path, clock: Clock
) -> None:
    with make_ledger("l.db", clock=clock, stale_after=timedelta(minutes=10)) as led:
        r = led.reserve(c(1), "x")
        assert led.release_stale(clock.t + timedelta(minutes=11))[0].id == r.id
    with pytest.raises(ValueError, match="stale_after"):
        make_ledger("m.db", stale_after=timedelta(0))


# -- months -----------------------------------------------------------------------------------


def test_month_bounds() -> None:
    t = datetime(2026, 12, 15, 8, tzinfo=UTC)
    assert month_bounds(t) == (datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
    assert month_bounds(datetime(2026, 1, 3, tzinfo=UTC), 5) == (
        datetime(2025, 12, 5, tzinfo=UTC),
        datetime(2026, 1, 5, tzinfo=UTC),
    )
    # day 31 in a short month is its last day
    assert month_bounds(datetime(2026, 3, 1, tzinfo=UTC), 31) == (
        datetime(2026, 2, 28, tzinfo=UTC),
        datetime(2026, 3, 31, tzinfo=UTC),
    )
    assert month_bounds(datetime(2024, 2, 29, 23, tzinfo=UTC), 30)[0] == datetime(
        2024, 2, 29, tzinfo=UTC
    )
    # another time zone is converted to UTC first
    cet = timezone(timedelta(hours=1))
    assert month_bounds(datetime(2026, 4, 1, 0, 30, tzinfo=cet))[0] == datetime(
        2026, 3, 1, tzinfo=UTC
    )
    with pytest.raises(ValueError, match="timezone-aware"):
        month_bounds(datetime(2026, 1, 1))


def test_month_rollover_with_an_injected_clock(
    make_ledger: Callable[..., Ledger], tmp_path: Path
) -> None:
    clock = Clock(datetime(2026, 1, 31, 23, 59, 59, tzinfo=UTC))
    with make_ledger("l.db", clock=clock) as led:
        led.set_budget(c(100))
        jan = led.attach(led.reserve(c(80), "late january"), "v_jan")
        with pytest.raises(BudgetExceeded):
            led.reserve(c(30), "still january")
        clock.advance(seconds=2)  # 2026-02-01 00:00:01
        assert led.remaining() == c(100)
        feb = led.reserve(c(100), "february")
        led.settle("v_jan", c(70))  # billed in February, counted in January
        assert led.spent() == c(0) and led.reserved() == c(100)
        assert led.spent(datetime(2026, 1, 15, tzinfo=UTC)) == c(70)
        assert led.remaining(datetime(2026, 1, 15, tzinfo=UTC)) == c(30)
        s = led.month_summary()
        assert (s.start, s.end) == (
            datetime(2026, 2, 1, tzinfo=UTC),
            datetime(2026, 3, 1, tzinfo=UTC),
        )
        assert s.days_left == 28 and s.jobs == {"reserved": 1}
        assert [r.id for r in led.records(until=s.start)] == [jan.id]
        assert [r.id for r in led.records(since=s.start)] == [feb.id]


def test_start_day_moves_the_month(make_ledger: Callable[..., Ledger], tmp_path: Path) -> None:
    clock = Clock(datetime(2026, 5, 14, 12, tzinfo=UTC))
    with make_ledger("l.db", clock=clock) as led:
        led.set_budget(c(50), start_day=15)
        led.reserve(c(50), "before the 15th")
        with pytest.raises(BudgetExceeded, match="resets on 2026-05-15"):
            led.reserve(c(1), "x")
        clock.advance(hours=12)
        assert led.remaining() == c(50)


def test_a_naive_clock_is_refused(make_ledger: Callable[..., Ledger], tmp_path: Path) -> None:
    with (
        make_ledger("l.db", clock=lambda: datetime(2026, 1, 1)) as led,
        pytest.raises(ValueError, match="timezone-aware"),
    ):
        led.reserve(c(1), "x")


# -- API keys ---------------------------------------------------------------------------------

KEY = "sk-proj-" + "A1b2C3d4E5f6G7h8I9j0" * 2


def test_api_keys_are_masked_everywhere(
    tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    odd_key = "zz-custom-provider-key-0123456789"
    monkeypatch.setenv("OPENAI_API_KEY", odd_key)
    path = tmp_path / "l.db"
    with Ledger(path, clock=clock) as led:
        led.set_budget(c(100))
        r = led.reserve(c(50), f"shot 1 with key {KEY}", plan_id=odd_key)
        assert KEY not in r.purpose and "[redacted]" in r.purpose
        assert r.plan_id == "[redacted]"
        led.attach(r, "v1")
        led.fail("v1", f"401: Incorrect API key provided: {KEY}. Authorization: Bearer {KEY}")
        with pytest.raises(BudgetExceeded) as info:
            led.reserve(c(500), f"again {KEY}")
        assert KEY not in str(info.value)
        texts = [led.report(f) for f in ("text", "markdown", "json")]
        led.export_csv(tmp_path / "out.csv")
        texts.append((tmp_path / "out.csv").read_text())
        texts.append(led.history().to_string())
        texts.append(repr(led.job_for("v1")))
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    assert KEY.encode() not in raw and odd_key.encode() not in raw
    assert b"[redacted]" in raw
    for text in texts:
        assert KEY not in text and odd_key not in text
    assert redact("Bearer abcdefghijklmnop1234") == "[redacted]"
    assert redact("sk-2 is a fine shot name") == "sk-2 is a fine shot name"


def test_a_key_set_after_a_field_was_seen_is_still_masked(
    tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The ledger keeps redact()'s answer for the short fields it writes again and again; a
    # key that appears in the environment later must not be served the unmasked answer.
    odd_key = "zz-later-provider-key-0123456789"
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with Ledger(tmp_path / "l.db", clock=clock) as led:
        assert led.reserve(c(5), "first", plan_id=odd_key).plan_id == odd_key  # not a key yet
        monkeypatch.setenv("OPENAI_API_KEY", odd_key)
        assert led.reserve(c(5), "second", plan_id=odd_key).plan_id == "[redacted]"


# -- history, summary and CSV -----------------------------------------------------------------


def _populate(led: Ledger, clock: Clock) -> None:
    led.set_budget(c(5000))
    for i, (model, size, secs, est, outcome) in enumerate(
        [
            ("sora-2", "1280x720", 8, 80, "completed"),
            ("sora-2-pro", "1792x1024", 12, 600, "refused"),
            ("sora-2", "1280x720", 4, 40, "failed-billed"),
            ("sora-2", "720x1280", 12, 120, "open"),
        ]
    ):
        clock.advance(minutes=1)
        r = led.reserve(
            c(est), f"shot {i}", "plan-1", shot=str(i), model=model, size=size, seconds=secs
        )
        if outcome == "open":
            continue
        led.attach(r, f"video_{i}")
        if outcome == "completed":
            led.settle(f"video_{i}", c(est))
        elif outcome == "refused":
            led.fail(f"video_{i}", "moderation_blocked", refused=True)
        else:
            led.fail(f"video_{i}", "server_error", billed=c(est))


def test_history_frame(ledger: Ledger, clock: Clock) -> None:
    _populate(ledger, clock)
    frame = ledger.history()
    assert list(frame.columns) == [
        "id",
        "time",
        "model",
        "size",
        "seconds",
        "estimate_cents",
        "billed_cents",
        "estimate",
        "billed",
        "currency",
        "status",
        "plan",
        "shot",
        "purpose",
        "job_id",
        "backend",
        "reason",
        "finished_at",
        "user",
        "project",
        "project_key",
        "machine",
    ]
    assert list(frame["status"]) == ["completed", "refused", "failed", "reserved"]
    assert list(frame["estimate_cents"]) == [80, 600, 40, 120]
    assert frame["billed_cents"].isna().tolist() == [False, True, False, True]
    assert frame["billed_cents"].dropna().tolist() == [80, 40]
    assert str(frame["billed_cents"].dtype) == "Int64"
    assert str(frame["time"].dt.tz) == "UTC"
    assert frame["plan"].unique().tolist() == ["plan-1"]
    since = datetime(2026, 3, 10, 12, 2, 30, tzinfo=UTC)
    assert ledger.history(since=since)["shot"].tolist() == ["2", "3"]
    assert ledger.history(until=since)["shot"].tolist() == ["0", "1"]


def test_history_of_an_empty_ledger(ledger: Ledger) -> None:
    frame = ledger.history()
    assert len(frame) == 0 and "estimate_cents" in frame.columns


def test_month_summary(ledger: Ledger, clock: Clock) -> None:
    _populate(ledger, clock)
    s = ledger.month_summary()
    assert s.limit == c(5000) and s.hard
    assert s.spent == c(120) and s.reserved == c(120) and s.remaining == c(4760)
    assert dict(s.jobs) == {"completed": 1, "failed": 1, "refused": 1, "reserved": 1}
    assert s.days_left == 22  # 10 March 12:03 -> 1 April
    d = s.to_dict()
    assert d["remaining_cents"] == 4760 and d["period_end"] == "2026-04-01T00:00:00.000000Z"


def test_csv_round_trip_is_idempotent(
    make_ledger: Callable[..., Ledger], tmp_path: Path, clock: Clock
) -> None:
    src = make_ledger("a.db", clock=clock)
    _populate(src, clock)
    out = src.export_csv(tmp_path / "exports" / "spend.csv")
    assert out.is_file() and sorted(p.name for p in out.parent.iterdir()) == ["spend.csv"]
    with make_ledger("b.db", clock=clock) as dst:
        first = dst.import_csv(out)
        assert (first.added, first.unchanged, first.conflicts) == (4, 0, ())
        second = dst.import_csv(out)
        assert (second.added, second.unchanged) == (0, 4)
        assert dst.records() == src.records()
        assert rows(dst, "SELECT job, cents, kind FROM charges ORDER BY job") == rows(
            src, "SELECT job, cents, kind FROM charges ORDER BY job"
        )
        assert dst.month_summary().spent == src.month_summary().spent
        assert [r.id for r in dst.pending()] == [r.id for r in src.pending()]
        # and exporting it again gives the same file
        assert dst.export_csv(tmp_path / "again.csv").read_text() == out.read_text()
    assert src.import_csv(out).added == 0  # into the ledger it came from: nothing new
    src.close()


def test_a_text_a_spreadsheet_would_run_is_exported_as_text(
    make_ledger: Callable[..., Ledger], tmp_path: Path, clock: Clock
) -> None:
    """The ledger's text is a repository's and a user's (a purpose, a project once a
    README's heading): exported as written, "+cmd|' /C calc'!A0" ran as a formula in the
    spreadsheet that opened the file. Such a cell starts with "'" now, and every text
    (quotes of its own included) imports back as it was."""
    texts = ["+cmd|' /C calc'!A0", "=1+1", "-2+3", "@SUM(A1)", "'=quoted", "''+2", "'plain", "a"]
    with make_ledger("a.db", clock=clock) as src:
        for i, text in enumerate(texts):
            src.reserve(c(10), text, text, shot=f"{text}{i}", project=text, user=text)
        out = src.export_csv(tmp_path / "spend.csv")
        with open(out, newline="", encoding="utf-8") as f:
            cells = [cell for row in csv.reader(f) for cell in row]
        assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
        with make_ledger("b.db", clock=clock) as dst:
            assert dst.import_csv(out).added == len(texts)
            assert dst.records() == src.records()
            assert {r.project for r in dst.records()} == set(texts)


def test_csv_import_conflicts_are_kept_and_reported(
    make_ledger: Callable[..., Ledger], tmp_path: Path, clock: Clock
) -> None:
    with make_ledger("a.db", clock=clock) as led:
        r = led.reserve(c(10), "a")
        out = led.export_csv(tmp_path / "x.csv")
        led.attach(r, "v1")
        with pytest.warns(BudgetWarning, match="differ"):
            res = led.import_csv(out)
        assert res.conflicts == (r.id,) and res.added == 0
        assert led.reservation(r.id).status == "submitted"  # ours kept


@pytest.mark.parametrize(
    ("column", "value", "match"),
    [
        ("estimate_cents", "12.5", "whole non-negative number"),
        ("estimate_cents", "1e3", "whole non-negative number"),
        ("billed_cents", "-3", "whole non-negative number"),
        ("status", "paid", "expected one of"),
        ("created_at", "yesterday", "UTC time"),
        ("currency", "dollars", "3-letter"),
        ("purpose", "", "required"),
        ("estimate_cents", str(10**16), "more than any budget"),
        ("billed_cents", "9" * 25, "more than any budget"),  # past SQLite's 64-bit integers
    ],
)
def test_a_bad_csv_names_line_and_column_and_adds_nothing(
    make_ledger: Callable[..., Ledger],
    tmp_path: Path,
    clock: Clock,
    column: str,
    value: str,
    match: str,
) -> None:
    with make_ledger("a.db", clock=clock) as led:
        _populate(led, clock)
        out = led.export_csv(tmp_path / "x.csv")
    with open(out, newline="") as f:
        table = list(csv.DictReader(f))
    table[2][column] = value
    with open(out, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(table[0]))
        w.writeheader()
        w.writerows(table)
    with make_ledger("b.db", clock=clock) as led:
        with pytest.raises(LedgerError, match=rf"line 4, column '{column}'.*{match}"):
            led.import_csv(out)
        assert led.records() == []


def test_import_refuses_a_file_that_is_not_an_export(tmp_path: Path, ledger: Ledger) -> None:
    (tmp_path / "x.csv").write_text("date,amount\n2026-01-01,12.50\n")
    with pytest.raises(LedgerError, match="missing columns"):
        ledger.import_csv(tmp_path / "x.csv")
    with pytest.raises(LedgerError, match="cannot read"):
        ledger.import_csv(tmp_path / "missing.csv")


def test_export_replaces_atomically(tmp_path: Path, ledger: Ledger) -> None:
    target = tmp_path / "spend.csv"
    target.write_text("old contents\n")
    ledger.reserve(c(5), "a")
    ledger.export_csv(target)
    assert target.read_text().startswith("id,created_at")
    assert sorted(
        p.name for p in tmp_path.iterdir() if p.suffix != ".sqlite3" and "sqlite3" not in p.name
    ) == ["spend.csv"]


# -- CLI --------------------------------------------------------------------------------------


def test_cli_budget(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = str(tmp_path / "cli.db")
    assert cli(["budget", "show", "--ledger", path]) == 0
    assert "no ledger yet" in capsys.readouterr().out  # a read creates no ledger (issue 16)
    assert not Path(path).exists()
    assert cli(["budget", "set", "12.34", "--soft", "--start-day", "5", "--ledger", path]) == 0
    assert "$12.34 a month, soft limit, resets on day 5" in capsys.readouterr().out
    with Ledger(path) as led:
        assert led.budget().limit.whole_cents == 1234 and led.budget().soft
        led.attach(led.reserve(c(300), "shot 1", model="sora-2", size="720x1280", seconds=4), "v1")
        led.settle("v1", c(40))
    assert cli(["budget", "--ledger", path, "show", "--json"]) == 0
    import json

    shown = json.loads(capsys.readouterr().out)
    assert shown["limit_cents"] == 1234 and shown["spent_cents"] == 40
    assert cli(["budget", "history", "--json", "--ledger", path]) == 0
    hist = json.loads(capsys.readouterr().out)
    assert hist[0]["estimate_cents"] == 300 and hist[0]["billed_cents"] == 40
    assert cli(["budget", "history", "--csv", "--ledger", path]) == 0
    assert capsys.readouterr().out.startswith("id,created_at,")
    assert cli(["budget", "history", "--ledger", path]) == 0
    assert "completed" in capsys.readouterr().out
    assert cli(["budget", "report", "--format", "markdown", "--ledger", path]) == 0
    report = capsys.readouterr().out  # read in a terminal or saved: "$12.34", no <span>
    assert "## Budget report" in report and "$12.34" in report and "&#36;" not in report
    with pytest.raises(SystemExit):
        cli(["budget", "set", "12.345", "--ledger", path])
    assert "fractions of a cent" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli(["budget", "set", "-5", "--ledger", path])
    with Ledger(path) as led:
        assert led.budget().limit.whole_cents == 1234


def test_cli_pending_and_import(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = str(tmp_path / "cli.db")
    old = Clock(datetime(2026, 1, 1, tzinfo=UTC))
    with Ledger(path, clock=old) as led:
        led.reserve(c(120), "kernel died")
        led.attach(led.reserve(c(80), "still running"), "video_9", backend="openai")
        led.export_csv(tmp_path / "x.csv")
    assert cli(["budget", "pending", "--ledger", path]) == 0
    out = capsys.readouterr().out
    assert "no job id yet  kernel died" in out and "job video_9 on openai" in out
    assert cli(["budget", "pending", "--release-stale", "--ledger", path]) == 0
    out = capsys.readouterr().out
    assert "released" in out and "stale: no job id" in out
    assert "kernel died" not in out.split("\n", 1)[1]
    other = str(tmp_path / "other.db")
    assert cli(["budget", "import", str(tmp_path / "x.csv"), "--ledger", other]) == 0
    assert "imported 2 row(s); 0 already there" in capsys.readouterr().out
    assert cli(["budget", "import", str(tmp_path / "x.csv"), "--ledger", other]) == 0
    assert "imported 0 row(s); 2 already there" in capsys.readouterr().out


def test_cli_uses_the_env_ledger_and_reports_foreign_files(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SORAFILM_LEDGER", str(tmp_path / "env.db"))
    assert cli(["budget", "set", "50"]) == 0
    assert (tmp_path / "env.db").is_file()
    (tmp_path / "junk").write_bytes(b"\x00junk" * 50)
    assert cli(["budget", "show", "--ledger", str(tmp_path / "junk")]) == 2
    assert "not usable as a sorafilm-nb ledger" in capsys.readouterr().err


# -- a model of the ledger, driven by hypothesis ----------------------------------------------


def test_the_ledger_agrees_with_a_model_over_random_operations() -> None:
    """LedgerModel (ledger_model.py): random sequences of operations, and after each the ledger
    agrees with a plain-Python model. Imported here, not at the top: it needs hypothesis."""
    from hypothesis import settings
    from hypothesis.stateful import run_state_machine_as_test
    from ledger_model import LedgerModel

    run_state_machine_as_test(
        LedgerModel, settings=settings(max_examples=15, stateful_step_count=25, deadline=None)
    )


def test_check_finds_tampering(ledger: Ledger) -> None:
    ledger.attach(ledger.reserve(c(50), "a"), "v1")
    ledger.settle("v1", c(40))
    assert ledger.check() == []
    with ledger._write() as db:
        db.execute("UPDATE day_totals SET charged_cents = 0")
        db.execute("UPDATE charges SET cents = 39")
    problems = ledger.check()
    assert any("day totals disagree" in p for p in problems)
    assert any("differs from their charge" in p for p in problems)


def test_ledger_report_and_cli_do_not_load_pandas(tmp_path: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys; from sorafilm_nb.cli import main;"
        f"main(['budget', 'set', '50', '--ledger', {str(tmp_path / 'x.db')!r}]);"
        f"main(['budget', 'report', '--format', 'json', '--ledger', {str(tmp_path / 'x.db')!r}]);"
        "print('LOADED', [m for m in ('pandas', 'numpy', 'openai') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "LOADED []" in out.stdout, out.stdout


def test_for_run_takes_the_callers_word_and_never_a_backend(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ledger does not inspect backends: the caller asks its backend and passes a bool."""
    monkeypatch.delenv("SORAFILM_LEDGER", raising=False)
    monkeypatch.delenv("SORAFILM_SIM_LEDGER", raising=False)
    monkeypatch.setenv("SORAFILM_DATA_DIR", str(tmp_path))
    with Ledger.for_run(simulated=True) as sandbox, Ledger.for_run(simulated=False) as real:
        assert sandbox.path == default_path(simulator=True) == tmp_path / "simulator-ledger.sqlite3"
        assert real.path == default_path() == tmp_path / "ledger.sqlite3"
    with pytest.raises(TypeError, match="True or False"):
        Ledger.for_run(simulated=object())  # type: ignore[arg-type]
    assert not hasattr(Ledger, "for_backend") and not hasattr(Ledger, "path_for_backend")
