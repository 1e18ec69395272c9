"""Which modules of a JavaScript package are how it works inside (api.api_pass asks).

A module the package's entry never hands out (not in project.js_exports' modules), whose
classes and functions none of them reach users (exported or shown in the README), is
workings, not API, as its functions are: chalk's ``source/utilities.js`` (its entry imports
``stringReplaceAll`` from it, and exports nothing of it) was "source.utilities: a module in
..." on its film, nanoid's ``bin/nanoid.js`` (its command line's ``print``) "bin.nanoid".
A module whose code defines no class or function of its own (koa's ``lib/request.js``, one
object of getters the application hands each request) is not judged by this: nothing in
it says so, and users do reach it (``ctx.request``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .public import PRIVATE_PENALTY

_API_KINDS = ("class", "exception", "function")


def inside_modules(
    rows: Sequence[tuple[Any, ...]], js_modules: frozenset[str] | None
) -> list[tuple[Any, ...]]:
    """rows (api_pass': kind, name, rel, line, summary, score, ..., lang at 8, public at 12,
    exported at 13, in the README at 14) with each JavaScript module that is the package's
    insides ranked as a private name is (PRIVATE_PENALTY off its score)."""
    if js_modules is None:
        return list(rows)
    reached: dict[str, bool] = {}  # rel -> whether any of its classes or functions is
    for row in rows:
        if row[0] in _API_KINDS and (row[8] or "python") != "python":
            reached[row[2]] = reached.get(row[2], False) or bool(row[13] or row[14])
    return [
        (*row[:5], row[5] - PRIVATE_PENALTY, *row[6:])
        if row[0] == "module"
        and (row[8] or "python") != "python"
        and row[2] not in js_modules
        and reached.get(row[2]) is False
        else row
        for row in rows
    ]
