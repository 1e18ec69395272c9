"""After a reservation: attach the job's id, then settle, fail, cancel or release it.

Split from ``reservations`` (which keeps reserving, the project caps and the lookups): each
transition here is one write transaction and idempotent (see ledger.py's docstring for the
life of a row): repeating one in the state it asks for returns the row, a conflicting one
raises LedgerError. On a team ledger every one re-runs after a lost connection
(``store.reconnecting``), which that idempotency makes safe.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

from ..errors import LedgerError
from . import pgfunctions
from .budget import BudgetBook, BudgetWarning
from .cost import Cost
from .migrations import FINAL_STATUSES, OPEN_STATUSES
from .records import Reservation, _cost, _parse_ts, _reason, _row_to_reservation, _text, _ts
from .store import reconnecting, warn_caller

# Named for the ledger, as before the split: logging configured for it keeps working.
log = logging.getLogger("sorafilm_nb.money.ledger")


class Transitions(BudgetBook):
    """The life of a reservation after reserve() (see ledger.Ledger)."""

    @staticmethod
    def _rid(reservation: Reservation | str) -> str:
        if isinstance(reservation, Reservation):
            return reservation.id
        if isinstance(reservation, str) and reservation:
            return reservation
        raise TypeError(f"expected a Reservation or its id, got {reservation!r}")

    @reconnecting
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
        if self._pg is not None:  # the usual case in one round trip; any other, below
            rows = self._pg.write_one(  # holds only this row: a plain synchronous commit
                "UPDATE jobs SET status = 'submitted', job_id = ?, backend = ?, updated_at = ?, "
                "held = NULL WHERE id = ? AND status = 'reserved' AND job_id IS NULL RETURNING *",
                (job_id_, backend_, _ts(self._now()), rid),
            )
            if rows:
                return _row_to_reservation(rows[0])
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
            other = self._get(db, job_id=job_id_)
            if other is not None:  # UNIQUE(job_id), said before the database says it worse
                raise LedgerError(
                    f"job {job_id_!r} is already attached to reservation {other['id']!r}"
                )
            now = _ts(self._now())
            reason = row["reason"]
            if row["status"] == "released":
                reopened = True
                reason = f"re-opened at {now}: job {job_id_} was created after release ({reason})"
            try:
                db.execute(
                    "UPDATE jobs SET status = 'submitted', job_id = ?, backend = ?, "
                    "updated_at = ?, reason = ?, held = NULL WHERE id = ?",
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
                held=None,  # its job is known now: nothing left to hold it for
                status="submitted",
                job_id=job_id_,
                backend=backend_,
                reason=reason,
                updated_at=_parse_ts(now),
            )
        if reopened:
            warn_caller(
                BudgetWarning(
                    f"job {job_id_} was attached to reservation {rid}, which had been released; "
                    "it is booked again and may take the month past its budget"
                ),
            )
        return result

    @reconnecting
    def _finish(
        self, job_id: str, status: str, *, reason: str | None, billed: Cost | None
    ) -> Reservation:
        job_id_ = _text(job_id, "job_id", required=True, limit=200)
        if billed is not None:
            billed = _cost(billed, "billed")
        reason_ = reason  # already through _reason() in fail() and cancel()
        if self._pg is not None:  # the usual case in one round trip; any other, below
            done = self._finish_on_server(job_id_, status, reason_, billed)
            if done is not None:
                return done
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

    def _finish_on_server(
        self, job_id: str | None, status: str, reason: str | None, billed: Cost | None
    ) -> Reservation | None:
        """Close an open job and book its charge in one statement and one round trip; None
        when the job is not open in the currency billed (_finish then looks and says why:
        a repeat, a conflict, or no such job)."""
        assert self._pg is not None
        cents, currency = (None, None) if billed is None else (billed.whole_cents, billed.currency)
        args = (status, cents, reason, _ts(self._now()), job_id, currency)
        # One prepared CALL (m009): the day's total row it updates is released at its commit,
        # before the flush it waits for (see pgfunctions).
        rows = self._pg.write_one(pgfunctions.FINISH_DURABLY, args)
        row = rows[0][0] if rows else None
        return _row_to_reservation(row) if row is not None else None

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

    @reconnecting
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

    @reconnecting
    def hold(self, reservation: Reservation | str, reason: str) -> Reservation:
        """Keep an open reservation from the stale sweep: its create was sent and the answer
        lost, so a job may exist and bill. reason says why and where to look (the provider's
        console). Repeating it replaces the reason. Attaching a job clears the mark; only a
        release by id (after the provider was checked) gives the money back.
        """
        rid = self._rid(reservation)
        why = _reason(reason, "held: a create was sent and its answer lost")
        with self._write() as db:
            row = self._get(db, rid=rid)
            if row is None:
                raise LedgerError(f"no reservation {rid!r} in {self.path}")
            if row["status"] not in OPEN_STATUSES:
                raise LedgerError(f"reservation {rid!r} is {row['status']}; nothing to hold")
            if row["held"] != why:
                db.execute(
                    "UPDATE jobs SET held = ?, updated_at = ? WHERE id = ?",
                    (why, _ts(self._now()), rid),
                )
            row = self._get(db, rid=rid)
        assert row is not None
        return _row_to_reservation(row)

    def held(self) -> list[Reservation]:
        """Open reservations without a job id that are held (see hold()), oldest first."""
        with self._read() as db:
            rows = db.execute(
                "SELECT * FROM jobs WHERE status = 'reserved' AND job_id IS NULL "
                "AND held IS NOT NULL ORDER BY created_at, id"
            ).fetchall()
        return [_row_to_reservation(r) for r in rows]

    @reconnecting
    def release_stale(self, now: datetime | None = None) -> list[Reservation]:
        """Release reservations older than stale_after that never got a job id.

        Each gets a reason saying when and why, is logged as a warning and returned: a
        kernel that died between reserving and creating leaves these behind. (A job that
        *was* created then is found by the studio's resume() through the provider's list.)
        A held reservation (hold(): its create was sent, the answer lost) is never released
        here, however old: see held().
        """
        now = self._now(now)
        cutoff = now - self.stale_after
        with self._write() as db:
            rows = db.execute(
                "SELECT * FROM jobs WHERE status = 'reserved' AND job_id IS NULL "
                "AND held IS NULL AND created_at < ? ORDER BY created_at",
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
                    "finished_at = ? WHERE id = ? AND status = 'reserved' AND held IS NULL",
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
