"""Which heavy packages collecting the suite imports, per process (conftest.py installs the
two hooks; tests/test_collection_light.py reads the record)."""

from __future__ import annotations

import sys

import pytest

#: Packages a worker must not pay for while collecting (test_collection_light checks): every
#: xdist worker collects the whole suite, so a test module importing one at its top cost each
#: worker ~3 s of CPU, whether or not it ran that test (pandas, the widget and notebook stack,
#: hypothesis). They live in the tests and fixtures that use them.
HEAVY_AT_COLLECTION = (
    "pandas",
    "matplotlib",
    "ipywidgets",
    "nbformat",
    "nbclient",
    "jupyter_client",
    "zmq",
    "IPython",
    "hypothesis",
)
#: The heavy packages collection itself imported, in this process (plugins' own imports,
#: before collection starts, are not counted: nbval's loads nbformat when it is enabled).
COLLECTION_IMPORTED = pytest.StashKey[list[str]]()
_HEAVY_BEFORE = pytest.StashKey[set[str]]()


def pytest_collection(session: pytest.Session) -> None:
    session.config.stash[_HEAVY_BEFORE] = {m for m in HEAVY_AT_COLLECTION if m in sys.modules}


def pytest_collection_finish(session: pytest.Session) -> None:
    before = session.config.stash.get(_HEAVY_BEFORE, set())
    session.config.stash[COLLECTION_IMPORTED] = [
        m for m in HEAVY_AT_COLLECTION if m in sys.modules and m not in before
    ]
