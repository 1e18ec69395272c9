"""Print the results of a `make bench` run as one table; --strict exits 1 on any FAIL.

    python benchmarks/summary.py RESULTS.jsonl [--strict]

Each line of RESULTS.jsonl is one measure written by benchmarks/_results.record: its value,
the baseline measured in the same run, their ratio, the target and whether it was met, and
the load average when it was taken (the machine is shared: read a wall time with it).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections import Counter
from pathlib import Path


def _num(value: float | None, unit: str = "") -> str:
    if value is None:
        return "-"
    text = f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    return f"{text} {unit}".strip()


def table(rows: list[dict]) -> str:
    head = ("measure", "value", "baseline (same run)", "ratio", "target", "load", "result")
    body = [
        (
            r["measure"],
            _num(r["value"], r["unit"]),
            f"{r['baseline']} {_num(r.get('baseline_value'), r['unit'])}".strip()
            if r.get("baseline_value") is not None
            else r["baseline"],
            _num(r.get("ratio")),
            r["target"],
            f"{r.get('load', float('nan')):.1f}",
            "PASS" if r["ok"] else "FAIL",
        )
        for r in rows
    ]
    widths = [max(len(str(x)) for x in col) for col in zip(head, *body, strict=True)]
    lines = ["  ".join(str(x).ljust(w) for x, w in zip(head, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(str(x).ljust(w) for x, w in zip(row, widths, strict=True)) for row in body]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("results", type=Path)
    ap.add_argument("--strict", action="store_true", help="exit 1 when any target is missed")
    ap.add_argument("--exited", default="", help="benchmarks that exited non-zero (make bench)")
    args = ap.parse_args(argv)
    try:
        rows = [json.loads(x) for x in args.results.read_text().splitlines() if x.strip()]
    except FileNotFoundError:
        rows = []
    if not rows:
        print(f"no results in {args.results}", file=sys.stderr)
        return 1 if args.strict or args.exited.strip() else 0
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(
        f"\nsorafilm-nb benchmarks, {time.strftime('%Y-%m-%d')}, {platform.node()}: "
        f"{cores} cores, {platform.python_implementation()} {platform.python_version()}"
    )
    print(table(rows))
    failed = [r["measure"] for r in rows if not r["ok"]]
    # one row per measure: a benchmark that records a measure twice is a bug in it
    counts = Counter(r["measure"] for r in rows)
    failed += [f"{m} recorded {n} times" for m, n in counts.items() if n > 1]
    failed += [f"{b} exited non-zero" for b in args.exited.split()]
    print(
        f"{sum(r['ok'] for r in rows)} of {len(rows)} targets met"
        + (f"; FAIL: {', '.join(failed)}" if failed else "")
    )
    return 1 if failed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
