"""Read, hash and parse a batch of files: the unit of work a worker process gets.

Kept apart from analysis.py so a worker imports only what parsing needs. Every failure of one
file becomes a result with a "warn" reason: one bad file never stops a scan.
"""

from __future__ import annotations

import gc
import hashlib
import marshal
import os
from functools import lru_cache

from .cache import content_key
from .files import Skipped, open_inside
from .scan_python import PARSER_VERSION as PY_VERSION
from .scan_python import FileScan, scan_python
from .text import stopwords

MAX_BYTES = 1024 * 1024  # files larger than this are generated or vendored, not read

# item: (rel, the root's real path, language);
# outcome: (rel, size, mtime_ns, ctime_ns, key, result or None) (ctime: see cache.py).
# key "" means the file could not be read (result is the warning) or is gone (result None).
Item = tuple[str, str, str]
Outcome = tuple[str, int, int, int, str, "FileScan | None"]


@lru_cache(maxsize=8)
def parser_version(lang: str) -> str:
    """Part of every cache key: the scanner's version and the stopword list it filtered with."""
    if lang == "python":
        version = PY_VERSION
    else:
        from .js_version import PARSER_VERSION as version
    words = ",".join(sorted(stopwords())).encode()
    return f"{version}:{hashlib.blake2b(words, digest_size=6).hexdigest()}"


def parse(data: bytes, lang: str) -> FileScan:
    """Dispatch one file's bytes to its language's scanner, turning any failure into a warning."""
    if b"\0" in data:
        return {"lang": lang, "warn": "binary file (contains NUL bytes)"}
    try:
        if lang == "python":
            return scan_python(data)
        from .scan_js import scan_js

        return scan_js(data, lang)
    except (RecursionError, MemoryError):
        return {"lang": lang, "warn": "nesting too deep to parse (RecursionError)"}
    except Exception as exc:  # a parser bug must cost one file, not the scan
        return {"lang": lang, "warn": f"parser failed: {type(exc).__name__}: {exc}"}


def scan_chunk(items: list[Item], known: frozenset[str] | set[str]) -> list[Outcome]:
    """Read and hash each file; parse it unless its key is already known (then result None).

    The cyclic garbage collector is paused meanwhile: ast trees hold no cycles (plain
    refcounting frees them), yet building them triggers collections that scan every live
    object, which cost a quarter of the parse time on Django.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _scan_chunk(items, known)
    finally:
        if was_enabled:
            gc.enable()


def scan_chunk_packed(items: list[Item], known: frozenset[str] | set[str]) -> bytes:
    """scan_chunk for a worker process: the outcomes marshalled, for a cheap trip home."""
    return marshal.dumps(scan_chunk(items, known))


def _scan_chunk(items: list[Item], known: frozenset[str] | set[str]) -> list[Outcome]:
    out: list[Outcome] = []
    for rel, root, lang in items:
        try:
            # only a regular file inside the root: never a link out of it, a FIFO (which
            # would block the scan), a device or /proc (see files.open_inside)
            fd, st = open_inside(root, rel)
        except Skipped as skip:
            out.append((rel, 0, 0, 0, "", {"lang": lang, "warn": skip.reason}))
            continue
        except FileNotFoundError:  # deleted since it was listed (git lists removed files)
            out.append((rel, 0, 0, 0, "", None))
            continue
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            out.append((rel, 0, 0, 0, "", {"lang": lang, "warn": f"unreadable: {reason}"}))
            continue
        try:
            if st.st_size > MAX_BYTES:
                # keyed by size and mtime, so a warm run need not look at it again
                key = f"large-{st.st_size}-{st.st_mtime_ns}"
                out.append(
                    (
                        rel,
                        st.st_size,
                        st.st_mtime_ns,
                        st.st_ctime_ns,
                        key,
                        None
                        if key in known
                        else {
                            "lang": lang,
                            "warn": f"too large ({st.st_size} bytes > "
                            f"{MAX_BYTES} byte cap), skipped",
                        },
                    )
                )
                continue
            with os.fdopen(fd, "rb") as fh:
                fd = -1  # the file object closes it now
                data = fh.read(MAX_BYTES + 1)
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            out.append((rel, 0, 0, 0, "", {"lang": lang, "warn": f"unreadable: {reason}"}))
            continue
        finally:
            if fd >= 0:
                os.close(fd)
        if len(data) > MAX_BYTES:  # grew since the stat
            out.append(
                (
                    rel,
                    0,
                    0,
                    0,
                    "",
                    {"lang": lang, "warn": f"too large (> {MAX_BYTES} byte cap), skipped"},
                )
            )
            continue
        key = content_key(data, parser_version(lang))
        if key in known:
            out.append((rel, st.st_size, st.st_mtime_ns, st.st_ctime_ns, key, None))
        else:
            out.append((rel, st.st_size, st.st_mtime_ns, st.st_ctime_ns, key, parse(data, lang)))
    return out
