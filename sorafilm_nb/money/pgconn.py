"""The team ledger's rows and statements, shaped like sqlite3's for the money code.

Split from ``pgstore`` (which keeps connecting, migrating on open and the transactions): the
money code runs the same SQL on both stores, so a psycopg connection is wrapped to take ``?``
placeholders and give rows readable by column name and by position, like sqlite3.Row.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any


class _Row:
    """A result row readable by column name and by position, like sqlite3.Row."""

    __slots__ = ("_index", "_values")

    def __init__(self, index: dict[str, int], values: Sequence[Any]) -> None:
        self._index = index
        self._values = values

    def __getitem__(self, key: int | str) -> Any:
        if isinstance(key, str):
            return self._values[self._index[key]]
        return self._values[key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def keys(self) -> list[str]:
        return list(self._index)


def _row_factory(cursor: Any) -> Any:
    # The names straight from the result, not cursor.description: that builds a Column
    # object per field of every result, the statements without rows (BEGIN, SET, COMMIT)
    # included, and was a sixth of a write's client CPU on the team ledger.
    res = cursor.pgresult
    n = res.nfields if res is not None else 0
    index = {res.fname(i).decode(): i for i in range(n)} if n else {}

    def make(values: Sequence[Any]) -> _Row:
        return _Row(index, values)

    return make


_PLACEHOLDER = re.compile(r"\?")


class PgConnection:
    """The slice of sqlite3.Connection the money code uses, on a psycopg connection:
    ``execute`` with ``?`` placeholders, rows by name or position, ``executemany``."""

    def __init__(self, conn: Any) -> None:
        self.raw = conn

    @staticmethod
    def _sql(sql: str) -> str:
        return _PLACEHOLDER.sub("%s", sql.replace("%", "%%"))

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        if params is None or len(params) == 0:
            return self.raw.execute(sql)
        return self.raw.execute(self._sql(sql), params)

    def executemany(self, sql: str, seq: Sequence[Sequence[Any]]) -> None:
        with self.raw.cursor() as cur:
            cur.executemany(self._sql(sql), seq)


def table_columns(db: PgConnection) -> dict[str, tuple[str, ...]]:
    """Our tables in the ledger's schema (the search_path's first) and their columns."""
    out: dict[str, list[str]] = {}
    for name, column in db.execute(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
    ):
        out.setdefault(name, []).append(column)
    return {k: tuple(v) for k, v in out.items()}
