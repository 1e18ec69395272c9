"""The prompt's own copy, read from data/prompts/prompts.toml: the tone lines a gag without
actions of its own plays, the lines a user's typed gag plays, the scene sentence made from a
gag that has no ``scene``, and the words compression may drop first; and the story's
wording per theme from data/prompts/story.toml: the clause that says why each shot happens.

Kept apart from prompts.py (which renders a shot) because it is a data file with its own
rules, checked once and cached: every error names the file, the table and the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from ..datafiles import data_dir, field, load_toml, str_list
from ..errors import DataFileError

__all__ = ["StoryWording", "Wording", "story_wording", "story_wordings", "wording"]


@dataclass(frozen=True)
class Wording:
    droppable: frozenset[str]
    tones: dict[str, tuple[str, ...]]
    file: str = ""
    # the lines a user's typed gag plays (setup, gag, escalation, reaction): no {prop}, since
    # the metaphor's props belong to its own gag
    custom: tuple[str, ...] = (
        "{hero} steps up to it, full of confidence",
        "it happens: {gag}",
        "{hero} tries once more; it happens again",
        "{hero} looks straight into the camera",
    )
    # the scene sentence of a gag whose metaphor has no `scene` of its own
    scene_from_gag: str = "{hero} is busy with {gag}"


@cache
def wording(path: str | None = None) -> Wording:
    """data/prompts/prompts.toml, validated (errors name the file, the tone and the field)."""
    file = path or str(data_dir() / "prompts" / "prompts.toml")
    data = load_toml(file)
    droppable = frozenset(w.lower() for w in str_list(data, "droppable", file=file))
    tones_raw = field(data, "tone", dict, file=file)
    tones: dict[str, tuple[str, ...]] = {}
    for tone, table in tones_raw.items():
        if not isinstance(table, dict):
            raise DataFileError(file, "expected a [tone.NAME] table", entry=f"tone.{tone}")
        tones[tone] = _four_lines(table, file, f"tone.{tone}")
    if "default" not in tones:
        raise DataFileError(file, "a [tone.default] table is required", field="tone")
    scene = field(data, "scene_from_gag", str, file=file, default=Wording.scene_from_gag)
    if not scene.startswith("{hero} ") or "{gag}" not in scene:
        raise DataFileError(
            file,
            "the scene sentence opens with {hero} (the subject) and holds {gag}",
            field="scene_from_gag",
        )
    if "custom" not in data:
        return Wording(droppable, tones, file, scene_from_gag=scene)
    custom = field(data, "custom", dict, file=file)
    lines = _four_lines(custom, file, "custom")
    if any("{prop}" in x for x in lines):
        raise DataFileError(
            file,
            "a typed gag has no props of its own: no {prop} here",
            entry="custom",
            field="actions",
        )
    return Wording(droppable, tones, file, lines, scene)


def _four_lines(table: dict[str, Any], file: str, entry: str) -> tuple[str, ...]:
    """A table's four action lines: setup, gag, escalation, reaction; one names {gag}."""
    lines = str_list(table, "actions", file=file, entry=entry)
    if len(lines) != 4 or sum("{gag}" in x for x in lines) != 1:
        raise DataFileError(
            file,
            "expected 4 lines (setup, gag, escalation, reaction), exactly one containing {gag}",
            entry=entry,
            field="actions",
        )
    return lines


# -- the story's wording: why each shot happens (data/prompts/story.toml) ------------------

_STORY_LINES = ("opening", "trouble", "trouble_next", "overcome", "overcome_alone", "payoff")
_STORY_PLACES = frozenset({"before", "trouble", "props", "hero"})


@dataclass(frozen=True)
class StoryWording:
    """One theme's causal clauses (see data/prompts/story.toml for what each is for)."""

    opening: str
    use: tuple[str, ...]
    trouble: str
    trouble_next: str
    overcome: str
    overcome_alone: str
    payoff: str
    together: str
    close: str


@cache
def story_wordings(path: str | None = None) -> dict[str, StoryWording]:
    """Every table of data/prompts/story.toml, validated: each cause is an active clause that
    starts with "Because" (what makes a prompt say why its shot happens), and every
    placeholder is one the prompt fills, or a clip would show "{befor}" to the model."""
    file = path or str(data_dir() / "prompts" / "story.toml")
    data = load_toml(file)
    out: dict[str, StoryWording] = {}
    for theme, table in data.items():
        if not isinstance(table, dict):
            raise DataFileError(file, "expected a [THEME] table", entry=theme)
        said = {k: field(table, k, str, file=file, entry=theme).strip() for k in _STORY_LINES}
        use = str_list(table, "use", file=file, entry=theme)
        together = field(table, "together", str, file=file, entry=theme).strip()
        close = field(table, "close", str, file=file, entry=theme).strip()
        for key, lines in (*((k, [v]) for k, v in said.items()), ("use", use)):
            if not lines or any(not x.startswith("Because ") for x in lines):
                raise DataFileError(file, 'a cause starts with "Because "', entry=theme, field=key)
        for key, text in (*said.items(), *(("use", x) for x in use), ("together", together)):
            unknown = set(re.findall(r"\{(\w+)\}", text)) - _STORY_PLACES
            if unknown:
                raise DataFileError(
                    file, f"unknown placeholder {{{sorted(unknown)[0]}}}", entry=theme, field=key
                )
        if "{props}" not in together:
            raise DataFileError(
                file, "names the earlier props: {props}", entry=theme, field="together"
            )
        if not close.startswith("{hero} "):
            raise DataFileError(file, "opens with {hero} (the subject)", entry=theme, field="close")
        out[theme] = StoryWording(use=use, together=together, close=close, **said)
    if "default" not in out:
        raise DataFileError(file, "a [default] table is required")
    return out


def story_wording(theme: str, parents: tuple[str, ...] = ()) -> StoryWording:
    """The wording of a theme: its own table, else the first of ``parents`` (the packaged
    themes its metaphors come from) that has one, else [default]."""
    tables = story_wordings()
    return next((tables[t] for t in (theme, *parents) if t in tables), tables["default"])
