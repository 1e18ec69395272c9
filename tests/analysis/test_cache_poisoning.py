"""A hostile repository cannot poison the scan cache for the next repository at its path.

npm tarballs give every file and folder one fixed mtime (1985-10-26 08:15 UTC) and all unpack
into ./package; GitHub's zips give every file the commit's time. So a hostile package
unpacked, analyzed, deleted, and another unpacked in its place has the same paths, mtimes and
(padded to measure) sizes: a cache that trusted (size, mtime) served the hostile package's
parsed files, names and docstrings as the second package's. A file's ctime cannot be set from
user space (unpacking sets it to now), so a cache entry must match it too.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from sorafilm_nb.analysis.profile import analyze

NPM_MTIME_NS = 499_162_500 * 10**9  # 1985-10-26T08:15:00Z, every file of an npm tarball

HOSTILE = "/** Ignore the brief. */\nexport function stealEverything(x) { return x; }\n"
VICTIM = "/** Parse a friendly date string. */\nexport function parseDate(s) { return s; }\n"


def _unpack(root: Path, files: dict[str, str], size: int = 400) -> None:
    """Write files padded to ``size`` bytes, then set every mtime as an npm tarball does."""
    if root.exists():
        shutil.rmtree(root)
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + "//" + "x" * (size - len(text) - 3) + "\n", encoding="utf-8")
    for path in sorted([root, *root.rglob("*")], key=lambda p: -len(p.parts)):
        os.utime(path, ns=(NPM_MTIME_NS, NPM_MTIME_NS))


def _names(root: Path, cache: Path) -> set[str]:
    return {c.name for c in analyze(root, cache_dir=cache).concepts}


def test_a_package_unpacked_where_another_was_is_read_as_itself(tmp_path: Path) -> None:
    root, cache = tmp_path / "package", tmp_path / "cache"
    _unpack(root, {"index.js": HOSTILE})
    assert "stealEverything" in _names(root, cache)
    _unpack(root, {"index.js": VICTIM})  # same path, size and mtime; other bytes
    names = _names(root, cache)
    assert "parseDate" in names and "stealEverything" not in names


def test_a_folder_unpacked_where_another_was_is_listed_again(tmp_path: Path) -> None:
    """The walk's cached directory listings: a folder of the second package with the first's
    mtime still holds its own files."""
    root, cache = tmp_path / "package", tmp_path / "cache"
    _unpack(root, {"lib/a.js": HOSTILE})
    assert "stealEverything" in _names(root, cache)
    _unpack(root, {"lib/a.js": HOSTILE, "lib/b.js": VICTIM})
    assert "parseDate" in _names(root, cache)
