"""The ledger's plumbing: where it is, who spends, and its transactions.

A location that is a ``postgresql://`` URL opens the team ledger on a server instead
(``pgstore``): the same transactions, behind the same ``_write()`` and ``_read()``.

Everything here is about one location and one connection, not about money: the default
paths, the write and read transactions, the re-run of a write whose connection broke
(``reconnecting``), and the warning that points at the caller's line. Opening a SQLite file
safely (refusing a file that is not ours before anything is written, WAL mode, the
migrations on open) and waiting for another process's lock are in ``sqlitefile``.
``LedgerFile`` is the base the money operations build on.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from ..errors import LedgerError
from . import migrations, pgstore
from .location import (  # noqa: F401 (re-exported: the ledger's location lives there)
    DATA_DIR_ENV,
    FILENAME,
    LEDGER_ENV,
    SIM_FILENAME,
    SIM_LEDGER_ENV,
    default_path,
)
from .records import _aware, _utcnow
from .sqlitefile import SqliteFile, _jitter

USER_ENV = "SORAFILM_USER"
PROJECT_ENV = "SORAFILM_PROJECT"


def who(
    user: str | None = None, project: str | None = None, machine: str | None = None
) -> tuple[str | None, str | None, str | None]:
    """(user, project, machine) with their defaults filled in (see LedgerFile.__init__)."""
    import getpass
    import socket

    if user is None:
        user = os.environ.get(USER_ENV, "").strip() or None
    if user is None:
        with suppress(Exception):  # no login name in some containers
            user = getpass.getuser()
    if project is None:
        project = os.environ.get(PROJECT_ENV, "").strip() or None
    if machine is None:
        machine = socket.gethostname() or None
    return user, project, machine


def same_location(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """Do a and b name the same ledger (the same file, or the same server URL)?"""
    if pgstore.is_url(a) or pgstore.is_url(b):
        return (
            pgstore.is_url(a)
            and pgstore.is_url(b)
            and pgstore.display_url(str(a)) == pgstore.display_url(str(b))
        )
    return Path(a).expanduser().resolve() == Path(b).expanduser().resolve()


_L = TypeVar("_L", bound="LedgerFile")


_MONEY_DIR = os.path.dirname(os.path.abspath(__file__))
_PACKAGE_DIR = os.path.dirname(_MONEY_DIR)  # sorafilm_nb/


def warn_caller(warning: Warning | str) -> None:
    """Warn at the caller's line: the first frame outside the sorafilm_nb package (a notebook
    cell calling Studio.run, a script calling Ledger.reserve), however many layers of ours
    (the studio, the reconnecting wrapper) sit between it and the warning: a notebook showed
    "booking.py:101: BudgetWarning: ...", a line of ours that told the reader nothing. In a
    worker thread the caller's line is not on the stack: there it is the first frame outside
    this money package (the line of ours that called the ledger)."""
    within = _PACKAGE_DIR if threading.current_thread() is threading.main_thread() else _MONEY_DIR
    inside = within + os.sep
    frame, level = sys._getframe(0), 1
    while frame is not None and frame.f_code.co_filename.startswith(inside):
        frame, level = frame.f_back, level + 1  # type: ignore[assignment]
    warnings.warn(warning, stacklevel=level)


def reconnecting(fn: Any) -> Any:
    """Re-run a ledger operation whose connection to a PostgreSQL server broke mid-way.

    Only for operations that are idempotent by construction (every write of the ledger:
    reserve looks its own ids up first, attach/settle/release return the row when it is
    already in the state asked for), so running one again after a COMMIT whose reply was
    lost finds what it did instead of doing it twice. Gives up after busy_timeout. A SQLite
    ledger never raises Disconnected, so this costs it nothing.
    """

    @functools.wraps(fn)
    def run(self: LedgerFile, *args: Any, **kwargs: Any) -> Any:
        deadline = 0.0
        while True:
            try:
                return fn(self, *args, **kwargs)
            except pgstore.Disconnected as exc:
                self._retrying = True  # reserve() looks its ids up from now on
                now = time.monotonic()
                deadline = deadline or now + self.busy_timeout
                if now > deadline:
                    raise LedgerError(
                        f"{exc}; gave up after {self.busy_timeout:g} s. Whether the last change "
                        "took effect is unknown: look the reservation up by its id "
                        "(Ledger.reservation) before creating any job"
                    ) from None
                time.sleep(_jitter.uniform(0.01, 0.05))

    return run


class LedgerFile(SqliteFile):
    """A spend ledger on one SQLite file, shared safely by any number of processes.

    One Ledger object per process (a connection must not cross fork()); within a process it
    may be used from several threads. Use as a context manager, or call close().
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        clock: Callable[[], datetime] | None = None,
        stale_after: timedelta = timedelta(hours=6),
        busy_timeout: float = 30.0,
        sandbox: bool | None = None,
        user: str | None = None,
        project: str | None = None,
        machine: str | None = None,
        create: bool = True,
    ) -> None:
        location = path if path is not None else default_path()
        self.dialect = migrations.POSTGRES if pgstore.is_url(location) else migrations.SQLITE
        self._pg: pgstore.PgStore | None = None
        # For a team ledger, path is its URL with the password masked (messages, repr).
        self.path: Path | str
        if self.dialect == migrations.POSTGRES:
            self.path = pgstore.display_url(str(location))
            sandbox = bool(sandbox)
        else:
            self.path = Path(location).expanduser()
        # A sandbox books simulated runs: it records what they would cost and never refuses
        # one for money. None: the default sandbox file is one, any other file is not.
        if sandbox is None:
            sandbox = same_location(self.path, default_path(simulator=True))
        self.sandbox = bool(sandbox)
        self.clock = clock or _utcnow
        # Who spends, recorded on each reservation (a team shares one budget). Defaults:
        # $SORAFILM_USER or the OS user, $SORAFILM_PROJECT (the studio names its repository),
        # and this machine's host name.
        self.user, self.project, self.machine = who(user, project, machine)
        if not isinstance(stale_after, timedelta) or stale_after <= timedelta(0):
            raise ValueError(f"stale_after must be a positive timedelta, got {stale_after!r}")
        self.stale_after = stale_after
        self.busy_timeout = busy_timeout
        # create=False: only open a ledger that exists (else LedgerMissing), never building one
        # where there is none: for reads such as check_real_budget, which must not write.
        # An existing ledger opens as always (an older schema is upgraded on open).
        self.create = create
        self._lock = threading.RLock()
        self._retrying = False  # set once a write was re-run after a lost connection
        self._db: sqlite3.Connection | None = None
        if self.dialect == migrations.POSTGRES:
            self._pg = pgstore.PgStore(
                str(location), busy_timeout=busy_timeout, refuse=self._refuse, create=create
            )
        else:
            self._db = self._open()
        self._pid = os.getpid()

    # -- opening -----------------------------------------------------------------------------

    def _refuse(self, why: str) -> LedgerError:
        what = "database" if self.dialect == migrations.POSTGRES else "file"
        return LedgerError(
            f"{self.path} is not usable as a sorafilm-nb ledger: {why}. The {what} was left "
            f"untouched; move it away, or choose another ledger with --ledger PATH or "
            f"${LEDGER_ENV}."
        )

    # -- plumbing ----------------------------------------------------------------------------

    def close(self) -> None:
        if self._pg is not None:
            self._pg.close()
            return
        with self._lock:
            if self._db is not None and os.getpid() == self._pid:
                self._db.close()
            self._db = None

    def __enter__(self: _L) -> _L:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:  # pragma: no cover - best effort
        with suppress(Exception):
            self.close()

    def __repr__(self) -> str:
        # A notebook that shows its ledger is shared: the home folder is written "~", which
        # Ledger() expands again, so the repr still names exactly this file.
        from ..paths import home_short

        if self.dialect == migrations.POSTGRES:
            return f"Ledger({self.path!r})"  # the password is already masked
        return f"Ledger({home_short(self.path)!r})"

    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            raise LedgerError(f"the ledger {self.path} is closed")
        if os.getpid() != self._pid:
            # A SQLite connection must not be used on both sides of a fork(): the child's
            # writes could corrupt the file. The child opens its own Ledger.
            raise LedgerError(
                f"this Ledger was opened in process {self._pid}; open a new "
                f"Ledger({str(self.path)!r}) in process {os.getpid()}"
            )
        return self._db

    @contextmanager
    def _write(self, *, budget: bool = False) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken up front (BEGIN IMMEDIATE): check-then-write is atomic
        across processes. Any exception rolls everything back. budget=True: a transaction
        that checks the budget and must serialise with every other that does (SQLite's
        BEGIN IMMEDIATE already serialises all writers; PostgreSQL takes the budget's
        advisory lock, see pgstore)."""
        if self._pg is not None:
            with self._pg.write(budget=budget) as pg:
                yield pg  # type: ignore[misc]
            return
        with self._lock:
            db = self._conn()
            self._begin(db, "BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException as exc:
                with suppress(sqlite3.Error):
                    db.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise self._wrap(exc) from None
                raise
            try:
                db.execute("COMMIT")
            except sqlite3.Error as exc:
                with suppress(sqlite3.Error):
                    db.execute("ROLLBACK")
                raise self._wrap(exc) from None

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """A consistent snapshot for several SELECTs (a deferred read transaction)."""
        if self._pg is not None:
            with self._pg.read() as pg:
                yield pg  # type: ignore[misc]
            return
        with self._lock:
            db = self._conn()
            # Take the read snapshot now, where a (rare) busy WAL can be retried.
            self._begin(db, "BEGIN", "SELECT 1 FROM sqlite_master LIMIT 1")
            try:
                try:
                    yield db
                finally:
                    db.execute("COMMIT")
            except sqlite3.Error as exc:
                raise self._wrap(exc) from None

    def _now(self, now: datetime | None = None) -> datetime:
        return _aware(
            self.clock() if now is None else now, "the clock's time" if now is None else "now"
        )

    @staticmethod
    def _get(
        db: sqlite3.Connection, *, rid: str | None = None, job_id: str | None = None
    ) -> sqlite3.Row | None:
        if rid is not None:
            return db.execute("SELECT * FROM jobs WHERE id = ?", (rid,)).fetchone()
        return db.execute("SELECT * FROM jobs WHERE job_id = ?", (job_id,)).fetchone()
