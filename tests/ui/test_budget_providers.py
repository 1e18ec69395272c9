"""The budget picker chooses the provider: its models and sizes, and its prices."""

from __future__ import annotations

from decimal import Decimal

from sorafilm_nb.money.cost import Cost
from sorafilm_nb.money.prices import PriceTable
from sorafilm_nb.ui.budget import BudgetPicker


def test_switching_provider_prices_the_estimate_from_its_file() -> None:
    picker = BudgetPicker(
        None,
        PriceTable.load(),
        templates={"teaser-30": 24},
        providers=("openai", "veo", "runway"),
    )
    assert picker.provider in picker.children  # shown: more than one provider offered
    assert picker.estimate == Cost(Decimal(240))  # 24 s of sora-2 at $0.10
    picker.provider.value = "veo"
    assert picker.model.value == "veo-3.1-generate-preview"
    assert "1920x1080" in picker.size.options
    assert picker.current().provider == "veo"
    assert picker.estimate == Cost(Decimal(960))  # 24 s at $0.40
    assert "veo" in picker.output.value
    picker.provider.value = "runway"
    assert picker.model.value == "gen4.5" and picker.estimate == Cost(Decimal(288))


def test_one_provider_shows_no_provider_dropdown() -> None:
    picker = BudgetPicker(None, PriceTable.load(provider="runway"), templates={"single-12": 8})
    assert picker.provider not in picker.children
    assert picker.current().provider == "runway" and picker.estimate == Cost(Decimal(96))
