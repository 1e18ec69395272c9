"""Helpers the ledger tests share (fixtures themselves live in conftest.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sorafilm_nb.money.ledger import Ledger


class Clock:
    """An injected clock: tests move time, they never sleep."""

    def __init__(self, t: datetime) -> None:
        self.t = t

    def __call__(self) -> datetime:
        return self.t

    def advance(self, **kw: float) -> None:
        self.t += timedelta(**kw)


def rows(led: Ledger, sql: str, *args: object) -> list[tuple]:
    """Raw rows from either store (through the ledger's own read transaction)."""
    with led._read() as db:
        cur = db.execute(sql, args) if args else db.execute(sql)
        return [tuple(r) for r in cur]
