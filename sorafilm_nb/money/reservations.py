"""Reservations: hold a job's estimate before it exists, then attach, settle or release it.

Every transition is one write transaction and idempotent (see ledger.py's docstring for the
life of a row); the budget check and the insert of a reservation are one BEGIN IMMEDIATE
transaction, so processes racing on one file can never together pass the limit. On a team
ledger (PostgreSQL) the same transaction first takes the budget's advisory lock, and every
write re-runs after a lost connection (``store.reconnecting``): reserve() looks its own ids up
first, so a reservation is never lost nor made twice.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from ..errors import LedgerError
from ..naming import project_key
from . import migrations, pgfunctions
from .budget import CLOCK_SLACK, BudgetExceeded, BudgetWarning, ProjectCapExceeded, month_bounds
from .cost import Cost, left_of
from .pgstore import BUDGET_LOCK
from .records import (
    Reservation,
    _aware,
    _cost,
    _parse_ts,
    _row_to_reservation,
    _text,
    _ts,
    _uuid7,
)
from .store import reconnecting, warn_caller
from .transitions import Transitions

# Named for the ledger, as before the split: logging configured for it keeps working.
log = logging.getLogger("sorafilm_nb.money.ledger")


class Reservations(Transitions):
    """The reservation half of the ledger (see ledger.Ledger); what follows a reservation
    (attach, settle, release) is in ``transitions``."""

    _start_day_seen = 1  # the team ledger's budget month start day, as last seen

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
        project: str | None = None,
        user: str | None = None,
    ) -> Reservation:
        """Hold cost against this month's budget before a job is created.

        The budget check and the insert are one BEGIN IMMEDIATE transaction. Over a hard limit
        raises BudgetExceeded (nothing written); over a soft one warns and reserves. project
        and user default to the ledger's (see LedgerFile); the machine is this host.
        """
        draft = self._draft(
            cost,
            purpose,
            plan_id,
            shot=shot,
            model=model,
            size=size,
            seconds=seconds,
            project=project,
            user=user,
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
                drafts[-1]["user_name"] = drafts[-1]["user_name"] or self.user
                drafts[-1]["project"] = drafts[-1]["project"] or self.project
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
        project: str | None = None,
        user: str | None = None,
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
            "project": _text(project, "project"),
            "user_name": _text(user, "user", limit=200),
        }

    @reconnecting
    def _reserve(self, drafts: list[dict[str, Any]]) -> list[Reservation]:
        for d in drafts:
            d["user_name"] = d["user_name"] or self.user
            d["project"] = d["project"] or self.project
            # Caps match and count by this key, whatever the spelling (migrations.m010)
            d["project_key"] = project_key(d["project"]) if d["project"] else None
            d["machine"] = self.machine
        if self._pg is not None:
            return self._reserve_on_server(drafts)
        with self._write(budget=True) as db:
            if self._retrying:
                # The idempotency key: a re-run after a lost COMMIT reply finds its own rows
                # (only after a connection broke: a first try's fresh ids cannot exist).
                found = self._existing(db, [d["id"] for d in drafts])
                if found is not None:
                    return found
            now = self._ledger_now(db)  # never behind the newest entry (ClockWarning)
            b = self._budget(db)
            self._same_currency(drafts, b.currency if b is not None else self._currency(db))
            if b is not None:
                start, end = month_bounds(now, b.start_day)
                spent, reserved = self._usage(db, start, end)
                # Inside the transaction on purpose: if warnings are errors, nothing is
                # reserved and the caller sees why.
                self._judge(drafts, b.limit, b.hard, spent + reserved, end)
            self._check_project_caps(db, drafts, now)
            ts = _ts(now)
            db.executemany(
                "INSERT INTO jobs (id, created_at, updated_at, purpose, plan_id, shot, model, "
                "size, seconds, estimate_cents, currency, status, user_name, project, "
                "project_key, machine) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'reserved', ?, ?, ?, ?)",
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
                        d["user_name"],
                        d["project"],
                        d["project_key"],
                        d["machine"],
                    )
                    for d in drafts
                ],
            )
        return self._made(drafts, now)

    def _reserve_on_server(self, drafts: list[dict[str, Any]]) -> list[Reservation]:
        """_reserve on a team ledger: one prepared CALL of sorafilm_reserve_durably, one round
        trip (see pgfunctions). Its answers are turned into the same errors and warnings as
        above."""
        assert self._pg is not None
        with self._pg.lock:  # the clock is read in turn, as inside a SQLite transaction
            return self._reserve_in_turn(drafts)

    def _reserve_in_turn(self, drafts: list[dict[str, Any]]) -> list[Reservation]:
        assert self._pg is not None
        clock = self._now()
        payload = json.dumps(drafts)
        start_day, when, force = self._start_day_seen, clock, False
        tries = 0
        while tries < 10:
            start, end = month_bounds(when, start_day)
            stamps = (_ts(clock), _ts(clock + CLOCK_SLACK), _ts(start), _ts(end))
            args = (payload, *stamps, start_day, self.sandbox, force)
            rows = self._pg.write_one(pgfunctions.RESERVE_DURABLY, args)
            if not rows or rows[0][0] is None:
                raise LedgerError(f"the team ledger {self.path} refused the reservation")
            o = rows[0][0]  # the answer of sorafilm_reserve, by name (see pgfunctions, m009)
            outcome = o["o_outcome"]
            tries += outcome != pgfunctions.BUSY  # a wait for the lock is not a try
            if outcome == pgfunctions.BUSY:  # wait for the lock writing nothing, then again
                self._pg.wait_for_lock(BUDGET_LOCK)
                continue
            if outcome == pgfunctions.BOUNDS:  # another month than the one sent: ask again
                start_day = self._start_day_seen = o["o_start_day"]
                when = _parse_ts(o["o_now"])
                continue
            if outcome == pgfunctions.EXISTING:  # a re-run after a lost COMMIT reply
                self._pg.flush()  # its commit was not flushed by this answer (wrote nothing)
                with self._read() as db:
                    found = self._existing(db, [d["id"] for d in drafts])
                assert found is not None
                return found
            if not force and o["o_newest"] is not None and o["o_newest"] > _ts(clock):
                self._clock_behind(clock, _parse_ts(o["o_newest"]))  # past the slack: warns
            if outcome == pgfunctions.CURRENCY:
                self._same_currency(drafts, o["o_currency"])
            if outcome in (pgfunctions.OVER, pgfunctions.WARN) and o["o_limit_cents"] is not None:
                limit = Cost(Decimal(o["o_limit_cents"]), o["o_currency"])
                self._judge(drafts, limit, o["o_hard"], o["o_spent"] + o["o_reserved"], end)
            if outcome == pgfunctions.CAP:
                cap = Cost(Decimal(o["o_cap_cents"]), o["o_cap_currency"])
                raise self._cap_exceeded(
                    o["o_cap_project"], o["o_cap_asked"], cap, o["o_cap_used"], end
                )
            if outcome == pgfunctions.WARN:  # warned (and not stopped by it): now reserve
                force = True
                continue
            if outcome == pgfunctions.RESERVED:
                return self._made(drafts, _parse_ts(o["o_now"]))
            raise LedgerError(f"the team ledger {self.path} answered {outcome!r} to a reservation")
        raise LedgerError(f"the team ledger {self.path}'s budget month kept moving; try again")

    def _same_currency(self, drafts: list[dict[str, Any]], have: str | None) -> None:
        """Refuse a draft in another currency than the ledger keeps (the first one's when
        the ledger is empty): its cents would not add up with the others."""
        currency = drafts[0]["currency"]
        for d in drafts:
            if d["currency"] != (have or currency):
                raise LedgerError(
                    f"this ledger keeps {have or currency}; cannot reserve "
                    f"{Cost(Decimal(d['cents']), d['currency'])} in "
                    f"{d['currency']}"
                )

    def _judge(
        self, drafts: list[dict[str, Any]], limit: Cost, hard: bool, held: int, end: datetime
    ) -> None:
        """Past the month's limit (held: cents charged and reserved already), refuse with
        BudgetExceeded when it is hard and this is not a sandbox, else warn."""
        cents = sum(d["cents"] for d in drafts)
        currency = drafts[0]["currency"]
        what = drafts[0]["purpose"] + (f" and {len(drafts) - 1} more" if len(drafts) > 1 else "")
        left = limit.whole_cents - held
        if cents <= left:
            return
        asked = Cost(Decimal(cents), currency)
        remaining = Cost(Decimal(left), currency)
        if hard and not self.sandbox:
            raise BudgetExceeded(
                asked=asked,
                remaining=remaining,
                limit=limit,
                purpose=what,
                period_end=end,
                ledger=self.path,
            )
        if self.sandbox:
            from ..paths import home_short

            if held > limit.whole_cents:
                # Said when this month's rehearsal passed its limit, not again: every later
                # simulated film of the month printed it (a new process each time, so the
                # default filter's "once" never held), about money nobody spends.
                return
            # The same words for every reservation (no running total): a studio reserves shot
            # by shot, and Python's default filter then shows this once, not once per shot.
            message = (
                f"the sandbox ledger {home_short(self.path)} has just passed its {limit} "
                "rehearsal budget for this month. It books simulated runs, which cost "
                "nothing, so nothing is refused (and this is not said again this month; "
                "`sorafilm budget clear --simulator` removes the rehearsal budget)"
            )
        else:
            message = (
                f"soft budget passed: reserving {asked} for {what!r} with "
                f"{left_of(remaining, limit)} this month"
            )
        warn_caller(BudgetWarning(message))

    @staticmethod
    def _made(drafts: list[dict[str, Any]], now: datetime) -> list[Reservation]:
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
                user_name=d["user_name"],
                project=d["project"],
                machine=d["machine"],
            )
            for d in drafts
        ]

    def _existing(self, db: sqlite3.Connection, ids: list[str]) -> list[Reservation] | None:
        """The reservations with these ids, in order, when all exist; None when none does."""
        marks = ", ".join("?" * len(ids))
        rows = {r["id"]: r for r in db.execute(f"SELECT * FROM jobs WHERE id IN ({marks})", ids)}
        if not rows:
            return None
        if len(rows) != len(ids):  # one transaction wrote them: all or none
            raise LedgerError(f"only {len(rows)} of the reservations {ids} exist in {self.path}")
        return [_row_to_reservation(rows[i]) for i in ids]

    def _check_project_caps(
        self, db: sqlite3.Connection, drafts: list[dict[str, Any]], now: datetime
    ) -> None:
        """Refuse (ProjectCapExceeded) a reservation that would take a project past its own
        monthly cap inside the team budget. A sandbox never refuses. Drafts, caps and spend
        meet by the project's key (naming.project_key), so "Flask" and "flask" are one
        project; the refusal names the spelling of the project's first draft (as the team
        ledger's sorafilm_reserve does)."""
        wanted: dict[str, tuple[str, int]] = {}  # key -> (first spelling, cents)
        for d in drafts:
            if d["project"]:
                name, cents = wanted.get(d["project_key"], (d["project"], 0))
                wanted[d["project_key"]] = (name, cents + d["cents"])
        for key, (project, cents) in wanted.items():
            cap = self._project_cap(db, key)
            if cap is None:
                continue
            b = self._budget(db)
            start, end = month_bounds(now, b.start_day if b else 1)
            used = self._project_usage(db, key, start, end)
            if used + cents > cap.whole_cents and not self.sandbox:
                raise self._cap_exceeded(project, cents, cap, used, end)

    def _cap_exceeded(
        self, project: str, cents: int, cap: Cost, used: int, end: datetime
    ) -> ProjectCapExceeded:
        return ProjectCapExceeded(
            project=project,
            asked=Cost(Decimal(cents), cap.currency),
            remaining=Cost(Decimal(cap.whole_cents - used), cap.currency),
            limit=cap,
            period_end=end,
            ledger=self.path,
        )

    def set_project_cap(self, project: str, limit: Cost) -> Cost:
        """Cap one project's spend per budget month, inside the team budget (the newest cap of
        a project applies; the old ones stay in project_caps).

        The project is the package's name as registries compare names (naming.project_key):
        a cap on "Flask" is the cap of "flask", "Zope.Interface" of "zope_interface", and
        counts every reservation of the month under any of those spellings. The spelling
        given is kept with the cap, as written."""
        name = _text(project, "project", required=True) or ""
        limit = _cost(limit, "limit")
        now = _ts(self._now())
        return self._set_project_cap(name, Cost(Decimal(limit.whole_cents), limit.currency), now)

    @reconnecting
    def _set_project_cap(self, project: str, limit: Cost, now: str) -> Cost:
        key = project_key(project)
        with self._write(budget=True) as db:
            have = self._currency(db)
            if have is not None and have != limit.currency:
                raise LedgerError(f"this ledger keeps {have}; a cap in {limit.currency} would mix")
            row = db.execute(
                "SELECT set_at FROM project_caps WHERE project_key = ? ORDER BY id DESC LIMIT 1",
                (key,),
            ).fetchone()
            if row is None or row[0] != now:  # not our own insert whose reply was lost
                db.execute(
                    "INSERT INTO project_caps (set_at, project, project_key, limit_cents, "
                    "currency) VALUES (?, ?, ?, ?, ?)",
                    (now, project, key, limit.whole_cents, limit.currency),
                )
        return limit

    def project_cap(self, project: str) -> Cost | None:
        """The monthly cap of project (by its key: "Flask" finds the cap set on "flask"), or
        None when it has none."""
        with self._read() as db:
            return self._project_cap(db, project_key(project))

    @staticmethod
    def _project_cap(db: sqlite3.Connection, key: str) -> Cost | None:
        """The newest cap whose project has this key (naming.project_key)."""
        row = db.execute(
            "SELECT limit_cents, currency FROM project_caps WHERE project_key = ? "
            "ORDER BY id DESC LIMIT 1",
            (key,),
        ).fetchone()
        return None if row is None else Cost(Decimal(row[0]), row[1])

    @staticmethod
    def _project_usage(db: sqlite3.Connection, key: str, start: datetime, end: datetime) -> int:
        """Cents a project (by its key: every spelling) holds in [start, end): charges plus
        open reservations (an indexed scan of that project's jobs of the month)."""
        held = migrations.HELD_RESERVED.format(t="jobs")
        charged = migrations.HELD_CHARGED.format(t="jobs")
        row = db.execute(
            f"SELECT COALESCE(SUM({held} + {charged}), 0) FROM jobs "
            "WHERE project_key = ? AND created_at >= ? AND created_at < ?",
            (key, _ts(start), _ts(end)),
        ).fetchone()
        return int(row[0])

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
        sql, args = "SELECT * FROM jobs WHERE 1 = 1", []
        if since is not None:
            sql += " AND created_at >= ?"
            args.append(_ts(_aware(since, "since")))
        if until is not None:
            sql += " AND created_at < ?"
            args.append(_ts(_aware(until, "until")))
        with self._read() as db:
            rows = db.execute(sql + " ORDER BY created_at, id", args).fetchall()
        return [_row_to_reservation(r) for r in rows]
