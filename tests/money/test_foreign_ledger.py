"""Issue 11 item 7: a file this program did not create is never migrated, whatever it holds.

Each attack puts a real SQLite file (or an empty one) at the ledger path and opens it: the
open must fail with a LedgerError that names the file and says what to do, and the file (and
its folder) must be left byte for byte as they were. Only a file that carries our
application_id AND the schema our migrations build is opened for writing.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from sorafilm_nb.errors import LedgerError
from sorafilm_nb.money import migrations
from sorafilm_nb.money.cost import Cost
from sorafilm_nb.money.ledger import Ledger


def _foreign_with_migrations_table(path: Path) -> None:
    """Another program's database that happens to keep its own `_migrations` table."""
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    db.execute("INSERT INTO notes (body) VALUES ('keep me')")
    db.commit()
    db.close()


def _foreign_with_our_migration_names(path: Path) -> None:
    """Worse: its `_migrations` even lists names that look like ours (and nothing else)."""
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    db.execute("INSERT INTO _migrations VALUES ('m001_budgets', '2026-01-01')")
    db.commit()
    db.close()


def _only_views(path: Path) -> None:
    """A database holding views and no tables: it looked "new" and was built over."""
    db = sqlite3.connect(path)
    db.execute("CREATE VIEW answer AS SELECT 42 AS n")
    db.execute("CREATE VIEW today AS SELECT date('now') AS d")
    db.commit()
    db.close()


def _zero_bytes(path: Path) -> None:
    path.write_bytes(b"")


def _our_id_but_not_our_schema(path: Path) -> None:
    """Carries our application_id and a complete-looking `_migrations`, but no jobs table."""
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA application_id = {migrations.APPLICATION_ID}")
    db.execute(f"PRAGMA user_version = {len(migrations.MIGRATIONS)}")
    db.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    db.executemany(
        "INSERT INTO _migrations VALUES (?, '2026-01-01')",
        [(fn.__name__,) for fn in migrations.MIGRATIONS],
    )
    db.execute("CREATE TABLE budgets (id INTEGER PRIMARY KEY, limit_cents INTEGER)")
    db.commit()
    db.close()


ATTACKS: dict[str, tuple[Callable[[Path], None], str]] = {
    "a _migrations table of its own": (_foreign_with_migrations_table, "another program"),
    "our migration names, not our file": (_foreign_with_our_migration_names, "another program"),
    "views only": (_only_views, "another program"),
    "zero bytes": (_zero_bytes, "empty"),
    "our application_id, not our schema": (_our_id_but_not_our_schema, "schema"),
}


def _snapshot(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_a_foreign_file_is_refused_and_left_byte_identical(tmp_path: Path, attack: str) -> None:
    make, why = ATTACKS[attack]
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "ledger.sqlite3"
    make(path)
    before = _snapshot(folder)
    with pytest.raises(LedgerError) as info:
        Ledger(path)
    message = str(info.value)
    assert str(path) in message and why in message
    assert "untouched" in message and "--ledger PATH" in message  # what to do
    assert _snapshot(folder) == before  # same files, same bytes: nothing migrated, no -wal


def test_a_new_path_is_created_whole_and_marked_as_ours(tmp_path: Path) -> None:
    path = tmp_path / "new" / "ledger.sqlite3"
    with Ledger(path) as ledger:
        ledger.reserve(Cost(5), "first")
    head = path.read_bytes()[:100]
    assert int.from_bytes(head[68:72], "big") == migrations.APPLICATION_ID
    assert not [p for p in path.parent.iterdir() if "creating" in p.name]  # no temp left
    with Ledger(path) as again:  # and it is ours on the next open
        assert [r.purpose for r in again.pending()] == ["first"]


def test_a_ledger_of_an_older_version_is_still_migrated(tmp_path: Path) -> None:
    """Ours at an older schema (application_id and a prefix of our migrations): upgraded."""
    path = tmp_path / "ledger.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("BEGIN IMMEDIATE")
    migrations.ensure_migrations_table(db)
    for fn in migrations.MIGRATIONS[:3]:
        fn(db)
        db.execute("INSERT INTO _migrations VALUES (?, '2026-01-01')", (fn.__name__,))
    db.execute(f"PRAGMA application_id = {migrations.APPLICATION_ID}")
    db.execute("PRAGMA user_version = 3")
    db.execute("COMMIT")
    db.close()
    with Ledger(path) as ledger:
        ledger.reserve(Cost(5), "after the upgrade")
        assert ledger.check() == []
