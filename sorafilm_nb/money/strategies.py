"""What a storyboard would cost: estimates, and the real ways to make it, each costed.

Kept apart from the price tables (``prices``) because this is the one part of money that reads
the story's data types (Shot, Storyboard); the dependency points one way: money may read the
story's frozen dataclasses, the story imports only ``cost`` and ``prices`` (and planning,
which prices a plan, this module). Every figure is seconds x the table's price, never typed in.

The strategies are built for any provider from two data files, never from model names in
code: the capability file says which lengths and sizes each model takes
(``capabilities.for_model``), the price file what a second costs there and with which
modifiers (``PriceTable``: a price without audio, say). So a Veo film is compared across
Veo's priced models at the lengths Veo takes, a Runway film across Runway's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

from .. import capabilities
from .cost import Cost, total
from .price_values import MODIFIERS
from .prices import PriceError, PriceTable, dims

if TYPE_CHECKING:
    import pandas as pd

    from ..story.boards import Shot, Storyboard

    Estimable: TypeAlias = Shot | Storyboard | tuple[str, str, int]

__all__ = [
    "DRAFT_SECONDS",
    "SORA_2",
    "SORA_2_PRO",
    "Strategy",
    "clips_for",
    "estimate",
    "is_hires",
    "is_portrait",
    "strategies",
    "strategies_frame",
]


# -- estimates -----------------------------------------------------------------------------


def _table_for(item: object, table: PriceTable | None) -> PriceTable:
    """The given table, else the packaged (or $SORAFILM_PRICES) one of the item's provider."""
    if table is not None:
        return table
    provider = getattr(item, "provider", None)
    return PriceTable.load(provider=provider) if isinstance(provider, str) else PriceTable.load()


def estimate(item: Estimable, table: PriceTable | None = None) -> Cost:
    """What a shot, a storyboard or a (model, size, seconds) triple costs, in Decimal cents.

    A Storyboard is the sum of its shots, each at its own model and size; without a table it
    is priced from its provider's price file.
    """
    table = _table_for(item, table)
    if isinstance(item, tuple):
        if len(item) != 3:
            raise PriceError(f"expected (model, size, seconds), got {item!r}")
        model, size, seconds = item
        return table.cost(model, size, seconds)
    shots = getattr(item, "shots", None)
    if shots is not None:
        return total((table.cost(s.model, s.size, s.seconds) for s in shots), table.currency)
    if all(hasattr(item, a) for a in ("model", "size", "seconds")):
        return table.cost(item.model, item.size, item.seconds)
    raise TypeError(
        f"estimate() takes a Shot, a Storyboard or (model, size, seconds), "
        f"not {type(item).__name__}"
    )


# -- strategies ----------------------------------------------------------------------------

SORA_2 = "sora-2"  # OpenAI's models, for callers that name them; strategies() does not
SORA_2_PRO = "sora-2-pro"
DRAFT_SECONDS = 4  # a draft is the shortest clip a model takes that holds a gag (>= 4 s)


@dataclass(frozen=True)
class Strategy:
    """One way to make the film, and what it costs under the price table."""

    name: str
    description: str
    cost: Cost
    notes: str = ""
    billed_seconds: int = 0  # seconds of video the API bills
    model: str = ""  # "" for the simulator; "sora-2 + sora-2-pro" for drafts then finals
    size: str = ""
    priced: bool = True  # False: the table cannot price it; cost is zero and means nothing


def is_portrait(size: str) -> bool:
    w, h = dims(size)
    return h > w


def is_hires(size: str) -> bool:
    """The "size class": 720p (long side ≤ 1280) or high resolution (1080p, 1024x1792)."""
    return max(dims(size)) > 1280


def clips_for(seconds: int, allowed: tuple[int, ...]) -> tuple[int, ...]:
    """The clips that cover a shot of ``seconds`` on a model that takes only ``allowed``
    lengths: the fewest billed seconds at least ``seconds`` long, then the fewest clips
    (Veo at 720p: 12 s is 8 + 4; at 1080p, 8 s only: 12 s is 8 + 8; 4 s is one 8 s clip)."""
    if seconds <= 0 or not allowed:
        return ()
    top = seconds + max(allowed)
    best: dict[int, tuple[int, ...]] = {0: ()}  # total -> the fewest clips making it
    for t in range(1, top + 1):
        options = [best[t - a] + (a,) for a in allowed if t - a in best]
        if options:
            best[t] = min(options, key=len)
    total_ = min(t for t in best if t >= seconds)
    return tuple(sorted(best[total_], reverse=True))


def _models(table: PriceTable, provider: str) -> list[capabilities.ModelCapabilities]:
    """The table's priced models that the provider's capability file describes, in file
    order (a model the capability file lacks cannot be re-timed, so it is not offered)."""
    known = capabilities.load(provider)
    return [known[m] for m in table.models if m in known]


def _pick_size(
    table: PriceTable, caps: capabilities.ModelCapabilities, like: str, *, hires: bool
) -> str | None:
    """The model's size (priced and rendered) with like's orientation and the asked class,
    the exact size first."""
    offered = [s for s in table.sizes(caps.model) if s in caps.sizes]
    if like in offered and is_hires(like) == hires:
        return like
    fits = [s for s in offered if is_portrait(s) == is_portrait(like) and is_hires(s) == hires]
    return fits[0] if fits else None


def _retimed(
    shots: tuple[Shot, ...], caps: capabilities.ModelCapabilities, size: str
) -> tuple[int, int]:
    """(billed seconds, clips re-timed) of every shot on this model at this size."""
    billed = changed = 0
    allowed = caps.allowed_seconds(size)
    for shot in shots:
        clips = clips_for(shot.seconds, allowed)
        billed += sum(clips)
        changed += clips != (shot.seconds,)
    return billed, changed


def _draft_seconds(caps: capabilities.ModelCapabilities, size: str) -> int:
    allowed = caps.allowed_seconds(size)
    return min((s for s in allowed if s >= DRAFT_SECONDS), default=min(allowed))


def strategies(storyboard: Storyboard, table: PriceTable | None = None) -> list[Strategy]:
    """Real ways to make this storyboard, each costed from the price table of its provider.

    As planned; every shot on each priced model of the provider, in each size class it
    offers (the storyboard's first), re-timed to the lengths that model takes there; the
    same without audio where the price file lists that price; one cheap draft per shot on
    the cheapest model, then finals on the dearest (when they differ; named after the
    finals' model, with what the drafts must spare to pay for themselves); and the free
    animatic.
    Each figure is seconds × the table's price, so another table gives other figures. A
    model or size the table does not price is left out.
    """
    provider = getattr(storyboard, "provider", "openai")
    table = PriceTable.load(provider=provider) if table is None else table
    shots = storyboard.shots
    seconds = sum(s.seconds for s in shots)
    size = storyboard.size
    hires = is_hires(size)
    cur = table.currency
    out: list[Strategy] = []

    def per_second(cost: Cost) -> str:
        if not seconds:
            return ""
        return f"{Cost(cost.cents / seconds, cur)} per finished second"

    # As planned: each shot on its own model and size.
    try:
        planned = estimate(storyboard, table)
    except PriceError as exc:
        planned = None
        reason = str(exc)
    if planned is not None:
        out.append(
            Strategy(
                "as-planned",
                f"every shot as the storyboard has it ({storyboard.model}, {size})",
                planned,
                per_second(planned),
                seconds,
                storyboard.model,
                size,
            )
        )
    else:
        out.append(
            Strategy(
                "as-planned",
                "every shot as the storyboard has it",
                Cost.zero(cur),
                f"cannot be priced: {reason}",
                seconds,
                storyboard.model,
                size,
                priced=False,
            )
        )

    models = _models(table, provider)
    for caps in models:
        classes = [want for want in (hires, not hires) if _pick_size(table, caps, size, hires=want)]
        for want in classes:
            at = _pick_size(table, caps, size, hires=want)
            assert at is not None
            billed, changed = _retimed(shots, caps, at)
            name = f"all-{caps.model}" + (
                f"-{'hires' if want else '720p'}" if len(classes) > 1 else ""
            )
            label = "high resolution" if want else "720p"
            mark = " (the storyboard's size class)" if want == hires and len(classes) > 1 else ""
            description = f"every shot on {caps.model} at {at}" + (
                f", {label}{mark}" if len(classes) > 1 else ""
            )
            base_note = ""
            if want != hires and len(classes) == 1:
                kind = "high-resolution" if hires else "720p"
                base_note = f"; {caps.model} has no {kind} size, so {at} instead of {size}"
            if changed:
                base_note += (
                    f"; {changed} shot(s) re-timed to the lengths {caps.model} takes at {at} "
                    f"({list(caps.allowed_seconds(at))} s): {billed} s billed for {seconds} s"
                )
            for modifier in (None, *table.modifiers_for(caps.model, at)):
                cost = table.cost(caps.model, at, billed, modifier)
                what = f", {MODIFIERS[modifier]}" if modifier else ""
                out.append(
                    Strategy(
                        name + (f"-{modifier.replace('_', '-')}" if modifier else ""),
                        description + what,
                        cost,
                        per_second(cost) + base_note,
                        billed,
                        caps.model,
                        at,
                    )
                )

    # Drafts on the cheapest model (720p), finals on the dearest (the storyboard's class).
    drafts = _drafts_then_finals(table, models, shots, size, hires)
    if drafts is not None:
        out.append(drafts)

    out.append(
        Strategy(
            "animatic-only",
            "title-card animatics rendered by the local simulator, no API calls",
            Cost.zero(cur),
            "free: checks timing, story and prompts before any spend",
            0,
            "",
            size,
        )
    )
    return out


def _drafts_then_finals(
    table: PriceTable,
    models: list[capabilities.ModelCapabilities],
    shots: tuple[Shot, ...],
    size: str,
    hires: bool,
) -> Strategy | None:
    """One cheap draft per shot on the cheapest model, then finals on the dearest.

    Named after the finals' model, in the provider's own words ("drafts-then-veo3.1" on
    Runway): it was "drafts-then-pro", a Sora word, on every provider. It always costs more
    than the same finals alone; what it buys is a prompt checked at draft price before a
    final is paid for, so it says how many redone finals the drafts must spare to pay for
    themselves. A draft is never dearer than a redone final (the cheapest model's shortest
    clip against the dearest's longest), so that number is at most one per shot.
    """
    cur = table.currency
    drafts_ok = [(c, s) for c in models if (s := _pick_size(table, c, size, hires=False))]
    finals_ok = [(c, s) for c in models if (s := _pick_size(table, c, size, hires=hires))]
    if not (drafts_ok and finals_ok and shots):
        return None
    draft, draft_size = min(drafts_ok, key=lambda cs: table.price_per_second(cs[0].model, cs[1]))
    final, final_size = max(finals_ok, key=lambda cs: table.price_per_second(cs[0].model, cs[1]))
    if draft.model == final.model:
        return None
    each = _draft_seconds(draft, draft_size)
    drafts = table.cost(draft.model, draft_size, each * len(shots))
    billed, _ = _retimed(shots, final, final_size)
    finals = table.cost(final.model, final_size, billed)
    longest = max(final.allowed_seconds(final_size))
    redo = Cost(table.price_per_second(final.model, final_size) * longest, cur)
    if redo.cents <= 0:  # a free final: a draft spares nothing
        return None
    spared = math.ceil(drafts.cents / redo.cents)  # redone finals that pay for the drafts
    return Strategy(
        f"drafts-then-{final.model}",
        f"one {each} s draft per shot on {draft.model} at {draft_size} to check the prompt, "
        f"then finals on {final.model} at {final_size}: {drafts} more than those finals "
        f"alone, repaid if the drafts spare {spared} redone {longest} s final"
        + ("s" if spared != 1 else ""),
        drafts + finals,
        f"drafts {drafts} + finals {finals}; assumes one draft and one final per shot; each "
        f"redone {longest} s final adds {redo}",
        each * len(shots) + billed,
        f"{draft.model} + {final.model}",
        final_size,
    )


def strategies_frame(storyboard: Storyboard, table: PriceTable | None = None) -> pd.DataFrame:
    """strategies() as a pandas table (pandas imported here, not at module import)."""
    import pandas as pd

    rows = [
        {
            "strategy": s.name,
            "description": s.description,
            "model": s.model,
            "size": s.size,
            "billed_seconds": s.billed_seconds,
            "cents": s.cost.cents if s.priced else None,
            "cost": str(s.cost) if s.priced else "cannot be priced",
            "notes": s.notes,
        }
        for s in strategies(storyboard, table)
    ]
    return pd.DataFrame(
        rows,
        columns=[
            "strategy",
            "description",
            "model",
            "size",
            "billed_seconds",
            "cents",
            "cost",
            "notes",
        ],
    )
