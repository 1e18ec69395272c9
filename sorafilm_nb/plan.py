"""The Plan: storyboard, prompts, token counts, lint findings and the cost, before any spend.

CONTRACT (shared with studio.py, ui/, commands/): the Plan dataclass.
"""

from __future__ import annotations

from dataclasses import dataclass

from .lint import ERROR, Finding
from .pricing import Cost
from .prompts import ShotPrompt, Tier
from .story import Storyboard


@dataclass(frozen=True)
class Plan:
    storyboard: Storyboard
    prompts: tuple[ShotPrompt, ...]  # one per shot, same order
    tier: Tier | int
    costs: tuple[Cost, ...]  # one per shot, same order
    total: Cost
    findings: tuple[Finding, ...]
    id: str  # stable content hash of the plan (same inputs -> same id)

    @property
    def blocked(self) -> bool:
        """True when any finding is an error: the plan must not be submitted."""
        return any(f.severity == ERROR for f in self.findings)
