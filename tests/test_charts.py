"""Cost charts on a real ledger's history: the plotted data are the ledger's numbers."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from sorafilm_nb import charts
from sorafilm_nb.money.cost import Cost
from sorafilm_nb.money.ledger import Ledger
from sorafilm_nb.money.prices import PriceTable

if TYPE_CHECKING:  # pandas and matplotlib load in the tests, not when a worker collects the file
    import pandas as pd


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 3, 9, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        self.now += timedelta(hours=5)
        return self.now


# (purpose, plan, model, size, seconds, outcome): completed jobs bill the estimate
JOBS = [
    ("draft", "plan-a", "sora-2", "1280x720", 4, "completed"),
    ("draft", "plan-a", "sora-2", "1280x720", 4, "completed"),
    ("final", "plan-a", "sora-2-pro", "1280x720", 8, "completed"),
    ("final", "plan-a", "sora-2-pro", "1792x1024", 12, "completed"),
    ("film", "plan-b", "sora-2", "1280x720", 12, "failed"),
    ("film", "plan-b", "sora-2", "1280x720", 8, "completed"),
    ("film", "plan-b", "sora-2", "1280x720", 4, "open"),
]


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    prices = PriceTable.load()
    path = Path(tmp_path_factory.mktemp("ledger")) / "ledger.sqlite3"
    with Ledger(path, clock=Clock()) as led:
        led.set_budget(Cost(Decimal(5000)))
        for k, (purpose, plan, model, size, secs, outcome) in enumerate(JOBS):
            cost = prices.cost(model, size, secs)
            res = led.reserve(
                cost, purpose, plan, shot=f"shot-{k:02d}", model=model, size=size, seconds=secs
            )
            led.attach(res, f"video_{k}")
            if outcome == "completed":
                led.settle(f"video_{k}", cost)
            elif outcome == "failed":
                led.fail(f"video_{k}", "server error")
        return led.history()


def test_cumulative_spend_follows_the_ledger_and_draws_the_budget(history: pd.DataFrame) -> None:
    import numpy as np
    from matplotlib.figure import Figure

    fig = charts.cumulative_spend(history, Cost(Decimal(5000)))
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    billed_line, committed, budget = ax.lines
    # drafts 0.40 + 0.40, pro 720p 2.40, pro hi-res 6.00, sora-2 0.80;
    # the failed job was not billed, so it adds no step
    assert np.allclose(billed_line.get_ydata(), [0.4, 0.8, 3.2, 9.2, 10.0])
    assert committed.get_ydata()[-1] == pytest.approx(10.4)  # + the open 4 s reservation
    assert list(budget.get_ydata()) == [50.0, 50.0]
    assert "monthly budget $50.00" in [t.get_text() for t in ax.get_legend().get_texts()]
    assert ax.get_title(loc="left") == "Cumulative spend"


def test_spend_by_model_and_size(history: pd.DataFrame) -> None:
    ax = charts.spend_by_model_size(history).axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    widths = [p.get_width() for p in ax.patches]
    got = dict(zip(labels, widths, strict=True))
    assert got == pytest.approx(
        {"sora-2  1280x720": 1.6, "sora-2-pro  1280x720": 2.4, "sora-2-pro  1792x1024": 6.0}
    )


def test_cost_per_second_marks_the_list_price(history: pd.DataFrame) -> None:
    ax = charts.cost_per_second(history, PriceTable.load()).axes[0]
    heights = [p.get_height() for p in ax.patches]
    # completed seconds: sora-2 4+4+8 = 16 s for $1.60; the failed job was not billed
    assert heights == pytest.approx([0.10, 0.30, 0.50])
    listed = ax.collections[0].get_offsets()[:, 1]
    assert list(listed) == pytest.approx([0.10, 0.30, 0.50])


def test_drafts_vs_finals(history: pd.DataFrame) -> None:
    ax = charts.drafts_vs_finals(history).axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["draft", "final", "film"]
    assert [p.get_height() for p in ax.patches] == pytest.approx([0.8, 8.4, 0.8])
    assert "2 jobs, 8 s" in " ".join(t.get_text() for t in ax.texts)


def test_estimate_vs_billed_per_plan(history: pd.DataFrame) -> None:
    ax = charts.estimate_vs_billed(history).axes[0]
    est = [p.get_height() for p in ax.containers[0]]
    billed = [p.get_height() for p in ax.containers[1]]
    assert est == pytest.approx([9.2, 2.0])  # plan-b: failed 12 s job estimated $1.20
    assert billed == pytest.approx([9.2, 0.8])


@pytest.mark.parametrize(
    "make",
    [
        lambda h: charts.cumulative_spend(h, Cost(Decimal(1000))),
        charts.spend_by_model_size,
        charts.cost_per_second,
        charts.drafts_vs_finals,
        charts.estimate_vs_billed,
    ],
)
def test_empty_history_draws_a_labelled_empty_chart(make, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with Ledger(tmp_path / "empty.sqlite3") as led:
        fig = make(led.history())
    ax = fig.axes[0]
    assert ax.get_title(loc="left")
    assert any("yet" in t.get_text() for t in ax.texts)
    assert fig._repr_png_()[:8] == b"\x89PNG\r\n\x1a\n"


def test_history_without_the_columns_is_a_clear_error() -> None:
    import pandas as pd

    with pytest.raises(ValueError, match="billed_cents"):
        charts.cumulative_spend(pd.DataFrame({"time": [], "model": []}))


def test_dashboard_and_no_pyplot_state(history: pd.DataFrame) -> None:
    import sys

    from matplotlib.figure import Figure

    figs = charts.dashboard(history, Cost(Decimal(5000)), PriceTable.load())
    assert len(figs) == 5 and all(isinstance(f, Figure) for f in figs)
    assert (
        "matplotlib.pyplot" not in sys.modules or not sys.modules["matplotlib.pyplot"].get_fignums()
    )


def test_spend_by_who_splits_a_team_budget() -> None:
    import pandas as pd

    from sorafilm_nb import charts

    history = pd.DataFrame(
        {
            "time": pd.to_datetime(["2026-03-01", "2026-03-02", "2026-03-03"], utc=True),
            "model": ["sora-2"] * 3,
            "size": ["720x1280"] * 3,
            "seconds": [4, 4, 4],
            "estimate_cents": [40, 40, 40],
            "billed_cents": pd.array([40, 30, None], dtype="Int64"),
            "status": ["completed", "completed", "reserved"],
            "user": ["ada", "bob", "ada"],
            "project": ["repo-a", None, "repo-a"],
        }
    )
    ax = charts.spend_by_who(history, "user").axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["ada", "bob"]
    assert [round(b.get_width(), 2) for b in ax.patches] == [0.4, 0.3]
    ax = charts.spend_by_who(history, "project").axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["-", "repo-a"]


def test_a_chart_is_saved_as_a_palette_png_that_looks_the_same(history: pd.DataFrame) -> None:
    # Notebooks save each chart's PNG (an output, a dashboard's Image widget): a palette
    # keeps it at ~2/5 the size of matplotlib's RGBA and the same to the eye.
    import io

    import numpy as np
    from PIL import Image

    fig = charts.spend_by_model_size(history)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    full = Image.open(io.BytesIO(buf.getvalue()))
    saved = fig._repr_png_()
    small = Image.open(io.BytesIO(saved))
    assert small.mode == "P" and small.size == full.size
    assert len(saved) < 0.6 * len(buf.getvalue()), (len(saved), len(buf.getvalue()))
    diff = np.abs(
        np.asarray(small.convert("RGB"), dtype=int) - np.asarray(full.convert("RGB"), dtype=int)
    )
    assert diff.mean() < 0.1 and diff.max() < 64, (diff.mean(), diff.max())
    fig.patch.set_alpha(0.0)  # see-through: kept as RGBA, not flattened onto a palette
    assert Image.open(io.BytesIO(charts.png(fig))).mode == "RGBA"


def test_estimate_vs_billed_shows_the_last_plans_by_project(tmp_path: Path) -> None:
    """Notebook 03's chart after a few weeks: 25 plan ids side by side, one black smear of
    overlapping labels. The last PLANS_SHOWN plans are shown, the title says how many of
    how many, and each bar is labelled with its project."""
    prices = PriceTable.load()
    with Ledger(tmp_path / "ledger.sqlite3", clock=Clock()) as led:
        led.set_budget(Cost(Decimal(100_000)))
        for k in range(25):
            cost = prices.cost("sora-2", "1280x720", 4)
            res = led.reserve(
                cost, "film", f"{k:02d}c0ffee4b1d", shot="shot-01", model="sora-2",
                size="1280x720", seconds=4, project="flask" if k % 2 else "zod",
            )  # fmt: skip
            led.attach(res, f"video_{k}")
            led.settle(f"video_{k}", cost)
        history = led.history()
    ax = charts.estimate_vs_billed(history).axes[0]
    shown = charts.PLANS_SHOWN
    assert len(ax.containers[0]) == len(ax.containers[1]) == shown < 25
    assert ax.get_title(loc="left") == f"Estimate vs billed: the last {shown} of 25 plans"
    assert ax.get_title() == ""  # one title, not two drawn over each other
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels[-1] == "zod\n24c0ff" and labels[-2] == "flask\n23c0ff", labels
    assert labels[0] == "flask\n13c0ff" and len(set(labels)) == shown, labels


def test_a_name_with_dollars_is_drawn_as_written_never_as_a_formula(tmp_path: Path) -> None:
    """Ledger text is a team's, a CSV import's or $SORAFILM_PROJECT's: a project, user, model
    or plan named "a$\\foo{$b" was read by matplotlib as a formula, and drawing any chart
    naming it raised ValueError (the notebook's dashboard showed none). Drawn as written."""
    name = "a$\\foo{$b"
    prices = PriceTable.load()
    with Ledger(tmp_path / "ledger.sqlite3", clock=Clock()) as led:
        led.set_budget(Cost(Decimal(5000)))
        cost = prices.cost("sora-2", "1280x720", 4)
        res = led.reserve(
            cost,
            "film",
            name,
            shot="s1",
            model=name,
            size="1280x720",
            seconds=4,
            project=name,
            user=name,
        )
        led.attach(res, "video_1")
        led.settle("video_1", cost)
        history = led.history()
    figures = [
        charts.spend_by_who(history, "project"),
        charts.spend_by_who(history, "user"),
        charts.spend_by_model_size(history),
        charts.cost_per_second(history),
        charts.estimate_vs_billed(history),
    ]
    for fig in figures:
        assert charts.png(fig).startswith(b"\x89PNG")
        fig.canvas.draw()
        drawn = [
            t.get_text()
            for ax in fig.axes
            for t in ax.texts + ax.get_xticklabels() + ax.get_yticklabels()
        ]
        assert any("a\\$\\foo{\\$b" in t for t in drawn), drawn
