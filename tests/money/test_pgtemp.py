"""pgtemp's template: initdb once, then copies; a template of another server or options is
built again (pgtemp.py says why). Every server here is a real one, started and queried."""

from __future__ import annotations

import json
from pathlib import Path

import pg_fixtures
import pytest

from sorafilm_nb.money.pgtemp import TempServer, initdb_args, template_stamp


def _tables(srv: TempServer) -> set[str]:
    import psycopg

    with psycopg.connect(srv.url()) as conn:
        rows = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return {str(r[0]) for r in rows}


def test_servers_copy_one_template_and_a_stale_one_is_built_again(tmp_path: Path) -> None:
    why = pg_fixtures.unavailable()
    if why:
        pytest.skip(why)
    folder = tmp_path / "template"
    stamp = folder / "stamp.json"

    with TempServer(durable=False, template=folder) as first:  # none yet: initdb, kept
        made = json.loads(stamp.read_text(encoding="utf-8"))
        assert made == template_stamp(first.bindir, "sorafilm")
        assert made["initdb"] == initdb_args("sorafilm") and "PostgreSQL" in made["version"]
        first.sql("CREATE TABLE only_in_first (x int)")
        (folder / "data" / "marker").write_text("kept")  # what a copy carries and initdb not

        with TempServer(durable=False, template=folder) as second:
            assert (second.data / "marker").read_text() == "kept"  # copied, not made
            assert _tables(second) == set()  # its own server and data
            assert _tables(first) == {"only_in_first"}
        assert json.loads(stamp.read_text(encoding="utf-8")) == made

    # Made by another PostgreSQL: built again (the marker is gone), then used.
    stamp.write_text(json.dumps({**made, "version": "initdb (PostgreSQL) 9.6.24"}))
    with TempServer(durable=False, template=folder) as third:
        assert not (third.data / "marker").exists()
        assert not (folder / "data" / "marker").exists()
        assert json.loads(stamp.read_text(encoding="utf-8")) == made
        third.sql("CREATE TABLE t (x int)")
        assert _tables(third) == {"t"}

    # Other initdb options (here its superuser) stamp differently, so take the path above.
    other = template_stamp(Path(made["bindir"]), "someone_else")
    assert other != made and other["initdb"][:2] == ["-U", "someone_else"]


def test_a_port_taken_before_the_server_binds_it_is_picked_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between the free port's pick and the server's bind another process can take it (here a
    listener takes it first): the first start picks another, and the server serves there."""
    import socket

    from sorafilm_nb.money import pgtemp

    why = pg_fixtures.unavailable()
    if why:
        pytest.skip(why)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        picks = [int(taken.getsockname()[1])]
        free = pgtemp._free_port

        def pick() -> int:
            picks.append(free())
            return picks[0] if len(picks) == 2 else picks[-1]

        monkeypatch.setattr(pgtemp, "_free_port", pick)
        with TempServer(durable=False, template=tmp_path / "template") as srv:
            assert srv.port == picks[-1] != picks[0] and len(picks) == 3  # taken, then its own
            srv.sql("CREATE TABLE t (x int)")
            assert _tables(srv) == {"t"}
            srv.restart()  # on the port it has, as every URL handed out says
            assert _tables(srv) == {"t"} and srv.port == picks[-1]
