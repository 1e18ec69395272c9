"""The ledger schema: built by migrations, exact columns pinned (like simonw/llm's test_migrate)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from sorafilm_nb.errors import LedgerError
from sorafilm_nb.money import migrations
from sorafilm_nb.money.ledger import Ledger

EXPECTED = {
    "budgets": {
        "id": "INTEGER",
        "set_at": "TEXT",
        "limit_cents": "INTEGER",
        "currency": "TEXT",
        "start_day": "INTEGER",
        "hard": "INTEGER",
    },
    "jobs": {
        "id": "TEXT",
        "created_at": "TEXT",
        "updated_at": "TEXT",
        "finished_at": "TEXT",
        "purpose": "TEXT",
        "plan_id": "TEXT",
        "shot": "TEXT",
        "model": "TEXT",
        "size": "TEXT",
        "seconds": "INTEGER",
        "estimate_cents": "INTEGER",
        "billed_cents": "INTEGER",
        "currency": "TEXT",
        "status": "TEXT",
        "job_id": "TEXT",
        "backend": "TEXT",
        "reason": "TEXT",
        "user_name": "TEXT",
        "project": "TEXT",
        "machine": "TEXT",
        "held": "TEXT",
        "project_key": "TEXT",
    },
    "charges": {
        "job": "TEXT",
        "created_at": "TEXT",
        "cents": "INTEGER",
        "currency": "TEXT",
        "kind": "TEXT",
    },
    "day_totals": {"day": "TEXT", "reserved_cents": "INTEGER", "charged_cents": "INTEGER"},
    "project_caps": {
        "id": "INTEGER",
        "set_at": "TEXT",
        "project": "TEXT",
        "limit_cents": "INTEGER",
        "currency": "TEXT",
        "project_key": "TEXT",
    },
    "_migrations": {"name": "TEXT", "applied_at": "TEXT"},
}
NAMES = [
    "m001_budgets",
    "m002_jobs",
    "m003_charges",
    "m004_day_totals",
    "m005_who_spent",
    "m006_project_caps",
    "m007_pg_reserve",
    "m008_held",
    "m009_pg_durable_calls",
    "m010_project_keys",
]


def _columns(db: sqlite3.Connection, table: str) -> dict[str, str]:
    return {row[1]: row[2] for row in db.execute(f"PRAGMA table_info({table})")}


def _tables(db: sqlite3.Connection) -> set[str]:
    return {
        r[0]
        for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    }


def _migrated() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:", isolation_level=None)
    db.execute("BEGIN IMMEDIATE")
    migrations.migrate(db)
    db.execute("COMMIT")
    return db


def test_migrate_produces_exact_columns() -> None:
    db = _migrated()
    assert _tables(db) == set(EXPECTED)
    for table, columns in EXPECTED.items():
        assert _columns(db, table) == columns, table


def test_migrations_are_recorded_in_order_and_run_once() -> None:
    db = _migrated()
    names = [fn.__name__ for fn in migrations.MIGRATIONS]
    assert names == NAMES
    assert migrations.applied(db) == names
    db.execute("BEGIN IMMEDIATE")
    assert migrations.migrate(db) == []  # nothing left to do
    db.execute("COMMIT")
    assert migrations.applied(db) == names
    assert db.execute("PRAGMA application_id").fetchone()[0] == migrations.APPLICATION_ID
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(names)


def test_an_old_ledger_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("BEGIN IMMEDIATE")
    migrations.ensure_migrations_table(db)
    migrations.MIGRATIONS[0](db)  # a file written when only the first migration existed
    db.execute("INSERT INTO _migrations VALUES ('m001_budgets', '2025-01-01')")
    db.execute(
        "INSERT INTO budgets (set_at, limit_cents, currency, start_day, hard) "
        "VALUES ('2025-01-01T00:00:00.000000Z', 5000, 'USD', 1, 1)"
    )
    db.execute(f"PRAGMA application_id = {migrations.APPLICATION_ID}")
    db.execute("PRAGMA user_version = 1")
    db.execute("COMMIT")
    db.close()
    with Ledger(path) as ledger:
        assert ledger.budget() is not None and ledger.budget().limit.whole_cents == 5000
    db = sqlite3.connect(path)
    assert migrations.applied(db) == NAMES
    assert _columns(db, "jobs") == EXPECTED["jobs"]


def test_day_totals_are_backfilled_when_an_old_ledger_is_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("BEGIN IMMEDIATE")
    migrations.ensure_migrations_table(db)
    for fn in migrations.MIGRATIONS[:3]:  # a file from before m004
        fn(db)
        db.execute("INSERT INTO _migrations VALUES (?, '2025-01-01')", (fn.__name__,))
    rows = [
        ("a", "2026-01-31T23:00:00.000000Z", 100, None, "reserved"),
        ("b", "2026-01-31T23:30:00.000000Z", 200, 150, "completed"),
        ("c", "2026-02-01T00:00:00.000000Z", 300, None, "released"),
        ("d", "2026-02-01T10:00:00.000000Z", 400, None, "submitted"),
    ]
    for rid, t, est, billed, status in rows:
        db.execute(
            "INSERT INTO jobs (id, created_at, updated_at, purpose, estimate_cents, "
            "billed_cents, currency, status) VALUES (?, ?, ?, 'p', ?, ?, 'USD', ?)",
            (rid, t, t, est, billed, status),
        )
    db.execute("INSERT INTO charges VALUES ('b', 't', 150, 'USD', 'completed')")
    db.execute(f"PRAGMA application_id = {migrations.APPLICATION_ID}")
    db.execute("PRAGMA user_version = 3")
    db.execute("COMMIT")
    db.close()
    with Ledger(path) as ledger:
        assert ledger.check() == []
    db = sqlite3.connect(path)
    assert db.execute("SELECT * FROM day_totals ORDER BY day").fetchall() == [
        ("2026-01-31", 100, 150),
        ("2026-02-01", 400, 0),
    ]


def test_triggers_follow_every_change_to_jobs() -> None:
    db = _migrated()
    db.execute(
        "INSERT INTO jobs (id, created_at, updated_at, purpose, estimate_cents, currency,"
        " status) VALUES ('j', '2026-05-02T10:00:00.000000Z', 't', 'p', 70, 'USD', "
        "'reserved')"
    )
    totals = "SELECT day, reserved_cents, charged_cents FROM day_totals"
    assert db.execute(totals).fetchall() == [("2026-05-02", 70, 0)]
    db.execute("UPDATE jobs SET status = 'submitted', job_id = 'v' WHERE id = 'j'")
    assert db.execute(totals).fetchall() == [("2026-05-02", 70, 0)]
    db.execute("UPDATE jobs SET status = 'completed', billed_cents = 65 WHERE id = 'j'")
    assert db.execute(totals).fetchall() == [("2026-05-02", 0, 65)]
    db.execute("UPDATE jobs SET created_at = '2026-05-03T00:00:00.000000Z' WHERE id = 'j'")
    assert db.execute(totals + " ORDER BY day").fetchall() == [
        ("2026-05-02", 0, 0),
        ("2026-05-03", 0, 65),
    ]
    db.execute("DELETE FROM jobs WHERE id = 'j'")
    assert db.execute(totals + " WHERE reserved_cents != 0 OR charged_cents != 0").fetchall() == []


@pytest.mark.parametrize(
    ("table", "column", "value"),
    [
        ("budgets", "limit_cents", 12.5),
        ("budgets", "limit_cents", "50.5"),
        ("budgets", "limit_cents", "fifty"),
        ("budgets", "limit_cents", -1),
        ("jobs", "estimate_cents", 0.1),
        ("jobs", "billed_cents", 3.5),
        ("charges", "cents", 1.25),
    ],
)
def test_amount_columns_refuse_floats_text_and_negatives(
    table: str, column: str, value: object
) -> None:
    db = _migrated()
    db.execute("PRAGMA foreign_keys = ON")
    good = {
        "budgets": {
            "set_at": "t",
            "limit_cents": 5000,
            "currency": "USD",
            "start_day": 1,
            "hard": 1,
        },
        "jobs": {
            "id": "j",
            "created_at": "t",
            "updated_at": "t",
            "purpose": "p",
            "estimate_cents": 10,
            "currency": "USD",
            "status": "completed",
        },
        "charges": {
            "job": "j",
            "created_at": "t",
            "cents": 10,
            "currency": "USD",
            "kind": "completed",
        },
    }
    if table == "charges":
        row = good["jobs"]
        db.execute(
            f"INSERT INTO jobs ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
            list(row.values()),
        )
    row = dict(good[table])
    # the well-formed row is accepted (so the failure below is the value's fault) ...
    db.execute("SAVEPOINT s")
    db.execute(
        f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
        list(row.values()),
    )
    db.execute("ROLLBACK TO s")
    row[column] = value
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        db.execute(
            f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
            list(row.values()),
        )


def test_integer_affinity_stores_whole_values_as_integers() -> None:
    # SQLite turns 3.0 and '5000' into the integers 3 and 5000 before the CHECK sees them:
    # lossless, and what comes back out is an int, never a float.
    db = _migrated()
    db.execute(
        "INSERT INTO budgets (set_at, limit_cents, currency, start_day, hard) "
        "VALUES ('t', '5000', 'USD', 1, 1)"
    )
    db.execute(
        "INSERT INTO jobs (id, created_at, updated_at, purpose, estimate_cents, currency,"
        " status) VALUES ('j', 't', 't', 'p', 3.0, 'USD', 'reserved')"
    )
    assert db.execute("SELECT limit_cents, typeof(limit_cents) FROM budgets").fetchone() == (
        5000,
        "integer",
    )
    value = db.execute("SELECT estimate_cents FROM jobs").fetchone()[0]
    assert value == 3 and type(value) is int


def test_one_charge_per_job_at_the_schema_level() -> None:
    db = _migrated()
    db.execute(
        "INSERT INTO jobs (id, created_at, updated_at, purpose, estimate_cents, currency,"
        " status) VALUES ('j', 't', 't', 'p', 10, 'USD', 'completed')"
    )
    db.execute("INSERT INTO charges VALUES ('j', 't', 10, 'USD', 'completed')")
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        db.execute("INSERT INTO charges VALUES ('j', 't2', 10, 'USD', 'completed')")


def test_unknown_status_is_refused() -> None:
    db = _migrated()
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        db.execute(
            "INSERT INTO jobs (id, created_at, updated_at, purpose, estimate_cents, "
            "currency, status) VALUES ('j', 't', 't', 'p', 10, 'USD', 'paid')"
        )


def test_a_newer_schema_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "newer.sqlite3"
    Ledger(path).close()
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("INSERT INTO _migrations VALUES ('m999_from_the_future', '2030-01-01')")
    db.execute("PRAGMA user_version = 999")
    db.close()
    before = path.read_bytes()
    with pytest.raises(LedgerError, match="newer than this version") as info:
        Ledger(path)
    assert "m999_from_the_future" in str(info.value)
    assert path.read_bytes() == before


def test_schema_sql_documents_every_table_index_and_trigger() -> None:
    sql = migrations.schema_sql()
    db = sqlite3.connect(":memory:")
    db.executescript(sql)  # the documented schema is itself runnable
    assert _tables(db) == set(EXPECTED)
    for table, columns in EXPECTED.items():
        assert _columns(db, table) == columns
    for name in (
        "jobs_created_at",
        "jobs_open",
        "jobs_day_totals_insert",
        "jobs_day_totals_update",
        "jobs_day_totals_delete",
        "jobs_project_key",
        "jobs_keyed_insert",
        "jobs_keyed_update",
        "project_caps_keyed_insert",
        "project_caps_keyed_update",
    ):
        assert name in sql
    assert "WITHOUT ROWID" in sql and "typeof(estimate_cents) = 'integer'" in sql


def test_the_text_m007_ships_is_frozen() -> None:
    """m007 builds sorafilm_reserve from pgfunctions.reserve_function on every new team
    ledger, and m010 replaces it: the m007 text is the one shipped, byte for byte (its parts
    are shared with m010's, so an edit of them for m010 would change it unseen)."""
    import hashlib

    from sorafilm_nb.money.pgfunctions import reserve_function
    from sorafilm_nb.money.pgstore import BUDGET_LOCK

    text = reserve_function(BUDGET_LOCK).encode()
    assert hashlib.sha256(text).hexdigest() == (
        "a1b7df2c1cfae5d3752bf7a0cad84c1c5e689511dee8650d8d4ad08495d6c2ec"
    )
