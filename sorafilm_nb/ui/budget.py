"""BudgetPicker: provider, tier, model, size and story template, with the live estimate
against the month's remaining budget.

The provider (shown when more than one is offered) chooses the price file
(data/prices/<provider>.toml): its models and sizes fill the other dropdowns, and the estimate
is in that provider's prices. The audio box prices the film as the studio would send it
without sound (PriceTable.clip_cost: capabilities.sent_silent, the one rule).

Why the words on it matter: the token tier bounds how long each prompt is (shorter prompts
leave the model room; long ones get ignored or refused); it does not change the price of a
second of video, which depends only on the model and the size. The seed mixed the two up, so
the widget says it in plain words next to the tier.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from . import require_widgets

require_widgets()

import ipywidgets as w  # noqa: E402
import traitlets  # noqa: E402

from ..money.cost import left_of  # noqa: E402
from ..paths import without_local_folders  # noqa: E402
from ..story.prompts import Tier  # noqa: E402
from ._looks import look  # noqa: E402

if TYPE_CHECKING:
    from ..money.budget import BudgetCheck
    from ..money.cost import Cost
    from ..money.ledger import Ledger
    from ..money.prices import PriceTable

OVER_CLASS = "sorafilm-over-budget"
OK_CLASS = "sorafilm-within-budget"
SIMULATED_CLASS = "sorafilm-simulated"  # a sandbox ledger: costs nothing, never refused
TIER_NOTE = (
    "The tier bounds prompt length (tokens per prompt), not the per-second price: "
    "the price depends only on the model and the size."
)
_STYLE = f"""<style>
.sorafilm-budget .sorafilm-estimate {{ font-size: 1.05em; padding: 4px 8px; border-radius: 4px;
  border-left: 4px solid #7a9a5a; background: rgba(122,154,90,0.10); }}
.sorafilm-budget.{OVER_CLASS} .sorafilm-estimate {{ border-left-color: #c0392b;
  background: rgba(192,57,43,0.12); color: #c0392b; }}
.sorafilm-budget.{SIMULATED_CLASS} .sorafilm-estimate {{ border-left-color: #5a7a9a;
  background: rgba(90,122,154,0.10); }}
</style>"""


@dataclass(frozen=True)
class Selection:
    """What the picker's controls say: passed to the estimate callback."""

    tier: Tier
    model: str
    size: str
    template: str
    provider: str = "openai"
    audio: bool = True  # False: made without audio where the model can leave it out


Estimator = Callable[[Selection], Any]  # returns a Cost, or a Plan (its .total is used)


class BudgetPicker(w.VBox):  # type: ignore[misc]  # ipywidgets ships no types: VBox is Any
    """Choose tier, model, size and template; see the estimate and the remaining budget.

    ``estimate(selection)`` returns a Cost or a Plan. Without it, the estimate is the
    template's target seconds (from ``templates``, a mapping id -> seconds) at the model and
    size's price. The widget turns red (CSS class ``sorafilm-over-budget``, trait
    ``over_budget``) when the estimate exceeds what is left of the month's budget.

    On a sandbox ledger (``ledger.sandbox``: simulated films, which cost nothing and are
    never refused) it is never red and never ``over_budget`` (the studio app would disable
    its Make button for a film that would go ahead): it says the run is simulated (trait
    ``simulated``, CSS class ``sorafilm-simulated``) and whether the same film would fit
    the REAL ledger's month (Ledger.real_budget: the figures the studio warns with). The
    real ledger is read once per (ledger, budget month), not on every click; ``refresh()``
    re-reads it.
    """

    selection = traitlets.Any()
    estimate = traitlets.Any(None, allow_none=True)  # the latest Cost
    plan = traitlets.Any(None, allow_none=True)  # the latest Plan, when the estimator gives one
    over_budget = traitlets.Bool(False)  # a real ledger's month would refuse it
    simulated = traitlets.Bool(False)  # a sandbox ledger: nothing real is spent or refused

    def __init__(
        self,
        ledger: Ledger | None,
        price_table: PriceTable,
        *,
        estimate: Estimator | None = None,
        templates: Mapping[str, int] | Sequence[str] = ("silent-90",),
        tier: Tier = Tier.MEDIUM,
        model: str | None = None,
        size: str | None = None,
        template: str | None = None,
        providers: Sequence[str] = (),
        price_tables: Mapping[str, PriceTable] | None = None,
        audio: bool = True,
    ) -> None:
        self.ledger = ledger
        # the real ledger's month for a sandbox ledger's verdict: (ledger, read until, check)
        self._real: tuple[Ledger, datetime, BudgetCheck | None] | None = None
        self.price_table = price_table
        self._tables: dict[str, PriceTable] = dict(price_tables or {})
        self._tables.setdefault(price_table.provider, price_table)
        self.provider = w.Dropdown(
            options=list(providers) or [price_table.provider],
            value=price_table.provider,
            description="provider",
            **look(w.Dropdown),
        )
        self._estimator = estimate
        self._seconds = dict(templates) if isinstance(templates, Mapping) else {}
        template_ids = list(templates)
        if not template_ids:
            raise ValueError("BudgetPicker needs at least one story template")
        model = model or price_table.models[0]
        sizes = price_table.sizes(model)
        self.tier = w.Dropdown(
            options=[(f"{t.name.lower()} ({t.tokens} tokens)", t) for t in Tier],
            value=tier,
            description="tier",
            **look(w.Dropdown),
        )
        self.model = w.Dropdown(
            options=list(price_table.models), value=model, description="model", **look(w.Dropdown)
        )
        size = size if size in sizes else ("1280x720" if "1280x720" in sizes else sizes[0])
        self.size = w.Dropdown(
            options=list(sizes), value=size, description="size", **look(w.Dropdown)
        )
        self.template = w.Dropdown(
            options=template_ids,
            value=template or template_ids[0],
            description="template",
            **look(w.Dropdown),
        )
        # with sound or not: priced as the studio sends it (PriceTable.clip_cost, whose one
        # rule is capabilities.sent_silent); a silent theme starts it unticked
        self.audio = w.Checkbox(value=audio, description="audio", indent=False, **look(w.Checkbox))
        self.output = w.HTML(**look(w.HTML))
        self.output.add_class("sorafilm-estimate")
        self.remaining_label = w.HTML(**look(w.HTML))
        note = w.HTML(f"<small>{html.escape(TIER_NOTE)}</small>", **look(w.HTML))
        note.add_class("sorafilm-tier-note")
        for control in (self.tier, self.size, self.template, self.audio):
            control.observe(self._changed, names="value")
        self.model.observe(self._model_changed, names="value")
        self.provider.observe(self._provider_changed, names="value")
        super().__init__(
            [
                w.HTML(_STYLE, **look(w.HTML)),
                *([self.provider] if len(self.provider.options) > 1 else []),
                w.HBox([self.tier, self.model], **look(w.HBox)),
                w.HBox([self.size, self.template, self.audio], **look(w.HBox)),
                note,
                self.output,
                self.remaining_label,
            ],
            **look(w.VBox),
        )
        self.add_class("sorafilm-budget")
        self.refresh()

    # -- state --------------------------------------------------------------------------

    def current(self) -> Selection:
        return Selection(
            self.tier.value,
            self.model.value,
            self.size.value,
            self.template.value,
            self.price_table.provider,
            bool(self.audio.value),
        )

    def table_for(self, provider: str) -> PriceTable:
        """The provider's price table (the packaged one unless given), loaded once."""
        if provider not in self._tables:
            from ..money.prices import PriceTable

            self._tables[provider] = PriceTable.load(provider=provider)
        return self._tables[provider]

    def _provider_changed(self, change: dict[str, Any]) -> None:
        """Another provider: its price file, its models (its default first) and sizes."""
        from ..capabilities import default_model

        try:
            table = self.table_for(change["new"])
        except Exception as exc:  # shown, never raised into the event loop
            self.output.value = (
                f"<b>Cannot estimate:</b> {html.escape(without_local_folders(str(exc)))}"
            )
            return
        self.price_table = table
        preferred = default_model(table.provider)
        model = preferred if preferred in table.models else table.models[0]
        sizes = list(table.sizes(model))
        # options first, then the value, each without a refresh: one estimate at the end
        self.model.unobserve(self._model_changed, names="value")
        self.size.unobserve(self._changed, names="value")
        try:
            self.model.options = list(table.models)
            self.model.value = model
            keep = self.size.value
            self.size.options = sizes
            self.size.value = (
                keep if keep in sizes else ("1280x720" if "1280x720" in sizes else sizes[0])
            )
        finally:
            self.model.observe(self._model_changed, names="value")
            self.size.observe(self._changed, names="value")
        self._show()

    def _model_changed(self, change: dict[str, Any]) -> None:
        sizes = list(self.price_table.sizes(change["new"]))
        keep = self.size.value if self.size.value in sizes else sizes[0]
        with self.size.hold_trait_notifications():
            self.size.options = sizes
            self.size.value = keep
        self._show()

    def _changed(self, _change: object) -> None:
        self._show()

    def remaining(self) -> Cost | None:
        """What is left of this month's budget, or None when no budget is set."""
        if self.ledger is None:
            return None
        return self.ledger.remaining()

    def _estimate(self, sel: Selection) -> tuple[Cost, Any]:
        if self._estimator is not None:
            result = self._estimator(sel)
            if hasattr(result, "total") and hasattr(result, "storyboard"):
                return result.total, result
            return result, None
        seconds = self._seconds.get(sel.template)
        if seconds is None:
            raise ValueError(f"no length known for template {sel.template!r}: pass estimate=")
        return self.price_table.clip_cost(sel.model, sel.size, seconds, audio=sel.audio), None

    def refresh(self) -> None:
        """Recompute the estimate and re-read the ledgers (call after spending elsewhere)."""
        self._real = None  # the real ledger's month too
        self._show()

    def _show(self) -> None:
        """Recompute the estimate for the controls' selection (each picker change)."""
        sel = self.current()
        self.selection = sel
        try:
            cost, plan = self._estimate(sel)
        except Exception as exc:  # a bad choice is shown, never raised into the event loop
            self.estimate, self.plan = None, None
            self._set_over(False)
            # kept in the widget state, saved with the notebook: no local folder in it
            why = without_local_folders(str(exc))
            self.output.value = f"<b>Cannot estimate:</b> {html.escape(why)}"
            return
        self.estimate, self.plan = cost, plan
        left = self.remaining()
        self.simulated = bool(getattr(self.ledger, "sandbox", False))
        over = left is not None and cost > left and not self.simulated
        self._set_over(over)
        detail = ""
        if plan is not None:
            shots = plan.storyboard.shots
            seconds = sum(s.seconds for s in shots)
            tokens = max((p.tokens for p in plan.prompts), default=0)
            errors = sum(1 for f in plan.findings if f.severity == "error")
            detail = (
                f" for {len(shots)} shots, {seconds} s; longest prompt {tokens} tokens"
                f"; {len(plan.findings)} lint findings ({errors} blocking)"
                f"; plan {str(plan.id)[:8]}"
            )
        verdict = ""
        if self.simulated:
            verdict = self._real_verdict(cost)
        elif left is not None:
            verdict = (
                f" — <b>over budget</b> by {_money(cost - left)}"
                if over
                else f" — leaves {_money(left - cost)}"
            )
        sound = _sound(sel, self.price_table)
        # where the money is decided: a price no provider page backs says so (the file's fact)
        unverified = (
            f" — price <b>{html.escape(self.price_table.UNVERIFIED_SAID)}</b> "
            "(<code>sorafilm providers</code>)"
            if self.price_table.unverified
            else ""
        )
        self.output.value = (
            f"Estimate: <b>{_money(cost)}</b> at {html.escape(sel.provider)} "
            f"{html.escape(sel.model)} {html.escape(sel.size)}{html.escape(sound)}"
            f"{html.escape(detail)}{verdict}{unverified}"
        )
        if self.simulated:
            # left_of: "$3.68 over" past the sandbox's own limit, never "$-3.68 left"
            own = "" if left is None else f"; its own budget: {html.escape(left_of(left))}"
            self.remaining_label.value = (
                "Sandbox ledger: simulated films are recorded at what they would cost and "
                f"never refused{own}."
            )
        else:
            self.remaining_label.value = (
                "No monthly budget set (ledger.set_budget(Cost(...)) sets one)."
                if left is None
                else f"This month: <b>{html.escape(left_of(left))}</b>"
            )

    def _real_verdict(self, cost: Cost) -> str:
        """A simulated estimate against the real ledger's month, in words: the studio warns
        when the same film on the real API would not fit, and the picker says so first."""
        check = self._real_month(cost)
        said = " — simulated: no real money"
        if check is None or check.remaining is None:
            return said
        if check.fits:
            return f"{said}; on the real API it would leave {_money(check.remaining - cost)}"
        return (
            f"{said}; on the real API it would be <b>over the real budget</b> by "
            f"{_money(cost - check.remaining)}"
        )

    def _real_month(self, cost: Cost) -> BudgetCheck | None:
        """Ledger.real_budget for cost, reading the real ledger once per (ledger, month).

        Why cached: every click re-prices, and each read opened the real ledger file (or a
        team database connection, up to REAL_CHECK_WAIT on a slow one) for figures that change
        only when money is spent (refresh() re-reads) or the budget month turns.
        """
        ledger = self.ledger
        assert ledger is not None  # a sandbox ledger: only asked when simulated
        now = ledger.clock()
        now = now if now.tzinfo is not None else now.replace(tzinfo=timezone.utc)
        kept = self._real
        if kept is None or kept[0] is not ledger or now >= kept[1]:
            try:
                check = ledger.real_budget(cost)
            except Exception:  # no real ledger to read: the simulated run is all there is
                check = None
            if check is not None:
                until = check.period_end
            else:
                from ..money.budget import month_bounds

                until = month_bounds(now)[1]
            kept = self._real = (ledger, until, check)
        return None if kept[2] is None else kept[2].asking(cost)

    def _set_over(self, over: bool) -> None:
        self.over_budget = over
        for name in (OK_CLASS, OVER_CLASS, SIMULATED_CLASS):
            self.remove_class(name)
        self.add_class(SIMULATED_CLASS if self.simulated else OVER_CLASS if over else OK_CLASS)

    def _repr_mimebundle_(self, **kwargs: object) -> dict[str, object]:
        data: dict[str, object] = super()._repr_mimebundle_(**kwargs)  # ipywidgets: untyped
        data["text/html"] = (
            f"<div class='sorafilm-budget'>{self.output.value}<br>"
            f"{self.remaining_label.value}<br><small>"
            f"{html.escape(TIER_NOTE)}</small></div>"
        )
        return data


def _sound(sel: Selection, table: PriceTable) -> str:
    """What the audio box does to this estimate, in words: a box that changes nothing on the
    price must say why, or a user unticks it, sees the same figure and thinks it is broken."""
    from ..capabilities import lookup, sent_silent

    caps = lookup(sel.provider, table.resolve(sel.model))
    if caps is not None and not caps.audio:
        return f", silent ({sel.model} makes no sound)"
    if sel.audio:
        return ""
    if not sent_silent(sel.provider, sel.model, False):
        return f", audio off ({sel.model} cannot leave it out: priced as with audio)"
    if "no_audio" in table.modifiers_for(sel.model, sel.size):
        return ", without audio"
    return ", without audio (priced as with audio: the price file lists no price without it)"


def _money(cost: Cost) -> str:
    return html.escape(str(cost))
