"""ConceptTable: concept_table() with sort and filter controls, re-rendered on each change."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import require_widgets

require_widgets()

import ipywidgets as w  # noqa: E402

from ._looks import look  # noqa: E402
from .tables import SORTABLE, concept_table  # noqa: E402

if TYPE_CHECKING:
    from ..analysis.profile import RepoProfile


class ConceptTable(w.VBox):  # type: ignore[misc]  # ipywidgets ships no types: VBox is Any
    """The concepts table with a sort dropdown, a direction toggle and a kind filter."""

    def __init__(self, profile: RepoProfile, *, limit: int | None = 25) -> None:
        self.profile = profile
        self.limit = limit
        kinds = sorted({c.kind for c in profile.concepts})
        self.sort_by = w.Dropdown(
            options=list(SORTABLE), value="score", description="sort by", **look(w.Dropdown)
        )
        self.descending = w.ToggleButton(
            value=True, description="descending", **look(w.ToggleButton)
        )
        self.kinds = w.SelectMultiple(
            options=kinds,
            value=tuple(kinds),
            rows=max(1, min(5, len(kinds))),
            description="kinds",
            **look(w.SelectMultiple),
        )
        self.table = w.HTML(**look(w.HTML))
        for control in (self.sort_by, self.descending, self.kinds):
            control.observe(self._render, names="value")
        super().__init__(
            [w.HBox([self.sort_by, self.descending, self.kinds], **look(w.HBox)), self.table],
            **look(w.VBox),
        )
        self.add_class("sorafilm-concept-table")
        self._render()

    def _render(self, _change: object = None) -> None:
        self.descending.description = "descending" if self.descending.value else "ascending"
        styler = concept_table(
            self.profile,
            sort_by=self.sort_by.value,
            ascending=not self.descending.value,
            kinds=list(self.kinds.value) or None,
            limit=self.limit,
        )
        self.table.value = styler.to_html()

    def _repr_mimebundle_(self, **kwargs: object) -> dict[str, object]:
        data: dict[str, object] = super()._repr_mimebundle_(**kwargs)  # ipywidgets: untyped
        data["text/html"] = self.table.value  # the table as last sorted, for static readers
        return data
