"""analysis.profile.saving_beside: inside it (the command line opens it around a plan), a
cold analyze() writes its cache from a forked child while the caller goes on, and the end of
the block waits for that child, so the cache is whole when the block ends (issue 14)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

from sorafilm_nb.analysis import profile as P
from sorafilm_nb.analysis.profile import analyze, saving_beside

ROOT = Path(__file__).resolve().parents[2]  # the checkout: this tree's code in the child


def _repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    for i in range(3):
        (repo / f"mod{i}.py").write_text(
            f'"""Module {i}."""\n\n\nclass Thing{i}:\n    """A thing that counts."""\n'
        )
    return repo


def test_a_child_writes_the_cache_and_the_block_waits_for_it(tmp_path: Path) -> None:
    """In a process of its own: a test process may run other tests' threads, beside which
    analyze() rightly writes inline (the next test)."""
    repo, cache = _repo(tmp_path), tmp_path / "cache"
    code = (
        "import json, os, sys\n"
        "from sorafilm_nb.analysis import profile as P\n"
        "with P.saving_beside():\n"
        f"    cold = P.analyze({str(repo)!r}, cache_dir={str(cache)!r})\n"
        "    children = list(P._beside[0])\n"
        "print(json.dumps([children, os.getpid(), P._beside]))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    children, pid, after = json.loads(done.stdout)
    assert len(children) == 1 and children[0] != pid and after == []
    with_child = sorted(p.name for p in cache.rglob("*") if p.is_file())
    assert with_child, "nothing written"
    warm = analyze(repo, cache_dir=cache)  # what the child wrote is a whole, valid cache
    assert warm.stats["profile_cache"] == "hit" and warm.stats["parsed"] == 0
    assert warm.concepts == analyze(repo, use_cache=False).concepts
    # the same files as a cache written inline
    inline = tmp_path / "inline"
    analyze(repo, cache_dir=inline)
    assert sorted(p.name for p in inline.rglob("*") if p.is_file()) == with_child


def test_without_the_block_or_beside_a_thread_the_cache_is_written_inline(
    tmp_path: Path,
) -> None:
    repo = _repo(tmp_path)
    analyze(repo, cache_dir=tmp_path / "a")  # no block: no child
    assert analyze(repo, cache_dir=tmp_path / "a").stats["profile_cache"] == "hit"
    release = threading.Event()
    other = threading.Thread(target=release.wait)  # a thread not known to be fork-safe
    other.start()
    try:
        with saving_beside():
            analyze(repo, cache_dir=tmp_path / "b")
            assert P._beside == [[]]  # no fork beside a thread that may hold a lock
            assert analyze(repo, cache_dir=tmp_path / "b").stats["profile_cache"] == "hit"
    finally:
        release.set()
        other.join()
