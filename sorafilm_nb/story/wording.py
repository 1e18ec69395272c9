"""The prompt's own copy, read from data/prompts/prompts.toml: the tone lines a gag without
actions of its own plays, the lines a user's typed gag plays, the scene sentence made from a
gag that has no ``scene``, and the words compression may drop first.

Kept apart from prompts.py (which renders a shot) because it is a data file with its own
rules, checked once and cached: every error names the file, the table and the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from ..datafiles import data_dir, field, load_toml, str_list
from ..errors import DataFileError

__all__ = ["Wording", "wording"]


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
