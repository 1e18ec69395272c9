"""Ledger throughput: reserve + attach + settle per job, on one SQLite file and a PostgreSQL server.

    python benchmarks/bench_ledger.py [--jobs N] [--procs P] [--url postgresql://...]

The team ledger (PostgreSQL) runs with --pg-procs client processes (default 8), each with its
own connection, against --url, or, without --url, a throwaway server this script starts in a
temporary folder when the PostgreSQL binaries are installed (a durable one: fsync on, as a
real server; its commit latency is printed). SQLite is run with the same number of processes
in the same run, so the two figures sit side by side. Target on both: >= 500 pairs/s, never
over the limit.

Prints pairs/s (one "pair" = a reservation and its settlement, i.e. the three write
transactions reserve, attach and settle of one job) and the ratio to a baseline measured in
the same run: a bare sqlite3 loop in one process doing one INSERT + COMMIT per row, with the
same pragmas (WAL, synchronous=NORMAL). The limit is set so that it is hit part-way through
the multi-process run; the run fails (exit 1) if the total held ever passed it, or if the
counts do not add up. Every job is billed exactly its estimate, so what the month holds
only grows: the total at the end is the largest it ever was, and checking it checks the
whole run. Target: >= 500 pairs/s with 4 processes; a miss is reported as SLOW
(with the load average, since other work on a 2-core machine halves every figure) and fails
the run only with --strict.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import sqlite3
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import record

from sorafilm_nb.money.cost import Cost
from sorafilm_nb.money.ledger import BudgetExceeded, Ledger

CENTS = 10  # every job is estimated and billed at 10 cents
TARGET = 500.0


def baseline(path: Path, n: int) -> float:
    """rows/s of a bare INSERT + COMMIT loop, one process, same pragmas."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("CREATE TABLE t (id TEXT PRIMARY KEY, cents INTEGER NOT NULL)")
    t0 = time.perf_counter()
    for i in range(n):
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO t VALUES (?, ?)", (f"row-{i}", CENTS))
        db.execute("COMMIT")
    dt = time.perf_counter() - t0
    db.close()
    return n / dt


def worker(path: str, n: int, ready: object, start: object, out: object) -> None:
    done = refused = 0
    with Ledger(path) as led:
        ready.put(os.getpid())  # type: ignore[attr-defined]
        start.wait()  # type: ignore[attr-defined]
        t0, c0 = time.perf_counter(), time.process_time()
        for i in range(n):
            try:
                r = led.reserve(
                    Cost(Decimal(CENTS)),
                    f"bench {os.getpid()} #{i}",
                    model="sora-2",
                    size="720x1280",
                    seconds=4,
                )
            except BudgetExceeded:
                refused += 1
                continue
            led.attach(r, f"job-{r.id}")
            led.settle(f"job-{r.id}", Cost(Decimal(CENTS)))
            done += 1
        dt, cpu = time.perf_counter() - t0, time.process_time() - c0
    out.put((done, refused, t0, t0 + dt, cpu))  # type: ignore[attr-defined]


def server_cpu(pid: int | None) -> float:
    """CPU seconds used so far by a local server: the postmaster, its exited children (the
    backends of closed connections, reaped into its cutime/cstime) and its live children
    (the backends still open, the WAL writer, the checkpointer). 0.0 without a pid."""
    if pid is None:
        return 0.0
    tick = os.sysconf("SC_CLK_TCK")

    def fields(p: int | str) -> list[str]:
        text = Path(f"/proc/{p}/stat").read_text()
        return text[text.rindex(")") + 2 :].split()  # from the state on (field 3)

    own = fields(pid)
    total = sum(int(x) for x in own[11:15])  # utime, stime, cutime, cstime
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                f = fields(entry)
            except (OSError, ValueError):
                continue  # exited meanwhile
            if int(f[1]) == pid:
                total += int(f[11]) + int(f[12])
    return total / tick


def run(
    path: Path | str,
    procs: int,
    per_proc: int,
    limit_jobs: int | None,
    server: int | None = None,
) -> tuple[float, int, int, float, float]:
    """(pairs/s, jobs done, refused, client CPU per pair, server CPU per pair). server: the
    pid of a local PostgreSQL's postmaster, whose CPU is measured over the run."""
    with Ledger(path) as led:
        if limit_jobs is not None:
            led.set_budget(Cost(Decimal(limit_jobs * CENTS)))
    ctx = mp.get_context("spawn")
    ready, start, out = ctx.Queue(), ctx.Event(), ctx.Queue()
    ps = [
        ctx.Process(target=worker, args=(str(path), per_proc, ready, start, out))
        for _ in range(procs)
    ]
    for p in ps:
        p.start()
    for _ in ps:  # every child has imported and opened the ledger
        ready.get(timeout=120)
    cpu0 = server_cpu(server)
    start.set()
    results = [out.get(timeout=600) for _ in ps]
    for p in ps:
        p.join()
        if p.exitcode != 0:
            sys.exit(f"worker exited with {p.exitcode}")
    if server is not None:
        time.sleep(0.3)  # the closed connections' backends are reaped (counted in cutime)
    cpu_server = server_cpu(server) - cpu0
    done = sum(r[0] for r in results)
    refused = sum(r[1] for r in results)
    wall = max(r[3] for r in results) - min(r[2] for r in results)
    cpu = sum(r[4] for r in results)
    # Attempts that were refused are cheap (one read-check transaction); count only pairs.
    return done / wall, done, refused, cpu / max(done, 1), cpu_server / max(done, 1)


def check_run(
    name: str,
    path: Path | str,
    procs: int,
    jobs: int,
    failures: list[str],
    slow: list[str],
    server: int | None = None,
) -> float:
    """Race procs processes to a limit hit three quarters of the way through; check it held.
    server: a local PostgreSQL's postmaster pid, to print the server's CPU per pair too."""
    total = procs * jobs
    limit_jobs = total * 3 // 4
    many, done, refused, cpun, cpus = run(path, procs, jobs, limit_jobs, server)
    on_server = f" + {cpus * 1e3:.2f} ms on the server" if server is not None else ""
    print(
        f"{name:<9} {procs} processes: {many:8.0f} pairs/s  ({done} jobs, {refused} refused at "
        f"the limit, {cpun * 1e3:.2f} ms client CPU per pair{on_server}; load average "
        f"{os.getloadavg()[0]:.1f})"
    )
    with Ledger(path) as led:
        summary = led.month_summary()
        held = summary.spent.whole_cents + summary.reserved.whole_cents
        rows = len(led.records())
        problems = led.check()
    limit = limit_jobs * CENTS
    print(
        f"check     limit {limit} cents, held {held} cents, {rows} rows, "
        f"{done} + {refused} = {done + refused} of {total} attempts"
    )
    if held > limit:
        failures.append(f"{name}: the total held ({held}) passed the limit ({limit})")
    if done + refused != total or rows != done or done != limit_jobs or problems:
        failures.append(f"{name}: the counts do not add up {problems}")
    if many < TARGET:
        slow.append(
            f"{name}: {many:.0f} pairs/s with {procs} processes is under the target of "
            f"{TARGET:.0f} (load average now {os.getloadavg()[0]:.1f})"
        )
    return many


def commit_latency(url: str) -> float:
    """Milliseconds per durable one-row commit on the server (what a lock held through a
    flush would cost every reservation)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TEMP TABLE t (n int)")
        conn.execute("CREATE TABLE IF NOT EXISTS bench_commit (n int)")
        t0 = time.perf_counter()
        for i in range(200):
            conn.execute("INSERT INTO bench_commit VALUES (%s)", (i,))
        dt = time.perf_counter() - t0
        conn.execute("DROP TABLE bench_commit")
    return dt / 200 * 1e3


def postgres(args: argparse.Namespace, failures: list[str], slow: list[str]) -> None:
    """The team ledger's figures, beside SQLite's with as many processes."""
    url, server = args.url, None
    if url is None:
        from sorafilm_nb.money.pgtemp import TempServer, find_bindir

        if find_bindir() is None:
            print(
                "postgres  skipped: no PostgreSQL binaries and no --url "
                "(apt-get install -y postgresql)"
            )
            return
        server = TempServer(durable=True)
        url = server.create_database("bench")
        print(f"postgres  throwaway server from {server.bindir} (fsync on), Unix socket")
        url = server.socket_url("bench")
    try:
        print(f"postgres  durable commit: {commit_latency(url):.2f} ms")
        with tempfile.TemporaryDirectory() as tmp:
            sqlite = check_run(
                "sqlite", Path(tmp) / "side.sqlite3", args.pg_procs, args.jobs, failures, slow
            )
        pid = None
        if server is not None:  # its first line is the postmaster's pid
            pid = int((server.data / "postmaster.pid").read_text().split()[0])
        pg = check_run("postgres", url, args.pg_procs, args.jobs, failures, slow, pid)
        print(
            f"side by side, {args.pg_procs} processes: sqlite {sqlite:.0f} pairs/s, "
            f"postgres {pg:.0f} pairs/s"
        )
        record(
            f"team ledger (PostgreSQL), {args.pg_procs} processes on one server",
            pg,
            "pairs/s",
            baseline=f"SQLite, {args.pg_procs} processes, same run (pairs/s)",
            baseline_value=sqlite,
            target=f">= {TARGET:.0f} pairs/s, never over the limit",
            ok=pg >= TARGET and not failures,
        )
    finally:
        if server is not None:
            server.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=1500, help="reserve attempts per process")
    ap.add_argument("--procs", type=int, default=4)
    ap.add_argument("--url", default=None, help="a PostgreSQL team ledger to race on (empty db)")
    ap.add_argument("--pg-procs", type=int, default=8, help="client processes on PostgreSQL")
    ap.add_argument("--no-postgres", action="store_true", help="SQLite only")
    ap.add_argument(
        "--strict", action="store_true", help="also fail (exit 1) when the speed target is missed"
    )
    args = ap.parse_args()
    failures = []
    slow = []
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"machine   {os.cpu_count()} cores, load average {load:.1f} at start")
    with tempfile.TemporaryDirectory() as tmp:
        base = baseline(Path(tmp) / "baseline.sqlite3", args.jobs * 2)
        print(f"baseline  bare sqlite INSERT+COMMIT, 1 process: {base:8.0f} rows/s")

        one, done1, _, cpu1, _ = run(Path(tmp) / "one.sqlite3", 1, args.jobs, None)
        print(
            f"ledger    1 process : {one:8.0f} pairs/s  ({done1} jobs, "
            f"{cpu1 * 1e3:.2f} ms CPU per pair)   ratio to baseline {one / base:.3f}"
        )

        total = args.procs * args.jobs
        limit_jobs = total * 3 // 4  # hit three quarters of the way through
        path = Path(tmp) / "many.sqlite3"
        many, done, refused, cpun, _ = run(path, args.procs, args.jobs, limit_jobs)
        print(
            f"ledger    {args.procs} processes: {many:8.0f} pairs/s  ({done} jobs, {refused} "
            f"refused at the limit, {cpun * 1e3:.2f} ms CPU per pair)   ratio to baseline "
            f"{many / base:.3f}, to 1 process {many / one:.2f}"
        )

        with Ledger(path) as led:
            summary = led.month_summary()
            held = summary.spent.whole_cents + summary.reserved.whole_cents
            rows = len(led.records())
        limit = limit_jobs * CENTS
        print(
            f"check     limit {limit} cents, held {held} cents, {rows} rows, "
            f"{done} + {refused} = {done + refused} of {total} attempts"
        )
        if held > limit:
            failures.append(f"the total held ({held}) passed the limit ({limit})")
        if done + refused != total or rows != done or done != limit_jobs:
            failures.append("the counts do not add up")
        if many < TARGET:
            slow.append(
                f"{many:.0f} pairs/s with {args.procs} processes is under the "
                f"target of {TARGET:.0f} (load average now "
                f"{os.getloadavg()[0] if hasattr(os, 'getloadavg') else 0:.1f}; "
                "compare the ratios, or rerun on a quiet machine)"
            )
    record(
        f"ledger, {args.procs} processes on one file",
        many,
        "pairs/s",
        baseline="bare SQLite insert+commit (rows/s)",
        baseline_value=base,
        target=f">= {TARGET:.0f} pairs/s, never over the limit",
        ok=many >= TARGET and not failures,
    )
    if not args.no_postgres:
        postgres(args, failures, slow)
    for f in failures:
        print(f"FAIL: {f}")
    for f in slow:
        print(f"{'FAIL' if args.strict else 'SLOW'}: {f}")
    if not failures:
        print(
            "OK: never over the limit, counts add up"
            + ("" if slow else f"; {many:.0f} pairs/s >= {TARGET:.0f} with {args.procs} processes")
        )
    return 1 if failures or (slow and args.strict) else 0


if __name__ == "__main__":
    sys.exit(main())
