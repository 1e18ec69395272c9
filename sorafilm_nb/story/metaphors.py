"""The metaphor model: what a theme is made of (its style and its visual gags).

A theme (``MetaphorLibrary``) is a shared look (``Style``) and a list of ``Metaphor``s, each a
visible physical gag a video model can render, with a ``MatchRule`` saying which concepts it
can stand for. These are plain frozen data: reading them from TOML (``themes``), scoring them
against concepts (``scoring``) and assigning them (``casting``) live in their own modules.

CONTRACT (shared with boards, prompts, lint, ui/): the dataclasses below.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import DataFileError, SorafilmError

if TYPE_CHECKING:
    from ..analysis.profile import Concept

# The story beats a metaphor can suit best. The storyboard matches these words against its
# templates' beat names and keys ("error cascade" -> "the attempt and error cascade").
BEATS = ("title", "tools", "error cascade", "centerpiece", "victory")
MAX_TEXT = 300  # characters in one gag, prop or action line: models follow short lines best
# What prompts.py fills in inside action lines: the protagonist's short name ("the
# programmer"), capitalised, the gag's core and the first prop.
PLACEHOLDERS = ("hero", "Hero", "gag", "prop")
# What a gag shows: the code in trouble (an exception, a failure), a feature working (a feat),
# or either (neutral). Scoring never lets a trouble gag play a normal feature, nor a feat gag
# play an error: "a fish on the plate instead of a cake" is not what a Response is.
POLARITIES = ("trouble", "feat", "neutral")


@dataclass(frozen=True)
class MatchRule:
    """What a metaphor can stand for: concept kinds, exact names, and words in names/docs."""

    kinds: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    words: tuple[str, ...] = ()


@dataclass(frozen=True)
class Metaphor:
    """One visual gag a video model can render: a visible physical action, not an abstraction."""

    id: str  # "kitchen.milk-wont-pour"
    matches: MatchRule
    gag: str  # "a milk carton that will not pour, however hard it is shaken"
    props: tuple[str, ...]
    beat: str  # the story beat it suits best ("error cascade", "tools", "victory", ...)
    seconds: int  # timing hint: 4, 8 or 12
    tone: str  # "slapstick", "tense", "triumphant", ...
    actions: tuple[str, ...] = ()  # optional timed action lines written for the video model
    # verbs and objects it plays well ("send", "request", "client"): matched against what the
    # concept is called and what its docstring says it does (scoring.py)
    roles: tuple[str, ...] = ()
    polarity: str = "neutral"  # one of POLARITIES
    # an active sentence with {hero} as its subject, which the prompt uses instead of
    # "<hero> faces <gag>": "{hero} sorts a heap of cutlery into the drawer tray"; "" = none
    scene: str = ""

    @property
    def is_fallback(self) -> bool:
        """A generic metaphor (no names, no words, no roles): there so every concept gets one."""
        return not self.matches.names and not self.matches.words and not self.roles

    @property
    def ends(self) -> bool:
        """An ending gag: a fallback whose beat is the film's victory (the getaway van pulling
        away, the perfect breakfast at last, the planet rising into the porthole). It stands
        for no concept's work, only for the film ending, so it plays a film's last shot and
        no other (boards.storyboard): dayjs's heist film played the getaway mid-film, and
        the next shot opened "Setting the getaway van aside"; uuid's opened on "the perfect
        breakfast at last". A victory gag with roles (a reply delivered) shows a result and
        may play anywhere."""
        return self.beat == "victory" and self.is_fallback

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "gag": self.gag,
            "props": list(self.props),
            "beat": self.beat,
            "seconds": self.seconds,
            "tone": self.tone,
            "actions": list(self.actions),
            "roles": list(self.roles),
            "polarity": self.polarity,
            "scene": self.scene,
            "matches": {
                "kinds": list(self.matches.kinds),
                "names": list(self.matches.names),
                "words": list(self.matches.words),
            },
        }


@dataclass(frozen=True)
class Style:
    """The look shared by every shot of a film in one theme (the prompt's style block)."""

    name: str  # "1920s silent-film comedy"
    look: str  # "18 fps hand-cranked look, warm sepia, soft vignette, film grain"
    palette: tuple[str, ...]  # 3-5 colours
    setting: str  # "a cramped 1920s kitchen at breakfast"
    protagonist: str  # "a programmer in braces and a bowler hat"
    lighting: str
    sound: str  # what we hear in every shot: "a jaunty ragtime piano"
    # Added (defaults keep the contract): whether anyone speaks ("no dialogue" for a silent
    # theme: said in every prompt, or the model may invent speech), and what we hear on top
    # of `sound` in each story beat (keys: metaphors.BEATS), as (beat, sound) pairs.
    dialogue: str = ""
    sound_by_beat: tuple[tuple[str, str], ...] = ()
    # False: a silent theme (its file says audio = false): films in it are made without
    # audio unless a plan asks otherwise (planning.plan's audio), and prompts.sound_for says so.
    audio: bool = True

    @property
    def where(self) -> str:
        """The words every shot of the theme is seen in (look, Setting and Lighting lines):
        what a gag's hour (MetaphorLibrary.playable) and an ending's picture
        (plot_ending, wording.clash; eval's scene_faults) must agree with."""
        return f"{self.look}. {self.setting}. {self.lighting}"


class UnknownMetaphor(SorafilmError, LookupError):
    """A metaphor id or concept name that the library or casting does not hold."""


@dataclass(frozen=True)
class MetaphorLibrary:
    """A theme's style plus its metaphors. Load with MetaphorLibrary.load(theme or path)."""

    theme: str
    title: str
    style: Style
    metaphors: tuple[Metaphor, ...]
    source: str = ""  # file(s) it came from

    @cached_property
    def playable(self) -> tuple[Metaphor, ...]:
        """The metaphors that may be cast: those whose words say no hour the theme's look,
        Setting and Lighting lines do not keep (wording.off_hours: the getaway van pulled
        away "at dawn" under "Lighting: moonlight"). Packaged themes lose none (their test);
        a user theme that sets a daytime Lighting over heist's gags loses its night ones."""
        from .wording import off_hours

        return tuple(
            m
            for m in self.metaphors
            if not off_hours(self.style.where, " ".join((m.gag, m.scene, *m.actions, *m.props)))
        )

    @staticmethod
    def themes() -> tuple[str, ...]:
        """The ids of the packaged themes ("heist", "kitchen", "space")."""
        from .themes import themes

        return themes()

    @classmethod
    def load(
        cls, theme_or_path: str | Path = "kitchen", *, extra: Sequence[str | Path] = ()
    ) -> MetaphorLibrary:
        """A packaged theme by id, or a theme TOML file by path, plus extra mapping files.

        A theme file may say `extends = "kitchen"` in its [theme] table: it then inherits that
        theme's style (its own [style] keys override) and metaphors (its own are added; one
        with an existing id replaces it). Each extra file holds [[metaphor]] entries only,
        merged the same way. Errors are DataFileError naming file, entry and field.
        """
        from .themes import load

        return load(theme_or_path, extra=extra)

    def get(self, metaphor_id: str) -> Metaphor:
        """The metaphor with this id (UnknownMetaphor, naming close ids, if there is none)."""
        for m in self.metaphors:
            if m.id == metaphor_id:
                return m
        import difflib

        close = difflib.get_close_matches(str(metaphor_id), self.ids(), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise UnknownMetaphor(
            f"no metaphor {metaphor_id!r} in theme {self.theme!r} "
            f"({len(self.metaphors)} metaphors){hint}"
        )

    def ids(self) -> tuple[str, ...]:
        return tuple(m.id for m in self.metaphors)

    def __repr__(self) -> str:  # a notebook shows this line, not every metaphor's fields
        return (
            f"MetaphorLibrary(theme={self.theme!r}, {len(self.metaphors)} metaphors, "
            f"style={_clip(self.style.name, 60)!r})"
        )

    def __contains__(self, metaphor_id: object) -> bool:
        return any(m.id == metaphor_id for m in self.metaphors)

    def __len__(self) -> int:
        return len(self.metaphors)

    def for_beat(self, beat: str) -> tuple[Metaphor, ...]:
        """Metaphors suited to a beat, generic ones (fallbacks) first: for uncast shots."""
        chosen = [m for m in self.metaphors if m.beat == beat]
        return tuple(sorted(chosen, key=lambda m: not m.is_fallback))

    def fallbacks(self, kind: str | None = None) -> tuple[Metaphor, ...]:
        """The generic metaphors, for one concept kind (those listing it or no kind at all)."""
        return tuple(
            m
            for m in self.metaphors
            if m.is_fallback and (kind is None or not m.matches.kinds or kind in m.matches.kinds)
        )

    def with_metaphors(self, *metaphors: Metaphor) -> MetaphorLibrary:
        """A new library with these metaphors added (one with an existing id replaces it).

        The way to add mappings in code; each is checked like a file entry would be.
        """
        from .metaphor_rules import check_metaphor

        for i, m in enumerate(metaphors):
            check_metaphor(m, file="<code>", entry=m.id if isinstance(m, Metaphor) else str(i))
        return self.merged(tuple(metaphors), "<code>")

    def merged(self, metaphors: Sequence[Metaphor], source: str) -> MetaphorLibrary:
        """Replace same-id metaphors in place, append the rest (ids must be unique in metaphors)."""
        seen: set[str] = set()
        for m in metaphors:
            if m.id in seen:
                raise DataFileError(source, "duplicate metaphor id", entry=m.id, field="id")
            seen.add(m.id)
        incoming = {m.id: m for m in metaphors}
        kept = tuple(incoming.pop(m.id, m) for m in self.metaphors)
        added = tuple(m for m in metaphors if m.id in incoming)
        sources = ", ".join(s for s in (self.source, source) if s)
        return replace(self, metaphors=kept + added, source=sources)

    def candidates(self, concept: Concept) -> tuple[tuple[Metaphor, float], ...]:
        """Every metaphor that could play this concept, with its score, best first."""
        from .scoring import rank

        return rank(concept, self.metaphors)


def _clip(text: str, limit: int) -> str:
    """Text cut to limit characters with an ellipsis: reprs stay one short line."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _md(text: str) -> str:
    """Text safe in a markdown table cell (a pipe would start a new cell)."""
    return " ".join(str(text).split()).replace("|", "\\|")
