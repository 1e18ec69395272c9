"""A repository's own git config runs nothing: listing its files asks git, and git obeys
the config in the repository's .git (which an archive or a copied folder brings along, unlike
a clone). ``core.fsmonitor`` names a command git runs on every index read, ``git ls-files``
included: a hostile repository ran its own command on `sorafilm analyze`."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from git_fixtures import git

from sorafilm_nb.analysis.profile import analyze

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def test_the_repositorys_fsmonitor_command_is_never_run(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text('def launch():\n    """Launch it."""\n')
    git(root, "init", "-q", ".")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "x")
    marker = tmp_path / "ran"
    git(root, "config", "core.fsmonitor", f"touch '{marker}'; false")
    profile = analyze(root, use_cache=False)
    assert not marker.exists()
    assert profile.stats["listing"] == "git"  # git still lists the files
    assert "launch" in {c.name for c in profile.concepts}


def _watched_fifo(path: Path) -> tuple[threading.Event, Callable[[], None]]:
    """A FIFO that records whether anything opened it: a writer waits in a thread (open
    blocks until a reader comes). Git opening it for reading would block a scan until its
    60 s timeout (or for ever: /dev/tty); here the writer answers, so the test cannot hang."""
    os.mkfifo(path)
    opened = threading.Event()

    def serve() -> None:
        fd = os.open(path, os.O_WRONLY)
        opened.set()
        os.write(fd, b"*.py\n")
        os.close(fd)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()

    def stop() -> None:
        reader = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # lets the writer's open return
        thread.join(5)
        os.close(reader)

    return opened, stop


@pytest.mark.parametrize(
    "config",
    [
        "[core]\n\texcludesFile = {fifo}\n",
        "[include]\n\tpath = {fifo}\n",
        '[includeIf "gitdir:/"]\n\tpath = {fifo}\n',
        "[CORE]\n\tExcludesFile={fifo}\n",
    ],
    ids=["excludesFile", "include", "includeIf", "case"],
)
def test_the_repositorys_config_makes_git_open_no_file(tmp_path: Path, config: str) -> None:
    """git opens the files a repository's .git/config names (core.excludesFile, include.path,
    includeIf.*.path) when listing; a FIFO or /dev/tty there made `sorafilm analyze` wait for
    git's 60 s timeout (issue 11: never hang). Such a work tree is walked instead."""
    root = tmp_path / "repo"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text('def launch():\n    """Launch it."""\n')
    git(root, "init", "-q", ".")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "x")
    fifo = root / "names"
    with open(root / ".git" / "config", "a") as fh:  # not `git config`: it would read it
        fh.write(config.format(fifo=fifo))
    opened, stop = _watched_fifo(fifo)
    try:
        profile = analyze(root, use_cache=False)
    finally:
        was_opened = opened.is_set()
        stop()
    assert not was_opened
    assert "launch" in {c.name for c in profile.concepts}


@pytest.mark.parametrize("where", [".gitignore", "pkg/.gitignore"])
def test_a_fifo_named_gitignore_does_not_hold_the_scan(tmp_path: Path, where: str) -> None:
    """git opens every .gitignore it meets while listing, and an unpacked archive's FIFO by
    that name (at the top or in any folder; no look before the run finds it without walking
    the tree) made git wait for a writer: `sorafilm analyze` sat out git's whole 60 s
    timeout. git seen waiting on a FIFO is stopped at once and the tree walked instead.
    (No writer here: a deadline stands in for one, well short of the 60 s.)"""
    root = tmp_path / "repo"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text('def launch():\n    """Launch it."""\n')
    git(root, "init", "-q", ".")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "x")
    os.mkfifo(root / where)
    found: list[object] = []
    worker = threading.Thread(
        target=lambda: found.append(analyze(root, use_cache=False)), daemon=True
    )
    worker.start()
    worker.join(30)
    assert not worker.is_alive(), "the scan waited on git, and git on the FIFO"
    (profile,) = found
    assert profile.stats["listing"] == "walk"  # type: ignore[attr-defined]
    assert "launch" in {c.name for c in profile.concepts}  # type: ignore[attr-defined]
