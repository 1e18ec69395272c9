"""Which files of a repository to read: the ones its owner sees.

Inside a git work tree that is ``git ls-files`` (tracked plus untracked-but-not-ignored), so
.gitignore is honoured; elsewhere (an installed package, a tarball) a walk that skips the
usual junk. Symlinked directories are never followed, so a symlink loop cannot hang a scan.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

# file suffix -> language
LANGUAGES: dict[str, str] = {
    ".py": "python",
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".jsx": "javascript",
    ".ts": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".tsx": "tsx",
}

SKIP_DIRS = frozenset({
    ".git", ".hg", ".svn", ".venv", "venv", "env", "node_modules", "__pycache__", "build",
    "dist", ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", "site-packages",
    ".ipynb_checkpoints", ".eggs",
})


def language_of(rel: str) -> str | None:
    """The language a file is parsed as, from its suffix; None for files we do not read."""
    dot = rel.rfind(".")
    if dot < 0:
        return None
    return LANGUAGES.get(rel[dot:].lower())


def list_files(root: Path) -> tuple[list[str], str]:
    """Posix paths relative to root of every source file to scan, sorted; and how found."""
    listed = _git_files(root)
    if listed is not None:
        return sorted(p for p in listed if language_of(p)), "git"
    return sorted(_walk_files(root)), "walk"


def _git_files(root: Path) -> list[str] | None:
    """Files git shows under root, or None when root is not in a work tree (or git is absent).

    A directory that git ignores (a virtualenv's site-packages inside a project) is treated as
    not in a work tree, so it is walked instead of coming back empty.
    """
    try:
        proc = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=root, capture_output=True, timeout=60, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode != 0:
        return None
    names = [n for n in proc.stdout.decode("utf-8", "surrogateescape").split("\0") if n]
    if not names and _git_ignored(root):
        return None
    return names


def _git_ignored(root: Path) -> bool:
    try:
        proc = subprocess.run(
            ["git", "check-ignore", "-q", "--", str(root.resolve())],
            cwd=root, capture_output=True, timeout=30, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return proc.returncode == 0


def _walk_files(root: Path) -> list[str]:
    out: list[str] = []
    base = str(root)
    for dirpath, dirnames, filenames in os.walk(base, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames
                             if d not in SKIP_DIRS and not d.endswith(".egg-info"))
        rel_dir = os.path.relpath(dirpath, base)
        prefix = "" if rel_dir == "." else rel_dir.replace(os.sep, "/") + "/"
        for name in filenames:
            if language_of(name):
                out.append(prefix + name)
    return out
