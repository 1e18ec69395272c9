"""The durable spend ledger: monthly budget, reservations, charges and history in SQLite.

Why a database and not a counter in memory: two notebooks (or a notebook and the CLI) share
one budget, and a kernel can die between creating a paid job and learning its price. So every
job is first a *reservation* of its estimated cost, checked against the month's remaining
budget and inserted in ONE ``BEGIN IMMEDIATE`` transaction; processes racing on one file are
serialised by SQLite's write lock and can never together pass the limit.

Life of a row in ``jobs``::

    reserve() ─▶ reserved ──attach(job id)──▶ submitted ──settle()──▶ completed (charged)
                    │                            ├──fail()───▶ failed | refused (charged if billed)
                    │                            └──cancel()─▶ cancelled (charged if billed)
                    └──release() / release_stale()──▶ released (nothing charged)

Every transition is idempotent (settling twice charges once: a charge is keyed by its job) and a
conflicting repeat (settling at another price, settling a failed job) raises LedgerError.

Decisions worth knowing:

* **Months.** A budget month starts at 00:00 UTC on ``start_day`` (1-31; in a shorter month,
  its last day). A job counts in the month in which it was *reserved*: that is when the money
  was committed and checked, so a job reserved on the 31st and billed on the 1st does not eat
  into the new month. An open reservation counts its estimate; a finished job its charge.
* **No budget set.** Reservations are allowed and recorded (history, reports), ``budget()``
  and ``remaining()`` return None, meaning "no limit". ``sorafilm budget set 50`` adds one.
* **Hard or soft.** Hard (the default): a reservation over the limit raises BudgetExceeded and
  writes nothing. Soft: it warns with a BudgetWarning and reserves anyway.
* **Durability.** WAL mode with ``synchronous=NORMAL``: a commit survives the process being
  killed at any point (the WAL is in the OS's page cache); only a power loss or OS crash can
  lose the last few commits, never corrupt the file. FULL would fsync every commit, several
  times slower, to cover power loss as well; money is re-checked against the provider's own
  job list on resume, so NORMAL is the trade we make.
* **API keys.** The ledger never receives one, but free text (purposes, failure reasons copied
  from error messages) could carry one. Anything shaped like a key (``sk-…``, ``Bearer …``, or
  the value of OPENAI_API_KEY/SORAFILM_API_KEY) is *masked*, not rejected: a failure path
  must not itself fail and leave a reservation open.
* **Foreign files.** A file at the ledger path that is not our SQLite database (random bytes,
  another program's database, a schema newer than this version) raises LedgerError and is
  not modified: nothing is written until the file is known to be ours.
* **Speed.** The month's usage is read from per-day totals that triggers keep in the same
  transaction (migration m004), so a reservation costs the same with a year of history.
  Waiting for another process's write lock is a loop of short random sleeps (``_begin``),
  not SQLite's busy handler, whose 5-100 ms naps left the lock idle. Measured with
  ``python benchmarks/bench_ledger.py``.

Run ``check()`` to verify a file (integrity_check, and the day totals recomputed from the
jobs); ``migrations.schema_sql()`` prints the schema.
"""

from __future__ import annotations

import calendar
import csv
import logging
import os
import random
import re
import sqlite3
import tempfile
import threading
import time
import uuid
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, fields, replace
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from ..errors import LedgerError
from ..redact import redact
from . import migrations
from .cost import Cost, CostError
from .migrations import FINAL_STATUSES, OPEN_STATUSES, STATUSES

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "FINAL_STATUSES",
    "OPEN_STATUSES",
    "STATUSES",
    "Budget",
    "BudgetExceeded",
    "BudgetWarning",
    "ImportResult",
    "Ledger",
    "LedgerError",
    "MonthSummary",
    "Reservation",
    "default_path",
    "month_bounds",
]

log = logging.getLogger(__name__)

LEDGER_ENV = "SORAFILM_LEDGER"
DATA_DIR_ENV = "SORAFILM_DATA_DIR"
FILENAME = "ledger.sqlite3"
# Runs on the embedded simulator cost nothing: they are priced and booked exactly like real
# ones (so the flow, the budget checks and the reports can be tried), but in a ledger file of
# their own, so a demo never eats into the real month's budget.
SIM_FILENAME = "simulator-ledger.sqlite3"
SIM_LEDGER_ENV = "SORAFILM_SIM_LEDGER"
SQLITE_HEADER = b"SQLite format 3\x00"
UTC = timezone.utc
_TS = "%Y-%m-%dT%H:%M:%S.%fZ"  # fixed width, so text order is time order

CSV_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "finished_at",
    "purpose",
    "plan_id",
    "shot",
    "model",
    "size",
    "seconds",
    "estimate_cents",
    "billed_cents",
    "currency",
    "status",
    "job_id",
    "backend",
    "reason",
)


# -- errors and warnings ---------------------------------------------------------------------


class BudgetExceeded(LedgerError):
    """A reservation would take the month past its hard limit. Nothing was written."""

    def __init__(
        self,
        *,
        asked: Cost,
        remaining: Cost,
        limit: Cost,
        purpose: str = "",
        period_end: datetime | None = None,
    ) -> None:
        self.asked = asked
        self.remaining = remaining
        self.limit = limit
        self.period_end = period_end
        what = f" for {purpose!r}" if purpose else ""
        resets = f"; the budget resets on {period_end:%Y-%m-%d}" if period_end else ""
        shown = remaining if remaining.cents > 0 else Cost.zero(remaining.currency)
        super().__init__(
            f"reserving {asked}{what} would exceed the monthly budget: {shown} left of "
            f"{limit}{resets}. Nothing was reserved. Plan a cheaper tier or model, or raise "
            "the limit with `sorafilm budget set DOLLARS`."
        )


class BudgetWarning(UserWarning):
    """A soft budget was passed, or money was booked that the budget did not expect."""


# -- records ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Budget:
    """The monthly budget in force (the newest row of ``budgets``)."""

    limit: Cost
    start_day: int = 1
    hard: bool = True
    set_at: datetime | None = None

    @property
    def currency(self) -> str:
        return self.limit.currency

    @property
    def soft(self) -> bool:
        return not self.hard


@dataclass(frozen=True)
class Reservation:
    """One row of ``jobs``: a reservation, and later the job it paid for.

    Amounts are integer cents (``cents`` is the estimate reserved); ``cost`` and ``billed``
    give them as Cost.
    """

    id: str
    cents: int
    created_at: datetime
    purpose: str
    plan_id: str | None = None
    shot: str | None = None
    model: str | None = None
    size: str | None = None
    seconds: int | None = None
    currency: str = "USD"
    status: str = "reserved"
    job_id: str | None = None
    backend: str | None = None
    billed_cents: int | None = None
    reason: str | None = None
    updated_at: datetime | None = None
    finished_at: datetime | None = None

    @property
    def cost(self) -> Cost:
        return Cost(Decimal(self.cents), self.currency)

    @property
    def billed(self) -> Cost | None:
        return (
            None if self.billed_cents is None else Cost(Decimal(self.billed_cents), self.currency)
        )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: cents as ints, times as UTC ISO 8601 strings."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            key = "estimate_cents" if f.name == "cents" else f.name
            out[key] = _ts(value) if isinstance(value, datetime) else value
        return out


@dataclass(frozen=True)
class MonthSummary:
    """Where the current budget month stands. Amounts in Cost, counts by status."""

    start: datetime
    end: datetime
    now: datetime
    currency: str
    limit: Cost | None  # None: no budget set
    hard: bool
    spent: Cost  # charges of jobs reserved this month
    reserved: Cost  # estimates of this month's open reservations
    remaining: Cost | None  # limit - spent - reserved (may be negative after a soft overrun)
    jobs: Mapping[str, int] = field(default_factory=dict)  # status -> count, this month
    days_left: int = 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: amounts as integer cents, never floats."""

        def cents(c: Cost | None) -> int | None:
            return None if c is None else c.whole_cents

        return {
            "period_start": self.start.strftime(_TS),
            "period_end": self.end.strftime(_TS),
            "days_left": self.days_left,
            "currency": self.currency,
            "limit_cents": cents(self.limit),
            "hard": self.hard,
            "spent_cents": cents(self.spent),
            "reserved_cents": cents(self.reserved),
            "remaining_cents": cents(self.remaining),
            "jobs": dict(self.jobs),
        }


@dataclass(frozen=True)
class ImportResult:
    """What import_csv() did: rows added, rows already present, rows that disagreed."""

    added: int
    unchanged: int
    conflicts: tuple[str, ...] = ()  # ids present with different content (kept as they were)


# -- helpers ---------------------------------------------------------------------------------


def default_path(*, simulator: bool = False) -> Path:
    """$SORAFILM_LEDGER, else $SORAFILM_DATA_DIR/ledger.sqlite3, else the user data dir.

    With simulator=True, the sandbox ledger for simulated runs: $SORAFILM_SIM_LEDGER, else
    simulator-ledger.sqlite3 beside where the real ledger would be by default.
    """
    env = os.environ.get(SIM_LEDGER_ENV if simulator else LEDGER_ENV, "").strip()
    if env:
        return Path(env).expanduser()
    name = SIM_FILENAME if simulator else FILENAME
    data = os.environ.get(DATA_DIR_ENV, "").strip()
    if data:
        return Path(data).expanduser() / name
    import platformdirs

    return Path(platformdirs.user_data_dir("sorafilm-nb")) / name


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _aware(dt: datetime, what: str = "time") -> datetime:
    if not isinstance(dt, datetime) or dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"{what} must be a timezone-aware datetime, got {dt!r}")
    return dt.astimezone(UTC)


def _ts(dt: datetime) -> str:
    """UTC, fixed width, 'Z' (isoformat is several times faster than strftime with %f)."""
    return dt.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def _parse_ts(text: str) -> datetime:
    """Parse our fixed-width format (strptime is 10x slower, and this runs per row)."""
    if len(text) != 27 or text[4] != "-" or text[10] != "T" or text[19] != "." or (text[26] != "Z"):
        raise ValueError(f"not a ledger time: {text!r}")
    return datetime(
        int(text[0:4]),
        int(text[5:7]),
        int(text[8:10]),
        int(text[11:13]),
        int(text[14:16]),
        int(text[17:19]),
        int(text[20:26]),
        tzinfo=UTC,
    )


def _opt_ts(text: str | None) -> datetime | None:
    return None if text is None else _parse_ts(text)


def month_bounds(now: datetime, start_day: int = 1) -> tuple[datetime, datetime]:
    """[start, end) of the budget month containing now; months start at 00:00 UTC."""
    now = _aware(now, "now")

    def boundary(year: int, month: int) -> datetime:
        last = calendar.monthrange(year, month)[1]
        return datetime(year, month, min(start_day, last), tzinfo=UTC)

    here = boundary(now.year, now.month)
    if now >= here:
        ny, nm = (now.year + 1, 1) if now.month == 12 else (now.year, now.month + 1)
        return here, boundary(ny, nm)
    py, pm = (now.year - 1, 12) if now.month == 1 else (now.year, now.month - 1)
    return boundary(py, pm), here


def _text(value: Any, name: str, *, required: bool = False, limit: int = 200) -> str | None:
    """A short identifying field: checked, never silently cut."""
    if value is None:
        if required:
            raise ValueError(f"{name} is required")
        return None
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {type(value).__name__}")
    value = value.strip()
    if required and not value:
        raise ValueError(f"{name} must not be empty")
    if len(value) > limit:
        raise ValueError(
            f"{name} is {len(value)} characters long; at most {limit} are kept "
            f"in the ledger (it starts {redact(value[:40])!r})"
        )
    return redact(value) if value else None


REASON_LIMIT = 2000


def _reason(value: Any, default: str) -> str:
    """A free-text reason, often an error message: anything is accepted (a failure path must
    not fail), keys are masked, and a very long one is cut with a marker saying so."""
    text = redact(str(value).strip() if value is not None else "") or default
    if len(text) > REASON_LIMIT:
        text = text[:REASON_LIMIT] + f"… [{len(text) - REASON_LIMIT} more characters cut]"
    return text


def _cost(value: Any, name: str) -> Cost:
    if not isinstance(value, Cost):
        raise TypeError(
            f"{name} must be a pricing.Cost (Decimal cents), got {type(value).__name__} "
            f"{value!r}; amounts are never floats"
        )
    if value.cents < 0:
        raise ValueError(f"{name} must not be negative, got {value}")
    return value


def _row_to_reservation(row: sqlite3.Row) -> Reservation:
    return Reservation(
        id=row["id"],
        cents=row["estimate_cents"],
        created_at=_parse_ts(row["created_at"]),
        purpose=row["purpose"],
        plan_id=row["plan_id"],
        shot=row["shot"],
        model=row["model"],
        size=row["size"],
        seconds=row["seconds"],
        currency=row["currency"],
        status=row["status"],
        job_id=row["job_id"],
        backend=row["backend"],
        billed_cents=row["billed_cents"],
        reason=row["reason"],
        updated_at=_opt_ts(row["updated_at"]),
        finished_at=_opt_ts(row["finished_at"]),
    )


# -- the ledger ------------------------------------------------------------------------------


class Ledger:
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
    ) -> None:
        self.path = Path(path).expanduser() if path is not None else default_path()
        self.clock = clock or _utcnow
        if not isinstance(stale_after, timedelta) or stale_after <= timedelta(0):
            raise ValueError(f"stale_after must be a positive timedelta, got {stale_after!r}")
        self.stale_after = stale_after
        self.busy_timeout = busy_timeout
        self._lock = threading.RLock()
        self._db: sqlite3.Connection | None = None
        self._db = self._open()
        self._pid = os.getpid()

    @classmethod
    def for_simulator(cls, **kwargs: Any) -> Ledger:
        """The sandbox ledger that runs on the embedded simulator book in (they cost nothing,
        so they never count against the real month's budget)."""
        return cls(default_path(simulator=True), **kwargs)

    @classmethod
    def for_backend(cls, backend: Any, **kwargs: Any) -> Ledger:
        """The default ledger for jobs on backend: the sandbox for a simulator (or for None,
        which means "start one"), else the real ledger. The one place this rule lives: the
        studio, the notebook app and the CLI all ask here.

        A backend that can tell (``is_simulator()``, as OpenAIBackend can, from the header
        the simulator sends) is asked, so ``sorafilm simulate`` reached through a base URL
        books in the sandbox too; its name is not trusted then, since a name can be given
        to a backend on the real API. It answers before the first job is created, because
        the ledger is chosen first. Only a backend that cannot tell is judged by its name.
        """
        return cls(cls.path_for_backend(backend), **kwargs)

    @staticmethod
    def path_for_backend(backend: Any) -> Path:
        """The file for_backend() opens (the CLI records it in its arguments, so the plan's
        budget check, the studio and the `sorafilm resume` advice all name the same one)."""
        if backend is None:
            simulated = True
        elif callable(probe := getattr(backend, "is_simulator", None)):
            simulated = bool(probe())
        else:
            simulated = getattr(backend, "name", "") == "simulator"
        return default_path(simulator=simulated)

    # -- opening -----------------------------------------------------------------------------

    def _refuse(self, why: str) -> LedgerError:
        return LedgerError(
            f"{self.path} is not usable as a sorafilm-nb ledger: {why}. The file was left "
            f"untouched; move it away, or choose another ledger with --ledger PATH or "
            f"${LEDGER_ENV}."
        )

    def _open(self) -> sqlite3.Connection:
        p = self.path
        if p.exists():
            if not p.is_file():
                raise self._refuse("it is not a regular file")
            try:
                with open(p, "rb") as f:
                    head = f.read(len(SQLITE_HEADER))
            except OSError as exc:
                raise self._refuse(f"it cannot be read ({exc.strerror})") from None
            if head and head != SQLITE_HEADER:
                raise self._refuse("it is not a SQLite database")
        else:
            try:
                p.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise LedgerError(
                    f"cannot create the ledger folder {p.parent}: {exc.strerror}"
                ) from None
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

    def _classify(self, db: sqlite3.Connection) -> str:
        """'new', 'old' (ours, needs migrations) or 'current'; raises for anything else."""
        app_id = db.execute("PRAGMA application_id").fetchone()[0]
        tables = sorted(
            r[0]
            for r in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        )
        if not tables and app_id == 0:
            return "new"
        if app_id not in (0, migrations.APPLICATION_ID):
            raise self._refuse(
                f"it is a SQLite database of another program (application_id {app_id:#x})"
            )
        if migrations.MIGRATIONS_TABLE not in tables:
            shown = ", ".join(tables[:8]) + (", ..." if len(tables) > 8 else "")
            raise self._refuse(f"it is a SQLite database of another program (tables: {shown})")
        newer = migrations.unknown(db)
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if newer or version > len(migrations.MIGRATIONS):
            raise self._refuse(
                "its schema is newer than this version of sorafilm-nb understands "
                f"(unknown migrations: {', '.join(newer) or '-'}; schema version {version}, "
                f"ours {len(migrations.MIGRATIONS)}); upgrade sorafilm-nb to use it"
            )
        done = migrations.applied(db)
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
        with self._lock:
            if self._db is not None and os.getpid() == self._pid:
                self._db.close()
            self._db = None

    def __enter__(self) -> Ledger:
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
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken up front (BEGIN IMMEDIATE): check-then-write is atomic
        across processes. Any exception rolls everything back."""
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

    # -- budget ------------------------------------------------------------------------------

    def set_budget(self, limit: Cost, *, soft: bool = False, start_day: int = 1) -> Budget:
        """Set the monthly limit from now on (the old limits stay in the budgets table)."""
        limit = _cost(limit, "limit")
        if limit.cents != limit.cents.to_integral_value():
            raise ValueError(f"a budget limit is a whole number of cents, got {limit.cents}")
        if (
            isinstance(start_day, bool)
            or not isinstance(start_day, int)
            or not (1 <= start_day <= 31)
        ):
            raise ValueError(f"start_day must be an integer from 1 to 31, got {start_day!r}")
        now = self._now()
        with self._write() as db:
            have = self._currency(db)
            if have is not None and have != limit.currency:
                raise LedgerError(
                    f"this ledger keeps {have}; a budget in {limit.currency} "
                    "would mix currencies (use another ledger file)"
                )
            db.execute(
                "INSERT INTO budgets (set_at, limit_cents, currency, start_day, hard) "
                "VALUES (?, ?, ?, ?, ?)",
                (_ts(now), limit.whole_cents, limit.currency, start_day, 0 if soft else 1),
            )
        return Budget(Cost(Decimal(limit.whole_cents), limit.currency), start_day, not soft, now)

    @staticmethod
    def _budget(db: sqlite3.Connection) -> Budget | None:
        row = db.execute(
            "SELECT set_at, limit_cents, currency, start_day, hard FROM budgets "
            "ORDER BY id DESC LIMIT 1"
        ).fetchone()
        if row is None:
            return None
        return Budget(
            Cost(Decimal(row["limit_cents"]), row["currency"]),
            row["start_day"],
            bool(row["hard"]),
            _parse_ts(row["set_at"]),
        )

    @classmethod
    def _currency(cls, db: sqlite3.Connection) -> str | None:
        """The ledger's one currency: the budget's, else its jobs', else None (empty).

        One per file, because the day totals add cents, and cents of USD and EUR do not add.
        """
        b = cls._budget(db)
        if b is not None:
            return b.currency
        row = db.execute("SELECT currency FROM jobs LIMIT 1").fetchone()
        return None if row is None else str(row[0])

    def budget(self) -> Budget | None:
        """The budget in force, or None when none was ever set (no limit)."""
        with self._read() as db:
            return self._budget(db)

    @staticmethod
    def _usage(db: sqlite3.Connection, start: datetime, end: datetime) -> tuple[int, int]:
        """(charged cents, open reserved cents) of jobs reserved in [start, end).

        Read from the per-day totals the schema's triggers keep (migration m004): at most 31
        rows, whatever the size of the history. start and end are UTC midnights.
        """
        row = db.execute(
            "SELECT COALESCE(SUM(charged_cents), 0), COALESCE(SUM(reserved_cents), 0) "
            "FROM day_totals WHERE day >= ? AND day < ?",
            (start.strftime("%Y-%m-%d"), end.strftime("%Y-%m-%d")),
        ).fetchone()
        return int(row[0]), int(row[1])

    def check(self) -> list[str]:
        """Problems found in the file (empty when sound): SQLite's integrity_check, and the
        per-day totals recomputed from the jobs themselves."""
        problems: list[str] = []
        t = "jobs"
        with self._read() as db:
            problems += [r[0] for r in db.execute("PRAGMA integrity_check") if r[0] != "ok"]
            kept = {
                r[0]: (r[1], r[2])
                for r in db.execute(
                    "SELECT day, reserved_cents, charged_cents FROM day_totals "
                    "WHERE reserved_cents != 0 OR charged_cents != 0"
                )
            }
            real = {
                r[0]: (r[1], r[2])
                for r in db.execute(
                    f"SELECT {migrations.DAY.format(t=t)}, "
                    f"SUM({migrations.HELD_RESERVED.format(t=t)}), "
                    f"SUM({migrations.HELD_CHARGED.format(t=t)}) FROM jobs GROUP BY 1"
                )
                if r[1] or r[2]
            }
            charged = db.execute(
                "SELECT COUNT(*) FROM jobs LEFT JOIN charges ON charges.job = jobs.id "
                "WHERE COALESCE(jobs.billed_cents, -1) != COALESCE(charges.cents, -1)"
            ).fetchone()[0]
        if kept != real:
            problems.append(f"day totals disagree with the jobs: kept {kept}, jobs say {real}")
        if charged:
            problems.append(f"{charged} job(s) whose billed amount differs from their charge")
        return problems

    def remaining(self, now: datetime | None = None) -> Cost | None:
        """limit − charges − open reservations for the month of now; None with no budget.

        Negative after a soft-limit overrun or a bill above its estimate.
        """
        now = self._now(now)
        with self._read() as db:
            b = self._budget(db)
            if b is None:
                return None
            start, end = month_bounds(now, b.start_day)
            spent, reserved = self._usage(db, start, end)
        return Cost(Decimal(b.limit.whole_cents - spent - reserved), b.currency)

    def spent(self, now: datetime | None = None) -> Cost:
        """Charges booked for jobs reserved in the budget month of now."""
        return self.month_summary(now).spent

    def reserved(self, now: datetime | None = None) -> Cost:
        """Estimates held by this month's open reservations."""
        return self.month_summary(now).reserved

    # -- reservations ------------------------------------------------------------------------

    def reserve(
        self,
        cost: Cost,
        purpose: str,
        plan_id: str | None = None,
        *,
        shot: str | None = None,
        model: str | None = None,
        size: str | None = None,
        seconds: int | None = None,
    ) -> Reservation:
        """Hold cost against this month's budget before a job is created.

        The budget check and the insert are one BEGIN IMMEDIATE transaction. Over a hard limit
        raises BudgetExceeded (nothing written); over a soft one warns and reserves.
        """
        draft = self._draft(
            cost, purpose, plan_id, shot=shot, model=model, size=size, seconds=seconds
        )
        return self._reserve([draft])[0]

    def reserve_many(self, items: Iterable[Mapping[str, Any]]) -> list[Reservation]:
        """Reserve several jobs at once, all or none, in ONE transaction.

        Each item holds reserve()'s arguments by name (cost, purpose, plan_id, shot, model,
        size, seconds). The total is checked against the budget: a film whose shots do not
        all fit raises BudgetExceeded and reserves nothing, and no other process ever sees
        half of it (reserving shot by shot, another notebook could be refused for a moment
        by reservations about to be given back, and a crash could leave them behind).
        """
        drafts = []
        for n, item in enumerate(items):
            try:
                drafts.append(self._draft(**item))
            except TypeError as exc:
                raise TypeError(f"reserve_many item {n}: {exc}") from None
        return self._reserve(drafts) if drafts else []

    @staticmethod
    def _draft(
        cost: Cost,
        purpose: str,
        plan_id: str | None = None,
        *,
        shot: str | None = None,
        model: str | None = None,
        size: str | None = None,
        seconds: int | None = None,
    ) -> dict[str, Any]:
        """Validate reserve()'s arguments before any transaction is opened."""
        cost = _cost(cost, "cost")
        if seconds is not None and (
            isinstance(seconds, bool) or not isinstance(seconds, int) or seconds < 0
        ):
            raise TypeError(f"seconds must be a non-negative int or None, got {seconds!r}")
        return {
            "id": _uuid7(),
            "cents": cost.whole_cents,
            "currency": cost.currency,
            "purpose": _text(purpose, "purpose", required=True, limit=500) or "",
            "plan_id": _text(plan_id, "plan_id", limit=200),
            "shot": _text(shot, "shot", limit=200),
            "model": _text(model, "model", limit=100),
            "size": _text(size, "size", limit=50),
            "seconds": seconds,
        }

    def _reserve(self, drafts: list[dict[str, Any]]) -> list[Reservation]:
        cents = sum(d["cents"] for d in drafts)
        currency = drafts[0]["currency"]
        what = drafts[0]["purpose"] + (f" and {len(drafts) - 1} more" if len(drafts) > 1 else "")
        with self._write() as db:
            now = self._now()
            b = self._budget(db)
            have = b.currency if b is not None else self._currency(db)
            for d in drafts:
                if d["currency"] != (have or currency):
                    raise LedgerError(
                        f"this ledger keeps {have or currency}; cannot reserve "
                        f"{Cost(Decimal(d['cents']), d['currency'])} in "
                        f"{d['currency']}"
                    )
            if b is not None:
                start, end = month_bounds(now, b.start_day)
                spent, reserved = self._usage(db, start, end)
                left = b.limit.whole_cents - spent - reserved
                if cents > left:
                    asked = Cost(Decimal(cents), currency)
                    remaining = Cost(Decimal(left), currency)
                    if b.hard:
                        raise BudgetExceeded(
                            asked=asked,
                            remaining=remaining,
                            limit=b.limit,
                            purpose=what,
                            period_end=end,
                        )
                    # Inside the transaction on purpose: if warnings are errors, nothing is
                    # reserved and the caller sees why.
                    warnings.warn(
                        BudgetWarning(
                            f"soft budget passed: reserving {asked} for {what!r} with "
                            f"{remaining} left of {b.limit} this month"
                        ),
                        stacklevel=3,
                    )
            ts = _ts(now)
            db.executemany(
                "INSERT INTO jobs (id, created_at, updated_at, purpose, plan_id, shot, model, "
                "size, seconds, estimate_cents, currency, status) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'reserved')",
                [
                    (
                        d["id"],
                        ts,
                        ts,
                        d["purpose"],
                        d["plan_id"],
                        d["shot"],
                        d["model"],
                        d["size"],
                        d["seconds"],
                        d["cents"],
                        d["currency"],
                    )
                    for d in drafts
                ],
            )
        return [
            Reservation(
                id=d["id"],
                cents=d["cents"],
                created_at=now,
                purpose=d["purpose"],
                plan_id=d["plan_id"],
                shot=d["shot"],
                model=d["model"],
                size=d["size"],
                seconds=d["seconds"],
                currency=d["currency"],
                updated_at=now,
            )
            for d in drafts
        ]

    @staticmethod
    def _get(
        db: sqlite3.Connection, *, rid: str | None = None, job_id: str | None = None
    ) -> sqlite3.Row | None:
        if rid is not None:
            return db.execute("SELECT * FROM jobs WHERE id = ?", (rid,)).fetchone()
        return db.execute("SELECT * FROM jobs WHERE job_id = ?", (job_id,)).fetchone()

    @staticmethod
    def _rid(reservation: Reservation | str) -> str:
        if isinstance(reservation, Reservation):
            return reservation.id
        if isinstance(reservation, str) and reservation:
            return reservation
        raise TypeError(f"expected a Reservation or its id, got {reservation!r}")

    def attach(
        self, reservation: Reservation | str, job_id: str, *, backend: str = "simulator"
    ) -> Reservation:
        """Record the backend's job id: the reservation is now a submitted job.

        Repeating it with the same id is a no-op. A job attached to a reservation that was
        already released (say, as stale) re-opens it with a BudgetWarning: the job exists and
        will be billed, so the ledger records the truth even past the budget.
        """
        rid = self._rid(reservation)
        job_id_ = _text(job_id, "job_id", required=True, limit=200)
        backend_ = _text(backend, "backend", limit=100)
        reopened = False
        with self._write() as db:
            row = self._get(db, rid=rid)
            if row is None:
                raise LedgerError(f"no reservation {rid!r} in {self.path}")
            if row["job_id"] is not None:
                if row["job_id"] == job_id_:
                    return _row_to_reservation(row)
                raise LedgerError(
                    f"reservation {rid!r} already belongs to job {row['job_id']!r}, not {job_id_!r}"
                )
            if row["status"] not in ("reserved", "released"):
                raise LedgerError(
                    f"reservation {rid!r} is {row['status']}; cannot attach job {job_id_!r}"
                )
            now = _ts(self._now())
            reason = row["reason"]
            if row["status"] == "released":
                reopened = True
                reason = f"re-opened at {now}: job {job_id_} was created after release ({reason})"
            try:
                db.execute(
                    "UPDATE jobs SET status = 'submitted', job_id = ?, backend = ?, "
                    "updated_at = ?, reason = ? WHERE id = ?",
                    (job_id_, backend_, now, reason, rid),
                )
            except sqlite3.IntegrityError:  # UNIQUE(job_id)
                other = self._get(db, job_id=job_id_)
                raise LedgerError(
                    f"job {job_id_!r} is already attached to reservation "
                    f"{other['id'] if other else '?'!r}"
                ) from None
            result = replace(
                _row_to_reservation(row),
                status="submitted",
                job_id=job_id_,
                backend=backend_,
                reason=reason,
                updated_at=_parse_ts(now),
            )
        if reopened:
            warnings.warn(
                BudgetWarning(
                    f"job {job_id_} was attached to reservation {rid}, which had been released; "
                    "it is booked again and may take the month past its budget"
                ),
                stacklevel=2,
            )
        return result

    def _finish(
        self, job_id: str, status: str, *, reason: str | None, billed: Cost | None
    ) -> Reservation:
        job_id_ = _text(job_id, "job_id", required=True, limit=200)
        if billed is not None:
            billed = _cost(billed, "billed")
        reason_ = reason  # already through _reason() in fail() and cancel()
        with self._write() as db:
            row = self._get(db, job_id=job_id_)
            if row is None:
                raise LedgerError(
                    f"no job {job_id_!r} in {self.path}; attach() it to its reservation first"
                )
            if billed is not None and billed.currency != row["currency"]:
                raise LedgerError(
                    f"job {job_id_!r} was reserved in {row['currency']}, "
                    f"billed in {billed.currency}"
                )
            cents = None if billed is None else billed.whole_cents
            if row["status"] in FINAL_STATUSES:
                if row["status"] == status and row["billed_cents"] == cents:
                    return _row_to_reservation(row)  # a repeat: nothing more to do
                was = row["status"]
                if row["billed_cents"] is not None:
                    was += f", charged {Cost(Decimal(row['billed_cents']), row['currency'])}"
                raise LedgerError(
                    f"job {job_id_!r} is already {was}; refusing to mark it "
                    f"{status}" + (f" at {billed}" if billed is not None else "")
                )
            now = _ts(self._now())
            db.execute(
                "UPDATE jobs SET status = ?, billed_cents = ?, reason = ?, updated_at = ?, "
                "finished_at = ? WHERE id = ?",
                (status, cents, reason_, now, now, row["id"]),
            )
            if cents is not None:
                db.execute(
                    "INSERT INTO charges (job, created_at, cents, currency, kind) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (row["id"], now, cents, row["currency"], status),
                )
            t = _parse_ts(now)
            return replace(
                _row_to_reservation(row),
                status=status,
                billed_cents=cents,
                reason=reason_,
                updated_at=t,
                finished_at=t,
            )

    def settle(self, job_id: str, billed: Cost) -> Reservation:
        """The job completed: charge what was billed and close its reservation."""
        if billed is None:
            raise TypeError("settle() needs the billed Cost; use fail() for an unbilled job")
        return self._finish(job_id, "completed", reason=None, billed=billed)

    def fail(
        self, job_id: str, reason: str, *, billed: Cost | None = None, refused: bool = False
    ) -> Reservation:
        """The job failed (or was refused by moderation): release the reservation, or charge
        billed when the provider bills failures."""
        status = "refused" if refused else "failed"
        return self._finish(job_id, status, reason=_reason(reason, status), billed=billed)

    def cancel(self, job_id: str, reason: str, *, billed: Cost | None = None) -> Reservation:
        """The job was cancelled (deleted before completion): release, or charge billed."""
        return self._finish(job_id, "cancelled", reason=_reason(reason, "cancelled"), billed=billed)

    def release(self, reservation: Reservation | str, reason: str) -> Reservation:
        """Give back a reservation that never got a job id (the create call failed for sure)."""
        rid = self._rid(reservation)
        reason_ = _reason(reason, "released")
        with self._write() as db:
            row = self._get(db, rid=rid)
            if row is None:
                raise LedgerError(f"no reservation {rid!r} in {self.path}")
            if row["status"] == "released":
                return _row_to_reservation(row)
            if row["status"] != "reserved":
                raise LedgerError(
                    f"reservation {rid!r} is {row['status']} (job {row['job_id']!r}); a "
                    "submitted job is closed with settle(), fail() or cancel(), not release()"
                )
            now = _ts(self._now())
            db.execute(
                "UPDATE jobs SET status = 'released', reason = ?, updated_at = ?, "
                "finished_at = ? WHERE id = ?",
                (reason_, now, now, rid),
            )
            row = self._get(db, rid=rid)
        assert row is not None
        return _row_to_reservation(row)

    def release_stale(self, now: datetime | None = None) -> list[Reservation]:
        """Release reservations older than stale_after that never got a job id.

        Each gets a reason saying when and why, is logged as a warning and returned: a
        kernel that died between reserving and creating leaves these behind. (A job that
        *was* created then is found by the studio's resume() through the provider's list.)
        """
        now = self._now(now)
        cutoff = now - self.stale_after
        with self._write() as db:
            rows = db.execute(
                "SELECT * FROM jobs WHERE status = 'reserved' AND job_id IS NULL "
                "AND created_at < ? ORDER BY created_at",
                (_ts(cutoff),),
            ).fetchall()
            out = []
            for row in rows:
                reason = (
                    f"stale: no job id {self.stale_after} after it was reserved; "
                    f"released automatically at {_ts(now)}"
                )
                db.execute(
                    "UPDATE jobs SET status = 'released', reason = ?, updated_at = ?, "
                    "finished_at = ? WHERE id = ? AND status = 'reserved'",
                    (reason, _ts(now), _ts(now), row["id"]),
                )
                new = self._get(db, rid=row["id"])
                assert new is not None
                out.append(_row_to_reservation(new))
        for r in out:
            log.warning(
                "released stale reservation %s (%s, %s for %r, reserved %s)",
                r.id,
                r.cost,
                r.status,
                r.purpose,
                _ts(r.created_at),
            )
        return out

    # -- lookups -----------------------------------------------------------------------------

    def reservation(self, rid: str) -> Reservation | None:
        with self._read() as db:
            row = self._get(db, rid=rid)
        return None if row is None else _row_to_reservation(row)

    def job_for(self, job_id: str) -> Reservation | None:
        """The reservation a backend job id is attached to, or None."""
        with self._read() as db:
            row = self._get(db, job_id=job_id)
        return None if row is None else _row_to_reservation(row)

    def pending(self) -> list[Reservation]:
        """Every reservation without a final state, oldest first (with or without job id):
        the studio resumes polling the ones with a job id and reconciles the others."""
        with self._read() as db:
            rows = db.execute(
                "SELECT * FROM jobs WHERE status IN ('reserved', 'submitted') "
                "ORDER BY created_at, id"
            ).fetchall()
        return [_row_to_reservation(r) for r in rows]

    def records(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> list[Reservation]:
        """Every job reserved in [since, until), oldest first (no pandas needed)."""
        sql, args = "SELECT * FROM jobs WHERE 1", []
        if since is not None:
            sql += " AND created_at >= ?"
            args.append(_ts(_aware(since, "since")))
        if until is not None:
            sql += " AND created_at < ?"
            args.append(_ts(_aware(until, "until")))
        with self._read() as db:
            rows = db.execute(sql + " ORDER BY created_at, id", args).fetchall()
        return [_row_to_reservation(r) for r in rows]

    def history(self, since: datetime | None = None, until: datetime | None = None) -> pd.DataFrame:
        """One row per job as a pandas DataFrame (pandas imported here, not at import).

        Cents are ints (billed_cents nullable Int64: empty until charged); estimate and
        billed are the same amounts in dollars as Decimal, never float.
        """
        import pandas as pd

        recs = self.records(since, until)
        columns = [
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
        ]
        frame = pd.DataFrame(
            [
                {
                    "id": r.id,
                    "time": r.created_at,
                    "model": r.model,
                    "size": r.size,
                    "seconds": r.seconds,
                    "estimate_cents": r.cents,
                    "billed_cents": r.billed_cents,
                    "estimate": r.cost.dollars,
                    "billed": None if r.billed is None else r.billed.dollars,
                    "currency": r.currency,
                    "status": r.status,
                    "plan": r.plan_id,
                    "shot": r.shot,
                    "purpose": r.purpose,
                    "job_id": r.job_id,
                    "backend": r.backend,
                    "reason": r.reason,
                    "finished_at": r.finished_at,
                }
                for r in recs
            ],
            columns=columns,
        )
        frame["time"] = pd.to_datetime(frame["time"], utc=True)
        frame["finished_at"] = pd.to_datetime(frame["finished_at"], utc=True)
        frame["estimate_cents"] = frame["estimate_cents"].astype("int64")
        frame["billed_cents"] = frame["billed_cents"].astype("Int64")
        frame["seconds"] = frame["seconds"].astype("Int64")
        for col in ("estimate", "billed"):
            frame[col] = frame[col].astype(object)
        return frame

    def month_summary(self, now: datetime | None = None) -> MonthSummary:
        """Limit, spent, reserved, remaining, jobs by status and days left, for now's month."""
        now = self._now(now)
        with self._read() as db:
            b = self._budget(db)
            start, end = month_bounds(now, b.start_day if b else 1)
            spent, reserved = self._usage(db, start, end)
            counts = {
                r[0]: int(r[1])
                for r in db.execute(
                    "SELECT status, COUNT(*) FROM jobs WHERE created_at >= ? AND created_at < ? "
                    "GROUP BY status ORDER BY status",
                    (_ts(start), _ts(end)),
                )
            }
            currency = self._currency(db) or "USD"
        remaining = None
        if b is not None:
            remaining = Cost(Decimal(b.limit.whole_cents - spent - reserved), currency)
        return MonthSummary(
            start=start,
            end=end,
            now=now,
            currency=currency,
            limit=b.limit if b else None,
            hard=b.hard if b else True,
            spent=Cost(Decimal(spent), currency),
            reserved=Cost(Decimal(reserved), currency),
            remaining=remaining,
            jobs=MappingProxyType(counts),
            days_left=max(0, (end.date() - now.date()).days),
        )

    def report(self, format: str = "text", now: datetime | None = None) -> str:
        """The month's budget report as text, markdown or json (see report.py)."""
        from .reports import budget_report

        return budget_report(self, format=format, now=now)

    # -- CSV ---------------------------------------------------------------------------------

    def export_csv(self, path: str | os.PathLike[str]) -> Path:
        """Write every job to a CSV file (atomically: temp file, then rename). Amounts are
        integer cents, times UTC ISO 8601; import_csv() reads it back."""
        dest = Path(path)
        with self._read() as db:
            rows = db.execute("SELECT * FROM jobs ORDER BY created_at, id").fetchall()
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
        try:
            with os.fdopen(fd, "w", newline="", encoding="utf-8") as f:
                self._write_csv(f, rows)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, dest)
        except BaseException:
            with suppress(OSError):
                os.unlink(tmp)
            raise
        return dest

    def write_csv(self, stream: Any) -> None:
        """The same CSV as export_csv(), to an open text stream (the CLI's stdout)."""
        with self._read() as db:
            rows = db.execute("SELECT * FROM jobs ORDER BY created_at, id").fetchall()
        self._write_csv(stream, rows)

    @staticmethod
    def _write_csv(stream: Any, rows: list[sqlite3.Row]) -> None:
        w = csv.writer(stream)
        w.writerow(CSV_COLUMNS)
        for row in rows:
            w.writerow(["" if row[c] is None else row[c] for c in CSV_COLUMNS])

    def import_csv(self, path: str | os.PathLike[str]) -> ImportResult:
        """Add the rows of an export_csv() file that this ledger does not hold yet.

        Keyed on the row id, so importing the same file twice adds nothing. The whole file is
        validated first (errors name the line and the column) and added in one transaction:
        a bad file adds nothing. Rows whose id exists with other content are kept as they
        are here and listed in the result's conflicts. No budget check: these are records of
        money already committed elsewhere.
        """
        src = Path(path)
        try:
            with open(src, newline="", encoding="utf-8") as f:
                reader = csv.DictReader(f)
                header = reader.fieldnames or []
                missing = [c for c in CSV_COLUMNS if c not in header]
                if missing:
                    raise LedgerError(
                        f"{src}: not a ledger export, missing columns: {', '.join(missing)}"
                    )
                parsed = [_parse_csv_row(src, reader.line_num, raw) for raw in reader]
        except OSError as exc:
            raise LedgerError(f"cannot read {src}: {exc.strerror}") from None
        except (csv.Error, UnicodeDecodeError) as exc:
            raise LedgerError(f"{src}: not a readable CSV file: {exc}") from None
        seen: set[str] = set()
        for rec in parsed:
            if rec["id"] in seen:
                raise LedgerError(f"{src}: the id {rec['id']!r} appears twice")
            seen.add(rec["id"])
        added, unchanged, conflicts = 0, 0, []
        with self._write() as db:
            have = self._currency(db)
            for rec in parsed:
                if have is not None and rec["currency"] != have:
                    raise LedgerError(
                        f"{src}: row {rec['id']!r} is in {rec['currency']}, this "
                        f"ledger keeps {have}; nothing was imported"
                    )
                have = rec["currency"]
                row = self._get(db, rid=rec["id"])
                if row is not None:
                    if all(row[c] == rec[c] for c in CSV_COLUMNS):
                        unchanged += 1
                    else:
                        conflicts.append(rec["id"])
                    continue
                if rec["job_id"] is not None and self._get(db, job_id=rec["job_id"]):
                    conflicts.append(rec["id"])
                    continue
                db.execute(
                    f"INSERT INTO jobs ({', '.join(CSV_COLUMNS)}) "
                    f"VALUES ({', '.join('?' * len(CSV_COLUMNS))})",
                    [rec[c] for c in CSV_COLUMNS],
                )
                if rec["billed_cents"] is not None:
                    db.execute(
                        "INSERT INTO charges (job, created_at, cents, currency, kind) "
                        "VALUES (?, ?, ?, ?, ?)",
                        (
                            rec["id"],
                            rec["finished_at"] or rec["updated_at"],
                            rec["billed_cents"],
                            rec["currency"],
                            rec["status"],
                        ),
                    )
                added += 1
        if conflicts:
            warnings.warn(
                BudgetWarning(
                    f"{src}: {len(conflicts)} row(s) differ from the ledger's own and were not "
                    f"imported: {', '.join(conflicts[:5])}"
                ),
                stacklevel=2,
            )
        return ImportResult(added, unchanged, tuple(conflicts))


_jitter = random.Random()


_uuid7_last = [0, 0]  # (milliseconds, counter) of the last id made in this process
_uuid7_lock = threading.Lock()


def _uuid7() -> str:
    """A UUID version 7 (RFC 9562): millisecond time, a 12-bit counter, then random bits.

    Time-ordered ids are appended at the end of the jobs b-tree instead of landing on a random
    page of it, and ids made in one process sort in the order they were made, even within
    one millisecond (the counter, RFC 9562 method 1): a batch keeps its order in pending().
    """
    with _uuid7_lock:
        ms = max(time.time_ns() // 1_000_000, _uuid7_last[0])
        seq = _uuid7_last[1] + 1 if ms == _uuid7_last[0] else 0
        if seq > 0xFFF:  # 4096 ids in one millisecond: borrow the next one
            ms, seq = ms + 1, 0
        _uuid7_last[:] = [ms, seq]
    rand = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | seq << 64 | 0b10 << 62 | rand
    return str(uuid.UUID(int=value))


def _busy(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and (
        "locked" in str(exc) or "busy" in str(exc)
    )


_INT_RE = re.compile(r"^[0-9]+$")


def _parse_csv_row(src: Path, line: int, raw: Mapping[str, str | None]) -> dict[str, Any]:
    def bad(column: str, why: str) -> LedgerError:
        return LedgerError(f"{src}, line {line}, column {column!r}: {why}")

    rec: dict[str, Any] = {}
    for c in CSV_COLUMNS:
        value = raw.get(c)
        value = value.strip() if isinstance(value, str) else ""
        rec[c] = value or None
    for c in ("id", "created_at", "updated_at", "purpose", "estimate_cents", "currency", "status"):
        if rec[c] is None:
            raise bad(c, "required, found nothing")
    for c in ("created_at", "updated_at", "finished_at"):
        if rec[c] is not None:
            try:
                _parse_ts(rec[c])
            except ValueError:
                raise bad(
                    c, f"expected a UTC time like 2026-01-31T12:00:00.000000Z, got {rec[c]!r}"
                ) from None
    for c in ("estimate_cents", "billed_cents", "seconds"):
        if rec[c] is not None:
            if not _INT_RE.match(rec[c]):
                raise bad(
                    c,
                    f"expected a whole non-negative number (cents are integers, never "
                    f"fractions or floats), got {rec[c]!r}",
                )
            rec[c] = int(rec[c])
            if c != "seconds":
                try:  # Cost's rule: an amount it refuses would break every later summary
                    Cost(rec[c])
                except CostError as exc:
                    raise bad(c, f"more than any budget or job can hold: {exc}") from None
    if rec["status"] not in STATUSES:
        raise bad("status", f"expected one of {', '.join(STATUSES)}, got {rec['status']!r}")
    if not re.match(r"^[A-Z]{3}$", rec["currency"]):
        raise bad("currency", f"expected a 3-letter code like USD, got {rec['currency']!r}")
    if rec["billed_cents"] is not None and rec["status"] not in (
        "completed",
        "failed",
        "refused",
        "cancelled",
    ):
        raise bad("billed_cents", f"a {rec['status']} job cannot have been billed")
    if rec["status"] == "completed" and rec["billed_cents"] is None:
        raise bad("billed_cents", "a completed job needs its billed amount")
    for c in ("purpose", "plan_id", "shot", "model", "size", "job_id", "backend", "reason"):
        rec[c] = redact(rec[c]) if rec[c] else rec[c]
    return rec
