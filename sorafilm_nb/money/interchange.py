"""CSV interchange: a ledger's jobs out to a CSV file, and back in (idempotent, by row id).

The file is plain (integer cents, UTC ISO 8601 times) so a spreadsheet can read it and another
ledger can import it; an import is validated whole before anything is written.
"""

from __future__ import annotations

import csv
import os
import re
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import LedgerError
from ..naming import project_key
from ..redact import redact
from ..safeio import open_atomic
from .budget import BudgetBook, BudgetWarning
from .cost import Cost, CostError
from .migrations import STATUSES
from .records import ImportResult, _parse_ts
from .store import reconnecting, warn_caller

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
    "user_name",
    "project",
    "machine",
    "held",
)
# Added by migrations m005 (who spent it) and m008 (the held mark): an export from before
# lacks them, and still imports.
OPTIONAL_COLUMNS = ("user_name", "project", "machine", "held")


class CsvInterchange(BudgetBook):
    """export_csv(), write_csv() and import_csv() of the ledger (see ledger.Ledger)."""

    def export_csv(self, path: str | os.PathLike[str]) -> Path:
        """Write every job to a CSV file (atomically: temp file, then rename). Amounts are
        integer cents, times UTC ISO 8601; import_csv() reads it back."""
        dest = Path(path)
        with self._read() as db:
            rows = db.execute("SELECT * FROM jobs ORDER BY created_at, id").fetchall()
        with open_atomic(dest, "w", newline="") as f:
            self._write_csv(f, rows)
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
            w.writerow(["" if row[c] is None else _inert_cell(row[c]) for c in CSV_COLUMNS])

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
                missing = [c for c in CSV_COLUMNS if c not in header and c not in OPTIONAL_COLUMNS]
                if missing:
                    raise LedgerError(
                        f"{src}: not a ledger export, missing columns: {', '.join(missing)}"
                    )
                parsed = [_parse_csv_row(src, reader.line_num, raw) for raw in reader]
                # A file from before m005 or m008 says nothing of who spent it or of a held
                # mark: a column it lacks is unknown, not different, so its silence must not
                # count as a conflict (nor clear anything) where the row exists already.
                silent = frozenset(set(OPTIONAL_COLUMNS) - set(header))
        except OSError as exc:
            raise LedgerError(f"cannot read {src}: {exc.strerror}") from None
        except (csv.Error, UnicodeDecodeError) as exc:
            raise LedgerError(f"{src}: not a readable CSV file: {exc}") from None
        seen: set[str] = set()
        for rec in parsed:
            if rec["id"] in seen:
                raise LedgerError(f"{src}: the id {rec['id']!r} appears twice")
            seen.add(rec["id"])
        return self._add_rows(parsed, str(src), silent)

    @reconnecting
    def _add_rows(
        self, parsed: list[dict[str, Any]], src: str, silent: frozenset[str] = frozenset()
    ) -> ImportResult:
        """Add rows (CSV_COLUMNS each) whose id this ledger lacks, in one transaction.

        A row that exists already is never changed: the same content is counted unchanged,
        other content a conflict (columns in silent, which the source did not carry, are not
        compared). So a held mark is copied with a new row and never flipped on an old one.
        """
        compared = [c for c in CSV_COLUMNS if c not in silent]
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
                    if all(row[c] == rec[c] for c in compared):
                        unchanged += 1
                    else:
                        conflicts.append(rec["id"])
                    continue
                if rec["job_id"] is not None and self._get(db, job_id=rec["job_id"]):
                    conflicts.append(rec["id"])
                    continue
                db.execute(  # with the key project caps count it by (migrations.m010)
                    f"INSERT INTO jobs ({', '.join(CSV_COLUMNS)}, project_key) "
                    f"VALUES ({', '.join('?' * (len(CSV_COLUMNS) + 1))})",
                    [
                        *(rec[c] for c in CSV_COLUMNS),
                        rec["project"] and project_key(rec["project"]),
                    ],
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
            warn_caller(
                BudgetWarning(
                    f"{src}: {len(conflicts)} row(s) differ from the ledger's own and were not "
                    f"imported: {', '.join(conflicts[:5])}"
                ),
            )
        return ImportResult(added, unchanged, tuple(conflicts))

    def copy_to(
        self, dest: CsvInterchange, *, user: str | None = None, project: str | None = None
    ) -> ImportResult:
        """Copy every job of this ledger into dest (a personal history into the team ledger).

        A personal ledger's jobs are its owner's: user and project, when given, are recorded
        on every copied row; otherwise a row keeps what it says, and one that says nothing
        (from before migration m005) gets the OS user and this machine. The same rows each
        time, so copying twice adds nothing (the second run finds every row unchanged).
        Budgets are not copied: the team ledger keeps its own. Keyed on the row id and
        checked like import_csv().
        """
        from .store import who

        user_, project_, machine = who(user, project)
        given = {"user_name": user, "project": project}
        with self._read() as db:
            rows = db.execute("SELECT * FROM jobs ORDER BY created_at, id").fetchall()
        parsed = []
        for row in rows:
            rec = {c: row[c] for c in CSV_COLUMNS}
            rec["user_name"] = given["user_name"] or rec["user_name"] or user_
            rec["project"] = given["project"] or rec["project"] or project_
            rec["machine"] = rec["machine"] or machine
            parsed.append(rec)
        return dest._add_rows(parsed, str(self.path))


_INT_RE = re.compile(r"^[0-9]+$")

# A cell a spreadsheet reads as a formula: one that starts with "=", "+", "-", "@", a tab or a
# carriage return, after any quotes this file put before it (_inert_cell).
_FORMULA = re.compile(r"'*[=+\-@\t\r]")


def _inert_cell(value: Any) -> Any:
    """A text cell as the export writes it: one that a spreadsheet would run as a formula
    gets a "'" before it, which the spreadsheet shows as text and import_csv takes off
    (_read_cell).

    Why: the ledger's text is a repository's and a user's (a purpose, a reason, a project,
    once a README's heading): "+cmd|' /C calc'!A0" opened in a spreadsheet runs a command.
    A text of quotes before such a start gets one more, so every text comes back as it
    went."""
    return "'" + value if isinstance(value, str) and _FORMULA.match(value) else value


def _read_cell(text: str) -> str:
    """A cell of an export as it was before _inert_cell."""
    return text[1:] if text.startswith("'") and _FORMULA.match(text) else text


def _parse_csv_row(src: Path, line: int, raw: Mapping[str, str | None]) -> dict[str, Any]:
    def bad(column: str, why: str) -> LedgerError:
        return LedgerError(f"{src}, line {line}, column {column!r}: {why}")

    rec: dict[str, Any] = {}
    for c in CSV_COLUMNS:
        value = raw.get(c)
        value = _read_cell(value.strip()) if isinstance(value, str) else ""
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
    for c in ("purpose", "plan_id", "shot", "model", "size", "job_id", "backend", "reason",
              *OPTIONAL_COLUMNS):  # fmt: skip
        rec[c] = redact(rec[c]) if rec[c] else rec[c]
    return rec
