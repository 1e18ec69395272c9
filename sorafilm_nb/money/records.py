"""The ledger's records: one frozen dataclass per kind of row, and the row's text forms.

Why apart from the ledger: reports, the CSV interchange, the studio and the CLI read these
rows without needing the SQLite plumbing. Times are stored as fixed-width UTC text (so text
order is time order) and amounts as integer cents; the helpers here are the one place that
turns them back and forth, and that checks and masks the free-text fields a row may hold.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

from ..redact import redact
from .cost import Cost
from .migrations import OPEN_STATUSES

UTC = timezone.utc
_TS = "%Y-%m-%dT%H:%M:%S.%fZ"  # fixed width, so text order is time order


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
    # Who spent it (migration m005): None on rows from before, or from a personal ledger.
    user_name: str | None = None
    project: str | None = None
    machine: str | None = None
    # Why the stale sweep must leave it open (migration m008): its job may exist and bill.
    held: str | None = None

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
    sandbox: bool = False  # the ledger's: its limit rehearses, never refuses

    @property
    def limit_kind(self) -> str:
        """What the limit does, in words, for `budget show`, `budget set` and the report: a
        sandbox's never refuses whatever its flag says, so it is a rehearsal, never a "hard
        limit" ("$65.20 over" a hard limit read as a bug)."""
        if self.sandbox:
            return "rehearsal: simulated films are never refused"
        return "hard limit" if self.hard else "soft limit"

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


TEXT_LIMIT = 200  # characters of a short identifying field (_text), a project's name among them


def _text(value: Any, name: str, *, required: bool = False, limit: int = TEXT_LIMIT) -> str | None:
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
    return redact(value) if value else None  # short texts: redact keeps its answers


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
        user_name=row["user_name"],
        project=row["project"],
        machine=row["machine"],
        held=row["held"] if "held" in row.keys() else None,  # noqa: SIM118 (absent before m008)
    )


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
