"""sorafilm-nb: turn a code repository into a short film, without overspending.

The pipeline is a chain of plain functions over frozen dataclasses::

    analyze(repo) -> RepoProfile -> cast() -> Casting -> plan() -> Plan -> Studio.run() -> Film

Importing this package is cheap on purpose: the public names below resolve lazily (PEP 562),
so ``import sorafilm_nb`` loads none of pandas, openai, matplotlib or ipywidgets. Each costs
100-400 ms and a CLI or a kernel should pay for them only when a step needs them.
"""

from __future__ import annotations

import sys
import types
from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> module that defines it. Pinned by tests/test_packaging.py.
_EXPORTS: dict[str, str] = {
    "analyze": "analysis",
    "RepoProfile": "analysis",
    "Concept": "analysis",
    "ScanWarning": "analysis",
    "cast": "metaphors",
    "Casting": "metaphors",
    "CastEntry": "metaphors",
    "Metaphor": "metaphors",
    "MetaphorLibrary": "metaphors",
    "StoryTemplate": "story",
    "Storyboard": "story",
    "Shot": "story",
    "storyboard": "story",
    "Tier": "prompts",
    "Cost": "pricing",
    "PriceTable": "pricing",
    "Plan": "plan",
    "plan": "plan",
    "Ledger": "ledger",
    "BudgetExceeded": "ledger",
    "Simulator": "backends.simulator",
    "Studio": "studio",
    "ShotProgress": "studio",
    "Film": "film",
    "share": "share",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'sorafilm_nb' has no attribute {name!r}")
    value = getattr(import_module(f"sorafilm_nb.{module}"), name)
    globals()[name] = value  # cache: the next access is a plain attribute lookup
    return value


# Public functions that share their module's name. `import sorafilm_nb.plan` (which any
# `from .plan import ...` does) binds the submodule as an attribute of the package, so without
# this `sf.plan(...)` would be the module or the function depending on what ran first.
_SHADOWED = frozenset(n for n, m in _EXPORTS.items() if n == m)


class _Package(types.ModuleType):
    def __setattr__(self, name: str, value: Any) -> None:
        if name in _SHADOWED and isinstance(value, types.ModuleType):
            return  # the submodule stays reachable as sys.modules["sorafilm_nb.<name>"]
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from .analysis import Concept, RepoProfile, ScanWarning, analyze
    from .backends.simulator import Simulator
    from .film import Film
    from .ledger import BudgetExceeded, Ledger
    from .metaphors import CastEntry, Casting, Metaphor, MetaphorLibrary, cast
    from .plan import Plan, plan
    from .pricing import Cost, PriceTable
    from .prompts import Tier
    from .share import share
    from .story import Shot, Storyboard, StoryTemplate, storyboard
    from .studio import ShotProgress, Studio
