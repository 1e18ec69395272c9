"""The team ledger on a real PostgreSQL server: schema, roles, secrets, faults, races.

The rest of the ledger suite runs on both stores (conftest's ``backend``); these tests are
about what only a server has: other machines, roles, a network between client and server,
and a server that restarts. Faults are real: a TCP proxy on loopback that cuts a connection
right after forwarding a COMMIT, SIGKILLed client processes, and ``pg_ctl stop -m fast``.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pg_fixtures
import pytest
from eventually import until
from ledger_fixtures import FreshProcesses

from sorafilm_nb.errors import LedgerError
from sorafilm_nb.money import migrations, pgstore
from sorafilm_nb.money.cost import Cost
from sorafilm_nb.money.ledger import BudgetExceeded, BudgetWarning, Ledger, ProjectCapExceeded

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
CTX = FreshProcesses(__name__)  # real processes, forked ready (ledger_fixtures)


def c(cents: int) -> Cost:
    return Cost(Decimal(cents))


@pytest.fixture
def url(pg_server: object) -> str:
    return pg_fixtures.fresh_url()


def _held(led: Ledger) -> int:
    s = led.month_summary()
    return s.spent.whole_cents + s.reserved.whole_cents


# -- schema -----------------------------------------------------------------------------------


def test_both_dialects_build_the_same_tables_and_columns(url: str) -> None:
    with Ledger(url) as led, led._read() as db:
        have = pgstore.table_columns(db)  # type: ignore[arg-type]
    want = {
        name: cols
        for (kind, name), cols in migrations.expected_schema(len(migrations.MIGRATIONS)).items()
        if kind == "table"
    }
    assert have.pop("_migrations") == ("name", "applied_at", "seq")
    want.pop("_migrations")
    assert have == want


def test_amounts_are_integer_cents_with_checks(url: str) -> None:
    import psycopg

    with Ledger(url) as led:
        led.reserve(c(5), "x")
    with psycopg.connect(url, autocommit=True) as conn:
        for bad in ("-1", "'ten'", "'1.5'"):
            with pytest.raises(psycopg.Error):
                conn.execute(f"UPDATE jobs SET estimate_cents = {bad}")
        conn.execute("UPDATE jobs SET estimate_cents = 7.4")  # the cast rounds: still whole
        assert conn.execute("SELECT estimate_cents FROM jobs").fetchone()[0] == 7
        with pytest.raises(psycopg.errors.CheckViolation):
            conn.execute("UPDATE jobs SET status = 'lost'")


def test_two_clients_migrating_a_new_database_at_once_build_it_once(url: str) -> None:
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def open_one() -> None:
        try:
            barrier.wait()
            with Ledger(url) as led:
                led.reserve(c(1), "first")
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_one) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Ledger(url) as led, led._read() as db:
        names = [r[0] for r in db.execute("SELECT name FROM _migrations ORDER BY seq")]
        assert names == [fn.__name__ for fn in migrations.MIGRATIONS]
        assert len(led.records()) == 4


def test_a_database_with_tables_of_another_program_is_refused_untouched(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE jobs (id int)")
    with pytest.raises(LedgerError, match=r"did not build.*left untouched"):
        Ledger(url)
    with psycopg.connect(url, autocommit=True) as conn:
        assert conn.execute("SELECT to_regclass('_migrations')").fetchone()[0] is None


def test_a_newer_schema_is_refused(url: str) -> None:
    with Ledger(url) as led, led._write() as db:
        db.execute("INSERT INTO _migrations (name, applied_at) VALUES ('m999_future', 'x')")
    with pytest.raises(LedgerError, match="newer than this version"):
        Ledger(url)


# -- secrets ----------------------------------------------------------------------------------

SECRET = "pa55-Wd-k33p-0ut"


def test_the_password_never_shows(pg_server: object) -> None:
    srv = pg_fixtures.server()
    plain = pg_fixtures.fresh_url()
    with_pw = plain.replace(f"{srv.user}@", f"{srv.user}:{SECRET}@")
    with Ledger(with_pw) as led:  # trust auth: the password is sent and ignored
        led.set_budget(c(100))
        texts = [repr(led), str(led.path), led.report("text")]
        with pytest.raises(BudgetExceeded) as info:
            led.reserve(c(500), "too much")
        texts.append(str(info.value))
    with _closed_port() as port:
        bad_port = with_pw.replace(f":{srv.port}/", f":{port}/")
        with pytest.raises(LedgerError) as info2:
            Ledger(bad_port, busy_timeout=0.2)
    texts.append(str(info2.value))
    with pytest.raises(LedgerError) as info3:  # a malformed URL, quoted back by libpq
        Ledger(f"postgresql://u:{SECRET}@127.0.0.1:notaport/x", busy_timeout=0.2)
    texts.append(str(info3.value))
    for text in texts:
        assert SECRET not in text, text
    assert "[redacted]" in texts[0]
    query_pw = pgstore.display_url(f"postgresql://u@h/db?password={SECRET}&sslmode=require")
    assert SECRET not in query_pw and "sslmode=require" in query_pw


@contextlib.contextmanager
def _closed_port() -> Iterator[int]:
    """A local port that refuses connections while the block runs: bound, never listening,
    so no other process (another worker's PostgreSQL server, a simulator) can take it, as it
    could once a "free" port was released."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        yield int(s.getsockname()[1])


# -- roles ------------------------------------------------------------------------------------


def test_a_read_only_role_reads_but_cannot_reserve(pg_server: object) -> None:
    srv = pg_fixtures.server()
    owner = pg_fixtures.fresh_url()
    schema = owner.rsplit("search_path%3D", 1)[1]
    with Ledger(owner) as led:
        led.set_budget(c(1000))
        led.attach(led.reserve(c(100), "owner's shot"), "v1")
    for role in ("ledger_reader", "ledger_spender"):
        srv.sql(f"DO $$BEGIN CREATE ROLE {role} LOGIN; EXCEPTION WHEN duplicate_object THEN "
                "NULL; END$$")  # fmt: skip
    srv.sql(pgstore.team_grants(schema))
    reader = pg_fixtures.with_schema(srv.url(user="ledger_reader"), schema)
    spender = pg_fixtures.with_schema(srv.url(user="ledger_spender"), schema)
    with Ledger(reader) as led:
        assert len(led.records()) == 1 and "Budget report" in led.report("markdown")
        with pytest.raises(LedgerError, match="may only read"):
            led.reserve(c(1), "not allowed")
        with pytest.raises(LedgerError, match="may only read"):
            led.settle("v1", c(90))
        assert len(led.records()) == 1  # nothing was written
    with Ledger(spender) as led:
        r = led.reserve(c(50), "spender's shot")
        led.attach(r, "v2")
        led.settle("v2", c(40))
        led.settle("v1", c(90))
        with pytest.raises(LedgerError, match="may only read"):
            led.set_budget(c(10**6))
        assert led.remaining() == c(1000 - 90 - 40)


# -- who spent it -----------------------------------------------------------------------------


def test_each_reservation_records_user_project_and_machine(
    make_ledger: Callable[..., Ledger], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SORAFILM_USER", "ada")
    with make_ledger(project="repo-a") as led:
        r = led.reserve(c(10), "shot")
        assert (r.user_name, r.project, r.machine) == ("ada", "repo-a", socket.gethostname())
        r2 = led.reserve(c(5), "shot", project="repo-b", user="bob")
        got = {x.id: (x.user_name, x.project) for x in led.records()}
        assert got == {r.id: ("ada", "repo-a"), r2.id: ("bob", "repo-b")}
        data = led.report("json")
    assert '"by_user"' in data and '"bob"' in data and '"repo-b"' in data


def test_a_project_cap_inside_the_team_budget(make_ledger: Callable[..., Ledger]) -> None:
    with make_ledger() as led:
        led.set_budget(c(1000))
        led.set_project_cap("small", c(100))
        assert led.project_cap("small") == c(100) and led.project_cap("other") is None
        led.reserve(c(60), "a", project="small")
        with pytest.raises(ProjectCapExceeded, match="'small' past its monthly cap"):
            led.reserve(c(50), "b", project="small")
        with pytest.raises(BudgetExceeded):  # one handler catches both
            led.reserve(c(41), "b", project="small")
        led.reserve(c(40), "c", project="small")
        led.reserve(c(800), "d", project="other")  # other projects: only the team budget
        with pytest.raises(BudgetExceeded):
            led.reserve(c(101), "e", project="other")
        assert led.remaining() == c(100)


# -- faults -----------------------------------------------------------------------------------


def _commits(data: bytes) -> bool:
    """A simple-query message (Q, int32 length, SQL) that holds a COMMIT, or an
    extended-protocol execution (Bind, Execute, Sync) of a prepared statement: the ledger's
    one-statement writes run in autocommit, so it commits."""
    return (data[:1] == b"Q" and b"COMMIT" in data) or data[:1] == b"B"


class CuttingProxy:
    """A loopback TCP proxy to the server that, once armed, forwards the next message that
    commits (a COMMIT, or a prepared write's execution) and then cuts the connection before
    the server's reply reaches the client."""

    def __init__(self, port: int, cuts: Callable[[bytes], bool] | None = None) -> None:
        self.upstream = port
        self.cuts = cuts or _commits
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.armed = threading.Event()
        self.replied = threading.Event()
        self.dropped = 0  # replies to a COMMIT the client never saw
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.upstream))
            cut = threading.Event()  # set: nothing more reaches the client
            for args in ((client, server, True, cut), (server, client, False, cut)):
                threading.Thread(target=self._pump, args=args, daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, up: bool, cut: threading.Event) -> None:
        try:
            while data := src.recv(65536):
                if cut.is_set():  # the server's reply to the COMMIT: proof it committed
                    self.dropped += 1
                    self.replied.set()
                    return
                if up and self.armed.is_set() and self.cuts(data):
                    self.armed.clear()
                    cut.set()  # before forwarding: the reply must never get through
                    dst.sendall(data)
                    self.replied.wait(30)
                    return
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()

    def close(self) -> None:
        self.listener.close()


def test_a_commit_whose_reply_is_lost_is_found_not_made_twice(url: str) -> None:
    srv = pg_fixtures.server()
    proxy = CuttingProxy(srv.port)
    via = url.replace(f":{srv.port}/", f":{proxy.port}/")
    try:
        with Ledger(via) as led:
            led.set_budget(c(100))
            proxy.armed.set()
            r = led.reserve(c(60), "the reply of this COMMIT is lost")
            assert proxy.dropped == 1  # the server committed, the client never heard
            proxy.replied.clear()
            proxy.armed.set()
            led.attach(r, "v1")  # attach's reply is lost too: re-run, it is a no-op
            assert proxy.dropped == 2
            with pytest.raises(BudgetExceeded):  # exactly one 60 is held, not two
                led.reserve(c(41), "over")
    finally:
        proxy.close()
    with Ledger(url) as led:
        assert [(x.id, x.status, x.job_id) for x in led.records()] == [(r.id, "submitted", "v1")]
        assert led.remaining() == c(40) and led.check() == []


def test_a_connection_cut_while_opening_is_opened_again(url: str) -> None:
    # The server restarting while a client opens the ledger (seen in the race below under
    # heavy load: a racer still opening when the restart came exited with "cannot open").
    srv = pg_fixtures.server()
    with Ledger(url) as led:
        led.set_budget(c(100))
    proxy = CuttingProxy(srv.port, cuts=lambda data: data[:1] in (b"P", b"Q"))
    via = url.replace(f":{srv.port}/", f":{proxy.port}/")
    try:
        proxy.armed.set()  # the open's first query is answered, the answer never arrives
        with Ledger(via, busy_timeout=10) as led:
            assert proxy.dropped == 1
            assert led.remaining() == c(100)
    finally:
        proxy.close()


def test_a_statement_after_a_cut_connection_connects_again(url: str) -> None:
    # flush and wait_for_lock run alone on the autocommit connection: the call that finds it
    # cut (the server ended the session) says Disconnected, and the next one connects again.
    srv = pg_fixtures.server()
    store = pgstore.PgStore(url, busy_timeout=10, refuse=LedgerError)
    try:
        for call in (store.flush, lambda: store.wait_for_lock(pgstore.BUDGET_LOCK)):
            pid = store._conn.info.backend_pid
            srv.sql(f"SELECT pg_terminate_backend({pid}, 10000)")  # waits until it is gone
            with pytest.raises(pgstore.Disconnected):
                call()
            call()
            assert store._conn.info.backend_pid != pid
    finally:
        store.close()


def _hold_budget_lock(url: str) -> object:
    import psycopg

    conn = psycopg.connect(url, autocommit=True)
    conn.execute("BEGIN")
    conn.execute("SELECT pg_advisory_xact_lock(%s)", (pgstore.BUDGET_LOCK,))
    return conn


def test_server_restarted_mid_reservation(url: str) -> None:
    srv = pg_fixtures.server()
    with Ledger(url) as led:
        led.set_budget(c(100))
    blocker = _hold_budget_lock(url)  # the reservation waits inside its transaction
    got: list[object] = []

    def reserve() -> None:
        with Ledger(url) as led:
            try:
                got.append(led.reserve(c(70), "across a restart"))
            except BaseException as exc:
                got.append(exc)

    t = threading.Thread(target=reserve)
    t.start()
    until(lambda: pg_fixtures.lock_waiters() == 1 or got, "waited for the budget lock")
    assert not got  # still waiting on the budget
    srv.restart()  # fast: every session is cut, open transactions roll back
    t.join(timeout=60)
    blocker.close()  # type: ignore[attr-defined]
    assert len(got) == 1 and not isinstance(got[0], BaseException), got
    with Ledger(url) as led:
        assert [r.id for r in led.records()] == [got[0].id]  # type: ignore[attr-defined]
        assert led.remaining() == c(30) and led.check() == []


def _reserve_and_report(url: str, out: object) -> None:
    with Ledger(url) as led:
        out.put("started")  # type: ignore[attr-defined]
        led.reserve(Cost(Decimal(70)), "killed while waiting inside its transaction")
        out.put("reserved")  # type: ignore[attr-defined]


def test_a_client_killed_mid_transaction_leaves_nothing_and_no_lock(url: str) -> None:
    with Ledger(url) as led:
        led.set_budget(c(100))
    blocker = _hold_budget_lock(url)
    out = CTX.Queue()
    p = CTX.Process(target=_reserve_and_report, args=(url, out))
    p.start()
    assert out.get(timeout=60) == "started"
    until(lambda: pg_fixtures.lock_waiters() == 1, "waited for the budget lock")  # in reserve's
    os.kill(p.pid, signal.SIGKILL)  # type: ignore[arg-type]
    p.join()
    blocker.close()  # type: ignore[attr-defined]
    with Ledger(url, busy_timeout=5) as led:
        assert led.records() == []
        led.reserve(c(100), "the whole budget is still there")  # and no lock was left
        assert led.remaining() == c(0) and led.check() == []


# -- the race: 8 processes on two "machines", SIGKILLs and a server restart --------------------


def _racer(url: str, machine: str, seed: int, attempts: int, log: str) -> None:
    """Reserve random amounts; settle half (billed the estimate, so what the month holds only
    grows). Append each reservation it was given, then its settlement, to log."""
    rng = random.Random(seed)
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with Ledger(url, machine=machine, user=f"racer{seed}") as led:
        os.write(fd, b"READY\n")
        for i in range(attempts):
            cents = rng.randint(1, 25)
            try:
                r = led.reserve(Cost(Decimal(cents)), f"racer {seed} #{i}")
            except BudgetExceeded:
                os.write(fd, b"REFUSED\n")
                continue
            os.write(fd, f"R {r.id} {cents}\n".encode())
            if rng.random() < 0.5:
                led.attach(r, f"v-{r.id}")
                led.settle(f"v-{r.id}", Cost(Decimal(cents)))
                os.write(fd, f"S {r.id} {cents}\n".encode())
    os.write(fd, b"DONE\n")


@pytest.mark.slow
def test_eight_processes_on_two_machines_with_kills_and_a_restart(
    tmp_path: Path, pg_server: object
) -> None:
    srv = pg_fixtures.server()
    tcp = pg_fixtures.fresh_url()
    schema = tcp.rsplit("search_path%3D", 1)[1]
    unix = pg_fixtures.with_schema(srv.socket_url(), schema)  # the other machine's route
    limit = 4000
    with Ledger(tcp) as led:
        led.set_budget(c(limit))
    procs, logs = [], []
    for n in range(8):
        machine, route = ("machine-a", tcp) if n < 4 else ("machine-b", unix)
        log = str(tmp_path / f"racer{n}.log")
        logs.append(log)
        procs.append(CTX.Process(target=_racer, args=(route, machine, n, 400, log)))
    for p in procs:
        p.start()

    def entries(log: str) -> int:  # lines after READY: reservations, settlements, refusals
        return Path(log).read_bytes().count(b"\n") - 1 if Path(log).exists() else -1

    # Kill mid-run, whatever the speed: once each victim has done some work, and long before
    # its 400 attempts are done (a fixed sleep let a fast run finish before the kill).
    deadline = time.monotonic() + 60
    while not all(entries(logs[v]) >= 10 for v in (1, 6)):
        assert time.monotonic() < deadline
        time.sleep(0.01)
    for victim in (procs[1], procs[6]):  # one on each machine, mid-run
        os.kill(victim.pid, signal.SIGKILL)  # type: ignore[arg-type]
    time.sleep(0.2)
    srv.restart()
    for p in procs:
        p.join(timeout=120)
    assert [p.exitcode for p in procs] == [0, -9, 0, 0, 0, 0, -9, 0]

    given: dict[str, int] = {}
    settled: dict[str, int] = {}
    refused = 0
    for log in logs:
        lines = Path(log).read_bytes().split(b"\n")[:-1]
        for words in (ln.decode().split() for ln in lines):
            if words[0] == "R":
                assert words[1] not in given  # never handed out twice
                given[words[1]] = int(words[2])
            elif words[0] == "S":
                settled[words[1]] = int(words[2])
            elif words[0] == "REFUSED":
                refused += 1
    assert refused > 0, "the limit was never reached: the race proves nothing"
    with Ledger(tcp) as led:
        rows = {r.id: r for r in led.records()}
        # Every reservation a client was given exists, with its amount (none lost) ...
        assert {i: rows[i].cents for i in given} == given
        # ... settled ones are charged once; only a killed client may leave extra rows
        # (committed but not yet logged when it died), never a surviving one.
        assert all(rows[i].billed_cents == b for i, b in settled.items())
        extra = {r.user_name for i, r in rows.items() if i not in given}
        assert extra <= {"racer1", "racer6"}
        # each row names the machine its racer ran on (racer0-3 on a, racer4-7 on b). Not
        # "both machines have rows": at load, machine-a's racers could take the whole budget
        # before machine-b's first try, and b's were all refused (seen once, load ~4)
        for r in rows.values():
            assert r.machine == ("machine-a" if int(r.user_name[5:]) < 4 else "machine-b")
        held = _held(led)
        assert held == sum(
            (r.billed_cents or 0) if not r.is_open else r.cents for r in rows.values()
        )
        assert held <= limit
        assert led.check() == []


# -- moving in, and choosing the team ledger ---------------------------------------------------


def test_budget_migrate_copies_a_personal_history_once(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from sorafilm_nb.cli import main as cli

    mine = tmp_path / "mine.sqlite3"
    with Ledger(mine) as led:
        led.set_budget(c(500))
        r = led.reserve(c(120), "my shot", model="sora-2", seconds=4)
        led.attach(r, "v-mine")
        led.settle("v-mine", c(110))
        led.release(led.reserve(c(30), "never made"), "create failed")
        open_one = led.reserve(c(50), "still open")
    with Ledger(url) as team:
        team.set_budget(c(10_000))
        team.reserve(c(7), "a colleague's")
    args = ["budget", "migrate", "--ledger", str(mine), "--to", url, "--user", "ada"]
    assert cli(args) == 0
    assert "copied 3 job(s)" in capsys.readouterr().out
    assert cli(args) == 0  # twice: nothing more
    out = capsys.readouterr().out
    assert "copied 0 job(s)" in out and "3 already there" in out
    with Ledger(url) as team:
        recs = {x.id: x for x in team.records()}
        assert len(recs) == 4
        assert recs[r.id].billed_cents == 110 and recs[r.id].user_name == "ada"
        assert recs[open_one.id].is_open and team.budget().limit == c(10_000)
        assert team.remaining() == c(10_000 - 7 - 110 - 50) and team.check() == []
        data = team.report("json")
    assert '"ada"' in data
    # The env var and --ledger name the team ledger like a file.
    monkeypatch.setenv("SORAFILM_LEDGER", url)
    with Ledger() as led:
        assert len(led.records()) == 4
    assert cli(["budget", "show"]) == 0
    out = capsys.readouterr().out
    assert "remaining" in out
    assert f"ledger:    {pgstore.display_url(url)}\n" in out  # the URL whole, not path-folded
    assert cli(["budget", "history", "--ledger", url, "--json"]) == 0
    assert '"user_name": "ada"' in capsys.readouterr().out


def test_the_readme_shows_the_grants_the_roles_test_runs() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## One budget for a team\n", 1)[1].split("\n## ", 1)[0]
    assert pgstore.team_grants() in section


def test_the_real_budget_check_never_builds_a_team_ledger(
    url: str, caplog: pytest.LogCaptureFixture
) -> None:
    import psycopg

    with Ledger.for_simulator() as sandbox:
        with caplog.at_level("WARNING", logger="sorafilm_nb.money.ledger"):
            assert sandbox.check_real_budget(c(880), real=url) is None
        assert "no team ledger at" in caplog.text and "nothing was created" in caplog.text
        with psycopg.connect(url, autocommit=True) as conn:  # a read wrote nothing
            tables = conn.execute(
                "SELECT count(*) FROM information_schema.tables "
                "WHERE table_schema = current_schema()"
            ).fetchone()[0]
            assert tables == 0
        with Ledger(url) as team:  # once it exists, the check reads it
            team.set_budget(c(500))
        with pytest.warns(BudgetWarning, match=r"\$5\.00"):
            check = sandbox.check_real_budget(c(880), real=url)
        assert check is not None and not check.fits and check.limit == c(500)


def test_a_read_opens_an_older_team_ledger_as_any_open_does(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """create=False (the CLI's reads, check_real_budget) refuses only to build a ledger where
    there is none: one from an older version is upgraded on open, as always, so a command
    that uses a newer column (the held mark) works on it."""
    import psycopg

    from sorafilm_nb.cli import main as cli
    from sorafilm_nb.money.pgconn import PgConnection

    with psycopg.connect(url, autocommit=True) as conn:
        db = PgConnection(conn)
        db.execute("BEGIN")
        migrations.ensure_migrations_table(db, migrations.POSTGRES)  # type: ignore[arg-type]
        for fn in migrations.MIGRATIONS[:6]:  # the team ledger as the last version left it
            fn(db, migrations.POSTGRES)
            db.execute("INSERT INTO _migrations (name, applied_at) VALUES (?, 'x')", (fn.__name__,))
        db.execute("COMMIT")
    assert cli(["budget", "pending", "--release-stale", "--ledger", url]) == 0
    assert "nothing pending" in capsys.readouterr().out
    with Ledger(url, create=False) as led:
        assert led.held() == [] and led.check() == []


def test_the_real_budget_check_of_a_team_ledger_holds_no_password(url: str, tmp_path: Path) -> None:
    """check_real_budget's answer is returned, shown by the notebook's picker and repr'd: it
    names the team ledger with its password masked (it carried the URL as given)."""
    secret = "pw-" + "s3cr3t-for-the-check"
    real = f"{url}&password={secret}"
    with Ledger(real) as team:
        team.set_budget(Cost(Decimal(1)))
    sandbox_file = tmp_path / "sandbox.sqlite3"
    with Ledger(sandbox_file, sandbox=True) as sandbox, pytest.warns(BudgetWarning) as said:
        check = sandbox.check_real_budget(Cost(Decimal(5)), real=real)
    assert check is not None and not check.fits
    assert secret not in repr(check) and secret not in str(check.ledger)
    assert secret not in (check.command or "") and "budget set" in (check.command or "")
    assert all(secret not in str(w.message) for w in said)
