"""The rules every metaphor obeys, whether a theme file or code made it.

``check_metaphor`` is the one check: a valid id, known concept kinds and beats, a legal clip
length, text within MAX_TEXT, placeholders the prompt can fill, a polarity that agrees with
the kinds (a "trouble" gag plays errors only), and a scene that is one active sentence with
the protagonist as its subject. themes.py calls it on every metaphor it reads, and
MetaphorLibrary on every metaphor added from code, so a user theme and a notebook's own gag
meet the same rules and the same DataFileError (file, entry, field).
"""

from __future__ import annotations

import re
from typing import Any

from ..analysis.profile import CONCEPT_KINDS
from ..capabilities import clip_seconds
from ..errors import DataFileError
from .metaphors import BEATS, MAX_TEXT, PLACEHOLDERS, POLARITIES, MatchRule, Metaphor

__all__ = ["ID_PATTERN", "SCENE_PLACEHOLDERS", "check_metaphor", "default_polarity"]

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")  # a metaphor's or a theme's id
SCENE_PLACEHOLDERS = ("hero", "Hero", "prop")  # a scene names no gag: it IS the gag
_PLACEHOLDER = re.compile(r"\{(\w*)\}")
# A film's own transitions: an ending written into one gag plays wherever that gag is cast
_CLOSES_FILM = re.compile(
    r"\biris(?:es)? (?:closes|shuts|out)|\bfades? (?:out|to black)|\bcurtain (?:falls|closes)"
    r"|\bcredits roll|\bthe end\b(?! of)",
    re.I,
)


def default_polarity(rule: MatchRule) -> str:
    """A user metaphor without a polarity: "trouble" when written for exceptions only, else
    "neutral" (it may then play either kind of concept). Packaged metaphors say it outright."""
    return "trouble" if rule.kinds and set(rule.kinds) == {"exception"} else "neutral"


def check_metaphor(m: Any, *, file: str, entry: str) -> None:
    """The rules a metaphor obeys whether it came from a file or from code."""
    if not isinstance(m, Metaphor):
        raise DataFileError(file, f"expected a Metaphor, got {type(m).__name__}", entry=entry)
    if not isinstance(m.id, str) or not ID_PATTERN.match(m.id):
        raise DataFileError(
            file,
            f"{m.id!r} is not a valid id: lower-case letters, digits and . _ - only",
            entry=entry,
            field="id",
        )
    for name, kinds in (
        ("kinds", m.matches.kinds),
        ("names", m.matches.names),
        ("words", m.matches.words),
    ):
        if isinstance(kinds, str) or not all(isinstance(k, str) and k for k in kinds):
            raise DataFileError(
                file, "expected a list of non-empty strings", entry=entry, field=f"matches.{name}"
            )
    for kind in m.matches.kinds:
        if kind not in CONCEPT_KINDS:
            raise DataFileError(
                file,
                f"unknown concept kind {kind!r}; known: {', '.join(CONCEPT_KINDS)}",
                entry=entry,
                field="matches.kinds",
            )
    for name, words in (("matches.words", m.matches.words), ("roles", m.roles)):
        if name == "roles" and (
            isinstance(words, str) or not all(isinstance(w, str) and w for w in words)
        ):
            raise DataFileError(
                file, "expected a list of non-empty strings", entry=entry, field=name
            )
        for word in words:
            if not word.isascii() or not re.fullmatch(r"[a-z0-9_]+", word):
                raise DataFileError(
                    file,
                    f"{word!r}: {name.rsplit('.', 1)[-1]} are single lower-case words "
                    "(a verb or object met in a concept's name or docstring)",
                    entry=entry,
                    field=name,
                )
    _check_polarity(m, file=file, entry=entry)
    for name, value in (("gag", m.gag), ("tone", m.tone)):
        if not isinstance(value, str) or not value.strip():
            raise DataFileError(file, "must be a non-empty string", entry=entry, field=name)
    if m.beat not in BEATS:
        raise DataFileError(
            file, f"unknown beat {m.beat!r}; known: {', '.join(BEATS)}", entry=entry, field="beat"
        )
    if isinstance(m.seconds, bool) or m.seconds not in clip_seconds():
        raise DataFileError(
            file,
            f"{m.seconds!r} is not a clip length the API renders; "
            f"use one of {', '.join(map(str, clip_seconds()))}",
            entry=entry,
            field="seconds",
        )
    if not m.props or not all(isinstance(p, str) and p.strip() for p in m.props):
        raise DataFileError(
            file,
            "needs at least one prop (a list of non-empty strings)",
            entry=entry,
            field="props",
        )
    if m.actions and not 2 <= len(m.actions) <= 4:
        raise DataFileError(
            file,
            f"has {len(m.actions)} actions, expected 2-4 (or none)",
            entry=entry,
            field="actions",
        )
    _check_scene(m, file=file, entry=entry)
    for name, texts in (("scene", (m.scene,)), ("actions", m.actions)):
        for text in texts:
            closing = _CLOSES_FILM.search(text)
            if closing:
                raise DataFileError(
                    file,
                    f"{closing.group(0)!r} closes the film, but a gag may be cast at any place "
                    "in it (semver's Comparator ended on an iris at shot 7 of 9): end on the "
                    "gag's own picture; the film's close is its template's end card",
                    entry=entry,
                    field=name,
                )
    for name, texts in (("gag", (m.gag,)), ("props", m.props), ("actions", m.actions)):
        for text in texts:
            for placeholder in _PLACEHOLDER.findall(text):
                if name != "actions" or placeholder not in PLACEHOLDERS:
                    known = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
                    allowed = (
                        f"; actions may use {known}"
                        if name == "actions"
                        else " (only actions take placeholders)"
                    )
                    raise DataFileError(
                        file,
                        f"unknown placeholder {{{placeholder}}}{allowed}",
                        entry=entry,
                        field=name,
                    )


def _check_polarity(m: Metaphor, *, file: str, entry: str) -> None:
    """A polarity is one of POLARITIES and agrees with the kinds the metaphor is written for:
    a trouble gag must be able to play an exception, a feat gag something that is not one."""
    if m.polarity not in POLARITIES:
        raise DataFileError(
            file,
            f"unknown polarity {m.polarity!r}; known: {', '.join(POLARITIES)} (trouble: an "
            "error or failure; feat: a feature working; neutral: either)",
            entry=entry,
            field="polarity",
        )
    kinds = set(m.matches.kinds)
    if m.polarity == "trouble" and kinds and "exception" not in kinds:
        raise DataFileError(
            file,
            f"a trouble gag only plays exceptions, but its kinds are {sorted(kinds)}: add "
            '"exception" or make it "feat"/"neutral"',
            entry=entry,
            field="polarity",
        )
    if m.polarity == "feat" and kinds == {"exception"}:
        raise DataFileError(
            file,
            'a feat gag never plays an error, but its only kind is "exception": make it '
            '"trouble" or "neutral"',
            entry=entry,
            field="polarity",
        )


def _check_scene(m: Metaphor, *, file: str, entry: str) -> None:
    """A scene is one active sentence with the protagonist as its subject: it starts with
    {hero} or {Hero} and uses no placeholder but those and {prop}."""
    if not isinstance(m.scene, str):
        raise DataFileError(file, "must be a string", entry=entry, field="scene")
    if not m.scene:
        return
    if not m.scene.startswith(("{hero} ", "{Hero} ")):
        raise DataFileError(
            file,
            "a scene is an active sentence with the protagonist as subject: start it with "
            '"{hero} " ("{hero} sorts a heap of cutlery into the drawer tray")',
            entry=entry,
            field="scene",
        )
    if len(m.scene) > MAX_TEXT:
        raise DataFileError(
            file, f"{len(m.scene)} characters, at most {MAX_TEXT}", entry=entry, field="scene"
        )
    for placeholder in _PLACEHOLDER.findall(m.scene):
        if placeholder not in SCENE_PLACEHOLDERS:
            known = ", ".join("{" + p + "}" for p in SCENE_PLACEHOLDERS)
            raise DataFileError(
                file,
                f"unknown placeholder {{{placeholder}}}; a scene may use {known}",
                entry=entry,
                field="scene",
            )
