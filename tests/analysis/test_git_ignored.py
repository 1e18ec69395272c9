"""gitfiles.ignored_below: a folder git surely ignores is seen without running git (issue 14).

Each case is a real work tree; whenever ignored_below says "ignored", git check-ignore must
say so too (otherwise the listing would differ from git's), and the cases it cannot decide
(negations, wildcards, a nearer .gitignore, a linked one) must go on asking git.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from sorafilm_nb.analysis import gitfiles as files
from sorafilm_nb.analysis.profile import analyze

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def work_tree(tmp_path: Path, gitignore: str | None) -> Path:
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    if gitignore is not None:
        (tmp_path / ".gitignore").write_text(gitignore)
    return tmp_path


def git_ignores(top: Path, rel: str) -> bool:
    done = subprocess.run(["git", "check-ignore", "-q", "--", rel], cwd=top)
    return done.returncode == 0


CASES = [
    # (.gitignore, folder, ignored_below's answer)
    (".venv/\n", ".venv/lib/site-packages/pkg", True),
    ("# deps\n.venv\n", ".venv/lib/pkg", True),
    ("/build/\n", "build/x", True),
    ("/build/\n", "src/build/x", False),  # anchored at the top only
    ("build/\n", "src/build/x", True),  # a plain name: at any depth
    ("/out/gen/\n", "out/gen/deep", True),
    ("/out/gen/\n", "out/other", False),
    ("src\n", "src", True),  # the folder itself
    ("*.egg-info/\n", "pkg.egg-info/x", False),  # a wildcard: git decides
    (".venv/\n!.venv/keep\n", ".venv/keep", False),  # a negation: git decides
    ("node_modules/\n", "lib/pkg", False),
    (None, "lib/pkg", False),
    (".venv\r\n", ".venv/lib/pkg", True),  # git drops a line's CR
    # git splits lines at LF only and strips trailing spaces, not tabs: these name no .venv
    (".venv\t\n", ".venv/lib/pkg", False),
    ("zz\x1c.venv\n", ".venv/lib/pkg", False),
    ("zz\r.venv\n", ".venv/lib/pkg", False),
    ("zz\x0c.venv\n", ".venv/lib/pkg", False),
]


@pytest.mark.parametrize("gitignore", [".venv\t\n", "zz\x1c.venv\n", "zz\r.venv\n"])
def test_git_itself_does_not_ignore_the_odd_lines(tmp_path: Path, gitignore: str) -> None:
    top = work_tree(tmp_path, gitignore)
    (top / ".venv" / "lib").mkdir(parents=True)
    (top / ".venv" / "lib" / "m.py").write_text("x = 1\n")
    assert not git_ignores(top, ".venv/lib")


@pytest.mark.parametrize(("gitignore", "folder", "expected"), CASES)
def test_only_what_git_surely_ignores_is_called_ignored(
    tmp_path: Path, gitignore: str | None, folder: str, expected: bool
) -> None:
    top = work_tree(tmp_path, gitignore)
    (top / folder).mkdir(parents=True)
    (top / folder / "m.py").write_text("class M:\n    pass\n")
    assert files.ignored_below(top, top / folder) is expected
    if expected:
        assert git_ignores(top, folder)


def test_a_gitignore_that_is_no_regular_file_is_left_to_git(tmp_path: Path) -> None:
    """A FIFO where the top .gitignore should be (a hostile unpacked tree) must not block the
    analysis: it is not opened for reading at all, and git decides."""
    import os
    import threading

    top = work_tree(tmp_path, None)
    os.mkfifo(top / ".gitignore")
    (top / ".venv" / "lib").mkdir(parents=True)
    answer: list[bool] = []
    worker = threading.Thread(
        target=lambda: answer.append(files.ignored_below(top, top / ".venv" / "lib")),
        daemon=True,
    )
    worker.start()
    worker.join(10)
    if not answer:  # unblock the reader so the thread ends
        fd = os.open(top / ".gitignore", os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)
    assert answer == [False]


def test_a_nearer_gitignore_or_a_linked_one_sends_the_question_to_git(tmp_path: Path) -> None:
    top = work_tree(tmp_path, "deps/\n")
    (top / "a" / "deps" / "pkg").mkdir(parents=True)
    assert files.ignored_below(top, top / "a" / "deps" / "pkg")
    (top / "a" / ".gitignore").write_text("!deps/\n")  # may re-include it
    assert not files.ignored_below(top, top / "a" / "deps" / "pkg")

    other = tmp_path / "other"
    other.mkdir()
    top2 = work_tree(other, None)
    real = tmp_path / "rules"
    real.write_text("deps/\n")
    (top2 / ".gitignore").symlink_to(real)  # git reads no .gitignore through a link
    (top2 / "deps" / "pkg").mkdir(parents=True)
    assert not files.ignored_below(top2, top2 / "deps" / "pkg")


def test_an_ignored_folder_is_walked_without_starting_git(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    top = work_tree(tmp_path, ".venv/\n")
    pkg = top / ".venv" / "lib" / "pkg"
    pkg.mkdir(parents=True)
    (pkg / "m.py").write_text("class Walked:\n    pass\n")

    def no_process(*args: object, **kwargs: object) -> None:
        raise AssertionError("git was started for an ignored folder")

    monkeypatch.setattr(subprocess, "Popen", no_process)
    prof = analyze(pkg, use_cache=False)
    assert prof.stats["listing"] == "walk" and "Walked" in {c.name for c in prof.concepts}


def test_the_parents_are_walked_once_to_decide(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """git_files asked "in a work tree?" and then "ignored by name?", and each walked every
    parent folder up to the .git entry (or to / outside any work tree). One walk now; a
    lexists count, not a clock, says so."""
    import os

    top = work_tree(tmp_path, ".venv/\n")
    deep = top / ".venv" / "lib" / "python3" / "site-packages" / "pkg"
    deep.mkdir(parents=True)
    asked: list[str] = []
    real = os.path.lexists

    def counted(path: str) -> bool:
        if str(path).endswith(".git"):
            asked.append(str(path))
        return real(path)

    monkeypatch.delenv("GIT_DIR", raising=False)
    monkeypatch.setattr(files.os.path, "lexists", counted)
    assert files.git_files(deep) is None  # ignored: walked, no git process
    assert len(asked) == len(deep.relative_to(top).parts) + 1  # deep up to top, once
