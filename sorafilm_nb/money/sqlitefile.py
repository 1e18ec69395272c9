"""Opening the ledger's SQLite file safely, and waiting for another process's lock.

Split from ``store`` (which keeps the location, the transactions and the team ledger's
switch): everything here is about one SQLite file before and around a transaction, not about
money. A file that is not ours is refused before anything is written (``_check_ours`` reads
bytes only; ``_peek`` looks through a read-only view), a new ledger is built aside and linked
into place whole (``_create``), the schema is classified and migrated on open, and a busy
lock is waited out with short random sleeps (``_begin``), not SQLite's busy handler.
"""

from __future__ import annotations

import os
import random
import sqlite3
import time
import uuid
from contextlib import suppress
from pathlib import Path

from ..errors import LedgerError
from . import migrations
from .pgstore import LedgerMissing

SQLITE_HEADER = b"SQLite format 3\x00"


class SqliteFile:
    """The SQLite half of LedgerFile: opening, refusing, migrating, and the lock wait."""

    path: Path | str
    dialect: str
    busy_timeout: float
    create: bool  # False: open only a ledger that exists, never make one

    # -- opening -----------------------------------------------------------------------------

    def _refuse(self, why: str) -> LedgerError:
        """The error for a location that is not a ledger of ours (LedgerFile words it)."""
        raise NotImplementedError

    def _open(self) -> sqlite3.Connection:
        p = Path(self.path)  # a SQLite ledger's path is always a Path
        if os.path.lexists(p):
            self._check_ours(p)  # reads bytes only: a foreign file is refused untouched
        elif not self.create:
            raise LedgerMissing(f"there is no ledger at {p} yet (nothing was created there)")
        else:
            self._create(p)
        try:
            db = sqlite3.connect(
                str(p), timeout=self.busy_timeout, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise LedgerError(f"cannot open the ledger {p}: {exc}") from None
        db.row_factory = sqlite3.Row
        try:
            state = self._classify(db)  # read-only: nothing is written to a foreign file
            self._pragma_wal(db)
            db.execute("PRAGMA synchronous = NORMAL")
            db.execute("PRAGMA foreign_keys = ON")
            if state != "current":
                db.execute("BEGIN IMMEDIATE")
                try:
                    if self._classify(db) != "current":  # another process may have won
                        migrations.migrate(db)
                    db.execute("COMMIT")
                except BaseException:
                    db.execute("ROLLBACK")
                    raise
            db.execute("PRAGMA busy_timeout = 0")  # from here on, _begin() waits (see there)
        except LedgerError:
            db.close()
            raise
        except sqlite3.DatabaseError as exc:
            db.close()
            if _busy(exc):  # ours, but another process kept it locked the whole time
                raise self._wrap(exc) from None
            raise self._refuse(f"SQLite says: {exc}") from None
        return db

    def _create(self, p: Path) -> None:
        """Build a new ledger beside p and link it into place whole.

        Why not let SQLite create p: between the empty file appearing and the first commit,
        another process would see a zero-byte file, which is refused (it could be anybody's).
        Built aside, the file at p is always complete and carries our application_id; a
        process that loses the race to create it opens the winner's file instead.
        """
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LedgerError(
                f"cannot create the ledger folder {p.parent}: {exc.strerror}"
            ) from None
        tmp = p.with_name(f".{p.name}.{uuid.uuid4().hex}.creating")
        try:
            db = sqlite3.connect(str(tmp), isolation_level=None)
            try:
                db.execute("BEGIN IMMEDIATE")
                migrations.migrate(db)
                db.execute("COMMIT")
            finally:
                db.close()
            try:
                os.link(tmp, p)  # never replaces: the first creator wins
            except FileExistsError:
                pass
            except OSError:  # a file system without hard links: a rename, checked first
                if not os.path.lexists(p):
                    os.rename(tmp, p)
        except (OSError, sqlite3.Error) as exc:
            raise LedgerError(f"cannot create the ledger {p}: {exc}") from None
        finally:
            with suppress(OSError):
                os.unlink(tmp)

    def _check_ours(self, p: Path) -> None:
        """Refuse, before SQLite opens it, a file at p that this program did not create.

        Read as bytes: the SQLite header's application_id (offset 68) is set when a ledger
        is built, so another program's database, a database of views, or an empty file is
        refused without SQLite touching it (opening a foreign file could roll back its
        journal or checkpoint its WAL into it).
        """
        if not p.is_file():
            raise self._refuse("it is not a regular file")
        try:
            with open(p, "rb") as f:
                head = f.read(100)
        except OSError as exc:
            raise self._refuse(f"it cannot be read ({exc.strerror})") from None
        if not head:
            raise self._refuse(
                "it is empty (0 bytes); this program builds a ledger whole before putting it "
                "there, so an empty file is not one of ours (delete it if you know it is)"
            )
        if head[: len(SQLITE_HEADER)] != SQLITE_HEADER or len(head) < 100:
            raise self._refuse("it is not a SQLite database")
        app_id = int.from_bytes(head[68:72], "big")
        wal = Path(f"{p}-wal")
        if app_id == 0 and wal.is_file() and wal.stat().st_size:
            # Ours, but killed before the WAL holding our mark was checkpointed? Ask SQLite,
            # read-only (a read-only connection never checkpoints into the file).
            app_id = int(next(iter(self._peek(p, "PRAGMA application_id")), (0,))[0])
        if app_id == migrations.APPLICATION_ID:
            return
        if app_id != 0:
            raise self._refuse(
                f"it is a SQLite database of another program (application_id {app_id:#x})"
            )
        rows = self._peek(
            p, "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY 1, 2"
        )
        tables = [str(n) for t, n in rows if t == "table"]
        views = [str(n) for t, n in rows if t == "view"]

        def shown(names: list[str]) -> str:
            return ", ".join(names[:8]) + (", ..." if len(names) > 8 else "")

        what = (
            f"tables: {shown(tables)}"
            if tables
            else f"views: {shown(views)}"
            if views
            else ("an empty database")
        )
        raise self._refuse(f"it is a SQLite database of another program ({what})")

    def _peek(self, p: Path, sql: str) -> list[tuple[str | int, ...]]:
        """sql on a read-only view of p that cannot change it (no journal rollback, no WAL
        checkpoint); [] when SQLite cannot read it."""
        uri = f"{p.resolve().as_uri()}?mode=ro"
        if not os.path.exists(f"{p}-wal"):
            uri += "&immutable=1"
        try:
            db = sqlite3.connect(uri, uri=True)
        except sqlite3.Error:
            return []
        try:
            return [tuple(r) for r in db.execute(sql).fetchall()]
        except sqlite3.Error:
            return []
        finally:
            db.close()

    def _classify(self, db: sqlite3.Connection) -> str:
        """'old' (ours, needs migrations) or 'current'; raises for anything else.

        Ours means our application_id, migrations recorded in our order, and every table,
        column, index and trigger those migrations build.
        """
        app_id = db.execute("PRAGMA application_id").fetchone()[0]
        if app_id != migrations.APPLICATION_ID:
            raise self._refuse(
                f"it is a SQLite database of another program (application_id {app_id:#x})"
            )
        newer = migrations.unknown(db)
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if newer or version > len(migrations.MIGRATIONS):
            raise self._refuse(
                "its schema is newer than this version of sorafilm-nb understands "
                f"(unknown migrations: {', '.join(newer) or '-'}; schema version {version}, "
                f"ours {len(migrations.MIGRATIONS)}); upgrade sorafilm-nb to use it"
            )
        done = migrations.applied(db)
        ours = [fn.__name__ for fn in migrations.MIGRATIONS[: len(done)]]
        have = migrations.schema_objects(db)
        expected = migrations.expected_schema(len(done))
        missing = sorted(
            name for key, cols in expected.items() for name in [key[1]] if have.get(key) != cols
        )
        if done != ours or missing:
            why = (
                f"missing or different: {', '.join(missing)}"
                if missing
                else (f"migrations out of order: {', '.join(done)}")
            )
            raise self._refuse(f"its schema is not the one sorafilm-nb builds ({why})")
        return "current" if len(done) == len(migrations.MIGRATIONS) else "old"

    def _pragma_wal(self, db: sqlite3.Connection) -> None:
        # Switching a new file to WAL needs a moment alone with it; two processes creating
        # the same ledger at once may see "locked" here, which the busy handler does not cover.
        deadline = time.monotonic() + self.busy_timeout
        while True:
            try:
                mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)
        if str(mode).lower() != "wal":
            raise LedgerError(
                f"cannot put the ledger {self.path} in WAL mode (got {mode!r}); "
                "is it on a network file system?"
            )

    # -- the lock wait ---------------------------------------------------------------------

    def _wrap(self, exc: sqlite3.Error) -> LedgerError:
        if _busy(exc):
            return LedgerError(
                f"the ledger {self.path} stayed locked by another process for "
                f"{self.busy_timeout:g} s; nothing was written, try again"
            )
        return LedgerError(f"ledger {self.path}: {exc}")

    def _begin(self, db: sqlite3.Connection, *sql: str) -> None:
        """Run sql (the start of a transaction), retrying while another process holds the lock.

        Our own loop rather than SQLite's busy handler: that one sleeps 1, 2, 5, 10, 15, 20 ms
        and more between tries, so with several processes a waiter sleeps far longer than the
        fraction of a millisecond a ledger transaction holds the lock (4 processes ran at a
        third of the speed of one). Short random sleeps keep them interleaving.
        """
        delay, deadline = 0.0002, 0.0
        while True:
            try:
                for stmt in sql:
                    db.execute(stmt)
                return
            except sqlite3.OperationalError as exc:
                if db.in_transaction:
                    with suppress(sqlite3.Error):
                        db.execute("ROLLBACK")
                if not _busy(exc):
                    raise self._wrap(exc) from None
                now = time.monotonic()
                if not deadline:
                    deadline = now + self.busy_timeout
                elif now > deadline:
                    raise self._wrap(exc) from None
                time.sleep(_jitter.uniform(delay / 2, delay))
                delay = min(delay * 2, 0.004)
            except sqlite3.Error as exc:
                raise self._wrap(exc) from None


_jitter = random.Random()


def _busy(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and (
        "locked" in str(exc) or "busy" in str(exc)
    )
