"""analyze(meanwhile=...): the caller's preparation runs while worker processes parse
(issue 14: a cold `sorafilm plan` loaded its theme, lint lists and token counter only after
the reading was done). Real processes on a generated tree."""

from __future__ import annotations

import multiprocessing as mp
import os
from pathlib import Path

import pytest

from sorafilm_nb.analysis import profile

pytestmark = pytest.mark.skipif(
    "fork" not in mp.get_all_start_methods(), reason="needs the fork start method"
)


def _tree(root: Path, n: int) -> Path:
    root.mkdir()
    for i in range(n):
        (root / f"m{i}.py").write_text(f'"""Module {i}."""\n\nclass Thing{i}:\n    pass\n')
    return root


def test_meanwhile_runs_in_this_process_while_workers_parse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _tree(tmp_path / "repo", profile.PARALLEL_MIN + 20)
    monkeypatch.setattr(profile, "_workers", lambda: 2)
    monkeypatch.setattr(profile, "_start_method", lambda: "fork")
    seen: list[int] = []
    plain = profile.analyze(root, use_cache=False)
    prepared = profile.analyze(root, use_cache=False, meanwhile=lambda: seen.append(os.getpid()))
    assert seen == [os.getpid()]  # once, here
    assert prepared.stats["workers"] == 2
    assert prepared.concepts == plain.concepts


def test_what_meanwhile_raises_is_dropped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _tree(tmp_path / "repo", profile.PARALLEL_MIN + 20)
    monkeypatch.setattr(profile, "_workers", lambda: 2)
    monkeypatch.setattr(profile, "_start_method", lambda: "fork")

    def broken() -> None:
        raise ValueError("a theme that does not load")

    got = profile.analyze(root, use_cache=False, meanwhile=broken)
    assert got.stats["workers"] == 2 and got.files_scanned == profile.PARALLEL_MIN + 20


def test_no_pool_no_meanwhile(tmp_path: Path) -> None:
    """Nothing runs beside a scan in this process alone: the caller does its work after."""
    root = _tree(tmp_path / "repo", 3)
    seen: list[int] = []
    got = profile.analyze(root, use_cache=False, meanwhile=lambda: seen.append(1))
    assert got.stats["workers"] == 1 and seen == []
