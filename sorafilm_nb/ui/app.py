"""studio(repo): the whole pipeline as one notebook app, from concepts to the playing film.

Concepts → cast (MetaphorPicker) → budget and plan (BudgetPicker, live estimate) → make the
film (JobProgress while the studio polls) → VideoPlayer. Each part is the same widget the
notebooks use one by one; this module only wires them: a new Casting or a new selection
re-plans, and the "Make the film" button runs the studio in a background thread so the
kernel stays responsive (other cells run, the bars move) while the jobs are polled.
"""

from __future__ import annotations

import html
import threading
from pathlib import Path
from typing import Any

from . import require_widgets

require_widgets()

import ipywidgets as w  # noqa: E402
import traitlets  # noqa: E402

from ..paths import without_local_folders  # noqa: E402
from ._looks import look  # noqa: E402
from .budget import BudgetPicker, Selection  # noqa: E402
from .concepts import ConceptTable  # noqa: E402
from .picker import MetaphorPicker  # noqa: E402
from .player import VideoPlayer  # noqa: E402
from .progress import JobProgress  # noqa: E402


def _heading(text: str) -> w.HTML:
    return w.HTML(f"<h3 style='margin:0.8em 0 0.2em'>{html.escape(text)}</h3>", **look(w.HTML))


class StudioApp(w.VBox):  # type: ignore[misc]  # ipywidgets ships no types: VBox is Any
    """The app studio() returns. Attributes: profile, casting (live), plan (live), film."""

    plan = traitlets.Any(None, allow_none=True)
    film = traitlets.Any(None, allow_none=True)
    running = traitlets.Bool(False)

    def __init__(
        self,
        profile: Any,
        casting: Any,
        *,
        ledger: Any,
        prices: Any,
        templates: list[str],
        template: str,
        studio_factory: Any,
        out_dir: Path,
        providers: tuple[str, ...] = (),
        audio: bool | None = None,
    ) -> None:
        from ..story.planning import plan as make_plan

        self.profile = profile
        self.ledger = ledger
        self.out_dir = Path(out_dir)
        self._make_plan = make_plan
        self._prices = prices
        self._studio_factory = studio_factory
        self._thread: threading.Thread | None = None
        self.concepts = ConceptTable(profile, limit=15)
        self.picker = MetaphorPicker(casting)
        self.budget = BudgetPicker(
            ledger,
            prices,
            estimate=self._estimate,
            templates=templates,
            template=template,
            providers=providers,
            # None: as the theme says (a silent theme starts the box unticked)
            audio=casting.library.style.audio if audio is None else audio,
        )
        self.plan_view = w.HTML(**look(w.HTML))
        self.plan_view.add_class("sorafilm-plan")
        self.make = w.Button(
            description="Make the film", button_style="primary", icon="film", **look(w.Button)
        )
        self.make.add_class("sorafilm-make")
        self.status = w.HTML(**look(w.HTML))
        self.progress_box = w.VBox(**look(w.VBox))
        self.player_box = w.VBox(**look(w.VBox))
        self.make.on_click(lambda _b: self.make_film(block=False))
        self.picker.on_change(lambda _c: self.budget.refresh())
        self.budget.observe(self._show_plan, names="plan")
        title = profile.title or profile.name
        super().__init__(
            [
                w.HTML(
                    f"<h2 style='margin:0'>sorafilm studio: {html.escape(title)}</h2>"
                    f"<small>{len(profile.concepts)} concepts from {profile.files_scanned} "
                    "files</small>",
                    **look(w.HTML),
                ),
                _heading("1. Concepts found in the code"),
                self.concepts,
                _heading("2. Cast: who plays what"),
                self.picker,
                _heading("3. Budget and plan"),
                self.budget,
                self.plan_view,
                _heading("4. Make the film"),
                w.HBox([self.make, self.status], **look(w.HBox)),
                self.progress_box,
                self.player_box,
            ],
            layout=w.Layout(),
        )
        self.add_class("sorafilm-studio")
        self._show_plan({"new": self.budget.plan})

    def _repr_mimebundle_(self, **kwargs: object) -> dict[str, object]:
        """The app as static HTML too (casting, estimate, plan, film) for readers without
        a kernel and for sorafilm share."""
        from .picker import casting_html

        data: dict[str, object] = super()._repr_mimebundle_(**kwargs)  # ipywidgets: untyped
        parts = [
            f"<h3>sorafilm studio: {html.escape(self.profile.title or self.profile.name)}</h3>",
            casting_html(self.casting),
            self.budget._repr_mimebundle_()["text/html"],
            self.plan_view.value,
        ]
        for child in self.player_box.children:
            if isinstance(child, VideoPlayer):
                parts.append(child.static_html())
        data["text/html"] = "".join(str(p) for p in parts)
        return data

    @property
    def casting(self) -> Any:
        return self.picker.casting

    def _estimate(self, sel: Selection) -> Any:
        return self._make_plan(
            self.picker.casting,
            template=sel.template,
            tier=sel.tier,
            model=sel.model,
            size=sel.size,
            provider=sel.provider,
            audio=sel.audio,
            ledger=self.ledger,
            prices=self._table_for(sel.provider),
        )

    def _show_plan(self, change: dict[str, Any]) -> None:
        plan = change["new"]
        self.plan = plan
        if plan is None:
            self.plan_view.value = ""
            self.make.disabled = True
            return
        frame = plan.frame()
        cols = [
            c
            for c in ("beat", "title", "seconds", "model", "size", "tokens", "cost")
            if c in frame.columns
        ]
        table = frame[cols].to_html(index=False, classes="sorafilm-plan-table", border=0)
        findings = "".join(
            f"<li><b>{html.escape(f.severity)}</b> {html.escape(f.rule)}: "
            f"{html.escape(f.message)} <i>{html.escape(f.hint)}</i></li>"
            for f in plan.findings
        )
        self.plan_view.value = (
            f"<details><summary>Plan {html.escape(plan.id)}: {len(plan.storyboard.shots)} "
            f"shots, {plan.storyboard.seconds} s, {html.escape(str(plan.total))}</summary>"
            f"{table}</details>" + (f"<ul>{findings}</ul>" if findings else "")
        )
        self.make.disabled = bool(plan.blocked or self.budget.over_budget or self.running)
        self.make.description = f"Make the film · {plan.total}"  # the price, on the button

    def make_film(self, *, block: bool = True) -> Any:
        """Run the studio on the current plan; block=False returns at once (the button)."""
        plan = self.budget.plan
        if plan is None or plan.blocked or self.budget.over_budget:
            self.status.value = "<b>Nothing to make:</b> the plan is blocked or over budget."
            return None
        if self.running:
            return None
        self.running = True
        self.make.disabled = True
        bars = JobProgress(plan)
        self.progress_box.children = (bars,)
        self.player_box.children = ()
        self.status.value = f"submitting {len(plan.storyboard.shots)} shots…"
        if block:
            return self._run(plan, bars)
        self._thread = threading.Thread(
            target=self._run, args=(plan, bars), daemon=True, name="sorafilm-studio"
        )
        self._thread.start()
        return None

    def _table_for(self, provider: str) -> Any:
        """The given price table for its provider; another provider's packaged one."""
        if provider == getattr(self._prices, "provider", "openai"):
            return self._prices
        from ..money.prices import PriceTable

        return PriceTable.load(provider=provider)

    def _new_studio(self, provider: str) -> Any:
        """The factory's Studio for the plan's provider (a factory of no arguments, as older
        callers pass, makes its own choice)."""
        import inspect

        try:
            takes = bool(inspect.signature(self._studio_factory).parameters)
        except (TypeError, ValueError):
            takes = False
        return self._studio_factory(provider) if takes else self._studio_factory()

    def wait(self, timeout: float | None = None) -> Any:
        """Wait for a film started with the button (or make_film(block=False))."""
        if self._thread is not None:
            self._thread.join(timeout)
        return self.film

    def _run(self, plan: Any, bars: JobProgress) -> Any:
        try:
            studio = self._new_studio(getattr(plan, "provider", "openai"))
            try:
                film = studio.run(plan, self.out_dir / plan.id, on_progress=bars)
            finally:
                close = getattr(studio, "close", None)
                if callable(close):
                    close()
            self.film = film
            # summary() names the film relative to the notebook's folder (or from "~"): the
            # status is widget state, saved into the shared notebook
            if film.film is not None:
                self.player_box.children = (VideoPlayer(film),)
                self.status.value = html.escape(film.summary())
            else:
                self.status.value = (
                    "<span style='color:#c0392b'>" + html.escape(film.summary()) + "</span>"
                )
            return film
        except Exception as exc:  # shown in the app; the ledger already holds the truth
            # the status is widget state, saved into the shared notebook: an error's text
            # (a FilmError, an OSError) names files by absolute path
            self.status.value = (
                f"<span style='color:#c0392b'><b>{type(exc).__name__}</b>: "
                f"{html.escape(without_local_folders(str(exc)))}</span>"
            )
            return None
        finally:
            self.running = False
            self.budget.refresh()  # the ledger has moved: re-read what is left
            self._show_plan({"new": self.budget.plan})  # re-enables the button


def studio(
    repo: str | Path = ".",
    *,
    theme: str = "kitchen",
    template: str = "silent-90",
    ledger: Any = None,
    backend: Any = None,
    prices: Any = None,
    out_dir: str | Path = "out",
    top: int | None = None,
    provider: str = "openai",
    audio: bool | None = None,
) -> StudioApp:
    """The whole pipeline for ``repo`` as one app. Runs on the embedded simulator unless a
    ``backend`` is given; spends only through ``ledger`` (default: the sandbox ledger on the
    simulator, else $SORAFILM_LEDGER or the user's ledger). Films go to ``out_dir/<plan id>/``.

    Without a backend the budget picker offers every provider (``provider`` first), each
    estimated from its own price file and made on its own offline double; with one, only
    the backend's provider.

    ``audio`` starts the budget's audio box (the quickstart's AUDIO): None as the theme
    says, False the film without sound where the model can leave it out. The app plans with
    the box, so the estimate, the plan and the studio price it alike (PriceTable.clip_cost).

    ``top`` concepts are cast; None: as many as ``provider``'s film needs (Veo's and Runway's
    shorter clips make more shots), so a film made from the picker pays for no shot left
    without a concept (story.planning.film_casting)."""
    from ..analysis.profile import analyze
    from ..datafiles import packaged
    from ..money.prices import PriceTable
    from ..story.casting import cast
    from ..story.planning import film_casting
    from ..studio.runner import Studio

    if ledger is None:
        from ..backends.base import is_simulated
        from ..money.ledger import Ledger

        # simulated films book in the sandbox ledger, never against the real budget
        ledger = Ledger.for_run(simulated=is_simulated(backend))
    if backend is not None:
        provider = str(getattr(backend, "provider", "openai"))
    table = prices if prices is not None else PriceTable.load(provider=provider)
    providers: tuple[str, ...] = (table.provider,)
    if backend is None and prices is None:
        from ..capabilities import PROVIDERS

        providers = (provider, *(p for p in PROVIDERS if p != provider))
    profile = analyze(str(repo))
    if top is None:  # as many concepts as the provider's clips need (planning._grown)
        casting = film_casting(profile, theme, template, provider=provider)
    else:
        casting = cast(profile, theme, top=top)
    templates = sorted(packaged("stories"))
    if template not in templates:
        templates.insert(0, template)

    def factory(for_provider: str = provider) -> Any:
        chosen = table if for_provider == table.provider else None
        return Studio(backend, ledger, provider=for_provider, prices=chosen)

    return StudioApp(
        profile,
        casting,
        ledger=ledger,
        prices=table,
        templates=templates,
        template=template,
        studio_factory=factory,
        out_dir=Path(out_dir),
        providers=providers,
        audio=audio,
    )
