"""The on-disk scan cache: per-file results keyed by content hash, two files per repository.

Both are marshal (loading Django's 900 results takes 50 ms; json takes several times that):

    <stem>.index    {"format", "root", "gen", "started_ns", "scanners",
                     "files": {rel: [size, mtime_ns, key, ctime_ns]},  # a warm run skips reading
                     "dirs": {rel: [mtime_ns, [subdirs], [files], [links], ctime_ns]} or None,
                     "profile": [fingerprint, profile json]}  # the last finished profile
    <stem>.results  {"format", "gen", "results": {key: per-file result}}

key = blake2b(file bytes) + parser version. A warm run over an unchanged repository reads only
the small index: every file matches on (size, mtime_ns) and the fingerprint of all keys
matches the stored profile. The results file is loaded only when something changed.

A (size, mtime_ns) match is trusted only when the file was already older than the scan that
recorded it (git's "racy clean" rule); otherwise the file is read and hashed again. Its ctime
must match too, as git's index does: an mtime is whatever an archive says (every file of an
npm tarball has the same one, and they all unpack into ./package), so a hostile package
unpacked, analyzed and replaced by another would otherwise have its parsed files served as
the next one's; a ctime is set to now by the unpacking and cannot be set back. A cache
that is truncated, foreign, from another Python version, or whose two halves disagree ("gen")
is ignored and rewritten, never a crash. Each file is written to a temp file and moved into
place with os.replace, results first, so a crash in between leaves a mismatch, not a lie.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import stat
import sys
from pathlib import Path
from typing import Any

# its home is paths.py (the token counts and the parsed data files live under it too)
from ..paths import default_cache_dir as default_cache_dir

FORMAT = 1
_PY = f"{sys.version_info[0]}{sys.version_info[1]}"


def cache_path(cache_dir: Path, root: Path) -> Path:
    """The stem of root's cache files (one pair per directory and Python version)."""
    digest = hashlib.blake2b(
        str(root).encode("utf-8", "surrogateescape"), digest_size=10
    ).hexdigest()
    return cache_dir / "analysis" / f"{root.name[:40]}-{digest}-py{_PY}"


def content_key(data: bytes, version: str) -> str:
    """The cache key of one file's bytes as read by one parser version."""
    h = hashlib.blake2b(data, digest_size=16)
    h.update(version.encode())
    return h.hexdigest()


def empty_index() -> dict[str, Any]:
    return {"format": FORMAT, "root": "", "gen": "", "started_ns": 0, "files": {}, "profile": None}


def _read(path: Path) -> tuple[Any, str | None]:
    try:
        raw = _read_regular(path)
    except FileNotFoundError:
        return None, None
    except OSError as exc:
        return None, f"cache unreadable, ignored: {exc.strerror or exc}"
    try:
        return marshal.loads(raw), None
    except (EOFError, ValueError, TypeError) as exc:
        return None, f"cache file {path.name} corrupt, ignored and rewritten: {exc}"


def _read_regular(path: Path) -> bytes:
    """The bytes of a regular file, never through a link and never blocking on a FIFO put
    where a cache file should be (marshal data is trusted, so it must be our own file)."""
    return read_regular_stat(path)[0]


def read_regular_stat(path: Path) -> tuple[bytes, os.stat_result]:
    """_read_regular's bytes, and the file's stat as it was when they were read: the same
    before and after the read, else OSError (a write that landed meanwhile, which a stamp
    compared with the earlier stat would vouch for: story/tokens.py)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise OSError(f"{path.name} is not a regular file")
        data = fh.read()
        after = os.fstat(fh.fileno())
        if (after.st_size, after.st_mtime_ns, after.st_ctime_ns) != (
            st.st_size,
            st.st_mtime_ns,
            st.st_ctime_ns,
        ) or len(data) != st.st_size:
            raise OSError(f"{path.name} changed while it was read")
        return data, st


def load_index(stem: Path, root: Path) -> tuple[dict[str, Any], str | None]:
    """The index for root, and a note when an existing file had to be ignored."""
    data, note = _read(stem.with_name(stem.name + ".index"))
    if data is None:
        return empty_index(), note
    if (
        not isinstance(data, dict)
        or data.get("format") != FORMAT
        or data.get("root") != str(root)
        or not isinstance(data.get("files"), dict)
        or not isinstance(data.get("gen"), str)
        or not isinstance(data.get("started_ns"), int)
    ):
        return empty_index(), "cache index corrupt or foreign, ignored and rewritten"
    for entry in data["files"].values():
        if (
            type(entry) is not list
            or len(entry) not in (3, 4)  # 3: written before ctimes were (never trusted)
            or any(type(v) is not int for v in entry[:2] + entry[3:])
            or type(entry[2]) is not str
        ):
            return empty_index(), "cache index corrupt, ignored and rewritten"
    if type(data.get("dirs")) is not dict:
        data["dirs"] = None  # each listing's shape is checked where the walk uses it
    return data, None


def load_results(stem: Path, gen: str) -> tuple[dict[str, Any] | None, str | None]:
    """The results written with index generation gen; None if missing, corrupt or stale."""
    data, note = _read(stem.with_name(stem.name + ".results"))
    if data is None:
        return None, note
    if (
        not isinstance(data, dict)
        or data.get("format") != FORMAT
        or data.get("gen") != gen
        or not isinstance(data.get("results"), dict)
    ):
        return None, "cache results corrupt or stale, ignored and rewritten"
    return data["results"], None


def save(stem: Path, index: dict[str, Any], results: dict[str, Any] | None) -> str | None:
    """Write results (when given) then the index, each atomically; failure is a note."""
    try:
        stem.parent.mkdir(parents=True, exist_ok=True)
        if results is not None:
            _write(
                stem.with_name(stem.name + ".results"),
                marshal.dumps({"format": FORMAT, "gen": index["gen"], "results": results}),
            )
        _write(stem.with_name(stem.name + ".index"), marshal.dumps(index))
    except (OSError, ValueError) as exc:
        return f"cache not written: {exc}"
    return None


def _write(path: Path, blob: bytes) -> None:
    from ..safeio import write_bytes

    # no fsync: what is read back is checked (marshal, format, gen), a torn file is rebuilt
    write_bytes(path, blob, durable=False)
