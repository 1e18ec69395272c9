"""Helpers of the C scanner's tests (tests/analysis/test_pyscan*.py): its result as
scan_python would return it, where an installed package lives, and a file-by-file comparison
with the ast scanner."""

from __future__ import annotations

import gc
import importlib.util
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sorafilm_nb.analysis import _pyscan
from sorafilm_nb.analysis.scan_python import _assemble, _from_c, scan_python_ast


def c_result(data: bytes) -> dict | None:
    """What scan_python returns through the C scanner, or None when it hands over to ast."""
    raw = _pyscan.scan(data)
    if raw is None:
        return None
    facts = _from_c(raw)
    return None if facts is None else _assemble(data, *facts)


def package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.submodule_search_locations, name
    return Path(next(iter(spec.submodule_search_locations)))


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a test parses a whole package or the stdlib.

    ast.parse makes hundreds of thousands of node objects a file, so the collector ran a full
    collection over the worker's whole heap (pytest, every imported module) dozens of times
    per package and freed nothing: a tree holds no cycle and goes by reference counting when
    its file is done. That was a third of the stdlib comparison's CPU. What ast and the C
    scanner return is the same either way; only the collector's bookkeeping is skipped.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def compare(files: list[Path]) -> tuple[int, int, list[str], int, int]:
    """Over files: (files ast reads, of those the C scanner handed back, differences found,
    files ast rejects, of those the C scanner read anyway)."""
    with collector_paused():
        return _compare(files)


def _compare(files: list[Path]) -> tuple[int, int, list[str], int, int]:
    accepted = handed_back = rejected = lenient = 0
    diffs: list[str] = []
    for path in files:
        data = path.read_bytes()
        ref = scan_python_ast(data)
        got = c_result(data)
        if "warn" in ref:
            rejected += 1
            lenient += got is not None
            continue
        accepted += 1
        if got is None:
            handed_back += 1
        elif got != ref:
            keys = sorted(k for k in set(got) | set(ref) if got.get(k) != ref.get(k))
            diffs.append(f"{path}: {keys}")
    return accepted, handed_back, diffs, rejected, lenient
