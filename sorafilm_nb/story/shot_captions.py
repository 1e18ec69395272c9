"""Which caption each concept shot of a film carries (its lower third and .vtt cue).

A shot's caption is its docstring's gloss, or for a shot of siblings what their docstrings
share; a gloss that teaches nothing gives way to the README or the code (fallback_gloss.py).
Across one film no two captions may read alike: film_concept_captions asks
captions.distinct_captions to choose among each concept's true choices. Split from boards.py,
which lays out the shots and asks here what each says.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .captions import GLOSS_LIMIT, distinct_captions, gloss
from .fallback_gloss import caption_choices, fallback_gloss
from .siblings import GROUP_LIMIT, group_names, shared_words, without_name

if TYPE_CHECKING:
    from ..analysis.concepts import Concept
    from .casting import CastEntry

__all__ = ["concept_caption", "film_concept_captions"]


def concept_caption(entry: CastEntry) -> str:
    """A concept shot's lower third: its docstring's gloss ("Blueprint: a collection of
    routes"). A shot of siblings names them together, with what their docstrings share ("get,
    put, patch: sends a request"). A gloss that teaches nothing (it only restates the name or
    compares) gives way to what the README says about it, else to its kind and role: never a
    bare name (fallback_gloss.py)."""
    return fallback_gloss(*_caption_source(entry))


def _caption_source(entry: CastEntry) -> tuple[str, tuple[Concept, ...], str, int]:
    """(names, concepts, docstring gloss, limit) of a concept shot's caption."""
    c = entry.concept
    if entry.siblings:
        names = group_names(entry.concepts)
        said = without_name(c.summary, c.name, shared_words(entry.concepts))
        text = gloss(names, said, kind=c.kind, limit=GROUP_LIMIT)
        return names, entry.concepts, text, GROUP_LIMIT
    text = gloss(c.name, c.summary, kind=c.kind, bases=c.bases)
    return c.name, entry.concepts, text, GLOSS_LIMIT


def film_concept_captions(entries: list[CastEntry]) -> dict[int, str]:
    """id(entry) -> its caption: concept_caption's, unless it reads like another concept's
    of the same film; then another true thing to say (captions.distinct_captions)."""
    unique = list({id(e): e for e in entries}.values())
    chosen = distinct_captions(
        [caption_choices(*_caption_source(e)) for e in unique],
        [[c.name for c in e.concepts] for e in unique],
    )
    return {id(e): text for e, text in zip(unique, chosen, strict=True)}
