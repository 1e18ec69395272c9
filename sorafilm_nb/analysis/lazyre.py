"""Regular expressions compiled at their first use, not at import.

Most of a module's patterns may never run in a given analysis: Django's cold analysis uses
none of examples.py's 12 or exports.py's 19 (no README examples, no package.json entry), yet
compiling them at import cost ~8 ms of every cold plan (issue 14). A LazyPattern stands
where ``re.compile(...)`` stood and behaves as the compiled pattern (every attribute is the
compiled pattern's); it only cannot be passed to ``re.*`` functions in a pattern's place.
"""

from __future__ import annotations

import re
from typing import Any


class LazyPattern:
    """``re.compile(pattern, flags)``, done the first time an attribute is asked for."""

    __slots__ = ("_args", "_compiled")

    def __init__(self, pattern: str | bytes, flags: int = 0) -> None:
        self._args = (pattern, flags)
        self._compiled: re.Pattern[Any] | None = None

    def __getattr__(self, name: str) -> Any:  # only names the instance lacks: search, sub...
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = re.compile(*self._args)
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"LazyPattern({self._args[0]!r}, {self._args[1]})"
