"""Shot prompts in the Sora 2 prompting guide's order, token counting and budget tiers.

CONTRACT (shared with lint.py, plan.py, studio.py, ui/): Tier and ShotPrompt below.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Tier(Enum):
    """Token budget per prompt. Bounds prompt length, never the per-second price."""

    ULTRA_LOW = 120
    LOW = 200
    MEDIUM = 300
    HIGH = 450
    STANDARD = 600

    @property
    def tokens(self) -> int:
        return self.value


@dataclass(frozen=True)
class ShotPrompt:
    """One shot's rendered prompt and what compression did to it."""

    shot_index: int
    text: str
    tokens: int
    tokens_before: int  # before compression (== tokens when nothing was removed)
    cap: int  # the tier's token cap applied
    sections: tuple[tuple[str, str], ...] = ()  # (section name, text): style, scene, camera...
    fits: bool = True  # False when compression could not reach the cap

    @property
    def ratio(self) -> float:
        return self.tokens / self.tokens_before if self.tokens_before else 1.0
