"""The ledger's SQLite plumbing: where the file is, opening it safely, and transactions.

A location that is a ``postgresql://`` URL opens the team ledger on a server instead
(``pgstore``): the same transactions, behind the same ``_write()`` and ``_read()``.

Everything here is about one file and one connection, not about money: refusing a file that
is not ours (before anything is written), WAL mode, the migrations on open, the write and read
transactions, and the wait for another process's lock (``_begin``: short random sleeps, not
SQLite's busy handler). ``LedgerFile`` is the base the money operations build on.
"""

from __future__ import annotations

import functools
import os
import random
import sqlite3
import sys
import threading
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from ..errors import LedgerError
from . import migrations, pgstore
from .records import _aware, _utcnow

LEDGER_ENV = "SORAFILM_LEDGER"
DATA_DIR_ENV = "SORAFILM_DATA_DIR"
FILENAME = "ledger.sqlite3"
# Runs on the embedded simulator cost nothing: they are priced and booked exactly like real
# ones (so the flow, the budget checks and the reports can be tried), but in a ledger file of
# their own, so a demo never eats into the real month's budget.
SIM_FILENAME = "simulator-ledger.sqlite3"
SIM_LEDGER_ENV = "SORAFILM_SIM_LEDGER"
SQLITE_HEADER = b"SQLite format 3\x00"


def default_path(*, simulator: bool = False) -> Path:
    """$SORAFILM_LEDGER, else $SORAFILM_DATA_DIR/ledger.sqlite3, else the user data dir.

    With simulator=True, the sandbox ledger for simulated runs: $SORAFILM_SIM_LEDGER, else
    simulator-ledger.sqlite3 beside where the real ledger would be by default.

    A ``postgresql://`` URL in the variable is returned as the str itself (a Path would
    fold its "//"): Ledger() opens the team ledger on that server.
    """
    env = os.environ.get(SIM_LEDGER_ENV if simulator else LEDGER_ENV, "").strip()
    if pgstore.is_url(env):
        return env  # type: ignore[return-value]
    if env:
        return Path(env).expanduser()
    name = SIM_FILENAME if simulator else FILENAME
    data = os.environ.get(DATA_DIR_ENV, "").strip()
    if data:
        return Path(data).expanduser() / name
    import platformdirs

    return Path(platformdirs.user_data_dir("sorafilm-nb")) / name


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


def warn_caller(warning: Warning) -> None:
    """Warn at the first frame outside this package: the caller's line, however many ledger
    layers (the reconnecting wrapper among them) sit between it and the warning."""
    frame, level = sys._getframe(0), 1
    while frame is not None and os.path.dirname(frame.f_code.co_filename) == _MONEY_DIR:
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


class LedgerFile:
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
        self._lock = threading.RLock()
        self._retrying = False  # set once a write was re-run after a lost connection
        self._db: sqlite3.Connection | None = None
        if self.dialect == migrations.POSTGRES:
            self._pg = pgstore.PgStore(
                str(location), busy_timeout=busy_timeout, refuse=self._refuse
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

    def _open(self) -> sqlite3.Connection:
        p = self.path
        if os.path.lexists(p):
            self._check_ours(p)  # reads bytes only: a foreign file is refused untouched
        else:
            self._create(p)
        try:
            db = sqlite3.connect(
                str(p), timeout=self.busy_timeout, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise LedgerError(f"cannot open the ledger {p}: {exc}") from None
        db.row_factory = sqlite3.Row
        try:
            state = self._classify(db)  # read-only: nothing is written to a foreign file
            self._pragma_wal(db)
            db.execute("PRAGMA synchronous = NORMAL")
            db.execute("PRAGMA foreign_keys = ON")
            if state != "current":
                db.execute("BEGIN IMMEDIATE")
                try:
                    if self._classify(db) != "current":  # another process may have won
                        migrations.migrate(db)
                    db.execute("COMMIT")
                except BaseException:
                    db.execute("ROLLBACK")
                    raise
            db.execute("PRAGMA busy_timeout = 0")  # from here on, _begin() waits (see there)
        except LedgerError:
            db.close()
            raise
        except sqlite3.DatabaseError as exc:
            db.close()
            if _busy(exc):  # ours, but another process kept it locked the whole time
                raise self._wrap(exc) from None
            raise self._refuse(f"SQLite says: {exc}") from None
        return db

    def _create(self, p: Path) -> None:
        """Build a new ledger beside p and link it into place whole.

        Why not let SQLite create p: between the empty file appearing and the first commit,
        another process would see a zero-byte file, which is refused (it could be anybody's).
        Built aside, the file at p is always complete and carries our application_id; a
        process that loses the race to create it opens the winner's file instead.
        """
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LedgerError(
                f"cannot create the ledger folder {p.parent}: {exc.strerror}"
            ) from None
        tmp = p.with_name(f".{p.name}.{uuid.uuid4().hex}.creating")
        try:
            db = sqlite3.connect(str(tmp), isolation_level=None)
            try:
                db.execute("BEGIN IMMEDIATE")
                migrations.migrate(db)
                db.execute("COMMIT")
            finally:
                db.close()
            try:
                os.link(tmp, p)  # never replaces: the first creator wins
            except FileExistsError:
                pass
            except OSError:  # a file system without hard links: a rename, checked first
                if not os.path.lexists(p):
                    os.rename(tmp, p)
        except (OSError, sqlite3.Error) as exc:
            raise LedgerError(f"cannot create the ledger {p}: {exc}") from None
        finally:
            with suppress(OSError):
                os.unlink(tmp)

    def _check_ours(self, p: Path) -> None:
        """Refuse, before SQLite opens it, a file at p that this program did not create.

        Read as bytes: the SQLite header's application_id (offset 68) is set when a ledger
        is built, so another program's database, a database of views, or an empty file is
        refused without SQLite touching it (opening a foreign file could roll back its
        journal or checkpoint its WAL into it).
        """
        if not p.is_file():
            raise self._refuse("it is not a regular file")
        try:
            with open(p, "rb") as f:
                head = f.read(100)
        except OSError as exc:
            raise self._refuse(f"it cannot be read ({exc.strerror})") from None
        if not head:
            raise self._refuse(
                "it is empty (0 bytes); this program builds a ledger whole before putting it "
                "there, so an empty file is not one of ours (delete it if you know it is)"
            )
        if head[: len(SQLITE_HEADER)] != SQLITE_HEADER or len(head) < 100:
            raise self._refuse("it is not a SQLite database")
        app_id = int.from_bytes(head[68:72], "big")
        wal = Path(f"{p}-wal")
        if app_id == 0 and wal.is_file() and wal.stat().st_size:
            # Ours, but killed before the WAL holding our mark was checkpointed? Ask SQLite,
            # read-only (a read-only connection never checkpoints into the file).
            app_id = int(next(iter(self._peek(p, "PRAGMA application_id")), (0,))[0])
        if app_id == migrations.APPLICATION_ID:
            return
        if app_id != 0:
            raise self._refuse(
                f"it is a SQLite database of another program (application_id {app_id:#x})"
            )
        rows = self._peek(
            p, "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY 1, 2"
        )
        tables = [n for t, n in rows if t == "table"]
        views = [n for t, n in rows if t == "view"]

        def shown(names: list[str]) -> str:
            return ", ".join(names[:8]) + (", ..." if len(names) > 8 else "")

        what = (
            f"tables: {shown(tables)}"
            if tables
            else f"views: {shown(views)}"
            if views
            else ("an empty database")
        )
        raise self._refuse(f"it is a SQLite database of another program ({what})")

    def _peek(self, p: Path, sql: str) -> list[tuple[str | int, ...]]:
        """sql on a read-only view of p that cannot change it (no journal rollback, no WAL
        checkpoint); [] when SQLite cannot read it."""
        uri = f"{p.resolve().as_uri()}?mode=ro"
        if not os.path.exists(f"{p}-wal"):
            uri += "&immutable=1"
        try:
            db = sqlite3.connect(uri, uri=True)
        except sqlite3.Error:
            return []
        try:
            return [tuple(r) for r in db.execute(sql).fetchall()]
        except sqlite3.Error:
            return []
        finally:
            db.close()

    def _classify(self, db: sqlite3.Connection) -> str:
        """'old' (ours, needs migrations) or 'current'; raises for anything else.

        Ours means our application_id, migrations recorded in our order, and every table,
        column, index and trigger those migrations build.
        """
        app_id = db.execute("PRAGMA application_id").fetchone()[0]
        if app_id != migrations.APPLICATION_ID:
            raise self._refuse(
                f"it is a SQLite database of another program (application_id {app_id:#x})"
            )
        newer = migrations.unknown(db)
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if newer or version > len(migrations.MIGRATIONS):
            raise self._refuse(
                "its schema is newer than this version of sorafilm-nb understands "
                f"(unknown migrations: {', '.join(newer) or '-'}; schema version {version}, "
                f"ours {len(migrations.MIGRATIONS)}); upgrade sorafilm-nb to use it"
            )
        done = migrations.applied(db)
        ours = [fn.__name__ for fn in migrations.MIGRATIONS[: len(done)]]
        have = migrations.schema_objects(db)
        expected = migrations.expected_schema(len(done))
        missing = sorted(
            name for key, cols in expected.items() for name in [key[1]] if have.get(key) != cols
        )
        if done != ours or missing:
            why = (
                f"missing or different: {', '.join(missing)}"
                if missing
                else (f"migrations out of order: {', '.join(done)}")
            )
            raise self._refuse(f"its schema is not the one sorafilm-nb builds ({why})")
        return "current" if len(done) == len(migrations.MIGRATIONS) else "old"

    def _pragma_wal(self, db: sqlite3.Connection) -> None:
        # Switching a new file to WAL needs a moment alone with it; two processes creating
        # the same ledger at once may see "locked" here, which the busy handler does not cover.
        deadline = time.monotonic() + self.busy_timeout
        while True:
            try:
                mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)
        if str(mode).lower() != "wal":
            raise LedgerError(
                f"cannot put the ledger {self.path} in WAL mode (got {mode!r}); "
                "is it on a network file system?"
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

    def _wrap(self, exc: sqlite3.Error) -> LedgerError:
        if _busy(exc):
            return LedgerError(
                f"the ledger {self.path} stayed locked by another process for "
                f"{self.busy_timeout:g} s; nothing was written, try again"
            )
        return LedgerError(f"ledger {self.path}: {exc}")

    def _begin(self, db: sqlite3.Connection, *sql: str) -> None:
        """Run sql (the start of a transaction), retrying while another process holds the lock.

        Our own loop rather than SQLite's busy handler: that one sleeps 1, 2, 5, 10, 15, 20 ms
        and more between tries, so with several processes a waiter sleeps far longer than the
        fraction of a millisecond a ledger transaction holds the lock (4 processes ran at a
        third of the speed of one). Short random sleeps keep them interleaving.
        """
        delay, deadline = 0.0002, 0.0
        while True:
            try:
                for stmt in sql:
                    db.execute(stmt)
                return
            except sqlite3.OperationalError as exc:
                if db.in_transaction:
                    with suppress(sqlite3.Error):
                        db.execute("ROLLBACK")
                if not _busy(exc):
                    raise self._wrap(exc) from None
                now = time.monotonic()
                if not deadline:
                    deadline = now + self.busy_timeout
                elif now > deadline:
                    raise self._wrap(exc) from None
                time.sleep(_jitter.uniform(delay / 2, delay))
                delay = min(delay * 2, 0.004)
            except sqlite3.Error as exc:
                raise self._wrap(exc) from None

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


_jitter = random.Random()


def _busy(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and (
        "locked" in str(exc) or "busy" in str(exc)
    )
