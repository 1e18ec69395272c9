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

A reservation whose create was sent and whose answer was lost is *held* (``hold()``): the
stale sweep never releases it (its job may exist and bill); a release by its id does, once
the provider was checked (the studio's resume, or ``sorafilm budget release-held``).

Every transition is idempotent (settling twice charges once: a charge is keyed by its job) and a
conflicting repeat (settling at another price, settling a failed job) raises LedgerError.

Decisions worth knowing:

* **Months.** A budget month starts at 00:00 UTC on ``start_day`` (1-31; in a shorter month,
  its last day). A job counts in the month in which it was *reserved*: that is when the money
  was committed and checked, so a job reserved on the 31st and billed on the 1st does not eat
  into the new month. An open reservation counts its estimate; a finished job its charge.
  A clock earlier than the newest entry (it stepped back) is taken as that entry's time,
  with a ClockWarning (beyond ``CLOCK_SLACK``, a second: less is the race between reading
  a clock and taking the lock, or two team machines' clocks), so a month's budget can
  never be opened twice.
* **No budget set.** Reservations are allowed and recorded (history, reports), ``budget()``
  and ``remaining()`` return None, meaning "no limit". ``sorafilm budget set 50`` adds one.
* **Hard or soft.** Hard (the default): a reservation over the limit raises BudgetExceeded and
  writes nothing; its message names this ledger and the exact command that raises its limit.
  Soft: it warns with a BudgetWarning and reserves anyway.
* **The sandbox never refuses.** Simulated runs book in a sandbox ledger (``sandbox=True``;
  the default sandbox file is one) that records what they would cost and only warns past its
  own budget. ``check_real_budget(cost)`` then says, as a RealBudgetWarning with the real
  ledger's figures, when the same film would not fit the real budget (``real_budget(cost)``
  answers the same without warning).
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

from typing import TYPE_CHECKING, Any

from ..errors import LedgerError
from .budget import (
    BudgetCheck,
    BudgetExceeded,
    BudgetWarning,
    ClockWarning,
    ProjectCapExceeded,
    RealBudgetWarning,
    month_bounds,
)
from .interchange import CSV_COLUMNS, CsvInterchange
from .migrations import FINAL_STATUSES, OPEN_STATUSES, STATUSES
from .records import Budget, ImportResult, MonthSummary, Reservation
from .reservations import Reservations
from .store import DATA_DIR_ENV, FILENAME, LEDGER_ENV, SIM_FILENAME, SIM_LEDGER_ENV, default_path

if TYPE_CHECKING:
    from datetime import datetime

    import pandas as pd

__all__ = [
    "CSV_COLUMNS",
    "DATA_DIR_ENV",
    "FILENAME",
    "FINAL_STATUSES",
    "LEDGER_ENV",
    "OPEN_STATUSES",
    "SIM_FILENAME",
    "SIM_LEDGER_ENV",
    "STATUSES",
    "Budget",
    "BudgetCheck",
    "BudgetExceeded",
    "BudgetWarning",
    "ClockWarning",
    "ImportResult",
    "Ledger",
    "LedgerError",
    "MonthSummary",
    "ProjectCapExceeded",
    "RealBudgetWarning",
    "Reservation",
    "default_path",
    "month_bounds",
]


class Ledger(Reservations, CsvInterchange):
    """A spend ledger on one SQLite file, shared safely by any number of processes.

    One Ledger object per process (a connection must not cross fork()); within a process it
    may be used from several threads. Use as a context manager, or call close().

    Its parts live in sibling modules, one concern each: ``store`` (the location, transactions;
    ``sqlitefile`` opens a file), ``budget`` (limits and months), ``reservations`` (reserving)
    and ``transitions`` (the rest of the life of a job's money),
    ``interchange`` (CSV) and ``reports`` (history frames and reports, read from a ledger).
    """

    @classmethod
    def for_simulator(cls, **kwargs: Any) -> Ledger:
        """The sandbox ledger that runs on the embedded simulator book in (they cost nothing,
        so they never count against the real month's budget)."""
        return cls(default_path(simulator=True), sandbox=True, **kwargs)

    @classmethod
    def for_run(cls, *, simulated: bool, **kwargs: Any) -> Ledger:
        """The default ledger for a run: the sandbox when simulated, else the real one.

        The caller says which (the studio asks its backend, ``backends.is_simulated``):
        the ledger never inspects a backend, so money depends on nothing above it.
        """
        if not isinstance(simulated, bool):
            raise TypeError(f"simulated must be True or False, got {simulated!r}")
        return cls(default_path(simulator=simulated), sandbox=simulated, **kwargs)

    def history(self, since: datetime | None = None, until: datetime | None = None) -> pd.DataFrame:
        """One row per job as a pandas DataFrame (see reports.history_frame)."""
        from .reports import history_frame

        return history_frame(self, since, until)

    def report(self, format: str = "text", now: datetime | None = None) -> str:
        """The month's budget report as text, markdown or json (see report.py)."""
        from .reports import budget_report

        return budget_report(self, format=format, now=now)
