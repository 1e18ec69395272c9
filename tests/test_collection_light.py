"""Issue 10 item 5: collecting the suite does not import the heavy packages.

Every xdist worker collects the whole suite before it runs its share, so a package a test
module imports at its top is paid for by every worker, whether or not it runs that test:
pandas, ipywidgets, nbformat, nbclient (with zmq, jupyter_client and IPython) and hypothesis
were ~3 s of CPU per worker, on a machine of 2 cores. Those imports live in the tests and
fixtures that use them. collection_guard (installed by conftest.py) records, in each
process, which of them collection itself imported (pytest_collection_finish); this reads the
record of the process it runs in, which collected the same files as every other (a child
collecting again cost ~2.5 s of
CPU, most of what the moved imports saved).
"""

from __future__ import annotations

import sys
import types

import collection_guard
import pytest


def test_collecting_the_suite_imports_no_heavy_package(request: pytest.FixtureRequest) -> None:
    imported = request.config.stash[collection_guard.COLLECTION_IMPORTED]
    assert imported == [], (
        f"collecting the suite imported {imported}: a test module or fixture module imports "
        "it at its top; import it in the test or fixture that uses it"
    )


def test_the_record_names_what_collection_imported(monkeypatch: pytest.MonkeyPatch) -> None:
    """The record can fail: a heavy package imported between the two hooks is named, one
    loaded before collection (by a plugin) is not."""
    monkeypatch.setattr(
        collection_guard, "HEAVY_AT_COLLECTION", ("heavy_early", "heavy_late", "absent")
    )
    monkeypatch.setitem(sys.modules, "heavy_early", types.ModuleType("heavy_early"))
    session = types.SimpleNamespace(config=types.SimpleNamespace(stash=pytest.Stash()))
    collection_guard.pytest_collection(session)  # type: ignore[arg-type]
    monkeypatch.setitem(sys.modules, "heavy_late", types.ModuleType("heavy_late"))
    collection_guard.pytest_collection_finish(session)  # type: ignore[arg-type]
    assert session.config.stash[collection_guard.COLLECTION_IMPORTED] == ["heavy_late"]


def test_collecting_writes_nothing_into_the_users_folders(tmp_path: object) -> None:
    """Collecting imported modules that keep a parsed data file in the user's cache: four
    files in the real ~/.cache/sorafilm-nb on every run, before any test's own folders were
    set (collection_dirs.py). One small test file collected in a child with HOME here."""
    import os
    import subprocess
    from pathlib import Path

    home = Path(str(tmp_path))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SORAFILM_", "XDG_"))}
    env |= {"HOME": str(home), "PYTHONDONTWRITEBYTECODE": "1"}
    tests = Path(__file__).resolve().parent
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:nbval",
         "-p", "no:anyio", "-p", "no:xdist", "-p", "no:cacheprovider",
         str(tests / "story" / "test_boards.py")],
        cwd=tests.parent, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "tests collected" in done.stdout
    assert sorted(p.relative_to(home).as_posix() for p in home.rglob("*")) == []
