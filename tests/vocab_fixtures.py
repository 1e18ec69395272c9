"""One prepared tokenizer vocabulary per test session, shared read-only by every fresh cache.

Exact token counts read a prepared vocabulary (story/tokens.py: a 3 MB file under the cache
dir, made from the hash-checked bundle in 0.3-1.2 s). Every test gets a fresh cache dir, so
every test process, CLI child and notebook kernel that counted exactly made that file again.
Here it is made once per run, through the product's own ``tokens.prepared_vocab()`` (so it is
exactly what a first run writes), by the first xdist worker, under a lock in a folder all the
run's workers share (session_fixtures.py); the product reads and checks it in the others, as
on a second run. It is hard-linked into each fresh cache dir: a regular file, as
``_read_regular`` demands, costing no copy. The product never writes it in place (safeio
replaces files), and ``check()`` fails the test that did. Tests of preparation and tampering
use the ``own_vocab`` fixture (conftest.py) and so a cache dir without it. Where there is no
tokenizer to prepare from (``make test-pythons``' venvs hold only what the scanner tests
need), nothing is seeded and every process prepares its own, as before.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass(frozen=True)
class SharedVocab:
    path: Path | None  # None: nothing to share (no tokenizer installed)
    signature: tuple[int, int, int] = (0, 0, 0)  # (inode, size, mtime_ns) when made

    @staticmethod
    def _signature(path: Path) -> tuple[int, int, int]:
        st = path.stat()
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    @classmethod
    def make(cls, folder: Path) -> SharedVocab:
        try:
            from sorafilm_nb.story import tokens
        except ImportError:
            return cls(None)

        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("SORAFILM_CACHE_DIR", str(folder))
            try:
                made = tokens.prepared_vocab()
            except tokens.TokenizerError:  # no bundle here: the tests that count say so
                made = None
            path = tokens.vocab_path()
        if made is None or not path.is_file():
            return cls(None)
        path.chmod(0o444)
        return cls(path, cls._signature(path))

    def seed(self, cache_dir: Path) -> None:
        """Put the shared vocabulary where a process using cache_dir looks for it."""
        if self.path is None:
            return
        folder = cache_dir / "tokens"
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / self.path.name
        if not target.exists():
            os.link(self.path, target)

    def check(self) -> None:
        if self.path is None:
            return
        now = self._signature(self.path)
        if now != self.signature:
            raise AssertionError(
                f"the session's shared prepared vocabulary {self.path} was changed in place"
                f" ({self.signature} -> {now}); a test that writes it must use own_vocab"
            )
