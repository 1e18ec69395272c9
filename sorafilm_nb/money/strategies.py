"""What a storyboard would cost: estimates, and the real ways to make it, each costed.

Kept apart from the price tables (``prices``) because this is the one part of money that reads
the story's data types (Shot, Storyboard); the dependency points one way: money may read the
story's frozen dataclasses, the story imports only ``cost`` and ``prices`` (and planning,
which prices a plan, this module). Every figure is seconds x the table's price, never typed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .cost import Cost, total
from .prices import PriceError, PriceTable, dims

if TYPE_CHECKING:
    import pandas as pd

    from ..story.boards import Shot, Storyboard

    Estimable = Shot | Storyboard | tuple[str, str, int]

__all__ = [
    "DRAFT_SECONDS",
    "SORA_2",
    "SORA_2_PRO",
    "Strategy",
    "estimate",
    "is_hires",
    "is_portrait",
    "strategies",
    "strategies_frame",
]


# -- estimates -----------------------------------------------------------------------------


def estimate(item: Estimable, table: PriceTable | None = None) -> Cost:
    """What a shot, a storyboard or a (model, size, seconds) triple costs, in Decimal cents.

    A Storyboard is the sum of its shots, each at its own model and size.
    """
    table = PriceTable.load() if table is None else table
    if isinstance(item, tuple):
        if len(item) != 3:
            raise PriceError(f"expected (model, size, seconds), got {item!r}")
        model, size, seconds = item
        return table.cost(model, size, seconds)
    shots = getattr(item, "shots", None)
    if shots is not None:
        return total((table.cost(s.model, s.size, s.seconds) for s in shots), table.currency)
    if all(hasattr(item, a) for a in ("model", "size", "seconds")):
        return table.cost(item.model, item.size, item.seconds)  # type: ignore[union-attr]
    raise TypeError(
        f"estimate() takes a Shot, a Storyboard or (model, size, seconds), "
        f"not {type(item).__name__}"
    )


# -- strategies ----------------------------------------------------------------------------

SORA_2 = "sora-2"
SORA_2_PRO = "sora-2-pro"
DRAFT_SECONDS = 4


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
    """The "size class": 720p (long side ≤ 1280) or high resolution (1024x1792, 1792x1024)."""
    return max(dims(size)) > 1280


def _pick_size(table: PriceTable, model: str, like: str, *, hires: bool) -> str | None:
    """The model's size with like's orientation and the asked class (the exact size first)."""
    if model not in table.rates:
        return None
    offered = table.sizes(model)
    if like in offered and is_hires(like) == hires:
        return like
    fits = [s for s in offered if is_portrait(s) == is_portrait(like) and is_hires(s) == hires]
    return fits[0] if fits else None


def strategies(storyboard: Storyboard, table: PriceTable | None = None) -> list[Strategy]:
    """Real ways to make this storyboard, each costed from the price table.

    The comparison the seed got wrong: it quoted a price; here each figure is seconds × the
    table's price, so a different table (a user's, a provider's) gives different figures.
    A strategy whose model or size the table does not price is left out.
    """
    table = PriceTable.load() if table is None else table
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

    s2 = _pick_size(table, SORA_2, size, hires=False)
    if s2 is not None:
        cost = table.cost(SORA_2, s2, seconds)
        note = per_second(cost)
        if hires:
            note += f"; {SORA_2} has no high-resolution size, so {s2} instead of {size}"
        out.append(
            Strategy(
                f"all-{SORA_2}", f"every shot on {SORA_2} at {s2}", cost, note, seconds, SORA_2, s2
            )
        )

    pro_sizes = [(False, "720p"), (True, "high resolution")]
    pro_sizes.sort(key=lambda x: x[0] != hires)  # the storyboard's own size class first
    for want_hires, label in pro_sizes:
        ps = _pick_size(table, SORA_2_PRO, size, hires=want_hires)
        if ps is None:
            continue
        cost = table.cost(SORA_2_PRO, ps, seconds)
        mark = " (the storyboard's size class)" if want_hires == hires else ""
        out.append(
            Strategy(
                f"all-{SORA_2_PRO}-{'hires' if want_hires else '720p'}",
                f"every shot on {SORA_2_PRO} at {ps}, {label}{mark}",
                cost,
                per_second(cost),
                seconds,
                SORA_2_PRO,
                ps,
            )
        )

    final_size = _pick_size(table, SORA_2_PRO, size, hires=hires)
    if s2 is not None and final_size is not None and shots:
        drafts = table.cost(SORA_2, s2, DRAFT_SECONDS * len(shots))
        finals = table.cost(SORA_2_PRO, final_size, seconds)
        both = drafts + finals
        redo = Cost(table.price_per_second(SORA_2_PRO, final_size) * 12, cur)
        out.append(
            Strategy(
                "drafts-then-pro",
                f"one {DRAFT_SECONDS} s draft per shot on {SORA_2} at {s2} to check the prompt, "
                f"then finals on {SORA_2_PRO} at {final_size}",
                both,
                f"drafts {drafts} + finals {finals}; assumes one draft and one final per shot; "
                f"each redone 12 s final adds {redo}",
                DRAFT_SECONDS * len(shots) + seconds,
                f"{SORA_2} + {SORA_2_PRO}",
                final_size,
            )
        )

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
