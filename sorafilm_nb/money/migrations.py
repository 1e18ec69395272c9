"""The ledger's SQL schema, as an append-only list of small migration functions.

Copied from simonw/llm's ``migrations.py``: each function changes the schema one step and is
recorded by name in ``_migrations`` when applied, so an old ledger file upgrades itself in
place and a new one is built by the same steps. Rules that keep this safe:

* Never edit or reorder a migration that has shipped; append a new one instead.
* Every amount column is ``INTEGER`` cents with a ``CHECK (typeof(x) = 'integer')``: SQLite
  would otherwise happily store 0.1 in it, and money must add up exactly.
* ``migrate()`` runs inside the caller's write transaction (``BEGIN IMMEDIATE``), so two
  processes opening a fresh file at once cannot both build it, and a crash half-way through
  leaves the previous schema, never half of a new one (SQLite DDL is transactional).

Two dialects, one history: the same numbered migrations build a SQLite file and a PostgreSQL
database (the team ledger, ``pgstore``). Each takes ``dialect`` and differs only where the SQL
must: integer columns are typed by PostgreSQL itself (SQLite's ``typeof`` checks become plain
range checks on BIGINT), there is no ``WITHOUT ROWID`` or ``AUTOINCREMENT``, and the day-total
triggers are one PL/pgSQL function. Table and column names are the same in both (a test pins
it), so every query of the money code runs unchanged on either. On PostgreSQL, ``migrate()``
runs in a transaction holding an advisory lock (``pgstore``), so two clients migrating a new
database at once build it once.

The file is marked as ours with ``PRAGMA application_id`` (below), and ``PRAGMA user_version``
mirrors the number of applied migrations, so a newer schema is recognised before any write.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime, timezone
from functools import cache

Migration = Callable[..., None]  # (db, dialect=SQLITE): db is a sqlite3 or pgstore connection

SQLITE = "sqlite"
POSTGRES = "postgresql"
DIALECTS = (SQLITE, POSTGRES)

#: "SoRF" in ASCII: marks a SQLite file as a sorafilm-nb ledger (PRAGMA application_id).
APPLICATION_ID = 0x536F5246
MIGRATIONS_TABLE = "_migrations"
#: PostgreSQL's counterpart of the application_id: the comment on the migrations table.
PG_MARK = "sorafilm-nb ledger"

MIGRATIONS: list[Migration] = []


def migration(fn: Migration) -> Migration:
    """Register fn as the next migration (decorator; order of definition is the order run)."""
    MIGRATIONS.append(fn)
    return fn


def _cents(column: str, *, nullable: bool = False, dialect: str = SQLITE) -> str:
    """An integer-cents column that refuses floats, text and negative amounts.

    SQLite needs the typeof() check (its columns take any value). A PostgreSQL BIGINT holds
    only whole numbers and refuses text; a fraction written to it is rounded by the cast
    before any CHECK sees it, so there the money code's own rule keeps fractions out (it
    writes Cost.whole_cents, ints, never a float).
    """
    if dialect == POSTGRES:
        check = f"{column} >= 0"
        kind = "BIGINT"
    else:
        check = f"typeof({column}) = 'integer' AND {column} >= 0"
        kind = "INTEGER"
    if nullable:
        return f"{column} {kind} CHECK ({column} IS NULL OR ({check}))"
    return f"{column} {kind} NOT NULL CHECK ({check})"


def _serial_key(dialect: str) -> str:
    """An auto-numbered primary key: numbers are never reused, so row order is set order."""
    if dialect == POSTGRES:
        return "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"
    return "INTEGER PRIMARY KEY AUTOINCREMENT"


def _without_rowid(dialect: str) -> str:
    return "" if dialect == POSTGRES else " WITHOUT ROWID"


STATUSES = ("reserved", "submitted", "completed", "failed", "refused", "cancelled", "released")
OPEN_STATUSES = ("reserved", "submitted")
FINAL_STATUSES = ("completed", "failed", "refused", "cancelled", "released")


@migration
def m001_budgets(db: sqlite3.Connection, dialect: str = SQLITE) -> None:
    # Append-only: every `set_budget` adds a row and the newest one applies, so the history
    # of limits is kept (who lowered the budget, and when, is a question users ask).
    db.execute(f"""
        CREATE TABLE budgets (
            id {_serial_key(dialect)},
            set_at TEXT NOT NULL,
            {_cents("limit_cents", dialect=dialect)},
            currency TEXT NOT NULL CHECK (length(currency) = 3),
            start_day INTEGER NOT NULL CHECK (start_day BETWEEN 1 AND 31),
            hard INTEGER NOT NULL CHECK (hard IN (0, 1))
        )
    """)


def _seconds(dialect: str) -> str:
    if dialect == POSTGRES:
        return "seconds INTEGER CHECK (seconds IS NULL OR seconds >= 0)"
    return """seconds INTEGER CHECK (seconds IS NULL OR (typeof(seconds) = 'integer'
                                                        AND seconds >= 0))"""


@migration
def m002_jobs(db: sqlite3.Connection, dialect: str = SQLITE) -> None:
    # One row per reservation; it becomes a job when the backend's id is attached.
    # WITHOUT ROWID: the id is the only key, so one b-tree instead of a table plus an index.
    statuses = ", ".join(f"'{s}'" for s in STATUSES)
    db.execute(f"""
        CREATE TABLE jobs (
            id TEXT PRIMARY KEY,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            finished_at TEXT,
            purpose TEXT NOT NULL,
            plan_id TEXT,
            shot TEXT,
            model TEXT,
            size TEXT,
            {_seconds(dialect)},
            {_cents("estimate_cents", dialect=dialect)},
            {_cents("billed_cents", nullable=True, dialect=dialect)},
            currency TEXT NOT NULL CHECK (length(currency) = 3),
            status TEXT NOT NULL CHECK (status IN ({statuses})),
            job_id TEXT UNIQUE,
            backend TEXT,
            reason TEXT
        ){_without_rowid(dialect)}
    """)
    db.execute("CREATE INDEX jobs_created_at ON jobs (created_at)")
    # Only open reservations are indexed: pending() and release_stale() look for them among
    # a history that only grows.
    db.execute(
        "CREATE INDEX jobs_open ON jobs (created_at) WHERE status IN ('reserved', 'submitted')"
    )


@migration
def m003_charges(db: sqlite3.Connection, dialect: str = SQLITE) -> None:
    # At most one charge per job (the job is the key): settling twice can never charge twice.
    db.execute(f"""
        CREATE TABLE charges (
            job TEXT PRIMARY KEY REFERENCES jobs (id),
            created_at TEXT NOT NULL,
            {_cents("cents", dialect=dialect)},
            currency TEXT NOT NULL CHECK (length(currency) = 3),
            kind TEXT NOT NULL CHECK (kind IN ('completed', 'failed', 'refused', 'cancelled'))
        ){_without_rowid(dialect)}
    """)


# What a job row holds against its budget month: an open reservation its estimate, a finished
# job its charge (NULL: none). Used by the triggers of m004 and by Ledger.check().
HELD_RESERVED = (
    "(CASE WHEN {t}.status IN ('reserved', 'submitted') THEN {t}.estimate_cents ELSE 0 END)"
)
HELD_CHARGED = "COALESCE({t}.billed_cents, 0)"
DAY = "substr({t}.created_at, 1, 10)"


@migration
def m004_day_totals(db: sqlite3.Connection, dialect: str = SQLITE) -> None:
    # Running totals per UTC day of reservation, kept by triggers in the same transaction as
    # the change to `jobs`. Budget months start at midnight UTC, so a month's usage is the sum
    # of at most 31 rows: reserve() stays O(1) however long the history, instead of summing
    # every job of the month inside the write lock (which made 4 racing processes queue).
    if dialect == POSTGRES:
        _m004_postgres(db)
        return
    db.execute("""
        CREATE TABLE day_totals (
            day TEXT PRIMARY KEY,
            reserved_cents INTEGER NOT NULL DEFAULT 0 CHECK (typeof(reserved_cents) = 'integer'),
            charged_cents INTEGER NOT NULL DEFAULT 0 CHECK (typeof(charged_cents) = 'integer')
        ) WITHOUT ROWID
    """)

    def add(t: str) -> str:
        return (
            f"INSERT INTO day_totals (day, reserved_cents, charged_cents) VALUES "
            f"({DAY.format(t=t)}, {HELD_RESERVED.format(t=t)}, "
            f"{HELD_CHARGED.format(t=t)}) "
            "ON CONFLICT (day) DO UPDATE SET "
            "reserved_cents = reserved_cents + excluded.reserved_cents, "
            "charged_cents = charged_cents + excluded.charged_cents;"
        )

    def sub(t: str) -> str:
        return (
            f"UPDATE day_totals SET "
            f"reserved_cents = reserved_cents - {HELD_RESERVED.format(t=t)}, "
            f"charged_cents = charged_cents - {HELD_CHARGED.format(t=t)} "
            f"WHERE day = {DAY.format(t=t)};"
        )

    db.execute(f"CREATE TRIGGER jobs_day_totals_insert AFTER INSERT ON jobs BEGIN {add('NEW')} END")
    db.execute(f"CREATE TRIGGER jobs_day_totals_delete AFTER DELETE ON jobs BEGIN {sub('OLD')} END")
    db.execute(
        "CREATE TRIGGER jobs_day_totals_update AFTER UPDATE OF status, estimate_cents, "
        f"billed_cents, created_at ON jobs BEGIN {sub('OLD')} {add('NEW')} END"
    )
    db.execute(f"""
        INSERT INTO day_totals (day, reserved_cents, charged_cents)
        SELECT {DAY.format(t="jobs")}, SUM({HELD_RESERVED.format(t="jobs")}),
               SUM({HELD_CHARGED.format(t="jobs")})
        FROM jobs GROUP BY 1
    """)


def _m004_postgres(db: sqlite3.Connection) -> None:
    """m004 on PostgreSQL: the same table and totals, kept by one PL/pgSQL trigger function.

    An update that changes neither the day nor what the row holds (attach: reserved ->
    submitted) leaves day_totals alone, so attaching never waits on the day's row.
    """
    db.execute("""
        CREATE TABLE day_totals (
            day TEXT PRIMARY KEY,
            reserved_cents BIGINT NOT NULL DEFAULT 0,
            charged_cents BIGINT NOT NULL DEFAULT 0
        )
    """)
    new_r, new_c = HELD_RESERVED.format(t="NEW"), HELD_CHARGED.format(t="NEW")
    old_r, old_c = HELD_RESERVED.format(t="OLD"), HELD_CHARGED.format(t="OLD")
    new_d, old_d = DAY.format(t="NEW"), DAY.format(t="OLD")
    db.execute(f"""
        CREATE FUNCTION jobs_day_totals() RETURNS trigger LANGUAGE plpgsql AS $body$
        BEGIN
            IF TG_OP = 'UPDATE' AND {new_d} = {old_d} AND {new_r} = {old_r}
               AND {new_c} = {old_c} THEN
                RETURN NULL;
            END IF;
            IF TG_OP IN ('UPDATE', 'DELETE') THEN
                UPDATE day_totals SET reserved_cents = reserved_cents - {old_r},
                                      charged_cents = charged_cents - {old_c}
                WHERE day = {old_d};
            END IF;
            IF TG_OP IN ('INSERT', 'UPDATE') THEN
                INSERT INTO day_totals AS t (day, reserved_cents, charged_cents)
                VALUES ({new_d}, {new_r}, {new_c})
                ON CONFLICT (day) DO UPDATE SET
                    reserved_cents = t.reserved_cents + EXCLUDED.reserved_cents,
                    charged_cents = t.charged_cents + EXCLUDED.charged_cents;
            END IF;
            RETURN NULL;
        END
        $body$
    """)
    db.execute(
        "CREATE TRIGGER jobs_day_totals AFTER INSERT OR DELETE OR UPDATE OF status, "
        "estimate_cents, billed_cents, created_at ON jobs "
        "FOR EACH ROW EXECUTE FUNCTION jobs_day_totals()"
    )
    db.execute(f"""
        INSERT INTO day_totals (day, reserved_cents, charged_cents)
        SELECT {DAY.format(t="jobs")}, SUM({HELD_RESERVED.format(t="jobs")}),
               SUM({HELD_CHARGED.format(t="jobs")})
        FROM jobs GROUP BY 1
    """)


@migration
def m005_who_spent(db: sqlite3.Connection, dialect: str = SQLITE) -> None:
    # Who spent it, for a team sharing one budget: the person, the repository the film was
    # made of, and the machine. NULL for rows from before (a personal ledger: its owner).
    # `user` is a reserved word in PostgreSQL, hence user_name.
    for column in ("user_name", "project", "machine"):
        db.execute(f"ALTER TABLE jobs ADD COLUMN {column} TEXT")
    db.execute("CREATE INDEX jobs_project ON jobs (project, created_at)")


@migration
def m006_project_caps(db: sqlite3.Connection, dialect: str = SQLITE) -> None:
    # An optional monthly cap per project inside the team budget. Append-only like budgets:
    # the newest row of a project applies.
    db.execute(f"""
        CREATE TABLE project_caps (
            id {_serial_key(dialect)},
            set_at TEXT NOT NULL,
            project TEXT NOT NULL,
            {_cents("limit_cents", dialect=dialect)},
            currency TEXT NOT NULL CHECK (length(currency) = 3)
        )
    """)


@migration
def m007_pg_reserve(db: sqlite3.Connection, dialect: str = SQLITE) -> None:
    # PostgreSQL only: the reservation's budget check and insert as one server-side function,
    # one round trip under the budget lock (see pgfunctions). SQLite runs in the process, so
    # its reservation stays a few statements in one BEGIN IMMEDIATE: nothing to build there.
    if dialect != POSTGRES:
        return
    from .pgfunctions import reserve_function
    from .pgstore import BUDGET_LOCK

    db.execute(reserve_function(BUDGET_LOCK))


@migration
def m008_held(db: sqlite3.Connection, dialect: str = SQLITE) -> None:
    # A reservation whose create was sent and whose answer was lost is *held*: its job may
    # exist and bill, so the stale sweep never releases it; only a named action does
    # (release() by its id, after the provider was checked: the studio's resume, or
    # `sorafilm budget release-held`). The text says why and where to look; NULL: not held.
    db.execute("ALTER TABLE jobs ADD COLUMN held TEXT")


@migration
def m009_pg_durable_calls(db: sqlite3.Connection, dialect: str = SQLITE) -> None:
    # PostgreSQL only: a reservation and a job's close each as one prepared CALL that commits
    # early and waits for the flush on the server (see pgfunctions), instead of a message of
    # six statements parsed and planned every time. Nothing to build on SQLite.
    if dialect != POSTGRES:
        return
    from .pgfunctions import durable_procedures

    for sql in durable_procedures():
        db.execute(sql)


@migration
def m010_project_keys(db: sqlite3.Connection, dialect: str = SQLITE) -> None:
    # Caps count a project by its name as package registries compare names (PEP 503,
    # naming.project_key), whatever spelling was booked: spend booked under "Flask" before
    # the studio booked the package's name ("flask") counts toward a cap on either. The key
    # is stored beside the spelling (shown as written) and computed by the client in Python,
    # the one home of the rule (SQL's lower() differs from Python's outside ASCII); old rows
    # are keyed here. A job or cap with a project and no key is refused by the schema (a
    # trigger on SQLite, a CHECK on PostgreSQL), so no writer can book spend a cap misses.
    from ..naming import project_key

    for table in ("jobs", "project_caps"):
        db.execute(f"ALTER TABLE {table} ADD COLUMN project_key TEXT")
        names = [r[0] for r in db.execute(f"SELECT DISTINCT project FROM {table}").fetchall()]
        for name in names:
            if name is not None:
                db.execute(
                    f"UPDATE {table} SET project_key = ? WHERE project = ?",
                    (project_key(name), name),
                )
    db.execute("DROP INDEX jobs_project")  # m005's: caps and reports read by key now
    db.execute("CREATE INDEX jobs_project_key ON jobs (project_key, created_at)")
    db.execute("CREATE INDEX project_caps_key ON project_caps (project_key, id)")
    if dialect == POSTGRES:
        db.execute(
            "ALTER TABLE jobs ADD CONSTRAINT jobs_project_keyed "
            "CHECK (project IS NULL OR project_key IS NOT NULL)"
        )
        db.execute(
            "ALTER TABLE project_caps ADD CONSTRAINT project_caps_keyed "
            "CHECK (project_key IS NOT NULL)"
        )
        from .pgfunctions import reserve_by_key_function
        from .pgstore import BUDGET_LOCK

        db.execute(reserve_by_key_function(BUDGET_LOCK))
        return
    for table, when in (("jobs", "NEW.project IS NOT NULL AND "), ("project_caps", "")):
        for event in ("INSERT", "UPDATE OF project, project_key"):
            db.execute(
                f"CREATE TRIGGER {table}_keyed_{event.split()[0].lower()} BEFORE {event} "
                f"ON {table} WHEN {when}NEW.project_key IS NULL "
                f"BEGIN SELECT RAISE(ABORT, '{table}: a project needs its project_key'); END"
            )


def ensure_migrations_table(db: sqlite3.Connection, dialect: str = SQLITE) -> None:
    if dialect == POSTGRES:
        # PostgreSQL has no rowid: seq keeps the order the migrations were applied in.
        db.execute(
            f"CREATE TABLE IF NOT EXISTS {MIGRATIONS_TABLE} (name TEXT PRIMARY KEY, "
            "applied_at TEXT NOT NULL, seq BIGINT GENERATED ALWAYS AS IDENTITY)"
        )
        db.execute(f"COMMENT ON TABLE {MIGRATIONS_TABLE} IS '{PG_MARK}'")
        return
    db.execute(
        f"CREATE TABLE IF NOT EXISTS {MIGRATIONS_TABLE} "
        "(name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
    )


def applied(db: sqlite3.Connection, dialect: str = SQLITE) -> list[str]:
    """Names of the migrations recorded in db, in the order they were applied."""
    if dialect == POSTGRES:
        if db.execute("SELECT to_regclass(?)", (MIGRATIONS_TABLE,)).fetchone()[0] is None:
            return []
        return [r[0] for r in db.execute(f"SELECT name FROM {MIGRATIONS_TABLE} ORDER BY seq")]
    exists = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (MIGRATIONS_TABLE,)
    ).fetchone()
    if not exists:
        return []
    return [r[0] for r in db.execute(f"SELECT name FROM {MIGRATIONS_TABLE} ORDER BY rowid")]


def unknown(db: sqlite3.Connection, dialect: str = SQLITE) -> list[str]:
    """Applied migrations this version does not know: the file comes from a newer version."""
    ours = {fn.__name__ for fn in MIGRATIONS}
    return [name for name in applied(db, dialect) if name not in ours]


def migrate(db: sqlite3.Connection, dialect: str = SQLITE) -> list[str]:
    """Apply every migration not yet recorded; returns the names applied now.

    The caller holds the write transaction (``BEGIN IMMEDIATE``; on PostgreSQL a transaction
    holding the migration advisory lock) and commits; this function never commits, so a
    failure part-way leaves nothing behind.
    """
    ensure_migrations_table(db, dialect)
    done = set(applied(db, dialect))
    now = datetime.now(timezone.utc).isoformat()
    ran: list[str] = []
    for fn in MIGRATIONS:
        name = fn.__name__
        if name in done:
            continue
        fn(db, dialect)
        db.execute(f"INSERT INTO {MIGRATIONS_TABLE} (name, applied_at) VALUES (?, ?)", (name, now))
        ran.append(name)
    if dialect == POSTGRES:
        return ran
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
    return ran


def schema_objects(db: sqlite3.Connection) -> dict[tuple[str, str], tuple[str, ...]]:
    """The schema's (type, name) -> column names (tables) or () (indexes, triggers, views)."""
    out: dict[tuple[str, str], tuple[str, ...]] = {}
    for kind, name in db.execute(
        "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
    ).fetchall():
        cols: tuple[str, ...] = ()
        if kind == "table":
            cols = tuple(r[1] for r in db.execute(f'PRAGMA table_info("{name}")'))
        out[(kind, name)] = cols
    return out


@cache
def expected_schema(applied_count: int) -> dict[tuple[str, str], tuple[str, ...]]:
    """What the first applied_count migrations build (see schema_objects): a file that says
    it is ours must hold at least this, or it is not the file our migrations made."""
    db = sqlite3.connect(":memory:", isolation_level=None)
    try:
        db.execute("BEGIN IMMEDIATE")
        ensure_migrations_table(db)
        for fn in MIGRATIONS[:applied_count]:
            fn(db)
        db.execute("COMMIT")
        return schema_objects(db)
    finally:
        db.close()


def schema_sql() -> str:
    """The full schema as SQL, built by running every migration on an empty in-memory
    database: for documentation (``python -c "from sorafilm_nb.money.migrations import *;
    print(schema_sql())"``), so the docs can never drift from the code."""
    db = sqlite3.connect(":memory:", isolation_level=None)
    try:
        db.execute("BEGIN IMMEDIATE")
        migrate(db)
        db.execute("COMMIT")
        rows = db.execute(
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
            "ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 ELSE 2 END, rowid"
        ).fetchall()
    finally:
        db.close()
    return ";\n\n".join(_dedent(r[0]) for r in rows) + ";\n"


def _dedent(sql: str) -> str:
    import textwrap

    first, _, rest = sql.strip().partition("\n")
    return first + ("\n" + textwrap.dedent(rest) if rest else "")
