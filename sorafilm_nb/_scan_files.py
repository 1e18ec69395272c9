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

SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        "env",
        "node_modules",
        "__pycache__",
        "build",
        "dist",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        "site-packages",
        ".ipynb_checkpoints",
        ".eggs",
    }
)


# Third-party code shipped inside a repository: not the owner's concepts.
VENDOR_DIRS = frozenset({"vendor", "vendored", "_vendor", "third_party", "thirdparty"})


def language_of(rel: str) -> str | None:
    """The language a file is parsed as, from its suffix; None for files we do not read."""
    dot = rel.rfind(".")
    if dot < 0:
        return None
    return LANGUAGES.get(rel[dot:].lower())


def wanted(rel: str) -> bool:
    """A source file we read: a known language, not minified, not vendored."""
    if not language_of(rel) or rel.endswith((".min.js", ".min.mjs", ".bundle.js")):
        return False
    return not any(part in VENDOR_DIRS for part in rel.split("/")[:-1])


def list_files(root: Path) -> tuple[list[str], str]:
    """Posix paths relative to root of every source file to scan, sorted; and how found."""
    listed = _git_files(root)
    if listed is not None:
        return sorted(p for p in listed if wanted(p)), "git"
    return sorted(p for p in _walk_files(root) if wanted(p)), "walk"


def _git_files(root: Path) -> list[str] | None:
    """Files git shows under root, or None when root is not in a work tree (or git is absent).

    A directory that git ignores (a virtualenv's site-packages inside a project) is treated as
    not in a work tree, so it is walked instead of coming back empty. Both git commands start
    at once: together they cost one process start, not two.
    """
    if not _inside_git(root):
        return None
    try:
        listing = subprocess.Popen(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        ignored = subprocess.Popen(
            ["git", "check-ignore", "-q", "--", str(root)],
            cwd=root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    except OSError:
        return None
    try:
        out, _ = listing.communicate(timeout=60)
        is_ignored = ignored.wait(timeout=60) == 0
    except subprocess.TimeoutExpired:
        listing.kill()
        ignored.kill()
        return None
    if listing.returncode != 0 or is_ignored:
        return None
    return [n for n in out.decode("utf-8", "surrogateescape").split("\0") if n]


def _inside_git(root: Path) -> bool:
    """Whether some parent of root has a .git entry (saves a git process when it has none)."""
    if os.environ.get("GIT_DIR"):
        return True
    return any(os.path.lexists(os.path.join(f, ".git")) for f in (root, *root.parents))


def _walk_files(root: Path) -> list[str]:
    """scandir walk; symlinked directories are listed by scandir but never entered."""
    out: list[str] = []
    stack: list[tuple[str, str]] = [("", str(root))]
    while stack:
        prefix, folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_dir:
                if name not in SKIP_DIRS and not name.endswith(".egg-info"):
                    stack.append((prefix + name + "/", entry.path))
            elif language_of(name):
                out.append(prefix + name)
    return out
