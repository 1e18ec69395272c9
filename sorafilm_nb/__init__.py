"""sorafilm-nb: turn a code repository into a short film, without overspending.

The pipeline is a chain of plain functions over frozen dataclasses::

    analyze(repo) -> RepoProfile -> cast() -> Casting -> plan() -> Plan -> Studio.run() -> Film

Importing this package is cheap on purpose: the public names below resolve lazily (PEP 562),
so ``import sorafilm_nb`` loads none of pandas, openai, matplotlib or ipywidgets. Each costs
100-400 ms and a CLI or a kernel should pay for them only when a step needs them.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> module that defines it. Pinned by tests/test_packaging.py.
_EXPORTS: dict[str, str] = {
    "analyze": "analysis.profile",
    "RepoProfile": "analysis.concepts",
    "Concept": "analysis.concepts",
    "ScanWarning": "analysis.concepts",
    "cast": "story.casting",
    "Casting": "story.casting",
    "CastEntry": "story.casting",
    "Metaphor": "story.casting",
    "MetaphorLibrary": "story.casting",
    "StoryTemplate": "story.boards",
    "Storyboard": "story.boards",
    "Shot": "story.boards",
    "storyboard": "story.boards",
    "Tier": "story.prompts",
    "Plan": "story.plans",
    "plan": "story.planning",
    "Cost": "money.cost",
    "PriceTable": "money.prices",
    "Ledger": "money.ledger",
    "BudgetExceeded": "money.ledger",
    "Simulator": "backends.simulator",
    "Studio": "studio.runner",
    "ShotProgress": "studio.runner",
    "Film": "studio.folder",
    "share": "sharing",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'sorafilm_nb' has no attribute {name!r}")
    value = getattr(import_module(f"sorafilm_nb.{module}"), name)
    globals()[name] = value  # cache: the next access is a plain attribute lookup
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from .analysis.concepts import Concept, RepoProfile, ScanWarning
    from .analysis.profile import analyze
    from .backends.simulator import Simulator
    from .money.cost import Cost
    from .money.ledger import BudgetExceeded, Ledger
    from .money.prices import PriceTable
    from .sharing import share
    from .story.boards import Shot, Storyboard, StoryTemplate, storyboard
    from .story.casting import CastEntry, Casting, Metaphor, MetaphorLibrary, cast
    from .story.planning import plan
    from .story.plans import Plan
    from .story.prompts import Tier
    from .studio.folder import Film
    from .studio.runner import ShotProgress, Studio
