"""analysis.pool's fork path: children forked by hand, no multiprocessing (issue 14).

Real processes on a generated tree: the outcomes equal one process's, in the same order; a
child that dies costs only time (its chunks are scanned here); no child is left behind; and a
cold analyze() on the fork path imports neither multiprocessing nor concurrent.futures.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from proc_children import children

from sorafilm_nb.analysis import pool
from sorafilm_nb.analysis.worker import scan_chunk

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")

ROOT = Path(__file__).resolve().parents[2]


def _analyze_in_script(
    tmp_path: Path, prelude: str, printed: str, *, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """analyze() of tmp_path/repo on the fork path (2 workers, no cache) in a script file, as
    the CLI runs it, after prelude; the script prints json.dumps(printed)."""
    script = tmp_path / "check.py"
    script.write_text(
        "import json, signal, sys\n" + prelude + "from sorafilm_nb.analysis import profile\n"
        "profile._workers = lambda: 2\n"
        "got = profile.analyze(sys.argv[1], use_cache=False)\n"
        f"print(json.dumps({printed}))\n"
    )
    return subprocess.run(
        [sys.executable, str(script), str(tmp_path / "repo")],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=check,
    )


def _tree(root: Path, n: int) -> list[tuple[str, str, str]]:
    root.mkdir()
    for i in range(n):
        (root / f"m{i}.py").write_text(f'"""Module {i}."""\n\nclass Thing{i}:\n    pass\n')
    (root / "app.js").write_text("/** An app. */\nexport class App {}\n")
    names = sorted(p.name for p in root.iterdir())
    return [(n, str(root), "javascript" if n.endswith(".js") else "python") for n in names]


def _children() -> set[int]:
    return set(children())


@pytest.fixture
def no_children_left() -> Iterator[None]:
    """The test leaves no child of this process behind, running or unreaped."""
    if not Path("/proc/self/stat").exists():
        yield
        return
    before = _children()
    yield
    assert _children() <= before


@pytest.mark.usefixtures("no_children_left")
def test_forked_outcomes_equal_one_process_in_order(tmp_path: Path) -> None:
    todo = _tree(tmp_path / "repo", 60)
    alone = scan_chunk(todo, frozenset())
    ran: list[int] = []
    out, used = pool.run(todo, frozenset(), 3, "fork", lambda: ran.append(os.getpid()))
    by_rel = {o[0]: o for o in out}
    assert sorted(out) == sorted(alone) and len(by_rel) == len(alone)
    order = [item[0] for chunk in pool._chunks(todo, 18) for item in chunk]
    assert [o[0] for o in out] == order  # chunk order, as the executor returned them
    assert used == 3 and ran == [os.getpid()]


@pytest.mark.usefixtures("no_children_left")
def test_a_child_that_dies_costs_only_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    todo = _tree(tmp_path / "repo", 60)
    alone = scan_chunk(todo, frozenset())
    home = os.getpid()
    died = tmp_path / "died"

    def dies_in_a_child(items: list[tuple[str, str, str]], known: frozenset[str]) -> list:
        if os.getpid() != home:
            died.touch()
            os._exit(9)  # as a segfault in a parser would, mid-chunk
        return scan_chunk(items, known)

    def until_it_died() -> None:  # else, under load, this process may take every chunk first
        deadline = time.monotonic() + 60
        while not died.exists() and time.monotonic() < deadline:
            time.sleep(0.01)

    monkeypatch.setattr(pool, "scan_chunk", dies_in_a_child)
    out, used = pool.run(todo, frozenset(), 2, "fork", until_it_died)
    assert died.exists()
    assert sorted(out) == sorted(alone)
    assert used == 1  # the child's chunks were scanned here: the stats say one process


def test_a_cold_analysis_on_the_fork_path_imports_no_multiprocessing(tmp_path: Path) -> None:
    """ProcessPoolExecutor's imports (multiprocessing, concurrent.futures, logging) were
    ~15 ms of a cold `sorafilm plan` before its first file was parsed."""
    _tree(tmp_path / "repo", 80)
    done = _analyze_in_script(
        tmp_path,
        "",
        "[got.stats['workers'], got.files_scanned,\n"
        "    [m for m in ('multiprocessing', 'concurrent.futures') if m in sys.modules]]",
    )
    assert json.loads(done.stdout) == [2, 81, []]


def _finish(outcomes: list, processes: int) -> dict:
    """A result of every outcome, as analyze's finish makes a profile: with whose pid."""
    return {"rels": [o[0] for o in outcomes], "processes": processes, "pid": os.getpid()}


def _pack(result: dict) -> bytes:
    return json.dumps(result).encode()


THEN = pool.Finish(_finish, _pack, json.loads)


@pytest.mark.usefixtures("no_children_left")
def test_a_child_finishes_while_meanwhile_runs_here(tmp_path: Path) -> None:
    """The finishing (ranking, the cache write) runs in a child; this process runs the
    caller's meanwhile meanwhile, where a core idled (issue 14); the result is as if it
    had all been done here."""
    todo = _tree(tmp_path / "repo", 60)
    here = _finish(scan_chunk(todo, frozenset()), 3)
    order = [item[0] for chunk in pool._chunks(todo, 18) for item in chunk]
    ran: list[int] = []
    got = pool.run_then(todo, frozenset(), 3, "fork", THEN, lambda: ran.append(os.getpid()))
    assert got["pid"] != os.getpid() and ran == [os.getpid()]  # finished in a child
    assert got["rels"] == order and sorted(got["rels"]) == sorted(here["rels"])
    assert got["processes"] == 3


def test_without_fork_this_process_finishes(tmp_path: Path) -> None:
    todo = _tree(tmp_path / "repo", 60)
    got = pool.run_then(todo, frozenset(), 2, None, THEN, lambda: None)
    assert got["pid"] == os.getpid() and got["processes"] == 1


@pytest.mark.usefixtures("no_children_left")
def test_a_finishing_child_that_dies_or_fails_is_replaced_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A child that dies takes its chunks with it: they are read again here, and finish
    runs here; one whose finish raises sends its chunks home, and finish runs here again,
    raising what it raises (as it would have without a pool)."""
    todo = _tree(tmp_path / "repo", 60)
    home = os.getpid()

    def dies(outcomes: list, processes: int) -> dict:
        if os.getpid() != home:
            os._exit(9)
        return _finish(outcomes, processes)

    got = pool.run_then(todo, frozenset(), 2, "fork", pool.Finish(dies, _pack, json.loads))
    assert got["pid"] == home and sorted(got["rels"]) == sorted(t[0] for t in todo)
    assert got["processes"] == 1
    calls: list[int] = []

    def fails(outcomes: list, processes: int) -> dict:
        calls.append(os.getpid())
        raise ValueError(f"no profile ({len(outcomes)} files)")

    with pytest.raises(ValueError, match="no profile \\(61 files\\)"):
        pool.run_then(todo, frozenset(), 2, "fork", pool.Finish(fails, _pack, json.loads))
    assert calls == [home]  # the child's own call is not seen here; this one raised


def test_children_reaped_by_the_kernel_still_count(tmp_path: Path) -> None:
    """With SIGCHLD ignored the kernel reaps each child as it leaves, so waitpid finds none:
    what the child sent decides, rather than an error out of analyze()."""
    _tree(tmp_path / "repo", 80)
    done = _analyze_in_script(
        tmp_path,
        "signal.signal(signal.SIGCHLD, signal.SIG_IGN)\n",
        "[got.stats['workers'], got.files_scanned]",
        check=False,
    )
    assert done.returncode == 0, done.stderr[-800:]
    assert json.loads(done.stdout) == [2, 81]


@pytest.mark.usefixtures("no_children_left")
def test_a_queue_too_long_for_the_pipe_makes_its_chunks_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With more chunks than the fork queue holds, run_then falls back to run() and passes
    it the chunks it made: making them again stat'ed every non-Python file twice."""
    todo = _tree(tmp_path / "repo", 60)
    made: list[int] = []
    real = pool._chunks

    def counted(items: list[tuple[str, str, str]], n: int) -> list[list[tuple[str, str, str]]]:
        made.append(n)
        return real(items, n)

    monkeypatch.setattr(pool, "_chunks", counted)
    monkeypatch.setattr(pool, "_QUEUE_BYTES", 0)  # no queue fits: the executor's path
    got = pool.run_then(todo, frozenset(), 2, "fork", THEN, lambda: None)
    assert made == [12]
    assert got["pid"] == os.getpid() and got["processes"] == 2
    assert got["rels"] == [item[0] for chunk in real(todo, 12) for item in chunk]
