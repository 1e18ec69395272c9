"""What one test session prepares once for all its xdist workers.

``make test`` runs three worker processes, each a pytest session of its own: a session-scoped
fixture runs once per worker, and what it makes (the prepared vocabulary, a PostgreSQL data
folder) was made three times. A worker's base temp folder is ``<run>/popen-gwN``; ``<run>``
is the same for every worker of one run and fresh for each run (pytest numbers and rotates
it), so what is made there under a file lock is made once per run and never outlives it.
Without xdist, ``<run>`` is the session's own base temp folder.

Only things that are never changed after they are made belong here (each user checks that it
is still as made, or copies it before use): the workers run concurrently.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def run_folder(factory: pytest.TempPathFactory, name: str) -> Path:
    """A folder named name shared by every worker of this run (created if need be)."""
    base = factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder = root / name
    folder.mkdir(exist_ok=True)
    return folder


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on folder (its ``.lock`` file) across processes: the first
    worker makes, the others wait and then find it made."""
    with open(folder / ".lock", "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)  # released when the file closes
        yield
