"""Budgets and months: the limit in force, the month's window, and what it has used.

A budget month starts at 00:00 UTC on ``start_day``; a job counts in the month it was
reserved in. Usage is read from the per-day totals the schema's triggers keep (migration
m004), so a check costs the same with a year of history.
"""

from __future__ import annotations

import calendar
import logging
import math
import os
import shlex
import sqlite3
import warnings
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType

from ..errors import LedgerError
from ..naming import project_key
from ..redact import url as redact_url
from . import migrations
from .cost import Cost, left_of
from .pgstore import LedgerMissing, is_url
from .records import UTC, Budget, MonthSummary, _aware, _cost, _parse_ts, _ts
from .store import LedgerFile, default_path, reconnecting, same_location, warn_caller

log = logging.getLogger("sorafilm_nb.money.ledger")

# -- errors and warnings ---------------------------------------------------------------------


def raise_command(ledger: Path | str | None, needed: Cost) -> str:
    """The exact command that sets ledger's limit to needed (rounded up to whole dollars):
    plain for the default ledger, with --ledger for any other file."""
    dollars = max(1, math.ceil(needed.cents / 100))
    words = ["sorafilm", "budget", "set", str(dollars)]
    if ledger is not None and not _same_file(ledger, default_path()):
        words += ["--ledger", redact_url(ledger) if isinstance(ledger, str) else str(ledger)]
    return shlex.join(words)


def _same_file(a: Path | str | os.PathLike[str], b: Path | str) -> bool:
    return same_location(a, b)


class BudgetExceeded(LedgerError):
    """A reservation would take the month past its hard limit. Nothing was written.

    Only a real ledger raises it (a sandbox never refuses); the message names the ledger
    file and the command that raises its limit enough for this reservation.
    """

    def __init__(
        self,
        *,
        asked: Cost,
        remaining: Cost,
        limit: Cost,
        purpose: str = "",
        period_end: datetime | None = None,
        ledger: Path | str | None = None,
    ) -> None:
        self.asked = asked
        self.remaining = remaining
        self.limit = limit
        self.period_end = period_end
        self.ledger = ledger
        what = f" for {purpose!r}" if purpose else ""
        where = f" of the ledger {ledger}" if ledger is not None else ""
        resets = f"; the budget resets on {period_end:%Y-%m-%d}" if period_end else ""
        command = raise_command(ledger, limit - remaining + asked)
        super().__init__(
            f"reserving {asked}{what} would exceed the monthly budget{where}: "
            f"{left_of(remaining, limit)}{resets}. Nothing was reserved. Plan a cheaper tier "
            f"or model, or raise the limit with `{command}`."
        )


class ProjectCapExceeded(BudgetExceeded):
    """A reservation would take one project past its own monthly cap inside the team budget.
    Nothing was written. A BudgetExceeded, so whoever handles one handles both."""

    def __init__(
        self,
        *,
        project: str,
        asked: Cost,
        remaining: Cost,
        limit: Cost,
        period_end: datetime | None = None,
        ledger: Path | str | None = None,
    ) -> None:
        self.project = project
        self.asked, self.remaining, self.limit = asked, remaining, limit
        self.period_end, self.ledger = period_end, ledger
        resets = f"; it resets on {period_end:%Y-%m-%d}" if period_end else ""
        LedgerError.__init__(
            self,
            f"reserving {asked} would take the project {project!r} past its monthly cap in "
            f"{ledger}: {left_of(remaining, limit)}{resets}. Nothing was reserved. Ask whoever "
            "keeps the team budget to raise the project's cap (Ledger.set_project_cap).",
        )


class BudgetWarning(UserWarning):
    """A soft budget was passed, or money was booked that the budget did not expect."""


class RealBudgetWarning(BudgetWarning):
    """A simulated run that would not fit the real ledger's budget (it goes ahead: it is free)."""


@dataclass(frozen=True)
class BudgetCheck:
    """Would asked fit ledger's budget this month? (check_real_budget's answer.)"""

    ledger: Path | str  # a file, or a team ledger's URL (password masked)
    asked: Cost
    limit: Cost | None  # None: no budget set, so anything fits
    remaining: Cost | None
    period_end: datetime

    @property
    def fits(self) -> bool:
        return self.remaining is None or self.asked.cents <= self.remaining.cents

    @property
    def command(self) -> str | None:
        """The command that raises the limit enough, or None when it fits already."""
        if self.fits or self.limit is None or self.remaining is None:
            return None
        return raise_command(self.ledger, self.limit - self.remaining + self.asked)

    def asking(self, cost: Cost) -> BudgetCheck:
        """The same month's figures asked about another cost: no ledger is read again (the
        notebook's picker re-prices on every click, and reads the real month once)."""
        return replace(self, asked=_cost(cost, "cost"))

    def warning(self) -> RealBudgetWarning | None:
        """What check_real_budget warns with when asked does not fit (None when it fits): one
        text for the warning, the studio's film notes and anyone else who says it."""
        if self.fits:
            return None
        assert self.remaining is not None and self.limit is not None
        return RealBudgetWarning(
            f"on the real API this would cost {self.asked}, more than the real ledger "
            f"{self.ledger} has this month: {left_of(self.remaining, self.limit)} (resets on "
            f"{self.period_end:%Y-%m-%d}). The simulated run goes ahead (it is free); "
            f"before a real one, plan a cheaper film or raise the limit with "
            f"`{self.command}`."
        )


class ClockWarning(BudgetWarning):
    """The clock read earlier than the ledger's newest entry; that entry's time was used.

    Why not trust the clock: a budget month is a window of time, so a clock stepped back
    across a month boundary (an NTP correction, a restored VM, a hand-set date) would open
    the month before again and let two months' budgets be held at once.
    """


# A clock behind the ledger's newest entry by at most this much is not worth a ClockWarning
# (the newest entry's time is still used): it is the moment between a client reading its clock
# and taking the budget's lock, or two machines of a team whose clocks agree only to within
# milliseconds, not a clock that stepped back.
CLOCK_SLACK = timedelta(seconds=1)

# How long check_real_budget waits for the real ledger. The comparison is advice for a
# simulated film, not money: a team ledger that does not answer is reported, not waited
# for. Opened with the default busy_timeout (30 s), a refused connection was retried as a
# restarting server's, and a simulated film stalled for half a minute before it started.
REAL_CHECK_WAIT = 2.0


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


class BudgetBook(LedgerFile):
    """The budget half of the ledger (see ledger.Ledger): limits, usage, the month."""

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
        return self._set_budget(limit, soft, start_day, self._now())

    @reconnecting
    def _set_budget(self, limit: Cost, soft: bool, start_day: int, now: datetime) -> Budget:
        row = (_ts(now), limit.whole_cents, limit.currency, start_day, 0 if soft else 1)
        with self._write(budget=True) as db:
            newest = db.execute(
                "SELECT set_at, limit_cents, currency, start_day, hard FROM budgets "
                "ORDER BY id DESC LIMIT 1"
            ).fetchone()
            if newest is not None and tuple(newest) == row:  # our own, its reply was lost
                return Budget(
                    Cost(Decimal(limit.whole_cents), limit.currency), start_day, not soft, now
                )
            have = self._currency(db)
            if have is not None and have != limit.currency:
                raise LedgerError(
                    f"this ledger keeps {have}; a budget in {limit.currency} "
                    "would mix currencies (use another ledger file)"
                )
            db.execute(
                "INSERT INTO budgets (set_at, limit_cents, currency, start_day, hard) "
                "VALUES (?, ?, ?, ?, ?)",
                row,
            )
        return Budget(Cost(Decimal(limit.whole_cents), limit.currency), start_day, not soft, now)

    def clear_budget(self) -> Budget | None:
        """Remove a sandbox ledger's rehearsal budget; the budget that was in force, or None.

        A sandbox's budget only rehearses the real one (the quickstart sets one so its
        budget picker has a month to show); it refuses nothing and no money stands behind
        it, so its rows go and "none set" is true again. A real ledger's limits are kept,
        newest applying (the history of who lowered the budget is asked about): clearing
        one is refused with what to do instead.
        """
        if not self.sandbox:
            raise LedgerError(
                f"the ledger {self.path} keeps every budget it was given; set the one to "
                "apply with `sorafilm budget set DOLLARS` (--soft warns instead of "
                "refusing). Only a sandbox ledger's rehearsal budget is cleared"
            )
        return self._clear_budget()

    @reconnecting
    def _clear_budget(self) -> Budget | None:
        with self._write(budget=True) as db:
            was = self._budget(db)
            db.execute("DELETE FROM budgets")
        return was

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
        """Problems found in the file (empty when sound): SQLite's integrity_check, the
        per-day totals recomputed from the jobs themselves, and each project's stored key
        computed again (a key unlike naming.project_key's hides spend from its cap)."""
        problems: list[str] = []
        t = "jobs"
        with self._read() as db:
            if self.dialect == migrations.SQLITE:  # a server checks its own pages
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
            keyed = db.execute(
                "SELECT DISTINCT project, project_key FROM jobs WHERE project IS NOT NULL "
                "UNION SELECT DISTINCT project, project_key FROM project_caps"
            ).fetchall()
        if kept != real:
            problems.append(f"day totals disagree with the jobs: kept {kept}, jobs say {real}")
        if charged:
            problems.append(f"{charged} job(s) whose billed amount differs from their charge")
        miskeyed = sorted({r[0] for r in keyed if r[1] != project_key(r[0])})
        if miskeyed:
            problems.append(
                f"{len(miskeyed)} project name(s) stored with a key unlike naming.project_key's,"
                f" so their cap may miss their spend: {', '.join(map(repr, miskeyed[:5]))}"
            )
        return problems

    def _ledger_now(self, db: sqlite3.Connection, now: datetime | None = None) -> datetime:
        """now when given; else the clock, but never earlier than the newest entry.

        A clock behind the newest reservation or budget (it stepped back) is taken as that
        entry's time, with a ClockWarning: each reservation then counts in the month it
        recorded, and no month's budget opens twice. Two indexed lookups, inside the
        caller's transaction, so every process sees the same answer.
        """
        if now is not None:
            return self._now(now)
        clock = self._now()
        row = db.execute(
            "SELECT MAX(t) FROM (SELECT MAX(created_at) AS t FROM jobs "
            "UNION ALL SELECT MAX(set_at) FROM budgets) AS newest"
        ).fetchone()
        newest = None if row is None or row[0] is None else _parse_ts(row[0])
        if newest is None or clock >= newest:
            return clock
        self._clock_behind(clock, newest)
        return newest

    def _clock_behind(self, clock: datetime, newest: datetime) -> None:
        """Warn that the clock reads earlier than the ledger's newest entry (see above), when
        by more than CLOCK_SLACK."""
        if newest - clock <= CLOCK_SLACK:
            return
        warn_caller(
            ClockWarning(
                f"the clock says {_ts(clock)}, earlier than the newest entry of the ledger "
                f"{self.path} ({_ts(newest)}); using {_ts(newest)}, so no budget month is "
                "counted twice. Check the system clock."
            ),
        )

    def remaining(self, now: datetime | None = None) -> Cost | None:
        """limit − charges − open reservations for the month of now; None with no budget.

        Negative after a soft-limit overrun or a bill above its estimate.
        """
        with self._read() as db:
            now = self._ledger_now(db, now)
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

    def month_summary(self, now: datetime | None = None) -> MonthSummary:
        """Limit, spent, reserved, remaining, jobs by status and days left, for now's month."""
        with self._read() as db:
            now = self._ledger_now(db, now)
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
            sandbox=self.sandbox,
        )

    def real_budget(
        self, cost: Cost, *, real: str | os.PathLike[str] | None = None
    ) -> BudgetCheck | None:
        """Would cost fit the REAL ledger's budget this month? The answer, and no warning.

        For simulated runs, which book in the sandbox and are never refused. real: the real
        ledger file or team ledger URL (default: default_path()). Reads only: None when there
        is no ledger there (none is created, and a team database is not given a schema: it
        logs that there is no team ledger there yet) or it cannot be read. Pure of warnings
        so a caller that says it its own way (the notebook's picker, in the widget) needs no
        warnings.catch_warnings, which swaps the process-wide filters: not thread-safe, and
        it hid other code's warnings while it ran. check_real_budget is the caller that warns.
        """
        where = real if real is not None else default_path()
        path: Path | str = str(where) if is_url(where) else Path(where).expanduser()
        shown = redact_url(path) if isinstance(path, str) else path  # no password in a message
        if isinstance(path, Path) and not path.is_file():
            return None
        try:
            if _same_file(path, self.path):
                summary = self.month_summary()
            else:
                with type(self)(
                    path,
                    clock=self.clock,
                    sandbox=False,
                    create=False,
                    busy_timeout=REAL_CHECK_WAIT,
                ) as other:
                    summary = other.month_summary()
        except LedgerMissing as exc:
            log.warning("%s; nothing to compare the simulated run with", exc)
            return None
        except LedgerError as exc:
            log.warning("cannot read the real ledger %s to compare: %s", shown, exc)
            return None
        return BudgetCheck(  # shown: the check is returned, shown and repr'd
            shown, _cost(cost, "cost"), summary.limit, summary.remaining, summary.end
        )

    def check_real_budget(
        self, cost: Cost, *, real: str | os.PathLike[str] | None = None
    ) -> BudgetCheck | None:
        """real_budget's answer, and a RealBudgetWarning when cost would not fit.

        The caller (the studio, once per film) asks here with the film's cost, and the person
        is told, with the real ledger's figures and the command that makes room, that the
        same film on the real API would be refused.
        """
        check = self.real_budget(cost, real=real)
        said = None if check is None else check.warning()
        if said is not None:
            warnings.warn(said, stacklevel=2)
        return check
