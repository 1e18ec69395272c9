"""How analysis.pool splits the files between processes (issue 14), counted, not timed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sorafilm_nb.analysis import pool
from sorafilm_nb.analysis.pool import _chunks, _cost
from sorafilm_nb.analysis.worker import MAX_BYTES


def items(n: int, lang: str, ext: str) -> list[tuple[str, str, str]]:
    return [(f"f{i}.{ext}", "/root", lang) for i in range(n)]


def test_a_few_javascript_files_go_to_one_chunk_at_the_front() -> None:
    """Django's 22 JavaScript files among 885 Python ones: in one chunk, which a worker
    takes first, so only that process loads tree-sitter; this process takes Python chunks
    from the far end. Interleaved, every chunk had a JavaScript file or two."""
    todo = items(885, "python", "py") + items(22, "javascript", "js")
    chunks = _chunks(todo, 12)
    assert sorted(x for c in chunks for x in c) == sorted(todo)  # every file, once
    langs = [{x[2] for x in c} for c in chunks]
    assert langs[0] == {"javascript"}
    assert all(lang == {"python"} for lang in langs[1:])
    assert len(chunks) >= 12  # Python still spread over as many chunks as before


def test_one_language_is_interleaved_as_before() -> None:
    todo = items(100, "javascript", "js")
    assert _chunks(todo, 12) == [todo[i::12] for i in range(12)]
    assert _chunks(items(3, "python", "py"), 12) == [[x] for x in items(3, "python", "py")]


def _files(root: Path, n: int, ext: str, size: int) -> list[tuple[str, str, str]]:
    """n real files of size bytes under root (the chunker reads each file's size)."""
    lang = "python" if ext == "py" else "javascript"
    out = []
    for i in range(n):
        path = root / f"{ext}{i:03d}.{ext}"
        path.write_bytes(b"x" * size)
        out.append((path.name, str(root), lang))
    return out


def test_chunks_are_balanced_by_cost_not_by_count(tmp_path: Path) -> None:
    """The growth bench's half tree: few large JavaScript files beside many small Python
    ones. Split by count, every JavaScript file landed in one chunk, which one core parsed
    while the other idled (issue 14: 9.6 s of 13.4). Split by cost (bytes, JavaScript's
    weighted for tree-sitter), no chunk holds much more than its share."""
    todo = _files(tmp_path, 200, "py", 2_000) + _files(tmp_path, 40, "js", 40_000)
    chunks = _chunks(todo, 12)
    assert sorted(x for c in chunks for x in c) == sorted(todo)  # every file, once
    costs = [sum(_cost(x) for x in c) for c in chunks]
    assert max(costs) <= 1.25 * sum(costs) / len(chunks)  # by count: 10 times
    assert sum(1 for c in chunks if c[0][2] == "javascript") >= 8  # the big files spread
    assert all(len({x[2] for x in c}) == 1 for c in chunks)  # one language a chunk
    js = [i for i, c in enumerate(chunks) if c[0][2] == "javascript"]
    assert js == list(range(len(js)))  # JavaScript still first in the queue
    for c in chunks:  # a chunk's files in listing order
        assert c == sorted(c, key=todo.index)


def test_a_file_over_the_cap_costs_only_its_stat(tmp_path: Path) -> None:
    """A file over worker.MAX_BYTES is skipped unread: its size must not make a chunk of it."""
    (tmp_path / "big.js").write_bytes(b"x" * (MAX_BYTES + 1))
    (tmp_path / "small.js").write_bytes(b"x" * 1000)
    big, small = (_cost((n, str(tmp_path), "javascript")) for n in ("big.js", "small.js"))
    assert 0 < big < small
    assert _cost(("gone.js", str(tmp_path), "javascript")) > 0


def test_python_files_are_not_measured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A stat of every Python file cost a cold plan of Django ~3 ms before the pool started:
    a Python file costs what the mean one does, and only the other languages' are stat'ed."""
    todo = items(885, "python", "py") + _files(tmp_path, 3, "js", 1000)
    stat = os.stat
    asked: list[str] = []

    def counted(path: str, *args: object, **kwargs: object) -> os.stat_result:
        asked.append(path)
        return stat(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pool.os, "stat", counted)
    chunks = _chunks(todo, 12)
    assert len(asked) == 3 and all(p.endswith(".js") for p in asked)
    py = [c for c in chunks if c[0][2] == "python"]
    assert py == [todo[:885][i :: len(py)] for i in range(len(py))]  # interleaved, as before
