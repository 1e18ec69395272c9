"""A hostile repository cannot make the scan read anything outside it (issue 11, item 1).

Real files, links, FIFOs and a real ``sorafilm`` process whose environment holds a secret:
``/proc/self/environ`` only shows the environment a process was started with, so the secret
must be in a child's environment, not set with monkeypatch.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from git_fixtures import git

from sorafilm_nb.analysis.profile import RepoProfile, analyze
from sorafilm_nb.errors import AnalysisError

SECRET = "hunter2-xyz"
OUTSIDE_CLASS = "OutsideSecretHolder"
CLI = "import sys; from sorafilm_nb.cli import main; sys.exit(main())"


def warned(profile: RepoProfile) -> dict[str, str]:
    return {w.file: w.reason for w in profile.warnings}


def _outside(tmp_path: Path) -> Path:
    """Files beyond the root that a link points at: a secret-bearing module and a folder."""
    out = tmp_path / "outside"
    (out / "pkg").mkdir(parents=True)
    code = (
        f'DATABASE_PASSWORD = "{SECRET}"\n\n'
        f"class {OUTSIDE_CLASS}:\n"
        f'    """Holds the database password {SECRET} for the whole company."""\n'
    )
    (out / "creds.py").write_text(code)
    (out / "pkg" / "deep.py").write_text(code.replace(OUTSIDE_CLASS, "OutsideDeepModule"))
    (out / "notes.md").write_text(f"# Secret notes {SECRET}\n\nThe password is {SECRET}.\n")
    (out / "pyproject.toml").write_text(f'[project]\nname = "{SECRET}"\n')
    return out


def hostile_repo(tmp_path: Path) -> Path:
    """A repository whose links reach /proc, a file and a folder outside it, plus a FIFO, a
    dangling link, a loop, and a link to a file inside (the one link that is fine)."""
    outside = _outside(tmp_path)
    root = tmp_path / "repo"
    (root / "app").mkdir(parents=True)
    (root / "app" / "core.py").write_text(
        "class Engine:\n    '''Runs the whole show.'''\n\n\ndef start():\n    return Engine()\n"
    )
    os.symlink("/proc/self/environ", root / "README.md")
    os.symlink("/proc/self/environ", root / "app" / "environ.py")
    os.symlink(outside / "creds.py", root / "app" / "creds.py")
    os.symlink(outside / "pkg", root / "vendorish")  # a folder outside
    os.symlink(outside / "pkg", root / "app" / "linked_pkg.py")  # a folder, named as source
    os.symlink(outside / "notes.md", root / "NOTES")  # a non-source file outside
    os.mkfifo(root / "app" / "pipe.py")
    os.symlink("gone.py", root / "app" / "dangling.py")
    os.symlink("loop_b", root / "loop_a")
    os.symlink("loop_a", root / "loop_b")
    os.symlink("core.py", root / "app" / "alias.py")  # inside -> inside: read
    os.symlink(outside / "pyproject.toml", root / "pyproject.toml")  # the project's name
    os.symlink("/proc/self/environ", root / "package.json")
    return root


def _assert_safe(prof: RepoProfile) -> None:
    text = prof.to_json()
    assert SECRET not in text and "DATABASE_PASSWORD" not in text
    assert OUTSIDE_CLASS not in text and "OutsideDeepModule" not in text
    names = {c.name for c in prof.concepts}
    assert {"Engine", "start"} <= names


def test_links_out_of_the_root_and_special_files_are_warnings(tmp_path: Path) -> None:
    root = hostile_repo(tmp_path)
    for attempt in range(2):  # cold, then warm from the cache: the same answer
        prof = analyze(root, cache_dir=tmp_path / "cache")
        _assert_safe(prof)
        w = warned(prof)
        assert "outside the repository" in w["README.md"]
        assert "outside the repository" in w["app/environ.py"]
        assert "outside the repository" in w["app/creds.py"]
        assert "outside the repository" in w["app/linked_pkg.py"]
        assert "outside the repository" in w["vendorish"]
        assert "outside the repository" in w["NOTES"]
        assert "not a regular file" in w["app/pipe.py"]
        assert w["app/dangling.py"] == "unreadable: dangling symlink"
        assert "loop" in w["loop_a"] and "loop" in w["loop_b"]
        assert "app/alias.py" not in w, attempt  # a link inside the root is fine
        assert prof.title == "repo"  # the README was not read, so the folder names the film
        assert not any(f.startswith("vendorish/") for f in w)


def test_a_git_listing_of_links_is_judged_the_same(tmp_path: Path) -> None:
    """git ls-files lists a tracked link as a file; a tracked file under a folder later
    replaced by a link to outside is still listed by its old path."""
    root = hostile_repo(tmp_path)
    os.unlink(root / "app" / "pipe.py")  # git cannot add a FIFO
    (root / "lib").mkdir()
    (root / "lib" / "deep.py").write_text("class WasInside:\n    pass\n")
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(tmp_path)}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "x"]):
        git(root, *args, env=env)
    # lib/ swapped for a link to a folder outside: lib/deep.py stays in git's index
    (root / "lib" / "deep.py").unlink()
    (root / "lib").rmdir()
    os.symlink(tmp_path / "outside" / "pkg", root / "lib")
    prof = analyze(root, use_cache=False)
    assert prof.stats["listing"] == "git"
    _assert_safe(prof)
    w = warned(prof)
    assert "outside the repository" in w["README.md"]
    assert "outside the repository" in w["app/environ.py"]
    assert "outside the repository" in w["app/creds.py"]
    assert "outside the repository" in w["lib/deep.py"]
    assert w["app/dangling.py"] == "unreadable: dangling symlink"


def test_a_fifo_readme_does_not_hang_the_scan(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "main.py").write_text("def run():\n    pass\n")
    os.mkfifo(root / "README.md")
    prof = analyze(root, use_cache=False)  # open() without O_NONBLOCK would block forever
    assert "not a regular file" in warned(prof)["README.md"]


def test_proc_and_sys_are_not_repositories() -> None:
    with pytest.raises(AnalysisError, match="system folder"):
        analyze("/proc/self", use_cache=False)


def test_a_secret_in_the_environment_reaches_no_profile_concept_or_plan(tmp_path: Path) -> None:
    """The attack as reported: README.md -> /proc/self/environ put DATABASE_PASSWORD into
    the title, plan.json and plan.md. Here a real `sorafilm plan` process runs with the
    secret in its environment (so its /proc/self/environ holds it). The only way to the
    secret here is /proc: the README and a source file link to it."""
    root = tmp_path / "repo"
    (root / "app").mkdir(parents=True)
    (root / "app" / "core.py").write_text(
        "class Engine:\n    '''Runs the whole show.'''\n\n\ndef start():\n    return Engine()\n"
    )
    os.symlink("/proc/self/environ", root / "README.md")
    os.symlink("/proc/self/environ", root / "app" / "environ.py")
    out = tmp_path / "plan-out"
    env = {  # the secret first: a README title is the first 500 characters of its line
        "DATABASE_PASSWORD": SECRET,
        **{k: v for k, v in os.environ.items() if k != "DATABASE_PASSWORD"},
        "SORAFILM_CACHE_DIR": str(tmp_path / "cache"),
        "SORAFILM_LEDGER": str(tmp_path / "no-ledger.sqlite"),
        "PYTHONPATH": os.pathsep.join(sys.path),
    }
    script = (
        "import sys, json\n"
        "from sorafilm_nb.analysis.profile import analyze\n"
        "prof = analyze(sys.argv[1])\n"
        "print(prof.to_json())\n"
        "print(json.dumps([c.name + ' ' + c.summary for c in prof.concepts]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(root)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert SECRET not in done.stdout + done.stderr
    profile = RepoProfile.from_json(done.stdout.splitlines()[0])
    assert "Engine" in {c.name for c in profile.concepts}
    planned = subprocess.run(
        [sys.executable, "-c", CLI, "plan", "--repo", str(root), "--out", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert planned.returncode in (0, 1), planned.stderr  # 1: lint blocked, still written
    written = [p.read_text() for p in out.glob("plan.*")]
    assert written and json.loads((out / "plan.json").read_text())
    for text in [planned.stdout, planned.stderr, *written]:
        assert SECRET not in text and "DATABASE_PASSWORD" not in text


def test_a_docs_folder_nested_past_the_recursion_limit_is_not_a_crash(tmp_path: Path) -> None:
    """docs/d/d/.../d 1,500 folders deep: the docs walk (os.walk recurses on Python 3.11)
    raised RecursionError out of analyze(); pages that deep are no one's documentation."""
    root = tmp_path / "repo"
    root.mkdir()
    (root / "core.py").write_text("def start():\n    '''Starts the show.'''\n")
    deep = root / "docs"
    deep.mkdir()
    fd = os.open(deep, os.O_RDONLY)
    try:  # one level at a time, relative to the last: the full path outgrows PATH_MAX
        for _ in range(1500):
            os.mkdir("d", dir_fd=fd)
            nxt = os.open("d", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = nxt
        os.close(os.open("page.md", os.O_WRONLY | os.O_CREAT, dir_fd=fd))
    finally:
        os.close(fd)
    (root / "docs" / "guide.md").write_text("```python\nfrom core import start\nstart()\n```\n")
    try:
        assert "start" in {c.name for c in analyze(root).concepts}
    finally:
        _remove_deep(deep)


def _remove_deep(top: Path) -> None:
    """Remove a chain of "d" folders one level at a time from the top, each step a short path
    (pytest's cleanup, shutil.rmtree, recurses on 3.11: RecursionError at session end)."""
    while (top / "d" / "d").is_dir():
        os.rename(top / "d" / "d", top / "next")
        shutil.rmtree(top / "d")
        os.rename(top / "next", top / "d")
    shutil.rmtree(top / "d")


@pytest.mark.parametrize("listing", ["walk", "git"])
def test_a_file_name_that_is_not_utf8_is_a_warning_not_a_crash(
    tmp_path: Path, listing: str
) -> None:
    """A file named b"bad\\xffname.py" reached Python as lone surrogates, rode along in the
    concept's name and file, and crashed `sorafilm plan` at writing plan.json (UnicodeEncodeError,
    a traceback, after the plan had been printed with the raw bytes). Such a file is not read
    (Python cannot import it either), and the warning names it in escapes."""
    root = tmp_path / "repo"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "core.py").write_text("class Engine:\n    '''Runs the show.'''\n")
    bad = os.fsencode(root / "pkg") + b"/bad\xff\xfename.py"
    with open(bad, "w") as fh:
        fh.write("class BadBytes:\n    '''Has a bad name.'''\n")
    if listing == "git":
        env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(tmp_path)}
        for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "x"]):
            git(root, *args, env=env)
    prof = analyze(root, use_cache=False)
    assert prof.stats["listing"] == listing
    prof.to_json().encode("utf-8")  # raised UnicodeEncodeError: surrogates not allowed
    assert warned(prof)["pkg/bad\\xff\\xfename.py"] == "file name is not valid UTF-8, not read"
    names = {c.name for c in prof.concepts}
    assert "Engine" in names and "BadBytes" not in names


def test_a_repository_whose_path_is_not_utf8_is_a_clear_error(tmp_path: Path) -> None:
    """A folder unpacked from an archive named b"evil\\xff": its name became the title and the
    casting's seed, and `sorafilm analyze` and `plan` died in a traceback
    (UnicodeEncodeError) instead of saying what was wrong."""
    root = os.fsencode(tmp_path) + b"/evil\xff"
    os.mkdir(root)
    with open(root + b"/core.py", "w") as fh:
        fh.write('class Engine:\n    """Runs the show."""\n')
    with pytest.raises(AnalysisError, match=r"evil\\xff: its path is not valid UTF-8"):
        analyze(os.fsdecode(root), use_cache=False)
