"""Read, hash and parse a batch of files: the unit of work a worker process gets.

Kept apart from analysis.py so a worker imports only what parsing needs. Every failure of one
file becomes a result with a "warn" reason: one bad file never stops a scan.
"""

from __future__ import annotations

import gc
import os
from typing import Any

from ._scan_cache import content_key
from ._scan_python import PARSER_VERSION as PY_VERSION
from ._scan_python import scan_python

MAX_BYTES = 1024 * 1024  # files larger than this are generated or vendored, not read

# item: (rel, full path, language); outcome: (rel, size, mtime_ns, key, result or None)
Item = tuple[str, str, str]
Outcome = tuple[str, int, int, str, "dict[str, Any] | None"]


def parser_version(lang: str) -> str:
    if lang == "python":
        return PY_VERSION
    from ._scan_js import PARSER_VERSION as JS_VERSION

    return JS_VERSION


def parse(data: bytes, lang: str) -> dict[str, Any]:
    """Dispatch one file's bytes to its language's scanner, turning any failure into a warning."""
    if b"\0" in data:
        return {"lang": lang, "warn": "binary file (contains NUL bytes)"}
    try:
        if lang == "python":
            return scan_python(data)
        from ._scan_js import scan_js

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


def _scan_chunk(items: list[Item], known: frozenset[str] | set[str]) -> list[Outcome]:
    out: list[Outcome] = []
    for rel, full, lang in items:
        try:
            with open(full, "rb") as fh:
                st = os.fstat(fh.fileno())
                if st.st_size > MAX_BYTES:
                    out.append((rel, st.st_size, st.st_mtime_ns, "",
                                {"lang": lang, "warn": f"too large ({st.st_size} bytes > "
                                                       f"{MAX_BYTES} byte cap), skipped"}))
                    continue
                data = fh.read(MAX_BYTES + 1)
        except IsADirectoryError:
            out.append((rel, 0, 0, "", {"lang": lang, "warn": "is a directory, not a file"}))
            continue
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            out.append((rel, 0, 0, "", {"lang": lang, "warn": f"unreadable: {reason}"}))
            continue
        key = content_key(data, parser_version(lang))
        if key in known:
            out.append((rel, st.st_size, st.st_mtime_ns, key, None))
        else:
            out.append((rel, st.st_size, st.st_mtime_ns, key, parse(data, lang)))
    return out
