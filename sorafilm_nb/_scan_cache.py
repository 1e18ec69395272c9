"""The on-disk scan cache: per-file results keyed by content hash, one file per repository.

Layout (marshal, so loading Django's 900 entries takes a few ms, not the 100+ of json)::

    {"format": FORMAT, "root": str, "started_ns": int,
     "files": {rel: [size, mtime_ns, key]},      # lets a warm run skip reading unchanged files
     "results": {key: per-file result},          # key = blake2b(bytes) + parser version
     "profile": [fingerprint, profile json]}     # the last finished profile, for the warmest path

A (size, mtime_ns) match is trusted only when the file was already older than the scan that
recorded it (git's "racy clean" rule); otherwise the file is read and hashed again. A cache
file that is truncated, foreign or from another Python version is ignored and rewritten, never
a crash. Writes go to a temp file first and are moved into place with os.replace.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

FORMAT = 1
_PY = f"{sys.version_info[0]}{sys.version_info[1]}"


def default_cache_dir() -> Path:
    """SORAFILM_CACHE_DIR, else platformdirs' per-user cache dir for sorafilm-nb."""
    env = os.environ.get("SORAFILM_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("sorafilm-nb"))


def cache_path(cache_dir: Path, root: Path) -> Path:
    """One cache file per analysed directory (and per Python version: marshal's format)."""
    digest = hashlib.blake2b(str(root).encode("utf-8", "surrogateescape"),
                             digest_size=10).hexdigest()
    return cache_dir / "analysis" / f"{root.name[:40]}-{digest}-py{_PY}.marshal"


def content_key(data: bytes, version: str) -> str:
    """The cache key of one file's bytes as read by one parser version."""
    h = hashlib.blake2b(data, digest_size=16)
    h.update(version.encode())
    return h.hexdigest()


def empty() -> dict[str, Any]:
    return {"format": FORMAT, "root": "", "started_ns": 0, "files": {}, "results": {},
            "profile": None}


def load(path: Path, root: Path) -> tuple[dict[str, Any], str | None]:
    """The cache for root, and a note when an existing file had to be ignored."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return empty(), None
    except OSError as exc:
        return empty(), f"cache unreadable, ignored: {exc}"
    try:
        data = marshal.loads(raw)
    except (EOFError, ValueError, TypeError) as exc:
        return empty(), f"cache corrupt, ignored and rewritten: {exc}"
    if (not isinstance(data, dict) or data.get("format") != FORMAT
            or data.get("root") != str(root) or not isinstance(data.get("files"), dict)
            or not isinstance(data.get("results"), dict)
            or not isinstance(data.get("started_ns"), int)):
        return empty(), "cache corrupt or foreign, ignored and rewritten"
    return data, None


def save(path: Path, data: dict[str, Any]) -> str | None:
    """Write the cache atomically; a failure (read-only disk) is a note, not an error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        blob = marshal.dumps(data)
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(blob)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except (OSError, ValueError) as exc:
        return f"cache not written: {exc}"
    return None
