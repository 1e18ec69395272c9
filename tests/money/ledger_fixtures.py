"""Helpers the ledger tests share (fixtures themselves live in conftest.py)."""

from __future__ import annotations

import multiprocessing as mp
from datetime import datetime, timedelta
from multiprocessing.context import BaseContext
from typing import Any

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


class FreshProcesses:
    """Where the race tests start their children: ``multiprocessing``'s "forkserver" context,
    its server preloading ``module`` (the test module: the package, psycopg, pytest).

    Each child is a real process of its own, killed with a real SIGKILL, and holds nothing of
    the test's (no connection, no thread: the server never opened one), as under "spawn";
    but it is forked from the server, ready, instead of starting an interpreter and importing
    everything again (about 0.5 s of CPU a child under spawn, and the race tests start
    about thirty). The preload is set at first use, not at import, so collecting the tests
    changes nothing for anyone else's forkserver.
    """

    def __init__(self, module: str) -> None:
        self._module = module
        self._ctx: BaseContext | None = None

    def __getattr__(self, name: str) -> Any:  # Process, Queue, Event, ...
        if self._ctx is None:
            ctx = mp.get_context("forkserver")
            ctx.set_forkserver_preload([self._module])
            self._ctx = ctx
        return getattr(self._ctx, name)
