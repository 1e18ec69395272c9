"""A ledger export opened in a spreadsheet runs no formula a filmed repository wrote.

The ledger's project is the film's title, and the title is the filmed repository's README
heading when its metadata names none: ``# =cmd|' /C calc'!A0`` booked spend under that
project, and ``budget history --csv`` wrote it into a cell as it is, which Excel and
LibreOffice read as a formula (CSV injection). Every text cell that starts as a formula
starts with a ``'`` instead, and import_csv() takes it off again: nothing is lost.
Real ledgers (SQLite and PostgreSQL), the real export and import.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from ledger_fixtures import Clock

from sorafilm_nb.money.cost import Cost
from sorafilm_nb.money.ledger import Ledger

HOSTILE = ["=cmd|' /C calc'!A0", "+1+2", "-2+3", "@SUM(A1)", "\tx", "'=quoted", "'plain"]


def test_no_cell_of_an_export_starts_as_a_formula(
    make_ledger: Callable[..., Ledger], tmp_path: Path, clock: Clock
) -> None:
    with make_ledger("a.db", clock=clock) as src:
        for n, project in enumerate(HOSTILE):
            src.reserve(Cost(10), "film", f"plan{n}", shot=project, project=project)
        out = src.export_csv(tmp_path / "spend.csv")
        with open(out, newline="", encoding="utf-8") as f:
            cells = [cell for row in csv.reader(f) for cell in row]
        starts = [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
        assert starts == []
        assert "'=cmd|' /C calc'!A0" in cells  # shown, quoted, not dropped
        # the import gives back what was booked, the quote taken off again
        with make_ledger("b.db", clock=clock) as dst:
            assert dst.import_csv(out).added == len(HOSTILE)
            assert sorted(r.project or "" for r in dst.records()) == sorted(
                p.strip() for p in HOSTILE
            )
            assert dst.records() == src.records()
            assert dst.export_csv(tmp_path / "again.csv").read_text() == out.read_text()
