"""Visual metaphors for code concepts, loaded from TOML themes, and casting concepts to them.

CONTRACT (shared with story.py, prompts.py, lint.py, ui/): the dataclasses below.
"""

from __future__ import annotations

from dataclasses import dataclass

from .analysis import Concept, RepoProfile


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


@dataclass(frozen=True)
class Style:
    """The look shared by every shot of a film in one theme (the prompt's style block)."""

    name: str  # "1920s silent-film comedy"
    look: str  # "18 fps hand-cranked look, warm sepia, soft vignette, film grain"
    palette: tuple[str, ...]  # 3-5 colours
    setting: str  # "a cramped 1920s kitchen at breakfast"
    protagonist: str  # "a programmer in braces and a bowler hat"
    lighting: str
    sound: str  # "intertitles only" / "ambient hum, no dialogue"


@dataclass(frozen=True)
class MetaphorLibrary:
    """A theme's style plus its metaphors. Load with MetaphorLibrary.load(theme or path)."""

    theme: str
    title: str
    style: Style
    metaphors: tuple[Metaphor, ...]
    source: str = ""  # file(s) it came from


@dataclass(frozen=True)
class CastEntry:
    """One concept cast as one metaphor, with the ranked alternatives the UI offers."""

    concept: Concept
    metaphor: Metaphor
    score: float
    alternatives: tuple[tuple[str, float], ...] = ()  # (metaphor id, score), best first
    custom_gag: str | None = None  # free text typed by the user overrides metaphor.gag

    @property
    def gag(self) -> str:
        return self.custom_gag or self.metaphor.gag


@dataclass(frozen=True)
class Casting:
    """The concepts chosen for a film and the metaphor each is played as."""

    profile: RepoProfile
    library: MetaphorLibrary
    entries: tuple[CastEntry, ...]


def cast(profile: RepoProfile, library: MetaphorLibrary | str = "kitchen", *,
         top: int = 8) -> Casting:
    """Rank candidate metaphors for the top concepts and pick one each, deterministically."""
    raise NotImplementedError  # pragma: no cover - implemented by issue 2
