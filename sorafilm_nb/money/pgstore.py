"""The team ledger's PostgreSQL plumbing: the same Ledger on a server, through psycopg 3.

SQLite serialises writers with BEGIN IMMEDIATE; on a server shared by many machines the
ledger needs the same guarantees stated differently:

* **Serialising on the budget.** A reservation takes a transaction-scoped advisory lock
  (``BUDGET_LOCK``) before it reads the month's usage, so check-then-insert is atomic across
  every client of the database. It does so inside one server-side procedure that also
  commits and flushes, called as one prepared statement (``write_one``; see ``pgfunctions``),
  so the lock is held only while the server works, never across a round trip. Why not
  ``SELECT ... FOR UPDATE`` on the newest budget row:
  a row lock needs UPDATE rights on ``budgets`` (a spending role could then rewrite limits),
  and with no budget set there is no row to lock. READ COMMITTED: each statement after the
  lock sees every reservation committed before it.
* **Early lock release.** A write that holds what others wait for (the budget's lock, the
  day's total row: a reservation, a job's close, the ``write()`` blocks) commits with
  ``synchronous_commit = off`` (its locks are released the moment it is visible), then waits
  for the WAL flush in the same round trip (``txid_current()`` in a synchronous transaction
  of its own, flushing every earlier commit) before it returns. Attaching a job id holds
  only its own row and commits synchronously, plainly. Every write is therefore durable
  before it returns, while the budget lock is never held across a disk flush: reservations
  from many clients are flushed together. A crash before the flush loses only commits whose
  callers never got a reply, and anything that saw them (a later reservation) sits after
  them in the WAL.
* **Lost connections.** A connection that breaks before a transaction starts is reopened
  (waiting for a restarting server up to busy_timeout). One that breaks inside it raises
  ``Disconnected``; the ledger's write methods are idempotent and re-run (``reconnecting``).
  A reservation's id is made by the client before its transaction (the idempotency key):
  re-run, reserve() first looks the id up, so a reservation whose COMMIT reached the server
  but whose reply was lost is found, never made twice, before any paid job is created.
* **Secrets.** The URL's password is never shown: ``path`` (used in every message and repr)
  is the URL with the password masked, and every driver message is scrubbed.
"""

from __future__ import annotations

import functools
import os
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any

from ..errors import LedgerError
from ..redact import MASK, redact
from ..redact import url as redact_url
from . import migrations
from .location import URL_SCHEMES, is_url, split_url, url_passwords  # noqa: F401 (re-exported; one home: location)
from .pgconn import PgConnection, _row_factory, table_columns

# Advisory lock keys ("SoRF" and a number): one for migrating, one for the budget.
MIGRATE_LOCK = 0x536F5246_0001
BUDGET_LOCK = 0x536F5246_0002
_OUR_TABLES = ("budgets", "jobs", "charges", "day_totals", "project_caps")


def display_url(url: str) -> str:
    """url with its passwords (authority, ?password=, ?sslpassword=) masked, for every
    message: redact.url, the one home of how a URL is shown (a --base-url is shown the same
    way). A malformed URL is a LedgerError that never quotes it (split_url)."""
    split_url(url.strip())
    return redact_url(url)


class Disconnected(LedgerError):
    """The connection to the server broke inside a transaction (or it was chosen to be
    rolled back by the server: a deadlock or serialization failure). Whether a COMMIT in
    flight took effect is unknown; the operation is re-run after reconnecting."""


class LedgerMissing(LedgerError):
    """There is no ledger at the location yet, and the caller asked not to create one (a
    read, such as check_real_budget, must never build a schema)."""


class PgStore:
    """One connection to the team ledger's database, reopened when it breaks."""

    def __init__(self, url: str, *, busy_timeout: float, refuse: Any, create: bool = True) -> None:
        try:
            import psycopg  # noqa: F401  (the team ledger's one extra dependency)
        except ImportError:
            raise LedgerError(
                "a PostgreSQL ledger needs psycopg 3: pip install 'psycopg[binary]>=3.2'"
            ) from None
        self._url = url.strip()
        self._secrets = url_passwords(self._url)
        self.display = display_url(self._url)
        self.busy_timeout = busy_timeout
        self._refuse = refuse  # LedgerFile._refuse: one wording for a foreign ledger
        self.create = create  # False: never build a ledger where there is none (a read)
        self.lock = threading.RLock()  # one transaction at a time on the one connection
        self._conn: Any = None
        self._cur: Any = None
        self._closed = False
        self._pid = os.getpid()
        self._open()

    # -- messages ------------------------------------------------------------------------------

    def scrub(self, text: str) -> str:
        """text with the URL and its password masked (a driver message may quote either)."""
        text = text.replace(self._url, self.display)
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        return redact(text, extra=self._secrets)

    def _wrap(self, exc: BaseException) -> LedgerError:
        import psycopg
        from psycopg import errors as pe

        msg = self.scrub(str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc))
        if isinstance(exc, pe.InsufficientPrivilege):
            return LedgerError(
                f"the team ledger {self.display} refused this: {msg}. The role in the URL may "
                "only read the ledger (see the README's team section for the GRANTs)"
            )
        if isinstance(exc, (pe.SerializationFailure, pe.DeadlockDetected)):
            return Disconnected(f"the team ledger {self.display} asked to retry: {msg}")
        if isinstance(exc, psycopg.OperationalError) or self._broken():
            return Disconnected(f"lost the connection to the team ledger {self.display}: {msg}")
        return LedgerError(f"team ledger {self.display}: {msg}")

    # -- connecting ----------------------------------------------------------------------------

    def _broken(self) -> bool:
        return self._conn is None or self._conn.closed or self._conn.broken

    def _connect(self) -> Any:
        import psycopg

        if os.getpid() != self._pid:
            raise LedgerError(
                f"this Ledger was opened in process {self._pid}; open a new Ledger in "
                f"process {os.getpid()}"
            )
        deadline = time.monotonic() + self.busy_timeout
        delay = 0.05
        while True:
            try:
                conn = psycopg.connect(
                    self._url,
                    autocommit=True,
                    connect_timeout=10,
                    application_name="sorafilm-nb ledger",
                )
                conn.row_factory = _row_factory
                self._conn = conn
                self._cur = conn.cursor()  # write_one's, kept: a cursor per call cost ~1/3
                return conn
            except psycopg.OperationalError as exc:
                if time.monotonic() + delay > deadline or not _transient(str(exc)):
                    raise LedgerError(
                        f"cannot connect to the team ledger {self.display}: "
                        f"{self.scrub(str(exc).strip())}"
                    ) from None
            except psycopg.Error as exc:  # a malformed URL, say
                raise LedgerError(
                    f"cannot connect to the team ledger {self.display}: "
                    f"{self.scrub(str(exc).strip())}"
                ) from None
            time.sleep(delay)
            delay = min(delay * 2, 1.0)

    def _reconnect_if_broken(self) -> None:
        """A connection that broke while idle (a server restart) is replaced: nothing was
        in flight on it, so connecting again is always safe."""
        if self._broken():
            self._drop()
            self._connect()

    def _drop(self) -> None:
        if self._conn is not None:
            with suppress(Exception):
                self._conn.close()
        self._conn = None

    def _open(self) -> None:
        """Connect, then build or upgrade the schema under the migration advisory lock.

        A connection that breaks on the way (the server restarting while a client opens the
        ledger) is opened again, until busy_timeout: nothing was changed by the broken one
        (the looks are reads, the migration one transaction)."""
        import psycopg

        deadline = time.monotonic() + self.busy_timeout
        while True:
            try:
                self._open_once()
                return
            except psycopg.OperationalError as exc:
                self._drop()
                if time.monotonic() > deadline or not _transient(str(exc)):
                    raise LedgerError(
                        f"cannot open the team ledger {self.display}: "
                        f"{self.scrub(str(exc).strip())}"
                    ) from None
                time.sleep(0.05)

    def _open_once(self) -> None:
        """_open's one try; a broken connection raises psycopg.OperationalError."""
        import psycopg

        self._connect()
        db = PgConnection(self._conn)
        try:
            # A first look without the lock, to skip it when all is built. Its queries may
            # straddle another client's migration COMMIT (tables seen, their _migrations
            # table not yet), so it never refuses: that is decided under the lock, below.
            try:
                state = self._classify(db)
            except LedgerError:
                state = "unsure"
            if state == "current":
                return
            self._missing(state)
            # The lock is taken for the session, BEFORE the transaction that looks again: a
            # transaction that began before another client's migration committed and then
            # waited on an xact lock keeps the catalog cache it began with (tables seen,
            # _migrations not: "tables named like ours"), since an advisory lock, unlike a
            # table lock, makes the server read no catalog invalidations. A transaction begun
            # after the lock is granted starts with a fresh cache (it failed 1 in ~10).
            db.execute("SELECT pg_advisory_lock(?)", (MIGRATE_LOCK,))
            try:
                db.execute("BEGIN")
                try:
                    state = self._classify(db)
                    self._missing(state)
                    if state != "current":  # another client may have won
                        migrations.migrate(db, migrations.POSTGRES)  # type: ignore[arg-type]
                    db.execute("COMMIT")
                except BaseException:
                    with suppress(psycopg.Error):
                        db.execute("ROLLBACK")
                    raise
            finally:
                with suppress(psycopg.Error):  # a broken connection released it already
                    db.execute("SELECT pg_advisory_unlock(?)", (MIGRATE_LOCK,))
        except LedgerError:
            self._drop()
            raise
        except psycopg.OperationalError:
            raise  # _open tries again when it is worth it
        except psycopg.Error as exc:
            self._drop()
            raise LedgerError(
                f"cannot open the team ledger {self.display}: {self.scrub(str(exc).strip())}"
            ) from None

    def _missing(self, state: str) -> None:
        """create=False: raise LedgerMissing for a database without a ledger, rather than
        build one (a read must not write). A ledger of ours opens as always (upgraded)."""
        if state == "new" and not self.create:
            raise LedgerMissing(
                f"there is no team ledger at {self.display} yet: the database holds none of "
                "its tables, and nothing was created there. The first `sorafilm budget set "
                "AMOUNT --ledger URL` (or reservation) builds it"
            )

    def _classify(self, db: PgConnection) -> str:
        """'new' (empty of ours), 'old' (ours, needs migrations) or 'current'; raises for a
        database whose tables are another program's or a newer version's."""
        has_table = db.execute("SELECT to_regclass(?)", (migrations.MIGRATIONS_TABLE,))
        if has_table.fetchone()[0] is None:
            present = [
                t
                for t in _OUR_TABLES
                if db.execute("SELECT to_regclass(?)", (t,)).fetchone()[0] is not None
            ]
            if present:
                raise self._refuse(
                    f"it holds tables named like ours ({', '.join(present)}) that sorafilm-nb "
                    "did not build"
                )
            return "new"
        mark = db.execute(
            "SELECT obj_description(to_regclass(?), 'pg_class')", (migrations.MIGRATIONS_TABLE,)
        ).fetchone()[0]
        if mark != migrations.PG_MARK:
            raise self._refuse(f"its {migrations.MIGRATIONS_TABLE} table is another program's")
        pg = migrations.POSTGRES
        newer = migrations.unknown(db, pg)  # type: ignore[arg-type]
        if newer:
            raise self._refuse(
                "its schema is newer than this version of sorafilm-nb understands (unknown "
                f"migrations: {', '.join(newer)}); upgrade sorafilm-nb to use it"
            )
        done = migrations.applied(db, pg)  # type: ignore[arg-type]
        ours = [fn.__name__ for fn in migrations.MIGRATIONS[: len(done)]]
        expected = {
            name: cols
            for (kind, name), cols in migrations.expected_schema(len(done)).items()
            if kind == "table" and name != migrations.MIGRATIONS_TABLE
        }
        have = table_columns(db)
        missing = sorted(n for n, cols in expected.items() if have.get(n) != cols)
        if done != ours or missing:
            why = (
                f"missing or different: {', '.join(missing)}"
                if missing
                else f"migrations out of order: {', '.join(done)}"
            )
            raise self._refuse(f"its schema is not the one sorafilm-nb builds ({why})")
        return "current" if len(done) == len(migrations.MIGRATIONS) else "old"

    # -- transactions ------------------------------------------------------------------------

    def _begin(self, sql: str) -> PgConnection:
        """Start a transaction, reconnecting first when the connection broke while idle (a
        server restart): nothing was done yet, so starting again is always safe."""
        import psycopg

        if self._closed:
            raise LedgerError(f"the ledger {self.display} is closed")
        deadline = time.monotonic() + self.busy_timeout
        while True:
            self._reconnect_if_broken()
            try:
                self._conn.execute(sql)
                return PgConnection(self._conn)
            except psycopg.OperationalError as exc:
                self._drop()
                if time.monotonic() > deadline:
                    raise self._wrap(exc) from None
                time.sleep(0.05)
            except psycopg.Error as exc:
                raise self._wrap(exc) from None

    def _rollback(self) -> None:
        if self._broken():
            self._drop()
            return
        try:
            self._conn.execute("ROLLBACK")
        except Exception:
            self._drop()

    @contextmanager
    def write(self, *, budget: bool = False) -> Iterator[PgConnection]:
        """One READ COMMITTED write transaction; durable when the block exits (see above).
        budget=True: serialised on the budget (its advisory lock, taken in the same round
        trip as BEGIN)."""

        begin = "BEGIN; SET LOCAL synchronous_commit = off"
        if budget:
            begin += f"; SELECT pg_advisory_xact_lock({BUDGET_LOCK})"
        # The commit (visible, locks released) and the flush that makes it durable, in one
        # round trip: the reply comes once both are done.
        with self._transaction(begin, "COMMIT; SELECT txid_current()") as db:
            yield db

    @contextmanager
    def _transaction(self, begin: str, commit: str) -> Iterator[PgConnection]:
        """One transaction under the connection lock, for write() and read(): rolled back
        (and a driver error wrapped) when the block raises or the commit fails."""
        import psycopg

        with self.lock:
            db = self._begin(begin)
            try:
                yield db
            except BaseException as exc:
                self._rollback()
                if isinstance(exc, psycopg.Error):
                    raise self._wrap(exc) from None
                raise
            try:
                db.execute(commit)
            except psycopg.Error as exc:
                self._rollback()
                raise self._wrap(exc) from None

    def write_one(self, sql: str, params: Sequence[Any]) -> list[Any] | None:
        """One statement in a transaction of its own, in ONE round trip; its rows.

        Prepared once per connection (psycopg's ``prepare=True``: the server parses and plans
        it once, the parameters travel separately, nothing is quoted into the text) and sent
        on the autocommit connection, so it is its own transaction, committed synchronously:
        durable when this returns. For the writes whose locks others wait for (a
        reservation, a job's close: the budget's lock, the day's total row) the statement is
        a CALL of a procedure that commits early and then waits for the flush itself (see
        pgfunctions, m009), so those locks are never held across a disk flush or a round trip.
        Returns None when the statement broke a constraint (rolled back: the caller's slower
        path says why in its words). A connection that breaks raises Disconnected: the
        statement must be idempotent.
        """
        import psycopg

        with self.lock:
            if self._closed:
                raise LedgerError(f"the ledger {self.display} is closed")
            self._reconnect_if_broken()
            try:
                return self._cur.execute(_pg_sql(sql), params, prepare=True).fetchall()
            except psycopg.IntegrityError:
                return None  # autocommit: the statement's transaction is rolled back already
            except psycopg.Error as exc:
                self._rollback()
                raise self._wrap(exc) from None

    def flush(self) -> None:
        """Wait until every commit the server made so far is on disk (a synchronous commit
        of a transaction with an id flushes the WAL up to it, so everything before too)."""
        self._statement("SELECT txid_current()")

    def wait_for_lock(self, key: int) -> None:
        """Wait until no transaction holds the advisory lock key; hold nothing after.

        A statement of its own (the lock is taken and released with it), so it writes
        nothing: a client that dies while it waits leaves nothing behind.
        """
        self._statement("SELECT pg_advisory_xact_lock(%s)", (key,))

    def _statement(self, sql: str, params: Sequence[Any] | None = None) -> None:
        """sql alone on the autocommit connection (prepared), reconnecting first when the
        connection broke while idle; a driver error is wrapped (Disconnected when it broke)."""
        import psycopg

        with self.lock:
            self._reconnect_if_broken()
            try:
                self._conn.execute(sql, params, prepare=True)
            except psycopg.Error as exc:
                self._rollback()
                raise self._wrap(exc) from None

    @contextmanager
    def read(self) -> Iterator[PgConnection]:
        """One snapshot for several SELECTs (REPEATABLE READ, READ ONLY)."""
        with self._transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "COMMIT") as db:
            yield db

    def close(self) -> None:
        with self.lock:
            self._closed = True
            if os.getpid() == self._pid:
                self._drop()
            self._conn = None


@functools.lru_cache(maxsize=64)
def _pg_sql(sql: str) -> str:
    """PgConnection._sql, kept per statement text: write_one runs the same few every time."""
    return PgConnection._sql(sql)


def _transient(message: str) -> bool:
    """A connection failure worth waiting out: the server is starting, stopping or away."""
    m = message.lower()
    return any(
        s in m
        for s in (
            "connection refused",
            "starting up",
            "shutting down",
            "no such file",
            "could not connect",
            "server closed",
            "terminating connection",
            "timeout",
            "recovery",
        )
    ) and not any(s in m for s in ("password", "authentication", "does not exist"))


def team_grants(schema: str = "public", *, reader: str = "ledger_reader",
                spender: str = "ledger_spender") -> str:  # fmt: skip
    """The GRANTs for the two team roles, as SQL for the ledger's owner to run (the README
    shows this text; the tests run it, so the docs cannot drift from what works).

    reader: history and reports only. spender: reserve, attach, settle and release (its
    INSERT and UPDATE rights on jobs, charges and day_totals, the last kept by the trigger);
    neither may change the budget or a project's cap, which stay with the owner.
    """
    return "\n".join(
        [
            f"GRANT USAGE ON SCHEMA {schema} TO {reader}, {spender};",
            f"GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {reader}, {spender};",
            f"GRANT INSERT, UPDATE ON {schema}.jobs, {schema}.charges, {schema}.day_totals "
            f"TO {spender};",
        ]
    )
