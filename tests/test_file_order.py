"""tests/file_order.py: the snapshot names real files, and a refresh moves a known file half
way to the new run's figure at the old snapshot's pace."""

from __future__ import annotations

from pathlib import Path

import file_order


def test_every_file_of_the_snapshot_exists(repo_root: Path) -> None:
    snapshot = file_order.load_snapshot()
    assert snapshot, "tests/file_seconds.json is missing or empty"
    assert [name for name in snapshot if not (repo_root / name).is_file()] == []
    assert min(snapshot.values()) >= file_order.MIN_SECONDS


def test_a_refresh_keeps_the_pace_and_moves_known_files_half_way() -> None:
    old = {"tests/a.py": 10.0, "tests/b.py": 4.0, "tests/gone.py": 3.0}
    report = "\n".join(
        [
            "40.00s call     tests/a.py::test_one",
            "8.00s setup    tests/b.py::test_two",
            "8.00s call     tests/b.py::test_two",
            "12.00s call     tests/new.py::test_three",
            "2.00s call     tests/short.py::test_four",
        ]
    )
    new = file_order.snapshot_from_durations(report)
    assert new == {
        "tests/a.py": 40.0,
        "tests/b.py": 16.0,
        "tests/new.py": 12.0,
        "tests/short.py": 2.0,
    }
    paced = file_order.at_pace_of(new, old)  # a and b: 56 s now, 14 s before: a quarter
    assert paced == {"tests/a.py": 10.0, "tests/b.py": 4.0, "tests/new.py": 3.0}
    paced["tests/a.py"] = 12.0  # as if a had slowed down relative to the others
    refreshed = file_order.blended(paced, old)
    assert refreshed == {"tests/a.py": 11.0, "tests/b.py": 4.0, "tests/new.py": 3.0}
    assert list(refreshed) == ["tests/a.py", "tests/b.py", "tests/new.py"]  # longest first
