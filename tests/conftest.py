"""Shared fixtures. No test touches the user's real cache, data or ledger directories."""

from __future__ import annotations

import atexit
import gc
import shutil
import tempfile
from collections.abc import Generator, Iterator
from pathlib import Path

import collection_dirs  # noqa: F401 (first: the user folders while collecting)
import day_boundary
import file_order
import pytest
import session_fixtures
import vocab_fixtures
from collection_guard import pytest_collection, pytest_collection_finish  # noqa: F401 (hooks)

REPO_ROOT = Path(__file__).resolve().parent.parent

pytest_plugins = ["no_skips"]  # SORAFILM_NO_SKIPS=1 (CI): a skip fails the run


def pytest_configure(config: pytest.Config) -> None:
    """Hand files to xdist's workers in our order (file_order.py), not by their test count;
    and end each test process without a last sweep of its whole heap (_freeze_at_exit)."""
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False
    atexit.register(_freeze_at_exit)


def _freeze_at_exit() -> None:
    """gc.freeze() as the process exits, after the atexit hooks registered since
    pytest_configure (a PostgreSQL server's stop, the token counts' save) have run.

    The interpreter's finalization runs full collections over every object still alive
    (finalize_modules, seen in gdb): a worker that ran a thousand tests holds ~150,000-200,000
    of them, and those sweeps were ~0.5 s of CPU per worker after its last test. xdist waits
    for every worker to exit, so the last worker's sweeps were the end of every run (under
    load 13: 6.3 s from its last atexit hook to the run's end; and past xdist's 10 s
    EXIT_TIMEOUT the worker is killed). Frozen objects are skipped by those sweeps and freed
    with the process, as the CLI does (cli.__init__). pytest's own collection for unraisable
    exceptions has run by then (pytest_unconfigure), so no warning is lost.
    """
    gc.freeze()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    items[:] = file_order.longest_first(items, file_order.load_snapshot())


_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item,
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Remember on the item that a phase failed, for the fixtures that keep a failed test's
    folders to look into (as pyproject's tmp_path_retention_policy = "failed" does)."""
    report = yield
    if report.failed:
        item.stash[_FAILED] = True
    return report


@pytest.fixture(autouse=True)
def _clear_of_midnight() -> None:
    """No test starts in the last MARGIN of a UTC day, where what it booked by month and what
    it read back would fall in two months (day_boundary.py)."""
    day_boundary.start_clear_of_midnight()


@pytest.fixture(autouse=True, scope="session")
def _quick_sdk_retries() -> Iterator[None]:
    """The OpenAI SDK's retries wait 20 ms, then 40, ... (at most 0.2 s), not 0.5 s, 1, 2, 4.

    The tests that fault a read (500s, dropped connections, 429s) check that it is survived
    and how often it was sent, never how long the SDK waited; the ones that do test time
    test our own deadlines and the server's retry-after, which the SDK obeys before its
    backoff. Its backoff alone was ~3.5 s a test. In this process only: a CLI run in a
    subprocess keeps the real waits.
    """
    try:
        import openai._base_client as sdk
    except ImportError:  # an environment without the SDK (no test of it runs there)
        yield
        return
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sdk, "INITIAL_RETRY_DELAY", 0.02)
        mp.setattr(sdk, "MAX_RETRY_DELAY", 0.2)
        yield


@pytest.fixture(scope="session")
def shared_vocab(tmp_path_factory: pytest.TempPathFactory) -> vocab_fixtures.SharedVocab:
    """The prepared tokenizer vocabulary, made once per run: by the first xdist worker to get
    here, and read (checked) by the others (vocab_fixtures.py, session_fixtures.py)."""
    folder = session_fixtures.run_folder(tmp_path_factory, "shared-vocab")
    with session_fixtures.locked(folder):
        return vocab_fixtures.SharedVocab.make(folder)


@pytest.fixture(scope="session")
def _userdirs_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("userdirs")


@pytest.fixture(autouse=True)
def _isolated_user_dirs(
    _userdirs_root: Path,
    monkeypatch: pytest.MonkeyPatch,
    shared_vocab: vocab_fixtures.SharedVocab,
    request: pytest.FixtureRequest,
) -> Iterator[None]:
    """Point every per-user directory at a temp dir, and drop any real API key.

    The dir is a mkdtemp in one session folder: tmp_path_factory.mktemp lists its whole
    folder to number the next dir (and the basetemp holds one per test that ran), which made
    every test's setup slower than the one before (~0.6 s of CPU a worker by the end).

    The fresh cache dir starts with the session's prepared vocabulary in it (a hard link: the
    3 MB file is otherwise re-prepared by every process that counts tokens exactly); a test
    that checks preparation itself requests ``own_vocab``. After each test the shared copy is
    checked unchanged, so a test that wrote into it in place fails here instead of misleading
    the tests after it.

    A passing test's dir is removed at its teardown, as its tmp_path is (pyproject's
    tmp_path_retention_policy): in its worker while the others run, not by the controller
    after the last test, where the run's ~2,600 of them (~11,000 files and folders) were
    most of what the final removal of the run's folder waited on. A failed test's stays.
    """
    base = Path(tempfile.mkdtemp(dir=_userdirs_root))
    monkeypatch.setenv("SORAFILM_CACHE_DIR", str(base / "cache"))
    monkeypatch.setenv("SORAFILM_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("SORAFILM_LEDGER", str(base / "data" / "ledger.sqlite3"))
    # Jupyter's per-user data (its notebook signatures: sharing asks them whether a
    # notebook is trusted here) is the test's own too
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(base / "jupyter"))
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "SORAFILM_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    shared_vocab.seed(base / "cache")
    yield
    shared_vocab.check()
    if not request.node.stash.get(_FAILED, False):
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def own_vocab() -> Path:
    """No prepared vocabulary in this test's cache dir: the test makes (and may damage) its
    own. Returns where it goes."""
    from sorafilm_nb.story import tokens

    path = tokens.vocab_path()
    path.unlink(missing_ok=True)
    return path


@pytest.fixture
def repo_root() -> Path:
    return REPO_ROOT
