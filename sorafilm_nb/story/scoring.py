"""How well a metaphor plays a concept: a score a person can follow.

Scores are plain sums:

    NAME        the concept's name is one of the metaphor's `names` (ImportError)      100
    BASE        one of the concept's base classes is (class MyErr(KeyError))            40
    NAME_WORD   each word of the concept's name in the metaphor's `words` (max 3)       15
    DOC_WORD    each of the concept's other keywords in `words` (max 3)                  5
    KIND        added to any match above when the concept's kind is in `kinds`           4
                (on a metaphor written for other kinds, name words count half and other
                keywords not at all)
    fallbacks   metaphors with no names and no words: 2 for their kinds, 1 when they
                list no kinds (beat fallbacks); any other metaphor of the concept's kind
                stays a choice in the picker at 0.5

So every concept has a candidate and an exact name always wins. ``rank`` orders a theme's
metaphors for one concept (ties: the theme's order); ``casting`` assigns from those rankings.
This module is the seam where another way of matching (by role, say) plugs in: casting only
needs ``rank``'s answer.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..analysis.profile import Concept
    from .metaphors import Metaphor

NAME, BASE, NAME_WORD, DOC_WORD, KIND = 100.0, 40.0, 15.0, 5.0, 4.0
MAX_WORD_HITS = 3
KIND_FALLBACK, BEAT_FALLBACK, SAME_KIND = 2.0, 1.0, 0.5

_IGNORED_TOKENS = frozenset(
    {
        "error",
        "errors",
        "exception",
        "exceptions",
        "base",
        "abstract",
        "mixin",
        "impl",
        "get",
        "set",
        "the",
        "a",
        "an",
        "of",
        "to",
        "is",
        "and",
        "or",
        "for",
        "in",
        "on",
        "by",
        "with",
        "from",
        "init",
        "main",
        "util",
        "utils",
        "helper",
        "helpers",
        "py",
    }
)
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")
_SUFFIXES = ("ations", "ation", "ings", "ing", "ers", "er", "ed", "es", "s", "e")


@functools.lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """A crude stem so "parser", "parsing" and "parses" meet: one suffix off, then a final e."""
    w = word.lower()
    for suffix in _SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)]
            break
    if w.endswith("e") and len(w) > 3:
        w = w[:-1]
    return w


@functools.lru_cache(maxsize=8192)
def name_words(name: str) -> tuple[str, ...]:
    """Lower-case words of an identifier: "HTTPStatusError" -> ("http", "status", "error")."""
    return tuple(t.lower() for t in _CAMEL.findall(name))


def _short(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower()


def score(concept: Concept, metaphor: Metaphor) -> float:
    """How well a metaphor plays a concept (see the module docstring); 0 means not at all."""
    rule = metaphor.matches
    kind_ok = not rule.kinds or concept.kind in rule.kinds
    total = 0.0
    if rule.names:
        names = {_short(n) for n in rule.names}
        if concept.name.lower() in names or _short(concept.name) in names:
            total = NAME
        elif any(_short(b) in names for b in concept.bases):
            total = BASE
    if rule.words:
        wanted = {stem(w) for w in rule.words}
        own = {stem(t) for t in name_words(concept.name) if t not in _IGNORED_TOKENS}
        docs = {stem(w) for w in concept.words if w.lower() not in _IGNORED_TOKENS} - own
        name_hits = NAME_WORD * min(len(own & wanted), MAX_WORD_HITS)
        doc_hits = DOC_WORD * min(len(docs & wanted), MAX_WORD_HITS)
        if not kind_ok and total < NAME:  # a gag written for another kind: a weak claim
            name_hits, doc_hits = name_hits / 2, 0.0
        total += name_hits + doc_hits
    if total > 0:
        return total + (KIND if rule.kinds and kind_ok else 0.0)
    if metaphor.is_fallback:
        if not rule.kinds:
            return BEAT_FALLBACK
        return KIND_FALLBACK if kind_ok else 0.0
    return SAME_KIND if rule.kinds and kind_ok else 0.0


def rank(concept: Concept, metaphors: Sequence[Metaphor]) -> tuple[tuple[Metaphor, float], ...]:
    """Every metaphor that could play this concept, with its score, best first (ties: order)."""
    scored = [(i, m, score(concept, m)) for i, m in enumerate(metaphors)]
    ranked = sorted((t for t in scored if t[2] > 0), key=lambda t: (-t[2], t[0]))
    return tuple((m, s) for _, m, s in ranked)
