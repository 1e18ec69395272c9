"""Regular expressions compiled at their first use, not at import (a shared leaf).

Most of a module's patterns may never run in a given plan: Django's cold analysis uses none
of examples.py's 12 or exports.py's 19 (no README examples, no package.json entry), a plan
asks redact's secret shapes only about texts holding their required words, and compiling
them at import or load cost ~8 ms of every cold plan (issue 14). A LazyPattern stands where
``re.compile(...)`` stood and behaves as the compiled pattern (every attribute is the
compiled pattern's); it only cannot be passed to ``re.*`` functions in a pattern's place.
A leaf of the package (it imports nothing of it), so every layer can use it: the shared
leaves (redact, markup) as well as analysis, story and the command line. It also writes
patterns that open on words so that the engine finds them fast (word_start).
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

    def compiled(self) -> re.Pattern[Any]:
        """The compiled pattern (compiling it now if it is not yet)."""
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = re.compile(*self._args)
        return compiled

    def __getattr__(self, name: str) -> Any:  # only names the instance lacks: search, sub...
        if name.startswith("__") or name in self.__slots__:
            # asked by copy and pickle (__setstate__, ...) before the slots are filled: as
            # re.Pattern, no such attribute (asking the compiled pattern recursed forever)
            raise AttributeError(name)
        return getattr(self.compiled(), name)

    def __reduce__(self) -> tuple[Any, ...]:  # copied and pickled as its source and flags
        return (LazyPattern, self._args)

    def __eq__(self, other: object) -> bool:  # as re.Pattern: same source, same flags
        if isinstance(other, LazyPattern):
            return self._args == other._args
        if isinstance(other, re.Pattern):
            return self.compiled() == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._args)

    def __repr__(self) -> str:
        return f"LazyPattern({self._args[0]!r}, {self._args[1]})"


def word_start(*words: str) -> str:
    r"""The pattern ``\b(?:w1|w2|...)`` for words that begin with a word character, written so
    that the regular expression engine looks for the words' first characters only.

    A pattern that opens on ``\b`` (or any lookbehind) is tried at every character of the
    text: 20 ms a pattern on a hostile 1 MB package entry, which some twenty of them read
    (analysis.exports), 0.4 s in all; one that opens on literal words is tried where they
    stand. The matches are the same: ``\b`` before a word character is ``(?<!\w)``, which
    after the word reads ``(?<!\wword)``. Each word is a fixed-width pattern
    (``module\.exports``)."""
    return "(?:" + "|".join(rf"{w}(?<!\w{w})" for w in words) + ")"
