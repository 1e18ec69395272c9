"""The order xdist hands test files to its workers: the longest first.

``make test`` runs ``--dist loadfile``: each file goes whole to one worker, the next file to
whichever worker runs dry. xdist's own order is by number of tests, so a file of one 20 s
test (the stdlib differential, the hostile shared page) was handed out last and ran alone
while the other worker sat idle. Longest-first (LPT) keeps both busy to the end.

How long a file takes comes from tests/file_seconds.json, made from full runs
(``--durations=0``, summed per file; only files of 1 s or more), refreshed by
``python tests/file_order.py OUTPUT_OF_DURATIONS_0``. A file it does not know is estimated
from its items: a notebook cell or a test marked slow counts 3 s, any other test 0.05 s. The
order only changes when tests run, never whether or how.

A run on a busy machine takes longer everywhere (this shared one ran 3.8x slower at load 15):
the refresh keeps the table at the previous snapshot's pace (scaled so the files both know
sum the same), so the estimates of unknown files stay comparable with it. Load also skews
files unevenly (a file that waits on children suffers more than one that computes), so a
file both know gets the mean of the two: one noisy run moves it half way.

The files of 1-2 s matter at the end of a run, where the shortest files fill the last
seconds: with a 2 s floor, files of 1.5-2 s (6-7 s at load 17) were estimated at 0.05 s a
test and handed out among the very last.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

SNAPSHOT = Path(__file__).with_name("file_seconds.json")
MIN_SECONDS = 1.0  # shorter files are estimated from their items


def file_of(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def _estimate(item: pytest.Item) -> float:
    heavy = item.get_closest_marker("slow") is not None or file_of(item.nodeid).endswith(".ipynb")
    return 3.0 if heavy else 0.05


def longest_first(items: Sequence[pytest.Item], known: dict[str, float]) -> list[pytest.Item]:
    """items grouped by file (each file's own order kept), the longest file first."""
    groups: dict[str, list[pytest.Item]] = {}
    for item in items:
        groups.setdefault(file_of(item.nodeid), []).append(item)

    def seconds(name: str) -> float:
        if name in known:
            return known[name]
        return sum(_estimate(item) for item in groups[name])

    ordered = sorted(groups, key=lambda name: -seconds(name))  # stable: ties keep their order
    return [item for name in ordered for item in groups[name]]


def load_snapshot() -> dict[str, float]:
    try:
        data = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): float(v) for k, v in data.items()} if isinstance(data, dict) else {}


def snapshot_from_durations(text: str) -> dict[str, float]:
    """Per-file seconds from pytest's ``--durations=0`` report (files of MIN_SECONDS or more)."""
    per: dict[str, float] = {}
    for m in re.finditer(r"^([\d.]+)s (?:setup|call|teardown)\s+(\S+)", text, re.M):
        name = file_of(m.group(2))
        per[name] = per.get(name, 0.0) + float(m.group(1))
    return {
        k: round(v, 1) for k, v in sorted(per.items(), key=lambda kv: -kv[1]) if v >= MIN_SECONDS
    }


def at_pace_of(new: dict[str, float], old: dict[str, float]) -> dict[str, float]:
    """new scaled so the files both snapshots know take as long in total as in old."""
    both = set(new) & set(old)
    total = sum(new[k] for k in both)
    if not both or total <= 0:
        return new
    factor = sum(old[k] for k in both) / total
    scaled = {k: round(v * factor, 1) for k, v in new.items()}
    return {k: v for k, v in scaled.items() if v >= MIN_SECONDS}


def blended(new: dict[str, float], old: dict[str, float]) -> dict[str, float]:
    """new (already at old's pace), with each file old knows too at the mean of the two;
    longest first. A file only old knows is left out: gone, or now under MIN_SECONDS."""
    out = {k: round((v + old[k]) / 2, 1) if k in old else v for k, v in new.items()}
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


if __name__ == "__main__":
    snapshot = snapshot_from_durations(Path(sys.argv[1]).read_text(encoding="utf-8"))
    previous = load_snapshot()
    snapshot = blended(at_pace_of(snapshot, previous), previous)
    SNAPSHOT.write_text(json.dumps(snapshot, indent=1) + "\n", encoding="utf-8")
