"""The team ledger waits for the disk only for what it wrote: a one-round-trip write that
wrote nothing (a reservation's busy answer, a close that matched no open job) skips the WAL
flush, and one that wrote is flushed before it returns. Seen through the server's
transaction counter: the flush is a synchronous transaction of its own (txid_current()), so
a write that is flushed takes two ids and one that wrote nothing takes none.
"""

from __future__ import annotations

import threading
from decimal import Decimal

import pg_fixtures
import pytest
from eventually import until

from sorafilm_nb.money import pgfunctions, pgstore
from sorafilm_nb.money.cost import Cost
from sorafilm_nb.money.ledger import Ledger


@pytest.fixture
def url(pg_server: object) -> str:
    return pg_fixtures.fresh_url()


def _next_xid(url: str) -> int:
    """The id the server will give the next transaction that writes (reading it takes none)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute("SELECT pg_snapshot_xmax(pg_current_snapshot())::text").fetchone()
        assert row is not None
        return int(row[0])


def test_no_one_else_takes_ids_on_the_test_server(url: str) -> None:
    """The counts below are the ledger's alone: autovacuum, which wakes a minute into a run and
    analyses the catalogs in transactions of its own, is off on a throwaway server (CI once saw
    11 ids taken during the busy test's half-second wait)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute("SHOW autovacuum").fetchone()
    assert row is not None and row[0] == "off"


def test_a_write_that_wrote_nothing_skips_the_flush(url: str) -> None:
    with Ledger(url) as led:
        r = led.reserve(Cost(Decimal(60)), "warm up: the schema is built")
        assert led._pg is not None
        before = _next_xid(url)
        # A job's close that matches no open job writes nothing: no id, no flush.
        args = ("completed", 60, None, "2026-03-10T12:00:00.000000Z", "no-such-job", "USD")
        rows = led._pg.write_one(pgfunctions.FINISH_DURABLY, args)
        assert [tuple(row) for row in rows or ()] == [(None,)]
        assert _next_xid(url) == before
        # Attaching holds only its own row: one commit at the session's synchronous_commit
        # (on, on a durable server), waiting for the disk itself: one id, no flush of its own.
        led.attach(r, "v1")
        assert _next_xid(url) == before + 1
        led.settle("v1", Cost(Decimal(60)))  # commits early (the day's row), then the flush
        assert _next_xid(url) == before + 3
        led.reserve(Cost(Decimal(10)), "another")  # likewise: its id, then the flush's
        assert _next_xid(url) == before + 5


def test_a_busy_answer_skips_the_flush(url: str) -> None:
    import psycopg

    with Ledger(url) as led:
        led.set_budget(Cost(Decimal(100)))
        holder = psycopg.connect(url, autocommit=True)
        holder.execute("BEGIN")
        holder.execute("SELECT pg_advisory_xact_lock(%s)", (pgstore.BUDGET_LOCK,))
        before = _next_xid(url)
        made: list[object] = []
        t = threading.Thread(target=lambda: made.append(led.reserve(Cost(Decimal(60)), "a")))
        t.start()
        try:  # answered busy, now waiting for the lock (a 0.5 s sleep hoped it was there)
            until(lambda: pg_fixtures.lock_waiters() == 1 or not t.is_alive(), "waited")
            waiting = _next_xid(url)
        finally:  # a failure must not leave the reservation waiting for ever
            holder.execute("COMMIT")
            holder.close()
            t.join(10)
        assert waiting == before
        assert len(made) == 1 and _next_xid(url) == before + 2  # reserved, and flushed
        assert led.remaining() == Cost(Decimal(40))
