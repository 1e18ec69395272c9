"""The ledger suite runs on both stores: a SQLite file and a PostgreSQL team ledger.

``make_ledger(name, **kwargs)`` opens the ledger called name for the test's backend (the
same name opens the same ledger again); ``ledger`` is one such ledger with the test clock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pg_fixtures
import pytest
import session_fixtures
from ledger_fixtures import Clock

from sorafilm_nb.money.ledger import Ledger

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The session's PostgreSQL server (started by the first test needing it, from the run's
    template data folder), stopped at the end of the session."""
    pg_fixtures.use_template(session_fixtures.run_folder(tmp_path_factory, "pg-template"))
    yield None
    pg_fixtures.stop()


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc))


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, pg_server: Any) -> str:
    if request.param == "postgresql":
        pg_fixtures.server()  # skips, saying how to install, where there is none
    return str(request.param)


@pytest.fixture
def make_ledger(backend: str, tmp_path: Path) -> Iterator[Callable[..., Ledger]]:
    urls: dict[str, str] = {}
    opened: list[Ledger] = []

    def location(name: str) -> str | Path:
        if backend == "sqlite":
            return tmp_path / name
        if name not in urls:
            urls[name] = pg_fixtures.fresh_url()
        return urls[name]

    def make(name: str = "ledger.sqlite3", **kwargs: Any) -> Ledger:
        led = Ledger(location(name), **kwargs)
        opened.append(led)
        return led

    make.location = location  # type: ignore[attr-defined]
    yield make
    for led in opened:
        led.close()


@pytest.fixture
def ledger(make_ledger: Callable[..., Ledger], clock: Clock) -> Iterator[Ledger]:
    with make_ledger(clock=clock) as led:
        yield led
