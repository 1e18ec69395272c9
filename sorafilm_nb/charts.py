"""Cost charts over the ledger's history: where the money went and what a second costs.

Each function takes ``Ledger.history()`` (columns time, model, size, seconds, estimate_cents,
billed_cents, status, plan, shot, purpose) and returns a matplotlib Figure that looks right
with no styling by the caller and says so plainly when there is nothing to draw yet.

matplotlib is imported inside the functions (394 ms here), and figures are built with the
object API (``matplotlib.figure.Figure``), never pyplot: no global figure registry to leak
into, safe from worker threads and under the Agg backend. The returned figures render
themselves as PNG in a notebook (``_repr_png_``) even when pyplot was never imported.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from .money.cost import Cost
    from .money.prices import PriceTable

__all__ = [
    "cost_per_second",
    "cumulative_spend",
    "dashboard",
    "drafts_vs_finals",
    "estimate_vs_billed",
    "png",
    "spend_by_model_size",
    "spend_by_who",
]

COLUMNS = (
    "time",
    "model",
    "size",
    "seconds",
    "estimate_cents",
    "billed_cents",
    "status",
    "plan",
    "shot",
    "purpose",
)
# The design's palette: sepia, charcoal, faded red, a muted green and blue.
PALETTE = ("#b08850", "#3d3935", "#b5533f", "#6f8f5a", "#5a7a9a", "#9a7aa0")
SPEND = PALETTE[0]
BUDGET = PALETTE[2]
EMPTY_NOTE = "no jobs in the ledger yet"


def _figure(width: float = 7.0, height: float = 3.6) -> Figure:
    from matplotlib.figure import Figure

    class ChartFigure(Figure):
        """A Figure that shows itself as PNG in IPython without pyplot's inline backend."""

        def _repr_png_(self) -> bytes:
            return png(self, dpi=100)

    return ChartFigure(figsize=(width, height), layout="constrained")


def _as_written(text: object) -> str:
    """Ledger text (a project, user, model or plan: a team's, a CSV import's, an environment
    variable's) as a label matplotlib draws as written: each "$" escaped, which it reads as
    the start of a formula. Why: a project named "a$\\foo{$b" raised ValueError in every
    chart naming it, and the notebook's dashboard showed none."""
    return str(text).replace("$", "\\$")


def png(figure: Figure, *, dpi: int = 100) -> bytes:
    """The figure as a palette PNG: what a notebook saves of a chart (its output, a
    dashboard's Image widget state), so a shared notebook carries each chart at ~2/5 of
    matplotlib's RGBA PNG (03_cost_analysis shows its 5 charts twice: they were 262 kB of
    the 376 kB it saved; now ~100 kB of 175 kB).

    Why a palette is enough: these charts are a few flat colours plus their antialiased
    edges (400-700 colours in all); 256 chosen by median cut, undithered, leave the mean
    pixel within 0.02 of 255 of matplotlib's. A figure with any transparency stays RGBA.
    """
    from PIL import Image

    buf = io.BytesIO()
    figure.savefig(buf, format="png", dpi=dpi)
    image = Image.open(io.BytesIO(buf.getvalue()))
    if image.mode == "RGBA" and image.getchannel("A").getextrema() != (255, 255):
        return buf.getvalue()  # see-through somewhere: a palette would lose it
    palette = image.convert("RGB").quantize(
        256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
    )
    out = io.BytesIO()
    palette.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _style(ax: Axes, *, title: str, ylabel: str = "", xlabel: str = "") -> None:
    ax.set_title(title, loc="left", fontsize=11, fontweight="bold", color="#2b2724")
    ax.set_ylabel(ylabel)
    ax.set_xlabel(xlabel)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="y", alpha=0.3, linewidth=0.6)
    ax.set_axisbelow(True)
    ax.tick_params(labelsize=9)


def _dollars(ax: Axes, axis: str = "y") -> None:
    from matplotlib.ticker import FuncFormatter

    fmt = FuncFormatter(lambda v, _pos: f"${v:,.2f}")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def _empty(ax: Axes, note: str = EMPTY_NOTE) -> None:
    ax.text(
        0.5,
        0.5,
        note,
        transform=ax.transAxes,
        ha="center",
        va="center",
        color="#888",
        fontsize=10,
        style="italic",
    )
    ax.set_xticks([])


def _frame(history: pd.DataFrame | None) -> pd.DataFrame:
    """The columns the charts need, with cents as floats (NaN where not billed yet)."""
    import pandas as pd

    if history is None:
        history = pd.DataFrame(columns=list(COLUMNS))
    missing = [
        c
        for c in ("time", "model", "size", "seconds", "estimate_cents", "billed_cents", "status")
        if c not in history.columns
    ]
    if missing:
        raise ValueError(f"history lacks the columns {', '.join(missing)}: pass Ledger.history()")
    frame = history.copy()
    for col in ("plan", "shot", "purpose"):
        if col not in frame.columns:
            frame[col] = ""
    frame["time"] = pd.to_datetime(frame["time"], utc=True)
    for col in ("estimate_cents", "billed_cents", "seconds"):
        frame[col] = pd.to_numeric(frame[col].astype(object), errors="coerce").astype(float)
    frame["purpose"] = frame["purpose"].fillna("").astype(str)
    return frame.sort_values("time", kind="stable").reset_index(drop=True)


def _budget_dollars(budget: Cost | Decimal | int | None) -> float | None:
    if budget is None:
        return None
    cents = budget if isinstance(budget, (Decimal, int)) else budget.cents
    return float(Decimal(cents) / 100)


def cumulative_spend(history: pd.DataFrame | None, budget: Cost | None = None) -> Figure:
    """Billed spend over time as a rising step line, against the monthly budget line.

    A dashed line adds what is reserved for jobs still running (money set aside, not yet
    billed), so the gap to the budget shows what can still be spent.
    """
    frame = _frame(history)
    fig = _figure()
    ax = fig.add_subplot()
    _style(ax, title="Cumulative spend", ylabel="US dollars")
    limit = _budget_dollars(budget)
    billed = frame[frame["billed_cents"].notna()]
    if billed.empty and frame.empty:
        _empty(ax)
    if not billed.empty:
        times = billed["time"].dt.tz_localize(None)
        spent = billed["billed_cents"].cumsum() / 100
        ax.step(
            times,
            spent,
            where="post",
            color=SPEND,
            linewidth=2,
            label="billed",
            marker="o",
            markersize=3,
        )
        open_rows = frame[frame["status"].isin(["reserved", "submitted"])]
        if not open_rows.empty:
            committed = spent.iloc[-1] + open_rows["estimate_cents"].sum() / 100
            ax.plot(
                [times.iloc[-1], open_rows["time"].dt.tz_localize(None).max()],
                [spent.iloc[-1], committed],
                linestyle="--",
                color=SPEND,
                alpha=0.7,
                label="billed + reserved",
            )
        fig.autofmt_xdate(rotation=30)
    elif not frame.empty:
        _empty(ax, "jobs reserved, nothing billed yet")
    if limit is not None:
        ax.axhline(
            limit,
            color=BUDGET,
            linestyle="--",
            linewidth=1.5,
            label=f"monthly budget ${limit:,.2f}",
        )
        ax.set_ylim(0, max(limit, ax.get_ylim()[1]) * 1.1)
    else:
        ax.set_ylim(bottom=0)
    _dollars(ax)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(frameon=False, fontsize=9, loc="upper left")
    return fig


def spend_by_model_size(history: pd.DataFrame | None) -> Figure:
    """Billed spend per model and size: where the money went (high-res pro costs most)."""
    frame = _frame(history)
    fig = _figure()
    ax = fig.add_subplot()
    _style(ax, title="Spend by model and size", xlabel="US dollars billed")
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", alpha=0.3, linewidth=0.6)
    billed = frame[frame["billed_cents"].notna()]
    if billed.empty:
        _empty(ax)
        ax.set_yticks([])
        _dollars(ax, "x")
        return fig
    sums = billed.groupby(["model", "size"], sort=True)["billed_cents"].sum() / 100
    labels = [_as_written(f"{m}  {s}") for m, s in sums.index]
    models = sorted({m for m, _ in sums.index})
    colors = [PALETTE[models.index(m) % len(PALETTE)] for m, _ in sums.index]
    bars = ax.barh(labels, sums.to_numpy(), color=colors)
    ax.bar_label(bars, labels=[f"${v:,.2f}" for v in sums.to_numpy()], padding=3, fontsize=9)
    ax.invert_yaxis()
    ax.set_xlim(0, sums.max() * 1.25 if sums.max() > 0 else 1)
    _dollars(ax, "x")
    return fig


def spend_by_who(history: pd.DataFrame | None, by: str = "user") -> Figure:
    """Billed spend per user or per project (by="project"): who spent a team's budget.
    Rows without one (a personal ledger's) show as "-". A project is one bar whatever its
    spelling (its project_key, as its cap counts it), named as its newest job spelled it,
    as the budget report names it (reports.Share)."""
    if by not in ("user", "project"):
        raise ValueError(f"by must be 'user' or 'project', got {by!r}")
    frame = _frame(history)
    fig = _figure()
    ax = fig.add_subplot()
    _style(ax, title=f"Spend by {by}", xlabel="US dollars billed")
    billed = frame[frame["billed_cents"].notna()]
    if billed.empty or by not in billed.columns:
        _empty(ax)
        ax.set_yticks([])
        return fig
    if by == "project" and "project_key" in billed.columns:
        named = frame[frame["status"] != "released"].dropna(subset=["project_key"])
        named = named.sort_values("time", kind="stable")
        billed = billed.assign(
            project=billed["project_key"].map(named.groupby("project_key")["project"].last())
        )
    sums = billed.fillna({by: "-"}).groupby(by, sort=True)["billed_cents"].sum() / 100
    bars = ax.barh([_as_written(n) for n in sums.index], sums.to_numpy(), color=PALETTE[0])
    ax.bar_label(bars, labels=[f"${v:,.2f}" for v in sums.to_numpy()], padding=3, fontsize=9)
    ax.invert_yaxis()
    ax.set_xlim(0, sums.max() * 1.25 if sums.max() > 0 else 1)
    _dollars(ax, "x")
    return fig


def cost_per_second(history: pd.DataFrame | None, prices: PriceTable | None = None) -> Figure:
    """Billed dollars per second of finished video, by model and size.

    Failed jobs that were billed make a finished second dearer than the list price, so with
    ``prices`` the list price is marked beside each bar for comparison.
    """
    frame = _frame(history)
    fig = _figure()
    ax = fig.add_subplot()
    _style(ax, title="Cost per finished second", ylabel="US dollars per second")
    billed = frame[frame["billed_cents"].notna()]
    finished = frame[frame["status"] == "completed"]
    if finished.empty:
        _empty(ax, "no finished video yet")
        _dollars(ax)
        return fig
    spent = billed.groupby(["model", "size"])["billed_cents"].sum()
    seconds = finished.groupby(["model", "size"])["seconds"].sum()
    keys = [k for k in seconds.index if seconds[k] > 0]
    values = [float(spent.get(k, 0.0)) / 100 / float(seconds[k]) for k in keys]
    labels = [_as_written(f"{m}\n{s}") for m, s in keys]
    bars = ax.bar(labels, values, color=SPEND, width=0.6, label="billed / finished second")
    ax.bar_label(bars, labels=[f"${v:.3f}" for v in values], padding=2, fontsize=9)
    if prices is not None:
        listed = []
        for m, s in keys:
            try:
                listed.append(float(prices.price_per_second(m, s)) / 100)
            except Exception:  # a model the table does not price: no marker
                listed.append(float("nan"))
        ax.scatter(
            labels,
            listed,
            marker="_",
            s=900,
            color=BUDGET,
            linewidths=2,
            zorder=3,
            label="list price",
        )
        ax.legend(frameon=False, fontsize=9)
    ax.set_ylim(0, max([v for v in values if v == v] + [0.01]) * 1.3)
    _dollars(ax)
    return fig


def _kind(purpose: str) -> str:
    p = purpose.lower()
    if "draft" in p:
        return "draft"
    if "final" in p:
        return "final"
    return "film"


def drafts_vs_finals(history: pd.DataFrame | None) -> Figure:
    """Spend and seconds on drafts (cheap checks of a prompt) against finals.

    A job's kind comes from its ledger purpose: "draft…", "final…", else "film" (a plain run).
    """
    frame = _frame(history)
    fig = _figure()
    ax = fig.add_subplot()
    _style(ax, title="Drafts vs finals", ylabel="US dollars billed")
    billed = frame[frame["billed_cents"].notna()].copy()
    if billed.empty:
        _empty(ax)
        _dollars(ax)
        return fig
    billed["kind"] = billed["purpose"].map(_kind)
    order = [k for k in ("draft", "final", "film") if k in set(billed["kind"])]
    grouped = billed.groupby("kind")
    dollars = [float(grouped["billed_cents"].sum()[k]) / 100 for k in order]
    jobs = [int(grouped.size()[k]) for k in order]
    secs = [int(grouped["seconds"].sum()[k]) for k in order]
    colors = {"draft": PALETTE[4], "final": PALETTE[0], "film": PALETTE[1]}
    bars = ax.bar(order, dollars, color=[colors[k] for k in order], width=0.55)
    ax.bar_label(
        bars,
        labels=[f"${d:,.2f}\n{j} jobs, {s} s" for d, j, s in zip(dollars, jobs, secs, strict=True)],
        padding=2,
        fontsize=9,
    )
    ax.set_ylim(0, max([*dollars, 0.01]) * 1.35)
    _dollars(ax)
    return fig


# Plans side by side in estimate_vs_billed: more and their labels overlap at the figure's width
PLANS_SHOWN = 12


def _plan_label(frame: pd.DataFrame, plan: str) -> str:
    """A plan's bar label: its project when the ledger booked one ("flask\n3f7b9b"), else
    the id's start; a plan id alone says nothing to the person reading the chart."""
    project = ""
    if "project" in frame.columns:
        named = frame.loc[frame["plan"] == plan, "project"].dropna().astype(str)
        project = next((p for p in named if p.strip()), "")
    short = plan[:6] if plan != "(no plan)" else plan
    return _as_written(f"{project[:14]}\n{short}" if project else plan[:10])


def estimate_vs_billed(history: pd.DataFrame | None) -> Figure:
    """Estimated against billed dollars per plan (finished jobs only): is the estimate true?

    Failed jobs that were not billed pull billed below the estimate; billed failures or a
    price change push it above.
    """
    import numpy as np

    frame = _frame(history)
    fig = _figure()
    ax = fig.add_subplot()
    _style(ax, title="Estimate vs billed", ylabel="US dollars")
    done = frame[~frame["status"].isin(["reserved", "submitted"])].copy()
    if done.empty:
        _empty(ax, "no finished jobs yet")
        _dollars(ax)
        return fig
    done["plan"] = done["plan"].fillna("").astype(str).replace("", "(no plan)")
    plans = list(dict.fromkeys(done["plan"]))  # in the order first billed (frame is by time)
    if len(plans) > PLANS_SHOWN:  # 25 plan ids side by side were one black smear
        plans = plans[-PLANS_SHOWN:]
        many = len(set(done["plan"]))
        _style(ax, title=f"Estimate vs billed: the last {PLANS_SHOWN} of {many} plans")
        done = done[done["plan"].isin(plans)]
    grouped = done.groupby("plan", sort=False)
    est = grouped["estimate_cents"].sum() / 100
    billed = grouped["billed_cents"].sum(min_count=0) / 100
    labels = [_plan_label(done, p) for p in est.index]
    x = np.arange(len(labels))
    width = 0.38
    ax.bar(x - width / 2, est.to_numpy(), width, label="estimate", color=PALETTE[1])
    ax.bar(
        x + width / 2,
        billed.reindex(est.index).fillna(0).to_numpy(),
        width,
        label="billed",
        color=SPEND,
    )
    ax.set_xticks(x, labels, fontsize=8 if len(labels) > 6 else None)
    if len(labels) > 6:
        fig.autofmt_xdate(rotation=30)
    ax.set_xlabel("plan")
    ax.legend(frameon=False, fontsize=9)
    _dollars(ax)
    return fig


def dashboard(
    history: pd.DataFrame | None, budget: Cost | None = None, prices: PriceTable | None = None
) -> list[Figure]:
    """All five charts, in reading order."""
    return [
        cumulative_spend(history, budget),
        spend_by_model_size(history),
        cost_per_second(history, prices),
        drafts_vs_finals(history),
        estimate_vs_billed(history),
    ]
