"""analysis.profile.saving_beside: inside it (the command line opens it around a plan), a
cold analyze() writes its cache from a forked child while the caller goes on, and the end of
the block waits for that child, so the cache is whole when the block ends (issue 14)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from sorafilm_nb.analysis import profile as P
from sorafilm_nb.analysis.profile import analyze, saving_beside


def _repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    for i in range(3):
        (repo / f"mod{i}.py").write_text(
            f'"""Module {i}."""\n\n\nclass Thing{i}:\n    """A thing that counts."""\n'
        )
    return repo


def test_a_child_writes_the_cache_and_the_block_waits_for_it(tmp_path: Path) -> None:
    repo, cache = _repo(tmp_path), tmp_path / "cache"
    with saving_beside():
        cold = analyze(repo, cache_dir=cache)
        (children,) = P._beside
        assert len(children) == 1 and children[0] != os.getpid()
    assert P._beside == []
    with_child = sorted(p.name for p in cache.rglob("*") if p.is_file())
    assert with_child, "nothing written"
    warm = analyze(repo, cache_dir=cache)  # what the child wrote is a whole, valid cache
    assert warm.stats["profile_cache"] == "hit" and warm.stats["parsed"] == 0
    assert warm.concepts == cold.concepts
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
