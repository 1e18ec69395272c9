"""One JSON line per measure, appended to the file named by $SORAFILM_BENCH_RESULTS.

Each benchmark records what it measured, the baseline it measured in the same run, the
target and whether it was met; ``benchmarks/summary.py`` prints them as one table at the end
of ``make bench``. Without the variable nothing is written (a benchmark run by hand prints
its own lines as before). The load average goes with every figure: the machine is shared, and
a wall time under load says as much about the neighbours as about the code.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

ENV = "SORAFILM_BENCH_RESULTS"


def load_average() -> float:
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return float("nan")


def record(
    measure: str,
    value: float,
    unit: str,
    *,
    baseline: str,
    baseline_value: float | None,
    target: str,
    ok: bool,
    ratio: float | None = None,
    **extra: Any,
) -> None:
    """Append one result line (and print it, so a run by hand shows it too)."""
    if ratio is None and baseline_value:
        ratio = value / baseline_value
    row = {
        "measure": measure,
        "value": round(value, 4),
        "unit": unit,
        "baseline": baseline,
        "baseline_value": None if baseline_value is None else round(baseline_value, 4),
        "ratio": None if ratio is None else round(ratio, 3),
        "target": target,
        "ok": bool(ok),
        "load": load_average(),
        "when": time.strftime("%Y-%m-%d %H:%M"),
        **extra,
    }
    print(f"result: {json.dumps(row)}")
    path = os.environ.get(ENV)
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(row) + "\n")
