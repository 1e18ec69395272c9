"""Notebook faces over the pipeline: tables, pickers, progress bars, the player, one app.

Nothing here is imported by the core: ``import sorafilm_nb`` never loads ipywidgets. The names
below resolve lazily (PEP 562), so ``import sorafilm_nb.ui`` is cheap too, and a missing
``[notebook]`` extra gives an install hint instead of a traceback from deep inside ipywidgets.

    concept_table(profile)           styled, sorted pandas table of the repo's concepts
    ConceptTable(profile)            the same with sort and kind controls (a widget)
    MetaphorPicker(casting, library) one row per concept; every change yields a NEW Casting
    BudgetPicker(ledger, prices)     tier/model/size/template/audio, live estimate, red over budget
                                     (a sandbox ledger: "simulated", never red)
    JobProgress(plan)                one bar per shot, fed by Studio.run(on_progress=...)
    VideoPlayer(film)                the film by reference, a small poster, click-to-seek shots
    SpendDashboard(ledger)           the month's spend and the five cost charts
    studio(repo)                     all of the above laid out as one app
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

# A clone's user has no package index entry to install from: `make install` is their way.
INSTALL_HINT = "pip install 'sorafilm-nb[notebook]' (in a clone of the repository: make install)"

_EXPORTS: dict[str, str] = {
    "concept_table": "tables",
    "ConceptTable": "concepts",
    "MetaphorPicker": "picker",
    "BudgetPicker": "budget",
    "Selection": "budget",
    "JobProgress": "progress",
    "SpendDashboard": "dashboard",
    "VideoPlayer": "player",
    "poster_data_uri": "posters",
    "poster_jpeg": "posters",
    "studio": "app",
    "StudioApp": "app",
}

# Modules that only need pandas (a core dependency), not the widget stack.
_NO_WIDGETS = {"tables", "posters"}

__all__ = sorted(_EXPORTS)


class MissingNotebookExtra(ImportError):
    """The [notebook] extra (ipywidgets, anywidget, matplotlib) is not installed."""


def require_widgets() -> None:
    """Import ipywidgets and anywidget, or explain in one line how to install them."""
    for name in ("ipywidgets", "anywidget"):
        try:
            import_module(name)
        except ImportError as exc:
            raise MissingNotebookExtra(
                f"sorafilm_nb.ui needs {name}, which is not installed: {INSTALL_HINT}"
            ) from exc


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'sorafilm_nb.ui' has no attribute {name!r}")
    if module not in _NO_WIDGETS:
        require_widgets()
    value = getattr(import_module(f"sorafilm_nb.ui.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


if TYPE_CHECKING:  # pragma: no cover
    from .app import StudioApp as StudioApp
    from .app import studio as studio
    from .budget import BudgetPicker as BudgetPicker
    from .budget import Selection as Selection
    from .concepts import ConceptTable as ConceptTable
    from .dashboard import SpendDashboard as SpendDashboard
    from .picker import MetaphorPicker as MetaphorPicker
    from .player import VideoPlayer as VideoPlayer
    from .posters import poster_data_uri as poster_data_uri
    from .posters import poster_jpeg as poster_jpeg
    from .progress import JobProgress as JobProgress
    from .tables import concept_table as concept_table
