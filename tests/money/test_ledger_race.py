"""Real processes on one ledger file: racing reservations, kill -9 mid-write, first open.

Processes, not threads: SQLite's guarantees that matter here are between processes (two
kernels, a kernel and the CLI), and a thread cannot be killed with SIGKILL. The children are
forked from a clean fork server (ledger_fixtures.FreshProcesses), so none inherits the
parent's connection.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import random
import signal
import sqlite3
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from ledger_fixtures import FreshProcesses

from sorafilm_nb.money import migrations
from sorafilm_nb.money.cost import Cost
from sorafilm_nb.money.ledger import BudgetExceeded, Ledger

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")

CTX = FreshProcesses(__name__)  # real processes, forked ready (ledger_fixtures)


# -- children (module level, so a child can import them) ---------------------------------------


def _racer(path: str, seed: int, attempts: int, start: object, out: object) -> None:
    """Reserve random amounts as fast as possible; settle half of them. Report outcomes.

    Settles bill the full estimate, so what the month holds only ever grows: the final total
    is the largest it ever was, and checking it checks every moment of the race.
    """
    rng = random.Random(seed)
    got: list[tuple[str, int, str, int]] = []  # (id, estimate, final status, billed)
    refused = 0
    with Ledger(path) as led:
        start.wait()  # type: ignore[attr-defined]
        for i in range(attempts):
            cents = rng.randint(1, 25)
            try:
                r = led.reserve(Cost(Decimal(cents)), f"racer {seed} #{i}")
            except BudgetExceeded:
                refused += 1
                continue
            if rng.random() < 0.5:
                led.attach(r, f"v-{r.id}")
                led.settle(f"v-{r.id}", Cost(Decimal(cents)))
                got.append((r.id, cents, "completed", cents))
            else:
                got.append((r.id, cents, "reserved", 0))
    out.put((seed, got, refused))  # type: ignore[attr-defined]


def _writer(path: str, log: str, seed: int) -> None:
    """Loop reserve -> attach -> settle forever, appending each committed step to log."""
    rng = random.Random(seed)
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with Ledger(path) as led:
        os.write(fd, b"READY\n")
        while True:
            r = led.reserve(Cost(Decimal(rng.randint(1, 500))), f"writer {seed}")
            os.write(fd, f"R {r.id} {r.cents}\n".encode())
            led.attach(r, f"job-{r.id}")
            os.write(fd, f"A {r.id}\n".encode())
            billed = rng.randint(0, r.cents)
            led.settle(f"job-{r.id}", Cost(Decimal(billed)))
            os.write(fd, f"S {r.id} {billed}\n".encode())


def _opener(path: str, start: object, out: object) -> None:
    start.wait()  # type: ignore[attr-defined]
    try:
        with Ledger(path) as led:
            led.reserve(Cost(Decimal(1)), f"opener {os.getpid()}")
        out.put("ok")  # type: ignore[attr-defined]
    except Exception as exc:  # reported to the parent, which fails the test
        out.put(f"{type(exc).__name__}: {exc}")  # type: ignore[attr-defined]


# -- tests ------------------------------------------------------------------------------------


def test_racing_processes_never_pass_the_limit_together(tmp_path: Path) -> None:
    path = str(tmp_path / "race.sqlite3")
    limit = 600
    with Ledger(path) as led:
        led.set_budget(Cost(Decimal(limit)))
    n, attempts = 4, 80  # 4 x 80 x 13 cents on average ≈ 4100 asked of 600
    start, out = CTX.Event(), CTX.Queue()
    procs = [
        CTX.Process(target=_racer, args=(path, seed, attempts, start, out)) for seed in range(n)
    ]
    for p in procs:
        p.start()
    time.sleep(0.3)
    start.set()
    results = [out.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(timeout=30)
        assert p.exitcode == 0

    reported = {
        rid: (cents, status, billed) for _, got, _ in results for rid, cents, status, billed in got
    }
    refused = sum(r for _, _, r in results)
    assert refused > 0, "the limit was never reached: the test proves nothing"
    assert sum(len(got) for _, got, _ in results) == len(reported)  # no id twice
    db = sqlite3.connect(path)
    rows = db.execute("SELECT id, estimate_cents, status, billed_cents FROM jobs").fetchall()
    assert {r[0]: (r[1], r[2], r[3] or 0) for r in rows} == reported
    # What the month holds: charges of finished jobs plus estimates of open ones.
    held = sum(cents for cents, _, _ in reported.values())
    assert held <= limit
    # Each success was checked against everything committed before it, so at the moment of
    # the last success nothing could exceed the limit; and the ledger agrees.
    with Ledger(path) as led:
        assert led.remaining() == Cost(Decimal(limit - held))
        assert led.remaining().cents >= 0
    charges = db.execute("SELECT COUNT(*), COALESCE(SUM(cents), 0) FROM charges").fetchone()
    completed = [v for v in reported.values() if v[1] == "completed"]
    assert charges == (len(completed), sum(b for _, _, b in completed))
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()


def _read_log(log: Path) -> list[list[str]]:
    lines = log.read_bytes().split(b"\n")
    return [ln.decode().split() for ln in lines[:-1]]  # the last piece may be cut short


@pytest.mark.slow
def test_sigkill_at_random_points_loses_no_committed_row(tmp_path: Path) -> None:
    path = str(tmp_path / "killed.sqlite3")
    with Ledger(path) as led:
        led.set_budget(Cost(Decimal(10**12)))
    rng = random.Random(1234)
    rounds = 6
    for round_ in range(rounds):
        log = tmp_path / f"log{round_}"
        proc = CTX.Process(target=_writer, args=(path, str(log), round_))
        proc.start()
        deadline = time.monotonic() + 30
        # Wait for the first commit (a loaded machine may not run the child for a while),
        # then kill it at a random point of its loop.
        while not (log.exists() and log.read_bytes().startswith(b"READY\nR ")):
            assert time.monotonic() < deadline and proc.is_alive(), "writer did not start"
            time.sleep(0.005)
        time.sleep(rng.uniform(0.02, 0.25))
        os.kill(proc.pid, signal.SIGKILL)
        proc.join(timeout=10)
        assert proc.exitcode == -signal.SIGKILL

        # The file opens, is intact, and holds every step the child reported committed.
        db = sqlite3.connect(path)
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        jobs = {
            r[0]: r[1:]
            for r in db.execute("SELECT id, estimate_cents, status, job_id, billed_cents FROM jobs")
        }
        charges = dict(db.execute("SELECT job, cents FROM charges").fetchall())
        steps = _read_log(log)[1:]
        assert steps
        for step in steps:
            rid = step[1]
            assert rid in jobs, f"committed reservation {rid} lost"
            cents, status, job_id, billed = jobs[rid]
            if step[0] == "R":
                assert cents == int(step[2])
            elif step[0] == "A":
                assert job_id == f"job-{rid}" and status in ("submitted", "completed")
            else:
                assert status == "completed" and billed == int(step[2])
                assert charges[rid] == int(step[2])
        # Never double-counted: one charge per completed job, equal to its billed amount.
        completed = {rid: v[3] for rid, v in jobs.items() if v[1] == "completed"}
        assert charges == completed
        db.close()
        with Ledger(path) as led:  # and the ledger itself opens and reads it
            assert len(led.records()) == len(jobs)
            open_ids = {r.id for r in led.pending()}
            assert open_ids == {rid for rid, v in jobs.items() if v[1] != "completed"}
            assert len(open_ids) <= round_ + 1  # at most one step in flight per killed writer


def _importer(path: str, csv_path: str, log: str) -> None:
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with Ledger(path) as led:
        os.write(fd, b"READY\n")
        led.import_csv(csv_path)
        os.write(fd, b"DONE\n")


def test_an_import_killed_half_way_adds_all_or_nothing(tmp_path: Path) -> None:
    src = tmp_path / "src.sqlite3"
    n = 2000
    with Ledger(src) as led:
        led.reserve_many([{"cost": Cost(Decimal(i % 50)), "purpose": f"row {i}"} for i in range(n)])
        csv_path = led.export_csv(tmp_path / "big.csv")
    # Early kills land inside the import's one transaction; the last round lets it finish.
    for round_, delay in enumerate((0.0, 0.02, 0.05, None)):
        path = tmp_path / f"dst{round_}.sqlite3"
        log = tmp_path / f"imp{round_}.log"
        proc = CTX.Process(target=_importer, args=(str(path), str(csv_path), str(log)))
        proc.start()
        deadline = time.monotonic() + 60
        wanted = b"READY\n" if delay is not None else b"READY\nDONE\n"
        while not (log.exists() and log.read_bytes().startswith(wanted)):
            assert time.monotonic() < deadline and proc.is_alive()
            time.sleep(0.002)
        time.sleep(delay or 0)
        os.kill(proc.pid, signal.SIGKILL)
        proc.join(timeout=10)
        done = b"DONE" in log.read_bytes()
        with Ledger(path) as led:
            assert led.check() == []
            count = len(led.records())
        assert count in (0, n), f"round {round_}: {count} of {n} rows: a partial import"
        if done:
            assert count == n


def test_processes_creating_the_same_new_ledger_at_once(tmp_path: Path) -> None:
    path = str(tmp_path / "fresh" / "ledger.sqlite3")
    start, out = CTX.Event(), CTX.Queue()
    procs = [CTX.Process(target=_opener, args=(path, start, out)) for _ in range(4)]
    for p in procs:
        p.start()
    time.sleep(0.3)
    start.set()
    results = [out.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(timeout=30)
    assert results == ["ok"] * 4
    db = sqlite3.connect(path)
    assert [r[0] for r in db.execute("SELECT name FROM _migrations ORDER BY rowid")] == [
        fn.__name__ for fn in migrations.MIGRATIONS
    ]
    assert db.execute("SELECT COUNT(*) FROM jobs").fetchone()[0] == 4
    db.close()


def test_a_ledger_does_not_cross_fork(tmp_path: Path) -> None:
    if "fork" not in mp.get_all_start_methods():
        pytest.skip("no fork() here")
    led = Ledger(tmp_path / "f.sqlite3")
    led.reserve(Cost(Decimal(5)), "parent")
    out = mp.get_context("fork").Queue()
    child = mp.get_context("fork").Process(target=_use_inherited, args=(led, out))
    child.start()
    message = out.get(timeout=30)
    child.join(timeout=30)
    assert "open a new Ledger" in message
    assert len(led.records()) == 1  # the parent's connection still works
    led.close()


def _use_inherited(led: Ledger, out: object) -> None:
    try:
        led.reserve(Cost(Decimal(5)), "child")
        out.put("reserved through the parent's connection")  # type: ignore[attr-defined]
    except Exception as exc:
        out.put(str(exc))  # type: ignore[attr-defined]
