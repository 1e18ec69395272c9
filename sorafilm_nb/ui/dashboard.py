"""SpendDashboard: the month at a glance and the five cost charts, refreshed on demand.

The charts are the figures of sorafilm_nb.charts, rendered to PNG (no pyplot, no inline
backend needed) into Image widgets, one tab each. Refresh re-reads the ledger, so a
dashboard left open in one notebook shows what another notebook or the CLI spent since.
"""

from __future__ import annotations

import html
from typing import Any

from . import require_widgets

require_widgets()

import ipywidgets as w  # noqa: E402
import traitlets  # noqa: E402

from .. import charts  # noqa: E402
from ..money.cost import left_of  # noqa: E402
from ._looks import look  # noqa: E402

TITLES = (
    "Cumulative spend",
    "By model and size",
    "Per finished second",
    "Drafts vs finals",
    "Estimate vs billed",
)


class SpendDashboard(w.VBox):  # type: ignore[misc]  # ipywidgets ships no types: VBox is Any
    """Month summary (limit, spent, reserved, remaining, days left) over five chart tabs."""

    refreshed = traitlets.Int(0)  # counts refreshes, for observers and tests

    def __init__(self, ledger: Any, *, prices: Any = None) -> None:
        self.ledger = ledger
        self.prices = prices
        self.summary = w.HTML(**look(w.HTML))
        self.summary.add_class("sorafilm-month-summary")
        self.images = [w.Image(format="png", **look(w.Image, max_width="760px")) for _ in TITLES]
        self.tabs = w.Tab(children=self.images, **look(w.Tab))
        for i, title in enumerate(TITLES):
            self.tabs.set_title(i, title)
        self.refresh_button = w.Button(description="Refresh", icon="refresh", **look(w.Button))
        self.refresh_button.on_click(lambda _b: self.refresh())
        super().__init__(
            [w.HBox([self.summary, self.refresh_button], **look(w.HBox)), self.tabs],
            **look(w.VBox),
        )
        self.add_class("sorafilm-dashboard")
        self.refresh()

    def refresh(self) -> None:
        """Re-read the ledger and redraw the summary and every chart."""
        month = self.ledger.month_summary()
        history = self.ledger.history(since=month.start, until=month.end)
        figures = charts.dashboard(history, month.limit, self.prices)
        for image, figure in zip(self.images, figures, strict=True):
            image.value = charts.png(figure, dpi=90)
        limit = str(month.limit) if month.limit is not None else "no limit"
        # "$3.68 over" once spending passed the limit, never "remaining $-3.68"
        left = left_of(month.remaining) if month.remaining is not None else "remaining —"
        jobs = ", ".join(f"{n} {status}" for status, n in sorted(month.jobs.items())) or "no jobs"
        self.summary.value = (
            f"<b>{month.start:%B %Y}</b>: limit {html.escape(limit)} · spent "
            f"{html.escape(str(month.spent))} · reserved {html.escape(str(month.reserved))} · "
            f"<b>{html.escape(left)}</b> · {month.days_left} days left · "
            f"{html.escape(jobs)}"
        )
        self.refreshed += 1
