"""The ranking's work grows linearly with the repository (issue 14), counted, not timed.

On a tree 20x Django's the rank phase grew ~9x for 4x the bytes. Two of the causes were
per-file work that was really per-file x per-package or per-concept: ``rel in inits`` on a
list of the packages' ``__init__.py`` files (files x packages string comparisons), and
public.group_of asked once per concept rather than once per path. These tests count those
operations on generated repositories of n and 2n files, so a timing-free run shows when a
quadratic step comes back.
"""

from __future__ import annotations

from typing import Any

import pytest

from sorafilm_nb.analysis import rank
from sorafilm_nb.analysis.scan_python import scan_python


class CountingPath(str):
    """A path whose == comparisons are counted: ``x in list`` compares with every element,
    ``x in set`` and dict lookups (hash, then identity) almost never do."""

    compared = 0

    def __eq__(self, other: object) -> bool:
        CountingPath.compared += 1
        return str.__eq__(self, other)

    __hash__ = str.__hash__


def source(i: int, n: int) -> str:
    other = (i * 7 + 3) % n
    return (
        f'"""Module {i}."""\n'
        f"from .m{other} import Thing{other}\n"
        "import os\n\n"
        f"class Thing{i}(Thing{other}):\n"
        f'    """Thing number {i}."""\n\n'
        f"    def run(self):\n        return helper{other}(os.sep)\n\n"
        f"def helper{i}(x):\n"
        f'    """Help {i}."""\n'
        f"    raise ValueError(x)\n\n"
        f'__all__ = ["Thing{i}", "helper{i}"]\n'
    )


def results_of(n: int) -> dict[str, Any]:
    """n modules in n/4 packages (each with an ``__init__`` that has ``__all__``), and tests."""
    out: dict[str, Any] = {}
    for i in range(n):
        pkg = f"pkg{i // 4}"
        if i % 4 == 0:
            out[CountingPath(f"{pkg}/__init__.py")] = scan_python(
                f'from .m{i} import *\n__all__ = ["Thing{i}"]\n'.encode()
            )
        out[CountingPath(f"{pkg}/m{i}.py")] = scan_python(source(i, n).encode())
        if i % 8 == 0:
            out[CountingPath(f"tests/test_m{i}.py")] = scan_python(
                f"from pkg{i // 4}.m{i} import Thing{i}\n\ndef test_it():\n"
                f"    Thing{i}().run()\n".encode()
            )
    return out


def comparisons(n: int) -> tuple[int, int]:
    results = results_of(n)
    CountingPath.compared = 0
    rank.clear_path_caches()
    rows, _ = rank.rank(results, None)
    assert rows  # the repository ranks to something
    return len(results), CountingPath.compared


def test_path_comparisons_grow_linearly() -> None:
    _, small = comparisons(200)
    files_2, large = comparisons(400)
    # linear: twice the files, about twice the comparisons (a list scan per file made it 4x,
    # and tens of comparisons per file)
    assert large <= 2.3 * small + 50, (small, large)
    assert large <= 2 * files_2, (files_2, large)


def test_group_of_is_asked_once_per_path(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = rank.group_of

    def counted(rel: str, in_tests: bool) -> str | None:
        calls.append(rel)
        return real(rel, in_tests)

    monkeypatch.setattr(rank, "group_of", counted)
    results = results_of(120)
    rank.clear_path_caches()
    rows, _ = rank.rank(results, None)
    # once per path (rank.file_group remembers it for the users' set, api.exported_names'
    # walk of the files and the __init__ files of api._top_inits): never once per concept
    assert len(rows) > len(results)  # more concepts than files: a per-concept call would show
    inits = sum(1 for rel in results if rel.endswith("__init__.py"))
    assert len(calls) <= 2 * len(results) + 2 * inits, (len(calls), len(results))
    assert len(calls) == len(set(calls)), "a path asked twice"
