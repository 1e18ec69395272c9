"""Which files git shows under a folder, asked only when git could answer something else
than "walk it" (used by files.list_files).

Kept apart from files.py, which walks: this holds the rules for when a folder is in a work
tree and when git surely ignores it (ignored_below), so a tree inside a project's
virtualenv costs no git process at all.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import subprocess

# git obeys the repository's own .git/config, which an archive or a copied folder brings
# along (a clone does not): ``core.fsmonitor`` names a command git runs whenever it reads the
# index, ls-files included, so a hostile repository ran its own command on `sorafilm
# analyze`. Settings given with -c win over the repository's.
_GIT = ("git", "-c", "core.fsmonitor=false")


def git_files(root: Path) -> tuple[list[str], list[str]] | None:
    """(tracked, untracked but not ignored) files git shows under root; None when root is not
    in a work tree (or git is absent).

    A directory that git ignores (a virtualenv's site-packages inside a project) is treated as
    not in a work tree, so it is walked instead of coming back empty. Both git commands start
    at once: together they cost one process start, not two.
    """
    if not os.environ.get("GIT_DIR"):  # else git finds the repository, wherever root is
        top = _work_tree(root)  # one walk up the parents answers all three questions
        if top is None or ignored_below(top, root) or _config_names_files(top):
            return None
    import subprocess  # here: a tree that is in no work tree (or an ignored folder) never asks

    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}  # never rewrites the repository's index
    try:
        listing = subprocess.Popen(
            [*_GIT, "ls-files", "-z", "-t", "--cached", "--others", "--exclude-standard"],
            cwd=root,
            stdin=subprocess.DEVNULL,  # a config naming /dev/stdin reads nothing
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        ignored = subprocess.Popen(
            [*_GIT, "check-ignore", "-q", "--", str(root)],
            cwd=root,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
    except OSError:
        return None
    try:
        out = _output(listing, (listing, ignored))
        _output(ignored, (ignored,))
        is_ignored = ignored.returncode == 0
    except subprocess.TimeoutExpired:
        listing.kill()
        ignored.kill()
        listing.wait()
        ignored.wait()
        return None
    if listing.returncode != 0 or is_ignored:
        return None
    tracked: list[str] = []
    untracked: list[str] = []
    for entry in out.decode("utf-8", "surrogateescape").split("\0"):
        # -t tags each path: "H " (and other letters) for tracked, "? " for untracked
        if len(entry) > 2:
            (untracked if entry[0] == "?" else tracked).append(entry[2:])
    return tracked, untracked


_PATIENCE = 60.0  # seconds git may take to list a tree (Django's: well under one)
_LOOK_EVERY = 0.2  # seconds between looks at whether git waits on a FIFO


def _output(listing: subprocess.Popen[bytes], both: tuple[subprocess.Popen[bytes], ...]) -> bytes:
    """What a git process prints (b"" when its output is not piped); TimeoutExpired when it
    takes over _PATIENCE seconds, or as soon as one of both is seen waiting for the writer
    of a FIFO (Linux).

    Why: git opens every .gitignore it meets (and info/exclude) for reading, and opening a
    FIFO waits for a writer. An unpacked archive's FIFO named .gitignore, at the top or in
    any folder, held `sorafilm analyze` for the whole 60 s before the tree was walked
    instead; now for a fifth of a second. _config_names_files keeps git away from the files
    the config names; this catches the ones in the tree, which no look before the run finds
    without walking it."""
    import subprocess

    waited = 0.0
    while True:
        try:
            return listing.communicate(timeout=_LOOK_EVERY)[0] or b""
        except subprocess.TimeoutExpired:
            waited += _LOOK_EVERY
            if waited >= _PATIENCE or any(_waits_on_fifo(p.pid) for p in both):
                raise


def _waits_on_fifo(pid: int) -> bool:
    """Whether the process sleeps in the kernel's wait for a FIFO's other end (the wchan
    Linux names); False where /proc does not say."""
    try:
        with open(f"/proc/{pid}/wchan", "rb") as fh:
            return fh.read() == b"wait_for_partner"
    except OSError:
        return False


def _work_tree(root: Path) -> Path | None:
    """The nearest folder at or above root with a .git entry (its work tree), or None."""
    for folder in (root, *root.parents):
        if os.path.lexists(os.path.join(folder, ".git")):
            return folder
    return None


_GLOB = frozenset("*?[\\")


def ignored_below(top: Path, root: Path) -> bool:
    """Whether git would surely call root ignored, seen without running git: a folder on the
    way from its work tree (top, the folder with the .git entry) down to root (root included)
    is named by a plain line of the work tree's top .gitignore (``.venv/``, ``/build``,
    ``node_modules``). git_files walks the parents once to find top, and asks this with it.

    Why: a tree inside a virtualenv of a project (Django's source in .venv/lib/...) otherwise
    costs two git processes a run only to learn that it is ignored and must be walked (~5 ms
    of every warm `sorafilm plan`, issue 14). Only what git cannot decide otherwise counts:
    git never looks inside an ignored folder, so nothing deeper can re-include root; the top
    .gitignore has no "!" line, and no folder between it and the named one has a .gitignore
    of its own (a later or nearer rule could win); lines with wildcards or escapes are left
    to git. info/exclude and core.excludesFile only add ignores. False means "ask git"."""
    if top == root:
        return False
    parts = root.relative_to(top).parts
    ignore = os.path.join(top, ".gitignore")
    if os.path.islink(ignore):  # git reads no .gitignore through a link
        return False
    text = _read_plain(ignore)
    if text is None:
        return False
    hit: int | None = None  # how many leading parts name the first ignored folder
    for raw in text.split("\n"):  # as git reads it: lines end at LF (a CR before it dropped),
        line = raw.removesuffix("\r").rstrip(" ")  # and only trailing spaces are stripped
        if line.startswith("!"):
            return False
        if not line or line.startswith("#") or not _GLOB.isdisjoint(line):
            continue
        anchored = line.startswith("/") or "/" in line.rstrip("/")
        segs = tuple(p for p in line.strip("/").split("/") if p)
        if not segs or any(p in (".", "..") for p in segs):
            continue
        if anchored:
            found = len(segs) if segs == parts[: len(segs)] else None
        else:
            found = parts.index(segs[0]) + 1 if len(segs) == 1 and segs[0] in parts else None
        if found is not None and (hit is None or found < hit):
            hit = found
    if hit is None:
        return False
    folder = top
    for part in parts[: hit - 1]:  # a .gitignore between the top and the ignored folder
        folder = folder / part
        if os.path.lexists(folder / ".gitignore"):
            return False
    return True


def _read_plain(path: str) -> str | None:
    """A .gitignore's text, or None when it is not a plain UTF-8 regular file: never through
    a link, and never blocking on a FIFO a hostile unpacked tree put there (the cache's own
    careful read)."""
    from .cache import read_regular_stat

    try:
        return read_regular_stat(Path(path))[0].decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


# Keys of a git config that make git open a file when it lists (include.path and
# includeIf.*.path while reading the config, core.excludesFile for --exclude-standard).
_OPENS = re.compile(r"^\s*(?:path|excludesfile)\s*(?:=|$)", re.IGNORECASE | re.MULTILINE)


def _config_names_files(top: Path) -> bool:
    """Whether the repository's own git config (which an archive or a copied folder brings
    along) names a file git would open while listing: a FIFO or /dev/tty there makes git wait
    for a writer, `sorafilm analyze` for git's 60 s timeout (issue 11: never hang). -c cannot
    switch includes off, so such a tree is walked instead. An unreadable config counts too;
    a .git file (worktree, submodule) is judged by the git dir it names and its commondir.
    top is the work tree (_work_tree); with GIT_DIR set, the user's own choice, not asked."""
    gitdir = top / ".git"
    if not gitdir.is_dir():
        line = _read_plain(str(gitdir))
        if line is None or not line.startswith("gitdir:"):
            return True
        gitdir = top / line[len("gitdir:") :].strip()
        common = _read_plain(str(gitdir / "commondir"))
        if common is not None and _config_text(gitdir / common.strip()) != "":
            return True
    return _config_text(gitdir) != ""


def _config_text(gitdir: Path) -> str:
    """Empty when gitdir's config names no file git would open, else the matched text (or
    "unreadable" when the config exists but is not a plain regular file)."""
    config = gitdir / "config"
    if not os.path.lexists(config):
        return ""
    text = _read_plain(str(config))
    if text is None:
        return "unreadable"
    found = _OPENS.search(text)
    return found.group(0) if found else ""
