"""A throwaway PostgreSQL server in a temporary folder: for the tests, the benchmark, and for
trying the team ledger on one machine before a real server exists.

Why our own and not pytest-postgresql: it is twenty lines of initdb + pg_ctl, it must also
serve the benchmark (no pytest there), and it must work as root (CI runs as root; PostgreSQL
refuses to, so the server is started as the ``postgres`` user with ``runuser``). The server
listens on a free loopback port and on a Unix socket in its folder, trusts local connections
(nothing leaves the machine), and is stopped and deleted by ``stop()``.
"""

from __future__ import annotations

import glob
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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class TempServer:
    """initdb + pg_ctl start in a temp folder; ``url`` (TCP) and ``socket_url`` (Unix socket).

    durable=False turns fsync off: right for tests (the data is thrown away) and stated in the
    benchmark's output when used there.
    """

    def __init__(self, *, durable: bool = True, user: str = "sorafilm") -> None:
        bindir = find_bindir()
        if bindir is None:
            raise RuntimeError(INSTALL_HINT)
        self.bindir = bindir
        self.user = user
        self.durable = durable
        self.port = _free_port()
        self.root = Path(tempfile.mkdtemp(prefix="sorafilm-pg-"))
        self.data = self.root / "data"
        self._as: list[str] = []
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            import pwd

            pw = pwd.getpwnam("postgres")
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
            self._as = ["runuser", "-u", "postgres", "--"]
        self._run(
            "initdb", "-D", str(self.data), "-U", user, "--auth=trust", "-E", "UTF8",
            "--no-locale", "--no-sync",
        )  # fmt: skip
        self.start()

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
