"""One Layout and one Style per look, shared by every widget that has that look.

Why: ipywidgets gives each widget a Layout and a Style model of its own, and a notebook saved
with its widget state ("save widget state", nbconvert --execute) stores every model with
every default trait: a Layout is ~1.1 kB of nulls whatever it holds. A user's executed
quickstart saved 478 models (480 kB of its 653 kB), 174 of them Layouts and 131 Styles,
nearly all alike. ipywidgets lets one Layout or Style instance sit on many widgets (the front
end gives each view the one model), so the faces here ask ``look(kind, width=...)`` for
theirs and widgets that look the same share it: a face's saved size grows with its looks,
not with its widgets.

The one catch: setting a trait on a shared Layout or Style (``widget.layout.width = ...``)
restyles every widget that has it. So the widgets a user holds (JobProgress, MetaphorPicker,
StudioApp) have Layouts of their own (``app.layout.width = "50%"`` restyles that panel only);
only the parts inside them share. To restyle an inner widget, give it its own:
``widget.layout = ipywidgets.Layout(width=...)``.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w

_KEPT: dict[tuple[type, tuple[tuple[str, str], ...]], Any] = {}


def _kept(kind: type, props: dict[str, str]) -> Any:
    """The shared model of class ``kind`` with these traits; a fresh one if it was closed
    (``Widget.close_all()``): a closed model has no comm, and a widget pointing at it would
    be drawn with none."""
    key = (kind, tuple(sorted(props.items())))
    model = _KEPT.get(key)
    if model is None or getattr(model, "comm", None) is None:
        model = _KEPT[key] = kind(**props)
    return model


def look(widget: Any, **layout: str) -> dict[str, Any]:
    """``layout=`` (and ``style=``, for widgets that have one) for a new ``widget``-class
    widget: the shared Layout with these traits (none: the default look) and the shared
    default Style of its kind. Spread into the constructor: ``w.HTML(text, **look(w.HTML))``.
    """
    shared: dict[str, Any] = {"layout": _kept(w.Layout, layout)}
    style = widget.class_traits().get("style")
    if style is not None:
        shared["style"] = _kept(style.klass, {})
    return shared
