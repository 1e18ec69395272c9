"""A forkserver pool leaves this process with no child (issue 14: kernel shutdown).

A Jupyter kernel analyzes on a forkserver pool; the fork server and the resource tracker
it started outlived the pool, and ipykernel's shutdown waits for every child of the kernel
to go: the quickstart's nbconvert run spent 2.5 s waiting for them after the last cell.
Checked on real processes, in a child interpreter (``-c``, as a kernel has no script), so
the test process's own multiprocessing state is not touched.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    "forkserver" not in mp.get_all_start_methods() or not Path("/proc/self/stat").exists(),
    reason="needs forkserver and /proc (Linux)",
)

CHILD = r"""
import json, os, sys
from pathlib import Path
from multiprocessing import forkserver, resource_tracker
from sorafilm_nb.analysis import pool

from proc_children import children

root = sys.argv[1]
todo = [(name, root, "python") for name in sorted(os.listdir(root))]
if sys.argv[2] == "busy":  # a server and a tracker someone else started before the scan
    forkserver.ensure_running()
    resource_tracker.ensure_running()
before = children()
out, used = pool.run(todo, frozenset(), 2, "forkserver")
print(json.dumps({"files": len(out), "used": used, "before": before, "after": children()}))
"""


def run_child(root: Path, mode: str) -> dict[str, object]:
    tests = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tests.parent), str(tests)])}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(root), mode],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout.splitlines()[-1])


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for i in range(12):
        (tmp_path / f"m{i}.py").write_text(f'"""Module {i}."""\n\nclass Thing{i}:\n    pass\n')
    return tmp_path


def test_no_helper_process_outlives_the_pool(tree: Path) -> None:
    seen = run_child(tree, "idle")
    assert seen["files"] == 12 and seen["used"] == 2  # the pool really ran
    assert seen["before"] == []
    assert seen["after"] == []


def test_helpers_started_by_someone_else_keep_running(tree: Path) -> None:
    seen = run_child(tree, "busy")
    assert seen["used"] == 2
    assert len(seen["before"]) == 2  # the fork server and the resource tracker
    assert sorted(seen["after"]) == sorted(seen["before"])
