"""Notebook 03's re-priced history on a ledger that also holds Veo and Runway jobs: the
README's rehearsal commands book them in the same sandbox ledger the notebook reads, and the
what-if (OpenAI's price file) has no price for them. The notebook's own cell, run in-process."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from sorafilm_nb.money.prices import PriceTable

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "03_cost_analysis.ipynb"


def _cell(marker: str) -> str:
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    (found,) = ["".join(c["source"]) for c in nb["cells"] if marker in "".join(c["source"])]
    return found


def test_the_repriced_history_leaves_out_models_the_what_if_does_not_price() -> None:
    import pandas as pd  # here, not at the top: every xdist worker collects this module

    history = pd.DataFrame(
        {  # the columns the cell reads, as Ledger.history() names them
            "status": ["completed", "completed", "completed", "failed"],
            "model": ["sora-2", "veo-3.1-generate-preview", "gen4.5", "sora-2"],
            "size": ["1280x720"] * 4,
            "seconds": [8, 8, 8, 4],
            "billed": [Decimal("0.80"), Decimal("3.20"), Decimal("0.96"), Decimal(0)],
        }
    )
    ns = {"history": history, "what_if": PriceTable.load(provider="openai"), "pd": pd}
    exec(_cell('"what-if": [what_if.cost('), ns)
    summary = ns["summary"]
    assert list(summary.index) == [("sora-2", "1280x720")]
    assert summary.loc[("sora-2", "1280x720"), "what-if"] == Decimal("0.80")
