"""Notebook 03's re-priced history on a ledger that also holds Veo and Runway jobs: the
README's rehearsal commands book them in the same sandbox ledger the notebook reads, and the
what-if (OpenAI's price file) has no price for them. The notebook's own cell, run in-process."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from package_fixtures import tools_package

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


def test_the_providers_compared_are_cast_as_sorafilm_plan_casts_them(tmp_path: Path) -> None:
    """Notebook 03 listed Veo's as-planned film at 72 s, $28.80 (and Runway's at $8.64) where
    `sorafilm plan --provider veo` says 88 s, $35.20: it cast the 8 concepts sora-2's 12 s
    clips need, and 8 s clips need more, so the cut film was compared, not the film made."""
    import pandas as pd

    import sorafilm_nb as sf
    from sorafilm_nb.money.strategies import strategies_frame

    profile = sf.analyze(str(tools_package(tmp_path / "tools")))
    ns = {"profile": profile, "THEME": "kitchen", "PLANNED_TEMPLATE": "silent-90", "sf": sf}
    ns.update(COMPARE_PROVIDERS=["openai", "veo", "runway"], pd=pd)
    ns["strategies_frame"] = strategies_frame
    exec(_cell("for provider in COMPARE_PROVIDERS:"), ns)
    rows = ns["by_provider"].set_index(["provider", "strategy"])
    for provider in ns["COMPARE_PROVIDERS"]:
        cli = sf.plan(
            profile, theme="kitchen", template="silent-90", tier=sf.Tier.LOW, provider=provider
        )  # `sorafilm plan --provider P`, in-process
        row = rows.loc[(provider, "as-planned")]
        assert (row["billed_seconds"], row["cost"]) == (cli.seconds, str(cli.total)), provider
    assert str(rows.loc[("veo", "as-planned"), "cost"]) == "$35.20"
