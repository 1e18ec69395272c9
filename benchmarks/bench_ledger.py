"""Ledger throughput: reserve + attach + settle per job, 1 and 4 processes on one file.

    python benchmarks/bench_ledger.py [--jobs N] [--procs P]

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


def run(
    path: Path, procs: int, per_proc: int, limit_jobs: int | None
) -> tuple[float, int, int, float]:
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
    start.set()
    results = [out.get(timeout=600) for _ in ps]
    for p in ps:
        p.join()
        if p.exitcode != 0:
            sys.exit(f"worker exited with {p.exitcode}")
    done = sum(r[0] for r in results)
    refused = sum(r[1] for r in results)
    wall = max(r[3] for r in results) - min(r[2] for r in results)
    cpu = sum(r[4] for r in results)
    # Attempts that were refused are cheap (one read-check transaction); count only pairs.
    return done / wall, done, refused, cpu / max(done, 1)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=1500, help="reserve attempts per process")
    ap.add_argument("--procs", type=int, default=4)
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

        one, done1, _, cpu1 = run(Path(tmp) / "one.sqlite3", 1, args.jobs, None)
        print(
            f"ledger    1 process : {one:8.0f} pairs/s  ({done1} jobs, "
            f"{cpu1 * 1e3:.2f} ms CPU per pair)   ratio to baseline {one / base:.3f}"
        )

        total = args.procs * args.jobs
        limit_jobs = total * 3 // 4  # hit three quarters of the way through
        path = Path(tmp) / "many.sqlite3"
        many, done, refused, cpun = run(path, args.procs, args.jobs, limit_jobs)
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
