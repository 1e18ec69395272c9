"""One throwaway PostgreSQL server per test session (per xdist worker), and a fresh schema
per ledger a test opens, so each test starts on an empty team ledger in well under a second.

Each worker's server is its own (tests restart and cut it), but initdb runs once per run: the
session fixture names a template folder shared by the run's workers (session_fixtures.py),
and pgtemp copies the data folder the first worker made there.

Started lazily by the first test that needs it and stopped by the session fixture in
conftest.py (an atexit hook as well, for a session that dies). A machine without the server
binaries or psycopg skips only the PostgreSQL tests, with a reason saying what to install.
"""

from __future__ import annotations

import atexit
import importlib.util
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest

from sorafilm_nb.money.pgtemp import INSTALL_HINT, TempServer, find_bindir

_server: TempServer | None = None
_failed: str | None = None
_template: Path | None = None


def use_template(folder: Path) -> None:
    """Start this session's server from the data folder kept in folder (made if need be)."""
    global _template
    _template = folder


def unavailable() -> str | None:
    """Why PostgreSQL tests cannot run here, or None when they can."""
    if importlib.util.find_spec("psycopg") is None:
        return "psycopg is not installed: pip install 'psycopg[binary]>=3.2'"
    if find_bindir() is None:
        return INSTALL_HINT
    return _failed


def server() -> TempServer:
    """The session's server, started on first use; skips the test when there can be none."""
    global _server, _failed
    why = unavailable()
    if why:
        pytest.skip(why)
    if _server is None:
        try:
            _server = TempServer(durable=False, template=_template)
        except Exception as exc:
            _failed = f"could not start a throwaway PostgreSQL server: {exc}"
            pytest.skip(_failed)
        atexit.register(stop)
    return _server


def stop() -> None:
    global _server
    if _server is not None:
        _server.close()
        _server = None


def fresh_url(*, user: str | None = None) -> str:
    """A URL whose search_path is a new, empty schema: a new team ledger."""
    srv = server()
    schema = f"t_{uuid.uuid4().hex[:16]}"
    srv.sql(f"CREATE SCHEMA {schema}")
    if user:
        srv.sql(f"GRANT USAGE ON SCHEMA {schema} TO {user}")
    return with_schema(srv.url(user=user), schema)


def with_schema(url: str, schema: str) -> str:
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options={quote(f'-csearch_path={schema}')}"


def lock_waiters() -> int:
    """How many sessions of this worker's server wait for an advisory lock: a reservation that
    got the busy answer waits for the budget's inside its transaction. The tests that act
    while it waits (cut the server, kill the client, count the ids) wait for this, not for a
    time, which a loaded machine's late thread or child outran."""
    import psycopg

    with psycopg.connect(server().url(), autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
        ).fetchone()
    assert row is not None
    return int(row[0])
