"""JobProgress: one progress bar per shot, fed by ``Studio.run(..., on_progress=bars)``.

The studio polls its jobs from worker threads and calls ``on_progress`` from them, while the
cell that started the run is still executing. ipykernel sends comm messages from any thread,
so the bars move during the run; a lock keeps the rows and the summary consistent when two
workers report at once. The widget is itself callable, so it can be passed as the callback.

A shot's message can carry an error's text, and an OSError names its file by absolute path;
the bars' state and HTML are saved into the notebook, which gets shared, so the notebook's
folder is written "." and the user's home "~" before a message is shown.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Iterable
from typing import Any

from . import require_widgets

require_widgets()

import ipywidgets as w  # noqa: E402
import traitlets  # noqa: E402

from ..markup import NO_TEX_CLASS  # noqa: E402
from ..paths import without_local_folders  # noqa: E402
from ._looks import look  # noqa: E402

DONE = frozenset({"completed", "done", "downloaded", "settled", "finished", "skipped"})
FAILED = frozenset({"failed", "refused", "rejected", "expired", "lost", "cancelled", "error"})
# Not failed, but not moving either: the studio is waiting (429) or gave up polling for now
# (resume() picks it up).
STALLED = frozenset({"rate_limited", "timeout", "unknown"})


def _bar_style(status: str) -> str:
    if status in DONE:
        return "success"
    if status in FAILED:
        return "danger"
    if status in STALLED:
        return "warning"
    return "info"


# A row's two read-only cells, the shot's title and its status, side by side in one HTML
# widget (they were one widget each, 18em and 26em wide: a saved model per cell). Not TeX:
# a "$" in the title and one in a message, once in two widgets, would now pair up.
_CELLS = (
    f"<div class='{NO_TEX_CLASS}' style='display:flex'><div style='flex:0 0 18em'>{{title}}"
    "</div><div style='flex:0 0 26em'>{status}</div></div>"
)


class _Row:
    def __init__(self, shot_id: str, title: str) -> None:
        self.bar = w.IntProgress(
            value=0,
            min=0,
            max=100,
            description=shot_id,
            bar_style="",
            **look(w.IntProgress, width="22em"),
        )
        self.bar.add_class("sorafilm-shot-bar")
        self.title = html.escape(title)
        self.text = ""  # the status cell's HTML
        self.status = w.HTML(**look(w.HTML, width="44em"))
        self.status.add_class("sorafilm-shot-status")
        self.show("<small>waiting</small>")
        self.box = w.HBox([self.bar, self.status], **look(w.HBox))
        self.last_status = "waiting"

    def show(self, text: str) -> None:
        """Set the status cell (HTML, already escaped), beside the title."""
        self.text = text
        self.status.value = _CELLS.format(title=self.title, status=text)


class JobProgress(w.VBox):  # type: ignore[misc]  # ipywidgets ships no types: VBox is Any
    """Bars for the shots of a plan; ``update(event)`` (or calling the widget) moves them."""

    finished = traitlets.Int(0)
    failed = traitlets.Int(0)
    statuses = traitlets.Dict()  # shot_id -> last status, for observers and tests
    # The static face as the bars stood at the last change of a shot's status, synced so the
    # saved widget state keeps it: the output bundle's text/html is the face at display time
    # (before the run), and a shared page showed "0 of 9 shots done" above the cell's "9/9
    # shots completed" (sharing reads this instead, when the notebook saved its widgets'
    # state). A poll that only moves a bar leaves it: a page saved mid-run shows each bar as
    # its shot's last status found it, one saved after the run as the run left it.
    static_html = traitlets.Unicode("").tag(sync=True)

    def __init__(self, plan_or_shots: Any = None) -> None:
        self._lock = threading.RLock()
        self._rows: dict[str, _Row] = {}
        self.summary = w.HTML(**look(w.HTML))
        self.summary.add_class("sorafilm-progress-summary")
        self._rows_box = w.VBox(**look(w.VBox))
        super().__init__([self.summary, self._rows_box], layout=w.Layout())
        self.add_class("sorafilm-job-progress")
        for shot in _shots_of(plan_or_shots):
            self._row(shot.id, getattr(shot, "title", "") or "")
        self._summarise()

    def _row(self, shot_id: str, title: str = "") -> _Row:
        row = self._rows.get(shot_id)
        if row is None:
            row = _Row(shot_id, title)
            self._rows[shot_id] = row
            self._rows_box.children = tuple(r.box for r in self._rows.values())
        return row

    @property
    def bars(self) -> dict[str, w.IntProgress]:
        return {sid: row.bar for sid, row in self._rows.items()}

    def update(self, event: Any) -> None:
        """Apply one ShotProgress-like event (shot_id, status, progress, elapsed_s, ...)."""
        shot_id = str(event.shot_id)
        status = str(getattr(event, "status", "") or "")
        progress = getattr(event, "progress", None)
        elapsed = getattr(event, "elapsed_s", None)
        job_id = getattr(event, "job_id", None)
        message = without_local_folders(str(getattr(event, "message", "") or ""))
        with self._lock:
            # the summary and the static face change with a shot's status or a new row, not
            # with a tick that only moves a bar: they were rebuilt (the face a table of every
            # shot, synced to the page) on each of the studio's polls
            settled = shot_id in self._rows and self._rows[shot_id].last_status == status
            row = self._row(shot_id)
            if progress is not None:
                value = max(0, min(100, int(progress)))
                row.bar.value = 100 if status in DONE else value
            elif status in DONE:
                row.bar.value = 100
            row.bar.bar_style = _bar_style(status)
            row.last_status = status
            parts = [f"<b>{html.escape(status or '…')}</b>"]
            if progress is not None:
                parts.append(f"server {int(progress)}%")
            if elapsed is not None:
                parts.append(f"{float(elapsed):.1f} s")
            if job_id:
                parts.append(f"<code>{html.escape(str(job_id))}</code>")
            if message:
                parts.append(html.escape(str(message)))
            row.show("<small>" + " · ".join(parts) + "</small>")
            if not settled:
                self._summarise()

    __call__ = update

    def _summarise(self) -> None:
        statuses = {sid: row.last_status for sid, row in self._rows.items()}
        done = sum(1 for s in statuses.values() if s in DONE)
        bad = sum(1 for s in statuses.values() if s in FAILED)
        self.statuses = statuses
        self.finished, self.failed = done, bad
        total = len(statuses)
        text = f"{done} of {total} shots done"
        if bad:
            text += f" · <span style='color:#c0392b'>{bad} failed</span>"
        self.summary.value = text
        self.static_html = self._static()

    def _static(self) -> str:
        """The bars as HTML with no widget: the summary and a row per shot."""
        with self._lock:
            rows = "".join(
                f"<tr><td>{html.escape(sid)}</td><td>{row.bar.value}%</td><td>{row.text}</td></tr>"
                for sid, row in self._rows.items()
            )
            return f"<div>{self.summary.value}</div><table class='sorafilm-progress'>{rows}</table>"

    def _repr_mimebundle_(self, **kwargs: object) -> dict[str, object]:
        data: dict[str, object] = super()._repr_mimebundle_(**kwargs)  # ipywidgets: untyped
        data["text/html"] = self._static()
        return data


def _shots_of(thing: Any) -> Iterable[Any]:
    if thing is None:
        return ()
    storyboard = getattr(thing, "storyboard", None)
    if storyboard is not None:
        return list(storyboard.shots)
    shots = getattr(thing, "shots", None)
    if shots is not None:
        return list(shots)
    return list(thing)
