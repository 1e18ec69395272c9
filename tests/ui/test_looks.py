"""Widgets that look alike share one Layout and one Style model (sorafilm_nb/ui/_looks.py).

Why it matters: every model is saved into the notebook with every default trait, so a model
per widget made an executed quickstart save 478 models (480 kB); test_saved_notebook.py pins
the saved size, these say where the sharing comes from and that it survives close_all.
"""

from __future__ import annotations

from typing import Any

from ui_fixtures import make_casting

from sorafilm_nb import ui
from sorafilm_nb.markup import NO_TEX_CLASS
from sorafilm_nb.studio.runner import ShotProgress


def _models(root: Any) -> dict[str, Any]:
    """Every model a widget's saved state holds, by id: itself, its layout and style, its
    children's, recursively."""
    import ipywidgets as w  # here: collecting the suite imports no widget stack

    seen: dict[str, Any] = {}

    def walk(widget: Any) -> None:
        if widget.model_id in seen:
            return
        seen[widget.model_id] = widget
        for name in ("layout", "style"):
            part = getattr(widget, name, None)
            if isinstance(part, w.Widget):
                walk(part)
        for child in getattr(widget, "children", ()):
            walk(child)

    walk(root)
    return seen


def _looks(root: Any) -> list[Any]:
    import ipywidgets as w

    return [m for m in _models(root).values() if isinstance(m, (w.Layout, w.Style))]


def test_picker_rows_share_their_layouts_and_styles() -> None:
    picker = ui.MetaphorPicker(make_casting())
    other = ui.MetaphorPicker(make_casting())
    assert len(picker.dropdowns) >= 3
    assert len({id(d.layout) for d in picker.dropdowns + other.dropdowns}) == 1
    assert len({id(d.style) for d in picker.dropdowns + other.dropdowns}) == 1
    assert len({id(t.layout) for t in picker.texts}) == 1
    assert picker.dropdowns[0].layout.width == "26em" and picker.texts[0].layout.width == "22em"
    assert picker.dropdowns[0].layout is not picker.texts[0].layout  # another look
    # the models a saved picker holds: its widgets, and a handful of looks among them
    widgets = 2 + 4 * len(picker.dropdowns)  # picker, header; per row: box, name, 2 inputs
    looks = _looks(picker)
    assert len(_models(picker)) == widgets + len(looks) and len(looks) <= 8, looks


def test_a_picker_row_gets_its_error_line_when_it_has_an_error() -> None:
    picker = ui.MetaphorPicker(make_casting())
    row = picker.children[2]  # the second concept's (the header first)
    assert len(row.children) == 3 and picker.errors == {}
    picker.texts[1].value = "x" * 2000  # far too long for one visible action
    assert row.children[-1] is picker.errors[1] and "keep it under" in picker.errors[1].value
    picker.texts[1].value = "a jam jar that opens itself"
    assert picker.errors[1].value == "" and len(row.children) == 4  # cleared, kept in place
    assert list(picker.errors) == [1]


def test_progress_row_cells_are_one_widget() -> None:
    bars = ui.JobProgress()
    bars.update(ShotProgress("shot-01", 0, "in_progress", 40, 2.0, "video_1", "<b>x</b>"))
    row = bars._rows["shot-01"]
    assert row.box.children == (row.bar, row.status)
    assert "in_progress" in row.status.value and "&lt;b&gt;x&lt;/b&gt;" in row.status.value
    assert NO_TEX_CLASS in row.status.value  # a "$" in the title pairs with none in the status
    assert "<td><small><b>in_progress</b>" in bars._repr_mimebundle_()["text/html"]


def test_progress_rows_share_their_looks() -> None:
    bars = ui.JobProgress()
    for i in range(6):
        bars.update(ShotProgress(f"shot-{i:02d}", i, "queued", 0, 0.1, None))
    looks = _looks(bars)
    assert len(looks) <= 6, len(looks)  # was 3 per row and 2 per box: 32 for 6 shots


def test_a_closed_shared_look_is_replaced_not_reused() -> None:
    first = ui.MetaphorPicker(make_casting())
    shared = first.dropdowns[0].layout
    shared.close()  # as Widget.close_all() would
    again = ui.MetaphorPicker(make_casting())
    assert again.dropdowns[0].layout is not shared
    assert again.dropdowns[0].layout.comm is not None and again.dropdowns[0].layout.width == "26em"


def test_a_panel_the_user_holds_restyles_only_itself() -> None:
    """A reviewer: framing one JobProgress (``panel.layout.border = ...``) framed every
    default-look widget in the kernel, the other panels and their summary lines too, as the
    panels themselves sat on the shared default Layout."""
    from sorafilm_nb.ui.progress import JobProgress

    one, two = JobProgress(), JobProgress()
    one.layout.border = "2px solid red"
    assert two.layout.border != "2px solid red"
    assert one.summary.layout.border != "2px solid red"
