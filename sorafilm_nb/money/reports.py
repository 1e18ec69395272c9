"""Presentation of a ledger: its history as a pandas frame, and budget reports (text, markdown,
JSON). Functions that take a ledger; ``Ledger.history()`` and ``Ledger.report()`` call them.

The seed wrote a "sora_budget_report.txt" with figures typed in by hand. This one is computed
from the ledger's rows every time: what the month's budget is, what was charged and what is
still reserved, spend by model and size, what a *finished* second of video really cost
(failed jobs that were billed count against the seconds that came out), the failure rate,
and how many days are left before the budget resets. Amounts are integer cents in JSON and
dollars in text, never floats; only history_frame() needs pandas (imported when called).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from ..markup import md_cell, md_no_tex
from ..naming import project_key
from ..terminal import json_out, printable
from .cost import Cost, left_of

if TYPE_CHECKING:
    import pandas as pd

    from .ledger import Ledger
    from .records import MonthSummary, Reservation

FORMATS = ("text", "markdown", "json")
_FAILED = ("failed", "refused")


@dataclass(frozen=True)
class Group:
    """Spend of one (model, size) in the period."""

    model: str
    size: str
    jobs: int
    completed: int
    failed: int  # failed or refused
    open: int
    finished_seconds: int
    estimate_cents: int  # estimates of every job in the group
    billed_cents: int  # charges booked (completed and billed failures)

    def cents_per_finished_second(self) -> Decimal | None:
        if not self.finished_seconds:
            return None
        return Decimal(self.billed_cents) / self.finished_seconds


@dataclass(frozen=True)
class Share:
    """What one user or one project holds in the period: charges and open reservations.

    A project is one whatever its spelling (naming.project_key, as its cap counts it): name
    is the spelling of its newest job in the period, the name it goes by now, and also the
    other spellings its jobs were booked under (sorted), so a report never hides that spend
    booked as "Flask" is in the row of "flask". A user's also is always empty."""

    name: str
    jobs: int
    billed_cents: int
    reserved_cents: int
    also: tuple[str, ...] = ()

    @property
    def held_cents(self) -> int:
        return self.billed_cents + self.reserved_cents


def shares(records: Iterable[Reservation], key: str) -> tuple[Share, ...]:
    """Spend broken down by "user_name" or "project" (a team shares one budget): largest
    first; rows without one (a personal ledger's, or from before m005) are "-". Projects
    are grouped by their key (see Share)."""
    acc: dict[str, list[int]] = {}
    spellings: dict[str, dict[str, tuple[datetime, int]]] = {}  # group -> name -> newest
    for n, r in enumerate(records):
        if r.status == "released":
            continue
        name = getattr(r, key) or "-"
        group = project_key(name) if key == "project" and name != "-" else name
        a = acc.setdefault(group, [0, 0, 0])
        a[0] += 1
        a[1] += r.billed_cents or 0
        a[2] += r.cents if r.is_open else 0
        seen = spellings.setdefault(group, {})
        seen[name] = max(seen.get(name, (r.created_at, n)), (r.created_at, n))
    out = []
    for group, a in acc.items():
        names = sorted(spellings[group], key=spellings[group].__getitem__)
        jobs, billed, reserved = a
        out.append(Share(names[-1], jobs, billed, reserved, also=tuple(sorted(names[:-1]))))
    return tuple(sorted(out, key=lambda x: (-x.held_cents, x.name)))


@dataclass(frozen=True)
class SpendStats:
    """Figures derived from a list of ledger records: the body of every report."""

    groups: tuple[Group, ...]
    jobs: int
    completed: int
    failed: int
    open: int
    finished_seconds: int
    billed_cents: int
    failed_billed_cents: int
    completed_estimate_cents: int
    completed_billed_cents: int
    by_user: tuple[Share, ...] = ()
    by_project: tuple[Share, ...] = ()

    @property
    def failure_rate(self) -> Decimal | None:
        """Failed or refused among jobs that ended (completed, failed, refused)."""
        ended = self.completed + self.failed
        return None if not ended else Decimal(self.failed) / ended

    @property
    def cents_per_finished_second(self) -> Decimal | None:
        """Everything charged divided by the seconds of video that came out."""
        if not self.finished_seconds:
            return None
        return Decimal(self.billed_cents) / self.finished_seconds


def spend_stats(records: Iterable[Reservation]) -> SpendStats:
    """Aggregate ledger records by model and size (and by user and by project)."""
    records = list(records)
    acc: dict[tuple[str, str], dict[str, int]] = {}
    totals = dict(
        jobs=0,
        completed=0,
        failed=0,
        open=0,
        seconds=0,
        billed=0,
        failed_billed=0,
        c_est=0,
        c_billed=0,
    )
    for r in records:
        if r.status == "released":
            continue  # never became a job; nothing was spent
        key = (r.model or "?", r.size or "?")
        g = acc.setdefault(
            key, dict(jobs=0, completed=0, failed=0, open=0, seconds=0, estimate=0, billed=0)
        )
        billed = r.billed_cents or 0
        g["jobs"] += 1
        g["estimate"] += r.cents
        g["billed"] += billed
        totals["jobs"] += 1
        totals["billed"] += billed
        if r.status == "completed":
            g["completed"] += 1
            g["seconds"] += r.seconds or 0
            totals["completed"] += 1
            totals["seconds"] += r.seconds or 0
            totals["c_est"] += r.cents
            totals["c_billed"] += billed
        elif r.status in _FAILED:
            g["failed"] += 1
            totals["failed"] += 1
            totals["failed_billed"] += billed
        elif r.is_open:
            g["open"] += 1
            totals["open"] += 1
    groups = tuple(
        Group(
            m,
            s,
            g["jobs"],
            g["completed"],
            g["failed"],
            g["open"],
            g["seconds"],
            g["estimate"],
            g["billed"],
        )
        for (m, s), g in sorted(acc.items(), key=lambda kv: (-kv[1]["billed"], kv[0]))
    )
    return SpendStats(
        groups,
        totals["jobs"],
        totals["completed"],
        totals["failed"],
        totals["open"],
        totals["seconds"],
        totals["billed"],
        totals["failed_billed"],
        totals["c_est"],
        totals["c_billed"],
        shares(records, "user_name"),
        shares(records, "project"),
    )


def _money(cents: int | Decimal | None, currency: str) -> str:
    if cents is None:
        return "-"
    return str(Cost(Decimal(cents), currency))


def _per_second(cents: Decimal | None, currency: str) -> str:
    if cents is None:
        return "-"
    dollars = (cents / 100).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
    symbol = "$" if currency == "USD" else f"{currency} "
    return f"{symbol}{dollars}/s"


def _rate(rate: Decimal | None) -> str:
    if rate is None:
        return "-"
    return f"{(rate * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def _date(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%d")


def budget_report(ledger: Ledger, *, format: str = "text", now: datetime | None = None) -> str:
    """The budget month's report from ledger, in format "text", "markdown" or "json"."""
    if format not in FORMATS:
        raise ValueError(f"unknown report format {format!r}; choose one of {', '.join(FORMATS)}")
    summary = ledger.month_summary(now)
    stats = spend_stats(ledger.records(summary.start, summary.end))
    if format == "json":
        return json_out(report_data(summary, stats))
    if format == "markdown":  # shown in notebooks: its amounts are never typeset as TeX
        return md_no_tex(_markdown(summary, stats))
    return _text(summary, stats)


def history_frame(
    ledger: Ledger, since: datetime | None = None, until: datetime | None = None
) -> pd.DataFrame:
    """One row per job as a pandas DataFrame (pandas imported here, not at import).

    Cents are ints (billed_cents nullable Int64: empty until charged); estimate and
    billed are the same amounts in dollars as Decimal, never float. project is the spelling
    the job was booked under, project_key the name as its cap counts it (naming.project_key):
    group by project_key, as the report does, so "Flask" and "flask" are one project.
    """
    import pandas as pd

    recs = ledger.records(since, until)
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
        "user",
        "project",
        "project_key",
        "machine",
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
                "user": r.user_name,
                "project": r.project,
                "project_key": r.project and project_key(r.project),
                "machine": r.machine,
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


def report_data(summary: MonthSummary, stats: SpendStats) -> dict[str, Any]:
    """The JSON form: cents as integers, per-second costs and rates as decimal strings."""

    def dec(d: Decimal | None, places: str) -> str | None:
        return None if d is None else str(d.quantize(Decimal(places), rounding=ROUND_HALF_UP))

    data = summary.to_dict()
    data.update(
        {
            "open_jobs": stats.open,
            "finished_seconds": stats.finished_seconds,
            "billed_cents": stats.billed_cents,
            "failed_billed_cents": stats.failed_billed_cents,
            "cents_per_finished_second": dec(stats.cents_per_finished_second, "0.01"),
            "failure_rate": dec(stats.failure_rate, "0.0001"),
            "completed_estimate_cents": stats.completed_estimate_cents,
            "completed_billed_cents": stats.completed_billed_cents,
            "by_model_size": [
                {
                    "model": g.model,
                    "size": g.size,
                    "jobs": g.jobs,
                    "completed": g.completed,
                    "failed": g.failed,
                    "open": g.open,
                    "finished_seconds": g.finished_seconds,
                    "estimate_cents": g.estimate_cents,
                    "billed_cents": g.billed_cents,
                    "cents_per_finished_second": dec(g.cents_per_finished_second(), "0.01"),
                }
                for g in stats.groups
            ],
            **{
                f"by_{what}": [
                    {
                        what: x.name,
                        **({"also": list(x.also)} if what == "project" else {}),
                        "jobs": x.jobs,
                        "billed_cents": x.billed_cents,
                        "reserved_cents": x.reserved_cents,
                    }
                    for x in group
                ]
                for what, group in (("user", stats.by_user), ("project", stats.by_project))
            },
        }
    )
    return data


def _share_lines(st: SpendStats, cur: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """("Spend by user", [(name, "charged $x, reserved $y, n jobs")]), and by project; only
    the breakdowns that say something (more than one name, or a named one)."""
    out = []
    for title, group in (("Spend by user", st.by_user), ("Spend by project", st.by_project)):
        if not group or (len(group) == 1 and group[0].name == "-"):
            continue
        out.append(
            (
                title,
                [
                    (
                        x.name + (f" (also booked as {', '.join(x.also)})" if x.also else ""),
                        f"charged {_money(x.billed_cents, cur)}, reserved "
                        f"{_money(x.reserved_cents, cur)}, {x.jobs} job(s)",
                    )
                    for x in group
                ],
            )
        )
    return out


def _headline(s: MonthSummary) -> list[tuple[str, str]]:
    cur = s.currency
    if s.limit is None:
        limit = "none set (reservations are recorded but not limited)"
        remaining = "no limit"
    else:
        limit = f"{s.limit} ({s.limit_kind})"
        remaining = str(s.remaining)
        if s.remaining is not None and s.remaining.cents < 0:
            remaining = f"{left_of(s.remaining)} budget"  # "$3.00 over budget", never "$-3.00"
    return [
        ("Budget month", f"{_date(s.start)} to {_date(s.end)} (UTC), {s.days_left} days left"),
        ("Monthly limit", limit),
        ("Charged", _money(s.spent.cents, cur)),
        ("Reserved (open jobs)", _money(s.reserved.cents, cur)),
        ("Remaining", remaining),
    ]


def _figures(s: MonthSummary, st: SpendStats) -> list[tuple[str, str]]:
    cur = s.currency
    out = [
        (
            "Jobs",
            f"{st.jobs} ({st.completed} completed, {st.failed} failed or refused, {st.open} open)",
        ),
        ("Finished video", f"{st.finished_seconds} s"),
        ("Cost per finished second", _per_second(st.cents_per_finished_second, cur)),
        ("Failure rate", _rate(st.failure_rate)),
    ]
    if st.failed_billed_cents:
        out.append(("Billed for failed jobs", _money(st.failed_billed_cents, cur)))
    if st.completed:
        out.append(
            (
                "Completed: estimated vs billed",
                f"{_money(st.completed_estimate_cents, cur)} vs "
                f"{_money(st.completed_billed_cents, cur)}",
            )
        )
    return out


_COLS = ("model", "size", "jobs", "done", "failed", "seconds", "estimated", "billed", "per s")


def _group_cells(g: Group, cur: str) -> list[str]:
    return [
        g.model,
        g.size,
        str(g.jobs),
        str(g.completed),
        str(g.failed),
        str(g.finished_seconds),
        _money(g.estimate_cents, cur),
        _money(g.billed_cents, cur),
        _per_second(g.cents_per_finished_second(), cur),
    ]


def _text(s: MonthSummary, st: SpendStats) -> str:
    head, figures = _headline(s), _figures(s, st)
    width = max(len(k) for k, _ in head + figures)
    lines = ["sorafilm-nb budget report", "=" * 25, ""]
    lines += [f"{k + ':':<{width + 1}} {v}" for k, v in head]
    lines.append("")
    lines += [f"{k + ':':<{width + 1}} {v}" for k, v in figures]
    lines.append("")
    if not st.groups:
        lines.append("No jobs this budget month.")
    else:
        lines.append("Spend by model and size:")
        rows = [list(_COLS)] + [_group_cells(g, s.currency) for g in st.groups]
        widths = [max(len(r[i]) for r in rows) for i in range(len(_COLS))]
        for row in rows:
            lines.append(
                "  "
                + "  ".join(
                    cell.ljust(w) if i < 2 else cell.rjust(w)
                    for i, (cell, w) in enumerate(zip(row, widths, strict=True))
                ).rstrip()
            )
    for title, pairs_ in _share_lines(st, s.currency):
        lines += ["", f"{title}:"]
        w = max(len(printable(n)) for n, _ in pairs_)
        lines += [f"  {printable(n):<{w}}  {v}" for n, v in pairs_]
    return "\n".join(lines) + "\n"


def _markdown(s: MonthSummary, st: SpendStats) -> str:
    lines = ["## Budget report", "", "| | |", "|---|---|"]
    # every headline figure is this program's own text (money, dates, counts)
    lines += [f"| {k} | {v} |" for k, v in _headline(s) + _figures(s, st)]
    lines += ["", "### Spend by model and size", ""]
    if not st.groups:
        lines.append("No jobs this budget month.")
    else:
        lines.append("| " + " | ".join(_COLS) + " |")
        lines.append("|" + "|".join("---" if i < 2 else "---:" for i in range(len(_COLS))) + "|")
        for g in st.groups:
            cells = _group_cells(g, s.currency)
            cells[:2] = [md_cell(c) for c in cells[:2]]  # model and size: the ledger's rows
            lines.append("| " + " | ".join(cells) + " |")
    for title, pairs_ in _share_lines(st, s.currency):
        lines += ["", f"### {title}", "", "| | |", "|---|---|"]
        lines += [f"| {md_cell(n)} | {v} |" for n, v in pairs_]
    return "\n".join(lines) + "\n"
