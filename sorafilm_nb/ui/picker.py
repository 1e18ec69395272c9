"""MetaphorPicker: choose, per concept, which metaphor plays it, or type your own gag.

Castings are frozen: every change builds a NEW Casting (dataclasses.replace) and publishes it
on the ``casting`` trait, so ``picker.observe(fn, names="casting")`` or
``picker.on_change(fn)`` sees each version, and a Casting handed out earlier never changes
under the code that holds it (a plan made from it stays true to what was planned).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypedDict

from . import require_widgets

require_widgets()

import ipywidgets as w  # noqa: E402
import traitlets  # noqa: E402

from ..markup import html_template, html_text  # noqa: E402
from ._looks import look  # noqa: E402

if TYPE_CHECKING:
    from ..story.casting import CastEntry, Casting, Metaphor, MetaphorLibrary


class _CastingChange(TypedDict):
    """What traitlets tells an observer of ``casting`` (the keys read here): the trait was
    set to ``new``, a Casting, from ``old`` (None or Undefined before the first one)."""

    old: object
    new: Casting


CUSTOM_PLACEHOLDER = "or type your own gag (a visible physical action)"


def _label(metaphor: Metaphor | None, mid: str, score: float | None) -> str:
    gag = metaphor.gag if metaphor is not None else "(not in this library)"
    if len(gag) > 60:
        gag = gag[:57] + "…"
    from ..story.scoring import WEAK_BELOW

    tail = f" · {score:.2f}" if score is not None else ""
    if score is not None and score < WEAK_BELOW:
        tail += " · weak fit"
    return f"{mid} — {gag}{tail}"


class MetaphorPicker(w.VBox):  # type: ignore[misc]  # ipywidgets ships no types: VBox is Any
    """One row per cast concept: a dropdown of ranked metaphors plus a free-text gag."""

    casting = traitlets.Any(help="the current Casting; replaced, never mutated")

    def __init__(self, casting: Casting, library: MetaphorLibrary | None = None) -> None:
        self.library = library if library is not None else casting.library
        self._by_id: dict[str, Metaphor] = {m.id: m for m in self.library.metaphors}
        self._callbacks: list[Callable[[Casting], None]] = []
        self.dropdowns: list[w.Dropdown] = []
        self.texts: list[w.Text] = []
        # a row's error line, made when the row first has an error to show: an empty HTML
        # widget per row was a saved model per concept (ui/_looks.py says why that counts)
        self.errors: dict[int, w.HTML] = {}
        self._rows: list[w.HBox] = []
        self._syncing = False
        rows: list[w.Widget] = [
            w.HTML(
                "<b>Cast</b>: each concept from the code is played by one metaphor. "
                "Pick another from the ranked matches, or type your own gag.",
                **look(w.HTML),
            )
        ]
        for i, entry in enumerate(casting.entries):
            dropdown = w.Dropdown(
                options=self._options(entry),
                value=entry.metaphor.id,
                **look(w.Dropdown, width="26em"),
            )
            text = w.Text(
                value=entry.custom_gag or "",
                placeholder=CUSTOM_PLACEHOLDER,
                continuous_update=False,
                **look(w.Text, width="22em"),
            )
            dropdown.observe(lambda ch, i=i: self._picked(i), names="value")
            text.observe(lambda ch, i=i: self._typed(i), names="value")
            concept = entry.concept
            weak = (
                ' <small title="no metaphor of this theme plays it well: pick one or type '
                'your own">(weak fit)</small>'
                if getattr(entry, "weak", False)
                else ""
            )
            name = w.HTML(
                f"<b>{html_text(concept.name)}</b> <small>{html_text(concept.kind)}</small>" + weak,
                **look(w.HTML, width="16em"),
            )
            row = w.HBox([name, dropdown, text], **look(w.HBox))
            row.add_class("sorafilm-metaphor-row")
            rows.append(row)
            self._rows.append(row)
            self.dropdowns.append(dropdown)
            self.texts.append(text)
        super().__init__(rows, layout=w.Layout())
        self.casting = casting
        self.add_class("sorafilm-metaphor-picker")

    def _options(self, entry: CastEntry) -> list[tuple[str, str]]:
        ranked = list(entry.alternatives) or [(m.id, 0.0) for m in self.library.metaphors]
        if entry.metaphor.id not in {mid for mid, _ in ranked}:
            ranked.insert(0, (entry.metaphor.id, entry.score))
        out = []
        for mid, score in ranked:
            metaphor = self._by_id.get(mid) or (
                entry.metaphor if mid == entry.metaphor.id else None
            )
            if metaphor is None:
                continue  # a ranked id the library does not hold cannot be cast
            out.append((_label(metaphor, mid, score), mid))
        return out

    def _picked(self, i: int) -> None:
        """A dropdown choice: Casting.recast drops any typed gag, so the text box clears."""
        if self._syncing:
            return
        old: Casting = self.casting
        mid = self.dropdowns[i].value
        if mid == old.entries[i].metaphor.id:
            return
        new = old.recast(i, mid)
        self._syncing = True
        try:
            self.texts[i].value = new.entries[i].custom_gag or ""
        finally:
            self._syncing = False
        self.casting = new

    def _typed(self, i: int) -> None:
        """Free text replaces the gag but keeps the metaphor's props, beat and timing."""
        if self._syncing:
            return
        old: Casting = self.casting
        text = self.texts[i].value
        if (" ".join(text.split()) or None) == old.entries[i].custom_gag:
            return
        try:
            new = old.recast(i, custom_gag=text)
        except ValueError as exc:  # too long: say so in the row, keep the old casting
            self._error(i).value = f"<small style='color:#c0392b'>{html_text(exc)}</small>"
            return
        if i in self.errors:
            self.errors[i].value = ""
        self.casting = new

    def _error(self, i: int) -> w.HTML:
        """Row i's error line, added at the end of the row the first time it is needed."""
        error = self.errors.get(i)
        if error is None:
            error = self.errors[i] = w.HTML(**look(w.HTML))
            self._rows[i].children = (*self._rows[i].children, error)
        return error

    @traitlets.observe("casting")
    def _publish(self, change: _CastingChange) -> None:
        if change["old"] is None or change["old"] is traitlets.Undefined:
            return
        for callback in list(self._callbacks):
            callback(change["new"])

    def on_change(self, callback: Callable[[Casting], None]) -> None:
        """Call ``callback(new_casting)`` after every change the user makes."""
        self._callbacks.append(callback)

    def pick(
        self, concept: str, metaphor_id: str | None = None, *, gag: str | None = None
    ) -> Casting:
        """Do in code what the user does in the widget (for scripts and tests)."""
        names = [e.concept.name for e in self.casting.entries]
        if concept not in names:
            raise KeyError(f"{concept!r} is not cast; cast concepts: {', '.join(names)}")
        i = names.index(concept)
        if metaphor_id is not None:
            allowed = [v for _, v in self.dropdowns[i].options]
            if metaphor_id not in allowed:
                raise KeyError(
                    f"{metaphor_id!r} is not a match for {concept!r}; matches: {', '.join(allowed)}"
                )
            self.dropdowns[i].value = metaphor_id
        if gag is not None:
            self.texts[i].value = gag
        casting: Casting = self.casting  # the trait (traitlets.Any) always holds a Casting
        return casting

    def _repr_mimebundle_(self, **kwargs: object) -> dict[str, object]:
        data: dict[str, object] = super()._repr_mimebundle_(**kwargs)  # ipywidgets: untyped
        data["text/html"] = casting_html(self.casting)
        return data


_CASTING = """\
<table class='sorafilm-casting'><thead><tr><th>concept</th><th>kind</th><th>metaphor</th>\
<th>gag</th></tr></thead><tbody>{% for e in entries %}<tr><td>{{ e.concept.name }}</td>\
<td>{{ e.concept.kind }}</td><td><code>{{ e.metaphor.id }}</code></td><td>{{ e.gag }}</td>\
</tr>{% endfor %}</tbody></table>"""


def casting_html(casting: Casting) -> str:
    """A static table of the casting: what a reader without a kernel sees (autoescaped:
    concept names come from the repository)."""
    return html_template(_CASTING).render(entries=casting.entries)
