"""Story templates (beats and their share of the running time) and storyboards of shots.

CONTRACT (shared with prompts.py, lint.py, pricing.py, plan.py, studio.py, ui/).
"""

from __future__ import annotations

from dataclasses import dataclass

from .metaphors import CastEntry, Casting

LEGAL_SECONDS = (4, 8, 12)  # what POST /videos accepts ("4", "8", "12")


@dataclass(frozen=True)
class Beat:
    name: str  # "the attempt and error cascade"
    purpose: str
    share: float  # share of the running time, the template's shares sum to 1
    features: tuple[str, ...] = ()  # concept kinds this beat features ("exception", ...)
    camera: str = ""  # a default camera line for the beat's shots


@dataclass(frozen=True)
class StoryTemplate:
    id: str  # "silent-90"
    title: str
    target_seconds: int  # the natural length
    beats: tuple[Beat, ...]
    source: str = ""


@dataclass(frozen=True)
class Shot:
    index: int  # 0-based position in the film
    beat: str
    seconds: int  # one of LEGAL_SECONDS
    model: str
    size: str  # "1280x720"
    cast: CastEntry | None  # None for title/transition shots
    title: str  # a short human name for the shot: "ImportError: the milk won't pour"

    @property
    def id(self) -> str:
        return f"shot-{self.index + 1:02d}"


@dataclass(frozen=True)
class Storyboard:
    template: StoryTemplate
    casting: Casting
    shots: tuple[Shot, ...]
    target_seconds: int
    model: str
    size: str

    @property
    def seconds(self) -> int:
        return sum(s.seconds for s in self.shots)
