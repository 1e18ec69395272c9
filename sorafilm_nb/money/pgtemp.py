"""A throwaway PostgreSQL server in a temporary folder: for the tests, the benchmark, and for
trying the team ledger on one machine before a real server exists.

Why our own and not pytest-postgresql: it is twenty lines of initdb + pg_ctl, it must also
serve the benchmark (no pytest there), and it must work as root (CI runs as root; PostgreSQL
refuses to, so the server is started as the ``postgres`` user with ``runuser``). The server
listens on a free loopback port and on a Unix socket in its folder, trusts local connections
(nothing leaves the machine), and is stopped and deleted by ``stop()``.

initdb is most of a start's cost (0.5-0.7 s of CPU, 2-4 s at load). Processes that start many
servers (each xdist worker of the test suite) pass ``template=FOLDER``: the first one runs
initdb and keeps a copy of the fresh data folder there, stamped with the server's version and
the initdb options; the others copy it (0.1 s) under a file lock. A template whose stamp does
not match this server (another PostgreSQL, another user) or that was left half made is built
again. Each process still gets its own server: nothing but the never-started copy is shared.
"""

from __future__ import annotations

import fcntl
import glob
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

INSTALL_HINT = (
    "no PostgreSQL server binaries (initdb, pg_ctl) found on PATH or in "
    "/usr/lib/postgresql/*/bin; install them with `apt-get install -y postgresql` (Debian, "
    "Ubuntu) or your system's postgresql server package"
)


def find_bindir() -> Path | None:
    """The folder holding initdb and pg_ctl: $PG_BINDIR, PATH, else Debian's newest."""
    env = os.environ.get("PG_BINDIR", "").strip()
    candidates = [env] if env else []
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(str(Path(on_path).parent))
    candidates += sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True
    )
    for c in candidates:
        if c and (Path(c) / "initdb").is_file() and (Path(c) / "pg_ctl").is_file():
            return Path(c)
    return None


TEMPLATE_FORMAT = 1  # bump when what a template holds changes


def initdb_args(user: str) -> list[str]:
    """initdb's options (its -D aside): what a template's stamp records."""
    return ["-U", user, "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"]


def template_stamp(bindir: Path, user: str) -> dict[str, object]:
    """What a template must have been made by to be copied: this server's version (the data
    folder's format follows it) and the same initdb options."""
    done = subprocess.run(
        [str(bindir / "initdb"), "--version"], capture_output=True, text=True, timeout=60
    )
    return {
        "format": TEMPLATE_FORMAT,
        "bindir": str(bindir),
        "version": done.stdout.strip(),
        "initdb": initdb_args(user),
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class TempServer:
    """initdb + pg_ctl start in a temp folder; ``url`` (TCP) and ``socket_url`` (Unix socket).

    durable=False turns fsync and autovacuum off: right for tests (the data is thrown away)
    and stated in the benchmark's output when used there. template: a folder to keep (or
    take) a fresh data folder in, instead of running initdb every time (see the module's
    docstring).
    """

    def __init__(
        self, *, durable: bool = True, user: str = "sorafilm", template: Path | None = None
    ) -> None:
        bindir = find_bindir()
        if bindir is None:
            raise RuntimeError(INSTALL_HINT)
        self.bindir = bindir
        self.user = user
        self.durable = durable
        self.port = 0  # chosen by the first start (_first_start)
        self.root = Path(tempfile.mkdtemp(prefix="sorafilm-pg-"))
        self.data = self.root / "data"
        self._as: list[str] = []
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            import pwd

            pw = pwd.getpwnam("postgres")
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
            self._as = ["runuser", "-u", "postgres", "--"]
        if template is None:
            self._initdb()
        else:
            self._from_template(Path(template))
        self._first_start()

    # Tries of the first start, each on a newly free port (see _first_start).
    PORT_TRIES = 5

    def _first_start(self) -> None:
        """Start on a free port, picked here and picked again when it is taken.

        A free port is only known free when asked: released for the server to bind, it can
        be taken first by any process binding port 0 (another test worker's simulator or
        server). It was picked before the template's lock and copy (seconds, while another
        worker runs initdb), and a port taken meanwhile failed the start: in the test suite
        a skip of every PostgreSQL test of that worker, which CI counts as a failure. The
        port is kept from the first start on: restart() and every URL handed out use it.
        """
        for attempt in range(self.PORT_TRIES):
            self.port = _free_port()
            try:
                self.start()
                return
            except RuntimeError:
                if attempt + 1 == self.PORT_TRIES or not self._port_was_taken():
                    raise

    def _port_was_taken(self) -> bool:
        """Whether the server's log says its port was in use (its last start's words)."""
        try:
            log = (self.root / "log").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False
        return "Address already in use" in log.rsplit("starting PostgreSQL", 1)[-1]

    def _initdb(self) -> None:
        self._run("initdb", "-D", str(self.data), *initdb_args(self.user))

    def _from_template(self, folder: Path) -> None:
        """self.data as a copy of folder's template, made first (from our own initdb) when
        folder holds none, a half-made one, or one of another server or options. The lock
        keeps two processes from building or replacing it at once, and a copy from being
        taken mid-build. cp -pR keeps the postgres user's ownership when we run as root."""
        folder.mkdir(parents=True, exist_ok=True)
        kept, stamp_file = folder / "data", folder / "stamp.json"
        want = template_stamp(self.bindir, self.user)
        with open(folder / "lock", "a+b") as lock:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)  # released when the file closes
            try:
                good = json.loads(stamp_file.read_text(encoding="utf-8")) == want
            except (OSError, ValueError):
                good = False
            if good and kept.is_dir():
                self._copy(kept, self.data)
                return
            stamp_file.unlink(missing_ok=True)  # no stamp while the template is not whole
            shutil.rmtree(kept, ignore_errors=True)
            if kept.exists():  # cp would copy into it, not over it
                raise RuntimeError(f"cannot replace the stale template {kept}")
            self._initdb()
            self._copy(self.data, kept)
            from ..safeio import write_text

            write_text(stamp_file, json.dumps(want, indent=1) + "\n")

    @staticmethod
    def _copy(src: Path, dst: Path) -> None:
        done = subprocess.run(
            ["cp", "-pR", str(src), str(dst)], capture_output=True, text=True, timeout=120
        )
        if done.returncode != 0:
            raise RuntimeError(f"copying {src} failed ({done.returncode}): {done.stderr}")

    def _run(self, tool: str, *args: str) -> None:
        cmd = [*self._as, str(self.bindir / tool), *args]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{tool} failed ({done.returncode}): {done.stderr or done.stdout}")

    @property
    def options(self) -> str:
        opts = [
            "-c listen_addresses=127.0.0.1",
            f"-c port={self.port}",
            f"-c unix_socket_directories={self.root}",
            "-c max_connections=100",
            "-c shared_buffers=32MB",
        ]
        if not self.durable:
            opts += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
            # Thrown away within the run, its tables never need vacuuming, and autovacuum's
            # own transactions (a minute in, analysing the catalogs that CREATE SCHEMA filled)
            # take ids the tests that count them (test_team_flush) would see as writes.
            opts.append("-c autovacuum=off")
        return " ".join(opts)

    def start(self) -> None:
        self._run(
            "pg_ctl", "-D", str(self.data), "-o", self.options, "-l", str(self.root / "log"),
            "-w", "-t", "60", "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def restart(self) -> None:
        """Stop (fast: every session is cut off, open transactions roll back) and start."""
        self.stop()
        self.start()

    def url(self, dbname: str = "postgres", user: str | None = None) -> str:
        return f"postgresql://{user or self.user}@127.0.0.1:{self.port}/{dbname}"

    def socket_url(self, dbname: str = "postgres", user: str | None = None) -> str:
        return f"postgresql://{user or self.user}@/{dbname}?host={self.root}&port={self.port}"

    def sql(self, statement: str, dbname: str = "postgres") -> None:
        """Run one statement as the superuser, outside any transaction (CREATE DATABASE)."""
        import psycopg

        with psycopg.connect(self.url(dbname), autocommit=True) as conn:
            conn.execute(statement.encode())  # our own SQL (the type wants a literal)

    def create_database(self, name: str) -> str:
        self.sql(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def close(self) -> None:
        """Stop the server and delete its folder (best effort: called at exit)."""
        deadline = time.monotonic() + 5
        try:
            if (self.data / "postmaster.pid").exists():
                self.stop("immediate")
        except (RuntimeError, subprocess.TimeoutExpired):
            pass
        while (self.data / "postmaster.pid").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> TempServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
