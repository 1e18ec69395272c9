"""Strategies for every provider, from its capability file and its price file (money.strategies):
the lengths each model takes, its per-second prices and its price modifiers. OpenAI's own
figures are in test_prices.py."""

from __future__ import annotations

import dataclasses
import pickle
from decimal import Decimal
from pathlib import Path

import pytest
from story_fixtures import uncast_storyboard

from sorafilm_nb.errors import DataFileError
from sorafilm_nb.money.prices import PriceError, PriceTable
from sorafilm_nb.money.strategies import Strategy, clips_for, estimate, strategies
from sorafilm_nb.story.boards import Storyboard

VEO = "veo-3.1-generate-preview"


def board(provider: str, seconds: list[int], model: str, size: str = "1280x720") -> Storyboard:
    made = uncast_storyboard(seconds, model=model, size=size)
    return dataclasses.replace(made, provider=provider)


def by_name(items: list[Strategy]) -> dict[str, Strategy]:
    return {s.name: s for s in items}


@pytest.mark.parametrize(
    ("seconds", "allowed", "clips"),
    [
        (8, (4, 6, 8), (8,)),
        (12, (4, 6, 8), (8, 4)),  # two clips, not three
        (12, (8,), (8, 8)),  # Veo at 1080p: 8 s only
        (4, (8,), (8,)),  # a shorter shot is billed as the shortest clip
        (5, (4, 8, 12), (8,)),
        (7, tuple(range(2, 11)), (7,)),  # Runway gen4.5 takes any whole 2-10 s
        (0, (4,), ()),
    ],
)
def test_a_shot_is_covered_by_the_fewest_billed_seconds(
    seconds: int, allowed: tuple[int, ...], clips: tuple[int, ...]
) -> None:
    assert clips_for(seconds, allowed) == clips


def test_veo_strategies_follow_veo_lengths_and_prices() -> None:
    """24 s at 720p on Veo 3.1 ($0.40/s in the packaged file); at 1080p Veo takes 8 s clips
    only, so the two 4 s shots are billed 8 s each. Veo 3.1 Fast is priced too ($0.15/s,
    UNVERIFIED), so drafts on Fast then finals on Veo 3.1 is a strategy."""
    fast = "veo-3.1-fast-generate-preview"
    veo = board("veo", [8, 8, 4, 4], VEO)
    got = by_name(strategies(veo))  # the board's provider's packaged prices
    assert list(got) == [
        "as-planned",
        f"all-{VEO}-720p",
        f"all-{VEO}-hires",
        f"all-{fast}-720p",
        f"all-{fast}-hires",
        f"drafts-then-{VEO}",
        "animatic-only",
    ]
    assert got[f"all-{fast}-720p"].cost.cents == Decimal(24 * 15)
    assert got[f"drafts-then-{VEO}"].cost.cents == Decimal(4 * 4 * 15 + 24 * 40)
    assert got["as-planned"].cost.cents == Decimal(24 * 40)
    assert got[f"all-{VEO}-720p"].cost.cents == Decimal(24 * 40)
    hires = got[f"all-{VEO}-hires"]
    assert hires.size == "1920x1080" and hires.billed_seconds == 32
    assert hires.cost.cents == Decimal(32 * 40)
    assert "2 shot(s) re-timed" in hires.notes and "[8] s" in hires.notes
    assert estimate(veo).cents == Decimal(24 * 40)  # priced from Veo's file, not OpenAI's


def test_veo_portrait_keeps_its_orientation() -> None:
    got = by_name(strategies(board("veo", [8], VEO, size="720x1280")))
    assert got[f"all-{VEO}-720p"].size == "720x1280"
    assert got[f"all-{VEO}-hires"].size == "1080x1920"


def test_runway_strategies_compare_its_models_and_draft_cheaply() -> None:
    """gen4.5 at 12 credits/s against veo3.1 at up to 40 (Runway's own reference): drafts are
    4 s on gen4.5 (the shortest length >= 4 it takes), finals on veo3.1."""
    rw = board("runway", [8, 8, 8], "gen4.5")
    got = by_name(strategies(rw))
    assert list(got) == [
        "as-planned",
        "all-gen4.5",
        "all-veo3.1-720p",
        "all-veo3.1-hires",
        "drafts-then-veo3.1",
        "animatic-only",
    ]
    assert str(got["as-planned"].cost) == "$2.88"
    assert str(got["all-gen4.5"].cost) == "$2.88"
    assert str(got["all-veo3.1-720p"].cost) == "$9.60"
    drafts = got["drafts-then-veo3.1"]
    assert drafts.model == "gen4.5 + veo3.1" and drafts.billed_seconds == 3 * 4 + 24
    assert drafts.cost.cents == Decimal(3 * 4 * 12 + 24 * 40)
    assert "each redone 8 s final" in drafts.notes  # veo3.1's longest clip on Runway


@pytest.mark.parametrize(
    ("provider", "model", "shots", "said"),
    [
        # Runway: 3 drafts of 4 s at 12 c ($1.44) against an 8 s veo3.1 redo at 40 c ($3.20)
        (
            "runway",
            "gen4.5",
            [8, 8, 8],
            "$1.44 more than those finals alone, repaid if the drafts spare 1 redone 8 s final",
        ),
        # 11 shots, as the new user's pluggy film: $5.28 of drafts, 2 redos to repay them
        (
            "runway",
            "gen4.5",
            [8] * 11,
            "$5.28 more than those finals alone, repaid if the drafts spare 2 redone 8 s finals",
        ),
        (
            "veo",
            VEO,
            [8, 8, 4, 4],
            "$2.40 more than those finals alone, repaid if the drafts spare 1 redone 8 s final",
        ),
    ],
)
def test_drafts_then_finals_is_named_in_the_providers_words_and_says_why(
    provider: str, model: str, shots: list[int], said: str
) -> None:
    """A new user saw "drafts-then-pro $40.48" on Runway beside all-veo3.1 at $35.20: "pro"
    is a Sora word, and nothing said why to pay more. The name is the finals' model; the
    description says what the drafts cost over those finals and what repays them."""
    got = strategies(board(provider, shots, model))
    (drafts,) = [s for s in got if s.name.startswith("drafts-")]
    final = drafts.model.split(" + ")[1]
    assert drafts.name == f"drafts-then-{final}" and "pro" not in drafts.name.split("-")
    assert said in drafts.description
    alone = [s for s in got if s.name.startswith(f"all-{final}") and s.size == drafts.size]
    assert drafts.cost > alone[0].cost  # dearer than those finals alone, and says by how much


NO_AUDIO = """
provider = "veo"
source = "https://example.invalid/veo-prices"
as_of = "2030-01"

[cents_per_second."{model}"]
"1280x720" = 40
"1920x1080" = 40

[modifiers.no_audio."{model}"]
"{size}" = {price}
"""


def veo_prices(
    tmp_path: Path, *, model: str = VEO, size: str = "1280x720", price: str = "20"
) -> Path:
    path = tmp_path / "veo-prices.toml"
    path.write_text(NO_AUDIO.format(model=model, size=size, price=price), encoding="utf-8")
    return path


def test_a_price_modifier_gives_its_own_strategy(tmp_path: Path) -> None:
    table = PriceTable.load(veo_prices(tmp_path), provider="veo")
    assert table.price_per_second(VEO, "1280x720", "no_audio") == Decimal(20)
    assert table.modifiers_for(VEO, "1280x720") == ("no_audio",)
    assert table.modifiers_for(VEO, "1920x1080") == ()
    with pytest.raises(PriceError, match="no no_audio price"):
        table.cost(VEO, "1920x1080", 8, "no_audio")
    got = by_name(strategies(board("veo", [8, 8], VEO), table))
    silent = got[f"all-{VEO}-720p-no-audio"]
    assert silent.cost.cents == Decimal(16 * 20) and "without audio" in silent.description
    assert got[f"all-{VEO}-720p"].cost.cents == Decimal(16 * 40)
    assert f"all-{VEO}-hires-no-audio" not in got  # the file lists none at 1080p
    clone = pickle.loads(pickle.dumps(table))
    assert clone == table and clone.modifiers == table.modifiers


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ('[modifiers.louder."veo-3.1-generate-preview"]\n"1280x720" = 1\n', "known modifiers"),
        ('[modifiers.no_audio."veo-9"]\n"1280x720" = 1\n', "priced model"),
        ('[modifiers.no_audio."veo-3.1-generate-preview"]\n"720x1280" = 1\n', "not priced at"),
        ('[modifiers.no_audio."veo-3.1-generate-preview"]\n"1280x720" = 0.2\n', "float"),
    ],
)
def test_a_bad_modifier_is_refused_naming_it(tmp_path: Path, text: str, why: str) -> None:
    path = tmp_path / "bad.toml"
    head = NO_AUDIO.split("[modifiers")[0].format(model=VEO)
    path.write_text(head + text, encoding="utf-8")
    with pytest.raises(DataFileError, match=why):
        PriceTable.load(path)


def test_no_audio_only_for_a_model_that_can_leave_it_out(tmp_path: Path) -> None:
    """sora-2 makes audio but takes no switch to leave it out: a no_audio price for it could
    never be sent, and a plan priced with it would under-reserve."""
    path = tmp_path / "openai.toml"
    path.write_text(
        'provider = "openai"\nsource = "s"\nas_of = "d"\n'
        '[cents_per_second."sora-2"]\n"1280x720" = 10\n'
        '[modifiers.no_audio."sora-2"]\n"1280x720" = 5\n',
        encoding="utf-8",
    )
    with pytest.raises(DataFileError, match="cannot be asked to leave its audio out"):
        PriceTable.load(path)


def test_no_audio_only_for_a_model_that_makes_audio(tmp_path: Path) -> None:
    path = tmp_path / "runway.toml"
    path.write_text(
        'provider = "runway"\nsource = "s"\nas_of = "d"\n'
        '[cents_per_second."gen4.5"]\n"1280x720" = 12\n'
        '[modifiers.no_audio."gen4.5"]\n"1280x720" = 10\n',
        encoding="utf-8",
    )
    with pytest.raises(DataFileError, match="makes no audio"):
        PriceTable.load(path)
