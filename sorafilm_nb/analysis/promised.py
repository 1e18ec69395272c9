"""The concepts the README's promise names: what the project says it is for comes first.

Why: humanize's promise is "turning a number into a fuzzy human-readable duration ... or into
a human-readable size", and naturalsize ("Format a number of bytes like a human-readable
filesize") was left out of its film, 0.04 below naturaldate ("Like naturalday, but append a
year"): the README's examples reach file sizes late, and the ranking read only that order.
A concept that does what the project's first sentence promises is what a viewer was told
to expect.

"Names" is read narrowly, so a promise's common words do not lift half the API: the
concept's own words (its name's parts and its docstring summary's, Concept.words) must
share at least SHARED words with the promise's first sentence that few of the API's
concepts use (at most RARE of its first API_DEPTH: "number" is in half of humanize's
docstrings and says nothing; "human" and "readable" are in two), none of them a word of
the project's name. Such a concept gains PROMISE_BONUS, about what an early README example
gains over a late one (public.readme_bonus).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace

from .concepts import Concept
from .text import DOC_WORD, split_name, stopwords

__all__ = ["PROMISE_BONUS", "promised", "with_promise"]

PROMISE_BONUS = 1.0
SHARED = 2
RARE = 2
API_DEPTH = 40
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


def promised(concepts: Iterable[Concept], promise: str, names: Iterable[str]) -> set[str]:
    """The names of the API concepts the promise names (see the module docstring); ``names``:
    the project's names (its own words are no evidence)."""
    first = _SENTENCE_END.split(promise.strip(), maxsplit=1)[0] if promise else ""
    own = {w for n in names for w in (*split_name(n), *DOC_WORD.findall(n.lower()))}
    stop = stopwords()
    said = {w for w in DOC_WORD.findall(first.lower()) if w not in stop and w not in own}
    if len(said) < SHARED:
        return set()
    api = [c for c in concepts if c.kind in ("class", "function") and (c.exported or c.in_readme)][
        :API_DEPTH
    ]
    used = Counter(w for c in api for w in set(c.words))
    out = set()
    for c in api:
        shared = {w for w in set(c.words) & said if used[w] <= RARE}
        if len(shared) >= SHARED:
            out.add(c.name)
    return out


def with_promise(concepts: list[Concept], promise: str, names: Iterable[str]) -> list[Concept]:
    """The concepts, those the promise names raised by PROMISE_BONUS and the list sorted
    again as the ranking sorts it (rank._select: score, then name)."""
    named = promised(concepts, promise, names)
    if not named:
        return concepts
    out = [
        replace(c, score=round(c.score + PROMISE_BONUS, 4))
        if c.name in named and c.kind in ("class", "function")
        else c
        for c in concepts
    ]
    out.sort(key=lambda c: (-round(c.score, 4), c.name, c.kind, c.file, c.line))
    return out
