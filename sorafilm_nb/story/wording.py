"""The prompt's own copy, read from data/prompts/prompts.toml: the tone lines a gag without
actions of its own plays, the lines a user's typed gag plays, the scene sentence made from a
gag that has no ``scene``, and the words compression may drop first; and the story's
wording from data/prompts/story.toml: the links that say why a shot follows another (the
same in every theme), and each theme's lines for the ending.

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

__all__ = [
    "Payoff",
    "StoryWording",
    "Wording",
    "clash",
    "story_wording",
    "story_wordings",
    "untrue",
    "wording",
]


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

# The links between two concepts' shots (causes.py finds them in the code), and what each
# may name. A variant naming something its link does not fill would reach the video model
# as "{owner}".
LINKS: dict[str, frozenset[str]] = {
    "returns": frozenset({"a", "a_an", "a_thing", "b", "b_an"}),
    "makes": frozenset({"a", "a_an", "a_thing", "b", "b_an"}),
    "method": frozenset({"a", "a_an", "a_thing", "b", "b_an"}),
    "same_owner": frozenset({"a", "a_an", "a_thing", "b", "b_an", "owner"}),
    "extends": frozenset({"a", "a_an", "a_thing", "b", "b_an"}),
    "base_of": frozenset({"a", "a_an", "a_thing", "b", "b_an"}),
    "uses": frozenset({"a", "a_an", "a_thing", "b", "b_an"}),
    "feeds": frozenset({"a", "a_an", "a_thing", "b", "b_an"}),
    "kin": frozenset({"a", "a_an", "a_thing", "b", "b_an", "base"}),
    "readme": frozenset({"a", "a_an", "a_thing", "b", "b_an"}),
    "raises": frozenset({"a", "a_an", "a_thing", "b", "b_an"}),
    "raised_when": frozenset({"b", "b_an", "when"}),
    "raised_by": frozenset({"a", "a_an", "a_thing", "b", "b_an"}),
    "raised_by_when": frozenset({"a", "a_an", "a_thing", "b", "b_an", "when"}),
    "fails": frozenset({"a", "a_an", "a_thing", "b", "b_an"}),
    "worse": frozenset({"a", "a_an", "a_thing", "b", "b_an"}),
    "rescue": frozenset({"b", "b_an", "error", "error_thing"}),
    "payoff": frozenset({"b", "b_an", "error", "error_thing", "rescue", "rescue_thing"}),
    "payoff_alone": frozenset({"b", "b_an", "rescue", "rescue_thing"}),
    "payoff_past": frozenset({"b", "b_an", "error", "error_thing"}),
}
_ENDING_PLACES = {
    "together": frozenset({"props"}),
    "close": frozenset({"hero"}),
    "encore": frozenset({"props"}),
}


@dataclass(frozen=True)
class Payoff:
    """One picture of a story's consequence (a theme's ``payoffs``): its scene sentence, 2 to
    4 action lines, and ``props``, the props the picture shows when it is set away from the
    gags' own place (the vault, the getaway car): there the star's prop is only named ("a
    calling card with a little sketch of the garage doors"), and "Props: garage doors" would
    ask the model to put the doors in the vault. None: the props its lines name. ``roles``:
    the words of the gags it pays off (a gag's own roles: "send", "schema"), so the ending
    follows from the film's opening; none: any gag's, taken in turn."""

    scene: str
    actions: tuple[str, ...]
    props: tuple[str, ...] | None = None
    roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class StoryWording:
    """One theme's ending lines and the shared links (see data/prompts/story.toml)."""

    together: str
    close: str
    encore: str
    links: dict[str, tuple[str, ...]]
    # the ending that pays a reprise off: (scene, action lines) pictures of the consequence
    # (the guests fed, the vault open, the capsule docked), one per film (causes.finale)
    payoffs: tuple[Payoff, ...] = ()
    # the ending's mood word (the camera line's "mood: ..."): a payoff is no longer the gag,
    # so the gag's own tone ("frantic") would contradict it
    mood: str = "triumphant"


# A verb or an "its" that agrees with a prop, which may be one thing or many: "the {thing}
# finishes its work" said "the walkie-talkies finishes its work". One rule for the links
# (_UNTRUE) and the payoffs (_payoffs): the links' copy missed "works" and "its", the
# payoffs' "are" and "have".
_THING_AGREES = re.compile(
    r"\{\w*thing\}\s+(?:\w+s|is|are|was|were|has|have|does|do)\b|\{\w*thing\}[^.;]*\bits\b"
)

# {props} may be one prop ("the housekeeping book") or several, so no finite verb may follow
# it: "and this time {props} join in" went to a model as "the housekeeping book join in".
# After {props}: "and", a participle ("joining in", "blinking green") or a preposition.
_PROPS_AGREE = re.compile(
    r"\{props\}\s+(?!(?:and|or|a|an|the|at|in|on|off|beside|within|into|to|with|of|for|behind)\b"
    r"|\w+ing\b)\w+"
)

# What a link may not say of the earlier prop: each is false of the two pictures, which show
# the hero with the prop, then doing something else, maybe somewhere else (story.toml
# [links]). Eval films said all of these ("Beneath the brass kitchen scale, a programmer
# shakes an unlabelled tin"; "With what came off the bowl of macaroni in hand").
_UNTRUE = (
    (
        re.compile(
            r"(?:(?:^|\b(?:still|close|stood|standing|waiting|back)\s+)by|\b(?:at|beside|beneath|underneath|under|below|above|behind|alongside|near|"
            r"next to|on top of|inside|onto|again to|back to)|^(?:in|on|over|to|into))"
            r"\s+the\s+\{\w*thing\}",
            re.I,
        ),
        "puts the hero somewhere beside a prop of another picture",
    ),
    (re.compile(r"\bwhat\b", re.I), "names a thing no picture showed ('what came off the ...')"),
    (re.compile(r"^(?:like|unlike|as)\s+the\s+\{", re.I), "likens the hero to a prop"),
    (_THING_AGREES, "a verb that agrees with the prop, which may be plural ('garage doors')"),
)


def untrue(line: str) -> str:
    """Why a link's variant is false of the two pictures it joins, or "" (see _UNTRUE)."""
    return next((why for pattern, why in _UNTRUE if pattern.search(line)), "")


def _props_agree(text: str, file: str, entry: str, key: str) -> None:
    said = _PROPS_AGREE.search(text)
    if said:
        raise DataFileError(
            file,
            f"{said.group(0)!r}: a verb after {{props}}, which may be one prop ('the "
            "housekeeping book join in'); say 'with {props} joining in'",
            entry=entry,
            field=key,
        )


def _places(text: str, allowed: frozenset[str], file: str, entry: str, key: str) -> None:
    unknown = set(re.findall(r"\{(\w+)\}", text)) - allowed
    if unknown:
        raise DataFileError(
            file, f"unknown placeholder {{{sorted(unknown)[0]}}}", entry=entry, field=key
        )


@cache
def story_wordings(path: str | None = None) -> dict[str, StoryWording]:
    """Every theme table of data/prompts/story.toml with the shared [links], validated: every
    placeholder is one the story fills (or a clip would show "{befor}" to the model), a link
    is a clause without end punctuation, and the ending names what it must."""
    file = path or str(data_dir() / "prompts" / "story.toml")
    data = load_toml(file)
    raw = data.get("links")
    if not isinstance(raw, dict):
        raise DataFileError(file, "a [links] table is required")
    links: dict[str, tuple[str, ...]] = {}
    for key, allowed in LINKS.items():
        lines = tuple(x.strip() for x in str_list(raw, key, file=file, entry="links"))
        if not lines:
            raise DataFileError(file, "at least one variant", entry="links", field=key)
        for line in lines:
            _places(line, allowed, file, "links", key)
            if not line[:1].isupper() or line[-1:] in ".,;:!?":
                raise DataFileError(
                    file, "a clause: capitalised, no end punctuation", entry="links", field=key
                )
            why = untrue(line)
            if why:
                raise DataFileError(file, f"{line!r} {why}", entry="links", field=key)
        links[key] = lines
    out: dict[str, StoryWording] = {}
    for theme, table in data.items():
        if theme == "links":
            continue
        if not isinstance(table, dict):
            raise DataFileError(file, "expected a [THEME] table", entry=theme)
        said = {k: field(table, k, str, file=file, entry=theme).strip() for k in _ENDING_PLACES}
        for key, text in said.items():
            _places(text, _ENDING_PLACES[key], file, theme, key)
        for key in ("together", "encore"):
            if "{props}" not in said[key]:
                raise DataFileError(
                    file, "names the earlier props: {props}", entry=theme, field=key
                )
            _props_agree(said[key], file, theme, key)
        if not said["close"].startswith("{hero} "):
            raise DataFileError(file, "opens with {hero} (the subject)", entry=theme, field="close")
        mood = field(table, "mood", str, file=file, entry=theme, default=StoryWording.mood)
        if not re.fullmatch(r"[a-z][a-z -]*", mood.strip()):
            raise DataFileError(file, "one or two lower-case words", entry=theme, field="mood")
        payoffs = _payoffs(table, file, theme)
        out[theme] = StoryWording(links=links, payoffs=payoffs, mood=mood.strip(), **said)
    if "default" not in out:
        raise DataFileError(file, "a [default] table is required")
    return out


_PAYOFF_PLACES = frozenset({"hero", "thing", "props"})
# The time of day and the light are the theme's (its style's Lighting line, the same in
# every shot): "at dawn the guards find an empty vault" went out under "Lighting: moonlight".
_TIME_OF_DAY = re.compile(
    r"\b(?:dawn|daybreak|sunrise|morning|noon|midday|afternoon|dusk|sunset|evening|night"
    r"|nightfall|midnight|daylight|sunlight|moonlight|moonlit|lamplight|candlelight)\b",
    re.I,
)


# Worlds one picture cannot be in at once: a theme whose look, Setting or Lighting line (the
# same words in every shot) names the first cannot end on a picture that names the second.
# The space theme's "a round porthole full of stars" and "floating objects in zero gravity"
# went out with "bobs in the capsule after splashdown ... as sailors wave from a ship" and
# "the rocket lifts off". One way only: stars shine over a ship at sea too.
_APART: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = (
    (
        re.compile(
            r"\b(?:stars|starlight|starry|orbit|outer space|zero gravity|weightless)\b", re.I
        ),
        re.compile(
            r"\b(?:sea|ocean|seas|splashdown|splash(?:es)? down|sailors?|ship|beach|shore"
            r"|lifts? off|liftoff|launch ?pad|clouds?|rain|snow|grass|blue sky)\b",
            re.I,
        ),
    ),
)


def clash(setting: str, text: str) -> str:
    """Why ``text`` (an ending's picture) cannot be true where ``setting`` (a theme's look,
    Setting and Lighting lines) says every shot is, or "" when a word check sees no clash."""
    for here, there in _APART:
        seen, said = here.search(setting), there.search(text)
        if seen and said:
            return f"{said.group(0)!r} cannot happen where the setting shows {seen.group(0)!r}"
    return ""


def _payoffs(table: dict[str, Any], file: str, theme: str) -> tuple[Payoff, ...]:
    """A theme's ``payoffs``: each a scene that opens with {hero} (the cause goes before it)
    and names no {props} (there may be none), 2 to 4 action lines, no time of day,
    optionally the ``props`` it shows (plain words, each named by its lines or scene) and
    the ``roles`` of the gags it pays off (lower-case words)."""
    raw = table.get("payoffs", [])
    if not isinstance(raw, list):
        raise DataFileError(file, "a list of {scene, actions} tables", entry=theme, field="payoffs")
    out = []
    for item in raw:
        if not isinstance(item, dict):
            raise DataFileError(file, "a {scene, actions} table", entry=theme, field="payoffs")
        scene = field(item, "scene", str, file=file, entry=theme).strip()
        actions = tuple(x.strip() for x in str_list(item, "actions", file=file, entry=theme))
        for text in (scene, *actions):
            _places(text, _PAYOFF_PLACES, file, theme, "payoffs")
            said = _TIME_OF_DAY.search(text)
            if said:
                raise DataFileError(
                    file,
                    f"{said.group(0)!r}: the time of day is the theme's Lighting line",
                    entry=theme,
                    field="payoffs",
                )
        for text in (scene, *actions):
            _props_agree(text, file, theme, "payoffs")
        plural = next(filter(None, map(_THING_AGREES.search, (scene, *actions))), None)
        if plural:
            raise DataFileError(
                file,
                f"{plural.group(0)!r}: agrees with a prop that may be plural ('garage doors')",
                entry=theme,
                field="payoffs",
            )
        if not scene.startswith("{hero} ") or "{props}" in scene:
            raise DataFileError(
                file, "a scene opens with {hero} and names no {props}", entry=theme, field="payoffs"
            )
        if not 2 <= len(actions) <= 4:
            raise DataFileError(file, "2 to 4 action lines", entry=theme, field="payoffs")
        shown = _shown(item, file, theme, " ".join((scene, *actions)))
        roles = tuple(str_list(item, "roles", file=file, entry=theme, default=()))
        odd = next((r for r in roles if not re.fullmatch(r"[a-z]+", r)), None)
        if odd is not None:
            raise DataFileError(
                file, f"role {odd!r}: one lower-case word", entry=theme, field="payoffs"
            )
        out.append(Payoff(scene, actions, shown, roles))
    return tuple(out)


def _shown(item: dict[str, Any], file: str, theme: str, text: str) -> tuple[str, ...] | None:
    """A payoff's own ``props``: plain words (no placeholder: the star's prop is what such a
    picture must not place), each named by the picture's text."""
    if "props" not in item:
        return None
    props = tuple(x.strip() for x in str_list(item, "props", file=file, entry=theme))
    for prop in props:
        if "{" in prop or not set(re.findall(r"[a-z]{3,}", prop.lower())) & set(
            re.findall(r"[a-z]{3,}", text.lower())
        ):
            raise DataFileError(
                file,
                f"prop {prop!r}: plain words the picture's scene or lines name",
                entry=theme,
                field="payoffs",
            )
    return props


def story_wording(theme: str, parents: tuple[str, ...] = ()) -> StoryWording:
    """The wording of a theme: its own table, else the first of ``parents`` (the packaged
    themes its metaphors come from) that has one, else [default]."""
    tables = story_wordings()
    return next((tables[t] for t in (theme, *parents) if t in tables), tables["default"])
