"""Dry-run rules: what the Videos API would refuse, and what wastes money.

CONTRACT: Finding is shared with plan.py, studio.py, ui/.
"""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"  # blocks submission
WARNING = "warning"  # informs


@dataclass(frozen=True)
class Finding:
    rule: str  # stable id, "real-person", "secret-in-prompt", ...
    severity: str  # ERROR or WARNING
    message: str
    hint: str  # how to fix it
    shot_index: int | None = None  # None for plan-wide findings
