"""Minified JavaScript: how a bundle is told from hand-written code, and which of its names
are real. A bundle's scan keeps the names a minifier leaves alone (its classes, exported
names: the API) and drops the ones it made up (``te``, ``Qe.command``), which are no concepts.
scan_js calls both on every file it scans."""

from __future__ import annotations

import re

from .scan_python import FileScan

__all__ = ["minified", "unmangle"]


def minified(data: bytes) -> bool:
    """A minified bundle: at least 2 KB in lines averaging over 250 characters (hand-written
    code averages 30 to 40; a bundler's output is a few lines of tens of kilobytes)."""
    return len(data) >= 2048 and len(data) / (data.count(b"\n") + 1) > 250


# a name a minifier made up: one or two characters (``te``, ``Qe``, ``e$``)
_MANGLED = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]?")


def unmangle(result: FileScan) -> None:
    """Drop the names a minifier made up from a bundle's scan, and marks it ``min``: ``te``
    and ``te.command`` are not concepts, but the names a bundle keeps (its classes,
    ``YargsInstance.command``, its exports) are the API, as minifiers leave those alone."""
    result["min"] = 1

    def real(name: str) -> bool:
        return not any(_MANGLED.fullmatch(part) for part in name.split("."))

    for key in ("cls", "fn", "dyn"):
        if key in result:
            kept = [row for row in result[key] if real(row[0])]
            if kept:
                result[key] = kept
            else:
                del result[key]
    if "all" in result:
        result["all"] = [name for name in result["all"] if real(name)]
        if not result["all"]:
            del result["all"]
